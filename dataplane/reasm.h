/* reasm.h — the ordering core of TCP reassembly, one direction at a time.
 *
 * DPDK-free: a segment is (seq, bytes, len, handle) where handle is the
 * caller's packet (an mbuf in the dataplane) that stays alive while held.
 * The core decides, per segment, what part is new and in order (to be
 * inspected now), what must wait for a gap, and what repeats bytes already
 * inspected -- and whether those repeats are identical (first copy wins,
 * DESIGN.md invariant 1).  Inspected bytes the receiver has not yet
 * acknowledged are kept, in blocks from a store the worker shares among
 * its flows, so that a repeat of them can be verified; once acknowledged,
 * the receiver discards any copy, so nothing of them need be kept (an idle
 * flow keeps none).  Memory is bounded: per-direction segment and byte
 * caps, a pool of hold records and a verification store, both shared by
 * the worker.
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

/* Verification bytes come in blocks; a block holds stream offsets
 * [k * REASM_VBLOCK, (k + 1) * REASM_VBLOCK) of one direction. */
#define REASM_VBLOCK 256u
#define REASM_VNIL UINT32_MAX

#define VERIFY_CTRS(X) \
	X(dry,      "inspected bytes that could not be kept for verification: the store was empty (reasm.verify_mb)") \
	X(trimmed,  "times a direction gave its oldest unacknowledged bytes up for newer ones (reasm.retain_bytes)") \
	X(blocks,   "verification blocks holding unacknowledged bytes (gauge)")
#define VERIFY_X(n, t) RV_##n,
enum verify_ctr { VERIFY_CTRS(VERIFY_X) RV__COUNT };
#undef VERIFY_X
extern const char *const verify_ctr_names[RV__COUNT];

/* A worker's verification store: nblocks blocks, fixed at start-up, handed
 * out front to back (nothing is touched before it is needed), then
 * recycled last-freed first. */
struct reasm_verify {
	uint8_t *mem;             /* nblocks * REASM_VBLOCK bytes */
	uint32_t *link;           /* the next block of a chain, or of the free list */
	uint32_t free;            /* freed blocks */
	uint32_t fresh;           /* blocks [fresh, nblocks) were never used */
	uint32_t nblocks;
	uint32_t dir_max;         /* blocks one direction may keep; 0: no verification */
	uint64_t ctr[RV__COUNT];
};

/* A worker's pool of hold records: fixed at start-up, never grows. */
struct reasm_pool {
	struct reasm_seg *free;
	uint32_t nfree, size;
	struct reasm_seg *mem;
	/* Take one more reference on a handle: a packet settled into pieces
	 * by a target policy is held by several records (NULL: never split). */
	void (*ref)(void *handle);
	struct reasm_verify *verify;  /* NULL: repeats cannot be verified */
	/* inline: a segment that repeats bytes no longer kept is refused
	 * (fail-closed), unless configured to pass (reasm.verify_fail_open) */
	uint8_t refuse_unverified;
};

struct reasm_dir {
	uint32_t next;            /* next sequence number to inspect */
	uint32_t nheld;
	uint32_t held_bytes;
	uint8_t started;
	uint8_t policy;           /* enum overlap_policy of the receiving host */
	uint8_t have_ack;         /* acked is known */
	struct reasm_seg *held;   /* sorted by seq */
	uint32_t acked;           /* the receiver acknowledged the bytes before this seq */
	uint32_t vhead, vtail;    /* verification blocks, oldest first */
	uint32_t vn;              /* ... how many */
	uint64_t vbase;           /* stream offset of vhead's first byte */
	uint64_t delivered;       /* bytes inspected so far */
	uint64_t valid_from;      /* bytes before this offset cannot be verified */
};

struct reasm_limits {
	uint32_t max_segs;        /* held per direction */
	uint32_t max_bytes;       /* held per direction */
	uint32_t max_ahead;       /* how far beyond next a segment may start */
	uint8_t strict;           /* inline: refuse a repeat that differs */
};

enum reasm_result {
	RA_DELIVER = 0,   /* data[off..len) is in order: inspect it, then drain */
	RA_HELD,          /* kept until the gap before it fills */
	RA_OLD,           /* only bytes already inspected, verified identical */
	RA_OLD_ACKED,     /* only bytes the receiver acknowledged: it discards them */
	RA_OLD_UNVERIFIED,/* repeats inspected bytes no longer kept (strict: the
			     repeated part of an in-order segment too) */
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

/* A store of nblocks blocks (mem and link arrays the caller allocated,
 * contents undefined); a direction keeps at most dir_bytes. */
void reasm_verify_init(struct reasm_verify *v, uint8_t *mem, uint32_t *link, uint32_t nblocks,
		       uint32_t dir_bytes);

void reasm_dir_init(struct reasm_dir *r);
/* Flow end: give the direction's verification blocks back. */
void reasm_dir_end(struct reasm_dir *r, struct reasm_pool *p);
/* Set where the stream starts (ISN+1, or the first seen seq midstream). */
void reasm_dir_start(struct reasm_dir *r, uint32_t seq);

/* Offer a segment.  On RA_DELIVER *off is where the new bytes start; the
 * caller inspects data[*off..len), calls reasm_consumed(), then drains with
 * reasm_pop().  On RA_HELD the handle now belongs to the hold list. */
enum reasm_result reasm_offer(struct reasm_dir *r, struct reasm_pool *p,
			      const struct reasm_limits *lim, uint32_t seq,
			      const uint8_t *data, uint32_t len, void *handle, uint32_t *off);

/* Record that data[0..n) (the new, in-order bytes) was inspected; they are
 * kept until the receiver acknowledges them. */
void reasm_consumed(struct reasm_dir *r, struct reasm_pool *p, const uint8_t *data, uint32_t n);

/* The receiver acknowledged every byte before ack: a repeat of them can no
 * longer change what it reads, so their verification blocks go back. */
void reasm_ack(struct reasm_dir *r, struct reasm_pool *p, uint32_t ack);

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
