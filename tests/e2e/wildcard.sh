# wildcard.sh: a wildcard with thousands of expansions is answered, not
# refused (libxapian's default limit of 2000 terms used to make it exit 2).
. "$TOP/tests/e2e/lib.sh"
mkdir -p "$T/c"
awk -v dir="$T" 'BEGIN { for (i = 0; i < 3000; i++) { f = sprintf("%s/c/w%04d.txt", dir, i)
    printf "Word list %d\n\nThe word zqx%dy is here.\n", i, i > f; close(f) } }'
for i in 1 2 3 4 5; do printf 'Other list\n\nThe word other is here, %d.\n' $i >"$T/c/o$i.txt"; done
build_index "index 3,000 files" "$T/idx" "$T/c"
expect_exit "zqx* (3,000 expansions): answered, exit 0" 0 "w[0-9][0-9][0-9][0-9].txt:3:10:The word zqx[0-9]*y is here" \
    "$NSEARCH" --db "$T/idx" --vimgrep -n 3 zqx*
expect "zqx*: three passages asked, three given" 3 "$("$NSEARCH" --db "$T/idx" --vimgrep -n 3 zqx* | grep -c ':3:10:The word zqx')"
expect "zqx*: --count finds every one" 3000 "$("$NSEARCH" --db "$T/idx" --count zqx*)"

# A word whose stem is shorter than the prefix by more than its end:
# "added" stems to "ad" (found by the oracle on Reuters: add* missed it).
mkdir -p "$T/s"
printf 'Board news\n\nThe board added two members.\n' >"$T/s/a.txt"
printf 'Other news\n\nAn addition was made.\n' >"$T/s/b.txt"
printf 'Third news\n\nThe ad ran twice.\n' >"$T/s/c.txt"
"$NSEARCH_INDEX" --db "$T/sidx" "$T/s" >"$T/out" 2>&1 || { not_ok "index the short-stem files"; cat "$T/out"; }
expect "add*: the files with added and addition (not ad)" "a.txt b.txt" \
    "$("$NSEARCH" --db "$T/sidx" --files -n 10 'add*' | sed 's|.*/||' | sort | tr '\n' ' ' | sed 's/ $//')"
expect "adde*: the file with added" a.txt "$("$NSEARCH" --db "$T/sidx" --files -n 10 'adde*' | sed 's|.*/||')"

# A wildcard cut inside a number (query-syntax.md, Wildcards): the number
# it begins, as one word whose commas don't count ("1,234" is 1234), or its
# parts in a row (the last a prefix), as for a compound. One passage a file;
# each list derived by hand from that rule.
mkdir -p "$T/n"
for f in "n1|They paid 1,234 dollars." "n2|Twelve: 12 of them." "n3|Sales of 125 units." \
    "n4|A crowd of 12,000 came." "n5|At 06:50 the train left." "n6|At 06:05 it came back." \
    "n7|On 2025-12-06 it snowed." "n8|On 2025-11-30 it rained." "n9|In 2025-12 sales rose." \
    "n10|Scores were 1,2 and 3." "n11|Page 1 23 of the book." "n12|It ran until 06:50pm then." \
    "n13|Signed 2025-12-06T10:00 here." "n14|Dated 2025$(printf '\342\200\220')12$(printf '\342\200\220')06 too."; do
    printf 'Numbers\n\n%s\n' "${f#*|}" >"$T/n/${f%%|*}.txt"
done
"$NSEARCH_INDEX" --db "$T/nidx" "$T/n" >"$T/out" 2>&1 || { not_ok "index the number files"; cat "$T/out"; }
# ("12" of "2025-12" is a word too; "2025-12-06T10:00" is the words 2025, 12,
# 06t10 and 00, "06:50pm" 06 and 50pm; n14's hyphens are U+2010, which a
# date's hyphens may be, in a text and in a query; a currency sign before
# a number is no part of it.)
h=$(printf '\342\200\220')
for case in '1,23*|n1 n11' '1,2*|n1 n10 n11 n13 n2 n3 n4 n9' '12,0*|n13 n4' '06:5*|n12 n5' \
    '06:0*|n6' '2025-12*|n13 n14 n7 n9' '2025-1*|n13 n14 n7 n8 n9' '2025-12-0*|n13 n14 n7' \
    '2025-12-06*|n13 n14 n7' '1,234*|n1' '06:50*|n12 n5' "2025${h}12*|n13 n14 n7 n9" \
    '$1,23*|n1 n11' '€12,0*|n13 n4'; do
    q=${case%%|*}
    want=${case#*|}
    got=$("$NSEARCH" --db "$T/nidx" --files -n 20 "$q" 2>&1 | sed 's|.*/||; s|\.txt$||' | sort | paste -sd ' ')
    expect "'$q' finds the numbers it begins and its parts in a row" "$want" "$got"
done
expect_none "'1,234,5*': no number begins so (1,234 is whole)" \
    "$("$NSEARCH" --db "$T/nidx" --files -n 20 '1,234,5*' 2>&1)" \
    sh -c '"$1" --db "$2" --files "1,234*" | grep -q n1.txt' - "$NSEARCH" "$T/nidx"
expect "--count 2025-12*: four passages (n7, n9, n13, n14)" 4 "$("$NSEARCH" --db "$T/nidx" --count '2025-12*')"
expect "1,23* highlights the whole number at its byte column" "n1.txt:3:11:They paid 1,234 dollars." \
    "$("$NSEARCH" --db "$T/nidx" --vimgrep '1,23*' | grep n1.txt | sed 's|.*/||')"
