/* flow.c — flow table, lazily filed timer wheel, eviction by class. */
#include <string.h>
#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include "flow.h"

static uint32_t key_hash(const void *key, uint32_t len, uint32_t init)
{
	return rte_jhash(key, len, init);
}

int flow_table_init(struct flow_table *t, const char *name, uint32_t cap, uint32_t ncold,
		    int socket, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	struct rte_malloc_socket_stats before, after;
	rte_malloc_get_socket_stats(socket < 0 ? 0 : socket, &before);
	char n[64];
	snprintf(n, sizeof(n), "ft_%s", name);
	struct rte_hash_parameters hp = {
		.name = n, .entries = cap, .key_len = sizeof(struct flow_key),
		.hash_func = key_hash, .hash_func_init_val = 0x5ea3, .socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	t->h = rte_hash_create(&hp);
	if (!t->h) {
		snprintf(err, errlen, "flow table of %u entries: %s (raise memory_mb or lower flow.max_flows)",
			 cap, rte_strerror(rte_errno));
		return -1;
	}
	t->cap = cap;
	t->f = rte_zmalloc_socket("flows", (size_t)cap * sizeof(struct flow), 64, socket);
	t->cold_size = RTE_ALIGN_CEIL(sizeof(struct flow_cold), 64);
	/* not zeroed: a record is initialised when handed out; no device
	 * reads them, so they may straddle pages */
	t->cold_mem = rte_malloc_socket("flows_cold", (size_t)ncold * t->cold_size, 64, socket);
	t->cold_cap = ncold;
	if (!t->f || !t->cold_mem) {
		snprintf(err, errlen, "flow state for %u flows (%u inspected): out of memory "
			 "(raise memory_mb or lower flow.max_flows)", cap, ncold);
		return -1;
	}
	for (uint32_t i = 0; i < WHEEL_SLOTS; i++)
		t->wheel[i] = FLOW_NIL;
	for (uint32_t c = 0; c < FC__COUNT; c++)
		t->chead[c] = FLOW_NIL;
	/* evicted tuples remembered: four 2-byte slots per flow, so a flood
	 * cycling through four times the table's flows is still recognised
	 * when it comes back (a collision forgets one or, once in 32 k, marks
	 * a stranger: the mark is a hint, never a verdict) */
	uint32_t ngone = 4096;
	while (ngone < 4ull * cap && ngone < (1u << 24))
		ngone <<= 1;
	t->gone = rte_zmalloc_socket("flows_gone", ngone * sizeof(*t->gone), 64, socket);
	if (!t->gone) {
		snprintf(err, errlen, "flow state for %u flows: out of memory (raise memory_mb or lower "
			 "flow.max_flows)", cap);
		return -1;
	}
	t->gone_mask = ngone - 1;
	rte_malloc_get_socket_stats(socket < 0 ? 0 : socket, &after);
	t->mem_bytes = after.heap_allocsz_bytes - before.heap_allocsz_bytes;
	return 0;
}

void flow_table_free(struct flow_table *t)
{
	if (t->h) rte_hash_free(t->h);
	if (t->f) rte_free(t->f);
	if (t->cold_mem) rte_free(t->cold_mem);
	if (t->gone) rte_free(t->gone);
	memset(t, 0, sizeof(*t));
}

int flow_key_make(struct flow_key *k, int ipver, const uint8_t *src, const uint8_t *dst,
		  uint16_t sport, uint16_t dport, uint16_t vlan)
{
	int alen = ipver == 6 ? 16 : 4;
	int c = memcmp(src, dst, alen);
	int swap = c > 0 || (c == 0 && sport > dport);
	memset(k, 0, sizeof(*k));
	if (!swap) {
		memcpy(k->a, src, alen); memcpy(k->b, dst, alen);
		k->pa = sport; k->pb = dport;
	} else {
		memcpy(k->a, dst, alen); memcpy(k->b, src, alen);
		k->pa = dport; k->pb = sport;
	}
	k->ipver = ipver;
	k->proto = 6;
	k->vlan = vlan;
	return swap;
}

static void wheel_unlink(struct flow_table *t, uint32_t idx)
{
	struct flow *f = &t->f[idx];
	if (f->wprev != FLOW_NIL)
		t->f[f->wprev].wnext = f->wnext;
	else
		t->wheel[f->wslot] = f->wnext;
	if (f->wnext != FLOW_NIL)
		t->f[f->wnext].wprev = f->wprev;
}

static void wheel_link(struct flow_table *t, uint32_t idx, uint64_t sec)
{
	struct flow *f = &t->f[idx];
	uint32_t slot = sec % WHEEL_SLOTS;
	f->wslot = slot;
	f->wprev = FLOW_NIL;
	f->wnext = t->wheel[slot];
	if (f->wnext != FLOW_NIL)
		t->f[f->wnext].wprev = idx;
	t->wheel[slot] = idx;
}

/* ---- class rings: doubly linked, circular; new flows go in behind the
 * head, so from the head on they are oldest first ------------------------ */

static void cls_unlink(struct flow_table *t, uint32_t idx)
{
	struct flow *f = &t->f[idx];
	if (f->cnext == idx) {
		t->chead[f->cls] = FLOW_NIL;
	} else {
		t->f[f->cprev].cnext = f->cnext;
		t->f[f->cnext].cprev = f->cprev;
		if (t->chead[f->cls] == idx)
			t->chead[f->cls] = f->cnext;
	}
	t->ncls[f->cls]--;
}

static void cls_append(struct flow_table *t, uint32_t idx, uint8_t cls)
{
	struct flow *f = &t->f[idx];
	uint32_t head = t->chead[cls];
	f->cls = cls;
	if (head == FLOW_NIL) {
		f->cnext = f->cprev = idx;
		t->chead[cls] = idx;
	} else {
		struct flow *h = &t->f[head];
		f->cnext = head;
		f->cprev = h->cprev;
		t->f[h->cprev].cnext = idx;
		h->cprev = idx;
	}
	t->ncls[cls]++;
}

void flow_refile(struct flow_table *t, int32_t idx, uint8_t cls)
{
	cls_unlink(t, idx);
	cls_append(t, idx, cls);
}

/* What a slot of the evicted-tuple memory keeps: the hash's top half,
 * never 0 (an empty slot). */
static inline uint16_t gone_tag(hash_sig_t sig)
{
	return (uint16_t)(sig >> 16) | 1;
}

int32_t flow_lookup(struct flow_table *t, const struct flow_key *k, hash_sig_t sig)
{
	int32_t r = rte_hash_lookup_with_hash(t->h, k, sig);
	return r < 0 ? -1 : r;
}

static uint64_t deadline_sec(const struct flow_table *t, const struct flow *f)
{
	return f->last_ns / 1000000000ull + t->timeout[f->state & 3];
}

uint64_t flow_deadline_ns(const struct flow_table *t, const struct flow *f)
{
	return deadline_sec(t, f) * 1000000000ull;
}

int32_t flow_insert(struct flow_table *t, const struct flow_key *k, hash_sig_t sig, uint64_t now_ns)
{
	int32_t r = rte_hash_add_key_with_hash(t->h, k, sig);
	if (r < 0)
		return -ENOSPC;
	struct flow *f = &t->f[r];
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->used = 1;
	if (t->gone[sig & t->gone_mask] == gone_tag(sig)) {
		f->returned = 1;
		t->gone[sig & t->gone_mask] = 0;
	}
	f->last_ns = f->start_ns = now_ns;
	if (t->wheel_sec == 0)
		t->wheel_sec = now_ns / 1000000000ull;
	uint64_t d = deadline_sec(t, f);
	wheel_link(t, r, d > t->wheel_sec ? d : t->wheel_sec + 1);
	cls_append(t, r, FC_EMBRYONIC);
	t->nactive++;
	return r;
}

void flow_remove(struct flow_table *t, int32_t idx)
{
	t->f[idx].used = 0;
	wheel_unlink(t, idx);
	cls_unlink(t, idx);
	rte_hash_del_key(t->h, &t->f[idx].key);
	t->nactive--;
}

struct flow_cold *flow_cold_get(struct flow_table *t, struct flow *f, int midstream)
{
	if (f->cold)
		return f->cold;
	struct flow_cold *c;
	if (t->cold_free) {
		c = t->cold_free;
		t->cold_free = *(void **)c;
	} else if (t->cold_used < t->cold_cap) {
		c = (struct flow_cold *)(t->cold_mem + (size_t)t->cold_used++ * t->cold_size);
	} else {
		return NULL;
	}
	t->cold_live++;
	reasm_dir_init(&c->rd[0]);
	reasm_dir_init(&c->rd[1]);
	c->digest[0] = c->digest[1] = 0;
	insp_sess_init(&c->insp, midstream);
	f->cold = c;
	return c;
}

void flow_cold_put(struct flow_table *t, struct flow *f)
{
	if (f->cold) {
		*(void **)f->cold = t->cold_free;
		t->cold_free = f->cold;
		t->cold_live--;
	}
	f->cold = NULL;
}

void flow_wheel_advance(struct flow_table *t, uint64_t now_ns, flow_expire_fn expire, void *ctx)
{
	uint64_t now = now_ns / 1000000000ull;
	if (t->wheel_sec == 0) {
		t->wheel_sec = now;
		return;
	}
	/* a long jump (offline gaps) need not visit more than one lap */
	if (now > t->wheel_sec + WHEEL_SLOTS)
		t->wheel_sec = now - WHEEL_SLOTS;
	while (t->wheel_sec < now) {
		t->wheel_sec++;
		uint32_t slot = t->wheel_sec % WHEEL_SLOTS;
		uint32_t idx = t->wheel[slot];
		t->wheel[slot] = FLOW_NIL;
		while (idx != FLOW_NIL) {
			struct flow *f = &t->f[idx];
			uint32_t next = f->wnext;
			uint64_t d = deadline_sec(t, f);
			if (d <= now) {
				/* re-link so flow_remove() can unlink it */
				wheel_link(t, idx, t->wheel_sec);
				expire(ctx, idx);
			} else {
				wheel_link(t, idx, d);
			}
			idx = next;
		}
	}
}

/* ---- victims ------------------------------------------------------------- */

/* Flows sampled per pick in the sampled classes, and stale entries a pick
 * may re-file: both bound the work of one eviction.  A flood outnumbers
 * the flows it hides among, so the one idle longest of 16 is nearly
 * always the flood's (the way Redis approximates LRU; with 8, a flow whose
 * first request arrived out of order, one segment per 64 flood packets,
 * was taken now and then). */
#define PICK_SAMPLE 16
#define PICK_FIXES 64

enum flow_stake flow_stake(const struct flow *f)
{
	if (f->vd >= VD_DROP)
		return STAKE_EXCHANGING;
	if (!f->cold)
		return STAKE_NONE;
	switch (insp_activity(&f->cold->insp)) {
	case INSP_OVER: return STAKE_NONE;
	case INSP_IDLE: return STAKE_IDLE;
	default: return STAKE_EXCHANGING;
	}
}

/* The head of ring cls after re-filing heads whose class changed without
 * a packet of their own (*fixes bounds that).  -1 when empty. */
static int32_t head_of(struct flow_table *t, uint8_t cls, uint32_t *fixes)
{
	for (;;) {
		uint32_t idx = t->chead[cls];
		if (idx == FLOW_NIL)
			return -1;
		uint8_t now = flow_class_of(&t->f[idx]);
		if (now == cls || *fixes == 0)
			return idx;
		(*fixes)--;
		flow_refile(t, idx, now);
	}
}

/* Sample up to PICK_SAMPLE flows from the head of ring cls and take the
 * one with the least at stake (by_stake), then one that came back after
 * an eviction (the flood's flows keep coming back: each segment of a gap
 * that never fills), then the one idle longest.  The head moves past the sample,
 * so the next pick looks at the next ones. */
static int32_t sample_of(struct flow_table *t, uint8_t cls, int by_stake, int *stake, uint32_t *fixes)
{
	int32_t idx = head_of(t, cls, fixes), best = -1;
	*stake = STAKE_NONE;
	if (idx < 0)
		return -1;
	int best_rank = INT32_MAX;
	uint64_t best_ns = 0;
	uint32_t n = t->ncls[cls] < PICK_SAMPLE ? t->ncls[cls] : PICK_SAMPLE;
	for (uint32_t k = 0; k < n; k++, idx = t->f[idx].cnext) {
		const struct flow *f = &t->f[idx];
		int s = by_stake ? (int)flow_stake(f) : STAKE_NONE;
		int rank = 2 * s + !f->returned;
		if (rank < best_rank || (rank == best_rank && f->last_ns < best_ns)) {
			best = idx;
			best_rank = rank;
			best_ns = f->last_ns;
			*stake = s;
		}
	}
	t->chead[cls] = idx;
	return best;
}

/* The victim's tuple, so its next flow is known to have come back. */
static int32_t remember(struct flow_table *t, int32_t idx)
{
	if (idx >= 0) {
		hash_sig_t sig = rte_hash_hash(t->h, &t->f[idx].key);
		t->gone[sig & t->gone_mask] = gone_tag(sig);
	}
	return idx;
}

static int32_t pick_cold(struct flow_table *t, int *kind)
{
	uint32_t fixes = PICK_FIXES;
	int stake;
	int32_t idx = head_of(t, FC_CLOSED, &fixes);
	if (idx >= 0 && t->f[idx].cold) {
		*kind = VICTIM_CLOSED;
		return idx;
	}
	idx = sample_of(t, FC_UNPROVEN, 0, &stake, &fixes);
	if (idx >= 0 && t->f[idx].cold) {
		*kind = VICTIM_UNPROVEN;
		return idx;
	}
	idx = sample_of(t, FC_ACTIVE, 1, &stake, &fixes);
	if (idx >= 0 && !t->f[idx].cold)
		idx = -1;
	*kind = stake == STAKE_NONE ? VICTIM_CLOSED : stake == STAKE_IDLE ? VICTIM_ESTABLISHED : VICTIM_BUSY;
	return idx;
}

int32_t flow_pick_cold_victim(struct flow_table *t, int *kind)
{
	return remember(t, pick_cold(t, kind));
}

static int32_t pick(struct flow_table *t, int *kind)
{
	static const uint8_t first[] = { FC_EMBRYONIC, FC_CLOSED, FC_SILENT };
	static const uint8_t kinds[] = { [FC_EMBRYONIC] = VICTIM_EMBRYONIC, [FC_CLOSED] = VICTIM_CLOSED,
					 [FC_SILENT] = VICTIM_SILENT };
	uint32_t fixes = PICK_FIXES;
	for (uint32_t i = 0; i < sizeof(first); i++) {
		int32_t idx = head_of(t, first[i], &fixes);
		if (idx >= 0) {
			*kind = kinds[first[i]];
			return idx;
		}
	}
	int stake;
	int32_t idx = sample_of(t, FC_UNPROVEN, 0, &stake, &fixes);
	if (idx >= 0) {
		*kind = VICTIM_UNPROVEN;
		return idx;
	}
	idx = sample_of(t, FC_ACTIVE, 1, &stake, &fixes);
	*kind = stake == STAKE_NONE ? VICTIM_CLOSED : stake == STAKE_IDLE ? VICTIM_ESTABLISHED : VICTIM_BUSY;
	return idx;
}

int32_t flow_pick_victim(struct flow_table *t, int *kind)
{
	return remember(t, pick(t, kind));
}
