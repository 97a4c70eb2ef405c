/* schema.h: what nsearch writes into a Xapian database, named and
 * documented once.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * lib/index.c writes the documents and metadata described here (its opening
 * comment tells the layout of an index folder: generations, stub, locks);
 * lib/plan.c, lib/search.c and index.c's --stats and --check read them.
 * Every term prefix, value slot and metadata key is used through the names
 * below, never as a literal.
 *
 * Document schema, version NS_SCHEMA_VERSION (3)
 * ----------------------------------------------
 * One Xapian document per article. Passages are not documents: their text
 * is in the document data and the searcher re-analyzes the passages of the
 * best articles to rank and highlight them, with the very analyzer that
 * made the terms. This keeps article-level BM25 statistics true (one
 * document per article) and the index small (no per-passage copies of
 * title, date or boolean terms).
 *
 * No positions are stored (schema 1 stored them). The searcher reads the
 * passages of the articles it ranks anyway, so it checks phrases and NEAR
 * there, per passage (search.c): Xapian retrieves the articles holding all
 * the words, and the passage scan keeps those where the words stand as the
 * query says. Positions were half the index and half the indexing time.
 * Exact word forms are not indexed either: `=word` and `prefix*` queries
 * retrieve by stem and keep the articles whose text holds the exact form,
 * which saves a third of the indexing work and of the postings.
 *
 * Terms (T = an analyzer term, analyzer.h; a prefix is one upper-case ASCII
 * letter, which no analyzer term starts with, since terms are case-folded:
 * the first byte of a term tells its field):
 *   T                    title and body words. Its wdf: NS_TITLE_WDF per
 *                        occurrence in the title (the title boost lives in
 *                        the wdf, so queries stay plain term queries), plus
 *                        1 per passage that holds it, however often
 *                        (schema 3; schema 2 counted every occurrence).
 *   NS_PREFIX_TITLE T    title terms again (the title: field), wdf 1.
 *   NS_PREFIX_SOURCE T   source terms (the source: field).
 *   NS_PREFIX_FILE path  the file the article came from (boolean), or
 *                        NS_PREFIX_FILE "#" and 16 hex digits (a 64-bit
 *                        FNV-1a hash of the path) for a path longer than
 *                        NS_FILEKEY_MAX bytes: ns_index_file_term (index.h).
 *                        Deleting a file's articles is one delete-by-term.
 *   NS_PREFIX_ID <hex>   unique id (boolean): 16 hex digits, a 64-bit FNV-1a
 *                        hash of the path, its NUL and the article id.
 *   NS_PREFIX_PAIR a " " b   (boolean, schema 3) the common words a and b
 *                        stand next to each other (b one position after
 *                        a) in a passage or the title; only for the words
 *                        of NS_META_PAIRS (index.c, "Word pairs").
 *   NS_TERM_NO_PASSAGE   (boolean, schema 3) the article has no passage,
 *                        only a title.
 *   NS_PREFIX_MONTH yyyymm  (boolean, schema 3) the month of the article's
 *                        date, UTC: the first six bytes of its NS_SLOT_DATE
 *                        value. Absent when undated. A date filter is the
 *                        OR of its whole months' terms, and of a month term
 *                        AND the value range for a month it holds in part
 *                        (plan.c), when the index has NS_META_MONTHS.
 * An index made by an older nsearch may also hold the boolean date terms
 * Y<yyyy> and D<yyyymmdd> (and M<yyyymm> on some documents), which schema 2
 * wrote at first: harmless, and gone after nsearch-index --rebuild.
 *
 * Values:
 *   NS_SLOT_DATE  the date, UTC, in ns_date_format's NS_DATE_SLOT form
 *                 "YYYYMMDDhhmmss" (dates.h), so that byte order is time
 *                 order: date filters are value ranges, --sort date sorts
 *                 on it. Absent when the article is undated.
 *   NS_SLOT_ID    the article id (ns_article.id), a NUL byte and the
 *                 article's path (schema 3; the id alone before): byte-wise,
 *                 the order of equal weights (rank.c, rank_cmp_art), which
 *                 Xapian then sorts itself.
 *   NS_SLOT_PASSAGES  the article's number of passages, decimal ("12"),
 *                 written by this schema's indexers since NS_META_PASSAGES
 *                 was added (an index made before has it on its newer
 *                 documents only).
 *
 * Data: the article's record (record.h): its fields and passages, each
 * passage with its line and byte column; packed (a zstd frame, pack.h) with
 * the dictionary of NS_META_ZDICT when the index has one.
 *
 * Metadata:
 *   NS_META_SCHEMA  the schema version, decimal ("3"). A schema-1 or 2 index
 *                   is read the same way; the indexer adds schema-3
 *                   documents to it and marks it 3 (--rebuild reclaims
 *                   schema 1's positions and makes every document schema 3,
 *                   which the two keys below need).
 *   NS_META_LANG    the stemming language, as ns_analyzer_lang names it;
 *                   "english" when absent.
 *   NS_META_ROOTS   the corpus folders, each followed by a newline.
 *   NS_META_SHARD   "N/K" (decimal) when the index is shard N of K, made
 *                   with nsearch-index --shard N/K; absent otherwise.
 *                   Recorded at creation, kept by every later run and by
 *                   --rebuild: a shard keeps its assignment.
 *   NS_META_PAIRS   the common words, one per line (possibly none),
 *                   learned from a sample of the articles of the build that
 *                   created the index (index.c, "Word pairs"); every
 *                   document of the index has the NS_PREFIX_PAIR terms of
 *                   these words. Absent on an older index: its phrases are
 *                   found without pairs.
 *   NS_META_COUNTS  "passages" when every document of the index is of
 *                   schema 3 (set when an index is created, so never on an
 *                   older index upgraded in place): then for a term T,
 *                   wdf(T) - NS_TITLE_WDF * wdf(NS_PREFIX_TITLE T) is the
 *                   number of the article's passages that hold T, and the
 *                   searcher counts a word's passages from the posting
 *                   lists alone (search.c, count_fast), and a query that
 *                   scores nothing has Xapian order its equal weights by
 *                   NS_SLOT_ID (search.c, xapian_orders_ties).
 *   NS_META_PASSAGES  "2" (NS_SLOT_PASSAGES) when every document of the
 *                   index has its passage count in that slot (set when an
 *                   index is created): then the searcher counts the
 *                   passages of a query that only filters by date from the
 *                   slot's values alone (search.c, count_filtered).
 *   NS_META_MONTHS  "1" when every dated document of the index has its
 *                   NS_PREFIX_MONTH term (set when an index is created):
 *                   then date filters use them (plan.c, date_query).
 *   NS_META_FORMS   "1" when the index records the forms of its terms
 *                   (forms.h; set when an index is created, so never on an
 *                   older index): then for every term T that does not begin
 *                   all the word forms it was indexed from ("happi" from
 *                   "happy", "deja" from "déjà"; not an abbreviation's
 *                   dotted alternative, no word of the text), the key
 *                   NS_META_FORM_PREFIX T holds the shortest common start
 *                   of T and those forms, in bytes, decimal ("4"); a term
 *                   without a key begins all of its. Every run records the
 *                   forms of what it adds (index.c, forms_record; a deleted
 *                   article's stay: a start only ever shrinks). A wildcard
 *                   then expands to exactly the terms that may hold its
 *                   words (plan.c, prefix_query), and its --count reads
 *                   only the articles the posting lists of the terms sure
 *                   to hold them can't settle (search.c, count_prefix).
 *   NS_META_ZDICT   the zstd dictionary the records are packed with
 *                   (pack.h), learned from the sample the common words are
 *                   learned from, at creation (a rebuild learns it again),
 *                   and used by every later run; absent on an index made
 *                   before it or from a sample too small to learn from,
 *                   whose records are plain. A shard has its own: a packed
 *                   record names its dictionary by id.
 *   the file term   one key per corpus file, the file's NS_PREFIX_FILE term
 *                   (files without articles too): "SIZE MTIME_NS CRC32
 *                   ARTICLES\n" (decimal) followed by the path. The
 *                   incremental bookkeeping (ns_file_state, index.h).
 *
 * Files beside the tables, in the generation's folder:
 *   NS_ZDICT_FILE   a copy of NS_META_ZDICT, written with the generation
 *                   (index.c), which a local searcher reads in one go
 *                   instead of the metadata (Xapian assembles a tag of 128
 *                   KiB block by block, growing a string: about 60 page
 *                   faults, 5% of a typical query). Absent (an index made
 *                   before it, a remote shard): the metadata is read. A
 *                   copy that is not a dictionary is passed over; one that
 *                   is, but not the index's, leaves the records unreadable,
 *                   as a damaged dictionary does; --check compares the two.
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
#define NS_PREFIX_MONTH  "M"

enum {
    NS_SLOT_DATE = 0,    /* NS_DATE_SLOT form, absent when undated: sorts and ranges */
    NS_SLOT_ID = 1,      /* the article id, NUL, its path: ties in rank order */
    NS_SLOT_PASSAGES = 2 /* the number of passages, decimal */
};

/* How many times a title word counts (its wdf increment). Tuned with make
 * eval (doc/eval.md). */
#define NS_TITLE_WDF 3

#define NS_META_SCHEMA   "nsearch.schema"
#define NS_META_LANG     "nsearch.lang"
#define NS_META_ROOTS    "nsearch.roots"
#define NS_META_SHARD    "nsearch.shard"
#define NS_META_COUNTS   "nsearch.counts"
#define NS_META_PAIRS    "nsearch.pairs"
#define NS_META_PASSAGES "nsearch.passages"
#define NS_META_ZDICT    "nsearch.zdict"
#define NS_META_MONTHS   "nsearch.months"
#define NS_META_FORMS    "nsearch.forms"

/* The key of term T's shortest common start with its forms (forms.h):
 * this prefix, then T. */
#define NS_META_FORM_PREFIX "nsearch.form:"

#define NS_ZDICT_FILE "nsearch.zdict"

#define NS_TERM_NO_PASSAGE "XNOPASSAGE"

/* A string literal and its length, for the binding's (key, len) pairs:
 * xc_database_get_metadata(db, NS_KEY(NS_META_LANG), ...). */
#define NS_KEY(lit) (lit), (sizeof(lit) - 1)

struct xc_database;

/* Check an open database as every reader does before using it (the
 * searcher, --stats, --check): its NS_META_SCHEMA is one this code reads
 * (absent counts as readable: a database nsearch-index did not fill), and
 * its NS_META_LANG is a language the analyzer knows. `lang` (langsize
 * bytes, at least 64) gets the language, NUL-terminated ("english" when
 * none is recorded). `path` names the index in messages. `db` is borrowed.
 * @retval NS_ERR_VERSION  a schema this code can't read: the message names
 *                         `path` and the schema and says to rebuild
 * @retval NS_ERR_INVALID  a recorded language this build can't stem (the
 *                         message lists the languages and says to rebuild)
 * @retval NS_ERR_MODIFIED, NS_ERR_CORRUPT, NS_ERR_NETWORK, NS_ERR_IO,
 *         NS_ERR_NOMEM, NS_ERR_OTHER
 *                         reading the metadata failed (xcerr.h: the
 *                         binding's status; the message names `path`) */
ns_status ns_schema_check(struct xc_database *db, const char *path, char *lang, size_t langsize,
                          ns_error *err);

/* Open the index folder or glass database folder `path` read-only
 * (ns_stub_open_folder: no stub is ever read by libxapian) and check it
 * (ns_schema_check, its messages naming `name`, or `path` when `name` is
 * NULL): the one read-only open of --stats, --check and the searcher (which
 * opens the generation it pins, named as the index folder). `lang` as for
 * ns_schema_check. On success *db is the database, owned by the caller
 * (xc_database_close); on failure *db is NULL.
 * @retval NS_ERR_NOTFOUND  no index or database at `path`
 * @retval NS_ERR_CORRUPT   the index folder's XAPIANDB is not one line
 *                          `auto gen-N`, or the database is damaged
 * @retval NS_ERR_INVALID   `path` is not a folder, or the path is too long;
 *                          as ns_schema_check
 * @retval NS_ERR_VERSION   a Xapian format or a schema this code can't read
 * @retval NS_ERR_IO, NS_ERR_MODIFIED, NS_ERR_NETWORK, NS_ERR_NOMEM,
 *         NS_ERR_OTHER     opening or reading failed (the binding's status)
 */
ns_status ns_schema_open(const char *path, const char *name, struct xc_database **db, char *lang,
                         size_t langsize, ns_error *err);

/* Add db's record dictionary (NS_META_ZDICT), when it has one, to u (the
 * index's own, or one shard's of several: pack.h). dir: the folder db was
 * opened from (a glass database) when local, whose NS_ZDICT_FILE is read
 * instead when it is there; NULL reads the metadata.
 * @retval NS_ERR_CORRUPT  the dictionary is damaged (the message says so,
 *                         naming `name`)
 * @retval NS_ERR_NOMEM
 *         and the statuses of a failed read (ns_error_from_xc, naming
 *         `name`) */
struct ns_unpacker;
ns_status ns_schema_add_zdict(struct xc_database *db, const char *dir, const char *name,
                              struct ns_unpacker *u, ns_error *err);
/* Read dir's NS_ZDICT_FILE into *out (malloc'd, *len bytes): NS_OK, or
 * NS_ERR_NOTFOUND when there is none, or none that could be read whole
 * (NS_ZDICT_FILE_MAX bytes at most): the caller reads the metadata. */
#define NS_ZDICT_FILE_MAX (16u << 20)
ns_status ns_schema_read_zdict_file(const char *dir, char **out, size_t *len);

#endif
