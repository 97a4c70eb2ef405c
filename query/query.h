/* query.h: what the files of the nsearch program share (not a library
 * header: nothing outside query/ includes it). The configuration file and
 * the index location are cli/config.h's, shared with nsearch-index.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 *   main.c    arguments, settings, exit codes
 *   output.c  the output formats: text, --no-heading, --json, --vimgrep,
 *             --files, --count
 *   serve.c   --serve: one JSON request per line in, one response out
 *   caret.c   the query echoed under an error, a caret under the column
 */
#ifndef NS_QUERY_H
#define NS_QUERY_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "search.h"

enum { EXIT_MATCH = 0, EXIT_NONE = 1, EXIT_ERROR = 2 };

/* Version of the --json and --serve objects. Fields may be added within a
 * version; a field is never removed, renamed or retyped without a new one. */
#define NS_JSON_VERSION 1

/* ---- caret.c -------------------------------------------------------- */

/* Two lines to f: query[0..len), or a window of it around `column` (1-based
 * byte column; 0 or past the end: the end) with "…" where it is cut, and a
 * caret under the column. Each indented by two spaces. */
void out_query_caret(FILE *f, const char *query, size_t len, size_t column);

/* ---- output.c ------------------------------------------------------- */

/* Once, before printing: colour on or off, and the working folder that
 * paths are shown relative to. */
void out_init(int color);

/* Flush stdout; a closed pipe exits quietly with 0, another write error
 * exits with 2 after saying so. */
void out_check(void);

/* A path as shown: relative to the working folder when under it. Points
 * into `path`. */
const char *out_path(const char *path);

/* -0/--null: each path printed raw and followed by a NUL byte (instead of
 * ':' in --vimgrep and --no-heading lines, instead of the newline with
 * --files), as ripgrep's --null. */
void out_set_null(int on);
void out_text(const ns_results *r, int heading, int explain);
void out_vimgrep(const ns_results *r);
/* The hits' paths, one a line (a search with ns_search_opts.files lists
 * each file once). Returns the number printed. */
size_t out_files(const ns_results *r);

/* JSON: a string (ns_quote_json, quote.h: the writer nsearch-index uses
 * too), one match object (rank is 1-based over the whole result list), one
 * summary object; no newline after them. */
void out_json_str(const char *s, size_t n);
void out_json_match(const ns_hit *h, size_t rank);
void out_json_summary(const ns_results *r, const char *query, double secs, const char *index);

/* --json: match lines then the summary line. */
void out_json(const ns_results *r, size_t offset, double secs, const char *index,
              const char *query);

/* ---- serve.c -------------------------------------------------------- */

/* Answer requests from stdin until EOF on searcher `s` (opened on `index`),
 * with `defaults` for whatever a request leaves out. Returns the exit
 * status: 0 at end of input, 2 when reading fails. */
int ns_serve(ns_searcher *s, const char *index, const ns_search_opts *defaults);

#endif
