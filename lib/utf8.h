/* utf8.h: the one UTF-8 decoder of lib/ and the programs.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Valid means shortest form, no surrogates (U+D800..U+DFFF), nothing past
 * U+10FFFF: what the analyzer, the query parser, the readers and the
 * output all call valid, so that they agree on every byte.
 */
#ifndef NS_UTF8_H
#define NS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length (1 to 4) of the valid UTF-8 sequence at s[0..n), n > 0, and
 * its code point in *cp (may be NULL); 0 when s[0] does not start one
 * (then *cp is left alone). */
size_t ns_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Where ns_utf8_decode returned 0: the length (at least 1) of the maximal
 * subpart of the ill-formed sequence at s[0..n), n > 0, the bytes that
 * Unicode's "substitution of maximal subparts" replaces with one U+FFFD (a
 * lead byte and the continuation bytes that could still follow it). */
size_t ns_utf8_bad(const unsigned char *s, size_t n);

#endif
