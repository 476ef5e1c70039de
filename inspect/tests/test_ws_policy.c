/* test_ws_policy.c — the WebSocket limits and per-host Origin rules that
 * come from the configuration: sizes, per-second rates on the packet clock,
 * each reported once; a host's own Origin list (and its site, where it says
 * so) replaces the default same-site rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "insp.h"
#include "h2.h"
#include "ws.h"
#include "blocks.h"

static int seen[F__COUNT];
static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta) { seen[hit->finding]++; }
static void *h2_get(void *user) { return malloc(sizeof(struct h2_conn)); }
static void h2_put(void *user, void *p) { free(p); }

static struct insp_limits lim;
static uint64_t now;
static struct ws_origin_policy origins;
static struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .h2_get = h2_get, .h2_put = h2_put,
			       .now_ns = &now, .ws_origins = &origins };

/* A handshake with key dGhlIHNhbXBsZSBub25jZQ== (RFC 6455 §1.3) and its 101. */
static void handshake(struct insp_sess *s, const char *host, const char *origin)
{
	char req[512];
	snprintf(req, sizeof(req), "GET /chat HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n%s%s%s"
		 "Cookie: session=1\r\n\r\n", host, origin ? "Origin: " : "", origin ? origin : "", origin ? "\r\n" : "");
	static const char rsp[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
	memset(seen, 0, sizeof(seen));
	insp_sess_init(s, 0);
	insp_feed(s, INSP_ORIG, (const uint8_t *)req, strlen(req), &env);
	insp_feed(s, INSP_RESP, (const uint8_t *)rsp, strlen(rsp), &env);
	assert_int_equal(s->proto, PROTO_WS);
}

/* One masked client text frame of n bytes (n < 126), zero mask. */
static void client_frame(struct insp_sess *s, uint32_t n, int fin)
{
	uint8_t f[140] = { (uint8_t)((fin ? 0x80 : 0) | (s->ws->d[0].in_msg ? 0 : 1)), (uint8_t)(0x80 | n) };
	memset(f + 6, 'a', n);
	insp_feed(s, INSP_ORIG, f, 6 + n, &env);
}

static void sizes_and_rates_are_each_reported_once(void **st)
{
	struct insp_sess s;
	insp_limits_default(&lim);
	lim.ws_max_frame = 100;
	lim.ws_max_message = 150;
	lim.ws_max_frames_per_s = 5;
	lim.ws_max_bytes_per_s = 0;
	now = 7000000000ull;
	handshake(&s, "chat.example", NULL);
	client_frame(&s, 90, 0);
	assert_int_equal(seen[F_WS_FRAME_TOO_LARGE], 0);
	client_frame(&s, 110, 0);                     /* a frame over 100, the message over 150 */
	client_frame(&s, 120, 1);
	assert_int_equal(seen[F_WS_FRAME_TOO_LARGE], 1);
	assert_int_equal(seen[F_WS_MESSAGE_TOO_LARGE], 1);
	assert_int_equal(seen[F_WS_FRAME_RATE], 0);   /* three frames this second */
	for (int i = 0; i < 10; i++)
		client_frame(&s, 10, 1);
	assert_int_equal(seen[F_WS_FRAME_RATE], 1);
	insp_sess_release(&s, &env);

	/* five frames a second for ten seconds never trips it */
	handshake(&s, "chat.example", NULL);
	for (int sec = 0; sec < 10; sec++) {
		now = (100ull + sec) * 1000000000ull;
		for (int i = 0; i < 5; i++)
			client_frame(&s, 10, 1);
	}
	assert_int_equal(seen[F_WS_FRAME_RATE], 0);
	lim.ws_max_bytes_per_s = 300;
	for (int i = 0; i < 4; i++)
		client_frame(&s, 90, 1);
	assert_int_equal(seen[F_WS_BYTE_RATE], 1);
	insp_sess_release(&s, &env);
}

static void a_host_rule_replaces_the_same_site_rule(void **st)
{
	struct insp_sess s;
	insp_limits_default(&lim);
	memset(&origins, 0, sizeof(origins));
	/* no rule: a sibling subdomain is the same site, another site is not */
	handshake(&s, "chat.example.com", "https://www.example.com");
	assert_int_equal(seen[F_WS_CROSS_ORIGIN], 0);
	insp_sess_release(&s, &env);
	handshake(&s, "chat.example.com", "https://evil.example.net");
	assert_int_equal(seen[F_WS_CROSS_ORIGIN], 1);
	insp_sess_release(&s, &env);
	/* a rule: exactly the listed origins, port and scheme included */
	origins.n = 1;
	snprintf(origins.rule[0].host, sizeof(origins.rule[0].host), "chat.example.com");
	snprintf(origins.rule[0].allow[0], sizeof(origins.rule[0].allow[0]), "https://app.partner.io:8443");
	origins.rule[0].nallow = 1;
	handshake(&s, "chat.example.com:443", "https://app.partner.io:8443");
	assert_int_equal(seen[F_WS_CROSS_ORIGIN], 0);
	insp_sess_release(&s, &env);
	handshake(&s, "chat.example.com", "https://app.partner.io");        /* other port */
	assert_int_equal(seen[F_WS_CROSS_ORIGIN], 1);
	insp_sess_release(&s, &env);
	handshake(&s, "chat.example.com", "https://www.example.com");       /* same site, not listed */
	assert_int_equal(seen[F_WS_CROSS_ORIGIN], 1);
	insp_sess_release(&s, &env);
	origins.rule[0].same_site = 1;
	handshake(&s, "chat.example.com", "http://www.example.com:8080");   /* same site, any port */
	assert_int_equal(seen[F_WS_CROSS_ORIGIN], 0);
	insp_sess_release(&s, &env);
	handshake(&s, "chat.example.com", "null");
	assert_int_equal(seen[F_WS_CROSS_ORIGIN], 1);
	insp_sess_release(&s, &env);
	snprintf(origins.rule[0].allow[1], sizeof(origins.rule[0].allow[1]), "null");
	origins.rule[0].nallow = 2;
	handshake(&s, "chat.example.com", "null");
	assert_int_equal(seen[F_WS_CROSS_ORIGIN], 0);
	insp_sess_release(&s, &env);
	memset(&origins, 0, sizeof(origins));
}

/* The text check reads 32 and 8 bytes at a time: a bad byte is found at
 * any position, under any mask, and good multi-byte text passes. */
static void utf8_is_checked_at_every_position(void **st)
{
	insp_limits_default(&lim);
	memset(&origins, 0, sizeof(origins));
	static const uint8_t masks[3][4] = { { 0, 0, 0, 0 }, { 0x37, 0xfa, 0x21, 0x3d }, { 0xff, 0x80, 0x01, 0x7f } };
	for (int mk = 0; mk < 3; mk++)
		for (int bad = -1; bad < 120; bad += (bad < 0 ? 1 : 7)) {
			struct insp_sess s;
			handshake(&s, "chat.example", NULL);
			uint8_t text[120], f[130] = { 0x81, 0x80 | 120 };
			for (int i = 0; i < 120; i++)
				text[i] = "caf\xc3\xa9 ok \xe2\x82\xac---"[i % 16];   /* 16 bytes of valid UTF-8 */
			if (bad >= 0)
				text[bad] = 0xff;
			memcpy(f + 2, masks[mk], 4);
			for (int i = 0; i < 120; i++)
				f[6 + i] = text[i] ^ masks[mk][i & 3];
			insp_feed(&s, INSP_ORIG, f, 126, &env);
			if ((bad >= 0) != (seen[F_WS_UTF8_INVALID] == 1))
				fail_msg("mask %d, bad byte at %d: utf8_invalid seen %d times", mk, bad, seen[F_WS_UTF8_INVALID]);
			insp_sess_release(&s, &env);
		}
}

/* No WebSocket state left: the 101 is ws.no_state (an anomaly, counted),
 * the connection becomes an opaque tunnel, and nothing after it is read
 * as frames or judged. */
static void *no_ws(void *user) { (void)user; return NULL; }

static void no_websocket_state_left_is_ws_no_state(void **st)
{
	struct insp_env dry = env;
	dry.ws_get = no_ws;
	struct insp_sess s;
	insp_limits_default(&lim);
	memset(seen, 0, sizeof(seen));
	insp_sess_init(&s, 0);
	static const char req[] = "GET /chat HTTP/1.1\r\nHost: chat.example\r\nUpgrade: websocket\r\n"
				  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				  "Sec-WebSocket-Version: 13\r\n\r\n";
	static const char rsp[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
	insp_feed(&s, INSP_ORIG, (const uint8_t *)req, strlen(req), &dry);
	insp_feed(&s, INSP_RESP, (const uint8_t *)rsp, strlen(rsp), &dry);
	assert_int_equal(seen[F_WS_NO_STATE], 1);
	assert_true(finding_table[F_WS_NO_STATE].tier == TIER_ACCEPTABLE);
	assert_int_equal(s.proto, PROTO_TUNNEL);
	assert_null(s.ws);
	static const uint8_t unmasked[] = { 0x81, 0x02, 'h', 'i' };    /* a finding were it read */
	insp_feed(&s, INSP_ORIG, unmasked, sizeof(unmasked), &dry);
	assert_int_equal(seen[F_WS_UNMASKED_CLIENT], 0);
	insp_sess_release(&s, &dry);
	handshake(&s, "chat.example", NULL);          /* with state, the same frame is judged */
	insp_feed(&s, INSP_ORIG, unmasked, sizeof(unmasked), &env);
	assert_int_equal(seen[F_WS_UNMASKED_CLIENT], 1);
	insp_sess_release(&s, &env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_and_rates_are_each_reported_once),
		cmocka_unit_test(a_host_rule_replaces_the_same_site_rule),
		cmocka_unit_test(utf8_is_checked_at_every_position),
		cmocka_unit_test(no_websocket_state_left_is_ws_no_state),
	};
	return cmocka_run_group_tests_name("ws_policy", tests, NULL, test_blocks_free_all);
}
