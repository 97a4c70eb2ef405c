/* qparse.h: the query language, parsed into a tree.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The parser knows the syntax only: words, "phrases", operators, fields and
 * dates. It does not analyze text; the searcher runs the words of each leaf
 * through the analyzer, so query terms and index terms come from one place.
 *
 * Thread-safety: the functions keep no state; trees are plain values.
 */
#ifndef NS_QPARSE_H
#define NS_QPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Documented limits. */
#define NS_QUERY_MAX_BYTES 4096
#define NS_QUERY_MAX_TERMS 64

typedef enum ns_qkind {
    NS_Q_WORD,     /* a word (analyzed later; may yield several terms) */
    NS_Q_EXACT,    /* a word to match in its exact, unstemmed form */
    NS_Q_PHRASE,   /* "quoted words" */
    NS_Q_WILDCARD, /* word* : text holds the prefix without the star */
    NS_Q_AND,
    NS_Q_OR,
    NS_Q_NOT,  /* one kid: documents not matching it (only inside AND) */
    NS_Q_NEAR, /* kids within `window` words of each other */
    NS_Q_DATE  /* date range [date_lo, date_hi] */
} ns_qkind;

typedef enum ns_qfield {
    NS_FIELD_ANY = 0,
    NS_FIELD_TITLE,
    NS_FIELD_SOURCE
} ns_qfield;

typedef struct ns_qnode {
    ns_qkind kind;
    ns_qfield field;   /* for leaves */
    char *text;        /* leaves: NUL-terminated raw text from the query */
    size_t len;
    size_t offset;     /* 0-based byte offset of the node in the query */
    unsigned window;   /* NEAR */
    int64_t date_lo;   /* DATE: inclusive bounds, seconds since epoch UTC; */
    int64_t date_hi;   /*   INT64_MIN / INT64_MAX when open */
    struct ns_qnode **kids;
    size_t nkids;
} ns_qnode;

typedef struct ns_qparse_opts {
    int64_t now;       /* "now" for relative dates (since:7d), seconds UTC */
    /* Warnings for queries read leniently (e.g. an unclosed quote): `column`
     * is 1-based. May be NULL. */
    void (*warn)(void *ctx, size_t column, const char *msg);
    void *warn_ctx;
} ns_qparse_opts;

/* Parse q[0..len). On success *out is a tree owned by the caller (free with
 * ns_qnode_free). On failure *out is NULL and `err` holds NS_ERR_QUERY or
 * NS_ERR_LIMIT with a message and the 1-based column in err->column.
 * An empty query is NS_ERR_QUERY. */
ns_status ns_query_parse(const char *q, size_t len, const ns_qparse_opts *opts, ns_qnode **out,
                         ns_error *err);

void ns_qnode_free(ns_qnode *n);

/* The tree as an s-expression, e.g. (and (word "umerov") (phrase "a b")).
 * malloc'd; the caller frees it. NS_ERR_NOMEM. */
ns_status ns_qnode_sexpr(const ns_qnode *n, char **out);

#endif
