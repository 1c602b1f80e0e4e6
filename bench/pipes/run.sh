#!/usr/bin/env bash
# Benchmark of exercise 07: the reference pi-coordinator and pi-worker (release).
#
# 1. Samples per second of the coordinator with 1 and 2 workers, against the
#    same computation in one process (one pi-worker given one task of all the
#    samples), in the same run. The limit is min(workers, cores) times the
#    one-process rate; the ratio says how much of it the coordinator keeps.
# 2. The pipe itself: task+answer lines per second through one worker
#    (--chunk 1, so every task is one sample), against dd moving blocks of one
#    line's size through a pipe (one write and one read per block: the cost
#    of the system calls alone), and dd's bulk rate for scale.
#
#   bash bench/pipes/run.sh                         # 200M samples, 1M lines, best of 3
#   SAMPLES=50000000 LINES=200000 RUNS=1 bash bench/pipes/run.sh
#
# Everything runs locally, bounded in size and in time (timeout 300 on each run).
set -euo pipefail

SAMPLES=${SAMPLES:-200000000}
CHUNK=${CHUNK:-1000000}
LINES=${LINES:-1000000}
RUNS=${RUNS:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target=$root/$target ;; esac
bin=$target/solutions/release

echo "building the reference solution (release)..."
cargo build -q --release -p pipes-solution --manifest-path "$root/Cargo.toml" --target-dir "$target/solutions"

cpus=$(nproc)
now() { date +%s.%N; }

# best 'COMMAND LINE': the shortest wall time of $RUNS runs, in seconds.
best() {
    local top="" start took
    for _ in $(seq "$RUNS"); do
        start=$(now)
        timeout 300 bash -c "$1" >/dev/null
        took=$(echo "$(now) - $start" | bc -l)
        if [ -z "$top" ] || [ "$(echo "$took < $top" | bc -l)" = 1 ]; then top=$took; fi
    done
    echo "$top"
}

rate() { python3 -c "print(f'{$1 / $2:,.0f}')"; }
ratio() { python3 -c "print(f'{$1:.2f}')"; }

echo "$cpus cpus online; $SAMPLES samples in tasks of $CHUNK; best of $RUNS"
single=$(best "echo '0 1 $SAMPLES' | '$bin/pi-worker'")
printf '%-40s %16s %8s\n' "measurement" "samples/s" "ratio"
printf '%-40s %16s %8s\n' "one process (pi-worker, one task)" "$(rate "$SAMPLES" "$single")" "1.00"
for workers in 1 2; do
    t=$(best "'$bin/pi-coordinator' --workers $workers --samples $SAMPLES --chunk $CHUNK --worker '$bin/pi-worker'")
    limit=$(( workers < cpus ? workers : cpus ))
    printf '%-40s %16s %8s\n' "coordinator, $workers worker(s) (limit ${limit}x)" \
        "$(rate "$SAMPLES" "$t")" "$(ratio "($single / $t) / $limit")"
done
echo "(ratio = samples/s over min(workers, cores) x the one-process rate: 1.00 is the physical limit)"
echo

# The pipe: LINES tasks of one sample each through one worker.
line=$(printf '%d %d 1\n' "$LINES" "$LINES" | wc -c)
coord=$(best "'$bin/pi-coordinator' --workers 1 --samples $LINES --chunk 1 --worker '$bin/pi-worker'")
small=$(best "dd if=/dev/zero bs=$line count=$LINES status=none | dd of=/dev/null bs=$line status=none")
bulk_bytes=$((1 << 30))
bulk=$(best "dd if=/dev/zero bs=64K count=$((bulk_bytes / 65536)) status=none | dd of=/dev/null bs=64K status=none")
printf '%-52s %16s %8s\n' "the pipe ($LINES lines of about $line bytes)" "lines/s" "ratio"
printf '%-52s %16s %8s\n' "dd through a pipe, one ${line}-byte block per line" "$(rate "$LINES" "$small")" "1.00"
printf '%-52s %16s %8s\n' "coordinator, 1 worker, --chunk 1 (task + answer)" "$(rate "$LINES" "$coord")" \
    "$(ratio "$small / $coord")"
printf '%-52s %16s\n' "dd through a pipe, 64 KiB blocks (MiB/s)" "$(rate "$bulk_bytes / 1048576" "$bulk")"
echo "(ratio = the coordinator's task+answer lines/s over dd's one-block-per-line rate; each line"
echo " crosses two pipes, and the coordinator batches its writes, so it can exceed 1)"
