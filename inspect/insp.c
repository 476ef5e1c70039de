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

void insp_feed(struct insp_sess *s, int dir, const uint8_t *p, uint32_t n,
	       const struct insp_env *env)
{
	if (n == 0)
		return;
	decide_roles(s, dir, p, n);
	s->fed[dir] += n;
	if (s->proto == PROTO_OTHER || s->proto == PROTO_TUNNEL)
		return;
	h1_feed(s, dir == s->client_dir, p, n, env);
}

void insp_close(struct insp_sess *s, int dir, const struct insp_env *env)
{
	if (s->proto == PROTO_OTHER || s->proto == PROTO_TUNNEL)
		return;
	h1_close(s, dir == s->client_dir, env);
}

void insp_gap(struct insp_sess *s, int dir)
{
	struct h1_dir *d = dir == s->client_dir ? &s->h1.req : &s->h1.rsp;
	d->state = H1_DEAD;
	/* requests may have been lost with the gap: stop pairing strictly */
	s->h1.midstream = 1;
}
