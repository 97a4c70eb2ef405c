# columns.sh: positions in the output point at the file's bytes whatever the
# reader repaired (issue 13): --vimgrep's column, and --json's column and
# spans ("the first match at byte column + spans[0].start of the file's
# line"), over .txt and .txt.gz files with invalid UTF-8 before and between
# the matches, in short paragraphs and in windows of long ones; and what
# column means for JSON Lines (the record's line, column 1; spans index the
# decoded text only).
. "$TOP/tests/e2e/lib.sh"

C="$T/corpus"
mkdir -p "$C"
# Several invalid sequences of every length before and between the matches:
# a lone lead byte, a lone continuation byte, a truncated 3-byte form, a
# surrogate (three invalid bytes), an overlong form, 0xff.
bad_line='Broken \303 sequence then kiwifruit, \200 more \342\202 kiwifruit and \355\240\200 x \300\257 \377 kiwifruit.'
{
    printf 'Kiwi \377 title\n\n'
    printf "$bad_line\\n"
    printf '\n  \303\251\377 Indented kiwifruit after bad bytes.\n'
    # A long paragraph (cut into windows): bad bytes in the first window, a
    # match in a later one.
    i=0
    while [ $i -lt 30 ]; do printf 'Sentence \377 number %s has filler words here. ' $i; i=$((i + 1)); done
    printf 'Then \303 the kiwifruit arrives late. '
    i=0
    while [ $i -lt 20 ]; do printf 'More words \377 follow in sentence %s. ' $i; i=$((i + 1)); done
    printf '\n'
} >"$C/kiwi.txt"
cp "$C/kiwi.txt" "$C/kiwi-gz.txt"
gzip -n "$C/kiwi-gz.txt"
# JSON Lines: escapes and an invalid byte before the match.
printf '%s\n' '{"id":"j1","title":"Feed kiwi","body":"Caf\u00e9 \"quoted\" \u00e9t\u00e9 kiwifruit\\here kiwifruit."}' >"$C/feed.jsonl"
printf '{"id":"j2","title":"Feed two","body":"Bad \377 byte then kiwifruit."}\n' >>"$C/feed.jsonl"

DB="$T/idx"
index_checked "index the corpus" "$DB" "$C"
cd "$T" || exit 2

# line FILE N: line N of FILE (decompressed when .gz), as bytes.
line() {
    case "$1" in *.gz) gzip -dc "$1" ;; *) cat "$1" ;; esac | sed -n "$2p"
}

# The answers every check below reads: the --json answer (whole, or
# "BROKEN answer: ...", which no check accepts) and the --vimgrep listing.
# The corpus has 8 passages with kiwifruit: lines 3, 5 and 6 of each text
# file and the two records; $n8 says whether the answer lists exactly those.
json_answer "$DB" -n 100 --per-article 100 kiwifruit >"$T/j"
search "$DB" --vimgrep -n 100 --per-article 100 kiwifruit >"$T/vall"
n8=$(jq -r 'select(.type=="match") | "\(.path):\(.line)"' "$T/j" 2>/dev/null | sort | tr '\n' ' ')
if [ "$n8" = "corpus/feed.jsonl:1 corpus/feed.jsonl:2 corpus/kiwi-gz.txt.gz:3 corpus/kiwi-gz.txt.gz:5 corpus/kiwi-gz.txt.gz:6 corpus/kiwi.txt:3 corpus/kiwi.txt:5 corpus/kiwi.txt:6 " ]; then
    n8="8 passages"
else
    n8="not the 8 passages: $n8"
fi

# ---- text files: every span, and the vimgrep column, at the file's bytes ----
for f in kiwi.txt kiwi-gz.txt.gz; do
    jq -r --arg f "corpus/$f" 'select(.type=="match" and .path==$f) | .line as $l | .column as $c | .spans[] | "\($l) \($c + .start) \($c + .end - 1)"' "$T/j" >"$T/pos" 2>/dev/null
    bad=0
    while read -r l a b; do
        got=$(line "corpus/$f" "$l" | cut -b "$a-$b")
        [ "$got" = kiwifruit ] || { bad=$((bad + 1)); echo "    $f:$l bytes $a-$b: '$got'"; }
    done <"$T/pos"
    forall "$f: --json column + every span start is the match's byte in the file" "$bad" "$(wc -l <"$T/pos" | tr -d ' ')" 5
    expect "$f: all five matches checked (three on one line, two after bad bytes)" 5 "$(wc -l <"$T/pos" | tr -d ' ')"
    expect "$f: the README's example: kiwifruit after one bad byte is at byte 24 (and line 3's other two)" \
        "3 24 32|3 45 53|3 70 78" "$(grep '^3 ' "$T/pos" | tr '\n' '|' | sed 's/|$//')"

    grep "^corpus/$f:" "$T/vall" >"$T/v"
    bad=0
    while IFS=: read -r path l c text; do
        got=$(line "$path" "$l" | cut -b "$c-$((c + 8))")
        [ "$got" = kiwifruit ] || { bad=$((bad + 1)); echo "    $path:$l:$c: '$got'"; }
    done <"$T/v"
    expect "$f: every --vimgrep column points at kiwifruit (its 3 lines of the 8)" "0 3 8" \
        "$bad $(wc -l <"$T/v" | tr -d ' ') $(wc -l <"$T/vall" | tr -d ' ')"
done
expect "--vimgrep: the 8 passages at their first match (column + spans[0].start; a record's is 1)" \
    "corpus/kiwi.txt:3:24 corpus/kiwi-gz.txt.gz:3:24 corpus/feed.jsonl:1:1 corpus/kiwi.txt:5:16 corpus/kiwi-gz.txt.gz:5:16 corpus/feed.jsonl:2:1 corpus/kiwi.txt:6:1322 corpus/kiwi-gz.txt.gz:6:1322" \
    "$(cut -d: -f1-3 "$T/vall" | tr '\n' ' ' | sed 's/ $//')"

# The text stays valid UTF-8, and each span still covers its word in it.
utf8_text() { # the answer's texts, all of them, are valid UTF-8 (iconv accepts them)
    jq -j 'select(.type=="match") | .text' "$T/j" >"$T/alltext" && [ -s "$T/alltext" ] &&
        iconv -f UTF-8 -t UTF-8 <"$T/alltext" >/dev/null
}
if utf8_text; then v=valid; else v=invalid; fi
expect "--json: the text is valid UTF-8 (iconv accepts it)" "valid, 8 passages" "$v, $n8"
bad=$(jq -r 'select(.type=="match") | "\(.rank) \(.spans | map("\(.start):\(.end)") | join(" "))"' "$T/j" 2>&1 | while read -r rank spans; do
    jq -j "select(.type==\"match\" and .rank==$rank) | .text" "$T/j" >"$T/text"
    for s in $spans; do
        w=$(head -c "${s#*:}" "$T/text" | tail -c "$((${s#*:} - ${s%:*}))")
        [ "$w" = kiwifruit ] && echo ok || echo "rank $rank $s '$w'"
    done
done)
expect "--json: spans are byte offsets into text (all 13 spans)" "13 ok" "$(echo "$bad" | sort | uniq -c | sed 's/^ *//')"

expect "--json: each invalid byte of a text file's passage is one '?' (the spans: its three kiwifruit)" \
    'Broken ? sequence then kiwifruit, ? more ?? kiwifruit and ??? x ?? ? kiwifruit. 23:32 44:53 69:78' \
    "$(jq -r 'select(.type=="match" and .path=="corpus/kiwi.txt" and .line==3) | "\(.text) \(.spans | map("\(.start):\(.end)") | join(" "))"' "$T/j")"
expect "--json: a title keeps U+FFFD (it has no column), in kiwi.txt's 3 passages" "true 3" \
    "$(jq -r -s '[.[] | select(.type=="match" and .path=="corpus/kiwi.txt")] | "\(all(.title == "Kiwi \ufffd title")) \(length)"' "$T/j")"

# ---- JSON Lines: the record's line, column 1 --------------------------------
expect "jsonl: column is 1 (the record's line)" "1:1 2:1, 8 passages" \
    "$(jq -r 'select(.type=="match" and (.path|endswith(".jsonl"))) | "\(.line):\(.column)"' "$T/j" | sort | tr '\n' ' ' | sed 's/ $//'), $n8"
search "$DB" --vimgrep -n 100 kiwifruit >"$T/v"
expect "jsonl: --vimgrep column is the record's, 1 (in the whole listing)" \
    "corpus/kiwi.txt:3:24 corpus/kiwi-gz.txt.gz:3:24 corpus/feed.jsonl:1:1 corpus/kiwi.txt:5:16 corpus/kiwi-gz.txt.gz:5:16 corpus/feed.jsonl:2:1" \
    "$(cut -d: -f1-3 "$T/v" | tr '\n' ' ' | sed 's/ $//')"

# ---- controls of several bytes: one space per byte, so columns hold --------
# Multi-byte controls before and between two matches (okapi, at bytes 6 and
# 27 of line 3): NEL U+0085 (2 bytes), RLO U+202E, LINE SEPARATOR U+2028,
# PARAGRAPH SEPARATOR U+2029, LRI U+2066, PDI U+2069 (3 each), and a tab;
# NEL and U+2028 in the title too; and a paragraph without okapi. A corpus
# of its own, not to change the kiwifruit ranks above.
mkdir -p "$T/ctl"
printf 'Okapi \302\205 title \342\200\250 here\n\n\302\205\342\200\256 okapi\tx\342\200\250lead\342\200\251 \342\201\246okapi\342\201\251 end.\n\nA giraffe \302\205 elsewhere.\n' >"$T/ctl/okapi.txt"
CDB="$T/cidx"
"$NSEARCH_INDEX" --db "$CDB" "$T/ctl" >"$T/cidx.out" 2>&1 || { not_ok "index the controls corpus"; sed 's/^/    /' "$T/cidx.out"; }
# Line 3 of okapi.txt is 40 bytes; each control becomes as many spaces as it
# has bytes (the tab one): 6 spaces (NEL, RLO, the space), okapi at bytes
# 7-11 (column 7), " x", 3 for U+2028, "lead", 3 + 1 + 3 for U+2029, the
# space and U+2066, okapi at bytes 28-32, 3 + 1 for U+2069 and the space,
# "end.". Worked out by hand from the printf above.
okapi_text='      okapi x   lead       okapi    end.'
search "$CDB" --vimgrep okapi >"$T/ov"
expect "--vimgrep: multi-byte controls become one space per byte (okapi at column 7 and at byte 7 of the text)" \
    "ctl/okapi.txt:3:7:$okapi_text" "$(cat "$T/ov")"
# The check an editor's highlighter makes: the text from the column on
# starts with the match, and the text is as long as the file's line.
IFS=: read -r path l c text <"$T/ov"
expect "--vimgrep: the printed text's byte at the column starts okapi; the text is the line's 40 bytes (1 line)" \
    "okapi 40 1" "$(printf '%s' "$text" | cut -b "$c-$((c + 4))") $(printf '%s' "$text" | wc -c | tr -d ' ') $(wc -l <"$T/ov" | tr -d ' ')"
expect "--no-heading: the same text, byte for byte" "ctl/okapi.txt:3:$okapi_text" \
    "$(search "$CDB" --no-heading okapi)"
# The title: "Okapi " + 2 spaces (NEL) + " title " + 3 spaces (U+2028) + " here".
expect "text: the title and the passage, one space per byte of each control" \
    "ctl/okapi.txt|Okapi    title     here|3: $okapi_text" \
    "$(search "$CDB" okapi | tr '\n' '|' | sed 's/|$//')"
# Colour: the two okapi highlighted at bytes 7-11 and 28-32 of the text
# (the path magenta, the title bold, the line number green).
e=$(printf '\033')
want="$e[35mctl/okapi.txt$e[0m|$e[1mOkapi    title     here$e[0m|$e[32m3$e[0m:       $e[1;31mokapi$e[0m x   lead       $e[1;31mokapi$e[0m    end."
expect "text --color=always: the highlights on the two okapi, the controls as spaces" "$want" \
    "$(search "$CDB" --color=always okapi | tr '\n' '|' | sed 's/|$//')"
# JSON as the other formats: each control a space per byte (so jq -r
# prints none), the spans at the same bytes; neither U+2028/U+2029 raw
# (which JavaScript before ES2019 can't hold in a string) nor escaped.
json_answer "$CDB" okapi >"$T/oj"
expect "--json: the text's controls as spaces, one per byte, the spans index it (6:11 27:32)" \
    "$okapi_text 6:11 27:32" \
    "$(jq -r 'select(.type=="match") | "\(.text) \(.spans | map("\(.start):\(.end)") | join(" "))"' "$T/oj")"
expect "--json: the title's controls as spaces; no U+2028, U+2029 or C1, raw or escaped" "1 0 0" \
    "$(grep -c '"title":"Okapi    title     here"' "$T/oj") $(grep -c 'u2028\\|u2029\\|u0085' "$T/oj") $(LC_ALL=C grep -c "$(printf '\342\200\250')\\|$(printf '\342\200\251')\\|$(printf '\302\205')" "$T/oj")"
