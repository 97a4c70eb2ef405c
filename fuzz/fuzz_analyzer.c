/* fuzz_analyzer.c: libFuzzer target for the analyzer (lib/analyzer.c).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Analyzes the input bytes with "english" and with "none" and checks the
 * token stream's invariants: offsets within the input, start < end, start
 * never decreasing, primaries at consecutive positions from 0 and
 * alternatives at the position before them, terms and exact forms non-empty,
 * at most NS_TERM_MAX bytes, valid UTF-8, *npos = last position + 1, and the
 * statistics counting every token. It also checks that a query equals the
 * document: the source text of each of the first primary tokens, analyzed
 * alone, gives the same first token (term, exact form, flags). Any
 * violation aborts. The analyzers live for the whole run, so the stem cache
 * fills and is cleared as in real use.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"

#define NSAVED 32

/* A primary token kept for the query-equals-document check. */
typedef struct saved {
    size_t start, end;
    unsigned flags;
    size_t term_len, exact_len;
    char term[NS_TERM_MAX], exact[NS_TERM_MAX];
} saved;

typedef struct check {
    size_t len;
    size_t n;
    size_t last_start;
    uint32_t last_pos;
    saved *keep; /* NULL: no saving */
    size_t nkeep;
} check;

static saved kept[NSAVED];

static void die(const char *why, const ns_token *t)
{
    fprintf(stderr, "fuzz_analyzer: %s (term \"%.*s\", %zu..%zu, pos %u, flags %u)\n", why,
            (int)t->term_len, t->term, t->start, t->end, (unsigned)t->pos, t->flags);
    abort();
}

static int utf8_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k;
        uint32_t v;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1, v = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2, v = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3, v = c & 0x07;
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

static int on_token(void *ctx, const ns_token *t)
{
    check *c = ctx;
    if (t->start >= t->end) {
        die("start >= end", t);
    }
    if (t->end > c->len) {
        die("end beyond the input", t);
    }
    if (c->n > 0 && t->start < c->last_start) {
        die("start decreased", t);
    }
    if (t->term_len == 0 || t->term_len > NS_TERM_MAX || t->exact_len == 0 ||
        t->exact_len > NS_TERM_MAX) {
        die("bad term length", t);
    }
    if (!utf8_valid(t->term, t->term_len) || !utf8_valid(t->exact, t->exact_len)) {
        die("term not valid UTF-8", t);
    }
    if (t->flags & ~(unsigned)(NS_TOK_ALT | NS_TOK_ACRONYM)) {
        die("unknown flag", t);
    }
    if (t->flags & NS_TOK_ALT) {
        if (c->n == 0 || t->pos != c->last_pos) {
            die("alternative not at the previous position", t);
        }
    } else if (c->n == 0 ? t->pos != 0 : t->pos != c->last_pos + 1) {
        die("primary positions not consecutive", t);
    }
    c->last_start = t->start;
    c->last_pos = t->pos;
    c->n++;
    if (c->keep && !(t->flags & NS_TOK_ALT) && c->nkeep < NSAVED) {
        saved *k = &c->keep[c->nkeep++];
        k->start = t->start;
        k->end = t->end;
        k->flags = t->flags;
        k->term_len = t->term_len;
        k->exact_len = t->exact_len;
        memcpy(k->term, t->term, t->term_len);
        memcpy(k->exact, t->exact, t->exact_len);
    }
    return 0;
}

/* Keep the first token only. */
static int on_first(void *ctx, const ns_token *t)
{
    check *c = ctx;
    saved *k = c->keep;
    k->flags = t->flags;
    k->term_len = t->term_len;
    k->exact_len = t->exact_len;
    memcpy(k->term, t->term, t->term_len);
    memcpy(k->exact, t->exact, t->exact_len);
    c->nkeep = 1;
    return 1;
}

static ns_analyzer *english, *none;

static void run(ns_analyzer *an, const uint8_t *data, size_t size)
{
    check c = {size, 0, 0, 0, kept, 0};
    uint32_t npos = 0;
    uint64_t before = ns_analyzer_get_stats(an).tokens;
    if (ns_analyze(an, (const char *)data, size, on_token, &c, &npos) != NS_OK) {
        fprintf(stderr, "fuzz_analyzer: ns_analyze failed\n");
        abort();
    }
    if (npos != (c.n ? c.last_pos + 1 : 0)) {
        fprintf(stderr, "fuzz_analyzer: npos %u, last position %u\n", (unsigned)npos,
                (unsigned)c.last_pos);
        abort();
    }
    if (ns_analyzer_get_stats(an).tokens - before != c.n) {
        fprintf(stderr, "fuzz_analyzer: stats.tokens does not count the tokens\n");
        abort();
    }
    for (size_t k = 0; k < c.nkeep; k++) {
        const saved *want = &kept[k];
        saved got[1];
        check alone = {want->end - want->start, 0, 0, 0, got, 0};
        if (ns_analyze(an, (const char *)data + want->start, want->end - want->start, on_first,
                       &alone, NULL) != NS_OK) {
            abort();
        }
        if (alone.nkeep != 1 || got->flags != want->flags || got->term_len != want->term_len ||
            memcmp(got->term, want->term, want->term_len) != 0 ||
            got->exact_len != want->exact_len ||
            memcmp(got->exact, want->exact, want->exact_len) != 0) {
            fprintf(stderr,
                    "fuzz_analyzer: token %zu..%zu \"%.*s\" analyzed alone gives \"%.*s\"\n",
                    want->start, want->end, (int)want->term_len, want->term,
                    alone.nkeep ? (int)got->term_len : 0, got->term);
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!english) {
        ns_error err;
        if (ns_analyzer_new("english", &english, &err) != NS_OK ||
            ns_analyzer_new("none", &none, &err) != NS_OK) {
            fprintf(stderr, "fuzz_analyzer: %s\n", err.msg);
            abort();
        }
    }
    run(english, data, size);
    run(none, data, size);
    return 0;
}
