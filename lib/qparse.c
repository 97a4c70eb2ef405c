/* qparse.c: the query language (doc/query-syntax.md), parsed into a tree.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Three passes, each simple on its own:
 *
 *  1. lex()     bytes to tokens. Checks the length and the UTF-8, splits words
 *               at spaces, quotes and parentheses, reads phrases, operators,
 *               NEAR/n, fields, the `-` and `=` prefixes, trailing `*`, and
 *               whole date values (date:, since:, until:), which become one
 *               token holding the resolved range.
 *  2. repair()  the lenient part: drops dangling AND/OR/NOT/-, stray `)`,
 *               empty `()` and `""`, and closes unclosed `(`, each with a
 *               warning, so that the parser sees a well-formed stream except
 *               for the mistakes that are refused (NEAR without two
 *               operands, double negation, a too deep nesting).
 *  3. parse_*() recursive descent by precedence (AND < OR < NEAR < NOT/-),
 *               flattening same-kind nodes as they are built; then
 *               check_tree() refuses what the searcher cannot run (a
 *               negation under OR or NEAR, a query that only excludes, a
 *               date filter inside OR) and merge_dates() intersects the date
 *               filters into one node.
 *
 * Errors are sticky: the first one found is kept in the parser and every
 * helper returns early once it is set, so long sequences check once. Warnings
 * are collected and delivered in column order, only when the parse succeeds.
 * All positions are byte offsets; columns are offsets + 1.
 */
#include "qparse.h"
#include "analyzer.h"
#include "buf.h"
#include "dates.h"
#include "utf8.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Warnings delivered per query; the rest are summed up in one more. */
#define MAX_WARNINGS 20
/* Relative dates: at most this many units back (1000000 years fits int64). */
#define MAX_RELATIVE 1000000

/* ------------------------------------------------------------ tokens */

typedef enum tok_kind {
    T_END,
    T_WORD,
    T_EXACT,
    T_WILDCARD,
    T_PHRASE,
    T_DATE,
    T_EMPTY, /* "" : dropped by repair() with a warning */
    T_LPAREN,
    T_RPAREN,
    T_AND,
    T_OR,
    T_NOT,   /* the word NOT */
    T_MINUS, /* a leading '-' */
    T_NEAR,
    T_FIELD /* title: or source: directly followed by its value */
} tok_kind;

typedef struct tok {
    tok_kind kind;
    size_t off;      /* first byte of the token */
    size_t text_off; /* leaves: the text; operators: the operator as typed */
    size_t text_len;
    ns_qfield field; /* T_FIELD */
    unsigned window; /* T_NEAR */
    int64_t lo, hi;  /* T_DATE */
} tok;

typedef struct tokvec {
    tok *v;
    size_t n, cap;
} tokvec;

typedef struct warning {
    size_t column;
    size_t seq; /* order of discovery, to keep the sort stable */
    char msg[240];
} warning;

typedef struct parser {
    const char *q;
    size_t len;
    int64_t now;
    ns_error *err;
    ns_status rc; /* sticky: the first failure */
    tokvec lexed;
    tokvec toks; /* after repair() */
    size_t pos;  /* parser position in toks */
    size_t nleaves;
    warning *warns;
    size_t nwarns, capwarns;
} parser;

/* ------------------------------------------------------------ errors */

static void failv(parser *p, ns_status st, size_t off, const char *fmt, va_list ap)
{
    if (p->rc != NS_OK) return;
    char buf[sizeof p->err->msg];
    vsnprintf(buf, sizeof buf, fmt, ap);
    p->rc = st;
    if (p->err) {
        ns_error_set(p->err, st, "%s", buf);
        p->err->column = off + 1;
    }
}

/* Refuse the query: `off` is the byte offset the message is about. */
static void fail(parser *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(parser *p, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(p, NS_ERR_QUERY, off, fmt, ap);
    va_end(ap);
}

static void fail_limit(parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_limit(parser *p, size_t off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(p, NS_ERR_LIMIT, off, fmt, ap);
    va_end(ap);
}

static void fail_nomem(parser *p)
{
    if (p->rc != NS_OK) return;
    p->rc = ns_error_set(p->err, NS_ERR_NOMEM, "out of memory");
}

/* Note a lenient reading; delivered later, sorted by column. */
static void warn(parser *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(parser *p, size_t off, const char *fmt, ...)
{
    if (p->rc != NS_OK) return;
    if (p->nwarns == p->capwarns) {
        size_t cap = p->capwarns ? p->capwarns * 2 : 8;
        warning *w = realloc(p->warns, cap * sizeof *w);
        if (!w) {
            fail_nomem(p);
            return;
        }
        p->warns = w;
        p->capwarns = cap;
    }
    warning *w = &p->warns[p->nwarns];
    w->column = off + 1;
    w->seq = p->nwarns++;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
}

static int cmp_warning(const void *a, const void *b)
{
    const warning *x = a, *y = b;
    if (x->column != y->column) return x->column < y->column ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void deliver_warnings(parser *p, const ns_qparse_opts *opts)
{
    if (!opts || !opts->warn || p->nwarns == 0) return;
    qsort(p->warns, p->nwarns, sizeof *p->warns, cmp_warning);
    size_t n = p->nwarns < MAX_WARNINGS ? p->nwarns : MAX_WARNINGS;
    for (size_t i = 0; i < n; i++)
        opts->warn(opts->warn_ctx, p->warns[i].column, p->warns[i].msg);
    if (p->nwarns > n) {
        char msg[96];
        snprintf(msg, sizeof msg, "%zu more warnings not shown", p->nwarns - n);
        opts->warn(opts->warn_ctx, p->warns[n].column, msg);
    }
}

/* Copy q[off..off+n) into buf for a message: at most `max` bytes, cut at a
 * character boundary (the query is valid UTF-8 by then), "..." if cut. */
static const char *excerpt(const parser *p, size_t off, size_t n, char *buf, size_t size)
{
    size_t max = size - 4;
    size_t k = n;
    if (k > max) {
        k = max;
        while (k > 0 && ((unsigned char)p->q[off + k] & 0xC0) == 0x80)
            k--;
    }
    memcpy(buf, p->q + off, k);
    if (k < n) {
        memcpy(buf + k, "...", 4);
    } else {
        buf[k] = '\0';
    }
    return buf;
}

/* ------------------------------------------------------------ characters */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one
 * (truncated, overlong, a surrogate, above U+10FFFF, a stray continuation). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    return ns_utf8_decode(s, n, NULL);
}

static bool at(const parser *p, size_t i, const char *bytes, size_t n)
{
    return i + n <= p->len && memcmp(p->q + i, bytes, n) == 0;
}

/* Bytes of the separator at q[i], or 0: ASCII space and control characters,
 * and the Unicode spaces phones and word processors insert (no-break,
 * en/em/thin, ideographic, zero-width, byte order mark). */
static size_t space_len(const parser *p, size_t i)
{
    unsigned char c = (unsigned char)p->q[i];
    if (c <= 0x20 || c == 0x7F) return 1;
    if (c == 0xC2 && i + 1 < p->len) {
        unsigned char d = (unsigned char)p->q[i + 1];
        return d == 0xA0 || d == 0x85 ? 2 : 0;
    }
    if (c < 0xE1 || c > 0xEF || i + 2 >= p->len) return 0;
    unsigned char d = (unsigned char)p->q[i + 1], e = (unsigned char)p->q[i + 2];
    if (c == 0xE2 && d == 0x80 && (e <= 0x8B || e == 0xA8 || e == 0xA9 || e == 0xAF)) return 3;
    if (c == 0xE2 && d == 0x81 && e == 0x9F) return 3; /* U+205F */
    if (c == 0xE1 && d == 0x9A && e == 0x80) return 3; /* U+1680 */
    if (c == 0xE3 && d == 0x80 && e == 0x80) return 3; /* U+3000 */
    if (c == 0xEF && d == 0xBB && e == 0xBF) return 3; /* U+FEFF */
    return 0;
}

/* Bytes of the phrase quote at q[i] (" or the curly “ ”), or 0. */
static size_t quote_len(const parser *p, size_t i)
{
    if (p->q[i] == '"') return 1;
    if (at(p, i, "\xE2\x80\x9C", 3) || at(p, i, "\xE2\x80\x9D", 3)) return 3;
    return 0;
}

/* Does a phrase or a group start at q[i]? */
static bool opener_at(const parser *p, size_t i)
{
    return i < p->len && (p->q[i] == '(' || quote_len(p, i) > 0);
}

/* End of the word starting at q[i]: the next space, quote or parenthesis. */
static size_t word_end(const parser *p, size_t i)
{
    while (i < p->len && p->q[i] != '(' && p->q[i] != ')' && !space_len(p, i) && !quote_len(p, i))
        i++;
    return i;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool same_name(const char *s, size_t n, const char *name)
{
    if (strlen(name) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != name[i]) return false;
    }
    return true;
}

/* ------------------------------------------------------------ dates */

typedef enum datefield { DF_DATE, DF_SINCE, DF_UNTIL } datefield;

static const char *const datefield_name[] = {"date", "since", "until"};

static unsigned days_in_month(int y, unsigned m)
{
    static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* Read 1 or 2 digits at s[*i]; -1 if there are none or more than 2. */
static int read_small(const char *s, size_t n, size_t *i)
{
    size_t k = *i;
    int v = 0;
    while (k < n && is_digit(s[k]) && k - *i < 3)
        v = v * 10 + (s[k++] - '0');
    if (k == *i || k - *i > 2) return -1;
    *i = k;
    return v;
}

/* Read the calendar date YYYY, YYYY-MM or YYYY-MM-DD at q[off..off+n) into
 * the first and last second it covers. Fails the parse if it is not one. */
static bool read_date(parser *p, datefield df, size_t off, size_t n, int64_t *first, int64_t *last)
{
    const char *s = p->q + off;
    char ex[48];
    size_t i = 0;
    int y = 0, m = 0, d = 0, parts = 1;
    while (i < n && i < 4 && is_digit(s[i]))
        y = y * 10 + (s[i++] - '0');
    bool ok = i == 4;
    if (ok && i < n) {
        parts++;
        ok = s[i++] == '-' && (m = read_small(s, n, &i)) >= 0;
        if (ok && i < n) {
            parts++;
            ok = s[i++] == '-' && (d = read_small(s, n, &i)) >= 0 && i == n;
        }
    }
    if (!ok) {
        fail(p, off, "%s:%s is not a date: write YYYY, YYYY-MM or YYYY-MM-DD%s", datefield_name[df],
             excerpt(p, off, n, ex, sizeof ex),
             df == DF_DATE ? ", or a range such as 2025-12-01..2025-12-31"
                           : ", or a time back from now such as 7d");
        return false;
    }
    if (y < 1) {
        fail(p, off, "%s:%s: the year must be 0001 to 9999", datefield_name[df],
             excerpt(p, off, n, ex, sizeof ex));
        return false;
    }
    if (parts >= 2 && (m < 1 || m > 12)) {
        fail(p, off, "%s:%s: there is no month %d (months are 1 to 12)", datefield_name[df],
             excerpt(p, off, n, ex, sizeof ex), m);
        return false;
    }
    if (parts == 3 && (d < 1 || (unsigned)d > days_in_month(y, (unsigned)m))) {
        fail(p, off, "%s:%s: %04d-%02d has no day %d", datefield_name[df],
             excerpt(p, off, n, ex, sizeof ex), y, m, d);
        return false;
    }
    int64_t start, next;
    if (parts == 1) {
        start = ns_days_from_civil(y, 1, 1);
        next = ns_days_from_civil(y + 1, 1, 1);
    } else if (parts == 2) {
        start = ns_days_from_civil(y, (unsigned)m, 1);
        next =
            m == 12 ? ns_days_from_civil(y + 1, 1, 1) : ns_days_from_civil(y, (unsigned)m + 1, 1);
    } else {
        start = ns_days_from_civil(y, (unsigned)m, (unsigned)d);
        next = start + 1;
    }
    *first = start * 86400;
    *last = next * 86400 - 1;
    return true;
}

/* Is q[off..off+n) a relative time (digits and one unit letter)? Reads it
 * into seconds; fails the parse for a bad unit or number. Returns false
 * without failing when it does not look like one. */
static bool read_relative(parser *p, datefield df, size_t off, size_t n, int64_t *secs)
{
    const char *s = p->q + off;
    if (n < 2 || !is_alpha(s[n - 1])) return false;
    for (size_t i = 0; i < n - 1; i++) {
        if (!is_digit(s[i])) return false;
    }
    int64_t unit;
    switch (s[n - 1]) {
    case 'h':
    case 'H': unit = 3600; break;
    case 'd':
    case 'D': unit = 86400; break;
    case 'w':
    case 'W': unit = 7 * 86400; break;
    case 'm':
    case 'M': unit = 30 * 86400; break;
    case 'y':
    case 'Y': unit = 365 * 86400; break;
    default:
        fail(p, off + n - 1,
             "%s: unknown unit '%c': use h (hours), d (days), w (weeks), "
             "m (months of 30 days) or y (years of 365 days)",
             datefield_name[df], s[n - 1]);
        return false;
    }
    int64_t v = 0;
    for (size_t i = 0; i < n - 1; i++) {
        v = v * 10 + (s[i] - '0');
        if (v > MAX_RELATIVE) break;
    }
    if (v < 1 || v > MAX_RELATIVE) {
        fail(p, off, "%s: the number of %c must be 1 to %d", datefield_name[df], s[n - 1],
             MAX_RELATIVE);
        return false;
    }
    *secs = v * unit;
    return true;
}

/* Does s[0..n) look like a relative time: digits, then one letter? */
static bool looks_relative(const char *s, size_t n)
{
    if (n < 2 || !is_alpha(s[n - 1])) return false;
    for (size_t i = 0; i < n - 1; i++) {
        if (!is_digit(s[i])) return false;
    }
    return true;
}

static int64_t back_from(int64_t now, int64_t secs)
{
    return now < INT64_MIN + secs ? INT64_MIN : now - secs;
}

/* The value of date:/since:/until: at q[off..end) into [*lo, *hi]. */
static bool read_date_value(parser *p, datefield df, size_t off, size_t end, int64_t *lo,
                            int64_t *hi)
{
    const char *s = p->q + off;
    size_t n = end - off;
    char ex[48];
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '.' && s[i + 1] == '.') {
            dots = s + i;
            break;
        }
    }
    if (dots) {
        size_t a = (size_t)(dots - s), b = off + a + 2;
        if (df != DF_DATE) {
            /* Advice that parses whatever the ends are: date:A..B takes
             * calendar dates only, since:A until:B also times back from now
             * (since:7d until:1d). */
            char ea[48], eb[48];
            size_t nb = end - b;
            if (a > 0 && nb > 0)
                fail(p, off, "%s: takes one date, not a range: write since:%s until:%s",
                     datefield_name[df], excerpt(p, off, a, ea, sizeof ea),
                     excerpt(p, b, nb, eb, sizeof eb));
            else if (a > 0 || nb > 0)
                fail(p, off, "%s: takes one date, not a range: write %s:%s", datefield_name[df],
                     a > 0 ? "since" : "until",
                     a > 0 ? excerpt(p, off, a, ea, sizeof ea) : excerpt(p, b, nb, eb, sizeof eb));
            else
                fail(p, off, "%s: takes one date, as in %s:2025-12-01 or %s:7d", datefield_name[df],
                     datefield_name[df], datefield_name[df]);
            return false;
        }
        if (a == 0 && b == end) {
            fail(p, off, "date:.. needs a date on at least one side, as in date:2025-12-01..");
            return false;
        }
        /* A range's ends are calendar dates; a time back from now (7d)
         * there gets the advice that works. */
        size_t bad = looks_relative(s, a) ? off : looks_relative(p->q + b, end - b) ? b : 0;
        if (bad) {
            char ea[48], eb[48];
            if (a > 0 && b < end)
                fail(p, bad,
                     "date:%s: the ends of a range are calendar dates (YYYY, YYYY-MM or "
                     "YYYY-MM-DD); for times back from now write since:%s until:%s",
                     excerpt(p, off, n, ex, sizeof ex), excerpt(p, off, a, ea, sizeof ea),
                     excerpt(p, b, end - b, eb, sizeof eb));
            else
                fail(p, bad,
                     "date:%s: the ends of a range are calendar dates (YYYY, YYYY-MM or "
                     "YYYY-MM-DD); for a time back from now write %s:%s",
                     excerpt(p, off, n, ex, sizeof ex), a > 0 ? "since" : "until",
                     a > 0 ? excerpt(p, off, a, ea, sizeof ea)
                           : excerpt(p, b, end - b, eb, sizeof eb));
            return false;
        }
        int64_t ignore;
        *lo = INT64_MIN;
        *hi = INT64_MAX;
        if (a > 0 && !read_date(p, df, off, a, lo, &ignore)) return false;
        if (b < end && !read_date(p, df, b, end - b, &ignore, hi)) return false;
        if (*lo > *hi) {
            fail(p, off, "date:%s: the range ends before it starts",
                 excerpt(p, off, n, ex, sizeof ex));
            return false;
        }
        return true;
    }
    int64_t secs;
    if (read_relative(p, df, off, n, &secs)) {
        if (df == DF_UNTIL) {
            *lo = INT64_MIN;
            *hi = back_from(p->now, secs);
        } else {
            *lo = back_from(p->now, secs);
            *hi = INT64_MAX;
        }
        return true;
    }
    if (p->rc != NS_OK) return false;
    int64_t first, last;
    if (!read_date(p, df, off, n, &first, &last)) return false;
    *lo = df == DF_UNTIL ? INT64_MIN : first;
    *hi = df == DF_SINCE ? INT64_MAX : last;
    return true;
}

/* ------------------------------------------------------------ pass 1: lex */

static tok *push_tok(parser *p, tokvec *tv, tok_kind kind, size_t off, size_t text_off,
                     size_t text_len)
{
    if (p->rc != NS_OK) return NULL;
    if (tv->n == tv->cap) {
        size_t cap = tv->cap ? tv->cap * 2 : 32;
        tok *v = realloc(tv->v, cap * sizeof *v);
        if (!v) {
            fail_nomem(p);
            return NULL;
        }
        tv->v = v;
        tv->cap = cap;
    }
    tok *t = &tv->v[tv->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->off = off;
    t->text_off = text_off;
    t->text_len = text_len;
    return t;
}

/* Append a copy of `t` to the repaired stream. */
static void push_copy(parser *p, const tok *t)
{
    tok *c = push_tok(p, &p->toks, t->kind, t->off, t->text_off, t->text_len);
    if (c) *c = *t;
}

/* How the next word is read: operators are only recognized at the start of
 * a term, and a field's value is never another field or a negation. */
typedef enum lex_mode { LM_NORMAL, LM_AFTER_MINUS, LM_AFTER_FIELD } lex_mode;

/* A phrase starting at the quote at q[i]; returns the offset after it. */
static size_t lex_phrase(parser *p, size_t i)
{
    size_t open = quote_len(p, i), j = i + open;
    while (j < p->len && !quote_len(p, j))
        j++;
    size_t text = i + open, text_end = j, end = j;
    bool blank = true;
    for (size_t k = text; k < text_end && blank;) {
        size_t sp = space_len(p, k);
        blank = sp > 0;
        k += sp;
    }
    if (j >= p->len) {
        if (blank) {
            warn(p, i, "a lone quote; ignored");
            return p->len;
        }
        warn(p, i, "unclosed quote: the phrase runs to the end of the query");
    } else {
        end = j + quote_len(p, j);
    }
    push_tok(p, &p->lexed, blank ? T_EMPTY : T_PHRASE, i, text, text_end - text);
    return end;
}

static bool is_operator(const char *r, size_t n)
{
    return (n == 3 && memcmp(r, "AND", 3) == 0) || (n == 2 && memcmp(r, "OR", 2) == 0) ||
           (n == 3 && memcmp(r, "NOT", 3) == 0) || (n == 4 && memcmp(r, "NEAR", 4) == 0) ||
           (n > 4 && memcmp(r, "NEAR/", 5) == 0);
}

/* The field name q[s..s+k] (colon included) of the word q[s..e): either a
 * text field (`field`) or, when df >= 0, a date field. Its value follows
 * the colon directly; after a space, the next term is taken with a warning.
 * Returns where lexing goes on. */
static size_t lex_field(parser *p, size_t s, size_t k, size_t e, ns_qfield field, int df,
                        lex_mode *next)
{
    const char *r = p->q + s;
    size_t v = s + k + 1;
    bool spaced = false;
    if (v == e && !opener_at(p, e)) {
        /* "title: word": take the next term if there is one. */
        size_t j = e, sp;
        while (j < p->len && (sp = space_len(p, j)) > 0)
            j += sp;
        bool term = j < p->len && p->q[j] != ')' && (df < 0 || !opener_at(p, j)) &&
                    (opener_at(p, j) || !is_operator(p->q + j, word_end(p, j) - j));
        if (term && j > e) {
            warn(p, s, "a space after '%.*s'; the next term is taken as its value", (int)k + 1, r);
            spaced = true;
            v = j;
            e = df >= 0 ? word_end(p, j) : j;
        }
    }
    if (df < 0) {
        if (spaced || v < e || opener_at(p, e)) {
            tok *t = push_tok(p, &p->lexed, T_FIELD, s, s, k + 1);
            if (t) t->field = field;
            *next = LM_AFTER_FIELD;
            return v;
        }
        warn(p, s,
             "'%.*s' with nothing after it is searched as a word; "
             "write %.*sword or %.*s\"some words\"",
             (int)k + 1, r, (int)k + 1, r, (int)k + 1, r);
        push_tok(p, &p->lexed, T_WORD, s, s, e - s);
        return e;
    }
    static const char *const example[] = {"date:2025-12-06", "since:7d", "until:2025-12-31"};
    if (v == e) {
        fail(p, v, "%s: needs a %s right after the colon, as in %s", datefield_name[df],
             opener_at(p, e) ? "bare date, not a phrase or group," : "value", example[df]);
        return e;
    }
    int64_t lo, hi;
    if (read_date_value(p, (datefield)df, v, e, &lo, &hi)) {
        tok *t = push_tok(p, &p->lexed, T_DATE, s, s, e - s);
        if (t) t->lo = lo, t->hi = hi;
    }
    return e;
}

/* The word q[s..e) where a term is expected; returns where lexing goes on
 * (inside the word after a '-' or a field name) and the mode to go on in. */
static size_t lex_word(parser *p, size_t s, size_t e, lex_mode mode, lex_mode *next)
{
    const char *r = p->q + s;
    size_t n = e - s;
    char ex[48];
    *next = LM_NORMAL;

    if (mode == LM_NORMAL) {
        if (is_operator(r, n)) {
            tok_kind op = r[0] == 'A' ? T_AND : r[0] == 'O' ? T_OR : r[1] == 'O' ? T_NOT : T_NEAR;
            tok *t = push_tok(p, &p->lexed, op, s, s, n);
            if (!t || op != T_NEAR) return e;
            t->window = NS_QUERY_NEAR_DEFAULT;
            if (n > 4) {
                unsigned w = 0;
                size_t i = 5;
                while (i < n && is_digit(r[i]) && w <= NS_QUERY_NEAR_MAX) {
                    w = w * 10 + (unsigned)(r[i++] - '0');
                }
                if (i == 5 || i < n || w < 1 || w > NS_QUERY_NEAR_MAX) {
                    fail(p, s + 5,
                         "%s: the distance after NEAR/ must be a whole number "
                         "from 1 to %d",
                         excerpt(p, s, n, ex, sizeof ex), NS_QUERY_NEAR_MAX);
                    return e;
                }
                t->window = w;
            }
            return e;
        }
    }

    size_t dashes = 0;
    while (dashes < n && r[dashes] == '-')
        dashes++;
    if (r[0] == '-' && (dashes < n || opener_at(p, e))) {
        if (mode == LM_AFTER_FIELD) {
            /* The field is the token just lexed. */
            const tok *f = &p->lexed.v[p->lexed.n - 1];
            char val[48];
            const char *v = n > 1            ? excerpt(p, s + 1, n - 1, val, sizeof val)
                            : p->q[e] == '(' ? "(...)"
                                             : "\"...\"";
            fail(p, s, "put the '-' before the field: -%.*s%s", (int)f->text_len,
                 p->q + f->text_off, v);
            return e;
        }
        push_tok(p, &p->lexed, T_MINUS, s, s, 1);
        *next = LM_AFTER_MINUS;
        return s + 1;
    }

    if (r[0] == '=' && n == 1 && opener_at(p, e)) {
        warn(p, s, "'=' applies to a single word; ignored before a phrase or group");
        *next = mode;
        return e;
    }

    if (mode != LM_AFTER_FIELD) {
        size_t k = 0;
        while (k < n && is_alpha(r[k]))
            k++;
        if (k > 0 && k < n && r[k] == ':') {
            size_t v = s + k + 1; /* the value */
            bool title = same_name(r, k, "title"), source = same_name(r, k, "source");
            int df = same_name(r, k, "date")    ? DF_DATE
                     : same_name(r, k, "since") ? DF_SINCE
                     : same_name(r, k, "until") ? DF_UNTIL
                                                : -1;
            if (title || source || df >= 0) {
                return lex_field(p, s, k, e, title ? NS_FIELD_TITLE : NS_FIELD_SOURCE, df, next);
            }
            /* Not a field: a word such as "http://x" or "Update:". Warn
             * only when it looks like an attempt at a field. */
            if ((v < e && p->q[v] != '/' && p->q[v] != ':') || (v == e && opener_at(p, e))) {
                warn(p, s,
                     "unknown field '%.*s:'; searched as a plain word "
                     "(the fields are title:, source:, date:, since:, until:)",
                     k > 24 ? 24 : (int)k, r);
            }
        }
    }

    size_t t_off = s, t_len = n;
    tok_kind kind = T_WORD;
    if (r[0] == '=' && n > 1) {
        t_off++, t_len--;
        kind = T_EXACT;
    }
    if (p->q[t_off + t_len - 1] == '*') {
        if (kind == T_EXACT) {
            warn(p, s, "'=' has no effect on a wildcard; ignored");
        }
        while (t_len > 0 && p->q[t_off + t_len - 1] == '*')
            t_len--;
        if (ns_word_chars(p->q + t_off, t_len) < 2) {
            fail(p, s, "%s: a wildcard needs at least 2 letters or digits before the '*'",
                 excerpt(p, s, n, ex, sizeof ex));
            return e;
        }
        kind = T_WILDCARD;
    }
    push_tok(p, &p->lexed, kind, s, t_off, t_len);
    return e;
}

static void lex(parser *p)
{
    size_t i = 0;
    lex_mode mode = LM_NORMAL;
    for (;;) {
        if (mode == LM_NORMAL) {
            size_t sp;
            while (i < p->len && (sp = space_len(p, i)) > 0)
                i += sp;
        }
        if (p->rc != NS_OK) return;
        if (i >= p->len) {
            push_tok(p, &p->lexed, T_END, p->len, p->len, 0);
            return;
        }
        char c = p->q[i];
        if (c == '(' || c == ')') {
            push_tok(p, &p->lexed, c == '(' ? T_LPAREN : T_RPAREN, i, i, 1);
            i++;
            mode = LM_NORMAL;
        } else if (quote_len(p, i)) {
            i = lex_phrase(p, i);
            mode = LM_NORMAL;
        } else {
            /* After '-' or a field name the value follows without a space,
             * so this is never reached with a space at q[i]. */
            i = lex_word(p, i, word_end(p, i), mode, &mode);
        }
    }
}

/* ------------------------------------------------------------ pass 2: repair */

static bool starts_operand(tok_kind k)
{
    switch (k) {
    case T_WORD:
    case T_EXACT:
    case T_WILDCARD:
    case T_PHRASE:
    case T_DATE:
    case T_LPAREN:
    case T_NOT:
    case T_MINUS:
    case T_FIELD: return true;
    default: return false;
    }
}

static bool ends_operand(tok_kind k)
{
    switch (k) {
    case T_WORD:
    case T_EXACT:
    case T_WILDCARD:
    case T_PHRASE:
    case T_DATE:
    case T_RPAREN: return true;
    default: return false;
    }
}

static bool is_unary(tok_kind k)
{
    return k == T_NOT || k == T_MINUS || k == T_FIELD;
}

static const char *tok_name(const parser *p, const tok *t, char *buf, size_t size)
{
    return excerpt(p, t->text_off, t->text_len, buf, size);
}

/* Drop the operators at the end of the repaired stream that have nothing
 * after them; only the prefixes (NOT, '-', a field) when `unary_only`. */
static void pop_dangling(parser *p, bool unary_only)
{
    char nm[48];
    while (p->toks.n > 0) {
        const tok *t = &p->toks.v[p->toks.n - 1];
        if (is_unary(t->kind)) {
            warn(p, t->off, "'%s' has nothing after it to apply to; ignored",
                 tok_name(p, t, nm, sizeof nm));
        } else if (!unary_only && (t->kind == T_AND || t->kind == T_OR)) {
            warn(p, t->off, "'%s' has nothing after it; ignored", tok_name(p, t, nm, sizeof nm));
        } else {
            break;
        }
        p->toks.n--;
    }
}

static void repair(parser *p)
{
    size_t open[NS_QUERY_MAX_DEPTH]; /* offsets of the open '(' */
    size_t depth = 0;
    char nm[48];
    for (size_t i = 0; i < p->lexed.n && p->rc == NS_OK; i++) {
        tok t = p->lexed.v[i];
        switch (t.kind) {
        case T_AND:
        case T_OR: {
            pop_dangling(p, true);
            const tok *last = p->toks.n ? &p->toks.v[p->toks.n - 1] : NULL;
            if (last && (last->kind == T_AND || last->kind == T_OR)) {
                warn(p, t.off, "'%s' right after '%s'; ignored", tok_name(p, &t, nm, sizeof nm),
                     last->kind == T_AND ? "AND" : "OR");
            } else if (!last || !ends_operand(last->kind)) {
                warn(p, t.off, "'%s' has nothing before it; ignored",
                     tok_name(p, &t, nm, sizeof nm));
            } else {
                push_tok(p, &p->toks, t.kind, t.off, t.text_off, t.text_len);
            }
            break;
        }
        case T_NEAR:
            /* NEAR is not repaired: the parser refuses it without two
             * operands. A NOT or '-' before it is dropped. */
            pop_dangling(p, true);
            push_copy(p, &t);
            break;
        case T_EMPTY:
            warn(p, t.off, "empty quotes; ignored");
            pop_dangling(p, true);
            break;
        case T_LPAREN:
            if (depth == NS_QUERY_MAX_DEPTH) {
                fail_limit(p, t.off, "parentheses nested more than %d deep", NS_QUERY_MAX_DEPTH);
                return;
            }
            open[depth++] = t.off;
            push_copy(p, &t);
            break;
        case T_END:
            while (depth > 0 && p->rc == NS_OK) {
                depth--;
                warn(p, open[depth], "'(' is never closed; closed at the end of the query");
                pop_dangling(p, false);
                if (p->toks.n && p->toks.v[p->toks.n - 1].kind == T_LPAREN) {
                    p->toks.n--;
                    pop_dangling(p, true);
                } else {
                    push_tok(p, &p->toks, T_RPAREN, p->len, p->len, 0);
                }
            }
            pop_dangling(p, false);
            push_tok(p, &p->toks, T_END, t.off, t.off, 0);
            break;
        case T_RPAREN:
            if (depth == 0) {
                warn(p, t.off, "')' without a matching '('; ignored");
                break;
            }
            depth--;
            pop_dangling(p, false);
            if (p->toks.n && p->toks.v[p->toks.n - 1].kind == T_LPAREN) {
                warn(p, p->toks.v[p->toks.n - 1].off, "empty parentheses; ignored");
                p->toks.n--;
                pop_dangling(p, true);
            } else {
                push_copy(p, &t);
            }
            break;
        default: push_copy(p, &t); break;
        }
    }
}

/* ------------------------------------------------------------ nodes */

static ns_qnode *node_new(parser *p, ns_qkind kind, size_t off)
{
    ns_qnode *n = calloc(1, sizeof *n);
    if (!n) {
        fail_nomem(p);
        return NULL;
    }
    n->kind = kind;
    n->offset = off;
    return n;
}

void ns_qnode_free(ns_qnode *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->nkids; i++)
        ns_qnode_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

static bool is_leaf(const ns_qnode *n)
{
    return n->kind == NS_Q_WORD || n->kind == NS_Q_EXACT || n->kind == NS_Q_PHRASE ||
           n->kind == NS_Q_WILDCARD;
}

/* Append `kid` to `n` (taking it, also on failure); a kid of the same kind
 * (AND in AND, OR in OR) gives its kids instead. */
static bool node_add(parser *p, ns_qnode *n, ns_qnode *kid)
{
    bool splice =
        kid->kind == n->kind && (n->kind == NS_Q_AND || n->kind == NS_Q_OR || n->kind == NS_Q_NEAR);
    size_t add = splice ? kid->nkids : 1;
    ns_qnode **k = p->rc == NS_OK ? realloc(n->kids, (n->nkids + add + 1) * sizeof *k) : NULL;
    if (!k) {
        fail_nomem(p);
        ns_qnode_free(kid);
        return false;
    }
    n->kids = k;
    if (splice) {
        memcpy(n->kids + n->nkids, kid->kids, kid->nkids * sizeof *k);
        n->nkids += kid->nkids;
        kid->nkids = 0;
        ns_qnode_free(kid);
    } else {
        n->kids[n->nkids++] = kid;
    }
    return true;
}

/* A one-kid AND or OR is its kid. */
static ns_qnode *unwrap(ns_qnode *n)
{
    if (n && n->nkids == 1 && (n->kind == NS_Q_AND || n->kind == NS_Q_OR)) {
        ns_qnode *k = n->kids[0];
        n->nkids = 0;
        ns_qnode_free(n);
        return k;
    }
    return n;
}

static ns_qnode *leaf_new(parser *p, const tok *t)
{
    static const ns_qkind kinds[] = {[T_WORD] = NS_Q_WORD,
                                     [T_EXACT] = NS_Q_EXACT,
                                     [T_WILDCARD] = NS_Q_WILDCARD,
                                     [T_PHRASE] = NS_Q_PHRASE,
                                     [T_DATE] = NS_Q_DATE};
    if (++p->nleaves > NS_QUERY_MAX_TERMS) {
        fail_limit(p, t->off,
                   "too many terms: a query may have at most %d words, phrases, wildcards "
                   "and dates",
                   NS_QUERY_MAX_TERMS);
        return NULL;
    }
    ns_qnode *n = node_new(p, kinds[t->kind], t->off);
    if (!n) return NULL;
    if (t->kind == T_DATE) {
        n->date_lo = t->lo;
        n->date_hi = t->hi;
        return n;
    }
    n->text = malloc(t->text_len + 1);
    if (!n->text) {
        fail_nomem(p);
        ns_qnode_free(n);
        return NULL;
    }
    memcpy(n->text, p->q + t->text_off, t->text_len);
    n->text[t->text_len] = '\0';
    n->len = t->text_len;
    return n;
}

/* Give the leaves under `n` that have no field yet `field`. */
static void set_field(ns_qnode *n, ns_qfield field)
{
    if (is_leaf(n)) {
        if (n->field == NS_FIELD_ANY) n->field = field;
        return;
    }
    for (size_t i = 0; i < n->nkids; i++)
        set_field(n->kids[i], field);
}

/* ------------------------------------------------------------ pass 3: parse */

static const tok *cur(const parser *p)
{
    return &p->toks.v[p->pos];
}

static ns_qnode *parse_and(parser *p);

static ns_qnode *parse_primary(parser *p)
{
    const tok *t = cur(p);
    switch (t->kind) {
    case T_WORD:
    case T_EXACT:
    case T_WILDCARD:
    case T_PHRASE:
    case T_DATE: p->pos++; return leaf_new(p, t);
    case T_LPAREN: {
        p->pos++;
        ns_qnode *n = parse_and(p);
        if (!n) {
            fail(p, t->off, "empty parentheses");
            return NULL;
        }
        if (cur(p)->kind != T_RPAREN) { /* repair() balanced them */
            fail(p, cur(p)->off, "expected ')'");
            ns_qnode_free(n);
            return NULL;
        }
        p->pos++;
        if (!is_leaf(n) && n->kind != NS_Q_DATE) n->offset = t->off;
        return n;
    }
    case T_FIELD: {
        p->pos++;
        tok_kind v = cur(p)->kind;
        if (v != T_WORD && v != T_EXACT && v != T_WILDCARD && v != T_PHRASE && v != T_LPAREN) {
            fail(p, cur(p)->off, "expected a word, phrase or group after the field");
            return NULL;
        }
        ns_qnode *n = parse_primary(p);
        if (n) set_field(n, t->field);
        return n;
    }
    case T_NEAR:
        fail(p, t->off, "NEAR needs a word or phrase on each side, as in a NEAR b");
        return NULL;
    case T_NOT:
    case T_MINUS:
        fail(p, t->off, "double negation: '%s' applied to something already excluded",
             t->kind == T_NOT ? "NOT" : "-");
        return NULL;
    default: fail(p, t->off, "expected a word here"); return NULL;
    }
}

static ns_qnode *parse_unary(parser *p)
{
    const tok *t = cur(p);
    if (t->kind != T_NOT && t->kind != T_MINUS) return parse_primary(p);
    p->pos++;
    ns_qnode *kid = parse_primary(p); /* a second NOT or '-' is refused there */
    if (!kid) return NULL;
    ns_qnode *n = node_new(p, NS_Q_NOT, t->off);
    if (!n || !node_add(p, n, kid)) {
        if (!n) ns_qnode_free(kid);
        ns_qnode_free(n);
        return NULL;
    }
    return n;
}

static ns_qnode *parse_near(parser *p)
{
    size_t start = cur(p)->off;
    ns_qnode *x = parse_unary(p);
    if (!x || cur(p)->kind != T_NEAR) return x;
    ns_qnode *n = node_new(p, NS_Q_NEAR, start);
    if (!n) {
        ns_qnode_free(x);
        return NULL;
    }
    n->window = cur(p)->window;
    if (x->kind == NS_Q_NEAR && x->window != n->window) {
        fail(p, x->offset, "NEAR/%u inside NEAR/%u: a chain of NEAR must use one distance",
             x->window, n->window);
    }
    if (!node_add(p, n, x)) goto fail;
    while (p->rc == NS_OK && cur(p)->kind == T_NEAR) {
        const tok *t = cur(p);
        if (t->window != n->window) {
            fail(p, t->off, "NEAR/%u after NEAR/%u: a chain of NEAR must use one distance",
                 t->window, n->window);
            break;
        }
        p->pos++;
        if (!starts_operand(cur(p)->kind)) {
            fail(p, t->off, "NEAR needs a word or phrase on each side, as in a NEAR b");
            break;
        }
        ns_qnode *y = parse_unary(p);
        if (!y) break;
        if (y->kind == NS_Q_NEAR && y->window != n->window) {
            fail(p, y->offset, "NEAR/%u inside NEAR/%u: a chain of NEAR must use one distance",
                 y->window, n->window);
        }
        if (!node_add(p, n, y)) break;
    }
    if (p->rc == NS_OK) return n;
fail:
    ns_qnode_free(n);
    return NULL;
}

static ns_qnode *parse_or(parser *p)
{
    size_t start = cur(p)->off;
    ns_qnode *x = parse_near(p);
    if (!x || cur(p)->kind != T_OR) return x;
    ns_qnode *n = node_new(p, NS_Q_OR, start);
    if (!n) {
        ns_qnode_free(x);
        return NULL;
    }
    node_add(p, n, x);
    while (p->rc == NS_OK && cur(p)->kind == T_OR) {
        p->pos++;
        ns_qnode *y = parse_near(p);
        if (!y) break;
        node_add(p, n, y);
    }
    if (p->rc == NS_OK) return n;
    ns_qnode_free(n);
    return NULL;
}

/* Terms joined by AND, explicit or implied, up to ')' or the end. NULL
 * without an error when there are none. */
static ns_qnode *parse_and(parser *p)
{
    ns_qnode *n = node_new(p, NS_Q_AND, cur(p)->off);
    if (!n) return NULL;
    while (p->rc == NS_OK) {
        tok_kind k = cur(p)->kind;
        if (k == T_END || k == T_RPAREN) break;
        if (k == T_AND) {
            p->pos++;
            continue;
        }
        ns_qnode *x = parse_or(p);
        if (!x) break;
        node_add(p, n, x);
    }
    if (p->rc != NS_OK || n->nkids == 0) {
        ns_qnode_free(n);
        return NULL;
    }
    return unwrap(n);
}

/* ------------------------------------------------------------ checks */

/* Does `n` match something by itself (rather than only exclude)? */
static bool positive(const ns_qnode *n)
{
    if (n->kind == NS_Q_NOT) return false;
    if (n->kind != NS_Q_AND) return true;
    for (size_t i = 0; i < n->nkids; i++) {
        if (positive(n->kids[i])) return true;
    }
    return false;
}

/* Refuse what the searcher cannot run. `top` is true for the root and the
 * kids of a root AND: the only places a date filter may be. */
static void check_tree(parser *p, const ns_qnode *n, const ns_qnode *parent, bool top)
{
    if (p->rc != NS_OK) return;
    switch (n->kind) {
    case NS_Q_DATE:
        if (!top) {
            if (parent && parent->kind == NS_Q_NOT) {
                fail(p, n->offset, "a date filter can't be excluded; use since: or until:");
            } else {
                fail(p, n->offset,
                     "a date filter applies to the whole query: it can't be "
                     "inside OR, NEAR or a negated group");
            }
        }
        return;
    case NS_Q_NOT: {
        const ns_qnode *k = n->kids[0];
        if (!positive(k)) {
            fail(p, k->offset, "double negation: this excludes something already excluded");
            return;
        }
        check_tree(p, k, n, false);
        return;
    }
    case NS_Q_OR:
        for (size_t i = 0; i < n->nkids && p->rc == NS_OK; i++) {
            const ns_qnode *k = n->kids[i];
            if (k->kind == NS_Q_NOT) {
                fail(p, k->offset,
                     "OR can't take an excluded term: write 'a -b' to exclude b, "
                     "or drop the '-' or NOT");
            } else if (!positive(k)) {
                fail(p, k->offset,
                     "this group only excludes: each side of OR needs a word "
                     "that must match");
            } else {
                check_tree(p, k, n, false);
            }
        }
        return;
    case NS_Q_NEAR:
        for (size_t i = 0; i < n->nkids && p->rc == NS_OK; i++) {
            const ns_qnode *k = n->kids[i];
            bool ok = is_leaf(k);
            if (k->kind == NS_Q_OR) {
                ok = true;
                for (size_t j = 0; j < k->nkids; j++)
                    ok = ok && is_leaf(k->kids[j]);
            }
            if (ok) {
                /* A source is neither the passage nor the title, where
                 * NEAR measures (doc/query-syntax.md, "What matches"). */
                const ns_qnode *src = k->field == NS_FIELD_SOURCE ? k : NULL;
                for (size_t j = 0; !src && k->kind == NS_Q_OR && j < k->nkids; j++)
                    if (k->kids[j]->field == NS_FIELD_SOURCE) src = k->kids[j];
                if (src) {
                    fail(p, src->offset,
                         "NEAR can't take a source: side (NEAR measures within a "
                         "passage or the title); write 'a NEAR b source:x'");
                }
                continue;
            }
            if (k->kind == NS_Q_NOT) {
                fail(p, k->offset, "NEAR can't take an excluded term");
            } else if (k->kind == NS_Q_DATE) {
                check_tree(p, k, n, false);
            } else {
                fail(p, k->offset,
                     "NEAR joins words, phrases or (a OR b) groups of them, "
                     "not this group");
            }
        }
        return;
    case NS_Q_AND:
        for (size_t i = 0; i < n->nkids && p->rc == NS_OK; i++)
            check_tree(p, n->kids[i], n, parent == NULL);
        return;
    default: return;
    }
}

/* Intersect the date filters of a root AND into the first of them. */
static ns_qnode *merge_dates(parser *p, ns_qnode *root)
{
    if (root->kind != NS_Q_AND) return root;
    ns_qnode *first = NULL;
    size_t k = 0;
    for (size_t i = 0; i < root->nkids; i++) {
        ns_qnode *d = root->kids[i];
        if (d->kind != NS_Q_DATE || !first) {
            if (d->kind == NS_Q_DATE) first = d;
            root->kids[k++] = d;
            continue;
        }
        if (d->date_lo > first->date_lo) first->date_lo = d->date_lo;
        if (d->date_hi < first->date_hi) first->date_hi = d->date_hi;
        if (first->date_lo > first->date_hi && p->rc == NS_OK) {
            fail(p, d->offset, "the date filters don't overlap: no date is in all of them");
        }
        ns_qnode_free(d);
    }
    root->nkids = k;
    return unwrap(root);
}

/* ------------------------------------------------------------ entry point */

static void parser_free(parser *p)
{
    free(p->lexed.v);
    free(p->toks.v);
    free(p->warns);
}

ns_status ns_query_parse(const char *q, size_t len, const ns_qparse_opts *opts, ns_qnode **out,
                         ns_error *err)
{
    assert(out != NULL);
    assert(q != NULL || len == 0);
    *out = NULL;
    ns_error_clear(err);
    parser p = {0};
    p.q = q ? q : "";
    p.len = len;
    p.err = err;
    p.now = opts && opts->now ? opts->now : (int64_t)time(NULL);

    if (len > NS_QUERY_MAX_BYTES) {
        fail_limit(&p, NS_QUERY_MAX_BYTES, "the query is %zu bytes long; the limit is %d bytes",
                   len, NS_QUERY_MAX_BYTES);
        return p.rc;
    }
    for (size_t i = 0; i < len;) {
        if (q[i] == '\0') {
            fail(&p, i, "the query contains a NUL byte");
            return p.rc;
        }
        size_t n = utf8_len((const unsigned char *)q + i, len - i);
        if (n == 0) {
            fail(&p, i, "invalid UTF-8 (byte 0x%02X)", (unsigned char)q[i]);
            return p.rc;
        }
        i += n;
    }

    lex(&p);
    if (p.rc == NS_OK && p.lexed.n == 1 && p.nwarns == 0) {
        fail(&p, 0, "the query is empty: type a word to search for");
    }
    if (p.rc == NS_OK) repair(&p);
    ns_qnode *root = NULL;
    if (p.rc == NS_OK) {
        root = parse_and(&p);
        if (!root && p.rc == NS_OK) {
            /* Everything was dropped: point at the first thing dropped. */
            size_t col = 1;
            for (size_t i = 0; i < p.nwarns; i++) {
                if (i == 0 || p.warns[i].column < col) col = p.warns[i].column;
            }
            fail(&p, col - 1,
                 "nothing to search for: the query has only operators, "
                 "parentheses or empty quotes");
        }
    }
    if (p.rc == NS_OK && cur(&p)->kind != T_END) fail(&p, cur(&p)->off, "unexpected ')'");
    if (p.rc == NS_OK) {
        check_tree(&p, root, NULL, true);
        if (p.rc == NS_OK && !positive(root)) {
            const ns_qnode *k = root->kind == NS_Q_AND ? root->kids[0] : root;
            fail(&p, k->offset,
                 "nothing to search for: add a word that must match; "
                 "the query only excludes");
        }
    }
    if (p.rc == NS_OK) root = merge_dates(&p, root);
    if (p.rc != NS_OK) {
        ns_qnode_free(root);
        parser_free(&p);
        return p.rc;
    }
    deliver_warnings(&p, opts);
    parser_free(&p);
    *out = root;
    return NS_OK;
}

/* ------------------------------------------------------------ s-expressions */

typedef ns_buf sbuf; /* sticky: one check at the end */

static void sb_put(sbuf *b, const char *s, size_t n)
{
    ns_buf_add(b, s, n);
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_quoted(sbuf *b, const char *s, size_t n)
{
    sb_put(b, "\"", 1);
    for (size_t i = 0; s && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c;
            sb_put(b, esc, 2);
        } else if (c < 0x20 || c == 0x7F) {
            snprintf(esc, sizeof esc, "\\x%02X", c);
            sb_put(b, esc, 4);
        } else {
            sb_put(b, s + i, 1);
        }
    }
    sb_put(b, "\"", 1);
}

static void sb_time(sbuf *b, int64_t t, const char *open)
{
    char num[32];
    if (t == INT64_MIN || t == INT64_MAX) {
        sb_str(b, open);
        return;
    }
    snprintf(num, sizeof num, "%lld", (long long)t);
    sb_str(b, num);
}

const char *ns_qkind_str(ns_qkind k)
{
    switch (k) {
    case NS_Q_WORD: return "word";
    case NS_Q_EXACT: return "exact";
    case NS_Q_PHRASE: return "phrase";
    case NS_Q_WILDCARD: return "wildcard";
    case NS_Q_AND: return "and";
    case NS_Q_OR: return "or";
    case NS_Q_NOT: return "not";
    case NS_Q_NEAR: return "near";
    case NS_Q_DATE: return "date";
    }
    return "?";
}

const char *ns_qfield_str(ns_qfield f)
{
    switch (f) {
    case NS_FIELD_ANY: return "any";
    case NS_FIELD_TITLE: return "title";
    case NS_FIELD_SOURCE: return "source";
    }
    return "?";
}

static void sexpr(sbuf *b, const ns_qnode *n)
{
    sb_put(b, "(", 1);
    sb_str(b, ns_qkind_str(n->kind));
    if (is_leaf(n)) {
        if (n->field != NS_FIELD_ANY) {
            sb_put(b, " ", 1);
            sb_str(b, ns_qfield_str(n->field));
        }
        sb_put(b, " ", 1);
        sb_quoted(b, n->text, n->len);
    } else if (n->kind == NS_Q_DATE) {
        sb_put(b, " ", 1);
        sb_time(b, n->date_lo, "-inf");
        sb_put(b, " ", 1);
        sb_time(b, n->date_hi, "+inf");
    } else if (n->kind == NS_Q_NEAR) {
        char num[16];
        snprintf(num, sizeof num, " %u", n->window);
        sb_str(b, num);
    }
    for (size_t i = 0; i < n->nkids; i++) {
        sb_put(b, " ", 1);
        if (n->kids[i]) sexpr(b, n->kids[i]);
    }
    sb_put(b, ")", 1);
}

ns_status ns_qnode_sexpr(const ns_qnode *n, char **out)
{
    *out = NULL;
    if (!n) return NS_ERR_INVALID;
    sbuf b = {0};
    sexpr(&b, n);
    if (b.err != NS_OK || !b.data) {
        ns_buf_free(&b);
        return NS_ERR_NOMEM;
    }
    *out = b.data;
    return NS_OK;
}
