# cron.sh: the crontab line and systemd units shipped in doc/ are valid
# (the nightly indexer timer and the shard server).
. "$TOP/tests/e2e/lib.sh"

# The crontab line: five time fields in range, then a command naming the
# indexer (cron itself has no syntax checker in Debian).
line=$(grep -v '^#' "$TOP/doc/crontab.example" | grep -v '^$')
expect "one crontab line" 1 "$(echo "$line" | wc -l)"
echo "$line" | awk '
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
{ exit !(field($1, 0, 59) && field($2, 0, 23) && field($3, 1, 31) && field($4, 1, 12) && field($5, 0, 7) && $6 == "nsearch-index") }'
expect "crontab fields are valid" 0 $?

if grep -qF "$(echo "$line" | cut -d' ' -f1-6)" "$TOP/README.md"; then ok "README shows the crontab line"; else not_ok "README shows the crontab line"; fi

# The crontab command itself, run as cron would (HOME set, nsearch-index on
# PATH) with the indexer under test: it builds the index nsearch reads.
mkdir -p "$T/home/news" "$T/bin"
printf 'Crontab story\n\nThe cronwombat was indexed overnight.\n' >"$T/home/news/a.txt"
ln -s "$NSEARCH_INDEX" "$T/bin/nsearch-index"
HOME="$T/home" PATH="$T/bin:$PATH" sh -c "$(echo "$line" | cut -d' ' -f6-)" >"$T/out" 2>&1
expect "the crontab command builds the index" "0 $T/home/news/a.txt" "$? $(answer "$T/home/.local/share/nsearch/index" cronwombat)"

# The systemd units: systemd-analyze verify (the ExecStart binary must exist:
# point it at the one under test).
if command -v systemd-analyze >/dev/null 2>&1; then
    mkdir -p "$T/units"
    sed "s|/usr/local/bin/nsearch-index|$NSEARCH_INDEX|" "$TOP/doc/systemd/nsearch-index.service" >"$T/units/nsearch-index.service"
    cp "$TOP/doc/systemd/nsearch-index.timer" "$T/units/"
    if systemd-analyze verify --man=no "$T/units/nsearch-index.timer" "$T/units/nsearch-index.service" >"$T/out" 2>&1 &&
        ! grep -qi "nsearch-index\.\(service\|timer\).*\(unknown\|invalid\|failed\)" "$T/out"; then
        ok "systemd units verify"
    else
        not_ok "systemd units verify"
        sed 's/^/    /' "$T/out"
    fi
    sed -e "s|/usr/bin/xapian-tcpsrv|$(command -v xapian-tcpsrv || echo /bin/true)|" \
        "$TOP/doc/systemd/nsearch-shard@.service" >"$T/units/nsearch-shard@.service"
    if systemd-analyze verify --man=no "$T/units/nsearch-shard@7001.service" >"$T/out" 2>&1 &&
        ! grep -qi "nsearch-shard.*\(unknown\|invalid\|failed\)" "$T/out"; then
        ok "shard server unit verifies"
    else
        not_ok "shard server unit verifies"
        sed 's/^/    /' "$T/out"
    fi
    check "timer calendar parses" systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$TOP/doc/systemd/nsearch-index.timer")"
else
    skip "systemd units verify" "systemd-analyze not installed"
fi
