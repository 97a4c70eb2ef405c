# deb.sh: the Debian package builds (dpkg-buildpackage), lintian finds
# nothing, and installed with dpkg -i it indexes the sample corpus and
# answers the demo query; dpkg -r removes it. It installs a package on the
# machine, so it runs as root under CI (CI=true) or NSEARCH_TEST_DEB=1 only,
# and not in sanitizer builds.
. "$TOP/tests/e2e/lib.sh"
if [ "$(id -u)" -ne 0 ] || { [ "${CI:-}" != true ] && [ -z "${NSEARCH_TEST_DEB:-}" ]; }; then
    skip "Debian package" "installs a package: runs as root with CI=true or NSEARCH_TEST_DEB=1"
    exit 0
fi
case "${O:-}" in *asan* | *debug*) skip "Debian package" "release builds only"; exit 0 ;; esac
if ! command -v dpkg-buildpackage >/dev/null 2>&1 || ! command -v lintian >/dev/null 2>&1; then
    not_ok "dpkg-buildpackage and lintian are installed (mk/deps.sh check installs them)"
    exit 0
fi
if dpkg-query -W -f='${Status}' nsearch 2>/dev/null | grep -q 'install ok installed'; then
    skip "Debian package" "a package named nsearch is installed already: not touching it"
    exit 0
fi
mkdir -p "$T/src/nsearch"
(cd "$TOP" && git ls-files -z | xargs -0 cp --parents -t "$T/src/nsearch") 2>"$T/cp.err" ||
    { not_ok "copy the tracked files"; cat "$T/cp.err"; exit 0; }
(cd "$T/src/nsearch" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
expect "dpkg-buildpackage -us -uc -b builds the package" 0 "$?"
deb=$(ls "$T"/src/nsearch_*_*.deb 2>/dev/null | grep -v dbgsym | head -n 1)
[ -n "$deb" ] || { not_ok "the .deb was made"; tail -n 30 "$T/build.log"; exit 0; }
lintian --suppress-tags running-with-root-privileges "$T"/src/nsearch_*.changes >"$T/lintian" 2>&1
expect_none "lintian: no error or warning" "$(grep '^[EW]:' "$T/lintian")" test -s "$deb"
dpkg -c "$deb" | awk '{print $6}' >"$T/files"
for f in usr/bin/nsearch usr/bin/nsearch-index usr/share/man/man1/nsearch.1.gz usr/share/doc/nsearch/query-syntax.md \
    usr/share/bash-completion/completions/nsearch usr/share/zsh/vendor-completions/_nsearch \
    usr/share/emacs/site-lisp/nsearch/nsearch.el usr/share/nsearch/editors/vim/doc/tags \
    usr/lib/systemd/user/nsearch-index.timer; do
    check "the package holds /$f" grep -qx "./$f" "$T/files"
done
dpkg -i "$deb" >"$T/install.log" 2>&1
expect "dpkg -i installs it" 0 "$?"
/usr/bin/nsearch-index --db "$T/idx" "$TOP/corpus" >"$T/idx.log" 2>&1
expect "the installed nsearch-index indexes the sample corpus" 0 "$?"
expect "the installed nsearch answers the demo query" \
    "$("$NSEARCH" --db "$T/idx" --color=never 'Umerov meeting')" "$(/usr/bin/nsearch --db "$T/idx" --color=never 'Umerov meeting')"
check "--help names the installed query syntax reference" sh -c "/usr/bin/nsearch --help | grep -q /usr/share/doc/nsearch/query-syntax.md"
dpkg -r nsearch >"$T/remove.log" 2>&1
expect "dpkg -r removes it" "0 no" "$? $(test -e /usr/bin/nsearch && echo yes || echo no)"
