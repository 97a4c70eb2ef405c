/* config.c: nsearch's configuration file, defaults a user sets once.
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
 * A line that can't be used (no `=`, unknown key, bad value) is reported on
 * stderr as "nsearch: FILE:LINE: message" and ignored: a typo in the
 * configuration must not stop editor integrations from working. Settings
 * of the file lose against the environment, which loses against flags
 * (main.c applies that order).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "index.h"

static void warn(const ns_config *cfg, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(const ns_config *cfg, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "nsearch: %s:%zu: ", cfg->path, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
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

/* One `key = value` line; 0 when used, -1 on out of memory. */
static int set(ns_config *cfg, size_t line, const char *key, const char *val)
{
    if (!strcmp(key, "db")) {
        if (!*val) {
            warn(cfg, line, "db: empty path");
            return 0;
        }
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
        if (parse_num(val, &cfg->limit)) warn(cfg, line, "limit: not a count from 1: %s", val);
    } else if (!strcmp(key, "per-article") || !strcmp(key, "per_article")) {
        if (parse_num(val, &cfg->per_article))
            warn(cfg, line, "per-article: not a count from 1: %s", val);
    } else if (!strcmp(key, "sort")) {
        if (!strcmp(val, "relevance"))
            cfg->sort_by_date = 0;
        else if (!strcmp(val, "date"))
            cfg->sort_by_date = 1;
        else
            warn(cfg, line, "sort: relevance or date, not %s", val);
    } else if (!strcmp(key, "color") || !strcmp(key, "colour")) {
        if (!strcmp(val, "auto"))
            cfg->color = "auto";
        else if (!strcmp(val, "always"))
            cfg->color = "always";
        else if (!strcmp(val, "never"))
            cfg->color = "never";
        else
            warn(cfg, line, "color: auto, always or never, not %s", val);
    } else if (!strcmp(key, "heading")) {
        int b = parse_bool(val);
        if (b < 0)
            warn(cfg, line, "heading: true or false, not %s", val);
        else
            cfg->heading = b;
    } else {
        warn(cfg, line,
             "unknown setting '%s' (known: db, limit, per-article, sort, color, heading)", key);
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
        if (errno != ENOENT || env) {
            /* Asked for by name, or there but unreadable: say so. */
            fprintf(stderr, "nsearch: %s: %s (configuration ignored)\n", cfg->path,
                    strerror(errno));
        }
        free(cfg->path);
        cfg->path = NULL;
        return 0;
    }
    char *buf = NULL;
    size_t cap = 0, line = 0;
    int rc = 0;
    while (getline(&buf, &cap, f) != -1) {
        line++;
        char *s = trim(buf);
        if (!*s || *s == '#') continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            warn(cfg, line, "expected 'key = value'");
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
        if (set(cfg, line, key, val)) {
            rc = -1;
            break;
        }
    }
    if (ferror(f)) fprintf(stderr, "nsearch: %s: %s\n", cfg->path, strerror(errno));
    free(buf);
    fclose(f);
    return rc;
}

void ns_config_free(ns_config *cfg)
{
    if (!cfg) return;
    free(cfg->db);
    free(cfg->path);
    cfg->db = cfg->path = NULL;
}

char *ns_config_index_path(const char *flag, const ns_config *cfg)
{
    const char *env = getenv("NSEARCH_DB");
    if (flag) return strdup(flag);
    if (env && *env) return strdup(env);
    if (cfg->db) return strdup(cfg->db);
    return ns_index_default_path();
}
