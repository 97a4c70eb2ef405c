# count.sh: --count of one plain word is answered from the posting lists
# (schema 3: a body term's wdf is the number of passages that hold it;
# search.c, count_fast) and must be exactly what the listing prints: the
# passages that hold the word, at most --per-article of each article, the
# first passage when only the title holds it, nothing for an article with
# no passage. Checked against hand-counted numbers on a corpus made for it,
# against the unlimited listing (which reads the passages), over two shards,
# and after an incremental run. So is --count of a query that only filters
# by date, from the passage counts in a value slot (search.c,
# count_filtered).
. "$TOP/tests/e2e/lib.sh"

c=$T/corpus
mkdir -p "$c"
# a: "kiwi" in 3 of 4 passages (twice in one), not in the title.
printf 'Orchard report\nDate: 2024-05-01\n\nA kiwi grows here. Another kiwi too.\n\nNothing of note.\n\nKiwi harvest.\n\nThe kiwis were sold.\n' >"$c/a.txt"
# b: only the title holds it.
printf 'Kiwi prices\nDate: 2024-05-02\n\nMarkets were calm.\n\nTraders waited.\n' >"$c/b.txt"
# c: title and one passage.
printf 'Kiwi season\nDate: 2024-05-03\n\nNo fruit.\n\nOne kiwi left.\n' >"$c/c.txt"
# d: a title only, no passage at all.
printf 'Kiwi alone\nDate: 2024-05-04\n\n' >"$c/d.txt"
# e: not at all.
printf 'Apples\nDate: 2024-05-05\n\nApples and pears.\n' >"$c/e.txt"

# d has no passage: indexed, with a warning naming it (exit 1).
"$NSEARCH_INDEX" --db "$T/idx" "$c" 2>"$T/err"
expect "index the count corpus: one warning, for d (no text after the title)" \
    "1 1 $c/d.txt:2: no text after the title and headers: indexed, but no search can list it" \
    "$? $(wc -l <"$T/err" | tr -d ' ') $(sed 's/^nsearch-index: //' "$T/err")"

count() { search "$@" 2>&1; }
# listed DB ARGS...: passages of the unlimited listing (read passage by passage):
# its vimgrep lines (FILE.txt:LINE:COLUMN:), so that no other output counts.
listed() {
    db=$1
    shift
    search "$db" --vimgrep -n 100000 "$@" | grep -cE '^[^:]+\.txt:[0-9]+:[0-9]+:'
}
# per_1_2_5 FN DB ARGS...: FN (count or listed) on DB with --per-article 1,
# 2 and 5, the three numbers on one line.
per_1_2_5() {
    p_fn=$1
    p_db=$2
    shift 2
    for pa in 1 2 5; do "$p_fn" "$p_db" --per-article $pa "$@"; done | paste -sd ' '
}

# a: 3 passages hold it; b: 1 (the lead stands in); c: 1; d, e: none.
expect "--count kiwi, --per-article 1: one per article (a, b, c)" 3 "$(count "$T/idx" --per-article 1 --count kiwi)"
expect "--count kiwi (2 per article): a 2, b 1, c 1" 4 "$(count "$T/idx" --count kiwi)"
expect "--count kiwi, --per-article 5: a 3, b 1, c 1" 5 "$(count "$T/idx" --per-article 5 --count kiwi)"
expect "the unlimited listing agrees (--per-article 5)" 5 "$(listed "$T/idx" --per-article 5 kiwi)"
expect "the unlimited listing agrees (2 per article)" 4 "$(listed "$T/idx" kiwi)"
expect "--count apples: e only" 1 "$(count "$T/idx" --count apples)"
expect "--count of a word in no article" 0 "$(count "$T/idx" --count zebra)"
expect "the listing's summary: 5 passages of 3 articles, exact" "5 3 true" \
    "$(search "$T/idx" --json -n 1 --per-article 5 kiwi | jq -r 'select(.type == "summary") | "\(.total) \(.articles) \(.total_exact)"')"

# A query that only filters by date: every passage of the articles in range
# (a 4, b 2, c 2; d has none), from the passage counts in the index's
# values (search.c, count_filtered).
range=date:2024-05-01..2024-05-04
expect "--count $range, --per-article 1: a, b, c" 3 "$(count "$T/idx" --per-article 1 --count "$range")"
expect "--count $range: a 2, b 2, c 2" 6 "$(count "$T/idx" --count "$range")"
expect "--count $range, --per-article 5: a 4, b 2, c 2" 8 "$(count "$T/idx" --per-article 5 --count "$range")"
expect "the unlimited listing agrees (--per-article 5)" 8 "$(listed "$T/idx" --per-article 5 "$range")"
expect "the unlimited listing agrees (2 per article)" 6 "$(listed "$T/idx" "$range")"
expect "two date ranges: b, c (--per-article 5)" 4 \
    "$(count "$T/idx" --per-article 5 --count "date:2024-05-02..2024-05-10 date:2024-04-01..2024-05-03")"
expect "the summary of a date range: 8 passages of 3 articles, exact" "8 3 true" \
    "$(search "$T/idx" --json -n 1 --per-article 5 "$range" | jq -r 'select(.type == "summary") | "\(.total) \(.articles) \(.total_exact)"')"

# Two shards behind a stub: the posting lists of both.
for k in 1 2; do
    "$NSEARCH_INDEX" --db "$T/s$k" --shard-of "$k/2" "$c" 2>"$T/err"
    [ $? -le 1 ] || { not_ok "index shard $k"; cat "$T/err"; }
done
printf 'auto %s\nauto %s\n' "$T/s1" "$T/s2" >"$T/stub"
expect "two shards: --count kiwi, --per-article 5" 5 "$(count "$T/stub" --per-article 5 --count kiwi)"
expect "two shards: --count kiwi" 4 "$(count "$T/stub" --count kiwi)"
expect "two shards: --count $range, --per-article 5" 8 "$(count "$T/stub" --per-article 5 --count "$range")"

# An incremental run: a new file, a changed one, a deleted one.
printf 'Later\nDate: 2024-06-01\n\nKiwi kiwi kiwi.\n\nMore kiwi.\n\nAnd kiwi again.\n' >"$c/f.txt"
printf 'Kiwi season\nDate: 2024-05-03\n\nNo fruit.\n\nNone left.\n' >"$c/c.txt"
touch -d '2030-01-01' "$c/c.txt"
rm "$c/b.txt"
"$NSEARCH_INDEX" --db "$T/idx" "$c" 2>"$T/err" || { not_ok "update the count corpus"; cat "$T/err"; }
# a 3, c 1 (title only now), f 3.
expect "after an update: --count kiwi, --per-article 5" 7 "$(count "$T/idx" --per-article 5 --count kiwi)"
expect "after an update: the listing agrees" 7 "$(listed "$T/idx" --per-article 5 kiwi)"
expect "after an update: --count kiwi" 5 "$(count "$T/idx" --count kiwi)"
# a 4 and c 2 in range (b gone, f later): 2, 4 and 6 with 1, 2 and 5 an
# article, counted and listed.
expect "after an update: --count $range, --per-article 1, 2, 5, and the listings" "2 4 6 2 4 6" \
    "$(per_1_2_5 count "$T/idx" --count "$range") $(per_1_2_5 listed "$T/idx" "$range")"

# On the sample corpus: every word of a few titles, count against listing.
"$NSEARCH_INDEX" --db "$T/sample" "$TOP/corpus" 2>"$T/err" || { not_ok "index the sample corpus"; cat "$T/err"; }
n=0
bad=""
for w in Umerov meeting Ukraine talks said security guarantees Kyiv drone the peace; do
    for pa in 1 2 4; do
        a=$(count "$T/sample" --per-article "$pa" --count "$w")
        b=$(listed "$T/sample" --per-article "$pa" "$w")
        n=$((n + 1))
        [ "$a" = "$b" ] && [ "$a" -gt 0 ] 2>/dev/null || bad="$bad $w/$pa:$a/$b"
    done
done
expect "sample corpus: --count = the listing's passages for 33 word/limit pairs, none empty" "33 " "$n $bad"
# An oracle that reads no index: names that have no other form, counted by
# grep as the files (one article each) that mention them.
for w in Umerov Kyiv Witkoff Hnatov; do
    expect "sample corpus: articles mentioning $w (--per-article 1) = grep -liw's files" \
        "$(grep -liw "$w" "$TOP"/corpus/*.txt | wc -l | tr -d ' ')" \
        "$(count "$T/sample" --per-article 1 --count "$w")"
done

# A count that reads the articles (a wildcard, an exclusion, a title: field)
# stops reading one once per_article of its passages are sure to be listed
# (rank.c, count_only). Hand-counted: g1's title holds "walnut", its 3rd and
# 4th passages hold it themselves (those are listed, not the first two, which
# hold it only through the title); g2's first three passages hold it and its
# last one "pecan", which excludes the whole article from `-pecan` and from
# `-"pecan story"` (a phrase: the passage check, not Xapian, excludes it).
g=$T/walnuts
mkdir -p "$g"
printf 'Walnut report\nDate: 2024-07-01\n\nNothing here.\n\nStill nothing.\n\nA walnut fell.\n\nAnother walnut.\n\nThe end.\n' >"$g/g1.txt"
printf 'Market notes\nDate: 2024-07-02\n\nOne walnut.\n\nTwo walnuts.\n\nThree walnuts.\n\nA pecan story.\n' >"$g/g2.txt"
"$NSEARCH_INDEX" --db "$T/walnut-idx" "$g" 2>"$T/err" || { not_ok "index the walnut corpus"; cat "$T/err"; }
# query, then the expected count with --per-article 1, 2 (the default) and 5
for case in 'walnu*|2 4 5' 'walnu* -pecan|1 2 2' 'walnu* -"pecan story"|1 2 2' 'title:walnut|1 2 5' '=walnut|2 3 3'; do
    q=${case%%|*}
    want=${case#*|}
    got=$(per_1_2_5 count "$T/walnut-idx" --count "$q")
    expect "--count '$q', --per-article 1, 2, 5 (hand-counted)" "$want" "$got"
    got=$(per_1_2_5 listed "$T/walnut-idx" "$q")
    expect "the listing of '$q' agrees" "$want" "$got"
done

# --count of a wildcard alone settles from the posting lists what they can
# (search.c, count_prefix): a term whose every form begins with the prefix
# counts its passages itself, the others ("happi" of "happy", "deja" of
# "déjà", which `happi*` and `deja*` do not match) and articles where two
# terms may share a passage are read. The forms a term was indexed from are
# recorded by every kind of run (forms.h): checked after a fresh build, an
# incremental run in place, one grown by a merge, and a rebuild on two
# threads. Hand-counted (per article, --per-article 1 / 2 / 5):
#   de*:    h1 title only 1/1/1; h2 "debate", "decided" in two passages
#           1/2/2; h3 both in one passage 1/1/1; h4 in three 1/2/3; h8
#           "déjà" none; h9 "deja" 1/1/1. Total 5 7 8.
#   happi*: h5 "happy" none; h6 1/1/1; h7 "happy", then "Happiness" twice
#           1/2/2. Total 2 3 3.
#   happ*:  h5 1/1/1, h6 1/1/1, h7 1/2/3. Total 3 4 5.
#   deja*:  h9 only. Total 1 1 1.
#   livi*:  h10's "living" (not "Live"). story*: h10's "story". liv*: h10's
#           first and third passages 1/2/2.
#   dy*:    h11's "dying" ("die"). possibili*: h11's "possibility"
#           ("possibl").
h=$T/prefixes
mkdir -p "$h"
printf 'Debate night\nDate: 2024-08-01\n\nNothing of note.\n\nStill calm.\n' >"$h/h1.txt"
printf 'Harbour\nDate: 2024-08-02\n\nA debate began.\n\nThey decided later.\n\nQuiet.\n' >"$h/h2.txt"
printf 'Market\nDate: 2024-08-03\n\nDebate and decision in one line.\n\nQuiet end.\n' >"$h/h3.txt"
printf 'Forum\nDate: 2024-08-04\n\nA debate at one.\n\nA debate at two.\n\nA debate at three.\n' >"$h/h4.txt"
printf 'Crowd\nDate: 2024-08-05\n\nA happy crowd.\n\nNothing.\n' >"$h/h5.txt"
printf 'Joy\nDate: 2024-08-06\n\nTheir happiness grew.\n\nQuiet.\n' >"$h/h6.txt"
printf 'Man\nDate: 2024-08-07\n\nA happy man.\n\nHappiness.\n\nMore happiness.\n' >"$h/h7.txt"
printf 'Travel\nDate: 2024-08-08\n\nUn d\303\251j\303\240 vu.\n\nPlain.\n' >"$h/h8.txt"
printf 'Memory\nDate: 2024-08-09\n\nSome deja vu.\n' >"$h/h9.txt"
# A word whose stem its prefix leaves along the way: "living" is "live",
# "story" is "stori" (the index names such terms by their forms).
printf 'Town\nDate: 2024-08-10\n\nThe living room.\n\nA good story.\n\nLive music.\n' >"$h/h10.txt"
printf 'Autumn\nDate: 2024-08-11\n\nLeaves were dying.\n\nA possibility.\n' >"$h/h11.txt"
"$NSEARCH_INDEX" --db "$T/prefix-idx" "$h" 2>"$T/err" || { not_ok "index the prefix corpus"; cat "$T/err"; }
cases="'de*|5 7 8' 'happi*|2 3 3' 'happ*|3 4 5' 'deja*|1 1 1' 'livi*|1 1 1' 'story*|1 1 1' 'liv*|1 2 2' 'dy*|1 1 1' 'possibili*|1 1 1'"
eval "set -- $cases"
for case in "$@"; do
    q=${case%%|*}
    want=${case#*|}
    got=$(per_1_2_5 count "$T/prefix-idx" --count "$q")
    expect "--count '$q' alone, --per-article 1, 2, 5 (hand-counted)" "$want" "$got"
    got=$(per_1_2_5 listed "$T/prefix-idx" "$q")
    expect "the listing of '$q' agrees" "$want" "$got"
done

# The same through a stub of two shards: each shard's forms name the terms
# (README: a stub lists the same passages as one index).
"$NSEARCH_INDEX" --db "$T/prefix-s1" --shard-of 1/2 "$h" 2>"$T/err" || { not_ok "index shard 1"; cat "$T/err"; }
"$NSEARCH_INDEX" --db "$T/prefix-s2" --shard-of 2/2 "$h" 2>"$T/err" || { not_ok "index shard 2"; cat "$T/err"; }
printf 'auto prefix-s1\nauto prefix-s2\n' >"$T/prefix.stub"
for case in "$@"; do
    q=${case%%|*}
    want=${case#*|}
    got=$(per_1_2_5 count "$T/prefix.stub" --count "$q")
    expect "--count '$q' over two shards, --per-article 1, 2, 5 (hand-counted)" "$want" "$got"
done

# The forms learned by later runs. k1 holds "happiness" and "crisis": at
# first every form of "happi" and "crisi" begins with its stem.
k=$T/forms
mkdir -p "$k"
printf 'Joy\nDate: 2024-09-01\n\nTheir happiness grew.\n\nA crisis came.\n' >"$k/k1.txt"
"$NSEARCH_INDEX" --db "$T/forms-idx" "$k" 2>"$T/err" || { not_ok "index the forms corpus"; cat "$T/err"; }
expect "--count happi*: k1" 1 "$(count "$T/forms-idx" --count 'happi*')"
# In place: k2's "happy" is "happi" too, but not a word `happi*` matches.
printf 'Man\nDate: 2024-09-02\n\nA happy man.\n\nCalm.\n' >"$k/k2.txt"
NSEARCH_MERGE=never "$NSEARCH_INDEX" --db "$T/forms-idx" "$k" 2>"$T/err" || { not_ok "add k2 in place"; cat "$T/err"; }
expect "after a run in place, --count happi*: still k1 alone" 1 "$(count "$T/forms-idx" --count 'happi*')"
expect "after a run in place, --count happ*: k1 and k2" 2 "$(count "$T/forms-idx" --count 'happ*')"
# Grown by a merge: k3's "cry" is "cri", a term `cri*` looks in, but no word
# it matches (k1's "crisis" is).
printf 'Baby\nDate: 2024-09-03\n\nThey cry often.\n' >"$k/k3.txt"
NSEARCH_MERGE=always "$NSEARCH_INDEX" --db "$T/forms-idx" "$k" 2>"$T/err" || { not_ok "add k3 by a merge"; cat "$T/err"; }
expect "after a run grown by a merge, --count cri*: k1 alone" 1 "$(count "$T/forms-idx" --count 'cri*')"
expect "after a run grown by a merge, --count happi*: k1 alone" 1 "$(count "$T/forms-idx" --count 'happi*')"
# A rebuild on two threads: the forms of every part.
for f in 4 5 6 7 8 9; do printf 'Filler %s\nDate: 2024-09-1%s\n\nNothing of note.\n' $f $f >"$k/f$f.txt"; done
"$NSEARCH_INDEX" -j 2 --rebuild --db "$T/forms-idx" "$k" 2>"$T/err" || { not_ok "rebuild the forms corpus"; cat "$T/err"; }
expect "after a rebuild on two threads, --count happi* cri*: k1, k1" "1 1" \
    "$(for q in 'happi*' 'cri*'; do count "$T/forms-idx" --count "$q"; done | paste -sd ' ')"
