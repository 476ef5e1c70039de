/* snapshot.h — what the control thread publishes to the workers.
 *
 * Both are immutable once published: workers read the current pointer at
 * the top of each loop iteration and report a quiescent state after it
 * (rte_rcu_qsbr); the control thread frees a replaced snapshot only after
 * every worker has passed one. */
#ifndef SEAM_SNAPSHOT_H
#define SEAM_SNAPSHOT_H

#include <stdint.h>
#include "config.h"
#include "fwd.h"
#include "sig.h"

#define BLOCK_MAX 1024
#define SNAP_MAX_WORKERS 64

/* Sources whose new connections are refused, each until its expiry. */
struct block_snap {
	uint32_t n;
	uint64_t version;
	struct fwd_prefix p[BLOCK_MAX];
	uint64_t expire_ns[BLOCK_MAX];     /* wall clock; 0 = never */
	char cause[BLOCK_MAX][48];         /* who asked: "seamctl uid 0", "policy h1.cl_and_te" */
};

/* Policy and signatures in force: one generation. */
struct policy_gen {
	uint64_t id;
	struct policy policy;
	struct fwd_cfg fwd;
	uint32_t nrhttp_allow;
	struct fwd_prefix rhttp_allow[FWD_TRUST_MAX];
	struct ws_origin_policy ws_origins;
	uint32_t nh2c_origins;
	struct fwd_prefix h2c_origins[FWD_TRUST_MAX];
	struct sig_set sigs;
	void *scratch[SNAP_MAX_WORKERS];   /* hs_scratch_t per worker */
};

/* 1 when a is blocked at now_ns; *idx the entry. */
int block_match(const struct block_snap *b, const struct fwd_addr *a, uint64_t now_ns, uint32_t *idx);

#endif
