# cron.sh: the crontab line and systemd units shipped in doc/ are valid
# (the nightly indexer timer and the shard server).
. "$TOP/tests/e2e/lib.sh"

# The crontab lines, the nightly update and the weekly --check: each five
# time fields in range, then a command naming the indexer, with options the
# indexer knows (its --help lists them; cron itself has no syntax checker in
# Debian).
lines=$(grep -v '^#' "$TOP/doc/crontab.example" | grep -v '^$')
line=$(echo "$lines" | sed -n 1p)
weekly=$(echo "$lines" | sed -n 2p)
n_lines=$(echo "$lines" | wc -l | tr -d ' ')
"$NSEARCH_INDEX" --help >"$T/help" 2>&1
for l in "$line" "$weekly"; do
n_opts=0 unknown=""
for o in $(echo "$l" | cut -d' ' -f7- | grep -o -- '--[a-z-]*'); do
    n_opts=$((n_opts + 1))
    grep -q -- "^ *${o}[ ,]" "$T/help" || unknown="$unknown $o"
done
fields=invalid
if echo "$l" | awk '
function field(v, lo, hi,   n, parts, i, r) {
    if (v == "*") return 1
    n = split(v, parts, ",")
    for (i = 1; i <= n; i++) {
        if (parts[i] !~ /^[0-9]+(-[0-9]+)?(\/[0-9]+)?$/) return 0
        split(parts[i], r, /[-\/]/)
        if (r[1] < lo || r[1] > hi) return 0
    }
    return 1
}
{ exit !(field($1, 0, 59) && field($2, 0, 23) && field($3, 1, 31) && field($4, 1, 12) && field($5, 0, 7) && $6 == "nsearch-index") }'; then
    fields=valid
fi
if [ "$n_opts" -ge 1 ] && [ -z "$unknown" ]; then opts="options its --help lists"; else opts="options not in its --help:${unknown:- (none given)}"; fi
expect "crontab fields are valid (${l%% nsearch-index*})" "2 lines, valid fields, options its --help lists" "$n_lines lines, $fields fields, $opts"
done

# The crontab command itself, run as cron would (HOME set, nsearch-index on
# PATH) with the indexer under test: it builds the index nsearch reads.
mkdir -p "$T/home/news" "$T/bin"
printf 'Crontab story\n\nThe cronwombat was indexed overnight.\n' >"$T/home/news/a.txt"
ln -s "$NSEARCH_INDEX" "$T/bin/nsearch-index"
HOME="$T/home" PATH="$T/bin:$PATH" sh -c "$(echo "$line" | cut -d' ' -f6-)" >"$T/out" 2>&1
expect "the crontab command builds the index" "0 $T/home/news/a.txt" "$? $(answer "$T/home/.local/share/nsearch/index" cronwombat)"
# The weekly line: silent on that index; on a copy whose record table has a
# stray write in the middle (which the nightly run's probe does not read),
# exit 4 with the repair, which cron mails.
HOME="$T/home" PATH="$T/bin:$PATH" sh -c "$(echo "$weekly" | cut -d' ' -f6-)" >"$T/out" 2>&1
expect "the weekly --check line: silent, exit 0, on a sound index" "0 0" "$? $(wc -c <"$T/out" | tr -d ' ')"
cp -a "$T/home" "$T/home3"
idx3="$T/home3/.local/share/nsearch/index"
g3=$(sed -n 's/^auto //p' "$idx3/XAPIANDB")
python3 -c 'import os,sys
p=sys.argv[1]; f=open(p,"r+b"); n=os.path.getsize(p); f.seek(n//2); f.write(b"\xde\xad\xbe\xef"*(n//8))' "$idx3/$g3/postlist.glass"
HOME="$T/home3" PATH="$T/bin:$PATH" sh -c "$(echo "$weekly" | cut -d' ' -f6-)" >"$T/out" 2>&1
expect "the weekly --check line: exit 4 on a table damaged inside, naming the index and its --rebuild" "4 1" \
    "$? $(grep -c "^nsearch-index: $idx3: .*nsearch-index --db $idx3 --rebuild" "$T/out")"

# The README shows the same line, and the README's copy (what a user takes)
# runs as well: an index of its own.
readme=$(sed -n '/^```cron$/,/^```$/p' "$TOP/README.md" | grep -v -e '^```' -e '^#' | sed -n 1p)
readme_weekly=$(sed -n '/^```cron$/,/^```$/p' "$TOP/README.md" | grep -v -e '^```' -e '^#' | sed -n 2p)
mkdir -p "$T/home2/news"
cp "$T/home/news/a.txt" "$T/home2/news/"
HOME="$T/home2" PATH="$T/bin:$PATH" sh -c "$(echo "$readme" | cut -d' ' -f6-)" >"$T/out" 2>&1
expect "README shows the crontab lines" "$line|$weekly|0 $T/home2/news/a.txt" \
    "$readme|$readme_weekly|$? $(answer "$T/home2/.local/share/nsearch/index" cronwombat)"

# The systemd units: systemd-analyze verify (the ExecStart binary must exist:
# point it at the one under test), and the service's command run as the
# user's systemd runs it (HOME set, no shell): with no folder it updates the
# folders of the index the crontab line built, a new article included.
if command -v systemd-analyze >/dev/null 2>&1; then
    mkdir -p "$T/units"
    sed "s|/usr/local/bin/nsearch-index|$NSEARCH_INDEX|" "$TOP/doc/systemd/nsearch-index.service" >"$T/units/nsearch-index.service"
    cp "$TOP/doc/systemd/nsearch-index.timer" "$T/units/"
    printf 'Unit story\n\nThe unitwombat came with the timer.\n' >"$T/home/news/b.txt"
    # shellcheck disable=SC2046
    env -u XDG_DATA_HOME HOME="$T/home" $(sed -n 's/^ExecStart=//p' "$T/units/nsearch-index.service") >"$T/run" 2>&1
    ran="$? $(answer "$T/home/.local/share/nsearch/index" unitwombat)"
    if systemd-analyze verify --man=no "$T/units/nsearch-index.timer" "$T/units/nsearch-index.service" >"$T/out" 2>&1 &&
        ! grep -qi "nsearch-index\.\(service\|timer\).*\(unknown\|invalid\|failed\)" "$T/out" &&
        [ "$ran" = "0 $T/home/news/b.txt" ]; then
        ok "systemd units verify"
    else
        not_ok "systemd units verify"
        sed 's/^/    /' "$T/out"
        echo "    ExecStart run: want 0 $T/home/news/b.txt, got $ran"
        sed 's/^/    /' "$T/run"
    fi
    # The shard server's unit verifies, and its ExecStart, %i a free port and
    # the shard folder the index the crontab line built (on the loopback
    # only), serves it: nsearch answers through it.
    if command -v xapian-tcpsrv >/dev/null 2>&1; then
        sed -e "s|/usr/bin/xapian-tcpsrv|$(command -v xapian-tcpsrv)|" \
            "$TOP/doc/systemd/nsearch-shard@.service" >"$T/units/nsearch-shard@.service"
        for _ in 1 2 3 4 5; do
            port=$(shuf -i 20000-59999 -n 1)
            cmd=$(sed -n 's/^ExecStart=//p' "$TOP/doc/systemd/nsearch-shard@.service" |
                sed -e "s|%i|$port|g" -e "s|/var/lib/nsearch/shard-$port|$T/home/.local/share/nsearch/index|" \
                    -e "s|^/usr/bin/xapian-tcpsrv |$(command -v xapian-tcpsrv) --interface 127.0.0.1 |")
            # Its own session: on SIGTERM xapian-tcpsrv signals its whole
            # process group, which would otherwise include this shell.
            # shellcheck disable=SC2086
            setsid $cmd >"$T/srv" 2>&1 &
            srv=$!
            trap 'kill "$srv" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
            sleep 0.4
            kill -0 "$srv" 2>/dev/null && break
        done
        echo "remote 127.0.0.1:$port" >"$T/stub"
        served=$(answer "$T/stub" cronwombat)
        kill "$srv" 2>/dev/null
        wait "$srv" 2>/dev/null
        if systemd-analyze verify --man=no "$T/units/nsearch-shard@7001.service" >"$T/out" 2>&1 &&
            ! grep -qi "nsearch-shard.*\(unknown\|invalid\|failed\)" "$T/out" &&
            [ "$served" = "$T/home/news/a.txt" ]; then
            ok "shard server unit verifies"
        else
            not_ok "shard server unit verifies"
            sed 's/^/    /' "$T/out"
            echo "    served by its ExecStart: want $T/home/news/a.txt, got $served"
            sed 's/^/    /' "$T/srv"
        fi
    else
        skip "shard server unit verifies" "xapian-tcpsrv not installed (Debian: xapian-tools)"
    fi
    check "timer calendar parses" systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$TOP/doc/systemd/nsearch-index.timer")"
else
    skip "systemd units verify" "systemd-analyze not installed"
fi
