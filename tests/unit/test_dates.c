/* test_dates.c: the calendar of lib/dates.c (ns_days_from_civil,
 * ns_date_format) against glibc's timegm and gmtime_r, an independent
 * implementation, over every day from year 1000 to 9999 and around the
 * edges; ns_date_parse's own forms are tested in test_reader.c.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dates.h"

static void test_every_day(void **state)
{
    (void)state;
    size_t days = 0;
    for (int y = 1000; y <= 9999; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= 31; d++) {
                struct tm tm = {0};
                tm.tm_year = y - 1900;
                tm.tm_mon = m - 1;
                tm.tm_mday = d;
                time_t t = timegm(&tm);
                struct tm back;
                gmtime_r(&t, &back);
                if (back.tm_mday != d) continue; /* no such day */
                days++;
                int64_t want = (int64_t)t / 86400;
                if (ns_days_from_civil(y, (unsigned)m, (unsigned)d) != want)
                    fail_msg("%04d-%02d-%02d: %lld days, glibc says %lld", y, m, d,
                             (long long)ns_days_from_civil(y, (unsigned)m, (unsigned)d),
                             (long long)want);
                int64_t at = (int64_t)t + (d * 3607 + m * 61) % 86400; /* some time of day */
                char got[NS_DATE_BUF], exp[64];
                gmtime_r(&(time_t){(time_t)at}, &back);
                ns_date_format(at, NS_DATE_DAY, got);
                strftime(exp, sizeof exp, "%Y-%m-%d", &back);
                assert_string_equal(got, exp);
                ns_date_format(at, NS_DATE_SLOT, got);
                strftime(exp, sizeof exp, "%Y%m%d%H%M%S", &back);
                assert_string_equal(got, exp);
            }
        }
    }
    assert_true(days == 3287182); /* every day of 9000 years (Python datetime counts the same) */
}

static void test_edges(void **state)
{
    (void)state;
    char out[NS_DATE_BUF];
    assert_int_equal(ns_date_format(0, NS_DATE_DAY, out), 10);
    assert_string_equal(out, "1970-01-01");
    ns_date_format(-1, NS_DATE_SLOT, out);
    assert_string_equal(out, "19691231235959");
    ns_date_format(INT64_C(-99999999999999), NS_DATE_SLOT, out);
    assert_string_equal(out, "00000000000000");
    ns_date_format(INT64_C(99999999999999), NS_DATE_SLOT, out);
    assert_string_equal(out, "99999999999999");
    int64_t t = 0;
    assert_int_equal(ns_date_parse("2024-02-29T23:59:60Z", 20, &t), NS_OK);
    ns_date_format(t, NS_DATE_SLOT, out);
    assert_string_equal(out, "20240229235959");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_day),
                                       cmocka_unit_test(test_edges)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
