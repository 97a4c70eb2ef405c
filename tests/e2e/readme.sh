# readme.sh: what the README shows a new user is what they get: its sample
# output of `nsearch Umerov meeting` over the sample corpus, byte for byte.
. "$TOP/tests/e2e/lib.sh"
cd "$TOP" || exit 2
"$NSEARCH_INDEX" --db "$T/demo" corpus >"$T/idx.out" 2>&1 || { not_ok "index the sample corpus"; cat "$T/idx.out"; }
# The block after "What `nsearch Umerov meeting` prints", between its fences.
awk '/^What `nsearch Umerov meeting` prints/ {f = 1; next} f && /^```$/ {n++; if (n == 2) exit; next} f && n == 1' \
    README.md >"$T/want"
expect "README: the sample output block was found" 1 "$([ "$(grep -c '^[0-9]*: ' "$T/want")" -ge 2 ] && echo 1)"
"$NSEARCH" --db "$T/demo" --color=never Umerov meeting >"$T/got" 2>"$T/err"
expect "nsearch Umerov meeting prints what the README shows" "$(cat "$T/want")" "$(cat "$T/got")"
