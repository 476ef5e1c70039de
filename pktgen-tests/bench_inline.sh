#!/usr/bin/env bash
# bench_inline.sh — wrk against nginx through Seam inline on a veth pair,
# and through the Linux bridge on the same pair, one after the other:
# requests per second, Mbit/s and wrk's latency percentiles for a 1 kB
# and a 100 kB object, plus the CPU Seam's process used.  One JSON line
# per run on stdout.  Root, nginx and wrk; anything missing is skipped.
#   bench_inline.sh BUILD SRC RUNS SECS
set -u
BUILD=$(cd "$1" && pwd) SRC=$(cd "$2" && pwd) RUNS=${3:-3} SECS=${4:-5}
. "$SRC/pktgen-tests/netns.sh"
if [ "$(id -u)" != 0 ] || ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
	echo "inline bench: skipped, needs root, nginx and wrk" >&2
	exit 0
fi
TAG=bi$(( $$ % 100000 ))
NET_OCTET=$(( 100 + $$ % 100 ))
T=$(mktemp -d "$BUILD/bench_inline.XXXXXX")
cleanup() { seam_stop >/dev/null 2>&1; ip link del "${TAG}br" 2>/dev/null; net_teardown "$TAG"; rm -rf "$T"; }
trap cleanup EXIT
net_setup "$TAG"
nginx_start "$T" || exit 1
head -c 1024 /dev/urandom > "$T/www/1k.bin"
head -c 102400 /dev/urandom > "$T/www/100k.bin"

# microseconds from wrk's "50%  1.23ms"
to_us() { awk '{ v = $1 + 0; if ($1 ~ /us$/) print v; else if ($1 ~ /ms$/) print v * 1000;
	else if ($1 ~ /s$/) print v * 1000000; else print v }'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

run_wrk() {   # path object run
	local out=$T/wrk.out t0 t1
	t0=$( [ -n "${SEAM_PID:-}" ] && cpu_ticks "$SEAM_PID" || echo 0)
	ip netns exec "$NS_C" wrk -t1 -c16 -d"${SECS}s" --latency "http://$SRV_IP/$2" > "$out" 2>&1 || return 0
	t1=$( [ -n "${SEAM_PID:-}" ] && cpu_ticks "$SEAM_PID" || echo 0)
	local rps mbps p50 p99 errs
	rps=$(awk '/^Requests\/sec/ { print $2 }' "$out")
	mbps=$(awk '/^Transfer\/sec/ { v = $2 + 0; if ($2 ~ /GB/) v *= 8192; else if ($2 ~ /MB/) v *= 8;
		else if ($2 ~ /KB/) v *= 8 / 1024; else v *= 8 / 1048576; print v }' "$out")
	p50=$(awk '$1 == "50%" { print $2 }' "$out" | to_us)
	p99=$(awk '$1 == "99%" { print $2 }' "$out" | to_us)
	errs=$(awk '/Non-2xx|Socket errors/ { n++ } END { print n + 0 }' "$out")
	[ -n "$rps" ] || { echo "inline bench: wrk gave no figures: $(tail -2 "$out")" >&2; return 0; }
	printf '{"label":"inline_%s","path":"%s","run":%d,"rps":%s,"mbit_s":%s,"p50_us":%s,"p99_us":%s,"errors":%d,"seam_cpu":%.2f}\n' \
		"${2%.bin}" "$1" "$3" "$rps" "$mbps" "$p50" "$p99" "$errs" \
		"$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" -v s="$SECS" 'BEGIN { print (b - a) / hz / s }')"
}

for r in $(seq "$RUNS"); do
	ip link add "${TAG}br" type bridge && ip link set "$IF_A" master "${TAG}br" &&
		ip link set "$IF_B" master "${TAG}br" && ip link set "${TAG}br" up
	sleep 1   # the bridge learns where the hosts are
	for obj in 1k.bin 100k.bin; do run_wrk bridge "$obj" "$r"; done
	ip link del "${TAG}br"
	seam_start "$BUILD" "$T" >/dev/null 2>&1 || { echo "inline bench: seam did not start" >&2; exit 1; }
	for obj in 1k.bin 100k.bin; do run_wrk seam "$obj" "$r"; done
	seam_stop >/dev/null
done
