/* fanout.h — the concurrency benchmark's packet source: a capture of T
 * template flows (seam-pcapgen --templates: one exchange each, no handshake
 * or close, interleaved) replayed as C long-lived flows.
 *
 * Replay round r of template t is played by instance t + T * (r mod C/T),
 * whose client address is 10.64.0.0 + instance; an instance's sequence and
 * acknowledgement numbers carry on from its previous exchange, so every
 * flow stays established and in order while C of them are alive at once.
 * Only the client address, sequence numbers and checksums change (RFC 1624
 * incremental updates), which is what a template-rewriting generator does
 * per flow.  DPDK-free; IPv4 over Ethernet. */
#ifndef SEAM_FANOUT_H
#define SEAM_FANOUT_H

#include <stddef.h>
#include <stdint.h>

struct fanout {
	uint32_t npkts, ntmpl, reps;  /* reps = C / T rounds before an instance plays again */
	uint32_t *pkt;                /* per capture packet: template, bit 31 = sent by the client */
	uint32_t (*bytes)[2];         /* per template: payload bytes client->server, server->client */
	uint64_t pos;                 /* packets rewritten so far */
};

/* Learn the capture (frames in file order).  flows: instances wanted, at
 * least the number of templates.  0, or -1 with a reason in err. */
int fanout_build(struct fanout *fo, const uint8_t *const *frames, const uint32_t *lens, uint32_t n,
		 uint32_t flows, char *err, size_t errlen);
void fanout_free(struct fanout *fo);
/* The instances that will exist: ntmpl * reps. */
static inline uint64_t fanout_flows(const struct fanout *fo) { return (uint64_t)fo->ntmpl * fo->reps; }

/* Rewrite the next replayed frame in place for the instance playing it. */
void fanout_apply(struct fanout *fo, uint8_t *frame, uint32_t len);

/* One's-complement checksum field update for a 32-bit word that changed
 * from old to new (both as stored in the packet). */
void csum_replace4(uint8_t *field, uint32_t old, uint32_t new);
/* Replace one IPv4 address of a TCP segment (which = ip + 12 source or
 * ip + 16 destination), keeping the IP and TCP checksums right. */
void ipv4_set_addr(uint8_t *ip, uint8_t *tcp, uint8_t *which, const uint8_t addr[4]);

#endif
