#!/usr/bin/env bash
# test_h2ws.sh — beyond HTTP/1 with real peers, Seam inline in front:
# nginx serving h2c (prior knowledge) and proxying WebSocket to a python3
# websockets server, nghttpd (prior knowledge) and a python3-h2 backend
# accepting Upgrade: h2c (a listed h2c origin).  curl, h2load, nghttp
# and a websockets client complete untouched with no alert; h2c, WebSocket
# and forwarding-header attacks are reset; and h2c smuggling through haproxy
# (which passes Upgrade: h2c on by default) to a backend that accepts it is
# stopped before the tunnel reaches a path haproxy forbids.
set -u
BUILD=$1 SRC=$2
. "$SRC/pktgen-tests/tap.sh"
. "$SRC/pktgen-tests/netns.sh"
if [ "$(id -u)" != 0 ] || ! command -v nginx >/dev/null || ! command -v nghttpd >/dev/null ||
   ! command -v haproxy >/dev/null; then
	echo "1..0 # SKIP needs root, nginx, nghttp2 and haproxy"
	exit 0
fi
PY=/usr/bin/python3
TAG=sw$(( $$ % 100000 ))
NET_OCTET=$(( 150 + $$ % 50 ))
T=$(mktemp -d "$BUILD/h2ws.XXXXXX")
cleanup() { seam_stop; [ -f "$T/haproxy.pid" ] && kill "$(cat "$T/haproxy.pid")" 2>/dev/null; net_teardown "$TAG"; rm -rf "$T"; }
trap cleanup EXIT
net_setup "$TAG"
mkdir -p "$T/www" "$T/tmp"
echo "hello h2" > "$T/www/index.html"
head -c 300000 /dev/urandom | base64 > "$T/www/big.txt"
cat > "$T/nginx.conf" <<NGX
user root;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/error.log;
events { worker_connections 256; }
http {
	access_log $T/access.log;
	client_body_temp_path $T/tmp; proxy_temp_path $T/tmp; fastcgi_temp_path $T/tmp;
	uwsgi_temp_path $T/tmp; scgi_temp_path $T/tmp;
	server {
		listen $SRV_IP:8081 http2;
		root $T/www;
	}
	server {
		listen $SRV_IP:80;
		root $T/www;
		location ~ ^/(ws|chat) {
			proxy_pass http://127.0.0.1:8765;
			proxy_http_version 1.1;
			proxy_set_header Upgrade \$http_upgrade;
			proxy_set_header Connection "upgrade";
		}
	}
}
NGX
cat > "$T/wsecho.py" <<'PY'
import asyncio, websockets
async def echo(ws, path=None):
    async for m in ws:
        await ws.send(m)
async def main():
    async with websockets.serve(echo, "127.0.0.1", 8765, max_size=2**22):
        await asyncio.Future()
asyncio.run(main())
PY
ip netns exec "$NS_S" nginx -c "$T/nginx.conf" -p "$T" -g 'daemon on;'
ip netns exec "$NS_S" $PY "$T/wsecho.py" > "$T/ws.log" 2>&1 &
ip netns exec "$NS_S" nghttpd --no-tls -d "$T/www" 8082 > "$T/nghttpd.log" 2>&1 &
ip netns exec "$NS_S" $PY "$SRC/pktgen-tests/h2c_backend.py" "$SRV_IP" 8083 "$T/backend.log" > "$T/backend.out" 2>&1 &
# haproxy on the client side: the intermediary whose rules h2c smuggling bypasses
cat > "$T/haproxy.cfg" <<HAP
global
	maxconn 256
defaults
	mode http
	timeout connect 2s
	timeout client 10s
	timeout server 10s
	timeout tunnel 10s
frontend fe
	bind $CLI_IP:18090
	option forwardfor
	http-request deny if { path_beg /flag }
	default_backend be
backend be
	server s1 $SRV_IP:8083
HAP
ip netns exec "$NS_C" haproxy -f "$T/haproxy.cfg" -D -p "$T/haproxy.pid"
sleep 1
# nghttpd and the h2c backend accept Upgrade: h2c: listed as h2c origins,
# so only an upgrade that came through a proxy alerts
SEAM_CONF_EXTRA="h2c = { origins = [ \"$SRV_IP/32\" ]; };" seam_start "$BUILD" "$T" > "$T/start.out" 2>&1
echo $? > "$T/start.rc"
ok "seam comes up inline" sh -c "[ \"\$(cat $T/start.rc)\" = 0 ]"

h2_prior() {
	for i in $(seq 10); do
		[ "$(ip netns exec "$NS_C" curl -s --max-time 5 --http2-prior-knowledge "http://$SRV_IP:8081/index.html")" = "hello h2" ] || return 1
	done
	ip netns exec "$NS_C" curl -s --max-time 10 --http2-prior-knowledge "http://$SRV_IP:8081/big.txt" -o "$T/big.out" &&
	cmp "$T/big.out" "$T/www/big.txt"
}
ok "curl --http2-prior-knowledge to nginx h2c: pages and a 400 kB download" h2_prior

h2load_run() {
	ip netns exec "$NS_C" h2load -n 300 -c 4 -m 8 "http://$SRV_IP:8081/index.html" > "$T/h2load.out" 2>&1
	grep -E "requests:|status codes" "$T/h2load.out"
	grep -q "300 succeeded, 0 failed" "$T/h2load.out"
}
ok "h2load: 300 multiplexed h2c requests all succeed" h2load_run

upgrade() {
	# nghttp to nghttpd (prior knowledge); curl's Upgrade: h2c offer, ignored by nginx
	ip netns exec "$NS_C" nghttp "http://$SRV_IP:8082/index.html" > "$T/nghttp.out" 2>&1 &&
	grep -q "hello h2" "$T/nghttp.out" &&
	[ "$(ip netns exec "$NS_C" curl -s --max-time 5 --http2 "http://$SRV_IP/index.html")" = "hello h2" ]
}
ok "nghttp to nghttpd, and curl's h2c upgrade offer declined by nginx" upgrade

upgrade_accepted() {
	# curl --http2 and nghttp -u to the python3-h2 backend, which accepts
	# Upgrade: h2c (101) and is a listed h2c origin; both clients wait for
	# the 101 before their preface
	[ "$(ip netns exec "$NS_C" curl -s --max-time 5 --http2 "http://$SRV_IP:8083/index.html")" = "hello over h2c" ] &&
	ip netns exec "$NS_C" nghttp -u "http://$SRV_IP:8083/index.html" > "$T/nghttp-u.out" 2>&1 &&
	grep -q "hello over h2c" "$T/nghttp-u.out"
}
ok "curl --http2 and nghttp -u: h2c upgrades accepted by a listed h2c origin" upgrade_accepted

ws_client() {
	ip netns exec "$NS_C" $PY - "$SRV_IP" <<'PY'
import asyncio, sys, websockets
async def main():
    uri = "ws://%s/ws" % sys.argv[1]
    async with websockets.connect(uri, max_size=2**22, origin="http://%s" % sys.argv[1]) as ws:
        for m in ["hello", "caf\u00e9 \u20ac", "x" * 70000]:
            await ws.send(m)
            assert await ws.recv() == m
        await ws.send(b"\x00\x01binary" * 1000)
        assert len(await ws.recv()) == 8000
        await ws.ping()
    print("websocket exchange complete")
asyncio.run(main())
PY
}
ok "python3-websockets through nginx: text, 70 kB, binary, ping, compressed" ws_client

play() {   # port names...
	local port=$1; shift
	for n in "$@"; do
		ip netns exec "$NS_C" $PY "$SRC/pktgen-tests/rawclient.py" "$SRV_IP" "$port" \
			"$SRC/pktgen-tests/corpus" --case "$n"
	done
}
H2ATT="h2_cl0_smuggle h2_te_chunked h2_connection_keepalive h2_te_gzip h2_crlf_in_value h2_crlf_in_path
h2_uppercase_name h2_space_in_name h2_pseudo_duplicate h2_path_absolute h2_hpack_bad_index h2_continuation_interrupted"
h2_attacks() {
	play 8081 $H2ATT > "$T/h2att"
	cat "$T/h2att"
	[ "$(wc -l < "$T/h2att")" -ge 12 ] && ! awk -F'\t' '$2 != "reset"' "$T/h2att" | grep -q .
}
ok "h2c downgrade attacks against nginx are reset" h2_attacks

WSATT="ws_unmasked_client ws_rsv_without_extension ws_opcode_reserved ws_ping_too_long ws_continuation_first ws_close_bad_code"
ws_attacks() {
	for n in $WSATT; do
		ip netns exec "$NS_C" $PY "$SRC/pktgen-tests/rawclient.py" "$SRV_IP" 80 "$SRC/pktgen-tests/corpus" \
			--case "$n"
	done > "$T/wsatt"
	cat "$T/wsatt"
	[ "$(wc -l < "$T/wsatt")" -ge 6 ] && ! awk -F'\t' '$2 != "reset"' "$T/wsatt" | grep -q . || return 1
	# reset for the frame rules, after a real 101 from the websockets server
	grep -q '"finding":"ws.unmasked_client"' "$T/eve.json" && grep -q '"finding":"ws.opcode_reserved"' "$T/eve.json"
}
ok "WebSocket frame attacks after a real 101 are reset" ws_attacks

FWDATT="xff_loopback xff_decimal real_ip_loopback forwarded_loopback xff_not_an_address"
fwd_attacks() {
	play 80 $FWDATT > "$T/fwdatt"
	cat "$T/fwdatt"
	! awk -F'\t' '$2 != "reset"' "$T/fwdatt" | grep -q . && ! grep -q '/admin' "$T/access.log"
}
ok "spoofed forwarding headers are reset before nginx sees them" fwd_attacks

EARLY="early_h2c_request_answered_200 early_ws_request_answered_400 early_connect_request_answered_407
early_upgrade_token_foo"
early_attacks() {
	# a request written behind an Upgrade or CONNECT, before the answer:
	# stopped with the segment that carries it, so nginx never reads it
	play 80 $EARLY > "$T/early"
	cat "$T/early"
	[ "$(wc -l < "$T/early")" -ge 4 ] && ! awk -F'\t' '$2 != "reset"' "$T/early" | grep -q . &&
		! grep -q 'GET /admin' "$T/access.log" && grep -q '"finding":"h1.upgrade_early_data"' "$T/eve.json"
}
ok "requests behind an Upgrade or CONNECT are reset before nginx reads them (CVE-2026-2833)" early_attacks

h2c_smuggling() {
	# the proxy's rule holds for plain requests, and ordinary traffic passes
	local code plain
	code=$(ip netns exec "$NS_C" curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://$CLI_IP:18090/flag)
	plain=$(ip netns exec "$NS_C" curl -s --max-time 5 http://$CLI_IP:18090/)
	echo "direct /flag: $code; plain request: $plain"
	[ "$code" = 403 ] && [ "$plain" = "plain http/1.1" ] || return 1
	local out
	out=$(ip netns exec "$NS_C" $PY "$SRC/pktgen-tests/h2c_smuggle.py" "$CLI_IP" 18090 /flag 2>&1)
	echo "smuggler: $out"; echo "backend saw:"; cat "$T/backend.log"
	! echo "$out" | grep -q "smuggled" && ! grep -q "h2c /flag" "$T/backend.log" &&
		grep -q "upgrade-h2c" "$T/backend.log" &&      # haproxy did pass the upgrade on
		grep -q '"finding":"h2c.upgrade_via_proxy"' "$T/eve.json"
}
ok "h2c smuggling through haproxy is reset before the tunnel reaches a forbidden path" h2c_smuggling

seam_stop > "$T/stop.out" 2>&1; echo $? > "$T/stop.rc"
no_alert_on_benign() {
	# alerts only on the attack connections: the benign tools raised none
	$PY - "$T/eve.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
alerts = [e for e in ev if e["event_type"] == "alert"]
names = sorted({e["seam"]["finding"] for e in alerts})
print(len(alerts), "alerts:", names)
# the servers that accept Upgrade: h2c are listed as h2c origins
assert "h2c.upgrade_unlisted" not in names, names
bad = [n for n in names if not (n.startswith("h2c.") or n.startswith("ws.") or n.startswith("fwd.") or n.startswith("h1."))]
assert not bad, bad
# every alert belongs to a raw attack client (curl, h2load, nghttp, websockets raised none):
# those tools' flows are the ones whose flow records carry no alert
flows = [e for e in ev if e["event_type"] == "flow"]
clean = [f for f in flows if not f["flow"]["alerted"]]
print(len(flows), "flows,", len(clean), "without alerts")
assert len(flows) - len(clean) <= 12 + 6 + 5 + 4 + 2 + 1
PY
}
ok "seam exits cleanly" sh -c "[ \"\$(cat $T/stop.rc)\" = 0 ]" 
ok "benign h2c, WebSocket and upgrade traffic raised no alert" no_alert_on_benign
ok "every EVE record validates against configs/eve-schema.json" /usr/bin/python3 "$SRC/pktgen-tests/validate_eve.py" "$SRC/configs/eve-schema.json" "$T/eve.json"
tap_done
