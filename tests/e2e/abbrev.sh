# abbrev.sh: what the README and doc/query-syntax.md (Abbreviations and
# case) say about `us` and `US` (issue 13): the lower-case query `us` finds
# the pronoun and `US` in capitals (a title "US discusses ...", a headline in
# capitals), not `U.S.` or `U.S`; `US`, `U.S.` and `U.S` find the
# abbreviation in every spelling and the pronoun only in capitals. And the
# table there for `eu` and `nato`: a query word in capitals also looks for
# its dotted form, one in lower or title case does not; two capitals mean
# the abbreviation only; a dotted word too; `=` looks for no dotted form.
. "$TOP/tests/e2e/lib.sh"

C="$T/corpus"
mkdir -p "$C"
printf 'US discusses trade with allies\n\nThe talks went on.\n' >"$C/caps-title.txt"
printf 'Trade talks\n\nUS officials met on Monday.\n' >"$C/caps-body.txt"
printf 'Trade news\n\nU.S. officials met on Tuesday.\n' >"$C/dots.txt"
printf 'Trade notes\n\nU.S officials met on Wednesday.\n' >"$C/dot.txt"
printf 'Library\n\nThey told us it would stay open.\n' >"$C/pronoun.txt"
printf 'HEADLINE\n\nLET US PRAY FOR RAIN, SAID THE FARMER.\n' >"$C/shout.txt"
# EU and NATO in each spelling (titles without the words).
for w in eu-dots:E.U. eu-dot:E.U eu-caps:EU eu-title:Eu eu-lower:eu; do
    printf 'Summit\n\nThe %s leaders met.\n' "${w#*:}" >"$C/${w%%:*}.txt"
done
for w in nato-dots:N.A.T.O. nato-dot:N.A.T.O nato-caps:NATO nato-title:Nato nato-lower:nato; do
    printf 'Alliance\n\nThe %s allies met.\n' "${w#*:}" >"$C/${w%%:*}.txt"
done
# A possessive after either spelling (and one that is no abbreviation).
printf 'Plan\n\nThe UK\047s plan was read.\n' >"$C/uk-caps.txt"
printf 'Plan\n\nThe U.K.\047s plan was read.\n' >"$C/uk-dots.txt"
printf 'Plan\n\nThe Uk\342\200\231s plan was read.\n' >"$C/uk-title.txt"
build_index "index" "$T/idx" "$C"
# Compounds with an abbreviation, in an index of their own.
mkdir -p "$T/hy"
printf 'Talks\n\nThe U.S.-China talks.\n' >"$T/hy/hy-dots.txt"
printf 'Talks\n\nThe US-China talks.\n' >"$T/hy/hy-caps.txt"
printf 'Talks\n\nthe us-china talks.\n' >"$T/hy/hy-lower.txt"
build_index "index the compounds" "$T/hyidx" "$T/hy"

# files QUERY: the files of a whole --json answer, sorted (or "BROKEN
# answer: ...", which no expected list holds).
files() { answer "$T/idx" -n 100 "$@" | sed 's|.*/||' | sort -u | tr '\n' ' ' | sed 's/ $//'; }
hyfiles() { answer "$T/hyidx" -n 100 "$@" | sed 's|.*/||' | sort -u | tr '\n' ' ' | sed 's/ $//'; }
expect "us: the pronoun and US in capitals, not U.S. or U.S" \
    "caps-body.txt caps-title.txt pronoun.txt shout.txt" "$(files us)"
expect "us: finds the title \"US discusses ...\"" "caps-title.txt" "$(files title:us)"
expect "=us: the same as us" "caps-body.txt caps-title.txt pronoun.txt shout.txt" "$(files =us)"
for q in US U.S. U.S; do
    expect "$q: the abbreviation in every spelling, and US in capitals" \
        "caps-body.txt caps-title.txt dot.txt dots.txt shout.txt" "$(files "$q")"
done

# The table of doc/query-syntax.md, Abbreviations and case, row by row.
for q in eu Eu =EU; do
    expect "$q: EU, Eu and eu, not E.U. or E.U (lower or title case: no dotted form)" \
        "eu-caps.txt eu-lower.txt eu-title.txt" "$(files "$q")"
done
for q in EU E.U. E.U e.u. "EU's" "EU’s"; do
    expect "$q: E.U., E.U and EU, not Eu or eu (two capitals or dots: the abbreviation only)" \
        "eu-caps.txt eu-dot.txt eu-dots.txt" "$(files "$q")"
done
expect "=E.U.: the dotted spellings only, not EU" "eu-dot.txt eu-dots.txt" "$(files =E.U.)"
for q in nato Nato; do
    expect "$q: NATO, Nato and nato, not N.A.T.O. or N.A.T.O" \
        "nato-caps.txt nato-lower.txt nato-title.txt" "$(files "$q")"
done
expect "NATO: every spelling (three to five capitals: the word and its dotted form)" \
    "nato-caps.txt nato-dot.txt nato-dots.txt nato-lower.txt nato-title.txt" "$(files NATO)"
for q in "U.K.'s" "U.K.’s" U.K. "UK's" UK; do
    expect "$q: U.K.'s and UK's, not Uk's (a possessive changes nothing)" \
        "uk-caps.txt uk-dots.txt" "$(files "$q")"
done
# A compound with an abbreviation is its parts, each by the rules above:
# `US-China` and `U.S.-China` find "U.S.-China" and "US-China", not
# "us-china"; `=U.S.-China` (and `U.S.-Ch*`, exact forms) the dotted one.
for q in US-China U.S.-China '"U.S. China"'; do
    expect "$q: U.S.-China and US-China, not us-china" "hy-caps.txt hy-dots.txt" "$(hyfiles "$q")"
done
for q in =U.S.-China 'U.S.-Ch*'; do
    expect "$q: U.S.-China only" "hy-dots.txt" "$(hyfiles "$q")"
done
for q in N.A.T.O. n.a.t.o.; do
    expect "$q: N.A.T.O., N.A.T.O and NATO, not Nato or nato" \
        "nato-caps.txt nato-dot.txt nato-dots.txt" "$(files "$q")"
done
