#!/usr/bin/env python3
# A plain Python pi-coordinator: the lecture's coordinator, following the contract.
# Starts N workers with subprocess.Popen (stdin and stdout piped), a reader thread
# per worker, hands out tasks as answers come in (at most WINDOW outstanding per
# worker), drops a worker that dies, answers garbage or stays silent, and leaves
# no zombie and no orphan on any way out.
#
# replaces: pi-coordinator
# accepted-by: step2_ step3_ step4_ step5_ step6_

import argparse
import os
import queue
import signal
import subprocess
import sys
import threading
import time

WINDOW = 32  # tasks outstanding per worker: a few KiB, far under a pipe's 64 KiB
GRACE = 0.5  # seconds between closing the workers' stdin and SIGKILL
MAX_LINE = 4096


class Stop(Exception):
    """SIGINT or SIGTERM arrived."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def at_least_1(text):
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def read_answers(index, stream, events):
    """A worker's stdout as events: ("lines", index, [line, ...]) for each read
    (one event per read, not per line: a queue hand-off costs more than a
    line), then ("closed", index) at EOF. A line over MAX_LINE bytes is never
    kept whole: it becomes one over-long stand-in, which is garbage anyway."""
    partial = b""
    while True:
        chunk = os.read(stream.fileno(), 65536)
        if not chunk:
            break
        *lines, partial = (partial + chunk).split(b"\n")
        if len(partial) > MAX_LINE + 1:
            partial = b"x" * (MAX_LINE + 2)
        if lines:
            events.put(("lines", index, lines))
    if partial:
        events.put(("lines", index, [partial]))
    events.put(("closed", index))


class Worker:
    def __init__(self, proc):
        self.proc = proc
        self.outstanding = {}  # id -> (seed, samples), oldest first
        self.since = time.monotonic()
        self.alive = True


def main():
    parser = argparse.ArgumentParser(description="Estimates pi with worker processes, over pipes.")
    parser.add_argument("--workers", type=at_least_1, default=2)
    parser.add_argument("--samples", type=at_least_1, required=True)
    parser.add_argument("--chunk", type=at_least_1, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    here = os.path.dirname(os.path.abspath(sys.argv[0]))
    parser.add_argument("--worker", default=os.path.join(here, "pi-worker"))
    parser.add_argument("--task-timeout-ms", type=int, default=10_000)
    args = parser.parse_args()

    def on_signal(signum, _frame):
        raise Stop(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    tasks = []
    left, ident = args.samples, 0
    while left > 0:
        size = min(left, args.chunk)
        tasks.append((ident, (args.seed + ident) % (1 << 64), size))
        left -= size
        ident += 1
    pending = list(reversed(tasks))
    timeout = args.task_timeout_ms / 1000
    events = queue.Queue()
    workers = []
    failures = []

    def fail(i, why):
        worker = workers[i]
        if not worker.alive:
            return
        worker.alive = False
        print(f"worker {i} (pid {worker.proc.pid}) {why}: dropped", file=sys.stderr)
        try:
            worker.proc.stdin.close()
        except OSError:
            pass
        worker.proc.kill()
        worker.proc.wait()
        pending.extend((t, s, n) for t, (s, n) in worker.outstanding.items())
        worker.outstanding.clear()
        failures.append(why)

    def hand_out():
        for i, worker in enumerate(workers):
            if not worker.alive or not pending or len(worker.outstanding) >= WINDOW:
                continue
            if not worker.outstanding:
                worker.since = time.monotonic()
            batch = []
            while pending and len(worker.outstanding) < WINDOW:
                ident, seed, samples = pending.pop()
                worker.outstanding[ident] = (seed, samples)
                batch.append(b"%d %d %d\n" % (ident, seed, samples))
            try:
                worker.proc.stdin.write(b"".join(batch))
                worker.proc.stdin.flush()
            except OSError as err:  # BrokenPipeError: Python ignores SIGPIPE too
                fail(i, f"writing its tasks failed: {err}")

    def on_line(i, line):
        worker = workers[i]
        if not worker.alive:
            return
        parts = line.rstrip(b"\r").split(b" ")
        ok = len(parts) == 3 and all(p.isdigit() for p in parts)
        if ok:
            ident, inside, samples = (int(p) for p in parts)
            task = worker.outstanding.get(ident)
            ok = task is not None and task[1] == samples and inside <= samples
        if not ok:
            fail(i, f"answered garbage: {line!r}")
            return
        del worker.outstanding[ident]
        worker.since = time.monotonic()
        totals[0] += inside
        totals[1] += 1

    def run():
        while True:
            hand_out()
            if totals[1] == len(tasks):
                return "done"
            if not any(w.alive for w in workers):
                return "failed"
            owing = [w.since + timeout for w in workers if w.alive and w.outstanding]
            wait = max(0.0, min(owing) - time.monotonic()) if owing else timeout
            try:
                event = events.get(timeout=wait)
            except queue.Empty:
                now = time.monotonic()
                for i, w in enumerate(workers):
                    if w.alive and w.outstanding and now >= w.since + timeout:
                        fail(i, f"left a task unanswered for {args.task_timeout_ms} ms")
                continue
            if event[0] == "lines":
                for line in event[2]:
                    on_line(event[1], line)
            else:
                fail(event[1], "closed its stdout (it exited?)")

    def shutdown():
        for worker in workers:
            try:
                worker.proc.stdin.close()
            except OSError:
                pass
        deadline = time.monotonic() + GRACE
        for worker in workers:
            try:
                worker.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait()

    totals = [0, 0]  # inside, tasks answered
    try:
        for _ in range(args.workers):
            try:
                proc = subprocess.Popen([args.worker], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            except OSError as err:
                failures.append(f"cannot start {args.worker}: {err}")
                continue
            threading.Thread(
                target=read_answers, args=(len(workers), proc.stdout, events), daemon=True
            ).start()
            workers.append(Worker(proc))
        outcome = run()
    except Stop as stop:
        outcome = stop.signum
    # No second signal may cut the cleanup short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    shutdown()
    if outcome == "done":
        pi = 4 * totals[0] / args.samples
        print(f"pi={pi:.6f} inside={totals[0]} samples={args.samples} workers={args.workers}")
        return 0
    if outcome == "failed":
        print(f"error: all {args.workers} workers failed (first: {failures[0]})", file=sys.stderr)
        return 1
    return 128 + outcome


if __name__ == "__main__":
    sys.exit(main())
