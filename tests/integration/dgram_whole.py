#!/usr/bin/env python3
"""dgram_whole.py: a datagram peer for dgram-whole.sh and json-names.sh.

send SERVER LEN BIND [WAIT]: send one LEN-byte datagram (a counting pattern) from a socket
  bound to BIND (a path; "@name" for an abstract one), then wait up to WAIT seconds (10) for
  the echo and print "echo N same" or "echo N differs" (N: its length), or "no echo".
from SERVER BIND_HEX [FILE_HEX]: send b"hi" from a socket bound to the address whose bytes are
  BIND_HEX (a path; a leading 00 for an abstract name, NUL bytes allowed after it), with a
  descriptor of the file FILE_HEX names when given. SERVER "hex:HH..." is given by its bytes.
texts KIND: read udscope --json lines on stdin and print, for each event of KIND ("recv",
  "send", "info"), the exact bytes of its text as hex (text_hex when there, else text).
"""
import array
import json
import os
import socket
import sys


def pattern(n):
    text = b"The whole datagram, every byte of it: "
    return (text * (n // len(text) + 1))[:n]


def send(server, n, bind, wait):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    name = os.fsencode(bind)
    s.bind(b"\0" + name[1:] if name.startswith(b"@") else name)
    data = pattern(n)
    s.sendto(data, server)
    s.settimeout(wait)
    try:
        back = s.recv(n + 65536)
    except socket.timeout:
        print("no echo")
        return
    print("echo %d %s" % (len(back), "same" if back == data[:len(back)] else "differs"))


def send_from(server, bind_hex, file_hex):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(bytes.fromhex(bind_hex))
    anc = []
    if file_hex:
        fd = os.open(bytes.fromhex(file_hex), os.O_RDONLY)
        anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))]
    if server.startswith("hex:"):
        server = bytes.fromhex(server[4:])
    s.sendmsg([b"hi"], anc, 0, server)
    s.settimeout(10)
    s.recv(64)
    print("echo")


def texts(kind):
    for line in sys.stdin:
        ev = json.loads(line)
        if ev.get("kind") != kind or "text" not in ev:
            continue
        if "text_hex" in ev:
            print(ev["text_hex"])
        else:
            print(ev["text"].encode("utf-8").hex())


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "send":
        send(args[0], int(args[1]), args[2], float(args[3]) if len(args) > 3 else 10.0)
    elif mode == "from":
        send_from(args[0], args[1], args[2] if len(args) > 2 else None)
    elif mode == "texts":
        texts(args[0])
    else:
        sys.exit("dgram_whole.py: unknown mode " + mode)


if __name__ == "__main__":
    main()
