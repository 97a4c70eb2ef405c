# shards.sh: one corpus in shards served by xapian-tcpsrv on 127.0.0.1 and
# searched through a stub file answers exactly like a single index; a shard
# that is down or stopped gives a bounded, named error, or partial results
# with --allow-partial. Only loopback addresses are used.
. "$TOP/tests/e2e/lib.sh"
if ! command -v xapian-tcpsrv >/dev/null 2>&1; then
    skip "sharded search" "xapian-tcpsrv not installed (Debian: xapian-tools)"
    exit 0
fi
pids=""
cleanup() {
    for p in $pids; do
        case "$p" in '' | 0 | 1 | *[!0-9]*) continue ;; esac
        kill -CONT "$p" 2>/dev/null
        kill "$p" 2>/dev/null
    done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

# serve DB: start xapian-tcpsrv on a free loopback port; prints the port.
serve() {
    for try in 1 2 3 4 5 6 7 8 9 10; do
        port=$(shuf -i 20000-59999 -n 1)
        # Its own session: on SIGTERM xapian-tcpsrv signals its whole process
        # group, which would otherwise include this shell.
        setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" --quiet --timeout 20000 "$1" >/dev/null 2>&1 &
        p=$!
        sleep 0.4
        if kill -0 "$p" 2>/dev/null; then
            echo "$port $p"
            return 0
        fi
    done
    return 1
}

# The fields a client sees, for every match of a query (not the summary).
# (A broken answer, or one naming another query, is "BROKEN".)
matches() {
    json_answer "$1" -n 30 "$2" >"$T/m.json"
    jq -e -s --arg q "$2" 'last.query == $q' "$T/m.json" >/dev/null 2>&1 || { echo BROKEN; return; }
    jq -c 'select(.type=="match") | del(.rank) | [.path,.line,.column,.id,.title,.date,.source,.score,.article_rank,.text,.spans]' "$T/m.json"
}

compare() { # DESC SINGLE STUB QUERIES...
    desc=$1 one=$2 many=$3
    shift 3
    bad=0
    for q in "$@"; do
        matches "$one" "$q" >"$T/a"
        matches "$many" "$q" >"$T/b"
        [ -s "$T/a" ] && [ "$(cat "$T/a")" != BROKEN ] || { bad=1; echo "    no results for $q"; }
        cmp -s "$T/a" "$T/b" || { bad=1; echo "    differs for $q"; diff "$T/a" "$T/b" | head -n 4 | cut -c1-200 | sed 's/^/    /'; }
    done
    [ "$bad" = 0 ] && ok "$desc" || not_ok "$desc"
}

# Index a copy of the corpus, then delete the copy: answers must come from
# the index alone, passages included.
cp -r "$TOP/corpus" "$T/corpus"
"$NSEARCH_INDEX" --db "$T/single" "$T/corpus"
for k in 1 2 3; do "$NSEARCH_INDEX" --db "$T/shard$k" --shard-of "$k/3" "$T/corpus"; done
total=0
for k in 1 2 3; do total=$((total + $("$NSEARCH_INDEX" --db "$T/shard$k" --stats --json | jq .articles))); done
expect "three shards hold every article once" "$("$NSEARCH_INDEX" --db "$T/single" --stats --json | jq .articles)" "$total"
rm -rf "$T/corpus"

set -- $(serve "$T/shard1") && port1=$1 && pid1=$2 && pids="$pids $pid1"
set -- $(serve "$T/shard2") && port2=$1 && pid2=$2 && pids="$pids $pid2"
if [ -z "${port1:-}" ] || [ -z "${port2:-}" ]; then not_ok "xapian-tcpsrv started"; exit 0; fi
ok "two xapian-tcpsrv on 127.0.0.1 ($port1, $port2)"
cat >"$T/stub" <<STUB
# two remote shards and a local one
remote 127.0.0.1:$port1
remote tcp 127.0.0.1:$port2
auto shard3
STUB
compare "remote shards answer like a single index (order, scores, snippets, metadata)" \
    "$T/single" "$T/stub" "Umerov meeting" '"security guarantees"' "rates OR inflation" \
    "flood -storm" "title:ceasefire" "date:2025-12 Zelenskyy"

# A local shard's records are read with the copy of its own dictionary
# beside its tables (lib/schema.h, NS_ZDICT_FILE): another index's copy
# there leaves them unreadable, which the search says.
printf 'auto shard2\nauto shard3\n' >"$T/local"
z2=$T/shard2/$(sed -n 's/^auto //p' "$T/shard2/XAPIANDB")/nsearch.zdict
zs=$T/single/$(sed -n 's/^auto //p' "$T/single/XAPIANDB")/nsearch.zdict
expect "shard 2 and the single index have dictionaries, not the same" 1 \
    "$([ -s "$z2" ] && [ -s "$zs" ] && ! cmp -s "$z2" "$zs" && echo 1)"
"$NSEARCH" --db "$T/local" --json -n 50 --any "said OR the OR rates" >"$T/out" 2>"$T/err"
expect "a stub of two local shards answers, whole" "0 0 1" "$? $(wc -c <"$T/err" | tr -d ' ') $(
    jq -e -s 'length > 1 and last.type == "summary" and last.query == "said OR the OR rates"
        and last.matches == (map(select(.type == "match")) | length) and last.matches > 0' \
        "$T/out" >/dev/null 2>&1 && echo 1)"
cp "$z2" "$T/z2" && cp "$zs" "$z2"
"$NSEARCH" --db "$T/local" -n 50 --any "said OR the OR rates" >"$T/out" 2>"$T/err"
expect "... and with another index's dictionary beside shard 2's tables, says its records are damaged" \
    "2 1" "$? $(grep -c 'unreadable record' "$T/err")"
cp "$T/z2" "$z2"

# A stub naming one shard twice would list each of its results twice: it
# is refused (exit 2, nothing on stdout), naming the stub and the second
# line, whether the two lines are written alike or not (the canonical
# folder, through a link too; the live generation named directly; the same
# host:port). Without that line, the stub answers: the articles that
# mention Umerov (grep counts them in the corpus), each once.
g2=$(sed -n 's/^auto //p' "$T/shard2/XAPIANDB")
ln -s shard2 "$T/shard2-link"
n_umerov=$(grep -il umerov "$TOP"/corpus/*.txt | wc -l)
printf 'auto shard1\nauto shard2\nauto shard3\n' >"$T/three"
printf 'remote 127.0.0.1:%s\nauto shard2\nauto shard3\n' "$port1" >"$T/three-r"
printf 'auto shard2\n' >"$T/dup1"
printf '# the same again\nauto ./shard2//\n' >"$T/dup2"
printf 'auto %s/shard2/%s\n' "$T" "$g2" >"$T/dup3"
printf 'auto shard2-link\n' >"$T/dup4"
printf 'remote tcp 127.0.0.1:%s\n' "$port1" >"$T/dup5"
for d in dup1:4:three dup2:5:three dup3:4:three dup4:4:three dup5:4:three-r; do
    f=${d%%:*} l=${d#*:} base=${d##*:}
    l=${l%%:*}
    cat "$T/$base" "$T/$f" >"$T/$f.stub"
    "$NSEARCH" --db "$T/$f.stub" --allow-partial --files -n 100 umerov >"$T/out" 2>"$T/err"
    rc=$?
    got="$rc $(grep -c "^nsearch: $T/$f.stub:$l: shard .* is line [0-9]*'s shard again" "$T/err") $(wc -c <"$T/out" | tr -d ' ')"
    got="$got $("$NSEARCH" --db "$T/$base" --files -n 100 umerov | sort -u | wc -l) $("$NSEARCH" --db "$T/$base" --files -n 100 umerov | wc -l)"
    expect "a stub naming one shard twice is refused ($f: line $l); without it, it answers" \
        "2 1 0 $n_umerov $n_umerov" "$got"
done

# A shard that is down: a named error at once; or partial results.
kill "$pid2"
wait "$pid2" 2>/dev/null
start=$(date +%s%N)
"$NSEARCH" --db "$T/stub" rates >"$T/out" 2>"$T/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
# An error: exit 2, a message naming the shard, nothing on stdout.
expect "a down shard is an error" "2 1 " "$rc $(grep -c "127.0.0.1:$port2" "$T/err") $(head -c 100 "$T/out")"
check "the error names the shard" grep -q "127.0.0.1:$port2" "$T/err"
# whole QUERY FILE: FILE is a whole --json answer to QUERY with matches.
whole() {
    jq -e -s --arg q "$1" 'length > 1 and last.type == "summary" and last.query == $q and
        last.matches == (map(select(.type == "match")) | length) and last.matches > 0' "$2" >/dev/null 2>&1
}
"$NSEARCH" --db "$T/stub" --allow-partial --json -n 50 security >"$T/out" 2>"$T/err"
rc=$?
whole security "$T/out" && w=whole || w=broken
expect "--allow-partial answers from the others" "0 whole" "$rc $w"
expect "--allow-partial warns naming the shard" "1 whole" "$(grep -c "127.0.0.1:$port2" "$T/err") $w"
n_partial=$(jq -r 'select(.type=="match") | .path' "$T/out" | sort -u | wc -l)
[ "$w" = whole ] || n_partial=0
n_all=$("$NSEARCH" --db "$T/single" --json -n 50 security | jq -r 'select(.type=="match") | .path' | sort -u | wc -l)
if [ "$n_partial" -gt 0 ] && [ "$n_partial" -lt "$n_all" ]; then ok "partial results are a subset ($n_partial of $n_all articles)"; else not_ok "partial results: $n_partial of $n_all"; fi

# A shard that hangs (stopped): bounded by --timeout, never a hang.
kill -STOP "$pid1"
start=$(date +%s%N)
"$NSEARCH" --db "$T/stub" --timeout 1000 rates >"$T/out" 2>"$T/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
expect "a hung shard is an error" "2 1 " "$rc $(grep -c "127.0.0.1:$port1" "$T/err") $(head -c 100 "$T/out")"
check "the error names the hung shard" grep -q "127.0.0.1:$port1" "$T/err"
if [ "$ms" -lt 8000 ] && [ "$rc" = 2 ] && grep -q "127.0.0.1:$port1" "$T/err"; then ok "bounded by the timeout (${ms} ms)"; else not_ok "took ${ms} ms, exit $rc"; fi
"$NSEARCH" --db "$T/stub" --timeout 1000 --allow-partial --json rates >"$T/out" 2>"$T/err"
rc=$?
whole rates "$T/out" && w=whole || w=broken
expect "--allow-partial with a hung and a down shard answers from the local one" "0 whole" "$rc $w"
kill -CONT "$pid1"

# The judged-size point: reuters21578 in two remote shards (skips without it).
R="$CORPORA/reuters21578/docs"
if [ -d "$R" ]; then
    "$NSEARCH_INDEX" --db "$T/r-single" "$R"
    "$NSEARCH_INDEX" --db "$T/r1" --shard-of 1/2 "$R"
    "$NSEARCH_INDEX" --db "$T/r2" --shard-of 2/2 "$R"
    set -- $(serve "$T/r1") && pids="$pids $2" && rp1=$1
    set -- $(serve "$T/r2") && pids="$pids $2" && rp2=$1
    printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$rp1" "$rp2" >"$T/r-stub"
    compare "reuters21578: two remote shards answer like one index" "$T/r-single" "$T/r-stub" \
        "oil prices" '"interest rates"' "coffee OR cocoa" "bank -loan" "gold NEAR/5 price"
else
    skip "reuters21578 in shards" "../shared/corpora absent"
fi
