/* test_fwd_identity.c — identity headers only the edge may set: which
 * names are identity headers (whole, by prefix, any case, '_' for '-'),
 * and how a request carrying them is judged by who sent it: an alert from
 * anyone outside the trusted proxies, nothing from a trusted one, an alias,
 * a repeat or a Connection listing from anyone.  Alerts carry the same
 * attribution (client address, X-Forwarded-For) as forwarding headers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include "insp.h"
#include "blocks.h"

/* ---- names ---------------------------------------------------------------- */

struct name_case { const char *name; int match, alias; };

static const struct name_case names[] = {
	/* oauth2-proxy and nginx auth_request */
	{ "x-forwarded-user", 1, 0 }, { "x-forwarded-email", 1, 0 }, { "x-forwarded-groups", 1, 0 },
	{ "x-forwarded-preferred-username", 1, 0 }, { "x-forwarded-access-token", 1, 0 },
	{ "x-auth-request-user", 1, 0 }, { "x-auth-request-email", 1, 0 },
	{ "x-auth-request-groups", 1, 0 }, { "x-auth-request-preferred-username", 1, 0 },
	{ "x-auth-request-access-token", 1, 0 },
	/* Apache and its aliases, Authelia, Kubernetes */
	{ "remote-user", 1, 0 }, { "remote_user", 1, 1 }, { "x_remote_user", 1, 1 },
	{ "x-remote-user", 1, 0 }, { "x-remote-group", 1, 0 }, { "x-remote-extra-scopes", 1, 0 },
	{ "remote-groups", 1, 0 }, { "remote-email", 1, 0 }, { "remote-name", 1, 0 },
	{ "x_forwarded_user", 1, 1 }, { "x-auth-request_email", 1, 1 },
	/* vendors */
	{ "x-authentik-username", 1, 0 }, { "x-authentik-meta-app", 1, 0 },
	{ "x-pomerium-claim-email", 1, 0 }, { "x-pomerium-jwt-assertion", 1, 0 },
	{ "cf-access-authenticated-user-email", 1, 0 }, { "cf-access-jwt-assertion", 1, 0 },
	{ "x-goog-authenticated-user-email", 1, 0 }, { "x-goog-authenticated-user-id", 1, 0 },
	{ "x-goog-iap-jwt-assertion", 1, 0 }, { "x-amzn-oidc-identity", 1, 0 },
	{ "x-amzn-oidc-accesstoken", 1, 0 }, { "x-amzn-oidc-data", 1, 0 },
	{ "x-ms-client-principal", 1, 0 }, { "x-ms-client-principal-name", 1, 0 },
	{ "x-ms-token-aad-id-token", 1, 0 }, { "x-webauth-user", 1, 0 },
	{ "x-consumer-username", 1, 0 }, { "x-forwarded-client-cert", 1, 0 },
	{ "tailscale-user-login", 1, 0 }, { "x-ssl-client-dn", 1, 0 }, { "ssl_client_s_dn", 1, 1 },
	{ "x-internal-admin", 1, 0 }, { "x_internal_debug", 1, 1 },
	/* a name longer than the reader keeps is still judged by its prefix */
	{ "x-internal-a-very-long-field-name-that-goes-on-and-on", 1, 0 },
	/* what real clients send beside them */
	{ "x-forwarded-for", 0, 0 }, { "x-forwarded-host", 0, 0 }, { "x-forwarded-user-agent", 0, 0 },
	{ "x-auth-request-redirect", 0, 0 }, { "x-auth-token", 0, 0 }, { "x-auth-user", 0, 0 },
	{ "authorization", 0, 0 }, { "cookie", 0, 0 }, { "sec-fetch-user", 0, 0 },
	{ "cf-access-client-id", 0, 0 }, { "cf-access-client-secret", 0, 0 },
	{ "cf-access-token", 0, 0 }, { "x-goog-api-client", 0, 0 }, { "x-amzn-trace-id", 0, 0 },
	{ "x-ms-client-request-id", 0, 0 }, { "x-pomerium-jwt-assertion-for", 0, 0 },
	{ "x-internal", 0, 0 }, { "x-internal-", 0, 0 }, { "x-user", 0, 0 }, { "remote-addr", 0, 0 },
	{ "user", 0, 0 }, { "x", 0, 0 },
};

static void identity_names_match_whole_or_by_prefix(void **st)
{
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int alias = -1;
		int r = fwd_ident_match(NULL, names[i].name, strlen(names[i].name), &alias);
		if ((r >= 0) != names[i].match)
			fail_msg("%s: %s", names[i].name, names[i].match ? "not matched" : "matched");
		if (r >= 0 && alias != names[i].alias)
			fail_msg("%s: alias %d", names[i].name, alias);
	}
}

static void configured_names_and_prefixes_add_to_the_list(void **st)
{
	static struct fwd_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(fwd_ident_name_parse("X-Company-User", cfg.ident[cfg.nident++]), 0);
	assert_int_equal(fwd_ident_name_parse("Corp_Auth-", cfg.ident_prefix[cfg.nident_prefix++]), 0);
	assert_string_equal(cfg.ident[0], "x-company-user");
	assert_string_equal(cfg.ident_prefix[0], "corp-auth-");
	int alias;
	assert_true(fwd_ident_match(&cfg, "x-company-user", 14, &alias) >= 0);
	assert_true(fwd_ident_match(&cfg, "x_company_user", 14, &alias) >= 0);
	assert_int_equal(alias, 1);
	assert_true(fwd_ident_match(&cfg, "corp-auth-role", 14, &alias) >= 0);
	assert_true(fwd_ident_match(&cfg, "x-company-users", 15, &alias) < 0);
	assert_true(fwd_ident_match(NULL, "x-company-user", 14, &alias) < 0);
	/* the built-in list stays */
	assert_true(fwd_ident_match(&cfg, "x-forwarded-user", 16, &alias) >= 0);
	char out[FWD_IDENT_NAME_MAX];
	assert_int_equal(fwd_ident_name_parse("", out), -1);
	assert_int_equal(fwd_ident_name_parse("X Company", out), -1);
	assert_int_equal(fwd_ident_name_parse("X-Company:User", out), -1);
	assert_int_equal(fwd_ident_name_parse("X-01234567890123456789012345678901234567", out), -1);   /* 40 */
	assert_int_equal(fwd_ident_name_parse("X-0123456789012345678901234567890123456", out), 0);     /* 39 */
}

/* ---- requests ------------------------------------------------------------- */

struct got {
	uint64_t bits[(F__COUNT + 63) / 64];
	int n;
	struct insp_meta meta[F__COUNT];   /* the event's view of each finding */
};

static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta)
{
	struct got *g = user;
	g->bits[hit->finding / 64] |= 1ull << (hit->finding % 64);
	g->meta[hit->finding] = *meta;
	g->n++;
}

static int has(const struct got *g, enum finding f)
{
	return (g->bits[f / 64] >> (f % 64)) & 1;
}

static int alerts(const struct got *g)
{
	int n = 0;
	for (int f = 0; f < F__COUNT; f++)
		n += has(g, f) && finding_table[f].tier >= TIER_AMBIGUOUS;
	return n;
}

static struct insp_limits lim;
static struct fwd_cfg fwd;

/* One request from peer (IPv4 text) to 198.51.100.80, whole or byte by byte. */
static void send_req(const char *peer, const char *req, int bytes, struct got *g)
{
	uint8_t a[16] = { 0 }, b[16] = { 0 };
	inet_pton(AF_INET, peer, a);
	inet_pton(AF_INET, "198.51.100.80", b);
	struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = g, .fwd = &fwd };
	static struct insp_sess s;
	memset(g, 0, sizeof(*g));
	insp_sess_init(&s, 0);
	insp_sess_addrs(&s, 4, a, b);
	uint32_t n = strlen(req);
	for (uint32_t off = 0; off < n;) {
		uint32_t k = bytes ? 1 : n - off;
		insp_feed(&s, INSP_ORIG, (const uint8_t *)req + off, k, &env);
		off += k;
	}
	const char *rsp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	insp_feed(&s, INSP_RESP, (const uint8_t *)rsp, strlen(rsp), &env);
	insp_sess_release(&s, &env);
}

static int setup(void **st)
{
	insp_limits_default(&lim);
	memset(&fwd, 0, sizeof(fwd));
	fwd_prefix_parse("10.0.0.0/8", &fwd.trusted[fwd.ntrusted++]);
	fwd_ident_name_parse("X-Company-User", fwd.ident[fwd.nident++]);
	fwd_ident_name_parse("X-Company-Role-", fwd.ident_prefix[fwd.nident_prefix++]);
	return 0;
}

#define REQ(fields) "GET /account HTTP/1.1\r\nHost: app.example.com\r\n" fields "\r\n"

static void identity_header_from_outside_is_spoofed(void **st)
{
	static const char *const reqs[] = {
		REQ("X-Forwarded-User: admin\r\n"), REQ("x-auth-request-email: a@b\r\n"),
		REQ("Remote-User: admin\r\n"), REQ("X-Internal-Admin: 1\r\n"),
		REQ("X-Company-User: admin\r\n"), REQ("X-Company-Role-Level: 9\r\n"),
		REQ("X-authentik-groups: admins\r\n"), REQ("X-Forwarded-User:\r\n"),
	};
	struct got g;
	for (unsigned i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		for (int bytes = 0; bytes < 2; bytes++) {
			send_req("203.0.113.9", reqs[i], bytes, &g);
			if (!has(&g, F_FWD_IDENTITY_SPOOFED))
				fail_msg("not raised for %s", reqs[i]);
		}
}

static void identity_header_from_trusted_proxy_is_normal(void **st)
{
	static const char *const reqs[] = {
		REQ("X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-User: alice\r\nX-Forwarded-Email: alice@example.com\r\n"
		    "X-Forwarded-Groups: dev\r\nX-Forwarded-Groups: ops\r\n"),
		REQ("Remote-User: alice\r\nRemote-Groups: dev,ops\r\nRemote-Name: Alice\r\nRemote-Email: a@b\r\n"),
		REQ("X-Auth-Request-User: alice\r\nX-Auth-Request-Access-Token: eyJ.e30.sig\r\n"),
		REQ("X-Company-User: alice\r\nX-Company-Role-Level: 2\r\nX-Internal-Trace: 1\r\n"),
	};
	struct got g;
	for (unsigned i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		send_req("10.0.0.5", reqs[i], 0, &g);
		if (alerts(&g))
			fail_msg("alert from a trusted proxy for %s", reqs[i]);
	}
}

static void alias_repeat_and_connection_count_from_anyone(void **st)
{
	struct got g;
	send_req("10.0.0.5", REQ("X-Forwarded-User: alice\r\nX_Forwarded_User: admin\r\n"), 0, &g);
	assert_true(has(&g, F_FWD_IDENTITY_ALIAS));
	assert_true(has(&g, F_FWD_IDENTITY_REPEATED));
	assert_false(has(&g, F_FWD_IDENTITY_SPOOFED));
	send_req("10.0.0.5", REQ("X-Company-User: alice\r\nX-Company-User: admin\r\n"), 0, &g);
	assert_true(has(&g, F_FWD_IDENTITY_REPEATED));
	send_req("10.0.0.5", REQ("Connection: close, X-Auth-Request-User\r\nX-Auth-Request-User: alice\r\n"), 0, &g);
	assert_true(has(&g, F_FWD_IDENTITY_HOP_BY_HOP));
	send_req("203.0.113.9", REQ("Connection: x-company-user\r\n"), 1, &g);
	assert_true(has(&g, F_FWD_IDENTITY_HOP_BY_HOP));
	assert_false(has(&g, F_FWD_IDENTITY_SPOOFED));
	/* a list header may come once per value */
	send_req("10.0.0.5", REQ("X-Auth-Request-Groups: dev\r\nX-Auth-Request-Groups: ops\r\n"), 0, &g);
	assert_int_equal(alerts(&g), 0);
}

static void identity_is_judged_per_request(void **st)
{
	uint8_t a[16] = { 203, 0, 113, 9 }, b[16] = { 198, 51, 100, 80 };
	struct got g = { 0 };
	struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = &g, .fwd = &fwd };
	static struct insp_sess s;
	insp_sess_init(&s, 0);
	insp_sess_addrs(&s, 4, a, b);
	const char *r1 = REQ("X-Forwarded-User: alice\r\nX-Forwarded-User: bob\r\n");
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	const char *r2 = REQ("Accept: */*\r\n");
	insp_feed(&s, INSP_ORIG, (const uint8_t *)r1, strlen(r1), &env);
	insp_feed(&s, INSP_RESP, (const uint8_t *)ok, strlen(ok), &env);
	int n = g.n;
	insp_feed(&s, INSP_ORIG, (const uint8_t *)r2, strlen(r2), &env);
	insp_feed(&s, INSP_RESP, (const uint8_t *)ok, strlen(ok), &env);
	assert_int_equal(g.n, n);       /* the next request starts clean */
}

/* The identity alert names the same client as a forwarding alert would:
 * the attributed address and the X-Forwarded-For received. */
static void identity_alert_carries_forwarding_attribution(void **st)
{
	static const uint8_t peer9[4] = { 203, 0, 113, 9 };
	struct got g;
	send_req("203.0.113.9",
		 REQ("X-Forwarded-For: 127.0.0.1, 198.51.100.7\r\nX-Forwarded-User: admin\r\n"), 0, &g);
	assert_true(has(&g, F_FWD_IDENTITY_SPOOFED));
	assert_true(has(&g, F_FWD_INTERNAL_CLAIM));
	const struct insp_meta *id = &g.meta[F_FWD_IDENTITY_SPOOFED], *fw = &g.meta[F_FWD_INTERNAL_CLAIM];
	assert_int_equal(id->client_ipver, 4);
	assert_int_equal(id->client_ipver, fw->client_ipver);
	assert_memory_equal(id->client_addr, fw->client_addr, 16);
	assert_memory_equal(id->client_addr, peer9, 4);
	assert_int_equal(id->xff_len, fw->xff_len);
	assert_string_equal(id->xff, "127.0.0.1, 198.51.100.7");
	assert_string_equal(id->uri, "/account");
	assert_string_equal(id->host, "app.example.com");
	/* alone, it still names the peer */
	send_req("203.0.113.9", REQ("Remote-User: admin\r\n"), 0, &g);
	assert_int_equal(g.meta[F_FWD_IDENTITY_SPOOFED].client_ipver, 4);
	assert_memory_equal(g.meta[F_FWD_IDENTITY_SPOOFED].client_addr, peer9, 4);
	/* alias and repeat findings are raised once the client is known */
	send_req("203.0.113.9", REQ("Remote_User: a\r\nRemote_User: b\r\n"), 0, &g);
	assert_int_equal(g.meta[F_FWD_IDENTITY_ALIAS].client_ipver, 4);
	assert_int_equal(g.meta[F_FWD_IDENTITY_REPEATED].client_ipver, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identity_names_match_whole_or_by_prefix),
		cmocka_unit_test(configured_names_and_prefixes_add_to_the_list),
		cmocka_unit_test(identity_header_from_outside_is_spoofed),
		cmocka_unit_test(identity_header_from_trusted_proxy_is_normal),
		cmocka_unit_test(alias_repeat_and_connection_count_from_anyone),
		cmocka_unit_test(identity_is_judged_per_request),
		cmocka_unit_test(identity_alert_carries_forwarding_attribution),
	};
	return cmocka_run_group_tests(tests, setup, test_blocks_free_all);
}
