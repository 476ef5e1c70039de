/* seamctl.c — operator's client for a running seam (JSON over the local
 * control socket).  Human output by default, --json for scripts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include "ctl_server.h"

static const char *sock = "/run/seam/seam.sock";
static int as_json;

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
		"Every command takes --help.  The socket defaults to /run/seam/seam.sock.\n");
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

static int cmd_stats(int argc, char **argv)
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

static int cmd_flows(int argc, char **argv)
{
	int top = 10;
	json_t *req = json_pack("{s:s}", "cmd", "flows");
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--top") == 0 && i + 1 < argc)
			top = atoi(argv[++i]);
		else if (strcmp(argv[i], "--addr") == 0 && i + 1 < argc)
			json_object_set_new(req, "addr", json_string(argv[++i]));
		else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			json_object_set_new(req, "port", json_integer(atoi(argv[++i])));
		else if (strcmp(argv[i], "--help") == 0) {
			puts("seamctl flows [--top N] [--addr ADDR] [--port P]: the N largest flows by bytes,\n"
			     "across workers, optionally those with ADDR or P at either end");
			json_decref(req);
			return 0;
		}
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

static int cmd_block(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		puts("seamctl block add ADDR[/LEN] [--ttl SECONDS] | block del ADDR[/LEN] | block list");
		return argc < 2;
	}
	json_t *req;
	if (strcmp(argv[1], "list") == 0) {
		req = json_pack("{s:s, s:s}", "cmd", "block", "op", "list");
	} else if ((strcmp(argv[1], "add") == 0 || strcmp(argv[1], "del") == 0) && argc >= 3) {
		req = json_pack("{s:s, s:s, s:s}", "cmd", "block", "op", argv[1], "prefix", argv[2]);
		for (int i = 3; i < argc; i++)
			if (strcmp(argv[i], "--ttl") == 0 && i + 1 < argc)
				json_object_set_new(req, "ttl", json_integer(atoll(argv[++i])));
	} else {
		fprintf(stderr, "seamctl: block add ADDR[/LEN] [--ttl S] | block del ADDR[/LEN] | block list\n");
		return 2;
	}
	json_t *r = call(req);
	if (as_json || strcmp(argv[1], "list") != 0) {
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

static int cmd_reset(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--flow-id") == 0) {
		json_t *r = call(json_pack("{s:s, s:I}", "cmd", "reset", "flow_id", (json_int_t)atoll(argv[2])));
		dump(r);
		json_decref(r);
		return 0;
	}
	if (argc != 5) {
		puts("seamctl reset SRC SPORT DST DPORT | reset --flow-id ID: reset one TCP flow, RST to both ends");
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	json_t *r = call(json_pack("{s:s, s:s, s:i, s:s, s:i}", "cmd", "reset", "src", argv[1], "sport",
				   atoi(argv[2]), "dst", argv[3], "dport", atoi(argv[4])));
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
	static const struct option opts[] = {
		{ "socket", required_argument, 0, 's' }, { "json", no_argument, 0, 'j' },
		{ "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
	};
	int o;
	while ((o = getopt_long(argc, argv, "+s:jh", opts, NULL)) != -1) {
		switch (o) {
		case 's': sock = optarg; break;
		case 'j': as_json = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	char **av = argv + optind;
	int ac = argc - optind;
	const char *c = av[0];
	if (ac > 1 && strcmp(av[1], "--help") == 0 && strcmp(c, "block") && strcmp(c, "reset") &&
	    strcmp(c, "flows")) {
		usage(stdout);
		return 0;
	}
	if (strcmp(c, "stats") == 0) return cmd_stats(ac, av);
	if (strcmp(c, "flows") == 0) return cmd_flows(ac, av);
	if (strcmp(c, "block") == 0) return cmd_block(ac, av);
	if (strcmp(c, "reset") == 0) return cmd_reset(ac, av);
	if (strcmp(c, "rules") == 0) return cmd_rules();
	if (strcmp(c, "top") == 0) return cmd_top();
	if (strcmp(c, "reload") == 0 || strcmp(c, "version") == 0 || strcmp(c, "workers") == 0)
		return cmd_simple(c);
	fprintf(stderr, "seamctl: unknown command %s\n", c);
	usage(stderr);
	return 2;
}
