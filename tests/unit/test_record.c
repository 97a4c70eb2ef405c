/* test_record.c: unit tests of the document data record (lib/record.c).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Round trips over a table of articles (every field, empty and huge values,
 * extreme numbers, many passages, bytes that are not text), the layout
 * record.h documents, and damaged records: every truncation of a valid
 * record, every single-byte change, bad versions, lengths and counts that
 * point past the end, overlong varints. A damaged record must decode to
 * NS_ERR_CORRUPT (or, when the damage still leaves a well-formed record,
 * NS_OK with every pointer inside the blob), never crash or read outside it:
 * each decode runs on an exact-size heap copy, so ASan (make check-asan)
 * catches a read one past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* ---------------------------------------------------------------- helpers */

static ns_buf encode(const ns_article *a)
{
    ns_buf b = {0};
    assert_int_equal(ns_record_encode(a, &b), NS_OK);
    assert_non_null(b.data);
    return b;
}

/* Decode data[0..len) from an exact-size heap copy; *copy is the blob the
 * record points into (the caller frees it after ns_record_clear). */
static ns_status decode_copy(const char *data, size_t len, ns_record *rec, char **copy)
{
    *copy = malloc(len ? len : 1);
    assert_non_null(*copy);
    if (len) memcpy(*copy, data, len);
    return ns_record_decode(*copy, len, rec);
}

static int inside(const char *p, size_t n, const char *blob, size_t len)
{
    return p >= blob && p + n <= blob + len;
}

/* Every string of a decoded record lies in the blob and is NUL-terminated
 * there. */
static void check_inside(const ns_record *rec, const char *blob, size_t len)
{
    const char *s[] = {rec->art.id, rec->art.path, rec->art.title, rec->art.source, rec->art.url};
    for (size_t i = 0; i < 5; i++) {
        assert_true(inside(s[i], strlen(s[i]) + 1, blob, len));
    }
    for (size_t i = 0; i < rec->art.npassages; i++) {
        const ns_passage *p = &rec->art.passages[i];
        assert_true(inside(p->text, p->len + 1, blob, len));
        assert_int_equal(p->text[p->len], '\0');
    }
}

static void check_equal(const ns_article *want, const ns_record *rec)
{
    const ns_article *got = &rec->art;
    assert_string_equal(got->id, want->id ? want->id : "");
    assert_string_equal(got->path, want->path ? want->path : "");
    assert_string_equal(got->title, want->title ? want->title : "");
    assert_string_equal(got->source, want->source ? want->source : "");
    assert_string_equal(got->url, want->url ? want->url : "");
    assert_true(got->date == want->date);
    assert_int_equal(got->line, want->line);
    assert_int_equal(got->title_line, want->title_line);
    assert_int_equal(got->npassages, want->npassages);
    assert_true(got->passages == rec->passages);
    for (size_t i = 0; i < want->npassages; i++) {
        const ns_passage *a = &want->passages[i], *b = &got->passages[i];
        assert_int_equal(b->line, a->line);
        assert_int_equal(b->column, a->column);
        assert_int_equal(b->len, a->len);
        assert_memory_equal(b->text, a->text, a->len);
    }
}

/* ------------------------------------------------------- the round trips */

static char *huge(size_t n, char c)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void test_round_trips(void **state)
{
    (void)state;
    char *big = huge((size_t)3 << 20, 'x');                        /* 3 MiB: a varint of 3 bytes */
    static const char bin[] = {'a', '\0', 'b', '\xff', '\n', 'c'}; /* NUL inside a passage */
    ns_passage one[] = {{"First paragraph.", 16, 3, 1}};
    ns_passage odd[] = {
        {"", 0, 0, 0}, {bin, sizeof bin, SIZE_MAX >> 1, 1}, {"caf\xc3\xa9 ?? x", 10, 7, 4242}};
    ns_passage bigp[] = {{big, (size_t)3 << 20, 1, 1}, {"tail", 4, 2, 1}};
    ns_passage many[1000];
    char texts[1000][16];
    for (size_t i = 0; i < 1000; i++) {
        snprintf(texts[i], sizeof texts[i], "passage %zu", i);
        many[i] = (ns_passage){texts[i], strlen(texts[i]), i + 1, i % 7 + 1};
    }
    const struct {
        const char *name;
        ns_article a;
    } cases[] = {
        {"every field",
         {"talks", "/corpus/talks.txt", "Envoys prepare talks", "Test Wire",
          "https://example.org/a?b=c", 1765000000, 1, 1, one, 1}},
        {"all empty, undated, no passage", {"", "", "", "", "", NS_NO_DATE, 0, 0, NULL, 0}},
        {"NULL strings read back as empty", {NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, 0}},
        {"extreme numbers and odd passages",
         {"id:1", "a.jsonl", "t", "s", "u", INT64_MAX, SIZE_MAX >> 1, 12345678901ULL, odd, 3}},
        {"negative date", {"old", "p", "t", "", "", -2208988800LL, 5, 0, one, 1}},
        {"INT64_MIN + 1 date", {"x", "p", "", "", "", INT64_MIN + 1, 1, 1, one, 1}},
        {"huge values", {big, big, big, big, big, 0, 1, 1, bigp, 2}},
        {"a thousand passages", {"m", "many.txt", "Many", "", "", 0, 1, 1, many, 1000}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        print_message("case: %s\n", cases[c].name);
        ns_buf b = encode(&cases[c].a);
        ns_record rec;
        char *copy;
        assert_int_equal(decode_copy(b.data, b.len, &rec, &copy), NS_OK);
        check_equal(&cases[c].a, &rec);
        check_inside(&rec, copy, b.len);
        /* Encoding the decoded record gives the same bytes. */
        ns_buf again = encode(&rec.art);
        assert_int_equal(again.len, b.len);
        assert_memory_equal(again.data, b.data, b.len);
        ns_buf_free(&again);
        ns_record_clear(&rec);
        free(copy);
        ns_buf_free(&b);
    }
    free(big);
}

/* The layout of record.h, byte for byte, for a small article. */
static void test_layout(void **state)
{
    (void)state;
    ns_passage p[] = {{"Hi", 2, 3, 129}};
    ns_article a = {"i", "p", "T", "S", "U", 0x0102030405060708LL, 1, 2, p, 1};
    ns_buf b = encode(&a);
    static const unsigned char want[] = {'n',  NS_RECORD_VERSION,
                                         8,    7,
                                         6,    5,
                                         4,    3,
                                         2,    1, /* date, little-endian */
                                         1,    2, /* line, title_line */
                                         1,    'i',
                                         0,    1,
                                         'p',  0,
                                         1,    'T',
                                         0,    1,
                                         'S',  0,
                                         1,    'U',
                                         0,    1, /* npassages */
                                         3,    0x81,
                                         0x01, /* line 3, column 129 as a two-byte varint */
                                         2,    'H',
                                         'i',  0};
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);
    /* Appends after what the buffer holds. */
    ns_buf c = {0};
    assert_int_equal(ns_buf_add(&c, "xyz", 3), NS_OK);
    assert_int_equal(ns_record_encode(&a, &c), NS_OK);
    assert_int_equal(c.len, 3 + sizeof want);
    assert_memory_equal(c.data + 3, want, sizeof want);
    ns_buf_free(&c);
    ns_buf_free(&b);
    ns_buf_free(NULL);
    ns_record_clear(NULL);
}

/* ------------------------------------------------------- damaged records */

static ns_article sample(void)
{
    static ns_passage p[] = {{"Negotiators met for a second day.", 33, 5, 1},
                             {"The delegation said so.", 23, 7, 3},
                             {"", 0, 9, 1}};
    ns_article a = {"talks", "/c/talks.txt", "Envoys", "Wire", "http://x", 1765000000, 1, 1, p, 3};
    return a;
}

/* Every proper prefix of a valid record is corrupt. */
static void test_every_truncation(void **state)
{
    (void)state;
    ns_article a = sample();
    ns_buf b = encode(&a);
    for (size_t len = 0; len < b.len; len++) {
        ns_record rec;
        char *copy;
        ns_status st = decode_copy(b.data, len, &rec, &copy);
        if (st != NS_ERR_CORRUPT) print_message("length %zu of %zu: status %d\n", len, b.len, st);
        assert_int_equal(st, NS_ERR_CORRUPT);
        assert_null(rec.passages);
        assert_int_equal(rec.art.npassages, 0);
        ns_record_clear(&rec);
        free(copy);
    }
    ns_buf_free(&b);
}

/* Every byte of a valid record set to each of a few values: corrupt, or a
 * well-formed record whose pointers all stay inside the blob. */
static void test_every_byte_changed(void **state)
{
    (void)state;
    ns_article a = sample();
    ns_buf b = encode(&a);
    static const unsigned char values[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 'n', 0x40};
    size_t corrupt = 0, fine = 0;
    char *m = malloc(b.len);
    assert_non_null(m);
    for (size_t i = 0; i < b.len; i++) {
        for (size_t v = 0; v < sizeof values; v++) {
            memcpy(m, b.data, b.len);
            if ((unsigned char)m[i] == values[v]) continue;
            m[i] = (char)values[v];
            ns_record rec;
            char *copy;
            ns_status st = decode_copy(m, b.len, &rec, &copy);
            if (st == NS_OK) {
                check_inside(&rec, copy, b.len);
                fine++;
            } else {
                assert_int_equal(st, NS_ERR_CORRUPT);
                corrupt++;
            }
            ns_record_clear(&rec);
            free(copy);
        }
    }
    print_message("%zu corrupt, %zu still well-formed\n", corrupt, fine);
    assert_true(corrupt > 0 && fine > 0);
    free(m);
    ns_buf_free(&b);
}

static void test_bad_headers(void **state)
{
    (void)state;
    ns_article a = sample();
    ns_buf b = encode(&a);
    char *m = malloc(b.len);
    assert_non_null(m);
    const struct {
        const char *name;
        size_t at;
        char byte;
    } cases[] = {
        {"wrong magic", 0, 'N'},
        {"version 0", 1, 0},
        {"a future version", 1, NS_RECORD_VERSION + 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        print_message("case: %s\n", cases[c].name);
        memcpy(m, b.data, b.len);
        m[cases[c].at] = cases[c].byte;
        ns_record rec;
        char *copy;
        assert_int_equal(decode_copy(m, b.len, &rec, &copy), NS_ERR_CORRUPT);
        ns_record_clear(&rec);
        free(copy);
    }
    free(m);
    ns_buf_free(&b);
}

/* Hand-made records: the header and then `tail` bytes. */
static void test_hand_made(void **state)
{
    (void)state;
    static const unsigned char head[] = {'n', NS_RECORD_VERSION, 0, 0, 0, 0, 0, 0, 0, 0};
    const struct {
        const char *name;
        const char *tail;
        size_t len;
        ns_status want;
        size_t npassages;
    } cases[] = {
        {"nothing after the header", "", 0, NS_ERR_CORRUPT, 0},
        {"minimal: five empty strings, no passage",
         "\x00\x00"
         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
         "\x00",
         13, NS_OK, 0},
        {"string length past the end",
         "\x00\x00"
         "\x7f"
         "ab",
         5, NS_ERR_CORRUPT, 0},
        {"string without its NUL",
         "\x00\x00"
         "\x01"
         "aX"
         "\x00\x00\x00\x00\x00\x00\x00\x00"
         "\x00",
         14, NS_ERR_CORRUPT, 0},
        {"a varint of 11 bytes", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, NS_ERR_CORRUPT,
         0},
        {"a varint cut by the end", "\x00\x80", 2, NS_ERR_CORRUPT, 0},
        {"a passage count past the blob",
         "\x00\x00"
         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
         "\xff\xff\xff\xff\x0f",
         17, NS_ERR_CORRUPT, 0},
        {"a huge passage count",
         "\x00\x00"
         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
         "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
         22, NS_ERR_CORRUPT, 0},
        {"one passage promised, none there",
         "\x00\x00"
         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
         "\x01"
         "\x00\x00\x00",
         16, NS_ERR_CORRUPT, 0},
        {"one empty passage",
         "\x00\x00"
         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
         "\x01"
         "\x01\x01\x00\x00",
         17, NS_OK, 1},
        {"passage length past the end",
         "\x00\x00"
         "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
         "\x01"
         "\x01\x01\x05"
         "ab\x00\x00",
         20, NS_ERR_CORRUPT, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        print_message("case: %s\n", cases[c].name);
        size_t len = sizeof head + cases[c].len;
        char *m = malloc(len);
        assert_non_null(m);
        memcpy(m, head, sizeof head);
        memcpy(m + sizeof head, cases[c].tail, cases[c].len);
        ns_record rec;
        char *copy;
        ns_status st = decode_copy(m, len, &rec, &copy);
        assert_int_equal(st, cases[c].want);
        if (st == NS_OK) {
            assert_int_equal(rec.art.npassages, cases[c].npassages);
            check_inside(&rec, copy, len);
        } else {
            assert_null(rec.passages);
        }
        ns_record_clear(&rec);
        free(copy);
        free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),      cmocka_unit_test(test_layout),
        cmocka_unit_test(test_every_truncation), cmocka_unit_test(test_every_byte_changed),
        cmocka_unit_test(test_bad_headers),      cmocka_unit_test(test_hand_made),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
