/* main.c: nsearch-index, the indexer command: walks corpus folders and keeps
 * the index up to date with them (new, changed and deleted files).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Exit codes: 0 ok, 1 ok but some files were skipped, 2 usage, 3 corpus
 * unreadable, 4 index error, 75 another indexer is busy (EX_TEMPFAIL).
 * Silent on success unless -v; warnings go to stderr as
 * "nsearch-index: FILE:LINE: message".
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../query/config.h"
#include "analyzer.h"
#include "index.h"
#include "quote.h"
#include "reader.h"
#include "status.h"
#include "walk.h"
#include "xapian-c.h"

enum { EXIT_SKIPPED = 1, EXIT_USAGE = 2, EXIT_CORPUS = 3, EXIT_INDEX = 4, EXIT_BUSY = 75 };

#define PARTS_PER_WORKER 100000

typedef struct run {
    ns_index *ix;
    ns_reader_opts ropts;
    int verbose;
    int json;
    /* counts */
    size_t files_seen, files_new, files_changed, files_deleted, files_skipped, files_same;
    size_t articles_new, articles_changed, articles_deleted;
    uint64_t bytes;
    size_t warnings;
    /* paths seen this run, sorted at the end for deletions */
    char **seen;
    size_t nseen, capseen;
    const char **roots;
    size_t nroots;
    size_t rootlen; /* length of the root being walked (for relative paths) */
    ns_status fatal;
    ns_error err;
    /* progress, shared with worker threads */
    atomic_ullong done_bytes;
    atomic_ullong done_articles;
    size_t batch; /* articles per part of a fresh build */
    uint64_t total_bytes;
    int progress; /* draw a progress bar on stderr (a terminal) */
    pthread_mutex_t warn_lock;
} run;

static void warn(void *ctx, const char *path, size_t line, const char *msg)
{
    run *r = ctx;
    pthread_mutex_lock(&r->warn_lock);
    r->warnings++;
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
    pthread_mutex_unlock(&r->warn_lock);
}

/* A file the reader refused: its message already names the file. */
static void open_failed(run *r, const char *path, const ns_error *err, ns_status st)
{
    pthread_mutex_lock(&r->warn_lock);
    r->warnings++;
    if (r->progress) fputs("\r\033[K", stderr);
    /* The message names the file first: quote the name, flatten the rest
     * (quote.h), so that no byte of a file name drives the terminal. */
    size_t pl = strlen(path);
    const char *rest = err->msg[0] ? err->msg : ns_status_str(st);
    if (err->msg[0] && strncmp(err->msg, path, pl) == 0)
        rest = err->msg + pl;
    else if (err->msg[0])
        pl = 0;
    ns_buf b = {0};
    if (pl || !err->msg[0]) ns_quote_path(path, strlen(path), &b);
    if (!err->msg[0]) ns_buf_str(&b, ": ");
    ns_quote_flat(rest, strlen(rest), &b);
    fprintf(stderr, "nsearch-index: %s\n", b.data ? b.data : "?");
    ns_buf_free(&b);
    pthread_mutex_unlock(&r->warn_lock);
}

/* One line on a terminal: articles, MB/s, ETA. Never in logs: only when
 * stderr is a terminal. */
static void draw_progress(run *r, double secs, int final)
{
    if (!r->progress) return;
    unsigned long long b = atomic_load(&r->done_bytes), a = atomic_load(&r->done_articles);
    double mbs = secs > 0 ? b / 1e6 / secs : 0;
    pthread_mutex_lock(&r->warn_lock);
    fprintf(stderr, "\r\033[K%llu articles  %.1f MB/s", a, mbs);
    if (r->total_bytes && b > 0 && b < r->total_bytes && mbs > 0) {
        double eta = (r->total_bytes - b) / 1e6 / mbs;
        fprintf(stderr, "  %3.0f%%  ETA %d:%02d", 100.0 * b / r->total_bytes, (int)eta / 60,
                (int)eta % 60);
    }
    if (final) fputs("\r\033[K", stderr);
    fflush(stderr);
    pthread_mutex_unlock(&r->warn_lock);
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void die_oom(void)
{
    fprintf(stderr, "nsearch-index: out of memory\n");
    exit(EXIT_INDEX);
}

static void remember(run *r, const char *path)
{
    if (r->nseen == r->capseen) {
        r->capseen = r->capseen ? r->capseen * 2 : 1024;
        r->seen = realloc(r->seen, r->capseen * sizeof *r->seen);
        if (!r->seen) die_oom();
    }
    if (!(r->seen[r->nseen++] = strdup(path))) die_oom();
}

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

/* Index every article of one file (whose old articles, if any, are gone). */
static ns_status index_file(run *r, const char *path, size_t *narticles, uint32_t *crc)
{
    ns_reader *rd = NULL;
    ns_error err = {0};
    ns_status st = ns_reader_open(path, &r->ropts, &rd, &err);
    if (st != NS_OK) {
        open_failed(r, path, &err, st);
        r->files_skipped++;
        return st == NS_ERR_NOMEM ? st : NS_DONE;
    }
    *narticles = 0;
    const ns_article *a;
    const char *rel = path + (strlen(path) > r->rootlen ? r->rootlen : 0);
    while ((st = ns_reader_next(rd, &a, &err)) == NS_OK) {
        if (!ns_index_keeps(r->ix, rel, a->id)) continue;
        if ((st = ns_index_add(r->ix, a, &r->err)) != NS_OK) {
            ns_reader_close(rd);
            return st;
        }
        (*narticles)++;
        atomic_fetch_add(&r->done_articles, 1);
    }
    if (st != NS_DONE) {
        warn(r, path, err.line, err.msg[0] ? err.msg : ns_status_str(st));
        r->files_skipped++;
    }
    *crc = ns_reader_crc32(rd);
    ns_reader_close(rd);
    return NS_OK;
}

/* CRC-32 of a whole file's raw bytes (as ns_reader_crc32 computes it). */
static int file_crc(run *r, const char *path, uint32_t *crc)
{
    (void)r;
    return ns_file_crc32(path, crc, NULL) == NS_OK ? 0 : -1;
}

static int visit(void *ctx, const char *path, const struct stat *sb)
{
    run *r = ctx;
    r->files_seen++;
    remember(r, path);
    ns_file_state old;
    int known = 0;
    if ((r->fatal = ns_index_file_get(r->ix, path, &old, &known, &r->err)) != NS_OK) return 1;
    ns_file_state now = {(uint64_t)sb->st_size, mtime_ns(sb), 0, 0};
    if (known && old.size == now.size && old.mtime_ns == now.mtime_ns) {
        r->files_same++;
        return 0; /* unchanged: not even opened */
    }
    if (known && old.size == now.size) {
        /* Touched but maybe identical: compare content checksums. */
        uint32_t crc;
        if (file_crc(r, path, &crc) == 0 && crc == old.crc) {
            now.crc = crc;
            now.articles = old.articles;
            r->files_same++;
            r->fatal = ns_index_file_set(r->ix, path, &now, &r->err);
            return r->fatal != NS_OK;
        }
    }
    /* A known file's old articles go; so do articles of a file without
     * bookkeeping (left by an older nsearch killed mid-file), which would
     * otherwise be there twice. */
    if ((r->fatal = ns_index_file_remove(r->ix, path, &r->err)) != NS_OK) return 1;
    size_t n = 0;
    uint32_t crc = 0;
    ns_status st = index_file(r, path, &n, &crc);
    if (st == NS_DONE) {
        return 0; /* skipped with a warning; nothing recorded, retried next run */
    }
    if (st != NS_OK) {
        r->fatal = st;
        return 1;
    }
    r->bytes += (uint64_t)sb->st_size;
    atomic_fetch_add(&r->done_bytes, (unsigned long long)sb->st_size);
    now.crc = crc;
    now.articles = (uint32_t)n;
    if (known) {
        r->files_changed++;
        r->articles_changed += n;
        r->articles_deleted += old.articles > n ? old.articles - n : 0;
    } else {
        r->files_new++;
        r->articles_new += n;
    }
    r->fatal = ns_index_file_set(r->ix, path, &now, &r->err);
    return r->fatal != NS_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int under_root(const run *r, const char *path)
{
    for (size_t i = 0; i < r->nroots; i++) {
        size_t n = strlen(r->roots[i]);
        if (strncmp(path, r->roots[i], n) == 0 && (path[n] == '/' || path[n] == '\0')) return 1;
    }
    return 0;
}

typedef struct gone {
    run *r;
    char **paths;
    size_t n, cap;
} gone;

static int check_gone(void *ctx, const char *path)
{
    gone *g = ctx;
    run *r = g->r;
    const char *key = path;
    int seen = bsearch(&key, r->seen, r->nseen, sizeof *r->seen, cmp_str) != NULL;
    struct stat sb;
    if (seen || (!under_root(r, path) && stat(path, &sb) == 0)) return 0;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->paths = realloc(g->paths, g->cap * sizeof *g->paths);
        if (!g->paths) die_oom();
    }
    if (!(g->paths[g->n++] = strdup(path))) die_oom();
    return 0;
}

static ns_status remove_gone(run *r)
{
    qsort(r->seen, r->nseen, sizeof *r->seen, cmp_str);
    gone g = {r, NULL, 0, 0};
    ns_status st = ns_index_files(r->ix, check_gone, &g, &r->err);
    for (size_t i = 0; i < g.n; i++) {
        if (st == NS_OK) {
            ns_file_state old;
            int known = 0;
            st = ns_index_file_get(r->ix, g.paths[i], &old, &known, &r->err);
            if (st == NS_OK) st = ns_index_file_remove(r->ix, g.paths[i], &r->err);
            if (st == NS_OK) {
                r->files_deleted++;
                r->articles_deleted += known ? old.articles : 0;
            }
        }
        free(g.paths[i]);
    }
    free(g.paths);
    return st;
}

/* ---------------------------------------------------- parallel builds */

typedef struct job_file {
    char *path;
    size_t rootlen;
    uint64_t size;
    int64_t mtime_ns;
    uint32_t crc;
    uint32_t articles;
    int ok; /* read to the end (maybe with warnings) */
} job_file;

typedef struct job_list {
    job_file *v;
    size_t n, cap;
    size_t rootlen; /* of the root being walked */
} job_list;

static int collect(void *ctx, const char *path, const struct stat *sb)
{
    job_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v) die_oom();
    }
    job_file *f = &l->v[l->n++];
    memset(f, 0, sizeof *f);
    if (!(f->path = strdup(path))) die_oom();
    f->rootlen = l->rootlen;
    f->size = (uint64_t)sb->st_size;
    f->mtime_ns = mtime_ns(sb);
    return 0;
}

typedef struct worker {
    run *r;
    job_list *files;
    size_t from, to; /* the slice [from, to) of files */
    unsigned k;
    ns_status st;
    ns_error err;
    atomic_int finished;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    run *r = w->r;
    /* Parts are bounded: every `batch` articles the worker closes its part
     * (written out in one go) and starts the next. Small fresh B-trees are
     * cheap to write; the merge at the end is one streaming pass. Numbers
     * k * PARTS_PER_WORKER + seq keep the merge in file order. */
    ns_index_part *part = NULL;
    unsigned seq = 0;
    size_t in_part = 0;
    w->st = ns_index_part_open(r->ix, w->k * PARTS_PER_WORKER + seq, &part, &w->err);
    for (size_t i = w->from; w->st == NS_OK && i < w->to; i++) {
        job_file *f = &w->files->v[i];
        ns_reader *rd = NULL;
        ns_error err = {0};
        ns_status st = ns_reader_open(f->path, &r->ropts, &rd, &err);
        if (st != NS_OK) {
            open_failed(r, f->path, &err, st);
            atomic_fetch_add(&r->done_bytes, f->size);
            continue;
        }
        const ns_article *a;
        const char *rel = f->path + (strlen(f->path) > f->rootlen ? f->rootlen : 0);
        while ((st = ns_reader_next(rd, &a, &err)) == NS_OK) {
            if (!ns_index_keeps(r->ix, rel, a->id)) continue;
            if (in_part == r->batch && seq + 1 < PARTS_PER_WORKER) {
                w->st = ns_index_part_close(part, &w->err);
                part = NULL;
                if (w->st == NS_OK)
                    w->st =
                        ns_index_part_open(r->ix, w->k * PARTS_PER_WORKER + ++seq, &part, &w->err);
                if (w->st != NS_OK) break;
                in_part = 0;
            }
            if ((w->st = ns_index_part_add(part, a, &w->err)) != NS_OK) break;
            in_part++;
            f->articles++;
            atomic_fetch_add(&r->done_articles, 1);
        }
        if (w->st == NS_OK && st != NS_DONE) {
            warn(r, f->path, err.line, err.msg[0] ? err.msg : ns_status_str(st));
        }
        f->ok = w->st == NS_OK && st == NS_DONE;
        f->crc = ns_reader_crc32(rd);
        ns_reader_close(rd);
        atomic_fetch_add(&r->done_bytes, f->size);
    }
    ns_status cst = ns_index_part_close(part, w->st == NS_OK ? &w->err : NULL);
    if (w->st == NS_OK) w->st = cst;
    atomic_store(&w->finished, 1);
    return NULL;
}

/* A fresh build: worker k indexes the k-th slice of the sorted file list
 * (slices balanced by bytes) into its own part; the parts are merged in
 * order when the index closes. */
static ns_status build_parallel(run *r, job_list *files, unsigned jobs, const struct timespec *t0)
{
    uint64_t total = 0;
    for (size_t i = 0; i < files->n; i++)
        total += files->v[i].size;
    r->total_bytes = total;
    if (jobs > files->n) jobs = files->n ? (unsigned)files->n : 1;
    worker *w = calloc(jobs, sizeof *w);
    pthread_t *th = calloc(jobs, sizeof *th);
    if (!w || !th) die_oom();
    size_t at = 0;
    uint64_t acc = 0;
    for (unsigned k = 0; k < jobs; k++) {
        w[k].r = r;
        w[k].files = files;
        w[k].k = k;
        w[k].from = at;
        /* A file goes to the worker whose share holds its middle byte: with a
         * few large files (JSON Lines dumps) each worker still gets some. */
        uint64_t goal = total / jobs * (k + 1);
        while (at < files->n && (k == jobs - 1 || acc + files->v[at].size / 2 < goal))
            acc += files->v[at++].size;
        w[k].to = at;
    }
    size_t started = 0;
    for (unsigned k = 0; k < jobs; k++) {
        if (pthread_create(&th[k], NULL, work, &w[k]) != 0) {
            w[k].st = ns_error_set(&w[k].err, NS_ERR_NOMEM, "cannot start a thread");
            atomic_store(&w[k].finished, 1);
            break;
        }
        started++;
    }
    for (;;) {
        int all = 1;
        for (size_t k = 0; k < started; k++)
            all = all && atomic_load(&w[k].finished);
        if (all) break;
        draw_progress(r, elapsed(t0), 0);
        struct timespec nap = {0, 200 * 1000000L};
        nanosleep(&nap, NULL);
    }
    for (size_t k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    draw_progress(r, elapsed(t0), 1);
    ns_status st = NS_OK;
    for (unsigned k = 0; k < jobs && st == NS_OK; k++) {
        if (w[k].st != NS_OK) {
            st = w[k].st;
            r->err = w[k].err;
        }
    }
    /* Bookkeeping of every file read to the end, in file order. */
    for (size_t i = 0; st == NS_OK && i < files->n; i++) {
        job_file *f = &files->v[i];
        if (!f->ok) {
            r->files_skipped++;
            continue;
        }
        r->files_new++;
        r->articles_new += f->articles;
        r->bytes += f->size;
        ns_file_state fs = {f->size, f->mtime_ns, f->crc, f->articles};
        st = ns_index_file_set(r->ix, f->path, &fs, &r->err);
    }
    free(w);
    free(th);
    return st;
}

/* ------------------------------------------------------ stats, check */

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

static int print_stats(const char *db, int json)
{
    ns_index_info in;
    ns_error err = {0};
    if (ns_index_info_get(db, &in, &err) != NS_OK) {
        fprintf(stderr, "nsearch-index: %s\n", err.msg);
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
    printf("index       %s\n", db);
    printf("schema      %u (generation %u)\n", in.schema, in.generation);
    printf("language    %s\n", in.lang);
    printf("articles    %u\n", in.articles);
    printf("files       %u\n", in.files);
    printf("terms       %u\n", in.terms);
    printf("avg length  %.1f terms\n", in.avg_length);
    printf("disk        %.1f MB\n", in.disk_bytes / 1e6);
    for (char *p = in.roots, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl) nl = p + strlen(p) - 1;
        printf("corpus      %.*s\n", (int)(nl - p), p);
    }
    return 0;
}

static void report_problem(void *ctx, const char *msg)
{
    fprintf(stderr, "nsearch-index: %s: %s\n", (const char *)ctx, msg);
}

static int run_check(const char *db)
{
    size_t problems = 0;
    ns_error err = {0};
    if (ns_index_verify(db, report_problem, (void *)db, &problems, &err) != NS_OK) {
        fprintf(stderr, "nsearch-index: %s\n", err.msg);
        return EXIT_INDEX;
    }
    if (problems) {
        fprintf(stderr,
                "nsearch-index: %s: %zu problem%s found; rebuild with nsearch-index --rebuild\n",
                db, problems, problems == 1 ? "" : "s");
        return EXIT_INDEX;
    }
    return 0;
}

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
               "  -j, --jobs N         worker threads for a fresh build (default: all cores)\n"
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

/* The index this run writes, for the fatal handler. */
static const char *fatal_db = "the index";

/* libxapian gave up inside a commit (xc_set_fatal_handler): nothing of the
 * run was committed, so say so and exit as any write failure does. */
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

/* Standard output must have reached its destination (a full disk, a closed
 * file): a report nobody got is a failure. */
static int finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "nsearch-index: standard output: %s\n", strerror(errno ? errno : EIO));
        return EXIT_INDEX;
    }
    return 0;
}

/* The absolute form of a corpus folder as the user wrote it: relative to
 * the shell's $PWD (when it names the working folder), with "." and ".."
 * taken away by name, and symlinks kept, so that results show the path the
 * user typed (~/news, not the disk it links to). NULL with errno set when
 * it is not a folder. */
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

int main(int argc, char **argv)
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
    const char *db = NULL, *lang = NULL;
    char *dbpath = NULL, **roots = NULL;
    size_t nroots = 0;
    int rc = 0;
    run r = {0};
    const char **excludes = calloc((size_t)argc + 1, sizeof *excludes);
    size_t nexcludes = 0;
    double wait_s = 5;
    uint64_t max_size = 1ULL << 30;
    int rebuild = 0, verbose = 0, json = 0, stats = 0, check = 0, follow = 0, c;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    long batch = 2000;
    unsigned shard_n = 0, shard_k = 0;
    if (!excludes) die_oom();
    opterr = 0; /* our own message, "nsearch-index: ...", not argv[0]'s */
    while ((c = getopt_long(argc, argv, "vhVj:", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': db = optarg; break;
        case 'l': lang = optarg; break;
        case 'r': rebuild = 1; break;
        case 'F': follow = 1; break;
        case 'x': excludes[nexcludes++] = optarg; break;
        case 'm':
            max_size = strtoull(optarg, &end, 10);
            if (*end || end == optarg) {
                fprintf(stderr, "nsearch-index: --max-file-size: not a number: %s\n", optarg);
                {
                    rc = EXIT_USAGE;
                    goto out;
                }
            }
            break;
        case 'w':
            wait_s = strtod(optarg, &end);
            if (*end || end == optarg || wait_s < 0) {
                fprintf(stderr, "nsearch-index: --wait: not a number of seconds: %s\n", optarg);
                {
                    rc = EXIT_USAGE;
                    goto out;
                }
            }
            break;
        case 'v': verbose = 1; break;
        case 'J': json = 1; break;
        case 'S': stats = 1; break;
        case 'H':
            if (sscanf(optarg, "%u/%u", &shard_n, &shard_k) != 2 || shard_k < 1 || shard_k > 1024 ||
                shard_n < 1 || shard_n > shard_k) {
                fprintf(stderr, "nsearch-index: --shard-of: N/K with 1 <= N <= K, not %s\n",
                        optarg);
                {
                    rc = EXIT_USAGE;
                    goto out;
                }
            }
            break;
        case 'B':
            batch = strtol(optarg, &end, 10);
            if (*end || end == optarg || batch < 10 || batch > 1000000) {
                fprintf(stderr, "nsearch-index: --batch: a number from 10 to 1000000, not %s\n",
                        optarg);
                {
                    rc = EXIT_USAGE;
                    goto out;
                }
            }
            break;
        case 'K': check = 1; break;
        case 'j':
            jobs = strtol(optarg, &end, 10);
            if (*end || end == optarg || jobs < 1 || jobs > 256) {
                fprintf(stderr, "nsearch-index: --jobs: a number from 1 to 256, not %s\n", optarg);
                {
                    rc = EXIT_USAGE;
                    goto out;
                }
            }
            break;
        case 'h': usage(stdout); goto out;
        case 'V': printf("nsearch-index %s (xapian %s)\n", NS_VERSION, xc_version()); goto out;
        default: /* two lines, as ripgrep */
            if (optopt)
                fprintf(stderr, "nsearch-index: invalid option -- '%c'\n", optopt);
            else
                fprintf(stderr, "nsearch-index: unknown option, or one missing its value: %s\n",
                        argv[optind - 1]);
            fprintf(stderr, "Try 'nsearch-index --help' for more information.\n");
            rc = EXIT_USAGE;
            goto out;
        }
    }
    /* The index nsearch reads: --db, $NSEARCH_DB, the config file's db or
     * the default (the file is not read when --db says). */
    if (db) {
        dbpath = strdup(db);
    } else {
        ns_config cfg;
        if (ns_config_read(&cfg)) {
            fprintf(stderr, "nsearch-index: out of memory\n");
            rc = EXIT_INDEX;
            goto out;
        }
        dbpath = ns_config_index_path(NULL, &cfg);
        ns_config_free(&cfg);
    }
    if (!dbpath) {
        fprintf(stderr, "nsearch-index: no index location: set --db, NSEARCH_DB or HOME\n");
        {
            rc = EXIT_USAGE;
            goto out;
        }
    }

    if (stats || check) {
        rc = stats ? print_stats(dbpath, json) : run_check(dbpath);
        if (stats && rc == 0) rc = finish_stdout();
        goto out;
    }
    if (lang) {
        /* A usage error, found before anything is created. */
        ns_analyzer *an = NULL;
        ns_error lerr = {0};
        if (ns_analyzer_new(lang, &an, &lerr) != NS_OK) {
            fprintf(stderr, "nsearch-index: --lang: %s\n", lerr.msg);
            rc = EXIT_USAGE;
            goto out;
        }
        ns_analyzer_free(an);
    }

    pthread_mutex_init(&r.warn_lock, NULL);
    r.verbose = verbose;
    r.json = json;
    r.progress = isatty(2) && !getenv("NSEARCH_NO_PROGRESS");
    if (jobs < 1) jobs = 1;
    r.ropts.max_file_bytes = max_size;
    r.batch = (size_t)batch;
    r.ropts.warn = warn;
    r.ropts.warn_ctx = &r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    /* Resolve the corpus roots before touching the index. */
    nroots = (size_t)(argc - optind);
    roots = calloc(nroots + 1, sizeof *roots);
    if (!roots) die_oom();
    for (size_t i = 0; i < nroots; i++) {
        const char *arg = argv[optind + (int)i];
        roots[i] = abs_path(arg);
        if (!roots[i]) {
            fprintf(stderr, "nsearch-index: %s: %s\n", arg, strerror(errno));
            {
                rc = EXIT_CORPUS;
                goto out;
            }
        }
    }

    /* Memory bound: each worker of a fresh build buffers at most `batch`
     * articles before writing them out (a part of `batch` is one flush). */
    ns_index_opts io = {
        lang,    (unsigned)(wait_s * 1000), rebuild, getenv("NSEARCH_NO_SYNC") != NULL, shard_n,
        shard_k, (unsigned)batch + 1};
    ns_error err = {0};
    fatal_db = dbpath;
    xc_set_fatal_handler(on_fatal);
    ns_status st = ns_index_open(dbpath, &io, &r.ix, &err);
    if (st != NS_OK) {
        fprintf(stderr, "nsearch-index: %s\n", err.msg);
        {
            rc = index_exit(st);
            goto out;
        }
    }
    if (nroots == 0) {
        /* No folders given: the ones this index was built from. */
        free(roots);
        st = ns_index_roots_get(r.ix, &roots, &nroots, &err);
        if (st != NS_OK) {
            fprintf(stderr, "nsearch-index: %s\n", err.msg);
            ns_index_abort(r.ix);
            {
                rc = EXIT_INDEX;
                goto out;
            }
        }
        if (nroots == 0) {
            fprintf(stderr,
                    "nsearch-index: no corpus folder given and none recorded in %s\n"
                    "usage: nsearch-index [OPTIONS] CORPUS_DIR...\n",
                    dbpath);
            ns_index_abort(r.ix);
            {
                rc = EXIT_USAGE;
                goto out;
            }
        }
    } else if ((st = ns_index_roots_set(r.ix, (const char *const *)roots, nroots, &err)) != NS_OK) {
        fprintf(stderr, "nsearch-index: %s\n", err.msg);
        ns_index_abort(r.ix);
        {
            rc = EXIT_INDEX;
            goto out;
        }
    }
    r.roots = (const char **)roots;
    r.nroots = nroots;

    ns_walk_opts wo = {excludes, nexcludes, 0, warn, &r, follow};
    int corpus_bad = 0;
    int building = ns_index_building(r.ix);
    job_list files = {0};
    for (size_t i = 0; i < nroots && r.fatal == NS_OK; i++) {
        ns_error werr = {0};
        /* Paths relative to the root (past its '/') pick an article's shard. */
        r.rootlen = files.rootlen = strlen(roots[i]) + 1;
        st = building ? ns_walk(roots[i], &wo, collect, &files, &werr)
                      : ns_walk(roots[i], &wo, visit, &r, &werr);
        if (r.fatal != NS_OK) break;
        if (st != NS_OK) {
            fprintf(stderr, "nsearch-index: %s\n", werr.msg[0] ? werr.msg : ns_status_str(st));
            corpus_bad = 1;
        }
    }
    if (building && r.fatal == NS_OK && !corpus_bad) {
        r.files_seen = files.n;
        r.fatal = build_parallel(&r, &files, (unsigned)jobs, &t0);
    } else if (r.fatal == NS_OK && !corpus_bad) {
        draw_progress(&r, elapsed(&t0), 1);
        r.fatal = remove_gone(&r);
    }
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i].path);
    free(files.v);
    if (r.fatal != NS_OK) {
        fprintf(stderr, "nsearch-index: %s\n", r.err.msg[0] ? r.err.msg : ns_status_str(r.fatal));
        ns_index_abort(r.ix);
        {
            rc = index_exit(r.fatal);
            goto out;
        }
    }
    st = ns_index_close(r.ix, &err);
    if (st != NS_OK) {
        fprintf(stderr, "nsearch-index: %s\n", err.msg);
        {
            rc = index_exit(st);
            goto out;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (verbose) {
        fprintf(stderr, "indexed %zu new, %zu changed, %zu deleted articles in %.1f s\n",
                r.articles_new, r.articles_changed, r.articles_deleted, secs);
    }
    if (json) {
        printf("{\"version\":1,\"index\":");
        json_str(dbpath);
        printf(",\"seconds\":%.3f,\"bytes\":%llu,"
               "\"files\":{\"seen\":%zu,\"new\":%zu,\"changed\":%zu,\"deleted\":%zu,"
               "\"unchanged\":%zu,\"skipped\":%zu},"
               "\"articles\":{\"new\":%zu,\"changed\":%zu,\"deleted\":%zu},"
               "\"warnings\":%zu,\"rebuilt\":%s}\n",
               secs, (unsigned long long)r.bytes, r.files_seen, r.files_new, r.files_changed,
               r.files_deleted, r.files_same, r.files_skipped, r.articles_new, r.articles_changed,
               r.articles_deleted, r.warnings, building ? "true" : "false");
    }
    rc = corpus_bad ? EXIT_CORPUS : r.warnings ? EXIT_SKIPPED : 0;
    if (json && finish_stdout() != 0) rc = EXIT_INDEX;
out:
    for (size_t i = 0; i < r.nseen; i++)
        free(r.seen[i]);
    free(r.seen);
    for (size_t i = 0; roots && i < nroots; i++)
        free(roots[i]);
    free(roots);
    free(excludes);
    free(dbpath);
    return rc;
}
