/* decode.h — packet decoding: Ethernet, VLAN/QinQ, IPv4, IPv6 with
 * extension headers, TCP.  Works on a (bytes, length) view of one frame, so
 * it is unit-tested without EAL; it never reads past len. */
#ifndef SEAM_DECODE_H
#define SEAM_DECODE_H

#include <stdint.h>

/* Network byte order fields, read and written byte by byte (any alignment). */
static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* IPv6 extension headers walked to reach the upper layer (44, the
 * fragment header, ends the walk: it is handled on its own). */
static inline int ipv6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 51 || nh == 135 || nh == 139 || nh == 140;
}

/* X(name, text): every way decoding can end without a TCP segment. */
#define DECODE_CTRS(X) \
	X(tcp,            "TCP segment decoded") \
	X(non_tcp,        "IP but not TCP: passed through uninspected") \
	X(non_ip,         "not IP (ARP, LLDP, ...): passed through") \
	X(fragment,       "IP fragment") \
	X(vlan,           "VLAN-tagged frame (counted once per frame)") \
	X(eth_short,      "frame shorter than its Ethernet/VLAN header") \
	X(ipv4_short,     "IPv4 header cut short") \
	X(ipv4_bad_hlen,  "IPv4 IHL below 5 or beyond the packet") \
	X(ipv4_bad_len,   "IPv4 total length beyond the frame or below the header") \
	X(ipv4_bad_csum,  "IPv4 header checksum wrong") \
	X(ipv6_short,     "IPv6 header cut short") \
	X(ipv6_bad_len,   "IPv6 payload length beyond the frame") \
	X(ipv6_ext_trunc, "IPv6 extension header chain runs off the packet") \
	X(ipv6_ext_loop,  "IPv6 extension header chain too long") \
	X(tcp_short,      "TCP header cut short") \
	X(tcp_bad_hlen,   "TCP data offset below 5 or beyond the packet") \
	X(tcp_bad_csum,   "TCP checksum wrong") \
	X(bad_linktype,   "capture link type not supported")

enum decode_ctr {
#define X(n, t) DEC_##n,
	DECODE_CTRS(X)
#undef X
	DEC__COUNT
};
extern const char *const decode_ctr_names[DEC__COUNT];

enum linktype { LINK_ETH = 1, LINK_RAW = 101, LINK_NULL = 0, LINK_SLL = 113, LINK_SLL2 = 276,
		LINK_PPP = 9, LINK_CHDLC = 104 };

struct pkt {
	uint8_t ipver;            /* 4 or 6 */
	uint8_t l4proto;
	uint8_t tcp_flags;
	uint8_t ttl;
	uint8_t wscale;           /* from a SYN's options, 0xff when absent */
	uint8_t nvlan;
	uint16_t l3_off;          /* offset of the IP header */
	uint16_t l4_off;
	uint16_t payload_off;
	uint16_t payload_len;
	uint16_t sport, dport;
	uint16_t win;
	uint16_t urp;
	uint16_t ip_id;
	uint32_t seq, ack;
	uint8_t src[16], dst[16];
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

/* Decode one frame.  Returns the decode_ctr that describes the outcome:
 * DEC_tcp (pkt filled), DEC_non_tcp / DEC_non_ip / DEC_fragment (pass
 * decisions, pkt partly filled), or an error reason. verify_csum: check
 * IPv4 and TCP checksums in software. */
enum decode_ctr decode_frame(const uint8_t *p, uint32_t len, enum linktype lt, int verify_csum,
			     struct pkt *out);

/* Internet checksum helpers (RFC 1071), exposed for RST building. */
uint32_t csum_add(uint32_t sum, const void *data, uint32_t len);
uint16_t csum_fold(uint32_t sum);
uint16_t tcp_checksum(int ipver, const uint8_t *src, const uint8_t *dst, const uint8_t *tcp,
		      uint32_t tcp_len);

#endif
