# basic.sh: index a small corpus made here, then query it: ranking of
# passages, phrases, stemming, highlighting, output formats, exit codes,
# incremental updates.
. "$TOP/tests/e2e/lib.sh"

C="$T/corpus"
article "$C/talks.txt" "Envoys prepare talks on a peace framework" 2025-12-06 "Test Wire" \
    "Negotiators met for a second day and discussed security guarantees for the region." \
    "The delegation said the meeting with Umerov was constructive and would resume on Saturday." \
    "Officials declined to comment on the size of the postwar army."
article "$C/sub/guarantee.txt" "Lawmakers debate a guarantee on deposits" 2025-11-20 "Capital Ledger" \
    "The bill offers a guarantee for savers, while security of the banking system guarantees nothing by itself." \
    "A separate meeting of the committee is planned for next week."
article "$C/weather.txt" "Storm brings heavy rain to the coast" 2025-10-02 "Coast Daily" \
    "Heavy rain flooded several streets on Tuesday night." \
    "Residents were told to stay indoors until the storm passes."

DB="$T/idx"
"$NSEARCH_INDEX" --db "$DB" "$C" >"$T/out" 2>"$T/err"
expect "indexer exits 0" "0 index" "$? $(test -f "$DB/XAPIANDB" && echo index)"
expect_none "indexer is silent on success" "$(cat "$T/out" "$T/err")" test -f "$DB/XAPIANDB"

# Ranking: the passage holding both words comes first, with its line.
first=$(search "$DB" --no-heading "Umerov meeting")
expect "Umerov meeting: first passage (the only one)" "talks.txt:7:The delegation said the meeting with Umerov was constructive and would resume on Saturday." "$(echo "$first" | sed 's|^.*/||')"

# Phrase vs words: the phrase only matches adjacent words.
phr=$(search "$DB" --files '"security guarantees"' | sed 's|^.*/||' | tr '\n' ' ')
wds=$(search "$DB" --files 'security guarantees' | sed 's|^.*/||' | sort | tr '\n' ' ')
expect "phrase matches only adjacent words" "talks.txt " "$phr"
expect "unquoted words match both articles" "guarantee.txt talks.txt " "$wds"

# Stemming: guarantees finds guarantee and vice versa, highlighted as written.
json_answer "$DB" guarantees >"$T/j"
got=$(jq -r 'select(.type=="match") | .text[.spans[0].start:.spans[0].end]' "$T/j" 2>/dev/null | sort -u | tr '\n' ' ')
expect "stemmed matching: guarantees ~ guarantee" "guarantee guarantees " "$got"

# JSON spans are byte offsets into the text.
json_answer "$DB" "Umerov" >"$T/j"
got=$(jq -r 'select(.type=="match") | .text[.spans[0].start:.spans[0].end]' "$T/j" | head -n 1)
expect "json span covers the match" "Umerov" "$got"
expect "json summary line" "summary Umerov" "$(tail -n 1 "$T/j" | jq -r '"\(.type) \(.query)"')"
check "every json line parses (one match, the summary)" jq -e -s 'length == 2' "$T/j"

# vimgrep: path:line:column:text, column of the first match (1-based bytes).
got=$(search "$DB" --vimgrep Umerov | sed 's|^.*/||' | cut -d: -f1-3)
expect "vimgrep position" "talks.txt:7:38" "$got"

# Colour only when asked or on a terminal.
search "$DB" Umerov >"$T/out"
expect_none "no colour when piped" "$(grep "$(printf '\033')" "$T/out")" sh -c "[ \$(wc -l <'$T/out') = 3 ] && grep -q '^7: .*Umerov' '$T/out'"
if search "$DB" --color=always Umerov >"$T/out" && [ "$(wc -l <"$T/out")" = 3 ] && grep -q "$(printf '\033\\[1;31mUmerov')" "$T/out"; then ok "--color=always highlights"; else not_ok "--color=always highlights"; fi

# Exit codes.
expect_exit "exit 0 on a match" 0 "^5: Heavy rain flooded" search "$DB" rain
expect_exit "exit 1 on no match" 1 "" search "$DB" xylophone
expect_exit "exit 2 on a missing index" 2 "^nsearch: .*nothing-here" search "$T/nothing-here" rain
expect_exit "exit 2 on a malformed query" 2 "^nsearch: query:1: " search "$DB" -- "-rain"
rc=$({ search "$DB" --no-heading rain storm OR heavy OR streets 2>&1; echo $? >"$T/rc"; } | head -n 1 >"$T/out"; cat "$T/rc")
expect "closed pipe ends quietly with 0" "0 weather.txt:5:Heavy rain " "$rc $(sed 's|^.*/||' "$T/out" | cut -c1-25)"

# Partial matches when no article has every word, said on stderr.
search "$DB" --no-heading rain xylophone >"$T/out" 2>"$T/err"
expect "partial match exit 0" "0 weather.txt:5:" "$? $(sed 's|^.*\/||' "$T/out" | cut -d: -f1,2):"
check "partial match is said on stderr" grep -q "partial" "$T/err"

# Incremental: a no-change rerun changes nothing; edits, additions and
# deletions are picked up.
"$NSEARCH_INDEX" --db "$DB" -v "$C" 2>"$T/err"
expect "no-change rerun" "indexed 0 new, 0 changed, 0 deleted articles" "$(sed 's/ in .*//' "$T/err")"
touch "$C/weather.txt"
"$NSEARCH_INDEX" --db "$DB" -v 2>"$T/err"
expect "touched identical file is not reindexed (roots remembered)" "indexed 0 new, 0 changed, 0 deleted articles" "$(sed 's/ in .*//' "$T/err")"
printf 'Snow follows the storm\nDate: 2025-10-03\n\nA blizzard closed the mountain pass.\n' >"$C/weather.txt"
printf 'Markets rally\n\nShares of xylophone makers rose sharply.\n' >"$C/markets.txt"
rm "$C/sub/guarantee.txt"
"$NSEARCH_INDEX" --db "$DB" -v "$C" 2>"$T/err"
expect "changes counted" "indexed 1 new, 1 changed, 1 deleted articles" "$(sed 's/ in .*//' "$T/err")"
expect "changed text found" "$C/weather.txt" "$(answer "$DB" blizzard)"
none "old text gone" "$DB" flooded
expect "new file found" "$C/markets.txt" "$(answer "$DB" xylophone)"
none "deleted file gone" "$DB" deposits

# --rebuild switches to a fresh generation with the same content.
"$NSEARCH_INDEX" --db "$DB" --rebuild "$C"
expect "rebuild exits 0" "0 gen-2" "$? $(ls "$DB" | grep -x gen-2)"
expect "stub names the new generation" "auto gen-2" "$(cat "$DB/XAPIANDB")"
expect "rebuilt index answers" "$C/weather.txt" "$(answer "$DB" blizzard)"
