/* buf.c: the growable byte buffer (buf.h). */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ns_status ns_buf_reserve(ns_buf *b, size_t extra)
{
    if (b->err != NS_OK) return b->err;
    if (extra > SIZE_MAX - 1 - b->len) return b->err = NS_ERR_NOMEM;
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return NS_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *d = realloc(b->data, cap);
    if (!d) return b->err = NS_ERR_NOMEM;
    b->data = d;
    b->cap = cap;
    return NS_OK;
}

ns_status ns_buf_add(ns_buf *b, const void *p, size_t n)
{
    ns_status st = ns_buf_reserve(b, n);
    if (st != NS_OK) return st;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return NS_OK;
}

ns_status ns_buf_str(ns_buf *b, const char *s)
{
    return ns_buf_add(b, s, strlen(s));
}

ns_status ns_buf_byte(ns_buf *b, char c)
{
    return ns_buf_add(b, &c, 1);
}

ns_status ns_buf_printf(ns_buf *b, const char *fmt, ...)
{
    if (b->err != NS_OK) return b->err;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return b->err = NS_ERR_INVALID;
    ns_status st = ns_buf_reserve(b, (size_t)n);
    if (st != NS_OK) return st;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return NS_OK;
}

void ns_buf_reset(ns_buf *b)
{
    b->len = 0;
    b->err = NS_OK;
    if (b->data) b->data[0] = '\0';
}

void ns_buf_free(ns_buf *b)
{
    if (!b) return;
    free(b->data);
    memset(b, 0, sizeof *b);
}
