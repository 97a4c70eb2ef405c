/* ns-read.c: print the articles of a corpus as the indexer reads them, for
 * the differential test (tests/oracle/).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 *   ns-read FOLDER|FILE...
 *
 * Walks each root (resolved with realpath(3), as nsearch-index does, so the
 * paths are the absolute paths `nsearch --json` prints) with the corpus
 * walker and reads every file with the reader, then writes one JSON object
 * per article and line:
 *
 *   {"path": P, "id": I, "title": T, "source": S, "date": "YYYY-MM-DD"|null,
 *    "ts": SECONDS|null, "passages": [{"line": L, "column": C, "text": X}]}
 *
 * Nothing here matches queries: it only exposes the data model. Warnings go
 * to stderr. Exit status: 0 success, 2 usage or a root that can't be read.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dates.h"
#include "reader.h"
#include "walk.h"

static void warn(void *ctx, const char *path, size_t line, const char *msg)
{
    (void)ctx;
    if (line) {
        fprintf(stderr, "ns-read: %s:%zu: %s\n", path, line, msg);
    } else {
        fprintf(stderr, "ns-read: %s: %s\n", path, msg);
    }
}

static int emit(const ns_article *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(a->path));
    json_object_set_new(o, "id", json_string(a->id));
    json_object_set_new(o, "title", json_string(a->title));
    json_object_set_new(o, "source", json_string(a->source));
    if (a->date == NS_NO_DATE) {
        json_object_set_new(o, "date", json_null());
        json_object_set_new(o, "ts", json_null());
    } else {
        char buf[NS_DATE_BUF];
        ns_date_format(a->date, NS_DATE_DAY, buf);
        json_object_set_new(o, "date", json_string(buf));
        json_object_set_new(o, "ts", json_integer((json_int_t)a->date));
    }
    json_t *ps = json_array();
    for (size_t i = 0; i < a->npassages; i++) {
        const ns_passage *p = &a->passages[i];
        json_t *jp = json_object();
        json_object_set_new(jp, "line", json_integer((json_int_t)p->line));
        json_object_set_new(jp, "column", json_integer((json_int_t)p->column));
        json_object_set_new(jp, "text", json_stringn(p->text, p->len));
        json_array_append_new(ps, jp);
    }
    json_object_set_new(o, "passages", ps);
    int rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
    putchar('\n');
    json_decref(o);
    return rc;
}

static int visit(void *ctx, const char *path, const struct stat *st)
{
    (void)st;
    int *rc = ctx;
    ns_reader_opts ro = {0};
    ro.warn = warn;
    ns_reader *rd;
    ns_error err = {0};
    if (ns_reader_open(path, &ro, &rd, &err) != NS_OK) {
        fprintf(stderr, "ns-read: %s: %s\n", path, err.msg);
        return 0;
    }
    const ns_article *a;
    ns_status s;
    while ((s = ns_reader_next(rd, &a, &err)) == NS_OK) {
        if (emit(a) != 0) {
            *rc = 2;
            break;
        }
    }
    ns_reader_close(rd);
    return *rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: ns-read FOLDER|FILE...\n");
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        char *root = realpath(argv[i], NULL);
        if (!root) {
            fprintf(stderr, "ns-read: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        ns_walk_opts wo = {NULL, 0, 0, warn, NULL, 0, NULL, NULL};
        ns_error err = {0};
        if (ns_walk(root, &wo, visit, &rc, &err) != NS_OK) {
            fprintf(stderr, "ns-read: %s: %s\n", root, err.msg);
            rc = 2;
        }
        free(root);
    }
    if (fflush(stdout) != 0) rc = 2;
    return rc;
}
