/* test_document.c: unit tests of lib/document.c: the common words (parse,
 * format, meet, learn) and the terms of a built document (passage counts
 * in the wdf, the pair terms, the no-passage term, the sort key).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "record.h"
#include "schema.h"

static void test_pairs_text(void **state)
{
    (void)state;
    ns_pairs p = {0}, q = {0};
    const char v[] = "said\nthe\ncompani\n";
    assert_int_equal(ns_pairs_parse(v, sizeof v - 1, &p), NS_OK);
    assert_int_equal(p.n, 3);
    assert_string_equal(p.w[0], "compani"); /* sorted */
    assert_true(ns_pairs_has(&p, "the"));
    assert_false(ns_pairs_has(&p, "th"));
    ns_buf b = {0};
    assert_int_equal(ns_pairs_format(&p, &b), NS_OK);
    assert_int_equal(b.len, sizeof v - 1);
    assert_memory_equal(b.data, "compani\nsaid\nthe\n", b.len);
    ns_buf_free(&b);
    /* No word is one newline: recorded, not absent. */
    assert_int_equal(ns_pairs_format(&q, &b), NS_OK);
    assert_int_equal(b.len, 1);
    ns_buf_free(&b);
    assert_int_equal(ns_pairs_parse("the\nmarket", 10, &q), NS_OK); /* last line unended */
    ns_pairs_meet(&p, &q);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.w[0], "the");
    ns_pairs_free(&p);
    ns_pairs_free(&q);
    assert_int_equal(p.n, 0);
}

typedef struct terms {
    char t[64][64];
    uint32_t wdf[64];
    size_t n;
} terms;

static int on_term(void *ctx, const char *t, size_t len, uint32_t wdf)
{
    terms *tl = ctx;
    if (tl->n < 64 && len < 64) {
        memcpy(tl->t[tl->n], t, len);
        tl->t[tl->n][len] = '\0';
        tl->wdf[tl->n++] = wdf;
    }
    return 0;
}

static long wdf_of(const terms *tl, const char *t)
{
    for (size_t i = 0; i < tl->n; i++)
        if (!strcmp(tl->t[i], t)) return tl->wdf[i];
    return -1;
}

/* An undated article of `n` passages at `path` with id `id`, title
 * `title`, no source and no URL. */
static ns_article article(const char *path, const char *id, const char *title, ns_passage *ps,
                          size_t n)
{
    ns_article a = {0};
    a.path = path;
    a.id = id;
    a.title = title;
    a.source = "";
    a.url = "";
    a.date = NS_NO_DATE;
    a.passages = ps;
    a.npassages = n;
    return a;
}

static void test_document_terms(void **state)
{
    (void)state;
    ns_pairs p = {0};
    assert_int_equal(ns_pairs_parse("the\ncat\nsat\n", 12, &p), NS_OK);
    ns_docbuilder b;
    ns_error err = {0};
    assert_int_equal(ns_doc_init(&b, "english", &p, &err), NS_OK);
    ns_passage ps[2] = {{"The cat sat. The cat.", 21, 3, 1}, {"The dog sat.", 12, 5, 1}};
    ns_article a = article("/c/a.txt", "a1", "Cat news", ps, 2);
    a.source = "Cat Wire";
    assert_int_equal(ns_doc_build(&b, &a, &err), NS_OK);
    terms tl = {0};
    assert_int_equal(xc_document_terms(b.doc, on_term, &tl), XC_OK);
    /* "cat": the title once (NS_TITLE_WDF) and one passage, though it
     * holds it twice; "sat": two passages. */
    assert_int_equal(wdf_of(&tl, "cat"), NS_TITLE_WDF + 1);
    assert_int_equal(wdf_of(&tl, "sat"), 2);
    assert_int_equal(wdf_of(&tl, "dog"), 1);
    assert_int_equal(wdf_of(&tl, "the"), 2);
    /* The title's and the source's own terms, 1 an occurrence. */
    assert_int_equal(wdf_of(&tl, NS_PREFIX_TITLE "cat"), 1);
    assert_int_equal(wdf_of(&tl, NS_PREFIX_TITLE "news"), 1);
    assert_int_equal(wdf_of(&tl, NS_PREFIX_SOURCE "cat"), 1);
    assert_int_equal(wdf_of(&tl, NS_PREFIX_SOURCE "wire"), 1);
    assert_int_equal(wdf_of(&tl, "wire"), -1);
    /* Pairs of common neighbours only: "the cat", "cat sat"; not "dog sat". */
    assert_int_equal(wdf_of(&tl, NS_PREFIX_PAIR "the cat"), 0);
    assert_int_equal(wdf_of(&tl, NS_PREFIX_PAIR "cat sat"), 0);
    assert_int_equal(wdf_of(&tl, NS_PREFIX_PAIR "dog sat"), -1);
    /* Positions run on across a sentence end, as a phrase does ("sat. The"). */
    assert_int_equal(wdf_of(&tl, NS_PREFIX_PAIR "sat the"), 0);
    /* Not across passages ("cat." ends the first, "The dog" starts the next). */
    assert_int_equal(wdf_of(&tl, NS_PREFIX_PAIR "cat the"), -1);
    assert_int_equal(wdf_of(&tl, NS_TERM_NO_PASSAGE), -1);
    const char *v;
    size_t vlen;
    assert_int_equal(xc_document_get_value(b.doc, NS_SLOT_ID, &v, &vlen), XC_OK);
    assert_int_equal(vlen, 11);
    assert_memory_equal(v, "a1\0/c/a.txt", 11);
    assert_int_equal(xc_document_get_value(b.doc, NS_SLOT_PASSAGES, &v, &vlen), XC_OK);
    assert_int_equal(vlen, 1);
    assert_memory_equal(v, "2", 1);
    /* A title alone: the no-passage term. */
    a.npassages = 0;
    a.passages = NULL;
    assert_int_equal(ns_doc_build(&b, &a, &err), NS_OK);
    memset(&tl, 0, sizeof tl);
    assert_int_equal(xc_document_terms(b.doc, on_term, &tl), XC_OK);
    assert_int_equal(wdf_of(&tl, NS_TERM_NO_PASSAGE), 0);
    ns_doc_clear(&b);
    ns_pairs_free(&p);
}

static void test_learn(void **state)
{
    (void)state;
    /* 10 articles: "alpha" in all, "beta" in 5, "gamma" in 1. */
    ns_buf sample[10];
    memset(sample, 0, sizeof sample);
    for (int i = 0; i < 10; i++) {
        char text[64];
        snprintf(text, sizeof text, "alpha %s %s.", i < 5 ? "beta" : "delta",
                 i == 0 ? "gamma" : "");
        ns_passage ps = {text, strlen(text), 3, 1};
        ns_article a = article("/c/x.txt", "x", "", &ps, 1);
        assert_int_equal(ns_record_encode(&a, &sample[i]), NS_OK);
    }
    ns_docbuilder b;
    ns_error err = {0};
    assert_int_equal(ns_doc_init(&b, "english", NULL, &err), NS_OK);
    ns_pairs p = {0};
    /* At least 50%: alpha, beta, delta. */
    assert_int_equal(ns_pairs_learn(&b, sample, 10, 100, 50, &p), NS_OK);
    assert_int_equal(p.n, 3);
    assert_true(ns_pairs_has(&p, "alpha") && ns_pairs_has(&p, "beta") && ns_pairs_has(&p, "delta"));
    /* At most one word: the most held. */
    assert_int_equal(ns_pairs_learn(&b, sample, 10, 1, 10, &p), NS_OK);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.w[0], "alpha");
    /* 10%: gamma too. */
    assert_int_equal(ns_pairs_learn(&b, sample, 10, 100, 10, &p), NS_OK);
    assert_int_equal(p.n, 4);
    ns_pairs_free(&p);
    ns_doc_clear(&b);
    for (int i = 0; i < 10; i++)
        ns_buf_free(&sample[i]);
}

/* The forms the builder notes (forms.h): a term that does not begin every
 * word it came from, with the shortest common start; not the dotted
 * alternative of a word in capitals, nor a term that begins its words. */
static void test_document_forms(void **state)
{
    (void)state;
    ns_docbuilder b;
    ns_error err;
    assert_int_equal(ns_doc_init(&b, "english", NULL, &err), NS_OK);
    const char *text = "A happy man. Their happiness. D\xc3\xa9j\xc3\xa0 vu at NATO.";
    ns_passage ps = {text, strlen(text), 3, 1};
    ns_article a = article("/c/f.txt", "f", "City", &ps, 1);
    assert_int_equal(ns_doc_build(&b, &a, &err), NS_OK);
    assert_int_equal(ns_forms_common(&b.forms, "happi", 5), 4);   /* "happy" */
    assert_int_equal(ns_forms_common(&b.forms, "deja", 4), 1);    /* "déjà" */
    assert_int_equal(ns_forms_common(&b.forms, "citi", 4), 3);    /* "city", the title */
    assert_int_equal(ns_forms_common(&b.forms, "n.a.t.o", 7), 7); /* not a word: not noted */
    assert_int_equal(ns_forms_common(&b.forms, "nato", 4), 4);
    assert_int_equal(ns_forms_common(&b.forms, "man", 3), 3);
    assert_int_equal(b.forms.n, 3);
    ns_doc_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs_text),
        cmocka_unit_test(test_document_terms),
        cmocka_unit_test(test_document_forms),
        cmocka_unit_test(test_learn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
