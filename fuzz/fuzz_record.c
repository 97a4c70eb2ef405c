/* fuzz_record.c: libFuzzer target for the document data record decoder
 * (lib/record.c). The record comes from the index, and from a remote shard
 * over the network: any bytes at all must decode to NS_ERR_CORRUPT or to a
 * record that stays inside them.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The input is decoded from an exact-size heap copy (ASan catches a read one
 * past the end). Checks, aborting on any violation: a status of NS_OK or
 * NS_ERR_CORRUPT only; on failure no passages are left allocated; on success
 * every string and passage lies inside the input and is followed there by a
 * NUL, and encoding the decoded record then decoding that gives the same
 * fields again (the encoder writes what the decoder reads).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

static void die(const char *why)
{
    fprintf(stderr, "fuzz_record: %s\n", why);
    abort();
}

static void check_inside(const char *p, size_t n, const char *blob, size_t len)
{
    if (p < blob || p > blob + len || n >= (size_t)(blob + len - p))
        die("pointer outside the blob");
    if (p[n] != '\0') die("no NUL after a string");
}

static void check_record(const ns_record *r, const char *blob, size_t len)
{
    const char *s[] = {r->art.id, r->art.path, r->art.title, r->art.source, r->art.url};
    for (size_t i = 0; i < 5; i++) {
        check_inside(s[i], strlen(s[i]), blob, len);
    }
    if (r->art.npassages && r->art.passages != r->passages) die("passages not the record's");
    for (size_t i = 0; i < r->art.npassages; i++) {
        check_inside(r->art.passages[i].text, r->art.passages[i].len, blob, len);
    }
}

static int same(const ns_article *a, const ns_article *b)
{
    if (strcmp(a->id, b->id) || strcmp(a->path, b->path) || strcmp(a->title, b->title) ||
        strcmp(a->source, b->source) || strcmp(a->url, b->url) || a->date != b->date ||
        a->line != b->line || a->title_line != b->title_line || a->npassages != b->npassages)
        return 0;
    for (size_t i = 0; i < a->npassages; i++) {
        const ns_passage *p = &a->passages[i], *q = &b->passages[i];
        if (p->line != q->line || p->column != q->column || p->len != q->len ||
            memcmp(p->text, q->text, p->len))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *blob = malloc(size ? size : 1);
    if (!blob) return 0;
    if (size) memcpy(blob, data, size);
    ns_record rec;
    ns_status st = ns_record_decode(blob, size, &rec);
    if (st == NS_ERR_CORRUPT) {
        if (rec.passages || rec.art.npassages) die("a corrupt record keeps passages");
    } else if (st != NS_OK) {
        if (st != NS_ERR_NOMEM) die("a status other than ok or corrupt");
    } else {
        check_record(&rec, blob, size);
        ns_buf b = {0};
        if (ns_record_encode(&rec.art, &b) == NS_OK) {
            ns_record again;
            if (ns_record_decode(b.data, b.len, &again) != NS_OK)
                die("re-encoded record unreadable");
            check_record(&again, b.data, b.len);
            if (!same(&rec.art, &again.art)) die("re-encoded record differs");
            ns_record_clear(&again);
        }
        ns_buf_free(&b);
    }
    ns_record_clear(&rec);
    free(blob);
    return 0;
}
