#!/bin/sh
# gencorpus.sh DIR N [SEED]: write N synthetic articles into DIR for tests
# that need bulk (kill -9 timing, concurrency): a third as .txt files, the
# rest as JSON Lines records in a few .jsonl files. Deterministic per SEED.
set -eu
dir=$1 n=$2 seed=${3:-1}
mkdir -p "$dir"
awk -v n="$n" -v seed="$seed" -v dir="$dir" 'BEGIN {
    srand(seed)
    split("market bank rates inflation election court storm flood harbour council " \
          "minister treaty energy grid wind solar port shipping grain harvest " \
          "vaccine hospital league final coach striker museum festival library " \
          "rail tram bridge airport fog budget tax pension strike union talks " \
          "ceasefire envoy summit security guarantees framework plan draft vote", w, " ")
    nw = 0; for (k in w) nw++
    for (i = 1; i <= n; i++) {
        title = w[int(rand() * nw) + 1] " " w[int(rand() * nw) + 1] " report " i
        body = ""
        np = 2 + int(rand() * 4)
        for (p = 1; p <= np; p++) {
            para = "Article " i " paragraph " p ":"
            nt = 20 + int(rand() * 40)
            for (t = 1; t <= nt; t++) para = para " " w[int(rand() * nw) + 1]
            body = body (p > 1 ? "\n\n" : "") para "."
        }
        d = sprintf("2025-%02d-%02d", 1 + i % 12, 1 + i % 28)
        if (i % 3 == 0) {
            f = sprintf("%s/a%05d.txt", dir, i)
            printf "%s\nDate: %s\nSource: Synthetic Wire\n\n", title, d > f
            gsub(/\n\n/, "\n\n", body)
            print body > f
            close(f)
        } else {
            f = sprintf("%s/batch-%d.jsonl", dir, i % 4)
            gsub(/\n/, "\\n", body)
            printf "{\"id\":\"s%d\",\"title\":\"%s\",\"date\":\"%s\",\"source\":\"Synthetic Wire\",\"body\":\"%s\"}\n", i, title, d, body >> f
        }
    }
}'
