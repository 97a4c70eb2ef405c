/* buf.h: the one growable byte buffer of lib/, with a sticky error.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * As in SQLite FTS5's buffer: once an append fails (out of memory, or a
 * size that would overflow), the buffer remembers it, every later append is
 * a no-op returning the same status, and the caller checks once at the end
 * of a long sequence. The bytes are always followed by a NUL that `len`
 * does not count, so data can be used as a C string when it holds one.
 *
 * An ns_buf is a value: zero-initialize it (`ns_buf b = {0};`), free it with
 * ns_buf_free. Not thread-safe; one owner at a time.
 */
#ifndef NS_BUF_H
#define NS_BUF_H

#include <stddef.h>

#include "status.h"

typedef struct ns_buf {
    char *data; /* NULL until the first append; owned by the buffer */
    size_t len;
    size_t cap;
    ns_status err; /* NS_OK, or the first failure (sticky) */
} ns_buf;

/* Every function below that returns a status returns the buffer's sticky
 * error when it already has one, and does nothing else. */

/* Make room for `extra` more bytes (and the NUL) after len, so the caller
 * may write data[len .. len + extra) and then add to len. `data` may move.
 * @retval NS_ERR_NOMEM  out of memory, or the size overflows (sticky) */
ns_status ns_buf_reserve(ns_buf *b, size_t extra);
/* Append n bytes of p (p may be NULL when n is 0; the bytes are copied).
 * @retval NS_ERR_NOMEM  as ns_buf_reserve */
ns_status ns_buf_add(ns_buf *b, const void *p, size_t n);
/* Append the NUL-terminated string s (without its NUL).
 * @retval NS_ERR_NOMEM  as ns_buf_reserve */
ns_status ns_buf_str(ns_buf *b, const char *s);
/* Append one byte.
 * @retval NS_ERR_NOMEM  as ns_buf_reserve */
ns_status ns_buf_byte(ns_buf *b, char c);
/* Append a printf-style formatted string.
 * @retval NS_ERR_NOMEM    as ns_buf_reserve
 * @retval NS_ERR_INVALID  vsnprintf refused the format (sticky) */
ns_status ns_buf_printf(ns_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empty the buffer (keeps its memory) and clear its error. */
void ns_buf_reset(ns_buf *b);
/* Free the memory and zero the buffer; accepts NULL. */
void ns_buf_free(ns_buf *b);

#endif
