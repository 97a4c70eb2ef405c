/* reader.h: corpus files in, articles with passages out.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * A reader streams the articles of one corpus file: plain text (.txt), JSON
 * Lines (.jsonl), and the gzip-compressed form of either (.txt.gz,
 * .jsonl.gz). Every article comes out in one model: id, title, date, source,
 * url, and passages (paragraphs) that know their line and byte column in the
 * file. Problems in the input never stop the reader silently: they go to the
 * warning callback naming the file and line, and what can be kept is kept.
 *
 * Thread-safety: a reader is used by one thread at a time.
 */
#ifndef NS_READER_H
#define NS_READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "status.h"

/* ns_article.date for an undated article. */
#define NS_NO_DATE INT64_MIN

/* The model (the rules of each format are at the top of lib/reader.c):
 * - Every string, passages included, is valid UTF-8 without control
 *   characters (control characters become spaces). Passages are trimmed and
 *   never empty; titles may be "".
 * - A text file's passage has exactly the bytes of its source, each invalid
 *   byte becoming '?': text[k] is byte column + k of the line, so offsets
 *   into the text are file offsets. Titles and the other fields, and JSON
 *   Lines passages, replace an invalid sequence with U+FFFD.
 * - A text file is one article: line 1, id the base name without
 *   .txt/.txt.gz ("a/x.txt" -> "x"; unique within a folder only: use the
 *   path as the identity of a text article).
 * - A JSON Lines record is one article: line and title_line the record's
 *   line, id its "id" field (a string or an integer) or "<base name without
 *   .jsonl/.jsonl.gz>:<line>", every passage at column 1 of that line (its
 *   text is a decoded JSON string, so no offset in it is a byte of the line).
 * Every pointer of an article is owned by its reader (see ns_reader_next). */
typedef struct ns_passage {
    const char *text; /* UTF-8, not NUL-terminated */
    size_t len;
    size_t line;   /* 1-based line in the (decompressed) file */
    size_t column; /* 1-based byte column of text[0] in that line */
} ns_passage;

typedef struct ns_article {
    const char *id;     /* stable id: the JSON `id`, else derived from path and line */
    const char *path;   /* the file it came from, as given to ns_reader_open */
    const char *title;  /* "" when none; NUL-terminated, as are the next four */
    const char *source; /* "" when none */
    const char *url;    /* "" when none */
    int64_t date;       /* seconds since the epoch, UTC; NS_NO_DATE if undated */
    size_t line;        /* 1-based line where the article starts */
    size_t title_line;  /* line of the title, 0 when the title is "" */
    const ns_passage *passages;
    size_t npassages;
} ns_article;

/* A warning about the input: `path` names the file, `line` is 1-based or 0
 * when it concerns the whole file. `msg` does not repeat them: print it as
 * "PATH:LINE: MSG", or "PATH: MSG" when line is 0. All three are valid
 * during the call only. */
typedef void (*ns_warn_fn)(void *ctx, const char *path, size_t line, const char *msg);

/* Longest line kept, in bytes: a longer line is cut there (at a UTF-8
 * boundary) with a warning in a text file, and skipped with a warning in a
 * JSON Lines file. This bounds a reader's memory. */
#define NS_READER_MAX_LINE ((size_t)16 << 20)

/* Most decompressed bytes, and most non-blank lines, of one text article:
 * the rest of a larger text file is left out with a warning. */
#define NS_READER_MAX_TEXT       ((size_t)64 << 20)
#define NS_READER_MAX_TEXT_LINES ((size_t)1000000)

/* Zero-initialise, then set what you need: every zero field is a default. */
typedef struct ns_reader_opts {
    uint64_t max_file_bytes; /* skip files larger; 0 = no limit. The size on
                              * disk (compressed for .gz); ns_reader_open then
                              * fails with NS_ERR_FORMAT, naming the size and
                              * the limit */
    size_t max_line_bytes;   /* 0 = NS_READER_MAX_LINE */
    ns_warn_fn warn;         /* may be NULL */
    void *warn_ctx;
} ns_reader_opts;

typedef enum ns_file_kind {
    NS_FILE_UNKNOWN = 0, /* not a corpus file (by name) */
    NS_FILE_TEXT,
    NS_FILE_JSONL
} ns_file_kind;

/* Kind of corpus file by name: .txt / .txt.gz / .jsonl / .jsonl.gz (the
 * suffix compared case-insensitively, and a name needs at least one byte
 * before it). *gzipped (may be NULL) is set to 1 for the .gz forms, else 0.
 * Pure function of the name; thread-safe. */
ns_file_kind ns_file_kind_of(const char *path, int *gzipped);

typedef struct ns_reader ns_reader;

/* Open `path` for reading: the kind comes from the name
 * (ns_file_kind_of). `opts` may be NULL (all defaults) and is copied, as is
 * `path`. `err` (may be NULL) is cleared first. On success *out is a reader
 * owned by the caller (ns_reader_close); on failure *out is NULL and `err`
 * names the file:
 * @retval NS_ERR_NOTFOUND  no such file
 * @retval NS_ERR_IO        it can't be opened or read
 * @retval NS_ERR_FORMAT    not a corpus file: NS_FILE_UNKNOWN by name, not a
 *                          regular file (a folder, a FIFO: opened
 *                          non-blocking, never waited on), "binary file,
 *                          skipped" (a NUL byte in the first 8 KiB,
 *                          decompressed), larger than max_file_bytes, or a
 *                          .gz file from which nothing decompresses (not
 *                          gzip data, or cut short in its first block)
 * @retval NS_ERR_NOMEM     out of memory
 * A leading UTF-8 byte order mark is skipped. */
ns_status ns_reader_open(const char *path, const ns_reader_opts *opts, ns_reader **out,
                         ns_error *err);

/* Like ns_reader_open, over the bytes data[0..len) instead of a file (for
 * fuzzing and tests). `name` stands for the path in articles, ids and
 * messages. `kind` NS_FILE_UNKNOWN means "from the name", and then
 * `gzipped` is taken from the name too; otherwise `gzipped` says whether
 * the bytes are gzip. The bytes are borrowed: they must stay unchanged
 * until ns_reader_close. ns_reader_crc32 covers the bytes consumed.
 * @retval NS_ERR_FORMAT  NS_FILE_UNKNOWN by name, larger than
 *                        max_file_bytes, or "binary file, skipped"
 * @retval NS_ERR_NOMEM   out of memory */
ns_status ns_reader_open_mem(const char *name, const void *data, size_t len, ns_file_kind kind,
                             int gzipped, const ns_reader_opts *opts, ns_reader **out,
                             ns_error *err);

/* The next article into *out, owned by the reader and valid until the
 * next call to ns_reader_next or ns_reader_close; *out is NULL unless NS_OK.
 * `err` (may be NULL) is cleared first.
 * @retval NS_DONE       the end of the file; every later call returns it
 * @retval NS_ERR_IO, NS_ERR_NOMEM  the file ends here (articles already
 *                       returned stay good); every later call returns it
 * Warnings (through opts.warn, during this call) never change the status: a
 * skipped record, a cut line, an invalid date, "empty file", invalid UTF-8
 * (once per file, at its end, with the count), a truncated or corrupt gzip
 * stream (what was decompressed is kept), "file changed while being read"
 * (size or mtime differ between open and end of file). */
ns_status ns_reader_next(ns_reader *r, const ns_article **out, ns_error *err);

/* CRC-32 of the raw file bytes read so far (all of them after NS_DONE); 0
 * for NULL. */
uint32_t ns_reader_crc32(const ns_reader *r);

/* Close the file and free everything the reader owns, articles included.
 * Accepts NULL. */
void ns_reader_close(ns_reader *r);

/* CRC-32 of the raw bytes of the file at `path` (compressed, as on disk),
 * without parsing it: equal to ns_reader_crc32 after NS_DONE, at the cost of
 * a read. *out is set on NS_OK. Thread-safe.
 * @retval NS_ERR_NOTFOUND  no such file
 * @retval NS_ERR_IO        it can't be read (a folder, too)
 * @retval NS_ERR_NOMEM     out of memory */
ns_status ns_file_crc32(const char *path, uint32_t *out, ns_error *err);

#endif
