/* main.c: nsearch, the query command: ranked passages for a query, as text
 * for people, or as JSON Lines / vimgrep lines for editors and scripts, or
 * a JSON request/response loop (--serve) for pickers.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Settings come, strongest first, from flags, the environment (NSEARCH_DB,
 * NO_COLOR), the configuration file (config.c), and built-in defaults.
 *
 * Exit codes as grep: 0 something matched, 1 nothing matched, 2 error.
 * A closed output pipe (nsearch ... | head -1) ends quietly with 0.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "query.h"
#include "quote.h"
#include "search.h"
#include "status.h"

/* Where make install puts doc/query-syntax.md (the Makefile sets it). */
#ifndef NS_DOCDIR
#define NS_DOCDIR "doc"
#endif

enum { FMT_TEXT, FMT_JSON, FMT_VIMGREP, FMT_FILES, FMT_COUNT };

static void usage(FILE *f)
{
    fprintf(f, "usage: nsearch [OPTIONS] QUERY...\n"
               "       nsearch --serve [OPTIONS]\n"
               "Search the nsearch index: the best passages first, with their article's\n"
               "file, line, title, date and source, matched words highlighted.\n"
               "\n"
               "Query: words (all required), \"a phrase\", OR, AND, NOT or -word, (groups),\n"
               "a NEAR/5 b, prefix*, =exact, title:, source:, date:2025-12, since:7d.\n"
               "See nsearch(1) and " NS_DOCDIR "/query-syntax.md.\n"
               "\n"
               "  --db PATH            index (default: $NSEARCH_DB, else the config file's db,\n"
               "                       else $XDG_DATA_HOME/nsearch/index)\n"
               "  -n, --limit N        passages to show (default 10); with --files, files\n"
               "      --offset N       skip the first N passages (with --files, files)\n"
               "      --per-article N  passages per article at most (default 2)\n"
               "      --sort KEY       relevance (default) or date (newest first)\n"
               "      --any            any word may match (OR), best matches first\n"
               "      --timeout MS     bound on each remote shard operation (default 5000)\n"
               "      --allow-partial  when shards are down, answer from the others (warning)\n"
               "      --json           JSON Lines: match objects and a summary\n"
               "      --vimgrep        path:line:column:text, one line per passage\n"
               "      --no-heading     path:line:text, one line per passage\n"
               "      --heading        grouped under article headings (the default)\n"
               "  -l, --files          matching article files, best first, once each\n"
               "  -c, --count          number of matching passages\n"
               "  -0, --null           a NUL after each path (--files, --vimgrep, --no-heading)\n"
               "      --color WHEN     auto (default), always or never; NO_COLOR is honoured\n"
               "      --explain        show the parsed query and each passage's score parts\n"
               "      --serve          answer JSON requests from stdin, one a line\n"
               "  -h, --help           this help\n"
               "  -V, --version        version\n"
               "\n"
               "Configuration: $NSEARCH_CONFIG, else $XDG_CONFIG_HOME/nsearch/config or\n"
               "~/.config/nsearch/config (keys db, limit, per-article, sort, color, heading).\n"
               "Exit status: 0 matches, 1 no match, 2 error.\n");
}

/* One message to stderr, "nsearch: MESSAGE": messages carry option values,
 * query excerpts, paths and the library's words, so the whole line is made
 * safe (quote.h: controls, bidirectional overrides and line separators
 * become spaces, bad UTF-8 U+FFFD). Paths in it are quoted before (shown_path). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    ns_buf b = {0};
    if (n >= 0 && ns_quote_flat(msg, (size_t)n, &b) == NS_OK)
        fprintf(stderr, "nsearch: %.*s\n", (int)b.len, b.data);
    else
        fputs("nsearch: out of memory\n", stderr);
    ns_buf_free(&b);
    free(msg);
}

/* A path as shown in a message (quote.h: quoted when it holds anything
 * unsafe, '"' or '\\'); owned by the caller (free). */
static char *shown_path(const char *path)
{
    ns_buf b = {0};
    ns_quote_path(path, strlen(path), &b);
    if (ns_buf_byte(&b, '\0') != NS_OK) {
        ns_buf_free(&b);
        return strdup("(path)");
    }
    return b.data;
}

/* After a usage error, one line, as ripgrep: editors show every line of
 * stderr (a quickfix list filled with the whole help is no help). */
static void short_usage(void)
{
    fprintf(stderr, "Try 'nsearch --help' for more information.\n");
}

static void warn_query(void *ctx, size_t column, const char *msg)
{
    (void)ctx;
    if (column)
        say("query:%zu: %s", column, msg);
    else
        say("%s", msg);
}

/* A count option: min..1000000. */
static int parse_count(const char *opt, const char *s, size_t min, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || v < min || v > 1000000) {
        say("%s: not a count from %zu to 1000000: %s", opt, min, s);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static int check_when(const char *opt, const char *when)
{
    if (!strcmp(when, "auto") || !strcmp(when, "always") || !strcmp(when, "never")) return 0;
    say("%s: auto, always or never, not %s", opt, when);
    return -1;
}

/* Settings as given on the command line: NULL / -1 when not given. */
typedef struct flags {
    const char *db, *color;
    size_t limit, offset, per_article; /* 0: not given (offset: see has_offset) */
    int has_offset, sort_by_date, heading, fmt, explain, any, serve;
    int allow_partial, null;
    unsigned timeout_ms; /* 0: not given */
} flags;

static int parse_flags(int argc, char **argv, flags *fl)
{
    static const struct option longopts[] = {
        {"db", required_argument, 0, 'd'},      {"limit", required_argument, 0, 'n'},
        {"offset", required_argument, 0, 'o'},  {"per-article", required_argument, 0, 'p'},
        {"sort", required_argument, 0, 's'},    {"json", no_argument, 0, 'j'},
        {"vimgrep", no_argument, 0, 'g'},       {"no-heading", no_argument, 0, 'H'},
        {"heading", no_argument, 0, 'G'},       {"files", no_argument, 0, 'l'},
        {"count", no_argument, 0, 'c'},         {"null", no_argument, 0, '0'},
        {"color", required_argument, 0, 'C'},   {"colour", required_argument, 0, 'C'},
        {"explain", no_argument, 0, 'e'},       {"any", no_argument, 0, 'a'},
        {"serve", no_argument, 0, 'S'},         {"allow-partial", no_argument, 0, 'P'},
        {"timeout", required_argument, 0, 'T'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},       {0, 0, 0, 0}};
    int c;
    opterr = 0; /* our own message: "nsearch: ...", not argv[0]'s */
    while ((c = getopt_long(argc, argv, "n:lc0hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': fl->db = optarg; break;
        case 'n':
            if (parse_count("--limit", optarg, 1, &fl->limit)) return EXIT_ERROR;
            break;
        case 'o':
            if (parse_count("--offset", optarg, 0, &fl->offset)) return EXIT_ERROR;
            fl->has_offset = 1;
            break;
        case 'p':
            if (parse_count("--per-article", optarg, 1, &fl->per_article)) return EXIT_ERROR;
            break;
        case 's':
            if (!strcmp(optarg, "date"))
                fl->sort_by_date = 1;
            else if (!strcmp(optarg, "relevance"))
                fl->sort_by_date = 0;
            else {
                say("--sort: relevance or date, not %s", optarg);
                return EXIT_ERROR;
            }
            break;
        case 'j': fl->fmt = FMT_JSON; break;
        case 'g': fl->fmt = FMT_VIMGREP; break;
        case 'H':
            fl->heading = 0;
            fl->fmt = FMT_TEXT;
            break;
        case 'G':
            fl->heading = 1;
            fl->fmt = FMT_TEXT;
            break;
        case 'l': fl->fmt = FMT_FILES; break;
        case 'c': fl->fmt = FMT_COUNT; break;
        case '0': fl->null = 1; break;
        case 'C':
            if (check_when("--color", optarg)) return EXIT_ERROR;
            fl->color = optarg;
            break;
        case 'e': fl->explain = 1; break;
        case 'a': fl->any = 1; break;
        case 'S': fl->serve = 1; break;
        case 'P': fl->allow_partial = 1; break;
        case 'T': {
            size_t ms;
            if (parse_count("--timeout", optarg, 1, &ms)) return EXIT_ERROR;
            fl->timeout_ms = (unsigned)ms;
            break;
        }
        /* What is printed must have reached its destination (a full
         * disk): else exit 2 as any output that failed does (out_check). */
        case 'h':
            usage(stdout);
            out_check();
            exit(EXIT_MATCH);
        case 'V':
            printf("nsearch %s (xapian %s)\n", NS_VERSION, ns_backend_version());
            out_check();
            exit(EXIT_MATCH);
        default:
            if (optopt && strchr("n", optopt))
                fprintf(stderr, "nsearch: -%c needs a value\n", optopt);
            else if (optopt)
                say("invalid option -- '%c' (a query word starting with '-' goes after --: "
                    "nsearch -- a -b)",
                    optopt);
            else
                say("unknown option, or one missing its value: %s", argv[optind - 1]);
            short_usage();
            return EXIT_ERROR;
        }
    }
    return 0;
}

/* The query: the arguments joined by spaces. */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *q = malloc(len), *p = q;
    if (!q) return NULL;
    for (int i = 0; i < argc; i++)
        p += sprintf(p, "%s%s", i ? " " : "", argv[i]);
    *p = '\0';
    return q;
}

static int use_color(const char *when)
{
    if (!strcmp(when, "always")) return 1;
    if (!strcmp(when, "never")) return 0;
    const char *term = getenv("TERM");
    return isatty(1) && !(term && !strcmp(term, "dumb"));
}

static void warn_shard(void *ctx, const char *msg)
{
    (void)ctx;
    say("%s", msg);
}

static void print_query_error(const ns_error *err, const char *query)
{
    if (err->column) {
        say("query:%zu: %s", err->column, err->msg);
        out_query_caret(stderr, query, strlen(query), err->column);
    } else {
        say("%s", err->msg);
    }
}

int main(int argc, char **argv)
{
    flags fl = {0};
    fl.sort_by_date = fl.heading = -1;
    fl.fmt = FMT_TEXT;
    signal(SIGPIPE, SIG_IGN);
    int rc = parse_flags(argc, argv, &fl);
    if (rc) return rc;
    if (!fl.serve && optind >= argc) {
        fprintf(stderr, "nsearch: no query given\n");
        short_usage();
        return EXIT_ERROR;
    }
    if (fl.serve && optind < argc) {
        fprintf(stderr, "nsearch: --serve reads its queries from stdin, not the command line\n");
        return EXIT_ERROR;
    }

    ns_config cfg;
    int cfg_bad = ns_config_read(&cfg);
    for (size_t i = 0; i < cfg.nproblems; i++) {
        const ns_config_problem *p = &cfg.problems[i];
        char *path = shown_path(cfg.path ? cfg.path : "");
        if (p->line)
            say("%s:%zu: %s", path, p->line, p->msg);
        else
            say("%s: %s", path, p->msg);
        free(path);
    }
    if (cfg_bad) {
        ns_config_free(&cfg);
        fprintf(stderr, "nsearch: out of memory\n");
        return EXIT_ERROR;
    }

    /* Flags, then the environment, then the configuration file, then the
     * built-in defaults. */
    const char *no_color = getenv("NO_COLOR");
    char *dbpath = ns_config_index_path(fl.db, &cfg);
    const char *when = fl.color                ? fl.color
                       : no_color && *no_color ? "never"
                       : cfg.color             ? cfg.color
                                               : "auto";
    ns_search_opts so = {0};
    so.limit = fl.limit ? fl.limit : cfg.limit ? cfg.limit : 10;
    so.offset = fl.offset;
    so.per_article = fl.per_article ? fl.per_article : cfg.per_article ? cfg.per_article : 2;
    so.sort_by_date = fl.sort_by_date >= 0 ? fl.sort_by_date : cfg.sort_by_date > 0;
    so.explain = fl.explain;
    so.any = fl.any;
    int heading = fl.heading >= 0 ? fl.heading : cfg.heading >= 0 ? cfg.heading : 1;
    ns_config_free(&cfg);
    if (!dbpath) {
        fprintf(stderr, "nsearch: no index location: set --db, NSEARCH_DB or HOME\n");
        return EXIT_ERROR;
    }

    int fmt = fl.fmt;
    int color = fmt == FMT_TEXT && use_color(when);
    out_init(color);
    out_set_null(fl.null);
    if (fmt == FMT_FILES) {
        /* Every article, one passage each; -n and --offset count files. */
        so.files = 1;
        so.per_article = 1;
    } else if (fmt == FMT_COUNT) {
        so.count_all = 1;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ns_error err = {0};
    ns_searcher *s = NULL;
    ns_searcher_opts sopts = {fl.timeout_ms, fl.allow_partial, warn_shard, NULL, 0};
    /* Serve mode keeps the articles it read (search.h): 16 MiB, some
     * thousands of articles. */
    if (fl.serve) sopts.doc_cache_bytes = (size_t)16 << 20;
    ns_status st = ns_searcher_open_opts(dbpath, &sopts, &s, &err);
    if (st != NS_OK) {
        say("%s", err.msg);
        free(dbpath);
        return EXIT_ERROR;
    }
    if (fl.serve) {
        rc = ns_serve(s, dbpath, &so);
        ns_searcher_close(s);
        free(dbpath);
        return rc;
    }

    char *query = join_args(argc - optind, argv + optind);
    if (!query) {
        fprintf(stderr, "nsearch: out of memory\n");
        return EXIT_ERROR;
    }
    so.warn = warn_query;
    ns_results *r = NULL;
    st = ns_search(s, query, strlen(query), &so, &r, &err);
    if (st != NS_OK) {
        print_query_error(&err, query);
        ns_searcher_close(s);
        free(query);
        free(dbpath);
        return EXIT_ERROR;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (so.explain && fmt == FMT_TEXT) {
        /* The parsed query holds the query's words: shown as text. */
        ns_buf b = {0};
        const char *pq = r->parsed ? r->parsed : "";
        if (ns_quote_flat(pq, strlen(pq), &b) == NS_OK)
            printf("query: %.*s\n\n", (int)b.len, b.data);
        ns_buf_free(&b);
    }
    switch (fmt) {
    case FMT_TEXT: out_text(r, heading, so.explain); break;
    case FMT_JSON: out_json(r, so.offset, secs, dbpath, query); break;
    case FMT_VIMGREP: out_vimgrep(r); break;
    case FMT_FILES: out_files(r); break;
    case FMT_COUNT: printf("%zu\n", r->total); break;
    }
    out_check();
    rc = r->total ? EXIT_MATCH : EXIT_NONE;
    ns_results_free(r);
    ns_searcher_close(s);
    free(query);
    free(dbpath);
    return rc;
}
