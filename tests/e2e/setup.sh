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
check "demo shows Umerov highlighted" grep -q "$(printf '\033\\[1;31mUmerov')" "$T/demo"
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
mk uninstall PREFIX=/usr DESTDIR="$T/stage" >/dev/null 2>&1
expect "make uninstall exits 0" 0 $?
expect_none "uninstall leaves no files" "$(find "$T/stage" -type f)" test -d "$T/stage/usr/bin"

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
