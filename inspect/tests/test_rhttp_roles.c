/* test_rhttp_roles.c — roles that turn with no Upgrade or CONNECT in
 * between (a reverse tunnel: the TCP initiator answers, the acceptor
 * asks).  Every shape is reported, as rhttp.allowed when the acceptor is
 * an allow-listed intermediary; roles that turn back, echo services,
 * flows picked up midway and ordinary keep-alive connections are not;
 * the verdict is the same whole, byte by byte and with thousands of
 * messages in one span. */
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

struct got { uint64_t bits[(F__COUNT + 63) / 64]; int n; };

static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta)
{
	struct got *g = user;
	g->bits[hit->finding / 64] |= 1ull << (hit->finding % 64);
	g->n++;
}

static int has(const struct got *g, enum finding f) { return (g->bits[f / 64] >> (f % 64)) & 1; }

static int rhttp_alerts(const struct got *g)
{
	int n = 0;
	for (int f = 0; f < F__COUNT; f++)
		n += has(g, f) && strncmp(finding_table[f].name, "rhttp.", 6) == 0 &&
		     finding_table[f].tier >= TIER_AMBIGUOUS;
	return n;
}

static struct insp_limits lim;
static struct fwd_prefix allow[1];

/* A conversation: "c..." from the initiator, "s..." from the acceptor. */
struct conv { const char *name; const char *turns[8]; enum finding want; };

#define OK "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
static const struct conv shapes[] = {
	{ "initiator opens with a response",
	  { "cHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "sGET /task HTTP/1.1\r\nHost: c2\r\n\r\n" },
	  F_RHTTP_ROLE_INVERSION },
	{ "acceptor asks after the initiator's hello",
	  { "cHELLO agent-7\r\n", "sGET /task HTTP/1.1\r\nHost: c2\r\n\r\n", "c" OK },
	  F_RHTTP_ROLE_INVERSION },
	{ "acceptor asks after a binary hello",
	  { "c\x17\x03\x00\x05hello", "sPOST /r HTTP/1.1\r\nHost: c2\r\nContent-Length: 1\r\n\r\nx", "c" OK },
	  F_RHTTP_ROLE_INVERSION },
	{ "acceptor asks instead of answering",
	  { "cGET /health HTTP/1.1\r\nHost: relay\r\n\r\n", "sGET /exec HTTP/1.1\r\nHost: agent\r\n\r\n", "c" OK },
	  F_RHTTP_ROLE_INVERSION },
	{ "acceptor speaks first (unchanged)",
	  { "sGET /task HTTP/1.1\r\nHost: c2\r\n\r\n", "c" OK }, F_RHTTP_ROLE_INVERSION },
	{ "roles turn after an exchange",
	  { "cGET /poll HTTP/1.1\r\nHost: relay\r\n\r\n", "s" OK, "sGET /admin HTTP/1.1\r\nHost: in\r\n\r\n", "c" OK },
	  F_RHTTP_ROLE_TURN },
	{ "roles turn inside the answer's span",
	  { "cGET /poll HTTP/1.1\r\nHost: relay\r\n\r\n", "s" OK "GET /admin HTTP/1.1\r\nHost: in\r\n\r\n", "c" OK },
	  F_RHTTP_ROLE_TURN },
	{ "the initiator's answer seen before the acceptor's question",
	  { "cGET /poll HTTP/1.1\r\nHost: relay\r\n\r\n", "s" OK, "c" OK, "sGET /next HTTP/1.1\r\nHost: in\r\n\r\n" },
	  F_RHTTP_ROLE_TURN },
	{ "roles turn inside a CONNECT tunnel",
	  { "cCONNECT relay:80 HTTP/1.1\r\nHost: relay:80\r\n\r\n", "sHTTP/1.1 200 Connection established\r\n\r\n",
	    "cGET /poll HTTP/1.1\r\nHost: relay\r\n\r\n", "s" OK, "sGET /admin HTTP/1.1\r\nHost: in\r\n\r\n", "c" OK },
	  F_RHTTP_TUNNEL_INBOUND },
};

static const struct conv benign[] = {
	{ "keep-alive with HEAD", { "cGET /a HTTP/1.1\r\nHost: a\r\n\r\n", "s" OK, "cHEAD /b HTTP/1.1\r\nHost: a\r\n\r\n",
				    "sHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", "cHEAD /c HTTP/1.1\r\nHost: a\r\n\r\n",
				    "sHTTP/1.1 304 Not Modified\r\n\r\n" } },
	{ "echo service", { "cGET / HTTP/1.0\r\n\r\n", "sGET / HTTP/1.0\r\n\r\n" } },
	{ "echo service, long target", { "cOPTIONS /a/very/long/path/to/echo HTTP/1.1\r\nHost: e\r\n\r\n",
					 "sOPTIONS /a/very/long/path/to/echo HTTP/1.1\r\nHost: e\r\n\r\n" } },
	{ "server greets, client asks", { "s220 ready\r\n", "cGET / HTTP/1.1\r\nHost: a\r\n\r\n" } },
	{ "SIP over TCP", { "cREGISTER sip:a SIP/2.0\r\nContent-Length: 0\r\n\r\n", "sSIP/2.0 200 OK\r\n\r\n",
			    "sOPTIONS sip:alice@a SIP/2.0\r\n\r\n", "cSIP/2.0 200 OK\r\n\r\n" } },
	{ "body that reads like a request", { "cGET /r.txt HTTP/1.1\r\nHost: a\r\n\r\n",
					      "sHTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\nGET / HTTP/1.1\r\n" } },
};

static void play(const struct conv *c, int midstream, int bytes, int allowed, struct got *g)
{
	static struct insp_sess s;
	uint8_t ini[16] = { 10, 1, 0, 1 }, acc[16] = { 192, 0, 2, 80 };
	struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = g,
				.rhttp_allow = allowed ? allow : NULL, .nrhttp_allow = allowed ? 1 : 0 };
	memset(g, 0, sizeof(*g));
	insp_sess_init(&s, midstream);
	insp_sess_addrs(&s, 4, ini, acc);
	for (int i = 0; i < 8 && c->turns[i]; i++) {
		int dir = c->turns[i][0] == 'c' ? INSP_ORIG : INSP_RESP;
		const uint8_t *p = (const uint8_t *)c->turns[i] + 1;
		uint32_t n = strlen(c->turns[i] + 1);
		if (c->turns[i][1] == '\x17')
			n = 9;       /* binary hello: a fixed length */
		for (uint32_t off = 0; off < n;) {
			uint32_t k = bytes ? 1 : n - off;
			insp_feed(&s, dir, p + off, k, &env);
			off += k;
		}
	}
	insp_close(&s, INSP_ORIG, &env);
	insp_close(&s, INSP_RESP, &env);
	insp_sess_release(&s, &env);
}

static void every_shape_is_reported_whole_and_byte_by_byte(void **st)
{
	struct got g;
	for (unsigned i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		for (int bytes = 0; bytes < 2; bytes++) {
			play(&shapes[i], 0, bytes, 0, &g);
			if (!has(&g, shapes[i].want))
				fail_msg("%s (%s): %s not raised", shapes[i].name, bytes ? "bytes" : "whole",
					 finding_table[shapes[i].want].name);
		}
}

static void allow_listed_intermediary_is_logged_not_alerted(void **st)
{
	struct got g;
	for (unsigned i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		play(&shapes[i], 0, 0, 1, &g);
		if (!has(&g, F_RHTTP_ALLOWED) || rhttp_alerts(&g))
			fail_msg("%s: allowed %d, rhttp alerts %d", shapes[i].name, has(&g, F_RHTTP_ALLOWED),
				 rhttp_alerts(&g));
	}
}

static void ordinary_connections_keep_their_roles(void **st)
{
	struct got g;
	for (unsigned i = 0; i < sizeof(benign) / sizeof(benign[0]); i++)
		for (int bytes = 0; bytes < 2; bytes++) {
			play(&benign[i], 0, bytes, 0, &g);
			if (has(&g, F_RHTTP_ROLE_INVERSION) || has(&g, F_RHTTP_ROLE_TURN) ||
			    has(&g, F_RHTTP_TUNNEL_INBOUND) || has(&g, F_RHTTP_ALLOWED))
				fail_msg("%s (%s): roles judged", benign[i].name, bytes ? "bytes" : "whole");
		}
}

static void flows_picked_up_midway_are_not_judged(void **st)
{
	struct got g;
	for (unsigned i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		play(&shapes[i], 1, 0, 0, &g);
		if (rhttp_alerts(&g))
			fail_msg("%s: judged midstream", shapes[i].name);
	}
}

/* After the roles turned once, turning back to the usual client is no
 * new finding; turning again is none either (one per connection is
 * enough to act on). */
static void turning_back_is_silent(void **st)
{
	static const struct conv c = { "back", {
		"cGET /poll HTTP/1.1\r\nHost: relay\r\n\r\n", "s" OK,
		"sGET /admin HTTP/1.1\r\nHost: in\r\n\r\n", "c" OK,
		"cGET /poll2 HTTP/1.1\r\nHost: relay\r\n\r\n", "s" OK } };
	struct got g;
	play(&c, 0, 0, 0, &g);
	assert_true(has(&g, F_RHTTP_ROLE_TURN));
	assert_int_equal(g.n, 1);
}

/* Many answers in one span, nothing outstanding: each is a point where
 * the roles may turn, read in a loop (no recursion), same findings
 * however the span is cut. */
static void thousands_of_answers_in_one_span(void **st)
{
	static const char one[] = "HTTP/1.1 204 No Content\r\n\r\n";
	uint32_t k = sizeof(one) - 1, count = 20000, n = k * count;
	char *span = malloc(n + 64);
	for (uint32_t i = 0; i < count; i++)
		memcpy(span + i * k, one, k);
	memcpy(span + n, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", 28);
	n += 28;
	struct got whole, cut;
	for (int pass = 0; pass < 2; pass++) {
		struct got *g = pass ? &cut : &whole;
		static struct insp_sess s;
		struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = g };
		memset(g, 0, sizeof(*g));
		insp_sess_init(&s, 0);
		const char *req = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
		insp_feed(&s, INSP_ORIG, (const uint8_t *)req, strlen(req), &env);
		for (uint32_t off = 0; off < n;) {
			uint32_t step = pass ? 1 + off % 7 : n - off;
			if (step > n - off)
				step = n - off;
			insp_feed(&s, INSP_RESP, (const uint8_t *)span + off, step, &env);
			off += step;
		}
		insp_sess_release(&s, &env);
	}
	assert_memory_equal(whole.bits, cut.bits, sizeof(whole.bits));
	assert_true(has(&whole, F_H1_RESP_UNSOLICITED));
	assert_true(has(&whole, F_RHTTP_ROLE_TURN));
	free(span);
}

static int setup(void **st)
{
	insp_limits_default(&lim);
	fwd_prefix_parse("192.0.2.0/24", &allow[0]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_shape_is_reported_whole_and_byte_by_byte),
		cmocka_unit_test(allow_listed_intermediary_is_logged_not_alerted),
		cmocka_unit_test(ordinary_connections_keep_their_roles),
		cmocka_unit_test(flows_picked_up_midway_are_not_judged),
		cmocka_unit_test(turning_back_is_silent),
		cmocka_unit_test(thousands_of_answers_in_one_span),
	};
	return cmocka_run_group_tests(tests, setup, test_blocks_free_all);
}
