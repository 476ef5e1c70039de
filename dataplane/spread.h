/* spread.h — which worker owns a packet when one capture feeds several.
 *
 * The owner follows the flow, symmetrically, as symmetric RSS would place
 * it: a hash of both (address, port) ends, so both directions of a TCP or
 * UDP flow land on one worker while one busy pair of hosts still spreads.
 * Fragments carry no ports after the first, so the router remembers each
 * datagram (addresses, id, protocol) and sends every fragment where its
 * first went; fragments that arrive before their first are held until it
 * comes (a bounded wait: at the reassembly timeout, or when too many wait,
 * they go to the owner of their address pair, counted).  Released
 * fragments go out before the packet that released them, in the order
 * they came, so each worker sees its packets in capture order.  Frames
 * with no IP go to worker 0.  DPDK-free: packets are opaque pointers. */
#ifndef SEAM_SPREAD_H
#define SEAM_SPREAD_H

#include <stdint.h>
#include "decode.h"

#define SPREAD_DGRAMS 256          /* datagrams steered at once */
#define SPREAD_HOLD 16             /* fragments held per datagram before its first */
#define SPREAD_HOLD_NS 30000000000ull   /* the reassembly timeout */

struct spread_dgram {
	uint64_t last_ns;
	uint32_t id;
	uint8_t used, ipver, proto, nheld;
	int16_t owner;                 /* -1 while the first fragment has not come */
	uint8_t src[16], dst[16];
	void *held[SPREAD_HOLD];
};

/* X(name, text): what the router counts. */
#define SPREAD_CTRS(X) \
	X(frag_steered,   "fragments sent where their datagram's first fragment went") \
	X(frag_held,      "fragments held until their datagram's first fragment came") \
	X(frag_unpaired,  "held fragments whose first never came in time: sent by address pair") \
	X(frag_no_ports,  "first fragments without ports: datagram placed by address pair")

enum spread_ctr {
#define X(n, t) SPREAD_##n,
	SPREAD_CTRS(X)
#undef X
	SPREAD__COUNT
};
extern const char *const spread_ctr_names[SPREAD__COUNT];

struct spread {
	uint32_t n;                    /* workers */
	enum linktype lt;
	uint64_t cut;                  /* worker 0 owns hash values below it */
	uint32_t nheld;                /* fragments held, all datagrams */
	uint64_t sweep_ns;             /* when the oldest held fragment times out */
	uint64_t ctr[SPREAD__COUNT];
	struct spread_dgram d[SPREAD_DGRAMS];
	uint32_t nout;                 /* ready after spread_route / spread_flush */
	struct { void *pkt; uint32_t worker; } out[SPREAD_DGRAMS * SPREAD_HOLD + 1];
};

/* SHARE0: the percentage of flows worker 0 owns (0: an even share);
 * less when worker 0 also reads the capture. */
void spread_init(struct spread *s, uint32_t nworkers, enum linktype lt, uint32_t share0);

/* The owner of a frame, stateless: from its addresses and ports (for a
 * fragment, its address pair).  For tests and single frames. */
uint32_t spread_pick(const uint8_t *frame, uint32_t len, enum linktype lt, uint32_t nworkers);

/* Route PKT (FRAME, LEN its first bytes) read at NOW_NS: fills s->out
 * with the packets now ready and their workers (none when PKT is held,
 * held fragments before PKT when it releases them). */
void spread_route(struct spread *s, void *pkt, const uint8_t *frame, uint32_t len, uint64_t now_ns);

/* The end of the capture: every held fragment into s->out. */
void spread_flush(struct spread *s);

#endif
