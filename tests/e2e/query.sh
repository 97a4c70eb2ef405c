# query.sh: the query language end to end over the sample corpus: booleans,
# NEAR distances, fields, dates, lenient and refused malformed queries,
# --explain, --sort=date, --per-article, paging.
. "$TOP/tests/e2e/lib.sh"
DB="$T/idx"
"$NSEARCH_INDEX" --db "$DB" "$TOP/corpus" || not_ok "indexing the sample corpus"
files() { search "$DB" --files -n 100 "$@" 2>/dev/null | sed 's|.*/||'; }
has() { files "$2" | grep -qx "$3" && ok "$1" || { not_ok "$1"; files "$2" | sed 's/^/    /'; }; }
lacks() { files "$2" | grep -qx "$3" && { not_ok "$1"; files "$2" | sed 's/^/    /'; } || ok "$1"; }

# Booleans.
has "OR finds either word" "xylophone OR Hnatov" 2025-12-09-hnatov-military-chief-talks.txt
lacks "-word excludes" "Umerov -Hnatov" 2025-12-09-hnatov-military-chief-talks.txt
has "-word keeps the others" "Umerov -Hnatov" 2025-12-31-witkoff-call-european-leaders.txt
expect "NOT and - agree" "$(files 'Umerov -Hnatov')" "$(files 'Umerov NOT Hnatov')"
expect "every Witkoff article names Kushner" 1 "$(status search "$DB" 'Witkoff -Kushner')"

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
search "$DB" '"security guarantees" NEAR/5 Zelenskyy' >/dev/null 2>"$T/err"
expect "NEAR over a phrase answers without a warning" "" "$(cat "$T/err")"

# Fields and dates.
expect "title: matches titles only" "2025-12-19-europe-deterrent-after-ceasefire.txt" "$(files title:ceasefire)"
has "source: filters by source" "source:NWA rates" 2025-10-29-fed-cuts-interest-rates.txt
lacks "source: excludes other sources" "source:NWA rates" 2025-10-30-ecb-holds-deposit-rate.txt
expect "date range" "$(printf '%s\n' 2025-12-10-rustem-umerov-profile.txt 2025-12-06-miami-security-framework.txt 2025-12-09-hnatov-military-chief-talks.txt 2025-12-07-ukraine-talks-third-day.txt | sort)" "$(files 'date:2025-12-01..2025-12-10 Umerov' | sort)"
expect "open date range" "2024-11-08-hillside-ward-by-election.txt" "$(files 'date:..2025-01-01 election')"
has "date:YYYY-MM" "date:2025-10 flood" 2025-10-09-farmers-flood-damaged-fields.txt
lacks "date:YYYY-MM excludes other months" "date:2025-10 flood" 2025-12-11-storm-snow-flood-warnings.txt
expect "since: counts back from now" 1 "$(status search "$DB" 'since:1d storm')"

# Malformed queries: lenient with a warning at the column, or refused.
search "$DB" '"security guarantees' >/dev/null 2>"$T/err"
expect "unclosed quote is read leniently" 0 $?
check "with a warning at its column" grep -q "query:1: unclosed quote" "$T/err"
search "$DB" 'Umerov)' >/dev/null 2>"$T/err"
check "stray ) warns at column 7" grep -q "query:7:" "$T/err"
search "$DB" 'Umerov NEAR' >/dev/null 2>"$T/err"
expect "NEAR without an operand is refused" 2 $?
search "$DB" 'date:2025-13 storm' >/dev/null 2>"$T/err"
expect "a bad date is refused" 2 $?
check "pointing at the date's column" grep -q "query:6:" "$T/err"
long=$(awk 'BEGIN { for (i = 0; i < 80; i++) printf "w%d ", i }')
search "$DB" "$long" >/dev/null 2>"$T/err"
expect "too many terms is refused" 2 $?
check "naming the limit" grep -q "64" "$T/err"

# --explain shows the parsed query and score parts.
search "$DB" --explain -n 1 "Umerov meeting" >"$T/out"
check "--explain prints the s-expression" grep -q '^query: (and (word "Umerov") (word "meeting"))' "$T/out"
check "--explain prints term contributions" grep -q "Umerov=.*meeting=" "$T/out"

# --sort=date: newest article first.
dates=$(search "$DB" --json --sort=date -n 30 security | jq -r 'select(.type=="match") | .date // "0000"' | uniq)
expect "--sort=date orders by date, newest first" "$(echo "$dates" | sort -r)" "$dates"

# --per-article caps passages per article; paging is consistent.
max=$(search "$DB" --json -n 100 --per-article 1 security | jq -r 'select(.type=="match") | .path' | sort | uniq -c | sort -rn | head -n 1 | awk '{print $1}')
expect "--per-article 1" 1 "$max"
ranked() { search "$DB" --json "$@" security | jq -r 'select(.type=="match") | "\(.path):\(.line)"'; }
all=$(ranked -n 10)
p1=$(ranked -n 5)
p2=$(ranked -n 5 --offset 5)
expect "--offset pages through the same ranking" "$all" "$(printf '%s\n%s' "$p1" "$p2")"

# Deterministic output: the same query twice gives the same bytes.
expect "deterministic ranking" "$(search "$DB" --json -n 50 'peace OR rates' | grep -v summary)" "$(search "$DB" --json -n 50 'peace OR rates' | grep -v summary)"

# --no-heading lines stand alone: strictly rank order, like --json.
expect "--no-heading follows rank order" "$(ranked -n 10)" "$(search "$DB" --no-heading -n 10 security | cut -d: -f1-2)"
