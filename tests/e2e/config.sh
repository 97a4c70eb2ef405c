# config.sh: the configuration file as the README shows it (issue 13): the
# README's own example block, taken from README.md here so the two can't
# drift, is read without a warning and every line of it takes effect;
# inline comments (a # after whitespace) on every key; a # inside a value
# or a quoted value is kept.
. "$TOP/tests/e2e/lib.sh"

H="$T/home"
mkdir -p "$H/.config/nsearch" "$H/news"
cfgrun() { env -u NSEARCH_CONFIG -u XDG_CONFIG_HOME -u NSEARCH_DB -u NO_COLOR HOME="$H" "$@"; }

# The fenced block right after the README's "### Configuration" heading.
awk '/^### Configuration/ {s = 1} s && /^```/ {if (f) exit; f = 1; next} f' \
    "$TOP/README.md" >"$H/.config/nsearch/config"
expect "README: the example block was found (6 settings)" 6 "$(grep -c '=' "$H/.config/nsearch/config")"
expect "README: the example has inline comments" 1 "$([ "$(grep -c ' # ' "$H/.config/nsearch/config")" -ge 1 ] && echo 1)"
db=$(sed -n 's/^db *= *\([^ #]*\).*/\1/p' "$H/.config/nsearch/config")
case "$db" in "~/"*) db="$H/${db#\~/}" ;; esac
"$NSEARCH_INDEX" --db "$db" "$TOP/corpus" 2>"$T/err" || { not_ok "index the sample corpus"; cat "$T/err"; }

cd "$T" || exit 2
cfgrun "$NSEARCH" said >"$T/out" 2>"$T/err"
expect "README example: exit 0" 0 "$?"
expect_none "README example: no warning about any line" "$(cat "$T/err")" test -s "$T/out"
# The same search with the example's settings given as flags: limit = 20,
# per-article = 1, sort = date, color = auto (no colour into a pipe),
# heading = true.
cfgrun "$NSEARCH" --db "$db" -n 20 --per-article 1 --sort=date --color=auto --heading said >"$T/want"
expect "README example: every setting used (output as with the flags)" "$(cat "$T/want")" "$(cat "$T/out")"
expect "README example: limit = 20 (20 passages under headings)" 20 "$(grep -c '^[0-9]*: ' "$T/out")"
expect "README example: per-article = 1 (20 headings)" 20 "$(grep -c '^/' "$T/out")"
expect "README example: sort = date differs from relevance here" 1 \
    "$([ "$(cfgrun "$NSEARCH" --sort=relevance said)" != "$(cat "$T/out")" ] && echo 1)"
expect "README example: color = auto (no colour into a pipe)" 0 "$(grep -c "$(printf '\033')" "$T/out")"

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
expect_none "inline comments on every key: no warning" "$(cat "$T/err")" test -s "$T/out"
expect "inline comments on every key: the values are used (3 passages, headings)" 3 "$(grep -c '^[0-9]*: ' "$T/out")"
mkdir -p "$T/we#ird"
cp -r "$db" "$T/we#ird/idx"
printf 'db = %s\nlimit = 1\n' "$T/we#ird/idx" >"$H/.config/nsearch/config"
expect "a # not after whitespace is part of the value" "0 1" "$(cfgrun "$NSEARCH" --vimgrep meeting 2>"$T/err" | wc -l | tr -d ' ' | sed 's/^/0 /'; cat "$T/err")"
printf 'db = "%s" # quoted\nlimit = 1\n' "$T/we #ird/idx" >"$H/.config/nsearch/config"
mkdir -p "$T/we #ird" && cp -r "$db" "$T/we #ird/idx"
expect "a quoted value keeps ' #', and a comment may follow it" "1" "$(cfgrun "$NSEARCH" --vimgrep meeting 2>"$T/err" | wc -l | tr -d ' ')$(cat "$T/err")"
printf 'limit = 5 # comment\nlimit = 2x # comment\n' >"$H/.config/nsearch/config"
expect "a bad value is still named without its comment" "nsearch: $H/.config/nsearch/config:2: limit: not a count from 1: 2x" \
    "$(cfgrun "$NSEARCH" --db "$db" meeting 2>&1 >/dev/null)"
