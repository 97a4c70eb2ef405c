/* search.c: from a query string to ranked, highlighted passages.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * This file opens the index (a folder, a database or a stub of shards) and
 * runs queries: the query is parsed (qparse.c) and compiled (plan.c); Xapian
 * ranks the candidate articles with BM25 (the title boost is in the title
 * words' wdf); they are read in rank order, window by window, and each one's
 * passages are checked, scored and listed by rank.c (with match.c) until the
 * page asked for is complete. How the list is made, and why it does not
 * depend on the page, is in search_int.h ("How the ranked list is made").
 */
#include "search.h"
#include "forms.h"
#include "search_int.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer.h"
#include "index.h"
#include "pack.h"
#include "qparse.h"
#include "reader.h"
#include "record.h"
#include "xapian-c.h"
#include "xcerr.h"
#include "advice.h"
#include "schema.h"
#include "stub.h"

/* The stored data of articles read, by docid, for a searcher that answers
 * many queries (ns_searcher_opts.doc_cache_bytes): direct-mapped, an entry
 * replacing whatever shared its slot, everything dropped when the bytes
 * would exceed the budget and whenever the database changes (docids then
 * name other articles, or the same with other data). Decoding an article
 * (Xapian reads its block and inflates it) is a third of a serve-mode
 * request. */
#define DOC_CACHE_SLOTS 4096 /* a power of two */
typedef struct doc_cache {
    struct doc_entry {
        xc_docid id; /* 0: empty */
        char *data;
        size_t len;
    } * slot;
    size_t bytes, max;
} doc_cache;

static void doc_cache_clear(doc_cache *c)
{
    if (!c->slot) return;
    for (size_t i = 0; i < DOC_CACHE_SLOTS; i++) {
        free(c->slot[i].data);
        c->slot[i] = (struct doc_entry){0, NULL, 0};
    }
    c->bytes = 0;
}

static struct doc_entry *doc_cache_slot(doc_cache *c, xc_docid id)
{
    return &c->slot[(id * 2654435761u) & (DOC_CACHE_SLOTS - 1)];
}

/* Keep a copy of data[0..len) as docid id's, when it fits. A cache that
 * can't grow just keeps less. */
static void doc_cache_put(doc_cache *c, xc_docid id, const char *data, size_t len)
{
    if (!c->max || len > c->max / 16) return;
    if (!c->slot && !(c->slot = calloc(DOC_CACHE_SLOTS, sizeof *c->slot))) return;
    struct doc_entry *e = doc_cache_slot(c, id);
    c->bytes -= e->len;
    free(e->data);
    *e = (struct doc_entry){0, NULL, 0};
    if (c->bytes + len > c->max) doc_cache_clear(c);
    char *p = malloc(len ? len : 1);
    if (!p) return;
    memcpy(p, data, len);
    *e = (struct doc_entry){id, p, len};
    c->bytes += len;
}

static const struct doc_entry *doc_cache_get(doc_cache *c, xc_docid id)
{
    if (!c->slot || !id) return NULL;
    const struct doc_entry *e = doc_cache_slot(c, id);
    return e->id == id ? e : NULL;
}

typedef struct shard {
    char *name;      /* as the stub names it: "remote 127.0.0.1:7001", "auto a" */
    xc_database *db; /* NULL when it is down (allow_partial) */
    char *dir;       /* the folder db was opened from; NULL when remote */
} shard;

struct ns_searcher {
    char *path;
    xc_database *db; /* the index, or every live shard combined */
    ns_analyzer *an;
    ns_analyzer *plain; /* the same, unstemmed: wildcard prefixes */
    struct stat stub;   /* of PATH/XAPIANDB when opened (zero if none) */
    ns_index_pin *pin;  /* the generation db reads, held until it is closed */
    ns_searcher_opts opts;
    shard *shards; /* when PATH is a stub file we read */
    size_t nshards;
    ns_stub_line *lines; /* the stub's lines: shard i is lines[i] */
    size_t nlines;
    char *stubdir;  /* the stub's folder, which its auto lines are relative to */
    char lang[64];  /* the analyzer's language, as the index records it */
    int counts;     /* every shard has NS_META_COUNTS: see count_fast */
    int npvalues;   /* every shard has NS_META_PASSAGES: see count_filtered */
    int months;     /* every shard has NS_META_MONTHS: date filters by month terms */
    int forms;      /* the index, or every live shard (local or remote: its keys are
                     * listed over the remote protocol too), has NS_META_FORMS:
                     * wildcards expand by their forms (plan.c, prefix_query)
                     * and count (count_prefix) */
    ns_pairs pairs; /* the common words every shard pairs (schema.h, NS_META_PAIRS) */
    doc_cache docs; /* of s->db as it is now */
    ns_unpacker un; /* the shards' record dictionaries, read at the first packed record */
    int un_loaded;  /* ... which was read */
};

/* The common words db pairs (document.h): into s->pairs (first = 1), or
 * met with s->pairs (first = 0). An index without NS_META_PAIRS (or one
 * whose metadata can't be read) pairs none. NS_ERR_NOMEM. */
static ns_status pairs_meet(ns_searcher *s, xc_database *db, int first)
{
    char *val = NULL;
    size_t len = 0;
    ns_pairs p = {0};
    ns_status st = NS_OK;
    if (xc_database_get_metadata(db, NS_KEY(NS_META_PAIRS), &val, &len) == XC_OK && val)
        st = ns_pairs_parse(val, len, &p);
    xc_free(val);
    if (first) {
        ns_pairs_free(&s->pairs);
        s->pairs = p;
        return st;
    }
    ns_pairs_meet(&s->pairs, &p);
    ns_pairs_free(&p);
    return st;
}

/* Whether db's metadata `key` is exactly `is`: the flags an index is
 * created with, which say what every one of its documents has. A failed
 * read is a no: the slow way is always right. */
static int meta_is(xc_database *db, const char *key, size_t keylen, const char *is)
{
    char *val = NULL;
    size_t len = 0;
    int yes = xc_database_get_metadata(db, key, keylen, &val, &len) == XC_OK && val &&
              len == strlen(is) && !memcmp(val, is, len);
    xc_free(val);
    return yes;
}

/* Every document carries passage counts in its wdf (schema.h,
 * NS_META_COUNTS): count_fast. */
static int has_counts(xc_database *db)
{
    return meta_is(db, NS_KEY(NS_META_COUNTS), "passages");
}

/* Every document has its passage count in NS_SLOT_PASSAGES (schema.h,
 * NS_META_PASSAGES): count_filtered. */
static int has_passage_values(xc_database *db)
{
    const char slot[2] = {'0' + NS_SLOT_PASSAGES, '\0'};
    return meta_is(db, NS_KEY(NS_META_PASSAGES), slot);
}

/* Every dated document has its month term (schema.h, NS_META_MONTHS). */
static int has_months(xc_database *db)
{
    return meta_is(db, NS_KEY(NS_META_MONTHS), "1");
}

/* The index records the terms that do not begin all their forms (schema.h,
 * NS_META_FORMS). */
static int has_forms(xc_database *db)
{
    return meta_is(db, NS_KEY(NS_META_FORMS), "1");
}

/* Identity of the index folder's stub: a rebuild renames a new one in. */
static void stat_stub(const char *path, struct stat *st)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s/XAPIANDB", path);
    if (stat(buf, st) != 0) memset(st, 0, sizeof *st);
}

/* --------------------------------------------------------------- search */

static void warnf(ns_searcher *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(ns_searcher *s, const char *fmt, ...)
{
    if (!s->opts.warn) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->opts.warn(s->opts.warn_ctx, msg);
}

/* Open one stub line's shard (stub.h: an auto line names a folder, opened
 * as glass; a remote one a TCP server). */
static ns_status open_shard(ns_searcher *s, const char *stubdir, const ns_stub_line *l, shard *sh,
                            ns_error *err)
{
    sh->name = strdup(l->text);
    if (!sh->name) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    if (l->kind == NS_STUB_AUTO) {
        char buf[PATH_MAX];
        if (l->path[0] == '/')
            snprintf(buf, sizeof buf, "%s", l->path);
        else
            snprintf(buf, sizeof buf, "%s/%s", stubdir, l->path);
        /* As ns_stub_open_folder, remembering the folder opened. */
        char target[PATH_MAX];
        ns_status st = ns_stub_folder_target(buf, target, sizeof target, err);
        if (st != NS_OK) return st;
        xc_status xs = xc_database_open_glass(target, &sh->db);
        if (xs != XC_OK) return ns_error_from_xc(err, xs, target);
        if (!(sh->dir = strdup(target))) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        return NS_OK;
    }
    unsigned t = s->opts.timeout_ms ? s->opts.timeout_ms : 5000;
    xc_status xs =
        xc_database_open_remote(l->host[0] ? l->host : "127.0.0.1", l->port, t, t, &sh->db);
    /* The caller names the shard (its stub line): the message needn't. */
    return xs == XC_OK ? NS_OK : ns_error_set(err, ns_status_from_xc(xs), "%s", xc_errmsg());
}

/* Open shard i afresh from its stub line, closing what it had open: a new
 * connection to its server (whose new process opens the generation the
 * shard's folder names now), or, for a folder, the generation its XAPIANDB
 * names now. On failure the shard is left closed (db NULL). */
static ns_status reopen_shard_afresh(ns_searcher *s, size_t i, ns_error *err)
{
    shard *sh = &s->shards[i];
    xc_database_close(sh->db);
    free(sh->name);
    free(sh->dir);
    *sh = (shard){0};
    ns_status st = open_shard(s, s->stubdir, &s->lines[i], sh, err);
    if (st != NS_OK) {
        xc_database_close(sh->db);
        sh->db = NULL;
    }
    return st;
}

/* (Re)build the combined database from the live shards. */
static ns_status combine_shards(ns_searcher *s, ns_error *err)
{
    xc_database *db = NULL;
    xc_status xs = xc_database_new_combined(&db);
    size_t live = 0;
    for (size_t i = 0; xs == XC_OK && i < s->nshards; i++) {
        if (!s->shards[i].db) continue;
        xs = xc_database_add_shard(db, s->shards[i].db);
        live++;
    }
    if (xs != XC_OK) {
        xc_database_close(db);
        return ns_error_from_xc(err, xs, s->path);
    }
    if (!live) {
        xc_database_close(db);
        return ns_error_set(err, NS_ERR_NETWORK, "%s: no shard can be reached", s->path);
    }
    xc_database_close(s->db);
    s->db = db;
    doc_cache_clear(&s->docs);
    ns_unpacker_clear(&s->un);
    s->un_loaded = 0;
    s->counts = 1;
    s->npvalues = 1;
    s->months = 1;
    s->forms = 1;
    int first = 1;
    for (size_t i = 0; i < s->nshards; i++) {
        if (!s->shards[i].db) continue;
        if (!has_counts(s->shards[i].db)) s->counts = 0;
        if (!has_passage_values(s->shards[i].db)) s->npvalues = 0;
        if (!has_months(s->shards[i].db)) s->months = 0;
        if (!has_forms(s->shards[i].db)) s->forms = 0;
        if (pairs_meet(s, s->shards[i].db, first) != NS_OK)
            return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        first = 0;
    }
    return NS_OK;
}

/* Shard i failed to open (fs, why): under allow_partial it stays down,
 * with a warning, and NS_OK is returned; else the error, naming the stub
 * line ("STUB:LINE: shard TEXT: why"). */
static ns_status shard_failed(ns_searcher *s, size_t i, ns_status fs, const char *why,
                              ns_error *err)
{
    const ns_stub_line *l = &s->lines[i];
    if (s->opts.allow_partial && fs != NS_ERR_INVALID && fs != NS_ERR_NOMEM) {
        warnf(s, "%s:%zu: shard %s is unavailable, searching the others: %s", s->path, l->line,
              l->text, why);
        return NS_OK;
    }
    return ns_error_set(err, fs, "%s:%zu: shard %s: %s", s->path, l->line, l->text, why);
}

static ns_status open_stub(ns_searcher *s, ns_error *err)
{
    ns_status st = ns_stub_read(s->path, &s->lines, &s->nlines, err);
    if (st != NS_OK) return st;
    if ((st = ns_stub_check_unique(s->path, s->lines, s->nlines, err)) != NS_OK) return st;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", s->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    s->stubdir = strdup(dir);
    s->shards = calloc(s->nlines, sizeof *s->shards);
    if (!s->shards || !s->stubdir) st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == NS_OK && i < s->nlines; i++) {
        shard *sh = &s->shards[s->nshards++];
        ns_error serr = {0};
        ns_status fs = open_shard(s, dir, &s->lines[i], sh, &serr);
        if (fs == NS_OK) continue;
        xc_database_close(sh->db);
        sh->db = NULL;
        st = shard_failed(s, i, fs, serr.msg, err);
    }
    if (st == NS_OK) st = combine_shards(s, err);
    return st;
}

/* Bring the shards up to date. Each live one reopens at its latest commit;
 * one that can't (its connection closed, as when its server restarted; its
 * generation deleted under it by a merge or a rebuild, which xapian-tcpsrv
 * holds no reader's lock against and which a remote reopen doesn't follow,
 * as it never reads the shard folder's XAPIANDB again) is opened afresh
 * from its stub line, and so is every live one when `afresh`. Shards that
 * are down are tried again when `down` (always without allow_partial:
 * a searcher never answers from fewer shards unless allowed). A shard that
 * still fails stays down with a warning under allow_partial, or is the
 * error ("STUB:LINE: shard TEXT: why"). Then the live shards are combined
 * again (and the language checked, when a shard was opened afresh).
 * *moved (may be NULL) gets the number of shards opened afresh or left
 * down; *changed (may be NULL) is 1 when anything moved. */
static ns_status refresh_shards(ns_searcher *s, int afresh, int down, size_t *moved, int *changed,
                                ns_error *err)
{
    size_t n = 0;
    int ch = 0;
    ns_status st = NS_OK;
    if (!s->opts.allow_partial) down = 1;
    for (size_t i = 0; st == NS_OK && i < s->nshards; i++) {
        shard *sh = &s->shards[i];
        if (!sh->db && !down) continue;
        if (sh->db && !afresh) {
            int c = 0;
            if (xc_database_reopen(sh->db, &c) == XC_OK) {
                ch |= c;
                continue;
            }
        }
        ns_error why = {0};
        ns_status fs = reopen_shard_afresh(s, i, &why);
        ch = 1;
        n++;
        if (fs != NS_OK) st = shard_failed(s, i, fs, why.msg, err);
    }
    if (moved) *moved = n;
    if (changed) *changed = ch;
    if (st == NS_OK) st = combine_shards(s, err);
    if (st != NS_OK || !n) return st;
    /* A shard rebuilt meanwhile may record another language. */
    char lang[sizeof s->lang];
    if ((st = ns_schema_check(s->db, s->path, lang, sizeof lang, err)) != NS_OK) return st;
    if (strcmp(lang, s->lang)) {
        ns_analyzer *an = NULL;
        if ((st = ns_analyzer_new(lang, &an, err)) != NS_OK) return st;
        ns_analyzer_free(s->an);
        s->an = an;
        snprintf(s->lang, sizeof s->lang, "%s", lang);
    }
    return NS_OK;
}

ns_status ns_searcher_open(const char *path, ns_searcher **out, ns_error *err)
{
    return ns_searcher_open_opts(path, NULL, out, err);
}

ns_status ns_searcher_open_opts(const char *path, const ns_searcher_opts *opts, ns_searcher **out,
                                ns_error *err)
{
    *out = NULL;
    ns_searcher *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    if (opts) s->opts = *opts;
    s->docs.max = s->opts.doc_cache_bytes;
    ns_status st = NS_OK;
    xc_status xs = XC_OK;
    char *lang = s->lang;
    if (ns_stub_is_file(path)) {
        /* Every stub file is read here, never by libxapian (stub.h). */
        if ((st = open_stub(s, err)) != NS_OK) goto fail;
        if ((st = ns_schema_check(s->db, path, lang, sizeof s->lang, err)) != NS_OK) goto fail;
    } else {
        stat_stub(path, &s->stub);
        /* An index folder's XAPIANDB is read here, never by libxapian
         * (stub.h); then hold the live generation so a rebuild can't delete
         * it under us (index.h, "readers"), and open it as glass. */
        char target[PATH_MAX];
        if ((st = ns_stub_folder_target(path, target, sizeof target, err)) != NS_OK) goto fail;
        if ((st = ns_index_pin_open(path, &s->pin, err)) != NS_OK) goto fail;
        st = ns_schema_open(ns_index_pin_path(s->pin), path, &s->db, lang, sizeof s->lang, err);
        if (st != NS_OK) goto fail;
        /* An empty XAPIANDB stub opens as a database of no shard, which
         * only fails later, at the first search: find out now. */
        xc_enquire *probe = NULL;
        xs = xc_enquire_new(s->db, &probe);
        xc_enquire_free(probe);
        if (xs != XC_OK) {
            st = ns_error_from_xc(err, xs, path);
            goto fail;
        }
    }
    if (!s->nshards) {
        s->counts = has_counts(s->db);
        s->npvalues = has_passage_values(s->db);
        s->months = has_months(s->db);
        s->forms = has_forms(s->db);
        if ((st = pairs_meet(s, s->db, 1)) != NS_OK) {
            ns_error_set(err, st, "out of memory");
            goto fail;
        }
    }
    if ((st = ns_analyzer_new(lang, &s->an, err)) != NS_OK) goto fail;
    if ((st = ns_analyzer_new("none", &s->plain, err)) != NS_OK) goto fail;
    *out = s;
    return NS_OK;
fail:
    if (!s->nshards && !ns_stub_is_file(path) && st != NS_ERR_INVALID)
        ns_error_advise_index(err, path);
    ns_searcher_close(s);
    return err ? err->status : st;
}

void ns_searcher_set_warn(ns_searcher *s, void (*warn)(void *ctx, const char *msg), void *ctx)
{
    s->opts.warn = warn;
    s->opts.warn_ctx = ctx;
}

void ns_searcher_close(ns_searcher *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->nshards; i++) {
        xc_database_close(s->shards[i].db);
        free(s->shards[i].name);
        free(s->shards[i].dir);
    }
    free(s->shards);
    ns_stub_free(s->lines, s->nlines);
    free(s->stubdir);
    ns_pairs_free(&s->pairs);
    ns_unpacker_clear(&s->un);
    s->un_loaded = 0;
    doc_cache_clear(&s->docs);
    free(s->docs.slot);
    xc_database_close(s->db);
    ns_index_pin_close(s->pin);
    ns_analyzer_free(s->an);
    ns_analyzer_free(s->plain);
    free(s->path);
    free(s);
}

ns_status ns_searcher_reopen(ns_searcher *s, int *changed, ns_error *err)
{
    if (s->nshards) {
        /* Each shard catches up on its own (those that can't, and those
         * that were down, are opened afresh); the combination follows. */
        return refresh_shards(s, 0, 1, NULL, changed, err);
    }
    struct stat now;
    stat_stub(s->path, &now);
    if (changed) *changed = 0;
    if (now.st_ino != s->stub.st_ino || now.st_mtim.tv_sec != s->stub.st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != s->stub.st_mtim.tv_nsec) {
        /* A new generation: open it afresh (the language can't change
         * without a rebuild, which is exactly this case, so re-read all). */
        ns_searcher *fresh = NULL;
        ns_status st = ns_searcher_open(s->path, &fresh, err);
        if (st != NS_OK) return st;
        /* Adopt the fresh handles; the old ones go with the shell. */
        xc_database *db = s->db;
        ns_analyzer *an = s->an, *plain = s->plain;
        s->db = fresh->db;
        doc_cache_clear(&s->docs);
        ns_unpacker_clear(&s->un);
        s->un_loaded = 0;
        s->counts = fresh->counts;
        s->npvalues = fresh->npvalues;
        s->months = fresh->months;
        s->forms = fresh->forms;
        ns_pairs pw = s->pairs;
        s->pairs = fresh->pairs;
        fresh->pairs = pw;
        s->an = fresh->an;
        s->plain = fresh->plain;
        memcpy(s->lang, fresh->lang, sizeof s->lang);
        s->stub = fresh->stub;
        ns_index_pin *pin = s->pin;
        s->pin = fresh->pin;
        fresh->pin = pin;
        fresh->db = db;
        fresh->an = an;
        fresh->plain = plain;
        ns_searcher_close(fresh);
        if (changed) *changed = 1;
        return NS_OK;
    }
    int moved = 0;
    xc_status xs = xc_database_reopen(s->db, &moved);
    if (changed) *changed = moved;
    if (moved || xs != XC_OK) doc_cache_clear(&s->docs);
    if (xs == XC_OK) return NS_OK;
    ns_error_from_xc(err, xs, s->path);
    ns_error_advise_index(err, s->path);
    return err ? err->status : ns_status_from_xc(xs);
}

ns_status ns_searcher_count(ns_searcher *s, uint32_t *articles, ns_error *err)
{
    xc_status xs = xc_database_doccount(s->db, articles);
    return xs == XC_OK ? NS_OK : ns_error_from_xc(err, xs, s->path);
}

/* Room for n more articles at the end of p->arts. */
static ns_status arts_reserve(priv *p, size_t n)
{
    if (p->narts + n <= p->capa) return NS_OK;
    size_t nc = p->capa ? p->capa : 16;
    while (nc < p->narts + n)
        nc *= 2;
    art *v = realloc(p->arts, nc * sizeof *v);
    if (!v) return NS_ERR_NOMEM;
    memset(v + p->capa, 0, (nc - p->capa) * sizeof *v);
    p->arts = v;
    p->capa = nc;
    return NS_OK;
}

/* The stored record data[0..len) into *out (malloc'd): unpacked, or copied
 * when plain (pack.h). The dictionaries are read at the first packed
 * record (a --count read from the posting lists reads none): each
 * shard's, as a record names its own. */
static ns_status unpack_record(ns_searcher *s, xc_docid id, const char *data, size_t len,
                               char **out, size_t *outlen, ns_error *err)
{
    ns_status st = NS_OK;
    if (!s->un_loaded && ns_packed(data, len)) {
        if (s->nshards) {
            for (size_t i = 0; st == NS_OK && i < s->nshards; i++)
                if (s->shards[i].db)
                    st = ns_schema_add_zdict(s->shards[i].db, s->shards[i].dir, s->shards[i].name,
                                             &s->un, err);
        } else {
            /* The generation the pin holds, which s->db reads. */
            char dir[PATH_MAX];
            int local = s->pin && ns_stub_folder_target(ns_index_pin_path(s->pin), dir, sizeof dir,
                                                        NULL) == NS_OK;
            st = ns_schema_add_zdict(s->db, local ? dir : NULL, s->path, &s->un, err);
        }
        if (st != NS_OK) return st;
        s->un_loaded = 1;
    }
    st = ns_unpack_record(&s->un, data, len, out, outlen);
    if (st == NS_ERR_NOMEM) return ns_error_set(err, st, "out of memory");
    if (st != NS_OK)
        return ns_error_set(err, NS_ERR_CORRUPT, "%s: document %u: unreadable record", s->path,
                            (unsigned)id);
    return NS_OK;
}

/* Decode item i of ms into a. */
static ns_status read_article(ns_searcher *s, xc_mset *ms, size_t i, art *a, ns_error *err)
{
    xc_docid id;
    double w;
    uint32_t rank;
    xc_document *doc = NULL;
    const char *data;
    size_t len;
    memset(a, 0, sizeof *a);
    xc_status xs = xc_mset_item(ms, i, &id, &w, &rank);
    const struct doc_entry *hit = xs == XC_OK ? doc_cache_get(&s->docs, id) : NULL;
    if (hit) {
        data = hit->data;
        len = hit->len;
    } else {
        if (xs == XC_OK) xs = xc_mset_document(ms, i, &doc);
        if (xs == XC_OK) xs = xc_document_get_data(doc, &data, &len);
        if (xs != XC_OK) {
            xc_document_free(doc);
            return ns_error_from_xc(err, xs, s->path);
        }
    }
    if (!hit) doc_cache_put(&s->docs, id, data, len);
    ns_status st = unpack_record(s, id, data, len, &a->blob, &len, err);
    xc_document_free(doc);
    if (st != NS_OK) return st;
    a->weight = w;
    if (ns_record_decode(a->blob, len, &a->rec) != NS_OK) {
        free(a->blob);
        a->blob = NULL;
        return ns_error_set(err, NS_ERR_CORRUPT, "%s: document %u: unreadable record", s->path,
                            (unsigned)id);
    }
    return NS_OK;
}

static double item_weight(xc_mset *ms, size_t i)
{
    xc_docid id;
    double w = 0;
    uint32_t rank;
    xc_mset_item(ms, i, &id, &w, &rank);
    return w;
}

/* Check, score and list the articles of run [i, j) of ms (equal weights):
 * items order[i] to order[j - 1] when order is given. *stop: enough
 * entries are listed. */
static ns_status take_run(ns_searcher *s, plan *b, lister *l, priv *p, xc_mset *ms,
                          const size_t *order, size_t i, size_t j, int *stop, ns_error *err)
{
    const ns_search_opts *o = l->o;
    ns_status st = arts_reserve(p, j - i);
    if (st != NS_OK) return ns_error_set(err, st, "out of memory");
    art *run = p->arts + p->narts; /* decoded in place, kept if they match */
    size_t n = 0;
    for (size_t k = i; k < j && st == NS_OK; k++) {
        st = read_article(s, ms, order ? order[k] : k, &run[n], err);
        if (st == NS_OK) n++;
    }
    if (st == NS_OK && n > 1) qsort_r(run, n, sizeof *run, rank_cmp_art, (void *)&o->sort_by_date);
    size_t k = 0;
    for (; k < n && st == NS_OK; k++) {
        size_t ai = p->narts;
        if (ai != (size_t)(run + k - p->arts)) {
            p->arts[ai] = run[k];
            memset(&run[k], 0, sizeof run[k]);
        }
        size_t nmatch = 0;
        l->scanned++;
        st = rank_article(s->an, b, &p->arts[ai], ai, o->per_article, o->explain, o->count_all,
                          &l->block, &nmatch);
        if (st != NS_OK) {
            ns_error_set(err, st, "search: %s", ns_status_str(st));
            rank_art_free(&p->arts[ai]);
            break;
        }
        if (!nmatch) {
            rank_art_free(&p->arts[ai]);
            continue;
        }
        if (l->articles + l->block_arts == 0) l->max_w = p->arts[ai].weight;
        p->arts[ai].rank = l->articles + l->block_arts;
        p->narts++;
        if (++l->block_arts == RANK_BLOCK) {
            st = rank_finish_block(l, p);
            if (st != NS_OK) {
                ns_error_set(err, st, "search: %s", ns_status_str(st));
                break;
            }
            if (!l->all && l->emitted >= l->to) {
                *stop = 1;
                k++;
                break;
            }
        }
    }
    /* Articles decoded but not reached (stopped or failed). */
    for (; k < n; k++) {
        size_t at = (size_t)(run + k - p->arts);
        if (at >= p->narts) rank_art_free(&run[k]);
    }
    return st;
}

struct by_id {
    xc_docid id;
    size_t item;
};

static int by_id_cmp(const void *a, const void *b)
{
    xc_docid x = ((const struct by_id *)a)->id, y = ((const struct by_id *)b)->id;
    return x < y ? -1 : x > y;
}

/* All n items of ms for a count, read in docid order, COUNT_CHUNK at a
 * time: what a count adds up does not depend on the order (passages,
 * articles, files as a set), and consecutive documents share the blocks of
 * Xapian's record table, which it then reads once instead of once per
 * document (`--count de*`: 2.55 -> 2.15 s). */
static ns_status take_by_docid(ns_searcher *s, plan *b, lister *l, priv *p, xc_mset *ms, size_t n,
                               int *stop, ns_error *err)
{
    struct by_id *v = malloc(n * sizeof *v);
    size_t *order = malloc(n * sizeof *order);
    if (!v || !order) {
        free(v);
        free(order);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        double w;
        uint32_t rank;
        v[k].item = k;
        if (xc_mset_item(ms, k, &v[k].id, &w, &rank) != XC_OK) v[k].id = 0;
    }
    qsort(v, n, sizeof *v, by_id_cmp);
    for (size_t k = 0; k < n; k++)
        order[k] = v[k].item;
    free(v);
    ns_status st = NS_OK;
    for (size_t k = 0; k < n && st == NS_OK && !*stop; k += COUNT_CHUNK)
        st = take_run(s, b, l, p, ms, order, k, k + COUNT_CHUNK < n ? k + COUNT_CHUNK : n, stop,
                      err);
    free(order);
    return st;
}

/* Whether Xapian orders equal weights itself, by the sort key (schema.h,
 * NS_SLOT_ID), instead of run() reading each run of equal weights whole
 * and sorting it. Only for a query that scores nothing (a date range, a
 * source: filter): there every candidate weighs 0, one run as long as the
 * match set. When words score, runs are short, and the sort would cost
 * every query a value read per candidate (10% of a typical query,
 * measured: bench/README.md). Needs an index whose documents all have the
 * key (NS_META_COUNTS). */
static int xapian_orders_ties(const ns_searcher *s, const plan *b, const ns_search_opts *o)
{
    if (!s->counts || o->sort_by_date) return 0;
    for (size_t i = 0; i < b->nm; i++)
        if (b->m[i].scored) return 0;
    return 1;
}

/* The size of run()'s next window of candidates. Each window is a Xapian
 * match over the whole posting lists, whatever its size (3.5 ms for two
 * common words on the benchmark corpus), so when the passage check turns
 * most candidates away (a NEAR of common words: `has NEAR/5 were` holds in
 * 550 of the 20,168 articles with both words) doubling from WINDOW_FIRST
 * takes five matches to fill one block. A NEAR starts at WINDOW_FIRST_NEAR
 * (one match for most); then the window grows to twice what the block
 * still needs at the share of the candidates read that matched (the share
 * falls down the ranking: long articles come first), at least doubling and
 * at most WINDOW_MAX. A listing that reads every candidate (l->all:
 * --count) reads them in windows of WINDOW_ALL (from the start when it
 * knows: 1 match instead of 14 for the 97,509 candidates of `--count de*`,
 * whose match alone takes 70 ms; its count 3.5 -> 2.5 s); an item of a
 * window is a few dozen bytes. A run of equal weights longer than the window
 * (regrow) doubles it, past WINDOW_MAX if need be. Windows change how many
 * candidates Xapian returns at a time, never which or in what order
 * (tests/e2e/windows.sh). */
static size_t next_window(const lister *l, size_t win, int regrow)
{
    if (regrow) return win * 2;
    if (l->all) return win > WINDOW_ALL ? win : WINDOW_ALL;
    if (win >= WINDOW_MAX) return win;
    size_t next = win * 2 < WINDOW_MAX ? win * 2 : WINDOW_MAX;
    size_t got = l->articles + l->block_arts;
    if (l->scanned > got) {
        double need = (double)(RANK_BLOCK - l->block_arts);
        double grow = 2.0 * need * ((double)l->scanned + 1.0) / ((double)got + 1.0);
        if (grow > (double)WINDOW_MAX) grow = (double)WINDOW_MAX;
        if (grow > (double)next) next = (size_t)grow;
    }
    return next;
}

/* Passages are scanned for the query's terms only: the analyzer may skip
 * stemming, and passing on, words that can't be one of them. Undone with
 * ns_analyzer_set_interest(s->an, NULL, 0). */
static void scan_interest(ns_searcher *s, const plan *b)
{
    unsigned char letters[256];
    size_t nletters = 0;
    for (size_t i = 0; i < b->nm; i++) {
        const matcher *m = &b->m[i];
        if (m->kind != M_SEQ) {
            /* Exact forms and prefixes compare exact forms. */
            if (m->word && m->word[0] && nletters < sizeof letters)
                letters[nletters++] = (unsigned char)m->word[0];
            for (size_t k = 0; k < m->nparts; k++)
                if (m->parts[k][0] && nletters < sizeof letters)
                    letters[nletters++] = (unsigned char)m->parts[k][0];
            if (m->xjoined && m->xjoined[0] && nletters < sizeof letters)
                letters[nletters++] = (unsigned char)m->xjoined[0];
            continue;
        }
        for (size_t k = 0; k < m->npos; k++)
            for (size_t j = 0; j < m->nalts[k]; j++)
                if (m->alts[k][j][0] && nletters < sizeof letters)
                    letters[nletters++] = (unsigned char)m->alts[k][j][0];
        for (size_t j = 0; j < m->njoined; j++)
            if (m->joined[j][0] && nletters < sizeof letters)
                letters[nletters++] = (unsigned char)m->joined[j][0];
    }
    ns_analyzer_set_interest(s->an, letters, nletters);
}

/* Run the built query q: read, check and list the candidates into r. */
static ns_status run(ns_searcher *s, plan *b, xc_enquire *e, xc_query *q, const ns_search_opts *o,
                     ns_results *r, size_t *nmatched, ns_error *err)
{
    priv *p = r->priv;
    lister l = {0};
    l.o = o;
    l.files = o->files;
    l.all = o->count_all;
    l.from = o->count_all ? 0 : o->offset;
    l.to = o->count_all ? 0 : o->limit > SIZE_MAX - o->offset ? SIZE_MAX : o->offset + o->limit;
    xc_status xs = xc_enquire_set_query(e, q);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, s->path);
    if (plan_prepare(b) != 0) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    scan_interest(s, b);
    ns_status st = NS_OK;
    uint32_t estimated = 0;
    /* A NEAR turns candidates away more often than not (next_window). */
    size_t first = 0, win = l.all ? WINDOW_ALL : b->nnear ? WINDOW_FIRST_NEAR : WINDOW_FIRST;
    int sorted = xapian_orders_ties(s, b, o);
    int stop = 0, exhausted = 0;
    while (st == NS_OK && !stop) {
        xc_mset *ms = NULL;
        uint32_t atleast = (uint32_t)win;
        if (first == 0 && atleast < ESTIMATE_MIN) atleast = ESTIMATE_MIN;
        xs = xc_enquire_mset(e, (uint32_t)first, (uint32_t)win, atleast, &ms);
        if (xs != XC_OK) {
            st = ns_error_from_xc(err, xs, s->path);
            if (xs == XC_ERR_INVALID)
                st = ns_error_set(err, NS_ERR_QUERY, "query: %s", xc_errmsg());
            break;
        }
        size_t n = xc_mset_size(ms), i = 0;
        int full = n == win;
        if (first == 0) {
            estimated = xc_mset_estimated(ms);
            if (xc_mset_upper_bound(ms) <= EXACT_MAX) l.all = 1;
        }
        int regrow = 0;
        if (o->count_all && n > 1) {
            st = take_by_docid(s, b, &l, p, ms, n, &stop, err);
            i = n;
        }
        while (st == NS_OK && i < n && !stop) {
            /* A run of equal weights is read whole: when it may go on past
             * this window, fetch again from its start. */
            size_t j = i + 1;
            double w = item_weight(ms, i);
            /* Xapian puts equal weights in rank order itself when the
             * index has the sort key (schema.h, NS_SLOT_ID). */
            while (!sorted && j < n && item_weight(ms, j) == w)
                j++;
            if (j == n && full) {
                if (i == 0) regrow = 1;
                break;
            }
            st = take_run(s, b, &l, p, ms, NULL, i, j, &stop, err);
            i = j;
        }
        xc_mset_free(ms);
        if (st != NS_OK || stop) break;
        if (!full && i == n) {
            exhausted = 1;
            break;
        }
        first += i;
        win = next_window(&l, win, regrow);
    }
    ns_analyzer_set_interest(s->an, NULL, 0);
    if (st == NS_OK && exhausted && (l.block_arts || !l.have0)) st = rank_finish_block(&l, p);
    if (st != NS_OK) {
        /* Keep a message that says more (Xapian's, naming the file). */
        if (!(err && err->status == st && err->msg[0]))
            ns_error_set(err, st, "search: %s", ns_status_str(st));
        rank_candv_free(&l.block);
        rank_pathset_free(&l.seen);
        return st;
    }
    rank_candv_free(&l.block);
    rank_pathset_free(&l.seen);
    if (l.all && exhausted) {
        r->total = l.passages;
        r->articles = l.articles;
        r->total_exact = 1;
    } else if (l.have0 && l.m0 < RANK_BLOCK) {
        /* The first block ran out of candidates: it is everything. */
        r->total = l.p0;
        r->articles = l.m0;
        r->total_exact = 1;
    } else if (l.have0) {
        double arts = l.s0 ? (double)estimated * (double)l.m0 / (double)l.s0 : (double)l.m0;
        if (arts < (double)l.m0) arts = (double)l.m0;
        double pas = arts * (double)l.p0 / (double)l.m0;
        if (pas < (double)l.p0) pas = (double)l.p0;
        r->articles = (size_t)(arts + 0.5);
        r->total = (size_t)(pas + 0.5);
        r->total_exact = 0;
    }
    r->articles_estimated = r->articles > UINT32_MAX ? UINT32_MAX : (uint32_t)r->articles;
    if (o->count_all) r->total = l.passages, r->articles = l.articles, r->total_exact = 1;
    *nmatched = l.articles;
    return st;
}

/* --count of one plain word, from the posting lists alone.
 *
 * For a query of one word, the listing's passages of an article (rank.c,
 * rank_article; doc/query-syntax.md, "What matches") are its passages that
 * hold the word, at most per_article of them; when none does but the title
 * does, its first passage stands in; an article without passages lists
 * nothing. With NS_META_COUNTS the index knows each of these numbers: the
 * passages that hold term T are wdf(T) - NS_TITLE_WDF * wdf(S T), the title
 * holds it when wdf(S T) > 0, and NS_TERM_NO_PASSAGE marks the articles
 * without passages. So the count is three walks of posting lists, in docid
 * order, instead of reading and analyzing every article (bench/README.md,
 * "Hard queries"); the oracle (tests/oracle/) checks it is the same. */
typedef struct postings {
    struct posting {
        xc_docid id;
        uint32_t wdf;
    } * v;
    size_t n, cap;
    int nomem;
} postings;

static int posting_add(void *ctx, xc_docid id, uint32_t wdf)
{
    postings *p = ctx;
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 1024;
        struct posting *v = realloc(p->v, nc * sizeof *v);
        if (!v) {
            p->nomem = 1;
            return 1;
        }
        p->v = v;
        p->cap = nc;
    }
    p->v[p->n++] = (struct posting){id, wdf};
    return 0;
}

/* Does the plan ask for one plain word, nothing else? Then its matcher's
 * one term is what Xapian looks up, and count_fast applies. */
static const char *count_fast_term(const plan *b, const ns_qnode *top)
{
    if (top->kind != NS_Q_WORD || top->field != NS_FIELD_ANY || b->nm != 1) return NULL;
    const matcher *m = &b->m[0];
    if (m->kind != M_SEQ || m->npos != 1 || m->nalts[0] != 1 || m->njoined || !m->scored ||
        m->field != NS_FIELD_ANY || b->has_not || b->nnear || b->has_source || b->nverify)
        return NULL;
    return m->alts[0][0];
}

static ns_status count_fast(ns_searcher *s, const char *term, const ns_search_opts *o,
                            ns_results *r, ns_error *err)
{
    postings all = {0}, title = {0}, empty = {0};
    char st_[NS_TERM_MAX + 8];
    size_t tlen = strlen(term);
    ns_status st = NS_OK;
    if (tlen + 2 > sizeof st_) return NS_DONE;
    st_[0] = NS_PREFIX_TITLE[0];
    memcpy(st_ + 1, term, tlen + 1);
    xc_status xs = xc_database_postlist(s->db, term, tlen, posting_add, &all);
    if (xs == XC_OK && !all.nomem)
        xs = xc_database_postlist(s->db, st_, tlen + 1, posting_add, &title);
    if (xs == XC_OK && !all.nomem && !title.nomem)
        xs = xc_database_postlist(s->db, NS_KEY(NS_TERM_NO_PASSAGE), posting_add, &empty);
    if (xs != XC_OK) {
        st = ns_error_from_xc(err, xs, s->path);
    } else if (all.nomem || title.nomem || empty.nomem) {
        st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    } else {
        size_t passages = 0, articles = 0, ti = 0, ei = 0;
        for (size_t i = 0; i < all.n; i++) {
            xc_docid id = all.v[i].id;
            while (ti < title.n && title.v[ti].id < id)
                ti++;
            while (ei < empty.n && empty.v[ei].id < id)
                ei++;
            uint32_t tw = ti < title.n && title.v[ti].id == id ? title.v[ti].wdf : 0;
            int none = ei < empty.n && empty.v[ei].id == id;
            uint64_t t3 = (uint64_t)tw * NS_TITLE_WDF;
            uint64_t body = all.v[i].wdf > t3 ? all.v[i].wdf - t3 : 0;
            size_t c = body ? (body < o->per_article ? (size_t)body : o->per_article)
                            : (tw && !none ? 1 : 0);
            passages += c;
            articles += c > 0;
        }
        r->total = passages;
        r->articles = articles;
        r->articles_estimated = articles > UINT32_MAX ? UINT32_MAX : (uint32_t)articles;
        r->total_exact = 1;
    }
    free(all.v), free(title.v), free(empty.v);
    return st;
}

/* --count of one wildcard (`de*`), from the posting lists where they
 * answer.
 *
 * The listing of `P*` (rank.c, as for one word: count_fast) has, of each
 * article, its passages that hold a word whose exact form begins with P,
 * at most per_article; when none does but the title does, its first
 * passage. The index has stems, not forms, so the query's terms (plan.c,
 * prefix_query: the pieces of matcher 0) are of two kinds here:
 *  - sure: the term T begins with P, and every form T was indexed from
 *    begins with P too, as the index's record of forms says (forms.h: T's
 *    shortest common start with its forms is at least |P|), and T has no
 *    dot (the dotted alternative of a word in capitals, "n.a.t.o", is no
 *    word and not in the record). Every passage T's wdf counts
 *    (wdf(T) - NS_TITLE_WDF * wdf(S T)) holds such a word.
 *  - the rest ("happi" for `happi*`, from "happy"; "deja" from "déjà";
 *    the terms prefix_query adds that do not begin with P), which may
 *    hold none.
 * Of an article, with B the passages that hold a match: a sure term in
 * per_article passages or more settles it (per_article); with no other
 * term than sure ones and only one of them in any passage, B is that
 * term's count, or 0 (then the title's, as count_fast). Else (two sure
 * terms that may share passages, or a term not sure) the article is read
 * and checked as the listing does (rank_article), in docid order.
 *
 * `--count de*` on the benchmark corpus: 97,509 articles, 30,821 read.
 * tests/e2e/count.sh and the oracle (tests/oracle/diff.py, per_article 1, 2
 * and all) check it is the listing's number. NS_DONE: not for this index
 * (too many docids for its tables, or keys it can't list): the caller
 * counts the usual way. */
#define COUNT_PREFIX_MAX_DOCID (64u << 20)

static int count_prefix_applies(const plan *b, const ns_qnode *top)
{
    if (!b->forms || !b->nform_dbs || top->kind != NS_Q_WILDCARD || top->field != NS_FIELD_ANY ||
        b->nm != 1 || b->has_not || b->nnear || b->has_source)
        return 0;
    const matcher *m = &b->m[0];
    return m->kind == M_PREFIX && !m->nparts && !m->xjoined && m->scored && m->npieces &&
           m->piece_wild[0] && m->word && !strcmp(m->word, m->piece[0]);
}

typedef struct termlist {
    ns_buf bytes;
    size_t *off;
    size_t n, cap;
    int nomem;
} termlist;

static int termlist_add(void *ctx, const char *term, size_t len, uint32_t tf)
{
    termlist *t = ctx;
    (void)tf;
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 256;
        size_t *v = realloc(t->off, nc * sizeof *v);
        if (!v) return t->nomem = 1;
        t->off = v;
        t->cap = nc;
    }
    t->off[t->n] = t->bytes.len;
    if (ns_buf_add(&t->bytes, term, len) != NS_OK || ns_buf_add(&t->bytes, "", 1) != NS_OK)
        return t->nomem = 1;
    t->n++;
    return 0;
}

static int cmp_termoff(const void *a, const void *b, void *base)
{
    return strcmp((const char *)base + *(const size_t *)a, (const char *)base + *(const size_t *)b);
}

/* The record's entries under a prefix, as a set (ns_forms_list). */
typedef struct noted {
    ns_forms f;
    int nomem;
} noted;

static int form_note(void *ctx, const char *term, size_t len, unsigned common)
{
    noted *n = ctx;
    if (ns_forms_note(&n->f, term, len, common) != NS_OK) return n->nomem = 1;
    return 0;
}

/* Per docid (count_prefix): the most passages one sure term holds (to
 * 255), how many sure terms hold a passage (to 2), and flags. */
enum { CP_SEEN = 1, CP_TITLE = 2, CP_UNSURE = 4, CP_EMPTY = 8 };
typedef struct cp_tables {
    uint8_t *most, *terms, *flags;
    postings title;
    size_t ti;
    int sure;
} cp_tables;

static int cp_body(void *ctx, xc_docid id, uint32_t wdf)
{
    cp_tables *t = ctx;
    t->flags[id] |= CP_SEEN;
    if (!t->sure) {
        t->flags[id] |= CP_UNSURE;
        return 0;
    }
    while (t->ti < t->title.n && t->title.v[t->ti].id < id)
        t->ti++;
    uint32_t tw = t->ti < t->title.n && t->title.v[t->ti].id == id ? t->title.v[t->ti].wdf : 0;
    uint64_t t3 = (uint64_t)tw * NS_TITLE_WDF;
    uint64_t body = wdf > t3 ? wdf - t3 : 0;
    if (tw) t->flags[id] |= CP_TITLE;
    if (body) {
        if (body > t->most[id]) t->most[id] = body > 255 ? 255 : (uint8_t)body;
        if (t->terms[id] < 2) t->terms[id]++;
    }
    return 0;
}

static int cp_empty(void *ctx, xc_docid id, uint32_t wdf)
{
    cp_tables *t = ctx;
    (void)wdf;
    t->flags[id] |= CP_EMPTY;
    return 0;
}

/* Read article `id` and count what the listing has of it (rank_article),
 * into *passages and *articles. */
static ns_status count_one(ns_searcher *s, plan *b, xc_docid id, size_t per_article,
                           size_t *passages, size_t *articles, ns_error *err)
{
    xc_document *doc = NULL;
    const char *data;
    size_t len;
    xc_status xs = xc_database_get_document(s->db, id, &doc);
    if (xs == XC_OK) xs = xc_document_get_data(doc, &data, &len);
    if (xs != XC_OK) {
        xc_document_free(doc);
        return ns_error_from_xc(err, xs, s->path);
    }
    art a = {0};
    ns_status st = unpack_record(s, id, data, len, &a.blob, &len, err);
    xc_document_free(doc);
    if (st != NS_OK) return st;
    if (ns_record_decode(a.blob, len, &a.rec) != NS_OK) {
        free(a.blob);
        return ns_error_set(err, NS_ERR_CORRUPT, "%s: document %u: unreadable record", s->path,
                            (unsigned)id);
    }
    candv cv = {0};
    size_t nmatch = 0;
    st = rank_article(s->an, b, &a, 0, per_article, 0, 1, &cv, &nmatch);
    if (st == NS_OK) {
        *passages += cv.n;
        *articles += cv.n > 0;
    } else {
        ns_error_set(err, st, "search: %s", ns_status_str(st));
    }
    rank_candv_free(&cv);
    rank_art_free(&a);
    return st;
}

static ns_status count_prefix(ns_searcher *s, plan *b, const ns_search_opts *o, ns_results *r,
                              ns_error *err)
{
    const matcher *m = &b->m[0];
    size_t plen = strlen(m->word);
    xc_docid last = 0;
    xc_status xs = xc_database_lastdocid(s->db, &last);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, s->path);
    if (last >= COUNT_PREFIX_MAX_DOCID) return NS_DONE;
    /* The exceptions among the terms that begin with P: of the index, or
     * of every shard (a term is sure only if it is in each of them, as
     * ns_forms_note keeps the smallest start). */
    noted fk = {0};
    for (size_t i = 0; i < b->nform_dbs && xs == XC_OK && !fk.nomem; i++)
        xs = ns_forms_list(b->form_dbs[i], m->word, plen, form_note, &fk);
    if (xs == XC_ERR_INVALID) {
        ns_forms_free(&fk.f);
        return NS_DONE; /* a database that can't list them */
    }
    termlist tl = {0};
    cp_tables t = {0};
    size_t *amb = NULL, namb = 0, passages = 0, articles = 0;
    ns_status st = NS_OK;
    if (xs != XC_OK) {
        st = ns_error_from_xc(err, xs, s->path);
        goto done;
    }
    if (fk.nomem) goto nomem;
    /* The query's terms, each once. */
    for (size_t i = 0; i < m->npieces && xs == XC_OK && !tl.nomem; i++) {
        if (m->piece_wild[i])
            xs = xc_database_allterms(s->db, m->piece[i], strlen(m->piece[i]), termlist_add, &tl);
        else
            termlist_add(&tl, m->piece[i], strlen(m->piece[i]), 0);
    }
    if (xs != XC_OK) {
        st = ns_error_from_xc(err, xs, s->path);
        goto done;
    }
    if (tl.nomem) goto nomem;
    if (tl.n > 1) qsort_r(tl.off, tl.n, sizeof *tl.off, cmp_termoff, tl.bytes.data);
    t.most = calloc((size_t)last + 1, 1);
    t.terms = calloc((size_t)last + 1, 1);
    t.flags = calloc((size_t)last + 1, 1);
    if (!t.most || !t.terms || !t.flags) goto nomem;
    for (size_t i = 0; i < tl.n && st == NS_OK; i++) {
        const char *term = tl.bytes.data + tl.off[i];
        size_t len = strlen(term);
        if (i > 0 && !strcmp(term, tl.bytes.data + tl.off[i - 1])) continue;
        t.sure = len >= plen && !memcmp(term, m->word, plen) && !memchr(term, '.', len) &&
                 ns_forms_common(&fk.f, term, len) >= plen;
        t.title.n = 0;
        t.ti = 0;
        if (t.sure) {
            char st_[NS_TERM_MAX + 8];
            if (len + 2 > sizeof st_) {
                t.sure = 0;
            } else {
                st_[0] = NS_PREFIX_TITLE[0];
                memcpy(st_ + 1, term, len + 1);
                xs = xc_database_postlist(s->db, st_, len + 1, posting_add, &t.title);
            }
        }
        if (xs == XC_OK && !t.title.nomem) xs = xc_database_postlist(s->db, term, len, cp_body, &t);
        if (xs != XC_OK) st = ns_error_from_xc(err, xs, s->path);
        if (t.title.nomem) goto nomem;
    }
    if (st == NS_OK) {
        xs = xc_database_postlist(s->db, NS_KEY(NS_TERM_NO_PASSAGE), cp_empty, &t);
        if (xs != XC_OK) st = ns_error_from_xc(err, xs, s->path);
    }
    if (st != NS_OK) goto done;
    /* Settle what the posting lists can; note the rest. */
    size_t pa = o->per_article;
    for (size_t id = 1; id <= last; id++) {
        unsigned f = t.flags[id];
        if (!(f & CP_SEEN) || (f & CP_EMPTY)) continue; /* no passage, nothing listed */
        size_t c;
        if (t.most[id] >= pa) {
            c = pa;
        } else if (!(f & CP_UNSURE) && t.terms[id] <= 1) {
            c = t.most[id] ? t.most[id] : (f & CP_TITLE) ? 1 : 0;
        } else {
            if (namb % 1024 == 0) {
                size_t *v = realloc(amb, (namb + 1024) * sizeof *v);
                if (!v) goto nomem;
                amb = v;
            }
            amb[namb++] = id;
            continue;
        }
        passages += c;
        articles += c > 0;
    }
    free(t.most), free(t.terms), free(t.flags);
    t.most = t.terms = t.flags = NULL;
    if (namb) {
        if (plan_prepare(b) != 0) goto nomem;
        scan_interest(s, b);
        for (size_t i = 0; i < namb && st == NS_OK; i++)
            st = count_one(s, b, (xc_docid)amb[i], pa, &passages, &articles, err);
        ns_analyzer_set_interest(s->an, NULL, 0);
    }
    if (st == NS_OK) {
        r->total = passages;
        r->articles = articles;
        r->articles_estimated = articles > UINT32_MAX ? UINT32_MAX : (uint32_t)articles;
        r->total_exact = 1;
    }
    goto done;
nomem:
    st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
done:
    ns_forms_free(&fk.f);
    ns_buf_free(&tl.bytes);
    free(tl.off);
    free(t.most), free(t.terms), free(t.flags), free(t.title.v);
    free(amb);
    return st;
}

/* --count of a query that only filters by date (a range, or an AND of
 * them), from the passage counts in NS_SLOT_PASSAGES.
 *
 * Such a query holds on every passage of an article in range: no word asks
 * a passage to show it (doc/query-syntax.md, "What matches"), so the
 * listing has each such article's first per_article passages, and nothing
 * of an article without passages. Xapian decides which articles are in
 * range (the value range the plan built) and counts them by their number of
 * passages without reading one (xc_enquire_value_counts). tests/e2e/count.sh
 * and the oracle check it is the listing's number. */
static int count_filtered_applies(const plan *b, const ns_qnode *n)
{
    if (b->nm || b->has_not || b->has_source || b->nnear || b->nverify) return 0;
    if (n->kind == NS_Q_DATE) return 1;
    if (n->kind != NS_Q_AND || n->nkids == 0) return 0;
    for (size_t i = 0; i < n->nkids; i++)
        if (!count_filtered_applies(b, n->kids[i])) return 0;
    return 1;
}

typedef struct filtered {
    size_t per_article, passages, articles;
} filtered;

static void add_value_count(void *ctx, const char *val, size_t len, uint32_t count)
{
    filtered *f = ctx;
    size_t np = 0;
    for (size_t i = 0; i < len && val[i] >= '0' && val[i] <= '9' && np < SIZE_MAX / 10; i++)
        np = np * 10 + (size_t)(val[i] - '0');
    if (!np) return;
    f->passages += (np < f->per_article ? np : f->per_article) * (size_t)count;
    f->articles += count;
}

static ns_status count_filtered(ns_searcher *s, const xc_query *q, const ns_search_opts *o,
                                ns_results *r, ns_error *err)
{
    xc_enquire *e = NULL;
    filtered f = {o->per_article, 0, 0};
    xc_status xs = xc_enquire_new(s->db, &e);
    if (xs == XC_OK) xs = xc_enquire_set_query(e, q);
    if (xs == XC_OK) xs = xc_enquire_value_counts(e, NS_SLOT_PASSAGES, add_value_count, &f, NULL);
    xc_enquire_free(e);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, s->path);
    r->total = f.passages;
    r->articles = f.articles;
    r->articles_estimated = f.articles > UINT32_MAX ? UINT32_MAX : (uint32_t)f.articles;
    r->total_exact = 1;
    return NS_OK;
}

/* One attempt; NS_ERR_MODIFIED makes the caller reopen and retry. */
static ns_status search_once(ns_searcher *s, const ns_qnode *tree, const ns_search_opts *o,
                             ns_results *r, ns_error *err)
{
    plan b = {0};
    b.db = s->db;
    b.an = s->an;
    b.plain = s->plain;
    b.warn = o->warn;
    b.warn_ctx = o->warn_ctx;
    b.pairs = &s->pairs;
    b.months = s->months;
    /* The databases whose forms a wildcard lists: the index, or each live
     * shard (the combined database lists the first one's only). */
    xc_database *fdbs[64];
    b.forms = s->forms;
    if (s->nshards) {
        for (size_t i = 0; i < s->nshards && b.nform_dbs < 64; i++)
            if (s->shards[i].db) fdbs[b.nform_dbs++] = s->shards[i].db;
        if (b.nform_dbs < s->nshards) b.forms = 0; /* more than 64, or one down */
    } else {
        fdbs[b.nform_dbs++] = s->db;
    }
    b.form_dbs = fdbs;
    b.err = err;
    b.st = NS_OK;
    xc_status xs = xc_database_doccount(s->db, &b.ndocs);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, s->path);
    b.toks = malloc(MAX_TOKS * sizeof *b.toks);
    ns_qnode **kids = calloc(2 * (tree->nkids + 1), sizeof *kids);
    if (!b.toks || !kids) {
        free(b.toks);
        free(kids);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    ns_qnode or_, and_;
    const ns_qnode *top = tree;
    int relaxed = 0;
    if (o->any && plan_relaxable(tree)) {
        top = plan_relax(tree, &or_, kids, &and_, kids + tree->nkids + 1);
        relaxed = 1;
    }
    xc_query *q = plan_build(&b, top);
    if (b.st == NS_OK && !q) {
        /* Nothing searchable: every word is punctuation (`...`, `"—"`),
         * which the parser can't tell (qparse.c refuses only operators,
         * parentheses and empty quotes). Refused the same way, at the
         * first word. */
        const ns_qnode *k = tree;
        while (k->nkids)
            k = k->kids[0];
        int excludes = 0;
        for (size_t i = 0; tree->kind == NS_Q_AND && i < tree->nkids; i++)
            excludes |= tree->kids[i]->kind == NS_Q_NOT;
        b.st = ns_error_set(err, NS_ERR_QUERY, "%s",
                            excludes ? "nothing to search for: add a word that must match; "
                                       "the query only excludes"
                                     : "nothing to search for: the query's words are only "
                                       "punctuation");
        err->column = k->offset + 1;
    }
    if (b.st != NS_OK || !q) {
        /* An error. */
        xc_query_free(q);
        plan_clear(&b);
        free(b.toks);
        free(kids);
        r->total_exact = 1;
        return b.st;
    }
    /* A count the index answers without reading every candidate, when one
     * applies (NS_DONE: none does). */
    ns_status cs = NS_DONE;
    const char *term;
    if (o->count_all && !relaxed) {
        if (s->npvalues && count_filtered_applies(&b, top))
            cs = count_filtered(s, q, o, r, err);
        else if (count_prefix_applies(&b, top))
            cs = count_prefix(s, &b, o, r, err);
        else if (s->counts && (term = count_fast_term(&b, top)))
            cs = count_fast(s, term, o, r, err);
    }
    if (cs != NS_DONE) {
        xc_query_free(q);
        plan_clear(&b);
        free(b.toks);
        free(kids);
        return cs;
    }
    xc_enquire *e = NULL;
    ns_status st = NS_OK;
    xs = xc_enquire_new(s->db, &e);
    if (xs == XC_OK) xs = xc_enquire_set_bm25(e, BM25_K1, 0, 1, BM25_B, 0.5);
    if (xs == XC_OK && o->sort_by_date)
        xs = xc_enquire_set_sort(e, XC_SORT_VALUE_THEN_RELEVANCE, NS_SLOT_DATE, 1);
    else if (xs == XC_OK && xapian_orders_ties(s, &b, o))
        xs = xc_enquire_set_sort(e, XC_SORT_RELEVANCE_THEN_VALUE, NS_SLOT_ID, 0);
    if (xs != XC_OK) st = ns_error_from_xc(err, xs, s->path);
    size_t matched = 0;
    if (st == NS_OK) st = run(s, &b, e, q, o, r, &matched, err);
    priv *p = r->priv;
    if (st == NS_OK && matched == 0 && !relaxed && plan_relaxable(tree)) {
        /* No passage has every word: fall back to any word, and say so if
         * that finds something. */
        rank_priv_clear(p);
        plan_clear(&b);
        b.st = NS_OK;
        top = plan_relax(tree, &or_, kids, &and_, kids + tree->nkids + 1);
        xc_query_free(q);
        q = plan_build(&b, top);
        if (b.st != NS_OK) {
            st = b.st;
        } else if (q) {
            st = run(s, &b, e, q, o, r, &matched, err);
            r->partial = st == NS_OK && matched > 0;
        }
    }
    xc_enquire_free(e);
    xc_query_free(q);
    plan_clear(&b);
    free(b.toks);
    free(kids);
    return st;
}

static void reset_results(ns_results *r)
{
    rank_priv_clear(r->priv);
    r->partial = 0;
    r->total = r->articles = 0;
    r->articles_estimated = 0;
    r->total_exact = 0;
}

static void warn_fwd(void *ctx, size_t column, const char *msg)
{
    const ns_search_opts *o = ctx;
    if (o->warn) o->warn(o->warn_ctx, column, msg);
}

ns_status ns_search(ns_searcher *s, const char *query, size_t len, const ns_search_opts *opts,
                    ns_results **out, ns_error *err)
{
    ns_search_opts o = opts ? *opts : (ns_search_opts){0};
    if (!o.limit) o.limit = 10;
    if (!o.per_article) o.per_article = 2;
    if (!o.now) o.now = (int64_t)time(NULL);
    *out = NULL;
    ns_qparse_opts qo = {o.now, warn_fwd, &o};
    ns_qnode *tree = NULL;
    ns_status st = ns_query_parse(query, len, &qo, &tree, err);
    if (st != NS_OK) return st;
    ns_results *r = calloc(1, sizeof *r);
    priv *p = calloc(1, sizeof *p);
    if (!r || !p) {
        free(r), free(p);
        ns_qnode_free(tree);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    r->priv = p;
    ns_qnode_sexpr(tree, &r->parsed);
    int afresh = 0; /* the shards were opened afresh for this query */
    for (int attempt = 0;; attempt++) {
        st = search_once(s, tree, &o, r, err);
        if (st != NS_OK && s->nshards) {
            if (attempt == 3 || (st != NS_ERR_NETWORK && st != NS_ERR_NOTFOUND && st != NS_ERR_IO &&
                                 st != NS_ERR_MODIFIED))
                break;
            /* A commit on a shard: catch up. A shard gone (its server
             * restarted, its connection lost, its generation deleted by a
             * merge or a rebuild) or too slow: open the live shards afresh
             * and run again, once; after that, only the shards that can't
             * reopen are, and those that still fail are dropped with a
             * warning (allow_partial) or named in the error. */
            int all = st != NS_ERR_MODIFIED && !afresh;
            size_t moved = 0;
            ns_error rerr = {0};
            ns_status rs = refresh_shards(s, all, 0, &moved, NULL, &rerr);
            if (rs != NS_OK) {
                if (err) *err = rerr;
                st = rs;
                break;
            }
            if (all)
                afresh = 1;
            else if (!moved && st != NS_ERR_MODIFIED)
                break; /* nobody to blame: keep the search's own error */
            reset_results(r);
            continue;
        }
        int retry = st == NS_ERR_MODIFIED || st == NS_ERR_NOTFOUND || st == NS_ERR_IO;
        if (!retry || attempt == 3) break;
        /* The indexer committed underneath (or a rebuild replaced the
         * generation we had open): catch up and run again. */
        reset_results(r);
        ns_error rerr = {0};
        if (ns_searcher_reopen(s, NULL, &rerr) != NS_OK) break;
    }
    ns_qnode_free(tree);
    if (st != NS_OK) {
        ns_results_free(r);
        if (st != NS_ERR_QUERY && st != NS_ERR_LIMIT && !s->nshards && err) {
            ns_error_advise_index(err, s->path);
            st = err->status;
        }
        return st;
    }
    if (r->partial && o.warn) {
        o.warn(o.warn_ctx, 0, "no passage has all the words; showing the best partial matches");
    }
    size_t n = p->ncands;
    r->hits = calloc(n ? n : 1, sizeof *r->hits);
    if (!r->hits) {
        ns_results_free(r);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const cand *c = &p->cands[i];
        const art *a = &p->arts[c->art];
        const ns_passage *pa = &a->rec.art.passages[c->passage];
        ns_hit *h = &r->hits[i];
        h->path = a->rec.art.path;
        h->id = a->rec.art.id;
        h->title = a->rec.art.title;
        h->source = a->rec.art.source;
        h->url = a->rec.art.url;
        h->date = a->rec.art.date;
        h->line = pa->line;
        h->column = pa->column;
        h->text = pa->text;
        h->len = pa->len;
        h->spans = c->spans;
        h->nspans = c->nspans;
        h->score = c->score;
        h->article_score = a->weight;
        h->article_rank = a->rank;
        h->passage = c->passage;
        h->explain = c->explain;
    }
    r->nhits = n;
    *out = r;
    return NS_OK;
}
