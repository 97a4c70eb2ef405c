/* main.c: nsearch-index, the indexer command: walks corpus folders and keeps
 * the index up to date with them (new, changed and deleted files).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Exit codes: 0 ok, 1 ok but some files were skipped, 2 usage, 3 corpus
 * unreadable, 4 index error, 75 another indexer is busy (EX_TEMPFAIL).
 * Silent on success unless -v; warnings go to stderr as
 * "nsearch-index: FILE:LINE: message".
 *
 * This file reads the arguments, opens the index and chooses the exit
 * status; the update itself is lib/update.c's (ns_update_run), and what a
 * run prints is report.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "backend.h"
#include "config.h"
#include "index.h"
#include "indexer.h"
#include "status.h"
#include "update.h"

/* The command line, parsed. */
typedef struct args {
    const char *db, *lang;
    const char **excludes; /* malloc'd; the patterns are argv's */
    size_t nexcludes;
    double wait_s;
    uint64_t max_size;
    int rebuild, verbose, json, stats, check, follow;
    long jobs, batch;
    unsigned shard_n, shard_k;
    char **dirs; /* the corpus folders given (argv's) */
    size_t ndirs;
} args;

static void usage(FILE *f)
{
    fprintf(f, "usage: nsearch-index [OPTIONS] [CORPUS_DIR...]\n"
               "Build or update the nsearch index over folders of news articles\n"
               "(.txt, .jsonl, and their .gz forms). With no folder, updates the folders\n"
               "the index was built from.\n"
               "\n"
               "  --db PATH            index folder (default: $NSEARCH_DB, else the config file's\n"
               "                       db, else $XDG_DATA_HOME/nsearch/index or\n"
               "                       ~/.local/share/nsearch/index)\n"
               "  --lang LANG          stemming language of a new index (default english;\n"
               "                       'none' turns stemming off)\n"
               "  --rebuild            build a complete new index beside the live one and switch\n"
               "                       to it atomically\n"
               "  --exclude PATTERN    skip files and folders matching the glob (repeatable)\n"
               "  --follow             follow symbolic links that lead out of the corpus folder\n"
               "                       (by default they are skipped with a warning)\n"
               "  --max-file-size N    skip files larger than N bytes (default 1 GiB)\n"
               "  --wait SECONDS       wait this long for another indexer (default 5)\n"
               "  -j, --jobs N         threads that read and write (default: all cores)\n"
               "  --batch N            articles each worker buffers in memory before writing\n"
               "                       them out as one part (default 2000): peak memory grows\n"
               "                       with jobs x N\n"
               "  --json               print the run report as one JSON object on stdout\n"
               "  --shard-of N/K       build shard N of K of the corpus (each a normal index,\n"
               "                       e.g. served by xapian-tcpsrv); recorded in the index\n"
               "  --stats              print counts about the index (with --json: as JSON)\n"
               "  --check              verify the index and its bookkeeping (exit 0 or 4)\n"
               "  -v, --verbose        print a summary line\n"
               "  -h, --help           this help\n"
               "  -V, --version        version\n"
               "\n"
               "Exit status: 0 ok, 1 ok with skipped files, 2 usage, 3 corpus unreadable,\n"
               "4 index error, 75 another indexer is running.\n");
}

static int out_of_memory(void)
{
    fprintf(stderr, "nsearch-index: out of memory\n");
    return EXIT_INDEX;
}

/* An option's value that won't do: "nsearch-index: --OPT: WANT ARG". */
static int bad_value(const char *opt_want, const char *arg)
{
    fprintf(stderr, "nsearch-index: %s%s\n", opt_want, arg);
    return EXIT_USAGE;
}

/* Fill *a from the command line. -1 when the run goes on, else the exit
 * status (0 after --help and --version, which are printed here). */
static int parse_args(int argc, char **argv, args *a)
{
    static const struct option longopts[] = {{"db", required_argument, 0, 'd'},
                                             {"lang", required_argument, 0, 'l'},
                                             {"rebuild", no_argument, 0, 'r'},
                                             {"exclude", required_argument, 0, 'x'},
                                             {"follow", no_argument, 0, 'F'},
                                             {"max-file-size", required_argument, 0, 'm'},
                                             {"wait", required_argument, 0, 'w'},
                                             {"verbose", no_argument, 0, 'v'},
                                             {"jobs", required_argument, 0, 'j'},
                                             {"json", no_argument, 0, 'J'},
                                             {"stats", no_argument, 0, 'S'},
                                             {"check", no_argument, 0, 'K'},
                                             {"batch", required_argument, 0, 'B'},
                                             {"shard-of", required_argument, 0, 'H'},
                                             {"help", no_argument, 0, 'h'},
                                             {"version", no_argument, 0, 'V'},
                                             {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->wait_s = 5;
    a->max_size = 1ULL << 30;
    a->jobs = sysconf(_SC_NPROCESSORS_ONLN);
    if (a->jobs < 1) a->jobs = 1;
    a->batch = 2000;
    if (!(a->excludes = calloc((size_t)argc + 1, sizeof *a->excludes))) return out_of_memory();
    opterr = 0; /* our own message, "nsearch-index: ...", not argv[0]'s */
    int c;
    while ((c = getopt_long(argc, argv, "vhVj:", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': a->db = optarg; break;
        case 'l': a->lang = optarg; break;
        case 'r': a->rebuild = 1; break;
        case 'F': a->follow = 1; break;
        case 'x': a->excludes[a->nexcludes++] = optarg; break;
        case 'm':
            a->max_size = strtoull(optarg, &end, 10);
            if (*end || end == optarg) return bad_value("--max-file-size: not a number: ", optarg);
            break;
        case 'w':
            a->wait_s = strtod(optarg, &end);
            if (*end || end == optarg || a->wait_s < 0)
                return bad_value("--wait: not a number of seconds: ", optarg);
            break;
        case 'v': a->verbose = 1; break;
        case 'J': a->json = 1; break;
        case 'S': a->stats = 1; break;
        case 'H':
            if (sscanf(optarg, "%u/%u", &a->shard_n, &a->shard_k) != 2 || a->shard_k < 1 ||
                a->shard_k > 1024 || a->shard_n < 1 || a->shard_n > a->shard_k)
                return bad_value("--shard-of: N/K with 1 <= N <= K, not ", optarg);
            break;
        case 'B':
            a->batch = strtol(optarg, &end, 10);
            if (*end || end == optarg || a->batch < 10 || a->batch > 1000000)
                return bad_value("--batch: a number from 10 to 1000000, not ", optarg);
            break;
        case 'K': a->check = 1; break;
        case 'j':
            a->jobs = strtol(optarg, &end, 10);
            if (*end || end == optarg || a->jobs < 1 || a->jobs > 256)
                return bad_value("--jobs: a number from 1 to 256, not ", optarg);
            break;
        case 'h': usage(stdout); return 0;
        case 'V':
            printf("nsearch-index %s (xapian %s)\n", NS_VERSION, ns_backend_version());
            return 0;
        default: /* two lines, as ripgrep */
            if (optopt)
                fprintf(stderr, "nsearch-index: invalid option -- '%c'\n", optopt);
            else
                fprintf(stderr, "nsearch-index: unknown option, or one missing its value: %s\n",
                        argv[optind - 1]);
            fprintf(stderr, "Try 'nsearch-index --help' for more information.\n");
            return EXIT_USAGE;
        }
    }
    a->dirs = argv + optind;
    a->ndirs = (size_t)(argc - optind);
    return -1;
}

/* The index nsearch reads: --db, $NSEARCH_DB, the config file's db or the
 * default (the file is not read when --db says; its problems are printed).
 * malloc'd; NULL with *rc set after saying why. */
static char *index_location(const char *flag, int *rc)
{
    ns_config cfg = {0};
    if (!flag) {
        int bad = ns_config_read(&cfg);
        for (size_t i = 0; i < cfg.nproblems; i++) {
            const ns_config_problem *p = &cfg.problems[i];
            if (p->line)
                fprintf(stderr, "nsearch-index: %s:%zu: %s\n", cfg.path, p->line, p->msg);
            else
                fprintf(stderr, "nsearch-index: %s: %s\n", cfg.path, p->msg);
        }
        if (bad) {
            ns_config_free(&cfg);
            *rc = out_of_memory();
            return NULL;
        }
    }
    char *path = ns_config_index_path(flag, &cfg);
    int e = errno;
    ns_config_free(&cfg);
    if (!path && e == ENOMEM) {
        *rc = out_of_memory();
    } else if (!path) {
        fprintf(stderr, "nsearch-index: no index location: set --db, NSEARCH_DB or HOME\n");
        *rc = EXIT_USAGE;
    }
    return path;
}

/* The index this run writes, for the fatal handler. */
static const char *fatal_db = "the index";

/* libxapian gave up inside a commit (ns_backend_set_fatal_handler): nothing
 * of the run was committed, so say so and exit as any write failure does. */
static void on_fatal(const char *what)
{
    fprintf(stderr, "nsearch-index: %s: %s; the index is unchanged\n", fatal_db, what);
    fflush(stderr);
    _exit(EXIT_INDEX);
}

static int index_exit(ns_status st)
{
    return st == NS_ERR_LOCKED ? EXIT_BUSY : st == NS_ERR_INVALID ? EXIT_USAGE : EXIT_INDEX;
}

static char *abs_path(const char *arg)
{
    struct stat st, cwd, pwdst;
    if (stat(arg, &st) != 0) return NULL;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    const char *pwd = getenv("PWD");
    char buf[PATH_MAX];
    if (arg[0] == '/') {
        snprintf(buf, sizeof buf, "%s", arg);
    } else {
        char here[PATH_MAX];
        if (!(pwd && pwd[0] == '/' && stat(pwd, &pwdst) == 0 && stat(".", &cwd) == 0 &&
              pwdst.st_ino == cwd.st_ino && pwdst.st_dev == cwd.st_dev)) {
            if (!getcwd(here, sizeof here)) return NULL;
            pwd = here;
        }
        if ((size_t)snprintf(buf, sizeof buf, "%s/%s", pwd, arg) >= sizeof buf) {
            errno = ENAMETOOLONG;
            return NULL;
        }
    }
    /* Normalize by name: //, /./, /x/../ and a trailing /. */
    char *out = malloc(strlen(buf) + 2);
    if (!out) return NULL;
    size_t n = 0;
    for (const char *p = buf; *p;) {
        while (*p == '/')
            p++;
        const char *e = p + strcspn(p, "/");
        size_t len = (size_t)(e - p);
        if (len == 0 || (len == 1 && p[0] == '.')) {
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0) n--;
        } else {
            out[n++] = '/';
            memcpy(out + n, p, len);
            n += len;
        }
        p = e;
    }
    if (n == 0) out[n++] = '/';
    out[n] = '\0';
    /* The name must still reach the same folder (a "x/.." through a
     * symlink may not): else the resolved path. */
    struct stat check;
    if (stat(out, &check) != 0 || check.st_ino != st.st_ino || check.st_dev != st.st_dev) {
        free(out);
        return realpath(arg, NULL);
    }
    return out;
}

/* Open the index at dbpath for writing and settle its corpus folders:
 * *roots (absolute paths, given) are recorded in it, or when none are given
 * the recorded ones replace them. 0 with *ix open, else the exit status
 * after saying why. */
static int open_index(const args *a, const char *dbpath, char ***roots, size_t *nroots,
                      ns_index **ix)
{
    /* Memory bound: each worker of a fresh build buffers at most `batch`
     * articles before writing them out (a part of `batch` is one flush). */
    ns_index_opts io = {.lang = a->lang,
                        .wait_ms = (unsigned)(a->wait_s * 1000),
                        .rebuild = a->rebuild,
                        .no_sync = getenv("NSEARCH_NO_SYNC") != NULL,
                        .shard_n = a->shard_n,
                        .shard_k = a->shard_k,
                        .part_flush = (unsigned)a->batch + 1};
    ns_error err = {0};
    fatal_db = dbpath;
    ns_backend_set_fatal_handler(on_fatal);
    ns_status st = ns_index_open(dbpath, &io, ix, &err);
    if (st != NS_OK) {
        report_error(err.msg);
        return index_exit(st);
    }
    int rc = 0;
    if (*nroots == 0) {
        /* No folders given: the ones this index was built from. */
        free(*roots);
        *roots = NULL;
        if ((st = ns_index_roots_get(*ix, roots, nroots, &err)) != NS_OK) {
            report_error(err.msg);
            rc = EXIT_INDEX;
        } else if (*nroots == 0) {
            snprintf(err.msg, sizeof err.msg,
                     "no corpus folder given and none recorded in %s: give the corpus folders",
                     dbpath);
            report_error(err.msg);
            fprintf(stderr, "usage: nsearch-index [OPTIONS] CORPUS_DIR...\n");
            rc = EXIT_USAGE;
        }
    } else if ((st = ns_index_roots_set(*ix, (const char *const *)*roots, *nroots, &err)) !=
               NS_OK) {
        report_error(err.msg);
        rc = EXIT_INDEX;
    }
    if (rc != 0) {
        ns_index_abort(*ix);
        *ix = NULL;
    }
    return rc;
}

/* NSEARCH_MERGE=always or never: whether an incremental run grows by a
 * merge (update.c), instead of letting the size of what it reads decide. */
static int merge_mode(void)
{
    const char *m = getenv("NSEARCH_MERGE");
    if (!m) return 0;
    return strcmp(m, "always") == 0 ? 1 : strcmp(m, "never") == 0 ? -1 : 0;
}

/* Bring the index at dbpath up to date with the corpus folders (given, else
 * recorded in it) and report. Returns the exit status. */
static int run(const args *a, const char *dbpath)
{
    if (a->lang) {
        /* A usage error, found before anything is created. */
        ns_analyzer *an = NULL;
        ns_error lerr = {0};
        if (ns_analyzer_new(a->lang, &an, &lerr) != NS_OK) {
            fprintf(stderr, "nsearch-index: --lang: %s\n", lerr.msg);
            return EXIT_USAGE;
        }
        ns_analyzer_free(an);
    }
    report rep = {isatty(2) && !getenv("NSEARCH_NO_PROGRESS"), {0, 0}};
    clock_gettime(CLOCK_MONOTONIC, &rep.t0);

    /* Resolve the corpus roots before touching the index. */
    size_t nroots = a->ndirs;
    char **roots = calloc(nroots + 1, sizeof *roots);
    if (!roots) return out_of_memory();
    int rc = 0;
    for (size_t i = 0; i < nroots && rc == 0; i++) {
        if (!(roots[i] = abs_path(a->dirs[i]))) {
            fprintf(stderr, "nsearch-index: %s: %s\n", a->dirs[i], strerror(errno));
            rc = EXIT_CORPUS;
        }
    }
    ns_index *ix = NULL;
    if (rc == 0) rc = open_index(a, dbpath, &roots, &nroots, &ix);
    if (rc == 0) {
        ns_update_opts uo = {.roots = (const char *const *)roots,
                             .nroots = nroots,
                             .exclude = a->excludes,
                             .nexclude = a->nexcludes,
                             .follow_links_out = a->follow,
                             .max_file_bytes = a->max_size,
                             .jobs = (unsigned)a->jobs,
                             .merge = merge_mode(),
                             .batch = (size_t)a->batch,
                             .warn = report_warn,
                             .refused = report_refused,
                             .root_failed = report_root_failed,
                             .progress = report_progress,
                             .ctx = &rep};
        int rebuilt = ns_index_building(ix);
        ns_update_stats s;
        ns_error err = {0};
        ns_status st = ns_update_run(ix, &uo, &s, &err); /* closes ix */
        if (st != NS_OK) {
            report_error(err.msg[0] ? err.msg : ns_status_str(st));
            rc = index_exit(st);
        } else {
            report_run(dbpath, &s, report_elapsed(&rep.t0), rebuilt, a->verbose, a->json);
            rc = s.roots_failed ? EXIT_CORPUS : s.warnings ? EXIT_SKIPPED : 0;
            if (a->json && report_finish_stdout() != 0) rc = EXIT_INDEX;
        }
    }
    for (size_t i = 0; roots && i < nroots; i++)
        free(roots[i]);
    free(roots);
    return rc;
}

int main(int argc, char **argv)
{
    args a;
    char *dbpath = NULL;
    int rc = parse_args(argc, argv, &a);
    if (rc < 0 && (dbpath = index_location(a.db, &rc))) {
        if (a.stats) {
            rc = report_stats(dbpath, a.json);
            if (rc == 0) rc = report_finish_stdout();
        } else if (a.check) {
            rc = report_check(dbpath);
        } else {
            rc = run(&a, dbpath);
        }
    }
    free(dbpath);
    free(a.excludes);
    return rc;
}
