/* ns-analyze.c: run the analyzer over files, for tests and the benchmark.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 *   ns-analyze [--lang L] [--print] [FILE|-]...
 *   ns-analyze [--lang L] --batch
 *
 * Reads each FILE ("-" or no FILE: standard input) whole and analyzes it with
 * the language L (default english). With --print, writes one line per token:
 *
 *   pos<TAB>start<TAB>end<TAB>flags<TAB>term<TAB>exact
 *
 * where pos, start and end count from the beginning of the file and flags is
 * "-", "alt", "acr" or "alt,acr". Otherwise writes one summary line for all
 * files:
 *
 *   bytes=N tokens=N invalid=N truncated=N seconds=S MB/s=X
 *
 * (seconds: analysis only, reading excluded; MB = 10^6 bytes).
 * A file is analyzed in chunks of about 1 MiB cut after a newline (a newline
 * always separates tokens, so the tokens are the same as in one call).
 * With --batch, standard input holds many texts, each ended by a NUL byte
 * (the last one may end at the end of input instead); each is analyzed on
 * its own (positions and offsets from 0) and its tokens are printed as with
 * --print, followed by one empty line. So thousands of texts cost one
 * process (tests/oracle/ uses it).
 * Exit status: 0 success, 2 usage or input error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analyzer.h"

#define CHUNK (1u << 20)

typedef struct printer {
    FILE *out;
    size_t base;    /* byte offset of the chunk in the file */
    uint32_t pbase; /* position of the chunk's first token */
} printer;

static int print_token(void *ctx, const ns_token *t)
{
    printer *p = ctx;
    const char *fl = "-";
    if ((t->flags & NS_TOK_ALT) && (t->flags & NS_TOK_ACRONYM)) {
        fl = "alt,acr";
    } else if (t->flags & NS_TOK_ALT) {
        fl = "alt";
    } else if (t->flags & NS_TOK_ACRONYM) {
        fl = "acr";
    }
    fprintf(p->out, "%lu\t%zu\t%zu\t%s\t%.*s\t%.*s\n", (unsigned long)p->pbase + t->pos,
            p->base + t->start, p->base + t->end, fl, (int)t->term_len, t->term, (int)t->exact_len,
            t->exact);
    return 0;
}

static int count_token(void *ctx, const ns_token *t)
{
    (void)ctx;
    (void)t;
    return 0;
}

static int read_all(const char *path, char **data, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "ns-analyze: %s: %s\n", path, strerror(errno));
        return -1;
    }
    /* Size a regular file's buffer once: growing it would copy the data. */
    struct stat sb;
    size_t cap = 1 << 16, n = 0;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
        cap = (size_t)sb.st_size + 1;
    }
    char *p = malloc(cap);
    for (;;) {
        if (!p) {
            fprintf(stderr, "ns-analyze: %s: out of memory\n", path);
            break;
        }
        if (n == cap) {
            char *q = realloc(p, cap * 2);
            if (!q) {
                free(p);
                p = NULL;
                continue;
            }
            p = q;
            cap *= 2;
        }
        size_t r = fread(p + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            break;
        }
    }
    int bad = !p || ferror(f);
    if (bad && p) {
        fprintf(stderr, "ns-analyze: %s: read error\n", path);
    }
    if (f != stdin) {
        fclose(f);
    }
    if (bad) {
        free(p);
        return -1;
    }
    *data = p;
    *len = n;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ns-analyze [--lang L] [--print] [FILE|-]...\n"
            "       ns-analyze [--lang L] --batch   (NUL-separated texts on stdin)\n"
            "languages: %s\n",
            ns_analyzer_languages());
}

int main(int argc, char **argv)
{
    const char *lang = "english";
    int print = 0, batch = 0, nfiles = 0;
    const char *files[argc + 1];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--print") == 0) {
            print = 1;
        } else if (strcmp(argv[i], "--batch") == 0) {
            batch = 1;
        } else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
            lang = argv[++i];
        } else if (strncmp(argv[i], "--lang=", 7) == 0) {
            lang = argv[i] + 7;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            usage(stderr);
            return 2;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles == 0) {
        files[nfiles++] = "-";
    }

    ns_analyzer *an;
    ns_error err;
    if (ns_analyzer_new(lang, &an, &err) != NS_OK) {
        fprintf(stderr, "ns-analyze: %s\n", err.msg);
        return 2;
    }

    if (batch) {
        char *data;
        size_t len;
        int rc = read_all("-", &data, &len) < 0 ? 2 : 0;
        printer bp = {stdout, 0, 0};
        for (size_t off = 0; rc == 0 && off < len;) {
            const char *z = memchr(data + off, '\0', len - off);
            size_t n = z ? (size_t)(z - (data + off)) : len - off;
            if (ns_analyze(an, data + off, n, print_token, &bp, NULL) != NS_OK) {
                fprintf(stderr, "ns-analyze: out of memory\n");
                rc = 2;
            }
            putchar('\n');
            off += n + 1;
        }
        if (rc == 0) free(data);
        if (fflush(stdout) != 0) rc = 2;
        ns_analyzer_free(an);
        return rc;
    }

    int rc = 0;
    size_t bytes = 0;
    double secs = 0;
    printer pr = {stdout, 0, 0};
    for (int k = 0; k < nfiles && rc == 0; k++) {
        char *data;
        size_t len;
        if (read_all(files[k], &data, &len) < 0) {
            rc = 2;
            break;
        }
        double t0 = now();
        size_t off = 0;
        pr.pbase = 0;
        while (off < len) {
            size_t n = len - off;
            if (n > CHUNK) {
                const char *nl = memchr(data + off + CHUNK, '\n', n - CHUNK);
                n = nl ? (size_t)(nl - (data + off)) + 1 : n;
            }
            uint32_t npos;
            pr.base = off;
            ns_status st =
                ns_analyze(an, data + off, n, print ? print_token : count_token, &pr, &npos);
            if (st != NS_OK) {
                fprintf(stderr, "ns-analyze: %s: %s\n", files[k], ns_status_str(st));
                rc = 2;
                break;
            }
            pr.pbase += npos;
            off += n;
        }
        secs += now() - t0;
        bytes += len;
        free(data);
    }
    if (rc == 0 && !print) {
        ns_analyzer_stats st = ns_analyzer_get_stats(an);
        printf("bytes=%zu tokens=%llu invalid=%llu truncated=%llu seconds=%.3f MB/s=%.1f\n", bytes,
               (unsigned long long)st.tokens, (unsigned long long)st.invalid_bytes,
               (unsigned long long)st.truncated, secs, secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
    }
    if (fflush(stdout) != 0) {
        rc = 2;
    }
    ns_analyzer_free(an);
    return rc;
}
