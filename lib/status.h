/* status.h: the status codes and error record shared by every lib/ module.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The library never prints and never exits: every function that can fail
 * returns an ns_status, and where a caller needs to know *what* went wrong
 * it passes an ns_error that the function fills. Each public function's
 * comment lists every status it can return besides NS_OK; a function that
 * reads or writes the index also passes on what the Xapian binding reports,
 * mapped as xcerr.h says.
 *
 * Statuses meant for a caller to act on: NS_ERR_LOCKED (wait: another
 * writer), NS_ERR_MODIFIED (reopen and retry), NS_ERR_CORRUPT (check and
 * rebuild), NS_ERR_VERSION (rebuild), NS_ERR_NOTFOUND (build one),
 * NS_ERR_NETWORK (a remote shard), NS_ERR_NOMEM.
 */
#ifndef NS_STATUS_H
#define NS_STATUS_H

#include <stddef.h>

typedef enum ns_status {
    NS_OK = 0,
    NS_DONE,         /* end of an iteration (not an error) */
    NS_ERR_NOMEM,    /* out of memory */
    NS_ERR_IO,       /* read/write failure, disk full */
    NS_ERR_NOTFOUND, /* no such file, index or document */
    NS_ERR_FORMAT,   /* bad input data (a file that can't be read as an article) */
    NS_ERR_QUERY,    /* malformed query */
    NS_ERR_LIMIT,    /* a documented limit was exceeded */
    NS_ERR_LOCKED,   /* another writer holds the index */
    NS_ERR_MODIFIED, /* index changed underneath: reopen and retry */
    NS_ERR_CORRUPT,  /* index corrupt */
    NS_ERR_VERSION,  /* index written by an incompatible version */
    NS_ERR_NETWORK,  /* remote shard unreachable */
    NS_ERR_INVALID,  /* invalid argument (programmer or configuration error) */
    NS_ERR_OTHER     /* anything else: a Xapian failure of no other kind
                        (xcerr.h), such as a feature libxapian lacks */
} ns_status;

/* What went wrong, filled by functions that take an ns_error * (which may be
 * NULL wherever a function takes one). Owned by the caller. Its contents
 * mean something only after a function failed: a function may write it on
 * the way to success (a retried read), and some clear it first. */
typedef struct ns_error {
    ns_status status; /* the status the function returned */
    size_t line;      /* 0: a message about a file names "PATH:LINE" itself */
    /* For a query error (NS_ERR_QUERY, NS_ERR_LIMIT from the parser): the
     * 1-based byte column in the query, which `msg` does not repeat (print
     * it apart, as nsearch's "query:COLUMN: MSG"); else 0. */
    size_t column;
    /* A complete message, NUL-terminated, cut at 1023 bytes: it names the
     * file, index or stub line it is about ("corpus/a.txt:12: ..."), except a
     * query error, which names its column through `column`. */
    char msg[1024];
} ns_error;

/* Constant lower-case name of a status ("out of memory", ...). Never NULL. */
const char *ns_status_str(ns_status s);

/* Fill `err` (may be NULL) with `status` and a printf-style message, and
 * clear its line and column (a caller that knows one sets it after);
 * returns `status` so callers can write `return ns_error_set(err, ...)`. */
ns_status ns_error_set(ns_error *err, ns_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset `err` (may be NULL) to NS_OK with an empty message. */
void ns_error_clear(ns_error *err);

#endif
