# config.sh: the configuration file as the README shows it (issue 13): the
# README's own example block, taken from README.md here so the two can't
# drift, is read without a warning and every line of it takes effect;
# inline comments (a # after whitespace) on every key; a # inside a value
# or a quoted value is kept.
. "$TOP/tests/e2e/lib.sh"

H="$T/home"
mkdir -p "$H/.config/nsearch" "$H/news"

# The fenced block right after the README's "### Configuration" heading.
awk '/^### Configuration/ {s = 1} s && /^```/ {if (f) exit; f = 1; next} f' \
    "$TOP/README.md" >"$H/.config/nsearch/config"
expect "README: the example block was found (6 settings)" 6 "$(grep -c '=' "$H/.config/nsearch/config")"
expect "README: the example has inline comments" 1 "$([ "$(grep -c ' # ' "$H/.config/nsearch/config")" -ge 1 ] && echo 1)"
db=$(sed -n 's/^db *= *\([^ #]*\).*/\1/p' "$H/.config/nsearch/config")
case "$db" in "~/"*) db="$H/${db#\~/}" ;; esac
build_index "index the sample corpus" "$db" "$TOP/corpus"

cd "$T" || exit 2

# shape WORD FILE: what a text answer for WORD looks like: its passages, its
# headings, and how many passages lack WORD (a broken program's answer, or
# one for another query, is told apart by all three).
shape() {
    echo "$(grep -c '^[0-9]*: ' "$2") passages, $(grep -c '^[^ ]*/[^ ]*\.[a-z]*$' "$2") headings, $(grep '^[0-9]*: ' "$2" | grep -vic "$1") without $1"
}
readme_shape="20 passages, 20 headings, 0 without said"
cfgrun "$NSEARCH" said >"$T/out" 2>"$T/err"
expect "README example: exit 0" "0: $readme_shape" "$?: $(shape said "$T/out")"
expect_none "README example: no warning about any line" "$(cat "$T/err")" \
    test "$(shape said "$T/out")" = "$readme_shape"
# The same search with the example's settings given as flags: limit = 20,
# per-article = 1, sort = date, color = auto (no colour into a pipe),
# heading = true.
cfgrun "$NSEARCH" --db "$db" -n 20 --per-article 1 --sort=date --color=auto --heading said >"$T/want"
expect "README example: every setting used (output as with the flags)" "$(cat "$T/want"; echo "$readme_shape")" \
    "$(cat "$T/out"; shape said "$T/out")"
expect "README example: limit = 20 (20 passages under headings)" "$readme_shape" "$(shape said "$T/out")"
expect "README example: per-article = 1 (20 headings)" "$readme_shape" "$(shape said "$T/out")"
# sort = date: the dates under the headings, newest first.
dates=$(sed -n 's/.* · \([0-9-]*\) · .*/\1/p' "$T/out")
expect "README example: sort = date (20 dates, newest first)" "20 $(echo "$dates" | sort -r | tr '\n' ' ')$readme_shape" \
    "$(echo "$dates" | grep -c .) $(echo "$dates" | tr '\n' ' ')$(shape said "$T/out")"
cfgrun "$NSEARCH" --sort=relevance said >"$T/rel"
expect "README example: sort = date differs from relevance here" "1, $readme_shape" \
    "$([ "$(cat "$T/rel")" != "$(cat "$T/out")" ] && [ "$(shape said "$T/rel")" = "$readme_shape" ] && echo 1), $(shape said "$T/out")"
expect "README example: color = auto (no colour into a pipe)" "0, $readme_shape" \
    "$(grep -c "$(printf '\033')" "$T/out"), $(shape said "$T/out")"

# Inline comments after every key; # inside a value stays.
cat >"$H/.config/nsearch/config" <<CFG
db = $db    # the index
limit = 3	# a tab before the comment
per-article = 2 #
sort = relevance   # relevance | date
color = never # auto | always | never
heading = true # false = --no-heading
CFG
cfgrun "$NSEARCH" meeting >"$T/out" 2>"$T/err"
expect_none "inline comments on every key: no warning" "$(cat "$T/err")" \
    test "$(grep '^[0-9]*: ' "$T/out" | grep -ic meeting)" = 3
expect "inline comments on every key: the values are used (3 passages, headings)" 3 \
    "$(grep '^[0-9]*: ' "$T/out" | grep -ic meeting)"
# summary JSON: a --json answer's passages and what its summary says of
# the query and the index (a broken program, or an answer to another query,
# says otherwise).
# summary CMD...: run CMD, a --json search (its stderr in $T/err), and print
# "MATCHES QUERY INDEX" from its summary, or "BROKEN answer" when the answer
# is not whole (no summary last, or one that miscounts the matches).
summary() {
    "$@" >"$T/sj" 2>"$T/err"
    jq -r -s 'if length > 0 and last.type == "summary" and last.matches == (map(select(.type == "match")) | length)
        then "\(last.matches) \(last.query) \(last.index)" else "BROKEN answer" end' "$T/sj" 2>/dev/null || echo "BROKEN answer"
}
mkdir -p "$T/we#ird"
cp -r "$db" "$T/we#ird/idx"
printf 'db = %s\nlimit = 1\n' "$T/we#ird/idx" >"$H/.config/nsearch/config"
expect "a # not after whitespace is part of the value" "1 meeting $T/we#ird/idx|" \
    "$(summary cfgrun "$NSEARCH" --json meeting)|$(cat "$T/err")"
printf 'db = "%s" # quoted\nlimit = 1\n' "$T/we #ird/idx" >"$H/.config/nsearch/config"
mkdir -p "$T/we #ird" && cp -r "$db" "$T/we #ird/idx"
expect "a quoted value keeps ' #', and a comment may follow it" "1 meeting $T/we #ird/idx|" \
    "$(summary cfgrun "$NSEARCH" --json meeting)|$(cat "$T/err")"
printf 'limit = 5 # comment\nlimit = 2x # comment\n' >"$H/.config/nsearch/config"
expect "a bad value is still named without its comment (and the search runs, limit 5)" \
    "nsearch: $H/.config/nsearch/config:2: limit: not a count from 1: 2x|5 meeting $db" \
    "$(summary cfgrun "$NSEARCH" --db "$db" --json meeting >"$T/out"; printf '%s|%s' "$(cat "$T/err")" "$(cat "$T/out")")"
