#!/usr/bin/env python3
"""How far qikan's deskew is from the skew the sample generator applied, page by page.

  skew_error.py WORK [WORK_BEFORE]

WORK is a `scripts/bench-accuracy` work dir (WORK/SET/corpus/*.truth.json beside
WORK/SET/archive/issues/NAME-*/record.json, for every SET run in it). With WORK_BEFORE, the same
pages of a run by another build are compared: their error counts side by side and each page more
than 0.15 degree off in either run.
"""
import glob
import json
import os
import statistics
import sys


def skews(work):
    """(item, page) -> (the generator's skew, the skew qikan measured)."""
    out = {}
    for truth in glob.glob(os.path.join(work, "*", "corpus", "*.truth.json")):
        name = os.path.basename(truth)[: -len(".truth.json")]
        archive = glob.glob(os.path.join(os.path.dirname(os.path.dirname(truth)), "archive", "issues", name + "-*"))
        if not archive:
            continue
        pages_truth = json.load(open(truth, encoding="utf-8"))["pages"]
        pages_read = json.load(open(os.path.join(archive[0], "record.json"), encoding="utf-8"))["pages"]
        for t, r in zip(pages_truth, pages_read):
            out[(name, t["index"])] = (t["skew_degrees"], r["skew_degrees"])
    return out


def summary(label, errors):
    counts = " / ".join(str(sum(e > th for e in errors)) for th in (0.1, 0.2, 0.5, 1.0))
    print(f"{label}: {len(errors)} pages, mean error {statistics.mean(errors):.3f} degree, "
          f"median {statistics.median(errors):.3f}; off by > 0.1 / 0.2 / 0.5 / 1.0: {counts}")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    runs = [skews(w) for w in sys.argv[1:]]
    keys = sorted(set.intersection(*(set(r) for r in runs)))
    if not keys:
        sys.exit("no page with both a truth and a record")
    # The generator's skew and the skew qikan measures have the same sign.
    errors = [[abs(r[k][0] - r[k][1]) for k in keys] for r in runs]
    for path, e in zip(sys.argv[1:], errors):
        summary(path, e)
    if len(runs) == 2:
        for k, a, b in zip(keys, errors[0], errors[1]):
            if max(a, b) > 0.15:
                print(f"  {k[0]} p{k[1]}: truth {runs[0][k][0]:.3f}, {runs[0][k][1]:.3f} / {runs[1][k][1]:.3f}")


if __name__ == "__main__":
    main()
