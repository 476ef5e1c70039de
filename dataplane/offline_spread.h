/* offline_spread.h — one capture read once, its flows spread over workers.
 *
 * With more than one worker, worker 0 reads the capture (on the main
 * lcore) and routes each packet to the worker that owns its flow
 * (spread.h): its own packets it inspects at once, the others go through
 * a ring per worker.  Every packet carries the capture clock as it stood
 * when it was read (offline_rx: the latest time so far), so each worker
 * sees, at each of its packets, the clock a single worker would have seen:
 * flow ids, timeouts and event times do not depend on the worker count.
 * Nothing is dropped: a full ring makes the reader wait. */
#ifndef SEAM_OFFLINE_SPREAD_H
#define SEAM_OFFLINE_SPREAD_H

#include <stdint.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include "spread.h"

#define SPREAD_MAX 16
#define SPREAD_RING 4096          /* packets queued per worker at most */
#define SPREAD_STAGE 64           /* packets gathered per worker before a ring write */

/* Worker 0's packets, handed back to the reader as they are routed. */
typedef void spread_own_fn(void *arg, struct rte_mbuf **m, uint16_t n);

struct offline_spread {
	uint32_t n;                   /* workers */
	int ts_off;                   /* the packets' capture-time field, -1 none */
	struct rte_ring *q[SPREAD_MAX];
	volatile int done;            /* every packet is queued */
	uint64_t clock_ns;            /* the capture clock at the end (valid once done) */
	uint64_t waits;               /* times the reader found a ring full */
	spread_own_fn *own;
	void *own_arg;
	void (*wait)(void *);         /* the reader's other duties while a ring is full */
	void *wait_arg;
	uint16_t nstage[SPREAD_MAX];
	struct rte_mbuf *stage[SPREAD_MAX][SPREAD_STAGE];
	struct spread router;
};

/* Rings for N workers; -1 when there is no memory for them. */
int offline_spread_init(struct offline_spread *s, uint32_t n, uint8_t linktype, int ts_off, int socket);

/* Route a burst the reader read: worker 0's packets to s->own, the rest
 * to their workers' rings. */
void offline_spread_burst(struct offline_spread *s, struct rte_mbuf **m, uint16_t n);

/* The last packet is read; CLOCK_NS is the capture clock.  Held fragments
 * and staged packets go out, then the workers may finish. */
void offline_spread_finish(struct offline_spread *s, uint64_t clock_ns);

#endif
