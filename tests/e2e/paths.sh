# paths.sh: a corpus folder given through a symlink is stored by the path
# the user typed, not the link's target; when the link moves, the next run
# follows it (what is gone is removed, the new files are indexed).
. "$TOP/tests/e2e/lib.sh"
mkdir -p "$T/disk/a" "$T/disk/b" "$T/home"
printf 'Falcon sighted over the valley\n\nA rare falcon was sighted over the valley.\n' >"$T/disk/a/falcon.txt"
printf 'Heron returns to the marsh\n\nA grey heron returned to the marsh.\n' >"$T/disk/b/heron.txt"
printf 'Owl at night\n\nAn owl called over the valley at night.\n' >"$T/disk/a/owl.txt"
printf 'Owl at dawn\n\nAn owl called over the marsh at dawn.\n' >"$T/disk/b/owl2.txt"
ln -s "$T/disk/a" "$T/home/news"
(cd "$T/home" && "$NSEARCH_INDEX" --db "$T/idx" news) >"$T/out" 2>&1 || { not_ok "index through a symlink"; cat "$T/out"; }
expect "a folder given through a symlink keeps the path as typed" "$T/home/news/falcon.txt" \
    "$(cd / && "$NSEARCH" --db "$T/idx" -l falcon)"
(cd "$T/home" && "$NSEARCH" --db "$T/idx" --vimgrep falcon) >"$T/v"
expect "…relative to the working folder when under it" "news/falcon.txt:3:8:A rare falcon was sighted over the valley." "$(cat "$T/v")"
ln -sfn "$T/disk/b" "$T/home/news"
"$NSEARCH_INDEX" --db "$T/idx" >"$T/out" 2>&1
expect "the link moved: the rerun exits 0" 0 "$?"
none "…what the old target held is gone" "$T/idx" falcon
expect "…the new target's files are indexed under the link" "$T/home/news/heron.txt" "$(cd / && "$NSEARCH" --db "$T/idx" -l heron)"

# ---- One folder, one copy of each article ---------------------------------
# A folder given twice (by any spelling), one inside another, or the same
# folder under two names is walked once, in every kind of run (fresh build,
# in place, grown by a merge, --rebuild), and the index records only the
# outer folder: every article is in once (counts by hand: one file, one
# article each) and --check agrees.
F="$T/fold"
mkdir -p "$F/c1" "$F/c2/sub" "$F/c3/.hid"
printf 'Title\nthe planted zqxword\n' >"$F/c1/a.txt"
printf 'Other\nthe other article\n' >"$F/c1/b.txt"
printf 'T\nthe zqxtop report\n' >"$F/c2/a.txt"
printf 'T\nthe zqxsub report\n' >"$F/c2/sub/b.txt"
corpus() { "$NSEARCH_INDEX" --db "$1" --stats --json | jq -r '.roots | join(" ")'; }
(cd "$F" && "$NSEARCH_INDEX" --db "$T/i1" -v c1 c1/ ./c1 "$F/c1") >"$T/out" 2>"$T/err"
expect "c1 c1/ ./c1: exit 0, two new articles, silently; the word found once" \
    "0|indexed 2 new, 0 changed, 0 deleted articles|1" \
    "$?|$(sed 's/ in [0-9.]* s$//' "$T/err")|$("$NSEARCH" --db "$T/i1" --count zqxword)"
expect "…in the index once, recorded once, --check passes" "1|$F/c1|0" \
    "$("$NSEARCH" --db "$T/i1" --count zqxword)|$(corpus "$T/i1")|$(status "$NSEARCH_INDEX" --db "$T/i1" --check)"
(cd "$F" && "$NSEARCH_INDEX" --db "$T/i2" -v c2/sub c2) >"$T/out" 2>"$T/err"
expect "c2/sub c2: exit 0, two new articles, c2/sub named as left out, its word found once" \
    "0|2 new|1|1" "$?|$(grep -o '[0-9]* new' "$T/err")|$(grep -c '^nsearch-index: c2/sub: left out: it is inside c2' "$T/err")|$("$NSEARCH" --db "$T/i2" --count zqxsub)"
expect "…each article once, c2 recorded" "1 1|$F/c2" \
    "$("$NSEARCH" --db "$T/i2" --count zqxsub) $("$NSEARCH" --db "$T/i2" --count zqxtop)|$(corpus "$T/i2")"
"$NSEARCH_INDEX" --db "$T/i3" "$F/c2" && "$NSEARCH_INDEX" --db "$T/i3" "$F/c2/sub"
expect "c2, then c2/sub: still c2 alone recorded, each word once" "$F/c2|1 1" \
    "$(corpus "$T/i3")|$("$NSEARCH" --db "$T/i3" --count zqxsub) $("$NSEARCH" --db "$T/i3" --count zqxtop)"
"$NSEARCH_INDEX" --db "$T/i3" --rebuild
expect "…and --rebuild makes one copy, --check passes" "1 0" \
    "$("$NSEARCH" --db "$T/i3" --count zqxsub) $(status "$NSEARCH_INDEX" --db "$T/i3" --check)"
"$NSEARCH_INDEX" --db "$T/i4" "$F/c2" && "$NSEARCH_INDEX" --db "$T/i4" "$F/c2/sub"
printf 'T\nthe zqxnew report\n' >"$F/c2/sub/n.txt"
NSEARCH_MERGE=always "$NSEARCH_INDEX" --db "$T/i4" -v "$F/c2" "$F/c2/sub" 2>"$T/err"
expect "a merged run over c2 and c2/sub: one new article, in once, --check passes" "1 new|1 0" \
    "$(grep -o '[0-9]* new' "$T/err")|$("$NSEARCH" --db "$T/i4" --count zqxnew) $(status "$NSEARCH_INDEX" --db "$T/i4" --check)"
printf 'T\nthe zqxnew2 report\n' >"$F/c2/sub/n2.txt"
NSEARCH_MERGE=never "$NSEARCH_INDEX" --db "$T/i4" -v "$F/c2/sub" "$F/c2" 2>"$T/err"
expect "…in place too: one new article, in once" "1 new|1 0" \
    "$(grep -o '[0-9]* new' "$T/err")|$("$NSEARCH" --db "$T/i4" --count zqxnew2) $(status "$NSEARCH_INDEX" --db "$T/i4" --check)"
# Two names for one folder: the first kept, the other named.
ln -s c1 "$F/l1"
(cd "$F" && "$NSEARCH_INDEX" --db "$T/i5" c1 l1) >"$T/out" 2>"$T/err"
expect "c1 and a link to it: exit 0, in once, l1 named as the same folder" "0 1 1|$F/c1" \
    "$? $("$NSEARCH" --db "$T/i5" --count zqxword) $(grep -c '^nsearch-index: l1: left out: it is the same folder as c1' "$T/err")|$(corpus "$T/i5")"
# A link inside a recorded folder's tree, given later: updated through it.
ln -s c2/sub "$F/lsub"
"$NSEARCH_INDEX" --db "$T/i3" "$F/lsub" 2>"$T/err"
expect "a link to a folder inside a recorded one: nothing new recorded, each article once" \
    "$F/c2|1|1" "$(corpus "$T/i3")|$("$NSEARCH" --db "$T/i3" --count zqxsub)|$("$NSEARCH" --db "$T/i3" -l zqxsub | grep -c "^$F/c2/sub/b.txt$")"
# A hidden folder inside another is not walked with it: both stay.
printf 'T\nthe zqxhid report\n' >"$F/c3/.hid/h.txt"
printf 'T\nthe zqxvis report\n' >"$F/c3/v.txt"
"$NSEARCH_INDEX" --db "$T/i6" "$F/c3" "$F/c3/.hid" 2>"$T/err"
expect "a hidden folder inside a given one: both recorded, each article once" \
    "$F/c3 $F/c3/.hid|1 1" "$(corpus "$T/i6")|$("$NSEARCH" --db "$T/i6" --count zqxhid) $("$NSEARCH" --db "$T/i6" --count zqxvis)"
# A recorded folder that became a link to another recorded one: dropped from
# the record, and the articles indexed under its name go.
mkdir -p "$F/g1" "$F/g2"
printf 'T\nthe zqxgone report\n' >"$F/g1/a.txt"
printf 'T\nthe zqxgtwo report\n' >"$F/g2/a.txt"
"$NSEARCH_INDEX" --db "$T/i7" "$F/g1" "$F/g2"
rm -rf "$F/g2" && ln -s g1 "$F/g2"
"$NSEARCH_INDEX" --db "$T/i7" 2>"$T/err"
expect "a recorded folder turned into a link to another: one recorded, its old articles gone, --check passes" \
    "$F/g1|1 0|0" \
    "$(corpus "$T/i7")|$("$NSEARCH" --db "$T/i7" --count zqxgone) $("$NSEARCH" --db "$T/i7" --count zqxgtwo)|$(status "$NSEARCH_INDEX" --db "$T/i7" --check)"

# A link to a sub-folder beside it, sorting before it ("alias" < "sub"):
# the link is the one skipped, named in the warning with the folder it
# leads to (exit 1: --exclude drops it), the articles keep their real paths,
# and every run says the same and indexes nothing again; a change is seen
# under the real path.
mkdir -p "$T/sl/sub"
printf 'S\n\nzzcommon subv1\n' >"$T/sl/sub/x.txt"
printf 'O\n\nThe other one was said to be new.\n' >"$T/sl/sub/y.txt"
ln -s sub "$T/sl/alias"
skipped="nsearch-index: $T/sl/alias: symbolic link to $T/sl/sub, a folder walked by its own path, skipped"
got=""
for run in 1 2 3; do
    (cd "$T" && "$NSEARCH_INDEX" --db "$T/i9" -v sl) >"$T/out" 2>"$T/err"
    got="$got|$?:$(sed 's/ in [0-9.]* s$//' "$T/err" | tr '\n' ':')"
done
got="${got#*|}|$(cd / && "$NSEARCH" --db "$T/i9" --no-heading subv1)"
expect "a link to a sub-folder sorting before it: the link skipped and named, each run; two articles, indexed once, found under their real paths" \
    "1:$skipped:indexed 2 new, 0 changed, 0 deleted articles:|1:$skipped:indexed 0 new, 0 changed, 0 deleted articles:|1:$skipped:indexed 0 new, 0 changed, 0 deleted articles:|$T/sl/sub/x.txt:3:zzcommon subv1" \
    "$got"
printf 'S\n\nzzcommon subv2\n' >"$T/sl/sub/x.txt"
touch -d '2001-01-01' "$T/sl/sub/x.txt"
"$NSEARCH_INDEX" --db "$T/i9" -v >"$T/out" 2>"$T/err"
expect "…a change to it: one changed article, under the real path, --check passes" \
    "1|indexed 0 new, 1 changed, 0 deleted articles|$T/sl/sub/x.txt:3:zzcommon subv2|0" \
    "$?|$(sed -n 's/ in [0-9.]* s$//p' "$T/err")|$(cd / && "$NSEARCH" --db "$T/i9" --no-heading subv2)|$(status "$NSEARCH_INDEX" --db "$T/i9" --check)"

# ---- --rebuild with folders: an index of exactly those --------------------
mkdir -p "$F/d1" "$F/d2"
printf 'T\nthe zqxdone report\n' >"$F/d1/a.txt"
printf 'T\nthe zqxdtwo report\n' >"$F/d2/b.txt"
"$NSEARCH_INDEX" --db "$T/i8" "$F/d1" "$F/d2"
"$NSEARCH_INDEX" --db "$T/i8" --rebuild "$F/d1"
expect "--rebuild d1 after d1 d2: d1 alone recorded and indexed" "$F/d1|1 0" \
    "$(corpus "$T/i8")|$("$NSEARCH" --db "$T/i8" --count zqxdone) $("$NSEARCH" --db "$T/i8" --count zqxdtwo)"
"$NSEARCH_INDEX" --db "$T/i8" 2>"$T/err"
expect "…the next run without folders does not bring d2 back" "0|$F/d1|0" \
    "$?|$(corpus "$T/i8")|$("$NSEARCH" --db "$T/i8" --count zqxdtwo)"
"$NSEARCH_INDEX" --db "$T/i8" "$F/d2"
gen=$("$NSEARCH_INDEX" --db "$T/i8" --stats --json | jq .generation)
"$NSEARCH_INDEX" --db "$T/i8" --rebuild
expect "…a folder added, then --rebuild without folders: exit 0, a new generation, both kept" \
    "0 $((gen + 1))|$F/d1 $F/d2|1 1" \
    "$? $("$NSEARCH_INDEX" --db "$T/i8" --stats --json | jq .generation)|$(corpus "$T/i8")|$("$NSEARCH" --db "$T/i8" --count zqxdone) $("$NSEARCH" --db "$T/i8" --count zqxdtwo)"
