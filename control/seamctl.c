/* seamctl.c — operator's client for a running seam (JSON over the local
 * control socket).  Human output by default, --json for scripts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include "ctl_server.h"

static const char *sock = "/run/seam/seam.sock";
static int as_json;

/* The command line, parsed once.  Global options (--socket, --json, --help)
 * may stand anywhere; each command names the options it takes, and
 * anything else is an error naming it. */
struct args {
	const char *cmd;
	const char *pos[4];
	int npos;
	int help;
	long long top, port, ttl, flow_id;   /* -1: not given */
	const char *addr;
};

struct opt_def {
	const char *name;
	int numeric;              /* value is a whole number in [0, max] */
	long long max;
};

enum { OPT_TOP, OPT_ADDR, OPT_PORT, OPT_TTL, OPT_FLOW_ID, OPT__COUNT };
static const struct opt_def opt_defs[OPT__COUNT] = {
	[OPT_TOP] = { "--top", 1, 100000 },
	[OPT_ADDR] = { "--addr", 0, 0 },
	[OPT_PORT] = { "--port", 1, 65535 },
	[OPT_TTL] = { "--ttl", 1, 100LL * 365 * 86400 },
	[OPT_FLOW_ID] = { "--flow-id", 1, (long long)(~0ULL >> 1) },
};

struct cmd_def {
	const char *name;
	unsigned opts;            /* bit per OPT_* the command takes */
	int min_pos, max_pos;
	const char *help;
};

static const struct cmd_def cmd_defs[] = {
	{ "stats", 0, 0, 0, "seamctl stats: all counters, and whether received = sum of fates + held" },
	{ "flows", 1u << OPT_TOP | 1u << OPT_ADDR | 1u << OPT_PORT, 0, 0,
	  "seamctl flows [--top N] [--addr ADDR] [--port P]: the N largest flows by bytes,\n"
	  "across workers, optionally those with ADDR or P at either end" },
	{ "block", 1u << OPT_TTL, 1, 2,
	  "seamctl block add ADDR[/LEN] [--ttl SECONDS] | block del ADDR[/LEN] | block list" },
	{ "reset", 1u << OPT_FLOW_ID, 0, 4,
	  "seamctl reset SRC SPORT DST DPORT | reset --flow-id ID: reset one TCP flow, RST to both ends" },
	{ "reload", 0, 0, 0, "seamctl reload: re-read configuration, policy and signatures" },
	{ "rules", 0, 0, 0, "seamctl rules: hits per finding and per signature" },
	{ "top", 0, 0, 0, "seamctl top: live per-worker view (Ctrl-C to quit)" },
	{ "version", 0, 0, 0, "seamctl version: seam's version" },
	{ "workers", 0, 0, 0, "seamctl workers: per-worker counters" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: seamctl [--socket PATH] [--json] COMMAND [ARGS]\n\n"
		"  stats                          counters (packets, fates, flows, findings)\n"
		"  flows [--top N] [--addr A] [--port P]  largest flows by bytes\n"
		"  block add ADDR[/LEN] [--ttl S] refuse new connections from a source\n"
		"  block del ADDR[/LEN]           lift a block\n"
		"  block list                     blocks in force\n"
		"  reset SRC SPORT DST DPORT      reset one TCP flow (both ends); or --flow-id ID\n"
		"  reload                         re-read configuration, policy and signatures\n"
		"  rules                          hits per finding and per signature\n"
		"  top                            live per-worker view (q to quit)\n"
		"  version                        seam's version\n\n"
		"Options may stand before or after the command; every command takes --help.\n"
		"The socket defaults to /run/seam/seam.sock.\n");
}

static void bad_args(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "seamctl: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, " (seamctl --help lists the commands)\n");
	exit(2);
}

static long long number(const char *opt, const char *v, long long max)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || errno || n < 0 || n > max) {
		char lim[64];
		snprintf(lim, sizeof(lim), "%s: expected a whole number from 0 to %lld, got", opt, max);
		bad_args("%s '%s'", lim, v);
	}
	return n;
}

static const struct cmd_def *parse_args(int argc, char **argv, struct args *a)
{
	const char *given[OPT__COUNT] = { 0 };
	int only_pos = 0;
	memset(a, 0, sizeof(*a));
	a->top = a->port = a->ttl = a->flow_id = -1;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (only_pos || s[0] != '-' || !s[1]) {
			if (!a->cmd)
				a->cmd = s;
			else if (a->npos < (int)(sizeof(a->pos) / sizeof(a->pos[0])))
				a->pos[a->npos++] = s;
			else
				bad_args("%s: too many arguments at '%s'", a->cmd, s);
			continue;
		}
		if (strcmp(s, "--") == 0) {
			only_pos = 1;
			continue;
		}
		/* --name=value or --name value */
		char name[32];
		const char *val = strchr(s, '=');
		size_t nl = val ? (size_t)(val - s) : strlen(s);
		if (nl >= sizeof(name))
			bad_args("unknown option %s%s", s, "");
		memcpy(name, s, nl);
		name[nl] = 0;
		if (val)
			val++;
		if (!strcmp(name, "--json") || !strcmp(name, "-j") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
			if (val)
				bad_args("%s takes no value", name, "");
			if (name[2] == 'j' || name[1] == 'j')
				as_json = 1;
			else
				a->help = 1;
			continue;
		}
		int k = -1;
		if (!strcmp(name, "--socket") || !strcmp(name, "-s"))
			k = OPT__COUNT;
		for (int j = 0; j < OPT__COUNT && k < 0; j++)
			if (!strcmp(name, opt_defs[j].name))
				k = j;
		if (k < 0)
			bad_args(a->cmd ? "%s: unknown option %s" : "%s%s: unknown option",
				 a->cmd ? a->cmd : "", name);
		if (!val) {
			if (i + 1 >= argc)
				bad_args("%s needs a value%s", name, "");
			val = argv[++i];
		}
		if (k == OPT__COUNT) {
			sock = val;
			continue;
		}
		given[k] = name;
		if (k == OPT_ADDR)
			a->addr = val;
		else {
			long long n = number(name, val, opt_defs[k].max);
			*(k == OPT_TOP ? &a->top : k == OPT_PORT ? &a->port : k == OPT_TTL ? &a->ttl : &a->flow_id) = n;
		}
	}
	if (!a->cmd) {
		usage(a->help ? stdout : stderr);
		exit(a->help ? 0 : 2);
	}
	const struct cmd_def *d = NULL;
	for (size_t j = 0; j < sizeof(cmd_defs) / sizeof(cmd_defs[0]); j++)
		if (!strcmp(a->cmd, cmd_defs[j].name))
			d = &cmd_defs[j];
	if (!d)
		bad_args("unknown command %s%s", a->cmd, "");
	if (a->help) {
		puts(d->help);
		exit(0);
	}
	for (int j = 0; j < OPT__COUNT; j++)
		if (given[j] && !(d->opts & (1u << j)))
			bad_args("%s: unknown option %s", d->name, given[j]);
	if (a->npos < d->min_pos || a->npos > d->max_pos)
		bad_args("%s: wrong number of arguments; usage: %s", d->name, d->help);
	return d;
}

static json_t *call(json_t *req)
{
	char err[512];
	json_t *r = ctl_request(sock, req, 3000, err, sizeof(err));
	json_decref(req);
	if (!r) {
		fprintf(stderr, "seamctl: %s\n", err);
		exit(1);
	}
	if (!json_is_true(json_object_get(r, "ok"))) {
		const char *e = json_string_value(json_object_get(r, "error"));
		fprintf(stderr, "seamctl: %s\n", e ? e : "seam refused the command");
		exit(1);
	}
	return r;
}

static void dump(json_t *r)
{
	json_object_del(r, "ok");
	char *t = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
	puts(t);
	free(t);
}

static int cmd_stats(void)
{
	json_t *r = call(json_pack("{s:s}", "cmd", "stats"));
	if (as_json) {
		dump(r);
		return 0;
	}
	json_t *c = json_object_get(r, "counters");
	const char *stage;
	json_t *v;
	json_object_foreach(c, stage, v) {
		const char *k;
		json_t *n;
		int any = 0;
		json_object_foreach(v, k, n) {
			if (!json_integer_value(n) && strcmp(stage, "fate") != 0)
				continue;
			printf("%s%-10s %-26s %12lld\n", any ? "" : "", any ? "" : stage, k,
			       (long long)json_integer_value(n));
			any = 1;
		}
	}
	json_t *id = json_object_get(r, "identity");
	printf("identity: rx %lld = fates %lld + held %lld (%s)\n",
	       (long long)json_integer_value(json_object_get(id, "rx")),
	       (long long)json_integer_value(json_object_get(id, "fates")),
	       (long long)json_integer_value(json_object_get(id, "held")),
	       json_is_true(json_object_get(id, "holds")) ? "holds" : "BROKEN");
	json_decref(r);
	return 0;
}

static int cmd_simple(const char *name)
{
	json_t *r = call(json_pack("{s:s}", "cmd", name));
	if (as_json || strcmp(name, "version") != 0)
		dump(r);
	else
		printf("%s\n", json_string_value(json_object_get(r, "version")));
	json_decref(r);
	return 0;
}

static int cmd_rules(void)
{
	json_t *r = call(json_pack("{s:s}", "cmd", "rules"));
	if (as_json) {
		dump(r);
		return 0;
	}
	size_t i;
	json_t *e;
	printf("%-8s %-32s %-10s %10s\n", "id", "finding / signature", "tier", "hits");
	json_array_foreach(json_object_get(r, "rules"), i, e)
		printf("%-8lld %-32.32s %-10s %10lld\n", (long long)json_integer_value(json_object_get(e, "id")),
		       json_string_value(json_object_get(e, "name")), json_string_value(json_object_get(e, "tier")),
		       (long long)json_integer_value(json_object_get(e, "hits")));
	json_decref(r);
	return 0;
}

static int cmd_flows(const struct args *a)
{
	long long top = a->top >= 0 ? a->top : 10;
	json_t *req = json_pack("{s:s}", "cmd", "flows");
	if (a->addr)
		json_object_set_new(req, "addr", json_string(a->addr));
	if (a->port >= 0)
		json_object_set_new(req, "port", json_integer(a->port));
	json_object_set_new(req, "top", json_integer(top));
	json_t *r = call(req);
	if (as_json) {
		dump(r);
		return 0;
	}
	size_t i;
	json_t *e;
	printf("%-18s %-40s %-40s %12s %10s %s\n", "flow_id", "client", "server", "bytes", "packets", "state");
	json_array_foreach(json_object_get(r, "flows"), i, e) {
		char a[64], b[64];
		snprintf(a, sizeof(a), "%s:%lld", json_string_value(json_object_get(e, "src_ip")),
			 (long long)json_integer_value(json_object_get(e, "src_port")));
		snprintf(b, sizeof(b), "%s:%lld", json_string_value(json_object_get(e, "dest_ip")),
			 (long long)json_integer_value(json_object_get(e, "dest_port")));
		printf("%-18lld %-40s %-40s %12lld %10lld %s\n", (long long)json_integer_value(json_object_get(e, "flow_id")),
		       a, b, (long long)json_integer_value(json_object_get(e, "bytes")),
		       (long long)json_integer_value(json_object_get(e, "pkts")),
		       json_string_value(json_object_get(e, "state")));
	}
	json_decref(r);
	return 0;
}

static int cmd_block(const struct args *a)
{
	const char *op = a->pos[0];
	json_t *req;
	if (strcmp(op, "list") == 0 && a->npos == 1 && a->ttl < 0) {
		req = json_pack("{s:s, s:s}", "cmd", "block", "op", "list");
	} else if ((strcmp(op, "add") == 0 || (strcmp(op, "del") == 0 && a->ttl < 0)) && a->npos == 2) {
		req = json_pack("{s:s, s:s, s:s}", "cmd", "block", "op", op, "prefix", a->pos[1]);
		if (a->ttl >= 0)
			json_object_set_new(req, "ttl", json_integer(a->ttl));
	} else {
		fprintf(stderr, "seamctl: block add ADDR[/LEN] [--ttl S] | block del ADDR[/LEN] | block list\n");
		return 2;
	}
	json_t *r = call(req);
	if (as_json || strcmp(op, "list") != 0) {
		dump(r);
	} else {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(r, "blocks"), i, e)
			printf("%-44s %8lld s left  %s\n", json_string_value(json_object_get(e, "prefix")),
			       (long long)json_integer_value(json_object_get(e, "ttl_left")),
			       json_string_value(json_object_get(e, "cause")));
	}
	json_decref(r);
	return 0;
}

static int cmd_reset(const struct args *a)
{
	json_t *req;
	if (a->flow_id >= 0 && a->npos == 0)
		req = json_pack("{s:s, s:I}", "cmd", "reset", "flow_id", (json_int_t)a->flow_id);
	else if (a->flow_id < 0 && a->npos == 4)
		req = json_pack("{s:s, s:s, s:i, s:s, s:i}", "cmd", "reset", "src", a->pos[0], "sport",
				(int)number("SPORT", a->pos[1], 65535), "dst", a->pos[2], "dport",
				(int)number("DPORT", a->pos[3], 65535));
	else {
		fprintf(stderr, "seamctl: reset SRC SPORT DST DPORT | reset --flow-id ID\n");
		return 2;
	}
	json_t *r = call(req);
	dump(r);
	json_decref(r);
	return 0;
}

static int cmd_top(void)
{
	json_t *prev = NULL;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int iter = 0;; iter++) {
		json_t *r = call(json_pack("{s:s}", "cmd", "workers"));
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		t0 = t1;
		printf("\033[H\033[2Jseam top  (every 1 s, Ctrl-C to quit)\n\n%-6s %12s %10s %10s %10s %10s\n",
		       "worker", "packets/s", "Gbit/s", "flows", "alerts", "drops");
		size_t i;
		json_t *w;
		json_array_foreach(json_object_get(r, "workers"), i, w) {
			json_t *p = prev ? json_array_get(json_object_get(prev, "workers"), i) : NULL;
			long long rx = json_integer_value(json_object_get(w, "rx"));
			long long by = json_integer_value(json_object_get(w, "rx_bytes"));
			long long prx = p ? json_integer_value(json_object_get(p, "rx")) : rx;
			long long pby = p ? json_integer_value(json_object_get(p, "rx_bytes")) : by;
			printf("%-6zu %12.0f %10.3f %10lld %10lld %10lld\n", i, dt > 0 ? (rx - prx) / dt : 0,
			       dt > 0 ? (by - pby) * 8 / dt / 1e9 : 0,
			       (long long)json_integer_value(json_object_get(w, "flows")),
			       (long long)json_integer_value(json_object_get(w, "alerts")),
			       (long long)json_integer_value(json_object_get(w, "drops")));
		}
		fflush(stdout);
		json_decref(prev);
		prev = r;
		sleep(1);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct args a;
	const struct cmd_def *d = parse_args(argc, argv, &a);
	const char *c = d->name;
	if (strcmp(c, "stats") == 0) return cmd_stats();
	if (strcmp(c, "flows") == 0) return cmd_flows(&a);
	if (strcmp(c, "block") == 0) return cmd_block(&a);
	if (strcmp(c, "reset") == 0) return cmd_reset(&a);
	if (strcmp(c, "rules") == 0) return cmd_rules();
	if (strcmp(c, "top") == 0) return cmd_top();
	return cmd_simple(c);
}
