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
# the stub's temporary file, and nsearch.pending, written before them, which
# names them as nsearch's) goes at the next run of any kind.
mkdir -p "$T/db/build-6/part-0" "$T/db/gen-6"
echo junk >"$T/db/gen-6/postlist.glass"
echo "auto gen-6" >"$T/db/XAPIANDB.tmp"
echo 6 >"$T/db/nsearch.pending"
"$NSEARCH_INDEX" --db "$T/db" "$C"
expect "an incremental run removes a killed rebuild's leftovers" "XAPIANDB gen-5 gen-5.readers write.lock" \
    "$(ls "$T/db" | tr '\n' ' ' | sed 's/ $//')"

# ---- only what nsearch made is deleted: the index folder may be a folder
# of one's own, or the corpus folder itself, whose build-* and gen-N
# entries are not nsearch's (they used to be deleted as a killed run's
# leftovers, corpus articles with them).
P="$T/proj"
mkdir -p "$P/build-release" "$P/build-" "$P/build-1" "$P/gen-12" "$P/gen-3"
echo 'keep me' >"$P/build-release/notes"
echo log >"$P/build-7.log"
echo four >"$P/gen-4"
echo twelve >"$P/gen-12/notes"
"$NSEARCH_INDEX" --db "$P" "$C" && "$NSEARCH_INDEX" --db "$P" --rebuild "$C" &&
    NSEARCH_MERGE=always "$NSEARCH_INDEX" --db "$P" "$C" "$T/more" && "$NSEARCH_INDEX" --db "$P" "$C" "$T/more"
# The generations take the first numbers whose names are free: 2 (build-1
# is taken), then 5 (gen-3, gen-4), then 6.
expect "a folder's own build-* and gen-N entries survive a build, a rebuild and two updates" \
    "0:XAPIANDB build- build-1 build-7.log build-release gen-12 gen-3 gen-4 gen-6 gen-6.readers write.lock:keep me:log:four:twelve:180" \
    "$?:$(ls "$P" | tr '\n' ' ' | sed 's/ $//'):$(cat "$P/build-release/notes" "$P/build-7.log" "$P/gen-4" "$P/gen-12/notes" | tr '\n' ':')$("$NSEARCH_INDEX" --db "$P" --stats --json | jq .articles)"
# The index folder is the corpus folder, or inside it: its articles stay on
# disk and are indexed (also those under build-* and gen-N, of the index
# folder too), the index's own files are not.
for db in "$T/news" "$T/news2/idx"; do
    N=${db%/idx}
    mkdir -p "$N/build-2024" "$N/gen-2" "$db/gen-7"
    printf 'Fresh\n\nA fresh story.\n' >"$N/a.txt"
    printf 'Old\n\nAn archived story.\n' >"$N/build-2024/old.txt"
    printf 'Two\n\nThe second story.\n' >"$N/gen-2/two.txt"
    printf 'Seven\n\nThe seventh story.\n' >"$db/gen-7/seven.txt"
    "$NSEARCH_INDEX" --db "$db" "$N" && "$NSEARCH_INDEX" --db "$db" --rebuild &&
        printf 'More\n\nOne more story.\n' >"$db/gen-7/more.txt" &&
        NSEARCH_MERGE=always "$NSEARCH_INDEX" --db "$db" && rm "$db/gen-7/more.txt" &&
        "$NSEARCH_INDEX" --db "$db"
    rc=$?
    "$NSEARCH_INDEX" --db "$db" --check
    seven=gen-7/seven.txt
    [ "$db" = "$N" ] || seven=idx/$seven
    expect "index folder $db, corpus $N: a build, a rebuild and two updates index the 4 articles, delete none" \
        "0:0:4:4:a.txt build-2024/old.txt gen-2/two.txt $seven" \
        "$rc:$?:$("$NSEARCH_INDEX" --db "$db" --stats --json | jq '.articles, .files' | tr '\n' ':')$(cd "$N" && find . -name '*.txt' | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
done

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
# Another --lang or a --shard-of for an unsharded index: refused, saying
# which command changes it; that command, run as printed, does.
"$NSEARCH_INDEX" --db "$T/fr" --lang german "$C" 2>"$T/err"
rc=$?
cmd=$(sed -n 's/^nsearch-index: .*: the index stems french, not german: use \(nsearch-index.*\) to change the language$/\1/p' "$T/err")
expect "another --lang: refused (exit 4), naming the command" "4 nsearch-index --db $T/fr --rebuild --lang german" "$rc $cmd"
mkdir -p "$T/advbin" && ln -sf "$NSEARCH_INDEX" "$T/advbin/nsearch-index"
NSEARCH_DB="$T/db" PATH="$T/advbin:$PATH" sh -c "$cmd" 2>"$T/err"
expect "... which rebuilds that index in that language" "0 german 120" \
    "$? $("$NSEARCH_INDEX" --db "$T/fr" --stats --json | jq -r '.lang, .articles' | tr '\n' ' ' | sed 's/ $//')"
"$NSEARCH_INDEX" --db "$T/fr" --shard-of 1/2 "$C" 2>"$T/err"
rc=$?
cmd=$(sed -n 's/^nsearch-index: .*: this index is not sharded: use \(nsearch-index.*\) to make it shard 1\/2$/\1/p' "$T/err")
expect "--shard-of for an unsharded index: refused (exit 2), naming the command" \
    "2 nsearch-index --db $T/fr --rebuild --shard-of 1/2" "$rc $cmd"
NSEARCH_DB="$T/db" PATH="$T/advbin:$PATH" sh -c "$cmd" 2>"$T/err"
expect "... which makes that index shard 1/2 (the articles of shard 1/2 above)" "0 $n1" \
    "$? $("$NSEARCH_INDEX" --db "$T/fr" --stats --json | jq .articles)"
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
# A damaged XAPIANDB (naming a generation that isn't there, empty,
# garbage) or none beside a generation that was live: which generation is
# live is unknown, so nothing may be deleted. An update refuses (exit 4)
# and changes nothing; --rebuild, with no folder, finds the corpus folders
# in the newest generation that reads, builds a new one after all the
# others, switches to it, and only then deletes the old.
g=$(sed -n 's/^auto //p' "$T/db/XAPIANDB")
n=${g#gen-}
for stub in 'auto gen-9' '' 'hello world' missing; do
    rm -rf "$T/ds" && cp -rp "$T/db" "$T/ds"
    case $stub in missing) rm "$T/ds/XAPIANDB" ;; '') : >"$T/ds/XAPIANDB" ;; *) echo "$stub" >"$T/ds/XAPIANDB" ;; esac
    before=$(ls "$T/ds" | tr '\n' ' ')
    "$NSEARCH_INDEX" --db "$T/ds" 2>"$T/err"
    rc1=$?
    "$NSEARCH_INDEX" --db "$T/ds" "$C" 2>>"$T/err"
    rc2=$?
    expect "XAPIANDB ${stub:-empty}: an update, with folders or without, exits 4 and deletes nothing" \
        "4 4 $before" "$rc1 $rc2 $(ls "$T/ds" | tr '\n' ' ')"
    check "... saying the index is damaged and to --rebuild" \
        sh -c "[ \$(grep -c '^nsearch-index: $T/ds: the index is damaged (.*): nothing was changed; see nsearch-index --db $T/ds --check, then rebuild it with nsearch-index --db $T/ds --rebuild' '$T/err') = 2 ]"
    "$NSEARCH_INDEX" --db "$T/ds" --rebuild 2>"$T/err"
    expect "XAPIANDB ${stub:-empty}: --rebuild without folders rebuilds from the recorded ones; only the new generation is left" \
        "0:120:auto gen-$((n + 1)):XAPIANDB gen-$((n + 1)) gen-$((n + 1)).readers write.lock" \
        "$?:$("$NSEARCH_INDEX" --db "$T/ds" --stats --json | jq .articles):$(cat "$T/ds/XAPIANDB"):$(ls "$T/ds" | tr '\n' ' ' | sed 's/ $//')"
done
# The advice names the index it is about: with another index the default
# (NSEARCH_DB here), the commands the message suggests, run as they are
# printed (a path with a space and a quote, quoted for the shell), check and
# rebuild the damaged index, not the default one.
D="$T/it's d"
rm -rf "$D" && cp -rp "$T/db" "$D" && echo 'hello world' >"$D/XAPIANDB"
mkdir -p "$T/advbin" && ln -sf "$NSEARCH_INDEX" "$T/advbin/nsearch-index"
rm -rf "$T/dflt" && cp -rp "$T/db" "$T/dflt"
dgen=$(cat "$T/dflt/XAPIANDB")
"$NSEARCH_INDEX" --db "$D" 2>"$T/err"
msg=$(sed -n "s/^nsearch-index: .*: the index is damaged (.*): nothing was changed; see //p" "$T/err")
checkcmd=$(echo "$msg" | sed -n 's/^\(nsearch-index .*\), then rebuild it with .*/\1/p')
rebuildcmd=$(echo "$msg" | sed -n 's/.*, then rebuild it with \(nsearch-index.* --rebuild\)\( (.*\)\{0,1\}$/\1/p')
expect "a damaged index elsewhere: the advice's commands name it with --db, quoted for the shell" \
    "nsearch-index --db '$T/it'\\''s d' --check|nsearch-index --db '$T/it'\\''s d' --rebuild" \
    "$checkcmd|$rebuildcmd"
NSEARCH_DB="$T/dflt" PATH="$T/advbin:$PATH" sh -c "$checkcmd" >/dev/null 2>"$T/err2"
rc1=$?
NSEARCH_DB="$T/dflt" PATH="$T/advbin:$PATH" sh -c "$rebuildcmd" >/dev/null 2>>"$T/err2"
rc2=$?
expect "... run as printed, they check (exit 4) and rebuild (exit 0) that index, not the default" \
    "4 0 120 $dgen" \
    "$rc1 $rc2 $("$NSEARCH_INDEX" --db "$D" --stats --json | jq .articles) $(cat "$T/dflt/XAPIANDB")"

# No generation reads either: --rebuild without folders can't know them.
rm -rf "$T/ds" && cp -rp "$T/db" "$T/ds"
echo junk >"$T/ds/XAPIANDB"
rm "$T/ds/$g/postlist.glass"
before=$(cd "$T/ds" && find . | sort | tr '\n' ' ')
"$NSEARCH_INDEX" --db "$T/ds" --rebuild 2>"$T/err"
expect "... with no generation that reads, --rebuild without folders exits 2, deleting nothing" \
    "2:$before" "$?:$(cd "$T/ds" && find . | sort | tr '\n' ' ')"
check "... and says to give the corpus folders" \
    grep -q "^nsearch-index: no corpus folder given and none recorded in $T/ds: give the corpus folders" "$T/err"
"$NSEARCH_INDEX" --db "$T/ds" --rebuild "$C" 2>"$T/err"
expect "... given them, it rebuilds, and then deletes the old generation" \
    "0:120:XAPIANDB gen-$((n + 1)) gen-$((n + 1)).readers write.lock" \
    "$?:$("$NSEARCH_INDEX" --db "$T/ds" --stats --json | jq .articles):$(ls "$T/ds" | tr '\n' ' ' | sed 's/ $//')"

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
