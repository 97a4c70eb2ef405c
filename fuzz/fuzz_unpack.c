/* fuzz_unpack.c: libFuzzer target for stored records as the index holds
 * them (lib/pack.c): a zstd frame packed with the index's dictionary, or a
 * plain record. The bytes come from the index, and from a remote shard
 * over the network: any bytes at all must unpack to NS_ERR_CORRUPT or to a
 * record of at most NS_RECORD_PACKED_MAX bytes.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A dictionary is learned once from 200 made-up records. Each input is
 * read from an exact-size heap copy (ASan catches a read one past the end)
 * three ways, aborting on any violation:
 * - ns_unpack_record: NS_OK or NS_ERR_CORRUPT only; on success the output
 *   is NUL-terminated, at most NS_RECORD_PACKED_MAX bytes, and a plain input
 *   comes back as it was; on failure *out is NULL;
 * - ns_unpack (frames only): as above, and it fails on what is no frame;
 * - packed with the dictionary, then unpacked: the input again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "record.h"

static void die(const char *why)
{
    fprintf(stderr, "fuzz_unpack: %s\n", why);
    abort();
}

static ns_packer packer;
static ns_unpacker unpacker;
static void *cctx;

/* Made-up record n: shared words and some of its own. */
static ns_buf made_up(size_t n)
{
    static const char *words[] = {"the",  "market", "said",  "minister", "government",
                                  "bank", "rates",  "price", "shares",   "reported"};
    char text[2048], title[64], path[64];
    size_t at = 0;
    unsigned x = (unsigned)n * 2654435761u + 1;
    while (at < 1500) {
        x = x * 1103515245u + 12345u;
        at += (size_t)snprintf(text + at, sizeof text - at, "%s ", words[(x >> 16) % 10]);
        if ((x & 0x70) == 0) at += (size_t)snprintf(text + at, sizeof text - at, "id%zu ", n);
    }
    snprintf(title, sizeof title, "Article %zu", n);
    snprintf(path, sizeof path, "corpus/a-%zu.txt", n);
    ns_passage p = {text, at, 3, 1};
    ns_article a = {0};
    a.id = a.path = path;
    a.title = title;
    a.source = "Wire";
    a.url = "";
    a.passages = &p;
    a.npassages = 1;
    a.line = a.title_line = 1;
    ns_buf b = {0};
    if (ns_record_encode(&a, &b) != NS_OK) die("cannot encode a made-up record");
    return b;
}

static void setup(void)
{
    ns_buf v[200];
    for (size_t i = 0; i < 200; i++)
        v[i] = made_up(i);
    if (ns_packer_learn(&packer, v, 200) != NS_OK || !packer.cdict) die("no dictionary learned");
    for (size_t i = 0; i < 200; i++)
        ns_buf_free(&v[i]);
    char *dict = malloc(packer.dict.len);
    if (!dict) die("out of memory");
    memcpy(dict, packer.dict.data, packer.dict.len);
    if (ns_unpacker_add(&unpacker, dict, packer.dict.len) != NS_OK) die("dictionary refused");
}

static void check_out(ns_status st, char *out, size_t outlen)
{
    if (st != NS_OK && st != NS_ERR_CORRUPT) die("a status other than OK and CORRUPT");
    if (st != NS_OK) {
        if (out) die("output left after a failure");
        return;
    }
    if (!out || outlen > NS_RECORD_PACKED_MAX || out[outlen] != '\0') die("bad output");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!packer.cdict) setup();
    char *in = malloc(size ? size : 1);
    if (!in) die("out of memory");
    memcpy(in, data, size);

    char *out = NULL;
    size_t outlen = 0;
    ns_status st = ns_unpack_record(&unpacker, in, size, &out, &outlen);
    check_out(st, out, outlen);
    if (!ns_packed(in, size) && (st != NS_OK || outlen != size || memcmp(out, in, size)))
        die("a plain record not copied as it was");
    free(out);

    out = NULL;
    st = ns_unpack(&unpacker, in, size, &out, &outlen);
    check_out(st, out, outlen);
    if (st == NS_OK && !ns_packed(in, size)) die("ns_unpack took what is no frame");
    free(out);

    ns_buf packed = {0};
    if (ns_pack(&packer, &cctx, in, size, &packed) != NS_OK) die("cannot pack");
    out = NULL;
    if (ns_unpack(&unpacker, packed.data, packed.len, &out, &outlen) != NS_OK || outlen != size ||
        memcmp(out, in, size))
        die("packed then unpacked is not the input");
    free(out);
    ns_buf_free(&packed);
    free(in);
    return 0;
}
