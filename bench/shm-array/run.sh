#!/usr/bin/env bash
# Benchmark of exercise 04: reader throughput on a 4,000,000-value block (32 MB)
# against a plain in-process sum of a Vec<f64> of the same size, in the same run.
# Builds the reference solution with --release (cargo bench), pins the run to one
# CPU with taskset, and leaves nothing behind: the bench unlinks its block, and
# this script removes it too if the bench was killed half-way.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}/solutions"

if ! command -v taskset >/dev/null; then
  apt-get install -y util-linux >/dev/null
fi
cpu="${BENCH_CPU:-0}"

export IPC_KIT_BENCH_NAME="ipc-kit-bench-$$"
cleanup() { rm -f "/dev/shm/$IPC_KIT_BENCH_NAME"; }
trap cleanup EXIT

echo "== build (release)"
cargo bench -q -p shm-array-solution --bench reader --target-dir "$target" --no-run
echo "== machine"
echo "cpus: $(nproc); the run is pinned to cpu $cpu (taskset -c $cpu)"
grep -m1 'model name' /proc/cpuinfo || true
echo "/dev/shm: $(df -h /dev/shm | awk 'NR==2 {print $2 " size, " $4 " free"}')"
echo "== run"
timeout 120 taskset -c "$cpu" cargo bench -q -p shm-array-solution --bench reader --target-dir "$target"
