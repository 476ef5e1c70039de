/* test_hpack.c — RFC 7541 Appendix C vectors (C.3 without Huffman, C.4
 * with), the dynamic table across blocks, every malformed form the decoder
 * must refuse, the table sizes real peers announce (64 KiB, size updates),
 * entries Seam no longer holds, blocks decoded in pieces, and blocks from
 * two independent encoders (python3-hpack, libnghttp2; see
 * gen_hpack_vectors.py) when the build could generate them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "hpack.h"
#ifdef HAVE_HPACK_VECTORS
#include "hpack_vectors.h"
#endif

struct got { char s[1024]; };

static int collect(void *ctx, const uint8_t *n, uint32_t nl, const uint8_t *v, uint32_t vl,
		     const struct hpack_tail *tail)
{
	struct got *g = ctx;
	size_t o = strlen(g->s);
	snprintf(g->s + o, sizeof(g->s) - o, "%.*s: %.*s\n", (int)nl, n, (int)vl, v);
	return 0;
}

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;
	for (; h[0] && h[1]; h += 2) {
		unsigned x;
		sscanf(h, "%2x", &x);
		out[n++] = x;
	}
	return n;
}

static void decode_ok(struct hpack_dec *d, const char *hex, const char *want)
{
	uint8_t b[512];
	struct got g = { "" };
	size_t n = unhex(hex, b);
	assert_int_equal(hpack_decode(d, b, n, collect, &g), HPACK_OK);
	assert_string_equal(g.s, want);
}

static void rfc_c3_requests_without_huffman(void **st)
{
	static struct hpack_dec d;
	hpack_init(&d);
	decode_ok(&d, "828684410f7777772e6578616d706c652e636f6d",
		  ":method: GET\n:scheme: http\n:path: /\n:authority: www.example.com\n");
	decode_ok(&d, "828684be58086e6f2d6361636865",
		  ":method: GET\n:scheme: http\n:path: /\n:authority: www.example.com\ncache-control: no-cache\n");
	decode_ok(&d, "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
		  ":method: GET\n:scheme: https\n:path: /index.html\n:authority: www.example.com\ncustom-key: custom-value\n");
	assert_int_equal(d.n, 3);
	assert_int_equal(d.size, 164);
}

static void rfc_c4_requests_with_huffman(void **st)
{
	static struct hpack_dec d;
	hpack_init(&d);
	decode_ok(&d, "828684418cf1e3c2e5f23a6ba0ab90f4ff",
		  ":method: GET\n:scheme: http\n:path: /\n:authority: www.example.com\n");
	decode_ok(&d, "828684be5886a8eb10649cbf",
		  ":method: GET\n:scheme: http\n:path: /\n:authority: www.example.com\ncache-control: no-cache\n");
	decode_ok(&d, "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
		  ":method: GET\n:scheme: https\n:path: /index.html\n:authority: www.example.com\ncustom-key: custom-value\n");
	assert_int_equal(d.size, 164);
}

static void eviction_keeps_the_table_within_its_size(void **st)
{
	static struct hpack_dec d;
	hpack_init(&d);
	uint8_t b[300];
	for (int i = 0; i < 200; i++) {
		/* literal with incremental indexing, new name "x-N", value of 20 bytes */
		char name[8];
		int nl = snprintf(name, sizeof(name), "x-%d", i);
		size_t n = 0;
		b[n++] = 0x40;
		b[n++] = nl;
		memcpy(b + n, name, nl); n += nl;
		b[n++] = 20;
		memset(b + n, 'v', 20); n += 20;
		struct got g = { "" };
		assert_int_equal(hpack_decode(&d, b, n, collect, &g), HPACK_OK);
		assert_true(d.size <= 4096);
	}
	/* the newest entry is index 62 */
	uint8_t ix[] = { 0xbe };
	struct got g = { "" };
	assert_int_equal(hpack_decode(&d, ix, 1, collect, &g), HPACK_OK);
	assert_string_equal(g.s, "x-199: vvvvvvvvvvvvvvvvvvvv\n");
}

static void malformed_blocks_are_refused(void **st)
{
	static struct hpack_dec d;
	uint8_t b[64];
	struct got g = { "" };
	hpack_init(&d);
	assert_int_equal(hpack_decode(&d, (uint8_t[]){ 0x80 }, 1, collect, &g), HPACK_ERR_INDEX);
	assert_int_equal(hpack_decode(&d, (uint8_t[]){ 0xbe }, 1, collect, &g), HPACK_ERR_INDEX);
	assert_int_equal(hpack_decode(&d, (uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f }, 6, collect, &g),
			 HPACK_ERR_INT);
	assert_int_equal(hpack_decode(&d, (uint8_t[]){ 0x40, 0x05, 'a' }, 3, collect, &g), HPACK_ERR_TRUNC);
	/* size update after a field */
	assert_int_equal(hpack_decode(&d, (uint8_t[]){ 0x82, 0x20 }, 2, collect, &g), HPACK_ERR_SIZE_UPDATE);
	/* size update above the announced limit */
	size_t n = unhex("3fe21f", b);   /* 4097 */
	assert_int_equal(hpack_decode(&d, b, n, collect, &g), HPACK_ERR_SIZE_UPDATE);
	/* Huffman: padding of zeros, and EOS inside the string */
	assert_int_equal(hpack_decode(&d, (uint8_t[]){ 0x00, 0x81, 0x00, 0x81, 0x00 }, 5, collect, &g),
			 HPACK_ERR_HUFFMAN);
	assert_int_equal(hpack_decode(&d, (uint8_t[]){ 0x00, 0x84, 0xff, 0xff, 0xff, 0xff, 0x01, 'a' }, 8,
				      collect, &g), HPACK_ERR_HUFFMAN);
}

static void huffman_padding_longer_than_seven_bits_is_refused(void **st)
{
	uint8_t out[8];
	/* 'a' is 00011 (5 bits) + 3 bits of 1s: fine */
	assert_int_equal(hpack_huff_decode((uint8_t[]){ 0x1f }, 1, out, 8), 1);
	/* 'a' then a whole byte of 1s: 11 bits of padding */
	assert_int_equal(hpack_huff_decode((uint8_t[]){ 0x1f, 0xff }, 2, out, 8), -1);
}


/* A literal with incremental indexing and a new name. */
static size_t lit_incr(uint8_t *b, const char *name, uint32_t vlen, char fill)
{
	size_t n = 0, nl = strlen(name);
	b[n++] = 0x40;
	b[n++] = (uint8_t)nl;
	memcpy(b + n, name, nl);
	n += nl;
	/* value length as a 7-bit prefix integer */
	if (vlen < 127) {
		b[n++] = (uint8_t)vlen;
	} else {
		b[n++] = 127;
		uint32_t r = vlen - 127;
		while (r >= 128) {
			b[n++] = (uint8_t)(r | 0x80);
			r >>= 7;
		}
		b[n++] = (uint8_t)r;
	}
	memset(b + n, fill, vlen);
	return n + vlen;
}

static int count_fields(void *ctx, const uint8_t *n, uint32_t nl, const uint8_t *v, uint32_t vl,
		     const struct hpack_tail *tail)
{
	(*(int *)ctx)++;
	return 0;
}

static void table_grows_to_the_64k_the_decoding_side_announced(void **st)
{
	static struct hpack_dec d;
	static uint8_t b[2048];
	struct got g = { "" };
	hpack_init(&d);
	hpack_set_limit(&d, 65536);
	/* size update to 65536 (3f e1 ff 03), then 40 entries of ~1 KB */
	size_t n = unhex("3fe1ff03", b);
	n += lit_incr(b + n, "x-first", 1000, 'a');
	assert_int_equal(hpack_decode(&d, b, n, collect, &g), HPACK_OK);
	for (int i = 0; i < 39; i++) {
		int k = 0;
		n = lit_incr(b, "x-more", 1000, 'b');
		assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_OK);
	}
	assert_int_equal(d.max_size, 65536);
	assert_int_equal(d.n, 40);
	assert_true(d.size > 4096 && d.size <= 65536);
	/* the newest is index 62 and its bytes are held */
	memset(&g, 0, sizeof(g));
	assert_int_equal(hpack_decode(&d, (uint8_t[]){ 0xbe }, 1, count_fields, &(int){ 0 }), HPACK_OK);
	assert_false(d.blind);
	/* the oldest (index 61 + 40) is in the peer's table but no longer in
	 * Seam's bytes: the field is skipped, the block marked, no error */
	int k = 0;
	n = unhex("e5", b);             /* indexed 101 = 61 + 40 */
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_OK);
	assert_true(d.blind);
	assert_int_equal(k, 0);
	/* one past the oldest is still an error */
	n = unhex("e6", b);
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_ERR_INDEX);
}

static void size_updates_are_held_to_the_announced_limit(void **st)
{
	static struct hpack_dec d;
	uint8_t b[16];
	int k = 0;
	size_t n;
	/* nothing announced: the default 4096 holds */
	hpack_init(&d);
	n = unhex("3fe11f", b);         /* 4096 */
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_OK);
	n = unhex("3fe21f", b);         /* 4097 */
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_ERR_SIZE_UPDATE);
	/* 65536 announced: up to it, not one more */
	hpack_init(&d);
	hpack_set_limit(&d, 65536);
	n = unhex("3fe1ff03", b);
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_OK);
	n = unhex("3fe2ff03", b);       /* 65537 */
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_ERR_SIZE_UPDATE);
	/* two updates at the start of a block (shrink, then grow), then fields */
	n = unhex("203fe1ff0382", b);
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_OK);
	assert_int_equal(d.max_size, 65536);
	/* a smaller announcement later does not make the larger one an error:
	 * the encoder may have written its blocks before it saw it */
	hpack_set_limit(&d, 1024);
	n = unhex("3fe1ff03", b);
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_OK);
	/* allowed by the peer but beyond what Seam follows: budget, not error */
	hpack_init(&d);
	hpack_set_limit(&d, 1u << 20);
	n = unhex("3fe1ff07", b);       /* 131072 */
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_ERR_BUDGET);
	/* the limit was never seen (h2c upgrade): anything Seam can follow */
	hpack_init(&d);
	d.limit_unknown = 1;
	n = unhex("3fe1ff03", b);
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_OK);
	n = unhex("3fe1ff07", b);
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_ERR_BUDGET);
}

static void an_entry_with_an_unknown_name_stays_unknown(void **st)
{
	static struct hpack_dec d;
	static uint8_t b[HPACK_DATA + 64];
	int k = 0;
	hpack_init(&d);
	hpack_set_limit(&d, 65536);
	size_t n = unhex("3fe1ff03", b);
	n += lit_incr(b + n, "x-old", 10, 'o');
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_OK);
	/* push x-old's bytes out of the ring with one large entry */
	n = lit_incr(b, "x-big", HPACK_DATA, 'z');
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_OK);
	/* literal with incremental indexing whose name is x-old (index 63) */
	n = 0;
	b[n++] = 0x7f;                  /* 63 fills the 6-bit prefix: 0 follows */
	b[n++] = 0x00;
	b[n++] = 1;
	b[n++] = 'v';
	k = 0;
	assert_int_equal(hpack_decode(&d, b, n, count_fields, &k), HPACK_OK);
	assert_true(d.blind);
	assert_int_equal(k, 0);
	/* the new entry (62) is sized but its name is not known either */
	assert_int_equal(hpack_decode(&d, (uint8_t[]){ 0xbe }, 1, count_fields, &k), HPACK_OK);
	assert_true(d.blind);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.size, (5 + 10 + 32) + (5 + HPACK_DATA + 32) + (5 + 1 + 32));
}

/* A callback that wants no more after the second field: the rest of the
 * block must still enter the table. */
static int stop_after_two(void *ctx, const uint8_t *n, uint32_t nl, const uint8_t *v, uint32_t vl,
		     const struct hpack_tail *tail)
{
	return ++*(int *)ctx >= 2;
}

static void a_callback_that_stops_keeps_the_table_in_step(void **st)
{
	static struct hpack_dec d;
	uint8_t b[256];
	int k = 0;
	hpack_init(&d);
	size_t n = unhex("828684", b);
	n += lit_incr(b + n, "x-later", 5, 'l');
	assert_int_equal(hpack_decode(&d, b, n, stop_after_two, &k), HPACK_OK);
	assert_int_equal(k, 2);
	assert_int_equal(d.n, 1);
	struct got g = { "" };
	assert_int_equal(hpack_decode(&d, (uint8_t[]){ 0xbe }, 1, collect, &g), HPACK_OK);
	assert_string_equal(g.s, "x-later: lllll\n");
}

static void a_block_split_anywhere_decodes_the_same(void **st)
{
	/* RFC 7541 C.4.3 after C.4.1 and C.4.2, cut at every byte */
	static struct hpack_dec d;
	uint8_t b1[64], b2[64], b3[64];
	size_t n1 = unhex("828684418cf1e3c2e5f23a6ba0ab90f4ff", b1);
	size_t n2 = unhex("828684be5886a8eb10649cbf", b2);
	size_t n3 = unhex("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf", b3);
	for (size_t cut = 0; cut <= n3; cut++) {
		struct got g = { "" };
		hpack_init(&d);
		assert_int_equal(hpack_decode(&d, b1, n1, collect, &g), HPACK_OK);
		assert_int_equal(hpack_decode(&d, b2, n2, collect, &g), HPACK_OK);
		memset(&g, 0, sizeof(g));
		hpack_block_begin(&d);
		uint8_t pend[64];
		uint32_t plen = 0, used;
		memcpy(pend, b3, cut);
		plen = (uint32_t)cut;
		assert_int_equal(hpack_decode_some(&d, pend, plen, 0, &used, collect, &g), HPACK_OK);
		memmove(pend, pend + used, plen - used);
		plen -= used;
		memcpy(pend + plen, b3 + cut, n3 - cut);
		plen += (uint32_t)(n3 - cut);
		assert_int_equal(hpack_decode_some(&d, pend, plen, HPACK_LAST, &used, collect, &g), HPACK_OK);
		assert_int_equal(used, plen);
		assert_string_equal(g.s, ":method: GET\n:scheme: https\n:path: /index.html\n"
				  ":authority: www.example.com\ncustom-key: custom-value\n");
	}
	/* cut inside a representation with last set: truncated */
	hpack_init(&d);
	uint32_t used;
	struct got g = { "" };
	assert_int_equal(hpack_decode_some(&d, b1, 10, HPACK_LAST, &used, collect, &g), HPACK_ERR_TRUNC);
}

/* Feed a block through a pending buffer of cap bytes, as h2.c does: a
 * representation that fills it is decoded with HPACK_FULL. */
static enum hpack_err feed_buffered(struct hpack_dec *d, const uint8_t *blk, uint32_t n, uint32_t cap,
				    uint32_t step, hpack_field_fn fn, void *ctx)
{
	static uint8_t pend[1 << 16];
	uint32_t plen = 0, used;
	enum hpack_err e;
	hpack_block_begin(d);
	for (uint32_t off = 0; off < n;) {
		uint32_t k = n - off < step ? n - off : step;
		if (k > cap - plen)
			k = cap - plen;
		memcpy(pend + plen, blk + off, k);
		plen += k;
		off += k;
		if ((e = hpack_decode_some(d, pend, plen, plen == cap ? HPACK_FULL : 0, &used, fn, ctx)))
			return e;
		memmove(pend, pend + used, plen - used);
		plen -= used;
	}
	e = hpack_decode_some(d, pend, plen, HPACK_LAST, &used, fn, ctx);
	assert_int_equal(used, plen);
	return e;
}

struct longseen { int fields; uint32_t len, head_len; uint8_t ctl, last, tail; char name[32]; };

static int long_field(void *ctx, const uint8_t *n, uint32_t nl, const uint8_t *v, uint32_t vl,
		      const struct hpack_tail *tail)
{
	struct longseen *l = ctx;
	l->fields++;
	if (tail) {
		l->tail = 1;
		l->len = tail->len;
		l->ctl = tail->ctl;
		l->last = tail->last;
		l->head_len = vl;
		snprintf(l->name, sizeof(l->name), "%.*s", (int)nl, n);
	}
	return 0;
}

static void a_value_longer_than_the_buffer_is_read_in_passing(void **st)
{
	static struct hpack_dec d;
	static uint8_t b[70000];
	/* 40 KB raw value with incremental indexing, then an indexed field */
	for (int cut = 0; cut < 2; cut++) {
		hpack_init(&d);
		hpack_set_limit(&d, 65536);
		size_t n = unhex("3fe1ff0382", b);
		n += lit_incr(b + n, "cookie", 40000, 'k');
		if (cut)
			b[n - 20000] = '\n';      /* a line feed deep inside */
		b[n++] = 0xbe;                   /* the new entry: sized, its bytes unknown */
		struct longseen l = { 0 };
		assert_int_equal(feed_buffered(&d, b, (uint32_t)n, 16384, 1460, long_field, &l), HPACK_OK);
		assert_int_equal(l.tail, 1);
		assert_string_equal(l.name, "cookie");
		assert_int_equal(l.len, 40000);
		assert_int_equal(l.head_len, HPACK_LONG_HEAD);
		assert_int_equal(l.ctl, cut);
		assert_int_equal(l.last, 'k');
		assert_int_equal(l.fields, 2);      /* :method, cookie; the reference is blind */
		assert_true(d.blind);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.size, 6 + 40000 + 32);
	}
	/* the same with a Huffman value: 30000 'a' (5 bits each) */
	hpack_init(&d);
	size_t n = 0;
	b[n++] = 0x00;                           /* literal without indexing, new name */
	b[n++] = 5;
	memcpy(b + n, "x-big", 5);
	n += 5;
	uint32_t enc = 30000 * 5 / 8 + 1;        /* 18751 bytes */
	uint8_t hdr[8];
	size_t hl = 0;
	hdr[hl++] = 0x80 | 127;
	uint32_t r = enc - 127;
	while (r >= 128) {
		hdr[hl++] = (uint8_t)(r | 0x80);
		r >>= 7;
	}
	hdr[hl++] = (uint8_t)r;
	memcpy(b + n, hdr, hl);
	n += hl;
	/* 'a' = 00011: 8 symbols pack into 5 bytes 18 c6 31 8c 63 */
	static const uint8_t five[5] = { 0x18, 0xc6, 0x31, 0x8c, 0x63 };
	for (uint32_t i = 0; i < 30000 / 8; i++) {
		memcpy(b + n, five, 5);
		n += 5;
	}
	b[n++] = 0x1f;                           /* 30000 % 8 = 0: so one more 'a' plus 3 bits of padding */
	struct longseen l = { 0 };
	assert_int_equal(feed_buffered(&d, b, (uint32_t)n, 16384, 1000, long_field, &l), HPACK_OK);
	assert_int_equal(l.tail, 1);
	assert_int_equal(l.len, 30001);
	assert_int_equal(l.ctl, 0);
	assert_int_equal(l.last, 'a');
	/* a name that fills the buffer cannot be followed */
	hpack_init(&d);
	n = 0;
	b[n++] = 0x00;
	b[n++] = 0x7f;
	b[n++] = 0x81;                           /* name of 127 + 1 + 128*... = 16512 bytes */
	b[n++] = 0x80;
	b[n++] = 0x01;
	memset(b + n, 'n', 17000);
	n += 17000;
	assert_int_equal(feed_buffered(&d, b, (uint32_t)n, 16384, 1460, long_field, &l), HPACK_ERR_BUDGET);
}

#ifdef HAVE_HPACK_VECTORS
struct hashed { uint32_t n; uint64_t h; };

static int hash_field(void *ctx, const uint8_t *n, uint32_t nl, const uint8_t *v, uint32_t vl,
		     const struct hpack_tail *tail)
{
	struct hashed *x = ctx;
	const uint8_t *parts[4] = { n, (const uint8_t *)": ", v, (const uint8_t *)"\n" };
	uint32_t lens[4] = { nl, 2, vl, 1 };
	for (int p = 0; p < 4; p++)
		for (uint32_t i = 0; i < lens[p]; i++)
			x->h = (x->h ^ parts[p][i]) * 0x100000001b3ull;
	x->n++;
	return 0;
}

static void blocks_from_independent_encoders_decode_exactly(void **st)
{
	static struct hpack_dec d;
	const char *scenario = "";
	int blind = 0, exact = 0;
	for (size_t i = 0; i < sizeof(hpack_vectors) / sizeof(hpack_vectors[0]); i++) {
		const struct hpack_vector *v = &hpack_vectors[i];
		if (strcmp(v->scenario, scenario) != 0) {
			scenario = v->scenario;
			hpack_init(&d);
			hpack_set_limit(&d, v->limit);
		}
		struct hashed x = { 0, 0xcbf29ce484222325ull };
		enum hpack_err e = hpack_decode(&d, v->block, v->len, hash_field, &x);
		if (e != HPACK_OK)
			fail_msg("%s block %zu: %s", v->scenario, i, hpack_err_name(e));
		if (d.blind) {
			blind++;
			continue;
		}
		if (x.n != v->nfields || x.h != v->hash)
			fail_msg("%s block %zu: %u fields, want %u (hash differs: %d)", v->scenario, i,
				 x.n, v->nfields, x.h != v->hash);
		exact++;
	}
	print_message("%d blocks decoded exactly, %d referred to entries Seam no longer held\n",
		      exact, blind);
	assert_true(exact > 0);
	/* only the 64 KiB tables full of cookies may outgrow Seam's bytes */
	assert_true(blind * 10 < exact);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc_c3_requests_without_huffman),
		cmocka_unit_test(rfc_c4_requests_with_huffman),
		cmocka_unit_test(eviction_keeps_the_table_within_its_size),
		cmocka_unit_test(malformed_blocks_are_refused),
		cmocka_unit_test(huffman_padding_longer_than_seven_bits_is_refused),
		cmocka_unit_test(table_grows_to_the_64k_the_decoding_side_announced),
		cmocka_unit_test(size_updates_are_held_to_the_announced_limit),
		cmocka_unit_test(an_entry_with_an_unknown_name_stays_unknown),
		cmocka_unit_test(a_callback_that_stops_keeps_the_table_in_step),
		cmocka_unit_test(a_block_split_anywhere_decodes_the_same),
		cmocka_unit_test(a_value_longer_than_the_buffer_is_read_in_passing),
#ifdef HAVE_HPACK_VECTORS
		cmocka_unit_test(blocks_from_independent_encoders_decode_exactly),
#endif
	};
	return cmocka_run_group_tests_name("hpack", tests, NULL, NULL);
}
