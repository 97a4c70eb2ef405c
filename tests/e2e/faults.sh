# faults.sh: I/O errors below the indexer, as SQLite tests them. An
# LD_PRELOAD shim ($O/tests/faultfs.so, tests/tools/faultfs.c) fails the Nth
# write, pwrite, fsync/fdatasync, rename, mkdir or writing open under the
# index folder, for every N of a small incremental run (written into the
# live generation, and grown by a merge: NSEARCH_MERGE=always) and of a small
# rebuild, with ENOSPC (the disk stays full) and with EIO (one failure).
# Each time: the run exits 4 with a message naming the index and saying it
# is unchanged, and the index answers exactly as before and passes --check;
# an incremental run that failed with ENOSPC also leaves the live
# generation's files as large as before, and nothing beside them (v.tmp).
# (A fault the indexer can shrug off, the pid it writes into write.lock for
# messages, may let the run succeed: then the index must be the complete new
# one.) FAULTS_STEP=K tries every Kth N only; make check-crash tries all of
# them on a larger run. FAULTS_ONLY=KIND runs one kind (incremental, merge,
# rebuild, or full: a full disk, the shim's FAULTFS_SPACE, at the end).
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
# gen_files DB: each file of DB's generation folders with its size in bytes.
gen_files() { (cd "$1" && for f in gen-*/*; do echo "$f $(wc -c <"$f")"; done); }

C="$T/corpus"
bulk_corpus "$C" "$NART" 11
mkdir -p "$T/later"
# The previous state: everything but some single-article files and one
# JSON Lines file; the run adds them.
for f in "$C"/a001*.txt "$C"/batch-2.jsonl; do mv "$f" "$T/later/"; done
"$NSEARCH_INDEX" --db "$T/base" "$C"
answers "$T/base" >"$T/before"
gen_files "$T/base" >"$T/base.files"
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
    bad=0 tried=0 failed=0 benign=0 grown=0
    n=1
    while [ "$n" -le "$total" ]; do
        rm -rf "$T/db" && cp -rp "$T/base" "$T/db"
        LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/db" FAULTFS_N=$n FAULTFS_ERRNO=$err \
            FAULTFS_PERSIST=$persist "$NSEARCH_INDEX" "$@" >/dev/null 2>"$T/err"
        rc=$?
        tried=$((tried + 1))
        # An in-place run that failed gives back what it wrote into the live
        # generation: every file there as large as before, none added (v.tmp).
        # (With EIO once, libxapian may commit the old revision again after a
        # failed commit; then the files stay as they are.)
        if [ "$kind" = incremental ] && [ "$persist" = 1 ] && [ "$rc" != 0 ]; then
            gen_files "$T/db" >"$T/files"
            cmp -s "$T/files" "$T/base.files" || {
                grown=$((grown + 1))
                [ "$grown" -le 3 ] && echo "    $kind $err call $n: $(diff "$T/base.files" "$T/files" | grep '^>' | tr '\n' ' ')"
            }
        fi
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
    [ "$kind" = incremental ] && [ "$persist" = 1 ] &&
        forall "$kind run, $err at each of $tried calls: the live generation's files back to their sizes, none left" "$grown" "$failed" 10
    # The faults must have bitten: most runs fail.
    [ "$failed" -gt $((tried / 2)) ] && ok "$kind run, $err: the faults reached the indexer ($failed of $tried)" ||
        not_ok "$kind run, $err: only $failed of $tried runs failed"
}

for kind in incremental merge rebuild; do
    case "${FAULTS_ONLY:-$kind}" in "$kind") ;; *) continue ;; esac
    run_faults "$kind" ENOSPC 1
    run_faults "$kind" EIO 0
done

# A full disk during an in-place run, as a user meets it: the shim gives the
# index folder a disk of 4 KB blocks with 320 KB free, and the run would
# write about 600 KB into the live generation (8 KB blocks: it fills the
# disk to the last block). The run fails and gives the space back, so the
# next small run (one new file, about 150 KB of blocks copied, and the new
# version file) has room, and both old and new articles are found.
disk_usage() { find "$1" -type f -exec stat -c %s {} + | awk '{ t += int(($1 + 4095) / 4096) * 4096 } END { print t }'; }
full_disk() {
    unset NSEARCH_MERGE
    rm -rf "$T/db" && cp -rp "$T/base" "$T/db"
    room=$(($(disk_usage "$T/base") + 40 * 8192))
    LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/db" FAULTFS_SPACE=$room NSEARCH_MERGE=never \
        "$NSEARCH_INDEX" --db "$T/db" "$C" >/dev/null 2>"$T/err"
    rc=$?
    [ "$rc" = 4 ] && grep -q "^nsearch-index: $T/db: no space left on device; the index is unchanged" "$T/err" &&
        ok "full disk in place: exit 4, no space left, the index unchanged" ||
        { not_ok "full disk in place: exit 4, no space left, the index unchanged (exit $rc)"; sed 's/^/    /' "$T/err"; }
    gen_files "$T/db" >"$T/files"
    if grep -q '/postlist.glass [1-9]' "$T/base.files" && cmp -s "$T/files" "$T/base.files"; then ok "full disk in place: the live generation's files back to their sizes, no v.tmp"; else
        not_ok "full disk in place: the live generation's files back to their sizes, no v.tmp"
        diff "$T/base.files" "$T/files" | sed 's/^/    /'
    fi
    # The next run adds one small file to what the index had.
    for f in "$C"/a001*.txt "$C"/batch-2.jsonl; do mv "$f" "$T/later/"; done
    printf 'Fresh harbour notice\n\nZzfresh tidings from the quay.\n' >"$C/zzfresh.txt"
    LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/db" FAULTFS_SPACE=$room \
        "$NSEARCH_INDEX" --db "$T/db" "$C" >/dev/null 2>"$T/err"
    rc=$?
    nfiles=$(ls "$C" | wc -l)
    files() { "$NSEARCH_INDEX" --db "$T/db" --stats --json | jq .files; }
    [ "$rc" = 0 ] && [ "$(files)" = "$nfiles" ] && ok "full disk in place: the next small run has room (exit 0, $nfiles files)" ||
        { not_ok "full disk in place: the next small run has room (exit $rc, $(files) of $nfiles files)"; sed 's/^/    /' "$T/err"; }
    expect "full disk in place: --check passes after the next run (on its $nfiles files)" "0 $nfiles" \
        "$(status "$NSEARCH_INDEX" --db "$T/db" --check) $(files)"
    "$NSEARCH" --db "$T/base" --files market >"$T/old"
    "$NSEARCH" --db "$T/db" --files market >"$T/old.now"
    [ -s "$T/old" ] && cmp -s "$T/old" "$T/old.now" && ok "full disk in place: the old articles are found" ||
        not_ok "full disk in place: the old articles are found"
    [ "$("$NSEARCH" --db "$T/db" --files zzfresh)" = "$C/zzfresh.txt" ] &&
        ok "full disk in place: the new article is found" || not_ok "full disk in place: the new article is found"
    # A version file left by a run killed while committing (v.tmp): a run
    # that has nothing to commit still removes it.
    gen=$(sed 's/auto //' "$T/db/XAPIANDB")
    cp "$T/db/$gen/iamglass" "$T/db/$gen/v.tmp"
    "$NSEARCH_INDEX" --db "$T/db" "$C" >/dev/null 2>&1
    rc=$?
    [ "$rc" = 0 ] && [ -e "$T/db/$gen/iamglass" ] && [ ! -e "$T/db/$gen/v.tmp" ] &&
        ok "a run with nothing to do removes a v.tmp left in the live generation" ||
        not_ok "a run with nothing to do removes a v.tmp left in the live generation"
    rm -f "$C/zzfresh.txt"
    mv "$T/later"/* "$C/"
}
case "${FAULTS_ONLY:-full}" in full) full_disk ;; esac
