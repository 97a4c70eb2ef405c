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

# same DESC WANT GOT: the answers in file GOT are those in WANT, which must
# hold some (two indexes that answer nothing are not the same build).
same() {
    if [ -s "$2" ] && cmp -s "$2" "$3"; then ok "$1"; else
        not_ok "$1"
        [ -s "$2" ] || echo "    no reference answers"
        diff "$2" "$3" | head -n 10 | sed 's/^/    /'
    fi
}
# articles DB: the number of articles nsearch-index --stats counts in DB.
articles() {
    n=$("$NSEARCH_INDEX" --db "$1" --stats --json 2>/dev/null | jq .articles 2>/dev/null)
    case "$n" in '' | *[!0-9]*) echo "no count" ;; *) echo "$n" ;; esac
}

# ---- exit codes
mkdir -p "$T/c1"
sh "$GEN" "$T/c1" 40 1
expect "usage error exits 2" 2 "$(status "$NSEARCH_INDEX" --db "$T/x" --no-such-option)"
# Option values: whole numbers in range, digits only, else a usage error
# (exit 2) naming what is wanted; the good ones run (exit 0).
for bad in "--max-file-size -1|a number of bytes from 1" "--max-file-size 0|a number of bytes from 1" \
    "--max-file-size 99999999999999999999999|a number of bytes from 1" \
    "--shard-of 1/2x|N/K with 1 <= N <= K" "--shard-of  1/2|N/K with 1 <= N <= K" \
    "--wait 1e3|a number of seconds" "--wait inf|a number of seconds" "--jobs +2|a number from 1 to 256" \
    "--batch 20x|a number from 10 to"; do
    opt=${bad%%|*}
    expect_exit "nsearch-index ${opt%% *} '${opt#* }': usage error" 2 "^nsearch-index: ${opt%% *}: ${bad#*|}" \
        "$NSEARCH_INDEX" --db "$T/optx" "${opt%% *}" "${opt#* }" "$T/c1"
done
"$NSEARCH_INDEX" --db "$T/opty" --max-file-size 18446744073709551615 --wait 0.5 --jobs 2 --batch 10 \
    --shard-of 1/1 "$T/c1" >"$T/out" 2>&1
expect "…the largest size, a fraction of a second, 1/1: exit 0, every article; the bad ones made no index" \
    "0 40 0" "$? $(articles "$T/opty") $(ls -A "$T/optx" 2>/dev/null | wc -l | tr -d ' ')"
"$NSEARCH_INDEX" --help >/dev/full 2>"$T/err"
expect "--help to a full device: exit 4, said so" "4 1" "$? $(grep -c '^nsearch-index: standard output: No space left on device$' "$T/err")"
"$NSEARCH_INDEX" --version >/dev/full 2>"$T/err"
expect "--version to a full device: exit 4, said so" "4 1" "$? $(grep -c '^nsearch-index: standard output: No space left on device$' "$T/err")"
expect "missing corpus exits 3" 3 "$(status "$NSEARCH_INDEX" --db "$T/x" "$T/no-such-dir")"
printf 'bin\000ary\n' >"$T/c1/junk.txt"
"$NSEARCH_INDEX" --db "$T/db1" "$T/c1" 2>"$T/err"
expect "skipped file exits 1" 1 $?
check "skipped file is named on stderr" grep -q "junk.txt" "$T/err"
rm "$T/c1/junk.txt"
"$NSEARCH_INDEX" --db "$T/db1" --json "$T/c1" >"$T/json"
# (The first run indexed the 40 articles, skipping the junk file: this one
# finds nothing new, every file unchanged.)
expect "--json report parses" "false 0 0 0 $(ls "$T/c1" | wc -l | tr -d ' ')" \
    "$(jq -r '"\(.rebuilt) \(.articles.new) \(.articles.deleted) \(.files.deleted) \(.files.unchanged)"' "$T/json" 2>&1)"
expect "--stats counts articles" 40 "$("$NSEARCH_INDEX" --db "$T/db1" --stats --json | jq .articles)"
# (--check prints nothing when the index is good: --stats shows it was there.)
expect "--check passes on a good index" "0|40" "$(status "$NSEARCH_INDEX" --db "$T/db1" --check)|$(articles "$T/db1")"

# ---- --json and --stats --json are valid JSON whatever the names hold: an
# index folder, a corpus folder and a file whose names are not UTF-8 (each
# such byte is U+FFFD, as in nsearch --json), a control character escaped.
# Python's json module is strict about UTF-8 where jq repairs it.
strict_json() { # FIELD...: print each field of the one JSON object on stdin
    PYTHONIOENCODING=utf-8 python3 -c 'import json, sys
d = json.loads(sys.stdin.buffer.read().decode("utf-8"))
print(" ".join(str(eval("d" + f)) for f in sys.argv[1:]))' "$@" 2>&1
}
odd=$(printf 'odd-\377')
fffd=$(printf '\357\277\275')
mkdir -p "$T/$odd-corpus"
printf 'Heron report\n\nA heron waded into the marsh.\n' >"$T/$odd-corpus/$odd.txt"
"$NSEARCH_INDEX" --db "$T/$odd-db" --json "$T/$odd-corpus" >"$T/json" 2>"$T/err"
expect "--json over names that are not UTF-8: exit 0, valid JSON, the index named with U+FFFD" \
    "0 $T/odd-$fffd-db 1" "$? $(strict_json '["index"]' '["articles"]["new"]' <"$T/json")"
"$NSEARCH_INDEX" --db "$T/$odd-db" --stats --json >"$T/json" 2>"$T/err"
expect "--stats --json over names that are not UTF-8: valid JSON, index and corpus named with U+FFFD" \
    "0 $T/odd-$fffd-db $T/odd-$fffd-corpus 1" \
    "$? $(strict_json '["index"]' '["roots"][0]' '["articles"]' <"$T/json")"
tab=$(printf 'tab\tname')
"$NSEARCH_INDEX" --db "$T/$tab-db" --json "$T/$odd-corpus" >/dev/null 2>&1
"$NSEARCH_INDEX" --db "$T/$tab-db" --stats --json >"$T/json" 2>"$T/err"
expect "--stats --json: a tab in the index name is escaped" "0 1 1" \
    "$? $(grep -c 'tab\\tname-db' "$T/json") $(strict_json '["articles"]' <"$T/json")"

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
"$NSEARCH_INDEX" --db "$T/db1" --wait 1 --json "$T/c1" >"$T/json"
expect "free again once the holder is gone" "0|17 files seen" "$?|$(jq -r '"\(.files.seen) files seen"' "$T/json" 2>&1)"

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
expect "the next run finishes the job" "0|1500" "$?|$(articles "$T/inc.db")"
answers "$T/inc.db" "$C" >"$T/inc.answers"
same "result equals a clean build" "$T/ref.answers" "$T/inc.answers"
expect "--check passes after recovery" "0|1500" "$(status "$NSEARCH_INDEX" --db "$T/inc.db" --check)|$(articles "$T/inc.db")"

# (b) a rebuild killed at many points: the old index answers throughout.
bad=0
for delay in 0.02 0.1 0.25 0.5 0.9; do
    "$NSEARCH_INDEX" --db "$T/inc.db" --rebuild "$C" 2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    answers "$T/inc.db" "$C" >"$T/after.answers"
    [ -s "$T/ref.answers" ] && cmp -s "$T/ref.answers" "$T/after.answers" || { bad=$((bad + 1)); echo "    after kill at ${delay}s: answers changed"; }
done
expect "a killed rebuild leaves the live index as it was" 0 "$bad"
gen_before=$(cat "$T/inc.db/XAPIANDB" 2>/dev/null)
"$NSEARCH_INDEX" --db "$T/inc.db" --rebuild "$C"
answers "$T/inc.db" "$C" >"$T/rb.answers"
same "completed rebuild equals a clean build" "$T/ref.answers" "$T/rb.answers"
# (The witness: the rebuild ran to its end, the stub naming a new generation.)
expect_none "no build leftovers after a completed rebuild" "$(ls -d "$T"/inc.db/build-* 2>/dev/null)" \
    sh -c "gen=\$(cat '$T/inc.db/XAPIANDB') && [ -n \"\$gen\" ] && [ \"\$gen\" != '$gen_before' ]"

# (c) a first build killed: the next run builds it whole.
"$NSEARCH_INDEX" --db "$T/first.db" "$FULL" 2>/dev/null &
pid=$!
sleep 0.2
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
"$NSEARCH_INDEX" --db "$T/first.db" "$FULL"
answers "$T/first.db" "$FULL" >"$T/first.answers"
same "killed first build, rerun equals a clean build" "$T/ref.answers" "$T/first.answers"

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
same "previous index intact after the failure" "$T/before.answers" "$T/after.answers"

# ---- --check finds damage
cp -r "$T/ref" "$T/broken.db"
gen=$(sed 's/auto //' "$T/broken.db/XAPIANDB")
f="$T/broken.db/$gen/postlist.glass"
size=$(stat -c %s "$f")
dd if=/dev/urandom of="$f" bs=1 seek=$((size / 2)) count=4096 conv=notrunc 2>/dev/null
expect "--check fails on a damaged index" 4 "$(status "$NSEARCH_INDEX" --db "$T/broken.db" --check)"

# ---- --stats and --check where there is no index (none, or none yet: a
# first build running, holding the lock with its build folder) say so as
# nsearch does, not in Xapian's words
mkdir -p "$T/building/build-1/meta"
echo 4242 >"$T/building/write.lock"
for db in "$T/nowhere" "$T/building"; do
    for opt in --stats --check; do
        "$NSEARCH_INDEX" --db "$db" "$opt" >"$T/out" 2>"$T/err"
        expect "$opt on $(basename "$db"): exit 4, no index there, say how to build one" \
            "4:nsearch-index: no index at $db: run nsearch-index --db $db FOLDER to build one" \
            "$?:$(cat "$T/out" "$T/err")"
    done
done

# ---- the configuration file's db: nsearch-index builds the index nsearch
# reads (and --db and NSEARCH_DB still come first)
printf '# test\ndb = %s/cfgidx\nlimit = 3\n' "$T" >"$T/config"
NSEARCH_CONFIG="$T/config" "$NSEARCH_INDEX" "$T/c1" >"$T/out" 2>&1
rc=$?
# (The witness: exit 0, and the index it built counts the 40 articles.)
expect_none "the config file's db: built, silently" "$(cat "$T/out")" test "$rc|$(articles "$T/cfgidx")" = "0|40"
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
# A bad line is named by the program that read it, and the run goes on; the
# indexer checks only what it reads (db, and lines that are no setting at
# all), so a line for nsearch alone is nsearch's to report (not mailed by
# cron every night).
printf 'db = %s/cfgidx2\nlimit = 3x\ncolor = purple\ndb =\nfrobnicate = 1\n' "$T" >"$T/config2"
NSEARCH_CONFIG="$T/config2" "$NSEARCH_INDEX" "$T/c1" >"$T/out" 2>"$T/err"
rc=$?
NSEARCH_CONFIG="$T/config2" "$NSEARCH" --count storm >"$T/out" 2>"$T/err2"
expect "a bad config line: nsearch-index names itself, FILE:LINE, its db line only, and builds; nsearch names lines 2 to 5" \
    "0:nsearch-index: $T/config2:4: db: empty path:40:2 3 4 5" \
    "$rc:$(cat "$T/err"):$("$NSEARCH_INDEX" --db "$T/cfgidx2" --stats --json | jq .articles):$(sed -n "s|^nsearch: $T/config2:\([0-9]*\): .*|\1|p" "$T/err2" | tr '\n' ' ' | sed 's/ $//')"
# libxapian's zlib calls reach nsearch-index's own deflate() first, which
# spares packed records a deflate they never shrink under (indexer/deflate.c;
# test_deflate checks its answers), and sends the rest on to libz's.
LD_DEBUG=bindings "$NSEARCH_INDEX" --db "$T/bindidx" "$T/c1" >/dev/null 2>"$T/err"
expect "libxapian's deflate() is nsearch-index's, and that one's is libz's" "0 1 1" \
    "$? $(grep -c "libxapian\.so.* to [^ ]*nsearch-index \[0\]: normal symbol \`deflate'" "$T/err") $(
        grep -c "nsearch-index \[0\] to [^ ]*libz\.so.*: normal symbol \`deflate'" "$T/err")"

# ---- its own lines quote the index and corpus paths
unsafe() { # FILE: lines holding ESC, a C1 control or a bidi control
    LC_ALL=C grep -c "$(printf '\033')\|$(printf '\302')[$(printf '\200')-$(printf '\237')]\|$(printf '\342\200')[$(printf '\216\217\252')-$(printf '\256')]\|$(printf '\342\201')[$(printf '\246')-$(printf '\251')]" "$1"
}
# --stats prints them quoted (--json: the real names), and the messages that
# carry the index path or Xapian's words about it are quoted and flattened.
G="$T/$(printf 'news\033]0;owned\007\033[2J')"
mkdir -p "$G"
printf 'Gnu\n\nA gnu here.\n' >"$G/a.txt"
"$NSEARCH_INDEX" --db "$T/gidx" "$G" || not_ok "index a folder named with ESC"
"$NSEARCH_INDEX" --db "$T/gidx" --stats >"$T/g.out" 2>&1
expect "--stats: the corpus folder quoted, no ESC or BEL byte" "0 0 0 1" \
    "$? $(LC_ALL=C grep -c "$(printf '\007')" "$T/g.out")$(unsafe "$T/g.out" | sed 's/^/ /') $(grep -c '^corpus      ".*/news\\x1b\]0;owned\\x07\\x1b\[2J"$' "$T/g.out")"
expect "--stats --json: the real name" "$G" "$("$NSEARCH_INDEX" --db "$T/gidx" --stats --json | jq -r '.roots[0]')"
B="$T/$(printf 'db\033[31mE')"
for a in "" --stats --check; do
    "$NSEARCH_INDEX" --db "$B" $a >"$T/b.out" 2>&1
    rc=$? want=4
    [ -n "$a" ] || want=2
    expect "an index path with ESC, ${a:-no folder}: exit $want, named quoted, no ESC byte" "$want 0 1" \
        "$rc $(unsafe "$T/b.out") $(grep -c 'db\\x1b\[31mE' "$T/b.out")"
done
"$NSEARCH_INDEX" --wait "$(printf '1\033[2J')" "$T/c1" >"$T/b.out" 2>&1
expect "a bad option value with ESC: exit 2, quoted, no ESC byte" "2 0 1" \
    "$? $(unsafe "$T/b.out") $(grep -c '^nsearch-index: --wait: .*"1\\x1b\[2J"$' "$T/b.out")"
