/* app.h — the seam process: configuration, ports, workers, and the
 * control thread's state (events, stats, control socket, snapshots). */
#ifndef SEAM_APP_H
#define SEAM_APP_H

#include <time.h>
#include <rte_rcu_qsbr.h>
#include "config.h"
#include "ctl_server.h"
#include "eve.h"
#include "snapshot.h"
#include "stats.h"
#include "fanout.h"
#include "worker.h"
#include "offline_rx.h"

/* Wall-clock nanoseconds: EVE timestamps and block expiries. */
static inline uint64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#define SEAM_VERSION "0.2.0"
#define MAX_WORKERS 16

struct app {
	struct seam_cfg cfg;
	const char *cfg_path;
	const char *pcap_in;
	const char *eve_out;
	const char *devs[CFG_MAX_PORTS];
	int ndevs;
	int test_config;
	const char *bench_file;    /* --bench: replay from memory into net_null */
	int bench_stage;
	double bench_secs;
	uint32_t bench_flows;       /* --bench-flows: replay the templates as this many flows */
	uint32_t bench_workers;     /* --bench-workers: one capture queue each */
	uint32_t workers;           /* --workers: offline inspection workers */
	int reader;                 /* offline: the main thread reads for them */
	struct fanout fan;
	int verbose;
	int no_huge;                /* EAL runs without hugepages */
	int eal_argc;
	char *eal_argv[64];
	char eal_buf[64][512];
	char *user_eal[32];
	int nuser_eal;
	uint64_t pcap_count;
	struct offline_src src;       /* offline: the capture being read */
	struct offline_spread *spread; /* offline, several workers: worker 0 routes through it */
	int linktype;
	struct worker *wk[MAX_WORKERS];
	uint32_t nworkers;
	uint16_t port_id[CFG_MAX_PORTS];
	char port_name[CFG_MAX_PORTS][64];
	char inject_name[64];
	struct eve eve;
	struct sig_set sigs;          /* the generation loaded at start */
	struct stats_reg reg;
	uint64_t portc[PORT__COUNT];            /* enum port_ctr: NIC-side losses, read by the control thread */
	uint64_t start_ns;
	/* control plane */
	const char *ctl_path;         /* --ctl-socket */
	struct ctl_server ctl;
	struct rte_rcu_qsbr *qsbr;
	struct policy_gen *gen;       /* published to the workers */
	struct block_snap *blocks;
	uint64_t gen_id;
	struct retired { void *p; int kind; uint64_t token; } retired[32];
	uint32_t nretired;
	void *mhd;                    /* Prometheus endpoint */
	/* the rotating capture of stopped flows */
	void *pcap_dead, *pcap_dumper;
	volatile int32_t pcap_idx;
	uint64_t pcap_bytes;
};

/* ctl_cmds.c */
extern const struct ctl_cmd seam_ctl_cmds[];
int app_publish_gen(struct app *a, const struct seam_cfg *cfg, struct sig_set *sigs, char *err,
		    size_t errlen);
void app_publish_blocks(struct app *a, struct block_snap *nb);
void app_reap(struct app *a);
int app_add_block(struct app *a, const struct fwd_prefix *p, uint64_t ttl_s, const char *cause);
int app_prometheus_start(struct app *a, char *err, size_t errlen);
void app_prometheus_stop(struct app *a);
void app_telemetry_register(struct app *a);

#endif
