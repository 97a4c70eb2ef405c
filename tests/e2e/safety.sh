# safety.sh: the indexer's promises about its index folder (issues 13 and
# 14), one regression test per problem found: a full disk's message,
# generations that pile up and readers that pin theirs, --check on a
# read-only medium, an unwritable generation, --rebuild without folders or
# --shard-of or with a recorded folder gone, a damaged index in the nightly run, lost output, a bad
# --lang. (kill -9: crash.sh; every I/O error: faults.sh.)
. "$TOP/tests/e2e/lib.sh"
use_faultfs
C="$T/c"
sh "$GEN" "$C" 120 3
"$NSEARCH_INDEX" --db "$T/db" "$C"
gens() { ls -d "$1"/gen-*[0-9] 2>/dev/null | sed 's|.*/||' | tr '\n' ' ' | sed 's/ $//'; }

# ---- a full disk: the message names the index and the cause
sh "$GEN" "$T/more" 60 4
if [ -f "$SHIM" ]; then
    cp -rp "$T/db" "$T/full"
    LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/full" FAULTFS_OPS=pwrite FAULTFS_N=1 FAULTFS_PERSIST=1 \
        "$NSEARCH_INDEX" --db "$T/full" "$C" "$T/more" 2>"$T/err"
    expect "full disk: exit 4" 4 $?
    check "full disk: the message names the index and the cause, and says it is unchanged" \
        grep -q "^nsearch-index: $T/full: no space left on device; the index is unchanged" "$T/err"
    check "full disk: no corpus file is blamed (and the index is)" sh -c "grep -q '$T/full' '$T/err' && ! grep -q '$C' '$T/err'"
    expect "full disk: the articles are those of before" 120 \
        "$("$NSEARCH_INDEX" --db "$T/full" --stats --json | jq .articles)"
    expect "full disk: --check passes (on the 120 articles)" "0 120" \
        "$(status "$NSEARCH_INDEX" --db "$T/full" --check) $("$NSEARCH_INDEX" --db "$T/full" --stats --json | jq .articles)"
else
    skip "full disk message" "no $SHIM"
fi

# ---- generations: back-to-back rebuilds leave one
"$NSEARCH_INDEX" --db "$T/db" --rebuild "$C"
"$NSEARCH_INDEX" --db "$T/db" --rebuild "$C"
expect "back-to-back rebuilds leave only the live generation" "gen-3" "$(gens "$T/db")"
# A reader holding its generation keeps it through a rebuild; the next run
# after it lets go deletes it.
(
    exec 8<"$T/db/gen-3.readers"
    flock -s 8
    exec sleep 30
) &
reader=$!
sleep 0.3
"$NSEARCH_INDEX" --db "$T/db" --rebuild "$C"
expect "a generation a reader holds survives the rebuild" "gen-3 gen-4" "$(gens "$T/db")"
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
"$NSEARCH_INDEX" --db "$T/db" "$C"
expect "the next run deletes it once the reader is gone" "gen-4" "$(gens "$T/db")"
# A real reader: nsearch --serve pins the generation it has open.
serve_start "$T/db" "$T/serve.out"
serve_ask '{"id":1,"query":"market"}'
if flock -n -x "$T/db/gen-4.readers" true; then not_ok "nsearch --serve holds its generation"; else
    ok "nsearch --serve holds its generation"
fi
"$NSEARCH_INDEX" --db "$T/db" --rebuild "$C"
serve_ask '{"id":2,"query":"market"}'
serve_stop
expect "nsearch --serve answers across the rebuild" 2 "$(jq -s 'map(select(.matches)) | length' "$T/serve.out")"
"$NSEARCH_INDEX" --db "$T/db" "$C"
expect "once it has moved on, the old generation goes" "gen-5" "$(gens "$T/db")"
# What a killed rebuild leaves (a build folder, a partial next generation,
# the stub's temporary file) goes at the next run of any kind.
mkdir -p "$T/db/build-6/part-0" "$T/db/gen-6"
echo junk >"$T/db/gen-6/postlist.glass"
echo "auto gen-6" >"$T/db/XAPIANDB.tmp"
"$NSEARCH_INDEX" --db "$T/db" "$C"
expect "an incremental run removes a killed rebuild's leftovers" "XAPIANDB gen-5 gen-5.readers write.lock" \
    "$(ls "$T/db" | tr '\n' ' ' | sed 's/ $//')"

# ---- --check on a read-only medium; an unwritable generation
if [ -f "$SHIM" ]; then
    LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/db" FAULTFS_OPS=open,mkdir,rename FAULTFS_N=1 \
        FAULTFS_PERSIST=1 FAULTFS_ERRNO=EROFS "$NSEARCH_INDEX" --db "$T/db" --check 2>"$T/err"
    expect "--check on a read-only medium passes (the index of the 120 articles)" "0::120" \
        "$?:$(cat "$T/err"):$("$NSEARCH_INDEX" --db "$T/db" --stats --json | jq .articles)"
    cp -rp "$T/db" "$T/ro"
    f="$T/ro/gen-5/postlist.glass"
    truncate -s $(($(stat -c %s "$f") / 2)) "$f"
    LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/ro" FAULTFS_OPS=open,mkdir,rename FAULTFS_N=1 \
        FAULTFS_PERSIST=1 FAULTFS_ERRNO=EROFS "$NSEARCH_INDEX" --db "$T/ro" --check 2>/dev/null
    expect "--check on a read-only medium still finds damage" 4 $?
    LD_PRELOAD="$SHIM" FAULTFS_PATH="$T/db/gen-5" FAULTFS_OPS=open FAULTFS_N=1 FAULTFS_PERSIST=1 \
        FAULTFS_ERRNO=EACCES "$NSEARCH_INDEX" --db "$T/db" --wait 2 "$C" 2>"$T/err"
    expect "an unwritable generation is an index error (4), not busy (75)" 4 $?
    check "... and says so" grep -q "^nsearch-index: $T/db: permission denied" "$T/err"
else
    skip "read-only medium" "no $SHIM"
fi

# ---- --rebuild with the recorded folders, language and shard
"$NSEARCH_INDEX" --db "$T/fr" --lang french "$C"
"$NSEARCH_INDEX" --db "$T/fr" --rebuild 2>"$T/err"
expect "--rebuild without a folder uses the recorded ones" "0:" "$?:$(cat "$T/err")"
expect "... with all the articles" 120 "$("$NSEARCH_INDEX" --db "$T/fr" --stats --json | jq .articles)"
expect "... and keeps the language" french "$("$NSEARCH_INDEX" --db "$T/fr" --stats --json | jq -r .lang)"
"$NSEARCH_INDEX" --db "$T/s1" --shard-of 1/2 "$C"
n1=$("$NSEARCH_INDEX" --db "$T/s1" --stats --json | jq .articles)
"$NSEARCH_INDEX" --db "$T/s1" --rebuild "$C"
expect "--rebuild of a shard keeps its assignment" "$n1" "$("$NSEARCH_INDEX" --db "$T/s1" --stats --json | jq .articles)"
[ "$n1" -lt 120 ] && [ "$n1" -gt 0 ] && ok "the shard holds part of the corpus ($n1)" || not_ok "shard holds $n1"
"$NSEARCH_INDEX" --db "$T/s1" --rebuild --shard-of 2/2 "$C" 2>"$T/err"
expect "--rebuild with a conflicting --shard-of is a usage error" 2 $?
check "... that says which shard the index is" grep -q "^nsearch-index: $T/s1: this index is shard 1/2, not 2/2" "$T/err"
expect "... and changes nothing" "$n1" "$("$NSEARCH_INDEX" --db "$T/s1" --stats --json | jq .articles)"
# A recorded folder gone: --rebuild can't make the whole index, so it
# commits nothing (it used to switch to an index without that folder).
mkdir -p "$T/two/a" "$T/two/b"
cp "$C"/a*[0-4].txt "$T/two/a/" && cp "$C"/a*[5-9].txt "$T/two/b/"
nb=$(ls "$T/two/b" | wc -l) nab=$(ls "$T/two/a" "$T/two/b" | grep -c txt)
"$NSEARCH_INDEX" --db "$T/two.db" "$T/two/a" "$T/two/b"
n2=$("$NSEARCH_INDEX" --db "$T/two.db" --stats --json | jq .articles)
mv "$T/two/b" "$T/two/b.away"
"$NSEARCH_INDEX" --db "$T/two.db" --rebuild 2>"$T/err"
expect "--rebuild with a recorded folder gone: exit 3 naming it, the index unchanged" \
    "3:nsearch-index: $T/two/b: No such file or directory:$n2" \
    "$?:$(cat "$T/err"):$("$NSEARCH_INDEX" --db "$T/two.db" --stats --json | jq .articles)"
[ "$nb" -gt 0 ] && [ "$n2" = "$nab" ] && ok "... which holds the articles of both folders ($n2, $nb of them in the one gone)" ||
    not_ok "two.db holds $n2 articles of $nab, $nb in the folder gone"

# ---- a damaged index: the nightly run must not report success
cp -rp "$T/db" "$T/broken"
f="$T/broken/gen-5/postlist.glass"
truncate -s $(($(stat -c %s "$f") / 2)) "$f"
"$NSEARCH_INDEX" --db "$T/broken" 2>"$T/err"
expect "a truncated postlist.glass fails the nightly run" 4 $?
check "... with a message that starts nsearch-index: and says what to do" \
    sh -c "grep -q '^nsearch-index: $T/broken: the index is damaged' '$T/err' && grep -q -- --check '$T/err' && grep -q -- --rebuild '$T/err'"
"$NSEARCH_INDEX" --db "$T/broken" --check 2>"$T/err"
expect "--check fails on it" 4 $?
check "every --check line starts with nsearch-index:" sh -c "! grep -v '^nsearch-index: ' '$T/err'"
"$NSEARCH_INDEX" --db "$T/broken" --rebuild "$C" 2>"$T/err"
expect "--rebuild repairs it" "0:120" "$?:$("$NSEARCH_INDEX" --db "$T/broken" --stats --json | jq .articles)"
printf 'bin\000ary\n' >"$T/c/junk.txt"
"$NSEARCH_INDEX" --db "$T/db" "$C" 2>"$T/err"
rm "$T/c/junk.txt"
check "warnings start with nsearch-index:" grep -q "^nsearch-index: $T/c/junk.txt" "$T/err"

# ---- output that can't be written is an error
"$NSEARCH_INDEX" --db "$T/db" --json "$C" >/dev/full 2>"$T/err"
expect "--json to a full device exits 4" 4 $?
check "... and says so" grep -q "^nsearch-index: standard output: No space left on device" "$T/err"
"$NSEARCH_INDEX" --db "$T/db" --stats >/dev/full 2>/dev/null
expect "--stats to a full device exits 4" 4 $?
"$NSEARCH_INDEX" --db "$T/db" --stats --json >/dev/full 2>/dev/null
expect "--stats --json to a full device exits 4" 4 $?

# ---- an unknown language is a usage error that leaves nothing behind
"$NSEARCH_INDEX" --db "$T/kl" --lang klingon "$C" 2>"$T/err"
expect "--lang klingon exits 2" 2 $?
check "... and creates no folder" test ! -e "$T/kl"
check "... and names the option" grep -q "^nsearch-index: --lang: unknown language" "$T/err"
