/* search.h: queries in, ranked and highlighted passages out.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A searcher opens an index (an index folder made by nsearch-index, a Xapian
 * database, or a stub file listing shards) and answers queries in the
 * language of doc/query-syntax.md. Xapian ranks the candidate articles with
 * BM25; the passages of the candidates are re-analyzed with the index's own
 * analyzer, checked against the whole query ("What matches" in
 * doc/query-syntax.md), scored and highlighted. The list of results is a
 * function of the query and the index only: a page (limit, offset) is a
 * slice of one list whatever its size.
 *
 * Errors: every function that can fail returns an ns_status and fills the
 * ns_error it is given (when not NULL) with a message naming the index or
 * the stub line, or, for a query error, with err->column (status.h). For an
 * index folder, errors about the index are rewritten to say what to do
 * (advice.h): a missing index is NS_ERR_NOTFOUND ("no index at ...: run
 * nsearch-index"), and one that can't be read (NS_ERR_IO, NS_ERR_OTHER, a
 * XAPIANDB naming nothing that opens; NS_ERR_INVALID too when met while
 * searching) is NS_ERR_CORRUPT ("damaged: --check, then --rebuild"); so
 * NS_ERR_IO and NS_ERR_OTHER come out only for a stub of shards, or when
 * `err` is NULL (nothing to rewrite).
 *
 * Thread-safety: a searcher and the results it returned are used by one
 * thread at a time; distinct searchers may be used concurrently.
 */
#ifndef NS_SEARCH_H
#define NS_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct ns_searcher ns_searcher;

typedef struct ns_searcher_opts {
    /* Bound on each remote shard operation and on connecting, in ms
     * (0: 5000). A shard slower than that fails with NS_ERR_NETWORK. */
    unsigned timeout_ms;
    /* When some shards are down: answer from the others, with a warning,
     * instead of failing. */
    int allow_partial;
    /* Called with each such warning (a complete message naming the stub
     * line and the shard); may be NULL. */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
    /* Keep the stored data of the articles read, up to this many bytes,
     * for later searches (0: none). For a searcher that answers many
     * queries (nsearch --serve): queries typed one keystroke after another
     * read the same articles again. Emptied whenever the index changes
     * (ns_searcher_reopen), so answers are always the index's. */
    size_t doc_cache_bytes;
} ns_searcher_opts;

/* Open the index at `path` for searching: an index folder (its stub
 * XAPIANDB names the live generation, which is pinned: index.h), a glass
 * database folder, or a stub file of shards (lines `auto FOLDER`, relative
 * to the stub's folder, and `remote [tcp] HOST:PORT`; `#` comments: stub.h),
 * which is read here rather than by libxapian so that each remote shard
 * gets the timeout and a failing shard is named ("STUB:LINE: shard ...:
 * ..."), or skipped with a warning under allow_partial. Every database is
 * checked as schema.h says (schema and language). `path` and `opts` are
 * borrowed (opts is copied); `opts` may be NULL (defaults).
 *
 * On success *out is a searcher owned by the caller (ns_searcher_close);
 * on failure *out is NULL and:
 * @retval NS_ERR_NOTFOUND  no index at `path` (the message says how to
 *                          build one); a stub file that vanished meanwhile;
 *                          a shard's folder holds no database
 * @retval NS_ERR_CORRUPT   the index or a shard is damaged, or can't be read
 *                          (above: the message says to --check and
 *                          --rebuild)
 * @retval NS_ERR_VERSION   a schema or Xapian format this code can't read
 *                          (the message says to rebuild)
 * @retval NS_ERR_INVALID   `path` is neither a folder nor a regular file, or
 *                          too long; a stub line that is not a shard line, a
 *                          stub listing no shard; an analyzer language
 *                          recorded in the index that this build lacks
 * @retval NS_ERR_NETWORK   a remote shard can't be reached (and not
 *                          allow_partial, or none can)
 * @retval NS_ERR_MODIFIED  the index changed while its metadata was read
 * @retval NS_ERR_NOMEM     out of memory
 * @retval NS_ERR_IO, NS_ERR_OTHER  a stub of shards, or a shard, can't be
 *                          read (above: an index folder's are
 *                          NS_ERR_CORRUPT) */
ns_status ns_searcher_open_opts(const char *path, const ns_searcher_opts *opts, ns_searcher **out,
                                ns_error *err);
/* ns_searcher_open_opts(path, NULL, out, err). */
ns_status ns_searcher_open(const char *path, ns_searcher **out, ns_error *err);
/* Close the searcher, release its pin and free it; accepts NULL. Results it
 * returned must be freed first. */
void ns_searcher_close(ns_searcher *s);

/* From now on, send the searcher's warnings (shards skipped or dropped:
 * ns_searcher_opts.warn) to `warn` with `ctx` (NULL: nowhere); for a caller
 * that reports each request's warnings with its answer (nsearch --serve). */
void ns_searcher_set_warn(ns_searcher *s, void (*warn)(void *ctx, const char *msg), void *ctx);

/* Catch up with the indexer: reopen at the latest commit, and open the new
 * generation afresh (language and all) when a rebuild switched the index's
 * stub. *changed (may be NULL) is set to 1 when anything moved. On failure
 * the searcher keeps what it had open (each shard that did reopen stays
 * reopened). With a stub of shards, a shard that can't reopen (its
 * connection closed, as when its server restarted; its generation deleted
 * by a merge or a rebuild, which a remote reopen doesn't follow) is opened
 * afresh from its stub line (a new connection), and so is a shard that was
 * down (allow_partial); one that still fails is skipped with a warning
 * under allow_partial, else the error names it ("STUB:LINE: shard TEXT:
 * ..."). Statuses: those of ns_searcher_open_opts. */
ns_status ns_searcher_reopen(ns_searcher *s, int *changed, ns_error *err);

/* Number of articles in the index into *articles. Not rewritten as above:
 * the binding's status, its message naming the index.
 * @retval NS_ERR_MODIFIED  reopen (ns_searcher_reopen) and retry
 * @retval NS_ERR_CORRUPT, NS_ERR_NETWORK, NS_ERR_IO, NS_ERR_NOMEM,
 *         NS_ERR_OTHER     reading failed */
ns_status ns_searcher_count(ns_searcher *s, uint32_t *articles, ns_error *err);

typedef struct ns_search_opts {
    size_t limit;       /* list entries to return; 0 means 10 */
    size_t offset;      /* list entries to skip first */
    size_t per_article; /* passages per article at most; 0 means 2 */
    int sort_by_date;   /* newest article first, then relevance */
    int64_t now;        /* "now" for since: filters; 0 means the clock */
    int explain;        /* fill ns_hit.explain */
    int any;            /* top-level words joined by OR instead of AND */
    /* The list's entries are files, not passages: each file's first passage
     * in the passage list, in that order; limit and offset count files
     * (--files). */
    int files;
    /* Read every candidate to count the list exactly: no hits are returned;
     * total and articles are exact (--count). */
    int count_all;
    /* Warnings (lenient query reading, partial matches): column is the
     * 1-based byte column in the query, 0 when none; may be NULL. */
    void (*warn)(void *ctx, size_t column, const char *msg);
    void *warn_ctx;
} ns_search_opts;

/* A match: bytes [start, end) of the passage text. */
typedef struct ns_span {
    size_t start;
    size_t end;
} ns_span;

/* One entry of the list: a passage. Every pointer is owned by the results
 * it came in and valid until ns_results_free. */
typedef struct ns_hit {
    const char *path; /* corpus file, as indexed (absolute) */
    const char *id;
    const char *title;
    const char *source;
    const char *url;
    int64_t date;     /* NS_NO_DATE when undated */
    size_t line;      /* of the passage in its file, 1-based */
    size_t column;    /* 1-based byte column of text[0] */
    const char *text; /* passage text (UTF-8), NUL-terminated */
    size_t len;
    const ns_span *spans; /* sorted, non-overlapping */
    size_t nspans;
    double score;         /* passage score, higher is better */
    double article_score; /* Xapian's BM25 weight of the article */
    size_t article_rank;  /* 0-based rank of the article among the matching ones */
    size_t passage;       /* index of the passage within its article */
    const char *explain;  /* with opts.explain: per-term contributions; else NULL */
} ns_hit;

/* The hits of one page, and the size of the whole list. */
typedef struct ns_results {
    ns_hit *hits;
    size_t nhits;
    /* Passages in the whole list (per_article applied) and their articles:
     * the same whatever limit and offset. Exact when total_exact (always
     * with count_all), else estimated from the list's first block (see
     * search_int.h). */
    size_t total;
    size_t articles;
    int total_exact;
    uint32_t articles_estimated; /* = articles (kept for the JSON contract) */
    int partial;                 /* no passage had every word: the words were joined by OR */
    char *parsed;                /* the parsed query as an s-expression (qparse.h) */
    void *priv;                  /* storage behind the pointers above */
} ns_results;

/* Run `query` (len bytes, UTF-8; borrowed) with `opts` (borrowed; NULL:
 * every default). On success *out holds the results (possibly none), owned
 * by the caller (ns_results_free); on failure *out is NULL.
 *
 * Retries, inside this call: when a read fails with NS_ERR_MODIFIED (the
 * indexer committed), NS_ERR_NOTFOUND or NS_ERR_IO (a rebuild replaced the
 * generation being read), the searcher is reopened (ns_searcher_reopen) and
 * the query run again, up to three times; a reopen that fails ends the
 * retries with the search's own error. With a stub of shards, a failure
 * with NS_ERR_MODIFIED makes the shards reopen and the query run again; one
 * with NS_ERR_NETWORK, NS_ERR_NOTFOUND or NS_ERR_IO (a server restarted, a
 * connection lost, a shard's generation deleted by a merge or a rebuild)
 * opens every live shard afresh (new connections) and runs the query
 * again, once; if it fails again, the shards that can't reopen are opened
 * afresh once more, and those that still fail are dropped with a warning
 * under allow_partial (the query runs again; at most three runs after the
 * first in all), else the error names the first one ("STUB:LINE: shard
 * TEXT: ..."). Warnings go to opts->warn (the query's, once) and to the
 * searcher's warn (dropped shards).
 * @retval NS_ERR_QUERY     a malformed query (err->column set); or one
 *                          Xapian refuses when run (column 0)
 * @retval NS_ERR_LIMIT     a query over a documented limit: err->column set
 *                          when the parser finds it, 0 when a leaf analyzes
 *                          into more than NS_QUERY_MAX_TERMS words
 * @retval NS_ERR_CORRUPT   a damaged index, an unreadable record, or (for an
 *                          index folder) a read failure other than below
 * @retval NS_ERR_NOTFOUND, NS_ERR_MODIFIED  still failing after the retries
 *                          (NOTFOUND: the index is gone)
 * @retval NS_ERR_NETWORK   a shard failed (and not allow_partial, or none is
 *                          left)
 * @retval NS_ERR_NOMEM     out of memory
 * @retval NS_ERR_IO, NS_ERR_INVALID, NS_ERR_OTHER  with a stub of shards (or
 *                          `err` NULL): a read failure, not rewritten as
 *                          NS_ERR_CORRUPT (above) */
ns_status ns_search(ns_searcher *s, const char *query, size_t len, const ns_search_opts *opts,
                    ns_results **out, ns_error *err);
/* Free results and everything their hits point to; accepts NULL. */
void ns_results_free(ns_results *r);

#endif
