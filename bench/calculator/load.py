"""Load driver for the calculator benchmark: expressions per second.

    python3 load.py HOST:PORT CONNECTIONS LINES_PER_CONNECTION [echo]

Each connection pipelines all its lines: one thread sends them in 64 KiB
writes while another reads the answers, so neither waits on a full socket
buffer. The answers are checked byte for byte at the end (against the known
answers, or against the lines themselves with `echo`, for the baseline).
Prints one line: `<answers> <seconds> <answers per second>`.
Every socket operation has a timeout, so a stuck server ends the run.
"""

import socket
import sys
import threading
import time

# Expressions with their answers (as the reference prints them), errors included.
CASES = [
    (b"3 + 4 * 2", b"11"),
    (b"2^3^2", b"512"),
    (b"(1.5 - 0.25) * 4", b"5"),
    (b"-2^2", b"-4"),
    (b"10 / 4", b"2.5"),
    (b"7 % 3", b"1"),
    (b"1e3 / 8", b"125"),
    (b"((1 + 2) * (3 + 4))", b"21"),
    (b"2 ** 3", b"ERR unexpected * at column 4"),
    (b"1 / 0", b"ERR division by zero"),
]
TIMEOUT = 60.0


def one_connection(addr, requests, expected, results, index):
    sock = socket.create_connection(addr, timeout=TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send():
        view = memoryview(requests)
        for start in range(0, len(view), 65536):
            sock.sendall(view[start : start + 65536])

    sender = threading.Thread(target=send)
    sender.start()
    received = bytearray()
    while len(received) < len(expected):
        chunk = sock.recv(1 << 20)
        if not chunk:
            break
        received += chunk
    sender.join(TIMEOUT)
    sock.close()
    results[index] = bytes(received) == expected


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    connections, lines = int(sys.argv[2]), int(sys.argv[3])
    echo = len(sys.argv) > 4 and sys.argv[4] == "echo"
    # The payload is made before the clock starts: only the exchange is timed.
    requests = b"".join(CASES[i % len(CASES)][0] + b"\n" for i in range(lines))
    if echo:
        expected = requests
    else:
        expected = b"".join(CASES[i % len(CASES)][1] + b"\n" for i in range(lines))
    results = [False] * connections
    threads = [
        threading.Thread(target=one_connection, args=((host, int(port)), requests, expected, results, i))
        for i in range(connections)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    seconds = time.perf_counter() - start
    if not all(results):
        print(f"error: {results.count(False)} connection(s) got wrong or missing answers", file=sys.stderr)
        sys.exit(1)
    total = connections * lines
    print(f"{total} {seconds:.3f} {total / seconds:.0f}")


if __name__ == "__main__":
    main()
