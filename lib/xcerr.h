/* xcerr.h: turning the Xapian binding's statuses into ns_status and
 * messages.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The mapping, one to one: XC_ERR_LOCKED -> NS_ERR_LOCKED, XC_ERR_MODIFIED
 * -> NS_ERR_MODIFIED, XC_ERR_CORRUPT -> NS_ERR_CORRUPT, XC_ERR_NOTFOUND ->
 * NS_ERR_NOTFOUND, XC_ERR_VERSION -> NS_ERR_VERSION, XC_ERR_NETWORK ->
 * NS_ERR_NETWORK, XC_ERR_INVALID -> NS_ERR_INVALID, XC_ERR_NOMEM ->
 * NS_ERR_NOMEM, XC_ERR_IO -> NS_ERR_IO, XC_ERR_OTHER (and any value outside
 * the enum) -> NS_ERR_OTHER. So a lib/ function that passes a binding
 * failure on can return any of these; each header names the ones its reads
 * or writes can meet. Pure functions, thread-safe (xc_errmsg is per
 * thread).
 */
#ifndef NS_XCERR_H
#define NS_XCERR_H

#include "status.h"
#include "xapian-c.h"

/* The ns_status for an xc_status (XC_OK gives NS_OK). */
ns_status ns_status_from_xc(xc_status s);

/* Fill err (may be NULL) with the mapped status and "<what>: <xc_errmsg()>"
 * (Xapian's message of this thread's last failure); returns the mapped
 * status. `what` names the index, file or shard. */
ns_status ns_error_from_xc(ns_error *err, xc_status s, const char *what);

#endif
