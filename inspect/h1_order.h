/* h1_order.h — what may follow what on an HTTP/1 connection.
 *
 * The framing parser (h1.c) reads one message at a time; these rules judge
 * the sequence: HTTP/1.0 persistence (RFC 9112 §9.3) and the length-less
 * HTTP/1.0 request that has no body (§6.3 rule 7, CVE-2026-2836), a
 * 100 Continue nobody asked for, a response cut short by the server's
 * close, Content-Length magnitudes that 32-bit parsers wrap, and where a
 * flow picked up midway (or after a capture gap) finds its place again.
 *
 * Decisions only: each function reads or updates struct h1_conn and
 * returns the finding to raise (F__COUNT: none); h1.c raises it at the
 * byte in hand.  No allocation, no I/O. */
#ifndef SEAM_H1_ORDER_H
#define SEAM_H1_ORDER_H

#include <stdint.h>
#include "finding.h"
#include "h1.h"

/* Turns a side that lost its place gets to find a start line again before
 * a flow that never showed one is taken for another protocol. */
#define H1O_LOST_TURNS_MAX 8

/* h1_dir.conn_opt: the Connection options of the message being read. */
enum { CO_KEEPALIVE = 1, CO_CLOSE = 2 };

/* h1_conn.order: facts about the connection, not about one message. */
enum h1_order_bit {
	ORD_H10_LAST     = 1,   /* the last request was HTTP/1.0 without keep-alive: it ends the connection */
	ORD_RSP_LOST     = 2,   /* the response side lost its place (picked up midway, or a gap) */
	ORD_REQ_LOST     = 4,   /* ... the request side */
	ORD_RSP_UNPAIRED = 8,   /* the response being read answers a request Seam never saw */
	ORD_CLI_CLOSED   = 16,  /* the client closed its side first */
	ORD_RESET        = 32,  /* a RST cut the connection: messages in flight were cut, not ended */
	ORD_LAST_REQ     = 64,  /* the last bytes fed were the client's */
	ORD_LAST_RSP     = 128, /* ... the server's */
};

/* A request's header block ended and it now waits in pend slot `slot`.
 * bodyless: its framing gives it no body (no Content-Length or a zero one,
 * no Transfer-Encoding). */
void h1o_request_queued(struct h1_conn *c, unsigned slot, int http10, uint8_t conn_opt,
			int bodyless);

/* A later request (its first byte other than an empty line) arrives on a
 * connection that already carried one: F_H1_HTTP10_PIPELINED when an
 * HTTP/1.0 request still waits for its answer, F_H1_HTTP10_AFTER_CLOSE
 * when a non-persistent HTTP/1.0 exchange ended the connection, else
 * F__COUNT.  answers_unseen: the client acknowledged server bytes Seam
 * never saw, so the answer may have come (no PIPELINED). */
enum finding h1o_request_follows(const struct h1_conn *c, int answers_unseen);

/* A 100 Continue answers the head request, which had no Expect. */
enum finding h1o_continue_unasked(const struct h1_conn *c);

/* A valid Content-Length value: F_H1_CL_WRAPS, F_H1_CL_LARGE or F__COUNT. */
enum finding h1o_cl_magnitude(uint64_t v);

/* A request was read on a connection whose response side lost its place:
 * a client that does not pipeline sends it only once the previous answer
 * ended, so the response side starts over at a status line here (pairing
 * starts over too).  Returns 1 when it did. */
int h1o_resync_rsp(struct h1_conn *c);

/* Bytes of one side arrive (called for every span, before it is read).
 * Where the other side spoke last this is a new turn: without pipelining
 * a turn starts a message, so a side that lost its place starts over at a
 * start line (quietly, should it still not be one).  Each side waiting for
 * the other to show a boundary would wait forever once both are lost. */
void h1o_new_turn(struct h1_conn *c, int is_req);
static inline void h1o_turn(struct h1_conn *c, int is_req)
{
	if (__builtin_expect((c->order & (is_req ? ORD_LAST_REQ : ORD_LAST_RSP)) != 0, 1))
		return;            /* the same side goes on: every span but the first of a turn */
	h1o_new_turn(c, is_req);
}

/* A final response was read while the request side had lost its place:
 * the client's next bytes begin a request.  Returns 1 when it resynced. */
int h1o_resync_req(struct h1_conn *c);

/* The side closed (FIN).  For the server's close: F_H1_RESP_TRUNCATED
 * when the response body is short of its Content-Length and neither the
 * client nor a reset ended things first; else F__COUNT. */
enum finding h1o_closed(struct h1_conn *c, int is_req);

#endif
