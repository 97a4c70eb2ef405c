# unreadable.sh: what an update can't read keeps what it had in the index.
# Exit 1 says "some files were skipped; the next run tries them again", so
# a subfolder the indexer can't read, a folder it can list but not enter
# (its files can't be stat'ed) and a changed file it can't open keep their
# articles, like any skipped file, until a run can read them; a folder
# really gone still loses its articles. In place (one thread, and a reader
# thread beside the writer) and grown by a merge (NSEARCH_MERGE=always).
# Root reads everything, so the indexer runs as nobody (setpriv), as in
# formats.sh, in a folder of /tmp (nobody can't reach $T when TMPDIR is a
# private folder); without root and setpriv the suite skips.
. "$TOP/tests/e2e/lib.sh"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "$@"; }
W=$(mktemp -d /tmp/nsearch-unreadable.XXXXXX) || exit 2
trap 'rm -rf "$T" "$W"' EXIT INT TERM
chmod 755 "$W"
mkdir -p "$W/probe" && chown 65534:65534 "$W/probe" 2>/dev/null
if ! { [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
    nobody "$NSEARCH_INDEX" --version >/dev/null 2>&1 && nobody touch "$W/probe/x" 2>/dev/null; }; then
    skip "what an update can't read keeps its articles" \
        "needs root, setpriv, and a test folder and binaries nobody may use"
    exit 0
fi

# names DB WORD: the file names of WORD's matches, sorted, space-separated.
names() { answer "$1" "$2" | sed 's|.*/||' | sort | tr '\n' ' ' | sed 's/ $//'; }
# all DB: the matches of each article's own word, "|"-separated.
all() {
    for w in zqxtop zqxsub zqxdeep zqxshut zqxold zqxnew; do
        printf '%s|' "$(names "$1" "$w")"
    done
}

n=0
for mode in "-j1" "-j2" "merge"; do
    n=$((n + 1))
    C="$W/c$n" DB="$W/idx$n/db"
    mkdir -p "$C/sub/deep" "$C/shut" "$W/idx$n"
    printf 'Top\n\nThe zqxtop story stays readable.\n' >"$C/a.txt"
    printf 'Sub\n\nThe zqxsub story is in a folder shut later.\n' >"$C/sub/b.txt"
    printf 'Deep\n\nThe zqxdeep story is below it.\n' >"$C/sub/deep/d.txt"
    printf 'Shut\n\nThe zqxshut story is in a folder listed but not entered.\n' >"$C/shut/e.txt"
    printf 'Changed\n\nThe zqxold story, changed later.\n' >"$C/ch.txt"
    chown -R 65534:65534 "$C" "$W/idx$n"
    set -- -j2
    [ "$mode" = merge ] || set -- "$mode"
    nobody "$NSEARCH_INDEX" --db "$DB" "$@" "$C" 2>"$T/err"
    expect "$mode: the corpus is indexed" "0:a.txt|b.txt|d.txt|e.txt|ch.txt||" "$?:$(all "$DB")"
    # The changed file: another size, and unreadable.
    printf 'Changed\n\nThe zqxnew story replaced the old one.\n' >"$C/ch.txt"
    chmod 000 "$C/sub" "$C/ch.txt"
    chmod 444 "$C/shut" # listed, not entered
    merge=never merged=false
    [ "$mode" = merge ] && merge=always merged=true
    NSEARCH_MERGE=$merge nobody "$NSEARCH_INDEX" --db "$DB" --json "$@" >"$T/out" 2>"$T/err"
    rc=$?
    # The run's report: none counted deleted, the changed file skipped; and
    # each of the three named in a warning.
    warned=$(grep -c -e "^nsearch-index: $C/sub: cannot read folder" -e "^nsearch-index: $C/shut/e.txt: " \
        -e "^nsearch-index: $C/ch.txt: " "$T/err")
    expect "$mode: unreadable folders and a changed file it can't open: exit 1, every article kept, each named" \
        "1:a.txt|b.txt|d.txt|e.txt|ch.txt||:0 deleted, 1 skipped, merged $merged:3 warnings" \
        "$rc:$(all "$DB"):$(jq -r '"\(.articles.deleted) deleted, \(.files.skipped) skipped, merged \(.merged)"' "$T/out"):$warned warnings"
    # Readable again: the next run reads the changed file.
    chmod 755 "$C/sub" "$C/shut" && chmod 644 "$C/ch.txt"
    NSEARCH_MERGE=$merge nobody "$NSEARCH_INDEX" --db "$DB" "$@" 2>"$T/err"
    expect "$mode: readable again: the next run takes the change" \
        "0:a.txt|b.txt|d.txt|e.txt||ch.txt|" "$?:$(all "$DB")"
    # A folder gone is gone: its articles go.
    rm -rf "$C/sub"
    NSEARCH_MERGE=$merge nobody "$NSEARCH_INDEX" --db "$DB" "$@" 2>"$T/err"
    expect "$mode: a folder deleted loses its articles" "0:a.txt|||e.txt||ch.txt|" "$?:$(all "$DB")"
done
