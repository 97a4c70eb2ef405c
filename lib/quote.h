/* quote.h: bytes from files made safe for a terminal and for line-based
 * readers (editors' quickfix lists, xargs), one rule for every output.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Unsafe characters are the C0 controls (U+0000..U+001F), DEL, the C1
 * controls (U+0080..U+009F, which some terminals obey as ESC sequences: CSI
 * is U+009B, OSC U+009D) and the bidirectional controls (U+061C, U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069), which reorder what is shown;
 * and bytes that are not UTF-8.
 * - A path with anything unsafe in it (or a '"' or '\' when it has to be
 *   quoted anyway) is written in double quotes with C escapes, as git's
 *   core.quotePath and ripgrep do for such names: "bad\nname", "\x1b]52;...",
 *   "\u202etxt.exe", "\xff.txt". A path with nothing unsafe is written as it
 *   is (so ordinary names, spaces included, stay as they are).
 * - Text (titles, passages, sources, messages) has each unsafe character
 *   replaced by a space and each invalid byte by U+FFFD.
 * Pure functions; they only append to an ns_buf.
 */
#ifndef NS_QUOTE_H
#define NS_QUOTE_H

#include <stddef.h>

#include "buf.h"

/* Does s[0..n) need quoting as a path? */
int ns_quote_needed(const char *s, size_t n);
/* Append s[0..n) as a path: quoted and escaped only when needed. */
ns_status ns_quote_path(const char *s, size_t n, ns_buf *out);
/* Append s[0..n) as one line of text: unsafe characters become spaces,
 * invalid bytes U+FFFD. */
ns_status ns_quote_flat(const char *s, size_t n, ns_buf *out);
/* The class of the character at s[0..n), n > 0: 0 safe, 1 an unsafe
 * character (*cp set), 2 an invalid byte. *len gets its length in bytes. */
int ns_quote_class(const unsigned char *s, size_t n, size_t *len, unsigned *cp);

#endif
