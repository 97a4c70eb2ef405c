/* index.c: the index folder (generations, stub, lock), and the writer of
 * the documents of schema.h.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Folder layout
 * -------------
 *   INDEX/XAPIANDB     a stub file in Xapian's format: "auto gen-N", read
 *                      by nsearch (stub.h), never by libxapian.
 *   INDEX/gen-N/       the live Xapian (glass) database.
 *   INDEX/gen-N.readers  the readers' lock of gen-N (empty file): every
 *                      reader holds a shared flock() on it while it has the
 *                      generation open (ns_index_pin_open).
 *   INDEX/gen-M/       an older generation, only while a reader still holds
 *                      gen-M.readers.
 *   INDEX/build-N/     a fresh build's parts, or a merge's (only while it runs).
 *   INDEX/nsearch.pending  the numbers N of the build-N and gen-N a writer
 *                      is making (one a line), written before it creates
 *                      them: what a killed run left, for the next to delete.
 *   INDEX/write.lock   flock()ed by the one writer; holds its pid.
 * A rebuild writes gen-G (G: the first number after the live one whose
 * names are free) beside the live one, syncs it, then renames a new stub
 * over XAPIANDB: readers see the old index or the new one, never a mix.
 * The writer then deletes every generation but the live one whose
 * readers' lock it can take exclusively without waiting (no reader holds
 * it); one still held is deleted by a later run of any kind, which also
 * deletes what a killed run left (build-N, a partial gen-N, the stub's
 * temporary file).
 *
 * Only what nsearch made is ever deleted: the index folder may be any
 * folder (a corpus folder even), and a user's `build-x` or `gen-7` in it is
 * not ours. Ours are the build-N and gen-N that nsearch.pending names and
 * the generations that have a readers' lock (made only for a generation
 * about to go live); nothing else is touched, and a new generation takes a
 * number no entry uses. And nothing is deleted while the live generation is
 * unknown (XAPIANDB damaged, or missing beside generations that went live):
 * an update refuses to run, and a --rebuild deletes only after its switch.
 *
 * An incremental run that reads much grows by a merge (ns_index_grow): its
 * files go into parts under build-(N+1), merged after gen-N into
 * gen-(N+1), which gets the removals and the bookkeeping and then replaces
 * gen-N as a rebuild's does; gen-N is only read. Other incremental runs
 * write into the live generation inside one Xapian
 * transaction, committed when the run closes: libxapian's periodic flushes
 * (which bound memory) then write postings out without committing them, so a
 * kill or a failure at any moment leaves the index exactly as the previous
 * run left it (a failure, its size too: "A failed in-place run"), and a
 * file's articles are never committed apart from its bookkeeping. A file
 * without bookkeeping has its articles removed before it is added again (an
 * index damaged by an older nsearch heals).
 *
 * The documents and metadata written here are nsearch's schema, named and
 * documented once in schema.h: terms and their prefixes, value slots, the
 * document data (record.h), the metadata keys and the per-file bookkeeping.
 */
#include "index.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "advice.h"
#include "analyzer.h"
#include "dates.h"
#include "document.h"
#include "pack.h"
#include "record.h"
#include "stub.h"
#include "xapian-c.h"
#include "xcerr.h"

struct ns_index {
    char *path;
    int lock_fd;
    unsigned gen;          /* generation being written */
    unsigned live_gen;     /* generation the stub names (0: none yet) */
    int building;          /* fresh build: parts in INDEX/build-GEN, merged at close */
    int txn;               /* incremental: the run's transaction is open */
    int growing;           /* incremental grown by a merge (ns_index_grow): parts
                            * in INDEX/build-GEN, merged with the live generation */
    int grown;             /* ... merged: w is the new generation, not yet live */
    int upgrade;           /* the live generation's schema is older: mark it */
    xc_database *live_db;  /* growing: the live generation, read-only */
    unsigned part_flush;   /* libxapian's flush threshold for parts (0: its default) */
    char *inherited_roots; /* a rebuild: the replaced generation's corpus folders */
    int no_sync;
    unsigned shard_n, shard_k;
    xc_writable *w; /* the live generation, or the build's "meta" part */
    char lang[64];
    ns_docbuilder db;
    /* Word pairs (see "Word pairs" below). Until pairs_fixed, a fresh
     * build keeps its first articles in `sample` (records) to learn the
     * common words from; then `pairs` is read-only. */
    pthread_mutex_t pair_mu;
    atomic_int pairs_fixed;
    int pairs_learn; /* a fresh index: learn the words, record them at close */
    int presampled;  /* the sample came from ns_index_sample (not to be added) */
    ns_pairs pairs;
    ns_packer pack; /* the records' dictionary: learned with the words, read-only after */
    ns_buf *sample;
    size_t nsample;
    /* The terms that do not begin all their forms (forms.h), gathered from
     * every builder as it closes, recorded at close (NS_META_FORMS). */
    int forms_on; /* the index records them: made with NS_META_FORMS */
    pthread_mutex_t forms_mu;
    ns_forms forms;
    int forms_nomem; /* a builder's could not be merged: the run fails */
    /* An in-place run: the live generation as it found it, given back when
     * the run fails (see "A failed in-place run" below). */
    struct live_files *found;
};

struct ns_index_part {
    ns_index *ix;
    xc_writable *w;
    ns_docbuilder db;
};

static ns_status write_failed(const ns_index *ix, xc_status xs, ns_error *err);
static ns_status pairs_load(ns_index *ix, ns_error *err);
static ns_status pairs_settle(ns_index *ix, ns_docbuilder *db, xc_writable *w, ns_error *err);
static ns_status pairs_record(ns_index *ix, ns_error *err);

/* ------------------------------------------------------------ helpers */

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

size_t ns_index_id_term(const char *path, const char *id, char *buf, size_t bufsize)
{
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, path, strlen(path) + 1);
    h = fnv1a(h, id, strlen(id));
    return (size_t)snprintf(buf, bufsize, NS_PREFIX_ID "%016" PRIx64, h);
}

size_t ns_index_file_term(const char *path, char *buf, size_t bufsize)
{
    size_t n = strlen(path);
    size_t plen = sizeof NS_PREFIX_FILE - 1;
    if (n <= NS_FILEKEY_MAX && plen + n + 1 <= bufsize) {
        memcpy(buf, NS_PREFIX_FILE, plen);
        memcpy(buf + plen, path, n + 1);
        return plen + n;
    }
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, path, n);
    return (size_t)snprintf(buf, bufsize, NS_PREFIX_FILE "#%016" PRIx64, h);
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                return -1;
            }
            *p = '/';
        }
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        return -1;
    }
    return 0;
}

static int remove_tree(const char *path)
{
    struct stat lst;
    if (lstat(path, &lst) != 0) return errno == ENOENT ? 0 : -1;
    DIR *d = S_ISDIR(lst.st_mode) ? opendir(path) : NULL;
    if (!d) {
        return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    }
    struct dirent *e;
    char buf[PATH_MAX];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            continue;
        }
        snprintf(buf, sizeof buf, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
            remove_tree(buf);
        } else {
            unlink(buf);
        }
    }
    closedir(d);
    return rmdir(path);
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return -1;
    }
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* fsync every file of a folder, then the folder. */
static int fsync_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        return -1;
    }
    struct dirent *e;
    char buf[PATH_MAX];
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(buf, sizeof buf, "%s/%s", path, e->d_name);
        if (fsync_path(buf) != 0) {
            rc = -1;
        }
    }
    closedir(d);
    if (fsync_path(path) != 0) {
        rc = -1;
    }
    return rc;
}

/* The generation named by INDEX/XAPIANDB, 0 if none. */
static unsigned read_stub(const char *dir)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s/XAPIANDB", dir);
    FILE *f = fopen(buf, "r");
    if (!f) {
        return 0;
    }
    unsigned gen = 0;
    if (fscanf(f, "auto gen-%u", &gen) != 1) {
        gen = 0;
    }
    fclose(f);
    return gen;
}

static ns_status write_stub(ns_index *ix, unsigned gen, ns_error *err)
{
    char tmp[PATH_MAX], dst[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/XAPIANDB.tmp", ix->path);
    snprintf(dst, sizeof dst, "%s/XAPIANDB", ix->path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        return ns_error_set(err, NS_ERR_IO, "%s: cannot write %s: %s; the index is unchanged",
                            ix->path, tmp, strerror(errno));
    }
    int ok = fprintf(f, "auto gen-%u\n", gen) > 0;
    ok = (fflush(f) == 0) && ok;
    ok = (ix->no_sync || fsync(fileno(f)) == 0) && ok;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, dst) != 0) {
        ns_status st = ns_error_set(err, NS_ERR_IO,
                                    "%s: cannot write %s: %s; the index is "
                                    "unchanged",
                                    ix->path, dst, strerror(errno));
        unlink(tmp);
        return st;
    }
    if (!ix->no_sync) {
        fsync_path(ix->path);
    }
    return NS_OK;
}

/* Take INDEX/write.lock, waiting up to wait_ms. */
static ns_status take_lock(ns_index *ix, unsigned wait_ms, ns_error *err)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s/write.lock", ix->path);
    int fd = open(buf, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        return ns_error_set(err, errno == ENOENT ? NS_ERR_NOTFOUND : NS_ERR_IO,
                            "%s: cannot open %s: %s; the index is unchanged", ix->path, buf,
                            strerror(errno));
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            break;
        }
        if (errno != EWOULDBLOCK && errno != EINTR) {
            ns_status st = ns_error_set(err, NS_ERR_IO, "%s: %s", buf, strerror(errno));
            close(fd);
            return st;
        }
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        long ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (ms >= (long)wait_ms) {
            char pid[32] = "";
            ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
            pid[n > 0 ? n : 0] = '\0';
            pid[strcspn(pid, "\n")] = '\0';
            close(fd);
            return ns_error_set(err, NS_ERR_LOCKED,
                                "%s: another nsearch-index (pid %s) is writing this index; "
                                "gave up after %.1f s",
                                ix->path, *pid ? pid : "unknown", wait_ms / 1000.0);
        }
        struct timespec nap = {0, 50 * 1000000L};
        nanosleep(&nap, NULL);
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        /* The pid is only for messages; the lock itself is held. */
    }
    ix->lock_fd = fd;
    return NS_OK;
}

static ns_status get_meta(ns_index *ix, const char *key, char **val, size_t *len, ns_error *err)
{
    xc_status s = xc_writable_get_metadata(ix->w, key, strlen(key), val, len);
    if (s != XC_OK) {
        return ns_error_from_xc(err, s, ix->path);
    }
    return NS_OK;
}

static ns_status set_meta(ns_index *ix, const char *key, const char *val, ns_error *err)
{
    xc_status s = xc_writable_set_metadata(ix->w, key, strlen(key), val, strlen(val));
    return s == XC_OK ? NS_OK : write_failed(ix, s, err);
}

/* The readers' lock file of generation `gen`. */
static void readers_path(char *buf, size_t size, const char *path, unsigned gen)
{
    snprintf(buf, size, "%s/gen-%u.readers", path, gen);
}

/* Create gen-GEN.readers (empty) if missing, so readers can pin it. */
static int make_readers_file(const char *path, unsigned gen)
{
    char buf[PATH_MAX];
    readers_path(buf, sizeof buf, path, gen);
    int fd = open(buf, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

/* Delete generation `gen` unless a reader holds its lock: take the lock
 * exclusively without waiting, delete the folder, then the lock file (a
 * reader that opened the file meanwhile finds it unlinked and starts over).
 * Returns 0 when it is gone. */
static int remove_generation(const char *path, unsigned gen)
{
    char lock[PATH_MAX], dir[PATH_MAX];
    readers_path(lock, sizeof lock, path, gen);
    snprintf(dir, sizeof dir, "%s/gen-%u", path, gen);
    int fd = open(lock, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return -1; /* a reader has it open */
    }
    /* No lock file: a generation no reader could pin (never live). */
    int rc = remove_tree(dir) == 0 || errno == ENOENT ? 0 : -1;
    if (rc == 0) unlink(lock);
    if (fd >= 0) close(fd);
    return rc;
}

/* ---- what nsearch made: the pending file (see the top of this file) ---- */

#define PENDING_FILE "nsearch.pending"
#define PENDING_MAX  64

/* The numbers INDEX/nsearch.pending lists, into v (at most PENDING_MAX):
 * how many. A missing or garbled file lists nothing (what it named then
 * stays on disk: never deleted by mistake). */
static size_t pending_read(const char *path, unsigned *v)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s/" PENDING_FILE, path);
    FILE *f = fopen(buf, "r");
    if (!f) return 0;
    size_t n = 0;
    char line[64];
    while (n < PENDING_MAX && fgets(line, sizeof line, f)) {
        char *end;
        errno = 0;
        unsigned long g = strtoul(line, &end, 10);
        if (end != line && *end == '\n' && !errno && g > 0 && g <= UINT_MAX) v[n++] = (unsigned)g;
    }
    fclose(f);
    return n;
}

/* Make INDEX/nsearch.pending list v[0..n) (remove it when n is 0). */
static int pending_write(const char *path, const unsigned *v, size_t n, int sync)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s/" PENDING_FILE, path);
    if (n == 0) return unlink(buf) == 0 || errno == ENOENT ? 0 : -1;
    int fd = open(buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return -1;
    char text[PENDING_MAX * 12];
    size_t len = 0;
    for (size_t i = 0; i < n && i < PENDING_MAX; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%u\n", v[i]);
    int ok = write(fd, text, len) == (ssize_t)len;
    ok = (!sync || fsync(fd) == 0) && ok;
    ok = close(fd) == 0 && ok;
    return ok ? 0 : -1;
}

static int pending_has(const unsigned *v, size_t n, unsigned g)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == g) return 1;
    return 0;
}

/* Add g to the pending file, before build-g or gen-g is created. */
static ns_status pending_add(ns_index *ix, unsigned g, ns_error *err)
{
    unsigned v[PENDING_MAX + 1];
    size_t n = pending_read(ix->path, v);
    if (!pending_has(v, n, g)) {
        if (n == PENDING_MAX) memmove(v, v + 1, --n * sizeof *v); /* the first stays on disk */
        v[n++] = g;
    }
    if (pending_write(ix->path, v, n, !ix->no_sync) == 0) return NS_OK;
    return ns_error_set(err, NS_ERR_IO,
                        "%s: cannot write %s/" PENDING_FILE ": %s; the index is "
                        "unchanged",
                        ix->path, ix->path, strerror(errno));
}

/* Delete build-g and gen-g (and its readers' lock) of the pending
 * generation g that did not go live, and take g off the pending file once
 * they are gone. */
static void pending_drop(const char *path, unsigned g, int sync)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/build-%u", path, g);
    int gone = remove_tree(dir) == 0;
    gone = remove_generation(path, g) == 0 && gone;
    if (!gone) return;
    unsigned v[PENDING_MAX];
    size_t n = pending_read(path, v), k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != g) v[k++] = v[i];
    if (k != n) pending_write(path, v, k, sync);
}

/* Does `name` read "PREFIX<digits>" and then `tail` exactly? Its number
 * into *g. */
static int numbered(const char *name, const char *prefix, const char *tail, unsigned *g)
{
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) != 0) return 0;
    const char *p = name + pl;
    size_t digits = strspn(p, "0123456789");
    if (digits == 0 || digits > 9 || strcmp(p + digits, tail) != 0) return 0;
    *g = (unsigned)strtoul(p, NULL, 10);
    return *g > 0;
}

static int exists(const char *path, const char *fmt, unsigned g)
{
    char buf[PATH_MAX], name[64];
    snprintf(name, sizeof name, fmt, g);
    snprintf(buf, sizeof buf, "%s/%s", path, name);
    struct stat st;
    return lstat(buf, &st) == 0 || errno != ENOENT;
}

/* The number of a new generation: the first after `after` that no entry of
 * the folder uses (build-G, gen-G, gen-G.readers), so that a generation
 * never lands in a folder nsearch did not make. */
static unsigned next_gen(const char *path, unsigned after)
{
    unsigned g = after + 1;
    while (exists(path, "build-%u", g) || exists(path, "gen-%u", g) ||
           exists(path, "gen-%u.readers", g))
        g++;
    return g;
}

/* The numbers N of the entries of folder `path` named gen-N`tail`, into
 * *out (malloc'd; NULL when none): how many. Those whose full path
 * `keep` (may be NULL) turns away are left out. Out of memory ends the
 * list early (a cleanup then does less, never more). */
static size_t list_gens(const char *path, const char *tail, int (*keep)(const char *full),
                        unsigned **out)
{
    *out = NULL;
    DIR *d = opendir(path);
    if (!d) return 0;
    unsigned *gens = NULL;
    size_t n = 0, cap = 0;
    char buf[PATH_MAX];
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        unsigned g;
        if (!numbered(e->d_name, "gen-", tail, &g)) continue;
        snprintf(buf, sizeof buf, "%s/%s", path, e->d_name);
        if (keep && !keep(buf)) continue;
        if (n == cap) {
            size_t c = cap ? cap * 2 : 8;
            unsigned *v = realloc(gens, c * sizeof *v);
            if (!v) break;
            gens = v;
            cap = c;
        }
        gens[n++] = g;
    }
    closedir(d);
    *out = gens;
    return n;
}

static int is_regular(const char *full)
{
    struct stat st;
    return lstat(full, &st) == 0 && S_ISREG(st.st_mode);
}

/* The highest N of the folder's gen-N and gen-N.readers (0: none): a
 * rebuild of an index whose live generation is unknown numbers its own
 * after them all. */
static unsigned highest_gen(const char *path)
{
    DIR *d = opendir(path);
    unsigned top = 0, g;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if ((numbered(e->d_name, "gen-", "", &g) || numbered(e->d_name, "gen-", ".readers", &g)) &&
            g > top)
            top = g;
    if (d) closedir(d);
    return top;
}

/* What no reader can need any more, only the lock holder gets here, and
 * only when the live generation is known (`live`, 0: none yet): of what
 * nsearch made (the top of this file), the build-N folders, the
 * generations that did not go live and the stub's temporary file of runs
 * that died, and the older generations no reader holds. What can't be
 * deleted stays listed in the pending file. */
static void remove_leftovers(const char *path, unsigned live, int sync)
{
    unsigned pend[PENDING_MAX], keep[PENDING_MAX];
    size_t npend = pending_read(path, pend), nkeep = 0;
    char buf[PATH_MAX];
    for (size_t i = 0; i < npend; i++) {
        snprintf(buf, sizeof buf, "%s/build-%u", path, pend[i]);
        int gone = remove_tree(buf) == 0;
        if (pend[i] != live) gone = remove_generation(path, pend[i]) == 0 && gone;
        if (!gone) keep[nkeep++] = pend[i];
    }
    snprintf(buf, sizeof buf, "%s/XAPIANDB.tmp", path);
    struct stat st;
    if ((live || npend) && lstat(buf, &st) == 0 && S_ISREG(st.st_mode)) unlink(buf);
    /* Older generations: those with a readers' lock (made by nsearch for a
     * generation going live). */
    unsigned *gens;
    size_t n = list_gens(path, ".readers", is_regular, &gens);
    for (size_t i = 0; i < n; i++) {
        if (gens[i] == live) continue;
        snprintf(buf, sizeof buf, "%s/gen-%u", path, gens[i]);
        if (lstat(buf, &st) == 0) {
            remove_generation(path, gens[i]);
        } else if (errno == ENOENT) {
            /* The lock of a generation deleted by a run killed before it
             * removed the lock: an empty file of ours. */
            readers_path(buf, sizeof buf, path, gens[i]);
            if (lstat(buf, &st) == 0 && st.st_size == 0) unlink(buf);
        }
    }
    free(gens);
    if (nkeep != npend) pending_write(path, keep, nkeep, sync);
}

/* Which generation is live, from INDEX/XAPIANDB. */
enum { LIVE_NONE, LIVE_KNOWN, LIVE_UNKNOWN };

/* The live generation of the index folder `path` into *gen: LIVE_KNOWN
 * when XAPIANDB names one (`auto gen-N`) that is a folder; LIVE_NONE
 * when there is no XAPIANDB and no generation that went live (a new index,
 * or a first build killed: only pending generations); else LIVE_UNKNOWN,
 * with why (size bytes) saying what is wrong. */
static int live_state(const char *path, unsigned *gen, char *why, size_t size)
{
    *gen = 0;
    char target[PATH_MAX], buf[PATH_MAX];
    ns_error e = {0};
    ns_status st = ns_stub_folder_target(path, target, sizeof target, &e);
    snprintf(buf, sizeof buf, "%s/XAPIANDB", path);
    struct stat sb;
    if (st != NS_OK) {
        if (stat(buf, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0)
            snprintf(why, size, "%s is empty: it names no generation", buf);
        else
            snprintf(why, size, "%s", e.msg);
        return LIVE_UNKNOWN;
    }
    if (strcmp(target, path) != 0) {
        const char *name = strrchr(target, '/') + 1;
        unsigned g = 0;
        if (numbered(name, "gen-", "", &g) && stat(target, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            *gen = g;
            return LIVE_KNOWN;
        }
        snprintf(why, size, "%s names %s, which is not a generation folder", buf, name);
        return LIVE_UNKNOWN;
    }
    if (lstat(buf, &sb) == 0 || errno != ENOENT) {
        snprintf(why, size, "%s is not a stub file", buf);
        return LIVE_UNKNOWN;
    }
    unsigned g;
    if (!ns_index_stub_lost(path, &g)) return LIVE_NONE;
    snprintf(why, size, "%s/XAPIANDB is missing, but gen-%u was live", path, g);
    return LIVE_UNKNOWN;
}

int ns_index_stub_lost(const char *path, unsigned *gen)
{
    char buf[PATH_MAX];
    struct stat sb;
    *gen = 0;
    snprintf(buf, sizeof buf, "%s/XAPIANDB", path);
    if (lstat(buf, &sb) == 0 || errno != ENOENT) return 0;
    /* No stub: generations that went live (a readers' lock) and are not
     * pending mean the stub was lost. */
    unsigned pend[PENDING_MAX];
    size_t npend = pending_read(path, pend);
    DIR *d = opendir(path);
    struct dirent *de;
    int lost = 0;
    while (d && !lost && (de = readdir(d)) != NULL) {
        unsigned g;
        if (!numbered(de->d_name, "gen-", ".readers", &g) || pending_has(pend, npend, g)) continue;
        snprintf(buf, sizeof buf, "%s/gen-%u", path, g);
        if (stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            lost = 1;
            *gen = g;
        }
    }
    if (d) closedir(d);
    return lost;
}

static int cmp_part_names(const void *a, const void *b)
{
    const char *x = strrchr(*(char *const *)a, '/') + 1, *y = strrchr(*(char *const *)b, '/') + 1;
    /* "meta" first, then part-K by number. */
    int mx = strcmp(x, "meta") == 0, my = strcmp(y, "meta") == 0;
    if (mx != my) return my - mx;
    unsigned kx = 0, ky = 0;
    sscanf(x, "part-%u", &kx);
    sscanf(y, "part-%u", &ky);
    return kx < ky ? -1 : kx > ky;
}

/* How many databases one compaction may merge: each open input holds a
 * descriptor per table (three, and the lock's), and all are open at once,
 * so with the usual limit of 1024 descriptors a single compaction of more
 * than about 300 parts failed ("Too many open files"). Leave 64 for the
 * rest of the process; at least 2, at most 256. */
static size_t merge_fanin(void)
{
    struct rlimit rl;
    rlim_t n = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) n = rl.rlim_cur;
    size_t k = n > 72 ? (size_t)(n - 64) / 4 : 2;
    return k < 2 ? 2 : k > 256 ? 256 : k;
}

/* Compact names[0..n) into out, in that order (docids follow it), in one
 * pass: a multipass compaction rewrote the postings once a pass and was
 * slower for nothing (measured on the benchmark corpus, 54 parts: 39.5 s
 * against 36.0 s for the build, the same index byte for byte). At Xapian's
 * FULL level, not FULLER: FULLER splits items across blocks to fill every
 * byte, which here made the index larger, not smaller (the benchmark
 * corpus: 457.0 MB against 448.7 MB, the termlist and postlist tables
 * both smaller at FULL), and Xapian advises against it for a database
 * that is updated afterwards, as every nightly run does. */
static ns_status compact_group(ns_index *ix, char **names, size_t n, const char *out, ns_error *err)
{
    xc_status xs = xc_compact((const char *const *)names, n, out, 0);
    return xs == XC_OK ? NS_OK : write_failed(ix, xs, err);
}

/* Merge build-GEN/meta and build-GEN/part-K (in that order, so docids come
 * out as a single-threaded build would number them) into gen-GEN; after
 * `first` (a generation's folder) when not NULL: its documents keep their
 * order and come before every part's. More inputs than one compaction may
 * open (merge_fanin) are merged in runs of consecutive ones into
 * build-GEN/merge-L-J first, level by level, which keeps the order. */
static ns_status merge_parts(ns_index *ix, const char *first, const char *builddir,
                             const char *gendir, ns_error *err)
{
    DIR *d = opendir(builddir);
    if (!d)
        return ns_error_set(err, NS_ERR_IO, "%s: cannot read %s: %s; the index is unchanged",
                            ix->path, builddir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    ns_status st = NS_OK;
    if (first) {
        cap = 16;
        if (!(names = malloc(cap * sizeof *names)) || !(names[0] = strdup(first)))
            st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        else
            n = 1;
    }
    struct dirent *e;
    while (st == NS_OK && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, "meta") != 0 && strncmp(e->d_name, "part-", 5) != 0) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **v = realloc(names, cap * sizeof *v);
            if (!v) {
                st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
                break;
            }
            names = v;
        }
        size_t len = strlen(builddir) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
            break;
        }
        snprintf(names[n++], len, "%s/%s", builddir, e->d_name);
    }
    closedir(d);
    if (st == NS_OK) {
        size_t skip = first ? 1 : 0;
        qsort(names + skip, n - skip, sizeof *names, cmp_part_names);
    }
    size_t fanin = merge_fanin();
    for (unsigned level = 1; st == NS_OK && n > fanin; level++) {
        /* One level: each run of fanin inputs into merge-LEVEL-J. */
        char **next = calloc(n / fanin + 1, sizeof *next);
        size_t m = 0;
        if (!next) st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        for (size_t i = 0; st == NS_OK && i < n; i += fanin) {
            size_t k = n - i < fanin ? n - i : fanin;
            if (k == 1) {
                next[m++] = names[i];
                names[i] = NULL;
                continue;
            }
            char out[PATH_MAX];
            snprintf(out, sizeof out, "%s/merge-%u-%zu", builddir, level, m);
            if ((st = compact_group(ix, names + i, k, out, err)) != NS_OK) break;
            /* Merged: the run's parts can go (the live generation never). */
            for (size_t j = i; j < i + k; j++)
                if (!first || strcmp(names[j], first) != 0) remove_tree(names[j]);
            if (!(next[m++] = strdup(out))) st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        names = next;
        n = m;
    }
    if (st == NS_OK) st = compact_group(ix, names, n, gendir, err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

/* Write the records' dictionary beside the tables of the generation being
 * made, gendir (schema.h, NS_ZDICT_FILE): what a local searcher reads
 * instead of the metadata. The generation is not live yet, and the caller
 * syncs the folder; on failure it is removed. */
static ns_status write_zdict_file(const ns_index *ix, const char *gendir, ns_error *err)
{
    if (!ix->pack.cdict || !ix->pack.dict.len) return NS_OK;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", gendir, NS_ZDICT_FILE);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    size_t done = 0;
    while (fd >= 0 && done < ix->pack.dict.len) {
        ssize_t w = write(fd, ix->pack.dict.data + done, ix->pack.dict.len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += (size_t)w;
    }
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && done == ix->pack.dict.len) {
        e = errno;
        done = 0;
    }
    if (fd >= 0 && done == ix->pack.dict.len) return NS_OK;
    return ns_error_set(err, NS_ERR_IO, "%s: %s; the index is unchanged (cannot write %s)",
                        ix->path, e == ENOSPC ? "no space left on device" : strerror(e), path);
}

/* --------------------------------------------------------------- open */

/* The message of a failed write: names the index and the cause, says what
 * is left (nothing of this run is committed), keeps Xapian's words. */
static ns_status write_failed(const ns_index *ix, xc_status xs, ns_error *err)
{
    const char *m = xc_errmsg();
    static const struct {
        const char *needle, *cause;
    } causes[] = {{"No space left", "no space left on device"},
                  {"Disk quota", "disk quota exceeded"},
                  {"File too large", "file too large (a file size limit)"},
                  {"Input/output error", "input/output error"},
                  {"Read-only file system", "read-only file system"},
                  {"Permission denied", "permission denied"}};
    const char *cause = NULL;
    for (size_t i = 0; i < sizeof causes / sizeof *causes && !cause; i++) {
        if (strstr(m, causes[i].needle)) cause = causes[i].cause;
    }
    ns_status st = ns_status_from_xc(xs);
    if (st == NS_ERR_LOCKED) st = NS_ERR_IO; /* our write.lock is held: not another writer */
    if (st == NS_ERR_CORRUPT || (!cause && strstr(m, "EOF reading block"))) {
        char word[1024];
        ns_advice_word(ix->path, word, sizeof word);
        return ns_error_set(err, NS_ERR_CORRUPT,
                            "%s: the index is damaged (%s): nothing was changed; see "
                            "nsearch-index --db %s --check, then rebuild it with nsearch-index "
                            "--db %s --rebuild",
                            ix->path, m, word, word);
    }
    if (st == NS_ERR_NOMEM)
        return ns_error_set(err, st, "%s: out of memory; the index is unchanged", ix->path);
    return ns_error_set(err, st == NS_ERR_OTHER ? NS_ERR_IO : st,
                        "%s: %s; the index is unchanged (%s)", ix->path,
                        cause ? cause : "cannot write", m);
}

/* What a rebuild keeps of the index it replaces, read from generation
 * `live`: its language, corpus folders and shard. Best effort: a damaged
 * generation gives nothing (the caller then needs the folders); 0 then,
 * 1 when it could be read. */
static int read_inherited(const char *path, unsigned live, char *lang, size_t langsize,
                          char **roots, char *shard, size_t shardsize)
{
    char gendir[PATH_MAX];
    snprintf(gendir, sizeof gendir, "%s/gen-%u", path, live);
    xc_database *db = NULL;
    if (xc_database_open_glass(gendir, &db) != XC_OK) return 0;
    char *val = NULL;
    size_t len = 0;
    if (xc_database_get_metadata(db, NS_KEY(NS_META_LANG), &val, &len) == XC_OK && val)
        snprintf(lang, langsize, "%.*s", (int)len, val);
    xc_free(val);
    val = NULL;
    if (xc_database_get_metadata(db, NS_KEY(NS_META_SHARD), &val, &len) == XC_OK && val)
        snprintf(shard, shardsize, "%.*s", (int)len, val);
    xc_free(val);
    val = NULL;
    if (xc_database_get_metadata(db, NS_KEY(NS_META_ROOTS), &val, &len) == XC_OK && val)
        *roots = strndup(val, len);
    xc_free(val);
    xc_database_close(db);
    return 1;
}

/* read_inherited from the newest generation that reads, for a rebuild of
 * an index whose live generation is unknown (a damaged XAPIANDB). */
static void read_inherited_newest(const char *path, char *lang, size_t langsize, char **roots,
                                  char *shard, size_t shardsize)
{
    unsigned *gens;
    size_t n = list_gens(path, "", NULL, &gens);
    for (int found = 0; !found && n > 0;) {
        size_t top = 0;
        for (size_t i = 1; i < n; i++)
            if (gens[i] > gens[top]) top = i;
        found = read_inherited(path, gens[top], lang, langsize, roots, shard, shardsize);
        gens[top] = gens[--n];
    }
    free(gens);
}

/* A failed in-place run
 * ---------------------
 * An in-place run writes into the live generation's Xapian (glass) tables
 * inside one transaction. libxapian never writes over a block of the
 * committed revision's tree; it writes into the blocks that revision left
 * free and past the end of each table file, so a failed run leaves the
 * committed revision intact but the files grown, by as much as the disk
 * had room for (and gen-N/v.tmp, the version file of a commit that failed
 * while writing it). Nothing ever shrinks them, so a full disk would stay
 * full and every later run would fail.
 *
 * So an in-place run notes, once it holds Xapian's lock, each table file's
 * size and inode and the version file iamglass (its inode, size, mtime and
 * bytes), and when it ends without committing (ns_index_abort, after the
 * database is closed) it cuts every table file back to its noted size and
 * deletes v.tmp. That is safe because:
 *   - the version file names everything the committed revision uses: each
 *     table's root block and freelist, and its first never-used block, all
 *     written before the run began, so inside the noted sizes (a table file
 *     only grows); an older revision a reader still has open used blocks
 *     older still;
 *   - the only block of that revision the run may change in place, the
 *     freelist's last block, gains entries and a pointer past the
 *     freelist's recorded end, which libxapian (and xapian-check) never
 *     follow; the next writer overwrites them;
 *   - nothing else writes: the run holds the index's write.lock;
 *   - the version file is unchanged. When it is not, something committed
 *     (libxapian, after a commit fails, commits the old revision again
 *     under a new number when it can), and nothing is cut.
 * Each step leaves a sound index, so a kill -9 in the middle only leaves
 * some of the space unreturned. When libxapian ends the process from inside
 * a commit (std::terminate, xapian-c.h), the program's fatal handler gives
 * the space back (ns_index_fatal_cleanup) before it exits: nothing writes
 * after that. A run killed (kill -9, a power cut) leaves the files grown,
 * sound, their free blocks reused by the next runs. */
#define GLASS_VERSION_MAX 4096 /* libxapian reads 256 bytes of it */

static const char *const glass_tables[] = {"postlist", "termlist", "docdata",
                                           "position", "spelling", "synonym"};
#define NTABLES (sizeof glass_tables / sizeof *glass_tables)

struct live_files {
    char dir[PATH_MAX];
    struct {
        int present;
        dev_t dev;
        ino_t ino;
        off_t size;
    } table[NTABLES];
    struct stat version;
    size_t version_len;
    char version_bytes[GLASS_VERSION_MAX];
};

/* The in-place run in progress, for ns_index_fatal_cleanup. */
static _Atomic(struct live_files *) fatal_found;

/* The bytes of `path` (a regular file of at most `size` bytes) into buf,
 * their number into *len; -1 when it can't be read whole. */
static int read_small(const char *path, char *buf, size_t size, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t n = 0;
    ssize_t r = 0;
    while (n < size && (r = read(fd, buf + n, size - n)) > 0)
        n += (size_t)r;
    char extra;
    int whole = r >= 0 && n < size && read(fd, &extra, 1) == 0;
    close(fd);
    *len = n;
    return whole ? 0 : -1;
}

/* The live generation `gendir` as an in-place run finds it, once it holds
 * Xapian's lock; NULL when it can't be noted (nothing is given back then).
 * A v.tmp left by a run killed while committing goes. */
static struct live_files *live_files_note(const char *gendir)
{
    struct live_files *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    char buf[PATH_MAX];
    snprintf(f->dir, sizeof f->dir, "%s", gendir);
    snprintf(buf, sizeof buf, "%s/iamglass", gendir);
    if (lstat(buf, &f->version) != 0 || !S_ISREG(f->version.st_mode) ||
        read_small(buf, f->version_bytes, sizeof f->version_bytes, &f->version_len) != 0) {
        free(f);
        return NULL;
    }
    for (size_t i = 0; i < NTABLES; i++) {
        struct stat st;
        snprintf(buf, sizeof buf, "%s/%s.glass", gendir, glass_tables[i]);
        if (lstat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
            f->table[i].present = 1;
            f->table[i].dev = st.st_dev;
            f->table[i].ino = st.st_ino;
            f->table[i].size = st.st_size;
        }
    }
    snprintf(buf, sizeof buf, "%s/v.tmp", gendir);
    struct stat st;
    if (lstat(buf, &st) == 0 && S_ISREG(st.st_mode)) unlink(buf);
    atomic_store(&fatal_found, f);
    return f;
}

/* Give back what a run that did not commit wrote (f: as it found the live
 * generation), once nothing writes the generation any more. Best effort:
 * what can't be cut stays, unused. */
static void live_files_give_back(const struct live_files *f)
{
    char buf[PATH_MAX], now[GLASS_VERSION_MAX];
    size_t len = 0;
    struct stat st;
    snprintf(buf, sizeof buf, "%s/iamglass", f->dir);
    int same = lstat(buf, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == f->version.st_dev &&
               st.st_ino == f->version.st_ino && st.st_size == f->version.st_size &&
               st.st_mtim.tv_sec == f->version.st_mtim.tv_sec &&
               st.st_mtim.tv_nsec == f->version.st_mtim.tv_nsec &&
               read_small(buf, now, sizeof now, &len) == 0 && len == f->version_len &&
               memcmp(now, f->version_bytes, len) == 0;
    for (size_t i = 0; same && i < NTABLES; i++) {
        if (!f->table[i].present) continue;
        snprintf(buf, sizeof buf, "%s/%s.glass", f->dir, glass_tables[i]);
        if (lstat(buf, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == f->table[i].dev &&
            st.st_ino == f->table[i].ino && st.st_size > f->table[i].size &&
            truncate(buf, f->table[i].size) != 0) {
            /* it stays as it is: unused blocks */
        }
    }
    snprintf(buf, sizeof buf, "%s/v.tmp", f->dir);
    if (same && lstat(buf, &st) == 0 && S_ISREG(st.st_mode)) unlink(buf);
}

/* Done with f (accepts NULL): given back first when `give_back` (the run's
 * database is closed without a commit), then freed. */
static void live_files_drop(struct live_files *f, int give_back)
{
    if (!f) return;
    struct live_files *was = f;
    atomic_compare_exchange_strong(&fatal_found, &was, NULL);
    if (give_back) live_files_give_back(f);
    free(f);
}

void ns_index_fatal_cleanup(void)
{
    /* The process ends in the caller's handler, without another write:
     * as good as closed. Not freed: the heap is left as it is. */
    struct live_files *f = atomic_exchange(&fatal_found, NULL);
    if (f) live_files_give_back(f);
}

/* A quick look at the live generation before an incremental run writes
 * into it (xc_database_probe): a damaged index is refused rather than
 * updated and reported as fine. */
static ns_status probe_live(ns_index *ix, const char *gendir, ns_error *err)
{
    xc_database *db = NULL;
    xc_status xs = xc_database_open_glass(gendir, &db);
    if (xs == XC_OK) xs = xc_database_probe(db);
    xc_database_close(db);
    if (xs == XC_OK || xs == XC_ERR_NOMEM) return NS_OK; /* the writer will say */
    char word[1024];
    ns_advice_word(ix->path, word, sizeof word);
    return ns_error_set(err, NS_ERR_CORRUPT,
                        "%s: the index is damaged (%s): nothing was changed; see "
                        "nsearch-index --db %s --check, then rebuild it with nsearch-index "
                        "--db %s --rebuild (give the corpus folders if it can't read them from "
                        "the index)",
                        ix->path, xc_errmsg(), word, word);
}

ns_status ns_index_open(const char *path, const ns_index_opts *opts, ns_index **out, ns_error *err)
{
    static const ns_index_opts defaults = {0};
    if (!opts) {
        opts = &defaults;
    }
    *out = NULL;
    if (opts->lang) {
        /* Before anything is created: a bad language leaves nothing behind. */
        ns_analyzer *probe = NULL;
        ns_status lst = ns_analyzer_new(opts->lang, &probe, err);
        ns_analyzer_free(probe);
        if (lst != NS_OK) return lst;
    }
    ns_index *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->path = strdup(path))) {
        free(ix);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    ix->lock_fd = -1;
    pthread_mutex_init(&ix->pair_mu, NULL);
    pthread_mutex_init(&ix->forms_mu, NULL);
    atomic_init(&ix->pairs_fixed, 1);
    ix->no_sync = opts->no_sync;
    ix->part_flush = opts->part_flush;
    ns_status st = NS_OK;
    /* The index in the commands its messages suggest (advice.h). */
    char word[1024];
    ns_advice_word(path, word, sizeof word);
    char *inherited_roots = NULL;
    char inherited_lang[64] = "", inherited_shard[32] = "";
    if (make_dirs(path) != 0) {
        st = ns_error_set(err, NS_ERR_IO,
                          "%s: cannot create index folder: %s; the index is "
                          "unchanged",
                          path, strerror(errno));
        goto fail;
    }
    if ((st = take_lock(ix, opts->wait_ms, err)) != NS_OK) {
        goto fail;
    }
    char why[PATH_MAX + 256];
    int live = live_state(path, &ix->live_gen, why, sizeof why);
    if (live == LIVE_NONE) {
        /* A folder holding a plain Xapian database is not ours to take over. */
        char probe[PATH_MAX];
        snprintf(probe, sizeof probe, "%s/iamglass", path);
        if (access(probe, F_OK) == 0) {
            st = ns_error_set(err, NS_ERR_VERSION,
                              "%s: a Xapian database that nsearch did not make", path);
            goto fail;
        }
    }
    if (live == LIVE_UNKNOWN && !opts->rebuild) {
        /* Which generation is live is unknown: nothing may be deleted or
         * written. A --rebuild makes a new one and switches to it. */
        st = ns_error_set(err, NS_ERR_CORRUPT,
                          "%s: the index is damaged (%s): nothing was changed; see "
                          "nsearch-index --db %s --check, then rebuild it with nsearch-index "
                          "--db %s --rebuild (give the corpus folders if it can't read them "
                          "from the index)",
                          path, why, word, word);
        goto fail;
    }
    char gendir[PATH_MAX];
    snprintf(gendir, sizeof gendir, "%s/gen-%u", path, ix->live_gen);
    /* A damaged live generation is refused before anything is deleted. */
    if (live == LIVE_KNOWN && !opts->rebuild && (st = probe_live(ix, gendir, err)) != NS_OK)
        goto fail;
    if (live != LIVE_UNKNOWN) remove_leftovers(path, ix->live_gen, !ix->no_sync);
    /* An index made before readers pinned generations gets the live one's
     * lock file now, so that it can be deleted once replaced (a read-only
     * medium can't, and needs none). */
    if (live == LIVE_KNOWN) make_readers_file(path, ix->live_gen);
    if (opts->rebuild || live != LIVE_KNOWN) {
        if (live == LIVE_KNOWN) {
            read_inherited(path, ix->live_gen, inherited_lang, sizeof inherited_lang,
                           &inherited_roots, inherited_shard, sizeof inherited_shard);
        } else if (live == LIVE_UNKNOWN) {
            read_inherited_newest(path, inherited_lang, sizeof inherited_lang, &inherited_roots,
                                  inherited_shard, sizeof inherited_shard);
        }
        /* A fresh build writes parts under build-GEN (the "meta" part takes
         * metadata and single-threaded additions) and merges them into
         * gen-GEN at close; both names are recorded as ours first. */
        ix->gen = next_gen(path, live == LIVE_UNKNOWN ? highest_gen(path) : ix->live_gen);
        if ((st = pending_add(ix, ix->gen, err)) != NS_OK) goto fail;
        ix->building = 1;
        snprintf(gendir, sizeof gendir, "%s/build-%u", path, ix->gen);
        if (make_dirs(gendir) != 0) {
            st = ns_error_set(err, NS_ERR_IO, "%s: cannot create %s: %s; the index is unchanged",
                              path, gendir, strerror(errno));
            goto fail;
        }
        snprintf(gendir, sizeof gendir, "%s/build-%u/meta", path, ix->gen);
    } else {
        ix->gen = ix->live_gen;
    }
    unsigned flags = (ix->no_sync || ix->building) ? XC_WRITABLE_NO_SYNC : 0;
    xc_status xs = xc_writable_open(gendir, XC_OPEN_CREATE_OR_OPEN, flags, opts->wait_ms, &ix->w);
    if (xs != XC_OK) {
        st = xs == XC_ERR_LOCKED ? ns_error_from_xc(err, xs, gendir) : write_failed(ix, xs, err);
        goto fail;
    }
    if (!ix->building) {
        ix->found = live_files_note(gendir);
        /* The whole run is one transaction: see the top of this file. */
        xs = xc_writable_begin_transaction(ix->w, 1);
        if (xs != XC_OK) {
            st = write_failed(ix, xs, err);
            goto fail;
        }
        ix->txn = 1;
    }
    char *val = NULL;
    size_t len = 0;
    if ((st = get_meta(ix, NS_META_SCHEMA, &val, &len, err)) != NS_OK) {
        goto fail;
    }
    int fresh = (val == NULL);
    int upgrade = !fresh && atoi(val) >= NS_SCHEMA_MIN && atoi(val) < NS_SCHEMA_VERSION;
    ix->upgrade = upgrade;
    if (!fresh && !upgrade && atoi(val) != NS_SCHEMA_VERSION) {
        st = ns_error_set(err, NS_ERR_VERSION,
                          "%s: index schema %.*s, this nsearch writes schema %d: "
                          "run nsearch-index --db %s --rebuild",
                          path, (int)len, val, NS_SCHEMA_VERSION, word);
        xc_free(val);
        goto fail;
    }
    xc_free(val);
    /* A rebuild keeps the language unless told otherwise. */
    const char *want = opts->lang;
    if (!fresh) {
        if ((st = get_meta(ix, NS_META_LANG, &val, &len, err)) != NS_OK) {
            goto fail;
        }
        snprintf(ix->lang, sizeof ix->lang, "%.*s", (int)len, val ? val : "english");
        xc_free(val);
    } else {
        snprintf(ix->lang, sizeof ix->lang, "%s",
                 want                ? want
                 : inherited_lang[0] ? inherited_lang
                                     : "english");
    }
    if ((st = ns_doc_init(&ix->db, ix->lang, &ix->pairs, err)) != NS_OK) {
        goto fail;
    }
    ix->db.pack = &ix->pack;
    snprintf(ix->lang, sizeof ix->lang, "%s", ns_analyzer_lang(ix->db.an));
    if (!fresh && want) {
        ns_analyzer *probe = NULL;
        if ((st = ns_analyzer_new(want, &probe, err)) != NS_OK) {
            goto fail;
        }
        int same = strcmp(ns_analyzer_lang(probe), ix->lang) == 0;
        ns_analyzer_free(probe);
        if (!same) {
            char lword[256];
            ns_advice_word(want, lword, sizeof lword);
            st = ns_error_set(err, NS_ERR_VERSION,
                              "%s: the index stems %s, not %s: use nsearch-index --db %s "
                              "--rebuild --lang %s to change the language",
                              path, ix->lang, want, word, lword);
            goto fail;
        }
    }
    /* Sharding: recorded at creation; later runs, rebuilds included, keep
     * it (another shard of the corpus is another index folder). */
    if ((st = get_meta(ix, NS_META_SHARD, &val, &len, err)) != NS_OK) {
        goto fail;
    }
    unsigned have_n = 0, have_k = 0;
    if (val) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(len < 31 ? len : 31), val);
        sscanf(tmp, "%u/%u", &have_n, &have_k);
    } else if (inherited_shard[0]) {
        sscanf(inherited_shard, "%u/%u", &have_n, &have_k);
    }
    xc_free(val);
    val = NULL;
    int known = !fresh || have_k;
    if (known && opts->shard_k && have_k && (have_n != opts->shard_n || have_k != opts->shard_k)) {
        st = ns_error_set(err, NS_ERR_INVALID,
                          "%s: this index is shard %u/%u, not %u/%u: a shard keeps its "
                          "assignment (build shard %u/%u in another --db folder)",
                          path, have_n, have_k, opts->shard_n, opts->shard_k, opts->shard_n,
                          opts->shard_k);
        goto fail;
    }
    if (!fresh && opts->shard_k && !have_k) {
        st = ns_error_set(err, NS_ERR_INVALID,
                          "%s: this index is not sharded: use nsearch-index --db %s --rebuild "
                          "--shard-of %u/%u to make it shard %u/%u",
                          path, word, opts->shard_n, opts->shard_k, opts->shard_n, opts->shard_k);
        goto fail;
    }
    ix->shard_n = have_k ? have_n : opts->shard_n;
    ix->shard_k = have_k ? have_k : opts->shard_k;
    if (fresh && ix->shard_k) {
        char v[32];
        snprintf(v, sizeof v, "%u/%u", ix->shard_n, ix->shard_k);
        if ((st = set_meta(ix, NS_META_SHARD, v, err)) != NS_OK) goto fail;
    }
    if (fresh && inherited_roots && inherited_roots[0]) {
        /* Used when the run names no folder (ns_index_roots_get). */
        ix->inherited_roots = inherited_roots;
        inherited_roots = NULL;
    }
    if (fresh || upgrade) {
        /* An older schema this one extends: its documents read the same, so
         * the new ones join them (committed with the run). */
        char v[16];
        snprintf(v, sizeof v, "%d", NS_SCHEMA_VERSION);
        if ((st = set_meta(ix, NS_META_SCHEMA, v, err)) != NS_OK ||
            (fresh && (st = set_meta(ix, NS_META_LANG, ix->lang, err)) != NS_OK) ||
            (fresh && (st = set_meta(ix, NS_META_COUNTS, "passages", err)) != NS_OK) ||
            (fresh && (st = set_meta(ix, NS_META_PASSAGES, "2", err)) != NS_OK) ||
            (fresh && (st = set_meta(ix, NS_META_MONTHS, "1", err)) != NS_OK) ||
            (fresh && (st = set_meta(ix, NS_META_FORMS, "1", err)) != NS_OK)) {
            goto fail;
        }
    }
    if (fresh) {
        ix->forms_on = 1;
    } else {
        if ((st = get_meta(ix, NS_META_FORMS, &val, &len, err)) != NS_OK) goto fail;
        ix->forms_on = val && len == 1 && val[0] == '1';
        xc_free(val);
        val = NULL;
    }
    if (fresh && ix->building) {
        ix->pairs_learn = 1;
        atomic_store(&ix->pairs_fixed, 0);
    } else if (!fresh && (st = pairs_load(ix, err)) != NS_OK) {
        goto fail;
    }
    free(inherited_roots);
    *out = ix;
    return NS_OK;
fail:
    free(inherited_roots);
    ns_index_abort(ix);
    return st;
}

int ns_index_keeps(const ns_index *ix, const char *relpath, const char *id)
{
    if (ix->shard_k <= 1) return 1;
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, relpath, strlen(relpath) + 1);
    h = fnv1a(h, id, strlen(id));
    /* Mix the high bits down: FNV's low bits alone spread poorly. */
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return h % ix->shard_k == ix->shard_n - 1;
}

const char *ns_index_lang(const ns_index *ix)
{
    return ix->lang;
}

static void release(ns_index *ix)
{
    xc_database_close(ix->live_db);
    ns_doc_clear(&ix->db);
    ns_pairs_free(&ix->pairs);
    ns_packer_free(&ix->pack);
    for (size_t i = 0; i < ix->nsample; i++)
        ns_buf_free(&ix->sample[i]);
    free(ix->sample);
    pthread_mutex_destroy(&ix->pair_mu);
    pthread_mutex_destroy(&ix->forms_mu);
    ns_forms_free(&ix->forms);
    free(ix->inherited_roots);
    live_files_drop(ix->found, 0); /* committed, or given back by ns_index_abort */
    if (ix->lock_fd >= 0) {
        close(ix->lock_fd); /* releases the flock */
    }
    free(ix->path);
    free(ix);
}

void ns_index_abort(ns_index *ix)
{
    if (!ix) {
        return;
    }
    if (ix->w) {
        /* Xapian commits on close; an open transaction makes it discard
         * instead (a fresh build's parts are deleted anyway). */
        if (!ix->txn) xc_writable_begin_transaction(ix->w, 0);
        xc_writable_close(ix->w);
        ix->w = NULL;
    }
    /* An in-place run's writes into the live generation, given back. */
    live_files_drop(ix->found, 1);
    ix->found = NULL;
    /* A fresh build's generation (pending, never live) goes. */
    if (ix->building && ix->path) pending_drop(ix->path, ix->gen, !ix->no_sync);
    release(ix);
}

static ns_status forms_gather(ns_index *ix, ns_docbuilder *db);

/* Record the run's forms (forms.h) in w, each under NS_META_FORM_PREFIX
 * and its term, where it is smaller than what w has: an index only ever
 * learns more forms (a deleted article's stay, which only means that a
 * wildcard reads more than it must). */
static ns_status forms_record(ns_index *ix, ns_error *err)
{
    if (!ix->forms_on) return NS_OK;
    if (forms_gather(ix, &ix->db) != NS_OK || ix->forms_nomem)
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    char key[sizeof NS_META_FORM_PREFIX + 2 * NS_TERM_MAX];
    size_t pl = sizeof NS_META_FORM_PREFIX - 1;
    memcpy(key, NS_META_FORM_PREFIX, pl);
    for (size_t k = 0; k < ix->forms.n; k++) {
        const struct ns_form *e = &ix->forms.v[k];
        if (e->len > sizeof key - pl) continue; /* no term is this long */
        memcpy(key + pl, ix->forms.bytes.data + e->off, e->len);
        char *val = NULL, v[8];
        size_t vl = 0;
        xc_status xs = xc_writable_get_metadata(ix->w, key, pl + e->len, &val, &vl);
        if (xs != XC_OK) return write_failed(ix, xs, err);
        int have = val ? atoi(val) : -1;
        xc_free(val);
        if (have >= 0 && have <= e->common) continue;
        int n = snprintf(v, sizeof v, "%u", (unsigned)e->common);
        xs = xc_writable_set_metadata(ix->w, key, pl + e->len, v, (size_t)n);
        if (xs != XC_OK) return write_failed(ix, xs, err);
    }
    return NS_OK;
}

ns_status ns_index_close(ns_index *ix, ns_error *err)
{
    if (!ix) {
        return NS_OK;
    }
    ns_status st = NS_OK;
    xc_status xs = XC_OK;
    if (ix->growing && !ix->grown && (st = ns_index_grow_merge(ix, err)) != NS_OK) {
        ns_index_abort(ix);
        return st;
    }
    if (ix->pairs_learn) {
        /* A build of fewer than PAIR_SAMPLE articles learns from all of
         * them, here, once every part is closed (so the words do not depend
         * on which worker came first), and adds them to the meta part; then
         * the words are recorded with the index. */
        if ((st = pairs_settle(ix, &ix->db, ix->w, err)) == NS_OK) st = pairs_record(ix, err);
        if (st != NS_OK) {
            ns_index_abort(ix);
            return st;
        }
    }
    if ((st = forms_record(ix, err)) != NS_OK) {
        ns_index_abort(ix);
        return st;
    }
    if (ix->txn) {
        /* The run's one commit: until it succeeds, the index is the
         * previous run's. */
        xs = xc_writable_commit_transaction(ix->w);
        if (xs != XC_OK) {
            st = write_failed(ix, xs, err);
            /* The failed commit ended the transaction: without a new one,
             * closing would try to commit the same changes again. */
            ix->txn = 0;
            ns_index_abort(ix);
            return st;
        }
        ix->txn = 0;
    }
    xs = xc_writable_close_checked(ix->w);
    ix->w = NULL;
    char gendir[PATH_MAX], builddir[PATH_MAX];
    snprintf(gendir, sizeof gendir, "%s/gen-%u", ix->path, ix->gen);
    snprintf(builddir, sizeof builddir, "%s/build-%u", ix->path, ix->gen);
    if (xs != XC_OK) {
        st = write_failed(ix, xs, err);
    } else if (ix->building) {
        if (!ix->grown && (st = merge_parts(ix, NULL, builddir, gendir, err)) != NS_OK) {
            /* reported */
        } else if ((st = write_zdict_file(ix, gendir, err)) != NS_OK) {
            /* reported */
        } else if (!ix->no_sync && fsync_tree(gendir) != 0) {
            st = ns_error_set(err, NS_ERR_IO, "%s: cannot sync %s: %s; the index is unchanged",
                              ix->path, gendir, strerror(errno));
        } else if (make_readers_file(ix->path, ix->gen) != 0) {
            st = ns_error_set(err, NS_ERR_IO,
                              "%s: cannot create gen-%u.readers: %s; the index "
                              "is unchanged",
                              ix->path, ix->gen, strerror(errno));
        } else if ((st = write_stub(ix, ix->gen, err)) == NS_OK) {
            ix->live_gen = ix->gen;
        }
    }
    if (ix->building) {
        if (st != NS_OK) {
            pending_drop(ix->path, ix->gen, !ix->no_sync);
        } else {
            /* The build folder, and the generation(s) replaced: gone unless
             * a reader holds one. */
            remove_tree(builddir);
            remove_leftovers(ix->path, ix->live_gen, !ix->no_sync);
        }
    }
    release(ix);
    return st;
}

ns_status ns_index_commit(ns_index *ix, ns_error *err)
{
    xc_status xs;
    if (ix->txn) {
        xs = xc_writable_commit_transaction(ix->w);
        ix->txn = 0;
        if (xs == XC_OK) xs = xc_writable_begin_transaction(ix->w, 1);
        if (xs == XC_OK) ix->txn = 1;
    } else {
        xs = xc_writable_commit(ix->w);
    }
    return xs == XC_OK ? NS_OK : write_failed(ix, xs, err);
}

/* ------------------------------------------------------------ readers */

struct ns_index_pin {
    int fd;       /* the shared lock on gen-N.readers; -1: nothing pinned */
    char *dbpath; /* what to open */
};

ns_status ns_index_pin_open(const char *path, ns_index_pin **out, ns_error *err)
{
    *out = NULL;
    ns_index_pin *p = calloc(1, sizeof *p);
    if (!p) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    p->fd = -1;
    char buf[PATH_MAX];
    /* Each round: the stub names gen-N; lock gen-N.readers shared; if the
     * writer deleted it meanwhile (the file is unlinked), start over with
     * the stub it has written since. */
    for (int tries = 0; tries < 1000; tries++) {
        unsigned gen = read_stub(path);
        if (gen == 0) break;
        readers_path(buf, sizeof buf, path, gen);
        int fd = open(buf, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            if (read_stub(path) != gen) continue; /* switched meanwhile */
            break;                                /* an index made before pins: open it unpinned */
        }
        struct stat sb;
        if (flock(fd, LOCK_SH) != 0 || fstat(fd, &sb) != 0 || sb.st_nlink == 0) {
            close(fd);
            continue;
        }
        p->fd = fd;
        snprintf(buf, sizeof buf, "%s/gen-%u", path, gen);
        break;
    }
    if (p->fd < 0) snprintf(buf, sizeof buf, "%s", path);
    if (!(p->dbpath = strdup(buf))) {
        ns_index_pin_close(p);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    *out = p;
    return NS_OK;
}

const char *ns_index_pin_path(const ns_index_pin *p)
{
    return p->dbpath;
}

void ns_index_pin_close(ns_index_pin *p)
{
    if (!p) return;
    if (p->fd >= 0) close(p->fd);
    free(p->dbpath);
    free(p);
}

/* ------------------------------------------------------- bookkeeping */

/* A file's bookkeeping value, "SIZE MTIME_NS CRC ARTICLES\nPATH" (what
 * sscanf's "%llu %lld %u %u" reads, without sscanf's cost: a nightly run
 * reads one per corpus file). 1 when all four numbers are there. */
static int parse_file_state(const char *s, ns_file_state *st)
{
    char *e;
    unsigned long long size = strtoull(s, &e, 10);
    if (e == s) return 0;
    long long mtime = strtoll(s = e, &e, 10);
    if (e == s) return 0;
    unsigned long crc = strtoul(s = e, &e, 10);
    if (e == s) return 0;
    unsigned long n = strtoul(s = e, &e, 10);
    if (e == s) return 0;
    st->size = size;
    st->mtime_ns = mtime;
    st->crc = (uint32_t)crc;
    st->articles = (uint32_t)n;
    return 1;
}

ns_status ns_index_file_get(ns_index *ix, const char *path, ns_file_state *st, int *found,
                            ns_error *err)
{
    char key[NS_FILEKEY_MAX + 64];
    ns_index_file_term(path, key, sizeof key);
    char *val = NULL;
    size_t len = 0;
    *found = 0;
    memset(st, 0, sizeof *st);
    ns_status s = get_meta(ix, key, &val, &len, err);
    if (s != NS_OK || !val) {
        return s;
    }
    /* The value is NUL-free text; copy to terminate it. */
    char buf[128];
    snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf - 1 ? len : sizeof buf - 1), val);
    xc_free(val);
    *found = parse_file_state(buf, st);
    return NS_OK;
}

ns_status ns_index_file_set(ns_index *ix, const char *path, const ns_file_state *st, ns_error *err)
{
    char key[NS_FILEKEY_MAX + 64];
    size_t klen = ns_index_file_term(path, key, sizeof key);
    ns_buf v = {0};
    char head[128];
    int n = snprintf(head, sizeof head, "%llu %lld %u %u\n", (unsigned long long)st->size,
                     (long long)st->mtime_ns, st->crc, st->articles);
    if (ns_buf_add(&v, head, (size_t)n) != NS_OK || ns_buf_add(&v, path, strlen(path)) != NS_OK) {
        ns_buf_free(&v);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    xc_status xs = xc_writable_set_metadata(ix->w, key, klen, v.data, v.len);
    ns_buf_free(&v);
    return xs == XC_OK ? NS_OK : write_failed(ix, xs, err);
}

typedef struct first_docs {
    xc_docid *v;
    uint32_t n, want;
} first_docs;

static int take_docid(void *ctx, xc_docid docid, uint32_t wdf)
{
    (void)wdf;
    first_docs *f = ctx;
    f->v[f->n++] = docid;
    return f->n == f->want;
}

/* A grown index (ns_index_grow): delete the articles of the file term `key`
 * that came from the live generation, not those the run added. The merge
 * put every live document first, in order, so they are the first of the
 * term's posting list, as many as the live generation holds. */
static xc_status remove_live_articles(ns_index *ix, const char *key, size_t klen)
{
    uint32_t c = 0;
    xc_status xs = xc_database_termfreq(ix->live_db, key, klen, &c);
    if (xs != XC_OK || c == 0) return xs;
    xc_database *db = NULL;
    if ((xs = xc_writable_database(ix->w, &db)) != XC_OK) return xs;
    first_docs f = {malloc(c * sizeof *f.v), 0, c};
    xs = f.v ? xc_database_postlist(db, key, klen, take_docid, &f) : XC_ERR_NOMEM;
    xc_database_close(db);
    for (uint32_t i = 0; xs == XC_OK && i < f.n; i++)
        xs = xc_writable_delete_document(ix->w, f.v[i]);
    free(f.v);
    return xs;
}

ns_status ns_index_file_remove(ns_index *ix, const char *path, ns_error *err)
{
    char key[NS_FILEKEY_MAX + 64];
    size_t klen = ns_index_file_term(path, key, sizeof key);
    xc_status xs = ix->grown ? remove_live_articles(ix, key, klen)
                             : xc_writable_delete_by_term(ix->w, key, klen);
    if (xs == XC_OK) {
        xs = xc_writable_set_metadata(ix->w, key, klen, "", 0);
    }
    return xs == XC_OK ? NS_OK : write_failed(ix, xs, err);
}

typedef struct files_ctx {
    ns_index *ix;
    int (*fn)(void *ctx, const char *path);
    void *ctx;
    char **paths;
    size_t n, cap;
    int nomem;
} files_ctx;

static int collect_file(void *ctx, const char *term, size_t len)
{
    files_ctx *fc = ctx;
    char *key = malloc(len + 1);
    if (!key) {
        fc->nomem = 1;
        return 1;
    }
    memcpy(key, term, len);
    key[len] = '\0';
    if (fc->n == fc->cap) {
        size_t cap = fc->cap ? fc->cap * 2 : 64;
        char **p = realloc(fc->paths, cap * sizeof *p);
        if (!p) {
            free(key);
            fc->nomem = 1;
            return 1;
        }
        fc->paths = p;
        fc->cap = cap;
    }
    fc->paths[fc->n++] = key;
    return 0;
}

ns_status ns_index_files(ns_index *ix, int (*fn)(void *ctx, const char *path), void *ctx,
                         ns_error *err)
{
    /* Every file has a bookkeeping entry keyed by its F term (files with no
     * article too); the path of a hashed key is in its value. Collect the
     * keys first: callers may modify the index. */
    xc_database *db = NULL;
    xc_status xs = xc_writable_database(ix->w, &db);
    if (xs != XC_OK) {
        return ns_error_from_xc(err, xs, ix->path);
    }
    files_ctx fc = {ix, fn, ctx, NULL, 0, 0, 0};
    xs = xc_database_metadata_keys(db, NS_KEY(NS_PREFIX_FILE), collect_file, &fc);
    ns_status st = NS_OK;
    if (xs != XC_OK) {
        st = ns_error_from_xc(err, xs, ix->path);
    } else if (fc.nomem) {
        st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < fc.n; i++) {
        if (st == NS_OK) {
            const char *key = fc.paths[i], *rest = key + sizeof NS_PREFIX_FILE - 1;
            if (*rest != '#') {
                if (fn(ctx, rest)) {
                    st = NS_DONE;
                }
            } else {
                char *val = NULL;
                size_t len = 0;
                xs = xc_database_get_metadata(db, key, strlen(key), &val, &len);
                if (xs != XC_OK) {
                    st = ns_error_from_xc(err, xs, ix->path);
                } else if (val) {
                    char *nl = memchr(val, '\n', len);
                    if (nl) {
                        char *p = strndup(nl + 1, len - (size_t)(nl + 1 - val));
                        if (p && fn(ctx, p)) {
                            st = NS_DONE;
                        }
                        free(p);
                    }
                    xc_free(val);
                }
            }
        }
        free(fc.paths[i]);
    }
    free(fc.paths);
    xc_database_close(db);
    return st == NS_DONE ? NS_OK : st;
}

/* ------------------------------------------------------------- roots */

ns_status ns_index_roots_get(ns_index *ix, char ***roots, size_t *n, ns_error *err)
{
    *roots = NULL;
    *n = 0;
    char *val = NULL;
    size_t len = 0;
    ns_status st = get_meta(ix, NS_META_ROOTS, &val, &len, err);
    if (st != NS_OK) return st;
    if (!val && ix->inherited_roots) {
        /* A rebuild named no folder: those of the index it replaces. */
        if ((st = set_meta(ix, NS_META_ROOTS, ix->inherited_roots, err)) != NS_OK) return st;
        len = strlen(ix->inherited_roots);
        if (!(val = malloc(len + 1))) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        memcpy(val, ix->inherited_roots, len + 1);
    }
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += val[i] == '\n';
    char **v = calloc(cap + 1, sizeof *v);
    if (!v) {
        xc_free(val);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(val + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - val) : len;
        if (e > i && !(v[k++] = strndup(val + i, e - i))) {
            for (size_t j = 0; j < k; j++)
                free(v[j]);
            free(v);
            xc_free(val);
            return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        }
        i = e + 1;
    }
    xc_free(val);
    *roots = v;
    *n = k;
    return NS_OK;
}

ns_status ns_index_roots_set(ns_index *ix, const char *const *roots, size_t n, ns_error *err)
{
    ns_status st = NS_OK;
    ns_buf b = {0};
    for (size_t i = 0; i < n && st == NS_OK; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = strcmp(roots[i], roots[j]) == 0;
        if (!dup && (ns_buf_add(&b, roots[i], strlen(roots[i])) != NS_OK ||
                     ns_buf_add(&b, "\n", 1) != NS_OK)) {
            st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
        }
    }
    if (st == NS_OK) {
        xc_status xs =
            xc_writable_set_metadata(ix->w, NS_KEY(NS_META_ROOTS), b.data ? b.data : "", b.len);
        if (xs != XC_OK) st = write_failed(ix, xs, err);
    }
    ns_buf_free(&b);
    return st;
}

/* ------------------------------------------------------------- adding */

/* ---------------------------------------------------------- word pairs */

/* A phrase of common words ("the company said") is cheap: Xapian's
 * candidates, the articles holding all its words, are mostly articles
 * that hold the phrase. A rare phrase of common words ("company said
 * market") is not: nearly every article holds the words, and the passage
 * scan would read them all to find the two that hold the phrase (the index
 * has no positions). So a document also gets a boolean term for each pair
 * of common words that stand next to each other (schema.h,
 * NS_PREFIX_PAIR), and the searcher narrows a phrase's candidates with
 * them (plan.c, seq_query). Which words are common is learned once, from
 * the first PAIR_SAMPLE articles of the build that creates the index: the
 * words in at least PAIR_MIN_SHARE percent of them, at most PAIR_WORDS_MAX.
 * They are recorded (NS_META_PAIRS) and every later run, incremental or
 * not, pairs the same words; a rebuild learns them again. Until the sample
 * The sample: what the caller gives before adding anything (ns_index_sample:
 * nsearch-index reads articles spread over the whole corpus, update.c, so
 * a corpus in date order is sampled over all its years, and two builds of
 * one corpus learn the same words); else the first PAIR_SAMPLE articles
 * added: the parts keep them (as records) and add them once the words are
 * known (ns_index_part_add), and a build of fewer articles learns from all
 * of them when the index closes. */
#define PAIR_SAMPLE    2000
#define PAIR_WORDS_MAX 100
#define PAIR_MIN_SHARE 10

static ns_status sample_add(ns_index *ix, const ns_article *a, ns_error *err)
{
    ns_buf *v = realloc(ix->sample, (ix->nsample + 1) * sizeof *v);
    if (!v) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    ix->sample = v;
    memset(&v[ix->nsample], 0, sizeof *v);
    if (ns_record_encode(a, &v[ix->nsample]) != NS_OK) {
        ns_buf_free(&v[ix->nsample]);
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    ix->nsample++;
    return NS_OK;
}

/* Add doc, the document of the article at `where` ("PATH:LINE"), to w, a
 * database of ix. */
static ns_status add_doc(const ns_index *ix, xc_writable *w, const xc_document *doc,
                         const char *where, ns_error *err)
{
    xc_status xs = xc_writable_add_document(w, doc, NULL);
    /* Something of this article Xapian refuses (a term too long): its
     * fault, so name it. */
    if (xs == XC_ERR_INVALID) return ns_error_from_xc(err, xs, where);
    return xs == XC_OK ? NS_OK : write_failed(ix, xs, err);
}

/* Turn article a into a document (document.h) and add it to w, a
 * database of ix. */
static ns_status build_add(const ns_index *ix, ns_docbuilder *db, xc_writable *w,
                           const ns_article *a, ns_error *err)
{
    ns_status st = ns_doc_build(db, a, err);
    if (st != NS_OK) return st;
    char where[PATH_MAX + 32];
    snprintf(where, sizeof where, "%s:%zu", a->path, a->line);
    return add_doc(ix, w, db->doc, where, err);
}

/* Add the sample's articles (taken from ix) through db into w, and free
 * them. */
static ns_status sample_flush(const ns_index *ix, ns_docbuilder *db, xc_writable *w, ns_buf *sample,
                              size_t n, ns_error *err)
{
    ns_status st = NS_OK;
    for (size_t i = 0; i < n; i++) {
        ns_record rec;
        if (st == NS_OK && ns_record_decode(sample[i].data, sample[i].len, &rec) == NS_OK) {
            st = build_add(ix, db, w, &rec.art, err);
            ns_record_clear(&rec);
        }
        ns_buf_free(&sample[i]);
    }
    free(sample);
    return st;
}

/* If the common words are not known yet: learn them from the sample,
 * then add the sample through db into w. */
static ns_status pairs_settle(ns_index *ix, ns_docbuilder *db, xc_writable *w, ns_error *err)
{
    ns_status st = NS_OK;
    ns_buf *sample = NULL;
    size_t n = 0;
    if (atomic_load(&ix->pairs_fixed)) return NS_OK;
    pthread_mutex_lock(&ix->pair_mu);
    if (!atomic_load(&ix->pairs_fixed)) {
        st =
            ns_pairs_learn(db, ix->sample, ix->nsample, PAIR_WORDS_MAX, PAIR_MIN_SHARE, &ix->pairs);
        if (st == NS_OK) st = ns_packer_learn(&ix->pack, ix->sample, ix->nsample);
        if (st != NS_OK) ns_error_set(err, st, "out of memory");
        atomic_store(&ix->pairs_fixed, 1);
        sample = ix->sample;
        n = ix->nsample;
        ix->sample = NULL;
        ix->nsample = 0;
    }
    pthread_mutex_unlock(&ix->pair_mu);
    ns_status fs = sample_flush(ix, db, w, sample, n, st == NS_OK ? err : NULL);
    return st != NS_OK ? st : fs;
}

/* Read the common words an existing index recorded (none when it has no
 * NS_META_PAIRS: made before schema 3). */
static ns_status pairs_load(ns_index *ix, ns_error *err)
{
    char *val = NULL;
    size_t len = 0;
    ns_status st = get_meta(ix, NS_META_ZDICT, &val, &len, err);
    if (st != NS_OK) return st;
    if (val) {
        st = ns_packer_load(&ix->pack, val, len);
        xc_free(val);
        val = NULL;
        if (st == NS_ERR_CORRUPT) {
            char word[1024];
            ns_advice_word(ix->path, word, sizeof word);
            return ns_error_set(err, st,
                                "%s: the records' dictionary (%s) is damaged: run "
                                "nsearch-index --db %s --rebuild",
                                ix->path, NS_META_ZDICT, word);
        }
        if (st != NS_OK) return ns_error_set(err, st, "out of memory");
    }
    st = get_meta(ix, NS_META_PAIRS, &val, &len, err);
    if (st != NS_OK || !val) return st;
    st = ns_pairs_parse(val, len, &ix->pairs);
    xc_free(val);
    return st == NS_OK ? NS_OK : ns_error_set(err, st, "out of memory");
}

/* Record the learned words (ns_index_close of a fresh build). */
static ns_status pairs_record(ns_index *ix, ns_error *err)
{
    ns_buf v = {0};
    ns_status st = ns_pairs_format(&ix->pairs, &v);
    if (st != NS_OK) {
        ns_buf_free(&v);
        return ns_error_set(err, st, "out of memory");
    }
    xc_status xs = xc_writable_set_metadata(ix->w, NS_KEY(NS_META_PAIRS), v.data, v.len);
    ns_buf_free(&v);
    if (xs == XC_OK && ix->pack.cdict)
        xs = xc_writable_set_metadata(ix->w, NS_KEY(NS_META_ZDICT), ix->pack.dict.data,
                                      ix->pack.dict.len);
    return xs == XC_OK ? NS_OK : write_failed(ix, xs, err);
}

int ns_index_wants_sample(const ns_index *ix)
{
    return !atomic_load(&ix->pairs_fixed) && (ix->presampled || ix->nsample == 0);
}

ns_status ns_index_sample(ns_index *ix, const ns_article *a, ns_error *err)
{
    if (!ns_index_wants_sample(ix))
        return ns_error_set(err, NS_ERR_INVALID, "%s: a sample after articles were added",
                            ix->path);
    ix->presampled = 1;
    return ix->nsample < PAIR_SAMPLE ? sample_add(ix, a, err) : NS_OK;
}

ns_status ns_index_sample_done(ns_index *ix, ns_error *err)
{
    if (!ns_index_wants_sample(ix)) return NS_OK;
    ns_status st = ns_pairs_learn(&ix->db, ix->sample, ix->nsample, PAIR_WORDS_MAX, PAIR_MIN_SHARE,
                                  &ix->pairs);
    if (st == NS_OK) st = ns_packer_learn(&ix->pack, ix->sample, ix->nsample);
    for (size_t i = 0; i < ix->nsample; i++)
        ns_buf_free(&ix->sample[i]);
    free(ix->sample);
    ix->sample = NULL;
    ix->nsample = 0;
    atomic_store(&ix->pairs_fixed, 1);
    return st == NS_OK ? NS_OK : ns_error_set(err, st, "out of memory");
}

ns_status ns_index_add(ns_index *ix, const ns_article *a, ns_error *err)
{
    return build_add(ix, &ix->db, ix->w, a, err);
}

struct ns_index_builder {
    ns_index *ix;
    ns_docbuilder db;
};

struct ns_index_built {
    xc_document *doc;
    char where[]; /* "PATH:LINE", for Xapian's refusal (build_add) */
};

ns_status ns_index_builder_open(ns_index *ix, ns_index_builder **out, ns_error *err)
{
    *out = NULL;
    if (ix->building)
        return ns_error_set(err, NS_ERR_INVALID, "%s: builders are for incremental runs only",
                            ix->path);
    ns_index_builder *b = calloc(1, sizeof *b);
    if (!b) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    ns_status st = ns_doc_init(&b->db, ix->lang, &ix->pairs, err);
    if (st != NS_OK) {
        free(b);
        return st;
    }
    b->db.pack = &ix->pack;
    b->ix = ix;
    *out = b;
    return NS_OK;
}

/* Add a builder's forms (forms.h) to the index's, for close to record. */
static ns_status forms_gather(ns_index *ix, ns_docbuilder *db)
{
    if (!ix->forms_on || !db->forms.n) return NS_OK;
    pthread_mutex_lock(&ix->forms_mu);
    ns_status st = ns_forms_merge(&ix->forms, &db->forms);
    if (st != NS_OK) ix->forms_nomem = 1;
    pthread_mutex_unlock(&ix->forms_mu);
    ns_forms_reset(&db->forms);
    return st;
}

void ns_index_builder_close(ns_index_builder *b)
{
    if (!b) return;
    forms_gather(b->ix, &b->db);
    ns_doc_clear(&b->db);
    free(b);
}

ns_status ns_index_build(ns_index_builder *b, const ns_article *a, ns_index_built **out,
                         ns_error *err)
{
    *out = NULL;
    ns_status st = ns_doc_build(&b->db, a, err);
    if (st != NS_OK) return st;
    char where[PATH_MAX + 32];
    int n = snprintf(where, sizeof where, "%s:%zu", a->path, a->line);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof where ? (size_t)n : sizeof where - 1;
    ns_index_built *d = malloc(sizeof *d + len + 1);
    if (!d) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    memcpy(d->where, where, len);
    d->where[len] = '\0';
    /* The builder's last document becomes d's: the next build makes a
     * new one. */
    d->doc = b->db.doc;
    b->db.doc = NULL;
    *out = d;
    return NS_OK;
}

ns_status ns_index_add_built(ns_index *ix, ns_index_built *d, ns_error *err)
{
    ns_status st = add_doc(ix, ix->w, d->doc, d->where, err);
    ns_index_built_free(d);
    return st;
}

void ns_index_built_free(ns_index_built *d)
{
    if (!d) return;
    xc_document_free(d->doc);
    free(d);
}

int ns_index_building(const ns_index *ix)
{
    return ix->building;
}

ns_status ns_index_part_open(ns_index *ix, unsigned k, ns_index_part **out, ns_error *err)
{
    *out = NULL;
    if (!ix->building) {
        return ns_error_set(err, NS_ERR_INVALID, "%s: parts are for fresh builds only", ix->path);
    }
    ns_index_part *p = calloc(1, sizeof *p);
    if (!p) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    p->ix = ix;
    ns_status st = ns_doc_init(&p->db, ix->lang, &ix->pairs, err);
    if (st != NS_OK) {
        free(p);
        return st;
    }
    p->db.pack = &ix->pack;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/build-%u/part-%u", ix->path, ix->gen, k);
    /* A part of `flush` articles is written out in one go at its close. */
    xc_status xs = xc_writable_open_flush(dir, XC_OPEN_OVERWRITE, XC_WRITABLE_NO_SYNC, 0,
                                          ix->part_flush, &p->w);
    if (xs != XC_OK) {
        st = write_failed(ix, xs, err);
        ns_doc_clear(&p->db);
        free(p);
        return st;
    }
    *out = p;
    return NS_OK;
}

ns_status ns_index_part_add(ns_index_part *p, const ns_article *a, ns_error *err)
{
    ns_index *ix = p->ix;
    if (!atomic_load(&ix->pairs_fixed)) {
        /* Part of the sample the common words are learned from: kept, and
         * added once they are known (see "Word pairs"). */
        pthread_mutex_lock(&ix->pair_mu);
        int kept = 0;
        ns_status st = NS_OK;
        if (!atomic_load(&ix->pairs_fixed)) {
            st = sample_add(ix, a, err);
            kept = 1;
        }
        int full = kept && st == NS_OK && ix->nsample >= PAIR_SAMPLE;
        pthread_mutex_unlock(&ix->pair_mu);
        if (full) return pairs_settle(ix, &p->db, p->w, err);
        if (kept) return st;
    }
    return build_add(p->ix, &p->db, p->w, a, err);
}

ns_status ns_index_part_close(ns_index_part *p, ns_error *err)
{
    if (!p) return NS_OK;
    /* A sample not yet complete stays with the index (see "Word pairs"). */
    ns_status st = NS_OK;
    xc_status xs = xc_writable_close_checked(p->w);
    if (xs != XC_OK) st = write_failed(p->ix, xs, err);
    if (forms_gather(p->ix, &p->db) != NS_OK && st == NS_OK)
        st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    ns_doc_clear(&p->db);
    free(p);
    return st;
}

/* ------------------------------------------------ growing by a merge */

ns_status ns_index_grow(ns_index *ix, ns_error *err)
{
    if (ix->building || !ix->txn)
        return ns_error_set(err, NS_ERR_INVALID, "%s: only an incremental run grows by a merge",
                            ix->path);
    char dir[PATH_MAX];
    /* Nothing was written in the run's transaction but a schema mark (set
     * again on the new generation): the live generation stays as it is. */
    xc_status xs = xc_writable_cancel_transaction(ix->w);
    ix->txn = 0;
    if (xs == XC_OK) {
        xs = xc_writable_close_checked(ix->w);
        ix->w = NULL;
        /* The live generation is only read from now on. */
        live_files_drop(ix->found, 1);
        ix->found = NULL;
    }
    if (xs != XC_OK) return write_failed(ix, xs, err); /* ns_index_abort closes w */
    snprintf(dir, sizeof dir, "%s/gen-%u", ix->path, ix->live_gen);
    if ((xs = xc_database_open_glass(dir, &ix->live_db)) != XC_OK)
        return ns_error_from_xc(err, xs, dir);
    unsigned g = next_gen(ix->path, ix->live_gen);
    ns_status st = pending_add(ix, g, err);
    if (st != NS_OK) return st;
    ix->gen = g;
    ix->building = 1;
    ix->growing = 1;
    snprintf(dir, sizeof dir, "%s/build-%u", ix->path, ix->gen);
    if (make_dirs(dir) != 0)
        return ns_error_set(err, NS_ERR_IO, "%s: cannot create %s: %s; the index is unchanged",
                            ix->path, dir, strerror(errno));
    return NS_OK;
}

ns_status ns_index_grow_merge(ns_index *ix, ns_error *err)
{
    if (!ix->growing || ix->grown)
        return ns_error_set(err, NS_ERR_INVALID, "%s: not growing by a merge", ix->path);
    char live[PATH_MAX], builddir[PATH_MAX], gendir[PATH_MAX];
    snprintf(live, sizeof live, "%s/gen-%u", ix->path, ix->live_gen);
    snprintf(builddir, sizeof builddir, "%s/build-%u", ix->path, ix->gen);
    snprintf(gendir, sizeof gendir, "%s/gen-%u", ix->path, ix->gen);
    ns_status st = merge_parts(ix, live, builddir, gendir, err);
    if (st != NS_OK) return st;
    remove_tree(builddir);
    xc_status xs = xc_writable_open(gendir, XC_OPEN_OPEN, XC_WRITABLE_NO_SYNC, 0, &ix->w);
    if (xs != XC_OK) return write_failed(ix, xs, err);
    ix->grown = 1;
    if (ix->upgrade) {
        char v[16];
        snprintf(v, sizeof v, "%d", NS_SCHEMA_VERSION);
        if ((st = set_meta(ix, NS_META_SCHEMA, v, err)) != NS_OK) return st;
    }
    return NS_OK;
}

/* ----------------------------------------------------- stats and check */

static uint64_t tree_bytes(const char *path)
{
    DIR *d = opendir(path);
    if (!d) return 0;
    uint64_t total = 0;
    struct dirent *e;
    char buf[PATH_MAX];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(buf, sizeof buf, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(buf, &st) == 0)
            total += S_ISDIR(st.st_mode) ? tree_bytes(buf) : (uint64_t)st.st_size;
    }
    closedir(d);
    return total;
}

static int count_term(void *ctx, const char *term, size_t len, uint32_t tf)
{
    uint32_t *n = ctx;
    /* Prefixes are upper-case letters, which no analyzer term starts with
     * (schema.h). */
    if (len && !(term[0] >= 'A' && term[0] <= 'Z')) (*n)++;
    return 0;
}

static int count_files(void *ctx, const char *key, size_t len)
{
    (*(uint32_t *)ctx)++;
    return 0;
}

ns_status ns_index_info_get(const char *path, ns_index_info *info, ns_error *err)
{
    memset(info, 0, sizeof *info);
    xc_database *db = NULL;
    ns_status ost = ns_schema_open(path, NULL, &db, info->lang, sizeof info->lang, err);
    if (ost != NS_OK) return ost;
    char *val = NULL;
    size_t len = 0;
    xc_status xs = xc_database_get_metadata(db, NS_KEY(NS_META_SCHEMA), &val, &len);
    if (val) info->schema = (unsigned)atoi(val);
    xc_free(val);
    val = NULL;
    if (xs == XC_OK) xs = xc_database_get_metadata(db, NS_KEY(NS_META_ROOTS), &val, &len);
    if (val) snprintf(info->roots, sizeof info->roots, "%.*s", (int)len, val);
    xc_free(val);
    if (xs == XC_OK) xs = xc_database_doccount(db, &info->articles);
    if (xs == XC_OK) xs = xc_database_avlength(db, &info->avg_length);
    if (xs == XC_OK)
        xs = xc_database_metadata_keys(db, NS_KEY(NS_PREFIX_FILE), count_files, &info->files);
    if (xs == XC_OK) xs = xc_database_allterms(db, "", 0, count_term, &info->terms);
    xc_database_close(db);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, path);
    info->generation = read_stub(path);
    char gendir[PATH_MAX];
    if (info->generation) {
        snprintf(gendir, sizeof gendir, "%s/gen-%u", path, info->generation);
        info->disk_bytes = tree_bytes(gendir);
    } else {
        info->disk_bytes = tree_bytes(path);
    }
    return NS_OK;
}

typedef struct verify_ctx {
    xc_database *db;
    void (*report)(void *ctx, const char *msg);
    void *ctx;
    size_t problems;
    xc_status xs;
} verify_ctx;

static void problem(verify_ctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(verify_ctx *v, const char *fmt, ...)
{
    char msg[PATH_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v->problems++;
    if (v->report) v->report(v->ctx, msg);
}

static int verify_file(void *ctx, const char *term, size_t len, uint32_t tf)
{
    verify_ctx *v = ctx;
    size_t plen = sizeof NS_PREFIX_FILE - 1;
    char *val = NULL;
    size_t vlen = 0;
    v->xs = xc_database_get_metadata(v->db, term, len, &val, &vlen);
    if (v->xs != XC_OK) return 1;
    if (!val) {
        problem(v, "%.*s: articles without bookkeeping", (int)(len - plen), term + plen);
        return 0;
    }
    ns_file_state fs;
    char head[128];
    snprintf(head, sizeof head, "%.*s", (int)(vlen < 127 ? vlen : 127), val);
    const char *nl = memchr(val, '\n', vlen);
    int pathlen = nl ? (int)(vlen - (size_t)(nl + 1 - val)) : 0;
    if (!parse_file_state(head, &fs) || !nl) {
        problem(v, "%.*s: unreadable bookkeeping", (int)(len - plen), term + plen);
    } else if (fs.articles != tf) {
        problem(v, "%.*s: bookkeeping says %u articles, the index holds %u", pathlen, nl + 1,
                (unsigned)fs.articles, tf);
    }
    xc_free(val);
    return 0;
}

ns_status ns_index_verify(const char *path, void (*report)(void *ctx, const char *msg), void *ctx,
                          size_t *problems, ns_error *err)
{
    *problems = 0;
    verify_ctx v = {NULL, report, ctx, 0, XC_OK};
    unsigned gen = read_stub(path);
    char gendir[PATH_MAX];
    snprintf(gendir, sizeof gendir, "%s/gen-%u", path, gen);
    size_t errors = 0;
    xc_status xs = xc_database_check(gen ? gendir : path, &errors);
    if ((xs == XC_ERR_NOTFOUND || xs == XC_ERR_IO) && strstr(xc_errmsg(), "read/write")) {
        /* libxapian's check opens the tables read/write, which a read-only
         * medium refuses: read every entry through the read-only API. */
        xc_database *rdb = NULL;
        xs = xc_database_open_glass(gen ? gendir : path, &rdb);
        if (xs == XC_OK) xs = xc_database_scan(rdb);
        xc_database_close(rdb);
        if (xs == XC_ERR_IO) xs = XC_ERR_CORRUPT; /* "EOF reading block": damage */
    }
    if (xs == XC_ERR_CORRUPT) {
        problem(&v, "%s: %s", gen ? gendir : path, xc_errmsg());
        *problems = v.problems;
        return NS_OK;
    }
    if (xs != XC_OK) return ns_error_from_xc(err, xs, path);
    if (errors) problem(&v, "%s: Xapian found %zu problems: %s", gendir, errors, xc_errmsg());
    /* Records and bookkeeping can only be checked in a schema this code
     * reads. */
    char lang[64];
    ns_status ost = ns_schema_open(path, NULL, &v.db, lang, sizeof lang, err);
    if (ost != NS_OK) return ost;
    /* Packed records are read with the index's dictionary (pack.h). */
    ns_unpacker un = {0};
    ns_error derr = {0};
    ns_status ds = ns_schema_add_zdict(v.db, NULL, path, &un, &derr);
    if (ds == NS_ERR_CORRUPT) {
        problem(&v, "%s", derr.msg);
    } else if (ds != NS_OK) {
        ns_unpacker_clear(&un);
        xc_database_close(v.db);
        if (err) *err = derr;
        return ds;
    }
    /* The copy beside the tables, which local searches read instead
     * (schema.h, NS_ZDICT_FILE), must be the recorded dictionary. */
    char *copy = NULL;
    size_t copylen = 0;
    if (gen && ns_schema_read_zdict_file(gendir, &copy, &copylen) == NS_OK) {
        char *rec = NULL;
        size_t reclen = 0;
        xs = xc_database_get_metadata(v.db, NS_KEY(NS_META_ZDICT), &rec, &reclen);
        if (xs == XC_OK && (reclen != copylen || memcmp(rec, copy, copylen) != 0))
            problem(&v,
                    "%s/%s is not the records' dictionary (%s): remove it (searches then "
                    "read the recorded one), or rebuild the index",
                    gendir, NS_ZDICT_FILE, NS_META_ZDICT);
        xc_free(rec);
        free(copy);
    }
    xc_docid last = 0;
    if (xs == XC_OK) xs = xc_database_lastdocid(v.db, &last);
    for (xc_docid id = 1; xs == XC_OK && id <= last; id++) {
        xc_document *doc = NULL;
        const char *data;
        size_t len;
        xs = xc_database_get_document(v.db, id, &doc);
        if (xs == XC_ERR_NOTFOUND) {
            xs = XC_OK; /* deleted */
            continue;
        }
        if (xs == XC_OK) xs = xc_document_get_data(doc, &data, &len);
        if (xs == XC_OK) {
            ns_record rec;
            char *plain = NULL;
            ns_status rs = ns_unpack_record(&un, data, len, &plain, &len);
            if (rs == NS_ERR_NOMEM) {
                xs = XC_ERR_NOMEM;
            } else if (rs != NS_OK || ns_record_decode(plain, len, &rec) != NS_OK) {
                problem(&v, "document %u: unreadable record", (unsigned)id);
            } else {
                ns_record_clear(&rec);
            }
            free(plain);
        }
        xc_document_free(doc);
    }
    ns_unpacker_clear(&un);
    if (xs == XC_OK) {
        xs = xc_database_allterms(v.db, NS_KEY(NS_PREFIX_FILE), verify_file, &v);
        if (xs == XC_OK) xs = v.xs;
    }
    xc_database_close(v.db);
    if (xs == XC_ERR_CORRUPT) {
        problem(&v, "%s: %s", path, xc_errmsg());
    } else if (xs != XC_OK) {
        return ns_error_from_xc(err, xs, path);
    }
    *problems = v.problems;
    return NS_OK;
}
