/* roots.c: the corpus folders of a run (indexer.h): their names, and each
 * folder indexed once.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A folder is named as the user gave it, made absolute and normalized by
 * name but with its symbolic links kept (README: `~/news` stays `~/news`
 * when it links to another disk), and recorded so in the index. Two names
 * can still reach one folder (`news` and a link to it), and one folder can
 * lie inside another (`news` and `news/2025`): walking both would put every
 * article of the inner one in twice. So before a run the folders given and
 * those recorded are settled (roots_settle): each is compared by where it
 * really is (realpath), and one that the walk of another reaches (the same
 * folder, or one inside it whose way down has no hidden, backup or excluded
 * name, which the walk would skip: walk.h) is left out. What is left is
 * what the index records and what the run walks, so the record always
 * matches what the index holds.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "indexer.h"
#include "quote.h"

char *roots_abs(const char *arg)
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
        if ((size_t)snprintf(buf, sizeof buf, "%s", arg) >= sizeof buf) {
            errno = ENAMETOOLONG;
            return NULL;
        }
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

/* One folder, given or recorded. */
typedef struct cand {
    const char *name;    /* absolute, as recorded */
    const char *spelled; /* as given on the command line; NULL: recorded */
    char *real;          /* realpath, or a copy of name when it has none */
    size_t by;           /* left out: the folder whose walk reaches it */
    int out;
} cand;

/* Would the walk of a folder reach its sub-folder `rel` (a relative path
 * of real names)? Not when a name on the way is hidden or an editor
 * backup, or matches an exclude pattern (walk.h, walk.c: the same tests). */
static int reaches(const char *rel, const char *const *exclude, size_t nexclude)
{
    char *path = strdup(rel);
    if (!path) return 0; /* keep both: never a folder lost */
    int ok = 1;
    for (char *p = path; ok && *p;) {
        char *e = p + strcspn(p, "/");
        size_t n = (size_t)(e - p);
        char save = *e;
        *e = '\0';
        if (p[0] == '.' || p[n - 1] == '~' || (n >= 2 && p[0] == '#' && p[n - 1] == '#')) ok = 0;
        for (size_t i = 0; ok && i < nexclude; i++) {
            const char *pat = exclude[i];
            if (pat[0] == '/')
                pat++;
            else if (pat[0] == '.' && pat[1] == '/')
                pat += 2;
            char pb[PATH_MAX];
            snprintf(pb, sizeof pb, "%s", pat);
            size_t pl = strlen(pb);
            if (pl > 1 && pb[pl - 1] == '/') pb[pl - 1] = '\0'; /* folders only: these are */
            if (fnmatch(pb, path, FNM_PATHNAME) == 0 || fnmatch(pb, p, 0) == 0) ok = 0;
        }
        *e = save;
        p = save ? e + 1 : e;
    }
    free(path);
    return ok;
}

/* 1 when walking b reaches a: the same folder, or a folder inside it. 2
 * when strictly inside. */
static int covers(const cand *b, const cand *a, const char *const *exclude, size_t nexclude)
{
    size_t n = strlen(b->real);
    if (strcmp(a->real, b->real) == 0) return 1;
    if (strcmp(b->real, "/") == 0) n = 0;
    if (strncmp(a->real, b->real, n) != 0 || a->real[n] != '/') return 0;
    return reaches(a->real + n + 1, exclude, nexclude) ? 2 : 0;
}

static void say_left_out(const cand *a, const cand *by, int inside)
{
    ns_buf m = {0};
    ns_buf_str(&m, "nsearch-index: ");
    ns_quote_path(a->spelled, strlen(a->spelled), &m);
    ns_buf_str(&m, inside ? ": left out: it is inside " : ": left out: it is the same folder as ");
    ns_quote_path(by->spelled, strlen(by->spelled), &m);
    ns_buf_str(&m, ", given too\n");
    if (m.data) fputs(m.data, stderr);
    ns_buf_free(&m);
}

static int push(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 2) * sizeof *nv);
    if (!nv) return -1;
    *v = nv;
    if (!(nv[*n] = strdup(s))) return -1;
    nv[++*n] = NULL;
    return 0;
}

static int has(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0) return 1;
    return 0;
}

int roots_settle(roots *out, const char *const *given, const char *const *spelled, size_t ngiven,
                 const char *const *recorded, size_t nrecorded, int replace,
                 const char *const *exclude, size_t nexclude)
{
    memset(out, 0, sizeof *out);
    if (replace) nrecorded = 0;
    size_t n = nrecorded + ngiven;
    cand *c = calloc(n + 1, sizeof *c);
    if (!c) return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        c[i].name = i < nrecorded ? recorded[i] : given[i - nrecorded];
        c[i].spelled = i < nrecorded ? NULL : spelled[i - nrecorded];
        c[i].real = realpath(c[i].name, NULL);
        if (!c[i].real && errno == ENOMEM) rc = -1;
        if (!c[i].real && rc == 0 && !(c[i].real = strdup(c[i].name))) rc = -1;
    }
    /* Left out: a folder inside another (whatever their order), then of
     * folders that are the same, every one but the first. Recorded ones
     * come first, so they keep their names. */
    for (size_t i = 0; i < n && rc == 0; i++)
        for (size_t j = 0; j < n && !c[i].out; j++)
            if (j != i && covers(&c[j], &c[i], exclude, nexclude) == 2) c[i].out = 1, c[i].by = j;
    for (size_t i = 0; i < n && rc == 0; i++)
        for (size_t j = 0; j < i && !c[i].out; j++)
            if (!c[j].out && covers(&c[j], &c[i], exclude, nexclude) == 1)
                c[i].out = 1, c[i].by = j;
    /* Say so of a folder given that another given one covers (silently
     * when it is the same name: `news news/`); one covered by a recorded
     * folder is updated through that one. */
    for (size_t i = nrecorded; i < n && rc == 0; i++) {
        if (!c[i].out || c[i].by < nrecorded) continue;
        const cand *by = &c[c[i].by];
        if (strcmp(by->name, c[i].name) != 0)
            say_left_out(&c[i], by, strcmp(by->real, c[i].real) != 0);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!c[i].out)
            rc = push(&out->record, &out->nrecord, c[i].name);
        else if (i < nrecorded)
            rc = push(&out->dropped, &out->ndropped, c[i].name);
    }
    /* What to walk: every folder recorded when none is given, or when the
     * record loses one (its files must be found again under the names
     * kept); else the folders given, each through the folder kept that
     * covers it. */
    if (ngiven == 0 || replace || out->ndropped) {
        for (size_t i = 0; i < out->nrecord && rc == 0; i++)
            rc = push(&out->walk, &out->nwalk, out->record[i]);
    } else {
        for (size_t i = nrecorded; i < n && rc == 0; i++) {
            size_t k = i;
            while (c[k].out)
                k = c[k].by;
            if (!has(out->walk, out->nwalk, c[k].name))
                rc = push(&out->walk, &out->nwalk, c[k].name);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(c[i].real);
    free(c);
    if (rc != 0) roots_free(out);
    return rc;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void roots_free(roots *r)
{
    if (!r) return;
    free_list(r->record, r->nrecord);
    free_list(r->walk, r->nwalk);
    free_list(r->dropped, r->ndropped);
    memset(r, 0, sizeof *r);
}
