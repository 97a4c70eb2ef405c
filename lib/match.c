/* match.c: finding a query's leaves in analyzed text, and whether the query
 * holds on a passage.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A pure function of the plan's matchers and the analyzer's tokens: no
 * Xapian, no I/O. The meaning is doc/query-syntax.md's "What matches";
 * tests/unit/test_match.c checks it case by case and tests/oracle/ against
 * a second implementation.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search_int.h"

/* Weight of an occurrence that matched only through stemming ("secured"
 * for "security"): it counts, but less than the word as typed. */
#define STEM_ONLY_WEIGHT 0.6

/* Does token t have a form some matcher looks for (ps->want)? */
static int wanted(const passage_scan *ps, const ns_token *t)
{
    if (!ps->want) return 1;
    for (size_t i = 0; i < ps->nwant; i++) {
        const want *w = &ps->want[i];
        const char *s = w->kind == WANT_TERM ? t->term : t->exact;
        size_t n = w->kind == WANT_TERM ? t->term_len : t->exact_len;
        if ((w->kind == WANT_PREFIX ? n >= w->len : n == w->len) && memcmp(s, w->s, w->len) == 0)
            return 1;
    }
    return 0;
}

static int scan_token(void *ctx, const ns_token *t)
{
    passage_scan *ps = ctx;
    if (!wanted(ps, t)) return 0;
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

/* Is t a word of the text: a primary token or the joined form of a
 * compound, not the dotted alternative of a word in capitals? */
static int whole_word(const ptok *t)
{
    return !(t->flags & NS_TOK_ALT) || !(t->flags & NS_TOK_ACRONYM);
}

/* Is t's exact form s (or, prefix set, does it begin with s)? */
static int exact_is(const passage_scan *ps, const ptok *t, const char *s, int prefix)
{
    size_t n = strlen(s);
    return (prefix ? t->exact_len >= n : t->exact_len == n) &&
           memcmp(ps->text.data + t->exact, s, n) == 0;
}

/* Does the exact-form compound of m (m->parts) start at token i? Its last
 * position goes to *epos and its end to *end. */
static int parts_at(const passage_scan *ps, const matcher *m, size_t i, size_t *end, uint32_t *epos)
{
    const ptok *t = &ps->toks[i];
    int pre = m->kind == M_PREFIX;
    if ((t->flags & NS_TOK_ALT) || !exact_is(ps, t, m->parts[0], 0)) return 0;
    for (size_t k = 1; k < m->nparts; k++) {
        uint32_t at = t->pos + (uint32_t)k;
        int found = 0;
        for (size_t x = i + 1; x < ps->n && ps->toks[x].pos <= at; x++) {
            const ptok *u = &ps->toks[x];
            if (u->pos == at && !(u->flags & NS_TOK_ALT) &&
                exact_is(ps, u, m->parts[k], pre && k + 1 == m->nparts)) {
                found = 1;
                i = x;
                *end = u->end;
                *epos = at;
                break;
            }
        }
        if (!found) return 0;
    }
    return 1;
}

/* Find every occurrence of matcher mi in the scanned passage. */

int match_find(const passage_scan *ps, const matcher *m, size_t mi, occs *o, size_t *count,
               double *weight)
{
    *count = 0;
    *weight = 0;
    for (size_t i = 0; i < ps->n; i++) {
        const ptok *t = &ps->toks[i];
        int hit = 0;
        size_t end = t->end;
        uint32_t epos = t->pos;
        if (m->kind != M_SEQ && !m->nparts) {
            /* One word: its form, or a compound's joined form. */
            hit = whole_word(t) && exact_is(ps, t, m->word, m->kind == M_PREFIX);
        } else if (m->kind != M_SEQ) {
            /* A compound: its parts in a row, or its joined form alone. */
            hit = parts_at(ps, m, i, &end, &epos) ||
                  (m->xjoined && whole_word(t) && exact_is(ps, t, m->xjoined, m->kind == M_PREFIX));
        } else if (m->njoined && tok_in(ps, t, m->joined, m->njoined)) {
            hit = 1;
        } else if (m->npos && tok_in(ps, t, m->alts[0], m->nalts[0])) {
            /* Walk the rest of the sequence at consecutive positions. */
            hit = 1;
            size_t j = i;
            for (size_t k = 1; k < m->npos && hit; k++) {
                uint32_t at = t->pos + (uint32_t)k;
                int found = 0;
                for (size_t x = j + 1; x < ps->n && ps->toks[x].pos <= at; x++) {
                    if (ps->toks[x].pos == at &&
                        tok_in(ps, &ps->toks[x], m->alts[k], m->nalts[k])) {
                        found = 1;
                        j = x;
                        end = ps->toks[x].end;
                        epos = at;
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

int match_cmp_occ(const void *a, const void *b)
{
    const occ *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

/* Smallest window of positions holding at least one occurrence of every
 * matched matcher (occurrences sorted by position). */
uint32_t match_window(occ *v, size_t n, size_t nm, size_t distinct)
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

int match_cmp_occ_pos(const void *a, const void *b)
{
    const occ *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
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

/* Does NEAR j hold among the occurrences v[0..nv) of one title, passage or
 * source: one occurrence of each side, with at most n - 1 words from the
 * first one's start to the last one's end that are in none of them? (For
 * words: at most n positions apart, as Xapian's NEAR.) -1: out of memory. */
static int match_near(const plan *b, size_t j, const occ *v, size_t nv)
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
                while (y < x && (w[y].pos != w[x].pos || w[y].epos != w[x].epos))
                    y++;
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

/* The query node n on one passage (see doc/query-syntax.md, "What
 * matches"): found[mi] and near_ok[j] say which matchers and NEARs hold
 * there (the passage with its title and source). The kid of a NOT is
 * evaluated on the whole article (afound, anear); when those are NULL (not
 * known yet) a NOT is taken to hold. 1 holds, 0 fails, -1 says nothing (a
 * leaf with nothing searchable in it). */
int match_holds(const plan *b, const ns_qnode *n, const unsigned char *found,
                const unsigned char *near_ok, const unsigned char *afound,
                const unsigned char *anear, int64_t date)
{
    switch (n->kind) {
    case NS_Q_WORD:
    case NS_Q_EXACT:
    case NS_Q_PHRASE:
    case NS_Q_WILDCARD: {
        size_t mi = plan_leaf(b, n);
        return mi == SIZE_MAX ? -1 : found[mi];
    }
    case NS_Q_DATE: return date != NS_NO_DATE && date >= n->date_lo && date <= n->date_hi;
    case NS_Q_NOT: {
        if (!afound) return 1;
        int r = n->nkids ? match_holds(b, n->kids[0], afound, anear, afound, anear, date) : -1;
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
            int r = match_holds(b, n->kids[k], found, near_ok, afound, anear, date);
            if (r == 0) return 0;
            if (r > 0) any = 1;
        }
        return any ? 1 : -1;
    }
    case NS_Q_OR: {
        int any = 0;
        for (size_t k = 0; k < n->nkids; k++) {
            int r = match_holds(b, n->kids[k], found, near_ok, afound, anear, date);
            if (r == 1) return 1;
            if (r == 0) any = 1;
        }
        return any ? 0 : -1;
    }
    }
    return -1;
}

/* Analyze text into ps (emptied first); ps->npos: its length in words. */
ns_status match_scan(ns_analyzer *an, passage_scan *ps, occs *o, const char *text, size_t len)
{
    ps->n = 0;
    ps->npos = 0;
    ps->text.len = 0;
    o->n = 0;
    ns_status st = ns_analyze(an, text, len, scan_token, ps, &ps->npos);
    return st == NS_OK && ps->nomem ? NS_ERR_NOMEM : st;
}

/* Which NEARs hold among one text's occurrences: ok[j] |= holds. */
ns_status match_near_in(const plan *b, const occs *o, unsigned char *ok)
{
    for (size_t j = 0; j < b->nnear; j++) {
        if (ok[j]) continue;
        int r = match_near(b, j, o->v, o->n);
        if (r < 0) return NS_ERR_NOMEM;
        ok[j] = (unsigned char)r;
    }
    return NS_OK;
}
