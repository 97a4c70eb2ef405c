/* walk.h: find the corpus files under a folder.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * ns_walk visits a folder tree depth-first and hands every corpus file
 * (a regular file whose name ns_file_kind_of() knows: .txt, .jsonl, .txt.gz,
 * .jsonl.gz) to a callback, in a deterministic order: the yielded paths come
 * out in byte-wise strcmp order of the whole path, a folder's contents right
 * where "name/" sorts among its siblings. So two walks of the same tree give
 * the same sequence, and a sorted list of indexed paths can be merge-joined
 * with a walk.
 *
 * What is skipped:
 *   - names starting with '.' (hidden files and folders), unless
 *     include_hidden is set;
 *   - editor backups and lock files, always (they are never corpus files):
 *     `*~`, `#*#`, `.*.swp`, `.*.swo`, `.#*`;
 *   - anything matching an exclude pattern (see ns_walk_opts);
 *   - files of other kinds, silently; FIFOs, sockets and devices with a
 *     corpus name, with a warning.
 * Symbolic links are followed, to files and to folders, when they stay inside
 * the root (their target, resolved, lies under the root's): a link leading
 * out of it is skipped with a warning naming it and its target, unless
 * opts.follow_links_out is set (nsearch-index --follow). Each folder is walked
 * once: a link back to a folder on the current path (a loop) is skipped with
 * a warning; so is a link to a folder the walk reaches by its own path (its
 * resolved path lies below the root's, with no name on the way hidden, a
 * backup or excluded), before or after that path in walk order, the warning
 * naming the folder ("symbolic link to ROOT/sub, a folder walked by its own
 * path, skipped"): the real path wins, the same every walk; and a link to a
 * folder already walked through another link (the first in walk order
 * wins). Files are not de-duplicated: two links to one file yield it twice,
 * under two paths.
 *
 * Problems below the root never stop the walk: an unreadable folder, a file
 * or folder that vanished between listing and visiting, a broken link or a
 * link loop each get a warning (path, line 0) and the walk goes on; what
 * could not be read (not what is gone) is also passed to opts.unread. Files
 * are not opened, so an unreadable file is yielded and its reader reports
 * it.
 *
 * Names are bytes: a non-UTF-8 file name is passed through unchanged.
 *
 * A file's stat may be taken a moment before its visit: in a folder of many
 * entries a helper thread stats them ahead of the visits (walk.c, "stat
 * ahead"). A file deleted in that moment is yielded, and fails to open, as
 * one deleted just after its visit would.
 *
 * Thread-safety: ns_walk keeps its state on the stack and the heap; separate
 * calls may run in separate threads. The callback is called on the calling
 * thread only.
 */
#ifndef NS_WALK_H
#define NS_WALK_H

#include <stddef.h>
#include <sys/stat.h>

#include "reader.h"
#include "status.h"

typedef struct ns_walk_opts {
    /* fnmatch(3) patterns. Each is matched against the path relative to the
     * root ("2025/drafts/x.txt", with FNM_PATHNAME, so '*' does not cross
     * '/') and against the base name ("x.txt"); a match skips the file, or
     * the whole folder. A pattern ending in '/' matches folders only; a
     * leading "/" or "./" is ignored. Borrowed for the call. */
    const char *const *exclude;
    size_t nexclude;
    int include_hidden; /* 0: skip dot-files and dot-folders */
    ns_warn_fn warn;    /* may be NULL: warnings are dropped */
    void *warn_ctx;
    int follow_links_out; /* 1: follow links whose target is outside the root */
    /* May be NULL. Called, besides the warning, for each folder below the
     * root that could not be read (whole or in part) and each entry that
     * could not be stat'ed for another reason than its absence (a
     * permission, an I/O error): what lies at or under `path` may exist
     * though it was not yielded. Not called for what is gone (vanished,
     * broken links), loops, links out of the root or folders walked
     * already. `path` is valid during the call only. */
    void (*unread)(void *ctx, const char *path);
    void *unread_ctx;
} ns_walk_opts;

/* Called for each corpus file: `path` is root joined with the relative path
 * ("corpus/2025/a.txt"; root used as given, no '/' doubled), `st` its
 * stat(2) (symbolic links followed). Both are valid during the call only.
 * Return non-zero to stop the walk. */
typedef int (*ns_walk_fn)(void *ctx, const char *path, const struct stat *st);

/* Walk `root` (a folder, or a single corpus file, which is then the only
 * path yielded; a link to either is followed). `root` and `opts` are
 * borrowed; `opts` may be NULL (all defaults). The root itself is never
 * skipped as hidden or excluded.
 *
 * Returns NS_OK after the whole walk, and also when `fn` stopped it (the
 * caller knows why). Otherwise `err` (may be NULL) names the root:
 * @retval NS_ERR_NOTFOUND  root does not exist
 * @retval NS_ERR_IO        root cannot be read (stat, realpath or opendir
 *                          fails: permissions)
 * @retval NS_ERR_FORMAT    root is a file but not a corpus file, or
 *                          neither a file nor a folder
 * @retval NS_ERR_NOMEM     out of memory (then the walk may have yielded
 *                          some files already) */
ns_status ns_walk(const char *root, const ns_walk_opts *opts, ns_walk_fn fn, void *ctx,
                  ns_error *err);

#endif
