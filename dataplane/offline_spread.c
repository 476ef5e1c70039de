/* offline_spread.c — one capture read once, its flows spread over workers. */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <rte_pause.h>
#include "offline_spread.h"
#include "spread.h"

int offline_spread_init(struct offline_spread *s, uint32_t n, uint8_t linktype, int socket)
{
	memset(s, 0, sizeof(*s));
	if (n > SPREAD_MAX)
		return -1;
	s->n = n;
	s->linktype = linktype;
	for (uint32_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "spread%u", i);
		s->q[i] = rte_ring_create(name, SPREAD_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!s->q[i])
			return -1;
	}
	return 0;
}

static void put_all(struct offline_spread *s, uint32_t w, struct rte_mbuf **m, uint16_t n,
		    void (*wait)(void *), void *arg)
{
	uint16_t done = 0;
	uint32_t spins = 0;
	while (done < n) {
		done += (uint16_t)rte_ring_sp_enqueue_burst(s->q[w], (void **)(m + done), n - done, NULL);
		if (done == n)
			break;
		if (spins++ == 0)
			s->waits++;
		if (wait)
			wait(arg);
		/* the worker may share this core: let it run */
		if (spins & 15)
			rte_pause();
		else
			sched_yield();
	}
}

void offline_spread_burst(struct offline_spread *s, struct rte_mbuf **m, uint16_t n,
			  void (*wait)(void *), void *arg)
{
	struct rte_mbuf *per[SPREAD_MAX][64];
	uint16_t cnt[SPREAD_MAX] = { 0 };
	for (uint16_t i = 0; i < n; i++) {
		uint32_t w = spread_pick(rte_pktmbuf_mtod(m[i], const uint8_t *), rte_pktmbuf_data_len(m[i]),
					 (enum linktype)s->linktype, s->n);
		per[w][cnt[w]++] = m[i];
		if (cnt[w] == 64) {
			put_all(s, w, per[w], 64, wait, arg);
			cnt[w] = 0;
		}
	}
	for (uint32_t w = 0; w < s->n; w++)
		if (cnt[w])
			put_all(s, w, per[w], cnt[w], wait, arg);
}

void offline_spread_finish(struct offline_spread *s, uint64_t clock_ns)
{
	s->clock_ns = clock_ns;
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}
