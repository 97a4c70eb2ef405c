/* report.c: what nsearch-index prints (indexer.h): warnings and the
 * progress line on stderr, the run's report, --stats and --check.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "advice.h"
#include "index.h"
#include "indexer.h"
#include "quote.h"

/* ------------------------------------------------- during a run (stderr) */

void report_warn(void *ctx, const char *path, size_t line, const char *msg)
{
    report *r = ctx;
    if (r->progress) fputs("\r\033[K", stderr); /* clear the bar first */
    /* A corpus file's name and the message (which may quote the file's
     * bytes) reach a terminal: quoted and flattened (quote.h). */
    ns_buf p = {0}, m = {0};
    ns_quote_path(path, strlen(path), &p);
    ns_quote_flat(msg, strlen(msg), &m);
    const char *ps = p.data ? p.data : "?", *ms = m.data ? m.data : "?";
    if (line) {
        fprintf(stderr, "nsearch-index: %s:%zu: %s\n", ps, line, ms);
    } else {
        fprintf(stderr, "nsearch-index: %s: %s\n", ps, ms);
    }
    ns_buf_free(&p);
    ns_buf_free(&m);
}

/* Append msg to b: when it starts with `path` (may be NULL), the path
 * quoted and the rest flattened (quote.h), else all of it flattened. */
static void add_msg(ns_buf *b, const char *path, const char *msg)
{
    size_t pl = path ? strlen(path) : 0;
    if (pl && strncmp(msg, path, pl) == 0) {
        ns_quote_path(path, pl, b);
        msg += pl;
    }
    ns_quote_flat(msg, strlen(msg), b);
}

void report_error(const char *path, const char *msg)
{
    ns_buf b = {0};
    ns_buf_str(&b, "nsearch-index: ");
    add_msg(&b, path, msg);
    ns_buf_str(&b, "\n");
    fputs(b.data ? b.data : "nsearch-index: out of memory\n", stderr);
    ns_buf_free(&b);
}

void report_path(const char *path, const char *msg)
{
    ns_buf b = {0};
    ns_buf_str(&b, "nsearch-index: ");
    ns_quote_path(path, strlen(path), &b);
    ns_buf_str(&b, ": ");
    ns_quote_flat(msg, strlen(msg), &b);
    ns_buf_str(&b, "\n");
    fputs(b.data ? b.data : "nsearch-index: out of memory\n", stderr);
    ns_buf_free(&b);
}

/* A file the reader refused: its message already names the file. */
void report_refused(void *ctx, const char *path, ns_status st, const ns_error *err)
{
    report *r = ctx;
    if (r->progress) fputs("\r\033[K", stderr);
    /* The message names the file first: quote the name, flatten the rest
     * (quote.h), so that no byte of a file name drives the terminal. */
    if (err->msg[0])
        report_error(path, err->msg);
    else
        report_path(path, ns_status_str(st));
}

/* A corpus folder that could not be walked: said as a refused file is. */
void report_root_failed(void *ctx, const char *root, ns_status st, const ns_error *err)
{
    report_refused(ctx, root, st, err);
}

double report_elapsed(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* One line on a terminal: articles, MB/s, ETA. Never in logs: only when
 * stderr is a terminal. */
void report_progress(void *ctx, const ns_update_progress *p)
{
    report *r = ctx;
    if (!r->progress) return;
    double secs = report_elapsed(&r->t0);
    unsigned long long b = p->bytes_done, a = p->articles;
    double mbs = secs > 0 ? b / 1e6 / secs : 0;
    fprintf(stderr, "\r\033[K%llu articles  %.1f MB/s", a, mbs);
    if (p->bytes_total && b > 0 && b < p->bytes_total && mbs > 0) {
        double eta = (p->bytes_total - b) / 1e6 / mbs;
        fprintf(stderr, "  %3.0f%%  ETA %d:%02d", 100.0 * b / p->bytes_total, (int)eta / 60,
                (int)eta % 60);
    }
    if (p->final) fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* ------------------------------------------------------- after a run */

/* A JSON string: the writer nsearch's --json uses (quote.h). */
static void json_strn(const char *s, size_t n)
{
    ns_buf b = {0};
    if (ns_quote_json(s, n, &b) == NS_OK) fwrite(b.data, 1, b.len, stdout);
    ns_buf_free(&b);
}

static void json_str(const char *s)
{
    json_strn(s, strlen(s));
}

void report_run(const char *db, const ns_update_stats *s, double secs, int rebuilt, int verbose,
                int json)
{
    if (verbose) {
        fprintf(stderr, "indexed %zu new, %zu changed, %zu deleted articles in %.1f s\n",
                s->articles_new, s->articles_changed, s->articles_deleted, secs);
    }
    if (json) {
        printf("{\"version\":1,\"index\":");
        json_str(db);
        printf(",\"seconds\":%.3f,\"bytes\":%llu,"
               "\"files\":{\"seen\":%zu,\"new\":%zu,\"changed\":%zu,\"deleted\":%zu,"
               "\"unchanged\":%zu,\"skipped\":%zu},"
               "\"articles\":{\"new\":%zu,\"changed\":%zu,\"deleted\":%zu},"
               "\"warnings\":%zu,\"rebuilt\":%s,\"merged\":%s}\n",
               secs, (unsigned long long)s->bytes, s->files_seen, s->files_new, s->files_changed,
               s->files_deleted, s->files_unchanged, s->files_skipped, s->articles_new,
               s->articles_changed, s->articles_deleted, s->warnings, rebuilt ? "true" : "false",
               s->merged ? "true" : "false");
    }
}

int report_finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "nsearch-index: standard output: %s\n", strerror(errno ? errno : EIO));
        return EXIT_INDEX;
    }
    return 0;
}

/* ------------------------------------------------------ --stats, --check */

/* A line of --stats: the label, then the value quoted as a path (quote.h),
 * or flattened as text. */
static void stats_line(const char *label, const char *v, size_t n, int path)
{
    ns_buf b = {0};
    ns_buf_str(&b, label);
    if (path)
        ns_quote_path(v, n, &b);
    else
        ns_quote_flat(v, n, &b);
    ns_buf_str(&b, "\n");
    if (b.data) fputs(b.data, stdout);
    ns_buf_free(&b);
}

int report_stats(const char *db, int json)
{
    ns_index_info in;
    ns_error err = {0};
    if (ns_index_info_get(db, &in, &err) != NS_OK) {
        /* No index there (or none yet: a first build running): said as
         * nsearch says it. */
        if (err.status == NS_ERR_NOTFOUND) ns_error_advise_index(&err, db);
        report_error(db, err.msg);
        return EXIT_INDEX;
    }
    if (json) {
        printf("{\"version\":1,\"index\":");
        json_str(db);
        printf(",\"schema\":%u,\"generation\":%u,\"lang\":", in.schema, in.generation);
        json_str(in.lang);
        printf(",\"articles\":%u,\"files\":%u,\"terms\":%u,\"avg_length\":%.1f,"
               "\"disk_bytes\":%llu,\"roots\":[",
               in.articles, in.files, in.terms, in.avg_length, (unsigned long long)in.disk_bytes);
        for (const char *p = in.roots; *p;) {
            size_t n = strcspn(p, "\n");
            if (p != in.roots) putchar(',');
            json_strn(p, n);
            p += n + (p[n] == '\n');
        }
        printf("]}\n");
        return 0;
    }
    stats_line("index       ", db, strlen(db), 1);
    printf("schema      %u (generation %u)\n", in.schema, in.generation);
    stats_line("language    ", in.lang, strlen(in.lang), 0);
    printf("articles    %u\n", in.articles);
    printf("files       %u\n", in.files);
    printf("terms       %u\n", in.terms);
    printf("avg length  %.1f terms\n", in.avg_length);
    printf("disk        %.1f MB\n", in.disk_bytes / 1e6);
    for (const char *p = in.roots; *p;) {
        size_t n = strcspn(p, "\n");
        if (n) stats_line("corpus      ", p, n, 1);
        p += n + (p[n] == '\n');
    }
    return 0;
}

/* A problem --check found: the index named (quoted), the message (which
 * may carry Xapian's words and names from the index) flattened. */
static void check_problem(void *ctx, const char *msg)
{
    report_path((const char *)ctx, msg);
}

/* "WHAT; rebuild with nsearch-index --db DB --rebuild", about db. */
static void report_rebuild(const char *db, const char *what)
{
    char word[1024], msg[1400];
    ns_advice_word(db, word, sizeof word);
    snprintf(msg, sizeof msg, "%s; rebuild with nsearch-index --db %s --rebuild", what, word);
    report_path(db, msg);
}

int report_check(const char *db)
{
    size_t problems = 0;
    ns_error err = {0};
    if (ns_index_verify(db, check_problem, (void *)db, &problems, &err) != NS_OK) {
        if (err.status == NS_ERR_NOTFOUND) ns_error_advise_index(&err, db);
        report_error(db, err.msg);
        if ((err.status == NS_ERR_CORRUPT || err.status == NS_ERR_IO) &&
            !strstr(err.msg, "--rebuild")) {
            /* A table too damaged to go through (libxapian stops at it). */
            report_rebuild(db, "the check stopped there");
        }
        return EXIT_INDEX;
    }
    if (problems) {
        char what[64];
        snprintf(what, sizeof what, "%zu problem%s found", problems, problems == 1 ? "" : "s");
        report_rebuild(db, what);
        return EXIT_INDEX;
    }
    return 0;
}
