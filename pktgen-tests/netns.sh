# netns.sh — a small real network for end-to-end tests (sourced).
#
#   client netns  cli0 ──veth── <tag>a ┐
#                                      seam --inline <tag>a <tag>b
#   server netns  srv0 ──veth── <tag>b ┘
#
# One subnet: Seam is a bump in the wire.  Everything is named after TAG
# so parallel tests never collide; net_setup first removes leftovers.
net_setup() {   # TAG
	local t=$1
	NS_C=${t}c NS_S=${t}s IF_A=${t}a IF_B=${t}b
	CLI_IP=10.${NET_OCTET:-77}.0.1 SRV_IP=10.${NET_OCTET:-77}.0.2
	net_teardown "$t"
	ip netns add "$NS_C"
	ip netns add "$NS_S"
	ip link add "$IF_A" type veth peer name cli0 netns "$NS_C"
	ip link add "$IF_B" type veth peer name srv0 netns "$NS_S"
	for i in "$IF_A" "$IF_B"; do
		sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1" 2>/dev/null || true
		ethtool -K "$i" rx off tx off tso off gso off gro off >/dev/null 2>&1 || true
		ip link set "$i" up
	done
	ip -n "$NS_C" addr add "$CLI_IP/24" dev cli0
	ip -n "$NS_S" addr add "$SRV_IP/24" dev srv0
	for ns in "$NS_C" "$NS_S"; do
		local dev=cli0
		[ "$ns" = "$NS_S" ] && dev=srv0
		ip netns exec "$ns" ethtool -K "$dev" rx off tx off tso off gso off gro off >/dev/null 2>&1 || true
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null || true
		ip -n "$ns" link set "$dev" up
		ip -n "$ns" link set lo up
	done
}

net_teardown() {   # TAG
	local t=$1
	ip netns pids "${t}c" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns pids "${t}s" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip link del "${t}a" 2>/dev/null || true
	ip link del "${t}b" 2>/dev/null || true
	ip netns del "${t}c" 2>/dev/null || true
	ip netns del "${t}s" 2>/dev/null || true
}

# nginx in the server namespace, logging to DIR/access.log
nginx_start() {   # DIR
	local d=$1
	mkdir -p "$d/www" "$d/tmp"
	echo "hello from nginx" > "$d/www/index.html"
	head -c 200000 /dev/urandom | base64 > "$d/www/big.txt"
	cat > "$d/nginx.conf" <<NGX
user root;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 256; }
http {
	access_log $d/access.log;
	client_body_temp_path $d/tmp;
	proxy_temp_path $d/tmp;
	fastcgi_temp_path $d/tmp;
	uwsgi_temp_path $d/tmp;
	scgi_temp_path $d/tmp;
	keepalive_requests 1000;
	server {
		listen $SRV_IP:80;
		root $d/www;
		location /echo { return 200 "ok\n"; }
		location /upload { client_max_body_size 10m; return 201 "stored\n"; }
	}
}
NGX
	ip netns exec "$NS_S" nginx -c "$d/nginx.conf" -p "$d" -g 'daemon on;'
	for _ in $(seq 50); do
		[ -s "$d/nginx.pid" ] && return 0
		sleep 0.1
	done
	echo "nginx did not start: $(cat "$d/error.log" 2>/dev/null)" >&2
	return 1
}

# seam inline between the two veth ends; EVE to DIR/eve.json
seam_start() {   # BUILD DIR [extra args...]; SEAM_CONF_EXTRA: more config lines
	local b=$1 d=$2; shift 2
	cat > "$d/seam.conf" <<CONF
seam = {
  no_huge = true;
  memory_mb = 512;
  eve = { stats_interval = 1; };
  flow = { max_flows = 16384; max_inspected = 4096; };
  ${SEAM_CONF_EXTRA:-}
};
CONF
	"$b/seam" -c "$d/seam.conf" --inline "$IF_A" "$IF_B" --eve "$d/eve.json" --ctl-socket "$d/ctl/seam.sock" "$@" \
		>"$d/seam.out" 2>&1 &
	SEAM_PID=$!
	# ready when the first stats event is written
	for _ in $(seq 100); do
		grep -q '"event_type":"stats"' "$d/eve.json" 2>/dev/null && return 0
		kill -0 "$SEAM_PID" 2>/dev/null || { cat "$d/seam.out" >&2; return 1; }
		sleep 0.1
	done
	echo "seam did not come up" >&2
	cat "$d/seam.out" >&2
	return 1
}

seam_stop() {
	[ -n "${SEAM_PID:-}" ] || return 0
	kill -TERM "$SEAM_PID" 2>/dev/null || true
	wait "$SEAM_PID" 2>/dev/null
	local rc=$?
	SEAM_PID=
	[ $rc = 0 ] || echo "seam exited with status $rc"
	return $rc
}
