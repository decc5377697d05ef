#!/bin/bash
# Queues the Fig. 1b sweep (fig1b.sbatch) as a job array of N shards (default 16), and its merge
# (merge.sbatch) as a job that starts when every task has succeeded. From the repository root:
#   examples/slurm/submit.sh [N]
# The dependency names each task (afterok:<job>_1:…:<job>_N): on the whole array (afterok:<job>) Slurm
# never starts the merge once a task has failed, even after that task is requeued and succeeds.
set -euo pipefail
N=${1:-16}
mkdir -p results/fig1b
ARRAY=$(sbatch --parsable --array="1-$N" examples/slurm/fig1b.sbatch)
ARRAY=${ARRAY%%;*}
DEPS=$(seq -s: -f "${ARRAY}_%g" 1 "$N")
MERGE=$(sbatch --parsable --dependency="afterok:$DEPS" --kill-on-invalid-dep=yes examples/slurm/merge.sbatch)
echo "sweep: job array $ARRAY (shards 1-$N); merge: job $MERGE, writes results/fig1b.json"
