#!/usr/bin/env bash
# Shards against one archive without a scheduler: 3 `qikan run --shard K/3` processes at once
# over 6 generated one-page issues, then `qikan merge`: every issue once in DIR/issues and the
# catalog, found by search, each shard with its own log and summary; a shard run again skips
# what the archive holds, and a second merge changes nothing.
#   shard_processes_test.sh QIKAN SAMPLEGEN     (run by ctest)
set -euo pipefail
qikan=$(realpath "$1")
samplegen=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/qikan-shard-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Six one-page issues: each page of two generated three-page issues, as a folder of page images.
inbox=$tmp/inbox archive=$tmp/archive
mkdir -p "$inbox"
for seed in 1 2; do
  "$samplegen" --content "$root/samples/content/seed-2025-05.json" --recombine "$seed" \
    --preset clean-300 --dpi 150 --master-dpi 300 --chars-per-line 42 --min-pages 1 \
    --max-pages 3 --seed "$seed" --name "gen-$seed" --out "$tmp/gen" --png >/dev/null 2>&1
  for page in "$tmp/gen/gen-$seed"-p*.png; do
    name=$(basename "$page" .png)
    mkdir -p "$inbox/$name"
    mv "$page" "$inbox/$name/0001.png"
  done
done
(($(ls "$inbox" | wc -l) == 6)) || fail "generated $(ls "$inbox")"

pids=()
for k in 0 1 2; do
  "$qikan" run "$inbox" --archive "$archive" --shard "$k/3" --jobs 1 >"$tmp/shard-$k.out" 2>&1 &
  pids+=($!)
done
for k in 0 1 2; do
  wait "${pids[$k]}" || fail "shard $k exited $?: $(cat "$tmp/shard-$k.out")"
done
total=0
for k in 0 1 2; do
  n=$(grep -c '^ok ' "$tmp/shard-$k.out" || true)
  echo "shard $k: $n issues"
  total=$((total + n))
  ls "$archive/shards/$k/logs/"run-*.log "$archive/shards/$k/logs/"run-*.json >/dev/null ||
    fail "shard $k has no log or summary"
done
((total == 6)) || fail "the shards made $total issues"
[[ ! -e $archive/issues ]] || [[ -z $(ls -A "$archive/issues") ]] ||
  fail "a shard wrote into DIR/issues"

"$qikan" merge --archive "$archive" >"$tmp/merge.out" || fail "merge: $(cat "$tmp/merge.out")"
grep -q '^merge: 3 shard(s), 6 issues merged, 0 duplicates, 0 failed' "$tmp/merge.out" ||
  fail "merge: $(cat "$tmp/merge.out")"
python3 "$here/check_archive.py" "$qikan" "$archive" "$inbox"/*

# A shard run again skips what is in the archive now; a second merge has nothing to do.
"$qikan" run "$inbox" --archive "$archive" --shard 1/3 --jobs 1 >"$tmp/again.out" 2>&1 ||
  fail "shard 1 again: $(cat "$tmp/again.out")"
grep -q '^ok ' "$tmp/again.out" && fail "shard 1 redid an issue: $(cat "$tmp/again.out")"
grep -q '^skip ' "$tmp/again.out" || fail "shard 1 again: $(cat "$tmp/again.out")"
"$qikan" merge --archive "$archive" >"$tmp/merge2.out" || fail "merge 2: $(cat "$tmp/merge2.out")"
grep -q ' 0 issues merged, 0 duplicates, 0 failed' "$tmp/merge2.out" ||
  fail "merge 2: $(cat "$tmp/merge2.out")"
python3 "$here/check_archive.py" "$qikan" "$archive" "$inbox"/*
echo ok
