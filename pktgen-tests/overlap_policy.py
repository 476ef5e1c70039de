#!/usr/bin/python3
"""overlap_policy.py — target-based reassembly, end to end through seam --pcap.

One request is sent twice over: a harmless copy and a copy whose bytes in
one span carry Transfer-Encoding beside Content-Length.  The two copies
overlap as out-of-order segments in the classic shapes, so which one the
server reads depends on its TCP stack.  The same conversation goes to one
server per overlap policy (each prefix configured for it) and to one under
the default.  Seam must read what each server reads: h1.cl_and_te exactly
where that stack keeps the smuggling copy, and tcp.overlap_conflict
everywhere (any overlap with other bytes is suspicious on every stack).

  overlap_policy.py gen OUT.pcap CONF     write the capture and Seam's config
  overlap_policy.py check EVE.json        compare the alerts with the table

The "linux" column is checked against the running kernel too (root, two
namespaces): a real socket reads what the same segments deliver.

  overlap_policy.py serve ADDR PORT OUT   (server netns) record what each connection reads
  overlap_policy.py client IFACE CIP SIP PORT OUT   (client netns) send every shape
"""
import json
import sys

from scapy.all import IP, TCP, Ether, wrpcap

HARMLESS = b"X-Padding-Field: abcdefghi"
SMUGGLE = b"Transfer-Encoding: chunked"
assert len(HARMLESS) == len(SMUGGLE)
HEAD = b"POST /upload HTTP/1.1\r\nHost: app.example\r\n"
TAIL = b"\r\nContent-Length: 0\r\n\r\n"

POLICIES = ["first", "last", "bsd", "linux", "windows", "solaris"]
DEFAULT = "linux"
# who reads the smuggling copy, per shape (see control/overlap.h)
SHAPES = {
    # held harmless [d, end); smuggling copy starts 4 bytes before, ends inside
    "starts-before": {"first": 0, "last": 1, "bsd": 1, "linux": 1, "windows": 0, "solaris": 0},
    # held harmless [d-4, d+30); smuggling copy starts inside, runs to the end
    "starts-inside": {"first": 0, "last": 1, "bsd": 0, "linux": 0, "windows": 0, "solaris": 1},
    # held harmless [d, d+26); smuggling copy same start, longer
    "same-start-longer": {"first": 0, "last": 1, "bsd": 0, "linux": 1, "windows": 0, "solaris": 1},
}


def server(i):
    return "10.0.%d.1" % (i + 1)


def targets():
    """(server address, policy) for every policy and the default."""
    out = [(server(i), p) for i, p in enumerate(POLICIES)]
    out.append(("10.0.99.1", DEFAULT))
    return out


def segments(shape):
    """[(stream offset, bytes)] in the order they are sent."""
    good = HEAD + HARMLESS + TAIL
    bad = HEAD + SMUGGLE + TAIL
    d = len(HEAD)
    if shape == "starts-before":
        held, new, fill = (d, good[d:]), (d - 4, bad[d - 4:d + 30]), (0, good[:d - 4])
    elif shape == "starts-inside":
        held, new, fill = (d - 4, good[d - 4:d + 30]), (d, bad[d:]), (0, good[:d - 4])
    else:
        held, new, fill = (d, good[d:d + 26]), (d, bad[d:d + 30]), (0, good[:d])
    segs = [held, new, fill]
    # whatever neither copy covered, so every stack reads a whole request
    end = max(o + len(b) for o, b in segs)
    if end < len(good):
        segs.append((end, good[end:]))
    return segs, len(good)


def conversation(pkts, t, cip, sip, sport, shape):
    cisn, sisn = 1000 + sport, 50000 + sport
    c = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src=cip, dst=sip, ttl=64)
    s = Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") / IP(src=sip, dst=cip, ttl=64)

    def add(p):
        p.time = t[0]
        t[0] += 0.001
        pkts.append(p)

    add(c / TCP(sport=sport, dport=80, flags="S", seq=cisn))
    add(s / TCP(sport=80, dport=sport, flags="SA", seq=sisn, ack=cisn + 1))
    add(c / TCP(sport=sport, dport=80, flags="A", seq=cisn + 1, ack=sisn + 1))
    segs, total = segments(shape)
    for off, data in segs:
        add(c / TCP(sport=sport, dport=80, flags="PA", seq=cisn + 1 + off, ack=sisn + 1) / data)
    add(s / TCP(sport=80, dport=sport, flags="A", seq=sisn + 1, ack=cisn + 1 + total))
    add(c / TCP(sport=sport, dport=80, flags="FA", seq=cisn + 1 + total, ack=sisn + 1))
    add(s / TCP(sport=80, dport=sport, flags="FA", seq=sisn + 1, ack=cisn + 2 + total))
    add(c / TCP(sport=sport, dport=80, flags="A", seq=cisn + 2 + total, ack=sisn + 2))


def flows():
    """(client, server, sport, shape, policy) for every flow in the capture."""
    out = []
    sport = 40000
    for shape in SHAPES:
        for sip, pol in targets():
            out.append(("192.0.2.10", sip, sport, shape, pol))
            sport += 1
    return out


def gen(pcap, conf):
    pkts, t = [], [1700000000.0]
    for cip, sip, sport, shape, _ in flows():
        conversation(pkts, t, cip, sip, sport, shape)
    wrpcap(pcap, pkts)
    lists = "\n".join('      %s = [ "%s/24" ];' % (p, server(i)) for i, p in enumerate(POLICIES))
    with open(conf, "w") as f:
        f.write('seam = {\n  reasm = {\n    policy = "%s";\n    target_policy = {\n%s\n    };\n  };\n};\n'
                % (DEFAULT, lists))


def check(eve):
    seen = {}
    for line in open(eve):
        r = json.loads(line)
        if r.get("event_type") != "alert":
            continue
        key = (r["dest_ip"], r["dest_port"], r["src_port"]) if r["dest_port"] == 80 else \
              (r["src_ip"], r["src_port"], r["dest_port"])
        seen.setdefault(key, set()).add(r["seam"]["finding"])
    bad = 0
    for cip, sip, sport, shape, pol in flows():
        got = seen.get((sip, 80, sport), set())
        want = SHAPES[shape][pol]
        ok = "tcp.overlap_conflict" in got and ("h1.cl_and_te" in got) == bool(want)
        if not ok:
            bad += 1
            print("%s under %s (%s): got %s, want%s h1.cl_and_te and tcp.overlap_conflict"
                  % (shape, pol, sip, sorted(got), "" if want else " no"), file=sys.stderr)
    n = len(flows())
    print("%d/%d flows read as their server's stack reads them" % (n - bad, n))
    return 1 if bad else 0


def serve(addr, port, out):
    import socket
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port)))
    ls.listen(16)
    ls.settimeout(30)
    got = {}
    while len(got) < len(SHAPES):
        c, peer = ls.accept()
        c.settimeout(10)
        data = b""
        while True:
            b = c.recv(65536)
            if not b:
                break
            data += b
        got[peer[1]] = data.decode("latin-1")
        c.close()
        with open(out + ".tmp", "w") as f:
            json.dump(got, f)
    import os
    os.rename(out + ".tmp", out)


def client(iface, cip, sip, port, out):
    """Play each shape against a live server; the kernel answers."""
    from scapy.all import conf, send, sr1
    import time
    conf.verb = 0
    conf.iface = iface
    sent = {}
    for k, shape in enumerate(SHAPES):
        sport, isn = 41000 + k, 7000 + 1000 * k
        ip = IP(src=cip, dst=sip)
        sa = sr1(ip / TCP(sport=sport, dport=int(port), flags="S", seq=isn), timeout=3, retry=2)
        if sa is None or not sa.haslayer(TCP) or sa[TCP].flags & 0x12 != 0x12:
            print("no SYN-ACK from the server for %s" % shape, file=sys.stderr)
            return 1
        ack = sa[TCP].seq + 1
        send(ip / TCP(sport=sport, dport=int(port), flags="A", seq=isn + 1, ack=ack))
        segs, total = segments(shape)
        for off, data in segs:
            send(ip / TCP(sport=sport, dport=int(port), flags="PA", seq=isn + 1 + off, ack=ack) / data)
            time.sleep(0.05)
        send(ip / TCP(sport=sport, dport=int(port), flags="FA", seq=isn + 1 + total, ack=ack))
        sent[sport] = shape
    with open(out, "w") as f:
        json.dump(sent, f)
    return 0


def kernel_check(sent, read):
    """Each shape as this kernel read it against the table's linux column."""
    sent, read = json.load(open(sent)), json.load(open(read))
    good = (HEAD + HARMLESS + TAIL).decode()
    bad = (HEAD + SMUGGLE + TAIL).decode()
    wrong = 0
    for sport, shape in sent.items():
        want = bad if SHAPES[shape]["linux"] else good
        got = read.get(sport)
        if got != want:
            wrong += 1
            print("%s: the kernel read %r, the linux policy says %r" % (shape, got, want), file=sys.stderr)
    print("%d/%d shapes: the running kernel reads what the linux policy reads"
          % (len(sent) - wrong, len(sent)))
    return 1 if wrong or len(sent) != len(SHAPES) else 0


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "gen":
        gen(sys.argv[2], sys.argv[3])
    elif cmd == "check":
        sys.exit(check(sys.argv[2]))
    elif cmd == "serve":
        serve(*sys.argv[2:5])
    elif cmd == "client":
        sys.exit(client(*sys.argv[2:7]))
    elif cmd == "kernel-check":
        sys.exit(kernel_check(sys.argv[2], sys.argv[3]))
