/* test_h1_early.c — bytes a client sends ahead of an Upgrade or CONNECT
 * answer (h1_early.c): the same findings whichever direction is read first
 * (the early bytes before the answer, or after it with the client's ACK
 * showing they were sent before it), the finding at arrival, keep-alive
 * after an answer left alone, the hold bound and an empty pool judged
 * strictly, h2c origins, and every held buffer given back. */
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

struct fset { uint64_t bits[(F__COUNT + 63) / 64]; };

static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta)
{
	struct fset *fs = user;
	fs->bits[hit->finding / 64] |= 1ull << (hit->finding % 64);
}

static int has(const struct fset *f, enum finding x) { return (f->bits[x / 64] >> (x % 64)) & 1; }

static struct insp_limits lim;
static int pool_left = 1000, pool_out;
static void *h2_get(void *user) { return malloc(sizeof(struct h2_conn)); }
static void h2_put(void *user, void *p) { free(p); }
static void *early_get(void *user)
{
	if (pool_left == 0)
		return NULL;
	pool_left--;
	pool_out++;
	return malloc(H1_EARLY_MAX);
}
static void early_put(void *user, void *p)
{
	pool_left++;
	pool_out--;
	free(p);
}

struct conv {
	struct insp_sess s;
	struct insp_env env;
	struct fset f;
	uint64_t fed[2];
};

static void conv_start(struct conv *c)
{
	memset(c, 0, sizeof(*c));
	c->env = (struct insp_env){ .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = &c->f, .h2_get = h2_get,
				    .h2_put = h2_put, .early_get = early_get, .early_put = early_put };
	insp_sess_init(&c->s, 0);
}

/* Feed one side's bytes in pieces of `step` (0: whole), the sender having
 * received `acked` bytes of the other side (-1: all fed so far). */
static void send_ack(struct conv *c, int dir, const char *b, size_t n, uint32_t step, int64_t acked)
{
	uint64_t a = acked < 0 ? c->fed[!dir] : (uint64_t)acked;
	for (size_t off = 0; off < n;) {
		uint32_t k = step && n - off > step ? step : (uint32_t)(n - off);
		if (insp_wants_ack(&c->s, dir))
			insp_ack(&c->s, dir, a);
		insp_feed(&c->s, dir, (const uint8_t *)b + off, k, &c->env);
		off += k;
	}
	c->fed[dir] += n;
}

static void send(struct conv *c, int dir, const char *b, uint32_t step)
{
	send_ack(c, dir, b, strlen(b), step, -1);
}

static void conv_end(struct conv *c)
{
	insp_close(&c->s, INSP_ORIG, &c->env);
	insp_close(&c->s, INSP_RESP, &c->env);
	insp_sess_release(&c->s, &c->env);
}

#define WS_REQ "GET /chat HTTP/1.1\r\nHost: a.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" \
	       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
#define WS_101 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" \
	       "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
#define H2C_REQ "GET / HTTP/1.1\r\nHost: a.example\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n" \
		"HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"
#define H2C_101 "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
#define CONNECT "CONNECT inner.example:80 HTTP/1.1\r\nHost: inner.example:80\r\n\r\n"
#define SMUG "GET /admin HTTP/1.1\r\nHost: localhost\r\n\r\n"
#define CLTE "POST /admin HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
#define OK "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

struct early_case {
	const char *name, *req, *early, *answer;
	size_t early_len;              /* 0: strlen */
	enum finding want[3];          /* F__COUNT ends the list */
	int benign;                    /* nothing at ambiguous or above */
};

static const struct early_case cases[] = {
	{ "request behind websocket, 426", WS_REQ, SMUG,
	  "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n", 0,
	  { F_H1_UPGRADE_EARLY_DATA, F_H1_UPGRADE_REFUSED_DATA, F__COUNT } },
	{ "request behind h2c, 200 (CVE-2026-2833)", H2C_REQ, SMUG, OK, 0,
	  { F_H1_UPGRADE_EARLY_DATA, F__COUNT } },
	{ "CL.TE behind h2c, read after the 200", H2C_REQ, CLTE, OK, 0,
	  { F_H1_UPGRADE_EARLY_DATA, F_H1_CL_AND_TE, F__COUNT } },
	{ "request behind an unknown token", "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\n",
	  SMUG, OK, 0, { F_H1_UPGRADE_EARLY_DATA, F__COUNT } },
	{ "unmasked frame before the 101", WS_REQ, "\x81\x05hello", WS_101, 0,
	  { F_H1_UPGRADE_EARLY_DATA, F_WS_UNMASKED_CLIENT, F__COUNT } },
	{ "h2 preface before the 101", H2C_REQ, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00",
	  H2C_101, 33, { F_H1_UPGRADE_EARLY_DATA, F_H2C_UPGRADE_UNLISTED, F__COUNT } },
	{ "request behind CONNECT, 407", CONNECT, SMUG,
	  "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n", 0,
	  { F_H1_CONNECT_EARLY_REQUEST, F__COUNT } },
	{ "CL.TE behind CONNECT, 200", CONNECT, CLTE, "HTTP/1.1 200 Connection established\r\n\r\n", 0,
	  { F_H1_CONNECT_EARLY_REQUEST, F_H1_CL_AND_TE, F__COUNT } },
	{ "TLS hello behind CONNECT, 200", CONNECT, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03RRRRRRRR",
	  "HTTP/1.1 200 Connection established\r\n\r\n", 19, { F__COUNT }, 1 },
	{ "SSH banner behind CONNECT, 200", CONNECT, "SSH-2.0-OpenSSH_9.2p1\r\n",
	  "HTTP/1.1 200 Connection established\r\n\r\n", 0, { F__COUNT }, 1 },
};

static void check(const struct early_case *k, const struct fset *f, const char *how)
{
	for (int i = 0; i < 3 && k->want[i] != F__COUNT; i++)
		if (!has(f, k->want[i]))
			fail_msg("%s (%s): %s missing", k->name, how, finding_table[k->want[i]].name);
	for (int i = 0; k->benign && i < F__COUNT; i++)
		if (has(f, i) && finding_table[i].tier >= TIER_AMBIGUOUS)
			fail_msg("%s (%s): benign but raised %s", k->name, how, finding_table[i].name);
}

/* order 0: early bytes, then the answer; 1: the answer, then the early
 * bytes with an ACK that misses it.  step: piece size (0 whole). */
static void play(const struct early_case *k, int order, uint32_t step, struct fset *out)
{
	struct conv c;
	conv_start(&c);
	size_t en = k->early_len ? k->early_len : strlen(k->early);
	send(&c, INSP_ORIG, k->req, step);
	uint64_t before = c.fed[INSP_RESP];
	if (order == 0) {
		send_ack(&c, INSP_ORIG, k->early, en, step, -1);
		send(&c, INSP_RESP, k->answer, step);
	} else {
		send(&c, INSP_RESP, k->answer, step);
		send_ack(&c, INSP_ORIG, k->early, en, step, (int64_t)before);
	}
	conv_end(&c);
	*out = c.f;
	assert_int_equal(pool_out, 0);
}

static void same_findings_either_order(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct early_case *k = &cases[i];
		struct fset ref, f;
		play(k, 0, 0, &ref);
		check(k, &ref, "early bytes first");
		static const uint32_t steps[] = { 0, 1, 3, 17 };
		for (int o = 0; o < 2; o++)
			for (size_t s = 0; s < 4; s++) {
				play(k, o, steps[s], &f);
				char how[64];
				snprintf(how, sizeof(how), "%s, pieces of %u", o ? "answer first" : "early first", steps[s]);
				check(k, &f, how);
				if (memcmp(&f, &ref, sizeof(f)) != 0)
					fail_msg("%s (%s): findings differ from the early-first order", k->name, how);
			}
	}
}

/* Inline judges the segment that carries the early bytes before it goes
 * on: the finding must come with it, not with the answer. */
static void finding_at_arrival(void **state)
{
	struct conv c;
	conv_start(&c);
	send(&c, INSP_ORIG, H2C_REQ, 0);
	assert_false(has(&c.f, F_H1_UPGRADE_EARLY_DATA));
	send(&c, INSP_ORIG, "G", 0);
	assert_true(has(&c.f, F_H1_UPGRADE_EARLY_DATA));
	conv_end(&c);

	conv_start(&c);
	send(&c, INSP_ORIG, CONNECT, 0);
	send(&c, INSP_ORIG, "GET", 0);         /* not yet a request line */
	assert_false(has(&c.f, F_H1_CONNECT_EARLY_REQUEST));
	send(&c, INSP_ORIG, " /x HTTP/1.1\r\n", 0);
	assert_true(has(&c.f, F_H1_CONNECT_EARLY_REQUEST));
	conv_end(&c);
	assert_int_equal(pool_out, 0);
}

/* A request sent after the answer arrived is keep-alive, not early: its
 * ACK covers the answer (or no ACK is known and it is read after it). */
static void keepalive_after_answer(void **state)
{
	for (int with_ack = 0; with_ack < 2; with_ack++) {
		struct conv c;
		conv_start(&c);
		send(&c, INSP_ORIG, H2C_REQ, 0);
		send(&c, INSP_RESP, OK, 0);
		if (with_ack)
			send_ack(&c, INSP_ORIG, SMUG, strlen(SMUG), 0, (int64_t)c.fed[INSP_RESP]);
		else
			send(&c, INSP_ORIG, SMUG, 0);   /* no insp_ack at all */
		send(&c, INSP_RESP, OK, 0);
		conv_end(&c);
		for (int i = 0; i < F__COUNT; i++)
			if (has(&c.f, i) && finding_table[i].tier >= TIER_AMBIGUOUS)
				fail_msg("keep-alive after a declined h2c offer raised %s", finding_table[i].name);
	}
	/* ... and an ACK short of the answer's end makes the same bytes early */
	struct conv c;
	conv_start(&c);
	send(&c, INSP_ORIG, H2C_REQ, 0);
	send(&c, INSP_RESP, OK, 0);
	send_ack(&c, INSP_ORIG, SMUG, strlen(SMUG), 0, (int64_t)c.fed[INSP_RESP] - 8);
	conv_end(&c);
	assert_true(has(&c.f, F_H1_UPGRADE_EARLY_DATA));
}

/* More early bytes than a flow may hold: the counted reason and the
 * strict verdict, whichever part arrives first; the buffer goes back. */
static void bound_per_flow(void **state)
{
	static char big[H1_EARLY_MAX + 600];
	int total = (int)sizeof(big) - 1;
	int hdr = snprintf(big, sizeof(big), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: %04d\r\n\r\n", 0);
	snprintf(big, sizeof(big), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: %04d\r\n\r\n", total - hdr);
	memset(big + hdr, 'A', total - hdr);
	big[total] = 0;
	for (uint32_t step = 0; step <= 100; step += 100) {
		struct conv c;
		conv_start(&c);
		send(&c, INSP_ORIG, H2C_REQ, 0);
		send(&c, INSP_ORIG, big, step);
		assert_true(has(&c.f, F_H1_EARLY_DATA_UNREAD));
		assert_true(has(&c.f, F_H1_UPGRADE_EARLY_DATA));
		assert_true(finding_table[F_H1_EARLY_DATA_UNREAD].tier >= TIER_AMBIGUOUS);
		send(&c, INSP_RESP, OK, 0);
		send(&c, INSP_ORIG, SMUG, 0);        /* framing lost: not read, no crash */
		conv_end(&c);
		assert_int_equal(pool_out, 0);
	}
	/* exactly the bound: held whole, read, nothing unread */
	struct conv c;
	conv_start(&c);
	static char fit[H1_EARLY_MAX + 1];
	snprintf(fit, sizeof(fit), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: %04d\r\n\r\n", H1_EARLY_MAX - hdr);
	memset(fit + hdr, 'B', H1_EARLY_MAX - hdr);
	send(&c, INSP_ORIG, H2C_REQ, 0);
	send_ack(&c, INSP_ORIG, fit, H1_EARLY_MAX, 0, -1);
	send(&c, INSP_RESP, OK, 0);
	conv_end(&c);
	assert_true(has(&c.f, F_H1_UPGRADE_EARLY_DATA));
	assert_false(has(&c.f, F_H1_EARLY_DATA_UNREAD));
}

/* No buffer left in the pool (the bound on all flows): the same strict
 * verdict, and a CONNECT prefix that cannot be looked at further counts as
 * a request. */
static void bound_total(void **state)
{
	int saved = pool_left;
	pool_left = 0;
	struct conv c;
	conv_start(&c);
	send(&c, INSP_ORIG, WS_REQ, 0);
	send(&c, INSP_ORIG, SMUG, 0);
	send(&c, INSP_RESP, OK, 0);
	conv_end(&c);
	assert_true(has(&c.f, F_H1_UPGRADE_EARLY_DATA));
	assert_true(has(&c.f, F_H1_EARLY_DATA_UNREAD));

	conv_start(&c);
	send(&c, INSP_ORIG, CONNECT, 0);
	send(&c, INSP_ORIG, "GE", 0);
	conv_end(&c);
	assert_true(has(&c.f, F_H1_CONNECT_EARLY_REQUEST));
	assert_true(has(&c.f, F_H1_EARLY_DATA_UNREAD));

	/* ... but a TLS hello shows what it is at its first byte */
	conv_start(&c);
	send(&c, INSP_ORIG, CONNECT, 0);
	send_ack(&c, INSP_ORIG, "\x16\x03\x01\x00\x05hello", 10, 0, -1);
	send(&c, INSP_RESP, "HTTP/1.1 200 Connection established\r\n\r\n", 0);
	conv_end(&c);
	for (int i = 0; i < F__COUNT; i++)
		assert_false(has(&c.f, i) && finding_table[i].tier >= TIER_AMBIGUOUS);
	pool_left = saved;
	assert_int_equal(pool_out, 0);
}

/* A request held behind one upgrade may itself be an upgrade with bytes
 * behind it: each wait holds its own buffer, and all go back. */
static void nested_wait(void **state)
{
	struct conv c;
	conv_start(&c);
	send(&c, INSP_ORIG, H2C_REQ WS_REQ SMUG, 0);
	send(&c, INSP_RESP, OK, 0);                    /* h2c declined: the ws request is read */
	assert_int_equal(pool_out, 1);                 /* SMUG waits behind it */
	send(&c, INSP_RESP, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 0);
	assert_int_equal(pool_out, 0);
	conv_end(&c);
	assert_true(has(&c.f, F_H1_UPGRADE_EARLY_DATA));
	assert_true(has(&c.f, F_H1_UPGRADE_REFUSED_DATA));
	/* flow ends with bytes still held: released */
	conv_start(&c);
	send(&c, INSP_ORIG, WS_REQ SMUG, 0);
	assert_int_equal(pool_out, 1);
	conv_end(&c);
	assert_int_equal(pool_out, 0);
}

/* An accepted h2c upgrade alerts unless h2c.origins lists the server. */
static void h2c_origins(void **state)
{
	struct fwd_prefix list[1];
	assert_int_equal(fwd_prefix_parse("10.1.0.0/16", &list[0]), 0);
	uint8_t cli[16] = { 192, 0, 2, 7 }, in[16] = { 10, 1, 2, 3 }, out[16] = { 10, 2, 0, 1 };
	for (int listed = 0; listed < 2; listed++) {
		struct conv c;
		conv_start(&c);
		c.env.h2c_origins = list;
		c.env.nh2c_origins = 1;
		insp_sess_addrs(&c.s, 4, cli, listed ? in : out);
		send(&c, INSP_ORIG, H2C_REQ, 0);
		send(&c, INSP_RESP, H2C_101, 0);
		send(&c, INSP_ORIG, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0);
		conv_end(&c);
		assert_true(has(&c.f, F_H2C_UPGRADE_ACCEPTED));
		assert_int_equal(has(&c.f, F_H2C_UPGRADE_UNLISTED), !listed);
	}
	/* a declined offer is only the anomaly it was */
	struct conv c;
	conv_start(&c);
	send(&c, INSP_ORIG, H2C_REQ, 0);
	send(&c, INSP_RESP, OK, 0);
	conv_end(&c);
	assert_true(has(&c.f, F_H2C_UPGRADE_ATTEMPT));
	assert_false(has(&c.f, F_H2C_UPGRADE_UNLISTED));
	assert_int_equal(finding_table[F_H2C_UPGRADE_ATTEMPT].tier, TIER_ACCEPTABLE);
}

int main(void)
{
	insp_limits_default(&lim);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_findings_either_order),
		cmocka_unit_test(finding_at_arrival),
		cmocka_unit_test(keepalive_after_answer),
		cmocka_unit_test(bound_per_flow),
		cmocka_unit_test(bound_total),
		cmocka_unit_test(nested_wait),
		cmocka_unit_test(h2c_origins),
	};
	return cmocka_run_group_tests_name("h1_early", tests, NULL, test_blocks_free_all);
}
