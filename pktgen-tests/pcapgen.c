/* pcapgen.c — `seam-pcapgen`: writes the corpus as TCP conversations into a
 * pcap, one flow per (case, delivery variant), and a manifest that says
 * which flow is which and what verdict it must get.
 *
 *   seam-pcapgen CORPUS_DIR OUT.pcap MANIFEST.tsv [--variants whole,bytes,...]
 *                [--seed N] [--v6] [--filter SUBSTRING] [--mix FLOWS]
 *
 * --mix FLOWS replaces the corpus by FLOWS synthetic keep-alive connections
 * of ordinary browser and API traffic (the benchmark's HTTP mix).
 *
 * Manifest columns: case, variant, src_ip, src_port, dest_ip, dest_port,
 * expect (alert|benign), findings (comma-separated). */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conv.h"

struct sink { pcap_dumper_t *d; uint64_t n; };

static void to_pcap(void *ctx, const uint8_t *frame, uint32_t len, uint64_t ts_us)
{
	struct sink *s = ctx;
	struct pcap_pkthdr h = { .caplen = len, .len = len };
	h.ts.tv_sec = ts_us / 1000000;
	h.ts.tv_usec = ts_us % 1000000;
	pcap_dump((u_char *)s->d, &h, frame);
	s->n++;
}

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
static void mix_build(struct corpus *corp, uint32_t flows, unsigned seed)
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

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: seam-pcapgen CORPUS_DIR OUT.pcap MANIFEST.tsv [--variants LIST] "
			"[--seed N] [--v6] [--filter SUBSTR]\n");
		return 2;
	}
	int want[CV__COUNT] = { 1, 1, 1, 1, 1, 0, 0, 0, 0, 0 };
	unsigned seed = 1;
	int v6 = 0;
	const char *filter = NULL;
	uint32_t mix = 0;
	int variants_given = 0;
	for (int i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--variants") == 0 && i + 1 < argc) {
			variants_given = 1;
			memset(want, 0, sizeof(want));
			char *s = strdup(argv[++i]);
			for (char *t = strtok(s, ","); t; t = strtok(NULL, ",")) {
				int k = -1;
				for (int v = 0; v < CV__COUNT; v++)
					if (strcmp(t, conv_variant_names[v]) == 0)
						k = v;
				if (k < 0) {
					fprintf(stderr, "seam-pcapgen: unknown variant %s\n", t);
					return 2;
				}
				want[k] = 1;
			}
			free(s);
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			seed = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--mix") == 0 && i + 1 < argc) {
			mix = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--v6") == 0) {
			v6 = 1;
		} else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc) {
			filter = argv[++i];
		} else {
			fprintf(stderr, "seam-pcapgen: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	struct corpus corp = { 0 };
	char err[512];
	if (mix) {
		mix_build(&corp, mix, seed);
		if (!variants_given) {
			memset(want, 0, sizeof(want));
			want[CV_WHOLE] = 1;
		}
	} else if (corpus_load_dir(&corp, argv[1], err, sizeof(err)) < 0) {
		fprintf(stderr, "seam-pcapgen: %s\n", err);
		return 1;
	}
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 262144);
	struct sink sink = { pcap_dump_open(pd, argv[2]), 0 };
	FILE *man = fopen(argv[3], "w");
	if (!sink.d || !man) {
		fprintf(stderr, "seam-pcapgen: cannot write %s or %s\n", argv[2], argv[3]);
		return 1;
	}
	static struct conv c;
	uint32_t flow = 0;
	uint64_t ts = 1764550800ull * 1000000ull;
	for (int i = 0; i < corp.n; i++) {
		const struct corpus_case *k = &corp.cases[i];
		if (filter && !strstr(k->name, filter))
			continue;
		for (int v = 0; v < CV__COUNT; v++) {
			if (!want[v])
				continue;
			/* an overlap with other bytes is itself an attack: only on benign cases */
			if ((v == CV_OVERLAP_DIFF || v == CV_FRAG_OVERLAP) && !k->benign)
				continue;
			struct conv_ep cli = { .ipver = v6 ? 6 : 4, .mac = { 2, 0, 0, 0, 0, 1 } };
			struct conv_ep srv = { .ipver = v6 ? 6 : 4, .mac = { 2, 0, 0, 0, 0, 2 }, .port = 80 };
			uint32_t host = flow / 50000;
			cli.port = 10000 + flow % 50000;
			if (v6) {
				inet_pton(AF_INET6, "2001:db8:1::", cli.addr);
				cli.addr[14] = host >> 8; cli.addr[15] = host + 1;
				inet_pton(AF_INET6, "2001:db8:2::80", srv.addr);
			} else {
				uint8_t ca[4] = { 10, 1, (uint8_t)(host >> 8), (uint8_t)(host + 1) };
				uint8_t sa[4] = { 10, 2, 0, 80 };
				memcpy(cli.addr, ca, 4);
				memcpy(srv.addr, sa, 4);
			}
			conv_init(&c, &cli, &srv, ts, seed + flow, to_pcap, &sink);
			conv_play(&c, k, v);
			ts = c.ts_us + 1000;
			char cs[64], ss[64];
			inet_ntop(v6 ? AF_INET6 : AF_INET, cli.addr, cs, sizeof(cs));
			inet_ntop(v6 ? AF_INET6 : AF_INET, srv.addr, ss, sizeof(ss));
			int attack = !k->benign || v == CV_OVERLAP_DIFF || v == CV_FRAG_OVERLAP;
			fprintf(man, "%s\t%s\t%s\t%u\t%s\t%u\t%s\t", k->name, conv_variant_names[v], cs, cli.port,
				ss, srv.port, attack ? "alert" : "benign");
			if (v == CV_OVERLAP_DIFF)
				fputs("tcp.overlap_conflict", man);
			if (v == CV_FRAG_OVERLAP)
				fputs("ip.frag_overlap", man);
			for (int e = 0; e < k->nexpect; e++)
				fprintf(man, "%s%s", e ? "," : "", k->expect[e]);
			fputc('\n', man);
			flow++;
		}
	}
	pcap_dump_close(sink.d);
	pcap_close(pd);
	fclose(man);
	fprintf(stderr, "seam-pcapgen: %u flows, %lu packets -> %s\n", flow, (unsigned long)sink.n, argv[2]);
	corpus_free(&corp);
	return 0;
}
