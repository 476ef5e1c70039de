/* test_reasm.c — the ordering core: in-order delivery, holding, first copy
 * wins, caps, sequence wraparound, and a property test against a plain
 * reference model (a byte array indexed by stream offset). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "reasm.h"

static struct reasm_pool pool;
static struct reasm_limits lim = { .max_segs = 64, .max_bytes = 1 << 20, .max_ahead = 1 << 30, .strict = 1 };
/* the verification store: 1024 bytes a direction, as four blocks */
enum { NBLOCKS = 8192 };
static struct reasm_verify store;
static uint8_t store_mem[NBLOCKS * REASM_VBLOCK];
static uint32_t store_link[NBLOCKS];

static void noop(void *ctx, void *h) { (*(int *)ctx)++; }

static struct reasm_dir fresh(uint32_t isn)
{
	struct reasm_dir r;
	reasm_dir_init(&r);
	reasm_dir_start(&r, isn);
	return r;
}

static int refs, returned;
static void ref(void *h) { refs++; }

static void drain(struct reasm_dir *r, uint8_t *out, uint32_t *outlen)
{
	const uint8_t *hd;
	uint32_t hl, off;
	enum reasm_result hr;
	while (reasm_pop(r, &pool, &hd, &hl, &off, &hr)) {
		returned++;
		if (hr == RA_DELIVER) {
			memcpy(out + *outlen, hd + off, hl - off);
			*outlen += hl - off;
			reasm_consumed(r, &pool, hd + off, hl - off);
		}
	}
}

/* Deliver what reasm lets through into out (as an inspector would). */
static uint32_t offer(struct reasm_dir *r, uint32_t seq, const char *d, uint8_t *out, uint32_t *outlen,
		      enum reasm_result *res)
{
	uint32_t off, n = strlen(d);
	*res = reasm_offer(r, &pool, &lim, seq, (const uint8_t *)d, n, (void *)d, &off);
	if (*res == RA_DELIVER) {
		memcpy(out + *outlen, d + off, n - off);
		*outlen += n - off;
		reasm_consumed(r, &pool, (const uint8_t *)d + off, n - off);
	}
	if (*res == RA_DELIVER || *res == RA_QUEUED)
		drain(r, out, outlen);
	return n;
}

static void in_order_segments_are_delivered(void **st)
{
	struct reasm_dir r = fresh(1000);
	uint8_t out[64];
	uint32_t n = 0;
	enum reasm_result res;
	offer(&r, 1000, "GET ", out, &n, &res);
	assert_int_equal(res, RA_DELIVER);
	offer(&r, 1004, "/ HTTP", out, &n, &res);
	assert_int_equal(res, RA_DELIVER);
	assert_memory_equal(out, "GET / HTTP", 10);
	assert_int_equal(r.next, 1010);
}

static void out_of_order_is_held_until_the_gap_fills(void **st)
{
	struct reasm_dir r = fresh(1);
	uint8_t out[64];
	uint32_t n = 0;
	enum reasm_result res;
	offer(&r, 5, "EFGH", out, &n, &res);
	assert_int_equal(res, RA_HELD);
	offer(&r, 9, "IJ", out, &n, &res);
	assert_int_equal(res, RA_HELD);
	assert_int_equal(n, 0);
	assert_int_equal(r.nheld, 2);
	offer(&r, 1, "ABCD", out, &n, &res);
	assert_int_equal(res, RA_DELIVER);
	assert_int_equal(n, 10);
	assert_memory_equal(out, "ABCDEFGHIJ", 10);
	assert_int_equal(r.nheld, 0);
}

static void exact_retransmission_is_old_and_verified(void **st)
{
	struct reasm_dir r = fresh(1);
	uint8_t out[64];
	uint32_t n = 0;
	enum reasm_result res;
	offer(&r, 1, "ABCDEFGH", out, &n, &res);
	offer(&r, 3, "CDE", out, &n, &res);
	assert_int_equal(res, RA_OLD);
}

static void retransmission_with_other_bytes_conflicts(void **st)
{
	struct reasm_dir r = fresh(1);
	uint8_t out[64];
	uint32_t n = 0;
	enum reasm_result res;
	offer(&r, 1, "ABCDEFGH", out, &n, &res);
	offer(&r, 3, "CxE", out, &n, &res);
	assert_int_equal(res, RA_CONFLICT);
	/* an overlap that repeats old bytes wrongly and adds new ones */
	offer(&r, 7, "gHIJ", out, &n, &res);
	assert_int_equal(res, RA_CONFLICT);
	assert_int_equal(n, 8);      /* nothing of it was inspected */
	/* the same overlap with the right old bytes passes the new part only */
	offer(&r, 7, "GHIJ", out, &n, &res);
	assert_int_equal(res, RA_DELIVER);
	assert_memory_equal(out, "ABCDEFGHIJ", 10);
}

static void overlap_with_held_data_must_agree(void **st)
{
	struct reasm_dir r = fresh(1);
	uint8_t out[64];
	uint32_t n = 0;
	enum reasm_result res;
	offer(&r, 5, "EFGH", out, &n, &res);
	offer(&r, 5, "EFGH", out, &n, &res);
	assert_int_equal(res, RA_DUP_HELD);
	offer(&r, 6, "fG", out, &n, &res);
	assert_int_equal(res, RA_CONFLICT);
	/* an in-order segment running into held bytes with other content */
	offer(&r, 1, "ABCDxF", out, &n, &res);
	assert_int_equal(res, RA_CONFLICT);
	offer(&r, 1, "ABCDEF", out, &n, &res);
	assert_int_equal(res, RA_DELIVER);
	assert_memory_equal(out, "ABCDEFGH", 8);
}

static void retransmission_older_than_what_is_kept_is_unverified(void **st)
{
	struct reasm_dir r = fresh(1);
	uint64_t trimmed = store.ctr[RV_trimmed];
	static char big[1500];
	uint8_t out[4096];
	uint32_t n = 0;
	enum reasm_result res;
	memset(big, 'a', sizeof(big) - 1);
	offer(&r, 1, big, out, &n, &res);
	assert_int_equal(res, RA_DELIVER);
	offer(&r, 1, "aaaa", out, &n, &res);
	assert_int_equal(res, RA_OLD_UNVERIFIED);
	offer(&r, 1400, "aaaa", out, &n, &res);
	assert_int_equal(res, RA_OLD);
	/* 1499 bytes at once: only the newest fit in the direction's 4 blocks */
	assert_int_equal(r.vn, 4);
	assert_int_equal(store.ctr[RV_trimmed] - trimmed, 1);
	/* more bytes: the oldest block gives way */
	offer(&r, 1500, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", out, &n, &res);   /* to 1538 */
	assert_int_equal(res, RA_DELIVER);
	assert_int_equal(r.vn, 4);
	assert_int_equal(store.ctr[RV_trimmed] - trimmed, 2);
	offer(&r, 1 + 767, "aaaa", out, &n, &res);     /* in the block given up */
	assert_int_equal(res, RA_OLD_UNVERIFIED);
	offer(&r, 1 + 768, "aaaa", out, &n, &res);
	assert_int_equal(res, RA_OLD);
	reasm_dir_end(&r, &pool);
}

/* Once the receiver acknowledges bytes, a repeat of them cannot change
 * what it reads: their blocks go back to the store, and a repeat of them,
 * whatever its bytes, is RA_OLD_ACKED; unacknowledged bytes are still
 * verified.  An idle flow keeps nothing. */
static void acknowledged_bytes_are_released_and_repeats_of_them_pass(void **st)
{
	struct reasm_dir r = fresh(1);
	static char body[1001], other[301];
	uint8_t out[4096];
	uint32_t n = 0;
	enum reasm_result res;
	uint64_t blocks = store.ctr[RV_blocks];
	memset(body, 'a', 1000);
	memset(other, 'b', 300);
	offer(&r, 1, body, out, &n, &res);
	assert_int_equal(res, RA_DELIVER);
	assert_int_equal(store.ctr[RV_blocks] - blocks, 4);
	reasm_ack(&r, &pool, 1 + 600);              /* offsets 0..599 acknowledged */
	assert_int_equal(store.ctr[RV_blocks] - blocks, 2);
	assert_int_equal(r.vn, 2);
	offer(&r, 1, other, out, &n, &res);          /* 0..299, other bytes */
	assert_int_equal(res, RA_OLD_ACKED);
	offer(&r, 1 + 500, "aaaa", out, &n, &res);  /* 500..503: acknowledged too */
	assert_int_equal(res, RA_OLD_ACKED);
	offer(&r, 1 + 598, "aabb", out, &n, &res);  /* 598..601 straddles the ACK */
	assert_int_equal(res, RA_CONFLICT);
	offer(&r, 1 + 598, "aaaa", out, &n, &res);
	assert_int_equal(res, RA_OLD);
	offer(&r, 1 + 700, "bbbb", out, &n, &res);
	assert_int_equal(res, RA_CONFLICT);
	reasm_ack(&r, &pool, 1 + 500);               /* an older ACK changes nothing */
	assert_int_equal(r.vn, 2);
	reasm_ack(&r, &pool, 1 + 5000);              /* beyond what was read: up to it */
	assert_int_equal(r.vn, 0);
	assert_int_equal(r.acked, 1 + 1000);
	assert_int_equal(store.ctr[RV_blocks], blocks);
	/* new bytes after an idle spell are kept again */
	offer(&r, 1 + 1000, "cccc", out, &n, &res);
	assert_int_equal(res, RA_DELIVER);
	offer(&r, 1 + 1000, "cccd", out, &n, &res);
	assert_int_equal(res, RA_CONFLICT);
	assert_int_equal(r.vn, 1);
	reasm_dir_end(&r, &pool);
	assert_int_equal(store.ctr[RV_blocks], blocks);
}

/* A dry store is a counted reason: the direction's bytes so far cannot be
 * verified, a repeat of them is RA_OLD_UNVERIFIED (inline: refused unless
 * fail-open), and keeping resumes once blocks come back. */
static void a_dry_store_is_counted_and_repeats_go_unverified(void **st)
{
	static uint8_t mem2[2 * REASM_VBLOCK];
	static uint32_t link2[2];
	struct reasm_verify small;
	struct reasm_pool p2 = pool;
	reasm_verify_init(&small, mem2, link2, 2, 1024);
	p2.verify = &small;
	p2.refuse_unverified = 1;
	struct reasm_dir a = fresh(1), b = fresh(1);
	static char body[501];
	memset(body, 'a', 500);
	uint32_t off;
	assert_int_equal(reasm_offer(&a, &p2, &lim, 1, (uint8_t *)body, 500, body, &off), RA_DELIVER);
	reasm_consumed(&a, &p2, (uint8_t *)body, 500);   /* both blocks */
	assert_int_equal(reasm_offer(&b, &p2, &lim, 1, (uint8_t *)body, 100, body, &off), RA_DELIVER);
	reasm_consumed(&b, &p2, (uint8_t *)body, 100);
	assert_int_equal(small.ctr[RV_dry], 100);
	assert_int_equal(reasm_offer(&b, &p2, &lim, 1, (uint8_t *)body, 50, body, &off), RA_OLD_UNVERIFIED);
	/* the repeated part of an in-order segment: refused, or let through */
	assert_int_equal(reasm_offer(&b, &p2, &lim, 51, (uint8_t *)body, 100, body, &off), RA_OLD_UNVERIFIED);
	p2.refuse_unverified = 0;
	assert_int_equal(reasm_offer(&b, &p2, &lim, 51, (uint8_t *)body, 100, body, &off), RA_DELIVER);
	assert_int_equal(off, 50);
	reasm_consumed(&b, &p2, (uint8_t *)body + 50, 50);
	assert_int_equal(small.ctr[RV_dry], 150);
	/* a's bytes acknowledged: the store has room again */
	reasm_ack(&a, &p2, 1 + 300);     /* whole blocks only: the first */
	assert_int_equal(small.ctr[RV_blocks], 1);
	assert_int_equal(reasm_offer(&b, &p2, &lim, 151, (uint8_t *)"xyz", 3, body, &off), RA_DELIVER);
	reasm_consumed(&b, &p2, (uint8_t *)"xyz", 3);
	assert_int_equal(reasm_offer(&b, &p2, &lim, 151, (uint8_t *)"xyz", 3, body, &off), RA_OLD);
	assert_int_equal(reasm_offer(&b, &p2, &lim, 150, (uint8_t *)"axyz", 4, body, &off), RA_OLD_UNVERIFIED);
	reasm_dir_end(&a, &p2);
	reasm_dir_end(&b, &p2);
	assert_int_equal(small.ctr[RV_blocks], 0);
}

static void unprovable_repeat_strict_refuses_lenient_reads_new_bytes(void **st)
{
	static char big[1500];
	uint8_t out[4096];
	uint32_t n = 0, off;
	enum reasm_result res;
	memset(big, 'a', sizeof(big) - 1);
	struct reasm_dir r = fresh(1);
	offer(&r, 1, big, out, &n, &res);
	/* repeats bytes 1..1499 (beyond the 1024 bytes kept) and adds "XY" */
	static char rep[1502];
	memset(rep, 'a', 1499);
	memcpy(rep + 1499, "XY", 3);
	pool.refuse_unverified = 1;
	assert_int_equal(reasm_offer(&r, &pool, &lim, 1, (uint8_t *)rep, 1501, rep, &off), RA_OLD_UNVERIFIED);
	pool.refuse_unverified = 0;
	struct reasm_limits lenient = lim;
	lenient.strict = 0;
	assert_int_equal(reasm_offer(&r, &pool, &lenient, 1, (uint8_t *)rep, 1501, rep, &off), RA_DELIVER);
	assert_int_equal(off, 1499);
	reasm_dir_end(&r, &pool);
}

static void hold_caps_are_enforced(void **st)
{
	struct reasm_dir r = fresh(1);
	uint8_t out[64];
	uint32_t n = 0;
	enum reasm_result res;
	char seg[2] = "x";
	for (uint32_t i = 0; i < lim.max_segs; i++) {
		offer(&r, 10 + 2 * i, seg, out, &n, &res);
		assert_int_equal(res, RA_HELD);
	}
	offer(&r, 10 + 2 * lim.max_segs, seg, out, &n, &res);
	assert_int_equal(res, RA_CAP_DIR);
	offer(&r, (1u << 30) + 100, seg, out, &n, &res);
	assert_int_equal(res, RA_TOO_FAR);
	int c = 0;
	reasm_flush(&r, &pool, noop, &c);
	assert_int_equal(c, lim.max_segs);
}

static void flush_returns_every_held_segment(void **st)
{
	struct reasm_dir r = fresh(1);
	uint8_t out[64];
	uint32_t n = 0;
	enum reasm_result res;
	uint32_t before = pool.nfree;
	offer(&r, 10, "a", out, &n, &res);
	offer(&r, 20, "b", out, &n, &res);
	int count = 0;
	reasm_flush(&r, &pool, noop, &count);
	assert_int_equal(count, 2);
	assert_int_equal(pool.nfree, before);
}

static void sequence_numbers_wrap(void **st)
{
	struct reasm_dir r = fresh(0xfffffffcu);
	uint8_t out[64];
	uint32_t n = 0;
	enum reasm_result res;
	offer(&r, 0x00000000u, "EFGH", out, &n, &res);
	assert_int_equal(res, RA_HELD);
	offer(&r, 0xfffffffcu, "ABCD", out, &n, &res);
	assert_int_equal(res, RA_DELIVER);
	assert_memory_equal(out, "ABCDEFGH", 8);
	assert_int_equal(r.next, 4);
}

/* Target policies (offline/mirror): the classic overlap shapes, each
 * settled as the named stack settles it.  Every scenario holds "aaaa"-like
 * data first, then offers a new copy with other bytes, then fills the gap
 * before it; the inspected stream must be what that host reads. */
struct shape { const char *name; uint32_t hseq; const char *held; uint32_t nseq; const char *newer;
	       const char *fill; const char *tail; const char *want[RP__COUNT]; };

static const struct shape shapes[] = {
	{ "new starts before, ends inside", 4, "aaaa", 2, "bbbb", "00", "zz",
	  { "00bbaaaazz", "00bbbbaazz", "00bbbbaazz", "00bbbbaazz", "00bbaaaazz", "00bbaaaazz" } },
	{ "same start, new ends after", 4, "aaaa", 4, "bbbbbb", "0000", "",
	  { "0000aaaabb", "0000bbbbbb", "0000aaaabb", "0000bbbbbb", "0000aaaabb", "0000bbbbbb" } },
	{ "new strictly inside", 2, "aaaaaa", 4, "bb", "00", "",
	  { "00aaaaaa", "00aabbaa", "00aaaaaa", "00aaaaaa", "00aaaaaa", "00aaaaaa" } },
	{ "new covers held", 4, "aa", 2, "bbbbbb", "00", "",
	  { "00bbaabb", "00bbbbbb", "00bbbbbb", "00bbbbbb", "00bbaabb", "00bbbbbb" } },
	{ "new starts inside, ends after", 2, "aaaa", 4, "bbbb", "00", "",
	  { "00aaaabb", "00aabbbb", "00aaaabb", "00aaaabb", "00aaaabb", "00aabbbb" } },
	{ "in-order segment runs into held", 4, "aaaa", 0, "0000bb", "", "",
	  { "0000aaaa", "0000bbaa", "0000bbaa", "0000bbaa", "0000aaaa", "0000aaaa" } },
};

static void overlaps_are_settled_by_the_target_policy(void **st)
{
	struct reasm_limits mirror = lim;
	mirror.strict = 0;
	pool.ref = ref;
	for (unsigned k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		const struct shape *sh = &shapes[k];
		for (int pol = 0; pol < RP__COUNT; pol++) {
			struct reasm_dir r = fresh(1000);
			r.policy = pol;
			uint8_t out[64];
			uint32_t n = 0, off, before = pool.nfree;
			refs = returned = 0;
			int owned = 0;   /* offers whose handle the core kept */
			enum reasm_result res = reasm_offer(&r, &pool, &mirror, 1000 + sh->hseq, (const uint8_t *)sh->held,
							    strlen(sh->held), (void *)sh->held, &off);
			assert_int_equal(res, RA_HELD);
			owned++;
			res = reasm_offer(&r, &pool, &mirror, 1000 + sh->nseq, (const uint8_t *)sh->newer,
					  strlen(sh->newer), (void *)sh->newer, &off);
			if (res == RA_DELIVER) {
				/* no conflict noticed: only possible if the shapes agree */
				fail_msg("%s/%s: conflict not seen", sh->name, overlap_policy_names[pol]);
			}
			assert_true(res == RA_QUEUED || res == RA_CONFLICT);
			owned += res == RA_QUEUED;
			drain(&r, out, &n);
			if (*sh->fill) {
				res = reasm_offer(&r, &pool, &mirror, 1000, (const uint8_t *)sh->fill, strlen(sh->fill),
						  (void *)sh->fill, &off);
				assert_int_equal(res, RA_DELIVER);
				memcpy(out + n, sh->fill + off, strlen(sh->fill) - off);
				n += strlen(sh->fill) - off;
				reasm_consumed(&r, &pool, (const uint8_t *)sh->fill + off, strlen(sh->fill) - off);
				drain(&r, out, &n);
			}
			if (*sh->tail) {
				res = reasm_offer(&r, &pool, &mirror, 1000 + n, (const uint8_t *)sh->tail, strlen(sh->tail),
						  (void *)sh->tail, &off);
				assert_int_equal(res, RA_DELIVER);
				memcpy(out + n, sh->tail + off, strlen(sh->tail) - off);
				n += strlen(sh->tail) - off;
				reasm_consumed(&r, &pool, (const uint8_t *)sh->tail + off, strlen(sh->tail) - off);
			}
			out[n] = 0;
			if (strcmp((char *)out, sh->want[pol]) != 0)
				fail_msg("%s under %s: read \"%s\", want \"%s\"", sh->name, overlap_policy_names[pol],
					 (char *)out, sh->want[pol]);
			/* every reference the core took comes back exactly once */
			assert_int_equal(r.nheld, 0);
			assert_int_equal(returned, owned + refs);
			assert_int_equal(pool.nfree, before);
		}
	}
	pool.ref = NULL;
}

/* Property: for any shuffled, duplicated, overlapping and partly corrupted
 * delivery, the core behaves like the reference model "the first copy of
 * each byte wins; a segment that disagrees with any byte already taken is
 * refused whole": the inspected stream is the model's contiguous prefix. */
static unsigned rng(unsigned *s) { return (*s = *s * 1103515245u + 12345u) >> 8; }

static void property_matches_reference_model(void **st)
{
	struct reasm_limits big = { .max_segs = 4096, .max_bytes = 1 << 20, .max_ahead = 1 << 30, .strict = 1 };
	unsigned seed = 7;
	for (int round = 0; round < 400; round++) {
		enum { LEN = 600 };
		uint8_t stream[LEN], model[LEN], taken[LEN] = { 0 }, out[LEN];
		static uint8_t copies[300][48];
		struct { uint32_t off, len; } segs[300];
		int ns = 0;
		for (unsigned i = 0; i < LEN; i++)
			stream[i] = 'a' + rng(&seed) % 26;
		for (uint32_t off = 0; off < LEN;) {
			uint32_t l = 1 + rng(&seed) % 40;
			if (off + l > LEN) l = LEN - off;
			segs[ns].off = off; segs[ns].len = l;
			memcpy(copies[ns], stream + off, l);
			ns++;
			off += l;
		}
		int base = ns;
		for (int k = 0; k < base / 2 && ns < 300; k++) {
			uint32_t o = rng(&seed) % (LEN - 1), l = 1 + rng(&seed) % 30;
			if (o + l > LEN) l = LEN - o;
			segs[ns].off = o; segs[ns].len = l;
			memcpy(copies[ns], stream + o, l);
			if (rng(&seed) % 3 == 0)
				copies[ns][rng(&seed) % l] ^= 0x20;
			ns++;
		}
		for (int i = ns - 1; i > 0; i--) {
			int j = rng(&seed) % (i + 1);
			typeof(segs[0]) t = segs[i]; segs[i] = segs[j]; segs[j] = t;
			uint8_t tmp[48];
			memcpy(tmp, copies[i], 48); memcpy(copies[i], copies[j], 48); memcpy(copies[j], tmp, 48);
		}
		uint32_t isn = rng(&seed) * 977u;
		struct reasm_dir r;
		reasm_dir_init(&r);
		reasm_dir_start(&r, isn);
		uint32_t n = 0;
		for (int i = 0; i < ns; i++) {
			/* the model */
			int clash = 0;
			for (uint32_t b = 0; b < segs[i].len; b++)
				if (taken[segs[i].off + b] && model[segs[i].off + b] != copies[i][b])
					clash = 1;
			if (!clash)
				for (uint32_t b = 0; b < segs[i].len; b++) {
					taken[segs[i].off + b] = 1;
					model[segs[i].off + b] = copies[i][b];
				}
			/* the core */
			uint32_t off;
			enum reasm_result res = reasm_offer(&r, &pool, &big, isn + segs[i].off, copies[i],
							    segs[i].len, copies[i], &off);
			assert_int_equal(res == RA_CONFLICT, clash);
			if (res != RA_DELIVER)
				continue;
			memcpy(out + n, copies[i] + off, segs[i].len - off);
			n += segs[i].len - off;
			reasm_consumed(&r, &pool, copies[i] + off, segs[i].len - off);
			const uint8_t *hd;
			uint32_t hl;
			enum reasm_result hr;
			while (reasm_pop(&r, &pool, &hd, &hl, &off, &hr)) {
				assert_int_not_equal(hr, RA_CONFLICT);
				if (hr == RA_DELIVER) {
					memcpy(out + n, hd + off, hl - off);
					n += hl - off;
					reasm_consumed(&r, &pool, hd + off, hl - off);
				}
			}
		}
		uint32_t prefix = 0;
		while (prefix < LEN && taken[prefix])
			prefix++;
		assert_int_equal(n, prefix);
		assert_memory_equal(out, model, n);
		int cnt = 0;
		reasm_flush(&r, &pool, noop, &cnt);
		reasm_dir_end(&r, &pool);
	}
}

/* Property, offline/mirror: under "first" (and "windows") each byte is the
 * first copy of it that arrived, under "last" the latest copy that arrived
 * before the byte was read; under every policy each byte read is some
 * copy's byte, the stream runs as far as the copies cover it, and every
 * reference the core took on a packet comes back once. */
static void property_policies_match_per_byte_models(void **st)
{
	struct reasm_limits big = { .max_segs = 4096, .max_bytes = 1 << 20, .max_ahead = 1 << 30 };
	unsigned seed = 11;
	pool.ref = ref;
	for (int round = 0; round < 600; round++) {
		enum { LEN = 500, NS = 300 };
		static uint8_t stream[LEN], model[LEN], covered[LEN], out[LEN], copies[NS][40];
		static uint8_t seen[LEN][4];    /* up to 4 distinct bytes per offset */
		static uint8_t nseen[LEN];
		struct { uint32_t off, len; } segs[NS];
		int pol = round % RP__COUNT, ns = 0;
		memset(model, 0, sizeof(model));
		memset(covered, 0, sizeof(covered));
		memset(nseen, 0, sizeof(nseen));
		for (unsigned i = 0; i < LEN; i++)
			stream[i] = 'a' + rng(&seed) % 26;
		while (ns < NS) {
			uint32_t o = rng(&seed) % LEN, l = 1 + rng(&seed) % 40;
			if (o + l > LEN) l = LEN - o;
			segs[ns].off = o; segs[ns].len = l;
			memcpy(copies[ns], stream + o, l);
			if (rng(&seed) % 3 == 0)                  /* another version of some bytes */
				for (uint32_t b = rng(&seed) % l; b < l; b += 1 + rng(&seed) % 4)
					copies[ns][b] = 'A' + rng(&seed) % 3;
			ns++;
		}
		struct reasm_dir r;
		reasm_dir_init(&r);
		uint32_t isn = rng(&seed) * 2654435761u;
		reasm_dir_start(&r, isn);
		r.policy = pol;
		uint32_t n = 0, before = pool.nfree;
		int owned = 0;
		refs = returned = 0;
		for (int i = 0; i < ns; i++) {
			uint32_t o = segs[i].off, l = segs[i].len;
			for (uint32_t b = 0; b < l; b++) {
				uint32_t x = o + b;
				if (x >= n && (!covered[x] || pol == RP_LAST))
					model[x] = copies[i][b];
				covered[x] = 1;
				int known = 0;
				for (int k = 0; k < nseen[x]; k++)
					known |= seen[x][k] == copies[i][b];
				if (!known && nseen[x] < 4)
					seen[x][nseen[x]++] = copies[i][b];
			}
			uint32_t off;
			enum reasm_result res = reasm_offer(&r, &pool, &big, isn + o, copies[i], l, copies[i], &off);
			assert_true(res != RA_CAP_DIR && res != RA_CAP_POOL);
			if (res == RA_HELD || res == RA_QUEUED)
				owned++;
			if (res == RA_DELIVER) {
				memcpy(out + n, copies[i] + off, l - off);
				n += l - off;
				reasm_consumed(&r, &pool, copies[i] + off, l - off);
			}
			if (res == RA_DELIVER || res == RA_QUEUED)
				drain(&r, out, &n);
		}
		uint32_t prefix = 0;
		while (prefix < LEN && covered[prefix])
			prefix++;
		assert_int_equal(n, prefix);
		for (uint32_t x = 0; x < n; x++) {
			int known = 0;
			for (int k = 0; k < nseen[x]; k++)
				known |= seen[x][k] == out[x];
			assert_true(known);
		}
		if (pol == RP_FIRST || pol == RP_WINDOWS || pol == RP_LAST)
			assert_memory_equal(out, model, n);
		int flushed = 0;
		reasm_flush(&r, &pool, noop, &flushed);
		assert_int_equal(returned + flushed, owned + refs);
		assert_int_equal(pool.nfree, before);
		reasm_dir_end(&r, &pool);
	}
	pool.ref = NULL;
}

int main(void)
{
	reasm_pool_init(&pool, 4096);
	reasm_verify_init(&store, store_mem, store_link, NBLOCKS, 1024);
	pool.verify = &store;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order_segments_are_delivered),
		cmocka_unit_test(out_of_order_is_held_until_the_gap_fills),
		cmocka_unit_test(exact_retransmission_is_old_and_verified),
		cmocka_unit_test(retransmission_with_other_bytes_conflicts),
		cmocka_unit_test(overlap_with_held_data_must_agree),
		cmocka_unit_test(retransmission_older_than_what_is_kept_is_unverified),
		cmocka_unit_test(acknowledged_bytes_are_released_and_repeats_of_them_pass),
		cmocka_unit_test(a_dry_store_is_counted_and_repeats_go_unverified),
		cmocka_unit_test(hold_caps_are_enforced),
		cmocka_unit_test(unprovable_repeat_strict_refuses_lenient_reads_new_bytes),
		cmocka_unit_test(flush_returns_every_held_segment),
		cmocka_unit_test(sequence_numbers_wrap),
		cmocka_unit_test(property_matches_reference_model),
		cmocka_unit_test(overlaps_are_settled_by_the_target_policy),
		cmocka_unit_test(property_policies_match_per_byte_models),
	};
	return cmocka_run_group_tests_name("reasm", tests, NULL, NULL);
}
