#!/usr/bin/env python3
"""decode_peers.py: stand-ins that speak real protocols, for the tap's --decode tests.

usage: decode_peers.py ROLE PATH
  pg-server    a PostgreSQL stand-in: startup -> AuthenticationOk, ReadyForQuery; each
               simple query -> CommandComplete, ReadyForQuery; Terminate ends it
  pg-client    the PostgreSQL startup message, the simple query "SELECT 42", Terminate
  resp-server  a Redis stand-in: answers each RESP command with +OK
  resp-client  SET greeting hello, as RESP
  sink         a seqpacket server that reads every message until the client ends
  flood N      a seqpacket client sending N messages of 32 bytes
  dgram-sink   a datagram server that reads until 60 s pass
  syslog       one syslog message as a datagram
Servers serve one connection, then exit (and exit after 60 s anyway).
"""
import socket
import struct
import sys


def recv_exact(c, n):
    b = b""
    while len(b) < n:
        d = c.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b


def listen(path, kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_UNIX, kind)
    s.bind(path)
    s.listen(4)
    s.settimeout(60)
    c, _ = s.accept()
    c.settimeout(60)
    return c


def connect(path, kind=socket.SOCK_STREAM):
    c = socket.socket(socket.AF_UNIX, kind)
    c.settimeout(60)
    c.connect(path)
    return c


def pg_msg(t, body):
    return t + struct.pack("!I", len(body) + 4) + body


def pg_server(path):
    c = listen(path)
    n = struct.unpack("!I", recv_exact(c, 4))[0]
    recv_exact(c, n - 4)
    c.sendall(pg_msg(b"R", struct.pack("!I", 0)) + pg_msg(b"Z", b"I"))
    while True:
        t = recv_exact(c, 1)
        n = struct.unpack("!I", recv_exact(c, 4))[0]
        recv_exact(c, n - 4)
        if t == b"X":
            break
        c.sendall(pg_msg(b"C", b"SELECT 1\0") + pg_msg(b"Z", b"I"))


def pg_client(path):
    c = connect(path)
    params = b"user\0postgres\0database\0postgres\0\0"
    c.sendall(struct.pack("!II", len(params) + 8, 196608) + params)
    recv_exact(c, 9 + 6)
    c.sendall(pg_msg(b"Q", b"SELECT 42\0"))
    recv_exact(c, 14 + 6)
    c.sendall(pg_msg(b"X", b""))
    c.close()


def resp_server(path):
    c = listen(path)
    buf = b""
    while True:
        d = c.recv(4096)
        if not d:
            break
        buf += d
        if buf.endswith(b"\r\n") and buf.count(b"\r\n") >= 1 + 2 * int(buf[1:buf.index(b"\r\n")]):
            c.sendall(b"+OK\r\n")
            buf = b""


def resp_client(path):
    c = connect(path)
    c.sendall(b"*3\r\n$3\r\nSET\r\n$8\r\ngreeting\r\n$5\r\nhello\r\n")
    if recv_exact(c, 5) != b"+OK\r\n":
        sys.exit("resp-client: no +OK")
    c.close()


def sink(path):
    c = listen(path, socket.SOCK_SEQPACKET)
    while c.recv(65536):
        pass


def flood(path, n):
    c = connect(path, socket.SOCK_SEQPACKET)
    msg = b"flood-message-of-32-bytes-long!!"
    for _ in range(n):
        c.send(msg)
    c.close()


def dgram_sink(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(60)
    try:
        while True:
            s.recv(65536)
    except socket.timeout:
        pass


def syslog(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(b"<13>Dec  7 11:00:00 host app: hello syslog", path)


def main():
    role, path = sys.argv[1], sys.argv[2]
    if role == "flood":
        flood(path, int(sys.argv[3]))
    else:
        {"pg-server": pg_server, "pg-client": pg_client, "resp-server": resp_server,
         "resp-client": resp_client, "sink": sink,
         "dgram-sink": dgram_sink, "syslog": syslog}[role](path)


if __name__ == "__main__":
    main()
