/* xapian-c.h: a thin, general C binding over libxapian (1.4).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Conventions
 * -----------
 * - Every handle is opaque. Each constructor (`_open`, `_new`) has exactly one
 *   destructor (`_close`, `_free`), and every destructor accepts NULL.
 * - Every function that can fail returns an xc_status. Results come back
 *   through out-parameters, which are set to NULL (or 0) on failure.
 * - No C++ exception ever crosses into C: each Xapian::Error subclass is mapped
 *   to a status below, std::bad_alloc to XC_ERR_NOMEM, anything else to
 *   XC_ERR_OTHER.
 * - The message of the most recent failure is kept per thread and read with
 *   xc_errmsg(); it keeps Xapian's own text, prefixed by the Xapian error
 *   class name and followed by the failing function and path:
 *     "DatabaseLockError: Unable to get write lock on /x: already locked
 *      (xc_writable_open /x, waited 300 ms)".
 *   Failures the binding detects itself use the class name "xapian-c".
 *   Successful calls do not clear it.
 * - Every xc_status function also returns XC_ERR_INVALID for a NULL handle
 *   or a NULL required pointer, and for an enum argument outside its
 *   enumerators; the comments below name the other statuses worth handling.
 *   A NULL pointer with length 0 is accepted as the empty string.
 * - Byte strings (terms, values, data, metadata) travel as pointer + size_t
 *   length and are never assumed to be NUL-terminated. Paths are C strings.
 * - Arguments are borrowed for the duration of the call. Queries are values:
 *   combining queries copies them (Xapian queries are reference counted), so
 *   the caller still owns and must free every query it created.
 * - Thread-safety: like libxapian, a handle may be used by one thread at a
 *   time; different handles may be used from different threads concurrently.
 *   Objects obtained from one another (a document from a database, an
 *   enquire on a database, an mset from an enquire) share libxapian state,
 *   so use them from the thread that uses their parent. Functions without
 *   a handle argument are thread-safe. xc_errmsg() is thread-local.
 * - Callbacks receive pointers valid only for the duration of the call, and
 *   must not call back into the handle being iterated.
 */
#ifndef XAPIAN_C_H
#define XAPIAN_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- status */

typedef enum xc_status {
    XC_OK = 0,
    XC_ERR_LOCKED,   /* a writer holds the lock (DatabaseLockError) */
    XC_ERR_MODIFIED, /* changed underneath: reopen and retry (DatabaseModifiedError) */
    XC_ERR_CORRUPT,  /* database corrupt (DatabaseCorruptError) */
    XC_ERR_NOTFOUND, /* no such database / cannot open / no such document */
    XC_ERR_VERSION,  /* unsupported database format (DatabaseVersionError) */
    XC_ERR_NETWORK,  /* remote backend: connection failed or timed out
                        (NetworkError, NetworkTimeoutError) */
    XC_ERR_INVALID,  /* bad argument or operation (Invalid*Error, RangeError,
                        UnimplementedError, WildcardError, DatabaseClosedError) */
    XC_ERR_NOMEM,    /* out of memory (std::bad_alloc) */
    XC_ERR_IO,       /* other database-level error: disk full, I/O error, a
                        directory that can't be created (DatabaseCreateError) */
    XC_ERR_OTHER     /* anything else (e.g. FeatureUnavailableError) */
} xc_status;

/* Short constant name of a status ("ok", "locked", "corrupt", ...;
 * "unknown" for a value outside the enum). Never NULL; static storage.
 * Thread-safe. */
const char *xc_status_name(xc_status s);

/* Message of the most recent failed xc_ call in this thread, or "" if none.
 * Never NULL. Owned by the library; valid until the next failing xc_ call in
 * the same thread. */
const char *xc_errmsg(void);

/* The libxapian version string, e.g. "1.4.22". Static storage. */
const char *xc_version(void);

/* Free memory returned by this library through a `char **` out-parameter
 * (metadata values, descriptions). Accepts NULL. Thread-safe. */
void xc_free(void *p);

typedef uint32_t xc_docid;
typedef uint32_t xc_termpos;
typedef unsigned xc_valueno;

/* ------------------------------------------------------------- documents */

typedef struct xc_document xc_document;

/* Create an empty document; the caller owns *out (xc_document_free).
 * XC_ERR_NOMEM. */
xc_status xc_document_new(xc_document **out);
/* Free a document (accepts NULL); pointers it returned become invalid. */
void xc_document_free(xc_document *doc);

/* Add `term` at position `pos`, increasing its wdf by `wdfinc`.
 * For these three: an empty term is XC_ERR_INVALID; a term longer than
 * libxapian's limit (245 bytes for glass) is only refused when the document
 * is added (XC_ERR_INVALID from xc_writable_add_document). */
xc_status xc_document_add_posting(xc_document *doc, const char *term, size_t len, xc_termpos pos,
                                  unsigned wdfinc);
/* Add `term` without positional information, increasing wdf by `wdfinc`. */
xc_status xc_document_add_term(xc_document *doc, const char *term, size_t len, unsigned wdfinc);
/* Add a boolean (filter) term: no positions, wdf 0. */
xc_status xc_document_add_boolean_term(xc_document *doc, const char *term, size_t len);
/* Set value slot `slot` (an empty value removes it). */
xc_status xc_document_set_value(xc_document *doc, xc_valueno slot, const char *val, size_t len);
/* Read value slot `slot`; *len is 0 for an unset slot. *val is owned by the
 * document and valid until the next xc_document_get_value on it or its
 * free (a get_data call leaves it alone). For a document read from a
 * database the value is fetched lazily: XC_ERR_MODIFIED, XC_ERR_NETWORK. */
xc_status xc_document_get_value(xc_document *doc, xc_valueno slot, const char **val, size_t *len);
/* Set the opaque data blob. */
xc_status xc_document_set_data(xc_document *doc, const char *data, size_t len);
/* Read the data blob; owned by the document, valid until the next
 * xc_document_get_data on it or its free. For a document read from a
 * database this fetches the data lazily, so it can fail with
 * XC_ERR_MODIFIED / XC_ERR_NETWORK. */
xc_status xc_document_get_data(xc_document *doc, const char **data, size_t *len);
/* The document id (0 for a document not read from a database, or NULL). */
xc_docid xc_document_docid(const xc_document *doc);
/* Call `fn` for each term of the document in sorted (byte) order, with its
 * wdf (0 for boolean terms). Stops early and returns XC_OK when `fn`
 * returns non-zero. XC_ERR_MODIFIED / XC_ERR_NETWORK as for get_data. */
xc_status xc_document_terms(xc_document *doc,
                            int (*fn)(void *ctx, const char *term, size_t len, unsigned wdf),
                            void *ctx);

/* ---------------------------------------------------- read-only databases */

typedef struct xc_database xc_database;

/* Open a database read-only; the caller owns *out (xc_database_close).
 * `path` may be a database directory, a single-file database, or a stub
 * file listing shards one per line (`auto PATH`, `glass PATH`,
 * `remote HOST:PORT`, `remote :PROGRAM ARGS`; `#` starts a comment;
 * relative paths are relative to the stub's directory), as libxapian reads
 * them. XC_ERR_NOTFOUND (also for an empty directory or a bad stub line),
 * XC_ERR_VERSION, XC_ERR_CORRUPT, XC_ERR_NETWORK, XC_ERR_NOMEM; XC_ERR_OTHER
 * for a backend this libxapian lacks (a flint database:
 * FeatureUnavailableError). */
xc_status xc_database_open(const char *path, xc_database **out);

/* Open the glass database in the directory `path` read-only, and nothing
 * else: no stub file is read (a stub can name a program to run, `remote
 * :PROGRAM`), so this is the open for paths that come from untrusted
 * places. Statuses as xc_database_open; XC_ERR_NOTFOUND when `path` holds no
 * glass database. */
xc_status xc_database_open_glass(const char *path, xc_database **out);
/* Open a remote shard served by `xapian-tcpsrv` at host:port (1-65535);
 * the caller owns *out. `timeout_ms` bounds each remote operation,
 * `connect_timeout_ms` the connection (0 means libxapian's default of
 * 10 s for either). XC_ERR_NETWORK, including later calls on the handle
 * once the server has gone away. */
xc_status xc_database_open_remote(const char *host, unsigned port, unsigned timeout_ms,
                                  unsigned connect_timeout_ms, xc_database **out);
/* A database with no shards (doccount 0), to which shards are added with
 * xc_database_add_shard(): the result searches them all at once, docids
 * interleaved as libxapian does (shard i of n's document d is
 * (d - 1) * n + i + 1). The caller owns *out. */
xc_status xc_database_new_combined(xc_database **out);
/* Add every shard of `shard` to `db`. `shard` stays owned by the caller and
 * may be closed at once: `db` keeps its own reference. XC_ERR_INVALID when
 * `shard` is `db`. */
xc_status xc_database_add_shard(xc_database *db, const xc_database *shard);
/* Close a database handle (accepts NULL). */
void xc_database_close(xc_database *db);

/* Bring the handle up to the latest committed revision. *changed (may be
 * NULL) is set to 1 when it moved. This is the answer to XC_ERR_MODIFIED
 * from any read: reopen, then retry. XC_ERR_CORRUPT, XC_ERR_NETWORK. */
xc_status xc_database_reopen(xc_database *db, int *changed);
/* Statistics of the revision the handle is at. Like every read, these can
 * fail with XC_ERR_MODIFIED (reopen and retry), XC_ERR_CORRUPT,
 * XC_ERR_NETWORK. */
xc_status xc_database_doccount(xc_database *db, uint32_t *out);
xc_status xc_database_lastdocid(xc_database *db, xc_docid *out);
/* Average document length (in wdf units). */
xc_status xc_database_avlength(xc_database *db, double *out);
/* Number of documents indexed by `term` (0 when absent). */
xc_status xc_database_termfreq(xc_database *db, const char *term, size_t len, uint32_t *out);
/* Call `fn` for each document indexed by `term`, in docid order, with the
 * term's wdf in it (the posting list). Stops early (XC_OK) when `fn`
 * returns non-zero. Statuses as xc_database_termfreq; XC_ERR_NOMEM. */
xc_status xc_database_postlist(xc_database *db, const char *term, size_t len,
                               int (*fn)(void *ctx, xc_docid docid, uint32_t wdf), void *ctx);
/* Total wdf of `term` over the collection. */
xc_status xc_database_collfreq(xc_database *db, const char *term, size_t len, uint32_t *out);
/* Docid of the first document indexed by `term` (non-empty); XC_ERR_NOTFOUND
 * if none. */
xc_status xc_database_find_term(xc_database *db, const char *term, size_t len, xc_docid *out);
/* Read a user metadata entry: *val is malloc'd (free with xc_free; a NUL
 * follows the *len bytes for convenience), NULL with *len 0 when the key is
 * unset (still XC_OK). An empty key is XC_ERR_INVALID. */
xc_status xc_database_get_metadata(xc_database *db, const char *key, size_t keylen, char **val,
                                   size_t *len);
/* Fetch document `docid`. The caller owns *out (xc_document_free); it reads
 * from `db` lazily, so close it before `db`. XC_ERR_NOTFOUND if there is no
 * such document, XC_ERR_INVALID for docid 0. */
xc_status xc_database_get_document(xc_database *db, xc_docid docid, xc_document **out);
/* Call `fn` for each term beginning with `prefix` (len may be 0) in sorted
 * order, with its term frequency. Stops early (XC_OK) when `fn` returns
 * non-zero. */
xc_status xc_database_allterms(xc_database *db, const char *prefix, size_t prefixlen,
                               int (*fn)(void *ctx, const char *term, size_t len, uint32_t tf),
                               void *ctx);

/* Call `fn` for each user metadata key beginning with `prefix` (len may be
 * 0), in sorted order. Stops early when `fn` returns non-zero. Local and
 * remote databases list their own keys; a database combined from several
 * lists its first one's only (libxapian 1.4), and one that can't list them
 * gives XC_ERR_INVALID.
 * Statuses: XC_ERR_INVALID, XC_ERR_MODIFIED, XC_ERR_CORRUPT, XC_ERR_NOMEM. */
xc_status xc_database_metadata_keys(xc_database *db, const char *prefix, size_t prefixlen,
                                    int (*fn)(void *ctx, const char *key, size_t len), void *ctx);

/* Check the database at `path` for consistency (Xapian::Database::check),
 * printing nothing. *errors gets the number of problems found; the first
 * problems are described in xc_errmsg() when *errors > 0 (the status is
 * still XC_OK). Damage that stops the check (a B-tree block that can't be
 * parsed) is XC_ERR_CORRUPT with *errors 0; XC_ERR_NOTFOUND, XC_ERR_VERSION.
 * Note: libxapian 1.4.22's check() deletes an object through a base
 * pointer without a virtual destructor; AddressSanitizer reports that
 * (inside libxapian) as new-delete-type-mismatch and aborts unless
 * ASAN_OPTIONS contains new_delete_type_mismatch=0. It is harmless. */
xc_status xc_database_check(const char *path, size_t *errors);

/* A quick structural probe of an open local database, far cheaper than
 * xc_database_check: reads the root and the first and last leaves of the
 * posting table (terms, metadata, document lengths), and the term list and
 * data of the last document. It finds a table file cut short (the blocks
 * written last are the first lost) but not damage in the middle of a table.
 * XC_OK when every read succeeds; XC_ERR_CORRUPT or XC_ERR_IO (libxapian's
 * "EOF reading block") otherwise, with the message in xc_errmsg(). */
xc_status xc_database_probe(xc_database *db);

/* Read every entry of an open local database through the read-only API:
 * every term's posting list and frequencies, every document's term list,
 * values and data, every metadata entry. For media where
 * xc_database_check can't run (libxapian 1.4 opens the tables read/write
 * for it): it finds what can't be read or decoded, not broken B-tree
 * invariants. XC_OK when all of it reads; XC_ERR_CORRUPT, XC_ERR_IO,
 * XC_ERR_NOMEM otherwise. */
xc_status xc_database_scan(xc_database *db);

/* libxapian 1.4.22 can call std::terminate while it handles a failed write
 * during a commit (a bare `throw;` outside any handler, reached when a
 * pwrite fails at one point of GlassTable's commit): no status can be
 * returned then. `fn` (NULL: restore the default, abort) is called from the
 * C++ terminate handler with a description; it should report and _exit, and
 * if it returns the process aborts. Process-wide; set it once at start. */
void xc_set_fatal_handler(void (*fn)(const char *what));

/* Compaction flags. */
enum {
    XC_COMPACT_FULLER = 1,      /* pack blocks fuller (less updatable, smaller) */
    XC_COMPACT_MULTIPASS = 2,   /* merge postlists in several passes when many sources */
    XC_COMPACT_SINGLE_FILE = 4, /* produce a single-file database */
    XC_COMPACT_NO_RENUMBER = 8  /* keep docids (sources must not overlap) */
};
/* Merge the databases at `sources[0..n)` (n >= 1; stubs allowed) into a new
 * database at `dest` (which must not exist or be empty), printing nothing.
 * Docids are renumbered source by source unless XC_COMPACT_NO_RENUMBER,
 * which needs disjoint docid ranges (else XC_ERR_INVALID). XC_ERR_INVALID
 * for unknown flags, XC_ERR_NOTFOUND for a missing source, XC_ERR_IO,
 * XC_ERR_CORRUPT, XC_ERR_VERSION. */
xc_status xc_compact(const char *const *sources, size_t n, const char *dest, unsigned flags);

/* ----------------------------------------------------- writable databases */

typedef struct xc_writable xc_writable;

typedef enum xc_open_mode {
    XC_OPEN_CREATE_OR_OPEN = 0, /* open, or create if missing */
    XC_OPEN_CREATE,             /* create; XC_ERR_INVALID if it exists */
    XC_OPEN_OVERWRITE,          /* create, replacing an existing database */
    XC_OPEN_OPEN                /* open; XC_ERR_NOTFOUND if missing */
} xc_open_mode;

enum {
    XC_WRITABLE_NO_SYNC = 1,    /* don't fsync on commit (bulk builds; sync once yourself) */
    XC_WRITABLE_FULL_SYNC = 2,  /* fsync harder where the OS allows */
    XC_WRITABLE_SINGLE_FILE = 4 /* reserved: libxapian 1.4 can't write single-file
                                   databases, so passing it is XC_ERR_INVALID */
};

/* Open a database for writing (new databases are glass); the caller owns
 * *out (xc_writable_close or xc_writable_close_checked). If another writer
 * holds the lock (another process, or another handle in this one), retry
 * for up to `wait_ms` milliseconds (0: fail at once), sleeping in between,
 * before XC_ERR_LOCKED; the message then names the lock and the wait.
 * XC_ERR_INVALID (XC_OPEN_CREATE on an existing database, unknown mode or
 * flags), XC_ERR_NOTFOUND (XC_OPEN_OPEN on a missing one), XC_ERR_IO (the
 * directory can't be created: libxapian creates only the last component;
 * the lock file can't be created, e.g. an unwritable folder: not retried),
 * XC_ERR_VERSION, XC_ERR_CORRUPT. */
xc_status xc_writable_open(const char *path, xc_open_mode mode, unsigned flags, unsigned wait_ms,
                           xc_writable **out);
/* As xc_writable_open, with libxapian's flush threshold set for this handle:
 * after `flush_threshold` changed documents libxapian writes its buffered
 * postings out (0: its default, 10000, or $XAPIAN_FLUSH_THRESHOLD). Outside
 * a transaction such a flush is also a commit, which readers see and a crash
 * returns to; inside one (xc_writable_begin_transaction) it only bounds
 * memory, and nothing is committed before xc_writable_commit_transaction.
 * libxapian 1.4 reads the threshold from the environment when the database
 * opens and has no other way to take it: the binding sets
 * XAPIAN_FLUSH_THRESHOLD for the duration of the open, under a lock shared
 * by every open of the binding, and puts the previous value back. Opens
 * from several threads are safe; another thread reading the environment at
 * that moment may see the temporary value. Statuses as xc_writable_open. */
xc_status xc_writable_open_flush(const char *path, xc_open_mode mode, unsigned flags,
                                 unsigned wait_ms, unsigned flush_threshold, xc_writable **out);
/* Close the database and release its lock. libxapian commits pending
 * changes on close unless a transaction is open, whose changes are
 * discarded; a failure of that commit is lost (see _close_checked).
 * Handles from xc_writable_database() then fail with XC_ERR_INVALID
 * (DatabaseClosedError) but must still be closed. Accepts NULL. */
void xc_writable_close(xc_writable *w);
/* Close and report failure of the final commit (xc_writable_close can't):
 * XC_ERR_IO and friends. Frees `w` in every case; XC_OK for NULL. */
xc_status xc_writable_close_checked(xc_writable *w);

/* Make pending changes durable and visible to readers. XC_ERR_IO. */
xc_status xc_writable_commit(xc_writable *w);
/* Start a transaction; `flushed` non-zero makes commit_transaction commit
 * it to disk atomically. XC_ERR_INVALID if one is already open. */
xc_status xc_writable_begin_transaction(xc_writable *w, int flushed);
/* End the open transaction, keeping / discarding its changes.
 * XC_ERR_INVALID if none is open. */
xc_status xc_writable_commit_transaction(xc_writable *w);
xc_status xc_writable_cancel_transaction(xc_writable *w);

/* Set a user metadata entry; an empty value deletes it, an empty key is
 * XC_ERR_INVALID. */
xc_status xc_writable_set_metadata(xc_writable *w, const char *key, size_t keylen, const char *val,
                                   size_t len);
/* As xc_database_get_metadata. */
xc_status xc_writable_get_metadata(xc_writable *w, const char *key, size_t keylen, char **val,
                                   size_t *len);
/* Number of documents, pending changes included. */
xc_status xc_writable_doccount(xc_writable *w, uint32_t *out);

/* Add a copy of `doc` (still owned by the caller); *docid (may be NULL)
 * gets its new docid. XC_ERR_INVALID for a term that is too long. */
xc_status xc_writable_add_document(xc_writable *w, const xc_document *doc, xc_docid *docid);
/* Replace the document indexed by the unique term (or add it when none is);
 * *docid (may be NULL) gets its docid. `doc` should contain `term` itself
 * for the next replace to find it. Every other document indexed by `term`
 * is deleted. */
xc_status xc_writable_replace_by_term(xc_writable *w, const char *term, size_t len,
                                      const xc_document *doc, xc_docid *docid);
/* Replace document `docid`; a docid not in use is added with that id. */
xc_status xc_writable_replace_document(xc_writable *w, xc_docid docid, const xc_document *doc);
/* Delete every document indexed by `term` (no error if there is none). */
xc_status xc_writable_delete_by_term(xc_writable *w, const char *term, size_t len);
/* Delete document `docid`. XC_ERR_NOTFOUND if there is no such document,
 * XC_ERR_INVALID for docid 0. */
xc_status xc_writable_delete_document(xc_writable *w, xc_docid docid);
/* A read-only handle on the writer's current (uncommitted included) state,
 * to be freed with xc_database_close(); usable while `w` is open (calls
 * fail with XC_ERR_INVALID after). Same thread as `w`. */
xc_status xc_writable_database(xc_writable *w, xc_database **out);

/* --------------------------------------------------------------- queries */

typedef struct xc_query xc_query;

typedef enum xc_query_op {
    XC_OP_AND,
    XC_OP_OR,
    XC_OP_AND_NOT,   /* first AND NOT (any of the rest) */
    XC_OP_AND_MAYBE, /* first, weighted up by the rest */
    XC_OP_FILTER,    /* first, filtered by the rest (no weight from them) */
    XC_OP_SYNONYM,   /* OR, weighted as one term */
    XC_OP_MAX        /* OR, weight is the maximum of the subqueries */
} xc_query_op;

/* A term query; `wqf` is the within-query frequency (1 normally), `pos` the
 * term's query position (0 if unknown). An empty term matches every
 * document, like xc_query_all(). For all query constructors the caller owns
 * *out (xc_query_free). */
xc_status xc_query_term(const char *term, size_t len, unsigned wqf, xc_termpos pos, xc_query **out);
/* Matches every document / no document. */
xc_status xc_query_all(xc_query **out);
xc_status xc_query_none(xc_query **out);
/* Combine `subs[0..n)` with `op`. n must be >= 1 and no entry NULL
 * (XC_ERR_INVALID). */
xc_status xc_query_combine(xc_query_op op, const xc_query *const *subs, size_t n, xc_query **out);
/* Terms in order, with at most `window` extra positions between the first
 * and the last (0: exactly adjacent). n >= 1. Subqueries must be terms or
 * OR of terms, else XC_ERR_INVALID (UnimplementedError) right here. */
xc_status xc_query_phrase(const xc_query *const *subs, size_t n, unsigned window, xc_query **out);
/* Terms in any order, with at most `window` extra positions (0: adjacent).
 * As xc_query_phrase otherwise. */
xc_status xc_query_near(const xc_query *const *subs, size_t n, unsigned window, xc_query **out);
/* Multiply the weight of `sub` by `factor` (>= 0; negative or NaN is
 * XC_ERR_INVALID). */
xc_status xc_query_scale(const xc_query *sub, double factor, xc_query **out);
/* Documents whose value in `slot` lies in [lo, hi] (byte-wise comparison).
 * lo == NULL (or empty) means no lower bound, hi == NULL no upper bound.
 * Documents without a value in `slot` never match, even with no bounds. */
xc_status xc_query_value_range(xc_valueno slot, const char *lo, size_t lolen, const char *hi,
                               size_t hilen, xc_query **out);
/* All terms beginning with `prefix`, ORed as a synonym; more than
 * `max_expansion` (0: unlimited) matching terms is XC_ERR_INVALID from
 * xc_enquire_mset (WildcardError), with a message saying so. */
xc_status xc_query_wildcard(const char *prefix, size_t len, unsigned max_expansion, xc_query **out);
/* libxapian's description of the query, e.g. "Query((quick AND fox))";
 * malloc'd, free with xc_free. For tests and debugging, not a stable format. */
xc_status xc_query_describe(const xc_query *q, char **out);
/* Free a query (accepts NULL); queries combined from it are unaffected. */
void xc_query_free(xc_query *q);

/* -------------------------------------------------------------- enquire */

typedef struct xc_enquire xc_enquire;
typedef struct xc_mset xc_mset;

typedef enum xc_sort {
    XC_SORT_RELEVANCE = 0,
    XC_SORT_VALUE, /* by value only */
    XC_SORT_VALUE_THEN_RELEVANCE,
    XC_SORT_RELEVANCE_THEN_VALUE
} xc_sort;

/* An enquire session on `db`, which must outlive it; the caller owns *out
 * (xc_enquire_free). Settings persist across xc_enquire_mset calls. */
xc_status xc_enquire_new(xc_database *db, xc_enquire **out);
void xc_enquire_free(xc_enquire *e);
/* Set the query (copied: `q` may be freed afterwards). */
xc_status xc_enquire_set_query(xc_enquire *e, const xc_query *q);
/* Use BM25 with these parameters (libxapian defaults: 1, 0, 1, 0.5, 0.5).
 * Negative or NaN parameters and b > 1 are XC_ERR_INVALID. */
xc_status xc_enquire_set_bm25(xc_enquire *e, double k1, double k2, double k3, double b,
                              double min_normlen);
/* At most `max` results per distinct value of `slot` (the best ranked
 * ones); max 0 turns collapsing off. */
xc_status xc_enquire_set_collapse_key(xc_enquire *e, xc_valueno slot, unsigned max);
/* Sort order; `descending` non-zero sorts values high to low (byte-wise).
 * `slot` is ignored for XC_SORT_RELEVANCE. */
xc_status xc_enquire_set_sort(xc_enquire *e, xc_sort sort, xc_valueno slot, int descending);
/* Equal weights sorted by ascending docid (default) or descending. */
xc_status xc_enquire_set_docid_order(xc_enquire *e, int descending);
/* Run the query: results [first, first+maxitems), checking at least
 * `check_at_least` documents for a better estimate. Caller owns *out
 * (xc_mset_free). With no query set, the result is empty.
 * XC_ERR_MODIFIED (reopen the database and retry), XC_ERR_NETWORK,
 * XC_ERR_INVALID (wildcard over its limit), XC_ERR_NOMEM. */
xc_status xc_enquire_mset(xc_enquire *e, uint32_t first, uint32_t maxitems, uint32_t check_at_least,
                          xc_mset **out);
/* Check every document e's query matches (nothing is ranked or returned)
 * and count them by their value in `slot` (Xapian's ValueCountMatchSpy):
 * `fn` gets each distinct value (`len` bytes, valid during the call) with
 * the number of matching documents that hold it, in byte order of the
 * values; documents without a value in the slot are in no count. *matches
 * (may be NULL) gets the number of matching documents. Works through
 * remote shards. Statuses as xc_enquire_mset; XC_ERR_NOMEM. */
xc_status xc_enquire_value_counts(xc_enquire *e, xc_valueno slot,
                                  void (*fn)(void *ctx, const char *val, size_t len,
                                             uint32_t count),
                                  void *ctx, uint32_t *matches);
/* Call `fn` for each term of the current query that indexes `docid`
 * (whether or not the query matched it), ordered by query position (the
 * `pos` given to xc_query_term), terms with equal positions in byte order.
 * Stops early (XC_OK) when `fn` returns non-zero. */
xc_status xc_enquire_matching_terms(xc_enquire *e, xc_docid docid,
                                    int (*fn)(void *ctx, const char *term, size_t len), void *ctx);

/* Free an mset (accepts NULL). The getters below never fail: a NULL mset
 * reads as empty (0). */
void xc_mset_free(xc_mset *m);
/* Number of items (at most the `maxitems` asked for). */
size_t xc_mset_size(const xc_mset *m);
/* Estimated number of matches, and its bounds (exact when enough documents
 * were checked: see `check_at_least`). */
uint32_t xc_mset_estimated(const xc_mset *m);
uint32_t xc_mset_lower_bound(const xc_mset *m);
uint32_t xc_mset_upper_bound(const xc_mset *m);
/* Item i (0 <= i < size): its docid, weight and rank; any of the three
 * out-pointers may be NULL. The rank is 0-based over the whole result list,
 * so item i of an mset asked from `first` has rank first + i.
 * XC_ERR_INVALID when i is out of range. */
xc_status xc_mset_item(const xc_mset *m, size_t i, xc_docid *docid, double *weight, uint32_t *rank);
/* The document of item i; caller owns *out (xc_document_free). Its data
 * and values are read lazily, so they can still fail with XC_ERR_MODIFIED.
 * XC_ERR_INVALID when i is out of range. */
xc_status xc_mset_document(const xc_mset *m, size_t i, xc_document **out);

#ifdef __cplusplus
}
#endif
#endif /* XAPIAN_C_H */
