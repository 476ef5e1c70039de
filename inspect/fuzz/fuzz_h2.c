/* fuzz_h2.c — libFuzzer target for the HTTP/2 frame parser and HPACK.
 *
 * Input: client frames, then optionally 0xFF 0xFE and server frames.  The
 * connection is already HTTP/2 (the client preface is sent first), so
 * every input byte reaches the frame layer; the first byte seeds how the
 * two streams are cut and interleaved. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "insp.h"
#include "h2.h"
#include "../tests/blocks.h"

static void on_hit(void *user, const struct insp_hit *h, const struct insp_meta *m)
{
	(void)m->uri[m->uri_len];
	(void)m->host[m->host_len];
}
static struct h2_conn h2state;
static void *h2_get(void *user) { return &h2state; }
static void h2_put(void *user, void *p) { }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
	if (size < 1)
		return 0;
	unsigned seed = data[0];
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
	struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .h2_get = h2_get, .h2_put = h2_put };
	struct insp_sess s;
	insp_sess_init(&s, 0);
	insp_feed(&s, 0, preface, sizeof(preface) - 1, &env);
	size_t oc = 0, os = 0;
	while (oc < ncli || os < nsrv) {
		seed = seed * 1103515245u + 12345u;
		size_t step = 1 + (seed >> 16) % 97;
		int dir = ((seed >> 8) & 1) && os < nsrv ? 1 : oc < ncli ? 0 : 1;
		size_t *o = dir ? &os : &oc, n = (dir ? nsrv : ncli) - *o;
		if (n > step)
			n = step;
		insp_feed(&s, dir, (dir ? srv : cli) + *o, n, &env);
		*o += n;
	}
	insp_close(&s, 0, &env);
	insp_close(&s, 1, &env);
	insp_sess_release(&s, &env);
	if (test_blocks_out)
		abort();                  /* a header block not given back */
	return 0;
}
