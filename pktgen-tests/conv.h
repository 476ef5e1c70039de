/* conv.h — turns a conversation (ordered client/server byte chunks) into
 * the TCP packets two real hosts would exchange: handshake, data with
 * correct sequence and acknowledgement numbers, ACKs, FIN close.  A
 * delivery variant decides how each chunk is cut into segments and in
 * what order, duplicated or overlapped, they go on the wire.  Packets go
 * to a callback, so the same builder feeds pcaps and ports. */
#ifndef SEAM_CONV_H
#define SEAM_CONV_H

#include <stdint.h>
#include <stddef.h>
#include "corpus.h"

enum conv_variant {
	CV_WHOLE = 0,     /* MSS-sized segments, in order */
	CV_BYTES,         /* one byte per segment */
	CV_SPLIT,         /* a few random cut points */
	CV_OOO,           /* small segments, shuffled */
	CV_DUP,           /* every segment twice, and overlapping repeats */
	CV_OVERLAP_DIFF,  /* an overlapping repeat with different bytes, sent after the original */
	CV_FRAG,          /* every data segment in IP fragments, in order */
	CV_FRAG_OOO,      /* ... fragments in reverse order */
	CV_FRAG_OVERLAP,  /* ... with an overlapping fragment of other bytes */
	CV_SUPER,         /* as a host captures its own traffic: 64 kB GSO frames, checksums left to the NIC */
	CV_RST_INJECT,    /* a RST outside the window first: receivers ignore it, so must the inspector */
	CV_RST_CHALLENGE, /* before each chunk, a RST in the window but past the receiver's next byte:
			     the receiver only answers with a challenge ACK (RFC 5961), the bytes follow */
	CV__COUNT
};

extern const char *const conv_variant_names[CV__COUNT];

struct conv_ep {
	int ipver;
	uint8_t addr[16];
	uint16_t port;
	uint8_t mac[6];
};

typedef void (*conv_out_fn)(void *ctx, const uint8_t *frame, uint32_t len, uint64_t ts_us);

struct conv {
	struct conv_ep cli, srv;
	uint32_t cseq, sseq;      /* next seq of each side */
	uint32_t lag[2];          /* bytes of the other side each side has not received yet
				     ([0] client, [1] server): its ACKs stay behind */
	uint64_t ts_us;
	uint16_t mss;
	uint8_t frag;             /* 0 none, else an enum conv_variant of the CV_FRAG family */
	uint32_t ipid;            /* next IP identification for fragments */
	uint8_t offload;          /* leave TCP checksums unfilled */
	unsigned seed;
	conv_out_fn out;
	void *ctx;
	uint8_t frame[70000];
};

void conv_init(struct conv *c, const struct conv_ep *cli, const struct conv_ep *srv, uint64_t ts_us,
	       unsigned seed, conv_out_fn out, void *ctx);
/* A whole conversation: handshake (none for a midstream case), the
 * case's chunks in the variant, and the case's close (FIN from the client
 * first, from the server first, or a client RST). */
void conv_play(struct conv *c, const struct corpus_case *k, enum conv_variant v);
/* Building blocks for other generators. */
void conv_handshake(struct conv *c);
void conv_send(struct conv *c, int from_srv, const uint8_t *data, uint32_t len, enum conv_variant v);
void conv_close(struct conv *c, int rst);
/* The server closes first: its FIN, the client's, the last ACK. */
void conv_close_server(struct conv *c);
void conv_packet(struct conv *c, int from_srv, uint8_t flags, uint32_t seq, const uint8_t *data,
		 uint32_t len);

#endif
