/* pack.h: article records compressed with a dictionary learned from the
 * corpus, as the index stores them (schema.h, NS_META_ZDICT).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A record (record.h) is a few kilobytes of text, too little for a
 * compressor to learn the language from; Xapian's own zlib on each one left
 * the stored text at half its size. A zstd dictionary learned once from the
 * sample of articles a build reads first (index.c, "Word pairs") gives the
 * compressor that context: measured on the benchmark corpus, 125 MB of
 * records where zlib made 172 MB, compressed 3x and read 2.8x faster
 * (bench/README.md, "Stored text").
 *
 * A packed record is one zstd frame with its content size, the
 * dictionary's id and a checksum; a plain record starts with 'n' (record.h),
 * never with the frame's magic number, so the two mix in one index (an
 * index made before dictionaries, or from a sample too small to learn one,
 * has plain records).
 */
#ifndef NS_PACK_H
#define NS_PACK_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

/* What compresses: a dictionary, or none (then ns_pack is not called). */
typedef struct ns_packer {
    ns_buf dict; /* the dictionary as recorded (NS_META_ZDICT); empty: none */
    void *cdict; /* its ZSTD_CDict, shared by threads (read-only); NULL: none */
} ns_packer;

/* Learn a dictionary from the n records of sample into *p (zeroed or
 * freed before). A sample too small to learn from leaves *p without one,
 * and that is not an error.
 * @retval NS_ERR_NOMEM  out of memory */
ns_status ns_packer_learn(ns_packer *p, const ns_buf *sample, size_t n);
/* Load a recorded dictionary dict[0..len) into *p (zeroed or freed before).
 * @retval NS_ERR_CORRUPT  not a dictionary
 * @retval NS_ERR_NOMEM    out of memory */
ns_status ns_packer_load(ns_packer *p, const char *dict, size_t len);
/* Free *p's dictionary and zero it. Accepts a zeroed one. */
void ns_packer_free(ns_packer *p);

/* Compress record src[0..len) with p's dictionary into out (replacing what
 * it held). *ctx is the calling thread's compression context: NULL at
 * first, made here, freed with ns_pack_ctx_free.
 * @retval NS_ERR_NOMEM  out of memory */
ns_status ns_pack(const ns_packer *p, void **ctx, const char *src, size_t len, ns_buf *out);
void ns_pack_ctx_free(void *ctx);

/* Whether data[0..len) is a packed record (a zstd frame). */
int ns_packed(const char *data, size_t len);

/* What decompresses: the dictionaries of an index's shards, by id. Zero it
 * to start; a searcher is single-threaded. */
typedef struct ns_unpacker {
    struct ns_udict {
        unsigned id;
        void *ddict; /* ZSTD_DDict, by reference to dict */
        char *dict;
    } * v;
    size_t n;
    void *dctx; /* ZSTD_DCtx */
} ns_unpacker;

/* Add a recorded dictionary dict[0..len) (malloc'd: taken, freed when u is
 * or at once when its id is known already).
 * @retval NS_ERR_CORRUPT  not a dictionary
 * @retval NS_ERR_NOMEM    out of memory */
ns_status ns_unpacker_add(ns_unpacker *u, char *dict, size_t len);
/* Decompress the packed record src[0..len) into *out (malloc'd, *outlen
 * bytes and a NUL after them; the caller frees it).
 * @retval NS_ERR_CORRUPT  not a frame of a known dictionary, a size over
 *                         NS_RECORD_PACKED_MAX, or damaged
 * @retval NS_ERR_NOMEM    out of memory */
ns_status ns_unpack(ns_unpacker *u, const char *src, size_t len, char **out, size_t *outlen);
/* A stored record of either kind into *out as ns_unpack does: a packed one
 * unpacked, a plain one copied. Statuses as ns_unpack. */
ns_status ns_unpack_record(ns_unpacker *u, const char *src, size_t len, char **out, size_t *outlen);
/* Free u's dictionaries and context, and zero it. */
void ns_unpacker_clear(ns_unpacker *u);

/* The largest record a frame may say it holds: the bound an untrusted
 * index can make a reader allocate. */
#define NS_RECORD_PACKED_MAX ((size_t)1 << 30)

#endif
