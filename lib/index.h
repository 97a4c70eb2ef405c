/* index.h: nsearch's index on disk: opening it for writing, adding and
 * removing articles with their per-file bookkeeping, pinning a generation
 * for readers, --stats and --check.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * An index is a folder holding a stub file `XAPIANDB` that names the current
 * generation (`auto gen-N`), the generation folders themselves, and the
 * writer's lock file (the layout is at the top of index.c). Readers open
 * the generation the stub names (stub.h reads it, never libxapian), so a
 * rebuild can write a new generation beside the live one and switch to it
 * with one atomic rename. What a generation holds, the schema, is
 * documented in schema.h; record.h is the stored article.
 *
 * Errors: every function that can fail returns an ns_status and fills the
 * ns_error it is given (may be NULL) with a message naming the index (or
 * the article, for one Xapian refuses). A failed write's message says the
 * index is unchanged: nothing of the session is committed (see
 * ns_index_close). Statuses passed on from the Xapian binding follow
 * xcerr.h. Two sets of statuses recur below:
 *   "a read failed" (reading the writer's own database: metadata, keys):
 *     NS_ERR_IO, NS_ERR_CORRUPT, NS_ERR_NOMEM, NS_ERR_OTHER;
 *   "a write failed" (adding, deleting, committing, creating a database):
 *     NS_ERR_IO (a full disk, an I/O error, a quota, a read-only file
 *     system, permissions; NS_ERR_OTHER and a lock failure of Xapian's are
 *     reported as NS_ERR_IO), NS_ERR_CORRUPT (the index is damaged: the
 *     message says to --check, then --rebuild), NS_ERR_NOMEM, and, should
 *     the binding report one, NS_ERR_NOTFOUND, NS_ERR_VERSION,
 *     NS_ERR_INVALID or NS_ERR_MODIFIED.
 *
 * Thread-safety: an ns_index is used by one thread at a time, except for
 * its parts (ns_index_part_open). The functions without an ns_index are
 * thread-safe.
 */
#ifndef NS_INDEX_H
#define NS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "reader.h"
#include "status.h"

#include "schema.h" /* NS_SCHEMA_*, NS_SLOT_*, NS_TITLE_WDF */

/* ---- writing ---- */

typedef struct ns_index ns_index;

typedef struct ns_index_opts {
    const char *lang;    /* stemming language for a new index (NULL: "english") */
    unsigned wait_ms;    /* how long to wait for another writer's lock */
    int rebuild;         /* build a fresh generation and switch at commit */
    int no_sync;         /* skip fsync (tests); default syncs at commit */
    unsigned shard_n;    /* with shard_k > 0: this index is shard n (1-based) */
    unsigned shard_k;    /*   of k; recorded in the index (NS_META_SHARD) */
    unsigned part_flush; /* a fresh build's parts: articles libxapian buffers
                            before writing them out (0: its default, 10000) */
} ns_index_opts;

/* Open (creating if needed) the index folder `path` for writing and take the
 * writer lock (INDEX/write.lock), waiting up to opts->wait_ms. `opts` may be
 * NULL (all defaults); `path` and `opts` are borrowed. A fresh build (a new
 * index, or opts->rebuild) writes a new generation, switched to at
 * ns_index_close; an incremental run writes into the live generation in
 * one transaction. A rebuild keeps the language, corpus folders and shard
 * of the index it replaces unless opts say otherwise (the folders: unless
 * ns_index_roots_set records others; when the live generation is unknown,
 * those of the newest generation that reads). Opening also deletes what no
 * reader can need, of what nsearch made (index.c, "Only what nsearch
 * made"): the leftovers of killed runs and older generations no reader pins
 * (ns_index_pin_open); nothing while the live generation is unknown (a
 * damaged or lost XAPIANDB).
 *
 * On success *out is owned by the caller, who ends the session with
 * ns_index_close or ns_index_abort; on failure *out is NULL, nothing was
 * committed, and the message names the index:
 * @retval NS_ERR_INVALID   an unknown opts->lang (checked before anything is
 *                          created) or an unknown language recorded in the
 *                          index; opts->shard_n/shard_k contradicting the
 *                          recorded shard, or a shard asked of an unsharded
 *                          index without opts->rebuild
 * @retval NS_ERR_LOCKED    another writer holds the lock (the message names
 *                          its pid), or holds Xapian's own lock
 * @retval NS_ERR_VERSION   a schema this code doesn't write (the message
 *                          says to --rebuild), opts->lang other than the
 *                          recorded language without opts->rebuild, or a
 *                          folder holding a Xapian database nsearch did not
 *                          make
 * @retval NS_ERR_CORRUPT   an incremental run found the live generation
 *                          damaged (a quick probe, not --check), or opening
 *                          it for writing did, or found XAPIANDB damaged (or
 *                          missing beside generations that were live):
 *                          nothing was deleted; opts->rebuild builds anew
 * @retval NS_ERR_IO        the folder, its build folder, the lock file or
 *                          INDEX/nsearch.pending can't be created
 * @retval NS_ERR_NOTFOUND  the lock file can't be opened (a folder gone
 *                          meanwhile)
 * @retval NS_ERR_NOMEM     out of memory
 * @retval NS_ERR_OTHER     a read failed (the binding)
 *         and every status of "a write failed", opening the generation for
 *         writing or starting the run's transaction */
ns_status ns_index_open(const char *path, const ns_index_opts *opts, ns_index **out, ns_error *err);

/* Commit and close, switching the stub to the new generation for a fresh
 * build (after merging its parts and syncing them unless opts->no_sync); an
 * incremental run is one transaction and this is its only commit. After a
 * switch the replaced generation is deleted unless a reader pins it (a
 * later run deletes it then). Releases the lock and frees `ix`, whatever
 * the status. Accepts NULL (NS_OK). On failure nothing of this session's
 * work is visible and the previous index is intact (a fresh build's new
 * generation is deleted):
 * @retval NS_ERR_IO        the build folder can't be read, or syncing the
 *                          new generation, creating its readers' lock file
 *                          or writing the new stub failed
 * @retval NS_ERR_NOMEM     out of memory while merging
 *         and every status of "a write failed", committing or merging the
 *         parts */
ns_status ns_index_close(ns_index *ix, ns_error *err);

/* Close without committing: discards this session's work (a fresh
 * build's new generation; what an incremental run wrote into the live
 * generation, whose table files are cut back to their sizes before the run:
 * index.c, "A failed in-place run"), releases the lock and frees `ix`.
 * Accepts NULL. */
void ns_index_abort(ns_index *ix);

/* For the program's fatal handler (ns_backend_set_fatal_handler), when
 * libxapian ends the process from inside an in-place run's commit: gives
 * back what the run wrote into the live generation, as ns_index_abort does,
 * when nothing was committed. The caller must then end the process without
 * touching the index. Does nothing when no in-place run is open; safe to
 * call from any thread (the one in-place run of the process: the last
 * opened). */
void ns_index_fatal_cleanup(void);

/* Whether the article with id `id` from `relpath` (its path relative to its
 * corpus folder, so every machine computes the same) belongs in this index:
 * always for an unsharded index, else when a hash of both picks this shard.
 * Pure; never fails. */
int ns_index_keeps(const ns_index *ix, const char *relpath, const char *id);

/* The language the index stems with (canonical name, analyzer.h); owned by
 * ix, valid until it is closed. */
const char *ns_index_lang(const ns_index *ix);

/* Bookkeeping of one corpus file, for incremental updates (its layout in
 * the index: schema.h). */
typedef struct ns_file_state {
    uint64_t size;
    int64_t mtime_ns;
    uint32_t crc;
    uint32_t articles;
} ns_file_state;

/* Look up what the index knows of `path` (borrowed) into *st: *found is 1
 * when there is readable bookkeeping, else 0 with *st zeroed (NS_OK).
 * @retval NS_ERR_IO, NS_ERR_CORRUPT, NS_ERR_NOMEM, NS_ERR_OTHER
 *                          a read failed */
ns_status ns_index_file_get(ns_index *ix, const char *path, ns_file_state *st, int *found,
                            ns_error *err);
/* Record `st` for `path` (both borrowed).
 * @retval NS_ERR_NOMEM     out of memory
 *         and every status of "a write failed" */
ns_status ns_index_file_set(ns_index *ix, const char *path, const ns_file_state *st, ns_error *err);
/* Remove every article of `path` (borrowed) and its bookkeeping.
 * Statuses: those of "a write failed". */
ns_status ns_index_file_remove(ns_index *ix, const char *path, ns_error *err);
/* Call fn for every file path the index has bookkeeping for (uncommitted
 * changes of this session included), in the byte order of their file terms
 * (ns_index_file_term: a path too long for its term comes where its hash
 * sorts). The path passed is valid during the call only; fn may change the
 * index (the keys are collected first); a non-zero return stops the walk
 * (NS_OK).
 * @retval NS_ERR_NOMEM     out of memory
 * @retval NS_ERR_IO, NS_ERR_CORRUPT, NS_ERR_MODIFIED, NS_ERR_OTHER
 *                          a read failed */
ns_status ns_index_files(ns_index *ix, int (*fn)(void *ctx, const char *path), void *ctx,
                         ns_error *err);

/* Add one article (borrowed; copied into the index as schema.h says). A
 * changed file's old articles must be removed first (ns_index_file_remove);
 * its bookkeeping is set after its last article, so a crash in between
 * makes the next run redo the file.
 * @retval NS_ERR_INVALID   Xapian refused something of the article (a term
 *                          too long): the message names "PATH:LINE"
 * @retval NS_ERR_NOMEM     out of memory
 *         and every status of "a write failed" */
ns_status ns_index_add(ns_index *ix, const ns_article *a, ns_error *err);

/* ns_index_add in two halves, for an incremental run that analyzes on one
 * thread while it writes on another: ns_index_build turns an article into
 * a document (the analysis, most of an addition's work) with a builder of
 * the calling thread's own, and ns_index_add_built adds it to the index,
 * from the one thread that writes. The same document ns_index_add makes,
 * added the same way: its rules hold (remove a changed file's old articles
 * first, set its bookkeeping after the last one).
 * A builder is for an incremental run only (NS_ERR_INVALID while the
 * index is building: its common words may not be known yet); it borrows
 * the index's words and dictionary, which do not change in such a run.
 * @retval NS_ERR_NOMEM     out of memory (*out NULL)
 * @retval NS_ERR_INVALID, NS_ERR_OTHER
 *                          libxapian refused a term or value (the message
 *                          names the article's file and line) */
typedef struct ns_index_builder ns_index_builder;
typedef struct ns_index_built ns_index_built;
ns_status ns_index_builder_open(ns_index *ix, ns_index_builder **out, ns_error *err);
/* Accepts NULL. */
void ns_index_builder_close(ns_index_builder *b);
ns_status ns_index_build(ns_index_builder *b, const ns_article *a, ns_index_built **out,
                         ns_error *err);
/* Add d and free it (whatever the status); statuses as ns_index_add. */
ns_status ns_index_add_built(ns_index *ix, ns_index_built *d, ns_error *err);
/* Free a document built and not added. Accepts NULL. */
void ns_index_built_free(ns_index_built *d);

/* Non-zero when this is a fresh build (first build or --rebuild) or an
 * incremental run grown by a merge (ns_index_grow): then worker threads may
 * each fill a part, merged in part order. */
int ns_index_building(const ns_index *ix);

/* A fresh build learns its common words (schema.h, NS_META_PAIRS; index.c,
 * "Word pairs") from a sample of its articles. Its caller may give that
 * sample before adding any article: ns_index_sample each (copied, not
 * added: the caller adds every article as usual), then
 * ns_index_sample_done, which learns the words. Without a sample, the
 * first PAIR_SAMPLE articles added are the sample. ns_index_wants_sample:
 * whether a sample is still wanted (a fresh build that has added nothing).
 * Not thread-safe: call them before the parts are opened.
 * @retval NS_ERR_NOMEM
 * @retval NS_ERR_INVALID  articles were added already (nothing sampled) */
int ns_index_wants_sample(const ns_index *ix);
ns_status ns_index_sample(ns_index *ix, const ns_article *a, ns_error *err);
ns_status ns_index_sample_done(ns_index *ix, ns_error *err);

/* A private sub-index for one worker thread of a fresh build, written to
 * INDEX/build-N/part-K. Parts are merged in the order of `k` after the
 * index's own additions, so giving worker k the k-th slice of a sorted file
 * list numbers articles exactly as a single-threaded build would. Distinct
 * parts may be used concurrently from different threads; each part by one
 * thread at a time, and `ix` only for ns_index_part_* meanwhile. On success
 * *out is owned by the caller, who closes it (ns_index_part_close) before
 * closing `ix`; on failure it is NULL.
 * @retval NS_ERR_INVALID   `ix` is not building
 * @retval NS_ERR_NOMEM     out of memory
 *         and every status of "a write failed", creating the part */
typedef struct ns_index_part ns_index_part;
ns_status ns_index_part_open(ns_index *ix, unsigned k, ns_index_part **out, ns_error *err);
/* Add one article to the part; statuses as ns_index_add. */
ns_status ns_index_part_add(ns_index_part *p, const ns_article *a, ns_error *err);
/* Flush and close the part (it stays on disk for the merge) and free `p`,
 * whatever the status. Accepts NULL (NS_OK). Statuses: those of "a write
 * failed". */
ns_status ns_index_part_close(ns_index_part *p, ns_error *err);

/* Grow an incremental run's index by a merge instead of writing into the
 * live generation: for a large addition, which then runs on every core like
 * a fresh build. Call ns_index_grow before writing anything (the run's
 * transaction is dropped); then worker threads fill parts (ns_index_part_*,
 * the articles of the new and changed files); ns_index_grow_merge merges
 * the live generation and the parts, in that order, into a new generation
 * (INDEX/gen-(N+1)), which every later call writes to: the bookkeeping
 * (ns_index_file_set), and the removal of files vanished or replaced
 * (ns_index_file_remove, which then removes only the articles that came
 * from the live generation: the new ones of a changed file stay). Readers
 * see none of it until ns_index_close switches to the new generation, as
 * after a rebuild; a failure or a kill before leaves the live one.
 * @retval NS_ERR_INVALID   not an incremental run, or grown already
 * @retval NS_ERR_IO        the build folder can't be created
 *         and every status of "a write failed" (closing the live
 *         generation's writer; merging) or of opening it read-only */
ns_status ns_index_grow(ns_index *ix, ns_error *err);
ns_status ns_index_grow_merge(ns_index *ix, ns_error *err);

/* Commit what was added so far (readers see it) and go on in a new
 * transaction. The indexer doesn't: a run that fails after such a commit
 * leaves part of its work (consistent: whole files with their bookkeeping,
 * when called between files), where the promise is the previous index.
 * Statuses: those of "a write failed". */
ns_status ns_index_commit(ns_index *ix, ns_error *err);

/* The corpus folders the index is built from (NS_META_ROOTS): *roots is a
 * malloc'd array of *n malloc'd paths, NULL-terminated, owned by the caller
 * (free each, then the array); NULL and 0 on failure. A rebuild that was
 * given no folder records those of the index it replaced here.
 * @retval NS_ERR_NOMEM     out of memory
 * @retval NS_ERR_IO, NS_ERR_CORRUPT, NS_ERR_OTHER  a read (or the rebuild's
 *                          write) failed, as the binding reports it */
ns_status ns_index_roots_get(ns_index *ix, char ***roots, size_t *n, ns_error *err);
/* Record exactly `roots` (borrowed) as the corpus folders, in that order,
 * a name given twice once; those recorded before are replaced (the caller
 * merges them in when it adds folders: nsearch-index's roots.c).
 * @retval NS_ERR_NOMEM     out of memory
 * @retval NS_ERR_IO, NS_ERR_CORRUPT, NS_ERR_OTHER  the write failed, as
 *                          the binding reports it */
ns_status ns_index_roots_set(ns_index *ix, const char *const *roots, size_t n, ns_error *err);

/* ---- readers: pinning a generation ----
 *
 * A reader that opens the index folder holds a shared flock() on the
 * generation it reads (INDEX/gen-N.readers) for as long as it has it open;
 * the writer deletes a replaced generation only when it can lock that file
 * exclusively without waiting, so a query or `nsearch --serve` never sees
 * its files vanish. Open ns_index_pin_path() (the generation's folder) with
 * Xapian instead of the index folder, keep the pin until the database
 * handle is closed, and to follow a rebuild take a new pin before dropping
 * the old one. Works on read-only media (the lock is taken on a read-only
 * descriptor). */
typedef struct ns_index_pin ns_index_pin;
/* Pin the live generation of index folder `path`. A folder without
 * generations (a plain Xapian database, a stub of shards) or one made
 * before pins existed gives an unpinned pin whose path is `path` itself.
 * It can wait while a writer deletes a replaced generation (the only time
 * a readers' lock is held exclusively). On success *out is owned by the caller
 * (ns_index_pin_close); NULL on failure.
 * @retval NS_ERR_NOMEM     out of memory (the only failure) */
ns_status ns_index_pin_open(const char *path, ns_index_pin **out, ns_error *err);
/* What to open: owned by the pin, valid until ns_index_pin_close. */
const char *ns_index_pin_path(const ns_index_pin *p);
/* Release the pin (after closing the database). Accepts NULL. */
void ns_index_pin_close(ns_index_pin *p);

/* Has the index folder `path` lost its XAPIANDB: none there, beside a
 * generation that went live (its folder and its readers' lock) that no run
 * is making (nsearch.pending)? Then which generation is live is unknown:
 * the index is damaged, not missing (an update refuses it, a reader
 * reports it so, advice.h). 1 with *gen set to that generation's number,
 * else 0 (*gen 0). Reads the folder only; thread-safe. */
int ns_index_stub_lost(const char *path, unsigned *gen);

/* What --stats prints. */
typedef struct ns_index_info {
    unsigned schema;
    unsigned generation;
    char lang[64];
    uint32_t articles;
    uint32_t files;
    uint32_t terms;      /* distinct unprefixed terms */
    double avg_length;   /* terms per article */
    uint64_t disk_bytes; /* of the live generation */
    char roots[1024];    /* corpus folders, newline-separated (maybe cut) */
} ns_index_info;
/* Read what --stats prints of the index at `path` into *info, read-only
 * (no lock taken, no pin: a rebuild switching meanwhile can fail it),
 * through ns_schema_open.
 * @retval NS_ERR_NOTFOUND, NS_ERR_CORRUPT, NS_ERR_INVALID, NS_ERR_VERSION,
 *         NS_ERR_IO, NS_ERR_MODIFIED, NS_ERR_NOMEM, NS_ERR_OTHER
 *                          as ns_schema_open, or reading the counts failed */
ns_status ns_index_info_get(const char *path, ns_index_info *info, ns_error *err);

/* Verify the index at `path` (read-only, no lock taken): Xapian's own
 * consistency check of the live generation (or, on a read-only medium,
 * every entry read through the read-only API), then, in a schema this code
 * reads (ns_schema_open), every document's record decodes and the per-file
 * bookkeeping agrees with the documents. Each problem found is passed to
 * `report` (may be NULL; the message is valid during the call) and counted
 * in *problems; damage that stops the check is one such problem. NS_OK
 * means the check ran; *problems says whether it passed.
 * @retval NS_ERR_NOTFOUND, NS_ERR_INVALID, NS_ERR_VERSION, NS_ERR_IO,
 *         NS_ERR_MODIFIED, NS_ERR_NOMEM, NS_ERR_OTHER
 *                          the check could not run: no index there, not a
 *                          folder, a Xapian format or a schema this code
 *                          can't read (problems Xapian's check found before
 *                          that were reported), or reading failed
 * @retval NS_ERR_CORRUPT   a damaged XAPIANDB (ns_schema_open) */
ns_status ns_index_verify(const char *path, void (*report)(void *ctx, const char *msg), void *ctx,
                          size_t *problems, ns_error *err);

/* ---- the file term, shared with the tests ---- */

/* The unique id term of article `id` of file `path` (schema.h, NS_PREFIX_ID)
 * into buf: its length (always 17; bufsize must be at least 18). */
size_t ns_index_id_term(const char *path, const char *id, char *buf, size_t bufsize);

/* The boolean term naming the file an article came from (NS_PREFIX_FILE and
 * the path, or a hash for paths longer than NS_FILEKEY_MAX bytes: schema.h)
 * into buf (bufsize >= 64 + NS_FILEKEY_MAX bytes), NUL-terminated; returns
 * its length. Pure; thread-safe. */
#define NS_FILEKEY_MAX 200
size_t ns_index_file_term(const char *path, char *buf, size_t bufsize);

#endif
