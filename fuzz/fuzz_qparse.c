/* fuzz_qparse.c: libFuzzer target for the query parser (lib/qparse.c).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Parses arbitrary bytes. A refused query must come back as NS_ERR_QUERY or
 * NS_ERR_LIMIT with a column inside the query and a message that does not
 * repeat it (no "column N: " in front); an
 * accepted one must print as an s-expression and keep every promise
 * qparse.h makes about the shape of the tree (checked below, abort() on a
 * broken one), and every warning must carry a column inside the query.
 * Seeds: fuzz/corpus/fuzz_qparse/. Build and run with `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qparse.h"

typedef struct ctx {
    size_t len;
    size_t last_column;
} ctx;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_qparse: broken promise: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void on_warning(void *p, size_t column, const char *msg)
{
    ctx *c = p;
    CHECK(msg != NULL && msg[0] != '\0');
    CHECK(column >= 1 && column <= c->len + 1);
    CHECK(column >= c->last_column); /* delivered in column order */
    c->last_column = column;
}

static int is_leaf(const ns_qnode *n)
{
    return n->kind == NS_Q_WORD || n->kind == NS_Q_EXACT || n->kind == NS_Q_PHRASE ||
           n->kind == NS_Q_WILDCARD;
}

static int positive(const ns_qnode *n)
{
    if (n->kind == NS_Q_NOT) return 0;
    if (n->kind != NS_Q_AND) return 1;
    for (size_t i = 0; i < n->nkids; i++) {
        if (positive(n->kids[i])) return 1;
    }
    return 0;
}

/* Check the node and its kids; returns the number of leaves and dates. */
static size_t check(const ns_qnode *n, const ns_qnode *parent, int depth, size_t len, size_t *dates)
{
    CHECK(n != NULL);
    CHECK(depth < 200);
    CHECK(n->offset < len);
    if (is_leaf(n)) {
        CHECK(n->text != NULL && strlen(n->text) == n->len);
        CHECK(n->nkids == 0);
        if (n->kind == NS_Q_WILDCARD) CHECK(n->len >= 2);
        return 1;
    }
    CHECK(n->field == NS_FIELD_ANY);
    CHECK(n->text == NULL);
    size_t leaves = 0;
    switch (n->kind) {
    case NS_Q_DATE:
        CHECK(n->nkids == 0);
        CHECK(n->date_lo <= n->date_hi);
        CHECK(parent == NULL || (parent->kind == NS_Q_AND));
        (*dates)++;
        return 1;
    case NS_Q_AND:
    case NS_Q_OR: CHECK(n->nkids >= 2); break;
    case NS_Q_NOT:
        CHECK(n->nkids == 1);
        CHECK(parent != NULL && parent->kind == NS_Q_AND && positive(parent));
        CHECK(positive(n->kids[0]));
        break;
    case NS_Q_NEAR:
        CHECK(n->nkids >= 2);
        CHECK(n->window >= 1 && n->window <= NS_QUERY_NEAR_MAX);
        for (size_t i = 0; i < n->nkids; i++) {
            const ns_qnode *k = n->kids[i];
            if (k->kind == NS_Q_OR) {
                for (size_t j = 0; j < k->nkids; j++)
                    CHECK(is_leaf(k->kids[j]));
            } else {
                CHECK(is_leaf(k));
            }
        }
        break;
    default: CHECK(!"unknown kind");
    }
    for (size_t i = 0; i < n->nkids; i++) {
        const ns_qnode *k = n->kids[i];
        CHECK(k->kind != n->kind); /* flattened */
        if (n->kind == NS_Q_OR) CHECK(positive(k));
        if (k->kind == NS_Q_DATE) CHECK(parent == NULL);
        leaves += check(k, n, depth + 1, len, dates);
    }
    return leaves;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ctx c = {size, 0};
    ns_qparse_opts opts = {1765022400, on_warning, &c};
    /* An exact-size copy with no NUL after it, so ASan catches an overread. */
    char *q = malloc(size ? size : 1);
    if (!q) return 0;
    memcpy(q, data, size);
    ns_qnode *tree = NULL;
    ns_error err;
    ns_status st = ns_query_parse(q, size, &opts, &tree, &err);
    if (st == NS_OK) {
        CHECK(tree != NULL);
        size_t dates = 0;
        size_t leaves = check(tree, NULL, 0, size, &dates);
        CHECK(leaves <= NS_QUERY_MAX_TERMS);
        CHECK(dates <= 1);
        CHECK(positive(tree));
        char *s = NULL;
        CHECK(ns_qnode_sexpr(tree, &s) == NS_OK && s != NULL && s[0] == '(');
        free(s);
        ns_qnode_free(tree);
    } else {
        CHECK(tree == NULL);
        CHECK(st == NS_ERR_QUERY || st == NS_ERR_LIMIT || st == NS_ERR_NOMEM);
        CHECK(err.status == st);
        if (st != NS_ERR_NOMEM) {
            CHECK(err.column >= 1 && err.column <= size + 1);
            CHECK(err.msg[0] != '\0' && strncmp(err.msg, "column ", 7) != 0);
        }
    }
    ns_qnode *t2 = NULL;
    ns_status st2 = ns_query_parse(q, size, NULL, &t2, NULL);
    /* Without opts "now" is the clock, so relative dates may differ. */
    CHECK(st2 == NS_OK || st2 == NS_ERR_QUERY || st2 == NS_ERR_LIMIT || st2 == NS_ERR_NOMEM);
    ns_qnode_free(t2);
    free(q);
    return 0;
}
