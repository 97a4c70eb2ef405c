#!/bin/sh
# run.sh: entry point of `make bench` (see bench/README.md).
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
#
# Environment (all optional except the two programs, which make sets):
#   NSEARCH, NSEARCH_INDEX  the programs under test
#   BENCH_CORPUS=DIR        .jsonl/.jsonl.gz parts or .txt files
#                           (default ../shared/corpora/reuters-financial)
#   BENCH_SMALL=DIR         .txt files for the small scaling point
#                           (default ../shared/corpora/reuters21578/docs;
#                           empty to skip it)
#   BENCH_QUERIES=FILE      queries (default bench/queries.txt)
#   BENCH_QUICK=1           fewer runs, fewer peers at the scaling points
#   BENCH_LIMIT=N           use only about N articles (development)
#   BENCH_KEEP=1            keep the temporary folder
#   TMPDIR                  where the temporary folder goes (default /tmp)
# Exit status: 0 done or skipped (no corpus), 1 the benchmark failed,
# 2 a tool or program is missing.
set -eu

cd "$(dirname "$0")/.."
BENCH_NAME=bench
. bench/lib.sh
bench_corpus ../shared/corpora/reuters21578/docs
BENCH_SMALL=${BENCH_SMALL-}
need hyperfine omindex quest sqlite3 rg jq /usr/bin/time python3
bench_work nsearch-bench

BENCH_WORK=$work \
BENCH_RESULTS=$root/bench/results \
NSEARCH=$(abs "$NSEARCH") \
NSEARCH_INDEX=$(abs "$NSEARCH_INDEX") \
BENCH_CORPUS=$(abs "$BENCH_CORPUS") \
BENCH_SMALL=$(abs "$BENCH_SMALL") \
BENCH_QUERIES=$(abs "${BENCH_QUERIES:-}") \
    "$python" bench/bench.py run
