#!/usr/bin/env bash
# Benchmark of exercise 08 (group chat): one author, seven readers.
#   - mesh: 8 reference group-chat peers in a full mesh; the author types
#     messages at peer p0, and each is printed by the 7 others (p0 sends it to
#     its 7 neighbours, each of which forwards it to its 6 others, who drop it
#     as a duplicate: 49 frames for 7 deliveries);
#   - chat: in the same run, exercise 03's reference server fanning the same
#     messages out to 7 clients of one room (7 frames for 7 deliveries).
# Two measures for each: deliveries per second (the author at most WINDOW
# messages ahead of the slowest reader) and p50/p99 delay from typing to
# printing (each message typed once the one before reached all 7). The ratio
# row is mesh / chat: what having no server costs.
#
#   bash bench/group-chat/run.sh
#   MESSAGES=2000 PACED=300 bash bench/group-chat/run.sh
#
# Talks only to 127.0.0.1; every wait is bounded; everything it starts is
# killed on exit.
set -euo pipefail

PEERS=${PEERS:-8}
MESSAGES=${MESSAGES:-10000}
WINDOW=${WINDOW:-200}
PACED=${PACED:-1000}
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target=$root/$target ;; esac
bin=$target/solutions/release
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

echo "building the reference solutions (release) and the load generator..."
(cd "$root" && cargo build -q --release -p group-chat-solution -p chat-solution --target-dir "$target/solutions")
rustc -O --edition 2021 -o "$work/meshload" "$root/bench/group-chat/meshload.rs"
echo "machine: $(nproc) CPUs, $(uname -r)"

run() { timeout 150 "$work/meshload" "$@"; }
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

declare -A flood paced
flood[mesh]=$(run mesh "$bin/group-chat" "$PEERS" "$MESSAGES" "$WINDOW")
paced[mesh]=$(run mesh "$bin/group-chat" "$PEERS" "$PACED" 1)

out=$work/chat.out
"$bin/chat-server" --port 0 > "$out" 2>/dev/null &
pids+=($!)
addr=
for _ in $(seq 100); do
    line=$(head -n1 "$out" 2>/dev/null || true)
    [ -n "$line" ] && { addr=${line#listening on }; break; }
    sleep 0.05  # polling for the ready line, bounded at 5 s
done
[ -n "$addr" ] || { echo "chat-server did not start" >&2; exit 1; }
flood[chat]=$(run chat "$addr" "$PEERS" "$MESSAGES" "$WINDOW")
paced[chat]=$(run chat "$addr" "$PEERS" "$PACED" 1)

echo
echo "throughput: $MESSAGES messages, up to $WINDOW ahead of the slowest reader"
echo "latency: $PACED messages, each typed once the previous one reached all $((PEERS - 1)) readers"
printf '%-6s %14s %10s %10s\n' system deliveries/s p50_us p99_us
for name in mesh chat; do
    printf '%-6s %14s %10s %10s\n' $name "$(field per_s "${flood[$name]}")" \
        "$(field p50_us "${paced[$name]}")" "$(field p99_us "${paced[$name]}")"
done
awk -v m="$(field per_s "${flood[mesh]}")" -v c="$(field per_s "${flood[chat]}")" \
    -v m99="$(field p99_us "${paced[mesh]}")" -v c99="$(field p99_us "${paced[chat]}")" \
    'BEGIN { printf "%-6s %14.2f %10s %10.2f   (mesh / chat)\n", "ratio", m / c, "", m99 / c99 }'
