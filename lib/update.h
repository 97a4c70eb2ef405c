/* update.h: bringing an index in line with its corpus folders.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * ns_update_run is what nsearch-index does between opening the index and
 * printing its report: walk the corpus folders, compare each file with the
 * index's bookkeeping, add what is new or changed, delete what vanished,
 * commit. A fresh build (ns_index_building) reads the files with worker
 * threads instead. The steps are documented one by one in update.c, above
 * the code that runs them. It never prints: what a program shows comes
 * through the callbacks of ns_update_opts.
 */
#ifndef NS_UPDATE_H
#define NS_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "reader.h"
#include "status.h"

/* What a run did. Every file the walk yields is exactly one of new, changed,
 * unchanged or skipped. */
typedef struct ns_update_stats {
    size_t files_seen;
    size_t files_new;        /* unknown to the index, read to the end */
    size_t files_changed;    /* known, different now, read to the end */
    size_t files_unchanged;  /* same size and mtime, or same content */
    size_t files_skipped;    /* refused by the reader or failed part-way: not
                              * recorded, so the next run tries it again */
    size_t files_deleted;    /* known to the index, gone from the corpus */
    size_t articles_new;     /* of new files */
    size_t articles_changed; /* of changed files (their new articles) */
    size_t articles_deleted; /* of deleted files, those a changed file lost,
                              * and the old ones of a changed file skipped
                              * part-way (one the reader refused keeps them) */
    uint64_t bytes;          /* of the files read to the end (new, changed) */
    size_t warnings;         /* calls of opts.warn and opts.refused */
    size_t roots_failed;     /* calls of opts.root_failed */
    int merged;              /* an incremental run that grew by a merge into a
                              * new generation (update.c) */
} ns_update_stats;

/* Progress of a run, for a progress line. The counts only grow. */
typedef struct ns_update_progress {
    uint64_t bytes_done;  /* of the files read (or refused) so far */
    uint64_t bytes_total; /* of every file to read */
    uint64_t articles;    /* added so far */
    int final;            /* 1 on the last call: the reading is over */
} ns_update_progress;

/* Zero-initialise, then set what you need. Everything is borrowed for the
 * call. The callbacks may be NULL; ns_update_run calls them one at a time
 * (never two at once, though a fresh build calls them from its worker
 * threads as well as from the calling one), and their arguments are valid
 * during the call only. */
typedef struct ns_update_opts {
    const char *const *roots; /* the corpus folders (absolute paths) */
    size_t nroots;
    /* Names no longer in the corpus (absolute; may be NULL): a folder the
     * index recorded that is now reached under another name (a link to a
     * folder walked, or one inside it). Their files the walk did not yield
     * are deleted in step 4, as those under `roots` are. */
    const char *const *dropped;
    size_t ndropped;
    const char *const *exclude; /* ns_walk_opts.exclude */
    size_t nexclude;
    int follow_links_out;    /* ns_walk_opts.follow_links_out */
    uint64_t max_file_bytes; /* ns_reader_opts.max_file_bytes */
    unsigned jobs;           /* worker threads of a fresh build, or of an
                                incremental run grown by a merge (0: 1) */
    int merge;               /* an incremental run: 0 lets update.c choose
                                whether to grow by a merge, 1 always does,
                                -1 never */
    size_t batch;            /* articles a worker buffers before writing them
                                out as one part (0: 2000) */
    /* A problem in a corpus file or folder that does not stop the run:
     * the walk's and the readers' warnings (reader.h, ns_warn_fn). */
    ns_warn_fn warn;
    /* A file the reader would not open (ns_reader_open's status and error,
     * whose message names the file): skipped. */
    void (*refused)(void *ctx, const char *path, ns_status st, const ns_error *err);
    /* A corpus folder that could not be walked (ns_walk's status and error,
     * naming the folder). */
    void (*root_failed)(void *ctx, const char *root, ns_status st, const ns_error *err);
    /* Called now and then while files are read (about five times a second
     * during a fresh build), and once with final set when the reading is
     * over. */
    void (*progress)(void *ctx, const ns_update_progress *p);
    void *ctx; /* passed to every callback */
} ns_update_opts;

/* Update `ix` (open for writing, ns_index_open) from the folders of `opts`
 * and commit, as update.c describes step by step. Takes ownership of `ix`:
 * it is closed in every case, committed (ns_index_close) on success and
 * aborted (ns_index_abort) on failure, so that a failed run leaves the index
 * as the previous run left it. *stats (may be NULL) gets the counts, also
 * on failure (what was done before it, none of it committed).
 *
 * A folder that can't be walked is passed to opts.root_failed, counted in
 * stats->roots_failed, and is no failure: the other folders are walked, and
 * then an incremental run commits what it added but deletes no file (a
 * folder it could not read would look empty; so do the files under a
 * subfolder it could not read, which keep their articles), while a fresh build commits
 * nothing (the new index would lack that folder's files: a --rebuild leaves
 * the live index as it was).
 *
 * @retval NS_OK         done and committed (or, above, nothing to commit)
 * @retval NS_ERR_NOMEM  out of memory (`err` says so)
 * @retval other         what ns_index_* returned: writing the index failed
 *                       (NS_ERR_IO, NS_ERR_CORRUPT, ...); `err` names the
 *                       index and says it is unchanged */
ns_status ns_update_run(ns_index *ix, const ns_update_opts *opts, ns_update_stats *stats,
                        ns_error *err);

#endif
