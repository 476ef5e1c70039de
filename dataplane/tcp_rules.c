/* tcp_rules.c — receivers' readings of RST, keepalive probes and the
 * urgent pointer (see tcp_rules.h). */
#include "tcp_rules.h"
#include "insp.h"
#include "reasm.h"

enum tcp_rst_fate tcp_rst_fate(uint32_t seq, uint32_t rcv_nxt, int after_fin, uint32_t wnd)
{
	if (seq == rcv_nxt || (after_fin && seq == rcv_nxt - 1))
		return TCP_RST_RESETS;
	/* RFC 9293 §3.10.7.4: acceptable when RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND */
	if (wnd && seq_lt(rcv_nxt, seq) && seq_lt(seq, rcv_nxt + wnd))
		return TCP_RST_CHALLENGED;
	return TCP_RST_IGNORED;
}

int tcp_keepalive_probe(uint32_t seq, uint32_t len, uint32_t rcv_nxt, uint32_t peer_ack)
{
	return len <= 1 && seq + 1 == rcv_nxt && peer_ack == rcv_nxt;
}

enum tcp_urgent_verdict tcp_urgent_verdict(uint8_t proto, int ended)
{
	switch (proto) {
	case PROTO_HTTP1:
	case PROTO_H2:
	case PROTO_WS:
		return TCP_URG_ALERT;
	case PROTO_UNKNOWN:
		return ended ? TCP_URG_ANOMALY : TCP_URG_PENDING;
	default:                 /* PROTO_OTHER, PROTO_TUNNEL */
		return TCP_URG_ANOMALY;
	}
}
