/* fuzz_h1.c — libFuzzer target for the HTTP/1 analyzer.
 *
 * Input: client bytes, then optionally 0xFF 0xFE and server bytes.  The
 * first byte seeds how the streams are cut and interleaved, so the
 * fuzzer explores resumption at every boundary; it also decides where a
 * capture gap falls and whether the flow ends by FIN or RST.  Any crash, sanitizer
 * report or read outside a span is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "insp.h"
#include "../tests/blocks.h"

static unsigned hits;
static struct hdrlog hl;          /* EVE header capture, every field dumped */
static uint8_t blob[1 << 16];

static void on_hit(void *user, const struct insp_hit *h, const struct insp_meta *m)
{
	struct insp_sess *s = user;
	hits += h->finding < F__COUNT;
	(void)m->uri[m->uri_len];    /* lengths stay inside the buffers */
	(void)m->host[m->host_len];
	/* what an event would carry: every field read back stays in the export */
	hdrlog_export(&hl, &s->hl, &s->hl, h->dir != s->client_dir, blob);
	for (int is_req = 0; is_req < 2; is_req++) {
		const struct hdrlog_msg *q = hdrlog_blob_msg(blob, is_req);
		for (uint32_t i = 0; q && i < hdrlog_msg_nfields(q); i++) {
			const char *n, *v;
			uint32_t nl, vl;
			hdrlog_msg_field(q, i, &n, &nl, &v, &vl);
			hits += (n[0] == 0) + (nl && n[nl - 1] == 0) + (vl && v[vl - 1] == 0);
		}
	}
}

static struct h2_conn h2state;
static void *h2_get(void *user) { return &h2state; }
static void h2_put(void *user, void *p) { }

/* two buffers for bytes held ahead of an Upgrade/CONNECT answer: nested
 * waits and an empty pool are both reached */
static uint8_t early_buf[2][H1_EARLY_MAX];
static uint8_t early_used[2];
static void *early_get(void *user)
{
	for (int i = 0; i < 2; i++)
		if (!early_used[i]) {
			early_used[i] = 1;
			return early_buf[i];
		}
	return NULL;
}
static void early_put(void *user, void *p)
{
	early_used[(uint8_t *)p == early_buf[1]] = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned seed = data[0], how = data[0];
	data++;
	size--;
	const uint8_t *cli = data, *srv = NULL;
	size_t ncli = size, nsrv = 0;
	for (size_t i = 0; i + 1 < size; i++)
		if (data[i] == 0xff && data[i + 1] == 0xfe) {
			ncli = i;
			srv = data + i + 2;
			nsrv = size - i - 2;
			break;
		}
	static struct insp_limits lim;
	insp_limits_default(&lim);
	lim.max_line = 512;        /* small limits reach the limit paths too */
	lim.max_hdr_bytes = 2048;
	lim.max_fields = 16;
	lim.max_chk_ext = 64;
	if (!hl.ring[0].mem) {
		struct hdrlog_cfg hc;
		char err[128];
		hdrlog_cfg_default(&hc);
		hc.dump = HDRLOG_DUMP_REQ | HDRLOG_DUMP_RSP;
		hc.max_headers = 8;         /* small: the cuts are reached too */
		hc.max_header_bytes = 256;
		hc.slots = 4;               /* ... and slots are reused within one input */
		if (hdrlog_init(&hl, &hc, err, sizeof(err)) < 0)
			return 0;
	}
	struct insp_sess s;
	struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .user = &s, .h2_get = h2_get, .h2_put = h2_put,
				.early_get = early_get, .early_put = early_put, .hdrlog = &hl };
	insp_sess_init(&s, seed & 1);
	size_t oc = 0, os = 0;
	while (oc < ncli || os < nsrv) {
		seed = seed * 1103515245u + 12345u;
		size_t step = 1 + (seed >> 16) % 67;
		int dir = (seed >> 8) & 1;
		if ((how & 4) && ((seed >> 20) & 31) == 0)
			insp_gap(&s, dir);          /* bytes lost for good, reading resumes */
		if (insp_wants_ack(&s, 0))
			insp_ack(&s, 0, (seed >> 4) & 1 ? os : os - (os ? (seed >> 5) % os : 0));
		if (insp_wants_ack(&s, 1))
			insp_ack(&s, 1, oc);
		if (dir == 0 && oc < ncli) {
			size_t n = ncli - oc < step ? ncli - oc : step;
			insp_feed(&s, 0, cli + oc, n, &env);
			oc += n;
		} else if (os < nsrv) {
			size_t n = nsrv - os < step ? nsrv - os : step;
			insp_feed(&s, 1, srv + os, n, &env);
			os += n;
		} else if (oc < ncli) {
			size_t n = ncli - oc < step ? ncli - oc : step;
			insp_feed(&s, 0, cli + oc, n, &env);
			oc += n;
		}
	}
	if (how & 2) {
		insp_abort(&s, 0, &env);
	} else {
		insp_close(&s, 1, &env);
		insp_close(&s, 0, &env);
	}
	insp_sess_release(&s, &env);
	if (test_blocks_out)
		abort();                  /* a header block not given back */
	if (early_used[0] || early_used[1])
		__builtin_trap();          /* a held buffer was not given back */
	return 0;
}
