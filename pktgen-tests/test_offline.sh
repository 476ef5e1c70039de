#!/usr/bin/env bash
# test_offline.sh — the whole corpus through `seam --pcap` in every delivery
# (whole, byte by byte, random splits, out of order, duplicated and
# overlapping, an overlap with other bytes on benign flows, IP fragments in
# order, reversed and overlapping, RSTs the receiver ignores or only challenges),
# IPv4 and IPv6: every attack flow alerts with its own tuple and every expected
# finding, no benign flow alerts, every EVE line is valid, stats add up.
set -u
BUILD=$1 SRC=$2
. "$SRC/pktgen-tests/tap.sh"
T=$(mktemp -d "$BUILD/offline.XXXXXX")
trap 'rm -rf "$T"' EXIT
GEN=$BUILD/pktgen-tests/seam-pcapgen
SEAM=$BUILD/seam
SCHEMA="--schema $SRC/configs/eve-schema.json"
# Suricata's own schema, where ../shared is beside the project
SURI=$SRC/../shared/eve-schema.json

run_case() {   # name gen-args...
	local n=$1; shift
	"$GEN" "$SRC/pktgen-tests/corpus" "$T/$n.pcap" "$T/$n.tsv" "$@" &&
	"$SEAM" --pcap "$T/$n.pcap" --eve "$T/$n.json" &&
	/usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/$n.tsv" "$T/$n.json" $SCHEMA
}

ok "corpus over IPv4, every delivery variant" run_case v4 --variants whole,bytes,split,ooo,dup,overlap_diff
ok "corpus over IPv6, whole and out of order" run_case v6 --v6 --variants whole,ooo --seed 9
ok "corpus with another random seed" run_case seed2 --variants split,ooo,dup --seed 4242
ok "corpus in IPv4 fragments: in order, reversed, overlapping" run_case frag4 --variants frag,frag_ooo,frag_overlap
ok "corpus in IPv6 fragments: in order, reversed, overlapping" run_case frag6 --v6 --variants frag,frag_ooo,frag_overlap
ok "corpus as a host captures itself: 64 kB GSO frames, offloaded checksums" run_case super --variants super
ok "an out-of-window RST injected first does not stop inspection" run_case rst --variants rst_inject
ok "a RST in the window but not at the next byte (challenged, RFC 5961) before each chunk does not stop inspection" \
	run_case rst_challenge --variants rst_challenge
ok "... over IPv6" run_case rst_challenge6 --v6 --variants rst_challenge --seed 77

# --workers: the reader spreads flows by address pair over N workers; the
# EVE (stats aside) is the same, line for line once sorted, for any count
same_for_any_workers() {
	"$GEN" "$SRC/pktgen-tests/corpus" "$T/wk.pcap" "$T/wk.tsv" --clients 61 --seed 5 \
		--variants whole,ooo,dup,frag_ooo,super,rst_challenge &&
	for n in 1 2 3; do
		"$SEAM" --workers $n --pcap "$T/wk.pcap" --eve "$T/wk$n.json" 2>/dev/null &&
		grep -v '"event_type":"stats"' "$T/wk$n.json" | sort > "$T/wk$n.sorted" || return 1
	done
	/usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/wk.tsv" "$T/wk3.json" $SCHEMA &&
	cmp "$T/wk1.sorted" "$T/wk2.sorted" && cmp "$T/wk1.sorted" "$T/wk3.sorted" &&
	[ "$(wc -l < "$T/wk1.sorted")" -gt 1000 ]
}
ok "61 clients over 1, 2 and 3 workers: the same EVE, every verdict right" same_for_any_workers

# TCP control as the hosts read it: a RST at the next byte ends a flow, one
# elsewhere in the window is only challenged; keepalive probes are no
# conflict; the urgent pointer alerts on HTTP only
tcp_rules() {
	/usr/bin/python3 "$SRC/pktgen-tests/tcp_rules.py" gen "$T/tcp.pcap" "$T/tcp.spec" &&
	"$SEAM" --pcap "$T/tcp.pcap" --eve "$T/tcp.json" &&
	/usr/bin/python3 "$SRC/pktgen-tests/tcp_rules.py" check "$T/tcp.spec" "$T/tcp.json" &&
	/usr/bin/python3 "$SRC/pktgen-tests/validate_eve.py" "$SRC/configs/eve-schema.json" "$T/tcp.json"
}
ok "RST at the next byte ends the flow, in-window RST challenged, keepalives quiet, urgent pointer by protocol" tcp_rules

# target-based reassembly: overlapping copies are read as each server's
# stack reads them, by destination prefix, and always alert as a conflict
target_policies() {
	/usr/bin/python3 "$SRC/pktgen-tests/overlap_policy.py" gen "$T/policy.pcap" "$T/policy.conf" &&
	"$SEAM" -c "$T/policy.conf" --pcap "$T/policy.pcap" --eve "$T/policy.json" &&
	/usr/bin/python3 "$SRC/pktgen-tests/overlap_policy.py" check "$T/policy.json"
}
ok "overlaps settled per destination: first, last, bsd, linux, windows, solaris, default" target_policies

# identity headers only the edge may set (X-Forwarded-User, Remote-User,
# X-Auth-Request-*, ...): the corpus clients sending them alert above; the
# same capture with those clients listed as trusted proxies raises no
# fwd.identity_spoofed (the benign twin of every fwd_identity case)
identity_from_trusted_proxies() {
	"$GEN" "$SRC/pktgen-tests/corpus" "$T/ident.pcap" "$T/ident.tsv" --filter ident_ --variants whole,ooo &&
	printf 'seam = {\n  fwd = { trusted = [ "10.1.0.0/16" ]; };\n};\n' > "$T/ident.conf" &&
	"$SEAM" --pcap "$T/ident.pcap" --eve "$T/ident-outside.json" &&
	"$SEAM" -c "$T/ident.conf" --pcap "$T/ident.pcap" --eve "$T/ident-trusted.json" &&
	[ "$(grep -c '"finding":"fwd.identity_spoofed"' "$T/ident-outside.json")" -ge 80 ] &&
	! grep -q '"finding":"fwd.identity_spoofed"' "$T/ident-trusted.json" &&
	grep -q '"finding":"fwd.identity_alias"' "$T/ident-trusted.json"
}
ok "identity headers: alerts from clients, none from trusted proxies (aliases still)" identity_from_trusted_proxies

# roles that turn (rhttp_roles cases): alerts from any acceptor; from an
# acceptor on rhttp's allow-list only rhttp.allowed anomalies
roles_from_allowed_intermediary() {
	"$GEN" "$SRC/pktgen-tests/corpus" "$T/roles.pcap" "$T/roles.tsv" --filter roles_ --variants whole,bytes &&
	printf 'seam = {\n  rhttp = { allow = [ "10.2.0.0/16" ]; };\n};\n' > "$T/roles.conf" &&
	"$SEAM" --pcap "$T/roles.pcap" --eve "$T/roles-any.json" &&
	"$SEAM" -c "$T/roles.conf" --pcap "$T/roles.pcap" --eve "$T/roles-allowed.json" &&
	[ "$(grep '"event_type":"alert"' "$T/roles-any.json" | grep -c '"finding":"rhttp\.')" -ge 28 ] &&
	! grep '"event_type":"alert"' "$T/roles-allowed.json" | grep -q '"finding":"rhttp\.' &&
	[ "$(grep -c '"event":"rhttp.allowed"' "$T/roles-allowed.json")" -ge 28 ]
}
ok "roles that turn: alerts, or rhttp.allowed anomalies from an allow-listed acceptor" roles_from_allowed_intermediary

# ... and the linux policy is what this kernel does: the same segments sent
# to a real socket in a namespace (the client address is spoofed, so its
# own stack stays silent)
kernel_agrees() {
	local c=seamov$$c s=seamov$$s py="/usr/bin/python3 $SRC/pktgen-tests/overlap_policy.py" rc=1
	ip netns del "$c" 2>/dev/null; ip netns del "$s" 2>/dev/null
	if ip netns add "$c" && ip netns add "$s" &&
	   ip link add ovc netns "$c" type veth peer name ovs netns "$s" &&
	   ip -n "$c" link set ovc up && ip -n "$s" link set ovs up &&
	   ip -n "$c" link set lo up && ip -n "$s" link set lo up &&
	   ip -n "$c" addr add 10.78.0.1/24 dev ovc && ip -n "$s" addr add 10.78.0.2/24 dev ovs &&
	   ip -n "$s" neigh add 10.78.0.50 lladdr "$(ip -n "$c" -br link show ovc | awk '{print $3}')" dev ovs; then
		ip netns exec "$s" $py serve 10.78.0.2 8080 "$T/kread.json" &
		sleep 0.5
		if ip netns exec "$c" $py client ovc 10.78.0.50 10.78.0.2 8080 "$T/ksent.json"; then
			for _ in $(seq 100); do [ -f "$T/kread.json" ] && break; sleep 0.1; done
			$py kernel-check "$T/ksent.json" "$T/kread.json" && rc=0
		fi
	fi
	ip netns pids "$s" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$c" 2>/dev/null; ip netns del "$s" 2>/dev/null
	return $rc
}
if [ "$(id -u)" = 0 ]; then
	ok "the linux policy reads overlaps as the running kernel does" kernel_agrees
fi

if [ -f "$SURI" ]; then
	ok "records validate against Suricata's schema (seam object aside)" \
		/usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/v4.tsv" "$T/v4.json" --compat "$SURI"
else
	TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - Suricata schema compatibility # SKIP ../shared not present"
fi

# offline needs neither root nor hugepages
as_user() {
	[ "$(id -u)" = 0 ] || { "$SEAM" --pcap "$T/v4.pcap" --eve "$T/user.json"; return; }
	# a folder nobody can reach wherever the checkout lives (/root is 0700)
	local u rc
	u=$(mktemp -d /tmp/seam-user.XXXXXX) && chmod 777 "$u" && cp "$T/v4.pcap" "$u/" && chmod 644 "$u/v4.pcap" || return 1
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SEAM" --pcap "$u/v4.pcap" --eve "$u/e.json" &&
	[ "$(grep -c '"event_type":"alert"' "$u/e.json")" = "$(grep -c '"event_type":"alert"' "$T/v4.json")" ]
	rc=$?
	rm -rf "$u"
	return $rc
}
ok "offline mode runs as an ordinary user (nobody), same alerts" as_user

# one direction only (a one-way mirror, a capture filter): the client
# acknowledges answers Seam never saw (or the server acknowledges
# requests), so nothing that needs the other side is judged -- no benign
# flow alerts from either half alone, in order or out of order
one_way() {
	"$GEN" "$SRC/pktgen-tests/corpus" "$T/ow.pcap" "$T/ow.tsv" --variants whole,ooo --seed 5 &&
	grep -P '\tbenign\t' "$T/ow.tsv" > "$T/ow_benign.tsv" &&
	local half
	for half in src dst; do
		tcpdump -r "$T/ow.pcap" -w "$T/ow_$half.pcap" "$half host 10.1.0.1" 2>/dev/null &&
		"$SEAM" --pcap "$T/ow_$half.pcap" --eve "$T/ow_$half.json" &&
		/usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/ow_benign.tsv" "$T/ow_$half.json" $SCHEMA ||
			return 1
	done
	# requests alone still show their attacks (a CL.TE, an obfuscated TE)
	grep -q '"signature":"SEAM h1.cl_and_te' "$T/ow_src.json" &&
	grep -q '"signature":"SEAM h1.te_obfuscated' "$T/ow_src.json"
}
ok "a capture of one direction only: no benign flow alerts from either half, request-side attacks still do" one_way

# the same capture twice gives the same alerts (deterministic)
same_twice() {
	"$SEAM" --pcap "$T/v4.pcap" --eve "$T/again.json" &&
	"$SEAM" --pcap "$T/v4.pcap" --eve "$T/again.json" &&
	[ "$(grep -c '"event_type":"stats"' "$T/again.json")" = 1 ] &&
	diff <(grep -o '"src_port":[0-9]*.*"signature_id":[0-9]*' "$T/v4.json" | sort) \
	     <(grep -o '"src_port":[0-9]*.*"signature_id":[0-9]*' "$T/again.json" | sort)
}
ok "a capture read twice gives the same alerts (and --eve is rewritten, not appended)" same_twice

# an empty capture is fine and still reports stats
empty() {
	/usr/bin/python3 - "$T/empty.pcap" <<'PY'
import struct, sys
open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
PY
	"$SEAM" --pcap "$T/empty.pcap" --eve "$T/empty.json" && grep -q '"event_type":"stats"' "$T/empty.json"
}
ok "an empty capture gives a stats event and exit 0" empty
tap_done
