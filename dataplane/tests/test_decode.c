/* test_decode.c — every way a frame can be short or lie about its lengths
 * gets its own reason, and decoding never reads past the frame: each
 * frame is placed against the end of a page followed by an unmapped one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include "decode.h"
#include "spread.h"

static uint8_t *guard;   /* two pages, the second PROT_NONE */
static long pagesz;

/* Copy the frame so it ends exactly at the guard page. */
static const uint8_t *at_edge(const uint8_t *f, uint32_t len)
{
	uint8_t *p = guard + pagesz - len;
	memcpy(p, f, len);
	return p;
}

static uint32_t build_tcp4(uint8_t *f, const char *payload, int vlans, int bad_csum)
{
	uint32_t o = 12, plen = strlen(payload);
	memset(f, 0, 2048);
	for (int v = 0; v < vlans; v++) {
		f[o] = v == 0 && vlans > 1 ? 0x88 : 0x81;
		f[o + 1] = v == 0 && vlans > 1 ? 0xa8 : 0x00;
		f[o + 3] = 10 + v;
		o += 4;
	}
	f[o] = 0x08; f[o + 1] = 0x00;
	o += 2;
	uint8_t *ip = f + o;
	ip[0] = 0x45; ip[2] = 0; ip[3] = 40 + plen; ip[8] = 64; ip[9] = 6;
	ip[12] = 10; ip[13] = 0; ip[14] = 0; ip[15] = 1;
	ip[16] = 10; ip[17] = 0; ip[18] = 0; ip[19] = 2;
	uint16_t c = csum_fold(csum_add(0, ip, 20));
	ip[10] = c >> 8; ip[11] = c & 0xff;
	uint8_t *t = ip + 20;
	t[0] = 0x30; t[1] = 0x39; t[2] = 0; t[3] = 80;
	t[4] = 1; t[12] = 5 << 4; t[13] = 0x18; t[14] = 0xff; t[15] = 0xff;
	memcpy(t + 20, payload, plen);
	c = tcp_checksum(4, ip + 12, ip + 16, t, 20 + plen);
	t[16] = c >> 8; t[17] = (c & 0xff) ^ (bad_csum ? 1 : 0);
	return o + 40 + plen;
}

static void tcp_over_ipv4_decodes(void **st)
{
	uint8_t f[2048];
	struct pkt p;
	uint32_t n = build_tcp4(f, "GET / HTTP/1.1\r\n", 0, 0);
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 1, &p), DEC_tcp);
	assert_int_equal(p.sport, 12345);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.payload_len, 16);
	assert_int_equal(p.ipver, 4);
}

static void vlan_and_qinq_are_unwrapped(void **st)
{
	uint8_t f[2048];
	struct pkt p;
	for (int v = 1; v <= 2; v++) {
		uint32_t n = build_tcp4(f, "x", v, 0);
		assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 1, &p), DEC_tcp);
		assert_int_equal(p.nvlan, v);
		assert_int_equal(p.l3_off, 14 + 4 * v);
	}
}

static void bad_tcp_checksum_is_named(void **st)
{
	uint8_t f[2048];
	struct pkt p;
	uint32_t n = build_tcp4(f, "abc", 0, 1);
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 1, &p), DEC_tcp_bad_csum);
	/* with verification off (hardware said good) it decodes */
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 0, &p), DEC_tcp);
}

static void bad_ipv4_checksum_is_named(void **st)
{
	uint8_t f[2048];
	struct pkt p;
	uint32_t n = build_tcp4(f, "abc", 0, 0);
	f[14 + 8] = 1;    /* TTL changed, checksum not */
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 1, &p), DEC_ipv4_bad_csum);
}

static void every_truncation_is_counted_not_read_past(void **st)
{
	uint8_t f[2048];
	struct pkt p;
	uint32_t n = build_tcp4(f, "payload!", 1, 0);
	for (uint32_t cut = 0; cut < n; cut++) {
		enum decode_ctr r = decode_frame(at_edge(f, cut), cut, LINK_ETH, 1, &p);
		assert_true(r != DEC_tcp || cut == n);
	}
	assert_int_equal(decode_frame(at_edge(f, 10), 10, LINK_ETH, 1, &p), DEC_eth_short);
	assert_int_equal(decode_frame(at_edge(f, 30), 30, LINK_ETH, 1, &p), DEC_ipv4_short);
}

static void ipv4_header_lengths_are_checked(void **st)
{
	uint8_t f[2048];
	struct pkt p;
	uint32_t n = build_tcp4(f, "abc", 0, 0);
	f[14] = 0x44;   /* IHL 4 */
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 0, &p), DEC_ipv4_bad_hlen);
	n = build_tcp4(f, "abc", 0, 0);
	f[14 + 3] = 200;  /* total length beyond the frame */
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 0, &p), DEC_ipv4_bad_len);
	n = build_tcp4(f, "abc", 0, 0);
	f[14 + 20 + 12] = 4 << 4;  /* TCP data offset 4 */
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 0, &p), DEC_tcp_bad_hlen);
	n = build_tcp4(f, "abc", 0, 0);
	f[14 + 20 + 12] = 15 << 4; /* TCP header of 60 bytes in a 23-byte segment */
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 0, &p), DEC_tcp_bad_hlen);
}

static void fragments_and_non_tcp_are_classified(void **st)
{
	uint8_t f[2048];
	struct pkt p;
	uint32_t n = build_tcp4(f, "abc", 0, 0);
	f[14 + 6] = 0x20;  /* more fragments */
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 0, &p), DEC_fragment);
	n = build_tcp4(f, "abc", 0, 0);
	f[14 + 9] = 17;
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 0, &p), DEC_non_tcp);
	n = build_tcp4(f, "abc", 0, 0);
	f[12] = 0x08; f[13] = 0x06;  /* ARP */
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 0, &p), DEC_non_ip);
}

static uint32_t build_tcp6(uint8_t *f, const uint8_t *ext, uint32_t extlen, uint8_t first_nh)
{
	memset(f, 0, 2048);
	f[12] = 0x86; f[13] = 0xdd;
	uint8_t *ip = f + 14;
	ip[0] = 0x60;
	uint32_t plen = extlen + 20;
	ip[4] = plen >> 8; ip[5] = plen & 0xff;
	ip[6] = first_nh; ip[7] = 64;
	ip[23] = 1; ip[39] = 2;
	memcpy(ip + 40, ext, extlen);
	uint8_t *t = ip + 40 + extlen;
	t[1] = 99; t[3] = 80; t[12] = 5 << 4; t[13] = 0x02;
	uint16_t c = tcp_checksum(6, ip + 8, ip + 24, t, 20);
	t[16] = c >> 8; t[17] = c & 0xff;
	return 14 + 40 + plen;
}

static void ipv6_extension_chain_is_walked(void **st)
{
	uint8_t f[2048], ext[16] = { 0 };
	struct pkt p;
	ext[0] = 60; ext[1] = 0;     /* hop-by-hop (8 bytes) → destination options */
	ext[8] = 6; ext[9] = 0;      /* destination options (8 bytes) → TCP */
	uint32_t n = build_tcp6(f, ext, 16, 0);
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 1, &p), DEC_tcp);
	assert_int_equal(p.ipver, 6);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.l4_off, 14 + 40 + 16);
}

static void ipv6_extension_chain_off_the_packet(void **st)
{
	uint8_t f[2048], ext[8] = { 60, 200 };  /* claims 1608 bytes */
	struct pkt p;
	uint32_t n = build_tcp6(f, ext, 8, 0);
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 1, &p), DEC_ipv6_ext_trunc);
	uint8_t loop[80];
	for (int i = 0; i < 10; i++) { loop[8 * i] = 60; loop[8 * i + 1] = 0; }
	n = build_tcp6(f, loop, 80, 60);
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 1, &p), DEC_ipv6_ext_loop);
}

static void ipv6_fragment_header_is_a_fragment(void **st)
{
	uint8_t f[2048], ext[8] = { 6, 0, 0, 1 };
	struct pkt p;
	uint32_t n = build_tcp6(f, ext, 8, 44);
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 1, &p), DEC_fragment);
}

static void raw_and_cooked_link_types(void **st)
{
	uint8_t f[2048], g[2048];
	struct pkt p;
	uint32_t n = build_tcp4(f, "hi", 0, 0);
	assert_int_equal(decode_frame(at_edge(f + 14, n - 14), n - 14, LINK_RAW, 1, &p), DEC_tcp);
	memset(g, 0, 16);
	g[14] = 0x08; g[15] = 0x00;
	memcpy(g + 16, f + 14, n - 14);
	assert_int_equal(decode_frame(at_edge(g, n + 2), n + 2, LINK_SLL, 1, &p), DEC_tcp);
	assert_int_equal(decode_frame(at_edge(g, n + 2), n + 2, 999, 1, &p), DEC_bad_linktype);
}

/* The IP packet of f (an Ethernet frame of n bytes) behind a link header. */
static uint32_t behind(uint8_t *g, const uint8_t *hdr, uint32_t hlen, const uint8_t *f, uint32_t n)
{
	memcpy(g, hdr, hlen);
	memcpy(g + hlen, f + 14, n - 14);
	return hlen + n - 14;
}

/* PPP (with and without HDLC address/control, compressed protocol), Cisco
 * HDLC, PPPoE and MPLS: the IP packet inside is found, the payload read,
 * and every cut of the link header is a counted short frame. */
static void ppp_hdlc_pppoe_and_mpls_are_unwrapped(void **st)
{
	uint8_t f[2048], g[2048];
	struct pkt p;
	uint32_t n = build_tcp4(f, "GET / HTTP/1.1\r\n", 0, 0), m;
	static const struct { int lt; uint8_t h[24]; uint32_t hl; } wraps[] = {
		{ LINK_PPP, { 0x00, 0x21 }, 2 },
		{ LINK_PPP, { 0xff, 0x03, 0x00, 0x21 }, 4 },
		{ LINK_PPP, { 0xff, 0x03, 0x21 }, 3 },                     /* protocol field compressed */
		{ LINK_CHDLC, { 0x0f, 0x00, 0x08, 0x00 }, 4 },
		{ LINK_CHDLC, { 0x0f, 0x00, 0x88, 0x47, 0, 0, 0x11, 64 }, 8 },   /* one MPLS label */
		{ LINK_ETH, { [12] = 0x88, 0x64, 0x11, 0x00, 0x00, 0x01, 0x00, 0x2a, 0x00, 0x21 }, 22 },
		{ LINK_ETH, { [12] = 0x88, 0x47, 0, 0, 0x10, 64, 0, 0, 0x21, 64 }, 22 },  /* two labels */
	};
	for (unsigned i = 0; i < sizeof(wraps) / sizeof(wraps[0]); i++) {
		m = behind(g, wraps[i].h, wraps[i].hl, f, n);
		assert_int_equal(decode_frame(at_edge(g, m), m, wraps[i].lt, 1, &p), DEC_tcp);
		assert_int_equal(p.l3_off, wraps[i].hl);
		assert_int_equal(p.payload_len, 16);
		assert_memory_equal(at_edge(g, m) + p.payload_off, "GET / HTTP/1.1\r\n", 16);
		for (uint32_t cut = 0; cut < wraps[i].hl; cut++) {
			enum decode_ctr r = decode_frame(at_edge(g, cut), cut, wraps[i].lt, 1, &p);
			assert_true(r == DEC_eth_short || r == DEC_non_ip || r == DEC_ipv4_short);
		}
	}
	/* PPP control protocols (LCP) and an MPLS stack with no bottom are not IP */
	m = behind(g, (const uint8_t[]){ 0xc0, 0x21 }, 2, f, n);
	assert_int_equal(decode_frame(at_edge(g, m), m, LINK_PPP, 1, &p), DEC_non_ip);
	uint8_t deep[14 + 9 * 4] = { [12] = 0x88, 0x47 };
	memcpy(g, deep, sizeof(deep));
	assert_int_equal(decode_frame(at_edge(g, sizeof(deep)), sizeof(deep), LINK_ETH, 1, &p), DEC_eth_short);
}

/* Checksums computed by an independent implementation (scapy), odd
 * payload length: the decoder must accept them and reject any change. */
static void checksums_agree_with_an_independent_implementation(void **st)
{
	static const uint8_t f[85] = {
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00,
		0x00, 0x47, 0x00, 0x07, 0x00, 0x00, 0x40, 0x06, 0x8e, 0x6e, 0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33,
		0x64, 0x07, 0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x50, 0x18,
		0x20, 0x00, 0x2e, 0x1c, 0x00, 0x00, 0x47, 0x45, 0x54, 0x20, 0x2f, 0x6f, 0x64, 0x64, 0x20, 0x48,
		0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x0d, 0x0a, 0x48, 0x6f, 0x73, 0x74, 0x3a, 0x20, 0x78,
		0x0d, 0x0a, 0x0d, 0x0a, 0x5a,
	};
	uint8_t g[85];
	struct pkt p;
	assert_int_equal(decode_frame(at_edge(f, 85), 85, LINK_ETH, 1, &p), DEC_tcp);
	assert_int_equal(p.payload_len, 31);
	for (int i = 54; i < 85; i++) {
		memcpy(g, f, 85);
		g[i] ^= 0x40;
		assert_int_equal(decode_frame(at_edge(g, 85), 85, LINK_ETH, 1, &p), DEC_tcp_bad_csum);
	}
}

static void syn_window_scale_option_is_read(void **st)
{
	uint8_t f[2048];
	struct pkt p;
	uint32_t n = build_tcp4(f, "", 0, 0);
	uint8_t *t = f + 14 + 20;
	/* grow the header by 4 bytes: NOP, WS=7 */
	t[12] = 6 << 4; t[13] = 0x02;
	t[20] = 1; t[21] = 3; t[22] = 3; t[23] = 7;
	f[14 + 3] = 44;
	f[14 + 10] = f[14 + 11] = 0;
	uint16_t c = csum_fold(csum_add(0, f + 14, 20));
	f[24] = c >> 8; f[25] = c & 0xff;
	t[16] = t[17] = 0;
	c = tcp_checksum(4, f + 26, f + 30, t, 24);
	t[16] = c >> 8; t[17] = c & 0xff;
	n += 4;
	assert_int_equal(decode_frame(at_edge(f, n), n, LINK_ETH, 1, &p), DEC_tcp);
	assert_int_equal(p.wscale, 7);
}

/* The vectorised checksum equals RFC 1071 summed a word at a time, for
 * any length and alignment. */
static void checksum_matches_the_plain_sum(void **st)
{
	static uint8_t buf[4200];
	unsigned seed = 3;
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (seed = seed * 1103515245u + 12345u) >> 16;
	for (uint32_t len = 0; len < 3000; len += 1 + len / 7) {
		for (uint32_t off = 0; off < 4; off++) {
			uint64_t ref = 0;
			for (uint32_t k = 0; k + 1 < len; k += 2)
				ref += (uint32_t)buf[off + k] << 8 | buf[off + k + 1];
			if (len & 1)
				ref += (uint32_t)buf[off + len - 1] << 8;
			while (ref >> 16)
				ref = (ref & 0xffff) + (ref >> 16);
			assert_int_equal(csum_fold(csum_add(0, buf + off, len)), (uint16_t)~ref);
		}
	}
	/* all ones up to the largest IP packet: every lane at its most */
	static uint8_t ones[65536];
	memset(ones, 0xff, sizeof(ones));
	static const uint32_t big[] = { 9000, 65534, 65535 };
	for (unsigned i = 0; i < 3; i++) {
		uint64_t ref = (uint64_t)(big[i] / 2) * 0xffff + (big[i] & 1 ? 0xff00 : 0);
		while (ref >> 16)
			ref = (ref & 0xffff) + (ref >> 16);
		assert_int_equal(csum_fold(csum_add(0, ones + 1, big[i])), (uint16_t)~ref);
	}
}

/* spread_pick: both directions of a flow, and a frame cut short (a
 * super-packet's first buffer), land together; the many connections of
 * one pair of hosts use every worker; a frame with no IP goes to 0. */
static void spread_keeps_flows_together(void **st)
{
	uint8_t f[2048], r[2048];
	uint32_t n = build_tcp4(f, "GET / HTTP/1.1\r\n", 1, 0);
	uint32_t ip = 18, tcp = ip + 20;
	int used[3] = { 0 };
	for (int c = 0; c < 96; c++) {
		f[tcp + 0] = (uint8_t)(0x80 + c);            /* client port */
		f[ip + 15] = (uint8_t)(1 + c % 2);           /* two client hosts */
		memcpy(r, f, n);
		memcpy(r + ip + 12, f + ip + 16, 4);        /* the answer: ends swapped */
		memcpy(r + ip + 16, f + ip + 12, 4);
		memcpy(r + tcp, f + tcp + 2, 2);
		memcpy(r + tcp + 2, f + tcp, 2);
		uint32_t w = spread_pick(f, n, LINK_ETH, 3);
		assert_true(w < 3);
		assert_int_equal(spread_pick(r, n, LINK_ETH, 3), w);
		f[ip + 2] = 0xff;                        /* longer than the frame */
		assert_int_equal(spread_pick(f, n, LINK_ETH, 3), w);
		f[ip + 2] = 0;
		used[w]++;
	}
	for (int w = 0; w < 3; w++)
		assert_true(used[w] > 16);
	f[16] = 0x08; f[17] = 0x06;                      /* ARP behind the VLAN tag */
	assert_int_equal(spread_pick(f, n, LINK_ETH, 3), 0);
	assert_int_equal(spread_pick(f, n, LINK_ETH, 1), 0);
}

/* An IPv4 fragment of datagram ID from the frame F (offset OFF8 in 8-byte
 * units, more fragments to come when MF). */
static uint32_t as_fragment(uint8_t *f, uint32_t n, uint16_t id, uint16_t off8, int mf)
{
	uint8_t *ip = f + 18;
	ip[4] = id >> 8; ip[5] = id & 0xff;
	uint16_t fo = (uint16_t)(off8 | (mf ? 0x2000 : 0));
	ip[6] = fo >> 8; ip[7] = fo & 0xff;
	return n;
}

/* spread_route: fragments go where their datagram's first went, those
 * that come first wait for it and then go out ahead of it in their order;
 * fragments whose first never comes go by address pair after the timeout
 * or at the end, and all of it is counted. */
static void spread_steers_fragments_by_their_first(void **st)
{
	static struct spread s;
	uint8_t f[2048];
	uint32_t n = build_tcp4(f, "0123456789abcdef0123456789abcdef", 1, 0);
	uint32_t ip = 18, tcp = ip + 20;
	int a = 1, b = 2, c = 3, d = 4, e = 5;
	int moved = 0;
	for (int port = 0; port < 64; port++) {
		f[tcp] = (uint8_t)(0x90 + port);
		f[ip + 6] = f[ip + 7] = 0;
		uint32_t owner = spread_pick(f, n, LINK_ETH, 4);
		spread_init(&s, 4, LINK_ETH, 0);
		/* the last fragment first: held */
		spread_route(&s, &a, f, as_fragment(f, n, 7, 2, 0), 1000);
		assert_int_equal(s.nout, 0);
		/* the first: releases it, then itself, both to the flow's owner */
		spread_route(&s, &b, f, as_fragment(f, n, 7, 0, 1), 2000);
		assert_int_equal(s.nout, 2);
		assert_ptr_equal(s.out[0].pkt, &a);
		assert_ptr_equal(s.out[1].pkt, &b);
		assert_int_equal(s.out[0].worker, owner);
		assert_int_equal(s.out[1].worker, owner);
		/* a later copy of a fragment follows */
		spread_route(&s, &c, f, as_fragment(f, n, 7, 1, 1), 3000);
		assert_int_equal(s.nout, 1);
		assert_int_equal(s.out[0].worker, owner);
		moved += owner != spread_pick(f, n, LINK_ETH, 4);   /* the pair's worker */
		/* another datagram whose first never comes: out after 30 s */
		spread_route(&s, &d, f, as_fragment(f, n, 8, 3, 0), 4000);
		assert_int_equal(s.nout, 0);
		f[ip + 6] = f[ip + 7] = 0;
		spread_route(&s, &e, f, n, 4000 + SPREAD_HOLD_NS + 1);
		assert_int_equal(s.nout, 2);
		assert_ptr_equal(s.out[0].pkt, &d);
		assert_ptr_equal(s.out[1].pkt, &e);
		assert_int_equal(s.out[1].worker, owner);
		assert_int_equal(s.ctr[SPREAD_frag_held], 2);
		assert_int_equal(s.ctr[SPREAD_frag_unpaired], 1);
		assert_int_equal(s.nheld, 0);
		/* held at the end of the capture: flushed */
		spread_route(&s, &d, f, as_fragment(f, n, 9, 3, 0), 5000 + SPREAD_HOLD_NS);
		assert_int_equal(s.nout, 0);
		spread_flush(&s);
		assert_int_equal(s.nout, 1);
		assert_ptr_equal(s.out[0].pkt, &d);
	}
	/* with ports in the hash, a pair's datagrams do not all stay on the
	 * pair's worker */
	assert_true(moved > 8);
}

int main(void)
{
	pagesz = sysconf(_SC_PAGESIZE);
	guard = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(guard + pagesz, pagesz, PROT_NONE);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checksum_matches_the_plain_sum),
		cmocka_unit_test(tcp_over_ipv4_decodes),
		cmocka_unit_test(ppp_hdlc_pppoe_and_mpls_are_unwrapped),
		cmocka_unit_test(vlan_and_qinq_are_unwrapped),
		cmocka_unit_test(bad_tcp_checksum_is_named),
		cmocka_unit_test(bad_ipv4_checksum_is_named),
		cmocka_unit_test(every_truncation_is_counted_not_read_past),
		cmocka_unit_test(ipv4_header_lengths_are_checked),
		cmocka_unit_test(fragments_and_non_tcp_are_classified),
		cmocka_unit_test(ipv6_extension_chain_is_walked),
		cmocka_unit_test(ipv6_extension_chain_off_the_packet),
		cmocka_unit_test(ipv6_fragment_header_is_a_fragment),
		cmocka_unit_test(raw_and_cooked_link_types),
		cmocka_unit_test(syn_window_scale_option_is_read),
		cmocka_unit_test(checksums_agree_with_an_independent_implementation),
		cmocka_unit_test(spread_keeps_flows_together),
		cmocka_unit_test(spread_steers_fragments_by_their_first),
	};
	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
