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
 * The rules, in short (the full list is at the top of analyzer.c; changing
 * any of them means rebuilding every index):
 *  - Words are runs of Unicode letters, digits and combining marks; invalid
 *    UTF-8 bytes separate words and are counted. Offsets are byte offsets
 *    into the original text.
 *  - Both forms are NFKC with full case folding ("Straße" -> "strasse").
 *    The term has its accents stripped ("São" -> "sao"); the exact form
 *    keeps them ("são"). So ordinary queries ignore accents, while
 *    exact-form queries match accents exactly.
 *  - Terms are stemmed (the libstemmer_c algorithm of the analyzer's
 *    language); numbers and abbreviations are not.
 *  - ' and ’ are the same; a possessive 's is dropped ("Zelenskyy’s" ->
 *    "zelenskyy"); other apostrophes stay as ' ("won't", "o'brien").
 *  - "de-escalation" gives "de" and "escal" at consecutive positions plus
 *    the alternative "deescal" (NS_TOK_ALT) at the first one's position.
 *  - "U.S." gives one token "u.s" (NS_TOK_ACRONYM); "US" (2-5 ASCII capitals)
 *    gives "us" plus the alternative "u.s". Hence the queries `US` and `U.S.`
 *    find "U.S." and "US", and the lower-case query `us` does not find "U.S.".
 *  - Numbers stay whole: "3.5", "1,200" -> "1200", "06:50:44",
 *    "2025-12-06"; "$" and "%" are dropped.
 *
 * Thread-safety: an analyzer holds a stemmer and a stem cache, so one
 * analyzer is used by one thread at a time; create one per thread. Distinct
 * analyzers may be used concurrently.
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
     * token (e.g. the joined form of a hyphenated compound, whose offsets
     * then span the whole compound). */
    NS_TOK_ALT = 1u << 0,
    /* The token came from an all-capitals abbreviation such as "U.S.": its
     * term is the letters joined by dots ("u.s"). Set on the token of a
     * dotted abbreviation, and on the dotted alternative of an all-capitals
     * word ("NATO" -> "nato", then "n.a.t.o" with NS_TOK_ALT too). */
    NS_TOK_ACRONYM = 1u << 1
};

typedef struct ns_token {
    const char *term;  /* index term; not NUL-terminated; valid during the callback */
    size_t term_len;   /* 1..NS_TERM_MAX */
    const char *exact; /* unstemmed form with accents; valid during the callback */
    size_t exact_len;  /* 1..NS_TERM_MAX */
    size_t start;      /* byte offset of the token in the input */
    size_t end;        /* one past its last byte */
    uint32_t pos;      /* position, from 0 for the first token of this call */
    unsigned flags;
} ns_token;

/* Called once per token, in order of start offset. Return non-zero to stop
 * the analysis early (ns_analyze then returns NS_OK). The callback must not
 * use the same analyzer. */
typedef int (*ns_token_fn)(void *ctx, const ns_token *tok);

typedef struct ns_analyzer ns_analyzer;

typedef struct ns_analyzer_stats {
    uint64_t tokens;        /* tokens emitted */
    uint64_t invalid_bytes; /* bytes not part of a valid UTF-8 sequence (each
                               one separates words) */
    uint64_t truncated;     /* tokens whose term or exact form was cut to
                               NS_TERM_MAX bytes */
} ns_analyzer_stats;

/* Create an analyzer stemming for `lang` (borrowed): a libstemmer_c
 * language name or ISO 639 code ("english", "en", "eng", "french", "fr",
 * ...; case does not matter), or "none" for no stemming. On success *out is
 * owned by the caller (ns_analyzer_free); on failure it is NULL.
 * @retval NS_ERR_INVALID  an unknown language, or NULL or "" (the message
 *                         lists the languages)
 * @retval NS_ERR_NOMEM    out of memory */
ns_status ns_analyzer_new(const char *lang, ns_analyzer **out, ns_error *err);
/* Free an analyzer and everything it owns. Accepts NULL. */
void ns_analyzer_free(ns_analyzer *an);

/* The canonical name of the analyzer's language ("english", "none"); owned
 * by the analyzer, valid until it is freed. */
const char *ns_analyzer_lang(const ns_analyzer *an);

/* Analyze text[0..len) (borrowed; text may be NULL when len is 0). `fn`
 * receives every token; the token's strings are the analyzer's and valid
 * during the call only. *npos (may be NULL) gets the number of positions
 * used (one past the last token's position, 0 when there was none), so
 * callers can lay consecutive fields out one after another. Positions start
 * at 0 in every call; the analyzer keeps no state between calls except its
 * statistics and cache, so a word gives the same tokens in a query as in a
 * document. A callback that stops the analysis makes it return NS_OK.
 * Invalid UTF-8 separates words and is counted, never an error.
 * @retval NS_ERR_NOMEM  out of memory (the stem cache or a long word); the
 *                       tokens passed on so far stand */
ns_status ns_analyze(ns_analyzer *an, const char *text, size_t len, ns_token_fn fn, void *ctx,
                     uint32_t *npos);

/* A hint for callers that only look for a few terms (the searcher scanning
 * passages for the query's terms and exact forms): a token whose term and
 * exact form both begin with none of the n bytes first[] is not passed to
 * the callback at all (positions, npos and the statistics are as usual),
 * words that can't give such a term skip the stemmer, and plain ASCII words
 * that can't are only counted, not made (most of a passage's words, at a
 * few instructions each). Honoured only for stemmers that
 * never change a word's first letter (english, french, german, ... not e.g.
 * indonesian); returns 1 when honoured, 0 when ignored (every token comes
 * out). first == NULL clears the hint. Tokens that come out are exactly as
 * usual. */
int ns_analyzer_set_interest(ns_analyzer *an, const unsigned char *first, size_t n);
/* Whether a term always starts with the first byte of its word's exact form
 * when that byte is ASCII: no stemming, or a stemmer that only changes a
 * word's end (the ones ns_analyzer_set_interest honours). */
int ns_analyzer_keeps_first(const ns_analyzer *an);

/* How many characters of s[0..n) the analyzer reads as word characters
 * (letters, digits, marks): a wildcard needs two before its '*'. */
size_t ns_word_chars(const char *s, size_t n);

/* The start of a number that s[0..len) is cut inside, as the one word
 * the analyzer makes of the whole number ("Numbers" above): "1,23" of
 * "1,234" is "123" (the thousands comma dropped), "06:5" of "06:50" is
 * "06:5", "2025-1" and "2025-12-0" of "2025-12-06" are themselves. Only
 * ASCII digits and separators; s is a number's start when it is:
 *  - 1 to 3 digits, then ",ddd" groups, then "," and 1 or 2 digits;
 *  - 1 or 2 digits, then ":dd" groups, then ":" and 1 digit;
 *  - 4 digits, "-", 1 or 2 digits; or 4 digits, "-", 2 digits, "-" and 0
 *    or 1 digit (the hyphens as in a date: '-', U+2010, U+2011 or U+2013,
 *    written '-').
 * (A number the analyzer keeps whole, "1,234" or "3.1", is not cut.)
 * Writes it NUL-terminated to out (cap bytes, more than its length) and
 * returns its length; 0 when s is none of those. A wildcard on such a
 * start (`1,23*`) finds the numbers it begins (plan.c). */
size_t ns_number_start(const char *s, size_t len, char *out, size_t cap);
/* Whether s[0..len) is a whole number with separators, one word ("1,234",
 * "06:50", "2025-12-06": its cut s[0..len-1) is a number's start); if so,
 * out[0..len) gets s with each separator (',' ':' and the date hyphens) as
 * spaces, one per byte, which the analyzer reads as the number's parts. */
int ns_number_parts(const char *s, size_t len, char *out);

/* Counters since the analyzer was created. */
ns_analyzer_stats ns_analyzer_get_stats(const ns_analyzer *an);

/* Space-separated list of the canonical language names, "none" first (the
 * ISO 639 codes of these languages are accepted too); static storage. */
const char *ns_analyzer_languages(void);

#endif
