/* fanout.c — one capture of template flows replayed as many long-lived
 * flows (see fanout.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "fanout.h"

void csum_replace4(uint8_t *field, uint32_t old, uint32_t new)
{
	uint16_t c;
	memcpy(&c, field, 2);
	uint32_t s = (uint16_t)~c;
	s += (uint16_t)~(old & 0xffff) + (uint16_t)~(old >> 16) + (new & 0xffff) + (new >> 16);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	c = (uint16_t)~s;
	memcpy(field, &c, 2);
}

void ipv4_set_addr(uint8_t *ip, uint8_t *tcp, uint8_t *which, const uint8_t addr[4])
{
	uint32_t old, new;
	memcpy(&old, which, 4);
	memcpy(&new, addr, 4);
	memcpy(which, addr, 4);
	csum_replace4(ip + 10, old, new);
	csum_replace4(tcp + 16, old, new);   /* the pseudo-header carries it too */
}

/* The client is the side with the higher (ephemeral) port. */
static int from_client(const struct pkt *p)
{
	return p->sport > p->dport;
}

int fanout_build(struct fanout *fo, const uint8_t *const *frames, const uint32_t *lens, uint32_t n,
		 uint32_t flows, char *err, size_t errlen)
{
	memset(fo, 0, sizeof(*fo));
	uint32_t size = 1;
	while (size < 2 * n + 2)
		size <<= 1;
	uint64_t *keys = calloc(size, sizeof(*keys));   /* client addr << 16 | port, +1 */
	uint32_t *ids = calloc(size, sizeof(*ids));
	fo->pkt = calloc(n ? n : 1, sizeof(*fo->pkt));
	fo->bytes = calloc(n ? n : 1, sizeof(*fo->bytes));
	if (!keys || !ids || !fo->pkt || !fo->bytes) {
		snprintf(err, errlen, "out of memory for %u template packets", n);
		goto fail;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct pkt p;
		if (decode_frame(frames[i], lens[i], LINK_ETH, 0, &p) != DEC_tcp || p.ipver != 4 || p.l3_off != 14) {
			snprintf(err, errlen, "packet %u is not TCP over IPv4 on Ethernet: "
				 "--bench-flows wants seam-pcapgen --templates captures", i + 1);
			goto fail;
		}
		if (p.tcp_flags & (TH_SYN | TH_FIN | TH_RST)) {
			snprintf(err, errlen, "packet %u opens or closes a connection: --bench-flows "
				 "wants mid-stream templates (seam-pcapgen --templates)", i + 1);
			goto fail;
		}
		int cs = from_client(&p);
		const uint8_t *ca = cs ? p.src : p.dst;
		uint64_t key = ((uint64_t)ca[0] << 40 | (uint64_t)ca[1] << 32 | (uint64_t)ca[2] << 24 |
				(uint64_t)ca[3] << 16 | (cs ? p.sport : p.dport)) + 1;
		uint32_t h = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 40) & (size - 1);
		while (keys[h] && keys[h] != key)
			h = (h + 1) & (size - 1);
		if (!keys[h]) {
			keys[h] = key;
			ids[h] = fo->ntmpl++;
		}
		uint32_t t = ids[h];
		fo->pkt[i] = t | (cs ? 1u << 31 : 0);
		fo->bytes[t][cs ? 0 : 1] += p.payload_len;
	}
	if (!fo->ntmpl) {
		snprintf(err, errlen, "the capture holds no packets");
		goto fail;
	}
	if (flows < fo->ntmpl || flows > 1u << 22) {   /* client addresses 10.64/10 */
		snprintf(err, errlen, "--bench-flows %u: between %u (the templates) and %u", flows, fo->ntmpl,
			 1u << 22);
		goto fail;
	}
	fo->npkts = n;
	fo->reps = flows / fo->ntmpl;
	free(keys);
	free(ids);
	return 0;
fail:
	free(keys);
	free(ids);
	fanout_free(fo);
	return -1;
}

void fanout_free(struct fanout *fo)
{
	free(fo->pkt);
	free(fo->bytes);
	memset(fo, 0, sizeof(*fo));
}

void fanout_apply(struct fanout *fo, uint8_t *frame, uint32_t len)
{
	uint64_t round = fo->pos / fo->npkts;
	uint32_t idx = (uint32_t)(fo->pos % fo->npkts);
	fo->pos++;
	if (len < 14 + 20 + 20)
		return;
	uint32_t t = fo->pkt[idx] & 0x7fffffff;
	int cs = fo->pkt[idx] >> 31;
	uint32_t inst = t + fo->ntmpl * (uint32_t)(round % fo->reps);
	uint32_t plays = (uint32_t)(round / fo->reps);
	uint8_t *ip = frame + 14, *tcp = ip + (ip[0] & 15) * 4;
	if (tcp + 20 > frame + len)
		return;
	/* the client's address: 10.64.0.0 + instance */
	uint8_t na[4] = { 10, (uint8_t)(64 + (inst >> 16)), (uint8_t)(inst >> 8), (uint8_t)inst };
	ipv4_set_addr(ip, tcp, cs ? ip + 12 : ip + 16, na);
	/* carry on from the instance's previous exchanges */
	uint32_t sent = plays * fo->bytes[t][cs ? 0 : 1], got = plays * fo->bytes[t][cs ? 1 : 0];
	uint32_t old_s, old_k, new_s, new_k;
	memcpy(&old_s, tcp + 4, 4);
	memcpy(&old_k, tcp + 8, 4);
	wr32(tcp + 4, rd32(tcp + 4) + sent);
	if (tcp[13] & TH_ACK)
		wr32(tcp + 8, rd32(tcp + 8) + got);
	memcpy(&new_s, tcp + 4, 4);
	memcpy(&new_k, tcp + 8, 4);
	csum_replace4(tcp + 16, old_s, new_s);
	csum_replace4(tcp + 16, old_k, new_k);
}
