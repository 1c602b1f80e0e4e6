#!/usr/bin/env python3
# A plain Python chat-server: the lecture's design made robust, following the
# contract. A thread per client reads its lines, a second one writes what is
# queued for it, the shared state is behind one lock, and each client's queue
# is bounded (1,000 lines): a client that stops reading is disconnected rather
# than stalling the others. Right for steps 1 to 5; step 6 rejects it for its
# threads (two per client: 4,000 for 2,000 clients).
#
# replaces: chat-server
# accepted-by: step1_ step2_ step3_ step4_ step5_
# rejected-by: step6_two_thousand_clients_on_a_handful_of_threads

import argparse
import queue
import re
import socket
import sys
import threading

MAX_LINE = 4096
QUEUE_LINES = 1000
VALID = re.compile(r"[A-Za-z0-9_-]{1,32}\Z")


class Member:
    def __init__(self, name, sock):
        self.name = name
        self.room = None
        self.sock = sock
        # One slot more than the bound, for the end-of-queue marker (None).
        self.queue = queue.Queue(QUEUE_LINES + 1)


class Hub:
    """Who is connected, in which room. Holding the lock, we only queue."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clients = {}
        self.rooms = {}
        self.next_id = 0
        self.overflowed = []

    def connect(self, name, sock):
        with self.lock:
            cid = self.next_id
            self.next_id += 1
            member = Member(name, sock)
            self.clients[cid] = member
            return cid, member

    def handle(self, cid, line):
        """Acts on one line; False when the connection is done (quit)."""
        with self.lock:
            if cid not in self.clients:
                return False
            go_on = self._command(cid, line)
            self._disconnect_overflowed()
            return go_on

    def answer(self, cid, line):
        with self.lock:
            self._send(cid, line)
            self._disconnect_overflowed()

    def disconnect(self, cid):
        with self.lock:
            self._remove(cid)
            self._disconnect_overflowed()

    def _command(self, cid, line):
        me = self.clients[cid]
        if line == "":
            return True
        if not line.startswith("/"):
            if me.room is None:
                self._send(cid, "ERR join a room first: /join <room>")
            else:
                self._broadcast(me.room, cid, f"MSG {me.room} {me.name} {line}")
            return True
        word, _, argument = line.partition(" ")
        if word == "/nick":
            if not VALID.match(argument):
                self._send(cid, "ERR invalid name")
            elif any(m.name == argument for o, m in self.clients.items() if o != cid):
                self._send(cid, "ERR name taken")
            else:
                me.name = argument
                self._send(cid, f"OK nick {argument}")
        elif word == "/join":
            if not VALID.match(argument):
                self._send(cid, "ERR invalid room")
                return True
            self._send(cid, f"OK joined {argument}")
            if me.room == argument:
                return True
            self._leave_room(cid)
            self._broadcast(argument, cid, f"JOIN {argument} {me.name}")
            self.rooms.setdefault(argument, []).append(cid)
            me.room = argument
        elif word == "/rooms":
            listed = "".join(
                f" {room}:{len(self.rooms[room])}"
                for room in sorted(self.rooms, key=lambda r: r.encode())
            )
            self._send(cid, "ROOMS" + listed)
        elif word == "/quit":
            self._remove(cid)
            return False
        else:
            self._send(cid, f"ERR unknown command {word}")
        return True

    def _leave_room(self, cid):
        me = self.clients.get(cid)
        if me is None or me.room is None:
            return
        room, me.room = me.room, None
        members = self.rooms[room]
        members.remove(cid)
        if not members:
            del self.rooms[room]
        else:
            self._broadcast(room, cid, f"LEAVE {room} {me.name}")

    def _remove(self, cid):
        """Forgets a client; its writer sends what is queued, then closes."""
        self._leave_room(cid)
        member = self.clients.pop(cid, None)
        if member is not None:
            member.queue.put_nowait(None)
        return member

    def _broadcast(self, room, sender, line):
        for cid in self.rooms.get(room, []):
            if cid != sender:
                self._send(cid, line)

    def _send(self, cid, line):
        member = self.clients.get(cid)
        if member is None:
            return
        # Never wait with the lock held: a full queue is a client that
        # stopped reading, and it goes.
        if member.queue.qsize() >= QUEUE_LINES:
            self.overflowed.append(cid)
        else:
            member.queue.put_nowait(line)

    def _disconnect_overflowed(self):
        while self.overflowed:
            member = self._remove(self.overflowed.pop())
            if member is not None:
                print(f"disconnecting {member.name}: it stopped reading", file=sys.stderr)
                try:
                    member.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def read_lines(sock):
    """Yields the lines of a connection (bytes, without the line end), or
    None for a line over MAX_LINE bytes, which is never kept whole."""
    line = bytearray()
    too_long = False
    while True:
        try:
            chunk = sock.recv(65536)
        except OSError:
            return
        if not chunk:
            return
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            piece = chunk[start:] if end < 0 else chunk[start:end]
            if not too_long:
                line += piece
                if len(line) > MAX_LINE + 1:
                    too_long, line = True, bytearray()
            if end < 0:
                break
            start = end + 1
            if line.endswith(b"\r"):
                line = line[:-1]
            yield None if too_long or len(line) > MAX_LINE else bytes(line)
            line, too_long = bytearray(), False


def serve(hub, sock, peer):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    cid, member = hub.connect(f"{peer[0]}:{peer[1]}", sock)
    threading.Thread(target=write_lines, args=(member,), daemon=True).start()
    for line in read_lines(sock):
        if line is None:
            hub.answer(cid, "ERR line too long")
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            hub.answer(cid, "ERR invalid utf-8")
            continue
        if not hub.handle(cid, text):
            return
    hub.disconnect(cid)


def write_lines(member):
    sock = member.sock
    try:
        while True:
            batch = [member.queue.get()]
            while batch[-1] is not None:
                try:
                    batch.append(member.queue.get_nowait())
                except queue.Empty:
                    break
            done = batch[-1] is None
            lines = [line for line in batch if line is not None]
            if lines:
                sock.sendall(("\n".join(lines) + "\n").encode())
            if done:
                break
    except OSError:
        pass
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def main():
    parser = argparse.ArgumentParser(description="A multi-room chat server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6667)
    args = parser.parse_args()
    try:
        info = socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)[0]
        listener = socket.socket(info[0], socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(info[4])
        listener.listen(128)
    except OSError as err:
        print(f"error: cannot bind {args.host}:{args.port}: {err}", file=sys.stderr)
        sys.exit(1)
    host, port = listener.getsockname()[:2]
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    print(f"listening on {shown}", flush=True)
    hub = Hub()
    while True:
        try:
            sock, peer = listener.accept()
        except OSError as err:
            print(f"accept failed: {err}", file=sys.stderr)
            continue
        threading.Thread(target=serve, args=(hub, sock, peer), daemon=True).start()


if __name__ == "__main__":
    main()
