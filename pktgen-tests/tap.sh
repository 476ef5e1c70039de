# tap.sh — tiny TAP helpers for the shell tests (sourced).
TAP_N=0
TAP_FAIL=0
ok() {     # ok "description" command...
	local d=$1; shift
	TAP_N=$((TAP_N + 1))
	local out
	if out=$("$@" 2>&1); then
		echo "ok $TAP_N - $d"
	else
		TAP_FAIL=$((TAP_FAIL + 1))
		echo "not ok $TAP_N - $d"
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
	fi
}
tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAIL" = 0 ]
}
