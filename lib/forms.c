/* forms.c: the index terms whose word forms do not all begin with them
 * (forms.h).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#include "forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "schema.h"

static uint32_t hash_of(const char *t, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)t[i]) * 16777619u;
    return h;
}

/* The slot of term, or of the empty slot where it would go. */
static size_t find(const ns_forms *f, const char *term, size_t len, uint32_t h)
{
    size_t mask = f->nslots - 1, i = h & mask;
    for (; f->slots[i]; i = (i + 1) & mask) {
        const struct ns_form *e = &f->v[f->slots[i] - 1];
        if (e->hash == h && e->len == len && !memcmp(f->bytes.data + e->off, term, len)) break;
    }
    return i;
}

static int grow(ns_forms *f)
{
    size_t n = f->nslots ? f->nslots * 2 : 256;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s) return -1;
    for (size_t k = 0; k < f->n; k++) {
        size_t i = f->v[k].hash & (n - 1);
        while (s[i])
            i = (i + 1) & (n - 1);
        s[i] = (uint32_t)k + 1;
    }
    free(f->slots);
    f->slots = s;
    f->nslots = n;
    return 0;
}

ns_status ns_forms_note(ns_forms *f, const char *term, size_t len, unsigned common)
{
    if (common > 255) common = 255;
    if (len > UINT32_MAX || f->n >= UINT32_MAX - 1) return NS_ERR_NOMEM;
    uint32_t h = hash_of(term, len);
    if (f->nslots) {
        size_t i = find(f, term, len, h);
        if (f->slots[i]) {
            struct ns_form *e = &f->v[f->slots[i] - 1];
            if (common < e->common) e->common = (uint8_t)common;
            return NS_OK;
        }
    }
    if ((f->n + 1) * 2 > f->nslots && grow(f) != 0) return NS_ERR_NOMEM;
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 128;
        struct ns_form *v = realloc(f->v, nc * sizeof *v);
        if (!v) return NS_ERR_NOMEM;
        f->v = v;
        f->cap = nc;
    }
    size_t off = f->bytes.len;
    if (ns_buf_add(&f->bytes, term, len) != NS_OK) {
        /* The buffer's error is sticky: start it again, keeping nothing
         * lost (its bytes are still there up to off). */
        f->bytes.err = NS_OK;
        f->bytes.len = off;
        return NS_ERR_NOMEM;
    }
    f->v[f->n] = (struct ns_form){off, (uint32_t)len, h, (uint8_t)common};
    f->slots[find(f, term, len, h)] = (uint32_t)++f->n;
    return NS_OK;
}

ns_status ns_forms_merge(ns_forms *into, const ns_forms *from)
{
    for (size_t k = 0; k < from->n; k++) {
        const struct ns_form *e = &from->v[k];
        ns_status st = ns_forms_note(into, from->bytes.data + e->off, e->len, e->common);
        if (st != NS_OK) return st;
    }
    return NS_OK;
}

unsigned ns_forms_common(const ns_forms *f, const char *term, size_t len)
{
    if (!f->nslots) return (unsigned)len;
    size_t i = find(f, term, len, hash_of(term, len));
    return f->slots[i] ? f->v[f->slots[i] - 1].common : (unsigned)len;
}

typedef struct lister {
    xc_database *db;
    int (*fn)(void *ctx, const char *term, size_t len, unsigned common);
    void *ctx;
    xc_status xs;
} lister;

static int list_key(void *ctx, const char *key, size_t len)
{
    lister *l = ctx;
    size_t pl = sizeof NS_META_FORM_PREFIX - 1;
    char *val = NULL;
    size_t vl = 0;
    if (len <= pl) return 0;
    l->xs = xc_database_get_metadata(l->db, key, len, &val, &vl);
    if (l->xs != XC_OK) return 1;
    unsigned common = val ? (unsigned)atoi(val) : 0;
    xc_free(val);
    return l->fn(l->ctx, key + pl, len - pl, common);
}

xc_status ns_forms_list(xc_database *db, const char *prefix, size_t plen,
                        int (*fn)(void *ctx, const char *term, size_t len, unsigned common),
                        void *ctx)
{
    char key[sizeof NS_META_FORM_PREFIX + 2 * NS_TERM_MAX];
    size_t pl = sizeof NS_META_FORM_PREFIX - 1;
    if (plen > sizeof key - pl) return XC_ERR_INVALID; /* longer than any term */
    memcpy(key, NS_META_FORM_PREFIX, pl);
    memcpy(key + pl, prefix, plen);
    lister l = {db, fn, ctx, XC_OK};
    xc_status xs = xc_database_metadata_keys(db, key, pl + plen, list_key, &l);
    return xs != XC_OK ? xs : l.xs;
}

void ns_forms_reset(ns_forms *f)
{
    f->n = 0;
    f->bytes.len = 0;
    if (f->slots) memset(f->slots, 0, f->nslots * sizeof *f->slots);
}

void ns_forms_free(ns_forms *f)
{
    ns_buf_free(&f->bytes);
    free(f->v);
    free(f->slots);
    memset(f, 0, sizeof *f);
}
