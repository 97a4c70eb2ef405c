/* search.c: from a query string to ranked, highlighted passages.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * 1. The query is parsed (qparse.c) and every leaf's text goes through the
 *    index's analyzer, giving the same terms the indexer wrote. Each leaf
 *    becomes a Xapian query (terms prefixed per index.c's schema) and a
 *    "matcher" that recognizes the leaf in analyzed passage text.
 * 2. Xapian ranks articles with BM25 (the title boost is in the title words'
 *    wdf). The index holds no positions (index.c): a phrase or NEAR asks
 *    Xapian for the articles holding all its words, and so do exact forms
 *    and wildcards for their stems.
 * 3. The passages of the best articles are analyzed again. When the query
 *    has phrases, NEAR, exact forms or wildcards, this scan first checks the
 *    whole query against the article's title, passages and source (a phrase
 *    within one passage or the title, as the words stand) and drops the
 *    articles that fail; more are fetched until enough pass. Each passage is
 *    scored by the matchers it contains (BM25-like, weighted by each leaf's
 *    idf), by the share of the query it covers, and by how close together
 *    the matches are, plus a share of its article's weight. Matches give the
 *    highlight spans, in bytes of the passage text.
 * Ties break on article rank (Xapian breaks its ties on docid), then on the
 * passage's place in the article: output is deterministic.
 */
#include "search.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"
#include "index.h"
#include "qparse.h"
#include "reader.h"
#include "record.h"
#include "xapian-c.h"
#include "xcerr.h"

/* Tuning (see doc/ranking.md when it exists; measured with make eval). */
#define BM25_K1 2.5
#define BM25_B 0.75
#define ARTICLE_SHARE 0.5 /* weight of the article's score in a passage's */
#define PASSAGE_K1 1.2
#define PASSAGE_B 0.5
#define PASSAGE_AVGLEN 60.0
/* Weight of the title's matches in every passage's score: the title is the
 * context of each of its passages, and an article with no matching passage
 * (a title-only story, a paper without an abstract) ranks by its title. */
#define TITLE_IN_PASSAGE 0.5
#define MAX_ALTS 8

typedef struct shard {
    char *name;      /* as the stub names it: "remote 127.0.0.1:7001", "auto a" */
    xc_database *db; /* NULL when it is down (allow_partial) */
} shard;

struct ns_searcher {
    char *path;
    xc_database *db; /* the index, or every live shard combined */
    ns_analyzer *an;
    ns_analyzer *plain; /* the same, unstemmed: wildcard prefixes */
    struct stat stub; /* of PATH/XAPIANDB when opened (zero if none) */
    ns_index_pin *pin; /* the generation db reads, held until it is closed */
    ns_searcher_opts opts;
    shard *shards;    /* when PATH is a stub file we read */
    size_t nshards;
};

/* Identity of the index folder's stub: a rebuild renames a new one in. */
static void stat_stub(const char *path, struct stat *st)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s/XAPIANDB", path);
    if (stat(buf, st) != 0) memset(st, 0, sizeof *st);
}

/* ------------------------------------------------------------ matchers */

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
    double idf;
    const char *label; /* for --explain */
    ns_qfield field;   /* where it counts: title and passages, title, source */
    int scored;        /* scores and highlights passages (not negated, no field) */
} matcher;

typedef struct builder {
    ns_searcher *s;
    void (*warn)(void *ctx, size_t column, const char *msg);
    void *warn_ctx;
    /* Leaves whose matches Xapian can't check (phrases, NEAR, exact forms,
     * wildcards): the passage scan checks the query (verify). */
    size_t nverify;
    int has_source; /* a matcher on the source field */
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
     * (SIZE_MAX: none), and how many sides have a matcher (map_near_sides). */
    size_t *near_side;
    size_t near_need[NS_QUERY_MAX_TERMS];
    uint32_t ndocs;
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
    } *toks;
    size_t ntoks;
} builder;

#define MAX_TOKS (NS_QUERY_MAX_TERMS * 4)

static int copy_token(void *ctx, const ns_token *t)
{
    builder *b = ctx;
    if (b->ntoks == MAX_TOKS) {
        return 1;
    }
    struct tokcopy *c = &b->toks[b->ntoks++];
    memcpy(c->term, t->term, t->term_len);
    c->term[t->term_len] = '\0';
    memcpy(c->exact, t->exact, t->exact_len);
    c->exact[t->exact_len] = '\0';
    c->pos = t->pos;
    c->flags = t->flags;
    c->start = t->start;
    c->end = t->end;
    return 0;
}

static void matcher_free(matcher *m)
{
    for (size_t i = 0; i < m->npos; i++) {
        for (size_t j = 0; j < m->nalts[i]; j++) {
            free(m->alts[i][j]);
        }
        free(m->alts[i]);
    }
    for (size_t j = 0; j < m->njoined; j++) {
        free(m->joined[j]);
    }
    free(m->word);
}

static double idf_of(builder *b, const char *term)
{
    uint32_t tf = 0;
    xc_database_termfreq(b->s->db, term, strlen(term), &tf);
    double n = b->ndocs;
    return log((n - tf + 0.5) / (tf + 0.5) + 1.0);
}

static xc_query *fail(builder *b, xc_status xs)
{
    if (b->st == NS_OK) {
        b->st = ns_error_from_xc(b->err, xs, "query");
    }
    return NULL;
}

static xc_query *term_q(builder *b, const char *prefix, const char *term)
{
    char buf[NS_TERM_MAX + 8];
    size_t n = (size_t)snprintf(buf, sizeof buf, "%s%s", prefix, term);
    xc_query *q = NULL;
    xc_status xs = xc_query_term(buf, n, 1, 0, &q);
    return xs == XC_OK ? q : fail(b, xs);
}

static void free_all(xc_query **qs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        xc_query_free(qs[i]);
    }
}

static xc_query *combine(builder *b, xc_query_op op, xc_query **qs, size_t n)
{
    xc_query *q = NULL;
    xc_status xs = XC_OK;
    if (n == 1) {
        q = qs[0];
        return q;
    }
    xs = xc_query_combine(op, (const xc_query *const *)qs, n, &q);
    free_all(qs, n);
    return xs == XC_OK ? q : fail(b, xs);
}

/* The Xapian query of a matcher's sequence under `prefix`. */
static xc_query *seq_query(builder *b, const matcher *m, const char *prefix, int phrase_only)
{
    xc_query *pos[NS_QUERY_MAX_TERMS];
    size_t np = 0;
    for (size_t i = 0; i < m->npos && b->st == NS_OK; i++) {
        xc_query *alts[MAX_ALTS];
        size_t na = 0;
        for (size_t j = 0; j < m->nalts[i] && b->st == NS_OK; j++) {
            xc_query *t = term_q(b, prefix, m->alts[i][j]);
            if (t) alts[na++] = t;
        }
        if (b->st != NS_OK) {
            free_all(alts, na);
            break;
        }
        xc_query *p = combine(b, XC_OP_SYNONYM, alts, na);
        if (p) pos[np++] = p;
    }
    if (b->st != NS_OK) {
        free_all(pos, np);
        return NULL;
    }
    xc_query *q = NULL;
    if (np == 0) {
        return NULL;
    } else if (np == 1) {
        q = pos[0];
    } else {
        /* No positions in the index: the articles holding every word; the
         * passage scan keeps those where they stand in sequence. */
        q = combine(b, XC_OP_AND, pos, np);
        if (!q) return NULL;
        b->nverify++;
    }
    if (!phrase_only && m->njoined) {
        xc_query *alts[MAX_ALTS + 1];
        size_t na = 0;
        alts[na++] = q;
        for (size_t j = 0; j < m->njoined && b->st == NS_OK; j++) {
            xc_query *t = term_q(b, prefix, m->joined[j]);
            if (t) alts[na++] = t;
        }
        q = combine(b, XC_OP_SYNONYM, alts, na);
    }
    return q;
}

/* A new matcher for leaf n. */
static matcher *new_matcher(builder *b, const ns_qnode *n, int in_not)
{
    if (b->nleaf == sizeof b->leaf / sizeof b->leaf[0]) {
        b->st = ns_error_set(b->err, NS_ERR_LIMIT, "query: more than %d words",
                             NS_QUERY_MAX_TERMS);
        return NULL;
    }
    if (b->nm == b->capm) {
        size_t cap = b->capm ? b->capm * 2 : 8;
        matcher *m = realloc(b->m, cap * sizeof *m);
        if (!m) {
            b->st = ns_error_set(b->err, NS_ERR_NOMEM, "out of memory");
            return NULL;
        }
        b->m = m;
        b->capm = cap;
    }
    b->leaf[b->nleaf] = n;
    b->leafm[b->nleaf++] = b->nm;
    matcher *m = &b->m[b->nm++];
    memset(m, 0, sizeof *m);
    m->field = n->field;
    m->scored = !in_not && n->field == NS_FIELD_ANY;
    if (n->field == NS_FIELD_SOURCE) b->has_source = 1;
    return m;
}

static char *xstrdup(builder *b, const char *s)
{
    char *p = strdup(s);
    if (!p && b->st == NS_OK) {
        b->st = ns_error_set(b->err, NS_ERR_NOMEM, "out of memory");
    }
    return p;
}

/* Fill a sequence matcher from the analyzed tokens of a leaf. Same-span
 * alternatives (acronym forms) join their position's set; alternatives that
 * span several positions (joined compounds) become `joined`, except in a
 * phrase, where the parts already say the same. */
static void fill_seq(builder *b, matcher *m, int phrase)
{
    m->kind = M_SEQ;
    size_t last = (size_t)-1;
    for (size_t i = 0; i < b->ntoks && b->st == NS_OK; i++) {
        struct tokcopy *t = &b->toks[i];
        if (t->flags & NS_TOK_ALT) {
            const struct tokcopy *prim = NULL;
            for (size_t k = i; k-- > 0;) {
                if (!(b->toks[k].flags & NS_TOK_ALT)) {
                    prim = &b->toks[k];
                    break;
                }
            }
            int same_span = prim && prim->start == t->start && prim->end == t->end;
            if (same_span && (t->flags & NS_TOK_ACRONYM) && last != (size_t)-1 &&
                prim->end - prim->start <= 2) {
                /* A short all-capitals query word (US, UK, EU, IT) means the
                 * abbreviation, not the common word it spells: search only
                 * the dotted form, which the indexer writes for "U.S.",
                 * "U.S" and "US" alike. */
                free(m->alts[last][0]);
                m->alts[last][0] = xstrdup(b, t->term);
            } else if (same_span && last != (size_t)-1 && m->nalts[last] < MAX_ALTS) {
                m->alts[last][m->nalts[last]++] = xstrdup(b, t->term);
            } else if (!same_span && !phrase && m->njoined < MAX_ALTS) {
                m->joined[m->njoined++] = xstrdup(b, t->term);
            }
            continue;
        }
        if (m->npos == NS_QUERY_MAX_TERMS) {
            b->st = ns_error_set(b->err, NS_ERR_LIMIT, "query: more than %d words in one leaf",
                                 NS_QUERY_MAX_TERMS);
            return;
        }
        if (m->npos == 0 && !m->word) m->word = xstrdup(b, t->exact);
        last = m->npos++;
        m->alts[last] = calloc(MAX_ALTS, sizeof(char *));
        if (!m->alts[last]) {
            b->st = ns_error_set(b->err, NS_ERR_NOMEM, "out of memory");
            return;
        }
        m->alts[last][m->nalts[last]++] = xstrdup(b, t->term);
    }
    m->idf = 0;
    for (size_t i = 0; i < m->npos; i++) {
        m->idf += idf_of(b, m->alts[i][0]);
    }
}

static int analyze_leaf(builder *b, const ns_qnode *n)
{
    b->ntoks = 0;
    ns_status st = ns_analyze(b->s->an, n->text, n->len, copy_token, b, NULL);
    if (st != NS_OK) {
        b->st = ns_error_set(b->err, st, "query: %s", ns_status_str(st));
        return 0;
    }
    return b->ntoks > 0;
}

static xc_query *build(builder *b, const ns_qnode *n, int in_not);

/* A word or phrase leaf: body query boosted by its title copy, or only the
 * title/source copy for a field. */
static xc_query *leaf_query(builder *b, const ns_qnode *n, int in_not)
{
    if (!analyze_leaf(b, n)) {
        return NULL; /* nothing searchable in it (punctuation only) */
    }
    matcher *m = new_matcher(b, n, in_not);
    if (!m) return NULL;
    int phrase = n->kind == NS_Q_PHRASE;
    fill_seq(b, m, phrase);
    m->label = n->text;
    if (b->st != NS_OK) return NULL;
    xc_query *q = NULL;
    if (n->field == NS_FIELD_TITLE) {
        q = seq_query(b, m, "S", phrase);
    } else if (n->field == NS_FIELD_SOURCE) {
        xc_query *k = seq_query(b, m, "K", phrase);
        if (k) {
            xc_status xs = xc_query_scale(k, 0, &q);
            xc_query_free(k);
            if (xs != XC_OK) return fail(b, xs);
        }
    } else {
        /* Title words weigh more through their wdf (index.c): no extra
         * title query needed. */
        q = seq_query(b, m, "", phrase);
    }
    return q;
}

static void format_date(int64_t t, char out[32], int hi)
{
    if (t == INT64_MIN) {
        strcpy(out, "00000000000000");
        return;
    }
    if (t == INT64_MAX) {
        strcpy(out, "99999999999999");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
        strcpy(out, (t > 0) ? "99999999999999" : "00000000000000");
        return;
    }
    snprintf(out, 32, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static xc_query *build(builder *b, const ns_qnode *n, int in_not)
{
    if (b->st != NS_OK) return NULL;
    switch (n->kind) {
    case NS_Q_WORD:
    case NS_Q_PHRASE:
        return leaf_query(b, n, in_not);
    case NS_Q_EXACT:
    case NS_Q_WILDCARD: {
        /* Exact forms are not indexed (index.c): retrieve by stem, and let
         * the passage scan keep only articles holding the form as typed. */
        if (!analyze_leaf(b, n)) return NULL;
        char exact[NS_TERM_MAX + 1], term[NS_TERM_MAX + 1];
        snprintf(exact, sizeof exact, "%s", b->toks[0].exact);
        snprintf(term, sizeof term, "%s", b->toks[0].term);
        const char *pfx = n->field == NS_FIELD_TITLE ? "S" : n->field == NS_FIELD_SOURCE ? "K" : "";
        xc_query *q = NULL;
        if (n->kind == NS_Q_EXACT) {
            q = term_q(b, pfx, term);
            if (!q) return NULL;
        } else {
            /* A word beginning with the prefix P has a stem that begins with
             * P, or that P begins with (stemming cuts ends): expand both. */
            b->ntoks = 0;
            ns_analyze(b->s->plain, n->text, n->len, copy_token, b, NULL);
            char plain[NS_TERM_MAX + 8];
            snprintf(plain, sizeof plain, "%s%s", pfx, b->ntoks ? b->toks[0].term : term);
            xc_query *alts[NS_TERM_MAX + 1];
            size_t na = 0;
            xc_status xs = xc_query_wildcard(plain, strlen(plain), 2000, &alts[na]);
            if (xs != XC_OK) return fail(b, xs);
            na++;
            size_t plen = strlen(pfx), full = strlen(plain);
            for (size_t k = plen + 3; k < full; k++) {
                uint32_t tf = 0;
                if ((plain[k] & 0xc0) == 0x80) continue; /* not at a character boundary */
                xc_database_termfreq(b->s->db, plain, k, &tf);
                if (tf && xc_query_term(plain, k, 1, 0, &alts[na]) == XC_OK) na++;
            }
            q = combine(b, XC_OP_SYNONYM, alts, na);
            if (!q) return NULL;
        }
        matcher *m = new_matcher(b, n, in_not);
        if (!m) {
            xc_query_free(q);
            return NULL;
        }
        m->kind = n->kind == NS_Q_EXACT ? M_EXACT : M_PREFIX;
        m->word = xstrdup(b, exact);
        m->label = n->text;
        m->idf = n->kind == NS_Q_EXACT ? idf_of(b, term) : 1.0;
        b->nverify++;
        return q;
    }
    case NS_Q_DATE: {
        char lo[32], hi[32];
        format_date(n->date_lo, lo, 0);
        format_date(n->date_hi, hi, 1);
        xc_query *q = NULL;
        xc_status xs = xc_query_value_range(NS_SLOT_DATE, lo, 14, hi, 14, &q);
        return xs == XC_OK ? q : fail(b, xs);
    }
    case NS_Q_NOT:
        return n->nkids ? build(b, n->kids[0], 1) : NULL;
    case NS_Q_AND:
    case NS_Q_OR:
    case NS_Q_NEAR: {
        size_t nk = n->nkids;
        xc_query **pos = calloc(nk + 1, sizeof *pos), **neg = calloc(nk + 1, sizeof *neg),
                 **flt = calloc(nk + 1, sizeof *flt);
        size_t np = 0, nn = 0, nf = 0;
        if (!pos || !neg || !flt) {
            free(pos), free(neg), free(flt);
            b->st = ns_error_set(b->err, NS_ERR_NOMEM, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < nk && b->st == NS_OK; i++) {
            const ns_qnode *k = n->kids[i];
            size_t nv = b->nverify;
            xc_query *q = build(b, k, in_not || k->kind == NS_Q_NOT);
            if (!q) continue;
            if (k->kind == NS_Q_NOT && b->nverify > nv) {
                /* Xapian would exclude too much (every article with the
                 * words of a phrase, say): the passage scan excludes. */
                xc_query_free(q);
                continue;
            }
            if (k->kind == NS_Q_NOT) neg[nn++] = q;
            else if (k->kind == NS_Q_DATE || k->field == NS_FIELD_SOURCE) flt[nf++] = q;
            else pos[np++] = q;
        }
        xc_query *q = NULL;
        if (b->st == NS_OK) {
            if (np == 0 && nf > 0) {
                /* Only filters: every article in the range, by date. */
                xc_status xs = xc_query_all(&pos[np++]);
                if (xs != XC_OK) fail(b, xs);
            }
            if (n->kind == NS_Q_NEAR && np > 1) {
                /* NEAR: the articles holding every side; the passage scan
                 * checks the distance. */
                if (b->nnear < sizeof b->near / sizeof b->near[0]) b->near[b->nnear++] = n;
                b->nverify++;
                q = combine(b, XC_OP_AND, pos, np);
            } else if (np) {
                q = combine(b, n->kind == NS_Q_OR ? XC_OP_OR : XC_OP_AND, pos, np);
            }
            if (q && nf) {
                flt[nf] = NULL;
                memmove(flt + 1, flt, nf * sizeof *flt);
                flt[0] = q;
                q = combine(b, XC_OP_FILTER, flt, nf + 1);
                nf = 0;
            }
            if (q && nn) {
                memmove(neg + 1, neg, nn * sizeof *neg);
                neg[0] = q;
                q = combine(b, XC_OP_AND_NOT, neg, nn + 1);
                nn = 0;
            }
        } else {
            free_all(pos, np);
        }
        free_all(neg, nn);
        free_all(flt, nf);
        free(pos), free(neg), free(flt);
        return q;
    }
    }
    return NULL;
}

/* Plain words only, joined by AND: the query that may fall back to OR. */
static int relaxable(const ns_qnode *n)
{
    if (n->kind != NS_Q_AND || n->nkids < 2) return 0;
    size_t words = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        ns_qkind k = n->kids[i]->kind;
        if (k == NS_Q_WORD || k == NS_Q_PHRASE || k == NS_Q_EXACT || k == NS_Q_WILDCARD) words++;
    }
    return words >= 2;
}

/* ------------------------------------------------------------ passages */

typedef struct ptok {
    uint32_t pos;
    unsigned flags;
    size_t start, end;
    size_t term, term_len, exact, exact_len; /* offsets into the scratch buffer */
} ptok;

typedef struct passage_scan {
    ptok *toks; /* the tokens the analyzer passed on (see ns_analyzer_set_interest) */
    size_t n, cap;
    uint32_t npos; /* words in the text */
    ns_buf text;
    int nomem;
} passage_scan;

static int scan_token(void *ctx, const ns_token *t)
{
    passage_scan *ps = ctx;
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 256;
        ptok *p = realloc(ps->toks, cap * sizeof *p);
        if (!p) {
            ps->nomem = 1;
            return 1;
        }
        ps->toks = p;
        ps->cap = cap;
    }
    ptok *p = &ps->toks[ps->n++];
    p->pos = t->pos;
    p->flags = t->flags;
    p->start = t->start;
    p->end = t->end;
    p->term = ps->text.len;
    p->term_len = t->term_len;
    p->exact = ps->text.len + t->term_len;
    p->exact_len = t->exact_len;
    if (ns_buf_add(&ps->text, t->term, t->term_len) != NS_OK ||
        ns_buf_add(&ps->text, t->exact, t->exact_len) != NS_OK) {
        ps->nomem = 1;
        return 1;
    }
    return 0;
}

static int tok_is(const passage_scan *ps, const ptok *t, const char *s)
{
    size_t n = strlen(s);
    return t->term_len == n && memcmp(ps->text.data + t->term, s, n) == 0;
}

static int tok_in(const passage_scan *ps, const ptok *t, char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (tok_is(ps, t, set[i])) return 1;
    }
    return 0;
}

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

static int occ_add(occs *o, size_t start, size_t end, uint32_t pos, uint32_t epos, size_t m)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 32;
        occ *v = realloc(o->v, cap * sizeof *v);
        if (!v) return -1;
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = (occ){start, end, pos, epos, m};
    return 0;
}

/* Find every occurrence of matcher mi in the scanned passage. */
/* Weight of an occurrence that matched only through stemming ("secured"
 * for "security"): it counts, but less than the word as typed. */
#define STEM_ONLY_WEIGHT 0.6

static int find_matches(const passage_scan *ps, const matcher *m, size_t mi, occs *o, size_t *count,
                        double *weight)
{
    *count = 0;
    *weight = 0;
    for (size_t i = 0; i < ps->n; i++) {
        const ptok *t = &ps->toks[i];
        int hit = 0;
        size_t end = t->end;
        uint32_t epos = t->pos;
        if (m->kind == M_EXACT) {
            hit = !(t->flags & NS_TOK_ALT) && t->exact_len == strlen(m->word) &&
                  memcmp(ps->text.data + t->exact, m->word, t->exact_len) == 0;
        } else if (m->kind == M_PREFIX) {
            size_t n = strlen(m->word);
            hit = !(t->flags & NS_TOK_ALT) && t->exact_len >= n &&
                  memcmp(ps->text.data + t->exact, m->word, n) == 0;
        } else if (m->njoined && tok_in(ps, t, m->joined, m->njoined)) {
            hit = 1;
        } else if (m->npos && tok_in(ps, t, m->alts[0], m->nalts[0])) {
            /* Walk the rest of the sequence at consecutive positions. */
            hit = 1;
            size_t j = i;
            for (size_t k = 1; k < m->npos && hit; k++) {
                uint32_t want = t->pos + (uint32_t)k;
                int found = 0;
                for (size_t x = j + 1; x < ps->n && ps->toks[x].pos <= want; x++) {
                    if (ps->toks[x].pos == want && tok_in(ps, &ps->toks[x], m->alts[k], m->nalts[k])) {
                        found = 1;
                        j = x;
                        end = ps->toks[x].end;
                        epos = want;
                        break;
                    }
                }
                hit = found;
            }
        }
        if (hit) {
            /* The joined form and the parts can both hit at one place. */
            if (o->n && o->v[o->n - 1].m == mi && o->v[o->n - 1].start == t->start) continue;
            if (occ_add(o, t->start, end, t->pos, epos, mi) != 0) return -1;
            (*count)++;
            int same = m->kind != M_SEQ || !m->word ||
                       (t->exact_len == strlen(m->word) &&
                        memcmp(ps->text.data + t->exact, m->word, t->exact_len) == 0);
            *weight += same ? 1.0 : STEM_ONLY_WEIGHT;
        }
    }
    return 0;
}

static int cmp_occ(const void *a, const void *b)
{
    const occ *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

/* Smallest window of positions holding at least one occurrence of every
 * matched matcher (occurrences sorted by position). */
static uint32_t min_window(occ *v, size_t n, size_t nm, size_t distinct)
{
    if (distinct < 2) return 0;
    size_t *cnt = calloc(nm, sizeof *cnt);
    if (!cnt) return 0;
    uint32_t best = UINT32_MAX;
    size_t have = 0, lo = 0;
    for (size_t hi = 0; hi < n; hi++) {
        if (cnt[v[hi].m]++ == 0) have++;
        while (have == distinct) {
            uint32_t w = v[hi].pos - v[lo].pos;
            if (w < best) best = w;
            if (--cnt[v[lo].m] == 0) have--;
            lo++;
        }
    }
    free(cnt);
    return best;
}

static int cmp_occ_pos(const void *a, const void *b)
{
    const occ *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}


/* ------------------------------------------------------------ checking */

/* The matcher of leaf n, or SIZE_MAX when it has none (nothing searchable
 * in it). */
static size_t leaf_matcher(const builder *b, const ns_qnode *n)
{
    for (size_t i = 0; i < b->nleaf; i++) {
        if (b->leaf[i] == n) return b->leafm[i];
    }
    return SIZE_MAX;
}

static int in_subtree(const builder *b, const ns_qnode *n, size_t mi)
{
    if (n->nkids == 0) return leaf_matcher(b, n) == mi;
    for (size_t k = 0; k < n->nkids; k++) {
        if (in_subtree(b, n->kids[k], mi)) return 1;
    }
    return 0;
}

typedef struct sideocc {
    uint32_t pos, epos;
    size_t side;
} sideocc;

static int cmp_sideocc(const void *a, const void *b)
{
    const sideocc *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Fill b->near_side and b->near_need from the query tree, once a query's
 * matchers are all made. -1: out of memory. */
static int map_near_sides(builder *b)
{
    free(b->near_side);
    b->near_side = NULL;
    if (!b->nnear) return 0;
    b->near_side = malloc(b->nnear * (b->nm ? b->nm : 1) * sizeof *b->near_side);
    if (!b->near_side) return -1;
    for (size_t j = 0; j < b->nnear; j++) {
        const ns_qnode *n = b->near[j];
        size_t *side_of = b->near_side + j * b->nm;
        b->near_need[j] = 0;
        for (size_t mi = 0; mi < b->nm; mi++) side_of[mi] = SIZE_MAX;
        for (size_t side = 0; side < n->nkids; side++) {
            int live = 0;
            for (size_t mi = 0; mi < b->nm; mi++) {
                if (side_of[mi] == SIZE_MAX && in_subtree(b, n->kids[side], mi)) {
                    side_of[mi] = side;
                    live = 1;
                }
            }
            b->near_need[j] += (size_t)live;
        }
    }
    return 0;
}

/* Does NEAR j hold among the occurrences v[0..nv) of one title, passage or
 * source: one occurrence of each side, with at most n - 1 words from the
 * first one's start to the last one's end that are in none of them? (For
 * words: at most n positions apart, as Xapian's NEAR.) -1: out of memory. */
static int near_holds(const builder *b, size_t j, const occ *v, size_t nv)
{
    const ns_qnode *n = b->near[j];
    const size_t *side_of = b->near_side + j * b->nm;
    size_t k = n->nkids, need = b->near_need[j];
    if (need == 0) return 1;
    int res = 0;
    sideocc *w = malloc((nv ? nv : 1) * sizeof *w);
    size_t *cnt = calloc(k ? k : 1, sizeof *cnt);
    if (!w || !cnt) {
        res = -1;
        goto done;
    }
    size_t nw = 0;
    for (size_t i = 0; i < nv; i++) {
        if (side_of[v[i].m] != SIZE_MAX) w[nw++] = (sideocc){v[i].pos, v[i].epos, side_of[v[i].m]};
    }
    qsort(w, nw, sizeof *w, cmp_sideocc);
    size_t have = 0, lo = 0;
    for (size_t hi = 0; hi < nw && !res; hi++) {
        if (cnt[w[hi].side]++ == 0) have++;
        while (have == need && !res) {
            /* Words of the window's span that no occurrence in it covers
             * (occurrences are sorted by start), and how many different
             * places the sides stand at: one word can't be two sides
             * ("the NEAR the" wants two of them), as in Xapian. */
            int64_t others = 0, end = (int64_t)w[lo].pos - 1;
            size_t places = 0;
            for (size_t x = lo; x <= hi; x++) {
                if ((int64_t)w[x].pos > end + 1) others += (int64_t)w[x].pos - end - 1;
                if ((int64_t)w[x].epos > end) end = w[x].epos;
                size_t y = lo;
                while (y < x && (w[y].pos != w[x].pos || w[y].epos != w[x].epos)) y++;
                places += y == x;
            }
            if (others <= (int64_t)n->window - 1 && places >= need) res = 1;
            if (--cnt[w[lo].side] == 0) have--;
            lo++;
        }
    }
done:
    free(w);
    free(cnt);
    return res;
}

/* Check every NEAR of the query not yet satisfied against one text's
 * occurrences. */
static ns_status check_near(const builder *b, const occs *o, unsigned char *near_ok)
{
    for (size_t j = 0; j < b->nnear; j++) {
        if (near_ok[j]) continue;
        int r = near_holds(b, j, o->v, o->n);
        if (r < 0) return NS_ERR_NOMEM;
        near_ok[j] = (unsigned char)r;
    }
    return NS_OK;
}

/* The query against what the scan found in an article: 1 holds, 0 fails,
 * -1 says nothing (a leaf with nothing searchable in it). */
static int holds(const builder *b, const ns_qnode *n, const unsigned char *found,
                 const unsigned char *near_ok, int64_t date)
{
    switch (n->kind) {
    case NS_Q_WORD:
    case NS_Q_EXACT:
    case NS_Q_PHRASE:
    case NS_Q_WILDCARD: {
        size_t mi = leaf_matcher(b, n);
        return mi == SIZE_MAX ? -1 : found[mi];
    }
    case NS_Q_DATE:
        return date != NS_NO_DATE && date >= n->date_lo && date <= n->date_hi;
    case NS_Q_NOT: {
        int r = n->nkids ? holds(b, n->kids[0], found, near_ok, date) : -1;
        return r < 0 ? -1 : !r;
    }
    case NS_Q_NEAR:
        for (size_t j = 0; j < b->nnear; j++) {
            if (b->near[j] == n) return near_ok[j];
        }
        /* Fewer than two searchable sides: read as AND. */
        /* fall through */
    case NS_Q_AND: {
        int any = 0;
        for (size_t k = 0; k < n->nkids; k++) {
            int r = holds(b, n->kids[k], found, near_ok, date);
            if (r == 0) return 0;
            if (r > 0) any = 1;
        }
        return any ? 1 : -1;
    }
    case NS_Q_OR: {
        int any = 0;
        for (size_t k = 0; k < n->nkids; k++) {
            int r = holds(b, n->kids[k], found, near_ok, date);
            if (r == 1) return 1;
            if (r == 0) any = 1;
        }
        return any ? 0 : -1;
    }
    }
    return -1;
}

/* --------------------------------------------------------------- results */

typedef struct cand {
    size_t art;     /* index into the article table */
    size_t passage;
    double score;
    ns_span *spans;
    size_t nspans;
    char *explain;
    int standin; /* lead passage standing in for a title-only match */
} cand;

typedef struct art {
    char *blob;
    ns_record rec;
    double weight;
    size_t rank;
} art;

typedef struct priv {
    art *arts;
    size_t narts;
    cand *cands;
    size_t ncands;
} priv;

/* Free what the private storage holds and empty it. */
static void priv_clear(priv *p)
{
    for (size_t i = 0; i < p->narts; i++) {
        ns_record_clear(&p->arts[i].rec);
        free(p->arts[i].blob);
    }
    for (size_t i = 0; i < p->ncands; i++) {
        free(p->cands[i].spans);
        free(p->cands[i].explain);
    }
    free(p->arts);
    free(p->cands);
    memset(p, 0, sizeof *p);
}

void ns_results_free(ns_results *r)
{
    if (!r) return;
    if (r->priv) priv_clear(r->priv);
    free(r->priv);
    free(r->hits);
    free(r->parsed);
    free(r);
}

static int cmp_art(const void *a, const void *b)
{
    const art *x = a, *y = b;
    if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
    int c = strcmp(x->rec.art.id, y->rec.art.id);
    if (c) return c;
    c = strcmp(x->rec.art.path, y->rec.art.path);
    return c ? c : (x->rank > y->rank) - (x->rank < y->rank);
}

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->art != y->art) return x->art < y->art ? -1 : 1;
    return x->passage < y->passage ? -1 : x->passage > y->passage;
}

static int add_cand(priv *p, size_t *cap, cand c)
{
    if (p->ncands == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        cand *v = realloc(p->cands, nc * sizeof *v);
        if (!v) return -1;
        p->cands = v;
        *cap = nc;
    }
    p->cands[p->ncands++] = c;
    return 0;
}

/* Analyze text into ps (emptied first); ps->npos: its length in words. */
static ns_status scan_text(ns_searcher *s, passage_scan *ps, occs *o, const char *text, size_t len)
{
    ps->n = 0;
    ps->npos = 0;
    ps->text.len = 0;
    o->n = 0;
    ns_status st = ns_analyze(s->an, text, len, scan_token, ps, &ps->npos);
    return st == NS_OK && ps->nomem ? NS_ERR_NOMEM : st;
}

/* Score the passages of article ai, adding the best per_article as
 * candidates, scored without their article's share (add_article_share adds
 * it once the articles that match are known). When the query needs checking (b->nverify), *matched says
 * whether the article really matches it; unmatched ones add nothing. */
static ns_status score_article(ns_searcher *s, builder *b, priv *p, size_t ai,
                               size_t per_article, int explain, size_t *capc, int *matched)
{
    art *a = &p->arts[ai];
    int verify = b->nverify > 0;
    double total_idf = 0;
    size_t nscored = 0;
    for (size_t i = 0; i < b->nm; i++) {
        if (!b->m[i].scored) continue;
        total_idf += b->m[i].idf;
        nscored++;
    }
    if (total_idf <= 0) total_idf = 1;
    *matched = 1;
    passage_scan ps = {0};
    occs o = {0};
    cand *best = calloc(per_article, sizeof *best);
    size_t nbest = 0;
    ns_status st = best ? NS_OK : NS_ERR_NOMEM;
    size_t nm1 = b->nm ? b->nm : 1;
    /* Each matcher's matches in the title. The title is not a passage, but it
     * is the context of every passage: its matches count in each passage's
     * score (TITLE_IN_PASSAGE). */
    size_t *title_tf = calloc(nm1, sizeof *title_tf);
    double *title_wtf = calloc(nm1, sizeof *title_wtf);
    unsigned char *found = calloc(nm1, 1); /* matcher found where its field says */
    unsigned char *near_ok = calloc(b->nnear ? b->nnear : 1, 1);
    if (st == NS_OK && (!title_tf || !title_wtf || !found || !near_ok)) st = NS_ERR_NOMEM;
    if (st == NS_OK && b->nm) {
        st = scan_text(s, &ps, &o, a->rec.art.title, strlen(a->rec.art.title));
        for (size_t mi = 0; st == NS_OK && mi < b->nm; mi++) {
            const matcher *m = &b->m[mi];
            if (m->field == NS_FIELD_SOURCE || (!m->scored && !verify)) continue;
            if (find_matches(&ps, m, mi, &o, &title_tf[mi], &title_wtf[mi]) != 0) {
                st = NS_ERR_NOMEM;
            }
            if (title_tf[mi]) found[mi] = 1;
        }
        if (st == NS_OK && verify) st = check_near(b, &o, near_ok);
    }
    if (st == NS_OK && verify && b->has_source) {
        st = scan_text(s, &ps, &o, a->rec.art.source, strlen(a->rec.art.source));
        for (size_t mi = 0; st == NS_OK && mi < b->nm; mi++) {
            size_t tf = 0;
            double wtf = 0;
            if (b->m[mi].field != NS_FIELD_SOURCE) continue;
            if (find_matches(&ps, &b->m[mi], mi, &o, &tf, &wtf) != 0) st = NS_ERR_NOMEM;
            if (tf) found[mi] = 1;
        }
        if (st == NS_OK) st = check_near(b, &o, near_ok);
    }
    for (size_t pi = 0; st == NS_OK && pi < a->rec.art.npassages; pi++) {
        const ns_passage *pa = &a->rec.art.passages[pi];
        if (b->nm) st = scan_text(s, &ps, &o, pa->text, pa->len);
        double sum = 0, covered = 0;
        size_t distinct = 0, own = 0; /* own: matchers found in the passage itself */
        char expl[512];
        size_t el = 0;
        expl[0] = '\0';
        for (size_t mi = 0; st == NS_OK && mi < b->nm; mi++) {
            size_t tf = 0;
            double wtf = 0;
            if (!b->m[mi].scored) continue;
            if (find_matches(&ps, &b->m[mi], mi, &o, &tf, &wtf) != 0) {
                st = NS_ERR_NOMEM;
                break;
            }
            if (tf) {
                own++;
                found[mi] = 1;
            }
            if (!tf && !title_tf[mi]) continue;
            wtf += TITLE_IN_PASSAGE * title_wtf[mi];
            distinct++;
            covered += b->m[mi].idf;
            double norm = PASSAGE_K1 * (1 - PASSAGE_B + PASSAGE_B * (double)ps.npos / PASSAGE_AVGLEN);
            double w = b->m[mi].idf * wtf * (PASSAGE_K1 + 1) / (wtf + norm);
            sum += w;
            if (explain && el < sizeof expl) {
                el += (size_t)snprintf(expl + el, sizeof expl - el, "%s%s=%.3f(tf %zu, title %zu)",
                                       el ? " " : "", b->m[mi].label, w, tf, title_tf[mi]);
            }
        }
        size_t nocc = o.n; /* occurrences of scored matchers: highlights */
        for (size_t mi = 0; st == NS_OK && verify && mi < b->nm; mi++) {
            size_t tf = 0;
            double wtf = 0;
            if (b->m[mi].scored || b->m[mi].field != NS_FIELD_ANY) continue;
            if (find_matches(&ps, &b->m[mi], mi, &o, &tf, &wtf) != 0) st = NS_ERR_NOMEM;
            if (tf) found[mi] = 1;
        }
        if (st == NS_OK && verify) st = check_near(b, &o, near_ok);
        if (st != NS_OK) break;
        o.n = nocc;
        /* Unmatched passages only stand in for an article matched by its
         * title alone, and then only its lead passage does. */
        if (nscored && !own && (pi > 0 || nbest > 0)) continue;
        double coverage = covered / total_idf;
        double prox = 0;
        if (distinct >= 2) {
            qsort(o.v, o.n, sizeof *o.v, cmp_occ_pos);
            uint32_t w = min_window(o.v, o.n, b->nm, distinct);
            prox = covered * 0.5 / (1.0 + (w > distinct ? (double)(w - distinct) : 0) / 4.0);
        }
        double score = coverage * (sum + prox) / total_idf;
        if (!distinct) score = -1; /* lead passage of a title-only match */
        /* Keep the per_article best (ties: earlier passage). */
        if (own && nbest == 1 && best[0].nspans == 0) {
            /* A real match replaces the stand-in lead passage. */
            free(best[0].explain);
            nbest = 0;
        }
        size_t at = nbest;
        while (at > 0 && best[at - 1].score < score) at--;
        if (at >= per_article) continue;
        cand c = {ai, pi, score, NULL, 0, NULL, !distinct};
        if (o.n) {
            qsort(o.v, o.n, sizeof *o.v, cmp_occ);
            c.spans = malloc(o.n * sizeof *c.spans);
            if (!c.spans) {
                st = NS_ERR_NOMEM;
                break;
            }
            for (size_t k = 0; k < o.n; k++) {
                if (c.nspans && o.v[k].start < c.spans[c.nspans - 1].end) {
                    if (o.v[k].end > c.spans[c.nspans - 1].end) c.spans[c.nspans - 1].end = o.v[k].end;
                    continue;
                }
                c.spans[c.nspans++] = (ns_span){o.v[k].start, o.v[k].end};
            }
        }
        if (explain) {
            char buf[768];
            snprintf(buf, sizeof buf, "%s%sproximity=%.3f coverage=%.2f", expl, el ? " " : "",
                     prox, coverage);
            c.explain = strdup(buf);
        }
        if (nbest == per_article) {
            free(best[nbest - 1].spans);
            free(best[nbest - 1].explain);
            nbest--;
        }
        memmove(best + at + 1, best + at, (nbest - at) * sizeof *best);
        best[at] = c;
        nbest++;
    }
    if (st == NS_OK && verify) {
        /* Xapian found the words; does the article hold the query as
         * written (phrases in sequence, NEAR in reach, exact forms)? */
        *matched = holds(b, b->top, found, near_ok, a->rec.art.date) != 0;
    }
    if (!*matched) {
        for (size_t i = 0; i < nbest; i++) {
            free(best[i].spans);
            free(best[i].explain);
        }
        nbest = 0;
    }
    for (size_t i = 0; i < nbest; i++) {
        if (st == NS_OK && add_cand(p, capc, best[i]) == 0) continue;
        if (st == NS_OK) st = NS_ERR_NOMEM;
        free(best[i].spans);
        free(best[i].explain);
    }
    free(best);
    free(title_tf);
    free(title_wtf);
    free(found);
    free(near_ok);
    free(ps.toks);
    ns_buf_free(&ps.text);
    free(o.v);
    return st;
}

/* --------------------------------------------------------------- search */

/* A stub file we read ourselves: a regular file whose first meaningful line
 * is `auto ...` or `remote ...`. */
static int is_shard_stub(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 65536) return 0;
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[1024];
    int yes = 0;
    while (fgets(line, sizeof line, f)) {
        char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || *p == '\0') continue;
        yes = strncmp(p, "auto ", 5) == 0 || strncmp(p, "remote ", 7) == 0;
        break;
    }
    fclose(f);
    return yes;
}

static void warnf(ns_searcher *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(ns_searcher *s, const char *fmt, ...)
{
    if (!s->opts.warn) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->opts.warn(s->opts.warn_ctx, msg);
}

/* Open one stub line's shard. */
static xc_status open_shard(ns_searcher *s, const char *stubdir, char *line, shard *sh)
{
    char *p = line + strspn(line, " \t");
    p[strcspn(p, "\r\n")] = '\0';
    char *end = p + strlen(p);
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) *--end = '\0';
    sh->name = strdup(p);
    if (!sh->name) return XC_ERR_NOMEM;
    if (strncmp(p, "auto ", 5) == 0) {
        p += 5;
        p += strspn(p, " \t");
        char buf[PATH_MAX];
        if (*p == '/') snprintf(buf, sizeof buf, "%s", p);
        else snprintf(buf, sizeof buf, "%s/%s", stubdir, p);
        return xc_database_open(buf, &sh->db);
    }
    /* remote [tcp] HOST:PORT */
    p += 7;
    p += strspn(p, " \t");
    if (strncmp(p, "tcp ", 4) == 0) p += 4 + strspn(p + 4, " \t");
    char *colon = strrchr(p, ':');
    if (!colon) return XC_ERR_INVALID;
    *colon = '\0';
    char *portend;
    unsigned long port = strtoul(colon + 1, &portend, 10);
    const char *host = *p ? p : "127.0.0.1";
    if (*portend || port == 0 || port > 65535) {
        *colon = ':';
        return XC_ERR_INVALID;
    }
    unsigned t = s->opts.timeout_ms ? s->opts.timeout_ms : 5000;
    xc_status xs = xc_database_open_remote(host, (unsigned)port, t, t, &sh->db);
    *colon = ':';
    return xs;
}

/* (Re)build the combined database from the live shards. */
static ns_status combine_shards(ns_searcher *s, ns_error *err)
{
    xc_database *db = NULL;
    xc_status xs = xc_database_new_combined(&db);
    size_t live = 0;
    for (size_t i = 0; xs == XC_OK && i < s->nshards; i++) {
        if (!s->shards[i].db) continue;
        xs = xc_database_add_shard(db, s->shards[i].db);
        live++;
    }
    if (xs != XC_OK) {
        xc_database_close(db);
        return ns_error_from_xc(err, xs, s->path);
    }
    if (!live) {
        xc_database_close(db);
        return ns_error_set(err, NS_ERR_NETWORK, "%s: no shard can be reached", s->path);
    }
    xc_database_close(s->db);
    s->db = db;
    return NS_OK;
}

static ns_status open_stub(ns_searcher *s, ns_error *err)
{
    FILE *f = fopen(s->path, "r");
    if (!f) return ns_error_set(err, NS_ERR_NOTFOUND, "%s: %s", s->path, strerror(errno));
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", s->path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else strcpy(dir, ".");
    char line[PATH_MAX + 64];
    size_t lineno = 0, cap = 0;
    ns_status st = NS_OK;
    while (st == NS_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0') continue;
        if (strncmp(p, "auto ", 5) != 0 && strncmp(p, "remote ", 7) != 0) {
            p[strcspn(p, "\r\n")] = '\0';
            st = ns_error_set(err, NS_ERR_INVALID, "%s:%zu: not a shard line (auto PATH or "
                              "remote HOST:PORT): %s", s->path, lineno, p);
            break;
        }
        if (s->nshards == cap) {
            cap = cap ? cap * 2 : 4;
            shard *v = realloc(s->shards, cap * sizeof *v);
            if (!v) {
                st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
                break;
            }
            s->shards = v;
        }
        shard *sh = &s->shards[s->nshards++];
        memset(sh, 0, sizeof *sh);
        xc_status xs = open_shard(s, dir, p, sh);
        if (xs == XC_OK) continue;
        ns_status fs = xs == XC_ERR_INVALID ? NS_ERR_INVALID : ns_status_from_xc(xs);
        const char *why = xs == XC_ERR_INVALID ? "bad shard line" : xc_errmsg();
        if (s->opts.allow_partial && fs != NS_ERR_INVALID && fs != NS_ERR_NOMEM) {
            warnf(s, "%s:%zu: shard %s is unavailable, searching the others: %s", s->path, lineno,
                  sh->name ? sh->name : "?", why);
            xc_database_close(sh->db);
            sh->db = NULL;
            continue;
        }
        st = ns_error_set(err, fs, "%s:%zu: shard %s: %s", s->path, lineno,
                          sh->name ? sh->name : "?", why);
    }
    fclose(f);
    if (st == NS_OK && s->nshards == 0) {
        st = ns_error_set(err, NS_ERR_INVALID, "%s: a stub file listing no shard", s->path);
    }
    if (st == NS_OK) st = combine_shards(s, err);
    return st;
}

/* After a network failure: find the shards that no longer answer. With
 * allow_partial, drop them (with a warning) and return NS_OK so the search
 * runs again; else fail naming the first. */
static ns_status triage_shards(ns_searcher *s, ns_error *err)
{
    size_t dropped = 0;
    for (size_t i = 0; i < s->nshards; i++) {
        shard *sh = &s->shards[i];
        if (!sh->db) continue;
        xc_status xs = xc_database_reopen(sh->db, NULL);
        if (xs == XC_OK) continue;
        if (!s->opts.allow_partial) {
            return ns_error_set(err, ns_status_from_xc(xs), "%s: shard %s: %s", s->path, sh->name,
                                xc_errmsg());
        }
        warnf(s, "%s: shard %s stopped answering, searching the others: %s", s->path, sh->name,
              xc_errmsg());
        xc_database_close(sh->db);
        sh->db = NULL;
        dropped++;
    }
    if (!dropped) return NS_ERR_NETWORK; /* nobody to blame: keep the first error */
    return combine_shards(s, err);
}

ns_status ns_searcher_open(const char *path, ns_searcher **out, ns_error *err)
{
    return ns_searcher_open_opts(path, NULL, out, err);
}

ns_status ns_searcher_open_opts(const char *path, const ns_searcher_opts *opts, ns_searcher **out,
                                ns_error *err)
{
    *out = NULL;
    ns_searcher *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    if (opts) s->opts = *opts;
    ns_status st = NS_OK;
    xc_status xs = XC_OK;
    if (is_shard_stub(path)) {
        if ((st = open_stub(s, err)) != NS_OK) goto fail;
    } else {
        stat_stub(path, &s->stub);
        /* Hold the live generation so a rebuild can't delete it under us
         * (index.h, "readers"). */
        if ((st = ns_index_pin_open(path, &s->pin, err)) != NS_OK) goto fail;
        xs = xc_database_open(ns_index_pin_path(s->pin), &s->db);
        if (xs != XC_OK) {
            st = ns_error_from_xc(err, xs, path);
            if (xs == XC_ERR_NOTFOUND) {
                st = ns_error_set(err, NS_ERR_NOTFOUND,
                                  "%s: no index here (build one with nsearch-index)", path);
            }
            goto fail;
        }
    }
    char *val = NULL;
    size_t len = 0;
    xs = xc_database_get_metadata(s->db, "nsearch.schema", 14, &val, &len);
    if (xs != XC_OK) {
        st = ns_error_from_xc(err, xs, path);
        goto fail;
    }
    if (val && (atoi(val) < NS_SCHEMA_MIN || atoi(val) > NS_SCHEMA_VERSION)) {
        st = ns_error_set(err, NS_ERR_VERSION,
                          "%s: index schema %.*s, this nsearch reads schemas %d to %d: rebuild "
                          "it with nsearch-index --rebuild",
                          path, (int)len, val, NS_SCHEMA_MIN, NS_SCHEMA_VERSION);
        xc_free(val);
        goto fail;
    }
    xc_free(val);
    val = NULL;
    xs = xc_database_get_metadata(s->db, "nsearch.lang", 12, &val, &len);
    char lang[64];
    snprintf(lang, sizeof lang, "%.*s", val ? (int)len : 7, val ? val : "english");
    xc_free(val);
    if (xs != XC_OK) {
        st = ns_error_from_xc(err, xs, path);
        goto fail;
    }
    if ((st = ns_analyzer_new(lang, &s->an, err)) != NS_OK) goto fail;
    if ((st = ns_analyzer_new("none", &s->plain, err)) != NS_OK) goto fail;
    *out = s;
    return NS_OK;
fail:
    ns_searcher_close(s);
    return st;
}

void ns_searcher_close(ns_searcher *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nshards; i++) {
        xc_database_close(s->shards[i].db);
        free(s->shards[i].name);
    }
    free(s->shards);
    xc_database_close(s->db);
    ns_index_pin_close(s->pin);
    ns_analyzer_free(s->an);
    ns_analyzer_free(s->plain);
    free(s->path);
    free(s);
}

ns_status ns_searcher_reopen(ns_searcher *s, int *changed, ns_error *err)
{
    if (s->nshards) {
        /* Each shard catches up on its own; the combination follows. */
        if (changed) *changed = 0;
        for (size_t i = 0; i < s->nshards; i++) {
            int c = 0;
            if (!s->shards[i].db) continue;
            xc_status xs = xc_database_reopen(s->shards[i].db, &c);
            if (xs != XC_OK) return ns_error_from_xc(err, xs, s->shards[i].name);
            if (changed && c) *changed = 1;
        }
        return combine_shards(s, err);
    }
    struct stat now;
    stat_stub(s->path, &now);
    if (changed) *changed = 0;
    if (now.st_ino != s->stub.st_ino || now.st_mtim.tv_sec != s->stub.st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != s->stub.st_mtim.tv_nsec) {
        /* A new generation: open it afresh (the language can't change
         * without a rebuild, which is exactly this case, so re-read all). */
        ns_searcher *fresh = NULL;
        ns_status st = ns_searcher_open(s->path, &fresh, err);
        if (st != NS_OK) return st;
        /* Adopt the fresh handles; the old ones go with the shell. */
        xc_database *db = s->db;
        ns_analyzer *an = s->an, *plain = s->plain;
        s->db = fresh->db;
        s->an = fresh->an;
        s->plain = fresh->plain;
        s->stub = fresh->stub;
        ns_index_pin *pin = s->pin;
        s->pin = fresh->pin;
        fresh->pin = pin;
        fresh->db = db;
        fresh->an = an;
        fresh->plain = plain;
        ns_searcher_close(fresh);
        if (changed) *changed = 1;
        return NS_OK;
    }
    xc_status xs = xc_database_reopen(s->db, changed);
    return xs == XC_OK ? NS_OK : ns_error_from_xc(err, xs, s->path);
}

ns_status ns_searcher_count(ns_searcher *s, uint32_t *articles, ns_error *err)
{
    xc_status xs = xc_database_doccount(s->db, articles);
    return xs == XC_OK ? NS_OK : ns_error_from_xc(err, xs, s->path);
}

static void builder_clear(builder *b)
{
    for (size_t i = 0; i < b->nm; i++) matcher_free(&b->m[i]);
    free(b->m);
    b->m = NULL;
    b->nm = b->capm = 0;
    b->nleaf = b->nnear = b->nverify = 0;
    b->has_source = 0;
    free(b->near_side);
    b->near_side = NULL;
}

/* Articles whose passages are scored: the best passages come from the best
 * articles (a passage's score includes its article's), so a few more than
 * the passages asked for is enough, and each one costs the analysis of all
 * its passages. When the query needs checking, Xapian is asked for four
 * times as many, read in rank order until that many pass; if too few do,
 * the next window is four times larger, up to FETCH_MAX articles in all. */
#define FETCH_MAX 100000

/* Decode items [i, j) of ms onto the end of p->arts. */
static ns_status take_articles(ns_searcher *s, xc_mset *ms, size_t i, size_t j, priv *p, size_t *cap,
                               ns_error *err)
{
    if (p->narts + (j - i) > *cap) {
        size_t nc = *cap ? *cap : 16;
        while (nc < p->narts + (j - i)) nc *= 2;
        art *v = realloc(p->arts, nc * sizeof *v);
        if (!v) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        memset(v + p->narts, 0, (nc - p->narts) * sizeof *v);
        p->arts = v;
        *cap = nc;
    }
    for (; i < j; i++) {
        xc_docid id;
        double w;
        uint32_t rank;
        xc_document *doc = NULL;
        const char *data;
        size_t len;
        xc_status xs = xc_mset_item(ms, i, &id, &w, &rank);
        if (xs == XC_OK) xs = xc_mset_document(ms, i, &doc);
        if (xs == XC_OK) xs = xc_document_get_data(doc, &data, &len);
        if (xs != XC_OK) {
            xc_document_free(doc);
            return ns_error_from_xc(err, xs, s->path);
        }
        art *a = &p->arts[p->narts];
        a->blob = malloc(len + 1);
        if (!a->blob) {
            xc_document_free(doc);
            return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        }
        memcpy(a->blob, data, len);
        a->blob[len] = '\0';
        xc_document_free(doc);
        p->narts++;
        if (ns_record_decode(a->blob, len, &a->rec) != NS_OK) {
            return ns_error_set(err, NS_ERR_CORRUPT, "%s: document %u: unreadable record", s->path,
                                (unsigned)id);
        }
        a->weight = w;
        a->rank = p->narts - 1;
    }
    return NS_OK;
}

static double item_weight(xc_mset *ms, size_t i)
{
    xc_docid id;
    double w = 0;
    uint32_t rank;
    xc_mset_item(ms, i, &id, &w, &rank);
    return w;
}

/* A passage's score includes a share of its article's weight, relative to
 * the best article that matches (max_w). */
static ns_status add_article_share(priv *p, double max_w, int explain)
{
    for (size_t i = 0; i < p->ncands; i++) {
        cand *c = &p->cands[i];
        double artpart = ARTICLE_SHARE * (max_w > 0 ? p->arts[c->art].weight / max_w : 0);
        c->score = c->standin ? artpart * 0.5 : c->score + artpart;
        if (explain && c->explain) {
            size_t n = strlen(c->explain);
            char *e = realloc(c->explain, n + 32);
            if (!e) return NS_ERR_NOMEM;
            snprintf(e + n, 32, " article=%.3f", artpart);
            c->explain = e;
        }
    }
    return NS_OK;
}

/* Run the built query q: fetch, check and score articles into r. */
static ns_status run(ns_searcher *s, builder *b, xc_enquire *e, xc_query *q,
                     const ns_search_opts *o, ns_results *r, size_t *npassed, ns_error *err)
{
    priv *p = r->priv;
    size_t want = o->offset + o->limit;
    size_t fetch = want + 5 < 10 ? 10 : want + 5;
    if (fetch > FETCH_MAX) fetch = FETCH_MAX;
    /* Checked queries lose some articles: ask Xapian for more (it costs
     * little more than fewer), read and scan only as many as needed. */
    size_t win = b->nverify ? 4 * fetch : fetch, first = 0, passed = 0, scanned = 0;
    size_t capa = 0, capc = 0;
    if (win > FETCH_MAX) win = FETCH_MAX;
    uint32_t estimated = 0;
    double max_w = 0;
    xc_status xs = xc_enquire_set_query(e, q);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, s->path);
    if (map_near_sides(b) != 0) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    /* Passages are scanned for the query's terms only: the analyzer may
     * skip stemming, and passing on, words that can't be one of them. */
    unsigned char letters[256];
    size_t nletters = 0;
    for (size_t i = 0; i < b->nm; i++) {
        const matcher *m = &b->m[i];
        if (m->kind != M_SEQ) {
            /* Exact forms and prefixes compare exact forms. */
            if (m->word && m->word[0] && nletters < sizeof letters)
                letters[nletters++] = (unsigned char)m->word[0];
            continue;
        }
        for (size_t k = 0; k < m->npos; k++)
            for (size_t j = 0; j < m->nalts[k]; j++)
                if (m->alts[k][j][0] && nletters < sizeof letters)
                    letters[nletters++] = (unsigned char)m->alts[k][j][0];
        for (size_t j = 0; j < m->njoined; j++)
            if (m->joined[j][0] && nletters < sizeof letters)
                letters[nletters++] = (unsigned char)m->joined[j][0];
    }
    ns_analyzer_set_interest(s->an, letters, nletters);
    ns_status st = NS_OK;
    for (;;) {
        xc_mset *ms = NULL;
        xs = xc_enquire_mset(e, (uint32_t)first, (uint32_t)win, (uint32_t)win, &ms);
        if (xs != XC_OK) {
            st = ns_error_from_xc(err, xs, s->path);
            if (xs == XC_ERR_INVALID) st = ns_error_set(err, NS_ERR_QUERY, "query: %s", xc_errmsg());
            break;
        }
        size_t n = xc_mset_size(ms), i = 0;
        if (first == 0) estimated = xc_mset_estimated(ms);
        /* Articles are read and scanned in rank order until enough match;
         * a run of equal weights is read whole and ordered by article id
         * (Xapian's docid order would depend on how the index was built or
         * sharded). */
        while (st == NS_OK && i < n && passed < fetch) {
            size_t from = p->narts, j = i + 1;
            if (!o->sort_by_date) {
                double w = item_weight(ms, i);
                while (j < n && item_weight(ms, j) == w) j++;
            }
            st = take_articles(s, ms, i, j, p, &capa, err);
            if (st != NS_OK) break;
            if (j - i > 1) qsort(p->arts + from, j - i, sizeof *p->arts, cmp_art);
            for (size_t k = from; st == NS_OK && k < p->narts; k++) {
                int matched = 1;
                st = score_article(s, b, p, k, o->per_article, o->explain, &capc, &matched);
                if (st != NS_OK) ns_error_set(err, st, "search: %s", ns_status_str(st));
                if (matched && p->arts[k].weight > max_w) max_w = p->arts[k].weight;
                p->arts[k].rank = passed;
                passed += matched;
                scanned++;
            }
            i = j;
        }
        xc_mset_free(ms);
        if (st != NS_OK || !b->nverify || passed >= fetch || n < win) {
            if (b->nverify && st == NS_OK) {
                /* Xapian's estimate is for the words alone. */
                if (n < win && i == n) estimated = (uint32_t)passed;
                else if (scanned) estimated = (uint32_t)((double)estimated * passed / scanned);
            }
            break;
        }
        first += win;
        if (first >= FETCH_MAX) break;
        win *= 4;
        if (first + win > FETCH_MAX) win = FETCH_MAX - first;
    }
    ns_analyzer_set_interest(s->an, NULL, 0);
    if (st == NS_OK) st = add_article_share(p, max_w, o->explain);
    if (st != NS_OK) ns_error_set(err, st, "search: %s", ns_status_str(st));
    r->articles_estimated = estimated;
    *npassed = passed;
    return st;
}

/* One attempt; NS_ERR_MODIFIED makes the caller reopen and retry. */
static ns_status search_once(ns_searcher *s, const ns_qnode *tree, const ns_search_opts *o,
                             ns_results *r, ns_error *err)
{
    builder b = {0};
    b.s = s;
    b.warn = o->warn;
    b.warn_ctx = o->warn_ctx;
    b.err = err;
    b.st = NS_OK;
    xc_status xs = xc_database_doccount(s->db, &b.ndocs);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, s->path);
    b.toks = malloc(MAX_TOKS * sizeof *b.toks);
    if (!b.toks) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    ns_qnode top = *tree;
    if (o->any && top.kind == NS_Q_AND && relaxable(tree)) top.kind = NS_Q_OR;
    b.top = &top;
    xc_query *q = build(&b, &top, 0);
    if (b.st != NS_OK || !q) {
        /* An error, or nothing searchable: no results. */
        xc_query_free(q);
        builder_clear(&b);
        free(b.toks);
        return b.st;
    }
    xc_enquire *e = NULL;
    ns_status st = NS_OK;
    xs = xc_enquire_new(s->db, &e);
    if (xs == XC_OK) xs = xc_enquire_set_bm25(e, BM25_K1, 0, 1, BM25_B, 0.5);
    if (xs == XC_OK && o->sort_by_date)
        xs = xc_enquire_set_sort(e, XC_SORT_VALUE_THEN_RELEVANCE, NS_SLOT_DATE, 1);
    if (xs != XC_OK) st = ns_error_from_xc(err, xs, s->path);
    size_t passed = 0;
    if (st == NS_OK) st = run(s, &b, e, q, o, r, &passed, err);
    priv *p = r->priv;
    if (st == NS_OK && passed == 0 && top.kind == NS_Q_AND && relaxable(tree)) {
        /* No article has every word: fall back to any word, and say so. */
        priv_clear(p);
        builder_clear(&b);
        b.st = NS_OK;
        top.kind = NS_Q_OR;
        xc_query_free(q);
        q = build(&b, &top, 0);
        if (b.st != NS_OK) {
            st = b.st;
        } else if (q) {
            st = run(s, &b, e, q, o, r, &passed, err);
            r->partial = 1;
        }
    }
    if (st == NS_OK && o->sort_by_date) {
        /* Articles already come newest first: keep that order. */
        for (size_t i = 0; i < p->ncands; i++) p->cands[i].score = -(double)p->cands[i].art;
    }
    if (st == NS_OK && p->ncands) qsort(p->cands, p->ncands, sizeof *p->cands, cmp_cand);
    xc_enquire_free(e);
    xc_query_free(q);
    builder_clear(&b);
    free(b.toks);
    return st;
}

static void reset_results(ns_results *r)
{
    priv_clear(r->priv);
    r->partial = 0;
}

static void warn_fwd(void *ctx, size_t column, const char *msg)
{
    const ns_search_opts *o = ctx;
    if (o->warn) o->warn(o->warn_ctx, column, msg);
}

ns_status ns_search(ns_searcher *s, const char *query, size_t len, const ns_search_opts *opts,
                    ns_results **out, ns_error *err)
{
    ns_search_opts o = opts ? *opts : (ns_search_opts){0};
    if (!o.limit) o.limit = 10;
    if (!o.per_article) o.per_article = 2;
    if (!o.now) o.now = (int64_t)time(NULL);
    *out = NULL;
    ns_qparse_opts qo = {o.now, warn_fwd, &o};
    ns_qnode *tree = NULL;
    ns_status st = ns_query_parse(query, len, &qo, &tree, err);
    if (st != NS_OK) return st;
    ns_results *r = calloc(1, sizeof *r);
    priv *p = calloc(1, sizeof *p);
    if (!r || !p) {
        free(r), free(p);
        ns_qnode_free(tree);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    r->priv = p;
    ns_qnode_sexpr(tree, &r->parsed);
    for (int attempt = 0;; attempt++) {
        st = search_once(s, tree, &o, r, err);
        if (st == NS_ERR_NETWORK && s->nshards && attempt < 3) {
            /* A shard went down or is too slow: name it, or drop it. */
            ns_error terr = {0};
            ns_status ts = triage_shards(s, &terr);
            if (ts != NS_OK) {
                if (ts != NS_ERR_NETWORK || terr.msg[0]) *err = terr;
                break;
            }
            reset_results(r);
            continue;
        }
        int retry = st == NS_ERR_MODIFIED || st == NS_ERR_NOTFOUND || st == NS_ERR_IO;
        if (!retry || attempt == 3) break;
        /* The indexer committed underneath (or a rebuild replaced the
         * generation we had open): catch up and run again. */
        reset_results(r);
        ns_error rerr = {0};
        if (ns_searcher_reopen(s, NULL, &rerr) != NS_OK) break;
    }
    ns_qnode_free(tree);
    if (st != NS_OK) {
        ns_results_free(r);
        return st;
    }
    if (r->partial && o.warn) {
        o.warn(o.warn_ctx, 0, "no passage has all the words; showing the best partial matches");
    }
    r->total = p->ncands;
    size_t from = o.offset < p->ncands ? o.offset : p->ncands;
    size_t n = p->ncands - from < o.limit ? p->ncands - from : o.limit;
    r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (!r->hits) {
        ns_results_free(r);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    size_t *seen = calloc(p->narts ? p->narts : 1, sizeof *seen);
    for (size_t i = 0; i < p->ncands; i++) {
        if (seen) seen[p->cands[i].art] = 1;
    }
    for (size_t i = 0; seen && i < p->narts; i++) r->articles += seen[i];
    free(seen);
    for (size_t i = 0; i < n; i++) {
        const cand *c = &p->cands[from + i];
        const art *a = &p->arts[c->art];
        const ns_passage *pa = &a->rec.art.passages[c->passage];
        ns_hit *h = &r->hits[i];
        h->path = a->rec.art.path;
        h->id = a->rec.art.id;
        h->title = a->rec.art.title;
        h->source = a->rec.art.source;
        h->url = a->rec.art.url;
        h->date = a->rec.art.date;
        h->line = pa->line;
        h->column = pa->column;
        h->text = pa->text;
        h->len = pa->len;
        h->spans = c->spans;
        h->nspans = c->nspans;
        h->score = c->score;
        h->article_score = a->weight;
        h->article_rank = a->rank;
        h->passage = c->passage;
        h->explain = c->explain;
    }
    r->nhits = n;
    *out = r;
    return NS_OK;
}
