/* xcerr.c: mapping of xapian-c statuses to ns_status (xcerr.h). */
#include "xcerr.h"

ns_status ns_status_from_xc(xc_status s)
{
    switch (s) {
    case XC_OK: return NS_OK;
    case XC_ERR_LOCKED: return NS_ERR_LOCKED;
    case XC_ERR_MODIFIED: return NS_ERR_MODIFIED;
    case XC_ERR_CORRUPT: return NS_ERR_CORRUPT;
    case XC_ERR_NOTFOUND: return NS_ERR_NOTFOUND;
    case XC_ERR_VERSION: return NS_ERR_VERSION;
    case XC_ERR_NETWORK: return NS_ERR_NETWORK;
    case XC_ERR_INVALID: return NS_ERR_INVALID;
    case XC_ERR_NOMEM: return NS_ERR_NOMEM;
    case XC_ERR_IO: return NS_ERR_IO;
    case XC_ERR_OTHER: break;
    }
    return NS_ERR_OTHER;
}

ns_status ns_error_from_xc(ns_error *err, xc_status s, const char *what)
{
    return ns_error_set(err, ns_status_from_xc(s), "%s: %s", what, xc_errmsg());
}
