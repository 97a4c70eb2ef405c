#!/usr/bin/python3
# eval_selftest.py: eval.py's metrics and query cleaning against small
# examples worked out by hand (run by bench/eval.sh before any collection).
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
import math
import os
import sys

sys.dont_write_bytecode = True  # nothing cached in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval import average_precision, ndcg_at, precision_at, sanitize, score_run  # noqa: E402


def close(a, b):
    return abs(a - b) < 1e-9


# Binary judgments: d2 and d4 retrieved at ranks 2 and 4, d9 never.
# AP = (1/2 + 2/4) / 3 relevant = 1/3; P@10 = 2/10 (trec_eval divides by 10).
run = ["d1", "d2", "d3", "d4", "d5"]
rels = {"d2": 1, "d4": 1, "d9": 1}
assert close(average_precision(run, rels), 1 / 3)
assert close(precision_at(run, rels, 10), 0.2)
# Binary nDCG@10: DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3) + 1/2.
assert close(ndcg_at(run, rels, 10), (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3) + 0.5))
# Only the top `depth` count for AP: cut at 3, only d2 is found.
assert close(average_precision(run, rels, depth=3), (1 / 2) / 3)

# Graded (gain = grade): ranking d1(3) d2(0) d3(1); judged d1=3, d3=1, d7=2.
# DCG = 3/1 + 0 + 1/log2(4) = 3.5; ideal 3, 2, 1 = 3 + 2/log2(3) + 1/2
# = 4.7618595; nDCG@10 = 0.7350070.
g = {"d1": 3, "d3": 1, "d7": 2}
assert abs(ndcg_at(["d1", "d2", "d3"], g, 10) - 0.7350070) < 1e-6
assert close(ndcg_at(["d1", "d7", "d3"], g, 10), 1.0)
assert close(precision_at(["d1", "d2", "d3"], g, 10), 0.2)
# AP with grades: relevant at ranks 1 and 3 of 3 relevant = (1 + 2/3) / 3.
assert close(average_precision(["d1", "d2", "d3"], g), (1 + 2 / 3) / 3)

# Means over the judged queries; a judged query with no results scores 0.
s = score_run({"1": run}, {"1": rels, "2": {"x": 1}})
assert close(s["map"], (1 / 3) / 2) and close(s["p10"], 0.1) and s["queries"] == 2

# Query cleaning: operators and syntax characters become plain words.
assert sanitize('What "AND" (x) -y z* =w title:foo NOT U.S. non-users?') == \
    "what and x y z w title foo not u.s non-users"
# Past the word limit: repeats go first, then the most frequent words.
assert sanitize("a b a c d", max_words=4) == "a b c d"
assert sanitize("the x of y z", {"the": 9, "of": 8, "x": 1, "y": 1, "z": 1}, max_words=3) == "x y z"

print("eval selftest: ok")
