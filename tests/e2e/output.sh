# output.sh: the output contract of nsearch (doc/nsearch.1): --json checked
# by a real JSON parser whatever bytes the corpus holds, --vimgrep and
# --no-heading shapes with exact positions, --files, --count, paging, exit
# codes, colour, closed pipes, --help/--version, the configuration file and
# its precedence, the man pages and the shell completions.
. "$TOP/tests/e2e/lib.sh"
export NSEARCH_CONFIG= # no user configuration here (tested below)

C="$T/corpus"
mkdir -p "$C/sub"
cat >"$C/talks.txt" <<'TXT'
Envoys prepare talks on a peace framework
Date: 2025-12-06
Source: Test Wire

Negotiators met for a second day and discussed security guarantees for the region.

The delegation said the meeting with Umerov was constructive and would resume on Saturday.

Umerov’s team — led by Rustem Umerov — said the meeting had gone well.
TXT
cat >"$C/sub/rates.txt" <<'TXT'
Central bank holds rates as inflation cools
Date: 2025-11-20
Source: Capital Ledger

The central bank kept its meeting short and held rates at four percent.

Economists had expected the meeting to end with a cut in rates.

A later meeting in January could bring the first cut of the year.
TXT
# Invalid UTF-8 (a lone continuation byte, an overlong form, a UTF-16
# surrogate, a truncated sequence), control characters, tabs and a CR.
printf 'Bad bytes \377\376 in a headline\nDate: 2025-12-01\nSource: Noisy\001Wire\n\nThe zebra \001\033[31m crossed\tthe road \303\050 with \355\240\200 surrogates and zebra \300\257 again\342\202.\r\n\nA second zebra line\177 here \033]0;title\007 with an escape.\n' >"$C/bad.txt"
# JSON Lines with escapes: control characters, newlines inside a
# paragraph, a NUL, quotes and backslashes.
printf '%s\n' '{"id":"j1","title":"Tab\ttitle \u001b[1m \"quoted\" back\\slash","date":"2025-12-02","source":"Feed\u0007","body":"First zebra line\nsecond zebra line\n\nAnother \u0000 para with zebra\u000b and a \"quote\""}' >"$C/feed.jsonl"
# A file name that is not UTF-8.
printf 'Odd name\n\nzebra in a file whose name is not UTF-8.\n' >"$C/odd-$(printf '\377').txt"

DB="$T/idx"
"$NSEARCH_INDEX" --db "$DB" "$C" 2>"$T/err"
rc=$?
if [ "$rc" -le 1 ]; then ok "index the test corpus (exit $rc)"; else not_ok "index the test corpus (exit $rc)"; cat "$T/err"; fi
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
for q in zebra 'zebra OR umerov OR meeting OR rates' 'title:bad' xylophone; do
    search "$DB" --json -n 100 "$q" >"$T/j"
    check "--json: every line is valid JSON ($q)" json_lines_ok "$T/j"
done
search "$DB" --json -n 100 zebra >"$T/j"
expect "--json: matches then one summary, last" "match match match match match summary" \
    "$(jq -r .type "$T/j" | tr '\n' ' ' | sed 's/ $//')"
check "--json: invalid bytes arrive as U+FFFD" jq -e -s 'map(select(.type=="match") | .text + .title) | join("") | contains("\ufffd")' "$T/j"
check "--json: no raw control characters left in strings" \
    jq -e -s '[.[] | select(.type=="match") | .text, .title, .source | explode[] | select(. < 32 or . == 127)] | length == 0' "$T/j"
check "--json: a file name that is not UTF-8 is still JSON" jq -e -s 'any(.[]; .type=="match" and (.path | startswith("corpus/odd-")))' "$T/j"

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
search "$DB" --json -n 100 'zebra OR umerov OR meeting OR rates' >"$T/j"
check "--json: match objects follow the schema" jq -e -s "map(select(.type==\"match\") | ($schema_match)) | all and length > 5" "$T/j"
check "--json: the summary follows the schema" jq -e -s "last | $schema_summary" "$T/j"
expect "--json: ranks count from 1" "1 2 3" "$(jq -r 'select(.type=="match") | .rank' "$T/j" | head -n 3 | tr '\n' ' ' | sed 's/ $//')"
check "--json: undated article has date null" jq -e -s 'any(.[]; .type=="match" and .date == null)' "$T/j"
expect "--json: summary index names the index" "$DB" "$(tail -n 1 "$T/j" | jq -r .index)"

# Spans are byte offsets into the text: cut the bytes out and compare.
search "$DB" --json -n 100 'Umerov OR zebra OR crossed' >"$T/j"
bad=0
jq -r 'select(.type=="match") | .spans[] as $s | "\(.rank) \($s.start) \($s.end)"' "$T/j" >"$T/spans"
while read -r rank start end; do
    jq -j "select(.type==\"match\" and .rank==$rank) | .text" "$T/j" >"$T/text"
    word=$(head -c "$end" "$T/text" | tail -c "$((end - start))")
    case "$word" in Umerov | Umerov’s | zebra | crossed) ;; *) bad=$((bad + 1)); echo "    rank $rank [$start,$end) = '$word'" ;; esac
done <"$T/spans"
expect "--json: every span covers its match, in bytes" 0 "$bad"
expect "--json: spans were checked" 1 "$([ "$(wc -l <"$T/spans")" -ge 6 ] && echo 1)"

# ---- --vimgrep ---------------------------------------------------------
search "$DB" --vimgrep -n 100 'zebra OR umerov OR meeting OR rates' >"$T/v"
search "$DB" --json -n 100 'zebra OR umerov OR meeting OR rates' >"$T/j"
expect "--vimgrep: one line per passage" "$(jq -s 'map(select(.type=="match")) | length' "$T/j")" "$(wc -l <"$T/v" | tr -d ' ')"
expect "--vimgrep: every line is path:line:column:text" 0 "$(LC_ALL=C grep -avc '^[^:]*:[1-9][0-9]*:[1-9][0-9]*:' "$T/v")"
expect "--vimgrep: no control characters in the text" 0 "$(LC_ALL=C grep -ac "$ctrl" "$T/v")"
# Exact positions: the byte at LINE:COLUMN of the file starts the match.
search "$DB" --vimgrep -n 100 'Umerov OR meeting OR rates OR guarantees' >"$T/v"
bad=0 n=0
while IFS=: read -r path line col text; do
    n=$((n + 1))
    rest=$(sed -n "${line}p" "$path" | cut -b "$col-")
    case "$rest" in Umerov* | meeting* | rates* | guarantees*) ;; *) bad=$((bad + 1)); echo "    $path:$line:$col -> '$rest'" ;; esac
done <"$T/v"
expect "--vimgrep: LINE:COLUMN points at the first match in the file" 0 "$bad"
expect "--vimgrep: positions were checked" 1 "$([ "$n" -ge 4 ] && echo 1)"
got=$(search "$DB" --vimgrep Rustem | cut -d: -f1-3)
expect "--vimgrep: byte column after multi-byte characters" "corpus/talks.txt:9:28" "$got"
got=$(search "$DB" --vimgrep -n 100 zebra | grep -c feed.jsonl)
expect "--vimgrep: a passage with line breaks stays one line" 2 "$got"

# ---- --no-heading and the default text ---------------------------------
search "$DB" --no-heading -n 100 'zebra OR umerov OR meeting OR rates' >"$T/h"
expect "--no-heading: every line is path:line:text (ripgrep's shape)" 0 "$(LC_ALL=C grep -avc '^[^:]*:[1-9][0-9]*:[^ ]' "$T/h")"
expect "--no-heading: one line per passage" "$(jq -s 'map(select(.type=="match")) | length' "$T/j")" "$(wc -l <"$T/h" | tr -d ' ')"
search "$DB" Umerov >"$T/t"
expect "text: heading with path, then title · date · source" \
    "corpus/talks.txt|Envoys prepare talks on a peace framework · 2025-12-06 · Test Wire" \
    "$(head -n 2 "$T/t" | tr '\n' '|' | sed 's/|$//')"
expect "text: passages under the heading as LINE: text" 2 "$(grep -c '^[0-9]*: ' "$T/t")"
expect "text: no control characters from the corpus" 0 "$(search "$DB" -n 100 zebra | LC_ALL=C grep -ac "$ctrl")"
expect "--no-heading: no control characters from the corpus" 0 "$(search "$DB" --no-heading -n 100 zebra | LC_ALL=C grep -ac "$ctrl")"

# ---- --files, --count, paging ------------------------------------------
q='meeting OR rates OR Umerov OR crossed'
search "$DB" --files "$q" >"$T/f"
expect "--files: each path once" "$(sort -u "$T/f" | wc -l | tr -d ' ')" "$(wc -l <"$T/f" | tr -d ' ')"
expect "--files: all matching files, in rank order" \
    "$(search "$DB" --json -n 1000 --per-article 1000 "$q" | jq -r 'select(.type=="match") | .path' | awk '!seen[$0]++')" \
    "$(cat "$T/f")"
expect "-l is --files" "$(cat "$T/f")" "$(search "$DB" -l "$q")"
expect "--files -n 1 --offset 1: the second file" "$(sed -n 2p "$T/f")" "$(search "$DB" --files -n 1 --offset 1 "$q")"
total=$(search "$DB" --json -n 1000 --per-article 1000 "$q" | jq -s 'map(select(.type == "match")) | length')
[ "$total" -gt 2 ] || not_ok "--count: the query lists passages ($total)"
expect "--count: every matching passage" "$total" "$(search "$DB" --count --per-article 1000 "$q")"
listed=$(search "$DB" --json -n 1000 "$q" | jq -s 'map(select(.type == "match")) | length')
expect "-c is --count, per-article as listed" "$listed" "$(search "$DB" -c "$q")"
search "$DB" --vimgrep -n 1000 "$q" >"$T/all"
: >"$T/paged"
off=0
while [ "$off" -lt 20 ]; do
    search "$DB" --vimgrep -n 3 --offset "$off" "$q" >>"$T/paged"
    off=$((off + 3))
done
expect "-n/--offset: pages put together give the full list" "$(cat "$T/all")" "$(cat "$T/paged")"
expect "the last format option wins" "$(search "$DB" --no-heading "$q")" "$(search "$DB" --json --no-heading "$q")"
expect "-n limits the passages" 2 "$(search "$DB" --vimgrep -n 2 "$q" | wc -l | tr -d ' ')"
expect "--json --offset: ranks continue" 4 "$(search "$DB" --json -n 1 --offset 3 "$q" | head -n 1 | jq .rank)"
expect "--offset past the end: nothing, exit 0 (there are matches)" "0:" \
    "$(out=$(search "$DB" --vimgrep --offset 500 "$q"); echo "$?:$out")"

# ---- exit codes ----------------------------------------------------------
for f in "" --json --vimgrep --no-heading --files --count; do
    expect "exit 0 on a match ${f:-(text)}" 0 "$(status search "$DB" $f zebra)"
    expect "exit 1 on no match ${f:-(text)}" 1 "$(status search "$DB" $f xylophone)"
done
expect "--json on no match still prints the summary" "summary 0" "$(search "$DB" --json xylophone | jq -r '"\(.type) \(.total)"')"
expect "--count on no match prints 0" 0 "$(search "$DB" --count xylophone)"
expect "exit 2: unknown option" 2 "$(status search "$DB" --frobnicate zebra)"
expect "exit 2: no query" 2 "$(status search "$DB")"
expect "exit 2: bad --limit" 2 "$(status search "$DB" -n x zebra)"
expect "exit 2: --limit 0" 2 "$(status search "$DB" -n 0 zebra)"
expect "exit 2: bad --sort" 2 "$(status search "$DB" --sort=size zebra)"
expect "exit 2: bad --color" 2 "$(status search "$DB" --color=sometimes zebra)"
expect "exit 2: missing index" 2 "$(status search "$T/none" zebra)"
expect "exit 2: malformed query" 2 "$(status search "$DB" '(( OR')"
search "$DB" '(( OR' 2>"$T/err"
check "a malformed query names its column once" grep -q '^nsearch: query:[0-9]*: [a-z]' "$T/err"
check "…without repeating it in the message" sh -c "! grep -q 'query:[0-9]*: column' '$T/err'"

# A closed pipe ends quietly with 0, whatever the format.
big='meeting OR zebra OR rates OR umerov OR bank OR the'
for f in "" --json --vimgrep --no-heading --files; do
    : >"$T/rc"
    { search "$DB" $f -n 1000 --per-article 1000 "$big" 2>"$T/err"; echo $? >"$T/rc"; } | head -n 1 >/dev/null
    expect "| head -1: exit 0 ${f:-(text)}" "0:" "$(cat "$T/rc"):$(cat "$T/err")"
done

# ---- colour ----------------------------------------------------------------
esc=$(printf '\033')
has_esc() { grep -q "$esc"; }
if search "$DB" --color=always Umerov | has_esc; then ok "--color=always colours"; else not_ok "--color=always colours"; fi
if search "$DB" --color=never Umerov | has_esc; then not_ok "--color=never: plain"; else ok "--color=never: plain"; fi
if search "$DB" Umerov | has_esc; then not_ok "auto: plain into a pipe"; else ok "auto: plain into a pipe"; fi
for f in --json --vimgrep --files --count; do
    if search "$DB" --color=always $f Umerov | has_esc; then not_ok "$f is never coloured"; else ok "$f is never coloured"; fi
done
# On a terminal (script(1) gives one): colour unless NO_COLOR or TERM=dumb.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1 </dev/null; then
    tty_run() { script -qec "$*" /dev/null </dev/null; }
    cmd="'$NSEARCH' --db '$DB' Umerov"
    if TERM=xterm tty_run "$cmd" | has_esc; then ok "auto: colour on a terminal"; else not_ok "auto: colour on a terminal"; fi
    if TERM=xterm NO_COLOR=1 tty_run "$cmd" | has_esc; then not_ok "NO_COLOR: plain on a terminal"; else ok "NO_COLOR: plain on a terminal"; fi
    if TERM=xterm NO_COLOR=1 tty_run "$cmd --color=always" | has_esc; then ok "--color=always wins over NO_COLOR"; else not_ok "--color=always wins over NO_COLOR"; fi
    if TERM=dumb tty_run "$cmd" | has_esc; then not_ok "TERM=dumb: plain"; else ok "TERM=dumb: plain"; fi
else
    for d in "auto: colour on a terminal" "NO_COLOR: plain on a terminal" "--color=always wins over NO_COLOR" "TERM=dumb: plain"; do
        skip "$d" "script(1) can't open a terminal here"
    done
fi

# ---- --help, --version -----------------------------------------------------
for p in "$NSEARCH" "$NSEARCH_INDEX"; do
    n=$(basename "$p")
    "$p" --help >"$T/out" 2>&1
    expect "$n --help exits 0" 0 $?
    check "$n --help shows usage" grep -q "^usage: $n " "$T/out"
    "$p" --version >"$T/out" 2>&1
    expect "$n --version exits 0" 0 $?
    check "$n --version names program and version" grep -q "^$n [0-9][0-9.]*" "$T/out"
    expect "$n -h is --help" "$("$p" --help)" "$("$p" -h)"
done

# ---- configuration file -------------------------------------------------------
# Precedence: flags > environment > configuration file > built-in defaults.
H="$T/home"
mkdir -p "$H/.config/nsearch" "$T/xdg/nsearch"
other="$T/idx2"
"$NSEARCH_INDEX" --db "$other" "$C/sub" 2>/dev/null
cfgrun() { env -u NSEARCH_CONFIG -u XDG_CONFIG_HOME HOME="$H" "$@"; }
cat >"$H/.config/nsearch/config" <<EOF
# nsearch configuration for the tests
db = $DB
limit = 1
per-article = 1
EOF
expect "config: db and limit from ~/.config/nsearch/config" 1 "$(cfgrun "$NSEARCH" --vimgrep meeting | wc -l | tr -d ' ')"
expect "config: a flag beats the file" 2 "$(cfgrun "$NSEARCH" --vimgrep -n 2 meeting | wc -l | tr -d ' ')"
expect "config: NSEARCH_DB beats the file's db" "corpus/sub/rates.txt" "$(cfgrun env NSEARCH_DB="$other" "$NSEARCH" --files -n 5 'meeting OR zebra')"
expect "config: --db beats NSEARCH_DB" "corpus/sub/rates.txt" "$(cfgrun env NSEARCH_DB="$DB" "$NSEARCH" --db "$other" --files 'meeting OR zebra')"
expect "config: XDG_CONFIG_HOME is read first" 2 \
    "$(printf 'db = %s\nlimit = 2\n' "$DB" >"$T/xdg/nsearch/config"; cfgrun env XDG_CONFIG_HOME="$T/xdg" "$NSEARCH" --vimgrep meeting | wc -l | tr -d ' ')"
expect "config: NSEARCH_CONFIG names the file" 2 "$(cfgrun env NSEARCH_CONFIG="$T/xdg/nsearch/config" "$NSEARCH" --vimgrep meeting | wc -l | tr -d ' ')"
expect "config: NSEARCH_CONFIG= reads none (default limit)" 1 \
    "$([ "$(cfgrun env NSEARCH_CONFIG= "$NSEARCH" --db "$DB" --vimgrep meeting | wc -l)" -gt 2 ] && echo 1)"
printf 'db = %s\nheading = false\ncolor = always\nsort = date\n' "$DB" >"$H/.config/nsearch/config"
expect "config: heading = false is --no-heading" "corpus/talks.txt:9:U" "$(cfgrun "$NSEARCH" --color=never Umerov | head -n 1 | cut -c1-20)"
expect "config: --heading wins" "corpus/talks.txt" "$(cfgrun "$NSEARCH" --heading --color=never Umerov | head -n 1)"
if cfgrun "$NSEARCH" Umerov | has_esc; then ok "config: color = always"; else not_ok "config: color = always"; fi
if cfgrun env NO_COLOR=1 "$NSEARCH" Umerov | has_esc; then not_ok "config: NO_COLOR beats the file"; else ok "config: NO_COLOR beats the file"; fi
expect "config: sort = date (newest first)" "corpus/talks.txt corpus/sub/rates.txt" \
    "$(cfgrun "$NSEARCH" --files meeting | tr '\n' ' ' | sed 's/ $//')"
printf 'db = %s\nlimit = 1\nthis is not a setting\ncolour = purple\nlimit = -3\nfrobs = 2\n' "$DB" >"$H/.config/nsearch/config"
cfgrun "$NSEARCH" --vimgrep meeting >"$T/out" 2>"$T/err"
expect "config: bad lines don't stop the search" "0 1" "$? $(wc -l <"$T/out" | tr -d ' ')"
expect "config: each bad line is a warning naming FILE:LINE" \
    "nsearch: $H/.config/nsearch/config:3:|nsearch: $H/.config/nsearch/config:4:|nsearch: $H/.config/nsearch/config:5:|nsearch: $H/.config/nsearch/config:6:" \
    "$(cut -d' ' -f1-2 "$T/err" | tr '\n' '|' | sed 's/|$//')"
expect "config: a missing file is no configuration" 0 "$(rm -f "$H/.config/nsearch/config"; cfgrun "$NSEARCH" --db "$DB" zebra 2>&1 >/dev/null | wc -l | tr -d ' ')"

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
