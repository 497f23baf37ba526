#!/usr/bin/env bash
# The batch as a Slurm job array on a real single-node Slurm (started here in a temp folder):
# 6 generated issues in 3 shards through scripts/slurm/submit, the merge job after the array;
# one task is cancelled (scancel) mid-issue, resubmitted alone with a merge after it, and in
# the end every issue is in DIR/issues and the catalog exactly once, search finds each, and
# every shard has its logs and summary.
#   slurm_array_test.sh QIKAN SAMPLEGEN     (run by ctest, label cluster; needs root)
set -euo pipefail
qikan=$(realpath "$1")
samplegen=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ $(id -u) -ne 0 ]]; then echo "skipped: the single-node Slurm runs as root"; exit 77; fi
for tool in munged slurmctld slurmd sbatch squeue scancel scontrol; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || {
    echo "FAIL: $tool is missing (scripts/setup installs munge, slurmctld, slurmd, slurm-client)" >&2
    exit 1
  }
done
# shellcheck source=single_node_slurm.sh
source "$here/single_node_slurm.sh"
tmp=$(mktemp -d /tmp/qikan-slurm-test.XXXXXX)
cleanup() {
  slurm_stop
  if [[ -n "${QIKAN_KEEP_TEST_DIR:-}" ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $(date -u +%T) $*"; }

step "generating 6 issues"
inbox=$tmp/inbox archive=$tmp/archive
mkdir -p "$inbox" "$tmp/gen"
for seed in 1 2 3 4 5 8; do
  "$samplegen" --content "$root/samples/content/seed-2025-05.json" --recombine "$seed" \
    --preset clean-300 --dpi 150 --master-dpi 300 --chars-per-line 42 --min-pages 1 \
    --max-pages 3 --seed "$seed" --name "issue-$seed" --out "$tmp/gen" >/dev/null 2>&1
  mv "$tmp/gen/issue-$seed.pdf" "$inbox/"
done

# The shard to cancel: the one with the most inputs (two at least, so that one issue of it can
# be committed and the next one cut off).
target=0 most=0
for k in 0 1 2; do
  n=$("$qikan" run "$inbox" --archive "$archive" --shard "$k/3" --dry-run | grep -c '^new' || true)
  echo "shard $k: $n inputs"
  if ((n > most)); then target=$k most=$n; fi
done
((most >= 2)) || fail "no shard has two inputs"

step "starting Slurm"
slurm_start "$tmp/slurm"
submit() { QIKAN_BIN=$qikan QIKAN_LOG_LEVEL=info "$root/scripts/slurm/submit" --inbox "$inbox" \
  --archive "$archive" --shards 3 --cpus 1 "$@"; }

step "submitting the array and the merge"
read -r array_id merge_id < <(submit)
echo "array $array_id, merge $merge_id"
scontrol show job "$merge_id" | grep -q "Dependency=afterany:${array_id}" ||
  fail "the merge job does not depend on the array: $(scontrol show job "$merge_id" | grep Dependency)"

# Cancel shard $target once its first issue is committed and the next is being read.
out="$archive/shards/$target/slurm-${array_id}_${target}.out"
for ((i = 0; ; i++)); do
  ((i < 1200)) || fail "shard $target never got to its second issue: $(cat "$out" 2>/dev/null)"
  if [[ -f $out ]] && (($(grep -c '^ok ' "$out" || true) >= 1)) &&
    (($(grep -c 'pages, issue' "$out" || true) >= 2)); then break; fi
  sleep 0.2
done
step "cancelling task ${array_id}_$target mid-issue"
scancel "${array_id}_$target"
slurm_wait_job "$array_id" 400 || fail "the array did not end"
slurm_wait_job "$merge_id" 120 || fail "the merge did not end"
state=$(scontrol show job "${array_id}_$target" | grep -o 'JobState=[A-Z]*')
[[ $state == JobState=CANCELLED ]] || fail "task $target ended $state, not cancelled"
for k in 0 1 2; do
  [[ $k == "$target" ]] && continue
  scontrol show job "${array_id}_$k" | grep -q 'JobState=COMPLETED' ||
    fail "task $k: $(scontrol show job "${array_id}_$k" | grep JobState)"
done
grep -q '^merge: 3 shard(s)' "$archive"/logs/slurm-merge-"$merge_id".out ||
  fail "merge output: $(cat "$archive"/logs/slurm-merge-*.out)"
cut_off=$(grep 'pages, issue' "$out" | tail -1 | sed 's/.*issue //')
[[ ! -e $archive/issues/$cut_off && ! -e $archive/shards/$target/issues/$cut_off ]] ||
  fail "the cancelled task finished $cut_off before it was cancelled"
(($(ls "$archive/issues" | wc -l) == 6 - most + 1)) ||
  fail "after the first merge: $(ls "$archive/issues")"

step "resubmitting task $target"
read -r again_id merge2_id < <(submit --resubmit "$target")
slurm_wait_job "$again_id" 400 || fail "the resubmitted task did not end"
slurm_wait_job "$merge2_id" 120 || fail "the second merge did not end"
scontrol show job "$again_id" | grep -q 'JobState=COMPLETED' ||
  fail "resubmitted task: $(scontrol show job "$again_id" | grep JobState); $(cat "$archive/shards/$target"/slurm-"$again_id"_*.out)"
again_out=$(cat "$archive/shards/$target"/slurm-"$again_id"_"$target".out)
echo "$again_out" | grep -q "qikan shard $target/3" || fail "the resubmitted task ran another shard"
# Only what the shard lacked is redone: the committed issue is skipped.
(($(echo "$again_out" | grep -c '^ok ') == most - 1)) || fail "resubmitted task redid: $again_out"
(($(echo "$again_out" | grep -c '^skip ') == 1)) || fail "resubmitted task skipped: $again_out"

step "checking the archive"
python3 "$here/check_archive.py" "$qikan" "$archive" "$inbox"/*.pdf
for k in 0 1 2; do
  ls "$archive/shards/$k/logs/"run-*.log >/dev/null || fail "shard $k has no run log"
  summaries=("$archive/shards/$k/logs/"run-*.json)
  [[ -f ${summaries[0]} ]] || fail "shard $k has no summary"
  [[ -z $(ls -A "$archive/shards/$k/tmp") ]] || fail "shard $k left $(ls "$archive/shards/$k/tmp")"
done
# The killed run left its log without a summary; the rerun wrote both.
(($(ls "$archive/shards/$target/logs/"run-*.log | wc -l) == 2)) || fail "shard $target logs"
(($(ls "$archive/shards/$target/logs/"run-*.json | wc -l) == 1)) || fail "shard $target summaries"
(($(ls "$archive/logs/"merge-*.json | wc -l) == 2)) || fail "merge summaries: $(ls "$archive/logs")"
step "ok"
