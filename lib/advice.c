/* advice.c: index errors rewritten to name the index and the command that
 * helps (advice.h). */
#include "advice.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "index.h"
#include "quote.h"

/* s into out[0..n) as a shell word (quote_shell) or as a path
 * (!quote_shell), quote.h: safe on a terminal, the word exact to copy. Cut
 * (and then no longer exact) only past n bytes, far beyond any path. */
static void quoted(const char *s, int quote_shell, char *out, size_t n)
{
    ns_buf b = {0};
    ns_status st = quote_shell ? ns_quote_shell(s, strlen(s), &b) : ns_quote_path(s, strlen(s), &b);
    snprintf(out, n, "%.*s", st == NS_OK ? (int)b.len : 0, st == NS_OK ? b.data : "");
    ns_buf_free(&b);
}

void ns_advice_word(const char *s, char *out, size_t n)
{
    quoted(s, 1, out, n);
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
    /* INDEX is shown quoted as a path (no control reaches a terminal) and
     * in the commands as a shell word that gives the index back exactly. */
    char word[1024], shown[1024], stub[1100], detail[sizeof err->msg];
    quoted(index, 1, word, sizeof word);
    quoted(index, 0, shown, sizeof shown);
    snprintf(detail, sizeof detail, "%s/XAPIANDB", index);
    quoted(detail, 0, stub, sizeof stub);
    /* A message that already names the command (the schema check's) is
     * kept as it is. */
    int advised = strstr(err->msg, "nsearch-index") != NULL;
    switch (err->status) {
    case NS_ERR_NOTFOUND:
        if (has_stub(index)) {
            /* An index folder whose stub names nothing that opens. */
            detail_of(err->msg, index, detail, sizeof detail);
            ns_error_set(err, NS_ERR_CORRUPT,
                         "index %s is damaged (%s names no database that opens: "
                         "%.500s): see what is wrong with nsearch-index --db %s --check, rebuild "
                         "it with nsearch-index --db %s --rebuild",
                         shown, stub, detail, word, word);
            break;
        }
        unsigned gen;
        if (ns_index_stub_lost(index, &gen)) {
            /* No stub beside a generation that went live: the indexer
             * refuses it as damaged (index.h), and so is it reported. */
            ns_error_set(err, NS_ERR_CORRUPT,
                         "index %s is damaged (%s is missing, but gen-%u was live): see what is "
                         "wrong with nsearch-index --db %s --check, rebuild it with "
                         "nsearch-index --db %s --rebuild",
                         shown, stub, gen, word, word);
            break;
        }
        ns_error_set(err, NS_ERR_NOTFOUND,
                     "no index at %s: run nsearch-index --db %s FOLDER to build one", shown, word);
        break;
    case NS_ERR_CORRUPT:
    case NS_ERR_IO:
    case NS_ERR_INVALID:
    case NS_ERR_OTHER:
        if (advised) break;
        if (empty_stub(index))
            snprintf(detail, sizeof detail, "%s is empty: it names no generation", stub);
        else
            detail_of(err->msg, index, detail, sizeof detail);
        ns_error_set(err, NS_ERR_CORRUPT,
                     "index %s is damaged (%.600s): see what is wrong with nsearch-index --db %s "
                     "--check, rebuild it with nsearch-index --db %s --rebuild",
                     shown, detail, word, word);
        break;
    case NS_ERR_VERSION:
        if (advised) break;
        detail_of(err->msg, index, detail, sizeof detail);
        ns_error_set(err, NS_ERR_VERSION,
                     "index %s was written by another version (%.600s): rebuild it with "
                     "nsearch-index --db %s --rebuild",
                     shown, detail, word);
        break;
    default: break;
    }
}
