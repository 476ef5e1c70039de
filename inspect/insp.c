/* insp.c — per-flow session: decides who is the client from the protocol
 * and routes each direction's bytes to the analyzer that reads them. */
#include <string.h>
#include "insp.h"
#include "h1_order.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

void insp_limits_default(struct insp_limits *l)
{
	l->max_line = 65536;      /* real cookies and tokens reach 16-20 kB */
	l->max_hdr_bytes = 131072;
	l->max_fields = 256;
	l->max_chk_ext = 1024;
	l->cl_max_digits = 18;
	l->ws_max_frame = 64ull << 20;
	l->ws_max_message = 64ull << 20;
	l->ws_max_frames_per_s = 0;
	l->ws_max_bytes_per_s = 0;
}

void insp_sess_init(struct insp_sess *s, int midstream)
{
	memset(s, 0, sizeof(*s));
	s->midstream = midstream;
	s->client_dir = INSP_ORIG;
	s->deciding = 1;
	h1_conn_init(&s->h1, midstream);
}

/* ---- who is the client -------------------------------------------------
 *
 * Roles come from the protocol (DESIGN.md invariant 6).  Wherever either
 * side may open the next message, the opening bytes of the side that
 * speaks are held in early[] until they show which role it takes:
 *   - the start of the connection, or of a CONNECT tunnel (decide_roles):
 *     a request line from the acceptor, or a status line from the
 *     initiator, makes the acceptor the client;
 *   - the acceptor's first bytes after an opening of the initiator that
 *     was no HTTP request, or that is still waiting for its answer;
 *   - a keep-alive connection with nothing outstanding: a request line
 *     from the side that answered so far, or a status line from the side
 *     that asked.
 * Roles that turn with no Upgrade or CONNECT in between make the
 * acceptor a client the inside never called (reverse HTTP, a reverse
 * tunnel), judged against rhttp's allow-list.  A flow picked up midway
 * has only a guessed initiator: its roles are read from its first bytes
 * all the same, but never judged, and they do not turn later. */

/* The acceptor became the client: report it, as allowed when it is a
 * listed intermediary. */
static void role_inversion(struct insp_sess *s, const struct insp_env *env, enum finding f)
{
	struct fwd_addr a = { .ipver = s->ipver };
	memcpy(a.a, s->addr[INSP_RESP], 16);
	if (s->ipver && env->rhttp_allow && fwd_in_prefixes(env->rhttp_allow, env->nrhttp_allow, &a))
		f = F_RHTTP_ALLOWED;
	struct insp_hit hit = { .finding = f, .dir = INSP_RESP, .offset = s->fed[INSP_RESP],
				.tier = finding_table[f].tier, .action = -1 };
	env->emit(env->user, &hit, &s->meta);
}

/* 1 an HTTP/1 status line ("HTTP/1.1 200"), 0 not, -1 too early to say. */
static int status_prefix(const uint8_t *p, uint32_t n)
{
	static const char want[] = "HTTP/1.d ddd";
	for (uint32_t i = 0; i < n && i < sizeof(want) - 1; i++)
		if (want[i] == 'd' ? p[i] < '0' || p[i] > '9' : p[i] != (uint8_t)want[i])
			return 0;
	return n >= sizeof(want) - 1 ? 1 : -1;
}

/* Cheap first looks, on the bytes at hand: could they open a request, or
 * a status line?  (HEAD is told from HTTP/ on its second byte.) */
static int may_be_request(const uint8_t *p, uint32_t n)
{
	return p[0] >= 'A' && p[0] <= 'Z' && !(p[0] == 'H' && n > 1 && p[1] == 'T');
}

static int may_be_status(const uint8_t *p, uint32_t n)
{
	return p[0] == 'H' && (n == 1 || p[1] == 'T');
}

/* An echo service sends the client's request line back: no request of
 * its own.  1 the held bytes repeat the last request's method and target,
 * 0 they differ, -1 too early to say. */
static int held_echo(const struct insp_sess *s)
{
	const struct insp_meta *m = &s->meta;
	uint32_t ml = m->method_len, whole = ml + 1 + m->uri_len;
	if (!ml)
		return 0;
	for (uint32_t i = 0; i < s->early_len && i < whole; i++) {
		uint8_t want = i < ml ? m->method[i] : i == ml ? ' ' : m->uri[i - ml - 1];
		if (s->early[i] != want)
			return 0;
	}
	return s->early_len >= whole || s->early_len == sizeof(s->early) ? 1 : -1;
}

/* What the held opening shows: 1 the side takes the other role, 0 not,
 * -1 too early to say.  A server that has not answered yet may be an
 * echo of the client's request. */
static int held_turns(const struct insp_sess *s)
{
	if (s->held_dir == s->client_dir)
		return status_prefix(s->early, s->early_len);
	int r = h1_request_prefix(s->early, s->early_len);
	if (r != 1 || s->deciding || (s->proto == PROTO_HTTP1 && s->h1.rsp.started))
		return r;
	int e = held_echo(s);
	return e < 0 ? -1 : !e;
}

/* Hold dir's opening bytes until they decide (*r: 1 the roles turn, 0
 * not).  Returns 0 while waiting for more.  Bytes of the other side end
 * the wait: that side spoke, so the held ones were no opening. */
static int hold(struct insp_sess *s, int dir, const uint8_t **p, uint32_t *n, int *r)
{
	if (s->early_len && dir != s->held_dir) {
		*r = held_turns(s) == 1;
		return 1;
	}
	s->held_dir = dir;
	uint32_t room = sizeof(s->early) - s->early_len, k = *n < room ? *n : room;
	memcpy(s->early + s->early_len, *p, k);
	s->early_len += k;
	*p += k;
	*n -= k;
	int t = held_turns(s);
	if (t < 0 && s->early_len < sizeof(s->early))
		return 0;
	*r = t == 1;
	return 1;
}

static uint32_t route(struct insp_sess *s, int dir, const uint8_t *p, uint32_t n,
		      const struct insp_env *env);

/* The held bytes go to the reader of their side's (possibly new) role. */
static void flush(struct insp_sess *s, const struct insp_env *env)
{
	uint8_t held[sizeof(s->early)];
	uint32_t hn = s->early_len;
	const uint8_t *p = held;
	memcpy(held, s->early, hn);
	s->early_len = 0;
	while (hn) {
		uint32_t used = route(s, s->held_dir, p, hn, env);
		p += used;
		hn -= used;
	}
}

/* The roles turn: the HTTP/1 reading starts over with the other side as
 * the client, each direction where its stream stands. */
static void turn_roles(struct insp_sess *s, const struct insp_env *env, enum finding f)
{
	int client = !s->client_dir;
	h1_release(&s->h1, env);
	h1_conn_init(&s->h1, s->h1.midstream);
	s->h1.req.off = s->fed[client];
	s->h1.rsp.off = s->fed[!client];
	s->client_dir = client;
	if (s->proto == PROTO_OTHER)
		s->proto = PROTO_UNKNOWN;
	/* picked up midway, the initiator was only guessed: no judgement */
	if (client == INSP_RESP && !s->midstream)
		role_inversion(s, env, s->tunnel ? F_RHTTP_TUNNEL_INBOUND : f);
}

/* Start of the connection or of a CONNECT tunnel: the first bytes decide. */
static int decide_roles(struct insp_sess *s, int dir, const uint8_t **p, uint32_t *n,
			const struct insp_env *env)
{
	if (s->fresh)
		s->tunnel = 1;
	if (!s->early_len && dir == s->client_dir && !may_be_status(*p, *n)) {
		s->deciding = 0;          /* the usual client spoke first */
		s->fresh = 0;
		return 1;
	}
	int r;
	if (!hold(s, dir, p, n, &r))
		return 0;
	/* an HTTP/2 server with prior knowledge sends its SETTINGS at once */
	int h2s = 0;
	if (!r && s->held_dir != s->client_dir && !s->fresh && !s->midstream) {
		h2s = h2_server_preface(s->early, s->early_len);
		if (h2s < 0 && dir == s->held_dir && s->early_len < sizeof(s->early))
			return 0;                 /* wait for the frame header */
	}
	s->deciding = 0;
	if (r)
		turn_roles(s, env, F_RHTTP_ROLE_INVERSION);
	else if (h2s == 1 && s->proto == PROTO_UNKNOWN) {
		s->proto = PROTO_H2;      /* the client's whole preface is still to come */
		s->h2_preface_got = H2_SERVER_FIRST;
	} else if (s->held_dir != s->client_dir && !s->fresh && !s->midstream && s->proto == PROTO_UNKNOWN)
		s->proto = PROTO_OTHER;   /* a server that greets first is not HTTP */
	s->fresh = 0;
	flush(s, env);
	return 1;
}

/* Is dir at a point where its next bytes may take the other role?  Read
 * on every span: the common cases (inside a message, a request starting
 * while the last answer came) cost a few loads. */
static inline int at_turn(const struct insp_sess *s, int dir, const uint8_t *p, uint32_t n)
{
	const struct h1_conn *c = &s->h1;
	if (likely(s->proto == PROTO_HTTP1)) {
		if (dir != s->client_dir) {
			/* the answering side's first message, or its next one
			 * with nothing asked of it */
			if (likely(c->rsp.state != H1_SL_START) || !may_be_request(p, n))
				return 0;
			if (c->rsp.started && (c->pend_n || c->req.state != H1_SL_START))
				return 0;
		} else {
			/* the asking side, idle after a whole exchange, opening
			 * with an answer */
			if (likely(c->req.state != H1_SL_START) || likely(!may_be_status(p, n)) ||
			    c->pend_n || !c->req.started || !c->rsp.started || c->rsp.state != H1_SL_START)
				return 0;
		}
		return !s->midstream && !c->midstream;
	}
	if (s->proto == PROTO_OTHER || s->proto == PROTO_UNKNOWN)
		/* the initiator opened with something that is no request (yet) */
		return dir != s->client_dir && s->client_dir == INSP_ORIG && s->fed[dir] == 0 &&
		       !s->midstream && may_be_request(p, n);
	return 0;
}

/* At a turn point (or holding one): 0 while waiting for more bytes. */
static int turn_point(struct insp_sess *s, int dir, const uint8_t **p, uint32_t *n,
		      const struct insp_env *env)
{
	int r;
	if (!hold(s, dir, p, n, &r))
		return 0;
	int answered = s->proto == PROTO_HTTP1 && s->h1.rsp.started;
	if (r)
		turn_roles(s, env, answered ? F_RHTTP_ROLE_TURN : F_RHTTP_ROLE_INVERSION);
	flush(s, env);
	return 1;
}

/* The HTTP/1 reader saw a connection become HTTP/2: take the state. */
static int h2_begin(struct insp_sess *s, const struct insp_env *env)
{
	if (s->h2)
		return 0;
	s->h2 = env->h2_get ? env->h2_get(env->user) : NULL;
	if (!s->h2) {
		struct insp_hit hit = { .finding = F_H2C_NO_STATE, .dir = s->client_dir,
					.tier = finding_table[F_H2C_NO_STATE].tier, .action = -1 };
		env->emit(env->user, &hit, &s->meta);
		s->proto = PROTO_TUNNEL;
		return -1;
	}
	h2_conn_init(s->h2, s->h2_preface_got, s->h1.req.off, s->h1.rsp.off);
	return 0;
}

/* Hand n bytes of dir to the analyzer that reads them now.  Returns the
 * bytes it took: fewer than n when the HTTP/1 reader stopped where the
 * roles may change (PTTH, CONNECT, a message that leaves nothing
 * outstanding); the rest is read again from insp_feed's loop. */
static uint32_t route(struct insp_sess *s, int dir, const uint8_t *p, uint32_t n,
		      const struct insp_env *env)
{
	s->fed[dir] += n;
	if (s->proto == PROTO_OTHER || s->proto == PROTO_TUNNEL)
		return n;
	int is_client = dir == s->client_dir;
	if (s->proto == PROTO_H2) {
		if (h2_begin(s, env) == 0)
			h2_feed(s, is_client, p, n, env);
		return n;
	}
	if (s->proto == PROTO_WS) {
		ws_feed(s, is_client, p, n, env);
		return n;
	}
	uint32_t used = h1_feed(s, is_client, p, n, env);
	s->switched = 0;
	/* an answer came: the bytes the client sent ahead of it are read
	 * now, before whatever follows the answer */
	if (unlikely(s->ahead.replay))
		h1_early_replay(s, env);
	if (used >= n)
		return n;
	/* the rest of this span already speaks what the connection turned into */
	if (s->proto == PROTO_H2 && h2_begin(s, env) == 0)
		h2_feed(s, is_client, p + used, n - used, env);
	else if (s->proto == PROTO_WS)
		ws_feed(s, is_client, p + used, n - used, env);
	else if ((s->proto == PROTO_HTTP1 || s->proto == PROTO_UNKNOWN) && used) {
		s->fed[dir] -= n - used;
		return used;
	}
	return n;
}

void insp_feed(struct insp_sess *s, int dir, const uint8_t *p, uint32_t n,
	       const struct insp_env *env)
{
	while (n) {
		if (unlikely(s->deciding || s->early_len || at_turn(s, dir, p, n))) {
			if (s->deciding && !decide_roles(s, dir, &p, &n, env))
				return;
			if (n && (s->early_len || at_turn(s, dir, p, n)) &&
			    !turn_point(s, dir, &p, &n, env))
				return;
			if (!n)
				return;
		}
		/* the client's first bytes after an Upgrade/CONNECT answer:
		 * sent before it arrived? (h1_early.c; it counts what it holds) */
		if (unlikely(s->ahead.st >= EARLY_ANSWERED) && dir == s->ahead.dir) {
			s->fed[dir] += n;
			int held = h1_early_gate(s, p, n, env);
			s->fed[dir] -= n;
			if (held) {
				s->fed[dir] += n;
				return;
			}
		}
		uint32_t used = route(s, dir, p, n, env);
		p += used;
		n -= used;
	}
}

void insp_ack(struct insp_sess *s, int dir, uint64_t acked)
{
	if (dir != s->ahead.dir)
		return;
	s->ahead.acked = (uint32_t)acked;
	s->ahead.have_ack = 1;
}

void insp_sess_release(struct insp_sess *s, const struct insp_env *env)
{
	h1_early_release(s, env);
	h1_release(&s->h1, env);
	if (s->ws && env->ws_put)
		env->ws_put(env->user, s->ws);
	s->ws = NULL;
	if (s->h2 && env->h2_put)
		env->h2_put(env->user, s->h2);
	s->h2 = NULL;
}

void insp_close(struct insp_sess *s, int dir, const struct insp_env *env)
{
	if (s->early_len && s->held_dir == dir) {
		s->deciding = 0;          /* no more bytes: the held ones turned nothing */
		flush(s, env);
	}
	if (s->proto == PROTO_H2 && s->h2 && h2_close(s->h2, dir == s->client_dir)) {
		/* both sides finished: the pool object goes back now, not when
		 * the flow record expires (a busy capture holds many closed ones) */
		insp_sess_release(s, env);
		s->proto = PROTO_TUNNEL;
		return;
	}
	if (s->proto != PROTO_HTTP1 && s->proto != PROTO_UNKNOWN)
		return;
	h1_close(s, dir == s->client_dir, env);
}

void insp_abort(struct insp_sess *s, int dir, const struct insp_env *env)
{
	s->h1.order |= ORD_RESET;
	insp_close(s, dir, env);
}

void insp_gap(struct insp_sess *s, int dir)
{
	if (s->early_len && s->held_dir == dir)
		s->early_len = 0;         /* what followed them is lost */
	struct h1_dir *d = dir == s->client_dir ? &s->h1.req : &s->h1.rsp;
	d->state = H1_DEAD;
	if (s->h2)
		s->h2->d[dir == s->client_dir ? 0 : 1].st = H2S_DEAD;
	if (s->proto == PROTO_WS && s->ws)
		s->ws->d[dir == s->client_dir ? 0 : 1].st = 4;   /* dead */
	/* the server's bytes no longer count from its stream's start: an
	 * ACK cannot be placed against them */
	if (dir != s->client_dir)
		s->ahead.no_ack = 1;
	/* requests may have been lost with the gap: stop pairing strictly,
	 * and let the side find its place again at the next boundary */
	s->h1.midstream = 1;
	s->h1.order |= dir == s->client_dir ? ORD_REQ_LOST : ORD_RSP_LOST;
}

/* A direction is inside a message unless it waits for a start line or
 * has stopped reading. */
static int h1_in_msg(uint8_t st)
{
	return st != H1_SL_START && st != H1_DEAD && st != H1_TUNNEL;
}

enum insp_activity insp_activity(const struct insp_sess *s)
{
	switch (s->proto) {
	case PROTO_OTHER:
		return INSP_OVER;
	case PROTO_H2:
	case PROTO_WS:
		return INSP_EXCHANGING;
	case PROTO_TUNNEL:
		return INSP_IDLE;
	default:
		break;
	}
	const struct h1_conn *c = &s->h1;
	if (s->early_len || c->pend_n || h1_in_msg(c->req.state) || h1_in_msg(c->rsp.state))
		return INSP_EXCHANGING;
	return c->req.state == H1_DEAD ? INSP_OVER : INSP_IDLE;
}

void insp_sess_addrs(struct insp_sess *s, int ipver, const uint8_t *orig, const uint8_t *resp)
{
	s->ipver = ipver;
	memcpy(s->addr[INSP_ORIG], orig, 16);
	memcpy(s->addr[INSP_RESP], resp, 16);
}

int insp_in_header(const struct insp_sess *s, int dir)
{
	if (s->proto != PROTO_HTTP1 && s->proto != PROTO_UNKNOWN)
		return 0;
	const struct h1_dir *d = dir == s->client_dir ? &s->h1.req : &s->h1.rsp;
	return d->state >= H1_SL_METHOD && d->state <= H1_HDR_NOCOLON && !(d->flags & MF_TRAILERS);
}
