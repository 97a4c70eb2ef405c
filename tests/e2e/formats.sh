# formats.sh: a mixed corpus folder (txt, txt.gz, jsonl, jsonl.gz and junk)
# is indexed with warnings naming each bad file and line, and articles from
# every good format are found, at the right lines. With ../shared present,
# the benchmark corpus's .jsonl.gz parts are indexed directly and counted.
. "$TOP/tests/e2e/lib.sh"
C="$T/mixed"
mkdir -p "$C/sub"
article "$C/plain.txt" "Harbour cranes return to service" 2025-11-03 "Port Gazette" \
    "The container terminal restarted its zephyrcrane fleet after repairs."
printf 'Orchard growers expect a late harvest\nPublished in Business\nGrowers reported a quincefall shortage this autumn.\n_____\n\302\2512025 Farm Weekly. Distributed by Rural Syndicate, LLC.\n' | gzip >"$C/packed.txt.gz"
cat >"$C/feed.jsonl" <<'TXT'
{"id":"f1","title":"Tram line opens","date":"2025-10-01T08:00:00Z","source":"City Desk","body":"The new tram line carried its first passengers.\n\nOfficials praised the quokkaride timetable."}
{"id":"f2","title":"Broken record", "body": 
{"headline":"Library extends hours","published":"Dec 6, 2025","publisher":{"name":"Town Crier"},"text":"Readers can now borrow books until the marmotlate closing time."}
TXT
printf '{"id":"g1","title":"Ferry strike ends","date":"2025-12-01","source":"Coast Wire","body":"Ferries resumed after the narwhalstrike ended."}\n' | gzip >"$C/feed2.jsonl.gz"
printf 'binary\000junk\001\002' >"$C/junk.txt"
: >"$C/empty.txt"
printf 'Truncated archive story\n\nThe pelicanstorm warning was lifted on Monday.\n%0500d\n' 0 | gzip | head -c 60 >"$C/cut.txt.gz"
printf 'Not gzip at all\n\nPlain text under a gzip name, zqxplaingz.\n' >"$C/plain-named.txt.gz"
printf '\037\213\010\000\000\000' >"$C/header-only.txt.gz"
printf 'Bad bytes story\n\nThe \377\376 wombatvote count was delayed.\n' >"$C/badutf8.txt"
printf 'Odd name story\n\nThe ibexnamed file still counts.\n' >"$C/odd-$(printf '\377')name.txt"
echo "not a corpus file: zebrafile" >"$C/notes.md"
echo "Hidden story\n\nThe hiddenword must not be indexed." >"$C/.hidden.txt"
echo "Backup story\n\nThe backupword must not be indexed." >"$C/plain.txt~"
printf 'Deep story\n\nThe deepword is in a subfolder.\n' >"$C/sub/deep.txt"
ln -s .. "$C/sub/loop"

"$NSEARCH_INDEX" --db "$T/db" "$C" 2>"$T/err"
expect "bad files make exit status 1" 1 $?
check "binary file named" grep -q "junk.txt: binary file" "$T/err"
check "malformed JSON line named with its line" grep -q "feed.jsonl:2: malformed JSON" "$T/err"
check "truncated gzip named" grep -q "cut.txt.gz" "$T/err"
expect "a .txt.gz that is not gzip, one cut in its header: one line each, saying so; nothing of them indexed" \
    "nsearch-index: $C/plain-named.txt.gz: not gzip data (incorrect header check), skipped|nsearch-index: $C/header-only.txt.gz: truncated gzip data, nothing to read, skipped|0" \
    "$(grep 'plain-named' "$T/err")|$(grep 'header-only' "$T/err")|$(search "$T/db" --count zqxplaingz 2>&1)"
# Two sequences (\377, \376), both on line 3: one warning, at that line.
expect "invalid UTF-8 counted" "nsearch-index: $C/badutf8.txt:3: 2 invalid UTF-8 sequences replaced (the first here)" \
    "$(grep 'badutf8' "$T/err")"
check "symlink loop named" grep -qi "loop" "$T/err"

found() { # DESC WORD FILE-SUFFIX: the word's one passage, in that file
    got=$(search "$T/db" --vimgrep "$2" 2>/dev/null)
    case "$(echo "$got" | wc -l | tr -d ' '):$got" in 1:*"$3"*) ok "$1" ;; *) not_ok "$1"; echo "    got: $got" ;; esac
}
# field WORD FIELD: FIELD of the one match of a whole --json answer for WORD.
field() { json_answer "$T/db" "$1" | jq -r -s --arg f "$2" 'map(select(.type == "match")) | if length == 1 then .[0][$f] else "\(length) matches" end' 2>&1; }
found ".txt article" zephyrcrane "plain.txt:5:"
found ".txt.gz article" quincefall "packed.txt.gz:3:"
found ".jsonl record, at its line" quokkaride "feed.jsonl:1:"
found ".jsonl record after a malformed line" marmotlate "feed.jsonl:3:"
found ".jsonl.gz record" narwhalstrike "feed2.jsonl.gz:1:"
found "subfolder" deepword "sub/deep.txt:3:"
found "invalid UTF-8 repaired, rest kept" wombatvote "badutf8.txt:3:"
found "non-UTF-8 file name (quoted, its byte escaped)" ibexnamed "name.txt\":3:"
none "footer kept out of passages" "$T/db" Syndicate
expect "footer names the source" "Farm Weekly" "$(field quincefall source)"
expect "jsonl date normalized" "2025-12-06" "$(field marmotlate date)"
expect "jsonl publisher object" "Town Crier" "$(field marmotlate source)"
none "hidden files skipped" "$T/db" hiddenword
none "editor backups skipped" "$T/db" backupword
none "other suffixes skipped" "$T/db" zebrafile
expect "JSON output valid with a non-UTF-8 path (the one match, whole)" "1 ibexnamed" \
    "$(json_answer "$T/db" ibexnamed | jq -r -s '"\(map(select(.type == "match")) | length) \(last.query)"' 2>&1)"

# The benchmark corpus, its .jsonl.gz parts indexed as they are. Minutes of
# work: the release build only (the sanitizer build is several times slower).
R="$CORPORA/reuters-financial"
case "${O:-}" in
*asan*) skip "reuters-financial indexed directly" "sanitizer build (run by the release check)" ;;
*)
    if [ -d "$R" ]; then
        "$NSEARCH_INDEX" --db "$T/reuters" "$R" 2>"$T/rerr"
        rc=$?
        expect "reuters-financial indexes cleanly" 0 "$rc"
        expect "reuters-financial: 105,359 articles" 105359 "$("$NSEARCH_INDEX" --db "$T/reuters" --stats --json | jq .articles)"
        expect "reuters-financial answers" 0 "$(status search "$T/reuters" '"federal reserve" rates')"
    else
        skip "reuters-financial indexed directly" "../shared/corpora absent"
    fi
    ;;
esac

# Unreadable files and folders: root reads everything, so run the indexer as
# nobody (when we are root and can switch), in a folder nobody may enter.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$NSEARCH_INDEX" --version >/dev/null 2>&1; then
    U="$T/unreadable"
    mkdir -p "$U/corpus/locked"
    printf 'Open story\n\nThe gannetopen file is readable.\n' >"$U/corpus/open.txt"
    printf 'Closed story\n\nThe gannetshut file is not.\n' >"$U/corpus/shut.txt"
    printf 'Locked story\n\nThe gannetlock folder is not.\n' >"$U/corpus/locked/in.txt"
    chmod 000 "$U/corpus/shut.txt" "$U/corpus/locked"
    chmod 755 "$T" "$U" "$U/corpus"
    mkdir -p "$U/db" && chown 65534:65534 "$U/db"
    setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent \
        "$NSEARCH_INDEX" --db "$U/db/idx" "$U/corpus" 2>"$T/uerr"
    expect "unreadable file and folder: exit 1" 1 $?
    check "unreadable file named" grep -q "shut.txt" "$T/uerr"
    check "unreadable folder named" grep -q "locked" "$T/uerr"
    chmod 755 "$U/corpus/locked" "$T/unreadable/db"
    expect "the readable rest is indexed" "open.txt" "$(answer "$U/db/idx" gannetopen | sed 's|.*/||')"
    chmod 700 "$T"
else
    skip "unreadable files and folders" "needs root, setpriv, and binaries nobody may run"
fi
