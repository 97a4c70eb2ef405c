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
root=$(pwd)

say() { printf 'bench: %s\n' "$*" >&2; }

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
    BENCH_SMALL=${BENCH_SMALL-../shared/corpora/reuters21578/docs}
fi
BENCH_SMALL=${BENCH_SMALL-}
if [ ! -d "$BENCH_CORPUS" ]; then
    say "BENCH_CORPUS=$BENCH_CORPUS is not a folder"
    exit 1
fi

# An absolute path for $1 (relative ones are from the repository root);
# nothing for an empty $1.
abs() {
    case $1 in
    '') ;;
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$root" "$1" ;;
    esac
}

missing=""
for tool in hyperfine omindex quest sqlite3 rg jq; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -x /usr/bin/time ] || missing="$missing /usr/bin/time"
[ -x /usr/bin/python3 ] || command -v python3 >/dev/null 2>&1 || missing="$missing python3"
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

work=$(mktemp -d "${TMPDIR:-/tmp}/nsearch-bench.XXXXXX")
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
BENCH_RESULTS=$root/bench/results \
NSEARCH=$(abs "$NSEARCH") \
NSEARCH_INDEX=$(abs "$NSEARCH_INDEX") \
BENCH_CORPUS=$(abs "$BENCH_CORPUS") \
BENCH_SMALL=$(abs "$BENCH_SMALL") \
BENCH_QUERIES=$(abs "${BENCH_QUERIES:-}") \
    "$python" bench/bench.py run
