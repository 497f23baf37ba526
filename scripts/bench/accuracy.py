#!/usr/bin/env python3
"""Scoring half of scripts/bench-accuracy.

  accuracy.py score --qikan BIN --truth T --expected E --out RESULT.json
                    [--record R --qikan-seconds S] [--tess-dir D --tess-seconds S]
                    [--ocrmypdf-sidecar F --ocrmypdf-seconds S]
  accuracy.py table RESULT.json...   -> Markdown table on stdout

Every tool's text is scored by the same code: the peers' page texts are put into a minimal
record ({"schema": "qikan.issue/1", "pages": [{"index", "text"}]}) and handed to
`qikan evaluate --truth --json`, whose page CER ignores all white space. The item's CER is
character-weighted: sum over pages of page CER x truth length / sum of truth lengths.
"""
import argparse
import difflib
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

BAD_PAGE_CER = 0.02  # a page "needs review" when qikan's CER is above this
FLAG_REASONS = {"estimated-error", "low-confidence", "page-failed"}
LOST_LINE_MATCHED = 0.5  # a truth line is lost when less than half of its characters are read
LOST_LINE_MIN_CHARS = 6  # shorter truth lines (folios, dates) are not counted


def lost_lines(truth_text, read_text):
    """Truth lines of which less than half the characters appear, in order, in the reading."""
    lines = [re.sub(r"\s", "", l) for l in truth_text.split("\n")]
    truth = "".join(lines)
    read = re.sub(r"\s", "", read_text)
    matched = [False] * len(truth)
    sm = difflib.SequenceMatcher(None, truth, read, autojunk=False)
    for a, _, size in sm.get_matching_blocks():
        for i in range(a, a + size):
            matched[i] = True
    lost, at = [], 0
    for line in lines:
        n = len(line)
        if n >= LOST_LINE_MIN_CHARS and sum(matched[at:at + n]) < LOST_LINE_MATCHED * n:
            lost.append(line)
        at += n
    return lost


def truth_lengths(truth):
    return [len(re.sub(r"\s", "", p["text"])) for p in truth["pages"]]


def evaluate(qikan, record_path, truth_path, expected_path=None):
    cmd = [qikan, "evaluate", record_path, "--truth", truth_path, "--json"]
    if expected_path:
        cmd += ["--expected", expected_path]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def evaluate_texts(qikan, texts, truth_path):
    record = {"schema": "qikan.issue/1",
              "pages": [{"index": i + 1, "text": t} for i, t in enumerate(texts)]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(record, f, ensure_ascii=False)
        path = f.name
    try:
        return evaluate(qikan, path, truth_path)
    finally:
        os.unlink(path)


def weighted(page_cers, lengths):
    total = sum(lengths)
    errors = sum(c * n for c, n in zip(page_cers, lengths))
    return errors, total


def tool_result(page_cers, lengths, seconds):
    errors, total = weighted(page_cers, lengths)
    return {"page_cer": page_cers, "errors": errors, "chars": total,
            "cer": errors / total if total else 0.0, "seconds": seconds}


def score(args):
    truth = json.load(open(args.truth, encoding="utf-8"))
    lengths = truth_lengths(truth)
    pages = len(lengths)
    result = {"item": args.item, "pages": pages, "dpi": truth.get("dpi"),
              "preset": truth.get("preset"), "layout": truth.get("layout"),
              "truth_chars": lengths, "qikan": None, "tesseract": None, "ocrmypdf": None}

    if args.record:
        ev = evaluate(args.qikan, args.record, args.truth, args.expected)
        q = tool_result(ev["page_cer"], lengths, args.qikan_seconds)
        record = json.load(open(args.record, encoding="utf-8"))
        flagged = sorted({r["page"] for r in record.get("review", [])
                          if r.get("reason") in FLAG_REASONS and r.get("page")})
        bad = [i + 1 for i, c in enumerate(ev["page_cer"]) if c > BAD_PAGE_CER]
        q["flagged_pages"] = flagged
        q["bad_pages"] = bad
        q["structure"] = {k: ev.get(k) for k in
                          ("masthead", "toc", "headings", "attributions", "briefs", "body_cer")}
        q["mean_confidence"] = [p.get("mean_confidence") for p in record.get("pages", [])]
        q["estimated_cer"] = [p.get("estimated_cer") for p in record.get("pages", [])]
        q["doubt"] = [p.get("doubt") for p in record.get("pages", [])]
        q["lost_lines"] = [lost_lines(t["text"], p.get("text", ""))
                           for t, p in zip(truth["pages"], record.get("pages", []))]
        doubts = [d for d in q["doubt"] if d]
        found = sum(d.get("lines_lost", 0) for d in doubts)
        rescued = sum(d.get("lines_rescued", 0) for d in doubts)
        q["lost_line_rereads"] = {"rescued": rescued, "still_lost": found - rescued}
        q["rotation"] = [p.get("rotation") for p in record.get("pages", [])]
        result["qikan"] = q

    if args.tess_dir:
        files = sorted(glob.glob(os.path.join(args.tess_dir, "*.txt")))
        texts = [open(f, encoding="utf-8", errors="replace").read() for f in files]
        ev = evaluate_texts(args.qikan, texts, args.truth)
        result["tesseract"] = tool_result(ev["page_cer"], lengths, args.tess_seconds)
        result["tesseract"]["pages_read"] = len(texts)

    if args.ocrmypdf_sidecar and os.path.exists(args.ocrmypdf_sidecar):
        text = open(args.ocrmypdf_sidecar, encoding="utf-8", errors="replace").read()
        texts = text.split("\f")
        # the sidecar ends each page with a form feed: drop the empty tail
        if len(texts) > pages and not texts[-1].strip():
            texts = texts[:-1]
        ev = evaluate_texts(args.qikan, texts, args.truth)
        result["ocrmypdf"] = tool_result(ev["page_cer"], lengths, args.ocrmypdf_seconds)
        result["ocrmypdf"]["pages_read"] = len(texts)

    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)


def pct(x):
    return "n/a" if x is None else f"{100 * x:.2f}%"


def spp(tool, pages):
    if tool is None or tool.get("seconds") is None or not pages:
        return "n/a"
    return f"{tool['seconds'] / pages:.2f}"


def table(args):
    results = [json.load(open(p, encoding="utf-8")) for p in args.results]
    tools = ("qikan", "tesseract", "ocrmypdf")
    lines = ["| item | pages | qikan CER | tesseract CER | ocrmypdf CER "
             "| qikan s/page | tesseract s/page | ocrmypdf s/page |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    sums = {t: {"errors": 0.0, "chars": 0, "seconds": 0.0, "pages": 0, "missing": False}
            for t in tools}
    all_pages = 0
    for r in results:
        all_pages += r["pages"]
        cells = [r["item"], str(r["pages"])]
        for t in tools:
            cells.append(pct(r[t]["cer"]) if r[t] else "n/a")
        for t in tools:
            cells.append(spp(r[t], r["pages"]))
        for t in tools:
            if r[t]:
                sums[t]["errors"] += r[t]["errors"]
                sums[t]["chars"] += r[t]["chars"]
                sums[t]["seconds"] += r[t]["seconds"] or 0.0
                sums[t]["pages"] += r["pages"]
            else:
                sums[t]["missing"] = True
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**all**", str(all_pages)]
    for t in tools:
        s = sums[t]
        cells.append("n/a" if not s["chars"] else f"**{pct(s['errors'] / s['chars'])}**"
                     + (" (partial)" if s["missing"] else ""))
    for t in tools:
        s = sums[t]
        cells.append("n/a" if not s["pages"] else f"{s['seconds'] / s['pages']:.2f}")
    lines.append("| " + " | ".join(cells) + " |")

    # qikan's review flags against its own page CER
    flagged = bad = both = 0
    per_item = []
    for r in results:
        q = r["qikan"]
        if not q:
            continue
        f, b = set(q["flagged_pages"]), set(q["bad_pages"])
        flagged += len(f)
        bad += len(b)
        both += len(f & b)
        lost_here = [f"p{i + 1} {l[:12]}" for i, p in enumerate(q.get("lost_lines", [])) for l in p]
        if f or b or lost_here:
            per_item.append(f"{r['item']}: flagged {sorted(f)}, CER > 2% {sorted(b)}"
                            + (f", lines lost: {'; '.join(lost_here)}" if lost_here else ""))
    lost = sum(len(p) for r in results if r["qikan"] for p in r["qikan"].get("lost_lines", []))
    rescued = sum((r["qikan"] or {}).get("lost_line_rereads", {}).get("rescued", 0) for r in results)
    still = sum((r["qikan"] or {}).get("lost_line_rereads", {}).get("still_lost", 0) for r in results)
    precision = both / flagged if flagged else None
    recall = both / bad if bad else None
    lines.append("")
    lines.append(
        f"qikan review flags (estimated-error / page-failed) for \"page CER > {100 * BAD_PAGE_CER:.0f}%\": "
        f"precision {'n/a' if precision is None else f'{precision:.2f}'} ({both}/{flagged} flagged pages bad), "
        f"recall {'n/a' if recall is None else f'{recall:.2f}'} ({both}/{bad} bad pages flagged), "
        f"over {all_pages} pages.")
    lines.append("")
    lines.append(
        f"Lines lost (a truth line of {LOST_LINE_MIN_CHARS}+ characters less than half read): "
        f"{lost} over {all_pages} pages; qikan's lost-line stage found {rescued + still} lines "
        f"whose text did not fit their ink, rescued {rescued}, left {still} as read.")
    if args.details:
        lines.append("")
        lines.append("<details><summary>per-item flagged / bad pages, structure, page CERs</summary>")
        lines.append("")
        for line in per_item:
            lines.append(f"- {line}")
        lines.append("")
        lines.append("| item | qikan page CERs (%) | tesseract page CERs (%) | ocrmypdf page CERs (%) | TOC F1 | headings F1 | attributions F1 | body CER |")
        lines.append("|---|---|---|---|---:|---:|---:|---:|")
        for r in results:
            def pages_of(t):
                return "n/a" if not r[t] else " ".join(f"{100 * c:.1f}" for c in r[t]["page_cer"])
            st = (r["qikan"] or {}).get("structure") or {}
            def f1(k):
                return "n/a" if not st.get(k) else f"{st[k]['f1']:.2f}"
            body = st.get("body_cer")
            lines.append(f"| {r['item']} | {pages_of('qikan')} | {pages_of('tesseract')} | "
                         f"{pages_of('ocrmypdf')} | {f1('toc')} | {f1('headings')} | "
                         f"{f1('attributions')} | {pct(body)} |")
        lines.append("")
        lines.append("</details>")
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score")
    s.add_argument("--item", required=True)
    s.add_argument("--qikan", required=True)
    s.add_argument("--truth", required=True)
    s.add_argument("--expected")
    s.add_argument("--out", required=True)
    s.add_argument("--record")
    s.add_argument("--qikan-seconds", type=float)
    s.add_argument("--qikan-log")  # accepted from older bench-accuracy runs, not used
    s.add_argument("--tess-dir")
    s.add_argument("--tess-seconds", type=float)
    s.add_argument("--ocrmypdf-sidecar")
    s.add_argument("--ocrmypdf-seconds", type=float)
    t = sub.add_parser("table")
    t.add_argument("--details", action="store_true")
    t.add_argument("results", nargs="+")
    args = ap.parse_args()
    score(args) if args.cmd == "score" else table(args)


if __name__ == "__main__":
    sys.exit(main())
