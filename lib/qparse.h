/* qparse.h: the query language, parsed into a tree.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The parser knows the syntax only: words, "phrases", operators, fields and
 * dates. It does not analyze text; the searcher runs the words of each leaf
 * through the analyzer, so query terms and index terms come from one place.
 * The language is described for users in doc/query-syntax.md.
 *
 * Shape of a parsed tree (what the searcher may rely on):
 *  - AND and OR nodes have at least two kids and never a kid of their own
 *    kind (nested groups are flattened); NEAR has two or more kids, each a
 *    leaf (word, exact, phrase, wildcard) or an OR of such leaves.
 *  - NOT has exactly one kid and only ever appears as a kid of an AND that
 *    also has a kid that is not a NOT (so it can be run as AND_NOT). The
 *    operand of an OR, and the query as a whole, always has something that
 *    must match.
 *  - There is at most one DATE node (all date filters intersected), and it is
 *    either the whole tree or a kid of the root AND. A query may be a date
 *    alone, or a date and exclusions: "since:1d", "since:1d -sports".
 *  - Leaves carry a field (NS_FIELD_ANY unless title:/source: was given);
 *    AND/OR/NOT/NEAR/DATE nodes have NS_FIELD_ANY.
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
#define NS_QUERY_MAX_TERMS 64 /* leaves: words, phrases, wildcards and dates */
#define NS_QUERY_MAX_DEPTH 32 /* nesting of parentheses */

/* NEAR without /n, and the largest n accepted. */
#define NS_QUERY_NEAR_DEFAULT 10
#define NS_QUERY_NEAR_MAX     100

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

typedef enum ns_qfield { NS_FIELD_ANY = 0, NS_FIELD_TITLE, NS_FIELD_SOURCE } ns_qfield;

/* A node of the tree. Leaves are WORD, EXACT, PHRASE and WILDCARD (text set)
 * and DATE (date_lo/date_hi set, text NULL). */
typedef struct ns_qnode {
    ns_qkind kind;
    ns_qfield field; /* for leaves */
    /* Leaves: malloc'd, NUL-terminated copy of the raw text from the query
     * (owned by the node): the word without its `=` or trailing `*`, the
     * phrase between its quotes (spaces kept as typed; it may contain control
     * characters, never a NUL byte). NULL for other nodes. */
    char *text;
    size_t len; /* strlen(text) */
    /* 0-based byte offset in the query where the node starts: a word's first
     * byte, an exact word's `=`, a phrase's opening quote, a date's field
     * name (date:/since:/until:), a NOT's `-` or NOT, a parenthesized
     * group's `(`, else its first operand. A field prefix (title:) is not
     * part of the leaf it applies to. */
    size_t offset;
    /* NEAR: the n of NEAR/n (1..NS_QUERY_NEAR_MAX): matches when all kids
     * occur with at most n-1 other words between consecutive ones, in any
     * order; "a NEAR/1 b" means adjacent. Xapian's OP_NEAR window is the
     * span of positions, so pass window + nkids - 1 (as Xapian's own
     * QueryParser does for NEAR/n). */
    unsigned window;
    int64_t date_lo; /* DATE: inclusive bounds, seconds since epoch UTC; */
    int64_t date_hi; /*   INT64_MIN / INT64_MAX when open */
    struct ns_qnode **kids;
    size_t nkids;
} ns_qnode;

typedef struct ns_qparse_opts {
    /* "now" for relative dates (since:7d), seconds UTC; 0 means the current
     * time, time(NULL). */
    int64_t now;
    /* Warnings for queries read leniently (e.g. an unclosed quote): `column`
     * is the 1-based byte column the warning is about; `msg` (no column in
     * it, no trailing newline) is valid during the call. Called only when
     * the parse succeeds, in column order, before ns_query_parse returns; at
     * most 20 times plus one "N more warnings not shown". May be NULL. */
    void (*warn)(void *ctx, size_t column, const char *msg);
    void *warn_ctx;
} ns_qparse_opts;

/* Parse q[0..len) (borrowed; need not be NUL-terminated; q may be NULL when
 * len is 0). `opts` may be NULL (now = the current time, no warnings); `err`
 * may be NULL. On success *out is a tree owned by the caller (free with
 * ns_qnode_free). On failure *out is NULL and `err` holds the status,
 * err->column the 1-based byte column of the problem, and err->msg what is
 * wrong (without the column: status.h):
 * @retval NS_ERR_QUERY  malformed query: empty, invalid UTF-8 or a NUL byte,
 *                       bad date, NEAR without two operands, an excluded term
 *                       under OR or NEAR, only exclusions, ...
 *                       (doc/query-syntax.md)
 * @retval NS_ERR_LIMIT  longer than NS_QUERY_MAX_BYTES, more than
 *                       NS_QUERY_MAX_TERMS leaves, or parentheses nested
 *                       deeper than NS_QUERY_MAX_DEPTH
 * @retval NS_ERR_NOMEM  out of memory (err->column 0) */
ns_status ns_query_parse(const char *q, size_t len, const ns_qparse_opts *opts, ns_qnode **out,
                         ns_error *err);

/* Free a tree and everything under it. Accepts NULL. */
void ns_qnode_free(ns_qnode *n);

/* The tree as a one-line s-expression, a stable format (tests and --explain
 * use it):
 *   (word "umerov")  (word title "x")  (exact "guarantees")
 *   (phrase source "Tribune Content Agency")  (wildcard "deconflict")
 *   (and K K...)  (or K K...)  (not K)  (near 5 K K...)
 *   (date 1764547200 1767225599)  (date -inf 1767225599)  (date 1764547200 +inf)
 * A field, when set, follows the kind. Strings are in double quotes with `"`
 * and `\` escaped by a backslash and bytes below 0x20 and 0x7F written \xHH;
 * other bytes (UTF-8) are copied. Kids are separated by one space.
 * *out is malloc'd and owned by the caller (free); NULL on failure.
 * @retval NS_ERR_NOMEM    out of memory
 * @retval NS_ERR_INVALID  `n` is NULL */
ns_status ns_qnode_sexpr(const ns_qnode *n, char **out);

/* Constant names of kinds ("word", "and", ...) and fields ("any", "title",
 * "source"), as used in the s-expression. Never NULL. */
const char *ns_qkind_str(ns_qkind k);
const char *ns_qfield_str(ns_qfield f);

#endif
