/* test_eve_attribution.c — an alert for an identity header only the edge
 * may set (fwd.identity_spoofed) reaches EVE with the same attribution a
 * forwarding-header alert carries: the flow's addresses, http.xff as
 * received, seam.client_ip as attributed, the transaction's host and URL.
 * The findings come from the analyzer, the lines from the EVE writer, the
 * fields are read back as JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <cmocka.h>
#include "eve.h"
#include "../../inspect/tests/blocks.h"

struct sink { struct eve *e; const uint8_t *src, *dst; };

/* What a worker does with a hit (dataplane/worker.c emit_finding): an
 * alert record with the flow's tuple and the meta as it was at the hit. */
static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta)
{
	struct sink *k = user;
	struct evt ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = finding_table[hit->finding].tier >= TIER_AMBIGUOUS ? EVT_ALERT : EVT_ANOMALY;
	ev.ipver = 4;
	memcpy(ev.src, k->src, 4);
	memcpy(ev.dst, k->dst, 4);
	ev.sport = 40000;
	ev.dport = 80;
	ev.finding = hit->finding;
	ev.dir = hit->dir;
	ev.offset = hit->offset;
	ev.action = VD_RESET;
	ev.pcap_idx = -1;
	ev.meta = *meta;
	eve_write_evt(k->e, &ev);
}

static const char *field(json_t *line, const char *obj, const char *key)
{
	json_t *o = obj ? json_object_get(line, obj) : line;
	json_t *v = o ? json_object_get(o, key) : NULL;
	return v && json_is_string(v) ? json_string_value(v) : NULL;
}

static void identity_alert_has_forwarding_alert_attribution(void **st)
{
	char path[] = "/tmp/seam-eve-attr-XXXXXX", err[256], line[8192];
	int fd = mkstemp(path);
	close(fd);
	struct eve e = { 0 };
	assert_int_equal(eve_open(&e, path, 1, err, sizeof(err)), 0);

	static const uint8_t cli[16] = { 203, 0, 113, 9 }, srv[16] = { 198, 51, 100, 80 };
	struct sink k = { &e, cli, srv };
	struct insp_limits lim;
	insp_limits_default(&lim);
	static struct fwd_cfg fwd;              /* no trusted proxy */
	struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = &k, .fwd = &fwd };
	static struct insp_sess s;
	insp_sess_init(&s, 0);
	insp_sess_addrs(&s, 4, cli, srv);
	const char *req = "GET /admin HTTP/1.1\r\nHost: app.example.com\r\n"
			  "X-Forwarded-For: 127.0.0.1, 198.51.100.7\r\nX-Forwarded-User: admin\r\n\r\n";
	insp_feed(&s, INSP_ORIG, (const uint8_t *)req, strlen(req), &env);
	eve_close(&e);

	json_t *ident = NULL, *fwdl = NULL;
	FILE *f = fopen(path, "r");
	while (fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		assert_non_null(j);
		const char *fnd = field(j, "seam", "finding");
		if (fnd && strcmp(fnd, "fwd.identity_spoofed") == 0)
			ident = j;
		else if (fnd && strcmp(fnd, "fwd.internal_claim") == 0)
			fwdl = j;
		else
			json_decref(j);
	}
	fclose(f);
	unlink(path);
	assert_non_null(ident);
	assert_non_null(fwdl);
	assert_string_equal(field(ident, NULL, "event_type"), "alert");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ident, "alert"), "signature_id")),
			 finding_table[F_FWD_IDENTITY_SPOOFED].id);
	/* the fields a SOC pivots on, present and equal in both */
	static const char *const where[][2] = {
		{ NULL, "src_ip" }, { NULL, "dest_ip" }, { NULL, "community_id" }, { "http", "xff" },
		{ "http", "hostname" }, { "http", "url" }, { "http", "http_method" }, { "seam", "client_ip" },
		{ "seam", "direction" },
	};
	for (unsigned i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		const char *a = field(ident, where[i][0], where[i][1]), *b = field(fwdl, where[i][0], where[i][1]);
		if (!a || !b || strcmp(a, b) != 0)
			fail_msg("%s.%s: identity %s, forwarding %s", where[i][0] ? where[i][0] : "",
				 where[i][1], a ? a : "(none)", b ? b : "(none)");
	}
	assert_string_equal(field(ident, "seam", "client_ip"), "203.0.113.9");
	assert_string_equal(field(ident, "http", "xff"), "127.0.0.1, 198.51.100.7");
	json_decref(ident);
	json_decref(fwdl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identity_alert_has_forwarding_alert_attribution),
	};
	return cmocka_run_group_tests(tests, NULL, test_blocks_free_all);
}
