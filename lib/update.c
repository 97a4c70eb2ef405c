/* update.c: bringing an index in line with its corpus folders (update.h).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The update, step by step
 * ------------------------
 * ns_update_run gets an index open for writing and the corpus folders it is
 * made from. Nothing it does is visible to readers before step 5, and a
 * failure at any step aborts the run, leaving the index as the previous run
 * left it (index.h: an incremental run is one transaction; a fresh build
 * writes a new generation beside the live one).
 *
 * 1. Walk each corpus folder (ns_walk: every corpus file, in sorted order,
 *    with its stat). A folder that can't be walked is reported and counted,
 *    and the others are still walked; step 4 is then left out. Below it,
 *    what can't be read is a warning, and remembered for step 4.
 *
 * 2. Compare each file the walk yields with what the index knows of it (its
 *    bookkeeping: size, mtime, CRC-32 of its bytes, articles):
 *    a. Unknown: new, read in step 3.
 *    b. Same size and mtime: unchanged. It is not even opened.
 *    c. Same size, another mtime (a touch, a copy that kept the bytes): the
 *       CRC-32 of its bytes decides. Equal: unchanged, and the new mtime is
 *       recorded in step 3, so the next run doesn't read it again.
 *    d. Anything else: changed, read in step 3.
 *    The path is remembered for step 4, and the bytes to read and of the
 *    files that stay are counted for step 3.
 *
 * 3. Read each new or changed file into the index, one of two ways:
 *    - In place (write_in_place), one file after the other into the live
 *      generation, inside the run's transaction: first its old articles go,
 *      also those of a file without bookkeeping (left by an older nsearch
 *      killed mid-file), which would otherwise be there twice; then every
 *      article the reader gives that belongs in this index (ns_index_keeps:
 *      the shard) is added (ingest(), the one way a file's articles get
 *      in); then, if the reader got to the end of the file, the new
 *      bookkeeping is recorded, after the last article, so that a run
 *      killed in between redoes the file.
 *    - Grown by a merge (grow(), when much is read: wants_merge), as a
 *      fresh build reads: the worker threads ingest() the files into parts,
 *      which Xapian's compaction merges after the live generation into a
 *      new one (ns_index_grow_merge); there each file read loses the
 *      articles it had in the live generation and gets its bookkeeping.
 *      The live generation is never written to.
 *    A file the reader refuses, or that fails part-way (an I/O error), is
 *    skipped with a warning: nothing is recorded for it and the next run
 *    tries it again. One that can't be read keeps its old articles (they go
 *    only once the file opens); one refused for what it holds (binary, too
 *    large) loses them; of one that fails part-way what was added stays
 *    until then (and is removed then).
 *
 * 4. Delete the files that vanished: every file the index knows and the walk
 *    did not yield, when it lies under a folder walked in step 1 or under a
 *    name the corpus dropped (opts.dropped), or lies elsewhere (a folder
 *    recorded by an earlier run but not given to this one) and is no longer
 *    on disk. Not those at or under what the walk could not look into (a
 *    folder it can't read or enter, an entry it can't stat:
 *    ns_walk_opts.unread), which may well be there: they keep their
 *    articles, as a skipped file does. Left out when a corpus folder could
 *    not be walked: its files would all look vanished.
 *
 * 5. Commit (ns_index_close): readers see the whole run at once (the
 *    transaction's commit, or the switch to the merged generation).
 *
 * A fresh build (the first, or --rebuild) has nothing to compare, so steps 2
 * to 4 become build(): step 1 collects the files, sample() reads a few
 * articles from files spread over the list for the index to learn its
 * common words from, worker threads read slices of that list into parts of
 * the index (ingest() again) and the
 * bookkeeping is recorded in file order at the end. When a folder could not
 * be walked, the build commits nothing: the new index would lack its files.
 *
 * The library never prints: warnings, refused files, folders that could not
 * be walked and progress go to the caller's callbacks, which this file calls
 * one at a time under u->lock (workers call them too).
 */
#include "update.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "walk.h"

/* A worker's parts are numbered k * PARTS_PER_WORKER + seq (index.h: merged
 * in number order, so in file order). */
#define PARTS_PER_WORKER 100000
#define DEFAULT_BATCH    2000

/* What ingest() made of one file. */
typedef struct ingested {
    size_t articles; /* added */
    uint32_t crc;    /* of the bytes read */
    int opened;      /* the reader opened it: its old articles went (else
                      * they stay, with its old bookkeeping) */
    int whole;       /* read to the end: record it. Else it was skipped */
} ingested;

/* A file to read (step 3), or one whose bookkeeping alone changes (2c). */
typedef struct job {
    char *path;
    size_t rootlen;
    uint64_t size;
    int64_t mtime_ns;
    int known;         /* an incremental run: the index knew the file ... */
    ns_file_state old; /* ... like this (2c: what to record) */
    ingested in;
} job;

typedef struct job_list {
    job *v;
    size_t n, cap;
    size_t rootlen; /* of the folder being walked */
    int nomem;
} job_list;

typedef struct update {
    ns_index *ix;
    const ns_update_opts *o;
    ns_update_stats *stats;
    ns_error *err;
    ns_status fatal; /* of the walk callbacks, which can only stop the walk */
    ns_reader_opts ropts;
    size_t rootlen; /* of the folder being walked, with its '/' */
    size_t batch;
    /* Step 2's paths, sorted for step 4. */
    char **seen;
    size_t nseen, capseen;
    /* What the walk could not look into (ns_walk_opts.unread): the files
     * at or under these paths keep their articles in step 4. */
    char **unread;
    size_t nunread, capunread;
    /* Step 2's verdicts: the files to read (in walk order), those only
     * touched, and the bytes of both kinds (to choose how to write). */
    job_list files, touched;
    uint64_t read_bytes, kept_bytes;
    /* Progress, counted by every thread. */
    atomic_ullong done_bytes;
    atomic_ullong done_articles;
    uint64_t total_bytes;
    pthread_mutex_t lock; /* the callbacks, one at a time; stats->warnings */
} update;

/* ------------------------------------------------------------ callbacks */

static void on_warn(void *ctx, const char *path, size_t line, const char *msg)
{
    update *u = ctx;
    pthread_mutex_lock(&u->lock);
    u->stats->warnings++;
    if (u->o->warn) u->o->warn(u->o->ctx, path, line, msg);
    pthread_mutex_unlock(&u->lock);
}

static void on_refused(update *u, const char *path, ns_status st, const ns_error *err)
{
    pthread_mutex_lock(&u->lock);
    u->stats->warnings++;
    if (u->o->refused) u->o->refused(u->o->ctx, path, st, err);
    pthread_mutex_unlock(&u->lock);
}

static void on_root_failed(update *u, const char *root, ns_status st, const ns_error *err)
{
    pthread_mutex_lock(&u->lock);
    u->stats->roots_failed++;
    if (u->o->root_failed) u->o->root_failed(u->o->ctx, root, st, err);
    pthread_mutex_unlock(&u->lock);
}

static void on_progress(update *u, int final)
{
    if (!u->o->progress) return;
    ns_update_progress p = {atomic_load(&u->done_bytes), u->total_bytes,
                            atomic_load(&u->done_articles), final};
    pthread_mutex_lock(&u->lock);
    u->o->progress(u->o->ctx, &p);
    pthread_mutex_unlock(&u->lock);
}

static ns_status nomem(ns_error *err)
{
    return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
}

/* ns_walk_opts.unread: remembered for step 4 (on the calling thread). */
static void on_unread(void *ctx, const char *path)
{
    update *u = ctx;
    if (u->fatal != NS_OK) return;
    if (u->nunread == u->capunread) {
        size_t cap = u->capunread ? u->capunread * 2 : 16;
        char **v = realloc(u->unread, cap * sizeof *v);
        if (!v) {
            u->fatal = nomem(u->err);
            return;
        }
        u->unread = v;
        u->capunread = cap;
    }
    if (!(u->unread[u->nunread] = strdup(path))) {
        u->fatal = nomem(u->err);
        return;
    }
    u->nunread++;
}

/* --------------------------------------------------------------- ingest */

/* Where ingest() puts a file's articles: straight into the index (an
 * incremental run), or into a worker's parts (a fresh build). */
typedef struct belt belt;
typedef struct sink {
    ns_index *ix;
    int replace;         /* 1: a file's old articles go once it opens */
    size_t file;         /* with `to`: the file's number in u->files */
    int parts;           /* 1: into parts */
    ns_index_part *part; /* the open part */
    unsigned k, seq;     /* it is number k * PARTS_PER_WORKER + seq */
    size_t in_part, batch;
    belt *to; /* else, when set: built here, added by the writer (write_in_place) */
} sink;

static ns_status belt_doc(belt *p, const ns_article *a, ns_error *err);
static ns_status belt_start(belt *p, size_t file);

/* A file opened: in place, its old articles go now (directly, or by the
 * writer when a belt takes the articles). Not before: a file that can't be
 * opened keeps them. */
static ns_status sink_start(sink *s, const char *path, ns_error *err)
{
    if (s->to) return belt_start(s->to, s->file);
    return s->replace ? ns_index_file_remove(s->ix, path, err) : NS_OK;
}

static ns_status sink_add(sink *s, const ns_article *a, ns_error *err)
{
    if (s->to) return belt_doc(s->to, a, err);
    if (!s->parts) return ns_index_add(s->ix, a, err);
    /* Parts are bounded: every `batch` articles the worker closes its part
     * (written out in one go) and starts the next. Small fresh B-trees are
     * cheap to write; the merge at the end is one streaming pass. */
    if (s->in_part == s->batch && s->seq + 1 < PARTS_PER_WORKER) {
        ns_status st = ns_index_part_close(s->part, err);
        s->part = NULL;
        if (st == NS_OK)
            st = ns_index_part_open(s->ix, s->k * PARTS_PER_WORKER + ++s->seq, &s->part, err);
        if (st != NS_OK) return st;
        s->in_part = 0;
    }
    ns_status st = ns_index_part_add(s->part, a, err);
    if (st == NS_OK) s->in_part++;
    return st;
}

/* Step 3 for one file, in both kinds of run: read the articles of `path`
 * (of `size` bytes; its first `rootlen` bytes name its corpus folder), keep
 * those of this shard, add them to `s` (once it is open: sink_start). A
 * file the reader refuses or that fails part-way is reported (on_refused,
 * on_warn) and comes back with whole 0: one that can't be opened keeps
 * what it had in the index (opened 0), one refused for what it holds loses
 * it (opened 1), and of one that failed part-way what was added
 * stays until the next run redoes it. NS_OK then too: only out of memory
 * and a failure to write the index stop the run. */
static ns_status ingest(update *u, const char *path, size_t rootlen, uint64_t size, sink *s,
                        ingested *out, ns_error *err)
{
    memset(out, 0, sizeof *out);
    ns_reader *rd = NULL;
    ns_error rerr = {0};
    ns_status st = ns_reader_open(path, &u->ropts, &rd, &rerr);
    if (st == NS_ERR_NOMEM) return nomem(err);
    if (st != NS_OK) {
        on_refused(u, path, st, &rerr);
        atomic_fetch_add(&u->done_bytes, size);
        /* Refused for what it now holds (binary, not a regular file, too
         * large: NS_ERR_FORMAT), its old articles are stale and go; one
         * that could not be read (NS_ERR_IO, gone since the walk) keeps
         * them until it reads. */
        if (st != NS_ERR_FORMAT) return NS_OK;
        out->opened = 1;
        return sink_start(s, path, err);
    }
    out->opened = 1;
    ns_status fatal = sink_start(s, path, err);
    if (fatal != NS_OK) {
        ns_reader_close(rd);
        return fatal;
    }
    /* The path relative to its folder picks an article's shard, so every
     * machine computes the same. */
    const char *rel = path + (strlen(path) > rootlen ? rootlen : 0);
    const ns_article *a;
    while ((st = ns_reader_next(rd, &a, &rerr)) == NS_OK) {
        if (!ns_index_keeps(u->ix, rel, a->id)) continue;
        if ((fatal = sink_add(s, a, err)) != NS_OK) break;
        out->articles++;
        atomic_fetch_add(&u->done_articles, 1);
    }
    if (fatal == NS_OK && st == NS_ERR_NOMEM) {
        fatal = nomem(err);
    } else if (fatal == NS_OK && st != NS_DONE) {
        on_warn(u, path, rerr.line, rerr.msg[0] ? rerr.msg : ns_status_str(st));
    }
    out->whole = fatal == NS_OK && st == NS_DONE;
    out->crc = ns_reader_crc32(rd);
    ns_reader_close(rd);
    atomic_fetch_add(&u->done_bytes, size);
    return fatal;
}

/* ---------------------------------------------------- incremental runs */

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

static int remember(update *u, const char *path)
{
    if (u->nseen == u->capseen) {
        size_t cap = u->capseen ? u->capseen * 2 : 1024;
        char **v = realloc(u->seen, cap * sizeof *v);
        if (!v) return -1;
        u->seen = v;
        u->capseen = cap;
    }
    if (!(u->seen[u->nseen] = strdup(path))) return -1;
    u->nseen++;
    return 0;
}

/* Append a file to l (its root: l->rootlen). NULL when out of memory (and
 * l->nomem set). */
static job *job_add(job_list *l, const char *path, const struct stat *sb)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        job *v = realloc(l->v, cap * sizeof *v);
        if (!v) return l->nomem = 1, NULL;
        l->v = v;
        l->cap = cap;
    }
    job *f = &l->v[l->n];
    memset(f, 0, sizeof *f);
    if (!(f->path = strdup(path))) return l->nomem = 1, NULL;
    l->n++;
    f->rootlen = l->rootlen;
    f->size = (uint64_t)sb->st_size;
    f->mtime_ns = mtime_ns(sb);
    return f;
}

static void job_list_free(job_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
}

/* Step 2 for one file the walk yields (ns_walk_fn): non-zero stops the
 * walk, with u->fatal set. */
static int visit(void *ctx, const char *path, const struct stat *sb)
{
    update *u = ctx;
    ns_update_stats *s = u->stats;
    s->files_seen++;
    if (remember(u, path) != 0) {
        u->fatal = nomem(u->err);
        return 1;
    }
    ns_file_state old;
    int known = 0;
    if ((u->fatal = ns_index_file_get(u->ix, path, &old, &known, u->err)) != NS_OK) return 1;
    uint64_t size = (uint64_t)sb->st_size;
    /* 2b: unchanged. */
    if (known && old.size == size && old.mtime_ns == mtime_ns(sb)) {
        s->files_unchanged++;
        u->kept_bytes += size;
        return 0;
    }
    /* 2c: touched but maybe the same bytes. */
    uint32_t crc;
    if (known && old.size == size && ns_file_crc32(path, &crc, NULL) == NS_OK && crc == old.crc) {
        s->files_unchanged++;
        u->kept_bytes += size;
        job *f = job_add(&u->touched, path, sb);
        if (!f) u->fatal = nomem(u->err);
        if (f) f->old = (ns_file_state){size, f->mtime_ns, crc, old.articles};
        return f == NULL;
    }
    /* 2a, 2d: to read. */
    job *f = job_add(&u->files, path, sb);
    if (!f) {
        u->fatal = nomem(u->err);
        return 1;
    }
    f->known = known;
    f->old = old;
    u->read_bytes += size;
    return 0;
}

/* The end of step 3 for one file read (both kinds of run): count it, and
 * record its bookkeeping if it was read to the end. */
static ns_status record(update *u, const job *f)
{
    ns_update_stats *s = u->stats;
    if (!f->in.whole) {
        s->files_skipped++;
        s->articles_deleted += f->known && f->in.opened ? f->old.articles : 0;
        return NS_OK;
    }
    s->bytes += f->size;
    if (f->known) {
        s->files_changed++;
        s->articles_changed += f->in.articles;
        s->articles_deleted +=
            f->old.articles > f->in.articles ? f->old.articles - f->in.articles : 0;
    } else {
        s->files_new++;
        s->articles_new += f->in.articles;
    }
    ns_file_state now = {f->size, f->mtime_ns, f->in.crc, (uint32_t)f->in.articles};
    return ns_index_file_set(u->ix, f->path, &now, u->err);
}

/* 2c's new mtimes: the bookkeeping of the files only touched. */
static ns_status record_touched(update *u)
{
    ns_status st = NS_OK;
    for (size_t i = 0; i < u->touched.n && st == NS_OK; i++)
        st = ns_index_file_set(u->ix, u->touched.v[i].path, &u->touched.v[i].old, u->err);
    return st;
}

/* Step 3 in place, on two threads: a reader thread reads the files and
 * turns their articles into documents (ns_index_build), and the calling
 * thread, the writer, does what one thread would do in the same order
 * (the old articles go, the documents are added, the bookkeeping is
 * recorded). They meet on a belt of BELT_CAP items: a file's start, a
 * document, a file's end (its `in` is complete then), or the reader's
 * failure. A writer that fails says so (`stop`): the reader ends at its
 * next document, and the writer frees what is left on the belt. */
#define BELT_CAP 64

enum { ITEM_START, ITEM_DOC, ITEM_END, ITEM_FAILED };

typedef struct item {
    int kind;
    size_t file;         /* START, END: u->files.v[file] */
    ns_index_built *doc; /* DOC */
    ns_status st;        /* FAILED */
} item;

struct belt {
    update *u;
    ns_index_builder *b; /* the reader's */
    pthread_mutex_t mu;
    pthread_cond_t not_full, not_empty;
    item v[BELT_CAP];
    size_t head, n;
    int stop;      /* the writer failed */
    int stopped;   /* the reader saw it (the reader's own) */
    ns_error rerr; /* the reader's failure */
};

/* Put an item in (the reader). NS_ERR_OTHER when the writer stopped. */
static ns_status belt_put(belt *p, item it)
{
    pthread_mutex_lock(&p->mu);
    while (p->n == BELT_CAP && !p->stop)
        pthread_cond_wait(&p->not_full, &p->mu);
    int stop = p->stop;
    if (stop) p->stopped = 1;
    if (!stop) {
        p->v[(p->head + p->n++) % BELT_CAP] = it;
        pthread_cond_signal(&p->not_empty);
    }
    pthread_mutex_unlock(&p->mu);
    return stop ? NS_ERR_OTHER : NS_OK;
}

static item belt_get(belt *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->n == 0)
        pthread_cond_wait(&p->not_empty, &p->mu);
    item it = p->v[p->head];
    p->head = (p->head + 1) % BELT_CAP;
    p->n--;
    pthread_cond_signal(&p->not_full);
    pthread_mutex_unlock(&p->mu);
    return it;
}

static ns_status belt_start(belt *p, size_t file)
{
    return belt_put(p, (item){ITEM_START, file, NULL, NS_OK});
}

static ns_status belt_doc(belt *p, const ns_article *a, ns_error *err)
{
    ns_index_built *d;
    ns_status st = ns_index_build(p->b, a, &d, err);
    if (st != NS_OK) return st;
    if ((st = belt_put(p, (item){ITEM_DOC, 0, d, NS_OK})) != NS_OK) ns_index_built_free(d);
    return st;
}

static void *read_files(void *arg)
{
    belt *p = arg;
    update *u = p->u;
    sink to_belt = {.ix = u->ix, .to = p};
    ns_status st = NS_OK;
    for (size_t i = 0; i < u->files.n && st == NS_OK; i++) {
        job *f = &u->files.v[i];
        to_belt.file = i;
        if ((st = ingest(u, f->path, f->rootlen, f->size, &to_belt, &f->in, &p->rerr)) == NS_OK)
            st = belt_put(p, (item){ITEM_END, i, NULL, NS_OK});
    }
    /* After the writer stopped nothing more is read: it has its error. */
    if (st != NS_OK && !p->stopped) belt_put(p, (item){ITEM_FAILED, 0, NULL, st});
    return NULL;
}

/* Step 3 into the live generation, one file after the other: the old
 * articles go, the new ones come, then the bookkeeping. And 2c's new
 * mtimes. With jobs > 1 the reading runs on a thread of its own (belt). */
static ns_status write_in_place(update *u)
{
    ns_status st = NS_OK;
    u->total_bytes = u->read_bytes; /* for the progress */
    struct timespec last, now;
    clock_gettime(CLOCK_MONOTONIC, &last);
    belt *p = NULL;
    pthread_t th;
    if (u->o->jobs > 1 && u->files.n > 0) {
        if (!(p = calloc(1, sizeof *p))) return nomem(u->err);
        p->u = u;
        if ((st = ns_index_builder_open(u->ix, &p->b, u->err)) != NS_OK) {
            free(p);
            return st;
        }
        pthread_mutex_init(&p->mu, NULL);
        pthread_cond_init(&p->not_full, NULL);
        pthread_cond_init(&p->not_empty, NULL);
        if (pthread_create(&th, NULL, read_files, p) != 0) {
            /* One thread does it all, then. */
            pthread_mutex_destroy(&p->mu);
            pthread_cond_destroy(&p->not_full);
            pthread_cond_destroy(&p->not_empty);
            ns_index_builder_close(p->b);
            free(p);
            p = NULL;
        }
    }
    for (size_t i = 0; i < u->files.n && st == NS_OK;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 >= 200) {
            on_progress(u, 0);
            last = now;
        }
        if (!p) {
            job *f = &u->files.v[i++];
            sink into_index = {.ix = u->ix, .replace = 1};
            if ((st = ingest(u, f->path, f->rootlen, f->size, &into_index, &f->in, u->err)) ==
                NS_OK)
                st = record(u, f);
            continue;
        }
        item it = belt_get(p);
        if (it.kind == ITEM_START) {
            st = ns_index_file_remove(u->ix, u->files.v[it.file].path, u->err);
        } else if (it.kind == ITEM_DOC) {
            st = ns_index_add_built(u->ix, it.doc, u->err);
        } else if (it.kind == ITEM_END) {
            st = record(u, &u->files.v[it.file]);
            i = it.file + 1;
        } else {
            st = it.st;
            *u->err = p->rerr;
        }
    }
    if (p) {
        pthread_mutex_lock(&p->mu);
        p->stop = st != NS_OK;
        pthread_cond_signal(&p->not_full);
        pthread_mutex_unlock(&p->mu);
        /* After a failure the reader puts nothing more (belt_put sees
         * `stop`): what it put in before is freed once it has ended. */
        pthread_join(th, NULL);
        for (; p->n; p->n--, p->head = (p->head + 1) % BELT_CAP)
            ns_index_built_free(p->v[p->head].doc);
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->not_full);
        pthread_cond_destroy(&p->not_empty);
        ns_index_builder_close(p->b);
        free(p);
    }
    return st == NS_OK ? record_touched(u) : st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int under(const char *const *roots, size_t nroots, const char *path)
{
    for (size_t i = 0; i < nroots; i++) {
        size_t n = strlen(roots[i]);
        if (strncmp(path, roots[i], n) == 0 && (path[n] == '/' || path[n] == '\0')) return 1;
    }
    return 0;
}

static int under_root(const update *u, const char *path)
{
    return under(u->o->roots, u->o->nroots, path) || under(u->o->dropped, u->o->ndropped, path);
}

typedef struct gone {
    update *u;
    char **paths;
    size_t n, cap;
    int nomem;
} gone;

/* Is `path`, or a folder above it, one the walk could not look into
 * (u->unread, sorted)? */
static int unread_under(const update *u, const char *path)
{
    if (!u->nunread) return 0;
    char *key = strdup(path);
    if (!key) return 1; /* out of memory: keep it, to be safe */
    int hit = 0;
    for (char *cut = NULL;; *cut = '\0') {
        const char *k = key;
        if (bsearch(&k, u->unread, u->nunread, sizeof *u->unread, cmp_str)) {
            hit = 1;
            break;
        }
        if (!(cut = strrchr(key, '/')) || cut == key) break;
    }
    free(key);
    return hit;
}

/* For each file the index knows (ns_index_files): is it gone? Collected
 * first, deleted after, as ns_index_files wants no change meanwhile. A file
 * the walk did not yield because it could not look into it (an unreadable
 * folder above it, a stat refused) is not gone: it keeps its articles, as
 * a skipped file does. */
static int check_gone(void *ctx, const char *path)
{
    gone *g = ctx;
    update *u = g->u;
    const char *key = path;
    int seen = bsearch(&key, u->seen, u->nseen, sizeof *u->seen, cmp_str) != NULL;
    struct stat sb;
    if (seen || (!under_root(u, path) && stat(path, &sb) == 0)) return 0;
    if (unread_under(u, path)) return 0;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        char **v = realloc(g->paths, cap * sizeof *v);
        if (!v) return g->nomem = 1;
        g->paths = v;
        g->cap = cap;
    }
    if (!(g->paths[g->n] = strdup(path))) return g->nomem = 1;
    g->n++;
    return 0;
}

/* Step 4. */
static ns_status remove_gone(update *u)
{
    /* The walk yields each folder's files in strcmp order: sorted already
     * unless several folders were given out of order. */
    size_t k = 1;
    while (k < u->nseen && strcmp(u->seen[k - 1], u->seen[k]) <= 0)
        k++;
    if (k < u->nseen) qsort(u->seen, u->nseen, sizeof *u->seen, cmp_str);
    if (u->nunread > 1) qsort(u->unread, u->nunread, sizeof *u->unread, cmp_str);
    gone g = {u, NULL, 0, 0, 0};
    ns_status st = ns_index_files(u->ix, check_gone, &g, u->err);
    if (g.nomem) st = nomem(u->err);
    for (size_t i = 0; i < g.n; i++) {
        if (st == NS_OK) {
            ns_file_state old;
            int known = 0;
            st = ns_index_file_get(u->ix, g.paths[i], &old, &known, u->err);
            if (st == NS_OK) st = ns_index_file_remove(u->ix, g.paths[i], u->err);
            if (st == NS_OK) {
                u->stats->files_deleted++;
                u->stats->articles_deleted += known ? old.articles : 0;
            }
        }
        free(g.paths[i]);
    }
    free(g.paths);
    return st;
}

/* --------------------------------------------------------- fresh builds */

/* Step 1 of a build (ns_walk_fn): the list of files to read. */
static int collect(void *ctx, const char *path, const struct stat *sb)
{
    job_list *l = ctx;
    return job_add(l, path, sb) == NULL;
}

typedef struct worker {
    update *u;
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
    update *u = w->u;
    sink parts = {.ix = u->ix, .parts = 1, .k = w->k, .batch = u->batch};
    w->st = ns_index_part_open(u->ix, w->k * PARTS_PER_WORKER, &parts.part, &w->err);
    for (size_t i = w->from; w->st == NS_OK && i < w->to; i++) {
        job *f = &w->files->v[i];
        w->st = ingest(u, f->path, f->rootlen, f->size, &parts, &f->in, &w->err);
    }
    ns_status cst = ns_index_part_close(parts.part, w->st == NS_OK ? &w->err : NULL);
    if (w->st == NS_OK) w->st = cst;
    atomic_store(&w->finished, 1);
    return NULL;
}

/* A fresh build, before the workers: the sample the index learns its common words
 * from (index.c, "Word pairs"): up to SAMPLE_ARTICLES articles of this
 * shard from SAMPLE_FILES files spread evenly over the sorted list, the
 * same few from each. Spread, so that a corpus in date order is sampled
 * over all its years; from the list, so that every build of a corpus
 * learns the same words. The workers read these articles again and add
 * them; here nothing is reported (they report what is wrong). */
#define SAMPLE_FILES    2000
#define SAMPLE_ARTICLES 2000

static ns_status sample(update *u, job_list *files)
{
    if (!files->n || !ns_index_wants_sample(u->ix)) return NS_OK;
    ns_reader_opts quiet = u->ropts;
    quiet.warn = NULL;
    quiet.warn_ctx = NULL;
    size_t pick = files->n < SAMPLE_FILES ? files->n : SAMPLE_FILES;
    size_t per = (SAMPLE_ARTICLES + pick - 1) / pick;
    ns_status st = NS_OK;
    for (size_t i = 0; i < pick && st == NS_OK; i++) {
        const job *f = &files->v[i * files->n / pick];
        ns_reader *rd = NULL;
        ns_error rerr = {0};
        if (ns_reader_open(f->path, &quiet, &rd, &rerr) != NS_OK) continue;
        const char *rel = f->path + (strlen(f->path) > f->rootlen ? f->rootlen : 0);
        const ns_article *a;
        size_t n = 0;
        while (n < per && ns_reader_next(rd, &a, &rerr) == NS_OK) {
            if (!ns_index_keeps(u->ix, rel, a->id)) continue;
            if ((st = ns_index_sample(u->ix, a, u->err)) != NS_OK) break;
            n++;
        }
        ns_reader_close(rd);
    }
    if (st == NS_OK) st = ns_index_sample_done(u->ix, u->err);
    return st;
}

/* Read `files` into parts with the worker threads (u->o->jobs): worker k
 * reads the k-th slice of the list (slices balanced by bytes) into its own
 * parts, merged in order at the end (ns_index_close, ns_index_grow_merge),
 * so articles are numbered as one thread reading the list would number
 * them. Each file's outcome is left in its job's `in`. */
static ns_status run_workers(update *u, job_list *files)
{
    uint64_t total = 0;
    for (size_t i = 0; i < files->n; i++)
        total += files->v[i].size;
    u->total_bytes = total; /* for the progress */
    unsigned jobs = u->o->jobs ? u->o->jobs : 1;
    if (jobs > files->n) jobs = files->n ? (unsigned)files->n : 1;
    worker *w = calloc(jobs, sizeof *w);
    pthread_t *th = calloc(jobs, sizeof *th);
    if (!w || !th) {
        free(w);
        free(th);
        return nomem(u->err);
    }
    size_t at = 0;
    uint64_t acc = 0;
    for (unsigned k = 0; k < jobs; k++) {
        w[k].u = u;
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
        on_progress(u, 0);
        struct timespec nap = {0, 200 * 1000000L};
        nanosleep(&nap, NULL);
    }
    for (size_t k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    on_progress(u, 1);
    ns_status st = NS_OK;
    for (unsigned k = 0; k < jobs && st == NS_OK; k++) {
        if (w[k].st != NS_OK) {
            st = w[k].st;
            if (u->err) *u->err = w[k].err;
        }
    }
    free(w);
    free(th);
    return st;
}

/* Steps 2 to 4 of a fresh build: the sample, the workers, then the
 * bookkeeping of every file read whole, in file order. */
static ns_status build(update *u, job_list *files)
{
    u->stats->files_seen = files->n;
    ns_status st = sample(u, files);
    if (st == NS_OK) st = run_workers(u, files);
    for (size_t i = 0; st == NS_OK && i < files->n; i++)
        st = record(u, &files->v[i]);
    return st;
}

/* ------------------------------------------------ growing by a merge */

/* An incremental run that reads much (step 3) writes a new generation
 * instead of writing into the live one (ns_index_grow): the files are read
 * by the worker threads into parts, as in a fresh build; Xapian's
 * compaction merges the live generation and the parts into the new one;
 * there the files replaced or gone lose their old articles and every file
 * read gets its bookkeeping; the run's end switches to it. Worth it when
 * the reading outweighs copying the live generation: at least
 * MERGE_MIN_BYTES to read, and at least 1 byte read for MERGE_KEPT_RATIO
 * bytes kept. The opts may force either way. */
#define MERGE_MIN_BYTES  (8u << 20)
#define MERGE_KEPT_RATIO 3

static int wants_merge(const update *u)
{
    if (u->o->merge < 0 || u->files.n == 0) return 0;
    if (u->o->merge > 0) return 1;
    return u->read_bytes >= MERGE_MIN_BYTES && u->read_bytes * MERGE_KEPT_RATIO >= u->kept_bytes;
}

static ns_status grow(update *u)
{
    u->stats->merged = 1;
    ns_status st = ns_index_grow(u->ix, u->err);
    if (st == NS_OK) st = run_workers(u, &u->files);
    if (st == NS_OK) st = ns_index_grow_merge(u->ix, u->err);
    for (size_t i = 0; i < u->files.n && st == NS_OK; i++) {
        job *f = &u->files.v[i];
        /* The articles it had in the live generation, unless it could not
         * be opened (then it keeps them, as in write_in_place): the new
         * ones of a file skipped part-way stay until the next run. */
        if (f->in.opened) st = ns_index_file_remove(u->ix, f->path, u->err);
        if (st == NS_OK) st = record(u, f);
    }
    return st == NS_OK ? record_touched(u) : st;
}

/* ------------------------------------------------------------- the run */

ns_status ns_update_run(ns_index *ix, const ns_update_opts *o, ns_update_stats *stats,
                        ns_error *err)
{
    ns_update_stats own;
    ns_error scratch;
    update u = {0};
    u.ix = ix;
    u.o = o;
    u.stats = stats ? stats : &own;
    memset(u.stats, 0, sizeof *u.stats);
    u.err = err ? err : &scratch;
    ns_error_clear(u.err);
    u.batch = o->batch ? o->batch : DEFAULT_BATCH;
    u.ropts.max_file_bytes = o->max_file_bytes;
    u.ropts.warn = on_warn;
    u.ropts.warn_ctx = &u;
    pthread_mutex_init(&u.lock, NULL);
    ns_walk_opts wo = {o->exclude, o->nexclude, 0, on_warn, &u, o->follow_links_out, on_unread, &u};
    int building = ns_index_building(ix);

    /* Step 1, and for an incremental run step 2 as the walk goes. */
    for (size_t i = 0; i < o->nroots && u.fatal == NS_OK; i++) {
        ns_error werr = {0};
        u.rootlen = u.files.rootlen = u.touched.rootlen = strlen(o->roots[i]) + 1;
        ns_status st = building ? ns_walk(o->roots[i], &wo, collect, &u.files, &werr)
                                : ns_walk(o->roots[i], &wo, visit, &u, &werr);
        if (u.files.nomem || st == NS_ERR_NOMEM) u.fatal = nomem(u.err);
        if (u.fatal != NS_OK) break;
        if (st != NS_OK) on_root_failed(&u, o->roots[i], st, &werr);
    }
    if (u.fatal == NS_OK && building) {
        if (u.stats->roots_failed == 0) u.fatal = build(&u, &u.files);
    } else if (u.fatal == NS_OK) {
        /* Step 3, then step 4 unless a folder could not be walked. */
        u.fatal = wants_merge(&u) ? grow(&u) : write_in_place(&u);
        if (!u.stats->merged) on_progress(&u, 1);
        if (u.fatal == NS_OK && u.stats->roots_failed == 0) u.fatal = remove_gone(&u);
    }

    job_list_free(&u.files);
    job_list_free(&u.touched);
    for (size_t i = 0; i < u.nseen; i++)
        free(u.seen[i]);
    free(u.seen);
    for (size_t i = 0; i < u.nunread; i++)
        free(u.unread[i]);
    free(u.unread);
    pthread_mutex_destroy(&u.lock);
    if (u.fatal != NS_OK) {
        ns_index_abort(ix);
        return u.fatal;
    }
    if (building && u.stats->roots_failed) {
        ns_index_abort(ix); /* the live index stays */
        return NS_OK;
    }
    /* Step 5. */
    return ns_index_close(ix, u.err);
}
