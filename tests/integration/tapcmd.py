#!/usr/bin/env python3
"""tapcmd.py: a real client and a real server talking through `udscope tap`, for the tests.

usage: tapcmd.py SCENARIO TAP SERVER OUTDIR
  Each scenario starts its server at SERVER itself, runs its clients against TAP (where the
  tap listens, forwarding to SERVER), checks what each side got, and writes facts the shell
  test compares with udscope's lines (OUTDIR/facts: KEY VALUE lines). It prints "ok" on
  success, or what went wrong, and exits 1.
  totals      1 MiB up, a 300000-byte answer down; the client shuts down first
  halfclose   the server shuts down first, then the client still sends 200000 bytes
  missing     (nothing at SERVER) the client is closed cleanly: EOF, not a reset
  stall       a server that never reads one connection while another one flows
  reset       one side hangs up with 4 MiB coming: the other's send fails as directly
  fds         a client passes an open file; the server reads it through the passed fd
  backlog     the target's backlog full: the tap waits for room (then gives up) while it
              still serves another connection
  creds       (root) the server reads the client's pid in SCM_CREDENTIALS, the tap's in
              SO_PEERCRED
  seqpacket   messages of 5, 0, 100000, 70000 and 1 bytes arrive as sent, then the end
  crowd       100 clients at once, then 1000 one after another, then 10000 fds passed
Every wait has a deadline, so a broken tap fails the test instead of hanging it.
"""
import array
import os
import socket
import sys
import threading

DEADLINE = float(os.environ.get("UDSCOPE_TEST_WAIT", "20"))


def pattern(n, seed):
    return bytes((i * 7 + seed) % 251 for i in range(n))


def listener(path):
    if os.path.exists(path):
        os.unlink(path)           # the last scenario's
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(16)
    s.settimeout(DEADLINE)
    return s


def connect(path):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(DEADLINE)
    c.connect(path)
    return c


def read_all(sock):
    data = bytearray()
    while True:
        d = sock.recv(65536)
        if not d:
            return bytes(data)
        data += d


def run_thread(fn, *args):
    box = {}

    def body():
        try:
            box["result"] = fn(*args)
        except Exception as e:  # reported by the caller
            box["error"] = e
    t = threading.Thread(target=body, daemon=True)
    t.start()
    return t, box


def join(t, box, what):
    t.join(DEADLINE)
    if t.is_alive():
        raise AssertionError(what + ": no end within the deadline")
    if "error" in box:
        raise AssertionError("%s: %r" % (what, box["error"]))
    return box.get("result")


def totals(tap, server, facts):
    up, down = pattern(1 << 20, 1), pattern(300000, 2)
    # The server is a process of its own, so that the two sides' pids differ; it listens
    # itself (SO_PEERCRED names whoever called listen) and says when it does.
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            srv = listener(server)
            os.write(w, b"r")
            c, _ = srv.accept()
            c.settimeout(DEADLINE)
            got = read_all(c)
            c.sendall(down)
            c.close()
            os._exit(0 if got == up else 3)
        except BaseException:
            os._exit(4)
    os.close(w)
    assert os.read(r, 1) == b"r", "the server did not start"
    c = connect(tap)
    c.sendall(up)
    c.shutdown(socket.SHUT_WR)
    got_down = read_all(c)
    _, status = os.waitpid(pid, 0)
    assert status == 0, "the server did not get the client's bytes (status %#x)" % status
    assert got_down == down, "client got %d bytes, not %d" % (len(got_down), len(down))
    facts["client_pid"] = os.getpid()
    facts["server_pid"] = pid
    facts["up"] = len(up)
    facts["down"] = len(down)


def halfclose(tap, server, facts):
    hello, up = b"hello, then nothing more from me", pattern(200000, 3)
    srv = listener(server)

    def serve():
        c, _ = srv.accept()
        c.settimeout(DEADLINE)
        c.sendall(hello)
        c.shutdown(socket.SHUT_WR)
        return read_all(c)
    t, box = run_thread(serve)
    c = connect(tap)
    got = read_all(c)            # the server's EOF reaches the client first ...
    assert got == hello, got
    c.sendall(up)                # ... and the client can still send everything
    c.close()
    got_up = join(t, box, "server")
    assert got_up == up, "server got %d bytes after its shutdown, not %d" % (len(got_up),
                                                                            len(up))
    facts["up"] = len(up)
    facts["down"] = len(hello)


def missing(tap, server, facts):
    c = connect(tap)
    try:
        c.sendall(b"anyone there?")
    except BrokenPipeError:
        pass                     # the tap closed it first: as a closed connection does
    got = c.recv(100)            # EOF (b""), not ECONNRESET: what was sent was taken first
    assert got == b"", got
    facts["eof"] = 1


def stall(tap, server, facts):
    srv = listener(server)
    held = []
    big = 64 << 20

    def serve():
        first, _ = srv.accept()  # never read from
        held.append(first)
        c, _ = srv.accept()
        c.settimeout(DEADLINE)
        data = read_all(c)
        c.sendall(data)
        c.close()
    t, box = run_thread(serve)
    staller = connect(tap)
    staller.settimeout(None)
    sent = [0]

    def flood():
        chunk = b"x" * 65536
        try:
            while sent[0] < big:
                sent[0] += staller.send(chunk)
        except OSError:
            pass
    threading.Thread(target=flood, daemon=True).start()
    # The second connection flows while the first one is stuck.
    c = connect(tap)
    msg = pattern(1 << 20, 5)
    c.sendall(msg)
    c.shutdown(socket.SHUT_WR)
    echo = read_all(c)
    join(t, box, "server")
    assert echo == msg, "the second client got %d bytes back, not %d" % (len(echo), len(msg))
    assert sent[0] < big, "the stalled client sent all %d bytes: no backpressure" % big
    facts["stalled_sent"] = sent[0]
    facts["echo"] = len(msg)
    # Hold the stalled connection open: the shell test reads the tap's memory now.
    open(os.path.join(facts["_dir"], "stalled"), "w").write("%d\n" % sent[0])
    os.path.exists(os.path.join(facts["_dir"], "go")) or wait_file(facts["_dir"], "go")


def wait_file(d, name):
    import time
    end = time.monotonic() + DEADLINE
    while not os.path.exists(os.path.join(d, name)):
        if time.monotonic() > end:
            raise AssertionError("no %s within the deadline" % name)
        time.sleep(0.05)


def reset_run(path, server_path, server_floods):
    """One side sends 4 MiB; the other reads one byte of it and closes. How the flooding
    side's send ends, by exception class name."""
    srv = listener(server_path)

    def flood(sock):
        try:
            sock.sendall(pattern(4 << 20, 7))
        except OSError as e:
            return type(e).__name__
        return "sent all"

    def serve():
        c, _ = srv.accept()
        c.settimeout(DEADLINE)
        if server_floods:
            return flood(c)
        c.recv(1)
        c.close()
    t, box = run_thread(serve)
    c = connect(path)
    if server_floods:
        c.recv(1)                 # the first byte is there: the flood is under way
        c.close()
        how = join(t, box, "server")
    else:
        how = flood(c)
        join(t, box, "server")
    srv.close()
    os.unlink(server_path)
    return how


def reset(tap, server, facts):
    for floods, who in ((True, "server"), (False, "client")):
        direct = reset_run(server, server, floods)
        tapped = reset_run(tap, server, floods)
        assert direct != "sent all", direct
        assert tapped == direct, "through the tap the %s saw %s, directly %s" % (
            who, tapped, direct)
        facts[who + "_saw"] = tapped


def fds(tap, server, facts):
    secret = b"passed through the tap by SCM_RIGHTS\n"
    fpath = os.path.join(facts["_dir"], "passed.txt")
    with open(fpath, "wb") as f:
        f.write(secret)
    srv = listener(server)

    def serve():
        c, _ = srv.accept()
        c.settimeout(DEADLINE)
        msg, anc, flags, _ = c.recvmsg(100, socket.CMSG_SPACE(4 * 4))
        got = []
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                got += array.array("i", data[:len(data) - len(data) % 4])
        assert len(got) == 1, "server got %d fds" % len(got)
        os.lseek(got[0], 0, 0)
        content = os.read(got[0], 1000)
        os.close(got[0])
        c.sendall(b"ok")
        c.close()
        return msg, content
    t, box = run_thread(serve)
    c = connect(tap)
    fd = os.open(fpath, os.O_RDONLY)
    c.sendmsg([b"F"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])
    os.close(fd)
    assert read_all(c) == b"ok"
    msg, content = join(t, box, "server")
    assert msg == b"F", msg
    assert content == secret, content
    facts["file"] = fpath


def backlog(tap, server, facts):
    import time
    if os.path.exists(server):
        os.unlink(server)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(server)
    srv.listen(0)                 # room for one connection not accepted yet
    srv.settimeout(DEADLINE)

    accepted = threading.Event()

    def serve():
        c, _ = srv.accept()       # the first one only; the second then fills the backlog
        accepted.set()
        c.settimeout(DEADLINE)
        c.sendall(c.recv(100))
        return c
    t, box = run_thread(serve)
    c1 = connect(tap)
    assert accepted.wait(DEADLINE), "the server did not get the first connection"
    c2 = connect(tap)
    c3 = connect(tap)             # no room upstream: the tap waits for some
    time.sleep(0.2)               # (lets the tap take it first; nothing is timed)
    c1.sendall(b"ping")           # ... and still serves the first connection meanwhile
    assert c1.recv(100) == b"ping"
    join(t, box, "server")
    assert c3.recv(100) == b"", "the waiting client was not closed cleanly"
    facts["held"] = 2 if c2 else 0


def creds(tap, server, facts):
    import struct
    srv = listener(server)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    pid = os.fork()
    if pid == 0:                  # the client: a process of its own
        try:
            c = connect(tap)
            c.sendall(b"who am I?")
            c.shutdown(socket.SHUT_WR)
            os._exit(0 if read_all(c) == b"noted" else 3)
        except BaseException:
            os._exit(4)
    c, _ = srv.accept()
    c.settimeout(DEADLINE)
    msg, anc, _, _ = c.recvmsg(100, socket.CMSG_SPACE(struct.calcsize("3i")))
    sent_as = [struct.unpack("3i", d[:12])[0] for level, kind, d in anc
               if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS]
    peer = struct.unpack("3i", c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
    read_all(c)
    c.sendall(b"noted")
    c.close()
    _, status = os.waitpid(pid, 0)
    assert status == 0, "the client did not get the answer (status %#x)" % status
    assert msg == b"who am I?", msg
    assert sent_as == [pid], "SCM_CREDENTIALS named %s, the client is %d" % (sent_as, pid)
    facts["client_pid"] = pid
    facts["peercred_pid"] = peer


def seqpacket(tap, server, facts):
    sizes = [5, 0, 100000, 70000, 1]
    if os.path.exists(server):
        os.unlink(server)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    srv.bind(server)
    srv.listen(4)
    srv.settimeout(DEADLINE)

    def serve():
        c, _ = srv.accept()
        c.settimeout(DEADLINE)
        got = [c.recv(1 << 20) for _ in sizes]
        end = c.recv(1 << 20)
        c.send(",".join(str(len(m)) for m in got).encode())
        c.close()
        return got, end
    t, box = run_thread(serve)
    c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    c.settimeout(DEADLINE)
    c.connect(tap)
    for i, n in enumerate(sizes):
        c.send(pattern(n, i))
    c.shutdown(socket.SHUT_WR)
    reply = c.recv(1000)
    assert c.recv(1000) == b"", "no end after the reply"
    got, end = join(t, box, "server")
    assert [len(m) for m in got] == sizes, "the server read messages of %s" % [len(m) for m in got]
    assert all(m == pattern(n, i) for i, (m, n) in enumerate(zip(got, sizes)))
    assert end == b"", end
    assert reply == b"5,0,100000,70000,1", reply
    facts["messages"] = len(sizes)


def crowd(tap, server, facts):
    srv = listener(server)
    srv.settimeout(None)
    fds_seen = [0]

    def echo(c):
        c.settimeout(DEADLINE)
        data = bytearray()
        while True:
            msg, anc, _, _ = c.recvmsg(65536, socket.CMSG_SPACE(128 * 4))
            for level, kind, fdata in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    for fd in array.array("i", fdata[:len(fdata) - len(fdata) % 4]):
                        os.close(fd)
                        fds_seen[0] += 1
            if not msg:
                break
            data += msg
        c.sendall(data)
        c.close()

    def serve():
        while True:
            c, _ = srv.accept()
            threading.Thread(target=echo, args=(c,), daemon=True).start()
    threading.Thread(target=serve, daemon=True).start()

    def one(i, size):
        c = connect(tap)
        msg = pattern(size, i % 251)
        c.sendall(msg)
        c.shutdown(socket.SHUT_WR)
        got = read_all(c)
        c.close()
        return got == msg
    # 100 clients at once, each byte-checked.
    box = [run_thread(one, i, 65536) for i in range(100)]
    ok = [join(t, b, "client") for t, b in box]
    assert all(ok), "%d of 100 concurrent clients got their bytes back" % sum(ok)
    # 1000 connections one after another.
    for i in range(1000):
        assert one(i, 16), "connection %d" % i
    # 10000 descriptors, 16 a message (the most udscope takes in one).
    c = connect(tap)
    fd = os.open(facts["_dir"], os.O_RDONLY)
    for i in range(625):
        c.sendmsg([b"f"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd] * 16))])
    os.close(fd)
    c.shutdown(socket.SHUT_WR)
    assert read_all(c) == b"f" * 625
    assert fds_seen[0] == 10000, "the server got %d of 10000 fds" % fds_seen[0]
    facts["conns"] = 1101


def main():
    scenario, tap, server, outdir = sys.argv[1:5]
    facts = {"_dir": outdir}
    try:
        {"totals": totals, "halfclose": halfclose, "missing": missing, "stall": stall,
         "reset": reset, "fds": fds, "crowd": crowd, "creds": creds,
         "seqpacket": seqpacket,
         "backlog": backlog}[scenario](tap, server, facts)
    except (AssertionError, OSError) as e:
        print("%s: %s" % (scenario, e))
        sys.exit(1)
    with open(os.path.join(outdir, "facts"), "w") as f:
        for k, v in facts.items():
            if not k.startswith("_"):
                f.write("%s %s\n" % (k, v))
    print("ok")


if __name__ == "__main__":
    main()
