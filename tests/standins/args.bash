# args.bash: sourced by the stand-ins written in bash. Splits nsearch's
# command line ("$@") as getopt_long would: opts (an array of the options
# with their values, in order), query (the query words joined by spaces),
# serve (1 when --serve is among the options).
opts=() words=() serve=0
while [ $# -gt 0 ]; do
    case "$1" in
    --) shift; words+=("$@"); break ;;
    --db | --limit | --offset | --per-article | --sort | --color | --colour | --timeout | -n)
        opts+=("$1" "${2-}"); shift; [ $# -gt 0 ] && shift ;;
    --serve) opts+=("$1"); serve=1; shift ;;
    -?*) opts+=("$1"); shift ;;
    *) words+=("$1"); shift ;;
    esac
done
query="${words[*]-}"
