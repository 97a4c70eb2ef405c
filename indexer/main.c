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
#include "quote.h"
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
               "                       to it atomically: of exactly the folders given (they\n"
               "                       replace the recorded ones), else of the recorded ones\n"
               "  --exclude PATTERN    skip files and folders matching the glob (repeatable)\n"
               "  --follow             follow symbolic links that lead out of the corpus folder\n"
               "                       (by default they are skipped with a warning)\n"
               "  --max-file-size N    skip files larger than N bytes (N >= 1; default 1 GiB)\n"
               "  --wait SECONDS       wait this long for another indexer (0 to 86400, default 5)\n"
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

/* An option's value that won't do: "nsearch-index: --OPT: WANT ARG", the
 * value quoted as a path is (quote.h): it may hold anything. */
static int bad_value(const char *opt_want, const char *arg)
{
    ns_buf b = {0};
    ns_buf_str(&b, "nsearch-index: ");
    ns_buf_str(&b, opt_want);
    ns_quote_path(arg, strlen(arg), &b);
    ns_buf_str(&b, "\n");
    fputs(b.data ? b.data : "nsearch-index: bad option value\n", stderr);
    ns_buf_free(&b);
    return EXIT_USAGE;
}

/* A whole number of ASCII digits (no sign, no blank, no base prefix) up to
 * max into *out: 0, or -1 when s is anything else or larger. */
static int parse_count(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Seconds as digits with an optional decimal fraction ("5", "0.5"), at
 * most max; no sign, exponent, blank, "inf" or "nan". */
static int parse_seconds(const char *s, double max, double *out)
{
    size_t i = strspn(s, "0123456789");
    if (i == 0) return -1;
    if (s[i] == '.') {
        size_t f = strspn(s + i + 1, "0123456789");
        if (f == 0) return -1;
        i += 1 + f;
    }
    if (s[i] || i > 32) return -1;
    double v = strtod(s, NULL);
    if (!(v <= max)) return -1;
    *out = v;
    return 0;
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
        uint64_t num, den;
        switch (c) {
        case 'd': a->db = optarg; break;
        case 'l': a->lang = optarg; break;
        case 'r': a->rebuild = 1; break;
        case 'F': a->follow = 1; break;
        case 'x': a->excludes[a->nexcludes++] = optarg; break;
        case 'm':
            if (parse_count(optarg, UINT64_MAX, &a->max_size) != 0 || a->max_size == 0)
                return bad_value("--max-file-size: a number of bytes from 1, not ", optarg);
            break;
        case 'w':
            /* As milliseconds, the wait must fit an unsigned (index.h). */
            if (parse_seconds(optarg, 86400, &a->wait_s) != 0)
                return bad_value("--wait: a number of seconds from 0 to 86400, not ", optarg);
            break;
        case 'v': a->verbose = 1; break;
        case 'J': a->json = 1; break;
        case 'S': a->stats = 1; break;
        case 'H': {
            /* N/K, digits only. */
            const char *slash = strchr(optarg, '/');
            char nbuf[32];
            size_t nl = slash ? (size_t)(slash - optarg) : 0;
            if (slash && nl < sizeof nbuf) memcpy(nbuf, optarg, nl);
            if (slash && nl < sizeof nbuf) nbuf[nl] = '\0';
            if (!slash || nl >= sizeof nbuf || parse_count(nbuf, 1024, &num) != 0 ||
                parse_count(slash + 1, 1024, &den) != 0 || den < 1 || num < 1 || num > den)
                return bad_value("--shard-of: N/K with 1 <= N <= K <= 1024, not ", optarg);
            a->shard_n = (unsigned)num;
            a->shard_k = (unsigned)den;
            break;
        }
        case 'B':
            if (parse_count(optarg, 1000000, &num) != 0 || num < 10)
                return bad_value("--batch: a number from 10 to 1000000, not ", optarg);
            a->batch = (long)num;
            break;
        case 'K': a->check = 1; break;
        case 'j':
            if (parse_count(optarg, 256, &num) != 0 || num < 1)
                return bad_value("--jobs: a number from 1 to 256, not ", optarg);
            a->jobs = (long)num;
            break;
        /* What is printed must have reached its destination (a full disk):
         * else exit as any output that failed does. */
        case 'h': usage(stdout); return report_finish_stdout();
        case 'V':
            printf("nsearch-index %s (xapian %s)\n", NS_VERSION, ns_backend_version());
            return report_finish_stdout();
        default: { /* two lines, as ripgrep */
            if (optopt > ' ' && optopt < 127)
                fprintf(stderr, "nsearch-index: invalid option -- '%c'\n", optopt);
            else if (optopt)
                fprintf(stderr, "nsearch-index: invalid option -- \\x%02x\n",
                        (unsigned char)optopt);
            else
                bad_value("unknown option, or one missing its value: ", argv[optind - 1]);
            fprintf(stderr, "Try 'nsearch-index --help' for more information.\n");
            return EXIT_USAGE;
        }
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
            /* Only what concerns the indexer: the file, a line that is
             * no setting at all, and db (the only key it reads); the
             * other keys are nsearch's, which checks them. */
            if (p->key && strcmp(p->key, "db") != 0) continue;
            ns_buf b = {0};
            ns_buf_str(&b, "nsearch-index: ");
            ns_quote_path(cfg.path, strlen(cfg.path), &b);
            if (p->line) ns_buf_printf(&b, ":%zu", p->line);
            ns_buf_str(&b, ": ");
            ns_quote_flat(p->msg, strlen(p->msg), &b);
            ns_buf_str(&b, "\n");
            if (b.data) fputs(b.data, stderr);
            ns_buf_free(&b);
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
    ns_index_fatal_cleanup(); /* what the run wrote, given back */
    ns_buf b = {0};
    ns_buf_str(&b, what);
    ns_buf_str(&b, "; the index is unchanged");
    report_path(fatal_db, b.data ? b.data : "the index is unchanged");
    fflush(stderr);
    _exit(EXIT_INDEX);
}

static int index_exit(ns_status st)
{
    return st == NS_ERR_LOCKED ? EXIT_BUSY : st == NS_ERR_INVALID ? EXIT_USAGE : EXIT_INDEX;
}

/* Do two lists hold the same names in the same order? */
static int same_list(char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb) return 0;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0) return 0;
    return 1;
}

/* Open the index at dbpath for writing and settle its corpus folders
 * (roots_settle) from those given (absolute; a->dirs as typed) and those
 * recorded in it: the index records rs->record, the run walks rs->walk.
 * --rebuild with folders records exactly them. 0 with *ix open, else the
 * exit status after saying why. */
static int open_index(const args *a, const char *dbpath, char **given, size_t ngiven, roots *rs,
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
        report_error(dbpath, err.msg);
        return index_exit(st);
    }
    int rc = 0;
    char **rec = NULL;
    size_t nrec = 0;
    /* Recorded: those of this index, or for a rebuild of the one it
     * replaces. */
    if ((st = ns_index_roots_get(*ix, &rec, &nrec, &err)) != NS_OK) {
        report_error(dbpath, err.msg);
        rc = EXIT_INDEX;
    } else if (roots_settle(rs, (const char *const *)given, (const char *const *)a->dirs, ngiven,
                            (const char *const *)rec, nrec, a->rebuild && ngiven > 0, a->excludes,
                            a->nexcludes) != 0) {
        rc = out_of_memory();
    } else if (rs->nrecord == 0) {
        ns_buf b = {0};
        ns_buf_str(&b, "nsearch-index: no corpus folder given and none recorded in ");
        ns_quote_path(dbpath, strlen(dbpath), &b);
        ns_buf_str(&b, ": give the corpus folders\nusage: nsearch-index [OPTIONS] CORPUS_DIR...\n");
        if (b.data) fputs(b.data, stderr);
        ns_buf_free(&b);
        rc = EXIT_USAGE;
    } else if (!same_list(rec, nrec, rs->record, rs->nrecord) &&
               (st = ns_index_roots_set(*ix, (const char *const *)rs->record, rs->nrecord, &err)) !=
                   NS_OK) {
        report_error(dbpath, err.msg);
        rc = EXIT_INDEX;
    }
    for (size_t i = 0; i < nrec; i++)
        free(rec[i]);
    free(rec);
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
            char m[sizeof lerr.msg + 16];
            snprintf(m, sizeof m, "--lang: %s", lerr.msg);
            report_error(NULL, m);
            return EXIT_USAGE;
        }
        ns_analyzer_free(an);
    }
    report rep = {isatty(2) && !getenv("NSEARCH_NO_PROGRESS"), {0, 0}};
    clock_gettime(CLOCK_MONOTONIC, &rep.t0);

    /* Resolve the corpus folders given before touching the index. */
    size_t ngiven = a->ndirs;
    char **given = calloc(ngiven + 1, sizeof *given);
    if (!given) return out_of_memory();
    int rc = 0;
    for (size_t i = 0; i < ngiven && rc == 0; i++) {
        if (!(given[i] = roots_abs(a->dirs[i]))) {
            report_path(a->dirs[i], strerror(errno));
            rc = EXIT_CORPUS;
        }
    }
    ns_index *ix = NULL;
    roots rs = {0};
    if (rc == 0) rc = open_index(a, dbpath, given, ngiven, &rs, &ix);
    if (rc == 0) {
        ns_update_opts uo = {.roots = (const char *const *)rs.walk,
                             .nroots = rs.nwalk,
                             .dropped = (const char *const *)rs.dropped,
                             .ndropped = rs.ndropped,
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
            report_error(dbpath, err.msg[0] ? err.msg : ns_status_str(st));
            rc = index_exit(st);
        } else {
            report_run(dbpath, &s, report_elapsed(&rep.t0), rebuilt, a->verbose, a->json);
            rc = s.roots_failed ? EXIT_CORPUS : s.warnings ? EXIT_SKIPPED : 0;
            if (a->json && report_finish_stdout() != 0) rc = EXIT_INDEX;
        }
    }
    roots_free(&rs);
    for (size_t i = 0; i < ngiven; i++)
        free(given[i]);
    free(given);
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
