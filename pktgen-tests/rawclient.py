#!/usr/bin/env python3
"""rawclient.py — plays the client side of corpus cases over real TCP.

For each case, connects to HOST:PORT, sends the client chunks in order
(waiting briefly for the server between chunks), and prints one line:
    NAME<TAB>reset|closed|answered<TAB>bytes-received
"reset" means the connection was reset (bytes-received says how much of an
earlier, legitimate exchange arrived first).

usage: rawclient.py HOST PORT CORPUS_DIR [--filter SUBSTR | --case NAME] [--only-attacks|--only-benign]
"""
import os
import socket
import sys
import time


def unescape(s):
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("latin1")
            i += 1
            continue
        n = s[i + 1]
        if n == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
            continue
        out += {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0", "\\": b"\\", "s": b" "}[n]
        i += 2
    return bytes(out)


def load(dirname):
    cases = []
    for fn in sorted(os.listdir(dirname)):
        if not fn.endswith(".case"):
            continue
        cur = None
        for line in open(os.path.join(dirname, fn), encoding="latin1"):
            line = line.rstrip("\n")
            if line.startswith("case "):
                cur = {"name": line[5:], "benign": False, "chunks": []}
            elif line.startswith("expect "):
                cur["benign"] = line.split()[1] == "none"
            elif line == "end":
                cases.append(cur)
            elif line[:2] in ("c ", "s ", "C ", "S "):
                # C / S: sent before the other side's chunk above arrived;
                # a peer on a socket does that by sending it first
                d = line[0].lower()
                data = unescape(line[2:])
                ch = cur["chunks"]
                if line[0] in "CS" and ch and ch[-1][0] != d:
                    if len(ch) > 1 and ch[-2][0] == d:
                        ch[-2][1] += data
                    else:
                        ch.insert(len(ch) - 1, [d, data])
                elif ch and ch[-1][0] == d:
                    ch[-1][1] += data
                else:
                    ch.append([d, data])
    return cases


def play(host, port, case):
    s = socket.create_connection((host, port), timeout=3)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    got = b""
    try:
        for d, data in case["chunks"]:
            if d == "c":
                s.sendall(data)
                time.sleep(0.05)
            else:
                s.settimeout(0.3)
                try:
                    chunk = s.recv(65536)
                    if not chunk:
                        return "closed", got
                    got += chunk
                except socket.timeout:
                    pass
        s.settimeout(0.5)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except ConnectionResetError:
        return "reset", got
    except socket.timeout:
        pass
    except BrokenPipeError:
        return "reset", got
    finally:
        s.close()
    return ("answered" if got else "closed"), got


def main():
    host, port, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    flt = None
    only = None
    a = sys.argv[4:]
    exact = None
    if "--filter" in a:
        flt = a[a.index("--filter") + 1]
    if "--case" in a:
        exact = a[a.index("--case") + 1]
    if "--only-attacks" in a:
        only = False
    if "--only-benign" in a:
        only = True
    for c in load(d):
        if flt and flt not in c["name"]:
            continue
        if exact and exact != c["name"]:
            continue
        if only is not None and c["benign"] != only:
            continue
        if not any(x[0] == "c" for x in c["chunks"]) or c["chunks"][0][0] != "c":
            continue
        try:
            res, got = play(host, port, c)
        except OSError as e:
            res, got = "error:%s" % e.__class__.__name__, b""
        print("%s\t%s\t%d" % (c["name"], res, len(got)), flush=True)


if __name__ == "__main__":
    main()
