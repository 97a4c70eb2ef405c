/* test_index.c: unit tests of the index folder and schema (lib/index.c),
 * through its public functions only, without the indexer program.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Each test makes its indexes in a fresh temporary folder: creation (stub,
 * generation, lock file), the schema and language metadata and the checks on
 * reopening, the writer lock, articles added and removed with their per-file
 * bookkeeping, commit and abort, the recorded roots, the file term, shard
 * assignment, --stats (ns_index_info_get) and what
 * --check (ns_index_verify) finds: a clean index, bookkeeping that disagrees
 * with the documents, an unreadable record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "search.h"
#include "support.h"
#include "xapian-c.h"

/* ---------------------------------------------------------------- helpers */

static char tmpdir[512];

static int setup(void **state)
{
    (void)state;
    return scratch_make(tmpdir, sizeof tmpdir, "nsearch-test-index");
}

static int teardown(void **state)
{
    (void)state;
    return scratch_remove(tmpdir);
}

static const char *at(const char *name)
{
    static char buf[4][700];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

/* A test index's options: the defaults, without fsync (the code path is
 * the same; the tests need no durability). */
static ns_index_opts quick_opts(void)
{
    ns_index_opts o = {0};
    o.no_sync = 1;
    return o;
}

static ns_index *open_ok(const char *path, const ns_index_opts *opts)
{
    ns_index *ix = NULL;
    ns_error err = {0};
    ns_status st = ns_index_open(path, opts, &ix, &err);
    if (st != NS_OK) print_error("ns_index_open: %s\n", err.msg);
    assert_int_equal(st, NS_OK);
    assert_non_null(ix);
    return ix;
}

static void close_ok(ns_index *ix)
{
    ns_error err = {0};
    ns_status st = ns_index_close(ix, &err);
    if (st != NS_OK) print_error("ns_index_close: %s\n", err.msg);
    assert_int_equal(st, NS_OK);
}

static ns_index_info info_ok(const char *path)
{
    ns_index_info info;
    ns_error err = {0};
    memset(&info, 0xab, sizeof info);
    ns_status st = ns_index_info_get(path, &info, &err);
    if (st != NS_OK) print_error("ns_index_info_get: %s\n", err.msg);
    assert_int_equal(st, NS_OK);
    return info;
}

static ns_passage para[] = {{"Negotiators discussed security guarantees.", 42, 3, 1},
                            {"The meeting ended early.", 24, 5, 1}};

static ns_article article(const char *path, const char *id, const char *title)
{
    ns_article a = {id, path, title, "Test Wire", "", 1765000000, 1, 1, para, 2};
    return a;
}

static void add_file(ns_index *ix, const char *path, size_t n)
{
    ns_error err = {0};
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "a%zu", i);
        ns_article a = article(path, id, "Envoys meet");
        assert_int_equal(ns_index_add(ix, &a, &err), NS_OK);
    }
    ns_file_state fs = {1000 + n, 1765000000123456789LL, 0xdeadbeef, (uint32_t)n};
    assert_int_equal(ns_index_file_set(ix, path, &fs, &err), NS_OK);
}

static size_t count_hits(const char *path, const char *query)
{
    ns_searcher *s = NULL;
    ns_error err = {0};
    ns_status st = ns_searcher_open(path, &s, &err);
    if (st != NS_OK) print_error("ns_searcher_open: %s\n", err.msg);
    assert_int_equal(st, NS_OK);
    ns_results *r = NULL;
    ns_search_opts o = {0};
    o.limit = 1000;
    o.per_article = 1;
    assert_int_equal(ns_search(s, query, strlen(query), &o, &r, &err), NS_OK);
    size_t n = r->total;
    ns_results_free(r);
    ns_searcher_close(s);
    return n;
}

static char *metadata(const char *path, const char *key)
{
    xc_database *db = NULL;
    assert_int_equal(xc_database_open(path, &db), XC_OK);
    char *val = NULL, *out = NULL;
    size_t len = 0;
    assert_int_equal(xc_database_get_metadata(db, key, strlen(key), &val, &len), XC_OK);
    if (val) {
        out = strndup(val, len);
        xc_free(val);
    }
    xc_database_close(db);
    return out;
}

static size_t problems_of(const char *path)
{
    size_t problems = 99;
    ns_error err = {0};
    ns_status st = ns_index_verify(path, NULL, NULL, &problems, &err);
    if (st != NS_OK) print_error("ns_index_verify: %s\n", err.msg);
    assert_int_equal(st, NS_OK);
    return problems;
}

/* ------------------------------------------------------------------ tests */

/* A new index: stub naming gen-1, the generation, the lock file, the
 * schema and language metadata, zero articles; it searches and checks. */
static void test_create(void **state)
{
    (void)state;
    const char *p = at("new/deeper/idx");
    ns_index_opts o = quick_opts();
    ns_index *ix = open_ok(p, &o);
    assert_true(ns_index_building(ix));
    assert_string_equal(ns_index_lang(ix), "english");
    close_ok(ix);

    FILE *f = fopen(at("new/deeper/idx/XAPIANDB"), "r");
    assert_non_null(f);
    char line[64] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "auto gen-1\n");
    struct stat st;
    assert_int_equal(stat(at("new/deeper/idx/gen-1"), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(stat(at("new/deeper/idx/write.lock"), &st), 0);

    ns_index_info info = info_ok(p);
    assert_int_equal(info.schema, NS_SCHEMA_VERSION);
    assert_int_equal(info.generation, 1);
    assert_string_equal(info.lang, "english");
    assert_int_equal(info.articles, 0);
    assert_int_equal(info.files, 0);
    char *schema = metadata(p, "nsearch.schema");
    char want[16];
    snprintf(want, sizeof want, "%d", NS_SCHEMA_VERSION);
    assert_string_equal(schema, want);
    free(schema);
    assert_int_equal(count_hits(p, "anything"), 0);
    assert_int_equal(problems_of(p), 0);

    /* Reopened: no longer a fresh build, same generation. */
    ix = open_ok(p, &o);
    assert_false(ns_index_building(ix));
    close_ok(ix);
    assert_int_equal(info_ok(p).generation, 1);
}

/* The language is recorded at creation and checked on every later open. */
static void test_language(void **state)
{
    (void)state;
    const struct {
        const char *create, *stored, *reopen;
        ns_status want;
    } cases[] = {
        {NULL, "english", NULL, NS_OK},
        {"french", "french", NULL, NS_OK},
        {"french", "french", "french", NS_OK},
        {"french", "french", "english", NS_ERR_VERSION},
        {"none", "none", "english", NS_ERR_VERSION},
        {"english", "english", "none", NS_ERR_VERSION},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char name[32];
        snprintf(name, sizeof name, "lang%zu", c);
        const char *p = at(name);
        ns_index_opts o = quick_opts();
        o.lang = cases[c].create;
        close_ok(open_ok(p, &o));
        assert_string_equal(info_ok(p).lang, cases[c].stored);
        char *lang = metadata(p, "nsearch.lang");
        assert_string_equal(lang, cases[c].stored);
        free(lang);
        o.lang = cases[c].reopen;
        ns_index *ix = NULL;
        ns_error err = {0};
        ns_status st = ns_index_open(p, &o, &ix, &err);
        assert_int_equal(st, cases[c].want);
        if (st == NS_OK) {
            assert_string_equal(ns_index_lang(ix), cases[c].stored);
            close_ok(ix);
        } else {
            assert_null(ix);
            assert_non_null(strstr(err.msg, p)); /* names the index */
            /* A rebuild may change the language. */
            o.rebuild = 1;
            close_ok(open_ok(p, &o));
            assert_string_equal(info_ok(p).lang, cases[c].reopen);
        }
    }
    /* A language libstemmer does not know is refused at creation. */
    ns_index_opts o = quick_opts();
    o.lang = "klingon";
    ns_index *ix = NULL;
    ns_error err = {0};
    assert_int_not_equal(ns_index_open(at("klingon"), &o, &ix, &err), NS_OK);
    assert_null(ix);
}

/* Another schema is refused by the writer, naming the way out. */
static void test_schema(void **state)
{
    (void)state;
    const char *p = at("schema");
    ns_index_opts o = quick_opts();
    close_ok(open_ok(p, &o));
    xc_writable *w = NULL;
    char gen[700];
    snprintf(gen, sizeof gen, "%s/gen-1", p);
    assert_int_equal(xc_writable_open(gen, XC_OPEN_OPEN, 0, 0, &w), XC_OK);
    assert_int_equal(xc_writable_set_metadata(w, "nsearch.schema", 14, "99", 2), XC_OK);
    assert_int_equal(xc_writable_close_checked(w), XC_OK);
    ns_index *ix = NULL;
    ns_error err = {0};
    assert_int_equal(ns_index_open(p, &o, &ix, &err), NS_ERR_VERSION);
    assert_null(ix);
    assert_non_null(strstr(err.msg, "--rebuild"));
    /* A plain Xapian database in the folder is not taken over. */
    const char *q = at("plain");
    assert_int_equal(xc_writable_open(q, XC_OPEN_CREATE_OR_OPEN, XC_WRITABLE_NO_SYNC, 0, &w),
                     XC_OK);
    assert_int_equal(xc_writable_close_checked(w), XC_OK);
    assert_int_equal(ns_index_open(q, &o, &ix, &err), NS_ERR_VERSION);
    assert_null(ix);
}

/* Every reader refuses another schema and a language it can't stem: the
 * searcher, --stats (ns_index_info_get) and --check (ns_index_verify). */
static void test_readers_check(void **state)
{
    (void)state;
    const struct {
        const char *key, *val;
        ns_status want;
        const char *says;
    } cases[] = {
        {"nsearch.schema", "99", NS_ERR_VERSION, "--rebuild"},
        {"nsearch.schema", "0", NS_ERR_VERSION, "--rebuild"},
        {"nsearch.lang", "klingon", NS_ERR_INVALID, "klingon"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char name[32], gen[700];
        snprintf(name, sizeof name, "readers%zu", c);
        const char *p = at(name);
        ns_index_opts o = {0};
        o.no_sync = 1;
        ns_index *ix = open_ok(p, &o);
        add_file(ix, "/c/a.txt", 1);
        close_ok(ix);
        assert_int_equal(problems_of(p), 0);
        snprintf(gen, sizeof gen, "%s/gen-1", p);
        xc_writable *w = NULL;
        assert_int_equal(xc_writable_open(gen, XC_OPEN_OPEN, XC_WRITABLE_NO_SYNC, 0, &w), XC_OK);
        assert_int_equal(xc_writable_set_metadata(w, cases[c].key, strlen(cases[c].key),
                                                  cases[c].val, strlen(cases[c].val)),
                         XC_OK);
        assert_int_equal(xc_writable_close_checked(w), XC_OK);

        ns_error err = {0};
        ns_index_info info;
        assert_int_equal(ns_index_info_get(p, &info, &err), cases[c].want);
        assert_non_null(strstr(err.msg, p));
        assert_non_null(strstr(err.msg, cases[c].says));
        memset(&err, 0, sizeof err);
        size_t problems = 0;
        assert_int_equal(ns_index_verify(p, NULL, NULL, &problems, &err), cases[c].want);
        assert_non_null(strstr(err.msg, p));
        assert_non_null(strstr(err.msg, cases[c].says));
        memset(&err, 0, sizeof err);
        ns_searcher *s = NULL;
        assert_int_equal(ns_searcher_open(p, &s, &err), cases[c].want);
        assert_null(s);
        assert_non_null(strstr(err.msg, p));
        assert_non_null(strstr(err.msg, cases[c].says));
    }
}

typedef struct termlist {
    char terms[64][256];
    size_t n;
} termlist;

static int on_term(void *ctx, const char *term, size_t len, unsigned wdf)
{
    termlist *tl = ctx;
    (void)wdf;
    if (tl->n < 64 && len < 256) {
        memcpy(tl->terms[tl->n], term, len);
        tl->terms[tl->n][len] = '\0';
        tl->n++;
    }
    return 0;
}

/* The documents of schema.h: a dated article's terms (words, title and
 * source terms, the file and id terms, its month term and no Y/D date
 * terms) and its date value; an undated one has no date value. */
static void test_document(void **state)
{
    (void)state;
    const char *p = at("doc");
    ns_index_opts o = {0};
    o.no_sync = 1;
    ns_index *ix = open_ok(p, &o);
    ns_error err = {0};
    ns_passage text[] = {{"Ferries run.", 12, 3, 1}};
    ns_article dated = {"d1", "/c/d.txt", "Night ferry", "Harbor Wire", "", 1765000000, 1, 1,
                        text, 1};
    ns_article undated = dated;
    undated.id = "u1";
    undated.date = NS_NO_DATE;
    assert_int_equal(ns_index_add(ix, &dated, &err), NS_OK);
    assert_int_equal(ns_index_add(ix, &undated, &err), NS_OK);
    close_ok(ix);

    char gen[700];
    snprintf(gen, sizeof gen, "%s/gen-1", p);
    xc_database *db = NULL;
    assert_int_equal(xc_database_open(gen, &db), XC_OK);
    xc_document *doc = NULL;
    assert_int_equal(xc_database_get_document(db, 1, &doc), XC_OK);
    termlist tl = {0};
    assert_int_equal(xc_document_terms(doc, on_term, &tl), XC_OK);
    static const char *const want[] = {"F/c/d.txt", "KHarbor", "Kwire", "M202512", "Q",
                                       "Sferri",    "Snight",  "ferri", "night",   "run"};
    assert_int_equal(tl.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < tl.n; i++) {
        const char *t = tl.terms[i];
        if (!strcmp(want[i], "Q")) {
            /* Q and 16 hex digits */
            assert_int_equal(strlen(t), 17);
            assert_int_equal(t[0], 'Q');
            assert_int_equal(strspn(t + 1, "0123456789abcdef"), 16);
        } else if (!strcmp(want[i], "KHarbor")) {
            assert_string_equal(t, "Kharbor");
        } else {
            assert_string_equal(t, want[i]);
        }
    }
    const char *v;
    size_t vlen;
    assert_int_equal(xc_document_get_value(doc, NS_SLOT_DATE, &v, &vlen), XC_OK);
    assert_int_equal(vlen, 14);
    assert_memory_equal(v, "20251206054640", 14); /* 1765000000, UTC */
    assert_int_equal(xc_document_get_value(doc, NS_SLOT_ID, &v, &vlen), XC_OK);
    assert_int_equal(vlen, 11); /* the id, NUL, the path: the tie order (schema.h) */
    assert_memory_equal(v, "d1\0/c/d.txt", 11);
    xc_document_free(doc);
    assert_int_equal(xc_database_get_document(db, 2, &doc), XC_OK);
    assert_int_equal(xc_document_get_value(doc, NS_SLOT_DATE, &v, &vlen), XC_OK);
    assert_int_equal(vlen, 0);
    xc_document_free(doc);
    xc_database_close(db);
}

/* One writer at a time: the second gets NS_ERR_LOCKED naming the holder. */
static void test_lock(void **state)
{
    (void)state;
    const char *p = at("locked");
    ns_index_opts o = quick_opts();
    ns_index *first = open_ok(p, &o);
    ns_index *second = NULL;
    ns_error err = {0};
    assert_int_equal(ns_index_open(p, &o, &second, &err), NS_ERR_LOCKED);
    assert_null(second);
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    assert_non_null(strstr(err.msg, pid));
    close_ok(first);
    close_ok(open_ok(p, &o)); /* released */
}

/* Articles and their bookkeeping: add, look up, list, remove; commit and
 * abort; what --stats and a search see. */
static void test_articles_and_bookkeeping(void **state)
{
    (void)state;
    const char *p = at("books");
    ns_index_opts o = quick_opts();
    ns_index *ix = open_ok(p, &o);
    add_file(ix, "/c/b.txt", 1);
    add_file(ix, "/c/a.jsonl", 3);
    close_ok(ix);
    ns_index_info info = info_ok(p);
    assert_int_equal(info.articles, 4);
    assert_int_equal(info.files, 2);
    assert_true(info.terms > 0);
    assert_true(info.avg_length > 0);
    assert_true(info.disk_bytes > 0);
    assert_int_equal(count_hits(p, "guarantees"), 4);
    assert_int_equal(count_hits(p, "title:envoys"), 4);
    assert_int_equal(problems_of(p), 0);

    ix = open_ok(p, &o);
    ns_error err = {0};
    ns_file_state fs;
    int found = -1;
    assert_int_equal(ns_index_file_get(ix, "/c/a.jsonl", &fs, &found, &err), NS_OK);
    assert_int_equal(found, 1);
    assert_int_equal(fs.size, 1003);
    assert_true(fs.mtime_ns == 1765000000123456789LL);
    assert_int_equal(fs.crc, 0xdeadbeef);
    assert_int_equal(fs.articles, 3);
    assert_int_equal(ns_index_file_get(ix, "/c/none.txt", &fs, &found, &err), NS_OK);
    assert_int_equal(found, 0);

    /* ns_index_files: every file, sorted. */
    char listed[256] = "";
    int append(void *ctx, const char *path);
    assert_int_equal(ns_index_files(ix, append, listed, &err), NS_OK);
    assert_string_equal(listed, "/c/a.jsonl|/c/b.txt|");

    /* Remove a file: its articles and its bookkeeping go. */
    assert_int_equal(ns_index_file_remove(ix, "/c/a.jsonl", &err), NS_OK);
    assert_int_equal(ns_index_file_get(ix, "/c/a.jsonl", &fs, &found, &err), NS_OK);
    assert_int_equal(found, 0);
    /* Uncommitted work is not seen by readers; commit shows it. */
    assert_int_equal(info_ok(p).articles, 4);
    assert_int_equal(ns_index_commit(ix, &err), NS_OK);
    assert_int_equal(info_ok(p).articles, 1);
    assert_int_equal(info_ok(p).files, 1);

    /* Abort throws away what followed the last commit. */
    add_file(ix, "/c/c.txt", 2);
    ns_index_abort(ix);
    assert_int_equal(info_ok(p).articles, 1);
    assert_int_equal(count_hits(p, "guarantees"), 1);
    assert_int_equal(problems_of(p), 0);
    ns_index_abort(NULL);
    assert_int_equal(ns_index_close(NULL, &err), NS_OK);
}

int append(void *ctx, const char *path)
{
    strcat(ctx, path);
    strcat(ctx, "|");
    return 0;
}

static void test_roots(void **state)
{
    (void)state;
    const char *p = at("roots");
    ns_index_opts o = quick_opts();
    ns_index *ix = open_ok(p, &o);
    ns_error err = {0};
    char **roots = NULL;
    size_t n = 99;
    assert_int_equal(ns_index_roots_get(ix, &roots, &n, &err), NS_OK);
    assert_int_equal(n, 0);
    free(roots);
    const char *first[] = {"/news/b", "/news/a"};
    const char *second[] = {"/news/a", "/news/c"};
    assert_int_equal(ns_index_roots_set(ix, first, 2, &err), NS_OK);
    assert_int_equal(ns_index_roots_set(ix, second, 2, &err), NS_OK);
    close_ok(ix);
    ix = open_ok(p, &o);
    assert_int_equal(ns_index_roots_get(ix, &roots, &n, &err), NS_OK);
    assert_int_equal(n, 2); /* the second set replaced the first */
    int a = 0, b = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        a += !strcmp(roots[i], "/news/a");
        b += !strcmp(roots[i], "/news/b");
        c += !strcmp(roots[i], "/news/c");
        free(roots[i]);
    }
    free(roots);
    assert_true(a == 1 && b == 0 && c == 1);
    close_ok(ix);
    assert_non_null(strstr(info_ok(p).roots, "/news/c"));
}

/* The file term: "F" + path up to NS_FILEKEY_MAX bytes, else a hash;
 * never more than the buffer. */
static void test_file_term(void **state)
{
    (void)state;
    char buf[64 + NS_FILEKEY_MAX];
    assert_int_equal(ns_index_file_term("/a/b.txt", buf, sizeof buf), 9);
    assert_string_equal(buf, "F/a/b.txt");
    char longp[NS_FILEKEY_MAX + 2];
    memset(longp, 'x', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    size_t n = ns_index_file_term(longp, buf, sizeof buf);
    assert_int_equal(n, 18);
    assert_memory_equal(buf, "F#", 2);
    char other[64 + NS_FILEKEY_MAX];
    longp[0] = 'y';
    ns_index_file_term(longp, other, sizeof other);
    assert_string_not_equal(buf, other);
    longp[NS_FILEKEY_MAX] = '\0'; /* exactly the limit: kept whole */
    assert_int_equal(ns_index_file_term(longp, buf, sizeof buf), NS_FILEKEY_MAX + 1);
}

/* Shards: an unsharded index keeps everything; of k shards exactly one
 * keeps each article, and a reopened shard keeps its assignment. */
static void test_shards(void **state)
{
    (void)state;
    ns_index_opts o = quick_opts();
    ns_index *all = open_ok(at("all"), &o);
    ns_index *sh[3];
    for (unsigned k = 0; k < 3; k++) {
        char name[16];
        snprintf(name, sizeof name, "shard%u", k);
        o.shard_n = k + 1;
        o.shard_k = 3;
        sh[k] = open_ok(at(name), &o);
    }
    size_t per[3] = {0};
    for (int i = 0; i < 300; i++) {
        char rel[32], id[16];
        snprintf(rel, sizeof rel, "2025/%d.txt", i % 17);
        snprintf(id, sizeof id, "%d", i);
        assert_true(ns_index_keeps(all, rel, id));
        int keepers = 0;
        for (unsigned k = 0; k < 3; k++) {
            if (ns_index_keeps(sh[k], rel, id)) {
                keepers++;
                per[k]++;
            }
        }
        assert_int_equal(keepers, 1);
    }
    for (unsigned k = 0; k < 3; k++) {
        assert_true(per[k] > 50); /* spread, not all in one */
        close_ok(sh[k]);
    }
    close_ok(all);
    /* Reopening shard 1 as 2/3 is refused (a conflicting --shard-of: usage). */
    o.shard_n = 2;
    o.shard_k = 3;
    ns_index *ix = NULL;
    ns_error err = {0};
    assert_int_equal(ns_index_open(at("shard0"), &o, &ix, &err), NS_ERR_INVALID);
    assert_null(ix);
}

/* --stats and --check on what is not an index. */
static void test_missing(void **state)
{
    (void)state;
    ns_index_info info;
    ns_error err = {0};
    assert_int_not_equal(ns_index_info_get(at("nowhere"), &info, &err), NS_OK);
    assert_true(err.msg[0] != '\0');
}

/* --check: bookkeeping that disagrees with the documents, and a document
 * whose record does not decode, are problems. */
static void test_verify_finds(void **state)
{
    (void)state;
    const char *p = at("check");
    ns_index_opts o = quick_opts();
    ns_index *ix = open_ok(p, &o);
    add_file(ix, "/c/a.txt", 2);
    close_ok(ix);
    assert_int_equal(problems_of(p), 0);

    /* Bookkeeping says 5 articles; the index holds 2. */
    ix = open_ok(p, &o);
    ns_error err = {0};
    ns_file_state fs = {1, 2, 3, 5};
    assert_int_equal(ns_index_file_set(ix, "/c/a.txt", &fs, &err), NS_OK);
    close_ok(ix);
    assert_true(problems_of(p) >= 1);
    ix = open_ok(p, &o);
    fs.articles = 2;
    assert_int_equal(ns_index_file_set(ix, "/c/a.txt", &fs, &err), NS_OK);
    close_ok(ix);
    assert_int_equal(problems_of(p), 0);

    /* A document whose data is not a record. */
    char gen[700];
    snprintf(gen, sizeof gen, "%s/gen-1", p);
    xc_writable *w = NULL;
    xc_document *doc = NULL;
    xc_docid id;
    assert_int_equal(xc_writable_open(gen, XC_OPEN_OPEN, XC_WRITABLE_NO_SYNC, 0, &w), XC_OK);
    assert_int_equal(xc_document_new(&doc), XC_OK);
    assert_int_equal(xc_document_set_data(doc, "not a record", 12), XC_OK);
    assert_int_equal(xc_writable_add_document(w, doc, &id), XC_OK);
    xc_document_free(doc);
    assert_int_equal(xc_writable_close_checked(w), XC_OK);
    assert_true(problems_of(p) >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readers_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_document, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_articles_and_bookkeeping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roots, setup, teardown),
        cmocka_unit_test(test_file_term),
        cmocka_unit_test_setup_teardown(test_shards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_finds, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
