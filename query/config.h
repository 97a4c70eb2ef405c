/* config.h: the configuration file, read by nsearch (every key) and by
 * nsearch-index (db only, so both find the same index).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#ifndef NS_CONFIG_H
#define NS_CONFIG_H

#include <stddef.h>

/* Settings that a configuration file may hold. Strings are NULL and
 * numbers 0 (ints -1) when the file doesn't set them. */
typedef struct ns_config {
    char *db;           /* index location, "~/" expanded */
    size_t limit;       /* passages to show */
    size_t per_article; /* passages per article */
    int sort_by_date;   /* -1 unset, 0 relevance, 1 date */
    const char *color;  /* "auto", "always", "never" (static) or NULL */
    int heading;        /* -1 unset, 0 --no-heading, 1 headings */
    char *path;         /* the file read, NULL when none */
} ns_config;

/* Read the configuration: $NSEARCH_CONFIG when set (empty: none), else
 * $XDG_CONFIG_HOME/nsearch/config, else ~/.config/nsearch/config. A missing
 * file is no configuration. Bad lines are reported on stderr as
 * "nsearch: FILE:LINE: message" and ignored. Returns 0, or -1 when out of
 * memory. Free with ns_config_free. */
int ns_config_read(ns_config *cfg);
void ns_config_free(ns_config *cfg);

/* The index both programs use, strongest first: `flag` (--db, may be NULL),
 * $NSEARCH_DB, the file's db, the default (ns_index_default_path). malloc'd;
 * NULL when there is none (no HOME) or out of memory. */
char *ns_config_index_path(const char *flag, const ns_config *cfg);

#endif
