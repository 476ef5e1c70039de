#!/usr/bin/env bash
# test_pktgen.sh — seam-pktgen: its captures are reproducible from a seed
# and valid to an independent parser (tshark: checksums, sequence and
# acknowledgement analysis); in loop mode through `seam --inline` over
# net_memif with a share of attacks, every attack is stopped and every
# benign flow arrives whole; bad arguments get one clear sentence.
set -u
BUILD=$1 SRC=$2
. "$SRC/pktgen-tests/tap.sh"
T=$(mktemp -d "$BUILD/pktgen.XXXXXX")
PG=$BUILD/pktgen-tests/seam-pktgen
SEAM_PID=
cleanup() { [ -n "$SEAM_PID" ] && kill "$SEAM_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

same_seed() {
	"$PG" --pcap "$T/a.pcap" --flows 150 --attacks "$SRC/pktgen-tests/corpus" --attack-share 10 --seed 7 2>/dev/null &&
	"$PG" --pcap "$T/b.pcap" --flows 150 --attacks "$SRC/pktgen-tests/corpus" --attack-share 10 --seed 7 2>/dev/null &&
	"$PG" --pcap "$T/c.pcap" --flows 150 --attacks "$SRC/pktgen-tests/corpus" --attack-share 10 --seed 8 2>/dev/null &&
	cmp "$T/a.pcap" "$T/b.pcap" && ! cmp -s "$T/a.pcap" "$T/c.pcap"
}
ok "the capture is reproducible from its seed (and another seed differs)" same_seed

tshark_valid() {
	command -v tshark >/dev/null || return 1
	local bad
	bad=$(tshark -r "$T/a.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields \
		-e tcp.checksum.status -e ip.checksum.status 2>/dev/null | grep -vc '^1	1$')
	local odd
	odd=$(tshark -r "$T/a.pcap" -Y "tcp.analysis.lost_segment || tcp.analysis.out_of_order || \
		tcp.analysis.retransmission || tcp.analysis.ack_lost_segment || tcp.analysis.duplicate_ack" 2>/dev/null | wc -l)
	echo "bad checksums: $bad, sequence oddities: $odd"
	[ "$bad" = 0 ] && [ "$odd" = 0 ]
}
ok "tshark finds every checksum right and every sequence in order" tshark_valid

loop_memif() {
	cat > "$T/seam.conf" <<CONF
seam = { no_huge = true; memory_mb = 768; flow = { max_flows = 16384; max_inspected = 4096; };
         eve = { stats_interval = 1; }; };
CONF
	"$BUILD/seam" -c "$T/seam.conf" --inline "net_memif0,role=server,socket=$T/a.sock" \
		"net_memif1,role=server,socket=$T/b.sock" --eve "$T/eve.json" --ctl-socket "$T/ctl.sock" \
		> "$T/seam.out" 2>&1 &
	SEAM_PID=$!
	for _ in $(seq 50); do grep -q '"stats"' "$T/eve.json" 2>/dev/null && break; sleep 0.1; done
	timeout 120 "$PG" --loop "net_memif0,role=client,socket=$T/a.sock" "net_memif1,role=client,socket=$T/b.sock" \
		--flows 300 --attacks "$SRC/pktgen-tests/corpus" --attack-share 10 --timeout-ms 400 > "$T/loop.json" 2>/dev/null
	local rc=$?
	kill "$SEAM_PID"; wait "$SEAM_PID"; SEAM_PID=
	cat "$T/loop.json"
	[ $rc = 0 ] && /usr/bin/python3 - "$T/loop.json" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["attacks"] >= 25 and r["attacks_stopped"] == r["attacks"], "attacks"
assert r["benign"] == 300 and r["benign_whole"] == 300, "benign"
assert r["lost_benign"] == 0 and r["unknown"] == 0
PY
}
ok "loop through seam --inline over net_memif: every attack stopped, every benign flow whole" loop_memif

fails_with() {
	local want=$1; shift
	local out rc
	out=$("$@" 2>&1); rc=$?
	echo "$out" | tail -2
	[ $rc -ne 0 ] && echo "$out" | grep -q -- "$want"
}
ok "a port that does not exist is named" fails_with "no such device" "$PG" --tx nosuchif9 --flows 10
ok "two modes at once are refused" fails_with "choose one of" "$PG" --pcap x.pcap --tx lo
ok "a bad rate is refused" fails_with "expected packets per second" "$PG" --pcap x.pcap --rate fast
ok "a broken corpus names file:line" sh -c "mkdir -p $T/bad && printf 'case x\nexpect\nc GET\n' > $T/bad/x.case && ! $PG --pcap $T/x.pcap --attacks $T/bad 2>&1 | tee /dev/stderr | grep -q . || $PG --pcap $T/x.pcap --attacks $T/bad 2>&1 | grep -q 'x.case:'"
tap_done
