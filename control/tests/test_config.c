/* test_config.c — configuration errors name file:line and the key; the
 * shipped configs/seam.conf is the embedded default; profiles map tiers
 * to actions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "config.h"

static const char *srcdir;

static int load_text(const char *text, struct seam_cfg *c, char *err, size_t len)
{
	char path[] = "/tmp/seam-cfg-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	cfg_defaults(c);
	int r = cfg_load(c, path, err, len);
	/* the message names the file; strip the directory for comparisons */
	char *p = strstr(err, path);
	if (p)
		memmove(p, "cfg", 3), memmove(p + 3, p + strlen(path), strlen(p + strlen(path)) + 1);
	unlink(path);
	return r;
}

static void shipped_config_equals_embedded_default(void **st)
{
	struct seam_cfg a, b;
	char err[512], path[1024];
	cfg_defaults(&a);
	cfg_defaults(&b);
	snprintf(path, sizeof(path), "%s/configs/seam.conf", srcdir);
	assert_int_equal(cfg_load(&b, path, err, sizeof(err)), 0);
	/* everything but the source name must match */
	memset(a.source, 0, sizeof(a.source));
	memset(b.source, 0, sizeof(b.source));
	assert_memory_equal(&a, &b, sizeof(a));
}

static void profiles_config_files_load(void **st)
{
	static const char *const names[] = { "strict", "defensive", "monitor" };
	for (int i = 0; i < 3; i++) {
		struct seam_cfg c;
		char err[512], path[1024];
		cfg_defaults(&c);
		snprintf(path, sizeof(path), "%s/configs/profiles/%s.conf", srcdir, names[i]);
		assert_int_equal(cfg_load(&c, path, err, sizeof(err)), 0);
		assert_string_equal(c.policy.profile, names[i]);
	}
	/* the real-NIC example in the README loads as written */
	struct seam_cfg c;
	char err[512], path[1024];
	cfg_defaults(&c);
	snprintf(path, sizeof(path), "%s/configs/nic-inline.conf", srcdir);
	assert_int_equal(cfg_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.mode, MODE_INLINE);
}

static void unknown_key_names_line_and_key(void **st)
{
	struct seam_cfg c;
	char err[512];
	assert_int_equal(load_text("seam = {\n  flow = {\n    max_flowz = 10;\n  };\n};\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:3: max_flowz: unknown key"));
}

static void wrong_type_is_reported(void **st)
{
	struct seam_cfg c;
	char err[512];
	assert_int_equal(load_text("seam = {\n flow = { max_flows = \"many\"; };\n};\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: max_flows: expected an integer"));
}

static void out_of_range_is_reported(void **st)
{
	struct seam_cfg c;
	char err[512];
	assert_int_equal(load_text("seam = {\n\n http = { cl_max_digits = 40; };\n};\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:3: cl_max_digits: 40 is out of range"));
}

static void eve_http_takes_suricatas_dump_values(void **st)
{
	struct seam_cfg c;
	char err[512];
	static const struct { const char *v; uint8_t dump; } ok[] = {
		{ "none", 0 }, { "request", HDRLOG_DUMP_REQ }, { "response", HDRLOG_DUMP_RSP },
		{ "both", HDRLOG_DUMP_REQ | HDRLOG_DUMP_RSP },
	};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), "seam = { eve = { http = { dump_all_headers = \"%s\"; "
			 "max_headers = 8; max_header_bytes = 1024; capture_slots = 256; }; }; };\n", ok[i].v);
		assert_int_equal(load_text(text, &c, err, sizeof(err)), 0);
		assert_int_equal(c.eve_http.dump, ok[i].dump);
		assert_int_equal(c.eve_http.max_headers, 8);
		assert_int_equal(c.eve_http.max_header_bytes, 1024);
		assert_int_equal(c.eve_http.slots, 256);
	}
	cfg_defaults(&c);
	assert_int_equal(c.eve_http.dump, 0);           /* Suricata's default: no dump */
	assert_int_equal(load_text("seam = {\n eve = {\n  http = {\n   dump_all_headers = \"all\";\n };\n };\n};\n",
				   &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:4: dump_all_headers: expected \"none\", \"request\", \"response\" or \"both\""));
	assert_int_equal(load_text("seam = { eve = { http = {\n capture_slots = 1000; }; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: capture_slots: must be a power of two"));
	assert_int_equal(load_text("seam = { eve = { http = {\n max_headers = 0; }; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: max_headers: 0 is out of range"));
	assert_int_equal(load_text("seam = { eve = { http = {\n dump = \"both\"; }; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: dump: unknown key"));
}

static void overlap_policies_by_longest_prefix(void **st)
{
	struct seam_cfg c;
	char err[512] = "";
	assert_int_equal(load_text("seam = { reasm = { policy = \"bsd\";\n"
				   "  target_policy = { windows = [ \"10.0.0.0/8\" ]; last = [ \"10.1.2.0/24\" ];\n"
				   "                    solaris = [ \"2001:db8::/32\" ]; }; }; };\n", &c, err, sizeof(err)), 0);
	uint8_t a[16] = { 10, 1, 2, 3 }, b[16] = { 10, 9, 9, 9 }, o[16] = { 192, 0, 2, 1 };
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	assert_int_equal(cfg_target_policy(&c, 4, a), RP_LAST);
	assert_int_equal(cfg_target_policy(&c, 4, b), RP_WINDOWS);
	assert_int_equal(cfg_target_policy(&c, 4, o), RP_BSD);
	assert_int_equal(cfg_target_policy(&c, 6, v6), RP_SOLARIS);
	assert_int_equal(cfg_target_policy(&c, 6, a), RP_BSD);      /* family must match */
	cfg_defaults(&c);
	assert_int_equal(cfg_target_policy(&c, 4, a), RP_LINUX);
	/* errors name the line and the key */
	assert_int_equal(load_text("seam = { reasm = {\n policy = \"vms\"; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: policy: expected one of"));
	assert_int_equal(load_text("seam = { reasm = { target_policy = {\n macos = [ \"10.0.0.0/8\" ]; }; }; };\n",
				   &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: macos: not a policy"));
	assert_int_equal(load_text("seam = { reasm = { target_policy = {\n bsd = [ \"10.0.0.0/33\" ]; }; }; };\n",
				   &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: bsd: not an address prefix"));
}

static void websocket_limits_and_origin_rules(void **st)
{
	struct seam_cfg c;
	char err[512] = "";
	assert_int_equal(load_text("seam = { websocket = { max_frame = 1000; max_message = 5000000000L;\n"
				   "  max_frames_per_s = 50; max_bytes_per_s = 100000;\n"
				   "  origins = ( { host = \"chat.example\"; allow = [ \"https://chat.example\", \"null\" ];\n"
				   "                same_site = true; } ); }; };\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.lim.ws_max_frame, 1000);
	assert_true(c.lim.ws_max_message == 5000000000ull);
	assert_int_equal(c.lim.ws_max_frames_per_s, 50);
	assert_int_equal(c.ws_origins.n, 1);
	assert_string_equal(c.ws_origins.rule[0].host, "chat.example");
	assert_int_equal(c.ws_origins.rule[0].nallow, 2);
	assert_int_equal(c.ws_origins.rule[0].same_site, 1);
	assert_int_equal(load_text("seam = { websocket = {\n origins = ( { host = \"a.example\";\n"
				   " allow = [ \"a.example\" ]; } ); }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:3: allow: expected scheme://host[:port]"));
	assert_int_equal(load_text("seam = { websocket = {\n origins = ( { host = \"https://a.example\"; } ); }; };\n",
				   &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "host: expected a host name"));
	assert_int_equal(load_text("seam = { websocket = {\n max_frame = 0; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: max_frame: 0 is out of range"));
}

static void h2c_origins_and_early_pool(void **st)
{
	struct seam_cfg c;
	char err[512] = "";
	assert_int_equal(load_text("seam = { flow = { max_early = 64; };\n"
				   "  h2c = { origins = [ \"10.0.0.0/8\", \"2001:db8::/32\" ]; }; };\n",
				   &c, err, sizeof(err)), 0);
	assert_int_equal(c.max_early, 64);
	assert_int_equal(c.nh2c_origins, 2);
	assert_int_equal(c.h2c_origins[0].ipver, 4);
	assert_int_equal(c.h2c_origins[1].ipver, 6);
	cfg_defaults(&c);
	assert_int_equal(c.nh2c_origins, 0);      /* by default no server may switch to h2c quietly */
	assert_int_equal(load_text("seam = { h2c = {\n origins = [ \"10.0.0.300/8\" ]; }; };\n",
				   &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: origins: not an address prefix"));
	assert_int_equal(load_text("seam = { h2c = {\n allow = [ ]; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: allow: unknown key (known: origins)"));
	assert_int_equal(load_text("seam = { flow = {\n max_early = 0; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: max_early: 0 is out of range"));
	assert_int_equal(load_text("seam = { flow = { max_header_blocks = 4096; }; };\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.max_header_blocks, 4096);
	assert_int_equal(load_text("seam = { flow = {\n max_header_blocks = 0; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: max_header_blocks: 0 is out of range"));
	assert_int_equal(load_text("seam = { flow = { max_ws = 100; }; };\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.max_ws, 100);
	assert_int_equal(load_text("seam = { flow = {\n max_ws = 0; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: max_ws: 0 is out of range"));
}

static void fwd_identity_headers_and_prefixes(void **st)
{
	struct seam_cfg c;
	char err[512] = "";
	assert_int_equal(load_text("seam = { fwd = { trusted = [ \"10.0.0.0/8\" ];\n"
				   "  identity_headers = [ \"X-Company-User\", \"Company_Role\" ];\n"
				   "  identity_prefixes = [ \"X-Company-Auth-\" ]; }; };\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.fwd.nident, 2);
	assert_string_equal(c.fwd.ident[0], "x-company-user");
	assert_string_equal(c.fwd.ident[1], "company-role");
	assert_int_equal(c.fwd.nident_prefix, 1);
	assert_string_equal(c.fwd.ident_prefix[0], "x-company-auth-");
	assert_int_equal(load_text("seam = { fwd = {\n identity_headers = [ \"X Company\" ]; }; };\n",
				   &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: identity_headers: not a field name"));
	assert_int_equal(load_text("seam = { fwd = {\n identity_prefixes = \"X-A-\"; }; };\n",
				   &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: identity_prefixes: expected a list of field names"));
	char text[2048];
	int n = snprintf(text, sizeof(text), "seam = { fwd = {\n identity_headers = [ ");
	for (int i = 0; i < 17; i++)
		n += snprintf(text + n, sizeof(text) - n, "%s\"X-N%d\"", i ? ", " : "", i);
	snprintf(text + n, sizeof(text) - n, " ]; }; };\n");
	assert_int_equal(load_text(text, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "identity_headers: too many names (at most 16)"));
}

static void verification_store_and_idle_keys(void **st)
{
	struct seam_cfg c;
	char err[512];
	assert_int_equal(load_text("seam = {\n reasm = { retain_bytes = 4096; verify_mb = 8;\n"
				   "  verify_fail_open = true; };\n idle_us = 0;\n};\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.retain_bytes, 4096);
	assert_int_equal(c.verify_mb, 8);
	assert_true(c.verify_fail_open);
	assert_int_equal(c.idle_us, 0);
	/* verification off needs no store */
	assert_int_equal(load_text("seam = { reasm = { retain_bytes = 0; verify_mb = 0; }; };\n", &c, err,
				   sizeof(err)), 0);
	assert_int_equal(load_text("seam = {\n reasm = {\n  retain_bytes = 100; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:3: retain_bytes: must be 0"));
	assert_int_equal(load_text("seam = {\n reasm = {\n\n  verify_mb = 0; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:4: verify_mb: 0 leaves no store"));
	assert_int_equal(load_text("seam = { reasm = { verify_fail_open = 3; }; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "verify_fail_open"));
	assert_int_equal(load_text("seam = {\n idle_us = 2000000; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: idle_us: 2000000 is out of range"));
}

static void syntax_error_names_the_line(void **st)
{
	struct seam_cfg c;
	char err[512];
	assert_int_equal(load_text("seam = {\n  mode = \"offline\";\n  lcores = ;\n};\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:3: syntax"));
}

static void unknown_mode_and_action_are_rejected(void **st)
{
	struct seam_cfg c;
	char err[512];
	assert_int_equal(load_text("seam = { mode = \"bridge\"; };\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mode: expected offline, inline or mirror"));
	assert_int_equal(load_text("seam = {\n policy = { severe = \"explode\"; };\n};\n", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: severe: unknown action"));
}

static void unknown_finding_override_is_rejected(void **st)
{
	struct seam_cfg c;
	char err[512];
	assert_int_equal(load_text("seam = { policy = { overrides = {\n h1_no_such = \"alert\"; }; }; };\n",
				   &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cfg:2: h1_no_such: unknown finding"));
}

static void overrides_change_one_finding(void **st)
{
	struct seam_cfg c;
	char err[512];
	assert_int_equal(load_text("seam = { policy = { profile = \"monitor\"; overrides = {\n"
				   " h1_cl_and_te = \"drop\"; h1_obs_fold = \"pass\"; }; }; };\n",
				   &c, err, sizeof(err)), 0);
	assert_int_equal(c.policy.finding_action[F_H1_CL_AND_TE], VD_DROP);
	assert_int_equal(c.policy.finding_action[F_H1_OBS_FOLD], VD_PASS);
	assert_int_equal(c.policy.finding_action[F_H1_BARE_CR], VD_ALERT);
}

static void profiles_map_tiers(void **st)
{
	struct policy p;
	assert_int_equal(policy_profile(&p, "strict"), 0);
	assert_int_equal(p.finding_action[F_H1_CL_AND_TE], VD_RESET);
	assert_int_equal(p.finding_action[F_H1_HOST_MISSING], VD_LOG);
	assert_int_equal(policy_profile(&p, "defensive"), 0);
	assert_int_equal(p.finding_action[F_H1_BARE_LF], VD_CLOSE_AFTER);
	assert_int_equal(p.finding_action[F_H1_CL_AND_TE], VD_RESET);
	assert_int_equal(policy_profile(&p, "monitor"), 0);
	assert_int_equal(p.finding_action[F_H1_CL_AND_TE], VD_ALERT);
	assert_int_equal(policy_profile(&p, "lax"), -1);
}

static void acceptable_tier_never_alerts_by_default(void **st)
{
	struct seam_cfg c;
	cfg_defaults(&c);
	for (int i = 0; i < F__COUNT; i++) {
		if (finding_table[i].tier == TIER_ACCEPTABLE)
			assert_int_equal(c.policy.finding_action[i], VD_LOG);
		else
			assert_true(c.policy.finding_action[i] >= VD_ALERT);
	}
}

static void catalogue_names_and_ids_are_unique(void **st)
{
	for (int i = 0; i < F__COUNT; i++)
		for (int j = i + 1; j < F__COUNT; j++) {
			assert_string_not_equal(finding_table[i].name, finding_table[j].name);
			assert_int_not_equal(finding_table[i].id, finding_table[j].id);
		}
}

int main(int argc, char **argv)
{
	srcdir = argc > 1 ? argv[1] : ".";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_config_equals_embedded_default),
		cmocka_unit_test(profiles_config_files_load),
		cmocka_unit_test(unknown_key_names_line_and_key),
		cmocka_unit_test(wrong_type_is_reported),
		cmocka_unit_test(out_of_range_is_reported),
		cmocka_unit_test(syntax_error_names_the_line),
		cmocka_unit_test(overlap_policies_by_longest_prefix),
		cmocka_unit_test(websocket_limits_and_origin_rules),
		cmocka_unit_test(h2c_origins_and_early_pool),
		cmocka_unit_test(unknown_mode_and_action_are_rejected),
		cmocka_unit_test(unknown_finding_override_is_rejected),
		cmocka_unit_test(overrides_change_one_finding),
		cmocka_unit_test(profiles_map_tiers),
		cmocka_unit_test(acceptable_tier_never_alerts_by_default),
		cmocka_unit_test(catalogue_names_and_ids_are_unique),
		cmocka_unit_test(verification_store_and_idle_keys),
		cmocka_unit_test(fwd_identity_headers_and_prefixes),
		cmocka_unit_test(eve_http_takes_suricatas_dump_values),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
