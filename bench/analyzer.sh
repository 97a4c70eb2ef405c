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

# time_one NAME CMD...: run CMD (output in $tmp/out.NAME), append
# "wall cpu" seconds to $tmp/NAME.times (cpu = user + sys of the process).
time_one() {
    local name=$1 TIMEFORMAT='%R %U %S'
    shift
    { time "$@" >"$tmp/out.$name"; } 2>"$tmp/time.$name"
    awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$tmp/time.$name" >>"$tmp/$name.times"
}

median() { sort -g | sed -n "$(((RUNS + 1) / 2))p"; }

# Warm the page cache once, then alternate the two programs so both see the
# same machine load (the machine may be shared).
cat "$text" >/dev/null
: >"$tmp/wc.times"
: >"$tmp/an.times"
for _ in $(seq "$RUNS"); do
    time_one wc wc -w "$text"
    time_one an "$tool" --lang "$LANG_AN" "$text"
done

words=$(awk '{print $1}' "$tmp/out.wc")
summary=$(cat "$tmp/out.an")
tokens=$(sed -n 's/.*tokens=\([0-9]*\).*/\1/p' <<<"$summary")
inproc=$(sed -n 's/.*MB\/s=\([0-9.]*\).*/\1/p' <<<"$summary")

mbps() { echo "scale=1; $bytes / 1000000 / $1" | bc -l; }
row() { # label column(1 wall, 2 cpu)
    local w a
    w=$(awk -v c="$2" '{print $c}' "$tmp/wc.times" | median)
    a=$(awk -v c="$2" '{print $c}' "$tmp/an.times" | median)
    echo "| $1 | $bytes | $(mbps "$w") | $(mbps "$a") | $(echo "scale=2; $a / $w" | bc -l)x |"
}

echo "Analyzer benchmark: $what; lang $LANG_AN; median of $RUNS alternating runs;"
echo "$words words (wc -w), $tokens tokens; ns-analyze's own analysis-only figure: $inproc MB/s;"
echo "locale LC_ALL=${LC_ALL:-} LANG=${LANG:-}"
echo
echo "| time | bytes | wc -w MB/s | analyzer MB/s | ratio (analyzer time / wc time) |"
echo "|---|---:|---:|---:|---:|"
row "wall clock" 1
row "CPU (user+sys)" 2
