/* offline_rx.h — a capture file as a worker's receive queue.
 *
 * One pass.  A classic pcap file is mapped and its records copied straight
 * into packet buffers; pcapng and pipes go through libpcap and a large
 * stdio buffer (two more copies).  libpcap opens every kind, so the header
 * checks and the link type are its own.  Each buffer carries the record's
 * capture time.  The buffer
 * pool is filled on demand up to its bound, so a run touches the memory its
 * traffic needs, not the memory its configuration allows. */
#ifndef SEAM_OFFLINE_RX_H
#define SEAM_OFFLINE_RX_H

#include <stdint.h>
#include <stdio.h>
#include <pcap/pcap.h>
#include <rte_mbuf.h>

struct offline_src {
	pcap_t *pc;
	FILE *fp;
	char *iobuf;
	uint64_t size;            /* the file's bytes (sizing) */
	const uint8_t *map;       /* classic pcap: the whole file, mapped */
	uint64_t pos;             /* ... offset of the next record */
	uint64_t released;        /* ... bytes before this given back (they stay cached) */
	uint8_t swapped, nsec;    /* ... written in the other byte order; nanosecond stamps */
	int dlt;                  /* pcap link type */
	int eof;
	int ts_off;               /* timestamp dynfield, nanoseconds */
	uint64_t ts_flag;
	uint64_t records;         /* read so far */
	uint64_t clock_ns;        /* the latest capture time so far: what packets carry */
	uint64_t no_buffer;       /* records lost: the pool was at its bound */
	char warn[PCAP_ERRBUF_SIZE + 128];   /* why reading stopped early, "" at a clean end */
};

/* Open PATH ("-": standard input); -1 with a message naming the file when it is not a capture. */
int offline_open(struct offline_src *s, const char *path, char *err, size_t errlen);
void offline_close(struct offline_src *s);

/* A packet-buffer pool of at most N buffers, filled in chunks as used;
 * only one thread may take from it (offline_pool_refill). */
struct rte_mempool *offline_pool_create(const char *name, uint32_t n, int socket);
/* Top the pool up when fewer than a few bursts' buffers are free: for a
 * taker that allocates without growing (segments, fragments). */
void offline_pool_refill(struct rte_mempool *mp);

/* Up to N packets into BUFS (chained when longer than one buffer); 0 at
 * the end of the file (s->eof set, s->warn says if it ended early). */
uint16_t offline_rx(struct offline_src *s, struct rte_mempool *mp, struct rte_mbuf **bufs, uint16_t n);

#endif
