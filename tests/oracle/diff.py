#!/usr/bin/env python3
"""diff.py: differential test of nsearch against tests/oracle/oracle.py.

  diff.py --corpus DIR --work TMPDIR [--queries N] [--props N] [--seed S]
          [--nsearch BIN] [--nsearch-index BIN] [--tools DIR] [--max-files N]

Indexes DIR (or its first --max-files files, copied) into TMPDIR, generates N
queries from the corpus's own vocabulary with a fixed seed (printed; --seed
replays), and for each compares nsearch's complete match set, --count and
--files with the oracle's. Then checks ranking properties on --props queries
(prefixes, pages, summary counts, serve mode, a two-shard index). Prints
TAP lines ("ok - ..." / "not ok - ...") and exits 1 on any difference.

Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
"""
import argparse
import collections
import json
import os
import random
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

HUGE = "1000000"


# ---------------------------------------------------------------- nsearch
class NS:
    def __init__(self, binary, db):
        self.bin, self.db = binary, db

    def run(self, *args):
        p = subprocess.run([self.bin, "--db", self.db] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=dict(os.environ, NSEARCH_CONFIG=""), cwd="/")
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def json(self, q, *args):
        rc, out, err = self.run("--json", *args, "--", q)
        ms, summ = [], None
        for l in out.splitlines():
            try:
                o = json.loads(l)
            except ValueError:
                continue
            if o.get("type") == "match":
                ms.append((o["path"], o["line"]))
            elif o.get("type") == "summary":
                summ = o
        return rc, ms, summ, err


# ---------------------------------------------------------------- queries
class Vocab:
    """Words, phrases and fields drawn from the corpus itself."""

    def __init__(self, corpus, rnd):
        self.rnd = rnd
        df = collections.Counter()
        surf = {}
        self.phrases, self.compounds, self.abbrevs, self.title_words = [], set(), set(), set()
        self.sources, self.dates = set(), set()
        self.unbegun = set()
        self.numbers = set()  # "1,234", "06:50", "2025-12-06" as written
        for a in corpus.articles:
            seen = set()
            for p in a["passages"]:
                b = p["text"].encode()
                toks = p["_toks"]
                na = [t for t in toks if "alt" not in t[3]]
                for t in na:
                    w = b[t[1]:t[2]].decode("utf-8", "replace")
                    if w.isalpha() and len(w) > 1:
                        surf.setdefault(t[4], w)
                        seen.add(t[4])
                        if not w.lower().startswith(t[4]) and len(self.unbegun) < 2000:
                            # A stem its word does not begin ("happi" of
                            # "happy", "deja" of "déjà"): as a wildcard it
                            # is not sure to find that word.
                            self.unbegun.add(t[4])
                    if "acr" in t[3] or (w.isupper() and w.isalpha() and 2 <= len(w) <= 5):
                        self.abbrevs.add(w)
                    if w[:1].isdigit() and any(c in w for c in ",:-") and len(self.numbers) < 400:
                        self.numbers.add(w)
                for t in toks:
                    if "alt" in t[3] and b[t[1]:t[2]].count(b"-") and len(self.compounds) < 400:
                        self.compounds.add(b[t[1]:t[2]].decode("utf-8", "replace"))
                if len(na) >= 3 and len(self.phrases) < 3000:
                    i = rnd.randrange(len(na) - 2)
                    ws = [b[t[1]:t[2]].decode("utf-8", "replace") for t in na[i:i + 3]]
                    if all(w.isalnum() for w in ws):
                        self.phrases.append(ws)
            for d in df.keys() & set():
                pass
            df.update(seen)
            tb = a["title"].encode()
            for t in a["_title_toks"]:
                w = tb[t[1]:t[2]].decode("utf-8", "replace")
                if "alt" not in t[3] and w.isalpha() and len(w) > 3:
                    self.title_words.add(w)
            if a["source"]:
                self.sources.add(a["source"])
            if a["date"]:
                self.dates.add(a["date"])
        words = sorted(surf, key=lambda t: (df[t], t))
        self.rare = [surf[t] for t in words if df[t] <= 2]
        self.common = [surf[t] for t in words if df[t] >= max(3, len(corpus.articles) // 20)]
        self.mid = [surf[t] for t in words if df[t] > 2]
        self.all = [surf[t] for t in words]
        for name in ("rare", "common", "mid", "all"):
            if not getattr(self, name):
                setattr(self, name, [surf[t] for t in words] or ["news"])
        self.compounds = sorted(self.compounds) or ["de-escalation"]
        self.unbegun = sorted(self.unbegun) or ["happi"]
        self.numbers = sorted(self.numbers) or ["1,234", "06:50", "2025-12-06"]
        self.abbrevs = sorted(self.abbrevs) or ["US"]
        self.title_words = sorted(self.title_words) or ["news"]
        self.sources = sorted(self.sources) or ["Reuters"]
        self.dates = sorted(self.dates) or ["2025-12-01"]
        self.phrases = self.phrases or [["the", "news", "today"]]

    def word(self):
        r = self.rnd.random()
        pool = self.rare if r < 0.35 else self.common if r < 0.6 else self.mid if r < 0.85 else self.all
        w = self.rnd.choice(pool)
        return w.lower() if self.rnd.random() < 0.5 else w

    def leaf(self):
        rnd = self.rnd
        r = rnd.random()
        if r < 0.45:
            return ("word", self.word(), None)
        if r < 0.55:
            return ("exact", self.word().lower(), None)
        if r < 0.63:
            if rnd.random() < 0.3:
                # A wildcard cut inside a number ("1,23*" of "1,234"),
                # mostly before its end.
                n = rnd.choice(self.numbers)
                c = n if rnd.random() < 0.25 else n[: rnd.randint(2, max(2, len(n) - 1))]
                if sum(ch.isdigit() for ch in c) < 2:  # "1,*" is refused
                    c = n[: len(c) + 1]
                if rnd.random() < 0.15:
                    c = "$" + c  # "$1,2*" is "1,2*"
                return ("wild", c, None)
            w = self.word().lower()
            w = "".join(c for c in w if c.isalpha())
            if len(w) >= 3:
                return ("wild", w[: rnd.randint(2, min(6, len(w)))], None)
            return ("word", self.word(), None)
        if r < 0.70:
            w = rnd.choice(self.abbrevs + ["US", "U.S.", "us", "U.S"])
            if rnd.random() < 0.2 and w[-1].isalpha():
                w += rnd.choice(["'s", "\u2019s"])  # a possessive: "EU's"
            return ("word", w, None)
        if r < 0.76:
            return self.compound()
        return self.phrase()

    def compound(self):
        """A hyphenated compound of the corpus as a word (`28-point`), an
        exact word (`=28-point`, the joined `=28point`) or a wildcard that
        stops inside its last part (`28-p*`) or its joined form (`28p*`)."""
        rnd = self.rnd
        c = rnd.choice(self.compounds)
        r = rnd.random()
        if r < 0.35:
            return ("word", c, None)
        if r < 0.55:
            return ("exact", c.lower(), None)
        if r < 0.65:
            return ("exact", c.replace("-", "").lower(), None)
        if r < 0.9:
            last = c.rfind("-") + 1
            return ("wild", c[: rnd.randint(last + 1, len(c))].lower(), None)
        j = c.replace("-", "")
        return ("wild", j[: rnd.randint(min(len(j), c.find("-") + 1), len(j))].lower(), None)

    def phrase(self):
        rnd = self.rnd
        ws = list(rnd.choice(self.phrases))
        ws = ws[: rnd.choice([2, 2, 3])]
        r = rnd.random()
        if r < 0.2:
            ws.reverse()
        elif r < 0.35:
            full = rnd.choice(self.phrases)
            ws = [full[0], full[2]]  # one word apart
        return ("phrase", ws, None)

    def source(self):
        """A source: leaf: the whole name (a phrase when it has several
        words) or one word of it (`source:wire`)."""
        rnd = self.rnd
        s = rnd.choice(self.sources)
        ws = s.split()
        if len(ws) > 1 and rnd.random() < 0.5:
            w = rnd.choice(ws)
            return ("word", w.lower() if rnd.random() < 0.5 else w, "source")
        return ("phrase", ws, "source") if len(ws) > 1 else ("word", s, "source")

    def near_side(self):
        r = self.rnd.random()
        if r < 0.06:
            # title: sides count in the title only, never in a passage
            return ("word", self.rnd.choice(self.title_words), "title")
        if r < 0.6:
            return self.leaf()
        return ("or", [self.leaf(), self.leaf()])

    def date(self):
        rnd = self.rnd
        d = rnd.choice(self.dates)
        r = rnd.random()
        if r < 0.3:
            y, m = d[:4], d[5:7]
            return ("date", d[:7] + "-01", d[:7] + "-31"), "date:%s-%s" % (y, m)
        if r < 0.6:
            e = rnd.choice(self.dates)
            lo, hi = min(d, e), max(d, e)
            return ("date", lo, hi), None
        if r < 0.8:
            return ("date", d, None), None
        return ("date", None, d), None

    def node(self, depth=0):
        rnd = self.rnd
        r = rnd.random()
        if depth >= 2 or r < 0.45:
            # Inside groups (OR and AND, at depths 1 and 2), sometimes a
            # source: leaf: under OR it is one alternative, not a filter.
            if depth and rnd.random() < 0.12:
                return self.source()
            return self.leaf()
        if r < 0.62:
            return ("or", [self.node(depth + 1) for _ in range(rnd.choice([2, 2, 3]))])
        if r < 0.75:
            return ("and", [self.node(depth + 1) for _ in range(2)])
        return ("near", rnd.choice([1, 2, 3, 5, 10]), [self.near_side() for _ in range(rnd.choice([2, 2, 3]))])

    def query(self):
        rnd = self.rnd
        if rnd.random() < 0.05:
            # A wildcard alone: its --count reads only the articles the
            # posting lists can't settle (search.c, count_prefix).
            if rnd.random() < 0.5:
                w = rnd.choice(self.unbegun)
                return ("wild", w[: rnd.randint(max(2, len(w) - 2), len(w))], None)
            w = "".join(c for c in self.word().lower() if c.isalpha())
            if len(w) >= 2:
                return ("wild", w[: rnd.randint(2, min(4, len(w)))], None)
        if rnd.random() < 0.04:
            # A query that only filters by date (every passage of the
            # articles in range: --count has a way of its own for it).
            return self.date()[0]
        parts = [self.node()]
        for _ in range(rnd.choice([0, 0, 1, 1, 2])):  # later parts often common, so ANDs match
            parts.append(("word", rnd.choice(self.common), None) if rnd.random() < 0.6 else self.node())
        r = rnd.random()
        if r < 0.15:
            parts.append(("word", rnd.choice(self.title_words), "title"))
        elif r < 0.2:
            tw = self.title_words
            parts.append(("phrase", [rnd.choice(tw), rnd.choice(tw)], "title"))
        elif r < 0.28:
            s = rnd.choice(self.sources)
            parts.append(("phrase", s.split(), "source") if " " in s else ("word", s, "source"))
        if rnd.random() < 0.25:
            x = rnd.choice([self.leaf(), self.phrase(), ("and", [self.leaf(), self.leaf()]),
                            ("or", [self.leaf(), self.leaf()]), ("or", [self.leaf(), self.source()])])
            parts.append(("not", x))
        render_date = None
        if rnd.random() < 0.15:
            d, render_date = self.date()
            parts.append(d)
        q = parts[0] if len(parts) == 1 else ("and", parts)
        if q[0] in ("not", "date"):
            q = ("and", [self.leaf(), q])
        return q


def render(q):
    s = oracle.render(q)
    return s


def fix_month_dates(q):
    """date:YYYY-MM-01..YYYY-MM-31 is not a valid day for short months: write
    the month form instead."""
    if q[0] == "date" and q[1] and q[2] and q[1][:7] == q[2][:7] and q[1].endswith("-01") and q[2].endswith("-31"):
        return ("datem", q[1][:7], q[1], q[2])
    if q[0] in ("and", "or"):
        return (q[0], [fix_month_dates(c) for c in q[1]])
    return q


_render0 = oracle.render


def _render(q, top=True):
    if q[0] == "datem":
        return "date:" + q[1]
    if q[0] in ("and", "or"):
        if q[0] == "and":
            s = " ".join(_render(c, False) for c in q[1])
            return s if top else "(" + s + ")"
        return "(" + " OR ".join(_render(c, False) for c in q[1]) + ")"
    return _render0(q, top)


def to_oracle(q):
    if q[0] == "datem":
        return ("date", q[2], q[3])
    if q[0] in ("and", "or"):
        return (q[0], [to_oracle(c) for c in q[1]])
    return q


# ---------------------------------------------------------------- the test
def counter(xs):
    return collections.Counter(xs)


def show(corpus, rows, limit=3):
    out = []
    for path, line in rows[:limit]:
        out.append("      %s:%d: %s" % (path, line, oracle.passage_text(corpus, path, line)[:160]))
    return "\n".join(out)


def compare(ns, corpus, q, seed, qi):
    qs = _render(q)
    oq = to_oracle(q)
    want, partial = oracle.matches(corpus, oq)
    rc, got, summ, err = ns.json(qs, "--per-article", "100000", "-n", HUGE)
    problems = []
    if rc == 2 or summ is None:
        problems.append("nsearch refused or failed (exit %d): %s" % (rc, err.strip()[:300]))
    else:
        cw, cg = counter(want), counter(got)
        if cw != cg:
            missing = sorted((cw - cg).elements())
            extra = sorted((cg - cw).elements())
            problems.append("match set differs: %d wanted, %d listed; %d missing, %d extra\n"
                            "    missing (oracle lists, nsearch doesn't):\n%s\n"
                            "    extra (nsearch lists, oracle doesn't):\n%s"
                            % (len(want), len(got), len(missing), len(extra), show(corpus, missing), show(corpus, extra)))
        if bool(summ.get("partial")) != partial:
            problems.append("partial: nsearch %s, oracle %s" % (summ.get("partial"), partial))
        rc2, out, _ = ns.run("--count", "--per-article", "100000", "--", qs)
        if out.strip() != str(len(want)):
            problems.append("--count %r, oracle %d" % (out.strip(), len(want)))
        # At most N passages of an article (N = 1, and 2 by default): the
        # counts that settle an article without reading all of it.
        per = counter(corpus.article_of[pl] for pl in want)
        for pa in ("1", None):
            n = sum(min(int(pa or 2), c) for c in per.values())
            opt = ["--per-article", pa] if pa else []
            _, out, _ = ns.run("--count", *opt, "--", qs)
            if out.strip() != str(n):
                problems.append("--count --per-article %s %r, oracle %d" % (pa or "2 (default)", out.strip(), n))
        rc3, out, _ = ns.run("--files", "-n", HUGE, "--", qs)
        files = [l for l in out.splitlines() if l]
        order = []
        for p, _ in got:
            if p not in order:
                order.append(p)
        if files != order:
            problems.append("--files differs from the listing's paths: %d vs %d files" % (len(files), len(order)))
    return qs, problems, len(want)


def properties(ns, corpus, queries, args, shard_stub):
    bad, n = [], 0
    serve = subprocess.Popen([args.nsearch, "--db", ns.db, "--serve"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd="/")
    shard = NS(args.nsearch, shard_stub) if shard_stub else None
    for i, q in enumerate(queries):
        qs = _render(q)
        rc, full, s_full, _ = ns.json(qs, "-n", HUGE)
        if s_full is None or not full:
            continue
        n += 1
        summaries = [s_full]
        for k, m in ((1, 5), (5, 50), (10, 30), (3, 7)):
            _, a, sa, _ = ns.json(qs, "-n", str(k))
            _, b, sb, _ = ns.json(qs, "-n", str(m))
            summaries += [sa, sb]
            if a != b[:k]:
                bad.append("%s: -n %d is not a prefix of -n %d" % (qs, k, m))
        pages = []
        for off in (0, 10, 20):
            _, pg, sp, _ = ns.json(qs, "--offset", str(off), "-n", "10")
            pages += pg
            summaries.append(sp)
        _, thirty, _, _ = ns.json(qs, "-n", "30")
        if pages != thirty:
            bad.append("%s: pages 0/10/20 of 10 are not -n 30" % qs)
        tot = {(s or {}).get("total") for s in summaries}
        arts = {(s or {}).get("articles") for s in summaries}
        if len(tot) != 1 or len(arts) != 1:
            bad.append("%s: summary total/articles vary with -n/--offset: %s %s" % (qs, tot, arts))
        if s_full.get("total_exact"):
            if s_full.get("total") != len(full) or s_full.get("articles") != len({p for p, _ in full}):
                bad.append("%s: total_exact but total %s / articles %s, listing has %d / %d"
                           % (qs, s_full.get("total"), s_full.get("articles"), len(full), len({p for p, _ in full})))
        # serve mode: the same complete answer
        _, allm, _, _ = ns.json(qs, "-n", HUGE, "--per-article", "100000")
        serve.stdin.write(json.dumps({"id": i, "query": qs, "limit": 1000000, "offset": 0,
                                      "per_article": 100000}) + "\n")
        serve.stdin.flush()
        line = serve.stdout.readline()
        try:
            resp = json.loads(line)
            sm = [(m["path"], m["line"]) for m in resp.get("matches", [])]
        except (ValueError, KeyError, TypeError):
            sm = None
        if sm != allm:
            bad.append("%s: serve mode answers %s matches, the command line %d"
                       % (qs, "no/bad" if sm is None else len(sm), len(allm)))
        if shard:
            _, sh, _, _ = shard.json(qs, "-n", HUGE, "--per-article", "100000")
            # A wildcard's BM25 weight over a stub of shards is not the
            # single index's (libxapian weighs the expansion's synonym per
            # shard): the same passages, maybe in another order (README,
            # "When one machine is not enough"). Other queries: identical.
            if "*" in qs and sh is not None and sorted(sh) == sorted(allm):
                continue
            if sh != allm:
                bad.append("%s: two shards list %d passages, the single index %d (or another order)"
                           % (qs, len(sh), len(allm)))
    serve.stdin.close()
    serve.wait()
    return n, bad


def prepare_corpus(args):
    src = args.corpus
    if args.max_files:
        dst = os.path.join(args.work, "corpus")
        os.makedirs(dst, exist_ok=True)
        names = sorted(f for f in os.listdir(src) if not f.startswith("."))[: args.max_files]
        for f in names:
            shutil.copy(os.path.join(src, f), dst)
        src = dst
    return os.path.realpath(src)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--props", type=int, default=20)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--max-files", type=int, default=0)
    ap.add_argument("--nsearch", default=os.environ.get("NSEARCH", "build/release/nsearch"))
    ap.add_argument("--nsearch-index", default=os.environ.get("NSEARCH_INDEX", "build/release/nsearch-index"))
    ap.add_argument("--tools", default=os.environ.get("NS_TOOLS", "build/release/tools"))
    ap.add_argument("--no-shards", action="store_true")
    ap.add_argument("--show", type=int, default=10, help="differences shown in full")
    ap.add_argument("--give-up", type=int, default=25,
                    help="stop comparing after this many differing queries (0: never)")
    args = ap.parse_args()
    for k in ("nsearch", "nsearch_index", "tools", "work"):
        setattr(args, k, os.path.abspath(getattr(args, k)))
    seed = args.seed if args.seed is not None else int(time.time()) % 100000
    print("# seed %d (replay with --seed %d)" % (seed, seed))
    t0 = time.time()
    corpus_dir = prepare_corpus(args)
    db = os.path.join(args.work, "db")
    env = dict(os.environ, NSEARCH_NO_SYNC="1", NSEARCH_CONFIG="")
    subprocess.run([args.nsearch_index, "--db", db, corpus_dir], check=False, env=env,
                   stderr=subprocess.DEVNULL)
    stub = None
    if not args.no_shards:
        for k in (1, 2):
            subprocess.run([args.nsearch_index, "--db", db + str(k), "--shard-of", "%d/2" % k, corpus_dir],
                           check=False, env=env, stderr=subprocess.DEVNULL)
        stub = os.path.join(args.work, "stub")
        with open(stub, "w") as f:
            f.write("auto %s1\nauto %s2\n" % (db, db))
    arts = os.path.join(args.work, "articles.jsonl")
    with open(arts, "w") as f:
        subprocess.run([os.path.join(args.tools, "ns-read"), corpus_dir], stdout=f, check=True,
                       stderr=subprocess.DEVNULL)
    corpus = oracle.Corpus(arts, os.path.join(args.tools, "ns-analyze"))
    print("# %d articles, %d passages, ready in %.1f s" % (
        len(corpus.articles), sum(len(a["passages"]) for a in corpus.articles), time.time() - t0))
    rnd = random.Random(seed)
    vocab = Vocab(corpus, rnd)
    ns = NS(args.nsearch, db)
    queries = [fix_month_dates(vocab.query()) for _ in range(args.queries)]
    corpus.prepare([to_oracle(q) for q in queries])  # every leaf in one ns-analyze
    ndiff, nonempty, shown, compared = 0, 0, 0, 0
    for i, q in enumerate(queries):
        if args.give_up and ndiff >= args.give_up:
            # A program this wrong proves nothing more query by query, and
            # a stand-in that prints everything would take minutes.
            print("# gave up after %d differing queries of %d" % (ndiff, compared))
            break
        compared += 1
        qs, problems, nwant = compare(ns, corpus, q, seed, i)
        nonempty += nwant > 0
        if problems:
            ndiff += 1
            if shown < args.show:
                shown += 1
                print("# DIFF query %d (seed %d): %s" % (i, seed, qs))
                for p in problems:
                    print("#   " + p.replace("\n", "\n#   "))
    total = len(queries)
    line = "%d of %d generated queries agree with the oracle (%d with matches; seed %d)" % (
        compared - ndiff, total, nonempty, seed)
    print(("ok - " if ndiff == 0 and nonempty > 0 else "not ok - ") + line)
    if nonempty == 0:
        print("#   no query had any match: the corpus or the oracle is broken")
    sample = [q for q in queries][: max(0, args.props * 3)]
    sample = [q for q in sample if oracle.matches(corpus, to_oracle(q))[0]][: args.props]
    n, bad = properties(ns, corpus, sample, args, stub)
    desc = "ranking properties (prefixes, pages, summary, serve mode%s) on %d queries" % (
        ", two shards" if stub else "", n)
    print(("ok - " if not bad and n > 0 else "not ok - ") + desc)
    for b in bad[:10]:
        print("#   " + b)
    if n == 0:
        print("#   no query with matches to check")
    print("# %.1f s" % (time.time() - t0))
    return 0 if ndiff == 0 and not bad and n > 0 and nonempty > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
