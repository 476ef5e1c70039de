#!/usr/bin/env bash
# test_control.sh — the control plane with real traffic through Seam inline:
# seamctl block stops new connections from one client within 100 ms while
# another continues; reset kills one flow and no other; ten reloads (one
# with a broken signature file) under continuous traffic lose nothing and
# keep detecting; a user outside the group is refused; top shows moving
# figures under tmux; the Prometheus output parses strictly.
set -u
BUILD=$1 SRC=$2
. "$SRC/pktgen-tests/tap.sh"
. "$SRC/pktgen-tests/netns.sh"
if [ "$(id -u)" != 0 ] || ! command -v nginx >/dev/null; then
	echo "1..0 # SKIP needs root and nginx"
	exit 0
fi
PY=/usr/bin/python3
TAG=sc$(( $$ % 100000 ))
NET_OCTET=$(( 20 + $$ % 50 ))
T=$(mktemp -d "$BUILD/control.XXXXXX")
# the socket lives where a user outside the group can reach it, wherever
# the checkout is (/root is 0700): the refusal must come from seam
CTLD=$(mktemp -d /tmp/seamctl.XXXXXX)
PORT=$(( 19000 + $$ % 1000 ))
cleanup() { seam_stop; cp "$T/seam.out" /tmp/ctl-seam.out 2>/dev/null; tmux kill-session -t "$TAG" 2>/dev/null; net_teardown "$TAG"; rm -rf "$T" "$CTLD"; }
trap cleanup EXIT
net_setup "$TAG"
CLI2_IP=10.$NET_OCTET.0.3
ip -n "$NS_C" addr add "$CLI2_IP/24" dev cli0
nginx_start "$T" || { echo "not ok 1 - nginx"; echo 1..1; exit 1; }
cp "$SRC/configs/signatures.conf" "$T/sigs.conf"
cat > "$T/seam.conf" <<CONF
seam = {
  no_huge = true;
  memory_mb = 512;
  eve = { stats_interval = 1; blocked_pcap = "$T/blocked"; blocked_pcap_mb = 1; };
  flow = { max_flows = 16384; max_inspected = 4096; };
  signatures = "sigs.conf";
  control = { prometheus = "127.0.0.1:$PORT"; };
};
CONF
CTL="$BUILD/control/seamctl --socket $CTLD/seam.sock"
"$BUILD/seam" -c "$T/seam.conf" --inline "$IF_A" "$IF_B" --eve "$T/eve.json" --ctl-socket "$CTLD/seam.sock" \
	>"$T/seam.out" 2>&1 &
SEAM_PID=$!
for _ in $(seq 100); do grep -q '"stats"' "$T/eve.json" 2>/dev/null && break; sleep 0.1; done

get() {   # source-ip url
	ip netns exec "$NS_C" curl -s -o /dev/null -w '%{http_code}' --interface "$1" --max-time "${3:-2}" "$2"
}
ok "seamctl version and stats answer" sh -c "$CTL version | grep -q seam && $CTL --json stats | grep -q '\"holds\":true'"
# options stand before or after the command; one a command does not take is named
ctl_options() {
	local S=$BUILD/control/seamctl out
	"$S" stats --json --socket "$CTLD/seam.sock" | /usr/bin/python3 -c 'import json,sys; assert json.load(sys.stdin)["identity"]["holds"]' &&
	"$S" --socket="$CTLD/seam.sock" flows --json --top 2 | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' &&
	out=$("$S" stats --bogus --socket "$CTLD/seam.sock" 2>&1); [ $? = 2 ] && echo "$out" | grep -q 'stats: unknown option --bogus' &&
	out=$("$S" --socket "$CTLD/seam.sock" stats --top 3 2>&1); [ $? = 2 ] && echo "$out" | grep -q 'stats: unknown option --top' &&
	out=$("$S" --socket "$CTLD/seam.sock" flows --top many 2>&1); [ $? = 2 ] && echo "$out" | grep -q -- "--top: expected a whole number"
}
ok "seamctl: options before or after the command (stats --json is JSON), an unknown option is named" ctl_options
ok "traffic passes from both clients" sh -c "[ \"\$(ip netns exec $NS_C curl -s -o /dev/null -w '%{http_code}' --interface $CLI_IP http://$SRV_IP/)\" = 200 ] && [ \"\$(ip netns exec $NS_C curl -s -o /dev/null -w '%{http_code}' --interface $CLI2_IP http://$SRV_IP/)\" = 200 ]"

block() {
	$CTL block add "$CLI_IP" --ttl 60 >/dev/null || return 1
	local t0=$(date +%s%N)
	# within 100 ms new connections from that client no longer get through
	sleep 0.1
	local a b
	a=$(get "$CLI_IP" "http://$SRV_IP/" 1)
	b=$(get "$CLI2_IP" "http://$SRV_IP/")
	echo "blocked client: '$a', other client: '$b'"
	[ "$a" = 000 ] && [ "$b" = 200 ] || return 1
	$CTL block list | grep -q "$CLI_IP/32" || return 1
	grep -q '"event_type":"drop"' "$T/eve.json" || return 1
	grep '"event_type":"drop"' "$T/eve.json" | grep -q 'seamctl block' || return 1
	$CTL block del "$CLI_IP" >/dev/null && [ "$(get "$CLI_IP" "http://$SRV_IP/")" = 200 ]
}
ok "block add stops new connections from one client within 100 ms, the other continues" block

reset_one() {
	# two idle keep-alive connections; reset one by its tuple
	ip netns exec "$NS_C" $PY - "$SRV_IP" "$CLI_IP" "$T" <<'PY' &
import socket, sys, time
srv, cli, t = sys.argv[1], sys.argv[2], sys.argv[3]
socks = []
for i in range(2):
    s = socket.socket()
    s.bind((cli, 0))
    s.connect((srv, 80))
    s.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
    s.recv(1000)
    socks.append(s)
open(t + "/ports", "w").write("%d %d\n" % (socks[0].getsockname()[1], socks[1].getsockname()[1]))
time.sleep(1.5)
res = []
for s in socks:
    try:
        s.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(1)
        d = s.recv(1000)
        res.append("alive" if d else "closed")
    except (ConnectionResetError, BrokenPipeError):
        res.append("reset")
    except socket.timeout:
        res.append("silent")
open(t + "/reset.out", "w").write(" ".join(res) + "\n")
PY
	local pid=$!
	for _ in $(seq 30); do [ -s "$T/ports" ] && break; sleep 0.1; done
	read -r p1 p2 < "$T/ports"
	$CTL flows --top 50 | grep -q ":$p1" || { echo "flow not listed"; $CTL flows; return 1; }
	# find it by a filter, reset it by its flow id
	local fid
	fid=$($CTL --json flows --port "$p1" | $PY -c 'import json,sys; f=json.load(sys.stdin)["flows"]; assert len(f)==1; print(f[0]["flow_id"])') || return 1
	$CTL reset --flow-id "$fid" >/dev/null || return 1
	wait $pid
	cat "$T/reset.out"
	[ "$(cat "$T/reset.out")" = "reset alive" ]
}
ok "flows --port finds one flow; reset --flow-id kills it and no other" reset_one
ok "the reset's EVE drop record names the operator command" sh -c \
	"grep '\"event_type\":\"drop\"' $T/eve.json | grep -q 'seamctl reset (uid 0)'"

reloads() {
	local n=0 fails=0
	( for i in $(seq 150); do get "$CLI2_IP" "http://$SRV_IP/index.html?r=$i" 2; echo; done ) > "$T/codes" &
	local bg=$!
	for i in $(seq 10); do
		if [ "$i" = 5 ]; then
			printf 'signatures = (\n  { id = 1; scope = "header"; tier = "severe"; msg = "x";\n    pattern = "(unclosed"; }\n);\n' > "$T/sigs.conf"
			if $CTL reload 2>"$T/reload.err"; then echo "broken reload accepted"; fails=1; fi
			grep -q "sigs.conf:2: signature 1" "$T/reload.err" || { cat "$T/reload.err"; fails=1; }
			cp "$SRC/configs/signatures.conf" "$T/sigs.conf"
		else
			$CTL reload >/dev/null || fails=1
			n=$((n + 1))
		fi
		sleep 0.2
	done
	wait $bg
	local good=$(grep -c '^200$' "$T/codes")
	echo "$n reloads, $good of 150 requests answered 200, generation $($CTL --json version)"
	[ "$fails" = 0 ] && [ "$good" = 150 ] || return 1
	# still detecting after the swaps, on the new generation
	r=$(ip netns exec "$NS_C" $PY "$SRC/pktgen-tests/rawclient.py" "$SRV_IP" 80 "$SRC/pktgen-tests/corpus" \
		--filter cl_te_classic | awk -F'\t' '$1 == "cl_te_classic" {print $2}')
	echo "attack after reloads: $r"
	[ "$r" = reset ]
}
ok "ten reloads (one broken) under traffic: nothing lost, still detecting" reloads

generation_per_flow() {
	# a connection opened before a reload keeps the old generation; a new one gets the new
	ip netns exec "$NS_C" $PY - "$SRV_IP" "$CLI2_IP" "$T" <<'PY' &
import socket, sys, time
srv, cli, t = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(); s.bind((cli, 0)); s.connect((srv, 80))
s.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"); s.recv(1000)
open(t + "/old.ready", "w").write("1")
while not __import__("os").path.exists(t + "/reloaded"): time.sleep(0.05)
res = "alive"
try:
    s.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Gen-Probe: 1\r\n\r\n")
    s.settimeout(1)
    res = "alive" if s.recv(1000) else "closed"
except (ConnectionResetError, BrokenPipeError):
    res = "reset"
open(t + "/old.out", "w").write(res)
PY
	local pid=$!
	for _ in $(seq 30); do [ -f "$T/old.ready" ] && break; sleep 0.1; done
	sed 's/^);$/  ,{ id = 4199999; scope = "header_name"; tier = "severe"; pattern = "^x-gen-probe$"; msg = "generation probe"; }\n);/' \
		"$SRC/configs/signatures.conf" > "$T/sigs.conf"
	$CTL reload >/dev/null || return 1
	touch "$T/reloaded"
	wait $pid
	local new
	new=$(ip netns exec "$NS_C" curl -s -o /dev/null -w '%{http_code}' --interface "$CLI2_IP" --max-time 2 \
		-H 'X-Gen-Probe: 1' "http://$SRV_IP/echo")
	cp "$SRC/configs/signatures.conf" "$T/sigs.conf"
	$CTL reload >/dev/null
	echo "old connection: $(cat "$T/old.out"), new connection: '$new'"
	[ "$(cat "$T/old.out")" = alive ] && [ "$new" = 000 ]
}
ok "flows in progress finish on their generation; new flows get the reloaded signatures" generation_per_flow

refused() {
	# make the socket reachable, then ask as a user outside the group
	chmod 0755 "$CTLD"
	chmod 0666 "$CTLD/seam.sock"
	local out rc
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $CTL version 2>&1); rc=$?
	if [ -z "$out" ]; then
		# seen once in a clean-clone run under load: no output at all
		# (cause not found yet); say so and ask once more
		echo "first try: exit $rc and no output"
		out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $CTL version 2>&1); rc=$?
	fi
	echo "$out (exit $rc)"
	chmod 0700 "$CTLD"
	echo "$out" | grep -q "permission denied: uid 65534"
}
ok "a user outside the group is refused with a clear error" refused

hostile_requests() {
	$PY - "$CTLD/seam.sock" <<'PY' || return 1
import socket, sys, time
path = sys.argv[1]
def ask(data, wait=0.5):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall(data)
    s.settimeout(wait + 7)
    time.sleep(wait)
    out = b""
    try:
        while b"\n" not in out:
            d = s.recv(4096)
            if not d:
                break
            out += d
    except socket.timeout:
        pass
    s.close()
    return out.decode()
r = ask(b"hello\n");                 print(r.strip()); assert "not a JSON object" in r
r = ask(b'{"cmd":"format-disk"}\n'); print(r.strip()); assert "unknown command" in r
r = ask(b"{" + b"x" * 70000);         print(r.strip()); assert "too large" in r
r = ask(b'{"cmd":', wait=6);          print(r.strip()); assert "within 5 s" in r
r = ask(b'{"cmd":"block","op":"add","prefix":"not-an-address"}\n'); print(r.strip()); assert "prefix" in r
PY
	# the workers never noticed
	[ "$(get "$CLI2_IP" "http://$SRV_IP/")" = 200 ]
}
ok "malformed, oversized and slow control requests get an error; traffic goes on" hostile_requests

top_moves() {
	( end=$((SECONDS + 6)); while [ $SECONDS -lt $end ]; do get "$CLI2_IP" "http://$SRV_IP/index.html" 2 >/dev/null; done ) &
	local bg=$!
	tmux new-session -d -s "$TAG" -x 100 -y 20 "$CTL top"
	sleep 2.5
	tmux capture-pane -p -t "$TAG" > "$T/top1"
	sleep 1.5
	tmux capture-pane -p -t "$TAG" > "$T/top2"
	tmux kill-session -t "$TAG"
	kill $bg 2>/dev/null; wait $bg 2>/dev/null
	cat "$T/top2"
	grep -q "packets/s" "$T/top1" && ! cmp -s "$T/top1" "$T/top2" &&
		awk '$1 == "0" && $2 > 0 { found = 1 } END { exit !found }' "$T/top2"
}
ok "seamctl top runs under tmux and its figures move" top_moves

prometheus() {
	curl -s --max-time 3 "http://127.0.0.1:$PORT/metrics" > "$T/metrics" || return 1
	$PY - "$T/metrics" "$CTLD/seam.sock" "$BUILD/control/seamctl" <<'PY'
import re, sys, json, subprocess
text = open(sys.argv[1]).read()
name = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
types, samples = {}, {}
for n, line in enumerate(text.splitlines(), 1):
    if line.startswith("# TYPE "):
        _, _, m, t = line.split(" ", 3)
        assert re.fullmatch(name, m) and t in ("counter", "gauge"), line
        assert m not in types, "duplicate TYPE " + m
        types[m] = t
        continue
    if line.startswith("#") or not line:
        continue
    mo = re.fullmatch(r"(%s)(\{[a-z_]+=\"[^\"\\]*\"(,[a-z_]+=\"[^\"\\]*\")*\})? (-?[0-9.e+]+)" % name, line)
    assert mo, "line %d does not parse: %r" % (n, line)
    m = mo.group(1)
    assert m.startswith("seam_"), m
    base = m
    assert base in types, "sample without TYPE: " + m
    if types[base] == "counter":
        assert m.endswith("_total"), m
    samples[m + (mo.group(2) or "")] = float(mo.group(4))
print(len(samples), "samples")
# the same numbers as seamctl stats
st = json.loads(subprocess.check_output([sys.argv[3], "--socket", sys.argv[2], "--json", "stats"]))
c = st["counters"]
assert samples["seam_fate_drop_blocked_total"] == c["fate"]["drop_blocked"]
assert samples["seam_flow_created_total"] <= c["flow"]["created"]
PY
}
ok "Prometheus metrics parse strictly and agree with seamctl" prometheus
hup_reopens() {
	# logrotate's way: move the file, SIGHUP, a new file appears and fills
	mv "$T/eve.json" "$T/eve.old.json"
	kill -HUP "$SEAM_PID"
	for _ in $(seq 50); do grep -q '"event_type":"stats"' "$T/eve.json" 2>/dev/null && break; sleep 0.1; done
	grep -q '"event_type":"stats"' "$T/eve.json" && grep -q "SIGHUP reload: done" "$T/seam.out" &&
		$CTL version >/dev/null
}
ok "SIGHUP reopens the EVE file (and hot-reloads); seam keeps answering" hup_reopens
seam_stop > "$T/stop.out" 2>&1; echo $? > "$T/stop.rc"
# the checks below read the whole event log, both sides of the rotation
cat "$T/eve.old.json" "$T/eve.json" > "$T/eve.all.json" 2>/dev/null && mv "$T/eve.all.json" "$T/eve.json"
ok "seam exits cleanly" sh -c "cat $T/stop.out; [ \"\$(cat $T/stop.rc)\" = 0 ]"
ok "state-changing commands were audited" grep -q "audit.*block" "$T/seam.out"
ok "the audit trail is in the event log too (EVE engine records)" sh -c \
	"grep '\"event_type\":\"engine\"' $T/eve.json | grep -q 'uid=0 pid=[0-9]* .*block.*-> ok' &&
	 grep '\"event_type\":\"engine\"' $T/eve.json | grep -q 'reload.*-> refused: '"
ok "every EVE record validates against configs/eve-schema.json" /usr/bin/python3 "$SRC/pktgen-tests/validate_eve.py" "$SRC/configs/eve-schema.json" "$T/eve.json"
blocked_capture() {
	local f
	f=$(grep '"event_type":"alert"' "$T/eve.json" | grep -o '"pcap":"[^"]*"' | head -1 | cut -d'"' -f4)
	echo "alert names $f"
	[ -n "$f" ] && [ -f "$f" ] || return 1
	local n
	n=$(tshark -r "$f" 2>/dev/null | wc -l)
	echo "$n packets of stopped flows in it"
	[ "$n" -ge 1 ]
}
ok "the stopped flow's packets are in the capture the alert names" blocked_capture
tap_done
