# analysis.sh: the analyzer's news-text rules seen from the command line,
# over the sample corpus: names, quotes, compounds, accents, abbreviations,
# scripts, exact forms and wildcards find what a reader expects.
. "$TOP/tests/e2e/lib.sh"
DB="$T/idx"
"$NSEARCH_INDEX" --db "$DB" "$TOP/corpus" || not_ok "indexing the sample corpus"

# finds DESC FILE QUERY: FILE (a corpus file name) is among the results.
finds() {
    if search "$DB" --files -n 50 "$3" | grep -q "/$2\$"; then ok "$1"; else
        not_ok "$1"
        echo "    query: $3, wanted $2 among:"
        search "$DB" --files -n 50 "$3" | sed 's/^/      /'
    fi
}
# spans QUERY: the distinct highlighted texts of the results, lower-cased.
spans() {
    search "$DB" --json -n 100 --per-article 20 "$@" |
        jq -r 'select(.type=="match" and (.text | explode | all(. < 128))) | .text as $t | .spans[] | $t[.start:.end]' 2>/dev/null |
        tr 'A-Z' 'a-z' | sort -u | tr '\n' ' '
}
# (jq slices strings by code points and spans are bytes: ASCII passages only.)

finds "Zelenskyy finds Zelenskyy’s" 2025-12-29-zelenskyy-50-year-guarantees.txt "Zelenskyy"
if search "$DB" --color=always -n 50 --per-article 20 Zelenskyy | grep -q "$(printf '\033\\[1;31mZelenskyy’s')"; then
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
case "$(spans us)" in *"u.s"*) not_ok "us (the pronoun) is not flooded by U.S." ;; *) ok "us (the pronoun) is not flooded by U.S." ;; esac
finds "Cyrillic Київ" 2025-12-08-future-prosperity-agenda.txt "київ"
finds "Greek Αθήνα, any case" 2025-11-17-athens-rooftops-exhibition.txt "ΑΘΉΝΑ"
expect "=guarantees matches only that form" "guarantees " "$(spans =guarantees)"
expect "guarantees matches every form" "guarantee guarantees " "$(spans guarantees)"
expect "deconflict* matches words with that beginning" "deconfliction " "$(spans 'deconflict*')"
finds "15-year" 2025-12-29-zelenskyy-50-year-guarantees.txt "15-year"
finds "\$435 million" 2025-11-08-norden-logistics-results.txt '$435 million'
