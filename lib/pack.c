/* pack.c: records compressed with a learned dictionary (pack.h), with
 * libzstd.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#include "pack.h"

#include <stdlib.h>
#include <string.h>

#define ZDICT_STATIC_LINKING_ONLY /* ZDICT_trainFromBuffer_fastCover */
#include <zdict.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDDict_byReference */
#include <zstd.h>
#include <zstd_errors.h>

/* The dictionary's size, at most, and the compression level. Measured on
 * the benchmark corpus (bench/README.md, "Stored text"): 128 KiB learned
 * from the 2,000 sample articles, level 4: 124 MB; level 3: 133 MB; 256 KiB
 * packs no smaller and cost queries 8% (reading and setting it up); level
 * 7 compressed 3x slower for 7% less. */
#define DICT_MAX   (128 * 1024)
#define PACK_LEVEL 4
/* Below this many sample records or bytes, no dictionary: too little to
 * learn from (zstd refuses fewer than 5 samples). */
#define SAMPLE_MIN_RECORDS 16
#define SAMPLE_MIN_BYTES   (16 * 1024)

void ns_packer_free(ns_packer *p)
{
    ZSTD_freeCDict(p->cdict);
    ns_buf_free(&p->dict);
    memset(p, 0, sizeof *p);
}

/* Make p->cdict from p->dict. */
static ns_status packer_ready(ns_packer *p)
{
    p->cdict = ZSTD_createCDict(p->dict.data, p->dict.len, PACK_LEVEL);
    if (!p->cdict) {
        ns_packer_free(p);
        return NS_ERR_NOMEM;
    }
    return NS_OK;
}

ns_status ns_packer_learn(ns_packer *p, const ns_buf *sample, size_t n)
{
    memset(p, 0, sizeof *p);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += sample[i].len;
    if (n < SAMPLE_MIN_RECORDS || total < SAMPLE_MIN_BYTES) return NS_OK;
    /* zstd wants the samples end to end, with their sizes. */
    char *all = malloc(total);
    size_t *sizes = malloc(n * sizeof *sizes);
    size_t cap = total / 4 < DICT_MAX ? total / 4 : DICT_MAX;
    ns_status st = all && sizes && ns_buf_reserve(&p->dict, cap) == NS_OK ? NS_OK : NS_ERR_NOMEM;
    if (st == NS_OK) {
        size_t at = 0;
        for (size_t i = 0; i < n; i++) {
            memcpy(all + at, sample[i].data, sample[i].len);
            at += sample[i].len;
            sizes[i] = sample[i].len;
        }
        /* Fixed parameters, no search: the search (ZDICT_trainFromBuffer)
         * took 0.4 s of a build for a dictionary 0.1% better; k and d as
         * zstd's own defaults pick for text. Single-threaded: the same
         * sample learns the same dictionary. */
        ZDICT_fastCover_params_t prm;
        memset(&prm, 0, sizeof prm);
        prm.k = 1024;
        prm.d = 8;
        prm.f = 20;
        prm.accel = 1;
        prm.splitPoint = 1.0;
        prm.zParams.compressionLevel = PACK_LEVEL;
        size_t got =
            ZDICT_trainFromBuffer_fastCover(p->dict.data, cap, all, sizes, (unsigned)n, prm);
        if (ZDICT_isError(got)) {
            /* Nothing to learn from (a sample of one repeated record). */
            ns_packer_free(p);
        } else {
            p->dict.len = got;
            st = packer_ready(p);
        }
    }
    free(all);
    free(sizes);
    if (st != NS_OK) ns_packer_free(p);
    return st;
}

ns_status ns_packer_load(ns_packer *p, const char *dict, size_t len)
{
    memset(p, 0, sizeof *p);
    if (ZDICT_getDictID(dict, len) == 0) return NS_ERR_CORRUPT;
    if (ns_buf_add(&p->dict, dict, len) != NS_OK) {
        ns_packer_free(p);
        return NS_ERR_NOMEM;
    }
    return packer_ready(p);
}

ns_status ns_pack(const ns_packer *p, void **ctx, const char *src, size_t len, ns_buf *out)
{
    ZSTD_CCtx *c = *ctx;
    if (!c) {
        c = ZSTD_createCCtx();
        if (!c) return NS_ERR_NOMEM;
        /* A checksum: a frame read with the wrong dictionary or damaged
         * fails instead of decoding to garbage. */
        if (ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1))) {
            ZSTD_freeCCtx(c);
            return NS_ERR_NOMEM;
        }
        *ctx = c;
    }
    size_t bound = ZSTD_compressBound(len);
    out->len = 0;
    if (ns_buf_reserve(out, bound) != NS_OK) return NS_ERR_NOMEM;
    if (ZSTD_isError(ZSTD_CCtx_refCDict(c, p->cdict))) return NS_ERR_NOMEM;
    size_t n = ZSTD_compress2(c, out->data, bound, src, len);
    if (ZSTD_isError(n)) return NS_ERR_NOMEM; /* only a failed allocation is left */
    out->len = n;
    return NS_OK;
}

void ns_pack_ctx_free(void *ctx)
{
    ZSTD_freeCCtx(ctx);
}

int ns_packed(const char *data, size_t len)
{
    static const unsigned char magic[4] = {0x28, 0xb5, 0x2f, 0xfd}; /* ZSTD_MAGICNUMBER, LE */
    return len >= 4 && memcmp(data, magic, 4) == 0;
}

ns_status ns_unpacker_add(ns_unpacker *u, char *dict, size_t len)
{
    unsigned id = ZDICT_getDictID(dict, len);
    if (id == 0) {
        free(dict);
        return NS_ERR_CORRUPT;
    }
    for (size_t i = 0; i < u->n; i++)
        if (u->v[i].id == id) {
            free(dict);
            return NS_OK;
        }
    struct ns_udict *v = realloc(u->v, (u->n + 1) * sizeof *v);
    if (!v) {
        free(dict);
        return NS_ERR_NOMEM;
    }
    u->v = v;
    /* By reference: no copy of the dictionary at each query's start. */
    void *dd = ZSTD_createDDict_byReference(dict, len);
    if (!dd) {
        free(dict);
        return NS_ERR_NOMEM;
    }
    u->v[u->n++] = (struct ns_udict){id, dd, dict};
    return NS_OK;
}

ns_status ns_unpack(ns_unpacker *u, const char *src, size_t len, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    unsigned id = ZSTD_getDictID_fromFrame(src, len);
    ZSTD_DDict *dd = NULL;
    for (size_t i = 0; i < u->n; i++)
        if (u->v[i].id == id) dd = u->v[i].ddict;
    unsigned long long size = ZSTD_getFrameContentSize(src, len);
    if (!dd || size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR ||
        size > NS_RECORD_PACKED_MAX)
        return NS_ERR_CORRUPT;
    if (!u->dctx && !(u->dctx = ZSTD_createDCtx())) return NS_ERR_NOMEM;
    char *buf = malloc((size_t)size + 1);
    if (!buf) return NS_ERR_NOMEM;
    size_t n = ZSTD_decompress_usingDDict(u->dctx, buf, (size_t)size, src, len, dd);
    if (ZSTD_isError(n) || n != size) {
        free(buf);
        return ZSTD_isError(n) && ZSTD_getErrorCode(n) == ZSTD_error_memory_allocation
                   ? NS_ERR_NOMEM
                   : NS_ERR_CORRUPT;
    }
    buf[n] = '\0';
    *out = buf;
    *outlen = n;
    return NS_OK;
}

ns_status ns_unpack_record(ns_unpacker *u, const char *src, size_t len, char **out, size_t *outlen)
{
    if (ns_packed(src, len)) return ns_unpack(u, src, len, out, outlen);
    *outlen = 0;
    if (!(*out = malloc(len + 1))) return NS_ERR_NOMEM;
    memcpy(*out, src, len);
    (*out)[len] = '\0';
    *outlen = len;
    return NS_OK;
}

void ns_unpacker_clear(ns_unpacker *u)
{
    for (size_t i = 0; i < u->n; i++) {
        ZSTD_freeDDict(u->v[i].ddict);
        free(u->v[i].dict);
    }
    free(u->v);
    ZSTD_freeDCtx(u->dctx);
    memset(u, 0, sizeof *u);
}
