/* conv.c — conversation to packets (see conv.h). */
#include <stdlib.h>
#include <string.h>
#include "conv.h"

const char *const conv_variant_names[CV__COUNT] = {
	"whole", "bytes", "split", "ooo", "dup", "overlap_diff", "frag", "frag_ooo", "frag_overlap", "super", "rst_inject",
	"rst_challenge",
};

static void wr16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static void wr32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

static uint32_t sum16(uint32_t s, const uint8_t *p, uint32_t n)
{
	while (n > 1) { s += (uint32_t)(p[0] << 8 | p[1]); p += 2; n -= 2; }
	if (n) s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16) s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static unsigned rnd(struct conv *c)
{
	c->seed = c->seed * 1103515245u + 12345u;
	return (c->seed >> 16) & 0x7fff;
}

void conv_init(struct conv *c, const struct conv_ep *cli, const struct conv_ep *srv, uint64_t ts_us,
	       unsigned seed, conv_out_fn out, void *ctx)
{
	c->cli = *cli;
	c->srv = *srv;
	c->ts_us = ts_us;
	c->seed = seed;
	c->mss = 1448;
	c->out = out;
	c->ctx = ctx;
	c->cseq = 0x10000000u + rnd(c) * 7919u;
	c->sseq = 0x80000000u + rnd(c) * 104729u;
	c->ipid = rnd(c) * 3u;
	c->frag = 0;
	c->offload = 0;
	c->lag[0] = c->lag[1] = 0;
}

/* Cut the IP payload of frame f (L4 bytes at 14+iplen, tl long) into
 * fragments of 16 bytes (the first one 24, so it holds the TCP header). */
static void emit_fragments(struct conv *c, const uint8_t *f, uint32_t iplen, uint32_t tl)
{
	static uint8_t g[2048];
	int v6 = iplen == 40;
	const uint8_t *l4 = f + 14 + iplen;
	/* one counter per host pair, as stacks keep it: ids never collide
	 * between this run's datagrams */
	static uint32_t next_id = 0x1000;
	uint32_t id = next_id++;
	(void)c->ipid;
	struct { uint32_t off, len; } fr[256];
	uint32_t n = 0;
	for (uint32_t off = 0; off < tl && n < 256;) {
		uint32_t l = off == 0 ? 24 : 16;
		if (l > tl - off) l = tl - off;
		fr[n].off = off; fr[n].len = l; n++;
		off += l;
	}
	/* rte_ip_frag reassembles up to 8 fragments: keep to that */
	if (n > 8) {
		uint32_t per = ((tl + 7) / 8 + 7) & ~7u;
		n = 0;
		for (uint32_t off = 0; off < tl; off += per) {
			fr[n].off = off;
			fr[n].len = tl - off < per ? tl - off : per;
			n++;
		}
	}
	int ovl = c->frag == CV_FRAG_OVERLAP && n > 1;
	for (uint32_t k = 0; k < n + (ovl ? 1 : 0); k++) {
		uint32_t i = c->frag == CV_FRAG_OOO ? n - 1 - k : k;
		/* the overlapping one goes just before the last, while the
		 * datagram is still incomplete */
		int extra = ovl && k == n - 1;
		if (ovl && k == n)
			i = n - 1;
		uint32_t off = extra ? fr[n - 1].off : fr[i].off;
		uint32_t len = extra ? fr[n - 1].len : fr[i].len;
		int mf = extra ? (off + len < tl) : (i + 1 < n);
		uint32_t hl = 14 + iplen + (v6 ? 8 : 0);
		memcpy(g, f, 14 + iplen);
		uint8_t *ip = g + 14;
		if (!v6) {
			wr16(ip + 2, iplen + len);
			wr16(ip + 4, (uint16_t)id);
			wr16(ip + 6, (mf ? 0x2000 : 0) | (off / 8));
			ip[10] = ip[11] = 0;
			wr16(ip + 10, fold(sum16(0, ip, 20)));
		} else {
			wr16(ip + 4, 8 + len);
			ip[6] = 44;
			uint8_t *fh = ip + 40;
			fh[0] = 6; fh[1] = 0;
			wr16(fh + 2, (uint16_t)(off | (mf ? 1 : 0)));
			wr32(fh + 4, id);
		}
		memcpy(g + hl, l4 + off, len);
		if (extra)
			for (uint32_t b = 0; b < len; b++)
				g[hl + b] ^= 0x20;         /* other bytes over the same range */
		c->out(c->ctx, g, hl + len, c->ts_us);
		c->ts_us += 1;
	}
}

void conv_packet(struct conv *c, int from_srv, uint8_t flags, uint32_t seq, const uint8_t *data,
		 uint32_t len)
{
	const struct conv_ep *s = from_srv ? &c->srv : &c->cli, *d = from_srv ? &c->cli : &c->srv;
	uint8_t *f = c->frame;
	int v6 = s->ipver == 6;
	uint32_t iplen = v6 ? 40 : 20, tl = 20 + len;
	memcpy(f, d->mac, 6);
	memcpy(f + 6, s->mac, 6);
	wr16(f + 12, v6 ? 0x86dd : 0x0800);
	uint8_t *ip = f + 14;
	memset(ip, 0, iplen);
	if (!v6) {
		ip[0] = 0x45;
		wr16(ip + 2, iplen + tl);
		wr16(ip + 4, (uint16_t)rnd(c));
		ip[6] = 0x40;
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, s->addr, 4);
		memcpy(ip + 16, d->addr, 4);
		wr16(ip + 10, fold(sum16(0, ip, 20)));
	} else {
		ip[0] = 0x60;
		wr16(ip + 4, tl);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, s->addr, 16);
		memcpy(ip + 24, d->addr, 16);
	}
	uint8_t *t = ip + iplen;
	memset(t, 0, 20);
	wr16(t, s->port);
	wr16(t + 2, d->port);
	wr32(t + 4, seq);
	wr32(t + 8, (flags & 0x10) ? (from_srv ? c->cseq - c->lag[1] : c->sseq - c->lag[0]) : 0);
	t[12] = 5 << 4;
	t[13] = flags;
	wr16(t + 14, 65535);
	memcpy(t + 20, data, len);
	uint32_t alen = v6 ? 16 : 4;
	uint32_t ps = sum16(0, s->addr, alen);
	ps = sum16(ps, d->addr, alen);
	ps += 6 + tl;
	wr16(t + 16, c->offload ? 0xdead : fold(sum16(ps, t, tl)));
	if (c->frag && len)
		emit_fragments(c, f, iplen, tl);
	else
		c->out(c->ctx, f, 14 + iplen + tl, c->ts_us);
	c->ts_us += 10;
}

void conv_handshake(struct conv *c)
{
	conv_packet(c, 0, 0x02, c->cseq, NULL, 0);
	c->cseq++;
	conv_packet(c, 1, 0x12, c->sseq, NULL, 0);
	c->sseq++;
	conv_packet(c, 0, 0x10, c->cseq, NULL, 0);
}

struct piece { uint32_t off, len; };

static void send_chunk(struct conv *c, int from_srv, const uint8_t *data, uint32_t len,
		       enum conv_variant v, int peer_acks);

void conv_send(struct conv *c, int from_srv, const uint8_t *data, uint32_t len, enum conv_variant v)
{
	send_chunk(c, from_srv, data, len, v, 1);
}

/* peer_acks = 0: the peer sends before this chunk reaches it (a crossed
 * chunk follows), so no ACK for it yet */
static void send_chunk(struct conv *c, int from_srv, const uint8_t *data, uint32_t len,
		       enum conv_variant v, int peer_acks)
{
	uint32_t *seq = from_srv ? &c->sseq : &c->cseq;
	uint32_t base = *seq;
	uint32_t max = len + 8;
	struct piece *pc = malloc(sizeof(*pc) * (max + 1));
	uint32_t n = 0, off = 0;

	while (off < len) {
		uint32_t l = c->mss;
		switch (v) {
		case CV_BYTES: l = 1; break;
		case CV_SPLIT: l = 1 + rnd(c) % (len / 3 + 1); break;
		case CV_OOO: case CV_DUP: l = 1 + rnd(c) % 48; break;
		default: break;
		}
		if (l > c->mss) l = c->mss;
		if (l > len - off) l = len - off;
		pc[n++] = (struct piece){ off, l };
		off += l;
	}
	if (v == CV_OOO && n > 1) {
		/* shuffle within windows of 64 pieces (reordering on a path is
		 * local); never leave a window in its original order */
		for (uint32_t w0 = 0; w0 < n; w0 += 64) {
			uint32_t wn = n - w0 < 64 ? n - w0 : 64;
			struct piece *q = pc + w0;
			for (uint32_t i = wn - 1; i > 0; i--) {
				uint32_t j = rnd(c) % (i + 1);
				struct piece t = q[i]; q[i] = q[j]; q[j] = t;
			}
			if (wn > 1 && q[0].off == pc[w0].off && q[0].off < q[wn - 1].off) {
				struct piece t = q[0]; q[0] = q[wn - 1]; q[wn - 1] = t;
			}
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		conv_packet(c, from_srv, 0x18, base + pc[i].off, data + pc[i].off, pc[i].len);
		if (v == CV_DUP) {
			conv_packet(c, from_srv, 0x18, base + pc[i].off, data + pc[i].off, pc[i].len);
			if (i > 0) {   /* an overlapping repeat of the previous and this piece */
				uint32_t o = pc[i - 1].off, l = pc[i].off + pc[i].len - o;
				conv_packet(c, from_srv, 0x18, base + o, data + o, l);
			}
		}
	}
	if (v == CV_OVERLAP_DIFF && len > 0) {
		/* the original went through; now the same range with other bytes */
		uint8_t *alt = malloc(len);
		memcpy(alt, data, len);
		for (uint32_t i = 0; i < len; i++)
			alt[i] = alt[i] == 'X' ? 'Y' : 'X';
		uint32_t o = len > 4 ? len / 2 : 0;
		conv_packet(c, from_srv, 0x18, base + o, alt + o, len - o);
		free(alt);
	}
	free(pc);
	*seq = base + len;
	/* the peer acknowledges */
	if (peer_acks)
		conv_packet(c, !from_srv, 0x10, from_srv ? c->cseq : c->sseq, NULL, 0);
}

void conv_close(struct conv *c, int rst)
{
	if (rst) {
		conv_packet(c, 0, 0x14, c->cseq, NULL, 0);
		return;
	}
	conv_packet(c, 0, 0x11, c->cseq, NULL, 0);
	c->cseq++;
	conv_packet(c, 1, 0x11, c->sseq, NULL, 0);
	c->sseq++;
	conv_packet(c, 0, 0x10, c->cseq, NULL, 0);
}

void conv_close_server(struct conv *c)
{
	conv_packet(c, 1, 0x11, c->sseq, NULL, 0);
	c->sseq++;
	conv_packet(c, 0, 0x11, c->cseq, NULL, 0);
	c->cseq++;
	conv_packet(c, 1, 0x10, c->sseq, NULL, 0);
}

/* A RST from one side inside the other's window, past its next byte: the
 * receiver answers it with an ACK for what it expects (a challenge, RFC
 * 5961 §3.2) and the connection carries on. */
static void rst_in_window(struct conv *c, int from_srv)
{
	uint32_t nxt = from_srv ? c->sseq : c->cseq;
	conv_packet(c, from_srv, 0x14, nxt + 1 + rnd(c) % 30000, NULL, 0);
	conv_packet(c, !from_srv, 0x10, from_srv ? c->cseq : c->sseq, NULL, 0);
}

void conv_play(struct conv *c, const struct corpus_case *k, enum conv_variant v)
{
	if (v == CV_SUPER) {
		c->offload = 1;
		c->mss = 65000;
		v = CV_WHOLE;
	} else if (v >= CV_FRAG && v <= CV_FRAG_OVERLAP) {
		c->frag = v;
		c->mss = 1200;
		v = CV_WHOLE;
	}
	int inject = v == CV_RST_INJECT, challenge = v == CV_RST_CHALLENGE;
	if (inject || challenge)
		v = CV_WHOLE;
	/* midstream: the capture begins with the first data; an injected RST
	 * first would open the flow as already reset */
	if (!k->midstream)
		conv_handshake(c);
	if (inject && !k->midstream)
		conv_packet(c, 0, 0x04, c->cseq + 50000000u, NULL, 0);
	for (int i = 0; i < k->nchunks; i++) {
		const struct corpus_chunk *ch = &k->chunk[i];
		if (challenge && !(k->midstream && i == 0))   /* the capture begins with data */
			rst_in_window(c, ch->dir);
		int crossed_next = i + 1 < k->nchunks && k->chunk[i + 1].crossed;
		send_chunk(c, ch->dir, ch->data, ch->len, v, !crossed_next);
		if (crossed_next)
			c->lag[!ch->dir] = ch->len;     /* still on its way to the peer */
		if (ch->crossed) {
			/* now the chunk before it arrives, and is acknowledged */
			c->lag[ch->dir] = 0;
			conv_packet(c, ch->dir, 0x10, ch->dir ? c->sseq : c->cseq, NULL, 0);
		}
	}
	if (k->close == CORPUS_CLOSE_SERVER)
		conv_close_server(c);
	else
		conv_close(c, k->close == CORPUS_CLOSE_RESET);
}
