/* rst.h — build the TCP RSTs a reset verdict sends to both ends. */
#ifndef SEAM_RST_H
#define SEAM_RST_H

#include <stdint.h>
#include <rte_mbuf.h>

/* A RST+ACK from src:sport to dst:dport with the given seq/ack.  The L2
 * header (l2len bytes, VLAN tags included) is copied from the packet that
 * triggered it, MACs swapped when swap_mac.  NULL when the pool is empty. */
struct rte_mbuf *rst_build(struct rte_mempool *mp, const uint8_t *l2, uint16_t l2len, int swap_mac,
			   int ipver, const uint8_t *src, const uint8_t *dst, uint16_t sport,
			   uint16_t dport, uint32_t seq, uint32_t ack);

#endif
