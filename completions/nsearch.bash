# bash completion for nsearch                       -*- shell-script -*-
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
# Installed as $(PREFIX)/share/bash-completion/completions/nsearch; or
# source it from ~/.bashrc.

_nsearch()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local opts="--db --limit --offset --per-article --sort --any --timeout --allow-partial
        --json --vimgrep --no-heading --heading --files --count --null --color --colour
        --explain --serve --help --version -n -l -c -0 -h -V"
    COMPREPLY=()
    # --opt=value written as one word (bash may split it at the =).
    case $cur in
    --sort=*) COMPREPLY=($(compgen -W "relevance date" -- "${cur#*=}")); return 0 ;;
    --color=* | --colour=*) COMPREPLY=($(compgen -W "auto always never" -- "${cur#*=}")); return 0 ;;
    esac
    if [ "$cur" != "=" ] && [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [ "$cur" = "=" ]; then
        cur=
    fi
    case $prev in
    --db)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return 0
        ;;
    --sort)
        COMPREPLY=($(compgen -W "relevance date" -- "$cur"))
        return 0
        ;;
    --color | --colour)
        COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
        return 0
        ;;
    -n | --limit | --offset | --per-article | --timeout)
        return 0
        ;;
    esac
    case $cur in
    --*=*) return 0 ;;
    -*) COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;
    *)
        # Query words: offer the query language's field prefixes.
        COMPREPLY=($(compgen -W "title: source: date: since: until: OR AND NOT NEAR" -- "$cur"))
        compopt -o nospace 2>/dev/null
        ;;
    esac
    return 0
}
complete -F _nsearch nsearch
