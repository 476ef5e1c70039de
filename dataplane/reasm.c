/* reasm.c — ordering core: in-order delivery, bounded holding, first copy
 * wins on overlap (the reading of Novak & Sturges, "Target-Based TCP Stream
 * Reassembly", with the inline normalisation rule that bytes differing
 * from what was inspected never pass). */
#include <stdlib.h>
#include <string.h>
#include "reasm.h"

int reasm_pool_init(struct reasm_pool *p, uint32_t n)
{
	p->mem = calloc(n, sizeof(*p->mem));
	if (!p->mem)
		return -1;
	p->size = p->nfree = n;
	p->free = NULL;
	for (uint32_t i = n; i-- > 0;) {
		p->mem[i].next = p->free;
		p->free = &p->mem[i];
	}
	return 0;
}

void reasm_pool_free(struct reasm_pool *p)
{
	free(p->mem);
	memset(p, 0, sizeof(*p));
}

#define VERIFY_NAME(n, t) #n,
const char *const verify_ctr_names[RV__COUNT] = { VERIFY_CTRS(VERIFY_NAME) };
#undef VERIFY_NAME

void reasm_verify_init(struct reasm_verify *v, uint8_t *mem, uint32_t *link, uint32_t nblocks,
		       uint32_t dir_bytes)
{
	memset(v, 0, sizeof(*v));
	v->mem = mem;
	v->link = link;
	v->nblocks = nblocks;
	v->free = REASM_VNIL;
	v->dir_max = nblocks ? (dir_bytes + REASM_VBLOCK - 1) / REASM_VBLOCK : 0;
}

static uint32_t block_get(struct reasm_verify *v)
{
	uint32_t b = v->free;
	if (b != REASM_VNIL)
		v->free = v->link[b];
	else if (v->fresh < v->nblocks)
		b = v->fresh++;
	else
		return REASM_VNIL;
	v->ctr[RV_blocks]++;
	return b;
}

/* Give the oldest block of r's chain back. */
static void block_put_head(struct reasm_dir *r, struct reasm_verify *v)
{
	uint32_t b = r->vhead;
	r->vhead = v->link[b];
	if (r->vhead == REASM_VNIL)
		r->vtail = REASM_VNIL;
	r->vn--;
	r->vbase += REASM_VBLOCK;
	v->link[b] = v->free;
	v->free = b;
	v->ctr[RV_blocks]--;
}

static void chain_release(struct reasm_dir *r, struct reasm_verify *v)
{
	while (r->vhead != REASM_VNIL)
		block_put_head(r, v);
}

/* A block's worth or less: left to libc's vector memcpy, where the bound
 * GCC infers from REASM_VBLOCK would inline it as `rep movsq` (a third of
 * the reassembly stage's cycles on the HTTP mix). */
#ifdef __clang__
#define NO_IPA __attribute__((noinline))
#else
#define NO_IPA __attribute__((noipa))   /* noinline alone still passes the range in */
#endif
NO_IPA static void copy_span(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	memcpy(dst, src, n);
}

/* Keep data[0..n), the bytes at stream offset r->delivered. */
static void keep(struct reasm_dir *r, struct reasm_verify *v, const uint8_t *data, uint32_t n)
{
	uint64_t off = r->delivered;
	uint64_t room = (uint64_t)(v->dir_max - 1) * REASM_VBLOCK;
	if (n > room) {
		/* only the newest bytes can fit: the rest go unverifiable */
		uint32_t skip = n - (uint32_t)room;
		v->ctr[RV_trimmed]++;
		chain_release(r, v);
		off += skip;
		data += skip;
		n -= skip;
	}
	if (r->vhead == REASM_VNIL) {
		/* bytes before off are acknowledged or were given up */
		r->vbase = off & ~(uint64_t)(REASM_VBLOCK - 1);
		if (r->valid_from < off)
			r->valid_from = off;
	}
	uint32_t pos = off & (REASM_VBLOCK - 1);
	while (n) {
		if (pos == 0 || r->vtail == REASM_VNIL) {
			uint32_t b;
			if (r->vn >= v->dir_max) {
				/* at the cap: the oldest block makes room */
				block_put_head(r, v);
				if (r->valid_from < r->vbase)
					r->valid_from = r->vbase;
				v->ctr[RV_trimmed]++;
			}
			if ((b = block_get(v)) == REASM_VNIL) {
				/* the store is dry: this direction's bytes so far
				 * cannot be verified */
				v->ctr[RV_dry] += n;
				chain_release(r, v);
				r->valid_from = off + n;
				return;
			}
			v->link[b] = REASM_VNIL;
			if (r->vtail == REASM_VNIL)
				r->vhead = b;
			else
				v->link[r->vtail] = b;
			r->vtail = b;
			r->vn++;
		}
		uint32_t k = REASM_VBLOCK - pos < n ? REASM_VBLOCK - pos : n;
		copy_span(v->mem + (size_t)r->vtail * REASM_VBLOCK + pos, data, k);
		pos = (pos + k) & (REASM_VBLOCK - 1);
		data += k;
		off += k;
		n -= k;
	}
}

void reasm_dir_init(struct reasm_dir *r)
{
	memset(r, 0, sizeof(*r));
	r->vhead = r->vtail = REASM_VNIL;
}

void reasm_dir_end(struct reasm_dir *r, struct reasm_pool *p)
{
	if (p->verify)
		chain_release(r, p->verify);
}

void reasm_ack(struct reasm_dir *r, struct reasm_pool *p, uint32_t ack)
{
	if (!r->started)
		return;
	/* a receiver may acknowledge bytes Seam has not read (held, or
	 * missed); only those read count, the rest stay to be verified */
	if (seq_lt(r->next, ack))
		ack = r->next;
	if (r->have_ack && seq_le(ack, r->acked))
		return;
	r->acked = ack;
	r->have_ack = 1;
	struct reasm_verify *v = p->verify;
	if (!v)
		return;
	if (ack == r->next) {
		chain_release(r, v);    /* all of it: an idle flow keeps nothing */
		return;
	}
	uint64_t aoff = r->delivered - (r->next - ack);
	while (r->vhead != REASM_VNIL && r->vbase + REASM_VBLOCK <= aoff)
		block_put_head(r, v);
}

void reasm_dir_start(struct reasm_dir *r, uint32_t seq)
{
	r->next = seq;
	r->started = 1;
}

/* Compare data with inspected bytes [seq, seq+n), all before r->next.
 * Returns 1 equal, 2 all acknowledged (the receiver discards them, so
 * their value does not matter), 0 differs, -1 no longer kept. */
static int verify_old(const struct reasm_dir *r, const struct reasm_pool *p, uint32_t seq,
		      const uint8_t *data, uint32_t n)
{
	if (n == 0)
		return 1;
	if (r->have_ack && seq_lt(seq, r->acked)) {
		if (seq_le(seq + n, r->acked))
			return 2;
		uint32_t skip = r->acked - seq;
		seq += skip;
		data += skip;
		n -= skip;
	}
	uint32_t back = r->next - seq;            /* distance from next to seq */
	if (back > r->delivered - r->valid_from)
		return -1;
	uint64_t start = r->delivered - back;     /* stream offset of seq */
	const struct reasm_verify *v = p->verify;
	if (!v || r->vhead == REASM_VNIL || start < r->vbase)
		return -1;
	uint32_t b = r->vhead;
	for (uint64_t k = (start - r->vbase) / REASM_VBLOCK; k; k--)
		b = v->link[b];
	uint32_t pos = start & (REASM_VBLOCK - 1);
	while (n) {
		uint32_t k = REASM_VBLOCK - pos < n ? REASM_VBLOCK - pos : n;
		if (memcmp(v->mem + (size_t)b * REASM_VBLOCK + pos, data, k) != 0)
			return 0;
		data += k;
		n -= k;
		pos = 0;
		if (n)
			b = v->link[b];
	}
	return 1;
}

void reasm_consumed(struct reasm_dir *r, struct reasm_pool *p, const uint8_t *data, uint32_t n)
{
	if (p->verify && p->verify->dir_max && n)
		keep(r, p->verify, data, n);
	r->delivered += n;
	r->next += n;
}

/* Check seg against held segments it overlaps: 1 all identical, 0 conflict,
 * 2 fully covered by one identical held segment. */
static int check_held(const struct reasm_dir *r, uint32_t seq, const uint8_t *data, uint32_t len)
{
	uint32_t end = seq + len;
	for (const struct reasm_seg *h = r->held; h; h = h->next) {
		uint32_t hend = h->seq + h->len;
		if (seq_le(hend, seq))
			continue;
		if (seq_le(end, h->seq))
			break;
		uint32_t a = seq_lt(seq, h->seq) ? h->seq : seq;
		uint32_t b = seq_lt(end, hend) ? end : hend;
		if (memcmp(data + (a - seq), h->data + (a - h->seq), b - a) != 0)
			return 0;
		if (seq_le(h->seq, seq) && seq_le(end, hend))
			return 2;
	}
	return 1;
}

static struct reasm_seg *take_record(struct reasm_pool *p, uint32_t seq, const uint8_t *data,
				     uint32_t len, void *handle)
{
	struct reasm_seg *s = p->free;
	p->free = s->next;
	p->nfree--;
	s->seq = seq;
	s->len = len;
	s->data = data;
	s->handle = handle;
	return s;
}

static void insert_sorted(struct reasm_dir *r, struct reasm_seg *s)
{
	struct reasm_seg **pp = &r->held;
	while (*pp && seq_le((*pp)->seq, s->seq))
		pp = &(*pp)->next;
	s->next = *pp;
	*pp = s;
	r->nheld++;
	r->held_bytes += s->len;
}

static int new_wins(uint8_t policy, uint32_t ns, uint32_t ne, uint32_t hs, uint32_t he)
{
	switch (policy) {
	case RP_LAST:    return 1;
	case RP_BSD:     return seq_lt(ns, hs);
	case RP_LINUX:   return seq_lt(ns, hs) || (ns == hs && seq_lt(he, ne));
	case RP_SOLARIS: return seq_lt(he, ne);
	default:         return 0;
	}
}

/* Settle a new segment [seq, seq+len) against the held segments it
 * overlaps, pair by pair, by the receiver's policy: where the held copy
 * wins the new one is cut around it; where the new copy wins the held one
 * is trimmed, emptied or split.  What survives of the new segment is held
 * in pieces.  Two passes: the first only counts, so that a cap refuses the
 * segment before anything changes. */
static enum reasm_result resolve(struct reasm_dir *r, struct reasm_pool *p,
				 const struct reasm_limits *lim, uint32_t seq,
				 const uint8_t *data, uint32_t len, void *handle)
{
	if (seq_lt(seq, r->next)) {      /* what the host has read stays read */
		uint32_t old = r->next - seq;
		seq += old;
		data += old;
		len -= old;
	}
	const uint32_t end = seq + len;
	uint32_t pieces = 0, splits = 0, bytes = 0;
	for (int pass = 0; pass < 2; pass++) {
		struct reasm_seg *moved = NULL;   /* records to (re)insert */
		uint32_t cur = seq;
		struct reasm_seg **pp = &r->held;
		while (*pp) {
			struct reasm_seg *h = *pp;
			uint32_t hs = h->seq, he = hs + h->len;
			if (h->len == 0 || seq_le(he, seq)) {
				pp = &h->next;
				continue;
			}
			if (seq_le(end, hs))
				break;
			uint32_t a = seq_lt(seq, hs) ? hs : seq, b = seq_lt(end, he) ? end : he;
			if (!new_wins(r->policy, seq, end, hs, he)) {
				if (seq_lt(cur, a)) {
					if (pass == 0) {
						pieces++;
						bytes += a - cur;
					} else {
						struct reasm_seg *n = take_record(p, cur, data + (cur - seq), a - cur, handle);
						n->next = moved;
						moved = n;
					}
				}
				if (seq_lt(cur, b))
					cur = b;
				pp = &h->next;
				continue;
			}
			if (seq_lt(hs, a) && seq_lt(b, he)) {            /* new inside held: split */
				if (pass == 0) {
					splits++;
				} else {
					struct reasm_seg *t = take_record(p, b, h->data + (b - hs), he - b, h->handle);
					p->ref(h->handle);
					t->next = moved;
					moved = t;
					h->len = a - hs;
					r->held_bytes -= he - a;
				}
				pp = &h->next;
			} else if (seq_lt(hs, a)) {                       /* tail replaced */
				if (pass == 1) {
					h->len = a - hs;
					r->held_bytes -= he - a;
				}
				pp = &h->next;
			} else if (seq_lt(b, he) && pass == 1) {          /* head replaced: moves */
				*pp = h->next;
				r->nheld--;
				r->held_bytes -= h->len;
				h->data += b - hs;
				h->len = he - b;
				h->seq = b;
				h->next = moved;
				moved = h;
			} else {
				if (pass == 1 && !seq_lt(b, he)) {        /* covered: an empty record */
					r->held_bytes -= h->len;           /* hands the packet back */
					h->len = 0;
				}
				pp = &h->next;
			}
		}
		if (seq_lt(cur, end)) {
			if (pass == 0) {
				pieces++;
				bytes += end - cur;
			} else {
				struct reasm_seg *n = take_record(p, cur, data + (cur - seq), end - cur, handle);
				n->next = moved;
				moved = n;
			}
		}
		if (pass == 0) {
			if (pieces == 0)
				return RA_CONFLICT;       /* nothing of it survives */
			if ((pieces > 1 || splits) && !p->ref)
				return RA_CONFLICT;
			if (r->nheld + pieces + splits > lim->max_segs || r->held_bytes + bytes > lim->max_bytes)
				return RA_CAP_DIR;
			if (p->nfree < pieces + splits)
				return RA_CAP_POOL;
			continue;
		}
		/* the first piece carries the caller's reference, the others their own */
		uint32_t n = 0;
		while (moved) {
			struct reasm_seg *s = moved;
			moved = s->next;
			if (s->handle == handle && n++ > 0)
				p->ref(handle);
			insert_sorted(r, s);
		}
	}
	return RA_QUEUED;
}

enum reasm_result reasm_offer(struct reasm_dir *r, struct reasm_pool *p,
			      const struct reasm_limits *lim, uint32_t seq,
			      const uint8_t *data, uint32_t len, void *handle, uint32_t *off)
{
	uint32_t end = seq + len;
	*off = 0;
	if (seq_le(end, r->next)) {
		int v = verify_old(r, p, seq, data, len);
		return v == 1 ? RA_OLD : v == 2 ? RA_OLD_ACKED : v == 0 ? RA_CONFLICT : RA_OLD_UNVERIFIED;
	}
	if (seq_le(seq, r->next)) {
		/* in order, possibly repeating a verified prefix */
		uint32_t old = r->next - seq;
		int v = verify_old(r, p, seq, data, old);
		if (v < 0 && p->refuse_unverified)
			return RA_OLD_UNVERIFIED;   /* cannot prove the repeated part: refuse */
		/* new bytes must also agree with anything already held ahead */
		if (v == 0 || (r->held && check_held(r, r->next, data + old, len - old) == 0))
			return lim->strict ? RA_CONFLICT : resolve(r, p, lim, seq, data, len, handle);
		*off = old;
		return RA_DELIVER;
	}
	/* out of order: hold */
	if (seq - r->next > lim->max_ahead)
		return RA_TOO_FAR;
	int h = check_held(r, seq, data, len);
	if (h == 0)
		return lim->strict ? RA_CONFLICT : resolve(r, p, lim, seq, data, len, handle);
	if (h == 2)
		return RA_DUP_HELD;
	if (r->nheld >= lim->max_segs || r->held_bytes + len > lim->max_bytes)
		return RA_CAP_DIR;
	if (!p->free)
		return RA_CAP_POOL;
	struct reasm_seg *s = take_record(p, seq, data, len, handle);
	insert_sorted(r, s);
	return RA_HELD;
}

static void *unlink_head(struct reasm_dir *r, struct reasm_pool *p, const uint8_t **data,
			 uint32_t *len, uint32_t *seq)
{
	struct reasm_seg *s = r->held;
	r->held = s->next;
	r->nheld--;
	r->held_bytes -= s->len;
	*data = s->data;
	*len = s->len;
	*seq = s->seq;
	void *h = s->handle;
	s->next = p->free;
	p->free = s;
	p->nfree++;
	return h;
}

void *reasm_pop(struct reasm_dir *r, struct reasm_pool *p, const uint8_t **data,
		uint32_t *len, uint32_t *off, enum reasm_result *res)
{
	if (!r->held || seq_lt(r->next, r->held->seq))
		return NULL;
	uint32_t seq;
	void *h = unlink_head(r, p, data, len, &seq);
	uint32_t end = seq + *len;
	*off = 0;
	if (seq_le(end, r->next)) {
		int v = verify_old(r, p, seq, *data, *len);
		*res = v == 1 ? RA_OLD : v == 2 ? RA_OLD_ACKED : v == 0 ? RA_CONFLICT : RA_OLD_UNVERIFIED;
		return h;
	}
	uint32_t old = r->next - seq;
	int v = verify_old(r, p, seq, *data, old);
	*res = v == 0 ? RA_CONFLICT : v < 0 && p->refuse_unverified ? RA_OLD_UNVERIFIED : RA_DELIVER;
	*off = old;
	return h;
}

void *reasm_skip_gap(struct reasm_dir *r, struct reasm_pool *p, const uint8_t **data,
		     uint32_t *len, uint32_t *off, uint32_t *gap)
{
	if (!r->held)
		return NULL;
	uint32_t seq;
	*gap = r->held->seq - r->next;
	void *h = unlink_head(r, p, data, len, &seq);
	r->next = seq;
	r->delivered += *gap;    /* bytes before the gap can no longer be verified */
	r->valid_from = r->delivered;
	if (p->verify)
		chain_release(r, p->verify);
	*off = 0;
	return h;
}

void reasm_flush(struct reasm_dir *r, struct reasm_pool *p, void (*cb)(void *ctx, void *h),
		 void *ctx)
{
	while (r->held) {
		const uint8_t *d;
		uint32_t l, s;
		void *h = unlink_head(r, p, &d, &l, &s);
		cb(ctx, h);
	}
}
