/* pktgen.c — `seam-pktgen`: stateful HTTP conversations for tests and
 * benchmarks, played by both ends at once.
 *
 *   seam-pktgen --pcap OUT.pcap [traffic]          write them to a capture
 *   seam-pktgen --tx PORT [traffic] [--rate PPS]    transmit (both directions on one port)
 *   seam-pktgen --loop A B [traffic] [--rate PPS] [--search]
 *       client side sent on A, server side on B, through a device under
 *       test that forwards A<->B; every packet received is matched to what
 *       was sent: loss, reordering, duplicates, one-way latency (NIC
 *       timestamps when both ports stamp on one clock, else TSC), and per
 *       flow whether it arrived whole (benign) or was stopped (attacks).
 *   A PORT is a PCI address (a real NIC: hugepages are then used), a DPDK
 *   vdev string (net_memif0,..., net_pcap0,...) or a kernel interface
 *   (af_packet).  EAL arguments after "--" (lcores: -l 2).
 *   traffic: --flows N (HTTP mix), --attacks DIR --attack-share PCT,
 *            --concurrency C (flows at once), --new-flows F (flows started
 *            per second, 0 = as slots free), --mss BYTES (segment size: the
 *            packet size mix), --seed S;  EAL arguments after "--".
 *   --search --loss-tolerance PCT: the highest rate losing at most PCT% of
 *            benign packets and flows (0 by default), every attack stopped.
 *   --tx PORT --fanout M: the N conversations become mid-stream templates
 *       (one exchange each, no handshake) played over and over as M
 *       long-lived flows: per packet only the client address, sequence
 *       numbers and checksums are rewritten (fanout.h), so millions of flows
 *       cost no more memory than the templates.
 *
 * Conversations are built once (conv.c) into templates; in loop mode each
 * flow advances in lock step like real hosts: a side sends only after it
 * has received what the other side sent before.  Rates are paced on the
 * TSC in bursts of at most 32. */
#include <arpa/inet.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include "conv.h"
#include "corpus.h"
#include "decode.h"
#include "fanout.h"
#include "mix.h"
#include "port.h"

static volatile sig_atomic_t interrupted;
static double new_flow_rate;      /* flows started per second, 0 = as slots free */
static double loss_tolerance;     /* fraction of benign packets and flows --search forgives */
static uint16_t mss_opt;          /* segment size of the conversations, 0 = 1448 */
static void on_int(int s) { interrupted = 1; }

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("seam-pktgen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* ---- templates ------------------------------------------------------------ */

struct gpkt {
	uint32_t off, len;        /* frame bytes in the blob */
	uint8_t dir;              /* 0 client, 1 server */
	uint8_t rx;               /* received on the far side */
	uint8_t sent;
	uint32_t seq;
	uint8_t flags;
	uint64_t tx_tsc;
	uint64_t tx_clk;          /* the NIC clock at send, with hardware timestamps */
};

struct gflow {
	char name[96];
	uint8_t attack;
	uint8_t rst_seen;
	uint8_t done;
	uint32_t first, n;        /* packets [first, first+n) */
	uint32_t next;            /* next to send */
	uint64_t wait_since;
	uint8_t cli[16];
	uint16_t cport;
};

static struct {
	uint8_t *blob;
	size_t blob_len, blob_cap;
	struct gpkt *pk;
	uint32_t npk, pk_cap;
	struct gflow *fl;
	uint32_t nfl;
	int cur_flow;
	uint8_t cur_dir_src[16];
} T;

static void collect(void *ctx, const uint8_t *frame, uint32_t len, uint64_t ts_us)
{
	if (T.blob_len + len > T.blob_cap) {
		T.blob_cap = (T.blob_cap + len) * 2;
		T.blob = realloc(T.blob, T.blob_cap);
	}
	if (T.npk == T.pk_cap) {
		T.pk_cap = T.pk_cap ? T.pk_cap * 2 : 4096;
		T.pk = realloc(T.pk, T.pk_cap * sizeof(*T.pk));
	}
	struct gpkt *g = &T.pk[T.npk++];
	memset(g, 0, sizeof(*g));
	g->off = T.blob_len;
	g->len = len;
	memcpy(T.blob + T.blob_len, frame, len);
	T.blob_len += len;
	struct pkt p;
	decode_frame(frame, len, LINK_ETH, 0, &p);
	g->dir = memcmp(p.src, T.fl[T.cur_flow].cli, 16) != 0 || p.sport != T.fl[T.cur_flow].cport;
	g->seq = p.seq;
	g->flags = p.tcp_flags;
}

/* Flow f's two ends (the client is 10.3.H.L port 10000 + f % 50000, as
 * flow_of() reads it back) and the start of its packets in the templates. */
static void flow_start(uint32_t f, struct conv_ep *cli, struct conv_ep *srv)
{
	struct gflow *g = &T.fl[f];
	*cli = (struct conv_ep){ .ipver = 4, .mac = { 2, 0, 0, 0, 0, 1 }, .port = 10000 + f % 50000 };
	*srv = (struct conv_ep){ .ipver = 4, .mac = { 2, 0, 0, 0, 0, 2 }, .port = 80 };
	uint8_t ca[4] = { 10, 3, (uint8_t)((f / 50000) >> 8), (uint8_t)(f / 50000 + 1) };
	uint8_t sa[4] = { 10, 4, 0, 80 };
	memcpy(cli->addr, ca, 4);
	memcpy(srv->addr, sa, 4);
	memcpy(g->cli, cli->addr, 16);
	g->cport = cli->port;
	g->first = T.npk;
	T.cur_flow = f;
}

static void build(uint32_t flows, const char *attacks, double share, unsigned seed)
{
	struct corpus mix = { 0 }, att = { 0 };
	char err[512];
	mix_build(&mix, flows, seed);
	if (attacks && corpus_load_dir(&att, attacks, err, sizeof(err)) < 0)
		die("%s", err);
	uint32_t natt = 0;
	for (int i = 0; i < att.n; i++)
		natt += !att.cases[i].benign;
	uint32_t want_att = attacks ? (uint32_t)(flows * share / 100.0 + 0.5) : 0;
	if (want_att > natt)
		want_att = natt;
	T.nfl = flows + want_att;
	T.fl = calloc(T.nfl, sizeof(*T.fl));
	static struct conv c;
	uint64_t ts = 1764550800ull * 1000000ull;
	uint32_t ai = 0, stride = want_att ? flows / want_att + 1 : 0;
	uint32_t f = 0, mi = 0, k = 0;
	while (f < T.nfl) {
		/* attacks spread evenly through the mix */
		const struct corpus_case *kc;
		int is_att = want_att && ai < want_att && (f % stride == stride - 1 || mi == (uint32_t)mix.n);
		if (is_att) {
			while (att.cases[k].benign)
				k++;
			kc = &att.cases[k++];
			ai++;
		} else {
			kc = &mix.cases[mi++];
		}
		struct gflow *g = &T.fl[f];
		snprintf(g->name, sizeof(g->name), "%s", kc->name);
		g->attack = is_att;
		struct conv_ep cli, srv;
		flow_start(f, &cli, &srv);
		conv_init(&c, &cli, &srv, ts, seed + f, collect, NULL);
		if (mss_opt)
			c.mss = mss_opt;
		conv_play(&c, kc, CV_WHOLE);
		g->n = T.npk - g->first;
		ts = c.ts_us + 100;
		f++;
	}
	corpus_free(&mix);
	corpus_free(&att);
}

/* --fanout: each mix conversation's first exchange, mid-stream. */
static void build_templates(uint32_t flows, unsigned seed)
{
	struct corpus mix = { 0 };
	mix_build(&mix, flows, seed);
	T.nfl = flows;
	T.fl = calloc(T.nfl, sizeof(*T.fl));
	static struct conv c;
	for (uint32_t f = 0; f < flows; f++) {
		const struct corpus_case *kc = &mix.cases[f];
		struct gflow *g = &T.fl[f];
		struct conv_ep cli, srv;
		flow_start(f, &cli, &srv);
		conv_init(&c, &cli, &srv, 0, seed + f, collect, NULL);
		if (mss_opt)
			c.mss = mss_opt;
		for (int ch = 0; ch < corpus_first_exchange(kc); ch++)
			conv_send(&c, kc->chunk[ch].dir, kc->chunk[ch].data, kc->chunk[ch].len, CV_WHOLE);
		g->n = T.npk - g->first;
	}
	corpus_free(&mix);
}

/* Every loop run plays its flows from fresh client addresses (10.R.x.x,
 * R the run's octet), so a device under test that still holds the last
 * run's flows never sees one tuple twice. */
static uint8_t run_octet = 3;

static void to_run_address(uint8_t *frame, uint32_t len, int from_server)
{
	if (len < 14 + 20 + 20 || run_octet == 3)
		return;
	uint8_t *ip = frame + 14, *tcp = ip + (ip[0] & 15) * 4;
	uint8_t *a = from_server ? ip + 16 : ip + 12;
	uint8_t na[4] = { a[0], run_octet, a[2], a[3] };
	ipv4_set_addr(ip, tcp, a, na);
}

static uint32_t flow_of(const struct pkt *p)
{
	/* the client is 10.3.H.L port 10000+f%50000 */
	const uint8_t *c = p->dport == 80 ? p->src : p->dst;
	uint16_t port = p->dport == 80 ? p->sport : p->dport;
	if (c[0] != 10 || c[1] != run_octet || port < 10000)
		return UINT32_MAX;
	uint32_t hi = ((uint32_t)c[2] << 8 | c[3]) - 1;
	uint32_t f = hi * 50000 + (port - 10000);
	return f < T.nfl ? f : UINT32_MAX;
}

/* ---- ports ------------------------------------------------------------------ */

static struct rte_mempool *mp;

/* Hardware timestamps: when both loop ports stamp what they receive (RX
 * timestamp offload on one NIC's clock), latency is the receive stamp minus
 * the NIC clock read at send; otherwise the TSC at both ends. */
static struct { int on; int off; uint64_t flag; double hz; uint16_t tx_port[2]; } hwts;

static void hwts_setup(uint16_t pa, uint16_t pb)
{
	struct rte_eth_dev_info ia, ib;
	if (rte_eth_dev_info_get(pa, &ia) || rte_eth_dev_info_get(pb, &ib) ||
	    !(ia.rx_offload_capa & ib.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP))
		return;
	int bit;
	if (rte_mbuf_dyn_rx_timestamp_register(&hwts.off, NULL) < 0 ||
	    (bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL)) < 0)
		return;
	uint64_t c0, c1, t0 = rte_get_tsc_cycles();
	if (rte_eth_read_clock(pa, &c0) != 0)
		return;
	rte_delay_ms(100);
	if (rte_eth_read_clock(pa, &c1) != 0 || c1 <= c0)
		return;
	hwts.hz = (double)(c1 - c0) * rte_get_tsc_hz() / (rte_get_tsc_cycles() - t0);
	hwts.flag = 1ull << bit;
	hwts.tx_port[0] = pa;
	hwts.tx_port[1] = pb;
	hwts.on = 1;
}

static uint16_t open_port(const char *spec, uint32_t idx, const char *name)
{
	uint16_t id;
	if (rte_eth_dev_get_port_by_name(name, &id) != 0)
		die("port %s did not appear (check the device string)", spec);
	char err[256];
	if (port_setup(id, 1, 1, mp, 1, 1, err, sizeof(err)) < 0)
		die("port %s: %s", spec, err);
	struct rte_eth_link l;
	for (int i = 0; i < 100; i++) {
		rte_eth_link_get_nowait(id, &l);
		if (l.link_status)
			return id;
		rte_delay_ms(100);
	}
	die("port %s is down (is the device under test running?)", spec);
}

/* ---- loop ------------------------------------------------------------------- */

struct result {
	double rate_pps, secs;
	uint64_t sent, received, lost, reordered, dup, unknown, rsts;
	uint32_t benign, benign_whole, benign_damaged, attacks, attacks_stopped, attacks_passed;
	double p50_us, p99_us, p999_us;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void receive(uint16_t port, uint64_t *lat, uint64_t *nlat, struct result *r, uint32_t *last_rx)
{
	struct rte_mbuf *b[32];
	uint16_t n = rte_eth_rx_burst(port, 0, b, 32);
	uint64_t now = rte_get_tsc_cycles();
	for (uint16_t i = 0; i < n; i++) {
		struct pkt p;
		enum decode_ctr dc = decode_frame(rte_pktmbuf_mtod(b[i], const uint8_t *), rte_pktmbuf_data_len(b[i]),
						  LINK_ETH, 0, &p);
		uint32_t f = dc == DEC_tcp ? flow_of(&p) : UINT32_MAX;
		if (f == UINT32_MAX) {
			r->unknown++;       /* never sent: counted, never matched */
			continue;
		}
		struct gflow *g = &T.fl[f];
		int dir = p.sport == 80;
		int matched = 0;
		for (uint32_t k = 0; k < g->n; k++) {
			struct gpkt *q = &T.pk[g->first + k];
			if (q->dir != dir || q->seq != p.seq || q->flags != p.tcp_flags || !q->sent ||
			    q->len != rte_pktmbuf_data_len(b[i]))
				continue;
			if (q->rx) {
				r->dup++;
			} else {
				q->rx = 1;
				r->received++;
				if (k < last_rx[f])
					r->reordered++;
				last_rx[f] = k;
				if (*nlat < T.npk) {
					if (hwts.on && (b[i]->ol_flags & hwts.flag))
						lat[(*nlat)++] = (uint64_t)((*RTE_MBUF_DYNFIELD(b[i], hwts.off, uint64_t *) -
									    q->tx_clk) * rte_get_tsc_hz() / hwts.hz);
					else
						lat[(*nlat)++] = now - q->tx_tsc;
				}
			}
			matched = 1;
			break;
		}
		if (!matched) {
			if (p.tcp_flags & TH_RST) {
				g->rst_seen = 1;   /* the device under test reset it */
				r->rsts++;
			} else {
				r->unknown++;
			}
		}
	}
	rte_pktmbuf_free_bulk(b, n);
}

/* Play every flow once at rate (0: as fast as lock step allows). */
#define SLOT_WAIT (UINT32_MAX - 1)   /* a slot whose flow ended, waiting for the next */

static void run_loop(uint16_t pa, uint16_t pb, double rate, uint32_t conc, uint64_t timeout_cyc,
		     struct result *r)
{
	memset(r, 0, sizeof(*r));
	static int runs;
	if (runs++)
		run_octet = run_octet >= 200 ? 4 : run_octet + 1;
	/* (3 is the templates' own octet, used by --pcap and --tx) */
	for (uint32_t i = 0; i < T.npk; i++)
		T.pk[i].rx = T.pk[i].sent = 0;
	for (uint32_t f = 0; f < T.nfl; f++)
		T.fl[f].next = T.fl[f].done = T.fl[f].rst_seen = 0;
	uint64_t *lat = malloc(T.npk * sizeof(uint64_t)), nlat = 0;
	uint32_t *last_rx = calloc(T.nfl, sizeof(uint32_t));
	uint32_t *slot = malloc(conc * sizeof(uint32_t)), next_flow = 0, active = 0;
	for (uint32_t s = 0; s < conc; s++)
		if (s < T.nfl) {       /* with a new-flow rate even the first ones wait their turn */
			active++;
			slot[s] = new_flow_rate > 0 ? SLOT_WAIT : next_flow++;
		} else {
			slot[s] = UINT32_MAX;
		}
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_get_tsc_cycles(), credit_t = t0, fcredit_t = t0;
	double credit = 32, fcredit = 0;
	while (active && !interrupted) {
		receive(pa, lat, &nlat, r, last_rx);
		receive(pb, lat, &nlat, r, last_rx);
		uint64_t now = rte_get_tsc_cycles();
		if (rate > 0) {
			credit += (double)(now - credit_t) * rate / hz;
			if (credit > 32)
				credit = 32;
		} else {
			credit = 32;
		}
		credit_t = now;
		struct rte_mbuf *out[2][32];
		uint16_t no[2] = { 0, 0 };
		if (new_flow_rate > 0) {
			fcredit += (double)(now - fcredit_t) * new_flow_rate / hz;
			if (fcredit > conc)
				fcredit = conc;
			fcredit_t = now;
		}
		for (uint32_t s = 0; s < conc && credit >= 1; s++) {
			uint32_t f = slot[s];
			if (f == SLOT_WAIT) {
				/* a free slot takes the next flow, at the new-flow rate */
				if (next_flow >= T.nfl) {
					slot[s] = UINT32_MAX;
					active--;
				} else if (new_flow_rate <= 0 || fcredit >= 1) {
					fcredit -= new_flow_rate > 0;
					slot[s] = next_flow++;
				}
				continue;
			}
			if (f == UINT32_MAX)
				continue;
			struct gflow *g = &T.fl[f];
			if (g->next == g->n) {
				/* finished: everything sent; wait for the last arrivals */
				struct gpkt *last = &T.pk[g->first + g->n - 1];
				if (!last->rx && now - last->tx_tsc < timeout_cyc && !g->rst_seen)
					continue;
				g->done = 1;
				slot[s] = SLOT_WAIT;
				continue;
			}
			struct gpkt *q = &T.pk[g->first + g->next];
			/* lock step: the other side's earlier packets must have arrived */
			int ready = 1;
			for (uint32_t k = g->next; k-- > 0;) {
				struct gpkt *e = &T.pk[g->first + k];
				if (e->dir != q->dir && !e->rx) {
					ready = 0;
					if (now - e->tx_tsc > timeout_cyc || g->rst_seen) {
						/* it will not come: give the flow up */
						g->next = g->n;
						g->done = 1;
					}
					break;
				}
				if (e->dir != q->dir)
					break;
			}
			if (!ready || no[q->dir] == 32)
				continue;
			struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
			if (!m)
				break;
			uint8_t *fr = (uint8_t *)rte_pktmbuf_append(m, q->len);
			memcpy(fr, T.blob + q->off, q->len);
			to_run_address(fr, q->len, q->dir);
			q->tx_tsc = now;
			if (hwts.on)
				rte_eth_read_clock(hwts.tx_port[q->dir], &q->tx_clk);
			q->sent = 1;
			out[q->dir][no[q->dir]++] = m;
			g->next++;
			credit -= 1;
		}
		for (int d = 0; d < 2; d++) {
			uint16_t sent = no[d] ? rte_eth_tx_burst(d ? pb : pa, 0, out[d], no[d]) : 0;
			r->sent += sent;
			if (sent < no[d]) {
				/* the port refused: those packets count as sent and lost */
				for (uint16_t i = sent; i < no[d]; i++)
					rte_pktmbuf_free(out[d][i]);
				r->sent += no[d] - sent;
			}
		}
	}
	/* stragglers */
	uint64_t until = rte_get_tsc_cycles() + timeout_cyc;
	while (rte_get_tsc_cycles() < until) {
		receive(pa, lat, &nlat, r, last_rx);
		receive(pb, lat, &nlat, r, last_rx);
	}
	r->secs = (double)(rte_get_tsc_cycles() - t0) / hz;
	r->rate_pps = r->sent / r->secs;
	for (uint32_t f = 0; f < T.nfl; f++) {
		struct gflow *g = &T.fl[f];
		uint32_t got = 0, sent = 0;
		for (uint32_t k = 0; k < g->n; k++) {
			got += T.pk[g->first + k].rx;
			sent += T.pk[g->first + k].sent;
		}
		int whole = got == g->n;
		if (g->attack) {
			r->attacks++;
			if (!whole || g->rst_seen)
				r->attacks_stopped++;
			else
				r->attacks_passed++;
		} else {
			r->benign++;
			if (whole && !g->rst_seen)
				r->benign_whole++;
			else
				r->benign_damaged++;
			r->lost += sent - got;
		}
	}
	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	double us = 1e6 / hz;
	if (nlat) {
		r->p50_us = lat[nlat / 2] * us;
		r->p99_us = lat[(uint64_t)(nlat * 0.99)] * us;
		r->p999_us = lat[(uint64_t)(nlat * 0.999) < nlat ? (uint64_t)(nlat * 0.999) : nlat - 1] * us;
	}
	free(lat);
	free(last_rx);
	free(slot);
}

/* Every attack stopped, and benign loss within the tolerance (none by default). */
static int clean_enough(const struct result *r)
{
	return r->attacks_passed == 0 && r->lost <= loss_tolerance * r->sent &&
	       r->benign_damaged <= loss_tolerance * r->benign;
}

static void print_result(const struct result *r, FILE *f)
{
	fprintf(f, "{\"rate_pps\":%.0f,\"seconds\":%.3f,\"sent\":%lu,\"received\":%lu,\"lost_benign\":%lu,"
		"\"reordered\":%lu,\"duplicates\":%lu,\"unknown\":%lu,\"rsts\":%lu,\"latency_us\":{\"p50\":%.1f,"
		"\"p99\":%.1f,\"p99.9\":%.1f},\"benign\":%u,\"benign_whole\":%u,\"benign_damaged\":%u,"
		"\"attacks\":%u,\"attacks_stopped\":%u,\"attacks_passed\":%u,\"new_flows_per_s\":%.0f,"
		"\"timestamps\":\"%s\",\"interrupted\":%s}\n",
		r->rate_pps, r->secs, (unsigned long)r->sent, (unsigned long)r->received, (unsigned long)r->lost,
		(unsigned long)r->reordered, (unsigned long)r->dup, (unsigned long)r->unknown,
		(unsigned long)r->rsts, r->p50_us, r->p99_us, r->p999_us, r->benign, r->benign_whole,
		r->benign_damaged, r->attacks, r->attacks_stopped, r->attacks_passed,
		r->secs > 0 ? (r->benign + r->attacks) / r->secs : 0.0, hwts.on ? "nic" : "tsc",
		interrupted ? "true" : "false");
	fflush(f);
}

/* ---- main ------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pcap", required_argument, 0, 'p' }, { "tx", required_argument, 0, 't' },
		{ "loop", no_argument, 0, 'l' }, { "flows", required_argument, 0, 'f' },
		{ "attacks", required_argument, 0, 'a' }, { "attack-share", required_argument, 0, 's' },
		{ "rate", required_argument, 0, 'r' }, { "concurrency", required_argument, 0, 'c' },
		{ "seed", required_argument, 0, 'S' }, { "search", no_argument, 0, 'R' },
		{ "timeout-ms", required_argument, 0, 'T' }, { "help", no_argument, 0, 'h' },
		{ "fanout", required_argument, 0, 'F' }, { "seconds", required_argument, 0, 'D' },
		{ "new-flows", required_argument, 0, 'N' }, { "mss", required_argument, 0, 'M' },
		{ "loss-tolerance", required_argument, 0, 'L' },
		{ 0, 0, 0, 0 },
	};
	const char *pcap_out = NULL, *tx = NULL, *attacks = NULL;
	int loop = 0, search = 0;
	uint32_t flows = 1000, conc = 64, timeout_ms = 500, fan = 0;
	double seconds = 0;
	double share = 5, rate = 0;
	unsigned seed = 1;
	int eal_at = argc;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			eal_at = i;
			break;
		}
	int o;
	while ((o = getopt_long(eal_at, argv, "h", opts, NULL)) != -1) {
		char *end = NULL;
		switch (o) {
		case 'p': pcap_out = optarg; break;
		case 't': tx = optarg; break;
		case 'l': loop = 1; break;
		case 'f': flows = strtoul(optarg, &end, 10); if (*end || !flows) die("--flows %s: expected a count", optarg); break;
		case 'a': attacks = optarg; break;
		case 's': share = strtod(optarg, &end); if (*end || share < 0 || share > 100) die("--attack-share %s: expected 0-100", optarg); break;
		case 'r': rate = strtod(optarg, &end); if (*end || rate < 0) die("--rate %s: expected packets per second", optarg); break;
		case 'c': conc = strtoul(optarg, &end, 10); if (*end || !conc) die("--concurrency %s: expected a count", optarg); break;
		case 'S': seed = strtoul(optarg, NULL, 10); break;
		case 'R': search = 1; break;
		case 'T': timeout_ms = strtoul(optarg, NULL, 10); break;
		case 'F': fan = strtoul(optarg, &end, 10); if (*end || !fan || fan > (1u << 22)) die("--fanout %s: expected a flow count up to 4194304", optarg); break;
		case 'D': seconds = strtod(optarg, &end); if (*end || seconds < 0) die("--seconds %s: expected a duration", optarg); break;
		case 'N': new_flow_rate = strtod(optarg, &end); if (*end || new_flow_rate < 0) die("--new-flows %s: expected flows per second", optarg); break;
		case 'M': { unsigned long v = strtoul(optarg, &end, 10); if (*end || v < 64 || v > 9000) die("--mss %s: expected 64 to 9000 bytes", optarg); mss_opt = v; break; }
		case 'L': loss_tolerance = strtod(optarg, &end) / 100; if (*end || loss_tolerance < 0 || loss_tolerance > 0.5) die("--loss-tolerance %s: expected 0 to 50 (percent)", optarg); break;
		case 'h':
			puts("seam-pktgen --pcap OUT | --tx PORT | --loop A B  [--flows N] [--attacks DIR]\n"
			     "            [--attack-share PCT] [--rate PPS] [--concurrency C] [--seed S] [--search]\n"
			     "            [--timeout-ms MS] [--new-flows F] [--mss BYTES] [--loss-tolerance PCT]\n"
			     "            [--fanout FLOWS --seconds S (with --tx)] [-- EAL-ARGS]");
			return 0;
		default:
			return 2;
		}
	}
	const char *ports[2] = { NULL, NULL };
	int nports = 0;
	for (int i = optind; i < eal_at && nports < 2; i++)
		ports[nports++] = argv[i];
	if (!!pcap_out + !!tx + loop != 1)
		die("choose one of --pcap OUT, --tx PORT, --loop A B");
	if (loop && nports != 2)
		die("--loop needs two ports, A (client side) and B (server side)");
	if ((size_t)flows * 40 * 600 > (size_t)8 << 30)
		die("--flows %u: the templates would need more than 8 GiB; use fewer flows", flows);

	if (fan && !tx)
		die("--fanout goes with --tx PORT");
	if (fan && fan < flows)
		die("--fanout %u: at least the %u template flows", fan, flows);
	if (fan)
		build_templates(flows, seed);
	else
		build(flows, attacks, share, seed);
	fprintf(stderr, "seam-pktgen: %u flows (%u attacks), %u packets, %.1f MB of templates\n", T.nfl,
		(unsigned)(T.nfl - flows), T.npk, T.blob_len / 1e6);

	if (pcap_out) {
		pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
		pcap_dumper_t *d = pcap_dump_open(pd, pcap_out);
		if (!d)
			die("cannot write %s: %s", pcap_out, pcap_geterr(pd));
		for (uint32_t i = 0; i < T.npk; i++) {
			struct pcap_pkthdr h = { .caplen = T.pk[i].len, .len = T.pk[i].len };
			h.ts.tv_sec = 1764550800 + i / 100000;
			h.ts.tv_usec = (i % 100000) * 10;
			pcap_dump((u_char *)d, &h, T.blob + T.pk[i].off);
		}
		pcap_dump_close(d);
		return 0;
	}

	/* EAL: our own prefix, no hugepages needed, the ports as vdevs */
	char *eal[64];
	int ne = 0;
	char pfx[64], dev[2][600], name[2][64];
	snprintf(pfx, sizeof(pfx), "--file-prefix=pktgen%d", (int)getpid());
	eal[ne++] = "seam-pktgen";
	eal[ne++] = "-l";
	eal[ne++] = "0";
	eal[ne++] = "--no-shconf";
	eal[ne++] = "-m";
	eal[ne++] = "1024";
	eal[ne++] = "--log-level=4";
	eal[ne++] = pfx;
	const char *specs[2] = { loop ? ports[0] : tx, loop ? ports[1] : NULL };
	int pci = 0;
	for (int i = 0; i < 2 && specs[i]; i++) {
		char d2[512];
		char kind = port_classify(specs[i], d2, sizeof(d2), i, name[i], sizeof(name[i]));
		if (kind == 'e')
			die("port %s: no such device or interface", specs[i]);
		/* a PCI port (a real NIC, bound to vfio-pci or mlx5): allow-listed */
		snprintf(dev[i], sizeof(dev[i]), kind == 'p' ? "-a%s" : "--vdev=%s", d2);
		pci += kind == 'p';
		eal[ne++] = dev[i];
	}
	if (!pci) {
		eal[ne++] = "--no-pci";
		eal[ne++] = "--no-huge";     /* virtual ports need no DMA-able memory */
	}
	for (int i = eal_at + 1; i < argc && ne < 63; i++)
		eal[ne++] = argv[i];
	if (rte_eal_init(ne, eal) < 0)
		die("DPDK could not start: %s", rte_strerror(rte_errno));
	signal(SIGINT, on_int);
	mp = rte_pktmbuf_pool_create("pg", 16383, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (!mp)
		die("no memory for packet buffers");
	uint16_t pa = open_port(specs[0], 0, name[0]);
	/* a rate no port of this speed can carry (64-byte frames: 84 bytes on the wire) */
	struct rte_eth_link link;
	if (rate > 0 && rte_eth_link_get_nowait(pa, &link) == 0 && link.link_speed &&
	    link.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN && rate > link.link_speed * 1e6 / (84 * 8))
		die("--rate %.0f pps: port %s links at %u Mbit/s, at most %.0f packets/s of 64-byte frames",
		    rate, specs[0], link.link_speed, link.link_speed * 1e6 / (84 * 8));
	/* loop runs of different processes must not share tuples either */
	run_octet = 4 + (uint8_t)(getpid() % 190);
	uint64_t timeout = rte_get_tsc_hz() / 1000 * timeout_ms;

	if (tx && fan) {
		/* the templates as fan long-lived flows, for seconds (or Ctrl-C) */
		const uint8_t **frames = malloc(T.npk * sizeof(*frames));
		uint32_t *lens = malloc(T.npk * sizeof(*lens));
		for (uint32_t i = 0; i < T.npk; i++) {
			frames[i] = T.blob + T.pk[i].off;
			lens[i] = T.pk[i].len;
		}
		struct fanout fo;
		char ferr[256];
		if (fanout_build(&fo, frames, lens, T.npk, fan, ferr, sizeof(ferr)) < 0)
			die("%s", ferr);
		uint64_t hz = rte_get_tsc_hz(), t0 = rte_get_tsc_cycles(), sent = 0, refused = 0, bytes = 0;
		uint64_t until = seconds > 0 ? t0 + (uint64_t)(seconds * hz) : UINT64_MAX;
		uint32_t i = 0;
		while (!interrupted && rte_get_tsc_cycles() < until) {
			struct rte_mbuf *b[32];
			if (rte_pktmbuf_alloc_bulk(mp, b, 32) != 0)
				continue;
			for (int k = 0; k < 32; k++) {
				uint8_t *d = (uint8_t *)rte_pktmbuf_append(b[k], T.pk[i].len);
				memcpy(d, T.blob + T.pk[i].off, T.pk[i].len);
				fanout_apply(&fo, d, T.pk[i].len);
				bytes += T.pk[i].len;
				i = i + 1 == T.npk ? 0 : i + 1;
			}
			uint16_t s = rte_eth_tx_burst(pa, 0, b, 32);
			rte_pktmbuf_free_bulk(b + s, 32 - s);
			sent += s;
			refused += 32 - s;
			if (rate > 0)
				while ((double)(rte_get_tsc_cycles() - t0) * rate / hz < sent + refused)
					rte_pause();
		}
		double secs = (double)(rte_get_tsc_cycles() - t0) / hz;
		printf("{\"sent\":%lu,\"refused\":%lu,\"seconds\":%.3f,\"rate_pps\":%.0f,\"mpps\":%.4f,"
		       "\"gbps\":%.4f,\"avg_pkt_bytes\":%.1f,\"flows\":%lu,\"cycles_per_pkt\":%.1f,\"interrupted\":%s}\n",
		       (unsigned long)sent, (unsigned long)refused, secs, sent / secs, sent / secs / 1e6,
		       bytes * 8 / secs / 1e9, sent + refused ? (double)bytes / (sent + refused) : 0.0,
		       (unsigned long)fanout_flows(&fo),
		       sent + refused ? (double)(rte_get_tsc_cycles() - t0) / (sent + refused) : 0.0,
		       interrupted ? "true" : "false");
		fanout_free(&fo);
		rte_eal_cleanup();
		return 0;
	}
	if (tx) {
		/* transmit the whole set at rate, both directions on one port */
		uint64_t hz = rte_get_tsc_hz(), t0 = rte_get_tsc_cycles(), sent = 0;
		for (uint32_t i = 0; i < T.npk && !interrupted;) {
			struct rte_mbuf *b[32];
			uint16_t k = 0;
			while (k < 32 && i < T.npk) {
				b[k] = rte_pktmbuf_alloc(mp);
				if (!b[k])
					break;
				memcpy(rte_pktmbuf_append(b[k], T.pk[i].len), T.blob + T.pk[i].off, T.pk[i].len);
				k++;
				i++;
			}
			uint16_t s = rte_eth_tx_burst(pa, 0, b, k);
			rte_pktmbuf_free_bulk(b + s, k - s);
			sent += k;
			if (rate > 0)
				while ((double)(rte_get_tsc_cycles() - t0) * rate / hz < sent)
					rte_pause();
		}
		double secs = (double)(rte_get_tsc_cycles() - t0) / hz;
		printf("{\"sent\":%lu,\"seconds\":%.3f,\"rate_pps\":%.0f}\n", (unsigned long)sent, secs, sent / secs);
		rte_eal_cleanup();
		return 0;
	}

	uint16_t pb = open_port(specs[1], 1, name[1]);
	hwts_setup(pa, pb);
	struct result r;
	run_loop(pa, pb, rate, conc, timeout, &r);
	print_result(&r, stdout);
	if (search && !interrupted) {
		/* RFC 2544 style: the highest rate with no benign loss and every
		 * attack stopped, between 0 and what lock step reached */
		double lo = 0, hi = r.rate_pps, best = 0;
		int ok_hi = clean_enough(&r);
		if (ok_hi)
			lo = best = hi;
		for (int it = 0; it < 6 && !ok_hi && !interrupted; it++) {
			double mid = (lo + hi) / 2;
			run_loop(pa, pb, mid, conc, timeout, &r);
			int good = clean_enough(&r);
			fprintf(stderr, "seam-pktgen: %.0f pps: %s\n", mid, good ? "clean" : "loss or harm");
			print_result(&r, stdout);
			if (good) {
				lo = mid;
				if (r.rate_pps > best)
					best = r.rate_pps;    /* what was reached, not what was asked */
			} else {
				hi = mid;
			}
		}
		printf("{\"zero_loss_rate_pps\":%.0f,\"loss_tolerance_pct\":%.2f}\n", best, loss_tolerance * 100);
	}
	rte_eth_dev_stop(pa);
	rte_eth_dev_stop(pb);
	rte_eal_cleanup();
	return r.attacks_passed || r.benign_damaged ? 1 : 0;
}
