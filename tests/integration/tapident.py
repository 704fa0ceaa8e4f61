"""tapident.py: the two ends of tap-ident.sh: a server that notes whose identity reaches it
(SO_PEERCRED and SO_PEERGROUPS on accept, SCM_CREDENTIALS on every message), and clients that
the shell test runs as another user (setpriv).

usage: tapident.py ROLE ARGS...
  server PATH FACTS [GO]    accept one connection; FACTS gets "peer PID UID GID", "groups
                            G...", then "msg UID PID LEN" per chunk and "end"; answers each
                            chunk "seen UID"; with GO it waits for that file before reading
                            a byte, and answers nothing
  dgram-server PATH FACTS GO  a datagram server that reads nothing until GO exists, then
                            notes "msg UID PID LEN" per datagram until one says END
  client PATH               connect, send, read the answer: prints it
  fork PATH                 connect, fork; the parent exits, the child (once it is an
                            orphan) sends and prints the answer
  fill PATH                 connect and send until nothing more is taken, then exit
  dgram-fill PATH BIND      from a socket bound at BIND, send datagrams until one is not
                            taken, then exit: prints how many went
  dgram-end PATH BIND       send END from a socket bound at BIND
Every wait has a deadline (UDSCOPE_TEST_WAIT, 20 s).
"""
import os
import socket
import struct
import sys
import time

DEADLINE = float(os.environ.get("UDSCOPE_TEST_WAIT", "20"))
SO_PEERGROUPS = getattr(socket, "SO_PEERGROUPS", 59)


def wait_for(cond, what):
    end = time.monotonic() + DEADLINE
    while not cond():
        if time.monotonic() > end:
            sys.exit("tapident.py: gave up waiting for " + what)
        time.sleep(0.02)


def creds_of(anc):
    return [struct.unpack("3i", d[:12]) for level, kind, d in anc
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS]


def note(facts, line):
    facts.write(line + "\n")
    facts.flush()


def server(path, facts_path, go=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, 0o777)
    s.listen(4)
    s.settimeout(DEADLINE)
    c, _ = s.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    c.settimeout(DEADLINE)
    with open(facts_path, "w") as facts:
        pid, uid, gid = struct.unpack("3i", c.getsockopt(socket.SOL_SOCKET,
                                                          socket.SO_PEERCRED, 12))
        note(facts, "peer %d %d %d" % (pid, uid, gid))
        g = c.getsockopt(socket.SOL_SOCKET, SO_PEERGROUPS, 1024)
        note(facts, "groups " + " ".join(str(x) for x in
                                         struct.unpack("%dI" % (len(g) // 4), g)))
        if go:
            wait_for(lambda: os.path.exists(go), go)
        while True:
            try:
                m, anc, _, _ = c.recvmsg(65536, socket.CMSG_SPACE(12))
            except ConnectionResetError:
                break
            if not m:
                break
            for cpid, cuid, cgid in creds_of(anc):
                note(facts, "msg %d %d %d" % (cuid, cpid, len(m)))
            if go:
                continue          # its client is gone: an answer would end the connection
            try:
                c.sendall(b"seen %d" % uid)
            except OSError:
                pass
        note(facts, "end")


def dgram_server(path, facts_path, go):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o777)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    wait_for(lambda: os.path.exists(go), go)
    s.settimeout(DEADLINE)
    with open(facts_path, "w") as facts:
        while True:
            m, anc, _, _ = s.recvmsg(65536, socket.CMSG_SPACE(12))
            if m == b"END":
                break
            for cpid, cuid, cgid in creds_of(anc):
                note(facts, "msg %d %d %d" % (cuid, cpid, len(m)))
        note(facts, "end")


def connect(path):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(DEADLINE)
    c.connect(path)
    return c


def client(path):
    c = connect(path)
    c.sendall(b"who am I?")
    c.shutdown(socket.SHUT_WR)
    print(c.recv(100).decode())


def fork(path):
    c = connect(path)
    parent = os.getpid()
    if os.fork():
        os._exit(0)               # the process that connected is gone before a byte goes
    wait_for(lambda: os.getppid() != parent, "the parent's exit")
    c.sendall(b"from the child")
    c.shutdown(socket.SHUT_WR)
    print("child %d got %s" % (os.getpid(), c.recv(100).decode()))


def fill(path):
    c = connect(path)
    c.setblocking(False)
    chunk = b"x" * 65536
    sent = 0
    stalled = 0
    end = time.monotonic() + DEADLINE
    # Until the whole way is full: the tap then holds a chunk it cannot pass on yet.
    while stalled < 50 and time.monotonic() < end:
        try:
            sent += c.send(chunk)
            stalled = 0
        except BlockingIOError:
            stalled += 1
            time.sleep(0.01)
    print(sent)
    os._exit(0)


def dgram_fill(path, bind):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    c.bind(bind)
    c.setblocking(False)
    sent = 0
    stalled = 0
    end = time.monotonic() + DEADLINE
    while stalled < 50 and time.monotonic() < end:
        try:
            c.sendto(b"datagram %d" % sent, path)
            sent += 1
            stalled = 0
        except BlockingIOError:
            stalled += 1
            time.sleep(0.01)
    print(sent)
    os._exit(0)


def dgram_end(path, bind):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    c.bind(bind)
    c.sendto(b"END", path)


if __name__ == "__main__":
    role, args = sys.argv[1], sys.argv[2:]
    {"server": server, "dgram-server": dgram_server, "client": client, "fork": fork,
     "fill": fill, "dgram-fill": dgram_fill,
     "dgram-end": dgram_end}[role](*args)
