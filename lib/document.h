/* document.h: an article as a Xapian document of schema.h, and the common
 * words whose neighbouring pairs it holds.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * lib/index.c, the one writer, builds documents with an ns_docbuilder and
 * learns, records and reloads the common words (NS_META_PAIRS); the
 * searcher (search.c, plan.c) reads the same words to narrow a phrase's
 * candidates with their pairs. Nothing here opens a database or prints.
 */
#ifndef NS_DOCUMENT_H
#define NS_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "buf.h"
#include "forms.h"
#include "pack.h"
#include "reader.h"
#include "status.h"
#include "xapian-c.h"

/* ---- the common words ---- */

/* An index's common words (schema.h, NS_META_PAIRS), sorted byte-wise. The
 * owner frees them with ns_pairs_free; {0} is the empty set. */
typedef struct ns_pairs {
    char **w;
    size_t n;
} ns_pairs;

/* Read NS_META_PAIRS' value (val[0..len): words, each ended by a newline)
 * into *p, emptied first.
 * @retval NS_ERR_NOMEM  *p is left empty */
ns_status ns_pairs_parse(const char *val, size_t len, ns_pairs *p);
/* Append the value to record for p to out: each word and a newline, or one
 * newline when there is no word (a recorded empty set, not an absent key).
 * @retval NS_ERR_NOMEM  out's sticky error is set (buf.h) */
ns_status ns_pairs_format(const ns_pairs *p, ns_buf *out);
/* Whether term is one of p's words. */
int ns_pairs_has(const ns_pairs *p, const char *term);
/* Keep only the words of p that q has too (the shards of a stub). */
void ns_pairs_meet(ns_pairs *p, const ns_pairs *q);
void ns_pairs_free(ns_pairs *p);

/* ---- documents ---- */

/* What it takes to turn articles into documents: one per thread. The
 * fields are the builder's own; `doc` is the last document built. */
typedef struct ns_docbuilder {
    ns_analyzer *an;
    const ns_pairs *pairs; /* borrowed: the words to pair (NULL or empty: none) */
    const ns_packer *pack; /* borrowed: the records' dictionary (NULL or none: plain) */
    void *zctx;            /* its compression context (pack.h) */
    ns_buf packed;         /* the record packed */
    xc_document *doc;      /* the document built last (owned; valid until the next build) */
    ns_buf data;           /* its record */
    xc_status doc_st;      /* sticky error of the term callbacks */
    /* The tokens of the text being analyzed, in text order: their terms'
     * bytes (NUL-terminated), and for each where its term starts and its
     * position. */
    ns_buf pterms;
    struct ns_doctok {
        size_t off;
        uint32_t pos;
        uint32_t ent; /* its term's entry in `terms` (add_title, add_passage) */
    } * tok;
    size_t ntok, captok;
    /* The document's terms as they are gathered, each added to `doc` once
     * at the end with its summed wdf (libxapian looks a term up in a tree
     * on every add): their bytes in tbytes, in first-seen order, found by
     * hash through `slots` (entry index + 1; 0 empty). */
    ns_buf tbytes;
    struct ns_docterm {
        size_t off, len;
        uint32_t hash, slot;
        uint32_t wdf;
        uint32_t last;  /* the passage that last counted it (add_passage) */
        uint8_t common; /* a word of `pairs` */
        uint8_t boolean;
    } * terms;
    size_t nterms, capterms;
    uint32_t *slots;
    size_t nslots;
    /* The terms of the tokens analyzed so far whose exact form does not
     * begin with them (forms.h), for the index to record. */
    ns_forms forms;
} ns_docbuilder;

/* Start a builder for language `lang` (analyzer.h) pairing the words of
 * `pairs` (borrowed: it must outlive the builder and not change while it
 * builds).
 * @retval NS_ERR_INVALID  an unknown language (the message names it)
 * @retval NS_ERR_NOMEM */
ns_status ns_doc_init(ns_docbuilder *b, const char *lang, const ns_pairs *pairs, ns_error *err);
void ns_doc_clear(ns_docbuilder *b);
/* Build article a's document into b->doc (schema.h): terms, pair terms,
 * file and id terms, values, the record as data. Adds it nowhere.
 * @retval NS_ERR_NOMEM
 * @retval NS_ERR_INVALID, NS_ERR_OTHER  libxapian refused a term or value
 *                        (the message names the article's file and line) */
ns_status ns_doc_build(ns_docbuilder *b, const ns_article *a, ns_error *err);
/* Learn the common words of the articles stored as records (record.h) in
 * sample[0..nsample), analyzed with b's analyzer: the terms held (in the
 * title or a passage) by at least min_share percent of them, most held
 * first, at most max_words; into *out, emptied first. A record that does
 * not decode is skipped.
 * @retval NS_ERR_NOMEM  *out is left empty */
ns_status ns_pairs_learn(ns_docbuilder *b, const ns_buf *sample, size_t nsample, size_t max_words,
                         unsigned min_share, ns_pairs *out);

#endif
