#!/usr/bin/env python3
"""tapdata.py: peers that check the tap loses nothing and its captures decode, for the tests.

usage: tapdata.py SCENARIO TAP SERVER OUTDIR
  Each scenario starts its own server at SERVER (except echo, which talks to udscope's echo
  server at TAP), runs its client against TAP and checks what each side got. It prints "ok"
  or what went wrong (exit 1), or "skip REASON" (exit 77) when this machine cannot run it.
  Facts for the shell test go to OUTDIR/facts (KEY VALUE lines).
  direct    the early-reply server answered directly, 3 times: the test's own sanity check
  early     an HTTP-413-style early reply: the server reads the header, answers and closes
            while the client still sends its body; 10 exchanges, each must get the reply
  stopread  the server stops reading (SHUT_RD) mid-upload, answers, answers again after the
            client's send failed: directly and through the tap alike
  bigdgram  300 KB datagrams to a datagram server and back (checked directly first)
  bigseq    a 3 MB seqpacket message each way (checked directly first)
  emptyseq  seqpacket messages "a", "" and "" sent just before close, 5 times
  echo      the same to udscope's echo server (at TAP), then the end (shutdown); the
            shell test reads from udscope's lines that both empty messages arrived
  pgsql     a client speaking PostgreSQL's protocol: startup, 3 queries, terminate
  forking   a server whose listening process forked the serving one and exited
Every wait has a deadline, so a broken tap fails the test instead of hanging it.
"""
import os
import signal
import socket
import struct
import sys
import threading

DEADLINE = float(os.environ.get("UDSCOPE_TEST_WAIT", "20"))
SO_SNDBUFFORCE = 32


class Skip(Exception):
    pass


def pattern(n, seed):
    return bytes((i * 7 + seed) % 251 for i in range(n))


def sock(kind):
    s = socket.socket(socket.AF_UNIX, kind)
    s.settimeout(DEADLINE)
    return s


def listener(path, kind=socket.SOCK_STREAM):
    if os.path.lexists(path):
        os.unlink(path)
    s = sock(kind)
    s.bind(path)
    if kind != socket.SOCK_DGRAM:
        s.listen(16)
    return s


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


def room_for(s, n):
    """Give S a send buffer for an N-byte message, or raise Skip."""
    for opt in (socket.SO_SNDBUF, SO_SNDBUFFORCE):
        try:
            s.setsockopt(socket.SOL_SOCKET, opt, n + 65536)
        except OSError:
            continue
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) >= n + 1024:
            return
    raise Skip("the kernel gives no %d-byte send buffer (net.core.wmem_max, not root)" % n)


# ---- an early reply ----

REPLY = b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
HEADER = b"POST /upload HTTP/1.1\r\nContent-Length: 8388608\r\n\r\n"


def early_server(srv, rounds):
    for _ in range(rounds):
        c, _ = srv.accept()
        c.settimeout(DEADLINE)
        got = b""
        while b"\r\n\r\n" not in got:
            d = c.recv(len(HEADER) - len(got))
            if not d:
                break
            got += d
        c.sendall(REPLY)
        c.close()          # the body's bytes still queued: a reset for the sender


def early_client(path):
    c = sock(socket.SOCK_STREAM)
    c.connect(path)
    body = b"x" * 65536
    try:
        c.sendall(HEADER)
        for _ in range(128):
            c.sendall(body)
    except (BrokenPipeError, ConnectionResetError):
        pass
    got = b""
    try:
        while True:
            d = c.recv(4096)
            if not d:
                break
            got += d
    except ConnectionResetError:
        pass
    c.close()
    return got


def early_rounds(tap, server, facts, rounds, key):
    srv = listener(server)
    t, box = run_thread(early_server, srv, rounds)
    good = sum(1 for _ in range(rounds) if early_client(tap) == REPLY)
    join(t, box, "server")
    srv.close()
    facts[key] = good
    assert good == rounds, "the early reply arrived in %d of %d exchanges" % (good, rounds)


def stopread_run(path, server):
    """The server stops reading (SHUT_RD) after the header, answers, and answers again after
    the client's send failed; how the client's send ends, and what it read."""
    srv = listener(server)
    failed = threading.Event()

    def serve():
        c, _ = srv.accept()
        c.settimeout(DEADLINE)
        got = b""
        while b"\r\n\r\n" not in got:
            got += c.recv(len(HEADER) - len(got))
        c.shutdown(socket.SHUT_RD)
        c.sendall(REPLY)
        failed.wait(DEADLINE)
        c.sendall(b"and more")
        c.close()
    t, box = run_thread(serve)
    c = sock(socket.SOCK_STREAM)
    c.connect(path)
    how = "sent all"
    # Blocking sends, bounded by an alarm: a socket with a timeout polls for room first, and
    # poll never says writable once the peer stopped reading with the send buffer full (its
    # bytes stay queued there), while a blocking send wakes with EPIPE.
    c.settimeout(None)
    signal.alarm(int(DEADLINE) + 1)
    try:
        c.sendall(HEADER)
        for _ in range(128):
            c.sendall(b"x" * 65536)
    except OSError as e:
        how = type(e).__name__
    signal.alarm(0)
    c.settimeout(DEADLINE)
    failed.set()
    got = b""
    end = "EOF"
    try:
        while True:
            d = c.recv(4096)
            if not d:
                break
            got += d
    except OSError as e:
        end = type(e).__name__
    c.close()
    join(t, box, "server")
    srv.close()
    return how, got, end


def stopread(tap, server, facts):
    direct = stopread_run(server, server)
    tapped = stopread_run(tap, server)
    assert direct[1] == REPLY + b"and more", direct
    # The end may differ: a Unix stream socket shows a reset only when it is closed with
    # bytes unread, and the tap may have read all the client's bytes before the server left.
    assert tapped[:2] == direct[:2], "through the tap %r, directly %r" % (tapped, direct)
    facts["client_saw"] = "%s, then %s" % (tapped[0], tapped[2])


def direct(tap, server, facts):
    early_rounds(server, server, facts, 3, "direct_ok")


def early(tap, server, facts):
    early_rounds(tap, server, facts, 10, "early_ok")


# ---- large messages ----

def bigdgram(tap, server, facts):
    n = 300000
    srv = listener(server, socket.SOCK_DGRAM)
    room_for(srv, n)

    def serve(times):
        for _ in range(times):
            d, addr = srv.recvfrom(n + 1)
            srv.sendto(d[::-1], addr)
    for where, times in ((server, 1), (tap, 2)):
        t, box = run_thread(serve, times)
        me = os.path.join(facts["_dir"], "dg-client")
        if os.path.lexists(me):
            os.unlink(me)
        c = sock(socket.SOCK_DGRAM)
        c.bind(me)
        room_for(c, n)
        for i in range(times):
            msg = pattern(n, i)
            c.sendto(msg, where)
            back = c.recv(n + 1)
            assert back == msg[::-1], "%s: %d bytes came back, not %d" % (
                "directly" if where == server else "through the tap", len(back), n)
        join(t, box, "server")
        c.close()
    facts["dgram_bytes"] = n


def bigseq(tap, server, facts):
    n = 3000000
    srv = listener(server, socket.SOCK_SEQPACKET)

    def serve():
        c, _ = srv.accept()
        c.settimeout(DEADLINE)
        room_for(c, n)
        d = c.recv(n + 1)
        c.send(d[::-1])
        assert c.recv(16) == b"", "no end after the message"
        c.close()
        return len(d)
    for where in (server, tap):
        t, box = run_thread(serve)
        c = sock(socket.SOCK_SEQPACKET)
        c.connect(where)
        room_for(c, n)
        msg = pattern(n, 5)
        c.send(msg)
        back = c.recv(n + 1)
        c.close()
        got = join(t, box, "server")
        side = "directly" if where == server else "through the tap"
        assert got == n, "%s: the server read a %d-byte message, not %d" % (side, got, n)
        assert back == msg[::-1], "%s: %d bytes came back, not %d" % (side, len(back), n)
    facts["seq_bytes"] = n


# ---- empty messages before the end ----

def messages_until_end(c):
    """The messages on C until its end: with SO_PASSCRED a message (even an empty one)
    brings credentials, the end none."""
    out = []
    while True:
        d, anc, _, _ = c.recvmsg(1 << 16, 256)
        if not d and not anc:
            return out
        out.append(d)


def emptyseq(tap, server, facts):
    srv = listener(server, socket.SOCK_SEQPACKET)
    sent = [b"a", b"", b""]
    rounds = 5

    def serve():
        got = []
        for _ in range(rounds):
            c, _ = srv.accept()
            c.settimeout(DEADLINE)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
            got.append(messages_until_end(c))
            c.close()
        return got
    t, box = run_thread(serve)
    for _ in range(rounds):
        c = sock(socket.SOCK_SEQPACKET)
        c.connect(tap)
        for m in sent:
            c.send(m)
        c.close()
    got = join(t, box, "server")
    facts["empty_rounds"] = sum(1 for g in got if g == sent)
    assert all(g == sent for g in got), "the server got %r, not %r each time" % (got, sent)


def echo(tap, server, facts):
    sent = [b"a", b"", b""]
    c = sock(socket.SOCK_SEQPACKET)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    c.connect(tap)
    for m in sent:
        c.send(m)
    c.shutdown(socket.SHUT_WR)
    got = messages_until_end(c)
    c.close()
    assert got[:1] == sent[:1], "the echo server sent back %r" % got


# ---- PostgreSQL's protocol, enough of it for a dissector ----

QUERIES = [b"SELECT 1", b"SELECT 'two'", b"SELECT 3 + 3"]


def pg_msg(kind, body):
    return kind + struct.pack("!I", len(body) + 4) + body


def pg_read(c, startup=False):
    """One message: (type byte or b"", body)."""
    def exact(n):
        got = b""
        while len(got) < n:
            d = c.recv(n - len(got))
            if not d:
                raise AssertionError("the peer closed mid-message")
            got += d
        return got
    kind = b"" if startup else exact(1)
    (length,) = struct.unpack("!I", exact(4))
    return kind, exact(length - 4)


def pg_server(srv):
    c, _ = srv.accept()
    c.settimeout(DEADLINE)
    pg_read(c, startup=True)
    c.sendall(pg_msg(b"R", struct.pack("!I", 0)) + pg_msg(b"Z", b"I"))
    seen = []
    while True:
        kind, body = pg_read(c)
        if kind == b"X":
            break
        assert kind == b"Q", kind
        seen.append(body.rstrip(b"\0"))
        c.sendall(pg_msg(b"C", b"SELECT 1\0") + pg_msg(b"Z", b"I"))
    c.close()
    return seen


def pgsql(tap, server, facts):
    srv = listener(server)
    t, box = run_thread(pg_server, srv)
    c = sock(socket.SOCK_STREAM)
    c.connect(tap)
    params = b"user\0postgres\0database\0postgres\0\0"
    c.sendall(struct.pack("!II", len(params) + 8, 196608) + params)
    assert pg_read(c) == (b"R", struct.pack("!I", 0))
    assert pg_read(c) == (b"Z", b"I")
    for q in QUERIES:
        c.sendall(pg_msg(b"Q", q + b"\0"))
        assert pg_read(c)[0] == b"C"
        assert pg_read(c)[0] == b"Z"
    c.sendall(pg_msg(b"X", b""))
    seen = join(t, box, "server")
    c.close()
    assert seen == QUERIES, seen
    facts["queries"] = len(QUERIES)


# ---- a forking daemon ----

def forking(tap, server, facts):
    """The process that listens forks the one that serves and exits (a daemon's start): the
    server's SO_PEERCRED then names a process that is gone."""
    r, w = os.pipe()
    daemon = os.fork()
    if daemon == 0:
        os.close(r)
        srv = listener(server)
        child = os.fork()
        if child == 0:
            try:
                c, _ = srv.accept()
                c.settimeout(DEADLINE)
                c.sendall(c.recv(100))
                c.close()
            finally:
                os._exit(0)
        os.write(w, b"%d %d\n" % (os.getpid(), child))
        os._exit(0)
    os.close(w)
    pids = os.read(r, 100).split()
    os.waitpid(daemon, 0)          # the process that listened is gone
    c = sock(socket.SOCK_STREAM)
    c.connect(tap)
    c.sendall(b"hello")
    assert c.recv(100) == b"hello"
    c.close()
    facts["listened"] = int(pids[0])
    facts["serves"] = int(pids[1])


def main():
    scenario, tap, server, outdir = sys.argv[1:5]
    facts = {"_dir": outdir}
    try:
        {"direct": direct, "early": early, "bigdgram": bigdgram, "bigseq": bigseq,
         "emptyseq": emptyseq, "echo": echo, "pgsql": pgsql,
         "forking": forking, "stopread": stopread}[scenario](tap, server, facts)
    except Skip as e:
        print("skip", e)
        sys.exit(77)
    except Exception as e:
        print("%s: %s: %s" % (scenario, type(e).__name__, e))
        ok = False
    else:
        ok = True
    with open(os.path.join(outdir, "facts"), "w") as f:
        for k, v in facts.items():
            if not k.startswith("_"):
                f.write("%s %s\n" % (k, v))
    print("ok" if ok else "not ok")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
