#!/usr/bin/env bash
# analyzer.sh: analysis-only benchmark: ns-analyze against `wc -w`.
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
#
#   bench/analyzer.sh            uses ../shared/corpora/reuters-financial/*.jsonl.gz
#   BENCH_CORPUS=DIR bench/...   uses DIR/*.txt (recursively) instead
#
# Unpacks the article bodies into one temporary text file, then times, in the
# same run, `wc -w` and `ns-analyze --lang $BENCH_LANG` (default english)
# over it, 3 times each, and prints a markdown table of the medians (wall
# clock of the whole process, file reading included, for both). The goal is
# an analyzer within 3x of wc -w. Skips (exit 0) when there is no corpus.
# Not part of `make check`. O=build/DIR selects the build (default
# build/release); ns-analyze is built there when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

O=${O:-build/release}
LANG_AN=${BENCH_LANG:-english}
RUNS=3
tool=$O/tools/ns-analyze
corpus=../shared/corpora/reuters-financial

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsearch-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
text=$tmp/bodies.txt

if [ -n "${BENCH_CORPUS:-}" ]; then
    if [ ! -d "$BENCH_CORPUS" ]; then
        echo "bench/analyzer.sh: skipped: BENCH_CORPUS=$BENCH_CORPUS is not a folder" >&2
        exit 0
    fi
    find "$BENCH_CORPUS" -name '*.txt' -type f -print0 | sort -z | xargs -0 cat >"$text"
    what="$BENCH_CORPUS/*.txt"
else
    set -- "$corpus"/*.jsonl.gz
    if [ ! -e "$1" ]; then
        echo "bench/analyzer.sh: skipped: no corpus at $corpus (set BENCH_CORPUS=DIR of .txt files)" >&2
        exit 0
    fi
    if command -v jq >/dev/null 2>&1; then
        for f in "$@"; do gzip -dc "$f" | jq -r '.body'; done >"$text"
    else
        for f in "$@"; do gzip -dc "$f"; done | python3 -c '
import json, sys
out = sys.stdout
for line in sys.stdin:
    out.write(json.loads(line)["body"] + "\n")' >"$text"
    fi
    what="$corpus/*.jsonl.gz (bodies)"
fi

if [ ! -x "$tool" ]; then
    make -s O="$O" "$tool" >&2
fi

bytes=$(wc -c <"$text")
if [ "$bytes" -eq 0 ]; then
    echo "bench/analyzer.sh: skipped: the corpus is empty" >&2
    exit 0
fi

# Run a command RUNS times; print the median wall-clock seconds.
median_time() {
    local times=() t0 t1
    for _ in $(seq "$RUNS"); do
        t0=$EPOCHREALTIME
        "$@" >"$tmp/out"
        t1=$EPOCHREALTIME
        times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

# Warm the page cache once.
cat "$text" >/dev/null

wc_s=$(median_time wc -w "$text")
words=$(awk '{print $1}' "$tmp/out")
an_s=$(median_time "$tool" --lang "$LANG_AN" "$text")
summary=$(cat "$tmp/out")
tokens=$(sed -n 's/.*tokens=\([0-9]*\).*/\1/p' <<<"$summary")
inproc=$(sed -n 's/.*MB\/s=\([0-9.]*\).*/\1/p' <<<"$summary")

mbps() { echo "scale=1; $bytes / 1000000 / $1" | bc -l; }
wc_mbps=$(mbps "$wc_s")
an_mbps=$(mbps "$an_s")
ratio=$(echo "scale=2; $an_s / $wc_s" | bc -l)

echo "Analyzer benchmark: $what, lang $LANG_AN, median of $RUNS, LC_ALL=${LC_ALL:-} LANG=${LANG:-}"
echo
echo "| bytes | wc -w words | tokens | wc -w MB/s | analyzer MB/s | analyzer MB/s (in-process) | analyzer time / wc time |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
echo "| $bytes | $words | $tokens | $wc_mbps | $an_mbps | $inproc | ${ratio}x |"
