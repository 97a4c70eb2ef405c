/* walk.c: the corpus folder walker (see walk.h for the contract).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Each folder is read whole (names and a type guess from d_type, or fstatat
 * for links and unknown types), closed, sorted, and only then visited, so a
 * walk holds one directory stream open at a time however deep the tree is
 * (and an O_PATH descriptor a level, down to FD_DEPTH levels).
 * Entries are stat'ed again after the listing (once: lstat relative to their
 * folder, and stat only for a link), by the visit itself or, in a large
 * folder, just ahead of it by a helper thread ("stat ahead" below): that
 * both follows links and notices what vanished since the listing. Folders
 * walked are remembered by
 * (device, inode) in a hash set, which ends link loops and keeps a folder
 * linked twice from being walked twice.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct entry {
    char *name;
    size_t len;
    int is_dir; /* as listed; sorts the folder as "name/" */
} entry;

typedef struct devino {
    dev_t dev;
    ino_t ino;
} devino;

typedef struct pattern {
    const char *text; /* into pat_buf */
    int dir_only;
} pattern;

typedef struct walker {
    int include_hidden;
    ns_warn_fn warn;
    void *warn_ctx;
    ns_walk_fn fn;
    void *ctx;
    pattern *pats;
    size_t npats;
    char *pat_buf;

    char *path; /* the current path, NUL-terminated */
    size_t len, cap;
    size_t rel; /* offset of the root-relative part in path */

    devino *set; /* open addressing; ino 0 with dev 0 = empty slot */
    size_t set_cap, set_n;
    int set_has_zero;
    devino *stack; /* folders on the current path */
    size_t depth, stack_cap;

    int stopped;
    int nomem;
    int follow; /* follow links that lead out of the root */
    void (*unread)(void *ctx, const char *path);
    void *unread_ctx;
    char *realroot; /* the root with its links resolved */
    /* The folder being visited, opened O_PATH, for the entries' lstat
     * relative to it (no lookup of the whole path each time: 20% of a
     * nightly run's walk); -1: by the whole path. One such descriptor a
     * level, down to FD_DEPTH levels. */
    int dfd;
} walker;

#define FD_DEPTH 32

static void wwarn(walker *w, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void wwarn(walker *w, const char *path, const char *fmt, ...)
{
    if (!w->warn) {
        return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->warn(w->warn_ctx, path, 0, msg);
}

/* The current path could not be looked into (ns_walk_opts.unread). */
static void unread(walker *w)
{
    if (w->unread) w->unread(w->unread_ctx, w->path);
}

/* Editor backups and lock files: `*~`, `#*#`, `.*.swp`, `.*.swo`, `.#*`. */
static int backup_name(const char *name, size_t n)
{
    if (n > 0 && name[n - 1] == '~') {
        return 1;
    }
    if (n >= 2 && name[0] == '#' && name[n - 1] == '#') {
        return 1;
    }
    if (n >= 2 && name[0] == '.' && name[1] == '#') {
        return 1;
    }
    return n > 5 && name[0] == '.' &&
           (strcmp(name + n - 4, ".swp") == 0 || strcmp(name + n - 4, ".swo") == 0);
}

static int excluded_at(const walker *w, const char *rel, const char *name, int is_dir)
{
    for (size_t i = 0; i < w->npats; i++) {
        if (w->pats[i].dir_only && !is_dir) {
            continue;
        }
        if (fnmatch(w->pats[i].text, rel, FNM_PATHNAME) == 0 ||
            fnmatch(w->pats[i].text, name, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

static int excluded(const walker *w, const char *name, int is_dir)
{
    return excluded_at(w, w->path + w->rel, name, is_dir);
}

/* ---- folders already walked ---- */

static size_t devino_hash(devino k, size_t cap)
{
    uint64_t h = (uint64_t)k.ino * 0x9E3779B97F4A7C15u ^ (uint64_t)k.dev * 0xC2B2AE3D27D4EB4Fu;
    h ^= h >> 29;
    return (size_t)h & (cap - 1);
}

static int devino_empty(devino k)
{
    return k.dev == 0 && k.ino == 0;
}

static int set_has(const walker *w, devino k)
{
    if (devino_empty(k)) {
        return w->set_has_zero;
    }
    if (w->set_cap == 0) {
        return 0;
    }
    for (size_t i = devino_hash(k, w->set_cap);; i = (i + 1) & (w->set_cap - 1)) {
        if (devino_empty(w->set[i])) {
            return 0;
        }
        if (w->set[i].dev == k.dev && w->set[i].ino == k.ino) {
            return 1;
        }
    }
}

static int set_add(walker *w, devino k)
{
    if (devino_empty(k)) {
        w->set_has_zero = 1;
        return 1;
    }
    if ((w->set_n + 1) * 2 > w->set_cap) {
        size_t cap = w->set_cap ? w->set_cap * 2 : 64;
        devino *s = calloc(cap, sizeof *s);
        if (!s) {
            return 0;
        }
        for (size_t i = 0; i < w->set_cap; i++) {
            if (!devino_empty(w->set[i])) {
                size_t j = devino_hash(w->set[i], cap);
                while (!devino_empty(s[j])) {
                    j = (j + 1) & (cap - 1);
                }
                s[j] = w->set[i];
            }
        }
        free(w->set);
        w->set = s;
        w->set_cap = cap;
    }
    size_t i = devino_hash(k, w->set_cap);
    while (!devino_empty(w->set[i])) {
        i = (i + 1) & (w->set_cap - 1);
    }
    w->set[i] = k;
    w->set_n++;
    return 1;
}

static int on_stack(const walker *w, devino k)
{
    for (size_t i = 0; i < w->depth; i++) {
        if (w->stack[i].dev == k.dev && w->stack[i].ino == k.ino) {
            return 1;
        }
    }
    return 0;
}

static int push(walker *w, devino k)
{
    if (w->depth == w->stack_cap) {
        size_t cap = w->stack_cap ? w->stack_cap * 2 : 16;
        devino *s = realloc(w->stack, cap * sizeof *s);
        if (!s) {
            return 0;
        }
        w->stack = s;
        w->stack_cap = cap;
    }
    w->stack[w->depth++] = k;
    return 1;
}

/* ---- the path buffer ---- */

/* Append "/name" (no '/' when the path already ends with one); returns the
 * previous length, to truncate back to, or SIZE_MAX when out of memory. */
static size_t path_push(walker *w, const char *name, size_t n)
{
    size_t old = w->len;
    int slash = w->len > 0 && w->path[w->len - 1] != '/';
    if (w->len + slash + n + 1 > w->cap) {
        size_t cap = (w->len + slash + n + 1) * 2;
        char *p = realloc(w->path, cap);
        if (!p) {
            return SIZE_MAX;
        }
        w->path = p;
        w->cap = cap;
    }
    if (slash) {
        w->path[w->len++] = '/';
    }
    memcpy(w->path + w->len, name, n + 1);
    w->len += n;
    return old;
}

static void path_pop(walker *w, size_t old)
{
    w->len = old;
    w->path[old] = '\0';
}

/* strcmp order of "name" for files and "name/" for folders. */
static int entry_cmp(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->name, y->name, n);
    if (c != 0) {
        return c;
    }
    /* One is a prefix of the other (or they are equal): the next byte
     * decides, '/' at a folder's end, nothing (lowest) at a file's. A name
     * holds no '/', so there is nothing to compare after it. */
    int cx = n < x->len ? (unsigned char)x->name[n] : x->is_dir ? '/' : -1;
    int cy = n < y->len ? (unsigned char)y->name[n] : y->is_dir ? '/' : -1;
    return cx == cy ? 0 : cx < cy ? -1 : 1;
}

/* ---- stat ahead ----
 *
 * A nightly run's walk is mostly one lstat per corpus file, and the
 * caller's comparison of it with the index's bookkeeping. In a folder of
 * PRESTAT_MIN entries or more, a helper thread lstats the sorted entries
 * ahead of the visits, a chunk of PRESTAT_CHUNK at a time into one of two
 * buffers: the visits of one chunk overlap the lstats of the next, and the
 * two threads meet once a chunk. The results are what the visit's own
 * lstat would have said a moment earlier: the visit stats again whatever is
 * not a plain lstat'able entry (a link, a failure), and a file deleted in
 * between is yielded and then fails to open, as one deleted just after its
 * visit would. */
#define PRESTAT_MIN   64
#define PRESTAT_CHUNK 128

typedef struct prestat {
    int dfd;
    const entry *ents;
    size_t n;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t ready; /* chunks stat'ed (mu) */
    size_t freed; /* chunks the walk is through with (mu) */
    int stop;     /* the walk ends early (mu) */
    size_t seen;  /* the walk's copy of `ready` */
    struct stat st[2][PRESTAT_CHUNK];
    unsigned char ok[2][PRESTAT_CHUNK];
} prestat;

static void *prestat_run(void *arg)
{
    prestat *p = arg;
    size_t chunks = (p->n + PRESTAT_CHUNK - 1) / PRESTAT_CHUNK;
    for (size_t c = 0; c < chunks; c++) {
        pthread_mutex_lock(&p->mu);
        while (c >= p->freed + 2 && !p->stop) {
            pthread_cond_wait(&p->cv, &p->mu);
        }
        int stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop) {
            break;
        }
        size_t from = c * PRESTAT_CHUNK,
               to = from + PRESTAT_CHUNK < p->n ? from + PRESTAT_CHUNK : p->n;
        for (size_t i = from; i < to; i++) {
            p->ok[c % 2][i - from] =
                fstatat(p->dfd, p->ents[i].name, &p->st[c % 2][i - from], AT_SYMLINK_NOFOLLOW) == 0;
        }
        pthread_mutex_lock(&p->mu);
        p->ready = c + 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

/* A helper for ents[0..n) of the folder dfd, or NULL (too few entries, no
 * memory, no thread: the visits stat for themselves). */
static prestat *prestat_start(int dfd, const entry *ents, size_t n)
{
    if (dfd < 0 || n < PRESTAT_MIN) {
        return NULL;
    }
    prestat *p = malloc(sizeof *p);
    if (!p) {
        return NULL;
    }
    p->dfd = dfd;
    p->ents = ents;
    p->n = n;
    p->ready = p->freed = p->seen = 0;
    p->stop = 0;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->th, NULL, prestat_run, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p);
        return NULL;
    }
    return p;
}

/* Entry i's lstat (in walk order): 1 with *st set, or 0 when it failed. */
static int prestat_get(prestat *p, size_t i, struct stat *st)
{
    size_t c = i / PRESTAT_CHUNK;
    if (c >= p->seen) {
        pthread_mutex_lock(&p->mu);
        while (p->ready <= c) {
            pthread_cond_wait(&p->cv, &p->mu);
        }
        p->seen = p->ready;
        pthread_mutex_unlock(&p->mu);
    }
    size_t k = i % PRESTAT_CHUNK;
    if (p->ok[c % 2][k]) {
        *st = p->st[c % 2][k];
    }
    return p->ok[c % 2][k];
}

/* The walk is through with entry i (and all before it). */
static void prestat_release(prestat *p, size_t i)
{
    if (i % PRESTAT_CHUNK != PRESTAT_CHUNK - 1 && i != p->n - 1) {
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->freed = i / PRESTAT_CHUNK + 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void prestat_end(prestat *p)
{
    if (!p) {
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->th, NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}

static ns_status walk_dir(walker *w, int is_root, ns_error *err);

/* Would the walk reach the folder `rel` (a path relative to the root, of
 * real names: no link on the way) by itself? Not when a name on the way is
 * hidden (unless include_hidden) or an editor backup, or matches an
 * exclude pattern, as a folder: the tests visit() and walk_dir() make.
 * (A folder it can't read on the way is not foreseen: then neither the
 * folder nor the link to it is walked, each with its warning.) */
static int reaches(const walker *w, const char *rel)
{
    size_t n = strlen(rel);
    char *path = malloc(n + 1);
    if (!path) return 0; /* walk the link: never a folder lost */
    memcpy(path, rel, n + 1);
    int ok = n > 0;
    for (char *p = path; ok && *p;) {
        size_t len = strcspn(p, "/");
        char save = p[len];
        p[len] = '\0';
        if ((p[0] == '.' && !w->include_hidden) || backup_name(p, len) ||
            excluded_at(w, path, p, 1))
            ok = 0;
        p[len] = save;
        p += len + (save != '\0');
    }
    free(path);
    return ok;
}

/* The part of `real` (a resolved path) below the root's resolved path, or
 * NULL when it is not below it (outside, or the root itself). */
static const char *below_root(const walker *w, const char *real)
{
    size_t rn = strlen(w->realroot);
    if (rn == 1 && w->realroot[0] == '/') return real[0] == '/' && real[1] ? real + 1 : NULL;
    if (strncmp(real, w->realroot, rn) != 0 || real[rn] != '/' || !real[rn + 1]) return NULL;
    return real + rn + 1;
}

/* Entry i of the folder being walked; ps: its stat-ahead helper, or NULL. */
static void visit(walker *w, const entry *e, prestat *ps, size_t i)
{
    if (excluded(w, e->name, e->is_dir)) {
        return;
    }
    struct stat st, lk;
    int have = 0; /* st holds the entry's stat already */
    int looked;
    char *real = NULL; /* a link's target, resolved */
    if (w->follow) {
        looked = 0;
    } else if (ps) {
        looked = prestat_get(ps, i, &lk);
    } else {
        looked = (w->dfd >= 0 ? fstatat(w->dfd, e->name, &lk, AT_SYMLINK_NOFOLLOW)
                              : lstat(w->path, &lk)) == 0;
    }
    if (looked && !S_ISLNK(lk.st_mode)) {
        /* Not a link: lstat said what stat would (one call a file, not
         * two: a nightly run stats every corpus file). */
        st = lk;
        have = 1;
    } else if (looked) {
        /* A link must stay inside the corpus folder: a link to
         * /etc/passwd would put it in the index (--follow allows it). */
        real = realpath(w->path, NULL);
        int inside = real && (below_root(w, real) || strcmp(real, w->realroot) == 0);
        if (real && !inside) {
            wwarn(w, w->path,
                  "symbolic link to %s, outside the corpus folder, skipped (--follow follows it)",
                  real);
            goto out;
        }
    }
    if (!have && stat(w->path, &st) != 0) {
        int errnum = errno;
        struct stat lst;
        if (errnum == ENOENT && lstat(w->path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
            wwarn(w, w->path, "broken symbolic link, skipped");
        } else if (errnum == ENOENT || errnum == ENOTDIR) {
            wwarn(w, w->path, "vanished during the walk, skipped");
        } else if (errnum == ELOOP) {
            wwarn(w, w->path, "symbolic link loop, skipped");
        } else {
            wwarn(w, w->path, "%s, skipped", strerror(errnum));
            unread(w);
        }
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!e->is_dir && excluded(w, e->name, 1)) {
            goto out;
        }
        devino k = {st.st_dev, st.st_ino};
        if (on_stack(w, k)) {
            wwarn(w, w->path, "symbolic link loop, skipped");
            goto out;
        }
        /* A link to a folder that the walk reaches by its own path is
         * skipped, whether it comes before that path or after: the files
         * keep their real paths, the same every run, and the warning names
         * the link (which --exclude can drop). Links are few: --follow,
         * which looked at none, looks at folders now. */
        int link = looked ? !have
                          : (w->dfd >= 0 ? fstatat(w->dfd, e->name, &lk, AT_SYMLINK_NOFOLLOW)
                                         : lstat(w->path, &lk)) == 0 &&
                                S_ISLNK(lk.st_mode);
        if (link && !real) real = realpath(w->path, NULL);
        const char *own = link && real ? below_root(w, real) : NULL;
        if (own && reaches(w, own)) {
            wwarn(w, w->path, "symbolic link to %.*s%s, a folder walked by its own path, skipped",
                  (int)w->rel, w->path, own);
            goto out;
        }
        if (set_has(w, k)) {
            wwarn(w, w->path, "folder already walked through another link, skipped");
            goto out;
        }
        if (!set_add(w, k) || !push(w, k)) {
            w->nomem = 1;
            goto out;
        }
        free(real);
        real = NULL;
        walk_dir(w, 0, NULL);
        w->depth--;
        goto out;
    }
    if (ns_file_kind_of(e->name, NULL) == NS_FILE_UNKNOWN) {
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        wwarn(w, w->path, "not a regular file, skipped");
        goto out;
    }
    if (w->fn(w->ctx, w->path, &st)) {
        w->stopped = 1;
    }
out:
    free(real);
}

static void free_entries(entry *ents, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ents[i].name);
    }
    free(ents);
}

/* Walk the folder at w->path. Errors reading the root are returned; below
 * the root they are warnings. */
static ns_status walk_dir(walker *w, int is_root, ns_error *err)
{
    DIR *d = opendir(w->path);
    if (!d) {
        int errnum = errno;
        if (is_root) {
            return ns_error_set(err, errnum == ENOENT ? NS_ERR_NOTFOUND : NS_ERR_IO,
                                "%s: cannot read folder: %s", w->path, strerror(errnum));
        }
        if (errnum == ENOENT) {
            wwarn(w, w->path, "vanished during the walk, skipped");
        } else {
            wwarn(w, w->path, "cannot read folder: %s", strerror(errnum));
            unread(w);
        }
        return NS_OK;
    }
    entry *ents = NULL;
    size_t n = 0, cap = 0;
    int dfd = dirfd(d);
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno) {
                wwarn(w, w->path, "error reading folder: %s", strerror(errno));
                unread(w);
            }
            break;
        }
        const char *name = de->d_name;
        size_t len = strlen(name);
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
            continue;
        }
        if ((name[0] == '.' && !w->include_hidden) || backup_name(name, len)) {
            continue;
        }
        int is_dir;
        if (de->d_type == DT_DIR) {
            is_dir = 1;
        } else if (de->d_type == DT_REG) {
            if (ns_file_kind_of(name, NULL) == NS_FILE_UNKNOWN) {
                continue;
            }
            is_dir = 0;
        } else {
            /* A link, or a file system without d_type: look. A failure is
             * reported when the entry is visited. */
            struct stat st;
            is_dir = fstatat(dfd, name, &st, 0) == 0 && S_ISDIR(st.st_mode);
            if (!is_dir && ns_file_kind_of(name, NULL) == NS_FILE_UNKNOWN) {
                continue;
            }
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            entry *e = realloc(ents, ncap * sizeof *e);
            if (!e) {
                w->nomem = 1;
                break;
            }
            ents = e;
            cap = ncap;
        }
        ents[n].name = malloc(len + 1);
        if (!ents[n].name) {
            w->nomem = 1;
            break;
        }
        memcpy(ents[n].name, name, len + 1);
        ents[n].len = len;
        ents[n].is_dir = is_dir;
        n++;
    }
    int parent = w->dfd;
    w->dfd = w->depth <= FD_DEPTH ? openat(dfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    closedir(d);
    if (w->nomem) {
        if (w->dfd >= 0) close(w->dfd);
        w->dfd = parent;
        free_entries(ents, n);
        return NS_OK;
    }
    if (n > 1) {
        qsort(ents, n, sizeof *ents, entry_cmp);
    }
    prestat *ps = w->follow ? NULL : prestat_start(w->dfd, ents, n);
    for (size_t i = 0; i < n && !w->stopped && !w->nomem; i++) {
        size_t old = path_push(w, ents[i].name, ents[i].len);
        if (old == SIZE_MAX) {
            w->nomem = 1;
            break;
        }
        visit(w, &ents[i], ps, i);
        path_pop(w, old);
        if (ps) {
            prestat_release(ps, i);
        }
    }
    prestat_end(ps);
    if (w->dfd >= 0) close(w->dfd);
    w->dfd = parent;
    free_entries(ents, n);
    return NS_OK;
}

/* Copy the exclude patterns, noting and dropping a trailing '/' and a
 * leading "/" or "./". */
static int compile_patterns(walker *w, const ns_walk_opts *opts)
{
    if (!opts || opts->nexclude == 0) {
        return 1;
    }
    size_t total = 0;
    for (size_t i = 0; i < opts->nexclude; i++) {
        total += strlen(opts->exclude[i]) + 1;
    }
    w->pats = calloc(opts->nexclude, sizeof *w->pats);
    w->pat_buf = malloc(total);
    if (!w->pats || !w->pat_buf) {
        return 0;
    }
    char *o = w->pat_buf;
    for (size_t i = 0; i < opts->nexclude; i++) {
        const char *p = opts->exclude[i];
        if (strncmp(p, "./", 2) == 0) {
            p += 2;
        }
        while (*p == '/') {
            p++;
        }
        size_t n = strlen(p);
        int dir_only = 0;
        while (n > 0 && p[n - 1] == '/') {
            n--;
            dir_only = 1;
        }
        if (n == 0) {
            continue;
        }
        memcpy(o, p, n);
        o[n] = '\0';
        w->pats[w->npats].text = o;
        w->pats[w->npats].dir_only = dir_only;
        w->npats++;
        o += n + 1;
    }
    return 1;
}

ns_status ns_walk(const char *root, const ns_walk_opts *opts, ns_walk_fn fn, void *ctx,
                  ns_error *err)
{
    ns_error_clear(err);
    struct stat st;
    if (stat(root, &st) != 0) {
        int errnum = errno;
        return ns_error_set(err,
                            (errnum == ENOENT || errnum == ENOTDIR) ? NS_ERR_NOTFOUND : NS_ERR_IO,
                            "%s: %s", root, strerror(errnum));
    }
    if (S_ISREG(st.st_mode)) {
        if (ns_file_kind_of(root, NULL) == NS_FILE_UNKNOWN) {
            return ns_error_set(err, NS_ERR_FORMAT,
                                "%s: not a corpus file (.txt, .jsonl, .txt.gz, .jsonl.gz)", root);
        }
        fn(ctx, root, &st);
        return NS_OK;
    }
    if (!S_ISDIR(st.st_mode)) {
        return ns_error_set(err, NS_ERR_FORMAT, "%s: neither a folder nor a regular file", root);
    }

    walker w;
    memset(&w, 0, sizeof w);
    w.fn = fn;
    w.ctx = ctx;
    w.dfd = -1;
    if (opts) {
        w.include_hidden = opts->include_hidden;
        w.warn = opts->warn;
        w.warn_ctx = opts->warn_ctx;
        w.follow = opts->follow_links_out;
        w.unread = opts->unread;
        w.unread_ctx = opts->unread_ctx;
    }
    w.realroot = realpath(root, NULL);
    if (!w.realroot) return ns_error_set(err, NS_ERR_IO, "%s: %s", root, strerror(errno));
    ns_status rc = NS_OK;
    size_t n = strlen(root);
    w.cap = n + 256;
    w.path = malloc(w.cap);
    devino k = {st.st_dev, st.st_ino};
    if (!w.path || !compile_patterns(&w, opts) || !set_add(&w, k) || !push(&w, k)) {
        rc = ns_error_set(err, NS_ERR_NOMEM, "%s: out of memory", root);
        goto done;
    }
    memcpy(w.path, root, n + 1);
    w.len = n;
    w.rel = n + (n > 0 && root[n - 1] != '/');
    rc = walk_dir(&w, 1, err);
    if (rc == NS_OK && w.nomem) {
        rc = ns_error_set(err, NS_ERR_NOMEM, "%s: out of memory during the walk", root);
    }
done:
    free(w.realroot);
    free(w.path);
    free(w.pats);
    free(w.pat_buf);
    free(w.set);
    free(w.stack);
    return rc;
}
