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


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], sys.argv[3])
    else:
        sys.exit(check(sys.argv[2]))
