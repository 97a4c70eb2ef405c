/* xcerr.h: turning xapian-c statuses into ns_status and messages. */
#ifndef NS_XCERR_H
#define NS_XCERR_H

#include "status.h"
#include "xapian-c.h"

/* The ns_status for an xc_status. */
ns_status ns_status_from_xc(xc_status s);

/* Fill err with the mapped status and "<what>: <Xapian's message>"; returns
 * the mapped status. */
ns_status ns_error_from_xc(ns_error *err, xc_status s, const char *what);

#endif
