# query.sh: the query language end to end over the sample corpus: booleans,
# NEAR distances, fields, dates, lenient and refused malformed queries,
# --explain, --sort=date, --per-article, paging.
. "$TOP/tests/e2e/lib.sh"
DB="$T/idx"
build_index "index the sample corpus" "$DB" "$TOP/corpus"
# files QUERY: the matching files, best first (a whole --json answer, else
# a "BROKEN answer" line and status 1). has wants FILE among a few (not
# half the corpus), lacks wants an answer without it (or exit 1).
files() {
    answer "$DB" -n 100 --per-article 1 "$@" >"$T/files" || { cat "$T/files"; return 1; }
    sed 's|.*/||' "$T/files"
}
has() {
    got=$(files "$2") && echo "$got" | grep -qx "$3" && [ "$(echo "$got" | wc -l)" -le 20 ] && ok "$1" ||
        { not_ok "$1"; echo "$got" | sed 's/^/    /'; }
}
lacks() {
    got=$(files "$2") && ! echo "$got" | grep -qx "$3" && ok "$1" || { not_ok "$1"; echo "$got" | sed 's/^/    /'; }
}

# Booleans.
has "OR finds either word" "xylophone OR Hnatov" 2025-12-09-hnatov-military-chief-talks.txt
lacks "-word excludes" "Umerov -Hnatov" 2025-12-09-hnatov-military-chief-talks.txt
has "-word keeps the others" "Umerov -Hnatov" 2025-12-31-witkoff-call-european-leaders.txt
expect "NOT and - agree" "$(files 'Umerov -Hnatov')" "$(files 'Umerov NOT Hnatov')"
none "every Witkoff article names Kushner" "$DB" 'Witkoff -Kushner'

# NEAR/n: "Umerov, Ukraine’s chief negotiator, said he was organising a
# meeting": the two words are 9 positions apart.
has "NEAR/9 holds words 9 apart" "Umerov NEAR/9 meeting" 2025-12-31-witkoff-call-european-leaders.txt
lacks "NEAR/8 does not" "Umerov NEAR/8 meeting" 2025-12-31-witkoff-call-european-leaders.txt
# A phrase with an all-capitals word (whose abbreviation forms are
# alternatives at its position; libxapian refused such phrases when it
# checked them): "(CLB) Rustem Umerov has become ...".
has "a phrase with an abbreviation" '"CLB Rustem Umerov"' 2025-12-10-rustem-umerov-profile.txt
# NEAR over a phrase, counted in other words between the sides: the title
# "Zelenskyy asks Trump for security guarantees ..." has 3.
has "NEAR/4 over a phrase" '"security guarantees" NEAR/4 Zelenskyy' 2025-12-29-zelenskyy-50-year-guarantees.txt
lacks "NEAR/3 over a phrase" '"security guarantees" NEAR/3 Zelenskyy' 2025-12-29-zelenskyy-50-year-guarantees.txt
search "$DB" '"security guarantees" NEAR/5 Zelenskyy' >"$T/out" 2>"$T/err"
expect_none "NEAR over a phrase answers without a warning" "$(cat "$T/err")" \
    test "$(files '"security guarantees" NEAR/5 Zelenskyy')" = 2025-12-29-zelenskyy-50-year-guarantees.txt

# Fields and dates.
expect "title: matches titles only" "2025-12-19-europe-deterrent-after-ceasefire.txt" "$(files title:ceasefire)"
has "source: filters by source" "source:NWA rates" 2025-10-29-fed-cuts-interest-rates.txt
lacks "source: excludes other sources" "source:NWA rates" 2025-10-30-ecb-holds-deposit-rate.txt
expect "date range" "$(printf '%s\n' 2025-12-10-rustem-umerov-profile.txt 2025-12-06-miami-security-framework.txt 2025-12-09-hnatov-military-chief-talks.txt 2025-12-07-ukraine-talks-third-day.txt | sort)" "$(files 'date:2025-12-01..2025-12-10 Umerov' | sort)"
expect "open date range" "2024-11-08-hillside-ward-by-election.txt" "$(files 'date:..2025-01-01 election')"
has "date:YYYY-MM" "date:2025-10 flood" 2025-10-09-farmers-flood-damaged-fields.txt
lacks "date:YYYY-MM excludes other months" "date:2025-10 flood" 2025-12-11-storm-snow-flood-warnings.txt
none "since: counts back from now" "$DB" 'since:1d storm'

# Malformed queries: lenient with a warning at the column, or refused.
search "$DB" '"security guarantees' >/dev/null 2>"$T/err"
expect "unclosed quote is read leniently" "2025-12-11-kushner-witkoff-envoy-team.txt 2025-12-26-28-point-plan-to-20-points.txt 2025-12-28-trump-zelenskyy-florida.txt 2025-12-29-zelenskyy-50-year-guarantees.txt 2025-12-30-explainer-security-guarantee.txt 2025-12-31-timeline-ukraine-peace-push.txt 2025-12-31-witkoff-call-european-leaders.txt" \
    "$(files '"security guarantees' | sort | tr '\n' ' ' | sed 's/ $//')"
check "with a warning at its column" grep -q "query:1: unclosed quote" "$T/err"
search "$DB" 'Umerov)' >/dev/null 2>"$T/err"
check "stray ) warns at column 7" grep -q "query:7:" "$T/err"
expect_exit "NEAR without an operand is refused" 2 "^nsearch: query:[0-9]*: " search "$DB" 'Umerov NEAR'
search "$DB" 'date:2025-13 storm' >"$T/out" 2>"$T/err"
expect "a bad date is refused" "2 0 1" "$? $(wc -c <"$T/out" | tr -d ' ') $(grep -c '^nsearch: query:' "$T/err")"
check "pointing at the date's column" grep -q "query:6:" "$T/err"
long=$(awk 'BEGIN { for (i = 0; i < 80; i++) printf "w%d ", i }')
search "$DB" "$long" >"$T/out" 2>"$T/err"
expect "too many terms is refused" "2 0 1" "$? $(wc -c <"$T/out" | tr -d ' ') $(grep -c '^nsearch: query:' "$T/err")"
check "naming the limit" grep -q "64" "$T/err"
# The limits in words (doc/query-syntax.md, Limits), no internal names. The
# 65th word, w64, is at byte 30 + 54 * 4 + 1 = 247 (w0..w9 take 3 bytes each).
expect "too many terms: said in words" "nsearch: query:247: too many terms: a query may have at most 64 words, phrases, wildcards and dates" \
    "$(head -n 1 "$T/err")"
search "$DB" "$(printf 'x%.0s' $(seq 5000))" >/dev/null 2>"$T/err"
expect "a 5000-byte query: said in words" "nsearch: query:4097: the query is 5000 bytes long; the limit is 4096 bytes" \
    "$(head -n 1 "$T/err")"
search "$DB" "$(printf '(%.0s' $(seq 33))a" >/dev/null 2>"$T/err"
expect "33 nested parentheses: said in words" "nsearch: query:33: parentheses nested more than 32 deep" \
    "$(head -n 1 "$T/err")"
# since:/until: take one date; a range of times back from now is refused
# with advice that works: the advised query is read (exit 0 or 1, not 2).
for q in since:7d.. until:..3d since:7d..1d until:2025-12..2026 date:7d.. date:..3d date:7d..1d; do
    search "$DB" --count "$q" >/dev/null 2>"$T/err"
    rc=$?
    advice=$(sed -n '1s/.* write \(.*\)$/\1/p' "$T/err")
    search "$DB" --count $advice >/dev/null 2>"$T/err2"
    expect "$q: refused, with advice ($advice) that is read" "2 yes ok" \
        "$rc $([ -n "$advice" ] && echo yes) $([ $? -le 1 ] && [ ! -s "$T/err2" ] && echo ok)"
done

# --explain shows the parsed query and score parts.
search "$DB" --explain -n 1 "Umerov meeting" >"$T/out"
check "--explain prints the s-expression" grep -q '^query: (and (word "Umerov") (word "meeting"))' "$T/out"
check "--explain prints term contributions" grep -q "Umerov=.*meeting=" "$T/out"

# --sort=date: newest article first.
dates=$(json_answer "$DB" --sort=date -n 30 security | jq -r 'select(.type=="match") | .date // "0000"' | uniq)
expect "--sort=date orders by date, newest first" "$(echo "$dates" | sort -r) (5 dates or more)" \
    "$dates$([ "$(echo "$dates" | wc -l)" -ge 5 ] && echo ' (5 dates or more)')"

# --per-article caps passages per article; paging is consistent.
max=$(answer "$DB" -n 100 --per-article 1 security | sort | uniq -c | sort -rn | awk '{print $1}' | uniq -c | awk '{print $2 ($1 >= 5 ? "" : " (few)")}')
expect "--per-article 1" 1 "$max"
ranked() { json_answer "$DB" "$@" security | jq -r 'select(.type=="match") | "\(.path):\(.line)"'; }
all=$(ranked -n 10)
p1=$(ranked -n 5)
p2=$(ranked -n 5 --offset 5)
expect "--offset pages through the same ranking" "$all" "$(printf '%s\n%s' "$p1" "$p2")"

# Deterministic output: the same query twice gives the same bytes.
expect "deterministic ranking" "$(json_answer "$DB" -n 50 'peace OR rates' | grep -v summary)" "$(json_answer "$DB" -n 50 'peace OR rates' | grep -v summary)"

# --no-heading lines stand alone: strictly rank order, like --json.
expect "--no-heading follows rank order" "$(ranked -n 10)" "$(search "$DB" --no-heading -n 10 security | cut -d: -f1-2)"
