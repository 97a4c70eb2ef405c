/* deflate.c: zlib's deflate() as nsearch-index's libxapian sees it.
 *
 * Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
 *
 * libxapian 1.4 runs zlib over every record its glass tables store, when a
 * document is added and again when a compaction copies a record that was
 * stored as it came (glass_table.cc, compression_stream.cc), and it has no
 * way to turn that off for a table. A packed record (lib/pack.h) is a zstd
 * frame, which zlib never makes smaller: Xapian gives up at the end of the
 * record and stores it as it is. Measured on the benchmark corpus (105,359
 * records): 7.4 s of CPU for nothing, half of it in the final compaction,
 * which runs on one core: a build took 46.3 s with it, 40.2 s without, and
 * the index came out the same, byte for byte (bench/README.md, Build).
 *
 * So the program defines deflate() itself, and exports it (Makefile: the
 * link of nsearch-index), which puts it before libz's in the process's
 * symbol lookup: libxapian's calls come here. For a packed record asked to
 * be deflated whole, the answer is at once what zlib answers when the
 * output buffer fills first (Z_OK, not Z_STREAM_END, nothing consumed),
 * which is how Xapian sees an incompressible tag, and the stream is left as
 * it was (Xapian resets it before its next use). Everything else goes to
 * zlib's deflate(), looked up once. Nothing in nsearch itself deflates.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <zlib.h>

#include "indexer.h"
#include "pack.h"

typedef int (*deflate_fn)(z_streamp, int);
static deflate_fn zlib_deflate;
static pthread_once_t zlib_once = PTHREAD_ONCE_INIT;

static void find_zlib(void)
{
    zlib_deflate = (deflate_fn)dlsym(RTLD_NEXT, "deflate");
}

int deflate(z_streamp strm, int flush)
{
    if (flush == Z_FINISH && strm && strm->next_in && strm->total_in == 0 &&
        ns_packed((const char *)strm->next_in, strm->avail_in))
        return Z_OK;
    pthread_once(&zlib_once, find_zlib);
    return zlib_deflate ? zlib_deflate(strm, flush) : Z_STREAM_ERROR;
}
