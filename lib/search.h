/* search.h: queries in, ranked and highlighted passages out.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The searcher parses the query (qparse.h), runs its words through the
 * index's analyzer, retrieves the best articles from Xapian with BM25, then
 * re-analyzes the passages of those articles to score them and to find the
 * exact byte spans of every match.
 *
 * Thread-safety: a searcher is used by one thread at a time.
 */
#ifndef NS_SEARCH_H
#define NS_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct ns_searcher ns_searcher;

/* Open the index at `path` (an index folder, a Xapian database, or a stub
 * file listing shards). NS_ERR_NOTFOUND when there is none. */
ns_status ns_searcher_open(const char *path, ns_searcher **out, ns_error *err);

typedef struct ns_searcher_opts {
    /* Bound on each remote shard operation and on connecting, in ms
     * (0: 5000). A shard slower than that fails with NS_ERR_NETWORK. */
    unsigned timeout_ms;
    /* When some shards are down: answer from the others, with a warning,
     * instead of failing. */
    int allow_partial;
    void (*warn)(void *ctx, const char *msg); /* may be NULL */
    void *warn_ctx;
} ns_searcher_opts;

/* As ns_searcher_open. A stub file (lines `auto PATH`, relative to the
 * stub's folder, and `remote [tcp] HOST:PORT`; `#` comments) is read here
 * rather than by libxapian, so that each remote shard gets the timeout and a
 * failing shard is named in the error (NS_ERR_NETWORK: "shard HOST:PORT:
 * ..."), or skipped with a warning under allow_partial. */
ns_status ns_searcher_open_opts(const char *path, const ns_searcher_opts *opts, ns_searcher **out,
                                ns_error *err);
void ns_searcher_close(ns_searcher *s);

/* Catch up with the indexer: reopen at the latest commit, and open the new
 * generation when a rebuild switched the index's stub (see index.h).
 * *changed (may be NULL) is set to 1 when anything moved. */
ns_status ns_searcher_reopen(ns_searcher *s, int *changed, ns_error *err);

/* Number of articles in the index. */
ns_status ns_searcher_count(ns_searcher *s, uint32_t *articles, ns_error *err);

typedef struct ns_search_opts {
    size_t limit;       /* passages to return; 0 means 10 */
    size_t offset;      /* passages to skip first */
    size_t per_article; /* passages per article at most; 0 means 2 */
    int sort_by_date;   /* newest article first, then relevance */
    int64_t now;        /* "now" for since: filters; 0 means the clock */
    int explain;        /* fill ns_hit.explain */
    int any;            /* top-level words joined by OR instead of AND */
    /* limit and offset count distinct files, not passages: the hits are the
     * first passage of each file in the list (--files). */
    int files;
    /* Read every matching passage to count them exactly (total); no hits
     * are returned (--count). */
    int count_all;
    /* Warnings (lenient query reading, partial matches); may be NULL. */
    void (*warn)(void *ctx, size_t column, const char *msg);
    void *warn_ctx;
} ns_search_opts;

/* A match: bytes [start, end) of the passage text. */
typedef struct ns_span {
    size_t start;
    size_t end;
} ns_span;

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
    size_t article_rank;  /* 0-based rank of the article */
    size_t passage;       /* index of the passage within its article */
    const char *explain;  /* with opts.explain: per-term contributions; else NULL */
} ns_hit;

/* The ranked list is a function of the query and the index only (see
 * "How the ranked list is made" in search.c): the hits of limit N from
 * offset K are entries K.. K+N-1 of one list, whatever N and K. */
typedef struct ns_results {
    ns_hit *hits;
    size_t nhits;
    /* Passages in the whole list (with per_article) and their articles: the
     * same for every limit and offset. Exact when total_exact, else an
     * estimate from the first block of the list (and always exact with
     * count_all). */
    size_t total;
    size_t articles;
    int total_exact;
    uint32_t articles_estimated; /* = articles (kept for the JSON contract) */
    int partial;                /* nothing had every word: best partial matches */
    char *parsed;               /* the parsed query as an s-expression */
    void *priv;                 /* storage behind the pointers above */
} ns_results;

/* Run `query`. On success *out holds the results (possibly none), owned by
 * the caller (ns_results_free); every pointer in it lives as long as it.
 * NS_ERR_QUERY / NS_ERR_LIMIT for a malformed query (err->column set),
 * NS_ERR_CORRUPT, NS_ERR_NETWORK, NS_ERR_IO for index trouble. A change of
 * the index underneath is retried internally after reopening. */
ns_status ns_search(ns_searcher *s, const char *query, size_t len, const ns_search_opts *opts,
                    ns_results **out, ns_error *err);
void ns_results_free(ns_results *r);

#endif
