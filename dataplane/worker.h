/* worker.h — one run-to-completion worker per RX queue.
 *
 * Owns its flow table, hold pool, counters and event ring; shares nothing
 * writable with other workers.  The control thread reads its counters and
 * drains its event ring. */
#ifndef SEAM_WORKER_H
#define SEAM_WORKER_H

#include <stdint.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include "config.h"
#include "ctrs.h"
#include "decode.h"
#include "flow.h"
#include "reasm.h"
#include "fanout.h"
#include "sig.h"
#include "frag.h"
#include "offline_rx.h"
#include "offline_spread.h"
#include "snapshot.h"
#include <rte_rcu_qsbr.h>

#define WK_MAX_RX 4
#define WK_MAX_PORTS 8
#define WK_TXBUF 64
#define WK_HELD_EVT 32

/* Commands from the control thread (seamctl reset). */
enum wk_cmd_type { WKC_RESET = 1 };
struct wk_cmd {
	uint32_t type;
	uint32_t uid;             /* the operator, for the audit trail */
	struct flow_key key;
	uint8_t pad[2];
};

#define SIG_HITS_MAX 4096

/* How much of the pipeline runs (benchmarks measure each stage). */
enum wk_stage { STAGE_IO = 0, STAGE_DECODE, STAGE_FLOW, STAGE_REASM, STAGE_FULL };

struct wk_rx {
	uint16_t port, queue;
	int16_t peer;             /* inline: port to forward to; -1 none */
};

struct wk_txbuf {
	uint16_t n;
	struct rte_mbuf *m[WK_TXBUF];
};

struct worker {
	uint32_t id;
	uint8_t mode;             /* enum seam_mode */
	uint8_t linktype;
	uint8_t single;           /* runs on the main lcore: drains its own events */
	uint8_t stage;            /* enum wk_stage; STAGE_FULL in service */
	uint16_t nrx;
	struct wk_rx rx[WK_MAX_RX];
	uint16_t txq;             /* this worker's TX queue on every port */
	int16_t inject;           /* mirror: the port RSTs go out of, -1 none */
	const struct seam_cfg *cfg;
	const struct policy *policy;
	struct insp_env env;          /* limits, emit callback, signatures, scratch */

	struct rte_mempool *pktpool;  /* for generated RSTs */
	struct flow_table ft;
	struct reasm_pool rp;
	struct reasm_limits rl;
	struct reasm_verify vs;       /* inspected bytes awaiting their ACK */
	size_t vs_bytes;
	size_t pool_bytes;             /* h2c, early-byte, header-block and WebSocket pools at their bound */
	/* directions holding segments, oldest first: when the hold pool runs
	 * dry the oldest holder gives its segments up (see reclaim_hold) */
	struct wk_holder { int32_t idx; uint32_t tag; uint8_t dir; } *holders;
	uint32_t hold_head, hold_n, hold_cap;
	struct rte_mempool *h2pool;   /* HTTP/2 analyzer state */
	struct rte_mempool *earlypool; /* bytes held ahead of an Upgrade/CONNECT answer */
	struct rte_mempool *blockpool; /* HTTP/1 header blocks split across segments */
	struct rte_mempool *wspool;    /* WebSocket connections' frame state */
	struct frag_stage frag;
	/* published by the control thread; read once per loop iteration */
	struct policy_gen *const *gen_src;
	struct block_snap *const *block_src;
	const struct policy_gen *gen;
	const struct block_snap *blocks;
	struct rte_rcu_qsbr *qsbr;
	struct rte_ring *cmdq;
	struct rte_ring *pcapq;       /* copies of stopped flows' packets, to the control thread */
	const volatile int32_t *pcap_idx; /* the blocked-pcap file now being written */
	uint64_t sig_hits[SIG_HITS_MAX]; /* per signature of the current generation */
	uint64_t gen_refs[64];        /* flows holding generation id % 64 */
	struct frag_track *cur_frag;  /* the packet being handled was reassembled */
	struct rte_ring *evq;
	struct rte_mempool *evpool;
	struct hdrlog hl;             /* header captures for EVE http objects */
	void *hlmem;                  /* their rings */
	struct rte_mempool *hlpool;   /* their export buffers, given back by the control thread */
	/* events waiting for the end of the header block they concern */
	struct wk_held {
		struct evt *e;
		int32_t idx;              /* the flow */
		uint8_t dir;              /* the direction whose header block it waits for */
		struct hdrlog_ref at;     /* the messages current when it was raised */
		uint64_t since_ns;
	} held[WK_HELD_EVT];
	uint32_t nheld;
	void (*drain)(void *ctx);     /* single-lcore mode: empty the event ring */
	void *drain_ctx;

	int ts_off;               /* mbuf dynfield offset of the RX timestamp, -1 none */
	uint64_t ts_flag;
	uint64_t now_ns;
	uint64_t tsc_hz, tsc0, wall0_ns;
	struct offline_src *src;  /* offline: the capture this worker reads */
	struct offline_spread *feed; /* offline, several workers: the reader's rings */
	uint64_t wheel_due;       /* offline: the clock's next second */
	uint8_t ts_ns;            /* timestamps are nanoseconds (net_pcap's are microseconds) */
	struct fanout *fan;       /* bench: rewrite the replay into many flows */
	volatile int stop;
	volatile int done;

	/* the packet being processed: for findings raised while inspecting it */
	struct flow *cur;
	int32_t cur_idx;
	struct rte_mbuf *cur_m;
	const struct pkt *cur_pkt;
	uint8_t cur_dir;
	const uint8_t *cur_l2;        /* the frame being handled */
	uint64_t wall_now_ns;         /* coarse wall clock, for block expiries */
	uint8_t cur_port;
	uint8_t want_rst;

	struct wk_txbuf tx[WK_MAX_PORTS];

	uint64_t fate[FATE__COUNT];
	uint64_t pktc[PKT__COUNT];
	uint64_t dec[DEC__COUNT];
	uint64_t flowc[FLOWC__COUNT];
	uint64_t tcpc[TCPC__COUNT];
	uint64_t vdc[VDC__COUNT];
	uint64_t find[F__COUNT];
} __rte_cache_aligned;

int worker_init(struct worker *w, uint32_t id, const struct seam_cfg *cfg, int socket,
		struct rte_mempool *pktpool, const struct sig_set *sigs, char *err, size_t errlen);
/* At exit: gives back the worker's heap memory (DPDK's goes with the process). */
void worker_free(struct worker *w);
/* lcore entry point (arg: struct worker *). */
int worker_main(void *arg);
/* Process one burst (exposed for benchmarks and tests). */
void worker_burst(struct worker *w, uint16_t rx_idx, struct rte_mbuf **m, uint16_t n);
/* End every flow (exit): flow events, held segments released. */
void worker_shutdown(struct worker *w);

#endif
