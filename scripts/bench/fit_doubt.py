#!/usr/bin/env python3
"""Fits the doubt model (stages/doubt.h, DoubtOptions) on a scored benchmark run.

  fit_doubt.py fit RESULT.json...    -> the weights and review_from, as C++ for DoubtOptions
  fit_doubt.py check RESULT.json...  -> how the estimates qikan stored flag these pages
  fit_doubt.py cv RESULT.json...     -> the flag's precision and recall per preset when each item's
                                        pages are flagged by a model fitted without them
  fit_doubt.py weigh HEADER RESULT.json...  -> how the weights in HEADER (a DoubtOptions, e.g.
                                        stages/doubt.h) would flag these pages, from their stored
                                        evidence (a run made with other weights)

The results are those `scripts/bench-accuracy --set tune --qikan-only` leaves in WORK/tune/results:
every page's evidence (record.json, pages[].doubt) and its CER against the truth. The model is
linear, estimated_cer = intercept + sum of w x evidence, fitted by least squares with every
weight held at 0 or above (evidence of error never makes a page look better), on page CER
capped at CAP (a page read upside down at 98% would otherwise pull every weight its way).
review_from is then the highest estimate that still flags RECALL of the pages over 2% CER.
"""
import argparse
import json
import os
import re
import sys

FEATURES = ["missing", "excess", "low", "garbled", "latin", "unsure", "lost_lines", "surprise",
            "unpaired", "stray", "disagree"]
BAD = 0.02
# 5%: a cap at 10% let the pages far over 2% set the weights; the flag is about the pages near it
CAP = float(os.environ.get("FIT_DOUBT_CAP", "0.05"))
RECALL = 0.95


def preset(result):
    """The scan preset and layout of a benchmark item (its font aside): "office two-column"."""
    layout = result.get("layout") or "single"
    return result.get("preset", "?") + ("" if layout == "single" else " " + layout)


def pages(paths):
    out = []
    for path in paths:
        r = json.load(open(path, encoding="utf-8"))
        q = r.get("qikan")
        if not q:
            continue
        for i, cer in enumerate(q["page_cer"]):
            doubt = (q.get("doubt") or [None] * (i + 1))[i]
            est = (q.get("estimated_cer") or [None] * (i + 1))[i]
            conf = (q.get("mean_confidence") or [None] * (i + 1))[i]
            flagged = (i + 1) in q.get("flagged_pages", [])
            out.append({"item": r["item"], "preset": preset(r), "page": i + 1, "cer": cer, "doubt": doubt,
                        "estimated_cer": est, "flagged": flagged, "confidence": conf})
    return out


def nnls(rows, target, iterations=3000):
    """Least squares with a free intercept and non-negative weights (coordinate descent)."""
    n, k = len(rows), len(rows[0])
    w = [0.0] * k
    b = sum(target) / n
    resid = [t - b for t in target]
    norms = [sum(r[j] ** 2 for r in rows) for j in range(k)]
    for _ in range(iterations):
        # the intercept
        shift = sum(resid) / n
        b += shift
        resid = [e - shift for e in resid]
        change = abs(shift)
        for j in range(k):
            if norms[j] == 0:
                continue
            g = sum(rows[i][j] * resid[i] for i in range(n))
            new = max(0.0, w[j] + g / norms[j])
            d = new - w[j]
            if d:
                resid = [resid[i] - d * rows[i][j] for i in range(n)]
                w[j] = new
                change = max(change, abs(d))
        if change < 1e-9:
            break
    return b, w


def flag_stats(scored, threshold):
    flagged = [p for p in scored if p["est"] >= threshold]
    bad = [p for p in scored if p["cer"] > BAD]
    both = [p for p in flagged if p["cer"] > BAD]
    precision = len(both) / len(flagged) if flagged else None
    recall = len(both) / len(bad) if bad else None
    return precision, recall, len(flagged), len(bad), len(both)


def fmt(x):
    return "n/a" if x is None else f"{x:.2f}"


def estimate(b, w, row):
    return max(0.0, min(1.0, b + sum(wj * x for wj, x in zip(w, row))))


def fit_model(data):
    """The weights, intercept and review_from fitted on `data` (pages with their evidence)."""
    rows = [[p["doubt"][f] for f in FEATURES] for p in data]
    target = [min(p["cer"], CAP) for p in data]
    b, w = nnls(rows, target)
    scored = [{"cer": p["cer"], "est": estimate(b, w, r)} for p, r in zip(data, rows)]
    return b, w, recall_threshold(scored, RECALL), scored


def held_out_estimates(data):
    """Every page's estimate by the model fitted without its item (leave one item out)."""
    items = sorted({p["item"] for p in data})
    if len(items) < 2:
        sys.exit("fit_doubt.py: needs the results of two or more items")
    out = {}
    for item in items:
        b, w, threshold, _ = fit_model([p for p in data if p["item"] != item])
        for i, p in enumerate(data):
            if p["item"] == item:
                out[i] = (estimate(b, w, [p["doubt"][f] for f in FEATURES]), threshold)
    return out


def recall_threshold(scored, recall):
    """The highest estimate that still flags `recall` of the pages over BAD, a hair below it."""
    bad = sorted((s["est"] for s in scored if s["cer"] > BAD), reverse=True)
    if not bad:
        return 0.02
    need = max(1, -(-int(recall * 1000) * len(bad) // 1000))
    return round(bad[need - 1] - 0.0005, 4)


def fit(args):
    data = [p for p in pages(args.results) if p["doubt"]]
    b, w, threshold, scored = fit_model(data)
    # The threshold that keeps the recall on the fitted pages themselves has no margin: on
    # pages the weights were not fitted on, the estimates scatter more. So review_from is the
    # threshold that keeps the recall on the held-out estimates (each item's pages estimated by
    # the weights fitted without it), if that is lower.
    held = held_out_estimates(data)
    held_scored = [{"cer": p["cer"], "est": held[i][0]} for i, p in enumerate(data)]
    held_threshold = recall_threshold(held_scored, RECALL)
    threshold = min(threshold, held_threshold)
    precision, recall, nf, nb, nboth = flag_stats(scored, threshold)
    hp, hr, hnf, _, hboth = flag_stats(held_scored, threshold)
    print(f"// fitted on {len(data)} pages ({nb} over {100 * BAD:.0f}% CER) by "
          f"scripts/bench/fit_doubt.py: precision {fmt(precision)} ({nboth}/{nf}), "
          f"recall {fmt(recall)} ({nboth}/{nb}) on the fitted pages; held out by item, "
          f"precision {fmt(hp)} ({hboth}/{hnf}), recall {fmt(hr)} ({hboth}/{nb})")
    print(f"double intercept = {b:.4f};")
    for f, wj in zip(FEATURES, w):
        print(f"double w_{f} = {wj:.4f};")
    print(f"double review_from = {threshold:.4f};")


def check(args):
    data = [p for p in pages(args.results)]
    have = [p for p in data if p["estimated_cer"] is not None and p["estimated_cer"] >= 0]
    scored = [{"cer": p["cer"], "est": p["estimated_cer"]} for p in have]
    bad = [p for p in data if p["cer"] > BAD]
    flagged = [p for p in data if p["flagged"]]
    both = [p for p in flagged if p["cer"] > BAD]
    print(f"{len(data)} pages, {len(bad)} over {100 * BAD:.0f}% CER, {len(flagged)} flagged: "
          f"precision {fmt(len(both) / len(flagged) if flagged else None)}, "
          f"recall {fmt(len(both) / len(bad) if bad else None)}")
    for p in sorted(have, key=lambda p: -p["cer"]):
        if p["cer"] > BAD or p["flagged"]:
            print(f"  {p['item']} p{p['page']}: CER {100 * p['cer']:.1f}%, "
                  f"estimated {100 * p['estimated_cer']:.1f}%{' flagged' if p['flagged'] else ''}")
    # the flag this estimate replaced: mean word confidence below 90 (same readings)
    old = [{"cer": p["cer"], "est": 100 - p["confidence"]} for p in data if p["confidence"]]
    if old:
        precision, recall, nf, nb, nboth = flag_stats(old, 10.0001)
        print(f"  the old flag (mean confidence < 90) on the same readings: precision "
              f"{fmt(precision)} ({nboth}/{nf}), recall {fmt(recall)} ({nboth}/{nb})")
    if scored:
        for t in (0.01, 0.0142, 0.015, 0.02, 0.025, 0.03):
            precision, recall, nf, nb, nboth = flag_stats(scored, t)
            print(f"  at {100 * t:.1f}%: precision {fmt(precision)} ({nboth}/{nf}), "
                  f"recall {fmt(recall)} ({nboth}/{nb})")


def cv(args):
    """Leave one item out: each item's pages are flagged by the model fitted on the other items'."""
    data = [p for p in pages(args.results) if p["doubt"]]
    for i, (est, threshold) in held_out_estimates(data).items():
        data[i]["est"], data[i]["threshold"] = est, threshold
    groups = {}
    for p in data:
        groups.setdefault(p["preset"], []).append(p)
    groups["all"] = data
    print("| preset | pages | over 2% | flagged | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, group in sorted(groups.items(), key=lambda g: (g[0] == "all", g[0])):
        flagged = [p for p in group if p["est"] >= p["threshold"]]
        bad = [p for p in group if p["cer"] > BAD]
        both = [p for p in flagged if p["cer"] > BAD]
        print(f"| {name} | {len(group)} | {len(bad)} | {len(flagged)} | "
              f"{fmt(len(both) / len(flagged) if flagged else None)} ({len(both)}/{len(flagged)}) | "
              f"{fmt(len(both) / len(bad) if bad else None)} ({len(both)}/{len(bad)}) |")


def weigh(args):
    """Flags the pages with the weights and review_from a DoubtOptions header declares."""
    text = open(args.header, encoding="utf-8").read()
    w = {m.group(1): float(m.group(2))
         for m in re.finditer(r"double (intercept|w_\w+|review_from) = (-?[0-9.]+);", text)}
    missing = [k for k in ["intercept", "review_from"] + ["w_" + f for f in FEATURES] if k not in w]
    if missing:
        sys.exit(f"fit_doubt.py: {args.header} declares no {', '.join(missing)}")
    data = [p for p in pages(args.results) if p["doubt"]]
    scored = [{"cer": p["cer"], "est": estimate(w["intercept"], [w["w_" + f] for f in FEATURES],
                                                 [p["doubt"][f] for f in FEATURES])} for p in data]
    precision, recall, nf, nb, nboth = flag_stats(scored, w["review_from"])
    print(f"{len(data)} pages, {nb} over {100 * BAD:.0f}% CER, {nf} flagged at "
          f"{w['review_from']}: precision {fmt(precision)} ({nboth}/{nf}), "
          f"recall {fmt(recall)} ({nboth}/{nb})")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("fit", "check", "cv", "weigh"):
        s = sub.add_parser(name)
        if name == "weigh":
            s.add_argument("header")
        s.add_argument("results", nargs="+")
    args = ap.parse_args()
    {"fit": fit, "check": check, "cv": cv, "weigh": weigh}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
