#!/bin/sh
# eval.sh: `make eval`: nsearch's ranking quality against Xapian's
# QueryParser + BM25 and SQLite FTS5 on judged collections (doc/eval.md).
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
#
# Usage: bench/eval.sh [COLLECTION_DIR...]
# Without arguments: cran, cisi, cacm and lisa from ../shared/corpora
# (relative to the repository), skipped with a message when absent.
# NSEARCH and NSEARCH_INDEX name the binaries (default build/release/).
# EVAL_ARGS passes options to bench/eval.py (--systems, --dump DIR, --jobs).
# Needs /usr/bin/python3 with the Xapian bindings (python3-xapian), not
# whatever python3 comes first on PATH.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1 # nothing cached in the tree
NSEARCH=${NSEARCH:-build/release/nsearch}
NSEARCH_INDEX=${NSEARCH_INDEX:-build/release/nsearch-index}
export NSEARCH NSEARCH_INDEX

if ! "$PY" -c 'import xapian, sqlite3' 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "eval: installing python3-xapian for $PY" >&2
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            python3 python3-xapian >/tmp/nsearch-eval-apt.log 2>&1; then
            tail -n 20 /tmp/nsearch-eval-apt.log >&2
            exit 2
        fi
    else
        echo "eval: $PY lacks the Xapian bindings. Run:" >&2
        echo "  sudo apt-get install -y python3 python3-xapian" >&2
        exit 2
    fi
fi

for b in "$NSEARCH" "$NSEARCH_INDEX"; do
    [ -x "$b" ] || { echo "eval: $b not built (run make)" >&2; exit 2; }
done

"$PY" bench/eval_selftest.py || exit 2

if [ $# -eq 0 ]; then
    corpora=$top/../shared/corpora
    if [ ! -d "$corpora" ]; then
        echo "eval: skipped: no judged collections at $corpora (or give COLLECTION=DIR)"
        exit 0
    fi
    for c in cran cisi cacm lisa; do
        if [ -f "$corpora/$c/qrels.txt" ]; then
            set -- "$@" "$corpora/$c"
        else
            echo "eval: $corpora/$c missing, skipped"
        fi
    done
    [ $# -gt 0 ] || exit 0
fi

# shellcheck disable=SC2086 # EVAL_ARGS is a list of options
exec "$PY" bench/eval.py ${EVAL_ARGS:-} "$@"
