/* mix.c — the benchmark's ordinary HTTP traffic as corpus cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mix.h"

static unsigned rnd(unsigned *s) { return (*s = *s * 1103515245u + 12345u) >> 8; }

static void add_chunk(struct corpus_case *k, int dir, const char *hdr, uint32_t body, unsigned *seed)
{
	struct corpus_chunk *c = &k->chunk[k->nchunks++];
	uint32_t hl = strlen(hdr);
	c->dir = dir;
	c->len = hl + body;
	c->data = malloc(c->len + 1);
	memcpy(c->data, hdr, hl);
	for (uint32_t i = 0; i < body; i++)
		c->data[hl + i] = 'a' + rnd(seed) % 26;
}

/* Ordinary traffic: keep-alive connections of 1-8 requests, browser GETs
 * and API POSTs, responses from empty (204/304) to 100 kB. */
void mix_build(struct corpus *corp, uint32_t flows, unsigned seed)
{
	static const char *const paths[] = { "/", "/index.html", "/static/app.js", "/img/logo.png",
		"/api/v1/items?page=2", "/css/site.css", "/search?q=dpdk+seam", "/favicon.ico" };
	corp->cases = calloc(flows, sizeof(*corp->cases));
	corp->n = flows;
	for (uint32_t f = 0; f < flows; f++) {
		struct corpus_case *k = &corp->cases[f];
		snprintf(k->name, sizeof(k->name), "mix%u", f);
		k->benign = 1;
		uint32_t nreq = 1 + rnd(&seed) % 8;
		if (nreq > CORPUS_MAX_CHUNKS / 2)
			nreq = CORPUS_MAX_CHUNKS / 2;
		for (uint32_t r = 0; r < nreq; r++) {
			char h[1024];
			uint32_t kind = rnd(&seed) % 10, body = 0;
			if (kind < 7)
				snprintf(h, sizeof(h), "GET %s HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: Mozilla/5.0 "
					 "(X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0\r\nAccept: text/html,"
					 "application/xhtml+xml,*/*;q=0.8\r\nAccept-Language: en-US,en;q=0.5\r\n"
					 "Accept-Encoding: gzip, deflate, br\r\nConnection: keep-alive\r\nCookie: sid=%08x; "
					 "theme=dark\r\n\r\n", paths[rnd(&seed) % 8], rnd(&seed));
			else {
				body = 64 + rnd(&seed) % 900;
				snprintf(h, sizeof(h), "POST /api/v1/orders HTTP/1.1\r\nHost: api.example.com\r\n"
					 "User-Agent: okhttp/4.12.0\r\nContent-Type: application/json\r\n"
					 "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.%08x\r\nContent-Length: %u\r\n\r\n",
					 rnd(&seed), body);
			}
			add_chunk(k, 0, h, body, &seed);
			uint32_t sz = rnd(&seed) % 100;
			uint32_t rb = sz < 10 ? 0 : sz < 40 ? 200 + rnd(&seed) % 800 : sz < 80 ? 2000 + rnd(&seed) % 13000
				: 20000 + rnd(&seed) % 80000;
			if (rb == 0)
				snprintf(h, sizeof(h), "HTTP/1.1 304 Not Modified\r\nServer: nginx\r\nETag: \"%08x\"\r\n\r\n",
					 rnd(&seed));
			else if (rb > 50000)
				snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/octet-stream\r\n"
					 "Content-Length: %u\r\n\r\n", rb);
			else
				snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Tue, 01 Dec 2026 01:00:00 GMT\r\n"
					 "Content-Type: text/html; charset=utf-8\r\nCache-Control: max-age=60\r\n"
					 "Content-Length: %u\r\n\r\n", rb);
			add_chunk(k, 1, h, rb, &seed);
		}
	}
}

