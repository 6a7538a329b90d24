#!/usr/bin/env bash
# One pair, a month of daily files, one job per day on every local core (GNU parallel).
# Needs: GNU parallel (apt-get install parallel), Node.js 20, leadlag on the PATH.
# States are collected in ./states; the merged report goes to month.json.
set -euo pipefail
SPOT=${SPOT:-'data/spot/*.csv.gz'}   # quoted globs: leadlag expands them
PERP=${PERP:-'data/perp/*.csv.gz'}
mkdir -p states
leadlag plan "$SPOT" "$PERP" --label BTCUSDT --options '--threshold 7bp' --emit commands > jobs.txt
# --halt now,fail=1: stop at the first failed job (its state is missing, so merge would refuse).
parallel --will-cite --halt now,fail=1 --joblog jobs.log < jobs.txt
leadlag merge 'states/BTCUSDT-*.state' --format json > month.json
leadlag merge 'states/BTCUSDT-*.state'                  # the same report as a table
