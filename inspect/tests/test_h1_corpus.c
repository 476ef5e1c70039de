/* test_h1_corpus.c — every corpus case through the HTTP/1 analyzer, whole,
 * byte by byte, split at every offset and at random points: the expected
 * findings must appear, benign cases must raise nothing above acceptable,
 * and every delivery must give the same set of findings.  Expectations of
 * sig.* (the Hyperscan stage) are checked by the offline test through seam. */
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

struct fset { uint64_t bits[(F__COUNT + 63) / 64]; };

static void on_hit(void *user, const struct insp_hit *hit, const struct insp_meta *meta)
{
	struct fset *fs = user;
	fs->bits[hit->finding / 64] |= 1ull << (hit->finding % 64);
}

static struct insp_limits lim;
/* splits per chunk at most (0: every offset up to 2 kB, 512 above) */
static uint32_t max_splits;

static void *h2_get(void *user) { return malloc(sizeof(struct h2_conn)); }
static void h2_put(void *user, void *p) { free(p); }
static void *early_get(void *user) { return malloc(H1_EARLY_MAX); }
static void early_put(void *user, void *p) { free(p); }

/* Deliver a case; mode gives the segment sizes to use (0 = whole, 1 = byte
 * by byte, 2 = split at `at`, 3 = random).  ACKs are passed on as the
 * dataplane passes them: a crossed chunk's sender had not received the
 * chunk before it.  uncross: deliver each crossed chunk before the chunk it
 * crossed instead (the other order a capture may show). */
static void deliver_order(const struct corpus_case *k, int mode, uint32_t at, uint32_t which,
			  unsigned seed, int uncross, struct fset *out)
{
	struct insp_sess s;
	struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = out, .h2_get = h2_get,
				.h2_put = h2_put, .early_get = early_get, .early_put = early_put };
	int order[CORPUS_MAX_CHUNKS];
	uint64_t fed[2] = { 0, 0 };
	for (int i = 0; i < k->nchunks; i++)
		order[i] = i;
	for (int i = 1; uncross && i < k->nchunks; i++)
		if (k->chunk[i].crossed) {
			order[i - 1] = i;
			order[i] = i - 1;
		}
	memset(out, 0, sizeof(*out));
	insp_sess_init(&s, k->midstream);
	for (int oi = 0; oi < k->nchunks; oi++) {
		int i = order[oi];
		const struct corpus_chunk *c = &k->chunk[i];
		uint64_t acked = fed[!c->dir];
		if (c->crossed && !uncross)
			acked -= k->chunk[i - 1].len;
		uint32_t off = 0;
		while (off < c->len) {
			uint32_t n = c->len - off;
			if (mode == 1)
				n = 1;
			else if (mode == 2 && (uint32_t)i == which && off < at)
				n = at - off;
			else if (mode == 3) {
				seed = seed * 1103515245u + 12345u;
				uint32_t r = 1 + (seed >> 16) % 97;
				n = n < r ? n : r;
			}
			if (insp_wants_ack(&s, c->dir))
				insp_ack(&s, c->dir, acked);
			insp_feed(&s, c->dir, c->data + off, n, &env);
			off += n;
		}
		fed[c->dir] += c->len;
	}
	/* the case's close, in the order its packets go on the wire */
	if (k->close == CORPUS_CLOSE_RESET) {
		insp_abort(&s, INSP_ORIG, &env);
	} else if (k->close == CORPUS_CLOSE_SERVER) {
		insp_close(&s, INSP_RESP, &env);
		insp_close(&s, INSP_ORIG, &env);
	} else {
		insp_close(&s, INSP_ORIG, &env);
		insp_close(&s, INSP_RESP, &env);
	}
	insp_sess_release(&s, &env);
	if (test_blocks_out)
		fail_msg("%s:%d %s: %ld header blocks not given back", k->file, k->line, k->name, test_blocks_out);
}

static void deliver(const struct corpus_case *k, int mode, uint32_t at, uint32_t which,
		    unsigned seed, struct fset *out)
{
	deliver_order(k, mode, at, which, seed, 0, out);
}

static void describe(const struct fset *f, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (int i = 0; i < F__COUNT && o < len; i++)
		if (f->bits[i / 64] & (1ull << (i % 64)))
			o += snprintf(buf + o, len - o, "%s ", finding_table[i].name);
}

static void check_set(const struct corpus_case *k, const struct fset *f, const struct fset *ref,
		      const char *how)
{
	char got[2048];
	describe(f, got, sizeof(got));
	if (k->benign) {
		for (int i = 0; i < F__COUNT; i++)
			if ((f->bits[i / 64] & (1ull << (i % 64))) &&
			    finding_table[i].tier >= TIER_AMBIGUOUS)
				fail_msg("%s:%d %s (%s): benign case raised: %s", k->file, k->line,
					 k->name, how, got);
	}
	for (int e = 0; e < k->nexpect; e++) {
		/* signatures are compiled by control/: checked end to end */
		if (strncmp(k->expect[e], "sig.", 4) == 0)
			continue;
		int id = finding_from_name(k->expect[e]);
		if (id < 0)
			fail_msg("%s:%d %s: unknown finding %s", k->file, k->line, k->name, k->expect[e]);
		if (!(f->bits[id / 64] & (1ull << (id % 64))))
			fail_msg("%s:%d %s (%s): expected %s, got: %s", k->file, k->line, k->name,
				 how, k->expect[e], got);
	}
	if (ref && memcmp(f, ref, sizeof(*f)) != 0) {
		char want[2048];
		describe(ref, want, sizeof(want));
		fail_msg("%s:%d %s (%s): findings differ from whole delivery: %s vs %s",
			 k->file, k->line, k->name, how, got, want);
	}
}

static void run_case(void **state)
{
	const struct corpus_case *k = *state;
	struct fset whole, f;
	char how[64];

	deliver(k, 0, 0, 0, 0, &whole);
	check_set(k, &whole, NULL, "whole");
	deliver(k, 1, 0, 0, 0, &f);
	check_set(k, &f, &whole, "byte by byte");
	for (int i = 0; i < k->nchunks; i++) {
		uint32_t len = k->chunk[i].len;
		uint32_t step = len > 2048 ? len / 512 : 1;
		if (max_splits && len / max_splits > step)
			step = len / max_splits;
		for (uint32_t at = 1; at < len; at += step) {
			deliver(k, 2, at, i, 0, &f);
			snprintf(how, sizeof(how), "chunk %d split at %u", i, at);
			check_set(k, &f, &whole, how);
		}
	}
	for (unsigned seed = 1; seed <= 16; seed++) {
		deliver(k, 3, 0, 0, seed, &f);
		snprintf(how, sizeof(how), "random split seed %u", seed);
		check_set(k, &f, &whole, how);
	}
	/* crossed chunks: the verdict must not depend on which direction the
	 * capture shows first */
	for (int i = 1; i < k->nchunks; i++)
		if (k->chunk[i].crossed) {
			deliver_order(k, 0, 0, 0, 0, 1, &f);
			check_set(k, &f, &whole, "crossed chunks seen in the other order");
			deliver_order(k, 1, 0, 0, 0, 1, &f);
			check_set(k, &f, &whole, "crossed chunks in the other order, byte by byte");
			break;
		}
}

int main(int argc, char **argv)
{
	struct corpus corp = { 0 };
	char err[512];
	const char *dir = argc > 1 ? argv[1] : "pktgen-tests/corpus";
	if (argc > 2)
		max_splits = (uint32_t)strtoul(argv[2], NULL, 10);

	insp_limits_default(&lim);
	if (corpus_load_dir(&corp, dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "corpus: %s\n", err);
		return 1;
	}
	struct CMUnitTest *t = calloc(corp.n, sizeof(*t));
	for (int i = 0; i < corp.n; i++) {
		t[i].name = corp.cases[i].name;
		t[i].test_func = run_case;
		t[i].initial_state = &corp.cases[i];
	}
	int rc = _cmocka_run_group_tests("h1_corpus", t, corp.n, NULL, NULL);
	free(t);
	corpus_free(&corp);
	return rc;
}
