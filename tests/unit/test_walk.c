/* test_walk.c: unit tests of the corpus folder walker (lib/walk.c).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Each test builds its tree in a fresh temporary folder: corpus files of
 * every kind, other files, hidden files, editor backups, links (to files, to
 * folders, loops, broken), a FIFO, a non-UTF-8 name, an unreadable folder.
 * The walk's output is compared, in order, with the expected paths.
 * Permission checks are skipped when running as root, where chmod 000 does
 * not block reading.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "walk.h"

/* ---------------------------------------------------------------- helpers */

static char root[1024];

typedef struct seen {
    char *path[1024];
    size_t n;
    char *warn[256];
    size_t nwarn;
    size_t stop_after;  /* 0: never stop */
    const char *victim; /* deleted when the first file is seen */
    int fds_in_walk;    /* descriptors open when the last file was seen */
} seen;

/* The descriptors this process has open. */
static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n - 3; /* ".", ".." and d's own */
}

static int on_file(void *ctx, const char *path, const struct stat *st)
{
    seen *s = ctx;
    s->fds_in_walk = open_fds();
    assert_true(S_ISREG(st->st_mode));
    if (s->n < 1024) {
        s->path[s->n++] = strdup(path);
    }
    if (s->victim && s->n == 1) {
        unlink(s->victim);
    }
    return s->stop_after && s->n >= s->stop_after;
}

static void on_warn(void *ctx, const char *path, size_t line, const char *msg)
{
    seen *s = ctx;
    char buf[4600];
    assert_int_equal(line, 0);
    snprintf(buf, sizeof buf, "%s: %s", path, msg);
    if (s->nwarn < 256) {
        s->warn[s->nwarn++] = strdup(buf);
    }
}

static void seen_free(seen *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->path[i]);
    }
    for (size_t i = 0; i < s->nwarn; i++) {
        free(s->warn[i]);
    }
    memset(s, 0, sizeof *s);
}

static int has_warning(const seen *s, const char *sub)
{
    for (size_t i = 0; i < s->nwarn; i++) {
        if (strstr(s->warn[i], sub)) {
            return 1;
        }
    }
    return 0;
}

/* root + "/" + rel, in one of a few rotating buffers */
static const char *at(const char *rel)
{
    static char buf[8][4400];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/%.3000s", root, rel);
    return p;
}

static void touch(const char *rel)
{
    FILE *f = fopen(at(rel), "w");
    assert_non_null(f);
    fputs("Title\nBody.\n", f);
    fclose(f);
}

static void mkdirs(const char *rel)
{
    assert_int_equal(mkdir(at(rel), 0755), 0);
}

static void link_to(const char *target, const char *rel)
{
    assert_int_equal(symlink(target, at(rel)), 0);
}

static int setup(void **state)
{
    (void)state;
    return scratch_make(root, sizeof root, "nsearch-test-walk");
}

static int teardown(void **state)
{
    (void)state;
    scratch_remove(root);
    return 0;
}

static ns_status walk(const char *from, seen *s, const ns_walk_opts *base, ns_error *err)
{
    ns_walk_opts opts;
    if (base) {
        opts = *base;
    } else {
        memset(&opts, 0, sizeof opts);
    }
    opts.warn = on_warn;
    opts.warn_ctx = s;
    return ns_walk(from, &opts, on_file, s, err);
}

/* Compare the yielded paths (relative to root) with want[], in order. */
static void expect(const seen *s, const char *const *want, size_t nwant)
{
    size_t rl = strlen(root) + 1;
    int bad = s->n != nwant;
    for (size_t i = 0; !bad && i < nwant; i++) {
        bad = strncmp(s->path[i], root, rl - 1) != 0 || strcmp(s->path[i] + rl, want[i]) != 0;
    }
    if (bad) {
        print_message("walk yielded %zu paths:\n", s->n);
        for (size_t i = 0; i < s->n; i++) {
            print_message("  %s\n", s->path[i] + (strlen(s->path[i]) > rl ? rl : 0));
        }
        print_message("wanted %zu:\n", nwant);
        for (size_t i = 0; i < nwant; i++) {
            print_message("  %s\n", want[i]);
        }
        for (size_t i = 0; i < s->nwarn; i++) {
            print_message("  warning: %s\n", s->warn[i]);
        }
        fail();
    }
}

/* ---------------------------------------------------------------- tests */

/* Kinds, hidden files, backups, order. */
static void test_basic(void **state)
{
    (void)state;
    touch("b.jsonl");
    touch("a.txt");
    touch("c.txt.gz");
    touch("d.jsonl.gz");
    touch("e.pdf");
    touch("README");
    touch("notes.json");
    touch(".hidden.txt");
    mkdirs(".hdir");
    touch(".hdir/x.txt");
    touch("x.txt~");
    touch("#y.txt#");
    touch(".z.txt.swp");
    link_to("user@host.123:456", ".#lock.txt");
    mkdirs("sub");
    touch("sub/y.txt");
    mkdirs("sub/deeper");
    touch("sub/deeper/z.jsonl");
    touch("sub.txt");   /* '.' sorts before '/' */
    touch("sub-a.txt"); /* '-' before '.' */
    touch("sub0.txt");  /* '0' after '/' */
    touch("B.txt");     /* capitals first, byte-wise */
    mkdirs("empty");
    mkdirs("a"); /* "a/" sorts after "a.txt" */
    touch("a/inner.txt");

    seen s = {0};
    ns_error err;
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    static const char *const want[] = {
        "B.txt",     "a.txt",   "a/inner.txt",        "b.jsonl",   "c.txt.gz", "d.jsonl.gz",
        "sub-a.txt", "sub.txt", "sub/deeper/z.jsonl", "sub/y.txt", "sub0.txt",
    };
    expect(&s, want, sizeof want / sizeof want[0]);
    /* the yielded paths are in strcmp order */
    for (size_t i = 1; i < s.n; i++) {
        assert_true(strcmp(s.path[i - 1], s.path[i]) < 0);
    }
    assert_int_equal(s.nwarn, 0);
    seen_free(&s);

    /* include_hidden: dot-files and dot-folders come in, backups do not */
    ns_walk_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.include_hidden = 1;
    assert_int_equal(walk(root, &s, &opts, &err), NS_OK);
    static const char *const want2[] = {
        ".hdir/x.txt", ".hidden.txt", "B.txt",     "a.txt",   "a/inner.txt",        "b.jsonl",
        "c.txt.gz",    "d.jsonl.gz",  "sub-a.txt", "sub.txt", "sub/deeper/z.jsonl", "sub/y.txt",
        "sub0.txt",
    };
    expect(&s, want2, sizeof want2 / sizeof want2[0]);
    assert_int_equal(s.nwarn, 0);
    seen_free(&s);
}

/* Root given with a trailing slash, or as a single file. */
static void test_root_forms(void **state)
{
    (void)state;
    touch("one.txt");
    touch("other.md");
    seen s = {0};
    ns_error err;
    char slash[4200];
    snprintf(slash, sizeof slash, "%s/", root);
    assert_int_equal(walk(slash, &s, NULL, &err), NS_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.path[0], at("one.txt"));
    seen_free(&s);

    assert_int_equal(walk(at("one.txt"), &s, NULL, &err), NS_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.path[0], at("one.txt"));
    seen_free(&s);

    assert_int_equal(walk(at("other.md"), &s, NULL, &err), NS_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "other.md"));
    assert_int_equal(s.n, 0);

    assert_int_equal(walk(at("missing"), &s, NULL, &err), NS_ERR_NOTFOUND);
    assert_int_equal(err.status, NS_ERR_NOTFOUND);
    assert_non_null(strstr(err.msg, at("missing")));

    assert_int_equal(walk(at("one.txt/below"), &s, NULL, &err), NS_ERR_NOTFOUND);

    /* a hidden root is walked: hidden-ness applies below the root only */
    mkdirs(".corpus");
    touch(".corpus/in.txt");
    assert_int_equal(walk(at(".corpus"), &s, NULL, &err), NS_OK);
    assert_int_equal(s.n, 1);
    seen_free(&s);

    /* opts may be NULL */
    assert_int_equal(ns_walk(at(".corpus"), NULL, on_file, &s, &err), NS_OK);
    assert_int_equal(s.n, 1);
    seen_free(&s);
}

/* Links: to a file (followed, yielded under the link's name), to a folder,
 * loops, a chain loop, a broken link. */
static void test_links(void **state)
{
    (void)state;
    mkdirs("real");
    touch("real/r.txt");
    touch("a.txt");
    link_to("a.txt", "alias.txt");
    link_to("real", "zlink"); /* "real" is walked by its own path: skipped */
    link_to(".", "loop");     /* the root itself */
    link_to("..", "real/up"); /* back to the root */
    link_to("nowhere.txt", "broken.txt");
    link_to("self.txt", "self.txt"); /* ELOOP */
    seen s = {0};
    ns_error err;
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    static const char *const want[] = {"a.txt", "alias.txt", "real/r.txt"};
    expect(&s, want, sizeof want / sizeof want[0]);
    char w[4400];
    snprintf(w, sizeof w, "%s: symbolic link loop, skipped", at("loop"));
    assert_true(has_warning(&s, w));
    snprintf(w, sizeof w, "%s: symbolic link loop, skipped", at("real/up"));
    assert_true(has_warning(&s, w));
    snprintf(w, sizeof w, "%s: symbolic link to %s, a folder walked by its own path, skipped",
             at("zlink"), at("real"));
    assert_true(has_warning(&s, w));
    snprintf(w, sizeof w, "%s: broken symbolic link, skipped", at("broken.txt"));
    assert_true(has_warning(&s, w));
    snprintf(w, sizeof w, "%s: symbolic link loop, skipped", at("self.txt"));
    assert_true(has_warning(&s, w));
    assert_int_equal(s.nwarn, 5);
    seen_free(&s);

    /* A root that is a link to a folder is followed. (real/up would lead
     * out of it, to the whole tree: drop it.) */
    assert_int_equal(unlink(at("real/up")), 0);
    char lroot[2048];
    snprintf(lroot, sizeof lroot, "%s/rootlink", root);
    link_to("real", "rootlink");
    assert_int_equal(walk(lroot, &s, NULL, &err), NS_OK);
    assert_int_equal(s.n, 1);
    snprintf(w, sizeof w, "%s/r.txt", lroot);
    assert_string_equal(s.path[0], w);
    seen_free(&s);
}

/* A link to a folder that the walk reaches by its own path is the one
 * skipped, whichever comes first in name order: the files come out under
 * their real paths, and the warning names the link and the real folder. A
 * link to a folder the walk does not reach itself (hidden, excluded, or a
 * link leading there from inside) is walked, the first of two such links
 * only. With --follow alike. */
static void test_links_to_walked_folders(void **state)
{
    (void)state;
    mkdirs("sub");
    touch("sub/x.txt");
    link_to("sub", "alias"); /* "alias" < "sub" */
    mkdirs("a");
    link_to("../z/inner", "a/deep"); /* a folder deeper, later in the walk */
    mkdirs("z");
    mkdirs("z/inner");
    touch("z/inner/i.txt");
    mkdirs(".hid");
    touch(".hid/h.txt");
    link_to(".hid", "b-hid"); /* its own path is hidden: walked through the link */
    link_to(".hid", "c-hid"); /* ... once */
    mkdirs("ex");
    touch("ex/e.txt");
    link_to("ex", "b-ex"); /* its own path is excluded: walked through the link */
    static const char *const pats[] = {"ex"};
    for (int follow = 0; follow < 2; follow++) {
        ns_walk_opts opts;
        memset(&opts, 0, sizeof opts);
        opts.exclude = pats;
        opts.nexclude = 1;
        opts.follow_links_out = follow;
        seen s = {0};
        ns_error err;
        assert_int_equal(walk(root, &s, &opts, &err), NS_OK);
        static const char *const want[] = {"b-ex/e.txt", "b-hid/h.txt", "sub/x.txt",
                                           "z/inner/i.txt"};
        expect(&s, want, sizeof want / sizeof want[0]);
        char w[4400];
        snprintf(w, sizeof w, "%s: symbolic link to %s, a folder walked by its own path, skipped",
                 at("alias"), at("sub"));
        assert_true(has_warning(&s, w));
        snprintf(w, sizeof w, "%s: symbolic link to %s, a folder walked by its own path, skipped",
                 at("a/deep"), at("z/inner"));
        assert_true(has_warning(&s, w));
        snprintf(w, sizeof w, "%s: folder already walked through another link, skipped",
                 at("c-hid"));
        assert_true(has_warning(&s, w));
        assert_int_equal(s.nwarn, 3);
        seen_free(&s);
    }
}

static void test_excludes(void **state)
{
    (void)state;
    mkdirs("2025");
    mkdirs("2025/drafts");
    touch("2025/drafts/d.txt");
    touch("2025/a.txt");
    touch("2025/b.jsonl.gz");
    mkdirs("2025/keep");
    touch("2025/keep/k.txt");
    touch("2025/keep/skip-me.txt");
    touch("top.txt");
    mkdirs("archive");
    touch("archive/old.txt");
    mkdirs("old.txt"); /* a folder with a corpus-like name */
    touch("old.txt/in.txt");
    mkdirs("sub");
    touch("sub/old.txt");
    static const char *const pats[] = {"drafts/",  "*.jsonl.gz",        "skip-*",
                                       "/archive", "./2025/keep/k.txt", "old.txt/"};
    ns_walk_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.exclude = pats;
    opts.nexclude = sizeof pats / sizeof pats[0];
    seen s = {0};
    ns_error err;
    assert_int_equal(walk(root, &s, &opts, &err), NS_OK);
    /* "old.txt/" matches the folder only, not the file sub/old.txt */
    static const char *const want[] = {"2025/a.txt", "sub/old.txt", "top.txt"};
    expect(&s, want, sizeof want / sizeof want[0]);
    seen_free(&s);

    /* FNM_PATHNAME: '*' does not cross '/' in the relative path, but a
     * pattern without '/' still matches base names at any depth. */
    static const char *const pats2[] = {"2025/*.txt"};
    opts.exclude = pats2;
    opts.nexclude = 1;
    assert_int_equal(walk(root, &s, &opts, &err), NS_OK);
    static const char *const want2[] = {
        "2025/b.jsonl.gz", "2025/drafts/d.txt", "2025/keep/k.txt", "2025/keep/skip-me.txt",
        "archive/old.txt", "old.txt/in.txt",    "sub/old.txt",     "top.txt"};
    expect(&s, want2, sizeof want2 / sizeof want2[0]);
    seen_free(&s);
}

static void test_stop(void **state)
{
    (void)state;
    touch("1.txt");
    touch("2.txt");
    mkdirs("3");
    touch("3/4.txt");
    seen s = {0};
    s.stop_after = 2;
    ns_error err;
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    static const char *const want[] = {"1.txt", "2.txt"};
    expect(&s, want, 2);
    seen_free(&s);
    s.stop_after = 3;
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    assert_int_equal(s.n, 3);
    seen_free(&s);
}

/* A file deleted after its folder was listed: a warning, the walk goes on. */
static void test_vanished(void **state)
{
    (void)state;
    touch("a.txt");
    touch("b.txt");
    touch("c.txt");
    seen s = {0};
    s.victim = at("b.txt");
    ns_error err;
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    static const char *const want[] = {"a.txt", "c.txt"};
    expect(&s, want, 2);
    char w[4400];
    snprintf(w, sizeof w, "%s: vanished during the walk, skipped", at("b.txt"));
    assert_true(has_warning(&s, w));
    seen_free(&s);
}

static void test_unreadable(void **state)
{
    (void)state;
    touch("a.txt");
    mkdirs("locked");
    touch("locked/inside.txt");
    touch("z.txt");
    assert_int_equal(chmod(at("locked"), 0), 0);
    if (geteuid() == 0) {
        print_message("skipped: running as root, chmod 000 does not block reads\n");
        skip();
    }
    seen s = {0};
    ns_error err;
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    static const char *const want[] = {"a.txt", "z.txt"};
    expect(&s, want, 2);
    char w[4400];
    snprintf(w, sizeof w, "%s: cannot read folder: ", at("locked"));
    assert_true(has_warning(&s, w));
    seen_free(&s);

    /* the root itself unreadable: an error naming it */
    assert_int_equal(walk(at("locked"), &s, NULL, &err), NS_ERR_IO);
    assert_non_null(strstr(err.msg, at("locked")));
    seen_free(&s);
}

/* FIFOs with a corpus name are warned about, never opened. */
static void test_special_files(void **state)
{
    (void)state;
    touch("a.txt");
    assert_int_equal(mkfifo(at("pipe.txt"), 0644), 0);
    assert_int_equal(mkfifo(at("pipe.other"), 0644), 0);
    seen s = {0};
    ns_error err;
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    static const char *const want[] = {"a.txt"};
    expect(&s, want, 1);
    char w[4400];
    snprintf(w, sizeof w, "%s: not a regular file, skipped", at("pipe.txt"));
    assert_true(has_warning(&s, w));
    assert_int_equal(s.nwarn, 1);
    seen_free(&s);
}

/* Names are bytes: Latin-1 and invalid UTF-8 names come through unchanged,
 * in byte order (0xE9 after ASCII). */
static void test_non_utf8_names(void **state)
{
    (void)state;
    touch("caf\xE9.txt");
    touch("cafe.txt");
    mkdirs("d\xFF\xFE");
    touch("d\xFF\xFE/x.jsonl");
    seen s = {0};
    ns_error err;
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    static const char *const want[] = {"cafe.txt", "caf\xE9.txt", "d\xFF\xFE/x.jsonl"};
    expect(&s, want, 3);
    seen_free(&s);
}

/* Deep trees: one directory stream open at a time, no fixed path limit;
 * a descriptor a level for the first 32 levels (walk.c, FD_DEPTH), then
 * none more; all closed at the end. */
static void test_deep(void **state)
{
    (void)state;
    char rel[4096] = "";
    size_t n = 0;
    for (int i = 0; i < 150; i++) {
        n += (size_t)snprintf(rel + n, sizeof rel - n, "%sd%d", i ? "/" : "", i % 10);
        mkdirs(rel);
    }
    snprintf(rel + n, sizeof rel - n, "/leaf.txt");
    touch(rel);
    seen s = {0};
    ns_error err;
    int before = open_fds();
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.path[0], at(rel));
    assert_int_equal(open_fds(), before);
    assert_in_range(s.fds_in_walk, before + 1, before + 34);
    seen_free(&s);
}

/* A folder of 600 entries, which the walk stats ahead on a helper thread
 * (walk.c, "stat ahead"): every kind of entry in it, each result belonging
 * to its own entry, in order; then a walk stopped half-way, which must end
 * the helper (no hang, no leak: the asan build runs this too). */
static void test_big_folder(void **state)
{
    (void)state;
    static char want[600][64];
    static const char *wantp[600];
    size_t nwant = 0;
    size_t nwarn = 0;
    char name[64], target[4400];
    for (int i = 0; i < 600; i++) {
        snprintf(name, sizeof name, "f%03d.txt", i);
        switch (i % 50) {
        case 7: /* a link to a file inside: yielded under its own name */
            link_to("f000.txt", name);
            break;
        case 13: /* a broken link */
            link_to("nowhere.txt", name);
            nwarn++;
            continue;
        case 21: /* a folder with a corpus name */
            mkdirs(name);
            snprintf(target, sizeof target, "%s/inner.txt", name);
            touch(target);
            snprintf(want[nwant], sizeof want[0], "%s/inner.txt", name);
            wantp[nwant] = want[nwant];
            nwant++;
            continue;
        case 33: /* a FIFO */
            assert_int_equal(mkfifo(at(name), 0644), 0);
            nwarn++;
            continue;
        case 41: /* not a corpus file */
            snprintf(name, sizeof name, "f%03d.bin", i);
            touch(name);
            continue;
        case 45: /* a link out of the root */
            link_to("/", name);
            nwarn++;
            continue;
        default: touch(name);
        }
        snprintf(want[nwant], sizeof want[0], "%s", name);
        wantp[nwant] = want[nwant];
        nwant++;
    }
    seen s = {0};
    ns_error err;
    int before = open_fds();
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    expect(&s, wantp, nwant);
    assert_int_equal(s.nwarn, nwarn);
    for (int i = 0; i < 600; i += 50) {
        char w[4400];
        snprintf(name, sizeof name, "f%03d.txt", i + 13);
        snprintf(w, sizeof w, "%s: broken symbolic link, skipped", at(name));
        assert_true(has_warning(&s, w));
        snprintf(name, sizeof name, "f%03d.txt", i + 33);
        snprintf(w, sizeof w, "%s: not a regular file, skipped", at(name));
        assert_true(has_warning(&s, w));
        snprintf(name, sizeof name, "f%03d.txt", i + 45);
        snprintf(w, sizeof w, "%s: symbolic link to /, outside the corpus folder", at(name));
        assert_true(has_warning(&s, w));
    }
    seen_free(&s);
    s.stop_after = 250;
    assert_int_equal(walk(root, &s, NULL, &err), NS_OK);
    expect(&s, wantp, 250);
    seen_free(&s);
    assert_int_equal(open_fds(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links_to_walked_folders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_excludes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vanished, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_special_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_utf8_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_folder, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
