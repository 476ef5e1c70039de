/* decode.c — frame decoding with a named reason for every failure. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <arpa/inet.h>
#include "decode.h"

#define unlikely(x) __builtin_expect(!!(x), 0)

const char *const decode_ctr_names[DEC__COUNT] = {
#define X(n, t) #n,
	DECODE_CTRS(X)
#undef X
};

#ifdef __x86_64__
#include <immintrin.h>
/* 64 bytes a step in two accumulators: each 32-bit lane adds the low and
 * the high 16-bit word of its own lane (a mask and a shift, no shuffles),
 * so no carry is lost below 2 MB; callers pass at most a frame. */
__attribute__((target("avx2"))) static uint64_t sum_words_avx2(const uint8_t **pp, uint32_t *lenp)
{
	const uint8_t *p = *pp;
	uint32_t len = *lenp;
	const __m256i lo = _mm256_set1_epi32(0xffff);
	__m256i a = _mm256_setzero_si256(), b = a;
	while (len >= 64) {
		__m256i v = _mm256_loadu_si256((const __m256i *)p);
		__m256i w = _mm256_loadu_si256((const __m256i *)(p + 32));
		a = _mm256_add_epi32(a, _mm256_and_si256(v, lo));
		b = _mm256_add_epi32(b, _mm256_and_si256(w, lo));
		a = _mm256_add_epi32(a, _mm256_srli_epi32(v, 16));
		b = _mm256_add_epi32(b, _mm256_srli_epi32(w, 16));
		p += 64;
		len -= 64;
	}
	uint32_t lane[16];
	_mm256_storeu_si256((__m256i *)lane, a);
	_mm256_storeu_si256((__m256i *)(lane + 8), b);
	uint64_t s = 0;
	for (int i = 0; i < 16; i++)
		s += lane[i];
	*pp = p;
	*lenp = len;
	return s;
}

static int have_avx2 = -1;
#endif

/* Sum in native byte order, then swap the folded result into network
 * order (RFC 1071 §2(B): the sum is byte-order independent).  Returns an
 * unfolded partial sum. */
uint32_t csum_add(uint32_t sum, const void *data, uint32_t len)
{
	const uint8_t *p = data;
	uint64_t s = 0;
#ifdef __x86_64__
	if (len >= 128) {
		if (__builtin_expect(have_avx2 < 0, 0))
			have_avx2 = __builtin_cpu_supports("avx2") != 0;
		if (have_avx2)
			s = sum_words_avx2(&p, &len);
	}
#endif
#ifdef __SSE2__
	/* 16 bytes a step, the same mask and shift in 128-bit lanes */
	if (len >= 64) {
		const __m128i lo = _mm_set1_epi32(0xffff);
		__m128i acc = _mm_setzero_si128();
		while (len >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			acc = _mm_add_epi32(acc, _mm_and_si128(v, lo));
			acc = _mm_add_epi32(acc, _mm_srli_epi32(v, 16));
			p += 16;
			len -= 16;
		}
		uint32_t lane[4];
		_mm_storeu_si128((__m128i *)lane, acc);
		s += (uint64_t)lane[0] + lane[1] + lane[2] + lane[3];
	}
#endif
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		s += (v & 0xffffffffu) + (v >> 32);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		s += v;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		s += v;
		p += 2;
		len -= 2;
	}
	if (len)
		s += p[0];          /* the odd byte is the high byte of a BE word */
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	uint16_t be = (uint16_t)((s >> 8) | (s << 8));
	return sum + be;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t tcp_checksum(int ipver, const uint8_t *src, const uint8_t *dst, const uint8_t *tcp,
		      uint32_t tcp_len)
{
	uint32_t s = 0;
	int alen = ipver == 6 ? 16 : 4;
	s = csum_add(s, src, alen);
	s = csum_add(s, dst, alen);
	s += 6;
	s += tcp_len & 0xffff;
	s += tcp_len >> 16;
	s = csum_add(s, tcp, tcp_len);
	return csum_fold(s);
}

static enum decode_ctr decode_tcp(const uint8_t *p, uint32_t off, uint32_t end, int verify,
				  struct pkt *o)
{
	if (unlikely(end - off < 20))
		return DEC_tcp_short;
	const uint8_t *t = p + off;
	uint32_t hlen = (t[12] >> 4) * 4u;
	if (unlikely(hlen < 20 || hlen > end - off))
		return DEC_tcp_bad_hlen;
	o->l4_off = off;
	o->sport = rd16(t);
	o->dport = rd16(t + 2);
	o->seq = rd32(t + 4);
	o->ack = rd32(t + 8);
	o->tcp_flags = t[13];
	o->win = rd16(t + 14);
	o->urp = rd16(t + 18);
	o->payload_off = off + hlen;
	o->payload_len = end - off - hlen;
	o->wscale = 0xff;
	if ((o->tcp_flags & TH_SYN) && hlen > 20) {
		uint32_t i = 20;
		while (i < hlen) {
			uint8_t kind = t[i];
			if (kind == 0)
				break;
			if (kind == 1) {
				i++;
				continue;
			}
			if (i + 1 >= hlen || t[i + 1] < 2 || i + t[i + 1] > hlen)
				break;
			if (kind == 3 && t[i + 1] == 3)
				o->wscale = t[i + 2] > 14 ? 14 : t[i + 2];
			i += t[i + 1];
		}
	}
	if (verify && tcp_checksum(o->ipver, o->src, o->dst, t, end - off) != 0)
		return DEC_tcp_bad_csum;
	return DEC_tcp;
}

/* PPP's protocol numbers for IP, as EtherTypes; 0 for the rest (LCP, ...). */
static uint16_t ppp_ethertype(uint16_t proto)
{
	return proto == 0x0021 ? 0x0800 : proto == 0x0057 ? 0x86dd : 0;
}

/* An MPLS label stack: skip to the bottom label; the payload's first
 * nibble says which IP it carries (no pseudowire control word).  0 when
 * the stack runs past the frame or is deeper than any real one. */
static int mpls_skip(const uint8_t *p, uint32_t len, uint32_t *off, uint16_t *et)
{
	for (int i = 0; i < 8; i++) {
		if (len - *off < 4)
			return 0;
		int bottom = p[*off + 2] & 1;
		*off += 4;
		if (bottom) {
			if (len - *off < 1)
				return 0;
			uint8_t v = p[*off] >> 4;
			*et = v == 4 ? 0x0800 : v == 6 ? 0x86dd : 0;
			return 1;
		}
	}
	return 0;
}

enum decode_ctr decode_frame(const uint8_t *p, uint32_t len, enum linktype lt, int verify,
			     struct pkt *o)
{
	uint32_t off = 0;
	uint16_t et;

	o->nvlan = 0;
	switch (lt) {
	case LINK_ETH:
		if (unlikely(len < 14))
			return DEC_eth_short;
		et = rd16(p + 12);
		off = 14;
		while (et == 0x8100 || et == 0x88a8 || et == 0x9100) {
			if (unlikely(len - off < 4))
				return DEC_eth_short;
			et = rd16(p + off + 2);
			off += 4;
			if (++o->nvlan > 4)
				return DEC_eth_short;
		}
		if (unlikely(et == 0x8864)) {             /* PPPoE session: 6 bytes, then PPP */
			if (len - off < 8)
				return DEC_eth_short;
			et = ppp_ethertype(rd16(p + off + 6));
			off += 8;
		} else if (unlikely(et == 0x8847 || et == 0x8848)) {
			if (!mpls_skip(p, len, &off, &et))
				return DEC_eth_short;
		}
		break;
	case LINK_PPP: {
		/* RFC 1662 address and control bytes when present; a protocol
		 * field of one byte when compressed (RFC 1661 §6.5: odd) */
		if (unlikely(len < 2))
			return DEC_eth_short;
		if (p[0] == 0xff && p[1] == 0x03)
			off = 2;
		if (unlikely(len - off < 1))
			return DEC_eth_short;
		uint16_t proto = p[off];
		if (proto & 1) {
			off += 1;
		} else {
			if (unlikely(len - off < 2))
				return DEC_eth_short;
			proto = rd16(p + off);
			off += 2;
		}
		et = ppp_ethertype(proto);
		break;
	}
	case LINK_CHDLC:                 /* address, control, then an EtherType */
		if (unlikely(len < 4))
			return DEC_eth_short;
		et = rd16(p + 2);
		off = 4;
		if (et == 0x8847 && !mpls_skip(p, len, &off, &et))
			return DEC_eth_short;
		break;
	case LINK_RAW:
		if (unlikely(len < 1))
			return DEC_eth_short;
		et = (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
		break;
	case LINK_NULL:
		if (unlikely(len < 4))
			return DEC_eth_short;
		et = (p[0] == 2 || p[3] == 2) ? 0x0800 : 0x86dd;
		off = 4;
		break;
	case LINK_SLL:
		if (unlikely(len < 16))
			return DEC_eth_short;
		et = rd16(p + 14);
		off = 16;
		break;
	case LINK_SLL2:
		if (unlikely(len < 20))
			return DEC_eth_short;
		et = rd16(p);
		off = 20;
		break;
	default:
		return DEC_bad_linktype;
	}

	o->l3_off = off;
	if (et == 0x0800) {
		if (unlikely(len - off < 20))
			return DEC_ipv4_short;
		const uint8_t *ip = p + off;
		uint32_t ihl = (ip[0] & 15) * 4u;
		if (unlikely((ip[0] >> 4) != 4 || ihl < 20 || ihl > len - off))
			return DEC_ipv4_bad_hlen;
		/* the addresses first: a frame cut short (a super-packet's first
		 * buffer) still names its owner (spread.c) */
		o->ipver = 4;
		memset(o->src, 0, 32);
		memcpy(o->src, ip + 12, 4);
		memcpy(o->dst, ip + 16, 4);
		uint32_t tot = rd16(ip + 2);
		if (unlikely(tot < ihl || tot > len - off))
			return DEC_ipv4_bad_len;
		if (verify && csum_fold(csum_add(0, ip, ihl)) != 0)
			return DEC_ipv4_bad_csum;
		o->ttl = ip[8];
		o->l4proto = ip[9];
		o->ip_id = rd16(ip + 4);
		if (rd16(ip + 6) & 0x3fff)
			return DEC_fragment;
		if (o->l4proto != 6)
			return DEC_non_tcp;
		return decode_tcp(p, off + ihl, off + tot, verify, o);
	}
	if (et == 0x86dd) {
		if (unlikely(len - off < 40))
			return DEC_ipv6_short;
		const uint8_t *ip = p + off;
		if (unlikely((ip[0] >> 4) != 6))
			return DEC_ipv6_short;
		o->ipver = 6;
		memcpy(o->src, ip + 8, 16);
		memcpy(o->dst, ip + 24, 16);
		uint32_t plen = rd16(ip + 4);
		if (unlikely(plen > len - off - 40))
			return DEC_ipv6_bad_len;
		o->ttl = ip[7];
		uint32_t end = off + 40 + plen;
		uint8_t nh = ip[6];
		uint32_t x = off + 40;
		int hops = 0;
		while (ipv6_ext(nh)) {
			if (unlikely(++hops > 8))
				return DEC_ipv6_ext_loop;
			if (unlikely(end - x < 8))
				return DEC_ipv6_ext_trunc;
			uint32_t elen;
			if (nh == 44 || nh == 0x2c)
				elen = 8;
			else if (nh == 51)
				elen = (p[x + 1] + 2) * 4u;
			else
				elen = (p[x + 1] + 1) * 8u;
			if (unlikely(elen > end - x))
				return DEC_ipv6_ext_trunc;
			nh = p[x];
			x += elen;
		}
		if (nh == 44) {
			if (unlikely(end - x < 8))
				return DEC_ipv6_ext_trunc;
			return DEC_fragment;
		}
		o->l4proto = nh;
		if (nh != 6)
			return DEC_non_tcp;
		return decode_tcp(p, x, end, verify, o);
	}
	return DEC_non_ip;
}
