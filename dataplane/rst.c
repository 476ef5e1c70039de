/* rst.c — RST and FIN construction (RFC 9293 §3.10.7: a RST is accepted when
 * its sequence number is the receiver's next expected one; a FIN sent at the
 * sender's next sequence number is the one the real sender would send). */
#include <string.h>
#include "decode.h"
#include "rst.h"

struct rte_mbuf *tcp_ctl_build(struct rte_mempool *mp, const uint8_t *l2, uint16_t l2len,
			       int swap_mac, int ipver, const uint8_t *src, const uint8_t *dst,
			       uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
			       uint8_t flags)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	if (!m)
		return NULL;
	uint16_t iplen = ipver == 6 ? 40 : 20;
	uint16_t total = l2len + iplen + 20;
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, total);
	if (!p) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, l2, l2len);
	if (swap_mac && l2len >= 12) {
		memcpy(p, l2 + 6, 6);
		memcpy(p + 6, l2, 6);
	}
	uint8_t *ip = p + l2len;
	memset(ip, 0, iplen + 20);
	if (ipver == 4) {
		ip[0] = 0x45;
		wr16(ip + 2, 40);
		ip[6] = 0x40;            /* DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		wr16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	} else {
		ip[0] = 0x60;
		wr16(ip + 4, 20);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
	}
	uint8_t *t = ip + iplen;
	wr16(t, sport);
	wr16(t + 2, dport);
	wr32(t + 4, seq);
	wr32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	if (flags & 0x01)
		wr16(t + 14, 0xffff);    /* a FIN keeps the receive window open */
	wr16(t + 16, tcp_checksum(ipver, src, dst, t, 20));
	return m;
}
