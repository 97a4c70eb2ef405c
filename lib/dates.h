/* dates.h: the dates news articles carry, parsed to UTC epoch seconds.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Accepted forms (surrounding whitespace ignored, names case-insensitive):
 *
 *   ISO 8601        2025-12-06, 2025/12/06, 20251206,
 *                   2025-12-06T06:50:44Z, 2025-12-06 06:50:44, 2025-12-06T06:50,
 *                   2025-12-06T06:50:44.123+02:00, ... +0200, +02, " UTC", " GMT"
 *   RFC 2822        Sat, 06 Dec 2025 06:50:44 +0000 (also GMT, UT, Z, EST..PDT,
 *                   a trailing "(comment)", and two-digit years: 00-49 -> 20xx)
 *   written out     Dec 6, 2025 / Dec. 6, 2025 / December 6th, 2025 /
 *                   6 December 2025 / 6 Dec 2025, each with an optional
 *                   weekday in front ("Saturday, ") and an optional time
 *                   after ("6:50", "06:50:44", "6:50 a.m.", "at 6:50 PM EST")
 *
 * A date without a time is midnight UTC; a time without a zone is UTC. Years
 * run from 1000 to 9999 (two-digit years only in the RFC 2822 form); days are
 * checked against the month (leap years included); a leap second (:60) is
 * read as :59.
 *
 * Thread-safety: every function here is reentrant and keeps no state.
 */
#ifndef NS_DATES_H
#define NS_DATES_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Parse the date in s[0..len) (borrowed, not NUL-terminated): on NS_OK
 * *out is the UTC epoch seconds.
 * @retval NS_ERR_FORMAT  the whole text is not one of the forms above
 *                        (*out untouched) */
ns_status ns_date_parse(const char *s, size_t len, int64_t *out);

/* The one calendar of lib/ and the programs (proleptic Gregorian, UTC, no
 * time zone database, no leap seconds): */

/* Days from 1970-01-01 to y-m-d (m 1..12, d 1..31; not checked). */
int64_t ns_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The date forms written out: */
typedef enum ns_date_form {
    NS_DATE_DAY, /* "YYYY-MM-DD" (output, JSON) */
    NS_DATE_SLOT /* "YYYYMMDDhhmmss", the index's date value (index.c):
                  * sorts as the time does; before year 0 it is all zeros
                  * and after 9999 all nines, so ranges stay ordered */
} ns_date_form;
#define NS_DATE_BUF 24
/* Write t (epoch seconds) in `form` into out (NUL-terminated); returns its
 * length. */
size_t ns_date_format(int64_t t, ns_date_form form, char out[NS_DATE_BUF]);

#endif
