#!/usr/bin/env python3
# A plain Python pi-worker: the lecture's worker, following the contract.
# Reads tasks "<id> <seed> <samples>" on stdin, answers "<id> <inside> <samples>"
# on stdout, in order, and flushes whenever no more input is waiting.
#
# replaces: pi-worker
# accepted-by: step1_ step2_ step3_

import os
import re
import select
import sys

MASK = (1 << 64) - 1
TASK = re.compile(rb"([0-9]+) ([0-9]+) ([0-9]+)")
MAX_LINE = 4096


def count_inside(seed, samples):
    """SplitMix64 from `seed`; a point is two draws, x then y, in [0, 1)."""
    state = seed
    inside = 0
    scale = 1.0 / (1 << 53)
    for _ in range(samples):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        x = ((z ^ (z >> 31)) >> 11) * scale
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        y = ((z ^ (z >> 31)) >> 11) * scale
        if x * x + y * y < 1.0:
            inside += 1
    return inside


def reply(line):
    if len(line) > MAX_LINE:
        return b"ERR line too long"
    task = TASK.fullmatch(line)
    if task and all(int(n) <= MASK for n in task.groups()):
        ident, seed, samples = (int(n) for n in task.groups())
        return b"%d %d %d" % (ident, count_inside(seed, samples), samples)
    return b"ERR bad task: " + line


def main():
    stdin = sys.stdin.buffer.raw  # unbuffered: we do our own buffering below
    out = sys.stdout.buffer
    pending = b""
    while True:
        # No complete line buffered and nothing to read right now: the next
        # read may block, so everything answered so far goes out first.
        if b"\n" not in pending and not select.select([stdin], [], [], 0)[0]:
            out.flush()
        if b"\n" not in pending:
            chunk = os.read(stdin.fileno(), 65536)
            if not chunk:
                if pending:
                    out.write(reply(pending.rstrip(b"\r")) + b"\n")
                out.flush()
                return 0
            pending += chunk
            # A line without its end that is already too long: keep only a
            # stand-in of the same verdict, never the whole line.
            if b"\n" not in pending and len(pending) > MAX_LINE + 1:
                pending = b"x" * (MAX_LINE + 2)
            continue
        line, pending = pending.split(b"\n", 1)
        if line.endswith(b"\r"):
            line = line[:-1]
        out.write(reply(line) + b"\n")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(1)
