/* fuzz_reader_text.c: libFuzzer target for the text article reader
 * (lib/reader.c, .txt and .txt.gz).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Reads the input bytes through ns_reader_open_mem as a text file (as gzip
 * when they start with the gzip magic), twice: with the default line cap
 * and with a 64-byte one, so the cutting paths run too. Checks, aborting on
 * any violation: at most one article; title, source, url and id
 * NUL-terminated, valid UTF-8 without control characters; every passage
 * non-empty, trimmed, valid UTF-8 without control characters, line >= 1,
 * column >= 1, lines non-decreasing; for uncompressed input, byte k of each
 * passage is byte column + k of its line in the input (the same byte, or '?'
 * for an invalid UTF-8 byte, or a space for a control character: offsets
 * into a passage are file offsets); the CRC of a finished reader is the CRC-32
 * of the whole input; every warning names the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

#define NAME        "fuzz.txt"
#define FUZZ_TARGET "fuzz_reader_text"

#include "reader_check.h"

/* The byte at (line, column) of the input, -1 when there is none. Lines
 * are LF-separated; a leading byte order mark is not counted. */
static int byte_at(const uint8_t *data, size_t size, size_t line, size_t column)
{
    size_t i = 0;
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        i = 3;
    }
    for (size_t l = 1; l < line; l++) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        if (!nl) {
            return -1;
        }
        i = (size_t)(nl - data) + 1;
    }
    i += column - 1;
    return i < size ? data[i] : -1;
}

static void run(const uint8_t *data, size_t size, size_t max_line)
{
    int gz = size >= 2 && data[0] == 0x1F && data[1] == 0x8B;
    ns_reader_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.warn = on_warn;
    opts.max_line_bytes = max_line;
    ns_reader *r;
    ns_error err;
    ns_status st = ns_reader_open_mem(NAME, data, size, NS_FILE_TEXT, gz, &opts, &r, &err);
    if (st != NS_OK) {
        if (r || st != NS_ERR_FORMAT || !strstr(err.msg, NAME)) {
            die("bad open failure");
        }
        return;
    }
    const ns_article *a;
    int articles = 0;
    while ((st = ns_reader_next(r, &a, &err)) == NS_OK) {
        if (++articles > 1) {
            die("more than one article in a text file");
        }
        check_field(a->title);
        check_field(a->source);
        check_field(a->url);
        check_field(a->id);
        if (strcmp(a->path, NAME) != 0 || strcmp(a->id, "fuzz") != 0 || a->line != 1) {
            die("path, id or line wrong");
        }
        if ((a->npassages == 0) != (a->passages == NULL)) {
            die("passages pointer and count disagree");
        }
        size_t last = 0;
        for (size_t i = 0; i < a->npassages; i++) {
            const ns_passage *p = &a->passages[i];
            if (p->len == 0 || !clean(p->text, p->len) || p->text[0] == ' ' ||
                p->text[p->len - 1] == ' ') {
                die("passage empty, untrimmed or not clean UTF-8");
            }
            if (p->line < 1 || p->column < 1 || p->line < last || p->line <= a->title_line) {
                die("passage line or column out of order");
            }
            last = p->line;
            /* Byte k of the passage is byte column + k of its line: the
             * same byte, or '?' for an invalid one, or a space for a
             * control character. */
            for (size_t k = 0; !gz && k < p->len; k++) {
                int b = byte_at(data, size, p->line, p->column + k);
                unsigned char c = (unsigned char)p->text[k];
                if (b < 0 ||
                    !(b == c || (c == '?' && b >= 0x80) || (c == ' ' && (b < 0x20 || b == 0x7F)))) {
                    die(k ? "passage byte is not its file byte"
                          : "passage column does not point at its first byte");
                }
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
