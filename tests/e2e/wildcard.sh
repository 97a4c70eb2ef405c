# wildcard.sh: a wildcard with thousands of expansions is answered, not
# refused (libxapian's default limit of 2000 terms used to make it exit 2).
. "$TOP/tests/e2e/lib.sh"
mkdir -p "$T/c"
awk -v dir="$T" 'BEGIN { for (i = 0; i < 3000; i++) { f = sprintf("%s/c/w%04d.txt", dir, i)
    printf "Word list %d\n\nThe word zqx%dy is here.\n", i, i > f; close(f) } }'
"$NSEARCH_INDEX" --db "$T/idx" "$T/c" >"$T/out" 2>&1 || { not_ok "index 3,000 files"; cat "$T/out"; }
expect_exit "zqx* (3,000 expansions): answered, exit 0" 0 "zqx" "$NSEARCH" --db "$T/idx" --vimgrep zqx*
expect "zqx*: --count finds every one" 3000 "$("$NSEARCH" --db "$T/idx" --count zqx*)"
