#!/bin/sh
# serve.sh: per-request latency of `nsearch --serve` against starting a new
# `nsearch` process per query, the choice an as-you-type picker makes.
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
#
# Usage: sh bench/serve.sh [CORPUS_DIR]
# Environment:
#   NSEARCH, NSEARCH_INDEX  the programs (default build/release/...)
#   SERVE_DB=DIR            an existing index to use instead of indexing
#                           CORPUS_DIR (default corpus/, the sample corpus)
#   BENCH_QUERIES=FILE      queries, "KIND<tab>query" a line (default
#                           bench/queries.txt)
#   SERVE_ROUNDS=N          passes over the queries (default 5; the first,
#                           a warm-up, is not counted)
# Prints a markdown table on stdout: median and 95th percentile of the
# latency seen by the client, from writing the request (or starting the
# process) to having the whole answer, for the same queries both ways, with
# the same output (--json, default limit). Exit status 0, or 2 when a
# program or tool is missing.
set -eu

cd "$(dirname "$0")/.."
BENCH_NAME=bench/serve
. bench/lib.sh
BENCH_QUERIES=${BENCH_QUERIES:-bench/queries.txt}
SERVE_ROUNDS=${SERVE_ROUNDS:-5}
corpus=${1:-corpus}
need python3
BENCH_KEEP=0 # an index of the sample corpus: nothing worth keeping
bench_work nsearch-serve
if [ -n "${SERVE_DB:-}" ]; then
    db=$SERVE_DB
else
    db=$work/index
    say "indexing $corpus"
    rc=0
    "$NSEARCH_INDEX" --db "$db" "$corpus" 2>"$work/index.err" || rc=$?
    if [ "$rc" -gt 1 ]; then
        cat "$work/index.err" >&2
        exit 1
    fi
fi

NSEARCH_CONFIG= "$python" - "$NSEARCH" "$db" "$BENCH_QUERIES" "$SERVE_ROUNDS" <<'EOF'
import json, os, statistics, subprocess, sys, time

nsearch, db, qfile, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
queries = []
for line in open(qfile, encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    queries.append(line.split("\t", 1)[-1])
if not queries:
    sys.exit("bench/serve: no queries in " + qfile)

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

# Serve mode: one process; each request written, its response read.
srv = subprocess.Popen([nsearch, "--db", db, "--serve"], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
serve_ms, server_ms, errors = [], [], 0
for r in range(rounds):
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        srv.stdin.write(json.dumps({"id": i, "query": q}) + "\n")
        srv.stdin.flush()
        resp = json.loads(srv.stdout.readline())
        t1 = time.perf_counter()
        if r == 0 and rounds > 1:
            continue  # warm-up
        if "error" in resp:
            errors += 1
            continue
        serve_ms.append((t1 - t0) * 1000)
        server_ms.append(resp["summary"]["elapsed_ms"])
srv.stdin.close()
srv.wait()

# A new process per query, as a picker without serve mode would run it.
proc_ms = []
for r in range(rounds):
    for q in queries:
        t0 = time.perf_counter()
        p = subprocess.run([nsearch, "--db", db, "--json", "--", q],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        t1 = time.perf_counter()
        if r == 0 and rounds > 1:
            continue
        if p.returncode <= 1:
            proc_ms.append((t1 - t0) * 1000)

n = len(queries)
print(f"Per-request latency, {n} queries x {max(rounds - 1, 1)} rounds, index {db}")
print()
print("| mode | requests | median ms | p95 ms |")
print("|---|---:|---:|---:|")
print(f"| `nsearch --serve` (client round trip) | {len(serve_ms)} | "
      f"{statistics.median(serve_ms):.2f} | {pct(serve_ms, 95):.2f} |")
print(f"| `nsearch --serve` (search alone, `elapsed_ms`) | {len(server_ms)} | "
      f"{statistics.median(server_ms):.2f} | {pct(server_ms, 95):.2f} |")
print(f"| new `nsearch --json` process per query | {len(proc_ms)} | "
      f"{statistics.median(proc_ms):.2f} | {pct(proc_ms, 95):.2f} |")
print()
print(f"Serve mode answers {statistics.median(proc_ms) / statistics.median(serve_ms):.1f}x "
      f"faster at the median" + (f"; {errors} requests were refused" if errors else "") + ".")
EOF
