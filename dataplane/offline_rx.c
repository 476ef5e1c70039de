/* offline_rx.c — a capture file as a worker's receive queue. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>
#include "offline_rx.h"

#define OFFLINE_IOBUF (4u << 20)   /* a read() per 4 MB, not per 4 kB */
#define POOL_CHUNK 4096u           /* buffers added at a time */
#define POOL_SPARE 2048u           /* grow below this many free: a burst of 64 kB frames fits */

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
	return 0;
}

void offline_close(struct offline_src *s)
{
	if (s->pc)
		pcap_close(s->pc);           /* closes fp */
	free(s->iobuf);
	s->pc = NULL;
	s->fp = NULL;
	s->iobuf = NULL;
}

struct chunk_range { const uint8_t *lo, *hi; };

static void init_new(struct rte_mempool *mp, void *arg, void *obj, unsigned idx)
{
	const struct chunk_range *r = arg;
	if ((const uint8_t *)obj >= r->lo && (const uint8_t *)obj < r->hi)
		rte_pktmbuf_init(mp, NULL, obj, idx);
}

/* Add up to POOL_CHUNK buffers; 0 when the pool is at its bound or no
 * memory is left.  Objects enter the pool before they are initialised,
 * which is safe: only this thread takes from a pool that is growing. */
static uint32_t pool_grow(struct rte_mempool *mp)
{
	uint32_t k = mp->size - mp->populated_size;
	if (k > POOL_CHUNK)
		k = POOL_CHUNK;
	if (!k)
		return 0;
	size_t obj = mp->header_size + mp->elt_size + mp->trailer_size;
	size_t len = (size_t)k * obj + RTE_CACHE_LINE_SIZE;
	uint8_t *mem = rte_malloc_socket("offline_mbufs", len, RTE_CACHE_LINE_SIZE, mp->socket_id);
	if (!mem)
		return 0;
	int added = rte_mempool_populate_iova(mp, (char *)mem, rte_malloc_virt2iova(mem), len, NULL, NULL);
	if (added <= 0) {
		rte_free(mem);
		return 0;
	}
	struct chunk_range r = { mem, mem + len };
	rte_mempool_obj_iter(mp, init_new, &r);
	return (uint32_t)added;
}

struct rte_mempool *offline_pool_create(const char *name, uint32_t n, int socket)
{
	uint16_t room = RTE_MBUF_DEFAULT_BUF_SIZE;
	/* no per-lcore cache: the free count is then exact and cheap to read */
	struct rte_mempool *mp = rte_mempool_create_empty(name, n, sizeof(struct rte_mbuf) + room, 0,
							  sizeof(struct rte_pktmbuf_pool_private), socket, 0);
	if (!mp)
		return NULL;
	struct rte_pktmbuf_pool_private priv = { .mbuf_data_room_size = room, .mbuf_priv_size = 0 };
	if (rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), NULL) != 0) {
		rte_mempool_free(mp);
		return NULL;
	}
	rte_pktmbuf_pool_init(mp, &priv);
	if (!pool_grow(mp)) {
		rte_mempool_free(mp);
		return NULL;
	}
	return mp;
}

static struct rte_mbuf *take(struct rte_mempool *mp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	if (!m && pool_grow(mp))
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

uint16_t offline_rx(struct offline_src *s, struct rte_mempool *mp, struct rte_mbuf **bufs, uint16_t n)
{
	if (s->eof)
		return 0;
	if (rte_mempool_avail_count(mp) < POOL_SPARE)
		pool_grow(mp);
	uint16_t got = 0;
	while (got < n) {
		struct pcap_pkthdr *h;
		const u_char *d;
		int r = pcap_next_ex(s->pc, &h, &d);
		if (r != 1) {
			if (r == PCAP_ERROR)
				snprintf(s->warn, sizeof(s->warn), "%s (reading the %lu packets before it)",
					 pcap_geterr(s->pc), (unsigned long)s->records);
			s->eof = 1;
			break;
		}
		s->records++;
		struct rte_mbuf *m = to_mbuf(mp, d, h->caplen);
		if (!m) {
			s->no_buffer++;
			continue;
		}
		if (s->ts_off >= 0) {
			*RTE_MBUF_DYNFIELD(m, s->ts_off, uint64_t *) =
				(uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;  /* ns: opened so */
			m->ol_flags |= s->ts_flag;
		}
		bufs[got++] = m;
	}
	return got;
}
