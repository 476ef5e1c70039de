/* ctl_cmds.c — what seamctl can ask, answered on the control thread, and
 * the snapshots it publishes to the workers (policy generations and the
 * block list, RCU-retired with rte_rcu_qsbr).  Also the same counters for
 * Prometheus (loopback HTTP) and DPDK telemetry (/seam/stats). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <microhttpd.h>
#include <rte_malloc.h>
#include <rte_telemetry.h>
#include "app.h"
#include "sigload.h"

/* ---- snapshots ------------------------------------------------------------ */

enum { RET_GEN = 1, RET_BLOCK };

static void retire(struct app *a, void *p, int kind)
{
	if (!p)
		return;
	if (a->nretired == 32) {
		/* full: wait for the workers once, then free what nothing holds */
		if (a->qsbr)
			rte_rcu_qsbr_synchronize(a->qsbr, RTE_QSBR_THRID_INVALID);
		app_reap(a);
	}
	if (a->nretired == 32)
		return;            /* still held by live flows: kept, never freed early */
	uint64_t tok = a->qsbr ? rte_rcu_qsbr_start(a->qsbr) : 0;
	a->retired[a->nretired++] = (struct retired){ p, kind, tok };
}

static void free_gen(struct policy_gen *g)
{
	for (uint32_t i = 0; i < SNAP_MAX_WORKERS; i++)
		if (g->scratch[i])
			hs_free_scratch(g->scratch[i]);
	sig_free(&g->sigs);
	rte_free(g);
}

/* Free what every worker has moved past. */
void app_reap(struct app *a)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < a->nretired; i++) {
		struct retired *r = &a->retired[i];
		uint64_t refs = 0;
		if (r->kind == RET_GEN)
			for (uint32_t w = 0; w < a->nworkers; w++)
				refs += __atomic_load_n(&a->wk[w]->gen_refs[((struct policy_gen *)r->p)->id & 63],
							__ATOMIC_RELAXED);
		/* freed once every worker has moved past it and no flow holds it */
		if (refs == 0 && (!a->qsbr || rte_rcu_qsbr_check(a->qsbr, r->token, false) == 1)) {
			if (r->kind == RET_GEN)
				free_gen(r->p);
			else
				rte_free(r->p);
		} else {
			a->retired[k++] = *r;
		}
	}
	a->nretired = k;
}

/* A new generation of policy and signatures (sigs is taken over). */
int app_publish_gen(struct app *a, const struct seam_cfg *cfg, struct sig_set *sigs, char *err,
		    size_t errlen)
{
	if (a->nretired >= 30)
		app_reap(a);
	if (a->nretired >= 30) {
		snprintf(err, errlen, "too many older generations still held by live flows; try again when they end");
		return -1;
	}
	struct policy_gen *g = rte_zmalloc("gen", sizeof(*g), 64);
	if (!g) {
		snprintf(err, errlen, "no memory for a new policy generation");
		return -1;
	}
	g->id = ++a->gen_id;
	g->policy = cfg->policy;
	g->fwd = cfg->fwd;
	g->nrhttp_allow = cfg->nrhttp_allow;
	memcpy(g->rhttp_allow, cfg->rhttp_allow, sizeof(g->rhttp_allow));
	g->ws_origins = cfg->ws_origins;
	g->nh2c_origins = cfg->nh2c_origins;
	memcpy(g->h2c_origins, cfg->h2c_origins, sizeof(g->h2c_origins));
	g->sigs = *sigs;
	memset(sigs, 0, sizeof(*sigs));
	for (uint32_t i = 0; i < a->nworkers && g->sigs.n; i++) {
		g->scratch[i] = sig_scratch(&g->sigs);
		if (!g->scratch[i]) {
			snprintf(err, errlen, "Hyperscan scratch for worker %u: out of memory", i);
			free_gen(g);
			return -1;
		}
	}
	struct policy_gen *old = a->gen;
	__atomic_store_n(&a->gen, g, __ATOMIC_RELEASE);
	a->eve.sigs = &g->sigs;
	retire(a, old, RET_GEN);
	return 0;
}

void app_publish_blocks(struct app *a, struct block_snap *nb)
{
	if (a->nretired >= 31 && a->qsbr) {
		rte_rcu_qsbr_synchronize(a->qsbr, RTE_QSBR_THRID_INVALID);
		app_reap(a);
	}
	struct block_snap *old = a->blocks;
	nb->version = old ? old->version + 1 : 1;
	__atomic_store_n(&a->blocks, nb, __ATOMIC_RELEASE);
	retire(a, old, RET_BLOCK);
}

static struct block_snap *block_copy(struct app *a, uint64_t now)
{
	struct block_snap *nb = rte_zmalloc("blocks", sizeof(*nb), 64);
	if (!nb)
		return NULL;
	if (a->blocks)
		for (uint32_t i = 0; i < a->blocks->n; i++) {
			if (a->blocks->expire_ns[i] && a->blocks->expire_ns[i] <= now)
				continue;    /* expired ones are left behind */
			nb->p[nb->n] = a->blocks->p[i];
			nb->expire_ns[nb->n] = a->blocks->expire_ns[i];
			memcpy(nb->cause[nb->n], a->blocks->cause[i], sizeof(nb->cause[0]));
			nb->n++;
		}
	return nb;
}

int app_add_block(struct app *a, const struct fwd_prefix *p, uint64_t ttl_s, const char *cause)
{
	uint64_t now = wall_ns();
	struct block_snap *nb = block_copy(a, now);
	if (!nb)
		return -1;
	uint32_t i;
	for (i = 0; i < nb->n; i++)
		if (!memcmp(&nb->p[i], p, sizeof(*p)))
			break;
	if (i == nb->n) {
		if (nb->n == BLOCK_MAX) {
			rte_free(nb);
			return -1;
		}
		nb->n++;
	}
	nb->p[i] = *p;
	nb->expire_ns[i] = ttl_s ? now + ttl_s * 1000000000ull : 0;
	snprintf(nb->cause[i], sizeof(nb->cause[i]), "%s", cause);
	app_publish_blocks(a, nb);
	return 0;
}

/* ---- commands --------------------------------------------------------------- */

static json_t *counters_json(struct app *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	stats_write_json(&a->reg, f);
	fclose(f);
	json_t *o = json_loads(buf, 0, NULL);
	free(buf);
	return o ? o : json_object();
}

static uint64_t sum_stage(struct app *a, const char *stage, const char *prefix)
{
	uint64_t t = 0;
	for (uint32_t s = 0; s < a->reg.nstages; s++) {
		if (strcmp(a->reg.stage[s].name, stage))
			continue;
		for (uint32_t c = 0; c < a->reg.stage[s].nctrs; c++)
			if (!prefix || !strncmp(a->reg.stage[s].ctr_names[c], prefix, strlen(prefix)))
				t += stats_sum(&a->reg, s, c);
	}
	return t;
}

static int c_stats(void *ctx, json_t *req, json_t *resp, const struct ctl_peer *who, char *err, size_t el)
{
	struct app *a = ctx;
	json_object_set_new(resp, "counters", counters_json(a));
	uint64_t rx = sum_stage(a, "pkt", "rx"), fates = sum_stage(a, "fate", NULL);
	/* "rx" also matches rx_bytes */
	rx -= sum_stage(a, "pkt", "rx_bytes");
	uint64_t held = sum_stage(a, "pkt", "held");
	json_object_set_new(resp, "identity", json_pack("{s:I, s:I, s:I, s:b}", "rx", (json_int_t)rx,
							"fates", (json_int_t)fates, "held", (json_int_t)held,
							"holds", rx == fates + held));
	json_object_set_new(resp, "uptime", json_integer((wall_ns() - a->start_ns) / 1000000000ull));
	return 0;
}

static int c_workers(void *ctx, json_t *req, json_t *resp, const struct ctl_peer *who, char *err, size_t el)
{
	struct app *a = ctx;
	json_t *arr = json_array();
	for (uint32_t i = 0; i < a->nworkers; i++) {
		struct worker *w = a->wk[i];
		uint64_t alerts = 0, drops = 0;
		for (int v = VD_ALERT; v < VD__COUNT; v++)
			alerts += w->vdc[v];
		for (int f = FATE_drop_malformed; f < FATE__COUNT; f++)
			if (f != FATE_frag_merged)
				drops += w->fate[f];
		json_array_append_new(arr, json_pack("{s:I, s:I, s:I, s:I, s:I}", "rx", (json_int_t)w->pktc[PKT_rx],
						     "rx_bytes", (json_int_t)w->pktc[PKT_rx_bytes],
						     "flows", (json_int_t)w->flowc[FLOWC_active],
						     "alerts", (json_int_t)alerts, "drops", (json_int_t)drops));
	}
	json_object_set_new(resp, "workers", arr);
	return 0;
}

static int c_version(void *ctx, json_t *req, json_t *resp, const struct ctl_peer *who, char *err, size_t el)
{
	struct app *a = ctx;
	json_object_set_new(resp, "version", json_string("seam " SEAM_VERSION));
	json_object_set_new(resp, "mode", json_string(mode_name(a->cfg.mode)));
	json_object_set_new(resp, "generation", json_integer(a->gen ? a->gen->id : 0));
	json_object_set_new(resp, "profile", json_string(a->cfg.policy.profile));
	return 0;
}

static int c_rules(void *ctx, json_t *req, json_t *resp, const struct ctl_peer *who, char *err, size_t el)
{
	struct app *a = ctx;
	json_t *arr = json_array();
	for (int f = 0; f < F__COUNT; f++) {
		uint64_t hits = 0;
		for (uint32_t i = 0; i < a->nworkers; i++)
			hits += a->wk[i]->find[f];
		json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:s, s:I}", "id", finding_table[f].id, "name",
						     finding_table[f].name, "tier", tier_name(finding_table[f].tier),
						     "action", vd_action_name(a->cfg.policy.finding_action[f]),
						     "hits", (json_int_t)hits));
	}
	const struct sig_set *ss = a->gen ? &a->gen->sigs : NULL;
	for (uint32_t s = 0; ss && s < ss->n && s < SIG_HITS_MAX; s++) {
		uint64_t hits = 0;
		for (uint32_t i = 0; i < a->nworkers; i++)
			hits += a->wk[i]->sig_hits[s];
		json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:s, s:I}", "id", ss->sigs[s].id, "name",
						     ss->sigs[s].msg, "tier", tier_name(ss->sigs[s].tier), "scope",
						     sig_scope_name(ss->sigs[s].scope), "hits", (json_int_t)hits));
	}
	json_object_set_new(resp, "rules", arr);
	return 0;
}

struct top { uint64_t bytes; const struct flow *f; };

static int c_flows(void *ctx, json_t *req, json_t *resp, const struct ctl_peer *who, char *err, size_t el)
{
	struct app *a = ctx;
	json_int_t n = json_integer_value(json_object_get(req, "top"));
	if (n <= 0 || n > 1000)
		n = 10;
	/* filters: an address either end, a port either end */
	const char *fa = json_string_value(json_object_get(req, "addr"));
	json_int_t fp = json_integer_value(json_object_get(req, "port"));
	struct fwd_addr want = { 0 };
	if (fa && fwd_parse_addr(fa, strlen(fa), &want) != 1) {
		snprintf(err, el, "addr: %s is not an address", fa);
		return -1;
	}
	struct top *t = calloc(n, sizeof(*t));
	/* a racy read of the workers' records: good enough to look at */
	for (uint32_t i = 0; i < a->nworkers; i++) {
		struct flow_table *ft = &a->wk[i]->ft;
		for (uint32_t k = 0; k < ft->cap; k++) {
			const struct flow *f = &ft->f[k];
			if (!f->used)
				continue;
			if (fp && f->key.pa != fp && f->key.pb != fp)
				continue;
			if (fa && (f->key.ipver != want.ipver ||
				   (memcmp(f->key.a, want.a, 16) && memcmp(f->key.b, want.a, 16))))
				continue;
			uint64_t b = f->bytes[0] + f->bytes[1];
			if (b <= t[n - 1].bytes)
				continue;
			json_int_t j = n - 1;
			while (j > 0 && t[j - 1].bytes < b) {
				t[j] = t[j - 1];
				j--;
			}
			t[j] = (struct top){ b, f };
		}
	}
	static const char *const st[] = { "new", "established", "closing", "closed" };
	json_t *arr = json_array();
	for (json_int_t j = 0; j < n && t[j].f; j++) {
		const struct flow *f = t[j].f;
		struct flow_key k = f->key;
		char s[64], d[64];
		const uint8_t *ia = f->init_is_b ? k.b : k.a, *ra = f->init_is_b ? k.a : k.b;
		inet_ntop(k.ipver == 6 ? AF_INET6 : AF_INET, ia, s, sizeof(s));
		inet_ntop(k.ipver == 6 ? AF_INET6 : AF_INET, ra, d, sizeof(d));
		json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:i, s:I, s:I, s:s, s:I}", "src_ip", s,
			"src_port", f->init_is_b ? k.pb : k.pa, "dest_ip", d, "dest_port", f->init_is_b ? k.pa : k.pb,
			"bytes", (json_int_t)t[j].bytes, "pkts", (json_int_t)(f->pkts[0] + f->pkts[1]),
			"state", st[f->state & 3], "flow_id", (json_int_t)f->flow_id));
	}
	free(t);
	json_object_set_new(resp, "flows", arr);
	return 0;
}

static int c_block(void *ctx, json_t *req, json_t *resp, const struct ctl_peer *who, char *err, size_t el)
{
	struct app *a = ctx;
	const char *op = json_string_value(json_object_get(req, "op"));
	if (!op) {
		snprintf(err, el, "block needs op: add, del or list");
		return -1;
	}
	uint64_t now = wall_ns();
	if (strcmp(op, "list") == 0) {
		json_t *arr = json_array();
		for (uint32_t i = 0; a->blocks && i < a->blocks->n; i++) {
			if (a->blocks->expire_ns[i] && a->blocks->expire_ns[i] <= now)
				continue;
			char s[64];
			inet_ntop(a->blocks->p[i].ipver == 6 ? AF_INET6 : AF_INET, a->blocks->p[i].a, s, sizeof(s));
			char pfx[80];
			snprintf(pfx, sizeof(pfx), "%s/%u", s, a->blocks->p[i].len);
			json_array_append_new(arr, json_pack("{s:s, s:I, s:s}", "prefix", pfx, "ttl_left",
				a->blocks->expire_ns[i] ? (json_int_t)((a->blocks->expire_ns[i] - now) / 1000000000ull)
							: (json_int_t)-1,
				"cause", a->blocks->cause[i]));
		}
		json_object_set_new(resp, "blocks", arr);
		return 0;
	}
	const char *pfx = json_string_value(json_object_get(req, "prefix"));
	struct fwd_prefix p;
	if (!pfx || fwd_prefix_parse(pfx, &p) < 0) {
		snprintf(err, el, "prefix: %s is not an address or prefix (10.0.0.5, 2001:db8::/48)", pfx ? pfx : "(none)");
		return -1;
	}
	if (strcmp(op, "add") == 0) {
		json_int_t ttl = json_integer_value(json_object_get(req, "ttl"));
		if (ttl < 0) {
			snprintf(err, el, "ttl: must be seconds >= 0");
			return -1;
		}
		char cause[48];
		snprintf(cause, sizeof(cause), "seamctl block (uid %u)", (unsigned)who->uid);
		if (app_add_block(a, &p, ttl, cause) < 0) {
			snprintf(err, el, "block list full (%d entries)", BLOCK_MAX);
			return -1;
		}
		json_object_set_new(resp, "blocked", json_string(pfx));
		return 0;
	}
	if (strcmp(op, "del") == 0) {
		struct block_snap *nb = block_copy(a, now);
		if (!nb) {
			snprintf(err, el, "no memory");
			return -1;
		}
		uint32_t k = 0, removed = 0;
		for (uint32_t i = 0; i < nb->n; i++) {
			if (!memcmp(&nb->p[i], &p, sizeof(p))) {
				removed++;
				continue;
			}
			nb->p[k] = nb->p[i];
			nb->expire_ns[k] = nb->expire_ns[i];
			memcpy(nb->cause[k], nb->cause[i], sizeof(nb->cause[0]));
			k++;
		}
		nb->n = k;
		if (!removed) {
			rte_free(nb);
			snprintf(err, el, "%s is not blocked", pfx);
			return -1;
		}
		app_publish_blocks(a, nb);
		json_object_set_new(resp, "unblocked", json_string(pfx));
		return 0;
	}
	snprintf(err, el, "block op %s: expected add, del or list", op);
	return -1;
}

static int c_reset(void *ctx, json_t *req, json_t *resp, const struct ctl_peer *who, char *err, size_t el)
{
	struct app *a = ctx;
	json_int_t fid = json_integer_value(json_object_get(req, "flow_id"));
	if (fid > 0) {
		/* find the flow's tuple in the workers' tables */
		for (uint32_t i = 0; i < a->nworkers; i++) {
			struct flow_table *ft = &a->wk[i]->ft;
			for (uint32_t k = 0; k < ft->cap; k++)
				if (ft->f[k].used && ft->f[k].flow_id == (uint64_t)fid) {
					struct wk_cmd c = { .type = WKC_RESET, .uid = who->uid, .key = ft->f[k].key };
					if (rte_ring_enqueue_elem(a->wk[i]->cmdq, &c, sizeof(c)) != 0) {
						snprintf(err, el, "worker %u is busy with commands; try again", i);
						return -1;
					}
					json_object_set_new(resp, "reset", json_pack("{s:I}", "flow_id", fid));
					return 0;
				}
		}
		snprintf(err, el, "no live flow has id %lld", (long long)fid);
		return -1;
	}
	const char *src = json_string_value(json_object_get(req, "src"));
	const char *dst = json_string_value(json_object_get(req, "dst"));
	json_int_t sp = json_integer_value(json_object_get(req, "sport"));
	json_int_t dp = json_integer_value(json_object_get(req, "dport"));
	struct fwd_addr s, d;
	if (!src || !dst || fwd_parse_addr(src, strlen(src), &s) != 1 || fwd_parse_addr(dst, strlen(dst), &d) != 1 ||
	    s.ipver != d.ipver || sp <= 0 || sp > 65535 || dp <= 0 || dp > 65535) {
		snprintf(err, el, "reset needs src, sport, dst, dport of one TCP flow");
		return -1;
	}
	struct wk_cmd c = { .type = WKC_RESET, .uid = who->uid };
	flow_key_make(&c.key, s.ipver, s.a, d.a, sp, dp, 0);
	/* the flow lives on one worker; each looks in its own table */
	for (uint32_t i = 0; i < a->nworkers; i++)
		if (rte_ring_enqueue_elem(a->wk[i]->cmdq, &c, sizeof(c)) != 0) {
			snprintf(err, el, "worker %u is busy with commands; try again", i);
			return -1;
		}
	json_object_set_new(resp, "reset", json_pack("{s:s, s:I, s:s, s:I}", "src", src, "sport", sp, "dst", dst,
						     "dport", dp));
	return 0;
}

static int c_reload(void *ctx, json_t *req, json_t *resp, const struct ctl_peer *who, char *err, size_t el)
{
	struct app *a = ctx;
	struct seam_cfg ncfg;
	cfg_defaults(&ncfg);
	if (a->cfg_path && cfg_load(&ncfg, a->cfg_path, err, el) < 0)
		return -1;
	/* the signature file, relative to the configuration's directory */
	char path[1024];
	const char *p = ncfg.sig_file;
	if (p[0] && p[0] != '/' && a->cfg_path && strchr(a->cfg_path, '/')) {
		snprintf(path, sizeof(path), "%.*s/%s", (int)(strrchr(a->cfg_path, '/') - a->cfg_path), a->cfg_path, p);
		p = path;
	}
	struct sig_set ns;
	uint64_t t0 = wall_ns();
	if (sigload(&ns, p, err, el) < 0)
		return -1;
	uint64_t t1 = wall_ns();
	if (app_publish_gen(a, &ncfg, &ns, err, el) < 0) {
		sig_free(&ns);
		return -1;
	}
	/* the parts a reload may change; ports, memory and tables need a restart */
	a->cfg.policy = ncfg.policy;
	json_object_set_new(resp, "generation", json_integer(a->gen->id));
	json_object_set_new(resp, "signatures", json_integer(a->gen->sigs.n));
	json_object_set_new(resp, "compile_ms", json_real((t1 - t0) / 1e6));
	return 0;
}

const struct ctl_cmd seam_ctl_cmds[] = {
	{ "stats", c_stats, 0 },
	{ "workers", c_workers, 0 },
	{ "version", c_version, 0 },
	{ "rules", c_rules, 0 },
	{ "flows", c_flows, 0 },
	{ "block", c_block, 1 },
	{ "reset", c_reset, 1 },
	{ "reload", c_reload, 1 },
	{ NULL, NULL, 0 },
};

/* ---- Prometheus --------------------------------------------------------------- */

static void prom_write(struct app *a, FILE *f)
{
	for (uint32_t s = 0; s < a->reg.nstages; s++) {
		const struct stats_stage *st = &a->reg.stage[s];
		int gauge_stage = strcmp(st->name, "finding") == 0;
		if (gauge_stage) {
			fprintf(f, "# HELP seam_findings_total Findings raised, by name.\n# TYPE seam_findings_total counter\n");
			for (uint32_t c = 0; c < st->nctrs; c++)
				fprintf(f, "seam_findings_total{finding=\"%s\"} %lu\n", st->ctr_names[c],
					(unsigned long)stats_sum(&a->reg, s, c));
			continue;
		}
		for (uint32_t c = 0; c < st->nctrs; c++) {
			const char *n = st->ctr_names[c];
			int gauge = !strcmp(n, "held") || !strcmp(n, "active") || !strcmp(n, "generation");
			int bytes = strstr(n, "bytes") != NULL;
			fprintf(f, "# TYPE seam_%s_%s%s %s\nseam_%s_%s%s %lu\n", st->name, n,
				gauge ? "" : (bytes ? "_total" : "_total"), gauge ? "gauge" : "counter", st->name, n,
				gauge ? "" : "_total", (unsigned long)stats_sum(&a->reg, s, c));
		}
	}
	fprintf(f, "# TYPE seam_uptime_seconds gauge\nseam_uptime_seconds %lu\n",
		(unsigned long)((wall_ns() - a->start_ns) / 1000000000ull));
}

static enum MHD_Result prom_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				    const char *version, const char *data, size_t *len, void **state)
{
	struct app *a = cls;
	if (strcmp(method, "GET") != 0)
		return MHD_NO;
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	int code = MHD_HTTP_OK;
	if (strcmp(url, "/metrics") == 0)
		prom_write(a, f);
	else {
		fputs("seam: metrics are at /metrics\n", f);
		code = MHD_HTTP_NOT_FOUND;
	}
	fclose(f);
	struct MHD_Response *r = MHD_create_response_from_buffer(blen, buf, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4");
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

int app_prometheus_start(struct app *a, char *err, size_t errlen)
{
	const char *spec = a->cfg.prometheus;
	if (!spec[0])
		return 0;
	char host[64];
	const char *colon = strrchr(spec, ':');
	snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
	int port = atoi(colon + 1);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 || port <= 0 || port > 65535) {
		snprintf(err, errlen, "control.prometheus %s: expected IPv4ADDRESS:PORT", spec);
		return -1;
	}
	a->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, port, NULL, NULL, prom_handler, a,
				  MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_CONNECTION_LIMIT, 8,
				  MHD_OPTION_CONNECTION_TIMEOUT, 5, MHD_OPTION_END);
	if (!a->mhd) {
		snprintf(err, errlen, "cannot serve Prometheus metrics on %s (port in use?)", spec);
		return -1;
	}
	return 0;
}

void app_prometheus_stop(struct app *a)
{
	if (a->mhd)
		MHD_stop_daemon(a->mhd);
	a->mhd = NULL;
}

/* ---- DPDK telemetry: /seam/stats,STAGE -------------------------------------- */

static struct app *tel_app;

static int tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct app *a = tel_app;
	rte_tel_data_start_dict(d);
	for (uint32_t s = 0; s < a->reg.nstages; s++) {
		if (params && params[0] && strcmp(params, a->reg.stage[s].name))
			continue;
		if ((!params || !params[0]) && strcmp(a->reg.stage[s].name, "fate") &&
		    strcmp(a->reg.stage[s].name, "pkt"))
			continue;          /* the default answer: packets and fates */
		for (uint32_t c = 0; c < a->reg.stage[s].nctrs; c++) {
			char k[64];
			snprintf(k, sizeof(k), "%s.%s", a->reg.stage[s].name, a->reg.stage[s].ctr_names[c]);
			rte_tel_data_add_dict_u64(d, k, stats_sum(&a->reg, s, c));
		}
	}
	return 0;
}

void app_telemetry_register(struct app *a)
{
	tel_app = a;
	rte_telemetry_register_cmd("/seam/stats", tel_stats,
				   "Seam counters. Parameters: a stage (pkt, fate, decode, flow, tcp, verdict, finding)");
}
