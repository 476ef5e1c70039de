/* offline_spread.c — one capture read once, its flows spread over workers. */
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <rte_mbuf_dyn.h>
#include <rte_pause.h>
#include "offline_spread.h"

int offline_spread_init(struct offline_spread *s, uint32_t n, uint8_t linktype, int ts_off, int socket)
{
	memset(s, 0, offsetof(struct offline_spread, router));
	if (n > SPREAD_MAX)
		return -1;
	s->n = n;
	s->ts_off = ts_off;
	/* worker 0 also reads: it owns 60% of an even share of the flows
	 * (measured on the 1 GB mix, 20-50% ran alike; less starves it) */
	spread_init(&s->router, n, (enum linktype)linktype, 60 / n);
	for (uint32_t i = 1; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "spread%u", i);
		s->q[i] = rte_ring_create(name, SPREAD_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!s->q[i])
			return -1;
	}
	return 0;
}

/* One worker's staged packets: to the reader itself, or into a ring. */
static void flush(struct offline_spread *s, uint32_t w)
{
	uint16_t n = s->nstage[w], done = 0;
	struct rte_mbuf **m = s->stage[w];
	s->nstage[w] = 0;
	if (w == 0) {
		s->own(s->own_arg, m, n);
		return;
	}
	uint32_t spins = 0;
	while (done < n) {
		done += (uint16_t)rte_ring_sp_enqueue_burst(s->q[w], (void **)(m + done), n - done, NULL);
		if (done == n)
			break;
		if (spins++ == 0)
			s->waits++;
		/* the worker may be waiting for its events to be written */
		if (s->wait)
			s->wait(s->wait_arg);
		if (spins & 15)
			rte_pause();
		else
			sched_yield();
	}
}

static void flush_all(struct offline_spread *s)
{
	for (uint32_t w = 0; w < s->n; w++)
		if (s->nstage[w])
			flush(s, w);
}

static void route_out(struct offline_spread *s)
{
	const struct spread *r = &s->router;
	for (uint32_t i = 0; i < r->nout; i++) {
		uint32_t w = r->out[i].worker;
		s->stage[w][s->nstage[w]++] = r->out[i].pkt;
		if (s->nstage[w] == SPREAD_STAGE)
			flush(s, w);
	}
}

void offline_spread_burst(struct offline_spread *s, struct rte_mbuf **m, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		uint64_t t = s->ts_off >= 0 ? *RTE_MBUF_DYNFIELD(m[i], s->ts_off, uint64_t *) : 0;
		spread_route(&s->router, m[i], rte_pktmbuf_mtod(m[i], const uint8_t *),
			     rte_pktmbuf_data_len(m[i]), t);
		route_out(s);
	}
	flush_all(s);
}

void offline_spread_finish(struct offline_spread *s, uint64_t clock_ns)
{
	spread_flush(&s->router);
	route_out(s);
	flush_all(s);
	s->clock_ns = clock_ns;
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}
