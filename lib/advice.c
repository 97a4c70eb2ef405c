/* advice.c: index errors rewritten to name the index and the command that
 * helps (advice.h). */
#include "advice.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* INDEX as a shell word: bare when it holds only safe bytes, else in single
 * quotes (a quote inside written '\''). */
static void shell_word(const char *s, char *out, size_t n)
{
    if (*s &&
        strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,:=@%~") ==
            strlen(s)) {
        snprintf(out, n, "%s", s);
        return;
    }
    size_t k = 0;
    if (n < 3) {
        if (n) out[0] = '\0';
        return;
    }
    out[k++] = '\'';
    for (; *s && k + 6 < n; s++) {
        if (*s == '\'') {
            memcpy(out + k, "'\\''", 4);
            k += 4;
        } else {
            out[k++] = *s;
        }
    }
    out[k++] = '\'';
    out[k] = '\0';
}

/* Does INDEX/XAPIANDB exist and name nothing (no line but blanks and #)? */
static int empty_stub(const char *index)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/XAPIANDB", index) >= sizeof path) return 0;
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[512];
    int empty = 1;
    while (empty && fgets(line, sizeof line, f)) {
        const char *p = line + strspn(line, " \t\r\n");
        if (*p && *p != '#') empty = 0;
    }
    fclose(f);
    return empty;
}

/* Is there a file INDEX/XAPIANDB? */
static int has_stub(const char *index)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/XAPIANDB", index) >= sizeof path) return 0;
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The message without a leading "INDEX: " and a trailing " (xc_...)". */
static void detail_of(const char *msg, const char *index, char *out, size_t n)
{
    size_t il = strlen(index);
    if (il && !strncmp(msg, index, il) && msg[il] == ':' && msg[il + 1] == ' ') msg += il + 2;
    snprintf(out, n, "%s", msg);
    char *tail = strstr(out, " (xc_");
    if (tail && tail[strlen(tail) - 1] == ')') *tail = '\0';
    size_t len = strlen(out);
    while (len && (out[len - 1] == '.' || out[len - 1] == ' '))
        out[--len] = '\0';
}

void ns_error_advise_index(ns_error *err, const char *index)
{
    if (!err || !index) return;
    char word[1024], detail[sizeof err->msg];
    shell_word(index, word, sizeof word);
    /* A message that already names the command (the schema check's) is
     * kept as it is. */
    int advised = strstr(err->msg, "nsearch-index") != NULL;
    switch (err->status) {
    case NS_ERR_NOTFOUND:
        if (has_stub(index)) {
            /* An index folder whose stub names nothing that opens. */
            detail_of(err->msg, index, detail, sizeof detail);
            ns_error_set(err, NS_ERR_CORRUPT,
                         "index %s is damaged (%s/XAPIANDB names no database that opens: "
                         "%.500s): see what is wrong with nsearch-index --db %s --check, rebuild "
                         "it with nsearch-index --db %s --rebuild",
                         index, index, detail, word, word);
            break;
        }
        ns_error_set(err, NS_ERR_NOTFOUND,
                     "no index at %s: run nsearch-index --db %s FOLDER to build one", index, word);
        break;
    case NS_ERR_CORRUPT:
    case NS_ERR_IO:
    case NS_ERR_INVALID:
    case NS_ERR_OTHER:
        if (advised) break;
        if (empty_stub(index))
            snprintf(detail, sizeof detail, "%s/XAPIANDB is empty: it names no generation", index);
        else
            detail_of(err->msg, index, detail, sizeof detail);
        ns_error_set(err, NS_ERR_CORRUPT,
                     "index %s is damaged (%.600s): see what is wrong with nsearch-index --db %s "
                     "--check, rebuild it with nsearch-index --db %s --rebuild",
                     index, detail, word, word);
        break;
    case NS_ERR_VERSION:
        if (advised) break;
        detail_of(err->msg, index, detail, sizeof detail);
        ns_error_set(err, NS_ERR_VERSION,
                     "index %s was written by another version (%.600s): rebuild it with "
                     "nsearch-index --db %s --rebuild",
                     index, detail, word);
        break;
    default: break;
    }
}
