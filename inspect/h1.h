/* h1.h — incremental HTTP/1.x framing analyzer (RFC 9112, RFC 9110).
 *
 * Reads each direction as a strict RFC 9112 endpoint would, one byte at a
 * time where framing is decided and in bulk through bodies, resuming at any
 * byte boundary.  Every leniency a lax peer might apply is reported as a
 * finding at the offset where it happened.  State is a fixed-size struct;
 * nothing is allocated. */
#ifndef SEAM_H1_H
#define SEAM_H1_H

#include <stdint.h>
#include "finding.h"
#include "fwd.h"

enum h1_state {
	H1_SL_START = 0,   /* before a start line: may skip leading CRLFs */
	H1_SL_METHOD,      /* request: method token */
	H1_SL_TARGET,      /* request: request-target */
	H1_SL_VERSION,     /* request: HTTP-version, up to the line end */
	H1_SL_RVERSION,    /* response: HTTP-version */
	H1_SL_STATUS,      /* response: 3-digit status code */
	H1_SL_REASON,      /* response: reason phrase, up to the line end */
	H1_HDR_LINE,       /* start of a field line (or the empty line) */
	H1_HDR_NAME,       /* field-name */
	H1_HDR_NAME_WS,    /* whitespace after the name, before ':' -- severe */
	H1_HDR_VALUE,      /* field-value, OWS included */
	H1_HDR_NOCOLON,    /* a field line that never had a colon */
	H1_BODY_CL,        /* Content-Length body: body_left bytes */
	H1_CHK_SIZE,       /* chunk-size hex digits */
	H1_CHK_EXT,        /* after the size: BWS, ';' extensions, to the line end */
	H1_CHK_DATA,       /* chunk-data: body_left bytes */
	H1_CHK_DATA_END,   /* the CRLF after chunk-data */
	H1_BODY_EOF,       /* response body delimited by close */
	H1_AWAIT,          /* client waits for a CONNECT/Upgrade answer */
	H1_TUNNEL,         /* after 101 / CONNECT 2xx: not HTTP/1 any more */
	H1_DEAD,           /* framing lost or not HTTP: stop, quietly */
};

/* Facts about the message being read; a reviewer can see every way a
 * message can be ambiguous from this list. */
enum h1_msg_flag {
	MF_CL          = 1u << 0,  /* a Content-Length field was seen */
	MF_CL_BAD      = 1u << 1,  /* ... and one was not a plain number */
	MF_TE          = 1u << 2,  /* a Transfer-Encoding field was seen */
	MF_TE_CHUNKED  = 1u << 3,  /* chunked is the final coding */
	MF_TE_BAD      = 1u << 4,  /* TE unknown/obfuscated/not-last */
	MF_HOST        = 1u << 5,  /* Host seen */
	MF_EXPECT_100  = 1u << 6,  /* Expect: 100-continue */
	MF_UPG_WS      = 1u << 7,  /* Upgrade: websocket */
	MF_UPG_OTHER   = 1u << 8,  /* Upgrade: anything else (h2c...) */
	MF_CONN_UPG    = 1u << 9,  /* Connection: upgrade */
	MF_HEAD        = 1u << 10, /* HEAD request */
	MF_CONNECT     = 1u << 11, /* CONNECT request */
	MF_BODYLESS    = 1u << 12, /* GET/HEAD/OPTIONS/TRACE/DELETE */
	MF_HTTP10      = 1u << 13, /* HTTP/1.0 message */
	MF_CRLF        = 1u << 14, /* a line ended CRLF */
	MF_BARE_LF     = 1u << 15, /* a line ended bare LF */
	MF_TRAILERS    = 1u << 16, /* reading chunked trailers */
	MF_LAST_FRAMING= 1u << 17, /* previous field was CL or TE (obs-fold) */
	MF_PROBE_BODY  = 1u << 18, /* probing chunk/body start for a request */
	MF_PROBE_SEEN  = 1u << 19, /* ... and the request-line check was made */
	MF_UPG_H2C     = 1u << 20, /* Upgrade: h2c */
	MF_H2SETTINGS  = 1u << 21, /* an HTTP2-Settings field */
	MF_H2SET_TWICE = 1u << 22, /* ... more than one */
	MF_UPG_PTTH    = 1u << 23, /* Upgrade: PTTH/1.0 or reverse (reverse HTTP) */
	MF_COOKIE      = 1u << 24, /* a Cookie field */
	MF_ORIGIN_FOREIGN = 1u << 25, /* Origin names another host, or null */
	MF_WS_KEY_BAD  = 1u << 26, /* Sec-WebSocket-Key missing or not 16 bytes */
	MF_WS_VERSION_BAD = 1u << 27, /* Sec-WebSocket-Version not 13 */
	MF_WS_DEFLATE  = 1u << 28, /* response negotiated permessage-deflate */
	MF_WS_KEY      = 1u << 29, /* a Sec-WebSocket-Key was seen */
	MF_VIA         = 1u << 30, /* Via: the message passed an intermediary */
};

/* Per-request facts the response side needs (one per pipelined request). */
enum h1_req_flag {
	RQ_HEAD = 1, RQ_CONNECT = 2, RQ_UPG_WS = 4, RQ_UPG_OTHER = 8,
	RQ_EXPECT = 16, RQ_GOT_100 = 32, RQ_UPG_H2C = 64, RQ_UPG_PTTH = 128,
};

#define H1_PIPE_MAX 16
#define H1_NAME_MAX 40
#define H1_VAL_MAX 255
#define H1_PROBE_MAX 64

struct h1_block;

struct h1_dir {
	uint8_t state;            /* enum h1_state */
	uint8_t cr;               /* previous byte was CR */
	uint8_t hid;              /* which known field is being read */
	uint8_t name_len;
	uint8_t name_bad;         /* name had non-token bytes */
	uint16_t val_len;
	uint8_t val_trunc;
	uint8_t probe_len;
	uint8_t started;          /* at least one message seen */
	uint8_t sl_bad;           /* start-line findings waiting for the version */
	uint8_t te_chunked_n;     /* how many times chunked was listed */
	uint8_t ext_st;           /* chunk-extension grammar sub-state */
	uint8_t hex_zero;         /* chunk size so far is a single 0 */
	uint8_t fwd_kind, fwd_cip, fwd_alias;   /* the forwarding header being read */
	uint8_t lead_ws;          /* whitespace skipped before a request line */
	uint8_t lead_junk;        /* ... other bytes (bare LF/CR, NUL, controls) */
	uint8_t conn_opt;         /* CO_* Connection options (h1_order.h) */
	uint8_t pooled;           /* b came from env->block_get */
	uint16_t nfields;
	uint16_t status;
	uint32_t flags;           /* enum h1_msg_flag */
	uint32_t line_len;
	uint32_t hdr_bytes;
	uint32_t chk_ext_len;
	uint32_t chk_digits;
	uint64_t cl;              /* Content-Length value */
	uint64_t body_left;
	uint64_t off;             /* stream offset of the next byte */
	uint64_t seen[(F__COUNT + 63) / 64];   /* findings already raised for this message */
	struct h1_block *b;       /* while a block is read: the thread's scratch, or pooled */
};

/* What a direction needs only while it reads a start line or header block
 * (and probes the first body bytes): the field being read, the probe, and
 * for a request its forwarding chain and Origin.  A direction reads into
 * its thread's scratch and takes a pooled block (env->block_get) only when
 * a span ends inside such a block, so a flow between messages, or in a
 * body, carries none of it (DESIGN.md: bytes per flow). */
struct h1_block {
	char name[H1_NAME_MAX];
	char val[H1_VAL_MAX];
	uint8_t probe[H1_PROBE_MAX];
	uint8_t origin_len;        /* Origin of the request: its host */
	uint8_t origin_full;       /* ... and the whole value's length */
	char origin_host[64];
	char origin[96];           /* the whole value, for per-host rules */
	struct fwd_msg fwd;        /* the request's forwarding chain */
};

struct h1_conn {
	struct h1_dir req, rsp;
	uint8_t pend[H1_PIPE_MAX]; /* enum h1_req_flag per outstanding request */
	uint8_t pend_head, pend_n;
	uint16_t pend_h10;         /* bit per pend slot: an HTTP/1.0 request */
	uint16_t pend_nobody;      /* bit per pend slot: a request without a body */
	uint8_t order;             /* ORD_* connection facts (h1_order.h) */
	uint8_t lost_turns;        /* fruitless turns of a side that lost its place */
	uint8_t ws_refused;        /* a WebSocket upgrade was answered non-101 */
	char ws_key[28];           /* the WebSocket handshake awaiting its 101 */
	char ws_accept[32];
	uint8_t ws_key_len, ws_accept_len;
	uint8_t ws_cookie, ws_foreign;
	uint8_t h2c_proxied;       /* the pending h2c upgrade came through a proxy */
	uint8_t midstream;
};

struct insp_sess;
struct insp_env;

void h1_conn_init(struct h1_conn *c, int midstream);
/* Feed n bytes of the request (is_req=1) or response stream. */
/* Returns the bytes consumed: n, or fewer when the connection turned into
 * HTTP/2 inside the span (the rest belongs to the h2 analyzer). */
uint32_t h1_feed(struct insp_sess *s, int is_req, const uint8_t *p, uint32_t n,
		 const struct insp_env *env);
void h1_close(struct insp_sess *s, int is_req, const struct insp_env *env);
/* Give back the pooled blocks a connection holds (its end). */
void h1_release(struct h1_conn *c, const struct insp_env *env);

/* 1 when p[0..n) could begin an HTTP/1 request (method token then SP). */
int h1_looks_like_request(const uint8_t *p, uint32_t n);
/* 1 when p[0..n) begins a request line, 0 when it cannot, -1 when it is
 * too early to say (capital letters so far, fewer than 16 bytes). */
int h1_request_prefix(const uint8_t *p, uint32_t n);

#endif
