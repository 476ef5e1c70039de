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
# one exchange per connection: the connection setup rate
gen conn - --mix "$FLOWS" --seed 6 --mix-kind http1 --one-exchange
# mid-stream one-exchange templates, replayed as many long-lived flows
gen tpl - --mix 1000 --seed 5 --mix-kind http1 --templates --one-exchange

: > "$OUT/runs.jsonl"
"$B/seam" --state-sizes > "$OUT/sizes.json"
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
for st in reasm full; do
	bench "h2c_mix" h2c.pcap $st
	bench "websocket_mix" ws.pcap $st
done
bench "new_connections" conn.pcap full
# worker scaling: 1..N workers, one capture queue each, on the cores present
# (the control thread sleeps on a shared core)
for n in $(seq 1 "$(nproc)"); do
	for r in $(seq "$RUNS"); do
		"$B/seam" --bench "$OUT/mix.pcap" --stage full --seconds "$SECS" --bench-workers "$n" 2>"$OUT/last.err" |
			sed "s/^{/{\"label\":\"workers_$n\",\"run\":$r,/" >> "$OUT/runs.jsonl" ||
			{ echo "bench with $n workers failed:" >&2; tail -3 "$OUT/last.err" >&2; }
	done
done
# the generator itself: one core, templates rewritten per flow, into net_null
for r in $(seq "$RUNS"); do
	"$B/pktgen-tests/seam-pktgen" --tx net_null0 --flows 1000 --fanout 1048576 --seconds "$SECS" 2>/dev/null |
		sed "s/^{/{\"label\":\"seam-pktgen_1M\",\"stage\":\"tx\",\"run\":$r,\"flows_per_s\":0,\"alerts\":0,/" \
		>> "$OUT/runs.jsonl" || echo "seam-pktgen --tx failed" >&2
done

# concurrency: the same traffic spread over C established flows at once,
# each with its own inspection state, retransmission verification on
CONC=${CONC:-"1000 65536 1048576 4194304"}
conc() {   # flows runs [max_flows label]
	local c=$1 runs=$2 cap=${3:-$(( $1 + $1 / 16 + 1024 ))} label=${4:-flows_$1} d
	local need_mb=$(( cap / 1024 * 3 + 1024 ))
	local avail_mb=$(( $(awk '/MemAvailable/ {print $2}' /proc/meminfo) / 1024 ))
	if [ $(( need_mb + 3072 )) -gt "$avail_mb" ]; then
		echo "concurrency $c: skipped, needs about $need_mb MB and $avail_mb MB are free" >&2
		return 0
	fi
	d=$(mktemp -d)
	cat > "$d/c.conf" <<CONF
seam = { no_huge = true; memory_mb = $need_mb;
         flow = { max_flows = $cap; max_inspected = $cap; }; };
CONF
	for r in $(seq "$runs"); do
		"$B/seam" -c "$d/c.conf" --bench "$OUT/tpl.pcap" --stage full --seconds "$SECS" --bench-flows "$c" \
			2>"$OUT/last.err" | sed "s/^{/{\"label\":\"$label\",\"run\":$r,/" >> "$OUT/runs.jsonl" ||
			{ echo "concurrency $c failed:" >&2; tail -3 "$OUT/last.err" >&2; }
	done
	rm -rf "$d"
}
for c in $CONC; do
	conc "$c" $([ "$c" -ge 1000000 ] && echo 1 || echo "$RUNS")   # a million flows take ~20 s to set up
done
# a table too small for the flows: what eviction costs
conc 65536 "$RUNS" 16384 table_full_16k

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
	# latency at half and nine tenths of the zero-loss rate
	local zl
	zl=$(sed -n 's/.*"zero_loss_rate_pps":\([0-9]*\).*/\1/p' "$OUT/live.jsonl")
	for pct in 50 90; do
		[ -n "$zl" ] && [ "$zl" -gt 0 ] || break
		timeout 300 "$B/pktgen-tests/seam-pktgen" --loop "net_memif0,role=client,socket=$d/a.sock" \
			"net_memif1,role=client,socket=$d/b.sock" --flows "$1" --attacks "$ROOT/pktgen-tests/corpus" \
			--attack-share 5 --concurrency 128 --timeout-ms 300 --rate $(( zl * pct / 100 )) 2>/dev/null |
			sed "s/^{/{\"load_pct\":$pct,/" >> "$OUT/live.jsonl" || true
	done
	kill $sp; wait $sp 2>/dev/null
	rm -rf "$d"
}
live $((FLOWS / 4))

# offline: a whole `seam --pcap` run (start to exit, EVE written) on a
# capture of about 1 GB, beside a bare libpcap read of the same file
OFFLINE_FLOWS=${OFFLINE_FLOWS:-13000}
gen offline - --mix "$OFFLINE_FLOWS" --seed 1 --mix-kind http1
cat "$OUT/offline.pcap" > /dev/null    # both read it from the page cache
"$PY" - "$B" "$OUT" "$RUNS" >> "$OUT/runs.jsonl" <<'PY'
import os, resource, subprocess, sys, time, json
b, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
cap = os.path.join(out, "offline.pcap")
def run(label, argv):
    for r in range(runs):
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        print(json.dumps({"label": label, "stage": "offline", "run": r + 1, "wall_s": wall, "user_s": ru.ru_utime,
                          "sys_s": ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024, "status": status,
                          "capture_mb": os.path.getsize(cap) / 1e6}))
run("pcap_read_floor", [os.path.join(b, "pktgen-tests/seam-pcap-floor"), cap])
for w in (1, 2):
    run("seam_pcap_%dw" % w, [os.path.join(b, "seam"), "--pcap", cap, "--eve", os.path.join(out, "offline.eve"),
                             "--workers", str(w)])
PY

# inline on veth: wrk through seam and through the kernel bridge
bash "$ROOT/pktgen-tests/bench_inline.sh" "$B" "$ROOT" "$RUNS" "${INLINE_SECS:-5}" >> "$OUT/runs.jsonl"

"$PY" - "$OUT" <<'PY'
import json, statistics, sys, os, platform
out = sys.argv[1]
allruns = [json.loads(l) for l in open(os.path.join(out, "runs.jsonl"))]
runs = [r for r in allruns if "mpps" in r]
offline = [r for r in allruns if r.get("stage") == "offline"]
inline = [r for r in allruns if r.get("label", "").startswith("inline_")]
groups = {}
for r in runs:
    groups.setdefault((r["label"], r["stage"]), []).append(r)
rows = []
for (label, stage), rs in groups.items():
    med = lambda k: statistics.median(x[k] for x in rs)
    rows.append({"label": label, "stage": stage, "runs": len(rs), "mpps": med("mpps"), "gbps": med("gbps"),
                 "cycles_per_pkt": med("cycles_per_pkt"), "avg_pkt_bytes": med("avg_pkt_bytes"),
                 "flows_per_s": med("flows_per_s"), "alerts": med("alerts"),
                 "flows_active": med("flows_active") if "flows_active" in rs[0] else 0,
                 "bytes_per_flow": med("bytes_per_flow") if "bytes_per_flow" in rs[0] else 0,
                 "evicted_per_s": med("evicted_per_s") if "evicted_per_s" in rs[0] else 0})
floor = next((r for r in rows if r["stage"] == "io"), None)
cpu = ""
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
res = {"machine": {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release()}, "results": rows}
try:
    res["state_bytes"] = json.load(open(os.path.join(out, "sizes.json")))
except (OSError, ValueError):
    pass
json.dump(res, open(os.path.join(out, "results.json"), "w"), indent=1)
print("%-16s %-6s %7s %7s %10s %8s %10s %9s %7s %9s %6s" % ("traffic", "stage", "Mpps", "Gbit/s", "cycles/pkt",
      "vs floor", "new flows/s", "flows", "B/flow", "evicted/s", "alerts"))
for r in rows:
    ratio = r["cycles_per_pkt"] / floor["cycles_per_pkt"] if floor else 0
    print("%-16s %-6s %7.3f %7.2f %10.0f %7.2fx %10.0f %9.0f %7.0f %9.0f %6.0f" % (r["label"], r["stage"], r["mpps"],
          r["gbps"], r["cycles_per_pkt"], ratio, r["flows_per_s"], r["flows_active"], r["bytes_per_flow"],
          r["evicted_per_s"], r["alerts"]))
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
        at = " (%d%% of zero-loss)" % l["load_pct"] if "load_pct" in l else ""
        print("  %9.0f pps%s: %d/%d benign flows whole, %d/%d attacks stopped, latency p50 %.0f us p99 %.0f us p99.9 %.0f us"
              % (l["rate_pps"], at, l["benign_whole"], l["benign"], l["attacks_stopped"], l["attacks"],
                 l["latency_us"]["p50"], l["latency_us"]["p99"], l["latency_us"]["p99.9"]))
    if zl is not None:
        print("  highest rate with no benign loss and every attack stopped: %.0f pps" % zl)
    res["live"] = {"runs": runs_live, "zero_loss_rate_pps": zl}
    json.dump(res, open(os.path.join(out, "results.json"), "w"), indent=1)
# what the analyzers themselves cost per byte: full minus reassembly
per_byte = {}
for label in ("http_mix", "h2c_mix", "websocket_mix"):
    f = next((r for r in rows if r["label"] == label and r["stage"] == "full"), None)
    q = next((r for r in rows if r["label"] == label and r["stage"] == "reasm"), None)
    if f and q and f["avg_pkt_bytes"]:
        per_byte[label] = (f["cycles_per_pkt"] - q["cycles_per_pkt"]) / f["avg_pkt_bytes"]
if per_byte:
    print("\ninspection cycles per byte (full minus reassembly): " +
          ", ".join("%s %.2f" % (k, v) for k, v in per_byte.items()))
    res["inspection_cycles_per_byte"] = per_byte
    json.dump(res, open(os.path.join(out, "results.json"), "w"), indent=1)
wk = sorted((r for r in rows if r["label"].startswith("workers_")), key=lambda r: r["label"])
if len(wk) > 1:
    print("\nworker scaling, HTTP mix, full pipeline: " + ", ".join(
        "%s: %.2f Mpps (%.2fx)" % (r["label"].split("_")[1], r["mpps"], r["mpps"] / wk[0]["mpps"]) for r in wk))
sz = res.get("state_bytes")
if sz:
    print("\nper-flow state (bytes): flow record %d; inspection state %d (HTTP/1 %d, forwarding %d, WebSocket %d,"
          " reassembly %d); verification from a %d MB store per worker, in %d-byte blocks, only while"
          " unacknowledged; HTTP/2 connections take a %d-byte pool object"
          % (sz["flow_record"], sz["inspection_state"], sz["http1"], sz["forwarding"], sz["websocket"],
             sz["reassembly"], sz["verify_store_per_worker"] >> 20, sz["verify_block"], sz["h2c_pool_object"]))
# each figure beside its floor, as a ratio
def med_of(rs, k):
    v = [x[k] for x in rs if k in x]
    return statistics.median(v) if v else 0
print("\nagainst the floors (medians of %d runs):" % max(len(rs) for rs in groups.values()) if groups else "")
io = next((r for r in rows if r["label"] == "http_mix" and r["stage"] == "io"), None)
full = next((r for r in rows if r["label"] == "http_mix" and r["stage"] == "full"), None)
floors = {}
if io and full:
    print("  %-44s %10.0f cycles/pkt vs I/O floor %6.0f: %.2fx  (%.2f Gbit/s, %.3f Mpps per worker core)"
          % ("NIC path, HTTP mix, one worker", full["cycles_per_pkt"], io["cycles_per_pkt"],
             full["cycles_per_pkt"] / io["cycles_per_pkt"], full["gbps"], full["mpps"]))
    floors["nic_path"] = {"cycles_per_pkt": full["cycles_per_pkt"], "io_floor": io["cycles_per_pkt"]}
fl = [r for r in offline if r["label"] == "pcap_read_floor"]
if fl:
    fw = med_of(fl, "wall_s")
    floors["offline"] = {"capture_mb": fl[0]["capture_mb"], "floor_wall_s": fw}
    for w in (1, 2):
        rs = [r for r in offline if r["label"] == "seam_pcap_%dw" % w]
        if not rs:
            continue
        wall, sys_s, rss = med_of(rs, "wall_s"), med_of(rs, "sys_s"), med_of(rs, "rss_mb")
        print("  %-44s %10.2f s wall vs bare read %6.2f s: %.2fx  (system %.0f%% of wall, peak RSS %.0f MB)"
              % ("offline, %.0f MB capture, %d worker%s" % (fl[0]["capture_mb"], w, "s" if w > 1 else ""),
                 wall, fw, wall / fw if fw else 0, 100 * sys_s / wall if wall else 0, rss))
        floors["offline"]["workers_%d" % w] = {"wall_s": wall, "sys_s": sys_s, "rss_mb": rss}
for obj in ("1k", "100k"):
    br = [r for r in inline if r["label"] == "inline_" + obj and r["path"] == "bridge"]
    se = [r for r in inline if r["label"] == "inline_" + obj and r["path"] == "seam"]
    if br and se:
        b_rps, s_rps = med_of(br, "rps"), med_of(se, "rps")
        d50 = med_of(se, "p50_us") - med_of(br, "p50_us")
        d99 = med_of(se, "p99_us") - med_of(br, "p99_us")
        print("  %-44s %10.0f req/s vs bridge %9.0f: %.2fx  (latency added p50 %+.0f us, p99 %+.0f us; seam %.2f cores)"
              % ("inline on veth, wrk, %s objects" % obj.replace("k", " kB"), s_rps, b_rps,
                 s_rps / b_rps if b_rps else 0, d50, d99, med_of(se, "seam_cpu")))
        floors["inline_" + obj] = {"seam_rps": s_rps, "bridge_rps": b_rps, "p50_added_us": d50,
                                    "p99_added_us": d99, "seam_mbit_s": med_of(se, "mbit_s"),
                                    "bridge_mbit_s": med_of(br, "mbit_s"), "seam_cores": med_of(se, "seam_cpu")}
conc = [r for r in rows if r["label"].startswith("flows_") and r["bytes_per_flow"]]
if conc:
    big = max(conc, key=lambda r: r["flows_active"])
    print("  %-44s %10.0f bytes per flow, verification on (largest run %d flows: %.1f GB); 16 M flows: %.1f GB"
          % ("state", big["bytes_per_flow"], big["flows_active"], big["bytes_per_flow"] * big["flows_active"] / 1e9,
             big["bytes_per_flow"] * 16 * 2**20 / 1e9))
    floors["state"] = {"bytes_per_flow": big["bytes_per_flow"], "largest_run_flows": big["flows_active"],
                       "gb_for_16m": big["bytes_per_flow"] * 16 * 2**20 / 1e9}
res["floors"] = floors
res["offline_runs"] = offline
res["inline_runs"] = inline
json.dump(res, open(os.path.join(out, "results.json"), "w"), indent=1)
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
    conc = sorted((r for r in rows if r["label"].startswith("flows_")), key=lambda r: r["flows_active"])
    fig, axs = plt.subplots(1, 2 if conc else 1, figsize=(12 if conc else 7, 4), squeeze=False)
    ax = axs[0][0]
    ax.bar([r["stage"] for r in mix], [r["cycles_per_pkt"] for r in mix], color="#4472c4")
    ax.axhline(1700, color="red", linestyle="--", label="target 1,700 cycles (10 Gbit/s)")
    ax.set_ylabel("TSC cycles per packet (median)")
    ax.set_title("HTTP mix: cost by pipeline stage (one worker)")
    ax.legend()
    if conc:
        ax = axs[0][1]
        ax.plot([r["flows_active"] for r in conc], [r["cycles_per_pkt"] for r in conc], "o-", color="#4472c4")
        ax.set_xscale("log")
        ax.set_xlabel("established flows inspected at once")
        ax.set_ylabel("TSC cycles per packet (median)")
        ax.set_title("full pipeline vs concurrency")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "stages.png"), dpi=100)
except Exception as e:
    print("no plot:", e)
PY
echo "results: $OUT/results.json, $OUT/stages.png" >&2
