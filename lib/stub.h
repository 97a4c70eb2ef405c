/* stub.h: opening an index, a generation or a stub of shards, without ever
 * letting libxapian read a stub file.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * libxapian's stub files accept `remote :PROGRAM ARGS`, which runs a
 * program, and an index may come from anywhere (a shared folder, a
 * download, a configuration file's db, NSEARCH_DB). So nsearch reads every
 * stub itself and opens databases by path with the glass backend forced
 * (xc_database_open_glass). A stub may hold only:
 *   auto PATH              a folder: an index folder or a glass database;
 *                          relative to the stub's folder
 *   remote [tcp] HOST:PORT a shard served by xapian-tcpsrv
 *   # comment, blank lines
 * Anything else (`remote :PROGRAM`, `inmemory`, `glass`, `chert`, a stub
 * naming a stub file) is refused with an error naming the stub and line.
 * An index folder's own stub, XAPIANDB, may only name a generation folder
 * of that index (`auto gen-N`).
 */
#ifndef NS_STUB_H
#define NS_STUB_H

#include <stddef.h>

#include "status.h"

struct xc_database;

/* One line of a stub file. The strings are malloc'd, owned by the array
 * ns_stub_read returns. */
typedef struct ns_stub_line {
    enum { NS_STUB_AUTO, NS_STUB_REMOTE } kind;
    char *path;    /* AUTO: as written */
    char *host;    /* REMOTE: "" means 127.0.0.1 */
    unsigned port; /* REMOTE */
    size_t line;   /* 1-based line in the file */
    char *text;    /* the line as written, trimmed: for messages */
} ns_stub_line;

/* Read the stub file `path` into *lines, *n of them, owned by the caller
 * (ns_stub_free); on failure *lines is NULL and *n 0, and the message names
 * the stub (and the line: "PATH:LINE: ...").
 * @retval NS_ERR_NOTFOUND  no such file
 * @retval NS_ERR_IO        it can't be opened or read
 * @retval NS_ERR_INVALID   a line that is not allowed (above), a control
 *                          character, a line or file too long (64 KiB), or
 *                          no line at all
 * @retval NS_ERR_NOMEM     out of memory */
ns_status ns_stub_read(const char *path, ns_stub_line **lines, size_t *n, ns_error *err);
/* Refuse a stub (`path`, its n lines from ns_stub_read) that names one
 * shard twice, which would list each of its results twice: two auto lines
 * whose folders open the same generation folder (the same canonical path;
 * relative paths are relative to the stub's folder), or two remote lines
 * with the same host:port ("" is 127.0.0.1; no name is resolved). An auto
 * line whose folder can't be resolved is left for opening to report.
 * @retval NS_ERR_INVALID  a shard named twice ("PATH:LINE: shard TEXT is
 *                         line L's shard again (...)", LINE the second)
 * @retval NS_ERR_NOMEM    out of memory */
ns_status ns_stub_check_unique(const char *path, const ns_stub_line *lines, size_t n,
                               ns_error *err);
/* Free the n lines of ns_stub_read and their strings. Accepts NULL. */
void ns_stub_free(ns_stub_line *lines, size_t n);

/* Is `path` a regular file (a stub), as opposed to a folder? Follows
 * links; 0 when it can't be stat'ed. */
int ns_stub_is_file(const char *path);

/* What ns_stub_open_folder opens, without opening it: the generation folder
 * the index folder's XAPIANDB names (`PATH/gen-N`), or `path` itself for a
 * folder without XAPIANDB (a glass database), into target (size bytes,
 * NUL-terminated, cut if too small). Reads XAPIANDB, nothing else.
 * @retval NS_ERR_NOTFOUND  `path` does not exist (or can't be stat'ed)
 * @retval NS_ERR_INVALID   `path` is not a folder, or is too long
 * @retval NS_ERR_CORRUPT   XAPIANDB is not one line `auto gen-N`
 *                          ("PATH/XAPIANDB:LINE: ...": a damaged index)
 * @retval NS_ERR_IO        XAPIANDB can't be read
 * @retval NS_ERR_NOMEM     out of memory */
ns_status ns_stub_folder_target(const char *path, char *target, size_t size, ns_error *err);

/* Open the folder `path` read-only: an index folder (its XAPIANDB names the
 * live generation, `auto gen-N`, nothing else) or a glass database folder,
 * opened with xc_database_open_glass (never a stub, never a program). On
 * success *db is owned by the caller (xc_database_close); on failure NULL.
 * Statuses: those of ns_stub_folder_target, then those of opening the
 * database (xcerr.h; the message names the folder opened):
 * @retval NS_ERR_NOTFOUND  no glass database in the folder
 * @retval NS_ERR_VERSION   a database format this libxapian can't read
 * @retval NS_ERR_CORRUPT   a damaged database
 * @retval NS_ERR_IO, NS_ERR_NOMEM, NS_ERR_OTHER  opening failed otherwise */
ns_status ns_stub_open_folder(const char *path, struct xc_database **db, ns_error *err);

#endif
