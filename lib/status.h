/* status.h: the status codes and error record shared by every lib/ module.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The library never prints and never exits: every function that can fail
 * returns an ns_status, and where a caller needs to know *what* went wrong it
 * passes an ns_error that the function fills (message naming the file and line
 * or the query column).
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
    NS_ERR_OTHER
} ns_status;

/* What went wrong, filled by functions that take an ns_error *. `msg` is a
 * complete sentence fragment such as "corpus/a.txt:12: invalid UTF-8"; `line`
 * and `column` are 1-based when known, else 0. */
typedef struct ns_error {
    ns_status status;
    size_t line;
    size_t column;
    char msg[1024];
} ns_error;

/* Constant lower-case name of a status ("out of memory", ...). Never NULL. */
const char *ns_status_str(ns_status s);

/* Fill `err` (may be NULL) with `status` and a printf-style message; returns
 * `status` so callers can write `return ns_error_set(err, NS_ERR_IO, ...)`. */
ns_status ns_error_set(ns_error *err, ns_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset `err` (may be NULL) to NS_OK with an empty message. */
void ns_error_clear(ns_error *err);

#endif
