# output.sh: the output contract of nsearch (doc/nsearch.1): --json checked
# by a real JSON parser whatever bytes the corpus holds, --vimgrep and
# --no-heading shapes with exact positions, --files, --count, paging, exit
# codes, colour, closed pipes, --help/--version, the configuration file and
# its precedence, the man pages and the shell completions.
. "$TOP/tests/e2e/lib.sh"

C="$T/corpus"
article "$C/talks.txt" "Envoys prepare talks on a peace framework" 2025-12-06 "Test Wire" \
    "Negotiators met for a second day and discussed security guarantees for the region." \
    "The delegation said the meeting with Umerov was constructive and would resume on Saturday." \
    "Umerov’s team — led by Rustem Umerov — said the meeting had gone well."
article "$C/sub/rates.txt" "Central bank holds rates as inflation cools" 2025-11-20 "Capital Ledger" \
    "The central bank kept its meeting short and held rates at four percent." \
    "Economists had expected the meeting to end with a cut in rates." \
    "A later meeting in January could bring the first cut of the year."
# Invalid UTF-8 (a lone continuation byte, an overlong form, a UTF-16
# surrogate, a truncated sequence), control characters, tabs and a CR.
printf 'Bad bytes \377\376 in a headline\nDate: 2025-12-01\nSource: Noisy\001Wire\n\nThe zebra \001\033[31m crossed\tthe road \303\050 with \355\240\200 surrogates and zebra \300\257 again\342\202.\r\n\nA second zebra line\177 here \033]0;title\007 with an escape.\n' >"$C/bad.txt"
# JSON Lines with escapes: control characters, newlines inside a
# paragraph, a NUL, quotes and backslashes.
printf '%s\n' '{"id":"j1","title":"Tab\ttitle \u001b[1m \"quoted\" back\\slash","date":"2025-12-02","source":"Feed\u0007","body":"First zebra line\nsecond zebra line\n\nAnother \u0000 para with zebra\u000b and a \"quote\""}' >"$C/feed.jsonl"
# A file name that is not UTF-8.
printf 'Odd name\n\nzebra in a file whose name is not UTF-8.\n' >"$C/odd-$(printf '\377').txt"

DB="$T/idx"
index_checked "index the test corpus" "$DB" "$C"
cd "$T" || exit 2
ctrl=$(printf '[\001-\011\013-\037\177]') # control bytes but the line feed

# ---- --json ------------------------------------------------------------
# Every line, on its own, is one JSON object: parse line by line.
json_lines_ok() { # FILE: every line parses alone as an object
    n=0
    while IFS= read -r l || [ -n "$l" ]; do
        n=$((n + 1))
        printf '%s\n' "$l" | jq -e 'type == "object"' >/dev/null 2>&1 || { echo "line $n: $l"; return 1; }
    done <"$1"
    [ "$n" -gt 0 ]
}
# The --json answers are read through json_answer: whole (the summary last,
# counting the matches) or "BROKEN answer: ...", which no check accepts; and
# the checks read the summary's query too, which an answer to another query
# does not name.
asked() { # QUERY FILE: FILE answers QUERY
    jq -e -s --arg q "$1" 'last.type == "summary" and last.query == $q' "$2" >/dev/null 2>&1
}
json_ok() { json_lines_ok "$2" && asked "$1" "$2"; }
for q in zebra 'zebra OR umerov OR meeting OR rates' 'title:bad' xylophone; do
    json_answer "$DB" -n 100 "$q" >"$T/j"
    check "--json: every line is valid JSON ($q)" json_ok "$q" "$T/j"
done
json_answer "$DB" -n 100 zebra >"$T/j"
expect "--json: matches then one summary, last" "match match match match match summary" \
    "$(jq -r .type "$T/j" | tr '\n' ' ' | sed 's/ $//')"
# jqz EXPR: EXPR (over the slurped lines) holds of the zebra answer.
jqz() { jq -e -s "last.query == \"zebra\" and length == 6 and ($1)" "$T/j" >/dev/null 2>&1; }
check "--json: invalid bytes arrive as U+FFFD" jqz 'map(select(.type=="match") | .text + .title) | join("") | contains("\ufffd")'
check "--json: no raw control characters left in strings" \
    jqz '[.[] | select(.type=="match") | .text, .title, .source | explode[] | select(. < 32 or . == 127)] | length == 0'
check "--json: a file name that is not UTF-8 is still JSON" jqz 'any(.[]; .type=="match" and (.path | startswith("corpus/odd-")))' 

# The schema: every field with its type (doc/nsearch.1, JSON OUTPUT).
schema_match='.type == "match" and .version == 1 and (.rank|type) == "number" and
  (.path|type) == "string" and (.line|type) == "number" and .line >= 1 and
  (.column|type) == "number" and .column >= 1 and (.id|type) == "string" and
  (.title|type) == "string" and (.date == null or (.date|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))) and
  (.source|type) == "string" and (.url|type) == "string" and (.score|type) == "number" and
  (.article_score|type) == "number" and (.article_rank|type) == "number" and
  (.text|type) == "string" and (.spans|type) == "array" and
  all(.spans[]; (.start|type) == "number" and (.end|type) == "number" and .start < .end)'
schema_summary='.type == "summary" and .version == 1 and (.query|type) == "string" and
  (.parsed|type) == "string" and (.matches|type) == "number" and (.total|type) == "number" and
  (.articles|type) == "number" and (.articles_estimated|type) == "number" and
  (.partial|type) == "boolean" and (.elapsed_ms|type) == "number" and (.index|type) == "string"'
q4='zebra OR umerov OR meeting OR rates'
json_answer "$DB" -n 100 "$q4" >"$T/j"
# jq4 EXPR: EXPR holds of the whole answer to $q4 (its 9 passages).
jq4() { jq -e -s --arg q "$q4" "last.query == \$q and last.matches == 9 and ($1)" "$T/j" >/dev/null 2>&1; }
check "--json: match objects follow the schema" jq4 "map(select(.type==\"match\") | ($schema_match)) | all and length > 5"
check "--json: the summary follows the schema" jq4 "last | $schema_summary"
expect "--json: ranks count from 1" "1 2 3 4 5 6 7 8 9 $q4" "$(jq -r 'select(.type=="match") | .rank' "$T/j" | tr '\n' ' ')$(tail -n 1 "$T/j" | jq -r .query)"
check "--json: undated article has date null" jq4 'any(.[]; .type=="match" and .date == null)'
expect "--json: summary index names the index" "$DB $q4" "$(tail -n 1 "$T/j" | jq -r '"\(.index) \(.query)"')"

# "path_bytes": the exact bytes of a path that is not valid UTF-8 (whose
# "path" has U+FFFD, EF BF BD, for each bad byte), in --json and --serve;
# absent for every other path, a valid UTF-8 é included. The decoy does
# not match. Byte values hand-written: p=112 b=98 /=47 c=99 a=97 f=102
# .=46 t=116 x=120 o=111 d=100.
PB="$T/pb"
mkdir -p "$PB"
for n in "caf$(printf '\303\251').txt" "caf$(printf '\351').txt" "odd$(printf '\377')x.txt" plain.txt; do
    printf 'Quokka\n\nA quokka here.\n' >"$PB/$n"
done
printf 'Wombat\n\nA wombat here.\n' >"$PB/z$(printf '\376').txt"
"$NSEARCH_INDEX" --db "$T/pbidx" "$PB" >/dev/null 2>&1 || not_ok "index names that are not UTF-8"
pb_want=$(printf '%s\n' "none pb/caf$(printf '\303\251').txt" "none pb/plain.txt" \
    "112,98,47,99,97,102,233,46,116,120,116 pb/caf$(printf '\357\277\275').txt" \
    "112,98,47,111,100,100,255,120,46,116,120,116 pb/odd$(printf '\357\277\275')x.txt" | LC_ALL=C sort)
pb_jq='"\(if has("path_bytes") then (.path_bytes | map(tostring) | join(",")) else "none" end) \(.path)"'
expect "--json: path_bytes, only for the paths that are not UTF-8" "$pb_want" \
    "$(json_answer "$T/pbidx" quokka | jq -r "select(.type == \"match\") | $pb_jq" 2>&1 | LC_ALL=C sort)"
expect "--serve: path_bytes in the matches too" "$pb_want" \
    "$(printf '{"id":1,"query":"quokka"}\n' | "$NSEARCH" --db "$T/pbidx" --serve 2>&1 | jq -r ".matches[] | $pb_jq" 2>&1 | LC_ALL=C sort)"

# Spans are byte offsets into the text: cut the bytes out and compare.
json_answer "$DB" -n 100 'Umerov OR zebra OR crossed' >"$T/j"
bad=0
jq -r 'select(.type=="match") | .spans[] as $s | "\(.rank) \($s.start) \($s.end)"' "$T/j" >"$T/spans"
while read -r rank start end; do
    jq -j "select(.type==\"match\" and .rank==$rank) | .text" "$T/j" >"$T/text"
    word=$(head -c "$end" "$T/text" | tail -c "$((end - start))")
    case "$word" in Umerov | Umerov’s | zebra | crossed) ;; *) bad=$((bad + 1)); echo "    rank $rank [$start,$end) = '$word'" ;; esac
done <"$T/spans"
forall "--json: every span covers its match, in bytes" "$bad" "$(wc -l <"$T/spans" | tr -d ' ')" 11
expect "--json: spans were checked (all 11)" 11 "$(wc -l <"$T/spans" | tr -d ' ')"

# ---- --vimgrep ---------------------------------------------------------
# The 9 passages of $q4, at their first match (the odd file name's byte
# shown as "?").
v4="corpus/sub/rates.txt:5:27 corpus/sub/rates.txt:7:29 corpus/talks.txt:9:1 corpus/talks.txt:7:25 corpus/feed.jsonl:1:1 corpus/bad.txt:5:5 corpus/feed.jsonl:1:1 corpus/bad.txt:7:10 \"corpus/odd-\\xff.txt\":3:1"
positions() { LC_ALL=C cut -d: -f"$1" "$2" | LC_ALL=C tr -c '\n -~' '?' | tr '\n' ' ' | sed 's/ $//'; }
search "$DB" --vimgrep -n 100 "$q4" >"$T/v"
expect "--vimgrep: one line per passage (the 9, at their first match)" "$v4" "$(positions 1-3 "$T/v")"
expect "--vimgrep: every line is path:line:column:text (the 9)" "0 $v4" \
    "$(LC_ALL=C grep -avc '^[^:]*:[1-9][0-9]*:[1-9][0-9]*:' "$T/v") $(positions 1-3 "$T/v")"
expect "--vimgrep: no control characters in the text (the 9)" "0 $v4" "$(LC_ALL=C grep -ac "$ctrl" "$T/v") $(positions 1-3 "$T/v")"
# Exact positions: the byte at LINE:COLUMN of the file starts the match.
search "$DB" --vimgrep -n 100 'Umerov OR meeting OR rates OR guarantees' >"$T/v"
bad=0 n=0
while IFS=: read -r path line col text; do
    n=$((n + 1))
    rest=$(sed -n "${line}p" "$path" | cut -b "$col-")
    case "$rest" in Umerov* | meeting* | rates* | guarantees*) ;; *) bad=$((bad + 1)); echo "    $path:$line:$col -> '$rest'" ;; esac
done <"$T/v"
forall "--vimgrep: LINE:COLUMN points at the first match in the file" "$bad" "$n" 4
expect "--vimgrep: positions were checked (all 4, in any order)" "corpus/sub/rates.txt:5:27 corpus/sub/rates.txt:7:29 corpus/talks.txt:7:25 corpus/talks.txt:9:1" \
    "$(LC_ALL=C sort "$T/v" | positions 1-3 -)"
got=$(search "$DB" --vimgrep Rustem | cut -d: -f1-3)
expect "--vimgrep: byte column after multi-byte characters" "corpus/talks.txt:9:28" "$got"
search "$DB" --vimgrep -n 100 zebra >"$T/v"
expect "--vimgrep: a passage with line breaks stays one line (2 of 5)" "2 5" "$(grep -c feed.jsonl "$T/v") $(wc -l <"$T/v" | tr -d ' ')"

# ---- --no-heading and the default text ---------------------------------
search "$DB" --no-heading -n 100 "$q4" >"$T/h"
expect "--no-heading: every line is path:line:text (ripgrep's shape; the 9)" "0 $(echo "$v4" | sed 's/:[0-9]* / /g; s/:[0-9]*$//')" \
    "$(LC_ALL=C grep -avc '^[^:]*:[1-9][0-9]*:[^ ]' "$T/h") $(positions 1-2 "$T/h")"
expect "--no-heading: one line per passage (the 9)" "$(echo "$v4" | sed 's/:[0-9]* / /g; s/:[0-9]*$//')" "$(positions 1-2 "$T/h")"
search "$DB" Umerov >"$T/t"
expect "text: heading with path, then title · date · source" \
    "corpus/talks.txt|Envoys prepare talks on a peace framework · 2025-12-06 · Test Wire|9: Umerov’s team — led by Rustem Umerov — said the meeting had gone well.|7: The delegation said the meeting with Umerov was constructive and would resume on Saturday." \
    "$(tr '\n' '|' <"$T/t" | sed 's/|$//')"
expect "text: passages under the heading as LINE: text" 2 "$(grep -c '^[0-9]*: ' "$T/t")"
# zebra's 5 passages: 13 lines of text (3 headings of 2 lines, blank lines
# between), 5 of --no-heading.
search "$DB" -n 100 zebra >"$T/t"
expect "text: no control characters from the corpus (13 lines, 5 passages with zebra)" "0 13 5" \
    "$(LC_ALL=C grep -ac "$ctrl" "$T/t") $(wc -l <"$T/t" | tr -d ' ') $(grep -c '^[0-9]*: .*zebra' "$T/t")"
search "$DB" --no-heading -n 100 zebra >"$T/t"
expect "--no-heading: no control characters from the corpus (5 lines with zebra)" "0 5 5" \
    "$(LC_ALL=C grep -ac "$ctrl" "$T/t") $(wc -l <"$T/t" | tr -d ' ') $(grep -c zebra "$T/t")"

# ---- --files, --count, paging ------------------------------------------
q='meeting OR rates OR Umerov OR crossed'
search "$DB" --files "$q" >"$T/f"
expect "--files: each path once (3 files)" "3 3" "$(sort -u "$T/f" | wc -l | tr -d ' ') $(wc -l <"$T/f" | tr -d ' ')"
expect "--files: all matching files, in rank order" \
    "$(search "$DB" --json -n 1000 --per-article 1000 "$q" | jq -r 'select(.type=="match") | .path' | awk '!seen[$0]++')" \
    "$(cat "$T/f")"
files3="corpus/sub/rates.txt corpus/talks.txt corpus/bad.txt"
expect "-l is --files (the 3 files)" "$files3" "$(search "$DB" -l "$q" | tr '\n' ' ' | sed 's/ $//')"
expect "--files -n 1 --offset 1: the second file (of the 3)" "corpus/talks.txt|$files3" \
    "$(search "$DB" --files -n 1 --offset 1 "$q")|$(tr '\n' ' ' <"$T/f" | sed 's/ $//')"
total=$(search "$DB" --json -n 1000 --per-article 1000 "$q" | jq -s 'map(select(.type == "match")) | length')
[ "$total" -gt 2 ] || not_ok "--count: the query lists passages ($total)"
expect "--count: every matching passage (6)" 6 "$(search "$DB" --count --per-article 1000 "$q")"
expect "-c is --count, per-article as listed (5)" 5 "$(search "$DB" -c "$q")"
search "$DB" --vimgrep -n 1000 "$q" >"$T/all"
: >"$T/paged"
off=0
while [ "$off" -lt 20 ]; do
    search "$DB" --vimgrep -n 3 --offset "$off" "$q" >>"$T/paged"
    off=$((off + 3))
done
p5="corpus/sub/rates.txt:5:27 corpus/sub/rates.txt:7:29 corpus/talks.txt:9:1 corpus/talks.txt:7:25 corpus/bad.txt:5:18"
expect "-n/--offset: pages put together give the full list (5 passages)" "$(cat "$T/all")|$p5" "$(cat "$T/paged")|$(positions 1-3 "$T/paged")"
search "$DB" --json --no-heading "$q" >"$T/h"
expect "the last format option wins" "$(echo "$p5" | sed 's/:[0-9]* / /g; s/:[0-9]*$//')" "$(positions 1-2 "$T/h")"
search "$DB" --vimgrep -n 2 "$q" >"$T/v"
expect "-n limits the passages" "corpus/sub/rates.txt:5:27 corpus/sub/rates.txt:7:29" "$(positions 1-3 "$T/v")"
expect "--json --offset: ranks continue" "4 1 $q" \
    "$(json_answer "$DB" -n 1 --offset 3 "$q" | jq -r -s '"\(.[0].rank) \(last.matches) \(last.query)"' 2>&1)"
expect "--offset past the end: nothing, exit 0 (there are matches; --json: 0 listed of 5)" "0:|0 0 5 $q" \
    "$(out=$(search "$DB" --vimgrep --offset 500 "$q"); echo "$?:$out")|$(json_answer "$DB" --offset 500 "$q" | jq -r -s '"\(length - 1) \(last.matches) \(last.total) \(last.query)"' 2>&1)"

# ---- exit codes ----------------------------------------------------------
# shaped CMD...: the exit status of CMD, then its output's shape: lines,
# lines with zebra, and the output itself when it is one short line (a
# count, a path).
shaped() {
    "$@" >"$T/out" 2>/dev/null
    rc=$?
    echo "$rc $(wc -l <"$T/out" | tr -d ' ') $(grep -ci zebra "$T/out")$([ "$(wc -l <"$T/out")" -le 3 ] && LC_ALL=C tr -c '\n -~' '?' <"$T/out" | tr '\n' ' ')"
}
# zebra's 5 passages, in each format (default limits): 13 lines of text,
# 6 JSON lines, 5 lines of --vimgrep and --no-heading, 3 files, a count.
for f in "" --json --vimgrep --no-heading --files --count; do
    case "$f" in
    "") want="0 13 5" ;; --json) want="0 6 6" ;; --vimgrep | --no-heading) want="0 5 5" ;;
    --files) want="0 3 0corpus/feed.jsonl corpus/bad.txt \"corpus/odd-\\xff.txt\" " ;; --count) want="0 1 05 " ;;
    esac
    expect "exit 0 on a match ${f:-(text)}" "$want" "$(shaped search "$DB" $f zebra)"
    case "$f" in
    --json) want="1 1 0{\"type\":\"summary\",\"version\":1,\"query\":\"xylophone\"" ;; --count) want="1 1 00 " ;; *) want="1 0 0" ;;
    esac
    expect "exit 1 on no match ${f:-(text)}" "$want" "$(shaped search "$DB" $f xylophone | cut -c1-54)"
done
expect "--json on no match still prints the summary" "summary 0" "$(search "$DB" --json xylophone | jq -r '"\(.type) \(.total)"')"
expect "--count on no match prints 0" 0 "$(search "$DB" --count xylophone)"
# refused DESC FIRST-LINE CMD...: CMD exits 2 with nothing on stdout and the
# message FIRST-LINE first on stderr.
refused() {
    desc=$1 want=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    expect "$desc" "2|$want|" "$?|$(head -n 1 "$T/err")|$(head -c 200 "$T/out")"
}
refused "exit 2: unknown option" "nsearch: unknown option, or one missing its value: --frobnicate" search "$DB" --frobnicate zebra
refused "exit 2: no query" "nsearch: no query given" search "$DB"
refused "exit 2: bad --limit" "nsearch: --limit: not a count from 1 to 1000000: x" search "$DB" -n x zebra
refused "exit 2: --limit 0" "nsearch: --limit: not a count from 1 to 1000000: 0" search "$DB" -n 0 zebra
refused "exit 2: bad --sort" "nsearch: --sort: relevance or date, not size" search "$DB" --sort=size zebra
refused "exit 2: bad --color" "nsearch: --color: auto, always or never, not sometimes" search "$DB" --color=sometimes zebra
refused "exit 2: missing index" "nsearch: no index at $T/none: run nsearch-index --db $T/none FOLDER to build one" search "$T/none" zebra
refused "exit 2: malformed query" "nsearch: query:1: nothing to search for: the query has only operators, parentheses or empty quotes" search "$DB" '(( OR'
# Words that are only punctuation are ignored (query-syntax.md, Words); a
# query of nothing else is refused like one of only operators, at the
# column of its first word; with a word beside them it answers.
refused "exit 2: a query of punctuation only" "nsearch: query:1: nothing to search for: the query's words are only punctuation" search "$DB" '...'
refused "exit 2: a dash in quotes, OR a comma" "nsearch: query:1: nothing to search for: the query's words are only punctuation" search "$DB" '"—" OR ,'
refused "exit 2: punctuation and an exclusion: add a word that must match" "nsearch: query:1: nothing to search for: add a word that must match; the query only excludes" search "$DB" '... -zebra'
refused "exit 2: title: of a dash, at the dash" "nsearch: query:7: nothing to search for: the query's words are only punctuation" search "$DB" 'title:—'
expect "a word beside punctuation answers (exit 0, the files that hold it)" \
    "0 $(grep -ril umerov "$C" | sed 's|.*/||' | sort | paste -sd ' ')" \
    "$(search "$DB" --files -n 100 'Umerov ... —' >"$T/out" 2>"$T/err"; echo $?) $(sed 's|.*/||' "$T/out" | sort | paste -sd ' ')"
search "$DB" '(( OR' 2>"$T/err"
check "a malformed query names its column once" grep -q '^nsearch: query:[0-9]*: [a-z]' "$T/err"
expect "…without repeating it in the message" "1 0" "$(grep -c '^nsearch: query:[0-9]*: [a-z]' "$T/err") $(grep -c 'query:[0-9]*: column' "$T/err")"

# A closed pipe ends quietly with 0, whatever the format.
big='meeting OR zebra OR rates OR umerov OR bank OR the'
for f in "" --json --vimgrep --no-heading --files; do
    : >"$T/rc"
    { search "$DB" $f -n 1000 --per-article 1000 "$big" 2>"$T/err"; echo $? >"$T/rc"; } | head -n 1 >"$T/first"
    # The first line read is the answer's: a heading, a match, a passage.
    case "$f" in
    "" | --files) pat='^corpus/[^:]*$' ;; --json) pat='^{"type":"match","version":1,"rank":1,' ;;
    --vimgrep) pat='^corpus/[^:]*:[0-9]*:[0-9]*:' ;; --no-heading) pat='^corpus/[^:]*:[0-9]*:' ;;
    esac
    expect "| head -1: exit 0 ${f:-(text)}" "0:1" "$(cat "$T/rc"):$(cat "$T/err")$(grep -c "$pat" "$T/first")"
done

# ---- colour ----------------------------------------------------------------
esc=$(printf '\033')
has_esc() { grep -q "$esc"; }
# painted FORMAT CMD...: "colour" or "plain" for CMD's output, then its shape
# with the colour taken out: lines, lines with Umerov, the last line's start
# (an answer to Umerov in FORMAT has one shape; a broken one, another).
painted() {
    f=$1
    shift
    "$@" 2>&1 | tr -d '\r' >"$T/c"
    if has_esc <"$T/c"; then printf colour; else printf plain; fi
    sed "s/$esc\[[0-9;]*m//g" "$T/c" >"$T/c.plain"
    echo " $(wc -l <"$T/c.plain" | tr -d ' ') $(grep -c Umerov "$T/c.plain") $(tail -n 1 "$T/c.plain" | cut -c1-24)"
}
# umerov FORMAT: that shape for the answer to Umerov (2 passages of talks.txt).
umerov() {
    case "$1" in
    text) echo "4 2 7: The delegation said t" ;; --json) echo '3 3 {"type":"summary","versi' ;;
    --vimgrep) echo "2 2 corpus/talks.txt:7:38:Th" ;; --files) echo "1 0 corpus/talks.txt" ;; --count) echo "1 0 2" ;;
    esac
}
expect "--color=always colours" "colour $(umerov text)" "$(painted text search "$DB" --color=always Umerov)"
expect "--color=never: plain" "plain $(umerov text)" "$(painted text search "$DB" --color=never Umerov)"
expect "auto: plain into a pipe" "plain $(umerov text)" "$(painted text search "$DB" Umerov)"
for f in --json --vimgrep --files --count; do
    expect "$f is never coloured" "plain $(umerov $f)" "$(painted $f search "$DB" --color=always $f Umerov)"
done
# On a terminal (script(1) gives one): colour unless NO_COLOR or TERM=dumb.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
    tty_run() { script -qec "$*" /dev/null </dev/null; }
    cmd="'$NSEARCH' --db '$DB' Umerov"
    expect "auto: colour on a terminal" "colour $(umerov text)" "$(TERM=xterm painted text tty_run "$cmd")"
    expect "NO_COLOR: plain on a terminal" "plain $(umerov text)" "$(TERM=xterm NO_COLOR=1 painted text tty_run "$cmd")"
    expect "--color=always wins over NO_COLOR" "colour $(umerov text)" "$(TERM=xterm NO_COLOR=1 painted text tty_run "$cmd --color=always")"
    expect "TERM=dumb: plain" "plain $(umerov text)" "$(TERM=dumb painted text tty_run "$cmd")"
else
    for d in "auto: colour on a terminal" "NO_COLOR: plain on a terminal" "--color=always wins over NO_COLOR" "TERM=dumb: plain"; do
        skip "$d" "script(1) can't open a terminal here"
    done
fi

# ---- --help, --version -----------------------------------------------------
for p in "$NSEARCH" "$NSEARCH_INDEX"; do
    n=$(basename "$p")
    # The help's last line is the exit statuses' (one line for nsearch, two
    # for nsearch-index): a help that lost it is not whole.
    last="Exit status: 0 matches, 1 no match, 2 error."
    [ "$n" = nsearch-index ] && last="4 index error, 75 another indexer is running."
    "$p" --help >"$T/out" 2>&1
    expect "$n --help exits 0" "0 usage: $n |$last" "$? $(head -n 1 "$T/out" | cut -c1-$((8 + ${#n})))|$(tail -n 1 "$T/out")"
    check "$n --help shows usage" grep -q "^usage: $n " "$T/out"
    "$p" --version >"$T/out" 2>&1
    expect "$n --version exits 0" "0 1" "$? $(grep -c "^$n [0-9][0-9.]*" "$T/out")"
    check "$n --version names program and version" grep -q "^$n [0-9][0-9.]*" "$T/out"
    expect "$n -h is --help" "$("$p" --help)|$last" "$("$p" -h)|$("$p" -h | tail -n 1)"
done

# Output that can't be written (a full device) is an error, exit 2 and said
# so (doc/nsearch.1, EXIT STATUS), whatever printed it: the help, the
# version, every format, serve mode's responses.
# (The witness of each: the same command, written to a pipe, answers Umerov
# as umerov says; talks.txt's lines 9 and 7 for --no-heading.)
full_msg='^nsearch: writing output: No space left on device$'
for f in --help --version; do
    search "$DB" $f >/dev/full 2>"$T/err"
    expect "nsearch $f to a full device: exit 2, said so" "2 1" "$? $(grep -c "$full_msg" "$T/err")"
done
for f in --json --vimgrep --no-heading --files --count text; do
    g=$f
    [ "$f" = text ] && g=
    search "$DB" $g Umerov >/dev/full 2>"$T/err"
    rc=$?
    case "$f" in --no-heading) want="2 2 corpus/talks.txt:7:The d" ;; *) want=$(umerov "$f") ;; esac
    expect "nsearch $f Umerov to a full device: exit 2, said so" "2 1|plain $want" \
        "$rc $(grep -c "$full_msg" "$T/err")|$(painted "$f" search "$DB" $g Umerov)"
done
printf '{"id":1,"query":"Umerov"}\n' | search "$DB" --serve >/dev/full 2>"$T/err"
expect "nsearch --serve to a full device: exit 2, said so" "2 1|2 2" "$? $(grep -c "$full_msg" "$T/err")|$(printf '{"id":1,"query":"Umerov"}\n' |
    search "$DB" --serve 2>&1 | jq -r '"\(.matches | length) \(.summary.total)"' 2>&1)"

# ---- configuration file -------------------------------------------------------
# Precedence: flags > environment > configuration file > built-in defaults.
H="$T/home"
mkdir -p "$H/.config/nsearch" "$T/xdg/nsearch"
other="$T/idx2"
"$NSEARCH_INDEX" --db "$other" "$C/sub" 2>/dev/null
cat >"$H/.config/nsearch/config" <<EOF
# nsearch configuration for the tests
db = $DB
limit = 1
per-article = 1
EOF
# csum CMD...: run CMD (nsearch --json, its stderr in $T/err) and print
# "MATCHES QUERY INDEX" from the summary of its whole answer, or "BROKEN
# answer" (no summary last, or one that miscounts).
csum() {
    "$@" >"$T/sj" 2>"$T/err"
    jq -r -s 'if length > 0 and last.type == "summary" and last.matches == (map(select(.type == "match")) | length)
        then "\(last.matches) \(last.query) \(last.index)" else "BROKEN answer" end' "$T/sj" 2>/dev/null || echo "BROKEN answer"
}
expect "config: db and limit from ~/.config/nsearch/config" "1 meeting $DB" "$(csum cfgrun "$NSEARCH" --json meeting)"
expect "config: a flag beats the file" "2 meeting $DB" "$(csum cfgrun "$NSEARCH" --json -n 2 meeting)"
expect "config: NSEARCH_DB beats the file's db" "1 meeting OR zebra $other" "$(csum cfgrun env NSEARCH_DB="$other" "$NSEARCH" --json -n 5 'meeting OR zebra')"
expect "config: --db beats NSEARCH_DB" "1 meeting OR zebra $other" "$(csum cfgrun env NSEARCH_DB="$DB" "$NSEARCH" --db "$other" --json 'meeting OR zebra')"
printf 'db = %s\nlimit = 2\n' "$DB" >"$T/xdg/nsearch/config"
expect "config: XDG_CONFIG_HOME is read first" "2 meeting $DB" "$(csum cfgrun env XDG_CONFIG_HOME="$T/xdg" "$NSEARCH" --json meeting)"
expect "config: NSEARCH_CONFIG names the file" "2 meeting $DB" "$(csum cfgrun env NSEARCH_CONFIG="$T/xdg/nsearch/config" "$NSEARCH" --json meeting)"
expect "config: NSEARCH_CONFIG= reads none (default limit: all 4)" "4 meeting $DB" \
    "$(csum cfgrun env NSEARCH_CONFIG= "$NSEARCH" --db "$DB" --json meeting)"
printf 'db = %s\nheading = false\ncolor = always\nsort = date\n' "$DB" >"$H/.config/nsearch/config"
expect "config: heading = false is --no-heading" "plain 2 2 corpus/talks.txt:7:The d" "$(painted text cfgrun "$NSEARCH" --color=never Umerov)"
expect "config: --heading wins" "plain $(umerov text)" "$(painted text cfgrun "$NSEARCH" --heading --color=never Umerov)"
expect "config: color = always" "colour 2 2 corpus/talks.txt:7:The d" "$(painted text cfgrun "$NSEARCH" Umerov)"
expect "config: NO_COLOR beats the file" "plain 2 2 corpus/talks.txt:7:The d" "$(painted text cfgrun env NO_COLOR=1 "$NSEARCH" Umerov)"
expect "config: sort = date (newest first)" "corpus/talks.txt corpus/sub/rates.txt" \
    "$(cfgrun "$NSEARCH" --files meeting | tr '\n' ' ' | sed 's/ $//')"
printf 'db = %s\nlimit = 1\nthis is not a setting\ncolour = purple\nlimit = -3\nfrobs = 2\n' "$DB" >"$H/.config/nsearch/config"
got=$(csum cfgrun "$NSEARCH" --json meeting)
expect "config: bad lines don't stop the search" "1 meeting $DB" "$got"
expect "config: each bad line is a warning naming FILE:LINE (and the search runs)" \
    "nsearch: $H/.config/nsearch/config:3:|nsearch: $H/.config/nsearch/config:4:|nsearch: $H/.config/nsearch/config:5:|nsearch: $H/.config/nsearch/config:6:|1 meeting $DB" \
    "$(cut -d' ' -f1-2 "$T/err" | tr '\n' '|')$got"
rm -f "$H/.config/nsearch/config"
got=$(csum cfgrun "$NSEARCH" --db "$DB" --json zebra)
expect "config: a missing file is no configuration (no warning; the defaults)" "0 lines|5 zebra $DB" "$(wc -l <"$T/err" | tr -d ' ') lines|$got"

# ---- man pages -------------------------------------------------------------------
if command -v groff >/dev/null 2>&1; then
    for m in nsearch nsearch-index; do
        page="$TOP/doc/$m.1"
        out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
        expect_none "man page $m.1 renders without warnings" "$out" test -s "$page"
        groff -man -Tascii -P-c -P-b -P-u "$page" 2>/dev/null >"$T/man"
        missing=""
        prog=$NSEARCH
        [ "$m" = nsearch-index ] && prog=$NSEARCH_INDEX
        for o in $("$prog" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
            grep -q -- "$o" "$T/man" || missing="$missing $o"
        done
        expect_none "man page $m.1 documents every option of --help" "$missing" sh -c "'$prog' --help | grep -q -- --help"
    done
    groff -man -Tascii -P-c -P-b -P-u "$TOP/doc/nsearch.1" 2>/dev/null >"$T/man"
    missing=""
    for f in type version rank path line column id title date source url score article_score \
        article_rank text spans start end explain query parsed matches total articles \
        articles_estimated partial elapsed_ms index warnings error kind message limit offset \
        per_article sort any; do
        grep -q "\"$f\"" "$T/man" || missing="$missing $f"
    done
    expect_none "nsearch.1 documents every JSON field" "$missing" test -s "$T/man"
else
    for m in nsearch nsearch-index; do
        skip "man page $m.1 renders without warnings" "groff is not installed"
        skip "man page $m.1 documents every option of --help" "groff is not installed"
    done
fi

# ---- shell completions ---------------------------------------------------------------
if command -v bash >/dev/null 2>&1; then
    check "bash completion parses" bash -n "$TOP/completions/nsearch.bash"
    check "bash completion (nsearch-index) parses" bash -n "$TOP/completions/nsearch-index.bash"
    got=$(bash -c '. "$1"; COMP_WORDS=(nsearch --vim); COMP_CWORD=1; _nsearch; printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/completions/nsearch.bash")
    expect "bash completion completes --vim" "--vimgrep" "$got"
    got=$(bash -c '. "$1"; COMP_WORDS=(nsearch --sort ""); COMP_CWORD=2; _nsearch; printf "%s " "${COMPREPLY[@]}"' _ "$TOP/completions/nsearch.bash")
    expect "bash completion completes --sort values" "relevance date " "$got"
    got=$(bash -c '. "$1"; COMP_WORDS=(nsearch-index --re); COMP_CWORD=1; _nsearch_index; printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/completions/nsearch-index.bash")
    expect "bash completion completes nsearch-index --re" "--rebuild" "$got"
else
    skip "bash completion" "bash is not installed"
fi
if command -v zsh >/dev/null 2>&1; then
    check "zsh completion parses" zsh -n "$TOP/completions/_nsearch"
    check "zsh completion (nsearch-index) parses" zsh -n "$TOP/completions/_nsearch-index"
else
    skip "zsh completion parses" "zsh is not installed"
fi
