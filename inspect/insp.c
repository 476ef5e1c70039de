/* insp.c — per-flow session: decides who is the client from the protocol
 * and routes each direction's bytes to the analyzer that reads them. */
#include <string.h>
#include "insp.h"

void insp_limits_default(struct insp_limits *l)
{
	l->max_line = 16384;
	l->max_hdr_bytes = 65536;
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

/* The first bytes of a connection decide roles: normally the initiator
 * sends the request, but if the acceptor speaks first with a request line
 * it is the HTTP client (reverse HTTP).  A server that greets first with
 * anything else (SMTP, FTP, SSH) is not HTTP. */
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

/* 1 a request line, 0 not, -1 too early to say (capital letters so far). */
static int request_prefix(const uint8_t *p, uint32_t n)
{
	uint32_t i = 0;
	while (i < n && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	if (i == n || (i + 1 == n && p[i] == ' '))
		return n < 16 ? -1 : 0;
	return h1_looks_like_request(p, n);
}

/* Who sends requests: normally the initiator.  When the other side speaks
 * first (at the start, or first inside a CONNECT tunnel) its opening bytes
 * are held in early[] until they show whether they are a request. */
static int decide_roles(struct insp_sess *s, int dir, const uint8_t **p, uint32_t *n,
			const struct insp_env *env)
{
	if (!s->deciding)
		return 1;
	int other = dir != s->client_dir;
	if (!other && !s->early_len) {
		s->deciding = 0;          /* the usual client spoke first */
		return 1;
	}
	if (other) {
		uint32_t k = *n < sizeof(s->early) - s->early_len ? *n : sizeof(s->early) - s->early_len;
		memcpy(s->early + s->early_len, *p, k);
		s->early_len += k;
		*p += k;
		*n -= k;
	}
	int r = request_prefix(s->early, s->early_len);
	if (r < 0 && !other)
		r = 0;                    /* the client spoke meanwhile */
	if (r < 0 && s->early_len < sizeof(s->early))
		return 0;                 /* wait for more */
	s->deciding = 0;
	int edir = s->client_dir == INSP_ORIG ? INSP_RESP : INSP_ORIG;
	if (r == 1) {
		int was_orig = s->client_dir == INSP_ORIG;
		s->client_dir = edir;
		if (was_orig)
			role_inversion(s, env, s->h1.req.started || s->fresh ? F_RHTTP_TUNNEL_INBOUND
									    : F_RHTTP_ROLE_INVERSION);
	} else if (!s->fresh && !s->midstream && s->proto == PROTO_UNKNOWN) {
		s->proto = PROTO_OTHER;   /* a server that greets first is not HTTP */
	}
	s->fresh = 0;
	/* the held bytes go first */
	uint8_t held[16];
	uint32_t hn = s->early_len;
	memcpy(held, s->early, hn);
	s->early_len = 0;
	insp_feed(s, edir, held, hn, env);
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

void insp_feed(struct insp_sess *s, int dir, const uint8_t *p, uint32_t n,
	       const struct insp_env *env)
{
	if (n == 0)
		return;
	if (s->deciding && !decide_roles(s, dir, &p, &n, env))
		return;
	if (n == 0)
		return;
	s->fed[dir] += n;
	if (s->proto == PROTO_OTHER || s->proto == PROTO_TUNNEL)
		return;
	int is_client = dir == s->client_dir;
	if (s->proto == PROTO_H2) {
		if (h2_begin(s, env) == 0)
			h2_feed(s, is_client, p, n, env);
		return;
	}
	if (s->proto == PROTO_WS) {
		ws_feed(s, is_client, p, n, env);
		return;
	}
	uint32_t used = h1_feed(s, is_client, p, n, env);
	s->switched = 0;
	if (used >= n)
		return;
	/* the rest of this span already speaks what the connection turned into */
	if (s->proto == PROTO_H2 && h2_begin(s, env) == 0)
		h2_feed(s, is_client, p + used, n - used, env);
	else if (s->proto == PROTO_WS)
		ws_feed(s, is_client, p + used, n - used, env);
	else if (s->proto == PROTO_HTTP1 || s->proto == PROTO_UNKNOWN) {
		s->fed[dir] -= n - used;
		insp_feed(s, dir, p + used, n - used, env);   /* roles swapped (PTTH, CONNECT) */
	}
}

void insp_sess_release(struct insp_sess *s, const struct insp_env *env)
{
	if (s->h2 && env->h2_put)
		env->h2_put(env->user, s->h2);
	s->h2 = NULL;
}

void insp_close(struct insp_sess *s, int dir, const struct insp_env *env)
{
	if (s->proto != PROTO_HTTP1 && s->proto != PROTO_UNKNOWN)
		return;
	h1_close(s, dir == s->client_dir, env);
}

void insp_gap(struct insp_sess *s, int dir)
{
	struct h1_dir *d = dir == s->client_dir ? &s->h1.req : &s->h1.rsp;
	d->state = H1_DEAD;
	if (s->h2)
		s->h2->d[dir == s->client_dir ? 0 : 1].st = H2S_DEAD;
	/* requests may have been lost with the gap: stop pairing strictly */
	s->h1.midstream = 1;
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
