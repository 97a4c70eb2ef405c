/* indexer.h: what the files of the nsearch-index program share (not a
 * library header: nothing outside indexer/ includes it).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 *   main.c    arguments, the run (lib/update.h does the work), exit codes
 *   report.c  what a run prints: warnings and the progress line on stderr,
 *             the report (-v, --json); --stats and --check
 */
#ifndef NS_INDEXER_H
#define NS_INDEXER_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "status.h"
#include "update.h"

enum { EXIT_SKIPPED = 1, EXIT_USAGE = 2, EXIT_CORPUS = 3, EXIT_INDEX = 4, EXIT_BUSY = 75 };

/* ---- report.c ------------------------------------------------------- */

/* The context of the ns_update_opts callbacks below. */
typedef struct report {
    int progress;       /* draw the progress line (stderr is a terminal) */
    struct timespec t0; /* when the run started, for MB/s */
} report;

/* ns_update_opts callbacks: each prints one line to stderr,
 * "nsearch-index: ..." (clearing the progress line first). Corpus file
 * names and messages are quoted and flattened (quote.h). */
void report_warn(void *ctx, const char *path, size_t line, const char *msg);
void report_refused(void *ctx, const char *path, ns_status st, const ns_error *err);
/* An error (a message from the library, naming what failed) on stderr as
 * "nsearch-index: MESSAGE", flattened (quote.h). */
void report_error(const char *msg);
void report_root_failed(void *ctx, const char *root, ns_status st, const ns_error *err);
/* The progress line: articles, MB/s, and with a known total the share done
 * and the time left; cleared by the final call. Only when r->progress. */
void report_progress(void *ctx, const ns_update_progress *p);

/* Seconds since *t0 (CLOCK_MONOTONIC). */
double report_elapsed(const struct timespec *t0);

/* After a run: -v's summary line on stderr, --json's report on stdout. */
void report_run(const char *db, const ns_update_stats *s, double secs, int rebuilt, int verbose,
                int json);

/* --stats (json: as one JSON object) and --check of the index at `db`;
 * each returns the exit status. */
int report_stats(const char *db, int json);
int report_check(const char *db);

/* Standard output must have reached its destination (a full disk, a closed
 * file): a report nobody got is a failure. 0, or EXIT_INDEX after saying
 * so. */
int report_finish_stdout(void);

#endif
