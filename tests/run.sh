#!/bin/sh
# run.sh: run every test of `make check` and print one closing line
# "N passed, N failed, N skipped".
#
# Unit tests are the cmocka binaries $O/tests/test_*: their "[  PASSED  ]",
# "[  FAILED  ]" and "[  SKIPPED ]" lines are added up (a binary that dies
# without a summary counts as one failure). End-to-end tests are the shell
# scripts tests/e2e/*.sh, which print TAP-style "ok - ..." / "not ok - ..."
# lines ("# SKIP" marks a skip). Output of failing tests is shown in full.
O=${O:-build/release}
export O
# No ASan check is switched off: libxapian's one new-delete-type-mismatch
# (in Database::check) is confined to a child process by the binding in
# sanitizer builds (xapian-c.cc, xc_database_check).
top=$(cd "$(dirname "$0")/.." && pwd)
# Leaks inside libxapian after a failed commit (tests/lsan.supp); ours count.
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$top/tests/lsan.supp"
cd "$top" || exit 2
pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # $1 = pattern label in cmocka output
    sed -n "s/^\[  $1 *\] \([0-9][0-9]*\) test.*/\1/p" "$log" | awk '{s += $1} END {print s + 0}'
}

for t in "$O"/tests/test_*; do
    [ -x "$t" ] || continue
    "$t" >"$log" 2>&1
    rc=$?
    p=$(count PASSED); f=$(count FAILED); s=$(count SKIPPED)
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    if [ "$f" -ne 0 ]; then
        echo "FAIL: $(basename "$t")"; cat "$log"
    else
        echo "unit: $(basename "$t"): $p passed${s:+, $s skipped}" | sed 's/, 0 skipped//'
    fi
done

for t in tests/e2e/*.sh; do
    case "$(basename "$t")" in lib*.sh) continue ;; esac
    [ -f "$t" ] || continue
    NSEARCH="$top/$O/nsearch" NSEARCH_INDEX="$top/$O/nsearch-index" TOP="$top" \
        sh "$t" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^ok ' "$log" | tr -d ' '); s=$(grep -c '^ok .*# SKIP' "$log" | tr -d ' ')
    f=$(grep -c '^not ok ' "$log" | tr -d ' ')
    p=$((p - s))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $t exited $rc" >>"$log"; fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    if [ "$f" -ne 0 ]; then
        echo "FAIL: $t"; cat "$log"
    else
        echo "e2e: $(basename "$t"): $p passed$( [ "$s" -gt 0 ] && echo ", $s skipped")"
        grep '# SKIP' "$log" | sed 's/^/  /'
    fi
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
