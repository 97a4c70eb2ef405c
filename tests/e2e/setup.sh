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

# make demo: ranked passages for "Umerov meeting", Umerov highlighted.
mk demo >"$T/demo" 2>&1
expect "make demo exits 0" 0 $?
expect_none "demo into a log: no colour (colour only on a terminal)" "$(grep "$(printf '\033')" "$T/demo")" \
    grep -q '^[0-9]*: .*Umerov' "$T/demo"
next=$(sed -n 's/^  \(.*nsearch --db .*demo-index .*\)$/\1/p' "$T/demo")
expect "demo ends with the command to run next" "$B/nsearch --db $B/demo-index 'Umerov meeting'" "$next"
check "…which answers as the demo did" sh -c "$next | grep -q '^[0-9]*: .*Umerov'"
check "demo runs the phrase query" grep -q '"security guarantees"' "$T/demo"
first=$(sed 's/\x1b\[[0-9;]*m//g' "$T/demo" | grep -m1 '\.txt$')
case "$first" in
*witkoff-call* | *miami-security*) ok "demo: an article where Umerov and the meeting share a passage comes first" ;;
*) not_ok "demo: first article is $first" ;;
esac

# install / uninstall into a staging folder.
mk install PREFIX=/usr DESTDIR="$T/stage" >/dev/null 2>&1
expect "make install exits 0" 0 $?
check "nsearch installed under DESTDIR/PREFIX" test -x "$T/stage/usr/bin/nsearch"
check "nsearch-index installed" test -x "$T/stage/usr/bin/nsearch-index"
check "installed binary runs" sh -c "'$T/stage/usr/bin/nsearch' --version | grep -q '^nsearch [0-9]'"
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
expect "make uninstall exits 0" 0 $?
expect_none "uninstall leaves no files" "$(find "$T/stage" -type f)" test -d "$T/stage/usr/bin"
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
