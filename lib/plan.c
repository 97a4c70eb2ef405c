/* plan.c: a parsed query compiled for one index.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Every leaf's text goes through the index's analyzer, giving the terms the
 * indexer wrote. Each leaf becomes a Xapian query (terms prefixed per
 * index.c's schema) and a matcher that recognizes the leaf in analyzed
 * text (match.c). The index holds no positions: a phrase or NEAR asks Xapian
 * for the articles holding all its words, and so do exact forms and
 * wildcards for their stems; the passage check (rank.c) decides.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "forms.h"
#include "schema.h"
#include "search_int.h"
#include "xcerr.h"

static int copy_token(void *ctx, const ns_token *t)
{
    plan *b = ctx;
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
    for (size_t j = 0; j < m->nparts; j++) {
        free(m->parts[j]);
    }
    free(m->parts);
    free(m->xjoined);
    free(m->word);
    for (size_t j = 0; j < m->npieces; j++)
        free(m->piece[j]);
    free(m->piece);
    free(m->piece_wild);
}

static double idf_of(plan *b, const char *term)
{
    uint32_t tf = 0;
    if (!b->db) return 1.0;
    xc_database_termfreq(b->db, term, strlen(term), &tf);
    double n = b->ndocs;
    return log((n - tf + 0.5) / (tf + 0.5) + 1.0);
}

static xc_query *fail(plan *b, xc_status xs)
{
    if (b->st == NS_OK) {
        b->st = ns_error_from_xc(b->err, xs, "query");
    }
    return NULL;
}

static xc_query *term_q(plan *b, const char *prefix, const char *term)
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

static xc_query *combine(plan *b, xc_query_op op, xc_query **qs, size_t n)
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

/* Append to flt the pair terms (schema.h, NS_PREFIX_PAIR) of each
 * neighbouring pair of the index's common words in m's sequence: an
 * article without one of them can't hold the sequence in a passage or its
 * title. -1 when flt is full or a query can't be made. */
static int pair_terms(plan *b, const matcher *m, xc_query **flt, size_t *nf, size_t cap)
{
    char term[2 * NS_TERM_MAX + 8];
    for (size_t i = 0; i + 1 < m->npos; i++) {
        if (m->nalts[i] != 1 || m->nalts[i + 1] != 1) continue;
        const char *x = m->alts[i][0], *y = m->alts[i + 1][0];
        size_t xl = strlen(x), yl = strlen(y);
        if (xl + yl + 3 > sizeof term || !ns_pairs_has(b->pairs, x) || !ns_pairs_has(b->pairs, y))
            continue;
        if (*nf == cap) return 0;
        term[0] = NS_PREFIX_PAIR[0];
        memcpy(term + 1, x, xl);
        term[1 + xl] = ' ';
        memcpy(term + 2 + xl, y, yl);
        if (xc_query_term(term, 2 + xl + yl, 1, 0, &flt[*nf]) != XC_OK) return -1;
        (*nf)++;
    }
    return 0;
}

/* The pair terms of the sequences the whole query requires: those reached
 * from the top through AND and NEAR only (not OR, not NOT), without joined
 * forms, not in the source field. Filtering the query by them changes no
 * weight and drops only articles that can't match, so the list is the
 * same with or without them (and on shards that pair fewer words). */
static int required_pairs(plan *b, const ns_qnode *n, xc_query **flt, size_t *nf, size_t cap)
{
    if (n->kind == NS_Q_AND || n->kind == NS_Q_NEAR) {
        for (size_t k = 0; k < n->nkids; k++)
            if (required_pairs(b, n->kids[k], flt, nf, cap) != 0) return -1;
        return 0;
    }
    if (n->kind != NS_Q_PHRASE && n->kind != NS_Q_WORD) return 0;
    size_t mi = plan_leaf(b, n);
    if (mi == SIZE_MAX) return 0;
    const matcher *m = &b->m[mi];
    if (m->kind != M_SEQ || m->npos < 2 || m->njoined || m->field == NS_FIELD_SOURCE) return 0;
    return pair_terms(b, m, flt, nf, cap);
}

/* The Xapian query of a matcher's sequence under `prefix`. */
static xc_query *seq_query(plan *b, const matcher *m, const char *prefix, int phrase_only)
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
static matcher *new_matcher(plan *b, const ns_qnode *n, int in_not)
{
    if (b->nleaf == sizeof b->leaf / sizeof b->leaf[0]) {
        b->st = ns_error_set(b->err, NS_ERR_LIMIT, "query: more than %d words", NS_QUERY_MAX_TERMS);
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

static char *xstrdup(plan *b, const char *s)
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
static void fill_seq(plan *b, matcher *m, int phrase)
{
    m->kind = M_SEQ;
    size_t last = (size_t)-1;
    int abbrev = 0; /* a part means the abbreviation only */
    for (size_t i = 0; i < b->ntoks && b->st == NS_OK; i++) {
        struct tokcopy *t = &b->toks[i];
        if (!(t->flags & NS_TOK_ALT) && (t->flags & NS_TOK_ACRONYM)) abbrev = 1;
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
                strlen(prim->exact) <= 2) {
                /* A short all-capitals query word (US, UK, EU, IT; EU's, as
                 * its exact form drops the possessive) means the
                 * abbreviation, not the common word it spells: search only
                 * the dotted form, which the indexer writes for "U.S.",
                 * "U.S" and "US" alike. */
                free(m->alts[last][0]);
                m->alts[last][0] = xstrdup(b, t->term);
                abbrev = 1;
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
    /* A compound with an abbreviation (`U.S.-China`, `US-China`) is its
     * parts: its joined word ("uschina") has no dots and would find
     * "us-china", where `US` and `U.S.` do not find "us". */
    while (abbrev && m->njoined)
        free(m->joined[--m->njoined]);
    m->idf = 0;
    for (size_t i = 0; i < m->npos; i++) {
        m->idf += idf_of(b, m->alts[i][0]);
    }
}

static int analyze_leaf(plan *b, const ns_qnode *n)
{
    b->ntoks = 0;
    ns_status st = ns_analyze(b->an, n->text, n->len, copy_token, b, NULL);
    if (st != NS_OK) {
        b->st = ns_error_set(b->err, st, "query: %s", ns_status_str(st));
        return 0;
    }
    return b->ntoks > 0;
}

static xc_query *build(plan *b, const ns_qnode *n, int in_not);

/* A word or phrase leaf: body query boosted by its title copy, or only the
 * title/source copy for a field. */
static xc_query *leaf_query(plan *b, const ns_qnode *n, int in_not)
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
        q = seq_query(b, m, NS_PREFIX_TITLE, phrase);
    } else if (n->field == NS_FIELD_SOURCE) {
        xc_query *k = seq_query(b, m, NS_PREFIX_SOURCE, phrase);
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

/* A date range end as the index's date value; open ends beyond every
 * value. */
static void format_date(int64_t t, char out[NS_DATE_BUF])
{
    if (t == INT64_MIN)
        strcpy(out, "00000000000000");
    else if (t == INT64_MAX)
        strcpy(out, "99999999999999");
    else
        ns_date_format(t, NS_DATE_SLOT, out);
}

/* The articles dated lo..hi (epoch seconds, inclusive; open ends are
 * INT64_MIN, INT64_MAX) as a value range on NS_SLOT_DATE. */
static xc_query *date_range(plan *b, int64_t lo, int64_t hi)
{
    char l[NS_DATE_BUF], h[NS_DATE_BUF];
    format_date(lo, l);
    format_date(hi, h);
    xc_query *q = NULL;
    xc_status xs = xc_query_value_range(NS_SLOT_DATE, l, strlen(l), h, strlen(h), &q);
    return xs == XC_OK ? q : fail(b, xs);
}

/* At most this many months make a date filter of month terms; a longer
 * range holds most of a news corpus, and the value range is as fast. */
#define DATE_MONTHS_MAX 240

/* The articles dated lo..hi. The value range reads the date of every
 * article of the index (9 ms on the benchmark corpus, whatever the range).
 * A range of whole months, when the index has month terms (schema.h,
 * NS_PREFIX_MONTH), is the OR of their terms instead, which Xapian reads
 * as posting lists: the same articles, as a month term is the first six
 * bytes of the date value. A range that holds a month in part stays a
 * value range: measured, that month's term AND the value range was no
 * faster (Xapian still reads the dates, one seek each). So do open ranges
 * and dates outside the years 1000 to 9999 (the dates an article can
 * have: dates.h). */
static xc_query *date_query(plan *b, int64_t lo, int64_t hi)
{
    const int64_t first = ns_days_from_civil(1000, 1, 1) * 86400,
                  last = ns_days_from_civil(10000, 1, 1) * 86400 - 1;
    if (!b->months || lo < first || hi > last || lo > hi) return date_range(b, lo, hi);
    char v[NS_DATE_BUF];
    ns_date_format(lo, NS_DATE_SLOT, v);
    unsigned y =
        (unsigned)((v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + v[3] - '0');
    unsigned m = (unsigned)((v[4] - '0') * 10 + v[5] - '0');
    if (lo != ns_days_from_civil(y, m, 1) * 86400) return date_range(b, lo, hi);
    xc_query *parts[DATE_MONTHS_MAX];
    size_t np = 0;
    for (int64_t start = lo; start <= hi; np++) {
        unsigned ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
        int64_t next = ns_days_from_civil(ny, nm, 1) * 86400;
        if (np == DATE_MONTHS_MAX || hi < next - 1) {
            /* Too long, or it ends inside this month. */
            free_all(parts, np);
            return date_range(b, lo, hi);
        }
        char term[16];
        snprintf(term, sizeof term, "%04u%02u", y, m);
        if (!(parts[np] = term_q(b, NS_PREFIX_MONTH, term))) {
            free_all(parts, np);
            return NULL;
        }
        start = next, y = ny, m = nm;
    }
    return combine(b, XC_OP_OR, parts, np);
}

/* Note in m (when not NULL) a piece of its query: term[0..len), or every
 * term that begins with it (wild). */
static void add_piece(plan *b, matcher *m, const char *term, size_t len, int wild)
{
    if (!m || b->st != NS_OK) return;
    char **v = realloc(m->piece, (m->npieces + 1) * sizeof *v);
    if (v) m->piece = v;
    unsigned char *w = v ? realloc(m->piece_wild, m->npieces + 1) : NULL;
    if (w) m->piece_wild = w;
    char *t = w ? strndup(term, len) : NULL;
    if (!t) {
        b->st = ns_error_set(b->err, NS_ERR_NOMEM, "out of memory");
        return;
    }
    m->piece[m->npieces] = t;
    m->piece_wild[m->npieces++] = (unsigned char)(wild != 0);
}

/* The terms of the index's forms (forms.h) that may hold a word beginning
 * with w without beginning with w themselves: T whose forms leave it after
 * c < |w| bytes, with T[0..c) = w[0..c) (a form may go on as w does), as
 * terms under pfx into alts. Not those that begin with w (its wildcard has
 * them) or that w begins with (prefix_query looks them up). */
typedef struct formcands {
    plan *b;
    const char *w, *pfx;
    size_t wl;
    xc_query **alts;
    size_t na, cap;
    matcher *m;
    char *have[NS_TERM_MAX + 8]; /* the terms it added */
    size_t nhave;
    int over; /* more than cap: use the other way */
} formcands;

static int form_cand(void *ctx, const char *t, size_t tl, unsigned common)
{
    formcands *f = ctx;
    size_t c = common;
    if (tl >= f->wl && !memcmp(t, f->w, f->wl)) return 0;
    if (tl >= 2 && tl < f->wl && !memcmp(t, f->w, tl)) return 0;
    if (c >= f->wl || c > tl || memcmp(t, f->w, c)) return 0;
    char term[NS_TERM_MAX + 16];
    int n = snprintf(term, sizeof term, "%s%.*s", f->pfx, (int)tl, t);
    if (n < 0 || (size_t)n >= sizeof term) return f->over = 1;
    for (size_t i = 0; i < f->nhave; i++) /* another shard's, already in */
        if (!strcmp(f->have[i], term)) return 0;
    if (f->na == f->cap || f->nhave == sizeof f->have / sizeof f->have[0]) return f->over = 1;
    if (!(f->have[f->nhave] = strdup(term))) return f->over = 1;
    f->nhave++;
    if (xc_query_term(term, (size_t)n, 1, 0, &f->alts[f->na]) != XC_OK) return f->over = 1;
    f->na++;
    add_piece(f->b, f->m, term, (size_t)n, 0);
    return 0;
}

/* The Xapian query of the words beginning with a prefix: `plain` is the
 * prefix as the unstemmed analyzer reads it (NULL: as `stem`), `stem` as
 * the index's analyzer does; both under the field prefix pfx; `word` its
 * exact form (NULL: unknown). Its pieces go to m (may be NULL: add_piece). */
static xc_query *prefix_query(plan *b, const char *pfx, const char *plain_term, const char *stem,
                              const char *word, matcher *m)
{
    char plain[NS_TERM_MAX + 8];
    snprintf(plain, sizeof plain, "%s%s", pfx, plain_term ? plain_term : stem);
    xc_query *alts[NS_TERM_MAX + 8];
    size_t na = 0;
    xc_status xs = xc_query_wildcard(plain, strlen(plain), 0, &alts[na]);
    if (xs != XC_OK) return fail(b, xs);
    na++;
    add_piece(b, m, plain, strlen(plain), 1);
    /* A word beginning with the prefix P has a stem that begins with P, or
     * that P begins with (stemming cuts ends): expand both. */
    size_t plen = strlen(pfx), full = strlen(plain);
    for (size_t k = plen + 2; k < full; k++) {
        uint32_t tf = 0;
        if ((plain[k] & 0xc0) == 0x80) continue; /* not at a character boundary */
        if (b->db) xc_database_termfreq(b->db, plain, k, &tf);
        if (tf && xc_query_term(plain, k, 1, 0, &alts[na]) == XC_OK) {
            na++;
            add_piece(b, m, plain, k, 0);
        }
    }
    /* Or a stem that P leaves along the way ("dying" -> "die" for P "dy",
     * "living" -> "live" for "livi", "story" -> "stori" for "story"). An
     * index that records its terms' forms (forms.h) names those: the terms
     * whose forms leave them before |P| bytes, listed from its keys under
     * P's first byte, which for an ASCII P every form of theirs begins
     * with (ns_analyzer_keeps_first). The forms are the exact ones, so
     * only when P is the exact form as typed (no accent taken off). */
    size_t na0 = na, np0 = m ? m->npieces : 0;
    if (b->forms && b->nform_dbs && word && !strcmp(word, plain + plen) &&
        (unsigned char)word[0] < 0x80 && ns_analyzer_keeps_first(b->an)) {
        formcands f = {0};
        f.b = b, f.w = word, f.pfx = pfx, f.wl = strlen(word), f.alts = alts, f.na = na;
        f.cap = sizeof alts / sizeof alts[0], f.m = m;
        xs = XC_OK;
        for (size_t i = 0; i < b->nform_dbs && xs == XC_OK && !f.over; i++)
            xs = ns_forms_list(b->form_dbs[i], word, 1, form_cand, &f);
        for (size_t i = 0; i < f.nhave; i++)
            free(f.have[i]);
        na = f.na;
        if (b->st != NS_OK) {
            free_all(alts, na);
            return NULL;
        }
        if (xs == XC_OK && !f.over) return combine(b, XC_OP_SYNONYM, alts, na);
        /* Could not list them all: the other way. */
        free_all(alts + na0, na - na0);
        na = na0;
        while (m && m->npieces > np0)
            free(m->piece[--m->npieces]);
    }
    /* A word longer than P may stem to fewer letters than P with its last
     * one changed ("living" -> "live" for P "livi"): P less its last one or
     * two letters too (the passage check keeps only the words that begin
     * with P). */
    for (size_t cut = 1; cut <= 2; cut++) {
        size_t k = full - cut;
        while (k > plen && (plain[k] & 0xc0) == 0x80)
            k--;
        if (k < plen + 2) break;
        if (xc_query_wildcard(plain, k, 0, &alts[na]) == XC_OK) {
            na++;
            add_piece(b, m, plain, k, 1);
        }
    }
    /* And the stem of P itself when stemming changed its end ("story" ->
     * "stori": "stories", "storied"). */
    size_t tl = strlen(stem);
    if (plain_term && (tl + plen != full || memcmp(plain + plen, stem, tl) != 0) && tl >= 2) {
        char st[NS_TERM_MAX + 8];
        snprintf(st, sizeof st, "%s%s", pfx, stem);
        if (xc_query_wildcard(st, strlen(st), 0, &alts[na]) == XC_OK) {
            na++;
            add_piece(b, m, st, strlen(st), 1);
        }
    }
    return combine(b, XC_OP_SYNONYM, alts, na);
}

/* The parts of the leaf analyzed into b->toks: the indexes of its primary
 * tokens (at most NS_QUERY_MAX_TERMS) into part[], and in *joined the index
 * of the joined form spanning all of them (analyzer.h: an NS_TOK_ALT
 * token without NS_TOK_ACRONYM), SIZE_MAX when there is none. */
static size_t leaf_parts(const plan *b, size_t *part, size_t *joined)
{
    size_t np = 0;
    *joined = SIZE_MAX;
    for (size_t i = 0; i < b->ntoks; i++) {
        if (!(b->toks[i].flags & NS_TOK_ALT) && np < NS_QUERY_MAX_TERMS) part[np++] = i;
    }
    for (size_t i = 0; np > 1 && i < b->ntoks; i++) {
        const struct tokcopy *t = &b->toks[i];
        if ((t->flags & NS_TOK_ALT) && !(t->flags & NS_TOK_ACRONYM) &&
            t->start == b->toks[part[0]].start && t->end == b->toks[part[np - 1]].end)
            *joined = i;
    }
    /* A dotted abbreviation among the parts (`=U.S.-China`): the parts
     * only, as for a word (fill_seq). */
    for (size_t i = 0; i < np; i++)
        if (b->toks[part[i]].flags & NS_TOK_ACRONYM) *joined = SIZE_MAX;
    return np;
}

/* A wildcard on a number (plan.c's part of query-syntax.md, Wildcards).
 * Cut inside one (`1,23*`, `06:5*`, `2025-12*`), the analyzer reads it as
 * parts ("1" "23") where the whole number is one word ("1234", "06:50",
 * "2025-12-06"): the start of that word (ns_number_start) becomes the
 * leaf's joined form, an alternative spanning its parts like the one the
 * analyzer gives a compound, so that the wildcard finds the numbers it
 * begins as well as its parts in a row. Whole (`06:50*`, `2025-12-06*`),
 * it is one word, and its parts in a row are read too, as for a cut one:
 * "06:50pm" is "06" "50pm" in a text. `an` analyzed the leaf into b->toks. */
static void number_leaf(plan *b, ns_analyzer *an, const ns_qnode *n)
{
    size_t part[NS_QUERY_MAX_TERMS], joined;
    size_t np = leaf_parts(b, part, &joined);
    if (np == 0 || joined != SIZE_MAX || b->ntoks == MAX_TOKS) return;
    size_t from = b->toks[part[0]].start, to = b->toks[part[np - 1]].end;
    const char *s = n->text + from;
    char start[NS_TERM_MAX + 1];
    size_t len;
    if (np >= 2) {
        len = ns_number_start(s, n->len - from, start, sizeof start);
    } else {
        /* Whole: its parts are the leaf again with the separators as
         * spaces (ns_number_parts). */
        char text[NS_QUERY_MAX_BYTES + 1];
        if (n->len > NS_QUERY_MAX_BYTES) return;
        memcpy(text, n->text, n->len);
        if (!ns_number_parts(s, to - from, text + from)) return;
        struct tokcopy whole = b->toks[part[0]];
        b->ntoks = 0;
        ns_analyze(an, text, n->len, copy_token, b, NULL);
        np = leaf_parts(b, part, &joined);
        if (np >= 2 && joined == SIZE_MAX && b->ntoks < MAX_TOKS) {
            whole.flags = NS_TOK_ALT; /* the joined form: the word itself */
            b->toks[b->ntoks++] = whole;
        } else {
            b->ntoks = 0; /* not parts after all: the word as it was */
            b->toks[b->ntoks++] = whole;
        }
        return;
    }
    if (!len) return;
    struct tokcopy *c = &b->toks[b->ntoks];
    memcpy(c->term, start, len + 1);
    memcpy(c->exact, start, len + 1);
    c->pos = b->toks[part[0]].pos;
    c->flags = NS_TOK_ALT;
    c->start = from;
    c->end = to;
    b->ntoks++;
}

/* An exact word (`=word`) or a wildcard (`pre*`). Exact forms are not
 * indexed (index.c): Xapian retrieves by stem, and the passage check keeps
 * the forms as typed. A compound (`=28-point`, `28-p*`) is its parts in a
 * row (the last one a prefix for a wildcard), or its joined form
 * ("28point"; the start of one for a wildcard), as for a plain word. */
static xc_query *exact_query(plan *b, const ns_qnode *n, int in_not)
{
    if (!analyze_leaf(b, n)) return NULL;
    int wild = n->kind == NS_Q_WILDCARD;
    if (wild) number_leaf(b, b->an, n);
    const char *pfx = n->field == NS_FIELD_TITLE    ? NS_PREFIX_TITLE
                      : n->field == NS_FIELD_SOURCE ? NS_PREFIX_SOURCE
                                                    : "";
    size_t part[NS_QUERY_MAX_TERMS], joined;
    size_t np = leaf_parts(b, part, &joined);
    if (np == 0) return NULL;
    matcher *m = new_matcher(b, n, in_not);
    if (!m) return NULL;
    m->kind = wild ? M_PREFIX : M_EXACT;
    m->label = n->text;
    m->word = xstrdup(b, b->toks[part[0]].exact);
    /* The stems the index has (terms[np]: the joined form's). */
    char *terms[NS_QUERY_MAX_TERMS + 1] = {0};
    for (size_t i = 0; i < np; i++)
        terms[i] = xstrdup(b, b->toks[part[i]].term);
    if (joined != SIZE_MAX) terms[np] = xstrdup(b, b->toks[joined].term);
    if (np > 1) {
        m->parts = calloc(np, sizeof *m->parts);
        if (!m->parts) b->st = ns_error_set(b->err, NS_ERR_NOMEM, "out of memory");
        for (size_t i = 0; m->parts && i < np; i++) {
            m->parts[i] = xstrdup(b, b->toks[part[i]].exact);
            m->nparts++;
        }
        if (joined != SIZE_MAX) m->xjoined = xstrdup(b, b->toks[joined].exact);
    }
    m->idf = wild ? 1.0 : 0.0;
    for (size_t i = 0; !wild && i < np; i++)
        m->idf += idf_of(b, terms[i] ? terms[i] : "");
    b->nverify++;
    /* A wildcard's prefixes as the unstemmed analyzer reads them. */
    char *plain[NS_QUERY_MAX_TERMS + 1] = {0};
    if (wild && b->st == NS_OK) {
        b->ntoks = 0;
        ns_analyze(b->plain, n->text, n->len, copy_token, b, NULL);
        number_leaf(b, b->plain, n);
        size_t pj, ppart[NS_QUERY_MAX_TERMS];
        if (leaf_parts(b, ppart, &pj) == np) {
            plain[np - 1] = xstrdup(b, b->toks[ppart[np - 1]].term);
            if (joined != SIZE_MAX && pj != SIZE_MAX) plain[np] = xstrdup(b, b->toks[pj].term);
        }
    }
    xc_query *q = NULL, *qs[NS_QUERY_MAX_TERMS + 1];
    size_t nq = 0;
    for (size_t i = 0; i < np && b->st == NS_OK; i++) {
        xc_query *t = NULL;
        if (!wild || i + 1 < np)
            t = term_q(b, pfx, terms[i]);
        else if (np == 1 || strlen(plain[i] ? plain[i] : terms[i]) >= 2)
            t = prefix_query(b, pfx, plain[i], terms[i],
                             np == 1         ? m->word
                             : m->nparts > i ? m->parts[i]
                                             : NULL,
                             np == 1 && !pfx[0] ? m : NULL);
        /* else: a last part of one letter (`28-p*`) would expand to a
         * good share of the index: the other parts narrow the candidates,
         * and the joined form finds the rest. */
        if (t) qs[nq++] = t;
    }
    if (b->st == NS_OK && nq)
        q = combine(b, XC_OP_AND, qs, nq);
    else
        free_all(qs, nq);
    if (q && joined != SIZE_MAX && b->st == NS_OK) {
        /* Or the joined form, as one word ("28point"). */
        xc_query *alts[2] = {q, NULL};
        alts[1] = wild ? prefix_query(b, pfx, plain[np], terms[np], m->xjoined, NULL)
                       : term_q(b, pfx, terms[np]);
        if (alts[1]) {
            q = combine(b, XC_OP_SYNONYM, alts, 2);
        } else {
            xc_query_free(q);
            q = NULL;
        }
    }
    for (size_t i = 0; i <= np; i++) {
        free(terms[i]);
        free(plain[i]);
    }
    if (b->st != NS_OK) {
        xc_query_free(q);
        return NULL;
    }
    return q;
}

static xc_query *build(plan *b, const ns_qnode *n, int in_not)
{
    if (b->st != NS_OK) return NULL;
    switch (n->kind) {
    case NS_Q_WORD:
    case NS_Q_PHRASE: return leaf_query(b, n, in_not);
    case NS_Q_EXACT:
    case NS_Q_WILDCARD: return exact_query(b, n, in_not);
    case NS_Q_DATE: return date_query(b, n->date_lo, n->date_hi);
    case NS_Q_NOT: b->has_not = 1; return n->nkids ? build(b, n->kids[0], 1) : NULL;
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
            /* Dates and source: leaves weigh nothing: under AND they filter
             * the other kids. Under OR a source: leaf is one alternative
             * among the others (a filter there would require it); its
             * query is scaled to weigh 0 (leaf_query). */
            if (k->kind == NS_Q_NOT)
                neg[nn++] = q;
            else if (n->kind == NS_Q_AND && (k->kind == NS_Q_DATE || k->field == NS_FIELD_SOURCE))
                flt[nf++] = q;
            else
                pos[np++] = q;
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

/* The matcher of leaf n, or SIZE_MAX when it has none (nothing searchable
 * in it). */
size_t plan_leaf(const plan *b, const ns_qnode *n)
{
    for (size_t i = 0; i < b->nleaf; i++) {
        if (b->leaf[i] == n) return b->leafm[i];
    }
    return SIZE_MAX;
}

static int in_subtree(const plan *b, const ns_qnode *n, size_t mi)
{
    if (n->nkids == 0) return plan_leaf(b, n) == mi;
    for (size_t k = 0; k < n->nkids; k++) {
        if (in_subtree(b, n->kids[k], mi)) return 1;
    }
    return 0;
}

/* The forms b's matchers look for (match.c, match_find): the terms of a
 * sequence's positions and its joined forms, an exact form, the start of
 * one. */
static int list_wanted(plan *b)
{
    size_t n = 0;
    for (size_t mi = 0; mi < b->nm; mi++) {
        const matcher *m = &b->m[mi];
        n += m->kind == M_SEQ ? m->njoined : 1 + m->nparts + (m->xjoined != NULL);
        for (size_t k = 0; m->kind == M_SEQ && k < m->npos; k++)
            n += m->nalts[k];
    }
    free(b->want);
    b->nwant = 0;
    b->want = malloc((n ? n : 1) * sizeof *b->want);
    if (!b->want) return -1;
    for (size_t mi = 0; mi < b->nm; mi++) {
        const matcher *m = &b->m[mi];
        if (m->kind != M_SEQ) {
            int pre = m->kind == M_PREFIX;
            if (m->word && !m->nparts)
                b->want[b->nwant++] =
                    (want){m->word, strlen(m->word), pre ? WANT_PREFIX : WANT_EXACT};
            for (size_t k = 0; k < m->nparts; k++)
                b->want[b->nwant++] = (want){m->parts[k], strlen(m->parts[k]),
                                             pre && k + 1 == m->nparts ? WANT_PREFIX : WANT_EXACT};
            if (m->xjoined)
                b->want[b->nwant++] =
                    (want){m->xjoined, strlen(m->xjoined), pre ? WANT_PREFIX : WANT_EXACT};
            continue;
        }
        for (size_t k = 0; k < m->npos; k++)
            for (size_t j = 0; j < m->nalts[k]; j++)
                if (m->alts[k][j])
                    b->want[b->nwant++] = (want){m->alts[k][j], strlen(m->alts[k][j]), WANT_TERM};
        for (size_t j = 0; j < m->njoined; j++)
            if (m->joined[j])
                b->want[b->nwant++] = (want){m->joined[j], strlen(m->joined[j]), WANT_TERM};
    }
    return 0;
}

/* Ready b for matching once its matchers are all made: b->near_side and
 * b->near_need from the query tree, b->want from the matchers. -1: out of
 * memory. */
int plan_prepare(plan *b)
{
    if (list_wanted(b) != 0) return -1;
    free(b->near_side);
    b->near_side = NULL;
    if (!b->nnear) return 0;
    b->near_side = malloc(b->nnear * (b->nm ? b->nm : 1) * sizeof *b->near_side);
    if (!b->near_side) return -1;
    for (size_t j = 0; j < b->nnear; j++) {
        const ns_qnode *n = b->near[j];
        size_t *side_of = b->near_side + j * b->nm;
        b->near_need[j] = 0;
        for (size_t mi = 0; mi < b->nm; mi++)
            side_of[mi] = SIZE_MAX;
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

void plan_clear(plan *b)
{
    for (size_t i = 0; i < b->nm; i++)
        matcher_free(&b->m[i]);
    free(b->m);
    b->m = NULL;
    b->nm = b->capm = 0;
    b->nleaf = b->nnear = b->nverify = 0;
    b->has_source = 0;
    b->has_not = 0;
    free(b->near_side);
    b->near_side = NULL;
    free(b->want);
    b->want = NULL;
    b->nwant = 0;
}

/* Word-like children of the top AND: what the partial fallback joins by
 * OR. */
static int plan_wordlike(const ns_qnode *k)
{
    return (k->kind == NS_Q_WORD || k->kind == NS_Q_PHRASE || k->kind == NS_Q_EXACT ||
            k->kind == NS_Q_WILDCARD) &&
           k->field != NS_FIELD_SOURCE;
}

/* Plain words joined by AND: the query that may fall back to OR. */
int plan_relaxable(const ns_qnode *n)
{
    if (n->kind != NS_Q_AND || n->nkids < 2) return 0;
    size_t words = 0;
    for (size_t i = 0; i < n->nkids; i++)
        words += (size_t)plan_wordlike(n->kids[i]);
    return words >= 2;
}

/* The relaxed form of a plan_relaxable tree: its word-like children joined by
 * OR, the rest (exclusions, dates, groups, source:) still required. Built
 * in caller's storage: or and and_ nodes, kids arrays of tree->nkids + 1. */
const ns_qnode *plan_relax(const ns_qnode *tree, ns_qnode *or_, ns_qnode **orkids, ns_qnode *and_,
                           ns_qnode **andkids)
{
    memset(or_, 0, sizeof *or_);
    memset(and_, 0, sizeof *and_);
    or_->kind = NS_Q_OR;
    or_->offset = tree->offset;
    or_->kids = orkids;
    and_->kind = NS_Q_AND;
    and_->offset = tree->offset;
    and_->kids = andkids;
    andkids[and_->nkids++] = or_;
    for (size_t i = 0; i < tree->nkids; i++) {
        if (plan_wordlike(tree->kids[i]))
            orkids[or_->nkids++] = tree->kids[i];
        else
            andkids[and_->nkids++] = tree->kids[i];
    }
    return and_->nkids == 1 ? or_ : and_;
}

xc_query *plan_build(plan *b, const ns_qnode *top)
{
    b->top = top;
    xc_query *q = build(b, top, 0);
    if (!q || b->st != NS_OK || !b->pairs || !b->pairs->n) return q;
    xc_query *flt[NS_QUERY_MAX_TERMS + 1];
    size_t nf = 1;
    flt[0] = q;
    if (required_pairs(b, top, flt, &nf, NS_QUERY_MAX_TERMS + 1) != 0) {
        free_all(flt, nf);
        b->st = ns_error_set(b->err, NS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    return nf == 1 ? q : combine(b, XC_OP_FILTER, flt, nf);
}
