/* test_match.c: which passages of an article a query lists, and what they
 * highlight (lib/plan.c, lib/match.c, lib/rank.c), without an index.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The cases live in tests/data/match_cases.txt (format at its top): an
 * article (title, source, date, passages), then queries, each with every
 * passage it must list and the words highlighted in it. Each query is one
 * cmocka test named after its line. The meaning being tested is
 * doc/query-syntax.md's "What matches".
 *
 * The table is found at $NS_MATCH_CASES, else tests/data/match_cases.txt
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

#include "analyzer.h"
#include "dates.h"
#include "qparse.h"
#include "search_int.h"

#define MAXP 32

typedef struct tcase {
    int line;
    char *title, *source;
    int64_t date;
    char *passages[MAXP];
    size_t np;
    char *query;
    char *expect; /* the "=" lines, joined by '\n' */
} tcase;

static ns_analyzer *an, *plain;

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) abort();
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) abort();
    return p;
}

static const char *find_cases(void)
{
    const char *env = getenv("NS_MATCH_CASES");
    if (env && *env) return env;
    static const char *const tries[] = {"tests/data/match_cases.txt", "../data/match_cases.txt"};
    for (size_t i = 0; i < 2; i++) {
        FILE *f = fopen(tries[i], "r");
        if (f) {
            fclose(f);
            return tries[i];
        }
    }
    return tries[0];
}

static int64_t parse_day(const char *s)
{
    int y, m, d;
    if (sscanf(s, "%d-%d-%d", &y, &m, &d) != 3) return NS_NO_DATE;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 12;
    return (int64_t)timegm(&tm);
}

/* Read every case; an article block's fields carry over to its queries. */
static tcase *load_cases(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "test_match: can't read %s\n", path);
        exit(2);
    }
    tcase *v = NULL;
    size_t nv = 0, cap = 0;
    tcase cur = {0};
    cur.title = xstrdup("");
    cur.source = xstrdup("");
    cur.date = NS_NO_DATE;
    int fresh = 1; /* the next p line starts a new article */
    char line[8192];
    int lineno = 0;
    tcase *last = NULL;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#') continue;
        if (line[0] == '\0') {
            fresh = 1;
            continue;
        }
        char *val = strchr(line, ' ');
        val = val ? val + 1 : line + strlen(line);
        if (strncmp(line, "title ", 6) == 0 || strncmp(line, "source ", 7) == 0 ||
            strncmp(line, "date ", 5) == 0 || strncmp(line, "p ", 2) == 0) {
            if (fresh) {
                for (size_t i = 0; i < cur.np; i++)
                    free(cur.passages[i]);
                free(cur.title);
                free(cur.source);
                cur.np = 0;
                cur.title = xstrdup("");
                cur.source = xstrdup("");
                cur.date = NS_NO_DATE;
                fresh = 0;
            }
            if (line[0] == 't')
                free(cur.title), cur.title = xstrdup(val);
            else if (line[0] == 's')
                free(cur.source), cur.source = xstrdup(val);
            else if (line[0] == 'd')
                cur.date = parse_day(val);
            else if (cur.np < MAXP)
                cur.passages[cur.np++] = xstrdup(val);
            last = NULL;
        } else if (strncmp(line, "q ", 2) == 0) {
            if (nv == cap) {
                cap = cap ? cap * 2 : 64;
                v = realloc(v, cap * sizeof *v);
                if (!v) abort();
            }
            tcase *c = &v[nv++];
            memset(c, 0, sizeof *c);
            c->line = lineno;
            c->title = xstrdup(cur.title);
            c->source = xstrdup(cur.source);
            c->date = cur.date;
            for (size_t i = 0; i < cur.np; i++)
                c->passages[i] = xstrdup(cur.passages[i]);
            c->np = cur.np;
            c->query = xstrdup(val);
            c->expect = xstrdup("");
            last = c;
            fresh = 1;
        } else if (line[0] == '=' && last) {
            size_t a = strlen(last->expect), b = strlen(val);
            char *e = xmalloc(a + b + 2);
            memcpy(e, last->expect, a);
            memcpy(e + a, val, b);
            e[a + b] = '\n';
            e[a + b + 1] = '\0';
            free(last->expect);
            last->expect = e;
        } else {
            fprintf(stderr, "%s:%d: not a case line: %s\n", path, lineno, line);
            exit(2);
        }
    }
    fclose(f);
    for (size_t i = 0; i < cur.np; i++)
        free(cur.passages[i]);
    free(cur.title);
    free(cur.source);
    *n = nv;
    return v;
}

static int cmp_by_passage(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return (x->passage > y->passage) - (x->passage < y->passage);
}

/* What rank_article lists for case c, in the table's shape. */
static char *listed(const tcase *c, ns_error *err, ns_status *st)
{
    ns_qparse_opts qo = {parse_day("2026-01-01"), NULL, NULL};
    ns_qnode *tree = NULL;
    *st = ns_query_parse(c->query, strlen(c->query), &qo, &tree, err);
    if (*st != NS_OK) return NULL;
    ns_passage ps[MAXP];
    for (size_t i = 0; i < c->np; i++)
        ps[i] = (ns_passage){c->passages[i], strlen(c->passages[i]), i + 1, 1};
    art a = {0};
    a.rec.art.id = "x";
    a.rec.art.path = "x.txt";
    a.rec.art.title = c->title;
    a.rec.art.source = c->source;
    a.rec.art.url = "";
    a.rec.art.date = c->date;
    a.rec.art.passages = ps;
    a.rec.art.npassages = c->np;
    plan b = {0};
    b.an = an;
    b.plain = plain;
    b.err = err;
    b.toks = xmalloc(MAX_TOKS * sizeof *b.toks);
    b.ndocs = 1;
    xc_query *q = plan_build(&b, tree);
    char *out = xstrdup("");
    *st = b.st;
    if (*st == NS_OK && q) {
        candv cv = {0};
        size_t nmatch = 0;
        if (plan_prepare(&b) != 0) abort();
        *st = rank_article(an, &b, &a, 0, 1000, 0, 0, &cv, &nmatch);
        assert_int_equal(nmatch, cv.n);
        if (cv.n > 1) qsort(cv.v, cv.n, sizeof *cv.v, cmp_by_passage);
        for (size_t i = 0; i < cv.n; i++) {
            char buf[4096];
            size_t n = (size_t)snprintf(buf, sizeof buf, "%zu", cv.v[i].passage);
            const char *t = c->passages[cv.v[i].passage];
            for (size_t k = 0; k < cv.v[i].nspans && n < sizeof buf; k++) {
                const ns_span *sp = &cv.v[i].spans[k];
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%.*s", k ? "|" : " ",
                                      (int)(sp->end - sp->start), t + sp->start);
            }
            size_t a0 = strlen(out);
            out = realloc(out, a0 + n + 2);
            if (!out) abort();
            memcpy(out + a0, buf, n);
            out[a0 + n] = '\n';
            out[a0 + n + 1] = '\0';
        }
        rank_candv_free(&cv);
    }
    xc_query_free(q);
    plan_clear(&b);
    free(b.toks);
    ns_qnode_free(tree);
    if (!out[0]) {
        free(out);
        out = xstrdup("none\n");
    }
    return out;
}

static void run_case(void **state)
{
    const tcase *c = *state;
    ns_error err = {0};
    ns_status st = NS_OK;
    char *got = listed(c, &err, &st);
    if (st != NS_OK) fail_msg("line %d: %s: %s", c->line, c->query, err.msg);
    if (strcmp(got, c->expect) != 0) {
        print_error("line %d: query %s\nexpected:\n%sgot:\n%s", c->line, c->query, c->expect, got);
        free(got);
        fail();
    }
    free(got);
}

/* A check of the harness itself: a case whose expectation is wrong must
 * fail (the table can't pass by comparing nothing with nothing). */
static void test_harness_sees_differences(void **state)
{
    (void)state;
    tcase c = {0};
    c.title = "Storm";
    c.source = "";
    c.date = NS_NO_DATE;
    c.passages[0] = "Heavy rain flooded the streets.";
    c.passages[1] = "Nothing here.";
    c.np = 2;
    c.query = "rain";
    ns_error err = {0};
    ns_status st;
    char *got = listed(&c, &err, &st);
    assert_int_equal(st, NS_OK);
    assert_string_equal(got, "0 rain\n");
    free(got);
    c.query = "zebra";
    got = listed(&c, &err, &st);
    assert_string_equal(got, "none\n");
    free(got);
}

/* Xapian's query for a date filter, with month terms (the index has them:
 * schema.h, NS_META_MONTHS) or not. */
static char *date_plan(const char *query, int months)
{
    ns_qparse_opts qo = {parse_day("2026-01-01"), NULL, NULL};
    ns_qnode *tree = NULL;
    ns_error err = {0};
    assert_int_equal(ns_query_parse(query, strlen(query), &qo, &tree, &err), NS_OK);
    plan b = {0};
    b.an = an;
    b.plain = plain;
    b.err = &err;
    b.toks = xmalloc(MAX_TOKS * sizeof *b.toks);
    b.months = months;
    xc_query *q = plan_build(&b, tree);
    assert_int_equal(b.st, NS_OK);
    char *d = NULL;
    assert_int_equal(xc_query_describe(q, &d), XC_OK);
    xc_query_free(q);
    plan_clear(&b);
    free(b.toks);
    ns_qnode_free(tree);
    return d;
}

/* A date filter of whole months is their terms; one that holds a month in
 * part, an open one, one over 240 months and one on an index without
 * month terms is the value range alone (plan.c, date_query).
 * The articles are the same either way (make check-oracle compares them
 * with the oracle). */
static void test_date_months(void **state)
{
    (void)state;
    static const struct {
        const char *query;
        int months;
        const char *want;
    } cases[] = {
        {"date:2010-01..2010-03", 1, "Query((M201001 OR M201002 OR M201003))"},
        {"date:2010-02", 1, "Query(M201002)"},
        {"date:2010-01-15..2010-03-01", 1, "Query(VALUE_RANGE 0 20100115000000 20100301235959)"},
        {"date:2010-01..2010-03-30", 1, "Query(VALUE_RANGE 0 20100101000000 20100330235959)"},
        {"date:2010-01-15", 1, "Query(VALUE_RANGE 0 20100115000000 20100115235959)"},
        {"date:2010-11..2011-02", 1, "Query((M201011 OR M201012 OR M201101 OR M201102))"},
        {"date:1999..2019", 1, "Query(VALUE_RANGE 0 19990101000000 20191231235959)"},
        {"date:2010-01..2010-03", 0, "Query(VALUE_RANGE 0 20100101000000 20100331235959)"},
        {"date:2010..", 1, "Query(VALUE_RANGE 0 20100101000000 99999999999999)"},
        {"date:1990..2019", 1, "Query(VALUE_RANGE 0 19900101000000 20191231235959)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = date_plan(cases[i].query, cases[i].months);
        if (strcmp(d, cases[i].want) != 0) {
            print_error("%s (months %d):\nwant %s\ngot  %s\n", cases[i].query, cases[i].months,
                        cases[i].want, d);
            free(d);
            fail();
        }
        free(d);
    }
}

int main(void)
{
    ns_error err = {0};
    if (ns_analyzer_new("english", &an, &err) != NS_OK ||
        ns_analyzer_new("none", &plain, &err) != NS_OK) {
        fprintf(stderr, "test_match: %s\n", err.msg);
        return 2;
    }
    size_t n = 0;
    tcase *cases = load_cases(find_cases(), &n);
    struct CMUnitTest *tests = xmalloc((n + 2) * sizeof *tests);
    char **names = xmalloc((n ? n : 1) * sizeof *names);
    size_t k = 0;
    tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_harness_sees_differences);
    tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_date_months);
    for (size_t i = 0; i < n; i++) {
        char name[128];
        snprintf(name, sizeof name, "match line %d: %.60s", cases[i].line, cases[i].query);
        names[i] = xstrdup(name);
        tests[k++] = (struct CMUnitTest){names[i], run_case, NULL, NULL, &cases[i]};
    }
    int failed = n ? _cmocka_run_group_tests("match", tests, k, NULL, NULL) : 1;
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(cases[i].title);
        free(cases[i].source);
        free(cases[i].query);
        free(cases[i].expect);
        for (size_t j = 0; j < cases[i].np; j++)
            free(cases[i].passages[j]);
    }
    free(names);
    free(cases);
    free(tests);
    ns_analyzer_free(an);
    ns_analyzer_free(plain);
    return failed ? 1 : 0;
}
