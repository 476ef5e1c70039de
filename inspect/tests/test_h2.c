/* test_h2.c — the h2c analyzer against what each side announced: SETTINGS
 * limit the other side (its HPACK table, its frames), an h2c upgrade whose
 * client settings Seam never saw is not judged against defaults, a block
 * Seam cannot fully read is an anomaly without block-level verdicts, and
 * the state goes back to the pool once both sides closed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "insp.h"
#include "blocks.h"

struct seen { uint64_t bits[(F__COUNT + 63) / 64]; int puts; };

static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta)
{
	struct seen *s = user;
	s->bits[hit->finding / 64] |= 1ull << (hit->finding % 64);
}

static int has(const struct seen *s, enum finding f) { return !!(s->bits[f / 64] & (1ull << (f % 64))); }

static int any_alert(const struct seen *s)
{
	for (int f = 0; f < F__COUNT; f++)
		if (has(s, f) && finding_table[f].tier >= TIER_AMBIGUOUS)
			return 1;
	return 0;
}

static struct h2_conn conn;
static void *h2_get(void *user) { return &conn; }
static void h2_put(void *user, void *p) { ((struct seen *)user)->puts++; }

static struct insp_limits lim;
static struct insp_sess sess;
static struct seen seen;
static struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = &seen, .h2_get = h2_get, .h2_put = h2_put };

/* A session already speaking h2c: prior knowledge (the preface still to
 * come from the client) or after an Upgrade (nothing more to come). */
static void start(int upgraded)
{
	insp_limits_default(&lim);
	memset(&seen, 0, sizeof(seen));
	insp_sess_init(&sess, 0);
	sess.proto = PROTO_H2;
	sess.h2 = &conn;
	/* prior knowledge: the HTTP/1 reader took "PRI * HTTP/2.0\r\n" */
	h2_conn_init(&conn, upgraded ? 0 : 16, 0, 0);
	if (!upgraded)
		insp_feed(&sess, INSP_ORIG, (const uint8_t *)"\r\nSM\r\n\r\n", 8, &env);
}

static uint32_t frame(uint8_t *b, uint8_t type, uint8_t flags, uint32_t sid, const uint8_t *p, uint32_t n)
{
	b[0] = n >> 16; b[1] = n >> 8; b[2] = n;
	b[3] = type; b[4] = flags;
	b[5] = sid >> 24; b[6] = sid >> 16; b[7] = sid >> 8; b[8] = sid;
	if (n)
		memcpy(b + 9, p, n);
	return 9 + n;
}

static void send(int client, const uint8_t *b, uint32_t n)
{
	insp_feed(&sess, client ? INSP_ORIG : INSP_RESP, b, n, &env);
}

static const uint8_t get_req[] = { 0x82, 0x86, 0x84, 0x41, 0x09, 'a', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e' };

static void an_upgraded_server_may_use_what_the_client_announced_unseen(void **st)
{
	static uint8_t b[70000], data[65536];
	start(1);
	/* the response to the upgrade request: table grown to 65536 (the
	 * client's HTTP2-Settings allowed it), then one 64 KiB DATA frame */
	uint8_t blk[] = { 0x3f, 0xe1, 0xff, 0x03, 0x88, 0x5f, 0x87, 'x', '/', 'y', 'z', 'a', 'b', 'c' };
	uint32_t n = frame(b, 4, 0, 0, NULL, 0);
	n += frame(b + n, 1, 4, 1, blk, sizeof(blk));
	n += frame(b + n, 0, 1, 1, data, sizeof(data));
	send(0, b, n);
	assert_false(has(&seen, F_H2C_HPACK_ERROR));
	assert_false(has(&seen, F_H2C_FRAME_SIZE));
	assert_false(any_alert(&seen));
}

static void settings_limit_the_other_side_not_the_sender(void **st)
{
	static uint8_t b[70000], data[30000];
	start(0);
	/* the client allows 64 KiB frames and a 64 KiB table; eleven GREASE-like
	 * parameters come first, so the ones that matter are past the 64th byte */
	uint8_t set[13 * 6];
	uint32_t k = 0;
	for (int i = 0; i < 11; i++, k += 6) {
		set[k] = 0x0a; set[k + 1] = 0x0a + i * 0x10;
		set[k + 2] = 0; set[k + 3] = 0; set[k + 4] = 0; set[k + 5] = 1;
	}
	uint8_t mf[6] = { 0, 5, 0, 1, 0, 0 }, ts[6] = { 0, 1, 0, 1, 0, 0 };
	memcpy(set + k, mf, 6); k += 6;
	memcpy(set + k, ts, 6); k += 6;
	uint32_t n = frame(b, 4, 0, 0, set, k);
	n += frame(b + n, 1, 5, 1, get_req, sizeof(get_req));
	send(1, b, n);
	/* the server may answer with big frames and a grown table */
	uint8_t blk[] = { 0x3f, 0xe1, 0xff, 0x03, 0x88 };
	n = frame(b, 4, 0, 0, NULL, 0);
	n += frame(b + n, 1, 4, 1, blk, sizeof(blk));
	n += frame(b + n, 0, 1, 1, data, sizeof(data));
	send(0, b, n);
	assert_false(any_alert(&seen));
	/* but the client may not: the server allowed neither */
	uint8_t cblk[] = { 0x3f, 0xe1, 0xff, 0x03, 0x82, 0x86, 0x84, 0xbe };
	n = frame(b, 1, 4, 3, cblk, sizeof(cblk));
	send(1, b, n);
	assert_true(has(&seen, F_H2C_HPACK_ERROR));
	start(0);
	n = frame(b, 4, 0, 0, NULL, 0);
	n += frame(b + n, 1, 4, 1, get_req, sizeof(get_req));
	n += frame(b + n, 0, 1, 1, data, sizeof(data));
	send(1, b, n);
	assert_true(has(&seen, F_H2C_FRAME_SIZE));
}

static void a_block_seam_cannot_read_is_an_anomaly_not_a_verdict(void **st)
{
	static uint8_t b[70000], blk[40000];
	start(0);
	/* the server allows 64 KiB tables; the client indexes 40 KB of fields,
	 * then a request whose :path and :method come from the oldest entry */
	uint8_t set[6] = { 0, 1, 0, 1, 0, 0 };
	send(0, b, frame(b, 4, 0, 0, set, 6));
	uint32_t k = 0;
	static const uint8_t head[] = { 0x3f, 0xe1, 0xff, 0x03, 0x82, 0x86, 0x44, 0x05, '/', 'o', 'l', 'd', '1',
					0x41, 0x09, 'a', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e' };
	memcpy(blk, head, sizeof(head));
	k = sizeof(head);
	for (int i = 0; i < 36; i++) {
		blk[k++] = 0x40; blk[k++] = 3; blk[k++] = 'x'; blk[k++] = '-'; blk[k++] = 'a' + i % 26;
		blk[k++] = 0x7f; blk[k++] = 0xe9; blk[k++] = 0x06;    /* 127 + 873 = 1000 bytes */
		memset(blk + k, 'v', 1000);
		k += 1000;
	}
	uint32_t n = frame(b, 1, 1, 1, blk, 16000);
	n += frame(b + n, 9, 0, 1, blk + 16000, 16000);
	n += frame(b + n, 9, 4, 1, blk + 32000, k - 32000);
	send(1, b, n);
	assert_false(any_alert(&seen));
	assert_false(has(&seen, F_H2C_HPACK_BUDGET));
	/* :method GET, :scheme http, :path /old1 (entry 62 + 37, no longer
	 * held), :authority */
	uint8_t req2[] = { 0x82, 0x86, 0x80 | 99, 0x41, 0x01, 'a' };
	send(1, b, frame(b, 1, 5, 3, req2, sizeof(req2)));
	assert_true(has(&seen, F_H2C_HPACK_BUDGET));
	assert_false(has(&seen, F_H2C_PSEUDO));   /* :path is there, unseen */
	assert_false(any_alert(&seen));
}

static void the_state_goes_back_once_both_sides_closed(void **st)
{
	start(0);
	insp_close(&sess, INSP_ORIG, &env);
	assert_int_equal(seen.puts, 0);
	assert_non_null(sess.h2);
	insp_close(&sess, INSP_RESP, &env);
	assert_int_equal(seen.puts, 1);
	assert_null(sess.h2);
	/* late bytes are not read from a state that went back */
	send(1, (const uint8_t *)"\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_upgraded_server_may_use_what_the_client_announced_unseen),
		cmocka_unit_test(settings_limit_the_other_side_not_the_sender),
		cmocka_unit_test(a_block_seam_cannot_read_is_an_anomaly_not_a_verdict),
		cmocka_unit_test(the_state_goes_back_once_both_sides_closed),
	};
	return cmocka_run_group_tests_name("h2", tests, NULL, test_blocks_free_all);
}
