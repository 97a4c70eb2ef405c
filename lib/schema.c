/* schema.c: the check every reader makes of an index, and the read-only
 * open that makes it (schema.h). */
#include "schema.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "advice.h"
#include "analyzer.h"
#include "pack.h"
#include "stub.h"
#include "xapian-c.h"
#include "xcerr.h"

/* " --db INDEX" for the commands suggested about the index at `path`
 * (advice.h), so that they act on it whatever the default index is; none
 * for a stub file of shards (stub.h), which no one command rebuilds. */
static void db_option(const char *path, char *out, size_t n)
{
    char word[1024];
    *out = '\0';
    if (ns_stub_is_file(path)) return;
    ns_advice_word(path, word, sizeof word);
    snprintf(out, n, " --db %s", word);
}

ns_status ns_schema_check(struct xc_database *db, const char *path, char *lang, size_t langsize,
                          ns_error *err)
{
    char *val = NULL;
    size_t len = 0;
    xc_status xs = xc_database_get_metadata(db, NS_KEY(NS_META_SCHEMA), &val, &len);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, path);
    if (val && (atoi(val) < NS_SCHEMA_MIN || atoi(val) > NS_SCHEMA_VERSION)) {
        char dbopt[1100];
        db_option(path, dbopt, sizeof dbopt);
        ns_status st = ns_error_set(err, NS_ERR_VERSION,
                                    "%s: index schema %.*s, this nsearch reads schemas %d to %d: "
                                    "rebuild it with nsearch-index%s --rebuild",
                                    path, (int)len, val, NS_SCHEMA_MIN, NS_SCHEMA_VERSION, dbopt);
        xc_free(val);
        return st;
    }
    xc_free(val);
    val = NULL;
    xs = xc_database_get_metadata(db, NS_KEY(NS_META_LANG), &val, &len);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, path);
    snprintf(lang, langsize, "%.*s", val ? (int)len : 7, val ? val : "english");
    xc_free(val);
    /* A language this build can't stem: a newer nsearch's index, or one
     * written by hand. Its queries would be analyzed unlike its terms. */
    ns_analyzer *probe = NULL;
    ns_status st = ns_analyzer_new(lang, &probe, err);
    ns_analyzer_free(probe);
    if (st == NS_ERR_INVALID) {
        char dbopt[1100];
        db_option(path, dbopt, sizeof dbopt);
        return ns_error_set(err, st,
                            "%s: the index stems \"%s\", a language this nsearch does not know "
                            "(known: %s): rebuild it with nsearch-index%s --rebuild --lang LANG",
                            path, lang, ns_analyzer_languages(), dbopt);
    }
    return st;
}

ns_status ns_schema_open(const char *path, const char *name, struct xc_database **db, char *lang,
                         size_t langsize, ns_error *err)
{
    ns_status st = ns_stub_open_folder(path, db, err);
    if (st == NS_OK) st = ns_schema_check(*db, name ? name : path, lang, langsize, err);
    if (st != NS_OK) {
        xc_database_close(*db);
        *db = NULL;
    }
    return st;
}

ns_status ns_schema_read_zdict_file(const char *dir, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, NS_ZDICT_FILE) >= sizeof path)
        return NS_ERR_NOTFOUND;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return NS_ERR_NOTFOUND;
    struct stat sb;
    char *buf = NULL;
    size_t n = 0;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
        (uint64_t)sb.st_size <= NS_ZDICT_FILE_MAX && (buf = malloc((size_t)sb.st_size))) {
        while (n < (size_t)sb.st_size) {
            ssize_t r = pread(fd, buf + n, (size_t)sb.st_size - n, (off_t)n);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            n += (size_t)r;
        }
    }
    close(fd);
    if (!buf || n != (size_t)sb.st_size) {
        free(buf);
        return NS_ERR_NOTFOUND;
    }
    *out = buf;
    *len = n;
    return NS_OK;
}

ns_status ns_schema_add_zdict(struct xc_database *db, const char *dir, const char *name,
                              struct ns_unpacker *u, ns_error *err)
{
    char *val = NULL;
    size_t len = 0;
    if (dir && ns_schema_read_zdict_file(dir, &val, &len) == NS_OK) {
        /* Not a dictionary at all: read the recorded one. */
        if (ns_unpacker_add(u, val, len) == NS_OK) return NS_OK;
        val = NULL;
    }
    xc_status xs = xc_database_get_metadata(db, NS_KEY(NS_META_ZDICT), &val, &len);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, name);
    /* val is malloc'd (xc_free is free): the unpacker takes it. */
    ns_status st = val ? ns_unpacker_add(u, val, len) : NS_OK;
    if (st == NS_ERR_CORRUPT)
        return ns_error_set(err, st, "%s: the records' dictionary (%s) is damaged", name,
                            NS_META_ZDICT);
    return st == NS_OK ? NS_OK : ns_error_set(err, st, "out of memory");
}
