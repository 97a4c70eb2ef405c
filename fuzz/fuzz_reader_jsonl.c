/* fuzz_reader_jsonl.c: libFuzzer target for the JSON Lines article reader
 * (lib/reader.c, .jsonl and .jsonl.gz).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Reads the input bytes through ns_reader_open_mem as JSON Lines (as gzip
 * when they start with the gzip magic), with the default line cap and with a
 * 64-byte one. Checks, aborting on any violation: articles come in
 * increasing line order, each line at most the number of input lines; every
 * field NUL-terminated, valid UTF-8 without control characters, the id never
 * empty; every article has passages (records without a body are skipped);
 * passages non-empty, trimmed, valid UTF-8 without control characters, on
 * the record's line, column 1; a finished reader's CRC is the CRC-32 of the
 * input; every warning names the file and, when it names a line, one that
 * exists.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

#define NAME        "fuzz.jsonl"
#define FUZZ_TARGET "fuzz_reader_jsonl"

#include "reader_check.h"

static void run(const uint8_t *data, size_t size, size_t max_line)
{
    int gz = size >= 2 && data[0] == 0x1F && data[1] == 0x8B;
    fuzz_nlines = 0;
    if (!gz) {
        /* lines as the reader counts them: LF-terminated, plus a last one */
        for (size_t i = 0; i < size; i++) {
            fuzz_nlines += data[i] == '\n';
        }
        fuzz_nlines += size > 0 && data[size - 1] != '\n';
    }
    ns_reader_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.warn = on_warn;
    opts.max_line_bytes = max_line;
    ns_reader *r;
    ns_error err;
    ns_status st = ns_reader_open_mem(NAME, data, size, NS_FILE_JSONL, gz, &opts, &r, &err);
    if (st != NS_OK) {
        if (r || st != NS_ERR_FORMAT || !strstr(err.msg, NAME)) {
            die("bad open failure");
        }
        return;
    }
    const ns_article *a;
    size_t last = 0;
    while ((st = ns_reader_next(r, &a, &err)) == NS_OK) {
        if (a->line <= last || (fuzz_nlines && a->line > fuzz_nlines)) {
            die("article lines not increasing or past the end");
        }
        last = a->line;
        check_field(a->title);
        check_field(a->source);
        check_field(a->url);
        check_field(a->id);
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
            if (p->len == 0 || !clean(p->text, p->len) || p->text[0] == ' ' ||
                p->text[p->len - 1] == ' ') {
                die("passage empty, untrimmed or not clean UTF-8");
            }
            if (p->line != a->line || p->column != 1) {
                die("passage not at the record's line, column 1");
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
