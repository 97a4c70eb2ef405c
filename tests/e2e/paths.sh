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
