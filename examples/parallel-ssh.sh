#!/usr/bin/env bash
# The same jobs spread over several hosts with GNU parallel --sshlogin.
# Needs on every host: Node.js 20, leadlag on the PATH (same version everywhere), the data at
# the same paths (a shared file system such as NFS), and passwordless ssh from this machine.
# States: each job writes into ./states under --workdir (shared, or collected as below).
set -euo pipefail
HOSTS=${HOSTS:-'4/node1,4/node2,8/node3'}   # N/host = run N jobs at once on that host
mkdir -p states
leadlag plan --manifest pairs.csv --options '--threshold 7bp' --emit commands > jobs.txt
# Shared file system: every host sees ./states.
parallel --will-cite --halt now,fail=1 --sshlogin "$HOSTS" --workdir "$PWD" < jobs.txt
# Without a shared file system: copy the data to the same paths on every host first, run the
# jobs as above with a local ./states on each host, then collect them here, e.g.
#   for h in node1 node2 node3; do rsync -a "$h:$PWD/states/" states/; done
leadlag merge 'states/*.state'                           # one row per pair
