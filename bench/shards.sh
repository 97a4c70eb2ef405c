#!/bin/sh
# shards.sh: queries per second from 1, 2 and 4 concurrent clients against
# two shards served by xapian-tcpsrv on 127.0.0.1, next to the same corpus as
# one local index. Each client runs the query list in a loop of whole
# nsearch processes. Prints a markdown table.
#
# Environment: NSEARCH, NSEARCH_INDEX (the binaries), SHARD_CORPUS (default
# ../shared/corpora/reuters21578/docs), BENCH_QUERIES (default
# bench/queries.txt), SHARD_ROUNDS (passes over the list per client, 2).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
NSEARCH=${NSEARCH:-$top/build/release/nsearch}
NSEARCH_INDEX=${NSEARCH_INDEX:-$top/build/release/nsearch-index}
corpus=${SHARD_CORPUS:-$top/../shared/corpora/reuters21578/docs}
queries=${BENCH_QUERIES:-$top/bench/queries.txt}
rounds=${SHARD_ROUNDS:-2}
if [ ! -d "$corpus" ]; then
    echo "shards: skipped: $corpus absent (set SHARD_CORPUS=DIR)"
    exit 0
fi
command -v xapian-tcpsrv >/dev/null || { echo "shards: skipped: xapian-tcpsrv not installed"; exit 0; }
w=$(mktemp -d "${TMPDIR:-/tmp}/nsearch-shards.XXXXXX")
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$w"' EXIT INT TERM

"$NSEARCH_INDEX" --db "$w/local" "$corpus" || [ $? -eq 1 ]
for k in 1 2; do "$NSEARCH_INDEX" --db "$w/s$k" --shard-of "$k/2" "$corpus" || [ $? -eq 1 ]; done
: >"$w/stub"
for k in 1 2; do
    for try in 1 2 3 4 5; do
        port=$(shuf -i 20000-59999 -n 1)
        setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" --quiet "$w/s$k" >/dev/null 2>&1 &
        p=$!
        sleep 0.4
        if kill -0 "$p" 2>/dev/null; then
            pids="$pids $p"
            echo "remote 127.0.0.1:$port" >>"$w/stub"
            break
        fi
    done
done
grep -v '^#' "$queries" | grep -v '^$' | cut -f2- >"$w/q"
nq=$(wc -l <"$w/q")

client() { # DB: run the list `rounds` times
    r=0
    while [ "$r" -lt "$rounds" ]; do
        while IFS= read -r q; do "$NSEARCH" --db "$1" -n 10 -- "$q" >/dev/null 2>&1 || true; done <"$w/q"
        r=$((r + 1))
    done
}

qps() { # DB CLIENTS
    start=$(date +%s%N)
    i=0
    while [ "$i" -lt "$2" ]; do client "$1" & i=$((i + 1)); done
    wait
    end=$(date +%s%N)
    awk -v n="$((nq * rounds * $2))" -v ns="$((end - start))" 'BEGIN { printf "%.0f", n / (ns / 1e9) }'
}

echo "| clients | local index (q/s) | 2 remote shards (q/s) | remote / local |"
echo "|---:|---:|---:|---:|"
for c in 1 2 4; do
    l=$(qps "$w/local" "$c")
    r=$(qps "$w/stub" "$c")
    awk -v c="$c" -v l="$l" -v r="$r" 'BEGIN { printf "| %d | %d | %d | %.2f |\n", c, l, r, r / l }'
done
echo
echo "($nq queries x $rounds rounds per client, whole nsearch processes, $(basename "$corpus"), $(nproc) cores)"
