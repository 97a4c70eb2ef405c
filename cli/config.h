/* config.h: the command-line code both programs share: the configuration
 * file, read by nsearch (every key) and by nsearch-index (db only), and
 * where the index is, so that both find the same one.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Not part of lib/: this is the programs' policy (their environment
 * variables, their files), built as cli/ and linked into both. It never
 * prints: problems come back for the program to print under its own name.
 */
#ifndef NS_CONFIG_H
#define NS_CONFIG_H

#include <stddef.h>

/* Something in the configuration file that was ignored: a line that can't
 * be used (no '=', unknown key, bad value), or the file itself when it
 * can't be read. Print as "PROGRAM: FILE:LINE: msg", or "PROGRAM: FILE:
 * msg" when line is 0, FILE being ns_config.path. */
typedef struct ns_config_problem {
    size_t line;     /* 1-based; 0: the whole file */
    char *msg;       /* what is wrong; owned by the ns_config */
    const char *key; /* the setting it is about (static: "db", "limit", ...;
                        "" for an unknown key), NULL for the file or a line
                        that is no `key = value`: so a program can leave
                        out the keys it doesn't read (nsearch-index reads
                        db only) */
} ns_config_problem;

/* Settings that a configuration file may hold. Strings are NULL and
 * numbers 0 (ints -1) when the file doesn't set them. */
typedef struct ns_config {
    char *db;                    /* index location, "~/" expanded */
    size_t limit;                /* passages to show */
    size_t per_article;          /* passages per article */
    int sort_by_date;            /* -1 unset, 0 relevance, 1 date */
    const char *color;           /* "auto", "always", "never" (static) or NULL */
    int heading;                 /* -1 unset, 0 --no-heading, 1 headings */
    char *path;                  /* the file looked for (read, or named by a
                                    problem), NULL when none */
    ns_config_problem *problems; /* in the order of the file */
    size_t nproblems;
} ns_config;

/* Read the configuration: $NSEARCH_CONFIG when set (empty: none), else
 * $XDG_CONFIG_HOME/nsearch/config, else ~/.config/nsearch/config. A missing
 * file is no configuration, silently; one named by $NSEARCH_CONFIG, or there
 * but unreadable, is a problem (line 0). Bad lines are problems too, and are
 * otherwise ignored: a typo in the configuration must not stop editor
 * integrations from working. Returns 0, or -1 when out of memory (cfg is
 * then still freed with ns_config_free). Free with ns_config_free. */
int ns_config_read(ns_config *cfg);
/* Free what ns_config_read allocated. Accepts NULL. */
void ns_config_free(ns_config *cfg);

/* The index both programs use, strongest first: `flag` (--db, may be NULL),
 * $NSEARCH_DB, the file's db (`cfg` may be NULL), the default:
 * $XDG_DATA_HOME/nsearch/index (when that is an absolute path), else
 * ~/.local/share/nsearch/index. This is the one place that reads
 * NSEARCH_DB. malloc'd; NULL when there is none (no HOME) or out of
 * memory (errno ENOMEM then). */
char *ns_config_index_path(const char *flag, const ns_config *cfg);

#endif
