/* document.c: an article as a Xapian document of schema.h, and the common
 * words whose neighbouring pairs it holds (document.h).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A document is built from the analyzer's tokens: the title's each count
 * NS_TITLE_WDF and go in again under NS_PREFIX_TITLE; a passage's go in
 * once each however often they occur (a body term's wdf counts the
 * passages that hold it); the source's under NS_PREFIX_SOURCE; the pairs of
 * neighbouring common words as boolean terms; then the file and id terms,
 * the date and sort-key values and the record (record.h) as data, packed
 * with the index's dictionary when it has one (pack.h).
 */
#include "document.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "index.h"
#include "record.h"
#include "schema.h"
#include "xcerr.h"

/* ------------------------------------------------------ the common words */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void ns_pairs_free(ns_pairs *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->w[i]);
    free(p->w);
    p->w = NULL;
    p->n = 0;
}

int ns_pairs_has(const ns_pairs *p, const char *term)
{
    return p->n && bsearch(&term, p->w, p->n, sizeof *p->w, cmp_str) != NULL;
}

ns_status ns_pairs_parse(const char *val, size_t len, ns_pairs *p)
{
    ns_pairs_free(p);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += val[i] == '\n';
    p->w = calloc(n + 1, sizeof *p->w);
    if (!p->w) return NS_ERR_NOMEM;
    for (const char *s = val, *end = val + len; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s);
        if (l && !(p->w[p->n++] = strndup(s, l))) {
            p->n--;
            ns_pairs_free(p);
            return NS_ERR_NOMEM;
        }
        s += l + 1;
    }
    if (p->n > 1) qsort(p->w, p->n, sizeof *p->w, cmp_str);
    return NS_OK;
}

ns_status ns_pairs_format(const ns_pairs *p, ns_buf *out)
{
    ns_status st = NS_OK;
    for (size_t i = 0; st == NS_OK && i < p->n; i++) {
        st = ns_buf_add(out, p->w[i], strlen(p->w[i]));
        if (st == NS_OK) st = ns_buf_add(out, "\n", 1);
    }
    if (st == NS_OK && !p->n) st = ns_buf_add(out, "\n", 1);
    return st;
}

void ns_pairs_meet(ns_pairs *p, const ns_pairs *q)
{
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (ns_pairs_has(q, p->w[i]))
            p->w[k++] = p->w[i];
        else
            free(p->w[i]);
    }
    p->n = k;
}

/* ------------------------------------------------------------- documents */

ns_status ns_doc_init(ns_docbuilder *b, const char *lang, const ns_pairs *pairs, ns_error *err)
{
    memset(b, 0, sizeof *b);
    b->pairs = pairs;
    return ns_analyzer_new(lang, &b->an, err);
}

void ns_doc_clear(ns_docbuilder *b)
{
    xc_document_free(b->doc);
    ns_analyzer_free(b->an);
    ns_buf_free(&b->data);
    ns_buf_free(&b->packed);
    ns_pack_ctx_free(b->zctx);
    ns_buf_free(&b->pterms);
    free(b->tok);
    ns_buf_free(&b->tbytes);
    free(b->terms);
    free(b->slots);
    ns_forms_free(&b->forms);
    memset(b, 0, sizeof *b);
}

/* A passage's token: collect its term and position (added below). */
static int collect_token(void *ctx, const ns_token *t)
{
    ns_docbuilder *ix = ctx;
    if (ix->ntok == ix->captok) {
        size_t nc = ix->captok ? ix->captok * 2 : 256;
        struct ns_doctok *v = realloc(ix->tok, nc * sizeof *v);
        if (!v) {
            ix->doc_st = XC_ERR_NOMEM;
            return 1;
        }
        ix->tok = v;
        ix->captok = nc;
    }
    ix->tok[ix->ntok++] = (struct ns_doctok){ix->pterms.len, t->pos, 0};
    /* A term that does not begin its word's form ("happy" -> "happi",
     * "déjà" -> "deja"): noted, so that a wildcard knows which terms may
     * hold its words (forms.h). Not the dotted alternative of a word in
     * capitals, which is no word of the text (match.c; its term has a dot,
     * and a count takes such terms as unsure). */
    size_t common = 0, n = t->term_len < t->exact_len ? t->term_len : t->exact_len;
    int word = !((t->flags & NS_TOK_ALT) && (t->flags & NS_TOK_ACRONYM));
    while (word && common < n && t->term[common] == t->exact[common])
        common++;
    if (word && common < t->term_len &&
        ns_forms_note(&ix->forms, t->term, t->term_len, (unsigned)common) != NS_OK) {
        ix->doc_st = XC_ERR_NOMEM;
        return 1;
    }
    if (ns_buf_add(&ix->pterms, t->term, t->term_len) != NS_OK ||
        ns_buf_add(&ix->pterms, "", 1) != NS_OK) {
        ix->doc_st = XC_ERR_NOMEM;
        return 1;
    }
    return 0;
}

/* Offsets into a buffer of NUL-terminated terms (base), by their terms. */
static int cmp_pterm(const void *a, const void *b, void *base)
{
    return strcmp((const char *)base + *(const size_t *)a, (const char *)base + *(const size_t *)b);
}

/* Collect text's tokens into ix->pterms and ix->tok, in text order. */
static ns_status collect(ns_docbuilder *ix, const char *text, size_t len)
{
    ix->pterms.len = 0;
    ix->ntok = 0;
    ns_status st = ns_analyze(ix->an, text, len, collect_token, ix, NULL);
    if (st == NS_OK && ix->doc_st != XC_OK) st = ns_status_from_xc(ix->doc_st);
    return st;
}

/* ------------------------------------------ the document's terms */

static uint32_t term_hash(const char *t, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)t[i]) * 16777619u;
    return h;
}

/* The entry of term prefix+t[0..len) (prefix: "" or one letter), made
 * with wdf 0 when new; UINT32_MAX when out of memory. */
static uint32_t term_entry(ns_docbuilder *ix, const char *prefix, const char *t, size_t len)
{
    char buf[2 * NS_TERM_MAX + 16];
    size_t pl = strlen(prefix);
    if (pl) {
        if (len + pl > sizeof buf) len = sizeof buf - pl;
        memcpy(buf, prefix, pl);
        memcpy(buf + pl, t, len);
        t = buf;
        len += pl;
    }
    uint32_t h = term_hash(t, len);
    if (ix->nslots) {
        size_t mask = ix->nslots - 1;
        for (size_t i = h & mask; ix->slots[i]; i = (i + 1) & mask) {
            const struct ns_docterm *e = &ix->terms[ix->slots[i] - 1];
            if (e->hash == h && e->len == len && !memcmp(ix->tbytes.data + e->off, t, len))
                return ix->slots[i] - 1;
        }
    }
    if (ix->nterms >= ix->nslots / 2) {
        /* Grow the table (at most half full) and place every entry again. */
        size_t n = ix->nslots ? ix->nslots * 2 : 1024;
        uint32_t *v = calloc(n, sizeof *v);
        if (!v) return UINT32_MAX;
        free(ix->slots);
        ix->slots = v;
        ix->nslots = n;
        for (size_t k = 0; k < ix->nterms; k++) {
            size_t i = ix->terms[k].hash & (n - 1);
            while (v[i])
                i = (i + 1) & (n - 1);
            v[i] = (uint32_t)k + 1;
            ix->terms[k].slot = (uint32_t)i;
        }
    }
    if (ix->nterms == ix->capterms) {
        size_t nc = ix->capterms ? ix->capterms * 2 : 512;
        struct ns_docterm *v = realloc(ix->terms, nc * sizeof *v);
        if (!v) return UINT32_MAX;
        ix->terms = v;
        ix->capterms = nc;
    }
    size_t off = ix->tbytes.len;
    if (ns_buf_add(&ix->tbytes, t, len) != NS_OK) return UINT32_MAX;
    size_t i = h & (ix->nslots - 1);
    while (ix->slots[i])
        i = (i + 1) & (ix->nslots - 1);
    uint32_t k = (uint32_t)ix->nterms++;
    ix->slots[i] = k + 1;
    ix->terms[k] = (struct ns_docterm){off, len, h, (uint32_t)i, 0, UINT32_MAX, 0, 0};
    return k;
}

/* The collected tokens' entries (tok[].ent), and whether each is a
 * common word (looked up once per term of the document, not per token). */
static ns_status resolve(ns_docbuilder *ix)
{
    for (size_t i = 0; i < ix->ntok; i++) {
        const char *t = ix->pterms.data + ix->tok[i].off;
        size_t before = ix->nterms;
        uint32_t e = term_entry(ix, "", t, strlen(t));
        if (e == UINT32_MAX) return NS_ERR_NOMEM;
        if (ix->nterms != before)
            ix->terms[e].common = ix->pairs && ix->pairs->n && ns_pairs_has(ix->pairs, t);
        ix->tok[i].ent = e;
    }
    return NS_OK;
}

/* Add the gathered terms to ix->doc, each once, and forget them. */
static ns_status flush_terms(ns_docbuilder *ix)
{
    xc_status xs = XC_OK;
    for (size_t k = 0; k < ix->nterms; k++) {
        const struct ns_docterm *e = &ix->terms[k];
        ix->slots[e->slot] = 0;
        if (xs != XC_OK) continue;
        if (e->boolean)
            xs = xc_document_add_boolean_term(ix->doc, ix->tbytes.data + e->off, e->len);
        else if (e->wdf)
            xs = xc_document_add_term(ix->doc, ix->tbytes.data + e->off, e->len, e->wdf);
    }
    ix->nterms = 0;
    ix->tbytes.len = 0;
    return xs == XC_OK ? NS_OK : ns_status_from_xc(xs);
}

/* Tokens by position, then in text order (their terms' offsets grow). */
static int cmp_tok_pos(const void *a, const void *b)
{
    const struct ns_doctok *x = a, *y = b;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* The pair terms of the collected tokens: NS_PREFIX_PAIR a " " b for
 * every token b one position after a token a, both common words (tokens
 * that share a position, such as a compound's parts and joined form, pair
 * with each). The tokens are taken in position order, as the passage scan
 * matches a phrase (match.c). */
static ns_status add_pairs(ns_docbuilder *ix)
{
    if (!ix->pairs || !ix->pairs->n || ix->ntok < 2) return NS_OK;
    struct ns_doctok *ord = malloc(ix->ntok * sizeof *ord);
    if (!ord) return NS_ERR_NOMEM;
    memcpy(ord, ix->tok, ix->ntok * sizeof *ord);
    /* Mostly in position order already (a compound's joined form comes
     * after its parts). */
    size_t k0 = 1;
    while (k0 < ix->ntok && cmp_tok_pos(&ord[k0 - 1], &ord[k0]) <= 0)
        k0++;
    if (k0 < ix->ntok) qsort(ord, ix->ntok, sizeof *ord, cmp_tok_pos);
    char term[2 * NS_TERM_MAX + 8];
    ns_status st = NS_OK;
    size_t gstart = 0, pstart = 0, pend = 0; /* this position's run; the one before */
    int adjacent = 0;
    for (size_t k = 0; k < ix->ntok && st == NS_OK; k++) {
        uint32_t pos = ord[k].pos;
        if (k > 0 && pos != ord[k - 1].pos) {
            adjacent = ord[k - 1].pos + 1 == pos;
            pstart = gstart;
            pend = k;
            gstart = k;
        }
        if (!adjacent || !ix->terms[ord[k].ent].common) continue;
        const char *b = ix->pterms.data + ord[k].off;
        size_t bl = strlen(b);
        for (size_t j = pstart; j < pend && st == NS_OK; j++) {
            if (!ix->terms[ord[j].ent].common) continue;
            const char *a = ix->pterms.data + ord[j].off;
            size_t al = strlen(a);
            if (al + bl + 3 > sizeof term) continue;
            memcpy(term, a, al);
            term[al] = ' ';
            memcpy(term + 1 + al, b, bl);
            uint32_t e = term_entry(ix, NS_PREFIX_PAIR, term, 1 + al + bl);
            if (e == UINT32_MAX)
                st = NS_ERR_NOMEM;
            else
                ix->terms[e].boolean = 1;
        }
    }
    free(ord);
    return st;
}

/* Count each collected term under `prefix` (one letter), `wdf` for each
 * occurrence; "" counts the terms themselves. */
static ns_status add_collected(ns_docbuilder *ix, const char *prefix, uint32_t wdf)
{
    for (size_t i = 0; i < ix->ntok; i++) {
        const char *t = ix->pterms.data + ix->tok[i].off;
        uint32_t e = term_entry(ix, prefix, t, strlen(t));
        if (e == UINT32_MAX) return NS_ERR_NOMEM;
        ix->terms[e].wdf += wdf;
    }
    return NS_OK;
}

/* Add the title's terms: each occurrence NS_TITLE_WDF to the word, 1 to
 * its title: (S) term; and its pairs. */
static ns_status add_title(ns_docbuilder *ix, const char *title)
{
    ns_status st = collect(ix, title, strlen(title));
    if (st == NS_OK) st = resolve(ix);
    for (size_t i = 0; st == NS_OK && i < ix->ntok; i++)
        ix->terms[ix->tok[i].ent].wdf += NS_TITLE_WDF;
    if (st == NS_OK) st = add_collected(ix, NS_PREFIX_TITLE, 1);
    if (st == NS_OK) st = add_pairs(ix);
    return st;
}

/* Count passage k's terms, each 1 however often it occurs: over the
 * article, a body term's wdf is the number of its passages that hold it
 * (schema.h, NS_META_COUNTS). And its pairs. */
static ns_status add_passage(ns_docbuilder *ix, const ns_passage *p, uint32_t k)
{
    ns_status st = collect(ix, p->text, p->len);
    if (st == NS_OK) st = resolve(ix);
    if (st == NS_OK) st = add_pairs(ix);
    if (st != NS_OK) return st;
    for (size_t i = 0; i < ix->ntok; i++) {
        struct ns_docterm *e = &ix->terms[ix->tok[i].ent];
        if (e->last == k) continue;
        e->last = k;
        e->wdf++;
    }
    return NS_OK;
}

/* Count the source's terms under NS_PREFIX_SOURCE (the source: field), 1
 * for each occurrence. */
static ns_status add_source(ns_docbuilder *ix, const char *source)
{
    ns_status st = collect(ix, source, strlen(source));
    return st == NS_OK ? add_collected(ix, NS_PREFIX_SOURCE, 1) : st;
}

ns_status ns_doc_build(ns_docbuilder *ix, const ns_article *a, ns_error *err)
{
    xc_document_free(ix->doc);
    ix->doc = NULL;
    xc_status xs = xc_document_new(&ix->doc);
    if (xs != XC_OK) {
        return ns_error_from_xc(err, xs, a->path);
    }
    ix->doc_st = XC_OK;
    ns_status st = add_title(ix, a->title);
    for (size_t i = 0; st == NS_OK && i < a->npassages; i++)
        st = add_passage(ix, &a->passages[i], (uint32_t)i);
    if (st == NS_OK && a->source[0]) st = add_source(ix, a->source);
    /* Always: it also empties the table for the next article. */
    ns_status fs = flush_terms(ix);
    if (st == NS_OK) st = fs;
    if (st != NS_OK) {
        return ns_error_set(err, st, "%s:%zu: cannot index article: %s", a->path, a->line,
                            xc_errmsg());
    }

    char term[NS_FILEKEY_MAX + 64];
    size_t tlen = ns_index_file_term(a->path, term, sizeof term);
    xs = xc_document_add_boolean_term(ix->doc, term, tlen);
    tlen = ns_index_id_term(a->path, a->id, term, sizeof term);
    if (xs == XC_OK) xs = xc_document_add_boolean_term(ix->doc, term, tlen);
    if (a->date != NS_NO_DATE) {
        /* The form date filters compare with (plan.c formats their bounds
         * the same way). */
        char v[NS_DATE_BUF];
        size_t n = ns_date_format(a->date, NS_DATE_SLOT, v);
        if (xs == XC_OK) xs = xc_document_set_value(ix->doc, NS_SLOT_DATE, v, n);
        /* Its month (schema.h, NS_PREFIX_MONTH): "M" and "yyyymm". */
        char mt[8] = NS_PREFIX_MONTH;
        memcpy(mt + 1, v, 6);
        if (xs == XC_OK && n >= 6) xs = xc_document_add_boolean_term(ix->doc, mt, 7);
    }
    if (xs == XC_OK && a->npassages == 0)
        xs = xc_document_add_boolean_term(ix->doc, NS_KEY(NS_TERM_NO_PASSAGE));
    if (xs == XC_OK) {
        char np[24];
        int n = snprintf(np, sizeof np, "%zu", a->npassages);
        xs = xc_document_set_value(ix->doc, NS_SLOT_PASSAGES, np, (size_t)n);
    }
    if (xs == XC_OK) {
        /* The article's sort key: id, NUL, path (schema.h). */
        size_t il = strlen(a->id), pl = strlen(a->path);
        ix->pterms.len = 0;
        if (ns_buf_add(&ix->pterms, a->id, il + 1) != NS_OK ||
            ns_buf_add(&ix->pterms, a->path, pl) != NS_OK)
            return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        xs = xc_document_set_value(ix->doc, NS_SLOT_ID, ix->pterms.data, il + 1 + pl);
    }
    ix->data.len = 0;
    if (ns_record_encode(a, &ix->data) != NS_OK) {
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    const ns_buf *data = &ix->data;
    if (ix->pack && ix->pack->cdict && ix->data.len <= NS_RECORD_PACKED_MAX) {
        if (ns_pack(ix->pack, &ix->zctx, ix->data.data, ix->data.len, &ix->packed) != NS_OK)
            return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        data = &ix->packed;
    }
    if (xs == XC_OK) xs = xc_document_set_data(ix->doc, data->data, data->len);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, a->path);
    return NS_OK;
}

/* ------------------------------------------------- learning the words */

/* Learning them from a sample of articles: the words most articles hold
 * (index.c, "Word pairs", says which sample and why). */
typedef struct termcount {
    const char *t;
    size_t n;
} termcount;

static int cmp_count(const void *a, const void *b)
{
    const termcount *x = a, *y = b;
    if (x->n != y->n) return x->n > y->n ? -1 : 1;
    return strcmp(x->t, y->t);
}

ns_status ns_pairs_learn(ns_docbuilder *db, const ns_buf *sample, size_t nsample, size_t max_words,
                         unsigned min_share, ns_pairs *out)
{
    ns_buf words = {0}; /* every article's distinct terms, NUL-terminated */
    size_t *off = NULL, noff = 0, capoff = 0;
    ns_status st = NS_OK;
    for (size_t i = 0; st == NS_OK && i < nsample; i++) {
        ns_record rec;
        if (ns_record_decode(sample[i].data, sample[i].len, &rec) != NS_OK) continue;
        size_t first = noff;
        for (size_t k = 0; st == NS_OK && k <= rec.art.npassages; k++) {
            const char *text = k ? rec.art.passages[k - 1].text : rec.art.title;
            size_t len = k ? rec.art.passages[k - 1].len : strlen(rec.art.title);
            st = collect(db, text, len);
            for (size_t j = 0; st == NS_OK && j < db->ntok; j++) {
                if (noff == capoff) {
                    size_t nc = capoff ? capoff * 2 : 4096;
                    size_t *v = realloc(off, nc * sizeof *v);
                    if (!v) {
                        st = NS_ERR_NOMEM;
                        break;
                    }
                    off = v;
                    capoff = nc;
                }
                const char *t = db->pterms.data + db->tok[j].off;
                off[noff++] = words.len;
                st = ns_buf_add(&words, t, strlen(t) + 1);
            }
        }
        ns_record_clear(&rec);
        /* This article's terms once each. */
        if (st == NS_OK && noff - first > 1) {
            qsort_r(off + first, noff - first, sizeof *off, cmp_pterm, words.data);
            size_t k = first;
            for (size_t j = first; j < noff; j++)
                if (k == first || strcmp(words.data + off[k - 1], words.data + off[j]))
                    off[k++] = off[j];
            noff = k;
        }
    }
    termcount *tc = NULL;
    size_t ntc = 0;
    if (st == NS_OK && noff) {
        qsort_r(off, noff, sizeof *off, cmp_pterm, words.data);
        tc = malloc(noff * sizeof *tc);
        if (!tc) st = NS_ERR_NOMEM;
        for (size_t j = 0; st == NS_OK && j < noff; j++) {
            const char *t = words.data + off[j];
            if (ntc && !strcmp(tc[ntc - 1].t, t))
                tc[ntc - 1].n++;
            else
                tc[ntc++] = (termcount){t, 1};
        }
        if (st == NS_OK) qsort(tc, ntc, sizeof *tc, cmp_count);
    }
    size_t keep = 0;
    while (st == NS_OK && keep < ntc && keep < max_words &&
           tc[keep].n * 100 >= (size_t)min_share * nsample)
        keep++;
    ns_pairs_free(out);
    if (st == NS_OK && keep) {
        out->w = calloc(keep, sizeof *out->w);
        if (!out->w) st = NS_ERR_NOMEM;
        for (size_t j = 0; st == NS_OK && j < keep; j++) {
            if (!(out->w[j] = strdup(tc[j].t))) st = NS_ERR_NOMEM;
            out->n = j + 1;
        }
        if (st == NS_OK) qsort(out->w, out->n, sizeof *out->w, cmp_str);
    }
    free(tc);
    free(off);
    ns_buf_free(&words);
    return st;
}
