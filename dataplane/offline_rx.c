/* offline_rx.c — a capture file as a worker's receive queue. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sys/stat.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include "lazypool.h"
#include "offline_rx.h"

#define OFFLINE_IOBUF (4u << 20)   /* a read() per 4 MB, not per 4 kB */
/* kept free for what takes buffers without growing the pool: a 64 kB
 * frame cut into segments, fragments, a burst */
#define POOL_SPARE 512u

/* Largest record libpcap accepts (its MAXIMUM_SNAPLEN) */
#define RECORD_MAX 262144u

/* A regular file in the classic pcap format (libpcap has checked its
 * header) is read in place: one copy per record instead of three. */
static void map_classic(struct offline_src *s)
{
	uint8_t hdr[4];
	if (!s->size || s->size < 24 || pread(fileno(s->fp), hdr, 4, 0) != 4)
		return;
	uint32_t magic = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
		s->swapped = 0;
	else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
		s->swapped = 1;
	else
		return;                      /* pcapng: libpcap reads it */
	s->nsec = magic == 0xa1b23c4du || magic == 0x4d3cb2a1u;
	void *m = mmap(NULL, s->size, PROT_READ, MAP_PRIVATE, fileno(s->fp), 0);
	if (m == MAP_FAILED)
		return;                      /* libpcap reads it */
	madvise(m, s->size, MADV_SEQUENTIAL);
	s->map = m;
	s->pos = 24;
}

static uint32_t rd32(const struct offline_src *s, uint64_t at)
{
	uint32_t v;
	memcpy(&v, s->map + at, 4);
	return s->swapped ? __builtin_bswap32(v) : v;
}

int offline_open(struct offline_src *s, const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct stat st;
	memset(s, 0, sizeof(*s));
	s->ts_off = -1;
	s->fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");   /* "-": a pipe */
	if (!s->fp) {
		snprintf(err, errlen, "cannot read capture %s: %s", path, strerror(errno));
		return -1;
	}
	s->iobuf = malloc(OFFLINE_IOBUF);
	if (s->iobuf)
		setvbuf(s->fp, s->iobuf, _IOFBF, OFFLINE_IOBUF);
	s->size = fstat(fileno(s->fp), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	s->pc = pcap_fopen_offline_with_tstamp_precision(s->fp, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!s->pc) {
		snprintf(err, errlen, "cannot read capture %s: %s", path, perr);
		fclose(s->fp);
		free(s->iobuf);
		memset(s, 0, sizeof(*s));
		return -1;
	}
	s->dlt = pcap_datalink(s->pc);
	map_classic(s);
	return 0;
}

void offline_close(struct offline_src *s)
{
	if (s->map)
		munmap((void *)s->map, s->size);
	s->map = NULL;
	if (s->pc)
		pcap_close(s->pc);           /* closes fp */
	free(s->iobuf);
	s->pc = NULL;
	s->fp = NULL;
	s->iobuf = NULL;
}

struct rte_mempool *offline_pool_create(const char *name, uint32_t n, int socket)
{
	uint16_t room = RTE_MBUF_DEFAULT_BUF_SIZE;
	struct rte_pktmbuf_pool_private priv = { .mbuf_data_room_size = room, .mbuf_priv_size = 0 };
	/* with a cache per lcore: a reader takes, another worker gives back */
	uint32_t cache = n >= 4096 ? 256 : 0;
	return lazypool_create(name, n, cache, sizeof(struct rte_mbuf) + room, sizeof(priv), socket, 0, 1,
			       rte_pktmbuf_init, rte_pktmbuf_pool_init, &priv);
}

static struct rte_mbuf *take(struct rte_mempool *mp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	if (!m && lazypool_grow(mp, rte_pktmbuf_init))
		m = rte_pktmbuf_alloc(mp);
	return m;
}

/* One record into a buffer, chained past the first buffer's room. */
static struct rte_mbuf *to_mbuf(struct rte_mempool *mp, const uint8_t *d, uint32_t len)
{
	struct rte_mbuf *head = take(mp), *tail = head;
	if (!head)
		return NULL;
	uint32_t k = len < rte_pktmbuf_tailroom(head) ? len : rte_pktmbuf_tailroom(head);
	memcpy(rte_pktmbuf_mtod(head, uint8_t *), d, k);
	head->data_len = (uint16_t)k;
	head->pkt_len = len;
	for (uint32_t off = k; off < len; off += k) {
		struct rte_mbuf *m = take(mp);
		if (!m) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		k = len - off < rte_pktmbuf_tailroom(m) ? len - off : rte_pktmbuf_tailroom(m);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), d + off, k);
		m->data_len = (uint16_t)k;
		tail->next = m;
		tail = m;
		head->nb_segs++;
	}
	return head;
}

void offline_pool_refill(struct rte_mempool *mp)
{
	if (rte_mempool_avail_count(mp) < POOL_SPARE)
		lazypool_grow(mp, rte_pktmbuf_init);
}

uint16_t offline_rx(struct offline_src *s, struct rte_mempool *mp, struct rte_mbuf **bufs, uint16_t n)
{
	if (s->eof)
		return 0;
	offline_pool_refill(mp);
	uint16_t got = 0;
	while (got < n) {
		const u_char *d;
		uint32_t caplen;
		uint64_t t;
		if (s->map) {
			uint64_t left = s->size - s->pos;
			if (left < 16 || (caplen = rd32(s, s->pos + 8)) > RECORD_MAX || caplen > left - 16) {
				if (left >= 16 && caplen > RECORD_MAX)
					snprintf(s->warn, sizeof(s->warn), "invalid packet capture length %u at byte "
						 "%lu (reading the %lu packets before it)", caplen,
						 (unsigned long)s->pos, (unsigned long)s->records);
				else if (left)
					snprintf(s->warn, sizeof(s->warn), "truncated dump file: the last record "
						 "is cut at byte %lu (reading the %lu packets before it)",
						 (unsigned long)s->size, (unsigned long)s->records);
				s->eof = 1;
				break;
			}
			uint32_t frac = rd32(s, s->pos + 4);
			t = (uint64_t)rd32(s, s->pos) * 1000000000ull + (s->nsec ? frac : (uint64_t)frac * 1000);
			d = s->map + s->pos + 16;
			s->pos += 16 + caplen;
		} else {
			struct pcap_pkthdr *h;
			int r = pcap_next_ex(s->pc, &h, &d);
			if (r != 1) {
				if (r == PCAP_ERROR)
					snprintf(s->warn, sizeof(s->warn), "%s (reading the %lu packets before it)",
						 pcap_geterr(s->pc), (unsigned long)s->records);
				s->eof = 1;
				break;
			}
			caplen = h->caplen;
			t = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;  /* ns: opened so */
		}
		s->records++;
		struct rte_mbuf *m = to_mbuf(mp, d, caplen);
		if (!m) {
			s->no_buffer++;
			continue;
		}
		/* a record stamped earlier than one before it (merged captures)
		 * does not turn the clock back */
		if (t > s->clock_ns)
			s->clock_ns = t;
		if (s->ts_off >= 0) {
			*RTE_MBUF_DYNFIELD(m, s->ts_off, uint64_t *) = s->clock_ns;
			m->ol_flags |= s->ts_flag;
		}
		bufs[got++] = m;
	}
	/* the pages read are copied out: unmap them behind the reader, so the
	 * process holds 8 MB of the file, not all of it */
	if (s->map && s->pos - s->released >= (8u << 20)) {
		uint64_t to = s->pos & ~(uint64_t)4095;
		madvise((void *)(s->map + s->released), to - s->released, MADV_DONTNEED);
		s->released = to;
	}
	return got;
}
