/* dates.c: parse the dates news articles carry (ISO 8601, RFC 2822 and the
 * written-out forms listed in dates.h) into UTC epoch seconds.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Two small recursive-descent parsers over a cursor: one for the numeric ISO
 * forms, one for the forms with a month name. Each must consume the whole
 * text; nothing is guessed from partial matches, so "May" alone or
 * "2025-13-01" are errors, not dates. The calendar arithmetic is timegm's.
 */
#include "dates.h"

#include <stdio.h>

#include <string.h>
#include <time.h>

typedef struct cursor {
    const char *p;
    const char *end;
} cursor;

typedef struct datetime {
    int year, month, day;
    int hour, min, sec;
    int offset; /* seconds east of UTC */
} datetime;

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int at_end(const cursor *c)
{
    return c->p >= c->end;
}

static int peek(const cursor *c)
{
    return at_end(c) ? -1 : (unsigned char)*c->p;
}

static int skip_space(cursor *c)
{
    const char *start = c->p;
    while (!at_end(c) && is_space(*c->p)) {
        c->p++;
    }
    return c->p != start;
}

static int eat(cursor *c, int ch)
{
    if (peek(c) == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* Read between min and max digits; 0 when there are fewer than min or more
 * than max (the number must end there). */
static int number(cursor *c, int min, int max, int *val, int *ndigits)
{
    int n = 0, v = 0;
    while (!at_end(c) && is_digit(*c->p)) {
        if (n == max) {
            return 0;
        }
        v = v * 10 + (*c->p - '0');
        n++;
        c->p++;
    }
    if (n < min) {
        return 0;
    }
    *val = v;
    if (ndigits) {
        *ndigits = n;
    }
    return 1;
}

/* Read a run of ASCII letters, lower-cased, into buf (cut at cap - 1). */
static size_t word(cursor *c, char *buf, size_t cap)
{
    size_t n = 0;
    while (!at_end(c) && is_alpha(*c->p)) {
        if (n + 1 < cap) {
            buf[n] = (char)lower(*c->p);
        }
        n++;
        c->p++;
    }
    buf[n < cap ? n : cap - 1] = '\0';
    return n;
}

static int month_of(const char *w)
{
    static const char *const names[12] = {"january",   "february", "march",    "april",
                                          "may",       "june",     "july",     "august",
                                          "september", "october",  "november", "december"};
    size_t n = strlen(w);
    if (n < 3) {
        return 0;
    }
    for (int i = 0; i < 12; i++) {
        /* The full name, its first three letters, or "sept". */
        if (strcmp(w, names[i]) == 0 || (n == 3 && strncmp(w, names[i], 3) == 0) ||
            (i == 8 && strcmp(w, "sept") == 0)) {
            return i + 1;
        }
    }
    return 0;
}

static int is_weekday(const char *w)
{
    static const char *const names[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                         "friday", "saturday", "sunday"};
    size_t n = strlen(w);
    for (int i = 0; i < 7; i++) {
        if (strcmp(w, names[i]) == 0 || (n == 3 && strncmp(w, names[i], 3) == 0) ||
            (n == 4 && (strcmp(w, "tues") == 0 || strcmp(w, "thur") == 0)) ||
            strcmp(w, "thurs") == 0) {
            return 1;
        }
    }
    return 0;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int valid(const datetime *d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d->year < 1000 || d->year > 9999 || d->month < 1 || d->month > 12 || d->day < 1) {
        return 0;
    }
    int days = mdays[d->month - 1] + (d->month == 2 && is_leap(d->year));
    return d->day <= days && d->hour >= 0 && d->hour <= 23 && d->min >= 0 && d->min <= 59 &&
           d->sec >= 0 && d->sec <= 60;
}

/* A numeric offset after its sign: h, hh, hhmm or hh:mm. */
static int numeric_offset(cursor *c, int sign, int *offset)
{
    int hh, mm = 0, nd;
    if (!number(c, 1, 4, &hh, &nd) || nd == 3) {
        return 0;
    }
    if (nd == 4) {
        mm = hh % 100;
        hh /= 100;
    } else if (eat(c, ':') && !number(c, 2, 2, &mm, NULL)) {
        return 0;
    }
    if (hh > 23 || mm > 59) {
        return 0;
    }
    *offset = sign * (hh * 3600 + mm * 60);
    return 1;
}

/* An optional zone: Z, UT, UTC, GMT, US zone names, or a numeric offset,
 * then for RFC 2822 an optional "(comment)". Leaves the cursor alone when
 * there is none. Returns 0 on a malformed zone. */
static int zone(cursor *c, int *offset)
{
    static const struct {
        const char *name;
        int hours;
    } names[] = {{"z", 0},    {"ut", 0},   {"utc", 0},  {"gmt", 0},  {"est", -5}, {"edt", -4},
                 {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}};
    cursor save = *c;
    skip_space(c);
    *offset = 0;
    int ch = peek(c);
    if (ch == '+' || ch == '-') {
        c->p++;
        if (!numeric_offset(c, ch == '+' ? 1 : -1, offset)) {
            return 0;
        }
    } else if (is_alpha(ch)) {
        char w[8];
        size_t n = word(c, w, sizeof w);
        size_t i;
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (n < sizeof w && strcmp(w, names[i].name) == 0) {
                break;
            }
        }
        if (i == sizeof names / sizeof names[0]) {
            return 0;
        }
        *offset = names[i].hours * 3600;
        /* "UTC+2", "GMT-05:00" */
        ch = peek(c);
        if (i < 4 && (ch == '+' || ch == '-')) {
            c->p++;
            int extra;
            if (!numeric_offset(c, ch == '+' ? 1 : -1, &extra)) {
                return 0;
            }
            *offset = extra;
        }
    } else {
        *c = save;
        return 1;
    }
    cursor before = *c;
    skip_space(c);
    if (eat(c, '(')) {
        while (!at_end(c) && *c->p != ')') {
            c->p++;
        }
        if (!eat(c, ')')) {
            return 0;
        }
    } else {
        *c = before;
    }
    return 1;
}

/* hh:mm[:ss[.frac]] */
static int clock_time(cursor *c, datetime *d)
{
    if (!number(c, 1, 2, &d->hour, NULL) || !eat(c, ':') || !number(c, 2, 2, &d->min, NULL)) {
        return 0;
    }
    if (eat(c, ':')) {
        if (!number(c, 2, 2, &d->sec, NULL)) {
            return 0;
        }
        if (peek(c) == '.' || peek(c) == ',') {
            c->p++;
            int frac, nd;
            if (!number(c, 1, 9, &frac, &nd)) {
                return 0;
            }
        }
    }
    return 1;
}

static int parse_iso(cursor c, datetime *d)
{
    int nd;
    if (!number(&c, 4, 8, &d->year, &nd)) {
        return 0;
    }
    if (nd == 8) {
        /* Basic format: YYYYMMDD. */
        d->day = d->year % 100;
        d->month = d->year / 100 % 100;
        d->year /= 10000;
    } else if (nd == 4) {
        int sep = peek(&c);
        if (sep != '-' && sep != '/') {
            return 0;
        }
        c.p++;
        if (!number(&c, 1, 2, &d->month, NULL) || !eat(&c, sep) ||
            !number(&c, 1, 2, &d->day, NULL)) {
            return 0;
        }
    } else {
        return 0;
    }
    skip_space(&c);
    if (at_end(&c)) {
        return valid(d);
    }
    /* A time after 'T' or whitespace. */
    if (peek(&c) == 'T' || peek(&c) == 't') {
        c.p++;
    } else if (c.p[-1] != ' ' && c.p[-1] != '\t') {
        return 0;
    }
    if (!clock_time(&c, d) || !zone(&c, &d->offset)) {
        return 0;
    }
    skip_space(&c);
    return at_end(&c) && valid(d);
}

/* Optional "6:50", "06:50:44", "6:50 a.m.", "at 6:50 PM" after a date. */
static int written_time(cursor *c, datetime *d)
{
    cursor save = *c;
    skip_space(c);
    eat(c, ',');
    skip_space(c);
    if (is_alpha(peek(c))) {
        char w[4];
        cursor before = *c;
        if (word(c, w, sizeof w) != 2 || strcmp(w, "at") != 0) {
            *c = before;
            return 1; /* not a time; the zone or the end will judge */
        }
        skip_space(c);
    }
    if (!is_digit(peek(c))) {
        *c = save;
        return 1;
    }
    if (!clock_time(c, d)) {
        return 0;
    }
    cursor before = *c;
    skip_space(c);
    int ch = lower(peek(c));
    if (ch == 'a' || ch == 'p') {
        /* am, pm, a.m., p.m. */
        c->p++;
        eat(c, '.');
        if (lower(peek(c)) != 'm') {
            *c = before;
            return 1;
        }
        c->p++;
        eat(c, '.');
        if (is_alpha(peek(c)) || d->hour < 1 || d->hour > 12) {
            return 0;
        }
        d->hour = d->hour % 12 + (ch == 'p' ? 12 : 0);
    } else {
        *c = before;
    }
    return 1;
}

static int ordinal_suffix(cursor *c)
{
    if (!is_alpha(peek(c))) {
        return 1;
    }
    char w[4];
    size_t n = word(c, w, sizeof w);
    return n == 2 && (strcmp(w, "st") == 0 || strcmp(w, "nd") == 0 || strcmp(w, "rd") == 0 ||
                      strcmp(w, "th") == 0);
}

static int parse_written(cursor c, datetime *d)
{
    char w[16];
    skip_space(&c);
    if (is_alpha(peek(&c))) {
        cursor save = c;
        size_t n = word(&c, w, sizeof w);
        if (n < sizeof w && is_weekday(w)) {
            eat(&c, '.');
            skip_space(&c);
            eat(&c, ',');
            skip_space(&c);
        } else {
            c = save;
        }
    }
    if (is_digit(peek(&c))) {
        /* 6 December 2025, 06 Dec 2025 06:50:44 +0000, 6-Dec-2025 */
        if (!number(&c, 1, 2, &d->day, NULL) || !ordinal_suffix(&c)) {
            return 0;
        }
        int dash = eat(&c, '-');
        if (!dash) {
            skip_space(&c);
        }
        size_t n = word(&c, w, sizeof w);
        if (n >= sizeof w || !(d->month = month_of(w))) {
            return 0;
        }
        eat(&c, '.');
        if (dash ? !eat(&c, '-') : 0) {
            return 0;
        }
        eat(&c, ',');
        skip_space(&c);
        int nd;
        if (!number(&c, 2, 4, &d->year, &nd) || nd == 3) {
            return 0;
        }
        if (nd == 2) {
            d->year += d->year < 50 ? 2000 : 1900;
        }
    } else if (is_alpha(peek(&c))) {
        /* Dec 6, 2025 / December 6th, 2025 */
        size_t n = word(&c, w, sizeof w);
        if (n >= sizeof w || !(d->month = month_of(w))) {
            return 0;
        }
        eat(&c, '.');
        skip_space(&c);
        if (!number(&c, 1, 2, &d->day, NULL) || !ordinal_suffix(&c)) {
            return 0;
        }
        eat(&c, ',');
        skip_space(&c);
        if (!number(&c, 4, 4, &d->year, NULL)) {
            return 0;
        }
    } else {
        return 0;
    }
    if (!written_time(&c, d) || !zone(&c, &d->offset)) {
        return 0;
    }
    skip_space(&c);
    return at_end(&c) && valid(d);
}

ns_status ns_date_parse(const char *s, size_t len, int64_t *out)
{
    cursor c = {s, s + len};
    datetime d;
    skip_space(&c);
    while (c.end > c.p && is_space(c.end[-1])) {
        c.end--;
    }
    if (at_end(&c)) {
        return NS_ERR_FORMAT;
    }
    memset(&d, 0, sizeof d);
    int ok = parse_iso(c, &d);
    if (!ok) {
        memset(&d, 0, sizeof d);
        ok = parse_written(c, &d);
    }
    if (!ok) {
        return NS_ERR_FORMAT;
    }
    int64_t days = ns_days_from_civil(d.year, (unsigned)d.month, (unsigned)d.day);
    int64_t t = days * 86400 + d.hour * 3600 + d.min * 60 + (d.sec == 60 ? 59 : d.sec);
    *out = t - d.offset;
    return NS_OK;
}

/* H. Hinnant's days_from_civil and civil_from_days. */
int64_t ns_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

size_t ns_date_format(int64_t t, ns_date_form form, char out[NS_DATE_BUF])
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400, y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (form == NS_DATE_SLOT) {
        if (y < 0) return (size_t)snprintf(out, NS_DATE_BUF, "00000000000000");
        if (y > 9999) return (size_t)snprintf(out, NS_DATE_BUF, "99999999999999");
        return (size_t)snprintf(out, NS_DATE_BUF, "%04d%02u%02u%02d%02d%02d", (int)y, m, d,
                                (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    }
    return (size_t)snprintf(out, NS_DATE_BUF, "%04lld-%02u-%02u", (long long)y, m, d);
}
