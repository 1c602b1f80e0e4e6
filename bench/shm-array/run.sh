#!/usr/bin/env bash
# Benchmark of exercise 04: reader throughput on a 4,000,000-value block (32 MB)
# against a C reader doing the same work (reader.c, the baseline) and a plain
# in-process sum of a Vec<f64> of the same size, in the same run.
#
#   bench/shm-array/run.sh
#   IPC_KIT_BIN_SHM_READER=$PWD/target/release/shm-reader bench/shm-array/run.sh   # your reader
#
# Goal of the reference: attach + sum and spawn-to-exit each at least 0.9 x C's.
# Builds the reference solution with --release (cargo bench), pins the run to one
# CPU with taskset, and leaves nothing behind: the bench unlinks its block, and
# this script removes it too if the bench was killed half-way.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}/solutions"

need=()
command -v taskset >/dev/null || need+=(util-linux)
command -v gcc >/dev/null || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cpu="${BENCH_CPU:-0}"

export IPC_KIT_BENCH_NAME="ipc-kit-bench-$$"
cleanup() { rm -f "/dev/shm/$IPC_KIT_BENCH_NAME"; }
trap cleanup EXIT

echo "== build (release)"
cargo bench -q -p shm-array-solution --bench reader --target-dir "$target" --no-run
mkdir -p "$target"
gcc -O2 -Wall -o "$target/shm-reader-c" bench/shm-array/reader.c
export IPC_KIT_BENCH_C_READER="$PWD/$target/shm-reader-c"
case "$target" in /*) export IPC_KIT_BENCH_C_READER="$target/shm-reader-c" ;; esac
echo "== machine"
echo "cpus: $(nproc); the run is pinned to cpu $cpu (taskset -c $cpu)"
grep -m1 'model name' /proc/cpuinfo || true
echo "kernel: $(uname -sr)"
echo "reader: ${IPC_KIT_BIN_SHM_READER:-the reference (shm-reader)}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "/dev/shm: $(df -h /dev/shm | awk 'NR==2 {print $2 " size, " $4 " free"}')"
echo "== run"
timeout 120 taskset -c "$cpu" cargo bench -q -p shm-array-solution --bench reader --target-dir "$target"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
