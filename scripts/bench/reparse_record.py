"""The record a reparse would write, for the benchmarks' --reparse: the archived record with the
structure `qikan parse` printed and each page's text as this build's layout orders it.

    python3 reparse_record.py RECORD.json PARSE.json OUT.json

The page-level doubts the OCR stage raised (estimated-error, page-failed) are kept: `qikan parse`
reads no page again, so it cannot raise them, and the flag figures count them.
"""
import json
import sys

OCR_REASONS = {"estimated-error", "page-failed"}


def main(record_path, parse_path, out_path):
    record = json.load(open(record_path, encoding="utf-8"))
    parsed = json.load(open(parse_path, encoding="utf-8"))
    for page, text in zip(record.get("pages", []), parsed.pop("page_texts", [])):
        page["text"] = text
    kept = [item for item in record.get("review", []) if item.get("reason") in OCR_REASONS]
    record.update(parsed)
    record["review"] = kept + record.get("review", [])
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(record, out, ensure_ascii=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])
