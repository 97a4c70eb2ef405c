/* test_config.c: unit tests of the command-line code the two programs share
 * (cli/config.c): the configuration file and where the index is.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Each test writes its files in a fresh temporary folder and points
 * NSEARCH_CONFIG (or XDG_CONFIG_HOME, HOME) at it. ns_config_read must
 * never print: stderr is captured around every call and must stay empty;
 * problems come back in the ns_config, line by line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

/* ---------------------------------------------------------------- helpers */

static char tmpdir[512];

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/nsearch-test-config.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir)) return -1;
    unsetenv("NSEARCH_CONFIG");
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("NSEARCH_DB");
    return 0;
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
    static char buf[4][700];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* ns_config_read with stderr captured: it must print nothing. */
static void read_quietly(ns_config *cfg)
{
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    FILE *cap = tmpfile();
    assert_non_null(cap);
    assert_true(dup2(fileno(cap), 2) >= 0);
    int rc = ns_config_read(cfg);
    fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    struct stat sb;
    assert_int_equal(fstat(fileno(cap), &sb), 0);
    fclose(cap);
    assert_int_equal(rc, 0);
    assert_int_equal(sb.st_size, 0); /* nothing printed */
}

/* ------------------------------------------------------------------ tests */

/* A file with good and bad lines: the good ones are used, each bad one is a
 * problem naming its line, in file order. */
static void test_problems(void **state)
{
    (void)state;
    const char *path = at("config");
    write_file(path, "# comment\n"
                     "db = /idx   # the index\n"
                     "limit = 3\n"
                     "this is not a setting\n"
                     "colour = purple\n"
                     "limit = -3\n"
                     "frobs = 2\n"
                     "sort = date\n"
                     "heading = maybe\n"
                     "db =\n");
    setenv("NSEARCH_CONFIG", path, 1);
    ns_config cfg;
    read_quietly(&cfg);
    assert_string_equal(cfg.path, path);
    assert_string_equal(cfg.db, "/idx");
    assert_int_equal(cfg.limit, 3);
    assert_int_equal(cfg.sort_by_date, 1);
    assert_int_equal(cfg.heading, -1);
    assert_null(cfg.color);
    const struct {
        size_t line;
        const char *msg;
    } want[] = {
        {4, "expected 'key = value'"},
        {5, "color: auto, always or never, not purple"},
        {6, "limit: not a count from 1: -3"},
        {7, "unknown setting 'frobs' (known: db, limit, per-article, sort, color, heading)"},
        {9, "heading: true or false, not maybe"},
        {10, "db: empty path"},
    };
    assert_int_equal(cfg.nproblems, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < cfg.nproblems; i++) {
        assert_int_equal(cfg.problems[i].line, want[i].line);
        assert_string_equal(cfg.problems[i].msg, want[i].msg);
    }
    ns_config_free(&cfg);
    assert_null(cfg.problems);
    assert_int_equal(cfg.nproblems, 0);
    ns_config_free(NULL);
}

/* A file named by NSEARCH_CONFIG that isn't there is a problem of the whole
 * file; the default file missing is no configuration, silently; an empty
 * NSEARCH_CONFIG reads none. */
static void test_missing(void **state)
{
    (void)state;
    setenv("NSEARCH_CONFIG", at("nowhere"), 1);
    ns_config cfg;
    read_quietly(&cfg);
    assert_int_equal(cfg.nproblems, 1);
    assert_int_equal(cfg.problems[0].line, 0);
    assert_string_equal(cfg.problems[0].msg, "No such file or directory (configuration ignored)");
    assert_string_equal(cfg.path, at("nowhere"));
    assert_null(cfg.db);
    ns_config_free(&cfg);

    unsetenv("NSEARCH_CONFIG");
    setenv("XDG_CONFIG_HOME", tmpdir, 1); /* no nsearch/config under it */
    read_quietly(&cfg);
    assert_int_equal(cfg.nproblems, 0);
    assert_null(cfg.path);
    ns_config_free(&cfg);

    /* XDG_CONFIG_HOME's file is read when there. */
    char dir[800];
    snprintf(dir, sizeof dir, "%s/nsearch", tmpdir);
    assert_int_equal(mkdir(dir, 0777), 0);
    write_file(at("nsearch/config"), "limit = 7\n");
    read_quietly(&cfg);
    assert_int_equal(cfg.limit, 7);
    assert_string_equal(cfg.path, at("nsearch/config"));
    ns_config_free(&cfg);

    setenv("NSEARCH_CONFIG", "", 1);
    read_quietly(&cfg);
    assert_int_equal(cfg.nproblems, 0);
    assert_null(cfg.path);
    assert_int_equal(cfg.limit, 0);
    ns_config_free(&cfg);
}

/* Where the index is: --db, then NSEARCH_DB, then the file's db, then the
 * default from the environment. */
static void test_index_path(void **state)
{
    (void)state;
    const struct {
        const char *flag, *db, *file, *xdg, *home, *want;
    } cases[] = {
        {"/flag", "/x/db", "/file", "/xdg", "/home/u", "/flag"},
        {NULL, "/x/db", "/file", "/xdg", "/home/u", "/x/db"},
        {NULL, "", "/file", "/xdg", "/home/u", "/file"},
        {NULL, "", NULL, "/xdg", "/home/u", "/xdg/nsearch/index"},
        {NULL, NULL, NULL, "relative", "/home/u", "/home/u/.local/share/nsearch/index"},
        {NULL, NULL, NULL, NULL, "/home/u", "/home/u/.local/share/nsearch/index"},
        {NULL, NULL, NULL, NULL, NULL, NULL},
        {NULL, NULL, NULL, NULL, "", NULL},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cases[c].db ? setenv("NSEARCH_DB", cases[c].db, 1) : unsetenv("NSEARCH_DB");
        cases[c].xdg ? setenv("XDG_DATA_HOME", cases[c].xdg, 1) : unsetenv("XDG_DATA_HOME");
        cases[c].home ? setenv("HOME", cases[c].home, 1) : unsetenv("HOME");
        ns_config cfg = {0};
        cfg.db = (char *)cases[c].file;
        errno = ENOMEM; /* must not be mistaken for out of memory */
        char *p = ns_config_index_path(cases[c].flag, &cfg);
        if (cases[c].want) {
            assert_non_null(p);
            assert_string_equal(p, cases[c].want);
        } else {
            assert_null(p);
            assert_int_not_equal(errno, ENOMEM);
        }
        free(p);
    }
    /* No configuration at all. */
    setenv("NSEARCH_DB", "/env", 1);
    char *p = ns_config_index_path(NULL, NULL);
    assert_string_equal(p, "/env");
    free(p);
    unsetenv("NSEARCH_DB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_problems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_path, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
