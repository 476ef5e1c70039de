/* flow.c — flow table, lazily filed timer wheel, eviction. */
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
		    uint32_t retain, int socket, char *err, size_t errlen)
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
	t->retain = retain;
	t->cold_size = sizeof(struct flow_cold) + 2 * retain;
	snprintf(n, sizeof(n), "cold_%s", name);
	/* a per-lcore cache hands back recently freed (cache-hot) records first;
	 * no device reads them, so they may straddle pages (on 4 kB pages,
	 * records kept inside one page would waste 40% of the memory) */
	t->cold_pool = rte_mempool_create(n, ncold, t->cold_size, ncold >= 4096 ? 256 : 0, 0, NULL, NULL,
					  NULL, NULL, socket, RTE_MEMPOOL_F_SP_PUT | RTE_MEMPOOL_F_SC_GET |
					  RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (!t->f || !t->cold_pool) {
		snprintf(err, errlen, "flow state for %u flows (%u inspected): out of memory "
			 "(raise memory_mb or lower flow.max_flows)", cap, ncold);
		return -1;
	}
	for (uint32_t i = 0; i < WHEEL_SLOTS; i++)
		t->wheel[i] = FLOW_NIL;
	rte_malloc_get_socket_stats(socket < 0 ? 0 : socket, &after);
	t->mem_bytes = after.heap_allocsz_bytes - before.heap_allocsz_bytes;
	return 0;
}

void flow_table_free(struct flow_table *t)
{
	if (t->h) rte_hash_free(t->h);
	if (t->f) rte_free(t->f);
	if (t->cold_pool) rte_mempool_free(t->cold_pool);
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

int32_t flow_lookup(struct flow_table *t, const struct flow_key *k, hash_sig_t sig)
{
	int32_t r = rte_hash_lookup_with_hash(t->h, k, sig);
	return r < 0 ? -1 : r;
}

static uint64_t deadline_sec(const struct flow_table *t, const struct flow *f)
{
	return f->last_ns / 1000000000ull + t->timeout[f->state & 3];
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
	f->last_ns = f->start_ns = now_ns;
	if (t->wheel_sec == 0)
		t->wheel_sec = now_ns / 1000000000ull;
	uint64_t d = deadline_sec(t, f);
	wheel_link(t, r, d > t->wheel_sec ? d : t->wheel_sec + 1);
	t->nactive++;
	return r;
}

void flow_remove(struct flow_table *t, int32_t idx)
{
	t->f[idx].used = 0;
	wheel_unlink(t, idx);
	rte_hash_del_key(t->h, &t->f[idx].key);
	t->nactive--;
}

struct flow_cold *flow_cold_get(struct flow_table *t, struct flow *f, int midstream)
{
	if (f->cold)
		return f->cold;
	void *p;
	if (rte_mempool_get(t->cold_pool, &p) < 0)
		return NULL;
	struct flow_cold *c = p;
	reasm_dir_init(&c->rd[0], t->retain ? c->ring : NULL, t->retain);
	reasm_dir_init(&c->rd[1], t->retain ? c->ring + t->retain : NULL, t->retain);
	c->digest[0] = c->digest[1] = 0;
	insp_sess_init(&c->insp, midstream);
	f->cold = c;
	return c;
}

void flow_cold_put(struct flow_table *t, struct flow *f)
{
	if (f->cold)
		rte_mempool_put(t->cold_pool, f->cold);
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

int32_t flow_pick_cold_victim(struct flow_table *t, int *kind)
{
	int32_t first = -1;
	uint32_t scanned = 0;
	for (uint32_t s = 1; s <= WHEEL_SLOTS && scanned < 256; s++) {
		uint32_t idx = t->wheel[(t->wheel_sec + s) % WHEEL_SLOTS];
		for (; idx != FLOW_NIL && scanned < 256; idx = t->f[idx].wnext, scanned++) {
			if (!t->f[idx].cold)
				continue;
			if (t->f[idx].state == FS_CLOSED) {
				*kind = VICTIM_CLOSED;
				return idx;
			}
			if (first < 0)
				first = idx;
		}
	}
	*kind = VICTIM_ESTABLISHED;
	return first;
}

int32_t flow_pick_victim(struct flow_table *t, int *kind)
{
	/* among the oldest: embryonic first, then closed, then the oldest */
	int32_t oldest = -1, closed = -1;
	uint32_t scanned = 0;
	for (uint32_t s = 1; s <= WHEEL_SLOTS && scanned < 256; s++) {
		uint32_t idx = t->wheel[(t->wheel_sec + s) % WHEEL_SLOTS];
		for (; idx != FLOW_NIL && scanned < 256; idx = t->f[idx].wnext, scanned++) {
			if (oldest < 0)
				oldest = idx;
			if (t->f[idx].state == FS_NEW) {
				*kind = VICTIM_EMBRYONIC;
				return idx;
			}
			if (closed < 0 && t->f[idx].state == FS_CLOSED)
				closed = idx;
		}
	}
	*kind = closed >= 0 ? VICTIM_CLOSED : VICTIM_ESTABLISHED;
	return closed >= 0 ? closed : oldest;
}
