/* port.c — port naming and setup. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <rte_ethdev.h>
#include "port.h"

const uint8_t port_sym_rss_key[40] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

static int is_pci(const char *s)
{
	unsigned d, b, dv, f;
	char tail;
	return sscanf(s, "%x:%x:%x.%x%c", &d, &b, &dv, &f, &tail) == 4 ||
	       sscanf(s, "%x:%x.%x%c", &b, &dv, &f, &tail) == 3;
}

char port_classify(const char *spec, char *dev, size_t devlen, uint32_t idx, char *name,
		   size_t namelen)
{
	if (is_pci(spec)) {
		snprintf(dev, devlen, "%s", spec);
		snprintf(name, namelen, "%s", spec);
		return 'p';
	}
	if (strncmp(spec, "net_", 4) == 0) {
		snprintf(dev, devlen, "%s", spec);
		size_t n = strcspn(spec, ",");
		snprintf(name, namelen, "%.*s", (int)n, spec);
		return 'v';
	}
	char path[300];
	struct stat st;
	snprintf(path, sizeof(path), "/sys/class/net/%s", spec);
	if (strchr(spec, '/') || stat(path, &st) != 0)
		return 'e';
	snprintf(name, namelen, "net_af_packet%u", idx);
	snprintf(dev, devlen, "%s,iface=%s,blocksz=4096,framesz=2048,framecnt=4096,qpairs=1,qdisc_bypass=1", name, spec);
	return 'v';
}

int port_setup(uint16_t port, uint16_t nrxq, uint16_t ntxq, struct rte_mempool *mp, int want_ts,
	       int promisc, char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	int r;

	memset(&conf, 0, sizeof(conf));
	if ((r = rte_eth_dev_info_get(port, &info)) != 0) {
		snprintf(err, errlen, "device info: %s", rte_strerror(-r));
		return -1;
	}
	if (nrxq > info.max_rx_queues)
		nrxq = info.max_rx_queues;
	if (ntxq > info.max_tx_queues)
		ntxq = info.max_tx_queues;
	if (nrxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = (uint8_t *)port_sym_rss_key;
		conf.rx_adv_conf.rss_conf.rss_key_len = sizeof(port_sym_rss_key);
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP);
	}
	if (want_ts && (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP))
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
	/* frames larger than one mbuf arrive chained rather than dropped */
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	if ((info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_CHECKSUM) == RTE_ETH_RX_OFFLOAD_CHECKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_CHECKSUM;
	if ((r = rte_eth_dev_configure(port, nrxq, ntxq, &conf)) != 0) {
		snprintf(err, errlen, "configure with %u RX / %u TX queues: %s", nrxq, ntxq, rte_strerror(-r));
		return -1;
	}
	uint16_t nrxd = 1024, ntxd = 1024;
	rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrxd, &ntxd);
	for (uint16_t q = 0; q < nrxq; q++)
		if ((r = rte_eth_rx_queue_setup(port, q, nrxd, rte_eth_dev_socket_id(port), NULL, mp)) != 0) {
			snprintf(err, errlen, "RX queue %u: %s", q, rte_strerror(-r));
			return -1;
		}
	for (uint16_t q = 0; q < ntxq; q++)
		if ((r = rte_eth_tx_queue_setup(port, q, ntxd, rte_eth_dev_socket_id(port), NULL)) != 0) {
			snprintf(err, errlen, "TX queue %u: %s", q, rte_strerror(-r));
			return -1;
		}
	if ((r = rte_eth_dev_start(port)) != 0) {
		snprintf(err, errlen, "start: %s (is the interface up?)", rte_strerror(-r));
		return -1;
	}
	if (promisc)
		rte_eth_promiscuous_enable(port);
	return 0;
}
