#!/usr/bin/env python3
"""Every character error of a `scripts/bench-accuracy` run, and the commonest kinds.

  error_kinds.py WORK/SET [WORK/SET2 ...]          -> the kinds, most errors first (stderr)
  error_kinds.py --list WORK/SET [...]             -> and each error with its context (stdout)

For each item of the set (WORK/SET/corpus/ITEM.truth.json) and its record
(WORK/SET/archive/issues/ITEM-*/record.json), each page's text is aligned to the truth's, white
space aside (difflib, no junk heuristic), and every edit counted as in CER: the longer side of
a replacement. A kind is (operation, truth text, read text), so "a quote read in a gap" is
('insert', '', '”') and "a folio lost" ('delete', '—5—', '').
"""
import collections
import difflib
import glob
import json
import re
import sys


def main(argv):
    show = "--list" in argv
    sets = [a for a in argv if a != "--list"]
    if not sets:
        sys.exit(__doc__)
    kinds, total = collections.Counter(), 0
    for work in sets:
        for truth_file in sorted(glob.glob(f"{work}/corpus/*.truth.json")):
            item = truth_file.split("/")[-1][: -len(".truth.json")]
            records = glob.glob(f"{work}/archive/issues/{item}-*/record.json")
            if not records:
                continue
            truth = json.load(open(truth_file))["pages"]
            read = json.load(open(records[0]))["pages"]
            for page, (t_page, r_page) in enumerate(zip(truth, read), start=1):
                t = re.sub(r"\s", "", t_page["text"])
                r = re.sub(r"\s", "", r_page["text"])
                matcher = difflib.SequenceMatcher(None, t, r, autojunk=False)
                for op, a, b, c, d in matcher.get_opcodes():
                    if op == "equal":
                        continue
                    errors = max(b - a, d - c)
                    total += errors
                    kinds[(op, t[a:b][:8], r[c:d][:8])] += errors
                    if show:
                        print(f"{item} {page} {op} {t[max(0, a - 5):a]}[{t[a:b]}]{t[b:b + 5]} read [{r[c:d]}]")
    print(f"{total} errors", file=sys.stderr)
    for (op, t, r), n in kinds.most_common(40):
        print(f"{n:5} {op:8} {t!r} read {r!r}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
