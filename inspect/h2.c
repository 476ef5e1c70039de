/* h2.c — h2c frame parser and field checks (RFC 9113). */
#include <stdio.h>
#include <string.h>
#include "insp.h"
#include "h2.h"
#include "fwd_req.h"

#define unlikely(x) __builtin_expect(!!(x), 0)

static const uint8_t preface[H2_PREFACE_LEN] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

enum { FT_DATA = 0, FT_HEADERS, FT_PRIORITY, FT_RST, FT_SETTINGS, FT_PUSH, FT_PING, FT_GOAWAY,
       FT_WINDOW, FT_CONT };
enum { FL_END_STREAM = 1, FL_ACK = 1, FL_END_HEADERS = 4, FL_PADDED = 8, FL_PRIORITY = 0x20 };

/* thresholds for abuse counters (per connection direction) */
#define CONT_MAX 64
#define SETTINGS_MAX 100
#define PING_MAX 1000
#define EMPTY_DATA_MAX 1000
#define RST_MIN 100

struct hctx {
	struct insp_sess *s;
	struct h2_conn *c;
	struct h2_dir *d;
	const struct insp_env *env;
	int is_client;
};

static void emit(struct hctx *x, enum finding f)
{
	struct insp_hit hit = {
		.finding = f,
		.dir = x->is_client ? x->s->client_dir : !x->s->client_dir,
		.offset = x->d->off,
		.tier = finding_table[f].tier,
		.action = -1,
	};
	x->s->meta.h2_stream = x->d->blk_sid ? x->d->blk_sid : x->d->fsid;
	x->env->emit(x->env->user, &hit, &x->s->meta);
}

/* An h2c finding, once per header block or frame. */
static void raise(struct hctx *x, enum finding f)
{
	uint64_t bit = 1ull << ((f - F_H2C_UPGRADE_ATTEMPT) & 63);
	if (x->d->seen & bit)
		return;
	x->d->seen |= bit;
	emit(x, f);
}

/* A forwarding finding (fwd_req.c), once per request. */
static void raise_fwd(void *ctx, enum finding f)
{
	struct hctx *x = ctx;
	uint32_t bit = 1u << ((f - F_FWD_FORWARDED_INVALID) & 31);
	if (x->d->b.fwd_seen & bit)
		return;
	x->d->b.fwd_seen |= bit;
	emit(x, f);
}

static struct fwd_req fwd_of(struct hctx *x)
{
	return (struct fwd_req){ .f = &x->d->b.fwd, .cfg = x->env->fwd, .meta = &x->s->meta,
				 .raise = raise_fwd, .who = x };
}

/* A request's regular field: forwarding and identity headers are judged
 * as HTTP/1's are, so h2c is no way around fwd's rules.  cut: only the
 * value's first vl bytes are known. */
static void fwd_name_value(struct hctx *x, const uint8_t *n, uint32_t nl, const uint8_t *v, uint32_t vl,
			   int cut)
{
	char name[FWD_IDENT_NAME_MAX + 8];
	uint32_t k = nl < sizeof(name) - 1 ? nl : sizeof(name) - 1;
	for (uint32_t i = 0; i < k; i++)
		name[i] = n[i] >= 'A' && n[i] <= 'Z' ? n[i] | 0x20 : n[i];
	name[k] = 0;
	int alias = 0, cip = 0;
	enum fwd_kind kind = k == nl ? fwd_kind(name, nl, &alias, &cip) : FWD_NONE;
	if (kind != FWD_NONE) {
		while (vl && (v[0] == ' ' || v[0] == '\t')) {
			v++;
			vl--;
		}
		while (vl && !cut && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			vl--;
		struct fwd_req q = fwd_of(x);
		fwd_req_field(&q, kind, cip, alias, cut, (const char *)v, vl);
		return;
	}
	int idx = fwd_ident_match(x->env->fwd, name, nl, &alias);
	if (idx >= 0)
		fwd_ident_seen(&x->d->b.fwd, idx, alias);
}

static void dead(struct hctx *x) { x->d->st = H2S_DEAD; }

void h2_conn_init(struct h2_conn *c, uint32_t preface_got, uint64_t cli_off, uint64_t srv_off)
{
	int server_first = preface_got == H2_SERVER_FIRST;
	if (server_first)
		preface_got = 0;
	for (int i = 0; i < 2; i++) {
		struct h2_dir *d = &c->d[i];
		memset(d, 0, offsetof(struct h2_dir, hp));
		hpack_init(&d->hp);
		d->max_frame = 16384;
		d->list_max = H2_LIST_MIN;
		d->st = i == 0 ? H2S_PREFACE : H2S_HDR;
	}
	c->d[0].preface_quiet = (uint8_t)server_first;
	if (preface_got == 0 && !server_first) {
		/* after an Upgrade the client's settings travelled in
		 * HTTP2-Settings, unseen: what the server may send is not known */
		c->d[1].hp.limit_unknown = 1;
		c->d[1].max_frame = 16777215;
		c->d[1].list_max = H2_LIST_CAP;
	}
	c->d[0].preface_got = preface_got;
	c->d[0].off = cli_off;
	c->d[1].off = srv_off;
	c->flagged_flood = 0;
	c->closed = 0;
}

static struct h2_stream *stream(struct h2_dir *d, uint32_t id, int create)
{
	struct h2_stream *free_slot = NULL;
	for (int i = 0; i < H2_STREAMS; i++) {
		if (d->streams[i].used && d->streams[i].id == id)
			return &d->streams[i];
		if (!d->streams[i].used && !free_slot)
			free_slot = &d->streams[i];
	}
	if (!create)
		return NULL;
	if (!free_slot) {
		/* all slots busy: reuse the lowest stream id (the oldest) */
		free_slot = &d->streams[0];
		for (int i = 1; i < H2_STREAMS; i++)
			if (d->streams[i].id < free_slot->id)
				free_slot = &d->streams[i];
	}
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = 1;
	free_slot->id = id;
	free_slot->cl = -1;
	return free_slot;
}

/* ---- header block checks ---------------------------------------------- */

enum { P_METHOD = 1, P_SCHEME = 2, P_PATH = 4, P_AUTHORITY = 8, P_PROTOCOL = 16, P_STATUS = 32 };

static int name_is(const uint8_t *n, uint32_t l, const char *lit)
{
	return strlen(lit) == l && memcmp(n, lit, l) == 0;
}

static void keep(char *dst, size_t cap, const uint8_t *v, uint32_t vl)
{
	uint32_t k = vl < cap - 1 ? vl : (uint32_t)cap - 1;
	memcpy(dst, v, k);
	dst[k] = 0;
}

/* An authority as RFC 3986 §3.2 writes it ([userinfo@]host[:port]), the
 * form :authority and host share (RFC 9113 §8.3.1, RFC 9110 §7.2). */
struct authority {
	const uint8_t *host;      /* host part, brackets of an IP literal included */
	uint32_t host_len;
	int32_t port;             /* -1: none */
	uint8_t userinfo, invalid;
};

static int reg_name_byte(uint8_t c)
{
	/* unreserved, pct-encoded and sub-delims */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || c == '!' || c == '$' ||
	       c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' ||
	       c == ';' || c == '=';
}

static void authority_parse(const uint8_t *v, uint32_t n, struct authority *a)
{
	memset(a, 0, sizeof(*a));
	a->port = -1;
	for (uint32_t i = n; i-- > 0;)
		if (v[i] == '@') {
			a->userinfo = 1;
			v += i + 1;
			n -= i + 1;
			break;
		}
	uint32_t i = 0;
	if (n && v[0] == '[') {               /* IP-literal */
		for (i = 1; i < n && v[i] != ']'; i++)
			if (!reg_name_byte(v[i]) && v[i] != ':')
				a->invalid = 1;
		if (i == n)
			a->invalid = 1;
		else
			i++;
	} else {
		for (; i < n && v[i] != ':'; i++)
			if (!reg_name_byte(v[i]))
				a->invalid = 1;
	}
	a->host = v;
	a->host_len = i;
	if (i < n) {
		uint32_t port = 0, digits = 0;
		if (v[i] != ':')
			a->invalid = 1;
		for (i++; i < n; i++, digits++) {
			if (v[i] < '0' || v[i] > '9' || port > 65535) {
				a->invalid = 1;
				break;
			}
			port = port * 10 + (v[i] - '0');
		}
		if (port > 65535)
			a->invalid = 1;
		if (digits)              /* "host:" has an empty port: none (RFC 3986 §3.2.3) */
			a->port = (int32_t)port;
	}
}

static void authority_check(struct hctx *x, const struct authority *a)
{
	if (a->userinfo)
		raise(x, F_H2C_AUTHORITY_USERINFO);
	if (a->invalid)
		raise(x, F_H2C_AUTHORITY_INVALID);
}

/* A host field against :authority: the same host in any case, and the same
 * port once the scheme's default stands in for an absent one. */
static void host_vs_authority(struct hctx *x, const struct authority *h)
{
	struct h2_blk *b = &x->d->b;
	uint32_t cmp = h->host_len < sizeof(b->auth_host) - 1 ? h->host_len : sizeof(b->auth_host) - 1;
	int same = h->host_len == b->auth_host_len &&
		   strncasecmp((const char *)h->host, b->auth_host, cmp) == 0;
	/* an absent port is the scheme's default (0: the scheme has none) */
	int32_t hp = h->port >= 0 ? h->port : b->scheme_port;
	int32_t ap = b->auth_port >= 0 ? b->auth_port : b->scheme_port;
	if (h->port != b->auth_port && (hp != ap || hp == 0))
		same = 0;
	if (!same)
		raise(x, F_H2C_AUTHORITY_HOST);
}

static int on_field(void *ctx, const uint8_t *n, uint32_t nl, const uint8_t *v, uint32_t vl,
		    const struct hpack_tail *tail)
{
	struct hctx *x = ctx;
	struct h2_blk *b = &x->d->b;

	/* a value read in passing: v is its first bytes, tail the rest's facts */
	b->list += nl + (tail ? tail->len : vl) + 32;
	if (b->list > x->d->list_max) {
		raise(x, F_H2C_HDR_LIST_LARGE);
		b->over = 1;
		return 1;
	}
	if (nl == 0) {
		raise(x, F_H2C_NAME_INVALID);
		return 0;
	}
	int ctl = tail && tail->ctl;
	for (uint32_t i = 0; i < vl && !ctl; i++)
		ctl = v[i] == '\r' || v[i] == '\n' || v[i] == 0;
	if (ctl)
		raise(x, F_H2C_CRLF);
	uint8_t end = tail ? tail->last : vl ? v[vl - 1] : 'x';
	if (vl && (v[0] == ' ' || v[0] == '\t' || end == ' ' || end == '\t'))
		raise(x, F_H2C_VALUE_WS);
	for (uint32_t i = n[0] == ':' ? 1 : 0; i < nl; i++) {
		uint8_t c = n[i];
		if (c == '\r' || c == '\n' || c == 0)
			raise(x, F_H2C_CRLF);
		else if (c >= 'A' && c <= 'Z')
			raise(x, F_H2C_NAME_UPPER);
		else if (c <= 0x20 || c >= 0x7f || c == ':' || c == '"' || c == '(' || c == ')' ||
			 c == ',' || c == '/' || c == ';' || c == '<' || c == '=' || c == '>' ||
			 c == '?' || c == '@' || c == '[' || c == '\\' || c == ']' || c == '{' || c == '}')
			raise(x, F_H2C_NAME_INVALID);
	}
	if (n[0] == ':') {
		uint32_t bit = 0;
		if (b->req_like) {
			if (name_is(n, nl, ":method")) { bit = P_METHOD; keep(b->method, sizeof(b->method), v, vl); }
			else if (name_is(n, nl, ":scheme")) {
				bit = P_SCHEME;
				b->scheme_port = vl == 4 && strncasecmp((const char *)v, "http", 4) == 0 ? 80
					       : vl == 5 && strncasecmp((const char *)v, "https", 5) == 0 ? 443 : 0;
			}
			else if (name_is(n, nl, ":path")) {
				bit = P_PATH;
				keep(b->path, sizeof(b->path), v, vl);
				b->path_len = vl > 0xffff || tail ? 0xffff : (uint16_t)vl;
			}
			else if (name_is(n, nl, ":authority")) {
				bit = P_AUTHORITY;
				keep(b->authority, sizeof(b->authority), v, vl);
				struct authority a;
				authority_parse(v, vl, &a);
				authority_check(x, &a);
				keep(b->auth_host, sizeof(b->auth_host), a.host, a.host_len);
				b->auth_host_len = a.host_len > 0xffff ? 0xffff : (uint16_t)a.host_len;
				b->auth_port = a.port;
			}
			else if (name_is(n, nl, ":protocol")) bit = P_PROTOCOL;
		} else if (name_is(n, nl, ":status")) {
			bit = P_STATUS;
			uint16_t st = 0;
			for (uint32_t i = 0; i < vl && i < 3; i++)
				st = st * 10 + (v[i] - '0');
			x->s->meta.status = st;
		}
		if (!bit || (b->pseudo & bit) || b->regular_seen || b->trailers)
			raise(x, F_H2C_PSEUDO);
		b->pseudo |= bit;
		return 0;
	}
	b->regular_seen = 1;
	if (x->is_client && b->req_like && !b->trailers)
		fwd_name_value(x, n, nl, v, vl, tail != NULL);
	if (name_is(n, nl, "transfer-encoding"))
		raise(x, F_H2C_TE);
	else if (name_is(n, nl, "connection") || name_is(n, nl, "keep-alive") ||
		 name_is(n, nl, "proxy-connection") || name_is(n, nl, "upgrade"))
		raise(x, F_H2C_CONN_HEADER);
	else if (name_is(n, nl, "te")) {
		if (!(vl == 8 && strncasecmp((const char *)v, "trailers", 8) == 0))
			raise(x, F_H2C_TE_NOT_TRAILERS);
	} else if (name_is(n, nl, "content-length")) {
		int64_t val = 0;
		int ok = vl > 0 && vl <= 18;
		for (uint32_t i = 0; i < vl && ok; i++) {
			if (v[i] < '0' || v[i] > '9')
				ok = 0;
			else
				val = val * 10 + (v[i] - '0');
		}
		if (!ok || (b->cl >= 0 && b->cl != val)) {
			raise(x, F_H2C_CL_INVALID);
			b->cl_bad = 1;
		}
		b->cl = val;
	} else if (name_is(n, nl, "host") && b->req_like) {
		struct authority h;
		authority_parse(v, vl, &h);
		authority_check(x, &h);
		if (++b->host_n == 1)
			keep(b->host, sizeof(b->host), v, vl);
		else
			raise(x, F_H2C_HOST_REPEATED);
		if (b->pseudo & P_AUTHORITY)
			host_vs_authority(x, &h);
	}
	return 0;
}

/* A header block starts: what it is read against. */
static void block_begin(struct hctx *x)
{
	struct h2_dir *d = x->d;
	memset(&d->b, 0, sizeof(d->b));
	d->b.cl = -1;
	d->b.auth_port = -1;
	d->b.req_like = x->is_client || d->blk_type == FT_PUSH;
	if (d->blk_type != FT_PUSH) {
		struct h2_stream *st = stream(d, d->blk_sid, 0);
		d->b.trailers = st && st->headers_seen;
	}
	d->rep_len = 0;
	hpack_block_begin(&d->hp);
}

/* Decode what has arrived of the block; 0 when the direction died. */
static int block_decode(struct hctx *x, int flags)
{
	struct h2_dir *d = x->d;
	uint32_t used;
	enum hpack_err e = hpack_decode_some(&d->hp, d->rep, d->rep_len, flags, &used, on_field, x);
	if (e == HPACK_ERR_BUDGET) {
		raise(x, F_H2C_HPACK_BUDGET);
		dead(x);
		return 0;
	}
	if (e != HPACK_OK) {
		raise(x, F_H2C_HPACK_ERROR);
		dead(x);
		return 0;
	}
	d->rep_len -= used;
	memmove(d->rep, d->rep + used, d->rep_len);
	return 1;
}

/* Header block bytes from a HEADERS, PUSH_PROMISE or CONTINUATION payload. */
static void block_bytes(struct hctx *x, const uint8_t *p, uint32_t n)
{
	struct h2_dir *d = x->d;
	while (n) {
		uint32_t room = H2_REP_MAX - d->rep_len;
		uint32_t k = n < room ? n : room;
		memcpy(d->rep + d->rep_len, p, k);
		d->rep_len += k;
		p += k;
		n -= k;
		/* a representation that fills the buffer has its value read
		 * in passing */
		if (!block_decode(x, d->rep_len == H2_REP_MAX ? HPACK_FULL : 0))
			return;
		if (d->rep_len == H2_REP_MAX) {
			raise(x, F_H2C_HPACK_BUDGET);   /* cannot happen: the decoder moved on */
			dead(x);
			return;
		}
	}
}

static void block_done(struct hctx *x)
{
	struct h2_dir *d = x->d;
	struct h2_blk *b = &d->b;
	if (!block_decode(x, HPACK_LAST))
		return;
	/* a field Seam could not read: the block's shape is not judged */
	int partial = d->hp.blind || b->over;
	if (d->hp.blind && !d->blind_told) {
		d->blind_told = 1;
		raise(x, F_H2C_HPACK_BUDGET);
	}
	struct h2_stream *st = d->blk_type == FT_PUSH ? NULL : stream(d, d->blk_sid, 1);
	if (!st)
		return;
	/* an interim (1xx) response is followed by the final one, not trailers */
	if (x->is_client || x->s->meta.status >= 200)
		st->headers_seen = 1;
	if (x->is_client && !b->trailers) {
		struct insp_meta *m = &x->s->meta;
		m->method_len = snprintf(m->method, sizeof(m->method), "%s", b->method);
		m->uri_len = snprintf(m->uri, sizeof(m->uri), "%s", b->path);
		if (m->uri_len >= sizeof(m->uri)) m->uri_len = sizeof(m->uri) - 1;
		const char *h = b->authority[0] ? b->authority : b->host;
		m->host_len = snprintf(m->host, sizeof(m->host), "%s", h);
		if (m->host_len >= sizeof(m->host)) m->host_len = sizeof(m->host) - 1;
		m->proto_len = snprintf(m->proto, sizeof(m->proto), "HTTP/2");
		m->status = 0;
		int is_connect = strcmp(b->method, "CONNECT") == 0;
		st->is_head = strcmp(b->method, "HEAD") == 0;
		if (!partial) {
			struct fwd_req q = fwd_of(x);
			fwd_req_judge(&q, x->s->ipver, x->s->addr[x->s->client_dir]);
		}
		if (partial) {
			/* fields unseen: neither missing nor misplaced is known */
		} else if (is_connect && !(b->pseudo & P_PROTOCOL)) {
			if ((b->pseudo & (P_SCHEME | P_PATH)) || !(b->pseudo & P_AUTHORITY))
				raise(x, F_H2C_CONNECT_INVALID);
		} else {
			if ((b->pseudo & (P_METHOD | P_SCHEME | P_PATH)) != (P_METHOD | P_SCHEME | P_PATH))
				raise(x, F_H2C_PSEUDO);
			if ((b->pseudo & P_PATH) && (b->path_len == 0 ||
			    (b->path[0] != '/' && !(b->path[0] == '*' && b->path_len == 1 &&
						    strcmp(b->method, "OPTIONS") == 0))))
				raise(x, F_H2C_PATH_INVALID);
		}
	} else if (!x->is_client && !b->trailers && !(b->pseudo & P_STATUS)) {
		if (!partial)
			raise(x, F_H2C_PSEUDO);
	} else if (!x->is_client && !b->trailers && x->s->meta.status >= 200 && x->env->on_tx) {
		x->s->meta.h2_stream = d->blk_sid;
		x->env->on_tx(x->env->user, &x->s->meta);
	}
	if (b->cl >= 0 && !b->cl_bad && !b->trailers && !partial) {
		st->has_cl = 1;
		st->cl = b->cl;
	}
	if (!x->is_client) {
		/* responses to HEAD, and 204/304, carry a length but no body */
		struct h2_stream *rq = stream(&x->c->d[0], d->blk_sid, 0);
		int rq_unseen = !rq && ((x->s->unseen >> x->s->client_dir) & 1);
		if ((rq && rq->is_head) || rq_unseen || x->s->meta.status == 304 || x->s->meta.status == 204 ||
		    x->s->meta.status < 200)
			st->has_cl = 0;
	}
	if (d->blk_end_stream && st->has_cl && (uint64_t)st->cl != st->data)
		raise(x, F_H2C_CL_MISMATCH);
}

/* ---- frames ------------------------------------------------------------ */

static void frame_start(struct hctx *x)
{
	struct h2_dir *d = x->d;
	d->flen = (uint32_t)d->hdr[0] << 16 | d->hdr[1] << 8 | d->hdr[2];
	d->ftype = d->hdr[3];
	d->fflags = d->hdr[4];
	d->fsid = ((uint32_t)d->hdr[5] << 24 | d->hdr[6] << 16 | d->hdr[7] << 8 | d->hdr[8]) & 0x7fffffff;
	d->fgot = 0;
	d->pre_got = 0;
	d->pad = 0;
	d->fbuf_len = 0;
	d->pre_need = 0;

	if (d->in_block && (d->ftype != FT_CONT || d->fsid != d->blk_sid)) {
		raise(x, F_H2C_CONT_EXPECTED);
		dead(x);
		return;
	}
	if (d->flen > d->max_frame)
		raise(x, F_H2C_FRAME_SIZE);
	int bad = 0;
	switch (d->ftype) {
	case FT_DATA:
		bad = d->fsid == 0;
		d->pre_need = (d->fflags & FL_PADDED) ? 1 : 0;
		break;
	case FT_HEADERS:
		bad = d->fsid == 0;
		d->pre_need = ((d->fflags & FL_PADDED) ? 1 : 0) + ((d->fflags & FL_PRIORITY) ? 5 : 0);
		break;
	case FT_PUSH:
		d->pre_need = ((d->fflags & FL_PADDED) ? 1 : 0) + 4;
		break;
	case FT_PRIORITY: bad = d->flen != 5 || d->fsid == 0; break;
	case FT_RST: bad = d->flen != 4 || d->fsid == 0; break;
	case FT_SETTINGS: bad = d->fsid != 0 || d->flen % 6 || ((d->fflags & FL_ACK) && d->flen); break;
	case FT_PING: bad = d->flen != 8 || d->fsid != 0; break;
	case FT_GOAWAY: bad = d->flen < 8 || d->fsid != 0; break;
	case FT_WINDOW: bad = d->flen != 4; break;
	case FT_CONT:
		bad = !d->in_block;
		break;
	default:
		break;                 /* unknown types are ignored (§4.1) */
	}
	if (bad) {
		raise(x, F_H2C_FRAME_INVALID);
		if (d->ftype == FT_CONT || d->ftype == FT_HEADERS) {
			dead(x);
			return;
		}
	}
	if (d->pre_need > d->flen) {
		raise(x, F_H2C_FRAME_INVALID);
		dead(x);
		return;
	}
	if (d->ftype == FT_HEADERS || d->ftype == FT_PUSH) {
		d->seen = 0;
		d->blk_sid = d->fsid;
		d->blk_type = d->ftype;
		d->blk_end_stream = d->fflags & FL_END_STREAM;
		d->cont_n = 0;
		block_begin(x);
		if (x->is_client && d->ftype == FT_HEADERS) {
			struct h2_stream *st = stream(d, d->fsid, 0);
			if (!st || !st->headers_seen)
				d->opened_n++;
		}
	}
	if (d->ftype == FT_CONT && ++d->cont_n > CONT_MAX)
		raise(x, F_H2C_CONT_FLOOD);
	d->st = H2S_PAYLOAD;
}

static void frame_done(struct hctx *x)
{
	struct h2_dir *d = x->d;
	struct h2_conn *c = x->c;
	uint32_t content = d->flen - d->pre_need - d->pad;
	d->st = H2S_HDR;
	d->hlen = 0;
	switch (d->ftype) {
	case FT_DATA: {
		struct h2_stream *st = stream(d, d->fsid, 1);
		st->data += content;
		if (st->has_cl && st->data > (uint64_t)st->cl)
			raise(x, F_H2C_CL_MISMATCH);
		else if ((d->fflags & FL_END_STREAM) && st->has_cl && st->data != (uint64_t)st->cl)
			raise(x, F_H2C_CL_MISMATCH);
		if (content == 0 && !(d->fflags & FL_END_STREAM) && ++d->empty_data_n == EMPTY_DATA_MAX)
			raise(x, F_H2C_EMPTY_DATA_FLOOD);
		break;
	}
	case FT_HEADERS:
	case FT_PUSH:
	case FT_CONT:
		if (d->fflags & FL_END_HEADERS) {
			d->in_block = 0;
			block_done(x);
		} else {
			d->in_block = 1;
		}
		break;
	case FT_SETTINGS:
		if (d->fflags & FL_ACK)
			break;
		if (++d->settings_n == SETTINGS_MAX)
			raise(x, F_H2C_SETTINGS_FLOOD);
		break;
	case FT_PING:
		if (!(d->fflags & FL_ACK) && ++d->ping_n == PING_MAX)
			raise(x, F_H2C_PING_FLOOD);
		break;
	case FT_RST:
		if (x->is_client && ++d->rst_n >= RST_MIN && d->rst_n * 2 > d->opened_n &&
		    !(c->flagged_flood & 1)) {
			c->flagged_flood |= 1;
			raise(x, F_H2C_RAPID_RESET);
		}
		break;
	default:
		break;
	}
}

/* SETTINGS parameters, each applied as its 6 bytes complete.  What one
 * side announces limits what the other side sends: its frames, its HPACK
 * encoder and its header lists. */
static void settings_bytes(struct hctx *x, const uint8_t *p, uint32_t n)
{
	struct h2_dir *d = x->d;
	struct h2_dir *o = &x->c->d[x->is_client ? 1 : 0];
	if (d->fflags & FL_ACK)
		return;
	while (n--) {
		d->fbuf[d->fbuf_len++] = *p++;
		if (d->fbuf_len < 6)
			continue;
		d->fbuf_len = 0;
		uint16_t id = d->fbuf[0] << 8 | d->fbuf[1];
		uint32_t v = (uint32_t)d->fbuf[2] << 24 | d->fbuf[3] << 16 | d->fbuf[4] << 8 | d->fbuf[5];
		/* larger values are kept once announced: frames the other side
		 * sent before it saw a smaller one may still use them */
		if (id == 1)
			hpack_set_limit(&o->hp, v);
		else if (id == 5 && v >= 16384 && v <= 16777215 && v > o->max_frame)
			o->max_frame = v;
		else if (id == 6 && v > o->list_max)
			o->list_max = v < H2_LIST_CAP ? v : H2_LIST_CAP;
	}
}

static void payload_bytes(struct hctx *x, const uint8_t *p, uint32_t n)
{
	struct h2_dir *d = x->d;
	while (n) {
		if (d->pre_got < d->pre_need) {
			uint8_t b = *p++;
			n--;
			if (d->pre_got == 0 && (d->fflags & FL_PADDED) &&
			    (d->ftype == FT_DATA || d->ftype == FT_HEADERS || d->ftype == FT_PUSH)) {
				d->pad = b;
				if ((uint32_t)d->pad + d->pre_need > d->flen) {
					raise(x, F_H2C_FRAME_INVALID);
					dead(x);
					return;
				}
			}
			d->pre_got++;
			d->fgot++;
			continue;
		}
		uint32_t body_end = d->flen - d->pad;
		uint32_t k = n;
		if (d->fgot < body_end) {
			if (k > body_end - d->fgot)
				k = body_end - d->fgot;
			if (d->ftype == FT_HEADERS || d->ftype == FT_PUSH || d->ftype == FT_CONT) {
				block_bytes(x, p, k);
				if (d->st == H2S_DEAD)
					return;
			} else if (d->ftype == FT_SETTINGS) {
				settings_bytes(x, p, k);
			} else if (d->ftype != FT_DATA) {
				uint32_t room = H2_FBUF - d->fbuf_len;
				uint32_t c = k < room ? k : room;
				memcpy(d->fbuf + d->fbuf_len, p, c);
				d->fbuf_len += c;
			}
		} else if (k > d->flen - d->fgot) {
			k = d->flen - d->fgot;   /* padding */
		}
		p += k;
		n -= k;
		d->fgot += k;
		if (d->fgot == d->flen)
			return;
	}
}

void h2_feed(struct insp_sess *s, int is_client, const uint8_t *p, uint32_t n,
	     const struct insp_env *env)
{
	struct h2_conn *c = s->h2;
	struct hctx x = { .s = s, .c = c, .d = &c->d[is_client ? 0 : 1], .env = env,
			  .is_client = is_client };
	struct h2_dir *d = x.d;
	uint32_t i = 0;
	if (unlikely((s->unseen >> (is_client ? !s->client_dir : s->client_dir)) & 1) && !d->peer_unseen) {
		/* the peer's SETTINGS may be among the bytes Seam never saw:
		 * what it allowed this side is not known (as after an Upgrade) */
		d->peer_unseen = 1;
		d->hp.limit_unknown = 1;
		d->max_frame = 16777215;
		d->list_max = H2_LIST_CAP;
	}
	while (i < n) {
		switch (d->st) {
		case H2S_DEAD:
			d->off += n - i;
			return;
		case H2S_PREFACE:
			if (p[i] != preface[d->preface_got]) {
				if (!(d->preface_quiet && d->preface_got == 0))
					raise(&x, F_H2C_BAD_PREFACE);
				dead(&x);
				continue;
			}
			i++;
			d->off++;
			if (++d->preface_got == H2_PREFACE_LEN)
				d->st = H2S_HDR;
			break;
		case H2S_HDR:
			d->hdr[d->hlen++] = p[i++];
			d->off++;
			if (d->hlen == 9) {
				frame_start(&x);
				if (d->st == H2S_PAYLOAD && d->flen == 0)
					frame_done(&x);
			}
			break;
		case H2S_PAYLOAD: {
			uint32_t want = d->flen - d->fgot;
			uint32_t k = n - i < want ? n - i : want;
			payload_bytes(&x, p + i, k);
			if (d->st == H2S_DEAD)
				continue;
			i += k;
			d->off += k;
			if (d->fgot == d->flen)
				frame_done(&x);
			break;
		}
		}
	}
}

int h2_server_preface(const uint8_t *p, uint32_t n)
{
	/* length: whole parameters, a few of them; type 4, flags 0, stream 0 */
	static const uint8_t rest[6] = { 4, 0, 0, 0, 0, 0 };
	if (n >= 1 && p[0] != 0)
		return 0;
	for (uint32_t i = 3; i < 9 && i < n; i++)
		if (p[i] != rest[i - 3])
			return 0;
	if (n < 9)
		return -1;
	uint32_t len = (uint32_t)p[1] << 8 | p[2];
	return len % 6 == 0 && len <= 6 * 32;
}

int h2_close(struct h2_conn *c, int is_client)
{
	c->closed |= is_client ? 1 : 2;
	return c->closed == 3;
}
