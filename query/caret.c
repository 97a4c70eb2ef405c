/* caret.c: the query echoed under an error, with a caret under the column
 * the error names; a long query is cut to a window around that column.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A query can be 4096 bytes and more (the limit is checked after reading):
 * echoing it whole would print a caret line as long. The window is
 * CARET_SIDE bytes on each side of the column, widened or narrowed to UTF-8
 * boundaries, with "…" where the query goes on. The caret's indent counts
 * characters, not bytes, so it stands under the column on a terminal
 * (every character taken as one cell wide); control characters are shown
 * as spaces so they can neither move the caret nor drive the terminal.
 */
#include "query.h"

#define CARET_SIDE 60

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
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
    for (size_t i = from; i < to; i++) {
        unsigned char c = q[i];
        fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
        if (i < at && !is_cont(c)) indent++;
    }
    if (to < len) fputs("…", f);
    fprintf(f, "\n  %*s^\n", (int)indent, "");
}
