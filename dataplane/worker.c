/* worker.c — the run-to-completion loop: RX burst → decode → flow → TCP →
 * reassembly → inspect → verdict → TX, with one counted fate per packet. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <zlib.h>
#include <rte_malloc.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash_crc.h>
#include <rte_mbuf_dyn.h>
#include <rte_prefetch.h>
#include "worker.h"
#include "lazypool.h"
#include "evt.h"
#include "rst.h"
#include "tcp_rules.h"
#include <rte_ip_frag.h>

/* What is known of a TCP checksum. */
enum { CSUM_GOOD = 0, CSUM_BAD = 1, CSUM_UNKNOWN = 2 };

/* ---- fates ---------------------------------------------------------------- */

static inline void tx_flush(struct worker *w, uint16_t port)
{
	struct wk_txbuf *b = &w->tx[port];
	if (!b->n)
		return;
	uint16_t sent = rte_eth_tx_burst(port, w->txq, b->m, b->n);
	w->fate[FATE_forwarded] += sent;
	if (unlikely(sent < b->n)) {
		w->fate[FATE_drop_tx_full] += b->n - sent;
		rte_pktmbuf_free_bulk(b->m + sent, b->n - sent);
	}
	b->n = 0;
}

static inline void tx_one(struct worker *w, uint16_t port, struct rte_mbuf *m)
{
	struct wk_txbuf *b = &w->tx[port];
	b->m[b->n++] = m;
	if (b->n == WK_TXBUF)
		tx_flush(w, port);
}

/* Generated packets (RSTs) are not received packets: no fate of their own. */
static void tx_generated(struct worker *w, uint16_t port, struct rte_mbuf *m)
{
	if (rte_eth_tx_burst(port, w->txq, &m, 1) != 1)
		rte_pktmbuf_free(m);
}

/* A reassembled datagram leaves as fragments again, at the port's MTU:
 * the receiver gets the bytes that were inspected, not the original cut. */
static void tx_refragment(struct worker *w, struct rte_mbuf *m, uint16_t peer)
{
	uint8_t l2[64];
	uint16_t l2len = m->l2_len < sizeof(l2) ? m->l2_len : sizeof(l2);
	memcpy(l2, rte_pktmbuf_mtod(m, void *), l2len);
	int v6 = (rte_pktmbuf_mtod_offset(m, uint8_t *, l2len)[0] >> 4) == 6;
	rte_pktmbuf_adj(m, l2len);
	struct rte_mbuf *out[64];
	int n = v6 ? rte_ipv6_fragment_packet(m, out, 64, 1500, w->pktpool, w->frag.indirect)
		   : rte_ipv4_fragment_packet(m, out, 64, 1500, w->pktpool, w->frag.indirect);
	rte_pktmbuf_free(m);
	if (n <= 0) {
		w->fate[FATE_drop_fragment]++;
		return;
	}
	w->fate[FATE_forwarded]++;
	w->tcpc[TCPC_frag_refragmented]++;
	for (int i = 0; i < n; i++) {
		if (rte_pktmbuf_linearize(out[i]) < 0 || !rte_pktmbuf_prepend(out[i], l2len)) {
			rte_pktmbuf_free(out[i]);
			continue;
		}
		memcpy(rte_pktmbuf_mtod(out[i], void *), l2, l2len);
		tx_generated(w, peer, out[i]);
	}
}

/* The packet goes on: forwarded inline, released elsewhere. */
static inline void fate_pass(struct worker *w, struct rte_mbuf *m, int16_t peer)
{
	if (w->mode == MODE_INLINE && peer >= 0) {
		if (unlikely(m->pool == w->frag.big) && rte_pktmbuf_pkt_len(m) - m->l2_len > 1500) {
			tx_refragment(w, m, peer);
			return;
		}
		tx_one(w, peer, m);
		return;
	}
	w->fate[FATE_released]++;
	rte_pktmbuf_free(m);
}

/* A copy of a stopped flow's packet for the blocked-flow capture. */
static void capture_stopped(struct worker *w, struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, w->pktpool, 0, UINT32_MAX);
	if (!c || rte_ring_sp_enqueue(w->pcapq, c) != 0) {
		if (c)
			rte_pktmbuf_free(c);
		w->vdc[VDC_pcap_lost]++;
	}
}

static inline void fate_drop(struct worker *w, struct rte_mbuf *m, enum fate_ctr why)
{
	if (unlikely(why == FATE_drop_verdict) && w->pcapq)
		capture_stopped(w, m);
	w->fate[why]++;
	rte_pktmbuf_free(m);
}

/* ---- events --------------------------------------------------------------- */

static struct evt *evt_get(struct worker *w)
{
	void *e;
	while (lazypool_get(w->evpool, &e) < 0) {
		if (w->mode != MODE_OFFLINE) {
			w->vdc[VDC_events_lost]++;
			return NULL;
		}
		/* offline: nothing may be lost, wait for the control thread */
		if (w->single)
			w->drain(w->drain_ctx);
		else
			rte_pause();
	}
	return e;
}

static void evt_put(struct worker *w, struct evt *e)
{
	while (rte_ring_sp_enqueue(w->evq, e) < 0) {
		if (w->mode != MODE_OFFLINE) {
			w->vdc[VDC_events_lost]++;
			rte_mempool_put(w->evpool, e);
			return;
		}
		if (w->single)
			w->drain(w->drain_ctx);
		else
			rte_pause();
	}
}

/* The transaction's header fields for an event: a copy of the captures the
 * session named when the event was raised (at), in an export buffer the
 * control thread gives back. */
static void evt_hdrs(struct worker *w, const struct flow *f, struct evt *e, const struct hdrlog_ref *at,
		     uint8_t dir)
{
	e->hdrs = NULL;
	/* HTTP/2 streams: the http object comes from the stream (meta); the
	 * captures are HTTP/1's (the Upgrade request at most) */
	if (!f->cold || f->cold->insp.proto == PROTO_H2)
		return;
	int to_client = dir != f->cold->insp.client_dir;
	if (!hdrlog_wanted(&w->hl, &f->cold->insp.hl, at, to_client))
		return;
	void *b;
	while (lazypool_get(w->hlpool, &b) < 0) {
		if (w->mode != MODE_OFFLINE) {
			w->hl.ctr[HLC_no_buffer]++;
			return;
		}
		/* offline: nothing may be lost, wait for the control thread */
		if (w->single)
			w->drain(w->drain_ctx);
		else
			rte_pause();
	}
	hdrlog_export(&w->hl, &f->cold->insp.hl, at, to_client, b);
	e->hdrs = b;
}

/* An event is written with its transaction's header fields.  One raised
 * inside a header block (a bad byte in a name, whitespace before a colon)
 * waits until that block ends, a second at most, so the record lists the
 * whole block, the offending field included; the flow's later events wait
 * behind it, in order.  Verdicts are not delayed: only the record is. */
#define HELD_MAX_NS 1000000000ull

static void held_release(struct worker *w, uint32_t i)
{
	struct wk_held *h = &w->held[i];
	evt_hdrs(w, &w->ft.f[h->idx], h->e, &h->at, h->dir);
	evt_put(w, h->e);
	w->nheld--;
	memmove(h, h + 1, (w->nheld - i) * sizeof(*h));
}

/* The header block the held event waits for has ended (or a newer message
 * of that side began, so it has). */
static int held_ready(const struct flow *f, const struct wk_held *h)
{
	const struct insp_sess *s = &f->cold->insp;
	int side = h->dir == s->client_dir ? 0 : 1;
	return !insp_in_header(s, h->dir) || s->hl.seq[side] != h->at.seq[side];
}

/* Write the flow's waiting events that are ready, oldest first (all: every
 * one, the flow ends). */
static void held_flush_flow(struct worker *w, const struct flow *f, int all)
{
	int32_t idx = f - w->ft.f;
	for (uint32_t i = 0; i < w->nheld;) {
		if (w->held[i].idx != idx) {
			i++;
			continue;
		}
		if (!all && f->cold && !held_ready(f, &w->held[i]))
			return;               /* the later ones keep waiting behind it */
		held_release(w, i);
	}
}

/* Out of line: the inspection path stays small enough to inline. */
static __attribute__((noinline, cold)) void held_flush_flow_cold(struct worker *w, const struct flow *f)
{
	held_flush_flow(w, f, 0);
}

static void held_age(struct worker *w, uint64_t now_ns)
{
	while (w->nheld && now_ns - w->held[0].since_ns >= HELD_MAX_NS)
		held_release(w, 0);
}

/* block_done: the event marks the end of its header block (a transaction
 * event, raised as the response's header block ends). */
static void evt_send(struct worker *w, struct flow *f, struct evt *e, uint8_t dir, int block_done)
{
	int32_t idx = f - w->ft.f;
	int wait = !block_done && f->cold && insp_in_header(&f->cold->insp, dir);
	for (uint32_t i = 0; i < w->nheld && !wait; i++)
		wait = w->held[i].idx == idx;
	if (!wait) {
		evt_hdrs(w, f, e, f->cold ? &f->cold->insp.hl : NULL, dir);
		evt_put(w, e);
		return;
	}
	if (w->nheld == WK_HELD_EVT)
		held_release(w, 0);       /* the oldest goes with what it has */
	w->held[w->nheld++] = (struct wk_held){ .e = e, .idx = idx, .dir = dir, .at = f->cold->insp.hl,
						 .since_ns = w->now_ns };
}

/* Orient the flow's endpoints: src = initiator. */
static void evt_addrs(const struct flow *f, struct evt *e)
{
	const struct flow_key *k = &f->key;
	e->ipver = k->ipver;
	if (!f->init_is_b) {
		memcpy(e->src, k->a, 16); memcpy(e->dst, k->b, 16);
		e->sport = k->pa; e->dport = k->pb;
	} else {
		memcpy(e->src, k->b, 16); memcpy(e->dst, k->a, 16);
		e->sport = k->pb; e->dport = k->pa;
	}
	e->flow_id = f->flow_id;
	e->port_id = f->in_port;
}

static void emit_finding(struct worker *w, struct flow *f, enum finding fd, uint8_t dir,
			 uint64_t off, uint32_t sig_id, int8_t sig_action, uint8_t sig_tier,
			 const struct insp_meta *meta)
{
	uint8_t act = w->policy->finding_action[fd];
	if (fd == F_SIG_MATCH) {
		act = sig_action >= 0 ? sig_action : w->policy->tier_action[sig_tier];
		if (w->env.sigs) {
			const struct sig *sg = NULL;
			for (uint32_t i = 0; i < w->env.sigs->n && i < SIG_HITS_MAX; i++)
				if (w->env.sigs->sigs[i].id == sig_id) {
					sg = &w->env.sigs->sigs[i];
					w->sig_hits[i]++;
					break;
				}
			(void)sg;
		}
	}
	w->find[fd]++;
	w->vdc[act]++;
	if (act == VD_PASS)
		return;
	int enforce = (w->mode == MODE_INLINE || (w->mode == MODE_MIRROR && w->inject >= 0 && act >= VD_RESET)) &&
		      act >= VD_CLOSE_AFTER;
	if (enforce) {
		if (act == VD_CLOSE_AFTER) {
			if (!f->close_after)
				f->close_after = CLOSE_ARMED;
		}
		else if (act > f->vd) {
			f->vd = act;
			if (act >= VD_RESET)
				w->want_rst = 1;
			if (act == VD_BLOCK) {
				struct evt *b = evt_get(w);
				if (b) {
					memset(b, 0, sizeof(*b));
					b->type = EVT_BLOCK_REQ;
					evt_addrs(f, b);
					snprintf(b->cause, sizeof(b->cause), "policy %s", finding_table[fd].name);
					evt_put(w, b);
				}
			}
		}
	}
	if (act >= VD_ALERT)
		f->alerted = 1;
	struct evt *e = evt_get(w);
	if (!e)
		return;
	memset(e, 0, offsetof(struct evt, meta));
	e->type = act == VD_LOG ? EVT_ANOMALY : EVT_ALERT;
	evt_addrs(f, e);
	e->ts_ns = w->now_ns;
	e->finding = fd;
	e->sig_id = sig_id;
	e->dir = dir;
	e->offset = off;
	e->action = act;
	e->enforced = enforce && act >= VD_DROP;
	e->pcap_idx = e->enforced && w->pcap_idx ? *w->pcap_idx : -1;
	if (meta)
		e->meta = *meta;
	else
		memset(&e->meta, 0, sizeof(e->meta));
	evt_send(w, f, e, dir, 0);
}

static void on_tx(void *user, const struct insp_meta *meta)
{
	struct worker *w = user;
	if (w->cur->close_after == CLOSE_ARMED)
		w->cur->close_after = CLOSE_DUE;    /* the response is complete: close now */
	if (!w->cfg->http_events)
		return;
	struct evt *e = evt_get(w);
	if (!e)
		return;
	memset(e, 0, offsetof(struct evt, meta));
	e->type = EVT_HTTP;
	evt_addrs(w->cur, e);
	e->ts_ns = w->now_ns;
	e->dir = 1;
	e->meta = *meta;
	evt_send(w, w->cur, e, !w->cur->cold->insp.client_dir, 1);
}

static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta)
{
	struct worker *w = user;
	emit_finding(w, w->cur, hit->finding, hit->dir, hit->offset, hit->sig_id, hit->action, hit->tier,
		     meta);
}

static void tcp_finding(struct worker *w, struct flow *f, enum finding fd, uint8_t dir, uint64_t off)
{
	emit_finding(w, f, fd, dir, off, 0, -1, 0, f->cold ? &f->cold->insp.meta : NULL);
}

static inline int urgent_waiting(const struct flow *f)
{
	return f->half[0].urg == 1 || f->half[1].urg == 1;
}

/* The urgent pointer is judged by the flow's protocol (tcp_rules.h), once
 * it is known -- or at the flow's end, when it never became HTTP. */
static void judge_urgent(struct worker *w, struct flow *f, int ended)
{
	uint8_t proto = f->cold ? f->cold->insp.proto : PROTO_UNKNOWN;
	for (uint8_t d = 0; d < 2; d++) {
		if (f->half[d].urg != 1)
			continue;
		enum tcp_urgent_verdict v = tcp_urgent_verdict(proto, ended);
		if (v == TCP_URG_PENDING)
			continue;
		f->half[d].urg = 2;
		tcp_finding(w, f, v == TCP_URG_ALERT ? F_TCP_URGENT_DATA : F_TCP_URGENT_NON_HTTP, d,
			    f->cold ? f->cold->rd[d].delivered : 0);
	}
}

/* ---- flow end ------------------------------------------------------------- */

/* Offline and mirror, a target policy may hold one packet as several
 * pieces, each with its own reference: only the last piece given back
 * carries the packet's fate. */
static inline int other_piece_held(struct rte_mbuf *m)
{
	if (likely(rte_mbuf_refcnt_read(m) == 1))
		return 0;
	rte_pktmbuf_free(m);
	return 1;
}

static void mbuf_ref(void *h)
{
	rte_mbuf_refcnt_update(h, 1);
}

static void drop_held(void *ctx, void *h)
{
	struct worker *w = ctx;
	if (other_piece_held(h))
		return;
	w->pktc[PKT_held]--;
	fate_drop(w, h, FATE_drop_flush);
}

static void inspect_span(struct worker *w, struct flow *f, uint8_t dir, const uint8_t *p, uint32_t n);
static void drain_held(struct worker *w, struct flow *f, uint8_t dir, uint16_t in_port, int16_t peer,
		       int live);

/* Offline and mirror: bytes after a gap that will never fill are still read. */
static void deliver_after_gaps(struct worker *w, struct flow *f, uint8_t dir)
{
	struct flow_cold *c = f->cold;
	const uint8_t *d;
	uint32_t len, off, gap;
	void *h;
	while ((h = reasm_skip_gap(&c->rd[dir], &w->rp, &d, &len, &off, &gap))) {
		if (gap) {
			w->tcpc[TCPC_gap_skipped]++;
			tcp_finding(w, f, F_TCP_REASM_GAP, dir, c->rd[dir].delivered);
			insp_gap(&c->insp, dir);
		}
		inspect_span(w, f, dir, d, len);
		reasm_consumed(&c->rd[dir], &w->rp, d, len);
		w->tcpc[TCPC_seg_released_held]++;
		if (!other_piece_held(h)) {
			w->pktc[PKT_held]--;
			w->fate[FATE_released]++;
			rte_pktmbuf_free(h);
		}
		/* drain whatever became contiguous */
		drain_held(w, f, dir, 0, -1, 0);
	}
}

/* ---- hold pool pressure ---------------------------------------------------- */

static int holder_live(const struct worker *w, const struct wk_holder *h)
{
	const struct flow *f = &w->ft.f[h->idx];
	return f->cold && (uint32_t)f->flow_id == h->tag && f->cold->rd[h->dir].nheld;
}

/* A direction started holding segments: remember it, oldest first.  Stale
 * entries (drained, ended) are dropped when the ring fills. */
static void note_holder(struct worker *w, const struct flow *f, uint8_t dir)
{
	if (w->hold_n == w->hold_cap) {
		uint32_t n = 0;
		for (uint32_t k = 0; k < w->hold_n; k++) {
			struct wk_holder h = w->holders[(w->hold_head + k) % w->hold_cap];
			if (holder_live(w, &h))
				w->holders[(w->hold_head + n++) % w->hold_cap] = h;
		}
		w->hold_n = n;
		if (n == w->hold_cap) {                 /* all live: forget the oldest */
			w->hold_head = (w->hold_head + 1) % w->hold_cap;
			w->hold_n--;
		}
	}
	w->holders[(w->hold_head + w->hold_n++) % w->hold_cap] =
		(struct wk_holder){ .idx = (int32_t)(f - w->ft.f), .tag = (uint32_t)f->flow_id, .dir = dir };
}

static void drop_reclaimed(void *ctx, void *h)
{
	struct worker *w = ctx;
	if (other_piece_held(h))
		return;
	w->pktc[PKT_held]--;
	fate_drop(w, h, FATE_drop_reclaimed);
}

/* Which holder gives its segments up first (lower first): flows with
 * nothing left to judge (closed, not HTTP), and those whose segments were given up before
 * unless they are exchanging HTTP (a gap that never fills is a flood's
 * mark); then flows where no HTTP was read yet; then idle ones; flows
 * exchanging HTTP last (DESIGN.md invariant 4). */
static int holder_rank(const struct flow *v)
{
	if (v->cls == FC_CLOSED || v->cold->insp.proto == PROTO_OTHER)
		return 0;
	if (v->cls != FC_ACTIVE)
		return v->reclaimed ? 0 : 1;
	enum flow_stake s = flow_stake(v);
	if (s == STAKE_EXCHANGING)
		return 3;
	return s == STAKE_NONE || v->reclaimed ? 0 : 2;
}

/* Holders ranked per reclaim, oldest first: bounds the work of one. */
#define RECLAIM_SCAN 64

/* The worker's hold pool is dry: a direction holding segments gives them
 * up, so a flood of gaps that never fill cannot starve other flows of
 * reassembly.  Among the oldest holders the lowest rank goes (see
 * holder_rank), the one idle longest.  Inline its held segments are dropped
 * (its sender retransmits them); offline and mirror inspection reads on
 * past its gap.  1 when room was made. */
static int reclaim_hold(struct worker *w, const struct flow *f, uint8_t dir)
{
	/* rank the oldest live holders; stale entries passed are dropped, so
	 * each costs one look however long the ring */
	uint32_t best = UINT32_MAX, k = 0, kept = 0;
	int best_rank = 4;
	uint64_t best_ns = 0;
	for (uint32_t seen = 0; k < w->hold_n && seen < RECLAIM_SCAN; k++) {
		uint32_t at = (w->hold_head + k) % w->hold_cap;
		struct wk_holder h = w->holders[at];
		if (!holder_live(w, &h))
			continue;
		/* keep it, packed towards the front of what was scanned */
		uint32_t to = (w->hold_head + kept++) % w->hold_cap;
		w->holders[to] = h;
		const struct flow *v = &w->ft.f[h.idx];
		if (v == f && h.dir == dir)
			continue;                        /* not from itself */
		seen++;
		int r = holder_rank(v);
		if (r < best_rank || (r == best_rank && v->last_ns < best_ns)) {
			best_rank = r;
			best = to;
			best_ns = v->last_ns;
		}
	}
	/* close the hole the stale entries left: the kept ones move up to
	 * meet the unscanned rest */
	uint32_t dropped = k - kept;
	if (dropped) {
		for (uint32_t i = kept; i-- > 0;)
			w->holders[(w->hold_head + i + dropped) % w->hold_cap] =
				w->holders[(w->hold_head + i) % w->hold_cap];
		if (best != UINT32_MAX)
			best = (best + dropped) % w->hold_cap;
		w->hold_head = (w->hold_head + dropped) % w->hold_cap;
		w->hold_n -= dropped;
	}
	if (best == UINT32_MAX)
		return 0;
	/* the chosen entry leaves; the head takes its place */
	struct wk_holder h = w->holders[best];
	w->holders[best] = w->holders[w->hold_head];
	w->hold_head = (w->hold_head + 1) % w->hold_cap;
	w->hold_n--;
	struct flow *v = &w->ft.f[h.idx];
	w->tcpc[TCPC_hold_reclaimed]++;
	if (best_rank == 3)
		w->tcpc[TCPC_hold_reclaimed_busy]++;
	v->reclaimed = 1;
	struct flow *saved = w->cur;
	uint8_t want_rst = w->want_rst;
	w->cur = v;
	if (w->mode == MODE_INLINE)
		reasm_flush(&v->cold->rd[h.dir], &w->rp, drop_reclaimed, w);
	else
		deliver_after_gaps(w, v, h.dir);
	w->cur = saved;
	w->want_rst = want_rst;
	if (v != f)
		flow_reclass(&w->ft, h.idx);     /* it may have inspected something now */
	return 1;
}

static void flow_end(struct worker *w, int32_t idx, enum flow_end_reason why)
{
	struct flow *f = &w->ft.f[idx];
	struct flow *saved = w->cur;
	w->cur = f;
	if (f->cold) {
		for (int d = 0; d < 2; d++) {
			if (w->mode != MODE_INLINE)
				deliver_after_gaps(w, f, d);
			reasm_flush(&f->cold->rd[d], &w->rp, drop_held, w);
		}
	}
	if (unlikely(urgent_waiting(f))) {
		uint8_t want_rst = w->want_rst;   /* the packet in hand is another flow's */
		judge_urgent(w, f, 1);
		w->want_rst = want_rst;
	}
	if (unlikely(w->nheld))
		held_flush_flow(w, f, 1);
	if (w->cfg->flow_events) {
		struct evt *e = evt_get(w);
		if (e) {
			memset(e, 0, sizeof(*e));
			e->type = EVT_FLOW;
			evt_addrs(f, e);
			e->ts_ns = f->last_ns;
			e->start_ns = f->start_ns;
			e->end_reason = why;
			e->tcp_state = f->state;
			e->alerted = f->alerted;
			e->pkts[0] = f->pkts[0]; e->pkts[1] = f->pkts[1];
			e->bytes[0] = f->bytes[0]; e->bytes[1] = f->bytes[1];
			if (f->cold) {
				e->meta = f->cold->insp.meta;
				for (int d = 0; d < 2; d++) {
					e->inspected[d] = f->cold->rd[d].delivered;
					e->digest[d] = f->cold->digest[d];
				}
				e->has_digest = w->cfg->stream_digest;
			}
			evt_put(w, e);
		}
	}
	static const uint8_t ctr[] = {
		[FLOW_END_TIMEOUT] = FLOWC_ended_timeout, [FLOW_END_CLOSED] = FLOWC_ended_closed,
		[FLOW_END_EVICTED] = FLOWC_ended_timeout, [FLOW_END_SHUTDOWN] = FLOWC_ended_shutdown,
	};
	if (why != FLOW_END_EVICTED)
		w->flowc[ctr[why]]++;
	if (f->cold) {
		reasm_dir_end(&f->cold->rd[0], &w->rp);
		reasm_dir_end(&f->cold->rd[1], &w->rp);
		insp_sess_release(&f->cold->insp, &w->env);
		if (f->cold->gen)
			w->gen_refs[((const struct policy_gen *)f->cold->gen)->id & 63]--;
	}
	flow_cold_put(&w->ft, f);
	flow_remove(&w->ft, idx);
	w->flowc[FLOWC_active] = w->ft.nactive;
	w->cur = saved;
}

static void expire_cb(void *ctx, int32_t idx)
{
	struct worker *w = ctx;
	struct flow *f = &w->ft.f[idx];
	/* offline, what the end raises is dated when the flow ran out, not
	 * when a packet (of whichever flow) next moved the clock */
	uint64_t now = w->now_ns;
	if (w->mode == MODE_OFFLINE) {
		uint64_t due = flow_deadline_ns(&w->ft, f);
		if (due < now)
			w->now_ns = due;
	}
	flow_end(w, idx, f->state == FS_CLOSED ? FLOW_END_CLOSED : FLOW_END_TIMEOUT);
	w->now_ns = now;
}

void worker_shutdown(struct worker *w)
{
	uint32_t dead;
	do {
		frag_expire_all(&w->frag);
		dead = frag_flush_dead(&w->frag);
		w->pktc[PKT_held] -= dead;
		w->fate[FATE_drop_fragment] += dead;
	} while (dead);
	for (uint32_t s = 0; s < WHEEL_SLOTS; s++)
		while (w->ft.wheel[s] != FLOW_NIL) {
			int32_t idx = w->ft.wheel[s];
			struct flow *f = &w->ft.f[idx];
			flow_end(w, idx, f->state == FS_CLOSED ? FLOW_END_CLOSED : FLOW_END_SHUTDOWN);
		}
	for (uint16_t p = 0; p < WK_MAX_PORTS; p++)
		if (w->tx[p].n)
			tx_flush(w, p);
}

/* ---- inspection ----------------------------------------------------------- */

static inline const struct insp_env *env_of(struct worker *w)
{
	return &w->env;
}

/* A flow is read and judged by the generation it started on (a reload
 * swaps what new flows get; old ones finish as they began). */
static inline void use_generation(struct worker *w, const struct flow *f)
{
	const struct policy_gen *g = f->cold && f->cold->gen ? f->cold->gen : w->gen;
	if (!g)
		return;
	w->policy = &g->policy;
	w->env.fwd = &g->fwd;
	w->env.rhttp_allow = g->rhttp_allow;
	w->env.nrhttp_allow = g->nrhttp_allow;
	w->env.ws_origins = &g->ws_origins;
	w->env.h2c_origins = g->h2c_origins;
	w->env.nh2c_origins = g->nh2c_origins;
	w->env.sigs = g->sigs.n ? &g->sigs : NULL;
	w->env.scratch = g->scratch[w->id];
}

/* The bytes about to be read come right after an Upgrade/CONNECT answer:
 * tell the analyzer what their sender had received of the other side
 * (its ACK, counted like the bytes inspected) -- sent before the answer
 * arrived, they are early whatever the capture order. */
static __attribute__((noinline, cold)) void pass_ack(struct flow *f, uint8_t dir)
{
	struct insp_sess *is = &f->cold->insp;
	const struct reasm_dir *prd = &f->cold->rd[!dir];
	if (!prd->started)
		return;
	int64_t a = (int64_t)is->fed[!dir] + (int32_t)(f->half[dir].last_ack - prd->next);
	insp_ack(is, dir, a > 0 ? (uint64_t)a : 0);
}

static void inspect_span(struct worker *w, struct flow *f, uint8_t dir, const uint8_t *p, uint32_t n)
{
	if (!n || unlikely(w->stage < STAGE_FULL))
		return;
	if (unlikely(w->cfg->stream_digest))
		f->cold->digest[dir] = crc32(f->cold->digest[dir], p, n);
	if (unlikely(insp_wants_ack(&f->cold->insp, dir)))
		pass_ack(f, dir);
	/* this sender acknowledges the peer's bytes Seam never saw, or the
	 * peer never showed at all: the capture lacks that direction */
	const struct tcp_half *o = &f->half[!dir];
	if (!(f->cold->insp.unseen & (1u << !dir)) &&
	    unlikely(!o->fwd_next || seq_lt(o->fwd_next, f->half[dir].last_ack)))
		insp_unseen(&f->cold->insp, !dir);
	insp_feed(&f->cold->insp, dir, p, n, env_of(w));
	/* before the caller forwards the segment: an alert stops it */
	if (unlikely(urgent_waiting(f)))
		judge_urgent(w, f, 0);
	if (unlikely(w->nheld))
		held_flush_flow_cold(w, f);
}

/* ---- TCP ------------------------------------------------------------------ */

static uint64_t make_flow_id(const struct flow_key *k, uint64_t now)
{
	uint64_t h = rte_hash_crc(k, sizeof(*k), (uint32_t)now);
	h = (h << 20) ^ (now & 0xfffff) ^ ((uint64_t)rte_hash_crc(k, sizeof(*k), 0x9e3779b9) << 32);
	return h & ((1ull << 51) - 1);
}

/* Ports that name the server when a flow is picked up midstream. */
static int server_port(uint16_t p)
{
	return p == 80 || p == 8080 || p == 8000 || p == 8008 || p == 8888 || p == 3128 ||
	       p == 443 || p == 8443 || p == 81 || p == 591;
}

static int32_t flow_create(struct worker *w, const struct flow_key *k, hash_sig_t sig,
			   const struct pkt *p, int src_is_b, uint16_t in_port)
{
	int32_t idx = flow_insert(&w->ft, k, sig, w->now_ns);
	if (idx < 0) {
		int kind;
		int32_t v = flow_pick_victim(&w->ft, &kind);
		if (v >= 0) {
			static const uint8_t ctr[] = {
				[VICTIM_EMBRYONIC] = FLOWC_evicted_embryonic, [VICTIM_CLOSED] = FLOWC_evicted_closed,
				[VICTIM_SILENT] = FLOWC_evicted_silent, [VICTIM_UNPROVEN] = FLOWC_evicted_unproven,
				[VICTIM_ESTABLISHED] = FLOWC_evicted_established, [VICTIM_BUSY] = FLOWC_evicted_busy,
			};
			w->flowc[ctr[kind]]++;
			flow_end(w, v, FLOW_END_EVICTED);
			idx = flow_insert(&w->ft, k, sig, w->now_ns);
		}
		if (idx < 0) {
			w->flowc[FLOWC_table_full]++;
			return -1;
		}
	}
	struct flow *f = &w->ft.f[idx];
	int sender_init;
	if ((p->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN)
		sender_init = 1;
	else if ((p->tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
		sender_init = 0;
	else {
		/* midstream: the well-known or lower port is the server's */
		if (server_port(p->dport) != server_port(p->sport))
			sender_init = server_port(p->dport);
		else
			sender_init = p->dport < p->sport;
		w->flowc[FLOWC_created_midstream]++;
	}
	f->init_is_b = sender_init ? src_is_b : !src_is_b;
	f->flow_id = make_flow_id(k, w->now_ns);
	f->in_port = in_port;
	f->l2dir = sender_init ? 0 : 1;   /* the direction that arrives on in_port */
	if (w->cur_l2 && p->l3_off <= sizeof(f->l2)) {
		memcpy(f->l2, w->cur_l2, p->l3_off);
		f->l2len = p->l3_off;
	}
	f->state = FS_NEW;
	w->flowc[FLOWC_created]++;
	w->flowc[FLOWC_active] = w->ft.nactive;
	return idx;
}

/* The packet just handled may have moved its flow to another eviction
 * class; only payload, SYN, FIN or RST do, or an answer to a SYN. */
static inline void settle_class(struct worker *w, const struct pkt *p)
{
	int32_t idx = w->cur_idx;
	if (idx < 0)
		return;
	w->cur_idx = -1;
	struct flow *f = &w->ft.f[idx];
	if (f->used && (p->payload_len || (p->tcp_flags & (TH_SYN | TH_FIN | TH_RST)) || f->cls == FC_EMBRYONIC))
		flow_reclass(&w->ft, idx);
}

/* RSTs (or close-after's FINs) to both ends of the flow of the packet in hand. */
static void send_ctl(struct worker *w, struct flow *f, uint8_t dir, uint16_t in_port, int16_t peer,
		     uint8_t flags)
{
	if (w->mode == MODE_MIRROR && w->inject >= 0)
		in_port = peer = w->inject;     /* the tap port reaches both ends */
	else if (w->mode != MODE_INLINE || peer < 0 || !w->cur_m)
		return;
	if (!w->cur_m)
		return;
	const struct pkt *p = w->cur_pkt;
	const uint8_t *l2 = rte_pktmbuf_mtod(w->cur_m, const uint8_t *);
	struct tcp_half *h = &f->half[dir], *o = &f->half[!dir];
	/* towards the receiver of this packet: as if from its sender */
	uint32_t to_rcv_seq = h->fwd_next ? h->fwd_next : p->seq;
	if (w->mode == MODE_MIRROR)
		to_rcv_seq = p->seq + p->payload_len;   /* this segment already reached the receiver */
	uint32_t to_snd_seq = o->fwd_next ? o->fwd_next : p->ack;
	struct rte_mbuf *a = tcp_ctl_build(w->pktpool, l2, p->l3_off, 0, p->ipver, p->src, p->dst,
					   p->sport, p->dport, to_rcv_seq, to_snd_seq, flags);
	struct rte_mbuf *b = tcp_ctl_build(w->pktpool, l2, p->l3_off, 1, p->ipver, p->dst, p->src,
					   p->dport, p->sport, to_snd_seq, to_rcv_seq, flags);
	if (w->mode == MODE_MIRROR) {
		/* from the tap port's own address: spoofing the hosts' MACs would
		 * teach the switch to send their traffic to us */
		static const uint8_t inject_mac[6] = { 0x02, 0x5e, 0xa3, 0x00, 0x00, 0x01 };
		if (a) memcpy(rte_pktmbuf_mtod_offset(a, uint8_t *, 6), inject_mac, 6);
		if (b) memcpy(rte_pktmbuf_mtod_offset(b, uint8_t *, 6), inject_mac, 6);
	}
	unsigned ctr = flags == TCP_FIN_ACK ? TCPC_fin_sent : TCPC_rst_sent;
	if (a) { tx_generated(w, peer, a); w->tcpc[ctr]++; }
	if (b) { tx_generated(w, in_port, b); w->tcpc[ctr]++; }
}

static void send_rsts(struct worker *w, struct flow *f, uint8_t dir, uint16_t in_port, int16_t peer)
{
	send_ctl(w, f, dir, in_port, peer, TCP_RST_ACK);
}

/* After inspection: forward or drop according to the flow's verdict. */
static void finish_seg(struct worker *w, struct flow *f, uint8_t dir, struct rte_mbuf *m,
		       uint32_t seq, uint32_t len, int16_t peer)
{
	if (w->mode == MODE_INLINE && f->vd >= VD_DROP) {
		fate_drop(w, m, FATE_drop_verdict);
		return;
	}
	struct tcp_half *h = &f->half[dir];
	if (seq_lt(h->fwd_next, seq + len) || !h->fwd_next)
		h->fwd_next = seq + len;
	fate_pass(w, m, peer);
}

/* The gap may have closed: release what waited behind it.  Not live (a
 * flow's end, a gap given up): nothing forwarded, no reset sent. */
static void drain_held(struct worker *w, struct flow *f, uint8_t dir, uint16_t in_port, int16_t peer,
		       int live)
{
	struct reasm_dir *rd = &f->cold->rd[dir];
	const uint8_t *d;
	uint32_t l, off;
	enum reasm_result res;
	struct rte_mbuf *h;
	while ((h = reasm_pop(rd, &w->rp, &d, &l, &off, &res))) {
		w->tcpc[TCPC_seg_released_held]++;
		if (res == RA_DELIVER) {
			inspect_span(w, f, dir, d + off, l - off);
			reasm_consumed(rd, &w->rp, d + off, l - off);
			if (w->want_rst && live) {
				send_rsts(w, f, dir, in_port, peer);
				w->want_rst = 0;
			}
		}
		if (other_piece_held(h))
			continue;
		w->pktc[PKT_held]--;
		if (res == RA_DELIVER) {
			finish_seg(w, f, dir, h, rd->next - l, l, peer);   /* its end is now next */
		} else if (res == RA_OLD || res == RA_OLD_ACKED) {
			w->tcpc[res == RA_OLD ? TCPC_seg_old : TCPC_seg_old_acked]++;
			finish_seg(w, f, dir, h, rd->next, 0, peer);
		} else if (res == RA_OLD_UNVERIFIED) {
			w->tcpc[TCPC_seg_old_unverified]++;
			if (w->mode == MODE_INLINE && w->rp.refuse_unverified)
				fate_drop(w, h, FATE_drop_unverifiable);
			else
				fate_pass(w, h, peer);
		} else {
			w->tcpc[TCPC_overlap_conflict]++;
			tcp_finding(w, f, F_TCP_OVERLAP_CONFLICT, dir, rd->delivered);
			if (w->mode == MODE_INLINE)
				fate_drop(w, h, FATE_drop_conflict);
			else
				fate_pass(w, h, peer);
		}
	}
}

static void handle_data(struct worker *w, struct flow *f, uint8_t dir, struct rte_mbuf *m,
			const struct pkt *p, const uint8_t *data, uint32_t seq, uint32_t len,
			uint16_t in_port, int16_t peer)
{
	struct flow_cold *c = f->cold;
	struct reasm_dir *rd = &c->rd[dir];
	uint32_t off;
	int inline_mode = w->mode == MODE_INLINE;

	w->tcpc[TCPC_seg_data]++;
	/* Inline, bytes beyond what the receiver has said it will take are
	 * dropped as the receiver would drop them (RFC 9293 §3.10.7.4); only
	 * judged once both window scales are known and the receiver has
	 * acknowledged something, with a window's slack for ACKs in flight. */
	if (inline_mode) {
		const struct tcp_half *rcv = &f->half[!dir];
		if (rcv->last_ack && f->half[dir].syn && rcv->syn && rcv->wscale != 0xff &&
		    seq_lt(rcv->last_ack + 2 * (rcv->win + 65535u), seq + len)) {
			w->tcpc[TCPC_beyond_window]++;
			fate_drop(w, m, FATE_drop_too_far);
			return;
		}
	}
	if (unlikely(p->tcp_flags & TH_URG) && p->urp) {
		/* judged in inspect_span, by the flow's protocol */
		w->tcpc[TCPC_urgent]++;
		if (!f->half[dir].urg)
			f->half[dir].urg = 1;
	}
	if (unlikely(len == 1) && !rd->held &&
	    tcp_keepalive_probe(seq, len, rd->next, f->half[!dir].last_ack)) {
		/* the peer holds this byte already and discards the probe's copy,
		 * whatever its value: no conflict, and it goes on so that the
		 * peer answers and the connection stays up */
		w->tcpc[TCPC_keepalive_probe]++;
		finish_seg(w, f, dir, m, seq, 0, peer);
		return;
	}
	uint32_t held_before = rd->nheld;
	enum reasm_result r = reasm_offer(rd, &w->rp, &w->rl, seq, data, len, m, &off);
	if (r == RA_CAP_POOL && reclaim_hold(w, f, dir))
		r = reasm_offer(rd, &w->rp, &w->rl, seq, data, len, m, &off);
	if ((r == RA_HELD || r == RA_QUEUED) && !held_before && rd->nheld)
		note_holder(w, f, dir);
	if ((r == RA_CAP_DIR || r == RA_CAP_POOL) && !inline_mode && rd->held) {
		/* offline/mirror: a gap that big will not fill; read on past it */
		tcp_finding(w, f, F_TCP_OOO_CAP, dir, rd->delivered);
		deliver_after_gaps(w, f, dir);
		r = reasm_offer(rd, &w->rp, &w->rl, seq, data, len, m, &off);
	}
	switch (r) {
	case RA_DELIVER: {
		w->tcpc[TCPC_seg_in_order]++;
		uint32_t n = len - off;
		if (n <= w->cfg->tiny_seg_bytes && c->insp.h1.req.state >= H1_SL_METHOD &&
		    c->insp.h1.req.state <= H1_HDR_NOCOLON && dir == c->insp.client_dir) {
			if (++f->half[dir].tiny == w->cfg->tiny_seg_count)
				tcp_finding(w, f, F_TCP_TINY_SEGMENTS, dir, rd->delivered);
		}
		inspect_span(w, f, dir, data + off, n);
		reasm_consumed(rd, &w->rp, data + off, n);
		if (w->want_rst) {
			send_rsts(w, f, dir, in_port, peer);
			w->want_rst = 0;
		}
		finish_seg(w, f, dir, m, seq, len, peer);
		drain_held(w, f, dir, in_port, peer, 1);
		return;
	}
	case RA_QUEUED:
		/* offline/mirror: settled by the receiver's policy, held in pieces */
		w->tcpc[TCPC_overlap_conflict]++;
		tcp_finding(w, f, F_TCP_OVERLAP_CONFLICT, dir, rd->delivered);
		w->tcpc[TCPC_seg_held]++;
		w->pktc[PKT_held]++;
		drain_held(w, f, dir, in_port, peer, 1);
		return;
	case RA_HELD:
		w->tcpc[TCPC_seg_held]++;
		w->pktc[PKT_held]++;
		return;
	case RA_OLD:
	case RA_OLD_ACKED:
		w->tcpc[r == RA_OLD ? TCPC_seg_old : TCPC_seg_old_acked]++;
		finish_seg(w, f, dir, m, seq, 0, peer);
		return;
	case RA_OLD_UNVERIFIED:
		w->tcpc[TCPC_seg_old_unverified]++;
		if (inline_mode && w->rp.refuse_unverified)
			fate_drop(w, m, FATE_drop_unverifiable);
		else
			fate_pass(w, m, peer);
		return;
	case RA_CONFLICT:
		w->tcpc[TCPC_overlap_conflict]++;
		tcp_finding(w, f, F_TCP_OVERLAP_CONFLICT, dir, rd->delivered);
		if (w->want_rst) {
			send_rsts(w, f, dir, in_port, peer);
			w->want_rst = 0;
		}
		if (inline_mode)
			fate_drop(w, m, FATE_drop_conflict);
		else
			fate_pass(w, m, peer);
		return;
	case RA_DUP_HELD:
		if (inline_mode)
			fate_drop(w, m, FATE_drop_dup_held);
		else
			fate_pass(w, m, peer);
		return;
	case RA_CAP_DIR:
	case RA_CAP_POOL:
		tcp_finding(w, f, F_TCP_OOO_CAP, dir, rd->delivered);
		fate_drop(w, m, FATE_drop_ooo_cap);
		return;
	case RA_TOO_FAR:
		fate_drop(w, m, FATE_drop_too_far);
		return;
	}
}

/* An EVE drop record for a packet refused on someone's order. */
static void drop_event(struct worker *w, const struct pkt *p, const char *cause)
{
	struct evt *e = evt_get(w);
	if (!e)
		return;
	memset(e, 0, sizeof(*e));
	e->type = EVT_DROP;
	e->ipver = p->ipver;
	memcpy(e->src, p->src, 16);
	memcpy(e->dst, p->dst, 16);
	e->sport = p->sport;
	e->dport = p->dport;
	e->ts_ns = w->now_ns;
	e->enforced = 1;
	snprintf(e->cause, sizeof(e->cause), "%s", cause);
	evt_put(w, e);
}

/* A tuple's first packet (or a SYN reopening it): refused while its source
 * is blocked, else a new flow.  -1 when the packet was consumed. */
static int32_t start_flow(struct worker *w, struct rte_mbuf *m, const struct pkt *p, const struct flow_key *k,
			  hash_sig_t sig, int src_is_b, uint16_t in_port, int16_t peer)
{
	if (unlikely(w->blocks && w->blocks->n) && (p->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		struct fwd_addr a = { .ipver = p->ipver };
		uint32_t bi;
		memcpy(a.a, p->src, 16);
		if (block_match(w->blocks, &a, w->wall_now_ns, &bi)) {
			drop_event(w, p, w->blocks->cause[bi]);
			fate_drop(w, m, FATE_drop_blocked);
			return -1;
		}
	}
	int32_t idx = flow_create(w, k, sig, p, src_is_b, in_port);
	if (idx < 0) {
		if (w->cfg->flow_fail_open)
			fate_pass(w, m, peer);
		else
			fate_drop(w, m, FATE_drop_flow_cap);
	}
	return idx;
}

/* The next sequence number the receiver expects from direction dir's
 * sender, as far as Seam can tell: what it has read of that direction (a
 * FIN read counts one more), else the ISN + 1.  0 when nothing is known
 * (picked up midstream, nothing sent yet). */
static int rcv_next(const struct flow *f, uint8_t dir, uint32_t *nxt, int *after_fin)
{
	const struct tcp_half *h = &f->half[dir];
	const struct reasm_dir *rd = f->cold ? &f->cold->rd[dir] : NULL;
	if (rd && rd->started)
		*nxt = rd->next;
	else if (h->syn)
		*nxt = h->isn + 1;
	else
		return 0;
	*after_fin = h->fin && *nxt == h->fin_seq;
	*nxt += *after_fin;
	return 1;
}

static void handle_tcp(struct worker *w, struct rte_mbuf *m, struct pkt *p, uint16_t in_port,
		       int16_t peer, int bad_csum)
{
	struct flow_key k;
	int src_is_b = flow_key_make(&k, p->ipver, p->src, p->dst, p->sport, p->dport, 0);
	hash_sig_t sig = rte_hash_hash(w->ft.h, &k);
	int32_t idx = flow_lookup(&w->ft, &k, sig);

	if (idx < 0) {
		/* nothing to track: a stray RST, or inline a corrupt first packet
		 * (offline a capture may show every checksum bad: offload) */
		if ((bad_csum == CSUM_BAD && w->mode == MODE_INLINE) || (p->tcp_flags & TH_RST)) {
			if (bad_csum == CSUM_BAD)
				fate_drop(w, m, FATE_drop_bad_csum);
			else
				fate_pass(w, m, peer);
			return;
		}
		idx = start_flow(w, m, p, &k, sig, src_is_b, in_port, peer);
		if (idx < 0)
			return;
	}
	struct flow *f = &w->ft.f[idx];
	uint8_t dir = src_is_b == f->init_is_b ? 0 : 1;
	if (unlikely(w->stage == STAGE_FLOW)) {
		f->last_ns = w->now_ns;
		f->pkts[dir]++;
		if (p->tcp_flags & (TH_FIN | TH_RST))
			f->state = FS_CLOSED;
		fate_pass(w, m, peer);
		return;
	}

	/* a new SYN on a finished flow's tuple starts a new flow -- also on
	 * one a verdict stopped: after Seam's RST the client may reuse the
	 * port at once, and the new connection is judged on its own */
	if ((p->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN && dir == 0 && f->half[0].syn &&
	    (f->state == FS_CLOSED ||
	     (f->half[0].isn != p->seq && (f->state == FS_CLOSING || f->state == FS_NEW || f->vd >= VD_DROP)))) {
		flow_end(w, idx, FLOW_END_CLOSED);
		w->flowc[FLOWC_restarted]++;
		idx = start_flow(w, m, p, &k, sig, src_is_b, in_port, peer);
		if (idx < 0)
			return;
		f = &w->ft.f[idx];
		dir = 0;
	}

	if (unlikely(w->cur_frag != NULL)) {
		/* reassembled from fragments: say so once, and what was odd */
		struct frag_track *t = w->cur_frag;
		if (!f->frag_seen) {
			f->frag_seen = 1;
			tcp_finding(w, f, F_IP_FRAGMENTED, dir, 0);
		}
		if (!(t->flags & FRAGF_ALERTED)) {
			if (t->flags & FRAGF_OVERLAP) tcp_finding(w, f, F_IP_FRAG_OVERLAP, dir, 0);
			if (t->flags & FRAGF_TINY) tcp_finding(w, f, F_IP_FRAG_TINY, dir, 0);
			if (t->flags & FRAGF_TOO_MANY) tcp_finding(w, f, F_IP_FRAG_TOO_MANY, dir, 0);
			if (t->flags & (FRAGF_OVERLAP | FRAGF_TINY | FRAGF_TOO_MANY))
				t->flags |= FRAGF_ALERTED;
		}
	}
	use_generation(w, f);
	w->cur = f;
	w->cur_idx = idx;
	w->cur_m = m;
	w->cur_pkt = p;
	w->cur_dir = dir;
	f->last_ns = w->now_ns;
	f->pkts[dir]++;
	f->bytes[dir] += rte_pktmbuf_pkt_len(m);

	struct tcp_half *h = &f->half[dir], *o = &f->half[!dir];

	if (bad_csum == CSUM_BAD) {
		/* A capture taken on the sending host shows offloaded checksums
		 * as bad on every packet; a bad one among good ones is an
		 * insertion attempt that the receiver would discard. */
		if (w->mode == MODE_INLINE || h->csum_good) {
			tcp_finding(w, f, F_TCP_BAD_CHECKSUM, dir, 0);
			fate_drop(w, m, FATE_drop_bad_csum);
			return;
		}
		h->csum_offload = 1;
		w->tcpc[TCPC_bad_csum_offload]++;
	} else if (bad_csum == CSUM_GOOD) {
		h->csum_good = 1;
	}

	if (w->mode == MODE_INLINE && f->vd >= VD_DROP) {
		/* a peer still talking did not get (or believe) the RST: repeat it */
		if (f->vd >= VD_RESET && !(p->tcp_flags & TH_RST))
			send_rsts(w, f, dir, in_port, peer);
		fate_drop(w, m, FATE_drop_verdict);
		return;
	}

	if (h->ttl && h->ttl != p->ttl && !(p->tcp_flags & TH_RST)) {
		w->tcpc[TCPC_ttl_change]++;
		tcp_finding(w, f, F_TCP_TTL_CHANGE, dir, 0);
	}
	h->ttl = p->ttl;
	/* inline, an ACK is the peer's only when it comes from the peer's side
	 * (a keepalive probe's byte is let through on the strength of it) */
	if ((p->tcp_flags & TH_ACK) &&
	    (w->mode != MODE_INLINE || (dir == f->l2dir) == (in_port == f->in_port))) {
		h->last_ack = p->ack;
		if (f->cold)    /* the peer's bytes it acknowledged need no keeping */
			reasm_ack(&f->cold->rd[!dir], &w->rp, p->ack);
	}
	/* data into a zero window: a receiver keeps at most a probe byte of it */
	if (p->payload_len > 1 && o->zero_win && !(p->tcp_flags & (TH_SYN | TH_RST))) {
		w->tcpc[TCPC_zero_window_data]++;
		tcp_finding(w, f, F_TCP_ZWP_DATA, dir, 0);
	}
	h->zero_win = p->win == 0 && !(p->tcp_flags & (TH_SYN | TH_RST));

	uint32_t seq = p->seq;
	uint32_t len = p->payload_len;
	const uint8_t *data = rte_pktmbuf_mtod_offset(m, const uint8_t *, p->payload_off);

	if (p->tcp_flags & TH_SYN) {
		if (!h->syn || h->isn != p->seq) {
			h->syn = 1;
			h->isn = p->seq;
			h->wscale = p->wscale;
		}
		if (p->tcp_flags & TH_ACK)
			f->state = f->state < FS_ESTABLISHED ? FS_ESTABLISHED : f->state;
		if (!h->fwd_next)
			h->fwd_next = p->seq + 1;
		seq = p->seq + 1;
		if (len) {
			w->tcpc[TCPC_syn_data]++;
			tcp_finding(w, f, F_TCP_SYN_DATA, dir, 0);
		}
	} else if (f->state == FS_NEW && (h->syn || o->syn || len)) {
		f->state = FS_ESTABLISHED;
	}

	/* a SYN's window is never scaled (RFC 7323 §2.2) */
	if (!(p->tcp_flags & TH_SYN))
		h->win = (uint32_t)p->win << (h->wscale != 0xff && o->wscale != 0xff ? h->wscale : 0);
	else
		h->win = p->win;
	if (p->tcp_flags & TH_RST) {
		/* RFC 5961 §3.2: only a RST at the receiver's next byte ends the
		 * connection; one elsewhere in the window draws a challenge ACK
		 * and the connection (and whatever follows on it) lives on; one
		 * outside is dropped.  Either way the receiver gets it. */
		uint32_t nxt;
		int after_fin;
		enum tcp_rst_fate rf = TCP_RST_RESETS;   /* also once a RST has ended it */
		if (!h->rst && !o->rst) {
			/* picked up midway, before any byte of the sender: the RST
			 * cannot be placed, so it must not switch inspection off
			 * (the receiver, which can place it, decides) */
			rf = rcv_next(f, dir, &nxt, &after_fin) ? tcp_rst_fate(seq, nxt, after_fin, o->win)
								: TCP_RST_CHALLENGED;
		}
		if (rf == TCP_RST_IGNORED) {
			w->tcpc[TCPC_rst_out_of_window]++;
			fate_pass(w, m, peer);
			return;
		}
		if (rf == TCP_RST_CHALLENGED) {
			w->tcpc[TCPC_rst_challenged]++;
			if (!h->rst_challenged) {
				h->rst_challenged = 1;
				tcp_finding(w, f, F_TCP_RST_CHALLENGED, dir, f->cold ? f->cold->rd[dir].delivered : 0);
			}
			fate_pass(w, m, peer);
			return;
		}
		h->rst = 1;
		f->state = FS_CLOSED;
		if (f->cold)
			insp_abort(&f->cold->insp, dir, env_of(w));
		if (len)
			w->tcpc[TCPC_data_after_rst]++;
		fate_pass(w, m, peer);
		return;
	}
	if (h->rst || o->rst) {
		if (len) {
			w->tcpc[TCPC_data_after_rst]++;
			tcp_finding(w, f, F_TCP_DATA_AFTER_RST, dir, 0);
			fate_drop(w, m, FATE_drop_after_close);
		} else {
			fate_pass(w, m, peer);
		}
		return;
	}
	if (len && h->fin && seq_le(h->fin_seq, seq)) {
		w->tcpc[TCPC_data_after_fin]++;
		tcp_finding(w, f, F_TCP_DATA_AFTER_FIN, dir, 0);
		fate_drop(w, m, FATE_drop_after_close);
		return;
	}
	if (p->tcp_flags & TH_FIN && !h->fin) {
		h->fin = 1;
		h->fin_seq = seq + len;
		f->state = o->fin ? FS_CLOSED : FS_CLOSING;
	}

	if (len) {
		struct flow_cold *c = f->cold;
		if (!c) {
			c = flow_cold_get(&w->ft, f, !(h->syn || o->syn));
			if (!c) {
				/* inspection state is full: a closed flow gives its
				 * state up, else one where no HTTP was read, else
				 * an idle one (see enum flow_class) */
				static const uint8_t ctr[] = {
					[VICTIM_CLOSED] = FLOWC_cold_evicted_closed,
					[VICTIM_UNPROVEN] = FLOWC_cold_evicted_unproven,
					[VICTIM_ESTABLISHED] = FLOWC_cold_evicted_established,
					[VICTIM_BUSY] = FLOWC_cold_evicted_busy,
				};
				int kind;
				int32_t v = flow_pick_cold_victim(&w->ft, &kind);
				if (v >= 0 && &w->ft.f[v] != f) {
					w->flowc[ctr[kind]]++;
					flow_end(w, v, FLOW_END_EVICTED);
					c = flow_cold_get(&w->ft, f, !(h->syn || o->syn));
				}
			}
			if (c) {
				c->gen = w->gen;
				if (w->gen)
					w->gen_refs[w->gen->id & 63]++;
				use_generation(w, f);
			}
			if (!c) {
				w->flowc[FLOWC_cold_exhausted]++;
				if (w->cfg->flow_fail_open)
					fate_pass(w, m, peer);
				else
					fate_drop(w, m, FATE_drop_flow_cap);
				return;
			}
		}
		if (!c->rd[0].started && !c->rd[1].started) {
			struct evt tmp;
			evt_addrs(f, &tmp);   /* initiator first */
			insp_sess_addrs(&c->insp, f->key.ipver, tmp.src, tmp.dst);
		}
		if (!c->rd[dir].started) {
			reasm_dir_start(&c->rd[dir], h->syn ? h->isn + 1 : seq);
			/* this direction's bytes are read by the host they go to */
			c->rd[dir].policy = cfg_target_policy(w->cfg, p->ipver, p->dst);
		}
		if (f->close_after == CLOSE_SENT && seq_lt(h->fwd_next, seq + len)) {
			/* close-after: both ends were sent their FIN; whoever still
			 * sends new data (a next request, a pipelined response) is
			 * reset; a retransmission of what went before still passes */
			f->vd = VD_RESET;
			send_rsts(w, f, dir, in_port, peer);
			fate_drop(w, m, FATE_drop_verdict);
			return;
		}
		handle_data(w, f, dir, m, p, data, seq, len, in_port, peer);
		if (f->close_after == CLOSE_DUE) {
			/* the flagged request's response went out with this segment:
			 * FIN both ends at their next sequence numbers */
			f->close_after = CLOSE_SENT;
			send_ctl(w, f, dir, in_port, peer, TCP_FIN_ACK);
		}
		if (h->fin && c->rd[dir].next == h->fin_seq)
			insp_close(&c->insp, dir, env_of(w));
	} else {
		if (w->want_rst)
			w->want_rst = 0;
		if (p->tcp_flags & TH_FIN && f->cold && f->cold->rd[dir].next == h->fin_seq)
			insp_close(&f->cold->insp, dir, env_of(w));
		/* a SYN's sequence number is already counted in seq */
		finish_seg(w, f, dir, m, seq, (p->tcp_flags & TH_FIN) ? 1 : 0, peer);
	}
	w->cur_m = NULL;
}

/* ---- the loop ------------------------------------------------------------- */

static inline uint64_t pkt_time(struct worker *w, struct rte_mbuf *m)
{
	if (w->ts_off >= 0 && (m->ol_flags & w->ts_flag)) {
		uint64_t t = *RTE_MBUF_DYNFIELD(m, w->ts_off, uint64_t *);
		/* net_pcap stores microseconds */
		return w->ts_ns || t >= 100000000000000000ull ? t : t * 1000;
	}
	return 0;
}

/* A finding about packets that never became a datagram: no flow to hang
 * it on, so the event carries the fragments' own addresses and ports. */
static void emit_tuple(struct worker *w, enum finding fd, const struct frag_track *t)
{
	uint8_t act = w->policy->finding_action[fd];
	w->find[fd]++;
	w->vdc[act]++;
	if (act == VD_PASS)
		return;
	struct evt *e = evt_get(w);
	if (!e)
		return;
	memset(e, 0, sizeof(*e));
	e->type = act == VD_LOG ? EVT_ANOMALY : EVT_ALERT;
	e->ipver = t->ipver;
	memcpy(e->src, t->src, 16);
	memcpy(e->dst, t->dst, 16);
	e->sport = t->sport;
	e->dport = t->dport;
	e->pcap_idx = -1;
	e->flow_id = ((uint64_t)t->id << 16 ^ t->sport << 8 ^ t->dport ^ (uint64_t)t->src[3] << 40) &
		     ((1ull << 51) - 1);
	e->ts_ns = w->now_ns;
	e->finding = fd;
	e->action = act;
	evt_put(w, e);
}

static void handle_fragment(struct worker *w, struct rte_mbuf *m, struct pkt *p, const struct wk_rx *rx)
{
	w->tcpc[TCPC_frag_in]++;
	struct frag_track *t = frag_check(&w->frag, rte_pktmbuf_mtod(m, const uint8_t *), p, w->now_ns);
	uint8_t odd = t->flags & (FRAGF_OVERLAP | FRAGF_TINY | FRAGF_TOO_MANY);
	if (odd && t->have_ports && !(t->flags & FRAGF_ALERTED)) {
		/* reassembly refuses such datagrams, so judge the fragments now */
		if (odd & FRAGF_OVERLAP) { w->tcpc[TCPC_frag_overlap]++; emit_tuple(w, F_IP_FRAG_OVERLAP, t); }
		if (odd & FRAGF_TINY) { w->tcpc[TCPC_frag_tiny]++; emit_tuple(w, F_IP_FRAG_TINY, t); }
		if (odd & FRAGF_TOO_MANY) emit_tuple(w, F_IP_FRAG_TOO_MANY, t);
		t->flags |= FRAGF_ALERTED;
	}
	w->pktc[PKT_held]++;
	uint32_t merged = 0;
	struct rte_mbuf *d = frag_reassemble(&w->frag, m, p, w->now_ns, &merged);
	uint32_t dead = frag_flush_dead(&w->frag);
	w->pktc[PKT_held] -= dead;
	w->fate[FATE_drop_fragment] += dead;
	if (!merged)
		return;                          /* kept until the datagram completes */
	w->pktc[PKT_held] -= merged;
	w->fate[FATE_frag_merged] += merged - 1;
	if (!d) {
		w->tcpc[TCPC_frag_too_big]++;
		w->fate[FATE_drop_fragment]++;
		return;
	}
	w->tcpc[TCPC_frag_reassembled]++;
	/* the record stays a moment: a fragment overlapping a datagram that
	 * just completed is the "first copy won" evasion */
	struct pkt q;
	enum decode_ctr r = decode_frame(rte_pktmbuf_mtod(d, const uint8_t *), rte_pktmbuf_data_len(d),
					 w->linktype, w->cfg->checksum_verify, &q);
	if (r == DEC_tcp || r == DEC_tcp_bad_csum) {
		w->cur_frag = t;
		handle_tcp(w, d, &q, rx->port, rx->peer, r == DEC_tcp_bad_csum ? CSUM_BAD : CSUM_GOOD);
		settle_class(w, &q);
		w->cur_frag = NULL;
	} else if (r == DEC_non_tcp) {
		fate_pass(w, d, rx->peer);
	} else {
		fate_drop(w, d, FATE_drop_malformed);
	}
}

static void process_one(struct worker *w, const struct wk_rx *rx, struct rte_mbuf *m);

/* A frame that arrived in several mbufs (a capture of a GSO/GRO
 * super-packet, up to 64 kB): cut its TCP payload back into MSS-sized
 * segments with their own headers, as the wire carried them.  The frame
 * itself ends as "resegmented"; each piece is a packet of its own. */
static void resegment(struct worker *w, const struct wk_rx *rx, struct rte_mbuf *m)
{
	struct pkt p;
	uint32_t first = rte_pktmbuf_data_len(m);
	enum decode_ctr r = decode_frame(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_pkt_len(m),
					 w->linktype, 0, &p);
	if (r != DEC_tcp || p.payload_off > first || p.payload_off > 256) {
		w->dec[r == DEC_tcp ? DEC_tcp_short : r]++;
		fate_drop(w, m, FATE_drop_malformed);
		return;
	}
	uint8_t hdr[256];
	uint16_t hl = p.payload_off, l3 = p.l3_off;
	memcpy(hdr, rte_pktmbuf_mtod(m, const uint8_t *), hl);
	uint32_t total = p.payload_len;
	w->fate[FATE_resegmented]++;
	for (uint32_t off = 0; off < total;) {
		uint32_t k = total - off < 1448 ? total - off : 1448;
		struct rte_mbuf *n = rte_pktmbuf_alloc(w->pktpool);
		uint8_t *d = n ? (uint8_t *)rte_pktmbuf_append(n, hl + k) : NULL;
		if (!d) {
			if (n)
				rte_pktmbuf_free(n);
			w->fate[FATE_drop_malformed]++;   /* counted as one more packet lost */
			w->pktc[PKT_rx]++;
			break;
		}
		memcpy(d, hdr, hl);
		const void *src = rte_pktmbuf_read(m, hl + off, k, d + hl);
		if (src != d + hl)
			memcpy(d + hl, src, k);
		uint8_t *ip = d + l3, *tcp = d + p.l4_off;
		if (p.ipver == 4) {
			uint16_t tot = (uint16_t)(p.l4_off - l3 + (hl - p.l4_off) + k);
			ip[2] = tot >> 8; ip[3] = tot & 0xff;
			ip[10] = ip[11] = 0;
			uint16_t cs = csum_fold(csum_add(0, ip, p.l4_off - l3));
			ip[10] = cs >> 8; ip[11] = cs & 0xff;
		} else {
			uint16_t pl = (uint16_t)(p.l4_off - l3 - 40 + (hl - p.l4_off) + k);
			ip[4] = pl >> 8; ip[5] = pl & 0xff;
		}
		uint32_t seq = p.seq + off;
		tcp[4] = seq >> 24; tcp[5] = seq >> 16; tcp[6] = seq >> 8; tcp[7] = seq;
		if (off + k < total)
			tcp[13] &= (uint8_t)~(TH_FIN | TH_PSH);
		/* the payload is the capture's own; its checksum was the whole
		 * frame's: "not correct in the packet, data intact" */
		n->ol_flags = (m->ol_flags & ~RTE_MBUF_F_RX_L4_CKSUM_MASK) | RTE_MBUF_F_RX_L4_CKSUM_NONE;
		n->port = m->port;
		w->pktc[PKT_rx]++;
		process_one(w, rx, n);
		off += k;
	}
	rte_pktmbuf_free(m);
}

static void process_one(struct worker *w, const struct wk_rx *rx, struct rte_mbuf *m)
{
	struct pkt p;
	int verify = w->cfg->checksum_verify;
	uint64_t l4 = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	int hw_ok = l4 == RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	int unknown = l4 == RTE_MBUF_F_RX_L4_CKSUM_NONE || !verify;
	w->cur_l2 = rte_pktmbuf_mtod(m, const uint8_t *);
	enum decode_ctr r = decode_frame(rte_pktmbuf_mtod(m, const uint8_t *),
					 rte_pktmbuf_data_len(m), w->linktype, verify && !hw_ok && !unknown, &p);
	w->dec[r]++;
	if (p.nvlan)
		w->dec[DEC_vlan]++;
	if (unlikely(w->stage == STAGE_DECODE)) {
		fate_pass(w, m, rx->peer);
		return;
	}
	switch (r) {
	case DEC_tcp:
		handle_tcp(w, m, &p, rx->port, rx->peer, unknown ? CSUM_UNKNOWN : CSUM_GOOD);
		settle_class(w, &p);
		break;
	case DEC_tcp_bad_csum:
		handle_tcp(w, m, &p, rx->port, rx->peer, CSUM_BAD);
		settle_class(w, &p);
		break;
	case DEC_non_tcp:
	case DEC_non_ip:
		fate_pass(w, m, rx->peer);
		break;
	case DEC_fragment:
		handle_fragment(w, m, &p, rx);
		break;
	case DEC_ipv4_bad_csum:
		fate_drop(w, m, FATE_drop_bad_csum);
		break;
	default:
		fate_drop(w, m, FATE_drop_malformed);
		break;
	}
}

/* Offline: the clock entered a new second; flows whose time ran out end
 * now, before the packet in hand. */
static __attribute__((noinline)) void offline_tick(struct worker *w)
{
	flow_wheel_advance(&w->ft, w->now_ns, expire_cb, w);
	w->wheel_due = (w->now_ns / 1000000000ull + 1) * 1000000000ull;
}

void worker_burst(struct worker *w, uint16_t ri, struct rte_mbuf **bufs, uint16_t n)
{
	const struct wk_rx *rx = &w->rx[ri];

	w->pktc[PKT_rx] += n;
	w->pktc[PKT_bursts]++;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = bufs[i];
		if (i + 2 < n)
			rte_prefetch0(rte_pktmbuf_mtod(bufs[i + 2], void *));
		if (unlikely(w->fan) && ri == 0)    /* the capture's port only */
			fanout_apply(w->fan, rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m));
		w->pktc[PKT_rx_bytes] += rte_pktmbuf_pkt_len(m);
		uint64_t t = pkt_time(w, m);
		if (w->mode == MODE_OFFLINE) {
			/* the capture's clock alone (0 stands for "not started"),
			 * and timeouts fire between packets as they fall due, not
			 * at burst ends: the same for any burst or worker count */
			if (t > w->now_ns)
				w->now_ns = t;
			if (!w->now_ns)
				w->now_ns = 1;
			if (unlikely(w->now_ns >= w->wheel_due))
				offline_tick(w);
			if (unlikely(w->nheld))
				held_age(w, w->now_ns);
		} else if (t) {
			if (t > w->now_ns)
				w->now_ns = t;
		} else {
			w->now_ns = w->wall0_ns + (rte_get_tsc_cycles() - w->tsc0) * 1000000000ull / w->tsc_hz;
		}
		if (unlikely(m->nb_segs > 1) && w->mode != MODE_INLINE) {
			resegment(w, rx, m);
			continue;
		}
		process_one(w, rx, m);
	}
	for (uint16_t p2 = 0; p2 < WK_MAX_PORTS; p2++)
		if (w->tx[p2].n)
			tx_flush(w, p2);
}

/* seamctl reset: RST both ends of one flow from the L2 header it keeps. */
static void operator_reset(struct worker *w, const struct wk_cmd *c)
{
	hash_sig_t sig = rte_hash_hash(w->ft.h, &c->key);
	int32_t idx = flow_lookup(&w->ft, &c->key, sig);
	if (idx < 0)
		return;
	struct flow *f = &w->ft.f[idx];
	w->vdc[VDC_operator_resets]++;
	f->vd = VD_RESET;
	struct evt e0;
	evt_addrs(f, &e0);              /* initiator = src */
	if (w->mode == MODE_INLINE && f->l2len) {
		/* the port facing the client, and the one facing the server */
		uint16_t cport = f->in_port, sport = f->in_port;
		for (uint16_t i = 0; i < w->nrx; i++)
			if (w->rx[i].port == f->in_port && w->rx[i].peer >= 0)
				sport = w->rx[i].peer;
		if (f->l2dir)
			{ uint16_t t = cport; cport = sport; sport = t; }
		struct tcp_half *h0 = &f->half[0], *h1 = &f->half[1];
		struct rte_mbuf *a = rst_build(w->pktpool, f->l2, f->l2len, f->l2dir != 0, e0.ipver, e0.src, e0.dst,
					       e0.sport, e0.dport, h0->fwd_next, h1->fwd_next);
		struct rte_mbuf *b = rst_build(w->pktpool, f->l2, f->l2len, f->l2dir == 0, e0.ipver, e0.dst, e0.src,
					       e0.dport, e0.sport, h1->fwd_next, h0->fwd_next);
		if (a) { tx_generated(w, sport, a); w->tcpc[TCPC_rst_sent]++; }
		if (b) { tx_generated(w, cport, b); w->tcpc[TCPC_rst_sent]++; }
	}
	struct evt *e = evt_get(w);
	if (e) {
		memset(e, 0, sizeof(*e));
		e->type = EVT_DROP;
		evt_addrs(f, e);
		e->ts_ns = w->now_ns;
		e->enforced = w->mode == MODE_INLINE;
		snprintf(e->cause, sizeof(e->cause), "seamctl reset (uid %u)", c->uid);
		if (f->cold)
			e->meta = f->cold->insp.meta;
		evt_put(w, e);
	}
}

/* Between bursts: take what the control thread published. */
static inline void control_point(struct worker *w)
{
	const struct policy_gen *g = w->gen_src ? __atomic_load_n(w->gen_src, __ATOMIC_ACQUIRE) : NULL;
	if (g && g != w->gen) {
		w->gen = g;
		w->policy = &g->policy;
		w->env.fwd = &g->fwd;
		w->env.rhttp_allow = g->rhttp_allow;
		w->env.nrhttp_allow = g->nrhttp_allow;
		w->env.ws_origins = &g->ws_origins;
		w->env.h2c_origins = g->h2c_origins;
		w->env.nh2c_origins = g->nh2c_origins;
		w->env.sigs = g->sigs.n ? &g->sigs : NULL;
		w->env.scratch = g->scratch[w->id];
		memset(w->sig_hits, 0, sizeof(w->sig_hits));
		w->vdc[VDC_generation] = g->id;
	}
	if (w->block_src)
		w->blocks = __atomic_load_n(w->block_src, __ATOMIC_ACQUIRE);
	if (w->cmdq && unlikely(rte_ring_count(w->cmdq))) {
		struct wk_cmd c;
		while (rte_ring_dequeue_elem(w->cmdq, &c, sizeof(c)) == 0)
			if (c.type == WKC_RESET)
				operator_reset(w, &c);
		for (uint16_t p = 0; p < WK_MAX_PORTS; p++)
			if (w->tx[p].n)
				tx_flush(w, p);
	}
}

int worker_main(void *arg)
{
	struct worker *w = arg;
	struct rte_mbuf *bufs[256];
	uint16_t burst = w->cfg->burst;
	uint64_t last_tick = 0, reads = 0;
	uint64_t tick = w->tsc_hz / 1000;
	/* naps: only after idle_us without a packet, so a conversation's
	 * gaps (a response is usually tens of µs behind its request) are
	 * polled through; then 10 µs at a time with no timer slack, so the
	 * first packet after a pause waits about that long, not the
	 * kernel's default 50 µs slack on top */
	uint64_t quiet = (uint64_t)w->cfg->idle_us * w->tsc_hz / 1000000, last_busy = rte_get_tsc_cycles();
	if (w->cfg->idle_us)
		prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

	if (w->qsbr) {
		rte_rcu_qsbr_thread_register(w->qsbr, w->id);
		rte_rcu_qsbr_thread_online(w->qsbr, w->id);
	}
	while (!w->stop) {
		uint16_t got = 0;
		control_point(w);
		if (w->qsbr)
			rte_rcu_qsbr_quiescent(w->qsbr, w->id);
		if (w->blocks && w->blocks->n) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME_COARSE, &ts);
			w->wall_now_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
		}
		if (w->src) {
			uint16_t n = offline_rx(w->src, w->pktpool, bufs, burst);
			w->pktc[PKT_rx_no_buffer] = w->src->no_buffer;
			if (n) {
				got += n;
				if (!w->feed) {
					worker_burst(w, 0, bufs, n);
				} else {
					/* the reader: its own share at once, the rest
					 * to the other workers; their events written
					 * as it goes */
					offline_spread_burst(w->feed, bufs, n);
					if ((++reads & 7) == 0)
						w->drain(w->drain_ctx);
				}
			} else if (w->src->eof) {
				if (w->feed)
					offline_spread_finish(w->feed, w->src->clock_ns);
				/* end as the capture does, at its last time */
				if (w->src->clock_ns > w->now_ns)
					w->now_ns = w->src->clock_ns;
				break;
			}
		} else if (w->feed) {
			/* the reader's share for this worker; its own buffers
			 * (segments, fragments) from its own pool */
			offline_pool_refill(w->pktpool);
			int fed = __atomic_load_n(&w->feed->done, __ATOMIC_ACQUIRE);
			uint16_t n = (uint16_t)rte_ring_sc_dequeue_burst(w->feed->q[w->id], (void **)bufs, burst, NULL);
			if (n) {
				got += n;
				worker_burst(w, 0, bufs, n);
			} else if (fed) {
				/* end as a single worker would: at the capture's last time */
				if (w->feed->clock_ns > w->now_ns)
					w->now_ns = w->feed->clock_ns;
				break;
			}
		}
		for (uint16_t i = 0; i < w->nrx; i++) {
			uint16_t n = rte_eth_rx_burst(w->rx[i].port, w->rx[i].queue, bufs, burst);
			if (!n)
				continue;
			got += n;
			if (unlikely(w->stage == STAGE_IO)) {
				/* the I/O floor: straight from RX to TX */
				for (uint16_t k = 0; k < n; k++)
					w->pktc[PKT_rx_bytes] += rte_pktmbuf_pkt_len(bufs[k]);
				w->pktc[PKT_rx] += n;
				uint16_t sent = rte_eth_tx_burst(w->rx[i].peer, w->txq, bufs, n);
				w->fate[FATE_forwarded] += sent;
				if (sent < n) {
					w->fate[FATE_drop_tx_full] += n - sent;
					rte_pktmbuf_free_bulk(bufs + sent, n - sent);
				}
				continue;
			}
			worker_burst(w, i, bufs, n);
		}
		uint64_t now = rte_get_tsc_cycles();
		if (now - last_tick > tick && w->mode != MODE_OFFLINE) {
			last_tick = now;
			flow_wheel_advance(&w->ft, w->now_ns, expire_cb, w);
			if (unlikely(w->nheld))
				held_age(w, w->mode == MODE_OFFLINE ? w->now_ns
					 : w->wall0_ns + (now - w->tsc0) * 1000000000ull / w->tsc_hz);
		}
		if (got) {
			last_busy = now;
			continue;
		}
		if (w->single && w->drain)
			w->drain(w->drain_ctx);
		/* idle: give the core back briefly (not on the packet path) */
		if (quiet && now - last_busy > quiet) {
			struct timespec ts = { 0, 10000 };
			nanosleep(&ts, NULL);
		}
	}
	worker_shutdown(w);
	if (w->qsbr) {
		rte_rcu_qsbr_thread_offline(w->qsbr, w->id);
		rte_rcu_qsbr_thread_unregister(w->qsbr, w->id);
	}
	w->done = 1;
	return 0;
}

/* The inspection pools' callbacks (insp_env): an empty pool gives NULL,
 * which the analyzer turns into its counted finding (h2c.no_state,
 * h1.early_data_unread, ws.no_state, h1.no_state). */
#define POOL_CALLBACKS(name, pool) \
	static void *name##_get(void *user) \
	{ \
		void *p; \
		return lazypool_get(((struct worker *)user)->pool, &p) < 0 ? NULL : p; \
	} \
	static void name##_put(void *user, void *p) \
	{ \
		rte_mempool_put(((struct worker *)user)->pool, p); \
	}
POOL_CALLBACKS(h2, h2pool)        /* HTTP/2 connection state */
POOL_CALLBACKS(early, earlypool)  /* bytes a client sent ahead of an Upgrade/CONNECT answer */
POOL_CALLBACKS(ws, wspool)        /* WebSocket frame state once a 101 accepts */
POOL_CALLBACKS(block, blockpool)  /* HTTP/1 start lines and header blocks a segment cut */
#undef POOL_CALLBACKS

int worker_init(struct worker *w, uint32_t id, const struct seam_cfg *cfg, int socket,
		struct rte_mempool *pktpool, const struct sig_set *sigs, char *err, size_t errlen)
{
	char name[32];
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->cfg = cfg;
	w->policy = &cfg->policy;
	w->mode = cfg->mode;
	w->inject = -1;
	w->cur_idx = -1;
	w->stage = STAGE_FULL;
	w->env.lim = &cfg->lim;
	w->env.emit = on_hit;
	w->env.user = w;
	w->env.h2_get = h2_get;
	w->env.on_tx = on_tx;             /* HTTP events, and close-after's trigger */
	w->env.fwd = &cfg->fwd;
	w->env.rhttp_allow = cfg->rhttp_allow;
	w->env.nrhttp_allow = cfg->nrhttp_allow;
	w->env.ws_origins = &cfg->ws_origins;
	w->env.h2c_origins = cfg->h2c_origins;
	w->env.nh2c_origins = cfg->nh2c_origins;
	w->env.early_get = early_get;
	w->env.early_put = early_put;
	w->env.block_get = block_get;
	w->env.ws_get = ws_get;
	w->env.ws_put = ws_put;
	w->env.block_put = block_put;
	w->env.now_ns = &w->now_ns;
	w->env.h2_put = h2_put;
	/* hugepage memory when EAL has it: a capture slot a message */
	w->hlmem = rte_zmalloc_socket("hdrlog", hdrlog_mem_size(&cfg->eve_http), 64, socket);
	if (!w->hlmem) {
		snprintf(err, errlen, "eve.http: %zu bytes of header captures for worker %u: out of memory",
			 hdrlog_mem_size(&cfg->eve_http), id);
		return -1;
	}
	if (hdrlog_init_in(&w->hl, &cfg->eve_http, w->hlmem, err, errlen) < 0)
		return -1;
	w->env.hdrlog = &w->hl;
	if (sigs && sigs->n) {
		w->env.sigs = sigs;
		w->env.scratch = sig_scratch(sigs);
		if (!w->env.scratch) {
			snprintf(err, errlen, "Hyperscan scratch for worker %u: out of memory", id);
			return -1;
		}
	}
	w->pktpool = pktpool;
	w->ts_off = -1;
	w->tsc_hz = rte_get_tsc_hz();
	w->tsc0 = rte_get_tsc_cycles();
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	w->wall0_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	snprintf(name, sizeof(name), "w%u", id);
	uint32_t ncold = cfg->max_inspected < cfg->max_flows ? cfg->max_inspected : cfg->max_flows;
	if (flow_table_init(&w->ft, name, cfg->max_flows, ncold, socket, err, errlen) < 0)
		return -1;
	if (cfg->retain_bytes && cfg->verify_mb) {
		/* not zeroed: blocks are handed out front to back, so a run
		 * touches only what its unacknowledged bytes need */
		uint32_t nb = (uint32_t)(((uint64_t)cfg->verify_mb << 20) / REASM_VBLOCK);
		uint8_t *mem = rte_malloc_socket("verify", (size_t)nb * REASM_VBLOCK, 64, socket);
		uint32_t *link = rte_malloc_socket("verify_link", (size_t)nb * sizeof(uint32_t), 64, socket);
		if (!mem || !link) {
			snprintf(err, errlen, "verification store of %u MB: out of memory (raise memory_mb "
				 "or lower reasm.verify_mb)", cfg->verify_mb);
			return -1;
		}
		reasm_verify_init(&w->vs, mem, link, nb, cfg->retain_bytes);
		w->rp.verify = &w->vs;
		w->vs_bytes = (size_t)nb * (REASM_VBLOCK + sizeof(uint32_t));
	}
	w->ft.timeout[FS_NEW] = cfg->embryonic_timeout;
	w->ft.timeout[FS_ESTABLISHED] = cfg->established_timeout;
	w->ft.timeout[FS_CLOSING] = cfg->established_timeout;
	w->ft.timeout[FS_CLOSED] = cfg->closed_timeout;
	w->hold_cap = 2 * cfg->held_max_segs;
	w->holders = calloc(w->hold_cap, sizeof(*w->holders));
	if (!w->holders || reasm_pool_init(&w->rp, cfg->held_max_segs) < 0) {
		snprintf(err, errlen, "hold pool of %u segments: out of memory", cfg->held_max_segs);
		return -1;
	}
	w->rl.max_segs = cfg->ooo_max_segs;
	w->rl.max_bytes = cfg->ooo_max_bytes;
	w->rl.max_ahead = 1u << 30;
	/* inline forwards the repeated bytes too, so they must be proven equal;
	 * offline and mirror only read the new ones */
	w->rl.strict = cfg->mode == MODE_INLINE;
	w->rp.refuse_unverified = cfg->mode == MODE_INLINE && !cfg->verify_fail_open;
	w->rp.ref = mbuf_ref;
	snprintf(name, sizeof(name), "w%u", id);
	if (frag_init(&w->frag, name, 4096, 30, socket, err, errlen) < 0)
		return -1;
	/* offline, pools fill as used (a small capture touches little) */
	int lazy = cfg->mode == MODE_OFFLINE;
	/* the inspection pools: one consumer, fixed-size objects */
	const struct {
		struct rte_mempool **mp;
		const char *tag, *what, *key;
		uint32_t n, size;
	} pools[] = {
		{ &w->h2pool, "h2p", "HTTP/2 state for %u connections", "max_h2", cfg->max_h2,
		  sizeof(struct h2_conn) },
		{ &w->earlypool, "early", "early-bytes buffers for %u flows", "max_early", cfg->max_early,
		  H1_EARLY_MAX },
		{ &w->blockpool, "hblk", "header blocks for %u flows", "max_header_blocks",
		  cfg->max_header_blocks, sizeof(struct h1_block) },
		{ &w->wspool, "ws", "WebSocket state for %u connections", "max_ws", cfg->max_ws,
		  sizeof(struct ws_conn) },
	};
	for (unsigned k = 0; k < sizeof(pools) / sizeof(pools[0]); k++) {
		snprintf(name, sizeof(name), "%s%u", pools[k].tag, id);
		struct rte_mempool *mp = lazypool_create(name, pools[k].n, 0, pools[k].size, 0, socket,
			RTE_MEMPOOL_F_SP_PUT | RTE_MEMPOOL_F_SC_GET | RTE_MEMPOOL_F_NO_IOVA_CONTIG,
			lazy, NULL, NULL, NULL);
		if (!mp) {
			int o = snprintf(err, errlen, pools[k].what, pools[k].n);
			if (o >= 0 && (size_t)o < errlen)
				snprintf(err + o, errlen - o, ": out of memory (lower flow.%s)", pools[k].key);
			return -1;
		}
		*pools[k].mp = mp;
		w->pool_bytes += (size_t)mp->size * (mp->header_size + mp->elt_size + mp->trailer_size);
	}
	snprintf(name, sizeof(name), "evq%u", id);
	w->evq = rte_ring_create(name, 4096, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "evp%u", id);
	w->evpool = lazypool_create(name, 4095, 0, sizeof(struct evt), 0, socket, 0, lazy, NULL, NULL, NULL);
	if (!w->evq || !w->evpool) {
		snprintf(err, errlen, "event ring for worker %u: out of memory", id);
		return -1;
	}
	/* events carrying header fields in flight at once; more wait (offline)
	 * or go without them (live, counted) */
	snprintf(name, sizeof(name), "hlp%u", id);
	w->hlpool = lazypool_create(name, 511, 0, hdrlog_export_size(&w->hl), 0, socket,
				    RTE_MEMPOOL_F_NO_IOVA_CONTIG, lazy, NULL, NULL, NULL);
	if (!w->hlpool) {
		snprintf(err, errlen, "EVE header buffers for worker %u: out of memory (lower eve.http bounds)", id);
		return -1;
	}
	return 0;
}

void worker_free(struct worker *w)
{
	/* heap memory only: DPDK clears every byte it frees, which was most
	 * of a small capture's run time, and its memory goes with the process */
	free(w->holders);
	w->holders = NULL;
}
