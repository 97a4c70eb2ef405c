/* test_pack.c: unit tests of records packed with a learned dictionary
 * (lib/pack.c).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A dictionary learned from a sample of records packs every record smaller
 * than zstd alone and unpacks it to the same bytes; a sample too small
 * learns none; learning is deterministic (two builds of one corpus agree).
 * Unpacking refuses, as NS_ERR_CORRUPT and without reading outside its
 * input (each runs on an exact-size heap copy, for ASan): a frame of an
 * unknown dictionary, every truncation, every single-byte change (the
 * checksum), a frame claiming more than NS_RECORD_PACKED_MAX, and a
 * dictionary that is not one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zdict.h>
#include <zstd.h>

#include "pack.h"
#include "record.h"

/* Record n of a made-up corpus of news-like articles: words shared across
 * articles (what a dictionary learns) and some of each article's own. */
static ns_buf sample_record(size_t n)
{
    static const char *words[] = {"the",   "market", "said",  "minister", "government",
                                  "bank",  "rates",  "price", "shares",   "reported",
                                  "on",    "a",      "of",    "percent",  "quarter",
                                  "talks", "energy", "wind",  "port",     "election"};
    char text[4096];
    size_t at = 0;
    unsigned x = (unsigned)n * 2654435761u + 1;
    while (at < 1500) {
        x = x * 1103515245u + 12345u;
        at += (size_t)snprintf(text + at, sizeof text - at, "%s ", words[(x >> 16) % 20]);
        if ((x & 0x70) == 0) at += (size_t)snprintf(text + at, sizeof text - at, "id%zu ", n);
    }
    char title[64], path[64];
    snprintf(title, sizeof title, "Article %zu of the sample", n);
    snprintf(path, sizeof path, "corpus/article-%zu.txt", n);
    ns_passage p = {text, at, 5, 1};
    ns_article a = {0};
    a.id = path;
    a.path = path;
    a.title = title;
    a.source = "Wire";
    a.url = "";
    a.passages = &p;
    a.npassages = 1;
    a.line = 1;
    a.title_line = 1;
    ns_buf b = {0};
    assert_int_equal(ns_record_encode(&a, &b), NS_OK);
    return b;
}

static ns_buf *sample(size_t n)
{
    ns_buf *v = calloc(n, sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = sample_record(i);
    return v;
}

static void sample_free(ns_buf *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ns_buf_free(&v[i]);
    free(v);
}

/* Unpack src[0..len) from an exact-size heap copy. */
static ns_status unpack_copy(ns_unpacker *u, const char *src, size_t len, char **out,
                             size_t *outlen)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, src, len);
    ns_status st = ns_unpack(u, copy, len, out, outlen);
    free(copy);
    return st;
}

static void add_dict(ns_unpacker *u, const ns_packer *p)
{
    char *d = malloc(p->dict.len);
    assert_non_null(d);
    memcpy(d, p->dict.data, p->dict.len);
    assert_int_equal(ns_unpacker_add(u, d, p->dict.len), NS_OK);
}

/* ------------------------------------------------------------------ tests */

static void test_round_trip(void **state)
{
    (void)state;
    size_t n = 200;
    ns_buf *v = sample(n);
    ns_packer p = {0};
    assert_int_equal(ns_packer_learn(&p, v, n), NS_OK);
    assert_non_null(p.cdict);
    assert_true(p.dict.len > 0 && p.dict.len <= 128 * 1024);
    ns_unpacker u = {0};
    add_dict(&u, &p);
    void *ctx = NULL;
    ns_buf out = {0};
    size_t packed = 0, plain = 0, alone = 0;
    for (size_t i = 0; i < n + 20; i++) {
        /* The sample's records and 20 it did not see. */
        ns_buf r = i < n ? v[i] : sample_record(i);
        assert_int_equal(ns_pack(&p, &ctx, r.data, r.len, &out), NS_OK);
        assert_true(ns_packed(out.data, out.len));
        assert_false(ns_packed(r.data, r.len)); /* a plain record is not a frame */
        char *back = NULL;
        size_t blen = 0;
        assert_int_equal(unpack_copy(&u, out.data, out.len, &back, &blen), NS_OK);
        assert_int_equal(blen, r.len);
        assert_memory_equal(back, r.data, r.len);
        assert_int_equal(back[blen], '\0');
        free(back);
        packed += out.len;
        plain += r.len;
        char z[8192];
        alone += ZSTD_compress(z, sizeof z, r.data, r.len, 4);
        if (i >= n) ns_buf_free(&r);
    }
    /* The dictionary is what makes small records small. */
    print_message("plain %zu, zstd alone %zu, packed %zu bytes\n", plain, alone, packed);
    assert_true(packed * 3 < alone * 2);
    assert_true(packed * 4 < plain);
    ns_buf_free(&out);
    ns_pack_ctx_free(ctx);
    ns_unpacker_clear(&u);
    ns_packer_free(&p);
    sample_free(v, n);
}

static void test_learning(void **state)
{
    (void)state;
    /* Too few records, or too few bytes: no dictionary, not an error. */
    ns_buf *v = sample(200);
    ns_packer p = {0};
    assert_int_equal(ns_packer_learn(&p, v, 15), NS_OK);
    assert_null(p.cdict);
    assert_int_equal(p.dict.len, 0);
    assert_int_equal(ns_packer_learn(&p, v, 0), NS_OK);
    assert_null(p.cdict);
    /* The same sample learns the same dictionary. */
    ns_packer a = {0}, b = {0};
    assert_int_equal(ns_packer_learn(&a, v, 200), NS_OK);
    assert_int_equal(ns_packer_learn(&b, v, 200), NS_OK);
    assert_int_equal(a.dict.len, b.dict.len);
    assert_memory_equal(a.dict.data, b.dict.data, a.dict.len);
    /* A recorded one loads back, and packs as the learned one does. */
    ns_packer c = {0};
    assert_int_equal(ns_packer_load(&c, a.dict.data, a.dict.len), NS_OK);
    void *ctx = NULL;
    ns_buf x = {0}, y = {0};
    assert_int_equal(ns_pack(&a, &ctx, v[7].data, v[7].len, &x), NS_OK);
    assert_int_equal(ns_pack(&c, &ctx, v[7].data, v[7].len, &y), NS_OK);
    assert_int_equal(x.len, y.len);
    assert_memory_equal(x.data, y.data, x.len);
    ns_packer_free(&c);
    /* Bytes that are not a dictionary do not load. */
    assert_int_equal(ns_packer_load(&c, "not a dictionary", 16), NS_ERR_CORRUPT);
    assert_null(c.cdict);
    ns_unpacker u = {0};
    char *junk = strdup("not a dictionary");
    assert_int_equal(ns_unpacker_add(&u, junk, 16), NS_ERR_CORRUPT);
    assert_int_equal(u.n, 0);
    ns_buf_free(&x);
    ns_buf_free(&y);
    ns_pack_ctx_free(ctx);
    ns_packer_free(&a);
    ns_packer_free(&b);
    sample_free(v, 200);
}

static void test_damaged(void **state)
{
    (void)state;
    ns_buf *v = sample(100);
    ns_packer p = {0}, other = {0};
    assert_int_equal(ns_packer_learn(&p, v, 100), NS_OK);
    assert_int_equal(ns_packer_learn(&other, v + 50, 50), NS_OK);
    assert_non_null(other.cdict);
    void *ctx = NULL;
    ns_buf f = {0}, g = {0};
    assert_int_equal(ns_pack(&p, &ctx, v[3].data, v[3].len, &f), NS_OK);
    assert_int_equal(ns_pack(&other, &ctx, v[3].data, v[3].len, &g), NS_OK);
    char *out = NULL;
    size_t olen = 0;
    /* Without its dictionary, a frame is unreadable; with another's too. */
    ns_unpacker u = {0};
    assert_int_equal(unpack_copy(&u, f.data, f.len, &out, &olen), NS_ERR_CORRUPT);
    add_dict(&u, &p);
    assert_int_equal(unpack_copy(&u, g.data, g.len, &out, &olen), NS_ERR_CORRUPT);
    assert_null(out);
    /* Two dictionaries (two shards): each frame finds its own; adding one
     * twice keeps one. */
    add_dict(&u, &other);
    add_dict(&u, &other);
    assert_int_equal(u.n, 2);
    assert_int_equal(unpack_copy(&u, g.data, g.len, &out, &olen), NS_OK);
    assert_memory_equal(out, v[3].data, v[3].len);
    free(out);
    /* Every truncation. */
    for (size_t k = 0; k < f.len; k++) {
        assert_int_equal(unpack_copy(&u, f.data, k, &out, &olen), NS_ERR_CORRUPT);
        assert_null(out);
    }
    /* Every single-byte change: refused (the checksum), never a wrong
     * record. */
    size_t ignored = 0;
    for (size_t k = 0; k < f.len; k++) {
        char *c = malloc(f.len);
        assert_non_null(c);
        memcpy(c, f.data, f.len);
        c[k] ^= 0x5a;
        ns_status st = unpack_copy(&u, c, f.len, &out, &olen);
        if (st == NS_OK) {
            /* A bit the format ignores (a header's window size): the very
             * record, or nothing. */
            assert_int_equal(olen, v[3].len);
            assert_memory_equal(out, v[3].data, olen);
            free(out);
            out = NULL;
            ignored++;
        } else {
            assert_int_equal(st, NS_ERR_CORRUPT);
            assert_null(out);
        }
        free(c);
    }
    assert_true(ignored <= 2);
    /* A frame of a known dictionary that claims more than
     * NS_RECORD_PACKED_MAX (here 2^62 bytes, which no malloc gives): refused
     * as damage before anything is allocated for it. */
    unsigned id = ZDICT_getDictID(p.dict.data, p.dict.len);
    unsigned char hdr[32] = {
        0x28, 0xb5, 0x2f, 0xfd, /* magic */
        0xe7, /* 8-byte content size, single segment, checksum, 4-byte dictionary id */
    };
    for (int k = 0; k < 4; k++)
        hdr[5 + k] = (unsigned char)(id >> (8 * k));
    hdr[9 + 7] = 0x40; /* content size 2^62, little-endian */
    assert_int_equal(unpack_copy(&u, (const char *)hdr, sizeof hdr, &out, &olen), NS_ERR_CORRUPT);
    assert_null(out);
    ns_buf_free(&f);
    ns_buf_free(&g);
    ns_pack_ctx_free(ctx);
    ns_unpacker_clear(&u);
    ns_packer_free(&p);
    ns_packer_free(&other);
    sample_free(v, 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_learning),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
