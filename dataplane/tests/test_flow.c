/* test_flow.c — the flow table under EAL (no hugepages): both directions
 * find one record, the wheel expires idle flows, eviction goes by class
 * (half-open, closed, handshake only, no HTTP read, idle HTTP, HTTP in
 * flight: DESIGN.md invariant 4), inspection state is taken back in the
 * same order, a flow exchanging HTTP outlives a flood, a full table says
 * so; and the symmetric RSS key sends both directions of any tuple to the
 * same queue (checked with rte_softrss). */
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
	return flow_table_init(&ft, "t", 1024, 256, 0, errbuf, sizeof(errbuf));
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

static void remove_all(void)
{
	for (uint32_t s = 0; s < WHEEL_SLOTS; s++)
		while (ft.wheel[s] != FLOW_NIL) {
			flow_cold_put(&ft, &ft.f[ft.wheel[s]]);
			flow_remove(&ft, ft.wheel[s]);
		}
	assert_int_equal(ft.nactive, 0);
	for (int c = 0; c < FC__COUNT; c++)
		assert_int_equal(ft.ncls[c], 0);
}

/* After each test, pass or fail: an empty table for the next. */
static int clean(void **st)
{
	for (uint32_t s = 0; s < WHEEL_SLOTS; s++)
		while (ft.wheel[s] != FLOW_NIL) {
			flow_cold_put(&ft, &ft.f[ft.wheel[s]]);
			flow_remove(&ft, ft.wheel[s]);
		}
	return 0;
}

/* What a flow has been through, as the worker would leave it. */
enum what { W_EMBRYONIC, W_CLOSED, W_SILENT, W_UNPROVEN, W_IDLE, W_EXCHANGING, W_OVER };

static void make(int32_t idx, enum what w)
{
	struct flow *f = &ft.f[idx];
	f->state = w == W_EMBRYONIC ? FS_NEW : w == W_CLOSED ? FS_CLOSED : FS_ESTABLISHED;
	if (w == W_EMBRYONIC || w == W_SILENT)
		return;
	struct flow_cold *c = flow_cold_get(&ft, f, 0);
	assert_non_null(c);
	if (w == W_UNPROVEN)
		return;                 /* segments behind a gap: nothing read */
	c->rd[0].delivered = 200;
	c->insp.proto = PROTO_HTTP1;
	if (w == W_EXCHANGING) {
		/* a WebSocket handshake waits for its 101 */
		c->insp.h1.pend[0] = RQ_UPG_WS;
		c->insp.h1.pend_n = 1;
		c->insp.h1.req.state = H1_AWAIT;
	} else if (w == W_OVER) {
		c->insp.h1.req.state = H1_DEAD;
	}
}

static int32_t add(uint32_t i, enum what w, uint64_t last_ns)
{
	struct flow_key k;
	mk(&k, i, 0);
	int32_t idx = flow_insert(&ft, &k, rte_hash_hash(ft.h, &k), last_ns);
	assert_true(idx >= 0);
	make(idx, w);
	flow_reclass(&ft, idx);     /* as the worker does after each packet */
	return idx;
}

static void end(int32_t idx)
{
	flow_cold_put(&ft, &ft.f[idx]);
	flow_remove(&ft, idx);
}

static void victims_go_flood_first_and_exchanging_last(void **st)
{
	uint64_t t0 = 9000ull * 1000000000ull;
	ft.wheel_sec = 0;
	/* oldest first: the flow that matters most came first */
	int32_t busy = add(200, W_EXCHANGING, t0), idle = add(201, W_IDLE, t0 + 1),
		unproven = add(202, W_UNPROVEN, t0 + 2), silent = add(203, W_SILENT, t0 + 3),
		closed = add(204, W_CLOSED, t0 + 4), emb = add(205, W_EMBRYONIC, t0 + 5);
	const struct { int32_t idx; int kind; } want[] = {
		{ emb, VICTIM_EMBRYONIC }, { closed, VICTIM_CLOSED }, { silent, VICTIM_SILENT },
		{ unproven, VICTIM_UNPROVEN }, { idle, VICTIM_ESTABLISHED }, { busy, VICTIM_BUSY },
	};
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int kind = -1;
		assert_int_equal(flow_pick_victim(&ft, &kind), want[i].idx);
		assert_int_equal(kind, want[i].kind);
		end(want[i].idx);
	}
	int kind;
	assert_int_equal(flow_pick_victim(&ft, &kind), -1);
	remove_all();
}

static void cold_victims_go_closed_unproven_idle_then_exchanging(void **st)
{
	uint64_t t0 = 9000ull * 1000000000ull;
	ft.wheel_sec = 0;
	int kind;
	assert_int_equal(flow_pick_cold_victim(&ft, &kind), -1);      /* nobody holds state */
	int32_t busy = add(300, W_EXCHANGING, t0), idle = add(301, W_IDLE, t0 + 1),
		over = add(302, W_OVER, t0 + 2), unproven = add(303, W_UNPROVEN, t0 + 3),
		closed = add(304, W_CLOSED, t0 + 4);
	add(305, W_SILENT, t0 + 5);
	add(306, W_EMBRYONIC, t0 + 6);
	const struct { int32_t idx; int kind; } want[] = {
		{ closed, VICTIM_CLOSED }, { unproven, VICTIM_UNPROVEN },
		{ over, VICTIM_CLOSED },            /* HTTP with nothing left to judge */
		{ idle, VICTIM_ESTABLISHED }, { busy, VICTIM_BUSY },
	};
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		kind = -1;
		assert_int_equal(flow_pick_cold_victim(&ft, &kind), want[i].idx);
		assert_int_equal(kind, want[i].kind);
		end(want[i].idx);
	}
	/* the rest hold no inspection state */
	assert_int_equal(flow_pick_cold_victim(&ft, &kind), -1);
	remove_all();
}

/* The issue-13 flood: SYNs, handshakes that go nowhere and segments behind
 * gaps that never fill, far more than the table (1024) and the inspection
 * state (256) hold, while a WebSocket handshake waits for its 101 and an
 * HTTP connection sits idle.  Neither is ever taken while flood state is
 * left; the flood's own state is what makes room. */
static void exchanging_flow_outlives_a_flood(void **st)
{
	uint64_t t0 = 9000ull * 1000000000ull;
	ft.wheel_sec = 0;
	int32_t ws = add(1, W_EXCHANGING, t0), idle = add(2, W_IDLE, t0);
	uint32_t evicted[VICTIM_BUSY + 1] = { 0 }, cold_evicted[VICTIM_BUSY + 1] = { 0 };
	for (uint32_t i = 0; i < 20000; i++) {
		static const enum what flood[] = { W_EMBRYONIC, W_SILENT, W_UNPROVEN };
		enum what w = flood[i % 3];
		uint64_t now = t0 + (i + 1) * 1000ull;
		struct flow_key k;
		mk(&k, 10 + i, 0);
		hash_sig_t sig = rte_hash_hash(ft.h, &k);
		int32_t idx = flow_insert(&ft, &k, sig, now);
		if (idx < 0) {
			int kind;
			int32_t v = flow_pick_victim(&ft, &kind);
			assert_true(v >= 0);
			assert_true(v != ws && v != idle);
			evicted[kind]++;
			end(v);
			idx = flow_insert(&ft, &k, sig, now);
			assert_true(idx >= 0);
		}
		if (w == W_UNPROVEN && flow_cold_avail(&ft) == 0) {
			int kind;
			int32_t v = flow_pick_cold_victim(&ft, &kind);
			assert_true(v >= 0 && v != idx);
			assert_true(v != ws && v != idle);
			cold_evicted[kind]++;
			end(v);
		}
		make(idx, w);
		flow_reclass(&ft, idx);
	}
	assert_true(ft.f[ws].used && ft.f[ws].cold && ft.f[idle].used && ft.f[idle].cold);
	assert_true(evicted[VICTIM_EMBRYONIC] > 1000);
	assert_true(cold_evicted[VICTIM_UNPROVEN] > 1000);
	assert_int_equal(evicted[VICTIM_ESTABLISHED] + evicted[VICTIM_BUSY], 0);
	assert_int_equal(cold_evicted[VICTIM_ESTABLISHED] + cold_evicted[VICTIM_BUSY], 0);
	remove_all();
}

/* Among flows where no HTTP was read, the one idle longest goes: a flow
 * whose first request is still arriving (out of order) outlasts the
 * flood's stalled ones around it. */
static void a_flow_still_sending_is_not_taken_for_the_flood(void **st)
{
	uint64_t t0 = 9000ull * 1000000000ull;
	ft.wheel_sec = 0;
	int32_t mine = add(400, W_UNPROVEN, t0);
	for (uint32_t i = 0; i < 100; i++)
		add(401 + i, W_UNPROVEN, t0 + i);
	ft.f[mine].last_ns = t0 + 1000000;     /* its last segment came just now */
	for (uint32_t i = 0; i < 100; i++) {
		int kind;
		int32_t v = flow_pick_cold_victim(&ft, &kind);
		assert_int_equal(kind, VICTIM_UNPROVEN);
		assert_true(v >= 0 && v != mine);
		end(v);
	}
	int kind;
	assert_int_equal(flow_pick_cold_victim(&ft, &kind), mine);
	remove_all();
}

/* ... and one that was never evicted outlasts flows that came back on
 * the tuple of an evicted one (a flood's flows keep coming back), however
 * idle it is. */
static void a_flow_never_evicted_outlasts_ones_that_came_back(void **st)
{
	uint64_t t0 = 9000ull * 1000000000ull;
	ft.wheel_sec = 0;
	for (uint32_t i = 0; i < 40; i++)
		add(601 + i, W_SILENT, t0);
	for (uint32_t i = 0; i < 40; i++) {     /* evicted... */
		int kind;
		int32_t v = flow_pick_victim(&ft, &kind);
		assert_int_equal(kind, VICTIM_SILENT);
		end(v);
	}
	int32_t mine = add(600, W_UNPROVEN, t0);
	for (uint32_t i = 0; i < 40; i++)        /* ... and back */
		assert_true(ft.f[add(601 + i, W_UNPROVEN, t0 + 1000 + i)].returned);
	assert_false(ft.f[mine].returned);
	for (uint32_t i = 0; i < 40; i++) {
		int kind;
		int32_t v = flow_pick_victim(&ft, &kind);
		assert_true(v >= 0 && v != mine);
		end(v);
	}
	int kind;
	assert_int_equal(flow_pick_victim(&ft, &kind), mine);
	remove_all();
}

/* A flow whose class changed without the worker saying so is re-filed
 * when it reaches the head of its old ring, not taken for what it was. */
static void a_stale_class_is_corrected_when_picked(void **st)
{
	uint64_t t0 = 9000ull * 1000000000ull;
	ft.wheel_sec = 0;
	int32_t a = add(500, W_EMBRYONIC, t0), b = add(501, W_EMBRYONIC, t0 + 1);
	make(a, W_EXCHANGING);                   /* no flow_reclass */
	int kind;
	assert_int_equal(flow_pick_victim(&ft, &kind), b);
	assert_int_equal(kind, VICTIM_EMBRYONIC);
	assert_int_equal(ft.f[a].cls, FC_ACTIVE);
	remove_all();
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
		cmocka_unit_test_teardown(victims_go_flood_first_and_exchanging_last, clean),
		cmocka_unit_test_teardown(cold_victims_go_closed_unproven_idle_then_exchanging, clean),
		cmocka_unit_test_teardown(exchanging_flow_outlives_a_flood, clean),
		cmocka_unit_test_teardown(a_flow_still_sending_is_not_taken_for_the_flood, clean),
		cmocka_unit_test_teardown(a_flow_never_evicted_outlasts_ones_that_came_back, clean),
		cmocka_unit_test_teardown(a_stale_class_is_corrected_when_picked, clean),
		cmocka_unit_test(full_table_reports_enospc),
		cmocka_unit_test(cold_pool_is_bounded),
		cmocka_unit_test(symmetric_rss_key_keeps_a_flow_on_one_queue),
	};
	int rc = cmocka_run_group_tests_name("flow", tests, setup, teardown);
	rte_eal_cleanup();
	return rc;
}
