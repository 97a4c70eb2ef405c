/* support.c: the scratch folders of the unit tests (support.h).
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 */
#include "support.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int scratch_make(char *buf, size_t size, const char *name)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    int n = snprintf(buf, size, "%s/%s.XXXXXX", tmp, name);
    if (n <= 0 || (size_t)n >= size) return -1;
    return mkdtemp(buf) ? 0 : -1;
}

/* The first pass gives every folder it reaches its permissions back; a
 * folder it could not read is counted, and its contents are reached by the
 * next pass. */
static int unreadable;

static int unlock_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_D || flag == FTW_DNR) chmod(path, 0700);
    unreadable += flag == FTW_DNR;
    return 0;
}

static int failed;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    failed |= (flag == FTW_DP ? rmdir(path) : unlink(path)) != 0;
    return 0;
}

int scratch_remove(const char *path)
{
    /* Each pass reaches at least one level deeper than the one before. */
    for (int pass = 0; pass < 64; pass++) {
        unreadable = 0;
        if (nftw(path, unlock_one, 16, FTW_PHYS) != 0) return -1;
        if (!unreadable) break;
    }
    failed = 0;
    if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0) return -1;
    return failed ? -1 : 0;
}
