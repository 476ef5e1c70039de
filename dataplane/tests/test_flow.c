/* test_flow.c — the flow table under EAL (no hugepages): both directions
 * find one record, the wheel expires idle flows, eviction takes embryonic
 * flows first, inspection state is taken back from closed flows first, a
 * full table says so; and the symmetric RSS key sends both
 * directions of any tuple to the same queue (checked with rte_softrss). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <rte_eal.h>
#include <rte_thash.h>
#include "flow.h"
#include "port.h"

static struct flow_table ft;
static char errbuf[256];

static void mk(struct flow_key *k, uint32_t i, int rev)
{
	uint8_t a[16] = { 10, 0, (uint8_t)(i >> 8), (uint8_t)i }, b[16] = { 10, 9, 9, 9 };
	if (rev)
		flow_key_make(k, 4, b, a, 80, 1000 + i, 0);
	else
		flow_key_make(k, 4, a, b, 1000 + i, 80, 0);
}

static int setup(void **st)
{
	return flow_table_init(&ft, "t", 1024, 256, 256, 0, errbuf, sizeof(errbuf));
}

static int teardown(void **st)
{
	flow_table_free(&ft);
	return 0;
}

static void both_directions_find_one_flow(void **st)
{
	struct flow_key k1, k2;
	mk(&k1, 1, 0);
	mk(&k2, 1, 1);
	assert_memory_equal(&k1, &k2, sizeof(k1));
	hash_sig_t s = rte_hash_hash(ft.h, &k1);
	int32_t idx = flow_insert(&ft, &k1, s, 1000000000ull);
	assert_true(idx >= 0);
	assert_int_equal(flow_lookup(&ft, &k2, rte_hash_hash(ft.h, &k2)), idx);
	flow_remove(&ft, idx);
	assert_int_equal(flow_lookup(&ft, &k1, s), -1);
}

static int expired;
static void on_expire(void *ctx, int32_t idx)
{
	expired++;
	flow_remove(ctx, idx);
}

static void idle_flows_time_out_and_active_ones_do_not(void **st)
{
	ft.timeout[FS_NEW] = 30;
	ft.timeout[FS_ESTABLISHED] = 600;
	struct flow_key k;
	uint64_t t0 = 5000ull * 1000000000ull;
	ft.wheel_sec = 0;
	expired = 0;
	mk(&k, 2, 0);
	int32_t a = flow_insert(&ft, &k, rte_hash_hash(ft.h, &k), t0);
	mk(&k, 3, 0);
	int32_t b = flow_insert(&ft, &k, rte_hash_hash(ft.h, &k), t0);
	ft.f[b].state = FS_ESTABLISHED;
	(void)a;
	flow_wheel_advance(&ft, t0 + 29ull * 1000000000ull, on_expire, &ft);
	assert_int_equal(expired, 0);
	flow_wheel_advance(&ft, t0 + 31ull * 1000000000ull, on_expire, &ft);
	assert_int_equal(expired, 1);          /* the embryonic one */
	ft.f[b].last_ns = t0 + 500ull * 1000000000ull;  /* traffic kept it alive */
	flow_wheel_advance(&ft, t0 + 700ull * 1000000000ull, on_expire, &ft);
	assert_int_equal(expired, 1);
	flow_wheel_advance(&ft, t0 + 1101ull * 1000000000ull, on_expire, &ft);
	assert_int_equal(expired, 2);
	assert_int_equal(ft.nactive, 0);
}

static void eviction_prefers_embryonic_flows(void **st)
{
	struct flow_key k;
	uint64_t t0 = 9000ull * 1000000000ull;
	ft.wheel_sec = 0;
	for (uint32_t i = 0; i < 10; i++) {
		mk(&k, 100 + i, 0);
		int32_t idx = flow_insert(&ft, &k, rte_hash_hash(ft.h, &k), t0);
		ft.f[idx].state = i == 7 ? FS_NEW : FS_ESTABLISHED;
	}
	int kind;
	int32_t v = flow_pick_victim(&ft, &kind);
	assert_int_equal(kind, VICTIM_EMBRYONIC);
	assert_int_equal(ft.f[v].state, FS_NEW);
	for (uint32_t s = 0; s < WHEEL_SLOTS; s++)
		while (ft.wheel[s] != FLOW_NIL)
			flow_remove(&ft, ft.wheel[s]);
}

static void cold_victim_is_a_closed_flow_else_the_first_holding_state(void **st)
{
	struct flow_key k;
	uint64_t t0 = 9000ull * 1000000000ull;
	int32_t idx[6];
	ft.wheel_sec = 0;
	for (uint32_t i = 0; i < 6; i++) {
		mk(&k, 300 + i, 0);
		idx[i] = flow_insert(&ft, &k, rte_hash_hash(ft.h, &k), t0);
		ft.f[idx[i]].state = FS_ESTABLISHED;
	}
	int kind;
	assert_int_equal(flow_pick_cold_victim(&ft, &kind), -1);      /* nobody holds state */
	flow_cold_get(&ft, &ft.f[idx[2]], 0);
	flow_cold_get(&ft, &ft.f[idx[4]], 0);
	int32_t v = flow_pick_cold_victim(&ft, &kind);
	assert_int_equal(kind, VICTIM_ESTABLISHED);
	assert_true(v == idx[2] || v == idx[4]);
	ft.f[idx[5]].state = FS_CLOSED;                              /* closed but stateless */
	v = flow_pick_cold_victim(&ft, &kind);
	assert_int_equal(kind, VICTIM_ESTABLISHED);
	assert_true(v == idx[2] || v == idx[4]);
	ft.f[idx[4]].state = FS_CLOSED;
	assert_int_equal(flow_pick_cold_victim(&ft, &kind), idx[4]);
	assert_int_equal(kind, VICTIM_CLOSED);
	flow_cold_put(&ft, &ft.f[idx[2]]);
	flow_cold_put(&ft, &ft.f[idx[4]]);
	for (uint32_t s = 0; s < WHEEL_SLOTS; s++)
		while (ft.wheel[s] != FLOW_NIL)
			flow_remove(&ft, ft.wheel[s]);
}

static void full_table_reports_enospc(void **st)
{
	struct flow_key k;
	uint32_t n = 0;
	for (uint32_t i = 0; i < 4096; i++) {
		mk(&k, 5000 + i, 0);
		if (flow_insert(&ft, &k, rte_hash_hash(ft.h, &k), 1000000000ull) < 0)
			break;
		n++;
	}
	assert_true(n >= 1024);
	assert_true(n < 4096);
	for (uint32_t s = 0; s < WHEEL_SLOTS; s++)
		while (ft.wheel[s] != FLOW_NIL)
			flow_remove(&ft, ft.wheel[s]);
	assert_int_equal(ft.nactive, 0);
}

static void cold_pool_is_bounded(void **st)
{
	static struct flow f[300];
	uint32_t got = 0;
	for (int i = 0; i < 300; i++)
		if (flow_cold_get(&ft, &f[i], 0))
			got++;
	assert_int_equal(got, 256);
	for (int i = 0; i < 300; i++)
		flow_cold_put(&ft, &f[i]);
	assert_non_null(flow_cold_get(&ft, &f[0], 0));
	flow_cold_put(&ft, &f[0]);
}

static void symmetric_rss_key_keeps_a_flow_on_one_queue(void **st)
{
	unsigned seed = 1;
	for (int i = 0; i < 10000; i++) {
		union rte_thash_tuple fw, rv;
		uint32_t s = (seed = seed * 1103515245u + 12345u), d = (seed = seed * 1103515245u + 12345u);
		uint16_t sp = seed >> 7, dp = seed >> 3;
		fw.v4.src_addr = s; fw.v4.dst_addr = d; fw.v4.sport = sp; fw.v4.dport = dp;
		rv.v4.src_addr = d; rv.v4.dst_addr = s; rv.v4.sport = dp; rv.v4.dport = sp;
		uint32_t h1 = rte_softrss((uint32_t *)&fw, RTE_THASH_V4_L4_LEN, port_sym_rss_key);
		uint32_t h2 = rte_softrss((uint32_t *)&rv, RTE_THASH_V4_L4_LEN, port_sym_rss_key);
		assert_int_equal(h1, h2);
		union rte_thash_tuple f6 = { 0 }, r6 = { 0 };
		for (int b = 0; b < 16; b++) {
			f6.v6.src_addr[b] = r6.v6.dst_addr[b] = (seed = seed * 1103515245u + 12345u) >> 9;
			f6.v6.dst_addr[b] = r6.v6.src_addr[b] = seed >> 17;
		}
		f6.v6.sport = r6.v6.dport = sp;
		f6.v6.dport = r6.v6.sport = dp;
		assert_int_equal(rte_softrss((uint32_t *)&f6, RTE_THASH_V6_L4_LEN, port_sym_rss_key),
				 rte_softrss((uint32_t *)&r6, RTE_THASH_V6_L4_LEN, port_sym_rss_key));
	}
}

int main(void)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=seamtest%d", (int)getpid());
	char *eal[] = { "test", "-l", "0", "--no-huge", "--no-shconf", "-m", "256", "--no-pci",
			"--log-level=3", prefix, NULL };
	if (rte_eal_init(10, eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_directions_find_one_flow),
		cmocka_unit_test(idle_flows_time_out_and_active_ones_do_not),
		cmocka_unit_test(eviction_prefers_embryonic_flows),
		cmocka_unit_test(cold_victim_is_a_closed_flow_else_the_first_holding_state),
		cmocka_unit_test(full_table_reports_enospc),
		cmocka_unit_test(cold_pool_is_bounded),
		cmocka_unit_test(symmetric_rss_key_keeps_a_flow_on_one_queue),
	};
	int rc = cmocka_run_group_tests_name("flow", tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
