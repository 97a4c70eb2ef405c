/* output.c: nsearch's output formats, the contract editors and scripts
 * build on (doc/nsearch.1 documents it; tests/e2e/output.sh checks it).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 *   text        grouped by article: a heading (path; title · date · source),
 *               then "LINE: passage", matches highlighted on a terminal
 *   no-heading  "path:LINE: passage", one line per passage, in rank order
 *   vimgrep     "path:LINE:COLUMN:passage" as ripgrep --vimgrep prints it,
 *               COLUMN the 1-based byte column of the passage's first match
 *   files       article paths, best first, once each
 *   json        JSON Lines, version NS_JSON_VERSION: one "match" object per
 *               passage, then one "summary" object
 *
 * Every line-based format prints exactly one line per item: line breaks,
 * U+2028/U+2029 and other control characters in text become spaces (one
 * space per byte, so byte columns stay right). JSON is valid whatever the
 * bytes: control characters are escaped and invalid UTF-8 becomes U+FFFD
 * (a path that is not UTF-8 also comes as its bytes, "path_bytes").
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "query.h"
#include "dates.h"
#include "quote.h"
#include "reader.h"
#include "utf8.h"

/* ANSI colours, ripgrep's defaults. */
#define C_PATH  "\033[35m"
#define C_LINE  "\033[32m"
#define C_MATCH "\033[1;31m"
#define C_DIM   "\033[2m"
#define C_BOLD  "\033[1m"
#define C_OFF   "\033[0m"

#define TRIM_BYTES 480 /* longer passages are cut around their matches */

static int color;
static char cwd[PATH_MAX];
static size_t cwdlen;

void out_init(int use_color)
{
    color = use_color;
    if (getcwd(cwd, sizeof cwd)) cwdlen = strlen(cwd);
}

void out_check(void)
{
    if (ferror(stdout) || fflush(stdout) == EOF) {
        /* A closed pipe is the reader's choice, not our failure. */
        if (errno == EPIPE) exit(EXIT_MATCH);
        fprintf(stderr, "nsearch: writing output: %s\n", strerror(errno));
        exit(EXIT_ERROR);
    }
}

/* Paths are stored absolute; show them relative to the working folder when
 * they lie under it, as grep and ripgrep do for relative searches. */
const char *out_path(const char *p)
{
    if (cwdlen > 1 && strncmp(p, cwd, cwdlen) == 0 && p[cwdlen] == '/') return p + cwdlen + 1;
    return p;
}

static void format_date(int64_t d, char out[NS_DATE_BUF])
{
    out[0] = '\0';
    if (d != NS_NO_DATE) ns_date_format(d, NS_DATE_DAY, out);
}

/* Bytes [from, to) of s on one line: control characters (line breaks, tabs,
 * escapes, DEL, the C1 controls, bidi overrides, U+2028 and U+2029) become
 * one space per byte, so corpus bytes can neither break a line nor drive the
 * terminal, and a byte column into the text stays right (quote.h). */
static ns_buf scratch;
static void put_flat(const char *s, size_t from, size_t to)
{
    ns_buf_reset(&scratch);
    if (ns_quote_flat(s + from, to - from, &scratch) == NS_OK)
        fwrite(scratch.data, 1, scratch.len, stdout);
}

/* A path: relative when under the working folder; quoted with escapes when
 * it holds anything unsafe (quote.h), raw with --null. */
static int null_paths;
static void put_path(const char *path)
{
    const char *p = out_path(path);
    if (null_paths) {
        fputs(p, stdout);
        return;
    }
    ns_buf_reset(&scratch);
    if (ns_quote_path(p, strlen(p), &scratch) == NS_OK)
        fwrite(scratch.data, 1, scratch.len, stdout);
}

static void put_flat_str(const char *s)
{
    put_flat(s, 0, strlen(s));
}

/* Passage text with the spans highlighted, on one line; with `trim`, long
 * passages are cut to a window around the first match. */
/* --null: a NUL after each raw path instead of ':' or a newline. */
void out_set_null(int on)
{
    null_paths = on;
}

static void print_passage(const ns_hit *h, int trim)
{
    size_t from = 0, to = h->len;
    if (trim && h->len > TRIM_BYTES) {
        size_t first = h->nspans ? h->spans[0].start : 0;
        from = first > TRIM_BYTES / 3 ? first - TRIM_BYTES / 3 : 0;
        to = from + TRIM_BYTES < h->len ? from + TRIM_BYTES : h->len;
        /* Start and end on word boundaries (and so on UTF-8 boundaries). */
        while (from > 0 && from < h->len && h->text[from - 1] != ' ')
            from++;
        while (to < h->len && h->text[to] != ' ' && to > from)
            to--;
        if (to <= from) from = 0, to = h->len;
    }
    if (from > 0) fputs("… ", stdout);
    size_t si = 0;
    for (size_t i = from; i < to;) {
        while (si < h->nspans && h->spans[si].end <= i)
            si++;
        size_t next = to;
        int in = 0;
        if (si < h->nspans) {
            if (h->spans[si].start <= i) {
                in = 1;
                next = h->spans[si].end < to ? h->spans[si].end : to;
            } else if (h->spans[si].start < to) {
                next = h->spans[si].start;
            }
        }
        if (in && color) fputs(C_MATCH, stdout);
        put_flat(h->text, i, next);
        if (in && color) fputs(C_OFF, stdout);
        i = next;
    }
    if (to < h->len) fputs(" …", stdout);
}

static void print_heading(const ns_hit *h)
{
    char date[NS_DATE_BUF];
    format_date(h->date, date);
    fputs(color ? C_PATH : "", stdout);
    put_path(h->path);
    fputs(color ? C_OFF : "", stdout);
    if (null_paths)
        putchar('\0'); /* --null: the path ends with NUL, as rg --null --heading */
    else
        putchar('\n');
    fputs(color ? C_BOLD : "", stdout);
    put_flat_str(h->title[0] ? h->title : "(untitled)");
    fputs(color ? C_OFF : "", stdout);
    if (date[0] || h->source[0]) {
        fputs(color ? C_DIM : "", stdout);
        if (date[0]) printf(" · %s", date);
        if (h->source[0]) {
            fputs(" · ", stdout);
            put_flat_str(h->source);
        }
        fputs(color ? C_OFF : "", stdout);
    }
    putchar('\n');
}

void out_text(const ns_results *r, int heading, int explain)
{
    /* With headings, passages are grouped under their article, articles in
     * order of their best passage. Without, each line stands alone, as in
     * grep: strictly rank order, so pages (--offset) join up. */
    char *done = calloc(r->nhits ? r->nhits : 1, 1);
    if (!done) {
        fprintf(stderr, "nsearch: out of memory\n");
        exit(EXIT_ERROR);
    }
    for (size_t i = 0; i < r->nhits; i++) {
        if (done[i]) continue;
        if (heading) {
            if (i) putchar('\n');
            print_heading(&r->hits[i]);
        }
        for (size_t j = i; j < r->nhits; j++) {
            const ns_hit *h = &r->hits[j];
            if (done[j] || strcmp(h->path, r->hits[i].path) || strcmp(h->id, r->hits[i].id))
                continue;
            if (!heading && j != i) break;
            done[j] = 1;
            if (!heading) {
                /* ripgrep's shape, byte for byte: path:line:text */
                fputs(color ? C_PATH : "", stdout);
                put_path(h->path);
                if (null_paths) putchar('\0');
                printf("%s%s", color ? C_OFF : "", null_paths ? "" : ":");
                printf("%s%zu%s:", color ? C_LINE : "", h->line, color ? C_OFF : "");
            } else {
                printf("%s%zu%s: ", color ? C_LINE : "", h->line, color ? C_OFF : "");
            }
            print_passage(h, heading);
            putchar('\n');
            if (explain && h->explain) {
                printf("    score %.4f: ", h->score);
                put_flat_str(h->explain);
                putchar('\n');
            }
        }
        out_check();
    }
    free(done);
}

/* The byte column of h's first match in its file: a text file's passage
 * keeps its line's bytes one for one (reader.h), so column + offset. A JSON
 * Lines passage is a decoded string (escapes, \u00e9) whose offsets are not
 * the line's: its column stays the record's, 1. */
static size_t match_column(const ns_hit *h)
{
    if (!h->nspans || ns_file_kind_of(h->path, NULL) == NS_FILE_JSONL) return h->column;
    return h->column + h->spans[0].start;
}

/* path:line:column:text, the column that of the first match (the passage's
 * own when it has no span, as with --any on a passage holding none). The
 * path is printed as it is (editors need the real name), the text on one
 * line. */
void out_vimgrep(const ns_results *r)
{
    for (size_t i = 0; i < r->nhits; i++) {
        const ns_hit *h = &r->hits[i];
        size_t col = match_column(h);
        put_path(h->path);
        putchar(null_paths ? '\0' : ':');
        printf("%zu:%zu:", h->line, col);
        put_flat(h->text, 0, h->len);
        putchar('\n');
        out_check();
    }
}

size_t out_files(const ns_results *r)
{
    /* The searcher lists each file once (ns_search_opts.files). */
    for (size_t i = 0; i < r->nhits; i++) {
        put_path(r->hits[i].path);
        putchar(null_paths ? '\0' : '\n');
    }
    out_check();
    return r->nhits;
}

void out_json_str(const char *s, size_t n)
{
    ns_buf_reset(&scratch);
    if (ns_quote_json(s, n, &scratch) == NS_OK) fwrite(scratch.data, 1, scratch.len, stdout);
}

static void json_key_str(const char *key, const char *s)
{
    printf(",\"%s\":", key);
    out_json_str(s, strlen(s));
}

/* A text field (title, source, passage) as a JSON string, its unsafe
 * characters (C0 and C1 controls, DEL, bidi overrides, U+2028/U+2029)
 * spaces first, one per byte (quote.h), as in every other format: a
 * reader that prints the value (`jq -r .title`) gets no control, and
 * byte offsets into the text (spans) stay right. */
static ns_buf flat;
static void json_key_flat(const char *key, const char *s, size_t n)
{
    printf(",\"%s\":", key);
    ns_buf_reset(&flat);
    if (ns_quote_flat(s, n, &flat) == NS_OK) out_json_str(flat.data, flat.len);
}

/* "path_bytes": the bytes of a path that is not valid UTF-8, as an array of
 * numbers (0-255), after "path", whose JSON string has U+FFFD for each bad
 * byte and so names no file. Absent for every valid path, so that version 1
 * readers see what they saw. An array of numbers, not base64 as ripgrep's
 * {"bytes": ...}: Vim 9.0 (json_decode, printf("%c")), Neovim's Lua and
 * Emacs (json-parse-string, unibyte-string) make the name from it with no
 * decoder of their own. */
static void json_path_bytes(const char *p)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t n = strlen(p), i = 0;
    while (i < n) {
        size_t len = ns_utf8_decode(s + i, n - i, NULL);
        if (len == 0) break;
        i += len;
    }
    if (i == n) return;
    fputs(",\"path_bytes\":[", stdout);
    for (i = 0; i < n; i++)
        printf("%s%u", i ? "," : "", (unsigned)s[i]);
    putchar(']');
}

void out_json_match(const ns_hit *h, size_t rank)
{
    char date[32];
    format_date(h->date, date);
    printf("{\"type\":\"match\",\"version\":%d,\"rank\":%zu", NS_JSON_VERSION, rank);
    json_key_str("path", out_path(h->path));
    json_path_bytes(out_path(h->path));
    printf(",\"line\":%zu,\"column\":%zu", h->line, h->column);
    json_key_str("id", h->id);
    json_key_flat("title", h->title, strlen(h->title));
    fputs(",\"date\":", stdout);
    if (date[0])
        out_json_str(date, strlen(date));
    else
        fputs("null", stdout);
    json_key_flat("source", h->source, strlen(h->source));
    json_key_str("url", h->url);
    printf(",\"score\":%.6f,\"article_score\":%.6f,\"article_rank\":%zu", h->score,
           h->article_score, h->article_rank + 1);
    json_key_flat("text", h->text, h->len);
    fputs(",\"spans\":[", stdout);
    for (size_t k = 0; k < h->nspans; k++) {
        printf("%s{\"start\":%zu,\"end\":%zu}", k ? "," : "", h->spans[k].start, h->spans[k].end);
    }
    putchar(']');
    if (h->explain) json_key_str("explain", h->explain);
    putchar('}');
}

void out_json_summary(const ns_results *r, const char *query, double secs, const char *index)
{
    printf("{\"type\":\"summary\",\"version\":%d,\"query\":", NS_JSON_VERSION);
    out_json_str(query, strlen(query));
    fputs(",\"parsed\":", stdout);
    out_json_str(r->parsed ? r->parsed : "", r->parsed ? strlen(r->parsed) : 0);
    printf(",\"matches\":%zu,\"total\":%zu,\"total_exact\":%s,\"articles\":%zu,"
           "\"articles_estimated\":%u,\"partial\":%s,\"elapsed_ms\":%.3f",
           r->nhits, r->total, r->total_exact ? "true" : "false", r->articles,
           r->articles_estimated, r->partial ? "true" : "false", secs * 1000);
    json_key_str("index", index);
    putchar('}');
}

void out_json(const ns_results *r, size_t offset, double secs, const char *index, const char *query)
{
    for (size_t i = 0; i < r->nhits; i++) {
        out_json_match(&r->hits[i], offset + i + 1);
        putchar('\n');
        out_check();
    }
    out_json_summary(r, query, secs, index);
    putchar('\n');
    out_check();
}
