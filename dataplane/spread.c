/* spread.c — which worker owns a packet when one capture feeds several. */
#include <string.h>
#include "spread.h"

/* Where a frame's flow is: its IP ends, ports when it has them, and for a
 * fragment its datagram.  Reads only the first LEN bytes. */
struct place {
	uint8_t ipver, proto, frag, first, has_ports;
	uint16_t sport, dport;
	uint32_t id;
	const uint8_t *src, *dst;
};

const char *const spread_ctr_names[SPREAD__COUNT] = {
#define X(n, t) #n,
	SPREAD_CTRS(X)
#undef X
};

static int carries_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;   /* TCP, UDP, SCTP */
}

static void locate(const uint8_t *f, uint32_t len, enum linktype lt, struct pkt *p, struct place *w)
{
	memset(w, 0, sizeof(*w));
	p->ipver = 0;
	/* decode names the addresses before any length check can fail, so
	 * a frame cut short (a super-packet's first buffer) is placed too */
	decode_frame(f, len, lt, 0, p);
	if (!p->ipver)
		return;
	w->ipver = p->ipver;
	w->src = p->src;
	w->dst = p->dst;
	uint32_t l4;
	if (p->ipver == 4) {
		const uint8_t *ip = f + p->l3_off;
		uint32_t fo = rd16(ip + 6);
		w->proto = ip[9];
		w->frag = (fo & 0x3fff) != 0;
		w->first = (fo & 0x1fff) == 0;
		w->id = rd16(ip + 4);
		l4 = p->l3_off + (ip[0] & 15) * 4u;
	} else {
		uint32_t x = p->l3_off + 40;
		uint8_t nh = f[p->l3_off + 6];
		for (int hops = 0; ipv6_ext(nh); hops++) {
			if (hops == 8 || len < x + 8)
				return;
			uint32_t elen = nh == 51 ? (f[x + 1] + 2) * 4u : (f[x + 1] + 1) * 8u;
			nh = f[x];
			x += elen;
		}
		if (nh == 44) {
			if (len < x + 8)
				return;
			w->frag = 1;
			w->first = (rd16(f + x + 2) >> 3) == 0;
			w->id = rd32(f + x + 4);
			nh = f[x];
			x += 8;
		}
		w->proto = nh;
		l4 = x;
	}
	if (carries_ports(w->proto) && (!w->frag || w->first) && l4 + 4 <= len) {
		w->sport = rd16(f + l4);
		w->dport = rd16(f + l4 + 2);
		w->has_ports = 1;
	}
}

static uint64_t end_mix(const uint8_t a[16], uint16_t port)
{
	uint64_t lo, hi;
	memcpy(&lo, a, 8);
	memcpy(&hi, a + 8, 8);
	uint64_t h = (lo ^ (hi * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)port << 40)) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 29);
}

/* A sum, so the flow hashes the same either way round; worker 0 owns
 * the first CUT of the 2^32 hash values, the others share the rest. */
static uint32_t owner_cut(const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport,
			  uint32_t n, uint64_t cut)
{
	uint64_t h = ((end_mix(src, sport) + end_mix(dst, dport)) * 0xc4ceb9fe1a85ec53ull) >> 32;
	if (h < cut)
		return 0;
	return 1 + (uint32_t)(((h - cut) * (n - 1)) / ((1ull << 32) - cut));
}

#define owner_of(s, src, sport, dst, dport) owner_cut(src, sport, dst, dport, (s)->n, (s)->cut)

uint32_t spread_pick(const uint8_t *frame, uint32_t len, enum linktype lt, uint32_t nworkers)
{
	if (nworkers < 2)
		return 0;
	struct pkt p;
	struct place w;
	locate(frame, len, lt, &p, &w);
	if (!w.ipver)
		return 0;
	uint64_t even = (1ull << 32) / nworkers;
	if (w.frag)
		return owner_cut(w.src, 0, w.dst, 0, nworkers, even);
	return owner_cut(w.src, w.sport, w.dst, w.dport, nworkers, even);
}

void spread_init(struct spread *s, uint32_t nworkers, enum linktype lt, uint32_t share0)
{
	memset(s, 0, sizeof(*s));
	s->n = nworkers ? nworkers : 1;
	s->lt = lt;
	if (!share0 || share0 > 100)
		share0 = 100 / s->n;
	s->cut = s->n < 2 ? 1ull << 32 : (1ull << 32) * share0 / 100;
	s->sweep_ns = UINT64_MAX;
}

static void put(struct spread *s, void *pkt, uint32_t worker)
{
	s->out[s->nout].pkt = pkt;
	s->out[s->nout].worker = worker;
	s->nout++;
}

/* A datagram's held fragments go to OWNER, in the order they came. */
static void release(struct spread *s, struct spread_dgram *d, uint32_t owner)
{
	for (uint32_t i = 0; i < d->nheld; i++)
		put(s, d->held[i], owner);
	s->nheld -= d->nheld;
	d->nheld = 0;
}

/* Held fragments whose first never came go by their address pair. */
static void give_up(struct spread *s, struct spread_dgram *d)
{
	s->ctr[SPREAD_frag_unpaired] += d->nheld;
	release(s, d, owner_of(s, d->src, 0, d->dst, 0));
	d->owner = -1;
	d->used = 0;
}

static void sweep(struct spread *s, uint64_t now_ns)
{
	s->sweep_ns = UINT64_MAX;
	for (uint32_t i = 0; i < SPREAD_DGRAMS; i++) {
		struct spread_dgram *d = &s->d[i];
		if (!d->used || !d->nheld)
			continue;
		if (now_ns - d->last_ns > SPREAD_HOLD_NS)
			give_up(s, d);
		else if (d->last_ns + SPREAD_HOLD_NS < s->sweep_ns)
			s->sweep_ns = d->last_ns + SPREAD_HOLD_NS;
	}
}

/* The datagram's record: found, or a free, stale or least recent slot
 * near its hash taken over. */
static struct spread_dgram *dgram(struct spread *s, const struct place *w, uint64_t now_ns)
{
	int alen = w->ipver == 4 ? 4 : 16;
	uint64_t h = (end_mix(w->src, 0) + end_mix(w->dst, 0)) ^ (w->id * 0x9e3779b97f4a7c15ull) ^ w->proto;
	h *= 0xff51afd7ed558ccdull;
	uint32_t at = (uint32_t)(h >> 40) % SPREAD_DGRAMS;
	struct spread_dgram *spare = NULL;
	int spare_rank = 3;
	for (uint32_t k = 0; k < 8; k++) {
		struct spread_dgram *d = &s->d[(at + k) % SPREAD_DGRAMS];
		int stale = d->used && now_ns - d->last_ns > SPREAD_HOLD_NS;
		if (d->used && !stale && d->id == w->id && d->ipver == w->ipver && d->proto == w->proto &&
		    !memcmp(d->src, w->src, alen) && !memcmp(d->dst, w->dst, alen))
			return d;
		/* free first, then timed out, then the least recent */
		int rank = !d->used ? 0 : stale ? 1 : 2;
		if (rank < spare_rank || (rank == spare_rank && d->last_ns < spare->last_ns)) {
			spare = d;
			spare_rank = rank;
		}
	}
	if (spare->used && spare->nheld)
		give_up(s, spare);
	memset(spare, 0, sizeof(*spare));
	spare->used = 1;
	spare->owner = -1;
	spare->id = w->id;
	spare->ipver = w->ipver;
	spare->proto = w->proto;
	memcpy(spare->src, w->src, alen);
	memcpy(spare->dst, w->dst, alen);
	return spare;
}

void spread_route(struct spread *s, void *pkt, const uint8_t *frame, uint32_t len, uint64_t now_ns)
{
	s->nout = 0;
	if (s->n < 2) {
		put(s, pkt, 0);
		return;
	}
	if (s->nheld && now_ns >= s->sweep_ns)
		sweep(s, now_ns);
	struct pkt p;
	struct place w;
	locate(frame, len, s->lt, &p, &w);
	if (!w.ipver) {
		put(s, pkt, 0);
		return;
	}
	if (!w.frag) {
		put(s, pkt, owner_of(s, w.src, w.sport, w.dst, w.dport));
		return;
	}
	struct spread_dgram *d = dgram(s, &w, now_ns);
	d->last_ns = now_ns;
	if (d->owner < 0 && w.first) {
		if (!w.has_ports)
			s->ctr[SPREAD_frag_no_ports]++;
		/* the first fragment's ports: where the reassembled segment
		 * belongs (without them, the address pair) */
		d->owner = (int16_t)owner_of(s, w.src, w.sport, w.dst, w.dport);
		release(s, d, (uint32_t)d->owner);
	}
	if (d->owner < 0 && d->nheld == SPREAD_HOLD) {
		/* more fragments than reassembly would take before the first:
		 * the datagram goes by its address pair, all of it together */
		s->ctr[SPREAD_frag_unpaired] += d->nheld;
		d->owner = (int16_t)owner_of(s, w.src, 0, w.dst, 0);
		release(s, d, (uint32_t)d->owner);
	}
	if (d->owner < 0) {
		d->held[d->nheld++] = pkt;
		s->nheld++;
		s->ctr[SPREAD_frag_held]++;
		if (now_ns + SPREAD_HOLD_NS < s->sweep_ns)
			s->sweep_ns = now_ns + SPREAD_HOLD_NS;
		return;
	}
	s->ctr[SPREAD_frag_steered]++;
	put(s, pkt, (uint32_t)d->owner);
}

void spread_flush(struct spread *s)
{
	s->nout = 0;
	for (uint32_t i = 0; i < SPREAD_DGRAMS; i++)
		if (s->d[i].used && s->d[i].nheld)
			give_up(s, &s->d[i]);
	s->sweep_ns = UINT64_MAX;
}
