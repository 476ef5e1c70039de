/* evt.h — events passed from workers to the control thread.
 *
 * Fixed-size records travel through a per-worker ring; the control thread
 * turns them into EVE JSON.  Addresses are oriented client (TCP initiator)
 * as src, server as dest. */
#ifndef SEAM_EVT_H
#define SEAM_EVT_H

#include <stdint.h>
#include "insp.h"

enum evt_type {
	EVT_ALERT = 1, EVT_ANOMALY, EVT_FLOW,
	EVT_DROP,                 /* refused or reset on an operator's or the policy's order */
	EVT_BLOCK_REQ,            /* worker to control: a "block" verdict for src */
	EVT_HTTP,                 /* one HTTP transaction (request and final response) */
};

enum flow_end_reason { FLOW_END_TIMEOUT = 0, FLOW_END_CLOSED, FLOW_END_EVICTED, FLOW_END_SHUTDOWN };

struct evt {
	uint8_t type;             /* enum evt_type */
	uint8_t ipver;            /* 4 or 6 */
	uint8_t dir;              /* direction of the bytes that raised it */
	uint8_t action;           /* enum vd_action from the policy */
	uint8_t enforced;         /* the action was carried out (inline) */
	uint8_t end_reason;       /* EVT_FLOW */
	uint8_t tcp_state;        /* EVT_FLOW */
	uint8_t alerted;          /* EVT_FLOW */
	uint16_t sport, dport;
	uint16_t port_id;
	uint16_t finding;         /* enum finding */
	uint32_t sig_id;
	uint8_t src[16], dst[16];
	uint64_t ts_ns;           /* packet time */
	uint64_t start_ns;        /* EVT_FLOW */
	uint64_t flow_id;
	uint64_t offset;
	uint64_t pkts[2], bytes[2];   /* EVT_FLOW: to server, to client */
	uint64_t inspected[2];        /* EVT_FLOW: stream bytes read by the analyzers */
	uint32_t digest[2];           /* EVT_FLOW: their CRC-32, when has_digest */
	uint8_t has_digest;
	char cause[48];           /* EVT_DROP, EVT_BLOCK_REQ: who ordered it */
	int32_t pcap_idx;         /* alerts that stopped a flow: the blocked-pcap file, -1 none */
	/* alerts, anomalies, http: the transaction's header fields (an export
	 * of hdrlog.h from the worker's buffer pool, given back once written);
	 * NULL none */
	const void *hdrs;
	struct insp_meta meta;
};

#endif
