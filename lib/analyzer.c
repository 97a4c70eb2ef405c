/* analyzer.c: the text analyzer: tokenizer, Unicode normalizer, case folder,
 * accent stripper and stemmer, with a stem cache.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * This is the only file that includes <utf8proc.h> and <libstemmer.h>. The
 * indexer and the searcher both analyze text here, so the rules below are the
 * whole contract between documents and queries: change one and every index
 * must be rebuilt.
 *
 * THE RULES
 *
 * Decoding. Text is UTF-8. A byte that does not belong to a valid sequence
 * (stray continuation byte, truncated or overlong sequence, surrogate, value
 * above U+10FFFF) is a word separator; every such byte adds one to
 * stats.invalid_bytes. Offsets always refer to the original bytes.
 *
 * Word characters. Unicode letters (L*), numbers (N*) and combining marks
 * (M*), classified by utf8proc; everything else separates words, except the
 * joiners below. Default-ignorable characters (soft hyphen, zero-width joiner;
 * not the zero-width space) between two word characters stay inside the word
 * and vanish from its terms. ASCII bytes are classified by a 128-entry table
 * and ASCII-only words never reach utf8proc (news text is mostly ASCII).
 * Known limitation: scripts written without spaces (Chinese, Japanese, Thai)
 * come out as one token per run of letters.
 *
 * Normalization. A word with non-ASCII characters is mapped with utf8proc to
 * NFKC with full Unicode case folding and default-ignorables removed
 * ("Straße" -> "strasse", "ΣΟΦΟΣ"/"σοφος"/"σοφοσ" -> "σοφοσ", "ＡＢＣ" -> "abc",
 * "ﬁ" -> "fi"), so composed and decomposed input give equal forms. ASCII
 * words are just lower-cased, which is the same mapping for ASCII.
 *
 * Exact form and index term. Every token carries two forms:
 *  - `exact`: the normalized, case-folded word with its accents (NFC), not
 *    stemmed. Exact-form queries therefore match accents exactly.
 *  - `term`: the stem of the word with accents stripped, so "São Paulo" is
 *    found by "sao paulo" and by "São Paulo".
 * Stemming sees the accents (French and German stemmers need them): the term
 * is strip(stem(exact)). Exception: "english" and "porter" know only a..z, so
 * they stem strip(exact) instead ("résumé" and "resume" give one term).
 * Stripping removes, after canonical decomposition, the combining marks
 * U+0300..U+036F, which carry the accents of Latin, Greek and Cyrillic
 * ("é" -> "e", "ά" -> "α", "ё" -> "е"). Cyrillic keeps the marks that make
 * letters of their own: only stress accents (U+0300, U+0301) and the
 * diaeresis of "ё" are removed, so "й", "ў" and "ї" stay. Letters without a
 * decomposition ("ø", "ł", "đ", "æ") are kept; marks of other scripts
 * (Indic vowel signs, Hebrew and Arabic points) are kept.
 *
 * Stemming. Any libstemmer_c algorithm, by name or ISO 639 code ("english",
 * "en", "eng", "french", "fr", ...), UTF-8; "none" disables stemming. Words
 * without letters (numbers) and abbreviations are never stemmed. The forms
 * of words up to 64 bytes are cached per analyzer (up to 48K words in 64K
 * slots of 32 bytes, open addressing, no allocation per word; the table
 * starts at 2K slots and doubles as it fills, and at its largest the whole
 * cache is cleared when full, which costs little because news vocabulary is
 * Zipfian and the hot words come straight back: on 316 MB of Reuters text
 * 99% of lookups hit).
 *
 * Apostrophes. ' (U+0027), ’ (U+2019) and ʼ (U+02BC) are one character. A
 * possessive "'s" ending a word is dropped from both forms ("Zelenskyy’s"
 * -> "zelenskyy", "Wednesday's" -> "wednesday", and also "it's" -> "it");
 * the token's offsets still cover the whole written word. Any other
 * apostrophe between word characters stays in the word as the ASCII
 * apostrophe ("won’t" -> "won't", "O’Brien" -> "o'brien"); an apostrophe not
 * between word characters is a separator ("investors' money").
 *
 * Hyphenated compounds. Words joined by "-", U+2010 (hyphen), U+2011
 * (non-breaking hyphen) or U+2013 (en dash) are indexed as consecutive
 * primary tokens, one per part, plus one NS_TOK_ALT token at the position of
 * the first part whose offsets span the whole compound and whose term is the
 * stem of the joined word: "de-escalation" -> "de" [alt "deescal"] "escal";
 * "28-point" -> "28" [alt "28point"] "point"; "15-year" -> "15" [alt
 * "15year"] "year". So "deescalation" matches "de-escalation", "28 point"
 * matches "28-point", and a query "15-year" analyzes the same way. The
 * alternative is emitted right after the first part (after that part's own
 * alternative, if any). Compounds made only of numbers ("1990-2000") get no
 * joined alternative. Abbreviations contribute their letters without dots.
 *
 * Abbreviations. Single letters joined by dots ("U.S.", "U.S", "e.g.",
 * "J.R.R.") are one primary token whose term and exact form are the folded
 * letters joined by dots, without a trailing dot ("u.s"), flagged
 * NS_TOK_ACRONYM and never stemmed. A dot right after the last letter belongs
 * to the abbreviation (offsets include it): we do not try to tell whether it
 * also ends the sentence; so does a possessive "'s" after it ("U.K.'s" is
 * "u.k", as "UK's" is "uk"). An all-capitals ASCII word of 2 to 5 letters
 * ("US", "NATO", "EU", after dropping a possessive "'s") gives its normal
 * token plus an NS_TOK_ALT | NS_TOK_ACRONYM token with the dotted form
 * ("u.s", "n.a.t.o", "e.u"). By design, the queries `US` and `U.S.` find
 * "U.S." and "US" in text, while the lower-case query `us` (the pronoun)
 * does not match "U.S." text. All-capitals headline words ("THE") also get a
 * dotted alternative; it is harmless.
 *
 * Numbers. A word starting with ASCII digits keeps its separators when they
 * make one number:
 *  - decimal point between digits: "3.5", "2.0.1";
 *  - thousands comma before exactly three digits: "1,200" and "1,200,000"
 *    give "1200" and "1200000" (comma dropped, so "1200" matches);
 *  - colon before exactly two digits (clock times): "06:50", "06:50:44";
 *  - an ISO date YYYY-MM-DD: "2025-12-06" stays one token (with "-" also
 *    for the other hyphens).
 * Otherwise a hyphen after a number makes a compound ("15-year" above).
 * Currency and percent signs are separators: "$435 million" -> "435"
 * "million", "10%" -> "10". Words without letters are not stemmed.
 *
 * Length. Words longer than 4096 bytes are cut (at a character boundary)
 * before normalization; terms and exact forms longer than NS_TERM_MAX bytes
 * are cut at a UTF-8 character boundary, and each token so cut adds one to
 * stats.truncated. A word whose forms are empty after normalization (for
 * example a lone Hangul filler) yields no token.
 *
 * Positions. Primary tokens take consecutive positions from 0 in each call;
 * alternatives share the position of the primary before them. *npos is the
 * last position used plus one, 0 when there were no tokens.
 */
#include "analyzer.h"
#include "buf.h"
#include "utf8.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Bytes of one word that are normalized; the rest is dropped (documented). */
#define RAW_MAX 4096

/* Stem cache geometry: slots of 32 bytes, at most 3/4 full; short entries
 * live in the slot, longer ones in a byte pool. Both are allocated on first
 * use, small (8 KiB of slots, 4 KiB of pool: a query caches a few hundred
 * words, and every page of a larger table it touched would cost a page
 * fault; starting at 64 and 32 KiB cost a typical query 14 more), and
 * double as they fill, up to 64K slots (2 MiB, so the hot part
 * stays in the L2 cache) and a 1 MiB pool for the indexer. Everything is
 * cleared when either fills up at its largest. */
#define CACHE_SLOTS_MIN (1u << 8)
#define CACHE_SLOTS_MAX (1u << 16)
#define CACHE_POOL_MIN  (1u << 12)
#define CACHE_POOL_MAX  (1u << 20)
#define CACHE_KEY_MAX   64
#define CACHE_INLINE    24

/* ASCII classes. */
enum { A_WORD = 1, A_DIGIT = 2, A_UPPER = 4, A_LOWER = 8, A_NLETTER = 16 };
#define A_LETTER (A_UPPER | A_LOWER | A_NLETTER)

/* Kinds of character, as seen by the scanner. */
enum { K_SEP, K_WORD, K_APOS, K_HYPHEN, K_DOT, K_COMMA, K_COLON, K_IGNORE, K_INVALID };

/* Kinds of word. */
enum { W_PLAIN, W_NUMBER, W_ACRONYM };

typedef struct cache_slot {
    uint32_t hash;
    uint8_t klen, elen, tlen;
    uint8_t where; /* 0 empty, 1 key/exact/term in `inl`, 2 in the pool at `off` */
    union {
        char inl[CACHE_INLINE];
        uint32_t off;
    } u;
} cache_slot;

/* One word of a compound: its source span and its prepared form (ASCII
 * lower-cased, canonical joiners) in an->prep. */
typedef struct word {
    size_t start, end;
    size_t off, len;
    int kind;
    int ascii;      /* the prepared form is pure ASCII */
    int has_letter; /* contains a letter, so it is stemmed (unless acronym) */
    int caps;       /* 2..5 ASCII capitals: gets a dotted alternative */
} word;

/* A run of word characters. and_f and or_f combine the A_* classes of its
 * ASCII characters (A_NLETTER marks a non-ASCII letter, which also clears
 * and_f); ncp counts code points. */
typedef struct run {
    size_t end;
    uint32_t ncp;
    unsigned and_f, or_f;
    int nonascii;
} run;

/* One character, looked at without consuming it. */
typedef struct ch {
    int kind;
    size_t n; /* bytes */
    int letter;
} ch;

struct ns_analyzer {
    char lang[32];
    struct sb_stemmer *stemmer;
    int stem_stripped; /* english/porter: stem the accent-stripped form */
    ns_analyzer_stats st;
    int nomem; /* sticky: a buffer could not grow */

    ns_buf prep;  /* prepared forms of the words of the current compound */
    ns_buf alt;   /* prepared joined or dotted alternative */
    ns_buf ex;    /* exact form of a non-ASCII word */
    ns_buf tm;    /* term of a non-ASCII word */
    ns_buf strip; /* accent-stripped exact form, for english/porter */
    word *w;
    size_t nw, wcap;
    int32_t *u32;
    size_t u32cap;

    cache_slot *slots; /* no_slots until the first word is cached */
    char *pool;
    size_t nslots, pool_cap, pool_used, nent;

    /* ns_analyzer_set_interest: stem ASCII words only when their first byte
     * is marked (all marked when not set). */
    int interest_set;
    unsigned char interest[256];
};

/* ---------------------------------------------------------------- tables */

static unsigned char acls[256];  /* A_* classes; 0 for bytes >= 0x80 */
static unsigned char akind[128]; /* K_* kinds of ASCII characters */
static unsigned char lower[256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void tables_init(void)
{
    for (int c = 0; c < 256; c++) {
        lower[c] = (unsigned char)c;
    }
    for (int c = 'A'; c <= 'Z'; c++) {
        acls[c] = A_WORD | A_UPPER;
        lower[c] = (unsigned char)(c - 'A' + 'a');
    }
    for (int c = 'a'; c <= 'z'; c++) {
        acls[c] = A_WORD | A_LOWER;
    }
    for (int c = '0'; c <= '9'; c++) {
        acls[c] = A_WORD | A_DIGIT;
    }
    for (int c = 0; c < 128; c++) {
        akind[c] = (acls[c] & A_WORD) ? K_WORD : K_SEP;
    }
    akind['\''] = K_APOS;
    akind['-'] = K_HYPHEN;
    akind['.'] = K_DOT;
    akind[','] = K_COMMA;
    akind[':'] = K_COLON;
}

/* ---------------------------------------------------------------- buffers */

static int buf_reserve(ns_analyzer *an, ns_buf *b, size_t extra)
{
    if (b->cap - b->len > extra) return 0; /* the common case, inline */
    if (ns_buf_reserve(b, extra) != NS_OK) {
        an->nomem = 1;
        return -1;
    }
    return 0;
}

static int u32_reserve(ns_analyzer *an, size_t n)
{
    if (n <= an->u32cap) {
        return 0;
    }
    size_t cap = an->u32cap ? an->u32cap : 256;
    while (cap < n) {
        cap *= 2;
    }
    int32_t *p = realloc(an->u32, cap * sizeof *p);
    if (!p) {
        an->nomem = 1;
        return -1;
    }
    an->u32 = p;
    an->u32cap = cap;
    return 0;
}

/* ---------------------------------------------------------------- decoding */

/* Decode the non-ASCII sequence at s[i] (i < len). Returns its length and
 * sets *cp, or 0 when s[i] does not start a valid, shortest-form sequence. */
static size_t utf8_decode(const unsigned char *s, size_t i, size_t len, int32_t *cp)
{
    uint32_t v = 0;
    size_t n = ns_utf8_decode(s + i, len - i, &v);
    if (n) *cp = (int32_t)v;
    return n;
}

/* Classify the non-ASCII character at s[i] (i < len). */
static ch __attribute__((noinline)) peek_slow(const unsigned char *s, size_t i, size_t len)
{
    ch r = {K_SEP, 1, 0};
    int32_t cp;
    r.n = utf8_decode(s, i, len, &cp);
    if (r.n == 0) {
        r.kind = K_INVALID;
        r.n = 1;
        return r;
    }
    if (cp == 0x2019 || cp == 0x02BC) {
        r.kind = K_APOS;
        return r;
    }
    if (cp == 0x2010 || cp == 0x2011 || cp == 0x2013) {
        r.kind = K_HYPHEN;
        return r;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        r.kind = K_WORD;
        r.letter = 1;
        return r;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: r.kind = K_WORD; return r;
    default: break;
    }
    /* The zero-width space is ignorable for display but marks a word break. */
    if (cp != 0x200B && utf8proc_get_property(cp)->ignorable) {
        r.kind = K_IGNORE;
    }
    return r;
}

/* Classify the character at s[i]; i may be len (end of text: separator of
 * length 0). */
static inline ch peek(const unsigned char *s, size_t i, size_t len)
{
    ch r = {K_SEP, 0, 0};
    if (i >= len) {
        return r;
    }
    unsigned c = s[i];
    if (c >= 0x80) {
        return peek_slow(s, i, len);
    }
    r.kind = akind[c];
    r.n = 1;
    r.letter = (acls[c] & (A_UPPER | A_LOWER)) != 0;
    return r;
}

/* Scan the run of word characters starting at s[i] (a word character). */
static void scan_run(const unsigned char *s, size_t i, size_t len, run *r)
{
    unsigned and_f = ~0u, or_f = 0;
    uint32_t ncp = 0;
    int nonascii = 0;
    for (;;) {
        size_t a = i;
        unsigned f;
        while (i < len && ((f = acls[s[i]]) & A_WORD)) {
            and_f &= f;
            or_f |= f;
            i++;
        }
        ncp += (uint32_t)(i - a);
        if (i >= len || s[i] < 0x80) {
            break;
        }
        ch c = peek(s, i, len);
        if (c.kind == K_WORD) {
            ncp++;
            and_f = 0;
            or_f |= c.letter ? A_NLETTER : 0;
            nonascii = 1;
            i += c.n;
            continue;
        }
        if (c.kind == K_IGNORE && ncp > 0 && peek(s, i + c.n, len).kind == K_WORD) {
            nonascii = 1;
            i += c.n;
            continue;
        }
        break;
    }
    r->end = i;
    r->ncp = ncp;
    r->and_f = and_f;
    r->or_f = or_f;
    r->nonascii = nonascii;
}

static int run_all_digits(const run *r)
{
    return !r->nonascii && (r->and_f & A_DIGIT);
}

static int run_single_letter(const run *r)
{
    return r->ncp == 1 && (r->or_f & A_LETTER);
}

/* Append s[a..b) to an->prep, ASCII lower-cased. */
static int prep_append(ns_analyzer *an, const unsigned char *s, size_t a, size_t b)
{
    if (buf_reserve(an, &an->prep, b - a + 1) < 0) {
        return -1;
    }
    char *o = an->prep.data + an->prep.len;
    for (size_t k = a; k < b; k++) {
        *o++ = (char)lower[s[k]];
    }
    an->prep.len += b - a;
    return 0;
}

static int prep_byte(ns_analyzer *an, char c)
{
    if (buf_reserve(an, &an->prep, 1) < 0) {
        return -1;
    }
    an->prep.data[an->prep.len++] = c;
    return 0;
}

/* Length of s[0..n) cut to at most max bytes at a character boundary. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max) {
        return n;
    }
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) {
        k--;
    }
    return k;
}

static int is_ascii(const char *s, size_t n)
{
    unsigned char acc = 0;
    for (size_t k = 0; k < n; k++) {
        acc |= (unsigned char)s[k];
    }
    return acc < 0x80;
}

/* Try the single-letter-dot pattern at a single-letter run r0 starting at i.
 * Returns 1 and fills w when s[i..] is an abbreviation like "U.S.". */
static int scan_acronym(ns_analyzer *an, const unsigned char *s, size_t i, size_t len,
                        const run *r0, word *w)
{
    size_t j = r0->end;
    run r;
    if (j + 1 >= len || s[j] != '.' || peek(s, j + 1, len).kind != K_WORD) {
        return 0;
    }
    scan_run(s, j + 1, len, &r);
    if (!run_single_letter(&r)) {
        return 0;
    }
    int nonascii = r0->nonascii;
    if (prep_append(an, s, i, r0->end) < 0) {
        return -1;
    }
    for (;;) {
        /* s[j] is a dot, r the single letter after it. */
        nonascii |= r.nonascii;
        if (prep_byte(an, '.') < 0 || prep_append(an, s, j + 1, r.end) < 0) {
            return -1;
        }
        j = r.end;
        if (j < len && s[j] == '.' && peek(s, j + 1, len).kind == K_WORD) {
            run r2;
            scan_run(s, j + 1, len, &r2);
            if (run_single_letter(&r2)) {
                r = r2;
                continue;
            }
        }
        break;
    }
    if (j < len && s[j] == '.') {
        j++; /* the final dot belongs to the abbreviation */
    }
    /* A possessive "'s" after it ("U.K.'s") is dropped, as after a word. */
    ch a = peek(s, j, len);
    if (a.kind == K_APOS && j + a.n < len && (s[j + a.n] == 's' || s[j + a.n] == 'S') &&
        peek(s, j + a.n + 1, len).kind != K_WORD) {
        j += a.n + 1;
    }
    w->end = j;
    w->kind = W_ACRONYM;
    w->ascii = !nonascii;
    w->has_letter = 1;
    return 1;
}

/* Scan one word (no hyphens except inside a date) starting at s[i], a word
 * character. Appends its prepared form to an->prep. Returns -1 on NOMEM. */
static int scan_word(ns_analyzer *an, const unsigned char *s, size_t i, size_t len, word *w)
{
    run r;
    memset(w, 0, sizeof *w);
    w->start = i;
    w->off = an->prep.len;
    scan_run(s, i, len, &r);

    if (run_single_letter(&r)) {
        int rc = scan_acronym(an, s, i, len, &r, w);
        if (rc != 0) {
            w->len = an->prep.len - w->off;
            return rc < 0 ? -1 : 0;
        }
    }

    if (prep_append(an, s, i, r.end) < 0) {
        return -1;
    }
    int nonascii = r.nonascii;
    int has_letter = (r.or_f & A_LETTER) != 0;
    size_t j = r.end;
    run first = r;

    if (run_all_digits(&r)) {
        w->kind = W_NUMBER;
        /* ISO date YYYY-MM-DD. */
        ch h = peek(s, j, len);
        if (r.ncp == 4 && h.kind == K_HYPHEN) {
            run m, d;
            size_t a = j + h.n;
            if (peek(s, a, len).kind == K_WORD) {
                scan_run(s, a, len, &m);
                ch h2 = peek(s, m.end, len);
                if (m.ncp == 2 && run_all_digits(&m) && h2.kind == K_HYPHEN &&
                    peek(s, m.end + h2.n, len).kind == K_WORD) {
                    scan_run(s, m.end + h2.n, len, &d);
                    if (d.ncp == 2 && run_all_digits(&d)) {
                        if (prep_byte(an, '-') < 0 || prep_append(an, s, a, m.end) < 0 ||
                            prep_byte(an, '-') < 0 || prep_append(an, s, m.end + h2.n, d.end) < 0) {
                            return -1;
                        }
                        j = d.end;
                        goto apostrophes;
                    }
                }
            }
        }
        /* Decimal points, thousands commas, clock colons. */
        int sep = 0; /* the separator used so far: '.', ',' or ':' */
        uint32_t group = r.ncp;
        while (j + 1 < len) {
            unsigned c = s[j];
            if (c != '.' && c != ',' && c != ':') {
                break;
            }
            if (s[j + 1] >= 0x80 || !(acls[s[j + 1]] & A_DIGIT)) {
                break;
            }
            run n;
            scan_run(s, j + 1, len, &n);
            if (c == '.' && sep != ':') {
                if (prep_byte(an, '.') < 0 || prep_append(an, s, j + 1, n.end) < 0) {
                    return -1;
                }
                sep = '.';
                j = n.end;
                nonascii |= n.nonascii;
                if (!run_all_digits(&n)) {
                    has_letter |= (n.or_f & A_LETTER) != 0;
                    break;
                }
                continue;
            }
            if (c == ',' && (sep == 0 || sep == ',') && group <= 3 && n.ncp == 3 &&
                run_all_digits(&n)) {
                if (prep_append(an, s, j + 1, n.end) < 0) {
                    return -1;
                }
                sep = ',';
                group = 3;
                j = n.end;
                continue;
            }
            if (c == ':' && (sep == 0 || sep == ':') && group <= 2 && n.ncp == 2 &&
                run_all_digits(&n)) {
                if (prep_byte(an, ':') < 0 || prep_append(an, s, j + 1, n.end) < 0) {
                    return -1;
                }
                sep = ':';
                group = 2;
                j = n.end;
                continue;
            }
            break;
        }
    } else {
        w->kind = W_PLAIN;
    }

apostrophes:;
    /* Apostrophes between word characters, and the possessive "'s". */
    int napos = 0;
    int letter_before = has_letter; /* has_letter before the last run */
    run last = first;
    for (;;) {
        ch a = peek(s, j, len);
        if (a.kind != K_APOS || peek(s, j + a.n, len).kind != K_WORD) {
            break;
        }
        scan_run(s, j + a.n, len, &last);
        if (prep_byte(an, '\'') < 0 || prep_append(an, s, j + a.n, last.end) < 0) {
            return -1;
        }
        napos++;
        j = last.end;
        nonascii |= last.nonascii;
        letter_before = has_letter;
        has_letter |= (last.or_f & A_LETTER) != 0;
    }
    if (napos > 0) {
        const char *t = an->prep.data + an->prep.len;
        if (last.ncp == 1 && !last.nonascii && t[-1] == 's' && t[-2] == '\'') {
            an->prep.len -= 2;
            napos--;
            has_letter = letter_before;
        }
        if (napos > 0) {
            w->kind = W_PLAIN;
        }
    }

    w->end = j;
    w->len = an->prep.len - w->off;
    if (w->len > RAW_MAX) {
        w->len = utf8_cut(an->prep.data + w->off, w->len, RAW_MAX);
        an->prep.len = w->off + w->len;
    }
    w->ascii = !nonascii;
    w->has_letter = has_letter;
    w->caps = w->kind == W_PLAIN && napos == 0 && !first.nonascii && (first.and_f & A_UPPER) &&
              first.ncp >= 2 && first.ncp <= 5 && w->len == first.ncp;
    return 0;
}

/* ---------------------------------------------------------------- utf8proc */

/* Encode an->u32[0..n) as UTF-8 into b (replacing its content). */
static int encode_u32(ns_analyzer *an, size_t n, ns_buf *b)
{
    b->len = 0;
    if (buf_reserve(an, b, 4 * n + 1) < 0) {
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        b->len += (size_t)utf8proc_encode_char(an->u32[k], (utf8proc_uint8_t *)b->data + b->len);
    }
    return 0;
}

/* Decompose s[0..n) into an->u32 with `opts`; returns the count or -1. */
static utf8proc_ssize_t decompose(ns_analyzer *an, const char *s, size_t n, utf8proc_option_t opts)
{
    if (u32_reserve(an, n + 16) < 0) {
        return -1;
    }
    for (;;) {
        utf8proc_ssize_t r = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                                                an->u32, (utf8proc_ssize_t)an->u32cap, opts);
        if (r < 0) {
            return -2; /* cannot happen on valid UTF-8; callers fall back */
        }
        if ((size_t)r <= an->u32cap) {
            return r;
        }
        if (u32_reserve(an, (size_t)r) < 0) {
            return -1;
        }
    }
}

static int copy_to(ns_analyzer *an, ns_buf *b, const char *s, size_t n)
{
    b->len = 0;
    if (buf_reserve(an, b, n + 1) < 0) {
        return -1;
    }
    memcpy(b->data, s, n);
    b->len = n;
    return 0;
}

/* NFKC + full case folding + ignorables removed: the exact form. */
static int fold(ns_analyzer *an, const char *s, size_t n, ns_buf *out)
{
    utf8proc_ssize_t r = decompose(an, s, n,
                                   UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                                       UTF8PROC_IGNORE | UTF8PROC_CASEFOLD);
    if (r == -1) {
        return -1;
    }
    if (r < 0) {
        return copy_to(an, out, s, n);
    }
    r = utf8proc_normalize_utf32(an->u32, r, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    return encode_u32(an, (size_t)r, out);
}

static int is_cyrillic(int32_t cp)
{
    return (cp >= 0x0400 && cp <= 0x052F) || (cp >= 0x1C80 && cp <= 0x1C8F) ||
           (cp >= 0x2DE0 && cp <= 0x2DFF) || (cp >= 0xA640 && cp <= 0xA69F);
}

/* Accent stripping (see the rules at the top), NFC result in out. */
static int strip_accents(ns_analyzer *an, const char *s, size_t n, ns_buf *out)
{
    if (is_ascii(s, n)) {
        return copy_to(an, out, s, n);
    }
    utf8proc_ssize_t r = decompose(an, s, n, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
    if (r == -1) {
        return -1;
    }
    if (r < 0) {
        return copy_to(an, out, s, n);
    }
    size_t k = 0;
    int32_t base = 0;
    for (utf8proc_ssize_t m = 0; m < r; m++) {
        int32_t cp = an->u32[m];
        if (cp >= 0x0300 && cp <= 0x036F) {
            int drop = 1;
            if (is_cyrillic(base)) {
                drop = cp == 0x0300 || cp == 0x0301 ||
                       (cp == 0x0308 && (base == 0x0435 || base == 0x0415));
            }
            if (drop) {
                continue;
            }
        } else {
            base = cp;
        }
        an->u32[k++] = cp;
    }
    k = (size_t)utf8proc_normalize_utf32(an->u32, (utf8proc_ssize_t)k,
                                         UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    return encode_u32(an, k, out);
}

/* ---------------------------------------------------------------- cache */

/* The n < 8 bytes at s as a little-endian number (overlapping loads). */
static inline uint64_t load_tail(const char *s, size_t n)
{
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        return lo | (uint64_t)hi << (8 * (n - 4));
    }
    if (n >= 2) {
        uint16_t lo, hi;
        memcpy(&lo, s, 2);
        memcpy(&hi, s + n - 2, 2);
        return lo | (uint64_t)hi << (8 * (n - 2));
    }
    return n ? (unsigned char)s[0] : 0;
}

/* Keys are short: hash them 8 bytes at a time. */
static uint32_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = (h ^ v) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    h = (h ^ load_tail(s, n)) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 29;
    h *= 0xC4CEB9FE1A85EC53ull;
    return (uint32_t)(h >> 32);
}

static int key_equal(const char *a, const char *b, size_t n)
{
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) {
            return 0;
        }
    }
    return load_tail(a, n) == load_tail(b, n);
}

static const char *slot_data(const ns_analyzer *an, const cache_slot *c)
{
    return c->where == 1 ? c->u.inl : an->pool + c->u.off;
}

/* The table of an analyzer that has cached nothing yet: one empty slot, so
 * lookups need no special case. Only read; cache_make_room replaces it
 * before the first write. */
static cache_slot no_slots[1];

static const cache_slot *cache_find(const ns_analyzer *an, const char *key, size_t klen, uint32_t h,
                                    size_t *idx)
{
    size_t mask = an->nslots - 1, i = h & mask;
    while (an->slots[i].where) {
        const cache_slot *c = &an->slots[i];
        if (c->hash == h && c->klen == klen && key_equal(slot_data(an, c), key, klen)) {
            return c;
        }
        i = (i + 1) & mask;
    }
    *idx = i;
    return NULL;
}

/* The first empty slot on the probe sequence of hash h. */
static size_t cache_free_slot(const cache_slot *slots, size_t nslots, uint32_t h)
{
    size_t i = h & (nslots - 1);
    while (slots[i].where) {
        i = (i + 1) & (nslots - 1);
    }
    return i;
}

static void cache_clear(ns_analyzer *an)
{
    memset(an->slots, 0, an->nslots * sizeof *an->slots);
    an->nent = 0;
    an->pool_used = 0;
}

/* Make room for one more entry of `need` pool bytes (0: it fits in the
 * slot): allocate the cache on first use, double the table when 3/4 full
 * and the pool when short, and clear everything when either is full at its
 * largest (or cannot grow). *idx, the free slot cache_find gave for hash h,
 * is updated when the table changed. -1 when there is no cache (out of
 * memory: the word simply stays uncached). */
static int cache_make_room(ns_analyzer *an, uint32_t h, size_t need, size_t *idx)
{
    if (an->slots == no_slots) {
        cache_slot *slots = calloc(CACHE_SLOTS_MIN, sizeof *slots);
        if (!slots) {
            return -1;
        }
        an->slots = slots;
        an->nslots = CACHE_SLOTS_MIN;
        *idx = h & (CACHE_SLOTS_MIN - 1);
    }
    if (an->nent >= an->nslots / 4 * 3) {
        size_t n = an->nslots * 2;
        cache_slot *bigger = n <= CACHE_SLOTS_MAX ? calloc(n, sizeof *bigger) : NULL;
        if (bigger) {
            /* Rehash: entries keep their inline data and pool offsets. */
            for (size_t i = 0; i < an->nslots; i++) {
                if (an->slots[i].where) {
                    bigger[cache_free_slot(bigger, n, an->slots[i].hash)] = an->slots[i];
                }
            }
            free(an->slots);
            an->slots = bigger;
            an->nslots = n;
        } else {
            cache_clear(an);
        }
        *idx = cache_free_slot(an->slots, an->nslots, h);
    }
    if (need && an->pool_used + need > an->pool_cap) {
        size_t cap = an->pool_cap ? an->pool_cap * 2 : CACHE_POOL_MIN;
        char *p = cap <= CACHE_POOL_MAX ? realloc(an->pool, cap) : NULL;
        if (p) {
            an->pool = p;
            an->pool_cap = cap;
        } else if (!an->pool) {
            return -1;
        } else {
            cache_clear(an);
            *idx = h & (an->nslots - 1);
        }
    }
    return 0;
}

static void cache_put(ns_analyzer *an, size_t idx, uint32_t h, const char *key, size_t klen,
                      const char *ex, size_t elen, const char *tm, size_t tlen)
{
    if (klen > CACHE_KEY_MAX || elen > 255 || tlen > 255) {
        return;
    }
    size_t need = klen + elen + tlen;
    int inl = need <= CACHE_INLINE;
    if (cache_make_room(an, h, inl ? 0 : need, &idx) < 0) {
        return;
    }
    cache_slot *c = &an->slots[idx];
    char *d;
    c->hash = h;
    c->klen = (uint8_t)klen;
    c->elen = (uint8_t)elen;
    c->tlen = (uint8_t)tlen;
    if (inl) {
        c->where = 1;
        d = c->u.inl;
    } else {
        c->where = 2;
        c->u.off = (uint32_t)an->pool_used;
        d = an->pool + an->pool_used;
        an->pool_used += need;
    }
    memcpy(d, key, klen);
    if (elen) {
        memcpy(d + klen, ex, elen);
    }
    memcpy(d + klen + elen, tm, tlen);
    an->nent++;
}

/* ---------------------------------------------------------------- forms */

typedef struct forms {
    const char *term, *exact;
    size_t term_len, exact_len;
} forms;

static int stem(ns_analyzer *an, const char *s, size_t n, const char **out, size_t *olen)
{
    const sb_symbol *r = sb_stemmer_stem(an->stemmer, (const sb_symbol *)s, (int)n);
    if (!r) {
        an->nomem = 1;
        return -1;
    }
    *out = (const char *)r;
    *olen = (size_t)sb_stemmer_length(an->stemmer);
    return 0;
}

/* Compute the exact form and the term of the prepared word p[0..n), stemmed
 * if `stemmed`. The cache is used when `cache`: its keys must determine the
 * result, so abbreviations (letters, yet not stemmed) stay out of it. The
 * results stay valid until the next call. */
static int word_forms(ns_analyzer *an, const char *p, size_t n, int ascii, int stemmed, int cache,
                      forms *f)
{
    int use_stemmer = stemmed && an->stemmer;
    uint32_t h = 0;
    size_t idx = 0;
    int cacheable = cache && n <= CACHE_KEY_MAX;

    if (ascii) {
        f->exact = p;
        f->exact_len = n;
        if (use_stemmer && an->interest_set && n && !an->interest[(unsigned char)p[0]]) {
            /* The caller can't want this word's term (its stem would start
             * with the same letter): skip the stemmer, and the cache, which
             * holds true stems only. */
            f->term = p;
            f->term_len = n;
            return 0;
        }
        if (!use_stemmer) {
            f->term = p;
            f->term_len = n;
            return 0;
        }
        if (cacheable) {
            h = hash_bytes(p, n);
            const cache_slot *c = cache_find(an, p, n, h, &idx);
            if (c) {
                f->term = slot_data(an, c) + c->klen + c->elen;
                f->term_len = c->tlen;
                return 0;
            }
        }
        if (stem(an, p, n, &f->term, &f->term_len) < 0) {
            return -1;
        }
        if (!is_ascii(f->term, f->term_len)) {
            if (strip_accents(an, f->term, f->term_len, &an->tm) < 0) {
                return -1;
            }
            f->term = an->tm.data;
            f->term_len = an->tm.len;
        }
        if (cacheable) {
            cache_put(an, idx, h, p, n, NULL, 0, f->term, f->term_len);
        }
        return 0;
    }

    if (cacheable) {
        h = hash_bytes(p, n);
        const cache_slot *c = cache_find(an, p, n, h, &idx);
        if (c) {
            f->exact = slot_data(an, c) + c->klen;
            f->exact_len = c->elen;
            f->term = f->exact + c->elen;
            f->term_len = c->tlen;
            return 0;
        }
    }
    if (fold(an, p, n, &an->ex) < 0) {
        return -1;
    }
    f->exact = an->ex.data;
    f->exact_len = an->ex.len;
    if (!use_stemmer) {
        if (strip_accents(an, an->ex.data, an->ex.len, &an->tm) < 0) {
            return -1;
        }
        f->term = an->tm.data;
        f->term_len = an->tm.len;
    } else if (an->stem_stripped) {
        if (strip_accents(an, an->ex.data, an->ex.len, &an->strip) < 0 ||
            stem(an, an->strip.data, an->strip.len, &f->term, &f->term_len) < 0) {
            return -1;
        }
    } else {
        const char *st;
        size_t sl;
        if (stem(an, an->ex.data, an->ex.len, &st, &sl) < 0 ||
            strip_accents(an, st, sl, &an->tm) < 0) {
            return -1;
        }
        f->term = an->tm.data;
        f->term_len = an->tm.len;
    }
    if (cacheable) {
        cache_put(an, idx, h, p, n, f->exact, f->exact_len, f->term, f->term_len);
    }
    return 0;
}

/* ---------------------------------------------------------------- emitting */

typedef struct emitter {
    ns_analyzer *an;
    ns_token_fn fn;
    void *ctx;
    uint32_t pos;  /* position of the next primary token */
    uint32_t npos; /* last position used + 1 */
    int stop;
} emitter;

/* Emit one token. Returns 1 if emitted, 0 if skipped (empty forms). */
static int emit(emitter *e, const forms *f, size_t start, size_t end, uint32_t pos, unsigned flags)
{
    ns_token t;
    t.exact = f->exact;
    t.exact_len = utf8_cut(f->exact, f->exact_len, NS_TERM_MAX);
    t.term = f->term;
    t.term_len = utf8_cut(f->term, f->term_len, NS_TERM_MAX);
    if (t.term_len == 0) {
        t.term = t.exact;
        t.term_len = t.exact_len;
    }
    if (t.term_len == 0) {
        return 0;
    }
    if (t.exact_len == 0) {
        t.exact = t.term;
        t.exact_len = t.term_len;
    }
    if (t.term_len < f->term_len || t.exact_len < f->exact_len) {
        e->an->st.truncated++;
    }
    t.start = start;
    t.end = end;
    t.pos = pos;
    t.flags = flags;
    e->an->st.tokens++;
    if (pos + 1 > e->npos) {
        e->npos = pos + 1;
    }
    const ns_analyzer *an = e->an;
    if (an->interest_set && !an->interest[(unsigned char)t.term[0]] &&
        !an->interest[(unsigned char)t.exact[0]]) {
        return 1; /* the caller can't want it (ns_analyzer_set_interest) */
    }
    if (e->fn(e->ctx, &t) != 0) {
        e->stop = 1;
    }
    return 1;
}

/* The dotted form of an all-capitals word, "nato" -> "n.a.t.o". */
static int emit_dotted(emitter *e, const word *w, uint32_t pos)
{
    ns_analyzer *an = e->an;
    an->alt.len = 0;
    if (buf_reserve(an, &an->alt, 2 * w->len + 1) < 0) {
        return -1;
    }
    for (size_t k = 0; k < w->len; k++) {
        if (k) {
            an->alt.data[an->alt.len++] = '.';
        }
        an->alt.data[an->alt.len++] = an->prep.data[w->off + k];
    }
    forms f = {an->alt.data, an->alt.data, an->alt.len, an->alt.len};
    emit(e, &f, w->start, w->end, pos, NS_TOK_ALT | NS_TOK_ACRONYM);
    return 0;
}

/* The joined alternative of a compound of an->nw words. */
static int emit_joined(emitter *e, uint32_t pos)
{
    ns_analyzer *an = e->an;
    int ascii = 1, letter = 0;
    an->alt.len = 0;
    for (size_t k = 0; k < an->nw; k++) {
        const word *w = &an->w[k];
        ascii &= w->ascii;
        letter |= w->has_letter;
        if (buf_reserve(an, &an->alt, w->len + 1) < 0) {
            return -1;
        }
        const char *p = an->prep.data + w->off;
        for (size_t m = 0; m < w->len; m++) {
            if (w->kind != W_ACRONYM || p[m] != '.') {
                an->alt.data[an->alt.len++] = p[m];
            }
        }
        if (an->alt.len > RAW_MAX) {
            an->alt.len = utf8_cut(an->alt.data, an->alt.len, RAW_MAX);
            break;
        }
    }
    if (!letter) {
        return 0;
    }
    forms f;
    if (word_forms(an, an->alt.data, an->alt.len, ascii, 1, 1, &f) < 0) {
        return -1;
    }
    emit(e, &f, an->w[0].start, an->w[an->nw - 1].end, pos, NS_TOK_ALT);
    return 0;
}

static int emit_compound(emitter *e)
{
    ns_analyzer *an = e->an;
    for (size_t k = 0; k < an->nw && !e->stop; k++) {
        const word *w = &an->w[k];
        forms f;
        int stemmed = w->has_letter && w->kind != W_ACRONYM;
        if (word_forms(an, an->prep.data + w->off, w->len, w->ascii, stemmed, stemmed, &f) < 0) {
            return -1;
        }
        unsigned flags = w->kind == W_ACRONYM ? NS_TOK_ACRONYM : 0;
        if (!emit(e, &f, w->start, w->end, e->pos, flags)) {
            continue;
        }
        uint32_t pos = e->pos++;
        if (w->caps && !e->stop && emit_dotted(e, w, pos) < 0) {
            return -1;
        }
        if (k == 0 && an->nw > 1 && !e->stop && emit_joined(e, pos) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Scan a compound (words joined by hyphens) starting at s[i]; fills an->w.
 * Returns the end offset. */
static size_t scan_compound(ns_analyzer *an, const unsigned char *s, size_t i, size_t len)
{
    an->nw = 0;
    an->prep.len = 0;
    for (;;) {
        if (an->nw == an->wcap) {
            size_t cap = an->wcap ? 2 * an->wcap : 16;
            word *w = realloc(an->w, cap * sizeof *w);
            if (!w) {
                an->nomem = 1;
                return len;
            }
            an->w = w;
            an->wcap = cap;
        }
        word *w = &an->w[an->nw];
        if (scan_word(an, s, i, len, w) < 0) {
            return len;
        }
        an->nw++;
        i = w->end;
        ch h = peek(s, i, len);
        if (h.kind != K_HYPHEN || peek(s, i + h.n, len).kind != K_WORD) {
            return i;
        }
        i += h.n;
    }
}

/* A word the caller can't want, counted without being made
 * (ns_analyzer_set_interest): the ASCII word at s[i], whose first letter is
 * of no interest, when it is a plain word that scan_compound would take
 * alone: not followed by anything that could join it to more (a hyphen, an
 * apostrophe, a non-ASCII byte; a dot after a single letter, an
 * abbreviation; a dot, comma or colon after digits, a number). Then its one
 * token, and the dotted alternative of an all-capitals word, begin with that
 * letter, term and exact form alike (set_interest's stemmers keep a word's
 * first letter), and emit would drop them: only the position and the
 * statistics move, as emit_compound would move them. Returns the word's
 * end, or 0 when the word needs the whole analysis. */
static size_t skip_plain(emitter *e, const unsigned char *s, size_t i, size_t len)
{
    unsigned and_f = ~0u, f;
    size_t j = i;
    while (j < len && ((f = acls[s[j]]) & A_WORD)) {
        and_f &= f;
        j++;
    }
    if (j < len) {
        unsigned c = s[j];
        if (c >= 0x80 || c == '-' || c == '\'') return 0;
        if ((and_f & A_DIGIT) && (c == '.' || c == ',' || c == ':')) return 0;
        if (j - i == 1 && c == '.' && (and_f & (A_UPPER | A_LOWER))) return 0;
    }
    ns_analyzer *an = e->an;
    size_t n = j - i;
    an->st.tokens++;
    if (n > NS_TERM_MAX) an->st.truncated++;
    /* All capitals, 2 to 5 of them: the dotted alternative (emit_dotted). */
    if ((and_f & A_UPPER) && n >= 2 && n <= 5) an->st.tokens++;
    e->npos = ++e->pos;
    return j;
}

/* ---------------------------------------------------------------- API */

ns_status ns_analyze(ns_analyzer *an, const char *text, size_t len, ns_token_fn fn, void *ctx,
                     uint32_t *npos)
{
    const unsigned char *s = (const unsigned char *)text;
    emitter e = {an, fn, ctx, 0, 0, 0};
    size_t i = 0;

    if (npos) {
        *npos = 0;
    }
    an->nomem = 0;
    while (i < len && !e.stop) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (!(acls[c] & A_WORD)) {
                i++;
                continue;
            }
            if (an->interest_set && !an->interest[lower[c]]) {
                size_t end = skip_plain(&e, s, i, len);
                if (end) {
                    i = end;
                    continue;
                }
            }
        } else {
            ch k = peek(s, i, len);
            if (k.kind == K_INVALID) {
                an->st.invalid_bytes++;
                i++;
                continue;
            }
            if (k.kind != K_WORD) {
                i += k.n;
                continue;
            }
        }
        i = scan_compound(an, s, i, len);
        if (an->nomem || emit_compound(&e) < 0 || an->nomem) {
            return NS_ERR_NOMEM;
        }
    }
    if (npos) {
        *npos = e.npos;
    }
    return NS_OK;
}

/* ISO 639-1 and 639-2 codes accepted by libstemmer_c, with the canonical
 * names. Any other name libstemmer accepts still works (and is its own
 * canonical name). */
static const struct {
    const char *code, *name;
} lang_codes[] = {
    {"ar", "arabic"},     {"ara", "arabic"},     {"hy", "armenian"},   {"hye", "armenian"},
    {"arm", "armenian"},  {"eu", "basque"},      {"eus", "basque"},    {"baq", "basque"},
    {"ca", "catalan"},    {"cat", "catalan"},    {"da", "danish"},     {"dan", "danish"},
    {"nl", "dutch"},      {"nld", "dutch"},      {"dut", "dutch"},     {"en", "english"},
    {"eng", "english"},   {"fi", "finnish"},     {"fin", "finnish"},   {"fr", "french"},
    {"fra", "french"},    {"fre", "french"},     {"de", "german"},     {"deu", "german"},
    {"ger", "german"},    {"el", "greek"},       {"ell", "greek"},     {"gre", "greek"},
    {"hi", "hindi"},      {"hin", "hindi"},      {"hu", "hungarian"},  {"hun", "hungarian"},
    {"id", "indonesian"}, {"ind", "indonesian"}, {"ga", "irish"},      {"gle", "irish"},
    {"it", "italian"},    {"ita", "italian"},    {"lt", "lithuanian"}, {"lit", "lithuanian"},
    {"ne", "nepali"},     {"nep", "nepali"},     {"no", "norwegian"},  {"nor", "norwegian"},
    {"pt", "portuguese"}, {"por", "portuguese"}, {"ro", "romanian"},   {"ron", "romanian"},
    {"rum", "romanian"},  {"ru", "russian"},     {"rus", "russian"},   {"sr", "serbian"},
    {"srp", "serbian"},   {"es", "spanish"},     {"spa", "spanish"},   {"esl", "spanish"},
    {"sv", "swedish"},    {"swe", "swedish"},    {"ta", "tamil"},      {"tam", "tamil"},
    {"tr", "turkish"},    {"tur", "turkish"},    {"yi", "yiddish"},    {"yid", "yiddish"},
};

static char lang_list[1024];
static pthread_once_t lang_once = PTHREAD_ONCE_INIT;

static void lang_list_init(void)
{
    size_t n = 0;
    n += (size_t)snprintf(lang_list, sizeof lang_list, "none");
    for (const char **l = sb_stemmer_list(); *l && n < sizeof lang_list; l++) {
        n += (size_t)snprintf(lang_list + n, sizeof lang_list - n, " %s", *l);
    }
}

const char *ns_analyzer_languages(void)
{
    pthread_once(&lang_once, lang_list_init);
    return lang_list;
}

/* Snowball stemmers that only ever change the end of a word: for these a
 * stem starts with its word's first letter. */
static int suffix_only(const char *lang)
{
    static const char *const langs[] = {"english", "porter",    "danish",     "dutch",
                                        "finnish", "french",    "german",     "hungarian",
                                        "italian", "norwegian", "portuguese", "romanian",
                                        "russian", "spanish",   "swedish"};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        if (strcmp(lang, langs[i]) == 0) return 1;
    }
    return 0;
}

size_t ns_word_chars(const char *s, size_t n)
{
    pthread_once(&tables_once, tables_init);
    const unsigned char *u = (const unsigned char *)s;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        ch c = peek(u, i, n);
        k += c.kind == K_WORD;
        i += c.n ? c.n : 1;
    }
    return k;
}

/* The digits at s[i..len): how many, counting to max + 1 at most (more
 * than max shows as max + 1). */
static size_t digits_at(const char *s, size_t i, size_t len, size_t max)
{
    size_t n = 0;
    while (i + n < len && n <= max && s[i + n] >= '0' && s[i + n] <= '9')
        n++;
    return n;
}

/* The hyphen at s[i] ('-', U+2010, U+2011, U+2013: K_HYPHEN): its length,
 * 0 when there is none. */
static size_t hyphen_at(const char *s, size_t i, size_t len)
{
    if (i < len && s[i] == '-') return 1;
    if (i + 3 <= len && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0x90 || (unsigned char)s[i + 2] == 0x91 ||
         (unsigned char)s[i + 2] == 0x93))
        return 3;
    return 0;
}

size_t ns_number_start(const char *in, size_t inlen, char *out, size_t cap)
{
    /* Hyphens as the analyzer writes them in a date: '-'. */
    char s[NS_TERM_MAX + 1];
    size_t len = 0;
    for (size_t i = 0; i < inlen; len++) {
        if (len == sizeof s) return 0;
        size_t h = hyphen_at(in, i, inlen);
        s[len] = h ? '-' : in[i];
        i += h ? h : 1;
    }
    if (cap <= len) return 0;
    size_t d0 = digits_at(s, 0, len, 4), i = d0;
    if (d0 == 0 || i == len) return 0;
    if (s[i] == '-') { /* an ISO date cut short: YYYY-M(M), YYYY-MM-(D) */
        size_t m = digits_at(s, i + 1, len, 2);
        if (d0 != 4 || m == 0 || m > 2) return 0;
        i += 1 + m;
        if (i < len) {
            size_t d = digits_at(s, i + 1, len, 2);
            if (m != 2 || s[i] != '-' || d > 1 || i + 1 + d != len) return 0;
        }
        memcpy(out, s, len);
        out[len] = '\0';
        return len;
    }
    /* Thousands commas (dropped) or clock colons (kept), the last group
     * cut short. */
    char sep = s[i];
    size_t group;
    if (sep == ',' && d0 <= 3)
        group = 3;
    else if (sep == ':' && d0 <= 2)
        group = 2;
    else
        return 0;
    memcpy(out, s, d0);
    size_t o = d0;
    for (;;) {
        if (i == len) return 0; /* every group whole: one word already */
        size_t g = digits_at(s, i + 1, len, group);
        if (s[i] != sep || g == 0 || g > group) return 0;
        if (sep == ':') out[o++] = ':';
        memcpy(out + o, s + i + 1, g);
        o += g;
        i += 1 + g;
        if (g < group) break;
    }
    if (i != len) return 0;
    out[o] = '\0';
    return o;
}

int ns_number_parts(const char *s, size_t len, char *out)
{
    char start[NS_TERM_MAX + 1];
    if (len < 2 || !ns_number_start(s, len - 1, start, sizeof start)) return 0;
    for (size_t i = 0; i < len;) {
        size_t h = hyphen_at(s, i, len);
        if (h || s[i] == ',' || s[i] == ':') {
            memset(out + i, ' ', h ? h : 1);
            i += h ? h : 1;
        } else {
            out[i] = s[i];
            i++;
        }
    }
    return 1;
}

int ns_analyzer_keeps_first(const ns_analyzer *an)
{
    return !an->stemmer || suffix_only(an->lang);
}

int ns_analyzer_set_interest(ns_analyzer *an, const unsigned char *first, size_t n)
{
    if (!first) {
        an->interest_set = 0;
        return 1;
    }
    if (!an->stemmer || !suffix_only(an->lang)) return 0;
    memset(an->interest, 0, sizeof an->interest);
    for (size_t i = 0; i < n; i++)
        an->interest[first[i]] = 1;
    an->interest_set = 1;
    return 1;
}

ns_status ns_analyzer_new(const char *lang, ns_analyzer **out, ns_error *err)
{
    char name[32];
    const char *canon = NULL;

    *out = NULL;
    pthread_once(&tables_once, tables_init);
    if (!lang || strlen(lang) >= sizeof name || !*lang) {
        return ns_error_set(err, NS_ERR_INVALID, "unknown language \"%s\"; known: %s",
                            lang ? lang : "(null)", ns_analyzer_languages());
    }
    size_t n = 0;
    for (; lang[n]; n++) {
        unsigned char c = (unsigned char)lang[n];
        name[n] = (char)(c < 0x80 ? lower[c] : c);
    }
    name[n] = '\0';

    if (strcmp(name, "none") == 0) {
        canon = "none";
    }
    for (const char **l = sb_stemmer_list(); !canon && *l; l++) {
        if (strcmp(*l, name) == 0) {
            canon = *l;
        }
    }
    for (size_t k = 0; !canon && k < sizeof lang_codes / sizeof lang_codes[0]; k++) {
        if (strcmp(lang_codes[k].code, name) == 0) {
            canon = lang_codes[k].name;
        }
    }

    ns_analyzer *an = calloc(1, sizeof *an);
    if (!an) {
        return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
    }
    if (strcmp(name, "none") != 0) {
        an->stemmer = sb_stemmer_new(canon ? canon : name, "UTF_8");
        if (!an->stemmer) {
            free(an);
            if (canon) {
                return ns_error_set(err, NS_ERR_NOMEM, "out of memory");
            }
            return ns_error_set(err, NS_ERR_INVALID, "unknown language \"%s\"; known: %s", lang,
                                ns_analyzer_languages());
        }
        if (!canon) {
            canon = name; /* an alias libstemmer knows and we do not */
        }
    }
    snprintf(an->lang, sizeof an->lang, "%s", canon);
    an->stem_stripped = strcmp(an->lang, "english") == 0 || strcmp(an->lang, "porter") == 0;
    an->slots = no_slots;
    an->nslots = 1;
    *out = an;
    return NS_OK;
}

void ns_analyzer_free(ns_analyzer *an)
{
    if (!an) {
        return;
    }
    sb_stemmer_delete(an->stemmer);
    ns_buf_free(&an->prep);
    ns_buf_free(&an->alt);
    ns_buf_free(&an->ex);
    ns_buf_free(&an->tm);
    ns_buf_free(&an->strip);
    free(an->w);
    free(an->u32);
    if (an->slots != no_slots) {
        free(an->slots);
    }
    free(an->pool);
    free(an);
}

const char *ns_analyzer_lang(const ns_analyzer *an)
{
    return an->lang;
}

ns_analyzer_stats ns_analyzer_get_stats(const ns_analyzer *an)
{
    return an->st;
}
