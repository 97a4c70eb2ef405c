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

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP $2"; }

# check DESC CMD...: ok when CMD succeeds.
check() {
    desc=$1
    shift
    if "$@" >"$T/.out" 2>&1; then ok "$desc"; else not_ok "$desc"; sed 's/^/    /' "$T/.out"; fi
}

# expect DESC WANT GOT
expect() {
    if [ "$2" = "$3" ]; then ok "$1"; else
        not_ok "$1"
        echo "    want: $2"
        echo "    got:  $3"
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
