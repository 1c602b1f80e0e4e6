#!/usr/bin/env python3
# A plain Python address-book-server: the lecture's program, following the contract.
# One thread per client, one lock around the book, an append-only log with one
# fsync per change under the lock (no group commit), replayed at start-up and
# rewritten atomically (temporary file, fsync, rename, fsync of the directory).
#
# replaces: address-book-server
# accepted-by: step1_ step2_ step3_ step4_ step5_

import argparse
import os
import socket
import sys
import threading
import zlib

HEADER = b"ipc-kit address-book 1\n"
MAX_LINE = 4096


def valid_name(name):
    return 1 <= len(name) <= 64 and not any(c in ",:" or ord(c) < 32 or 127 <= ord(c) < 160 for c in name)


def record(payload):
    data = payload.encode()
    return b"%d %08x %s\n" % (len(data), zlib.crc32(data), data)


def decode(line):
    try:
        length, checksum, payload = line.split(b" ", 2)
        if int(length) != len(payload) or int(checksum, 16) != zlib.crc32(payload):
            return None
        text = payload.decode()
    except ValueError:
        return None
    command, _, data = text.partition(":")
    if command == "add" and "," in data and valid_name(data.split(",", 1)[0]):
        return ("add",) + tuple(data.split(",", 1))
    if command == "rem" and valid_name(data):
        return ("rem", data)
    return None


def load(path):
    book = {}
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return book
    if not data:
        return book
    if not data.startswith(HEADER):
        raise ValueError("the first line is not the header")
    lines = data[len(HEADER):].split(b"\n")
    # The last piece has no "\n": empty, or a torn record.
    complete = lines[:-1]
    for i, line in enumerate(complete):
        change = decode(line)
        if change is None:
            if i == len(complete) - 1 and not lines[-1]:
                break  # a damaged last record: torn
            raise ValueError("record %d is damaged and more follow" % (i + 1))
        if change[0] == "add":
            book[change[1]] = change[2]
        else:
            book.pop(change[1], None)
    return book


def snapshot(path, book):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(HEADER)
        for name in sorted(book, key=lambda n: n.encode()):
            f.write(record("add:%s,%s" % (name, book[name])))
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)
    fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)


class Store:
    def __init__(self, path):
        self.book = load(path)
        snapshot(path, self.book)
        self.log = open(path, "ab", buffering=0)
        self.lock = threading.Lock()

    def change(self, payload):
        self.log.write(record(payload))
        os.fdatasync(self.log.fileno())

    def answer(self, text):
        command, colon, data = text.partition(":")
        if not colon:
            return "ERR unrecognised command: " + cut(text)
        with self.lock:
            if command == "add":
                if "," not in data:
                    return "ERR bad request: add needs NAME,ENTRY"
                name, entry = data.split(",", 1)
                if not valid_name(name):
                    return "ERR invalid name"
                verb = "replaced" if name in self.book else "added"
                self.book[name] = entry
                self.change(text)
                return "OK %s %s" % (verb, name)
            if command in ("rem", "fnd"):
                if not valid_name(data):
                    return "ERR invalid name"
                if data not in self.book:
                    return "ERR no entry " + data
                if command == "fnd":
                    return "FOUND %s,%s" % (data, self.book[data])
                del self.book[data]
                self.change(text)
                return "OK removed " + data
            if command == "lst":
                if data:
                    return "ERR bad request: lst takes no argument"
                names = sorted(self.book, key=lambda n: n.encode())
                return "\n".join(["LIST %d" % len(names)] + ["%s,%s" % (n, self.book[n]) for n in names])
        return "ERR unrecognised command: " + cut(command)


def cut(text):
    data = text.encode()[:64]
    return data.decode(errors="ignore")


def serve(conn, store):
    buffer = b""
    skipping = False
    with conn:
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buffer += data
            out = []
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if skipping:
                    skipping = False
                    continue
                if line.endswith(b"\r"):
                    line = line[:-1]
                if len(line) > MAX_LINE:
                    out.append("ERR line too long")
                elif line:
                    try:
                        text = line.decode()
                    except UnicodeDecodeError:
                        out.append("ERR invalid utf-8")
                        continue
                    out.append(store.answer(text))
            if len(buffer) > MAX_LINE + 1:
                if not skipping:
                    out.append("ERR line too long")
                skipping = True
                buffer = b""
            if out:
                try:
                    conn.sendall(("\n".join(out) + "\n").encode())
                except OSError:
                    return


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2007)
    parser.add_argument("--book", required=True)
    args = parser.parse_args()
    try:
        store = Store(args.book)
    except (ValueError, OSError) as err:
        print("error: cannot load %s: %s" % (args.book, err), file=sys.stderr)
        sys.exit(1)
    listener = socket.create_server((args.host, args.port), backlog=128)
    host, port = listener.getsockname()[:2]
    print("listening on %s:%d" % (host, port), flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, store), daemon=True).start()


if __name__ == "__main__":
    main()
