/* rank.c: an article's matching passages, their scores and highlights; the
 * ranked list, block by block.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Each passage is scored by the matchers it contains (BM25-like, weighted
 * by each leaf's idf, the title's matches counting in every passage), by
 * the share of the query it covers and by how close together the matches
 * are; a share of its article's weight is added per block. Matches give the
 * highlight spans, in bytes of the passage text.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search_int.h"

void rank_cand_free(cand *c)
{
    free(c->spans);
    free(c->explain);
    c->spans = NULL;
    c->explain = NULL;
}

void rank_art_free(art *a)
{
    ns_record_clear(&a->rec);
    free(a->blob);
    memset(a, 0, sizeof *a);
}

/* Free what the private storage holds and empty it. */
void rank_priv_clear(priv *p)
{
    for (size_t i = 0; i < p->narts; i++)
        rank_art_free(&p->arts[i]);
    for (size_t i = 0; i < p->ncands; i++)
        rank_cand_free(&p->cands[i]);
    free(p->arts);
    free(p->cands);
    memset(p, 0, sizeof *p);
}

void ns_results_free(ns_results *r)
{
    if (!r) return;
    if (r->priv) rank_priv_clear(r->priv);
    free(r->priv);
    free(r->hits);
    free(r->parsed);
    free(r);
}

/* Equal Xapian weights: order by article id (then path), never by docid,
 * which depends on how the index was built or sharded. Under --sort=date the
 * newer article first. */
int rank_cmp_art(const void *a, const void *b, void *by_date)
{
    const art *x = a, *y = b;
    if (*(const int *)by_date && x->rec.art.date != y->rec.art.date)
        return x->rec.art.date > y->rec.art.date ? -1 : 1;
    int c = strcmp(x->rec.art.id, y->rec.art.id);
    if (c) return c;
    return strcmp(x->rec.art.path, y->rec.art.path);
}

/* A block's passages: best score first; ties on the article's rank, then
 * the passage's place in its article. */
static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->art != y->art) return x->art < y->art ? -1 : 1;
    return x->passage < y->passage ? -1 : x->passage > y->passage;
}

/* Under --sort=date: article order, then the best passages first. */
static int cmp_cand_date(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->art != y->art) return x->art < y->art ? -1 : 1;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->passage < y->passage ? -1 : x->passage > y->passage;
}

/* A passage of an article, best first: score, then place. */
static int cmp_cand_in_article(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->passage < y->passage ? -1 : x->passage > y->passage;
}

int rank_candv_add(candv *cv, cand c)
{
    if (cv->n == cv->cap) {
        size_t nc = cv->cap ? cv->cap * 2 : 16;
        cand *v = realloc(cv->v, nc * sizeof *v);
        if (!v) return -1;
        cv->v = v;
        cv->cap = nc;
    }
    cv->v[cv->n++] = c;
    return 0;
}

void rank_candv_free(candv *cv)
{
    for (size_t i = 0; i < cv->n; i++)
        rank_cand_free(&cv->v[i]);
    free(cv->v);
    memset(cv, 0, sizeof *cv);
}

/* The matching passages of article a (see doc/query-syntax.md, "What
 * matches"): the query holds on the passage read with its article's title,
 * NOT on the whole article. Adds the best per_article of them to *out, best
 * first, scored without their article's share (added per block); *nmatch
 * gets the number of passages that match. */
ns_status rank_article(ns_analyzer *an, plan *b, const art *a, size_t ai, size_t per_article,
                       int explain, int count_only, candv *out, size_t *nmatch)
{
    *nmatch = 0;
    double total_idf = 0;
    size_t nscored = 0;
    for (size_t i = 0; i < b->nm; i++) {
        if (!b->m[i].scored) continue;
        total_idf += b->m[i].idf;
        nscored++;
    }
    if (total_idf <= 0) total_idf = 1;
    size_t nm1 = b->nm ? b->nm : 1, nn1 = b->nnear ? b->nnear : 1;
    passage_scan ps = {0};
    ps.want = b->want;
    ps.nwant = b->nwant;
    occs o = {0};
    candv tc = {0};             /* passages that may match */
    unsigned char *bits = NULL; /* per entry of tc: its found[] and near[] when the query has NOT */
    size_t capbits = 0;
    size_t stride = nm1 + nn1;
    size_t *title_tf = calloc(nm1, sizeof *title_tf), *tf = calloc(nm1, sizeof *tf);
    double *title_wtf = calloc(nm1, sizeof *title_wtf);
    /* t*: in the title or source; p*: in one passage (with the title); a*:
     * anywhere in the article. */
    unsigned char *tfound = calloc(nm1, 1), *tnear = calloc(nn1, 1);
    unsigned char *pfound = calloc(nm1, 1), *pnear = calloc(nn1, 1);
    unsigned char *afound = calloc(nm1, 1), *anear = calloc(nn1, 1);
    ns_status st = NS_OK;
    if (!title_tf || !tf || !title_wtf || !tfound || !tnear || !pfound || !pnear || !afound ||
        !anear)
        st = NS_ERR_NOMEM;
    if (st == NS_OK && b->nm) {
        st = match_scan(an, &ps, &o, a->rec.art.title, strlen(a->rec.art.title));
        for (size_t mi = 0; st == NS_OK && mi < b->nm; mi++) {
            if (b->m[mi].field == NS_FIELD_SOURCE) continue;
            if (match_find(&ps, &b->m[mi], mi, &o, &title_tf[mi], &title_wtf[mi]) != 0)
                st = NS_ERR_NOMEM;
            if (title_tf[mi]) tfound[mi] = 1;
        }
        if (st == NS_OK) st = match_near_in(b, &o, tnear);
    }
    if (st == NS_OK && b->has_source) {
        st = match_scan(an, &ps, &o, a->rec.art.source, strlen(a->rec.art.source));
        for (size_t mi = 0; st == NS_OK && mi < b->nm; mi++) {
            size_t n = 0;
            double w = 0;
            if (b->m[mi].field != NS_FIELD_SOURCE) continue;
            if (match_find(&ps, &b->m[mi], mi, &o, &n, &w) != 0) st = NS_ERR_NOMEM;
            if (n) tfound[mi] = 1;
        }
        if (st == NS_OK) st = match_near_in(b, &o, tnear);
    }
    if (st == NS_OK) {
        memcpy(afound, tfound, nm1);
        memcpy(anear, tnear, nn1);
    }
    /* A count stops once per_article passages are sure to be listed: when
     * the query has no exclusion (which the rest of the article could
     * decide), they hold for good, and those holding a query word
     * themselves (own) are listed before any that hold only through the
     * title (see below). */
    size_t sure = 0;
    int settled = 0;
    for (size_t pi = 0; st == NS_OK && !settled && pi < a->rec.art.npassages; pi++) {
        const ns_passage *pa = &a->rec.art.passages[pi];
        if (b->nm) st = match_scan(an, &ps, &o, pa->text, pa->len);
        double sum = 0, covered = 0;
        size_t distinct = 0;
        char expl[512];
        size_t el = 0;
        expl[0] = '\0';
        /* Scored matchers first: their occurrences are the highlights. */
        for (size_t mi = 0; st == NS_OK && mi < b->nm; mi++) {
            double wtf = 0;
            tf[mi] = 0;
            if (!b->m[mi].scored) continue;
            if (match_find(&ps, &b->m[mi], mi, &o, &tf[mi], &wtf) != 0) {
                st = NS_ERR_NOMEM;
                break;
            }
            if (!tf[mi] && !title_tf[mi]) continue;
            wtf += TITLE_IN_PASSAGE * title_wtf[mi];
            distinct++;
            covered += b->m[mi].idf;
            double norm =
                PASSAGE_K1 * (1 - PASSAGE_B + PASSAGE_B * (double)ps.npos / PASSAGE_AVGLEN);
            double w = b->m[mi].idf * wtf * (PASSAGE_K1 + 1) / (wtf + norm);
            sum += w;
            if (explain && el < sizeof expl) {
                el += (size_t)snprintf(expl + el, sizeof expl - el, "%s%s=%.3f(tf %zu, title %zu)",
                                       el ? " " : "", b->m[mi].label, w, tf[mi], title_tf[mi]);
            }
        }
        size_t nocc = o.n;
        int own = 0;
        for (size_t mi = 0; mi < b->nm; mi++) {
            if (b->m[mi].scored && tf[mi]) own = 1;
        }
        for (size_t mi = 0; st == NS_OK && mi < b->nm; mi++) {
            double wtf = 0;
            if (b->m[mi].scored || b->m[mi].field != NS_FIELD_ANY) continue;
            if (match_find(&ps, &b->m[mi], mi, &o, &tf[mi], &wtf) != 0) st = NS_ERR_NOMEM;
        }
        if (st != NS_OK) break;
        for (size_t mi = 0; mi < b->nm; mi++) {
            int here = b->m[mi].field == NS_FIELD_ANY && tf[mi] > 0;
            pfound[mi] = (unsigned char)(here || tfound[mi]);
            if (here) afound[mi] = 1;
        }
        memset(pnear, 0, nn1);
        st = match_near_in(b, &o, pnear);
        if (st != NS_OK) break;
        for (size_t j = 0; j < b->nnear; j++) {
            if (pnear[j]) anear[j] = 1;
            pnear[j] = (unsigned char)(pnear[j] || tnear[j]);
        }
        o.n = nocc;
        /* Exclusions are facts about the whole article, known at its end:
         * assume they hold for now (they only ever sit under AND). */
        if (match_holds(b, b->top, pfound, pnear, NULL, NULL, a->rec.art.date) != 1) continue;
        double coverage = covered / total_idf;
        double prox = 0;
        if (distinct >= 2 && !count_only) {
            qsort(o.v, o.n, sizeof *o.v, match_cmp_occ_pos);
            uint32_t w = match_window(o.v, o.n, b->nm, distinct);
            prox = covered * 0.5 / (1.0 + (w > distinct ? (double)(w - distinct) : 0) / 4.0);
        }
        double score = nscored ? coverage * (sum + prox) / total_idf : 0;
        cand c = {ai, pi, score, NULL, 0, NULL, own};
        if (o.n && !count_only) {
            qsort(o.v, o.n, sizeof *o.v, match_cmp_occ);
            c.spans = malloc(o.n * sizeof *c.spans);
            if (!c.spans) {
                st = NS_ERR_NOMEM;
                break;
            }
            for (size_t k = 0; k < o.n; k++) {
                if (c.nspans && o.v[k].start < c.spans[c.nspans - 1].end) {
                    if (o.v[k].end > c.spans[c.nspans - 1].end)
                        c.spans[c.nspans - 1].end = o.v[k].end;
                    continue;
                }
                c.spans[c.nspans++] = (ns_span){o.v[k].start, o.v[k].end};
            }
        }
        if (explain) {
            char buf[768];
            snprintf(buf, sizeof buf, "%s%sproximity=%.3f coverage=%.2f", expl, el ? " " : "", prox,
                     coverage);
            c.explain = strdup(buf);
        }
        if (b->has_not) {
            if (tc.n == capbits) {
                size_t nc = capbits ? capbits * 2 : 16;
                unsigned char *v = realloc(bits, nc * stride);
                if (!v) {
                    rank_cand_free(&c);
                    st = NS_ERR_NOMEM;
                    break;
                }
                bits = v;
                capbits = nc;
            }
            memcpy(bits + tc.n * stride, pfound, nm1);
            memcpy(bits + tc.n * stride + nm1, pnear, nn1);
        }
        if (rank_candv_add(&tc, c) != 0) {
            rank_cand_free(&c);
            st = NS_ERR_NOMEM;
        }
        if (count_only && !b->has_not && (!nscored || own) && ++sure >= per_article) settled = 1;
    }
    if (st == NS_OK && b->has_not) {
        /* Now the exclusions are known: keep the passages that still hold. */
        size_t k = 0;
        for (size_t i = 0; i < tc.n; i++) {
            const unsigned char *pb = bits + i * stride;
            if (match_holds(b, b->top, pb, pb + nm1, afound, anear, a->rec.art.date) == 1) {
                tc.v[k++] = tc.v[i];
            } else {
                rank_cand_free(&tc.v[i]);
            }
        }
        tc.n = k;
    }
    if (st == NS_OK && nscored) {
        /* A passage that holds none of the query's words itself (only
         * through the title) is listed only as its article's lead, when no
         * passage holds any. */
        size_t k = 0, owned = 0;
        for (size_t i = 0; i < tc.n; i++)
            owned += (size_t)tc.v[i].own;
        for (size_t i = 0; i < tc.n; i++) {
            if (owned ? tc.v[i].own : k == 0)
                tc.v[k++] = tc.v[i];
            else
                rank_cand_free(&tc.v[i]);
        }
        tc.n = k;
    }
    if (st == NS_OK) {
        *nmatch = tc.n;
        if (tc.n > 1) qsort(tc.v, tc.n, sizeof *tc.v, cmp_cand_in_article);
        for (size_t i = 0; i < tc.n; i++) {
            if (i < per_article && st == NS_OK) {
                if (rank_candv_add(out, tc.v[i]) == 0) continue;
                st = NS_ERR_NOMEM;
            }
            rank_cand_free(&tc.v[i]);
        }
        tc.n = 0;
    }
    rank_candv_free(&tc);
    free(bits);
    free(title_tf);
    free(tf);
    free(title_wtf);
    free(tfound);
    free(tnear);
    free(pfound);
    free(pnear);
    free(afound);
    free(anear);
    free(ps.toks);
    ns_buf_free(&ps.text);
    free(o.v);
    return st;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* 1: added, 0: already there, -1: out of memory. */
static int pathset_add(pathset *ps, const char *path)
{
    if (2 * (ps->n + 1) > ps->cap) {
        size_t nc = ps->cap ? ps->cap * 2 : 64;
        char **v = calloc(nc, sizeof *v);
        if (!v) return -1;
        for (size_t i = 0; i < ps->cap; i++) {
            if (!ps->own[i]) continue;
            size_t k = hash_str(ps->own[i]) & (nc - 1);
            while (v[k])
                k = (k + 1) & (nc - 1);
            v[k] = ps->own[i];
        }
        free(ps->own);
        ps->own = v;
        ps->cap = nc;
    }
    size_t k = hash_str(path) & (ps->cap - 1);
    while (ps->own[k]) {
        if (strcmp(ps->own[k], path) == 0) return 0;
        k = (k + 1) & (ps->cap - 1);
    }
    if (!(ps->own[k] = strdup(path))) return -1;
    ps->n++;
    return 1;
}

void rank_pathset_free(pathset *ps)
{
    for (size_t i = 0; i < ps->cap; i++)
        free(ps->own[i]);
    free(ps->own);
    memset(ps, 0, sizeof *ps);
}

static ns_status keep_hit(priv *p, cand c)
{
    if (p->ncands == p->capc) {
        size_t nc = p->capc ? p->capc * 2 : 16;
        cand *v = realloc(p->cands, nc * sizeof *v);
        if (!v) return NS_ERR_NOMEM;
        p->cands = v;
        p->capc = nc;
    }
    p->cands[p->ncands++] = c;
    return NS_OK;
}

/* Rank the current block and hand out its list entries. */
ns_status rank_finish_block(lister *l, priv *p)
{
    ns_status st = NS_OK;
    candv *bc = &l->block;
    for (size_t i = 0; i < bc->n; i++) {
        cand *c = &bc->v[i];
        double artpart = ARTICLE_SHARE * (l->max_w > 0 ? p->arts[c->art].weight / l->max_w : 0);
        c->score += artpart;
        if (l->o->explain && c->explain) {
            size_t n = strlen(c->explain);
            char *e = realloc(c->explain, n + 32);
            if (!e) return NS_ERR_NOMEM;
            snprintf(e + n, 32, " article=%.3f", artpart);
            c->explain = e;
        }
    }
    if (bc->n > 1)
        qsort(bc->v, bc->n, sizeof *bc->v, l->o->sort_by_date ? cmp_cand_date : cmp_cand);
    size_t kept_from = p->ncands;
    for (size_t i = 0; i < bc->n; i++) {
        cand c = bc->v[i];
        l->passages++;
        int entry = 1;
        if (l->files && st == NS_OK) {
            int r = pathset_add(&l->seen, p->arts[c.art].rec.art.path);
            if (r < 0) st = NS_ERR_NOMEM;
            entry = r > 0;
        }
        if (entry) {
            size_t idx = l->emitted++;
            if (st == NS_OK && idx >= l->from && idx < l->to) {
                st = keep_hit(p, c);
                if (st == NS_OK) continue;
            }
        }
        rank_cand_free(&c);
    }
    bc->n = 0;
    l->articles += l->block_arts;
    if (!l->have0) {
        l->have0 = 1;
        l->p0 = l->passages;
        l->m0 = l->articles;
        l->s0 = l->scanned;
    }
    if (p->ncands == kept_from) {
        /* Nothing of this block is shown: let its articles go. */
        for (size_t i = l->block_from; i < p->narts; i++)
            rank_art_free(&p->arts[i]);
        p->narts = l->block_from;
    }
    l->block_from = p->narts;
    l->block_arts = 0;
    return st;
}
