# damaged.sh: a missing or damaged index gives one message that names the
# index and says what to do (issue 13), in nsearch and in serve mode's error
# responses: no index (missing or empty folder) -> "no index at PATH: run
# nsearch-index --db PATH FOLDER to build one"; an empty or garbled XAPIANDB
# stub, none beside a generation that was live (also in --check), a stub
# naming a missing generation, truncated or garbled table
# files, an empty iamglass -> "index PATH is damaged (...): see what is wrong
# with nsearch-index --db PATH --check, rebuild it with nsearch-index --db
# PATH --rebuild"; another schema -> the --rebuild advice. Never Xapian's
# bare text ("(xc_...)", "Can't make an Enquire object").
. "$TOP/tests/e2e/lib.sh"

build_index "index the sample corpus" "$T/good" "$TOP/corpus"
gen=$(sed -n 's/^auto //p' "$T/good/XAPIANDB")
expect "the index names its generation" 1 "$([ -d "$T/good/$gen" ] && echo 1)"
cd "$T" || exit 2

variant() { # NAME: a copy of the good index
    rm -rf "$T/$1"
    cp -r "$T/good" "$T/$1"
}
size() { wc -c <"$1" | tr -d ' '; }

mkdir -p empty-folder
variant empty-stub && : >empty-stub/XAPIANDB
variant comment-stub && printf '# nothing here\n\n' >comment-stub/XAPIANDB
variant garbage-stub && printf 'hello world\n\001\002\n' >garbage-stub/XAPIANDB
variant missing-gen && rm -rf "missing-gen/$gen"
variant empty-iamglass && : >"empty-iamglass/$gen/iamglass"
for t in postlist docdata termlist; do
    for frac in 1 2 3 4 6; do
        v="trunc-$t-$frac"
        variant "$v"
        f="$v/$gen/$t.glass"
        truncate -s "$(($(size "$f") * frac / 8 / 8192 * 8192))" "$f"
    done
    v="garble-$t"
    variant "$v"
    f="$v/$gen/$t.glass"
    yes 'not a glass block' | head -c 16384 | dd of="$f" bs=1 seek=8192 conv=notrunc 2>/dev/null
done
variant schema
# The records' dictionary (lib/pack.h): garbled, or gone (its records then
# name a dictionary the index lacks), with the copy searches read instead
# (schema.h, NS_ZDICT_FILE) gone too.
zfile=nsearch.zdict
expect "a fresh build writes the dictionary's copy beside the tables" 1 \
    "$([ "$(wc -c <"good/$gen/$zfile")" -gt 1000 ] && echo 1)"
variant garble-zdict && rm "garble-zdict/$gen/$zfile"
variant no-zdict && rm "no-zdict/$gen/$zfile"
if command -v xapian-metadata >/dev/null 2>&1; then
    xapian-metadata set "schema/$gen" nsearch.schema 9
    expect "the sample corpus's records are packed: the index has a dictionary" 1 \
        "$([ "$(xapian-metadata get "garble-zdict/$gen" nsearch.zdict | wc -c)" -gt 1000 ] && echo 1)"
    xapian-metadata set "garble-zdict/$gen" nsearch.zdict "$(head -c 3000 "$TOP/COPYING")"
    xapian-metadata set "no-zdict/$gen" nsearch.zdict ''
    has_schema=1
else
    has_schema=0
fi

advice_build() { echo "nsearch: no index at $1: run nsearch-index --db $1 FOLDER to build one"; }
advised() { # DB MESSAGE: does MESSAGE name DB and the way out?
    case "$2" in
    "nsearch: no index at $1: run nsearch-index --db $1 FOLDER to build one") return 0 ;;
    "nsearch: index $1 is damaged ("*"): see what is wrong with nsearch-index --db $1 --check, rebuild it with nsearch-index --db $1 --rebuild") ;;
    "nsearch: $1: index schema "*": rebuild it with nsearch-index --db $1 --rebuild") ;;
    *) return 1 ;;
    esac
    case "$2" in *"(xc_"* | *"Can't make an Enquire"*) return 1 ;; esac
    return 0
}

expect "missing folder: no index, and how to build one" "$(advice_build "$T/nowhere")" \
    "$(search "$T/nowhere" said 2>&1)"
expect "empty folder: no index, and how to build one" "$(advice_build empty-folder)" \
    "$(search empty-folder said 2>&1)"
expect "empty XAPIANDB: named as such" 1 \
    "$(search empty-stub said 2>&1 | grep -c '^nsearch: index empty-stub is damaged (empty-stub/XAPIANDB is empty: it names no generation): see what is wrong with nsearch-index --db empty-stub --check, rebuild it with nsearch-index --db empty-stub --rebuild$')"
expect "a path with a space is quoted in the advice" \
    "nsearch: no index at $T/no where: run nsearch-index --db '$T/no where' FOLDER to build one" \
    "$(search "$T/no where" said 2>&1)"

# XAPIANDB gone beside the generation that was live: damaged, not "no
# index", in nsearch, serve mode and --check alike, with the detail the
# indexer's update gives.
variant missing-stub && rm missing-stub/XAPIANDB
lost="index missing-stub is damaged (missing-stub/XAPIANDB is missing, but $gen was live): see what is wrong with nsearch-index --db missing-stub --check, rebuild it with nsearch-index --db missing-stub --rebuild"
search missing-stub said >"$T/out" 2>"$T/err"
got="$? $(wc -c <"$T/out" | tr -d ' ') $(cat "$T/err")"
"$NSEARCH_INDEX" --db missing-stub --check >"$T/out" 2>"$T/err"
got="$got|$? $(cat "$T/err")"
"$NSEARCH_INDEX" --db missing-stub "$TOP/corpus" >"$T/out" 2>"$T/err"
got="$got|$? $(cat "$T/err")"
expect "missing-stub (XAPIANDB gone beside a live generation): damaged, in nsearch (exit 2, nothing printed), --check (exit 4) and the update (exit 4) alike: nsearch names the index and the way out" \
    "2 0 nsearch: $lost|4 nsearch-index: $lost|4 nsearch-index: missing-stub: the index is damaged (missing-stub/XAPIANDB is missing, but $gen was live): nothing was changed; see nsearch-index --db missing-stub --check, then rebuild it with nsearch-index --db missing-stub --rebuild (give the corpus folders if it can't read them from the index)" \
    "$got"
# ... but a generation a first build is still making (nsearch.pending names
# it) is no live one: still no index.
variant first-build && rm first-build/XAPIANDB && echo "${gen#gen-}" >first-build/nsearch.pending
search first-build said >"$T/out" 2>"$T/err"
expect "first-build (its generation pending, no XAPIANDB yet): nsearch names the index and the way out" \
    "2 0 $(advice_build first-build)" "$? $(wc -c <"$T/out" | tr -d ' ') $(cat "$T/err")"
printf '%s\n' '{"id":1,"query":"said"}' | "$NSEARCH" --db missing-stub --serve >"$T/out" 2>"$T/err"
expect "missing-stub: serve mode refuses to start, with the advice" "2 nsearch: $lost" "$? $(cat "$T/err")"

# An answer to the query below, whole: the summary last, counting the
# matches, naming the query asked (not another).
whole='length > 0 and last.type == "summary" and last.query == "said OR the OR year"
    and last.matches == (map(select(.type == "match")) | length) and last.matches > 0'
broken=0 late=0 n=0
for v in empty-folder empty-stub comment-stub garbage-stub missing-gen empty-iamglass trunc-* garble-* schema no-zdict; do
    case "$v" in schema | *-zdict) [ "$has_schema" = 0 ] && continue ;; esac
    n=$((n + 1))
    search "$v" --json -n 100 --any 'said OR the OR year' >"$T/out" 2>"$T/err"
    rc=$?
    msg=$(cat "$T/err")
    if [ "$rc" -eq 2 ]; then
        if advised "$v" "$msg" && [ "$(wc -l <"$T/err")" -eq 1 ] && ! [ -s "$T/out" ]; then
            broken=$((broken + 1))
            ok "$v: nsearch names the index and the way out"
        else
            not_ok "$v: nsearch names the index and the way out"
            echo "    $msg"
        fi
    elif [ "$rc" -le 1 ] && [ -z "$msg" ] && jq -e -s "$whole" "$T/out" >/dev/null 2>&1; then
        ok "$v: damage that this search does not touch: answered (exit $rc)"
    else
        not_ok "$v: exit $rc"
        echo "    $msg"
    fi
    # Serve mode: an error at start is exit 2 with the same message; an
    # error met by a request is an "index" error response carrying it.
    printf '%s\n' '{"id":1,"query":"said OR the OR year","any":true,"limit":100}' |
        "$NSEARCH" --db "$v" --serve >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" -eq 2 ]; then
        if advised "$v" "$(cat "$T/err")"; then ok "$v: serve mode refuses to start, with the advice"; else
            not_ok "$v: serve mode refuses to start, with the advice"
            sed 's/^/    /' "$T/err"
        fi
    elif jq -e '.error' "$T/out" >/dev/null 2>&1; then
        kind=$(jq -r .error.kind "$T/out")
        m=$(jq -r .error.message "$T/out")
        if [ "$kind" = index ] && advised "$v" "nsearch: $m"; then
            late=$((late + 1))
            ok "$v: serve mode's error response names the index and the way out"
        else
            not_ok "$v: serve mode's error response names the index and the way out"
            echo "    kind $kind: $m"
        fi
    elif jq -e -s 'length == 1 and .[0].id == 1 and .[0].summary.query == "said OR the OR year"
            and .[0].summary.matches == (.[0].matches | length) and .[0].summary.matches > 0' "$T/out" >/dev/null 2>&1; then
        ok "$v: serve mode answered (damage this request does not touch)"
    else
        not_ok "$v: serve mode: exit $rc, neither the advice nor an answer"
        head -c 300 "$T/out" | sed 's/^/    /'
        sed 's/^/    /' "$T/err"
    fi
done
expect "most damaged indexes were refused ($broken of $n)" 1 "$([ "$broken" -ge $((n * 2 / 3)) ] && echo 1)"
expect "some damage was met only by a request, after opening ($late)" 1 "$([ "$late" -ge 1 ] && echo 1)"
if [ "$has_schema" = 1 ]; then
    for v in garble-zdict no-zdict; do
        search "$v" said >"$T/out" 2>"$T/err"
        expect "$v: nsearch refuses with the advice (exit 2, nothing printed)" "2 0 1" \
            "$? $(wc -c <"$T/out" | tr -d ' ') $(grep -c "^nsearch: index $v is damaged (" "$T/err")"
        "$NSEARCH_INDEX" --db "$v" --check >"$T/out" 2>&1
        expect "$v: --check finds it (exit 4)" 4 "$?"
    done
    "$NSEARCH_INDEX" --db garble-zdict --check >"$T/out" 2>&1
    expect "garble-zdict: --check names the dictionary" 1 \
        "$(grep -c "the records' dictionary (nsearch.zdict) is damaged" "$T/out")"
    "$NSEARCH_INDEX" --db no-zdict --check >"$T/out" 2>&1
    docs=$(xapian-delve "no-zdict/$gen" | sed -n 's/^number of documents = //p')
    expect "no-zdict: --check names every record, as it can read none ($docs documents)" "$docs" \
        "$(grep -c 'unreadable record$' "$T/out")"
fi

# The dictionary's copy beside the tables (schema.h, NS_ZDICT_FILE), which a
# local search reads instead of the recorded one. Gone, not a dictionary,
# not a regular file or too big: the search reads the recorded one and
# answers as the intact index does. Another index's dictionary: the records
# can't be read, and the search says the index is damaged. --check compares
# the copy with the recorded dictionary.
mkdir -p half
for f in "$TOP"/corpus/*.txt; do
    case "$(basename "$f")" in 2025-1[12]-*) cp "$f" half/ ;; esac
done
build_index "index part of the sample corpus" "$T/other" half
ogen=$(sed -n 's/^auto //p' other/XAPIANDB)
expect "part of the corpus learns another dictionary" 1 \
    "$([ -s "other/$ogen/$zfile" ] && ! cmp -s "other/$ogen/$zfile" "good/$gen/$zfile" && echo 1)"
# whole5 FILE: FILE is a whole --json answer to `said` with 5 matches.
whole5() {
    jq -e -s 'length == 6 and last.type == "summary" and last.query == "said"
        and last.matches == 5 and (map(select(.type == "match")) | length) == 5' "$1" >/dev/null 2>&1
}
matches5() { jq -c 'select(.type == "match")' "$1" 2>/dev/null | md5sum; }
search good --json -n 5 said >"$T/want" 2>&1
expect "the intact index answers" 1 "$(whole5 "$T/want" && echo 1)"
variant zcopy-gone && rm "zcopy-gone/$gen/$zfile"
variant zcopy-garbage && head -c 3000 "$TOP/COPYING" >"zcopy-garbage/$gen/$zfile"
variant zcopy-fifo && rm "zcopy-fifo/$gen/$zfile" && mkfifo "zcopy-fifo/$gen/$zfile"
variant zcopy-link && ln -sf "$T/other/$ogen/$zfile" "zcopy-link/$gen/$zfile"
variant zcopy-huge && truncate -s 40M "zcopy-huge/$gen/$zfile"
variant zcopy-other && cp "other/$ogen/$zfile" "zcopy-other/$gen/$zfile"
for v in zcopy-gone zcopy-garbage zcopy-fifo zcopy-link zcopy-huge; do
    timeout 20 "$NSEARCH" --db "$v" --json -n 5 said >"$T/out" 2>&1
    expect "$v: answered from the recorded dictionary, as the intact index" \
        "0 1 $(matches5 "$T/want")" "$? $(whole5 "$T/out" && echo 1) $(matches5 "$T/out")"
done
timeout 20 "$NSEARCH" --db zcopy-other --json -n 5 said >"$T/out" 2>"$T/err"
expect "zcopy-other: another index's dictionary: refused with the advice (exit 2, nothing printed)" \
    "2 0 1" "$? $(wc -c <"$T/out" | tr -d ' ') $(grep -c "^nsearch: index zcopy-other is damaged (" "$T/err")"
"$NSEARCH_INDEX" --db good --check >"$T/out" 2>&1
expect "the intact index: --check finds nothing" 0 "$?"
"$NSEARCH_INDEX" --db zcopy-gone --check >"$T/out" 2>&1
expect "zcopy-gone: --check finds nothing (the copy is optional)" 0 "$?"
for v in zcopy-garbage zcopy-other; do
    "$NSEARCH_INDEX" --db "$v" --check >"$T/out" 2>&1
    expect "$v: --check names the copy (exit 4)" "4 1" \
        "$? $(grep -c "$v/$gen/$zfile is not the records' dictionary (nsearch.zdict)" "$T/out")"
    expect "$v: --check counts the problem and names the index in its advice (the last line)" \
        "nsearch-index: $v: 1 problem found; rebuild with nsearch-index --db $v --rebuild" \
        "$(tail -n 1 "$T/out")"
done
