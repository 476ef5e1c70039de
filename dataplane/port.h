/* port.h — naming and bringing up ports: PCI devices, vdevs, kernel
 * interfaces (as net_af_packet). */
#ifndef SEAM_PORT_H
#define SEAM_PORT_H

#include <stddef.h>
#include <stdint.h>
#include <rte_mempool.h>

/* Classify a port spec.  Returns 'p' (PCI: dev is the address), 'v' (vdev:
 * dev is the --vdev string), or 'e' (nothing by that name).  name gets the
 * ethdev name to look the port up by after EAL init. */
char port_classify(const char *spec, char *dev, size_t devlen, uint32_t idx, char *name,
		   size_t namelen);

/* Configure and start a port: nrxq RX queues with a symmetric RSS key (both
 * directions of a flow reach one queue), ntxq TX queues, timestamps when
 * asked and offered, promiscuous when asked.  0, or -1 with err filled. */
int port_setup(uint16_t port, uint16_t nrxq, uint16_t ntxq, struct rte_mempool *mp, int want_ts,
	       int promisc, char *err, size_t errlen);

/* The 40-byte symmetric Toeplitz key (0x6d5a repeated). */
extern const uint8_t port_sym_rss_key[40];

#endif
