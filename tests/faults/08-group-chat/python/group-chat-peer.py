#!/usr/bin/env python3
# A plain Python group-chat peer: the lab's chat over TCP, following the contract
# (standard library only: socket, threading, json).
#
# replaces: group-chat
# accepted-by: step1_ step2_ step3_ step4_ step5_
#
# Run the kit's tests against it:
#   IPC_KIT_BIN_GROUP_CHAT=$PWD/tests/faults/08-group-chat/python/group-chat-peer.py cargo test -p group-chat

import argparse
import collections
import json
import socket
import sys
import threading
import time

MAX_FRAME = 65536
QUEUE_FRAMES = 1000
QUEUE_BYTES = 4 << 20
STUCK = 2.0


def frame(obj):
    """A frame: the length, 4 bytes big-endian, then the JSON."""
    body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return len(body).to_bytes(4, "big") + body


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Outbox:
    """A neighbour's bounded queue, written out by a thread of its own."""

    def __init__(self, sock):
        self.sock = sock
        self.frames = collections.deque()
        self.bytes = 0
        self.closed = False
        self.done = False
        self.changed = threading.Condition()
        threading.Thread(target=self.write_out, daemon=True).start()

    def full(self):
        return len(self.frames) >= QUEUE_FRAMES or self.bytes >= QUEUE_BYTES

    def push(self, data):
        deadline = time.monotonic() + STUCK
        with self.changed:
            while not self.closed and self.full():
                left = deadline - time.monotonic()
                if left <= 0:
                    return "stuck"
                self.changed.wait(left)
            if self.closed:
                return "gone"
            self.frames.append(data)
            self.bytes += len(data)
            self.changed.notify_all()
            return "queued"

    def take_queued(self):
        with self.changed:
            frames = list(self.frames)
            self.frames.clear()
            self.bytes = 0
            self.changed.notify_all()
            return frames

    def close(self):
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def abort(self):
        self.close()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def wait_done(self, patience):
        with self.changed:
            self.changed.wait_for(lambda: self.done, patience)

    def write_out(self):
        while True:
            with self.changed:
                while not self.frames and not self.closed:
                    self.changed.wait()
                if not self.frames:
                    break
                data = self.frames.popleft()
                self.bytes -= len(data)
                self.changed.notify_all()
            try:
                self.sock.sendall(data)
            except OSError:
                try:
                    self.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                break
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        with self.changed:
            self.closed = True
            self.done = True
            self.changed.notify_all()


class Neighbour:
    def __init__(self, conn, listen, dialled_by, outbox):
        self.conn, self.listen, self.dialled_by, self.outbox = conn, listen, dialled_by, outbox


class Peer:
    def __init__(self, name, listen):
        self.name, self.listen = name, listen
        self.lock = threading.Condition()  # also signalled on every hello
        self.neighbours = {}
        self.seen, self.joined, self.left, self.dialling, self.awaited = set(), set(), set(), set(), set()
        self.sent = 0
        self.next_conn = 0
        self.closing = False

    # --- under the lock -------------------------------------------------

    def send_all(self, obj, came_from):
        data = frame(obj)
        stuck = [name for name, n in self.neighbours.items()
                 if n.conn != came_from and n.outbox.push(data) == "stuck"]
        for name in stuck:
            n = self.neighbours.pop(name, None)
            if n is not None:
                print(f"{name} is stuck (its queue stayed full): dropped", file=sys.stderr)
                n.outbox.abort()
                self.leave(name, None)

    def leave(self, name, came_from):
        if self.closing or name == self.name or name in self.left:
            return
        self.left.add(name)
        say(f"* {name} left")
        self.send_all({"type": "leave", "name": name}, came_from)

    def knows(self, addr):
        return (addr == self.listen or addr in self.dialling
                or any(n.listen == addr for n in self.neighbours.values()))

    # --- connections ----------------------------------------------------

    def dial(self, addr, awaited):
        host, _, port = addr.rpartition(":")
        sock = socket.create_connection((host.strip("[]"), int(port)), timeout=2)
        sock.settimeout(None)
        return self.start(sock, True, awaited)

    def start(self, sock, dialled, awaited):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        outbox = Outbox(sock)
        with self.lock:
            self.next_conn += 1
            conn = self.next_conn
            if awaited:
                self.awaited.add(conn)
            outbox.push(frame({"type": "hello", "name": self.name, "listen": self.listen}))
        threading.Thread(target=self.serve, args=(sock, conn, outbox, dialled), daemon=True).start()
        return conn

    def serve(self, sock, conn, outbox, dialled):
        reader = sock.makefile("rb")
        name, why = None, None
        try:
            while True:
                head = reader.read(4)
                if not head:
                    break
                if len(head) < 4:
                    why = "a frame cut short by the end of the stream"
                    break
                length = int.from_bytes(head, "big")
                if length > MAX_FRAME:
                    why = f"a length of {length} bytes (at most {MAX_FRAME})"
                    break
                body = reader.read(length)
                if len(body) < length:
                    why = "a frame cut short by the end of the stream"
                    break
                obj, why = decode(body)
                if why:
                    break
                if name is None:
                    if obj["type"] != "hello":
                        why = "the first frame is not `hello`"
                        break
                    name = obj["name"]
                    why = self.hello(conn, outbox, dialled, name, obj["listen"])
                    if why:
                        break
                elif obj["type"] == "hello":
                    why = "a second `hello`"
                    break
                else:
                    self.handle(conn, obj)
        except OSError as err:
            why = str(err)
        if why:
            print(f"closing the connection from {name or 'a peer that sent no hello'}: {why}", file=sys.stderr)
        outbox.abort()
        with self.lock:
            self.awaited.discard(conn)
            self.lock.notify_all()
            n = self.neighbours.get(name)
            if n is not None and n.conn == conn:
                del self.neighbours[name]
                self.leave(name, None)

    def hello(self, conn, outbox, dialled, name, listen):
        with self.lock:
            self.awaited.discard(conn)
            self.lock.notify_all()
            self.dialling.discard(listen)
            if name == self.name:
                return "it says it is this peer"
            dialled_by = self.name if dialled else name
            old = self.neighbours.get(name)
            if old is not None:
                smaller = min(self.name.encode(), name.encode()).decode()
                if dialled_by != smaller or old.dialled_by == smaller:
                    return None if dialled else f"a second connection to {name}"
                del self.neighbours[name]
                for data in old.outbox.take_queued():
                    outbox.push(data)
                if old.dialled_by == self.name:
                    old.outbox.close()
                else:
                    old.outbox.abort()
            elif name not in self.joined:
                self.joined.add(name)
                say(f"* {name} joined")
            # A name that left stays left if it connects again: `left` is
            # printed once per name, as `joined` is.
            others = [n.listen for n in self.neighbours.values()]
            self.neighbours[name] = Neighbour(conn, listen, dialled_by, outbox)
            outbox.push(frame({"type": "peers", "listen": others}))
        return None

    def handle(self, conn, obj):
        with self.lock:
            kind = obj["type"]
            if kind == "msg":
                if obj["id"] not in self.seen:
                    self.seen.add(obj["id"])
                    say(f"[{obj['from']}] {obj['text']}")
                    self.send_all({"type": "msg", "id": obj["id"], "from": obj["from"], "text": obj["text"]}, conn)
            elif kind == "peers":
                for addr in obj["listen"]:
                    if not self.knows(addr):
                        self.dialling.add(addr)
                        threading.Thread(target=self.dial_learnt, args=(addr,), daemon=True).start()
            elif kind == "leave":
                who = obj["name"]
                n = self.neighbours.get(who)
                if n is not None and n.conn != conn:
                    return  # relayed, while its own connection is open
                if n is not None:
                    del self.neighbours[who]
                    n.outbox.close()
                self.leave(who, conn)

    def dial_learnt(self, addr):
        try:
            self.dial(addr, False)
        except (OSError, ValueError) as err:
            print(f"cannot reach {addr}: {err}", file=sys.stderr)
            with self.lock:
                self.dialling.discard(addr)


def decode(body):
    """The frame's JSON object, or why it is not a valid frame."""
    try:
        obj = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        return None, f"not UTF-8 JSON: {err}"
    if not isinstance(obj, dict):
        return None, "not a JSON object"
    fields = {"hello": ["name", "listen"], "msg": ["id", "from", "text"], "peers": [], "leave": ["name"]}
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in fields:
        return None, f"unknown type {kind!r}"
    for field in fields[kind]:
        if not isinstance(obj.get(field), str):
            return None, f"no string field `{field}`"
    if kind == "peers":
        listen = obj.get("listen")
        if not isinstance(listen, list) or not all(isinstance(a, str) for a in listen):
            return None, "`listen` is not an array of strings"
    return obj, None


def main():
    parser = argparse.ArgumentParser(description="one participant of a group chat")
    parser.add_argument("--name", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--peer", action="append", default=[])
    args = parser.parse_args()
    sys.stdout.reconfigure(errors="replace")

    try:
        listener = socket.create_server((args.host, args.port))
    except OSError as err:
        print(f"error: cannot listen on {args.host}:{args.port}: {err}", file=sys.stderr)
        return 1
    host, port = listener.getsockname()[:2]
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    say(f"listening on {listen}")
    peer = Peer(args.name, listen)

    def accept_loop():
        while True:
            sock, _ = listener.accept()
            peer.start(sock, False, False)

    threading.Thread(target=accept_loop, daemon=True).start()

    if args.peer:
        reached = 0
        for addr in args.peer:
            try:
                peer.dial(addr, True)
                reached += 1
            except (OSError, ValueError) as err:
                print(f"cannot reach {addr}: {err}", file=sys.stderr)
        if reached == 0:
            print(f"error: cannot reach {args.peer[0]}", file=sys.stderr)
            return 1
        with peer.lock:
            peer.lock.wait_for(lambda: not peer.awaited, 5)

    for raw in sys.stdin.buffer:
        text = raw.decode("utf-8", errors="replace").rstrip("\n").rstrip("\r")
        with peer.lock:
            message = {"type": "msg", "id": f"{peer.name}/{peer.sent + 1}", "from": peer.name, "text": text}
            if len(json.dumps(message, ensure_ascii=False).encode("utf-8")) > MAX_FRAME:
                print("error: message too long", file=sys.stderr)
                continue
            peer.sent += 1
            peer.seen.add(message["id"])
            peer.send_all(message, None)

    with peer.lock:
        peer.closing = True
        outboxes = list(n.outbox for n in peer.neighbours.values())
        for outbox in outboxes:
            outbox.push(frame({"type": "leave", "name": peer.name}))
            outbox.close()
    deadline = time.monotonic() + 2
    for outbox in outboxes:
        outbox.wait_done(max(0, deadline - time.monotonic()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
