#!/usr/bin/env python3
# A plain Python address-book client: the lecture's program, following the contract.
#
# replaces: address-book
# accepted-by: step1_client_

import argparse
import socket
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("command", choices=["add", "find", "remove", "list"])
    parser.add_argument("words", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.command == "add":
        if not args.words:
            parser.error("add needs NAME [ENTRY...]")
        line = "add:%s,%s" % (args.words[0], " ".join(args.words[1:]))
    elif args.command in ("find", "remove"):
        if len(args.words) != 1:
            parser.error("%s needs NAME" % args.command)
        line = ("fnd:" if args.command == "find" else "rem:") + args.words[0]
    else:
        line = "lst:"
    host, _, port = args.server.rpartition(":")
    try:
        sock = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        sock.sendall((line + "\n").encode())
        reader = sock.makefile("rb")
        first = reader.readline()
        if not first:
            raise OSError("the server closed the connection")
        first = first.decode().rstrip("\r\n")
        lines = [first]
        if first.startswith("LIST "):
            for _ in range(int(first[5:])):
                lines.append(reader.readline().decode().rstrip("\r\n"))
    except (OSError, ValueError) as err:
        print("error: %s" % err, file=sys.stderr)
        sys.exit(1)
    for answer in lines:
        print(answer)
    if first.startswith("ERR "):
        print("error: " + first[4:], file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
