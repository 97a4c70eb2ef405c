/* faultfs.c: an LD_PRELOAD shim that makes file system calls fail, for the
 * indexer's I/O-error tests (the way SQLite's test VFS fails the Nth write).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * It interposes libc's write, pwrite, fsync, fdatasync, rename, mkdir and
 * the opens (open, openat, their 64 forms, fopen) and counts the calls that
 * touch a path under $FAULTFS_PATH (for calls on a descriptor, the path it
 * was opened with, read from /proc/self/fd). libxapian writes through these
 * very calls, so its writes are counted too. Opens count only when they may
 * write (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC; fopen modes other than "r").
 *
 * Environment:
 *   FAULTFS_PATH   the folder whose files are affected (required; else the
 *                  shim does nothing)
 *   FAULTFS_OPS    which calls count, comma-separated: write, pwrite, fsync
 *                  (fsync and fdatasync), rename, open, mkdir; default all
 *   FAULTFS_N      fail the Nth counted call (1-based); 0 or unset: none
 *   FAULTFS_ERRNO  ENOSPC (default), EIO, EROFS, EACCES, EDQUOT
 *   FAULTFS_PERSIST  1: every counted call after the Nth fails too (a full
 *                  disk stays full); default 0, a single transient fault
 *   FAULTFS_COUNT  a file the shim writes the number of counted calls to at
 *                  exit (how many N a test has to try)
 *   FAULTFS_LOG    1: print each failure on stderr as "faultfs: CALL PATH"
 *   FAULTFS_KILL   1: at the Nth call, kill the process with SIGKILL instead
 *                  (a crash at an exact point: tests/e2e/crash.sh)
 *   FAULTFS_SPACE  a small disk: the bytes the files under FAULTFS_PATH may
 *                  take in all, each file taking its size rounded up to
 *                  4096-byte blocks, as a file system allocates them. A
 *                  write or pwrite that would need more blocks than are
 *                  left fails with ENOSPC; one within a file's blocks goes
 *                  through; a file cut shorter or deleted makes room. This
 *                  is apart from FAULTFS_N, which counts the calls as ever
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum { OP_WRITE = 1, OP_PWRITE = 2, OP_FSYNC = 4, OP_RENAME = 8, OP_OPEN = 16, OP_MKDIR = 32 };

static const char *root;
static size_t rootlen;
static unsigned ops = ~0u;
static long fail_at;
static int fail_errno = ENOSPC;
static int persist, logging, killing;
static atomic_long calls;
static const char *count_file;
static long long space = -1; /* FAULTFS_SPACE; -1: no limit */

static void report(void)
{
    if (!count_file) return;
    int (*real_open)(const char *, int, ...) = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
    ssize_t (*real_write)(int, const void *, size_t) =
        (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    int fd = real_open(count_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", atomic_load(&calls));
    if (real_write(fd, buf, (size_t)n) != n) {
        /* nothing to do */
    }
    close(fd);
}

__attribute__((constructor)) static void init(void)
{
    root = getenv("FAULTFS_PATH");
    if (!root || !*root) {
        root = NULL;
        return;
    }
    rootlen = strlen(root);
    while (rootlen > 1 && root[rootlen - 1] == '/') rootlen--;
    const char *o = getenv("FAULTFS_OPS");
    if (o && *o) {
        ops = 0;
        if (strstr(o, "write") && (o == strstr(o, "write") || strstr(o, ",write"))) ops |= OP_WRITE;
        if (strstr(o, "pwrite")) ops |= OP_PWRITE;
        if (strstr(o, "sync")) ops |= OP_FSYNC;
        if (strstr(o, "rename")) ops |= OP_RENAME;
        if (strstr(o, "open")) ops |= OP_OPEN;
        if (strstr(o, "mkdir")) ops |= OP_MKDIR;
    }
    const char *n = getenv("FAULTFS_N");
    fail_at = n ? atol(n) : 0;
    const char *e = getenv("FAULTFS_ERRNO");
    if (e) {
        if (!strcmp(e, "EIO")) fail_errno = EIO;
        else if (!strcmp(e, "EROFS")) fail_errno = EROFS;
        else if (!strcmp(e, "EACCES")) fail_errno = EACCES;
        else if (!strcmp(e, "EDQUOT")) fail_errno = EDQUOT;
    }
    const char *p = getenv("FAULTFS_PERSIST");
    persist = p && *p == '1';
    const char *kl = getenv("FAULTFS_KILL");
    killing = kl && *kl == '1';
    const char *l = getenv("FAULTFS_LOG");
    logging = l && *l == '1';
    const char *sp = getenv("FAULTFS_SPACE");
    if (sp && *sp) space = atoll(sp);
    count_file = getenv("FAULTFS_COUNT");
    if (count_file && !*count_file) count_file = NULL;
    atexit(report);
}

/* Whether `path` (absolute or relative to the working folder) is under
 * the root. Relative paths are made absolute first. */
static int under(const char *path)
{
    if (!root || !path) return 0;
    char buf[4096];
    if (path[0] != '/') {
        if (!getcwd(buf, sizeof buf - 1)) return 0;
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, "/%s", path);
        path = buf;
    }
    return strncmp(path, root, rootlen) == 0 && (path[rootlen] == '/' || path[rootlen] == '\0');
}

static int fd_under(int fd)
{
    if (!root || fd < 0) return 0;
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0) return 0;
    target[n] = '\0';
    return under(target);
}

/* Count one call of kind `op` on an affected path; non-zero when it must
 * fail (errno is then set). */
static int fault(unsigned op, const char *what, const char *path)
{
    if (!(ops & op)) return 0;
    long k = atomic_fetch_add(&calls, 1) + 1;
    if (fail_at > 0 && killing && k == fail_at) kill(getpid(), SIGKILL);
    if (fail_at > 0 && !killing && (k == fail_at || (persist && k > fail_at))) {
        if (logging) {
            char msg[600];
            int m = snprintf(msg, sizeof msg, "faultfs: %s %s (call %ld)\n", what, path ? path : "", k);
            ssize_t (*real_write)(int, const void *, size_t) =
                (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
            if (real_write(2, msg, (size_t)m) < 0) {
                /* nothing to do */
            }
        }
        errno = fail_errno;
        return 1;
    }
    return 0;
}

#define SPACE_BLOCK 4096LL
static long long blocks(long long size)
{
    return (size + SPACE_BLOCK - 1) / SPACE_BLOCK * SPACE_BLOCK;
}

/* The space the regular files under `path` take (FAULTFS_SPACE). */
static long long tree_size(const char *path)
{
    DIR *d = opendir(path);
    if (!d) return 0;
    long long total = 0;
    struct dirent *e;
    char buf[4096];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(buf, sizeof buf, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(buf, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) total += tree_size(buf);
        else if (S_ISREG(st.st_mode)) total += blocks(st.st_size);
    }
    closedir(d);
    return total;
}

/* Non-zero (errno ENOSPC) when writing n bytes to fd at `off` (-1: where
 * the descriptor stands) would take the files under the root past
 * FAULTFS_SPACE. */
static int no_space(int fd, off_t off, size_t n)
{
    if (space < 0) return 0;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    if (off < 0) {
        int fl = fcntl(fd, F_GETFL);
        off = fl >= 0 && (fl & O_APPEND) ? st.st_size : lseek(fd, 0, SEEK_CUR);
        if (off < 0) return 0;
    }
    long long grow = blocks((long long)off + (long long)n) - blocks(st.st_size);
    if (grow <= 0) return 0;
    char top[4096];
    snprintf(top, sizeof top, "%.*s", (int)rootlen, root);
    if (tree_size(top) + grow <= space) return 0;
    if (logging) {
        char msg[100];
        int m = snprintf(msg, sizeof msg, "faultfs: no space for %lld more bytes\n", grow);
        ssize_t (*real_write)(int, const void *, size_t) =
            (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
        if (real_write(2, msg, (size_t)m) < 0) {
            /* nothing to do */
        }
    }
    errno = ENOSPC;
    return 1;
}

#define REAL(name) static __typeof__(&name) real_##name; if (!real_##name) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

/* Each interposed call is one of a few shapes, and each shape is defined
 * once, then instantiated for the calls (and their 64 forms) that have it:
 * counted when the call touches an affected path, failed (-1 or NULL, errno
 * set) when fault() says so, else passed on to libc. */

static int writes(int flags)
{
    return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

static int at_under(int dirfd, const char *path)
{
    if (path && path[0] == '/') return under(path);
    if (dirfd == AT_FDCWD) return under(path);
    return fd_under(dirfd);
}

/* The optional mode argument of the opens, there only with O_CREAT or
 * O_TMPFILE. */
#define MODE_ARG(flags)                                                                            \
    mode_t mode = 0;                                                                               \
    if ((flags) & (O_CREAT | O_TMPFILE)) {                                                         \
        va_list ap;                                                                                \
        va_start(ap, flags);                                                                       \
        mode = va_arg(ap, mode_t);                                                                 \
        va_end(ap);                                                                                \
    }

/* A call on a descriptor: fsync, fdatasync. */
#define FD_CALL(name, op)                                                                          \
    int name(int fd)                                                                               \
    {                                                                                              \
        REAL(name);                                                                                \
        if (fd_under(fd) && fault(op, #name, "")) return -1;                                       \
        return real_##name(fd);                                                                    \
    }

#define PWRITE(name)                                                                               \
    ssize_t name(int fd, const void *buf, size_t n, off_t off)                                     \
    {                                                                                              \
        REAL(name);                                                                                \
        if (fd_under(fd) && (fault(OP_PWRITE, "pwrite", "") || no_space(fd, off, n))) return -1;   \
        return real_##name(fd, buf, n, off);                                                       \
    }

#define OPEN(name)                                                                                 \
    int name(const char *path, int flags, ...)                                                     \
    {                                                                                              \
        REAL(name);                                                                                \
        MODE_ARG(flags);                                                                           \
        if (writes(flags) && under(path) && fault(OP_OPEN, "open", path)) return -1;               \
        return real_##name(path, flags, mode);                                                     \
    }

#define OPENAT(name)                                                                               \
    int name(int dirfd, const char *path, int flags, ...)                                          \
    {                                                                                              \
        REAL(name);                                                                                \
        MODE_ARG(flags);                                                                           \
        if (writes(flags) && at_under(dirfd, path) && fault(OP_OPEN, "openat", path)) return -1;   \
        return real_##name(dirfd, path, flags, mode);                                              \
    }

/* fopen: a mode other than "r" may write. */
#define FOPEN(name)                                                                                \
    FILE *name(const char *path, const char *mode)                                                 \
    {                                                                                              \
        REAL(name);                                                                                \
        if ((mode[0] != 'r' || strchr(mode, '+')) && under(path) && fault(OP_OPEN, "fopen", path)) \
            return NULL;                                                                           \
        return real_##name(path, mode);                                                            \
    }

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(write);
    if (fd > 2 && fd_under(fd) && (fault(OP_WRITE, "write", "") || no_space(fd, -1, n))) return -1;
    return real_write(fd, buf, n);
}

int rename(const char *from, const char *to)
{
    REAL(rename);
    if ((under(from) || under(to)) && fault(OP_RENAME, "rename", to)) return -1;
    return real_rename(from, to);
}

int mkdir(const char *path, mode_t mode)
{
    REAL(mkdir);
    if (under(path) && fault(OP_MKDIR, "mkdir", path)) return -1;
    return real_mkdir(path, mode);
}

PWRITE(pwrite)
PWRITE(pwrite64)
FD_CALL(fsync, OP_FSYNC)
FD_CALL(fdatasync, OP_FSYNC)
OPEN(open)
OPEN(open64)
OPENAT(openat)
OPENAT(openat64)
FOPEN(fopen)
FOPEN(fopen64)
