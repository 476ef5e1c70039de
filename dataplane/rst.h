/* rst.h — build the TCP RSTs a reset verdict sends to both ends. */
#ifndef SEAM_RST_H
#define SEAM_RST_H

#include <stdint.h>
#include <rte_mbuf.h>

#define TCP_RST_ACK 0x14
#define TCP_FIN_ACK 0x11

/* A bare TCP segment with the given flags (RST+ACK for a reset, FIN+ACK for
 * close-after) from src:sport to dst:dport with the given seq/ack.  The L2
 * header (l2len bytes, VLAN tags included) is copied from the packet that
 * triggered it, MACs swapped when swap_mac.  NULL when the pool is empty. */
struct rte_mbuf *tcp_ctl_build(struct rte_mempool *mp, const uint8_t *l2, uint16_t l2len,
			       int swap_mac, int ipver, const uint8_t *src, const uint8_t *dst,
			       uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
			       uint8_t flags);

static inline struct rte_mbuf *rst_build(struct rte_mempool *mp, const uint8_t *l2, uint16_t l2len,
					 int swap_mac, int ipver, const uint8_t *src,
					 const uint8_t *dst, uint16_t sport, uint16_t dport,
					 uint32_t seq, uint32_t ack)
{
	return tcp_ctl_build(mp, l2, l2len, swap_mac, ipver, src, dst, sport, dport, seq, ack,
			     TCP_RST_ACK);
}

#endif
