# inplace.sh: an incremental run written into the live generation reads and
# analyzes the files on one thread while it writes on another (update.c,
# "belt"; with --jobs 1 one thread does both). Both ways must make the same
# index, document for document: the same numbers, terms, values and stored
# records (xapian-delve, not nsearch, reads them), the same counts and
# messages; and the index must answer as a clean build of the corpus and
# pass --check. The run's changes: new single-article and JSON Lines files,
# a JSON Lines file with an article changed, one with an article fewer, a
# file deleted, one touched (same bytes), one the reader refuses, and one
# with a bad line among good ones.
# A check of which way ran is not possible from outside (only the speed
# differs); breaking the two-thread way (the old articles left, or the
# bookkeeping written before the articles) turns this suite red.
. "$TOP/tests/e2e/lib.sh"
export NSEARCH_MERGE=never

C="$T/corpus"
bulk_corpus "$C" 300 31
mkdir -p "$T/later"
for f in "$C"/a001*.txt "$C"/batch-2.jsonl; do mv "$f" "$T/later/"; done
"$NSEARCH_INDEX" --db "$T/base" --jobs 2 "$C" || not_ok "index the base corpus"

# The changes.
mv "$T/later"/* "$C/"
sed -i '3s/market/harbour/; 3s/Article/Item/' "$C/batch-0.jsonl"
sed -i '$d' "$C/batch-1.jsonl"
rm "$C"/a0021*.txt
touch -d '2001-01-01' "$C/a00003.txt"
printf 'a title\n\n\000\001\002 binary\n' >"$C/zz-binary.txt"
{ sed -n 1,2p "$C/batch-2.jsonl"; echo '{"title": broken'; sed -n 3,4p "$C/batch-2.jsonl"; } >"$C/zz-badline.jsonl"

# dump DB: everything of DB's live generation but its UUID and revision.
dump() {
    g=$(sed -n 's/^auto //p' "$1/XAPIANDB")
    xapian-delve "$1/$g" | grep -v -e '^UUID' -e '^revision'
    xapian-delve -v -a "$1/$g"
    xapian-delve -t '' "$1/$g" | sed 's/^[^:]*: //' | tr ' ' '\n' | sed -n 's/^[0-9][0-9]*$/-r&/p' |
        xargs xapian-delve -d -V0 -V1 -V2 -V3 "$1/$g"
}

for j in 1 2; do
    cp -rp "$T/base" "$T/db$j"
    "$NSEARCH_INDEX" --db "$T/db$j" --jobs $j --json "$C" >"$T/run$j.json" 2>"$T/err$j"
    echo $? >"$T/rc$j"
    dump "$T/db$j" >"$T/dump$j"
done
# Exit 1: done, but a file was skipped (the binary one).
expect "the run is done, a file skipped (one thread, two)" "1 1" "$(cat "$T/rc1") $(cat "$T/rc2")"
expect "... written in place" "false" "$(jq -r .merged "$T/run2.json")"
# The changes reached the index: new, changed, deleted, skipped.
# New: 33 single-article files, batch-2's 50 articles and 4 of the bad
# line's file; changed: batch-0's 50 and batch-1's 49; deleted: 4 files,
# and batch-1's last article.
expect "... and says what changed" "files 35 2 4 1, articles 87 99 5" \
    "$(jq -r '"files \(.files.new) \(.files.changed) \(.files.deleted) \(.files.skipped), articles \(.articles.new) \(.articles.changed) \(.articles.deleted)"' "$T/run2.json")"
grep -q 'zz-binary.txt' "$T/err2" && grep -q 'zz-badline.jsonl:3' "$T/err2" &&
    ok "... and names the refused file and the bad line" || { not_ok "... names the refused file and the bad line"; sed 's/^/    /' "$T/err2"; }
if [ "$(wc -l <"$T/dump2")" -gt 1000 ] && cmp -s "$T/dump1" "$T/dump2"; then
    ok "two threads make the index one thread makes, document for document"
else
    not_ok "two threads make the index one thread makes, document for document"
    diff "$T/dump1" "$T/dump2" | head -5 | cut -c1-200 | sed 's/^/    /'
fi
jq -c 'del(.seconds, .index)' "$T/run1.json" >"$T/counts1" 2>&1
jq -c 'del(.seconds, .index)' "$T/run2.json" >"$T/counts2" 2>&1
grep -q '"files"' "$T/counts1" && cmp -s "$T/counts1" "$T/counts2" &&
    ok "... with the same counts" || not_ok "... with the same counts: $(cat "$T/counts1") / $(cat "$T/counts2")"
grep -q 'zz-binary.txt' "$T/err1" && cmp -s "$T/err1" "$T/err2" &&
    ok "... and the same messages" || not_ok "... and the same messages"

"$NSEARCH_INDEX" --db "$T/clean" "$C" 2>/dev/null
answers() { query_answers "$1" 80 market "storm OR flood" '"grain harvest"' "harbour Item" 'sol*'; }
answers "$T/clean" >"$T/clean.answers"
answers "$T/db2" >"$T/db2.answers"
if grep -q '"type":"match"' "$T/clean.answers" && cmp -s "$T/clean.answers" "$T/db2.answers"; then
    ok "... which answers as a clean build"
else
    not_ok "... which answers as a clean build"
    diff "$T/clean.answers" "$T/db2.answers" | head -3 | cut -c1-200 | sed 's/^/    /'
fi
# 300 articles, 4 deleted, 1 less in batch-1, 4 more in the bad line's file.
expect "... and passes --check, with every article" "0 299" \
    "$(status "$NSEARCH_INDEX" --db "$T/db2" --check) $("$NSEARCH_INDEX" --db "$T/db2" --stats --json | jq .articles)"
