/* fuzz_reasm.c — libFuzzer target for the reassembly ordering core.
 *
 * The input is a script of segments (offset, length, corrupt?) over a
 * fixed stream.  Whatever the order, overlaps and corruption, the core
 * must never deliver a byte twice or out of order, must keep its caps,
 * must hand back every reference it took on a segment exactly once and
 * every verification block it took -- inline (strict) and under each
 * offline/mirror target policy.  A repeat of inspected bytes is judged
 * against what was inspected: OLD only when equal, CONFLICT only when
 * different, ACKED only when acknowledged.  ACKs come in the script too,
 * and the verification store is small enough to run dry. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "reasm.h"

#define LEN 2048

static void count(void *ctx, void *h) { (*(int *)ctx)++; }
static int refs;
static void ref(void *h) { refs++; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reasm_pool pool;
	static struct reasm_verify vs;
	static uint8_t vmem[6 * REASM_VBLOCK], stream[LEN], copies[256][64], seen[LEN];
	static uint32_t vlink[6];
	if (!pool.mem) {
		reasm_pool_init(&pool, 64);
		pool.ref = ref;
	}
	reasm_verify_init(&vs, vmem, vlink, 6, 1024);   /* the direction may want more than the store has */
	pool.verify = size > 4 && (data[2] & 1) ? NULL : &vs;
	for (int i = 0; i < LEN; i++)
		stream[i] = (uint8_t)(i * 7 + 3);
	struct reasm_limits lim = { .max_segs = 32, .max_bytes = 1024, .max_ahead = 1500 };
	struct reasm_dir r;
	reasm_dir_init(&r);
	uint32_t isn = size > 4 ? (uint32_t)data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3] : 1;
	reasm_dir_start(&r, isn);
	lim.strict = size > 4 && (data[3] & 1);
	pool.refuse_unverified = lim.strict && !(data[2] & 2);
	r.policy = size > 4 ? (data[3] >> 1) % RP__COUNT : RP_FIRST;
	int owned = 0, returned = 0;
	refs = 0;
	uint64_t delivered = 0;
	uint32_t nseg = 0;
	for (size_t i = 4; i + 4 <= size && nseg < 256; i += 4, nseg++) {
		uint32_t off = ((uint32_t)data[i] << 8 | data[i + 1]) % LEN;
		uint32_t len = 1 + data[i + 2] % 64;
		if (off + len > LEN)
			len = LEN - off;
		if ((data[i + 3] & 0x60) == 0x60) {        /* an ACK, not a segment */
			reasm_ack(&r, &pool, isn + off);
			nseg--;
			continue;
		}
		uint8_t *c = copies[nseg];
		memcpy(c, stream + off, len);
		if (data[i + 3] & 0x80)
			c[data[i + 3] % len] ^= 1;
		uint32_t o;
		enum reasm_result res = reasm_offer(&r, &pool, &lim, isn + off, c, len, c, &o);
		if (off + len <= delivered) {
			/* a repeat of inspected bytes, judged against them */
			uint32_t from = off;
			int32_t ad = r.have_ack ? (int32_t)(r.acked - isn) : 0;
			uint32_t acked = ad > 0 ? (uint32_t)ad : 0;
			if (acked > from)
				from = acked < off + len ? (uint32_t)acked : off + len;
			int same = memcmp(c + (from - off), seen + from, off + len - from) == 0;
			if ((res == RA_OLD && !same) || (res == RA_CONFLICT && same) ||
			    (res == RA_OLD_ACKED && from < off + len) ||
			    (res != RA_OLD && res != RA_CONFLICT && res != RA_OLD_ACKED && res != RA_OLD_UNVERIFIED))
				abort();
		}
		if (res == RA_QUEUED && lim.strict)
			abort();
		owned += res == RA_HELD || res == RA_QUEUED;
		if (res == RA_DELIVER) {
			if (o >= len)
				abort();
			memcpy(seen + delivered, c + o, len - o);
			delivered += len - o;
			reasm_consumed(&r, &pool, c + o, len - o);
		}
		if (res == RA_DELIVER || res == RA_QUEUED) {
			const uint8_t *hd;
			uint32_t hl;
			enum reasm_result hr;
			while (reasm_pop(&r, &pool, &hd, &hl, &o, &hr)) {
				returned++;
				if (hr == RA_DELIVER) {
					if (o >= hl)
						abort();
					memcpy(seen + delivered, hd + o, hl - o);
					delivered += hl - o;
					reasm_consumed(&r, &pool, hd + o, hl - o);
				}
			}
		}
		if (r.nheld > lim.max_segs || r.held_bytes > lim.max_bytes)
			abort();
		if (r.delivered != delivered || r.next != isn + (uint32_t)delivered)
			abort();
		if (pool.verify && (vs.ctr[RV_blocks] != r.vn || r.vn > vs.dir_max))
			abort();
	}
	int n = 0;
	reasm_flush(&r, &pool, count, &n);
	reasm_dir_end(&r, &pool);
	if (pool.nfree != pool.size || returned + n != owned + refs || vs.ctr[RV_blocks] != 0)
		abort();
	return 0;
}
