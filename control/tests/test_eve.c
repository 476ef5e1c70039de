/* test_eve.c — Community ID v1 against the spec's published vectors, EVE
 * timestamps in Suricata's format, lines that stay valid JSON whatever
 * bytes the URL or the header fields hold, and the http object's Suricata
 * fields (Seam's own flags kept in the seam object). */
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
#include <jansson.h>
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

/* One record through the writer, read back. */
static char *write_line(const struct evt *ev)
{
	char path[] = "/tmp/seam-eve-XXXXXX", err[256];
	int fd = mkstemp(path);
	close(fd);
	struct eve e = { 0 };
	assert_int_equal(eve_open(&e, path, 1, err, sizeof(err)), 0);
	eve_write_evt(&e, ev);
	eve_close(&e);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	assert_true(getline(&line, &cap, f) > 0);
	fclose(f);
	unlink(path);
	return line;
}

static json_t *parse(const char *line)
{
	json_error_t je;
	json_t *j = json_loads(line, JSON_ALLOW_NUL, &je);
	if (!j)
		fail_msg("not JSON: %s at %d: %s", je.text, je.position, line);
	return j;
}

static struct hdrlog hl;
static uint8_t blob[1 << 16];

static void log_open(uint8_t dump, uint32_t max_headers)
{
	char err[128];
	struct hdrlog_cfg c;
	hdrlog_cfg_default(&c);
	c.dump = dump;
	c.max_headers = max_headers;
	c.slots = 16;
	hdrlog_free(&hl);
	assert_int_equal(hdrlog_init(&hl, &c, err, sizeof(err)), 0);
}

static void field(struct hdrlog_ref *r, int is_req, const char *n, size_t nl, const char *v, size_t vl)
{
	hdrlog_name(&hl, r, is_req, n, nl, 0);
	hdrlog_value(&hl, r, is_req, v, vl, 0);
}
#define FIELD(r, q, n, v) field(r, q, n, sizeof(n) - 1, v, sizeof(v) - 1)

static struct evt alert_evt(void)
{
	struct evt ev = { 0 };
	ev.type = EVT_ALERT;
	ev.ipver = 4;
	ev.finding = F_H1_CL_AND_TE;
	ev.action = VD_RESET;
	memcpy(ev.meta.method, "POST", 4);
	ev.meta.method_len = 4;
	return ev;
}

/* Each byte as the code point of the same value, in UTF-8: what a JSON
 * reader gets back from \u00XX. */
static size_t as_code_points(const char *b, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = b[i];
		if (c < 0x80) {
			out[k++] = c;
		} else {
			out[k++] = 0xc0 | c >> 6;
			out[k++] = 0x80 | (c & 0x3f);
		}
	}
	return k;
}

static void hostile_header_bytes_stay_valid_json(void **st)
{
	static const char name[] = "X-\r\x00\xff\"\\\x7f\xc3";
	static const char val[] = "a\rb\x00" "c\xff\xfe\xc3\x28\"}\\n\x1b[0m";
	log_open(HDRLOG_DUMP_REQ | HDRLOG_DUMP_RSP, 64);
	struct hdrlog_ref r = { { 0, 0 } };
	hdrlog_begin(&hl, &r, 1, 0);
	FIELD(&r, 1, "Host", "a");
	FIELD(&r, 1, name, val);
	FIELD(&r, 1, "User-Agent", "ua\x00\xff");
	hdrlog_begin(&hl, &r, 0, 0);
	FIELD(&r, 0, "Set-Cookie\xff", "\r\n\r\nHTTP/1.1 200 OK");
	hdrlog_export(&hl, &r, &r, 1, blob);
	struct evt ev = alert_evt();
	ev.meta.status = 200;
	ev.hdrs = blob;
	char *line = write_line(&ev);
	assert_non_null(strstr(line, "\"name\":\"X-\\u000d\\u0000\\u00ff\\\"\\\\\\u007f\\u00c3\""));
	assert_non_null(strstr(line, "\"http_user_agent\":\"ua\\u0000\\u00ff\""));
	for (const char *p = line; *p; p++)
		assert_true(((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f) || *p == '\n');

	json_t *j = parse(line);
	json_t *rq = json_object_get(json_object_get(j, "http"), "request_headers");
	assert_int_equal(json_array_size(rq), 3);
	char want[64];
	size_t wn = as_code_points(name, sizeof(name) - 1, want);
	json_t *n = json_object_get(json_array_get(rq, 1), "name");
	assert_int_equal(json_string_length(n), wn);
	assert_memory_equal(json_string_value(n), want, wn);
	wn = as_code_points(val, sizeof(val) - 1, want);
	json_t *v = json_object_get(json_array_get(rq, 1), "value");
	assert_int_equal(json_string_length(v), wn);
	assert_memory_equal(json_string_value(v), want, wn);
	json_t *rs = json_object_get(json_object_get(j, "http"), "response_headers");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rs, 0), "value")),
			    "\r\n\r\nHTTP/1.1 200 OK");
	json_decref(j);
	free(line);
}

static void http_object_has_suricata_fields(void **st)
{
	log_open(0, 64);
	struct hdrlog_ref r = { { 0, 0 } };
	hdrlog_begin(&hl, &r, 1, 0);
	FIELD(&r, 1, "Host", "shop.example.com");
	FIELD(&r, 1, "user-agent", "curl/7.88.1");
	FIELD(&r, 1, "Referer", "https://shop.example.com/cart");
	hdrlog_begin(&hl, &r, 0, 0);
	FIELD(&r, 0, "Content-Type", "text/html ; charset=utf-8");
	FIELD(&r, 0, "Location", "https://shop.example.com/login");
	FIELD(&r, 0, "Content-Length", "1234");
	hdrlog_export(&hl, &r, &r, 1, blob);
	struct evt ev = alert_evt();
	ev.type = EVT_HTTP;
	ev.meta.status = 302;
	ev.hdrs = blob;
	char *line = write_line(&ev);
	json_t *j = parse(line), *h = json_object_get(j, "http");
	assert_string_equal(json_string_value(json_object_get(h, "http_user_agent")), "curl/7.88.1");
	assert_string_equal(json_string_value(json_object_get(h, "http_refer")), "https://shop.example.com/cart");
	assert_string_equal(json_string_value(json_object_get(h, "http_content_type")), "text/html");
	assert_string_equal(json_string_value(json_object_get(h, "redirect")), "https://shop.example.com/login");
	assert_int_equal(json_integer_value(json_object_get(h, "length")), 1234);
	assert_int_equal(json_integer_value(json_object_get(h, "status")), 302);
	/* no dump asked for: no arrays, and nothing of Seam's to say */
	assert_null(json_object_get(h, "request_headers"));
	assert_null(json_object_get(h, "response_headers"));
	assert_null(json_object_get(j, "seam"));
	json_decref(j);
	free(line);

	/* a Content-Length that is not one number gives no length */
	hdrlog_begin(&hl, &r, 0, 0);
	FIELD(&r, 0, "Content-Length", "12, 12");
	hdrlog_export(&hl, &r, &r, 1, blob);
	line = write_line(&ev);
	assert_null(strstr(line, "\"length\""));
	free(line);
}

static void a_cut_dump_is_flagged_in_the_seam_object(void **st)
{
	log_open(HDRLOG_DUMP_REQ, 2);
	struct hdrlog_ref r = { { 0, 0 } };
	hdrlog_begin(&hl, &r, 1, 0);
	FIELD(&r, 1, "Host", "a");
	FIELD(&r, 1, "Content-Length", "5");
	FIELD(&r, 1, "Transfer-Encoding", "chunked");
	hdrlog_export(&hl, &r, &r, 0, blob);       /* a request-side alert */
	struct evt ev = alert_evt();
	ev.hdrs = blob;
	char *line = write_line(&ev);
	json_t *j = parse(line);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "http"), "request_headers")), 2);
	json_t *seam = json_object_get(j, "seam");
	assert_true(json_is_true(json_object_get(seam, "request_headers_truncated")));
	assert_null(json_object_get(seam, "response_headers_truncated"));
	assert_string_equal(json_string_value(json_object_get(seam, "finding")), "h1.cl_and_te");
	json_decref(j);
	free(line);

	/* an http record says so in a seam object of its own */
	ev.type = EVT_HTTP;
	line = write_line(&ev);
	j = parse(line);
	assert_true(json_is_true(json_object_get(json_object_get(j, "seam"), "request_headers_truncated")));
	json_decref(j);
	free(line);
	hdrlog_free(&hl);
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
		cmocka_unit_test(hostile_header_bytes_stay_valid_json),
		cmocka_unit_test(http_object_has_suricata_fields),
		cmocka_unit_test(a_cut_dump_is_flagged_in_the_seam_object),
		cmocka_unit_test(stats_registry_sums_workers),
	};
	return cmocka_run_group_tests_name("eve", tests, NULL, NULL);
}
