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

/* One line of a stub file. */
typedef struct ns_stub_line {
    enum { NS_STUB_AUTO, NS_STUB_REMOTE } kind;
    char *path;    /* AUTO: as written */
    char *host;    /* REMOTE: "" means 127.0.0.1 */
    unsigned port; /* REMOTE */
    size_t line;   /* 1-based line in the file */
    char *text;    /* the line as written, trimmed: for messages */
} ns_stub_line;

/* Read the stub file `path` into *lines (owned by the caller,
 * ns_stub_free). NS_ERR_NOTFOUND / NS_ERR_IO when it can't be read,
 * NS_ERR_INVALID for a line that is not allowed (message "PATH:LINE: ...")
 * or a stub with no line, NS_ERR_NOMEM. */
ns_status ns_stub_read(const char *path, ns_stub_line **lines, size_t *n, ns_error *err);
void ns_stub_free(ns_stub_line *lines, size_t n);

/* Is `path` a regular file (a stub), as opposed to a folder? */
int ns_stub_is_file(const char *path);

/* Open the folder `path` read-only: an index folder (its XAPIANDB names the
 * live generation, `auto gen-N`, nothing else) or a glass database folder.
 * The caller owns *db. NS_ERR_NOTFOUND when there is no index there,
 * NS_ERR_CORRUPT for a XAPIANDB that is not one line `auto gen-N`
 * ("PATH/XAPIANDB:LINE: ...": a damaged index), NS_ERR_INVALID when
 * `path` is not a folder, else the statuses of xc_database_open_glass as
 * ns_status. */
ns_status ns_stub_open_folder(const char *path, struct xc_database **db, ns_error *err);

/* What ns_stub_open_folder opens, without opening it: the generation folder
 * XAPIANDB names (checked as above), or `path` itself for a glass folder,
 * into target (size bytes). */
ns_status ns_stub_folder_target(const char *path, char *target, size_t size, ns_error *err);

#endif
