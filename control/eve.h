/* eve.h — Suricata-compatible EVE JSON lines (alert, anomaly, flow, stats).
 * Written by the control thread only; workers never format JSON. */
#ifndef SEAM_EVE_H
#define SEAM_EVE_H

#include <stdint.h>
#include <stdio.h>
#include "evt.h"
#include "stats.h"
#include "sig.h"

struct eve {
	FILE *f;
	char path[1024];
	uint16_t cid_seed;        /* Community ID seed */
	const char *iface[8];     /* in_iface by port id */
	uint64_t lines;
	const struct sig_set *sigs;   /* texts of signature alerts */
	const char *pcap_prefix;      /* blocked-flow captures, for the alert's file name */
};

/* Open the EVE file: appended to (a service's log), or truncated when
 * truncate is set (an offline run writes the events of one capture). */
int eve_open(struct eve *e, const char *path, int truncate, char *err, size_t errlen);
/* Reopen the file (SIGHUP, log rotation). */
int eve_reopen(struct eve *e);
void eve_close(struct eve *e);
void eve_write_evt(struct eve *e, const struct evt *ev);
void eve_write_stats(struct eve *e, uint64_t ts_ns, uint64_t uptime_s,
		     const struct stats_reg *reg);

/* Community ID v1 (https://github.com/corelight/community-id-spec):
 * "1:" + base64(SHA1(seed, saddr, daddr, proto, 0, sport, dport)) with the
 * endpoints ordered.  out must hold 64 bytes. */
void community_id_v1(uint16_t seed, int ipver, const uint8_t *src, const uint8_t *dst,
		     uint8_t proto, uint16_t sport, uint16_t dport, char *out);

/* "YYYY-MM-DDTHH:MM:SS.uuuuuu+0000" */
/* An engine record (Suricata's own log type): the control-plane audit trail. */
void eve_write_engine(struct eve *e, uint64_t ts_ns, const char *level, const char *module,
		      const char *message);
void eve_timestamp(uint64_t ts_ns, char *out, size_t len);

#endif
