# crash.sh: kill -9 of the indexer at many points, in fresh builds,
# incremental runs (written into the live generation, and grown by a merge
# into a new one: NSEARCH_MERGE=always) and rebuilds, over single-article (.txt) and
# multi-article (.jsonl, .jsonl.gz) files. Two kinds of kill points, from a
# fixed seed (printed): at the Nth file system call of the run (the faultfs
# shim kills the process right there: part flushes, the merge, the
# bookkeeping, the commit, the generation switch), and after a delay drawn
# as a fraction of how long such a run takes (reading and adding, where no
# call is made). After each kill:
#   - queries answer without a rerun (nsearch exits 0 or 1, never 2) when
#     an index existed before the run;
#   - the rerun exits 0 and the index then gives exactly a clean build's
#     articles and answers (--stats, --json, --files);
#   - --check passes and nothing is left on disk but the live generation.
# CRASH_POINTS (default 9: 54 kills) sets kill points per run kind and
# method; CRASH_SEED the seed; CRASH_ARTICLES the corpus size. make
# check-crash runs thousands, and also on ../shared/corpora when present
# (CRASH_SHARED=1).
. "$TOP/tests/e2e/lib.sh"
POINTS=${CRASH_POINTS:-9}
SEED=${CRASH_SEED:-20261204}
NART=${CRASH_ARTICLES:-500}
BATCH=${CRASH_BATCH:-40}
export XAPIAN_FLUSH_THRESHOLD=${CRASH_FLUSH:-40} # incremental runs flush while they add
echo "# seed $SEED, $POINTS points per run kind and method, $NART articles"
use_faultfs "kill -9 at exact calls"

answers() { query_answers "$1" 80 market "storm OR flood" '"grain harvest"' "bank -rates"; }

# rand I: the I-th number in [0, 1) of the seeded sequence.
rand() { awk -v s="$SEED" -v i="$1" 'BEGIN { srand(s + i * 7919); print rand() }'; }

kills=0 landed=0 bad=0 qfail=0 k=0
# crash KIND LABEL CORPUS TEMPLATE REF: POINTS kills by call and POINTS by
# time of one run kind (fresh: no index before; incremental: TEMPLATE, then
# CORPUS added; rebuild: TEMPLATE rebuilt), each followed by the checks.
crash() {
    kind=$1 label=$2 corpus=$3 template=$4 ref=$5
    set -- --db "$T/db" --batch "$BATCH" "$corpus"
    [ "$kind" = rebuild ] && set -- --db "$T/db" --batch "$BATCH" --rebuild "$corpus"
    prepare() { rm -rf "$T/db"; [ "$kind" = fresh ] || cp -rp "$template" "$T/db"; }
    prepare
    LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/db" FAULTFS_COUNT="$T/count" "$NSEARCH_INDEX" "$@" 2>/dev/null
    total=$(cat "$T/count")
    prepare
    start=$(date +%s%N) # not asserted: only scales the delays of the timed kills
    "$NSEARCH_INDEX" "$@" 2>/dev/null
    ms=$((($(date +%s%N) - start) / 1000000))
    kbad=0 kl=0 kt=0
    for method in call time; do
        i=0
        while [ "$i" -lt "$POINTS" ]; do
            i=$((i + 1)) k=$((k + 1))
            r=$(rand "$k")
            prepare
            if [ "$method" = call ]; then
                # Spread over the run's calls: slice i of POINTS, a seeded spot in it.
                n=$(awk -v t="$total" -v p="$POINTS" -v i="$i" -v r="$r" \
                    'BEGIN { n = int(t * (i - 1 + r) / p) + 1; print (n > t ? t : n) }')
                (LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/db" FAULTFS_KILL=1 FAULTFS_N=$n \
                    exec "$NSEARCH_INDEX" "$@" >/dev/null 2>&1)
                rc=$?
                where="call $n of $total"
            else
                delay=$(awk -v m="$ms" -v r="$r" 'BEGIN { printf "%.3f", m * r / 1000 }')
                "$NSEARCH_INDEX" "$@" >/dev/null 2>&1 &
                pid=$!
                sleep "$delay"
                kill -9 "$pid" 2>/dev/null
                wait "$pid"
                rc=$?
                where="${delay}s of ~${ms}ms"
            fi
            kills=$((kills + 1)) kt=$((kt + 1))
            [ "$rc" = 137 ] && { landed=$((landed + 1)) kl=$((kl + 1)); }
            why=""
            if [ "$kind" != fresh ]; then
                qrc=$(status "$NSEARCH" --db "$T/db" --count market)
                [ "$qrc" = 0 ] || [ "$qrc" = 1 ] || { why="query exited $qrc before the rerun"; qfail=$((qfail + 1)); }
            fi
            rrc=$(status "$NSEARCH_INDEX" --db "$T/db" --batch "$BATCH" "$corpus")
            [ "$rrc" = 0 ] || why="$why; rerun exited $rrc"
            answers "$T/db" >"$T/now" 2>&1
            cmp -s "$T/now" "$ref" || why="$why; answers differ from a clean build ($(diff "$ref" "$T/now" | head -3 | tr '\n' ' ' | cut -c1-200))"
            [ "$(status "$NSEARCH_INDEX" --db "$T/db" --check)" = 0 ] || why="$why; --check fails"
            s=$(stray "$T/db")
            [ -z "$s" ] || why="$why; left on disk: $(echo $s)"
            if [ -n "$why" ]; then
                kbad=$((kbad + 1)) bad=$((bad + 1))
                [ "$kbad" -le 3 ] && echo "    $label, kill at $where (seed $SEED, point $k): $why"
            fi
        done
    done
    echo "# $label: $kt kills ($kl landed inside the run; $total calls, ~${ms} ms a run), $kbad failures"
    expect "$label: every kill -9 leaves an index that answers and a rerun that equals a clean build" 0 "$kbad"
}

# The corpus: single-article .txt files, .jsonl files and a .jsonl.gz.
C="$T/corpus"
bulk_corpus "$C" "$NART" 5
"$NSEARCH_INDEX" --db "$T/ref" --batch "$BATCH" "$C"
answers "$T/ref" >"$T/ref.answers"
[ "$(wc -l <"$T/ref.answers")" -gt 4 ] && grep -q '"type":"match"' "$T/ref.answers" &&
    ok "reference answers" || not_ok "reference answers are empty"
# The incremental run's starting point: some .txt files, a .jsonl and the
# .jsonl.gz are new to it.
mkdir -p "$T/later"
for f in "$C"/a002*.txt "$C"/a003*.txt "$C"/batch-1.jsonl "$C"/batch-3.jsonl.gz; do mv "$f" "$T/later/"; done
"$NSEARCH_INDEX" --db "$T/base" --batch "$BATCH" "$C"
mv "$T/later"/* "$C/"

crash fresh "fresh build" "$C" "" "$T/ref.answers"
crash incremental "incremental run" "$C" "$T/base" "$T/ref.answers"
crash rebuild "rebuild" "$C" "$T/ref" "$T/ref.answers"

# The incremental run grown by a merge (NSEARCH_MERGE=always, the reruns
# too), from the same starting point, where now also a file known to it
# changed, another vanished, a JSON Lines file lost its first article and
# one was only touched: the merge keeps the old generation's articles of
# none of them.
f1=$(ls "$C"/a001*.txt | head -1) f2=$(ls "$C"/a001*.txt | sed -n 2p)
printf '\nArticle changed: the market heard of a storm and a grain harvest at the bank.\n' >>"$f1"
rm "$f2"
sed -i 1d "$C/batch-2.jsonl"
touch -d '2021-01-01 00:00' "$(ls "$C"/a000*.txt | head -1)"
"$NSEARCH_INDEX" --db "$T/ref2" --batch "$BATCH" "$C"
answers "$T/ref2" >"$T/ref2.answers"
cmp -s "$T/ref.answers" "$T/ref2.answers" && not_ok "the changes change the answers" || ok "the changes change the answers"
rm -rf "$T/db" && cp -rp "$T/base" "$T/db"
NSEARCH_MERGE=always "$NSEARCH_INDEX" --json --db "$T/db" --batch "$BATCH" "$C" >"$T/merge.json"
grep -q '"merged":true' "$T/merge.json" && ok "NSEARCH_MERGE=always grows the incremental run by a merge" ||
    not_ok "the incremental run did not merge: $(cat "$T/merge.json")"
answers "$T/db" | cmp -s - "$T/ref2.answers" && grep -q '"type":"match"' "$T/ref2.answers" &&
    ok "the merged run answers as a clean build (which has matches)" ||
    not_ok "the merged run answers otherwise than a clean build, or nothing"
export NSEARCH_MERGE=always
crash incremental "incremental run grown by a merge" "$C" "$T/base" "$T/ref2.answers"
unset NSEARCH_MERGE

# The long run also takes the shared corpora (never copied into the tree).
SHARED="$TOP/../shared/corpora"
if [ "${CRASH_SHARED:-0}" = 1 ]; then
    if [ -d "$SHARED/reuters21578/docs" ]; then
        R="$T/r21578"
        mkdir -p "$R"
        cp -p "$SHARED"/reuters21578/docs/* "$R/"
        "$NSEARCH_INDEX" --db "$T/rref" "$R" && answers "$T/rref" >"$T/rref.answers"
        mkdir -p "$T/rlater"
        ls "$R" | awk 'NR % 5 == 0' | while read -r f; do mv "$R/$f" "$T/rlater/"; done
        "$NSEARCH_INDEX" --db "$T/rbase" "$R"
        mv "$T/rlater"/* "$R/"
        POINTS=${CRASH_SHARED_POINTS:-20}
        crash incremental "reuters21578 incremental run" "$R" "$T/rbase" "$T/rref.answers"
        export NSEARCH_MERGE=always
        crash incremental "reuters21578 incremental run grown by a merge" "$R" "$T/rbase" "$T/rref.answers"
        unset NSEARCH_MERGE
        crash rebuild "reuters21578 rebuild" "$R" "$T/rref" "$T/rref.answers"
        rm -rf "$R" "$T/rref" "$T/rbase"
    else
        skip "reuters21578 kills" "no ../shared/corpora/reuters21578"
    fi
    if [ -f "$SHARED/reuters-financial/part-00.jsonl.gz" ]; then
        F="$T/rfin"
        mkdir -p "$F"
        cp -p "$SHARED"/reuters-financial/part-00.jsonl.gz "$F/"
        "$NSEARCH_INDEX" --db "$T/fbase" "$F"
        cp -p "$SHARED"/reuters-financial/part-01.jsonl.gz "$F/"
        "$NSEARCH_INDEX" --db "$T/fref" "$F" && answers "$T/fref" >"$T/fref.answers"
        POINTS=${CRASH_SHARED_POINTS:-20}
        crash incremental "reuters-financial incremental run" "$F" "$T/fbase" "$T/fref.answers"
        export NSEARCH_MERGE=always
        crash incremental "reuters-financial incremental run grown by a merge" "$F" "$T/fbase" "$T/fref.answers"
        unset NSEARCH_MERGE
    else
        skip "reuters-financial kills" "no ../shared/corpora/reuters-financial"
    fi
fi
echo "# total: $kills kills, $landed landed inside a run, $bad failures, $qfail failed queries"
[ "$kills" -ge 50 ] || [ "$POINTS" -lt 9 ] && ok "at least 50 kills ($kills)" || not_ok "only $kills kills"
