#!/usr/bin/python3
"""gen_hpack_vectors.py — header blocks from two HPACK encoders Seam did not
write (python3-hpack, and libnghttp2's deflater through ctypes), for
test_hpack.c.  Each block is stored with the count and an FNV-1a hash of
the fields it must decode to, so the test checks every byte without
carrying the text.

    ./gen_hpack_vectors.py > hpack_vectors.h     (meson does this at build time)
    ./gen_hpack_vectors.py --check               exit 0 when both encoders load

Scenarios are the traffic real clients and servers produce: tables grown
to the 64 KiB browsers announce, size updates (two at the start of a
block when the table shrank then grew), Huffman and raw strings,
Chrome-style cookie crumbs and an 8 KB cookie, blocks of many fields."""
import ctypes
import random
import sys

import hpack

FNV_OFF, FNV_PRIME = 0xcbf29ce484222325, 0x100000001b3


def fnv(fields):
    h = FNV_OFF
    for n, v in fields:
        for b in n + b": " + v + b"\n":
            h = ((h ^ b) * FNV_PRIME) & 0xffffffffffffffff
    return h


class Nghttp2:
    """libnghttp2's HPACK deflater (the encoder curl, nghttpx, Apache and
    Envoy use), called through ctypes: no development headers needed."""

    class NV(ctypes.Structure):
        _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p),
                    ("namelen", ctypes.c_size_t), ("valuelen", ctypes.c_size_t),
                    ("flags", ctypes.c_uint8)]

    def __init__(self, max_table):
        self.lib = ctypes.CDLL("libnghttp2.so.14")
        self.lib.nghttp2_hd_deflate_hd.restype = ctypes.c_ssize_t
        self.d = ctypes.c_void_p()
        assert self.lib.nghttp2_hd_deflate_new(ctypes.byref(self.d), max_table) == 0

    def table_size(self, settings_value):
        assert self.lib.nghttp2_hd_deflate_change_table_size(self.d, settings_value) == 0

    def encode(self, fields):
        arr = (self.NV * len(fields))(*[self.NV(n, v, len(n), len(v), 0) for n, v in fields])
        buf = ctypes.create_string_buffer(1 << 20)
        n = self.lib.nghttp2_hd_deflate_hd(self.d, buf, len(buf), arr, len(fields))
        assert n >= 0
        return buf.raw[:n]


class PyHpack:
    def __init__(self, huffman=True):
        self.e = hpack.Encoder()
        self.huffman = huffman

    def table_size(self, v):
        self.e.header_table_size = v

    def encode(self, fields):
        return self.e.encode(fields, huffman=self.huffman)


rnd = random.Random(13)
JARS = {}


def token(n):
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n)).encode()


def chrome_request(i, cookie_bytes, crumbs):
    f = [(b":method", b"GET"), (b":authority", b"shop.example.com"), (b":scheme", b"https"),
         (b":path", b"/catalog/item/%d?ref=%s" % (i, token(8))),
         (b"sec-ch-ua", b'"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"'),
         (b"sec-ch-ua-mobile", b"?0"), (b"sec-ch-ua-platform", b'"Linux"'),
         (b"upgrade-insecure-requests", b"1"),
         (b"user-agent", b"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          b"Chrome/124.0.0.0 Safari/537.36"),
         (b"accept", b"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
          b"image/webp,image/apng,*/*;q=0.8"),
         (b"sec-fetch-site", b"same-origin"), (b"sec-fetch-mode", b"navigate"),
         (b"sec-fetch-dest", b"document"), (b"referer", b"https://shop.example.com/catalog/%d" % (i - 1)),
         (b"accept-encoding", b"gzip, deflate, br, zstd"), (b"accept-language", b"en-US,en;q=0.9"),
         (b"priority", b"u=0, i")]
    # a browser sends the same jar every time; one cookie changes now and then
    jar = JARS.setdefault(cookie_bytes, [])
    while sum(len(p) for p in jar) < cookie_bytes:
        jar.append(b"c%d=%s" % (len(jar), token(rnd.randint(20, 120))))
    if jar and i % 5 == 0:
        jar[i % len(jar)] = b"c%d=%s" % (i % len(jar), token(30))
    pairs = list(jar)
    if crumbs:
        f += [(b"cookie", p) for p in pairs]
    elif pairs:
        f.append((b"cookie", b"; ".join(pairs)))
    return f


def response(i):
    return [(b":status", b"200"), (b"server", b"hypercorn-h2"), (b"date", b"Tue, 01 Dec 2026 10:%02d:%02d GMT" % (i // 60 % 60, i % 60)),
            (b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"%d" % rnd.randint(100, 99999)),
            (b"cache-control", b"private, max-age=0"), (b"x-request-id", token(32)),
            (b"set-cookie", b"s=%s; Path=/; HttpOnly; Secure; SameSite=Lax" % token(40)),
            (b"content-security-policy", b"default-src 'self'; script-src 'self' 'nonce-%s'; img-src *" % token(16))]


def scenarios():
    # python-h2 follows the peer's SETTINGS_HEADER_TABLE_SIZE: a server
    # answering Chrome or Firefox (65536) grows its table to 64 KiB
    e = PyHpack()
    e.table_size(65536)
    blocks = []
    for i in range(60):
        f = response(i)
        blocks.append((e.encode(f), f))
    yield "pyhpack_64k_responses", 65536, blocks

    # Chrome-like requests, cookie crumbs of 8 KB, into a 64 KiB table
    e = PyHpack()
    e.table_size(65536)
    blocks = []
    for i in range(1, 25):
        f = chrome_request(i, 8000, crumbs=True)
        blocks.append((e.encode(f), f))
    yield "pyhpack_64k_cookie_crumbs", 65536, blocks

    # curl-like: one 8 KB cookie field, raw strings (no Huffman)
    e = PyHpack(huffman=False)
    blocks = []
    for i in range(1, 5):
        f = chrome_request(i, 8000, crumbs=False)
        blocks.append((e.encode(f), f))
    yield "pyhpack_default_table_one_cookie_raw", 4096, blocks

    # the table shrinks to 0 then grows back between two blocks: two
    # size updates at the start of the next block
    e = PyHpack()
    blocks = []
    for i in range(1, 12):
        if i == 4:
            e.table_size(0)
            e.table_size(65536)
        if i == 8:
            e.table_size(1024)
        f = chrome_request(i, 600, crumbs=True)
        blocks.append((e.encode(f), f))
    yield "pyhpack_resize_twice", 65536, blocks

    # libnghttp2's deflater, allowed 64 KiB, with a peer that announces
    # 65536, then 4096, then 65536 again
    ng = Nghttp2(65536)
    ng.table_size(65536)
    blocks = []
    for i in range(1, 30):
        if i == 10:
            ng.table_size(4096)
        if i == 20:
            ng.table_size(65536)
        f = chrome_request(i, 3000, crumbs=(i % 2 == 0))
        blocks.append((ng.encode(f), f))
    yield "nghttp2_64k_resized", 65536, blocks

    # many fields in one block (a gRPC gateway's metadata)
    ng = Nghttp2(4096)
    blocks = []
    for i in range(1, 3):
        f = [(b":method", b"POST"), (b":scheme", b"http"), (b":path", b"/svc.Api/Call"),
             (b":authority", b"api.internal:8080"), (b"content-type", b"application/grpc"), (b"te", b"trailers")]
        f += [(b"x-meta-%03d" % k, token(rnd.randint(1, 60))) for k in range(300)]
        blocks.append((ng.encode(f), f))
    yield "nghttp2_300_fields", 4096, blocks


def c_bytes(b):
    out = []
    for i in range(0, len(b), 24):
        out.append("\t\"" + "".join("\\x%02x" % c for c in b[i:i + 24]) + "\"")
    return "\n".join(out) if out else "\t\"\""


def main():
    if sys.argv[1:] == ["--check"]:
        Nghttp2(4096)
        return
    w = sys.stdout.write
    w("/* hpack_vectors.h — generated by gen_hpack_vectors.py: header blocks from\n"
      " * python3-hpack and libnghttp2, with the fields each decodes to (count and\n"
      " * FNV-1a hash of \"name: value\\n\" lines).  Do not edit. */\n\n")
    w("struct hpack_vector { const char *scenario; uint32_t limit; uint32_t len;\n"
      "\tconst uint8_t *block; uint32_t nfields; uint64_t hash; };\n\n")
    rows = []
    k = 0
    for name, limit, blocks in scenarios():
        for blk, fields in blocks:
            w("static const uint8_t hv_%d[] =\n%s;\n" % (k, c_bytes(blk)))
            rows.append('\t{ "%s", %d, %d, hv_%d, %d, 0x%016xull },' % (name, limit, len(blk), k, len(fields), fnv(fields)))
            k += 1
    w("\nstatic const struct hpack_vector hpack_vectors[] = {\n" + "\n".join(rows) + "\n};\n")


if __name__ == "__main__":
    main()
