/* test_forms.c: lib/forms.c, the set of terms with their shortest common
 * start, against a plain list kept by the test (a linear search, the
 * obvious way), over thousands of random notes and a merge.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "forms.h"

#define NREF 6000

typedef struct ref {
    char term[16];
    unsigned common;
} ref;

/* The reference: the smallest start noted for each term, by linear search. */
static void ref_note(ref *r, size_t *n, const char *t, unsigned c)
{
    for (size_t i = 0; i < *n; i++) {
        if (!strcmp(r[i].term, t)) {
            if (c < r[i].common) r[i].common = c;
            return;
        }
    }
    snprintf(r[*n].term, sizeof r[*n].term, "%s", t);
    r[(*n)++].common = c;
}

static void random_term(char *t, unsigned *seed)
{
    /* Few letters, so that terms repeat often. */
    size_t len = 1 + (size_t)(rand_r(seed) % 4);
    for (size_t i = 0; i < len; i++)
        t[i] = (char)('a' + rand_r(seed) % 6);
    t[len] = '\0';
}

static void check_all(const ns_forms *f, const ref *r, size_t n)
{
    assert_int_equal(f->n, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ns_forms_common(f, r[i].term, strlen(r[i].term)), r[i].common);
}

static void test_against_list(void **state)
{
    (void)state;
    static ref r[NREF], r2[NREF];
    size_t n = 0, n2 = 0;
    ns_forms f = {0}, g = {0};
    unsigned seed = 16;
    char t[16];
    for (int k = 0; k < 20000; k++) {
        random_term(t, &seed);
        unsigned c = (unsigned)(rand_r(&seed) % strlen(t));
        int second = rand_r(&seed) % 3 == 0;
        assert_int_equal(ns_forms_note(second ? &g : &f, t, strlen(t), c), NS_OK);
        ref_note(second ? r2 : r, second ? &n2 : &n, t, c);
    }
    check_all(&f, r, n);
    check_all(&g, r2, n2);
    /* A term never noted: its own length. */
    assert_int_equal(ns_forms_common(&f, "zzzzzzz", 7), 7);
    /* The merge keeps the smaller of the two. */
    assert_int_equal(ns_forms_merge(&f, &g), NS_OK);
    for (size_t i = 0; i < n2; i++)
        ref_note(r, &n, r2[i].term, r2[i].common);
    check_all(&f, r, n);
    /* Reset forgets all, and the set is usable again. */
    ns_forms_reset(&f);
    assert_int_equal(f.n, 0);
    assert_int_equal(ns_forms_common(&f, r[0].term, strlen(r[0].term)), strlen(r[0].term));
    assert_int_equal(ns_forms_note(&f, "happi", 5, 4), NS_OK);
    assert_int_equal(ns_forms_common(&f, "happi", 5), 4);
    assert_int_equal(ns_forms_common(&f, "happ", 4), 4);
    ns_forms_free(&f);
    ns_forms_free(&g);
    /* A free set is an empty one. */
    assert_int_equal(ns_forms_common(&f, "x", 1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
