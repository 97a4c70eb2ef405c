/* search_int.h: the searcher's private interfaces, one section per file.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * search.c   opens the index and runs a query: Xapian's candidates in rank
 *            order, read in windows, listed through rank.c
 * plan.c     the parsed query (qparse.h) compiled for an index: a Xapian
 *            query and one matcher per leaf
 * match.c    finding a plan's matchers in analyzed text, NEAR, and whether
 *            the query holds on a passage (doc/query-syntax.md, What matches)
 * rank.c     an article's matching passages and their scores and highlight
 *            spans; the ranked list, block by block
 * Nothing here is for use outside lib/search*.c, plan.c, match.c and rank.c
 * (and their unit tests).
 */
#ifndef NS_SEARCH_INT_H
#define NS_SEARCH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "document.h"
#include "qparse.h"
#include "record.h"
#include "search.h"
#include "status.h"
#include "xapian-c.h"

/* Tuning (see doc/ranking.md when it exists; measured with make eval). */
#define BM25_K1        2.5
#define BM25_B         0.75
#define ARTICLE_SHARE  0.5 /* weight of the article's score in a passage's */
#define PASSAGE_K1     1.2
#define PASSAGE_B      0.5
#define PASSAGE_AVGLEN 60.0
/* Weight of the title's matches in every passage's score: the title is the
 * context of each of its passages, and an article with no matching passage
 * (a title-only story, a paper without an abstract) ranks by its title. */
#define TITLE_IN_PASSAGE 0.5
#define MAX_ALTS         8

/* ================================================ Interface to plan.c */

/* One leaf of the query, as it shows in analyzed text. */
typedef struct matcher {
    enum { M_SEQ, M_EXACT, M_PREFIX } kind;
    /* M_SEQ: npos positions, each a set of alternative terms, plus joined
     * forms that match one token alone (the "28point" of "28-point"). */
    size_t npos;
    char **alts[NS_QUERY_MAX_TERMS];
    size_t nalts[NS_QUERY_MAX_TERMS];
    char *joined[MAX_ALTS];
    size_t njoined;
    char *word; /* M_EXACT: exact form; M_PREFIX: exact-form prefix;
                 * M_SEQ: the query's own form of its first word */
    /* M_EXACT, M_PREFIX of a compound (`=28-point`, `28-p*`): the exact
     * forms of its nparts parts, which match at consecutive positions (for
     * M_PREFIX the last one is a prefix), and xjoined, the exact form of
     * its joined form ("28point"; a prefix for M_PREFIX), which matches
     * one token alone. nparts is 0 for a word of one part (word alone). */
    char **parts;
    size_t nparts;
    char *xjoined;
    /* M_PREFIX of one part, no field: what its Xapian query holds (plan.c,
     * prefix_query), npieces pieces, each a term, or when piece_wild[i]
     * every term that begins with it. search.c, count_prefix. */
    char **piece;
    unsigned char *piece_wild;
    size_t npieces;
    double idf;
    const char *label; /* for --explain */
    ns_qfield field;   /* where it counts: title and passages, title, source */
    int scored;        /* scores and highlights passages (not negated, no field) */
} matcher;

/* A form a token must have to be of use to a matcher (plan_prepare): a term
 * one looks for, an exact form, or the start of an exact form. */
typedef struct want {
    const char *s; /* owned by the matcher it comes from */
    size_t len;
    enum { WANT_TERM, WANT_EXACT, WANT_PREFIX } kind;
} want;

/* A query compiled for one index: the Xapian query and the matchers that
 * find its leaves in analyzed text. */
typedef struct plan {
    xc_database *db;    /* NULL in tests: every idf is 1 */
    ns_analyzer *an;    /* the index's analyzer */
    ns_analyzer *plain; /* the same, unstemmed: wildcard prefixes */
    void (*warn)(void *ctx, size_t column, const char *msg);
    void *warn_ctx;
    /* Leaves whose matches Xapian can't check (phrases, NEAR, exact forms,
     * wildcards): the passage scan checks the query (verify). */
    size_t nverify;
    int has_source;      /* a matcher on the source field */
    int has_not;         /* an exclusion: passages wait for the whole article */
    const ns_qnode *top; /* the query being run */
    matcher *m;
    size_t nm, capm;
    /* The query tree's leaves and their matchers, and its NEAR nodes. */
    const ns_qnode *leaf[NS_QUERY_MAX_TERMS * 2];
    size_t leafm[NS_QUERY_MAX_TERMS * 2];
    size_t nleaf;
    const ns_qnode *near[NS_QUERY_MAX_TERMS];
    size_t nnear;
    /* Per NEAR j, the side each matcher mi stands on: near_side[j * nm + mi]
     * (SIZE_MAX: none), and how many sides have a matcher (plan_prepare). */
    size_t *near_side;
    size_t near_need[NS_QUERY_MAX_TERMS];
    /* Every form some matcher looks for (plan_prepare): a scanned token with
     * none of them can't be part of a match, and match_scan drops it. */
    want *want;
    size_t nwant;
    uint32_t ndocs;
    /* The index's common words (schema.h, NS_META_PAIRS), sorted: a
     * phrase's neighbouring pair of them narrows its candidates. */
    const ns_pairs *pairs;         /* NULL in tests: none */
    int months;                    /* the index has month terms (schema.h, NS_META_MONTHS) */
    int forms;                     /* every database of form_dbs records its terms' forms
                                    * (schema.h, NS_META_FORMS): wildcards expand by them */
    struct xc_database **form_dbs; /* the index, or each shard */
    size_t nform_dbs;
    ns_error *err;
    ns_status st;
    /* analyzer callback scratch (100 KB: allocated, as clearing it on the
     * stack cost every query page faults) */
    struct tokcopy {
        char term[NS_TERM_MAX + 1];
        char exact[NS_TERM_MAX + 1];
        uint32_t pos;
        unsigned flags;
        size_t start, end;
    } * toks;
    size_t ntoks;
} plan;

#define MAX_TOKS (NS_QUERY_MAX_TERMS * 4)

/* Compile `top` (borrowed; it must outlive the plan) into b's matchers and a
 * Xapian query (owned by the caller). b->db, an, plain, err must be set; b
 * otherwise zeroed. NULL with b->st == NS_OK when nothing in the query is
 * searchable; b->st set on error. Call plan_prepare before matching. */
xc_query *plan_build(plan *b, const ns_qnode *top);
/* Free the matchers and empty b for another plan_build. */
void plan_clear(plan *b);
/* The matcher of leaf n, or SIZE_MAX when it has none. */
size_t plan_leaf(const plan *b, const ns_qnode *n);
/* Ready b for matching, once its matchers are all made: map each matcher to
 * its NEAR sides (b->near_side, near_need) and list the forms they look for
 * (b->want). -1: out of memory. */
int plan_prepare(plan *b);
/* Plain words joined by AND: the query that may fall back to OR. */
int plan_relaxable(const ns_qnode *n);
/* The relaxed form of a relaxable tree (word-like children joined by OR,
 * the rest still required), built in caller's storage: two nodes and two
 * kids arrays of tree->nkids + 1. */
const ns_qnode *plan_relax(const ns_qnode *tree, ns_qnode *or_, ns_qnode **orkids, ns_qnode *and_,
                           ns_qnode **andkids);

/* ================================================ Interface to match.c */

typedef struct ptok {
    uint32_t pos;
    unsigned flags;
    size_t start, end;
    size_t term, term_len, exact, exact_len; /* offsets into the scratch buffer */
} ptok;

typedef struct passage_scan {
    /* The tokens the analyzer passed on (see ns_analyzer_set_interest) that
     * have one of the forms of want[0..nwant) (all of them when want is
     * NULL): the others can't be part of a match. */
    ptok *toks;
    size_t n, cap;
    uint32_t npos; /* words in the text */
    ns_buf text;
    int nomem;
    const want *want;
    size_t nwant;
} passage_scan;

/* An occurrence of a matcher: span in bytes, first and last token
 * positions. */
typedef struct occ {
    size_t start, end;
    uint32_t pos, epos;
    size_t m;
} occ;

typedef struct occs {
    occ *v;
    size_t n, cap;
} occs;

/* Analyze text into ps (emptied first, o too); ps->npos: its length in
 * words. NS_ERR_NOMEM. */
ns_status match_scan(ns_analyzer *an, passage_scan *ps, occs *o, const char *text, size_t len);
/* Append every occurrence of matcher mi in the scanned text to o; *count
 * occurrences, *weight their weight (a stem-only match counts less). -1:
 * out of memory. */
int match_find(const passage_scan *ps, const matcher *m, size_t mi, occs *o, size_t *count,
               double *weight);
/* ok[j] |= NEAR j holds among one text's occurrences o. NS_ERR_NOMEM
 * only. */
ns_status match_near_in(const plan *b, const occs *o, unsigned char *ok);
/* The query node n on one passage (found[], near_ok[]), exclusions on the
 * whole article (afound[], anear[]; NULL: assumed to hold). 1 holds, 0
 * fails, -1 nothing searchable. */
int match_holds(const plan *b, const ns_qnode *n, const unsigned char *found,
                const unsigned char *near_ok, const unsigned char *afound,
                const unsigned char *anear, int64_t date);
/* Smallest window of positions holding one occurrence of each of the
 * `distinct` matchers (v sorted by position). */
uint32_t match_window(occ *v, size_t n, size_t nm, size_t distinct);
int match_cmp_occ(const void *a, const void *b);
int match_cmp_occ_pos(const void *a, const void *b);

/* ================================================ Interface to rank.c */

typedef struct cand {
    size_t art; /* index into priv.arts */
    size_t passage;
    double score;
    ns_span *spans;
    size_t nspans;
    char *explain;
    int own; /* holds a scored word itself, not only through the title */
} cand;

typedef struct art {
    char *blob;
    ns_record rec;
    double weight;
    size_t rank; /* among the matching articles, from 0 */
} art;

typedef struct priv {
    art *arts;
    size_t narts, capa;
    cand *cands; /* the hits kept, in list order */
    size_t ncands, capc;
} priv;

typedef struct candv {
    cand *v;
    size_t n, cap;
} candv;

void rank_cand_free(cand *c);
void rank_art_free(art *a);
void rank_priv_clear(priv *p);
int rank_candv_add(candv *cv, cand c);
void rank_candv_free(candv *cv);
/* Order of equal-weight candidates (qsort_r; arg: int *by_date). */
int rank_cmp_art(const void *a, const void *b, void *by_date);
/* The matching passages of article a (index ai in the list's articles):
 * the best per_article of them appended to *out, best first, scored
 * without their article's share; *nmatch: how many match in all.
 * count_only (--count: only how many are listed matters): stop reading
 * passages once per_article of them are sure to be listed, and leave
 * scores, proximity and highlights out; *nmatch is then at least 1 when
 * the article matches. NS_ERR_NOMEM only (the caller's message names it). */
ns_status rank_article(ns_analyzer *an, plan *b, const art *a, size_t ai, size_t per_article,
                       int explain, int count_only, candv *out, size_t *nmatch);

/* How the ranked list is made (a function of the query and the index only,
 * whatever -n and --offset ask for):
 * - Xapian ranks the candidate articles (BM25, or newest first); equal
 *   weights are ordered by article id. The candidates are read in that
 *   order, and each one's passages are checked against the query; the
 *   articles with a matching passage are the matching articles.
 * - The matching articles are taken in blocks of RANK_BLOCK. Within a block
 *   the passages (each article's best per_article) are ranked by their
 *   score, which includes a share of their article's weight relative to the
 *   first matching article's; the blocks follow each other in order. So a
 *   page needs only the blocks up to its last passage, and `-n k` is always
 *   a prefix of `-n m`.
 * - Totals: exact when Xapian counts at most EXACT_MAX candidates (all are
 *   then read), or when fewer than RANK_BLOCK articles match; otherwise
 *   estimated from the first block alone (the share of candidates that
 *   matched, the passages per matching article), so they too are the same
 *   for every page. */
#define RANK_BLOCK        20
#define EXACT_MAX         100
#define WINDOW_FIRST      32
#define WINDOW_FIRST_NEAR 512 /* a query with a NEAR (search.c, next_window) */
/* Xapian counts at least this many candidates exactly before estimating. */
#define ESTIMATE_MIN 500 /* (>= EXACT_MAX + 1) */
#define WINDOW_MAX   8192
#define WINDOW_ALL   131072 /* when every candidate is read (--count) */
#define COUNT_CHUNK  64     /* a count's articles decoded at a time (search.c) */

/* A set of paths (--files: a file is listed once). */
typedef struct pathset {
    char **own; /* open addressing: copies of the paths, NULL = empty */
    size_t n, cap;
} pathset;

typedef struct lister {
    const ns_search_opts *o;
    size_t from, to;   /* list entries wanted: [from, to) */
    int files;         /* entries are distinct files */
    int all;           /* read every candidate */
    size_t emitted;    /* entries so far */
    size_t passages;   /* passages listed so far */
    size_t articles;   /* matching articles so far */
    size_t scanned;    /* candidates read */
    candv block;       /* the current block's passages */
    size_t block_arts; /* its matching articles */
    size_t block_from; /* index in priv.arts of its first article */
    double max_w;      /* weight of the first matching article */
    int have0;         /* the first block is complete: */
    size_t p0, m0, s0; /*   its passages, articles, candidates read */
    pathset seen;
} lister;

/* Rank the current block and hand out its list entries into p.
 * NS_ERR_NOMEM only. */
ns_status rank_finish_block(lister *l, priv *p);
void rank_pathset_free(pathset *ps);

#endif
