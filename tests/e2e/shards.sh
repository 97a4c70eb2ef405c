# shards.sh: one corpus in shards served by xapian-tcpsrv on 127.0.0.1 and
# searched through a stub file answers exactly like a single index; a shard
# that is down or stopped gives a bounded, named error, or partial results
# with --allow-partial. Only loopback addresses are used.
. "$TOP/tests/e2e/lib.sh"
if ! command -v xapian-tcpsrv >/dev/null 2>&1; then
    skip "sharded search" "xapian-tcpsrv not installed (Debian: xapian-tools)"
    exit 0
fi
pids=""
cleanup() {
    for p in $pids; do
        case "$p" in '' | 0 | 1 | *[!0-9]*) continue ;; esac
        kill -CONT "$p" 2>/dev/null
        kill "$p" 2>/dev/null
    done
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

# Ports are drawn from NSEARCH_E2E_PORTS (LO-HI), for machines shared by
# several runs.
ports=${NSEARCH_E2E_PORTS:-20000-59999}

# listening PORT PID: wait until the xapian-tcpsrv PID answers on PORT,
# asked by libxapian itself (xapian-delve), polling 50 times at most; and,
# where ss(8) can tell, PID is the one listening (not another process on a
# port taken, which PID then fails to bind).
listening() {
    printf 'remote 127.0.0.1:%s\n' "$1" >"$T/probe.stub"
    i=0
    while [ "$i" -lt 50 ] && kill -0 "$2" 2>/dev/null; do
        if xapian-delve "$T/probe.stub" >/dev/null 2>&1; then
            command -v ss >/dev/null 2>&1 || return 0
            ss -Hltnp "sport = :$1" 2>/dev/null | grep -q "pid=$2," && return 0
            return 1
        fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# start_on PORT DB: xapian-tcpsrv for DB on 127.0.0.1:PORT; prints its pid
# once it answers. Its own session: on SIGTERM xapian-tcpsrv signals its
# whole process group, which would otherwise include this shell; and not
# the fifo of serve_start (fd 9), which would keep a server's input open.
start_on() {
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$1" --quiet --timeout 20000 "$2" \
        >/dev/null 2>&1 9>&- &
    sp=$!
    if listening "$1" "$sp"; then
        echo "$sp"
        return 0
    fi
    kill "$sp" 2>/dev/null
    return 1
}

# serve DB: start xapian-tcpsrv on a free loopback port; prints "PORT PID".
serve() {
    for try in 1 2 3 4 5 6 7 8 9 10; do
        port=$(shuf -i "$ports" -n 1)
        case " $pids " in *" port:$port "*) continue ;; esac # one of ours
        if p=$(start_on "$port" "$1"); then
            echo "$port $p"
            return 0
        fi
    done
    return 1
}

# The fields a client sees, for every match of a query (not the summary).
# (A broken answer, or one naming another query, is "BROKEN".)
matches() {
    json_answer "$1" -n 30 "$2" >"$T/m.json"
    jq -e -s --arg q "$2" 'last.query == $q' "$T/m.json" >/dev/null 2>&1 || { echo BROKEN; return; }
    jq -c 'select(.type=="match") | del(.rank) | [.path,.line,.column,.id,.title,.date,.source,.score,.article_rank,.text,.spans]' "$T/m.json"
}

compare() { # DESC SINGLE STUB QUERIES...
    desc=$1 one=$2 many=$3
    shift 3
    bad=0
    for q in "$@"; do
        matches "$one" "$q" >"$T/a"
        matches "$many" "$q" >"$T/b"
        [ -s "$T/a" ] && [ "$(cat "$T/a")" != BROKEN ] || { bad=1; echo "    no results for $q"; }
        cmp -s "$T/a" "$T/b" || { bad=1; echo "    differs for $q"; diff "$T/a" "$T/b" | head -n 4 | cut -c1-200 | sed 's/^/    /'; }
    done
    [ "$bad" = 0 ] && ok "$desc" || not_ok "$desc"
}

# Index a copy of the corpus, then delete the copy: answers must come from
# the index alone, passages included.
cp -r "$TOP/corpus" "$T/corpus"
"$NSEARCH_INDEX" --db "$T/single" "$T/corpus"
for k in 1 2 3; do "$NSEARCH_INDEX" --db "$T/shard$k" --shard-of "$k/3" "$T/corpus"; done
total=0
for k in 1 2 3; do total=$((total + $("$NSEARCH_INDEX" --db "$T/shard$k" --stats --json | jq .articles))); done
expect "three shards hold every article once" "$("$NSEARCH_INDEX" --db "$T/single" --stats --json | jq .articles)" "$total"
rm -rf "$T/corpus"

set -- $(serve "$T/shard1") && port1=$1 && pid1=$2 && pids="$pids $pid1 port:$port1"
set -- $(serve "$T/shard2") && port2=$1 && pid2=$2 && pids="$pids $pid2 port:$port2"
if [ -z "${port1:-}" ] || [ -z "${port2:-}" ]; then not_ok "xapian-tcpsrv started"; exit 0; fi
ok "two xapian-tcpsrv on 127.0.0.1 ($port1, $port2)"
cat >"$T/stub" <<STUB
# two remote shards and a local one
remote 127.0.0.1:$port1
remote tcp 127.0.0.1:$port2
auto shard3
STUB
compare "remote shards answer like a single index (order, scores, snippets, metadata)" \
    "$T/single" "$T/stub" "Umerov meeting" '"security guarantees"' "rates OR inflation" \
    "flood -storm" "title:ceasefire" "date:2025-12 Zelenskyy"

# Wildcards through remote shards read each shard's record of forms over
# the remote protocol (query-syntax.md, Wildcards): `dy*` finds "dying"
# (stem "die"), `story*` "story" ("stori"), `possibili*` "possibility"
# ("possibl"), as in one index; `deja*` not "déjà". Hand-made: the article
# each finds (w1..w4), its --count, and the same over the stub.
w=$T/wild
mkdir -p "$w"
printf 'Autumn\nDate: 2024-08-11\n\nLeaves were dying.\n\nA possibility.\n' >"$w/w1.txt"
printf 'Town\nDate: 2024-08-10\n\nA good story.\n\nLive music.\n' >"$w/w2.txt"
printf 'Travel\nDate: 2024-08-08\n\nUn d\303\251j\303\240 vu.\n' >"$w/w3.txt"
printf 'Memory\nDate: 2024-08-09\n\nSome deja vu, dyed hair.\n' >"$w/w4.txt"
for k in 1 2; do "$NSEARCH_INDEX" --db "$T/wild$k" --shard-of "$k/2" "$w"; done
set -- $(serve "$T/wild1") && wport1=$1 && pids="$pids $2 port:$1"
set -- $(serve "$T/wild2") && wport2=$1 && pids="$pids $2 port:$1"
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "${wport1:-0}" "${wport2:-0}" >"$T/wild.stub"
for case in 'dy*|w1.txt w4.txt|2' 'story*|w2.txt|1' 'possibili*|w1.txt|1' 'deja*|w4.txt|1' 'dyi*|w1.txt|1'; do
    q=${case%%|*} rest=${case#*|}
    want=${rest%%|*} n=${rest#*|}
    got=$("$NSEARCH" --db "$T/wild.stub" --files -n 10 "$q" 2>&1 | sed 's|.*/||' | sort | paste -sd ' ')
    got="$got|$("$NSEARCH" --db "$T/wild.stub" --count "$q" 2>&1)"
    expect "two remote shards: '$q' finds, and --count counts, what one index does" "$want|$n" "$got"
done

# A local shard's records are read with the copy of its own dictionary
# beside its tables (lib/schema.h, NS_ZDICT_FILE): another index's copy
# there leaves them unreadable, which the search says.
printf 'auto shard2\nauto shard3\n' >"$T/local"
z2=$T/shard2/$(sed -n 's/^auto //p' "$T/shard2/XAPIANDB")/nsearch.zdict
zs=$T/single/$(sed -n 's/^auto //p' "$T/single/XAPIANDB")/nsearch.zdict
expect "shard 2 and the single index have dictionaries, not the same" 1 \
    "$([ -s "$z2" ] && [ -s "$zs" ] && ! cmp -s "$z2" "$zs" && echo 1)"
"$NSEARCH" --db "$T/local" --json -n 50 --any "said OR the OR rates" >"$T/out" 2>"$T/err"
expect "a stub of two local shards answers, whole" "0 0 1" "$? $(wc -c <"$T/err" | tr -d ' ') $(
    jq -e -s 'length > 1 and last.type == "summary" and last.query == "said OR the OR rates"
        and last.matches == (map(select(.type == "match")) | length) and last.matches > 0' \
        "$T/out" >/dev/null 2>&1 && echo 1)"
cp "$z2" "$T/z2" && cp "$zs" "$z2"
"$NSEARCH" --db "$T/local" -n 50 --any "said OR the OR rates" >"$T/out" 2>"$T/err"
expect "... and with another index's dictionary beside shard 2's tables, says its records are damaged" \
    "2 1" "$? $(grep -c 'unreadable record' "$T/err")"
cp "$T/z2" "$z2"

# A stub naming one shard twice would list each of its results twice: it
# is refused (exit 2, nothing on stdout), naming the stub and the second
# line, whether the two lines are written alike or not (the canonical
# folder, through a link too; the live generation named directly; the same
# host:port). Without that line, the stub answers: the articles that
# mention Umerov (grep counts them in the corpus), each once.
g2=$(sed -n 's/^auto //p' "$T/shard2/XAPIANDB")
ln -s shard2 "$T/shard2-link"
n_umerov=$(grep -il umerov "$TOP"/corpus/*.txt | wc -l)
printf 'auto shard1\nauto shard2\nauto shard3\n' >"$T/three"
printf 'remote 127.0.0.1:%s\nauto shard2\nauto shard3\n' "$port1" >"$T/three-r"
printf 'auto shard2\n' >"$T/dup1"
printf '# the same again\nauto ./shard2//\n' >"$T/dup2"
printf 'auto %s/shard2/%s\n' "$T" "$g2" >"$T/dup3"
printf 'auto shard2-link\n' >"$T/dup4"
printf 'remote tcp 127.0.0.1:%s\n' "$port1" >"$T/dup5"
for d in dup1:4:three dup2:5:three dup3:4:three dup4:4:three dup5:4:three-r; do
    f=${d%%:*} l=${d#*:} base=${d##*:}
    l=${l%%:*}
    cat "$T/$base" "$T/$f" >"$T/$f.stub"
    "$NSEARCH" --db "$T/$f.stub" --allow-partial --files -n 100 umerov >"$T/out" 2>"$T/err"
    rc=$?
    got="$rc $(grep -c "^nsearch: $T/$f.stub:$l: shard .* is line [0-9]*'s shard again" "$T/err") $(wc -c <"$T/out" | tr -d ' ')"
    got="$got $("$NSEARCH" --db "$T/$base" --files -n 100 umerov | sort -u | wc -l) $("$NSEARCH" --db "$T/$base" --files -n 100 umerov | wc -l)"
    expect "a stub naming one shard twice is refused ($f: line $l); without it, it answers" \
        "2 1 0 $n_umerov $n_umerov" "$got"
done

# A shard that is down: a named error at once; or partial results.
kill "$pid2"
wait "$pid2" 2>/dev/null
start=$(date +%s%N)
"$NSEARCH" --db "$T/stub" rates >"$T/out" 2>"$T/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
# An error: exit 2, a message naming the shard, nothing on stdout.
expect "a down shard is an error" "2 1 " "$rc $(grep -c "127.0.0.1:$port2" "$T/err") $(head -c 100 "$T/out")"
check "the error names the shard" grep -q "127.0.0.1:$port2" "$T/err"
# whole QUERY FILE: FILE is a whole --json answer to QUERY with matches.
whole() {
    jq -e -s --arg q "$1" 'length > 1 and last.type == "summary" and last.query == $q and
        last.matches == (map(select(.type == "match")) | length) and last.matches > 0' "$2" >/dev/null 2>&1
}
"$NSEARCH" --db "$T/stub" --allow-partial --json -n 50 security >"$T/out" 2>"$T/err"
rc=$?
whole security "$T/out" && w=whole || w=broken
expect "--allow-partial answers from the others" "0 whole" "$rc $w"
expect "--allow-partial warns naming the shard" "1 whole" "$(grep -c "127.0.0.1:$port2" "$T/err") $w"
n_partial=$(jq -r 'select(.type=="match") | .path' "$T/out" | sort -u | wc -l)
[ "$w" = whole ] || n_partial=0
n_all=$("$NSEARCH" --db "$T/single" --json -n 50 security | jq -r 'select(.type=="match") | .path' | sort -u | wc -l)
if [ "$n_partial" -gt 0 ] && [ "$n_partial" -lt "$n_all" ]; then ok "partial results are a subset ($n_partial of $n_all articles)"; else not_ok "partial results: $n_partial of $n_all"; fi

# A shard that hangs (stopped): bounded by --timeout, never a hang.
kill -STOP "$pid1"
start=$(date +%s%N)
"$NSEARCH" --db "$T/stub" --timeout 1000 rates >"$T/out" 2>"$T/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
expect "a hung shard is an error" "2 1 " "$rc $(grep -c "127.0.0.1:$port1" "$T/err") $(head -c 100 "$T/out")"
check "the error names the hung shard" grep -q "127.0.0.1:$port1" "$T/err"
if [ "$ms" -lt 8000 ] && [ "$rc" = 2 ] && grep -q "127.0.0.1:$port1" "$T/err"; then ok "bounded by the timeout (${ms} ms)"; else not_ok "took ${ms} ms, exit $rc"; fi
"$NSEARCH" --db "$T/stub" --timeout 1000 --allow-partial --json rates >"$T/out" 2>"$T/err"
rc=$?
whole rates "$T/out" && w=whole || w=broken
expect "--allow-partial with a hung and a down shard answers from the local one" "0 whole" "$rc $w"
kill -CONT "$pid1"

# The judged-size point: reuters21578 in two remote shards (skips without it).
R="$CORPORA/reuters21578/docs"
if [ -d "$R" ]; then
    "$NSEARCH_INDEX" --db "$T/r-single" "$R"
    "$NSEARCH_INDEX" --db "$T/r1" --shard-of 1/2 "$R"
    "$NSEARCH_INDEX" --db "$T/r2" --shard-of 2/2 "$R"
    set -- $(serve "$T/r1") && pids="$pids $2 port:$1" && rp1=$1
    set -- $(serve "$T/r2") && pids="$pids $2 port:$1" && rp2=$1
    printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$rp1" "$rp2" >"$T/r-stub"
    compare "reuters21578: two remote shards answer like one index" "$T/r-single" "$T/r-stub" \
        "oil prices" '"interest rates"' "coffee OR cocoa" "bank -loan" "gold NEAR/5 price"
else
    skip "reuters21578 in shards" "../shared/corpora absent"
fi

# nsearch --serve over remote shards that change underneath it: a merge and
# a rebuild make a new generation and delete the one the server's open
# connection reads (xapian-tcpsrv holds no reader's lock, and a remote
# reopen never reads the shard folder's XAPIANDB again); a restarted server
# drops its connections. Each time the next request must answer as a fresh
# one-shot query does, and find the new articles (files named quokka*, the
# only ones with that word: three, then two).
L="$T/lc"
cp -r "$TOP/corpus" "$L"
"$NSEARCH_INDEX" --db "$T/l1" --shard-of 1/2 "$L"
"$NSEARCH_INDEX" --db "$T/l2" --shard-of 2/2 "$L"
set -- $(serve "$T/l1") && lp1=$1 && lpid1=$2 && pids="$pids $lpid1 port:$lp1"
set -- $(serve "$T/l2") && lp2=$1 && lpid2=$2 && pids="$pids $lpid2 port:$lp2"
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "${lp1:-0}" "${lp2:-0}" >"$T/live.stub"
# gen DB: the generation the index folder DB names.
gen() { sed -n 's/^auto //p' "$1/XAPIANDB"; }
# stop PID: end that xapian-tcpsrv and wait (polling, bounded) until it has.
stop() {
    kill "$1" 2>/dev/null
    i=0
    while kill -0 "$1" 2>/dev/null && [ "$i" -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}
# restart PORT DB: xapian-tcpsrv for DB on PORT again (a few tries while the
# old one's port is let go); prints its pid.
restart() {
    for try in 1 2 3 4 5 6 7 8 9 10; do
        start_on "$1" "$2" && return 0
    done
    return 1
}
# served LINE OUT ARGS...: "same" when the matches of response LINE of OUT
# are those of the one-shot nsearch --json -n 50 ARGS on the stub (else
# "differs", or "BROKEN" when either has none), then its warnings, and how
# many of its files are quokka files, of how many: "same, warnings 0,
# quokkas 2 of 2".
served() {
    sed -n "${1}p" "$2" | jq -c '.matches[]' >"$T/got" 2>/dev/null
    w=$(sed -n "${1}p" "$2" | jq '.warnings | length' 2>/dev/null)
    qk=$(sed -n "${1}p" "$2" | jq -r '[.matches[].path] | unique | "\(map(select(test("/quokka[0-9]"))) | length) of \(length)"' 2>/dev/null)
    shift 2
    "$NSEARCH" --db "$T/live.stub" --json -n 50 "$@" 2>/dev/null | jq -c 'select(.type=="match")' >"$T/want"
    if ! [ -s "$T/got" ] || ! [ -s "$T/want" ]; then
        echo BROKEN
    elif cmp -s "$T/got" "$T/want"; then
        echo "same, warnings ${w:-none}, quokkas ${qk:-none}"
    else
        echo "differs, warnings ${w:-none}, quokkas ${qk:-none}"
        diff "$T/want" "$T/got" | head -n 4 | cut -c1-200 >&2
    fi
}
# moved DB OLD: "new gone" when the index folder DB names another
# generation than OLD, and OLD is deleted.
moved() { echo "$([ "$(gen "$1")" != "$2" ] && echo new) $([ -e "$1/$2" ] || echo gone)"; }
if [ -z "${lpid1:-}" ] || [ -z "${lpid2:-}" ]; then
    not_ok "xapian-tcpsrv started for the live shards"
else
    serve_start "$T/live.stub" "$T/sv" "$T/sv.err" -n 50
    serve_ask '{"id":1,"query":"umerov"}'
    expect "serve over remote shards: answers as a one-shot query (every article that mentions Umerov)" \
        "same, warnings 0, quokkas 0 of $n_umerov" "$(served 1 "$T/sv" umerov)"
    for k in 1 2 3; do
        printf 'Quokka sighting %s\nDate: 2025-12-2%s\n\nA quokka was seen near the harbour, report %s said.\n' \
            "$k" "$k" "$k" >"$L/quokka$k.txt"
    done
    g1=$(gen "$T/l1")
    NSEARCH_MERGE=always "$NSEARCH_INDEX" --db "$T/l1" "$L"
    "$NSEARCH_INDEX" --db "$T/l2" "$L"
    serve_ask '{"id":2,"query":"quokka"}'
    expect "serve over remote shards: after a merge replaced shard 1's generation (deleting the old), answers as a one-shot query" \
        "new gone; same, warnings 0, quokkas 3 of 3" "$(moved "$T/l1" "$g1"); $(served 2 "$T/sv" quokka)"
    rm "$L/quokka1.txt"
    g2=$(gen "$T/l2")
    "$NSEARCH_INDEX" --db "$T/l2" --rebuild "$L"
    "$NSEARCH_INDEX" --db "$T/l1" "$L"
    serve_ask '{"id":3,"query":"quokka"}'
    expect "serve over remote shards: after a rebuild of shard 2 (deleting the old generation), answers as a one-shot query" \
        "new gone; same, warnings 0, quokkas 2 of 2" "$(moved "$T/l2" "$g2"); $(served 3 "$T/sv" quokka)"
    stop "$lpid1"
    lpid1=$(restart "$lp1" "$T/l1") && pids="$pids $lpid1"
    serve_ask '{"id":4,"query":"quokka"}'
    expect "serve over remote shards: after shard 1's server restarted, answers as a one-shot query" \
        "same, warnings 0, quokkas 2 of 2" "$(served 4 "$T/sv" quokka)"
    # A server that is down: the error names the stub line and the shard
    # (README: "news.stub:2: shard remote ..."); once it is back, answers.
    stop "$lpid2"
    serve_ask '{"id":5,"query":"quokka"}'
    err5=$(sed -n 5p "$T/sv" | jq -r --arg p "$T/live.stub:2: shard remote 127.0.0.1:$lp2: " \
        '"\(.error.kind) \(.error.message | startswith($p) | if . then 1 else 0 end)"' 2>/dev/null)
    lpid2=$(restart "$lp2" "$T/l2") && pids="$pids $lpid2"
    serve_ask '{"id":6,"query":"quokka"}'
    r6=$(served 6 "$T/sv" quokka)
    serve_stop
    rc=$?
    expect "serve: a shard down is an error naming the stub line and the shard; once it is back, answers as a one-shot query; exit 0, every request answered in order" \
        "index 1; same, warnings 0, quokkas 2 of 2; 0 1:1:answer 2:1:answer 3:1:answer 4:1:answer 5:1:index 6:1:answer" \
        "$err5; $r6; $rc $(jq -r '"\(.id):\(.version):\(.error.kind // (if .summary.type == "summary" then "answer" else "?" end))"' "$T/sv" | tr '\n' ' ' | sed 's/ $//')"

    # --allow-partial, a shard down at start: each response carries the
    # warning naming it (what stderr says for a one-shot query), with the
    # other shard's answer: its quokka files, which xapian-delve counts;
    # once it is back, the whole answer and no warning.
    q1=$(xapian-delve -t quokka "$T/l1/$(gen "$T/l1")" 2>/dev/null | sed -n 's/.*termfreq \([0-9]*\).*/\1/p')
    stop "$lpid2"
    serve_start "$T/live.stub" "$T/sp" "$T/sp.err" -n 50 --allow-partial
    serve_ask '{"id":1,"query":"quokka"}'
    serve_ask '{"id":2,"query":"quokka","per_article":1}'
    "$NSEARCH" --db "$T/live.stub" --allow-partial quokka >/dev/null 2>"$T/one.err"
    for i in 1 2; do
        set -- --per-article 1
        [ "$i" = 1 ] && set --
        expect "serve --allow-partial, shard 2 down: response $i warns as a one-shot query does (naming the stub line), with shard 1's answer" \
            "1 1; same, warnings 1, quokkas ${q1:-?} of ${q1:-?}" "$(sed -n "${i}p" "$T/sp" | jq -r --arg w "$(cat "$T/one.err")" \
                --arg p "$T/live.stub:2: shard remote 127.0.0.1:$lp2 is unavailable" \
                '"\(.warnings | length) \(.warnings | map(select("nsearch: \(.message)" == $w and (.message | startswith($p)) and .column == null)) | length)"' 2>/dev/null); $(served "$i" "$T/sp" --allow-partial "$@" quokka)"
    done
    lpid2=$(restart "$lp2" "$T/l2") && pids="$pids $lpid2"
    serve_ask '{"id":3,"query":"quokka"}'
    expect "serve --allow-partial: once shard 2 is back, the whole answer, no warning" \
        "same, warnings 0, quokkas 2 of 2" "$(served 3 "$T/sp" quokka)"
    serve_stop
fi
