#!/usr/bin/env python3
"""tap_pressure.py: a slow reader behind `udscope tap`, for tap-pressure.sh.

usage: tap_pressure.py slowread TAP SERVER MIB
  A server at SERVER reads 16 KiB at a time with a short pause after each read, so the tap's
  sends to it fill its socket and would block (backpressure); a client sends MIB MiB through
  TAP, each 8-byte word its own offset, then shuts down writing. Every byte that reaches the
  server is compared as it comes. Prints "ok N" (N bytes, all as sent), or what went wrong,
  and exits 1. The pauses only make the tap wait; they decide nothing. Every wait has a
  deadline (UDSCOPE_TEST_WAIT seconds with nothing moving).
"""
import array
import os
import socket
import sys
import threading
import time

DEADLINE = float(os.environ.get("UDSCOPE_TEST_WAIT", "20"))


def words(n):
    return array.array("Q", range(n // 8)).tobytes()


def slowread(tap, server, mib):
    data = words(mib << 20)
    if os.path.exists(server):
        os.unlink(server)
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(server)
    lsock.listen(1)
    lsock.settimeout(DEADLINE)
    box = {}

    def serve():
        conn, _ = lsock.accept()
        conn.settimeout(DEADLINE)
        got = 0
        view = memoryview(data)
        while True:
            piece = conn.recv(16384)
            if not piece:
                break
            if piece != view[got:got + len(piece)]:
                k = next(i for i in range(len(piece)) if got + i >= len(data) or
                         piece[i] != data[got + i])
                box["error"] = "differs at byte %d" % (got + k)
                return
            got += len(piece)
            time.sleep(0.001)
        box["got"] = got

    t = threading.Thread(target=serve)
    t.start()
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(DEADLINE)
    c.connect(tap)
    try:
        c.sendall(data)
        c.shutdown(socket.SHUT_WR)
    except OSError as e:
        box.setdefault("send", "the client's send failed: %s" % e)
    t.join(DEADLINE * 10)
    c.close()
    if t.is_alive():
        print("the server still reads")
    elif "error" in box:
        print(box["error"])
    elif "send" in box:
        print(box["send"])
    elif box.get("got") != len(data):
        print("short: %s of %d bytes" % (box.get("got"), len(data)))
    else:
        print("ok %d" % len(data))
        return 0
    return 1


def main():
    if sys.argv[1] == "slowread":
        sys.exit(slowread(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    sys.exit("tap_pressure.py: unknown scenario " + sys.argv[1])


if __name__ == "__main__":
    main()
