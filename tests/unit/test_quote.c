/* test_quote.c: unit tests of lib/quote.c: the JSON string writer of both
 * programs (ns_quote_json), quoted paths and flattened text.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The JSON writer is checked twice: against exact expected strings (quotes,
 * backslashes, every kind of control character, invalid UTF-8 of each
 * shape), and against an independent JSON parser, Python's json module, over
 * random byte strings: every output must be valid UTF-8 and valid JSON, hold
 * no raw unsafe character, and decode to the input with each invalid byte
 * as U+FFFD. The random strings come from a fixed seed, printed on failure;
 * NS_TEST_SEED picks another. That part is skipped when python3 is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"

typedef struct quote_case {
    const char *in;
    size_t len; /* 0: strlen(in) */
    const char *want;
} quote_case;

static void check_json(const quote_case *c)
{
    size_t n = c->len ? c->len : strlen(c->in);
    ns_buf b = {0};
    assert_int_equal(ns_quote_json(c->in, n, &b), NS_OK);
    if (strcmp(b.data, c->want) != 0) {
        print_error("ns_quote_json(%zu bytes): want %s, got %s\n", n, c->want, b.data);
        fail();
    }
    ns_buf_free(&b);
}

static void test_json_exact(void **state)
{
    (void)state;
    static const quote_case cases[] = {
        {"", 0, "\"\""},
        {"plain words, spaces kept", 0, "\"plain words, spaces kept\""},
        {"say \"hi\"", 0, "\"say \\\"hi\\\"\""},
        {"C:\\dir\\", 0, "\"C:\\\\dir\\\\\""},
        {"\\\"", 0, "\"\\\\\\\"\""},
        {"a\nb\tc\rd", 0, "\"a\\nb\\tc\\rd\""},
        {"\x01\x08\x0b\x0c\x1f", 0, "\"\\u0001\\u0008\\u000b\\u000c\\u001f\""},
        {"nul\0byte", 8, "\"nul\\u0000byte\""},
        {"\x1b]0;title\x07", 0, "\"\\u001b]0;title\\u0007\""},
        {"del\x7f", 0, "\"del\\u007f\""},
        {"csi \xc2\x9b osc \xc2\x9d", 0, "\"csi \\u009b osc \\u009d\""},
        {"\xe2\x80\xaetxt.exe", 0, "\"\\u202etxt.exe\""},
        {"\xd8\x9c \xe2\x80\x8e \xe2\x81\xa6", 0, "\"\\u061c \\u200e \\u2066\""},
        /* Line and paragraph separators: escaped, as JavaScript needs. */
        {"a\xe2\x80\xa8"
         "b\xe2\x80\xa9"
         "c \xc2\x85",
         0, "\"a\\u2028b\\u2029c \\u0085\""},
        /* Their neighbours are ordinary characters. */
        {"\xe2\x80\xa7\xe2\x80\xaf", 0, "\"\xe2\x80\xa7\xe2\x80\xaf\""},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0,
         "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
        {"odd-\xff.txt", 0, "\"odd-\\ufffd.txt\""},
        {"\xfe\xff", 0, "\"\\ufffd\\ufffd\""},
        {"cut \xe2\x82", 0, "\"cut \\ufffd\\ufffd\""},
        {"\xe2\x82 then", 0, "\"\\ufffd\\ufffd then\""},
        {"surrogate \xed\xa0\x80", 0, "\"surrogate \\ufffd\\ufffd\\ufffd\""},
        {"overlong \xc0\xaf \xe0\x80\xaf", 0, "\"overlong \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd\""},
        {"past U+10FFFF \xf4\x90\x80\x80", 0, "\"past U+10FFFF \\ufffd\\ufffd\\ufffd\\ufffd\""},
        {"lone \x80 continuation", 0, "\"lone \\ufffd continuation\""},
        {"\xc3", 0, "\"\\ufffd\""},
        {"\"\xff\\", 0, "\"\\\"\\ufffd\\\\\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_json(&cases[i]);
}

/* Appending keeps what the buffer held, and a failed buffer stays failed. */
static void test_json_appends(void **state)
{
    (void)state;
    ns_buf b = {0};
    assert_int_equal(ns_buf_str(&b, "{\"k\":"), NS_OK);
    assert_int_equal(ns_quote_json("v\n", 2, &b), NS_OK);
    assert_int_equal(ns_buf_byte(&b, '}'), NS_OK);
    assert_string_equal(b.data, "{\"k\":\"v\\n\"}");
    b.err = NS_ERR_NOMEM;
    assert_int_equal(ns_quote_json("x", 1, &b), NS_ERR_NOMEM);
    ns_buf_free(&b);
}

/* The oracle, in Python: reads lines "HEX-INPUT<TAB>OUTPUT" and checks
 * each; prints what differs and exits 1 on the first failure. */
static const char oracle[] =
    "import codecs, json, sys\n"
    "codecs.register_error('perbyte', lambda e: ('\\ufffd' * (e.end - e.start), e.end))\n"
    "unsafe = set(range(0x20)) | {0x7f} | set(range(0x80, 0xa0)) | "
    "{0x61c, 0x200e, 0x200f, 0x2028, 0x2029, 0x2066, 0x2067, 0x2068, 0x2069} | "
    "set(range(0x202a, 0x202f))\n"
    "n = 0\n"
    "for raw in sys.stdin.buffer:\n"
    "    hexin, out = raw.rstrip(b'\\n').split(b'\\t', 1)\n"
    "    data = bytes.fromhex(hexin.decode())\n"
    "    try:\n"
    "        text = out.decode('utf-8')\n"
    "        got = json.loads(text)\n"
    "    except ValueError as e:\n"
    "        print('not valid UTF-8 JSON: %r -> %r: %s' % (data, out, e)); sys.exit(1)\n"
    "    want = data.decode('utf-8', 'perbyte')\n"
    "    if got != want:\n"
    "        print('decodes wrong: %r -> %r = %r, want %r' % (data, out, got, want)); sys.exit(1)\n"
    "    if any(ord(c) in unsafe for c in text):\n"
    "        print('a raw unsafe character: %r -> %r' % (data, out)); sys.exit(1)\n"
    "    n += 1\n"
    "if n < 1000:\n"
    "    print('only %d strings read' % n); sys.exit(1)\n";

static uint64_t rng;
static unsigned next_rand(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(rng >> 33);
}

/* A random string, mostly troublesome: ASCII, quotes, backslashes, control
 * bytes, stray and truncated multibyte sequences, valid ones. */
static size_t random_string(unsigned char *s)
{
    static const char *const pieces[] = {
        "a",
        "Z",
        " ",
        "\"",
        "\\",
        "\n",
        "\t",
        "\r",
        "\x01",
        "\x1b",
        "\x7f",
        "\xc2\x9b",
        "\xc2\xa0",
        "\xc3\xa9",
        "\xe2\x80\xae",
        "\xe2\x80\xa8",
        "\xe2\x80\xa9",
        "\xe2\x82\xac",
        "\xd8\x9c",
        "\xef\xbf\xbd",
        "\xf0\x9f\x98\x80",
        "\xed\xa0\x80",
        "\xc0\xaf",
        "\xf4\x90\x80\x80",
        "/",
        "u0041",
    };
    size_t n = 0, parts = next_rand() % 12;
    for (size_t i = 0; i < parts; i++) {
        if (next_rand() % 3 == 0) {
            s[n++] = (unsigned char)(next_rand() % 256); /* any byte */
        } else {
            const char *p = pieces[next_rand() % (sizeof pieces / sizeof pieces[0])];
            size_t k = strlen(p);
            if (k > 1 && next_rand() % 4 == 0) k = 1 + next_rand() % (k - 1); /* cut short */
            memcpy(s + n, p, k);
            n += k;
        }
    }
    return n;
}

static void test_json_python(void **state)
{
    (void)state;
    if (system("python3 -c 'import json' >/dev/null 2>&1") != 0) {
        print_message("python3 not found: the independent JSON check is skipped\n");
        skip();
    }
    const char *env = getenv("NS_TEST_SEED");
    uint64_t seed = env && *env ? strtoull(env, NULL, 10) : 20261204;
    rng = seed;
    char cmd[sizeof oracle + 64];
    /* The program goes in as one argument: single quotes can't hold it, so
     * write it to a file. */
    char path[] = "/tmp/nsearch-test-quote.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *pf = fdopen(fd, "w");
    assert_non_null(pf);
    fputs(oracle, pf);
    fclose(pf);
    snprintf(cmd, sizeof cmd, "python3 %s", path);
    /* The oracle stops reading at its first failure: our writes after it
     * must fail quietly, not kill the test before it names the seed. */
    signal(SIGPIPE, SIG_IGN);
    FILE *py = popen(cmd, "w");
    assert_non_null(py);
    unsigned char in[64];
    ns_buf b = {0};
    for (int i = 0; i < 5000; i++) {
        size_t n = random_string(in);
        for (size_t k = 0; k < n; k++)
            fprintf(py, "%02x", in[k]);
        fputc('\t', py);
        ns_buf_reset(&b);
        assert_int_equal(ns_quote_json((const char *)in, n, &b), NS_OK);
        fwrite(b.data, 1, b.len, py);
        fputc('\n', py);
    }
    ns_buf_free(&b);
    int rc = pclose(py);
    remove(path);
    if (rc != 0) {
        print_error("the Python JSON check failed (seed %llu; NS_TEST_SEED=%llu replays it)\n",
                    (unsigned long long)seed, (unsigned long long)seed);
        fail();
    }
}

/* Paths and text, as README's output contract shows them. */
static void test_path_and_flat(void **state)
{
    (void)state;
    static const struct {
        const char *in, *path, *flat;
    } cases[] = {
        {"corpus/a b.txt", "corpus/a b.txt", "corpus/a b.txt"},
        {"bad\nname.txt", "\"bad\\nname.txt\"", "bad name.txt"},
        {"clip\x1b]52.txt", "\"clip\\x1b]52.txt\"", "clip ]52.txt"},
        {"\xe2\x80\xaetxt.exe", "\"\\u202etxt.exe\"", "   txt.exe"},
        /* One space per byte: NEL is two bytes, LS and PS three. */
        {"n\xc2\x85l", "\"n\\u0085l\"", "n  l"},
        {"ls\xe2\x80\xa8ps\xe2\x80\xa9.txt", "\"ls\\u2028ps\\u2029.txt\"", "ls   ps   .txt"},
        {"\xe2\x81\xa6lri\xe2\x80\x8f", "\"\\u2066lri\\u200f\"", "   lri   "},
        {"\xff.txt", "\"\\xff.txt\"", "\xef\xbf\xbd.txt"},
        {"q\"\xff", "\"q\\\"\\xff\"", "q\"\xef\xbf\xbd"},
        {"q\"ok", "\"q\\\"ok\"", "q\"ok"},
        {"back\\slash \"q\".txt", "\"back\\\\slash \\\"q\\\".txt\"", "back\\slash \"q\".txt"},
        /* A backslash name and an ESC name quote differently. */
        {"c\\x1bq", "\"c\\\\x1bq\"", "c\\x1bq"},
        {"c\x1bq", "\"c\\x1bq\"", "c q"},
        {"del\x7f \x1f~.txt", "\"del\\x7f \\x1f~.txt\"", "del   ~.txt"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ns_buf b = {0};
        assert_int_equal(ns_quote_path(cases[i].in, strlen(cases[i].in), &b), NS_OK);
        assert_string_equal(b.data, cases[i].path);
        ns_buf_reset(&b);
        assert_int_equal(ns_quote_flat(cases[i].in, strlen(cases[i].in), &b), NS_OK);
        assert_string_equal(b.data, cases[i].flat);
        ns_buf_free(&b);
    }
}

/* Shell words: bare, single-quoted, or $'...' with \xHH for each byte of
 * an unsafe character or of bad UTF-8. */
static void test_shell(void **state)
{
    (void)state;
    static const struct {
        const char *in, *word;
    } cases[] = {
        {"/home/u/news-idx_2.d", "/home/u/news-idx_2.d"},
        {"", "''"},
        {"~/idx", "'~/idx'"},
        {"a b", "'a b'"},
        {"it's", "'it'\\''s'"},
        {"back\\slash \"q\"", "'back\\slash \"q\"'"},
        {"no\x1b]0;X\x07i", "$'no\\x1b]0;X\\x07i'"},
        {"it's\n\\", "$'it\\'s\\x0a\\\\'"},
        {"\xe2\x80\xae\xc3\xa9\xff", "$'\\xe2\\x80\\xae\xc3\xa9\\xff'"},
        {"two\xe2\x80\xa8lines", "$'two\\xe2\\x80\\xa8lines'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ns_buf b = {0};
        assert_int_equal(ns_quote_shell(cases[i].in, strlen(cases[i].in), &b), NS_OK);
        ns_buf_byte(&b, '\0');
        assert_string_equal(b.data, cases[i].word);
        ns_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_exact),  cmocka_unit_test(test_json_appends),
        cmocka_unit_test(test_json_python), cmocka_unit_test(test_path_and_flat),
        cmocka_unit_test(test_shell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
