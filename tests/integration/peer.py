#!/usr/bin/env python3
"""peer.py: a scripted Unix stream server for tests, standing in for a real service.

usage: peer.py PATH MODE [ARG] [--life SECONDS]
  record FILE    accept connections one after another; append every byte received to FILE
  answer HEX     reply to each message received with the bytes HEX (instead of an echo)
  mute           accept and hold every connection; never read, never answer
  slam           accept and close at once, reading nothing
  http           a tiny HTTP/1.0 server: answer each request with "hello from uds", close
The peer exits on its own after --life seconds (default 30), so a test never hangs on it.
"""
import os
import select
import socket
import sys
import time


def main():
    args = sys.argv[1:]
    life = 30.0
    if "--life" in args:
        i = args.index("--life")
        life = float(args[i + 1])
        del args[i:i + 2]
    path, mode = args[0], args[1]
    arg = args[2] if len(args) > 2 else None
    end = time.monotonic() + life
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(64)
    held = []
    out = open(arg, "ab", buffering=0) if mode == "record" else None
    while time.monotonic() < end:
        r, _, _ = select.select([srv], [], [], 0.1)
        if not r:
            continue
        conn, _ = srv.accept()
        if mode == "mute":
            held.append(conn)
            continue
        if mode == "slam":
            conn.close()
            continue
        if mode == "http":
            conn.settimeout(5)
            req = b""
            try:
                while b"\r\n\r\n" not in req:
                    data = conn.recv(4096)
                    if not data:
                        break
                    req += data
                line = req.split(b"\r\n", 1)[0].split()
                if len(line) == 3 and line[0] == b"GET":
                    body = b"hello from uds\n"
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
                else:
                    conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")
            except (socket.timeout, ConnectionResetError, BrokenPipeError):
                pass
            conn.close()
            continue
        conn.settimeout(max(0.1, end - time.monotonic()))
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                if mode == "record":
                    out.write(data)
                elif mode == "answer":
                    conn.sendall(bytes.fromhex(arg))
        except (socket.timeout, ConnectionResetError, BrokenPipeError):
            pass
        conn.close()
    os.unlink(path)


if __name__ == "__main__":
    main()
