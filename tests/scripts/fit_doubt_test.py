#!/usr/bin/env python3
"""scripts/bench/fit_doubt.py on made-up benchmark results whose answer is known.

Run by ctest (label unit): python3 tests/scripts/fit_doubt_test.py SCRIPT
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "scripts", "bench", "fit_doubt.py")
FEATURES = ["missing", "excess", "low", "garbled", "latin", "unsure", "lost_lines", "surprise",
            "unpaired", "stray", "disagree"]


def result(item, preset, layout, pages):
    """A benchmark result: pages as (page CER, garbled share), the other evidence 0."""
    doubt = [dict({f: 0.0 for f in FEATURES}, garbled=g, chars=500.0) for _, g in pages]
    return {"item": item, "preset": preset, "layout": layout,
            "qikan": {"page_cer": [c for c, _ in pages], "doubt": doubt,
                      "estimated_cer": [0.0] * len(pages), "flagged_pages": [],
                      "mean_confidence": [90.0] * len(pages)}}


def run_script(command, results, before=()):
    """fit_doubt.py COMMAND [BEFORE...] on the results, written to files as a benchmark run
    leaves them."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for r in results:
            paths.append(os.path.join(tmp, r["item"] + ".json"))
            with open(paths[-1], "w", encoding="utf-8") as f:
                json.dump(r, f)
        return subprocess.run([sys.executable, SCRIPT, command] + list(before) + paths,
                              capture_output=True, text=True, check=True).stdout


class CrossValidation(unittest.TestCase):
    def run_cv(self, results):
        out = run_script("cv", results)
        return {row.split("|")[1].strip(): [c.strip() for c in row.split("|")[2:-1]]
                for row in out.splitlines() if row.startswith("| ") and "---" not in row}

    def test_each_item_is_flagged_by_a_model_fitted_without_it(self):
        # The garble share tells the bad pages (CER 4%) from the good (0.5%) on every item, so
        # a model fitted on the other items flags exactly the bad pages of the one left out.
        items = [result(f"tune-{p}-{f}", p, "single",
                        [(0.04, 0.02), (0.005, 0.0), (0.04, 0.03), (0.005, 0.001)])
                 for p in ("office", "web-150") for f in ("ukai", "noto-serif")]
        rows = self.run_cv(items)
        self.assertEqual(rows["office"], ["8", "4", "4", "1.00 (4/4)", "1.00 (4/4)"])
        self.assertEqual(rows["web-150"], ["8", "4", "4", "1.00 (4/4)", "1.00 (4/4)"])
        self.assertEqual(rows["all"], ["16", "8", "8", "1.00 (8/8)", "1.00 (8/8)"])

    def test_an_item_unlike_the_others_is_not_fitted_on_itself(self):
        # The two-column item's bad pages show no garble: fitted on the others, the model cannot
        # see them (fitted on all items, it would have seen them too).
        items = [result(f"tune-office-{f}", "office", "single",
                        [(0.04, 0.02), (0.005, 0.0)]) for f in ("ukai", "noto-serif")]
        items.append(result("tune-office-2col-ukai", "office", "two-column",
                            [(0.04, 0.0), (0.005, 0.0)]))
        rows = self.run_cv(items)
        self.assertEqual(rows["office two-column"][:3], ["2", "1", "0"])


class Fit(unittest.TestCase):
    def test_review_from_keeps_the_recall_on_pages_it_was_not_fitted_on(self):
        # Each item's bad page shows less garble than the last: fitted on all of them, the
        # weakest (garble 0.6%, estimated 1.62%) sets a threshold of 1.57% that flags it; fitted
        # without it, the model's threshold would miss it. review_from comes from the held-out
        # estimates, so it sits below 1.57% and every bad page is flagged held out.
        items = [result(f"tune-office-{k}", "office", "single",
                        [(0.04, g), (0.005, 0.0), (0.005, 0.001)])
                 for k, g in enumerate([0.03, 0.025, 0.02, 0.015, 0.01, 0.008, 0.006, 0.03])]
        out = run_script("fit", items)
        threshold = float(out.split("review_from = ")[1].split(";")[0])
        self.assertLess(threshold, 0.0157)
        self.assertGreater(threshold, 0.0100)  # the good pages (0.77%, 0.91%) stay unflagged
        self.assertIn("held out by item, precision 1.00 (8/8), recall 1.00 (8/8)", out)


class Weigh(unittest.TestCase):
    def test_a_headers_weights_flag_the_pages_by_their_stored_evidence(self):
        # Weights that see only the garble share, 1.0 a share, from 1%: the pages with 2% and 3%
        # garble are flagged (one of them bad), the page with none is not; the bad page with no
        # garble is missed.
        header = "struct DoubtOptions {\n  double intercept = 0.0000;\n" + "".join(
            f"  double w_{f} = {1.0 if f == 'garbled' else 0.0:.4f};\n" for f in FEATURES) + \
            "  double review_from = 0.0100;\n};\n"
        items = [result("tune-office-a", "office", "single",
                        [(0.04, 0.02), (0.005, 0.03), (0.005, 0.0), (0.04, 0.0)])]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "doubt.h")
            with open(path, "w", encoding="utf-8") as f:
                f.write(header)
            out = run_script("weigh", items, before=[path])
        self.assertIn("4 pages, 2 over 2% CER, 2 flagged at 0.01: precision 0.50 (1/2), "
                      "recall 0.50 (1/2)", out)


if __name__ == "__main__":
    unittest.main()
