#!/usr/bin/env bash
# Worker of a LeaderWorkerSet group: sshd (non-root, port 2222) so the leader's mpirun can
# start this pod's ranks; the ranks themselves are children of sshd.
set -euo pipefail
exec /usr/sbin/sshd -D -e -f /etc/searchlm/mpi/sshd_config
