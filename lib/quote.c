/* quote.c: safe paths and text for terminals and line readers, and JSON
 * strings (quote.h). */
#include "quote.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* The unsafe characters of quote.h. U+2028 and U+2029 drive no terminal
 * but end a line for JavaScript, Python's str.splitlines() and Emacs, as
 * NEL (a C1 control) and VT/FF (C0) do: one record would read as several. */
static int unsafe_cp(uint32_t c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e ||
           c == 0x200f || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069);
}

int ns_quote_class(const unsigned char *s, size_t n, size_t *len, unsigned *cp)
{
    uint32_t c = 0;
    size_t k = ns_utf8_decode(s, n, &c);
    if (!k) {
        *len = 1;
        return 2;
    }
    *len = k;
    *cp = c;
    return unsafe_cp(c) ? 1 : 0;
}

int ns_quote_needed(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (p[i] == '"' || p[i] == '\\') return 1; /* else "a\x1bb" could be a name */
        if (p[i] >= 0x20 && p[i] < 0x7f) {
            i++;
            continue;
        }
        size_t len;
        unsigned cp;
        if (ns_quote_class(p + i, n - i, &len, &cp)) return 1;
        i += len;
    }
    return 0;
}

ns_status ns_quote_path(const char *s, size_t n, ns_buf *out)
{
    if (!ns_quote_needed(s, n)) return ns_buf_add(out, s, n);
    const unsigned char *p = (const unsigned char *)s;
    ns_buf_byte(out, '"');
    for (size_t i = 0; i < n;) {
        size_t len;
        unsigned cp = 0;
        int k = ns_quote_class(p + i, n - i, &len, &cp);
        if (k == 2) {
            ns_buf_printf(out, "\\x%02x", p[i]);
        } else if (k == 1) {
            switch (cp) {
            case '\n': ns_buf_str(out, "\\n"); break;
            case '\t': ns_buf_str(out, "\\t"); break;
            case '\r': ns_buf_str(out, "\\r"); break;
            default:
                if (cp < 0x80)
                    ns_buf_printf(out, "\\x%02x", cp);
                else
                    ns_buf_printf(out, "\\u%04x", cp);
            }
        } else if (p[i] == '"' || p[i] == '\\') {
            ns_buf_byte(out, '\\');
            ns_buf_byte(out, (char)p[i]);
        } else {
            ns_buf_add(out, p + i, len);
        }
        i += len;
    }
    return ns_buf_byte(out, '"');
}

/* Does s[0..n) hold an unsafe character or a byte that is not UTF-8? */
static int has_unsafe(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t len;
        unsigned cp;
        if (p[i] >= 0x20 && p[i] < 0x7f) {
            i++;
            continue;
        }
        if (ns_quote_class(p + i, n - i, &len, &cp)) return 1;
        i += len;
    }
    return 0;
}

ns_status ns_quote_shell(const char *s, size_t n, ns_buf *out)
{
    static const char bare[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                               "/._-+,:=@%";
    const unsigned char *p = (const unsigned char *)s;
    size_t k = 0;
    while (k < n && s[k] && strchr(bare, s[k]))
        k++;
    if (n && k == n) return ns_buf_add(out, s, n);
    if (!has_unsafe(p, n)) {
        /* Single quotes keep everything but a quote, written '\''. */
        ns_buf_byte(out, '\'');
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '\'')
                ns_buf_str(out, "'\\''");
            else
                ns_buf_byte(out, (char)p[i]);
        }
        return ns_buf_byte(out, '\'');
    }
    /* $'...': each byte of an unsafe character or of bad UTF-8 as \xHH,
     * '\' and '\'' escaped; bash, zsh and ksh read it back byte for byte. */
    ns_buf_str(out, "$'");
    for (size_t i = 0; i < n;) {
        size_t len;
        unsigned cp = 0;
        if (ns_quote_class(p + i, n - i, &len, &cp)) {
            for (size_t j = 0; j < len; j++)
                ns_buf_printf(out, "\\x%02x", p[i + j]);
        } else if (p[i] == '\\' || p[i] == '\'') {
            ns_buf_byte(out, '\\');
            ns_buf_byte(out, (char)p[i]);
        } else {
            ns_buf_add(out, p + i, len);
        }
        i += len;
    }
    return ns_buf_byte(out, '\'');
}

ns_status ns_quote_flat(const char *s, size_t n, ns_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t from = 0;
    for (size_t i = 0; i < n;) {
        if (p[i] >= 0x20 && p[i] < 0x7f) {
            i++; /* printable ASCII, most of a passage: as it is */
            continue;
        }
        size_t len;
        unsigned cp;
        int k = ns_quote_class(p + i, n - i, &len, &cp);
        if (k == 2) {
            ns_buf_add(out, p + from, i - from);
            ns_buf_str(out, "\xef\xbf\xbd");
            from = i + len;
        } else if (k == 1) {
            /* As many spaces as the character has bytes (U+0085 two,
             * U+202E three): in valid UTF-8 (a text file's passage, reader.h)
             * byte k of the result stands for byte k of s, so byte columns
             * into it stay right. */
            ns_buf_add(out, p + from, i - from);
            for (size_t j = 0; j < len; j++)
                ns_buf_byte(out, ' ');
            from = i + len;
        }
        i += len;
    }
    return ns_buf_add(out, p + from, n - from);
}

ns_status ns_quote_json(const char *s, size_t n, ns_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    ns_buf_byte(out, '"');
    size_t from = 0; /* start of the bytes copied as they are */
    for (size_t i = 0; i < n;) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\') {
            i++; /* printable ASCII but the two escaped: as it is */
            continue;
        }
        size_t len;
        unsigned cp = 0;
        int k = ns_quote_class(p + i, n - i, &len, &cp);
        if (k == 0 && p[i] != '"' && p[i] != '\\') {
            i += len;
            continue;
        }
        ns_buf_add(out, p + from, i - from);
        if (k == 2) {
            ns_buf_str(out, "\\ufffd");
        } else if (k == 0) {
            ns_buf_byte(out, '\\');
            ns_buf_byte(out, (char)p[i]);
        } else if (cp == '\n') {
            ns_buf_str(out, "\\n");
        } else if (cp == '\t') {
            ns_buf_str(out, "\\t");
        } else if (cp == '\r') {
            ns_buf_str(out, "\\r");
        } else {
            ns_buf_printf(out, "\\u%04x", cp);
        }
        i += len;
        from = i;
    }
    ns_buf_add(out, p + from, n - from);
    return ns_buf_byte(out, '"');
}
