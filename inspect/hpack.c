/* hpack.c — HPACK decoding (RFC 7541 §5, §6), bounded dynamic table (§4). */
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include "hpack.h"

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

int hpack_huff_decode(const uint8_t *src, uint32_t n, uint8_t *dst, uint32_t dstmax)
{
	pthread_once(&tree_once, build_tree);
	uint16_t node = 0;
	uint32_t out = 0;
	int depth = 0, ones = 1;       /* bits since the last symbol, all 1s so far */
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
	/* padding: fewer than 8 bits, all ones (the EOS prefix) */
	if (depth > 7 || !ones)
		return -1;
	return (int)out;
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
	d->limit = 4096;
	d->max_size = 4096;
}

static void evict_one(struct hpack_dec *d)
{
	uint16_t oldest = (uint16_t)((d->newest + HPACK_MAX_ENTRIES - (d->n - 1)) % HPACK_MAX_ENTRIES);
	d->size -= d->ent[oldest].nlen + d->ent[oldest].vlen + 32;
	d->n--;
}

static void table_add(struct hpack_dec *d, const uint8_t *nm, uint32_t nl, const uint8_t *v, uint32_t vl)
{
	uint32_t need = nl + vl + 32;
	while (d->n && d->size + need > d->max_size)
		evict_one(d);
	if (need > d->max_size)
		return;                 /* larger than the table: it empties (§4.4) */
	uint16_t slot = (uint16_t)((d->newest + 1) % HPACK_MAX_ENTRIES);
	if (d->n == 0)
		slot = d->newest = 0, d->n = 0;
	struct hpack_ent *e = &d->ent[slot];
	e->off = (uint16_t)(d->wpos % HPACK_BUDGET);
	e->nlen = nl;
	e->vlen = vl;
	for (uint32_t i = 0; i < nl; i++)
		d->data[(d->wpos + i) % HPACK_BUDGET] = nm[i];
	for (uint32_t i = 0; i < vl; i++)
		d->data[(d->wpos + nl + i) % HPACK_BUDGET] = v[i];
	d->wpos = (d->wpos + nl + vl) % HPACK_BUDGET;
	d->newest = slot;
	d->n++;
	d->size += need;
}

/* Copy dynamic entry idx (1 = newest) out of the ring. */
static void table_get(const struct hpack_dec *d, uint32_t idx, uint8_t *nm, uint32_t *nl,
		      uint8_t *v, uint32_t *vl)
{
	const struct hpack_ent *e = &d->ent[(d->newest + HPACK_MAX_ENTRIES - (idx - 1)) % HPACK_MAX_ENTRIES];
	for (uint32_t i = 0; i < e->nlen; i++)
		nm[i] = d->data[(e->off + i) % HPACK_BUDGET];
	for (uint32_t i = 0; i < e->vlen; i++)
		v[i] = d->data[(e->off + e->nlen + i) % HPACK_BUDGET];
	*nl = e->nlen;
	*vl = e->vlen;
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

static int name_of(const struct hpack_dec *d, uint32_t idx, uint8_t *nm, uint32_t *nl, uint8_t *v,
		   uint32_t *vl)
{
	if (idx == 0)
		return -1;
	if (idx <= 61) {
		const struct hpack_static *s = &hpack_static_table[idx - 1];
		memcpy(nm, s->name, s->nlen);
		memcpy(v, s->value, s->vlen);
		*nl = s->nlen;
		*vl = s->vlen;
		return 0;
	}
	if (idx - 61 > d->n)
		return -1;
	table_get(d, idx - 61, nm, nl, v, vl);
	return 0;
}

enum hpack_err hpack_decode(struct hpack_dec *d, const uint8_t *p, uint32_t n,
			    hpack_field_fn fn, void *ctx)
{
	static __thread uint8_t nm[HPACK_STR_MAX], v[HPACK_STR_MAX];
	const uint8_t *end = p + n;
	int fields = 0;
	enum hpack_err e;
	while (p < end) {
		uint8_t b = *p;
		uint32_t idx, nl = 0, vl = 0;
		if (b & 0x80) {                          /* indexed field */
			if ((e = get_int(&p, end, 7, &idx)))
				return e;
			if (name_of(d, idx, nm, &nl, v, &vl))
				return HPACK_ERR_INDEX;
		} else if ((b & 0xe0) == 0x20) {         /* dynamic table size update */
			if ((e = get_int(&p, end, 5, &idx)))
				return e;
			if (fields || idx > d->limit)
				return HPACK_ERR_SIZE_UPDATE;
			if (idx > HPACK_BUDGET)
				return HPACK_ERR_BUDGET;
			d->max_size = idx;
			while (d->n && d->size > d->max_size)
				evict_one(d);
			continue;
		} else {                                 /* literals */
			int incr = (b & 0xc0) == 0x40;
			if ((e = get_int(&p, end, incr ? 6 : 4, &idx)))
				return e;
			uint32_t dummy;
			if (idx) {
				if (name_of(d, idx, nm, &nl, v, &dummy))
					return HPACK_ERR_INDEX;
			} else if ((e = get_str(&p, end, nm, &nl))) {
				return e;
			}
			if ((e = get_str(&p, end, v, &vl)))
				return e;
			if (incr)
				table_add(d, nm, nl, v, vl);
		}
		fields++;
		if (fn(ctx, nm, nl, v, vl))
			return HPACK_OK;
	}
	return HPACK_OK;
}
