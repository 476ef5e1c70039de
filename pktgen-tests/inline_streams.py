#!/usr/bin/python3
"""inline_streams.py — inline, the receiver gets exactly the stream Seam inspected.

A client in its own namespace plays one request per delivery shape with raw
segments (whole, 9-byte pieces, reversed, duplicated, overlapping copies,
overlapping copies with other bytes, a late retransmission with other
bytes), through `seam --inline`, to a real server socket that records what
it read and answers.  Seam's flow events carry a CRC-32 of the bytes it
inspected each way (eve.stream_digest); they must equal the CRC-32 of what
the server read and of what it answered, and what the server read must be
the first copy of every byte (Seam drops a copy that differs from it).

  inline_streams.py serve ADDR PORT OUT             (server netns)
  inline_streams.py client IFACE CIP SIP PORT OUT   (client netns; CIP spoofed)
  inline_streams.py check SENT READ EVE.json
"""
import json
import os
import socket
import sys
import time
import zlib

BODY = b"".join(b"field%03d=value-%03d&" % (i, i * 7 % 1000) for i in range(40))
REQ = (b"POST /submit HTTP/1.1\r\nHost: app.example\r\nUser-Agent: shapes/1\r\n"
       b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(BODY)) + BODY
RESP = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 600\r\n\r\n" + b"r" * 600


def other(b):
    """The same length, other bytes (keeps the request well-formed: only
    body bytes are altered)."""
    return bytes(c ^ 0x01 if c in b"0123456789" else c for c in b)


def shape(name):
    """[(offset, bytes)] in sending order."""
    n, d = len(REQ), len(REQ) - len(BODY)   # d: where the body starts
    if name == "whole":
        return [(0, REQ)]
    if name == "pieces9":
        return [(o, REQ[o:o + 9]) for o in range(0, n, 9)]
    if name == "reversed":
        return [(o, REQ[o:o + 60]) for o in reversed(range(0, n, 60))]
    if name == "duplicated":
        return [s for o in range(0, n, 100) for s in [(o, REQ[o:o + 100])] * 2]
    if name == "overlapping":
        return [(o, REQ[o:o + 100]) for o in range(0, n, 50)]
    if name == "held-then-other":       # a held copy, then one with other bytes
        return [(d + 100, REQ[d + 100:]), (d + 100, other(REQ[d + 100:])), (0, REQ[:d + 100])]
    if name == "other-first":           # the other bytes arrive first: they are the stream
        return [(d + 100, other(REQ[d + 100:d + 200])), (d + 100, REQ[d + 100:]), (0, REQ[:d + 100]),
                (d + 200, REQ[d + 200:])]
    if name == "runs-into-held":        # an in-order copy that disagrees with held bytes
        return [(d + 50, REQ[d + 50:]), (0, REQ[:d + 50] + other(REQ[d + 50:d + 90])), (0, REQ[:d + 50])]
    if name == "late-retransmission":   # delivered bytes, then again with other bytes
        return [(0, REQ[:d + 80]), (d, other(REQ[d:d + 80])), (d + 80, REQ[d + 80:])]
    raise KeyError(name)


SHAPES = ["whole", "pieces9", "reversed", "duplicated", "overlapping", "held-then-other",
          "other-first", "runs-into-held", "late-retransmission"]


def first_copy(segs):
    """The stream a first-copy-wins normaliser lets through: a segment that
    disagrees with any byte already taken is refused whole."""
    taken = {}
    for off, b in segs:
        if any(taken.get(off + i, c) != c for i, c in enumerate(b)):
            continue
        for i, c in enumerate(b):
            taken.setdefault(off + i, c)
    out = bytearray()
    while len(out) in taken:
        out.append(taken[len(out)])
    return bytes(out)


def serve(addr, port, out):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port)))
    ls.listen(16)
    ls.settimeout(60)
    got = {}
    while len(got) < len(SHAPES):
        c, peer = ls.accept()
        c.settimeout(10)
        data = b""
        while len(data) < len(REQ):
            b = c.recv(65536)
            if not b:
                break
            data += b
        c.sendall(RESP)
        while c.recv(65536):      # until the client's FIN
            pass
        c.close()
        got[str(peer[1])] = data.decode("latin-1")
    with open(out + ".tmp", "w") as f:
        json.dump(got, f)
    os.rename(out + ".tmp", out)


def client(iface, cip, sip, port, out):
    from scapy.all import IP, TCP, AsyncSniffer, conf, send, sr1
    conf.verb = 0
    conf.iface = iface
    port = int(port)
    sent = {}
    for k, name in enumerate(SHAPES):
        sport, isn = 42000 + k, 90000 + 7919 * k
        ip = IP(src=cip, dst=sip)
        sa = sr1(ip / TCP(sport=sport, dport=port, flags="S", seq=isn), timeout=3, retry=2)
        if sa is None or not sa.haslayer(TCP) or sa[TCP].flags & 0x12 != 0x12:
            print("%s: no SYN-ACK through seam" % name, file=sys.stderr)
            return 1
        rcv = [sa[TCP].seq + 1]
        end = isn + 1 + len(REQ)

        def ack(p):   # acknowledge what the server sends, so it closes cleanly
            if not p.haslayer(TCP) or p[TCP].sport != port or p[TCP].dport != sport:
                return
            t = p[TCP]
            nxt = t.seq + len(bytes(t.payload)) + (1 if t.flags & 0x01 else 0)
            if nxt - rcv[0] > 0 and t.seq - rcv[0] <= 0:
                rcv[0] = nxt
            send(ip / TCP(sport=sport, dport=port, flags="A", seq=end + (1 if fin[0] else 0), ack=rcv[0]))

        fin = [False]
        sn = AsyncSniffer(iface=iface, filter="tcp and src host %s and src port %d" % (sip, port), prn=ack,
                          store=False)
        sn.start()
        time.sleep(0.2)
        send(ip / TCP(sport=sport, dport=port, flags="A", seq=isn + 1, ack=rcv[0]))
        segs = shape(name)
        for off, data in segs:
            send(ip / TCP(sport=sport, dport=port, flags="PA", seq=isn + 1 + off, ack=rcv[0]) / data)
            time.sleep(0.01)
        time.sleep(0.5)
        send(ip / TCP(sport=sport, dport=port, flags="FA", seq=end, ack=rcv[0]))
        fin[0] = True
        time.sleep(1.0)
        sn.stop()
        sent[str(sport)] = {"shape": name, "segments": [[o, d.decode("latin-1")] for o, d in segs]}
    with open(out, "w") as f:
        json.dump(sent, f)
    return 0


def check(sent_f, read_f, eve_f):
    sent, read = json.load(open(sent_f)), json.load(open(read_f))
    flows = {}
    for line in open(eve_f):
        r = json.loads(line)
        if r.get("event_type") == "flow" and "seam" in r:
            flows[str(r["src_port"])] = r["seam"]["stream"]
    bad = 0
    for sport, s in sent.items():
        segs = [(o, d.encode("latin-1")) for o, d in s["segments"]]
        want = first_copy(segs)
        got = read.get(sport, "").encode("latin-1")
        st = flows.get(sport)
        problems = []
        if got != want:
            problems.append("the server read %d bytes, not the %d-byte first-copy stream" % (len(got), len(want)))
        if st is None:
            problems.append("no flow event with a stream digest")
        else:
            if st["to_server"]["crc32"] != "%08x" % zlib.crc32(got) or st["to_server"]["bytes"] != len(got):
                problems.append("inspected %d bytes crc %s, the server read %d bytes crc %08x" %
                                (st["to_server"]["bytes"], st["to_server"]["crc32"], len(got), zlib.crc32(got)))
            if st["to_client"]["crc32"] != "%08x" % zlib.crc32(RESP):
                problems.append("inspected response crc %s, the server sent %08x" %
                                (st["to_client"]["crc32"], zlib.crc32(RESP)))
        if problems:
            bad += 1
            print("%s: %s" % (s["shape"], "; ".join(problems)), file=sys.stderr)
    print("%d/%d deliveries: the server read exactly the stream seam inspected, both ways"
          % (len(sent) - bad, len(sent)))
    return 1 if bad or len(sent) != len(SHAPES) else 0


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "serve":
        serve(*sys.argv[2:5])
    elif cmd == "client":
        sys.exit(client(*sys.argv[2:7]))
    elif cmd == "check":
        sys.exit(check(*sys.argv[2:5]))
