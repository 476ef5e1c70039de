/* test_hpack.c — RFC 7541 Appendix C vectors (C.3 without Huffman, C.4
 * with), the dynamic table across blocks, and every malformed form the
 * decoder must refuse. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "hpack.h"

struct got { char s[1024]; };

static int collect(void *ctx, const uint8_t *n, uint32_t nl, const uint8_t *v, uint32_t vl)
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc_c3_requests_without_huffman),
		cmocka_unit_test(rfc_c4_requests_with_huffman),
		cmocka_unit_test(eviction_keeps_the_table_within_its_size),
		cmocka_unit_test(malformed_blocks_are_refused),
		cmocka_unit_test(huffman_padding_longer_than_seven_bits_is_refused),
	};
	return cmocka_run_group_tests_name("hpack", tests, NULL, NULL);
}
