"""Load driver for the address book benchmark: durable changes per second.

    python3 load.py HOST:PORT CLIENTS SECONDS

Each client is a connection doing one change at a time, as a person's client
would: it sends `add:NAME,ENTRY` and waits for `OK` before the next, so every
change is paid for with its answer (and so, with a durable server, its fsync).
Clients work on names of their own. Prints one line:
`<changes> <seconds> <changes per second>`. Every socket operation has a
timeout, so a stuck server ends the run.
"""

import socket
import sys
import threading
import time

TIMEOUT = 30.0


def one_client(addr, index, stop_at, counts, start):
    sock = socket.create_connection(addr, timeout=TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = sock.makefile("rb")
    start.wait()
    done = 0
    while time.monotonic() < stop_at[0]:
        name = "client%02d-%d" % (index, done % 100)
        sock.sendall(b"add:%s,entry number %d\n" % (name.encode(), done))
        answer = reader.readline()
        if not answer.startswith(b"OK "):
            raise SystemExit("unexpected answer: %r" % answer)
        done += 1
    counts[index] = done
    sock.close()


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    clients, seconds = int(sys.argv[2]), float(sys.argv[3])
    addr = (host, int(port))
    counts = [0] * clients
    stop_at = [0.0]
    start = threading.Barrier(clients + 1)
    threads = [
        threading.Thread(target=one_client, args=(addr, i, stop_at, counts, start))
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    began = time.monotonic()
    stop_at[0] = began + seconds
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    total = sum(counts)
    print("%d %.3f %.0f" % (total, elapsed, total / elapsed))


if __name__ == "__main__":
    main()
