/* test_analyzer.c: unit tests of the analyzer (lib/analyzer.c).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Most tests are rows of tests/data/analyzer_cases.txt (the format is
 * described at the top of that file): each case becomes one cmocka test that
 * analyzes the input and compares the rendered tokens with the expected ones.
 * Every case also checks the invariants of the token stream (offsets in
 * bounds and non-decreasing, term lengths, valid UTF-8, positions). The C
 * tests below cover what a table cannot say well: statistics, early stop,
 * positions across calls, languages, the stem cache and long inputs.
 *
 * The case file is $NS_ANALYZER_CASES, else the first argument, else
 * tests/data/analyzer_cases.txt from the current folder or from the source
 * tree three levels above the test binary (build/MODE/tests/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"

/* ---------------------------------------------------------------- helpers */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (b->len + n + 1 > cap) {
            cap *= 2;
        }
        b->p = realloc(b->p, cap);
        assert_non_null(b->p);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_free(sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int utf8_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        uint32_t v;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            v = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            v = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            v = c & 0x07;
        } else {
            return 0;
        }
        for (size_t m = 1; m <= k; m++) {
            if (i + m >= n || (s[i + m] & 0xC0) != 0x80) {
                return 0;
            }
            v = (v << 6) | (s[i + m] & 0x3F);
        }
        if ((k == 2 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
            (k == 3 && (v < 0x10000 || v > 0x10FFFF))) {
            return 0;
        }
        i += k + 1;
    }
    return 1;
}

/* A recorded token (copies, since the callback's pointers are borrowed). */
typedef struct rtok {
    char *term, *exact;
    size_t start, end;
    uint32_t pos;
    unsigned flags;
} rtok;

typedef struct rec {
    const char *text;
    size_t len;
    rtok *t;
    size_t n, cap;
    size_t stop_after; /* stop when n reaches this (0: never) */
    int bad;           /* an invariant failed; message in why */
    char why[256];
} rec;

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    assert_non_null(p);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static int record(void *ctx, const ns_token *tok)
{
    rec *r = ctx;
    if (!r->bad) {
        const rtok *prev = r->n ? &r->t[r->n - 1] : NULL;
        const char *why = NULL;
        if (tok->start >= tok->end) {
            why = "start >= end";
        } else if (tok->end > r->len) {
            why = "end beyond the text";
        } else if (prev && tok->start < prev->start) {
            why = "start decreases";
        } else if (tok->term_len == 0 || tok->term_len > NS_TERM_MAX) {
            why = "bad term length";
        } else if (tok->exact_len == 0 || tok->exact_len > NS_TERM_MAX) {
            why = "bad exact length";
        } else if (!utf8_valid(tok->term, tok->term_len) ||
                   !utf8_valid(tok->exact, tok->exact_len)) {
            why = "invalid UTF-8 in a term";
        } else if (memchr(tok->term, ' ', tok->term_len)) {
            why = "space in a term";
        } else if ((tok->flags & NS_TOK_ALT) ? (!prev || tok->pos != prev->pos)
                                             : (prev ? tok->pos != prev->pos + 1 : tok->pos != 0)) {
            why = "bad position";
        }
        if (why) {
            r->bad = 1;
            snprintf(r->why, sizeof r->why, "token %zu (%.*s): %s", r->n, (int)tok->term_len,
                     tok->term, why);
        }
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->t = realloc(r->t, r->cap * sizeof *r->t);
        assert_non_null(r->t);
    }
    rtok *t = &r->t[r->n++];
    t->term = dupn(tok->term, tok->term_len);
    t->exact = dupn(tok->exact, tok->exact_len);
    t->start = tok->start;
    t->end = tok->end;
    t->pos = tok->pos;
    t->flags = tok->flags;
    return r->stop_after && r->n >= r->stop_after;
}

static void rec_free(rec *r)
{
    for (size_t k = 0; k < r->n; k++) {
        free(r->t[k].term);
        free(r->t[k].exact);
    }
    free(r->t);
    memset(r, 0, sizeof *r);
}

static ns_analyzer *new_an(const char *lang)
{
    ns_analyzer *an = NULL;
    ns_error err;
    ns_status st = ns_analyzer_new(lang, &an, &err);
    if (st != NS_OK) {
        fail_msg("ns_analyzer_new(%s): %s", lang, err.msg);
    }
    return an;
}

/* Analyze and record; asserts NS_OK and the invariants. */
static uint32_t run(ns_analyzer *an, const char *text, size_t len, rec *r)
{
    uint32_t npos = 12345;
    r->text = text;
    r->len = len;
    assert_int_equal(ns_analyze(an, text, len, record, r, &npos), NS_OK);
    if (r->bad) {
        fail_msg("invariant: %s", r->why);
    }
    return npos;
}

/* ---------------------------------------------------------------- the table */

typedef struct tcase {
    char name[128];
    char lang[32];
    sbuf in;
    char *out, *exact, *src, *pos; /* unescaped expectations, or NULL */
    long npos, invalid, truncated; /* -1: not checked */
} tcase;

static tcase *cases;
static size_t ncases;
static const char *cases_path;

/* Decode the escapes of the table file (see its header) from s into b.
 * Returns 0, or -1 on a malformed escape. */
static int unescape(const char *s, size_t n, sbuf *b)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            sb_put(b, s + i, 1);
            continue;
        }
        char c = s[++i];
        if (c == '\\') {
            sb_put(b, "\\", 1);
        } else if (c == 's') {
            sb_put(b, " ", 1);
        } else if (c == 'x') {
            char hex[3] = {0};
            if (i + 2 >= n) {
                return -1;
            }
            memcpy(hex, s + i + 1, 2);
            char ch = (char)strtol(hex, NULL, 16);
            sb_put(b, &ch, 1);
            i += 2;
        } else if (c == 'u' && i + 1 < n && s[i + 1] == '{') {
            const char *close = memchr(s + i, '}', n - i);
            if (!close) {
                return -1;
            }
            unsigned long v = strtoul(s + i + 2, NULL, 16);
            unsigned char u[4];
            size_t k;
            if (v < 0x80) {
                u[0] = (unsigned char)v;
                k = 1;
            } else if (v < 0x800) {
                u[0] = (unsigned char)(0xC0 | (v >> 6));
                u[1] = (unsigned char)(0x80 | (v & 0x3F));
                k = 2;
            } else if (v < 0x10000) {
                u[0] = (unsigned char)(0xE0 | (v >> 12));
                u[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
                u[2] = (unsigned char)(0x80 | (v & 0x3F));
                k = 3;
            } else {
                u[0] = (unsigned char)(0xF0 | (v >> 18));
                u[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3F));
                u[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
                u[3] = (unsigned char)(0x80 | (v & 0x3F));
                k = 4;
            }
            sb_put(b, (const char *)u, k);
            i = (size_t)(close - s);
        } else if (c == '{') {
            const char *close = memchr(s + i, '}', n - i);
            if (!close) {
                return -1;
            }
            const char *star = NULL;
            for (const char *p = s + i + 1; p < close; p++) {
                if (*p == '*') {
                    star = p;
                }
            }
            if (!star) {
                return -1;
            }
            long times = strtol(star + 1, NULL, 10);
            sbuf one = {0};
            sb_str(&one, "");
            if (unescape(s + i + 1, (size_t)(star - (s + i + 1)), &one) < 0) {
                sb_free(&one);
                return -1;
            }
            for (long k = 0; k < times; k++) {
                sb_put(b, one.p, one.len);
            }
            sb_free(&one);
            i = (size_t)(close - s);
        } else {
            return -1;
        }
    }
    if (!b->p) {
        sb_str(b, "");
    }
    return 0;
}

/* Collapse runs of blanks to one space and trim, in place. */
static char *squeeze(char *s)
{
    char *o = s;
    int space = 0;
    for (char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t') {
            space = o != s;
        } else {
            if (space) {
                *o++ = ' ';
            }
            space = 0;
            *o++ = *p;
        }
    }
    *o = '\0';
    return s;
}

static int load_cases(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    char line[65536];
    char lang[32] = "english";
    size_t lineno = 0, cap = 0;
    tcase *c = NULL;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        if (n == 0 || line[0] == '#') {
            continue;
        }
        char *colon = strchr(line, ':');
        if (!colon) {
            fprintf(stderr, "%s:%zu: no field name\n", path, lineno);
            exit(2);
        }
        *colon = '\0';
        char *key = line, *val = colon + 1;
        if (*val == ' ') {
            val++; /* one space after the colon is syntax */
        }
        if (strcmp(key, "lang") == 0) {
            snprintf(lang, sizeof lang, "%s", squeeze(val));
            continue;
        }
        if (strcmp(key, "in") == 0) {
            if (ncases == cap) {
                cap = cap ? 2 * cap : 64;
                cases = realloc(cases, cap * sizeof *cases);
                assert_non_null(cases);
            }
            c = &cases[ncases++];
            memset(c, 0, sizeof *c);
            c->npos = c->invalid = c->truncated = -1;
            snprintf(c->lang, sizeof c->lang, "%s", lang);
            snprintf(c->name, sizeof c->name, "analyzer_cases.txt:%zu [%s] %.60s", lineno, lang,
                     val);
            if (unescape(val, strlen(val), &c->in) < 0) {
                fprintf(stderr, "%s:%zu: bad escape\n", path, lineno);
                exit(2);
            }
            continue;
        }
        if (!c) {
            fprintf(stderr, "%s:%zu: '%s' before any 'in:'\n", path, lineno, key);
            exit(2);
        }
        sbuf v = {0};
        if (unescape(val, strlen(val), &v) < 0) {
            fprintf(stderr, "%s:%zu: bad escape\n", path, lineno);
            exit(2);
        }
        squeeze(v.p);
        if (strcmp(key, "out") == 0) {
            c->out = v.p;
        } else if (strcmp(key, "exact") == 0) {
            c->exact = v.p;
        } else if (strcmp(key, "src") == 0) {
            c->src = v.p;
        } else if (strcmp(key, "pos") == 0) {
            c->pos = v.p;
        } else if (strcmp(key, "npos") == 0 || strcmp(key, "invalid") == 0 ||
                   strcmp(key, "truncated") == 0) {
            long x = strtol(v.p, NULL, 10);
            *(key[0] == 'n' ? &c->npos : key[0] == 'i' ? &c->invalid : &c->truncated) = x;
            free(v.p);
        } else {
            fprintf(stderr, "%s:%zu: unknown field '%s'\n", path, lineno, key);
            exit(2);
        }
    }
    fclose(f);
    for (size_t k = 0; k < ncases; k++) {
        if (!cases[k].out) {
            fprintf(stderr, "%s: case '%s' has no 'out:'\n", path, cases[k].name);
            exit(2);
        }
    }
    return 0;
}

/* One analyzer per language, shared by the table cases. */
static struct {
    char lang[32];
    ns_analyzer *an;
} ans[16];

static ns_analyzer *lang_an(const char *lang)
{
    size_t k = 0;
    for (; k < 16 && ans[k].an; k++) {
        if (strcmp(ans[k].lang, lang) == 0) {
            return ans[k].an;
        }
    }
    assert_true(k < 16);
    ans[k].an = new_an(lang);
    snprintf(ans[k].lang, sizeof ans[k].lang, "%s", lang);
    return ans[k].an;
}

/* Render tokens: "[x]" for NS_TOK_ALT, "@x" for NS_TOK_ACRONYM. */
static void render(const rec *r, int what, sbuf *b)
{
    sb_str(b, "");
    for (size_t k = 0; k < r->n; k++) {
        const rtok *t = &r->t[k];
        char num[32];
        if (k) {
            sb_str(b, " ");
        }
        if (what == 's') {
            sb_put(b, r->text + t->start, t->end - t->start);
            continue;
        }
        if (what == 'p') {
            snprintf(num, sizeof num, "%lu", (unsigned long)t->pos);
            sb_str(b, num);
            continue;
        }
        if (t->flags & NS_TOK_ALT) {
            sb_str(b, "[");
        }
        if (t->flags & NS_TOK_ACRONYM) {
            sb_str(b, "@");
        }
        sb_str(b, what == 't' ? t->term : t->exact);
        if (t->flags & NS_TOK_ALT) {
            sb_str(b, "]");
        }
    }
}

static int check_field(const char *name, const char *field, const char *want, const rec *r,
                       int what)
{
    if (!want) {
        return 0;
    }
    sbuf got = {0};
    render(r, what, &got);
    int bad = strcmp(got.p, want) != 0;
    if (bad) {
        print_error("%s\n  %s: want: %s\n  %s:  got: %s\n", name, field, want, field, got.p);
    }
    sb_free(&got);
    return bad;
}

static void test_case(void **state)
{
    const tcase *c = *state;
    ns_analyzer *an = lang_an(c->lang);
    ns_analyzer_stats before = ns_analyzer_get_stats(an);
    rec r = {0};
    uint32_t npos = run(an, c->in.p, c->in.len, &r);
    ns_analyzer_stats after = ns_analyzer_get_stats(an);
    int bad = 0;

    bad |= check_field(c->name, "out", c->out, &r, 't');
    bad |= check_field(c->name, "exact", c->exact, &r, 'e');
    bad |= check_field(c->name, "src", c->src, &r, 's');
    bad |= check_field(c->name, "pos", c->pos, &r, 'p');
    uint32_t want_npos = r.n ? r.t[r.n - 1].pos + 1 : 0;
    if (npos != want_npos || (c->npos >= 0 && npos != (uint32_t)c->npos)) {
        print_error("%s\n  npos: got %lu\n", c->name, (unsigned long)npos);
        bad = 1;
    }
    if (after.tokens - before.tokens != r.n) {
        print_error("%s\n  stats.tokens grew by %llu for %zu tokens\n", c->name,
                    (unsigned long long)(after.tokens - before.tokens), r.n);
        bad = 1;
    }
    long inv = (long)(after.invalid_bytes - before.invalid_bytes);
    if (c->invalid >= 0 ? inv != c->invalid : inv != 0) {
        print_error("%s\n  invalid: got %ld\n", c->name, inv);
        bad = 1;
    }
    long tr = (long)(after.truncated - before.truncated);
    if (c->truncated >= 0 ? tr != c->truncated : tr != 0) {
        print_error("%s\n  truncated: got %ld\n", c->name, tr);
        bad = 1;
    }
    rec_free(&r);
    if (bad) {
        fail();
    }
}

/* ---------------------------------------------------------------- C tests */

typedef struct span {
    const char *term, *slice;
} span;

static void expect_spans(const char *lang, const char *text, const span *want, size_t n)
{
    ns_analyzer *an = new_an(lang);
    rec r = {0};
    run(an, text, strlen(text), &r);
    assert_int_equal(r.n, n);
    for (size_t k = 0; k < n; k++) {
        assert_string_equal(r.t[k].term, want[k].term);
        size_t len = r.t[k].end - r.t[k].start;
        char *slice = dupn(text + r.t[k].start, len);
        assert_string_equal(slice, want[k].slice);
        free(slice);
    }
    rec_free(&r);
    ns_analyzer_free(an);
}

static void test_offsets_multibyte(void **state)
{
    (void)state;
    /* After 2-, 3- and 4-byte characters, decomposed accents, invalid bytes. */
    const char *text = "Mérida – \xF0\x9F\x98\x80 Sa\xCC\x83o\xFF"
                       "Paulo \xE2\x80\x9Cquoted\xE2\x80\x9D U.S.-led";
    const span want[] = {
        {"merida", "Mérida"}, {"sao", "Sa\xCC\x83o"}, {"paulo", "Paulo"}, {"quot", "quoted"},
        {"u.s", "U.S."},      {"usl", "U.S.-led"},    {"led", "led"},
    };
    expect_spans("english", text, want, sizeof want / sizeof want[0]);
}

static void test_offsets_compound(void **state)
{
    (void)state;
    const char *text = "a 28\xE2\x80\x91point plan, Zelenskyy’s 2025-12-06";
    const span want[] = {
        {"a", "a"},
        {"28", "28"},
        {"28point", "28\xE2\x80\x91point"},
        {"point", "point"},
        {"plan", "plan"},
        {"zelenskyy", "Zelenskyy’s"},
        {"2025-12-06", "2025-12-06"},
    };
    expect_spans("english", text, want, sizeof want / sizeof want[0]);
}

static void test_positions(void **state)
{
    (void)state;
    ns_analyzer *an = new_an("english");
    rec r = {0};
    uint32_t npos = run(an, "", 0, &r);
    assert_int_equal(npos, 0);
    assert_int_equal(r.n, 0);
    npos = run(an, " ,;- ", 5, &r);
    assert_int_equal(npos, 0);
    const char *t = "NATO son-in-law US";
    npos = run(an, t, strlen(t), &r);
    /* nato [n.a.t.o] son [soninlaw] in law us [u.s] */
    assert_int_equal(r.n, 8);
    const uint32_t pos[] = {0, 0, 1, 1, 2, 3, 4, 4};
    for (size_t k = 0; k < r.n; k++) {
        assert_int_equal(r.t[k].pos, pos[k]);
    }
    assert_int_equal(npos, 5);
    rec_free(&r);
    /* Positions restart at 0 in each call. */
    npos = run(an, "again", 5, &r);
    assert_int_equal(r.t[0].pos, 0);
    assert_int_equal(npos, 1);
    rec_free(&r);
    /* npos may be NULL. */
    assert_int_equal(ns_analyze(an, "x y", 3, record, &r, NULL), NS_OK);
    rec_free(&r);
    ns_analyzer_free(an);
}

static void test_early_stop(void **state)
{
    (void)state;
    ns_analyzer *an = new_an("english");
    const char *t = "one two three four";
    rec r = {0};
    r.stop_after = 2;
    uint32_t npos = 99;
    r.text = t;
    r.len = strlen(t);
    assert_int_equal(ns_analyze(an, t, strlen(t), record, &r, &npos), NS_OK);
    assert_int_equal(r.n, 2);
    assert_int_equal(npos, 2);
    assert_int_equal(ns_analyzer_get_stats(an).tokens, 2);
    rec_free(&r);
    /* Stopping on an alternative stops before the rest of the compound. */
    r.stop_after = 2;
    t = "son-in-law";
    r.text = t;
    r.len = strlen(t);
    assert_int_equal(ns_analyze(an, t, strlen(t), record, &r, &npos), NS_OK);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.t[1].term, "soninlaw");
    assert_int_equal(npos, 1);
    rec_free(&r);
    ns_analyzer_free(an);
}

static void test_stats(void **state)
{
    (void)state;
    ns_analyzer *an = new_an("none");
    ns_analyzer_stats st = ns_analyzer_get_stats(an);
    assert_int_equal(st.tokens, 0);
    assert_int_equal(st.invalid_bytes, 0);
    assert_int_equal(st.truncated, 0);
    rec r = {0};
    run(an,
        "a\xFF\xFE"
        "b",
        4, &r); /* 2 tokens, 2 invalid bytes */
    rec_free(&r);
    char longw[600];
    memset(longw, 'x', sizeof longw);
    run(an, longw, sizeof longw, &r); /* 1 token, truncated */
    assert_int_equal(strlen(r.t[0].term), NS_TERM_MAX);
    rec_free(&r);
    run(an, "\xC3(", 2, &r); /* truncated sequence: 1 invalid byte */
    assert_int_equal(r.n, 0);
    rec_free(&r);
    st = ns_analyzer_get_stats(an);
    assert_int_equal(st.tokens, 3);
    assert_int_equal(st.invalid_bytes, 3);
    assert_int_equal(st.truncated, 1);
    ns_analyzer_free(an);
}

static void test_truncate_multibyte(void **state)
{
    (void)state;
    /* 150 "ж" = 300 bytes: cut to 100 characters (200 bytes), never inside
     * a character; 67 "ạ" = 201 bytes: exact form cut to 66 (198 bytes),
     * while the accent-stripped term (67 bytes) is whole. */
    ns_analyzer *an = new_an("none");
    sbuf b = {0};
    for (int k = 0; k < 150; k++) {
        sb_str(&b, "ж");
    }
    rec r = {0};
    run(an, b.p, b.len, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(strlen(r.t[0].term), 200);
    assert_int_equal(r.t[0].end, 300);
    rec_free(&r);
    b.len = 0;
    for (int k = 0; k < 67; k++) {
        sb_str(&b, "ạ"); /* U+1EA1, 3 bytes, strips to "a" */
    }
    run(an, b.p, b.len, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(strlen(r.t[0].exact), 198);
    assert_int_equal(strlen(r.t[0].term), 67);
    rec_free(&r);
    sb_free(&b);
    assert_int_equal(ns_analyzer_get_stats(an).truncated, 2);
    ns_analyzer_free(an);
}

static void test_huge_word(void **state)
{
    (void)state;
    /* A 1 MB word (mixed scripts) is cut before normalization: it still
     * gives one short, valid token covering the whole word. */
    ns_analyzer *an = new_an("english");
    size_t n = 1 << 20;
    char *t = malloc(n);
    assert_non_null(t);
    for (size_t k = 0; k + 2 <= n; k += 2) {
        memcpy(t + k, "é", 2);
    }
    rec r = {0};
    run(an, t, n, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.t[0].end, n);
    assert_true(strlen(r.t[0].term) <= NS_TERM_MAX);
    rec_free(&r);
    free(t);
    ns_analyzer_free(an);
}

static void test_languages(void **state)
{
    (void)state;
    const char *list = ns_analyzer_languages();
    assert_non_null(strstr(list, "none"));
    assert_non_null(strstr(list, "english"));
    assert_non_null(strstr(list, "french"));
    assert_non_null(strstr(list, "russian"));
    /* Every listed language opens, under its own canonical name. */
    char *copy = strdup(list);
    int n = 0;
    for (char *l = strtok(copy, " "); l; l = strtok(NULL, " ")) {
        ns_analyzer *an = new_an(l);
        assert_string_equal(ns_analyzer_lang(an), l);
        ns_analyzer_free(an);
        n++;
    }
    free(copy);
    assert_true(n >= 20);
    /* ISO codes and case. */
    const char *pairs[][2] = {
        {"en", "english"}, {"eng", "english"},   {"fr", "french"},       {"fre", "french"},
        {"fra", "french"}, {"de", "german"},     {"ru", "russian"},      {"es", "spanish"},
        {"it", "italian"}, {"pt", "portuguese"}, {"nl", "dutch"},        {"sv", "swedish"},
        {"el", "greek"},   {"tr", "turkish"},    {"English", "english"}, {"NONE", "none"}};
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        ns_analyzer *an = new_an(pairs[k][0]);
        assert_string_equal(ns_analyzer_lang(an), pairs[k][1]);
        ns_analyzer_free(an);
    }
    /* Unknown languages. */
    const char *bad[] = {"klingon", "", "english-us", "xx"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ns_analyzer *an = (ns_analyzer *)1;
        ns_error err;
        ns_error_clear(&err);
        assert_int_equal(ns_analyzer_new(bad[k], &an, &err), NS_ERR_INVALID);
        assert_null(an);
        assert_int_equal(err.status, NS_ERR_INVALID);
        assert_non_null(strstr(err.msg, "english"));
        assert_non_null(strstr(err.msg, bad[k]));
    }
    ns_analyzer *an = (ns_analyzer *)1;
    assert_int_equal(ns_analyzer_new(NULL, &an, NULL), NS_ERR_INVALID);
    assert_null(an);
    ns_analyzer_free(NULL);
}

static int first_term(void *ctx, const ns_token *t)
{
    sbuf *b = ctx;
    if (b->len == 0) {
        sb_put(b, t->term, t->term_len);
        sb_put(b, "|", 1);
        sb_put(b, t->exact, t->exact_len);
    }
    return 1;
}

static void one_term(ns_analyzer *an, const char *w, sbuf *b)
{
    b->len = 0;
    assert_int_equal(ns_analyze(an, w, strlen(w), first_term, b, NULL), NS_OK);
}

/* Every token as "term|exact@pos ". */
static int all_terms(void *ctx, const ns_token *t)
{
    sbuf *b = ctx;
    char pos[16];
    sb_put(b, t->term, t->term_len);
    sb_put(b, "|", 1);
    sb_put(b, t->exact, t->exact_len);
    snprintf(pos, sizeof pos, "@%u ", (unsigned)t->pos);
    sb_put(b, pos, strlen(pos));
    return 0;
}

static void all_of(ns_analyzer *an, const char *text, sbuf *b, uint32_t *npos)
{
    b->len = 0;
    sb_put(b, "", 0);
    assert_int_equal(ns_analyze(an, text, strlen(text), all_terms, b, npos), NS_OK);
}

/* The interest hint: tokens whose term or exact form starts with a marked
 * byte come out as usual, at their usual positions; the others don't come
 * out (npos still counts them); a later unhinted pass is unaffected (the
 * cache never holds an unstemmed term); prefix-stripping stemmers ignore
 * it. */
static void test_interest(void **state)
{
    (void)state;
    ns_analyzer *an = new_an("english");
    sbuf b = {0};
    uint32_t npos = 0;
    one_term(an, "meetings", &b);
    assert_string_equal(b.p, "meet|meetings");
    assert_int_equal(ns_analyzer_set_interest(an, (const unsigned char *)"m", 1), 1);
    all_of(an, "Guarantees for meetings, élections", &b, &npos);
    assert_string_equal(b.p, "meet|meetings@2 ");
    assert_int_equal(npos, 4);
    /* Non-ASCII words are always stemmed; their exact form's first byte
     * counts too (an =exact query). */
    assert_int_equal(ns_analyzer_set_interest(an, (const unsigned char *)"e", 1), 1);
    all_of(an, "Guarantees for meetings, élections", &b, &npos);
    assert_string_equal(b.p, "elect|élections@3 ");
    assert_int_equal(ns_analyzer_set_interest(an, (const unsigned char *)"\xc3", 1), 1);
    all_of(an, "Guarantees for meetings, élections", &b, &npos);
    assert_string_equal(b.p, "elect|élections@3 ");
    assert_int_equal(ns_analyzer_set_interest(an, NULL, 0), 1);
    all_of(an, "Guarantees for meetings, élections", &b, &npos);
    assert_string_equal(b.p, "guarante|guarantees@0 for|for@1 meet|meetings@2 elect|élections@3 ");
    ns_analyzer_free(an);
    an = new_an("indonesian");
    assert_int_equal(ns_analyzer_set_interest(an, (const unsigned char *)"m", 1), 0);
    all_of(an, "Guarantees for meetings", &b, &npos);
    assert_int_equal(npos, 3);
    assert_non_null(strstr(b.p, "for|for@1 "));
    ns_analyzer_free(an);
    an = new_an("none");
    assert_int_equal(ns_analyzer_set_interest(an, (const unsigned char *)"m", 1), 0);
    ns_analyzer_free(an);
    free(b.p);
}

/* Every token as "term|exact@pos:start-end/flags ", those of interest only
 * when `only` is set: the marked bytes of the interest table. */
typedef struct filtered {
    sbuf b;
    const unsigned char *only;
} filtered;

static int some_terms(void *ctx, const ns_token *t)
{
    filtered *f = ctx;
    if (f->only && !f->only[(unsigned char)t->term[0]] && !f->only[(unsigned char)t->exact[0]])
        return 0;
    char tail[64];
    sb_put(&f->b, t->term, t->term_len);
    sb_put(&f->b, "|", 1);
    sb_put(&f->b, t->exact, t->exact_len);
    snprintf(tail, sizeof tail, "@%u:%zu-%zu/%u ", (unsigned)t->pos, t->start, t->end, t->flags);
    sb_str(&f->b, tail);
    return 0;
}

/* The interest hint changes nothing but which tokens come out: over texts
 * made at random (fixed seed, printed on failure) of the pieces that join
 * words (hyphens, dots, commas, colons, apostrophes, non-ASCII letters,
 * capitals, long words), the hinted pass gives exactly the unhinted pass's
 * tokens of interest, the same npos and the same statistics, whatever
 * letter is marked. */
static void test_interest_same(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "U.S.",
        "U.S",
        "u.s",
        "e.g.",
        "J.R.R.",
        "A.",
        "a.",
        "I",
        "x",
        "NATO",
        "Fed",
        "FED",
        "ABCDEF",
        "AB",
        "1,200",
        "1,20",
        "3.5",
        "3.",
        "2.0.1",
        "06:50:44",
        "6:5",
        "2025-12-06",
        "2025-1-06",
        "1990-2000",
        "15-year",
        "de-escalation",
        "28",
        "won't",
        "o'brien",
        "Zelenskyy's",
        "investors'",
        "it's",
        "rates",
        "Rates",
        "RATE",
        "interest",
        "bank",
        "banks'",
        "re-elected",
        "São",
        "Paulo",
        "élections",
        "naïve",
        "Straße",
        "ﬁnance",
        "won\xe2\x80\x99t",
        "co\xe2\x80\x90op",
        "soft\xc2\xadhyphen",
        "zero\xe2\x80\x8bwidth",
        "\xff",
        "\xc3",
        "x\xcc\x81",
        "ＡＢＣ",
        "US's",
        "USA-based",
        "Q3",
        "3Q",
        "a1b2",
        "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
        "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
        "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
    };
    static const char *const seps[] = {
        " ", " ", " ", ", ",           ". ",           "-", "'",  ":",
        ".", ",", "",  "\xe2\x80\x93", "\xe2\x80\x99", "(", "\"", "\n"};
    static const char marks[] = "abcdefgijlmnoprsuwxyz0123\xc3\xef";
    unsigned seed = 20261205;
    ns_analyzer *an = new_an("english");
    sbuf text = {0};
    filtered all = {{0}, NULL}, hinted = {{0}, NULL};
    for (int round = 0; round < 400; round++) {
        text.len = 0;
        sb_put(&text, "", 0);
        unsigned start = seed;
        int n = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 12;
        for (int k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            sb_str(&text, pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
            seed = seed * 1103515245u + 12345u;
            sb_str(&text, seps[(seed >> 16) % (sizeof seps / sizeof seps[0])]);
        }
        for (const char *m = marks; *m; m++) {
            unsigned char only[256] = {0};
            only[(unsigned char)*m] = 1;
            uint32_t npos_all = 0, npos_hinted = 0;
            assert_int_equal(ns_analyzer_set_interest(an, NULL, 0), 1);
            ns_analyzer_stats s0 = ns_analyzer_get_stats(an);
            all.b.len = 0;
            sb_put(&all.b, "", 0);
            all.only = only;
            assert_int_equal(ns_analyze(an, text.p, text.len, some_terms, &all, &npos_all), NS_OK);
            ns_analyzer_stats s1 = ns_analyzer_get_stats(an);
            assert_int_equal(ns_analyzer_set_interest(an, (const unsigned char *)m, 1), 1);
            hinted.b.len = 0;
            sb_put(&hinted.b, "", 0);
            assert_int_equal(ns_analyze(an, text.p, text.len, some_terms, &hinted, &npos_hinted),
                             NS_OK);
            ns_analyzer_stats s2 = ns_analyzer_get_stats(an);
            if (strcmp(all.b.p, hinted.b.p) != 0 || npos_all != npos_hinted ||
                s1.tokens - s0.tokens != s2.tokens - s1.tokens ||
                s1.truncated - s0.truncated != s2.truncated - s1.truncated ||
                s1.invalid_bytes - s0.invalid_bytes != s2.invalid_bytes - s1.invalid_bytes) {
                fail_msg("seed %u, mark 0x%02x, text \"%s\":\n  all    %s (npos %u, %zu tokens)\n"
                         "  hinted %s (npos %u, %zu tokens)",
                         start, (unsigned char)*m, text.p, all.b.p, (unsigned)npos_all,
                         (size_t)(s1.tokens - s0.tokens), hinted.b.p, (unsigned)npos_hinted,
                         (size_t)(s2.tokens - s1.tokens));
            }
        }
    }
    ns_analyzer_set_interest(an, NULL, 0);
    ns_analyzer_free(an);
    sb_free(&text);
    sb_free(&all.b);
    sb_free(&hinted.b);
}

static void test_cache(void **state)
{
    (void)state;
    /* Push more distinct words than the cache holds (it is cleared when
     * full) and check that cached answers equal fresh ones. */
    const char *lang[] = {"english", "french", "none"};
    const char *words[] = {"running", "élections", "Straße", "continuellement", "généraux"};
    for (size_t l = 0; l < 3; l++) {
        ns_analyzer *an = new_an(lang[l]);
        sbuf first[5] = {{0}}, again = {0};
        for (size_t k = 0; k < 5; k++) {
            one_term(an, words[k], &first[k]);
        }
        char w[64];
        for (unsigned k = 0; k < 200000; k++) {
            int n = snprintf(w, sizeof w, "wörd%uing x%u", k * 2654435761u, k);
            assert_int_equal(ns_analyze(an, w, (size_t)n, first_term, &again, NULL), NS_OK);
            if (k % 50000 == 0) {
                for (size_t m = 0; m < 5; m++) {
                    one_term(an, words[m], &again);
                    assert_string_equal(again.p, first[m].p);
                }
            }
        }
        for (size_t m = 0; m < 5; m++) {
            ns_analyzer *fresh = new_an(lang[l]);
            one_term(fresh, words[m], &again);
            assert_string_equal(again.p, first[m].p);
            one_term(an, words[m], &again);
            assert_string_equal(again.p, first[m].p);
            ns_analyzer_free(fresh);
            sb_free(&first[m]);
        }
        sb_free(&again);
        ns_analyzer_free(an);
    }
}

/* Word k of test_cache_growth: distinct for every k, in four shapes so the
 * cache holds short entries in the slot and longer ones (long ASCII words,
 * non-ASCII words with their exact form) in its pool. Most are short, so
 * the table fills up at its largest before the pool does. */
static void growth_word(unsigned k, char *w, size_t cap)
{
    char id[8];
    unsigned v = k * 7919u % 456976u; /* 26^4: a permutation of 0..26^4-1 */
    for (int i = 0; i < 4; i++, v /= 26) {
        id[i] = (char)('a' + v % 26);
    }
    id[4] = '\0';
    static const char *const shapes[] = {
        "%sing", "%sed", "%ss", "%sly", "%sations", "counter%sizations", "é%sement", "Straße%sN"};
    snprintf(w, cap, shapes[k % 8], id);
}

static void test_cache_growth(void **state)
{
    (void)state;
    /* The cache starts small, doubles (rehashing its entries) as it fills,
     * and is cleared when full at its largest. Through all of that, every
     * word's forms must equal those of an analyzer that never saw the word
     * before: the reference analyzers are replaced every 500 words, so they
     * never grow and never answer from their cache. */
    enum { NWORDS = 60000, GROWN = 30000, FRESH_EVERY = 500 };
    const char *lang[] = {"english", "french", "none"};
    char w[64];
    sbuf got = {0};
    for (size_t l = 0; l < 3; l++) {
        sbuf *want = calloc(NWORDS, sizeof *want);
        assert_non_null(want);
        ns_analyzer *fresh = NULL;
        for (unsigned k = 0; k < NWORDS; k++) {
            if (k % FRESH_EVERY == 0) {
                ns_analyzer_free(fresh);
                fresh = new_an(lang[l]);
            }
            growth_word(k, w, sizeof w);
            one_term(fresh, w, &want[k]);
        }
        ns_analyzer_free(fresh);

        /* GROWN words need several doublings but no clearing: the first pass
         * fills and grows the table, the second reads every word back from
         * it. Then two passes over all NWORDS: hits on the GROWN words, then
         * the table fills at its largest and is cleared and refilled. */
        ns_analyzer *an = new_an(lang[l]);
        const unsigned upto[] = {GROWN, GROWN, NWORDS, NWORDS};
        for (size_t pass = 0; pass < 4; pass++) {
            for (unsigned k = 0; k < upto[pass]; k++) {
                growth_word(k, w, sizeof w);
                one_term(an, w, &got);
                assert_string_equal(got.p, want[k].p);
            }
        }
        ns_analyzer_free(an);
        for (unsigned k = 0; k < NWORDS; k++) {
            sb_free(&want[k]);
        }
        free(want);
    }
    sb_free(&got);
}

static void test_query_equals_document(void **state)
{
    (void)state;
    /* The same word analyzed alone (a query) and inside text gives the same
     * tokens: the analyzer has no sentence-level state. */
    ns_analyzer *an = new_an("english");
    const char *words[] = {"15-year", "U.S.", "Zelenskyy’s", "de-escalation", "São", "NATO"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        rec alone = {0}, inside = {0};
        run(an, words[k], strlen(words[k]), &alone);
        sbuf text = {0};
        sb_str(&text, "before ");
        sb_str(&text, words[k]);
        sb_str(&text, " after");
        run(an, text.p, text.len, &inside);
        assert_int_equal(inside.n, alone.n + 2);
        for (size_t m = 0; m < alone.n; m++) {
            assert_string_equal(alone.t[m].term, inside.t[m + 1].term);
            assert_string_equal(alone.t[m].exact, inside.t[m + 1].exact);
            assert_int_equal(alone.t[m].flags, inside.t[m + 1].flags);
            assert_int_equal(alone.t[m].pos + 1, inside.t[m + 1].pos);
        }
        rec_free(&alone);
        rec_free(&inside);
        sb_free(&text);
    }
    ns_analyzer_free(an);
}

/* ns_number_start: a table written by hand from the rules in analyzer.h,
 * then every cut of generated numbers against the analyzer itself: where
 * the analyzer reads the cut as parts, the start is given and is the
 * beginning of the whole number's exact form; where it reads one word (or
 * the cut is no number's start), none is. */
static void test_number_start(void **state)
{
    (void)state;
    static const char *table[][2] = {
        {"1,2", "12"},
        {"1,23", "123"},
        {"12,3", "123"},
        {"123,45", "12345"},
        {"1,234,5", "12345"},
        {"1,234,56", "123456"},
        {"06:5", "06:5"},
        {"6:5", "6:5"},
        {"06:50:4", "06:50:4"},
        {"2025-1", "2025-1"},
        {"2025-12", "2025-12"},
        {"2025-12-", "2025-12-"},
        {"2025-12-0", "2025-12-0"},
        /* no number's start, or a whole number (one word already) */
        {"1,234", ""},
        {"1,234,567", ""},
        {"1,2345", ""},
        {"1234,5", ""},
        {"1,", ""},
        {",12", ""},
        {"06:50", ""},
        {"123:4", ""},
        {"06:5:4", ""},
        {"06:", ""},
        {"2025-12-06", ""},
        {"2025-1-0", ""},
        {"2025-123", ""},
        {"202-12", ""},
        {"20251-2", ""},
        {"2025-", ""},
        {"1.5", ""},
        {"1,2a", ""},
        {"a1,2", ""},
        {"1,2.3", ""},
        {"1:2,3", ""},
        {"12", ""},
        {"", ""},
    };
    char out[64];
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
        size_t n = ns_number_start(table[k][0], strlen(table[k][0]), out, sizeof out);
        if (n != strlen(table[k][1]) || (n && strcmp(out, table[k][1])))
            fail_msg("ns_number_start(\"%s\"): got \"%s\" (%zu), want \"%s\"", table[k][0],
                     n ? out : "", n, table[k][1]);
    }
    assert_int_equal(ns_number_start("1,23", 4, out, 4), 0); /* no room for the NUL */

    ns_analyzer *an = new_an("english");
    srand(7);
    size_t cuts = 0, given = 0;
    for (int round = 0; round < 3000; round++) {
        char num[64];
        int kind = round % 3, o = 0;
        if (kind == 0) { /* thousands: 1-3 digits, then 1-3 groups */
            o += snprintf(num + o, sizeof num - o, "%d", 1 + rand() % 999);
            for (int g = 1 + rand() % 3; g > 0; g--)
                o += snprintf(num + o, sizeof num - o, ",%03d", rand() % 1000);
        } else if (kind == 1) { /* clock */
            o += snprintf(num + o, sizeof num - o, "%02d:%02d", rand() % 24, rand() % 60);
            if (rand() % 2) o += snprintf(num + o, sizeof num - o, ":%02d", rand() % 60);
        } else {
            o += snprintf(num + o, sizeof num - o, "%04d-%02d-%02d", 1900 + rand() % 200,
                          1 + rand() % 12, 1 + rand() % 28);
        }
        rec whole = {0};
        run(an, num, (size_t)o, &whole);
        assert_int_equal(whole.n, 1);
        for (int cut = 1; cut < o; cut++) {
            rec r = {0};
            run(an, num, (size_t)cut, &r);
            size_t parts = 0;
            for (size_t t = 0; t < r.n; t++)
                parts += !(r.t[t].flags & NS_TOK_ALT);
            size_t n = ns_number_start(num, (size_t)cut, out, sizeof out);
            /* A cut just after a separator ("1," "06:") the analyzer
             * reads as the digits before it: one word, no start. */
            int sep_last =
                num[cut - 1] == ',' || num[cut - 1] == ':' || (num[cut - 1] == '-' && cut != 8);
            if (parts >= 2 && !sep_last) {
                if (!n || strncmp(whole.t[0].exact, out, n))
                    fail_msg("%.*s of %s: start \"%s\", exact form %s", cut, num, num,
                             n ? out : "(none)", whole.t[0].exact);
                given++;
            } else if (n) {
                fail_msg("%.*s of %s: read as %zu word(s), yet start \"%s\"", cut, num, num, parts,
                         out);
            }
            cuts++;
            rec_free(&r);
        }
        rec_free(&whole);
    }
    assert_true(given > 3000 && given < cuts);
    ns_analyzer_free(an);
}

/* ---------------------------------------------------------------- main */

static int teardown_all(void **state)
{
    (void)state;
    for (size_t k = 0; k < 16 && ans[k].an; k++) {
        ns_analyzer_free(ans[k].an);
        ans[k].an = NULL;
    }
    return 0;
}

int main(int argc, char **argv)
{
    cases_path = getenv("NS_ANALYZER_CASES");
    if (!cases_path && argc > 1) {
        cases_path = argv[1];
    }
    char guess[4096];
    if (!cases_path) {
        cases_path = "tests/data/analyzer_cases.txt";
        FILE *f = fopen(cases_path, "r");
        if (f) {
            fclose(f);
        } else {
            const char *slash = strrchr(argv[0], '/');
            int n = slash ? (int)(slash - argv[0]) : 1;
            snprintf(guess, sizeof guess, "%.*s/../../../tests/data/analyzer_cases.txt", n,
                     slash ? argv[0] : ".");
            cases_path = guess;
        }
    }
    if (load_cases(cases_path) < 0) {
        fprintf(stderr, "test_analyzer: cannot read %s (set NS_ANALYZER_CASES)\n", cases_path);
        return 2;
    }

    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_offsets_multibyte),
        cmocka_unit_test(test_offsets_compound),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_early_stop),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_truncate_multibyte),
        cmocka_unit_test(test_huge_word),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_cache_growth),
        cmocka_unit_test(test_interest),
        cmocka_unit_test(test_interest_same),
        cmocka_unit_test(test_query_equals_document),
        cmocka_unit_test(test_number_start),
    };
    size_t nfixed = sizeof fixed / sizeof fixed[0];
    struct CMUnitTest *tests = calloc(nfixed + ncases, sizeof *tests);
    assert_non_null(tests);
    memcpy(tests, fixed, sizeof fixed);
    for (size_t k = 0; k < ncases; k++) {
        struct CMUnitTest *t = &tests[nfixed + k];
        t->name = cases[k].name;
        t->test_func = test_case;
        t->initial_state = &cases[k];
    }
    int failed = _cmocka_run_group_tests("analyzer", tests, nfixed + ncases, NULL, teardown_all);
    for (size_t k = 0; k < ncases; k++) {
        sb_free(&cases[k].in);
        free(cases[k].out);
        free(cases[k].exact);
        free(cases[k].src);
        free(cases[k].pos);
    }
    free(cases);
    free(tests);
    return failed;
}
