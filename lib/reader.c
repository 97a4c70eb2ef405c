/* reader.c: the corpus file readers (.txt, .jsonl and their .gz forms).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * The only file that includes <zlib.h> and <jansson.h>. Three layers:
 *
 *   bytes    a file descriptor or a memory buffer, through zlib's inflate for
 *            .gz (concatenated gzip members read as one stream), CRC-32 of the
 *            raw bytes, a check at end of file that size and mtime did not
 *            change while reading;
 *   lines    split on LF, a CR before it dropped, each line at most
 *            max_line_bytes (the rest of a longer line is discarded), so the
 *            memory of a reader is bounded by that cap plus one chunk;
 *   articles the text and JSON Lines rules below, then passages.
 *
 * Text files (.txt, .txt.gz): one article per file. Lines are trimmed
 * (ASCII whitespace, U+00A0, U+FEFF); blank lines only separate.
 *   - Title: the first non-blank line, unless it is a header (below), then
 *     the value of a Title:/Headline: header, else "".
 *   - Right after the title comes an optional "meta zone": any mix of header
 *     lines `Key: value` with keys Title, Headline, Date, Published,
 *     PublishedAt, PubDate, Source, Publisher, URL, Link, Section (ASCII
 *     letters, case-insensitive, first of each kind wins), one bare date line
 *     (a line that is only a date, any form of dates.h), and one
 *     "Published in <Section>" line (at most 6 words, no punctuation),
 *     blank lines allowed between them. The first other line starts the body.
 *     A section (header or "Published in" line) is recognized so that it is
 *     not a passage, and not kept: no output shows it and no query field
 *     asks for it.
 *   - Footer, at the end of the body: a last line "Comments" (or "Comments"
 *     glued to the next headline, "CommentsU.S, ...") is dropped; a
 *     copyright/distribution line (starting with ©, (c), "Copyright ©|(c)|
 *     year", "Distributed by", or containing "All rights reserved") among
 *     the last three lines starts the footer, together with a separator line
 *     right above it; else a separator as the last line does. A separator is
 *     a line of one character from _ - * = repeated 3+ times (spaces allowed).
 *     Nothing from the footer is a passage. The copyright holder
 *     ("©2025 Bloomberg L.P. Visit ..." -> "Bloomberg L.P."), else the
 *     distributor ("Distributed by X."), becomes the source when no header
 *     gave one.
 *   - Body: every other non-blank line is one paragraph, except lines with
 *     no letter or digit at all (separators, "* * *"), which are skipped.
 *   - The id is the file's base name without .txt/.txt.gz; article line 1.
 *   - An article with no date in its text takes one from its file name when
 *     the name starts with YYYY-MM-DD followed by '-', '_' or the suffix
 *     (midnight UTC): news archives are often named that way.
 * JSON Lines (.jsonl, .jsonl.gz): one article per non-blank line, an object;
 *   for each field the first key with a usable value wins: title|headline,
 *   date|published|publishedAt|pubDate (a string in a dates.h form, or a
 *   number of epoch seconds, or milliseconds when above 1e11),
 *   source|publisher (a string, or an object with a "name" string),
 *   body|text|content (a string, or an array whose strings are paragraphs),
 *   url|link, id (a string or an integer). Strings are usable when not blank.
 *   A string body is split into paragraphs on blank lines, or on single
 *   newlines when it has no blank line. The id defaults to
 *   "<base name without .jsonl/.jsonl.gz>:<line>". Passages have the record's
 *   line and column 1. Malformed JSON, a non-object, or no body: a warning,
 *   and the record is skipped.
 * Both: when no source was given, an agency tag in the first paragraph
 *   becomes it: "(MENAFN) The ..." (all capitals), or "(Reuters) - ..." /
 *   "NEW YORK Dec 28 (Reuters) - ..." (followed by a dash); the tag stays in
 *   the passage text.
 * Passages: a paragraph of more than 120 words is cut at sentence ends (". ",
 *   "? ", "! ", closing quotes allowed, followed by a capital, digit, quote
 *   or bracket; not after "U.S."-like words, single initials, titles such as
 *   Mr/Dr/Gen or month abbreviations) into windows of about 60-120 words; a
 *   window still above 160 words (one huge sentence) is cut at word
 *   boundaries into even parts of at most 120; a last window under 20 words
 *   joins the one before when together they stay within 160. Each window
 *   keeps the line and the 1-based byte column of its first byte.
 * Text: invalid UTF-8 (counted once per maximal invalid subpart, one
 *   warning per file, at the line of the first) becomes U+FFFD in titles and other fields and in
 * JSON Lines; in the passages of a text file each invalid byte becomes one '?' instead, and control
 * characters (NUL and tab included) become spaces, so such a passage keeps the byte length of its
 * source: byte k of the passage is byte column + k of its line. Columns count bytes of the file
 *   line; a leading byte order mark is not counted.
 */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "dates.h"
#include "utf8.h"

#define CHUNK      ((size_t)128 << 10) /* read and inflate granularity */
#define SNIFF      8192                /* bytes checked for NUL */
#define MIN_WORDS  60
#define MAX_WORDS  120
#define HARD_WORDS 160
#define TAIL_WORDS 20

/* The growable byte buffer (buf.h); 1 from sbuf_reserve is success. */
typedef ns_buf sbuf;

/* A passage while its article is built: text is an offset into r->text,
 * which may still move. */
typedef struct pbuild {
    size_t off, len, line, column;
} pbuild;

/* A non-blank, trimmed line of a text article: bytes at r->text.data + off. */
typedef struct tline {
    size_t off, len, no, col;
} tline;

struct ns_reader {
    char *path;
    ns_reader_opts opts;
    ns_file_kind kind;
    int gz;
    size_t max_line;
    char *id_stem; /* base name without the corpus suffix */

    /* raw bytes */
    int fd; /* -1 for memory */
    const unsigned char *mem;
    size_t mem_len, mem_pos;
    int raw_eof;
    struct stat st0;
    uint32_t crc;

    /* gzip */
    z_stream zs;
    int zs_live;
    int z_in_member; /* bytes fed since the last member ended */
    int z_at_member; /* a member ended: what follows must be gzip */
    int z_any;       /* some bytes were decompressed */
    unsigned char *zin;

    /* decompressed window: [start, end) unread, scan = where to look for LF */
    char *buf;
    size_t start, end, cap, scan;
    int eof;
    int skipping; /* discarding the rest of a cut line */
    size_t lineno;

    /* state */
    ns_status failed;
    char fail_msg[sizeof((ns_error *)0)->msg];
    int done;
    int nomem;           /* sticky while building an article */
    size_t invalid;      /* invalid UTF-8 sequences of the file so far */
    size_t invalid_line; /* the line of the first of them */
    size_t nonblank;

    /* the current article */
    sbuf text;
    sbuf scratch;
    pbuild *pb;
    size_t npb, cappb;
    ns_passage *pass;
    size_t cappass;
    tline *lines;
    size_t nlines, caplines;
    ns_article art;
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static int sbuf_reserve(sbuf *b, size_t extra)
{
    if (b->cap - b->len > extra) return 1;
    return ns_buf_reserve(b, extra) == NS_OK;
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || is_upper(c);
}

static int lower(unsigned char c)
{
    return is_upper(c) ? c + ('a' - 'A') : c;
}

/* Case-insensitive ASCII prefix test. */
static int has_prefix_ci(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (n < k) {
        return 0;
    }
    for (size_t i = 0; i < k; i++) {
        if (lower((unsigned char)s[i]) != lower((unsigned char)prefix[i])) {
            return 0;
        }
    }
    return 1;
}

/* Case-insensitive search of `needle` in s[0..n); offset or n when absent. */
static size_t find_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++) {
        if (has_prefix_ci(s + i, n - i, needle)) {
            return i;
        }
    }
    return n;
}

/* Bytes of leading "space" at s: ASCII whitespace and the other control
 * characters (they become spaces in passages), U+00A0, U+FEFF. */
static size_t space_len(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[0] <= ' ' || s[0] == 0x7F)) {
        return 1;
    }
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0) {
        return 2;
    }
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        return 3;
    }
    return 0;
}

/* The same at the end of s[0..n). */
static size_t space_len_back(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[n - 1] <= ' ' || s[n - 1] == 0x7F)) {
        return 1;
    }
    if (n >= 2 && s[n - 2] == 0xC2 && s[n - 1] == 0xA0) {
        return 2;
    }
    if (n >= 3 && s[n - 3] == 0xEF && s[n - 2] == 0xBB && s[n - 1] == 0xBF) {
        return 3;
    }
    return 0;
}

/* Trim s[0..*n) in place: returns the bytes cut at the front. */
static size_t trim(const char **s, size_t *n)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t len = *n, lead = 0, k;
    while ((k = space_len(p + lead, len - lead)) > 0) {
        lead += k;
    }
    while (len > lead && (k = space_len_back(p, len)) > 0) {
        len -= k;
    }
    *s += lead;
    *n = len - lead;
    return lead;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is invalid,
 * with *bad set to the length of its maximal invalid subpart (at least 1). */
static size_t utf8_valid(const unsigned char *s, size_t n, size_t *bad)
{
    size_t k = ns_utf8_decode(s, n, NULL);
    if (!k) *bad = ns_utf8_bad(s, n);
    return k;
}

/* Number of invalid UTF-8 sequences in s[0..n). */
static size_t count_invalid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, count = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t bad, k = utf8_valid(p + i, n - i, &bad);
        if (k) {
            i += k;
        } else {
            i += bad;
            count++;
        }
    }
    return count;
}

/* The byte that stands for each invalid byte of a text file's passage. */
#define BAD_BYTE '?'

/* Append s[0..n) to b repaired: invalid UTF-8 -> U+FFFD (with `narrow`:
 * BAD_BYTE for each of its bytes, so the result has exactly n bytes),
 * control characters -> space. Adds the invalid sequences to *invalid (may
 * be NULL). */
static int repair(sbuf *b, const char *s, size_t n, size_t *invalid, int narrow)
{
    const unsigned char *p = (const unsigned char *)s;
    /* Worst case: every byte becomes three. */
    if (n > (SIZE_MAX - 1) / 3 || !sbuf_reserve(b, n * 3 + 1)) {
        return 0;
    }
    unsigned char *o = (unsigned char *)b->data + b->len;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c >= 0x20 && c < 0x7F) {
            *o++ = (unsigned char)c;
            i++;
        } else if (c < 0x80) {
            *o++ = ' ';
            i++;
        } else {
            size_t bad, k = utf8_valid(p + i, n - i, &bad);
            if (k) {
                memcpy(o, p + i, k);
                o += k;
                i += k;
            } else if (narrow) {
                memset(o, BAD_BYTE, bad);
                o += bad;
                i += bad;
                if (invalid) {
                    (*invalid)++;
                }
            } else {
                *o++ = 0xEF;
                *o++ = 0xBF;
                *o++ = 0xBD;
                i += bad;
                if (invalid) {
                    (*invalid)++;
                }
            }
        }
    }
    b->len = (size_t)((char *)o - b->data);
    return 1;
}

static void warn(ns_reader *r, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(ns_reader *r, size_t line, const char *fmt, ...)
{
    if (!r->opts.warn) {
        return;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->opts.warn(r->opts.warn_ctx, r->path, line, msg);
}

/* Record a failure that ends the file; later calls repeat it. */
static ns_status fail(ns_reader *r, ns_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ns_status fail(ns_reader *r, ns_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->fail_msg, sizeof r->fail_msg, fmt, ap);
    va_end(ap);
    r->failed = st;
    return st;
}

static ns_status fail_nomem(ns_reader *r)
{
    return fail(r, NS_ERR_NOMEM, "%s: out of memory", r->path);
}

/* ------------------------------------------------------------------ */
/* Raw bytes                                                           */

static void check_changed(ns_reader *r)
{
    struct stat st;
    if (r->fd < 0 || fstat(r->fd, &st) != 0) {
        return;
    }
    if (st.st_size != r->st0.st_size || st.st_mtim.tv_sec != r->st0.st_mtim.tv_sec ||
        st.st_mtim.tv_nsec != r->st0.st_mtim.tv_nsec) {
        warn(r, 0, "file changed while being read (size %lld -> %lld bytes)",
             (long long)r->st0.st_size, (long long)st.st_size);
    }
}

/* Read up to cap raw bytes; *got = 0 at the end of the file. */
static ns_status raw_read(ns_reader *r, unsigned char *dst, size_t cap, size_t *got)
{
    size_t n = 0;
    *got = 0;
    if (r->raw_eof) {
        return NS_OK;
    }
    if (r->fd < 0) {
        n = r->mem_len - r->mem_pos;
        if (n > cap) {
            n = cap;
        }
        if (n > 0) {
            memcpy(dst, r->mem + r->mem_pos, n);
            r->mem_pos += n;
        }
    } else {
        ssize_t k;
        do {
            k = read(r->fd, dst, cap);
        } while (k < 0 && errno == EINTR);
        if (k < 0) {
            return fail(r, NS_ERR_IO, "%s: read error: %s", r->path, strerror(errno));
        }
        n = (size_t)k;
    }
    if (n == 0) {
        r->raw_eof = 1;
        check_changed(r);
        return NS_OK;
    }
    r->crc = (uint32_t)crc32(r->crc, dst, (uInt)n);
    *got = n;
    return NS_OK;
}

/* Read the rest of the raw bytes, for the CRC only. */
static void drain(ns_reader *r)
{
    if (r->raw_eof || r->failed) {
        return;
    }
    if (r->fd < 0) {
        size_t n = r->mem_len - r->mem_pos;
        while (n > 0) {
            /* crc32 takes uInt lengths. */
            size_t k = n > CHUNK ? CHUNK : n;
            r->crc = (uint32_t)crc32(r->crc, r->mem + r->mem_pos, (uInt)k);
            r->mem_pos += k;
            n -= k;
        }
        r->raw_eof = 1;
        return;
    }
    unsigned char *tmp = r->zin ? r->zin : malloc(CHUNK);
    if (!tmp) {
        return;
    }
    size_t got;
    do {
        if (raw_read(r, tmp, CHUNK, &got) != NS_OK) {
            break;
        }
    } while (got > 0);
    if (tmp != r->zin) {
        free(tmp);
    }
}

/* Append more decompressed bytes to the window; sets r->eof at the end. */
static ns_status fill(ns_reader *r)
{
    if (r->eof) {
        return NS_OK;
    }
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->scan -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end < CHUNK) {
        size_t want = r->end + CHUNK, cap = r->cap ? r->cap * 2 : 2 * CHUNK;
        if (cap < want) {
            cap = want;
        }
        if (cap > r->max_line + CHUNK && want <= r->max_line + CHUNK) {
            cap = r->max_line + CHUNK;
        }
        char *p = realloc(r->buf, cap);
        if (!p) {
            return fail_nomem(r);
        }
        r->buf = p;
        r->cap = cap;
    }
    size_t room = r->cap - r->end;
    if (!r->gz) {
        size_t got;
        ns_status st = raw_read(r, (unsigned char *)r->buf + r->end, room, &got);
        if (st != NS_OK) {
            return st;
        }
        if (got == 0) {
            r->eof = 1;
        }
        r->end += got;
        return NS_OK;
    }
    for (;;) {
        if (r->zs.avail_in == 0 && !r->raw_eof) {
            size_t got;
            ns_status st = raw_read(r, r->zin, CHUNK, &got);
            if (st != NS_OK) {
                return st;
            }
            r->zs.next_in = r->zin;
            r->zs.avail_in = (uInt)got;
        }
        if (r->zs.avail_in == 0) {
            /* Nothing came out: one message, the file refused, rather than
             * this warning and then "empty file". */
            if (r->z_in_member && !r->z_any) {
                return fail(r, NS_ERR_FORMAT, "%s: truncated gzip data, nothing to read, skipped",
                            r->path);
            }
            if (r->z_in_member) {
                warn(r, 0, "truncated gzip data, keeping what was read");
            }
            r->eof = 1;
            return NS_OK;
        }
        if (r->z_at_member) {
            /* After a member, only another gzip member may follow (as gzip
             * itself reads `cat a.gz b.gz`); anything else is ignored. */
            r->z_at_member = 0;
            if (r->zs.next_in[0] != 0x1F || (r->zs.avail_in > 1 && r->zs.next_in[1] != 0x8B)) {
                warn(r, 0, "trailing garbage after the gzip data ignored");
                r->eof = 1;
                return NS_OK;
            }
        }
        r->z_in_member = 1;
        r->zs.next_out = (unsigned char *)r->buf + r->end;
        r->zs.avail_out = (uInt)(room > UINT32_MAX ? UINT32_MAX : room);
        uInt before = r->zs.avail_out;
        int rc = inflate(&r->zs, Z_NO_FLUSH);
        size_t produced = before - r->zs.avail_out;
        r->end += produced;
        if (produced > 0) {
            r->z_any = 1;
        }
        if (rc == Z_STREAM_END) {
            /* Another gzip member may follow, as with `cat a.gz b.gz`. */
            r->z_in_member = 0;
            r->z_at_member = 1;
            inflateReset(&r->zs);
        } else if ((rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR) && !r->z_any) {
            /* Not gzip at all (a .gz name on plain text): one message, the
             * file refused, rather than this warning and "empty file". */
            return fail(r, NS_ERR_FORMAT, "%s: not gzip data (%s), skipped", r->path,
                        r->zs.msg ? r->zs.msg : "bad data");
        } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR) {
            warn(r, 0, "corrupt gzip data (%s), keeping what was read",
                 r->zs.msg ? r->zs.msg : "bad data");
            r->z_in_member = 0;
            r->eof = 1;
            return NS_OK;
        } else if (rc == Z_MEM_ERROR) {
            return fail_nomem(r);
        }
        if (produced > 0) {
            return NS_OK;
        }
    }
}

/* Where to cut p (at least max bytes long) to at most max bytes without
 * splitting a UTF-8 sequence. */
static size_t cut_point(const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = max, j = n;
    while (j > 0 && n - j < 4 && (p[j - 1] & 0xC0) == 0x80) {
        j--;
    }
    if (j > 0) {
        unsigned c = p[j - 1];
        size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (j - 1 + want > n) {
            n = j - 1;
        }
    }
    return n;
}

/* The next line: 1 with *line (valid until the next call) and *len, 0 at the
 * end, -1 on failure. *cut is set when the line was longer than max_line. */
static int next_line(ns_reader *r, const char **line, size_t *len, int *cut)
{
    *cut = 0;
    while (r->skipping) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        if (nl) {
            r->start = r->scan = (size_t)(nl - r->buf) + 1;
            r->skipping = 0;
            break;
        }
        r->start = r->scan = r->end;
        if (r->eof) {
            r->skipping = 0;
            return 0;
        }
        if (fill(r) != NS_OK) {
            return -1;
        }
    }
    for (;;) {
        char *nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
        if (nl) {
            size_t n = (size_t)(nl - (r->buf + r->start));
            *line = r->buf + r->start;
            r->start = r->scan = (size_t)(nl - r->buf) + 1;
            if (n > 0 && (*line)[n - 1] == '\r') {
                n--;
            }
            if (n > r->max_line) {
                n = cut_point(*line, r->max_line);
                *cut = 1;
            }
            *len = n;
            r->lineno++;
            return 1;
        }
        r->scan = r->end;
        if (r->end - r->start > r->max_line + 1) {
            /* Longer than the cap even without a CR: cut at a UTF-8
             * boundary, then drop the rest of the line. */
            size_t n = cut_point(r->buf + r->start, r->max_line);
            *line = r->buf + r->start;
            *len = n;
            *cut = 1;
            r->start = r->scan = r->end;
            r->skipping = 1;
            r->lineno++;
            return 1;
        }
        if (r->eof) {
            if (r->end > r->start) {
                size_t n = r->end - r->start;
                *line = r->buf + r->start;
                r->start = r->scan = r->end;
                if ((*line)[n - 1] == '\r') {
                    n--;
                }
                if (n > r->max_line) {
                    n = cut_point(*line, r->max_line);
                    *cut = 1;
                }
                *len = n;
                r->lineno++;
                return 1;
            }
            return 0;
        }
        if (fill(r) != NS_OK) {
            return -1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

ns_file_kind ns_file_kind_of(const char *path, int *gzipped)
{
    static const struct {
        const char *suffix;
        ns_file_kind kind;
        int gz;
    } kinds[] = {{".txt", NS_FILE_TEXT, 0},
                 {".txt.gz", NS_FILE_TEXT, 1},
                 {".jsonl", NS_FILE_JSONL, 0},
                 {".jsonl.gz", NS_FILE_JSONL, 1}};
    if (gzipped) {
        *gzipped = 0;
    }
    if (!path) {
        return NS_FILE_UNKNOWN;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t k = strlen(kinds[i].suffix);
        if (n > k && has_prefix_ci(base + n - k, k, kinds[i].suffix)) {
            if (gzipped) {
                *gzipped = kinds[i].gz;
            }
            return kinds[i].kind;
        }
    }
    return NS_FILE_UNKNOWN;
}

/* Base name of path without its corpus suffix, malloc'd. */
static char *make_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    static const char *const suffixes[] = {".txt.gz", ".jsonl.gz", ".txt", ".jsonl"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && has_prefix_ci(base + n - k, k, suffixes[i])) {
            n -= k;
            break;
        }
    }
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, base, n);
        s[n] = '\0';
    }
    return s;
}

void ns_reader_close(ns_reader *r)
{
    if (!r) {
        return;
    }
    if (r->fd >= 0) {
        close(r->fd);
    }
    if (r->zs_live) {
        inflateEnd(&r->zs);
    }
    free(r->zin);
    free(r->buf);
    free(r->path);
    free(r->id_stem);
    ns_buf_free(&r->text);
    ns_buf_free(&r->scratch);
    free(r->pb);
    free(r->pass);
    free(r->lines);
    free(r);
}

static ns_reader *reader_new(const char *path, const ns_reader_opts *opts, ns_error *err)
{
    ns_reader *r = calloc(1, sizeof *r);
    if (!r) {
        ns_error_set(err, NS_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    r->fd = -1;
    if (opts) {
        r->opts = *opts;
    }
    r->max_line = r->opts.max_line_bytes ? r->opts.max_line_bytes : NS_READER_MAX_LINE;
    r->path = strdup(path);
    r->id_stem = make_stem(path);
    if (!r->path || !r->id_stem) {
        ns_reader_close(r);
        ns_error_set(err, NS_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    return r;
}

/* Common second half of opening: gzip set-up, the binary sniff, the BOM. */
static ns_status reader_start(ns_reader *r, ns_reader **out, ns_error *err)
{
    if (r->gz) {
        r->zin = malloc(CHUNK);
        /* 15 + 32: a gzip or zlib header, detected. */
        if (!r->zin || inflateInit2(&r->zs, 15 + 32) != Z_OK) {
            ns_error_set(err, NS_ERR_NOMEM, "%s: out of memory", r->path);
            ns_reader_close(r);
            return NS_ERR_NOMEM;
        }
        r->zs_live = 1;
    }
    while (!r->eof && r->end - r->start < SNIFF) {
        if (fill(r) != NS_OK) {
            ns_error_set(err, r->failed, "%s", r->fail_msg);
            ns_status st = r->failed;
            ns_reader_close(r);
            return st;
        }
    }
    size_t n = r->end - r->start;
    if (memchr(r->buf + r->start, '\0', n < SNIFF ? n : SNIFF)) {
        ns_error_set(err, NS_ERR_FORMAT, "%s: binary file, skipped", r->path);
        ns_reader_close(r);
        return NS_ERR_FORMAT;
    }
    if (n >= 3 && memcmp(r->buf + r->start, "\xEF\xBB\xBF", 3) == 0) {
        r->start += 3;
        r->scan = r->start;
    }
    *out = r;
    return NS_OK;
}

ns_status ns_reader_open(const char *path, const ns_reader_opts *opts, ns_reader **out,
                         ns_error *err)
{
    *out = NULL;
    ns_error_clear(err);
    int gz;
    ns_file_kind kind = ns_file_kind_of(path, &gz);
    if (kind == NS_FILE_UNKNOWN) {
        return ns_error_set(err, NS_ERR_FORMAT,
                            "%s: not a corpus file (.txt, .jsonl, .txt.gz, .jsonl.gz)", path);
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        return ns_error_set(err, (e == ENOENT || e == ENOTDIR) ? NS_ERR_NOTFOUND : NS_ERR_IO,
                            "%s: %s", path, strerror(e));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return ns_error_set(err, NS_ERR_IO, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ns_error_set(err, NS_ERR_FORMAT, "%s: not a regular file", path);
    }
    if (opts && opts->max_file_bytes && (uint64_t)st.st_size > opts->max_file_bytes) {
        close(fd);
        return ns_error_set(
            err, NS_ERR_FORMAT, "%s: file is %llu bytes, larger than the limit of %llu bytes", path,
            (unsigned long long)st.st_size, (unsigned long long)opts->max_file_bytes);
    }
    /* Blocking reads from here on (a regular file never blocks anyway). */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) {
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    ns_reader *r = reader_new(path, opts, err);
    if (!r) {
        close(fd);
        return NS_ERR_NOMEM;
    }
    r->fd = fd;
    r->st0 = st;
    r->kind = kind;
    r->gz = gz;
    return reader_start(r, out, err);
}

ns_status ns_reader_open_mem(const char *name, const void *data, size_t len, ns_file_kind kind,
                             int gzipped, const ns_reader_opts *opts, ns_reader **out,
                             ns_error *err)
{
    *out = NULL;
    ns_error_clear(err);
    if (kind == NS_FILE_UNKNOWN) {
        kind = ns_file_kind_of(name, &gzipped);
        if (kind == NS_FILE_UNKNOWN) {
            return ns_error_set(err, NS_ERR_FORMAT,
                                "%s: not a corpus file (.txt, .jsonl, .txt.gz, .jsonl.gz)", name);
        }
    }
    if (opts && opts->max_file_bytes && (uint64_t)len > opts->max_file_bytes) {
        return ns_error_set(err, NS_ERR_FORMAT,
                            "%s: file is %llu bytes, larger than the limit of %llu bytes", name,
                            (unsigned long long)len, (unsigned long long)opts->max_file_bytes);
    }
    ns_reader *r = reader_new(name, opts, err);
    if (!r) {
        return NS_ERR_NOMEM;
    }
    r->mem = data;
    r->mem_len = data ? len : 0;
    r->kind = kind;
    r->gz = gzipped != 0;
    return reader_start(r, out, err);
}

uint32_t ns_reader_crc32(const ns_reader *r)
{
    return r ? r->crc : 0;
}

ns_status ns_file_crc32(const char *path, uint32_t *out, ns_error *err)
{
    ns_error_clear(err);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        return ns_error_set(err, (e == ENOENT || e == ENOTDIR) ? NS_ERR_NOTFOUND : NS_ERR_IO,
                            "%s: %s", path, strerror(e));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ns_error_set(err, NS_ERR_IO, "%s: not a regular file", path);
    }
    unsigned char *buf = malloc(CHUNK);
    if (!buf) {
        close(fd);
        return ns_error_set(err, NS_ERR_NOMEM, "%s: out of memory", path);
    }
    uint32_t crc = 0;
    ns_status rc = NS_OK;
    for (;;) {
        ssize_t k = read(fd, buf, CHUNK);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0) {
            rc = ns_error_set(err, NS_ERR_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (k == 0) {
            break;
        }
        crc = (uint32_t)crc32(crc, buf, (uInt)k);
    }
    free(buf);
    close(fd);
    if (rc == NS_OK) {
        *out = crc;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Building an article                                                 */

static void article_reset(ns_reader *r)
{
    r->text.len = 0;
    r->npb = 0;
    r->nlines = 0;
    r->nomem = 0;
    memset(&r->art, 0, sizeof r->art);
}

/* Append a single-line field (trimmed, repaired, controls as spaces) and a
 * NUL; returns its offset in r->text. */
static size_t put_field(ns_reader *r, const char *s, size_t n)
{
    size_t off = r->text.len;
    trim(&s, &n);
    if (!repair(&r->text, s, n, NULL, 0) || !sbuf_reserve(&r->text, 1)) {
        r->nomem = 1;
        return off;
    }
    r->text.data[r->text.len++] = '\0';
    return off;
}

static size_t put_cstr(ns_reader *r, const char *s)
{
    return put_field(r, s, strlen(s));
}

/* One passage from p[0..n): trimmed, repaired, at (line, col), plus the
 * bytes trimmed at the front when `track`. */
static void add_passage(ns_reader *r, const char *p, size_t n, size_t line, size_t col, int track)
{
    size_t lead = trim(&p, &n);
    if (n == 0) {
        return;
    }
    if (r->npb == r->cappb) {
        size_t cap = r->cappb ? r->cappb * 2 : 16;
        pbuild *pb = realloc(r->pb, cap * sizeof *pb);
        if (!pb) {
            r->nomem = 1;
            return;
        }
        r->pb = pb;
        r->cappb = cap;
    }
    size_t off = r->text.len;
    /* A text file's passage keeps its source's bytes one for one (invalid
     * ones become BAD_BYTE), so a byte offset into the passage plus its
     * column is the byte column in the file: that is what --vimgrep and the
     * JSON spans promise. (JSON Lines passages are decoded strings whose
     * offsets never match the line's: they stay at column 1.) */
    if (!repair(&r->text, p, n, NULL, track)) {
        r->nomem = 1;
        return;
    }
    pbuild *b = &r->pb[r->npb++];
    b->off = off;
    b->len = r->text.len - off;
    b->line = line;
    b->column = track ? col + lead : col;
}

/* Words (runs of non-whitespace) in p[0..n), counting no further than
 * `limit` + 1. */
static size_t count_words_upto(const char *p, size_t n, size_t limit)
{
    size_t words = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int w = !is_ws((unsigned char)p[i]);
        if (w && !in && ++words > limit) {
            break;
        }
        in = w;
    }
    return words;
}

static size_t count_words(const char *p, size_t n)
{
    return count_words_upto(p, n, SIZE_MAX);
}

/* Does the word ending just before the '.' at p[i] abbreviate something
 * ("U.S.", "J.", "Mr.", "Jan.")? */
static int abbreviation(const char *p, size_t i)
{
    static const char *const abbrevs[] = {
        "Mr",  "Mrs", "Ms",  "Dr",  "Prof",   "Sr",   "Jr",  "St",  "Mt",   "Gen",   "Sen",  "Rep",
        "Gov", "Lt",  "Col", "Sgt", "Capt",   "Cmdr", "Adm", "Maj", "Rev",  "Hon",   "Pres", "Gens",
        "Jan", "Feb", "Mar", "Apr", "Jun",    "Jul",  "Aug", "Sep", "Sept", "Oct",   "Nov",  "Dec",
        "No",  "Nos", "vs",  "v",   "approx", "Fig",  "ca",  "cf",  "Ft",   "Messrs"};
    size_t s = i;
    while (s > 0 && !is_ws((unsigned char)p[s - 1])) {
        s--;
    }
    while (s < i && (p[s] == '(' || p[s] == '"' || p[s] == '\'')) {
        s++;
    }
    size_t n = i - s;
    if (n == 0) {
        return 0;
    }
    if (memchr(p + s, '.', n)) {
        return 1; /* U.S, a.m, e.g */
    }
    if (n == 1 && is_upper((unsigned char)p[s])) {
        return 1; /* an initial */
    }
    for (size_t k = 0; k < sizeof abbrevs / sizeof abbrevs[0]; k++) {
        if (strlen(abbrevs[k]) == n && memcmp(abbrevs[k], p + s, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Can p[0..n) start a sentence? */
static int sentence_starter(const unsigned char *p, size_t n)
{
    if (n == 0) {
        return 0;
    }
    unsigned c = p[0];
    if (is_upper((unsigned char)c) || (c >= '0' && c <= '9') || c == '"' || c == '\'' || c == '(' ||
        c == '[') {
        return 1;
    }
    if (n >= 3 && c == 0xE2 && p[1] == 0x80 && (p[2] == 0x9C || p[2] == 0x98)) {
        return 1; /* opening curly quotes */
    }
    return c >= 0xC3 && c <= 0xD4; /* a Latin, Greek or Cyrillic letter */
}

/* Start of the sentence after the one starting at `from`, or n; *words
 * gets the words of the sentence. One pass: this runs over every byte of
 * every long paragraph. */
static size_t next_sentence(const char *p, size_t n, size_t from, size_t *words)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t count = 0;
    int in = 0;
    for (size_t i = from; i < n; i++) {
        unsigned c = u[i];
        if (c <= ' ' && is_ws((unsigned char)c)) {
            in = 0;
            continue;
        }
        if (!in) {
            count++;
            in = 1;
        }
        if (c != '.' && c != '?' && c != '!') {
            continue;
        }
        size_t j = i + 1;
        for (;;) {
            if (j < n && (u[j] == '"' || u[j] == '\'' || u[j] == ')' || u[j] == ']')) {
                j++;
            } else if (j + 2 < n && u[j] == 0xE2 && u[j + 1] == 0x80 &&
                       (u[j + 2] == 0x9D || u[j + 2] == 0x99)) {
                j += 3;
            } else {
                break;
            }
        }
        if (j >= n || !is_ws(u[j])) {
            continue;
        }
        size_t k = j;
        while (k < n && is_ws(u[k])) {
            k++;
        }
        if (!sentence_starter(u + k, n - k)) {
            continue;
        }
        if (u[i] == '.' && abbreviation(p, i)) {
            continue;
        }
        *words = count;
        return k;
    }
    *words = count;
    return n;
}

/* Emit the window p[a..b) of `words` words; one above HARD_WORDS is cut at
 * word boundaries into even parts of at most MAX_WORDS. */
static void emit_window(ns_reader *r, const char *p, size_t a, size_t b, size_t words, size_t line,
                        size_t col, int track)
{
    if (words <= HARD_WORDS) {
        add_passage(r, p + a, b - a, line, track ? col + a : col, track);
        return;
    }
    size_t parts = (words + MAX_WORDS - 1) / MAX_WORDS;
    size_t per = (words + parts - 1) / parts;
    size_t start = a, count = 0;
    int in = 0;
    for (size_t i = a; i < b; i++) {
        int w = !is_ws((unsigned char)p[i]);
        if (w && !in) {
            if (count == per) {
                add_passage(r, p + start, i - start, line, track ? col + start : col, track);
                start = i;
                count = 0;
            }
            count++;
        }
        in = w;
    }
    add_passage(r, p + start, b - start, line, track ? col + start : col, track);
}

/* A paragraph p[0..n) whose first byte is at (line, col); with `track`,
 * windows get the column of their own first byte, else col. */
static void add_paragraph(ns_reader *r, const char *p, size_t n, size_t line, size_t col, int track)
{
    if (count_words_upto(p, n, MAX_WORDS) <= MAX_WORDS) {
        add_passage(r, p, n, line, col, track);
        return;
    }
    /* Greedy windows of whole sentences, one window held back so that a
     * short last one can join it. */
    size_t pa = 0, pb = 0, pw = 0; /* held window */
    int held = 0;
    size_t wa = 0, ww = 0, s = 0;
    while (s < n) {
        size_t sw;
        size_t e = next_sentence(p, n, s, &sw);
        if (ww > 0 && ww + sw > MAX_WORDS && ww >= MIN_WORDS) {
            if (held) {
                emit_window(r, p, pa, pb, pw, line, col, track);
            }
            pa = wa, pb = s, pw = ww, held = 1;
            wa = s;
            ww = 0;
        }
        ww += sw;
        s = e;
    }
    if (held && ww < TAIL_WORDS && pw + ww <= HARD_WORDS) {
        emit_window(r, p, pa, n, pw + ww, line, col, track);
        return;
    }
    if (held) {
        emit_window(r, p, pa, pb, pw, line, col, track);
    }
    emit_window(r, p, wa, n, ww, line, col, track);
}

/* An agency tag in the first paragraph: "(MENAFN) ...", "(Reuters) - ...",
 * "CITY Dec 28 (Reuters) - ...". Returns its length, *tag set. */
static size_t agency_tag(const char *p, size_t n, const char **tag)
{
    size_t limit = n < 100 ? n : 100;
    const char *open = memchr(p, '(', limit);
    if (!open) {
        return 0;
    }
    size_t a = (size_t)(open - p) + 1, b = a;
    int caps = 1; /* capitals only, no digits */
    while (b < n && b - a <= 24 && p[b] != ')') {
        unsigned char c = (unsigned char)p[b];
        if (!(is_alnum(c) || c == ' ' || c == '&' || c == '.' || c == '-')) {
            return 0;
        }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            caps = 0;
        }
        b++;
    }
    if (b >= n || p[b] != ')' || b - a < 2 || b - a > 24 || !is_upper((unsigned char)p[a])) {
        return 0;
    }
    /* What follows: a dash, or (for a tag that opens the paragraph in
     * capitals) anything. */
    size_t k = b + 1;
    while (k < n && p[k] == ' ') {
        k++;
    }
    int dash = (k < n && p[k] == '-') ||
               (k + 2 < n && (unsigned char)p[k] == 0xE2 && (unsigned char)p[k + 1] == 0x80 &&
                ((unsigned char)p[k + 2] == 0x93 || (unsigned char)p[k + 2] == 0x94));
    if (!dash && !(a == 1 && caps)) {
        return 0;
    }
    *tag = p + a;
    return b - a;
}

/* Turn the built passages and field offsets into r->art. */
static ns_status article_finish(ns_reader *r, size_t id, size_t title, size_t source, size_t url)
{
    if (r->nomem) {
        return fail_nomem(r);
    }
    if (r->npb > r->cappass) {
        ns_passage *ps = realloc(r->pass, r->npb * sizeof *ps);
        if (!ps) {
            return fail_nomem(r);
        }
        r->pass = ps;
        r->cappass = r->npb;
    }
    for (size_t i = 0; i < r->npb; i++) {
        r->pass[i].text = r->text.data + r->pb[i].off;
        r->pass[i].len = r->pb[i].len;
        r->pass[i].line = r->pb[i].line;
        r->pass[i].column = r->pb[i].column;
    }
    r->art.id = r->text.data + id;
    r->art.path = r->path;
    r->art.title = r->text.data + title;
    r->art.source = r->text.data + source;
    r->art.url = r->text.data + url;
    r->art.passages = r->npb ? r->pass : NULL;
    r->art.npassages = r->npb;
    return NS_OK;
}

/* One warning per file, at the line of the first invalid sequence: every
 * file shape is read line by line, so there always is one. */
static void warn_invalid(ns_reader *r)
{
    if (r->invalid == 1) {
        warn(r, r->invalid_line, "1 invalid UTF-8 sequence replaced");
    } else if (r->invalid > 1) {
        warn(r, r->invalid_line, "%zu invalid UTF-8 sequences replaced (the first here)",
             r->invalid);
    }
}

/* After adding the invalid sequences of line `line` to r->invalid (which
 * was `before`): when they are the file's first, note their line. */
static void note_invalid(ns_reader *r, size_t before, size_t line)
{
    if (before == 0 && r->invalid > 0) r->invalid_line = line;
}

/* ------------------------------------------------------------------ */
/* Text articles                                                       */

enum { H_NONE, H_TITLE, H_DATE, H_SOURCE, H_URL, H_SECTION };

/* Is s[0..n) a header line `Key: value` with a known key? */
static int header_line(const char *s, size_t n, const char **val, size_t *vlen)
{
    static const struct {
        const char *key;
        int kind;
    } keys[] = {{"title", H_TITLE},    {"headline", H_TITLE},   {"date", H_DATE},
                {"published", H_DATE}, {"publishedat", H_DATE}, {"pubdate", H_DATE},
                {"source", H_SOURCE},  {"publisher", H_SOURCE}, {"url", H_URL},
                {"link", H_URL},       {"section", H_SECTION}};
    size_t k = 0;
    while (k < n && k < 16 && ((s[k] >= 'a' && s[k] <= 'z') || is_upper((unsigned char)s[k]))) {
        k++;
    }
    if (k == 0 || k >= n || s[k] != ':') {
        return H_NONE;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strlen(keys[i].key) == k && has_prefix_ci(s, k, keys[i].key)) {
            *val = s + k + 1;
            *vlen = n - k - 1;
            trim(val, vlen);
            return keys[i].kind;
        }
    }
    return H_NONE;
}

/* Is s[0..n) a "Published in News & Features" line? */
static int published_in(const char *s, size_t n)
{
    if (!has_prefix_ci(s, n, "published in ") || n - 13 > 60) {
        return 0;
    }
    const char *v = s + 13;
    size_t vn = n - 13;
    trim(&v, &vn);
    if (vn == 0 || count_words(v, vn) > 6) {
        return 0;
    }
    for (size_t i = 0; i < vn; i++) {
        if (strchr(".,;:!?\"", v[i])) {
            return 0;
        }
    }
    return 1;
}

static int separator_line(const char *s, size_t n)
{
    char c = 0;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\t') {
            continue;
        }
        if (!strchr("_-*=", s[i]) || (c && s[i] != c)) {
            return 0;
        }
        c = s[i];
        count++;
    }
    return count >= 3;
}

/* A line with no letter or digit in any script is not a passage. */
static int contentless(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alnum(c) || c >= 0x80) {
            return 0;
        }
    }
    return 1;
}

static int comments_line(const char *s, size_t n)
{
    if (n < 8 || memcmp(s, "Comments", 8) != 0) {
        return 0;
    }
    if (n == 8) {
        return 1;
    }
    unsigned char c = (unsigned char)s[8];
    return !(c == ' ' || c == '\t' || (c >= 'a' && c <= 'z'));
}

/* Length of a copyright marker at s ("©", "(c)", "Copyright ©", ...), or 0. */
static size_t copyright_marker(const char *s, size_t n)
{
    size_t i = 0, k;
    int any = 0;
    for (;;) {
        while (i < n && s[i] == ' ') {
            i++;
        }
        if (n - i >= 2 && memcmp(s + i, "\xC2\xA9", 2) == 0) {
            k = 2;
        } else if (has_prefix_ci(s + i, n - i, "(c)")) {
            k = 3;
        } else if (has_prefix_ci(s + i, n - i, "copyright")) {
            k = 9;
        } else {
            break;
        }
        i += k;
        any = 1;
    }
    if (!any) {
        return 0;
    }
    /* "Copyright law ..." is a sentence, not a notice: after a bare
     * "Copyright" a year or another marker must follow. */
    if (has_prefix_ci(s, n, "copyright")) {
        size_t j = 9;
        while (j < n && s[j] == ' ') {
            j++;
        }
        if (j == i && !(j < n && s[j] >= '0' && s[j] <= '9')) {
            return 0;
        }
    }
    return i;
}

static int copyright_line(const char *s, size_t n)
{
    if (n > 300) {
        return 0;
    }
    return copyright_marker(s, n) > 0 || has_prefix_ci(s, n, "distributed by ") ||
           find_ci(s, n, "all rights reserved") < n;
}

/* Cut a name at the end of its sentence: "Bloomberg L.P. Visit ..." ->
 * "Bloomberg L.P.", "Tribune Content Agency, LLC." -> "... LLC". */
static void name_end(const char *s, size_t *n)
{
    size_t len = *n;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ';' || s[i] == '|' || (s[i] == '.' && (i + 1 == len || s[i + 1] == ' '))) {
            len = i;
            break;
        }
    }
    size_t arr = find_ci(s, len, "all rights reserved");
    if (arr < len) {
        len = arr;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == ',' || s[len - 1] == '.')) {
        len--;
    }
    /* Keep the period of a dotted abbreviation: "L.P." */
    size_t w = len;
    while (w > 0 && s[w - 1] != ' ') {
        w--;
    }
    if (len < *n && s[len] == '.' && memchr(s + w, '.', len - w)) {
        len++;
    }
    *n = len;
}

/* The source named by a footer: the copyright holder, else the distributor. */
static int footer_source(ns_reader *r, size_t from, const char **src, size_t *srclen)
{
    const char *dist = NULL;
    size_t distlen = 0;
    for (size_t j = from; j < r->nlines; j++) {
        const char *s = r->text.data + r->lines[j].off;
        size_t n = r->lines[j].len;
        size_t k = copyright_marker(s, n);
        if (k > 0) {
            /* Skip the years: "2025", "2019-2025", "2024, 2025". */
            while (k < n &&
                   ((s[k] >= '0' && s[k] <= '9') || s[k] == ' ' || s[k] == '-' || s[k] == ',')) {
                k++;
            }
            const char *h = s + k;
            size_t hn = n - k;
            trim(&h, &hn);
            name_end(h, &hn);
            if (hn > 0) {
                *src = h;
                *srclen = hn;
                return 1;
            }
        }
        size_t d = find_ci(s, n, "distributed by ");
        if (!dist && d < n) {
            dist = s + d + 15;
            distlen = n - d - 15;
            trim(&dist, &distlen);
            name_end(dist, &distlen);
        }
    }
    if (dist && distlen > 0) {
        *src = dist;
        *srclen = distlen;
        return 1;
    }
    return 0;
}

/* Parse a date field; an invalid one is NS_NO_DATE and a warning. */
static void date_value(ns_reader *r, const char *s, size_t n, size_t line, int64_t *date)
{
    if (ns_date_parse(s, n, date) != NS_OK) {
        *date = NS_NO_DATE;
        warn(r, line, "invalid date \"%.*s\"", (int)(n > 80 ? 80 : n), s);
    }
}

/* Collect the non-blank lines of a text file, trimmed, into r->text. */
static ns_status collect_lines(ns_reader *r)
{
    for (;;) {
        const char *l;
        size_t n;
        int cut;
        int rc = next_line(r, &l, &n, &cut);
        if (rc < 0) {
            return r->failed;
        }
        if (rc == 0) {
            return NS_OK;
        }
        if (cut) {
            warn(r, r->lineno, "line longer than %zu bytes cut", r->max_line);
        }
        size_t before = r->invalid;
        r->invalid += count_invalid(l, n);
        note_invalid(r, before, r->lineno);
        size_t lead = trim(&l, &n);
        if (n == 0) {
            continue;
        }
        if (r->nlines == NS_READER_MAX_TEXT_LINES || r->text.len + n > NS_READER_MAX_TEXT) {
            warn(r, r->lineno, "article longer than %zu lines or %zu bytes: the rest is left out",
                 NS_READER_MAX_TEXT_LINES, NS_READER_MAX_TEXT);
            return NS_OK;
        }
        if (r->nlines == r->caplines) {
            size_t cap = r->caplines ? r->caplines * 2 : 64;
            tline *t = realloc(r->lines, cap * sizeof *t);
            if (!t) {
                return fail_nomem(r);
            }
            r->lines = t;
            r->caplines = cap;
        }
        if (!sbuf_reserve(&r->text, n)) {
            return fail_nomem(r);
        }
        tline *t = &r->lines[r->nlines++];
        t->off = r->text.len;
        t->len = n;
        t->no = r->lineno;
        t->col = lead + 1;
        memcpy(r->text.data + r->text.len, l, n);
        r->text.len += n;
    }
}

static ns_status read_text(ns_reader *r, const ns_article **out)
{
    article_reset(r);
    ns_status st = collect_lines(r);
    if (st != NS_OK) {
        return st;
    }
    drain(r);
    r->done = 1;
    warn_invalid(r);
    if (r->nlines == 0) {
        warn(r, 0, "empty file");
        return NS_DONE;
    }

    /* The lines' bytes stay at the front of r->text; fields and passages
     * go after them. Line text is addressed by offset, since r->text can
     * move as it grows. */
    const char *val;
    size_t vlen;
    size_t m = r->nlines, k = 0;
    size_t title_ln = SIZE_MAX, source_ln = SIZE_MAX, url_ln = SIZE_MAX;
    size_t title_off = 0, title_len = 0, source_off = 0, source_len = 0, url_off = 0, url_len = 0;
    int have_section = 0; /* recognized so that it is no passage; not kept */
    int have_date = 0;
    r->art.date = NS_NO_DATE;
#define LINE_AT(j) (r->text.data + r->lines[j].off)
    if (header_line(LINE_AT(0), r->lines[0].len, &val, &vlen) == H_NONE) {
        title_ln = 0;
        title_off = r->lines[0].off;
        title_len = r->lines[0].len;
        k = 1;
    }
    while (k < m) {
        const char *s = LINE_AT(k);
        size_t n = r->lines[k].len;
        int h = header_line(s, n, &val, &vlen);
        size_t voff = h != H_NONE ? (size_t)(val - r->text.data) : 0;
        if (h == H_TITLE && title_ln == SIZE_MAX) {
            title_ln = k, title_off = voff, title_len = vlen;
        } else if (h == H_DATE && !have_date) {
            have_date = 1;
            if (vlen > 0) {
                date_value(r, val, vlen, r->lines[k].no, &r->art.date);
            }
        } else if (h == H_SOURCE && source_ln == SIZE_MAX) {
            source_ln = k, source_off = voff, source_len = vlen;
        } else if (h == H_URL && url_ln == SIZE_MAX) {
            url_ln = k, url_off = voff, url_len = vlen;
        } else if (h == H_SECTION && !have_section) {
            have_section = 1;
        } else if (h != H_NONE) {
            /* a repeated header: first wins */
        } else if (!have_date && ns_date_parse(s, n, &r->art.date) == NS_OK) {
            have_date = 1;
        } else if (!have_section && published_in(s, n)) {
            have_section = 1;
        } else {
            break;
        }
        k++;
    }

    /* The footer, from the end. */
    size_t f = m, e = m;
    if (e > k && comments_line(LINE_AT(e - 1), r->lines[e - 1].len)) {
        f = --e;
    }
    size_t c = SIZE_MAX;
    for (size_t j = e; j > k && j + 3 > e; j--) {
        if (copyright_line(LINE_AT(j - 1), r->lines[j - 1].len)) {
            c = j - 1;
        }
    }
    if (c != SIZE_MAX) {
        f = c;
        if (c > k && separator_line(LINE_AT(c - 1), r->lines[c - 1].len)) {
            f = c - 1;
        }
    } else if (e > k && separator_line(LINE_AT(e - 1), r->lines[e - 1].len)) {
        f = e - 1;
    }

    /* Source: header, footer, agency tag. */
    if (source_ln == SIZE_MAX) {
        const char *src;
        size_t srclen;
        if (footer_source(r, f, &src, &srclen)) {
            source_ln = f, source_off = (size_t)(src - r->text.data), source_len = srclen;
        }
    }
    int first = 1;
    for (size_t j = k; j < f; j++) {
        const char *s = LINE_AT(j);
        size_t n = r->lines[j].len;
        if (contentless(s, n)) {
            continue;
        }
        if (first && source_ln == SIZE_MAX) {
            const char *tag;
            size_t taglen = agency_tag(s, n, &tag);
            if (taglen) {
                source_ln = j, source_off = (size_t)(tag - r->text.data), source_len = taglen;
            }
        }
        first = 0;
        /* r->text moves as passages are added to it: work on a copy. */
        r->scratch.len = 0;
        if (!sbuf_reserve(&r->scratch, n)) {
            return fail_nomem(r);
        }
        memcpy(r->scratch.data, s, n);
        add_paragraph(r, r->scratch.data, n, r->lines[j].no, r->lines[j].col, 1);
    }
#undef LINE_AT

    /* Copy each field from its offset (r->text grows, so through scratch). */
    size_t fields[4];
    const size_t offs[3] = {title_off, source_off, url_off};
    const size_t lens[3] = {title_len, source_ln == SIZE_MAX ? 0 : source_len,
                            url_ln == SIZE_MAX ? 0 : url_len};
    for (int i = 0; i < 3; i++) {
        r->scratch.len = 0;
        if (!sbuf_reserve(&r->scratch, lens[i] + 1)) {
            return fail_nomem(r);
        }
        memcpy(r->scratch.data, r->text.data + offs[i], lens[i]);
        fields[i] = put_field(r, r->scratch.data, lens[i]);
    }
    fields[3] = put_cstr(r, r->id_stem);
    if (r->art.date == NS_NO_DATE) {
        /* Undated in the text (shape A carries no date): a file named like
         * 2025-12-06-slug.txt still dates the article, at midnight UTC. */
        int64_t d;
        const char *stem = r->id_stem;
        if (strlen(stem) >= 10 && stem[4] == '-' && stem[7] == '-' &&
            (stem[10] == '\0' || stem[10] == '-' || stem[10] == '_') &&
            ns_date_parse(stem, 10, &d) == NS_OK) {
            r->art.date = d;
        }
    }
    r->art.line = 1;
    r->art.title_line = title_ln != SIZE_MAX && title_len > 0 ? r->lines[title_ln].no : 0;
    if (r->npb == 0) {
        /* Indexed (its id, title and date count), but no query lists an
         * article without a passage: say so, at its last line. */
        warn(r, r->lines[m - 1].no,
             "no text after the title and headers: indexed, but no search can list it");
    }
    st = article_finish(r, fields[3], fields[0], fields[1], fields[2]);
    if (st != NS_OK) {
        return st;
    }
    *out = &r->art;
    return NS_OK;
}

/* ------------------------------------------------------------------ */
/* JSON Lines articles                                                 */

/* The first key of `keys` whose value is a non-blank string. */
static const char *json_str(json_t *o, const char *const *keys, size_t *len)
{
    for (; *keys; keys++) {
        json_t *v = json_object_get(o, *keys);
        if (json_is_string(v)) {
            const char *s = json_string_value(v);
            size_t n = json_string_length(v);
            const char *t = s;
            size_t tn = n;
            trim(&t, &tn);
            if (tn > 0) {
                *len = n;
                return s;
            }
        }
    }
    return NULL;
}

static int usable(json_t *v)
{
    if (!v || json_is_null(v)) {
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        trim(&s, &n);
        return n > 0;
    }
    return 1;
}

/* Split a string body into paragraphs: on blank lines, or on newlines when
 * it has none. */
static void add_body_string(ns_reader *r, const char *s, size_t n, size_t line)
{
    int blank = 0;
    for (size_t i = 0; i < n && !blank; i++) {
        if (s[i] == '\n') {
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) {
                j++;
            }
            blank = j < n && s[j] == '\n';
        }
    }
    size_t a = 0;
    while (a <= n) {
        size_t b = a;
        if (blank) {
            /* up to a newline followed by a blank line */
            for (;;) {
                const char *nl = memchr(s + b, '\n', n - b);
                if (!nl) {
                    b = n;
                    break;
                }
                size_t j = (size_t)(nl - s) + 1;
                while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) {
                    j++;
                }
                if (j < n && s[j] == '\n') {
                    b = (size_t)(nl - s);
                    break;
                }
                b = j;
            }
        } else {
            const char *nl = memchr(s + a, '\n', n - a);
            b = nl ? (size_t)(nl - s) : n;
        }
        const char *p = s + a;
        size_t pn = b - a;
        trim(&p, &pn);
        if (pn > 0 && !contentless(p, pn)) {
            add_paragraph(r, p, pn, line, 1, 0);
        }
        a = b + 1;
    }
}

static ns_status read_jsonl(ns_reader *r, const ns_article **out)
{
    static const char *const k_title[] = {"title", "headline", NULL};
    static const char *const k_date[] = {"date", "published", "publishedAt", "pubDate", NULL};
    static const char *const k_source[] = {"source", "publisher", NULL};
    static const char *const k_body[] = {"body", "text", "content", NULL};
    static const char *const k_url[] = {"url", "link", NULL};
    for (;;) {
        const char *l;
        size_t n;
        int cut;
        int rc = next_line(r, &l, &n, &cut);
        if (rc < 0) {
            return r->failed;
        }
        if (rc == 0) {
            drain(r);
            r->done = 1;
            warn_invalid(r);
            if (r->nonblank == 0) {
                warn(r, 0, "empty file");
            }
            return NS_DONE;
        }
        size_t line = r->lineno;
        trim(&l, &n);
        if (n == 0) {
            continue;
        }
        r->nonblank++;
        if (cut) {
            warn(r, line, "line longer than %zu bytes, record skipped", r->max_line);
            continue;
        }
        r->scratch.len = 0;
        size_t before = r->invalid;
        if (!repair(&r->scratch, l, n, &r->invalid, 0)) {
            return fail_nomem(r);
        }
        note_invalid(r, before, line);
        json_error_t je;
        json_t *o = json_loadb(r->scratch.data, r->scratch.len, JSON_ALLOW_NUL, &je);
        if (!o) {
            warn(r, line, "malformed JSON (%s)", je.text);
            continue;
        }
        if (!json_is_object(o)) {
            warn(r, line, "not a JSON object, record skipped");
            json_decref(o);
            continue;
        }
        article_reset(r);
        r->art.line = line;
        r->art.date = NS_NO_DATE;

        /* body */
        json_t *body = NULL;
        for (const char *const *k = k_body; *k && !body; k++) {
            json_t *v = json_object_get(o, *k);
            if (json_is_array(v) || usable(v)) {
                body = v;
            }
        }
        if (json_is_string(body)) {
            add_body_string(r, json_string_value(body), json_string_length(body), line);
        } else if (json_is_array(body)) {
            size_t i;
            json_t *v;
            json_array_foreach(body, i, v)
            {
                if (json_is_string(v)) {
                    const char *p = json_string_value(v);
                    size_t pn = json_string_length(v);
                    trim(&p, &pn);
                    if (pn > 0 && !contentless(p, pn)) {
                        add_paragraph(r, p, pn, line, 1, 0);
                    }
                }
            }
        }
        if (r->nomem) {
            json_decref(o);
            return fail_nomem(r);
        }
        if (r->npb == 0) {
            warn(r, line, "no body, record skipped");
            json_decref(o);
            continue;
        }

        /* date: the first present key wins, valid or not */
        for (const char *const *k = k_date; *k; k++) {
            json_t *v = json_object_get(o, *k);
            if (!usable(v)) {
                continue;
            }
            if (json_is_string(v)) {
                date_value(r, json_string_value(v), json_string_length(v), line, &r->art.date);
            } else if (json_is_number(v)) {
                double d = json_number_value(v);
                if (d > 1e11 || d < -1e11) {
                    d /= 1000; /* milliseconds */
                }
                if (d > -1e13 && d < 1e13) {
                    r->art.date = (int64_t)d;
                } else {
                    warn(r, line, "invalid date %g", json_number_value(v));
                }
            } else {
                warn(r, line, "invalid date (not a string or number)");
            }
            break;
        }

        size_t len = 0;
        const char *s = json_str(o, k_title, &len);
        size_t title = s ? put_field(r, s, len) : put_cstr(r, "");
        r->art.title_line = s ? line : 0;

        s = json_str(o, k_source, &len);
        if (!s) {
            for (const char *const *k = k_source; *k && !s; k++) {
                json_t *v = json_object_get(o, *k);
                if (json_is_object(v)) {
                    static const char *const k_name[] = {"name", NULL};
                    s = json_str(v, k_name, &len);
                }
            }
        }
        if (!s && r->npb > 0) {
            const char *tag;
            /* The first passage's text is repaired, in r->text. */
            size_t taglen = agency_tag(r->text.data + r->pb[0].off, r->pb[0].len, &tag);
            if (taglen) {
                r->scratch.len = 0;
                if (!sbuf_reserve(&r->scratch, taglen)) {
                    json_decref(o);
                    return fail_nomem(r);
                }
                memcpy(r->scratch.data, tag, taglen);
                s = r->scratch.data;
                len = taglen;
            }
        }
        size_t source = s ? put_field(r, s, len) : put_cstr(r, "");

        s = json_str(o, k_url, &len);
        size_t url = s ? put_field(r, s, len) : put_cstr(r, "");

        size_t id;
        json_t *jid = json_object_get(o, "id");
        const char *const k_id[] = {"id", NULL};
        if ((s = json_str(o, k_id, &len)) != NULL) {
            id = put_field(r, s, len);
        } else if (json_is_integer(jid)) {
            char num[32];
            snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(jid));
            id = put_cstr(r, num);
        } else {
            char num[32];
            snprintf(num, sizeof num, ":%zu", line);
            id = put_cstr(r, r->id_stem);
            /* extend the NUL-terminated stem in place */
            if (!r->nomem) {
                r->text.len--;
                size_t k = strlen(num);
                if (sbuf_reserve(&r->text, k + 1)) {
                    memcpy(r->text.data + r->text.len, num, k + 1);
                    r->text.len += k + 1;
                } else {
                    r->nomem = 1;
                }
            }
        }
        json_decref(o);
        ns_status st = article_finish(r, id, title, source, url);
        if (st != NS_OK) {
            return st;
        }
        *out = &r->art;
        return NS_OK;
    }
}

ns_status ns_reader_next(ns_reader *r, const ns_article **out, ns_error *err)
{
    *out = NULL;
    ns_error_clear(err);
    if (r->failed) {
        return ns_error_set(err, r->failed, "%s", r->fail_msg);
    }
    if (r->done) {
        return NS_DONE;
    }
    ns_status st = r->kind == NS_FILE_JSONL ? read_jsonl(r, out) : read_text(r, out);
    if (st != NS_OK && st != NS_DONE) {
        *out = NULL;
        r->done = 1;
        return ns_error_set(err, st, "%s", r->fail_msg);
    }
    return st;
}
