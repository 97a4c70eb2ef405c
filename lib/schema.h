/* schema.h: what nsearch writes into a Xapian database, named once.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The writer is lib/index.c (whose opening comment tells the layout of an
 * index folder and why the documents look the way they do); the readers are
 * lib/plan.c and lib/search.c (queries), index.c's info and verify. Every
 * term prefix, value slot and metadata key below is used through these
 * names only.
 *
 * Document schema, version NS_SCHEMA_VERSION
 * ------------------------------------------
 * One Xapian document per article; its passages are in the document data
 * (record.h). No positions.
 * Terms (T = an analyzer term, analyzer.h):
 *   T                    title and body words. Its wdf: NS_TITLE_WDF per
 *                        occurrence in the title (the title boost), plus
 *                        1 per passage that holds it, however often
 *                        (schema 3; schema 2 counted every occurrence).
 *   NS_TERM_NO_PASSAGE   (boolean, schema 3) the article has no passage,
 *                        only a title.
 *   NS_PREFIX_TITLE T    title terms again (the title: field).
 *   NS_PREFIX_SOURCE T   source terms (the source: field).
 *   NS_PREFIX_FILE path  the file the article came from (boolean);
 *                        NS_PREFIX_FILE "#<hex>" for paths longer than
 *                        NS_FILEKEY_MAX bytes (index.h).
 *   NS_PREFIX_ID <hex>   unique id: 64-bit hash of (path, article id).
 *   NS_PREFIX_PAIR a " " b   (boolean, schema 3) the common words a and b
 *                        stand next to each other (b one position after
 *                        a) in a passage or the title; only for the
 *                        words of NS_META_PAIRS.
 * Values: NS_SLOT_DATE the date as ns_date_format's NS_DATE_SLOT form
 *         (dates.h; absent when undated), NS_SLOT_ID the article id, a
 *         NUL byte and the article's path (schema 3; the id alone before):
 *         byte-wise, the order of equal weights (rank.c, rank_cmp_art).
 * Metadata:
 *   NS_META_SCHEMA  the schema version, decimal
 *   NS_META_LANG    the stemming language (analyzer.h)
 *   NS_META_ROOTS   the corpus folders, one per line
 *   NS_META_SHARD   "N/K" when the index is shard N of K
 *   NS_META_PAIRS   the common words, one per line (possibly none),
 *                   learned from the first articles of the build that
 *                   created the index (index.c, "Word pairs"); every
 *                   document of the index has the NS_PREFIX_PAIR terms
 *                   of these words. Absent on an index made before, so
 *                   its phrases are found without them.
 *   NS_META_COUNTS  "passages" when every document of the index is of
 *                   schema 3 or later (set when an index is created, so
 *                   never on an older index that was upgraded in place):
 *                   then, for a term T, wdf(T) - NS_TITLE_WDF * wdf(S T)
 *                   is the number of the article's passages that hold T,
 *                   and the searcher may count passages from the posting
 *                   lists alone (search.c, count_fast); and Xapian
 *                   can order equal weights itself by NS_SLOT_ID.
 *   NS_PREFIX_FILE path (a key per corpus file): "size mtime_ns crc32
 *                   articles\n" then the path (incremental bookkeeping).
 * Older documents may also hold Y<yyyy>, M<yyyymm> and D<yyyymmdd> date
 * terms, which schema 2 wrote and nothing read.
 */
#ifndef NS_SCHEMA_H
#define NS_SCHEMA_H

#include <stddef.h>

#include "status.h"

/* The schema this code writes, and the oldest it reads (and upgrades in
 * place: index.c). */
#define NS_SCHEMA_VERSION 3
#define NS_SCHEMA_MIN     1

#define NS_PREFIX_TITLE  "S"
#define NS_PREFIX_SOURCE "K"
#define NS_PREFIX_FILE   "F"
#define NS_PREFIX_ID     "Q"
#define NS_PREFIX_PAIR   "P"

enum {
    NS_SLOT_DATE = 0, /* NS_DATE_SLOT form, absent when undated: sorts and ranges */
    NS_SLOT_ID = 1    /* the article id, NUL, its path: ties in rank order */
};

/* How many times a title word counts (its wdf increment). Tuned with make
 * eval (doc/eval.md). */
#define NS_TITLE_WDF 3

#define NS_META_SCHEMA "nsearch.schema"
#define NS_META_LANG   "nsearch.lang"
#define NS_META_ROOTS  "nsearch.roots"
#define NS_META_SHARD  "nsearch.shard"
#define NS_META_COUNTS "nsearch.counts"
#define NS_META_PAIRS  "nsearch.pairs"

#define NS_TERM_NO_PASSAGE "XNOPASSAGE"

/* A string literal and its length, for the binding's (key, len) pairs:
 * xc_database_get_metadata(db, NS_KEY(NS_META_LANG), ...). */
#define NS_KEY(lit) (lit), (sizeof(lit) - 1)

struct xc_database;
/* Read an opened database's schema and language and check them: the one
 * check every reader makes (searcher, info, verify). lang gets the
 * language ("english" when none is recorded), NUL-terminated.
 * @retval NS_ERR_VERSION  a schema this code can't read (the message, which
 *                         names `path`, says to rebuild)
 * @retval NS_ERR_IO, NS_ERR_CORRUPT, NS_ERR_MODIFIED, NS_ERR_NETWORK
 *                         reading the metadata failed */
ns_status ns_schema_check(struct xc_database *db, const char *path, char *lang, size_t langsize,
                          ns_error *err);

#endif
