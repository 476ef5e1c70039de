/* mix.c — the benchmark's ordinary HTTP traffic as corpus cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
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

/* ---- raw bytes into a chunk ---------------------------------------------- */

static void add_bytes(struct corpus_case *k, int dir, const uint8_t *b, uint32_t n)
{
	struct corpus_chunk *c;
	if (k->nchunks && k->chunk[k->nchunks - 1].dir == dir) {
		c = &k->chunk[k->nchunks - 1];
	} else {
		c = &k->chunk[k->nchunks++];
		c->dir = dir;
		c->data = NULL;
		c->len = 0;
	}
	c->data = realloc(c->data, c->len + n + 1);
	memcpy(c->data + c->len, b, n);
	c->len += n;
}

/* ---- h2c: frames with literal (never Huffman) HPACK fields ------------------- */

struct buf { uint8_t b[70000]; uint32_t n; };

static void hp_int(struct buf *o, uint8_t first, int prefix, uint32_t v)
{
	uint32_t max = (1u << prefix) - 1;
	if (v < max) {
		o->b[o->n++] = first | v;
		return;
	}
	o->b[o->n++] = first | max;
	v -= max;
	while (v >= 128) {
		o->b[o->n++] = (v & 127) | 128;
		v >>= 7;
	}
	o->b[o->n++] = v;
}

static void hp_field(struct buf *o, const char *n, const char *v)
{
	hp_int(o, 0x00, 4, 0);                   /* literal without indexing, new name */
	hp_int(o, 0x00, 7, strlen(n));
	memcpy(o->b + o->n, n, strlen(n)); o->n += strlen(n);
	hp_int(o, 0x00, 7, strlen(v));
	memcpy(o->b + o->n, v, strlen(v)); o->n += strlen(v);
}

static void frame(struct corpus_case *k, int dir, uint8_t type, uint8_t flags, uint32_t sid,
		  const uint8_t *pl, uint32_t n)
{
	uint8_t h[9] = { n >> 16, n >> 8, n, type, flags, sid >> 24, sid >> 16, sid >> 8, sid };
	add_bytes(k, dir, h, 9);
	if (n)
		add_bytes(k, dir, pl, n);
}

static void h2c_flow(struct corpus_case *k, unsigned *seed, const char *const *paths)
{
	static struct buf hb;
	add_bytes(k, 0, (const uint8_t *)"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 24);
	frame(k, 0, 4, 0, 0, NULL, 0);
	frame(k, 1, 4, 0, 0, NULL, 0);
	frame(k, 1, 4, 1, 0, NULL, 0);
	frame(k, 0, 4, 1, 0, NULL, 0);
	uint32_t nreq = 1 + rnd(seed) % 6;
	for (uint32_t r = 0; r < nreq && k->nchunks < CORPUS_MAX_CHUNKS - 2; r++) {
		uint32_t sid = 1 + 2 * r;
		hb.n = 0;
		hp_field(&hb, ":method", "GET");
		hp_field(&hb, ":scheme", "http");
		hp_field(&hb, ":path", paths[rnd(seed) % 8]);
		hp_field(&hb, ":authority", "grpc.example.com");
		hp_field(&hb, "user-agent", "grpc-go/1.58.0");
		hp_field(&hb, "te", "trailers");
		frame(k, 0, 1, 5, sid, hb.b, hb.n);
		uint32_t body = 100 + rnd(seed) % 20000;
		char cl[16];
		snprintf(cl, sizeof(cl), "%u", body);
		hb.n = 0;
		hp_field(&hb, ":status", "200");
		hp_field(&hb, "content-type", "application/grpc");
		hp_field(&hb, "content-length", cl);
		frame(k, 1, 1, 4, sid, hb.b, hb.n);
		static uint8_t data[16384];
		for (uint32_t off = 0; off < body;) {
			uint32_t n = body - off < 16384 ? body - off : 16384;
			for (uint32_t i = 0; i < n; i++)
				data[i] = 'a' + rnd(seed) % 26;
			off += n;
			frame(k, 1, 0, off == body ? 1 : 0, sid, data, n);
		}
	}
}

/* ---- WebSocket: a handshake, then masked client frames, plain server ones ---- */

static void ws_frame(struct corpus_case *k, int dir, uint8_t op, const uint8_t *pl, uint32_t n, unsigned *seed)
{
	uint8_t h[14];
	uint32_t hn = 0;
	int mask = dir == 0;
	h[hn++] = 0x80 | op;
	if (n < 126)
		h[hn++] = (mask ? 0x80 : 0) | n;
	else if (n < 65536) {
		h[hn++] = (mask ? 0x80 : 0) | 126;
		h[hn++] = n >> 8; h[hn++] = n;
	} else {
		h[hn++] = (mask ? 0x80 : 0) | 127;
		for (int i = 7; i >= 0; i--)
			h[hn++] = i < 4 ? (uint8_t)(n >> (8 * i)) : 0;
	}
	uint8_t key[4] = { rnd(seed), rnd(seed), rnd(seed), rnd(seed) };
	if (mask) {
		memcpy(h + hn, key, 4);
		hn += 4;
	}
	add_bytes(k, dir, h, hn);
	static uint8_t m[70000];
	for (uint32_t i = 0; i < n; i++)
		m[i] = pl[i] ^ (mask ? key[i & 3] : 0);
	add_bytes(k, dir, m, n);
}

static void ws_flow(struct corpus_case *k, unsigned *seed)
{
	uint8_t raw[16], md[SHA_DIGEST_LENGTH];
	char key[32], acc[40], buf[600], cat[128];
	for (int i = 0; i < 16; i++)
		raw[i] = rnd(seed);
	EVP_EncodeBlock((unsigned char *)key, raw, 16);
	snprintf(cat, sizeof(cat), "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
	SHA1((const uint8_t *)cat, strlen(cat), md);
	EVP_EncodeBlock((unsigned char *)acc, md, SHA_DIGEST_LENGTH);
	snprintf(buf, sizeof(buf), "GET /live/updates HTTP/1.1\r\nHost: app.example.com\r\nUpgrade: websocket\r\n"
		 "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
		 "Origin: https://app.example.com\r\nCookie: sid=%08x\r\n\r\n", key, rnd(seed));
	add_bytes(k, 0, (const uint8_t *)buf, strlen(buf));
	snprintf(buf, sizeof(buf), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
		 "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", acc);
	add_bytes(k, 1, (const uint8_t *)buf, strlen(buf));
	uint32_t nmsg = 2 + rnd(seed) % 10;
	static uint8_t pl[66000];
	for (uint32_t i = 0; i < nmsg && k->nchunks < CORPUS_MAX_CHUNKS - 2; i++) {
		uint32_t n = 10 + rnd(seed) % 200;
		for (uint32_t j = 0; j < n; j++)
			pl[j] = 'a' + rnd(seed) % 26;
		ws_frame(k, 0, 1, pl, n, seed);
		n = rnd(seed) % 10 == 0 ? 65536 + rnd(seed) % 400 : 20 + rnd(seed) % 3000;
		for (uint32_t j = 0; j < n; j++)
			pl[j] = 'A' + rnd(seed) % 26;
		ws_frame(k, 1, rnd(seed) % 3 ? 1 : 2, pl, n, seed);
	}
	ws_frame(k, 0, 9, (const uint8_t *)"ping", 4, seed);
	ws_frame(k, 1, 10, (const uint8_t *)"ping", 4, seed);
	ws_frame(k, 0, 8, (const uint8_t *)"\x03\xe8", 2, seed);
	ws_frame(k, 1, 8, (const uint8_t *)"\x03\xe8", 2, seed);
}

/* Ordinary traffic: keep-alive connections of 1-8 requests, browser GETs
 * and API POSTs (some behind proxies with X-Forwarded-For), responses from
 * empty (304) to 100 kB; with kind MIX_ALL also h2c (gRPC-like) and
 * WebSocket connections. */
void mix_build(struct corpus *corp, uint32_t flows, unsigned seed)
{
	mix_build_kind(corp, flows, seed, MIX_ALL);
}

void mix_build_kind(struct corpus *corp, uint32_t flows, unsigned seed, enum mix_kind kind)
{
	static const char *const paths[] = { "/", "/index.html", "/static/app.js", "/img/logo.png",
		"/api/v1/items?page=2", "/css/site.css", "/search?q=dpdk+seam", "/favicon.ico" };
	corp->cases = calloc(flows, sizeof(*corp->cases));
	corp->n = flows;
	for (uint32_t f = 0; f < flows; f++) {
		struct corpus_case *k = &corp->cases[f];
		snprintf(k->name, sizeof(k->name), "mix%u", f);
		k->benign = 1;
		uint32_t pick = rnd(&seed) % 100;
		if (kind == MIX_H2C || (kind == MIX_ALL && pick < 8)) {
			h2c_flow(k, &seed, paths);
			continue;
		}
		if (kind == MIX_WS || (kind == MIX_ALL && pick >= 8 && pick < 12)) {
			ws_flow(k, &seed);
			continue;
		}
		uint32_t nreq = 1 + rnd(&seed) % 8;
		if (nreq > CORPUS_MAX_CHUNKS / 2)
			nreq = CORPUS_MAX_CHUNKS / 2;
		for (uint32_t r = 0; r < nreq; r++) {
			char h[1400];
			uint32_t kind = rnd(&seed) % 10, body = 0;
			if (kind < 7)
				snprintf(h, sizeof(h), "GET %s HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: Mozilla/5.0 "
					 "(X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0\r\nAccept: text/html,"
					 "application/xhtml+xml,*/*;q=0.8\r\nAccept-Language: en-US,en;q=0.5\r\n"
					 "Accept-Encoding: gzip, deflate, br\r\nConnection: keep-alive\r\nCookie: sid=%08x; "
					 "theme=dark\r\n%s\r\n", paths[rnd(&seed) % 8], rnd(&seed),
					 rnd(&seed) % 5 == 0 ? "X-Forwarded-For: 203.0.113.17, 10.0.0.2\r\n"
					 "X-Forwarded-Proto: https\r\nX-Real-IP: 10.0.0.2\r\n" : "");
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

