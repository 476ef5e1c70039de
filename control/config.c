/* config.c — libconfig parsing and validation of seam.conf.
 * Errors always name file:line and the key at fault. */
#include <libconfig.h>
#include <stdio.h>
#include <string.h>
#include "config.h"

const char *mode_name(int m)
{
	static const char *const n[] = { "offline", "inline", "mirror" };
	return m >= 0 && m < 3 ? n[m] : "?";
}

void policy_from_tiers(struct policy *p)
{
	for (int i = 0; i < F__COUNT; i++)
		p->finding_action[i] = p->tier_action[finding_table[i].tier];
}

int policy_profile(struct policy *p, const char *name)
{
	p->tier_action[TIER_COMPLIANT] = VD_PASS;
	p->tier_action[TIER_ACCEPTABLE] = VD_LOG;
	if (strcmp(name, "strict") == 0) {
		p->tier_action[TIER_AMBIGUOUS] = VD_RESET;
		p->tier_action[TIER_SEVERE] = VD_RESET;
	} else if (strcmp(name, "defensive") == 0) {
		p->tier_action[TIER_AMBIGUOUS] = VD_CLOSE_AFTER;
		p->tier_action[TIER_SEVERE] = VD_RESET;
	} else if (strcmp(name, "monitor") == 0) {
		p->tier_action[TIER_AMBIGUOUS] = VD_ALERT;
		p->tier_action[TIER_SEVERE] = VD_ALERT;
	} else {
		return -1;
	}
	snprintf(p->profile, sizeof(p->profile), "%s", name);
	policy_from_tiers(p);
	return 0;
}

void cfg_defaults(struct seam_cfg *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->source, sizeof(c->source), "<default>");
	c->mode = MODE_OFFLINE;
	snprintf(c->lcores, sizeof(c->lcores), "0,1");
	c->memory_mb = 1024;
	c->no_huge = 0;
	snprintf(c->eve_file, sizeof(c->eve_file), "eve.json");
	c->stats_interval = 10;
	c->blocked_pcap_mb = 64;
	c->blocked_pcap_files = 10;
	c->flow_events = 1;
	c->http_events = 1;
	hdrlog_cfg_default(&c->eve_http);
	c->max_flows = 262144;
	c->max_inspected = 65536;
	c->max_h2 = 512;
	c->max_early = 1024;
	c->max_header_blocks = 16384;
	c->max_ws = 16384;
	c->embryonic_timeout = 30;
	c->established_timeout = 600;
	c->closed_timeout = 10;
	c->midstream = 1;
	c->flow_fail_open = 0;
	c->ooo_max_segs = 2048;
	c->ooo_max_bytes = 1 << 20;
	c->retain_bytes = 65536;
	c->verify_mb = 32;
	c->verify_fail_open = 0;
	c->held_max_segs = 32768;
	c->tiny_seg_bytes = 8;
	c->tiny_seg_count = 16;
	c->checksum_verify = 1;
	c->overlap_default = RP_LINUX;
	insp_limits_default(&c->lim);
	policy_profile(&c->policy, "strict");
	snprintf(c->ctl_socket, sizeof(c->ctl_socket), "/run/seam/seam.sock");
	c->block_ttl = 600;
	c->burst = 32;
	c->idle_us = 200;
}

struct loader {
	const char *file;
	char *err;
	size_t errlen;
	int failed;
};

static void fail(struct loader *l, const config_setting_t *s, const char *key, const char *why)
{
	if (l->failed)
		return;
	l->failed = 1;
	snprintf(l->err, l->errlen, "%s:%d: %s: %s", l->file, s ? config_setting_source_line(s) : 0,
		 key, why);
}

/* Reject keys not in the allowed list. */
static void only_keys(struct loader *l, const config_setting_t *grp, const char *const *keys)
{
	if (!grp)
		return;
	int n = config_setting_length(grp);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(grp, i);
		const char *name = config_setting_name(e);
		int ok = 0;
		for (int k = 0; keys[k]; k++)
			if (name && strcmp(name, keys[k]) == 0)
				ok = 1;
		if (!ok) {
			char why[160];
			snprintf(why, sizeof(why), "unknown key (known: ");
			for (int k = 0; keys[k]; k++)
				snprintf(why + strlen(why), sizeof(why) - strlen(why), "%s%s", k ? ", " : "", keys[k]);
			snprintf(why + strlen(why), sizeof(why) - strlen(why), ")");
			fail(l, e, name ? name : "?", why);
		}
	}
}

static void get_u32(struct loader *l, const config_setting_t *grp, const char *key, uint32_t *out,
		    uint32_t lo, uint32_t hi)
{
	const config_setting_t *s = grp ? config_setting_get_member(grp, key) : NULL;
	if (!s)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64) {
		fail(l, s, key, "expected an integer");
		return;
	}
	long long v = config_setting_get_int64(s);
	if (config_setting_type(s) == CONFIG_TYPE_INT)
		v = config_setting_get_int(s);
	if (v < lo || v > hi) {
		char why[96];
		snprintf(why, sizeof(why), "%lld is out of range [%u, %u]", v, lo, hi);
		fail(l, s, key, why);
		return;
	}
	*out = (uint32_t)v;
}

static void get_u64(struct loader *l, const config_setting_t *grp, const char *key, uint64_t *out,
		    uint64_t lo, uint64_t hi)
{
	const config_setting_t *s = grp ? config_setting_get_member(grp, key) : NULL;
	if (!s)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64) {
		fail(l, s, key, "expected an integer (add L past 2^31: 4294967296L)");
		return;
	}
	long long v = config_setting_type(s) == CONFIG_TYPE_INT ? config_setting_get_int(s)
								 : config_setting_get_int64(s);
	if (v < 0 || (uint64_t)v < lo || (uint64_t)v > hi) {
		char why[96];
		snprintf(why, sizeof(why), "%lld is out of range [%llu, %llu]", v, (unsigned long long)lo,
			 (unsigned long long)hi);
		fail(l, s, key, why);
		return;
	}
	*out = (uint64_t)v;
}

static void get_bool(struct loader *l, const config_setting_t *grp, const char *key, int *out)
{
	const config_setting_t *s = grp ? config_setting_get_member(grp, key) : NULL;
	if (!s)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		fail(l, s, key, "expected true or false");
		return;
	}
	*out = config_setting_get_bool(s);
}

static void get_str(struct loader *l, const config_setting_t *grp, const char *key, char *out,
		    size_t len)
{
	const config_setting_t *s = grp ? config_setting_get_member(grp, key) : NULL;
	if (!s)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		fail(l, s, key, "expected a string");
		return;
	}
	const char *v = config_setting_get_string(s);
	if (strlen(v) >= len) {
		fail(l, s, key, "string too long");
		return;
	}
	snprintf(out, len, "%s", v);
}

static const config_setting_t *group(struct loader *l, const config_setting_t *root, const char *key)
{
	const config_setting_t *s = config_setting_get_member(root, key);
	if (s && config_setting_type(s) != CONFIG_TYPE_GROUP) {
		fail(l, s, key, "expected a group { ... }");
		return NULL;
	}
	return s;
}

static void load_prefixes(struct loader *l, const config_setting_t *g, const char *key,
			  struct fwd_prefix *out, uint32_t *n)
{
	const config_setting_t *a = g ? config_setting_get_member(g, key) : NULL;
	if (!a)
		return;
	if (config_setting_type(a) != CONFIG_TYPE_ARRAY && config_setting_type(a) != CONFIG_TYPE_LIST) {
		fail(l, a, key, "expected a list of prefixes like [ \"10.0.0.0/8\", \"2001:db8::/32\" ]");
		return;
	}
	*n = 0;
	for (int i = 0; i < config_setting_length(a); i++) {
		const config_setting_t *e = config_setting_get_elem(a, i);
		if (*n == FWD_TRUST_MAX) {
			fail(l, e, key, "too many prefixes (at most 32)");
			return;
		}
		if (config_setting_type(e) != CONFIG_TYPE_STRING ||
		    fwd_prefix_parse(config_setting_get_string(e), &out[*n]) < 0) {
			fail(l, e, key, "not an address prefix (10.0.0.0/8, 2001:db8::/32)");
			return;
		}
		(*n)++;
	}
}

/* Identity header names (or prefixes) only the trusted proxies may send,
 * added to the built-in list: [ "X-Company-User" ]. */
static void load_ident_names(struct loader *l, const config_setting_t *g, const char *key,
			     char out[][FWD_IDENT_NAME_MAX], uint8_t *n)
{
	const config_setting_t *a = g ? config_setting_get_member(g, key) : NULL;
	if (!a)
		return;
	if (config_setting_type(a) != CONFIG_TYPE_ARRAY && config_setting_type(a) != CONFIG_TYPE_LIST) {
		fail(l, a, key, "expected a list of field names like [ \"X-Company-User\" ]");
		return;
	}
	*n = 0;
	for (int i = 0; i < config_setting_length(a); i++) {
		const config_setting_t *e = config_setting_get_elem(a, i);
		if (*n == FWD_IDENT_MAX) {
			fail(l, e, key, "too many names (at most 16)");
			return;
		}
		if (config_setting_type(e) != CONFIG_TYPE_STRING ||
		    fwd_ident_name_parse(config_setting_get_string(e), out[*n]) < 0) {
			fail(l, e, key, "not a field name of 1 to 39 token characters");
			return;
		}
		(*n)++;
	}
}

static int overlap_name(struct loader *l, const config_setting_t *s, const char *key)
{
	int p = -1;
	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		p = overlap_policy_parse(config_setting_get_string(s));
	if (p < 0)
		fail(l, s, key, "expected one of \"first\", \"last\", \"bsd\", \"linux\", \"windows\", \"solaris\"");
	return p;
}

/* reasm.policy = "linux"; reasm.target_policy = { windows = [ "10.1.0.0/16" ]; ... } */
static void load_overlap_policies(struct loader *l, struct seam_cfg *c, const config_setting_t *g)
{
	const config_setting_t *s = g ? config_setting_get_member(g, "policy") : NULL;
	int p;
	if (s && (p = overlap_name(l, s, "policy")) >= 0)
		c->overlap_default = p;
	s = g ? config_setting_get_member(g, "target_policy") : NULL;
	if (!s)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		fail(l, s, "target_policy", "expected a group of policy = [ prefixes ], e.g. { windows = [ \"10.1.0.0/16\" ]; }");
		return;
	}
	c->ntargets = 0;
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *list = config_setting_get_elem(s, i);
		const char *name = config_setting_name(list);
		p = overlap_policy_parse(name);
		if (p < 0) {
			fail(l, list, name, "not a policy (first, last, bsd, linux, windows, solaris)");
			continue;
		}
		struct fwd_prefix pre[FWD_TRUST_MAX];
		uint32_t n = 0;
		load_prefixes(l, s, name, pre, &n);
		for (uint32_t k = 0; k < n; k++) {
			if (c->ntargets == CFG_MAX_TARGETS) {
				fail(l, list, name, "too many target prefixes (at most 64 in all)");
				return;
			}
			c->targets[c->ntargets].net = pre[k];
			c->targets[c->ntargets++].policy = p;
		}
	}
}

/* eve.http = { dump_all_headers = "both"; max_headers = 64; ... } */
static void load_eve_http(struct loader *l, struct hdrlog_cfg *c, const config_setting_t *g)
{
	static const char *const keys[] = { "dump_all_headers", "max_headers", "max_header_bytes",
		"capture_slots", NULL };
	only_keys(l, g, keys);
	char dump[16] = "";
	get_str(l, g, "dump_all_headers", dump, sizeof(dump));
	if (dump[0]) {
		int d = hdrlog_dump_parse(dump);
		if (d < 0)
			fail(l, config_setting_get_member(g, "dump_all_headers"), "dump_all_headers",
			     "expected \"none\", \"request\", \"response\" or \"both\"");
		else
			c->dump = d;
	}
	get_u32(l, g, "max_headers", &c->max_headers, 1, 1024);
	get_u32(l, g, "max_header_bytes", &c->max_header_bytes, 64, 65535);
	get_u32(l, g, "capture_slots", &c->slots, 16, 65536);
	if (c->slots & (c->slots - 1))
		fail(l, config_setting_get_member(g, "capture_slots"), "capture_slots", "must be a power of two");
}

uint8_t cfg_target_policy(const struct seam_cfg *c, uint8_t ipver, const uint8_t addr[16])
{
	struct fwd_addr a = { .ipver = ipver };
	memcpy(a.a, addr, 16);
	int best = -1;
	uint8_t p = c->overlap_default;
	for (uint32_t i = 0; i < c->ntargets; i++)
		if (c->targets[i].net.len > best && fwd_in_prefixes(&c->targets[i].net, 1, &a)) {
			best = c->targets[i].net.len;
			p = c->targets[i].policy;
		}
	return p;
}

/* websocket.origins = ( { host = "chat.example"; allow = [ "https://chat.example" ];
 *                         same_site = false; }, ... ) */
static void load_ws_origins(struct loader *l, struct seam_cfg *c, const config_setting_t *g)
{
	const config_setting_t *list = g ? config_setting_get_member(g, "origins") : NULL;
	if (!list)
		return;
	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		fail(l, list, "origins", "expected a list of groups ( { host = ...; allow = [ ... ]; }, ... )");
		return;
	}
	c->ws_origins.n = 0;
	for (int i = 0; i < config_setting_length(list); i++) {
		const config_setting_t *e = config_setting_get_elem(list, i);
		if (c->ws_origins.n == WS_ORIGIN_RULES) {
			fail(l, e, "origins", "too many hosts (at most 32)");
			return;
		}
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			fail(l, e, "origins", "expected a group { host = ...; allow = [ ... ]; }");
			return;
		}
		static const char *const keys[] = { "host", "allow", "same_site", NULL };
		only_keys(l, e, keys);
		struct ws_origin_rule *r = &c->ws_origins.rule[c->ws_origins.n];
		memset(r, 0, sizeof(*r));
		get_str(l, e, "host", r->host, sizeof(r->host));
		if (!r->host[0] || strchr(r->host, ':') || strchr(r->host, '/'))
			fail(l, e, "host", "expected a host name without scheme or port, e.g. \"chat.example.com\"");
		int same = 0;
		get_bool(l, e, "same_site", &same);
		r->same_site = same;
		const config_setting_t *a = config_setting_get_member(e, "allow");
		if (a && config_setting_type(a) != CONFIG_TYPE_ARRAY && config_setting_type(a) != CONFIG_TYPE_LIST) {
			fail(l, a, "allow", "expected a list of origins like [ \"https://app.example:8443\", \"null\" ]");
			return;
		}
		for (int k = 0; a && k < config_setting_length(a); k++) {
			const config_setting_t *o = config_setting_get_elem(a, k);
			const char *v = config_setting_type(o) == CONFIG_TYPE_STRING ? config_setting_get_string(o) : NULL;
			if (r->nallow == WS_ORIGIN_ALLOW) {
				fail(l, o, "allow", "too many origins for one host (at most 8)");
				break;
			}
			if (!v || strlen(v) >= sizeof(r->allow[0]) ||
			    (strcmp(v, "null") != 0 && !strstr(v, "://"))) {
				fail(l, o, "allow", "expected scheme://host[:port] or \"null\"");
				break;
			}
			snprintf(r->allow[r->nallow++], sizeof(r->allow[0]), "%s", v);
		}
		c->ws_origins.n++;
	}
}

static void load_policy(struct loader *l, struct seam_cfg *c, const config_setting_t *p)
{
	static const char *const keys[] = { "profile", "acceptable", "ambiguous", "severe", "overrides", NULL };
	char buf[32];
	only_keys(l, p, keys);
	if (!p)
		return;
	buf[0] = 0;
	get_str(l, p, "profile", buf, sizeof(buf));
	if (buf[0] && policy_profile(&c->policy, buf) < 0)
		fail(l, config_setting_get_member(p, "profile"), "profile",
		     "unknown profile (strict, defensive, monitor)");
	static const char *const tiers[] = { "acceptable", "ambiguous", "severe" };
	for (int t = 0; t < 3; t++) {
		buf[0] = 0;
		get_str(l, p, tiers[t], buf, sizeof(buf));
		if (!buf[0])
			continue;
		int a = vd_action_from_name(buf);
		if (a < 0) {
			fail(l, config_setting_get_member(p, tiers[t]), tiers[t],
			     "unknown action (pass, log, alert, close-after, drop, reset, block)");
			continue;
		}
		c->policy.tier_action[TIER_ACCEPTABLE + t] = a;
	}
	policy_from_tiers(&c->policy);
	const config_setting_t *o = config_setting_get_member(p, "overrides");
	if (!o)
		return;
	if (config_setting_type(o) != CONFIG_TYPE_GROUP) {
		fail(l, o, "overrides", "expected a group of \"finding\" = \"action\"");
		return;
	}
	for (int i = 0; i < config_setting_length(o); i++) {
		const config_setting_t *e = config_setting_get_elem(o, i);
		const char *name = config_setting_name(e);
		/* libconfig names cannot hold dots: h1_cl_and_te and h1.cl_and_te both work */
		char dotted[64];
		snprintf(dotted, sizeof(dotted), "%s", name);
		char *u = strchr(dotted, '_');
		int f = finding_from_name(dotted);
		if (f < 0 && u) {
			*u = '.';
			f = finding_from_name(dotted);
		}
		if (f < 0) {
			fail(l, e, name, "unknown finding");
			continue;
		}
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			fail(l, e, name, "expected an action string");
			continue;
		}
		int a = vd_action_from_name(config_setting_get_string(e));
		if (a < 0) {
			fail(l, e, name, "unknown action (pass, log, alert, close-after, drop, reset, block)");
			continue;
		}
		c->policy.finding_action[f] = a;
	}
}

int cfg_load(struct seam_cfg *c, const char *path, char *err, size_t errlen)
{
	config_t cf;
	struct loader l = { .file = path, .err = err, .errlen = errlen };
	config_init(&cf);
	if (config_read_file(&cf, path) != CONFIG_TRUE) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read the configuration file", path);
		else
			snprintf(err, errlen, "%s:%d: syntax: %s", path, config_error_line(&cf),
				 config_error_text(&cf));
		config_destroy(&cf);
		return -1;
	}
	snprintf(c->source, sizeof(c->source), "%s", path);
	const config_setting_t *root = config_root_setting(&cf);
	static const char *const top[] = { "seam", NULL };
	only_keys(&l, root, top);
	const config_setting_t *s = config_setting_get_member(root, "seam");
	if (!s && !l.failed) {
		snprintf(err, errlen, "%s:1: seam: missing top-level group seam = { ... }", path);
		config_destroy(&cf);
		return -1;
	}
	static const char *const keys[] = { "mode", "lcores", "memory_mb", "no_huge", "eal_args", "ports",
		"eve", "flow", "reasm", "http", "fwd", "websocket", "rhttp", "h2c", "policy", "signatures", "control", "burst",
		"idle_us", "inject_port", NULL };
	only_keys(&l, s, keys);

	char mode[16] = "";
	get_str(&l, s, "mode", mode, sizeof(mode));
	if (mode[0]) {
		if (strcmp(mode, "offline") == 0) c->mode = MODE_OFFLINE;
		else if (strcmp(mode, "inline") == 0) c->mode = MODE_INLINE;
		else if (strcmp(mode, "mirror") == 0) c->mode = MODE_MIRROR;
		else fail(&l, config_setting_get_member(s, "mode"), "mode", "expected offline, inline or mirror");
	}
	get_str(&l, s, "lcores", c->lcores, sizeof(c->lcores));
	get_u32(&l, s, "memory_mb", &c->memory_mb, 64, 1 << 20);
	get_bool(&l, s, "no_huge", &c->no_huge);
	get_str(&l, s, "eal_args", c->eal_extra, sizeof(c->eal_extra));
	get_str(&l, s, "inject_port", c->inject_port, sizeof(c->inject_port));
	get_u32(&l, s, "burst", &c->burst, 1, 256);
	get_u32(&l, s, "idle_us", &c->idle_us, 0, 1000000);
	get_str(&l, s, "signatures", c->sig_file, sizeof(c->sig_file));

	const config_setting_t *ports = config_setting_get_member(s, "ports");
	if (ports) {
		if (config_setting_type(ports) != CONFIG_TYPE_ARRAY && config_setting_type(ports) != CONFIG_TYPE_LIST) {
			fail(&l, ports, "ports", "expected a list of device strings");
		} else {
			int n = config_setting_length(ports);
			if (n > CFG_MAX_PORTS)
				fail(&l, ports, "ports", "too many ports (at most 8)");
			for (int i = 0; i < n && i < CFG_MAX_PORTS; i++) {
				const config_setting_t *e = config_setting_get_elem(ports, i);
				if (config_setting_type(e) != CONFIG_TYPE_STRING) {
					fail(&l, e, "ports", "each port is a device string");
					break;
				}
				snprintf(c->port_dev[i], sizeof(c->port_dev[i]), "%s", config_setting_get_string(e));
			}
			c->nports = n < CFG_MAX_PORTS ? n : CFG_MAX_PORTS;
		}
	}

	const config_setting_t *g = group(&l, s, "eve");
	static const char *const eve_keys[] = { "file", "stats_interval", "flow_events", "http_events", "stream_digest", "blocked_pcap",
		"blocked_pcap_mb", "blocked_pcap_files", "http", NULL };
	only_keys(&l, g, eve_keys);
	get_str(&l, g, "file", c->eve_file, sizeof(c->eve_file));
	get_u32(&l, g, "stats_interval", &c->stats_interval, 0, 86400);
	get_bool(&l, g, "flow_events", &c->flow_events);
	get_bool(&l, g, "http_events", &c->http_events);
	get_bool(&l, g, "stream_digest", &c->stream_digest);
	get_str(&l, g, "blocked_pcap", c->blocked_pcap, sizeof(c->blocked_pcap));
	get_u32(&l, g, "blocked_pcap_mb", &c->blocked_pcap_mb, 1, 1u << 20);
	get_u32(&l, g, "blocked_pcap_files", &c->blocked_pcap_files, 1, 100000);
	if (g)
		load_eve_http(&l, &c->eve_http, group(&l, g, "http"));

	g = group(&l, s, "flow");
	static const char *const flow_keys[] = { "max_flows", "max_inspected", "max_h2", "max_early", "max_header_blocks", "max_ws", "embryonic_timeout",
		"established_timeout", "closed_timeout", "midstream", "fail_open", NULL };
	only_keys(&l, g, flow_keys);
	get_u32(&l, g, "max_flows", &c->max_flows, 64, 1u << 26);
	get_u32(&l, g, "max_inspected", &c->max_inspected, 64, 1u << 26);
	get_u32(&l, g, "max_h2", &c->max_h2, 1, 1u << 20);
	get_u32(&l, g, "max_early", &c->max_early, 1, 1u << 20);
	get_u32(&l, g, "max_header_blocks", &c->max_header_blocks, 1, 1u << 22);
	get_u32(&l, g, "max_ws", &c->max_ws, 1, 1u << 24);
	get_u32(&l, g, "embryonic_timeout", &c->embryonic_timeout, 1, 3600);
	get_u32(&l, g, "established_timeout", &c->established_timeout, 1, 86400);
	get_u32(&l, g, "closed_timeout", &c->closed_timeout, 0, 3600);
	get_bool(&l, g, "midstream", &c->midstream);
	get_bool(&l, g, "fail_open", &c->flow_fail_open);

	g = group(&l, s, "reasm");
	static const char *const reasm_keys[] = { "ooo_max_segs", "ooo_max_bytes", "retain_bytes",
		"verify_mb", "verify_fail_open", "held_max_segs", "tiny_seg_bytes", "tiny_seg_count",
		"checksum_verify", "policy", "target_policy", NULL };
	only_keys(&l, g, reasm_keys);
	get_u32(&l, g, "ooo_max_segs", &c->ooo_max_segs, 0, 65536);
	get_u32(&l, g, "ooo_max_bytes", &c->ooo_max_bytes, 0, 1u << 30);
	get_u32(&l, g, "retain_bytes", &c->retain_bytes, 0, 1u << 26);
	get_u32(&l, g, "verify_mb", &c->verify_mb, 0, 1u << 16);
	get_bool(&l, g, "verify_fail_open", &c->verify_fail_open);
	get_u32(&l, g, "held_max_segs", &c->held_max_segs, 16, 1u << 24);
	get_u32(&l, g, "tiny_seg_bytes", &c->tiny_seg_bytes, 0, 1500);
	get_u32(&l, g, "tiny_seg_count", &c->tiny_seg_count, 1, 1u << 20);
	get_bool(&l, g, "checksum_verify", &c->checksum_verify);
	load_overlap_policies(&l, c, g);
	if (c->retain_bytes && c->retain_bytes < 2 * 256)
		fail(&l, config_setting_get_member(g, "retain_bytes"), "retain_bytes",
		     "must be 0 (no verification) or at least 512");
	if (c->retain_bytes && !c->verify_mb)
		fail(&l, config_setting_get_member(g, "verify_mb"), "verify_mb",
		     "0 leaves no store for retain_bytes (set retain_bytes = 0 to turn verification off)");

	g = group(&l, s, "http");
	static const char *const http_keys[] = { "max_line", "max_header_bytes", "max_fields",
		"max_chunk_ext", "cl_max_digits", NULL };
	only_keys(&l, g, http_keys);
	get_u32(&l, g, "max_line", &c->lim.max_line, 64, 1u << 24);
	get_u32(&l, g, "max_header_bytes", &c->lim.max_hdr_bytes, 256, 1u << 24);
	get_u32(&l, g, "max_fields", &c->lim.max_fields, 1, 65535);
	get_u32(&l, g, "max_chunk_ext", &c->lim.max_chk_ext, 0, 1u << 20);
	get_u32(&l, g, "cl_max_digits", &c->lim.cl_max_digits, 1, 19);

	g = group(&l, s, "fwd");
	static const char *const fwd_keys[] = { "trusted", "internal", "identity_headers",
		"identity_prefixes", NULL };
	only_keys(&l, g, fwd_keys);
	load_prefixes(&l, g, "trusted", c->fwd.trusted, &c->fwd.ntrusted);
	load_prefixes(&l, g, "internal", c->fwd.internal, &c->fwd.ninternal);
	load_ident_names(&l, g, "identity_headers", c->fwd.ident, &c->fwd.nident);
	load_ident_names(&l, g, "identity_prefixes", c->fwd.ident_prefix, &c->fwd.nident_prefix);

	g = group(&l, s, "websocket");
	static const char *const ws_keys[] = { "max_frame", "max_message", "max_frames_per_s", "max_bytes_per_s",
		"origins", NULL };
	only_keys(&l, g, ws_keys);
	get_u64(&l, g, "max_frame", &c->lim.ws_max_frame, 1, 1ull << 62);
	get_u64(&l, g, "max_message", &c->lim.ws_max_message, 1, 1ull << 62);
	get_u32(&l, g, "max_frames_per_s", &c->lim.ws_max_frames_per_s, 0, 1u << 30);
	get_u64(&l, g, "max_bytes_per_s", &c->lim.ws_max_bytes_per_s, 0, 1ull << 62);
	load_ws_origins(&l, c, g);

	g = group(&l, s, "rhttp");
	static const char *const rhttp_keys[] = { "allow", NULL };
	only_keys(&l, g, rhttp_keys);
	load_prefixes(&l, g, "allow", c->rhttp_allow, &c->nrhttp_allow);

	g = group(&l, s, "h2c");
	static const char *const h2c_keys[] = { "origins", NULL };
	only_keys(&l, g, h2c_keys);
	load_prefixes(&l, g, "origins", c->h2c_origins, &c->nh2c_origins);

	load_policy(&l, c, group(&l, s, "policy"));

	g = group(&l, s, "control");
	static const char *const ctl_keys[] = { "socket", "group", "prometheus", "block_ttl", NULL };
	only_keys(&l, g, ctl_keys);
	get_str(&l, g, "socket", c->ctl_socket, sizeof(c->ctl_socket));
	get_str(&l, g, "group", c->ctl_group, sizeof(c->ctl_group));
	get_str(&l, g, "prometheus", c->prometheus, sizeof(c->prometheus));
	get_u32(&l, g, "block_ttl", &c->block_ttl, 1, 86400 * 365);
	if (c->prometheus[0] && !strchr(c->prometheus, ':'))
		fail(&l, config_setting_get_member(g, "prometheus"), "prometheus", "expected ADDRESS:PORT, e.g. \"127.0.0.1:9178\"");

	config_destroy(&cf);
	return l.failed ? -1 : 0;
}
