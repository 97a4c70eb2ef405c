/* reader_check.h: what both reader fuzz targets check of every article,
 * included by fuzz_reader_text.c and fuzz_reader_jsonl.c (each defines
 * FUZZ_TARGET and NAME first).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The checks are written independently of lib/: their own UTF-8 validator
 * and CRC-32, so a bug shared with the reader can't hide itself.
 */
#ifndef FUZZ_READER_CHECK_H
#define FUZZ_READER_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif
