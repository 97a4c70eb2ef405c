# verify.sh: queries that Xapian alone can't answer now that the index holds
# no word positions (schema 2): phrases, NEAR/n, exact forms, their negations
# and fields, checked by the searcher against each article's title, passages
# and source. Each check runs on a small corpus written here, where articles
# hold the words of a query in the right and in the wrong places. Also: deep
# results (the one article that holds a phrase ranks below many that hold its
# words apart), the summary's article estimate, and schema 1/2/99 indexes.
. "$TOP/tests/e2e/lib.sh"
C="$T/corpus"
DB="$T/idx"

# art NAME TITLE SOURCE PARAGRAPH...: $C/NAME.txt, an article of 2025-12-01.
art() {
    n=$1 t=$2 s=$3
    shift 3
    article "$C/$n.txt" "$t" 2025-12-01 "$s" "$@"
}

# 1. Phrases: consecutive, in order, inside one passage or the title.
art ph-ok "Night market report" "Test Wire" \
    "Stalls stayed open late. The old amber lantern hung above the door of the tea stall."
art ph-split "Harbour crafts" "Test Wire" \
    "The glass was painted amber" "Lantern makers sold out by noon."
art ph-rev "Workshop visit" "Test Wire" \
    "A lantern amber in tone stood on the bench beside the tools."
art ph-far "Garden notes" "Test Wire" \
    "The amber light of the evening fell across the garden while someone lit a lantern by the gate."
art ph-title "Amber lantern festival opens" "Test Wire" \
    "Thousands walked the river path on the first night of the festival."
art ph-tsplit "Shops glowing amber" "Test Wire" \
    "Lantern sellers were busy all week."

# 2. NEAR/n: positions apart, either order, one passage or the title.
art nr-3 "Birds of the valley" "Test Wire" \
    "A falcon circled the meadow before it dived."
art nr-rev3 "Farm diary" "Test Wire" \
    "The meadow held one falcon, watching from a post."
art nr-twice "Two birds" "Test Wire" \
    "One falcon met another falcon at noon."
art nr-split "Hill walk" "Test Wire" \
    "We saw a falcon" "Meadow flowers lined the path home."
art nr-title "Falcon over the meadow" "Test Wire" \
    "Spotters gathered at dawn with cameras and flasks of coffee."
art nr-tsplit "Hunting with a falcon" "Test Wire" \
    "Meadow grass was cut short for the show."
art nr-or "Wetland survey" "Test Wire" \
    "A grey heron stalked meadow frogs by the old mill."
art nr-orfar "Riverside count" "Test Wire" \
    "A heron flew low across a marshy meadow at dusk."
art nr-ph1 "Trade talks" "Test Wire" \
    "Okonkwo asks Varga for cobalt tariffs to be phased out next year."
art nr-ph2 "Mining levies" "Test Wire" \
    "Critics say cobalt tariffs worry the minister Okonkwo more than anyone."
art nr-ph3 "Export rules" "Test Wire" \
    "The tariffs on cobalt, said Okonkwo, will stay for now."
art nr-orlen "Metals desk" "Test Wire" \
    "Zinc was mentioned first in a long opening remark about metals and markets today. Later the cobalt tariffs x Okonkwo line came."

# 3 and 4. Exclusions and OR with checked leaves.
art ex-phrase "Old town trades" "Test Wire" \
    "In the bazaar a copper kettle sat on every second stall."
art ex-apart "Metal market" "Test Wire" \
    "The bazaar sold copper wire and one dented kettle."
art ex-none "Weekend fair" "Test Wire" \
    "The bazaar opened at nine and closed at dusk."
art ex-melted "Heat wave" "Test Wire" \
    "At the bazaar the candles melted in the afternoon sun."
art ex-melting "Cold snap ends" "Test Wire" \
    "Snow on the bazaar roofs was melting by noon."
art ex-xsplit "Tin roofs" "Test Wire" \
    "The souk sold tin" "Lanterns were cheap."
art ex-xtitle "Souk tin" "Test Wire" \
    "Lanterns hung everywhere in the souk."
art or-other "Spice route" "Test Wire" \
    "Saffron prices rose while the ice was melting on the docks."
art or-form "Spring thaw" "Test Wire" \
    "The river ice was melting fast this week."
art or-apart "Kitchen goods" "Test Wire" \
    "A copper pan and a new kettle were the prizes."

# 5. Fields.
art fd-title "Silver harp recital" "Test Wire" \
    "The concert hall was full for the young soloist."
art fd-body "Concert review" "Test Wire" \
    "She played a silver harp borrowed from the conservatory."
art fd-rtitle "Harp of silver found" "Test Wire" \
    "Archaeologists dated the instrument to the ninth century."
art fd-src "Ferry timetable changes" "Meridian Post" \
    "Evening ferries will run every forty minutes."
art fd-rsrc "Ferry fares frozen" "Post Meridian" \
    "Ferry fares will stay the same until spring."
art fd-exact "Harps for sale" "Test Wire" \
    "A music shop is closing down."
art fd-stem "Harp for sale" "Test Wire" \
    "Several harps and a piano are on offer."

# 7. Exact words and wildcards of a compound: its parts in a row (a hyphen
# or a space between) or its joined form, never its first part alone.
art cp-hy "Budget talks" "Test Wire" "They backed the 93-point plan at last."
art cp-solid "Budget vote" "Test Wire" "A 93point memo leaked overnight."
art cp-space "Budget notes" "Test Wire" "On page 93 point four was struck."
art cp-pack "Shop shelf" "Test Wire" "A 93-pack of cans sat there."
art cp-alone "Orchard count" "Test Wire" "We counted 93 apples in the crate."
art de-hy "Border calm" "Test Wire" "Talks on de-escalation resumed."
art de-solid "Border quiet" "Test Wire" "Calls for deescalation grew."
art de-facto "Court ruling" "Test Wire" "The de facto rule stands."

# 6. Deep results: 60 articles with "lobster" and "pottery" many times,
# never side by side, and two long articles that hold the phrase.
noise="Lobster boats came back to the pier where pottery sheds line the road. A lobster costs more than a bowl of pottery at the summer regatta. Lobster stew and painted pottery drew crowds, and each lobster crate was stacked by the pottery kiln. Fresh lobster and cheap pottery sold fast."
i=10
while [ $i -lt 70 ]; do
    art "deep-$i" "Coastal village news $i" "Test Wire" "$noise" "$noise"
    i=$((i + 1))
done
filler="The village held its usual market day with stalls, music, a parade and a long queue for the bakery, and the council thanked the volunteers who set up chairs and tables along the square."
art deep-a "Weekend in the village" "Test Wire" \
    "$filler The fair sold lobster pottery from local kilns. $filler" \
    "$filler" \
    "$filler Visitors asked for more lobster pottery next year. $filler"
art deep-b "Notes from the square" "Test Wire" \
    "$filler A lobster dinner closed the day. $filler" \
    "$filler Collectors prized the lobster pottery above all. $filler"

build_index "index the verify corpus" "$DB" "$C"

# files QUERY: the matching articles, sorted, on one line, from a whole
# --json answer (else "BROKEN answer: ..."). has wants NAME among a few,
# lacks an answer without it; nothing QUERY wants no match (exit 1).
files() {
    answer "$DB" -n 1000 --per-article 1 "$@" >"$T/files" || { cat "$T/files"; return 1; }
    sed 's|.*/||; s|\.txt$||' "$T/files" | sort | tr '\n' ' ' | sed 's/ $//'
}
has() {
    got=$(files "$2")
    case " $got " in *" $3 "*) [ "$(echo "$got" | wc -w)" -le 20 ] && ok "$1" && return ;; esac
    not_ok "$1"
    echo "    got: $got"
}
lacks() {
    if got=$(files "$2"); then case " $got " in *" $3 "*) ;; *) ok "$1" && return ;; esac; fi
    not_ok "$1"
    echo "    got: $got"
}
nothing() { none "$1" "$DB" "$2"; }
summary() { json_answer "$DB" "$@" | jq -s -c 'map(select(.type == "summary")) | last'; }

# 1. Phrases.
expect "phrase: only in sequence in one passage or the title" "ph-ok ph-title" "$(files '"amber lantern"')"
lacks "phrase: not across a paragraph break" '"amber lantern"' ph-split
lacks "phrase: not reversed" '"amber lantern"' ph-rev
lacks "phrase: not with the words far apart" '"amber lantern"' ph-far
lacks "phrase: not from the title into the body" '"amber lantern"' ph-tsplit
has "phrase: in the title" '"amber lantern"' ph-title
expect "phrase: the reversed phrase finds the reversed text" "ph-rev" "$(files '"lantern amber"')"
expect "the words alone: in one passage, or one in the title" "ph-far ph-ok ph-rev ph-title ph-tsplit" "$(files 'amber lantern')"

# 2. NEAR/n.
expect "NEAR/3: words 3 apart, either order, passage or title" "nr-3 nr-rev3 nr-title" "$(files 'falcon NEAR/3 meadow')"
nothing "NEAR/2: not 3 apart" 'falcon NEAR/2 meadow'
expect_exit "NEAR/2 and the exit status for none" 1 "" search "$DB" 'falcon NEAR/2 meadow'
lacks "NEAR: never across passages" 'falcon NEAR/50 meadow' nr-split
lacks "NEAR: never from the title into the body" 'falcon NEAR/50 meadow' nr-tsplit
has "NEAR: the order of the sides does not matter" 'meadow NEAR/3 falcon' nr-3
expect "NEAR: phrase and word, 3 words between, NEAR/4" "nr-orlen nr-ph1 nr-ph2" "$(files '"cobalt tariffs" NEAR/4 Okonkwo')"
expect "NEAR: phrase and word, NEAR/3 does not hold (1 between holds)" "nr-orlen" "$(files '"cobalt tariffs" NEAR/3 Okonkwo')"
lacks "NEAR: a phrase side still needs its words in sequence" '"cobalt tariffs" NEAR/10 Okonkwo' nr-ph3
search "$DB" '"cobalt tariffs" NEAR/4 Okonkwo' >/dev/null 2>"$T/err"
expect_none "NEAR over a phrase: no warning" "$(cat "$T/err")" test "$(files '"cobalt tariffs" NEAR/4 Okonkwo')" = "nr-orlen nr-ph1 nr-ph2"
expect "NEAR of an OR group" "nr-or" "$(files '(falcon OR heron) NEAR/2 meadow')"
expect "NEAR of an OR group, wider" "nr-3 nr-or nr-rev3 nr-title" "$(files '(falcon OR heron) NEAR/3 meadow')"
nothing "NEAR of an OR group, 1 apart: none" '(falcon OR heron) NEAR/1 meadow'
lacks "NEAR of an OR group, 6 apart: not NEAR/5" '(falcon OR heron) NEAR/5 meadow' nr-orfar
# One word is not two sides: "falcon NEAR falcon" wants two falcons.
lacks "NEAR: one word does not fill both sides" 'falcon NEAR/5 falcon' nr-3
expect "NEAR: the same word twice, 2 words between, NEAR/3" "nr-twice" "$(files 'falcon NEAR/3 falcon')"
nothing "NEAR: the same word twice, NEAR/2 does not hold" 'falcon NEAR/2 falcon'
# A side's other choice elsewhere in the passage (zinc, one word) must not
# change how the words between the phrase and Okonkwo are counted.
has "NEAR: sides of different lengths, counted as they stand" '("cobalt tariffs" OR zinc) NEAR/2 Okonkwo' nr-orlen
lacks "NEAR: sides of different lengths, NEAR/1 does not hold" '("cobalt tariffs" OR zinc) NEAR/1 Okonkwo' nr-orlen
has "NEAR of an OR group, 6 apart: NEAR/6" '(falcon OR heron) NEAR/6 meadow' nr-orfar

# 3. Exclusions of checked leaves.
expect "-\"phrase\" excludes only the phrase" "ex-apart ex-melted ex-melting ex-none" "$(files 'bazaar -"copper kettle"')"
expect "-=form excludes only that form" "ex-apart ex-melting ex-none ex-phrase" "$(files 'bazaar -=melted')"
expect "-(NEAR) excludes only the near ones" "ex-apart ex-melted ex-melting ex-none" "$(files 'bazaar -(copper NEAR/2 kettle)')"
expect "NOT =form reads as -=form" "$(files 'bazaar -=melted')" "$(files 'bazaar NOT =melted')"
# A phrase or a NEAR is excluded where it holds: inside one passage or the
# title; an AND group where its words are, anywhere in the article.
expect "-\"phrase\": not across passages, nor from the title" "ex-xsplit ex-xtitle" "$(files 'souk -"tin lanterns"')"
expect "-(NEAR): not across passages, nor from the title" "ex-xsplit ex-xtitle" "$(files 'souk -(tin NEAR/1 lanterns)')"
nothing "-(a b): the words anywhere in the article" 'souk -(tin lanterns)'
expect "-(a b): ... but both of them" "ex-xsplit ex-xtitle" "$(files 'souk -(tin lanterns kettle)')"

# 4. OR with checked leaves.
expect "=form OR word: the other word or the exact form" "ex-melted or-other" "$(files '=melted OR saffron')"
expect "\"phrase\" OR word: the words apart are not enough" "ex-phrase or-other" "$(files '"copper kettle" OR saffron')"

# 5. Fields.
expect "title:\"phrase\" checks the title only" "fd-title" "$(files 'title:"silver harp"')"
expect "source:\"two words\" in order" "fd-src" "$(files 'source:"Meridian Post"')"
expect "source:\"two words\" with a word" "fd-src" "$(files 'source:"Meridian Post" ferry')"
expect "source: reversed source" "fd-rsrc" "$(files 'source:"Post Meridian"')"
expect "title:=form" "fd-exact" "$(files 'title:=harps')"
expect "title:word matches any form" "fd-exact fd-rtitle fd-stem fd-title" "$(files 'title:harp')"

# 5b. source: under OR is one alternative, at any depth, not a filter.
expect "word OR source:" "fd-body fd-exact fd-rtitle fd-src fd-stem fd-title" \
    "$(files 'harp OR source:"Meridian Post"')"
expect "source:(a OR b)" "fd-rsrc fd-src" "$(files 'source:(meridian OR nosuchpaper)')"
expect "source:a OR source:b" "fd-rsrc fd-src" "$(files 'source:"Meridian Post" OR source:"Post Meridian"')"
expect "word (source: OR word)" "fd-rsrc fd-src" "$(files 'ferry (source:"Post Meridian" OR evening)')"
expect "source: two ORs deep, with an exclusion" "fd-exact fd-rsrc fd-src fd-stem" \
    "$(files '(harp OR (source:"Meridian Post" OR source:"Post Meridian")) -silver')"
# ... and NEAR can't take a source: side (it measures in a passage or the
# title); the rewrite the error suggests, a NEAR b source:x, filters.
search "$DB" 'ferry NEAR/1 source:meridian' >"$T/out" 2>"$T/err"
expect "NEAR with a source: side is refused at the source; beside NEAR, source: filters" \
    "2 1 0 fd-src" "$? $(grep -c "^nsearch: query:21: NEAR can't take a source: side" "$T/err") $(wc -c <"$T/out" | tr -d ' ') $(
        files 'ferries NEAR/1 evening source:meridian')"

# 7. Compounds.
expect "=compound: its parts in a row or joined" "cp-hy cp-solid cp-space" "$(files '=93-point')"
expect "=compound: hyphenated or joined" "de-hy de-solid" "$(files '=de-escalation')"
expect "=joined form: finds the compound too" "cp-hy cp-solid" "$(files '=93point')"
expect "compound wildcard: the first part exactly, the last begun" "cp-hy cp-pack cp-solid cp-space" "$(files '93-p*')"
expect "compound wildcard inside the last part" "de-hy de-solid" "$(files 'de-esc*')"
expect "wildcard on the joined form" "cp-hy cp-pack cp-solid" "$(files '93p*')"
expect "wildcard on the joined form of de-" "de-hy de-solid" "$(files 'deesc*')"
expect "=first part alone: where it stands as a word" "cp-alone cp-hy cp-pack cp-space" "$(files '=93')"
expect "=compound NEAR word" "cp-hy" "$(files '=93-point NEAR/1 plan')"
expect "-=compound" "cp-alone" "$(files '93 -=93-point -=93-pack')"

# 6. Deep results. The words alone rank the phrase articles last, beyond the
# first window the searcher fetches (2 x (10 + 5) articles for -n 1).
tail2=$(answer "$DB" -n 1000 --per-article 1 'lobster pottery' | sed 's|.*/||; s|\.txt$||' | tail -n 2 | sort | tr '\n' ' ')
expect "deep: the phrase articles rank last on the words alone" "deep-a deep-b " "$tail2"
expect "deep: -n 1 finds a phrase article" "deep-a" "$(search "$DB" --files -n 1 '"lobster pottery"' | sed 's|.*/||; s|\.txt$||')"
expect "deep: -n 1 shows the best phrase passage" "deep-a" "$(answer "$DB" -n 1 '"lobster pottery"' | sed 's|.*/||; s|\.txt$||')"
expect "deep: --count is the passages holding the phrase" 3 "$(search "$DB" --count '"lobster pottery"')"
expect "deep: --files lists exactly the articles" "deep-a deep-b" "$(files '"lobster pottery"')"
nothing "deep: a phrase no article holds: exit 1" '"pottery lobster"'
expect_exit "deep: and no output" 1 "" search "$DB" '"pottery lobster"'
search "$DB" --files -n 1000 '"lobster pottery" regatta' >"$T/out" 2>"$T/err"
expect "deep: phrase + word no article holds: partial matches, exit 0" "0 62" "$? $(wc -l <"$T/out" | tr -d ' ')"
check "deep: partial is said on stderr" grep -q "partial" "$T/err"
check "deep: the partial matches include the phrase article" grep -q "deep-a.txt" "$T/out"
check "deep: and the articles with the word" grep -q "deep-10.txt" "$T/out"
expect "deep: --json says partial" true "$(summary '"lobster pottery" regatta' | jq -r .partial)"

# 7. The estimate of a checked query whose candidates were all examined.
expect "articles_estimated: phrase, -n 1" 2 "$(summary -n 1 '"lobster pottery"' | jq -r .articles_estimated)"
expect "articles_estimated: phrase, -n 100" 2 "$(summary -n 100 '"lobster pottery"' | jq -r .articles_estimated)"
expect "articles_estimated: NEAR" 3 "$(summary 'falcon NEAR/3 meadow' | jq -r .articles_estimated)"
expect "articles_estimated: -\"phrase\"" 4 "$(summary 'bazaar -"copper kettle"' | jq -r .articles_estimated)"
expect "articles_estimated: =form" 1 "$(summary '=melted' | jq -r .articles_estimated)"
expect "articles_estimated: a phrase no article holds" 0 "$(summary '"pottery lobster"' | jq -r .articles_estimated)"

# 8. Schema versions: 1 and 2 read and upgrade to 3; an unknown one is
# refused. Only an index made by schema 3 says its wdfs count passages
# (nsearch.counts, which --count of one word relies on: schema.h).
S="$T/schema"
SC="$T/schema-corpus"
mkdir -p "$SC"
printf 'Gull count\nDate: 2025-11-02\nSource: Test Wire\n\nThe gull colony grew again this year.\n' >"$SC/a.txt"
"$NSEARCH_INDEX" --db "$S" "$SC" 2>"$T/err" || { not_ok "indexing the schema corpus"; sed 's/^/    /' "$T/err"; }
gen=$(sed -n 's/^auto  *//p' "$S/XAPIANDB")
expect "the stub names a generation" "gen-" "$(echo "$gen" | cut -c1-4)"
expect "a new index is schema 3" 3 "$(xapian-metadata get "$S/$gen" nsearch.schema)"
expect "a new index counts passages in its wdfs" passages "$(xapian-metadata get "$S/$gen" nsearch.counts)"
# Month terms (schema.h, NS_PREFIX_MONTH): date filters use them when the
# index says every dated article has one (nsearch.months); without that,
# the value range alone. Two dated articles and an undated one.
M="$T/months"
MC="$T/months-corpus"
mkdir -p "$MC"
cp "$SC/a.txt" "$MC/a.txt"
printf 'Heron count\nDate: 2025-12-15\n\nThe heron colony held steady.\n' >"$MC/c.txt"
printf 'Swan count\n\nThe swan colony was not dated.\n' >"$MC/d.txt"
"$NSEARCH_INDEX" --db "$M" "$MC" 2>"$T/err" || { not_ok "indexing the months corpus"; sed 's/^/    /' "$T/err"; }
mgen=$(sed -n 's/^auto  *//p' "$M/XAPIANDB")
files() { search "$M" --files "$1" | sed 's|.*/||' | sort | tr '\n' ' ' | sed 's/ $//'; }
expect "a new index has the month terms of its articles' dates" "1 1 1" \
    "$(xapian-metadata get "$M/$mgen" nsearch.months) $(xapian-delve -1 -t M202511 "$M/$mgen" | sed 1d | wc -l) $(xapian-delve -1 -t M202512 "$M/$mgen" | sed 1d | wc -l)"
expect "date:2025-11 (a month's term)" "a.txt" "$(files date:2025-11)"
expect "date:2025-11..2025-12 (two months' terms)" "a.txt c.txt" "$(files date:2025-11..2025-12)"
expect "date:2025-11-02..2025-12-14 (parts of two months)" "a.txt" "$(files date:2025-11-02..2025-12-14)"
expect "date:2025-11-03..2025-12-31 (parts of two months)" "c.txt" "$(files date:2025-11-03..2025-12-31)"
# --count answers from Xapian's matches alone (the listing checks each
# article's date again): one passage each.
for r in 2025-11 2025-11-03..2025-12-31 2025-11-02..2025-12-14 2025-11-01..2025-12-14; do
    echo "$r: $(search "$M" --count "date:$r")"
done >"$T/counts"
expect "--count of date:2025-11, 2025-11-03..2025-12-31, 2025-11-02..2025-12-14, 2025-11-01..2025-12-14" \
    "2025-11: 1 2025-11-03..2025-12-31: 1 2025-11-02..2025-12-14: 1 2025-11-01..2025-12-14: 1" "$(cat "$T/counts" | tr '\n' ' ' | sed 's/ $//')"
search "$M" --files date:2025-11-03..2025-12-14 >"$T/out" 2>&1
expect "date:2025-11-03..2025-12-14 holds none: exit 1, nothing printed (and ..2025-12-15 holds c.txt)" \
    "1 0 c.txt" "$? $(wc -c <"$T/out" | tr -d ' ') $(files date:2025-11-03..2025-12-15)"
xapian-metadata set "$M/$mgen" nsearch.months ""
expect "without nsearch.months: date:2025-11-02..2025-12-14 (the value range alone)" "a.txt" "$(files date:2025-11-02..2025-12-14)"
xapian-metadata set "$S/$gen" nsearch.schema 1
xapian-metadata set "$S/$gen" nsearch.counts ""
expect "schema 1: nsearch still answers" "$SC/a.txt" "$(answer "$S" gull)"
printf 'Tern count\nDate: 2025-11-03\nSource: Test Wire\n\nThe tern colony shrank this year.\n' >"$SC/b.txt"
"$NSEARCH_INDEX" --db "$S" "$SC" 2>"$T/err"
expect "schema 1: nsearch-index adds to it" "0 2" "$? $("$NSEARCH_INDEX" --db "$S" --stats --json | jq .articles)"
gen=$(sed -n 's/^auto  *//p' "$S/XAPIANDB")
expect "schema 1: and marks it 3, but not as counting passages" "3 " \
    "$(xapian-metadata get "$S/$gen" nsearch.schema) $(xapian-metadata get "$S/$gen" nsearch.counts)"
expect "schema 1: --count gull (the passages read, one)" 1 "$(search "$S" --count gull)"
expect "schema 1: old and new articles answer" "a.txt b.txt" "$(search "$S" --files colony | sed 's|.*/||' | sort | tr '\n' ' ' | sed 's/ $//')"
xapian-metadata set "$S/$gen" nsearch.schema 99
search "$S" gull >"$T/out" 2>"$T/err"
expect "schema 99: nsearch exits 2" "2 0 1 gen-" "$? $(wc -c <"$T/out" | tr -d ' ') $(grep -c '^nsearch: ' "$T/err") $(echo "$gen" | cut -c1-4)"
check "schema 99: nsearch names the schema" grep -q "schema 99" "$T/err"
check "schema 99: nsearch says --rebuild" grep -q -- "--rebuild" "$T/err"
# --stats and --check read through the same checked open as the searcher.
for opt in --stats --check; do
    "$NSEARCH_INDEX" --db "$S" $opt >"$T/out" 2>"$T/err"
    expect "schema 99: nsearch-index $opt exits 4 with one message naming the schema and --rebuild of this index" \
        "4 0 1" "$? $(wc -c <"$T/out" | tr -d ' ') $(grep -c "^nsearch-index: $S: index schema 99, .*: rebuild it with nsearch-index --db $S --rebuild$" "$T/err")"
done
"$NSEARCH_INDEX" --db "$S" "$SC" >/dev/null 2>"$T/err"
expect "schema 99: nsearch-index exits 4" 4 $?
check "schema 99: nsearch-index says --rebuild" grep -q -- "--rebuild" "$T/err"
expect "schema 99: left as it was" "99 gen-" "$(xapian-metadata get "$S/$gen" nsearch.schema) $(echo "$gen" | cut -c1-4)"
:
