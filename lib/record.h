/* record.h: the document data record: an article's fields and passages as
 * stored in the index, so results (and remote shards) need no corpus files.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Layout (all integers unsigned LEB128 varints unless said otherwise):
 *   byte 'n', byte NS_RECORD_VERSION
 *   date        8 bytes, int64 little-endian (NS_NO_DATE when undated)
 *   line, title_line
 *   id, path, title, source, url      each: length, bytes, then a NUL byte
 *   npassages
 *   per passage: line, column, length, bytes, then a NUL byte
 * The NUL bytes let a decoded record point straight into the blob.
 */
#ifndef NS_RECORD_H
#define NS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "reader.h"
#include "status.h"

#define NS_RECORD_VERSION 1

/* Encode article `a` (borrowed; NULL strings are written as "") into `out`,
 * appended after out->len.
 * @retval NS_ERR_NOMEM  out of memory (out's sticky error, buf.h) */
ns_status ns_record_encode(const ns_article *a, ns_buf *out);

/* A decoded record: every string of `art` points into the blob it was
 * decoded from and stays valid as long as that blob stays unchanged;
 * `passages` (= art.passages) is malloc'd, owned by the record and freed by
 * ns_record_clear. */
typedef struct ns_record {
    ns_article art;
    ns_passage *passages;
} ns_record;

/* Decode data[0..len) (borrowed: see ns_record) into *rec, which the caller
 * clears with ns_record_clear after use (on failure it holds nothing to
 * free, and clearing it is harmless).
 * @retval NS_ERR_CORRUPT  the bytes are not a record this version can read
 * @retval NS_ERR_NOMEM    out of memory */
ns_status ns_record_decode(const char *data, size_t len, ns_record *rec);
/* Free what ns_record_decode allocated and zero *rec. Accepts NULL. */
void ns_record_clear(ns_record *rec);

#endif
