/* hpack.c — HPACK decoding (RFC 7541 §5, §6) and the dynamic table (§4),
 * followed exactly in size and kept in bytes for its newest entries. */
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include "hpack.h"

_Static_assert(65536 % HPACK_DATA == 0, "entry positions are kept mod 2^16");

/* Huffman decode tree built once from the RFC's code table: node i has
 * children tree[i][0..1]; a value >= 0x8000 is a leaf holding a symbol. */
static uint16_t tree[512][2];
static pthread_once_t tree_once = PTHREAD_ONCE_INIT;

static void build_tree(void)
{
	uint16_t next = 1;
	for (int sym = 0; sym < 257; sym++) {
		uint32_t code = hpack_huff_codes[sym].code;
		int bits = hpack_huff_codes[sym].bits;
		uint16_t node = 0;
		for (int b = bits - 1; b >= 0; b--) {
			int bit = (code >> b) & 1;
			if (b == 0) {
				tree[node][bit] = 0x8000 | sym;
			} else {
				if (!tree[node][bit])
					tree[node][bit] = next++;
				node = tree[node][bit];
			}
		}
	}
}

/* Decode n more bytes of a Huffman string from state h; returns the bytes
 * written to dst or -1.  The string's end is checked by huff_end. */
static int huff_step(struct hpack_huff *h, const uint8_t *src, uint32_t n, uint8_t *dst, uint32_t dstmax)
{
	pthread_once(&tree_once, build_tree);
	uint16_t node = h->node;
	uint32_t out = 0;
	int depth = h->depth, ones = h->ones;   /* bits since the last symbol, all 1s so far */
	for (uint32_t i = 0; i < n; i++) {
		for (int b = 7; b >= 0; b--) {
			int bit = (src[i] >> b) & 1;
			uint16_t nx = tree[node][bit];
			if (!nx)
				return -1;
			depth++;
			ones &= bit;
			if (nx & 0x8000) {
				uint16_t sym = nx & 0x7fff;
				if (sym == 256 || out == dstmax)
					return -1;   /* EOS inside a string is an error (§5.2) */
				dst[out++] = (uint8_t)sym;
				node = 0;
				depth = 0;
				ones = 1;
			} else {
				node = nx;
			}
		}
	}
	h->node = node;
	h->depth = (uint8_t)(depth > 255 ? 255 : depth);
	h->ones = (uint8_t)ones;
	return (int)out;
}

/* padding: fewer than 8 bits, all ones (the EOS prefix) */
static int huff_end(const struct hpack_huff *h)
{
	return h->depth > 7 || !h->ones ? -1 : 0;
}

int hpack_huff_decode(const uint8_t *src, uint32_t n, uint8_t *dst, uint32_t dstmax)
{
	struct hpack_huff h = { .ones = 1 };
	int r = huff_step(&h, src, n, dst, dstmax);
	return r < 0 || huff_end(&h) < 0 ? -1 : r;
}

const char *hpack_err_name(enum hpack_err e)
{
	static const char *const n[] = { "ok", "truncated", "index", "huffman", "integer",
		"size update", "budget", "too long" };
	return e <= HPACK_ERR_TOO_LONG ? n[e] : "?";
}

void hpack_init(struct hpack_dec *d)
{
	memset(d, 0, offsetof(struct hpack_dec, ent));
	d->limit = HPACK_DEFAULT_TABLE;
	d->max_size = HPACK_DEFAULT_TABLE;
}

/* The encoder may use any size up to what the decoding side announced; a
 * smaller value takes effect only once the encoder has seen it, and blocks
 * it wrote before may still carry the old size, so the largest announced
 * value is the one a size update is held to. */
void hpack_set_limit(struct hpack_dec *d, uint32_t v)
{
	if (v > d->limit)
		d->limit = v;
}

void hpack_block_begin(struct hpack_dec *d)
{
	d->lv.active = 0;
	d->blind = 0;
	d->quiet = 0;
	d->fields = 0;
}

static uint16_t slot_of(const struct hpack_dec *d, uint32_t idx)   /* idx 1 = newest */
{
	return (uint16_t)((d->newest + HPACK_MAX_ENTRIES - (idx - 1)) % HPACK_MAX_ENTRIES);
}

static void evict_one(struct hpack_dec *d)
{
	const struct hpack_ent *e = &d->ent[slot_of(d, d->n)];
	d->size -= e->nlen + e->vlen + 32;
	d->n--;
}

static void set_unknown(struct hpack_dec *d, uint16_t slot, int on)
{
	uint8_t bit = (uint8_t)(1u << (slot & 7));
	if (on)
		d->unknown[slot >> 3] |= bit;
	else
		d->unknown[slot >> 3] &= (uint8_t)~bit;
}

/* Whether the entry's name and value are still in data[]: its first byte
 * is among the last HPACK_DATA written (a write skipped for an entry too
 * large or unknown only makes older entries look lost, never the reverse). */
static int ent_kept(const struct hpack_dec *d, uint16_t slot)
{
	if (d->unknown[slot >> 3] & (1u << (slot & 7)))
		return 0;
	uint16_t dist = (uint16_t)((uint16_t)d->wpos - d->ent[slot].abs);
	return dist <= HPACK_DATA;
}

/* nm NULL: the name is not known (it came from an entry Seam no longer
 * holds); the entry is sized but its bytes are unknown. */
static void table_add(struct hpack_dec *d, const uint8_t *nm, uint32_t nl, const uint8_t *v, uint32_t vl)
{
	uint32_t need = nl + vl + 32;
	while (d->n && d->size + need > d->max_size)
		evict_one(d);
	if (need > d->max_size)
		return;                 /* larger than the table: it empties (§4.4) */
	uint16_t slot = d->n ? (uint16_t)((d->newest + 1) % HPACK_MAX_ENTRIES) : 0;
	struct hpack_ent *e = &d->ent[slot];
	e->abs = (uint16_t)d->wpos;
	e->nlen = (uint16_t)nl;
	e->vlen = (uint16_t)vl;
	set_unknown(d, slot, nm == NULL);
	if (nm && nl + vl <= HPACK_DATA) {
		for (uint32_t i = 0; i < nl; i++)
			d->data[(d->wpos + i) % HPACK_DATA] = nm[i];
		for (uint32_t i = 0; i < vl; i++)
			d->data[(d->wpos + nl + i) % HPACK_DATA] = v[i];
	}
	d->wpos += nl + vl;
	d->newest = slot;
	d->n++;
	d->size += need;
}

/* Copy the entry in slot out of the ring. */
static void table_get(const struct hpack_dec *d, uint16_t slot, uint8_t *nm, uint8_t *v)
{
	const struct hpack_ent *e = &d->ent[slot];
	uint32_t off = e->abs;   /* positions are taken mod HPACK_DATA, a divisor of 2^16 */
	for (uint32_t i = 0; i < e->nlen; i++)
		nm[i] = d->data[(off + i) % HPACK_DATA];
	for (uint32_t i = 0; i < e->vlen; i++)
		v[i] = d->data[(off + e->nlen + i) % HPACK_DATA];
}

static enum hpack_err get_int(const uint8_t **p, const uint8_t *end, int prefix, uint32_t *out)
{
	uint32_t max = (1u << prefix) - 1;
	uint32_t v = **p & max;
	(*p)++;
	if (v < max) {
		*out = v;
		return HPACK_OK;
	}
	int shift = 0;
	for (;;) {
		if (*p == end)
			return HPACK_ERR_TRUNC;
		uint8_t b = *(*p)++;
		if (shift > 21)
			return HPACK_ERR_INT;
		v += (uint32_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	*out = v;
	return HPACK_OK;
}

static enum hpack_err get_str(const uint8_t **p, const uint8_t *end, uint8_t *dst, uint32_t *len)
{
	if (*p == end)
		return HPACK_ERR_TRUNC;
	int huff = **p & 0x80;
	uint32_t n;
	enum hpack_err e = get_int(p, end, 7, &n);
	if (e)
		return e;
	if (n > (uint32_t)(end - *p))
		return HPACK_ERR_TRUNC;
	if (huff) {
		int r = hpack_huff_decode(*p, n, dst, HPACK_STR_MAX);
		if (r < 0)
			return n * 8 / 5 > HPACK_STR_MAX ? HPACK_ERR_TOO_LONG : HPACK_ERR_HUFFMAN;
		*len = (uint32_t)r;
	} else {
		if (n > HPACK_STR_MAX)
			return HPACK_ERR_TOO_LONG;
		memcpy(dst, *p, n);
		*len = n;
	}
	*p += n;
	return HPACK_OK;
}

/* Look index idx up: -1 not in the tables, 0 copied (when copy is set),
 * 1 an entry whose bytes Seam no longer holds (its lengths are still set). */
static int name_of(const struct hpack_dec *d, uint32_t idx, int copy, uint8_t *nm, uint32_t *nl,
		   uint8_t *v, uint32_t *vl)
{
	if (idx == 0)
		return -1;
	if (idx <= 61) {
		const struct hpack_static *s = &hpack_static_table[idx - 1];
		if (copy) {
			memcpy(nm, s->name, s->nlen);
			memcpy(v, s->value, s->vlen);
		}
		*nl = s->nlen;
		*vl = s->vlen;
		return 0;
	}
	if (idx - 61 > d->n)
		return -1;
	uint16_t slot = slot_of(d, idx - 61);
	*nl = d->ent[slot].nlen;
	*vl = d->ent[slot].vlen;
	if (!ent_kept(d, slot))
		return 1;
	if (copy)
		table_get(d, slot, nm, v);
	return 0;
}

/* ---- values longer than the caller can buffer --------------------------
 * They are read in passing: decoded piece by piece, scanned for the bytes
 * field checks care about, their first bytes and length kept.  The table
 * entry they make is sized, its bytes unknown. */

static enum hpack_err long_take(struct hpack_dec *d, const uint8_t *p, uint32_t n)
{
	static __thread uint8_t out[HPACK_STR_MAX];
	struct hpack_long *l = &d->lv;
	while (n) {
		uint32_t k = n < HPACK_STR_MAX / 2 ? n : HPACK_STR_MAX / 2;   /* Huffman grows by 8/5 at most */
		const uint8_t *s = p;
		uint32_t m = k;
		if (l->huff) {
			int r = huff_step(&l->hs, p, k, out, sizeof(out));
			if (r < 0)
				return HPACK_ERR_HUFFMAN;
			s = out;
			m = (uint32_t)r;
		}
		for (uint32_t i = 0; i < m; i++) {
			if (s[i] == '\r' || s[i] == '\n' || s[i] == 0)
				l->tail.ctl = 1;
			if (l->head_len < sizeof(l->head))
				l->head[l->head_len++] = s[i];
		}
		if (m)
			l->tail.last = s[m - 1];
		l->tail.len += m;
		l->left -= k;
		p += k;
		n -= k;
	}
	return HPACK_OK;
}

static enum hpack_err long_done(struct hpack_dec *d, hpack_field_fn fn, void *ctx)
{
	struct hpack_long *l = &d->lv;
	l->active = 0;
	if (l->huff && huff_end(&l->hs) < 0)
		return HPACK_ERR_HUFFMAN;
	if (l->tail.len > HPACK_TABLE_MAX)
		l->tail.len = HPACK_TABLE_MAX;   /* an entry that size only empties the table */
	if (l->incr)
		table_add(d, NULL, l->nlen, NULL, l->tail.len);
	d->fields++;
	if (l->name_lost)
		d->blind = 1;
	else if (!d->quiet && fn(ctx, l->name, l->nlen, l->head, l->head_len, &l->tail))
		d->quiet = 1;
	return HPACK_OK;
}

enum hpack_err hpack_decode_some(struct hpack_dec *d, const uint8_t *p, uint32_t n, int flags,
				 uint32_t *used, hpack_field_fn fn, void *ctx)
{
	static __thread uint8_t nm[HPACK_STR_MAX], v[HPACK_STR_MAX];
	const uint8_t *start = p, *end = p + n;
	enum hpack_err e = HPACK_OK;
	int last = flags & HPACK_LAST;
	*used = 0;
	if (d->lv.active) {
		uint32_t k = n < d->lv.left ? n : d->lv.left;
		if ((e = long_take(d, p, k)))
			return e;
		p += k;
		*used = k;
		if (d->lv.left)
			return last ? HPACK_ERR_TRUNC : HPACK_OK;
		if ((e = long_done(d, fn, ctx)))
			return e;
	}
	while (p < end) {
		uint8_t b = *p;
		uint32_t idx, nl = 0, vl = 0;
		int lost = 0;
		if (b & 0x80) {                          /* indexed field */
			if ((e = get_int(&p, end, 7, &idx)))
				break;
			lost = name_of(d, idx, !d->quiet, nm, &nl, v, &vl);
			if (lost < 0) {
				e = HPACK_ERR_INDEX;
				break;
			}
		} else if ((b & 0xe0) == 0x20) {         /* dynamic table size update */
			if ((e = get_int(&p, end, 5, &idx)))
				break;
			/* only before the block's first field (§4.2); a peer whose
			 * announced limit Seam did not see is held to its budget */
			if (d->fields || (idx > d->limit && !d->limit_unknown)) {
				e = HPACK_ERR_SIZE_UPDATE;
				break;
			}
			if (idx > HPACK_TABLE_MAX) {
				e = HPACK_ERR_BUDGET;
				break;
			}
			d->max_size = idx;
			while (d->n && d->size > d->max_size)
				evict_one(d);
			*used = (uint32_t)(p - start);
			continue;
		} else {                                 /* literals */
			int incr = (b & 0xc0) == 0x40;
			if ((e = get_int(&p, end, incr ? 6 : 4, &idx)))
				break;
			uint32_t ivl;
			if (idx) {
				lost = name_of(d, idx, 1, nm, &nl, v, &ivl);
				if (lost < 0) {
					e = HPACK_ERR_INDEX;
					break;
				}
			} else if ((e = get_str(&p, end, nm, &nl))) {
				if (e == HPACK_ERR_TRUNC && (flags & HPACK_FULL))
					e = HPACK_ERR_BUDGET;   /* a name longer than the caller holds */
				break;
			}
			const uint8_t *vs = p;
			if ((e = get_str(&p, end, v, &vl))) {
				if (e != HPACK_ERR_TRUNC || !(flags & HPACK_FULL))
					break;
				/* the caller cannot wait for the whole value: read it in passing */
				uint32_t len;
				p = vs;
				if (p == end || get_int(&p, end, 7, &len) != HPACK_OK || nl > sizeof(d->lv.name)) {
					e = HPACK_ERR_BUDGET;
					break;
				}
				struct hpack_long *l = &d->lv;
				memset(l, 0, offsetof(struct hpack_long, name));
				l->active = 1;
				l->incr = (uint8_t)incr;
				l->huff = (*vs & 0x80) != 0;
				l->hs.ones = 1;
				l->name_lost = lost != 0;
				l->nlen = (uint16_t)nl;
				l->left = len;
				memcpy(l->name, nm, nl);
				if ((e = long_take(d, p, (uint32_t)(end - p))))
					return e;
				*used = n;
				return HPACK_OK;
			}
			if (incr)
				table_add(d, lost ? NULL : nm, nl, v, vl);
		}
		d->fields++;
		*used = (uint32_t)(p - start);
		if (lost)
			d->blind = 1;
		else if (!d->quiet && fn(ctx, nm, nl, v, vl, NULL))
			d->quiet = 1;
	}
	/* a representation cut at the end waits for the rest of the block */
	if (e == HPACK_ERR_TRUNC && !last)
		return HPACK_OK;
	return e;
}

enum hpack_err hpack_decode(struct hpack_dec *d, const uint8_t *p, uint32_t n,
			    hpack_field_fn fn, void *ctx)
{
	uint32_t used;
	hpack_block_begin(d);
	return hpack_decode_some(d, p, n, HPACK_LAST, &used, fn, ctx);
}
