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
	# paced connection starts and small segments: the same verdicts
	timeout 120 "$PG" --loop "net_memif0,role=client,socket=$T/a.sock" "net_memif1,role=client,socket=$T/b.sock" \
		--flows 200 --attacks "$SRC/pktgen-tests/corpus" --attack-share 10 --timeout-ms 400 --new-flows 150 \
		--mss 536 > "$T/paced.json" 2>/dev/null || rc=1
	kill "$SEAM_PID"; wait "$SEAM_PID"; SEAM_PID=
	cat "$T/paced.json"
	cat "$T/loop.json"
	[ $rc = 0 ] && /usr/bin/python3 - "$T/loop.json" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["attacks"] >= 25 and r["attacks_stopped"] == r["attacks"], "attacks"
assert r["benign"] == 300 and r["benign_whole"] == 300, "benign"
assert r["lost_benign"] == 0 and r["unknown"] == 0
p = json.loads(open(sys.argv[1].replace("loop.json", "paced.json")).readline())
assert p["attacks_stopped"] == p["attacks"] >= 15 and p["benign_whole"] == p["benign"] == 200, "paced verdicts"
assert 90 <= p["new_flows_per_s"] <= 165, "new flows started at the asked rate: %s" % p["new_flows_per_s"]
PY
}
ok "loop through seam --inline over net_memif: every attack stopped, every benign flow whole (also paced at 150 new flows/s with 536-byte segments)" loop_memif

# per-flow template rewriting: 150 templates become 30,000 long-lived flows;
# every checksum is right to tshark, and Seam reads each flow in order
fanout_tx() {
	"$PG" --tx "net_pcap0,tx_pcap=$T/fan.pcap" --flows 150 --fanout 30000 --seconds 1 --rate 40000 \
		> "$T/fan.json" 2>/dev/null || return 1
	cat "$T/fan.json"
	local bad flows
	tshark -r "$T/fan.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields \
		-e tcp.checksum.status -e ip.checksum.status -e ip.src -e ip.dst > "$T/fan.tsv" 2>/dev/null
	bad=$(cut -f1,2 "$T/fan.tsv" | grep -vc '^1	1$')
	flows=$(cut -f3,4 "$T/fan.tsv" | tr '\t' '\n' | grep '^10\.64\.' | sort -u | wc -l)
	echo "bad checksums: $bad, distinct client addresses: $flows"
	[ "$bad" = 0 ] && [ "$flows" -ge 2500 ] || return 1
	"$BUILD/seam" --pcap "$T/fan.pcap" --eve "$T/fan.eve.json" >/dev/null 2>&1 || return 1
	/usr/bin/python3 - "$T/fan.eve.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
st = [e for e in ev if e["event_type"] == "stats"][-1]["seam"]["counters"]
alerts = [e for e in ev if e["event_type"] == "alert"]
t = st["tcp"]
print("flows", st["flow"]["created"], "in order", t["seg_in_order"], "held", t["seg_held"], "gaps", t["gap_skipped"],
      "conflicts", t["overlap_conflict"], "alerts", len(alerts))
assert st["flow"]["created"] >= 2500
assert t["gap_skipped"] == 0 and t["overlap_conflict"] == 0 and t["seg_held"] == 0
assert not alerts, alerts[:3]
PY
}
ok "--fanout: templates rewritten per flow, checksums right, every flow in order to Seam" fanout_tx

# the benchmark's own sources: templates replayed as many flows, and a
# capture queue per worker (short runs: correctness, not speed)
bench_modes() {
	"$BUILD/pktgen-tests/seam-pcapgen" - "$T/tpl.pcap" "$T/tpl.tsv" --mix 100 --seed 5 --mix-kind http1 \
		--templates --one-exchange 2>/dev/null &&
	"$BUILD/seam" --bench "$T/tpl.pcap" --stage full --seconds 0.5 --bench-flows 5000 > "$T/b1.json" 2>/dev/null &&
	"$BUILD/seam" --bench "$T/tpl.pcap" --stage full --seconds 0.5 --bench-workers 2 > "$T/b2.json" 2>/dev/null &&
	"$BUILD/seam" --state-sizes > "$T/sizes.json" || return 1
	cat "$T/b1.json" "$T/b2.json" "$T/sizes.json"
	/usr/bin/python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
b1, b2, sz = (json.load(open("%s/%s.json" % (t, n))) for n in ("b1", "b2", "sizes"))
assert b1["flows_active"] == 5000 and b1["drops"] == 0 and b1["alerts"] == 0 and b1["packets"] > 0
assert b2["workers"] == 2 and b2["flows_active"] == 200 and b2["drops"] == 0
assert sz["inspection_state"] > sz["http1"] > 0 and sz["h2c_pool_object"] > sz["inspection_state"]
PY
}
ok "seam --bench-flows plays templates as 5,000 flows, --bench-workers runs two, --state-sizes" bench_modes

fails_with() {
	local want=$1; shift
	local out rc
	out=$("$@" 2>&1); rc=$?
	echo "$out" | tail -2
	[ $rc -ne 0 ] && echo "$out" | grep -q -- "$want"
}
ok "a port that does not exist is named" fails_with "no such device" "$PG" --tx nosuchif9 --flows 10
ok "two modes at once are refused" fails_with "choose one of" "$PG" --pcap x.pcap --tx lo
ok "--fanout without --tx is refused" fails_with "goes with --tx" "$PG" --pcap x.pcap --fanout 100000
ok "a rate beyond the port's link speed is refused before sending" fails_with "links at" "$PG" --tx net_null0 --rate 100000000 --flows 10
ok "a loss tolerance over 50% is refused" fails_with "expected 0 to 50" "$PG" --pcap x.pcap --loss-tolerance 80
ok "a case name defined twice in the corpus is named with both places" sh -c "mkdir -p $T/dup && printf 'case a\\nexpect none\\nc GET / HTTP/1.1\\\\r\\\\n\\\\r\\\\n\\nend\\ncase a\\nexpect none\\nc GET / HTTP/1.1\\\\r\\\\n\\\\r\\\\n\\nend\\n' > $T/dup/x.case && ! $PG --pcap $T/d.pcap --attacks $T/dup > $T/dup.out 2>&1 && grep -q 'x.case:5: case a is already defined at x.case:1' $T/dup.out"
ok "a bad rate is refused" fails_with "expected packets per second" "$PG" --pcap x.pcap --rate fast
ok "a broken corpus names file:line" sh -c "mkdir -p $T/bad && printf 'case x\nexpect\nc GET\n' > $T/bad/x.case && ! $PG --pcap $T/x.pcap --attacks $T/bad 2>&1 | tee /dev/stderr | grep -q . || $PG --pcap $T/x.pcap --attacks $T/bad 2>&1 | grep -q 'x.case:'"
tap_done
