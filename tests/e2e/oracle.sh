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
    --nsearch "$NSEARCH" --nsearch-index "$NSEARCH_INDEX" --tools "$TOOLS"
rc=$?
# diff.py prints its own TAP lines; a crash must not pass silently.
[ $rc -le 1 ] || not_ok "oracle: diff.py crashed (exit $rc)"
