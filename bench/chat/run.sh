#!/usr/bin/env bash
# Benchmark of exercise 03 (chat): fan-out. 100 clients in one room; one of
# them sends messages stamped with their send time, each delivered to the 99
# others. Two measures per server:
#   - throughput: deliveries per second, the sender up to WINDOW messages
#     ahead of the slowest receiver;
#   - latency: p50/p99 from send to delivery, each message sent once the one
#     before reached all 99 (so it is the fan-out's own time, not queueing).
# The baseline, in the same run, is the lecture's server reduced to its core
# (bench/chat/fanout.rs `baseline`: each message written at once to every other
# socket with blocking writes, no rooms, no queue, no writer threads): the
# ratio shows what the reference's design (a bounded queue and a writer thread
# per client) costs or gains.
#
#   bash bench/chat/run.sh                    # 10,000 messages (990,000 deliveries) per server
#   MESSAGES=2000 PACED=500 bash bench/chat/run.sh
#
# Placement: each server on CPU 0, the load generator on CPU 1 (recorded
# below). The sender keeps at most WINDOW messages ahead of the slowest
# receiver, so no queue of the reference (1,000 lines) overflows. Talks only
# to 127.0.0.1; every wait is bounded; everything it starts is killed on exit.
set -euo pipefail

CLIENTS=${CLIENTS:-100}
MESSAGES=${MESSAGES:-10000}
WINDOW=${WINDOW:-200}
PACED=${PACED:-2000}
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target=$root/$target ;; esac
bin=$target/solutions/release
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

command -v taskset >/dev/null || apt-get install -y util-linux >/dev/null

echo "building the reference solution (release) and the load generator..."
(cd "$root" && cargo build -q --release -p chat-solution --target-dir "$target/solutions")
rustc -O --edition 2021 -o "$work/fanout" "$root/bench/chat/fanout.rs"

# A few hundred sockets: make sure the limit on open files allows them.
ulimit -n 4096 2>/dev/null || true

cpus=$(nproc)
if [ "$cpus" -ge 2 ]; then server_cpu=0; load_cpu=1; else server_cpu=0; load_cpu=0; fi
echo "machine: $cpus CPUs, $(uname -r); servers on CPU $server_cpu, load on CPU $load_cpu"
echo "load: $CLIENTS clients in one room, 1 sender (c000), the others receive; load generator: bench/chat/fanout.rs"

# Starts a server pinned to its CPU, in this shell (so that its pid is kept
# for the cleanup), and sets $addr from its `listening on` line.
start_server() {
    local out=$work/out.$RANDOM
    taskset -c "$server_cpu" "$@" > "$out" 2>>"$work/stderr" &
    pids+=($!)
    addr=
    for _ in $(seq 100); do
        line=$(head -n1 "$out" 2>/dev/null || true)
        [ -n "$line" ] && { addr=${line#listening on }; return; }
        sleep 0.05  # polling for the line, bounded at 5 s
    done
    echo "server did not start: $*" >&2; exit 1
}

run_load() { # ADDR MESSAGES WINDOW
    timeout 150 taskset -c "$load_cpu" "$work/fanout" load "$1" "$CLIENTS" "$2" "$3"
}
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

declare -A flood paced
for name in baseline reference; do
    if [ $name = baseline ]; then start_server "$work/fanout" baseline
    else start_server "$bin/chat-server" --port 0; fi
    flood[$name]=$(run_load "$addr" "$MESSAGES" "$WINDOW")
    paced[$name]=$(run_load "$addr" "$PACED" 1)
    kill "${pids[-1]}" 2>/dev/null || true
done

echo
echo "throughput: $MESSAGES messages, up to $WINDOW ahead of the slowest receiver"
echo "latency: $PACED messages, each sent once the previous one reached all $((CLIENTS - 1)) receivers"
printf '%-10s %14s %10s %10s\n' server deliveries/s p50_us p99_us
for name in baseline reference; do
    printf '%-10s %14s %10s %10s\n' $name "$(field per_s "${flood[$name]}")" \
        "$(field p50_us "${paced[$name]}")" "$(field p99_us "${paced[$name]}")"
done
awk -v b="$(field per_s "${flood[baseline]}")" -v r="$(field per_s "${flood[reference]}")" \
    -v b99="$(field p99_us "${paced[baseline]}")" -v r99="$(field p99_us "${paced[reference]}")" \
    'BEGIN { printf "%-10s %14.2f %10s %10.2f   (reference / baseline)\n", "ratio", r / b, "", r99 / b99 }'
