#!/usr/bin/python3
# hard.py: the hard-query set of `make bench` (`make bench-hard` alone; see
# bench/README.md, "Hard queries").
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
#
# Usage:
#   hard.py gen CORPUS [OUT]    write the query list (default
#                               bench/hard-queries.txt) from a corpus of
#                               .jsonl(.gz) parts, deterministically (fixed
#                               seed); the list is committed, the corpus not
#   hard.py translate [FILE]    print every query as each program runs it
#   hard.py run                 the measurement (driven by bench/hard.sh)
#
# What `run` does:
#   1. unpacks the corpus into .txt articles and builds the three indexes
#      the way bench.py does (nsearch-index, fts5_load.py, omindex), or
#      reuses them from $BENCH_HARD_INDEXES when that folder has them, or
#      from bench.py's folder $BENCH_HARD_FROM (in `make bench`);
#   2. checks each query once per program: exit status, and the number of
#      matching articles (nsearch --count --per-article 1, FTS5 count(*),
#      quest's exact count), so the translations can be seen to ask the
#      same question;
#   3. times each query whole-process with a warm page cache (the check
#      was the warm-up), the programs
#      in alternation (nsearch, FTS5, quest, nsearch, FTS5, quest, ...),
#      several rounds; a query's ratio is the median over the rounds of
#      nsearch's time / the peer's time in the same round;
#   4. prints a markdown table sorted worst ratio first and writes it, with
#      a JSON file of every figure, to bench/results/hard.md, hard.json.
import datetime
import gzip
import json
import os
import random
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (prepare_corpus, versions, loadavg, cpu_model, ...)

PYTHON = bench.PYTHON
QUERIES = os.path.join(HERE, "hard-queries.txt")


def log(msg):
    sys.stderr.write("bench-hard: [%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


# ----------------------------------------------------------------- indexes


def build_indexes(corpus, work, keep, limit, want_xapian):
    """Unpack the corpus under work and build the indexes in keep (a folder
    that may already hold them from an earlier run: each index is reused
    when its completion mark is there). Returns {tool: path, "txt": folder}."""
    os.makedirs(keep, exist_ok=True)
    txt = os.path.join(keep, "txt")
    mark = lambda name: os.path.join(keep, name + ".done")
    if not os.path.exists(mark("txt")):
        shutil.rmtree(txt, ignore_errors=True)
        log("unpacking %s into %s" % (corpus, txt))
        c = bench.prepare_corpus(corpus, keep, limit)
        with open(mark("txt"), "w") as f:
            json.dump({"articles": c["articles"], "bytes": c["bytes"], "src": corpus,
                       "limit": limit}, f)
    with open(mark("txt")) as f:
        info = json.load(f)
    if os.path.realpath(info["src"]) != os.path.realpath(corpus) or info["limit"] != limit:
        raise bench.BenchError("%s holds a corpus unpacked from %s (limit %s), not %s: use "
                               "another BENCH_HARD_INDEXES" % (keep, info["src"], info["limit"],
                                                               corpus))
    dbs = {"txt": txt, "articles": info["articles"], "bytes": info["bytes"],
           "nsearch": os.path.join(keep, "nsearch"), "fts5": os.path.join(keep, "fts5.db"),
           "xapian": os.path.join(keep, "xapian")}
    nsearch_index = os.environ["NSEARCH_INDEX"]
    cmds = [
        ("nsearch", [nsearch_index, "--db", dbs["nsearch"], txt]),
        ("fts5", [PYTHON, os.path.join(HERE, "fts5_load.py"), dbs["fts5"], txt]),
    ]
    if want_xapian:
        cmds.append(("xapian", ["omindex", "--db", dbs["xapian"], "--url", "/", "-M",
                                "txt:text/plain", txt]))
    for name, argv in cmds:
        if os.path.exists(mark(name)):
            continue
        p = dbs[name]
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)
        log("build %s: %s" % (name, shlex.join(argv)))
        t0 = time.time()
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # nsearch-index exits 1 when it skipped files: still an index.
        if r.returncode not in ((0, 1) if name == "nsearch" else (0,)):
            raise bench.BenchError("%s exited %d: %s" % (shlex.join(argv), r.returncode,
                                                         r.stderr.strip()[-800:]))
        log("  %.0f s" % (time.time() - t0))
        with open(mark(name), "w") as f:
            f.write("%s\n" % shlex.join(argv))
    return dbs


def bench_indexes(work):
    """The indexes bench.py built in its folder `work` (`make bench` runs
    this set as one of its sections, on the indexes it has just built)."""
    files = bench.list_files(os.path.join(work, "txt"), (".txt",))
    dbs = {"txt": os.path.join(work, "txt"), "articles": len(files),
           "bytes": sum(os.path.getsize(f) for f in files),
           "nsearch": os.path.join(work, "db", "nsearch"),
           "fts5": os.path.join(work, "db", "fts5.db"),
           "xapian": os.path.join(work, "db", "xapian")}
    for t in ("nsearch", "fts5", "xapian"):
        if not os.path.exists(dbs[t]):
            raise bench.BenchError("BENCH_HARD_FROM=%s has no %s" % (work, dbs[t]))
    return dbs


# ------------------------------------------------------------ the query list

SEED = 16  # issue 16; change it and the whole generated part changes
WORD = re.compile(r"[a-z0-9]+")
YEARS = range(2006, 2014)


def records(corpus):
    """(date, [title, paragraph, ...]) of every record of the .jsonl(.gz)
    parts under corpus, in file order."""
    for path in bench.list_files(corpus, (".jsonl", ".jsonl.gz")):
        with bench.open_text(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                body = str(rec.get("body") or "").replace("\r\n", "\n")
                texts = [str(rec.get("title") or "")] + [p for p in body.split("\n\n") if p.strip()]
                yield str(rec.get("date") or "")[:10], texts


def scan(corpus, top_n):
    """Word frequencies, and per text (title or paragraph) the runs of
    tokens, lower-cased letters and digits as FTS5's unicode61 splits them.
    Two passes: the first counts words, the second counts the bigrams and
    trigrams made of the top_n words (a bigram or trigram is counted once per
    article, so its count is a number of articles)."""
    freq = {}
    n = 0
    for _, texts in records(corpus):
        n += 1
        for t in texts:
            for w in WORD.findall(t.lower()):
                freq[w] = freq.get(w, 0) + 1
    # Common words: letters only, two or more of them ("s" of "company's"
    # and "u" of "U.S." are split off by FTS5 but not by nsearch).
    words = sorted((w for w in freq if len(w) >= 2 and w.isalpha()),
                   key=lambda w: (-freq[w], w))
    top = words[:top_n]
    words = words[:1000]
    topset = set(top)
    bi, tri, tri_year = {}, {}, {}
    for date, texts in records(corpus):
        seen_bi, seen_tri = set(), set()
        for t in texts:
            toks = WORD.findall(t.lower())
            for i in range(len(toks) - 1):
                a, b = toks[i], toks[i + 1]
                if a in topset and b in topset:
                    seen_bi.add((a, b))
                    if i + 2 < len(toks) and toks[i + 2] in topset:
                        seen_tri.add((a, b, toks[i + 2]))
        for k in seen_bi:
            bi[k] = bi.get(k, 0) + 1
        for k in seen_tri:
            tri[k] = tri.get(k, 0) + 1
            tri_year.setdefault(k, set()).add(date[:4])
    return {"articles": n, "freq": freq, "words": words, "top": top, "bi": bi, "tri": tri,
            "tri_year": tri_year}


def articles_nsearch(db, query):
    """Articles nsearch matches for query (one passage per article, counted),
    or None without an index."""
    if not db:
        return None
    r = subprocess.run([os.environ.get("NSEARCH", "nsearch"), "--db", db, "--count",
                        "--per-article", "1", query], capture_output=True, text=True)
    return int(r.stdout.strip() or 0) if r.returncode in (0, 1) else None


def generate(corpus, db=None):
    """The query list as lines. With db (an nsearch index of the corpus),
    each year's rare phrase is the first of its seeded candidates that
    nsearch also finds in one or two articles (stemming can join variants the
    plain scan keeps apart)."""
    rng = random.Random(SEED)
    log("scanning %s (two passes)" % corpus)
    s = scan(corpus, 100)
    top, bi, tri = s["top"], s["bi"], s["tri"]
    top50, top20 = top[:50], top[:20]
    out = []

    def add(group, mode, query, note=""):
        out.append((group, mode, query, note))

    # The fixed queries of the issue.
    add("fixed", "count", "said")
    add("fixed", "files", "said")
    add("fixed", "list", '"company said market"')
    add("fixed", "list", '"the company said"')
    add("fixed", "list", '"chief executive officer"')
    add("fixed", "list", "company NEAR/5 market")
    add("fixed", "list", "pre*")
    # 20 words drawn from ranks 21-200 of the common words.
    pool = sorted(s["words"][20:200])
    add("fixed", "list", " OR ".join(rng.sample(pool, 20)))

    # Pairs of the 50 most common words: 5 that are next to each other
    # somewhere (in one order, in 1 to 100 articles: rare phrases of common
    # words) and 5 never next to each other in either order. Each as a phrase
    # and as NEAR/5.
    pairs = [(a, b) for a in top50 for b in top50 if a != b]
    adjacent = sorted(p for p in pairs if 1 <= bi.get(p, 0) <= 100)
    apart = sorted(p for p in pairs if a_lt(p) and not bi.get(p) and not bi.get(p[::-1]))
    for kind, chosen in (("adjacent", rng.sample(adjacent, 5)), ("apart", rng.sample(apart, 5))):
        for a, b in chosen:
            add("pairs", "list", '"%s %s"' % (a, b), "%s: next to each other in %d article(s)"
                % (kind, bi.get((a, b), 0)))
        for a, b in chosen:
            add("pairs", "list", "%s NEAR/5 %s" % (a, b), kind)

    # A rare phrase of common words (three of the 100 most common, distinct,
    # in one or two articles) from each year.
    for year in YEARS:
        y = str(year)
        cands = sorted(k for k, v in tri.items()
                       if v <= 2 and len(set(k)) == 3 and y in s["tri_year"][k])
        if not cands:
            log("no rare phrase for %s" % y)
            continue
        rng.shuffle(cands)
        pick = None
        for k in cands[:40]:
            q = '"%s"' % " ".join(k)
            n = articles_nsearch(db, q)
            if n is None or 1 <= n <= 2:
                pick = (q, n)
                break
        if pick is None:
            pick = ('"%s"' % " ".join(cands[0]), None)
        add("year", "list", pick[0], "%s; scan: %d article(s)%s" % (
            y, tri[tuple(pick[0].strip('"').split())],
            "" if pick[1] is None else ", nsearch: %d" % pick[1]))

    # --count and --files of 5 of the 20 most common words (ranks 1, 5, 10,
    # 15, 20).
    for i in (0, 4, 9, 14, 19):
        add("top20", "count", top20[i], "rank %d" % (i + 1))
        add("top20", "files", top20[i], "rank %d" % (i + 1))

    # Wildcards with thousands of expansions: the two-letter prefixes of
    # the most word forms (letters only, as scanned) that nsearch accepts
    # (it refuses a wildcard of more than 2000 terms), and two it refuses
    # (co*, re*), to keep that limit in view.
    forms = {}
    for w in s["freq"]:
        if len(w) > 2 and w.isalpha():
            forms[w[:2]] = forms.get(w[:2], 0) + 1
    accepted = []
    for p, n in sorted(forms.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(accepted) == 2:
            break
        if n > 3000 or p in ("co", "re"):
            continue
        if db:
            r = subprocess.run([os.environ.get("NSEARCH", "nsearch"), "--db", db, "--count",
                                p + "*"], capture_output=True)
            if r.returncode != 0:
                continue
        elif n > 1500:
            continue
        accepted.append((p, n))
    for p, n in accepted + [("co", forms.get("co", 0)), ("re", forms.get("re", 0))]:
        note = "%d word forms in the scan%s" % (n, "; nsearch refuses it (over 2000 terms)"
                                                if p in ("co", "re") else "")
        add("wildcard", "list", p + "*", note)
        add("wildcard", "count", p + "*", note)

    # Dates: a range alone, listed and counted; newest first on a common word.
    add("date", "list", "date:2010-01..2010-06")
    add("date", "count", "date:2010-01..2010-06")
    add("date", "sort", "said")
    add("date", "sort", '"chief executive officer"')

    head = [
        "# bench/hard-queries.txt: the hard-query set of `make bench-hard` (bench/README.md,",
        "# \"Hard queries\"). Generated by `python3 bench/hard.py gen CORPUS` from",
        "# %s (%d articles), seed %d; regenerate rather than edit." % (
            os.path.basename(os.path.normpath(corpus)), s["articles"], SEED),
        "#",
        "# GROUP<TAB>MODE<TAB>QUERY<TAB>NOTE. QUERY is in nsearch's language; MODE is",
        "# list (nsearch -n 10), count (nsearch --count), files (nsearch --files -n 10)",
        "# or sort (nsearch --sort=date -n 10). `python3 bench/hard.py translate` shows",
        "# each program's command.",
        "# The 50 most common words (scan: lower-case letters, 2 or more): " + " ".join(top50),
    ]
    return head + ["\t".join(r).rstrip("\t") for r in out]


def a_lt(p):
    return p[0] < p[1]


def read_list(path):
    """[(group, mode, query, note)] of a query list."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 3 or parts[1] not in ("list", "count", "files", "sort"):
                raise bench.BenchError("%s:%d: expected GROUP<TAB>MODE<TAB>QUERY[<TAB>NOTE]"
                                       % (path, n))
            out.append((parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
    return out


# ------------------------------------------------------------- translation


def parse(q):
    """The subset of nsearch's language the hard set uses: one leaf, an OR
    of leaves, `leaf NEAR/n leaf`, or a date range alone. A leaf is
    ("word", w), ("prefix", p) or ("phrase", "a b c")."""
    m = re.fullmatch(r"date:(\S+)", q)
    if m:
        lo, hi = bench.parse_date_range(m.group(1))
        return ("date", lo, hi)
    toks = re.findall(r'"[^"]*"|\S+', q)

    def leaf(t):
        if t.startswith('"'):
            return ("phrase", " ".join(t.strip('"').split()))
        if t.endswith("*"):
            return ("prefix", t.rstrip("*"))
        if t in ("OR", "AND", "NOT") or t.startswith("NEAR") or ":" in t or t.startswith("-"):
            raise bench.QueryError("%r is not translated" % t)
        return ("word", t)

    if len(toks) == 3 and re.fullmatch(r"NEAR(/\d+)?", toks[1]):
        n = int(toks[1][5:] or 10)
        return ("near", leaf(toks[0]), leaf(toks[2]), n)
    if toks[1::2] and set(toks[1::2]) != {"OR"}:
        raise bench.QueryError("only an OR of leaves is translated: %s" % q)
    return ("or", [leaf(t) for t in toks[0::2]])


def fts5_leaf(t):
    if t[0] == "prefix":
        return '"%s"*' % t[1]
    return '"%s"' % t[1]


def fts5_where(p):
    """The WHERE clause asking FTS5 what nsearch's query p asks."""
    if p[0] == "date":
        return "date BETWEEN '%s' AND '%s'" % (p[1].isoformat(), p[2].isoformat())
    if p[0] == "near":
        # nsearch NEAR/n: at most n - 1 other words between the two sides;
        # FTS5 NEAR(a b, N): at most N tokens between them. Either order in
        # both.
        m = 'NEAR(%s %s, %d)' % (fts5_leaf(p[1]), fts5_leaf(p[2]), p[3] - 1)
    else:
        m = " OR ".join(fts5_leaf(t) for t in p[1])
    return "t MATCH '%s'" % m.replace("'", "''")


def fts5_sql(mode, p):
    where = fts5_where(p)
    snippet = "snippet(t, -1, '[', ']', '…', 24)"
    if mode == "count":
        return "SELECT count(*) FROM t WHERE %s;" % where
    if p[0] == "date":  # no MATCH: no rank and no snippet; the body's start
        return ("SELECT rowid, title, date, substr(body, 1, 300) FROM t WHERE %s LIMIT 10;"
                % where)
    if mode == "files":
        return "SELECT rowid FROM t WHERE %s ORDER BY rank LIMIT 10;" % where
    if mode == "sort":
        return ("SELECT rowid, title, date, %s FROM t WHERE %s ORDER BY date DESC, rowid "
                "LIMIT 10;" % (snippet, where))
    return "SELECT rowid, title, date, %s FROM t WHERE %s ORDER BY rank LIMIT 10;" % (
        snippet, where)


def quest_query(p):
    """(query, extra flags) for quest, or None when quest is not asked:
    NEAR (Xapian's window is counted differently) and --sort=date (quest
    cannot sort on a value)."""
    if p[0] == "date":
        return " ".join("date:" + v.replace("-", "") for _, v in bench.date_pieces(p[1], p[2])), []
    if p[0] == "near":
        return None
    flags = []
    parts = []
    for t in p[1]:
        if t[0] == "prefix":
            flags = ["-f", "default,wildcard"]
            parts.append(t[1] + "*")
        elif t[0] == "phrase":
            parts.append('"%s"' % t[1])
        else:
            parts.append(t[1])
    return " OR ".join(parts), flags


def commands(mode, q, dbs, nsearch):
    """{tool: argv} of one query; quest absent where it does not apply."""
    p = parse(q)
    ns = [nsearch, "--db", dbs["nsearch"]]
    ns += {"list": ["-n", "10"], "count": ["--count"], "files": ["--files", "-n", "10"],
           "sort": ["--sort=date", "-n", "10"]}[mode]
    out = {"nsearch": ns + [q],
           "fts5": ["sqlite3", "-readonly", dbs["fts5"], fts5_sql(mode, p)]}
    qq = quest_query(p)
    if qq is not None and mode != "sort" and dbs.get("xapian"):
        qtext, flags = qq
        date = ["-b", "date:Y", "-b", "date:M", "-b", "date:D"] if p[0] == "date" else []
        size = ["-m", "0", "-c", str(dbs["articles"] + 1)] if mode == "count" else ["-m", "10"]
        out["quest"] = ["quest", "-d", dbs["xapian"]] + size + flags + date + [qtext]
    return out


def check_commands(q, dbs, nsearch):
    """{tool: argv} printing the number of articles that match q."""
    p = parse(q)
    out = {"nsearch": [nsearch, "--db", dbs["nsearch"], "--count", "--per-article", "1", q],
           "fts5": ["sqlite3", "-readonly", dbs["fts5"], fts5_sql("count", p)]}
    qq = quest_query(p)
    if qq is not None and dbs.get("xapian"):
        date = ["-b", "date:Y", "-b", "date:M", "-b", "date:D"] if p[0] == "date" else []
        out["quest"] = (["quest", "-d", dbs["xapian"], "-m", "0", "-c", str(dbs["articles"] + 1)]
                        + qq[1] + date + [qq[0]])
    return out


def parse_count(tool, stdout):
    if tool == "quest":
        m = re.search(r"^Exactly (\d+) matches", stdout, re.M)
        return int(m.group(1)) if m else None
    s = stdout.strip()
    return int(s) if s.isdigit() else None


# --------------------------------------------------------------- measuring

TOOLS = ("nsearch", "fts5", "quest")


def run_once(argv, env):
    """(wall s, CPU s, exit status, stdout bytes) of one whole process, its
    output read through a pipe (as a user's pager or editor would)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = p.stdout.read()
    p.wait()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.returncode, len(out)


def measure(cmds, rounds, env, slow):
    """Time the tools of one query in alternation: `rounds` rounds of
    nsearch, FTS5, quest (the caller's check has just run each command once:
    that is the warm-up); when a round takes longer than `slow` seconds, the
    rounds stop at 3. Returns {tool: {"wall": [...], "cpu": [...]}} and the
    ratios per round."""
    tools = [t for t in TOOLS if t in cmds]
    res = {t: {"wall": [], "cpu": []} for t in tools}
    n = rounds
    i = 0
    while i < n:
        t0 = time.perf_counter()
        # Alternate the order too (A B C, then C B A ...), so that no
        # program always follows the same one.
        order = tools if i % 2 == 0 else tools[::-1]
        for t in order:
            wall, cpu, _, _ = run_once(cmds[t], env)
            res[t]["wall"].append(wall)
            res[t]["cpu"].append(cpu)
        if time.perf_counter() - t0 > slow:
            n = min(n, 3)
        i += 1
    ratios = {}
    for t in tools:
        if t != "nsearch" and "nsearch" in tools:
            ratios[t] = [a / b for a, b in zip(res["nsearch"]["wall"], res[t]["wall"])]
            ratios[t + "_cpu"] = [a / b if b > 0 else None
                                  for a, b in zip(res["nsearch"]["cpu"], res[t]["cpu"])]
    return res, ratios


def median(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None


class Hard:
    def __init__(self):
        e = os.environ
        self.work = e["BENCH_WORK"]
        self.results = e.get("BENCH_RESULTS", os.path.join(HERE, "results"))
        self.corpus = e["BENCH_CORPUS"]
        self.list_path = e.get("BENCH_HARD_QUERIES") or QUERIES
        lim = e.get("BENCH_LIMIT", "").strip()
        self.limit = int(lim) if lim else None
        quick = e.get("BENCH_QUICK", "") not in ("", "0")
        self.rounds = bench.env_int("BENCH_HARD_ROUNDS", 3 if quick else 5)
        self.slow = float(e.get("BENCH_HARD_SLOW", "") or 5)
        self.keep = e.get("BENCH_HARD_INDEXES") or os.path.join(self.work, "hard")
        self.quest = e.get("BENCH_HARD_QUEST", "1") not in ("", "0")
        # A copy of nsearch, so a rebuild during the run can't change it.
        bindir = os.path.join(self.work, "bin")
        os.makedirs(bindir, exist_ok=True)
        self.nsearch = os.path.join(bindir, "nsearch")
        shutil.copy2(e["NSEARCH"], self.nsearch)
        # No user configuration (limit, per-article, sort, color) and no
        # colour: each program prints plain text to a pipe.
        empty = os.path.join(self.work, "empty-config")
        open(empty, "w").close()
        self.env = dict(os.environ, NSEARCH_CONFIG=empty, NO_COLOR="1", LC_ALL="C.UTF-8")
        self.env.pop("NSEARCH_DB", None)

    def run(self):
        t_start = time.time()
        self.load_start = bench.loadavg()
        queries = read_list(self.list_path)
        src = os.environ.get("BENCH_HARD_FROM", "")
        if src:
            dbs = bench_indexes(src)
        else:
            dbs = build_indexes(self.corpus, self.work, self.keep, self.limit, self.quest)
        if not self.quest:
            dbs.pop("xapian")
        rows = []
        for k, (group, mode, q, note) in enumerate(queries, 1):
            cmds = commands(mode, q, dbs, self.nsearch)
            row = {"group": group, "mode": mode, "query": q, "note": note,
                   "argv": cmds, "counts": {}, "exit": {}}
            # The check, which is also the warm-up: exit status of the timed
            # command, and the number of matching articles each program
            # reports.
            for t, argv in cmds.items():
                r = subprocess.run(argv, capture_output=True, env=self.env)
                row["exit"][t] = r.returncode
                if r.returncode not in ((0, 1) if t == "nsearch" else (0,)) or (
                        t == "fts5" and r.stderr):
                    row.setdefault("errors", []).append("%s exited %d: %s" % (
                        t, r.returncode, r.stderr.decode("utf-8", "replace").strip()[-300:]))
            for t, argv in check_commands(q, dbs, self.nsearch).items():
                if t not in cmds:
                    continue
                r = subprocess.run(argv, capture_output=True, text=True, env=self.env)
                row["counts"][t] = parse_count(t, r.stdout)
            # A program that failed is not timed (an error's time says
            # nothing); the others still are.
            row["failed"] = [t for t, c in row["exit"].items()
                             if c not in ((0, 1) if t == "nsearch" else (0,))]
            timed = {t: a for t, a in cmds.items() if t not in row["failed"]}
            res, ratios = measure(timed, self.rounds, self.env, self.slow)
            row["times"] = res
            row["ms"] = {t: median(v["wall"]) * 1e3 for t, v in res.items()}
            row["cpu_ms"] = {t: median(v["cpu"]) * 1e3 for t, v in res.items()}
            row["ratio"] = {t: median(v) for t, v in ratios.items()}
            row["rounds"] = max((len(v["wall"]) for v in res.values()), default=0)
            rows.append(row)
            ms = lambda t: "%8.1f ms" % row["ms"][t] if t in row["ms"] else "  failed   "
            log("%2d/%d %-8s %-5s %-32s nsearch %s  fts5 %s%s  ratio %s  articles %s" % (
                k, len(queries), group, mode, q[:32], ms("nsearch"), ms("fts5"),
                "  quest %s" % ms("quest") if "quest" in cmds else "",
                "%.2f" % row["ratio"]["fts5"] if row["ratio"].get("fts5") else "—",
                "/".join(str(row["counts"].get(t)) for t in cmds)))
        self.elapsed = time.time() - t_start
        self.report(rows, dbs)

    def report(self, rows, dbs):
        have_quest = any("quest" in r["ms"] for r in rows)

        def shown(r):
            flag = {"list": "", "count": "--count ", "files": "--files -n 10 ",
                    "sort": "--sort=date "}[r["mode"]]
            return "`%s%s`" % (flag, r["query"])

        def f(v, fmt="%.1f"):
            return "—" if v is None else fmt % v

        def counts(r):
            c = r["counts"]
            return " / ".join(f(c.get(t), "%d") for t in TOOLS if t in r["argv"])

        def differ(r):
            """Article counts more than 10% (or 2 articles) apart."""
            c = [v for t, v in r["counts"].items() if v is not None]
            return bool(c) and max(c) - min(c) > max(2, 0.1 * max(c))

        # Failures first (nothing is worse), then by ratio.
        order = sorted(rows, key=lambda r: (not r["failed"], -(r["ratio"].get("fts5") or 0)))
        ok = [r for r in order if not r["failed"]]
        head = ["#", "query", "nsearch ms", "FTS5 ms"] + (["quest ms"] if have_quest else []) + [
            "nsearch/FTS5", "CPU nsearch/FTS5"] + (["nsearch/quest"] if have_quest else []) + [
            "articles nsearch / FTS5" + (" / quest" if have_quest else ""), "group"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for i, r in enumerate(order, 1):
            def ms(t):
                if t in r["failed"]:
                    return "**exit %d**" % r["exit"][t]
                return f(r["ms"].get(t))
            cells = [str(i), shown(r), ms("nsearch"), ms("fts5")]
            if have_quest:
                cells.append(ms("quest"))
            cells += [f(r["ratio"].get("fts5"), "%.2f"), f(r["ratio"].get("fts5_cpu"), "%.2f")]
            if have_quest:
                cells.append(f(r["ratio"].get("quest"), "%.2f"))
            cells += [counts(r) + (" ≠" if differ(r) else ""), r["group"]]
            lines.append("| " + " | ".join(cells) + " |")
        by_time = sorted(ok, key=lambda r: -r["ms"]["nsearch"])[:5]

        out = ["# nsearch hard queries (`make bench-hard`)", ""]
        out.append("- run: %s UTC, %.1f min; %d queries from %s, %d round%s each (3 when a "
                   "round took over %.0f s), after one unmeasured run of each command (the "
                   "check)" % (
                       datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), self.elapsed / 60,
                       len(rows), os.path.relpath(self.list_path, os.path.dirname(HERE)),
                       self.rounds, "" if self.rounds == 1 else "s", self.slow))
        out.append("- machine: %s, %d cores, %s, %.0f GB RAM; load average (1 min) at start %s, "
                   "at end %s" % (bench.platform.machine(), os.cpu_count() or 0, bench.cpu_model(),
                                  bench.mem_gb(), self.load_start, bench.loadavg()))
        out.append("- corpus: %s, %s articles, %.1f MB of text as .txt files" % (
            self.corpus, format(dbs["articles"], ","), dbs["bytes"] / 1e6))
        out.append("- versions: %s" % bench.versions(self.nsearch))
        out.append("- whole process, warm page cache, output read through a pipe; the programs "
                   "in alternation (nsearch, FTS5, quest, then the reverse order, ...). ms = "
                   "median wall time; nsearch/FTS5 = median over the rounds of nsearch's time / "
                   "FTS5's in the same round (above 1: nsearch is slower); CPU = user + system "
                   "seconds, less sensitive to the load")
        out.append("- articles: what each program counts as matching articles (nsearch "
                   "`--count --per-article 1`, FTS5 `count(*)`, quest's exact count); ≠ marks "
                   "counts more than 10% apart. `hard.py translate` prints every command")
        out.append("")
        out += lines
        out.append("")
        out.append("Worst five by ratio: " + "; ".join(
            "%s %.2f×" % (shown(r), r["ratio"]["fts5"]) for r in ok[:5]))
        out.append("")
        out.append("Worst five by nsearch's time: " + "; ".join(
            "%s %.0f ms" % (shown(r), r["ms"]["nsearch"]) for r in by_time))
        errs = [(r, e) for r in rows for e in r.get("errors", [])]
        if errs:
            out += ["", "Errors (a program that failed was not timed on that query; its rows "
                    "come first in the table):", ""]
            out += ["- %s: %s" % (shown(r), e.replace("\n", " ⏎ ")) for r, e in errs]
        text = "\n".join(out) + "\n"
        os.makedirs(self.results, exist_ok=True)
        with open(os.path.join(self.results, "hard.md"), "w") as fh:
            fh.write(text)
        with open(os.path.join(self.results, "hard.json"), "w") as fh:
            json.dump({"corpus": self.corpus, "articles": dbs["articles"], "bytes": dbs["bytes"],
                       "rounds": self.rounds, "load_start": self.load_start,
                       "load_end": bench.loadavg(), "rows": rows}, fh, indent=1, default=str)
        sys.stdout.write(text)


def cmd_translate(path):
    dbs = {"nsearch": "DB", "fts5": "FTS5_DB", "xapian": "OMEGA_DB", "articles": 105359}
    for group, mode, q, note in read_list(path):
        print("%s\t%s\t%s%s" % (group, mode, q, "\t# " + note if note else ""))
        for t, argv in commands(mode, q, dbs, "nsearch").items():
            print("  %-8s %s" % (t, shlex.join(argv)))
        for t, argv in check_commands(q, dbs, "nsearch").items():
            print("  %-8s %s" % ("(" + t + ")", shlex.join(argv)))


def main(argv):
    try:
        if len(argv) >= 3 and argv[1] == "gen":
            out = argv[3] if len(argv) > 3 else QUERIES
            lines = generate(argv[2], os.environ.get("NSEARCH_DB"))
            with open(out, "w") as f:
                f.write("\n".join(lines) + "\n")
            log("wrote %s" % out)
            return 0
        if len(argv) >= 2 and argv[1] == "translate":
            cmd_translate(argv[2] if len(argv) > 2 else QUERIES)
            return 0
        if len(argv) >= 2 and argv[1] == "run":
            Hard().run()
            return 0
    except (bench.BenchError, bench.QueryError) as e:
        sys.stderr.write("bench-hard: %s\n" % e)
        return 1
    sys.stderr.write("usage: hard.py gen CORPUS [OUT] | translate [FILE] | run\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
