/* h2.h — cleartext HTTP/2 (h2c) analyzer: frame parser (RFC 9113 §4–§6),
 * header blocks decoded with HPACK, and the checks that matter when an
 * HTTP/2 hop downgrades to HTTP/1 (§8.2: field validity, connection-
 * specific fields, content-length against DATA, pseudo-headers).
 *
 * Header blocks are decoded as their bytes arrive, so a block of any size
 * is read; only one HPACK representation at a time is buffered.  State is
 * large (two representation buffers and two HPACK tables), so it is taken
 * from the caller's pool only when a connection turns into h2c; it is
 * fixed-size and nothing inside it allocates. */
#ifndef SEAM_H2_H
#define SEAM_H2_H

#include <stdint.h>
#include "hpack.h"
#include "fwd.h"

#define H2_REP_MAX 16384          /* one HPACK representation waiting for its last bytes */
#define H2_STREAMS 32             /* streams tracked for content-length */
#define H2_LIST_MIN 262144        /* header list always allowed: Chrome's SETTINGS_MAX_HEADER_LIST_SIZE */
#define H2_LIST_CAP ((1u << 20) + 4096)   /* largest announced limit followed (Go: 1 MiB + 320) */
#define H2_FBUF 64
#define H2_PREFACE_LEN 24
#define H2_SERVER_FIRST 0xffffffffu   /* preface_got: the server spoke HTTP/2 first */

enum h2_state {
	H2S_PREFACE = 0,   /* client: matching the connection preface */
	H2S_HDR,           /* reading a 9-byte frame header */
	H2S_PAYLOAD,       /* inside a frame's payload */
	H2S_DEAD,          /* framing lost: stop, quietly */
};

struct h2_stream {
	uint32_t id;
	uint8_t used;
	uint8_t has_cl;
	uint8_t headers_seen;     /* a second HEADERS on it carries trailers */
	uint8_t is_head;          /* client side: a HEAD request (no response body) */
	int64_t cl;
	uint64_t data;
};

/* What the header block being decoded has shown so far. */
struct h2_blk {
	uint8_t trailers;         /* a second HEADERS on the stream */
	uint8_t req_like;         /* a request's fields: client HEADERS or PUSH_PROMISE */
	uint8_t regular_seen;
	uint8_t pseudo;           /* P_* bits */
	uint8_t cl_bad;
	uint8_t over;             /* list over the limit: no more fields judged */
	uint8_t host_n;           /* host fields */
	int32_t auth_port;        /* :authority's port, -1 none */
	uint16_t scheme_port;     /* 80 for http, 443 for https, 0 other */
	uint16_t path_len, auth_host_len;
	uint32_t list;            /* RFC 9113 §6.5.2 size of the fields so far */
	int64_t cl;
	char method[16], path[256];
	char authority[128];      /* as sent, for events */
	char host[128];           /* the first host field, for events */
	char auth_host[128];      /* :authority's host part, for the host comparison */
	uint32_t fwd_seen;        /* forwarding findings raised for this request */
	struct fwd_msg fwd;       /* its forwarding chain and identity claims */
};

struct h2_dir {
	uint8_t st;               /* enum h2_state */
	uint8_t hlen;
	uint8_t hdr[9];
	uint8_t ftype, fflags;
	uint8_t pre_need, pre_got, pad;
	uint8_t fbuf_len;
	uint8_t in_block, blk_end_stream, blk_type;
	uint8_t blind_told;       /* hpack_budget reported for a block not fully known */
	uint8_t preface_quiet;    /* a first byte unlike the preface: not HTTP/2, no finding */
	uint8_t peer_unseen;      /* the other side's bytes did not all reach Seam: its SETTINGS unknown */
	uint32_t flen, fsid, fgot;
	uint32_t preface_got;
	uint32_t rep_len, blk_sid, cont_n;
	uint32_t max_frame;       /* largest frame the receiver accepts */
	uint32_t list_max;        /* largest header list the receiver accepts (bounded) */
	uint32_t settings_n, ping_n, empty_data_n, rst_n, opened_n;
	uint64_t off;             /* stream offset of the next byte */
	uint64_t seen;            /* h2c findings raised in this block */
	uint8_t fbuf[H2_FBUF];
	struct h2_stream streams[H2_STREAMS];
	struct h2_blk b;
	struct hpack_dec hp;      /* decodes what this side sends */
	uint8_t rep[H2_REP_MAX];  /* the representation cut at the last byte received */
};

struct h2_conn {
	struct h2_dir d[2];       /* [0] the client's frames, [1] the server's */
	uint8_t flagged_flood;    /* flood findings once per connection */
	uint8_t closed;           /* bit 0: the client's side finished, bit 1: the server's */
};

struct insp_sess;
struct insp_env;

/* preface_got: bytes of the client preface the HTTP/1 analyzer already
 * read ("PRI * HTTP/2.0\r\n" is 16), 0 after an Upgrade, H2_SERVER_FIRST
 * when the server's SETTINGS came before any client byte (a client that
 * then does not speak HTTP/2 at all is not judged as one). */
void h2_conn_init(struct h2_conn *c, uint32_t preface_got, uint64_t cli_off, uint64_t srv_off);
void h2_feed(struct insp_sess *s, int is_client, const uint8_t *p, uint32_t n,
	     const struct insp_env *env);
/* 1 when p[0..n) opens with a server connection preface (a SETTINGS frame
 * on stream 0, not an ACK), 0 when it does not, -1 too few bytes to say. */
int h2_server_preface(const uint8_t *p, uint32_t n);
/* That side closed its stream (FIN); 1 once both have: nothing more to read. */
int h2_close(struct h2_conn *c, int is_client);

#endif
