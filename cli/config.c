/* config.c: the configuration file, defaults a user sets once, and where
 * the index is (config.h).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Where: $NSEARCH_CONFIG when set (set and empty: no file), else
 * $XDG_CONFIG_HOME/nsearch/config (when that is an absolute path), else
 * ~/.config/nsearch/config. A missing file is simply no configuration.
 *
 * Format: one `key = value` a line; blank lines and lines whose first
 * non-blank character is # are ignored; a # after a space or tab starts a
 * comment to the end of the line (`sort = date  # relevance | date`, as the
 * README shows); spaces around key and value are dropped; a value may be put
 * in double quotes (kept literally, no escapes, # included), a comment may
 * follow the closing quote. A # with no blank before it is part of the
 * value (`db = ~/news#2`).
 *
 *   db          = PATH                  index location; ~/ is $HOME
 *   limit       = N                     passages shown (1..1000000)
 *   per-article = N                     passages per article (1..1000000)
 *   sort        = relevance | date
 *   color       = auto | always | never
 *   heading     = true | false          false is --no-heading
 *
 * A line that can't be used (no `=`, unknown key, bad value) becomes a
 * problem (ns_config_problem) naming its line, and is ignored; a value or
 * key quoted in a problem has its control characters as spaces (quote.h). Nothing here
 * prints: each program prints the problems under its own name. Settings of
 * the file lose against the environment, which loses against flags (each
 * main.c applies that order; ns_config_index_path for the index).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "quote.h"

/* Add a problem of `line` (0: the whole file) about `key` (static; NULL:
 * no key); -1 when out of memory. */
static int problem(ns_config *cfg, size_t line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int problem(ns_config *cfg, size_t line, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0) return -1;
    /* Values and keys come from the file: made safe to print (quote.h),
     * whichever program prints them. */
    ns_buf safe = {0};
    if (ns_quote_flat(msg, (size_t)n, &safe) != NS_OK || ns_buf_byte(&safe, '\0') != NS_OK) {
        ns_buf_free(&safe);
        free(msg);
        return -1;
    }
    free(msg);
    msg = safe.data;
    ns_config_problem *v = realloc(cfg->problems, (cfg->nproblems + 1) * sizeof *v);
    if (!v) {
        free(msg);
        return -1;
    }
    cfg->problems = v;
    v[cfg->nproblems].line = line;
    v[cfg->nproblems].msg = msg;
    v[cfg->nproblems].key = key;
    cfg->nproblems++;
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* End s at its comment: the first # after a space or tab. */
static void cut_comment(char *s)
{
    for (char *p = s; *p; p++) {
        if (*p == '#' && p > s && (p[-1] == ' ' || p[-1] == '\t')) {
            *p = '\0';
            return;
        }
    }
}

static int parse_num(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || v < 1 || v > 1000000) return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_bool(const char *s)
{
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "1")) return 1;
    if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "0")) return 0;
    return -1;
}

/* One `key = value` line; 0 when used or ignored, -1 when out of memory. */
static int set(ns_config *cfg, size_t line, const char *key, const char *val)
{
    if (!strcmp(key, "db")) {
        if (!*val) return problem(cfg, line, "db", "db: empty path");
        const char *home = getenv("HOME");
        char *p;
        if (val[0] == '~' && val[1] == '/' && home && *home) {
            p = malloc(strlen(home) + strlen(val));
            if (p) sprintf(p, "%s%s", home, val + 1);
        } else {
            p = strdup(val);
        }
        if (!p) return -1;
        free(cfg->db);
        cfg->db = p;
    } else if (!strcmp(key, "limit")) {
        if (parse_num(val, &cfg->limit))
            return problem(cfg, line, "limit", "limit: not a count from 1: %s", val);
    } else if (!strcmp(key, "per-article") || !strcmp(key, "per_article")) {
        if (parse_num(val, &cfg->per_article))
            return problem(cfg, line, "per-article", "per-article: not a count from 1: %s", val);
    } else if (!strcmp(key, "sort")) {
        if (!strcmp(val, "relevance"))
            cfg->sort_by_date = 0;
        else if (!strcmp(val, "date"))
            cfg->sort_by_date = 1;
        else
            return problem(cfg, line, "sort", "sort: relevance or date, not %s", val);
    } else if (!strcmp(key, "color") || !strcmp(key, "colour")) {
        if (!strcmp(val, "auto"))
            cfg->color = "auto";
        else if (!strcmp(val, "always"))
            cfg->color = "always";
        else if (!strcmp(val, "never"))
            cfg->color = "never";
        else
            return problem(cfg, line, "color", "color: auto, always or never, not %s", val);
    } else if (!strcmp(key, "heading")) {
        int b = parse_bool(val);
        if (b < 0) return problem(cfg, line, "heading", "heading: true or false, not %s", val);
        cfg->heading = b;
    } else {
        return problem(cfg, line, "",
                       "unknown setting '%s' (known: db, limit, per-article, sort, color, heading)",
                       key);
    }
    return 0;
}

int ns_config_read(ns_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->sort_by_date = -1;
    cfg->heading = -1;

    const char *env = getenv("NSEARCH_CONFIG"), *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (env) {
        if (!*env) return 0;
        cfg->path = strdup(env);
    } else if (xdg && *xdg == '/') {
        cfg->path = malloc(strlen(xdg) + sizeof "/nsearch/config");
        if (cfg->path) sprintf(cfg->path, "%s/nsearch/config", xdg);
    } else if (home && *home) {
        cfg->path = malloc(strlen(home) + sizeof "/.config/nsearch/config");
        if (cfg->path) sprintf(cfg->path, "%s/.config/nsearch/config", home);
    } else {
        return 0;
    }
    if (!cfg->path) return -1;

    FILE *f = fopen(cfg->path, "r");
    if (!f) {
        /* Asked for by name, or there but unreadable: a problem. */
        if (errno != ENOENT || env)
            return problem(cfg, 0, NULL, "%s (configuration ignored)", strerror(errno));
        free(cfg->path);
        cfg->path = NULL;
        return 0;
    }
    char *buf = NULL;
    size_t cap = 0, line = 0;
    int rc = 0;
    while (rc == 0 && getline(&buf, &cap, f) != -1) {
        line++;
        char *s = trim(buf);
        if (!*s || *s == '#') continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = problem(cfg, line, NULL, "expected 'key = value'");
            continue;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        char *close = val[0] == '"' ? strchr(val + 1, '"') : NULL;
        cut_comment(close ? close + 1 : val);
        if (close && !*trim(close + 1)) {
            *close = '\0';
            val++;
        } else {
            val = trim(val);
        }
        rc = set(cfg, line, key, val);
    }
    if (rc == 0 && ferror(f)) rc = problem(cfg, 0, NULL, "%s", strerror(errno));
    free(buf);
    fclose(f);
    return rc;
}

void ns_config_free(ns_config *cfg)
{
    if (!cfg) return;
    free(cfg->db);
    free(cfg->path);
    for (size_t i = 0; i < cfg->nproblems; i++)
        free(cfg->problems[i].msg);
    free(cfg->problems);
    cfg->db = cfg->path = NULL;
    cfg->problems = NULL;
    cfg->nproblems = 0;
}

/* The default index location, from the environment; NULL when there is
 * none (no HOME). */
static char *default_path(void)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    char *p = NULL;
    if (xdg && *xdg == '/') {
        if (asprintf(&p, "%s/nsearch/index", xdg) < 0) p = NULL;
    } else if (home && *home) {
        if (asprintf(&p, "%s/.local/share/nsearch/index", home) < 0) p = NULL;
    } else {
        errno = 0;
    }
    return p;
}

char *ns_config_index_path(const char *flag, const ns_config *cfg)
{
    const char *env = getenv("NSEARCH_DB");
    if (flag) return strdup(flag);
    if (env && *env) return strdup(env);
    if (cfg && cfg->db) return strdup(cfg->db);
    return default_path();
}
