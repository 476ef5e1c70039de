/* test_tcp_rules.c — receivers' readings of RSTs (RFC 5961 §3.2),
 * keepalive probes and the urgent pointer, as tables of cases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "tcp_rules.h"
#include "insp.h"

static void only_a_rst_at_the_next_byte_ends_the_connection(void **st)
{
	static const struct {
		uint32_t seq, nxt;
		int fin;
		uint32_t wnd;
		enum tcp_rst_fate want;
	} t[] = {
		{ 1000, 1000, 0, 65535, TCP_RST_RESETS },          /* exact */
		{ 1001, 1000, 0, 65535, TCP_RST_CHALLENGED },      /* one past */
		{ 1000 + 65534, 1000, 0, 65535, TCP_RST_CHALLENGED }, /* last byte of the window */
		{ 1000 + 65535, 1000, 0, 65535, TCP_RST_IGNORED }, /* just beyond */
		{ 999, 1000, 0, 65535, TCP_RST_IGNORED },          /* before the window */
		{ 1000 + 50000000, 1000, 0, 65535, TCP_RST_IGNORED },
		{ 1001, 1000, 0, 0, TCP_RST_IGNORED },             /* zero window: exact only */
		{ 1000, 1000, 0, 0, TCP_RST_RESETS },
		{ 999, 1000, 1, 65535, TCP_RST_RESETS },           /* at the FIN's own number */
		{ 998, 1000, 1, 65535, TCP_RST_IGNORED },
		{ 5, 0xfffffff0u, 0, 65535, TCP_RST_CHALLENGED },  /* across the wrap */
		{ 0xfffffff0u, 0xfffffff0u, 0, 65535, TCP_RST_RESETS },
		{ 0, 1, 1, 100, TCP_RST_RESETS },                  /* FIN at 0, wrapped */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum tcp_rst_fate got = tcp_rst_fate(t[i].seq, t[i].nxt, t[i].fin, t[i].wnd);
		if (got != t[i].want)
			fail_msg("case %zu: seq %u nxt %u fin %d wnd %u: got %d want %d", i, t[i].seq, t[i].nxt,
				 t[i].fin, t[i].wnd, got, t[i].want);
	}
}

static void a_byte_already_acknowledged_at_snd_nxt_minus_one_is_a_keepalive(void **st)
{
	static const struct {
		uint32_t seq, len, nxt, ack;
		int want;
	} t[] = {
		{ 1999, 1, 2000, 2000, 1 },   /* Windows: one byte (0x00) at snd_nxt - 1, acknowledged */
		{ 1999, 0, 2000, 2000, 1 },   /* Linux: no byte */
		{ 1999, 1, 2000, 1999, 0 },   /* not acknowledged yet: a changed byte is a conflict */
		{ 1999, 1, 2000, 1500, 0 },
		{ 1998, 1, 2000, 2000, 0 },   /* inside the data, not at its end */
		{ 1998, 2, 2000, 2000, 0 },   /* two bytes: a retransmission, verified as such */
		{ 2000, 1, 2000, 2000, 0 },   /* new data */
		{ 0xffffffffu, 1, 0, 0, 1 },  /* across the wrap */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (tcp_keepalive_probe(t[i].seq, t[i].len, t[i].nxt, t[i].ack) != t[i].want)
			fail_msg("case %zu: seq %u len %u nxt %u ack %u: want %d", i, t[i].seq, t[i].len,
				 t[i].nxt, t[i].ack, t[i].want);
}

static void the_urgent_pointer_alerts_on_http_only(void **st)
{
	assert_int_equal(tcp_urgent_verdict(PROTO_HTTP1, 0), TCP_URG_ALERT);
	assert_int_equal(tcp_urgent_verdict(PROTO_H2, 0), TCP_URG_ALERT);
	assert_int_equal(tcp_urgent_verdict(PROTO_WS, 0), TCP_URG_ALERT);
	assert_int_equal(tcp_urgent_verdict(PROTO_OTHER, 0), TCP_URG_ANOMALY);
	assert_int_equal(tcp_urgent_verdict(PROTO_TUNNEL, 0), TCP_URG_ANOMALY);
	/* not known yet: wait for the protocol; never known: not HTTP */
	assert_int_equal(tcp_urgent_verdict(PROTO_UNKNOWN, 0), TCP_URG_PENDING);
	assert_int_equal(tcp_urgent_verdict(PROTO_UNKNOWN, 1), TCP_URG_ANOMALY);
	assert_int_equal(tcp_urgent_verdict(PROTO_HTTP1, 1), TCP_URG_ALERT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_a_rst_at_the_next_byte_ends_the_connection),
		cmocka_unit_test(a_byte_already_acknowledged_at_snd_nxt_minus_one_is_a_keepalive),
		cmocka_unit_test(the_urgent_pointer_alerts_on_http_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
