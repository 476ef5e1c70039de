#!/usr/bin/env python3
"""tcp_rules.py — TCP control read as the receiving hosts read it, offline.

Builds one capture (scapy) of small conversations, each on its own client
port, and checks seam's EVE output against what each must give:

  - a RST exactly at the receiver's next byte ends the flow: what follows is
    not inspected (an attack behind it raises no alert, only
    tcp.data_after_rst), the flow record says closed;
  - a RST inside the window but past that byte only draws a challenge ACK
    (RFC 5961 §3.2): the attack behind it is inspected and alerts, with a
    tcp.rst_challenged anomaly;
  - keepalive probes on idle browsing flows -- Windows' one byte 0x00 at
    snd_nxt - 1, Linux's empty segment there, from either side -- raise no
    alert; a changed byte at the end of data not yet acknowledged is still
    tcp.overlap_conflict;
  - the urgent pointer on telnet and FTP is an anomaly
    (tcp.urgent_non_http), on HTTP an alert (tcp.urgent_data), also when the
    segment that carries it is too short to tell the protocol.

  tcp_rules.py gen OUT.pcap SPEC.json
  tcp_rules.py check SPEC.json EVE.json
"""
import json
import sys

CLI, SRV = "10.9.0.1", "10.9.0.2"
ATTACK = (b"POST / HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 6\r\n"
          b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nG")
GET = b"GET /index.html HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: Mozilla/5.0\r\nAccept: */*\r\n\r\n"
RESP = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 12\r\n\r\nhello world\n"


class Conv:
    """Two hosts' packets with consistent sequence numbers."""

    def __init__(self, out, t0, cport, sport=80):
        self.out, self.t, self.cport, self.sport = out, t0, cport, sport
        self.cseq, self.sseq = 0x1000 + cport * 7919, 0x80000000 + cport * 104729

    def pkt(self, from_srv, flags, seq, data=b"", urg=0, gap=0.001):
        from scapy.all import Ether, IP, TCP
        src, dst = (SRV, CLI) if from_srv else (CLI, SRV)
        sp, dp = (self.sport, self.cport) if from_srv else (self.cport, self.sport)
        ack = self.cseq if from_srv else self.sseq
        p = (Ether(src="02:00:00:00:00:0%d" % (2 if from_srv else 1), dst="02:00:00:00:00:0%d" % (1 if from_srv else 2)) /
             IP(src=src, dst=dst, ttl=64) /
             TCP(sport=sp, dport=dp, flags=flags, seq=seq & 0xffffffff,
                 ack=ack & 0xffffffff if "A" in flags else 0,
                 window=65535, urgptr=urg) / data)
        self.t += gap
        p.time = self.t
        self.out.append(p)

    def handshake(self):
        self.pkt(0, "S", self.cseq)
        self.cseq += 1
        self.pkt(1, "SA", self.sseq)
        self.sseq += 1
        self.pkt(0, "A", self.cseq)

    def send(self, from_srv, data, flags="PA", urg=0, acked=True):
        seq = self.sseq if from_srv else self.cseq
        self.pkt(from_srv, flags + ("U" if urg else ""), seq, data, urg)
        if from_srv:
            self.sseq += len(data)
        else:
            self.cseq += len(data)
        if acked:
            self.pkt(not from_srv, "A", self.cseq if from_srv else self.sseq)

    def rst(self, from_srv, past=0):
        """A RST at the receiver's next byte plus past."""
        self.pkt(from_srv, "RA", (self.sseq if from_srv else self.cseq) + past)

    def close(self):
        self.pkt(0, "FA", self.cseq)
        self.cseq += 1
        self.pkt(1, "FA", self.sseq)
        self.sseq += 1
        self.pkt(0, "A", self.cseq)


def gen(pcap, spec_path):
    from scapy.all import wrpcap
    out, spec = [], {}
    t = 1764550800.0

    def flow(name, cport, sport=80, **want):
        spec[name] = dict(cport=cport, sport=sport, **want)
        return Conv(out, t + cport, cport, sport)

    # -- RSTs ---------------------------------------------------------------
    c = flow("rst_exact_ends_flow", 30001, alerts=[], anomalies=["tcp.data_after_rst"],
             state="closed", reason="closed", to_server=len(GET))
    c.handshake()
    c.send(0, GET)
    c.send(1, RESP)
    c.rst(0)                          # exactly at the server's next byte
    c.send(0, ATTACK, acked=False)    # a dead connection: never read, never judged

    c = flow("rst_exact_before_any_data", 30002, alerts=[], anomalies=["tcp.data_after_rst"], to_server=0)
    c.handshake()
    c.rst(0)
    c.send(0, ATTACK, acked=False)

    c = flow("rst_challenged_then_attack", 30003, alerts=["h1.cl_and_te"], anomalies=["tcp.rst_challenged"],
             to_server=len(GET) + len(ATTACK))
    c.handshake()
    c.send(0, GET)
    c.send(1, RESP)
    c.rst(0, past=1000)               # in the window, not at its start
    c.pkt(1, "A", c.sseq)             # the server's challenge ACK
    c.send(0, ATTACK)
    c.send(1, RESP)
    c.close()

    c = flow("rst_challenged_before_any_data", 30004, alerts=["h1.cl_and_te"], anomalies=["tcp.rst_challenged"])
    c.handshake()
    c.rst(0, past=1)
    c.pkt(1, "A", c.sseq)
    c.send(0, ATTACK)
    c.close()

    c = flow("rst_challenged_from_server_side", 30005, alerts=["h1.cl_and_te"], anomalies=["tcp.rst_challenged"])
    c.handshake()
    c.send(0, GET)
    c.send(1, RESP)
    c.rst(1, past=40000)
    c.pkt(0, "A", c.cseq)
    c.send(0, ATTACK)
    c.close()

    c = flow("rst_after_fin_benign", 30006, alerts=[], state="closed")
    c.handshake()
    c.send(0, GET)
    c.send(1, RESP)
    c.pkt(0, "FA", c.cseq)            # the client closes ...
    c.cseq += 1
    c.pkt(1, "A", c.sseq)
    c.pkt(0, "RA", c.cseq - 1)        # ... and resets at its FIN's number (rcv_nxt - 1)

    # -- keepalive probes ---------------------------------------------------
    c = flow("keepalive_windows_browsing", 30011, alerts=[])
    c.handshake()
    c.send(0, GET)
    c.send(1, RESP)
    for _ in range(3):                # idle: one byte 0x00 at snd_nxt - 1, answered
        c.pkt(0, "A", c.cseq - 1, b"\x00", gap=45.0)
        c.pkt(1, "A", c.sseq)
    c.send(0, GET.replace(b"index", b"next"))
    c.send(1, RESP)
    c.pkt(1, "A", c.sseq - 1, b"\x00", gap=45.0)   # IIS probes the client too
    c.pkt(0, "A", c.cseq)
    c.close()

    c = flow("keepalive_linux_browsing", 30012, alerts=[])
    c.handshake()
    c.send(0, GET)
    c.send(1, RESP)
    for _ in range(3):
        c.pkt(0, "A", c.cseq - 1, gap=45.0)
        c.pkt(1, "A", c.sseq)
        c.pkt(1, "A", c.sseq - 1)
        c.pkt(0, "A", c.cseq)
    c.send(0, GET)
    c.send(1, RESP)
    c.close()

    c = flow("keepalive_before_any_data", 30013, alerts=[])
    c.handshake()
    c.pkt(0, "A", c.cseq - 1, b"\x00", gap=45.0)   # at the ISN: the SYN's number
    c.pkt(1, "A", c.sseq)
    c.send(0, GET)
    c.send(1, RESP)
    c.close()

    c = flow("changed_last_byte_not_yet_acknowledged", 30014, alerts=["tcp.overlap_conflict"])
    c.handshake()
    c.send(0, GET, acked=False)
    c.pkt(0, "PA", c.cseq - 1, b"\x00")            # before the server acknowledged it
    c.pkt(1, "A", c.sseq)
    c.send(1, RESP)
    c.close()

    # -- urgent pointer -----------------------------------------------------
    c = flow("urgent_on_telnet", 30021, sport=23, alerts=[], anomalies=["tcp.urgent_non_http"])
    c.handshake()
    c.send(1, b"\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27")
    c.send(0, b"\xff\xfb\x18\xff\xfb\x20\xff\xfb\x23\xff\xfb\x27")
    c.send(1, b"login: ")
    c.send(0, b"alice\r\n")
    c.send(0, b"\xff\xf4\xff\xf2", urg=4)          # interrupt: IAC IP, IAC DM (urgent)
    c.close()

    c = flow("urgent_on_ftp_abort", 30022, sport=21, alerts=[], anomalies=["tcp.urgent_non_http"])
    c.handshake()
    c.send(1, b"220 ProFTPD Server ready.\r\n")
    c.send(0, b"USER anonymous\r\n")
    c.send(1, b"331 Password required\r\n")
    c.send(0, b"\xff\xf4\xff\xf2", urg=3)           # RFC 959 ABOR: IAC IP, then IAC DM urgent
    c.send(0, b"ABOR\r\n")
    c.send(1, b"226 Abort successful\r\n")
    c.close()

    c = flow("urgent_on_http", 30023, alerts=["tcp.urgent_data"])
    c.handshake()
    c.send(0, GET, urg=5)
    c.send(1, RESP)
    c.close()

    c = flow("urgent_on_http_before_it_is_known", 30024, alerts=["tcp.urgent_data"])
    c.handshake()
    c.send(0, GET[:3], urg=1)                       # "GET": not yet known to be HTTP
    c.send(0, GET[3:])
    c.send(1, RESP)
    c.close()

    c = flow("urgent_on_http_response", 30025, alerts=["tcp.urgent_data"])
    c.handshake()
    c.send(0, GET)
    c.send(1, RESP, urg=2)
    c.close()

    out.sort(key=lambda p: p.time)
    wrpcap(pcap, out)
    json.dump(dict(flows=spec, counters=dict(rst_challenged=3, keepalive_probe=5, urgent=5)),
              open(spec_path, "w"), indent=1)


def check(spec_path, eve_path):
    spec = json.load(open(spec_path))
    ev = [json.loads(line) for line in open(eve_path)]
    by_port = {}
    for e in ev:
        if e.get("src_ip") == CLI:
            by_port.setdefault(e["src_port"], []).append(e)
    fails = []
    for name, w in spec["flows"].items():
        es = by_port.get(w["cport"], [])
        alerts = {e["seam"]["finding"] for e in es if e["event_type"] == "alert"}
        anomalies = {e["seam"]["finding"] for e in es if e["event_type"] == "anomaly"}
        flows = [e for e in es if e["event_type"] == "flow"]
        why = []
        if not w["alerts"] and alerts:
            why.append("alerted: %s" % sorted(alerts))
        for a in w["alerts"]:
            if a not in alerts:
                why.append("no %s alert (alerts %s)" % (a, sorted(alerts)))
        for a in w.get("anomalies", []):
            if a not in anomalies:
                why.append("no %s anomaly (anomalies %s)" % (a, sorted(anomalies)))
        if len(flows) != 1:
            why.append("%d flow records" % len(flows))
        else:
            fl = flows[0]
            for k in ("state", "reason"):
                if k in w and fl["flow"][k] != w[k]:
                    why.append("flow %s %s, want %s" % (k, fl["flow"][k], w[k]))
            if "to_server" in w:
                got = fl.get("seam", {}).get("stream", {}).get("to_server", {}).get("bytes", 0)
                if got != w["to_server"]:
                    why.append("inspected %d bytes to the server, want %d" % (got, w["to_server"]))
        print("%s - %s%s" % ("not ok" if why else "ok", name, (": " + "; ".join(why)) if why else ""))
        if why:
            fails.append(name)
    st = [e for e in ev if e["event_type"] == "stats"][-1]["seam"]["counters"]["tcp"]
    for k, n in spec["counters"].items():
        ok = st.get(k, 0) >= n
        print("%s - counter tcp.%s = %s (at least %d)" % ("ok" if ok else "not ok", k, st.get(k), n))
        if not ok:
            fails.append(k)
    return 1 if fails else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "gen":
        gen(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
