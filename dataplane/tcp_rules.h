/* tcp_rules.h — TCP control read the way the receiving hosts read it, so
 * that a segment an endpoint ignores cannot switch inspection off, and one
 * an endpoint shrugs off raises no alarm.
 *
 *   - which RST ends a connection: RFC 5961 §3.2 (Linux, FreeBSD, Windows);
 *   - which repeated byte is a keepalive probe (RFC 9293 §3.8.4);
 *   - what the urgent pointer means on the flow that carries it.
 *
 * DPDK-free and stateless: the worker passes what it knows of the flow
 * (the receiver's next expected sequence number, its window, its last
 * acknowledgement, the flow's protocol) and acts on the answer. */
#ifndef SEAM_TCP_RULES_H
#define SEAM_TCP_RULES_H

#include <stdint.h>

/* What the receiver of a RST does with it. */
enum tcp_rst_fate {
	TCP_RST_RESETS = 0,   /* at the receiver's next expected byte: the connection ends */
	TCP_RST_CHALLENGED,   /* inside the window but elsewhere: the receiver answers with
				 an ACK (a challenge) and the connection lives on */
	TCP_RST_IGNORED,      /* outside the window: dropped silently */
};

/* seq: the RST's sequence number.  rcv_nxt: the receiver's next expected
 * sequence number from the RST's sender (the FIN counted, when it was
 * received).  after_fin: the sender's FIN was received; a RST at the FIN's
 * own number (rcv_nxt - 1) then resets too, as Linux accepts in
 * CLOSE-WAIT, LAST-ACK and CLOSING.  wnd: the receiver's advertised window
 * in bytes (0: only an exact RST is acceptable, RFC 9293 §3.10.7.4). */
enum tcp_rst_fate tcp_rst_fate(uint32_t seq, uint32_t rcv_nxt, int after_fin, uint32_t wnd);

/* A keepalive probe (RFC 9293 §3.8.4): a segment of at most one byte at
 * snd_nxt - 1, a byte the peer has already acknowledged.  The receiver
 * discards its byte whatever its value (Windows sends 0x00, Linux sends
 * none) and answers with an ACK.  len: the segment's payload; rcv_nxt: the
 * next byte expected from the prober (nothing of it held out of order);
 * peer_ack: the peer's latest acknowledgement, from the peer itself.
 * 1 when the segment is such a probe. */
int tcp_keepalive_probe(uint32_t seq, uint32_t len, uint32_t rcv_nxt, uint32_t peer_ack);

/* The urgent pointer on a flow: receivers disagree on the urgent byte
 * (kept in line, taken out of band, or the byte after it), so on HTTP it
 * can hide or add a byte of a message -- an alert.  Telnet, rlogin and FTP
 * use it as designed: on a flow that is not HTTP it is an anomaly. */
enum tcp_urgent_verdict {
	TCP_URG_PENDING = 0,  /* the flow's protocol is not known yet: judge later */
	TCP_URG_ALERT,        /* HTTP/1, HTTP/2 or WebSocket */
	TCP_URG_ANOMALY,      /* another protocol, or an opaque tunnel */
};

/* proto: the flow's enum insp_proto; ended: the flow is over, so a
 * protocol still unknown never became HTTP. */
enum tcp_urgent_verdict tcp_urgent_verdict(uint8_t proto, int ended);

#endif
