/* insp.h — the DPDK-free inspection API.
 *
 * The dataplane hands each flow's reassembled bytes to insp_feed() as
 * in-order spans per direction; spans are valid only for the call.  State
 * lives in a caller-owned struct insp_sess (bounded, no allocation).
 * Findings come back through the caller's emit callback, synchronously,
 * before insp_feed() returns, so the caller can judge the segment that
 * carried them before forwarding it.
 *
 * Directions are TCP directions: INSP_ORIG is the connection initiator's
 * byte stream, INSP_RESP the acceptor's.  Which side is the HTTP client is
 * decided from the protocol, not from the SYN (DESIGN.md invariant 6). */
#ifndef SEAM_INSP_H
#define SEAM_INSP_H

#include <stdint.h>
#include <stddef.h>
#include "finding.h"
#include "h1.h"
#include "sig.h"
#include "h2.h"
#include "fwd.h"
#include "ws.h"
#include "h1_early.h"
#include "hdrlog.h"

enum { INSP_ORIG = 0, INSP_RESP = 1 };

struct insp_limits {
	uint32_t max_line;        /* bytes in a start line or one field line */
	uint32_t max_hdr_bytes;   /* bytes in one header block */
	uint32_t max_fields;      /* fields in one header block */
	uint32_t max_chk_ext;     /* bytes of extensions on one chunk line */
	uint32_t cl_max_digits;   /* digits in a Content-Length */
	uint64_t ws_max_frame;    /* WebSocket: bytes in one frame */
	uint64_t ws_max_message;  /* ... in one (possibly fragmented) message */
	uint32_t ws_max_frames_per_s;  /* ... frames one side sends per second, 0 = no limit */
	uint64_t ws_max_bytes_per_s;   /* ... payload bytes per second, 0 = no limit */
};

void insp_limits_default(struct insp_limits *l);

/* What an event carries about the transaction it belongs to. */
struct insp_meta {
	char method[16];
	char uri[256];
	char host[128];
	char proto[12];
	uint16_t status;
	uint8_t method_len, proto_len;
	uint16_t uri_len;
	uint8_t host_len;
	uint8_t uri_trunc;
	uint8_t xff_len;
	uint8_t client_ipver;     /* attributed client address (forwarding chain) */
	uint8_t client_addr[16];
	char xff[96];             /* X-Forwarded-For as received (first 95 bytes) */
	uint32_t h2_stream;       /* HTTP/2 stream the finding concerns */
	uint32_t ws_mask;         /* WebSocket frame the finding concerns */
	uint8_t ws_valid, ws_opcode, ws_fin;
};

struct insp_hit {
	enum finding finding;
	uint8_t dir;              /* INSP_ORIG / INSP_RESP */
	uint64_t offset;          /* byte offset in that direction's stream */
	uint32_t sig_id;          /* for F_SIG_MATCH: the signature's id */
	uint8_t tier;             /* the finding's tier (a signature's own) */
	int8_t action;            /* a signature's own action, -1: by tier */
};

typedef void (*insp_emit_fn)(void *user, const struct insp_hit *hit,
			     const struct insp_meta *meta);

struct insp_env {
	const struct insp_limits *lim;
	insp_emit_fn emit;
	void *user;
	const struct sig_set *sigs;   /* NULL: no signature stage */
	hs_scratch_t *scratch;        /* the calling worker's own */
	/* HTTP/2 state (sizeof(struct h2_conn)) from the caller's pool;
	 * NULL when none is left (the connection is then not inspected) */
	const struct fwd_cfg *fwd;    /* trusted proxies; NULL: trust nobody */
	const struct fwd_prefix *rhttp_allow;  /* intermediaries allowed reverse HTTP */
	uint32_t nrhttp_allow;
	void *(*h2_get)(void *user);
	void (*h2_put)(void *user, void *p);
	/* optional: a transaction (request and its final response) completed */
	void (*on_tx)(void *user, const struct insp_meta *meta);
	/* optional: the packet clock, for per-second rate limits */
	const uint64_t *now_ns;
	/* optional: per-host WebSocket Origin rules; NULL = same-site rule only */
	const struct ws_origin_policy *ws_origins;
	/* servers allowed to switch to h2c by Upgrade (config h2c.origins);
	 * any other that accepts raises h2c.upgrade_unlisted */
	const struct fwd_prefix *h2c_origins;
	uint32_t nh2c_origins;
	/* optional: H1_EARLY_MAX-byte buffers for bytes a client sends ahead
	 * of an Upgrade/CONNECT answer (h1_early.h), from the caller's pool;
	 * NULL or none left: those bytes are judged strictly and not read */
	void *(*early_get)(void *user);
	void (*early_put)(void *user, void *p);
	/* sizeof(struct h1_block) for an HTTP/1 direction whose start line
	 * or header block a span ended inside, from the caller's pool; NULL
	 * or none left: that message is not read (h1.no_state) */
	/* WebSocket state (sizeof(struct ws_conn)) once a 101 accepts an
	 * upgrade, from the caller's pool; NULL or none left: the frames are
	 * not inspected (ws.no_state) */
	void *(*ws_get)(void *user);
	void (*ws_put)(void *user, void *p);
	void *(*block_get)(void *user);
	void (*block_put)(void *user, void *p);
	/* optional: the calling worker's header captures for EVE; NULL = none */
	struct hdrlog *hdrlog;
};

enum insp_proto {
	PROTO_UNKNOWN = 0,        /* nothing seen yet */
	PROTO_HTTP1,
	PROTO_OTHER,              /* not HTTP: inspection stopped, quietly */
	PROTO_TUNNEL,             /* after CONNECT/Upgrade: opaque */
	PROTO_H2,                 /* cleartext HTTP/2 */
	PROTO_WS,                 /* WebSocket frames after a 101 */
};

struct insp_sess {
	uint8_t proto;            /* enum insp_proto */
	uint8_t midstream;        /* picked up without a handshake */
	uint8_t client_dir;       /* which TCP direction sends requests */
	struct h1_conn h1;
	struct insp_meta meta;
	uint64_t fed[2];          /* bytes seen per direction */
	struct h2_conn *h2;       /* from env->h2_get once the flow is h2c */
	uint8_t ipver;            /* the TCP endpoints, when the caller knows them */
	uint8_t addr[2][16];      /* [INSP_ORIG], [INSP_RESP] */
	uint32_t h2_preface_got;  /* preface bytes the HTTP/1 reader consumed */
	uint8_t fresh : 1;        /* a CONNECT tunnel opened: who speaks first decides roles */
	uint8_t switched : 1;     /* the HTTP/1 reader handed the rest of a span over */
	uint8_t deciding : 1;     /* roles not known yet: the first bytes wait */
	uint8_t tunnel : 1;       /* the roles are read inside a CONNECT tunnel */
	uint8_t held_dir : 1;     /* whose opening bytes early[] holds */
	uint8_t unseen : 2;       /* bit per direction: its peer acknowledged bytes of it Seam never saw */
	uint8_t early_len;
	uint8_t early[16];        /* a side's opening bytes while they may turn the roles */
	struct h1_early ahead;    /* bytes a client sent ahead of an Upgrade/CONNECT answer */
	struct ws_conn *ws;       /* from env->ws_get once the flow speaks WebSocket */
	struct hdrlog_ref hl;     /* this flow's messages in env->hdrlog */
};

/* Reset a session for a new flow.  midstream: the flow was picked up
 * without its handshake, so responses without requests are expected. */
void insp_sess_init(struct insp_sess *s, int midstream);

/* Inspect the next n in-order bytes of direction dir.  Findings are emitted
 * through env before the call returns.  Never fails; never reads outside
 * [p, p+n). */
void insp_feed(struct insp_sess *s, int dir, const uint8_t *p, uint32_t n,
	       const struct insp_env *env);

/* What evicting the session would cost, for the caller's memory pressure
 * (DESIGN.md invariant 4: flows exchanging HTTP are the last to go). */
enum insp_activity {
	INSP_OVER = 0,            /* nothing more will be judged: not HTTP, or no
				   * request can be framed again and none is open */
	INSP_IDLE,                /* between exchanges: a next request starts a
				   * message a midstream pickup can read */
	INSP_EXCHANGING,          /* a request awaits its answer (an upgrade or
				   * CONNECT included), a message is half read,
				   * early bytes wait, or frames (h2c, WebSocket)
				   * that cannot be found again midstream */
};
enum insp_activity insp_activity(const struct insp_sess *s);

/* The peer of direction dir acknowledged bytes of dir that never reached
 * Seam (a one-way mirror, a capture filter, a missed SYN-ACK): what dir
 * answers is unknown, so requests piling up unanswered are no finding. */
static inline void insp_unseen(struct insp_sess *s, int dir)
{
	s->unseen |= 1u << dir;
}

/* Bytes of direction dir were lost for good (a gap the capture never
 * filled): that direction's framing is unknown, so its analysis stops
 * quietly rather than guessing. */
void insp_gap(struct insp_sess *s, int dir);

/* 1 while direction dir is inside a start line or header block: a finding
 * raised now concerns a header block not complete yet (the caller may
 * wait for the rest before it copies the fields into the event). */
int insp_in_header(const struct insp_sess *s, int dir);

/* Tell the session the TCP endpoints (for forwarding-header checks). */
void insp_sess_addrs(struct insp_sess *s, int ipver, const uint8_t *orig, const uint8_t *resp);

/* Optional: the sender of direction dir had received `acked` bytes of the
 * other direction (its TCP acknowledgement, counted like the bytes fed)
 * when it sent the bytes fed next.  Lets bytes sent before an Upgrade or
 * CONNECT answer be told from bytes sent after it when the capture shows
 * the answer first.  Only wanted while insp_wants_ack() says so; without
 * it, bytes count as sent in the order they are fed. */
void insp_ack(struct insp_sess *s, int dir, uint64_t acked);
static inline int insp_wants_ack(const struct insp_sess *s, int dir)
{
	return s->ahead.st == EARLY_ANSWERED && dir == s->ahead.dir;
}

/* Give back what the session took from the caller (HTTP/2 state, held
 * early bytes). */
void insp_sess_release(struct insp_sess *s, const struct insp_env *env);

/* The direction closed (FIN/RST); lets the analyzer finish a read-until-
 * close body and notice truncated messages. */
void insp_close(struct insp_sess *s, int dir, const struct insp_env *env);

/* The direction was reset (RST): what was in flight was cut off, not
 * ended, so no message is judged truncated from here on. */
void insp_abort(struct insp_sess *s, int dir, const struct insp_env *env);

#endif
