#!/bin/sh
# deps.sh: make sure the Debian packages a make target needs are installed.
#
# Usage: mk/deps.sh build|check|bench|fuzz
# Installs what is missing when run as root (one line says what), otherwise
# stops with the exact apt-get command to run. Silent when all is present.
set -eu

build="g++ make pkg-config libxapian-dev libstemmer-dev zlib1g-dev libutf8proc-dev libjansson-dev libzstd-dev"
case "${1:-build}" in
build) want="$build" ;;
check) want="$build libcmocka-dev xapian-tools jq vim emacs-nox zsh fzf neovim elpa-consult time python3 dpkg-dev debhelper fakeroot lintian git" ;;
fuzz) want="$build clang libclang-rt-dev" ;;
bench) want="$build xapian-tools xapian-omega sqlite3 ripgrep hyperfine time jq python3" ;;
*) echo "deps.sh: unknown set '$1'" >&2; exit 2 ;;
esac
[ -n "${NSEARCH_EXTRA_DEPS:-}" ] && want="$want $NSEARCH_EXTRA_DEPS"

if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian: trust the machine, the build will say what is missing.
    exit 0
fi

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "nsearch: installing Debian packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; } >/tmp/nsearch-apt.log 2>&1; then
        echo "nsearch: apt-get install failed; see /tmp/nsearch-apt.log" >&2
        tail -n 20 /tmp/nsearch-apt.log >&2
        exit 1
    fi
else
    echo "nsearch: missing Debian packages. Run:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
