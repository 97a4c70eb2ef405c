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
root=$(pwd)

say() { printf 'bench-hard: %s\n' "$*" >&2; }

NSEARCH=${NSEARCH:-build/release/nsearch}
NSEARCH_INDEX=${NSEARCH_INDEX:-build/release/nsearch-index}
default_corpus=../shared/corpora/reuters-financial
BENCH_CORPUS=${BENCH_CORPUS:-}
if [ -z "$BENCH_CORPUS" ]; then
    if [ ! -d "$default_corpus" ]; then
        say "skipped: $default_corpus is absent (research corpora are not shipped);"
        say "         set BENCH_CORPUS=DIR to a folder of .txt, .jsonl or .jsonl.gz files"
        exit 0
    fi
    BENCH_CORPUS=$default_corpus
fi
if [ ! -d "$BENCH_CORPUS" ]; then
    say "BENCH_CORPUS=$BENCH_CORPUS is not a folder"
    exit 1
fi

abs() {
    case $1 in
    '') ;;
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$root" "$1" ;;
    esac
}

missing=""
tools="sqlite3"
[ "${BENCH_HARD_QUEST:-1}" = 0 ] || tools="$tools omindex quest"
for tool in $tools; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
if [ -n "$missing" ]; then
    say "missing tools:$missing (sh mk/deps.sh bench installs them on Debian)"
    exit 2
fi
for p in "$NSEARCH" "$NSEARCH_INDEX"; do
    if [ ! -x "$p" ]; then
        say "$p is not built (run make first)"
        exit 2
    fi
done

python=/usr/bin/python3
[ -x "$python" ] || python=python3

work=$(mktemp -d "${TMPDIR:-/tmp}/nsearch-bench-hard.XXXXXX")
cleanup() {
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        say "kept $work (BENCH_KEEP=1)"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BENCH_WORK=$work \
BENCH_RESULTS=${BENCH_RESULTS:-$root/bench/results} \
NSEARCH=$(abs "$NSEARCH") \
NSEARCH_INDEX=$(abs "$NSEARCH_INDEX") \
BENCH_CORPUS=$(abs "$BENCH_CORPUS") \
BENCH_HARD_QUERIES=$(abs "${BENCH_HARD_QUERIES:-}") \
BENCH_HARD_INDEXES=$(abs "${BENCH_HARD_INDEXES:-}") \
    "$python" bench/hard.py run
