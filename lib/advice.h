/* advice.h: errors about an index that say which index and what to do.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * Xapian's messages ("DatabaseError: EOF reading block 2 (xc_database_open
 * ...)", "Can't make an Enquire object from an uninitialised Database") name
 * neither the index nor a way out. The searcher passes its errors about the
 * index through ns_error_advise_index, so that nsearch and serve mode print
 * one message a user can act on.
 */
#ifndef NS_ADVICE_H
#define NS_ADVICE_H

#include <stddef.h>

#include "status.h"

/* Rewrite err (may be NULL), an error met opening or reading the index at
 * `index` (a folder or a Xapian database, not a shard stub), as:
 *   NS_ERR_NOTFOUND   "no index at INDEX: run nsearch-index --db INDEX FOLDER
 *                     to build one", or, when INDEX/XAPIANDB exists (a stub
 *                     naming a missing or garbled generation) or is missing
 *                     beside a generation that went live
 *                     (ns_index_stub_lost, index.h), as damaged:
 *   NS_ERR_CORRUPT, NS_ERR_IO, NS_ERR_INVALID, NS_ERR_OTHER
 *                     "index INDEX is damaged (DETAIL): see what is wrong with
 *                     nsearch-index --db INDEX --check, rebuild it with
 *                     nsearch-index --db INDEX --rebuild" (status
 *                     NS_ERR_CORRUPT; an empty XAPIANDB stub is named as such)
 *   NS_ERR_VERSION    the message with the --rebuild advice added when it
 *                     has none
 * where DETAIL is the previous message without the index path and the
 * binding's "(xc_... )" suffix. Other statuses (query, limit, network,
 * locked, modified, out of memory) are left alone, and so is a message that
 * already names nsearch-index (advised before, or the schema check's,
 * schema.h), whatever its status. INDEX is
 * shell-quoted when it needs to be. Thread-safe; reads INDEX/XAPIANDB. */
void ns_error_advise_index(ns_error *err, const char *index);

/* s as a shell word (quote.h: bare, '...' or $'...'), for a command that a
 * message suggests: "nsearch-index --db WORD --rebuild" given back as
 * printed acts on the index `s` names, whatever the default index is. Into
 * out[0..n) (n > 0); cut, and then no longer exact, only past n bytes, far
 * beyond any path; empty when out of memory. Thread-safe. */
void ns_advice_word(const char *s, char *out, size_t n);

#endif
