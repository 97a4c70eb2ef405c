/* status.c: names of ns_status values and the ns_error helpers. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ns_status_str(ns_status s)
{
    switch (s) {
    case NS_OK: return "ok";
    case NS_DONE: return "done";
    case NS_ERR_NOMEM: return "out of memory";
    case NS_ERR_IO: return "input/output error";
    case NS_ERR_NOTFOUND: return "not found";
    case NS_ERR_FORMAT: return "bad input";
    case NS_ERR_QUERY: return "malformed query";
    case NS_ERR_LIMIT: return "limit exceeded";
    case NS_ERR_LOCKED: return "index locked";
    case NS_ERR_MODIFIED: return "index modified underneath";
    case NS_ERR_CORRUPT: return "index corrupt";
    case NS_ERR_VERSION: return "index version mismatch";
    case NS_ERR_NETWORK: return "network error";
    case NS_ERR_INVALID: return "invalid argument";
    case NS_ERR_OTHER: break;
    }
    return "error";
}

ns_status ns_error_set(ns_error *err, ns_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->status = status;
        err->line = err->column = 0;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}

void ns_error_clear(ns_error *err)
{
    if (err) {
        memset(err, 0, sizeof *err);
    }
}
