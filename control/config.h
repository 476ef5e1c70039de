/* config.h — Seam's configuration: libconfig file → struct seam_cfg.
 *
 * Every key has a built-in default (the embedded default configuration,
 * written out in configs/seam.conf), so a missing file section means the
 * default.  Unknown keys, wrong types and out-of-range values are errors
 * reported as "file:line: key: reason". */
#ifndef SEAM_CONFIG_H
#define SEAM_CONFIG_H

#include <stdint.h>
#include <stddef.h>
#include "finding.h"
#include "insp.h"
#include "fwd.h"
#include "overlap.h"
#include "ws.h"

enum seam_mode { MODE_OFFLINE = 0, MODE_INLINE, MODE_MIRROR };

#define CFG_MAX_PORTS 8
#define CFG_MAX_TARGETS 64

struct policy {
	uint8_t tier_action[TIER__COUNT];      /* enum vd_action */
	uint8_t finding_action[F__COUNT];      /* per-finding, after overrides */
	char profile[32];
};

struct seam_cfg {
	char source[512];          /* file it came from, or "<default>" */
	uint8_t mode;
	char lcores[64];
	uint32_t memory_mb;
	int no_huge;               /* 1 never, 0 try hugepages */
	char eal_extra[256];
	uint32_t nports;
	char port_dev[CFG_MAX_PORTS][256];
	char inject_port[256];     /* mirror: where reset verdicts send their RSTs; "" = alert only */

	char eve_file[512];
	char blocked_pcap[512];    /* prefix of the rotating capture of stopped flows; "" = off */
	uint32_t blocked_pcap_mb;  /* rotate after this many MB */
	uint32_t blocked_pcap_files; /* keep this many */
	uint32_t stats_interval;   /* seconds; 0 = only at exit */
	int flow_events;
	int http_events;
	int stream_digest;         /* flow events carry a CRC-32 of the inspected bytes */
	struct hdrlog_cfg eve_http; /* eve.http: header fields in EVE http objects */

	uint32_t max_flows;
	uint32_t max_inspected;    /* flows with inspection state at once */
	uint32_t max_h2;           /* of those, HTTP/2 connections at once */
	uint32_t max_early;        /* ... flows holding bytes sent ahead of an Upgrade/CONNECT answer */
	uint32_t max_header_blocks;/* ... HTTP/1 directions holding a header block split across segments */
	uint32_t max_ws;           /* ... WebSocket connections inspected at once */
	uint32_t embryonic_timeout, established_timeout, closed_timeout;
	int midstream;
	int flow_fail_open;        /* table full and nothing to evict: pass or drop */

	uint32_t ooo_max_segs, ooo_max_bytes, held_max_segs;
	uint32_t retain_bytes;     /* unacknowledged inspected bytes kept per direction; 0: none */
	uint32_t verify_mb;        /* ... from a store of this size per worker */
	int verify_fail_open;      /* inline: a repeat that cannot be verified passes */
	uint32_t tiny_seg_bytes, tiny_seg_count;
	int checksum_verify;
	/* offline/mirror: how the receiving hosts settle overlaps */
	uint8_t overlap_default;              /* enum overlap_policy */
	uint32_t ntargets;
	struct { struct fwd_prefix net; uint8_t policy; } targets[CFG_MAX_TARGETS];

	struct insp_limits lim;
	struct fwd_cfg fwd;
	uint32_t nrhttp_allow;
	struct fwd_prefix rhttp_allow[FWD_TRUST_MAX];
	struct ws_origin_policy ws_origins;
	uint32_t nh2c_origins;     /* servers allowed to switch to h2c by Upgrade */
	struct fwd_prefix h2c_origins[FWD_TRUST_MAX];
	struct policy policy;

	char sig_file[512];
	char ctl_socket[256];
	char ctl_group[64];
	char prometheus[64];       /* "127.0.0.1:9178", "" = off */
	uint32_t block_ttl;        /* seconds a policy block lasts */
	uint32_t burst;
	uint32_t idle_us;          /* quiet time before a worker naps; 0: always poll */
};

/* Fill the embedded defaults. */
void cfg_defaults(struct seam_cfg *c);
/* Load a file over the defaults.  Returns 0, or -1 with
 * "file:line: key: reason" in err. */
int cfg_load(struct seam_cfg *c, const char *path, char *err, size_t errlen);
/* Recompute policy.finding_action from tier actions (no overrides). */
void policy_from_tiers(struct policy *p);
/* Apply a named profile: strict, defensive, monitor.  -1 when unknown. */
int policy_profile(struct policy *p, const char *name);

const char *mode_name(int m);
/* The overlap policy of the host at addr (longest configured prefix). */
uint8_t cfg_target_policy(const struct seam_cfg *c, uint8_t ipver, const uint8_t addr[16]);

#endif
