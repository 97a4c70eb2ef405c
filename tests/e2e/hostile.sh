# hostile.sh: an index or stub from an untrusted place never runs a
# program (libxapian's stubs accept `remote :PROGRAM`): nsearch reads every
# stub itself, allows only `auto FOLDER` and `remote [tcp] HOST:PORT`, and
# refuses the rest naming the file and line.
. "$TOP/tests/e2e/lib.sh"
export NSEARCH_CONFIG=
C="$T/corpus"
mkdir -p "$C"
printf 'Oil prices rise\n\nOil prices rose on Monday.\n' >"$C/oil.txt"
"$NSEARCH_INDEX" --db "$T/idx" "$C" || not_ok "index a small corpus"
expect "the index answers" 1 "$("$NSEARCH" --db "$T/idx" --count oil)"

touch_stub() { # FILE LINE...: a stub whose lines would run touch
    f=$1
    shift
    printf '%s\n' "$@" >"$f"
}
n=0
for lines in "inmemory|remote :/usr/bin/touch $T/ran" "remote :/usr/bin/touch $T/ran" \
    "remote tcp :/usr/bin/touch $T/ran" "auto $T/idx|remote :/usr/bin/touch $T/ran" \
    "glass $T/idx/gen-1" "chert $T/idx" "# fine|prog /usr/bin/touch $T/ran"; do
    n=$((n + 1))
    (IFS='|'; set -f; touch_stub "$T/s$n.stub" $lines)
    bad=$(grep -n -v -e '^#' -e '^auto ' "$T/s$n.stub" | head -n 1 | cut -d: -f1)
    expect_exit "stub $n ($(echo "$lines" | cut -c1-30)...): refused naming the line" 2 \
        "^nsearch: $T/s$n.stub:$bad: " "$NSEARCH" --db "$T/s$n.stub" oil
    expect_none "stub $n: nothing was run" "$(ls "$T/ran" 2>/dev/null)" test -f "$T/s$n.stub"
done
# The same stub through NSEARCH_DB and a configuration file's db.
expect_exit "NSEARCH_DB naming a hostile stub: refused" 2 "^nsearch: $T/s1.stub:1: " env NSEARCH_DB="$T/s1.stub" "$NSEARCH" oil
mkdir -p "$T/cfg/nsearch"
printf 'db = %s\n' "$T/s2.stub" >"$T/cfg/nsearch/config"
expect_exit "a config's db naming a hostile stub: refused" 2 "^nsearch: $T/s2.stub:1: " \
    env -u NSEARCH_CONFIG XDG_CONFIG_HOME="$T/cfg" "$NSEARCH" oil
expect_none "…and nothing was run" "$(ls "$T/ran" 2>/dev/null)" test -f "$T/cfg/nsearch/config"

# An index folder whose XAPIANDB names more than its generation.
cp -r "$T/idx" "$T/bad"
printf 'auto gen-1\nremote :/usr/bin/touch %s/ran\n' "$T" >"$T/bad/XAPIANDB"
expect_exit "an index folder's XAPIANDB with a remote line: refused, naming it" 2 "$T/bad/XAPIANDB:2:" \
    "$NSEARCH" --db "$T/bad" oil
expect_exit "nsearch-index --stats on it: refused" 4 "XAPIANDB" "$NSEARCH_INDEX" --db "$T/bad" --stats
expect_exit "nsearch-index --check on it: refused" 4 "XAPIANDB" "$NSEARCH_INDEX" --db "$T/bad" --check
printf 'auto ../../../etc\n' >"$T/bad/XAPIANDB"
expect_exit "XAPIANDB naming a folder outside the index: refused" 2 "$T/bad/XAPIANDB:1:" "$NSEARCH" --db "$T/bad" oil
expect_none "no hostile stub ran anything" "$(ls "$T/ran" 2>/dev/null)" test -d "$T/bad"

# What is allowed still works: a stub of two local shards.
"$NSEARCH_INDEX" --db "$T/sh1" --shard-of 1/2 "$C" && "$NSEARCH_INDEX" --db "$T/sh2" --shard-of 2/2 "$C"
printf '# two shards\nauto sh1\n\nauto %s/sh2\n' "$T" >"$T/ok.stub"
expect "a stub of auto lines (relative and absolute) answers" 1 "$("$NSEARCH" --db "$T/ok.stub" --count oil)"
