# pairs.sh: the word-pair terms that narrow a phrase of common words
# (schema.h, NS_PREFIX_PAIR; index.c, "Word pairs"). A phrase must find
# exactly what it found without them, in every kind of run: a fresh build
# whose parts close before the sample of common words is complete, an
# incremental run that adds articles, a rebuild, two shards that learned
# different words. The oracle is grep: the corpus is made of five words
# that have no other forms, one passage per line, so a phrase holds in a
# passage (or a title) exactly when grep finds it on that line.
. "$TOP/tests/e2e/lib.sh"

c=$T/corpus
mkdir -p "$c"
# make_files FIRST LAST SEED: articles whose title and three passages are
# random runs of the five words (awk's generator, fixed seed).
make_files() {
    awk -v first="$1" -v last="$2" -v seed="$3" -v dir="$c" 'BEGIN {
        srand(seed); split("alpha beta gamma delta omega", w, " ")
        for (i = first; i <= last; i++) {
            f = sprintf("%s/a%03d.txt", dir, i)
            line = w[int(rand() * 5) + 1] " " w[int(rand() * 5) + 1] " " w[int(rand() * 5) + 1]
            printf "%s\nDate: 2024-01-%02d\n", line, (i % 28) + 1 > f
            for (p = 0; p < 3; p++) {
                n = 3 + int(rand() * 6); line = ""
                for (k = 0; k < n; k++) line = line (k ? " " : "") w[int(rand() * 5) + 1]
                printf "\n%s.\n", line > f
            }
            close(f)
        }
    }'
}
make_files 1 60 7

# grep_files PHRASE: the files with the phrase on one line (title or passage).
grep_files() {
    grep -l -i -w -- "$1" "$c"/*.txt | sed 's|.*/||' | sort | tr '\n' ' '
}
found() {
    db=$1
    shift
    search "$db" --files -n 100000 "\"$1\"" | sed 's|.*/||' | sort | tr '\n' ' '
}
phrases="beta gamma|gamma beta alpha|omega omega|alpha delta omega|delta delta delta|gamma alpha beta delta"
# compare DB WHAT: every phrase's files against grep's; at least one found.
compare() {
    bad=0 nonempty=0
    old_ifs=$IFS
    IFS='|'
    for p in $phrases; do
        IFS=$old_ifs
        want=$(grep_files "$p")
        got=$(found "$1" "$p")
        [ -n "$want" ] && nonempty=$((nonempty + 1))
        [ "$want" = "$got" ] || { bad=$((bad + 1)); echo "    \"$p\": grep $want| nsearch $got"; }
        IFS='|'
    done
    IFS=$old_ifs
    expect "$2: every phrase finds grep's files (6 phrases, at least 5 found somewhere)" "0 ok" \
        "$bad $([ "$nonempty" -ge 5 ] && echo ok || echo "only $nonempty")"
}

# A fresh build in two workers whose parts hold 10 articles: they close
# before 2,000 are sampled, so the words are learned from what there is.
"$NSEARCH_INDEX" --db "$T/idx" --jobs 2 --batch 10 "$c" 2>"$T/err" || { not_ok "index the pairs corpus"; cat "$T/err"; }
gen=$(sed -n 's/^auto  *//p' "$T/idx/XAPIANDB")
expect "the index records its common words (the five)" "alpha beta delta gamma omega" \
    "$(xapian-metadata get "$T/idx/$gen" nsearch.pairs | grep . | sort | tr '\n' ' ' | sed 's/ $//')"
compare "$T/idx" "fresh build, small parts"
# Fewer articles than the sample: learned from all of them, whichever
# worker came first, so a second build pairs the same words.
"$NSEARCH_INDEX" --db "$T/idx2" --jobs 2 --batch 10 "$c" 2>"$T/err" || { not_ok "index the pairs corpus again"; cat "$T/err"; }
expect "a second build records the same words" \
    "$(xapian-metadata get "$T/idx/$gen" nsearch.pairs | grep . | sort | tr '\n' ' ')" \
    "$(xapian-metadata get "$T/idx2/$(sed -n 's/^auto  *//p' "$T/idx2/XAPIANDB")" nsearch.pairs | grep . | sort | tr '\n' ' ')"

# The index holds the pair terms (the filter has something to filter).
expect "a document holds pair terms (\"Pa b\")" 1 \
    "$(xapian-delve -r 1 "$T/idx/$gen" 2>/dev/null | grep -c ' P[a-z]* [a-z]')"

# An incremental run adds 30 articles: they get the same pairs.
make_files 61 90 11
"$NSEARCH_INDEX" --db "$T/idx" "$c" 2>"$T/err" || { not_ok "update the pairs corpus"; cat "$T/err"; }
compare "$T/idx" "after an incremental run"

# A rebuild learns again, from all 90.
"$NSEARCH_INDEX" --db "$T/idx" --rebuild "$c" 2>"$T/err" || { not_ok "rebuild the pairs corpus"; cat "$T/err"; }
compare "$T/idx" "after --rebuild"

# An index without the key (made before the pairs) filters nothing, and
# the pairs never change the order: a phrase under OR or beside other words
# lists the same with and without them (the filter is on what the whole
# query requires; found by the oracle's shards property).
for q in '"beta gamma" OR delta' '"omega omega" alpha' '("alpha delta" OR "gamma beta") omega'; do
    search "$T/idx" --vimgrep -n 1000 "$q" >"$T/with.$(echo "$q" | md5sum | cut -c1-8)" 2>/dev/null
done
xapian-metadata set "$T/idx/$(sed -n 's/^auto  *//p' "$T/idx/XAPIANDB")" nsearch.pairs ""
compare "$T/idx" "an index that records no common words"
same=0
for q in '"beta gamma" OR delta' '"omega omega" alpha' '("alpha delta" OR "gamma beta") omega'; do
    f="$T/with.$(echo "$q" | md5sum | cut -c1-8)"
    [ -s "$f" ] && search "$T/idx" --vimgrep -n 1000 "$q" 2>/dev/null | cmp -s - "$f" && same=$((same + 1))
done
expect "three mixed queries list the same passages in the same order with and without pairs" 3 "$same"
expect "\"gamma beta alpha\" OR \"delta delta delta\" lists grep's files" \
    "$(grep -l -i -w -e 'gamma beta alpha' -e 'delta delta delta' "$c"/*.txt | sed 's|.*/||' | sort | tr '\n' ' ')" \
    "$(search "$T/idx" --files -n 100000 '"gamma beta alpha" OR "delta delta delta"' | sed 's|.*/||' | sort | tr '\n' ' ')"

# Two shards: each learns its own words; the searcher pairs only those
# both have. Shard 2 is made to pair one word fewer ("omega" dropped from
# its record), then both take 30 new articles: shard 2's new documents
# have no omega pairs, so a filter on them would lose its omega phrases.
"$NSEARCH_INDEX" --db "$T/s1" --shard-of 1/2 "$c" 2>"$T/err" || { not_ok "index shard 1"; cat "$T/err"; }
"$NSEARCH_INDEX" --db "$T/s2" --shard-of 2/2 "$c" 2>"$T/err" || { not_ok "index shard 2"; cat "$T/err"; }
printf 'auto %s\nauto %s\n' "$T/s1" "$T/s2" >"$T/stub"
compare "$T/stub" "two shards"
g2=$(sed -n 's/^auto  *//p' "$T/s2/XAPIANDB")
xapian-metadata set "$T/s2/$g2" nsearch.pairs "$(printf 'alpha\nbeta\ngamma\ndelta\n')"
rm -f "$c"/a0[6-9]?.txt
make_files 61 90 23
for k in 1 2; do
    "$NSEARCH_INDEX" --db "$T/s$k" "$c" 2>"$T/err" || { not_ok "update shard $k"; cat "$T/err"; }
done
compare "$T/stub" "two shards, one pairing a word fewer, after new articles"


# The sample is spread over the corpus, not its first 2,000 articles: 2,500
# files in name (date) order, the last 500 in words the first 2,000 never
# use. One worker reads them in order, so only a spread sample sees them.
mkdir -p "$T/dated"
awk -v dir="$T/dated" 'BEGIN { for (i = 0; i < 2500; i++) { f = sprintf("%s/d%04d.txt", dir, i)
    if (i < 2000) w = "harbour ferry route"; else w = "glacier summit trail"
    printf "News %d\n\nThe %s today.\n", i, w > f; close(f) } }'
"$NSEARCH_INDEX" --db "$T/dated.idx" --jobs 1 "$T/dated" 2>"$T/err" || { not_ok "index the dated corpus"; cat "$T/err"; }
expect "a spread sample: the late words are common words too" "glacier harbour summit" \
    "$(xapian-metadata get "$T/dated.idx/$(sed -n 's/^auto  *//p' "$T/dated.idx/XAPIANDB")" nsearch.pairs | grep -x -e glacier -e harbour -e summit | sort | tr '\n' ' ' | sed 's/ $//')"
