#!/usr/bin/env bash
# test_bad_input.sh — broken inputs get one clear sentence and a non-zero
# exit, never a crash: missing capture, garbage capture, broken config,
# unknown ports, bad arguments; and hostile frames in a capture are counted.
set -u
BUILD=$1 SRC=$2
. "$SRC/pktgen-tests/tap.sh"
T=$(mktemp -d "$BUILD/badin.XXXXXX")
trap 'rm -rf "$T"' EXIT
SEAM=$BUILD/seam

last() {   # N command...: its last N lines of output, and its exit status
	local n=$1 out rc; shift
	out=$("$@" 2>&1); rc=$?
	printf '%s\n' "$out" | tail -n "$n"
	return $rc
}

fails_with() {   # "expected text" command...
	local want=$1; shift
	local out rc
	out=$("$@" 2>&1); rc=$?
	echo "$out" | head -3
	[ $rc -ne 0 ] && [ $rc -lt 128 ] && echo "$out" | grep -q -- "$want"
}
ok "missing capture is named" fails_with "cannot read capture $T/nope.pcap" "$SEAM" --pcap "$T/nope.pcap" --eve "$T/e.json"
head -c 1000 /dev/urandom > "$T/garbage.pcap"
ok "a file that is not a capture is refused" fails_with "cannot read capture" "$SEAM" --pcap "$T/garbage.pcap" --eve "$T/e.json"
printf 'seam = {\n  flow = { max_flows = -5; };\n};\n' > "$T/bad.conf"
ok "config error names file:line and key" fails_with "bad.conf:2: max_flows" "$SEAM" --test-config -c "$T/bad.conf"
printf 'seam = {\n  polcy = {};\n};\n' > "$T/typo.conf"
ok "unknown config key is refused" fails_with "typo.conf:2: polcy: unknown key" "$SEAM" --test-config -c "$T/typo.conf"
ok "missing config file" fails_with "cannot read the configuration file" "$SEAM" -c "$T/none.conf" --pcap x
ok "an interface that does not exist" fails_with "port nosuchif0: no such PCI device" "$SEAM" --inline nosuchif0 nosuchif1
ok "inline needs two ports" fails_with "exactly two ports" "$SEAM" --inline lo
ok "unknown profile" fails_with "unknown profile" "$SEAM" --pcap x --profile lax
printf 'signatures = (\n  { id = 1; scope = "header"; tier = "severe"; msg = "x";\n    pattern = "a(b"; }\n);\n' > "$T/sig.conf"
printf 'seam = { signatures = "sig.conf"; };\n' > "$T/withsig.conf"
ok "a broken signature names file:line and id" fails_with "sig.conf:2: signature 1" "$SEAM" --test-config -c "$T/withsig.conf"

hostile() {
	/usr/bin/python3 - "$T/hostile.pcap" <<'PY'
import random, struct, sys
random.seed(5)
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
eth = bytes(12)
def rec(b):
    out.write(struct.pack("<IIII", 1, 0, len(b), len(b)) + b)
ip = lambda tot, ihl=5, proto=6: bytes([0x40 | ihl, 0]) + struct.pack(">H", tot) + bytes([0, 0, 0, 0, 64, proto, 0, 0]) + bytes([10, 0, 0, 1, 10, 0, 0, 2])
rec(b"\x00" * 5)                                   # runt
rec(eth + b"\x08\x00" + ip(20)[:10])               # IPv4 cut short
rec(eth + b"\x08\x00" + ip(9000))                  # total length beyond frame
rec(eth + b"\x08\x00" + ip(60, ihl=3) + bytes(40)) # IHL 3
rec(eth + b"\x08\x00" + ip(40) + bytes(20))        # TCP header of zeros (offset 0)
rec(eth + b"\x86\xdd" + bytes([0x60, 0, 0, 0, 0, 8, 0, 64]) + bytes(32) + bytes([60, 200]) + bytes(6))  # ext chain off the end
rec(eth + b"\x81\x00" + b"\x00")                   # VLAN cut short
rec(eth + b"\x88\xcc" + bytes(30))                 # LLDP: not IP
for i in range(300):                               # random junk after an IPv4/TCP start
    rec(eth + b"\x08\x00" + bytes(random.getrandbits(8) for _ in range(random.randint(0, 120))))
PY
	"$SEAM" --pcap "$T/hostile.pcap" --eve "$T/h.json" || return 1
	/usr/bin/python3 - "$T/h.json" <<'PY'
import json, sys
st = [json.loads(l) for l in open(sys.argv[1]) if '"stats"' in l][-1]["seam"]["counters"]
rx = st["pkt"]["rx"]
print("rx", rx, "malformed", st["fate"]["drop_malformed"], "decode", {k: v for k, v in st["decode"].items() if v})
assert rx == 308 and rx == sum(st["fate"].values())
assert st["fate"]["drop_malformed"] >= 7
PY
}
ok "hostile frames are each counted under a reason" hostile

mix_clean() {
	"$BUILD/pktgen-tests/seam-pcapgen" - "$T/mix.pcap" "$T/mix.tsv" --mix 1500 --seed 77 --variants whole,split 2>/dev/null &&
	"$SEAM" --pcap "$T/mix.pcap" --eve "$T/mix.json" &&
	/usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/mix.tsv" "$T/mix.json"
}
ok "a generated mix of 3000 ordinary connections (HTTP/1 with proxies, h2c, WebSocket) raises no alert" mix_clean
pressure() {
	# a small table: 4096 flows, 1024 inspected, tight hold caps
	cat > "$T/small.conf" <<CONF
seam = { flow = { max_flows = 4096; max_inspected = 1024; };
         reasm = { ooo_max_segs = 64; held_max_segs = 256; }; };
CONF
	last 1 "$BUILD/pktgen-tests/seam-pcapgen" "$SRC/pktgen-tests/corpus" "$T/flood.pcap" "$T/flood.tsv" \
		--variants whole,ooo --synflood 150 &&
	"$SEAM" -c "$T/small.conf" --pcap "$T/flood.pcap" --eve "$T/flood.json" || return 1
	last 3 /usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/flood.tsv" "$T/flood.json" || return 1
	/usr/bin/python3 - "$T/flood.json" <<'PY'
import json, sys
st = [json.loads(l) for l in open(sys.argv[1]) if '"stats"' in l][-1]["seam"]["counters"]
f = st["flow"]
print({k: v for k, v in f.items() if v})
assert f["evicted_embryonic"] > 100000, "the flood was evicted"
assert f["evicted_established"] == 0, "established flows kept"
assert st["pkt"]["rx"] == sum(st["fate"].values()) + st["pkt"]["held"]
PY
}
ok "SYN flood at full table: embryonic flows evicted first, every attack still caught" pressure

# a flood of out-of-order segments whose gaps never fill, from 512
# established flows, in front of every corpus flow: the hold pool (256
# segments) runs dry all the time, the oldest holder gives its segments up,
# and every corpus flow -- whole or out of order -- is still judged right
ooo_pressure() {
	last 1 "$BUILD/pktgen-tests/seam-pcapgen" "$SRC/pktgen-tests/corpus" "$T/oooflood.pcap" "$T/oooflood.tsv" \
		--variants whole,ooo --oooflood 64 &&
	"$SEAM" -c "$T/small.conf" --pcap "$T/oooflood.pcap" --eve "$T/oooflood.json" || return 1
	last 3 /usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/oooflood.tsv" "$T/oooflood.json" || return 1
	/usr/bin/python3 - "$T/oooflood.json" <<'PY'
import json, sys
st = [json.loads(l) for l in open(sys.argv[1]) if '"stats"' in l][-1]["seam"]["counters"]
t, f = st["tcp"], st["flow"]
print({k: v for k, v in t.items() if v}, {k: v for k, v in f.items() if v})
assert t["hold_reclaimed"] > 10000, "the pool ran dry and was reclaimed"
assert t["seg_held"] == t["seg_released_held"], "every held segment was given back"
assert st["pkt"]["rx"] == sum(st["fate"].values()) + st["pkt"]["held"]
assert f["cold_exhausted"] == 0 and f["cold_evicted_closed"] > 0, "inspection state was freed from closed flows"
PY
}
ok "out-of-order flood at a full hold pool: oldest holders reclaimed, every corpus flow still judged right" ooo_pressure

# issue 13 §6: a SYN flood and thousands of out-of-order flows that never
# complete, with the whole corpus (WebSocket Origin checks, h2c, HTTP/1
# attacks and their benign twins) played 64 conversations at a time in
# between, so requests and upgrades wait for their answers while the flood
# takes what it can.  With a small flow table (4096) and inspection state
# (1024) the flood fills both; with the default configuration its
# segments dry the hold pool.  Either way every verdict is kept, and the
# flood's state is what gave way: no flow that had read HTTP was ended,
# and no held segment of one exchanging HTTP given up.
flood_keeps_verdicts() {   # name small|default gen-args...
	local n=$1 size=$2; shift 2
	local conf=()
	cat > "$T/vflood.conf" <<CONF
seam = { flow = { max_flows = 4096; max_inspected = 1024; };
         reasm = { ooo_max_segs = 64; held_max_segs = 2048; }; };
CONF
	[ "$size" = small ] && conf=(-c "$T/vflood.conf")
	last 1 "$BUILD/pktgen-tests/seam-pcapgen" "$SRC/pktgen-tests/corpus" "$T/$n.pcap" "$T/$n.tsv" \
		--interleave 64 "$@" &&
	"$SEAM" "${conf[@]}" --pcap "$T/$n.pcap" --eve "$T/$n.json" || return 1
	last 3 /usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/$n.tsv" "$T/$n.json" || return 1
	/usr/bin/python3 - "$T/$n.json" "$size" <<'PY'
import json, sys
st = [json.loads(l) for l in open(sys.argv[1]) if '"stats"' in l][-1]["seam"]["counters"]
t, f = st["tcp"], st["flow"]
print({k: v for k, v in f.items() if v}, {k: v for k, v in t.items() if "reclaim" in k})
if sys.argv[2] == "small":
    assert f["evicted_embryonic"] + f["cold_evicted_unproven"] > 50000, "the flood filled the table and was evicted"
else:
    assert t["hold_reclaimed"] > 1000, "the flood ran the hold pool dry"
assert t["hold_reclaimed_busy"] == 0, "no flow exchanging HTTP gave its held segments up"
assert f["cold_exhausted"] == 0 and f["table_full"] == 0, "every flow found room"
http = ("evicted_established", "evicted_busy", "cold_evicted_established", "cold_evicted_busy")
assert sum(f[k] for k in http) == 0, "no flow that had read HTTP was ended for the flood"
assert st["pkt"]["rx"] == sum(st["fate"].values()) + st["pkt"]["held"]
PY
}
ok "SYN and out-of-order flood among 64 live conversations, small table: every verdict kept, only flood state evicted" \
	flood_keeps_verdicts vflood4 small --variants whole,ooo --synflood 4 --oooflood 4 --oooflows 4096
ok "... over IPv6, out-of-order flood from 8192 flows alone, segments duplicated" \
	flood_keeps_verdicts vflood6 small --v6 --variants whole,dup --oooflood 8 --oooflows 8192 --seed 5
ok "... default configuration: 2048 out-of-order flows dry the hold pool, flood holders give way" \
	flood_keeps_verdicts vfloodd default --variants whole,ooo --synflood 2 --oooflood 16 --oooflows 2048 --seed 7

# memory is fixed at start-up: four times the flood, the same peak RSS
ooo_memory_flat() {
	last 1 "$BUILD/pktgen-tests/seam-pcapgen" "$SRC/pktgen-tests/corpus" "$T/oooflood4.pcap" "$T/oooflood4.tsv" \
		--variants whole,ooo --oooflood 256 &&
	/usr/bin/python3 - "$SEAM" "$T" <<'PY'
import resource, subprocess, sys
seam, t = sys.argv[1], sys.argv[2]
rss = []
for n in ("oooflood", "oooflood4"):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([seam, "-c", t + "/small.conf", "--pcap", "%s/%s.pcap" % (t, n), "--eve", "%s/%s.rss.json" % (t, n)],
                   check=True, stdout=subprocess.DEVNULL)
    rss.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print("peak RSS: %d kB with the flood, %d kB with four times the flood" % tuple(rss))
assert rss[1] <= rss[0] * 1.05 + 2048, "memory grew with the flood"
PY
	last 1 /usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/oooflood4.tsv" "$T/oooflood4.rss.json"
}
ok "out-of-order flood: peak memory does not grow with the flood's size" ooo_memory_flat

# The same capture in every form a capture file takes: classic pcap in
# either byte order, micro- or nanosecond stamps (read in place), pcapng
# and a pipe (read through libpcap): the same events.  A capture cut
# inside its last record is read up to it, with a warning naming the cut.
capture_forms() {
	"$BUILD/pktgen-tests/seam-pcapgen" "$SRC/pktgen-tests/corpus" "$T/forms.pcap" "$T/forms.tsv" \
		--variants whole 2>/dev/null || return 1
	/usr/bin/python3 - "$T/forms.pcap" "$T" <<'PY' || return 1
import struct, sys
src, d = sys.argv[1], sys.argv[2]
raw = open(src, "rb").read()
magic, vmaj, vmin, zone, sig, snap, link = struct.unpack("<IHHiIII", raw[:24])
assert magic == 0xa1b2c3d4
recs, pos = [], 24
while pos < len(raw):
    sec, usec, cap, ln = struct.unpack("<IIII", raw[pos:pos + 16])
    recs.append((sec, usec, ln, raw[pos + 16:pos + 16 + cap]))
    pos += 16 + cap
def classic(path, end, nsec):
    with open(path, "wb") as f:
        f.write(struct.pack(end + "IHHiIII", 0xa1b23c4d if nsec else 0xa1b2c3d4, 2, 4, 0, 0, snap, link))
        for sec, usec, ln, data in recs:
            f.write(struct.pack(end + "IIII", sec, usec * 1000 if nsec else usec, len(data), ln) + data)
classic(d + "/be.pcap", ">", False)
classic(d + "/nsec.pcap", "<", True)
classic(d + "/be_nsec.pcap", ">", True)
def block(t, body):
    body += b"\0" * (-len(body) % 4)
    return struct.pack("<II", t, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
with open(d + "/ng.pcapng", "wb") as f:
    f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
    f.write(block(1, struct.pack("<HHI", link, 0, snap)))        # microsecond stamps
    for sec, usec, ln, data in recs:
        ts = sec * 1000000 + usec
        f.write(block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(data), ln) + data))
with open(d + "/cut.pcap", "wb") as f:
    f.write(raw[:-7])
PY
	local want got f
	"$SEAM" --pcap "$T/forms.pcap" --eve "$T/forms.json" 2>/dev/null || return 1
	want=$(grep -v '"event_type":"stats"' "$T/forms.json" | sort | md5sum)
	grep -q '"event_type":"alert"' "$T/forms.json" || return 1
	for f in be.pcap nsec.pcap be_nsec.pcap ng.pcapng; do
		"$SEAM" --pcap "$T/$f" --eve "$T/f.json" 2>/dev/null || { echo "$f: seam failed"; return 1; }
		got=$(grep -v '"event_type":"stats"' "$T/f.json" | sort | md5sum)
		[ "$got" = "$want" ] || { echo "$f: events differ"; return 1; }
	done
	"$SEAM" --pcap - --eve "$T/f.json" < "$T/forms.pcap" 2>/dev/null || { echo "pipe: seam failed"; return 1; }
	got=$(grep -v '"event_type":"stats"' "$T/f.json" | sort | md5sum)
	[ "$got" = "$want" ] || { echo "pipe: events differ"; return 1; }
	local err
	err=$("$SEAM" --pcap "$T/cut.pcap" --eve "$T/f.json" 2>&1 >/dev/null) || { echo "cut: seam failed"; return 1; }
	echo "$err" | grep -q "warning: .*cut.pcap: truncated dump file" || { echo "cut: no warning: $err"; return 1; }
	grep -q '"event_type":"alert"' "$T/f.json"
}
ok "a capture as classic pcap in either byte order and stamp precision, pcapng and a pipe: the same events; a cut one warns" capture_forms

tap_done
