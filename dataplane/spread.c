/* spread.c — which worker owns a packet when one capture feeds several. */
#include <string.h>
#include "spread.h"

static uint64_t addr_mix(const uint8_t a[16])
{
	uint64_t lo, hi;
	memcpy(&lo, a, 8);
	memcpy(&hi, a + 8, 8);
	uint64_t h = (lo ^ (hi * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 29);
}

uint32_t spread_pick(const uint8_t *frame, uint32_t len, enum linktype lt, uint32_t nworkers)
{
	if (nworkers < 2)
		return 0;
	struct pkt p;
	p.ipver = 0;
	/* the addresses are set before any length or later check fails */
	decode_frame(frame, len, lt, 0, &p);
	if (!p.ipver)
		return 0;
	/* a sum, so the pair hashes the same either way round */
	uint64_t h = addr_mix(p.src) + addr_mix(p.dst);
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(((h >> 32) * nworkers) >> 32);
}
