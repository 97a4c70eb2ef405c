/* test_deflate.c: nsearch-index's deflate() (indexer/deflate.c), called as
 * libxapian calls it (a raw stream, Z_FINISH, an output buffer one byte
 * shorter than the input): a packed record is answered "incompressible" at
 * once, which is what zlib's own deflate() answers for it after doing the
 * work; anything else is zlib's answer, and the stream stays usable.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>
#include <zstd.h>

#include "pack.h"

/* A few kilobytes of news-like text, different for each n. */
static size_t make_text(unsigned n, char *buf, size_t size)
{
    static const char *words[] = {"the",     "minister", "said",   "on",       "Tuesday", "that",
                                  "talks",   "would",    "resume", "in",       "Geneva",  "after",
                                  "a",       "pause",    "of",     "two",      "weeks",   "while",
                                  "markets", "rose",     "and",    "analysts", "expected"};
    size_t len = 0, nw = sizeof words / sizeof *words;
    uint32_t x = 2463534242u + n * 7919u;
    while (len + 16 < size && len < 600 + 97 * (size_t)n) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        len += (size_t)snprintf(buf + len, size - len, "%s ", words[x % nw]);
    }
    return len;
}

/* Deflate src whole as libxapian does (compression_stream.cc). */
static int xapian_deflate(int (*fn)(z_streamp, int), z_stream *s, const void *src, size_t len,
                          unsigned char *out)
{
    assert_int_equal(deflateReset(s), Z_OK);
    s->next_in = (Bytef *)(uintptr_t)src;
    s->avail_in = (uInt)len;
    s->next_out = out;
    s->avail_out = (uInt)(len - 1);
    return fn(s, Z_FINISH);
}

static void test_packed_records(void **state)
{
    (void)state;
    int (*zlib_deflate)(z_streamp, int) = (int (*)(z_streamp, int))dlsym(RTLD_NEXT, "deflate");
    assert_non_null(zlib_deflate);
    assert_true(zlib_deflate != deflate); /* this program's own is the one called by name */
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(
        deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
    static char text[16384];
    static unsigned char frame[20000], out[20000];
    for (unsigned n = 0; n < 40; n++) {
        size_t tl = make_text(n, text, sizeof text);
        size_t fl = ZSTD_compress(frame, sizeof frame, text, tl, 4);
        assert_false(ZSTD_isError(fl));
        assert_true(ns_packed((const char *)frame, fl));
        /* zlib's own answer, after the work: not Z_STREAM_END. */
        assert_int_not_equal(xapian_deflate(zlib_deflate, &s, frame, fl, out), Z_STREAM_END);
        /* Ours: the same, at once, nothing consumed or written. */
        assert_int_equal(xapian_deflate(deflate, &s, frame, fl, out), Z_OK);
        assert_int_equal(s.total_in, 0);
        assert_int_equal(s.avail_in, fl);
        assert_int_equal(s.total_out, 0);
        assert_int_equal(s.avail_out, fl - 1);
        /* The stream serves the next tag: text is deflated by zlib, and
         * inflates back. */
        assert_int_equal(xapian_deflate(deflate, &s, text, tl, out), Z_STREAM_END);
        assert_true(s.total_out < tl);
        z_stream i;
        memset(&i, 0, sizeof i);
        static char back[16384];
        assert_int_equal(inflateInit2(&i, -15), Z_OK);
        i.next_in = out;
        i.avail_in = (uInt)s.total_out;
        i.next_out = (Bytef *)back;
        i.avail_out = sizeof back;
        assert_int_equal(inflate(&i, Z_FINISH), Z_STREAM_END);
        assert_int_equal(i.total_out, tl);
        assert_memory_equal(back, text, tl);
        inflateEnd(&i);
    }
    /* Not asked to finish a whole record: zlib's deflate takes it. */
    size_t tl = make_text(3, text, sizeof text);
    size_t fl = ZSTD_compress(frame, sizeof frame, text, tl, 4);
    assert_int_equal(deflateReset(&s), Z_OK);
    s.next_in = frame;
    s.avail_in = (uInt)fl;
    s.next_out = out;
    s.avail_out = sizeof out;
    assert_int_equal(deflate(&s, Z_NO_FLUSH), Z_OK);
    assert_int_equal(s.total_in, fl);
    deflateEnd(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packed_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
