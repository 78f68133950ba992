#!/usr/bin/env bash
# Runs Samples/slurm/batch-array.sh as a real 3-task Slurm job array on a single-node Slurm on loopback, then
# checks that the shards together converted every file exactly once. Used by the test suite (SlurmArrayTests);
# needs root (it installs and starts slurmctld, slurmd and munge with scripts/slurm/slurm-up.sh).
# Usage: batch-array-test.sh HARMONIZE_BINARY INPUT_DIR WORK_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
harmonize=$1
input=$2
work=$3
export SLURM_BASE=${SLURM_BASE:-/tmp/harmonize-slurm}
bash "$here/slurm-up.sh" 2>"$work/slurm-up.log" || { cat "$work/slurm-up.log" >&2; exit 1; }
trap 'bash "$here/slurm-down.sh" >/dev/null 2>&1 || true' EXIT
# shellcheck disable=SC1091
source "$SLURM_BASE/env.sh"
mkdir -p "$work/logs"
n=3
jid=$(HARMONIZE="$harmonize" sbatch --parsable --array=0-$((n - 1)) --mem=1G -o "$work/logs/%A_%a.log" \
  "$here/../../Samples/slurm/batch-array.sh" "$input" "$work/out" --spacing 0.6)
deadline=$(( $(date +%s) + 300 ))
while [ -n "$(squeue -h -j "$jid" 2>/dev/null)" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "timeout waiting for job $jid" >&2; scancel "$jid"; exit 1; }
  sleep 0.5
done
for i in $(seq 0 $((n - 1))); do
  line=$(grep -E "ArrayJobId=$jid ArrayTaskId=$i " "$SLURM_BASE/log/jobcomp.txt" | tail -n1 || true)
  state=$(sed -nE 's/.*JobState=([A-Z_]+).*/\1/p' <<<"$line")
  code=$(sed -nE 's/.* ExitCode=([0-9:]+).*/\1/p' <<<"$line")
  if [ "$state" != COMPLETED ] || [ "$code" != 0:0 ]; then
    echo "task $i: state=$state exit=$code" >&2
    cat "$work/logs/${jid}_$i.log" >&2 || true
    exit 1
  fi
  echo "task $i COMPLETED"
done
ls "$work/out" | grep -c '^harmonize-manifest.shard-.*-of-3.jsonl$' | sed 's/^/shard manifests: /'
"$harmonize" batch "$input" "$work/out" --merge-manifests
