/* frag.h — IP fragment reassembly before TCP (rte_ip_frag), plus the
 * evasion checks it does not make: overlapping fragments, a tiny first
 * fragment, too many fragments.  A reassembled datagram is copied into one
 * contiguous mbuf so the rest of the pipeline reads it like any packet;
 * inline, it is fragmented again to the port MTU when forwarded. */
#ifndef SEAM_FRAG_H
#define SEAM_FRAG_H

#include <stdint.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>
#include "decode.h"

#define FRAG_TRACK 512
#define FRAG_RANGES 12

enum { FRAGF_OVERLAP = 1, FRAGF_TINY = 2, FRAGF_TOO_MANY = 4, FRAGF_SEEN = 8, FRAGF_ALERTED = 16 };

/* What the checks remember about one datagram being reassembled. */
struct frag_track {
	uint8_t ipver, flags, nranges, have_ports;
	uint32_t id;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint64_t last_ns;
	struct { uint16_t lo, hi; } r[FRAG_RANGES];   /* in 8-byte units */
};

struct frag_stage {
	struct rte_ip_frag_tbl *tbl;
	struct rte_ip_frag_death_row dr;
	struct rte_mempool *big;       /* contiguous reassembled datagrams */
	struct rte_mempool *indirect;  /* re-fragmentation (inline) */
	struct frag_track track[FRAG_TRACK];
};

int frag_init(struct frag_stage *f, const char *name, uint32_t max_datagrams, uint32_t timeout_s,
	      int socket, char *err, size_t errlen);
void frag_free(struct frag_stage *f);

/* Check one fragment; returns its datagram's track record (flags say what
 * was found).  Call before frag_reassemble. */
struct frag_track *frag_check(struct frag_stage *f, const uint8_t *frame, const struct pkt *p,
			      uint64_t now_ns);
/* Offer a fragment.  NULL: kept (or refused onto the death row).
 * Otherwise a contiguous datagram (the fragments were freed); *merged is
 * how many fragments it took. */
struct rte_mbuf *frag_reassemble(struct frag_stage *f, struct rte_mbuf *m, const struct pkt *p,
				 uint64_t now_ns, uint32_t *merged);
/* Free what reassembly gave up; returns how many mbufs. */
uint32_t frag_flush_dead(struct frag_stage *f);
/* Give up on every datagram still waiting (shutdown). */
void frag_expire_all(struct frag_stage *f);

#endif
