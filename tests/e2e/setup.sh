# setup.sh: the set-up promises of the README: make demo, install and
# uninstall with PREFIX and DESTDIR, and the dependency installer's message
# when not root.
. "$TOP/tests/e2e/lib.sh"
cd "$TOP" || exit 2
# make demo and install run on the binaries under test: a build folder of
# links to them, which make -o (--old-file) never rebuilds.
B="$T/build"
mkdir -p "$B"
ln -s "$NSEARCH" "$B/nsearch"
ln -s "$NSEARCH_INDEX" "$B/nsearch-index"
mk() { make -s -o "$B/nsearch" -o "$B/nsearch-index" O="$B" NSEARCH_NO_DEPS=1 "$@"; }
# The one passage with the phrase "chief negotiator" (Umerov and the meeting
# share its line 8).
WITKOFF=corpus/2025-12-31-witkoff-call-european-leaders.txt

# demo_block N: the passages (file:line) of the demo's Nth answer, as its
# text lists them: a file's path, then its "LINE: text" lines.
demo_block() {
    awk -v n="$1" '/^\$ nsearch /{b++; next} /^Next, search/{b=0} b == n && /\.txt$/{f=$0} b == n && /^[0-9]+: /{sub(/:.*/, ""); print f ":" $0}' "$T/demo"
}
# want_block QUERY: the same from nsearch's whole --json answer on the demo
# index (or the "BROKEN answer"), grouped as the text shows it: under each
# article, in the order the articles first appear in the list.
want_block() {
    json_answer "$B/demo-index" "$1" >/dev/null || { cat "$T/.answer"; return; }
    jq -r -s '[.[] | select(.type == "match")] as $m
        | ($m | reduce .[] as $h ([]; if any(.[]; . == [$h.path, $h.id]) then . else . + [[$h.path, $h.id]] end)) as $arts
        | $arts[] as $a | $m[] | select([.path, .id] == $a) | "\(.path):\(.line)"' "$T/.answer"
}

# make demo: ranked passages for "Umerov meeting", Umerov highlighted; then
# the phrase. Each answer shown whole: the passages of nsearch's --json
# answer to its query, in its order.
mk demo >"$T/demo" 2>&1
rc=$?
umerov=$(want_block 'Umerov meeting')
expect "make demo exits 0" "0|$umerov" "$rc|$(demo_block 1)"
expect_none "demo into a log: no colour (colour only on a terminal)" "$(grep "$(printf '\033')" "$T/demo")" \
    grep -q '^[0-9]*: .*Umerov' "$T/demo"
next=$(sed -n 's/^  \(.*nsearch --db .*demo-index .*\)$/\1/p' "$T/demo")
expect "demo ends with the command to run next" "$B/nsearch --db $B/demo-index 'Umerov meeting'" "$next"
check "…which answers as the demo did" sh -c "$next | grep -q '^[0-9]*: .*Umerov'"
# The phrase's passages, each one with the phrase (in some form of its stems).
n_without=$(awk '/^\$ nsearch /{b++; next} /^Next, search/{b=0} b == 2 && /^[0-9]+: /' "$T/demo" | grep -vic 'security guarantee')
expect "demo runs the phrase query" "$(want_block '"security guarantees"')|0 without the phrase" "$(demo_block 2)|$n_without without the phrase"
# (The first article of the whole answer: the demo shows all of it.)
first=$(sed 's/\x1b\[[0-9;]*m//g' "$T/demo" | grep -m1 '\.txt$')
case "$first" in
*witkoff-call* | *miami-security*)
    if [ "$first" = "$(echo "$umerov" | head -n 1 | cut -d: -f1)" ]; then
        ok "demo: an article where Umerov and the meeting share a passage comes first"
    else
        not_ok "demo: an article where Umerov and the meeting share a passage comes first"
        echo "    nsearch's --json answer: $(echo "$umerov" | head -n 1)"
    fi
    ;;
*) not_ok "demo: first article is $first" ;;
esac

# install / uninstall into a staging folder. The installed programs at
# work, from where they were installed: nsearch-index indexes the sample
# corpus, nsearch answers from that index.
mk install PREFIX=/usr DESTDIR="$T/stage" >/dev/null 2>&1
rc=$?
I="$T/stage/usr/bin"
"$I/nsearch-index" --db "$T/installed-index" corpus >"$T/out" 2>&1
irc=$?
inst=$(NSEARCH="$I/nsearch" && answer "$T/installed-index" '"chief negotiator"')
expect "make install exits 0" "0|$WITKOFF" "$rc|$inst"
expect "nsearch installed under DESTDIR/PREFIX" "$I/nsearch: $WITKOFF" "$(ls "$I/nsearch" 2>&1): $inst"
expect "nsearch-index installed" "0|$(ls corpus/*.txt | wc -l | tr -d ' ') articles" \
    "$irc|$("$I/nsearch-index" --db "$T/installed-index" --stats --json 2>/dev/null | jq -r .articles 2>/dev/null) articles"
check "installed binary runs" sh -c "'$I/nsearch' --version | grep -q '^nsearch [0-9]' && '$I/nsearch-index' --version | grep -q '^nsearch-index [0-9]'"
check "the query syntax reference is installed where --help says" sh -c \
    "test -s '$T/stage/usr/share/doc/nsearch/query-syntax.md' && '$B/nsearch' --help | grep -q 'nsearch(1) and '"
if command -v vim >/dev/null 2>&1; then
    vim -u NONE -i NONE -N -Es --cmd "set rtp^=$T/stage/usr/share/nsearch/editors/vim" \
        -c 'help nsearch' -c "call writefile([expand('%:t'), getline('.')], '$T/help')" -c 'qall!' </dev/null >/dev/null 2>&1
    expect "Vim :help nsearch works after install (tags made)" "nsearch.txt" "$(head -n 1 "$T/help" 2>/dev/null)"
else
    skip "Vim :help nsearch" "vim is not installed"
fi
mk uninstall PREFIX=/usr DESTDIR="$T/stage" >/dev/null 2>&1
rc=$?
# (The witness: what it removed was an install that worked, above.)
expect "make uninstall exits 0" "0|$WITKOFF" "$rc|$inst"
expect_none "uninstall leaves no files" "$(find "$T/stage" -type f)" test -d "$T/stage/usr/bin" -a "$inst" = "$WITKOFF"
expect_none "uninstall leaves none of nsearch's folders" \
    "$(cd "$T/stage" && find . -path '*nsearch*')" test -d "$T/stage/usr/share"

# The dependency check as a user who can't install: the exact command.
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    out=$(NSEARCH_EXTRA_DEPS=nsearch-no-such-package setpriv --reuid=65534 --regid=65534 --clear-groups sh mk/deps.sh build 2>&1)
    rc=$?
    expect "deps.sh as non-root exits 1 when something is missing" 1 "$rc"
    case "$out" in
    *"sudo apt-get install -y nsearch-no-such-package"*) ok "deps.sh prints the apt-get line" ;;
    *) not_ok "deps.sh prints the apt-get line"; echo "    $out" ;;
    esac
else
    skip "deps.sh as non-root" "needs root and setpriv to switch user"
fi
expect_none "deps.sh is silent when all is there" "$(sh mk/deps.sh build 2>&1)" test -f mk/deps.sh
