# serve.sh: nsearch --serve, the request/response loop for pickers
# (doc/nsearch.1, SERVE MODE): answers in order, the same match objects as
# --json, request options, errors that never end the loop, exit 0 at end of
# input, and an index that the indexer changes underneath.
. "$TOP/tests/e2e/lib.sh"

C="$T/corpus"
article "$C/talks.txt" "Envoys prepare talks on a peace framework" 2025-12-06 "Test Wire" \
    "Negotiators met for a second day and discussed security guarantees for the region." \
    "The delegation said the meeting with Umerov was constructive and would resume on Saturday." \
    "Umerov's team said the meeting had gone well and the next meeting is in January."
article "$C/rates.txt" "Central bank holds rates as inflation cools" 2025-11-20 "Capital Ledger" \
    "The central bank kept its meeting short and held rates at four percent." \
    "Economists had expected the meeting to end with a cut in rates."
article "$C/storm.txt" "Storm brings heavy rain" 2025-12-11 "" \
    "Heavy rain flooded streets before the meeting of the council."
DB="$T/idx"
"$NSEARCH_INDEX" --db "$DB" "$C"
expect "index the test corpus" "0 3" "$? $("$NSEARCH_INDEX" --db "$DB" --stats --json | jq .articles)"
cd "$T" || exit 2

# serve ARGS...: nsearch --serve on $DB, requests on stdin.
serve() { "$NSEARCH" --db "$DB" --serve "$@"; }

cat >"$T/req" <<'EOF'
{"id":1,"query":"meeting"}

{"id":"two","query":"meeting","limit":2,"offset":1}
{"id":3,"query":"meeting","per_article":1,"sort":"date"}
{"id":4,"query":"umerov rain","any":true}
not json at all
[1,2]
{"id":7}
{"id":8,"query":42}
{"id":9,"query":"meeting","limit":0}
{"id":10,"query":"meeting","sort":"size"}
{"id":11,"query":"meeting","any":"yes"}
{"id":12,"query":"meeting OR -rain"}
{"id":13,"query":"-meeting"}
{"id":{"nested":[1]},"query":"rain \"unclosed"}
{"query":"xylophone"}
{"id":16,"query":"rain","future_option":true}
EOF
printf '{"id":17,"query":"rain"}\r\n' >>"$T/req"
serve <"$T/req" >"$T/resp" 2>"$T/err"
expect "exit 0 at end of input" "0 17" "$? $(wc -l <"$T/resp" | tr -d ' ')"
expect_none "nothing on stderr" "$(cat "$T/err")" jq -e -s 'length == 17 and .[0].summary.type == "summary"' "$T/resp"
expect "one response per request, blank lines skipped" 17 "$(wc -l <"$T/resp" | tr -d ' ')"
n=0 bad=0
while IFS= read -r l; do
    n=$((n + 1))
    printf '%s\n' "$l" | jq -e 'type == "object" and .version == 1 and has("id")' >/dev/null 2>&1 || bad=$((bad + 1))
done <"$T/resp"
forall "every response is one JSON object with id and version" "$bad" "$n" 17
expect "responses in request order, ids echoed (null when absent)" \
    '1 "two" 3 4 null null 7 8 9 10 11 12 13 {"nested":[1]} null 16 17' \
    "$(jq -c .id "$T/resp" | tr '\n' ' ' | sed 's/ $//')"

# Same match objects as --json, for the same options.
resp() { sed -n "${1}p" "$T/resp"; }
same_as_json() { # LINE ARGS...: matches of response LINE equal --json ARGS
    line=$1
    shift
    want=$(search "$DB" --json "$@" | jq -c 'select(.type=="match")')
    got=$(resp "$line" | jq -c '.matches[]')
    [ -n "$want" ] && [ "$want" = "$got" ] || { echo "want: $want"; echo "got:  $got"; return 1; }
}
check "matches are the --json match objects" same_as_json 1 meeting
check "limit and offset (ranks continue)" same_as_json 2 -n 2 --offset 1 meeting
check "per_article and sort" same_as_json 3 --per-article 1 --sort date meeting
check "any" same_as_json 4 --any umerov rain
expect "summary as with --json" "summary meeting 5 false" \
    "$(resp 1 | jq -r '.summary | "\(.type) \(.query) \(.total) \(.partial)"')"
expect "summary names the index" "$DB" "$(resp 1 | jq -r .summary.index)"
expect "no warnings: an empty list" "[]" "$(resp 1 | jq -c .warnings)"
expect "no match: empty matches, total 0" "[] 0" "$(resp 15 | jq -c '[.matches, .summary.total]' | sed 's/^\[\(.*\),\(.*\)\]$/\1 \2/')"
expect "unknown keys are ignored" 1 "$(resp 16 | jq '.matches | length')"
expect "CRLF line endings" 1 "$(resp 17 | jq '.matches | length')"

# Errors: kind, message, column; never the end of the loop.
kinds=$(for i in 5 6 7 8 9 10 11 12 13; do resp "$i" | jq -r '.error.kind // "none"'; done | tr '\n' ' ')
expect "errors by kind" "request request request request request request request query query " "$kinds"
check "every error has a message" sh -c "sed -n '5,13p' '$T/resp' | jq -s -e 'length == 9 and all(.[]; .error.message | type == \"string\" and length > 0)' >/dev/null"
expect "an invalid JSON line: column in the line" true "$(resp 5 | jq '.error.column >= 1')"
expect "a bad query: column in the query" 12 "$(resp 12 | jq '.error.column')"
expect "a bad query: the message doesn't repeat the column" "0 12" "$(resp 12 | jq -r .error.message | grep -c '^column') $(resp 12 | jq .error.column)"
expect "an error has no matches" '[null,"query"]' "$(resp 12 | jq -c '[.matches, .error.kind]')"
expect "a lenient query: warnings with columns" 1 "$(resp 14 | jq '[.warnings[] | select(.column == 6)] | length')"
expect "a lenient query is still answered" 1 "$(resp 14 | jq '.matches | length >= 1 | if . then 1 else 0 end')"

# The command line sets the defaults of every request.
expect "--limit on the command line is the default" 1 \
    "$(echo '{"query":"meeting"}' | serve -n 1 | jq '.matches | length')"
expect "a request overrides the command line" 3 \
    "$(echo '{"query":"meeting","limit":3}' | serve -n 1 | jq '.matches | length')"

# Bytes that aren't UTF-8, or huge lines: an error answer, valid JSON.
printf '{"id":1,"query":"r\377ain"}\n{"id":2,"query":"rain"}\n' | serve >"$T/r2"
expect "invalid UTF-8 in a request: an error, then the next answer" "request 1" \
    "$(jq -r '.error.kind // (.matches | length)' "$T/r2" | tr '\n' ' ' | sed 's/ $//')"
{ printf '{"query":"'; head -c 1100000 /dev/zero | tr '\0' a; printf '"}\n{"id":2,"query":"rain"}\n'; } | serve >"$T/r2"
expect "a request line over 1 MiB: an error, then the next answer" "request 1" \
    "$(jq -r '.error.kind // (.matches | length)' "$T/r2" | tr '\n' ' ' | sed 's/ $//')"

# A \u0000 in a request: a request error in the protocol's words (not
# jansson's flag name), then the next request is answered.
printf '%s\n' '{"id":1,"query":"ra\u0000in"}' '{"id":2,"query":"rain"}' | serve >"$T/r3"
expect "a NUL in a request: a request error saying so, then the next answer" \
    'request|a NUL character (\u0000) is not allowed in a request|1' \
    "$(jq -r '.error.kind // (.matches | length), (.error.message // empty)' "$T/r3" | tr '\n' '|' | sed 's/|$//' | awk -F'|' '{print $1 "|" $2 "|" $3}')"

# ... and its id is echoed, since the request is JSON (doc/nsearch.1:
# "echoed in the response (null when absent)"): a number, an object, a
# string that holds the NUL itself, none.
printf '%s\n' '{"id":4,"query":"\u0000x"}' '{"id":{"k":[5]},"query":"ra\u0000in"}' \
    '{"id":"a\u0000b","query":"rain"}' '{"query":"\u0000"}' '{"id":9,"query":"rain"}' | serve >"$T/r4"
expect "a NUL in a request: the id is echoed with the request error" \
    '4 request|{"k":[5]} request|"a\u0000b" request|null request|9 1' \
    "$(jq -c '"\(.id | tojson) \(.error.kind // (.matches | length))"' "$T/r4" | jq -r . | tr '\n' '|' | sed 's/|$//')"

# Start and end.
expect "empty input: no output, exit 0 (then answers)" "0:|1" "$(out=$(serve </dev/null); echo "$?:$out")|$(echo '{"query":"rain"}' | serve | jq '.matches | length')"
expect_exit "a missing index: exit 2 at once" 2 "^nsearch: .*none" sh -c "echo '{\"query\":\"x\"}' | '$NSEARCH' --db '$T/none' --serve"
expect_exit "--serve with a query on the command line: exit 2" 2 "^nsearch: " serve meeting </dev/null
rc=$({ yes '{"query":"meeting"}' | head -n 2000 | serve 2>"$T/err"; echo $? >"$T/rc"; } | head -n 1 >"$T/out"; cat "$T/rc")
expect "closed output: exit 0, quietly" "0:|5" "$rc:$(cat "$T/err")|$(jq '.matches | length' "$T/out")"

# The indexer changes the index while the server runs: the next request
# sees the commit, then the rebuild.
serve_start "$DB" "$T/live" "$T/live.err"
serve_ask '{"id":1,"query":"blizzard"}'
expect "live: not there yet" "0 1 1" "$(sed -n 1p "$T/live" | jq -r '"\(.matches | length) \(.id) \(.version)"')"
printf 'Snow closes the pass\nDate: 2025-12-20\n\nA blizzard closed the mountain pass.\n' >"$C/snow.txt"
"$NSEARCH_INDEX" --db "$DB" "$C"
serve_ask '{"id":2,"query":"blizzard"}'
expect "live: a commit by the indexer is seen by the next request" 1 "$(sed -n 2p "$T/live" | jq '.matches | length')"
printf 'Avalanche warning\n\nAn avalanche warning followed the blizzard.\n' >"$C/avalanche.txt"
rm "$C/rates.txt"
"$NSEARCH_INDEX" --db "$DB" --rebuild "$C"
serve_ask '{"id":3,"query":"blizzard"}'
serve_ask '{"id":4,"query":"inflation"}'
expect "live: a rebuild is seen by the next request" 2 "$(sed -n 3p "$T/live" | jq '.matches | length')"
expect "live: a deleted file is gone" "0 4 1" "$(sed -n 4p "$T/live" | jq -r '"\(.matches | length) \(.id) \(.version)"')"
serve_stop
expect "live: exit 0 when the client closes stdin" "0 4" "$? $(jq -s 'map(select(.version == 1 and .summary.type == "summary")) | length' "$T/live")"
expect_none "live: nothing on stderr" "$(cat "$T/live.err")" jq -e -s 'length == 4 and all(.[]; .summary.type == "summary")' "$T/live"

# Serve mode keeps the articles it has read (search.h, doc_cache_bytes):
# when the index changes, an answer never shows what an article held
# before. One article, edited twice: rebuilt first (the new generation
# numbers its article 1 again, as the old one did), then updated.
C2="$T/corpus2"
DB2="$T/idx2"
mkdir -p "$C2"
printf 'Weather\n\nA blizzard closed the pass.\n' >"$C2/w.txt"
"$NSEARCH_INDEX" --db "$DB2" "$C2"
serve_start "$DB2" "$T/live2" "$T/live2.err"
serve_ask '{"id":1,"query":"blizzard"}'
printf 'Weather\n\nA blizzard closed the bay.\n' >"$C2/w.txt"
touch -d '2025-01-01 00:00:01' "$C2/w.txt" # a new mtime, whatever the clock's resolution
"$NSEARCH_INDEX" --db "$DB2" --rebuild "$C2"
serve_ask '{"id":2,"query":"blizzard"}'
printf 'Weather\n\nA blizzard closed the harbour.\n' >"$C2/w.txt"
touch -d '2025-01-01 00:00:02' "$C2/w.txt"
"$NSEARCH_INDEX" --db "$DB2" "$C2"
serve_ask '{"id":3,"query":"blizzard"}'
serve_stop
expect "live: an edited article shows its new text, after a rebuild and after an update" \
    "A blizzard closed the pass.|A blizzard closed the bay.|A blizzard closed the harbour." \
    "$(jq -r '.matches[0].text' "$T/live2" | paste -sd '|' -)"
