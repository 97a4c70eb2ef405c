# indexer.sh: nsearch-index as cron runs it: exit codes, the writer lock,
# kill -9 at many points (the index always answers, the next run finishes
# the job and equals a clean build), queries during indexing, a full disk,
# --check, --stats and --json.
. "$TOP/tests/e2e/lib.sh"
GEN="$TOP/tests/tools/gencorpus.sh"

# Answers of a few queries, as sorted "path line score" lines: equal for
# two indexes of the same articles whatever order they were added in.
answers() {
    for q in "security guarantees" "storm OR flood" '"grain harvest"' "bank -rates"; do
        "$NSEARCH" --db "$1" --json -n 40 --per-article 3 "$q" |
            jq -r 'select(.type=="match") | "\(.path) \(.line) \(.score * 1000 | floor)"'
    done | sed "s|$2||" | sort
}

# ---- exit codes
mkdir -p "$T/c1"
sh "$GEN" "$T/c1" 40 1
expect "usage error exits 2" 2 "$(status "$NSEARCH_INDEX" --db "$T/x" --no-such-option)"
expect "missing corpus exits 3" 3 "$(status "$NSEARCH_INDEX" --db "$T/x" "$T/no-such-dir")"
printf 'bin\000ary\n' >"$T/c1/junk.txt"
"$NSEARCH_INDEX" --db "$T/db1" "$T/c1" 2>"$T/err"
expect "skipped file exits 1" 1 $?
check "skipped file is named on stderr" grep -q "junk.txt" "$T/err"
rm "$T/c1/junk.txt"
"$NSEARCH_INDEX" --db "$T/db1" --json "$T/c1" >"$T/json"
check "--json report parses" jq -e '.articles and .files' "$T/json"
expect "--stats counts articles" 40 "$("$NSEARCH_INDEX" --db "$T/db1" --stats --json | jq .articles)"
expect "--check passes on a good index" 0 "$(status "$NSEARCH_INDEX" --db "$T/db1" --check)"

# ---- the writer lock: a second indexer waits --wait seconds, then 75
echo 4242 >"$T/db1/write.lock"
flock "$T/db1/write.lock" sleep 3 &
holder=$!
sleep 0.3
start=$(date +%s%N)
"$NSEARCH_INDEX" --db "$T/db1" --wait 1 "$T/c1" 2>"$T/err"
rc=$?
waited=$((($(date +%s%N) - start) / 1000000))
expect "busy index exits 75" 75 "$rc"
check "message names the lock holder's pid" grep -q "pid 4242" "$T/err"
if [ "$waited" -ge 900 ]; then ok "waited --wait seconds (${waited} ms)"; else not_ok "waited only ${waited} ms"; fi
wait "$holder"
expect "free again once the holder is gone" 0 "$(status "$NSEARCH_INDEX" --db "$T/db1" --wait 1 "$T/c1")"

# ---- kill -9 at many points
FULL="$T/full"
sh "$GEN" "$FULL" 1500 7
"$NSEARCH_INDEX" --db "$T/ref" "$FULL"
answers "$T/ref" "$FULL" >"$T/ref.answers"
[ -s "$T/ref.answers" ] && ok "reference answers" || not_ok "reference answers empty"

# (a) incremental runs: half the corpus indexed, the rest added under fire.
C="$T/inc"
mkdir -p "$C"
for f in "$FULL"/a0*.txt "$FULL"/batch-0.jsonl "$FULL"/batch-1.jsonl; do cp "$f" "$C/"; done
"$NSEARCH_INDEX" --db "$T/inc.db" "$C"
for f in "$FULL"/*; do cp "$f" "$C/"; done
bad=0 kills=0
for delay in 0.01 0.03 0.06 0.1 0.15 0.2 0.3 0.45 0.6 0.8; do
    "$NSEARCH_INDEX" --db "$T/inc.db" "$C" 2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
    wait "$pid" 2>/dev/null
    rc=$(status "$NSEARCH" --db "$T/inc.db" storm)
    [ "$rc" = 2 ] && { bad=$((bad + 1)); echo "    after kill at ${delay}s: query failed"; }
done
expect "queries answer after every kill -9 of an incremental run ($kills kills)" 0 "$bad"
"$NSEARCH_INDEX" --db "$T/inc.db" "$C"
expect "the next run finishes the job" 0 $?
answers "$T/inc.db" "$C" >"$T/inc.answers"
if cmp -s "$T/ref.answers" "$T/inc.answers"; then ok "result equals a clean build"; else
    not_ok "result equals a clean build"; diff "$T/ref.answers" "$T/inc.answers" | head -n 10 | sed 's/^/    /'
fi
expect "--check passes after recovery" 0 "$(status "$NSEARCH_INDEX" --db "$T/inc.db" --check)"

# (b) a rebuild killed at many points: the old index answers throughout.
bad=0
for delay in 0.02 0.1 0.25 0.5 0.9; do
    "$NSEARCH_INDEX" --db "$T/inc.db" --rebuild "$C" 2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    answers "$T/inc.db" "$C" >"$T/after.answers"
    cmp -s "$T/ref.answers" "$T/after.answers" || { bad=$((bad + 1)); echo "    after kill at ${delay}s: answers changed"; }
done
expect "a killed rebuild leaves the live index as it was" 0 "$bad"
"$NSEARCH_INDEX" --db "$T/inc.db" --rebuild "$C"
answers "$T/inc.db" "$C" >"$T/rb.answers"
if cmp -s "$T/ref.answers" "$T/rb.answers"; then ok "completed rebuild equals a clean build"; else not_ok "completed rebuild equals a clean build"; fi
check "no build leftovers after a completed rebuild" test -z "$(ls -d "$T"/inc.db/build-* 2>/dev/null)"

# (c) a first build killed: the next run builds it whole.
"$NSEARCH_INDEX" --db "$T/first.db" "$FULL" 2>/dev/null &
pid=$!
sleep 0.2
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
"$NSEARCH_INDEX" --db "$T/first.db" "$FULL"
answers "$T/first.db" "$FULL" >"$T/first.answers"
if cmp -s "$T/ref.answers" "$T/first.answers"; then ok "killed first build, rerun equals a clean build"; else not_ok "killed first build, rerun equals a clean build"; fi

# ---- queries never fail while the indexer works (incremental and rebuild)
Q="$T/q"
mkdir -p "$Q"
for f in "$FULL"/a0*.txt; do cp "$f" "$Q/"; done
"$NSEARCH_INDEX" --db "$T/q.db" "$Q"
for f in "$FULL"/*; do cp "$f" "$Q/"; done
( "$NSEARCH_INDEX" --db "$T/q.db" "$Q" && "$NSEARCH_INDEX" --db "$T/q.db" --rebuild "$Q" && touch "$T/q.done" ) 2>/dev/null &
fails=0 n=0
while [ ! -f "$T/q.done" ] && [ "$n" -lt 400 ]; do
    rc=$(status "$NSEARCH" --db "$T/q.db" --json harbour)
    [ "$rc" = 2 ] && fails=$((fails + 1))
    n=$((n + 1))
done
wait
expect "no query failed during indexing ($n queries)" 0 "$fails"

# ---- a full disk: a clear error, the previous index intact
cp -r "$T/ref" "$T/small.db"
answers "$T/small.db" "$FULL" >"$T/before.answers"
sh "$GEN" "$T/more" 800 9
(
    trap '' XFSZ
    ulimit -f 256 # blocks: the index files can't grow
    "$NSEARCH_INDEX" --db "$T/small.db" "$T/more"
) 2>"$T/err"
expect "write failure exits 4" 4 $?
check "write failure is explained" grep -q "^nsearch-index: $T/small.db: " "$T/err"
answers "$T/small.db" "$FULL" >"$T/after.answers"
if cmp -s "$T/before.answers" "$T/after.answers"; then ok "previous index intact after the failure"; else not_ok "previous index intact after the failure"; fi

# ---- --check finds damage
cp -r "$T/ref" "$T/broken.db"
gen=$(sed 's/auto //' "$T/broken.db/XAPIANDB")
f="$T/broken.db/$gen/postlist.glass"
size=$(stat -c %s "$f")
dd if=/dev/urandom of="$f" bs=1 seek=$((size / 2)) count=4096 conv=notrunc 2>/dev/null
expect "--check fails on a damaged index" 4 "$(status "$NSEARCH_INDEX" --db "$T/broken.db" --check)"

# ---- the configuration file's db: nsearch-index builds the index nsearch
# reads (and --db and NSEARCH_DB still come first)
printf '# test\ndb = %s/cfgidx\nlimit = 3\n' "$T" >"$T/config"
NSEARCH_CONFIG="$T/config" "$NSEARCH_INDEX" "$T/c1" >"$T/out" 2>&1
expect "the config file's db: built, silently" "0:" "$?:$(cat "$T/out")"
check "the config file's db: the index is there" test -f "$T/cfgidx/XAPIANDB"
expect "the config file's db: the same articles" 40 \
    "$(NSEARCH_CONFIG="$T/config" "$NSEARCH_INDEX" --stats --json | jq .articles)"
want=$("$NSEARCH" --db "$T/db1" --files -n 100 'storm OR flood' | sed 's|.*/||')
got=$(NSEARCH_CONFIG="$T/config" "$NSEARCH" --files -n 100 'storm OR flood' 2>/dev/null | sed 's|.*/||')
check "nsearch finds it through the same file" test -n "$got"
expect "nsearch finds it through the same file, same answers" "$want" "$got"
NSEARCH_CONFIG="$T/config" NSEARCH_DB="$T/envidx" "$NSEARCH_INDEX" "$T/c1" >/dev/null 2>&1
check "NSEARCH_DB beats the config file" test -f "$T/envidx/XAPIANDB"
NSEARCH_CONFIG="$T/config" "$NSEARCH_INDEX" --db "$T/flagidx" "$T/c1" >/dev/null 2>&1
check "--db beats both" test -f "$T/flagidx/XAPIANDB"
# A bad line is named by the program that read it, and the run goes on.
printf 'db = %s/cfgidx2\nlimit = 3x\n' "$T" >"$T/config2"
NSEARCH_CONFIG="$T/config2" "$NSEARCH_INDEX" "$T/c1" >"$T/out" 2>"$T/err"
expect "a bad config line: nsearch-index names itself, FILE:LINE, and builds" \
    "0:nsearch-index: $T/config2:2: limit: not a count from 1: 3x:40" \
    "$?:$(cat "$T/err"):$("$NSEARCH_INDEX" --db "$T/cfgidx2" --stats --json | jq .articles)"
