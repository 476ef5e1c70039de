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
}

void insp_sess_init(struct insp_sess *s, int midstream)
{
	memset(s, 0, sizeof(*s));
	s->midstream = midstream;
	s->client_dir = INSP_ORIG;
	h1_conn_init(&s->h1, midstream);
}

/* The first bytes of a connection decide roles: normally the initiator
 * sends the request, but if the acceptor speaks first with a request line
 * it is the HTTP client (reverse HTTP).  A server that greets first with
 * anything else (SMTP, FTP, SSH) is not HTTP. */
static void decide_roles(struct insp_sess *s, int dir, const uint8_t *p, uint32_t n)
{
	if (s->fed[0] || s->fed[1])
		return;
	if (dir == INSP_RESP) {
		if (h1_looks_like_request(p, n))
			s->client_dir = INSP_RESP;
		else if (!s->midstream)
			s->proto = PROTO_OTHER;
	}
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
	decide_roles(s, dir, p, n);
	s->fed[dir] += n;
	if (s->proto == PROTO_OTHER || s->proto == PROTO_TUNNEL)
		return;
	int is_client = dir == s->client_dir;
	if (s->proto == PROTO_H2) {
		if (h2_begin(s, env) == 0)
			h2_feed(s, is_client, p, n, env);
		return;
	}
	uint32_t used = h1_feed(s, is_client, p, n, env);
	/* the rest of this span is already HTTP/2 */
	if (s->proto == PROTO_H2 && h2_begin(s, env) == 0 && used < n)
		h2_feed(s, is_client, p + used, n - used, env);
}

void insp_sess_release(struct insp_sess *s, const struct insp_env *env)
{
	if (s->h2 && env->h2_put)
		env->h2_put(env->user, s->h2);
	s->h2 = NULL;
}

void insp_close(struct insp_sess *s, int dir, const struct insp_env *env)
{
	if (s->proto == PROTO_OTHER || s->proto == PROTO_TUNNEL || s->proto == PROTO_H2)
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

void insp_sess_addrs(struct insp_sess *s, int ipver, const uint8_t *orig, const uint8_t *resp)
{
	s->ipver = ipver;
	memcpy(s->addr[INSP_ORIG], orig, 16);
	memcpy(s->addr[INSP_RESP], resp, 16);
}
