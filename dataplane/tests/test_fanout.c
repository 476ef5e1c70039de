/* test_fanout.c — the concurrency benchmark's source: template flows
 * replayed as many flows keep valid IPv4 and TCP checksums (checked by the
 * decoder), give each instance its own client address, and carry each
 * instance's sequence numbers on from its previous exchange. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "decode.h"
#include "fanout.h"

static uint32_t mkframe(uint8_t *f, uint8_t cport_lo, int from_client, uint32_t seq, uint32_t ack,
			const char *payload)
{
	uint32_t n = strlen(payload);
	memset(f, 0, 54);
	f[12] = 0x08;
	uint8_t *ip = f + 14, *tcp = ip + 20;
	uint8_t cli[4] = { 10, 1, 0, 1 }, srv[4] = { 10, 2, 0, 80 };
	ip[0] = 0x45;
	wr16(ip + 2, 40 + n);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, from_client ? cli : srv, 4);
	memcpy(ip + 16, from_client ? srv : cli, 4);
	wr16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	wr16(tcp, from_client ? 10000 + cport_lo : 80);
	wr16(tcp + 2, from_client ? 80 : 10000 + cport_lo);
	wr32(tcp + 4, seq);
	wr32(tcp + 8, ack);
	tcp[12] = 5 << 4;
	tcp[13] = TH_ACK | (n ? 0x08 : 0);
	wr16(tcp + 14, 65535);
	memcpy(tcp + 20, payload, n);
	wr16(tcp + 16, tcp_checksum(4, ip + 12, ip + 16, tcp, 20 + n));
	return 54 + n;
}

static void templates_become_many_consistent_flows(void **st)
{
	static uint8_t tmpl[6][128];
	uint32_t lens[6];
	/* two template flows, interleaved: request, response, ACK */
	lens[0] = mkframe(tmpl[0], 0, 1, 1000, 5000, "GET /a\r\n");
	lens[1] = mkframe(tmpl[1], 1, 1, 2000, 7000, "GET /bb\r\n");
	lens[2] = mkframe(tmpl[2], 0, 0, 5000, 1008, "HTTP/1.1 200 OK\r\n");
	lens[3] = mkframe(tmpl[3], 1, 0, 7000, 2009, "HTTP/1.1 204\r\n");
	lens[4] = mkframe(tmpl[4], 0, 1, 1008, 5017, "");
	lens[5] = mkframe(tmpl[5], 1, 1, 2009, 7014, "");
	const uint8_t *frames[6];
	for (int i = 0; i < 6; i++) {
		struct pkt p;
		assert_int_equal(decode_frame(tmpl[i], lens[i], LINK_ETH, 1, &p), DEC_tcp);
		frames[i] = tmpl[i];
	}
	struct fanout fo;
	char err[256];
	assert_int_equal(fanout_build(&fo, frames, lens, 6, 1, err, sizeof(err)), -1);   /* fewer than templates */
	assert_int_equal(fanout_build(&fo, frames, lens, 6, 6, err, sizeof(err)), 0);
	assert_int_equal(fo.ntmpl, 2);
	assert_int_equal(fanout_flows(&fo), 6);
	for (uint32_t round = 0; round < 7; round++) {
		for (int i = 0; i < 6; i++) {
			uint8_t f[128];
			memcpy(f, tmpl[i], lens[i]);
			fanout_apply(&fo, f, lens[i]);
			struct pkt p;
			assert_int_equal(decode_frame(f, lens[i], LINK_ETH, 1, &p), DEC_tcp);   /* checksums hold */
			uint32_t t = i & 1, inst = t + 2 * (round % 3), plays = round / 3;
			int cs = i != 2 && i != 3;
			const uint8_t *ca = cs ? p.src : p.dst;
			assert_int_equal(ca[0], 10);
			assert_int_equal(ca[1], 64);
			assert_int_equal(ca[3], inst);
			uint32_t up = t ? 9 : 8, down = t ? 14 : 17;   /* payload each way */
			uint32_t cbase = t ? 2000 : 1000, sbase = t ? 7000 : 5000;
			if (cs) {
				assert_int_equal(p.seq - plays * up, i < 2 ? cbase : cbase + up);
				assert_int_equal(p.ack - plays * down, i < 2 ? sbase : sbase + down);
			} else {
				assert_int_equal(p.seq - plays * down, sbase);
				assert_int_equal(p.ack - plays * up, cbase + up);
			}
		}
	}
	fanout_free(&fo);
}

static void connection_setup_is_refused_as_a_template(void **st)
{
	uint8_t f[128];
	uint32_t len = mkframe(f, 0, 1, 1, 0, "");
	f[14 + 20 + 13] = 0x02;   /* SYN (checksum no longer matters: refused first) */
	const uint8_t *frames[1] = { f };
	struct fanout fo;
	char err[256];
	assert_int_equal(fanout_build(&fo, frames, &len, 1, 10, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mid-stream templates"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(templates_become_many_consistent_flows),
		cmocka_unit_test(connection_setup_is_refused_as_a_template),
	};
	return cmocka_run_group_tests_name("fanout", tests, NULL, NULL);
}
