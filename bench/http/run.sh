#!/usr/bin/env bash
# Benchmark of exercise 05: the reference http-server against nginx serving the
# same page, both driven by wrk with `Connection: close` (one request per
# connection, as the server's contract says), in the same run.
#
# Prints requests/s and p99 latency for each, and the ratio to nginx, the
# baseline: a production server serving the same bytes. Talks to 127.0.0.1 only; installs
# wrk and nginx from Debian's packages when missing; kills what it started.
#
#   bench/http/run.sh                 # 3 rounds of 5 s per server
#   ROUNDS=3 SECONDS_PER_RUN=10 CONNECTIONS=32 bench/http/run.sh
#   IPC_KIT_BIN_HTTP_SERVER=target/release/http-server bench/http/run.sh   # your server
#
# Goal of the reference: at least 0.8 x nginx's requests/s at most 1.3 x its p99.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CONNECTIONS=${CONNECTIONS:-16}
# Two cores: the servers on one, wrk on the other, so they do not fight.
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}

root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}/solutions
work=$(mktemp -d /tmp/ipc-kit-bench-http.XXXXXX)
chmod 755 "$work" # nginx's worker runs as nobody and reads the page from here
server_pid=""

cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    if [ -s "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
    # nginx removes its pid file on exit: wait for that, a bounded while.
    for _ in $(seq 50); do [ -e "$work/nginx.pid" ] || break; sleep 0.1; done
    rm -rf "$work"
}
trap cleanup EXIT

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ -n "${IPC_KIT_BIN_HTTP_SERVER:-}" ]; then
    server_bin=$IPC_KIT_BIN_HTTP_SERVER
    server_name="http-server ($server_bin)"
else
    echo "building the reference solution (release)"
    cargo build --release -q -p http-server-solution --bin http-server --target-dir "$target" \
        --manifest-path "$root/Cargo.toml"
    server_bin=$target/release/http-server
    server_name="http-server (the reference)"
fi

# A free port for nginx: bound by the OS, then released for nginx to take.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The reference server, on its own CPU; its `listening on` line gives its port.
taskset -c "$SERVER_CPU" "$server_bin" --port 0 >"$work/server.out" 2>/dev/null &
server_pid=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/server.out" && break; sleep 0.05; done
server_addr=$(sed -n 's/^listening on //p' "$work/server.out")
[ -n "$server_addr" ] || { echo "error: the reference server did not start" >&2; exit 1; }

# The same page for nginx: fetched from the reference, served as a static file
# with the same headers (text/html; charset=utf-8, Connection: close).
mkdir -p "$work/www"
curl -sf --max-time 5 "http://$server_addr/" -o "$work/www/index.html"
nginx_port=$(free_port)
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/tmp-body;
    proxy_temp_path $work/tmp-proxy;
    fastcgi_temp_path $work/tmp-fastcgi;
    uwsgi_temp_path $work/tmp-uwsgi;
    scgi_temp_path $work/tmp-scgi;
    default_type text/html;
    charset utf-8;
    keepalive_timeout 0;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/www;
        location = / { try_files /index.html =404; }
    }
}
EOF
taskset -c "$SERVER_CPU" "$NGINX" -c "$work/nginx.conf" -e "$work/nginx-error.log"
for _ in $(seq 100); do [ -s "$work/nginx.pid" ] && curl -sf --max-time 1 -o /dev/null "http://127.0.0.1:$nginx_port/" && break; sleep 0.05; done
cmp -s "$work/www/index.html" <(curl -sf --max-time 5 "http://127.0.0.1:$nginx_port/") \
    || { echo "error: nginx does not serve the same page" >&2; exit 1; }

echo
echo "server: $server_name"
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(uname -sr); page: $(wc -c <"$work/www/index.html") bytes"
echo "placement: servers on CPU $SERVER_CPU (http-server: $(taskset -cp "$server_pid" | sed 's/.*: //'), nginx: $(taskset -cp "$(cat "$work/nginx.pid")" | sed 's/.*: //')), wrk on CPU $CLIENT_CPU"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load: wrk -t1 -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency -H 'Connection: close', $ROUNDS rounds, alternating"
echo

# CPU time (user + system, all threads, in clock ticks) a process has used.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_s=$(getconf CLK_TCK)
nginx_worker=$(ps -o pid= --ppid "$(cat "$work/nginx.pid")" | head -1 | tr -d ' ')

# Runs wrk once against $1, the server being process $2; prints
# "requests/s p99-in-ms cpu-us-per-request errors". The CPU time per request
# is what the server itself spent: unlike requests/s, it hardly moves when
# other work on the machine takes the CPU away.
measure() {
    local out before after
    before=$(cpu_ticks "$2")
    out=$(timeout $((SECONDS_PER_RUN + 30)) taskset -c "$CLIENT_CPU" \
        wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H 'Connection: close' "$1")
    after=$(cpu_ticks "$2")
    local rps p99 requests cpu errors
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /s$/) {sub(/s/, "", v); v *= 1000}; print v}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    cpu=$(awk -v t=$((after - before)) -v hz="$ticks_per_s" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
    errors=$(awk '/Socket errors|Non-2xx/ {sub(/^ +/, ""); printf "%s; ", $0}' <<<"$out")
    echo "$rps $p99 $cpu ${errors:-none}"
}

declare -a ref_rps=() ngx_rps=() ref_p99=() ngx_p99=() ref_cpu=() ngx_cpu=()
printf '%-6s %-12s %12s %10s %12s  %s\n' round server requests/s p99/ms cpu-us/req errors
for round in $(seq "$ROUNDS"); do
    read -r rps p99 cpu errors < <(measure "http://$server_addr/" "$server_pid")
    ref_rps+=("$rps"); ref_p99+=("$p99"); ref_cpu+=("$cpu")
    printf '%-6s %-12s %12s %10s %12s  %s\n' "$round" http-server "$rps" "$p99" "$cpu" "$errors"
    read -r rps p99 cpu errors < <(measure "http://127.0.0.1:$nginx_port/" "$nginx_worker")
    ngx_rps+=("$rps"); ngx_p99+=("$p99"); ngx_cpu+=("$cpu")
    printf '%-6s %-12s %12s %10s %12s  %s\n' "$round" nginx "$rps" "$p99" "$cpu" "$errors"
done

mean() { printf '%s\n' "$@" | awk '{s += $1} END {printf "%.1f", s / NR}'; }
# The best round of each: on a shared machine, the round least disturbed.
best() { printf '%s\n' "$@" | sort -g | tail -1; }
lowest() { printf '%s\n' "$@" | sort -g | head -1; }
r=$(mean "${ref_rps[@]}"); n=$(mean "${ngx_rps[@]}")
rp=$(mean "${ref_p99[@]}"); np=$(mean "${ngx_p99[@]}")
echo
echo "mean: http-server $r requests/s (p99 $rp ms), nginx $n requests/s (p99 $np ms)"
awk -v r="$r" -v n="$n" -v rp="$rp" -v np="$np" \
    'BEGIN {printf "ratio to nginx (the baseline), means:       %.2f x the requests/s, %.2f x the p99 latency\n", r / n, rp / np}'
br=$(best "${ref_rps[@]}"); bn=$(best "${ngx_rps[@]}")
bp=$(lowest "${ref_p99[@]}"); bnp=$(lowest "${ngx_p99[@]}")
echo "best rounds: http-server $br requests/s (lowest p99 $bp ms), nginx $bn requests/s (lowest p99 $bnp ms)"
awk -v r="$br" -v n="$bn" -v rp="$bp" -v np="$bnp" \
    'BEGIN {printf "ratio to nginx (the baseline), best rounds: %.2f x the requests/s, %.2f x the p99 latency\n", r / n, rp / np}'
rc=$(mean "${ref_cpu[@]}"); nc=$(mean "${ngx_cpu[@]}")
echo "CPU per request, means: http-server $rc us, nginx $nc us: nginx does $(awk -v a="$rc" -v b="$nc" 'BEGIN {printf "%.2f", a / b}') x the work per CPU second"
# Each round's ratio (the two servers measured back to back): their spread
# says how much the machine's other work moved the figures.
spread=$(for i in "${!ref_rps[@]}"; do
    awk -v r="${ref_rps[$i]}" -v n="${ngx_rps[$i]}" -v rp="${ref_p99[$i]}" -v np="${ngx_p99[$i]}" \
        'BEGIN {printf "%.2f %.2f\n", r / n, rp / np}'
done)
echo "per-round ratios, spread: $(awk 'NR == 1 {a = b = $1; c = d = $2} {if ($1 < a) a = $1; if ($1 > b) b = $1; if ($2 < c) c = $2; if ($2 > d) d = $2} END {printf "%.2f..%.2f x the requests/s, %.2f..%.2f x the p99", a, b, c, d}' <<<"$spread")"
echo "(load average during the run: $(cut -d' ' -f1-3 /proc/loadavg); other work on the machine widens the spread)"
