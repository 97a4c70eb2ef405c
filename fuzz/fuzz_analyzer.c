/* fuzz_analyzer.c: libFuzzer target for the analyzer (lib/analyzer.c).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Analyzes the input bytes with "english" and with "none" and checks the
 * token stream's invariants: offsets within the input, start < end, start
 * never decreasing, primaries at consecutive positions from 0 and
 * alternatives at the position before them, terms and exact forms non-empty,
 * at most NS_TERM_MAX bytes, valid UTF-8, *npos = last position + 1, and the
 * statistics counting every token. Any violation aborts. The analyzers live
 * for the whole run, so the stem cache fills and is cleared as in real use.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"

typedef struct check {
    size_t len;
    size_t n;
    size_t last_start;
    uint32_t last_pos;
    uint64_t count;
} check;

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
    return 0;
}

static ns_analyzer *english, *none;

static void run(ns_analyzer *an, const uint8_t *data, size_t size)
{
    check c = {size, 0, 0, 0, 0};
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
