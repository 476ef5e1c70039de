#!/usr/bin/env bash
# fuzz.sh — run a libFuzzer target for a fixed time from a seed corpus
# made of the conversation corpus (client bytes, 0xFF 0xFE, server bytes).
#   fuzz.sh TARGET CORPUS_DIR|'' SECONDS
set -u
target=$1 corpus=$2 secs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/seeds"
if [ -n "$corpus" ]; then
	/usr/bin/python3 - "$corpus" "$work/seeds" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(sys.argv[1]), ""))
sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[1])))
from rawclient import load
for i, c in enumerate(load(sys.argv[1])):
    cli = b"".join(d for w, d in c["chunks"] if w == "c")
    srv = b"".join(d for w, d in c["chunks"] if w == "s")
    open(os.path.join(sys.argv[2], "%04d" % i), "wb").write(bytes([i & 255]) + cli + b"\xff\xfe" + srv)
PY
fi
"$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work/" "$work/seeds" >"$work/log" 2>&1
rc=$?
tail -n 15 "$work/log"
if [ $rc != 0 ]; then
	echo "fuzzer failed (exit $rc); reproducer:"
	for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -f "$f" ] && od -c "$f" | head -20
	done
	exit 1
fi
echo "fuzzed for ${secs}s without a finding"
