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
