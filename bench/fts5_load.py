#!/usr/bin/python3
# fts5_load.py: the SQLite FTS5 peer's indexer for `make bench`.
#
# Copyright (C) 2026 the nsearch authors. GPL-2.0-or-later.
#
# Usage: fts5_load.py DB FOLDER
#
# Loads every .txt article under FOLDER (the plain-file shape: line 1 the
# title, optional "Date: YYYY-MM-DD" and "Source: ..." lines, a blank line,
# then the body) into a new FTS5 table, one row per article, in one
# transaction:
#
#   CREATE VIRTUAL TABLE t USING fts5(title, body, date UNINDEXED,
#                                     tokenize = 'porter unicode61');
#
# The text is stored (not a contentless table), as nsearch stores enough to
# show passages. `date` is there only so that date-filtered queries can be
# answered (WHERE date BETWEEN ...); it is not indexed. Files are read in
# sorted order, so rowids are the same on every run. Nothing is tuned: no
# pragmas, no 'optimize' at the end, the way a user would write a loader.
import os
import sqlite3
import sys


def articles(folder):
    """Yield (title, body, date) for each .txt file under folder, sorted."""
    paths = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in files:
            if name.endswith(".txt"):
                paths.append(os.path.join(root, name))
    paths.sort()
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        head, sep, body = text.partition("\n\n")
        if not sep:  # no blank line: a title, maybe, and nothing else
            head, body = text, ""
        lines = head.split("\n")
        title, date = lines[0], ""
        for line in lines[1:]:
            if line.startswith("Date: "):
                date = line[6:].strip()
        yield title, body, date


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: fts5_load.py DB FOLDER\n")
        return 2
    db_path, folder = argv[1], argv[2]
    if os.path.exists(db_path):
        os.remove(db_path)
    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title, body, date UNINDEXED, "
        "tokenize = 'porter unicode61')"
    )
    n = 0
    with db:  # one transaction
        for row in articles(folder):
            db.execute("INSERT INTO t(title, body, date) VALUES (?, ?, ?)", row)
            n += 1
    db.close()
    sys.stderr.write("fts5_load: %d articles\n" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
