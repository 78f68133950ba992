#!/usr/bin/env bash
# A Slurm job array that converts one dataset across nodes with `harmonize batch --shard auto`.
#
#   sbatch --array=0-7 Samples/slurm/batch-array.sh INPUT_DIR OUTPUT_DIR --spacing 0.5 --max-size 512
#   # when every task has finished (or from a dependent job: sbatch --dependency=afterany:JOBID ...):
#   harmonize batch INPUT_DIR OUTPUT_DIR --merge-manifests
#
# Each task takes a deterministic share of the cases, balanced by bytes, from SLURM_ARRAY_TASK_ID and
# SLURM_ARRAY_TASK_COUNT, writes its own manifest (OUTPUT_DIR/harmonize-manifest.shard-I-of-N.jsonl), and keeps
# its running cases within the task's memory. A task that is requeued or rerun skips what it already finished.
# HARMONIZE names the binary (default: harmonize on PATH).
#SBATCH --job-name=harmonize-batch
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --output=harmonize-batch-%A_%a.log
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: sbatch --array=0-N-1 $0 INPUT_DIR OUTPUT_DIR [harmonize batch options...]" >&2
  exit 2
fi
input=$1
output=$2
shift 2
harmonize=${HARMONIZE:-harmonize}
# SLURM_MEM_PER_NODE is in MiB; keep 10% for the process itself.
budget_mib=$(( ${SLURM_MEM_PER_NODE:-8192} * 9 / 10 ))
exec "$harmonize" batch "$input" "$output" --shard auto --jobs "${SLURM_CPUS_PER_TASK:-1}" \
  --memory-limit "${budget_mib}M" "$@"
