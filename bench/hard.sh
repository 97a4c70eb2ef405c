#!/bin/sh
# hard.sh: entry point of `make bench-hard`, the hard-query set (see
# bench/README.md, "Hard queries"); `make bench` runs it too.
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
#
# Environment (all optional except the two programs, which make sets):
#   NSEARCH, NSEARCH_INDEX  the programs under test
#   BENCH_CORPUS=DIR        .jsonl/.jsonl.gz parts or .txt files
#                           (default ../shared/corpora/reuters-financial)
#   BENCH_HARD_QUERIES=FILE query list (default bench/hard-queries.txt)
#   BENCH_HARD_INDEXES=DIR  build the unpacked corpus and the three indexes
#                           in DIR and keep them; a later run reuses them
#   BENCH_HARD_ROUNDS=N     timed rounds per query (default 5; quick 3)
#   BENCH_HARD_QUEST=0      leave Xapian out (no omindex build, no quest)
#   BENCH_QUICK, BENCH_LIMIT, BENCH_KEEP, TMPDIR   as for bench/run.sh
# Exit status: 0 done or skipped (no corpus), 1 failed, 2 a tool is missing.
set -eu

cd "$(dirname "$0")/.."
BENCH_NAME=bench-hard
. bench/lib.sh
bench_corpus
if [ "${BENCH_HARD_QUEST:-1}" = 0 ]; then need sqlite3 python3; else need sqlite3 omindex quest python3; fi
bench_work nsearch-bench-hard

BENCH_WORK=$work \
BENCH_RESULTS=${BENCH_RESULTS:-$root/bench/results} \
NSEARCH=$(abs "$NSEARCH") \
NSEARCH_INDEX=$(abs "$NSEARCH_INDEX") \
BENCH_CORPUS=$(abs "$BENCH_CORPUS") \
BENCH_HARD_QUERIES=$(abs "${BENCH_HARD_QUERIES:-}") \
BENCH_HARD_INDEXES=$(abs "${BENCH_HARD_INDEXES:-}") \
    "$python" bench/hard.py run
