#!/usr/bin/env python3
"""dgram_peer.py: seqpacket and datagram peers for tests, written against Python's socket
module only (SOCK_SEQPACKET, SOCK_DGRAM, sendmsg/recvmsg with SCM_RIGHTS and SCM_CREDENTIALS).

usage: dgram_peer.py MODE ARGS...
  three PATH               seqpacket: connect, send three messages, print each echo's length
  fdfile PATH FILE         dgram: bind, pass FILE open with the message, read it back through
                           the descriptor that returns with the echo; print what it read
  echo-seq PATH            seqpacket server: echo every message, 30 s at most
  echo-dgram PATH          datagram server: echo to every bound sender, 30 s at most
  leak PATH N              dgram: N messages with 3 fds each (every 10th with 20, which the
                           receiver cuts), each echo read and its fds closed; print "ok N"
  flood PATH SENDERS N     SENDERS unbound sockets send N datagrams each; print the total
  gone PATH                bind, send, close and unlink before the echo can arrive
  unbound PATH MSG         one datagram from an unbound socket
  creds PATH               dgram: send with explicit SCM_CREDENTIALS; print our pid
  sendfds PATH FILE        seqpacket: socket.send_fds with FILE, socket.recv_fds the echo,
                           read the file through the descriptor that came back; print it
"""
import array
import atexit
import os
import select
import shutil
import socket
import struct
import sys
import tempfile
import time


def fds_of(anc):
    out = []
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            a = array.array("i")
            a.frombytes(data[:len(data) - len(data) % a.itemsize])
            out.extend(a)
    return out


def bound_dgram(tag):
    """A datagram socket bound to TAG in a private directory, removed when the peer exits."""
    d = tempfile.mkdtemp(prefix="udscope-peer-")
    atexit.register(shutil.rmtree, d, True)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(os.path.join(d, tag))
    return s, d


def rights(fds):
    return [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))]


def three(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    for m in (b"first", b"second message", b"3"):
        s.send(m)
        print(len(s.recv(100)))


def fdfile(path, fname):
    s, _ = bound_dgram("c")
    with open(fname, "rb") as f:
        s.sendmsg([b"here is a file"], rights([f.fileno()]), 0, path)
    s.settimeout(10)
    msg, anc, flags, addr = s.recvmsg(100, socket.CMSG_SPACE(64))
    fds = fds_of(anc)
    print(msg.decode(), len(fds), os.read(fds[0], 100).decode().strip())
    for fd in fds:
        os.close(fd)


def serve(path, kind):
    s = socket.socket(socket.AF_UNIX, kind)
    s.bind(path)
    end = time.monotonic() + 30
    if kind == socket.SOCK_DGRAM:
        while time.monotonic() < end:
            if select.select([s], [], [], 0.1)[0]:
                msg, addr = s.recvfrom(65536)
                if addr:
                    s.sendto(msg, addr)
        return
    s.listen(4)
    conns = []
    while time.monotonic() < end:
        r = select.select([s] + conns, [], [], 0.1)[0]
        for c in r:
            if c is s:
                conns.append(s.accept()[0])
                continue
            msg = c.recv(65536)
            if msg:
                c.send(msg)
            else:
                conns.remove(c)
                c.close()


def leak(path, n):
    s, _ = bound_dgram("leak")
    s.settimeout(10)
    f = os.open("/dev/null", os.O_RDONLY)
    for i in range(n):
        k = 20 if i % 10 == 9 else 3
        s.sendmsg([b"m%d" % i], rights([f] * k), 0, path)
        msg, anc, flags, addr = s.recvmsg(100, socket.CMSG_SPACE(4 * 32))
        for fd in fds_of(anc):
            os.close(fd)
    print("ok", n)


def flood(path, senders, n):
    socks = [socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) for _ in range(senders)]
    total = 0
    for i in range(n):
        for k, s in enumerate(socks):
            s.sendto(b"s%d-%d" % (k, i), path)
            total += 1
    print(total)


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "three":
        three(args[0])
    elif mode == "fdfile":
        fdfile(args[0], args[1])
    elif mode == "echo-seq":
        serve(args[0], socket.SOCK_SEQPACKET)
    elif mode == "echo-dgram":
        serve(args[0], socket.SOCK_DGRAM)
    elif mode == "leak":
        leak(args[0], int(args[1]))
    elif mode == "flood":
        flood(args[0], int(args[1]), int(args[2]))
    elif mode == "gone":
        s, d = bound_dgram("gone")
        s.sendto(b"bye", args[0])
        s.close()
        os.unlink(os.path.join(d, "gone"))
    elif mode == "unbound":
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(args[1].encode(), args[0])
    elif mode == "sendfds":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.connect(args[0])
        with open(args[1], "rb") as f:
            socket.send_fds(s, [b"fd via send_fds"], [f.fileno()])
        s.settimeout(10)
        msg, fds, flags, addr = socket.recv_fds(s, 100, 4)
        print(msg.decode(), len(fds), os.read(fds[0], 100).decode().strip())
        for fd in fds:
            os.close(fd)
    elif mode == "creds":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        cred = struct.pack("iII", os.getpid(), os.getuid(), os.getgid())
        s.sendmsg([b"with creds"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, cred)], 0,
                  args[0])
        print(os.getpid())


if __name__ == "__main__":
    main()
