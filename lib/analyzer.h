/* analyzer.h: the one text analyzer, used for index terms and query terms.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Text (UTF-8, possibly invalid) goes in; tokens come out through a callback,
 * each with its index term (normalized, case-folded, stemmed), its exact form
 * (normalized and case-folded, not stemmed), its position and the exact byte
 * offsets of the source text it came from. Indexing and querying call the same
 * function, so highlights, phrases and stems always agree.
 *
 * Thread-safety: an analyzer holds a stemmer and a stem cache, so one
 * analyzer is used by one thread at a time; create one per thread.
 */
#ifndef NS_ANALYZER_H
#define NS_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Longest term the analyzer emits, in bytes. Xapian refuses terms longer than
 * about 245 bytes including any prefix; longer words are truncated at a UTF-8
 * boundary and counted in ns_analyzer_stats.truncated. */
#define NS_TERM_MAX 200

enum {
    /* This token is an alternative form at the same position as the previous
     * token (e.g. the joined form of a hyphenated compound). */
    NS_TOK_ALT = 1u << 0,
    /* The token came from an all-capitals abbreviation such as "U.S.". */
    NS_TOK_ACRONYM = 1u << 1
};

typedef struct ns_token {
    const char *term; /* index term; not NUL-terminated; valid during the callback */
    size_t term_len;
    const char *exact; /* unstemmed form; valid during the callback */
    size_t exact_len;
    size_t start; /* byte offset of the token in the input */
    size_t end;   /* one past its last byte */
    uint32_t pos; /* position, from 0 for the first token of this call */
    unsigned flags;
} ns_token;

/* Called once per token, in order. Return non-zero to stop the analysis
 * early (ns_analyze then returns NS_OK). */
typedef int (*ns_token_fn)(void *ctx, const ns_token *tok);

typedef struct ns_analyzer ns_analyzer;

typedef struct ns_analyzer_stats {
    uint64_t tokens;        /* tokens emitted */
    uint64_t invalid_bytes; /* invalid UTF-8 sequences replaced */
    uint64_t truncated;     /* words longer than NS_TERM_MAX, truncated */
} ns_analyzer_stats;

/* Create an analyzer stemming for `lang`: a libstemmer_c language name or
 * ISO code ("english", "en", "french", ...), or "none" for no stemming.
 * NS_ERR_INVALID (with a message listing the languages) for an unknown one,
 * NS_ERR_NOMEM. *out is NULL on failure. */
ns_status ns_analyzer_new(const char *lang, ns_analyzer **out, ns_error *err);
void ns_analyzer_free(ns_analyzer *an);

/* The canonical name of the analyzer's language ("english", "none"); owned
 * by the analyzer, valid until it is freed. */
const char *ns_analyzer_lang(const ns_analyzer *an);

/* Analyze text[0..len). `fn` receives every token. *npos (may be NULL) gets
 * the number of positions used (one past the last token's position), so
 * callers can lay consecutive fields out one after another.
 * NS_ERR_NOMEM only; invalid UTF-8 is replaced and counted, never an error. */
ns_status ns_analyze(ns_analyzer *an, const char *text, size_t len, ns_token_fn fn, void *ctx,
                     uint32_t *npos);

/* Counters since the analyzer was created. */
ns_analyzer_stats ns_analyzer_get_stats(const ns_analyzer *an);

/* Space-separated list of the accepted language names; static storage. */
const char *ns_analyzer_languages(void);

#endif
