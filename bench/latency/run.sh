#!/usr/bin/env bash
# Benchmark for exercise 01 (latency): round-trip p50/p99 of the reference pair
# against a C ping-pong (the loopback limit of this machine), in the same run,
# at 10 and 10,000 bytes. Not a test: it prints figures.
#
#   bench/latency/run.sh [COUNT]        (default 20000 round trips per case)
#
# Placement: each server on CPU 0, each client on CPU 1 (recorded below), so
# the pair never competes for one core and every run sees the same topology.
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-20000}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

cargo build -q --release -p latency-solution --target-dir target/solutions
bin=target/solutions/release
gcc -O2 -o "$work/pingpong" bench/latency/pingpong.c

cpus=$(nproc)
if [ "$cpus" -ge 2 ]; then server_cpu=0; client_cpu=1; else server_cpu=0; client_cpu=0; fi
echo "machine: $cpus CPUs, $(uname -r); servers on CPU $server_cpu, clients on CPU $client_cpu; $count round trips per case"

# Starts a server pinned to its CPU, in this shell (so the cleanup trap knows
# its pid), and sets $port from its `listening on` line.
start_server() {
    local out="$work/server-${#pids[@]}.out"
    taskset -c "$server_cpu" "$@" > "$out" 2>/dev/null &
    pids+=($!)
    port=
    for _ in $(seq 100); do
        line=$(head -n1 "$out" 2>/dev/null || true)
        [ -n "$line" ] && { port=${line##*:}; return; }
        sleep 0.05  # polling for the line, bounded at 5 s
    done
    echo "server did not start: $*" >&2; exit 1
}

start_server "$work/pingpong" server; c_port=$port
start_server "$bin/latency-server" --port 0; rust_port=$port

printf '%-8s %-12s %10s %10s\n' size pair p50_us p99_us
for size in 10 10000; do
    c=$(taskset -c "$client_cpu" "$work/pingpong" client "$c_port" "$count" "$size")
    c50=$(sed -E 's/.*p50_us=([0-9.]+).*/\1/' <<<"$c"); c99=$(sed -E 's/.*p99_us=([0-9.]+).*/\1/' <<<"$c")
    r=$(taskset -c "$client_cpu" "$bin/latency-client" --server "127.0.0.1:$rust_port" --count "$count" --size "$size" --timeout-ms 1000 --json)
    r50=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["p50_us"])' "$r")
    r99=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["p99_us"])' "$r")
    printf '%-8s %-12s %10.1f %10.1f\n' "$size" "C baseline" "$c50" "$c99"
    printf '%-8s %-12s %10.1f %10.1f\n' "$size" "reference" "$r50" "$r99"
    awk -v c50="$c50" -v c99="$c99" -v r50="$r50" -v r99="$r99" \
        'BEGIN { printf "%-8s %-12s %10.2f %10.2f   (reference / C; 1.00 is the loopback limit)\n", "", "ratio", r50 / c50, r99 / c99 }'
done
