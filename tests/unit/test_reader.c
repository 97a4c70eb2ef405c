/* test_reader.c: unit tests of the corpus file readers (lib/reader.c) and
 * the date parser (lib/dates.c).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Fixtures are in tests/data/reader/, found from $NS_SRCDIR, else the current
 * folder, else three levels above the test binary (build/MODE/tests/).
 * Byte-level bad inputs (CRLF, NUL bytes, a 100 MB line, odd file names) are
 * generated at test time in a temporary folder, as are the .gz files that
 * need the `gzip` program (tests needing it skip without it).
 *
 * The real-corpus test reads the .jsonl.gz parts of ../shared/corpora/reuters-financial
 * relative to the source tree (or $NS_SHARED/corpora/...) and skips when it
 * is absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dates.h"
#include "reader.h"
#include "support.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* ---------------------------------------------------------------- helpers */

static char srcdir[3000];
static char tmpdir[4096];

typedef struct warns {
    char *msg[512];
    size_t n;
} warns;

static void collect(void *ctx, const char *path, size_t line, const char *msg)
{
    warns *w = ctx;
    char buf[2048];
    if (line) {
        snprintf(buf, sizeof buf, "%s:%zu: %s", path, line, msg);
    } else {
        snprintf(buf, sizeof buf, "%s: %s", path, msg);
    }
    if (w->n < sizeof w->msg / sizeof w->msg[0]) {
        w->msg[w->n++] = strdup(buf);
    }
}

static int has_warning(const warns *w, const char *sub)
{
    for (size_t i = 0; i < w->n; i++) {
        if (strstr(w->msg[i], sub)) {
            return 1;
        }
    }
    return 0;
}

static void warns_free(warns *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->msg[i]);
    }
    w->n = 0;
}

static void print_warns(const warns *w)
{
    for (size_t i = 0; i < w->n; i++) {
        print_message("  warning: %s\n", w->msg[i]);
    }
}

static const char *fixture(const char *name)
{
    static char buf[8][4400];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/tests/data/reader/%.1000s", srcdir, name);
    return p;
}

static const char *tmp(const char *name)
{
    static char buf[8][4200];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
    return p;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_str(const char *path, const char *s)
{
    write_file(path, s, strlen(s));
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 4096, n = 0;
    unsigned char *p = malloc(cap);
    size_t k;
    while ((k = fread(p + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            cap *= 2;
            p = realloc(p, cap);
        }
    }
    fclose(f);
    *len = n;
    return p;
}

/* CRC-32 (IEEE, as zlib computes it), bit by bit: the test's own reference. */
static uint32_t ref_crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
        }
    }
    return c ^ 0xFFFFFFFFu;
}

static int have_gzip(void)
{
    return system("command -v gzip >/dev/null 2>&1") == 0;
}

/* Compress `path` to `path`.gz with the gzip program. */
static void gzip_file(const char *path)
{
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "gzip -n -1 -f -k '%s'", path);
    assert_int_equal(system(cmd), 0);
}

static ns_reader *open_ok(const char *path, warns *w)
{
    ns_reader_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.warn = collect;
    opts.warn_ctx = w;
    ns_reader *r = NULL;
    ns_error err;
    ns_status st = ns_reader_open(path, &opts, &r, &err);
    if (st != NS_OK) {
        print_message("open %s: %s\n", path, err.msg);
    }
    assert_int_equal(st, NS_OK);
    assert_non_null(r);
    return r;
}

static const ns_article *next_ok(ns_reader *r)
{
    const ns_article *a = NULL;
    ns_error err;
    ns_status st = ns_reader_next(r, &a, &err);
    if (st != NS_OK) {
        print_message("next: status %d: %s\n", st, err.msg);
    }
    assert_int_equal(st, NS_OK);
    assert_non_null(a);
    return a;
}

static void next_done(ns_reader *r)
{
    const ns_article *a = (const ns_article *)1;
    ns_error err;
    assert_int_equal(ns_reader_next(r, &a, &err), NS_DONE);
    assert_null(a);
    /* and it stays done */
    assert_int_equal(ns_reader_next(r, &a, &err), NS_DONE);
}

static void check_passage(const ns_article *a, size_t i, size_t line, size_t column,
                          const char *text)
{
    assert_true(i < a->npassages);
    const ns_passage *p = &a->passages[i];
    if (p->line != line || p->column != column || p->len != strlen(text) ||
        memcmp(p->text, text, p->len) != 0) {
        print_message("passage %zu: got %zu:%zu [%.*s], want %zu:%zu [%s]\n", i, p->line, p->column,
                      (int)p->len, p->text, line, column, text);
        fail();
    }
}

static size_t words_in(const char *p, size_t n)
{
    size_t w = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int c = p[i] != ' ' && p[i] != '\t' && p[i] != '\n';
        w += c && !in;
        in = c;
    }
    return w;
}

/* Valid UTF-8 (shortest forms, no surrogates) and no control characters:
 * the test's own checker, independent of the reader's. */
static int clean_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x20 || c == 0x7F) {
            return 0;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            lo = c == 0xE0 ? 0xA0 : lo;
            hi = c == 0xED ? 0x9F : hi;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            lo = c == 0xF0 ? 0x90 : lo;
            hi = c == 0xF4 ? 0x8F : hi;
        } else {
            return 0;
        }
        if (i + need >= n) {
            return 0;
        }
        for (size_t k = 1; k <= need; k++) {
            if (p[i + k] < lo || p[i + k] > hi) {
                return 0;
            }
            lo = 0x80;
            hi = 0xBF;
        }
        i += need + 1;
    }
    return 1;
}

static int find_srcdir(const char *argv0)
{
    const char *env = getenv("NS_SRCDIR");
    struct stat st;
    char probe[4300];
    if (env && *env) {
        snprintf(srcdir, sizeof srcdir, "%s", env);
        return 0;
    }
    if (stat("tests/data/reader", &st) == 0) {
        if (!getcwd(srcdir, sizeof srcdir)) {
            return -1;
        }
        return 0;
    }
    /* build/MODE/tests/test_reader -> ../../.. */
    char bin[2048];
    snprintf(bin, sizeof bin, "%.2000s", argv0);
    char *slash = strrchr(bin, '/');
    if (slash) {
        *slash = '\0';
        snprintf(probe, sizeof probe, "%s/../../../tests/data/reader", bin);
        if (stat(probe, &st) == 0) {
            snprintf(srcdir, sizeof srcdir, "%s/../../..", bin);
            return 0;
        }
    }
    return -1;
}

static int setup_all(void **state)
{
    (void)state;
    return scratch_make(tmpdir, sizeof tmpdir, "nsearch-test-reader");
}

static int teardown_all(void **state)
{
    (void)state;
    scratch_remove(tmpdir);
    return 0;
}

/* ---------------------------------------------------------- file kinds */

static void test_file_kind(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        ns_file_kind kind;
        int gz;
    } cases[] = {
        {"a.txt", NS_FILE_TEXT, 0},       {"dir/a.txt.gz", NS_FILE_TEXT, 1},
        {"a.jsonl", NS_FILE_JSONL, 0},    {"a.JSONL.GZ", NS_FILE_JSONL, 1},
        {"A.TXT", NS_FILE_TEXT, 0},       {"a.json", NS_FILE_UNKNOWN, 0},
        {"a.txt~", NS_FILE_UNKNOWN, 0},   {"a.gz", NS_FILE_UNKNOWN, 0},
        {".txt", NS_FILE_UNKNOWN, 0},     {"dir.txt/readme", NS_FILE_UNKNOWN, 0},
        {"x.tar.gz", NS_FILE_UNKNOWN, 0}, {"notes.txt.bak", NS_FILE_UNKNOWN, 0},
        {"", NS_FILE_UNKNOWN, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int gz = -1;
        ns_file_kind k = ns_file_kind_of(cases[i].name, &gz);
        if (k != cases[i].kind || gz != cases[i].gz) {
            print_message("%s: kind %d gz %d\n", cases[i].name, k, gz);
            fail();
        }
    }
    assert_int_equal(ns_file_kind_of("a.txt", NULL), NS_FILE_TEXT);
}

/* ---------------------------------------------------------- dates */

static void test_dates(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t want; /* NS_NO_DATE: must fail */
    } cases[] = {
        {"2025-12-06", 1764979200},
        {"  2025-12-06\n", 1764979200},
        {"2025/12/06", 1764979200},
        {"20251206", 1764979200},
        {"2025-12-06T06:50:44Z", 1765003844},
        {"2025-12-06t06:50:44z", 1765003844},
        {"2025-12-06 06:50:44", 1765003844},
        {"2025-12-06T06:50:44.123Z", 1765003844},
        {"2025-12-06T06:50Z", 1765003800},
        {"2025-12-06T06:50:44+02:00", 1764996644},
        {"2025-12-06T06:50:44+0200", 1764996644},
        {"2025-12-06T06:50:44+02", 1764996644},
        {"2025-12-06T06:50:44-05:00", 1765021844},
        {"2025-12-06T06:50:44+05:30", 1764984044},
        {"2025-12-06 06:50:44 UTC", 1765003844},
        {"2025-12-06 06:50:44 GMT+2", 1764996644},
        {"Sat, 06 Dec 2025 06:50:44 +0000", 1765003844},
        {"Sat, 06 Dec 2025 06:50:44 GMT", 1765003844},
        {"Sat, 06 Dec 2025 06:50:44 +0000 (UTC)", 1765003844},
        {"06 Dec 2025 01:50:44 EST", 1765003844},
        {"6 Dec 25 06:50:44 +0000", 1765003844},
        {"Sat, 6 Dec 2025 06:50 +0000", 1765003800},
        {"Dec 6, 2025", 1764979200},
        {"Dec. 6, 2025", 1764979200},
        {"December 6, 2025", 1764979200},
        {"december 6 2025", 1764979200},
        {"December 6th, 2025", 1764979200},
        {"Saturday, December 6, 2025", 1764979200},
        {"6 December 2025", 1764979200},
        {"6 Dec 2025", 1764979200},
        {"6-Dec-2025", 1764979200},
        {"Sept 6, 2025", 1757116800},
        {"December 6, 2025 6:50 PM", 1765047000},
        {"December 6, 2025 at 6:50 a.m.", 1765003800},
        {"December 6, 2025, 06:50:44 UTC", 1765003844},
        {"Feb 29, 2024", 1709164800},
        {"1987-02-26", 541296000},
        {"1999-12-31 23:59:59", 946684799},
        {"1999-12-31 23:59:60", 946684799},
        /* not dates */
        {"", NS_NO_DATE},
        {"   ", NS_NO_DATE},
        {"someday", NS_NO_DATE},
        {"2025", NS_NO_DATE},
        {"2025-13-01", NS_NO_DATE},
        {"2025-02-29", NS_NO_DATE},
        {"2025-04-31", NS_NO_DATE},
        {"2025-12-06T25:00", NS_NO_DATE},
        {"2025-12-06T06:61", NS_NO_DATE},
        {"2025-12-06 junk", NS_NO_DATE},
        {"2025-12-06T06:50:44+2500", NS_NO_DATE},
        {"Dec 2025", NS_NO_DATE},
        {"May", NS_NO_DATE},
        {"Smarch 6, 2025", NS_NO_DATE},
        {"December 6", NS_NO_DATE},
        {"32 Dec 2025", NS_NO_DATE},
        {"December 6, 2025 13:00 PM", NS_NO_DATE},
        {"Sat, 06 Dec 2025 06:50:44 XYZ", NS_NO_DATE},
        {"0999-01-01", NS_NO_DATE},
        {"The meeting was on December 6, 2025", NS_NO_DATE},
        {"2025-12-06 06:50:44 (unclosed", NS_NO_DATE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t got = 12345;
        ns_status st = ns_date_parse(cases[i].text, strlen(cases[i].text), &got);
        if (cases[i].want == NS_NO_DATE) {
            if (st != NS_ERR_FORMAT || got != 12345) {
                print_message("\"%s\": parsed as %lld, want an error\n", cases[i].text,
                              (long long)got);
                fail();
            }
        } else if (st != NS_OK || got != cases[i].want) {
            print_message("\"%s\": status %d, got %lld, want %lld\n", cases[i].text, st,
                          (long long)got, (long long)cases[i].want);
            fail();
        }
    }
    /* Not NUL-terminated: only len bytes count. */
    int64_t got;
    assert_int_equal(ns_date_parse("2025-12-06XYZ", 10, &got), NS_OK);
    assert_int_equal(got, 1764979200);
}

/* ---------------------------------------------------------- text shapes */

static void test_shape_a(void **state)
{
    (void)state;
    warns w = {0};
    const char *path = fixture("shape-a.txt");
    ns_reader *r = open_ok(path, &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->title, "Harbor authority approves night ferry service");
    assert_int_equal(a->title_line, 1);
    assert_int_equal(a->line, 1);
    /* Line 2, "Published in Local News", is the section: no passage. */
    assert_string_equal(a->source, "Example Wire L.P.");
    assert_string_equal(a->url, "");
    assert_string_equal(a->id, "shape-a");
    assert_string_equal(a->path, path);
    assert_true(a->date == NS_NO_DATE);
    assert_int_equal(a->npassages, 4);
    check_passage(a, 0, 3, 1,
                  "The regional harbor authority voted on Tuesday to add a night ferry between "
                  "the two islands, starting in the spring.");
    check_passage(a, 1, 4, 1,
                  "Board members said the boats would run every ninety minutes after 10 p.m. and "
                  "stop at the new east pier.");
    check_passage(a, 2, 5, 1,
                  "\"People have asked for this for years,\" said board chair Elena Marsh.");
    check_passage(a, 3, 7, 1,
                  "The authority expects about 400 riders a night during the summer months.");
    next_done(r);
    if (w.n) {
        print_warns(&w);
    }
    assert_int_equal(w.n, 0);
    ns_reader_close(r);
    warns_free(&w);
}

static void test_shape_a_distributor(void **state)
{
    (void)state;
    warns w = {0};
    ns_reader *r = open_ok(fixture("shape-a-distributor.txt"), &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->title, "Library adds weekend story hours");
    assert_string_equal(a->source, "Sample Content Agency, LLC");
    assert_int_equal(a->npassages, 2);
    check_passage(a, 0, 2, 1,
                  "The central library will host story hours for children on Saturday and Sunday "
                  "mornings.");
    /* "* * *" is a break inside the article, not its end */
    check_passage(a, 1, 4, 1, "Volunteers from the reading club will lead the sessions.");
    next_done(r);
    assert_int_equal(w.n, 0);
    ns_reader_close(r);
}

static void test_shape_b(void **state)
{
    (void)state;
    warns w = {0};
    ns_reader *r = open_ok(fixture("shape-b.txt"), &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->title, "Rail operators agree on winter timetable");
    assert_int_equal(a->title_line, 1);
    assert_int_equal(a->date, 1765003844);
    assert_string_equal(a->source, "MENAFN");
    assert_int_equal(a->npassages, 3);
    check_passage(a, 0, 5, 1,
                  "(MENAFN) Three rail operators agreed on Friday to share a single winter "
                  "timetable, the transport ministry said.");
    check_passage(a, 1, 7, 1,
                  "Officials said the plan covers 14 routes and will take effect next month.");
    check_passage(a, 2, 9, 1,
                  "\"The aim is fewer missed connections,\" a ministry spokesperson said.");
    next_done(r);
    assert_int_equal(w.n, 0);
    ns_reader_close(r);
}

static void test_shape_c(void **state)
{
    (void)state;
    warns w = {0};
    ns_reader *r = open_ok(fixture("shape-c.txt"), &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->title, "Bakery chain opens first northern store");
    assert_int_equal(a->date, 1710460800);
    assert_string_equal(a->source, "Example Gazette");
    assert_string_equal(a->url, "https://example.org/news/bakery");
    assert_int_equal(a->npassages, 3);
    check_passage(a, 0, 6, 1,
                  "The bakery chain opened its first store in the northern district on Friday.");
    check_passage(a, 1, 8, 3, "Its founder said the shop would employ 25 people.");
    check_passage(a, 2, 10, 1, "Customers lined up before dawn.");
    next_done(r);
    assert_int_equal(w.n, 0);
    ns_reader_close(r);

    r = open_ok(fixture("shape-c-keys.txt"), &w);
    a = next_ok(r);
    assert_string_equal(a->title, "Museum extends opening hours");
    assert_int_equal(a->title_line, 1);
    assert_string_equal(a->source, "Example Times");
    assert_string_equal(a->url, "https://example.org/museum");
    assert_int_equal(a->date, 1765000244);
    assert_int_equal(a->npassages, 1);
    check_passage(a, 0, 6, 1, "The city museum will stay open until 9 p.m. on Thursdays.");
    next_done(r);
    assert_int_equal(w.n, 0);
    ns_reader_close(r);
}

static void test_date_line_and_plain(void **state)
{
    (void)state;
    warns w = {0};
    ns_reader *r = open_ok(fixture("date-line.txt"), &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->title, "Orchard harvest beats forecasts");
    assert_int_equal(a->date, 1764979200);
    assert_int_equal(a->npassages, 2);
    check_passage(a, 0, 3, 1, "Apple growers in the valley picked a record crop this autumn.");
    check_passage(a, 1, 4, 1, "Prices at the farm gate held steady.");
    ns_reader_close(r);

    r = open_ok(fixture("only-paragraphs.txt"), &w);
    a = next_ok(r);
    assert_string_equal(a->title,
                        "The first line of this file is a whole sentence and becomes the title.");
    assert_int_equal(a->title_line, 1);
    assert_true(a->date == NS_NO_DATE);
    assert_string_equal(a->source, "");
    assert_int_equal(a->npassages, 1);
    check_passage(a, 0, 2, 1, "The second line is the only passage.");
    ns_reader_close(r);
    assert_int_equal(w.n, 0);
}

/* Shapes written at test time: empty first line with headers, header that
 * gives the title, a bad date header, a title-only file, a dateline tag. */
static void test_text_variants(void **state)
{
    (void)state;
    warns w = {0};
    const char *p = tmp("variant1.txt");
    write_str(p, "\nDate: 1987-02-26\nSource: Example Wire, Lisbon\n\nOnly paragraph here.\n");
    ns_reader *r = open_ok(p, &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->title, "");
    assert_int_equal(a->title_line, 0);
    assert_int_equal(a->date, 541296000);
    assert_string_equal(a->source, "Example Wire, Lisbon");
    assert_int_equal(a->npassages, 1);
    check_passage(a, 0, 5, 1, "Only paragraph here.");
    ns_reader_close(r);

    p = tmp("variant2.txt");
    write_str(p, "Title: Header title\nDate: not a date\nLink: http://example.org/x\n\n"
                 "NEW YORK Dec 28 (Example News) - A dateline story.\n");
    r = open_ok(p, &w);
    a = next_ok(r);
    assert_string_equal(a->title, "Header title");
    assert_int_equal(a->title_line, 1);
    assert_true(a->date == NS_NO_DATE);
    assert_string_equal(a->url, "http://example.org/x");
    assert_string_equal(a->source, "Example News");
    check_passage(a, 0, 5, 1, "NEW YORK Dec 28 (Example News) - A dateline story.");
    assert_true(has_warning(&w, "variant2.txt:2: invalid date \"not a date\""));
    ns_reader_close(r);
    warns_free(&w);

    p = tmp("variant3.txt");
    write_str(p, "Just a title, no body");
    r = open_ok(p, &w);
    a = next_ok(r);
    assert_string_equal(a->title, "Just a title, no body");
    assert_int_equal(a->npassages, 0);
    assert_null(a->passages);
    next_done(r);
    ns_reader_close(r);
    /* Which is said: no search lists an article without a passage. */
    assert_int_equal(w.n, 1);
    assert_true(has_warning(&w, "variant3.txt:1: no text after the title and headers"));
    warns_free(&w);

    /* A paragraph that opens with "(Adds ...)" is no agency tag; a
     * copyright sentence in the body is no footer. */
    p = tmp("variant4.txt");
    write_str(p, "Heading\n(Adds detail, background)\n"
                 "Copyright law changes were debated on Monday.\nAnother line.\n");
    r = open_ok(p, &w);
    a = next_ok(r);
    assert_string_equal(a->source, "");
    assert_int_equal(a->npassages, 3);
    check_passage(a, 1, 3, 1, "Copyright law changes were debated on Monday.");
    ns_reader_close(r);

    /* Copyright notice without separator, "(c)" and "All rights reserved". */
    p = tmp("variant5.txt");
    write_str(p, "Heading\nBody text.\n(c) 2019-2025 Example Press Inc. All rights reserved.\n");
    r = open_ok(p, &w);
    a = next_ok(r);
    assert_string_equal(a->source, "Example Press Inc");
    assert_int_equal(a->npassages, 1);
    check_passage(a, 0, 2, 1, "Body text.");
    ns_reader_close(r);
    assert_int_equal(w.n, 0);
    warns_free(&w);
}

static void test_crlf_bom(void **state)
{
    (void)state;
    warns w = {0};
    const char *p = tmp("crlf.txt");
    write_str(p, "\xEF\xBB\xBFWindows title\r\nDate: 2025-12-06\r\n\r\n"
                 "First paragraph.\r\n\r\n\tSecond, after a tab.\r\n");
    ns_reader *r = open_ok(p, &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->title, "Windows title");
    assert_int_equal(a->date, 1764979200);
    assert_int_equal(a->npassages, 2);
    check_passage(a, 0, 4, 1, "First paragraph.");
    check_passage(a, 1, 6, 2, "Second, after a tab.");
    ns_reader_close(r);

    p = tmp("crlf.jsonl");
    write_str(p, "\xEF\xBB\xBF{\"title\": \"T\", \"body\": \"One.\\r\\n\\r\\nTwo.\"}\r\n"
                 "{\"title\": \"U\", \"body\": \"Three.\"}\r\n");
    r = open_ok(p, &w);
    a = next_ok(r);
    assert_string_equal(a->title, "T");
    assert_int_equal(a->npassages, 2);
    check_passage(a, 0, 1, 1, "One.");
    check_passage(a, 1, 1, 1, "Two.");
    a = next_ok(r);
    check_passage(a, 0, 2, 1, "Three.");
    next_done(r);
    ns_reader_close(r);
    assert_int_equal(w.n, 0);
}

/* ---------------------------------------------------------- JSON Lines */

static void check_articles_jsonl(const char *path, const char *name)
{
    warns w = {0};
    ns_reader *r = open_ok(path, &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->id, "a-1");
    assert_string_equal(a->title, "Port strike ends after two weeks");
    assert_int_equal(a->title_line, 1);
    assert_int_equal(a->line, 1);
    assert_int_equal(a->date, 1765003844);
    assert_string_equal(a->source, "Example Wire");
    assert_string_equal(a->url, "https://example.org/a1");
    assert_string_equal(a->path, path);
    assert_int_equal(a->npassages, 2);
    check_passage(a, 0, 1, 1, "Dock workers returned to work on Monday.");
    check_passage(a, 1, 1, 1, "The union said the deal raises pay by 4 percent.");

    a = next_ok(r);
    assert_string_equal(a->id, "42");
    assert_int_equal(a->line, 3);
    assert_string_equal(a->title, "Wheat prices climb");
    assert_int_equal(a->date, 1764979200);
    assert_string_equal(a->source, "Example Markets");
    assert_string_equal(a->url, "https://example.org/a2");
    assert_int_equal(a->npassages, 2);
    check_passage(a, 0, 3, 1, "Wheat futures rose for a third day.");
    check_passage(a, 1, 3, 1, "Traders cited dry weather.");

    a = next_ok(r);
    assert_string_equal(a->id, "articles:4");
    assert_int_equal(a->date, 1764979200);
    assert_string_equal(a->source, "");
    assert_int_equal(a->npassages, 2);
    check_passage(a, 0, 4, 1, "First line paragraph.");
    check_passage(a, 1, 4, 1, "Second line paragraph.");

    a = next_ok(r);
    assert_string_equal(a->id, "articles:5");
    assert_int_equal(a->date, 1765003844);
    assert_string_equal(a->source, "MENAFN");
    check_passage(a, 0, 5, 1, "(MENAFN) A new bridge opened on Friday.");

    a = next_ok(r);
    assert_string_equal(a->title, "Bad date");
    assert_true(a->date == NS_NO_DATE);

    a = next_ok(r);
    assert_string_equal(a->title, "Epoch date");
    assert_int_equal(a->line, 11);
    assert_int_equal(a->date, 1765003844);

    a = next_ok(r);
    assert_string_equal(a->title, "Millis date");
    assert_int_equal(a->date, 1765003844);

    a = next_ok(r);
    assert_string_equal(a->title, "Headline fallback");
    assert_string_equal(a->id, "articles:13");
    next_done(r);

    char want[256];
    snprintf(want, sizeof want, "%s:6: invalid date \"someday\"", name);
    assert_true(has_warning(&w, want));
    snprintf(want, sizeof want, "%s:7: no body, record skipped", name);
    assert_true(has_warning(&w, want));
    snprintf(want, sizeof want, "%s:8: no body, record skipped", name);
    assert_true(has_warning(&w, want));
    snprintf(want, sizeof want, "%s:9: malformed JSON (", name);
    assert_true(has_warning(&w, want));
    snprintf(want, sizeof want, "%s:10: not a JSON object, record skipped", name);
    assert_true(has_warning(&w, want));
    if (w.n != 5) {
        print_warns(&w);
    }
    assert_int_equal(w.n, 5);
    ns_reader_close(r);
    warns_free(&w);
}

static void test_jsonl(void **state)
{
    (void)state;
    check_articles_jsonl(fixture("articles.jsonl"), "articles.jsonl");
}

static void test_jsonl_gz(void **state)
{
    (void)state;
    check_articles_jsonl(fixture("articles.jsonl.gz"), "articles.jsonl.gz");
}

static void test_text_gz(void **state)
{
    (void)state;
    warns w = {0};
    ns_reader *r = open_ok(fixture("shape-a.txt.gz"), &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->id, "shape-a");
    assert_string_equal(a->title, "Harbor authority approves night ferry service");
    assert_string_equal(a->source, "Example Wire L.P.");
    assert_int_equal(a->npassages, 4);
    check_passage(a, 3, 7, 1,
                  "The authority expects about 400 riders a night during the summer months.");
    next_done(r);
    assert_int_equal(w.n, 0);
    ns_reader_close(r);
}

static void test_malformed_json(void **state)
{
    (void)state;
    warns w = {0};
    ns_reader *r = open_ok(fixture("malformed.jsonl"), &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->title, "Before");
    a = next_ok(r);
    assert_string_equal(a->title, "After");
    assert_int_equal(a->line, 3);
    next_done(r);
    assert_int_equal(w.n, 1);
    assert_true(has_warning(&w, "malformed.jsonl:2: malformed JSON ("));
    ns_reader_close(r);
    warns_free(&w);
}

/* ---------------------------------------------------------- passages */

/* 30 sentences of 10 words, "U.S. Treasury" in each: windows of 12, 12
 * and 6 sentences, none cut after "U.S.". */
static void test_long_paragraph(void **state)
{
    (void)state;
    char para[4096] = "";
    size_t starts[31];
    size_t n = 0;
    for (int i = 1; i <= 30; i++) {
        if (i > 1) {
            para[n++] = ' ';
        }
        starts[i - 1] = n;
        n += (size_t)sprintf(para + n, "The U.S. Treasury said item %02d was ready for review.", i);
    }
    starts[30] = n + 1;
    char file[8192];
    snprintf(file, sizeof file, "Long paragraph\n  %s\n", para);
    const char *p = tmp("long.txt");
    write_str(p, file);
    warns w = {0};
    ns_reader *r = open_ok(p, &w);
    const ns_article *a = next_ok(r);
    assert_int_equal(a->npassages, 3);
    static const int first[4] = {0, 12, 24, 30};
    for (int k = 0; k < 3; k++) {
        char want[4096];
        size_t from = starts[first[k]], to = starts[first[k + 1]] - 1;
        memcpy(want, para + from, to - from);
        want[to - from] = '\0';
        check_passage(a, (size_t)k, 2, 3 + from, want);
    }
    assert_int_equal(words_in(a->passages[0].text, a->passages[0].len), 120);
    assert_int_equal(words_in(a->passages[2].text, a->passages[2].len), 60);
    ns_reader_close(r);

    /* The same body in JSON Lines: same windows, column 1, record line. */
    char json[8192];
    snprintf(json, sizeof json, "\n{\"title\": \"x\", \"body\": \"%s\"}\n", para);
    p = tmp("long.jsonl");
    write_str(p, json);
    r = open_ok(p, &w);
    a = next_ok(r);
    assert_int_equal(a->npassages, 3);
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(a->passages[k].line, 2);
        assert_int_equal(a->passages[k].column, 1);
    }
    assert_int_equal(words_in(a->passages[1].text, a->passages[1].len), 120);
    ns_reader_close(r);
    assert_int_equal(w.n, 0);
}

/* One 300-word sentence: three even parts of 100 words. A 5-word tail
 * sentence joins the window before it. */
static void test_long_sentence_and_tail(void **state)
{
    (void)state;
    static char line[8192];
    size_t n = 0;
    for (int i = 0; i < 300; i++) {
        n += (size_t)sprintf(line + n, "%sw%d", i ? " " : "", i);
    }
    char file[9000];
    snprintf(file, sizeof file, "Title\n%s\n", line);
    const char *p = tmp("sentence.txt");
    write_str(p, file);
    warns w = {0};
    ns_reader *r = open_ok(p, &w);
    const ns_article *a = next_ok(r);
    assert_int_equal(a->npassages, 3);
    size_t col = 1;
    for (size_t k = 0; k < 3; k++) {
        const ns_passage *ps = &a->passages[k];
        assert_int_equal(words_in(ps->text, ps->len), 100);
        assert_int_equal(ps->line, 2);
        assert_int_equal(ps->column, col);
        assert_memory_equal(ps->text, line + col - 1, ps->len);
        col += ps->len + 1;
    }
    ns_reader_close(r);

    n = 0;
    for (int i = 1; i <= 12; i++) {
        n += (size_t)sprintf(line + n, "%sSentence %02d has exactly six words.", i > 1 ? " " : "",
                             i);
    }
    /* 12 x 6 = 72 words, then a 50-word sentence (122 > 120: cut), then a
     * 5-word tail that joins the 50-word window. */
    n += (size_t)sprintf(line + n, " Then");
    for (int i = 0; i < 49; i++) {
        n += (size_t)sprintf(line + n, " x%d", i);
    }
    n += (size_t)sprintf(line + n, ". Short tail of five words.");
    snprintf(file, sizeof file, "Title\n%s\n", line);
    write_str(p, file);
    r = open_ok(p, &w);
    a = next_ok(r);
    assert_int_equal(a->npassages, 2);
    assert_int_equal(words_in(a->passages[0].text, a->passages[0].len), 72);
    assert_int_equal(words_in(a->passages[1].text, a->passages[1].len), 55);
    assert_int_equal(a->passages[1].column, a->passages[0].len + 2);
    ns_reader_close(r);
    assert_int_equal(w.n, 0);
}

/* ---------------------------------------------------------- bad input */

static void test_binary(void **state)
{
    (void)state;
    ns_reader *r = (ns_reader *)1;
    ns_error err;
    const char *path = fixture("binary.txt");
    assert_int_equal(ns_reader_open(path, NULL, &r, &err), NS_ERR_FORMAT);
    assert_null(r);
    assert_non_null(strstr(err.msg, "binary file, skipped"));
    assert_non_null(strstr(err.msg, path));

    /* Compressed binary too. */
    if (have_gzip()) {
        const char *p = tmp("bin.jsonl");
        write_file(p, "{\"a\":\0}\n", 8);
        gzip_file(p);
        assert_int_equal(ns_reader_open(tmp("bin.jsonl.gz"), NULL, &r, &err), NS_ERR_FORMAT);
        assert_non_null(strstr(err.msg, "binary file"));
    }

    /* A NUL after the first 8 KiB is no reason to skip: it becomes a space. */
    static char big[10000];
    memset(big, 'a', sizeof big);
    memcpy(big, "Title\n", 6);
    for (size_t i = 100; i < sizeof big; i += 100) {
        big[i] = ' ';
    }
    big[9001] = '\0';
    big[sizeof big - 1] = '\n';
    const char *p = tmp("late-nul.txt");
    write_file(p, big, sizeof big);
    warns w = {0};
    r = open_ok(p, &w);
    const ns_article *a = next_ok(r);
    int found = 0;
    for (size_t k = 0; k < a->npassages; k++) {
        assert_null(memchr(a->passages[k].text, '\0', a->passages[k].len));
        found |= a->passages[k].len > 0;
    }
    assert_true(found);
    ns_reader_close(r);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    warns w = {0};
    const char *path = fixture("invalid-utf8.txt");
    ns_reader *r = open_ok(path, &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->title, "Caf\xC3\xA9 prices rise");
    assert_int_equal(a->npassages, 1);
    /* \xe9 before a space: one; \xff, \xfe: one each; \xed\xa0\x80 (a
     * surrogate): \xed alone is the maximal subpart, then \xa0, \x80. In a
     * text file's passage each invalid byte is one '?', so offsets into the
     * passage stay the file's. */
    check_passage(a, 0, 3, 1, "Caf? au lait ?? costs more ??? now.");
    next_done(r);
    char want[4300];
    /* All six on line 3 (the title line is valid): the warning names it. */
    snprintf(want, sizeof want, "%s:3: 6 invalid UTF-8 sequences replaced (the first here)", path);
    if (!has_warning(&w, want)) {
        print_warns(&w);
        fail();
    }
    assert_int_equal(w.n, 1);
    ns_reader_close(r);
    warns_free(&w);

    /* In JSON Lines the line is repaired before parsing: the record stays.
     * A blank line 1, the first bad byte on line 2, one more on line 3. */
    const char *p = tmp("bad-utf8.jsonl");
    write_str(p, "\n{\"title\": \"Caf\xe9\", \"body\": \"Na\xefve text.\"}\n"
                 "{\"title\": \"Two\", \"body\": \"Odd \xff byte.\"}\n");
    r = open_ok(p, &w);
    a = next_ok(r);
    assert_string_equal(a->title, "Caf\xEF\xBF\xBD");
    check_passage(a, 0, 2, 1, "Na\xEF\xBF\xBDve text.");
    a = next_ok(r);
    check_passage(a, 0, 3, 1, "Odd \xEF\xBF\xBD byte.");
    next_done(r);
    assert_true(
        has_warning(&w, "bad-utf8.jsonl:2: 3 invalid UTF-8 sequences replaced (the first here)"));
    assert_int_equal(w.n, 1);
    ns_reader_close(r);
    warns_free(&w);

    /* A text file: the first bad byte on line 4, another on line 6. */
    p = tmp("bad-later.txt");
    write_str(p, "Title\n\nGood line.\nBad \xff here.\n\nAnd \xfe again.\n");
    r = open_ok(p, &w);
    next_ok(r);
    next_done(r);
    assert_true(
        has_warning(&w, "bad-later.txt:4: 2 invalid UTF-8 sequences replaced (the first here)"));
    assert_int_equal(w.n, 1);
    ns_reader_close(r);
    warns_free(&w);

    /* One sequence: said in the singular, at its line. */
    p = tmp("bad-one.txt");
    write_str(p, "Title\n\nOne \xff only.\n");
    r = open_ok(p, &w);
    next_ok(r);
    next_done(r);
    assert_true(has_warning(&w, "bad-one.txt:3: 1 invalid UTF-8 sequence replaced"));
    assert_int_equal(w.n, 1);
    ns_reader_close(r);
    warns_free(&w);
}

static void test_empty(void **state)
{
    (void)state;
    warns w = {0};
    const char *path = fixture("empty.txt");
    ns_reader *r = open_ok(path, &w);
    next_done(r);
    char want[4300];
    snprintf(want, sizeof want, "%s: empty file", path);
    assert_true(has_warning(&w, want));
    assert_int_equal(w.n, 1);
    ns_reader_close(r);
    warns_free(&w);

    const char *p = tmp("blank.jsonl");
    write_str(p, "\n  \n\n");
    r = open_ok(p, &w);
    next_done(r);
    assert_true(has_warning(&w, "blank.jsonl: empty file"));
    ns_reader_close(r);
    warns_free(&w);

    p = tmp("spaces.txt");
    write_str(p, " \n\t\n");
    r = open_ok(p, &w);
    next_done(r);
    assert_true(has_warning(&w, "spaces.txt: empty file"));
    ns_reader_close(r);
    warns_free(&w);

    if (have_gzip()) {
        p = tmp("empty2.txt");
        write_str(p, "");
        gzip_file(p);
        r = open_ok(tmp("empty2.txt.gz"), &w);
        next_done(r);
        assert_int_equal(w.n, 1);
        assert_true(has_warning(&w, "empty2.txt.gz: empty file"));
        ns_reader_close(r);
        warns_free(&w);
    }
}

static void test_too_large(void **state)
{
    (void)state;
    ns_reader_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.max_file_bytes = 100;
    ns_reader *r = (ns_reader *)1;
    ns_error err;
    const char *path = fixture("articles.jsonl");
    assert_int_equal(ns_reader_open(path, &opts, &r, &err), NS_ERR_FORMAT);
    assert_null(r);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "1226 bytes"));
    assert_non_null(strstr(err.msg, "limit of 100 bytes"));
    /* at the limit: fine */
    opts.max_file_bytes = 1226;
    assert_int_equal(ns_reader_open(path, &opts, &r, &err), NS_OK);
    ns_reader_close(r);
}

/* Per-line cap: a text line is cut at a UTF-8 boundary, a JSON line is
 * skipped; the lines after are read normally. */
static void test_line_cap(void **state)
{
    (void)state;
    warns w = {0};
    ns_reader_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.warn = collect;
    opts.warn_ctx = &w;
    opts.max_line_bytes = 64;
    const char *p = tmp("cap.txt");
    /* 63 ASCII bytes then "é" across the 64-byte cut */
    write_str(p,
              "Title\n"
              "aaaaaaaaa aaaaaaaaa aaaaaaaaa aaaaaaaaa aaaaaaaaa aaaaaaaaa abc\xC3\xA9 and more\n"
              "After.\n");
    ns_reader *r;
    ns_error err;
    assert_int_equal(ns_reader_open(p, &opts, &r, &err), NS_OK);
    const ns_article *a = next_ok(r);
    assert_int_equal(a->npassages, 2);
    assert_int_equal(a->passages[0].len, 63);
    check_passage(a, 1, 3, 1, "After.");
    assert_true(has_warning(&w, "cap.txt:2: line longer than 64 bytes cut"));
    ns_reader_close(r);
    warns_free(&w);

    p = tmp("cap.jsonl");
    write_str(
        p, "{\"title\": \"short\", \"body\": \"ok\"}\n"
           "{\"title\": \"long\", \"body\": \"this record is longer than the cap of the test\"}\n"
           "{\"title\": \"after\", \"body\": \"ok\"}\n");
    assert_int_equal(ns_reader_open(p, &opts, &r, &err), NS_OK);
    a = next_ok(r);
    assert_string_equal(a->title, "short");
    a = next_ok(r);
    assert_string_equal(a->title, "after");
    assert_int_equal(a->line, 3);
    next_done(r);
    assert_true(has_warning(&w, "cap.jsonl:2: line longer than 64 bytes, record skipped"));
    ns_reader_close(r);
    warns_free(&w);
}

/* Run fn in a child process and report its peak RSS growth in KiB. */
typedef struct child_report {
    long grew_kb;
    long articles;
    long passages;
    long bytes;
    long warnings;
    int ok;
} child_report;

static child_report in_child(void (*fn)(const char *, child_report *), const char *arg)
{
    child_report rep;
    memset(&rep, 0, sizeof rep);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        long base = ru.ru_maxrss;
        fn(arg, &rep);
        getrusage(RUSAGE_SELF, &ru);
        rep.grew_kb = ru.ru_maxrss - base;
        ssize_t k = write(fds[1], &rep, sizeof rep);
        _exit(k == (ssize_t)sizeof rep ? 0 : 1);
    }
    close(fds[1]);
    ssize_t k = read(fds[0], &rep, sizeof rep);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(k, (ssize_t)sizeof rep);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return rep;
}

static void count_warn(void *ctx, const char *path, size_t line, const char *msg)
{
    (void)path;
    (void)line;
    (void)msg;
    ((child_report *)ctx)->warnings++;
}

static void read_all(const char *path, child_report *rep)
{
    ns_reader_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.warn = count_warn;
    opts.warn_ctx = rep;
    ns_reader *r;
    ns_error err;
    if (ns_reader_open(path, &opts, &r, &err) != NS_OK) {
        return;
    }
    const ns_article *a;
    ns_status st;
    while ((st = ns_reader_next(r, &a, &err)) == NS_OK) {
        rep->articles++;
        rep->passages += (long)a->npassages;
        for (size_t i = 0; i < a->npassages; i++) {
            rep->bytes += (long)a->passages[i].len;
        }
    }
    rep->ok = st == NS_DONE;
    ns_reader_close(r);
}

/* One line of 100 MB: cut at 16 MiB with a warning, memory bounded. */
static void test_huge_line(void **state)
{
    (void)state;
    const char *p = tmp("huge.txt");
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    static char chunk[1 << 20];
    for (size_t i = 0; i < sizeof chunk; i += 16) {
        memcpy(chunk + i, "Word word word. ", 16);
    }
    fputs("Huge line\n", f);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
    }
    fputs("\nLast paragraph here.\n", f);
    assert_int_equal(fclose(f), 0);

    child_report rep = in_child(read_all, p);
    unlink(p);
    assert_true(rep.ok);
    assert_int_equal(rep.articles, 1);
    assert_int_equal(rep.warnings, 1); /* the cut */
    assert_true(rep.bytes <= (long)NS_READER_MAX_LINE + 64);
    assert_true(rep.bytes > (long)NS_READER_MAX_LINE - (long)NS_READER_MAX_LINE / 8);
    print_message("  100 MB line: %ld passages, %ld bytes kept, peak RSS +%ld KiB\n", rep.passages,
                  rep.bytes, rep.grew_kb);
    if (UNDER_ASAN) {
        print_message("  (memory bound not checked under AddressSanitizer)\n");
    } else {
        assert_true(rep.grew_kb < 100 * 1024);
    }

    /* The warning names the line and the cap; the next line survives. */
    warns w = {0};
    ns_reader_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.warn = collect;
    opts.warn_ctx = &w;
    opts.max_line_bytes = 1000;
    p = tmp("huge2.txt");
    f = fopen(p, "wb");
    fputs("Huge line\n", f);
    for (int i = 0; i < 4; i++) {
        fwrite(chunk, 1, sizeof chunk, f);
    }
    fputs("\nLast paragraph here.\n", f);
    fclose(f);
    ns_reader *r;
    ns_error err;
    assert_int_equal(ns_reader_open(p, &opts, &r, &err), NS_OK);
    const ns_article *a = next_ok(r);
    check_passage(a, a->npassages - 1, 3, 1, "Last paragraph here.");
    assert_true(has_warning(&w, "huge2.txt:2: line longer than 1000 bytes cut"));
    ns_reader_close(r);
    warns_free(&w);
}

/* Streaming a multi-MB .jsonl.gz keeps memory bounded. */
static void test_bounded_memory(void **state)
{
    (void)state;
    if (!have_gzip()) {
        print_message("skipped: no gzip program\n");
        skip();
    }
    const char *p = tmp("stream.jsonl");
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    static char body[1024];
    size_t n = 0;
    while (n + 40 < sizeof body) {
        n += (size_t)sprintf(body + n, "Markets moved %zu points today. ", n);
    }
    const long records = 60000; /* about 64 MB */
    for (long i = 0; i < records; i++) {
        fprintf(f,
                "{\"id\": \"s%ld\", \"title\": \"Story %ld\", \"date\": \"2013-11-19\", "
                "\"source\": \"Example\", \"body\": \"%s\"}\n",
                i, i, body);
    }
    assert_int_equal(fclose(f), 0);
    gzip_file(p);
    unlink(p);
    struct stat st;
    assert_int_equal(stat(tmp("stream.jsonl.gz"), &st), 0);
    child_report rep = in_child(read_all, tmp("stream.jsonl.gz"));
    assert_true(rep.ok);
    assert_int_equal(rep.articles, records);
    assert_int_equal(rep.warnings, 0);
    print_message("  %ld records, %ld MB of text from %lld KB gzip, peak RSS +%ld KiB\n",
                  rep.articles, rep.bytes >> 20, (long long)st.st_size / 1024, rep.grew_kb);
    if (UNDER_ASAN) {
        print_message("  (memory bound not checked under AddressSanitizer)\n");
    } else {
        assert_true(rep.bytes > 48L << 20);
        assert_true(rep.grew_kb < 16 * 1024);
    }
}

static void test_truncated_gzip(void **state)
{
    (void)state;
    warns w = {0};
    ns_reader *r = open_ok(fixture("truncated.jsonl.gz"), &w);
    const ns_article *a;
    ns_error err;
    ns_status st;
    long n = 0;
    while ((st = ns_reader_next(r, &a, &err)) == NS_OK) {
        n++;
        char want[32];
        snprintf(want, sizeof want, "m-%ld", n);
        assert_string_equal(a->id, want);
    }
    assert_int_equal(st, NS_DONE);
    /* Half the compressed file: dozens of whole records survive. */
    assert_true(n > 20 && n < 200);
    assert_true(has_warning(&w, "truncated.jsonl.gz: truncated gzip data, keeping what was read"));
    ns_reader_close(r);
    warns_free(&w);
}

static void test_corrupt_gzip(void **state)
{
    (void)state;
    warns w = {0};
    ns_reader *r = open_ok(fixture("corrupt.txt.gz"), &w);
    const ns_article *a = next_ok(r);
    /* The first member (title up to the first paragraph) is kept. */
    assert_string_equal(a->title, "Rail operators agree on winter timetable");
    assert_int_equal(a->npassages, 1);
    assert_int_equal(a->passages[0].line, 5);
    next_done(r);
    assert_true(has_warning(&w, "corrupt.txt.gz: corrupt gzip data (invalid block type)"));
    ns_reader_close(r);
    warns_free(&w);

    /* Garbage after a whole member: warned, the member kept. */
    size_t len;
    unsigned char *gz = slurp(fixture("shape-a.txt.gz"), &len);
    gz = realloc(gz, len * 2 + 16);
    memcpy(gz + len, "not gzip at all", 15);
    const char *p = tmp("garbage.txt.gz");
    write_file(p, gz, len + 15);
    r = open_ok(p, &w);
    a = next_ok(r);
    assert_int_equal(a->npassages, 4);
    assert_true(has_warning(&w, "garbage.txt.gz: trailing garbage after the gzip data ignored"));
    ns_reader_close(r);
    warns_free(&w);

    /* Two members (cat a.gz b.gz) read as one stream. */
    p = tmp("two.jsonl.gz");
    free(gz);
    gz = slurp(fixture("articles.jsonl.gz"), &len);
    gz = realloc(gz, len * 2);
    memcpy(gz + len, gz, len);
    write_file(p, gz, len * 2);
    r = open_ok(p, &w);
    long n = 0;
    ns_error err;
    ns_status st;
    while ((st = ns_reader_next(r, &a, &err)) == NS_OK) {
        n++;
    }
    assert_int_equal(st, NS_DONE);
    assert_int_equal(n, 16);
    assert_int_equal(ns_reader_crc32(r), ref_crc32(gz, len * 2));
    ns_reader_close(r);
    warns_free(&w);
    free(gz);
}

static void test_unreadable(void **state)
{
    (void)state;
    const char *p = tmp("secret.txt");
    write_str(p, "Secret\nText.\n");
    assert_int_equal(chmod(p, 0), 0);
    if (geteuid() == 0) {
        print_message("skipped: running as root, chmod 000 does not block reads\n");
        chmod(p, 0644);
        skip();
    }
    ns_reader *r = (ns_reader *)1;
    ns_error err;
    assert_int_equal(ns_reader_open(p, NULL, &r, &err), NS_ERR_IO);
    assert_null(r);
    assert_non_null(strstr(err.msg, p));
    chmod(p, 0644);
}

static void test_not_regular(void **state)
{
    (void)state;
    ns_reader *r = (ns_reader *)1;
    ns_error err;
    const char *p = tmp("folder.txt");
    assert_int_equal(mkdir(p, 0755), 0);
    assert_int_equal(ns_reader_open(p, NULL, &r, &err), NS_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "not a regular file"));
    /* A FIFO must not block the reader. */
    p = tmp("pipe.jsonl");
    assert_int_equal(mkfifo(p, 0644), 0);
    assert_int_equal(ns_reader_open(p, NULL, &r, &err), NS_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "not a regular file"));
    /* Unknown kind by name */
    p = tmp("notes.md");
    write_str(p, "x\n");
    assert_int_equal(ns_reader_open(p, NULL, &r, &err), NS_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "not a corpus file"));
    assert_null(r);
}

static void test_vanished(void **state)
{
    (void)state;
    const char *p = tmp("gone.txt");
    write_str(p, "Gone\nSoon.\n");
    assert_int_equal(unlink(p), 0);
    ns_reader *r = (ns_reader *)1;
    ns_error err;
    assert_int_equal(ns_reader_open(p, NULL, &r, &err), NS_ERR_NOTFOUND);
    assert_null(r);
    assert_int_equal(err.status, NS_ERR_NOTFOUND);
    assert_non_null(strstr(err.msg, p));
}

static void test_changed_while_read(void **state)
{
    (void)state;
    const char *p = tmp("growing.jsonl");
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    for (int i = 0; i < 20000; i++) {
        fprintf(f, "{\"title\": \"T%d\", \"body\": \"Body of record %d.\"}\n", i, i);
    }
    fclose(f);
    warns w = {0};
    ns_reader *r = open_ok(p, &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->title, "T0");
    /* Another writer appends while we read. */
    f = fopen(p, "ab");
    fputs("{\"title\": \"late\", \"body\": \"Appended.\"}\n", f);
    fclose(f);
    ns_error err;
    ns_status st;
    while ((st = ns_reader_next(r, &a, &err)) == NS_OK) {
    }
    assert_int_equal(st, NS_DONE);
    assert_true(has_warning(&w, "growing.jsonl: file changed while being read"));
    ns_reader_close(r);
    warns_free(&w);
}

static void test_odd_file_name(void **state)
{
    (void)state;
    char p[4300];
    snprintf(p, sizeof p, "%s/caf\xE9 \xFF.txt", tmpdir);
    write_str(p, "Latin-1 name\nThe name of this file is not UTF-8.\n");
    warns w = {0};
    ns_reader *r = open_ok(p, &w);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->path, p);
    /* The id is the repaired stem (a valid UTF-8 string). */
    assert_string_equal(a->id, "caf\xEF\xBF\xBD \xEF\xBF\xBD");
    assert_string_equal(a->title, "Latin-1 name");
    ns_reader_close(r);
}

/* ---------------------------------------------------------- CRC and memory */

static void test_crc32(void **state)
{
    (void)state;
    static const char *const names[] = {"shape-a.txt",        "shape-a.txt.gz",
                                        "articles.jsonl",     "articles.jsonl.gz",
                                        "truncated.jsonl.gz", "corrupt.txt.gz"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t len;
        unsigned char *bytes = slurp(fixture(names[i]), &len);
        warns w = {0};
        ns_reader *r = open_ok(fixture(names[i]), &w);
        const ns_article *a;
        ns_error err;
        while (ns_reader_next(r, &a, &err) == NS_OK) {
        }
        if (ns_reader_crc32(r) != ref_crc32(bytes, len)) {
            print_message("%s: crc %08x, want %08x\n", names[i], ns_reader_crc32(r),
                          ref_crc32(bytes, len));
            fail();
        }
        uint32_t crc = 0;
        assert_int_equal(ns_file_crc32(fixture(names[i]), &crc, &err), NS_OK);
        assert_int_equal(crc, ref_crc32(bytes, len));
        ns_reader_close(r);
        free(bytes);
        warns_free(&w);
    }
    assert_int_equal(ns_reader_crc32(NULL), 0);
    uint32_t crc = 7;
    ns_error err;
    assert_int_equal(ns_file_crc32(tmp("no-such.txt"), &crc, &err), NS_ERR_NOTFOUND);
    assert_non_null(strstr(err.msg, "no-such.txt"));
    assert_int_equal(crc, 7);
    assert_int_equal(ns_file_crc32(tmpdir, &crc, &err), NS_ERR_IO);
    /* the empty file */
    assert_int_equal(ns_file_crc32(fixture("empty.txt"), &crc, &err), NS_OK);
    assert_int_equal(crc, 0);
}

static void test_open_mem(void **state)
{
    (void)state;
    size_t len;
    unsigned char *bytes = slurp(fixture("articles.jsonl.gz"), &len);
    warns w = {0};
    ns_reader_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.warn = collect;
    opts.warn_ctx = &w;
    ns_reader *r;
    ns_error err;
    /* kind from the name */
    assert_int_equal(ns_reader_open_mem("mem/articles.jsonl.gz", bytes, len, NS_FILE_UNKNOWN, 0,
                                        &opts, &r, &err),
                     NS_OK);
    const ns_article *a = next_ok(r);
    assert_string_equal(a->id, "a-1");
    assert_string_equal(a->path, "mem/articles.jsonl.gz");
    long n = 1;
    while (ns_reader_next(r, &a, &err) == NS_OK) {
        n++;
    }
    assert_int_equal(n, 8);
    assert_int_equal(ns_reader_crc32(r), ref_crc32(bytes, len));
    assert_true(has_warning(&w, "mem/articles.jsonl.gz:9: malformed JSON"));
    ns_reader_close(r);
    free(bytes);

    /* explicit kind, any name */
    bytes = slurp(fixture("shape-b.txt"), &len);
    assert_int_equal(ns_reader_open_mem("fuzz", bytes, len, NS_FILE_TEXT, 0, NULL, &r, &err),
                     NS_OK);
    a = next_ok(r);
    assert_string_equal(a->source, "MENAFN");
    assert_string_equal(a->id, "fuzz");
    ns_reader_close(r);
    assert_int_equal(ns_reader_open_mem("x.pdf", bytes, len, NS_FILE_UNKNOWN, 0, NULL, &r, &err),
                     NS_ERR_FORMAT);
    assert_null(r);
    free(bytes);
    assert_int_equal(ns_reader_open_mem("empty.txt", NULL, 0, NS_FILE_TEXT, 0, NULL, &r, &err),
                     NS_OK);
    next_done(r);
    ns_reader_close(r);
    ns_reader_close(NULL);
    warns_free(&w);
}

/* An undated article takes its date from a YYYY-MM-DD file name; a date in
 * the text wins; other names stay undated. */
static void test_date_from_name(void **state)
{
    (void)state;
    static const char undated[] = "A title\nPublished in News\nOne paragraph.\n";
    static const char dated[] = "A title\nDate: 2024-01-02\n\nOne paragraph.\n";
    const struct {
        const char *name, *text;
        int64_t want;
    } cases[] = {
        {"2025-12-06-miami-talks.txt", undated, 1764979200},
        {"2025-12-06.txt", undated, 1764979200},
        {"2025-12-06_x.txt", undated, 1764979200},
        {"2025-12-06-x.txt", dated, 1704153600},
        {"2025-13-06-x.txt", undated, NS_NO_DATE},
        {"20251206-x.txt", undated, NS_NO_DATE},
        {"notes-2025-12-06.txt", undated, NS_NO_DATE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ns_reader *r = NULL;
        ns_error err = {0};
        assert_int_equal(ns_reader_open_mem(cases[i].name, cases[i].text, strlen(cases[i].text),
                                            NS_FILE_TEXT, 0, NULL, &r, &err),
                         NS_OK);
        const ns_article *a = next_ok(r);
        if (a->date != cases[i].want) {
            fail_msg("%s: date %lld, want %lld", cases[i].name, (long long)a->date,
                     (long long)cases[i].want);
        }
        ns_reader_close(r);
    }
}

/* Every passage of every fixture: valid UTF-8, no control characters,
 * trimmed, columns and lines at least 1. */
static void test_invariants(void **state)
{
    (void)state;
    DIR *d = opendir(fixture(""));
    assert_non_null(d);
    struct dirent *de;
    int files = 0;
    while ((de = readdir(d)) != NULL) {
        if (ns_file_kind_of(de->d_name, NULL) == NS_FILE_UNKNOWN) {
            continue;
        }
        ns_reader *r;
        ns_error err;
        if (ns_reader_open(fixture(de->d_name), NULL, &r, &err) != NS_OK) {
            continue; /* binary.txt */
        }
        files++;
        const ns_article *a;
        while (ns_reader_next(r, &a, &err) == NS_OK) {
            assert_true(clean_utf8(a->title, strlen(a->title)));
            assert_true(clean_utf8(a->source, strlen(a->source)));
            assert_true(clean_utf8(a->id, strlen(a->id)));
            assert_true(a->id[0] != '\0');
            for (size_t i = 0; i < a->npassages; i++) {
                const ns_passage *p = &a->passages[i];
                assert_true(p->len > 0);
                assert_true(p->line >= 1 && p->column >= 1);
                assert_true(clean_utf8(p->text, p->len));
                assert_true(p->text[0] != ' ' && p->text[p->len - 1] != ' ');
            }
        }
        ns_reader_close(r);
    }
    closedir(d);
    assert_true(files >= 12);
}

/* ---------------------------------------------------------- real corpus */

static void test_reuters(void **state)
{
    (void)state;
    char dir[4400];
    const char *shared = getenv("NS_SHARED");
    if (shared && *shared) {
        snprintf(dir, sizeof dir, "%s/corpora/reuters-financial", shared);
    } else {
        snprintf(dir, sizeof dir, "%s/../shared/corpora/reuters-financial", srcdir);
    }
    DIR *d = opendir(dir);
    if (!d) {
        print_message("skipped: ../shared/corpora absent\n");
        skip();
    }
    char *names[64];
    size_t nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && nn < 64) {
        size_t k = strlen(de->d_name);
        if (k > 9 && strcmp(de->d_name + k - 9, ".jsonl.gz") == 0) {
            names[nn++] = strdup(de->d_name);
        }
    }
    closedir(d);
    long total = 0, warnings = 0, passages = 0, dated = 0;
    for (size_t i = 0; i < nn; i++) {
        char path[4700];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        child_report rep;
        memset(&rep, 0, sizeof rep);
        ns_reader_opts opts;
        memset(&opts, 0, sizeof opts);
        opts.warn = count_warn;
        opts.warn_ctx = &rep;
        ns_reader *r;
        ns_error err;
        assert_int_equal(ns_reader_open(path, &opts, &r, &err), NS_OK);
        const ns_article *a;
        ns_status st;
        while ((st = ns_reader_next(r, &a, &err)) == NS_OK) {
            total++;
            passages += (long)a->npassages;
            dated += a->date != NS_NO_DATE;
        }
        assert_int_equal(st, NS_DONE);
        warnings += rep.warnings;
        ns_reader_close(r);
        free(names[i]);
    }
    print_message("  reuters-financial: %zu files, %ld articles, %ld passages, %ld dated, %ld "
                  "warnings\n",
                  nn, total, passages, dated, warnings);
    assert_int_equal(total, 105359);
    assert_int_equal(dated, total);
    assert_int_equal(warnings, 0);
}

int main(int argc, char **argv)
{
    (void)argc;
    if (find_srcdir(argv[0]) != 0) {
        fprintf(stderr, "test_reader: cannot find tests/data/reader (set NS_SRCDIR)\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_kind),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_shape_a),
        cmocka_unit_test(test_shape_a_distributor),
        cmocka_unit_test(test_shape_b),
        cmocka_unit_test(test_shape_c),
        cmocka_unit_test(test_date_line_and_plain),
        cmocka_unit_test(test_text_variants),
        cmocka_unit_test(test_crlf_bom),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_jsonl_gz),
        cmocka_unit_test(test_text_gz),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_long_paragraph),
        cmocka_unit_test(test_long_sentence_and_tail),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_line_cap),
        cmocka_unit_test(test_bounded_memory),
        cmocka_unit_test(test_huge_line),
        cmocka_unit_test(test_truncated_gzip),
        cmocka_unit_test(test_corrupt_gzip),
        cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_not_regular),
        cmocka_unit_test(test_vanished),
        cmocka_unit_test(test_changed_while_read),
        cmocka_unit_test(test_odd_file_name),
        cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_open_mem),
        cmocka_unit_test(test_date_from_name),
        cmocka_unit_test(test_invariants),
        cmocka_unit_test(test_reuters),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
