# analysis.sh: the analyzer's news-text rules seen from the command line,
# over the sample corpus: names, quotes, compounds, accents, abbreviations,
# scripts, exact forms and wildcards find what a reader expects.
. "$TOP/tests/e2e/lib.sh"
DB="$T/idx"
build_index "index the sample corpus" "$DB" "$TOP/corpus"

# The answers are read whole (json_answer) and must name the query asked: a
# broken answer, or one to another query, finds nothing here.
# finds DESC FILE QUERY: FILE (a corpus file name) is among the results.
finds() {
    json_answer "$DB" -n 50 --per-article 1 "$3" >"$T/f.json"
    if jq -e -s --arg q "$3" --arg f "$2" 'last.query == $q and any(.[]; .type == "match" and (.path | endswith("/" + $f)))' \
        "$T/f.json" >/dev/null 2>&1; then ok "$1"; else
        not_ok "$1"
        echo "    query: $3, wanted $2 among:"
        jq -r 'select(.type == "match") | .path' "$T/f.json" 2>&1 | sed 's/^/      /'
    fi
}
# spans QUERY: the distinct highlighted texts of the results, lower-cased
# ("BROKEN answer" when the answer is not whole or names another query).
spans() {
    json_answer "$DB" -n 100 --per-article 20 "$1" >"$T/s.json"
    if ! jq -e -s --arg q "$1" 'last.query == $q' "$T/s.json" >/dev/null 2>&1; then echo "BROKEN answer"; return; fi
    jq -r 'select(.type=="match" and (.text | explode | all(. < 128))) | .text as $t | .spans[] | $t[.start:.end]' "$T/s.json" 2>/dev/null |
        tr 'A-Z' 'a-z' | sort -u | tr '\n' ' '
}
# (jq slices strings by code points and spans are bytes: ASCII passages only.)

finds "Zelenskyy finds Zelenskyy’s" 2025-12-29-zelenskyy-50-year-guarantees.txt "Zelenskyy"
if search "$DB" --color=always -n 50 --per-article 20 Zelenskyy | grep -q "$(printf '\033\\[1;31mZelenskyy’s')" &&
    json_answer "$DB" -n 50 --per-article 20 Zelenskyy | jq -e -s 'last.query == "Zelenskyy" and any(.[]; .type == "match" and (.text | contains("Zelenskyy’s")))' >/dev/null 2>&1; then
    ok "Zelenskyy’s is highlighted whole"
else
    not_ok "Zelenskyy’s is highlighted whole"
fi
finds "28-point finds the 28-point plan" 2025-12-26-28-point-plan-to-20-points.txt "28-point"
finds "28 point finds it too" 2025-12-26-28-point-plan-to-20-points.txt "28 point"
finds "the phrase \"28-point plan\"" 2025-12-28-trump-zelenskyy-florida.txt '"28-point plan"'
finds "son-in-law" 2025-12-11-kushner-witkoff-envoy-team.txt "son-in-law"
finds "\"son in law\"" 2025-12-11-kushner-witkoff-envoy-team.txt '"son in law"'
finds "deescalation finds de-escalation" 2025-12-09-hnatov-military-chief-talks.txt "deescalation"
finds "de-escalation" 2025-12-09-hnatov-military-chief-talks.txt "de-escalation"
finds "sao paulo finds São Paulo" 2025-12-03-sao-paulo-coffee-exporters.txt "sao paulo"
finds "São Paulo" 2025-12-03-sao-paulo-coffee-exporters.txt "São Paulo"
finds "SAO PAULO (any case)" 2025-12-03-sao-paulo-coffee-exporters.txt "SAO PAULO"
finds "U.S. finds U.S" 2025-12-06-miami-security-framework.txt "U.S."
finds "US finds U.S." 2025-12-31-witkoff-call-european-leaders.txt "US"
expect "US highlights abbreviations, not the pronoun" "u.s u.s. " "$(spans US)"
case "$(spans us)" in *"u.s"* | BROKEN*) not_ok "us (the pronoun) is not flooded by U.S." ;; *"us "*) ok "us (the pronoun) is not flooded by U.S." ;; *) not_ok "us (the pronoun) is not flooded by U.S." ;; esac
finds "Cyrillic Київ" 2025-12-08-future-prosperity-agenda.txt "київ"
finds "Greek Αθήνα, any case" 2025-11-17-athens-rooftops-exhibition.txt "ΑΘΉΝΑ"
expect "=guarantees matches only that form" "guarantees " "$(spans =guarantees)"
expect "guarantees matches every form" "guarantee guarantees " "$(spans guarantees)"
expect "deconflict* matches words with that beginning" "deconfliction " "$(spans 'deconflict*')"
finds "15-year" 2025-12-29-zelenskyy-50-year-guarantees.txt "15-year"
finds "\$435 million" 2025-11-08-norden-logistics-results.txt '$435 million'
