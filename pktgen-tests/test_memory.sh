#!/usr/bin/env bash
# test_memory.sh — Seam starts in every mode whatever hugepages the machine
# has: with none or too few free it runs on ordinary memory and says so in
# one line; with enough it uses them.  Tried with 0, 256 and 4096 2 MB pages
# configured (the machine's own setting is put back afterwards).
set -u
BUILD=$1 SRC=$2
. "$SRC/pktgen-tests/tap.sh"
T=$(mktemp -d "$BUILD/memory.XXXXXX")
NR=/proc/sys/vm/nr_hugepages
ORIG=$(cat $NR 2>/dev/null || echo 0)
cleanup() { [ -w $NR ] && echo "$ORIG" > $NR 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

"$BUILD/pktgen-tests/seam-pcapgen" - "$T/tpl.pcap" "$T/tpl.tsv" --mix 20 --seed 3 --mix-kind http1 >/dev/null 2>&1

# inline with the default memory_mb (1,024 MB) on two null ports: up (a
# loaded machine may take seconds to map the memory), then stopped by
# SIGINT; prints the EAL line (-v) and any fallback line
inline_run() {   # out
	"$BUILD/seam" -v --inline net_null0,no-rx=1 net_null1,no-rx=1 \
		--eve "$T/inline.json" --ctl-socket "$T/ctl.sock" > "$1" 2>&1 &
	local pid=$!
	for _ in $(seq 300); do grep -q 'inline mode on 2 port' "$1" && break; sleep 0.1; done
	kill -INT $pid 2>/dev/null
	wait $pid
	grep -q 'inline mode on 2 port' "$1" && grep -q 'identity rx=0 fates=0 held=0 holds' "$1"
}

# --bench asks 2,560 MB; offline needs no hugepages at all
bench_run() {   # out
	"$BUILD/seam" -v --bench "$T/tpl.pcap" --stage full --seconds 0.3 > "$T/bench.json" 2> "$1" &&
	/usr/bin/python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); assert b["packets"] > 0 and b["drops"] == 0' "$T/bench.json"
}

offline_run() {
	"$BUILD/seam" --pcap "$T/tpl.pcap" --eve "$T/off.json" > "$T/off.out" 2>&1 && grep -q '"stats"' "$T/off.json"
}

with_pages() {   # pages
	local want=$1
	echo "$want" > $NR 2>/dev/null || return 1
	local got free_mb
	got=$(cat $NR)
	free_mb=$(( $(awk '/HugePages_Free/ {print $2}' /proc/meminfo) * 2 ))
	echo "asked $want pages, the kernel gave $got ($free_mb MB free)"
	inline_run "$T/inline.$want" || { cat "$T/inline.$want"; return 1; }
	bench_run "$T/bench.$want" || { cat "$T/bench.$want"; return 1; }
	offline_run || { cat "$T/off.out"; return 1; }
	# the memory each one used: hugepages only when enough were free
	local f
	for f in inline:1024 bench:2560; do
		local out=$T/${f%%:*}.$want mb=${f##*:}
		if [ "$free_mb" -ge "$mb" ]; then
			grep -q -- '--in-memory --socket-mem' "$out" && ! grep -q 'running without hugepages' "$out" ||
				{ echo "${f%%:*}: expected hugepages"; cat "$out"; return 1; }
		else
			[ "$(grep -c 'running without hugepages' "$out")" = 1 ] && grep -q -- '--no-huge' "$out" ||
				{ echo "${f%%:*}: expected one fallback line"; cat "$out"; return 1; }
		fi
	done
}

if [ "$(id -u)" = 0 ] && [ -w $NR ]; then
	for pages in 0 256 4096; do
		ok "inline, bench and offline start with $pages hugepages configured" with_pages $pages
	done
else
	echo "ok 1 - hugepage settings # SKIP needs root"
	TAP_N=1
fi
tap_done
