# lib-setup.sh: the set-up the end-to-end suites share (sourced by lib.sh):
# a test corpus written article by article or generated in bulk, indexed
# with its outcome said, the faultfs shim, the answers two indexes are
# compared by, and a run under a test configuration.

GEN="$TOP/tests/tools/gencorpus.sh"

# article FILE TITLE DATE SOURCE PARAGRAPH...: write FILE (and its folder),
# a plain-file article: the title, "Date: DATE" and "Source: SOURCE" (each
# left out when empty), then each paragraph after a blank line.
article() {
    a_file=$1 a_title=$2 a_date=$3 a_source=$4
    shift 4
    mkdir -p "$(dirname "$a_file")"
    {
        printf '%s\n' "$a_title"
        [ -z "$a_date" ] || printf 'Date: %s\n' "$a_date"
        [ -z "$a_source" ] || printf 'Source: %s\n' "$a_source"
        for a_para in "$@"; do printf '\n%s\n' "$a_para"; done
    } >"$a_file"
}

# build_index DESC DB FOLDER...: nsearch-index FOLDER... into DB. Nothing is
# said when it succeeds (the checks that follow read the index); when it
# fails, "not ok - DESC" and its messages.
build_index() {
    bi_desc=$1 bi_db=$2
    shift 2
    "$NSEARCH_INDEX" --db "$bi_db" "$@" 2>"$T/.index.err" ||
        { not_ok "$bi_desc"; sed 's/^/    /' "$T/.index.err"; }
}

# index_checked DESC DB FOLDER...: the same, said as a check either way: ok
# "DESC (exit N)" when nsearch-index exits 0 or 1 (files skipped, with
# warnings) and leaves an index stub.
index_checked() {
    bi_desc=$1 bi_db=$2
    shift 2
    "$NSEARCH_INDEX" --db "$bi_db" "$@" 2>"$T/.index.err"
    bi_rc=$?
    if [ "$bi_rc" -le 1 ] && [ -s "$bi_db/XAPIANDB" ]; then ok "$bi_desc (exit $bi_rc)"; else
        not_ok "$bi_desc (exit $bi_rc)"
        sed 's/^/    /' "$T/.index.err"
    fi
}

# bulk_corpus DIR N SEED: gencorpus.sh's N articles (from SEED) in DIR, the
# third JSON Lines file gzipped: .txt, .jsonl and .jsonl.gz files.
bulk_corpus() {
    sh "$GEN" "$T/all" "$2" "$3"
    mkdir -p "$1"
    cp -p "$T/all"/* "$1/"
    gzip "$1/batch-3.jsonl"
}

# use_faultfs [DESC]: $SHIM names the I/O fault shim (tests/tools/faultfs.c,
# built by make tests), which ASan is told is preloaded. With DESC, a suite
# that needs it skips DESC and ends when it is not built.
use_faultfs() {
    SHIM="$TOP/${O:-build/release}/tests/faultfs.so"
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
    if [ $# -gt 0 ] && [ ! -f "$SHIM" ]; then
        skip "$1" "no $SHIM (make tests builds it)"
        exit 0
    fi
}

# query_answers DB N QUERY...: for each QUERY its --json answer (-n N, 3
# passages an article, without the timing and the index's name) and its
# --files list, then the index's counts: what two indexes of the same
# articles answer alike.
query_answers() {
    qa_db=$1 qa_n=$2
    shift 2
    for qa_q in "$@"; do
        "$NSEARCH" --db "$qa_db" --json -n "$qa_n" --per-article 3 "$qa_q" | jq -c 'del(.elapsed_ms, .index)'
        "$NSEARCH" --db "$qa_db" --files "$qa_q"
    done
    "$NSEARCH_INDEX" --db "$qa_db" --stats --json | jq -c '{articles, files, terms}'
}

# cfgrun CMD...: CMD with HOME=$H (the suite's test home) and no other
# configuration: no NSEARCH_CONFIG, XDG_CONFIG_HOME, NSEARCH_DB or NO_COLOR.
cfgrun() { env -u NSEARCH_CONFIG -u XDG_CONFIG_HOME -u NSEARCH_DB -u NO_COLOR HOME="$H" "$@"; }

# stray DB: what should not be in index folder DB after a run that ended
# (anything but the stub, the lock, one generation and its readers' lock).
stray() {
    ls "$1" | grep -v -x -e XAPIANDB -e write.lock -e 'gen-[0-9]*' -e 'gen-[0-9]*.readers'
    n=$(ls -d "$1"/gen-*[0-9] 2>/dev/null | wc -l)
    [ "$n" = 1 ] || echo "$n generations"
}

# serve_start DB OUT [ERR [ARGS...]]: nsearch --serve ARGS on DB in the
# background (pid in $server), its answers into OUT, its stderr into ERR
# (else into OUT too);
# serve_ask REQUEST sends it a request line and waits (10 s at most) for
# its answer; serve_stop closes its input and waits for it to end (its exit
# status is serve_stop's). The requests go through a fifo opened read-write,
# so a write never blocks nor kills the suite when the server is gone.
serve_start() {
    ss_db=$1 ss_out=$2 ss_err=${3:-$2}
    shift 2
    [ $# -gt 0 ] && shift
    rm -f "$T/serve.in" && mkfifo "$T/serve.in"
    : >"$ss_out"
    "$NSEARCH" --db "$ss_db" --serve "$@" <"$T/serve.in" >"$ss_out" 2>"$ss_err" &
    server=$!
    exec 9<>"$T/serve.in"
}
serve_ask() {
    ss_want=$(($(wc -l <"$ss_out") + 1)) ss_i=0
    echo "$1" >&9
    while [ "$(wc -l <"$ss_out")" -lt "$ss_want" ] && [ $ss_i -lt 100 ] && kill -0 "$server" 2>/dev/null; do
        sleep 0.1
        ss_i=$((ss_i + 1))
    done
}
serve_stop() {
    exec 9>&-
    wait "$server"
}
