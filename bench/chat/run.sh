#!/usr/bin/env bash
# Benchmark of exercise 03 (chat), three servers in the same run:
#   - reference: the tokio server (step 6), a task per client;
#   - threads:   the step-5 server (chat-server-threads), a thread per client
#                and a writer thread each, the same hub and bounded queues;
#   - naive:     the lecture's server reduced to its core (bench/chat/fanout.rs
#                `baseline`): a thread per client, each message written at once
#                to every other socket with blocking writes under the lock.
#
# 1. Fan-out: 100 clients in one room; one of them sends messages stamped with
#    their send time, each delivered to the 99 others.
#    - throughput: deliveries per second, the sender up to WINDOW messages
#      ahead of the slowest receiver (so no queue of 1,000 lines overflows);
#    - latency: p50/p99 from send to delivery, each message sent once the one
#      before reached all 99 (the fan-out's own time, not queueing).
# 2. Idle: IDLE (2,000) clients connect and say nothing: the time to connect
#    them all, and the server's threads and resident memory with them.
#
#   bash bench/chat/run.sh                    # 10,000 messages (990,000 deliveries) per server
#   MESSAGES=2000 PACED=500 IDLE=500 bash bench/chat/run.sh
#   PIN=0 bash bench/chat/run.sh              # no pinning: servers and load share both CPUs
#
# Placement (PIN=1, the default): each server on CPU 0, the load generator on
# CPU 1. The machine's load average is printed first: on a shared machine,
# compare the ratios within one run, not numbers across runs. Talks only to
# 127.0.0.1; every wait is bounded; everything it starts is killed on exit.
set -euo pipefail

CLIENTS=${CLIENTS:-100}
MESSAGES=${MESSAGES:-10000}
WINDOW=${WINDOW:-200}
PACED=${PACED:-2000}
IDLE=${IDLE:-2000}
PIN=${PIN:-1}
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

# Thousands of sockets: make sure the limit on open files allows them.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

cpus=$(nproc)
if [ "$PIN" = 0 ]; then server_cpu=0-$((cpus - 1)); load_cpu=$server_cpu
elif [ "$cpus" -ge 2 ]; then server_cpu=0; load_cpu=1; else server_cpu=0; load_cpu=0; fi
echo "machine: $cpus CPUs, $(uname -r); servers on CPU $server_cpu, load on CPU $load_cpu"
echo "machine load before the run (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
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
# Says which server a load failed against, with the servers' stderr, and stops.
failed() { echo "the load failed against $1; servers' stderr:" >&2; tail -n 20 "$work/stderr" >&2; exit 1; }
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

servers=(reference threads naive)
declare -A flood paced idle
for name in "${servers[@]}"; do
    case $name in
        naive) start_server "$work/fanout" baseline ;;
        threads) start_server "$bin/chat-server-threads" --port 0 ;;
        reference) start_server "$bin/chat-server" --port 0 ;;
    esac
    flood[$name]=$(run_load "$addr" "$MESSAGES" "$WINDOW") || failed "$name"
    paced[$name]=$(run_load "$addr" "$PACED" 1) || failed "$name"
    kill "${pids[-1]}" 2>/dev/null || true
done
# The idle clients, each server started afresh.
for name in "${servers[@]}"; do
    case $name in
        naive) start_server "$work/fanout" baseline ;;
        threads) start_server "$bin/chat-server-threads" --port 0 ;;
        reference) start_server "$bin/chat-server" --port 0 ;;
    esac
    idle[$name]=$(timeout 150 taskset -c "$load_cpu" "$work/fanout" idle "$addr" "$IDLE" "${pids[-1]}") ||
        failed "$name"
    kill "${pids[-1]}" 2>/dev/null || true
done
echo "machine load after the run (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "fan-out throughput: $MESSAGES messages, up to $WINDOW ahead of the slowest receiver"
echo "fan-out latency: $PACED messages, each sent once the previous one reached all $((CLIENTS - 1)) receivers"
printf '%-10s %14s %10s %10s %22s\n' server deliveries/s p50_us p99_us "reference is x faster"
ref=$(field per_s "${flood[reference]}")
for name in "${servers[@]}"; do
    per_s=$(field per_s "${flood[$name]}")
    printf '%-10s %14s %10s %10s %22s\n' $name "$per_s" \
        "$(field p50_us "${paced[$name]}")" "$(field p99_us "${paced[$name]}")" \
        "$(awk -v r="$ref" -v s="$per_s" 'BEGIN { printf "%.2f", r / s }')"
done

echo
echo "idle: $IDLE clients connected at once, each saying nothing after one /rooms"
printf '%-10s %12s %16s %10s %14s %16s\n' server connect_s per_client_us threads rss_mib rss_kib/client
for name in "${servers[@]}"; do
    line=${idle[$name]}
    printf '%-10s %12s %16s %10s %14s %16s\n' $name "$(field connect_s "$line")" \
        "$(field per_client_us "$line")" "$(field 'threads' "$line")" \
        "$(awk -v k="$(field rss_kib "$line")" 'BEGIN { printf "%.1f", k / 1024 }')" \
        "$(field per_client_kib "$line")"
done
