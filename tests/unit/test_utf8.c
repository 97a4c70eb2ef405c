/* test_utf8.c: lib/utf8.c against utf8proc (an independent decoder) over
 * every sequence of up to three bytes and a sample of four-byte ones, and
 * the maximal subparts of Unicode's own example (The Unicode Standard,
 * Table 3-8).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "utf8.h"

static void check(const unsigned char *s, size_t n)
{
    utf8proc_int32_t ref = 0;
    utf8proc_ssize_t r = utf8proc_iterate(s, (utf8proc_ssize_t)n, &ref);
    uint32_t cp = 0xFFFFFFFF;
    size_t k = ns_utf8_decode(s, n, &cp);
    size_t want = r > 0 ? (size_t)r : 0;
    if (k != want || (k && cp != (uint32_t)ref))
        fail_msg("%02x %02x %02x %02x (n %zu): %zu U+%04X, utf8proc %zd U+%04X", s[0],
                 n > 1 ? s[1] : 0, n > 2 ? s[2] : 0, n > 3 ? s[3] : 0, n, k, (unsigned)cp,
                 (ssize_t)r, (unsigned)ref);
}

static void test_against_utf8proc(void **state)
{
    (void)state;
    unsigned char s[4];
    size_t valid = 0;
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        check(s, 1);
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            check(s, 2);
            for (unsigned c = 0; c < 256; c++) {
                s[2] = (unsigned char)c;
                check(s, 3);
                valid += ns_utf8_decode(s, 3, NULL) == 3;
            }
        }
    }
    assert_int_equal(valid, 0x10000 - 0x800 - 0x800); /* U+0800..U+FFFF less surrogates */
    srand(42);
    for (long i = 0; i < 2000000; i++) {
        for (int k = 0; k < 4; k++)
            s[k] = (unsigned char)(k == 0 ? 0xF0 + rand() % 16 : rand() % 256);
        if (i % 2)
            s[1] = (unsigned char)(0x80 + rand() % 64), s[2] = (unsigned char)(0x80 + rand() % 64),
            s[3] = (unsigned char)(0x80 + rand() % 64);
        check(s, 4);
    }
}

/* 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64: a, (F1 80 80), (E1 80), (C2), b,
 * (80), c, (80), (BF), d. */
static void test_maximal_subparts(void **state)
{
    (void)state;
    static const unsigned char s[] = {0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2,
                                      0x62, 0x80, 0x63, 0x80, 0xBF, 0x64};
    static const size_t want[] = {1, 3, 2, 1, 1, 1, 1, 1, 1, 1};
    static const int valid[] = {1, 0, 0, 0, 1, 0, 1, 0, 0, 1};
    size_t i = 0, k = 0, n = sizeof s;
    while (i < n) {
        assert_true(k < 10);
        size_t len = ns_utf8_decode(s + i, n - i, NULL);
        assert_int_equal(len != 0, valid[k]);
        if (!len) len = ns_utf8_bad(s + i, n - i);
        assert_int_equal(len, want[k]);
        i += len;
        k++;
    }
    assert_int_equal(k, 10);
    static const unsigned char sur[] = {0xED, 0xA0, 0x80};
    assert_int_equal(ns_utf8_decode(sur, 3, NULL), 0);
    assert_int_equal(ns_utf8_bad(sur, 3), 1); /* ED then A0 can't follow */
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_against_utf8proc),
                                       cmocka_unit_test(test_maximal_subparts)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
