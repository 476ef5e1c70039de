/* pcapgen.c — `seam-pcapgen`: writes the corpus as TCP conversations into a
 * pcap, one flow per (case, delivery variant), and a manifest that says
 * which flow is which and what verdict it must get.
 *
 *   seam-pcapgen CORPUS_DIR OUT.pcap MANIFEST.tsv [--variants whole,bytes,...]
 *                [--seed N] [--v6] [--filter SUBSTRING] [--mix FLOWS] [--clients N]
 *
 * --clients N: flows come from N client addresses in turn (by default one
 * address per 50,000 flows), so a capture spreads over workers as real
 * traffic spreads over RSS queues.
 * --mix FLOWS replaces the corpus by FLOWS synthetic keep-alive connections
 * of ordinary browser and API traffic (the benchmark's HTTP mix).
 * --templates writes each flow without handshake or close, interleaved
 * (packet k of every flow, then packet k+1): one keep-alive exchange that
 * `seam --bench-flows` replays as the next exchange of many long-lived flows.
 * --one-exchange keeps only each connection's first request and response.
 * --synflood N and --oooflood N put N spoofed SYNs, or N out-of-order
 * segments whose gap never fills, in front of every flow; the segments come
 * round robin from --oooflows N established flows (512).
 * --interleave W plays W conversations at once, a packet of each in turn
 * (each flow's own packets keep their order), and puts the flood in front
 * of every packet instead: requests wait for their answers while the flood
 * fills the flow table, as on a busy link.
 *
 * Manifest columns: case, variant, src_ip, src_port, dest_ip, dest_port,
 * expect (alert|benign), findings (comma-separated). */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conv.h"
#include "mix.h"

struct sink { pcap_dumper_t *d; uint64_t n; };

/* --templates: frames kept per flow, written interleaved at the end */
static struct tframe { uint32_t flow, k, off, len; } *tf;
static uint32_t ntf, tf_cap, tf_flow, tf_k;
static uint8_t *tblob;
static size_t tblob_len, tblob_cap;

static void to_templates(void *ctx, const uint8_t *frame, uint32_t len, uint64_t ts_us)
{
	if (ntf == tf_cap) {
		tf_cap = tf_cap ? 2 * tf_cap : 65536;
		tf = realloc(tf, tf_cap * sizeof(*tf));
	}
	if (tblob_len + len > tblob_cap) {
		tblob_cap = 2 * (tblob_cap + len);
		tblob = realloc(tblob, tblob_cap);
	}
	if (!tf || !tblob) {
		fprintf(stderr, "seam-pcapgen: out of memory\n");
		exit(1);
	}
	tf[ntf++] = (struct tframe){ tf_flow, tf_k++, (uint32_t)tblob_len, len };
	memcpy(tblob + tblob_len, frame, len);
	tblob_len += len;
}

static int by_k_then_flow(const void *a, const void *b)
{
	const struct tframe *x = a, *y = b;
	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->flow < y->flow ? -1 : x->flow > y->flow;
}

static void to_pcap(void *ctx, const uint8_t *frame, uint32_t len, uint64_t ts_us)
{
	struct sink *s = ctx;
	struct pcap_pkthdr h = { .caplen = len, .len = len };
	h.ts.tv_sec = ts_us / 1000000;
	h.ts.tv_usec = ts_us % 1000000;
	pcap_dump((u_char *)s->d, &h, frame);
	s->n++;
}

/* n SYNs from spoofed sources towards srv; seq makes each run's sources differ */
static void syn_flood(struct sink *s, const struct conv_ep *cli, const struct conv_ep *srv, uint32_t seq,
		      uint32_t n, uint64_t *ts)
{
	static struct conv fl;
	for (uint32_t sf = 0; sf < n; sf++) {
		struct conv_ep sp = *cli;
		unsigned r = (seq * 7919u + sf) * 2654435761u;
		sp.addr[0] = 172; sp.addr[1] = 16 + (r & 15); sp.addr[2] = r >> 8; sp.addr[3] = r >> 16;
		sp.port = 1024 + (r >> 20) % 60000;
		conv_init(&fl, &sp, srv, *ts, r, to_pcap, s);
		conv_packet(&fl, 0, 0x02, fl.cseq, NULL, 0);
		*ts += 1;
	}
}

/* n out-of-order segments from nflows established flows whose first gap
 * never fills, round robin; a flow's handshake goes before its first one */
static void ooo_flood(struct sink *s, const struct conv_ep *cli, const struct conv_ep *srv, int v6,
		      uint32_t nflows, uint32_t n, uint64_t *ts)
{
	static struct conv fl;
	static uint32_t *used, sent;
	static const uint8_t junk[40] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	if (!used && !(used = calloc(nflows, sizeof(*used)))) {
		fprintf(stderr, "seam-pcapgen: out of memory\n");
		exit(1);
	}
	for (uint32_t of = 0; of < n; of++) {
		uint32_t j = sent % nflows, kth = used[j]++;
		sent++;
		struct conv_ep sp = *cli;
		sp.addr[0] = 198; sp.addr[1] = 18; sp.addr[2] = j >> 8; sp.addr[3] = j;
		if (v6)
			sp.addr[13] = 0xee, sp.addr[14] = j >> 8, sp.addr[15] = j;
		sp.port = 20000 + j;
		/* the same seed gives the flow its sequence numbers again */
		conv_init(&fl, &sp, srv, *ts, 7 * j + 1, to_pcap, s);
		if (kth == 0)
			conv_handshake(&fl);
		else
			fl.cseq++;
		fl.ts_us = *ts;
		conv_packet(&fl, 0, 0x18, fl.cseq + 100 + 60 * (kth % 4096), junk, sizeof(junk));
		*ts += 1;
	}
}

/* --interleave: the frames kept per flow (in order, flow after flow) go
 * out window flows at a time, one frame of each in turn, the flood in
 * front of every frame. */
static void play_interleaved(struct sink *s, uint32_t window, uint32_t nflows, const struct conv_ep *cli,
			     const struct conv_ep *srv, int v6, uint32_t synflood, uint32_t oooflood,
			     uint32_t oooflows, uint64_t ts)
{
	struct span { uint32_t at, end; } *act = calloc(window, sizeof(*act));
	uint32_t *start = calloc(nflows + 1, sizeof(*start));
	if (!act || !start) {
		fprintf(stderr, "seam-pcapgen: out of memory\n");
		exit(1);
	}
	for (uint32_t i = ntf; i-- > 0;)        /* frames are kept flow after flow */
		start[tf[i].flow] = i;
	start[nflows] = ntf;
	uint32_t next = 0, nact = 0, turn = 0, flood_seq = 0;
	while (nact || next < nflows) {
		while (nact < window && next < nflows) {
			act[nact] = (struct span){ start[next], next + 1 < nflows ? start[next + 1] : ntf };
			next++;
			if (act[nact].at < act[nact].end)
				nact++;
		}
		if (!nact)
			break;
		struct span *a = &act[turn % nact];
		syn_flood(s, cli, srv, 1000000u + flood_seq++, synflood, &ts);
		ooo_flood(s, cli, srv, v6, oooflows, oooflood, &ts);
		to_pcap(s, tblob + tf[a->at].off, tf[a->at].len, ts++);
		if (++a->at == a->end)
			*a = act[--nact];              /* this conversation is over */
		else
			turn++;
	}
	free(act);
	free(start);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: seam-pcapgen CORPUS_DIR OUT.pcap MANIFEST.tsv [--variants LIST] "
			"[--seed N] [--v6] [--filter SUBSTR] [--clients N]\n");
		return 2;
	}
	int want[CV__COUNT] = { 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0 };
	unsigned seed = 1;
	uint32_t clients = 0;
	int v6 = 0;
	const char *filter = NULL;
	uint32_t mix = 0, synflood = 0, oooflood = 0, oooflows = 512, interleave = 0;
	int templates = 0, one_exchange = 0;
	enum mix_kind mix_kind = MIX_ALL;
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
		} else if (strcmp(argv[i], "--synflood") == 0 && i + 1 < argc) {
			synflood = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--one-exchange") == 0) {
			one_exchange = 1;
		} else if (strcmp(argv[i], "--templates") == 0) {
			templates = 1;
		} else if (strcmp(argv[i], "--oooflood") == 0 && i + 1 < argc) {
			oooflood = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--oooflows") == 0 && i + 1 < argc) {
			oooflows = strtoul(argv[++i], NULL, 10);
			if (oooflows < 1 || oooflows > 40000) {
				fprintf(stderr, "seam-pcapgen: --oooflows takes 1 to 40000\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--interleave") == 0 && i + 1 < argc) {
			interleave = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--mix-kind") == 0 && i + 1 < argc) {
			const char *k = argv[++i];
			mix_kind = !strcmp(k, "h2c") ? MIX_H2C : !strcmp(k, "ws") ? MIX_WS : !strcmp(k, "http1") ? MIX_HTTP1 : MIX_ALL;
		} else if (strcmp(argv[i], "--mix") == 0 && i + 1 < argc) {
			mix = strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--clients") == 0 && i + 1 < argc) {
			clients = strtoul(argv[++i], NULL, 10);
			if (!clients || clients > 65000) {
				fprintf(stderr, "seam-pcapgen: --clients %s: expected 1 to 65000\n", argv[i]);
				return 2;
			}
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
		mix_build_kind(&corp, mix, seed, mix_kind);
		if (!variants_given) {
			memset(want, 0, sizeof(want));
			want[CV_WHOLE] = 1;
		}
	} else if (corpus_load_dir(&corp, argv[1], err, sizeof(err)) < 0) {
		fprintf(stderr, "seam-pcapgen: %s\n", err);
		return 1;
	}
	if (one_exchange)
		for (int i = 0; i < corp.n; i++)
			corp.cases[i].nchunks = corpus_first_exchange(&corp.cases[i]);
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 262144);
	struct sink sink = { pcap_dump_open(pd, argv[2]), 0 };
	FILE *man = fopen(argv[3], "w");
	if (!sink.d || !man) {
		fprintf(stderr, "seam-pcapgen: cannot write %s or %s\n", argv[2], argv[3]);
		return 1;
	}
	static struct conv c;
	struct conv_ep flood_cli = { 0 }, flood_srv = { 0 };
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
			/* --clients N: flow after flow from N client addresses in
			 * turn (as real traffic spreads over RSS queues) */
			uint32_t host = clients ? flow % clients : flow / 50000;
			cli.port = 10000 + (clients ? flow / clients : flow) % 50000;
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
			flood_cli = cli;
			flood_srv = srv;
			if (!interleave) {
				syn_flood(&sink, &cli, &srv, flow, synflood, &ts);
				ooo_flood(&sink, &cli, &srv, v6, oooflows, oooflood, &ts);
			}
			if (templates) {
				conv_init(&c, &cli, &srv, ts, seed + flow, to_templates, NULL);
				tf_flow = flow;
				tf_k = 0;
				for (int ch = 0; ch < k->nchunks; ch++)
					conv_send(&c, k->chunk[ch].dir, k->chunk[ch].data, k->chunk[ch].len, CV_WHOLE);
			} else if (interleave) {
				conv_init(&c, &cli, &srv, ts, seed + flow, to_templates, NULL);
				tf_flow = flow;
				tf_k = 0;
				conv_play(&c, k, v);
			} else {
				conv_init(&c, &cli, &srv, ts, seed + flow, to_pcap, &sink);
				conv_play(&c, k, v);
			}
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
	if (templates) {
		qsort(tf, ntf, sizeof(*tf), by_k_then_flow);
		for (uint32_t i = 0; i < ntf; i++)
			to_pcap(&sink, tblob + tf[i].off, tf[i].len, ts + i);
		free(tf);
		free(tblob);
	} else if (interleave) {
		play_interleaved(&sink, interleave, flow, &flood_cli, &flood_srv, v6, synflood, oooflood,
				 oooflows, ts);
		free(tf);
		free(tblob);
	}
	pcap_dump_close(sink.d);
	pcap_close(pd);
	fclose(man);
	fprintf(stderr, "seam-pcapgen: %u flows, %lu packets -> %s\n", flow, (unsigned long)sink.n, argv[2]);
	corpus_free(&corp);
	return 0;
}
