# basic.sh: index a small corpus made here, then query it: ranking of
# passages, phrases, stemming, highlighting, output formats, exit codes,
# incremental updates.
. "$TOP/tests/e2e/lib.sh"

C="$T/corpus"
mkdir -p "$C/sub"
cat >"$C/talks.txt" <<'TXT'
Envoys prepare talks on a peace framework
Date: 2025-12-06
Source: Test Wire

Negotiators met for a second day and discussed security guarantees for the region.

The delegation said the meeting with Umerov was constructive and would resume on Saturday.

Officials declined to comment on the size of the postwar army.
TXT
cat >"$C/sub/guarantee.txt" <<'TXT'
Lawmakers debate a guarantee on deposits
Date: 2025-11-20
Source: Capital Ledger

The bill offers a guarantee for savers, while security of the banking system guarantees nothing by itself.

A separate meeting of the committee is planned for next week.
TXT
cat >"$C/weather.txt" <<'TXT'
Storm brings heavy rain to the coast
Date: 2025-10-02
Source: Coast Daily

Heavy rain flooded several streets on Tuesday night.

Residents were told to stay indoors until the storm passes.
TXT

DB="$T/idx"
"$NSEARCH_INDEX" --db "$DB" "$C" >"$T/out" 2>"$T/err"
expect "indexer exits 0" 0 $?
expect "indexer is silent on success" "" "$(cat "$T/out" "$T/err")"

# Ranking: the passage holding both words comes first, with its line.
first=$(search "$DB" --no-heading "Umerov meeting" | head -n 1)
expect "Umerov meeting: first passage" "talks.txt:7: The delegation said the meeting with Umerov was constructive and would resume on Saturday." "$(echo "$first" | sed 's|^.*/||')"

# Phrase vs words: the phrase only matches adjacent words.
phr=$(search "$DB" --files '"security guarantees"' | sed 's|^.*/||' | tr '\n' ' ')
wds=$(search "$DB" --files 'security guarantees' | sed 's|^.*/||' | sort | tr '\n' ' ')
expect "phrase matches only adjacent words" "talks.txt " "$phr"
expect "unquoted words match both articles" "guarantee.txt talks.txt " "$wds"

# Stemming: guarantees finds guarantee and vice versa, highlighted as written.
search "$DB" --json guarantees >"$T/j"
got=$(jq -r 'select(.type=="match") | .text[.spans[0].start:.spans[0].end]' "$T/j" 2>/dev/null | sort -u | tr '\n' ' ')
expect "stemmed matching: guarantees ~ guarantee" "guarantee guarantees " "$got"

# JSON spans are byte offsets into the text.
search "$DB" --json "Umerov" >"$T/j"
got=$(jq -r 'select(.type=="match") | .text[.spans[0].start:.spans[0].end]' "$T/j" | head -n 1)
expect "json span covers the match" "Umerov" "$got"
expect "json summary line" "summary" "$(tail -n 1 "$T/j" | jq -r .type)"
check "every json line parses" jq -e . "$T/j"

# vimgrep: path:line:column:text, column of the first match (1-based bytes).
got=$(search "$DB" --vimgrep Umerov | sed 's|^.*/||' | cut -d: -f1-3)
expect "vimgrep position" "talks.txt:7:38" "$got"

# Colour only when asked or on a terminal.
if search "$DB" Umerov | grep -q "$(printf '\033')"; then not_ok "no colour when piped"; else ok "no colour when piped"; fi
if search "$DB" --color=always Umerov | grep -q "$(printf '\033\\[1;31mUmerov')"; then ok "--color=always highlights"; else not_ok "--color=always highlights"; fi

# Exit codes.
expect "exit 0 on a match" 0 "$(status search "$DB" rain)"
expect "exit 1 on no match" 1 "$(status search "$DB" xylophone)"
expect "exit 2 on a missing index" 2 "$(status search "$T/nothing-here" rain)"
expect "exit 2 on a malformed query" 2 "$(status search "$DB" -- "-rain")"
rc=$({ search "$DB" --no-heading rain storm OR heavy OR streets; echo $? >"$T/rc"; } | head -n 1 >/dev/null; cat "$T/rc")
expect "closed pipe ends quietly with 0" 0 "$rc"

# Partial matches when no article has every word, said on stderr.
search "$DB" --no-heading rain xylophone >"$T/out" 2>"$T/err"
expect "partial match exit 0" 0 $?
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
expect "changed text found" 0 "$(status search "$DB" blizzard)"
expect "old text gone" 1 "$(status search "$DB" flooded)"
expect "new file found" 0 "$(status search "$DB" xylophone)"
expect "deleted file gone" 1 "$(status search "$DB" deposits)"

# --rebuild switches to a fresh generation with the same content.
"$NSEARCH_INDEX" --db "$DB" --rebuild "$C"
expect "rebuild exits 0" 0 $?
expect "stub names the new generation" "auto gen-2" "$(cat "$DB/XAPIANDB")"
expect "rebuilt index answers" 0 "$(status search "$DB" blizzard)"
