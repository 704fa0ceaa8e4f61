#!/usr/bin/env python3
"""watchpeers.py: the programs a watch test watches, and the check of what it saw.

run MODE PATH DIR: a server at PATH and a client (a child process) connect; once DIR/ready
is written they wait for DIR/go, then exchange known bytes and write DIR/facts (pids, the
bytes each way, counts) and DIR/done. MODE: stream, seqpacket, dgram, fds, many, sendfile
(a sendfile and a splice to the socket), race (sends racing
the accepts), big
(three sends of 10000 bytes), late
(the client connects after the watch started), early (the same, sending before the accept), mmsg (sendmmsg and recvmmsg through ctypes).
check MODE DIR OUT: compare the watch's --json events in OUT with DIR/facts; print "ok" or
what differs."""
import json, os, socket, sys, time, array, ctypes

def wait_file(p, secs=30):
    end = time.monotonic() + secs
    while not os.path.exists(p):
        if time.monotonic() > end:
            sys.exit("watchpeers: %s never came" % p)
        time.sleep(0.01)

def facts(d, **kw):
    with open(os.path.join(d, "facts.tmp"), "w") as f:
        json.dump(kw, f)
    os.rename(os.path.join(d, "facts.tmp"), os.path.join(d, "facts"))

def conv(mode, path, d):
    """stream/seqpacket/fds/many: a listener, one connection, known bytes both ways."""
    t = socket.SOCK_SEQPACKET if mode == "seqpacket" else socket.SOCK_STREAM
    srv = socket.socket(socket.AF_UNIX, t); srv.bind(path); srv.listen(1)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        c = socket.socket(socket.AF_UNIX, t); c.connect(path)
        wait_file(os.path.join(d, "go"))
        sent = 0
        if mode == "many":
            n = int(os.environ.get("WATCH_MANY", "200000"))
            for i in range(n):
                c.send(b"%015d\n" % i)
            sent = n
            c.shutdown(socket.SHUT_WR)
            c.recv(10)
        elif mode == "big":
            for i in range(3):
                c.sendall(bytes((i * 7 + k) % 256 for k in range(10000)))
            c.recv(10)
        elif mode == "sendfile":
            with open(os.path.join(d, "file.bin"), "wb") as f:
                f.write(b"s" * 5000)
            with open(os.path.join(d, "file.bin"), "rb") as f:
                while sent < 5000:
                    sent += os.sendfile(c.fileno(), f.fileno(), sent, 5000 - sent)
            pr, pw = os.pipe()
            os.write(pw, b"p" * 3000)
            moved = 0
            while moved < 3000:
                moved += os.splice(pr, c.fileno(), 3000 - moved)
            c.recv(10)
        elif mode == "fds":
            f = open(os.path.join(d, "passed.txt"), "w+")
            s1, s2 = socket.socketpair()
            c.sendmsg([b"F"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                array.array("i", [f.fileno(), s1.fileno()]))])
            c.recv(10)
        else:
            for i in range(5):
                c.send(b"question %d from the client" % i)
                c.recv(100)
        os.write(w, b"%d" % sent)
        os._exit(0)
    os.close(w)
    conn, _ = srv.accept()
    open(os.path.join(d, "ready"), "w").close()
    c2s, s2c = b"", b""
    if mode == "many":
        while conn.recv(65536):
            pass
        conn.send(b"k")
    elif mode == "sendfile":
        while len(c2s) < 8000:
            c2s += conn.recv(65536)
        conn.send(b"k")
        s2c = b"k"
    elif mode == "big":
        while len(c2s) < 30000:
            c2s += conn.recv(65536)
        conn.send(b"k")
        s2c = b"k"
    elif mode == "fds":
        msg, anc, flags, addr = conn.recvmsg(10, socket.CMSG_SPACE(8))
        for level, typ, data in anc:
            for fd in array.array("i", data[:8]):
                os.close(fd)
        conn.send(b"k")
    else:
        for i in range(5):
            q = conn.recv(100)
            a = b"answer %d from the server" % i
            conn.send(a)
            c2s += q; s2c += a
    sent = int(os.read(r, 32) or b"0")
    os.waitpid(pid, 0)
    facts(d, cpid=pid, spid=os.getpid(), c2s=c2s.hex(), s2c=s2c.hex(), sent=sent)

def race(path, d):
    """WATCH_RACE_N connections, each client sending 10 numbered messages as soon as it has
    connected, while the server accepts: sends racing the watch's accept. The server reads
    each connection to its end."""
    n = int(os.environ.get("WATCH_RACE_N", "200"))
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); srv.bind(path); srv.listen(8)
    open(os.path.join(d, "ready"), "w").close()
    wait_file(os.path.join(d, "go"))
    pid = os.fork()
    if pid == 0:
        for i in range(n):
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); c.connect(path)
            for k in range(10):
                c.send(b"c%03dm%d|" % (i, k))
            c.close()
        os._exit(0)
    got = []
    for i in range(n):
        conn, _ = srv.accept()
        b = b""
        while True:
            x = conn.recv(4096)
            if not x:
                break
            b += x
        got.append(b.hex())
        conn.close()
    os.waitpid(pid, 0)
    facts(d, cpid=pid, spid=os.getpid(), c2s="", s2c="", sent=n, each=got)

def late(path, d, early=False):
    """A listener only; once DIR/go is written (the watch has started) a client connects,
    waits until it is accepted (so its sends come after the accept), and talks. EARLY: the
    client's first bytes are sent before the server accepts."""
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); srv.bind(path); srv.listen(1)
    open(os.path.join(d, "ready"), "w").close()
    wait_file(os.path.join(d, "go"))
    pid = os.fork()
    if pid == 0:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); c.connect(path)
        if early:
            c.send(b"early bytes ")
            open(os.path.join(d, "sent"), "w").close()
        wait_file(os.path.join(d, "accepted"))
        for i in range(5):
            c.send(b"late question %d" % i)
            c.recv(100)
        os._exit(0)
    if early:
        wait_file(os.path.join(d, "sent"))
    conn, _ = srv.accept()
    open(os.path.join(d, "accepted"), "w").close()
    c2s, s2c = (conn.recv(12) if early else b""), b""
    for i in range(5):
        q = conn.recv(100)
        a = b"late answer %d" % i
        conn.send(a)
        c2s += q; s2c += a
    os.waitpid(pid, 0)
    facts(d, cpid=pid, spid=os.getpid(), c2s=c2s.hex(), s2c=s2c.hex(), sent=0)

class Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]

class Msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(Iovec)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]

class Mmsghdr(ctypes.Structure):
    _fields_ = [("hdr", Msghdr), ("len", ctypes.c_uint)]

LIBC = ctypes.CDLL(None, use_errno=True)

def mmsg_vec(bufs, to=None):
    """A vector of len(bufs) messages over the ctypes buffers BUFS (to address TO)."""
    v = (Mmsghdr * len(bufs))()
    keep = []
    for i, b in enumerate(bufs):
        iov = Iovec(ctypes.cast(b, ctypes.c_void_p), len(b))
        keep.append(iov)
        v[i].hdr.iov = ctypes.pointer(iov); v[i].hdr.iovlen = 1
        if to is not None:
            v[i].hdr.name = ctypes.cast(to, ctypes.c_void_p); v[i].hdr.namelen = len(to)
    return v, keep

def sendmmsg(sock, msgs, to=None):
    """Send MSGS in one sendmmsg call (to the path TO)."""
    addr = None
    if to is not None:
        addr = ctypes.create_string_buffer(b"\x01\x00" + to.encode(), 2 + len(to))
    bufs = [ctypes.create_string_buffer(m, len(m)) for m in msgs]
    v, keep = mmsg_vec(bufs, addr)
    n = LIBC.sendmmsg(sock.fileno(), v, len(msgs), 0)
    if n != len(msgs):
        sys.exit("watchpeers: sendmmsg sent %d of %d" % (n, len(msgs)))

def recvmmsg(sock, count):
    """Receive COUNT datagrams with recvmmsg calls (each takes what waits, at least one)."""
    got = []
    while len(got) < count:
        bufs = [ctypes.create_string_buffer(100) for _ in range(count - len(got))]
        v, keep = mmsg_vec(bufs)
        n = LIBC.recvmmsg(sock.fileno(), v, len(bufs), 0x10000, None)  # MSG_WAITFORONE
        if n <= 0:
            sys.exit("watchpeers: recvmmsg: %s" % os.strerror(ctypes.get_errno()))
        got += [bufs[i].raw[:v[i].len] for i in range(n)]
    return got

def mmsg(path, d):
    """A bound datagram server takes WATCH_MMSG_N (3) datagrams with recvmmsg and answers
    with as many in one sendmmsg; the client sends its own with one sendmmsg."""
    n = int(os.environ.get("WATCH_MMSG_N", "3"))
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); srv.bind(path)
    cpath = path + ".c"
    pid = os.fork()
    if pid == 0:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); c.bind(cpath); c.connect(path)
        wait_file(os.path.join(d, "go"))
        sendmmsg(c, [b"mmsg question %d" % i for i in range(n)])
        for i in range(n):
            c.recv(100)
        os._exit(0)
    open(os.path.join(d, "ready"), "w").close()
    q = recvmmsg(srv, n)
    a = [b"mmsg answer %d" % i for i in range(n)]
    sendmmsg(srv, a, cpath)
    os.waitpid(pid, 0)
    os.unlink(cpath)
    facts(d, cpid=pid, spid=os.getpid(), c2s=b"".join(q).hex(), s2c=b"".join(a).hex(), sent=n)

def dgram(path, d):
    """A bound datagram server; an autobound client sends to it and reads the replies."""
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); srv.bind(path)
    pid = os.fork()
    if pid == 0:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); c.bind("")
        wait_file(os.path.join(d, "go"))
        for i in range(4):
            c.sendto(b"datagram %d" % i, path)
            c.recv(100)
        os._exit(0)
    open(os.path.join(d, "ready"), "w").close()
    c2s, s2c = b"", b""
    for i in range(4):
        q, addr = srv.recvfrom(100)
        a = b"reply %d" % i
        srv.sendto(a, addr)
        c2s += q; s2c += a
    os.waitpid(pid, 0)
    facts(d, cpid=pid, spid=os.getpid(), c2s=c2s.hex(), s2c=s2c.hex(), sent=0)

def http(path, d):
    """One HTTP request over a Unix socket, answered by hand (what curl --unix-socket asks)."""
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); srv.bind(path); srv.listen(1)
    srv.settimeout(60)
    open(os.path.join(d, "ready"), "w").close()
    conn, _ = srv.accept()
    req = b""
    while b"\r\n\r\n" not in req:
        b = conn.recv(4096)
        if not b:
            break
        req += b
    body = b"hello from python3\n"
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                 b"Connection: close\r\n\r\n%s" % (len(body), body))
    conn.close()

def pcap_records(path):
    """The payload of each record of a classic pcap file (its link-layer header included)."""
    import struct
    data = open(path, "rb").read()
    end = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    recs, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        recs.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return recs

def check(mode, d, out):
    f = json.load(open(os.path.join(d, "facts")))
    evs = [json.loads(l) for l in open(out) if l.startswith("{")]
    chunks = [e for e in evs if e.get("source") == "watch" and e.get("kind") == "recv"]
    parts = {"client->server": [], "server->client": []}
    pids = {"client->server": set(), "server->client": set()}
    for e in chunks:
        parts[e["direction"]].append(bytes.fromhex(e["data"]))
        pids[e["direction"]].add(e.get("pid"))
    got = {k: b"".join(v) for k, v in parts.items()}
    bad = []
    if mode == "many":
        lost = sum(int(e["text"].split()[0]) for e in evs
                   if "calls not seen: the ring buffer was full" in e.get("text", ""))
        seen = sum(1 for e in chunks if e["direction"] == "client->server")
        # The server's one reply ("k") is a watched call too, seen or counted as not seen.
        back = sum(1 for e in chunks if e["direction"] == "server->client")
        if seen + back + lost != f["sent"] + 1:
            bad.append("sender made %d calls (and the server 1); seen %d + %d, not seen %d"
                       % (f["sent"], seen, back, lost))
        print("ok" if not bad else "; ".join(bad), "sent=%d seen=%d lost=%d" % (f["sent"], seen, lost))
        return
    if mode == "mmsg" and f["sent"] > 8:
        # Every message of a vector is a line (the bytes and pids are compared below), and
        # none is left counted as not decoded.
        und = [int(e["text"].split("; ")[-1].split()[0]) for e in evs
               if "messages not decoded (past" in e.get("text", "")]
        if und != [0]:
            bad.append("watch status: %s messages not decoded, want 0" % und)
    if mode == "race":
        # Each connection's bytes exactly once, whether its sends were seen at the client
        # (the accept confirmed its end) or at the server (bytes waited, or a send raced).
        per = {}
        for e in chunks:
            per.setdefault(e["connection"], []).append(e)
        seen = sorted(b"".join(bytes.fromhex(e["data"]) for e in v).hex() for v in per.values())
        want = sorted(f["each"])
        at = [e.get("cred_source") for v in per.values() for e in v[:1]]
        if seen != want:
            extra = [bytes.fromhex(x) for x in seen if x not in want][:3]
            bad.append("%d connections seen, %d made; not as sent: %s" % (len(seen), len(want), extra))
        print("ok" if not bad else "; ".join(bad), "sender=%d receiver=%d"
              % (at.count("sender"), at.count("receiver")))
        return
    if mode == "sendfile":
        # The lengths of a sendfile and a splice to the socket, their bytes not seen.
        c = [(e["bytes"], e["data"], e.get("pid")) for e in chunks
             if e["direction"] == "client->server"]
        said = [e["text"] for e in evs if "contents not seen" in e.get("text", "")]
        if sum(n for n, _, _ in c) != 8000 or any(b for _, b, _ in c) or \
                {p for _, _, p in c} != {f["cpid"]}:
            bad.append("client->server: %s" % c)
        if not said or not all(t.startswith(("sendfile: ", "splice: ")) for t in said) or \
                not any(t.startswith("splice: ") for t in said):
            bad.append("said: %s" % said)
        print("ok" if not bad else "; ".join(bad)); return
    if mode == "big":
        # Each 10000-byte send is one call: its length whole, its first bytes (the line
        # shows a preview of the --snap bytes kept).
        want = bytes.fromhex(f["c2s"])
        c = [e for e in chunks if e["direction"] == "client->server"]
        got = [(e["bytes"], bytes.fromhex(e["data"]), e["truncated"]) for e in c]
        exp = [(10000, want[i * 10000:i * 10000 + len(g[1])], True) for i, g in enumerate(got)]
        if len(got) != 3 or any(len(g[1]) < 100 for g in got):
            bad.append("want 3 calls with their first bytes")
        # The --snap bytes kept, as the capture file holds them: 4096 of each, no more.
        # Record by record: the bytes after a record are the next one's header, and a
        # search through the whole file would find a 4097th byte there by chance.
        recs = pcap_records(os.path.join(d, "..", "big.pcap"))
        for i in range(3):
            kept = want[i * 10000:i * 10000 + 4096]
            if not any(r.endswith(kept) for r in recs) or \
                    any(want[i * 10000:i * 10000 + 4097] in r for r in recs):
                bad.append("the capture file does not hold exactly 4096 bytes of call %d" % i)
        if got != exp:
            bad.append("saw %s" % [(n, len(b), t) for n, b, t in got])
        if os.environ.get("WATCH_BIG_FULL") and [len(b) for _, b, _ in got] != [4096] * 3:
            bad.append("--bytes full kept %s bytes" % [len(b) for _, b, _ in got])
        print("ok" if not bad else "; ".join(bad)); return
    if mode == "fds":
        if not any("2 descriptors passed with it (SCM_RIGHTS): a regular file, a socket"
                   in e.get("text", "") for e in evs):
            bad.append("no line says the two descriptors' kinds")
        if not any(e.get("fds") == 2 for e in chunks):
            bad.append("no chunk counts 2 fds")
        print("ok" if not bad else "; ".join(bad)); return
    # A datagram comes from a sender that is not watched: it is seen as the server receives it,
    # and that line names the receiver.
    cpid = "spid" if mode in ("dgram", "mmsg", "early") else "cpid"
    for way, key, pid in (("client->server", "c2s", cpid), ("server->client", "s2c", "spid")):
        want = bytes.fromhex(f[key])
        if got[way] != want:
            bad.append("%s: saw %r, sent %r" % (way, got[way], want))
        if pids[way] != {f[pid]}:
            bad.append("%s: pids %s, want %d" % (way, sorted(pids[way]), f[pid]))
    print("ok" if not bad else "; ".join(bad))

if __name__ == "__main__":
    if sys.argv[1] == "run":
        mode, path, d = sys.argv[2:5]
        if mode == "http":
            http(path, d)
        elif mode == "dgram":
            dgram(path, d)
        elif mode == "mmsg":
            mmsg(path, d)
        elif mode == "race":
            race(path, d)
        elif mode in ("late", "early"):
            late(path, d, mode == "early")
        else:
            conv(mode, path, d)
        open(os.path.join(d, "done"), "w").close()
    else:
        check(*sys.argv[2:5])
