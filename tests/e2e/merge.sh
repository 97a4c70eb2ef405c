# merge.sh: an incremental run that reads much grows the index by a merge
# (update.c, "growing by a merge"): the new and changed files are read by
# every worker into parts, merged with the live generation into a new one,
# switched to at the end. What it must keep of an incremental run: the
# answers of a clean build of the same corpus, --check, the shard and the
# language, a refused file tried again, one generation left; and the choice
# is made by the size of what is read (at least 8 MiB, and at least a third
# of what stays), overridden by NSEARCH_MERGE=always or never. The kill and
# I/O-error points of such runs are in crash.sh and faults.sh.
. "$TOP/tests/e2e/lib.sh"

answers() { query_answers "$1" 50 market "storm OR flood" '"grain harvest"' "bank -rates" 'shi*'; }
merged() { jq -r .merged "$1"; }
# same_answers DESC DB REF: DB answers as REF, a clean build's answers
# (which must hold matches).
same_answers() {
    answers "$2" >"$T/now"
    if grep -q '"type":"match"' "$3" && cmp -s "$T/now" "$3"; then ok "$1"; else
        not_ok "$1"
        diff "$3" "$T/now" | head -3 | cut -c1-200 | sed 's/^/    /'
    fi
}
# checked DESC DB N: --check passes on DB, which holds N articles.
checked() { expect "$1" "0 $3" "$(status "$NSEARCH_INDEX" --db "$2" --check) $("$NSEARCH_INDEX" --db "$2" --stats --json | jq .articles)"; }
one_generation() { [ -z "$(stray "$1" 2>&1)" ]; }
# packed DB: "P N": of DB's N documents, P hold a packed record (lib/pack.h:
# a zstd frame, with the dictionary the index learned at creation).
packed() {
    g=$(sed -n 's/^auto //p' "$1/XAPIANDB")
    # The empty term's posting list: every document.
    p=$(xapian-delve -t '' "$1/$g" | sed 's/^[^:]*: //' | tr ' ' '\n' | sed -n 's/^[0-9][0-9]*$/-r&/p' |
        xargs xapian-delve -d "$1/$g" |
        LC_ALL=C awk 'f { if (substr($0, 1, 4) == "\050\265\057\375") c++; f = 0 } /^Data for record #/ { f = 1 } END { print c + 0 }')
    echo "$p $(xapian-delve "$1/$g" | sed -n 's/^number of documents = //p')"
}

# A small index (250 articles), then 9,000 more (about 10 MB): large
# against what stays, and over 8 MiB.
sh "$GEN" "$T/small" 250 21
sh "$GEN" "$T/big" 9000 22
C="$T/corpus"
mkdir -p "$C/a" "$C/b"
cp -p "$T/small"/* "$C/a/"
"$NSEARCH_INDEX" --db "$T/base" --jobs 2 "$C"
cp -rp "$T/base" "$T/base.copy"
cp -p "$T/big"/* "$C/b/"
bytes=$(cat "$C"/b/* | wc -c)
[ "$bytes" -gt 8388608 ] && echo "# the addition: $bytes bytes" || not_ok "the addition is only $bytes bytes, not over 8 MiB"

# auto: merged, and the same answers as a clean build.
"$NSEARCH_INDEX" --db "$T/ref" --jobs 2 "$C"
answers "$T/ref" >"$T/ref.answers"
grep -q '"type":"match"' "$T/ref.answers" && ok "reference answers" || not_ok "reference answers are empty"
cp -rp "$T/base" "$T/db"
"$NSEARCH_INDEX" --db "$T/db" --jobs 2 --json "$C" >"$T/run.json"
expect "a large addition grows by a merge" true "$(merged "$T/run.json")"
expect "... and says what it read" "9000 0" "$(jq -r '"\(.articles.new) \(.articles.changed)"' "$T/run.json")"
same_answers "... and answers as a clean build" "$T/db" "$T/ref.answers"
checked "... and passes --check, with every article" "$T/db" 9250
one_generation "$T/db" && ok "... and leaves one generation" || not_ok "... leaves $(ls "$T/db" | tr '\n' ' ')"
expect "... and every record is packed, the merged ones too" "9250 9250" "$(packed "$T/db")"
# The dictionary's copy that searches read (lib/schema.h, NS_ZDICT_FILE):
# in the new generation, the starting one's.
zcopy() { echo "$1/$(sed -n 's/^auto //p' "$1/XAPIANDB")/nsearch.zdict"; }
expect "... and its new generation holds the dictionary's copy, unchanged" "1 1" \
    "$([ "$(zcopy "$T/db")" != "$(zcopy "$T/base")" ] && echo 1) $(cmp -s "$(zcopy "$T/db")" "$(zcopy "$T/base")" && echo 1)"
diff -r "$T/base" "$T/base.copy" >/dev/null && ok "the starting index was copied, not touched" || not_ok "the starting index changed"

# A rerun with nothing changed: nothing read, nothing merged.
"$NSEARCH_INDEX" --db "$T/db" --json "$C" >"$T/rerun.json"
expect "a rerun with nothing new reads nothing and does not merge" "false 0 $(find "$C" -type f | wc -l)" \
    "$(jq -r '"\(.merged) \(.files.new + .files.changed) \(.files.unchanged)"' "$T/rerun.json")"

# A small change to the big index: in place, and still a clean build's answers.
f=$(ls "$C"/a/*.txt | head -1)
printf '\nArticle changed: a market storm.\n' >>"$f"
"$NSEARCH_INDEX" --db "$T/db" --json "$C" >"$T/small.json"
expect "a small change is written in place" "false 1" "$(jq -r '"\(.merged) \(.files.changed)"' "$T/small.json")"
expect "... with its record packed" "9250 9250" "$(packed "$T/db")"
"$NSEARCH_INDEX" --db "$T/ref" "$C"
answers "$T/ref" >"$T/ref.answers"
same_answers "... and answers as a clean build" "$T/db" "$T/ref.answers"

# never: the same large addition in place.
rm -rf "$T/db" && cp -rp "$T/base" "$T/db"
NSEARCH_MERGE=never "$NSEARCH_INDEX" --db "$T/db" --json "$C" >"$T/never.json"
expect "NSEARCH_MERGE=never writes a large addition in place" "false $(($(ls "$C/b" | wc -l) + 1))" \
    "$(jq -r '"\(.merged) \(.files.new + .files.changed)"' "$T/never.json")"
same_answers "... with a clean build's answers" "$T/db" "$T/ref.answers"
expect "... and every record packed" "9250 9250" "$(packed "$T/db")"

# always, on a small run: changed, vanished, touched and new files, a
# refused one, with one worker and with two.
for jobs in 1 2; do
    rm -rf "$T/c2" "$T/db2" "$T/ref2"
    mkdir -p "$T/c2"
    cp -p "$T/small"/* "$T/c2/"
    "$NSEARCH_INDEX" --db "$T/db2" "$T/c2"
    ls "$T/c2" >"$T/list"
    printf '\nArticle changed: the bank heard a storm.\n' >>"$T/c2/$(sed -n 1p "$T/list")"
    rm "$T/c2/$(sed -n 2p "$T/list")"
    touch -d '2021-01-01 00:00' "$T/c2/$(sed -n 3p "$T/list")"
    sed -i 1d "$T/c2/$(grep jsonl "$T/list" | head -1)"
    cp -p "$T/big/$(ls "$T/big" | grep txt | head -1)" "$T/c2/new.txt"
    head -c 3000 /dev/urandom >"$T/c2/binary.txt"
    NSEARCH_MERGE=always "$NSEARCH_INDEX" --db "$T/db2" --jobs $jobs --json "$T/c2" >"$T/m.json" 2>"$T/m.err"
    rc=$?
    expect "always, --jobs $jobs: merged, the binary file refused (exit 1)" "true 1" "$(merged "$T/m.json") $rc"
    expect "... the counts" "1 2 1 1" "$(jq -r '"\(.files.new) \(.files.changed) \(.files.deleted) \(.files.skipped)"' "$T/m.json")"
    grep -q "binary.txt" "$T/m.err" && ok "... the warning names the file" || not_ok "... the warning: $(cat "$T/m.err")"
    rm "$T/c2/binary.txt"
    "$NSEARCH_INDEX" --db "$T/ref2" "$T/c2"
    answers "$T/ref2" >"$T/ref2.answers"
    same_answers "... answers as a clean build" "$T/db2" "$T/ref2.answers"
    # 250, less a vanished one-article file and a JSON Lines line, plus one.
    checked "... passes --check, with its 249 articles" "$T/db2" 249
    one_generation "$T/db2" && ok "... leaves one generation" || not_ok "... leaves $(ls "$T/db2" | tr '\n' ' ')"
done

# A refused file is tried again by the next run (not recorded), merged or not.
printf 'Fixed\n\nNow it is text about a market.\n' >"$T/c2/binary.txt"
NSEARCH_MERGE=always "$NSEARCH_INDEX" --db "$T/db2" --json "$T/c2" >"$T/m2.json"
expect "the refused file, now text, is read by the next run" "1 true" "$(jq -r '"\(.files.new) \(.merged)"' "$T/m2.json")"

# A shard and a language are kept.
rm -rf "$T/s" "$T/sref"
"$NSEARCH_INDEX" --db "$T/s" --shard-of 2/3 --lang german "$C/a"
NSEARCH_MERGE=always "$NSEARCH_INDEX" --db "$T/s" --json "$C/a" "$C/b" >"$T/s.json"
"$NSEARCH_INDEX" --db "$T/sref" --shard-of 2/3 --lang german "$C/a" "$C/b"
expect "a merged shard keeps its assignment and language" "$("$NSEARCH_INDEX" --db "$T/sref" --stats | grep -e shard -e language -e articles)" \
    "$("$NSEARCH_INDEX" --db "$T/s" --stats | grep -e shard -e language -e articles)"
expect "... (merged)" true "$(merged "$T/s.json")"
answers "$T/sref" >"$T/sref.answers"
same_answers "... and answers as a clean build of the shard" "$T/s" "$T/sref.answers"

# A reader open on the old generation during a merge keeps answering it.
rm -rf "$T/db" && cp -rp "$T/base" "$T/db"
serve_start "$T/db" "$T/serve.out"
serve_ask '{"query":"market","limit":1}'
NSEARCH_MERGE=always "$NSEARCH_INDEX" --db "$T/db" "$C" 2>/dev/null
ngen=$(ls -d "$T/db"/gen-*[0-9] | wc -l)
serve_ask '{"query":"market","limit":1}'
serve_stop
expect "a reader during a merge answers before and after it" "1 1" "$(jq -r '.matches | length' "$T/serve.out" | tr '\n' ' ' | sed 's/ $//')"
expect "... and its generation stays while it reads" 2 "$ngen"
"$NSEARCH_INDEX" --db "$T/db" "$C"
one_generation "$T/db" && ok "... and goes with the next run once it closed" || not_ok "... left: $(ls "$T/db" | tr '\n' ' ')"

# Many parts, few descriptors: a compaction holds every input open (three
# tables each), so 100 parts under a limit of 200 open files are merged in
# runs of consecutive parts first (lib/index.c, merge_parts), a fresh build
# as an incremental one grown by a merge. Both answer as the same corpus
# built in one part, and keep the order of a one-part build's articles.
sh "$GEN" "$T/many" 1000 23
answers_many() { query_answers "$1" 50 market "storm OR flood" '"grain harvest"' 'shi*'; }
same_many() { # DESC DB REF: as same_answers, with these queries
    answers_many "$2" >"$T/now"
    if grep -q '"type":"match"' "$3" && cmp -s "$T/now" "$3"; then ok "$1"; else
        not_ok "$1"
        diff "$3" "$T/now" | head -3 | cut -c1-200 | sed 's/^/    /'
    fi
}
"$NSEARCH_INDEX" --db "$T/onepart" --jobs 1 "$T/many"
answers_many "$T/onepart" >"$T/onepart.answers"
(ulimit -n 200 && exec "$NSEARCH_INDEX" --db "$T/manyparts" --batch 10 "$T/many") >"$T/out" 2>&1
expect "a fresh build in 100 parts, 200 open files allowed: built, silently" "0 1000" \
    "$?$(cat "$T/out") $("$NSEARCH_INDEX" --db "$T/manyparts" --stats --json 2>/dev/null | jq .articles)"
same_many "... and answers as a build in one part" "$T/manyparts" "$T/onepart.answers"
checked "... and passes --check, with every article" "$T/manyparts" 1000
one_generation "$T/manyparts" && ok "... and leaves nothing but its generation" ||
    not_ok "... leaves $(ls "$T/manyparts" | tr '\n' ' ')"
sortkeys() { g=$(sed -n 's/^auto //p' "$1/XAPIANDB") && xapian-delve -V1 "$1/$g" | tr ' ' '\n' | sed -n 's/^[0-9]*://p'; }
expect "... with the articles in a one-part build's order" "1000 $(sortkeys "$T/onepart" | md5sum)" \
    "$(sortkeys "$T/manyparts" | wc -l) $(sortkeys "$T/manyparts" | md5sum)"
mkdir -p "$T/many2/a"
mv "$T/many"/* "$T/many2/a/" 2>/dev/null
mkdir -p "$T/many2/b" && for f in $(ls "$T/many2/a" | tail -n 500); do mv "$T/many2/a/$f" "$T/many2/b/"; done
"$NSEARCH_INDEX" --db "$T/grown" "$T/many2/a"
cp -rp "$T/grown" "$T/grown1"
(ulimit -n 200 && NSEARCH_MERGE=always exec "$NSEARCH_INDEX" --db "$T/grown" --batch 10 --json "$T/many2") >"$T/grow.json" 2>"$T/err"
expect "an incremental run grown by a merge of 50 parts and the live generation, 200 open files: merged" \
    "0 true" "$? $(merged "$T/grow.json")$(cat "$T/err")"
# The same run in one part (the index keeps the common words it learned
# from half the corpus, so a clean build is not the reference here).
NSEARCH_MERGE=always "$NSEARCH_INDEX" --db "$T/grown1" --jobs 1 "$T/many2"
answers_many "$T/grown1" >"$T/grown1.answers"
same_many "... and answers as the same run in one part" "$T/grown" "$T/grown1.answers"
expect "... with the articles in its order" "1000 $(sortkeys "$T/grown1" | md5sum)" \
    "$(sortkeys "$T/grown" | wc -l) $(sortkeys "$T/grown" | md5sum)"
checked "... and passes --check, with every article" "$T/grown" 1000
