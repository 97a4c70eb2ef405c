/* index.h: nsearch's index on disk: layout, schema, writing.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * An index is a folder holding a Xapian stub file `XAPIANDB` that names the
 * current generation (`auto gen-N`), the generation folders themselves, and
 * the writer's lock file. Readers open the folder with Xapian directly (it
 * follows the stub), so a rebuild can write a new generation beside the live
 * one and switch to it with one atomic rename. The schema of the documents
 * is described at the top of index.c, which writes them; record.h reads them.
 *
 * Thread-safety: an ns_index is used by one thread at a time.
 */
#ifndef NS_INDEX_H
#define NS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "reader.h"
#include "status.h"

#include "schema.h" /* NS_SCHEMA_*, NS_SLOT_*, NS_TITLE_WDF */

typedef struct ns_index ns_index;

typedef struct ns_index_opts {
    const char *lang;    /* stemming language for a new index (NULL: "english") */
    unsigned wait_ms;    /* how long to wait for another writer's lock */
    int rebuild;         /* build a fresh generation and switch at commit */
    int no_sync;         /* skip fsync (tests); default syncs at commit */
    unsigned shard_n;    /* with shard_k > 0: this index is shard n (1-based) */
    unsigned shard_k;    /*   of k; recorded in the index as "nsearch.shard" */
    unsigned part_flush; /* a fresh build's parts: articles libxapian buffers
                            before writing them out (0: its default, 10000) */
} ns_index_opts;

/* Open (creating if needed) the index folder `path` for writing and take the
 * writer lock, waiting up to opts->wait_ms. NS_ERR_LOCKED names the pid of
 * the holder; NS_ERR_VERSION if the index has another schema or language
 * than asked; NS_ERR_INVALID for an unknown opts->lang (checked before
 * anything is created) or a --shard-of that contradicts the recorded one;
 * NS_ERR_CORRUPT when an incremental run finds the live generation damaged
 * (a quick probe, not --check). A rebuild keeps the language, corpus folders
 * and shard of the index it replaces unless opts say otherwise.
 * Opening also deletes what no reader can need: the leftovers of killed
 * runs and older generations no reader pins (ns_index_pin_open).
 * Every failure message names the index; one of a write (full disk, I/O
 * error) says the index is unchanged. *out is NULL on failure. */
ns_status ns_index_open(const char *path, const ns_index_opts *opts, ns_index **out, ns_error *err);

/* Commit (switching generation for a rebuild) and close; releases the lock.
 * An incremental run is one transaction and this is its only commit. After
 * a rebuild's switch the replaced generation is deleted unless a reader
 * pins it (a later run deletes it then). Accepts NULL. On failure nothing
 * of this session's work is visible, and the previous index is intact. */
ns_status ns_index_close(ns_index *ix, ns_error *err);

/* Close without committing: discards this session's uncommitted work (and a
 * rebuild's new generation). Accepts NULL. */
void ns_index_abort(ns_index *ix);

/* Whether the article with id `id` from `relpath` (its path relative to its
 * corpus folder, so every machine computes the same) belongs in this index:
 * always for an unsharded index, else when a hash of both picks this shard. */
int ns_index_keeps(const ns_index *ix, const char *relpath, const char *id);

/* The language the index stems with; owned by ix. */
const char *ns_index_lang(const ns_index *ix);

/* Bookkeeping of one corpus file, for incremental updates. */
typedef struct ns_file_state {
    uint64_t size;
    int64_t mtime_ns;
    uint32_t crc;
    uint32_t articles;
} ns_file_state;

/* Look up what the index knows of `path`. NS_OK with *found 0 when nothing. */
ns_status ns_index_file_get(ns_index *ix, const char *path, ns_file_state *st, int *found,
                            ns_error *err);
/* Record `st` for `path`. */
ns_status ns_index_file_set(ns_index *ix, const char *path, const ns_file_state *st, ns_error *err);
/* Remove every article of `path` and its bookkeeping. */
ns_status ns_index_file_remove(ns_index *ix, const char *path, ns_error *err);
/* Call fn for every file path the index knows, in sorted order. */
ns_status ns_index_files(ns_index *ix, int (*fn)(void *ctx, const char *path), void *ctx,
                         ns_error *err);

/* Add one article. A changed file's old articles must be removed first
 * (ns_index_file_remove); its bookkeeping is set after its last article, so
 * a crash in between makes the next run redo the file. */
ns_status ns_index_add(ns_index *ix, const ns_article *a, ns_error *err);

/* Non-zero when this is a fresh build (first build or --rebuild): then
 * worker threads may each fill a part, merged in part order at close. */
int ns_index_building(const ns_index *ix);

/* A private sub-index for one worker thread of a fresh build. Parts are
 * merged in the order of `k` after the index's own additions, so giving
 * worker k the k-th slice of a sorted file list numbers articles exactly as
 * a single-threaded build would. Distinct parts may be used concurrently
 * from different threads; each part by one thread at a time.
 * NS_ERR_INVALID when the index is not building. */
typedef struct ns_index_part ns_index_part;
ns_status ns_index_part_open(ns_index *ix, unsigned k, ns_index_part **out, ns_error *err);
ns_status ns_index_part_add(ns_index_part *p, const ns_article *a, ns_error *err);
/* Flush and close the part (it stays on disk for the merge). Accepts NULL. */
ns_status ns_index_part_close(ns_index_part *p, ns_error *err);

/* Commit what was added so far (readers see it) and go on in a new
 * transaction. The indexer doesn't: a run that fails after such a commit
 * leaves part of its work (consistent: whole files with their bookkeeping,
 * when called between files), where the promise is the previous index. */
ns_status ns_index_commit(ns_index *ix, ns_error *err);

/* The corpus folders the index is built from (metadata "nsearch.roots"):
 * *roots is a malloc'd array of malloc'd paths (free each, then the array). */
ns_status ns_index_roots_get(ns_index *ix, char ***roots, size_t *n, ns_error *err);
/* Add `roots` to the recorded folders (already recorded ones are kept). */
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
 * NS_ERR_NOMEM only; *out is NULL on failure. Owned by the caller. */
ns_status ns_index_pin_open(const char *path, ns_index_pin **out, ns_error *err);
/* What to open: owned by the pin, valid until ns_index_pin_close. */
const char *ns_index_pin_path(const ns_index_pin *p);
/* Release the pin (after closing the database). Accepts NULL. */
void ns_index_pin_close(ns_index_pin *p);

/* What --stats prints; read-only, no lock taken. */
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
ns_status ns_index_info_get(const char *path, ns_index_info *info, ns_error *err);

/* Verify the index at `path` (read-only): Xapian's own consistency check of
 * the live generation, every document's record decodes, and the per-file
 * bookkeeping agrees with the documents. Each problem found is passed to
 * `report` (may be NULL) and counted in *problems. NS_OK means the check
 * ran; *problems says whether it passed. */
ns_status ns_index_verify(const char *path, void (*report)(void *ctx, const char *msg), void *ctx,
                          size_t *problems, ns_error *err);

/* ---- the file key and record format, shared with the searcher ---- */

/* Boolean term naming the file an article came from ("F" + path, or a hash
 * for long paths) into buf (>= 64 + NS_FILEKEY_MAX bytes); returns its length. */
#define NS_FILEKEY_MAX 200
size_t ns_index_file_term(const char *path, char *buf, size_t bufsize);

#endif
