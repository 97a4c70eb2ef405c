#!/usr/bin/python3
# eval.py: ranking quality of nsearch against two BM25 baselines on judged
# test collections (make eval; method and results in doc/eval.md).
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
#
# A collection is a folder with docs/*.txt, queries.tsv (qid<TAB>text) and
# qrels.txt (TREC: "qid 0 docid rel", docid = file name without .txt). Every
# query is read the same way by the three systems: lower-cased and reduced to
# plain words (sanitize()), so that nsearch's query language and Xapian's
# QueryParser see no operators, and all three run it with OR semantics.
#
#   nsearch   nsearch-index over docs/, then one `nsearch --any
#             --per-article 1 -n 1000 --json` per query. Two rankings come
#             out of one run: the order of the match lines (each article's
#             best passage, what --files prints) and the order of their
#             "article_rank" (Xapian's BM25 order of the articles).
#   xapian    TermGenerator + QueryParser with Stem("english"), STEM_SOME,
#             default_op OR, BM25Weight() defaults, over each file's text.
#   fts5      SQLite FTS5, tokenize='porter unicode61', ORDER BY bm25(),
#             the query as "w1" OR "w2" OR ...
#
# Metrics follow trec_eval: MAP over the top 1000, P@10, nDCG@10 with the
# qrels grade as gain (trec_eval's ndcg_cut, linear gain) and a log2(rank+1)
# discount. A judged query that retrieves nothing scores 0 (trec_eval -c).
# Queries without a relevant document are skipped.
#
# Needs /usr/bin/python3 with python3-xapian; uses only the standard library
# otherwise. Works in a temporary folder that it removes.
import argparse
import concurrent.futures
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

# nsearch refuses a query of more than NS_QUERY_MAX_TERMS words (qparse.h).
MAX_WORDS = 64
DEPTH = 1000

# --------------------------------------------------------------- metrics


def average_precision(ranking, rels, depth=DEPTH):
    """trec_eval map: precision at each relevant document retrieved in the
    top `depth`, summed and divided by the number of relevant documents."""
    relevant = [d for d, g in rels.items() if g > 0]
    if not relevant:
        return None
    hits = 0
    total = 0.0
    for i, d in enumerate(ranking[:depth]):
        if rels.get(d, 0) > 0:
            hits += 1
            total += hits / (i + 1)
    return total / len(relevant)


def precision_at(ranking, rels, k=10):
    """trec_eval P_k: relevant documents in the top k, divided by k even when
    fewer than k were retrieved."""
    return sum(1 for d in ranking[:k] if rels.get(d, 0) > 0) / k


def ndcg_at(ranking, rels, k=10):
    """trec_eval ndcg_cut_k: gain = the qrels grade, discount log2(rank + 1);
    the ideal ranking sorts every judged document by grade."""
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranking[:k]))
    ideal = sorted((g for g in rels.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else None


def score_run(run, qrels):
    """Mean MAP, P@10 and nDCG@10 of run {qid: [docid...]} over the queries
    of qrels {qid: {docid: grade}} that have a relevant document."""
    qids = [q for q in qrels if any(g > 0 for g in qrels[q].values())]
    if not qids:
        return {"map": 0.0, "p10": 0.0, "ndcg10": 0.0, "queries": 0}
    sums = {"map": 0.0, "p10": 0.0, "ndcg10": 0.0}
    for q in qids:
        ranking = run.get(q, [])
        sums["map"] += average_precision(ranking, qrels[q])
        sums["p10"] += precision_at(ranking, qrels[q])
        sums["ndcg10"] += ndcg_at(ranking, qrels[q])
    out = {m: v / len(qids) for m, v in sums.items()}
    out["queries"] = len(qids)
    return out


# --------------------------------------------------------------- queries

# A word: letters and digits, with - ' . kept only between them ("non-users",
# "o'brien", "u.s"). Everything else (quotes, parentheses, *, =, :, a leading
# -) becomes a space, and lower case turns AND/OR/NOT/NEAR into plain words.
WORD_RE = re.compile(r"[^\W_]+(?:[-'.][^\W_]+)*")


def words_of(text):
    return WORD_RE.findall(text.lower())


def sanitize(text, df=None, max_words=MAX_WORDS):
    """The plain words of a query, as one string. Past max_words, repeated
    words go first, then the words with the highest document frequency in
    df (a dict word -> number of documents), keeping the original order."""
    words = words_of(text)
    if len(words) <= max_words:
        return " ".join(words)
    seen = set()
    uniq = []
    for w in words:
        if w not in seen:
            seen.add(w)
            uniq.append(w)
    if len(uniq) > max_words:
        df = df or {}
        # Stable: among equal frequencies the later word goes first.
        order = sorted(range(len(uniq)), key=lambda i: (df.get(uniq[i], 0), i))
        keep = set(order[:max_words])
        uniq = [w for i, w in enumerate(uniq) if i in keep]
    return " ".join(uniq)


# ------------------------------------------------------------ collection


class Collection:
    def __init__(self, folder):
        self.folder = folder
        self.name = os.path.basename(os.path.normpath(folder))
        self.docdir = os.path.join(folder, "docs")
        self.docs = []  # (docid, path)
        for name in sorted(os.listdir(self.docdir)):
            if name.endswith(".txt"):
                self.docs.append((name[:-4], os.path.join(self.docdir, name)))
        self.queries = {}
        with open(os.path.join(folder, "queries.tsv"), encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                qid, _, text = line.partition("\t")
                self.queries[qid.strip()] = text
        self.qrels = {}
        with open(os.path.join(folder, "qrels.txt"), encoding="utf-8") as f:
            for line in f:
                p = line.split()
                if len(p) < 4:
                    continue
                grade = int(p[3])
                if grade > 0:
                    self.qrels.setdefault(p[0], {})[p[2]] = grade
        # Judged queries missing from queries.tsv cannot be run; drop them.
        self.qrels = {q: r for q, r in self.qrels.items() if q in self.queries}

    def texts(self):
        for docid, path in self.docs:
            with open(path, encoding="utf-8", errors="replace") as f:
                yield docid, f.read()

    def sanitized_queries(self):
        """{qid: plain words} for the judged queries, and how many were cut
        to MAX_WORDS."""
        df = {}
        for _, text in self.texts():
            for w in set(words_of(text)):
                df[w] = df.get(w, 0) + 1
        out = {}
        cut = 0
        for qid in self.qrels:
            q = sanitize(self.queries[qid], df)
            if len(words_of(self.queries[qid])) > MAX_WORDS:
                cut += 1
            out[qid] = q
        return out, cut


# --------------------------------------------------------------- systems


def run_nsearch(coll, queries, tmp, nsearch, nsearch_index, jobs):
    """Index with nsearch-index, query with nsearch. Returns two runs:
    passage order and article order."""
    db = os.path.join(tmp, "nsearch-db")
    p = subprocess.run([nsearch_index, "--db", db, coll.docdir],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        raise RuntimeError("nsearch-index failed (exit %d): %s" % (p.returncode, p.stderr.strip()))

    def one(qid):
        if not queries[qid]:
            return qid, [], [], None
        p = subprocess.run([nsearch, "--db", db, "--any", "--per-article", "1", "-n",
                            str(DEPTH), "--json", "--color=never", "--", queries[qid]],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode not in (0, 1):
            return qid, [], [], "query %s: exit %d: %s" % (qid, p.returncode, p.stderr.strip())
        hits = []
        for line in p.stdout.splitlines():
            o = json.loads(line)
            if o.get("type") != "match":
                continue
            docid = os.path.basename(o["path"])
            if docid.endswith(".txt"):
                docid = docid[:-4]
            hits.append((docid, o.get("article_rank", 0)))
        passage, seen = [], set()
        for d, _ in hits:
            if d not in seen:
                seen.add(d)
                passage.append(d)
        best = {}
        for d, r in hits:
            best[d] = min(r, best.get(d, r))
        article = sorted(best, key=lambda d: best[d])
        return qid, passage, article, None

    run_p, run_a, errors = {}, {}, []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for qid, rp, ra, err in ex.map(one, sorted(queries)):
            run_p[qid], run_a[qid] = rp, ra
            if err:
                errors.append(err)
    return run_p, run_a, errors


def run_xapian(coll, queries, tmp):
    import xapian

    db = xapian.WritableDatabase(os.path.join(tmp, "xapian-db"), xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("english"))
    for docid, text in coll.texts():
        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(text)
        doc.set_data(docid)
        db.add_document(doc)
    db.commit()
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("english"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_default_op(xapian.Query.OP_OR)
    qp.set_database(db)
    enq = xapian.Enquire(db)
    enq.set_weighting_scheme(xapian.BM25Weight())
    run, errors = {}, []
    for qid, text in queries.items():
        try:
            enq.set_query(qp.parse_query(text))
            run[qid] = [m.document.get_data().decode() for m in enq.get_mset(0, DEPTH)]
        except xapian.Error as e:
            run[qid] = []
            errors.append("query %s: %s" % (qid, e))
    db.close()
    return run, errors


def run_fts5(coll, queries, tmp):
    con = sqlite3.connect(os.path.join(tmp, "fts5.db"))
    con.execute("CREATE VIRTUAL TABLE d USING fts5(docid UNINDEXED, body, "
                "tokenize='porter unicode61')")
    con.executemany("INSERT INTO d(docid, body) VALUES (?, ?)", coll.texts())
    con.commit()
    run, errors = {}, []
    for qid, text in queries.items():
        expr = " OR ".join('"%s"' % w.replace('"', '""') for w in text.split())
        if not expr:
            run[qid] = []
            continue
        try:
            rows = con.execute("SELECT docid FROM d WHERE d MATCH ? ORDER BY bm25(d), rowid "
                               "LIMIT ?", (expr, DEPTH)).fetchall()
            run[qid] = [r[0] for r in rows]
        except sqlite3.Error as e:
            run[qid] = []
            errors.append("query %s: %s" % (qid, e))
    con.close()
    return run, errors


# ---------------------------------------------------------------- report

SYSTEMS = ["nsearch", "nsearch-art", "xapian", "fts5"]
LABELS = {
    "nsearch": "nsearch",
    "nsearch-art": "nsearch (article order)",
    "xapian": "Xapian QueryParser+BM25",
    "fts5": "SQLite FTS5 porter bm25",
}


def rel(a, b):
    return (a - b) / b * 100 if b else float("nan")


def table(title, scores, systems):
    print(title)
    print("  %-26s %7s %7s %8s" % ("system", "MAP", "P@10", "nDCG@10"))
    for s in systems:
        if s in scores:
            r = scores[s]
            print("  %-26s %7.4f %7.4f %8.4f" % (LABELS[s], r["map"], r["p10"], r["ndcg10"]))
    ns = scores.get("nsearch")
    for s in ("xapian", "fts5"):
        if ns and s in scores:
            print("  nsearch vs %-15s MAP %+6.1f%%  nDCG@10 %+6.1f%%"
                  % (s + ":", rel(ns["map"], scores[s]["map"]), rel(ns["ndcg10"], scores[s]["ndcg10"])))


def evaluate(folder, args):
    coll = Collection(folder)
    queries, cut = coll.sanitized_queries()
    tmp = tempfile.mkdtemp(prefix="nsearch-eval-")
    scores, times = {}, {}
    try:
        if "nsearch" in args.systems:
            t = time.time()
            rp, ra, errs = run_nsearch(coll, queries, tmp, args.nsearch, args.nsearch_index, args.jobs)
            times["nsearch"] = time.time() - t
            scores["nsearch"] = score_run(rp, coll.qrels)
            scores["nsearch-art"] = score_run(ra, coll.qrels)
            report_errors("nsearch", errs)
            if args.dump:
                dump(args.dump, coll.name, "nsearch", rp)
                dump(args.dump, coll.name, "nsearch-art", ra)
        if "xapian" in args.systems:
            t = time.time()
            run, errs = run_xapian(coll, queries, tmp)
            times["xapian"] = time.time() - t
            scores["xapian"] = score_run(run, coll.qrels)
            report_errors("xapian", errs)
            if args.dump:
                dump(args.dump, coll.name, "xapian", run)
        if "fts5" in args.systems:
            t = time.time()
            run, errs = run_fts5(coll, queries, tmp)
            times["fts5"] = time.time() - t
            scores["fts5"] = score_run(run, coll.qrels)
            report_errors("fts5", errs)
            if args.dump:
                dump(args.dump, coll.name, "fts5", run)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = len(coll.qrels)
    title = "%s: %d docs, %d judged queries%s; seconds %s" % (
        coll.name, len(coll.docs), n,
        " (%d cut to %d words)" % (cut, MAX_WORDS) if cut else "",
        " ".join("%s %.1f" % (s, v) for s, v in times.items()))
    table(title, scores, SYSTEMS)
    print()
    sys.stdout.flush()
    return scores


def report_errors(system, errs):
    for e in errs[:5]:
        print("eval: %s: %s" % (system, e), file=sys.stderr)
    if len(errs) > 5:
        print("eval: %s: %d more errors" % (system, len(errs) - 5), file=sys.stderr)


def dump(folder, coll, system, run):
    """TREC run file, for trec_eval or a closer look."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "%s.%s.run" % (coll, system)), "w") as f:
        for qid in sorted(run, key=lambda q: (len(q), q)):
            for i, d in enumerate(run[qid]):
                f.write("%s Q0 %s %d %d %s\n" % (qid, d, i + 1, DEPTH - i, system))


def main():
    ap = argparse.ArgumentParser(description="nsearch ranking quality against BM25 baselines")
    ap.add_argument("collections", nargs="+", help="collection folders")
    ap.add_argument("--systems", default="nsearch,xapian,fts5",
                    help="comma-separated subset of nsearch,xapian,fts5")
    ap.add_argument("--nsearch", default=os.environ.get("NSEARCH", "build/release/nsearch"))
    ap.add_argument("--nsearch-index",
                    default=os.environ.get("NSEARCH_INDEX", "build/release/nsearch-index"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="nsearch queries run in parallel")
    ap.add_argument("--dump", help="write TREC run files into this folder")
    args = ap.parse_args()
    args.systems = set(args.systems.split(","))
    args.nsearch = os.path.abspath(args.nsearch)
    args.nsearch_index = os.path.abspath(args.nsearch_index)
    for folder in args.collections:
        for need in ("docs", "queries.tsv", "qrels.txt"):
            if not os.path.exists(os.path.join(folder, need)):
                sys.exit("eval: %s: no %s (a collection has docs/, queries.tsv, qrels.txt)"
                         % (folder, need))
    start = time.time()
    results = {}
    for folder in args.collections:
        results[os.path.basename(os.path.normpath(folder))] = evaluate(folder, args)
    if len(results) > 1:
        avg = {}
        for s in SYSTEMS:
            rows = [r[s] for r in results.values() if s in r]
            if len(rows) == len(results):
                avg[s] = {m: sum(r[m] for r in rows) / len(rows) for m in ("map", "p10", "ndcg10")}
        table("average over %s (mean of the collections' scores)" % ", ".join(results), avg, SYSTEMS)
        for s in ("xapian", "fts5"):
            if "nsearch" in avg and s in avg:
                dm = [rel(r["nsearch"]["map"], r[s]["map"]) for r in results.values()]
                dn = [rel(r["nsearch"]["ndcg10"], r[s]["ndcg10"]) for r in results.values()]
                print("  mean of per-collection differences vs %s: MAP %+.1f%%  nDCG@10 %+.1f%%"
                      % (s, sum(dm) / len(dm), sum(dn) / len(dn)))
        print()
    print("eval: %.0f s" % (time.time() - start))


if __name__ == "__main__":
    main()
