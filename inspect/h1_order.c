/* h1_order.c — what may follow what on an HTTP/1 connection (h1_order.h).
 *
 * RFC 9112 §9.3: an HTTP/1.0 connection persists only when the client sent
 * "Connection: keep-alive"; otherwise it closes after the response.  §6.3
 * rule 7: a request with neither Content-Length nor Transfer-Encoding has
 * no body, and HTTP/1.0 has no pipelining, so real HTTP/1.0 clients (ab,
 * old wget, monitoring probes) wait for the answer before writing again.
 * Bytes written behind an HTTP/1.0 request before its answer are what a
 * proxy that reads such a request to the close forwards as its body, while
 * the server reads them as the next request (CVE-2026-2836). */
#include "h1_order.h"

_Static_assert(H1_PIPE_MAX <= 16, "pend_h10/pend_nobody hold one bit per pend slot");

static inline uint16_t slot_bit(unsigned slot) { return (uint16_t)(1u << (slot % H1_PIPE_MAX)); }

void h1o_request_queued(struct h1_conn *c, unsigned slot, int http10, uint8_t conn_opt,
			int bodyless)
{
	uint16_t b = slot_bit(slot);
	c->pend_h10 = http10 ? c->pend_h10 | b : c->pend_h10 & ~b;
	c->pend_nobody = bodyless ? c->pend_nobody | b : c->pend_nobody & ~b;
	/* "keep-alive, close" is no promise to stay: close wins */
	if (http10 && (!(conn_opt & CO_KEEPALIVE) || (conn_opt & CO_CLOSE)))
		c->order |= ORD_H10_LAST;
	else
		c->order &= ~ORD_H10_LAST;
}

enum finding h1o_request_follows(const struct h1_conn *c, int answers_unseen)
{
	/* a response side that lost its place pops nothing, and one that
	 * never reached Seam may have answered: the count means nothing */
	if (c->pend_n && !(c->order & ORD_RSP_LOST) && !answers_unseen) {
		unsigned tail = (c->pend_head + c->pend_n - 1u) % H1_PIPE_MAX;
		if ((c->order & ORD_H10_LAST) || (c->pend_h10 & slot_bit(tail)))
			return F_H1_HTTP10_PIPELINED;
	}
	if (c->order & ORD_H10_LAST)
		return F_H1_HTTP10_AFTER_CLOSE;
	return F__COUNT;
}

/* IIS 6 (and test servers such as OkHttp's MockWebServer) send 100 Continue
 * to every request that has a body, Expect or not; RFC 9110 §15.2 makes
 * clients read it.  A 100 before an answer to a request that has nothing to
 * send serves no one: it is only there to be taken for the answer. */
enum finding h1o_continue_unasked(const struct h1_conn *c)
{
	if (c->pend_n && (c->pend_nobody & slot_bit(c->pend_head)))
		return F_H1_CONTINUE_BODYLESS;
	return F_H1_CONTINUE_UNSOLICITED;
}

/* A parser that keeps the length in 32 bits (signed or not) reads v modulo
 * 2^32, and a signed one anything at or past 2^31 as negative.  The values
 * an attacker picks land near a multiple of 2^31 (2^31, 2^32, 2^32 + 5,
 * 0xffffffff): what the wrapped reading leaves is a small or negative
 * length, the rest of the body becomes the next request.  A real 3 GB
 * download lands there with odds of 2^17 in 2^31; it is only noted. */
enum finding h1o_cl_magnitude(uint64_t v)
{
	const uint64_t g31 = 1ull << 31, near = 1ull << 16;
	if (v < g31)
		return F__COUNT;
	uint64_t r = v & (g31 - 1);
	if (r < near || r >= g31 - near)
		return F_H1_CL_WRAPS;
	return F_H1_CL_LARGE;
}

static void rewind_dir(struct h1_dir *d)
{
	d->state = H1_SL_START;
	d->started = 0;        /* what follows is judged as a first message: junk is quiet */
	d->cr = 0;
	d->line_len = 0;
	d->lead_ws = 0;
	d->lead_junk = 0;
	d->flags = 0;
	d->body_left = 0;
}

int h1o_resync_rsp(struct h1_conn *c)
{
	uint8_t st = c->rsp.state;
	int lost = (c->order & ORD_RSP_LOST) && st == H1_DEAD;
	/* an answer to an unseen request: a HEAD's, read as if it had a body,
	 * or one delimited by a close that never came */
	int unpaired_body = (c->order & ORD_RSP_UNPAIRED) &&
			    (st == H1_BODY_CL || st == H1_BODY_EOF || st == H1_DEAD ||
			     (st >= H1_CHK_SIZE && st <= H1_CHK_DATA_END));
	if (!lost && !unpaired_body)
		return 0;
	rewind_dir(&c->rsp);
	c->order &= ~(ORD_RSP_LOST | ORD_RSP_UNPAIRED);
	c->pend_head = 0;
	c->pend_n = 0;
	return 1;
}

void h1o_new_turn(struct h1_conn *c, int is_req)
{
	uint8_t mine = is_req ? ORD_LAST_REQ : ORD_LAST_RSP, theirs = is_req ? ORD_LAST_RSP : ORD_LAST_REQ;
	c->order = (uint8_t)((c->order & ~theirs) | mine);
	uint8_t lost = is_req ? ORD_REQ_LOST : ORD_RSP_LOST;
	struct h1_dir *d = is_req ? &c->req : &c->rsp;
	if (!(c->order & lost) || d->state != H1_DEAD)
		return;
	/* a flow picked up midway that showed no HTTP message in either
	 * direction for a while is another protocol (SSH, a database):
	 * stop trying, it costs nothing more */
	if (c->req.started || c->rsp.started)
		c->lost_turns = 0;
	else if (c->lost_turns >= H1O_LOST_TURNS_MAX)
		return;
	else
		c->lost_turns++;
	rewind_dir(d);
	c->order &= ~lost;
}

int h1o_resync_req(struct h1_conn *c)
{
	if (!(c->order & ORD_REQ_LOST) || c->req.state != H1_DEAD)
		return 0;
	rewind_dir(&c->req);
	c->order &= ~ORD_REQ_LOST;
	return 1;
}

/* A client that goes away mid-download (a closed tab, curl ^C) resets or
 * closes first; a server whose upstream died closes after a short body
 * too, and that is the response a cache must not keep (RFC 9112 §8). */
enum finding h1o_closed(struct h1_conn *c, int is_req)
{
	if (is_req) {
		c->order |= ORD_CLI_CLOSED;
		return F__COUNT;
	}
	if (c->rsp.state == H1_BODY_CL && c->rsp.body_left &&
	    !(c->order & (ORD_CLI_CLOSED | ORD_RESET | ORD_RSP_UNPAIRED)))
		return F_H1_RESP_TRUNCATED;
	return F__COUNT;
}
