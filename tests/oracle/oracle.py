"""oracle.py: a second, deliberately simple implementation of what nsearch
lists, written from doc/query-syntax.md ("What matches", "Words") and the
token model of lib/analyzer.h only. It shares no matching code with lib/.

Inputs: the articles as `ns-read` prints them (tools/ns-read.c: the corpus
reader's model) and the tokens of every text as `ns-analyze --batch` prints
them (the one analyzer, which by design gives a word the same tokens in a
query as in a document). Everything else (leaves, phrases, NEAR, exclusions,
fields, dates, the "a passage must hold a scored word" rule, the partial
fallback) is decided here, by brute force over the passages of the
candidate articles: an index of which articles hold which terms only finds
those (a superset of the articles that can match; see Corpus.candidates).

Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
"""
import json
import re
import subprocess
from itertools import product

# ---------------------------------------------------------------- the tree
# Queries are trees of tuples:
#   ("word", w, field)  ("exact", w, field)  ("wild", prefix, field)
#   ("phrase", [w, ...], field)       field is None, "title" or "source"
#   ("and", [k...])  ("or", [k...])  ("not", k)  ("near", n, [side...])
#   ("date", lo, hi)                  "YYYY-MM-DD" or None (open end)

LEAVES = ("word", "exact", "wild", "phrase")


def _fld(field):
    return field + ":" if field else ""


def render(q, top=True):
    """The nsearch query string for a tree."""
    k = q[0]
    if k == "word":
        return _fld(q[2]) + q[1]
    if k == "exact":
        return _fld(q[2]) + "=" + q[1]
    if k == "wild":
        return _fld(q[2]) + q[1] + "*"
    if k == "phrase":
        return _fld(q[2]) + '"' + " ".join(q[1]) + '"'
    if k == "and":
        s = " ".join(render(c, False) for c in q[1])
        return s if top else "(" + s + ")"
    if k == "or":
        return "(" + " OR ".join(render(c, False) for c in q[1]) + ")"
    if k == "not":
        return "-" + render(q[1], False)
    if k == "near":
        return (" NEAR/%d " % q[1]).join(render(c, False) for c in q[2])
    if k == "date":
        return "date:%s..%s" % (q[1] or "", q[2] or "")
    raise ValueError(k)


def leaves(q, under_not=False):
    """(leaf, excluded) for every leaf of q."""
    k = q[0]
    if k in LEAVES:
        yield q, under_not
    elif k in ("and", "or"):
        for c in q[1]:
            yield from leaves(c, under_not)
    elif k == "not":
        yield from leaves(q[1], True)
    elif k == "near":
        for c in q[2]:
            yield from leaves(c, under_not)


def leaf_texts(q):
    """The strings to analyze for a tree's leaves."""
    out = []
    for lf, _ in leaves(q):
        if lf[0] == "phrase":
            out.append(" ".join(lf[1]))
        else:
            out.append(lf[1])
    return out


# ---------------------------------------------------------------- analyzer
def analyze_batch(ns_analyze, texts):
    """Tokens of each text: lists of (pos, start, end, flags, term, exact),
    flags a set of "alt"/"acr"."""
    data = b"\0".join(t.encode() for t in texts)
    out = subprocess.run([ns_analyze, "--batch"], input=data, stdout=subprocess.PIPE, check=True).stdout
    res, cur = [], []
    for line in out.decode().split("\n"):
        if line == "":
            res.append(cur)
            cur = []
            continue
        pos, st, en, fl, term, exact = line.split("\t")
        cur.append((int(pos), int(st), int(en), set() if fl == "-" else set(fl.split(",")), term, exact))
    if len(res) < len(texts):  # an empty last text prints only its blank line
        res += [[] for _ in range(len(texts) - len(res))]
    return res[: len(texts)]


class Text:
    """One text (a passage, a title, a source) as an index of its tokens."""

    def __init__(self, toks):
        self.by_term = {}  # term -> [(pos, last)]
        self.nonalt_exact = []  # (pos, exact)
        # The words of the text by their exact form: the non-alt tokens and
        # the joined forms of compounds (alt tokens without "acr"; the "acr"
        # alts are the dotted forms of words in capitals), as (pos, exact).
        self.words = []
        # Every token stands at its own position (doc/query-syntax.md: a
        # leaf's positions follow each other in the text's positions; a
        # joined form stands at its compound's first position only).
        for t in toks:
            self.by_term.setdefault(t[4], []).append((t[0], t[0]))
            if "alt" not in t[3]:
                self.nonalt_exact.append((t[0], t[5]))
            if "alt" not in t[3] or "acr" not in t[3]:
                self.words.append((t[0], t[5]))


# ---------------------------------------------------------------- leaves
# doc/query-syntax.md, Wildcards: a wildcard cut inside a number finds the
# numbers it begins as one word: thousands commas don't count, a clock's
# colons and a date's hyphens do. The cuts the text's analyzer reads as
# parts ("1,23" of "1,234"), each with the start of the word it makes.
NUMBER_CUTS = [
    (re.compile(r"\d{1,3}(,\d{3})*,\d{1,2}"), lambda s: s.replace(",", "")),
    (re.compile(r"\d{1,2}(:\d{2})*:\d"), lambda s: s),
    (re.compile(r"\d{4}-\d{1,2}|\d{4}-\d{2}-\d?"), lambda s: s),
]


HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "-"})
# A whole number with separators: one word, whose parts in a row are read
# too ("06:50*" finds "06:50pm", which a text holds as "06" "50pm").
NUMBER_WHOLE = re.compile(r"\d{1,3}(,\d{3})+|\d{1,2}(:\d{2})+|\d{4}-\d{2}-\d{2}")


def number_start(text):
    text = text.translate(HYPHENS)
    for rx, start in NUMBER_CUTS:
        if rx.fullmatch(text):
            return start(text)
    return None


def number_parts(text):
    """The parts of a whole number with separators, or None."""
    text = text.translate(HYPHENS)
    if NUMBER_WHOLE.fullmatch(text):
        return re.split(r"[,:-]", text)
    return None


class Leaf:
    """A compiled leaf: a sequence of query positions, each accepting some
    terms, plus (word leaves) joined forms that match the whole leaf."""

    def __init__(self, lf, text, toks):
        self.kind = lf[0]
        self.steps = []  # per query position: set of accepted terms
        self.joined = []  # terms of joined forms (word leaves)
        self.exacts = []  # for exact/wild: exact forms of the non-alt tokens
        self.jexact = None  # for exact/wild of a compound: its joined form's exact form
        nonalt = [t for t in toks if "alt" not in t[3]]
        idx = {t[0]: i for i, t in enumerate(nonalt)}
        caps2_seen = False
        for t in nonalt:
            src = text.encode()[t[1]:t[2]]
            for pos in (b"'s", "\u2019s".encode()):  # a possessive changes nothing
                if src.endswith(pos) and len(src) > len(pos):
                    src = src[: -len(pos)]
            caps2 = len(src) == 2 and src.isalpha() and src.isupper() and src.isascii()
            same = [u for u in toks if "alt" in u[3] and u[0] == t[0] and (u[1], u[2]) == (t[1], t[2])]
            if caps2:
                acc = {u[4] for u in same if "acr" in u[3]} or {t[4]}
                caps2_seen = caps2_seen or any("acr" in u[3] for u in same)
            else:
                acc = {t[4]} | {u[4] for u in same}
            self.steps.append(acc)
            self.exacts.append(t[5])
        # A compound with an abbreviation (a dotted part, or two capitals
        # that mean the abbreviation only) is its parts, not its joined
        # form (query-syntax.md, Abbreviations and case).
        abbrev = any("acr" in t[3] for t in nonalt)
        if self.kind == "word" and caps2_seen:
            abbrev = True
        # An exact word or wildcard of several parts (`=28-point`,
        # `28-p*`): its joined form is the alt (not "acr") spanning them all.
        if self.kind in ("exact", "wild") and len(nonalt) > 1 and not abbrev:
            for t in toks:
                if "alt" in t[3] and "acr" not in t[3] and (t[1], t[2]) == (nonalt[0][1], nonalt[-1][2]):
                    self.jexact = t[5]
            if self.kind == "wild" and self.jexact is None:
                # (from the first word: "$1,2*" is "1,2*")
                self.jexact = number_start(text.encode()[nonalt[0][1]:].decode())
        if self.kind == "wild" and len(nonalt) == 1:
            t = nonalt[0]
            parts = number_parts(text.encode()[t[1]:t[2]].decode())
            if parts:
                self.exacts = parts
                self.jexact = t[5]
        # Joined forms (alts whose span differs from their primary's) match
        # the whole of a word leaf, as one text token; not in phrases.
        if self.kind == "word" and not abbrev:
            for t in toks:
                if "alt" in t[3]:
                    p = [u for u in nonalt if u[0] == t[0]]
                    if p and (p[0][1], p[0][2]) != (t[1], t[2]):
                        self.joined.append(t[4])

    def empty(self):
        return not self.steps

    def may_occur(self, has):
        """False when a word or phrase leaf cannot occur in a text whose
        terms pass has() (one of its positions has no accepted term there,
        nor is a joined form there): a quick test before occurrences()."""
        if self.kind in ("exact", "wild"):
            return True
        if any(has(t) for t in self.joined):
            return True
        return all(any(has(t) for t in acc) for acc in self.steps)

    def occurrences(self, tx):
        """(first, last) positions of every occurrence in Text tx."""
        # doc/query-syntax.md, "Exact words" and "Wildcards": one word is
        # that exact form (a prefix of it for a wildcard) among the text's
        # words, joined forms included; a compound is its parts' exact forms
        # at consecutive positions (the last a prefix for a wildcard), or a
        # word of the text that is (begins with) its joined form.
        if self.kind in ("exact", "wild"):
            wild = self.kind == "wild"

            def same(e, q, pre):
                return e.startswith(q) if pre else e == q

            if len(self.exacts) == 1:
                return sorted({(p, p) for p, e in tx.words if same(e, self.exacts[0], wild)})
            out = set()
            n = len(self.exacts)
            at = dict(tx.nonalt_exact)
            for s, e in tx.nonalt_exact:
                if all(s + i in at and same(at[s + i], x, wild and i == n - 1)
                       for i, x in enumerate(self.exacts)):
                    out.add((s, s + n - 1))
            if self.jexact is not None:
                out |= {(p, p) for p, e in tx.words if same(e, self.jexact, wild)}
            return sorted(out)
        starts = set()
        for acc in self.steps[:1]:
            for term in acc:
                starts.update(p for p, _ in tx.by_term.get(term, []))
        out = set()
        for s in starts:
            for e in self._ends(tx, 0, s):
                out.add((s, e))
        for term in self.joined:
            out.update((p, p) for p, _ in tx.by_term.get(term, []))
        return sorted(out)

    def _ends(self, tx, qi, tp):
        """Last text positions reachable matching steps qi.. from position tp."""
        if qi == len(self.steps):
            return {tp - 1}
        res = set()
        for term in self.steps[qi]:
            for p, last in tx.by_term.get(term, []):
                if p == tp:
                    res |= self._ends(tx, qi + 1, last + 1)
        return res



def near_holds(n, sides, tx, title):
    """Some choice of one occurrence per side, no two of them the same
    occurrence (`recent NEAR recent*` wants two words), lies in a window
    where at most n - 1 positions belong to no side. sides: per side, its
    (Leaf, field) pairs; tx is the title (title true) or a passage, where
    title: leaves do not occur. (A source: side is refused by the parser.)"""
    occ = []
    for side in sides:
        o = set()
        for L, field in side:
            if field is None or (title and field == "title"):
                o.update(L.occurrences(tx))
        if not o:
            return False
        occ.append(sorted(o))
    for pick in product(*occ):
        if len(set(pick)) < len(pick):
            continue
        lo = min(a for a, _ in pick)
        hi = max(b for _, b in pick)
        covered = set()
        for a, b in pick:
            covered.update(range(a, b + 1))
        if hi - lo + 1 - len(covered) <= n - 1:
            return True
    return False


# ---------------------------------------------------------------- corpus
class Corpus:
    def __init__(self, articles_jsonl, ns_analyze):
        self.ns_analyze = ns_analyze
        self.articles = [json.loads(l) for l in open(articles_jsonl, encoding="utf-8") if l.strip()]
        texts = []
        for a in self.articles:
            texts.append(a["title"])
            texts.append(a["source"])
            texts.extend(p["text"] for p in a["passages"])
        toks = analyze_batch(ns_analyze, texts)
        k = 0
        for a in self.articles:
            a["_title"] = Text(toks[k])
            a["_source"] = Text(toks[k + 1])
            a["_title_toks"] = toks[k]
            k += 2
            for p in a["passages"]:
                p["_tx"] = Text(toks[k])
                p["_toks"] = toks[k]
                k += 1
        # An index to find candidates only: which articles have a term (or
        # a non-alt exact form) in any of their texts. Whether a query holds
        # on a passage is still decided below, from the texts themselves.
        self.term_arts, self.exact_arts = {}, {}
        for ai, a in enumerate(self.articles):
            for tx in [a["_title"], a["_source"]] + [p["_tx"] for p in a["passages"]]:
                for term in tx.by_term:
                    self.term_arts.setdefault(term, set()).add(ai)
                for _, e in tx.words:
                    self.exact_arts.setdefault(e, set()).add(ai)
        self._leafcache = {}
        self._wildcache = {}
        # Which article a listed passage (path, line) is of: --count with
        # --per-article N counts at most N of an article's passages.
        self.article_of = {}
        for ai, a in enumerate(self.articles):
            for p in a["passages"]:
                self.article_of[(a["path"], p["line"])] = ai

    @staticmethod
    def _key(lf):
        return (lf[0], repr(lf[1]))

    def prepare(self, queries):
        """Analyze the leaves of many queries in one ns-analyze process."""
        todo = {}
        for q in queries:
            for lf, _ in leaves(q):
                if self._key(lf) not in self._leafcache:
                    todo[self._key(lf)] = lf
        if todo:
            lfs = list(todo.values())
            texts = [" ".join(lf[1]) if lf[0] == "phrase" else lf[1] for lf in lfs]
            toks = analyze_batch(self.ns_analyze, texts)
            for lf, t, tk in zip(lfs, texts, toks):
                self._leafcache[self._key(lf)] = Leaf(lf, t, tk)

    def compile(self, q):
        """The Leaf object of each leaf of q: a function of the leaf."""
        self.prepare([q])
        m = {id(lf): self._leafcache[self._key(lf)] for lf, _ in leaves(q)}
        return lambda lf: m[id(lf)]

    def leaf_articles(self, L):
        """A superset of the articles in which Leaf L occurs somewhere."""
        if L.kind in ("exact", "wild"):
            # The articles with a word that is (begins with) the first
            # part, or the joined form.
            firsts = [L.exacts[0]] + ([L.jexact] if L.jexact is not None else [])
            wild_first = L.kind == "wild" and len(L.exacts) == 1
            out = set()
            for i, x in enumerate(firsts):
                if L.kind == "exact" or (i == 0 and not wild_first):
                    out |= self.exact_arts.get(x, set())
                    continue
                if x not in self._wildcache:
                    arts = set()
                    for e, s in self.exact_arts.items():
                        if e.startswith(x):
                            arts |= s
                    self._wildcache[x] = arts
                out |= self._wildcache[x]
            return out
        out = None
        for acc in L.steps:  # every position of the leaf must be there
            s = set().union(*(self.term_arts.get(t, set()) for t in acc))
            out = s if out is None else out & s
        return out.union(*(self.term_arts.get(t, set()) for t in L.joined))

    def candidates(self, q, get):
        """A superset of the articles where q can hold on some passage, as a
        set of article indices, or None for "any article" (exclusions, dates
        and ignored leaves don't narrow it)."""
        k = q[0]
        if k in LEAVES:
            L = get(q)
            return None if L.empty() else self.leaf_articles(L)
        if k in ("and", "near"):
            sets = [self.candidates(c, get) for c in (q[1] if k == "and" else q[2])]
            sets = [s for s in sets if s is not None]
            return set.intersection(*sets) if sets else None
        if k == "or":
            sets = [self.candidates(c, get) for c in q[1]]
            return None if any(s is None for s in sets) else set().union(*sets)
        return None  # not, date


def _occurs(L, tx, cache, key):
    r = cache.get(key)
    if r is None:
        r = cache[key] = L.may_occur(tx.by_term.__contains__) and bool(L.occurrences(tx))
    return r


def matches(corpus, q):
    """The listed passages of q: [(path, line)] grouped by article, the
    articles in corpus order, and whether the partial fallback was used."""
    res = _matches(corpus, q)
    if res:
        return res, False
    relaxed = partial_of(corpus, q)
    if relaxed is None:
        return [], False
    res = _matches(corpus, relaxed)
    return res, bool(res)


def wordlike(k):
    return k[0] in LEAVES and k[2] != "source"


def flatten(q):
    """An AND group directly inside an AND is the same AND: `(a b) c` is
    `a b c`. (Only the partial fallback can tell the two apart; nsearch reads
    nested AND groups as one AND, and so does the oracle: see README.md,
    "Spec ambiguities".)"""
    if q[0] != "and":
        return q
    out = []
    for c in q[1]:
        c = flatten(c)
        out.extend(c[1] if c[0] == "and" else [c])
    return ("and", out)


def partial_of(corpus, q):
    """The relaxed query of "Partial matches", or None."""
    q = flatten(q)
    if q[0] != "and":
        return None
    get = corpus.compile(q)
    wl = [c for c in q[1] if wordlike(c) and not get(c).empty()]
    if len(wl) < 2:
        return None
    rest = [c for c in q[1] if not wordlike(c)]
    return ("and", [("or", wl)] + rest)


def _matches(corpus, q):
    get = corpus.compile(q)
    scored = [lf for lf, ex in leaves(q) if not ex and lf[2] is None and not get(lf).empty()]
    cand = corpus.candidates(q, get)
    arts = corpus.articles if cand is None else [corpus.articles[i] for i in sorted(cand)]
    out = []
    for a in arts:
        if not a["passages"]:
            continue
        cache = {}

        def occ_in(lf, where, i):
            L = get(lf)
            if where == "title":
                return _occurs(L, a["_title"], cache, ("t", id(lf)))
            if where == "source":
                return _occurs(L, a["_source"], cache, ("s", id(lf)))
            return _occurs(L, a["passages"][i]["_tx"], cache, (i, id(lf)))

        def aholds(k):
            """k on the whole article: a leaf anywhere (title, any passage;
            source: in the source), NEAR within one text."""
            t = k[0]
            if t in LEAVES:
                if get(k).empty():
                    return True
                if k[2] == "title":
                    return occ_in(k, "title", 0)
                if k[2] == "source":
                    return occ_in(k, "source", 0)
                return occ_in(k, "title", 0) or any(occ_in(k, "p", j) for j in range(len(a["passages"])))
            if t == "and":
                return all(aholds(c) for c in k[1])
            if t == "or":
                return any(aholds(c) for c in k[1])
            if t == "not":
                return not aholds(k[1])
            if t == "near":
                sides = [[(get(x), x[2]) for x in (s[1] if s[0] == "or" else [s])] for s in k[2]]
                return near_holds(k[1], sides, a["_title"], True) or any(
                    near_holds(k[1], sides, p["_tx"], False) for p in a["passages"])
            if t == "date":
                d = a["date"]
                return d is not None and (k[1] is None or d >= k[1]) and (k[2] is None or d <= k[2])
            raise ValueError(t)

        def holds(k, i):
            t = k[0]
            if t in LEAVES:
                if get(k).empty():
                    return True  # a leaf with nothing searchable is ignored
                if k[2] == "title":
                    return occ_in(k, "title", i)
                if k[2] == "source":
                    return occ_in(k, "source", i)
                return occ_in(k, "p", i) or occ_in(k, "title", i)
            if t == "and":
                return all(holds(c, i) for c in k[1])
            if t == "or":
                return any(holds(c, i) for c in k[1])
            if t == "not":
                key = ("not", id(k))
                if key not in cache:
                    cache[key] = not aholds(k[1])
                return cache[key]
            if t == "near":
                sides = [[(get(x), x[2]) for x in (s[1] if s[0] == "or" else [s])] for s in k[2]]
                kt = ("nt", id(k))
                if kt not in cache:
                    cache[kt] = near_holds(k[1], sides, a["_title"], True)
                return cache[kt] or near_holds(k[1], sides, a["passages"][i]["_tx"], False)
            if t == "date":
                d = a["date"]
                return d is not None and (k[1] is None or d >= k[1]) and (k[2] is None or d <= k[2])
            raise ValueError(t)

        hit = [i for i in range(len(a["passages"])) if holds(q, i)]
        if not hit:
            continue
        if scored:
            own = [i for i in hit if any(occ_in(lf, "p", i) for lf in scored)]
            if not own:
                own = [0]
            hit = own
        out.extend((a["path"], a["passages"][i]["line"]) for i in hit)
    return out


def passage_text(corpus, path, line):
    for a in corpus.articles:
        if a["path"] == path:
            for p in a["passages"]:
                if p["line"] == line:
                    return p["text"]
    return "?"
