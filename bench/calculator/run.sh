#!/usr/bin/env bash
# Benchmark of exercise 06: expressions per second through the reference
# calc-server, over one pipelined connection and over 20 concurrent ones.
#
# The baseline is the loopback itself: socat echoing the same lines back
# (no parsing, no evaluation), driven by the same load generator in the same
# run. The ratio says how much of the loopback's line rate the calculator keeps.
#
#   bash bench/calculator/run.sh                  # 1,000,000 lines, best of 3
#   LINES=200000 RUNS=1 bash bench/calculator/run.sh
#
# Talks only to 127.0.0.1. Every run is bounded in lines and in time (the
# load generator's sockets time out after 60 s); everything it starts is
# killed on exit.
set -euo pipefail

LINES=${LINES:-1000000}      # in all, per measurement
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-20}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target=$root/$target ;; esac
here=$root/bench/calculator

if ! command -v socat >/dev/null; then
    echo "installing socat (Debian package)"
    apt-get install -y -qq socat >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq socat >/dev/null; }
fi
command -v taskset >/dev/null || apt-get install -y -qq util-linux >/dev/null

echo "building the reference solution (release)..."
cargo build -q --release -p calculator-solution --bin calc-server \
    --manifest-path "$root/Cargo.toml" --target-dir "$target/solutions"

work=$(mktemp -d /tmp/bench-calculator.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cpus=$(nproc)
[ "$cpus" -gt 1 ] || CLIENT_CPU=$SERVER_CPU
echo "cpu placement: servers on cpu $SERVER_CPU, load generator on cpu $CLIENT_CPU (taskset), $cpus cpus online"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The reference server; its `listening on` line gives its address.
taskset -c "$SERVER_CPU" "$target/solutions/release/calc-server" --port 0 >"$work/server.out" 2>"$work/server.err" &
pids+=($!)
for _ in $(seq 100); do grep -q '^listening on ' "$work/server.out" && break; sleep 0.05; done
calc=$(sed -n 's/^listening on //p' "$work/server.out")
[ -n "$calc" ] || { echo "error: calc-server did not start" >&2; cat "$work/server.err" >&2; exit 1; }

# The baseline: socat echoing every connection back (a process per connection).
port=$(free_port)
taskset -c "$SERVER_CPU" socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork,backlog=64" PIPE &
pids+=($!)
for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null && break; sleep 0.05; done
echo_addr=127.0.0.1:$port

# best ADDR CONNECTIONS [echo]: the best expressions/s of $RUNS runs.
best() {
    local addr=$1 conns=$2 mode=${3:-} top=0 out rate
    for _ in $(seq "$RUNS"); do
        out=$(timeout 300 taskset -c "$CLIENT_CPU" python3 "$here/load.py" "$addr" "$conns" "$((LINES / conns))" $mode)
        rate=${out##* }
        [ "$rate" -gt "$top" ] && top=$rate
    done
    echo "$top"
}

printf '%-34s %14s %14s %7s\n' "measurement ($LINES lines)" "calc-server/s" "socat echo/s" "ratio"
for conns in 1 "$CONNECTIONS"; do
    calc_rate=$(best "$calc" "$conns")
    echo_rate=$(best "$echo_addr" "$conns" echo)
    label="$conns connection(s), pipelined"
    ratio=$(python3 -c "print(f'{$calc_rate / $echo_rate:.2f}')")
    printf '%-34s %14s %14s %7s\n' "$label" "$calc_rate" "$echo_rate" "$ratio"
done
echo "(ratio = calc-server's expressions per second / socat's echoed lines per second: the loopback baseline)"
