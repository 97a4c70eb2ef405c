/* record.c: encoding and decoding of the document data record (record.h). */
#include "record.h"

#include <stdlib.h>
#include <string.h>

static ns_status put_varint(ns_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        tmp[n++] = c | (v ? 0x80 : 0);
    } while (v);
    return ns_buf_add(b, tmp, n);
}

static ns_status put_bytes(ns_buf *b, const char *s, size_t n)
{
    ns_status st = put_varint(b, n);
    if (st == NS_OK) {
        st = ns_buf_add(b, s, n);
    }
    if (st == NS_OK) {
        st = ns_buf_add(b, "", 1);
    }
    return st;
}

static ns_status put_str(ns_buf *b, const char *s)
{
    return put_bytes(b, s ? s : "", s ? strlen(s) : 0);
}

ns_status ns_record_encode(const ns_article *a, ns_buf *out)
{
    unsigned char head[2 + 8] = {'n', NS_RECORD_VERSION};
    uint64_t d = (uint64_t)a->date;
    for (int i = 0; i < 8; i++) {
        head[2 + i] = (unsigned char)(d >> (8 * i));
    }
    ns_status st = ns_buf_add(out, head, sizeof head);
    if (st == NS_OK) st = put_varint(out, a->line);
    if (st == NS_OK) st = put_varint(out, a->title_line);
    if (st == NS_OK) st = put_str(out, a->id);
    if (st == NS_OK) st = put_str(out, a->path);
    if (st == NS_OK) st = put_str(out, a->title);
    if (st == NS_OK) st = put_str(out, a->source);
    if (st == NS_OK) st = put_str(out, a->url);
    if (st == NS_OK) st = put_varint(out, a->npassages);
    for (size_t i = 0; st == NS_OK && i < a->npassages; i++) {
        const ns_passage *p = &a->passages[i];
        st = put_varint(out, p->line);
        if (st == NS_OK) st = put_varint(out, p->column);
        if (st == NS_OK) st = put_bytes(out, p->text, p->len);
    }
    return st;
}

/* A cursor over the blob; `bad` is sticky so long sequences check once. */
typedef struct cursor {
    const unsigned char *p, *end;
    int bad;
} cursor;

static uint64_t get_varint(cursor *c)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (c->p >= c->end) {
            break;
        }
        unsigned char b = *c->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            return v;
        }
    }
    c->bad = 1;
    return 0;
}

static const char *get_bytes(cursor *c, size_t *len)
{
    uint64_t n = get_varint(c);
    if (c->bad || n >= (uint64_t)(c->end - c->p) || c->p[n] != '\0') {
        c->bad = 1;
        *len = 0;
        return "";
    }
    const char *s = (const char *)c->p;
    c->p += n + 1;
    *len = (size_t)n;
    return s;
}

static const char *get_str(cursor *c)
{
    size_t len;
    return get_bytes(c, &len);
}

ns_status ns_record_decode(const char *data, size_t len, ns_record *rec)
{
    memset(rec, 0, sizeof *rec);
    cursor c = {(const unsigned char *)data, (const unsigned char *)data + len, 0};
    if (len < 10 || data[0] != 'n' || data[1] != NS_RECORD_VERSION) {
        return NS_ERR_CORRUPT;
    }
    uint64_t d = 0;
    for (int i = 0; i < 8; i++) {
        d |= (uint64_t)c.p[2 + i] << (8 * i);
    }
    c.p += 10;
    rec->art.date = (int64_t)d;
    rec->art.line = get_varint(&c);
    rec->art.title_line = get_varint(&c);
    rec->art.id = get_str(&c);
    rec->art.path = get_str(&c);
    rec->art.title = get_str(&c);
    rec->art.source = get_str(&c);
    rec->art.url = get_str(&c);
    uint64_t n = get_varint(&c);
    /* Every passage takes at least 4 bytes: reject counts the blob can't hold. */
    if (c.bad || n > (uint64_t)(c.end - c.p) / 4) {
        return NS_ERR_CORRUPT;
    }
    rec->passages = calloc(n ? n : 1, sizeof *rec->passages);
    if (!rec->passages) {
        return NS_ERR_NOMEM;
    }
    for (size_t i = 0; i < n && !c.bad; i++) {
        ns_passage *p = &rec->passages[i];
        p->line = get_varint(&c);
        p->column = get_varint(&c);
        p->text = get_bytes(&c, &p->len);
    }
    if (c.bad) {
        ns_record_clear(rec);
        return NS_ERR_CORRUPT;
    }
    rec->art.passages = rec->passages;
    rec->art.npassages = n;
    return NS_OK;
}

void ns_record_clear(ns_record *rec)
{
    if (rec) {
        free(rec->passages);
        memset(rec, 0, sizeof *rec);
    }
}
