# caret.sh: a refused query is echoed with a caret under the column the
# error names (issue 13): a long query only as a window of about 60 bytes
# each side of the column, cut at UTF-8 boundaries and marked with "…"; the
# caret under the right character however many multi-byte characters come
# before it; control characters shown as spaces.
. "$TOP/tests/e2e/lib.sh"

build_index "index the sample corpus" "$T/idx" "$TOP/corpus"
# The index answers a query that is not refused: the errors below are the
# query's, not the index's.
expect "the index answers Zürich (2 passages, whole)" 2 "$(answer "$T/idx" Zürich | wc -l | tr -d ' ')"

# aligned QUERY: run it (refused), then check that the echo, from the
# caret's character on, is the query from the column's character on. jq
# counts characters; the column counts bytes.
aligned() {
    search "$T/idx" "$1" >"$T/out" 2>"$T/err"
    rc=$?
    [ ! -s "$T/out" ] || { echo "stdout: $(head -c 200 "$T/out")"; return 1; }
    col=$(sed -n '1s/^nsearch: query:\([0-9]*\): .*/\1/p' "$T/err")
    echo_line=$(sed -n 2p "$T/err")
    caret=$(sed -n 3p "$T/err")
    [ "$rc" -eq 2 ] && [ -n "$col" ] && [ "$(wc -l <"$T/err")" -eq 3 ] || { cat "$T/err"; return 1; }
    jq -en --arg q "$1" --arg e "$echo_line" --arg c "$caret" --argjson col "$col" '
        [foreach ($q | explode[]) as $x (0; . + (if $x < 128 then 1 elif $x < 2048 then 2
            elif $x < 65536 then 3 else 4 end))] as $ends
        | ([$ends[] | select(. <= $col - 1)] | length) as $ci
        | ($c | test("^  *\\^$")) and ($c | length) >= 3
        | . and (($e[($c | length) - 1:] | rtrimstr("…")) as $rest
                 | ($rest | length) > 0 and ($q[$ci:] | gsub("[\t\n]"; " ") | startswith($rest)))' >/dev/null ||
        { echo "column $col"; cat "$T/err"; return 1; }
}

check "short query: caret under the column after a multi-byte character" aligned 'Zürich OR -b'
expect "short query: echoed whole, no …" "  Zürich OR -b" "$(search "$T/idx" 'Zürich OR -b' 2>&1 >/dev/null | sed -n 2p)"
check "a date error after the field name" aligned 'date:2025-13-45 Zürich'

# 100 words of "é": refused at the 65th, in the middle of a 300-byte query.
q70=$(printf 'é%s ' $(seq 100))
check "too many terms: caret under the 65th word, window cut on both sides" aligned "$q70"
expect "too many terms: the window is cut on both sides" "…|…" \
    "$(search "$T/idx" "$q70" 2>&1 >/dev/null | sed -n 2p | sed 's/^  \(…\).*\(…\)$/\1|\2/')"

# A 5,000-byte query: refused at byte 4097 (the limit), inside a run of
# two-byte characters.
long=$(printf 'é %.0s' $(seq 1500))tail$(printf 'x%.0s' $(seq 500))
expect "5000-byte query is refused at the limit" 1 "$(search "$T/idx" "$long" 2>&1 | grep -c '^nsearch: query:4097: ')"
check "5000-byte query: caret aligned in the window" aligned "$long"
bytes=$(search "$T/idx" "$long" 2>&1 >/dev/null | sed -n 2p | wc -c | tr -d ' ')
expect "5000-byte query: the echo is a window (at most 2 + 3 + 120 + 3 bytes and a newline)" 1 \
    "$([ "$bytes" -le 129 ] && [ "$bytes" -ge 100 ] && echo 1)"
bytes=$(search "$T/idx" "$long" 2>&1 >/dev/null | sed -n 3p | wc -c | tr -d ' ')
expect "5000-byte query: the caret line is short (a caret and its spaces)" 1 "$([ "$bytes" -le 70 ] && [ "$bytes" -ge 3 ] && echo 1)"
valid_echo() { # the 3-line message for $long, exit 2, is valid UTF-8
    "$NSEARCH" --db "$T/idx" "$long" >/dev/null 2>"$T/err"
    [ $? -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 3 ] && iconv -f UTF-8 -t UTF-8 <"$T/err" >/dev/null
}
check "5000-byte query: the echo is valid UTF-8" valid_echo

# The end of a long query: the window runs to the end, no trailing "…".
tailq="$(printf '"words%s" ' $(seq 30))Zürich OR -b"
check "long query, error near its end: caret aligned" aligned "$tailq"
expect "long query, error near its end: … only in front" "…|b" \
    "$(search "$T/idx" "$tailq" 2>&1 >/dev/null | sed -n 2p | sed 's/^  \(…\).*\(.\)$/\1|\2/')"

# Wide characters take two cells on a terminal, a combining mark none: the
# caret stands under the '-' of "-b" (hand-counted cells before it: 日本 4,
# " OR " 4 = 8; é written e + U+0301 is 1 cell, "é OR " 5).
caret_at() { # QUERY: the caret line's indent, after the two spaces
    search "$T/idx" "$1" 2>&1 >/dev/null | sed -n 3p | sed 's/^  \( *\)^$/\1/' | wc -c | awk '{print $1 - 1}'
}
expect "wide characters: the caret 8 cells in, under the '-'" 8 "$(caret_at '日本 OR -b')"
expect "a combining mark takes no cell: the caret 5 cells in" 5 "$(caret_at "$(printf 'e\314\201 OR -b')")"
# Unsafe characters are echoed as one space each (a C1 CSI, ESC, BEL, a bidi
# override), a byte that is not UTF-8 as U+FFFD. The query is refused at
# that byte (column 12: 2+2+1+3+1+1+1 bytes before it), the caret under its
# U+FFFD, 8 cells in (hand-counted), after the two spaces of the indent.
q=$(printf '\302\2332J \342\200\256\033\007 \377 a OR -b')
expect "controls, bidi and a bad byte in the echo: spaces and U+FFFD, the caret under the U+FFFD" \
    "nsearch: query:12:|   2J     � a OR -b|$(printf '%10s' '')^" \
    "$(search "$T/idx" "$q" 2>&1 >/dev/null | sed -n '1s/^\(nsearch: query:[0-9]*:\).*/\1/;1p;2p;3p' | tr '\n' '|' | sed 's/|$//')"
