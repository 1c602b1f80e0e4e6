#!/usr/bin/env python3
# A plain Python latency-server: the lecture's UDP echo in another language,
# following the same contract, so the tests must accept it as they accept the
# Rust one.
#
# replaces: latency-server
# accepted-by: step1_ step7_
import argparse
import socket
import sys

# The largest UDP payload over IPv4: a smaller buffer cuts longer pings.
MAX_DATAGRAM = 65507

parser = argparse.ArgumentParser(description="A UDP echo server.")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
args = parser.parse_args()

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    sock.bind((args.host, args.port))
except OSError as err:
    print(f"error: cannot bind {args.host}:{args.port}: {err}", file=sys.stderr)
    sys.exit(1)
# With --port 0 the OS picked the port: say which, and flush, so that whoever
# waits for this line sees it now.
host, port = sock.getsockname()
print(f"listening on {host}:{port}", flush=True)

while True:
    # A zero-length datagram is a datagram too: echo it like any other.
    data, peer = sock.recvfrom(MAX_DATAGRAM)
    try:
        sock.sendto(data, peer)
    except OSError as err:
        # A client that went away is no reason to stop serving the others.
        print(f"sendto {peer} failed: {err}", file=sys.stderr)
