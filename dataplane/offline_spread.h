/* offline_spread.h — one capture read once, its flows spread over workers.
 *
 * With more than one worker, the main thread reads the capture and hands
 * each packet to the worker that owns its address pair (spread.h) through
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

#define SPREAD_MAX 16
#define SPREAD_RING 4096          /* packets queued per worker at most */

struct offline_spread {
	uint32_t n;                   /* workers */
	uint8_t linktype;
	struct rte_ring *q[SPREAD_MAX];
	volatile int done;            /* every packet is queued */
	uint64_t clock_ns;            /* the capture clock at the end (valid once done) */
	uint64_t waits;               /* times the reader found a ring full */
};

/* Rings for N workers; -1 when there is no memory for them. */
int offline_spread_init(struct offline_spread *s, uint32_t n, uint8_t linktype, int socket);

/* Queue a burst, each packet to its owner.  While a ring is full, WAIT(ARG)
 * runs (the reader's other duties) and the reader tries again. */
void offline_spread_burst(struct offline_spread *s, struct rte_mbuf **m, uint16_t n,
			  void (*wait)(void *), void *arg);

/* The last packet is queued; CLOCK_NS is the capture clock. */
void offline_spread_finish(struct offline_spread *s, uint64_t clock_ns);

#endif
