"""Checks a merged qikan archive for the cluster tests: every input exactly once in
DIR/issues and in the catalog, nothing left staged, and search seeing every issue that has
articles or briefs.

usage: check_archive.py QIKAN ARCHIVE INBOX_FILE...   (prints what it found; exit 1 on a miss)
"""
import json
import os
import sqlite3
import subprocess
import sys

qikan, archive, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


issues = sorted(os.listdir(os.path.join(archive, "issues")))
sources = {}
for key in issues:
    with open(os.path.join(archive, "issues", key, "record.json"), encoding="utf-8") as f:
        record = json.load(f)
    sources.setdefault(os.path.realpath(record["source"]["file"]), []).append(key)
print(f"issues/: {len(issues)} folders")
check(len(issues) == len(inputs), f"{len(issues)} issue folders for {len(inputs)} inputs")
for path in inputs:
    keys = sources.get(os.path.realpath(path), [])
    check(len(keys) == 1, f"{path} is in issues/ {len(keys)} times: {keys}")

db = sqlite3.connect(f"file:{os.path.join(archive, 'catalog.sqlite')}?mode=ro", uri=True)
cataloged = [row[0] for row in db.execute("SELECT key FROM issues ORDER BY key")]
print(f"catalog: {len(cataloged)} issues")
check(cataloged == issues, f"catalog {cataloged} != folders {issues}")

for shard in sorted(os.listdir(os.path.join(archive, "shards"))):
    staged = os.listdir(os.path.join(archive, "shards", shard, "issues"))
    check(not staged, f"shard {shard} still holds {staged}")

hits = json.loads(subprocess.run([qikan, "search", "", "--archive", archive, "--json",
                                  "--limit", "10000"], check=True, capture_output=True,
                                 text=True).stdout)
found = sorted({hit["issue_key"] for hit in hits})
# Every issue with an article or a brief (a one-page issue of a masthead and TOC has neither).
searchable = []
for key in issues:
    with open(os.path.join(archive, "issues", key, "record.json"), encoding="utf-8") as f:
        record = json.load(f)
    if record["articles"] or record["briefs"]:
        searchable.append(key)
print(f"search: {len(hits)} hits in {len(found)} issues ({len(searchable)} with articles or briefs)")
check(searchable and found == searchable, f"search finds {found}, not {searchable}")
# A title of each issue finds that issue.
for key in issues:
    with open(os.path.join(archive, "issues", key, "record.json"), encoding="utf-8") as f:
        titles = [a["title"] for a in json.load(f)["articles"] if len(a["title"]) >= 4]
    if not titles:
        continue
    out = subprocess.run([qikan, "search", titles[0][:6], "--archive", archive, "--json"],
                         check=True, capture_output=True, text=True).stdout
    check(key in {hit["issue_key"] for hit in json.loads(out)},
          f"searching {titles[0][:6]!r} does not find {key}")

for failure in failures:
    print("FAIL:", failure, file=sys.stderr)
sys.exit(1 if failures else 0)
