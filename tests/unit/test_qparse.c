/* test_qparse.c: unit tests for the query parser (lib/qparse.c).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Most cases live in tests/data/qparse_cases.txt, a table of queries and the
 * s-expression, warnings or error each must give (its format is described at
 * the top of that file); each case is one cmocka test named after its line.
 * The C tests below cover what a table can't: the warning callback itself,
 * node offsets and lengths, NULL arguments, exact limits, the clock.
 *
 * The table is found at $NS_QPARSE_CASES, else tests/data/qparse_cases.txt
 * from the current directory, else next to this source file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "qparse.h"

/* "Now" for every case: 2025-12-06T12:00:00Z. */
#define NOW 1765022400

/* ------------------------------------------------------------ allocation failures */

/* Outside sanitizer builds, malloc, calloc and realloc are wrapped (over
 * glibc's __libc_ functions) so a test can make the n-th allocation fail
 * and count what the parser allocates and frees. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_ALLOC_HOOKS 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || !defined(__GLIBC__)
#define NO_ALLOC_HOOKS 1
#endif

#ifndef NO_ALLOC_HOOKS
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static int armed;       /* counting and failing only while set */
static long fail_after; /* allocations left before one fails; < 0: none */
static long live;       /* allocations minus frees while armed */

static int alloc_fails(void)
{
    if (!armed || fail_after < 0) return 0;
    return fail_after-- == 0;
}

void *malloc(size_t n)
{
    if (alloc_fails()) return NULL;
    void *p = __libc_malloc(n);
    if (p && armed) live++;
    return p;
}

void *calloc(size_t n, size_t size)
{
    if (alloc_fails()) return NULL;
    void *p = __libc_calloc(n, size);
    if (p && armed) live++;
    return p;
}

void *realloc(void *old, size_t n)
{
    if (alloc_fails()) return NULL;
    void *p = __libc_realloc(old, n);
    if (p && !old && armed) live++;
    return p;
}

void free(void *p)
{
    if (p && armed) live--;
    __libc_free(p);
}
#endif

/* ------------------------------------------------------------ helpers */

typedef struct seen_warning {
    size_t column;
    char msg[256];
} seen_warning;

typedef struct warnings {
    seen_warning w[64];
    size_t n;
} warnings;

static void collect(void *ctx, size_t column, const char *msg)
{
    warnings *ws = ctx;
    assert_non_null(msg);
    if (ws->n < sizeof ws->w / sizeof ws->w[0]) {
        ws->w[ws->n].column = column;
        snprintf(ws->w[ws->n].msg, sizeof ws->w[ws->n].msg, "%s", msg);
    }
    ws->n++;
}

/* Parse q and return the s-expression (malloc'd) or NULL with *st set. */
static char *parse_sexpr(const char *q, size_t len, warnings *ws, ns_status *st, ns_error *err)
{
    ns_qparse_opts opts = {NOW, collect, ws};
    ns_qnode *tree = (ns_qnode *)0x1;
    *st = ns_query_parse(q, len, &opts, &tree, err);
    if (*st != NS_OK) {
        assert_null(tree);
        return NULL;
    }
    char *s = NULL;
    assert_int_equal(ns_qnode_sexpr(tree, &s), NS_OK);
    ns_qnode_free(tree);
    return s;
}

/* ------------------------------------------------------------ the table */

typedef struct expect_warning {
    size_t column;
    char *substr;
} expect_warning;

typedef struct tcase {
    int line;
    char *query;
    size_t qlen;
    char *sexpr;      /* expected tree, or NULL for an error */
    ns_status status; /* expected error status */
    size_t column;    /* expected error column */
    char *substr;     /* expected part of the error message */
    expect_warning warns[8];
    size_t nwarns;
} tcase;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "test_qparse: out of memory\n");
        exit(1);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *d = xmalloc(n + 1);
    memcpy(d, s, n + 1);
    return d;
}

typedef struct dbuf {
    char *s;
    size_t n, cap;
} dbuf;

static void db_put(dbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *t = realloc(b->s, cap);
        if (!t) {
            fprintf(stderr, "test_qparse: out of memory\n");
            exit(1);
        }
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode the escapes of a Q: line from *s up to the end or a closing "\}":
 * \\ \t \n \s (space) \xHH, and \{N}TEXT\} for TEXT repeated N times. */
static int unescape(const char **s, dbuf *out, int nested)
{
    const char *p = *s;
    while (*p) {
        if (*p != '\\') {
            db_put(out, p++, 1);
            continue;
        }
        char c = p[1];
        if (c == '\\' || c == 't' || c == 'n' || c == 's') {
            char b = c == 't' ? '\t' : c == 'n' ? '\n' : c == 's' ? ' ' : '\\';
            db_put(out, &b, 1);
            p += 2;
        } else if (c == 'x' && hexval(p[2]) >= 0 && hexval(p[3]) >= 0) {
            char b = (char)(hexval(p[2]) * 16 + hexval(p[3]));
            db_put(out, &b, 1);
            p += 4;
        } else if (c == '{') {
            char *end;
            long n = strtol(p + 2, &end, 10);
            if (*end != '}' || n < 0) return -1;
            p = end + 1;
            dbuf inner = {0};
            db_put(&inner, "", 0);
            if (unescape(&p, &inner, 1) != 1) {
                free(inner.s);
                return -1;
            }
            for (long i = 0; i < n; i++)
                db_put(out, inner.s, inner.n);
            free(inner.s);
        } else if (c == '}' && nested) {
            *s = p + 2;
            return 1;
        } else {
            return -1;
        }
    }
    *s = p;
    return nested ? -1 : 0;
}

/* Decode only \{N}TEXT\} in an expected s-expression, which has its own
 * backslash escapes: those (\\ \" \xHH) are copied as they are. */
static int repeat_only(const char **s, dbuf *out, int nested)
{
    const char *p = *s;
    while (*p) {
        if (p[0] == '\\' && p[1] == '{') {
            char *end;
            long n = strtol(p + 2, &end, 10);
            if (*end != '}' || n < 0) return -1;
            p = end + 1;
            dbuf inner = {0};
            db_put(&inner, "", 0);
            if (repeat_only(&p, &inner, 1) != 1) {
                free(inner.s);
                return -1;
            }
            for (long i = 0; i < n; i++)
                db_put(out, inner.s, inner.n);
            free(inner.s);
        } else if (p[0] == '\\' && p[1] == '}' && nested) {
            *s = p + 2;
            return 1;
        } else if (p[0] == '\\' && p[1]) {
            db_put(out, p, 2);
            p += 2;
        } else {
            db_put(out, p++, 1);
        }
    }
    *s = p;
    return nested ? -1 : 0;
}

static const char *find_cases(void)
{
    static char path[4096];
    const char *env = getenv("NS_QPARSE_CASES");
    if (env && *env) return env;
    const char *rel = "tests/data/qparse_cases.txt";
    FILE *f = fopen(rel, "r");
    if (f) {
        fclose(f);
        return rel;
    }
    /* __FILE__ is tests/unit/test_qparse.c, relative to where make ran. */
    const char *slash = strrchr(__FILE__, '/');
    size_t dir = slash ? (size_t)(slash - __FILE__) : 0;
    snprintf(path, sizeof path, "%.*s%s../data/qparse_cases.txt", (int)dir, __FILE__,
             dir ? "/" : "");
    return path;
}

static void chomp(char *line)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
}

/* Read the table; exits on a malformed table, naming the line. */
static tcase *load_cases(const char *path, size_t *ncases)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "test_qparse: cannot open %s (set NS_QPARSE_CASES)\n", path);
        exit(1);
    }
    tcase *cases = NULL;
    size_t n = 0, cap = 0;
    char line[8192];
    int lineno = 0;
    tcase *c = NULL; /* the case being read */
    while (fgets(line, sizeof line, f)) {
        lineno++;
        chomp(line);
        if (line[0] == '#' || line[0] == '\0') continue;
        if (strncmp(line, "Q: ", 3) == 0 || strcmp(line, "Q:") == 0) {
            if (c && !c->sexpr && !c->substr) goto bad;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                tcase *t = realloc(cases, cap * sizeof *t);
                if (!t) exit(1);
                cases = t;
            }
            c = &cases[n++];
            memset(c, 0, sizeof *c);
            c->line = lineno;
            dbuf q = {0};
            db_put(&q, "", 0);
            const char *s = line[2] ? line + 3 : line + 2;
            if (unescape(&s, &q, 0) != 0) goto bad;
            c->query = q.s;
            c->qlen = q.n;
        } else if (c && strncmp(line, "=> ", 3) == 0 && !c->sexpr && !c->substr) {
            dbuf e = {0};
            db_put(&e, "", 0);
            const char *s = line + 3;
            if (repeat_only(&s, &e, 0) != 0) goto bad;
            c->sexpr = e.s;
        } else if (c && strncmp(line, "W: ", 3) == 0 && c->nwarns < 8) {
            char *end;
            c->warns[c->nwarns].column = strtoul(line + 3, &end, 10);
            if (*end != ' ') goto bad;
            c->warns[c->nwarns++].substr = xstrdup(end + 1);
        } else if (c && strncmp(line, "E: ", 3) == 0 && !c->sexpr && !c->substr) {
            const char *s = line + 3;
            if (strncmp(s, "QUERY ", 6) == 0) {
                c->status = NS_ERR_QUERY, s += 6;
            } else if (strncmp(s, "LIMIT ", 6) == 0) {
                c->status = NS_ERR_LIMIT, s += 6;
            } else {
                goto bad;
            }
            char *end;
            c->column = strtoul(s, &end, 10);
            if (*end != ' ' || c->column == 0) goto bad;
            c->substr = xstrdup(end + 1);
        } else {
            goto bad;
        }
    }
    if (c && !c->sexpr && !c->substr) goto bad;
    fclose(f);
    *ncases = n;
    return cases;
bad:
    fprintf(stderr, "%s:%d: malformed test case line: %s\n", path, lineno, line);
    exit(1);
}

static void run_case(void **state)
{
    const tcase *c = *state;
    warnings ws = {0};
    ns_status st;
    ns_error err;
    char *got = parse_sexpr(c->query, c->qlen, &ws, &st, &err);
    if (c->sexpr) {
        if (!got) {
            fail_msg("line %d: expected %s, got error %s: %s", c->line, c->sexpr, ns_status_str(st),
                     err.msg);
        }
        if (strcmp(got, c->sexpr) != 0) {
            fail_msg("line %d:\n  expected %s\n  got      %s", c->line, c->sexpr, got);
        }
        free(got);
        for (size_t i = 0; i < ws.n && i < c->nwarns; i++) {
            if (ws.w[i].column != c->warns[i].column || !strstr(ws.w[i].msg, c->warns[i].substr)) {
                fail_msg("line %d: warning %zu: expected column %zu \"%s\", got column %zu \"%s\"",
                         c->line, i + 1, c->warns[i].column, c->warns[i].substr, ws.w[i].column,
                         ws.w[i].msg);
            }
        }
        if (ws.n != c->nwarns) {
            fail_msg("line %d: expected %zu warnings, got %zu%s%s", c->line, c->nwarns, ws.n,
                     ws.n ? "; first: " : "", ws.n ? ws.w[0].msg : "");
        }
    } else {
        if (got) fail_msg("line %d: expected an error, got %s", c->line, got);
        if (st != c->status) {
            fail_msg("line %d: expected %s, got %s: %s", c->line, ns_status_str(c->status),
                     ns_status_str(st), err.msg);
        }
        if (err.column != c->column || !strstr(err.msg, c->substr)) {
            fail_msg("line %d: expected column %zu \"%s\", got column %zu \"%s\"", c->line,
                     c->column, c->substr, err.column, err.msg);
        }
        /* The column is err.column's alone: the message does not repeat it. */
        if (strncmp(err.msg, "column ", 7) == 0)
            fail_msg("line %d: the message repeats the column: %s", c->line, err.msg);
        if (ws.n) fail_msg("line %d: warnings delivered with an error", c->line);
    }
}

/* ------------------------------------------------------------ C tests */

static ns_qnode *parse_ok(const char *q, warnings *ws)
{
    ns_qparse_opts opts = {NOW, collect, ws};
    ns_qnode *tree = NULL;
    ns_error err;
    ns_status st = ns_query_parse(q, strlen(q), &opts, &tree, &err);
    if (st != NS_OK) fail_msg("%s: %s", q, err.msg);
    assert_int_equal(err.status, NS_OK); /* cleared on success */
    return tree;
}

static void test_warning_columns(void **state)
{
    (void)state;
    warnings ws = {0};
    /* Columns are bytes: the curly quote is 3 bytes, "é" 2. */
    ns_qnode *t = parse_ok("é a) “b c", &ws);
    assert_int_equal(ws.n, 2);
    assert_int_equal(ws.w[0].column, 5);
    assert_non_null(strstr(ws.w[0].msg, "')'"));
    assert_int_equal(ws.w[1].column, 7);
    assert_non_null(strstr(ws.w[1].msg, "unclosed quote"));
    ns_qnode_free(t);

    memset(&ws, 0, sizeof ws);
    t = parse_ok("a) (b OR", &ws);
    assert_int_equal(ws.n, 3);
    assert_int_equal(ws.w[0].column, 2); /* stray ')' */
    assert_int_equal(ws.w[1].column, 4); /* unclosed '(' */
    assert_int_equal(ws.w[2].column, 7); /* dangling OR */
    ns_qnode_free(t);
}

static void test_warning_cap(void **state)
{
    (void)state;
    warnings ws = {0};
    char q[128] = "a";
    for (int i = 0; i < 25; i++)
        strcat(q, " )");
    ns_qnode *t = parse_ok(q, &ws);
    assert_int_equal(ws.n, 21);
    assert_int_equal(ws.w[0].column, 3);
    assert_int_equal(ws.w[19].column, 41);
    assert_int_equal(ws.w[20].column, 43);
    assert_string_equal(ws.w[20].msg, "5 more warnings not shown");
    ns_qnode_free(t);
}

static void test_null_arguments(void **state)
{
    (void)state;
    ns_qnode *t = NULL;
    /* No opts, no err: warnings are dropped, errors only returned. */
    assert_int_equal(ns_query_parse("a (b", 4, NULL, &t, NULL), NS_OK);
    ns_qnode_free(t);
    assert_int_equal(ns_query_parse("-a", 2, NULL, &t, NULL), NS_ERR_QUERY);
    assert_null(t);
    assert_int_equal(ns_query_parse(NULL, 0, NULL, &t, NULL), NS_ERR_QUERY);
    ns_qparse_opts quiet = {NOW, NULL, NULL};
    assert_int_equal(ns_query_parse("\"a", 2, &quiet, &t, NULL), NS_OK);
    ns_qnode_free(t);
    ns_qnode_free(NULL);
    char *s = (char *)0x1;
    assert_int_equal(ns_qnode_sexpr(NULL, &s), NS_ERR_INVALID);
    assert_null(s);
}

static void test_not_nul_terminated(void **state)
{
    (void)state;
    const char buf[] = {'a', 'b', ' ', 'c', 'd', '"', 'x'};
    ns_qnode *t = NULL;
    assert_int_equal(ns_query_parse(buf, 5, NULL, &t, NULL), NS_OK);
    char *s;
    assert_int_equal(ns_qnode_sexpr(t, &s), NS_OK);
    assert_string_equal(s, "(and (word \"ab\") (word \"cd\"))");
    free(s);
    ns_qnode_free(t);
}

static void test_offsets_and_text(void **state)
{
    (void)state;
    warnings ws = {0};
    /* Byte offsets: the quote 6, '-' 12, '=' 13, '(' 22, 'yy' 28, since: 33. */
    ns_qnode *t = parse_ok("title:\"a b\" -=Witkoff (x OR yy*) since:7d", &ws);
    assert_int_equal(t->kind, NS_Q_AND);
    assert_int_equal(t->offset, 0);
    assert_int_equal(t->nkids, 4);
    ns_qnode *ph = t->kids[0], *no = t->kids[1], * or = t->kids[2], *dt = t->kids[3];
    assert_int_equal(ph->kind, NS_Q_PHRASE);
    assert_int_equal(ph->field, NS_FIELD_TITLE);
    assert_int_equal(ph->offset, 6);
    assert_string_equal(ph->text, "a b");
    assert_int_equal(ph->len, 3);
    assert_int_equal(no->kind, NS_Q_NOT);
    assert_int_equal(no->offset, 12);
    assert_int_equal(no->nkids, 1);
    assert_int_equal(no->kids[0]->kind, NS_Q_EXACT);
    assert_int_equal(no->kids[0]->offset, 13);
    assert_string_equal(no->kids[0]->text, "Witkoff");
    assert_int_equal(no->kids[0]->len, 7);
    assert_int_equal(or->kind, NS_Q_OR);
    assert_int_equal(or->offset, 22);
    assert_int_equal(or->kids[1]->kind, NS_Q_WILDCARD);
    assert_int_equal(or->kids[1]->offset, 28);
    assert_string_equal(or->kids[1]->text, "yy");
    assert_int_equal(dt->kind, NS_Q_DATE);
    assert_int_equal(dt->offset, 33);
    assert_null(dt->text);
    assert_int_equal(dt->date_lo, NOW - 7 * 86400);
    assert_int_equal(dt->date_hi, INT64_MAX);
    assert_int_equal(ws.n, 0);
    ns_qnode_free(t);
}

static void test_now_zero_is_clock(void **state)
{
    (void)state;
    ns_qparse_opts opts = {0, NULL, NULL};
    ns_qnode *t = NULL;
    int64_t before = (int64_t)time(NULL);
    assert_int_equal(ns_query_parse("since:1d", 8, &opts, &t, NULL), NS_OK);
    int64_t after = (int64_t)time(NULL);
    assert_true(t->date_lo >= before - 86400 && t->date_lo <= after - 86400);
    ns_qnode_free(t);
}

static void test_limits_exact(void **state)
{
    (void)state;
    char q[NS_QUERY_MAX_BYTES + 2];
    ns_qnode *t = NULL;
    ns_error err;
    /* Exactly the limit: fine. One more byte: NS_ERR_LIMIT at column 4097. */
    memset(q, 'a', sizeof q);
    assert_int_equal(ns_query_parse(q, NS_QUERY_MAX_BYTES, NULL, &t, &err), NS_OK);
    assert_int_equal(t->len, NS_QUERY_MAX_BYTES);
    ns_qnode_free(t);
    assert_int_equal(ns_query_parse(q, NS_QUERY_MAX_BYTES + 1, NULL, &t, &err), NS_ERR_LIMIT);
    assert_int_equal(err.column, NS_QUERY_MAX_BYTES + 1);
    assert_non_null(strstr(err.msg, "4096"));

    /* NS_QUERY_MAX_TERMS leaves, then one more. */
    size_t n = 0;
    for (int i = 0; i < NS_QUERY_MAX_TERMS; i++)
        n += (size_t)sprintf(q + n, "w%d ", i);
    assert_int_equal(ns_query_parse(q, n, NULL, &t, &err), NS_OK);
    assert_int_equal(t->nkids, NS_QUERY_MAX_TERMS);
    ns_qnode_free(t);
    sprintf(q + n, "last");
    assert_int_equal(ns_query_parse(q, n + 4, NULL, &t, &err), NS_ERR_LIMIT);
    assert_int_equal(err.column, n + 1);
    assert_non_null(strstr(err.msg, "at most 64"));

    /* NS_QUERY_MAX_DEPTH parentheses, then one more. */
    n = 0;
    for (int i = 0; i < NS_QUERY_MAX_DEPTH; i++)
        q[n++] = '(';
    q[n++] = 'a';
    for (int i = 0; i < NS_QUERY_MAX_DEPTH; i++)
        q[n++] = ')';
    assert_int_equal(ns_query_parse(q, n, NULL, &t, &err), NS_OK);
    assert_int_equal(t->kind, NS_Q_WORD);
    ns_qnode_free(t);
    memmove(q + 1, q, n);
    q[0] = '(';
    assert_int_equal(ns_query_parse(q, n + 1, NULL, &t, &err), NS_ERR_LIMIT);
    assert_int_equal(err.column, NS_QUERY_MAX_DEPTH + 1);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(ns_qkind_str(NS_Q_WILDCARD), "wildcard");
    assert_string_equal(ns_qkind_str(NS_Q_DATE), "date");
    assert_string_equal(ns_qfield_str(NS_FIELD_SOURCE), "source");
    assert_string_equal(ns_qfield_str(NS_FIELD_ANY), "any");
}

static void test_sexpr_of_built_tree(void **state)
{
    (void)state;
    /* A tree made by hand (as the searcher's fallback does): escapes and an
     * open date range. */
    ns_qnode leaf = {.kind = NS_Q_PHRASE, .text = "say \"hi\"\\\x01", .len = 10};
    ns_qnode date = {.kind = NS_Q_DATE, .date_lo = INT64_MIN, .date_hi = 0};
    ns_qnode *kids[] = {&leaf, &date};
    ns_qnode or = {.kind = NS_Q_OR, .kids = kids, .nkids = 2};
    char *s = NULL;
    assert_int_equal(ns_qnode_sexpr(& or, &s), NS_OK);
    assert_string_equal(s, "(or (phrase \"say \\\"hi\\\"\\\\\\x01\") (date -inf 0))");
    free(s);
}

/* Fail each allocation in turn: the parse must answer NS_ERR_NOMEM with no
 * tree and nothing left allocated, until it has all it needs. */
static void test_out_of_memory(void **state)
{
    (void)state;
#ifdef NO_ALLOC_HOOKS
    skip();
#else
    static const char *const queries[] = {
        "Umerov OR Witkoff meeting",
        "title:(a -\"b c\" (d NEAR/3 ee*)) since:7d until:2025-12-31 -=x (f OR g",
        "a) OR OR (b \"c d foo:bar",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        const char *q = queries[i];
        int done = 0;
        for (long k = 0; k < 1000 && !done; k++) {
            warnings ws = {0};
            ns_qparse_opts opts = {NOW, collect, &ws};
            ns_qnode *t = (ns_qnode *)0x1;
            ns_error err;
            live = 0;
            fail_after = k;
            armed = 1;
            ns_status st = ns_query_parse(q, strlen(q), &opts, &t, &err);
            char *s = NULL;
            ns_status st2 = st == NS_OK ? ns_qnode_sexpr(t, &s) : NS_OK;
            free(s);
            ns_qnode_free(st == NS_OK ? t : NULL);
            armed = 0;
            fail_after = -1;
            if (st == NS_OK && st2 == NS_OK) {
                done = 1;
            } else if (st != NS_OK) {
                if (st != NS_ERR_NOMEM) fail_msg("%s: allocation %ld failing: %s", q, k, err.msg);
                assert_int_equal(err.status, NS_ERR_NOMEM);
                assert_null(t);
                assert_int_equal(ws.n, 0);
            } else {
                assert_int_equal(st2, NS_ERR_NOMEM);
                assert_null(s);
            }
            if (live != 0) fail_msg("%s: allocation %ld failing: %ld blocks leaked", q, k, live);
        }
        assert_true(done);
    }
#endif
}

int main(void)
{
    const char *path = find_cases();
    size_t n = 0;
    tcase *cases = load_cases(path, &n);
    struct CMUnitTest *tests = xmalloc((n + 16) * sizeof *tests);
    size_t k = 0;
    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_warning_columns),     cmocka_unit_test(test_warning_cap),
        cmocka_unit_test(test_null_arguments),      cmocka_unit_test(test_not_nul_terminated),
        cmocka_unit_test(test_offsets_and_text),    cmocka_unit_test(test_now_zero_is_clock),
        cmocka_unit_test(test_limits_exact),        cmocka_unit_test(test_names),
        cmocka_unit_test(test_sexpr_of_built_tree), cmocka_unit_test(test_out_of_memory),
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        tests[k++] = fixed[i];
    char **names = xmalloc((n ? n : 1) * sizeof *names);
    for (size_t i = 0; i < n; i++) {
        char name[96];
        int shown = 0;
        for (size_t j = 0; j < cases[i].qlen && j < 40; j++) {
            unsigned char ch = (unsigned char)cases[i].query[j];
            shown = (int)j + 1;
            if (ch < 0x20) break;
        }
        snprintf(name, sizeof name, "table line %d: %.*s%s", cases[i].line, shown, cases[i].query,
                 cases[i].qlen > (size_t)shown ? "..." : "");
        for (char *p = name; *p; p++) {
            if ((unsigned char)*p < 0x20) *p = ' ';
        }
        names[i] = xstrdup(name);
        tests[k] = (struct CMUnitTest){names[i], run_case, NULL, NULL, &cases[i]};
        k++;
    }
    int failed = _cmocka_run_group_tests("qparse", tests, k, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(cases[i].query);
        free(cases[i].sexpr);
        free(cases[i].substr);
        for (size_t j = 0; j < cases[i].nwarns; j++)
            free(cases[i].warns[j].substr);
    }
    free(names);
    free(cases);
    free(tests);
    return failed != 0;
}
