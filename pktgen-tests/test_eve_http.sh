#!/usr/bin/env bash
# test_eve_http.sh — the EVE http object a SOC's content reads: with
# eve.http.dump_all_headers = "both", a smuggling alert lists its request's
# header names (Content-Length and Transfer-Encoding among them, as sent),
# user agent, referer, content type, redirect and length are there, hostile
# bytes stay valid JSON, and every record validates against
# configs/eve-schema.json and (seam object aside) Suricata's schema; a cut
# dump is flagged under seam; the default configuration dumps nothing and
# alerts on exactly the same flows.
set -u
BUILD=$1 SRC=$2
. "$SRC/pktgen-tests/tap.sh"
T=$(mktemp -d "$BUILD/evehttp.XXXXXX")
trap 'rm -rf "$T"' EXIT
GEN=$BUILD/pktgen-tests/seam-pcapgen
SEAM=$BUILD/seam
SCHEMA="--schema $SRC/configs/eve-schema.json"
# Suricata's own schema: beside the project, or where SURICATA_SCHEMA says
SURI=${SURICATA_SCHEMA:-$SRC/../shared/eve-schema.json}
COMPAT=""
[ -f "$SURI" ] && COMPAT="--compat $SURI"

conf() {   # name dump max_headers
	printf 'seam = { eve = { http = { dump_all_headers = "%s"; max_headers = %s; }; }; };\n' "$2" "$3" >"$T/$1.conf"
}
conf both both 64
conf cut both 2
conf none none 64

"$GEN" "$SRC/pktgen-tests/eve_http" "$T/h.pcap" "$T/h.tsv" --variants whole,bytes,ooo,dup >/dev/null

run_mode() {   # mode conf
	"$SEAM" -c "$T/$2.conf" --pcap "$T/h.pcap" --eve "$T/$1.json" >/dev/null &&
	/usr/bin/python3 "$SRC/pktgen-tests/check_eve_http.py" "$T/h.tsv" "$T/$1.json" "$1" $SCHEMA $COMPAT
}
ok "dump both: smuggling alerts list Content-Length and Transfer-Encoding, all Suricata fields, hostile bytes read back" \
	run_mode dump both
ok "max_headers = 2: two names listed, seam.request_headers_truncated" run_mode cut cut
ok "dump none: no arrays, nothing flagged, the Suricata fields still there" run_mode default none
default_conf() {
	"$SEAM" --pcap "$T/h.pcap" --eve "$T/def.json" >/dev/null &&
	/usr/bin/python3 "$SRC/pktgen-tests/check_eve_http.py" "$T/h.tsv" "$T/def.json" default $SCHEMA $COMPAT
}
ok "the built-in configuration is dump none" default_conf

# the whole corpus with every header dumped: every record still valid, and
# the same alerts as without the dump
whole_corpus() {
	"$GEN" "$SRC/pktgen-tests/corpus" "$T/c.pcap" "$T/c.tsv" --variants whole,ooo >/dev/null &&
	"$SEAM" -c "$T/both.conf" --pcap "$T/c.pcap" --eve "$T/cboth.json" >/dev/null &&
	"$SEAM" --pcap "$T/c.pcap" --eve "$T/cdef.json" >/dev/null &&
	/usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/c.tsv" "$T/cboth.json" $SCHEMA $COMPAT >/dev/null &&
	/usr/bin/python3 "$SRC/pktgen-tests/check_eve.py" "$T/c.tsv" "$T/cdef.json" $SCHEMA $COMPAT >/dev/null &&
	diff <(grep -o '"src_port":[0-9]*.*"signature_id":[0-9]*' "$T/cboth.json" | sort) \
	     <(grep -o '"src_port":[0-9]*.*"signature_id":[0-9]*' "$T/cdef.json" | sort) >/dev/null &&
	grep -q '"request_headers":\[' "$T/cboth.json" && ! grep -q '_headers' "$T/cdef.json"
}
ok "the corpus with headers dumped: valid records, the same alerts as the default" whole_corpus
if [ -z "$COMPAT" ]; then
	TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - Suricata schema compatibility # SKIP $SURI not present"
fi
tap_done
