/* test_hdrlog_corpus.c — every corpus case with the EVE header capture on
 * (every field dumped, small bounds so the cuts are reached too): the
 * analyzer raises exactly the findings it raises without it, and what an
 * event raised at each finding would carry is the same whole, byte by byte
 * and at random splits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "insp.h"
#include "corpus.h"
#include "blocks.h"

struct run {
	uint64_t bits[(F__COUNT + 63) / 64];
	uint64_t hash;            /* of the captures at each finding, in order */
	struct insp_sess *s;
	int capture;
};

static struct insp_limits lim;
static struct hdrlog hl;
static uint8_t blob[1 << 16];

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t hash_msg(uint64_t h, const struct hdrlog_msg *m)
{
	if (!m)
		return fnv(h, "-", 1);
	h = fnv(h, "+", 1);
	for (uint32_t i = 0; i < hdrlog_msg_nfields(m); i++) {
		const char *n, *v;
		uint32_t nl, vl;
		hdrlog_msg_field(m, i, &n, &nl, &v, &vl);
		h = fnv(fnv(fnv(h, n, nl), ":", 1), v, vl);
	}
	for (int k = HL_USER_AGENT; k <= HL_CONTENT_LENGTH; k++) {
		const char *v;
		uint32_t vl;
		if (hdrlog_msg_known(m, k, &v, &vl))
			h = fnv(fnv(h, &k, sizeof(k)), v, vl);
	}
	const char *a, *b, *c;
	uint32_t al, bl, cl;
	if (hdrlog_msg_request_line(m, &a, &al, &b, &bl, &c, &cl))
		h = fnv(fnv(fnv(h, a, al), b, bl), c, cl);
	return fnv(h, (uint8_t[]){ (uint8_t)hdrlog_msg_truncated(m) }, 1);
}

static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta)
{
	struct run *r = user;
	r->bits[hit->finding / 64] |= 1ull << (hit->finding % 64);
	if (!r->capture)
		return;
	int to_client = hit->dir != r->s->client_dir;
	hdrlog_export(&hl, &r->s->hl, &r->s->hl, to_client, blob);
	r->hash = fnv(r->hash, &hit->finding, sizeof(hit->finding));
	r->hash = hash_msg(hash_msg(r->hash, hdrlog_blob_msg(blob, 1)), hdrlog_blob_msg(blob, 0));
}

static void *h2_get(void *user) { return malloc(sizeof(struct h2_conn)); }
static void h2_put(void *user, void *p) { free(p); }
static void *early_get(void *user) { return malloc(H1_EARLY_MAX); }
static void early_put(void *user, void *p) { free(p); }

/* mode: 0 whole, 1 byte by byte, 2.. random cuts seeded by mode */
static void deliver(const struct corpus_case *k, int mode, int capture, struct run *out)
{
	struct insp_sess s;
	struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = out, .h2_get = h2_get,
				.h2_put = h2_put, .early_get = early_get, .early_put = early_put,
				.hdrlog = capture ? &hl : NULL };
	memset(out, 0, sizeof(*out));
	out->s = &s;
	out->capture = capture;
	insp_sess_init(&s, 0);
	unsigned seed = (unsigned)mode;
	for (int i = 0; i < k->nchunks; i++) {
		const struct corpus_chunk *c = &k->chunk[i];
		for (uint32_t off = 0, n; off < c->len; off += n) {
			n = c->len - off;
			if (mode == 1)
				n = 1;
			else if (mode >= 2) {
				seed = seed * 1103515245u + 12345u;
				uint32_t r = 1 + (seed >> 16) % 97;
				n = n < r ? n : r;
			}
			insp_feed(&s, c->dir, c->data + off, n, &env);
		}
	}
	insp_close(&s, INSP_ORIG, &env);
	insp_close(&s, INSP_RESP, &env);
	insp_sess_release(&s, &env);
}

static void run_case(void **state)
{
	const struct corpus_case *k = *state;
	struct run plain, whole, f;
	deliver(k, 0, 0, &plain);
	deliver(k, 0, 1, &whole);
	if (memcmp(plain.bits, whole.bits, sizeof(plain.bits)))
		fail_msg("%s:%d %s: the capture changed the findings", k->file, k->line, k->name);
	for (int mode = 1; mode < 10; mode++) {
		deliver(k, mode, 1, &f);
		if (memcmp(f.bits, whole.bits, sizeof(f.bits)) || f.hash != whole.hash)
			fail_msg("%s:%d %s: delivery %d: %s differ from whole", k->file, k->line, k->name, mode,
				 memcmp(f.bits, whole.bits, sizeof(f.bits)) ? "findings" : "captures");
	}
}

int main(int argc, char **argv)
{
	struct corpus corp = { 0 };
	char err[512];
	const char *dir = argc > 1 ? argv[1] : "pktgen-tests/corpus";
	struct hdrlog_cfg c;
	hdrlog_cfg_default(&c);
	c.dump = HDRLOG_DUMP_REQ | HDRLOG_DUMP_RSP;
	c.max_headers = 12;          /* small: the corpus reaches the cuts */
	c.max_header_bytes = 512;
	c.slots = 16;
	insp_limits_default(&lim);
	if (hdrlog_init(&hl, &c, err, sizeof(err)) < 0 || corpus_load_dir(&corp, dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "setup: %s\n", err);
		return 1;
	}
	struct CMUnitTest *t = calloc(corp.n, sizeof(*t));
	for (int i = 0; i < corp.n; i++) {
		t[i].name = corp.cases[i].name;
		t[i].test_func = run_case;
		t[i].initial_state = &corp.cases[i];
	}
	int r = _cmocka_run_group_tests("hdrlog_corpus", t, corp.n, NULL, test_blocks_free_all);
	free(t);
	corpus_free(&corp);
	hdrlog_free(&hl);
	return r;
}
