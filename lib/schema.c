/* schema.c: the schema check every reader makes (schema.h). */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>

#include "xapian-c.h"
#include "xcerr.h"

ns_status ns_schema_check(struct xc_database *db, const char *path, char *lang, size_t langsize,
                          ns_error *err)
{
    char *val = NULL;
    size_t len = 0;
    xc_status xs = xc_database_get_metadata(db, NS_KEY(NS_META_SCHEMA), &val, &len);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, path);
    if (val && (atoi(val) < NS_SCHEMA_MIN || atoi(val) > NS_SCHEMA_VERSION)) {
        ns_status st = ns_error_set(err, NS_ERR_VERSION,
                                    "%s: index schema %.*s, this nsearch reads schemas %d to %d: "
                                    "rebuild it with nsearch-index --rebuild",
                                    path, (int)len, val, NS_SCHEMA_MIN, NS_SCHEMA_VERSION);
        xc_free(val);
        return st;
    }
    xc_free(val);
    val = NULL;
    xs = xc_database_get_metadata(db, NS_KEY(NS_META_LANG), &val, &len);
    if (xs != XC_OK) return ns_error_from_xc(err, xs, path);
    snprintf(lang, langsize, "%.*s", val ? (int)len : 7, val ? val : "english");
    xc_free(val);
    return NS_OK;
}
