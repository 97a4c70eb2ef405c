# bash completion for nsearch-index                 -*- shell-script -*-
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
# Installed as $(PREFIX)/share/bash-completion/completions/nsearch-index.

_nsearch_index()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local opts="--db --lang --rebuild --exclude --follow --max-file-size --wait --jobs --batch
        --json --shard-of --stats --check --verbose --help --version -j -v -h -V"
    COMPREPLY=()
    case $prev in
    --db)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return 0
        ;;
    --lang)
        COMPREPLY=($(compgen -W "none arabic armenian basque catalan danish dutch english
            finnish french german greek hindi hungarian indonesian irish italian lithuanian
            nepali norwegian porter portuguese romanian russian serbian spanish swedish tamil
            turkish yiddish" -- "$cur"))
        return 0
        ;;
    --exclude | --max-file-size | --wait | -j | --jobs | --batch | --shard-of)
        return 0
        ;;
    esac
    case $cur in
    -*) COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;
    *)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        ;;
    esac
    return 0
}
complete -F _nsearch_index nsearch-index
