#!/usr/bin/python3
"""h2c_backend.py — a backend that accepts Upgrade: h2c (python3-h2) and
logs every request path it serves, one per line, to LOG.
  h2c_backend.py ADDR PORT LOG"""
import socket, sys, threading
import h2.config, h2.connection, h2.events

addr, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def note(path):
    with open(log, "a") as f:
        f.write(path + "\n")

def respond(conn, sid, path):
    body = b"secret flag\n" if path == "/flag" else b"hello over h2c\n"
    conn.send_headers(sid, [(":status", "200"), ("content-length", str(len(body)))])
    conn.send_data(sid, body, end_stream=True)

def serve(c):
    c.settimeout(10)
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = c.recv(65536)
        if not d:
            return
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    path = lines[0].split(" ")[1]
    hdrs = {l.split(":", 1)[0].strip().lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
    note("http/1.1 " + path + (" upgrade-h2c" if hdrs.get("upgrade", "").lower() == "h2c" else ""))
    if hdrs.get("upgrade", "").lower() != "h2c" or "http2-settings" not in hdrs:
        body = b"plain http/1.1\n"
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        return
    c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
    conn.initiate_upgrade_connection(hdrs["http2-settings"])
    respond(conn, 1, path)
    c.sendall(conn.data_to_send())
    data = rest
    while True:
        if data:
            for ev in conn.receive_data(data):
                if isinstance(ev, h2.events.RequestReceived):
                    p = dict((k.decode() if isinstance(k, bytes) else k, v.decode() if isinstance(v, bytes) else v)
                             for k, v in ev.headers)[":path"]
                    note("h2c " + p)
                    respond(conn, ev.stream_id, p)
            c.sendall(conn.data_to_send())
        try:
            data = c.recv(65536)
        except OSError:
            return
        if not data:
            return

ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, port))
ls.listen(16)
while True:
    c, _ = ls.accept()
    threading.Thread(target=lambda: (serve(c), c.close()), daemon=True).start()
