#!/usr/bin/env bash
# test_inline.sh — Seam inline on net_af_packet between a client namespace
# and real nginx and haproxy in a server namespace:
#   - 200 curl requests all succeed, and the counters account for every packet;
#   - each smuggling case played over real TCP is reset before the server
#     acts on it (its access log never shows the smuggled request), and the
#     alerts are in EVE; benign exchanges are never reset;
#   - in mirror mode the same attacks raise the same alerts while traffic
#     flows untouched.
set -u
BUILD=$1 SRC=$2
. "$SRC/pktgen-tests/tap.sh"
. "$SRC/pktgen-tests/netns.sh"
if [ "$(id -u)" != 0 ] || ! command -v nginx >/dev/null; then
	echo "1..0 # SKIP needs root and nginx"
	exit 0
fi
TAG=si$(( $$ % 100000 ))
NET_OCTET=$(( 100 + $$ % 100 ))
T=$(mktemp -d "$BUILD/inline.XXXXXX")
cleanup() { seam_stop; [ -f "$T/haproxy.pid" ] && kill "$(cat "$T/haproxy.pid")" 2>/dev/null; net_teardown "$TAG"; rm -rf "$T"; }
trap cleanup EXIT
net_setup "$TAG"
nginx_start "$T" || { echo "not ok 1 - nginx"; echo 1..1; exit 1; }

# haproxy on :8080 in front of nginx, same namespace
cat > "$T/haproxy.cfg" <<HAP
global
	pidfile $T/haproxy.pid
defaults
	mode http
	timeout connect 2s
	timeout client 5s
	timeout server 5s
frontend fe
	bind $SRV_IP:8080
	default_backend be
backend be
	server n1 $SRV_IP:80
HAP
ip netns exec "$NS_S" haproxy -D -f "$T/haproxy.cfg" -p "$T/haproxy.pid" 2>"$T/haproxy.err" || true

# started here, not in a subshell, so the cleanup can stop it
seam_start "$BUILD" "$T" > "$T/start.out" 2>&1; echo $? > "$T/start.rc"
ok "seam comes up inline on $IF_A <-> $IF_B" sh -c "cat $T/start.out; [ \"\$(cat $T/start.rc)\" = 0 ]"

curl_200() {
	local n=0 code
	for i in $(seq 20); do
		urls=()
		for j in $(seq 10); do urls+=("http://$SRV_IP/index.html?i=$i&j=$j"); done
		for code in $(ip netns exec "$NS_C" curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 "${urls[@]}"); do
			[ "$code" = 200 ] && n=$((n + 1))
		done
	done
	echo "$n of 200 requests answered 200"
	[ "$n" = 200 ]
}
ok "200 curl requests through seam all succeed" curl_200

big_download() {
	ip netns exec "$NS_C" curl -s --max-time 10 "http://$SRV_IP/big.txt" -o "$T/big.out" &&
	cmp "$T/big.out" "$T/www/big.txt"
}
ok "a 270 kB download arrives byte for byte" big_download

upload() {
	head -c 100000 /dev/urandom > "$T/up.bin"
	[ "$(ip netns exec "$NS_C" curl -s --max-time 10 -H 'Transfer-Encoding: chunked' \
		--data-binary @"$T/up.bin" "http://$SRV_IP/upload")" = stored ]
}
ok "a chunked upload passes" upload

via_haproxy() {
	[ "$(ip netns exec "$NS_C" curl -s --max-time 5 "http://$SRV_IP:8080/echo")" = ok ]
}
ok "requests through haproxy pass" via_haproxy

ATTACKS="cl_te_classic te_cl_classic te_cl_te_first cl_te_smuggle_get te_xchunked te_Chunked te_chunked_twice
te_quoted te_vtab_after te_leading_comma te_kelvin_k te_two_fields te_http10 te_ws_before_colon te_obs_fold
te_underscore cl_underscore te_name_space cl_dup_diff cl_list_diff cl_plus cl_hex cl_overflow
bare_lf_hides_te bare_cr_in_value mixed_line_ends_te chk_ext_lf chk_spill chk_0x chk_overflow
term_ext_smuggle ext_term_smuggle term_spill_smuggle spill_term_smuggle cl0_get_smuggled te0_options
zero_cl_get ws_refused_smuggle second_request_cl_te pipeline_smuggle_cl_te
ident_x_forwarded_user ident_x_auth_request_email ident_remote_user_underscore ident_in_second_keepalive_request"
BENIGN="browser_get_0 browser_keepalive_3 pipelined_gets post_form post_json_api chunked_upload
chunked_upload_ext gzip_chunked_request get_cl0 expect_100_ok head_with_cl large_cookie http10_close
h2c_upgrade_ignored options_star tls_client_hello put_binary_body multipart_upload keepalive_10_requests
chunked_pipelined_uploads json_body_with_get_text curl_plain python_requests
ident_benign_chrome_navigation ident_benign_oauth2_redirect_param ident_benign_cloudflare_service_token"

play() {   # port names...
	local port=$1; shift
	for n in "$@"; do
		ip netns exec "$NS_C" /usr/bin/python3 "$SRC/pktgen-tests/rawclient.py" "$SRV_IP" "$port" \
			"$SRC/pktgen-tests/corpus" --filter "$n" | awk -v n="$n" -F'\t' '$1 == n'
	done
}

attacks_reset() {   # port [names...]
	local port=$1; shift
	play "$port" "$@" > "$T/attacks.$port"
	set -- "$port"
	local bad
	bad=$(awk -F'\t' '$2 != "reset"' "$T/attacks.$1")
	echo "$(wc -l < "$T/attacks.$1") attack cases played on port $1"
	[ -z "$bad" ] || { echo "not reset:"; echo "$bad"; return 1; }
	[ "$(wc -l < "$T/attacks.$1")" -ge 39 ]
}
ok "every smuggling case is reset (nginx)" attacks_reset 80 $ATTACKS
# haproxy closes a connection whose upgrade failed, so that case ends there
ok "every smuggling case is reset (haproxy)" attacks_reset 8080 ${ATTACKS/ws_refused_smuggle/}

no_smuggled_in_logs() {
	! grep -E '/admin|/internal|SMUGGLED|/404|evil' "$T/access.log"
}
ok "nginx's access log shows no smuggled request" no_smuggled_in_logs

benign_untouched() {
	play 80 $BENIGN > "$T/benign"
	echo "$(wc -l < "$T/benign") benign cases"
	! grep -P '\treset\t' "$T/benign"
}
ok "benign exchanges are never reset" benign_untouched

seam_stop > "$T/stop.out" 2>&1; echo $? > "$T/stop.rc"
ok "seam exits cleanly on SIGTERM" sh -c "cat $T/stop.out; [ \"\$(cat $T/stop.rc)\" = 0 ] && grep -q 'identity.*holds' $T/seam.out"

stats_check() {
	/usr/bin/python3 - "$T/eve.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
alerts = [e for e in ev if e["event_type"] == "alert"]
st = [e for e in ev if e["event_type"] == "stats"][-1]["seam"]["counters"]
rx, held = st["pkt"]["rx"], st["pkt"]["held"]
fates = sum(st["fate"].values())
print("rx", rx, "fates", fates, "held", held, "forwarded", st["fate"]["forwarded"],
      "alerts", len(alerts), "rst", st["tcp"]["rst_sent"])
assert rx == fates + held, "identity"
assert held == 0
assert st["fate"]["forwarded"] > 1000
assert st["fate"]["drop_tx_full"] == 0
assert len(alerts) >= 80, "alerts"
assert st["tcp"]["rst_sent"] >= 80
assert all(a["alert"]["action"] == "blocked" for a in alerts if a["seam"]["verdict"] == "reset")
PY
}
ok "counters account for every packet and show the alerts" stats_check
ok "every EVE record validates against configs/eve-schema.json" /usr/bin/python3 "$SRC/pktgen-tests/validate_eve.py" "$SRC/configs/eve-schema.json" "$T/eve.json"

# ---- mirror: the kernel bridges, seam only watches -------------------------
mirror() {
	ip link add "${TAG}br" type bridge && ip link set "$IF_A" master "${TAG}br" &&
	ip link set "$IF_B" master "${TAG}br" && ip link set "${TAG}br" up || return 1
	: > "$T/access.log"
	rm -f "$T/eve.json"
	"$BUILD/seam" -c "$T/seam.conf" --mirror "$IF_A" --eve "$T/eve.json" --ctl-socket "$T/ctl/m.sock" >"$T/seam.out" 2>&1 &
	SEAM_PID=$!
	for _ in $(seq 100); do grep -q stats "$T/eve.json" 2>/dev/null && break; sleep 0.1; done
	play 80 cl_te_classic te_cl_classic cl0_get_smuggled term_ext_smuggle > "$T/mirror.out"
	ip netns exec "$NS_C" curl -s -o /dev/null --max-time 5 "http://$SRV_IP/index.html"
	sleep 0.5
	seam_stop
	ip link del "${TAG}br"
	cat "$T/mirror.out"
	# traffic untouched: the server itself saw and answered every request
	# (nginx's own 400s and resets for these are its business)
	[ "$(grep -c '"POST /\|"GET /static' "$T/access.log")" -ge 3 ] || { cat "$T/access.log"; return 1; }
	grep -q 'GET /index.html' "$T/access.log" || return 1
	/usr/bin/python3 - "$T/eve.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
names = {e["seam"]["finding"] for e in ev if e["event_type"] == "alert"}
print(sorted(names))
for want in ("h1.cl_and_te", "h1.body_request_line", "h1.chk_ext_lf"):
    assert want in names, want
assert all(not e["seam"]["enforced"] for e in ev if e["event_type"] == "alert")
PY
}
ok "mirror mode: the same alerts while traffic flows untouched" mirror

# mirror with an injection port on the same switch: resets reach both ends
mirror_inject() {
	ip link add "${TAG}br" type bridge && ip link set "$IF_A" master "${TAG}br" &&
	ip link set "$IF_B" master "${TAG}br" || return 1
	ip link add "${TAG}i" type veth peer name "${TAG}j" || return 1
	for i in "${TAG}i" "${TAG}j"; do
		sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1" 2>/dev/null
		ethtool -K "$i" rx off tx off tso off gso off gro off >/dev/null 2>&1
		ip link set "$i" up
	done
	ip link set "${TAG}j" master "${TAG}br" && ip link set "${TAG}br" up
	sed 's/^};$/  inject_port = "'"${TAG}i"'";\n};/' "$T/seam.conf" > "$T/inject.conf"
	rm -f "$T/eve.json"
	"$BUILD/seam" -c "$T/inject.conf" --mirror "$IF_A" --eve "$T/eve.json" --ctl-socket "$T/ctl/i.sock" >"$T/seam.out" 2>&1 &
	SEAM_PID=$!
	for _ in $(seq 100); do grep -q stats "$T/eve.json" 2>/dev/null && break; sleep 0.1; done
	sleep 1   # let the bridge learn where the hosts are
	# watch both hosts for RSTs coming from the tap's own MAC
	ip netns exec "$NS_C" tcpdump -i cli0 -nn -U -w "$T/cli.pcap" 'ether src 02:5e:a3:00:00:01' >"$T/td1.log" 2>&1 &
	local td1=$!
	ip netns exec "$NS_S" tcpdump -i srv0 -nn -U -w "$T/srv.pcap" 'ether src 02:5e:a3:00:00:01' >"$T/td2.log" 2>&1 &
	local td2=$!
	# both captures must be listening before the attacks (a loaded box
	# can take longer than a fixed pause)
	for _ in $(seq 100); do
		grep -q "listening on" "$T/td1.log" 2>/dev/null && grep -q "listening on" "$T/td2.log" 2>/dev/null && break
		sleep 0.1
	done
	play 80 xff_loopback cl0_get_smuggled > "$T/inject.out"
	local ok_curl
	ok_curl=$(ip netns exec "$NS_C" curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$SRV_IP/index.html")
	sleep 0.5
	kill $td1 $td2; wait $td1 $td2 2>/dev/null
	seam_stop
	ip link del "${TAG}i"
	ip link del "${TAG}br"
	local rc=$(tcpdump -nn -r "$T/cli.pcap" 'tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | wc -l)
	local rs=$(tcpdump -nn -r "$T/srv.pcap" 'tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | wc -l)
	cat "$T/inject.out"
	echo "RSTs from the tap: $rc reached the client, $rs the server; benign request: $ok_curl"
	# a mirror races the server, so whether the client's socket saw the RST
	# before the answer varies; that both ends received them does not
	[ "$rc" -ge 2 ] && [ "$rs" -ge 2 ] && [ "$ok_curl" = 200 ] &&
		[ "$(grep '"event_type":"alert"' "$T/eve.json" | grep -c '"enforced":true')" -ge 2 ]
}
ok "mirror mode with an injection port: RSTs injected for attacks, other traffic untouched" mirror_inject

# defensive profile: an ambiguous request is answered, then the connection is
# closed cleanly (FIN to both ends); a next request on it never reaches nginx
close_after() {
	sed 's/^};$/  policy = { profile = "defensive"; };\n};/' "$T/seam.conf" > "$T/defensive.conf"
	: > "$T/access.log"
	rm -f "$T/eve.json"
	"$BUILD/seam" -c "$T/defensive.conf" --inline "$IF_A" "$IF_B" --eve "$T/eve.json" \
		--ctl-socket "$T/ctl/d.sock" >"$T/seam.out" 2>&1 &
	SEAM_PID=$!
	for _ in $(seq 100); do grep -q stats "$T/eve.json" 2>/dev/null && break; sleep 0.1; done
	ip netns exec "$NS_C" /usr/bin/python3 - "$SRV_IP" <<'PY' || return 1
import socket, sys, time
s = socket.create_connection((sys.argv[1], 80), timeout=5)
s.sendall(b"GET /index.html?first HTTP/1.1\r\nHost: x\r\nContent-Length: 00\r\n\r\n")
got = b""
while True:
    d = s.recv(65536)          # a RST here raises: close-after must be a clean close
    if not d:
        break
    got += d
print("response then EOF:", got.split(b"\r\n")[0], len(got), "bytes")
assert got.startswith(b"HTTP/1.1 200") and got.endswith(b"hello from nginx\n"), got
try:
    s.sendall(b"GET /index.html?second HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.5)
    s.recv(100)
except OSError:
    pass
PY
	sleep 0.3
	ip netns exec "$NS_C" curl -s -o /dev/null --max-time 3 "http://$SRV_IP/index.html?other" || return 1
	sleep 0.5
	seam_stop
	cat "$T/access.log"
	grep -q 'first' "$T/access.log" && ! grep -q 'second' "$T/access.log" &&
		grep -q 'other' "$T/access.log" || return 1
	/usr/bin/python3 - "$T/eve.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
al = [e for e in ev if e["event_type"] == "alert"]
st = [e for e in ev if e["event_type"] == "stats"][-1]["seam"]["counters"]
print([(a["seam"]["finding"], a["seam"]["verdict"]) for a in al], "fin_sent", st["tcp"]["fin_sent"],
      "rst_sent", st["tcp"]["rst_sent"])
assert any(a["seam"]["verdict"] == "close-after" for a in al)
assert st["tcp"]["fin_sent"] == 2
PY
}
ok "close-after: the flagged request is answered, then FIN to both ends, nothing more reaches the server" close_after
# DESIGN invariant 2: the receiver gets exactly the bytes the analyzer read.
# Raw deliveries (pieces, reversed, duplicated, overlapping, copies with
# other bytes) from a spoofed client; the flow events' CRC-32 of the
# inspected streams must equal what the server read and what it answered.
inspected_is_received() {
	local spoof=${CLI_IP%.*}.50 py="/usr/bin/python3 $SRC/pktgen-tests/inline_streams.py"
	sed -e 's/eve = { stats_interval = 1; };/eve = { stats_interval = 1; stream_digest = true; };/' \
	    -e 's/^};$/  policy = { overrides = { tcp_overlap_conflict = "alert"; }; };\n};/' \
	    "$T/seam.conf" > "$T/digest.conf"
	grep -q stream_digest "$T/digest.conf" || return 1
	rm -f "$T/eve.json" "$T/sread.json"
	"$BUILD/seam" -c "$T/digest.conf" --inline "$IF_A" "$IF_B" --eve "$T/eve.json" \
		--ctl-socket "$T/ctl/s.sock" >"$T/seam.out" 2>&1 &
	SEAM_PID=$!
	for _ in $(seq 100); do grep -q stats "$T/eve.json" 2>/dev/null && break; sleep 0.1; done
	ip -n "$NS_S" neigh replace "$spoof" lladdr "$(ip -n "$NS_C" -br link show cli0 | awk '{print $3}')" dev srv0
	ip netns exec "$NS_S" $py serve "$SRV_IP" 8090 "$T/sread.json" &
	local spid=$!
	sleep 0.5
	if ! ip netns exec "$NS_C" $py client cli0 "$spoof" "$SRV_IP" 8090 "$T/ssent.json"; then
		kill $spid 2>/dev/null
		seam_stop
		return 1
	fi
	for _ in $(seq 50); do [ -f "$T/sread.json" ] && break; sleep 0.1; done
	seam_stop
	$py check "$T/ssent.json" "$T/sread.json" "$T/eve.json"
}
ok "inline, the server reads exactly the stream seam inspected, for every delivery shape" inspected_is_received

# inline, a dry hold pool: 40 spoofed flows each leave a gap that never
# fills; with room for 16 held segments the oldest holders' segments are
# dropped (their senders would retransmit), counted, and ordinary traffic
# still passes
inline_reclaim() {
	sed -e 's/flow = { max_flows = 16384; max_inspected = 4096; };/flow = { max_flows = 16384; max_inspected = 4096; };\n  reasm = { held_max_segs = 16; ooo_max_segs = 8; };/' \
	    "$T/seam.conf" > "$T/small.conf"
	grep -q held_max_segs "$T/small.conf" || return 1
	rm -f "$T/eve.json"
	"$BUILD/seam" -c "$T/small.conf" --inline "$IF_A" "$IF_B" --eve "$T/eve.json" \
		--ctl-socket "$T/ctl/r.sock" >"$T/seam.out" 2>&1 &
	SEAM_PID=$!
	for _ in $(seq 100); do grep -q stats "$T/eve.json" 2>/dev/null && break; sleep 0.1; done
	ip netns exec "$NS_C" /usr/bin/python3 - "$CLI_IP" "$SRV_IP" <<'PY' || { seam_stop; return 1; }
import sys
from scapy.all import IP, TCP, conf, send
conf.verb = 0
cli, srv = sys.argv[1], sys.argv[2]
net = cli.rsplit(".", 1)[0]
for i in range(40):
    ip = IP(src="%s.%d" % (net, 100 + i), dst=srv)
    seq = 5000 + 1000 * i
    pkts = [ip / TCP(sport=41000 + i, dport=80, flags="PA", seq=seq, ack=1) / b"GET / HTTP/1.1\r\n"]
    pkts += [ip / TCP(sport=41000 + i, dport=80, flags="PA", seq=seq + 100 * k, ack=1) / (b"x" * 20)
             for k in range(1, 5)]
    send(pkts)
PY
	ip netns exec "$NS_C" curl -s --max-time 5 -o /dev/null -w '%{http_code}\n' "http://$SRV_IP/index.html" > "$T/reclaim.curl"
	sleep 1.5
	seam_stop
	cat "$T/reclaim.curl"
	grep -q 200 "$T/reclaim.curl" && /usr/bin/python3 - "$T/eve.json" <<'PY'
import json, sys
st = [json.loads(l) for l in open(sys.argv[1]) if '"stats"' in l][-1]["seam"]["counters"]
t, f, p = st["tcp"], st["fate"], st["pkt"]
print("reclaimed", t["hold_reclaimed"], "dropped", f["drop_reclaimed"], "held", p["held"])
assert t["hold_reclaimed"] > 0 and f["drop_reclaimed"] > 0
assert p["rx"] == sum(f.values()) + p["held"]
PY
}
ok "inline with a dry hold pool: the oldest holders' segments dropped and counted, traffic still passes" inline_reclaim

# after Seam resets an attack, the client may reuse its port at once: the
# new connection on the same tuple is a new flow, judged on its own
port_reuse_after_reset() {
	seam_start "$BUILD" "$T" > /dev/null 2>&1 || return 1
	ip netns exec "$NS_C" /usr/bin/python3 - "$SRV_IP" <<'PY'
import socket, sys, time
srv = sys.argv[1]
def conn():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", 47123))
    s.settimeout(5)
    s.connect((srv, 80))
    return s
s = conn()
s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX")
try:
    got = s.recv(100)
    print("attack answered:", got[:20])
    sys.exit(1)
except ConnectionResetError:
    print("attack reset")
s.close()
for i in range(1):   # the same port again, at once
    s = conn()
    s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    got = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
    s.close()
    print("reuse", i, got.split(b"\r\n")[0])
    assert got.startswith(b"HTTP/1.1 200"), got[:60]
PY
	local rc=$?
	seam_stop
	return $rc
}
ok "a port reused right after a reset opens a new flow that passes" port_reuse_after_reset

# a RST in the window but past the server's next byte goes through: the
# server answers it with a challenge ACK (RFC 5961 §3.2) and the connection
# lives on -- so Seam reads on, and resets the attack written behind it
rst_challenged_inline() {
	rm -f "$T/eve.json"
	seam_start "$BUILD" "$T" > /dev/null 2>&1 || return 1
	ip netns exec "$NS_C" /usr/bin/python3 - "$CLI_IP" "$SRV_IP" > "$T/challenge.out" 2>&1 <<'PY'
import socket, sys, time
from scapy.all import IP, TCP, AsyncSniffer, conf, send
conf.verb = 0
cli, srv = sys.argv[1], sys.argv[2]
seen = []
sn = AsyncSniffer(iface="cli0", filter="tcp and host %s and port 80" % srv, prn=seen.append, store=False)
sn.start()
time.sleep(1)
s = socket.create_connection((srv, 80), timeout=5)
port = s.getsockname()[1]
print("PORT", port)
s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
assert s.recv(65536).startswith(b"HTTP/1.1 200")
time.sleep(0.3)
last = [p for p in seen if p[TCP].dport == port][-1][TCP]      # the server's latest
nxt, snxt = last.ack, (last.seq + len(last.payload)) & 0xffffffff
n0 = len(seen)
send(IP(src=cli, dst=srv) / TCP(sport=port, dport=80, flags="RA", seq=(nxt + 1000) & 0xffffffff, ack=snxt))
time.sleep(0.5)
chal = [p for p in seen[n0:] if p[TCP].dport == port and p[TCP].flags == "A" and p[TCP].ack == nxt]
print("challenge ACKs from the server:", len(chal))
assert chal, "the RST did not reach the server, or it did not challenge it"
s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG")
try:
    got = s.recv(100)
    print("attack answered:", got[:30])
    sys.exit(1)
except ConnectionResetError:
    print("attack reset")
sn.stop()
PY
	local rc=$?
	sleep 1.2
	seam_stop
	cat "$T/challenge.out"
	[ $rc = 0 ] || return 1
	/usr/bin/python3 - "$T/eve.json" "$(awk '/^PORT/ {print $2}' "$T/challenge.out")" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
port = int(sys.argv[2])
mine = [e for e in ev if port in (e.get("src_port"), e.get("dest_port"))]
alerts = {e["seam"]["finding"] for e in mine if e["event_type"] == "alert"}
anomalies = {e["seam"]["finding"] for e in mine if e["event_type"] == "anomaly"}
st = [e for e in ev if e["event_type"] == "stats"][-1]["seam"]["counters"]["tcp"]
print("alerts", sorted(alerts), "anomalies", sorted(anomalies), "rst_challenged", st["rst_challenged"])
assert "h1.cl_and_te" in alerts and "tcp.rst_challenged" in anomalies
assert st["rst_challenged"] >= 1
PY
}
ok "inline, a RST in the window but not at the next byte is forwarded, challenged, and the attack behind it reset" rst_challenged_inline
tap_done
