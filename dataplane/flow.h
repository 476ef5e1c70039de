/* flow.h — per-worker flow table.
 *
 * An rte_hash maps the canonical 5-tuple to a slot; the slot indexes a
 * small hot record (struct flow).  Inspection and reassembly state (struct
 * flow_cold) comes from a bounded pool only once a flow carries payload.
 * Timeouts use a hashed timer wheel of one-second slots; a flow is re-filed
 * lazily when its slot comes round, so packets never touch the wheel.
 * Under pressure flows give way by class (enum flow_class): flood state
 * (half-open flows, flows that never carried payload or hold only segments
 * behind a gap) before flows exchanging HTTP (DESIGN.md invariant 4); each
 * class is a ring of its own, so a victim is found in bounded time however
 * large the flood.  Single-threaded: one table per worker, never shared. */
#ifndef SEAM_FLOW_H
#define SEAM_FLOW_H

#include <stdint.h>
#include <rte_hash.h>
#include <rte_mempool.h>
#include "insp.h"
#include "reasm.h"

struct flow_key {
	uint8_t a[16], b[16];     /* lower endpoint first */
	uint16_t pa, pb;
	uint8_t ipver, proto;
	uint16_t vlan;
} __attribute__((packed));

enum flow_tcp_state {
	FS_NEW = 0,               /* SYN seen, no answer */
	FS_ESTABLISHED,           /* SYN-ACK seen, or data midstream */
	FS_CLOSING,               /* FIN from one side */
	FS_CLOSED,                /* FIN both ways, or RST */
};

struct tcp_half {
	uint32_t isn;
	uint32_t fin_seq;         /* seq of the FIN (valid when fin) */
	uint32_t fwd_next;        /* highest seq+len forwarded towards the peer */
	uint32_t last_ack;        /* latest ACK this side sent */
	uint8_t syn, fin, rst;
	uint8_t ttl;
	uint8_t wscale;
	uint8_t csum_good;        /* a good checksum was seen from this side */
	uint8_t csum_offload;     /* ... or only bad ones: capture offload */
	uint8_t tiny;             /* consecutive tiny segments in a header block */
	uint8_t zero_win;         /* this side's last advertised window was zero */
	uint8_t urg;              /* urgent pointer from this side: 0 none, 1 to judge, 2 judged */
	uint8_t rst_challenged;   /* a challenged RST from this side was reported */
	uint32_t win;             /* this side's last advertised window, scaled */
};

struct flow_cold {
	struct reasm_dir rd[2];
	const void *gen;          /* the policy generation the flow started on */
	uint32_t digest[2];       /* CRC-32 of the bytes inspected (eve.stream_digest) */
	struct insp_sess insp;
};

/* Eviction classes, in the order flows give way when the table or the
 * inspection state runs out (DESIGN.md invariant 4: flood state before
 * flows exchanging HTTP).  A flow moves between them as its packets change
 * it (flow_reclass).  Each class is a ring, oldest first: the first three
 * give up their oldest; the last two are sampled 16 at a time from the
 * ring's head and give up, among active flows, one with the least at stake
 * (flow_stake), then one that came back after an eviction (a flood's flows
 * keep coming back), then the one idle longest -- so a flow still sending
 * is rarely taken for the flood around it. */
enum flow_class {
	FC_EMBRYONIC = 0,         /* half-open: a SYN and no answer */
	FC_CLOSED,                /* FIN both ways, or RST: inspection is over */
	FC_SILENT,                /* handshake only: no payload, no inspection state */
	FC_UNPROVEN,              /* inspection state but no HTTP read: only
				   * segments behind a gap, a first request line
				   * still arriving, or not HTTP (where floods sit) */
	FC_ACTIVE,                /* HTTP: idle, or exchanging (see flow_stake) */
	FC__COUNT
};

/* close-after: let the flagged request's response finish, then close. */
enum close_after_state { CLOSE_NONE, CLOSE_ARMED, CLOSE_DUE, CLOSE_SENT };

struct flow {
	uint64_t last_ns;
	uint64_t start_ns;
	uint64_t flow_id;
	uint64_t bytes[2];
	uint32_t pkts[2];
	uint32_t wnext, wprev;    /* timer wheel list, slot indices */
	uint32_t cnext, cprev;    /* the ring of its eviction class */
	uint16_t wslot;
	uint8_t cls;              /* enum flow_class: the ring it is on */
	uint8_t state;            /* enum flow_tcp_state */
	uint8_t init_is_b;        /* the initiator is endpoint b of the key */
	uint8_t vd;               /* enum vd_action in force */
	uint8_t alerted;
	uint8_t close_after;      /* enum close_after_state */
	uint8_t in_port;
	uint8_t frag_seen;        /* carried in IP fragments at least once */
	uint8_t used;             /* a live record (for readers of the array) */
	uint8_t l2len, l2dir;     /* an L2 header to build RSTs from, and its direction */
	uint8_t l2[22];
	uint8_t reclaimed : 1;    /* its held segments were given up once (hold pool dry) */
	uint8_t returned : 1;     /* its tuple's last flow was evicted: it came back */
	struct tcp_half half[2];  /* [0] initiator, [1] responder */
	struct flow_cold *cold;
	struct flow_key key;
};

#define WHEEL_SLOTS 4096u
#define FLOW_NIL UINT32_MAX

struct flow_table {
	struct rte_hash *h;
	struct flow *f;
	uint32_t cap;
	/* inspection state: a bounded store handed out front to back, then
	 * recycled last-freed first (cache-hot); nothing of it is touched
	 * before a flow needs it, so a run takes the memory its concurrent
	 * flows use, not what the configuration allows */
	uint8_t *cold_mem;
	void *cold_free;          /* freed records, linked through their first word */
	uint32_t cold_cap, cold_used;
	uint32_t cold_live;       /* records handed out now */
	uint32_t cold_size;
	uint32_t wheel[WHEEL_SLOTS];
	uint64_t wheel_sec;       /* last second processed */
	uint32_t timeout[4];      /* seconds by state */
	uint32_t nactive;
	uint32_t chead[FC__COUNT];    /* class rings: the oldest (or next to sample) */
	uint32_t ncls[FC__COUNT];
	uint16_t *gone;           /* tags of tuples lately evicted, by hash */
	uint32_t gone_mask;
	size_t mem_bytes;         /* DPDK memory taken by the table at start-up */
};

int flow_table_init(struct flow_table *t, const char *name, uint32_t cap, uint32_t ncold,
		    int socket, char *err, size_t errlen);
void flow_table_free(struct flow_table *t);

/* Canonicalise a tuple; returns 1 when src is endpoint b of the key. */
int flow_key_make(struct flow_key *k, int ipver, const uint8_t *src, const uint8_t *dst,
		  uint16_t sport, uint16_t dport, uint16_t vlan);

/* Index of the flow for key, or -1.  */
int32_t flow_lookup(struct flow_table *t, const struct flow_key *k, hash_sig_t sig);
/* Insert; returns the slot or -ENOSPC. The record is zeroed. */
int32_t flow_insert(struct flow_table *t, const struct flow_key *k, hash_sig_t sig, uint64_t now_ns);
/* Remove (caller has already released cold state). */
void flow_remove(struct flow_table *t, int32_t idx);

/* Get cold state, allocating on first use; NULL when the pool is empty. */
struct flow_cold *flow_cold_get(struct flow_table *t, struct flow *f, int midstream);
void flow_cold_put(struct flow_table *t, struct flow *f);
static inline uint32_t flow_cold_avail(const struct flow_table *t) { return t->cold_cap - t->cold_live; }

/* Walk the wheel up to now; call expire() for each flow whose deadline has
 * passed.  at_most bounds the work (0 = unbounded, for shutdown). */
typedef void (*flow_expire_fn)(void *ctx, int32_t idx);
void flow_wheel_advance(struct flow_table *t, uint64_t now_ns, flow_expire_fn expire, void *ctx);
/* When F runs out of time, as things stand (the second its wheel slot fires). */
uint64_t flow_deadline_ns(const struct flow_table *t, const struct flow *f);
/* The class a flow's state puts it in. */
static inline enum flow_class flow_class_of(const struct flow *f)
{
	const struct flow_cold *c = f->cold;
	if (!c)
		return f->state == FS_NEW ? FC_EMBRYONIC : FC_SILENT;
	if (f->state == FS_CLOSED)
		return FC_CLOSED;
	/* not HTTP stays with the unproven: a live stream ended early comes
	 * back as a midstream flow, worth no more than the time it saves */
	return c->insp.proto == PROTO_UNKNOWN || c->insp.proto == PROTO_OTHER ? FC_UNPROVEN : FC_ACTIVE;
}

/* Move the flow to the back of ring cls. */
void flow_refile(struct flow_table *t, int32_t idx, uint8_t cls);

/* Move the flow to the ring of its class, if that changed.  Called once
 * per packet after the packet is handled, and for a flow another flow's
 * packet changed (its held segments given up).  O(1). */
static inline void flow_reclass(struct flow_table *t, int32_t idx)
{
	uint8_t c = flow_class_of(&t->f[idx]);
	if (unlikely(c != t->f[idx].cls))
		flow_refile(t, idx, c);
}

/* What ending an active flow would cost, lowest first. */
enum flow_stake {
	STAKE_NONE = 0,           /* nothing left to judge */
	STAKE_IDLE,               /* HTTP, between exchanges */
	STAKE_EXCHANGING,         /* a request in flight, a message half read,
				   * h2c or WebSocket frames, or a verdict the
				   * record enforces */
};
enum flow_stake flow_stake(const struct flow *f);

/* Victim kinds, one counter each: the classes they come from, with an
 * active flow counted by its stake (none counts as closed). */
enum { VICTIM_EMBRYONIC = 0, VICTIM_CLOSED, VICTIM_SILENT, VICTIM_UNPROVEN, VICTIM_ESTABLISHED,
       VICTIM_BUSY };
/* Pick a flow to end so a new one fits: from the first class that has one
 * (see enum flow_class).  Bounded work: a few flows sampled, a few stale
 * entries re-filed.  The caller ends the flow returned; its tuple is
 * remembered, so a flow that comes back on it is marked returned.  -1
 * when the table is empty. */
int32_t flow_pick_victim(struct flow_table *t, int *kind);
/* The same among the flows holding inspection state (closed, unproven,
 * active).  -1 when none holds any. */
int32_t flow_pick_cold_victim(struct flow_table *t, int *kind);

#endif
