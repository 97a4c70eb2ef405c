#!/bin/sh
# run-suite.sh SUITE STANDIN LOG: run the e2e suite tests/e2e/SUITE against
# the stand-in tests/standins/STANDIN (a broken nsearch, or, for "noop", a
# broken nsearch-index) and write its TAP lines to LOG, then a last line
# "# exit N" (124: it ran out of time). $NSEARCH and $NSEARCH_INDEX name the
# real binaries; wrapper stand-ins reach them as $NSEARCH_REAL and
# $NSEARCH_INDEX_REAL. The benchmark corpora are hidden from the suite
# (NSEARCH_E2E_CORPORA): indexing them takes minutes and proves nothing here.
suite=$1 standin=$2 log=$3
S="$TOP/tests/standins"
if [ -x "$S/$standin/nsearch-index" ]; then
    n=$NSEARCH i="$S/$standin/nsearch-index"
else
    n="$S/$standin/nsearch" i=$NSEARCH_INDEX
fi
mkdir -p "$log.tmp"
NSEARCH_REAL=$NSEARCH NSEARCH_INDEX_REAL=$NSEARCH_INDEX NSEARCH="$n" NSEARCH_INDEX="$i" \
    NSEARCH_E2E_CORPORA="$log.tmp/no-corpora" TMPDIR="$log.tmp" \
    timeout -k 5 "${STANDIN_TIMEOUT:-240}" sh "$TOP/tests/e2e/$suite" </dev/null >"$log" 2>&1
echo "# exit $?" >>"$log"
rm -rf "$log.tmp"
