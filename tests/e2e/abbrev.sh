# abbrev.sh: what the README and doc/query-syntax.md say about `us` and
# `US` (issue 13): the lower-case query `us` finds the pronoun and `US` in
# capitals (a title "US discusses ...", a headline in capitals), not `U.S.`
# or `U.S`; `US`, `U.S.` and `U.S` find the abbreviation in every spelling
# and the pronoun only in capitals.
. "$TOP/tests/e2e/lib.sh"

C="$T/corpus"
mkdir -p "$C"
printf 'US discusses trade with allies\n\nThe talks went on.\n' >"$C/caps-title.txt"
printf 'Trade talks\n\nUS officials met on Monday.\n' >"$C/caps-body.txt"
printf 'Trade news\n\nU.S. officials met on Tuesday.\n' >"$C/dots.txt"
printf 'Trade notes\n\nU.S officials met on Wednesday.\n' >"$C/dot.txt"
printf 'Library\n\nThey told us it would stay open.\n' >"$C/pronoun.txt"
printf 'HEADLINE\n\nLET US PRAY FOR RAIN, SAID THE FARMER.\n' >"$C/shout.txt"
build_index "index" "$T/idx" "$C"

# files QUERY: the files of a whole --json answer, sorted (or "BROKEN
# answer: ...", which no expected list holds).
files() { answer "$T/idx" -n 100 "$@" | sed 's|.*/||' | sort -u | tr '\n' ' ' | sed 's/ $//'; }
expect "us: the pronoun and US in capitals, not U.S. or U.S" \
    "caps-body.txt caps-title.txt pronoun.txt shout.txt" "$(files us)"
expect "us: finds the title \"US discusses ...\"" "caps-title.txt" "$(files title:us)"
expect "=us: the same as us" "caps-body.txt caps-title.txt pronoun.txt shout.txt" "$(files =us)"
for q in US U.S. U.S; do
    expect "$q: the abbreviation in every spelling, and US in capitals" \
        "caps-body.txt caps-title.txt dot.txt dots.txt shout.txt" "$(files "$q")"
done
