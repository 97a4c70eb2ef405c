/* fuzz_reader_text.c: libFuzzer target for the text article reader
 * (lib/reader.c, .txt and .txt.gz).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The input bytes read as a text file by the harness of reader_harness.h
 * (which checks the fields, the passages' text, the CRC and the warnings).
 * Checks here, aborting on any violation: at most one article, with the
 * file's path, the id "fuzz" and line 1; passages line >= 1 (below the
 * title), column >= 1, lines non-decreasing; for uncompressed input, byte k
 * of each passage is byte column + k of its line in the input (the same
 * byte, or '?' for an invalid UTF-8 byte, or a space for a control
 * character: offsets into a passage are file offsets).
 */
#include <stdint.h>
#include <string.h>

#include "reader.h"

#define NAME        "fuzz.txt"
#define FUZZ_TARGET "fuzz_reader_text"
#define KIND        NS_FILE_TEXT

#include "reader_harness.h"

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

static void check_article(const ns_article *a, size_t nth, size_t prev, const uint8_t *data,
                          size_t size, int gz)
{
    (void)prev;
    if (nth > 1) {
        die("more than one article in a text file");
    }
    if (strcmp(a->path, NAME) != 0 || strcmp(a->id, "fuzz") != 0 || a->line != 1) {
        die("path, id or line wrong");
    }
    if ((a->npassages == 0) != (a->passages == NULL)) {
        die("passages pointer and count disagree");
    }
    size_t last = 0;
    for (size_t i = 0; i < a->npassages; i++) {
        const ns_passage *p = &a->passages[i];
        if (p->line < 1 || p->column < 1 || p->line < last || p->line <= a->title_line) {
            die("passage line or column out of order");
        }
        last = p->line;
        /* Byte k of the passage is byte column + k of its line: the same
         * byte, or '?' for an invalid one, or a space for a control
         * character. */
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
