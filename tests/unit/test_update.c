/* test_update.c: unit tests of the update algorithm (lib/update.c), through
 * ns_update_run on real corpus folders, without the indexer program.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Each test makes its corpus and index in a fresh temporary folder. A fresh
 * build (with worker threads), then incremental runs after adding, changing
 * (bigger, same size with other bytes, only touched), deleting and breaking
 * files: the counts of ns_update_stats, what the callbacks saw, the
 * bookkeeping and the articles the index ends up with. Also a folder that
 * can't be walked, the shard filter, callbacks never running two at once,
 * and that nothing is printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "update.h"

/* ---------------------------------------------------------------- helpers */

static char tmpdir[512];

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/nsearch-test-update.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir)) return -1;
    char dir[600];
    snprintf(dir, sizeof dir, "%s/c", tmpdir);
    return mkdir(dir, 0777);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *at(const char *name)
{
    static char buf[8][700];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void write_file(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(at(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* A one-article text file about `word`. */
static void write_text(const char *name, const char *word)
{
    char text[512];
    int n = snprintf(text, sizeof text,
                     "News about %s\nDate: 2025-11-02\nSource: Test Wire\n\n"
                     "The %s story goes on, said the reporters.\n",
                     word, word);
    write_file(name, text, (size_t)n);
}

/* Set a file's mtime `secs` seconds into the past (so a rewrite within the
 * same second still gets another mtime). */
static void age(const char *name, int secs)
{
    struct timespec ts[2];
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= secs;
    ts[1] = ts[0];
    assert_int_equal(utimensat(AT_FDCWD, at(name), ts, 0), 0);
}

/* What the callbacks saw. */
typedef struct seen {
    size_t warn, refused, root_failed, progress, final;
    char refused_path[700];
    char root[700];
    uint64_t last_articles;
    atomic_int inside; /* callbacks running now */
    int overlap;       /* two ran at once */
} seen;

static void enter(seen *s)
{
    if (atomic_fetch_add(&s->inside, 1) != 0) s->overlap = 1;
    struct timespec nap = {0, 200000}; /* long enough for another thread to come in */
    nanosleep(&nap, NULL);
}

static void leave(seen *s)
{
    atomic_fetch_sub(&s->inside, 1);
}

static void on_warn(void *ctx, const char *path, size_t line, const char *msg)
{
    seen *s = ctx;
    enter(s);
    s->warn++;
    leave(s);
}

static void on_refused(void *ctx, const char *path, ns_status st, const ns_error *err)
{
    seen *s = ctx;
    enter(s);
    s->refused++;
    snprintf(s->refused_path, sizeof s->refused_path, "%s", path);
    assert_int_not_equal(st, NS_OK);
    assert_true(err->msg[0] != '\0');
    leave(s);
}

static void on_root_failed(void *ctx, const char *root, ns_status st, const ns_error *err)
{
    seen *s = ctx;
    enter(s);
    s->root_failed++;
    snprintf(s->root, sizeof s->root, "%s", root);
    assert_int_not_equal(st, NS_OK);
    assert_non_null(strstr(err->msg, root));
    leave(s);
}

static void on_progress(void *ctx, const ns_update_progress *p)
{
    seen *s = ctx;
    enter(s);
    s->progress++;
    s->final += p->final != 0;
    s->last_articles = p->articles;
    leave(s);
}

/* Run an update of index `db` from folder(s) `roots` (under tmpdir), with
 * `jobs` workers; stderr is captured and must stay empty (the library never
 * prints). Returns the status; *st gets the counts, *s what the callbacks
 * saw. */
/* ns_update_opts.merge of the runs of update(). */
static int merge_mode;

static ns_status update(const char *db, const char *const *roots, size_t nroots,
                        const ns_index_opts *io, unsigned jobs, ns_update_stats *st, seen *s)
{
    memset(s, 0, sizeof *s);
    ns_index *ix = NULL;
    ns_error err = {0};
    ns_status rc = ns_index_open(at(db), io, &ix, &err);
    if (rc != NS_OK) print_error("ns_index_open: %s\n", err.msg);
    assert_int_equal(rc, NS_OK);
    const char *abs[4];
    for (size_t i = 0; i < nroots; i++)
        abs[i] = at(roots[i]);
    assert_int_equal(ns_index_roots_set(ix, abs, nroots, &err), NS_OK);
    ns_update_opts o = {0};
    o.roots = abs;
    o.nroots = nroots;
    o.jobs = jobs;
    o.batch = 10;
    o.merge = merge_mode;
    o.warn = on_warn;
    o.refused = on_refused;
    o.root_failed = on_root_failed;
    o.progress = on_progress;
    o.ctx = s;

    fflush(stderr);
    int saved = dup(2);
    FILE *cap = tmpfile();
    assert_non_null(cap);
    assert_true(dup2(fileno(cap), 2) >= 0);
    rc = ns_update_run(ix, &o, st, &err);
    fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    struct stat sb;
    assert_int_equal(fstat(fileno(cap), &sb), 0);
    fclose(cap);
    assert_int_equal(sb.st_size, 0); /* nothing printed */
    if (rc != NS_OK) print_error("ns_update_run: %s\n", err.msg);
    assert_int_equal(s->overlap, 0);
    return rc;
}

static ns_index_info info_of(const char *db)
{
    ns_index_info info;
    ns_error err = {0};
    ns_status st = ns_index_info_get(at(db), &info, &err);
    if (st != NS_OK) print_error("ns_index_info_get: %s\n", err.msg);
    assert_int_equal(st, NS_OK);
    return info;
}

/* What the index records of corpus file `name`: its article count, or -1
 * when nothing is recorded. */
static long recorded(const char *db, const char *name)
{
    ns_index_opts io = {0};
    io.no_sync = 1;
    ns_index *ix = NULL;
    ns_error err = {0};
    assert_int_equal(ns_index_open(at(db), &io, &ix, &err), NS_OK);
    ns_file_state fs;
    int found = 0;
    assert_int_equal(ns_index_file_get(ix, at(name), &fs, &found, &err), NS_OK);
    ns_index_abort(ix);
    return found ? (long)fs.articles : -1;
}

/* Every count at once: files seen/new/changed/unchanged/skipped/deleted,
 * articles new/changed/deleted, warnings. */
static void expect_stats(const ns_update_stats *s, const size_t want[10])
{
    const size_t got[10] = {s->files_seen,      s->files_new,        s->files_changed,
                            s->files_unchanged, s->files_skipped,    s->files_deleted,
                            s->articles_new,    s->articles_changed, s->articles_deleted,
                            s->warnings};
    for (int i = 0; i < 10; i++) {
        if (got[i] != want[i]) print_error("count %d: got %zu, want %zu\n", i, got[i], want[i]);
    }
    assert_memory_equal(got, want, sizeof got);
    assert_int_equal(s->files_seen,
                     s->files_new + s->files_changed + s->files_unchanged + s->files_skipped);
}

static const char jsonl3[] =
    "{\"id\":\"j1\",\"title\":\"One\",\"body\":\"storm over the harbour\"}\n"
    "{\"id\":\"j2\",\"title\":\"Two\",\"body\":\"flood in the valley\"}\n"
    "{\"id\":\"j3\",\"title\":\"Three\",\"body\":\"harbour reopens\"}\n";

/* The corpus of the first build: three text files, a JSON Lines file of
 * three articles, and a binary file the reader refuses. */
static void make_corpus(void)
{
    write_text("c/a.txt", "harbour");
    write_text("c/b.txt", "election");
    write_text("c/sub/c.txt", "bridge");
    write_file("c/d.jsonl", jsonl3, sizeof jsonl3 - 1);
    write_file("c/junk.txt", "junk\0junk", 9);
}

/* ------------------------------------------------------------------ tests */

/* A fresh build, then incremental runs: nothing changed; a file added, one
 * grown, one rewritten with the same size, one only touched, one deleted;
 * then a known file that turns unreadable. The incremental runs write in
 * place (merge -1) or grow by a merge (1): the same outcome. */
static void fresh_then_incremental(int merge)
{
    merge_mode = merge;
    char sub[700];
    snprintf(sub, sizeof sub, "%s/c/sub", tmpdir);
    assert_int_equal(mkdir(sub, 0777), 0);
    make_corpus();
    const char *roots[] = {"c"};
    ns_index_opts io = {0};
    io.no_sync = 1;
    ns_update_stats st;
    seen s;

    /* Fresh build, three workers: the binary file is refused, counted as
     * skipped and not recorded; the rest is. */
    assert_int_equal(update("db", roots, 1, &io, 3, &st, &s), NS_OK);
    assert_int_equal(st.merged, 0); /* a fresh build */
    expect_stats(&st, (const size_t[10]){5, 4, 0, 0, 1, 0, 6, 0, 0, 1});
    assert_int_equal(s.refused, 1);
    assert_string_equal(s.refused_path, at("c/junk.txt"));
    assert_int_equal(s.final, 1);
    assert_int_equal(s.last_articles, 6);
    assert_int_equal(st.roots_failed, 0);
    assert_true(st.bytes > 0);
    assert_int_equal(info_of("db").articles, 6);
    assert_int_equal(info_of("db").files, 4);
    assert_int_equal(recorded("db", "c/d.jsonl"), 3);
    assert_int_equal(recorded("db", "c/junk.txt"), -1);

    /* Nothing changed: nothing read but the skipped file, tried again. */
    assert_int_equal(update("db", roots, 1, &io, 3, &st, &s), NS_OK);
    assert_int_equal(st.merged, merge > 0);
    expect_stats(&st, (const size_t[10]){5, 0, 0, 4, 1, 0, 0, 0, 0, 1});
    assert_int_equal(st.bytes, 0);
    assert_int_equal(s.refused, 1);

    /* Added, grown, same size with other bytes, touched, deleted. */
    write_text("c/e.txt", "market");
    write_text("c/a.txt", "harbourmaster"); /* bigger */
    write_text("c/b.txt", "elektion");      /* same size, other bytes */
    age("c/b.txt", 100);
    age("c/sub/c.txt", 200); /* same bytes, another mtime */
    assert_int_equal(unlink(at("c/d.jsonl")), 0);
    assert_int_equal(update("db", roots, 1, &io, 3, &st, &s), NS_OK);
    assert_int_equal(st.merged, merge > 0);
    /* seen 5: a b sub/c e junk; new e; changed a b; unchanged sub/c;
     * skipped junk; deleted d (3 articles). */
    expect_stats(&st, (const size_t[10]){5, 1, 2, 1, 1, 1, 1, 2, 3, 1});
    assert_int_equal(info_of("db").articles, 4);
    assert_int_equal(info_of("db").files, 4);
    assert_int_equal(recorded("db", "c/d.jsonl"), -1);
    assert_int_equal(recorded("db", "c/e.txt"), 1);

    /* A known file turned binary: skipped, not recorded, its old article
     * deleted and counted; the next run tries it again. */
    write_file("c/e.txt", "bin\0ary", 7);
    assert_int_equal(update("db", roots, 1, &io, 3, &st, &s), NS_OK);
    assert_int_equal(st.merged, merge > 0);
    expect_stats(&st, (const size_t[10]){5, 0, 0, 3, 2, 0, 0, 0, 1, 2});
    assert_int_equal(s.refused, 2);
    assert_int_equal(recorded("db", "c/e.txt"), -1);
    assert_int_equal(info_of("db").articles, 3);

    /* Mended: new again. */
    write_text("c/e.txt", "market");
    assert_int_equal(update("db", roots, 1, &io, 3, &st, &s), NS_OK);
    assert_int_equal(st.merged, merge > 0);
    expect_stats(&st, (const size_t[10]){5, 1, 0, 3, 1, 0, 1, 0, 0, 1});
    assert_int_equal(info_of("db").articles, 4);
}

static void test_fresh_then_incremental(void **state)
{
    (void)state;
    fresh_then_incremental(-1);
}

static void test_fresh_then_incremental_merged(void **state)
{
    (void)state;
    fresh_then_incremental(1);
    merge_mode = 0;
}

/* A recorded folder that can't be walked: reported and counted; an
 * incremental run adds what it finds elsewhere but deletes nothing, a
 * rebuild commits nothing. */
static void test_root_failed(void **state)
{
    (void)state;
    char dir[700];
    snprintf(dir, sizeof dir, "%s/other", tmpdir);
    assert_int_equal(mkdir(dir, 0777), 0);
    write_text("c/a.txt", "harbour");
    write_text("other/x.txt", "bridge");
    const char *roots[] = {"c", "other"};
    ns_index_opts io = {0};
    io.no_sync = 1;
    ns_update_stats st;
    seen s;
    assert_int_equal(update("db", roots, 2, &io, 2, &st, &s), NS_OK);
    expect_stats(&st, (const size_t[10]){2, 2, 0, 0, 0, 0, 2, 0, 0, 0});

    char cmd[800];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/other'", tmpdir);
    assert_int_equal(system(cmd), 0);
    write_text("c/b.txt", "election");
    assert_int_equal(update("db", roots, 2, &io, 2, &st, &s), NS_OK);
    assert_int_equal(st.roots_failed, 1);
    assert_int_equal(s.root_failed, 1);
    assert_string_equal(s.root, at("other"));
    expect_stats(&st, (const size_t[10]){2, 1, 0, 1, 0, 0, 1, 0, 0, 0});
    assert_int_equal(info_of("db").articles, 3); /* b added, x kept */
    assert_int_equal(recorded("db", "other/x.txt"), 1);

    /* A rebuild can't make the index without that folder's files: it
     * commits nothing, and the live index stays as it was. */
    unsigned gen = info_of("db").generation;
    io.rebuild = 1;
    assert_int_equal(update("db", roots, 2, &io, 2, &st, &s), NS_OK);
    assert_int_equal(st.roots_failed, 1);
    assert_int_equal(info_of("db").generation, gen);
    assert_int_equal(info_of("db").articles, 3);
    assert_int_equal(recorded("db", "other/x.txt"), 1);
}

/* The shard filter: two shards hold every article once between them. */
static void test_shards(void **state)
{
    (void)state;
    char line[128], all[4096] = "";
    for (int i = 0; i < 30; i++) {
        snprintf(line, sizeof line, "{\"id\":\"n%d\",\"title\":\"T%d\",\"body\":\"word%d here\"}\n",
                 i, i, i);
        strcat(all, line);
    }
    write_file("c/many.jsonl", all, strlen(all));
    const char *roots[] = {"c"};
    ns_update_stats st1, st2;
    seen s;
    ns_index_opts io = {0};
    io.no_sync = 1;
    io.shard_k = 2;
    io.shard_n = 1;
    assert_int_equal(update("s1", roots, 1, &io, 2, &st1, &s), NS_OK);
    io.shard_n = 2;
    assert_int_equal(update("s2", roots, 1, &io, 2, &st2, &s), NS_OK);
    assert_int_equal(st1.articles_new + st2.articles_new, 30);
    assert_true(st1.articles_new > 0 && st2.articles_new > 0);
    assert_int_equal(info_of("s1").articles + info_of("s2").articles, 30);
}

/* A warning about a file's content is no skip: the file is read to the
 * end and recorded, the warning counted, in both kinds of run. */
static void test_warning_is_no_skip(void **state)
{
    (void)state;
    static const char one_bad[] = "{\"id\":\"g\",\"title\":\"Good\",\"body\":\"storm\"}\n"
                                  "{not json\n";
    write_file("c/w.jsonl", one_bad, sizeof one_bad - 1);
    const char *roots[] = {"c"};
    ns_index_opts io = {0};
    io.no_sync = 1;
    ns_update_stats st;
    seen s;
    assert_int_equal(update("db", roots, 1, &io, 2, &st, &s), NS_OK);
    expect_stats(&st, (const size_t[10]){1, 1, 0, 0, 0, 0, 1, 0, 0, 1});
    assert_int_equal(s.warn, 1);
    assert_int_equal(recorded("db", "c/w.jsonl"), 1);
    write_file("c/w.jsonl", one_bad, sizeof one_bad - 1);
    age("c/w.jsonl", 50); /* the same bytes, another mtime: not read */
    assert_int_equal(update("db", roots, 1, &io, 2, &st, &s), NS_OK);
    expect_stats(&st, (const size_t[10]){1, 0, 0, 1, 0, 0, 0, 0, 0, 0});
    write_file("c/w.jsonl", one_bad, sizeof one_bad - 2); /* changed: read again */
    assert_int_equal(update("db", roots, 1, &io, 2, &st, &s), NS_OK);
    expect_stats(&st, (const size_t[10]){1, 0, 1, 0, 0, 0, 0, 1, 0, 1});
    assert_int_equal(s.warn, 1);
}

/* Many refused files read by four workers: the callbacks still run one at
 * a time (update() fails on an overlap), and each is counted once. */
static void test_callbacks_one_at_a_time(void **state)
{
    (void)state;
    for (int i = 0; i < 40; i++) {
        char name[64];
        snprintf(name, sizeof name, "c/f%02d-junk.txt", i); /* among the others: */
        write_file(name, "junk\0junk", 9);                  /* every worker gets some */
        snprintf(name, sizeof name, "c/f%02d-good.txt", i);
        write_text(name, "harbour");
    }
    const char *roots[] = {"c"};
    ns_index_opts io = {0};
    io.no_sync = 1;
    ns_update_stats st;
    seen s;
    assert_int_equal(update("db", roots, 1, &io, 4, &st, &s), NS_OK);
    assert_int_equal(s.refused, 40);
    assert_int_equal(st.warnings, 40);
    expect_stats(&st, (const size_t[10]){80, 40, 0, 0, 40, 0, 40, 0, 0, 40});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fresh_then_incremental, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fresh_then_incremental_merged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warning_is_no_skip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_failed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callbacks_one_at_a_time, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
