# standins.sh: every other suite must fail against a broken program. Each
# suite runs against the stand-ins of tests/standins/ (an nsearch that prints
# nothing and exits 2 or 0, one that echoes its query, one that lists every
# passage for every query, one that drops its last output line, and an
# nsearch-index that does nothing); a check that still passes (or skips)
# against a stand-in is a failure unless tests/standins/allowed.txt declares
# it, with the reason. One "ok"/"not ok" line per suite and stand-in.
. "$TOP/tests/e2e/lib.sh"
S="$TOP/tests/standins"
ALLOWED="$S/allowed.txt"
case "${O:-}" in
*asan*)
    skip "the suites fail against broken programs" "sanitizer build (the release check runs it)"
    exit 0
    ;;
esac

# The pairs: every nsearch stand-in with every suite that tests nsearch (all
# but cron.sh, which runs only nsearch-index, and indexer.sh, crash.sh,
# faults.sh, safety.sh, merge.sh and inplace.sh, which query only to compare
# indexes, and take long
# a run); the nsearch-index stand-in
# with every suite. NSEARCH_STANDINS / NSEARCH_STANDIN_SUITES narrow the run
# (by hand, when working on one suite).
standins=${NSEARCH_STANDINS:-"exit2 exit0 echo all trunc noop"}
suites=${NSEARCH_STANDIN_SUITES:-$(cd "$TOP/tests/e2e" && ls *.sh | grep -v -x -e 'lib.*\.sh' -e standins.sh)}
: >"$T/pairs"
for s in $suites; do
    for st in $standins; do
        case "$st:$s" in noop:*) ;; *:cron.sh | *:indexer.sh | *:merge.sh | *:inplace.sh | *:crash.sh | *:faults.sh | *:safety.sh) continue ;; esac
        # all/ and trunc/ change search answers only; completions.sh checks
        # the completion files against --help, which they pass through.
        case "$st:$s" in all:completions.sh | trunc:completions.sh) continue ;; esac
        # hostile.sh checks refusals of hostile stubs and the escaping of
        # whatever is printed: all/ and trunc/ wrap the real nsearch, which
        # does both whatever the query (its tiny corpus all matches).
        case "$st:$s" in all:hostile.sh | trunc:hostile.sh) continue ;; esac
        # deb.sh builds and installs the Debian package (under CI only); its
        # one query compares the installed program with the real one.
        case "$s" in deb.sh) continue ;; esac
        echo "$s $st" >>"$T/pairs"
    done
done
# The slow suites first, so that the parallel runs end together.
{ grep -e '^indexer' -e '^serve' -e '^shards' "$T/pairs"; grep -v -e '^indexer' -e '^serve' -e '^shards' "$T/pairs"; } >"$T/order"
mkdir -p "$T/logs"
xargs -P "${STANDIN_JOBS:-4}" -L 1 sh -c 'sh "$0/run-suite.sh" "$2" "$3" "$1/$2.$3"' "$S" "$T/logs" <"$T/order"

# allowed SUITE STANDIN CHECK: is the check declared in allowed.txt? Lines
# are "suite | stand-ins | check | reason", suite and check as shell
# patterns, stand-ins a comma-separated list of them; "#" starts a comment.
sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' -e 's/[[:space:]]*|[[:space:]]*/|/g' \
    -e 's/^[[:space:]]*//; s/[[:space:]]*$//' "$ALLOWED" >"$T/allowed"
allowed() {
    while IFS='|' read -r a_suite a_standin a_check a_reason; do
        # shellcheck disable=SC2254
        case "$1" in $a_suite) ;; *) continue ;; esac
        m=0
        set -f
        for p in $(echo "$a_standin" | tr ',' ' '); do
            case "$2" in $p) m=1 ;; esac
        done
        set +f
        [ "$m" = 1 ] || continue
        case "$3" in $a_check) echo "$a_suite|$a_standin|$a_check" >>"$T/used"; return 0 ;; esac
    done <"$T/allowed"
    return 1
}
: >"$T/used"
while read -r s st; do
    log="$T/logs/$s.$st"
    key="$st/nsearch"
    [ -x "$S/$st/nsearch-index" ] && key="$st/nsearch-index"
    rc=$(sed -n 's/^# exit //p' "$log" 2>/dev/null | tail -n 1)
    pass=$(grep -c '^ok ' "$log" 2>/dev/null)
    fail=$(grep -c '^not ok ' "$log" 2>/dev/null)
    : >"$T/bad"
    n_allowed=0
    grep '^ok - ' "$log" 2>/dev/null | sed 's/^ok - //' | while IFS= read -r name; do
        check=${name%% \# SKIP *}
        what="passes"
        [ "$check" != "$name" ] && what="skips"
        if allowed "$s" "$key" "$check"; then echo allowed >>"$T/bad.n"; else echo "    $what: $check" >>"$T/bad"; fi
    done
    n_allowed=$(cat "$T/bad.n" 2>/dev/null | wc -l | tr -d ' ')
    rm -f "$T/bad.n"
    echo "# $s against $key: ${pass:-0} ok (${n_allowed} allowed), ${fail:-0} not ok, exit ${rc:-?}"
    desc="$s against the stand-in $key: no check passes that is not declared"
    if [ -z "$rc" ] || [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        not_ok "$desc"
        echo "    the suite did not finish (exit ${rc:-none})"
    elif [ -s "$T/bad" ]; then
        not_ok "$desc"
        cat "$T/bad"
    elif [ "${pass:-0}" -eq "$n_allowed" ] && [ "${fail:-0}" -eq 0 ] && [ "$rc" = 0 ]; then
        not_ok "$desc"
        echo "    the suite reported nothing against a broken program"
    else
        ok "$desc"
    fi
done <"$T/pairs"

# Declarations that no longer match anything: said, so the list stays short.
while IFS='|' read -r a b c r; do
    grep -qxF "$a|$b|$c" "$T/used" || echo "# allowed.txt: unused: $a | $b | $c"
done <"$T/allowed"
