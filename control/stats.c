/* stats.c — counter registry: registration, sums, JSON. */
#include <string.h>
#include "stats.h"

int stats_register(struct stats_reg *r, const char *name, const char *const *names, uint32_t n)
{
	if (r->nstages == STATS_MAX_STAGES)
		return -1;
	struct stats_stage *s = &r->stage[r->nstages];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->ctr_names = names;
	s->nctrs = n;
	return r->nstages++;
}

void stats_attach(struct stats_reg *r, int stage, uint32_t worker, const uint64_t *ctrs)
{
	if (stage < 0 || (uint32_t)stage >= r->nstages || worker >= STATS_MAX_WORKERS)
		return;
	r->stage[stage].wk[worker] = ctrs;
	if (worker + 1 > r->nworkers)
		r->nworkers = worker + 1;
}

uint64_t stats_sum(const struct stats_reg *r, int stage, uint32_t ctr)
{
	uint64_t sum = 0;
	const struct stats_stage *s = &r->stage[stage];
	for (uint32_t w = 0; w < r->nworkers; w++)
		if (s->wk[w])
			sum += __atomic_load_n(&s->wk[w][ctr], __ATOMIC_RELAXED);
	return sum;
}

int stats_find(const struct stats_reg *r, const char *dotted, int *stage, uint32_t *ctr)
{
	const char *dot = strchr(dotted, '.');
	if (!dot)
		return -1;
	for (uint32_t i = 0; i < r->nstages; i++) {
		if (strlen(r->stage[i].name) != (size_t)(dot - dotted) ||
		    strncmp(r->stage[i].name, dotted, dot - dotted) != 0)
			continue;
		for (uint32_t c = 0; c < r->stage[i].nctrs; c++)
			if (strcmp(r->stage[i].ctr_names[c], dot + 1) == 0) {
				*stage = i;
				*ctr = c;
				return 0;
			}
	}
	return -1;
}

void stats_write_json(const struct stats_reg *r, FILE *f)
{
	fputc('{', f);
	for (uint32_t i = 0; i < r->nstages; i++) {
		fprintf(f, "%s\"%s\":{", i ? "," : "", r->stage[i].name);
		for (uint32_t c = 0; c < r->stage[i].nctrs; c++)
			fprintf(f, "%s\"%s\":%lu", c ? "," : "", r->stage[i].ctr_names[c],
				(unsigned long)stats_sum(r, i, c));
		fputc('}', f);
	}
	fputc('}', f);
}

#include "snapshot.h"

int block_match(const struct block_snap *b, const struct fwd_addr *a, uint64_t now_ns, uint32_t *idx)
{
	if (!b)
		return 0;
	for (uint32_t i = 0; i < b->n; i++)
		if ((b->expire_ns[i] == 0 || now_ns < b->expire_ns[i]) && fwd_in_prefixes(&b->p[i], 1, a)) {
			*idx = i;
			return 1;
		}
	return 0;
}
