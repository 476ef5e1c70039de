/* stats.h — the counter registry.  Each dataplane stage registers one
 * X-macro list of counters; every reader (EVE stats, seamctl, the exit
 * report) walks the registry and sums per-worker copies.  A counter is
 * written by exactly one worker and only read by others. */
#ifndef SEAM_STATS_H
#define SEAM_STATS_H

#include <stdint.h>
#include <stdio.h>

#define STATS_MAX_STAGES 16
#define STATS_MAX_WORKERS 64

struct stats_stage {
	const char *name;                 /* "fate", "decode", "flow", ... */
	const char *const *ctr_names;
	uint32_t nctrs;
	/* per-worker arrays of nctrs counters */
	const uint64_t *wk[STATS_MAX_WORKERS];
};

struct stats_reg {
	uint32_t nstages;
	uint32_t nworkers;
	struct stats_stage stage[STATS_MAX_STAGES];
};

/* Register a stage; returns its index or -1 when the registry is full.
 * Called at start-up only, before workers run. */
int stats_register(struct stats_reg *r, const char *name, const char *const *names,
		   uint32_t n);
void stats_attach(struct stats_reg *r, int stage, uint32_t worker, const uint64_t *ctrs);
/* Sum one counter over all workers. */
uint64_t stats_sum(const struct stats_reg *r, int stage, uint32_t ctr);
/* Look a counter up by "stage.name"; returns 0 and fills stage/ctr. */
int stats_find(const struct stats_reg *r, const char *dotted, int *stage, uint32_t *ctr);
/* Write {"stage":{"ctr":N,...},...} (no trailing newline). Zero counters
 * are included so the set of keys is stable. */
void stats_write_json(const struct stats_reg *r, FILE *f);

#endif
