# ripgrep.sh: where ripgrep has a line shape, nsearch prints it byte for
# byte (--no-heading vs rg --no-heading -n, --vimgrep vs rg --vimgrep,
# --files vs rg -l, each with and without -0/--null, paths holding
# newlines and colons); usage errors are two short lines; a corpus reached
# through a symlink keeps the path the user typed. (Taken from the
# editors branch of this stop; its newline-name lines adapted to nsearch's
# quoting of such names.)
. "$TOP/tests/e2e/lib.sh"

# One article per file; the query word once, in a paragraph of its own,
# so ripgrep's answer (the lines holding the word) is nsearch's (the
# passages holding it). Title lines don't hold it.
C="$T/c"
mkdir -p "$C/sub"
printf 'Harbour notes\n\nThe quokka waited by the pier.\n' >"$C/a.txt"
printf 'Second file\n\nNothing here.\n\nA late quokka came ashore.\n' >"$C/sub/b.txt"
nl_name=$(printf 'odd\nname: x.txt')
printf 'Third file\n\nOne quokka, in a file with a newline in its name.\n' >"$C/$nl_name"
"$NSEARCH_INDEX" --db "$T/idx" "$C"
expect "index" 0 $?
cd "$C" || exit 2

if command -v rg >/dev/null 2>&1; then
    # Order: nsearch ranks, rg walks; compare sorted lines (NUL-aware).
    cmp_rg() { # DESC "NSEARCH ARGS" "RG ARGS"
        "$NSEARCH" --db "$T/idx" $2 quokka | LC_ALL=C sort -z >"$T/ns"
        rg $3 quokka | LC_ALL=C sort -z >"$T/rg"
        if [ -s "$T/rg" ] && cmp -s "$T/ns" "$T/rg"; then ok "$1"; else
            not_ok "$1"
            echo "    nsearch: $(od -c "$T/ns" | head -n 6)"
            echo "    rg:      $(od -c "$T/rg" | head -n 6)"
        fi
    }
    # Without --null, a newline in a name breaks rg's lines; nsearch quotes
    # such a name ("odd\nname: x.txt", README "Output formats"): compare
    # the other files only.
    rm_nl() { grep -v -e '^odd' -e '^name: x' -e '^"odd' ; }
    "$NSEARCH" --db "$T/idx" --no-heading quokka | rm_nl | LC_ALL=C sort >"$T/ns"
    rg --no-heading -n quokka | rm_nl | LC_ALL=C sort >"$T/rg"
    if [ -s "$T/rg" ] && cmp -s "$T/ns" "$T/rg"; then ok "--no-heading is rg --no-heading -n"; else
        not_ok "--no-heading is rg --no-heading -n"; diff "$T/rg" "$T/ns" | sed 's/^/    /'
    fi
    "$NSEARCH" --db "$T/idx" --vimgrep quokka | rm_nl | LC_ALL=C sort >"$T/ns"
    rg --vimgrep quokka | rm_nl | LC_ALL=C sort >"$T/rg"
    if [ -s "$T/rg" ] && cmp -s "$T/ns" "$T/rg"; then ok "--vimgrep is rg --vimgrep"; else
        not_ok "--vimgrep is rg --vimgrep"; diff "$T/rg" "$T/ns" | sed 's/^/    /'
    fi
    # With --null: NUL-terminated records where rg's are (files), else
    # whole output compared as sorted lines after the NUL.
    "$NSEARCH" --db "$T/idx" -l -0 quokka | LC_ALL=C sort -z >"$T/ns"
    rg -l -0 quokka | LC_ALL=C sort -z >"$T/rg"
    if [ -s "$T/rg" ] && cmp -s "$T/ns" "$T/rg"; then ok "-l -0 is rg -l -0, newline name included"; else
        not_ok "-l -0 is rg -l -0"; od -c "$T/ns" | sed 's/^/    ns /'; od -c "$T/rg" | sed 's/^/    rg /'
    fi
    for f in --no-heading --vimgrep; do
        rgf=$f; [ "$f" = --no-heading ] && rgf="--no-heading -n"
        # Records end with a line feed; a name may hold one, so split on
        # the line feed that follows "NUL digits ... text": compare bytes
        # after sorting by file name (rg and nsearch give one line a file).
        ns=$("$NSEARCH" --db "$T/idx" --null $f quokka | tr '\n\0' '\036\037' | sed 's/\x1e$//' | tr '\036' '\n' | LC_ALL=C sort | od -An -c)
        r=$(rg --null $rgf quokka | tr '\n\0' '\036\037' | sed 's/\x1e$//' | tr '\036' '\n' | LC_ALL=C sort | od -An -c)
        expect "--null $f is rg --null $rgf" "$r" "$ns"
    done
else
    skip "ripgrep comparisons" "rg is not installed (mk/deps.sh check installs ripgrep)"
fi
# The raw path: -0 prints the newline in the name as it is.
expect "-l -0: the name with a newline, raw, then NUL" 1 \
    "$("$NSEARCH" --db "$T/idx" -l -0 'quokka newline' | od -An -c | tr -s ' ' | grep -c 'o d d \\n n a m e : x . t x t \\0')"
first=$("$NSEARCH" --db "$T/idx" --vimgrep -0 'quokka newline' | tr '\0' '|')
expect "--vimgrep -0: path, NUL, line:column:text" "odd
name: x.txt|3:5:One quokka, in a file with a newline in its name." "$first"
expect "text -0: the heading's path ends with NUL" "$nl_name|Third file" \
    "$("$NSEARCH" --db "$T/idx" -0 'quokka newline' | head -n 2 | tr '\0' '|')"

# Usage errors: two lines, the problem and where to look; status 2.
for prog in "$NSEARCH" "$NSEARCH_INDEX"; do
    name=$(basename "$prog")
    "$prog" --db "$T/idx" -R x >/dev/null 2>"$T/err"
    expect "$name -R: status 2" 2 $?
    expect "$name -R: two lines on stderr" 2 "$(wc -l <"$T/err" | tr -d ' ')"
    check "$name -R: names the option" grep -q "^$name: invalid option -- 'R'" "$T/err"
    expect "$name -R: then where to look" "Try '$name --help' for more information." "$(tail -n 1 "$T/err")"
done
"$NSEARCH" --db "$T/idx" >/dev/null 2>"$T/err"
expect "nsearch with no query: status 2, two lines" "2|nsearch: no query given|Try 'nsearch --help' for more information." \
    "$?|$(tr '\n' '|' <"$T/err" | sed 's/|$//')"

# A corpus reached through a symlink: stored and shown as typed.
mkdir -p "$T/real/news" "$T/home"
printf 'Link test\n\nThe wombat crossed.\n' >"$T/real/news/w.txt"
ln -s "$T/real/news" "$T/home/news"
cd "$T/home" || exit 2
PWD=$T/home "$NSEARCH_INDEX" --db "$T/lidx" news
expect "index through a symlink" 0 $?
expect "the folder is recorded as typed (absolute, not resolved)" "$T/home/news" \
    "$("$NSEARCH_INDEX" --db "$T/lidx" --stats | sed -n 's/^corpus  *//p')"
cd /
expect "results show the path the user typed" "$T/home/news/w.txt" "$("$NSEARCH" --db "$T/lidx" -l wombat)"
cd "$T/home" || exit 2
expect "…relative under the working folder" "news/w.txt" "$(PWD=$T/home "$NSEARCH" --db "$T/lidx" -l wombat)"
# The link moves to another folder: the next run (no folder given) indexes
# what it points to now.
mkdir -p "$T/real/news2"
printf 'Link test two\n\nThe numbat crossed.\n' >"$T/real/news2/n.txt"
rm "$T/home/news" && ln -s "$T/real/news2" "$T/home/news"
"$NSEARCH_INDEX" --db "$T/lidx"
expect "after the link moves: update exits 0" 0 $?
expect "…the new target's files are found under the link's path" "$T/home/news/n.txt" "$(cd / && "$NSEARCH" --db "$T/lidx" -l numbat)"
expect "…the old target's are gone" 1 "$(status "$NSEARCH" --db "$T/lidx" -l wombat)"
rm "$T/home/news"
"$NSEARCH_INDEX" --db "$T/lidx" 2>"$T/err"
expect "the link removed: status 3" 3 $?
expect "…and the index is left as it was" "$T/home/news/n.txt" "$(cd / && "$NSEARCH" --db "$T/lidx" -l numbat)"
