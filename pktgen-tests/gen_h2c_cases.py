#!/usr/bin/python3
"""gen_h2c_cases.py — writes corpus/h2c_authority.case,
corpus/benign_h2c_clients.case and corpus/h2c_forwarding.case (format:
corpus.h).

Benign conversations are made by python3-h2 on both ends, set up the way
real clients and servers announce themselves (Chrome, Firefox, Go, curl):
tables grown to 64 KiB, size updates, 8 KB cookies, header blocks over
16 KiB in CONTINUATIONs, frames over 16 KiB where the receiver allowed
them.  Header blocks for nghttp2-style peers come from libnghttp2's own
deflater.  Attacks are written frame by frame with python3-hpack, since a
conforming library refuses to send them.

    ./gen_h2c_cases.py [corpus-dir]
    ./gen_h2c_cases.py --from-pcap CAPTURE PORT NAME   one benign case from a capture

Captures of real clients in captures/ become benign cases too (server port
in the name's table below): nghttp and curl against nghttpd, both ends
announcing 64 KiB tables, an 8 KB cookie, DATA over 16 KiB.  They were
made on loopback with tcpdump:
    nghttpd --no-tls -d WWW --header-table-size=65536 --encoder-header-table-size=65536 PORT
    nghttp -n -c 65536 --encoder-header-table-size=65536 -H "cookie: <8 KB>" URL...
    curl --http2-prior-knowledge -H "Cookie: <8 KB>" URL
"""
import random
import struct
import sys

import h2.config
import h2.connection
import h2.settings
import hpack

# libnghttp2's deflater, shared with the HPACK test vectors
sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/../inspect/tests")
from gen_hpack_vectors import Nghttp2  # noqa: E402

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST, SETTINGS, PUSH, PING, GOAWAY, WINDOW, CONT = range(10)
END_STREAM, ACK, END_HEADERS, PADDED, PRIO = 1, 1, 4, 8, 0x20
S = h2.settings.SettingCodes

rnd = random.Random(2026)


def frame(ftype, flags, sid, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", sid) + payload


def settings(pairs, ack=False):
    return frame(SETTINGS, ACK if ack else 0, 0, b"".join(struct.pack(">HI", k, v) for k, v in pairs))


class Case:
    def __init__(self, name, expect="none", comment=""):
        self.name, self.expect, self.comment = name, expect, comment
        self.chunks = []

    def add(self, side, data):
        if not data:
            return
        if self.chunks and self.chunks[-1][0] == side:
            self.chunks[-1][1] += data
        else:
            self.chunks.append([side, bytearray(data)])

    def c(self, data):
        self.add("c", data)

    def s(self, data):
        self.add("s", data)

    def text(self):
        assert len(self.chunks) <= 32, self.name
        out = []
        if self.comment:
            out.append("# " + self.comment)
        out += ["case " + self.name, "expect " + self.expect]
        for side, data in self.chunks:
            # lines of at most 2 kB, so a reviewer can read them
            for i in range(0, len(data), 2048):
                out.append(side + " " + escape(bytes(data[i:i + 2048])))
        out.append("end")
        return "\n".join(out) + "\n"


def escape(b):
    out = []
    for i, c in enumerate(b):
        if c == 0x5c:
            out.append("\\\\")
        elif c == 0x0d:
            out.append("\\r")
        elif c == 0x0a:
            out.append("\\n")
        elif c == 0x20 and i == len(b) - 1:
            out.append("\\s")
        elif 0x20 <= c < 0x7f:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


def token(n):
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n)).encode()


# ---- benign: python-h2 on both ends -------------------------------------

CHROME = {S.HEADER_TABLE_SIZE: 65536, S.ENABLE_PUSH: 0, S.INITIAL_WINDOW_SIZE: 6291456,
          S.MAX_HEADER_LIST_SIZE: 262144}
FIREFOX = {S.HEADER_TABLE_SIZE: 65536, S.INITIAL_WINDOW_SIZE: 131072, S.MAX_FRAME_SIZE: 16384}
GO_CLIENT = {S.ENABLE_PUSH: 0, S.INITIAL_WINDOW_SIZE: 4194304, S.MAX_HEADER_LIST_SIZE: 10485760}
GO_SERVER = {S.MAX_FRAME_SIZE: 1048576, S.MAX_CONCURRENT_STREAMS: 250,
             S.MAX_HEADER_LIST_SIZE: 1048896, S.INITIAL_WINDOW_SIZE: 1048576}
CURL = {S.MAX_CONCURRENT_STREAMS: 100, S.INITIAL_WINDOW_SIZE: 33554432, S.ENABLE_PUSH: 0}


class Pair:
    """A python-h2 client and server joined in memory; every byte either
    sends is recorded in the case, in the order it was written."""

    def __init__(self, case, cli_settings, srv_settings):
        self.k = case
        self.cli = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=True, header_encoding=None))
        self.srv = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=False, header_encoding=None))
        for conn, mine in ((self.cli, cli_settings), (self.srv, srv_settings)):
            # announced in the first SETTINGS, as browsers do, not in a second one
            conn.local_settings = h2.settings.Settings(client=conn is self.cli, initial_values=mine)
            conn.decoder.max_allowed_table_size = conn.local_settings.header_table_size
            conn.decoder.max_header_list_size = conn.local_settings.max_header_list_size or (1 << 30)
            conn.max_inbound_frame_size = conn.local_settings.max_frame_size
        self.cli.initiate_connection()
        self.flush()
        self.srv.initiate_connection()
        self.flush()

    def flush(self):
        for _ in range(20):
            moved = False
            b = self.cli.data_to_send()
            if b:
                self.k.c(b)
                self.srv.receive_data(b)
                moved = True
            b = self.srv.data_to_send()
            if b:
                self.k.s(b)
                self.cli.receive_data(b)
                moved = True
            if not moved:
                return

    def exchange(self, req, body=b"", resp=None, resp_body=b"hello"):
        return self.batch([(req, body, resp, resp_body)])[0]

    def batch(self, items):
        """Requests sent together (a page's subresources), then answered."""
        sids = []
        for req, body, _, _ in items:
            sid = self.cli.get_next_available_stream_id()
            self.cli.send_headers(sid, req, end_stream=not body)
            if body:
                self.cli.send_data(sid, body, end_stream=True)
            sids.append(sid)
        self.flush()
        for sid, (_, _, resp, resp_body) in zip(sids, items):
            resp = resp or [(b":status", b"200"), (b"content-length", b"%d" % len(resp_body))]
            self.srv.send_headers(sid, resp, end_stream=not resp_body)
            while resp_body:
                n = min(len(resp_body), self.srv.max_outbound_frame_size,
                        self.srv.local_flow_control_window(sid))
                assert n > 0, "flow control window closed"
                self.srv.send_data(sid, resp_body[:n], end_stream=n == len(resp_body))
                resp_body = resp_body[n:]
        self.flush()
        return sids


JAR = [b"c%d=%s" % (i, token(rnd.randint(40, 160))) for i in range(80)]   # ~8 KB


def browser_request(i, authority=b"shop.example.com", crumbs=True, scheme=b"http"):
    f = [(b":method", b"GET"), (b":authority", authority), (b":scheme", scheme),
         (b":path", b"/catalog/item/%d?ref=%s" % (i, token(8))),
         (b"sec-ch-ua", b'"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"'),
         (b"sec-ch-ua-mobile", b"?0"), (b"sec-ch-ua-platform", b'"Linux"'),
         (b"user-agent", b"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          b"Chrome/124.0.0.0 Safari/537.36"),
         (b"accept", b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
         (b"sec-fetch-site", b"same-origin"), (b"sec-fetch-mode", b"navigate"),
         (b"referer", b"http://shop.example.com/catalog/%d" % (i - 1)),
         (b"accept-encoding", b"gzip, deflate, br, zstd"), (b"accept-language", b"en-US,en;q=0.9")]
    jar = list(JAR)
    jar[i % len(jar)] = b"c%d=%s" % (i % len(jar), token(30))
    if crumbs:
        f += [(b"cookie", p) for p in jar]
    else:
        f.append((b"cookie", b"; ".join(jar)))
    return f


def server_response(i, body):
    return [(b":status", b"200"), (b"server", b"hypercorn-h2"),
            (b"date", b"Tue, 01 Dec 2026 10:00:%02d GMT" % (i % 60)),
            (b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"%d" % len(body)),
            (b"set-cookie", b"s=%s; Path=/; HttpOnly; SameSite=Lax" % token(40)),
            (b"content-security-policy", b"default-src 'self'; script-src 'self' 'nonce-%s'" % token(16))]


def benign_cases():
    out = []

    k = Case("h2_chrome_like_64k_tables_cookie_crumbs",
             comment="Chrome's SETTINGS (table 64 KiB, list 256 KiB) against a python-h2 server that "
                     "announces 64 KiB too: both encoders grow their tables with a size update")
    p = Pair(k, CHROME, {S.HEADER_TABLE_SIZE: 65536, S.MAX_CONCURRENT_STREAMS: 100})
    for i in range(1, 9):
        body = token(200)
        p.exchange(browser_request(i), resp=server_response(i, body), resp_body=body)
    out.append(k)

    k = Case("h2_firefox_like_one_8k_cookie",
             comment="Firefox's SETTINGS; one 8 KB cookie field (curl and Go send it whole)")
    p = Pair(k, FIREFOX, {S.HEADER_TABLE_SIZE: 65536})
    for i in range(1, 4):
        body = token(100)
        p.exchange(browser_request(i, crumbs=False), resp=server_response(i, body), resp_body=body)
    out.append(k)

    k = Case("h2_server_follows_64k_table_long_connection",
             comment="a python-h2 server fills the 64 KiB a browser allowed, over many responses")
    p = Pair(k, CHROME, {})
    for first in range(1, 50, 10):
        items = []
        for i in range(first, first + 10):
            body = token(20)
            items.append(([(b":method", b"GET"), (b":authority", b"api.example.com"), (b":scheme", b"http"),
                           (b":path", b"/v1/items/%d" % i), (b"accept", b"application/json")], b"",
                          server_response(i, body) + [(b"x-trace-%d" % (i % 7), token(300))], body))
        p.batch(items)
    out.append(k)

    k = Case("h2_go_client_go_server_settings",
             comment="Go's client and server SETTINGS: the server allows 1 MiB frames, the client 10 MiB lists")
    p = Pair(k, GO_CLIENT, GO_SERVER)
    body = token(20000)
    p.exchange([(b":authority", b"svc.internal:8080"), (b":method", b"POST"), (b":path", b"/upload"),
                (b":scheme", b"http"), (b"content-type", b"application/octet-stream"),
                (b"content-length", b"%d" % len(body)), (b"accept-encoding", b"gzip"),
                (b"user-agent", b"Go-http-client/2.0")], body=body)
    out.append(k)

    k = Case("h2_client_allows_big_frames_server_sends_64k_data",
             comment="the client announces SETTINGS_MAX_FRAME_SIZE 1 MiB; the server's 64 KiB DATA frames are allowed")
    p = Pair(k, {S.MAX_FRAME_SIZE: 1048576, S.INITIAL_WINDOW_SIZE: 16777215}, {})
    p.cli.increment_flow_control_window(16 << 20)
    p.flush()
    body = token(40000)
    p.exchange([(b":method", b"GET"), (b":authority", b"files.example.com"), (b":scheme", b"http"),
                (b":path", b"/big.bin")], resp_body=body)
    out.append(k)

    k = Case("h2_header_block_40k_in_continuations",
             comment="a 40 KB header list (crumbed cookies, not indexed) in HEADERS + CONTINUATIONs: "
                     "over the old 16 KiB block and 64 KiB list limits, under Chrome's 256 KiB")
    p = Pair(k, CURL, {S.MAX_HEADER_LIST_SIZE: 262144})
    big = [(b":method", b"GET"), (b":authority", b"shop.example.com"), (b":scheme", b"http"),
           (b":path", b"/")]
    big += [hpack.NeverIndexedHeaderTuple(b"cookie", b"k%d=%s" % (i, token(380))) for i in range(100)]
    p.exchange(big)
    out.append(k)

    k = Case("h2_one_24k_cookie_field",
             comment="one 24 KB cookie field (nghttp2 takes fields up to 64 KiB): read in passing, "
                     "the connection still followed after it")
    p = Pair(k, CURL, {S.MAX_HEADER_LIST_SIZE: 262144})
    p.exchange([(b":method", b"GET"), (b":authority", b"shop.example.com"), (b":scheme", b"http"),
                (b":path", b"/"), (b"cookie", b"; ".join(JAR * 3))])
    p.exchange([(b":method", b"GET"), (b":authority", b"shop.example.com"), (b":scheme", b"http"),
                (b":path", b"/next"), (b"cookie", b"; ".join(JAR * 3))])
    out.append(k)

    k = Case("h2_table_shrinks_then_grows_two_size_updates",
             comment="the server announces 0 then 65536 in one SETTINGS flight: the client's next block "
                     "starts with two size updates (0, then 65536)")
    p = Pair(k, CURL, {})
    p.exchange(browser_request(1, crumbs=False))
    p.srv.update_settings({S.HEADER_TABLE_SIZE: 0})
    p.srv.update_settings({S.HEADER_TABLE_SIZE: 65536})
    p.flush()
    for i in range(2, 5):
        p.exchange(browser_request(i))
    out.append(k)

    k = Case("h2_nghttp2_deflater_64k_resized",
             comment="header blocks from libnghttp2's deflater (curl, nghttpx, Apache, Envoy) with a 64 KiB table, "
                     "resized by the server's SETTINGS")
    ng = Nghttp2(65536)
    k.c(PREFACE + settings([(3, 100), (4, 33554432), (2, 0)]))
    k.s(settings([(1, 65536), (3, 100)]) + settings([], ack=True))
    k.c(settings([], ack=True))
    enc = hpack.Encoder()
    sid = 1
    for i in range(1, 9):
        if i == 5:
            k.s(settings([(1, 4096)]))
            k.c(settings([], ack=True))
            ng.table_size(4096)
        if i == 1:
            ng.table_size(65536)
        blk = ng.encode(browser_request(i, authority=b"shop.example.com:8080"))
        k.c(headers_frames(sid, blk, end_stream=True))
        rb = token(30)
        k.s(frame(HEADERS, END_HEADERS, sid, enc.encode([(b":status", b"200"), (b"content-length", b"%d" % len(rb))]))
            + frame(DATA, END_STREAM, sid, rb))
        sid += 2
    out.append(k)

    k = Case("h2_authority_and_host_agree_in_every_shape",
             comment="a translating proxy sends both :authority and host: case, default port, IPv6 literal")
    p = Pair(k, CURL, {})
    p.cli.config.validate_outbound_headers = False
    p.srv.config.validate_inbound_headers = False
    for auth, host, scheme in [(b"Shop.Example.com", b"shop.example.COM", b"http"),
                               (b"shop.example.com:80", b"shop.example.com", b"http"),
                               (b"shop.example.com", b"shop.example.com:80", b"http"),
                               (b"shop.example.com:443", b"shop.example.com", b"https"),
                               (b"[2001:db8::1]:8080", b"[2001:DB8::1]:8080", b"http"),
                               (b"my_host.internal:8080", b"my_host.internal:8080", b"http"),
                               (b"10.0.0.7", b"10.0.0.7", b"http"),
                               (b"shop.example.com:", b"shop.example.com", b"http")]:
        p.exchange([(b":method", b"GET"), (b":authority", auth), (b":scheme", scheme), (b":path", b"/"),
                    (b"host", host), (b"accept", b"*/*")])
    out.append(k)

    k = Case("h2_host_without_authority_from_a_proxy",
             comment="an intermediary that converts HTTP/1.1 may send host instead of :authority (RFC 9113 8.3.1)")
    p = Pair(k, CURL, {})
    p.exchange([(b":method", b"GET"), (b":scheme", b"http"), (b":path", b"/status"),
                (b"host", b"backend.internal:8080"), (b"x-forwarded-proto", b"https")])
    out.append(k)

    k = Case("h2_server_settings_first_http1_client",
             comment="a server that greets with HTTP/2 SETTINGS, a client that speaks HTTP/1.1: "
                     "not HTTP/2, not judged as a bad preface")
    k.s(settings([(3, 100)]))
    k.c(b"GET / HTTP/1.1\r\nHost: shop.example.com\r\n\r\n")
    k.s(frame(GOAWAY, 0, 0, struct.pack(">II", 0, 1)))
    out.append(k)

    k = Case("h2_connect_authority_host_port",
             comment="CONNECT names host:port in :authority, no userinfo")
    enc = hpack.Encoder()
    k.c(PREFACE + settings([]) + frame(HEADERS, END_HEADERS, 1, enc.encode(
        [(b":method", b"CONNECT"), (b":authority", b"db.internal:5432")])))
    k.s(settings([]) + settings([], ack=True) + frame(HEADERS, END_HEADERS, 1, hpack.Encoder().encode([(b":status", b"200")])))
    k.c(settings([], ack=True) + frame(DATA, 0, 1, b"\x00\x00\x00\x08\x04\xd2\x16/"))
    out.append(k)
    return out


def headers_frames(sid, blk, end_stream, max_frame=16384):
    """A header block as HEADERS and as many CONTINUATIONs as it needs."""
    parts = [blk[i:i + max_frame] for i in range(0, len(blk), max_frame)] or [b""]
    out = b""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if i == 0:
            out += frame(HEADERS, (END_STREAM if end_stream else 0) | (END_HEADERS if last else 0), sid, part)
        else:
            out += frame(CONT, END_HEADERS if last else 0, sid, part)
    return out


# ---- attacks: written frame by frame ------------------------------------

OK_RESP = [(b":status", b"200"), (b"content-length", b"2")]


def one_request(name, expect, fields, comment="", cli_settings=(), srv_settings=(), raw_block=None,
                first=None):
    """A prior-knowledge connection whose client sends `fields` (or a raw
    header block); the server answers 200 as a back end would."""
    k = Case(name, expect, comment)
    enc = hpack.Encoder()
    for code, v in srv_settings:
        if code == 1:
            enc.header_table_size = v    # the client's encoder follows the server
    k.c(PREFACE + settings(list(cli_settings)))
    k.s(settings(list(srv_settings)) + settings([], ack=True))
    k.c(settings([], ack=True))
    sid = 1
    if first:
        k.c(headers_frames(sid, enc.encode(first), True))
        k.s(frame(HEADERS, END_HEADERS, sid, hpack.Encoder().encode(OK_RESP)) + frame(DATA, END_STREAM, sid, b"ok"))
        sid += 2
    blk = raw_block if raw_block is not None else enc.encode(fields)
    k.c(headers_frames(sid, blk, True))
    k.s(frame(HEADERS, END_HEADERS, sid, hpack.Encoder().encode(OK_RESP)) + frame(DATA, END_STREAM, sid, b"ok"))
    return k


def req(authority=None, host=None, method=b"GET", scheme=b"http", path=b"/", extra=()):
    f = [(b":method", method), (b":scheme", scheme), (b":path", path)]
    if authority is not None:
        f.insert(1, (b":authority", authority))
    hosts = host if isinstance(host, list) else ([host] if host is not None else [])
    f += [(b"host", h) for h in hosts]
    f += list(extra)
    return f


def hpack_int(v, prefix, first=0):
    """RFC 7541 5.1 integer with an N-bit prefix."""
    top = (1 << prefix) - 1
    if v < top:
        return bytes([first | v])
    out = [first | top]
    v -= top
    while v >= 128:
        out.append((v & 0x7f) | 0x80)
        v >>= 7
    return bytes(out + [v])


def attack_cases():
    out = []
    M = "h2c.authority_host_mismatch"
    for name, a, h, scheme, comment in [
            ("h2_authority_host_other_host", b"shop.example.com", b"admin.internal", b"http",
             "the proxy routes on :authority, the back end on Host"),
            ("h2_authority_host_other_port", b"shop.example.com:8080", b"shop.example.com", b"http",
             "ports disagree: absent is 80 for http, not 8080"),
            ("h2_authority_host_port_vs_https_default", b"shop.example.com:80", b"shop.example.com", b"https",
             "absent port is 443 for https, :authority says 80"),
            ("h2_authority_host_trailing_dot", b"shop.example.com.", b"shop.example.com", b"http",
             "one hop strips the root dot, the other does not"),
            ("h2_authority_host_ipv6_other", b"[2001:db8::1]", b"[2001:db8::2]", b"http",
             "two IPv6 literals"),
            ("h2_authority_host_suffix", b"example.com", b"example.com.evil.net", b"http",
             "a host that only starts like the authority")]:
        out.append(one_request(name, M, req(a, h, scheme=scheme), comment))
    out.append(one_request("h2_authority_host_second_host_differs", M + " h2c.host_repeated",
                           req(b"shop.example.com", [b"shop.example.com", b"admin.internal"]),
                           "the first host agrees, the second does not: hops that take the last one route elsewhere"))
    out.append(one_request("h2_host_repeated_no_authority", "h2c.host_repeated",
                           req(None, [b"shop.example.com", b"admin.internal"]),
                           "no :authority and two host fields: two Host lines once downgraded to HTTP/1.1"))
    out.append(one_request("h2_host_repeated_same_value", "h2c.host_repeated",
                           req(b"shop.example.com", [b"shop.example.com", b"shop.example.com"]),
                           "even the same value twice is a duplicate Host to an HTTP/1 back end"))
    out.append(one_request("h2_authority_host_mismatch_after_table_growth", M,
                           req(b"shop.example.com", b"admin.internal", extra=[(b"cookie", JAR[0])]),
                           "the mismatch in the second request, after both tables grew to 64 KiB",
                           cli_settings=[(1, 65536)], srv_settings=[(1, 65536)],
                           first=req(b"shop.example.com", extra=[(b"cookie", c) for c in JAR])))
    U = "h2c.authority_userinfo"
    for name, a, comment in [
            ("h2_authority_userinfo", b"user@shop.example.com", "RFC 9113 8.3.1: no userinfo for http/https"),
            ("h2_authority_userinfo_password", b"admin:secret@shop.example.com", "user and password"),
            ("h2_authority_userinfo_host_confusion", b"shop.example.com@admin.internal",
             "reads as shop.example.com to a hop that ignores userinfo badly, admin.internal to one that parses it"),
            ("h2_authority_userinfo_empty", b"@admin.internal", "an empty userinfo is still userinfo"),
            ("h2_authority_userinfo_port", b"u@admin.internal:8443", "userinfo before host:port")]:
        out.append(one_request(name, U, req(a), comment))
    out.append(one_request("h2_host_userinfo", U, req(None, b"user@admin.internal"),
                           "userinfo in a host field sent instead of :authority"))
    out.append(one_request("h2_connect_authority_userinfo", U,
                           [(b":method", b"CONNECT"), (b":authority", b"u:p@db.internal:5432")],
                           "CONNECT's authority is host:port only"))
    I = "h2c.authority_invalid"
    for name, a, comment in [
            ("h2_authority_with_path", b"shop.example.com/admin", "a path inside the authority"),
            ("h2_authority_with_space", b"shop.example.com admin.internal", "whitespace splits the authority"),
            ("h2_authority_bad_port", b"shop.example.com:80x", "a port that is not digits"),
            ("h2_authority_port_overflow", b"shop.example.com:65616", "a port past 65535 wraps to 80 in 16 bits"),
            ("h2_authority_backslash", b"shop.example.com\\admin.internal", "a backslash some URL parsers read as /"),
            ("h2_authority_fragment", b"admin.internal#.shop.example.com", "a fragment marker in the authority"),
            ("h2_authority_ipv6_unclosed", b"[2001:db8::1:8080", "an IP literal that never closes")]:
        out.append(one_request(name, I, req(a), comment))
    out.append(one_request("h2_host_with_query", I, req(None, b"admin.internal?x=shop.example.com"),
                           "a query inside a host field"))

    # values longer than Seam buffers are still read
    pad = token(12000)
    out.append(one_request("h2_crlf_deep_in_a_24k_value", "h2c.crlf_injection",
                           req(b"shop.example.com", extra=[(b"x-pad", pad + b"\r\nTransfer-Encoding: chunked\r\n" + pad)]),
                           "CR LF 12 KB into a 24 KB value: read in passing, not skipped"))
    out.append(one_request("h2_te_after_a_24k_field", "h2c.transfer_encoding",
                           req(b"shop.example.com", extra=[(b"cookie", pad + pad), (b"transfer-encoding", b"chunked")]),
                           "a field after a 24 KB one is still decoded"))

    # a server with prior knowledge that sends its SETTINGS before the
    # client's preface (nghttpd does): the connection is still h2c
    k = Case("h2_server_settings_first_then_te", "h2c.transfer_encoding",
             "the server's SETTINGS arrive before any client byte; the request smuggles a TE")
    k.s(settings([(3, 100), (1, 65536)]))
    k.c(PREFACE + settings([]) + frame(HEADERS, END_HEADERS | END_STREAM, 1, hpack.Encoder().encode(
        req(b"shop.example.com", extra=[(b"transfer-encoding", b"chunked")]))))
    k.s(settings([], ack=True) + frame(HEADERS, END_HEADERS, 1, hpack.Encoder().encode(OK_RESP)) +
        frame(DATA, END_STREAM, 1, b"ok"))
    out.append(k)
    k = Case("h2_server_settings_first_authority_userinfo", "h2c.authority_userinfo",
             "server first, then userinfo in :authority")
    k.s(settings([(3, 100)]) + frame(WINDOW, 0, 0, struct.pack(">I", 1 << 20)))
    k.c(PREFACE + settings([]) + frame(HEADERS, END_HEADERS | END_STREAM, 1, hpack.Encoder().encode(
        req(b"admin@shop.example.com"))))
    out.append(k)

    # HPACK forms real encoders never write, still errors
    E = "h2c.hpack_error"
    out.append(one_request("h2_hpack_size_update_above_default", E, None,
                           "nobody announced more than the default 4096: an update to 65536 is refused",
                           raw_block=bytes.fromhex("3fe1ff03") + hpack.Encoder().encode(req(b"a.example"))))
    out.append(one_request("h2_hpack_size_update_above_announced", E, None,
                           "the server announced 65536: an update to 65537 is refused",
                           srv_settings=[(1, 65536)],
                           raw_block=bytes.fromhex("3fe2ff03") + hpack.Encoder().encode(req(b"a.example"))))
    out.append(one_request("h2_hpack_size_update_after_a_field", E, None,
                           "an update after the block's first field",
                           srv_settings=[(1, 65536)],
                           raw_block=b"\x82" + bytes.fromhex("3fe1ff03") + b"\x86\x84\x41\x09a.example"))
    # an HPACK bomb: one 4 KB entry referenced until the list passes 256 KiB
    bomb = (b"\x82\x86\x84\x41\x09a.example" + b"\x40\x06x-bomb" + hpack_int(4000, 7) + b"b" * 4000
            + b"\xbe" * 80)
    out.append(one_request("h2_hpack_bomb_past_256k", "h2c.header_list_too_large", None,
                           "a 4 KB entry indexed once and referenced 80 times: 320 KiB decoded from 4 KB",
                           raw_block=bomb))
    return out


def forwarding_cases():
    """Forwarding and identity headers over h2c, judged as over HTTP/1
    (fwd_req.c): (attacks, benign twins).  The client is outside any
    trusted proxy list, as in the corpus's HTTP/1 fwd cases."""
    A = b"shop.example.com"
    IC, OB, ID = "fwd.internal_claim", "fwd.addr_obfuscated", "fwd.identity_spoofed"
    attacks = [one_request(name, expect, req(A, extra=fields), comment) for name, expect, fields, comment in [
        ("h2_xff_loopback", IC, [(b"x-forwarded-for", b"127.0.0.1")],
         "an h2c client claims to be the back end's own loopback"),
        ("h2_xff_loopback_in_chain", IC, [(b"x-forwarded-for", b"203.0.113.9, 127.0.0.1")],
         "loopback as the nearest hop of a longer chain"),
        ("h2_xff_cloud_metadata", IC, [(b"x-forwarded-for", b"169.254.169.254")],
         "the link-local metadata address"),
        ("h2_xff_ipv6_loopback_port", IC, [(b"x-forwarded-for", b"[::1]:8080")],
         "bracketed IPv6 loopback with a port"),
        ("h2_forwarded_for_loopback", IC, [(b"forwarded", b"for=127.0.0.1;proto=http")],
         "RFC 7239 Forwarded over h2c"),
        ("h2_forwarded_for_ipv6_loopback", IC, [(b"forwarded", b'for="[::1]";proto=https')],
         "quoted IPv6 loopback in Forwarded"),
        ("h2_real_ip_loopback", IC, [(b"x-real-ip", b"127.0.0.1")],
         "single-valued client-IP header"),
        ("h2_cf_connecting_ip_unspecified", IC, [(b"cf-connecting-ip", b"0.0.0.0")],
         "a CDN's client-IP header from a client"),
        ("h2_xff_hex", OB, [(b"x-forwarded-for", b"0x7f000001")],
         "hex spelling of loopback: inet_aton reads it, a strict parser does not"),
        ("h2_true_client_ip_octal", OB, [(b"true-client-ip", b"0177.0.0.1")],
         "octal spelling"),
        ("h2_xff_decimal_in_chain", OB, [(b"x-forwarded-for", b"203.0.113.9, 2130706433")],
         "a decimal address behind a public one"),
        ("h2_xff_underscore_alias", "fwd.alias", [(b"x_forwarded_for", b"203.0.113.9")],
         "underscore alias: nginx drops it, CGI-style back ends read it as the real one"),
        ("h2_real_ip_repeated", "fwd.client_ip_repeated",
         [(b"x-real-ip", b"203.0.113.9"), (b"x-real-ip", b"198.51.100.7")],
         "two values for a single-valued header: hops disagree on which wins"),
        ("h2_identity_forwarded_user", ID, [(b"x-forwarded-user", b"admin")],
         "oauth2-proxy's user header sent by the client itself"),
        ("h2_identity_remote_user", ID, [(b"remote-user", b"root")],
         "Apache REMOTE_USER style"),
        ("h2_identity_auth_request_email", ID, [(b"x-auth-request-email", b"ceo@example.com")],
         "nginx auth_request's header"),
        ("h2_identity_internal_prefix", ID, [(b"x-internal-role", b"admin")],
         "an X-Internal-* header"),
        ("h2_identity_goog_iap", ID, [(b"x-goog-authenticated-user-email", b"accounts.google.com:ceo@example.com")],
         "Google IAP's header"),
        ("h2_identity_repeated", ID + " fwd.identity_repeated",
         [(b"x-forwarded-user", b"alice"), (b"x-forwarded-user", b"admin")],
         "two users: back ends disagree on which one"),
        ("h2_identity_underscore_alias", ID + " fwd.identity_alias", [(b"remote_user", b"admin")],
         "Remote_User: WSGI reads it as REMOTE_USER")]]
    attacks.append(one_request("h2_identity_in_second_request", ID,
                               req(A, extra=[(b"x-forwarded-user", b"admin")]),
                               "the first request is clean, the second claims a user",
                               first=req(A, extra=[(b"x-request-id", b"7f3c1a")])))
    benign = [one_request(name, "none", req(A, extra=fields), comment) for name, fields, comment in [
        ("h2_benign_xff_public", [(b"x-forwarded-for", b"203.0.113.9"), (b"x-forwarded-proto", b"https"),
                                  (b"x-forwarded-host", b"shop.example.com")],
         "a public client address as a CDN in front would add it"),
        ("h2_benign_forwarded_public", [(b"forwarded", b"for=198.51.100.17;proto=https;by=203.0.113.43")],
         "RFC 7239 with public addresses"),
        ("h2_benign_real_ip_in_chain", [(b"x-forwarded-for", b"198.51.100.17"), (b"x-real-ip", b"198.51.100.17")],
         "the client-IP header agrees with the chain"),
        ("h2_benign_xff_unknown", [(b"x-forwarded-for", b"unknown, 203.0.113.9")],
         "'unknown' is allowed"),
        ("h2_benign_lookalike_names", [(b"x-request-id", b"9b1f"), (b"x-user-agent-hint", b"mobile"),
                                       (b"x-forwarded-useragent", b"x"), (b"remote-addr-hint", b"none"),
                                       (b"x-internal", b"1")],
         "names that start like identity or forwarding headers but are neither"),
        ("h2_benign_many_requests_with_xff", [(b"x-forwarded-for", b"2001:db8::7")],
         "a documentation IPv6 address is not internal")]]
    return attacks, benign


def from_pcap(path, port, name):
    """A benign case from a capture of one TCP connection: each direction's
    payload in capture order (nghttpd writes its SETTINGS before the
    client's preface, and so it stays)."""
    from scapy.all import rdpcap, TCP
    seen = set()
    k = Case(name, comment="from a capture: " + path.split("/")[-1])
    chunks = []
    for p in rdpcap(path):
        if TCP not in p or not bytes(p[TCP].payload):
            continue
        t = p[TCP]
        key = (t.sport, t.seq)
        if key in seen:
            continue
        seen.add(key)
        chunks.append(("s" if t.sport == port else "c", bytes(t.payload)))
    for side, data in chunks:
        k.add(side, data)
    return k


CAPTURES = [("h2c_nghttp_nghttpd_64k.pcap", 18084, "h2_capture_nghttp_nghttpd_64k_tables"),
            ("h2c_curl_nghttpd_cookie.pcap", 18085, "h2_capture_curl_nghttpd_8k_cookie")]


def main():
    if sys.argv[1:2] == ["--from-pcap"]:
        sys.stdout.write(from_pcap(sys.argv[2], int(sys.argv[3]), sys.argv[4]).text())
        return
    d = sys.argv[1] if len(sys.argv) > 1 else __file__.rsplit("/", 1)[0] + "/corpus"
    with open(d + "/h2c_authority.case", "w") as f:
        f.write("# h2c_authority.case — generated by gen_h2c_cases.py; one case per block (format: corpus.h)\n"
                "# :authority against host, userinfo and bad bytes in the authority, HPACK forms still refused\n\n")
        f.write("\n".join(k.text() for k in attack_cases()))
    with open(d + "/benign_h2c_clients.case", "w") as f:
        f.write("# benign_h2c_clients.case — generated by gen_h2c_cases.py; one case per block (format: corpus.h)\n"
                "# what real HTTP/2 clients and servers send: 64 KiB tables, size updates, big cookies and blocks\n\n")
        cap = __file__.rsplit("/", 1)[0] + "/captures/"
        f.write("\n".join(k.text() for k in benign_cases() + [from_pcap(cap + n, port, name)
                                                              for n, port, name in CAPTURES]))
    attacks, benign = forwarding_cases()
    with open(d + "/h2c_forwarding.case", "w") as f:
        f.write("# h2c_forwarding.case — generated by gen_h2c_cases.py; one case per block (format: corpus.h)\n"
                "# forwarding and identity headers over h2c, judged as over HTTP/1, and their benign twins\n\n")
        f.write("\n".join(k.text() for k in attacks + benign))


if __name__ == "__main__":
    main()
