/* reasm.h — the ordering core of TCP reassembly, one direction at a time.
 *
 * DPDK-free: a segment is (seq, bytes, len, handle) where handle is the
 * caller's packet (an mbuf in the dataplane) that stays alive while held.
 * The core decides, per segment, what part is new and in order (to be
 * inspected now), what must wait for a gap, and what repeats bytes already
 * inspected -- and whether those repeats are identical (first copy wins,
 * DESIGN.md invariant 1).  A ring of the last retain bytes inspected lets
 * overlaps be verified.  Memory is bounded: per-direction segment and byte
 * caps, and a pool of hold records shared by the worker.
 *
 * Inline (strict) the first copy always wins and a differing copy is
 * refused.  Offline and mirror, where Seam cannot choose what the receiver
 * keeps, an overlap of held (not yet read) data is settled the way the
 * receiving host's stack settles it -- its target policy -- so the analyzer
 * reads what the host will read.  Bytes a host has already read are never
 * replaced, whatever its stack. */
#ifndef SEAM_REASM_H
#define SEAM_REASM_H

#include <stdint.h>
#include "overlap.h"

static inline int seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline int seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

struct reasm_seg {
	struct reasm_seg *next;
	void *handle;
	const uint8_t *data;
	uint32_t seq;
	uint32_t len;
};

/* A worker's pool of hold records: fixed at start-up, never grows. */
struct reasm_pool {
	struct reasm_seg *free;
	uint32_t nfree, size;
	struct reasm_seg *mem;
	/* Take one more reference on a handle: a packet settled into pieces
	 * by a target policy is held by several records (NULL: never split). */
	void (*ref)(void *handle);
};

struct reasm_dir {
	uint32_t next;            /* next sequence number to inspect */
	uint32_t nheld;
	uint32_t held_bytes;
	uint8_t started;
	uint8_t policy;           /* enum overlap_policy of the receiving host */
	struct reasm_seg *held;   /* sorted by seq */
	uint8_t *ret;             /* ring of the last ret_size inspected bytes */
	uint32_t ret_size;        /* power of two; 0 = no verification */
	uint64_t delivered;       /* bytes inspected so far */
	uint64_t valid_from;      /* ring bytes before this offset are unknown */
};

struct reasm_limits {
	uint32_t max_segs;        /* held per direction */
	uint32_t max_bytes;       /* held per direction */
	uint32_t max_ahead;       /* how far beyond next a segment may start */
	uint8_t strict;           /* inline: refuse a repeat that cannot be verified */
};

enum reasm_result {
	RA_DELIVER = 0,   /* data[off..len) is in order: inspect it, then drain */
	RA_HELD,          /* kept until the gap before it fills */
	RA_OLD,           /* only bytes already inspected, verified identical */
	RA_OLD_UNVERIFIED,/* only bytes already inspected, older than the ring */
	RA_CONFLICT,      /* differs from inspected or held bytes: reject */
	RA_DUP_HELD,      /* identical to bytes already held: not needed */
	RA_CAP_DIR,       /* per-direction hold cap reached */
	RA_CAP_POOL,      /* worker hold pool empty */
	RA_TOO_FAR,       /* starts beyond max_ahead */
	RA_QUEUED,        /* (not strict) overlapped other bytes; settled by the
			     target policy and held in pieces: drain with reasm_pop */
};

int reasm_pool_init(struct reasm_pool *p, uint32_t n);
void reasm_pool_free(struct reasm_pool *p);

/* ring must hold ret_size bytes (power of two, or 0). */
void reasm_dir_init(struct reasm_dir *r, uint8_t *ring, uint32_t ret_size);
/* Set where the stream starts (ISN+1, or the first seen seq midstream). */
void reasm_dir_start(struct reasm_dir *r, uint32_t seq);

/* Offer a segment.  On RA_DELIVER *off is where the new bytes start; the
 * caller inspects data[*off..len), calls reasm_consumed(), then drains with
 * reasm_pop().  On RA_HELD the handle now belongs to the hold list. */
enum reasm_result reasm_offer(struct reasm_dir *r, struct reasm_pool *p,
			      const struct reasm_limits *lim, uint32_t seq,
			      const uint8_t *data, uint32_t len, void *handle, uint32_t *off);

/* Record that data[0..n) (the new, in-order bytes) was inspected. */
void reasm_consumed(struct reasm_dir *r, const uint8_t *data, uint32_t n);

/* Take the next held segment that is now in order (or entirely old).
 * Returns NULL when the head still waits for a gap.  *res says what to do
 * with it (RA_DELIVER with *off, RA_OLD, RA_CONFLICT).  The record goes back
 * to the pool; the handle goes back to the caller (one reference of it, when
 * the packet was held in pieces). */
void *reasm_pop(struct reasm_dir *r, struct reasm_pool *p, const uint8_t **data,
		uint32_t *len, uint32_t *off, enum reasm_result *res);

/* Give up on the gap: return the first held segment regardless (the caller
 * skips the missing bytes).  NULL when nothing is held. */
void *reasm_skip_gap(struct reasm_dir *r, struct reasm_pool *p, const uint8_t **data,
		     uint32_t *len, uint32_t *off, uint32_t *gap);

/* Release every held segment through cb (flow end). */
void reasm_flush(struct reasm_dir *r, struct reasm_pool *p, void (*cb)(void *ctx, void *h),
		 void *ctx);

#endif
