#!/usr/bin/env bash
# bench.sh — `./run bench`: Seam's speed on one worker core, replaying
# generated captures from memory (net_pcap infinite_rx) into net_null.
# Each figure is the median of RUNS runs; results go to
# build/bench/results.json and build/bench/stages.png.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build
OUT=$B/bench
RUNS=${RUNS:-3}
SECS=${SECS:-3}
FLOWS=${FLOWS:-2000}
mkdir -p "$OUT"
PY=/usr/bin/python3

# Hugepages keep page faults out of the figures; fall back to heap memory.
if [ "$(id -u)" = 0 ]; then
	echo 1536 > /proc/sys/vm/nr_hugepages 2>/dev/null || true
	grep -q hugetlbfs /proc/mounts || { mkdir -p /dev/hugepages; mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true; }
fi

gen() {   # name corpus-dir args...
	local n=$1 c=$2; shift 2
	[ -s "$OUT/$n.pcap" ] || "$B/pktgen-tests/seam-pcapgen" "$c" "$OUT/$n.pcap" "$OUT/$n.tsv" "$@" 2>/dev/null
}
gen mix - --mix "$FLOWS" --seed 1 --mix-kind http1
gen h2c - --mix $((FLOWS / 2)) --seed 3 --mix-kind h2c
gen ws - --mix $((FLOWS / 4)) --seed 4 --mix-kind ws
# small out-of-order segments: ten times the packets, so fewer flows
gen mix_ooo - --mix $((FLOWS / 10)) --seed 2 --variants ooo
gen corpus_attacks "$ROOT/pktgen-tests/corpus" --variants whole

: > "$OUT/runs.jsonl"
bench() {   # label pcap stage
	for r in $(seq "$RUNS"); do
		"$B/seam" --bench "$OUT/$2" --stage "$3" --seconds "$SECS" 2>"$OUT/last.err" |
			sed "s/^{/{\"label\":\"$1\",\"run\":$r,/" >> "$OUT/runs.jsonl" ||
			{ echo "bench $1/$3 failed:" >&2; tail -3 "$OUT/last.err" >&2; }
	done
}
echo "seam bench: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $RUNS runs of ${SECS}s each" >&2
for st in io decode flow reasm full; do
	bench "http_mix" mix.pcap $st
done
bench "http_mix_ooo" mix_ooo.pcap reasm
bench "http_mix_ooo" mix_ooo.pcap full
bench "attack_corpus" corpus_attacks.pcap full
bench "h2c_mix" h2c.pcap full
bench "websocket_mix" ws.pcap full

# live: seam-pktgen through seam --inline over net_memif, verdicts checked
live() {
	local d; d=$(mktemp -d)
	cat > "$d/seam.conf" <<CONF
seam = { no_huge = true; memory_mb = 768; flow = { max_flows = 65536; max_inspected = 16384; };
         eve = { file = "/dev/null"; stats_interval = 0; }; };
CONF
	"$B/seam" -c "$d/seam.conf" --inline "net_memif0,role=server,socket=$d/a.sock" \
		"net_memif1,role=server,socket=$d/b.sock" --ctl-socket "$d/ctl.sock" >/dev/null 2>&1 &
	local sp=$!
	sleep 2
	timeout 300 "$B/pktgen-tests/seam-pktgen" --loop "net_memif0,role=client,socket=$d/a.sock" \
		"net_memif1,role=client,socket=$d/b.sock" --flows "$1" --attacks "$ROOT/pktgen-tests/corpus" \
		--attack-share 5 --concurrency 128 --timeout-ms 300 --search 2>/dev/null > "$OUT/live.jsonl" || true
	kill $sp; wait $sp 2>/dev/null
	rm -rf "$d"
}
live $((FLOWS / 4))

"$PY" - "$OUT" <<'PY'
import json, statistics, sys, os, platform
out = sys.argv[1]
runs = [json.loads(l) for l in open(os.path.join(out, "runs.jsonl"))]
groups = {}
for r in runs:
    groups.setdefault((r["label"], r["stage"]), []).append(r)
rows = []
for (label, stage), rs in groups.items():
    med = lambda k: statistics.median(x[k] for x in rs)
    rows.append({"label": label, "stage": stage, "runs": len(rs), "mpps": med("mpps"), "gbps": med("gbps"),
                 "cycles_per_pkt": med("cycles_per_pkt"), "avg_pkt_bytes": med("avg_pkt_bytes"),
                 "flows_per_s": med("flows_per_s"), "alerts": med("alerts")})
floor = next((r for r in rows if r["stage"] == "io"), None)
cpu = ""
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
res = {"machine": {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release()}, "results": rows}
json.dump(res, open(os.path.join(out, "results.json"), "w"), indent=1)
print("%-14s %-7s %8s %8s %10s %9s %10s %7s" % ("traffic", "stage", "Mpps", "Gbit/s", "cycles/pkt", "vs floor",
                                                 "flows/s", "alerts"))
for r in rows:
    ratio = r["cycles_per_pkt"] / floor["cycles_per_pkt"] if floor else 0
    print("%-14s %-7s %8.3f %8.2f %10.0f %8.2fx %10.0f %7.0f" % (r["label"], r["stage"], r["mpps"], r["gbps"],
          r["cycles_per_pkt"], ratio, r["flows_per_s"], r["alerts"]))
live = []
try:
    live = [json.loads(l) for l in open(os.path.join(out, "live.jsonl"))]
except OSError:
    pass
runs_live = [l for l in live if "sent" in l]
zl = next((l["zero_loss_rate_pps"] for l in live if "zero_loss_rate_pps" in l), None)
if runs_live:
    first = runs_live[0]
    print("\nlive through seam --inline over net_memif (seam-pktgen lock step, both on this machine's 2 cores):")
    for l in runs_live:
        print("  %9.0f pps: %d/%d benign flows whole, %d/%d attacks stopped, latency p50 %.0f us p99 %.0f us p99.9 %.0f us"
              % (l["rate_pps"], l["benign_whole"], l["benign"], l["attacks_stopped"], l["attacks"],
                 l["latency_us"]["p50"], l["latency_us"]["p99"], l["latency_us"]["p99.9"]))
    if zl is not None:
        print("  highest rate with no benign loss and every attack stopped: %.0f pps" % zl)
    res["live"] = {"runs": runs_live, "zero_loss_rate_pps": zl}
    json.dump(res, open(os.path.join(out, "results.json"), "w"), indent=1)
full = next((r for r in rows if r["label"] == "http_mix" and r["stage"] == "full"), None)
if full:
    need25 = 25 / full["gbps"] if full["gbps"] else 0
    need100 = 100 / full["gbps"] if full["gbps"] else 0
    print("\nestimate: %.1f worker cores for 25G and %.1f for 100G of this mix (average %.0f-byte packets),"
          % (need25, need100, full["avg_pkt_bytes"]))
    print("assuming linear scaling across cores with symmetric RSS and the I/O cost of net_pcap replay.")
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    mix = [r for r in rows if r["label"] == "http_mix"]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.bar([r["stage"] for r in mix], [r["cycles_per_pkt"] for r in mix], color="#4472c4")
    ax.axhline(1700, color="red", linestyle="--", label="target 1,700 cycles (10 Gbit/s)")
    ax.set_ylabel("TSC cycles per packet (median)")
    ax.set_title("Seam, one worker, HTTP mix: cost by pipeline stage")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "stages.png"), dpi=100)
except Exception as e:
    print("no plot:", e)
PY
echo "results: $OUT/results.json, $OUT/stages.png" >&2
