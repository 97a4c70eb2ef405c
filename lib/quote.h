/* quote.h: bytes from files made safe for a terminal, for line-based
 * readers (editors' quickfix lists, xargs) and for JSON, one rule for every
 * output.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Unsafe characters are the C0 controls (U+0000..U+001F), DEL, the C1
 * controls (U+0080..U+009F, which some terminals obey as ESC sequences: CSI
 * is U+009B, OSC U+009D), the bidirectional controls (U+061C, U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069), which reorder what is shown, and
 * U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR, which end a line for
 * JavaScript, Python's str.splitlines() and Emacs (as do VT, FF, the C0
 * separators U+001C..U+001E and NEL U+0085, unsafe already); and bytes that
 * are not UTF-8.
 * - A path with anything unsafe in it, or a '"' or a '\', is written in
 *   double quotes with C escapes, as git's core.quotePath does for such
 *   names: "bad\nname", "\x1b]52;...", "\u202etxt.exe", "\xff.txt",
 *   "back\\slash \"q\".txt". Quoting '"' and '\' too keeps it unambiguous:
 *   a quoted name is always read back to one name (the name a\x1bb is
 *   "a\\x1bb", the name a<ESC>b is "a\x1bb"). A path with none of these
 *   is written as it is (so ordinary names, spaces included, stay as they
 *   are).
 * - A shell word (a path in a command to copy and paste) is bare when it
 *   holds only letters, digits and /._-+,:=@%; else in single quotes
 *   ('it'\''s') when it holds nothing unsafe; else as $'...' with each byte
 *   of an unsafe character or of bad UTF-8 as \xHH (bash, zsh and ksh read
 *   $'...'; a POSIX sh before 2024 may not).
 * - Text (titles, passages, sources, messages) has each unsafe character
 *   replaced by as many spaces as it has bytes (one for a C0 control, two
 *   for U+0085, three for U+202E or U+2028), so that valid UTF-8 keeps its
 *   length and byte columns into it stay right, and each invalid byte
 *   replaced by U+FFFD.
 * - A JSON string has each unsafe character escaped (\uXXXX) and each
 *   invalid byte replaced by U+FFFD.
 * Pure functions of their input; they only append to an ns_buf, and return
 * its status: NS_OK, or NS_ERR_NOMEM when an append failed (the buffer's
 * sticky error, buf.h). Thread-safe on distinct buffers.
 */
#ifndef NS_QUOTE_H
#define NS_QUOTE_H

#include <stddef.h>

#include "buf.h"

/* Does s[0..n) need quoting as a path (anything unsafe, '"' or '\\')? */
int ns_quote_needed(const char *s, size_t n);
/* Append s[0..n) as a path: quoted and escaped only when needed. */
ns_status ns_quote_path(const char *s, size_t n, ns_buf *out);
/* Append s[0..n) as one shell word that gives back exactly s[0..n),
 * safe to show on a terminal (see above). */
ns_status ns_quote_shell(const char *s, size_t n, ns_buf *out);
/* Append s[0..n) as one line of text: each unsafe character becomes one
 * space per byte, each invalid byte U+FFFD. */
ns_status ns_quote_flat(const char *s, size_t n, ns_buf *out);
/* Append s[0..n) as a JSON string, quotes included: the one JSON string
 * writer of both programs (nsearch --json and --serve, nsearch-index --json
 * and --stats --json). The result is valid JSON and valid UTF-8 whatever
 * the bytes: '"' and '\\' are escaped with a backslash; \n, \t and \r
 * as such; every other unsafe character (the rest of C0, DEL, C1, the
 * bidirectional controls, U+2028 and U+2029) as \uXXXX, so that the JSON is
 * also safe to show on a terminal and one line for a JavaScript reader
 * before ES2019 (which can't hold U+2028 raw in a string); each byte that
 * is not part of valid UTF-8 as \ufffd (U+FFFD: a name that is not UTF-8
 * can't be given exactly in a JSON string; --json adds its bytes as
 * "path_bytes", and --null and the quoted line formats give such names
 * exactly). Other characters are copied as they are. */
ns_status ns_quote_json(const char *s, size_t n, ns_buf *out);
/* The class of the character at s[0..n), n > 0: 0 safe, 1 an unsafe
 * character (*cp set), 2 an invalid byte. *len gets its length in bytes. */
int ns_quote_class(const unsigned char *s, size_t n, size_t *len, unsigned *cp);

#endif
