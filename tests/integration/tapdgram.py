#!/usr/bin/env python3
"""tapdgram.py: datagram clients and a datagram server talking through `udscope tap --type
dgram`, for the tests.

usage: tapdgram.py SCENARIO TAP SERVER OUTDIR [N]
  Each scenario that needs a server runs it itself at SERVER (an echo: every datagram goes
  back to its sender's address, with the descriptors it carried), sends through TAP, checks
  what came back, and writes facts (OUTDIR/facts: KEY VALUE lines) for the shell test. It
  prints "ok", or what went wrong and exits 1.
  three     3 clients bound to their own paths send interleaved datagrams of 0, 1, 16 and
            60000 bytes and a few tagged ones; each gets exactly its own back, in order
  unbound   an unbound socket sends two datagrams; the server gets them
  many      N clients (2000), each bound to a path of its own, one echo each
  creds     (root) a client process sends; the server reads that client's pid in
            SCM_CREDENTIALS, not the tap's
  fds       a client passes an open file; the server reads it through the descriptor and
            sends the descriptor back; the client reads it again
  missing   (nothing at SERVER) a bound client sends 3 datagrams that go nowhere, and lives
            on until OUTDIR/lost.go exists: as root, the tap checks that a datagram's
            sender is alive as it passes it on (one that exited goes with udscope's pid,
            and tap status says so), so the sender waits for the shell to see them taken
  back      after `missing`: the server is there now, and the same client gets its echo
  full      the server reads nothing for a while: 2000 datagrams of 100 bytes wait (in the
            kernel and the tap, the client blocked), then all arrive in order
Every wait has a deadline, so a broken tap fails the test instead of hanging it.
"""
import array
import os
import select
import socket
import struct
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True     # no __pycache__ beside the sources (distcheck: read-only)
from dgram_peer import fds_of      # noqa: E402 (beside this file: the other tests' helpers)
from tapcmd import DEADLINE, pattern  # noqa: E402


def bound(path):
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(DEADLINE)
    return s


class Echo:
    """A datagram echo server on a thread; it keeps what it got (and the credentials)."""

    def __init__(self, path, hold=0.0):
        self.sock = bound(path)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.got = []          # (payload, pid from SCM_CREDENTIALS)
        self.hold = hold       # seconds to read nothing first
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        if self.hold:
            time.sleep(self.hold)
        self.sock.settimeout(None)   # its replies wait for room, as a simple server's do
        while not self.stop:
            if not select.select([self.sock], [], [], 0.1)[0]:
                continue
            msg, anc, _, addr = self.sock.recvmsg(65536, socket.CMSG_SPACE(64))
            pid = None
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("iII", data[:12])[0]
            fds = fds_of(anc)
            self.got.append((msg, pid))
            if fds:
                os.lseek(fds[0], 0, os.SEEK_SET)
                msg = msg + b" / " + os.read(fds[0], 100).strip()
                os.lseek(fds[0], 0, os.SEEK_SET)
            if addr:
                anc_out = []
                if fds:
                    anc_out = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))]
                self.sock.sendmsg([msg], anc_out, 0, addr)
            for fd in fds:
                os.close(fd)

    def wait_for(self, count):
        end = time.monotonic() + DEADLINE
        while len(self.got) < count and time.monotonic() < end:
            time.sleep(0.02)
        return len(self.got) >= count

    def close(self):
        self.stop = True
        self.thread.join(DEADLINE)
        self.sock.close()


def three(tap, server, out, facts):
    srv = Echo(server)
    clients = [bound(os.path.join(out, "c%d" % k)) for k in range(1, 4)]
    sizes = [0, 1, 16, 60000]
    sent = [[] for _ in clients]
    total = 0
    for r, size in enumerate(sizes + [5, 6, 7]):
        for k, c in enumerate(clients):
            msg = pattern(size, k * 10 + r) if r < len(sizes) else b"c%d-%d" % (k + 1, r)
            c.sendto(msg, tap)
            sent[k].append(msg)
            total += len(msg)
    for k, c in enumerate(clients):
        got = [c.recv(70000) for _ in sent[k]]
        assert got == sent[k], "client %d got %r" % (k + 1, [len(g) for g in got])
    srv.close()
    assert sorted(m for m, _ in srv.got) == sorted(m for s in sent for m in s), \
        "the server got other datagrams"
    facts.write("bytes %d\ndatagrams %d\n" % (total, sum(len(s) for s in sent)))


def unbound(tap, server, out, facts):
    srv = Echo(server)
    u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    u.sendto(b"from nowhere", tap)
    u.sendto(b"and again", tap)
    assert srv.wait_for(2), "the server got %d of 2" % len(srv.got)
    srv.close()
    assert [m for m, _ in srv.got] == [b"from nowhere", b"and again"], repr(srv.got)
    facts.write("unbound_pid %d\n" % os.getpid())


def many(tap, server, out, facts, n):
    srv = Echo(server)
    d = tempfile.mkdtemp(prefix="many", dir=out)   # addresses no earlier run used
    for i in range(n):
        p = os.path.join(d, "m%d" % i)
        c = bound(p)
        c.sendto(b"m%d" % i, tap)
        assert c.recv(100) == b"m%d" % i, "sender %d" % i
        c.close()
        os.unlink(p)
    srv.close()


def creds(tap, server, out, facts):
    srv = Echo(server)
    pid = os.fork()
    if pid == 0:
        try:
            c = bound(os.path.join(out, "cred-client"))
            c.sendto(b"who am i", tap)
            os._exit(0 if c.recv(100) == b"who am i" else 3)
        except BaseException:
            os._exit(4)
    _, status = os.waitpid(pid, 0)
    srv.close()
    assert status == 0, "the client's echo did not come back (%d)" % status
    facts.write("client_pid %d\nserver_saw %s\n" % (pid, srv.got[0][1]))


def fds(tap, server, out, facts):
    srv = Echo(server)
    fname = os.path.join(out, "passed.txt")
    with open(fname, "w") as f:
        f.write("the file's words\n")
    c = bound(os.path.join(out, "fd-client"))
    with open(fname, "rb") as f:
        c.sendmsg([b"here"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                               array.array("i", [f.fileno()]))], 0, tap)
    msg, anc, _, _ = c.recvmsg(100, socket.CMSG_SPACE(64))
    got = fds_of(anc)
    assert msg == b"here / the file's words", repr(msg)
    assert len(got) == 1, "no descriptor came back"
    os.lseek(got[0], 0, os.SEEK_SET)
    again = os.read(got[0], 100)
    os.close(got[0])
    srv.close()
    assert again == b"the file's words\n", repr(again)


def missing(tap, server, out, facts):
    c = bound(os.path.join(out, "lost"))
    for i in range(3):
        c.sendto(b"lost%d" % i, tap)
    go = os.path.join(out, "lost.go")
    end = time.monotonic() + DEADLINE
    while not os.path.exists(go) and time.monotonic() < end:
        time.sleep(0.02)


def back(tap, server, out, facts):
    srv = Echo(server)
    p = os.path.join(out, "lost")   # the same sender as in `missing`: its upstream socket
    c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    os.unlink(p)
    c.bind(p)
    c.settimeout(DEADLINE)
    c.sendto(b"again", tap)
    assert c.recv(100) == b"again", "no echo"
    srv.close()


def full(tap, server, out, facts, n):
    srv = Echo(server, hold=1.0)
    c = bound(os.path.join(out, "flood"))
    want = [b"%05d" % i + pattern(95, i % 251) for i in range(n)]
    got = []

    def reader():   # the echoes come back while the client still sends
        for _ in range(n):
            got.append(c.recv(200))
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    for m in want:
        c.sendto(m, tap)
    t.join(DEADLINE)
    srv.close()
    assert [m for m, _ in srv.got] == want, "the server got %d, out of order or lost" % len(
        srv.got)
    assert got == want, "the echoes came back out of order or lost"


def main():
    scenario, tap, server, out = sys.argv[1:5]
    n = int(sys.argv[5]) if len(sys.argv) > 5 else 2000
    with open(os.path.join(out, "facts"), "w") as facts:
        try:
            if scenario in ("many", "full"):
                globals()[scenario](tap, server, out, facts, n)
            else:
                globals()[scenario](tap, server, out, facts)
        except (AssertionError, OSError) as e:
            print("%s: %s" % (scenario, e))
            sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
