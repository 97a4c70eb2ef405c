# lib.sh: helpers for the end-to-end tests (sourced by tests/e2e/*.sh).
#
# Each test prints TAP-style lines, "ok - what" or "not ok - what" with
# details after, which tests/run.sh counts. $NSEARCH and $NSEARCH_INDEX are
# the binaries under test, $TOP the repository.
set -u
: "${NSEARCH:?}" "${NSEARCH_INDEX:?}" "${TOP:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/nsearch-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export NSEARCH_NO_SYNC=1 # tests don't need fsync; the code path is the same
unset NSEARCH_DB NO_COLOR
export NSEARCH_CONFIG= # a developer's own config must not change the tests
# The benchmark corpora (../shared/corpora) for the suites that use them when
# present; NSEARCH_E2E_CORPORA moves (or, naming nothing, hides) them.
CORPORA=${NSEARCH_E2E_CORPORA:-$TOP/../shared/corpora}
# The shared set-up (test corpora, indexing, the fault shim): lib-setup.sh.
. "$TOP/tests/e2e/lib-setup.sh"

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP $2"; }

# check DESC CMD...: ok when CMD succeeds.
check() {
    desc=$1
    shift
    if "$@" >"$T/.out" 2>&1; then ok "$desc"; else not_ok "$desc"; sed 's/^/    /' "$T/.out"; fi
}

# The helpers are strict: a check must fail against a broken program (one
# that prints nothing, exits 0 or 2 whatever it is asked, echoes its query,
# lists every passage, or loses its last line: tests/e2e/standins.sh runs
# every suite against such stand-ins). An empty answer proves nothing, so
# nothing here passes on one unless told what shows the command worked.

# expect DESC WANT GOT: ok when GOT is WANT, which must not be empty (to
# expect nothing, use expect_none and name its witness), and neither holds
# a "BROKEN answer" (see answer below).
expect() {
    if [ -z "$2" ]; then
        not_ok "$1"
        echo "    expect: the wanted value is empty (use expect_none with a witness); got: $3"
    elif case "$2$3" in *"BROKEN answer:"*) true ;; *) false ;; esac then
        not_ok "$1"
        echo "    want: $2" | head -n 3
        echo "    got:  $3" | head -n 3
    elif [ "$2" = "$3" ]; then ok "$1"; else
        not_ok "$1"
        echo "    want: $2"
        echo "    got:  $3"
    fi
}

# expect_none DESC GOT WITNESS...: ok when GOT is empty and the command
# WITNESS... succeeds: the evidence that whatever should have printed GOT
# ran and did its work (an index built, a summary printed, ...).
expect_none() {
    desc=$1 got=$2
    shift 2
    if [ -n "$got" ]; then
        not_ok "$desc"
        echo "    want nothing, got: $got"
    elif [ $# -eq 0 ]; then
        not_ok "$desc"
        echo "    expect_none: no witness given"
    elif "$@" >"$T/.out" 2>&1; then ok "$desc"; else
        not_ok "$desc"
        echo "    nothing, as wanted, but the witness failed: $*"
        sed 's/^/    /' "$T/.out"
    fi
}

# forall DESC BAD N [MIN]: a "for every element" check: ok when none of the
# N elements examined was bad and there were at least MIN (default 1).
forall() {
    if [ "$2" = 0 ] && [ "$3" -ge "${4:-1}" ] 2>/dev/null; then ok "$1"; else
        not_ok "$1"
        echo "    $2 bad of $3 examined (at least ${4:-1} wanted)"
    fi
}

# expect_exit DESC CODE PATTERN CMD...: ok when CMD exits with CODE and its
# output (stdout and stderr) matches the grep PATTERN; PATTERN "" means the
# command must print nothing at all.
expect_exit() {
    desc=$1 code=$2 pat=$3
    shift 3
    "$@" >"$T/.out" 2>&1
    rc=$?
    if [ "$rc" = "$code" ] && { if [ -z "$pat" ]; then ! [ -s "$T/.out" ]; else grep -q -- "$pat" "$T/.out"; fi; }; then
        ok "$desc"
    else
        not_ok "$desc"
        echo "    want exit $code and output ${pat:+matching $pat}${pat:-empty}; got exit $rc:"
        head -n 5 "$T/.out" | sed 's/^/    /'
    fi
}

# status CMD...: prints the exit status of CMD (output discarded).
status() {
    "$@" >/dev/null 2>&1
    echo $?
}

# search DB ARGS...: nsearch on index DB.
search() {
    db=$1
    shift
    "$NSEARCH" --db "$db" "$@"
}

# answer DB ARGS...: nsearch --json on DB, checked whole, and the paths of
# its match objects, one a line. Whole means: exit 0 with matches (or past
# the end of them) or 1 without (the status is left in $T/.answer.rc), every line one JSON object, the summary
# last and once, counting the match lines. Otherwise prints "BROKEN answer:
# why" (which no expected list holds) and returns 1.
answer() {
    json_answer "$@" >/dev/null || { cat "$T/.answer"; return 1; }
    jq -r 'select(.type == "match") | .path' "$T/.answer"
}

# json_answer DB ARGS...: the same check, and prints the JSON lines
# themselves (or "BROKEN answer: why", returning 1).
json_answer() {
    db=$1
    shift
    "$NSEARCH" --db "$db" --json "$@" >"$T/.answer.raw" 2>/dev/null
    rc=$?
    echo "$rc" >"$T/.answer.rc"
    why=$(jq -r -s --argjson rc "$rc" '
        (map(select(.type == "match")) | length) as $n
        | if length == 0 then "no output (exit \($rc))"
          elif (last | .type) != "summary" then "the last line is not the summary"
          elif (map(select(.type == "summary")) | length) != 1 then "more than one summary"
          elif any(.[]; (type != "object") or (.type != "match" and .type != "summary")) then "a line that is not a match or the summary"
          elif last.matches != $n then "the summary counts \(last.matches) matches, \($n) listed"
          elif $rc == 0 and last.total == 0 then "exit 0 but total 0"
          elif $rc == 1 and ($n > 0 or last.total > 0) then "exit 1 with matches"
          elif $rc != 0 and $rc != 1 then "exit \($rc)"
          else "" end' "$T/.answer.raw" 2>&1) || why="not JSON Lines (exit $rc)"
    if [ -n "$why" ]; then
        echo "BROKEN answer: $why" | tee "$T/.answer"
        return 1
    fi
    cp "$T/.answer.raw" "$T/.answer"
    cat "$T/.answer"
}

# none DESC DB ARGS...: the query ARGS has no match on DB: exit 1 and a
# whole answer with nothing in it.
none() {
    desc=$1 db=$2
    shift 2
    answer "$db" "$@" >"$T/.none"
    st=$?
    got=$(cat "$T/.none")
    rc=$(cat "$T/.answer.rc")
    if [ "$st" -eq 0 ] && [ -z "$got" ] && [ "$rc" = 1 ]; then ok "$desc"; else
        not_ok "$desc"
        echo "    want no match (exit 1), got exit $rc: $(echo "$got" | head -n 5 | tr '\n' ' ')"
    fi
}
