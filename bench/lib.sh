# lib.sh: what the benchmark entry points share (sourced by run.sh, hard.sh
# and serve.sh, from the repository root): the programs under test, the
# corpus or a skip, the tools checked, python3, and a temporary folder
# removed at the end.
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
#
# The caller sets BENCH_NAME, the name its messages begin with.

root=$(pwd)
NSEARCH=${NSEARCH:-build/release/nsearch}
NSEARCH_INDEX=${NSEARCH_INDEX:-build/release/nsearch-index}

say() { printf '%s: %s\n' "$BENCH_NAME" "$*" >&2; }

# An absolute path for $1 (relative ones are from the repository root);
# nothing for an empty $1.
abs() {
    case $1 in
    '') ;;
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$root" "$1" ;;
    esac
}

# bench_corpus [SMALL]: BENCH_CORPUS, by default the Reuters financial
# corpus (then BENCH_SMALL defaults to SMALL, when given); without it, skip
# (exit 0): the research corpora are not shipped. Exit 1 when BENCH_CORPUS
# is not a folder.
bench_corpus() {
    BENCH_CORPUS=${BENCH_CORPUS:-}
    if [ -z "$BENCH_CORPUS" ]; then
        BENCH_CORPUS=../shared/corpora/reuters-financial
        if [ ! -d "$BENCH_CORPUS" ]; then
            say "skipped: $BENCH_CORPUS is absent (research corpora are not shipped);"
            say "         set BENCH_CORPUS=DIR to a folder of .txt, .jsonl or .jsonl.gz files"
            exit 0
        fi
        [ $# -eq 0 ] || BENCH_SMALL=${BENCH_SMALL-$1}
    fi
    if [ ! -d "$BENCH_CORPUS" ]; then
        say "BENCH_CORPUS=$BENCH_CORPUS is not a folder"
        exit 1
    fi
}

# need TOOL...: exit 2, naming them, when tools are missing (/usr/bin/time
# by its path; python3 on the PATH or as /usr/bin/python3); also when the
# programs under test are not built. Sets $python, the python3 to run.
need() {
    missing=""
    for tool in "$@"; do
        case $tool in
        /*) [ -x "$tool" ] ;;
        python3) [ -x /usr/bin/python3 ] || command -v python3 >/dev/null 2>&1 ;;
        *) command -v "$tool" >/dev/null 2>&1 ;;
        esac || missing="$missing $tool"
    done
    if [ -n "$missing" ]; then
        say "missing tools:$missing (sh mk/deps.sh bench installs them on Debian)"
        exit 2
    fi
    for p in "$NSEARCH" "$NSEARCH_INDEX"; do
        if [ ! -x "$p" ]; then
            say "$p is not built (run make first)"
            exit 2
        fi
    done
    python=/usr/bin/python3
    [ -x "$python" ] || python=python3
}

# bench_work PREFIX: $work, a new folder ${TMPDIR:-/tmp}/PREFIX.XXXXXX,
# removed at exit (also on an error or Ctrl-C) unless BENCH_KEEP=1.
bench_work() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
bench_cleanup() {
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        say "kept $work (BENCH_KEEP=1)"
    else
        rm -rf "$work"
    fi
}
