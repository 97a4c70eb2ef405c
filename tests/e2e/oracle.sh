#!/bin/sh
# oracle.sh: nsearch against the independent oracle (tests/oracle/): a few
# hundred generated queries (fixed seed) over the sample corpus, each match
# set, --count and --files compared; ranking properties, serve mode and a
# two-shard index on a sample. See tests/oracle/README.md.
. "$TOP/tests/e2e/lib.sh"
TOOLS=${NS_TOOLS:-$TOP/build/release/tools}
if ! command -v python3 >/dev/null 2>&1; then
    skip "oracle differential test" "python3 is not installed"
    exit 0
fi
if [ ! -x "$TOOLS/ns-read" ] || [ ! -x "$TOOLS/ns-analyze" ]; then
    not_ok "oracle: the tools ns-read and ns-analyze are built ($TOOLS; run make tests)"
    exit 0
fi
python3 "$TOP/tests/oracle/diff.py" --corpus "$TOP/corpus" --work "$T" \
    --queries "${ORACLE_QUERIES:-400}" --props "${ORACLE_PROPS:-15}" --seed "${ORACLE_SEED:-20261204}" \
    --nsearch "$NSEARCH" --nsearch-index "$NSEARCH_INDEX" --tools "$TOOLS" >"$T/diff.out" 2>&1
rc=$?
cat "$T/diff.out"
# diff.py prints its own TAP lines; a failure without one (a crash on an
# answer it can't read) must not pass silently.
if [ $rc -ne 0 ] && ! grep -q '^not ok' "$T/diff.out"; then not_ok "oracle: diff.py failed (exit $rc)"; fi
