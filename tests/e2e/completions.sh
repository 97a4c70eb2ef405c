# completions.sh: the bash and zsh completions offer every option that
# --help lists, for both programs (so they can't drift), and complete the
# values after --sort= and --color=, in real bash and zsh.
. "$TOP/tests/e2e/lib.sh"

opts_of() { # long options in PROGRAM --help
    "$1" --help 2>/dev/null | grep -o '^ *\(-[A-Za-z0-9], \)\?--[a-z][a-z-]*' | sed 's/.*--/--/' | sort -u
}
for prog in nsearch nsearch-index; do
    case $prog in nsearch) bin=$NSEARCH ;; *) bin=$NSEARCH_INDEX ;; esac
    opts=$(opts_of "$bin")
    n=$(echo "$opts" | grep -c .)
    [ "$n" -ge 10 ] || not_ok "$prog --help lists its options ($n found)"
    # The help read whole: its last line is the exit statuses'.
    last="Exit status: 0 matches, 1 no match, 2 error."
    [ "$prog" = nsearch-index ] && last="4 index error, 75 another indexer is running."
    expect "$prog --help is whole (ends with the exit statuses)" "$last" "$("$bin" --help 2>/dev/null | tail -n 1)"
    for f in "$TOP/completions/$prog.bash" "$TOP/completions/_$prog"; do
        missing=$(for o in $opts; do grep -q -- "$o\b" "$f" || echo "$o"; done | tr '\n' ' ')
        expect_none "$(basename "$f") offers every option of $prog --help ($n)" "$missing" test "$n" -ge 10
    done
done

if command -v bash >/dev/null 2>&1; then
    comp() { # bash: complete the words "$@" of nsearch, the last one partial
        bash -c '. "$1"; shift; COMP_WORDS=(nsearch "$@"); COMP_CWORD=$#; _nsearch; printf "%s\n" "${COMPREPLY[@]}"' \
            x "$TOP/completions/nsearch.bash" "$@" 2>/dev/null | sort | tr '\n' ' '
    }
    expect "bash: --sort VALUE" "date relevance " "$(comp --sort '')"
    expect "bash: --sort=d (one word)" "date " "$(comp --sort=d)"
    expect "bash: --sort = (split at the =)" "date relevance " "$(comp --sort = '')"
    expect "bash: --color=n" "never " "$(comp --color=n)"
    expect "bash: --all and --allow-partial, --timeout" "--allow-partial --any " "$(comp --a)"
    expect "bash: -0" "--null " "$(comp --nu)"
else
    skip "bash completion" "bash is not installed"
fi
if command -v zsh >/dev/null 2>&1; then
    out=$(zsh -f -c 'autoload -U compinit; compinit -u -D 2>/dev/null; fpath=("$1" $fpath); autoload -U _nsearch; whence -w _nsearch' x "$TOP/completions" 2>&1)
    expect "zsh: _nsearch loads as a function" "_nsearch: function" "$out"
else
    skip "zsh completion" "zsh is not installed"
fi
