/* fuzz_ws.c — libFuzzer target for WebSocket frames.
 *
 * A fixed handshake (permessage-deflate negotiated when the first byte is
 * odd) opens the connection; then the input is client frames, optionally
 * 0xFF 0xFE and server frames, cut and interleaved as the first byte
 * seeds.  Small limits and a rate clock reach the limit paths too. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "insp.h"
#include "../tests/blocks.h"

static void on_hit(void *user, const struct insp_hit *h, const struct insp_meta *m) { }
static void *h2_get(void *user) { return NULL; }
static void h2_put(void *user, void *p) { }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char req[] = "GET /s HTTP/1.1\r\nHost: a.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
				  "Origin: https://a.example\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n";
	static const char rsp[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
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
	lim.ws_max_frame = 300;
	lim.ws_max_message = 1000;
	lim.ws_max_frames_per_s = 20;
	lim.ws_max_bytes_per_s = 2000;
	uint64_t now = 0;
	struct insp_env env = { .lim = &lim, TEST_BLOCKS, .emit = on_hit, .h2_get = h2_get, .h2_put = h2_put, .now_ns = &now };
	struct insp_sess s;
	insp_sess_init(&s, 0);
	insp_feed(&s, 0, (const uint8_t *)req, sizeof(req) - 1, &env);
	insp_feed(&s, 1, (const uint8_t *)rsp, sizeof(rsp) - 1, &env);
	if (seed & 1)
		insp_feed(&s, 1, (const uint8_t *)"Sec-WebSocket-Extensions: permessage-deflate\r\n", 46, &env);
	insp_feed(&s, 1, (const uint8_t *)"\r\n", 2, &env);
	size_t oc = 0, os = 0;
	while (oc < ncli || os < nsrv) {
		seed = seed * 1103515245u + 12345u;
		now += (seed >> 4) % 300000000u;
		size_t step = 1 + (seed >> 16) % 67;
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
