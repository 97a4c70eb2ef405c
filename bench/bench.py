#!/usr/bin/python3
# bench.py: the body of `make bench` (bench/run.sh is the entry point and
# sets the environment this script reads; bench/README.md explains the
# figures).
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
#
# Usage:
#   bench.py run                 the whole benchmark (driven by bench/run.sh)
#   bench.py translate [FILE]    show each query of FILE (default
#                                bench/queries.txt) as every peer runs it
#
# What `run` does, in order (each step logs one line to stderr):
#   1. unpack the corpus (.jsonl/.jsonl.gz parts or .txt files) into a
#      folder of .txt articles in the plain-file shape, with each file's
#      mtime set to its article date at 12:00 UTC (omindex turns mtimes into
#      its date terms, which is how quest answers date filters);
#   2. index builds, each the median of several hyperfine runs, each run
#      wrapped in /usr/bin/time -v for CPU time and peak RSS;
#   3. incremental reruns of nsearch-index (and omindex): nothing changed,
#      then 1% new articles added to an index of the other 99%;
#   4. the queries of bench/queries.txt, whole-process latency with warm
#      caches, one hyperfine call per tool over all queries;
#   5. scaling: builds and query latency at a small corpus, 1/4, 1/2, all;
#   6. bench/analyzer.sh, when it exists, as one more section;
#   7. one markdown table to stdout and bench/results/latest.md.
#
# Everything it writes outside bench/results/ goes under $BENCH_WORK, which
# run.sh creates and removes.
import datetime
import gzip
import json
import multiprocessing
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIME = "/usr/bin/time"
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

KINDS = ["two-word", "three-word", "phrase", "boolean", "date"]

# Columns of the table, in order: key, header.
TOOLS = [
    ("nsearch", "nsearch"),
    ("native", "nsearch on .jsonl.gz"),
    ("xapian", "Xapian omindex / quest"),
    ("fts5", "SQLite FTS5"),
    ("rg", "rg (no index)"),
]


class BenchError(Exception):
    pass


def log(msg):
    sys.stderr.write("bench: [%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def env_int(name, default):
    v = os.environ.get(name, "")
    return int(v) if v.strip() else default


# ------------------------------------------------------------------ corpus

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def noon_utc(date):
    """Seconds since the epoch of date (YYYY-MM-DD) at 12:00 UTC, or None."""
    try:
        d = datetime.datetime.strptime(date[:10], "%Y-%m-%d")
    except ValueError:
        return None
    return int(d.replace(hour=12, tzinfo=datetime.timezone.utc).timestamp())


def article_text(rec):
    """One jsonl record in the plain-file shape (as nsearch's reader reads it)."""
    title = " ".join(str(rec.get("title") or "").split())
    out = [title]
    if rec.get("date"):
        out.append("Date: %s" % str(rec["date"])[:10])
    if rec.get("source"):
        out.append("Source: %s" % " ".join(str(rec["source"]).split()))
    body = str(rec.get("body") or "").replace("\r\n", "\n").strip("\n")
    return "\n".join(out) + "\n\n" + body + "\n"


def open_text(path):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def unpack_part(job):
    """Unpack one .jsonl(.gz) file into folder out; returns (articles, bytes).
    When limit is set, keeps the first `limit` records and also writes them
    to native_out (gzipped) so nsearch's direct run sees the same articles."""
    src, out, limit, native_out = job
    os.makedirs(out, exist_ok=True)
    seen = set()
    n = nbytes = 0
    native = gzip.open(native_out, "wt", encoding="utf-8") if native_out else None
    with open_text(src) as f:
        for line in f:
            if limit is not None and n >= limit:
                break
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if native:
                native.write(line + "\n")
            name = SAFE_NAME.sub("_", str(rec.get("id") or "article-%d" % n))[:150]
            base, k = name, 1
            while name in seen:
                k += 1
                name = "%s-%d" % (base, k)
            seen.add(name)
            path = os.path.join(out, name + ".txt")
            data = article_text(rec).encode("utf-8")
            with open(path, "wb") as g:
                g.write(data)
            t = noon_utc(str(rec.get("date") or ""))
            if t is not None:
                os.utime(path, (t, t))
            n += 1
            nbytes += len(data)
    if native:
        native.close()
    return n, nbytes


def copy_txt(job):
    """Copy one .txt article, mtime from its Date: line; returns (1, bytes)."""
    src, dst = job
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)
    with open(dst, encoding="utf-8", errors="replace") as f:
        head = f.read(4096).split("\n\n", 1)[0].split("\n")
    for line in head[1:]:
        if line.startswith("Date: "):
            t = noon_utc(line[6:].strip())
            if t is not None:
                os.utime(dst, (t, t))
    return 1, os.path.getsize(dst)


def list_files(folder, suffixes):
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(suffixes):
                out.append(os.path.join(root, name))
    return sorted(out)


def prepare_corpus(src, work, limit):
    """Unpack/copy src into work/txt. Returns a dict describing the corpus."""
    txt = os.path.join(work, "txt")
    parts = list_files(src, (".jsonl", ".jsonl.gz"))
    texts = list_files(src, (".txt",))
    if not parts and not texts:
        raise BenchError("%s holds no .txt, .jsonl or .jsonl.gz files" % src)
    native = None
    jobs_parts, jobs_txt = [], []
    if parts:
        per = None if limit is None else max(1, -(-limit // len(parts)))
        if limit is not None:
            native = os.path.join(work, "native")
            os.makedirs(native)
        for p in parts:
            stem = os.path.basename(p).split(".")[0]
            nat = os.path.join(native, stem + ".jsonl.gz") if native else None
            jobs_parts.append((p, os.path.join(txt, stem), per, nat))
        if native is None:
            native = src
    if limit is not None:
        texts = texts[:limit]
    for t in texts:
        jobs_txt.append((t, os.path.join(txt, "files", os.path.relpath(t, src))))
    with multiprocessing.Pool(min(4, os.cpu_count() or 1)) as pool:
        counts = pool.map(unpack_part, jobs_parts) + pool.map(copy_txt, jobs_txt, chunksize=256)
    files = list_files(txt, (".txt",))
    return {
        "src": src,
        "txt": txt,
        "native": native,  # folder for nsearch's direct run, or None
        "nparts": len(parts),
        "articles": sum(c[0] for c in counts),
        "bytes": sum(c[1] for c in counts),
        "files": files,
    }


def link_subset(files, root, dest):
    """Hard-link files (paths under root) into dest, same relative paths."""
    nbytes = 0
    for f in files:
        d = os.path.join(dest, os.path.relpath(f, root))
        os.makedirs(os.path.dirname(d), exist_ok=True)
        os.link(f, d)
        nbytes += os.path.getsize(f)
    return nbytes


# ----------------------------------------------------------------- queries


class QueryError(Exception):
    pass


def lex(q):
    """Tokens of the subset of nsearch's query language the bench uses."""
    toks, i = [], 0
    while i < len(q):
        c = q[i]
        if c.isspace():
            i += 1
        elif c in "()":
            toks.append((c, c))
            i += 1
        elif c == '"':
            j = q.find('"', i + 1)
            if j < 0:
                raise QueryError("unclosed quote")
            toks.append(("phrase", " ".join(q[i + 1 : j].split())))
            i = j + 1
        else:
            j = i
            while j < len(q) and not q[j].isspace() and q[j] not in '()"':
                j += 1
            w = q[i:j]
            i = j
            if w in ("AND", "OR", "NOT"):
                toks.append((w, w))
            elif w.startswith("date:"):
                toks.append(("date", parse_date_range(w[5:])))
            elif w.startswith("-") and len(w) > 1:
                toks.append(("NOT", "NOT"))
                toks.append(("word", w[1:]))
            elif ":" in w and w.split(":")[0] in ("title", "source", "since", "until"):
                raise QueryError("%s is not translated for the peers" % w.split(":")[0] + ":")
            else:
                toks.append(("word", w))
    return toks


def period(s, last):
    """First (or last) day of YYYY, YYYY-MM or YYYY-MM-DD, as a date."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", s)
    if not m:
        raise QueryError("bad date %r" % s)
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if d:
        return datetime.date(y, int(mo), int(d))
    if mo:
        mo = int(mo)
        if not last:
            return datetime.date(y, mo, 1)
        nxt = datetime.date(y + (mo == 12), mo % 12 + 1, 1)
        return nxt - datetime.timedelta(days=1)
    return datetime.date(y, 12, 31) if last else datetime.date(y, 1, 1)


def parse_date_range(v):
    if ".." in v:
        a, b = v.split("..", 1)
        if not a or not b:
            raise QueryError("open date ranges are not translated")
        return period(a, False), period(b, True)
    return period(v, False), period(v, True)


def parse_query(q):
    """nsearch precedence (AND < OR < NOT) into a flat AND of clauses:
    ("pos", [term, ...]) an OR of one or more terms, ("neg", term),
    ("date", lo, hi). A term is ("word", text) or ("phrase", text)."""
    toks = lex(q) + [("end", None)]
    pos = [0]

    def peek():
        return toks[pos[0]][0]

    def take():
        t = toks[pos[0]]
        pos[0] += 1
        return t

    def primary():
        k = peek()
        if k in ("word", "phrase"):
            return ("pos", [take()])
        if k == "NOT":
            take()
            if peek() not in ("word", "phrase"):
                raise QueryError("NOT must be followed by a word or phrase")
            return ("neg", take())
        if k == "date":
            _, (lo, hi) = take()
            return ("date", lo, hi)
        if k == "(":
            take()
            inner = and_list()
            if take()[0] != ")":
                raise QueryError("unclosed (")
            if len(inner) != 1 or inner[0][0] != "pos":
                raise QueryError("a group must be an OR of words or phrases")
            return inner[0]
        raise QueryError("unexpected %s" % k)

    def or_expr():
        c = primary()
        while peek() == "OR":
            take()
            d = primary()
            if c[0] != "pos" or d[0] != "pos":
                raise QueryError("OR joins words and phrases only")
            c = ("pos", c[1] + d[1])
        return c

    def and_list():
        out = []
        while peek() not in ("end", ")"):
            if peek() == "AND":
                take()
                continue
            out.append(or_expr())
        return out

    clauses = and_list()
    if peek() != "end":
        raise QueryError("stray )")
    if not any(c[0] == "pos" for c in clauses):
        raise QueryError("nothing to match")
    if sum(c[0] == "date" for c in clauses) > 1:
        raise QueryError("one date filter at most")
    return clauses


def date_pieces(lo, hi):
    """[lo, hi] as whole years, whole months and days: [("Y"|"M"|"D", str)]."""
    out, d = [], lo
    one = datetime.timedelta(days=1)
    while d <= hi:
        if d.month == 1 and d.day == 1 and datetime.date(d.year, 12, 31) <= hi:
            out.append(("Y", "%04d" % d.year))
            d = datetime.date(d.year + 1, 1, 1)
        elif d.day == 1 and period("%04d-%02d" % (d.year, d.month), True) <= hi:
            out.append(("M", "%04d-%02d" % (d.year, d.month)))
            d = period("%04d-%02d" % (d.year, d.month), True) + one
        else:
            out.append(("D", d.isoformat()))
            d += one
    return out


def fts5_term(t):
    return '"%s"' % t[1].replace('"', '""')


def xapian_term(t):
    return '"%s"' % t[1] if t[0] == "phrase" else t[1]


def translate(q, dbs):
    """Argument vectors for each tool: {tool: [argv...]}. dbs maps tool to
    the index path (and "txt" to the folder rg searches)."""
    clauses = parse_query(q)
    posc = [c for c in clauses if c[0] == "pos"]
    negc = [c for c in clauses if c[0] == "neg"]
    datec = [c for c in clauses if c[0] == "date"]
    out = {"nsearch": [dbs["nsearch_bin"], "--db", dbs["nsearch"], "-n", "10", q]}

    # quest: Xapian's QueryParser, AND as the default operator, dates as
    # omindex's Y/M/D terms under one boolean field (values of one field OR).
    xs = []
    for c in posc:
        ts = [xapian_term(t) for t in c[1]]
        xs.append(ts[0] if len(ts) == 1 else "(" + " OR ".join(ts) + ")")
    for c in datec:
        xs += ["date:" + v.replace("-", "") for _, v in date_pieces(c[1], c[2])]
    xq = " ".join(xs) + "".join(" AND NOT " + xapian_term(c[1]) for c in negc)
    out["xapian"] = ["quest", "-d", dbs["xapian"], "-m", "10", "-o", "and",
                     "-b", "date:Y", "-b", "date:M", "-b", "date:D", xq]

    # SQLite FTS5: every term quoted; NOT is binary in FTS5.
    fs = []
    for c in posc:
        ts = [fts5_term(t) for t in c[1]]
        fs.append(ts[0] if len(ts) == 1 else "(" + " OR ".join(ts) + ")")
    fq = " AND ".join(fs) + "".join(" NOT " + fts5_term(c[1]) for c in negc)
    where = "t MATCH '%s'" % fq.replace("'", "''")
    for c in datec:
        where += " AND date BETWEEN '%s' AND '%s'" % (c[1].isoformat(), c[2].isoformat())
    sql = "SELECT rowid FROM t WHERE %s ORDER BY bm25(t) LIMIT 10;" % where
    out["fts5"] = ["sqlite3", "-readonly", dbs["fts5"], sql]

    # rg: no index. One pass per AND clause, each over the files the previous
    # pass listed: case-insensitive fixed strings (-i -F), a clause's OR
    # alternatives as several -e, the date as "Date: 2010" style prefixes of
    # the header line, exclusions last with --files-without-match.
    stages = [(False, [t[1] for t in c[1]]) for c in posc]
    for c in datec:
        stages.append((False, ["Date: " + v for _, v in date_pieces(c[1], c[2])]))
    stages += [(True, [c[1][1]]) for c in negc]
    cmds = []
    for i, (without, pats) in enumerate(stages):
        last = i == len(stages) - 1
        argv = ["rg", "-i", "-F", "--files-without-match" if without else "-l"]
        if not last:
            argv.append("--null")
        for p in pats:
            argv += ["-e", p]
        if i == 0:
            argv += ["--", dbs["txt"]]
        else:
            argv = ["xargs", "-0", "-r"] + argv + ["--"]
        cmds.append(shlex.join(argv))
    if len(cmds) == 1:
        out["rg"] = shlex.split(cmds[0])
    else:
        out["rg"] = ["sh", "-c", " | ".join(cmds)]
    return out


def read_queries(path):
    out = []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise BenchError("%s: %s" % (path, e.strerror))
    with f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if "\t" not in line:
                raise BenchError("%s:%d: expected KIND<TAB>QUERY" % (path, n))
            kind, q = line.split("\t", 1)
            kind = kind.strip()
            if kind not in KINDS:
                raise BenchError("%s:%d: kind %r is not one of %s" % (path, n, kind, ", ".join(KINDS)))
            try:
                parse_query(q)
            except QueryError as e:
                raise BenchError("%s:%d: %s: %s" % (path, n, q, e))
            out.append((kind, q.strip()))
    if not out:
        raise BenchError("%s: no queries" % path)
    return out


# ------------------------------------------------------------- measuring


def hyperfine(cmds, json_path, runs, warmup=0, prepare=None, output="null"):
    """Run hyperfine without a shell over argv lists; returns its results."""
    argv = ["hyperfine", "-N", "-i", "--style", "none", "--runs", str(runs),
            "--warmup", str(warmup), "--output", output, "--export-json", json_path]
    if prepare:
        argv += ["--prepare", shlex.join(prepare)]
    argv += [shlex.join(c) for c in cmds]
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise BenchError("hyperfine failed: %s" % r.stderr.strip()[-2000:])
    with open(json_path) as f:
        return json.load(f)["results"]


def parse_time_v(path):
    """Per-run dicts from /usr/bin/time -v -a output: cpu s, rss kB, exit."""
    runs, cur = [], None
    if not os.path.exists(path):
        return runs
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Command being timed:"):
                cur = {"cpu": 0.0, "rss": 0, "exit": 0}
                runs.append(cur)
            elif cur is None:
                continue
            elif line.startswith("User time (seconds):") or line.startswith("System time (seconds):"):
                cur["cpu"] += float(line.split(":")[-1])
            elif line.startswith("Maximum resident set size (kbytes):"):
                cur["rss"] = int(line.split(":")[-1])
            elif line.startswith("Exit status:"):
                cur["exit"] = int(line.split(":")[-1])
    return runs


def du_bytes(path):
    if not os.path.exists(path):
        return None
    r = subprocess.run(["du", "-sb", path], capture_output=True, text=True)
    return int(r.stdout.split()[0]) if r.returncode == 0 else None


def ok_exit(tool, code):
    """nsearch-index exits 1 when it skipped files; that is a success."""
    return code == 0 or (tool in ("nsearch", "native") and code == 1)


class Bench:
    def __init__(self):
        e = os.environ
        self.work = e["BENCH_WORK"]
        self.results = e.get("BENCH_RESULTS", os.path.join(HERE, "results"))
        self.nsearch = e["NSEARCH"]
        self.nsearch_index = e["NSEARCH_INDEX"]
        self.corpus = e["BENCH_CORPUS"]
        self.small = e.get("BENCH_SMALL", "")
        self.queries_path = e.get("BENCH_QUERIES") or os.path.join(HERE, "queries.txt")
        self.quick = e.get("BENCH_QUICK", "") not in ("", "0")
        lim = e.get("BENCH_LIMIT", "").strip()
        self.limit = int(lim) if lim else None
        q = self.quick
        self.build_runs = env_int("BENCH_BUILD_RUNS", 1 if q else 3)
        self.inc_runs = env_int("BENCH_INC_RUNS", 1 if q else 3)
        self.scale_runs = env_int("BENCH_SCALE_RUNS", 1)
        self.q_warmup = env_int("BENCH_QUERY_WARMUP", 1 if q else 2)
        self.q_runs = env_int("BENCH_QUERY_RUNS", 3 if q else 20)
        self.rg_runs = env_int("BENCH_RG_RUNS", 2 if q else 3)
        self.scale_q_runs = env_int("BENCH_SCALE_QUERY_RUNS", 2 if q else 5)
        # A build whose first run takes longer than this many seconds is run
        # once (a full-corpus Xapian build takes minutes on 2 cores).
        self.slow_build = float(e.get("BENCH_SLOW_BUILD", "") or 200)
        # omindex on 99% then +1% costs another full omindex build: opt-in.
        self.peer_inc = e.get("BENCH_PEER_INC", "") not in ("", "0")
        # Tools at the smaller scaling points. omindex is left out by default:
        # at 1/4 and 1/2 it costs three quarters of another full build.
        st = e.get("BENCH_SCALE_TOOLS", "") or ("nsearch,rg" if q else "nsearch,fts5,rg")
        self.scale_tools = [t for t in ("nsearch", "xapian", "fts5", "rg") if t in st.split(",")]
        # Run a copy of the programs, so a rebuild during the run (other
        # people share the build folder) cannot mix two versions.
        bindir = os.path.join(self.work, "bin")
        os.makedirs(bindir, exist_ok=True)
        self.bin_origin = os.path.dirname(self.nsearch)
        for attr in ("nsearch", "nsearch_index"):
            dst = os.path.join(bindir, os.path.basename(getattr(self, attr)))
            shutil.copy2(getattr(self, attr), dst)
            setattr(self, attr, dst)
        self.json_dir = os.path.join(self.work, "json")
        self.db_dir = os.path.join(self.work, "db")
        os.makedirs(self.json_dir, exist_ok=True)
        os.makedirs(self.db_dir, exist_ok=True)
        self.fig = {}  # (row, tool) -> value
        self.notes = []
        self.failures = []
        self.seq = 0

    # -- builds

    def build_cmd(self, tool, src, db):
        if tool in ("nsearch", "native"):
            return [self.nsearch_index, "--db", db, src]
        if tool == "xapian":
            return ["omindex", "--db", db, "--url", "/", "-M", "txt:text/plain", src]
        if tool == "fts5":
            return [PYTHON, os.path.join(HERE, "fts5_load.py"), db, src]
        raise ValueError(tool)

    def timed(self, name, cmd, runs, warmup=0, prepare=None, slow=None):
        """hyperfine over cmd wrapped in /usr/bin/time -v: median wall, CPU
        and peak RSS, plus exit codes. With `slow` (seconds), one run comes
        first and the other runs-1 follow only if it took less than that.
        On a failed exit, reruns once to keep the command's stderr."""
        self.seq += 1
        tfile = os.path.join(self.json_dir, "%02d-%s.time" % (self.seq, name))
        jfile = os.path.join(self.json_dir, "%02d-%s.json" % (self.seq, name))
        wrapped = [TIME, "-v", "-a", "-o", tfile] + cmd
        first = 1 if slow is not None else runs
        res = hyperfine([wrapped], jfile, first, warmup, prepare)[0]
        times = list(res["times"])
        if slow is not None and runs > 1 and times[0] < slow:
            more = hyperfine([wrapped], jfile + ".more", runs - 1, 0, prepare)[0]
            times += more["times"]
        tv = parse_time_v(tfile)[warmup:]
        codes = [t["exit"] for t in tv] or list(res.get("exit_codes") or [0])
        out = {
            "wall": statistics.median(times),
            "cpu": statistics.median([t["cpu"] for t in tv]) if tv else None,
            "rss": statistics.median([t["rss"] for t in tv]) / 1024 if tv else None,
            "codes": codes,
            "runs": len(times),
        }
        tool = name.split("-")[0]
        bad = [c for c in codes if not ok_exit(tool, c)]
        if bad:
            if prepare:
                subprocess.run(prepare)
            r = subprocess.run(cmd, capture_output=True, text=True)
            self.failures.append("`%s` exited %d: %s" % (
                shlex.join(cmd), r.returncode, (r.stderr.strip() or "(no stderr)")[-800:]))
            out["failed"] = True
        return out

    def build(self, tool, src, db, runs, name, slow=None):
        prep = ["sh", "-c", "rm -rf -- %s && sync" % shlex.quote(db)]
        log("build %s: %s (%d run%s%s)" % (
            name, shlex.join(self.build_cmd(tool, src, db)), runs, "" if runs == 1 else "s",
            ", 1 if the first takes over %.0f s" % slow if slow and runs > 1 else ""))
        r = self.timed(name, self.build_cmd(tool, src, db), runs, 0, prep, slow)
        r["index"] = du_bytes(db)
        log("  %d run%s, wall %.2f s, CPU %.2f s, peak RSS %.0f MB, index %s bytes%s" % (
            r["runs"], "" if r["runs"] == 1 else "s", r["wall"], r["cpu"] or 0, r["rss"] or 0,
            r["index"],
            ", FAILED" if r.get("failed") else ""))
        return r

    # -- queries

    def run_queries(self, tool, argvs, runs, warmup, tag):
        """Medians (s) of each query for one tool, and per-query check
        results (exit code, output lines) from one run outside hyperfine."""
        checks = []
        for argv in argvs:
            r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            lines = r.stdout.count(b"\n")
            ok = (r.returncode in (0, 1) if tool in ("nsearch", "fts5", "xapian")
                  else r.returncode in (0, 1, 123))
            if tool in ("fts5", "xapian") and r.returncode != 0:
                ok = False
            if not ok or (tool == "fts5" and r.stderr):
                self.failures.append("`%s` exited %d: %s" % (
                    shlex.join(argv), r.returncode,
                    r.stderr.decode("utf-8", "replace").strip()[-400:] or "(no stderr)"))
            if tool == "nsearch":
                nomatch = r.returncode == 1
            elif tool == "xapian":
                nomatch = re.search(rb"^Exactly 0 matches", r.stdout, re.M) is not None
            else:
                nomatch = lines == 0
            checks.append((r.returncode, lines, nomatch))
        self.seq += 1
        jfile = os.path.join(self.json_dir, "%02d-queries-%s-%s.json" % (self.seq, tag, tool))
        # --output pipe: rg stops at the first match when stdout is /dev/null.
        res = hyperfine(argvs, jfile, runs, warmup, output="pipe")
        return [statistics.median(r["times"]) for r in res], checks

    def query_argvs(self, queries, dbs):
        per = {t: [] for t in ("nsearch", "xapian", "fts5", "rg")}
        for _, q in queries:
            tr = translate(q, dbs)
            for t in per:
                per[t].append(tr[t])
        return per

    # -- the whole run

    def run(self):
        t_start = time.time()
        self.load_start = loadavg()
        queries = read_queries(self.queries_path)
        self.queries = queries
        log("corpus %s: unpacking into %s" % (self.corpus, self.work))
        c = prepare_corpus(self.corpus, self.work, self.limit)
        self.c = c
        log("  %d articles, %.1f MB of text in %d .txt files (%.0f s)" % (
            c["articles"], c["bytes"] / 1e6, len(c["files"]), time.time() - t_start))
        files = c["files"]
        txt = c["txt"]
        db = lambda name: os.path.join(self.db_dir, name)

        # 1. builds on the whole corpus
        builds = {}
        slow = self.slow_build
        builds["nsearch"] = self.build("nsearch", txt, db("nsearch"), self.build_runs,
                                       "nsearch-txt", slow)
        if c["native"]:
            builds["native"] = self.build("native", c["native"], db("native"), self.build_runs,
                                          "native-jsonl", slow)
        builds["xapian"] = self.build("xapian", txt, db("xapian"), self.build_runs,
                                      "xapian-omindex", slow)
        builds["fts5"] = self.build("fts5", txt, db("fts5.db"), self.build_runs, "fts5-load",
                                    slow)
        self.builds = builds

        # 2. incremental
        self.incremental(txt, files, db)

        # 3. queries
        dbs = {"nsearch_bin": self.nsearch, "nsearch": db("nsearch"), "xapian": db("xapian"),
               "fts5": db("fts5.db"), "txt": txt}
        self.q_all = self.measure_queries(queries, dbs, "all", self.q_runs, self.q_warmup,
                                          self.rg_runs, keep_checks=True)

        # 4. scaling
        self.scaling(files, txt, db)

        # 5. the analyzer section
        self.analyzer = self.run_analyzer(txt)
        # 6. serve mode against a process per query, sharded search on
        # loopback (issues 7 and 9) and the hard queries (issue 16, on the
        # indexes built above): their own scripts, their tables kept.
        small = self.small if getattr(self, "small", None) else None
        self.extra = []
        for title, script, args, env in (
                ("Serve mode (bench/serve.sh)", "serve.sh", [small or txt],
                 {"SERVE_DB": ""}),
                ("Shards on loopback (bench/shards.sh)", "shards.sh", [],
                 {"SHARD_CORPUS": small or txt}),
                ("Hard queries (bench/hard.sh)", "hard.sh", [],
                 {"BENCH_HARD_FROM": self.work})):
            text = self.run_script(script, args, env)
            if text is not None:
                self.extra.append((title, text))
        self.elapsed = time.time() - t_start
        self.report()

    def incremental(self, txt, files, db):
        inc = {}
        ns_cmd = [self.nsearch_index, "--db", db("nsearch"), txt]
        log("incremental: no-change rerun of nsearch-index")
        r = subprocess.run(ns_cmd[:1] + ["-v"] + ns_cmd[1:], capture_output=True, text=True)
        self.notes.append("no-change rerun, nsearch-index -v said: `%s`" % (
            r.stderr.strip().splitlines() or ["(nothing)"])[-1])
        inc[("nochange", "nsearch")] = self.timed("nsearch-nochange", ns_cmd, self.inc_runs)
        if self.c["native"]:
            inc[("nochange", "native")] = self.timed(
                "native-nochange", [self.nsearch_index, "--db", db("native"), self.c["native"]],
                self.inc_runs)
        log("incremental: no-change rerun of omindex")
        inc[("nochange", "xapian")] = self.timed("xapian-nochange", self.build_cmd(
            "xapian", txt, db("xapian")), self.inc_runs, warmup=1)

        # Hold out every 100th article; index the other 99%, then time adding
        # the held-out ones (copied in as new files by the prepare step).
        held = [f for i, f in enumerate(files) if i % 100 == 50]
        rest = [f for i, f in enumerate(files) if i % 100 != 50]
        self.n_held = len(held)
        work_inc = os.path.join(self.work, "inc")
        held_dir = os.path.join(self.work, "held")
        link_subset(rest, txt, work_inc)
        for i, f in enumerate(held):
            d = os.path.join(held_dir, "%06d-%s" % (i, os.path.basename(f)))
            os.makedirs(held_dir, exist_ok=True)
            os.link(f, d)
        new_dir = os.path.join(work_inc, "new")
        tools = ["nsearch"] + (["xapian"] if self.peer_inc else [])
        for tool in tools:
            base = db("%s-99" % tool)
            live = db("%s-inc" % tool)
            log("incremental: %s on 99%% (%d articles), then add %d" % (tool, len(rest), len(held)))
            b = self.timed("%s-99" % tool, self.build_cmd(tool, work_inc, base), 1)
            if b.get("failed"):
                continue
            prep = ["sh", "-c", "rm -rf -- %s %s && cp -a -- %s %s && cp -r -- %s %s && sync" % (
                shlex.quote(live), shlex.quote(new_dir), shlex.quote(base), shlex.quote(live),
                shlex.quote(held_dir), shlex.quote(new_dir))]
            cmd = self.build_cmd(tool, work_inc, live)
            if tool == "nsearch":
                subprocess.run(prep)
                r = subprocess.run(cmd[:1] + ["-v"] + cmd[1:], capture_output=True, text=True)
                self.notes.append("add 1%%, nsearch-index -v said: `%s`" % (
                    r.stderr.strip().splitlines() or ["(nothing)"])[-1])
            inc[("add", tool)] = self.timed("%s-add" % tool, cmd, self.inc_runs, 0, prep)
            shutil.rmtree(base, ignore_errors=True)
            shutil.rmtree(live, ignore_errors=True)
        shutil.rmtree(new_dir, ignore_errors=True)
        self.inc = inc

    def measure_queries(self, queries, dbs, tag, runs, warmup, rg_runs, keep_checks=False,
                        tools=("nsearch", "xapian", "fts5", "rg")):
        per = self.query_argvs(queries, dbs)
        out = {}
        for tool in tools:
            n = rg_runs if tool == "rg" else runs
            w = min(1, warmup) if tool == "rg" else warmup
            log("queries (%s): %s, %d queries, hyperfine --warmup %d --runs %d" % (
                tag, tool, len(queries), w, n))
            med, checks = self.run_queries(tool, per[tool], n, w, tag)
            out[tool] = {"med": med, "checks": checks, "argv": per[tool]}
            log("  median %.1f ms" % (statistics.median(med) * 1e3))
        return out

    def scaling(self, files, txt, db):
        points = []
        if self.small and os.path.isdir(self.small):
            sfiles = list_files(self.small, (".txt",))
            points.append(("small", self.small, len(sfiles), sum(os.path.getsize(f) for f in sfiles)))
        for frac, name in ((4, "quarter"), (2, "half")):
            sub = [f for i, f in enumerate(files) if i % frac == 0]
            d = os.path.join(self.work, name)
            nbytes = link_subset(sub, txt, d)
            points.append((name, d, len(sub), nbytes))
        self.scale = {}
        for name, folder, n, nbytes in points:
            dbs = {"nsearch_bin": self.nsearch, "nsearch": db("s-nsearch"),
                   "xapian": db("s-xapian"), "fts5": db("s-fts5.db"), "txt": folder}
            paths = {"nsearch": dbs["nsearch"], "xapian": dbs["xapian"], "fts5": dbs["fts5"]}
            row = {"articles": n, "bytes": nbytes}
            for tool in self.scale_tools:
                if tool in paths:
                    row[("build", tool)] = self.build(tool, folder, paths[tool], self.scale_runs,
                                                      "%s-%s" % (tool, name))
            qtools = [t for t in self.scale_tools
                      if t == "rg" or not row[("build", t)].get("failed")]
            q = self.measure_queries(self.queries, dbs, name, self.scale_q_runs,
                                     1, min(self.rg_runs, self.scale_q_runs), tools=qtools)
            for tool in qtools:
                row[("query", tool)] = statistics.median(q[tool]["med"])
            self.scale[name] = row
            for p in paths.values():
                if os.path.isdir(p):
                    shutil.rmtree(p, ignore_errors=True)
                elif os.path.exists(p):
                    os.remove(p)
            if folder.startswith(self.work):
                shutil.rmtree(folder, ignore_errors=True)

    def run_analyzer(self, txt):
        """bench/analyzer.sh (another engineer's: analysis-only MB/s against
        wc -w), over the same .txt files, its output kept as it prints it."""
        script = os.path.join(HERE, "analyzer.sh")
        if not os.path.exists(script):
            return None
        root = os.path.dirname(HERE)
        bindir = self.bin_origin
        rel = os.path.relpath(bindir, root)
        env = dict(os.environ, BENCH_CORPUS=txt, O=bindir if rel.startswith("..") else rel)
        argv = [script] if os.access(script, os.X_OK) else ["sh", script]
        log("analyzer: BENCH_CORPUS=%s O=%s %s" % (txt, env["O"], shlex.join(argv)))
        r = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=root)
        text = r.stdout.strip()
        if r.returncode != 0:
            text += "\n\n(bench/analyzer.sh exited %d: %s)" % (r.returncode, r.stderr.strip()[-600:])
        elif not text:
            text = "(no output; stderr: %s)" % r.stderr.strip()[-600:]
        return text

    def run_script(self, name, args, env_extra):
        """Another section's own script, given the binaries under test; its
        output kept as it prints it."""
        script = os.path.join(HERE, name)
        if not os.path.exists(script):
            return None
        env = dict(os.environ, NSEARCH=self.nsearch, NSEARCH_INDEX=self.nsearch_index,
                   BENCH_QUERIES=self.queries_path, **env_extra)
        env = {k: v for k, v in env.items() if v != ""}
        argv = ["sh", script] + args
        log("%s: %s" % (name, shlex.join(argv)))
        r = subprocess.run(argv, capture_output=True, text=True, env=env,
                           cwd=os.path.dirname(HERE))
        text = r.stdout.strip()
        if r.returncode != 0:
            text += "\n\n(%s exited %d: %s)" % (name, r.returncode, r.stderr.strip()[-600:])
        return text or "(no output)"

    # -- the report

    def report(self):
        c = self.c
        mb = c["bytes"] / 1e6
        rows = []  # (section, figure, {tool: cell})

        def cell(v, fmt, base=None, failed=False):
            if failed:
                return "FAILED"
            if v is None:
                return "—"
            s = fmt % v
            if base:
                s += " (%.2f×)" % (v / base)
            return s

        B = self.builds
        bt = [t for t, _ in TOOLS if t in B]
        nb = B.get("nsearch", {})
        nfail = nb.get("failed")

        def brow(fig, key, fmt, ratio=False, conv=lambda r, v: v):
            d = {}
            for t in bt:
                r = B[t]
                v = conv(r, r.get(key)) if r.get(key) is not None else None
                base = None
                if ratio and t != "nsearch" and not nfail and nb.get(key):
                    base = conv(nb, nb[key])
                d[t] = cell(v, fmt, base, r.get("failed"))
            rows.append(("build, all", fig, d))

        brow("wall s", "wall", "%.1f", True)
        brow("CPU s (user+sys)", "cpu", "%.1f", True)
        brow("MB of text per s (wall)", "wall", "%.2f", conv=lambda r, v: mb / v)
        brow("peak RSS MB", "rss", "%.0f", True)
        brow("index MB", "index", "%.0f", True, conv=lambda r, v: v / 1e6)
        brow("index bytes per text byte", "index", "%.2f", conv=lambda r, v: v / c["bytes"])

        for key, fig in (("nochange", "no-change rerun, wall s"),
                         ("add", "add 1%% (%d articles) to 99%%, wall s" % self.n_held)):
            d = {}
            base = self.inc.get((key, "nsearch"))
            for t, _ in TOOLS:
                r = self.inc.get((key, t))
                if r is None:
                    continue
                ok_base = base and not base.get("failed") and t != "nsearch"
                d[t] = cell(r["wall"], "%.2f", base["wall"] if ok_base else None, r.get("failed"))
            rows.append(("incremental", fig, d))

        Q = self.q_all
        kinds = [k for k, _ in self.queries]

        def kind_median(tool, kind):
            v = [m for m, k in zip(Q[tool]["med"], kinds) if kind is None or k == kind]
            return statistics.median(v) * 1e3 if v else None

        for kind in KINDS + [None]:
            nq = sum(1 for k in kinds if kind is None or k == kind)
            fig = ("all %d queries, median ms" % nq) if kind is None else (
                "%s (%d), median ms" % (kind, nq))
            d = {}
            base = kind_median("nsearch", kind)
            for t in Q:
                v = kind_median(t, kind)
                d[t] = cell(v, "%.1f", base if t != "nsearch" else None)
            rows.append(("queries, all", fig, d))

        labels = {"small": "small", "quarter": "1/4", "half": "1/2"}
        points = [p for p in ("small", "quarter", "half") if p in self.scale]
        for p in ("small", "quarter", "half", "all"):
            if p not in points and p != "all":
                sect = "scaling, " + labels[p]
                rows.append((sect, "build wall s (none)", {}))
                rows.append((sect, "query median ms (none)", {}))
                continue
            if p == "all":
                n, nbytes = c["articles"], c["bytes"]
                build = {t: B[t] for t in ("nsearch", "xapian", "fts5") if t in B}
                query = {t: kind_median(t, None) / 1e3 for t in Q}
                sect = "scaling, all"
            else:
                row = self.scale[p]
                n, nbytes = row["articles"], row["bytes"]
                build = {k[1]: v for k, v in row.items() if isinstance(k, tuple) and k[0] == "build"}
                query = {k[1]: v for k, v in row.items() if isinstance(k, tuple) and k[0] == "query"}
                sect = "scaling, " + labels[p]
            desc = "%s articles, %.0f MB" % (format(n, ","), nbytes / 1e6)
            d = {}
            nbase = build.get("nsearch")
            for t, r in build.items():
                okb = nbase and not nbase.get("failed") and t != "nsearch"
                d[t] = cell(r["wall"], "%.1f", nbase["wall"] if okb else None, r.get("failed"))
            rows.append((sect, "build wall s (%s)" % desc, d))
            d = {}
            qb = query.get("nsearch")
            for t, v in query.items():
                d[t] = cell(v * 1e3, "%.1f", qb * 1e3 if qb and t != "nsearch" else None)
            rows.append((sect, "query median ms (%s)" % desc, d))
        if "small" not in points:
            self.notes.append("no small corpus (BENCH_SMALL=%s): its rows are empty"
                              % (self.small or "unset"))

        # The table.
        head = "| section | figure | " + " | ".join(h for _, h in TOOLS) + " |"
        sep = "|" + "---|" * (2 + len(TOOLS))
        lines = [head, sep]
        for sect, fig, d in rows:
            lines.append("| %s | %s | %s |" % (sect, fig, " | ".join(d.get(t, "—") for t, _ in TOOLS)))
        table = "\n".join(lines)

        ver = versions(self.nsearch)
        cpu = cpu_model()
        mode = "quick mode (BENCH_QUICK=1)" if self.quick else "full mode"
        if self.limit:
            mode += " with BENCH_LIMIT=%d" % self.limit
        out = []
        out.append("# nsearch benchmark (`make bench`)")
        out.append("")
        out.append("- run: %s UTC, %s, %.1f min in all" % (
            datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), mode, self.elapsed / 60))
        out.append("- machine: %s, %d cores, %s, %.0f GB RAM" % (
            platform.machine(), os.cpu_count() or 0, cpu, mem_gb()))
        out.append("- corpus: %s (%s), %s articles, %.1f MB of text as .txt files; "
                   "small point: %s" % (
                       c["src"], "%d .jsonl(.gz) parts" % c["nparts"] if c["nparts"] else ".txt files",
                       format(c["articles"], ","), mb,
                       self.small if "small" in points else "none"))
        out.append("- versions: %s" % ver)
        names = dict(TOOLS)
        out.append("- runs: index builds median of %d, or 1 when the first run took over %.0f s "
                   "(%s); scaling builds %d (tools: %s); incremental median of %d; queries: hyperfine "
                   "--warmup %d --runs %d per query (rg: --warmup 1 --runs %d; scaling: --runs "
                   "%d), warm page cache; %d queries from %s" % (
                       self.build_runs, self.slow_build,
                       ", ".join("%s %d" % (names[t], B[t]["runs"]) for t in bt),
                       self.scale_runs, ", ".join(self.scale_tools), self.inc_runs, self.q_warmup, self.q_runs,
                       self.rg_runs, self.scale_q_runs, len(self.queries),
                       os.path.relpath(self.queries_path, os.path.dirname(HERE))))
        out.append("- load average (1 min) at start %s, at end %s on %d cores: other work on "
                   "the machine inflates wall times; CPU seconds suffer less" % (
                       self.load_start, loadavg(), os.cpu_count() or 0))
        out.append("- (r×) = this tool's figure / nsearch's, measured in this run; above 1 "
                   "means nsearch is faster or smaller. Query figures are the median over "
                   "queries of each query's median whole-process time.")
        out.append("")
        out.append(table)
        out.append("")
        notes = list(self.notes)
        bad = sum(1 for code, _, _ in Q["nsearch"]["checks"] if code not in (0, 1))
        none = {t: sum(1 for _, _, nm in Q[t]["checks"] if nm) for t in Q}
        notes.append("queries that matched nothing (a sanity check of the translations): " +
                     ", ".join("%s %d" % (t, none[t]) for t in Q))
        if bad:
            notes.append("nsearch failed on %d queries (see failures)" % bad)
        out.append("Notes:")
        out.append("")
        out += ["- " + n for n in notes]
        if self.failures:
            out.append("")
            out.append("Failures:")
            out.append("")
            out += ["- " + f.replace("\n", " ⏎ ") for f in self.failures]
        if self.analyzer is not None:
            out.append("")
            out.append("## Analyzer (bench/analyzer.sh)")
            out.append("")
            out.append(self.analyzer)
        for title, text in getattr(self, "extra", []):
            out += ["", "## " + title, "", text]
        text = "\n".join(out) + "\n"

        os.makedirs(self.results, exist_ok=True)
        with open(os.path.join(self.results, "latest.md"), "w") as f:
            f.write(text)
        with open(os.path.join(self.results, "latest-queries.tsv"), "w") as f:
            f.write("kind\tquery\ttool\tmedian_ms\texit\tlines\tno_match\tcommand\n")
            for i, (k, q) in enumerate(self.queries):
                for t in Q:
                    code, nl, nm = Q[t]["checks"][i]
                    f.write("%s\t%s\t%s\t%.2f\t%d\t%d\t%d\t%s\n" % (
                        k, q, t, Q[t]["med"][i] * 1e3, code, nl, nm,
                        shlex.join(Q[t]["argv"][i])))
        sys.stdout.write(text)


def versions(nsearch):
    def first(argv, pat=None):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return "?"
        s = (r.stdout or r.stderr).strip().splitlines()
        s = s[0] if s else "?"
        if pat:
            m = re.search(pat, s)
            s = m.group(0) if m else s
        return s

    return ", ".join([
        first([nsearch, "--version"]),
        first(["omindex", "--version"]),
        first(["quest", "--version"]),
        "sqlite3 CLI " + first(["sqlite3", "--version"], r"^\S+"),
        "python sqlite " + first([PYTHON, "-c", "import sqlite3; print(sqlite3.sqlite_version)"]),
        first(["rg", "--version"]),
        first(["hyperfine", "--version"]),
    ])


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def mem_gb():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0


def cmd_translate(path):
    dbs = {"nsearch_bin": "nsearch", "nsearch": "DB", "xapian": "OMEGA_DB", "fts5": "FTS5_DB",
           "txt": "TXT"}
    for kind, q in read_queries(path):
        print("%s\t%s" % (kind, q))
        tr = translate(q, dbs)
        for t in ("nsearch", "xapian", "fts5", "rg"):
            print("  %-8s %s" % (t, shlex.join(tr[t])))


def main(argv):
    try:
        if len(argv) >= 2 and argv[1] == "run":
            Bench().run()
            return 0
        if len(argv) >= 2 and argv[1] == "translate":
            cmd_translate(argv[2] if len(argv) > 2 else os.path.join(HERE, "queries.txt"))
            return 0
    except BenchError as e:
        sys.stderr.write("bench: %s\n" % e)
        return 1
    sys.stderr.write("usage: bench.py run | translate [FILE]\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
