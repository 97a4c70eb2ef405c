/* forms.h: the index terms whose word forms do not all begin with them.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A wildcard `pre*` asks for the words whose exact form (analyzer.h: not
 * stemmed, accents kept) begins with "pre". The index has stems only
 * (schema.h), and a stem does not always begin the forms it comes from:
 * "happy" -> "happi", "déjà" -> "deja". So the searcher checks each
 * candidate's text, unless it knows better: for a term T, the shortest
 * common start (in bytes) of T and any exact form the analyzer gave T for.
 * When that is at least the length of "pre" and T begins with "pre", every
 * word indexed as T begins with "pre": T's posting list alone answers
 * (search.c, count_prefix).
 *
 * An ns_forms set holds those starts for the terms where they are shorter
 * than the term itself (most terms begin every form of theirs and are not
 * in it): document.c notes each token's, index.c records them in the index
 * (schema.h, NS_META_FORM_PREFIX) and the searcher reads them. Not
 * thread-safe: one per builder, merged by their owner.
 */
#ifndef NS_FORMS_H
#define NS_FORMS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"
#include "xapian-c.h"

typedef struct ns_forms {
    ns_buf bytes; /* the terms' bytes, one after another */
    struct ns_form {
        size_t off;
        uint32_t len, hash;
        uint8_t common; /* the shortest common start seen */
    } * v;
    size_t n, cap;
    uint32_t *slots; /* entry index + 1, 0 empty; a power of two, at most half full */
    size_t nslots;
} ns_forms;

/* Note that term[0..len) came from a word whose exact form shares only its
 * first `common` bytes with it (common < len). Keeps the smallest.
 * @retval NS_ERR_NOMEM  nothing changed */
ns_status ns_forms_note(ns_forms *f, const char *term, size_t len, unsigned common);
/* Note every entry of `from` in `into`.
 * @retval NS_ERR_NOMEM  some may have been noted */
ns_status ns_forms_merge(ns_forms *into, const ns_forms *from);
/* The smallest common start noted for term, or `len` when it has none. */
unsigned ns_forms_common(const ns_forms *f, const char *term, size_t len);
/* The record of db (schema.h, NS_META_FORMS): call fn with each recorded
 * term that begins with prefix[0..plen) and its shortest common start, in
 * term order; fn returns non-zero to stop. The one reader of the record's
 * keys (plan.c expands wildcards by it, search.c counts them).
 * Statuses as xc_database_metadata_keys (XC_ERR_INVALID: a database that
 * can't list its keys, or a prefix longer than any term) and
 * xc_database_get_metadata. */
xc_status ns_forms_list(xc_database *db, const char *prefix, size_t plen,
                        int (*fn)(void *ctx, const char *term, size_t len, unsigned common),
                        void *ctx);

/* Forget every entry (the memory stays for reuse). */
void ns_forms_reset(ns_forms *f);
void ns_forms_free(ns_forms *f);

#endif
