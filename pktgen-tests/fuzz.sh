#!/usr/bin/env bash
# fuzz.sh — run a libFuzzer target for a fixed time from seeds made of the
# committed conversation corpus, each in the form its target reads.
#   fuzz.sh TARGET KIND SECONDS [WORKDIR]
#   KIND: h1 (client bytes, 0xFF 0xFE, server bytes), h2 (frames after the
#   preface), ws (frames after the handshake), fwd (forwarding-header values,
#   one a line), reasm (segment scripts).  WORKDIR keeps what the fuzzer
#   learns between runs (./run fuzz); without it a scratch folder is used.
set -u
target=$1 kind=$2 secs=$3 keep=${4:-}
SRC=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
work=${keep:-$scratch/corpus}
mkdir -p "$work" "$scratch/seeds"
/usr/bin/python3 - "$SRC/pktgen-tests" "$kind" "$scratch/seeds" <<'PY'
import os, sys, random
sys.path.insert(0, sys.argv[1])
from rawclient import load
kind, out = sys.argv[2], sys.argv[3]
cases = load(os.path.join(sys.argv[1], "corpus"))
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
seeds = []
for i, c in enumerate(cases):
    cli = b"".join(d for w, d in c["chunks"] if w == "c")
    srv = b"".join(d for w, d in c["chunks"] if w == "s")
    if kind == "h1":
        seeds.append(bytes([i & 255]) + cli + b"\xff\xfe" + srv)
    elif kind == "h2" and PREFACE in cli:
        seeds.append(bytes([i & 255]) + cli.split(PREFACE, 1)[1] + b"\xff\xfe" + srv)
    elif kind == "ws" and b" 101 " in srv and b"websocket" in cli.lower():
        head = cli.split(b"\r\n\r\n", 1)
        body = srv.split(b"\r\n\r\n", 1)
        if len(head) == 2 and len(body) == 2:
            seeds.append(bytes([i & 255]) + head[1] + b"\xff\xfe" + body[1])
    elif kind == "fwd":
        vals = [l.split(b":", 1)[1].strip() for l in cli.split(b"\r\n")
                if b":" in l and (b"forward" in l.lower().split(b":")[0] or b"-ip" in l.lower().split(b":")[0])]
        if vals:
            seeds.append(b"\n".join(bytes([j % 14]) + v for j, v in enumerate(vals)))
if kind == "reasm":
    r = random.Random(7)
    for n in range(64):
        seeds.append(bytes(r.randrange(256) for _ in range(4 + 4 * r.randrange(1, 64))))
for i, s in enumerate(seeds):
    open(os.path.join(out, "%04d" % i), "wb").write(s)
PY
"$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$scratch/" "$work" "$scratch/seeds" >"$scratch/log" 2>&1
rc=$?
tail -n 15 "$scratch/log"
if [ $rc != 0 ]; then
	echo "fuzzer failed (exit $rc); reproducer:"
	for f in "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-*; do
		[ -f "$f" ] || continue
		od -c "$f" | head -20
		[ -n "$keep" ] && cp "$f" "$keep/../" && echo "kept as $keep/../$(basename "$f")"
	done
	exit 1
fi
echo "fuzzed for ${secs}s without a finding ($(ls "$scratch/seeds" | wc -l) seeds)"
