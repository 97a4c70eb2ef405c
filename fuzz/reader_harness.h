/* reader_harness.h: the harness of both reader fuzz targets, and what they
 * check of every article; included by fuzz_reader_text.c and
 * fuzz_reader_jsonl.c.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Before including it, a target defines NAME (the file name the reader is
 * given), FUZZ_TARGET (its own name, for messages), KIND (the ns_file_kind
 * read) and, to have warnings checked against the input's line count,
 * COUNT_LINES; after it, check_article (below). The harness reads the input
 * bytes through ns_reader_open_mem (as gzip when they start with the gzip
 * magic) twice, with the default line cap and with a 64-byte one, so the
 * cutting paths run too, and checks, aborting on any violation: a refused
 * input is a format error naming the file; every field NUL-terminated,
 * valid UTF-8 without control characters; every passage non-empty, trimmed,
 * valid UTF-8 without control characters; the reader ends without an error;
 * its CRC is the CRC-32 of the whole input; every warning names the file
 * (with COUNT_LINES, a line that exists).
 *
 * The checks are written independently of lib/: their own UTF-8 validator
 * and CRC-32, so a bug shared with the reader can't hide itself.
 */
#ifndef FUZZ_READER_HARNESS_H
#define FUZZ_READER_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

/* Lines of the current (uncompressed) input; 0 = unknown (no check). */
static size_t fuzz_nlines;

static void die(const char *why)
{
    fprintf(stderr, "%s: %s\n", FUZZ_TARGET, why);
    abort();
}

/* Valid UTF-8 (no overlongs, no surrogates) and no C0 controls or DEL. */
static int clean(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x20 || c == 0x7F) {
            return 0;
        }
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            lo = c == 0xE0 ? 0xA0 : lo;
            hi = c == 0xED ? 0x9F : hi;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            lo = c == 0xF0 ? 0x90 : lo;
            hi = c == 0xF4 ? 0x8F : hi;
        } else {
            return 0;
        }
        for (size_t m = 1; m <= k; m++) {
            if (i + m >= n || s[i + m] < lo || s[i + m] > hi) {
                return 0;
            }
            lo = 0x80;
            hi = 0xBF;
        }
        i += k + 1;
    }
    return 1;
}

static uint32_t crc_table[256];

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    if (!crc_table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) {
                c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
            }
            crc_table[i] = c;
        }
    }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    }
    return c ^ 0xFFFFFFFFu;
}

static void on_warn(void *ctx, const char *path, size_t line, const char *msg)
{
    (void)ctx;
    if (!path || strcmp(path, NAME) != 0 || !msg || !*msg) {
        die("warning without the file name or a message");
    }
    if (fuzz_nlines && line > fuzz_nlines) {
        die("warning names a line past the end");
    }
}

static void check_field(const char *s)
{
    if (!s || !clean(s, strlen(s))) {
        die("field not clean UTF-8");
    }
}

/* check_article A NTH PREV DATA SIZE GZ: the target's own checks of the
 * NTH article A (from 1) of the input DATA (SIZE bytes, gzipped when GZ),
 * PREV the line of the article before it (0 for the first). */
static void check_article(const ns_article *a, size_t nth, size_t prev, const uint8_t *data,
                          size_t size, int gz);

static void run(const uint8_t *data, size_t size, size_t max_line)
{
    int gz = size >= 2 && data[0] == 0x1F && data[1] == 0x8B;
    fuzz_nlines = 0;
#ifdef COUNT_LINES
    if (!gz) {
        /* lines as the reader counts them: LF-terminated, plus a last one */
        for (size_t i = 0; i < size; i++) {
            fuzz_nlines += data[i] == '\n';
        }
        fuzz_nlines += size > 0 && data[size - 1] != '\n';
    }
#endif
    ns_reader_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.warn = on_warn;
    opts.max_line_bytes = max_line;
    ns_reader *r;
    ns_error err;
    ns_status st = ns_reader_open_mem(NAME, data, size, KIND, gz, &opts, &r, &err);
    if (st != NS_OK) {
        if (r || st != NS_ERR_FORMAT || !strstr(err.msg, NAME)) {
            die("bad open failure");
        }
        return;
    }
    const ns_article *a;
    size_t nth = 0, prev = 0;
    while ((st = ns_reader_next(r, &a, &err)) == NS_OK) {
        check_field(a->title);
        check_field(a->source);
        check_field(a->url);
        check_field(a->id);
        check_article(a, ++nth, prev, data, size, gz);
        prev = a->line;
        for (size_t i = 0; i < a->npassages; i++) {
            const ns_passage *p = &a->passages[i];
            if (p->len == 0 || !clean(p->text, p->len) || p->text[0] == ' ' ||
                p->text[p->len - 1] == ' ') {
                die("passage empty, untrimmed or not clean UTF-8");
            }
        }
    }
    if (st != NS_DONE) {
        die("reader error on memory input");
    }
    if (ns_reader_crc32(r) != crc32_of(data, size)) {
        die("CRC of the whole input wrong");
    }
    ns_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, 0);
    run(data, size, 64);
    return 0;
}

#endif
