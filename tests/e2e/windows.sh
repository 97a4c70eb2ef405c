# windows.sh: a NEAR that most of its candidates fail, over more candidates
# than one window of Xapian's (lib/search.c, run() and next_window: the
# windows grow with the share of candidates that pass; a count reads them in
# docid order, take_by_docid, in chunks). The corpus is made
# here, so the articles that hold the NEAR are known without nsearch: 1,500
# articles hold both words, 13 words apart in all but every 37th, where they
# are 3 apart (and 200 more hold only the first word). Listings, pages and
# counts must be exactly those articles, whatever the windows.
. "$TOP/tests/e2e/lib.sh"
C="$T/corpus"
DB="$T/idx"
mkdir -p "$C"
# Made-up filler words around the two, as many in an article that holds the
# NEAR as in one that doesn't, so that the NEAR's articles are spread over
# the ranking, not first; the lengths (and BM25 weights) vary with i, with
# runs of equal weights.
python3 - "$C" >"$T/want" <<'EOF'
import os, random, sys
rnd = random.Random(7)
syl = ["ka", "lo", "mi", "ru", "te", "vo", "sa", "ne", "pi", "du"]
words = sorted({rnd.choice(syl) + rnd.choice(syl) + rnd.choice(syl) + "x" for _ in range(400)})
for i in range(1500):
    name = "art-%04d.txt" % i
    fill = lambda n: " ".join(rnd.choice(words) for _ in range(n))
    gap = 2 if i % 37 == 0 else 12
    body = "%s alpha %s beta %s." % (fill(1 + i % 9), fill(gap), fill(13 - gap + (i // 9) % 7))
    with open(os.path.join(sys.argv[1], name), "w") as f:
        f.write("Report %d\n\n\n2020-01-%02d 10:00:00\n%s\n\n%s.\n" % (i, 1 + i % 28, body, fill(6)))
    if i % 37 == 0:
        print(name)
for i in range(200):
    with open(os.path.join(sys.argv[1], "one-%03d.txt" % i), "w") as f:
        f.write("Note %d\n\n\n2020-02-01 10:00:00\n%s alpha %s.\n" % (i, fill(3), fill(20)))
EOF
build_index "index 1,500 generated articles" "$DB" "$C"
want=$(sort "$T/want")
n=$(echo "$want" | wc -l | tr -d ' ')
q='alpha NEAR/5 beta'

full=$(answer "$DB" -n 1000000 --per-article 1 "$q" | sed 's|.*/||')
expect "the whole listing is the $n articles that hold the NEAR" "$want" "$(echo "$full" | sort)"
expect "--count counts them" "$n" "$(search "$DB" --count --per-article 1 "$q")"
# same DESC WANT GOT [N]: GOT is WANT, every line of it a wanted article
# (and N lines of them).
same() {
    if [ -n "$3" ] && [ -z "$(echo "$3" | grep -v -x -F "$want")" ] &&
        [ "$(echo "$3" | wc -l | tr -d ' ')" = "${4:-$(echo "$3" | wc -l | tr -d ' ')}" ]; then
        expect "$1" "$2" "$3"
    else
        not_ok "$1"
        echo "    got $(echo "$3" | wc -l | tr -d ' ') lines${4:+, want $4}"
        echo "$3" | grep -v -x -F "$want" | head -n 3 | sed 's/^/    not wanted: /'
    fi
}
top=$(answer "$DB" -n 10 --per-article 1 "$q" | sed 's|.*/||')
same "-n 10 is the start of the whole listing" "$(echo "$full" | head -n 10)" "$top" 10
page=$(answer "$DB" --offset 20 -n 10 --per-article 1 "$q" | sed 's|.*/||')
same "--offset 20 -n 10 is lines 21 to 30 of the whole listing" "$(echo "$full" | sed -n 21,30p)" "$page" 10
files=$(search "$DB" --files -n 1000000 "$q" | sed 's|.*/||')
same "--files lists the same articles in the same order" "$full" "$files"
# A NEAR every candidate passes, and a plain AND: all 1,500 articles with
# both words, over several windows (one candidate lost between two windows
# shows here).
expect "a NEAR all pass lists the 1,500 articles with both words" 1500 \
    "$(answer "$DB" -n 1000000 --per-article 1 'alpha NEAR/20 beta' | sort -u | wc -l | tr -d ' ')"
expect "... and counts them" 1500 "$(search "$DB" --count --per-article 1 'alpha NEAR/20 beta')"
expect "both words: the same 1,500 articles" 1500 \
    "$(answer "$DB" -n 1000000 --per-article 1 'alpha beta' | sort -u | wc -l | tr -d ' ')"
