/* main.c: nsearch, the query command: ranked passages for a query, as text
 * for people, or as JSON Lines / vimgrep lines for editors and scripts.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Exit codes as grep: 0 something matched, 1 nothing matched, 2 error.
 * A closed output pipe (nsearch ... | head -1) ends quietly with 0.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "reader.h"
#include "search.h"
#include "status.h"
#include "xapian-c.h"

enum { EXIT_MATCH = 0, EXIT_NONE = 1, EXIT_ERROR = 2 };
enum { FMT_TEXT, FMT_NO_HEADING, FMT_JSON, FMT_VIMGREP, FMT_FILES, FMT_COUNT };

/* ANSI colours, ripgrep's defaults. */
#define C_PATH "\033[35m"
#define C_LINE "\033[32m"
#define C_MATCH "\033[1;31m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

#define TRIM_BYTES 480 /* longer passages are cut around their matches */

static int color;
static char cwd[PATH_MAX];
static size_t cwdlen;

/* Output errors: a closed pipe is the reader's choice, not our failure. */
static void out_check(void)
{
    if (ferror(stdout) || fflush(stdout) == EOF) {
        if (errno == EPIPE) exit(EXIT_MATCH);
        fprintf(stderr, "nsearch: writing output: %s\n", strerror(errno));
        exit(EXIT_ERROR);
    }
}

/* Paths are stored absolute; show them relative to the working folder when
 * they lie under it, as grep and ripgrep do for relative searches. */
static const char *display_path(const char *p)
{
    if (cwdlen > 1 && strncmp(p, cwd, cwdlen) == 0 && p[cwdlen] == '/') return p + cwdlen + 1;
    return p;
}

static void format_date(int64_t d, char out[32])
{
    out[0] = '\0';
    if (d == NS_NO_DATE) return;
    time_t t = (time_t)d;
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(out, 32, "%Y-%m-%d", &tm);
}

/* Passage text with the spans highlighted, flattened to one line; long
 * passages are cut to a window around the first match. */
static void print_passage(const ns_hit *h, int trim)
{
    size_t from = 0, to = h->len;
    if (trim && h->len > TRIM_BYTES) {
        size_t first = h->nspans ? h->spans[0].start : 0;
        from = first > TRIM_BYTES / 3 ? first - TRIM_BYTES / 3 : 0;
        to = from + TRIM_BYTES < h->len ? from + TRIM_BYTES : h->len;
        /* Start and end on word boundaries (and so on UTF-8 boundaries). */
        while (from > 0 && h->text[from - 1] != ' ') from++;
        while (to < h->len && h->text[to] != ' ' && to > from) to--;
        if (to <= from) from = 0, to = h->len;
    }
    if (from > 0) fputs("… ", stdout);
    size_t si = 0;
    for (size_t i = from; i < to;) {
        while (si < h->nspans && h->spans[si].end <= i) si++;
        size_t next = to;
        int in = 0;
        if (si < h->nspans) {
            if (h->spans[si].start <= i) {
                in = 1;
                next = h->spans[si].end < to ? h->spans[si].end : to;
            } else if (h->spans[si].start < to) {
                next = h->spans[si].start;
            }
        }
        if (in && color) fputs(C_MATCH, stdout);
        for (size_t k = i; k < next; k++) {
            char c = h->text[k];
            putchar(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
        }
        if (in && color) fputs(C_OFF, stdout);
        i = next;
    }
    if (to < h->len) fputs(" …", stdout);
}

static void print_heading(const ns_hit *h)
{
    char date[32];
    format_date(h->date, date);
    printf("%s%s%s\n", color ? C_PATH : "", display_path(h->path), color ? C_OFF : "");
    printf("%s%s%s", color ? C_BOLD : "", h->title[0] ? h->title : "(untitled)",
           color ? C_OFF : "");
    if (date[0] || h->source[0]) {
        printf("%s", color ? C_DIM : "");
        if (date[0]) printf(" · %s", date);
        if (h->source[0]) printf(" · %s", h->source);
        printf("%s", color ? C_OFF : "");
    }
    putchar('\n');
}

static void print_text(const ns_results *r, int heading, int explain)
{
    /* Group passages under their article, articles in order of their best
     * passage. */
    char *done = calloc(r->nhits ? r->nhits : 1, 1);
    if (!done) return;
    for (size_t i = 0; i < r->nhits; i++) {
        if (done[i]) continue;
        if (heading) {
            if (i) putchar('\n');
            print_heading(&r->hits[i]);
        }
        for (size_t j = i; j < r->nhits; j++) {
            const ns_hit *h = &r->hits[j];
            if (done[j] || strcmp(h->path, r->hits[i].path) || strcmp(h->id, r->hits[i].id))
                continue;
            done[j] = 1;
            if (!heading) {
                printf("%s%s%s:", color ? C_PATH : "", display_path(h->path), color ? C_OFF : "");
            }
            printf("%s%zu%s: ", color ? C_LINE : "", h->line, color ? C_OFF : "");
            print_passage(h, heading);
            putchar('\n');
            if (explain && h->explain) printf("    score %.4f: %s\n", h->score, h->explain);
        }
        out_check();
    }
    free(done);
}

/* JSON string: valid JSON whatever the bytes (invalid UTF-8 -> U+FFFD). */
static void json_str(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
            i++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", stdout); break;
            case '\t': fputs("\\t", stdout); break;
            case '\r': fputs("\\r", stdout); break;
            default: printf("\\u%04x", c);
            }
            i++;
        } else if (c < 0x80) {
            putchar(c);
            i++;
        } else {
            /* Validate one UTF-8 sequence. */
            size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
            int ok = len && i + len <= n;
            for (size_t k = 1; ok && k < len; k++) ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
            if (ok && len == 3) {
                unsigned char c1 = (unsigned char)s[i + 1];
                ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);
            } else if (ok && len == 4) {
                unsigned char c1 = (unsigned char)s[i + 1];
                ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
            }
            if (ok) {
                fwrite(s + i, 1, len, stdout);
                i += len;
            } else {
                fputs("\\ufffd", stdout);
                i++;
            }
        }
    }
    putchar('"');
}

static void json_key_str(const char *key, const char *s)
{
    printf(",\"%s\":", key);
    json_str(s, strlen(s));
}

static void print_json(const ns_results *r, double secs, const char *db, const char *query)
{
    for (size_t i = 0; i < r->nhits; i++) {
        const ns_hit *h = &r->hits[i];
        char date[32];
        format_date(h->date, date);
        printf("{\"type\":\"match\",\"version\":1,\"rank\":%zu", i + 1);
        json_key_str("path", display_path(h->path));
        printf(",\"line\":%zu,\"column\":%zu", h->line, h->column);
        json_key_str("id", h->id);
        json_key_str("title", h->title);
        printf(",\"date\":");
        if (date[0]) json_str(date, strlen(date));
        else fputs("null", stdout);
        json_key_str("source", h->source);
        json_key_str("url", h->url);
        printf(",\"score\":%.6f,\"article_score\":%.6f,\"article_rank\":%zu", h->score,
               h->article_score, h->article_rank + 1);
        printf(",\"text\":");
        json_str(h->text, h->len);
        printf(",\"spans\":[");
        for (size_t k = 0; k < h->nspans; k++) {
            printf("%s{\"start\":%zu,\"end\":%zu}", k ? "," : "", h->spans[k].start,
                   h->spans[k].end);
        }
        printf("]}\n");
        out_check();
    }
    printf("{\"type\":\"summary\",\"version\":1,\"query\":");
    json_str(query, strlen(query));
    printf(",\"parsed\":");
    json_str(r->parsed ? r->parsed : "", r->parsed ? strlen(r->parsed) : 0);
    printf(",\"matches\":%zu,\"total\":%zu,\"articles\":%zu,\"articles_estimated\":%u,"
           "\"partial\":%s,\"elapsed_ms\":%.3f",
           r->nhits, r->total, r->articles, r->articles_estimated, r->partial ? "true" : "false",
           secs * 1000);
    json_key_str("index", db);
    printf("}\n");
    out_check();
}

static void print_vimgrep(const ns_results *r)
{
    for (size_t i = 0; i < r->nhits; i++) {
        const ns_hit *h = &r->hits[i];
        size_t col = h->column + (h->nspans ? h->spans[0].start : 0);
        printf("%s:%zu:%zu:", display_path(h->path), h->line, col);
        for (size_t k = 0; k < h->len; k++) {
            char c = h->text[k];
            putchar(c == '\n' || c == '\r' ? ' ' : c);
        }
        putchar('\n');
        out_check();
    }
}

static void print_files(const ns_results *r)
{
    for (size_t i = 0; i < r->nhits; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) dup = strcmp(r->hits[j].path, r->hits[i].path) == 0;
        if (!dup) printf("%s\n", display_path(r->hits[i].path));
    }
    out_check();
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: nsearch [OPTIONS] QUERY...\n"
            "Search the nsearch index: the best passages first, with their article's\n"
            "file, line, title, date and source, matched words highlighted.\n"
            "\n"
            "Query: words (all required), \"a phrase\", OR, AND, NOT or -word, (groups),\n"
            "a NEAR/5 b, prefix*, =exact, title:, source:, date:2025-12, since:7d.\n"
            "See doc/query-syntax.md.\n"
            "\n"
            "  --db PATH            index (default: $NSEARCH_DB, else\n"
            "                       $XDG_DATA_HOME/nsearch/index)\n"
            "  -n, --limit N        passages to show (default 10)\n"
            "      --offset N       skip the first N passages\n"
            "      --per-article N  passages per article at most (default 2)\n"
            "      --sort KEY       relevance (default) or date (newest first)\n"
            "      --json           JSON Lines: match objects and a summary\n"
            "      --vimgrep        path:line:column:text, one line per passage\n"
            "      --no-heading     path:line: text, one line per passage\n"
            "      --files          matching article files, best first, once each\n"
            "      --count          number of matching passages\n"
            "      --color WHEN     auto (default), always or never; NO_COLOR is honoured\n"
            "      --explain        show the parsed query and each passage's score parts\n"
            "      --any            any word may match (OR), best matches first\n"
            "  -h, --help           this help\n"
            "  -V, --version        version\n"
            "\n"
            "Exit status: 0 matches, 1 no match, 2 error.\n");
}

static void warn_query(void *ctx, size_t column, const char *msg)
{
    (void)ctx;
    if (column) fprintf(stderr, "nsearch: query:%zu: %s\n", column, msg);
    else fprintf(stderr, "nsearch: %s\n", msg);
}

static int parse_count(const char *opt, const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '-' || *end || end == s || errno || v > 1000000) {
        fprintf(stderr, "nsearch: %s: not a count: %s\n", opt, s);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, 0, 'd'},      {"limit", required_argument, 0, 'n'},
        {"offset", required_argument, 0, 'o'},  {"per-article", required_argument, 0, 'p'},
        {"sort", required_argument, 0, 's'},    {"json", no_argument, 0, 'j'},
        {"vimgrep", no_argument, 0, 'g'},       {"no-heading", no_argument, 0, 'H'},
        {"files", no_argument, 0, 'f'},         {"count", no_argument, 0, 'c'},
        {"color", required_argument, 0, 'C'},   {"colour", required_argument, 0, 'C'},
        {"explain", no_argument, 0, 'e'},       {"any", no_argument, 0, 'a'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},       {0, 0, 0, 0}};
    const char *db = NULL, *when = "auto";
    ns_search_opts so = {0};
    so.limit = 10;
    so.per_article = 2;
    int fmt = FMT_TEXT, c;
    signal(SIGPIPE, SIG_IGN);
    while ((c = getopt_long(argc, argv, "n:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'n':
            if (parse_count("--limit", optarg, &so.limit)) return EXIT_ERROR;
            break;
        case 'o':
            if (parse_count("--offset", optarg, &so.offset)) return EXIT_ERROR;
            break;
        case 'p':
            if (parse_count("--per-article", optarg, &so.per_article)) return EXIT_ERROR;
            break;
        case 's':
            if (!strcmp(optarg, "date")) so.sort_by_date = 1;
            else if (strcmp(optarg, "relevance")) {
                fprintf(stderr, "nsearch: --sort: relevance or date, not %s\n", optarg);
                return EXIT_ERROR;
            }
            break;
        case 'j': fmt = FMT_JSON; break;
        case 'g': fmt = FMT_VIMGREP; break;
        case 'H': fmt = FMT_NO_HEADING; break;
        case 'f': fmt = FMT_FILES; break;
        case 'c': fmt = FMT_COUNT; break;
        case 'C':
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
                fprintf(stderr, "nsearch: --color: auto, always or never, not %s\n", optarg);
                return EXIT_ERROR;
            }
            when = optarg;
            break;
        case 'e': so.explain = 1; break;
        case 'a': so.any = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("nsearch %s (xapian %s)\n", NS_VERSION, xc_version()); return 0;
        default: usage(stderr); return EXIT_ERROR;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_ERROR;
    }
    if (!strcmp(when, "always")) color = 1;
    else if (!strcmp(when, "auto")) {
        const char *term = getenv("TERM"), *nc = getenv("NO_COLOR");
        color = isatty(1) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
    }
    if (fmt == FMT_JSON || fmt == FMT_VIMGREP || fmt == FMT_FILES || fmt == FMT_COUNT) color = 0;
    if (fmt == FMT_FILES || fmt == FMT_COUNT) {
        /* Every passage of every article counts. */
        so.limit = 100000;
        if (fmt == FMT_COUNT) so.per_article = 100000;
    }
    if (getcwd(cwd, sizeof cwd)) cwdlen = strlen(cwd);

    /* The query: the arguments joined by spaces. */
    size_t qlen = 0;
    for (int i = optind; i < argc; i++) qlen += strlen(argv[i]) + 1;
    char *query = malloc(qlen + 1);
    if (!query) return EXIT_ERROR;
    query[0] = '\0';
    for (int i = optind; i < argc; i++) {
        if (i > optind) strcat(query, " ");
        strcat(query, argv[i]);
    }

    char *dbpath = db ? strdup(db) : ns_index_default_path();
    if (!dbpath) {
        fprintf(stderr, "nsearch: no index location: set --db, NSEARCH_DB or HOME\n");
        return EXIT_ERROR;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ns_error err = {0};
    ns_searcher *s = NULL;
    ns_status st = ns_searcher_open(dbpath, &s, &err);
    if (st != NS_OK) {
        fprintf(stderr, "nsearch: %s\n", err.msg);
        return EXIT_ERROR;
    }
    so.warn = warn_query;
    ns_results *r = NULL;
    st = ns_search(s, query, strlen(query), &so, &r, &err);
    if (st != NS_OK) {
        if (err.column) {
            fprintf(stderr, "nsearch: query:%zu: %s\n  %s\n  %*s^\n", err.column, err.msg, query,
                    (int)(err.column - 1), "");
        } else {
            fprintf(stderr, "nsearch: %s\n", err.msg);
        }
        ns_searcher_close(s);
        return EXIT_ERROR;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (so.explain && fmt != FMT_JSON) printf("query: %s\n\n", r->parsed ? r->parsed : "");
    switch (fmt) {
    case FMT_TEXT: print_text(r, 1, so.explain); break;
    case FMT_NO_HEADING: print_text(r, 0, so.explain); break;
    case FMT_JSON: print_json(r, secs, dbpath, query); break;
    case FMT_VIMGREP: print_vimgrep(r); break;
    case FMT_FILES: print_files(r); break;
    case FMT_COUNT: printf("%zu\n", r->total); break;
    }
    out_check();
    int rc = r->total ? EXIT_MATCH : EXIT_NONE;
    ns_results_free(r);
    ns_searcher_close(s);
    free(query);
    free(dbpath);
    return rc;
}
