# hostile.sh: an index or stub from an untrusted place never runs a
# program (libxapian's stubs accept `remote :PROGRAM`): nsearch reads every
# stub itself, allows only `auto FOLDER` and `remote [tcp] HOST:PORT`, and
# refuses the rest naming the file and line.
. "$TOP/tests/e2e/lib.sh"
C="$T/corpus"
mkdir -p "$C"
printf 'Oil prices rise\n\nOil prices rose on Monday.\n' >"$C/oil.txt"
build_index "index a small corpus" "$T/idx" "$C"
expect "the index answers" 1 "$("$NSEARCH" --db "$T/idx" --count oil)"

touch_stub() { # FILE LINE...: a stub whose lines would run touch
    f=$1
    shift
    printf '%s\n' "$@" >"$f"
}
n=0
for lines in "inmemory|remote :/usr/bin/touch $T/ran" "remote :/usr/bin/touch $T/ran" \
    "remote tcp :/usr/bin/touch $T/ran" "auto $T/idx|remote :/usr/bin/touch $T/ran" \
    "glass $T/idx/gen-1" "chert $T/idx" "# fine|prog /usr/bin/touch $T/ran"; do
    n=$((n + 1))
    (IFS='|'; set -f; touch_stub "$T/s$n.stub" $lines)
    bad=$(grep -n -v -e '^#' -e '^auto ' "$T/s$n.stub" | head -n 1 | cut -d: -f1)
    expect_exit "stub $n ($(echo "$lines" | cut -c1-30)...): refused naming the line" 2 \
        "^nsearch: $T/s$n.stub:$bad: " "$NSEARCH" --db "$T/s$n.stub" oil
    expect_none "stub $n: nothing was run" "$(ls "$T/ran" 2>/dev/null)" test -f "$T/s$n.stub"
done
# The same stub through NSEARCH_DB and a configuration file's db.
expect_exit "NSEARCH_DB naming a hostile stub: refused" 2 "^nsearch: $T/s1.stub:1: " env NSEARCH_DB="$T/s1.stub" "$NSEARCH" oil
mkdir -p "$T/cfg/nsearch"
printf 'db = %s\n' "$T/s2.stub" >"$T/cfg/nsearch/config"
expect_exit "a config's db naming a hostile stub: refused" 2 "^nsearch: $T/s2.stub:1: " \
    env -u NSEARCH_CONFIG XDG_CONFIG_HOME="$T/cfg" "$NSEARCH" oil
expect_none "…and nothing was run" "$(ls "$T/ran" 2>/dev/null)" test -f "$T/cfg/nsearch/config"

# An index folder whose XAPIANDB names more than its generation.
cp -r "$T/idx" "$T/bad"
printf 'auto gen-1\nremote :/usr/bin/touch %s/ran\n' "$T" >"$T/bad/XAPIANDB"
expect_exit "an index folder's XAPIANDB with a remote line: refused, naming it" 2 "$T/bad/XAPIANDB:2:" \
    "$NSEARCH" --db "$T/bad" oil
expect_exit "nsearch-index --stats on it: refused" 4 "XAPIANDB" "$NSEARCH_INDEX" --db "$T/bad" --stats
expect_exit "nsearch-index --check on it: refused" 4 "XAPIANDB" "$NSEARCH_INDEX" --db "$T/bad" --check
printf 'auto ../../../etc\n' >"$T/bad/XAPIANDB"
expect_exit "XAPIANDB naming a folder outside the index: refused" 2 "$T/bad/XAPIANDB:1:" "$NSEARCH" --db "$T/bad" oil
expect_none "no hostile stub ran anything" "$(ls "$T/ran" 2>/dev/null)" test -d "$T/bad"

# What is allowed still works: a stub of two local shards.
"$NSEARCH_INDEX" --db "$T/sh1" --shard-of 1/2 "$C" && "$NSEARCH_INDEX" --db "$T/sh2" --shard-of 2/2 "$C"
printf '# two shards\nauto sh1\n\nauto %s/sh2\n' "$T" >"$T/ok.stub"
expect "a stub of auto lines (relative and absolute) answers" 1 "$("$NSEARCH" --db "$T/ok.stub" --count oil)"

# ---- Hostile names and texts in every output format ----------------------
H="$T/hostile"
mkdir -p "$H"
nl=$(printf 'bad\nname:1:1:evil.txt')
osc=$(printf 'clip\033]52;c;ZXZpbA==\007.txt')
c1=$(printf 'c1\302\233name.txt')
bidi=$(printf 'bidi\342\200\256txt.exe.txt')
printf 'Zebra news\n\nA zebra in the first file.\n' >"$H/$nl"
printf 'Zebra clip\n\nA zebra in the second file.\n' >"$H/$osc"
printf 'Zebra \302\233 C1 \342\200\256 title\n\nA zebra \302\2332J here\342\200\256 and \033[31m there.\n' >"$H/$c1"
printf 'Zebra bidi\n\nA zebra in the fourth file.\n' >"$H/$bidi"
"$NSEARCH_INDEX" --db "$T/hidx" "$H" >"$T/hout" 2>&1 || { not_ok "index the hostile names"; cat "$T/hout"; }
unsafe() { # FILE: lines holding ESC, a C1 control or a bidi control
    LC_ALL=C grep -c "$(printf '\033')\|$(printf '\302')[$(printf '\200')-$(printf '\237')]\|$(printf '\342\200')[$(printf '\216\217\252')-$(printf '\256')]\|$(printf '\342\201')[$(printf '\246')-$(printf '\251')]" "$1"
}
for fmt in "" --no-heading --vimgrep --files; do
    "$NSEARCH" --db "$T/hidx" -n 20 $fmt zebra >"$T/h.out" 2>&1
    expect "${fmt:-text}: hostile names and texts, no ESC, C1 or bidi byte in the output" "0 4" \
        "$(unsafe "$T/h.out") $(grep -c 'zebra\|\.txt' "$T/h.out" | awk '{print ($1 >= 4) ? 4 : $1}')"
done
"$NSEARCH" --db "$T/hidx" -n 20 --vimgrep zebra >"$T/h.v"
expect "--vimgrep: one line per passage, even with a newline in a name" 4 "$(wc -l <"$T/h.v" | tr -d ' ')"
expect "--vimgrep: the newline name is quoted, not a fake location" 1 \
    "$(grep -c '^".*/bad\\nname:1:1:evil.txt":3:' "$T/h.v")"
"$NSEARCH" --db "$T/hidx" -n 20 --files zebra >"$T/h.f"
expect "--files: four lines, the clipboard name escaped" "4 1" \
    "$(wc -l <"$T/h.f" | tr -d ' ') $(grep -c '^".*/clip\\x1b\]52;c;ZXZpbA==\\x07.txt"$' "$T/h.f")"
expect "--files: bidi and C1 names escaped as \\u" "1 1" \
    "$(grep -c 'bidi\\u202etxt' "$T/h.f") $(grep -c 'c1\\u009bname' "$T/h.f")"
"$NSEARCH" --db "$T/hidx" -n 20 --files --null zebra >"$T/h.0"
expect "--null: the raw names, NUL after each" "4 1" \
    "$(tr -cd '\000' <"$T/h.0" | wc -c | tr -d ' ') $(tr '\000' '\n' <"$T/h.0" | grep -c '/bad$')"
"$NSEARCH" --db "$T/hidx" -n 20 --json zebra >"$T/h.j"
expect "--json: the real paths (jq reads them back)" "$(cd "$H" && ls | LC_ALL=C sort | tr '\n' '|')" \
    "$(jq -r 'select(.type == "match") | .path' "$T/h.j" | sed 's|.*/hostile/||' | LC_ALL=C sort | tr '\n' '|' | sed 's/|[^|]*$/|/' | head -c 1000)"
expect "--json: C1 and bidi controls written as \\u escapes" "0 1" \
    "$(unsafe "$T/h.j") $(grep -c '\\u009b' "$T/h.j" | awk '{print ($1 >= 1)}')"

# ---- Line and paragraph separators: one line per item -------------------
# U+2028 and U+2029 end a line for JavaScript, Emacs and Python's
# str.splitlines() (as NEL U+0085 does): in a name, a title and a passage,
# they must not split an item. Python counts the lines as such a reader does.
L="$T/lsep"
mkdir -p "$L"
ls_name=$(printf 'two\342\200\250lines.txt')
printf 'Gnu \342\200\250 title \342\200\251 end\n\nA gnu \342\200\250 with \302\205 three \342\200\251 lines.\n' >"$L/$ls_name"
"$NSEARCH_INDEX" --db "$T/lidx2" "$L" >"$T/lout" 2>&1 || { not_ok "index the separators corpus"; cat "$T/lout"; }
pylines() { python3 -c 'import sys; print(len(sys.stdin.buffer.read().decode("utf-8", "replace").splitlines()))' <"$1"; }
seps() { LC_ALL=C grep -c "$(printf '\342\200\250')\|$(printf '\342\200\251')\|$(printf '\302\205')" "$1"; }
# The lines each format prints for the one passage: text 3 (path, title,
# passage), the others 1; each names the file, quoted (\u2028).
for f in ":3" "--no-heading:1" "--vimgrep:1" "--files:1" "--json:2"; do
    fmt=${f%:*}
    "$NSEARCH" --db "$T/lidx2" $fmt gnu >"$T/ls.out" 2>&1
    expect "${fmt:-text}: U+2028, U+2029 and NEL split no line for splitlines() (${f#*:} lines), none raw" "${f#*:} 0 1" \
        "$(pylines "$T/ls.out") $(seps "$T/ls.out") $(grep -c -m 1 'two\\u2028lines.txt' "$T/ls.out")"
done
# By hand: "A gnu " + 3 spaces (U+2028) + " with " + 2 (NEL) + " three " + 3
# (U+2029) + " lines.", gnu at byte 3; the name quoted as a C1 name is.
expect "--vimgrep: the name quoted, each separator one space per byte" \
    "\"$L/two\\u2028lines.txt\":3:3:A gnu     with    three     lines." "$("$NSEARCH" --db "$T/lidx2" --vimgrep gnu)"
expect "text: the title, each separator one space per byte" "Gnu     title     end" \
    "$("$NSEARCH" --db "$T/lidx2" gnu | sed -n 2p)"
# JSON: the real name back through jq; the title's separators spaces, one
# per byte, as in every format (jq -r prints no control).
expect "--json: the real name back through jq, the title's separators as spaces" "$L/$ls_name|Gnu     title     end" \
    "$("$NSEARCH" --db "$T/lidx2" --json gnu | jq -r 'select(.type=="match") | "\(.path)|\(.title)"')"

# ---- Serve mode: a 100 MB request line is cut at the limit, not read whole --
python3 -c "
import sys
sys.stdout.write('{\"id\":1,\"query\":\"' + 'a' * 100000000 + '\"}\n')
sys.stdout.write('{\"id\":2,\"query\":\"oil\"}\n')
" >"$T/big.req"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$T/big.rss" "$NSEARCH" --db "$T/idx" --serve <"$T/big.req" >"$T/big.out" 2>"$T/big.err"
    rss=$(tail -n 1 "$T/big.rss")
    expect "serve: a 100 MB line never held whole (peak RSS under 50 MB)" 1 "$([ "${rss:-999999}" -lt 51200 ] && echo 1)"
else
    "$NSEARCH" --db "$T/idx" --serve <"$T/big.req" >"$T/big.out" 2>"$T/big.err"
    skip "serve: peak memory" "/usr/bin/time is not installed"
fi
expect "serve: the long line gets a request error" "request" "$(head -n 1 "$T/big.out" | jq -r .error.kind)"
expect "serve: …and the next request is answered" "2 1" "$(sed -n 2p "$T/big.out" | jq -r '"\(.id) \(.summary.matches)"')"
rm -f "$T/big.req"

# ---- Symbolic links out of the corpus are not followed without --follow ----
S="$T/links"
mkdir -p "$S/news/sub" "$T/outside"
printf 'Secret file\n\nA walrus password lives here.\n' >"$T/outside/secret.txt"
printf 'Inside\n\nA walrus inside the corpus.\n' >"$S/news/sub/in.txt"
ln -s "$T/outside/secret.txt" "$S/news/x.txt"
ln -s "$T/outside" "$S/news/outdir"
ln -s sub/in.txt "$S/news/inlink.txt"
"$NSEARCH_INDEX" --db "$T/lidx" "$S/news" >"$T/l.out" 2>"$T/l.err"
expect "links out of the corpus: exit 1 (files skipped, with warnings)" 1 "$?"
expect "…the warning names the link and its target" 2 "$(grep -c "outside the corpus folder, skipped" "$T/l.err")"
check "…naming x.txt -> secret.txt" grep -q "x.txt: symbolic link to $T/outside/secret.txt" "$T/l.err"
expect "…the outside file is not in the index; the inside link is" "$S/news/inlink.txt $S/news/sub/in.txt " \
    "$("$NSEARCH" --db "$T/lidx" -l walrus | sort | tr '\n' ' ')"
"$NSEARCH_INDEX" --db "$T/fidx" --follow "$S/news" >"$T/f.out" 2>"$T/f.err"
expect "--follow: exit 0, the outside files indexed too" "0 4" "$? $("$NSEARCH" --db "$T/fidx" -l walrus | wc -l | tr -d ' ')"

# ---- The indexer's warnings quote hostile names too ----------------------
W="$T/warn"
mkdir -p "$W"
printf 'x\000y' >"$W/$(printf 'esc\033]0;pwned\007.txt')"
"$NSEARCH_INDEX" --db "$T/widx" "$W" >"$T/w.out" 2>"$T/w.err"
expect "indexer warning about a binary file with an ESC in its name: exit 1, named quoted" "1 1" \
    "$? $(grep -c 'esc\\x1b\]0;pwned\\x07.txt": binary file' "$T/w.err")"
expect "…and no ESC byte on stderr" 0 "$(unsafe "$T/w.err")"

# ---- A generation that is a stub file: nsearch-index never runs it ---------
mkdir -p "$T/gc"
printf 'Gull\n\nA gull here.\n' >"$T/gc/a.txt"
"$NSEARCH_INDEX" --db "$T/gx" "$T/gc" || not_ok "index for the generation stub"
rm -rf "$T/gx/gen-1"
printf 'remote :/usr/bin/touch %s/gran\n' "$T" >"$T/gx/gen-1"
for a in "" --rebuild --stats --check; do "$NSEARCH_INDEX" --db "$T/gx" $a "$T/gc" >/dev/null 2>&1; done
"$NSEARCH" --db "$T/gx" gull >/dev/null 2>&1
expect_none "a gen-N stub file: no update, rebuild, --stats, --check or search ran it" \
    "$(ls "$T/gran" 2>/dev/null)" test -f "$T/gx/XAPIANDB"
expect "…and the rebuild made a working index" 1 "$("$NSEARCH" --db "$T/gx" --count gull)"

# ---- Messages on stderr: no control byte from a path, a query or a value ----
# ctl FILE: the bytes of FILE that a terminal could obey: C0 controls but
# the line feed, DEL, C1 controls (UTF-8 c2 80..9f) and the bidirectional
# controls (U+061C, U+200E/F, U+202A..E, U+2066..9), counted.
ctl() {
    c0=$(tr -d '\n' <"$1" | LC_ALL=C tr -dc '\000-\037\177' | wc -c | tr -d ' ')
    other=$(LC_ALL=C grep -o "$(printf '\302')[$(printf '\200')-$(printf '\237')]\|$(printf '\342\200')[$(printf '\216\217\252')-$(printf '\256')]\|$(printf '\342\201')[$(printf '\246')-$(printf '\251')]\|$(printf '\330\234')" "$1" | wc -l | tr -d ' ')
    echo $((c0 + other))
}
bad_db=$(printf '%s/no\033]0;PWNED\007idx' "$T")
# The suggested command's --db word, read back by bash, is the path exactly.
word_is_path() { # ERRFILE PATH
    w=$(sed -n "s/.*nsearch-index --db \(.*\) FOLDER to build one\$/\1/p" "$1")
    [ -n "$w" ] && [ "$(bash -c "printf '%s|' $w" | od -An -c)" = "$(printf '%s|' "$2" | od -An -c)" ]
}
"$NSEARCH" --db "$bad_db" oil >/dev/null 2>"$T/m1.err"
expect "--db with ESC and BEL: exit 2, no control byte on stderr, the path quoted" "2 0 1" \
    "$? $(ctl "$T/m1.err") $(grep -c "no index at \"$T/no\\\\x1b\]0;PWNED\\\\x07idx\"" "$T/m1.err")"
check "…the suggested nsearch-index --db word gives the path back in bash" word_is_path "$T/m1.err" "$bad_db"
env NSEARCH_DB="$bad_db" "$NSEARCH" oil >/dev/null 2>"$T/m2.err"
expect "NSEARCH_DB with ESC and BEL: exit 2, no control byte on stderr, the path quoted" "2 0 1" \
    "$? $(ctl "$T/m2.err") $(grep -c "no index at \"$T/no\\\\x1b\]0;PWNED\\\\x07idx\"" "$T/m2.err")"
check "…NSEARCH_DB: the word gives the path back" word_is_path "$T/m2.err" "$bad_db"
printf 'db = %s\n' "$bad_db" >"$T/cfg/nsearch/config"
env -u NSEARCH_CONFIG XDG_CONFIG_HOME="$T/cfg" "$NSEARCH" oil >/dev/null 2>"$T/m3.err"
expect "a config's db with ESC and BEL: exit 2, no control byte on stderr, the path quoted" "2 0 1" \
    "$? $(ctl "$T/m3.err") $(grep -c "no index at \"$T/no\\\\x1b\]0;PWNED\\\\x07idx\"" "$T/m3.err")"
check "…config db: the word gives the path back" word_is_path "$T/m3.err" "$bad_db"
# A query with a C1 CSI, ESC, BEL and a bidi override, refused at its '-':
# the message and the echo under it are safe.
"$NSEARCH" --db "$T/idx" -- "$(printf '\302\2332J \342\200\256 \033[1m\007 a OR -b')" >/dev/null 2>"$T/m4.err"
expect "a refused query with controls: exit 2, 3 lines, no control byte on stderr" "2 3 0" \
    "$? $(wc -l <"$T/m4.err" | tr -d ' ') $(ctl "$T/m4.err")"
# An option value and a config value.
"$NSEARCH" --db "$T/idx" --sort "$(printf 'd\033]0;x\007')" oil >/dev/null 2>"$T/m5.err"
expect "--sort with ESC and BEL: exit 2, named, no control byte" "2 1 0" \
    "$? $(grep -c '^nsearch: --sort: relevance or date, not d' "$T/m5.err") $(ctl "$T/m5.err")"
printf 'sort = \033[2J\302\233\n' >"$T/badcfg"
NSEARCH_CONFIG="$T/badcfg" "$NSEARCH" --db "$T/idx" --count oil >"$T/m6.out" 2>"$T/m6.err"
expect "a config value with ESC and CSI: warned, ignored, no control byte" "1 1 0" \
    "$(cat "$T/m6.out") $(grep -c "^nsearch: $T/badcfg:1: sort: relevance or date, not" "$T/m6.err") $(ctl "$T/m6.err")"

# ---- Names with '"' or '\' are quoted too: a quoted name is one name -------
# Three files: back\slash "q".txt; c\x1bq.txt (a backslash, then "x1bq");
# c<ESC>q.txt. Quoted as git quotes them: the last two differ.
Q="$T/qnames"
mkdir -p "$Q"
printf 'Quokka one\n\nA quokka here.\n' >"$Q/back\\slash \"q\".txt"
printf 'Quokka two\n\nA quokka there.\n' >"$Q/c\\x1bq.txt"
printf 'Quokka three\n\nA quokka again.\n' >"$Q/$(printf 'c\033q.txt')"
"$NSEARCH_INDEX" --db "$T/qidx" "$Q" >/dev/null 2>&1 || not_ok "index the quote and backslash names"
(cd "$Q" && "$NSEARCH" --db "$T/qidx" --files quokka) | LC_ALL=C sort >"$T/q.f"
expect "--files: '\"' and '\\' names quoted and escaped, unlike the ESC name" \
    '"back\\slash \"q\".txt"|"c\\x1bq.txt"|"c\x1bq.txt"|' "$(tr '\n' '|' <"$T/q.f")"
(cd "$Q" && "$NSEARCH" --db "$T/qidx" --vimgrep quokka) | LC_ALL=C sort >"$T/q.v"
expect "--vimgrep: the same quoted names, then :line:column:" \
    '"back\\slash \"q\".txt":3:3:|"c\\x1bq.txt":3:3:|"c\x1bq.txt":3:3:|' "$(cut -d: -f1-3 <"$T/q.v" | sed 's/$/:/' | tr '\n' '|')"
(cd "$Q" && "$NSEARCH" --db "$T/qidx" --no-heading quokka) | LC_ALL=C sort >"$T/q.n"
expect "--no-heading: the same quoted names" '"back\\slash \"q\".txt"|"c\\x1bq.txt"|"c\x1bq.txt"|' \
    "$(sed 's/":3:.*/"/' <"$T/q.n" | tr '\n' '|')"
(cd "$Q" && "$NSEARCH" --db "$T/qidx" --json quokka) >"$T/q.j"
expect "--json: the real names" "$(cd "$Q" && ls | LC_ALL=C sort | od -An -c)" \
    "$(jq -r 'select(.type == "match") | .path' "$T/q.j" | LC_ALL=C sort | od -An -c)"
