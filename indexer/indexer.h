/* indexer.h: what the files of the nsearch-index program share (not a
 * library header: nothing outside indexer/ includes it).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 *   main.c    arguments, the run (lib/update.h does the work), exit codes
 *   roots.c   the corpus folders of a run: their names, each folder once
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

/* ---- roots.c -------------------------------------------------------- */

/* The absolute name of folder `arg`: normalized by name (//, /./, x/..,
 * a trailing /), its symbolic links kept unless "x/.." through one leads
 * elsewhere (then the resolved path). malloc'd; NULL with errno set (not a
 * folder: ENOTDIR). */
char *roots_abs(const char *arg);

/* A run's corpus folders, settled (roots_settle). Each list is malloc'd,
 * NULL-terminated, of malloc'd absolute names; free with roots_free. */
typedef struct roots {
    char **record; /* what the index records after the run */
    size_t nrecord;
    char **walk; /* what the run walks: each file reached once */
    size_t nwalk;
    char **dropped; /* recorded before, not now: a name of a folder another
                       one covers (ns_update_opts.dropped) */
    size_t ndropped;
} roots;

/* Settle the folders `given` (roots_abs names; spelled[i] is given[i] as
 * typed, for messages) with those `recorded` in the index; with `replace`
 * (--rebuild with folders) the recorded ones are forgotten. A folder that
 * the walk of another reaches (the same folder under any name, or one
 * inside it, by realpath, unless the way down has a name the walk skips:
 * hidden, a backup or matching `exclude`) is left out of the record, the
 * earlier one (recorded first) or the outer one staying. A given folder
 * left out for another given one gets a warning on stderr, unless both
 * have the same name; one inside a recorded folder is updated by walking
 * that folder. The walk is every recorded folder when none is given, or
 * when the record lost one; else the given ones (or the recorded folders
 * covering them). 0, or -1 when out of memory (*out empty). */
int roots_settle(roots *out, const char *const *given, const char *const *spelled, size_t ngiven,
                 const char *const *recorded, size_t nrecorded, int replace,
                 const char *const *exclude, size_t nexclude);
void roots_free(roots *r);

/* ---- report.c ------------------------------------------------------- */

/* The context of the ns_update_opts callbacks below. */
typedef struct report {
    int progress;       /* draw the progress line (stderr is a terminal) */
    struct timespec t0; /* when the run started, for MB/s */
} report;

/* "nsearch-index: MSG" on stderr, MSG made safe for a terminal: when it
 * starts with `path` (may be NULL: a message of the library naming the
 * index, a file, a folder), that path quoted and the rest flattened, else
 * all of it flattened (quote.h). */
void report_error(const char *path, const char *msg);
/* "nsearch-index: PATH: MSG", the path quoted and msg flattened. */
void report_path(const char *path, const char *msg);

/* ns_update_opts callbacks: each prints one line to stderr,
 * "nsearch-index: ..." (clearing the progress line first). Corpus file
 * names and messages are quoted and flattened (quote.h). */
void report_warn(void *ctx, const char *path, size_t line, const char *msg);
void report_refused(void *ctx, const char *path, ns_status st, const ns_error *err);
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
