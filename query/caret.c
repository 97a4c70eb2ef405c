/* caret.c: the query echoed under an error, with a caret under the column
 * the error names; a long query is cut to a window around that column.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A query can be 4096 bytes and more (the limit is checked after reading):
 * echoing it whole would print a caret line as long. The window is
 * CARET_SIDE bytes on each side of the column, widened or narrowed to UTF-8
 * boundaries, with "…" where the query goes on. The echo is made safe as
 * any text (quote.h): each unsafe character (C0 and C1 controls, DEL, the
 * bidirectional controls, U+2028 and U+2029) is shown as one space (the
 * caret counts terminal cells, not bytes) and each byte that is not
 * UTF-8 as U+FFFD, so none can drive the terminal. The caret's indent is
 * the width on a terminal of what is echoed before the column: 2 cells for
 * a wide character (CJK, fullwidth forms, most emoji), 0 for a combining
 * mark, as wcwidth(3) says in the C.UTF-8 locale (1 each when that locale
 * is missing).
 */
#include <locale.h>
#include <stdint.h>
#include <wchar.h>

#include "query.h"
#include "quote.h"

#define CARET_SIDE 60

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Cells taken by the safe character cp on a terminal. */
static size_t cells(unsigned cp)
{
    static locale_t utf8;
    static int tried;
    if (!tried) {
        tried = 1;
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    if (!utf8 || cp < 0x80) return 1;
    locale_t old = uselocale(utf8);
    int w = wcwidth((wchar_t)cp);
    uselocale(old);
    return w < 0 ? 1 : (size_t)w;
}

void out_query_caret(FILE *f, const char *query, size_t len, size_t column)
{
    const unsigned char *q = (const unsigned char *)query;
    size_t at = column ? column - 1 : 0; /* byte offset of the column */
    if (at > len) at = len;
    while (at > 0 && at < len && is_cont(q[at]))
        at--; /* the caret goes under the character holding the byte */
    size_t from = at > CARET_SIDE ? at - CARET_SIDE : 0;
    size_t to = len - at > CARET_SIDE ? at + CARET_SIDE : len;
    /* Cut only between characters: move into the window, past
     * continuation bytes. */
    while (from < at && is_cont(q[from]))
        from++;
    while (to > at && to < len && is_cont(q[to]))
        to--;
    fputs("  ", f);
    size_t indent = 0;
    if (from > 0) {
        fputs("…", f);
        indent++;
    }
    for (size_t i = from; i < to;) {
        size_t n, w;
        unsigned cp = 0;
        int k = ns_quote_class(q + i, to - i, &n, &cp);
        if (k == 1) {
            fputc(' ', f); /* an unsafe character: one space */
            w = 1;
        } else if (k == 2) {
            fputs("\xef\xbf\xbd", f); /* a byte that is not UTF-8: U+FFFD */
            w = 1;
        } else {
            fwrite(q + i, 1, n, f);
            w = cells(cp);
        }
        /* The caret's character starts at `at`: the cells before it. A
         * byte not UTF-8 inside a character's bytes (at past i) counts too. */
        if (i < at) indent += w;
        i += n;
    }
    if (to < len) fputs("…", f);
    fprintf(f, "\n  %*s^\n", (int)indent, "");
}
