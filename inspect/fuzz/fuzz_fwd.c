/* fuzz_fwd.c — libFuzzer target for the forwarding-header analyzer.
 *
 * Each input line becomes the value of one forwarding header (Forwarded,
 * X-Forwarded-For, X-Real-IP, True-Client-IP, ... chosen by the line's
 * first byte) in one request, sent whole, with a trusted-proxy list and
 * internal prefixes configured, so the Forwarded grammar, address
 * spellings, chain walk and client-IP checks all see arbitrary values.
 * Identity headers (built-in, aliased, configured, by prefix) and
 * Connection lists naming them come from the same lines; with '\x7f' first
 * a line's rest becomes the field name itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "insp.h"
#include "../tests/blocks.h"

static void on_hit(void *user, const struct insp_hit *h, const struct insp_meta *m)
{
	(void)m->xff[m->xff_len < sizeof(m->xff) ? m->xff_len : 0];
}
static void *h2_get(void *user) { return NULL; }
static void h2_put(void *user, void *p) { }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"Forwarded", "X-Forwarded-For", "X-Real-IP", "True-Client-IP", "X-Client-IP",
		"CF-Connecting-IP", "X-Cluster-Client-IP", "Client-IP", "X-Forwarded-Host",
		"X-Forwarded-Proto", "X-Forwarded-Port", "x_forwarded_for", "FORWARDED", "Host",
		"X-Forwarded-User", "Remote_User", "X-Auth-Request-Groups", "X-Internal-Role",
		"X-Company-User", "X-Company-Auth-Level", "Connection", "X-authentik-email",
	};
	static uint8_t req[70000];
	static struct fwd_cfg fwd;
	if (!fwd.ntrusted) {
		fwd_prefix_parse("10.0.0.0/8", &fwd.trusted[fwd.ntrusted++]);
		fwd_prefix_parse("2001:db8::/32", &fwd.trusted[fwd.ntrusted++]);
		fwd_prefix_parse("192.168.0.0/16", &fwd.internal[fwd.ninternal++]);
		fwd_ident_name_parse("X-Company-User", fwd.ident[fwd.nident++]);
		fwd_ident_name_parse("X-Company-Auth-", fwd.ident_prefix[fwd.nident_prefix++]);
	}
	size_t n = (size_t)snprintf((char *)req, sizeof(req), "GET / HTTP/1.1\r\nHost: a.example\r\n");
	size_t i = 0;
	while (i < size && n + 200 < sizeof(req)) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - data - i) : size - i;
		if (len == 0) {
			i++;
			continue;
		}
		const char *name = names[data[i] % (sizeof(names) / sizeof(names[0]))];
		size_t room = sizeof(req) - n - 100;
		size_t vl = len - 1 < room ? len - 1 : room;
		if (data[i] == 0x7f) {
			/* the rest of the line is a field name (up to a colon) */
			size_t k = 0;
			while (k < vl && k < 60 && data[i + 1 + k] != ':' && data[i + 1 + k] != '\r')
				k++;
			memcpy(req + n, data + i + 1, k);
			n += k;
			memcpy(req + n, ": x\r\n", 5);
			n += 5;
			i += len + 1;
			continue;
		}
		n += (size_t)snprintf((char *)req + n, sizeof(req) - n, "%s: ", name);
		for (size_t k = 0; k < vl; k++) {
			uint8_t c = data[i + 1 + k];
			req[n++] = c == '\r' || c == '\n' ? ' ' : c;   /* one field line each */
		}
		req[n++] = '\r';
		req[n++] = '\n';
		i += len + 1;
	}
	memcpy(req + n, "\r\n", 2);
	n += 2;
	static struct insp_limits lim;
	insp_limits_default(&lim);
	struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .h2_get = h2_get, .h2_put = h2_put, .fwd = &fwd };
	struct insp_sess s;
	insp_sess_init(&s, 0);
	uint8_t a[16] = { 203, 0, 113, 9 }, b[16] = { 10, 1, 1, 1 };
	insp_sess_addrs(&s, 4, size & 1 ? a : b, b);
	insp_feed(&s, 0, req, (uint32_t)n, &env);
	insp_close(&s, 0, &env);
	insp_close(&s, 1, &env);
	insp_sess_release(&s, &env);
	if (test_blocks_out)
		abort();                  /* a header block not given back */
	return 0;
}
