/* sig.c — compile and scan Hyperscan signature sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finding.h"
#include "sig.h"

static const char *const scope_names[SCOPE__COUNT] = {
	"request_line", "header", "header_name", "body_start",
};

const char *sig_scope_name(int s) { return s >= 0 && s < SCOPE__COUNT ? scope_names[s] : "?"; }

int sig_scope_from_name(const char *s)
{
	for (int i = 0; i < SCOPE__COUNT; i++)
		if (strcmp(s, scope_names[i]) == 0)
			return i;
	return -1;
}

void sig_free(struct sig_set *set)
{
	for (int i = 0; i < SCOPE__COUNT; i++)
		if (set->db[i])
			hs_free_database(set->db[i]);
	for (uint32_t i = 0; i < set->n; i++)
		free(set->sigs[i].pattern);
	free(set->sigs);
	memset(set, 0, sizeof(*set));
}

int sig_compile(struct sig_set *set, struct sig *sigs, uint32_t n, const char *file,
		char *err, size_t errlen)
{
	memset(set, 0, sizeof(*set));
	set->sigs = sigs;
	set->n = n;
	snprintf(set->source, sizeof(set->source), "%s", file);
	for (int sc = 0; sc < SCOPE__COUNT; sc++) {
		uint32_t k = 0;
		const char **pat = calloc(n + 1, sizeof(*pat));
		unsigned *flags = calloc(n + 1, sizeof(*flags)), *ids = calloc(n + 1, sizeof(*ids));
		for (uint32_t i = 0; i < n; i++) {
			if (sigs[i].scope != sc)
				continue;
			pat[k] = sigs[i].pattern;
			flags[k] = HS_FLAG_SINGLEMATCH | HS_FLAG_DOTALL | (sigs[i].nocase ? HS_FLAG_CASELESS : 0);
			ids[k] = i;
			k++;
		}
		int rc = 0;
		if (k) {
			hs_compile_error_t *ce = NULL;
			if (hs_compile_multi(pat, flags, ids, k, HS_MODE_BLOCK, NULL, &set->db[sc], &ce) != HS_SUCCESS) {
				int bad = ce->expression >= 0 ? (int)ids[ce->expression] : -1;
				if (bad >= 0)
					snprintf(err, errlen, "%s:%d: signature %u: %s", file, sigs[bad].line,
						 sigs[bad].id, ce->message);
				else
					snprintf(err, errlen, "%s: %s", file, ce->message);
				hs_free_compile_error(ce);
				rc = -1;
			}
		}
		free(pat);
		free(flags);
		free(ids);
		if (rc) {
			sig_free(set);
			return -1;
		}
	}
	return 0;
}

hs_scratch_t *sig_scratch(const struct sig_set *set)
{
	hs_scratch_t *s = NULL;
	for (int i = 0; i < SCOPE__COUNT; i++)
		if (set->db[i] && hs_alloc_scratch(set->db[i], &s) != HS_SUCCESS)
			return NULL;
	return s;
}

const struct sig *sig_by_id(const struct sig_set *set, uint32_t id)
{
	for (uint32_t i = 0; set && i < set->n; i++)
		if (set->sigs[i].id == id)
			return &set->sigs[i];
	return NULL;
}

struct scan_ctx {
	const struct sig_set *set;
	sig_hit_fn hit;
	void *ctx;
};

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		    void *c)
{
	struct scan_ctx *x = c;
	x->hit(x->ctx, &x->set->sigs[id]);
	return 0;
}

void sig_scan(const struct sig_set *set, hs_scratch_t *scratch, int scope, const uint8_t *p,
	      uint32_t n, sig_hit_fn hit, void *ctx)
{
	if (!set || !scratch || !set->db[scope])
		return;
	struct scan_ctx x = { set, hit, ctx };
	hs_scan(set->db[scope], (const char *)p, n, 0, scratch, on_match, &x);
}
