/* pcap_floor.c — the floor for an offline run: libpcap reading a capture
 * and touching one byte of every packet, nothing else.  `./run bench`
 * puts `seam --pcap` beside it.  Prints packets and bytes read. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	if (argc != 2) {
		fprintf(stderr, "usage: seam-pcap-floor CAPTURE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "seam-pcap-floor: %s\n", err);
		return 1;
	}
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long n = 0, bytes = 0, sum = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		n++;
		bytes += h->caplen;
		if (h->caplen)
			sum += d[h->caplen / 2];   /* so the read is not optimised away */
	}
	pcap_close(p);
	printf("{\"packets\":%lu,\"bytes\":%lu,\"check\":%lu}\n", n, bytes, sum & 0xff);
	return 0;
}
