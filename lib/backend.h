/* backend.h: what the programs need to know of libxapian itself, so that
 * they don't include the binding (xapian-c.h) for it.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#ifndef NS_BACKEND_H
#define NS_BACKEND_H

/* The version of the libxapian nsearch runs with ("1.4.22"): owned by the
 * library, valid for the life of the process. Thread-safe. */
const char *ns_backend_version(void);

/* libxapian can end the process from inside a commit, where no status can
 * be returned (xc_set_fatal_handler in xapian-c.h says when): `fn` is then
 * called with a description, and should report and _exit (if it returns,
 * the process aborts). NULL restores the default (abort). Process-wide: set
 * it once, at start, before any thread. */
void ns_backend_set_fatal_handler(void (*fn)(const char *what));

#endif
