/* main.c — `seam`: parses the command line and configuration, builds the
 * EAL arguments, sets up ports and workers, and runs the control loop that
 * turns worker events into EVE JSON and stats. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_version.h>
#include <rte_errno.h>
#include "config.h"
#include "eve.h"
#include "stats.h"
#include "worker.h"
#include "port.h"
#include "app.h"
#include "sigload.h"


static volatile sig_atomic_t stop_req, hup_req;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hup_req = 1;
	else
		stop_req = 1;
}


static void usage(FILE *f)
{
	fprintf(f,
		"usage: seam [-c FILE] --pcap IN.pcap [--eve OUT.json]   offline: read a capture, exit at its end\n"
		"            [--workers N]                                N workers, flows spread by 4-tuple (default 1)\n"
		"       seam [-c FILE] --inline A B [--eve FILE]          bump in the wire between two ports\n"
		"       seam [-c FILE] --mirror IF... [--eve FILE]        receive only (IDS)\n"
		"       seam -c FILE                                      the mode and ports the file names\n"
		"       seam --test-config -c FILE                        validate the configuration and exit\n"
		"       seam --bench CAPTURE [--stage io|decode|flow|reasm|full] [--seconds S] [--bench-flows N]\n"
		"                                                         one worker's speed (JSON); N: the capture's\n"
		"                                                         template flows replayed as N flows;\n"
		"                                                         --bench-workers N: N workers, a queue each\n"
		"       seam --state-sizes                                bytes of per-flow state per analyzer (JSON)\n"
		"\n"
		"A port is a PCI address (0000:3b:00.0), a DPDK vdev string (net_memif0,role=server)\n"
		"or a kernel interface name (mapped to net_af_packet).\n"
		"options: --stats-interval SEC, --profile strict|defensive|monitor, --ctl-socket PATH, -v, --version,\n"
		"         -- EAL-ARGS (appended last, so they override what seam builds)\n");
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("seam: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void eal_add(struct app *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->eal_buf[a->eal_argc], sizeof(a->eal_buf[0]), fmt, ap);
	va_end(ap);
	a->eal_argv[a->eal_argc] = a->eal_buf[a->eal_argc];
	a->eal_argc++;
}

/* Megabytes of hugepage memory free now, over every page size. */
static uint64_t hugepages_free_mb(void)
{
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *e;
	uint64_t mb = 0;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		unsigned long kb, n;
		char path[512];
		if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%s/free_hugepages", e->d_name);
		FILE *f = fopen(path, "r");
		if (f && fscanf(f, "%lu", &n) == 1)
			mb += (uint64_t)n * kb / 1024;
		if (f)
			fclose(f);
	}
	closedir(d);
	return mb;
}

/* Hugepages when enough of them are free for memory_mb, otherwise the same
 * memory without them: Seam starts whenever the machine has the memory.
 * SEAM_NO_HUGE is set by the retry after EAL refused the hugepages. */
static int want_no_huge(const struct app *a)
{
	const struct seam_cfg *c = &a->cfg;
	if (c->no_huge || c->mode == MODE_OFFLINE)
		return 1;
	if (getenv("SEAM_NO_HUGE"))
		return 1;
	uint64_t free_mb = hugepages_free_mb();
	if (free_mb < c->memory_mb) {
		fprintf(stderr, "seam: %llu MB of hugepages free, memory_mb is %u: running without hugepages "
			"(slower; set vm.nr_hugepages to %u or more for full speed)\n",
			(unsigned long long)free_mb, c->memory_mb, (c->memory_mb + 1) / 2 + 64);
		return 1;
	}
	return 0;
}

/* Offline, a capture of N packets holds at most N flows and N held
 * segments: tables, pools and DPDK's memory are sized for that (never
 * above the configuration), so a small capture starts at once instead of
 * clearing a gigabyte first.  Verdicts cannot change: no table smaller
 * than the capture's flow count results. */
/* Packet buffers an offline run needs beyond the segments reassembly
 * holds: a burst, its fragments and a super-packet cut into segments are
 * all bounded by the capture's packets and a few bursts.  A net_pcap port
 * fills no ring ahead, so no descriptor needs a buffer. */
static uint64_t offline_mbufs(const struct app *a)
{
	uint64_t n = a->pcap_count < 4096 ? a->pcap_count : 4096;
	if (!a->reader)
		return a->cfg.held_max_segs + n + 1024;
	/* spread: what each worker holds, plus what its ring queues */
	uint64_t q = a->pcap_count < SPREAD_RING ? a->pcap_count : SPREAD_RING;
	return a->workers * (a->cfg.held_max_segs + q + 1024) + n + SPREAD_DGRAMS * SPREAD_HOLD;
}

/* An offline run sizes its state from the capture: it cannot hold more
 * flows, inspected flows, h2c connections or early bytes than it has
 * packets (flow tables keep a floor, so small captures stay cheap but
 * never tight).  Memory follows; a small capture starts in a fraction of
 * what memory_mb's default would take to allocate and clear. */
static void at_most(uint32_t *v, uint64_t max)
{
	if (*v > max)
		*v = (uint32_t)max;
}

static void offline_fit(struct app *a)
{
	struct seam_cfg *c = &a->cfg;
	uint64_t n = a->pcap_count < 1024 ? 1024 : a->pcap_count;
	uint64_t pk = a->pcap_count + 16;
	uint32_t flows = 1024;
	while (flows < 2 * n && flows < c->max_flows)
		flows <<= 1;
	if (flows < c->max_flows)
		c->max_flows = flows;
	at_most(&c->max_inspected, c->max_flows);
	at_most(&c->max_inspected, pk);
	at_most(&c->max_h2, pk);
	at_most(&c->max_early, pk);
	/* offline pools grow as used: a split header block or a WebSocket
	 * never waits for state while an inspected flow could be had */
	if (c->max_header_blocks < c->max_inspected)
		c->max_header_blocks = c->max_inspected;
	if (c->max_ws < c->max_inspected)
		c->max_ws = c->max_inspected;
	at_most(&c->max_header_blocks, pk);
	at_most(&c->max_ws, pk);
	if (c->held_max_segs > pk + 64)
		c->held_max_segs = (uint32_t)pk + 64;
	/* each worker sized for the whole capture: a skewed one may give a
	 * single worker every flow (lazy pools touch only what is used) */
	uint64_t nw = a->workers ? a->workers : 1;
	uint64_t bytes = nw * ((uint64_t)c->max_flows * (sizeof(struct flow) + 64) +
			 (uint64_t)c->max_inspected * sizeof(struct flow_cold) + ((uint64_t)c->verify_mb << 20) +
			 (uint64_t)c->max_h2 * sizeof(struct h2_conn) + (uint64_t)c->max_early * (H1_EARLY_MAX + 64) +
			 (uint64_t)c->max_header_blocks * (sizeof(struct h1_block) + 64) +
			 (uint64_t)c->max_ws * (sizeof(struct ws_conn) + 64));
	/* the packet-buffer pool takes at most half of memory_mb (see below) */
	bytes += 2 * offline_mbufs(a) * (RTE_MBUF_DEFAULT_BUF_SIZE + 192);
	uint64_t mb = bytes / (1 << 20) + 96 * nw;   /* rings, fragments, Hyperscan, EAL */
	/* tables are per worker, as in live modes, where memory_mb is
	 * sized for all of them: offline, it bounds each worker's share */
	uint64_t cap = (uint64_t)c->memory_mb * nw;
	c->memory_mb = (uint32_t)(mb < cap ? mb : cap < UINT32_MAX ? cap : UINT32_MAX);
}

/* Count packets and learn the link type, so the end of file is known and a
 * missing or broken file is reported before EAL starts. */
/* --state-sizes: bytes of per-flow state, per analyzer (JSON). */
static void print_state_sizes(void)
{
	struct seam_cfg c;
	cfg_defaults(&c);
	printf("{\"flow_record\":%zu,\"inspection_state\":%zu,\"verify_store_per_worker\":%u,"
	       "\"verify_block\":%u,\"session\":%zu,"
	       "\"http1\":%zu,\"forwarding\":%zu,\"websocket\":%zu,\"reassembly\":%zu,\"h2c_pool_object\":%zu,"
	       "\"header_block_pool_object\":%zu,\"header_blocks_per_worker\":%u,\"ws_pool_object\":%zu,"
	       "\"ws_per_worker\":%u}\n",
	       sizeof(struct flow), sizeof(struct flow_cold), c.verify_mb << 20, REASM_VBLOCK,
	       sizeof(struct insp_sess),
	       sizeof(struct h1_conn), sizeof(struct fwd_msg), sizeof(struct ws_conn), 2 * sizeof(struct reasm_dir),
	       sizeof(struct h2_conn), sizeof(struct h1_block), c.max_header_blocks,
	       sizeof(struct ws_conn), c.max_ws);
}

/* --bench-flows: learn the template capture the replay will be fanned out from. */
static void load_fanout(struct app *a)
{
	char err[PCAP_ERRBUF_SIZE + 256];
	pcap_t *p = pcap_open_offline(a->pcap_in, err);
	if (!p)
		die("cannot read capture %s: %s", a->pcap_in, err);
	uint32_t n = 0;
	const uint8_t **frames = calloc(a->pcap_count + 1, sizeof(*frames));
	uint32_t *lens = calloc(a->pcap_count + 1, sizeof(*lens));
	struct pcap_pkthdr *h;
	const u_char *d;
	while (frames && lens && n < a->pcap_count && pcap_next_ex(p, &h, &d) == 1) {
		uint8_t *c = malloc(h->caplen);
		if (!c)
			break;
		memcpy(c, d, h->caplen);
		frames[n] = c;
		lens[n++] = h->caplen;
	}
	pcap_close(p);
	if (!frames || !lens || n != a->pcap_count)
		die("--bench-flows: out of memory reading %s", a->pcap_in);
	if (a->linktype != LINK_ETH || fanout_build(&a->fan, frames, lens, n, a->bench_flows, err, sizeof(err)) < 0)
		die("--bench-flows: %s: %s", a->pcap_in, a->linktype != LINK_ETH ? "not an Ethernet capture" : err);
	for (uint32_t i = 0; i < n; i++)
		free((void *)frames[i]);
	free(frames);
	free(lens);
}

/* Seam's link type for a capture's, or exit naming what is supported. */
static int link_from_dlt(const struct app *a, int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: return LINK_ETH;
	case DLT_RAW: case 101: case 228: case 229: return LINK_RAW;
	case DLT_NULL: case DLT_LOOP: return LINK_NULL;
	case DLT_LINUX_SLL: return LINK_SLL;
	case 276: return LINK_SLL2;
	case DLT_PPP: case 50: return LINK_PPP;     /* 50: PPP in HDLC-like framing */
	case 104: return LINK_CHDLC;
	default:
		die("capture %s: link type %d is not supported (Ethernet, raw IP, Linux cooked, BSD loopback, PPP, Cisco HDLC are)",
		    a->pcap_in, dlt);
	}
	return 0;
}

/* --bench: count the packets the replay will keep in memory. */
static void pcap_prescan(struct app *a)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(a->pcap_in, err);
	if (!p)
		die("cannot read capture %s: %s", a->pcap_in, err);
	int dlt = pcap_datalink(p);
	struct pcap_pkthdr *h;
	const u_char *d;
	int r;
	while ((r = pcap_next_ex(p, &h, &d)) == 1)
		a->pcap_count++;
	if (r == PCAP_ERROR)
		fprintf(stderr, "seam: warning: %s: %s (reading the %lu packets before it)\n",
			a->pcap_in, pcap_geterr(p), (unsigned long)a->pcap_count);
	pcap_close(p);
	a->linktype = link_from_dlt(a, dlt);
}

/* Offline: open the capture before EAL starts (a missing or foreign file
 * is reported at once) and bound the packets it can hold from its size:
 * a record that can open a flow or carry a payload byte takes at least 56
 * bytes (a 16-byte record header and 40 of IP and TCP). */
static void offline_prepare(struct app *a)
{
	char err[PCAP_ERRBUF_SIZE + 512];
	if (offline_open(&a->src, a->pcap_in, err, sizeof(err)) < 0)
		die("%s", err);
	a->linktype = link_from_dlt(a, a->src.dlt);
	a->pcap_count = a->src.size ? a->src.size / 56 + 16 : UINT32_MAX;
}

/* One port for EAL: a PCI address is allow-listed, anything else a vdev.
 * 1 when it was PCI. */
static int eal_add_port(struct app *a, const char *what, const char *spec, uint32_t idx, char *name,
			size_t namelen)
{
	char dev[512];
	char kind = port_classify(spec, dev, sizeof(dev), idx, name, namelen);
	if (kind == 'e')
		die("%s %s: no such PCI device, DPDK driver or network interface "
		    "(check `ip link` or `dpdk-devbind.py --status`)", what, spec);
	if (kind == 'p') {
		eal_add(a, "-a");
		eal_add(a, "%s", dev);
		return 1;
	}
	eal_add(a, "--vdev=%s", dev);
	return 0;
}

static void build_eal(struct app *a)
{
	struct seam_cfg *c = &a->cfg;
	eal_add(a, "seam");
	const char *lc = c->lcores;
	if (strcmp(lc, "0,1") == 0 && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		lc = "0";
	uint32_t floating = a->bench_workers ? a->bench_workers
			    : c->mode == MODE_OFFLINE && a->reader ? a->workers - 1 : 0;
	if (floating) {
		/* control (offline: the reader, worker 0) plus the other
		 * workers over however many CPUs there are */
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		eal_add(a, "--lcores=(0-%u)@(0-%ld)", floating, ncpu > 1 ? ncpu - 1 : 0);
	} else {
		eal_add(a, "-l");
		eal_add(a, "%s", lc);
	}
	eal_add(a, "--file-prefix=seam%d", (int)getpid());
	a->no_huge = want_no_huge(a);
	if (a->no_huge) {
		/* --in-memory needs hugetlbfs; without it, share no config files */
		eal_add(a, "--no-huge");
		eal_add(a, "--no-shconf");
		uint32_t mb = c->memory_mb;
		eal_add(a, "-m");
		eal_add(a, "%u", mb);
	} else {
		eal_add(a, "--in-memory");
		eal_add(a, "--socket-mem=%u", c->memory_mb);
	}
	eal_add(a, "--log-level=%d", a->verbose ? 7 : 4);
	int pci = 0;
	for (uint32_t i = 0; i < c->nports; i++)
		pci |= eal_add_port(a, "port", c->port_dev[i], i, a->port_name[i], sizeof(a->port_name[i]));
	if (c->mode == MODE_MIRROR && c->inject_port[0])
		pci |= eal_add_port(a, "inject_port", c->inject_port, CFG_MAX_PORTS - 1, a->inject_name,
				    sizeof(a->inject_name));
	if (!pci)
		eal_add(a, "--no-pci");
	if (c->eal_extra[0]) {
		char *s = strdup(c->eal_extra), *save = NULL;
		for (char *t = strtok_r(s, " ", &save); t; t = strtok_r(NULL, " ", &save))
			eal_add(a, "%s", t);
		free(s);
	}
	for (int i = 0; i < a->nuser_eal; i++)
		eal_add(a, "%s", a->user_eal[i]);
}

/* Signatures: a path relative to the configuration file's directory, or
 * the built-in set. */
static void load_signatures(struct app *a)
{
	char path[1024], err[1024];
	const char *p = a->cfg.sig_file;
	if (p[0] && p[0] != '/' && a->cfg_path && strchr(a->cfg_path, '/')) {
		snprintf(path, sizeof(path), "%.*s/%s", (int)(strrchr(a->cfg_path, '/') - a->cfg_path),
			 a->cfg_path, p);
		p = path;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sigload(&a->sigs, p, err, sizeof(err)) < 0)
		die("%s", err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (a->verbose)
		fprintf(stderr, "seam: %u signatures compiled in %.1f ms\n", a->sigs.n,
			(t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
}

static uint32_t worker_count(const char *opt, const char *arg)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);
	if (*end || !v || v > MAX_WORKERS)
		die("%s %s: expected 1 to %d", opt, arg, MAX_WORKERS);
	return (uint32_t)v;
}

static void parse_args(struct app *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pcap", required_argument, 0, 'r' }, { "eve", required_argument, 0, 'e' },
		{ "inline", no_argument, 0, 'i' }, { "mirror", no_argument, 0, 'm' },
		{ "test-config", no_argument, 0, 't' }, { "config", required_argument, 0, 'c' },
		{ "stats-interval", required_argument, 0, 's' }, { "profile", required_argument, 0, 'P' },
		{ "help", no_argument, 0, 'h' }, { "version", no_argument, 0, 'V' },
		{ "bench", required_argument, 0, 'B' }, { "stage", required_argument, 0, 'S' },
		{ "seconds", required_argument, 0, 'T' }, { "ctl-socket", required_argument, 0, 'C' },
		{ "bench-flows", required_argument, 0, 'F' }, { "state-sizes", no_argument, 0, 'Z' },
		{ "bench-workers", required_argument, 0, 'W' }, { "workers", required_argument, 0, 'N' },
		{ 0, 0, 0, 0 },
	};
	int mode = -1, opt;
	const char *stats = NULL, *profile = NULL;
	/* everything after "--" goes to EAL */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			for (int j = i + 1; j < argc && a->nuser_eal < 32; j++)
				a->user_eal[a->nuser_eal++] = argv[j];
			argc = i;
			break;
		}
	while ((opt = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': a->pcap_in = optarg; mode = MODE_OFFLINE; break;
		case 'e': a->eve_out = optarg; break;
		case 'i': mode = MODE_INLINE; break;
		case 'm': mode = MODE_MIRROR; break;
		case 't': a->test_config = 1; break;
		case 'c': a->cfg_path = optarg; break;
		case 's': stats = optarg; break;
		case 'P': profile = optarg; break;
		case 'v': a->verbose = 1; break;
		case 'B': a->bench_file = optarg; break;
		case 'S': {
			static const char *const st[] = { "io", "decode", "flow", "reasm", "full" };
			a->bench_stage = -1;
			for (int i = 0; i < 5; i++)
				if (strcmp(optarg, st[i]) == 0)
					a->bench_stage = i;
			if (a->bench_stage < 0)
				die("--stage %s: expected io, decode, flow, reasm or full", optarg);
			break;
		}
		case 'T': a->bench_secs = atof(optarg); break;
		case 'F': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || !v || v > (1u << 22))
				die("--bench-flows %s: expected a flow count up to 4194304", optarg);
			a->bench_flows = v;
			break;
		}
		case 'C': a->ctl_path = optarg; break;
		case 'V': printf("seam %s (DPDK %s)\n", SEAM_VERSION, rte_version()); exit(0);
		case 'Z': print_state_sizes(); exit(0);
		case 'W': a->bench_workers = worker_count("--bench-workers", optarg); break;
		case 'N': a->workers = worker_count("--workers", optarg); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	for (int i = optind; i < argc && a->ndevs < CFG_MAX_PORTS; i++)
		a->devs[a->ndevs++] = argv[i];

	char err[1024];
	cfg_defaults(&a->cfg);
	if (a->cfg_path && cfg_load(&a->cfg, a->cfg_path, err, sizeof(err)) < 0)
		die("%s", err);
	load_signatures(a);
	if (a->test_config) {
		if (!a->cfg_path)
			die("--test-config needs -c FILE");
		printf("%s: configuration OK (mode %s, profile %s, %u signatures from %s)\n", a->cfg_path,
		       mode_name(a->cfg.mode), a->cfg.policy.profile, a->sigs.n, a->sigs.source);
		exit(0);
	}
	if (profile && policy_profile(&a->cfg.policy, profile) < 0)
		die("--profile %s: unknown profile (strict, defensive, monitor)", profile);
	if (stats) {
		char *end;
		long v = strtol(stats, &end, 10);
		if (*end || v < 0 || v > 86400)
			die("--stats-interval %s: expected seconds between 0 and 86400", stats);
		a->cfg.stats_interval = v;
	}
	if ((a->bench_flows || a->bench_workers) && !a->bench_file)
		die("--bench-flows and --bench-workers go with --bench CAPTURE");
	if (a->bench_flows && a->bench_workers > 1)
		die("--bench-flows runs on one worker");
	if (a->bench_file) {
		/* the benchmark: a capture replayed from memory, forwarded to net_null */
		if (mode >= 0 || a->ndevs)
			die("--bench takes no mode or ports");
		if (strchr(a->bench_file, ','))
			die("capture path %s: a comma cannot be passed to the pcap driver", a->bench_file);
		mode = MODE_INLINE;
		a->pcap_in = a->bench_file;
		a->ndevs = 2;
		/* one receive queue per worker, each replaying the whole capture
		 * (as if RSS had given each worker its own share of flows) */
		static char d0[8192];
		int o = snprintf(d0, sizeof(d0), "net_pcap0");
		for (uint32_t q = 0; q < (a->bench_workers ? a->bench_workers : 1); q++)
			o += snprintf(d0 + o, sizeof(d0) - o, ",rx_pcap=%s", a->bench_file);
		snprintf(d0 + o, sizeof(d0) - o, ",infinite_rx=1");
		if ((size_t)o >= sizeof(d0) - 16)
			die("capture path %s: too long for --bench-workers %u", a->bench_file, a->bench_workers);
		a->devs[0] = d0;
		a->devs[1] = "net_null0,no-rx=1";   /* its receive side would inject dummy frames */
		if (!a->eve_out)
			snprintf(a->cfg.eve_file, sizeof(a->cfg.eve_file), "/dev/null");
		if (a->bench_secs <= 0)
			a->bench_secs = 3;
		if (a->cfg.memory_mb < 2560)
			a->cfg.memory_mb = 2560;   /* the capture lives in mbufs */
		if (a->bench_workers > 1 && a->cfg.max_flows > 65536) {
			a->cfg.max_flows = 65536;  /* one capture's flows per worker: room to spare */
			a->cfg.max_inspected = 16384;
		}
		a->cfg.http_events = 0;        /* measure inspection, not logging */
		a->cfg.flow_events = 0;
	}
	if (mode >= 0)
		a->cfg.mode = mode;
	if (a->eve_out)
		snprintf(a->cfg.eve_file, sizeof(a->cfg.eve_file), "%s", a->eve_out);
	if (a->workers && mode != MODE_OFFLINE)
		die("--workers goes with --pcap (live modes run a worker per lcore after the first)");
	if (mode == MODE_OFFLINE) {
		if (a->ndevs)
			die("--pcap takes no ports (got %s)", a->devs[0]);
		/* with --workers N, worker 0 reads the capture on the main
		 * lcore and routes the other workers' flows to them.  One
		 * worker is the default: on the 2-CPU VM measured, two ran
		 * 1.2-1.4x slower (memory touched from two cores costs more
		 * than the work they share) */
		if (!a->workers)
			a->workers = 1;
		a->reader = a->workers > 1;
		a->cfg.nports = 0;        /* a worker, or the main thread, reads the file itself */
	} else if (mode == MODE_INLINE) {
		if (a->ndevs != 2)
			die("--inline needs exactly two ports, A and B (got %d)", a->ndevs);
	} else if (mode == MODE_MIRROR) {
		if (a->ndevs < 1)
			die("--mirror needs at least one port");
	} else if (a->ndevs) {
		die("unexpected argument %s (ports follow --inline or --mirror)", a->devs[0]);
	}
	if (mode == MODE_INLINE || mode == MODE_MIRROR) {
		a->cfg.nports = a->ndevs;
		for (int i = 0; i < a->ndevs; i++)
			snprintf(a->cfg.port_dev[i], sizeof(a->cfg.port_dev[i]), "%s", a->devs[i]);
	}
	if (a->cfg.mode == MODE_OFFLINE && !a->pcap_in)
		die("offline mode needs --pcap FILE (or set mode = \"inline\" with ports in %s)",
		    a->cfg_path ? a->cfg_path : "the configuration");
	if (a->cfg.mode == MODE_INLINE && a->cfg.nports != 2)
		die("inline mode needs exactly two ports");
	if (a->cfg.mode == MODE_MIRROR && a->cfg.nports < 1)
		die("mirror mode needs at least one port");
}

/* The blocked-flow capture: PREFIX-N.pcap, rotated by size, oldest removed. */
static void pcap_rotate(struct app *a)
{
	char path[700];
	if (a->pcap_dumper) {
		pcap_dump_close(a->pcap_dumper);
		a->pcap_idx++;
		if (a->pcap_idx >= (int32_t)a->cfg.blocked_pcap_files) {
			snprintf(path, sizeof(path), "%s-%d.pcap", a->cfg.blocked_pcap,
				 a->pcap_idx - (int32_t)a->cfg.blocked_pcap_files);
			unlink(path);
		}
	}
	snprintf(path, sizeof(path), "%s-%d.pcap", a->cfg.blocked_pcap, a->pcap_idx);
	a->pcap_dumper = pcap_dump_open(a->pcap_dead, path);
	if (!a->pcap_dumper)
		fprintf(stderr, "seam: cannot write %s: %s\n", path, pcap_geterr(a->pcap_dead));
	a->pcap_bytes = 0;
}

static void drain_events(void *ctx);

/* Offline with several workers: worker 0's share of what it reads. */
static void reader_own(void *arg, struct rte_mbuf **m, uint16_t n)
{
	worker_burst(arg, 0, m, n);
}

static void drain_pcaps(struct app *a)
{
	void *ms[32];
	for (uint32_t w = 0; w < a->nworkers; w++) {
		if (!a->wk[w]->pcapq)
			continue;
		unsigned n;
		while ((n = rte_ring_sc_dequeue_burst(a->wk[w]->pcapq, ms, 32, NULL)) > 0)
			for (unsigned i = 0; i < n; i++) {
				struct rte_mbuf *m = ms[i];
				if (a->pcap_dumper) {
					struct timespec ts;
					clock_gettime(CLOCK_REALTIME, &ts);
					struct pcap_pkthdr h = { .caplen = rte_pktmbuf_data_len(m), .len = rte_pktmbuf_pkt_len(m) };
					h.ts.tv_sec = ts.tv_sec;
					h.ts.tv_usec = ts.tv_nsec / 1000;
					pcap_dump(a->pcap_dumper, &h, rte_pktmbuf_mtod(m, u_char *));
					a->pcap_bytes += h.caplen + 16;
				}
				rte_pktmbuf_free(m);
			}
	}
	if (a->pcap_dumper) {
		pcap_dump_flush(a->pcap_dumper);
		if (a->pcap_bytes > (uint64_t)a->cfg.blocked_pcap_mb << 20)
			pcap_rotate(a);
	}
}

static void drain_events(void *ctx)
{
	struct app *a = ctx;
	void *evs[64];
	for (uint32_t w = 0; w < a->nworkers; w++) {
		unsigned n;
		while ((n = rte_ring_sc_dequeue_burst(a->wk[w]->evq, evs, 64, NULL)) > 0) {
			for (unsigned i = 0; i < n; i++) {
				struct evt *e = evs[i];
				if (e->type == EVT_BLOCK_REQ) {
					/* a "block" verdict: keep the source out for block_ttl */
					struct fwd_prefix p = { .ipver = e->ipver, .len = e->ipver == 6 ? 128 : 32 };
					memcpy(p.a, e->src, 16);
					app_add_block(a, &p, a->cfg.block_ttl, e->cause);
					continue;
				}
				eve_write_evt(&a->eve, e);
				if (e->hdrs) {
					rte_mempool_put(a->wk[w]->hlpool, (void *)e->hdrs);
					e->hdrs = NULL;
				}
			}
			rte_mempool_put_bulk(a->wk[w]->evpool, evs, n);
		}
	}
}

/* systemd: ready once ports are up and signatures compiled; a watchdog
 * ping from the control loop (libsystemd when built with it). */
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
static void notify_ready(struct app *a)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s mode, %u workers, generation %lu", mode_name(a->cfg.mode),
		   a->nworkers, (unsigned long)(a->gen ? a->gen->id : 0));
}
static void notify_watchdog(void)
{
	static uint64_t usec, last;
	static int init;
	if (!init) {
		init = 1;
		if (sd_watchdog_enabled(0, &usec) <= 0)
			usec = 0;
	}
	if (!usec)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
	if (now - last > usec / 3) {
		last = now;
		sd_notify(0, "WATCHDOG=1");
	}
}
#else
static void notify_ready(struct app *a) { (void)a; }
static void notify_watchdog(void) {}
#endif

/* SIGHUP: the service manager's reload is a hot reload. */
static void hup_reload(struct app *a)
{
	for (int i = 0; seam_ctl_cmds[i].name; i++)
		if (strcmp(seam_ctl_cmds[i].name, "reload") == 0) {
			json_t *req = json_pack("{s:s}", "cmd", "reload"), *resp = json_object();
			char err[512] = "";
			struct ctl_peer self = { .pid = getpid(), .uid = geteuid() };
			int rc = seam_ctl_cmds[i].fn(a, req, resp, &self, err, sizeof(err));
			fprintf(stderr, "seam: SIGHUP reload: %s\n", rc == 0 ? "done" : err);
			json_decref(req);
			json_decref(resp);
		}
}

/* Operator commands that change state are audited into the event log. */
static void audit_to_eve(void *arg, const char *line)
{
	struct app *a = arg;
	if (a->eve.f)
		eve_write_engine(&a->eve, wall_ns(), "Notice", "seamctl", line);
}

static void register_stats(struct app *a)
{
	int s_pkt = stats_register(&a->reg, "pkt", pkt_ctr_names, PKT__COUNT);
	int s_fate = stats_register(&a->reg, "fate", fate_ctr_names, FATE__COUNT);
	int s_dec = stats_register(&a->reg, "decode", decode_ctr_names, DEC__COUNT);
	int s_flow = stats_register(&a->reg, "flow", flow_ctr_names, FLOWC__COUNT);
	int s_tcp = stats_register(&a->reg, "tcp", tcp_ctr_names, TCPC__COUNT);
	int s_vd = stats_register(&a->reg, "verdict", vd_ctr_names, VDC__COUNT);
	int s_f = stats_register(&a->reg, "finding", finding_ctr_names, F__COUNT);
	int s_hl = stats_register(&a->reg, "eve_http", hdrlog_ctr_names, HLC__COUNT);
	int s_vs = stats_register(&a->reg, "verify", verify_ctr_names, RV__COUNT);
	for (uint32_t i = 0; i < a->nworkers; i++) {
		struct worker *w = a->wk[i];
		stats_attach(&a->reg, s_pkt, i, w->pktc);
		stats_attach(&a->reg, s_fate, i, w->fate);
		stats_attach(&a->reg, s_dec, i, w->dec);
		stats_attach(&a->reg, s_flow, i, w->flowc);
		stats_attach(&a->reg, s_tcp, i, w->tcpc);
		stats_attach(&a->reg, s_vd, i, w->vdc);
		stats_attach(&a->reg, s_f, i, w->find);
		stats_attach(&a->reg, s_hl, i, w->hl.ctr);
		stats_attach(&a->reg, s_vs, i, w->vs.ctr);
	}
	if (a->cfg.nports) {
		/* what the NICs (or af_packet's rings) lost before a worker saw it */
		int s_port = stats_register(&a->reg, "port", port_ctr_names, PORT__COUNT);
		stats_attach(&a->reg, s_port, 0, a->portc);
	}
	if (a->spread) {
		/* offline, several workers: what routing fragments took */
		int s_sp = stats_register(&a->reg, "spread", spread_ctr_names, SPREAD__COUNT);
		stats_attach(&a->reg, s_sp, 0, a->spread->router.ctr);
	}
}

/* The ports' own loss counters, summed (they are counted before RX, so
 * outside the received = fates + held identity). */
static void port_stats_read(struct app *a)
{
	uint64_t c[PORT__COUNT] = { 0 };
	for (uint32_t i = 0; i < a->cfg.nports; i++) {
		struct rte_eth_stats st;
		if (rte_eth_stats_get(a->port_id[i], &st) != 0)
			continue;
		c[PORT_rx_missed] += st.imissed;
		c[PORT_rx_errors] += st.ierrors;
		c[PORT_rx_no_mbuf] += st.rx_nombuf;
		c[PORT_tx_errors] += st.oerrors;
	}
	for (int k = 0; k < PORT__COUNT; k++)
		__atomic_store_n(&a->portc[k], c[k], __ATOMIC_RELAXED);
}

/* received = sum of fates + held (DESIGN.md invariant 3) */
static int identity(struct app *a, uint64_t *rx, uint64_t *fates, uint64_t *held)
{
	int s, c;
	uint32_t k;
	*rx = *fates = *held = 0;
	for (s = 0; s < (int)a->reg.nstages; s++) {
		if (strcmp(a->reg.stage[s].name, "fate") == 0)
			for (c = 0; c < (int)a->reg.stage[s].nctrs; c++)
				*fates += stats_sum(&a->reg, s, c);
	}
	if (stats_find(&a->reg, "pkt.rx", &s, &k) == 0)
		*rx = stats_sum(&a->reg, s, k);
	if (stats_find(&a->reg, "pkt.held", &s, &k) == 0)
		*held = stats_sum(&a->reg, s, k);
	return *rx == *fates + *held;
}

/* The counters bench_run reads, summed over the workers. */
struct bench_snap { uint64_t pkts, bytes, flows, evicted; };

static struct bench_snap bench_snap(const struct app *a)
{
	struct bench_snap s = { 0 };
	for (uint32_t i = 0; i < a->nworkers; i++) {
		const struct worker *w = a->wk[i];
		s.pkts += w->pktc[PKT_rx];
		s.bytes += w->pktc[PKT_rx_bytes];
		s.flows += w->flowc[FLOWC_created];
		s.evicted += w->flowc[FLOWC_evicted_embryonic] + w->flowc[FLOWC_evicted_closed] +
			     w->flowc[FLOWC_evicted_silent] + w->flowc[FLOWC_evicted_unproven] +
			     w->flowc[FLOWC_evicted_established] + w->flowc[FLOWC_evicted_busy] +
			     w->flowc[FLOWC_cold_evicted_closed] + w->flowc[FLOWC_cold_evicted_unproven] +
			     w->flowc[FLOWC_cold_evicted_established] + w->flowc[FLOWC_cold_evicted_busy];
	}
	return s;
}

/* Measure the workers for bench_secs after a warm-up and print one JSON
 * line: packets/s and Gbit/s in all, and TSC cycles per packet per worker
 * core (elapsed cycles x workers / packets). */
static int bench_run(struct app *a)
{
	struct worker *w = a->wk[0];
	static const char *const st[] = { "io", "decode", "flow", "reasm", "full" };
	uint64_t hz = rte_get_tsc_hz();
	uint64_t t_end = rte_get_tsc_cycles() + hz;   /* warm-up: tables and pools touched once */
	while (rte_get_tsc_cycles() < t_end) {
		drain_events(a);
		usleep(1000);
	}
	if (a->bench_flows) {
		/* every instance must exist and have played once before measuring */
		uint64_t want = fanout_flows(&a->fan), t0 = rte_get_tsc_cycles(), said = 0;
		while (w->fan->pos / w->fan->npkts < w->fan->reps + 1 &&
		       rte_get_tsc_cycles() - t0 < 900 * hz) {
			drain_events(a);
			usleep(10000);
			uint64_t s = (rte_get_tsc_cycles() - t0) / hz;
			if (s >= said + 10) {
				said = s;
				fprintf(stderr, "seam: bench: %lu of %lu flows set up\n",
					(unsigned long)w->ft.nactive, (unsigned long)want);
			}
		}
	}
	struct bench_snap s0 = bench_snap(a);
	uint64_t c0 = rte_get_tsc_cycles();
	t_end = c0 + (uint64_t)(a->bench_secs * hz);
	while (rte_get_tsc_cycles() < t_end) {
		drain_events(a);
		usleep(1000);
	}
	struct bench_snap s1 = bench_snap(a);
	uint64_t c1 = rte_get_tsc_cycles();
	uint32_t active = 0;                 /* before the stop ends them all */
	for (uint32_t i = 0; i < a->nworkers; i++)
		active += a->wk[i]->ft.nactive;
	for (uint32_t i = 0; i < a->nworkers; i++)
		a->wk[i]->stop = 1;
	rte_eal_mp_wait_lcore();
	drain_events(a);
	double secs = (double)(c1 - c0) / hz;
	double pkts = (double)(s1.pkts - s0.pkts), bytes = (double)(s1.bytes - s0.bytes);
	uint64_t alerts = 0, drops = 0, tx_full = 0;
	for (uint32_t i = 0; i < a->nworkers; i++) {
		const struct worker *x = a->wk[i];
		for (int v = VD_ALERT; v < VD__COUNT; v++)
			alerts += x->vdc[v];
		drops += x->fate[FATE_drop_bad_csum] + x->fate[FATE_drop_flow_cap] + x->fate[FATE_drop_malformed];
		tx_full += x->fate[FATE_drop_tx_full];
	}
	printf("{\"stage\":\"%s\",\"workers\":%u,\"seconds\":%.3f,\"packets\":%.0f,\"mpps\":%.4f,\"gbps\":%.4f,"
	       "\"cycles_per_pkt\":%.1f,\"avg_pkt_bytes\":%.1f,\"flows_per_s\":%.0f,\"alerts\":%lu,"
	       "\"tx_full\":%lu,\"tsc_hz\":%lu,\"flows_active\":%u,\"table_bytes\":%zu,"
	       "\"bytes_per_flow\":%.0f,\"drops\":%lu,\"evicted_per_s\":%.0f}\n",
	       st[w->stage], a->nworkers, secs, pkts, pkts / secs / 1e6, bytes * 8 / secs / 1e9,
	       pkts ? (double)(c1 - c0) * a->nworkers / pkts : 0.0, pkts ? bytes / pkts : 0.0,
	       (s1.flows - s0.flows) / secs, (unsigned long)alerts, (unsigned long)tx_full, (unsigned long)hz,
	       active, w->ft.mem_bytes + w->vs_bytes + w->pool_bytes,
	       (double)(w->ft.mem_bytes + w->vs_bytes + w->pool_bytes) / w->ft.cap,
	       (unsigned long)drops,
	       (s1.evicted - s0.evicted) / secs);
	fflush(stdout);
	for (uint32_t k = 0; k < a->nworkers; k++)
		for (int i = 0; i < FATE__COUNT; i++)
			if (a->wk[k]->fate[i] && i != FATE_forwarded)
				fprintf(stderr, "seam: bench: worker %u: %lu packets %s\n", k,
					(unsigned long)a->wk[k]->fate[i], fate_ctr_names[i]);
	eve_close(&a->eve);
	return 0;
}

int main(int argc, char **argv)
{
	static struct app app;
	struct app *a = &app;
	char err[1024];

	parse_args(a, argc, argv);
	if (a->bench_file)
		pcap_prescan(a);
	else if (a->cfg.mode == MODE_OFFLINE)
		offline_prepare(a);
	if (a->cfg.mode == MODE_OFFLINE && !a->bench_file)
		offline_fit(a);
	if (a->bench_flows)
		load_fanout(a);
	if (eve_open(&a->eve, a->cfg.eve_file, a->cfg.mode == MODE_OFFLINE, err, sizeof(err)) < 0)
		die("%s", err);
	a->eve.sigs = &a->sigs;
	build_eal(a);
	if (a->verbose) {
		fprintf(stderr, "seam: EAL");
		for (int i = 0; i < a->eal_argc; i++)
			fprintf(stderr, " %s", a->eal_argv[i]);
		fputc('\n', stderr);
	}
	if (rte_eal_init(a->eal_argc, a->eal_argv) < 0) {
		if (!a->no_huge && !getenv("SEAM_NO_HUGE")) {
			/* hugepages were free but EAL could not have them (taken
			 * meanwhile, no hugetlbfs): once more without them */
			fprintf(stderr, "seam: DPDK could not start on hugepages (%s): running without hugepages\n",
				rte_strerror(rte_errno));
			setenv("SEAM_NO_HUGE", "1", 1);
			execv("/proc/self/exe", argv);
		}
		die("DPDK could not start (%s). Check lcores \"%s\" exist, that no other seam uses them "
		    "and that memory_mb %u MB of memory is available", rte_strerror(rte_errno),
		    a->cfg.lcores, a->cfg.memory_mb);
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	/* ports */
	for (uint32_t i = 0; i < a->cfg.nports; i++) {
		if (rte_eth_dev_get_port_by_name(a->port_name[i], &a->port_id[i]) != 0)
			die("port %s did not come up as %s (try -v for the driver's messages)",
			    a->cfg.port_dev[i], a->port_name[i]);
		a->eve.iface[a->port_id[i] < 8 ? a->port_id[i] : 7] = a->cfg.mode == MODE_OFFLINE
			? "pcap" : a->cfg.port_dev[i];
	}
	if (a->cfg.mode == MODE_OFFLINE)
		a->eve.iface[0] = "pcap";
	uint32_t nlcores = rte_lcore_count();
	uint32_t nworkers = nlcores > 1 ? nlcores - 1 : 1;
	if (a->bench_file && !a->bench_workers)
		nworkers = 1;   /* one capture, one queue: order is kept */
	if (a->cfg.mode == MODE_OFFLINE)
		nworkers = a->workers;   /* one reads; or the main thread reads for all */
	if (nworkers > MAX_WORKERS)
		nworkers = MAX_WORKERS;

	uint32_t dataroom = RTE_MBUF_DEFAULT_DATAROOM;
	/* every worker may fill its RX and TX rings on every port and hold
	 * held_max_segs segments at once; captures of super-packets (up to
	 * 64 kB) arrive chained (scatter) and are cut back into segments */
	uint64_t want = (uint64_t)nworkers * (a->cfg.held_max_segs + (uint64_t)(a->cfg.nports ? a->cfg.nports : 2) * 2048 + 1024) + 4096;
	if (a->cfg.mode == MODE_OFFLINE)
		want = offline_mbufs(a);
	if (a->bench_file)
		want += (uint64_t)a->pcap_count * (a->bench_workers ? a->bench_workers : 1);   /* infinite_rx keeps each queue's copy in mbufs */
	uint64_t fit = (uint64_t)a->cfg.memory_mb * 1024 * 1024 / 2 / (dataroom + RTE_PKTMBUF_HEADROOM + 192);
	uint32_t nmbuf = (uint32_t)(want < fit ? want : fit);   /* at most half the memory */
	if (want > fit && a->cfg.held_max_segs > nmbuf / 2 / nworkers) {
		fprintf(stderr, "seam: reasm.held_max_segs %u lowered to %u: memory_mb %u holds %u packet buffers\n",
			a->cfg.held_max_segs, nmbuf / 2 / nworkers, a->cfg.memory_mb, nmbuf);
		a->cfg.held_max_segs = nmbuf / 2 / nworkers;
	}
	struct rte_mempool *mp = a->cfg.mode == MODE_OFFLINE
		? offline_pool_create("mbufs", nmbuf, rte_socket_id())
		: rte_pktmbuf_pool_create("mbufs", nmbuf, 256, 0, dataroom + RTE_PKTMBUF_HEADROOM, rte_socket_id());
	if (!mp)
		die("no memory for %u packet buffers of %u bytes (raise memory_mb, now %u)", nmbuf, dataroom,
		    a->cfg.memory_mb);

	int inject_id = -1;
	if (a->cfg.mode == MODE_MIRROR && a->cfg.inject_port[0]) {
		uint16_t id;
		if (rte_eth_dev_get_port_by_name(a->inject_name, &id) != 0)
			die("inject_port %s did not come up", a->cfg.inject_port);
		if (port_setup(id, 1, nworkers, mp, 0, 0, err, sizeof(err)) < 0)
			die("inject_port %s: %s", a->cfg.inject_port, err);
		inject_id = id;
	}
	int ts_off = -1;
	uint64_t ts_flag = 0;
	for (uint32_t i = 0; i < a->cfg.nports; i++) {
		int tx = a->cfg.mode == MODE_INLINE;
		if (port_setup(a->port_id[i], nworkers, tx ? nworkers : 1, mp, a->cfg.mode == MODE_OFFLINE,
			       a->cfg.mode != MODE_OFFLINE, err, sizeof(err)) < 0)
			die("port %s: %s", a->cfg.port_dev[i], err);
	}
	if (a->cfg.mode == MODE_OFFLINE && rte_mbuf_dyn_rx_timestamp_register(&ts_off, &ts_flag) == 0) {
		a->src.ts_off = ts_off;
		a->src.ts_flag = ts_flag;
	} else if (a->cfg.mode == MODE_OFFLINE) {
		ts_off = -1;
		fprintf(stderr, "seam: warning: no mbuf field for capture times: events carry the wall clock\n");
	}
	if (a->cfg.mode == MODE_OFFLINE && a->reader) {
		a->spread = rte_zmalloc("spread", sizeof(*a->spread), RTE_CACHE_LINE_SIZE);
		if (!a->spread ||
		    offline_spread_init(a->spread, nworkers, (uint8_t)a->linktype, ts_off, rte_socket_id()) < 0)
			die("no memory for the rings feeding %u workers", nworkers);
		a->spread->wait = drain_events;
		a->spread->wait_arg = a;
	}

	for (uint32_t i = 0; i < nworkers; i++) {
		struct worker *w = rte_zmalloc("worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
		if (!w || worker_init(w, i, &a->cfg, rte_socket_id(), mp, NULL, err, sizeof(err)) < 0)
			die("%s", w ? err : "no memory for a worker");
		w->linktype = a->cfg.mode == MODE_OFFLINE || a->bench_file ? a->linktype : LINK_ETH;
		if (a->bench_file)
			w->stage = a->bench_stage;
		if (a->bench_flows)
			w->fan = &a->fan;
		w->ts_off = ts_off;
		w->ts_flag = ts_flag;
		w->inject = inject_id;
		if (a->cfg.mode == MODE_OFFLINE) {
			w->ts_ns = 1;
			w->rx[0] = (struct wk_rx){ 0, 0, -1 };
			if (!a->reader) {
				w->src = &a->src;
			} else if (i == 0) {
				/* the reader: it takes every buffer from mp */
				w->src = &a->src;
				w->feed = a->spread;
				a->spread->own = reader_own;
				a->spread->own_arg = w;
			} else {
				/* fed by the reader; segments and fragments it cuts
				 * come from a pool of its own (one taker per lazy pool) */
				char pn[32];
				snprintf(pn, sizeof(pn), "wkbufs%u", i);
				w->feed = a->spread;
				w->pktpool = offline_pool_create(pn, 2048, rte_socket_id());
				if (!w->pktpool)
					die("no memory for worker %u's packet buffers (raise memory_mb, now %u)", i,
					    a->cfg.memory_mb);
			}
		}
		w->txq = i;
		w->drain = drain_events;
		w->drain_ctx = a;
		if (a->cfg.mode == MODE_INLINE) {
			w->nrx = 2;
			w->rx[0] = (struct wk_rx){ a->port_id[0], i, a->port_id[1] };
			w->rx[1] = (struct wk_rx){ a->port_id[1], i, a->port_id[0] };
		} else {
			for (uint32_t p = 0; p < a->cfg.nports && p < WK_MAX_RX; p++)
				w->rx[w->nrx++] = (struct wk_rx){ a->port_id[p], i, -1 };
		}
		a->wk[a->nworkers++] = w;
	}
	register_stats(a);
	a->start_ns = wall_ns();

	/* the control plane: snapshots the workers read, RCU to retire them */
	size_t qsz = rte_rcu_qsbr_get_memsize(a->nworkers);
	a->qsbr = rte_zmalloc("qsbr", qsz, RTE_CACHE_LINE_SIZE);
	if (!a->qsbr || rte_rcu_qsbr_init(a->qsbr, a->nworkers) != 0)
		die("no memory for the RCU state");
	if (app_publish_gen(a, &a->cfg, &a->sigs, err, sizeof(err)) < 0)
		die("%s", err);
	for (uint32_t i = 0; i < a->nworkers; i++) {
		struct worker *w = a->wk[i];
		char rn[32];
		snprintf(rn, sizeof(rn), "cmdq%u", i);
		w->cmdq = rte_ring_create_elem(rn, sizeof(struct wk_cmd), 64, rte_socket_id(),
					       RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!w->cmdq)
			die("no memory for worker %u's command ring", i);
		if (a->cfg.blocked_pcap[0] && a->cfg.mode == MODE_INLINE) {
			snprintf(rn, sizeof(rn), "pcapq%u", i);
			w->pcapq = rte_ring_create(rn, 1024, rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
			w->pcap_idx = &a->pcap_idx;
		}
		w->qsbr = a->qsbr;
		w->gen_src = &a->gen;
		w->block_src = &a->blocks;
	}
	if (a->cfg.blocked_pcap[0] && a->cfg.mode == MODE_INLINE) {
		a->pcap_dead = pcap_open_dead(DLT_EN10MB, 65535);
		a->eve.pcap_prefix = a->cfg.blocked_pcap;
		pcap_rotate(a);
		if (!a->pcap_dumper)
			die("eve.blocked_pcap: cannot write %s-0.pcap", a->cfg.blocked_pcap);
	}
	const char *sock = a->ctl_path ? a->ctl_path : a->cfg.mode != MODE_OFFLINE && !a->bench_file
		? a->cfg.ctl_socket : NULL;
	a->ctl.fd = -1;
	if (sock && ctl_server_open(&a->ctl, sock, a->cfg.ctl_group, err, sizeof(err)) < 0)
		die("%s", err);
	a->ctl.audit = audit_to_eve;      /* set after open, which clears the server */
	a->ctl.audit_arg = a;
	if (app_prometheus_start(a, err, sizeof(err)) < 0)
		die("%s", err);
	app_telemetry_register(a);
	notify_ready(a);

	if (a->cfg.mode != MODE_OFFLINE)
		fprintf(stderr, "seam: %s mode on %u port(s), %u worker(s), profile %s, EVE to %s\n",
			mode_name(a->cfg.mode), a->cfg.nports, nworkers, a->cfg.policy.profile,
			a->cfg.eve_file);

	/* workers on the worker lcores; the main lcore runs control */
	unsigned lc;
	uint32_t launched = a->reader ? 1 : 0;    /* the reader is worker 0, here */
	RTE_LCORE_FOREACH_WORKER(lc) {
		if (launched == a->nworkers)
			break;
		rte_eal_remote_launch(worker_main, a->wk[launched++], lc);
	}
	if (launched == 0 || a->reader) {
		a->wk[0]->single = 1;
		/* worker 0 runs here and writes every worker's events */
		while (!a->wk[0]->done) {
			a->wk[0]->stop = 0;
			worker_main(a->wk[0]);
		}
		for (uint32_t done = 0; a->reader && done < a->nworkers; ) {
			drain_events(a);
			done = 0;
			for (uint32_t i = 0; i < a->nworkers; i++)
				done += a->wk[i]->done;
			if (done < a->nworkers)
				usleep(200);
		}
		if (a->reader)
			rte_eal_mp_wait_lcore();
	} else {
		uint64_t next_stats = a->start_ns + a->cfg.stats_interval * 1000000000ull;
		if (a->bench_file)
			return bench_run(a);
		for (;;) {
			drain_events(a);
			drain_pcaps(a);
			ctl_server_poll(&a->ctl, seam_ctl_cmds, a);
			app_reap(a);
			notify_watchdog();
			if (hup_req) {
				hup_req = 0;
				eve_reopen(&a->eve);
				hup_reload(a);
			}
			if (stop_req)
				for (uint32_t i = 0; i < a->nworkers; i++)
					a->wk[i]->stop = 1;
			uint32_t done = 0;
			for (uint32_t i = 0; i < a->nworkers; i++)
				done += a->wk[i]->done;
			if (done == a->nworkers)
				break;
			uint64_t now = wall_ns();
			if (a->cfg.stats_interval && now >= next_stats) {
				next_stats = now + a->cfg.stats_interval * 1000000000ull;
				port_stats_read(a);
				eve_write_stats(&a->eve, now, (now - a->start_ns) / 1000000000ull, &a->reg);
			}
			fflush(a->eve.f);
			usleep(1000);
		}
		rte_eal_mp_wait_lcore();
	}
	drain_events(a);
	drain_pcaps(a);
	if (a->cfg.mode == MODE_OFFLINE && a->src.warn[0])
		fprintf(stderr, "seam: warning: %s: %s\n", a->pcap_in, a->src.warn);
	if (a->cfg.mode == MODE_OFFLINE && a->src.no_buffer)
		fprintf(stderr, "seam: warning: %lu records of %s not inspected: no packet buffer left (raise memory_mb)\n",
			(unsigned long)a->src.no_buffer, a->pcap_in);
	if (a->pcap_dumper)
		pcap_dump_close(a->pcap_dumper);
	if (a->cfg.nports)
		port_stats_read(a);
	uint64_t now = wall_ns();
	uint64_t ts = a->cfg.mode == MODE_OFFLINE && a->src.clock_ns ? a->src.clock_ns : now;
	eve_write_stats(&a->eve, ts, (now - a->start_ns) / 1000000000ull, &a->reg);

	uint64_t rx, fates, held;
	int ok = identity(a, &rx, &fates, &held);
	int sf, sa;
	uint32_t kf, ka;
	uint64_t alerts = 0, flows = 0;
	if (stats_find(&a->reg, "flow.created", &sf, &kf) == 0)
		flows = stats_sum(&a->reg, sf, kf);
	for (int v = VD_ALERT; v < VD__COUNT; v++)
		alerts += a->wk[0] ? stats_sum(&a->reg, 5, v) : 0;
	(void)sa; (void)ka;
	fprintf(stderr, "seam: %lu packets, %lu flows, %lu alert-level findings, %lu EVE lines; "
		"identity rx=%lu fates=%lu held=%lu %s\n", (unsigned long)rx, (unsigned long)flows,
		(unsigned long)alerts, (unsigned long)a->eve.lines, (unsigned long)rx,
		(unsigned long)fates, (unsigned long)held, ok ? "holds" : "BROKEN");
	eve_close(&a->eve);
	ctl_server_close(&a->ctl);
	app_prometheus_stop(a);
	for (uint32_t i = 0; i < a->cfg.nports; i++) {
		rte_eth_dev_stop(a->port_id[i]);
		rte_eth_dev_close(a->port_id[i]);
	}
	for (uint32_t i = 0; i < a->nworkers; i++)
		worker_free(a->wk[i]);
	rte_eal_cleanup();
	return ok ? 0 : 3;
}
