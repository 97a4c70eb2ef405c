/* support.h: what the unit tests (tests/unit/test_*.c) share; the build
 * links support.c into every test binary.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#ifndef NS_TEST_SUPPORT_H
#define NS_TEST_SUPPORT_H

#include <stddef.h>

/* Make a fresh scratch folder $TMPDIR/NAME.XXXXXX ($TMPDIR unset or empty:
 * /tmp) and write its path, NUL-terminated, into buf (size bytes). Returns
 * 0, or -1 when the path does not fit or the folder cannot be made. */
int scratch_make(char *buf, size_t size, const char *name);

/* Remove the folder at path and everything under it, folders a test made
 * unreadable or unwritable included (they are given back their
 * permissions first); symbolic links are removed, not followed. Returns 0,
 * or -1 when something could not be removed. */
int scratch_remove(const char *path);

#endif
