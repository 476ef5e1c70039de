/* test_eve.c — Community ID v1 against the spec's published vectors, EVE
 * timestamps in Suricata's format, and lines that stay valid JSON whatever
 * bytes the URL holds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <cmocka.h>
#include "eve.h"

static void cid(const char *s, const char *d, uint16_t sp, uint16_t dp, uint16_t seed, char *out)
{
	uint8_t a[16] = { 0 }, b[16] = { 0 };
	int v6 = strchr(s, ':') != NULL;
	inet_pton(v6 ? AF_INET6 : AF_INET, s, a);
	inet_pton(v6 ? AF_INET6 : AF_INET, d, b);
	community_id_v1(seed, v6 ? 6 : 4, a, b, 6, sp, dp, out);
}

/* Vectors from the Community ID specification's baseline (tcp). */
static void community_id_matches_spec_vectors(void **st)
{
	char out[64];
	cid("128.232.110.120", "66.35.250.204", 34855, 80, 0, out);
	assert_string_equal(out, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	/* direction does not matter */
	cid("66.35.250.204", "128.232.110.120", 80, 34855, 0, out);
	assert_string_equal(out, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	/* the seed is hashed in: another seed, another ID */
	cid("128.232.110.120", "66.35.250.204", 34855, 80, 1, out);
	assert_string_not_equal(out, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
}

static void timestamp_has_suricata_shape(void **st)
{
	char ts[64];
	eve_timestamp(1764550800123456000ull, ts, sizeof(ts));
	assert_string_equal(ts, "2025-12-01T01:00:00.123456+0000");
}

static void hostile_url_bytes_stay_valid_json(void **st)
{
	char path[] = "/tmp/seam-eve-XXXXXX", err[256], line[4096];
	int fd = mkstemp(path);
	close(fd);
	struct eve e = { 0 };
	assert_int_equal(eve_open(&e, path, 1, err, sizeof(err)), 0);
	struct evt ev = { 0 };
	ev.type = EVT_ALERT;
	ev.ipver = 4;
	ev.finding = F_H1_CL_AND_TE;
	ev.action = VD_RESET;
	memcpy(ev.meta.uri, "/a\"b\\c\x01\xff", 8);
	ev.meta.uri_len = 8;
	memcpy(ev.meta.method, "GET", 3);
	ev.meta.method_len = 3;
	eve_write_evt(&e, &ev);
	eve_close(&e);
	FILE *f = fopen(path, "r");
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	unlink(path);
	assert_non_null(strstr(line, "\"url\":\"/a\\\"b\\\\c\\u0001\\u00ff\""));
	assert_non_null(strstr(line, "\"signature_id\":2050"));
	assert_non_null(strstr(line, "\"event_type\":\"alert\""));
	assert_non_null(strstr(line, "\"finding\":\"h1.cl_and_te\""));
}

static void stats_registry_sums_workers(void **st)
{
	static const char *const names[] = { "a", "b" };
	uint64_t w0[2] = { 1, 2 }, w1[2] = { 10, 20 };
	struct stats_reg r = { 0 };
	int s = stats_register(&r, "x", names, 2);
	stats_attach(&r, s, 0, w0);
	stats_attach(&r, s, 1, w1);
	assert_int_equal(stats_sum(&r, s, 1), 22);
	int fs;
	uint32_t fc;
	assert_int_equal(stats_find(&r, "x.b", &fs, &fc), 0);
	assert_int_equal(fc, 1);
	assert_int_equal(stats_find(&r, "x.c", &fs, &fc), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(community_id_matches_spec_vectors),
		cmocka_unit_test(timestamp_has_suricata_shape),
		cmocka_unit_test(hostile_url_bytes_stay_valid_json),
		cmocka_unit_test(stats_registry_sums_workers),
	};
	return cmocka_run_group_tests_name("eve", tests, NULL, NULL);
}
