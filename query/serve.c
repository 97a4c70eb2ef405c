/* serve.c: nsearch --serve, for pickers that search as the user types.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The index is opened once; each request costs a search, not a process
 * start and an index open. Protocol (doc/nsearch.1, SERVE MODE):
 *
 *   in   one JSON object a line (UTF-8); blank lines are skipped:
 *        {"id":1,"query":"umerov meeting","limit":10,"offset":0,
 *         "per_article":2,"sort":"relevance","any":false,"explain":false}
 *        Only "query" is required; the others default to the command
 *        line's settings. "id" may be any JSON value and is echoed back
 *        (null when absent). Unknown keys are ignored.
 *   out  one JSON object a line per request, in request order, flushed:
 *        {"id":1,"version":1,"matches":[MATCH...],"summary":SUMMARY,
 *         "warnings":[{"message":"...","column":N|null}...]}
 *        MATCH and SUMMARY are the objects of --json. Or, for a request
 *        that can't be answered:
 *        {"id":1,"version":1,"error":{"kind":"request"|"query"|"index",
 *         "message":"...","column":N|null}}
 *
 * A bad request never ends the loop; the exit status is 0 at the end of
 * input, 2 when stdin can't be read. Before each request the searcher
 * catches up with the indexer (ns_searcher_reopen: a stat and, when the
 * index changed, a reopen; for a stub of shards, each shard's reopen, a
 * new connection for one that can't), so commits and rebuilds show up in
 * the next answer. A response's warnings include the searcher's (shards
 * left out under --allow-partial) met while answering it.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "query.h"

#define MAX_REQUEST  ((size_t)1 << 20) /* bytes in one request line */
#define MAX_WARNINGS 32

typedef struct warnings {
    struct {
        size_t column;
        char msg[1024]; /* as long as a library message (status.h) */
    } w[MAX_WARNINGS];
    size_t n;
} warnings;

static void collect_warning(void *ctx, size_t column, const char *msg)
{
    warnings *ws = ctx;
    if (ws->n == MAX_WARNINGS) return;
    ws->w[ws->n].column = column;
    snprintf(ws->w[ws->n].msg, sizeof ws->w[ws->n].msg, "%s", msg);
    ws->n++;
}

/* A shard left out of this request's answer (search.h: the searcher's
 * warnings), which stderr would say for a one-shot query. */
static void collect_shard_warning(void *ctx, const char *msg)
{
    collect_warning(ctx, 0, msg);
}

static void put_id(const json_t *id)
{
    char *s = id ? json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    fputs(s ? s : "null", stdout);
    free(s);
}

static void put_column(size_t column)
{
    if (column)
        printf("%zu", column);
    else
        fputs("null", stdout);
}

static void respond_error(const json_t *id, const char *kind, const char *msg, size_t column)
{
    fputs("{\"id\":", stdout);
    put_id(id);
    printf(",\"version\":%d,\"error\":{\"kind\":\"%s\",\"message\":", NS_JSON_VERSION, kind);
    out_json_str(msg, strlen(msg));
    fputs(",\"column\":", stdout);
    put_column(column);
    fputs("}}\n", stdout);
    out_check();
}

/* A count member of the request: absent leaves *out alone. */
static int get_count(json_t *req, const char *key, size_t min, size_t *out, char *why,
                     size_t whylen)
{
    json_t *v = json_object_get(req, key);
    if (!v) return 0;
    if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)min ||
        json_integer_value(v) > 1000000) {
        snprintf(why, whylen, "\"%s\" must be an integer from %zu to 1000000", key, min);
        return -1;
    }
    *out = (size_t)json_integer_value(v);
    return 0;
}

static int get_flag(json_t *req, const char *key, int *out, char *why, size_t whylen)
{
    json_t *v = json_object_get(req, key);
    if (!v) return 0;
    if (!json_is_boolean(v)) {
        snprintf(why, whylen, "\"%s\" must be true or false", key);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

/* The request's options over the defaults; -1 with `why` when invalid. */
static int request_opts(json_t *req, ns_search_opts *o, char *why, size_t whylen)
{
    if (get_count(req, "limit", 1, &o->limit, why, whylen) ||
        get_count(req, "offset", 0, &o->offset, why, whylen) ||
        get_count(req, "per_article", 1, &o->per_article, why, whylen) ||
        get_flag(req, "any", &o->any, why, whylen) ||
        get_flag(req, "explain", &o->explain, why, whylen))
        return -1;
    json_t *v = json_object_get(req, "sort");
    if (v) {
        const char *s = json_string_value(v);
        if (s && !strcmp(s, "date"))
            o->sort_by_date = 1;
        else if (s && !strcmp(s, "relevance"))
            o->sort_by_date = 0;
        else {
            snprintf(why, whylen, "\"sort\" must be \"relevance\" or \"date\"");
            return -1;
        }
    }
    return 0;
}

static void answer(ns_searcher *s, const char *index, const ns_search_opts *defaults,
                   const char *line, size_t len)
{
    json_error_t je;
    json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!req) {
        /* Jansson names its own flag for \u0000 ("...without
         * JSON_ALLOW_NUL"): say it in the protocol's words, and echo the
         * id, since the request is JSON (read again, NULs allowed). */
        int nul = json_error_code(&je) == json_error_null_character;
        const char *why = nul ? "a NUL character (\\u0000) is not allowed in a request" : je.text;
        json_t *all =
            nul ? json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL) : NULL;
        respond_error(json_object_get(all, "id"), "request", why, je.position + 1);
        json_decref(all);
        return;
    }
    if (!json_is_object(req)) {
        respond_error(NULL, "request", "a request is a JSON object", 1);
        json_decref(req);
        return;
    }
    json_t *id = json_object_get(req, "id");
    json_t *q = json_object_get(req, "query");
    char why[200];
    ns_search_opts o = *defaults;
    if (!json_is_string(q)) {
        respond_error(id, "request", "\"query\" must be a string", 0);
    } else if (request_opts(req, &o, why, sizeof why)) {
        respond_error(id, "request", why, 0);
    } else {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        warnings ws = {0};
        o.warn = collect_warning;
        o.warn_ctx = &ws;
        /* The shards this request is answered without, said with it. */
        ns_searcher_set_warn(s, collect_shard_warning, &ws);
        ns_error err = {0};
        ns_status st = ns_searcher_reopen(s, NULL, &err);
        ns_results *r = NULL;
        const char *query = json_string_value(q);
        size_t qlen = json_string_length(q);
        if (st != NS_OK) {
            respond_error(id, "index", err.msg, 0);
        } else if ((st = ns_search(s, query, qlen, &o, &r, &err)) != NS_OK) {
            int bad_query = st == NS_ERR_QUERY || st == NS_ERR_LIMIT;
            respond_error(id, bad_query ? "query" : "index", err.msg, bad_query ? err.column : 0);
        } else {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
            fputs("{\"id\":", stdout);
            put_id(id);
            printf(",\"version\":%d,\"matches\":[", NS_JSON_VERSION);
            for (size_t i = 0; i < r->nhits; i++) {
                if (i) putchar(',');
                out_json_match(&r->hits[i], o.offset + i + 1);
            }
            fputs("],\"summary\":", stdout);
            /* The query as a C string for the summary: it may hold NUL. */
            char *qs = strndup(query, qlen);
            out_json_summary(r, qs ? qs : "", secs, index);
            free(qs);
            fputs(",\"warnings\":[", stdout);
            for (size_t i = 0; i < ws.n; i++) {
                fputs(i ? ",{\"message\":" : "{\"message\":", stdout);
                out_json_str(ws.w[i].msg, strlen(ws.w[i].msg));
                fputs(",\"column\":", stdout);
                put_column(ws.w[i].column);
                putchar('}');
            }
            fputs("]}\n", stdout);
            out_check();
            ns_results_free(r);
        }
        ns_searcher_set_warn(s, NULL, NULL);
    }
    json_decref(req);
}

/* Read one request line into buf (at most MAX_REQUEST bytes kept; the
 * rest of a longer line is read and thrown away, so memory stays bounded).
 * Returns its length, or -1 at the end of input (or a read error, errno
 * set); *toolong when the line was cut. */
static ssize_t read_request(char *buf, int *toolong)
{
    size_t len = 0;
    int c = 0;
    *toolong = 0;
    while ((c = getc_unlocked(stdin)) != EOF && c != '\n') {
        if (len < MAX_REQUEST)
            buf[len++] = (char)c;
        else
            *toolong = 1;
    }
    if (c == EOF && len == 0 && !*toolong) return -1;
    buf[len] = '\0';
    return (ssize_t)len;
}

int ns_serve(ns_searcher *s, const char *index, const ns_search_opts *defaults)
{
    char *line = malloc(MAX_REQUEST + 1);
    if (!line) {
        fprintf(stderr, "nsearch: out of memory\n");
        return EXIT_ERROR;
    }
    ssize_t n;
    int toolong;
    while ((errno = 0, n = read_request(line, &toolong)) != -1) {
        size_t len = (size_t)n;
        while (len && line[len - 1] == '\r')
            len--;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == len && !toolong) continue;
        if (toolong)
            respond_error(NULL, "request", "request line too long (the limit is 1 MiB)", 0);
        else
            answer(s, index, defaults, line, len);
    }
    int rc = errno && !feof(stdin) ? EXIT_ERROR : EXIT_MATCH;
    if (rc) fprintf(stderr, "nsearch: reading requests: %s\n", strerror(errno));
    free(line);
    return rc;
}
