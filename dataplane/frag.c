/* frag.c — fragment checks and rte_ip_frag reassembly. */
#include <string.h>
#include <rte_ip.h>
#include <rte_errno.h>
#include "frag.h"

static uint64_t frag_timeout_ns;

int frag_init(struct frag_stage *f, const char *name, uint32_t max_datagrams, uint32_t timeout_s,
	      int socket, char *err, size_t errlen)
{
	char n[64];
	memset(f, 0, sizeof(*f));
	frag_timeout_ns = (uint64_t)timeout_s * 1000000000ull;
	/* timestamps are packet time in ns, so max_cycles is the timeout in ns */
	uint32_t buckets = max_datagrams / 4 ? max_datagrams / 4 : 1;
	f->tbl = rte_ip_frag_table_create(buckets, 4, buckets * 4, frag_timeout_ns, socket);
	snprintf(n, sizeof(n), "fragbig_%s", name);
	f->big = rte_pktmbuf_pool_create(n, 255, 0, 0, 65535, socket);
	snprintf(n, sizeof(n), "fragind_%s", name);
	f->indirect = rte_pktmbuf_pool_create(n, 1023, 0, 0, 0, socket);
	if (!f->tbl || !f->big || !f->indirect) {
		snprintf(err, errlen, "fragment reassembly for %u datagrams: out of memory", max_datagrams);
		return -1;
	}
	return 0;
}

void frag_free(struct frag_stage *f)
{
	if (f->tbl) rte_ip_frag_table_destroy(f->tbl);
	if (f->big) rte_mempool_free(f->big);
	if (f->indirect) rte_mempool_free(f->indirect);
	memset(f, 0, sizeof(*f));
}

struct frag_track *frag_check(struct frag_stage *f, const uint8_t *frame, const struct pkt *p,
			      uint64_t now_ns)
{
	const uint8_t *ip = frame + p->l3_off;
	uint32_t id, off8, len, mf;
	const uint8_t *l4;
	if (p->ipver == 4) {
		uint32_t ihl = (ip[0] & 15) * 4u;
		id = rd16(ip + 4);
		off8 = rd16(ip + 6) & 0x1fff;
		mf = (rd16(ip + 6) >> 13) & 1;
		len = rd16(ip + 2) - ihl;
		l4 = ip + ihl;
	} else {
		const uint8_t *fh = ip + 40;          /* fragment header right after IPv6 */
		id = (uint32_t)fh[4] << 24 | fh[5] << 16 | fh[6] << 8 | fh[7];
		off8 = rd16(fh + 2) >> 3;
		mf = fh[3] & 1;
		len = rd16(ip + 4) - 8;
		l4 = fh + 8;
	}
	uint32_t h = (id * 2654435761u) ^ ((uint32_t)p->src[3] << 8) ^ p->dst[3];
	h ^= h >> 13;
	struct frag_track *t = &f->track[h % FRAG_TRACK];
	int alen = p->ipver == 4 ? 4 : 16;
	if (!(t->flags & FRAGF_SEEN) || t->id != id || t->ipver != p->ipver ||
	    memcmp(t->src, p->src, alen) || memcmp(t->dst, p->dst, alen) ||
	    now_ns - t->last_ns > 2000000000ull) {
		memset(t, 0, sizeof(*t));
		t->flags = FRAGF_SEEN;
		t->id = id;
		t->ipver = p->ipver;
		memcpy(t->src, p->src, 16);
		memcpy(t->dst, p->dst, 16);
	}
	t->last_ns = now_ns;
	uint32_t lo = off8, hi = off8 + (len + 7) / 8;
	if (mf && (len & 7) == 0)
		hi = off8 + len / 8;
	for (uint32_t i = 0; i < t->nranges; i++)
		if (lo < t->r[i].hi && t->r[i].lo < hi)
			t->flags |= FRAGF_OVERLAP;
	if (t->nranges < FRAG_RANGES) {
		t->r[t->nranges].lo = lo;
		t->r[t->nranges].hi = hi;
		t->nranges++;
	}
	if (t->nranges > RTE_LIBRTE_IP_FRAG_MAX_FRAG)
		t->flags |= FRAGF_TOO_MANY;
	if (off8 == 0) {
		if (p->l4proto == 6 || (p->ipver == 6 && ip[40] == 6)) {
			if (len < 20)
				t->flags |= FRAGF_TINY;
		}
		if (len >= 4) {
			t->sport = rd16(l4);
			t->dport = rd16(l4 + 2);
			t->have_ports = 1;
		}
	}
	return t;
}

/* Copy a chain into one mbuf from the big pool. */
static struct rte_mbuf *contiguous(struct frag_stage *f, struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_alloc(f->big);
	if (!c)
		return NULL;
	uint8_t *dst = (uint8_t *)rte_pktmbuf_append(c, rte_pktmbuf_pkt_len(m));
	if (!dst) {
		rte_pktmbuf_free(c);
		return NULL;
	}
	for (struct rte_mbuf *s = m; s; s = s->next) {
		memcpy(dst, rte_pktmbuf_mtod(s, void *), rte_pktmbuf_data_len(s));
		dst += rte_pktmbuf_data_len(s);
	}
	c->ol_flags = m->ol_flags & ~RTE_MBUF_F_RX_L4_CKSUM_MASK;
	c->port = m->port;
	return c;
}

struct rte_mbuf *frag_reassemble(struct frag_stage *f, struct rte_mbuf *m, const struct pkt *p,
				 uint64_t now_ns, uint32_t *merged)
{
	struct rte_mbuf *r;
	m->l2_len = p->l3_off;
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, p->l3_off);
	if (p->ipver == 4) {
		m->l3_len = (ip[0] & 15) * 4u;
		r = rte_ipv4_frag_reassemble_packet(f->tbl, &f->dr, m, now_ns, (struct rte_ipv4_hdr *)ip);
	} else {
		m->l3_len = 40 + 8;
		r = rte_ipv6_frag_reassemble_packet(f->tbl, &f->dr, m, now_ns, (struct rte_ipv6_hdr *)ip,
						    (struct rte_ipv6_fragment_ext *)(ip + 40));
	}
	if (!r)
		return NULL;
	*merged = r->nb_segs;
	struct rte_mbuf *c = contiguous(f, r);
	rte_pktmbuf_free(r);
	if (c) {
		c->l2_len = p->l3_off;
		if (p->ipver == 4) {
			/* reassembly leaves the header checksum zero */
			uint8_t *h = rte_pktmbuf_mtod_offset(c, uint8_t *, p->l3_off);
			uint32_t ihl = (h[0] & 15) * 4u;
			h[10] = h[11] = 0;
			uint16_t cs = csum_fold(csum_add(0, h, ihl));
			h[10] = cs >> 8;
			h[11] = cs & 0xff;
		}
	}
	return c;
}

uint32_t frag_flush_dead(struct frag_stage *f)
{
	uint32_t n = f->dr.cnt;
	if (n)
		rte_ip_frag_free_death_row(&f->dr, 3);
	return n;
}

void frag_expire_all(struct frag_stage *f)
{
	rte_ip_frag_table_del_expired_entries(f->tbl, &f->dr, UINT64_MAX / 2);
}
