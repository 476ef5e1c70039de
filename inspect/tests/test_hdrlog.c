/* test_hdrlog.c — the header fields EVE shows: what the HTTP/1 analyzer
 * captures (names in their case, values trimmed, obs-fold joined, trailers
 * left out), the same whichever way the bytes are cut, bounded in fields and
 * bytes with the cut flagged, and never another message's fields: a capture
 * taken by newer messages is exported as lost, and a new request forgets
 * the previous response. */
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

static struct insp_limits lim;
static struct hdrlog hl;
static uint8_t blob[1 << 17];
static int exports_at_cl_te;

/* What an event raised now would carry: the worker exports at this point. */
static struct hdrlog_ref at_ws_colon;
static int in_header_at_ws_colon;

static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta)
{
	if (hit->finding == F_H1_WS_BEFORE_COLON && user) {
		/* what the worker does: keep the claims, wait for the block */
		at_ws_colon = *(struct hdrlog_ref *)user;
		in_header_at_ws_colon = insp_in_header((const struct insp_sess *)((char *)user -
					offsetof(struct insp_sess, hl)), hit->dir);
	}
	if (hit->finding == F_H1_CL_AND_TE) {
		hdrlog_export(&hl, user, user, 0, blob);
		exports_at_cl_te++;
	}
}

static struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .hdrlog = &hl };

static void setup_log(uint8_t dump, uint32_t max_headers, uint32_t max_bytes, uint32_t slots)
{
	char err[128];
	struct hdrlog_cfg c;
	hdrlog_cfg_default(&c);
	c.dump = dump;
	c.max_headers = max_headers;
	c.max_header_bytes = max_bytes;
	c.slots = slots;
	hdrlog_free(&hl);
	insp_limits_default(&lim);
	assert_int_equal(hdrlog_init(&hl, &c, err, sizeof(err)), 0);
	assert_true(hdrlog_export_size(&hl) <= sizeof(blob));
}

/* Feed a conversation: client bytes then server bytes, cut every `step`. */
static void feed(struct insp_sess *s, const char *req, const char *rsp, uint32_t step)
{
	for (int dir = 0; dir < 2; dir++) {
		const char *p = dir ? rsp : req;
		uint32_t n = p ? strlen(p) : 0;
		for (uint32_t i = 0; i < n; i += step)
			insp_feed(s, dir, (const uint8_t *)p + i, n - i < step ? n - i : step, &env);
	}
}

/* Export what an event would carry (to_client: a response-side one); its request part. */
static const struct hdrlog_msg *exported(struct insp_sess *s, int to_client)
{
	memset(blob, 0xa5, sizeof(blob));
	hdrlog_export(&hl, &s->hl, &s->hl, to_client, blob);
	return hdrlog_blob_msg(blob, 1);
}

static void field_is(const struct hdrlog_msg *m, uint32_t i, const char *name, const char *val, uint32_t vlen)
{
	const char *n, *v;
	uint32_t nl, vl;
	assert_true(i < hdrlog_msg_nfields(m));
	hdrlog_msg_field(m, i, &n, &nl, &v, &vl);
	assert_int_equal(nl, strlen(name));
	assert_memory_equal(n, name, nl);
	assert_int_equal(vl, vlen);
	assert_memory_equal(v, val, vl);
}

#define known_is(m, k, w) known_is_at(__LINE__, m, k, w)
static void known_is_at(int line, const struct hdrlog_msg *m, enum hdrlog_known k, const char *want)
{
	const char *v;
	uint32_t n;
	if (!want) {
		assert_int_equal(hdrlog_msg_known(m, k, &v, &n), 0);
		return;
	}
	if (!hdrlog_msg_known(m, k, &v, &n)) fail_msg("line %d", line);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(v, want, n);
}

static const char cl_te[] =
	"POST /login HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: Mozilla/5.0 (X11)\r\n"
	"content-type: application/x-www-form-urlencoded\r\nContent-Length:   35 \r\n"
	"Transfer-Encoding: chunked\r\nReferer: https://shop.example.com/\r\n\r\n"
	"0\r\n\r\nGET /404 HTTP/1.1\r\nX-Ignore: X";
static const char redirect[] =
	"HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 0\r\n\r\n";

static void cl_te_alert_carries_its_request_fields_in_their_case(void **st)
{
	setup_log(HDRLOG_DUMP_REQ | HDRLOG_DUMP_RSP, 64, 4096, 16);
	for (uint32_t step = 1; step <= sizeof(cl_te); step += step < 8 ? 1 : 37) {
		struct insp_sess s;
		insp_sess_init(&s, 0);
		env.user = &s.hl;
		exports_at_cl_te = 0;
		memset(blob, 0xa5, sizeof(blob));
		feed(&s, cl_te, NULL, step);
		assert_int_equal(exports_at_cl_te, 1);
		const struct hdrlog_msg *rq = hdrlog_blob_msg(blob, 1);
		assert_non_null(rq);
		assert_int_equal(hdrlog_msg_nfields(rq), 6);
		field_is(rq, 0, "Host", "shop.example.com", 16);
		field_is(rq, 2, "content-type", "application/x-www-form-urlencoded", 33);
		field_is(rq, 3, "Content-Length", "35", 2);            /* OWS trimmed */
		field_is(rq, 4, "Transfer-Encoding", "chunked", 7);
		assert_false(hdrlog_msg_truncated(rq));
		known_is(rq, HL_USER_AGENT, "Mozilla/5.0 (X11)");
		known_is(rq, HL_REFERER, "https://shop.example.com/");
		known_is(rq, HL_CONTENT_TYPE, NULL);                    /* a response's field */
		assert_null(hdrlog_blob_msg(blob, 0));                  /* no response yet */

		/* the smuggled request behind it is the connection's next message */
		known_is(exported(&s, 0), HL_USER_AGENT, NULL);
		env.user = NULL;
	}
}

static void response_fields_survive_every_split(void **st)
{
	setup_log(HDRLOG_DUMP_REQ | HDRLOG_DUMP_RSP, 64, 4096, 16);
	for (uint32_t step = 1; step <= sizeof(redirect); step += step < 8 ? 1 : 29) {
		struct insp_sess s;
		insp_sess_init(&s, 0);
		feed(&s, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", redirect, step);
		const struct hdrlog_msg *rs = (exported(&s, 0), hdrlog_blob_msg(blob, 0));
		assert_non_null(rs);
		assert_int_equal(hdrlog_msg_nfields(rs), 3);
		field_is(rs, 0, "Location", "/next", 5);
		known_is(rs, HL_LOCATION, "/next");
		known_is(rs, HL_CONTENT_TYPE, "text/html; charset=utf-8");
		known_is(rs, HL_CONTENT_LENGTH, "0");
		known_is(rs, HL_USER_AGENT, NULL);
	}
}

static void a_finding_inside_a_block_reads_the_whole_block(void **st)
{
	/* whitespace before the colon is raised at the colon, before the field
	 * and those after it are read; the pipelined request behind it must not
	 * stand in for it */
	static const char req[] = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n"
				  "Content-Length: 5\r\nUser-Agent: first\r\n\r\n0\r\n\r\n"
				  "GET /next HTTP/1.1\r\nHost: a\r\nUser-Agent: second\r\n";
	setup_log(HDRLOG_DUMP_REQ, 64, 4096, 16);
	for (uint32_t step = 1; step < sizeof(req); step += 13) {
		struct insp_sess s;
		insp_sess_init(&s, 0);
		env.user = &s.hl;
		memset(&at_ws_colon, 0, sizeof(at_ws_colon));
		in_header_at_ws_colon = 0;
		feed(&s, req, NULL, step);
		env.user = NULL;
		assert_int_equal(in_header_at_ws_colon, 1);
		assert_int_not_equal(at_ws_colon.seq[0], s.hl.seq[0]);    /* a newer request began */
		assert_int_equal(insp_in_header(&s, INSP_ORIG), 1);       /* ... and is still being read */
		hdrlog_export(&hl, &s.hl, &at_ws_colon, 0, blob);
		const struct hdrlog_msg *rq = hdrlog_blob_msg(blob, 1);
		assert_int_equal(hdrlog_msg_nfields(rq), 4);
		field_is(rq, 1, "Transfer-Encoding", "chunked", 7);
		field_is(rq, 2, "Content-Length", "5", 1);
		known_is(rq, HL_USER_AGENT, "first");
	}
}

static void without_a_dump_only_the_known_fields_are_kept(void **st)
{
	setup_log(0, 64, 4096, 16);
	struct insp_sess s;
	insp_sess_init(&s, 0);
	feed(&s, "GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: first\r\nUser-Agent: second\r\n\r\n", redirect, 5);
	const struct hdrlog_msg *rq = exported(&s, 0);
	assert_false(hdrlog_msg_dumped(rq));
	assert_int_equal(hdrlog_msg_nfields(rq), 0);
	known_is(rq, HL_USER_AGENT, "first");                       /* the first one counts */
	known_is(hdrlog_blob_msg(blob, 0), HL_LOCATION, "/next");
}

static void obs_fold_joins_the_field_before_it(void **st)
{
	setup_log(HDRLOG_DUMP_REQ, 64, 4096, 16);
	struct insp_sess s;
	insp_sess_init(&s, 0);
	feed(&s, "GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n  two\r\n\tthree\r\nAccept: */*\r\n\r\n", NULL, 3);
	const struct hdrlog_msg *rq = exported(&s, 0);
	assert_int_equal(hdrlog_msg_nfields(rq), 3);
	field_is(rq, 1, "X-Long", "one two three", 13);
	field_is(rq, 2, "Accept", "*/*", 3);
}

static void trailers_are_not_listed(void **st)
{
	setup_log(HDRLOG_DUMP_REQ, 64, 4096, 16);
	struct insp_sess s;
	insp_sess_init(&s, 0);
	feed(&s, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-Trailer: t\r\n\r\n",
	     NULL, 7);
	const struct hdrlog_msg *rq = exported(&s, 0);
	assert_int_equal(hdrlog_msg_nfields(rq), 2);
	field_is(rq, 1, "Transfer-Encoding", "chunked", 7);
}

static void hostile_bytes_are_kept_as_received(void **st)
{
	setup_log(HDRLOG_DUMP_REQ, 64, 4096, 16);
	struct insp_sess s;
	insp_sess_init(&s, 0);
	static const char req[] = "GET / HTTP/1.1\r\nHost: a\r\nX\xff\x01y: v\x00w\xff\"\\\r\n\r\n";
	for (uint32_t i = 0; i < sizeof(req) - 1; i++)
		insp_feed(&s, 0, (const uint8_t *)req + i, 1, &env);
	const struct hdrlog_msg *rq = exported(&s, 0);
	assert_int_equal(hdrlog_msg_nfields(rq), 2);
	field_is(rq, 1, "X\xff\x01y", "v\x00w\xff\"\\", 6);
}

static void field_count_and_bytes_are_bounded_and_flagged(void **st)
{
	char req[4096];
	int n = snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: a\r\n");
	for (int i = 0; i < 20; i++)
		n += snprintf(req + n, sizeof(req) - n, "X-%02d: %s\r\n", i, "0123456789");
	snprintf(req + n, sizeof(req) - n, "\r\n");

	setup_log(HDRLOG_DUMP_REQ, 8, 4096, 16);
	struct insp_sess s;
	insp_sess_init(&s, 0);
	feed(&s, req, NULL, 11);
	const struct hdrlog_msg *rq = exported(&s, 0);
	assert_int_equal(hdrlog_msg_nfields(rq), 8);
	assert_true(hdrlog_msg_truncated(rq));
	assert_int_equal(hl.ctr[HLC_fields_dropped], 13);

	/* 68 bytes: Host (4 + 1) and four whole X- fields (4 + 10 each), then
	 * the fifth's name and 3 bytes of its value */
	setup_log(HDRLOG_DUMP_REQ, 64, 68, 16);
	insp_sess_init(&s, 0);
	feed(&s, req, NULL, 1000);
	rq = exported(&s, 0);
	assert_int_equal(hdrlog_msg_nfields(rq), 6);
	field_is(rq, 4, "X-03", "0123456789", 10);
	field_is(rq, 5, "X-04", "012", 3);
	assert_true(hdrlog_msg_truncated(rq));
	assert_int_equal(hl.ctr[HLC_values_cut], 1);

	/* a value past the analyzer's 255 bytes is cut and flagged */
	char big[600];
	n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: a\r\nCookie: ");
	memset(big + n, 'v', 400);
	memcpy(big + n + 400, "\r\n\r\n", 5);
	setup_log(HDRLOG_DUMP_REQ, 64, 4096, 16);
	insp_sess_init(&s, 0);
	feed(&s, big, NULL, 1000);
	rq = exported(&s, 0);
	assert_int_equal(hdrlog_msg_nfields(rq), 2);
	assert_true(hdrlog_msg_truncated(rq));
	const char *nm, *v;
	uint32_t nl, vl;
	hdrlog_msg_field(rq, 1, &nm, &nl, &v, &vl);
	assert_int_equal(vl, 254);            /* 255 kept, the SP after the colon trimmed */
}

static void a_reused_capture_is_exported_as_lost(void **st)
{
	setup_log(HDRLOG_DUMP_REQ, 64, 4096, 16);
	struct insp_sess a, b;
	insp_sess_init(&a, 0);
	insp_sess_init(&b, 0);
	feed(&a, "GET /a HTTP/1.1\r\nHost: a\r\nUser-Agent: A\r\n\r\n", NULL, 100);
	/* sixteen newer requests on the same worker take every slot */
	for (int i = 0; i < 16; i++)
		feed(&b, "GET /b HTTP/1.1\r\nHost: b\r\nUser-Agent: B\r\n\r\n", NULL, 100);
	assert_true(hdrlog_wanted(&hl, &a.hl, &a.hl, 0));
	const struct hdrlog_msg *rq = exported(&a, 0);
	assert_non_null(rq);
	assert_true(hdrlog_msg_truncated(rq));
	assert_int_equal(hdrlog_msg_nfields(rq), 0);
	known_is(rq, HL_USER_AGENT, NULL);                          /* never B's */
	assert_int_equal(hl.ctr[HLC_reused], 1);
	rq = exported(&b, 0);
	known_is(rq, HL_USER_AGENT, "B");
}

static void a_response_pairs_with_the_request_it_answers(void **st)
{
	static const char r1[] = "GET /1 HTTP/1.1\r\nHost: a\r\nUser-Agent: one\r\n\r\n";
	static const char r2[] = "GET /2 HTTP/1.1\r\nHost: a\r\nUser-Agent: two\r\n\r\n";
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	const char *m, *u, *p;
	uint32_t ml, ul, pl;
	setup_log(HDRLOG_DUMP_REQ | HDRLOG_DUMP_RSP, 64, 4096, 16);
	struct insp_sess s;
	insp_sess_init(&s, 0);
	/* pipelined: both requests before the first answer */
	feed(&s, r1, NULL, 100);
	feed(&s, r2, "HTTP/1.1 200", 100);
	const struct hdrlog_msg *rq = exported(&s, 1);
	known_is(rq, HL_USER_AGENT, "one");
	assert_true(hdrlog_msg_request_line(rq, &m, &ml, &u, &ul, &p, &pl));
	assert_int_equal(ul, 2);
	assert_memory_equal(u, "/1", 2);
	/* a request-side event of /2 shows no response: none answers it yet */
	assert_null(exported(&s, 0) ? hdrlog_blob_msg(blob, 0) : NULL);
	known_is(hdrlog_blob_msg(blob, 1), HL_USER_AGENT, "two");
	feed(&s, NULL, " OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nLocation: /2\r\n\r\n", 100);
	known_is(exported(&s, 1), HL_USER_AGENT, "two");
	known_is(hdrlog_blob_msg(blob, 0), HL_LOCATION, "/2");
	/* now /2 is answered: its own events show that response */
	known_is(exported(&s, 0), HL_USER_AGENT, "two");
	known_is(hdrlog_blob_msg(blob, 0), HL_LOCATION, "/2");

	/* a request smuggled behind a body is still in its header block when
	 * the answer to the one before it begins */
	insp_sess_init(&s, 0);
	feed(&s, "POST / HTTP/1.1\r\nHost: a\r\nUser-Agent: outer\r\nContent-Length: 5\r\n\r\nx=1\r\n"
		 "GET /admin HTTP/1.1\r\nUser-Agent: in", ok, 100);
	known_is(exported(&s, 1), HL_USER_AGENT, "outer");
	(void)r1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cl_te_alert_carries_its_request_fields_in_their_case),
		cmocka_unit_test(response_fields_survive_every_split),
		cmocka_unit_test(a_finding_inside_a_block_reads_the_whole_block),
		cmocka_unit_test(without_a_dump_only_the_known_fields_are_kept),
		cmocka_unit_test(obs_fold_joins_the_field_before_it),
		cmocka_unit_test(trailers_are_not_listed),
		cmocka_unit_test(hostile_bytes_are_kept_as_received),
		cmocka_unit_test(field_count_and_bytes_are_bounded_and_flagged),
		cmocka_unit_test(a_reused_capture_is_exported_as_lost),
		cmocka_unit_test(a_response_pairs_with_the_request_it_answers),
	};
	int r = cmocka_run_group_tests(tests, NULL, test_blocks_free_all);
	hdrlog_free(&hl);
	return r;
}
