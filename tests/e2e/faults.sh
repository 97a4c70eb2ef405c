# faults.sh: I/O errors below the indexer, as SQLite tests them. An
# LD_PRELOAD shim ($O/tests/faultfs.so, tests/tools/faultfs.c) fails the Nth
# write, pwrite, fsync/fdatasync, rename, mkdir or writing open under the
# index folder, for every N of a small incremental run (written into the
# live generation, and grown by a merge: NSEARCH_MERGE=always) and of a small
# rebuild, with ENOSPC (the disk stays full) and with EIO (one failure).
# Each time: the run exits 4 with a message naming the index and saying it
# is unchanged, and the index answers exactly as before and passes --check.
# (A fault the indexer can shrug off, the pid it writes into write.lock for
# messages, may let the run succeed: then the index must be the complete new
# one.) FAULTS_STEP=K tries every Kth N only; make check-crash tries all of
# them on a larger run. FAULTS_ONLY=KIND runs one kind.
. "$TOP/tests/e2e/lib.sh"
STEP=${FAULTS_STEP:-1}
RSTEP=${FAULTS_REBUILD_STEP:-4} # a rebuild or a merge makes more calls: every 4th in make check
NART=${FAULTS_ARTICLES:-240}
# libxapian's periodic flush, low so that a small run also writes while it
# adds (not only in its final commit).
export XAPIAN_FLUSH_THRESHOLD=${FAULTS_FLUSH:-60}
unset NSEARCH_NO_SYNC # the fsyncs are among the calls that fail
use_faultfs "I/O error injection"

answers() { query_answers "$1" 60 market "storm OR flood" '"grain harvest"'; }

C="$T/corpus"
bulk_corpus "$C" "$NART" 11
mkdir -p "$T/later"
# The previous state: everything but some single-article files and one
# JSON Lines file; the run adds them.
for f in "$C"/a001*.txt "$C"/batch-2.jsonl; do mv "$f" "$T/later/"; done
"$NSEARCH_INDEX" --db "$T/base" "$C"
answers "$T/base" >"$T/before"
mv "$T/later"/* "$C/"
"$NSEARCH_INDEX" --db "$T/clean" "$C"
answers "$T/clean" >"$T/after"
if [ -s "$T/before" ] && ! cmp -s "$T/before" "$T/after"; then ok "the run changes the answers"; else
    not_ok "the run changes the answers"
fi

# run_faults KIND ERRNO PERSIST: every N (by STEP) for one run kind.
run_faults() {
    kind=$1 err=$2 persist=$3 step=$STEP
    [ "$kind" = incremental ] || step=$RSTEP
    if [ "$kind" = merge ]; then export NSEARCH_MERGE=always; else unset NSEARCH_MERGE; fi
    rm -rf "$T/db" && cp -rp "$T/base" "$T/db"
    set -- --db "$T/db" "$C"
    [ "$kind" = rebuild ] && set -- --db "$T/db" --rebuild "$C"
    LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/db" FAULTFS_COUNT="$T/count" "$NSEARCH_INDEX" "$@" 2>"$T/err"
    total=$(cat "$T/count" 2>/dev/null || echo 0)
    bad=0 tried=0 failed=0 benign=0
    n=1
    while [ "$n" -le "$total" ]; do
        rm -rf "$T/db" && cp -rp "$T/base" "$T/db"
        LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/db" FAULTFS_N=$n FAULTFS_ERRNO=$err \
            FAULTFS_PERSIST=$persist "$NSEARCH_INDEX" "$@" >/dev/null 2>"$T/err"
        rc=$?
        tried=$((tried + 1))
        answers "$T/db" >"$T/now" 2>&1
        chk=$(status "$NSEARCH_INDEX" --db "$T/db" --check)
        why=""
        if [ "$rc" = 0 ]; then
            benign=$((benign + 1))
            cmp -s "$T/now" "$T/after" || why="exit 0 but not the complete new index"
        else
            failed=$((failed + 1))
            [ "$rc" = 4 ] || why="exit $rc, not 4"
            grep -q "^nsearch-index: $T/db: .*the index is unchanged" "$T/err" ||
                why="$why; message does not name the index: $(head -c 300 "$T/err")"
            cmp -s "$T/now" "$T/before" || why="$why; the previous index changed"
        fi
        [ "$chk" = 0 ] || why="$why; --check fails"
        # Nothing left behind but the live generation and its readers' lock.
        [ -z "$(stray "$T/db")" ] || {
            # A failure may leave what the next run removes: check it does.
            "$NSEARCH_INDEX" --db "$T/db" >/dev/null 2>&1
            extra=$(stray "$T/db")
            [ -z "$extra" ] || why="$why; left on disk: $(echo $extra)"
        }
        if [ -n "$why" ]; then
            bad=$((bad + 1))
            [ "$bad" -le 5 ] && echo "    $kind $err call $n: $why"
        fi
        n=$((n + step))
    done
    echo "# $kind, $err (persist=$persist): $total calls, $tried faults injected, $failed runs failed (exit 4), $benign succeeded"
    forall "$kind run, $err at each of $tried calls: exit 4 naming the index, previous index intact" "$bad" "$tried" 10
    # The faults must have bitten: most runs fail.
    [ "$failed" -gt $((tried / 2)) ] && ok "$kind run, $err: the faults reached the indexer ($failed of $tried)" ||
        not_ok "$kind run, $err: only $failed of $tried runs failed"
}

for kind in incremental merge rebuild; do
    case "${FAULTS_ONLY:-$kind}" in "$kind") ;; *) continue ;; esac
    run_faults "$kind" ENOSPC 1
    run_faults "$kind" EIO 0
done
