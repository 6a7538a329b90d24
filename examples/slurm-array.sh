#!/usr/bin/env bash
# A Slurm job array: task i runs line i+1 of jobs.txt.
# Prepare (on the login node):
#   leadlag plan --manifest pairs.csv --options '--threshold 7bp' --emit commands > jobs.txt
#   mkdir -p states logs
#   sbatch --array=0-$(( $(wc -l < jobs.txt) - 1 ))%64 slurm-array.sh     # at most 64 at once
# then, when the array has finished:
#   sbatch --dependency=afterok:<array job id> --wrap 'leadlag merge states --format json > universe.json'
# Needs on the compute nodes: Node.js 20 and leadlag (a module or a container), the data and
# this directory on the cluster's shared file system; states are collected in ./states.
#SBATCH --job-name=leadlag
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=00:30:00
#SBATCH --output=logs/%A_%a.out
set -euo pipefail
cmd=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" jobs.txt)
echo "task ${SLURM_ARRAY_TASK_ID}: ${cmd}"
eval "$cmd"
