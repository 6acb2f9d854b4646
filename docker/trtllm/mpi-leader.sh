#!/usr/bin/env bash
# Leader of a LeaderWorkerSet group: waits for every worker's sshd, then starts one MPI world
# of TP x PP ranks over the group. trtllm-llmapi-launch runs `python3 -m model_server` on
# rank 0 (gRPC, health, metrics) and TensorRT-LLM worker loops on the other ranks.
set -euo pipefail

: "${LWS_LEADER_ADDRESS:?set by LeaderWorkerSet}"
: "${LWS_GROUP_SIZE:?set by LeaderWorkerSet}"
: "${GPUS_PER_POD:?GPUs (MPI slots) per pod}"
tp="${SEARCHLM_MODEL_SERVER_TENSOR_PARALLEL_SIZE:-1}"
pp="${SEARCHLM_MODEL_SERVER_PIPELINE_PARALLEL_SIZE:-1}"
ssh_port="${MPI_SSH_PORT:-2222}"

world=$((LWS_GROUP_SIZE * GPUS_PER_POD))
if ((world != tp * pp)); then
  echo "pods x GPUs = ${world} but TP x PP = $((tp * pp)); fix the overlay" >&2
  exit 1
fi

# LWS_LEADER_ADDRESS is <lws>-<group>.<lws>.<namespace>; worker i is <lws>-<group>-<i>.<...>.
leader_host="${LWS_LEADER_ADDRESS%%.*}"
domain="${LWS_LEADER_ADDRESS#*.}"
hostfile=/tmp/mpi-hostfile
echo "$(hostname) slots=${GPUS_PER_POD}" >"${hostfile}"
for ((i = 1; i < LWS_GROUP_SIZE; i++)); do
  host="${leader_host}-${i}.${domain}"
  until (exec 3<>"/dev/tcp/${host}/${ssh_port}") 2>/dev/null; do
    echo "waiting for ${host}:${ssh_port}" >&2
    sleep 2
  done
  echo "${host} slots=${GPUS_PER_POD}" >>"${hostfile}"
done

exports=()
for name in $(compgen -e); do
  case "${name}" in
    SEARCHLM_* | NCCL_* | TLLM_* | HF_* | HOME | PATH | LD_LIBRARY_PATH) exports+=(-x "${name}") ;;
  esac
done

# An absolute mpirun plus --prefix gives the workers' non-interactive ssh shells the MPI
# install's PATH and libraries (sshd does not pass the image's ENV on).
mpirun_bin="$(command -v mpirun)"
mpi_prefix="$(dirname "$(dirname "${mpirun_bin}")")"

# exec: mpirun is PID 1 and forwards SIGTERM to every rank, so the gRPC server drains.
exec "${mpirun_bin}" --prefix "${mpi_prefix}" --hostfile "${hostfile}" -np "${world}" --map-by "ppr:${GPUS_PER_POD}:node" \
  --bind-to none "${exports[@]}" trtllm-llmapi-launch python3 -m model_server
