#!/usr/bin/env bash
# demo.sh — `./run demo`: a small real network with Seam inline.
#
#   client netns ── veth ── seam --inline ── veth ── server netns (nginx)
#
# A scripted client session of ordinary requests (curl, then a raw-socket
# client replaying browser, API and upload exchanges) goes through; then a
# few request-smuggling attempts are stopped.  Prints what passed, Seam's
# alerts and counters, and tears everything down.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
SRC=$ROOT
PY=/usr/bin/python3
. "$ROOT/pktgen-tests/netns.sh"
if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (it creates network namespaces)" >&2
	exit 1
fi
TAG=sdemo
NET_OCTET=66
T=$(mktemp -d /tmp/seam-demo.XXXXXX)
cleanup() { seam_stop; net_teardown "$TAG"; rm -rf "$T"; }
trap cleanup EXIT
b() { printf '\n\033[1m%s\033[0m\n' "$*"; }

b "1. network: a client and an nginx server, Seam inline between them"
net_setup "$TAG"
echo "   client ns $NS_C ($CLI_IP) -- $IF_A == seam == $IF_B -- server ns $NS_S ($SRV_IP, nginx)"
nginx_start "$T" || exit 1
seam_start "$BUILD" "$T" || exit 1
echo "   seam is up (pid $SEAM_PID): $(head -1 "$T/seam.out")"

b "2. ordinary traffic"
for p in /index.html /echo /big.txt /index.html?q=1; do
	printf '   curl http://%s%-16s -> ' "$SRV_IP" "$p"
	ip netns exec "$NS_C" curl -s -o /dev/null -w '%{http_code}, %{size_download} bytes\n' --max-time 5 "http://$SRV_IP$p"
done
printf '   curl chunked upload          -> '
head -c 50000 /dev/urandom | ip netns exec "$NS_C" curl -s -H 'Transfer-Encoding: chunked' --data-binary @- \
	--max-time 5 "http://$SRV_IP/upload"
echo "   raw-socket client, ordinary exchanges:"
for c in browser_keepalive_3 pipelined_gets post_json_api chunked_upload expect_100_ok keepalive_10_requests; do
	ip netns exec "$NS_C" $PY "$ROOT/pktgen-tests/rawclient.py" "$SRV_IP" 80 "$ROOT/pktgen-tests/corpus" \
		--filter "$c" | awk -F'\t' -v c="$c" '$1 == c { printf "     %-24s %s (%d bytes back)\n", $1, $2, $3 }'
done

b "3. request smuggling attempts"
for c in cl_te_classic te_cl_classic te_obs_fold bare_lf_hides_te term_ext_smuggle cl0_get_smuggled; do
	ip netns exec "$NS_C" $PY "$ROOT/pktgen-tests/rawclient.py" "$SRV_IP" 80 "$ROOT/pktgen-tests/corpus" \
		--filter "$c" | awk -F'\t' -v c="$c" '$1 == c { printf "     %-24s %s\n", $1, $2 }'
done
echo "   nginx access log: $(wc -l < "$T/access.log") requests, smuggled ones: $(grep -cE '/admin|SMUGGLED' "$T/access.log")"

seam_stop
b "4. what Seam said (EVE alerts)"
$PY - "$T/eve.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
for e in ev:
    if e["event_type"] == "alert":
        h = e.get("http", {})
        print("   %s:%s -> %s:%s  %-22s %-8s %s %s" % (e["src_ip"], e["src_port"], e["dest_ip"], e["dest_port"],
              e["seam"]["finding"], e["alert"]["action"], h.get("http_method", ""), h.get("url", "")))
c = [e for e in ev if e["event_type"] == "stats"][-1]["seam"]["counters"]
print("\n\033[1m5. counters\033[0m")
print("   packets received %d, forwarded %d, dropped by verdict %d, held now %d" %
      (c["pkt"]["rx"], c["fate"]["forwarded"], c["fate"]["drop_verdict"], c["pkt"]["held"]))
print("   flows %d, RSTs sent %d" % (c["flow"]["created"], c["tcp"]["rst_sent"]))
fates = sum(c["fate"].values())
print("   every packet accounted for: rx %d = fates %d + held %d: %s" %
      (c["pkt"]["rx"], fates, c["pkt"]["held"], "yes" if c["pkt"]["rx"] == fates + c["pkt"]["held"] else "NO"))
top = sorted(((v, k) for k, v in c["finding"].items() if v), reverse=True)[:8]
print("   findings: " + ", ".join("%s %d" % (k, v) for v, k in top))
PY
b "done: namespaces and nginx removed"
