/* stub.c: stub files read by nsearch, never by libxapian (stub.h). */
#include "stub.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xapian-c.h"
#include "xcerr.h"

#define STUB_MAX_BYTES 65536

int ns_stub_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void ns_stub_free(ns_stub_line *lines, size_t n)
{
    for (size_t i = 0; lines && i < n; i++) {
        free(lines[i].path);
        free(lines[i].host);
        free(lines[i].text);
    }
    free(lines);
}

/* Parse one non-blank, non-comment line p (trimmed) into l. 0, or -1 with
 * *why set. */
static int parse_line(char *p, ns_stub_line *l, const char **why)
{
    char *word = p, *rest = p + strcspn(p, " \t");
    if (*rest) *rest++ = '\0';
    rest += strspn(rest, " \t");
    if (strcmp(word, "auto") == 0) {
        if (!*rest) return *why = "auto needs a folder", -1;
        l->kind = NS_STUB_AUTO;
        l->path = strdup(rest);
        return l->path ? 0 : (*why = "out of memory", -1);
    }
    if (strcmp(word, "remote") == 0) {
        if (strncmp(rest, "tcp", 3) == 0 && (rest[3] == ' ' || rest[3] == '\t')) {
            rest += 3;
            rest += strspn(rest, " \t");
        }
        if (*rest == ':' || strchr(rest, ' ') || strchr(rest, '\t'))
            return *why = "only remote [tcp] HOST:PORT is allowed (a stub never runs a program)",
                   -1;
        char *colon = strrchr(rest, ':');
        if (!colon) return *why = "remote needs HOST:PORT", -1;
        *colon = '\0';
        char *end;
        errno = 0;
        unsigned long port = strtoul(colon + 1, &end, 10);
        if (!colon[1] || *end || errno || port == 0 || port > 65535)
            return *why = "the port must be a number from 1 to 65535", -1;
        l->kind = NS_STUB_REMOTE;
        l->port = (unsigned)port;
        l->host = strdup(rest);
        return l->host ? 0 : (*why = "out of memory", -1);
    }
    *why = "not a shard line: only 'auto FOLDER' and 'remote [tcp] HOST:PORT' are allowed";
    return -1;
}

ns_status ns_stub_read(const char *path, ns_stub_line **out, size_t *nout, ns_error *err)
{
    *out = NULL;
    *nout = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return ns_error_set(err, errno == ENOENT ? NS_ERR_NOTFOUND : NS_ERR_IO, "%s: %s", path,
                            strerror(errno));
    ns_stub_line *v = NULL;
    size_t n = 0, cap = 0, lineno = 0, bytes = 0;
    ns_status st = NS_OK;
    char buf[PATH_MAX + 128];
    while (st == NS_OK && fgets(buf, sizeof buf, f)) {
        lineno++;
        bytes += strlen(buf);
        if (bytes > STUB_MAX_BYTES || (!strchr(buf, '\n') && !feof(f))) {
            st = ns_error_set(err, NS_ERR_INVALID,
                              "%s:%zu: not a stub file (a line or the file is too long)", path,
                              lineno);
            break;
        }
        char *p = buf + strspn(buf, " \t");
        p[strcspn(p, "\r\n")] = '\0';
        char *e = p + strlen(p);
        while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        if (!*p || *p == '#') continue;
        for (const char *c = p; *c; c++) {
            if ((unsigned char)*c < 0x20 && *c != '\t') {
                st = ns_error_set(err, NS_ERR_INVALID, "%s:%zu: a control character in a stub line",
                                  path, lineno);
                break;
            }
        }
        if (st != NS_OK) break;
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            ns_stub_line *nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
                break;
            }
            v = nv;
        }
        ns_stub_line *l = &v[n];
        memset(l, 0, sizeof *l);
        l->line = lineno;
        l->text = strdup(p);
        const char *why = NULL;
        if (!l->text || parse_line(p, l, &why) != 0) {
            n++;
            st = ns_error_set(err, NS_ERR_INVALID, "%s:%zu: %s: %s", path, lineno,
                              why ? why : "out of memory", l->text ? l->text : "");
            break;
        }
        n++;
    }
    if (st == NS_OK && ferror(f))
        st = ns_error_set(err, NS_ERR_IO, "%s: %s", path, strerror(errno));
    fclose(f);
    if (st == NS_OK && n == 0)
        st = ns_error_set(err, NS_ERR_INVALID, "%s: a stub file listing no shard", path);
    if (st != NS_OK) {
        ns_stub_free(v, n);
        return st;
    }
    *out = v;
    *nout = n;
    return NS_OK;
}

ns_status ns_stub_folder_target(const char *path, char *target, size_t size, ns_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ns_error_set(err, NS_ERR_NOTFOUND, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return ns_error_set(err, NS_ERR_INVALID, "%s: not a folder", path);
    char stub[PATH_MAX];
    if ((size_t)snprintf(stub, sizeof stub, "%s/XAPIANDB", path) >= sizeof stub)
        return ns_error_set(err, NS_ERR_INVALID, "%s: path too long", path);
    if (stat(stub, &st) != 0) {
        snprintf(target, size, "%s", path); /* a glass database folder */
        return NS_OK;
    }
    /* An index folder: XAPIANDB must be `auto gen-N`, nothing else. */
    ns_stub_line *lines = NULL;
    size_t n = 0;
    ns_status s = ns_stub_read(stub, &lines, &n, err);
    /* A bad XAPIANDB is a damaged index (nsearch-index writes it). */
    if (s == NS_ERR_INVALID) {
        if (err) err->status = NS_ERR_CORRUPT;
        return NS_ERR_CORRUPT;
    }
    if (s != NS_OK) return s == NS_ERR_NOTFOUND ? NS_ERR_IO : s;
    const ns_stub_line *l = &lines[0];
    int ok = n == 1 && l->kind == NS_STUB_AUTO && strncmp(l->path, "gen-", 4) == 0 && l->path[4] &&
             strspn(l->path + 4, "0123456789") == strlen(l->path + 4);
    if (!ok) {
        s = ns_error_set(err, NS_ERR_CORRUPT,
                         "%s:%zu: an index's XAPIANDB names one generation (auto gen-N), not: %s",
                         stub, l->line, l->text);
        ns_stub_free(lines, n);
        return s;
    }
    snprintf(target, size, "%s/%s", path, l->path);
    ns_stub_free(lines, n);
    return NS_OK;
}

ns_status ns_stub_open_folder(const char *path, struct xc_database **db, ns_error *err)
{
    *db = NULL;
    char target[PATH_MAX];
    ns_status s = ns_stub_folder_target(path, target, sizeof target, err);
    if (s != NS_OK) return s;
    xc_status xs = xc_database_open_glass(target, db);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, target);
    return NS_OK;
}

/* The shard a stub line names, as a string two lines naming one shard
 * share: "A" and the canonical path of the generation folder an auto line
 * opens (so `auto idx`, `auto ./idx/` and `auto idx/gen-3` when gen-3 is
 * live are one), "R" and host:port for a remote line ("" is 127.0.0.1;
 * host names compare without case). NULL when an auto line's folder
 * can't be resolved (opening it will say why) or out of memory (*nomem). */
static char *shard_key(const char *stubdir, const ns_stub_line *l, int *nomem)
{
    char buf[PATH_MAX], target[PATH_MAX], canon[PATH_MAX];
    if (l->kind == NS_STUB_REMOTE) {
        const char *host = l->host[0] ? l->host : "127.0.0.1";
        size_t n = strlen(host) + 16;
        char *k = malloc(n);
        if (!k) return *nomem = 1, NULL;
        snprintf(k, n, "R%s:%u", host, l->port);
        for (char *c = k + 1; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
        return k;
    }
    if (l->path[0] == '/')
        snprintf(buf, sizeof buf, "%s", l->path);
    else
        snprintf(buf, sizeof buf, "%s/%s", stubdir, l->path);
    if (ns_stub_folder_target(buf, target, sizeof target, NULL) != NS_OK) return NULL;
    if (!realpath(target, canon)) return NULL;
    size_t n = strlen(canon) + 2;
    char *k = malloc(n);
    if (!k) return *nomem = 1, NULL;
    snprintf(k, n, "A%s", canon);
    return k;
}

ns_status ns_stub_check_unique(const char *path, const ns_stub_line *lines, size_t n, ns_error *err)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    char **keys = calloc(n ? n : 1, sizeof *keys);
    if (!keys) return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    ns_status st = NS_OK;
    int nomem = 0;
    for (size_t i = 0; i < n && st == NS_OK; i++) {
        keys[i] = shard_key(dir, &lines[i], &nomem);
        if (nomem) {
            st = ns_error_set(err, NS_ERR_NOMEM, "out of memory");
            break;
        }
        for (size_t j = 0; keys[i] && j < i; j++) {
            if (!keys[j] || strcmp(keys[i], keys[j]) != 0) continue;
            st = ns_error_set(err, NS_ERR_INVALID,
                              "%s:%zu: shard %s is line %zu's shard again (%s): a stub names "
                              "each shard once, or its results would count twice",
                              path, lines[i].line, lines[i].text, lines[j].line, keys[i] + 1);
            break;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    return st;
}
