/* test_h1_order.c — what may follow what on an HTTP/1 connection
 * (h1_order.c): Content-Length magnitudes, closes and resets, and flows
 * picked up midway or after a capture gap, which must not raise alerts
 * for the part Seam never saw and must still judge what it sees. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "insp.h"
#include "h1_order.h"
#include "blocks.h"

struct fset { uint64_t bits[(F__COUNT + 63) / 64]; };

static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta)
{
	struct fset *fs = user;
	fs->bits[hit->finding / 64] |= 1ull << (hit->finding % 64);
}

static int has(const struct fset *f, enum finding x) { return (f->bits[x / 64] >> (x % 64)) & 1; }

static int alerts(const struct fset *f)
{
	int n = 0;
	for (int i = 0; i < F__COUNT; i++)
		n += has(f, i) && finding_table[i].tier >= TIER_AMBIGUOUS;
	return n;
}

static struct insp_limits lim;
static struct fset got;
static struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = &got };

static void start(struct insp_sess *s, int midstream)
{
	memset(&got, 0, sizeof(got));
	insp_sess_init(s, midstream);
}

static void feed(struct insp_sess *s, int dir, const char *t)
{
	insp_feed(s, dir, (const uint8_t *)t, (uint32_t)strlen(t), &env);
}

static const char get_req[] = "GET /a HTTP/1.1\r\nHost: shop.example.com\r\n\r\n";
static const char ok_rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/* ---- Content-Length magnitudes ------------------------------------------ */

static void cl_magnitudes_near_a_multiple_of_2g_wrap(void **st)
{
	static const struct { uint64_t v; enum finding f; } t[] = {
		{ 0, F__COUNT }, { 1048576, F__COUNT }, { 2147483647ull, F__COUNT },
		{ 2147483648ull, F_H1_CL_WRAPS },          /* 2^31: INT32_MIN to a signed parser */
		{ 2147483648ull + 65535, F_H1_CL_WRAPS },
		{ 2147483648ull + 65536, F_H1_CL_LARGE },
		{ 3221225000ull, F_H1_CL_LARGE },          /* a 3 GB upload */
		{ 3994091520ull, F_H1_CL_LARGE },          /* a DVD image */
		{ 4294967295ull, F_H1_CL_WRAPS },          /* -1 in 32 bits */
		{ 4294967296ull, F_H1_CL_WRAPS },          /* 0 in 32 bits */
		{ 4294967301ull, F_H1_CL_WRAPS },          /* 5 in 32 bits */
		{ 4707319808ull, F_H1_CL_LARGE },          /* a dual-layer DVD image */
		{ 1ull << 40, F_H1_CL_WRAPS },
		{ (1ull << 62) + 7, F_H1_CL_WRAPS },
	};
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (h1o_cl_magnitude(t[i].v) != t[i].f)
			fail_msg("Content-Length %llu: got %d, want %d", (unsigned long long)t[i].v,
				 h1o_cl_magnitude(t[i].v), t[i].f);
	}
}

/* ---- closes and resets --------------------------------------------------- */

static const char short_rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort";

static void server_close_before_content_length_is_truncation(void **st)
{
	struct insp_sess s;
	start(&s, 0);
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, short_rsp);
	insp_close(&s, INSP_RESP, &env);
	assert_true(has(&got, F_H1_RESP_TRUNCATED));
}

static void client_reset_mid_download_is_no_truncation(void **st)
{
	struct insp_sess s;
	start(&s, 0);
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, short_rsp);
	insp_abort(&s, INSP_ORIG, &env);
	insp_close(&s, INSP_RESP, &env);   /* the server's FIN after the client's RST */
	assert_false(has(&got, F_H1_RESP_TRUNCATED));
	start(&s, 0);
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, short_rsp);
	insp_abort(&s, INSP_RESP, &env);   /* the server resets */
	assert_false(has(&got, F_H1_RESP_TRUNCATED));
}

static void client_close_first_is_no_truncation(void **st)
{
	struct insp_sess s;
	start(&s, 0);
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, short_rsp);
	insp_close(&s, INSP_ORIG, &env);
	insp_close(&s, INSP_RESP, &env);
	assert_false(has(&got, F_H1_RESP_TRUNCATED));
}

static void complete_body_then_close_is_clean(void **st)
{
	struct insp_sess s;
	start(&s, 0);
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, ok_rsp);
	insp_close(&s, INSP_RESP, &env);
	insp_close(&s, INSP_ORIG, &env);
	assert_int_equal(alerts(&got), 0);
}

/* ---- HTTP/1.0 persistence ------------------------------------------------ */

static void http10_keepalive_after_answer_is_clean(void **st)
{
	struct insp_sess s;
	start(&s, 0);
	for (int i = 0; i < 5; i++) {
		feed(&s, INSP_ORIG, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
		feed(&s, INSP_RESP, "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok");
	}
	assert_int_equal(alerts(&got), 0);
}

static void http10_request_before_answer_is_pipelined(void **st)
{
	struct insp_sess s;
	start(&s, 0);
	feed(&s, INSP_ORIG, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
	feed(&s, INSP_ORIG, "GET /admin HTTP/1.0\r\n\r\n");
	assert_true(has(&got, F_H1_HTTP10_PIPELINED));
}

static void http11_pipelining_is_clean(void **st)
{
	struct insp_sess s;
	start(&s, 0);
	feed(&s, INSP_ORIG, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
	feed(&s, INSP_RESP, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	assert_int_equal(alerts(&got), 0);
}

/* ---- midstream and gaps -------------------------------------------------- */

/* Picked up midway: answers to requests before the pick-up. */
static void midstream_answers_without_requests_are_clean(void **st)
{
	struct insp_sess s;
	start(&s, 1);
	feed(&s, INSP_RESP, ok_rsp);
	feed(&s, INSP_RESP, ok_rsp);
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, ok_rsp);
	assert_false(has(&got, F_H1_RESP_UNSOLICITED));
	assert_int_equal(alerts(&got), 0);
	/* the same on a flow seen from its start is an alert */
	start(&s, 0);
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, ok_rsp);
	feed(&s, INSP_RESP, ok_rsp);
	assert_true(has(&got, F_H1_RESP_UNSOLICITED));
}

/* The answers' start was lost: their side cannot pair, the client goes on
 * asking; more than H1_PIPE_MAX requests must not read as pipelining. */
static void midstream_lost_answers_raise_no_pipeline_overflow(void **st)
{
	struct insp_sess s;
	start(&s, 1);
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, "\x47\x40\x11 the rest of a body whose headers were not seen");
	for (int i = 0; i < 3 * H1_PIPE_MAX; i++) {
		feed(&s, INSP_ORIG, get_req);
		feed(&s, INSP_RESP, ok_rsp);
	}
	assert_false(has(&got, F_H1_PIPELINE_OVERFLOW));
	assert_int_equal(alerts(&got), 0);
	/* ... and its answers are read again: a broken one is judged */
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
	assert_true(has(&got, F_H1_RESP_CL_AND_TE));
}

/* Requests nobody answers in the capture (one direction seen), midway:
 * the queue forgets the oldest with an anomaly, never an alert. */
static void midstream_unanswered_requests_are_untracked_not_overflow(void **st)
{
	struct insp_sess s;
	start(&s, 1);
	for (int i = 0; i < H1_PIPE_MAX + 4; i++)
		feed(&s, INSP_ORIG, get_req);
	assert_false(has(&got, F_H1_PIPELINE_OVERFLOW));
	assert_true(has(&got, F_H1_PIPELINE_UNTRACKED));
	/* seen from the start, the same is pipelining past what is tracked */
	start(&s, 0);
	for (int i = 0; i < H1_PIPE_MAX + 1; i++)
		feed(&s, INSP_ORIG, get_req);
	assert_true(has(&got, F_H1_PIPELINE_OVERFLOW));
}

/* A capture gap in the answers of a keep-alive connection. */
static void gap_in_answers_raises_no_pipeline_overflow(void **st)
{
	struct insp_sess s;
	start(&s, 0);
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nfirst part");
	insp_gap(&s, INSP_RESP);
	feed(&s, INSP_RESP, "end of the body after the gap");
	for (int i = 0; i < 2 * H1_PIPE_MAX; i++) {
		feed(&s, INSP_ORIG, get_req);
		feed(&s, INSP_RESP, ok_rsp);
	}
	assert_false(has(&got, F_H1_PIPELINE_OVERFLOW));
	assert_int_equal(alerts(&got), 0);
	/* ... and the answers after the gap are read again */
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
	assert_true(has(&got, F_H1_RESP_CL_AND_TE));
}

/* Both sides lost (each picked up inside a message): turns bring them
 * back, and a smuggling request after that is still caught. */
static void midstream_both_sides_lost_find_their_place(void **st)
{
	struct insp_sess s;
	start(&s, 1);
	feed(&s, INSP_RESP, "tail of an answer");
	feed(&s, INSP_ORIG, "a HTTP/1.1\r\nHost: shop.example.com\r\n\r\n");
	feed(&s, INSP_RESP, ok_rsp);
	feed(&s, INSP_ORIG, "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX");
	assert_true(has(&got, F_H1_CL_AND_TE));
}

/* An answer to a HEAD Seam never saw reads as if a body followed; the next
 * request shows it ended. */
static void midstream_unseen_head_answer_does_not_swallow_the_next(void **st)
{
	struct insp_sess s;
	start(&s, 1);
	feed(&s, INSP_RESP, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, ok_rsp);
	feed(&s, INSP_ORIG, get_req);
	feed(&s, INSP_RESP, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokX");
	assert_true(has(&got, F_H1_GARBAGE_AFTER_MSG));   /* the pair after it is read */
	insp_close(&s, INSP_RESP, &env);
	assert_false(has(&got, F_H1_RESP_TRUNCATED));
}

/* Picked up midway, a flow that never shows HTTP (SSH, WebSocket frames)
 * stops being re-read after a few turns; one that shows it goes on. */
static void midstream_non_http_stops_being_retried(void **st)
{
	struct insp_sess s;
	start(&s, 1);
	for (int t = 0; t < 3 * H1O_LOST_TURNS_MAX; t++)
		feed(&s, t & 1, "\x8a\x05 frames of something that is not HTTP");
	assert_int_equal(s.h1.req.state, H1_DEAD);
	assert_int_equal(s.h1.rsp.state, H1_DEAD);
	assert_int_equal(s.h1.lost_turns, H1O_LOST_TURNS_MAX);
	start(&s, 1);
	for (int t = 0; t < 3 * H1O_LOST_TURNS_MAX; t++) {
		feed(&s, INSP_ORIG, get_req);
		feed(&s, INSP_RESP, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\x01junk to lose the place");
	}
	assert_true(has(&got, F_H1_GARBAGE_AFTER_MSG));
	assert_int_equal(s.h1.lost_turns, 0);
}

/* Streams that are not HTTP, seen whole or midway, never alert: a bare CR
 * on what only looks like a request line is judged once it proves HTTP. */
static void random_binary_is_not_http(void **st)
{
	unsigned seed = 12345;
	uint8_t buf[1500];
	for (int i = 0; i < 600; i++) {
		struct insp_sess s;
		start(&s, i & 1);
		for (int turn = 0; turn < 4; turn++) {
			for (unsigned k = 0; k < sizeof(buf); k++) {
				seed = seed * 1103515245u + 12345u;
				buf[k] = (uint8_t)(seed >> 16);
			}
			/* half the streams open with a token and a space, as many
			 * binary protocols' first bytes happen to */
			if (turn == 0 && (i & 2)) {
				memcpy(buf, "Xq 7", 4);
				buf[4] = '\r';
			}
			insp_feed(&s, turn & 1, buf, sizeof(buf), &env);
		}
		insp_close(&s, INSP_ORIG, &env);
		insp_close(&s, INSP_RESP, &env);
		if (alerts(&got)) {
			for (int f = 0; f < F__COUNT; f++)
				if (has(&got, f))
					print_message("stream %d raised %s\n", i, finding_table[f].name);
			fail();
		}
	}
}

/* A binary stream of zeros behind a token and a space, longer than any
 * line: no request line, no alert; a real method with an endless target
 * still is one. */
static void long_binary_line_is_not_http(void **st)
{
	static uint8_t buf[80000];   /* past the 64 kB line limit */
	for (int mid = 0; mid < 2; mid++) {
		struct insp_sess s;
		start(&s, mid);
		memset(buf, 0, sizeof(buf));
		memcpy(buf, "Xq 7", 4);
		insp_feed(&s, INSP_ORIG, buf, sizeof(buf), &env);
		assert_int_equal(alerts(&got), 0);
	}
	struct insp_sess s;
	start(&s, 0);
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "GET /", 5);
	insp_feed(&s, INSP_ORIG, buf, sizeof(buf), &env);
	assert_true(has(&got, F_H1_LINE_TOO_LONG));
}

/* HTTP/1.0 through a proxy the old way: Proxy-Connection keeps it open. */
static void http10_proxy_connection_keepalive_is_clean(void **st)
{
	struct insp_sess s;
	start(&s, 0);
	for (int i = 0; i < 3; i++) {
		feed(&s, INSP_ORIG, "GET http://www.example.com/ HTTP/1.0\r\nProxy-Connection: Keep-Alive\r\n\r\n");
		feed(&s, INSP_RESP, "HTTP/1.0 200 OK\r\nProxy-Connection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok");
	}
	assert_int_equal(alerts(&got), 0);
}
/* ---- header blocks split across segments --------------------------------- */

static void *no_block(void *user) { (void)user; return NULL; }

/* A header block cut inside a field name, a value and the request line
 * is read from a pooled block, whole; the block goes back when the block
 * ends, and a flow between messages holds none. */
static void split_header_block_takes_a_block_and_gives_it_back(void **st)
{
	static const char *const part[] = { "GE", "T /a HTTP/1.1\r\nHo", "st: shop.exa", "mple.com\r\nContent-Le",
					    "ngth: 2\r\n\r", "\nok" };
	struct insp_sess s;
	long out0 = test_blocks_out;
	start(&s, 0);
	feed(&s, INSP_ORIG, part[0]);
	assert_int_equal(test_blocks_out, out0 + 1);
	for (unsigned i = 1; i < 5; i++)
		feed(&s, INSP_ORIG, part[i]);
	assert_int_equal(test_blocks_out, out0 + 1);
	feed(&s, INSP_ORIG, part[5]);
	assert_int_equal(test_blocks_out, out0);     /* between messages: none */
	feed(&s, INSP_RESP, "HTTP/1.1 200 OK\r\nContent-");
	assert_int_equal(test_blocks_out, out0 + 1);
	insp_sess_release(&s, &env);                  /* the flow ends mid-block */
	assert_int_equal(test_blocks_out, out0);
	assert_string_equal(s.meta.host, "shop.example.com");
	assert_int_equal(alerts(&got), 0);
}

/* No block left: the split message is not read, and says so at the
 * strict tier; whole header blocks need none. */
static void no_block_left_is_h1_no_state(void **st)
{
	struct insp_env dry = env;
	dry.block_get = no_block;
	struct insp_sess s;
	start(&s, 0);
	insp_feed(&s, INSP_ORIG, (const uint8_t *)get_req, sizeof(get_req) - 1, &dry);
	assert_false(has(&got, F_H1_NO_STATE));
	insp_feed(&s, INSP_ORIG, (const uint8_t *)"GET /b HTTP/1.1\r\nHo", 20, &dry);
	assert_true(has(&got, F_H1_NO_STATE));
	assert_true(finding_table[F_H1_NO_STATE].tier >= TIER_AMBIGUOUS);
	insp_sess_release(&s, &dry);
}

int main(void)
{
	insp_limits_default(&lim);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cl_magnitudes_near_a_multiple_of_2g_wrap),
		cmocka_unit_test(server_close_before_content_length_is_truncation),
		cmocka_unit_test(client_reset_mid_download_is_no_truncation),
		cmocka_unit_test(client_close_first_is_no_truncation),
		cmocka_unit_test(complete_body_then_close_is_clean),
		cmocka_unit_test(http10_keepalive_after_answer_is_clean),
		cmocka_unit_test(http10_request_before_answer_is_pipelined),
		cmocka_unit_test(http11_pipelining_is_clean),
		cmocka_unit_test(midstream_answers_without_requests_are_clean),
		cmocka_unit_test(midstream_lost_answers_raise_no_pipeline_overflow),
		cmocka_unit_test(midstream_unanswered_requests_are_untracked_not_overflow),
		cmocka_unit_test(gap_in_answers_raises_no_pipeline_overflow),
		cmocka_unit_test(midstream_both_sides_lost_find_their_place),
		cmocka_unit_test(midstream_unseen_head_answer_does_not_swallow_the_next),
		cmocka_unit_test(midstream_non_http_stops_being_retried),
		cmocka_unit_test(random_binary_is_not_http),
		cmocka_unit_test(long_binary_line_is_not_http),
		cmocka_unit_test(http10_proxy_connection_keepalive_is_clean),
		cmocka_unit_test(split_header_block_takes_a_block_and_gives_it_back),
		cmocka_unit_test(no_block_left_is_h1_no_state),
	};
	return cmocka_run_group_tests_name("h1_order", tests, NULL, test_blocks_free_all);
}
