/* fuzz_reader_jsonl.c: libFuzzer target for the JSON Lines article reader
 * (lib/reader.c, .jsonl and .jsonl.gz).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The input bytes read as JSON Lines by the harness of reader_harness.h
 * (which checks the fields, the passages' text, the CRC and the warnings,
 * each warning's line against the input's). Checks here, aborting on any
 * violation: articles come in increasing line order, each line at most the
 * number of input lines; the id never empty, the path the file's; the
 * title's line the record's; every article has passages (records without a
 * body are skipped), each on the record's line, column 1.
 */
#include <stdint.h>
#include <string.h>

#include "reader.h"

#define NAME        "fuzz.jsonl"
#define FUZZ_TARGET "fuzz_reader_jsonl"
#define KIND        NS_FILE_JSONL
#define COUNT_LINES

#include "reader_harness.h"

static void check_article(const ns_article *a, size_t nth, size_t prev, const uint8_t *data,
                          size_t size, int gz)
{
    (void)nth;
    (void)data;
    (void)size;
    (void)gz;
    if (a->line <= prev || (fuzz_nlines && a->line > fuzz_nlines)) {
        die("article lines not increasing or past the end");
    }
    if (!a->id[0] || strcmp(a->path, NAME) != 0) {
        die("empty id or wrong path");
    }
    if (a->title_line != 0 && a->title_line != a->line) {
        die("title line is not the record's line");
    }
    if (a->npassages == 0 || !a->passages) {
        die("an article without passages");
    }
    for (size_t i = 0; i < a->npassages; i++) {
        const ns_passage *p = &a->passages[i];
        if (p->line != a->line || p->column != 1) {
            die("passage not at the record's line, column 1");
        }
    }
}
