/* h1.c — incremental HTTP/1.x framing analyzer.
 *
 * Follows RFC 9112 (message syntax, §2–§7) and RFC 9110 (semantics of
 * Content-Length, Transfer-Encoding, Expect, Upgrade).  The parser is the
 * strict reading; each place where a lenient implementation could read the
 * bytes differently raises a finding at that byte's stream offset.  When
 * framing can no longer be known (a strict server would answer 400 and
 * close) the direction goes H1_DEAD and stops costing anything. */
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "insp.h"
#include "h1.h"
#include "h1_order.h"
#include "fwd_req.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Fields whose value the analyzer reads. */
enum hid {
	HID_OTHER = 0, HID_CL, HID_TE, HID_HOST, HID_EXPECT, HID_CONNECTION,
	HID_UPGRADE, HID_FORBIDDEN_TRAILER, HID_H2SETTINGS, HID_FWD, HID_WS_KEY, HID_WS_VERSION,
	HID_WS_ACCEPT, HID_WS_EXT, HID_ORIGIN, HID_COOKIE, HID_PROXY_CONN,
	HID_IDENT,        /* an identity header (fwd_ident.c): judged by name */
};

/* Start-line findings held until the version proves this is HTTP. */
enum { SLP_METHOD = 1, SLP_TARGET = 2, SLP_WS = 4, SLP_TARGET_LAX = 8, SLP_LEAD_JUNK = 16,
       SLP_BARE_CR = 32 };

/* RFC 9110 §5.6.2 tchar. */
static const uint8_t tchar[256] = {
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
	['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1,
	['`'] = 1, ['|'] = 1, ['~'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

/* Request-target bytes that need no attention: visible ASCII other than
 * the ones RFC 3986 never allows unescaped (judged per byte elsewhere). */
static const uint8_t plain_target[256] = {
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['('] = 1, [')'] = 1,
	['*'] = 1, ['+'] = 1, [','] = 1, ['-'] = 1, ['.'] = 1, ['/'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1, ['='] = 1, ['?'] = 1, ['@'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1, ['['] = 1, [']'] = 1, ['_'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1, ['~'] = 1,
};

static inline int is_ctl(uint8_t c) { return c < 0x20 || c == 0x7f; }
static inline int is_ows(uint8_t c) { return c == ' ' || c == '\t'; }
static inline uint8_t lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static inline int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

struct ctx {
	struct insp_sess *s;
	struct h1_conn *c;
	struct h1_dir *d;
	const struct insp_env *env;
	int is_req;
};

static void raise_at(struct ctx *x, enum finding f, uint64_t off)
{
	struct h1_dir *d = x->d;
	uint64_t bit = 1ull << (f & 63);
	if (d->seen[f >> 6] & bit)
		return;
	d->seen[f >> 6] |= bit;
	struct insp_hit hit = {
		.finding = f,
		.dir = x->is_req ? x->s->client_dir : !x->s->client_dir,
		.offset = off,
		.tier = finding_table[f].tier,
		.action = -1,
	};
	x->env->emit(x->env->user, &hit, &x->s->meta);
}

static inline void raise(struct ctx *x, enum finding f) { raise_at(x, f, x->d->off); }

static void go_dead(struct ctx *x) { x->d->state = H1_DEAD; }

static void on_sig(void *c, const struct sig *sg)
{
	struct ctx *x = c;
	struct insp_hit hit = {
		.finding = F_SIG_MATCH,
		.dir = x->is_req ? x->s->client_dir : !x->s->client_dir,
		.offset = x->d->off,
		.sig_id = sg->id,
		.tier = sg->tier,
		.action = sg->action,
	};
	x->env->emit(x->env->user, &hit, &x->s->meta);
}

static inline void scan(struct ctx *x, int scope, const void *p, uint32_t n)
{
	if (x->env->sigs)
		sig_scan(x->env->sigs, x->env->scratch, scope, p, n, on_sig, x);
}

/* Quietly give up: the stream is not HTTP/1 (TLS, SSH, SMTP...).  On a
 * flow picked up midway it is more likely the rest of a message Seam never
 * saw begin: that side waits for the other to show a boundary
 * (h1_order.h) and the connection stays HTTP. */
static void not_http(struct ctx *x)
{
	x->d->state = H1_DEAD;
	if (x->c->midstream) {
		x->c->order |= x->is_req ? ORD_REQ_LOST : ORD_RSP_LOST;
		return;
	}
	if (!x->d->started && x->s->proto == PROTO_UNKNOWN)
		x->s->proto = PROTO_OTHER;
}

static void msg_reset(struct h1_dir *d)
{
	d->flags = 0;
	d->nfields = 0;
	d->hdr_bytes = 0;
	d->line_len = 0;
	memset(d->seen, 0, sizeof(d->seen));
	d->cl = 0;
	d->body_left = 0;
	d->te_chunked_n = 0;
	d->sl_bad = 0;
	d->val_len = 0;
	d->name_len = 0;
	d->status = 0;
	d->conn_opt = 0;
}

static const char *const methods[] = {
	"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE",
	"CONNECT", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK",
	"UNLOCK", "PURGE", "PRI", NULL,
};

static int known_method(const char *m, uint32_t n)
{
	for (int i = 0; methods[i]; i++)
		if (strlen(methods[i]) == n && memcmp(methods[i], m, n) == 0)
			return 1;
	return 0;
}

/* m (lower-cased, as field names are kept) names a known method. */
static int known_method_ci(const char *m, uint32_t n)
{
	char up[16];
	if (n == 0 || n >= sizeof(up))
		return 0;
	for (uint32_t i = 0; i < n; i++)
		up[i] = m[i] >= 'a' && m[i] <= 'z' ? m[i] - 32 : m[i];
	return known_method(up, n);
}

int h1_looks_like_request(const uint8_t *p, uint32_t n)
{
	uint32_t i = 0;
	while (i < n && i < 16 && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	if (i < 3 || i >= n || p[i] != ' ' || !known_method((const char *)p, i))
		return 0;
	if (i + 1 >= n)
		return 1;
	uint8_t t = p[i + 1];
	return t == '/' || t == '*' || t == 'h' || t == 'H';
}

int h1_request_prefix(const uint8_t *p, uint32_t n)
{
	uint32_t i = 0;
	while (i < n && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	if (i == n || (i + 1 == n && p[i] == ' '))
		return n < 16 ? -1 : 0;
	return h1_looks_like_request(p, n);
}

/* ---- start of a message ------------------------------------------------ */

static void req_begin(struct ctx *x)
{
	struct insp_meta *m = &x->s->meta;
	msg_reset(x->d);
	if (x->env->hdrlog)
		hdrlog_begin(x->env->hdrlog, &x->s->hl, 1, 0);
	m->method_len = m->uri_len = m->host_len = m->proto_len = 0;
	m->uri_trunc = 0;
	m->method[0] = m->uri[0] = m->host[0] = m->proto[0] = 0;
	m->status = 0;
	m->xff_len = 0;
	m->client_ipver = 0;
	fwd_req_begin(&x->c->req.b->fwd);
	x->c->req.b->origin_len = 0;
	x->c->req.b->origin_full = 0;
}

/* How many requests began after the one a response starting now answers
 * (the oldest outstanding): the other outstanding ones, and one still in
 * its header block.  EVE pairs the response with that request's fields. */
static uint32_t requests_after_answered(const struct h1_conn *c)
{
	uint8_t st = c->req.state;
	int reading = st >= H1_SL_METHOD && st <= H1_HDR_NOCOLON && !(c->req.flags & MF_TRAILERS);
	return c->pend_n ? c->pend_n - 1u + (reading ? 1u : 0u) : 0u;
}

/* The server's side of this connection did not all reach Seam: the client
 * acknowledged answers Seam never saw (a one-way capture or mirror). */
static inline int answers_unseen(const struct ctx *x)
{
	return (x->s->unseen >> !x->s->client_dir) & 1;
}

/* Queue a request for pairing; returns its slot, -1 when not tracked. */
static int pend_push(struct ctx *x, uint8_t rq)
{
	struct h1_conn *c = x->c;
	if (c->pend_n == H1_PIPE_MAX) {
		if (!c->midstream && !answers_unseen(x)) {
			raise(x, F_H1_PIPELINE_OVERFLOW);
			return -1;
		}
		/* picked up midway, after a gap, or the server's side never
		 * reached Seam: answers it did not see leave requests queued;
		 * the oldest is forgotten */
		raise(x, F_H1_PIPELINE_UNTRACKED);
		c->pend_head = (c->pend_head + 1) % H1_PIPE_MAX;
		c->pend_n--;
	}
	int slot = (c->pend_head + c->pend_n) % H1_PIPE_MAX;
	c->pend[slot] = rq;
	c->pend_n++;
	return slot;
}

static void msg_done(struct ctx *x)
{
	struct h1_dir *d = x->d;
	d->started = 1;
	uint32_t f = d->flags;
	msg_reset(d);
	d->state = H1_SL_START;
	if (x->is_req && (f & (MF_CONNECT | MF_UPG_WS | MF_UPG_OTHER))) {
		/* nothing but this request is the client's until the answer */
		d->state = H1_AWAIT;
		h1_early_await(x->s, (f & MF_CONNECT) != 0, x->s->client_dir);
	}
	/* an answer that leaves nothing outstanding: what the server says
	 * next may turn the roles (insp.c reads it first) */
	if (!x->is_req && !x->c->pend_n)
		x->s->switched = 1;
}

/* ---- field values -------------------------------------------------------- */

static void cl_value(struct ctx *x)
{
	struct h1_dir *d = x->d;
	const uint8_t *v = (const uint8_t *)d->b->val;
	uint32_t n = d->val_len, i = 0;
	uint64_t first = 0;
	int nvals = 0, bad = 0;

	if (d->val_trunc) {
		raise(x, F_H1_CL_OVERFLOW);
		d->flags |= MF_CL | MF_CL_BAD;
		return;
	}
	if (n == 0) {
		raise(x, F_H1_CL_EMPTY);
		d->flags |= MF_CL | MF_CL_BAD;
		return;
	}
	/* Each list element: OWS 1*DIGIT OWS. */
	while (i <= n) {
		while (i < n && is_ows(v[i]))
			i++;
		uint32_t start = i, digits = 0;
		uint64_t val = 0;
		int overflow = 0;
		while (i < n && v[i] >= '0' && v[i] <= '9') {
			if (val > (UINT64_MAX - 9) / 10 || val * 10 + (v[i] - '0') > INT64_MAX)
				overflow = 1;
			val = val * 10 + (v[i] - '0');
			digits++;
			i++;
		}
		if (digits == 0) {
			if (i < n && (v[i] == '+' || v[i] == '-'))
				raise(x, F_H1_CL_INVALID);
			else if (i == n || v[i] == ',')
				raise(x, nvals || i < n ? F_H1_CL_LIST : F_H1_CL_EMPTY);
			else
				raise(x, F_H1_CL_INVALID);
			bad = 1;
		} else {
			if (overflow || digits > x->env->lim->cl_max_digits) {
				raise(x, F_H1_CL_OVERFLOW);
				bad = 1;
			}
			if (digits > 1 && v[start] == '0')
				raise(x, F_H1_CL_LEADING_ZERO);
			if (nvals == 0)
				first = val;
			else if (val != first) {
				raise(x, F_H1_CL_CONFLICT);
				bad = 1;
			}
			nvals++;
		}
		while (i < n && is_ows(v[i]))
			i++;
		if (i == n)
			break;
		if (v[i] == ',') {
			raise(x, F_H1_CL_LIST);
			i++;
			if (i == n) {
				bad = 1;
				break;
			}
			continue;
		}
		/* junk: "0x10", "4 2", "12abc" */
		raise(x, F_H1_CL_INVALID);
		bad = 1;
		break;
	}
	if (d->flags & MF_CL) {
		if (!bad && !(d->flags & MF_CL_BAD) && first == d->cl)
			/* the same length twice: a request may be read two ways by
			 * two proxies; a response is read by the client alone */
			raise(x, x->is_req ? F_H1_CL_DUPLICATE : F_H1_RESP_CL_DUPLICATE);
		else {
			raise(x, F_H1_CL_CONFLICT);
			bad = 1;
		}
	}
	d->flags |= MF_CL;
	if (bad) {
		d->flags |= MF_CL_BAD;
	} else {
		d->cl = first;
		enum finding big = h1o_cl_magnitude(first);
		if (big != F__COUNT)
			raise(x, big);
	}
}

static int ieq(const uint8_t *a, uint32_t n, const char *lit)
{
	uint32_t l = strlen(lit);
	if (n != l)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		if (lower(a[i]) != (uint8_t)lit[i])
			return 0;
	return 1;
}

static const char *const codings[] = {
	"chunked", "gzip", "deflate", "compress", "x-gzip", "x-compress", "br", "zstd", NULL,
};

static void te_value(struct ctx *x)
{
	struct h1_dir *d = x->d;
	const uint8_t *v = (const uint8_t *)d->b->val;
	uint32_t n = d->val_len, i = 0;
	int last_chunked = 0;

	if (d->flags & MF_TE)
		raise(x, F_H1_TE_DUPLICATE);
	d->flags |= MF_TE;
	if (d->val_trunc) {
		raise(x, F_H1_TE_OBFUSCATED);
		d->flags |= MF_TE_BAD;
	}
	if (n == 0) {
		raise(x, F_H1_TE_EMPTY);
		d->flags |= MF_TE_BAD;
		d->flags &= ~MF_TE_CHUNKED;
		return;
	}
	while (i <= n) {
		while (i < n && is_ows(v[i]))
			i++;
		uint32_t s = i;
		int odd = 0;
		while (i < n && v[i] != ',' && v[i] != ';') {
			if (!tchar[v[i]])
				odd = 1;     /* CTL, quote, space inside, obs-text */
			i++;
		}
		uint32_t e = i;
		while (e > s && is_ows(v[e - 1]))
			e--;
		int has_param = i < n && v[i] == ';';
		while (i < n && v[i] != ',')
			i++;             /* transfer-parameters */
		if (e == s) {
			raise(x, F_H1_TE_OBFUSCATED);   /* empty element: ",chunked" */
			d->flags |= MF_TE_BAD;
			last_chunked = 0;
		} else {
			uint32_t len = e - s;
			int k = -1;
			for (int j = 0; codings[j]; j++)
				if (ieq(v + s, len, codings[j])) {
					k = j;
					break;
				}
			if (odd) {
				raise(x, F_H1_TE_OBFUSCATED);
				d->flags |= MF_TE_BAD;
				last_chunked = 0;
			} else if (k < 0) {
				if (ieq(v + s, len, "identity"))
					raise(x, F_H1_TE_IDENTITY);
				else
					raise(x, F_H1_TE_UNKNOWN);
				d->flags |= MF_TE_BAD;
				last_chunked = 0;
			} else {
				if (memcmp(v + s, codings[k], len) != 0)
					raise(x, F_H1_TE_CASE);
				last_chunked = (k == 0);
				if (k == 0) {
					if (d->te_chunked_n < 255)
						d->te_chunked_n++;
					if (has_param) {
						raise(x, F_H1_TE_OBFUSCATED);
						d->flags |= MF_TE_BAD;
					}
				}
			}
		}
		if (i >= n)
			break;
		i++;                     /* ',' */
		if (i == n) {            /* trailing comma */
			raise(x, F_H1_TE_OBFUSCATED);
			d->flags |= MF_TE_BAD;
			break;
		}
	}
	if (last_chunked)
		d->flags |= MF_TE_CHUNKED;
	else
		d->flags &= ~MF_TE_CHUNKED;
}

/* The next element of a comma-separated list from *i: [*s, *e) with the
 * whitespace around it trimmed.  0 at the end. */
static int list_next(const uint8_t *v, uint32_t n, uint32_t *i, uint32_t *s, uint32_t *e)
{
	while (*i < n && (is_ows(v[*i]) || v[*i] == ','))
		(*i)++;
	if (*i >= n)
		return 0;
	*s = *i;
	while (*i < n && v[*i] != ',')
		(*i)++;
	*e = *i;
	while (*e > *s && is_ows(v[*e - 1]))
		(*e)--;
	return 1;
}

static int list_has(const uint8_t *v, uint32_t n, const char *tok)
{
	uint32_t i = 0, s, e;
	while (list_next(v, n, &i, &s, &e))
		if (ieq(v + s, e - s, tok))
			return 1;
	return 0;
}

/* The Connection options the analyzer acts on, in one pass. */
static void connection_options(struct h1_dir *d, const uint8_t *v, uint32_t n)
{
	uint32_t i = 0, s, e;
	while (list_next(v, n, &i, &s, &e)) {
		if (ieq(v + s, e - s, "keep-alive"))
			d->conn_opt |= CO_KEEPALIVE;
		else if (ieq(v + s, e - s, "close"))
			d->conn_opt |= CO_CLOSE;
		else if (ieq(v + s, e - s, "upgrade"))
			d->flags |= MF_CONN_UPG;
	}
}

/* Connection lists the fields the next hop must drop (RFC 9110 §7.6.1).
 * Naming a framing field makes an obeying proxy forward the body without
 * its length; naming a forwarding field hides the client it recorded, an
 * identity field the user it vouched for. */
static void connection_tokens(struct ctx *x, const uint8_t *v, uint32_t n)
{
	static const char *const framing[] = { "content-length", "transfer-encoding", "host" };
	for (unsigned i = 0; i < sizeof(framing) / sizeof(framing[0]); i++)
		if (list_has(v, n, framing[i])) {
			raise(x, F_H1_CONNECTION_FRAMING);
			break;
		}
	if (!x->is_req)
		return;
	uint32_t i = 0, s, e;
	while (list_next(v, n, &i, &s, &e)) {
		char tok[H1_NAME_MAX];               /* field names are matched lower-cased */
		uint32_t k = 0;
		for (; s + k < e && k < sizeof(tok); k++)
			tok[k] = lower(v[s + k]);
		int alias = 0, cip = 0;
		if (e > s && s + k == e && fwd_ident_match(x->env->fwd, tok, k, &alias) >= 0)
			raise(x, F_FWD_IDENTITY_HOP_BY_HOP);
		else if (e > s && s + k == e && fwd_kind(tok, k, &alias, &cip) != FWD_NONE)
			raise(x, F_FWD_HOP_BY_HOP);
	}
}

static void host_value(struct ctx *x)
{
	struct h1_dir *d = x->d;
	if (d->flags & MF_HOST)
		raise(x, F_H1_HOST_DUPLICATE);
	d->flags |= MF_HOST;
	for (uint32_t i = 0; i < d->val_len; i++) {
		uint8_t c = d->b->val[i];
		if (is_ctl(c) || c == ' ' || c == '/' || c == '\\' || c == '@' ||
		    c == '?' || c == '#' || c == '"' || c == '<' || c == '>' || c >= 0x80) {
			raise(x, F_H1_HOST_INVALID);
			break;
		}
	}
	if (x->is_req && !x->s->meta.host_len) {
		uint32_t n = d->val_len < sizeof(x->s->meta.host) - 1 ? d->val_len
								     : sizeof(x->s->meta.host) - 1;
		memcpy(x->s->meta.host, d->b->val, n);
		x->s->meta.host[n] = 0;
		x->s->meta.host_len = n;
	}
}

/* Lower-case name[0..n) in place, eight bytes at a time (bytes past n up
 * to H1_NAME_MAX may change too: they are not part of the name). */
_Static_assert(H1_NAME_MAX % 8 == 0, "name_lower works in whole words");
static void name_lower(char *name, uint32_t n)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	for (uint32_t i = 0; i < n; i += 8) {
		uint64_t x, low;
		memcpy(&x, name + i, 8);
		low = x & ~high;
		/* the high bit of each byte: from 'A' and up, then past 'Z' */
		uint64_t ge_a = low + (0x80 - 'A') * ones, gt_z = low + (0x80 - 'Z' - 1) * ones;
		x |= ((ge_a ^ gt_z) & ~x & high) >> 2;
		memcpy(name + i, &x, 8);
	}
}

/* Names the analyzer acts on, lower-cased: their hid, HID_VIA for Via
 * (a flag, not a value read), HID_OTHER for the rest.  By length first,
 * so most names cost one compare or none. */
enum { HID_VIA = 0xff };
static uint8_t named_hid(const uint8_t *nm, uint32_t n)
{
#define IS(lit) (memcmp(nm, lit, sizeof(lit) - 1) == 0)
	switch (n) {
	case 3: return IS("via") ? HID_VIA : HID_OTHER;
	case 4: return IS("host") ? HID_HOST : HID_OTHER;
	case 6:
		if (IS("cookie")) return HID_COOKIE;
		if (IS("origin")) return HID_ORIGIN;
		return IS("expect") ? HID_EXPECT : HID_OTHER;
	case 7: return IS("upgrade") ? HID_UPGRADE : HID_OTHER;
	case 10: return IS("connection") ? HID_CONNECTION : HID_OTHER;
	case 14:
		if (IS("content-length")) return HID_CL;
		return IS("http2-settings") ? HID_H2SETTINGS : HID_OTHER;
	case 16: return IS("proxy-connection") ? HID_PROXY_CONN : HID_OTHER;
	case 17:
		if (IS("transfer-encoding")) return HID_TE;
		return IS("sec-websocket-key") ? HID_WS_KEY : HID_OTHER;
	case 20: return IS("sec-websocket-accept") ? HID_WS_ACCEPT : HID_OTHER;
	case 21: return IS("sec-websocket-version") ? HID_WS_VERSION : HID_OTHER;
	case 24: return IS("sec-websocket-extensions") ? HID_WS_EXT : HID_OTHER;
	default: return HID_OTHER;
	}
#undef IS
}

/* The skeleton keeps letters only: Transfer_Encoding, Content Length,
 * Transfer-Encoding\x0b all reduce to a framing name. */
static int framing_skeleton(const uint8_t *nm, uint32_t n)
{
	char skel[H1_NAME_MAX];
	uint32_t k = 0;
	if (n < 13)
		return 0;
	for (uint32_t i = 0; i < n && k < 17; i++)
		if (nm[i] >= 'a' && nm[i] <= 'z')
			skel[k++] = nm[i];
	return (k == 13 && memcmp(skel, "contentlength", 13) == 0) ||
	       (k == 16 && memcmp(skel, "transferencoding", 16) == 0);
}

/* The name just ended at ':'.  Decide what the field is. */
static void name_done(struct ctx *x)
{
	struct h1_dir *d = x->d;
	const uint8_t *nm = (const uint8_t *)d->b->name;
	uint32_t n = d->name_len;

	d->hid = HID_OTHER;
	d->val_len = 0;
	d->val_trunc = 0;
	/* the name is kept as received for EVE; every check reads it lower-cased */
	if (x->env->hdrlog && hdrlog_wants(x->env->hdrlog, x->is_req, n) && !(d->flags & MF_TRAILERS))
		hdrlog_name(x->env->hdrlog, &x->s->hl, x->is_req, d->b->name, n, n >= H1_NAME_MAX);
	name_lower(d->b->name, n);
	if (n == 0)
		return;

	uint8_t hid = n < H1_NAME_MAX ? named_hid(nm, n) : HID_OTHER;
	if ((hid == HID_CL || hid == HID_TE) && d->name_bad)
		hid = HID_OTHER;           /* read no further: the skeleton judges it */
	if (hid == HID_VIA)
		d->flags |= MF_VIA;
	else if (hid != HID_OTHER)
		d->hid = hid;
	else if (framing_skeleton(nm, n))
		raise(x, F_H1_FRAMING_ALIAS);
	else if (x->is_req) {
		int alias = 0, cip = 0;
		enum fwd_kind k = fwd_kind((const char *)nm, n, &alias, &cip);
		if (k != FWD_NONE) {
			d->hid = HID_FWD;
			d->fwd_kind = k;
			d->fwd_cip = cip;
			d->fwd_alias = alias;
		} else if ((cip = fwd_ident_match(x->env->fwd, (const char *)nm, n, &alias)) >= 0) {
			/* judged by name at the end of the block (fwd_judge) */
			fwd_ident_seen(&x->c->req.b->fwd, cip, alias);
			d->hid = HID_IDENT;
		}
	}

	if (d->flags & MF_TRAILERS) {
		if (d->hid != HID_OTHER || ieq(nm, n, "trailer") || ieq(nm, n, "te") ||
		    ieq(nm, n, "authorization") || ieq(nm, n, "content-type") ||
		    ieq(nm, n, "content-encoding") || ieq(nm, n, "content-range") ||
		    ieq(nm, n, "cookie") || ieq(nm, n, "set-cookie"))
			raise(x, F_H1_TRAILER_FORBIDDEN);
		d->hid = HID_FORBIDDEN_TRAILER;
	}
}

static void raise_cb(void *x, enum finding f)
{
	raise(x, f);
}

/* The forwarding-header judge for this request (fwd_req.c). */
static struct fwd_req fwd_of(struct ctx *x)
{
	return (struct fwd_req){ .f = &x->c->req.b->fwd, .cfg = x->env->fwd, .meta = &x->s->meta,
				 .raise = raise_cb, .who = x };
}

static void fwd_field(struct ctx *x)
{
	struct h1_dir *d = x->d;
	struct fwd_req q = fwd_of(x);
	fwd_req_field(&q, d->fwd_kind, d->fwd_cip, d->fwd_alias, d->val_trunc, d->b->val, d->val_len);
}

/* End of the request's header block: attribute the client and judge the
 * claims (trusted proxies from the configuration; none by default). */
static void fwd_judge(struct ctx *x)
{
	struct fwd_req q = fwd_of(x);
	fwd_req_judge(&q, x->s->ipver, x->s->addr[x->s->client_dir]);
}

static void field_done(struct ctx *x)
{
	struct h1_dir *d = x->d;
	/* trim OWS; val holds the value as received, OWS included */
	uint32_t s = 0, e = d->val_len;
	while (s < e && is_ows((uint8_t)d->b->val[s]))
		s++;
	while (e > s && is_ows((uint8_t)d->b->val[e - 1]))
		e--;
	if (s) memmove(d->b->val, d->b->val + s, e - s);
	d->val_len = e - s;
	if (x->env->hdrlog && hdrlog_wants(x->env->hdrlog, x->is_req, d->name_len) && !(d->flags & MF_TRAILERS))
		hdrlog_value(x->env->hdrlog, &x->s->hl, x->is_req, d->b->val, d->val_len, d->val_trunc);
	const uint8_t *v = (const uint8_t *)d->b->val;
	if (x->env->sigs && x->is_req) {
		char line[H1_NAME_MAX + 1 + H1_VAL_MAX];
		memcpy(line, d->b->name, d->name_len);
		line[d->name_len] = ':';
		memcpy(line + d->name_len + 1, d->b->val, d->val_len);
		scan(x, SCOPE_HEADER_NAME, d->b->name, d->name_len);
		scan(x, SCOPE_HEADER, line, d->name_len + 1 + d->val_len);
	}

	d->flags &= ~MF_LAST_FRAMING;
	switch (d->hid) {
	case HID_CL:
		cl_value(x);
		d->flags |= MF_LAST_FRAMING;
		break;
	case HID_TE:
		te_value(x);
		d->flags |= MF_LAST_FRAMING;
		break;
	case HID_HOST:
		host_value(x);
		break;
	case HID_EXPECT:
		if (ieq(v, d->val_len, "100-continue"))
			d->flags |= MF_EXPECT_100;
		else if (x->is_req)
			raise(x, F_H1_EXPECT_UNKNOWN);
		break;
	case HID_CONNECTION:
		connection_options(d, v, d->val_len);
		connection_tokens(x, v, d->val_len);
		break;
	case HID_UPGRADE:
		if (list_has(v, d->val_len, "websocket"))
			d->flags |= MF_UPG_WS;
		else if (d->val_len)
			d->flags |= MF_UPG_OTHER;
		if (list_has(v, d->val_len, "h2c"))
			d->flags |= MF_UPG_H2C;
		if (list_has(v, d->val_len, "ptth/1.0") || list_has(v, d->val_len, "reverse"))
			d->flags |= MF_UPG_PTTH;
		break;
	case HID_FWD:
		fwd_field(x);
		break;
	case HID_WS_KEY: {
		/* 16 random bytes in base64: 22 characters and "==" */
		int ok = d->val_len == 24 && v[22] == '=' && v[23] == '=';
		for (uint32_t i = 0; i < 22 && ok; i++)
			ok = (v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= 'a' && v[i] <= 'z') ||
			     (v[i] >= '0' && v[i] <= '9') || v[i] == '+' || v[i] == '/';
		if (!ok || (d->flags & MF_WS_KEY))
			d->flags |= MF_WS_KEY_BAD;
		d->flags |= MF_WS_KEY;
		uint32_t k = d->val_len < sizeof(x->c->ws_key) ? d->val_len : sizeof(x->c->ws_key);
		memcpy(x->c->ws_key, v, k);
		x->c->ws_key_len = k;
		break;
	}
	case HID_WS_VERSION:
		if (!(d->val_len == 2 && v[0] == '1' && v[1] == '3'))
			d->flags |= MF_WS_VERSION_BAD;
		break;
	case HID_WS_ACCEPT: {
		uint32_t k = d->val_len < sizeof(x->c->ws_accept) ? d->val_len : sizeof(x->c->ws_accept) - 1;
		memcpy(x->c->ws_accept, v, k);
		x->c->ws_accept_len = k;
		break;
	}
	case HID_WS_EXT:
		if (!x->is_req && d->val_len >= 18 && memmem(v, d->val_len, "permessage-deflate", 18))
			d->flags |= MF_WS_DEFLATE;
		break;
	case HID_ORIGIN: {
		if (!x->is_req)
			break;            /* a request field: kept in the request's block */
		/* keep the host part: scheme://host[:port] */
		const uint8_t *h = memmem(v, d->val_len, "://", 3);
		uint32_t hs = h ? (uint32_t)(h - v) + 3 : 0, he = hs;
		while (he < d->val_len && v[he] != ':' && v[he] != '/')
			he++;
		uint32_t k = he - hs < sizeof(x->c->req.b->origin_host) ? he - hs : sizeof(x->c->req.b->origin_host) - 1;
		memcpy(x->c->req.b->origin_host, v + hs, k);
		x->c->req.b->origin_len = k;
		k = d->val_len < sizeof(x->c->req.b->origin) ? d->val_len : sizeof(x->c->req.b->origin) - 1;
		memcpy(x->c->req.b->origin, v, k);
		x->c->req.b->origin_full = k;
		if (ieq(v, d->val_len, "null"))
			d->flags |= MF_ORIGIN_FOREIGN;
		break;
	}
	case HID_COOKIE:
		d->flags |= MF_COOKIE;
		break;
	case HID_PROXY_CONN:
		/* old browsers keep an HTTP/1.0 connection to their proxy open
		 * with it, and proxies honour it */
		connection_options(d, v, d->val_len);
		d->flags &= ~MF_CONN_UPG;
		break;
	case HID_H2SETTINGS:
		if (d->flags & MF_H2SETTINGS)
			d->flags |= MF_H2SET_TWICE;
		d->flags |= MF_H2SETTINGS;
		break;
	default:
		break;
	}
	d->hid = HID_OTHER;
}

/* ---- end of a header block -------------------------------------------- */

static void body_probe_start(struct h1_dir *d)
{
	d->flags |= MF_PROBE_BODY;
	d->flags &= ~MF_PROBE_SEEN;
	d->probe_len = 0;
}

/* A request line at the start of a body: the bytes a server that ignores
 * this body's framing would read as its next request. */
static void body_probe_check(struct ctx *x, uint64_t off, int final)
{
	struct h1_dir *d = x->d;
	const uint8_t *p = d->b->probe;
	uint32_t n = d->probe_len, i = 0;
	if (!(d->flags & MF_PROBE_SEEN)) {
		while (i < n && (p[i] == '\r' || p[i] == '\n'))
			i++;                     /* servers skip empty lines first */
		if (n - i >= 24 || final) {
			d->flags |= MF_PROBE_SEEN;
			if (n - i >= 5 && h1_looks_like_request(p + i, n - i))
				raise_at(x, F_H1_BODY_REQUEST_LINE, off);
		}
	}
	if (final) {
		d->flags &= ~(MF_PROBE_BODY | MF_PROBE_SEEN);
		scan(x, SCOPE_BODY_START, p, n);
	}
}

/* An absolute-form target and Host must name one host (RFC 9112 §3.2.2:
 * the target wins; a front end routing on Host disagrees). */
static void host_vs_target(struct ctx *x)
{
	const struct insp_meta *m = &x->s->meta;
	const char *u = m->uri;
	uint32_t skip = 0;
	if (m->uri_len > 7 && strncasecmp(u, "http://", 7) == 0)
		skip = 7;
	else if (m->uri_len > 8 && strncasecmp(u, "https://", 8) == 0)
		skip = 8;
	if (!skip || !m->host_len)
		return;
	uint32_t s = skip, e = skip;
	while (e < m->uri_len && u[e] != '/' && u[e] != '?' && u[e] != '#')
		e++;
	for (uint32_t i = s; i < e; i++)
		if (u[i] == '@')
			s = i + 1;              /* userinfo@ */
	uint32_t ue = s;
	while (ue < e && u[ue] != ':')
		ue++;
	uint32_t he = 0;
	while (he < m->host_len && m->host[he] != ':')
		he++;
	if (ue - s != he || strncasecmp(u + s, m->host, he) != 0)
		raise(x, F_H1_HOST_MISMATCH);
}

/* Where the registrable part of a host name starts: the last two labels,
 * three under a short second level of a country code (example.co.uk).
 * An address literal is all one site. */
static uint32_t site_start(const char *h, uint32_t n)
{
	if (n && (h[0] == '[' || (h[n - 1] >= '0' && h[n - 1] <= '9')))
		return 0;
	uint32_t dots[3] = { 0, 0, 0 }, nd = 0;
	for (uint32_t i = n; i-- > 0 && nd < 3;)
		if (h[i] == '.')
			dots[nd++] = i;
	if (nd < 2)
		return 0;
	uint32_t tld = n - dots[0] - 1, sld = dots[0] - dots[1] - 1;
	if (tld == 2 && sld <= 3)
		return nd == 3 ? dots[2] + 1 : 0;
	return dots[1] + 1;
}

static void req_hdrs_done(struct ctx *x)
{
	struct h1_dir *d = x->d;
	uint32_t f = d->flags;
	int chunked = 0, dead = 0;
	uint64_t len = 0;

	if ((f & MF_TE) && (f & MF_CL))
		raise(x, F_H1_CL_AND_TE);
	if ((f & MF_TE) && (f & MF_HTTP10))
		raise(x, F_H1_TE_HTTP10);
	if (f & MF_TE) {
		if (d->te_chunked_n > 1)
			raise(x, F_H1_TE_REPEATED);
		if (!(f & MF_TE_CHUNKED) && !(f & MF_TE_BAD))
			raise(x, d->te_chunked_n ? F_H1_TE_NOT_LAST : F_H1_TE_NO_CHUNKED);
		else if (!(f & MF_TE_CHUNKED) && d->te_chunked_n)
			raise(x, F_H1_TE_NOT_LAST);
		if ((f & MF_TE_CHUNKED) && !(f & MF_TE_BAD) && d->te_chunked_n == 1)
			chunked = 1;
		else
			dead = 1;
	} else if (f & MF_CL) {
		if (f & MF_CL_BAD)
			dead = 1;
		else
			len = d->cl;
	}
	if (!(f & MF_HTTP10) && !(f & MF_HOST))
		raise(x, F_H1_HOST_MISSING);
	host_vs_target(x);
	fwd_judge(x);
	if ((f & MF_EXPECT_100) && !chunked && len == 0 && !dead)
		raise(x, F_H1_EXPECT_NO_BODY);
	if ((f & MF_BODYLESS) && (chunked || len))
		raise(x, F_H1_BODY_ON_BODYLESS);

	if ((f & MF_UPG_H2C) && x->is_req) {
		raise(x, F_H2C_UPGRADE_ATTEMPT);
		if (!(f & MF_H2SETTINGS) || (f & MF_H2SET_TWICE))
			raise(x, F_H2C_UPGRADE_NO_SETTINGS);
	}
	if ((f & MF_UPG_WS) && x->is_req) {
		if (!(f & MF_CONN_UPG) || !(f & MF_WS_KEY) || (f & MF_WS_KEY_BAD))
			raise(x, F_WS_HANDSHAKE_INVALID);
		if (f & MF_WS_VERSION_BAD)
			raise(x, F_WS_VERSION_INVALID);
		/* an Origin from another site than Host (ports and subdomains of
		 * the same site aside), or null */
		struct insp_meta *m = &x->s->meta;
		uint32_t hl = 0;
		while (hl < m->host_len && m->host[hl] != ':')
			hl++;
		uint32_t hs = site_start(m->host, hl), os = site_start(x->c->req.b->origin_host, x->c->req.b->origin_len);
		int other_site = x->c->req.b->origin_len && !(x->c->req.b->origin_len - os == hl - hs &&
						       strncasecmp(x->c->req.b->origin_host + os, m->host + hs, hl - hs) == 0);
		int foreign = (f & MF_ORIGIN_FOREIGN) || other_site;
		/* a host with its own rule: only the origins it lists (and its
		 * site, where it says so) */
		const struct ws_origin_rule *rule = ws_origin_rule_for(x->env->ws_origins, m->host, hl);
		if (rule && x->c->req.b->origin_full)
			foreign = !ws_origin_allowed(rule, x->c->req.b->origin, x->c->req.b->origin_full) &&
				  !(rule->same_site && !(f & MF_ORIGIN_FOREIGN) && !other_site);
		x->c->ws_cookie = (f & MF_COOKIE) != 0;
		x->c->ws_foreign = foreign;
	}
	uint8_t rq = 0;
	if (f & MF_UPG_H2C) {
		rq |= RQ_UPG_H2C;
		/* Upgrade is hop-by-hop: one that a proxy passed on (it left
		 * Via or forwarding fields) opens a tunnel past that proxy */
		x->c->h2c_proxied = (f & MF_VIA) || x->c->req.b->fwd.nchain || x->c->req.b->fwd.ncip || x->c->req.b->fwd.cip_seen;
	}
	if (f & MF_UPG_PTTH) rq |= RQ_UPG_PTTH;
	if (f & MF_HEAD) rq |= RQ_HEAD;
	if (f & MF_CONNECT) rq |= RQ_CONNECT;
	if (f & MF_UPG_WS) rq |= RQ_UPG_WS;
	if (f & MF_UPG_OTHER) rq |= RQ_UPG_OTHER;
	if (f & MF_EXPECT_100) rq |= RQ_EXPECT;
	h1o_resync_rsp(x->c);
	int slot = pend_push(x, rq);
	if (slot >= 0)
		h1o_request_queued(x->c, (unsigned)slot, (f & MF_HTTP10) != 0, d->conn_opt,
				   !dead && !chunked && len == 0);

	if (dead) {
		go_dead(x);
		return;
	}
	if (chunked) {
		d->state = H1_CHK_SIZE;
		d->chk_digits = 0;
		d->hex_zero = 0;
		d->body_left = 0;
		d->line_len = 0;
		return;
	}
	if (len) {
		d->state = H1_BODY_CL;
		d->body_left = len;
		body_probe_start(d);
		return;
	}
	msg_done(x);
}

static struct h1_dir *other(struct ctx *x) { return x->is_req ? &x->c->rsp : &x->c->req; }

static void block_bind(struct h1_dir *d, int is_req);

static void tunnel_both(struct ctx *x)
{
	x->c->req.state = H1_TUNNEL;
	x->c->rsp.state = H1_TUNNEL;
	x->s->proto = PROTO_TUNNEL;
}

/* Start over as if the connection were new (after CONNECT or a role
 * switch); the bytes still in this span go to the new reading. */
static void restart_h1(struct ctx *x)
{
	uint64_t qo = x->c->req.off, ro = x->c->rsp.off;
	h1_release(x->c, x->env);
	h1_conn_init(x->c, 0);
	x->c->req.off = qo;
	x->c->rsp.off = ro;
	block_bind(x->d, x->is_req);
	x->s->switched = 1;
}

/* Is the server a configured h2c origin (h2c.origins)? */
static int h2c_origin_listed(struct ctx *x)
{
	const struct insp_env *env = x->env;
	if (!x->s->ipver || !env->h2c_origins || !env->nh2c_origins)
		return 0;
	struct fwd_addr a = { .ipver = x->s->ipver };
	memcpy(a.a, x->s->addr[!x->s->client_dir], 16);
	return fwd_in_prefixes(env->h2c_origins, env->nh2c_origins, &a);
}

static void rsp_hdrs_done(struct ctx *x)
{
	struct h1_dir *d = x->d;
	struct h1_conn *c = x->c;
	uint32_t f = d->flags;
	uint16_t st = d->status;
	uint8_t rq = 0;
	int have = c->pend_n > 0;
	uint64_t end = d->off + 1;      /* just past this header block's last LF */

	/* A server answers a request it rejected or gave up reading (400, 408,
	 * 414, 431...) before that request ever completed: no desync.  Only
	 * an answer while the client is idle between messages is unsolicited. */
	uint8_t qst = c->req.state;
	int rejected = qst == H1_DEAD || (qst != H1_SL_START && st >= 400);
	if (have)
		rq = c->pend[c->pend_head];
	else if (!c->midstream && !rejected)
		raise(x, F_H1_RESP_UNSOLICITED);
	/* midway, an answer to a request before the pick-up: its request's
	 * method (HEAD?) is unknown, so its body length is a guess */
	if (have)
		c->order &= ~ORD_RSP_UNPAIRED;
	else if (c->midstream)
		c->order |= ORD_RSP_UNPAIRED;

	if (st >= 100 && st < 200) {
		if ((f & MF_TE) || ((f & MF_CL) && d->cl))
			raise(x, F_H1_RESP_BODY_FORBIDDEN);
		if (st == 101) {
			if (rq & RQ_UPG_H2C) {
				/* h2c: the server speaks HTTP/2 from the next byte, the
				 * client opens with the full preface */
				raise(x, F_H2C_UPGRADE_ACCEPTED);
				/* RFC 9113 §3.1 deprecates the upgrade: only servers
				 * known to speak h2c that way may take it */
				if (!h2c_origin_listed(x))
					raise(x, F_H2C_UPGRADE_UNLISTED);
				if (c->h2c_proxied || (f & MF_VIA))
					raise(x, F_H2C_UPGRADE_VIA_PROXY);
				c->pend_head = (c->pend_head + 1) % H1_PIPE_MAX;
				c->pend_n--;
				x->s->proto = PROTO_H2;
				x->s->h2_preface_got = 0;
				c->req.state = H1_TUNNEL;
				d->state = H1_TUNNEL;
				h1_early_answered(x->s, end);
				return;
			}
			if (rq & RQ_UPG_WS) {
				char want[32];
				ws_accept_for(c->ws_key, c->ws_key_len, want);
				if (c->ws_accept_len != strlen(want) || memcmp(want, c->ws_accept, c->ws_accept_len))
					raise(x, F_WS_ACCEPT_MISMATCH);
				if (c->ws_cookie && c->ws_foreign)
					raise(x, F_WS_CROSS_ORIGIN);
				c->pend_head = (c->pend_head + 1) % H1_PIPE_MAX;
				c->pend_n--;
				x->s->ws = x->env->ws_get ? x->env->ws_get(x->env->user) : NULL;
				if (x->s->ws) {
					x->s->proto = PROTO_WS;
					ws_conn_init(x->s->ws, (f & MF_WS_DEFLATE) != 0, c->req.off, d->off);
				} else {
					raise(x, F_WS_NO_STATE);
					x->s->proto = PROTO_TUNNEL;
				}
				c->req.state = H1_TUNNEL;
				d->state = H1_TUNNEL;
				h1_early_answered(x->s, end);
				return;
			}
			if (rq & RQ_UPG_PTTH) {
				/* the server now sends requests and the client answers */
				raise(x, F_RHTTP_PTTH_UPGRADE);
				restart_h1(x);
				x->s->client_dir = !x->s->client_dir;
				h1_early_answered(x->s, end);
				return;
			}
			if (rq & RQ_UPG_OTHER) {
				tunnel_both(x);
				h1_early_answered(x->s, end);
				return;
			}
			if (have || !c->midstream)
				raise(x, F_H1_RESP_101_UNSOLICITED);
			tunnel_both(x);
			h1_early_answered(x->s, end);
			return;
		}
		if (st == 100 && have) {
			if (!(rq & RQ_EXPECT))
				raise(x, h1o_continue_unasked(c));
			else if (rq & RQ_GOT_100)
				raise(x, F_H1_CONTINUE_TWICE);
			c->pend[c->pend_head] |= RQ_GOT_100;
		}
		msg_done(x);
		return;
	}
	if (have) {
		c->pend_head = (c->pend_head + 1) % H1_PIPE_MAX;
		c->pend_n--;
	}
	h1o_resync_req(c);
	if (x->env->on_tx)
		x->env->on_tx(x->env->user, &x->s->meta);
	if ((rq & RQ_UPG_WS) && st != 101)
		c->ws_refused = 1;
	struct h1_dir *q = other(x);
	if (q->state == H1_AWAIT && c->pend_n == 0) {
		if ((rq & RQ_CONNECT) && st >= 200 && st < 300) {
			/* a tunnel: read it as a new connection (TLS stays opaque) */
			restart_h1(x);
			x->s->fresh = 1;
			x->s->deciding = 1;
			h1_early_answered(x->s, end);
			return;
		}
		q->state = H1_SL_START;
		h1_early_answered(x->s, end);
	}
	if ((f & MF_TE) && (f & MF_CL))
		raise(x, F_H1_RESP_CL_AND_TE);
	if ((f & MF_TE) && (f & MF_HTTP10))
		raise(x, F_H1_TE_HTTP10);
	if (st == 204 || st == 304 || (rq & RQ_HEAD)) {
		if (st == 204 && ((f & MF_TE) || ((f & MF_CL) && d->cl)))
			raise(x, F_H1_RESP_BODY_FORBIDDEN);
		if (st == 304 && (f & MF_TE))
			raise(x, F_H1_RESP_BODY_FORBIDDEN);
		msg_done(x);
		return;
	}
	if (f & MF_TE) {
		if (d->te_chunked_n > 1)
			raise(x, F_H1_TE_REPEATED);
		if ((f & MF_TE_CHUNKED) && !(f & MF_TE_BAD) && d->te_chunked_n == 1) {
			d->state = H1_CHK_SIZE;
			d->chk_digits = 0;
			d->hex_zero = 0;
			d->line_len = 0;
			return;
		}
		if (f & MF_TE_BAD) {
			go_dead(x);
			return;
		}
		d->state = H1_BODY_EOF;   /* chunked not last: read until close */
		return;
	}
	if (f & MF_CL) {
		if (f & MF_CL_BAD) {
			go_dead(x);
			return;
		}
		if (d->cl == 0) {
			msg_done(x);
			return;
		}
		d->state = H1_BODY_CL;
		d->body_left = d->cl;
		return;
	}
	d->state = H1_BODY_EOF;
}

static void hdrs_done(struct ctx *x)
{
	if (x->d->flags & MF_TRAILERS) {
		msg_done(x);
		return;
	}
	if (x->is_req)
		req_hdrs_done(x);
	else
		rsp_hdrs_done(x);
}

/* ---- start lines ------------------------------------------------------ */

/* A request line HTTP enough to judge but not to read: f, and a bare CR
 * that was held until it was clear this is HTTP. */
static void sl_refused(struct ctx *x, enum finding f)
{
	raise(x, f);
	if (x->d->sl_bad & SLP_BARE_CR)
		raise(x, F_H1_BARE_CR);
	go_dead(x);
}

/* The request line ended: version in d->b->val. */
static void req_line_done(struct ctx *x, int state)
{
	struct h1_dir *d = x->d;
	struct insp_meta *m = &x->s->meta;
	const uint8_t *v = (const uint8_t *)d->b->val;
	uint32_t n = d->val_len;
	int known = known_method(m->method, m->method_len);

	if (state != H1_SL_VERSION || n == 0) {
		/* "GET /" with no version: HTTP/0.9, or not HTTP at all */
		if (!known && !d->started) {
			not_http(x);
			return;
		}
		sl_refused(x, known && state == H1_SL_TARGET ? F_H1_HTTP09 : F_H1_VERSION_INVALID);
		return;
	}
	if (n >= 5 && memcmp(v, "HTTP/", 5) == 0 && n == 8 && v[5] >= '0' && v[5] <= '9' &&
	    v[6] == '.' && v[7] >= '0' && v[7] <= '9') {
		memcpy(m->proto, v, 8);
		m->proto[8] = 0;
		m->proto_len = 8;
		if (v[5] == '2' && v[7] == '0' && m->method_len == 3 &&
		    memcmp(m->method, "PRI", 3) == 0 && m->uri_len == 1 && m->uri[0] == '*') {
			/* the HTTP/2 connection preface: h2c with prior knowledge */
			if (d->started)
				raise(x, F_H2C_PREFACE_AFTER_H1);
			x->s->proto = PROTO_H2;
			x->s->h2_preface_got = 16;
			x->d->state = H1_TUNNEL;
			x->c->rsp.state = H1_TUNNEL;
			return;
		}
		if (v[5] != '1') {
			sl_refused(x, F_H1_VERSION_INVALID);
			return;
		}
		if (v[7] == '0')
			d->flags |= MF_HTTP10;
	} else {
		if (!known && !d->started) {
			not_http(x);
			return;
		}
		sl_refused(x, F_H1_VERSION_INVALID);
		return;
	}
	/* now it is HTTP: release held start-line findings */
	x->s->proto = PROTO_HTTP1;
	if (x->env->hdrlog)
		hdrlog_request_line(x->env->hdrlog, &x->s->hl, m->method, m->method_len, m->uri, m->uri_len,
				    m->proto, m->proto_len);
	if (x->env->sigs) {
		char sl[sizeof(m->method) + sizeof(m->uri) + sizeof(m->proto) + 2];
		uint32_t k = 0;
		memcpy(sl, m->method, m->method_len);
		k += m->method_len;
		sl[k++] = ' ';
		memcpy(sl + k, m->uri, m->uri_len);
		k += m->uri_len;
		sl[k++] = ' ';
		memcpy(sl + k, m->proto, m->proto_len);
		k += m->proto_len;
		scan(x, SCOPE_REQUEST_LINE, sl, k);
	}
	if (d->sl_bad & SLP_METHOD)
		raise(x, F_H1_METHOD_INVALID);
	if (d->sl_bad & SLP_TARGET)
		raise(x, F_H1_TARGET_INVALID);
	else if (d->sl_bad & SLP_TARGET_LAX)
		raise(x, F_H1_TARGET_UNESCAPED);
	if (d->sl_bad & SLP_WS)
		raise(x, F_H1_SL_WHITESPACE);
	if (d->sl_bad & SLP_LEAD_JUNK)
		raise(x, F_H1_JUNK_BEFORE_REQUEST);
	if (d->sl_bad & SLP_BARE_CR)
		raise(x, F_H1_BARE_CR);
	if (x->c->ws_refused) {
		raise(x, F_H1_UPGRADE_REFUSED_DATA);
		x->c->ws_refused = 0;
	}
	if (!known && m->method_len >= 3 && m->method_len <= 7) {
		char up[8];
		for (uint32_t i = 0; i < m->method_len; i++)
			up[i] = m->method[i] >= 'a' && m->method[i] <= 'z' ? m->method[i] - 32 : m->method[i];
		if (known_method(up, m->method_len))
			raise(x, F_H1_METHOD_CASE);
	}
	if (m->method_len == 4 && memcmp(m->method, "HEAD", 4) == 0)
		d->flags |= MF_HEAD | MF_BODYLESS;
	else if (m->method_len == 7 && memcmp(m->method, "CONNECT", 7) == 0)
		d->flags |= MF_CONNECT;
	else if ((m->method_len == 3 && memcmp(m->method, "GET", 3) == 0) ||
		 (m->method_len == 7 && memcmp(m->method, "OPTIONS", 7) == 0) ||
		 (m->method_len == 5 && memcmp(m->method, "TRACE", 5) == 0))
		d->flags |= MF_BODYLESS;
	d->state = H1_HDR_LINE;
}

/* ---- the byte loop ------------------------------------------------------ */

static void line_end(struct ctx *x, int crlf)
{
	struct h1_dir *d = x->d;
	uint8_t st = d->state;
	int chunk_line = st == H1_CHK_SIZE || st == H1_CHK_EXT || st == H1_CHK_DATA_END;

	if (crlf) {
		d->flags |= MF_CRLF;
	} else if (chunk_line) {
		if (st == H1_CHK_DATA_END)
			raise(x, F_H1_CHK_DATA_TERM);
		else if (st == H1_CHK_EXT && d->ext_st != 0)
			raise(x, F_H1_CHK_EXT_LF);
		else
			raise(x, F_H1_CHK_LINE_BARE_LF);
	} else if (st == H1_SL_START && x->is_req && d->lead_junk < 8) {
		d->lead_junk++;           /* a bare LF where only CRLFs may come */
		if (d->started) {
			d->flags |= MF_BARE_LF;
			raise(x, F_H1_BARE_LF);
		}
	} else if (st != H1_SL_START || d->started) {
		d->flags |= MF_BARE_LF;
		/* on a request line it is raised once the version says HTTP */
		if (!x->is_req || st < H1_SL_METHOD || st > H1_SL_VERSION)
			raise(x, F_H1_BARE_LF);
	}
	if ((d->flags & MF_CRLF) && (d->flags & MF_BARE_LF) && !chunk_line)
		raise(x, F_H1_MIXED_LINE_ENDS);
	d->line_len = 0;

	switch (st) {
	case H1_SL_START:
		/* an empty line before a start line: RFC 9112 §2.2 lets
		 * recipients skip it */
		if (d->started)
			raise(x, !x->is_req && x->c->pend_n == 0 ? F_H1_RESP_EXTRA_CRLF
								   : F_H1_LEADING_EMPTY_LINE);
		break;
	case H1_SL_METHOD:
	case H1_SL_TARGET:
	case H1_SL_VERSION:
		req_line_done(x, st);
		if (!crlf && d->state == H1_HDR_LINE)
			raise(x, F_H1_BARE_LF);
		break;
	case H1_SL_RVERSION:
		/* "HTTP/1.1" and the line ends: a broken status line where one
		 * is due; before any, and with nothing asked, not HTTP */
		if (!d->started && (!x->c->pend_n || x->c->midstream)) {
			not_http(x);
			break;
		}
		raise(x, F_H1_STATUS_INVALID);
		go_dead(x);
		break;
	case H1_SL_STATUS:
		if (d->chk_digits != 3) {
			raise(x, F_H1_STATUS_INVALID);
			go_dead(x);
			break;
		}
		d->state = H1_HDR_LINE;
		break;
	case H1_SL_REASON:
		d->state = H1_HDR_LINE;
		break;
	case H1_HDR_LINE:
		hdrs_done(x);
		break;
	case H1_HDR_NAME:
	case H1_HDR_NAME_WS:
	case H1_HDR_NOCOLON:
		if (st != H1_HDR_NOCOLON)
			raise(x, F_H1_NO_COLON);
		if (d->flags & MF_TRAILERS)
			raise(x, F_H1_LAST_CHUNK_JUNK);
		d->state = H1_HDR_LINE;
		break;
	case H1_HDR_VALUE:
		field_done(x);
		d->state = H1_HDR_LINE;
		break;
	case H1_CHK_SIZE:
	case H1_CHK_EXT:
		if (d->chk_digits == 0) {
			raise(x, F_H1_CHK_SIZE_INVALID);
			go_dead(x);
			break;
		}
		if (st == H1_CHK_EXT && d->ext_st == 1)
			raise(x, F_H1_CHK_SIZE_WS);       /* "5 " with no extension */
		else if (st == H1_CHK_EXT && (d->ext_st == 2 || d->ext_st == 5 || d->ext_st == 7))
			raise(x, F_H1_CHK_EXT_INVALID);   /* ";" or "=" with nothing after */
		else if (st == H1_CHK_EXT && (d->ext_st == 8 || d->ext_st == 9))
			raise(x, F_H1_CHK_EXT_INVALID);   /* unterminated quoted-string */
		if (d->body_left == 0) {
			d->state = H1_HDR_LINE;           /* last-chunk: trailers follow */
			d->flags |= MF_TRAILERS;
			d->nfields = 0;
		} else {
			d->state = H1_CHK_DATA;
			if (x->is_req)
				body_probe_start(d);
		}
		break;
	case H1_CHK_DATA_END:
		d->state = H1_CHK_SIZE;
		d->chk_digits = 0;
		d->hex_zero = 0;
		d->body_left = 0;
		break;
	}
}

/* Chunk extension grammar (RFC 9112 §7.1.1):
 *   chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
 * ext_st: 0 after size, 1 BWS after size, 2 after ';', 3 in name,
 *         4 BWS after name, 5 after '=', 6 in token value,
 *         7 unused, 8 in quoted-string, 9 quoted-pair, 10 after value */
static void chk_ext_byte(struct ctx *x, uint8_t c)
{
	struct h1_dir *d = x->d;
	if (++d->chk_ext_len > x->env->lim->max_chk_ext) {
		raise(x, F_H1_CHK_EXT_TOO_LONG);
		go_dead(x);
		return;
	}
	int bad = 0;
	switch (d->ext_st) {
	case 0: case 1:
		if (c == ';') d->ext_st = 2;
		else if (is_ows(c)) d->ext_st = 1;
		else bad = 1;
		break;
	case 2:
		if (is_ows(c)) break;
		if (tchar[c]) d->ext_st = 3; else bad = 1;
		break;
	case 3:
		if (tchar[c]) break;
		if (c == '=') d->ext_st = 5;
		else if (c == ';') d->ext_st = 2;
		else if (is_ows(c)) d->ext_st = 4;
		else bad = 1;
		break;
	case 4:
		if (is_ows(c)) break;
		if (c == '=') d->ext_st = 5;
		else if (c == ';') d->ext_st = 2;
		else bad = 1;
		break;
	case 5:
		if (is_ows(c)) break;
		if (c == '"') d->ext_st = 8;
		else if (tchar[c]) d->ext_st = 6;
		else bad = 1;
		break;
	case 6:
		if (tchar[c]) break;
		if (c == ';') d->ext_st = 2;
		else if (is_ows(c)) d->ext_st = 10;
		else bad = 1;
		break;
	case 8:
		if (c == '\\') d->ext_st = 9;
		else if (c == '"') d->ext_st = 10;
		else if (is_ctl(c) && c != '\t') bad = 1;
		break;
	case 9:
		if (is_ctl(c) && c != '\t') bad = 1;
		d->ext_st = 8;
		break;
	case 10:
		if (is_ows(c)) break;
		if (c == ';') d->ext_st = 2;
		else bad = 1;
		break;
	}
	if (bad)
		raise(x, F_H1_CHK_EXT_INVALID);
}

/* ---- where a message may start ---------------------------------------- */

/* A byte before or at the start of a request line.  RFC 9112 §2.2 lets a
 * server skip empty lines (CRLF) there, nothing else: whitespace, a bare
 * LF or CR, NUL and other controls are skipped by some servers and refused
 * by others.  Before the first request a few of them may still precede
 * HTTP (judged once the version proves it); a TLS record or more junk is
 * another protocol. */
static void req_start_byte(struct ctx *x, uint8_t c)
{
	struct h1_dir *d = x->d;
	if (is_ows(c) && d->lead_ws < 16) {
		d->lead_ws++;
		return;
	}
	if (!tchar[c]) {
		if (d->started) {
			enum finding f = h1o_request_follows(x->c, answers_unseen(x));
			if (f != F__COUNT)
				raise(x, f);
			raise(x, F_H1_GARBAGE_AFTER_MSG);
			go_dead(x);
		} else if (is_ctl(c) && (c < 0x14 || c > 0x17) && d->lead_junk < 8) {
			d->lead_junk++;
		} else {
			not_http(x);
		}
		return;
	}
	if (d->started) {
		/* what came before this request lets nothing follow it yet */
		enum finding f = h1o_request_follows(x->c, answers_unseen(x));
		if (f != F__COUNT)
			raise(x, f);
	}
	int lead = d->lead_ws || d->lead_junk;
	req_begin(x);
	/* picked up midway, the first bytes may end a body Seam never saw */
	if (lead && !(x->c->midstream && !d->started)) {
		d->sl_bad |= SLP_LEAD_JUNK;
		if (d->lead_ws)
			d->sl_bad |= SLP_WS;
	}
	d->lead_ws = 0;
	d->lead_junk = 0;
	d->state = H1_SL_METHOD;
	x->s->meta.method[0] = c;
	x->s->meta.method_len = 1;
}

/* The response stream does not begin with a status line where one is due. */
static void rsp_no_status(struct ctx *x, uint8_t c)
{
	struct h1_dir *d = x->d;
	if (d->started) {
		raise(x, F_H1_GARBAGE_AFTER_MSG);
		go_dead(x);
		return;
	}
	/* an HTTP/0.9 answer is its body alone, text a lax client shows or
	 * caches; a binary first byte is a server speaking another protocol
	 * on this port (a TLS alert, an HTTP/2-only server's SETTINGS) */
	int binary = d->val_len == 0 && (is_ctl(c) || c >= 0x80);
	if (x->c->pend_n && !x->c->midstream && !binary)
		raise(x, F_H1_RESP_HTTP09);
	not_http(x);
}

static void rsp_start_byte(struct ctx *x, uint8_t c)
{
	struct h1_dir *d = x->d;
	d->val_len = 0;
	/* "HTTP/", any case (judged with the version), or SHOUTcast's "ICY"
	 * answer to a media player, before any HTTP answer */
	if (c != 'H' && c != 'h' && !(c == 'I' && !d->started)) {
		rsp_no_status(x, c);
		return;
	}
	msg_reset(d);
	if (x->env->hdrlog)
		hdrlog_begin(x->env->hdrlog, &x->s->hl, 0, requests_after_answered(x->c));
	d->state = H1_SL_RVERSION;
	d->b->val[0] = c;
	d->val_len = 1;
}

/* c may extend the status line's first word: a prefix of "HTTP/" in any
 * case, or of "ICY". */
static int rsp_prefix_ok(const struct h1_dir *d, uint8_t c)
{
	uint32_t n = d->val_len;
	if (d->b->val[0] == 'I')
		return n < 3 && c == (uint8_t)"ICY"[n];
	return n >= 5 || lower(c) == (uint8_t)"http/"[n];
}

/* The space after the status line's HTTP-version (RFC 9112 §4). */
static void rsp_version_done(struct ctx *x)
{
	struct h1_dir *d = x->d;
	const uint8_t *v = (const uint8_t *)d->b->val;
	uint32_t n = d->val_len;
	if (n == 3 && v[0] == 'I') {
		/* SHOUTcast: a stream follows, not HTTP; nothing to judge */
		go_dead(x);
		return;
	}
	if (n < 5) {                 /* "HTTP 200": no version at all */
		if (!d->started && (!x->c->pend_n || x->c->midstream)) {
			not_http(x);
			return;
		}
		raise(x, F_H1_STATUS_INVALID);
		go_dead(x);
		return;
	}
	int exact = n == 8 && memcmp(v, "HTTP/1.", 7) == 0 && (v[7] == '0' || v[7] == '1');
	if (!exact) {
		/* http/1.1, HTTP/1.2, HTTP/2.0, HTTP/1.10: clients disagree on
		 * them; an HTTP/1 minor version is still read as HTTP/1.1 */
		raise(x, F_H1_RESP_VERSION);
		if (!(n == 8 && ieq(v, 7, "http/1.") && v[7] >= '0' && v[7] <= '9')) {
			go_dead(x);
			return;
		}
	}
	if (v[7] == '0')
		d->flags |= MF_HTTP10;
	d->state = H1_SL_STATUS;
	d->chk_digits = 0;
	d->status = 0;
}

static void byte_step(struct ctx *x, uint8_t c)
{
	struct h1_dir *d = x->d;
	struct insp_meta *m = &x->s->meta;

	switch (d->state) {
	case H1_SL_START:
		if (x->is_req)
			req_start_byte(x, c);
		else
			rsp_start_byte(x, c);
		return;
	case H1_SL_METHOD:
		if (c == ' ' || c == '\t') {
			if (c == '\t')
				d->sl_bad |= SLP_WS;
			d->state = H1_SL_TARGET;
			return;
		}
		if (!tchar[c])
			d->sl_bad |= SLP_METHOD;   /* judged once the version says HTTP */
		/* a long method is kept short here but read to its end: a server
		 * answering it (405) may keep the connection for the next request;
		 * 64 bytes without a space open no HTTP connection */
		if (!d->started && d->line_len >= 64) {
			not_http(x);
			return;
		}
		if (m->method_len < sizeof(m->method) - 1) {
			m->method[m->method_len++] = c;
			m->method[m->method_len] = 0;
		}
		return;
	case H1_SL_TARGET:
		if (c == ' ' || c == '\t') {
			if (c == '\t' || m->uri_len == 0)
				d->sl_bad |= SLP_WS;
			if (m->uri_len == 0)
				return;     /* "GET  /": extra separator */
			d->state = H1_SL_VERSION;
			d->val_len = 0;
			return;
		}
		if (is_ctl(c) || c >= 0x80)
			d->sl_bad |= SLP_TARGET;
		else if (c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
			 c == '{' || c == '|' || c == '}')
			d->sl_bad |= SLP_TARGET_LAX;   /* no parser splits on these */
		if (m->uri_len < sizeof(m->uri) - 1) {
			m->uri[m->uri_len++] = c;
			m->uri[m->uri_len] = 0;
		} else {
			m->uri_trunc = 1;
		}
		return;
	case H1_SL_VERSION:
		if (c == ' ' || c == '\t') {
			d->sl_bad |= SLP_WS;
			if (d->val_len == 0)
				return;
		}
		if (d->val_len < H1_VAL_MAX)
			d->b->val[d->val_len++] = c;
		return;
	case H1_SL_RVERSION:
		if (c == ' ') {
			rsp_version_done(x);
			return;
		}
		if (!rsp_prefix_ok(d, c)) {
			rsp_no_status(x, c);
			return;
		}
		if (d->val_len >= 12) {
			raise(x, F_H1_STATUS_INVALID);
			go_dead(x);
			return;
		}
		d->b->val[d->val_len++] = c;
		return;
	case H1_SL_STATUS:
		if (c >= '0' && c <= '9' && d->chk_digits < 3) {
			d->status = d->status * 10 + (c - '0');
			d->chk_digits++;
			if (d->chk_digits == 3) {
				m->status = d->status;
				x->s->proto = PROTO_HTTP1;
				d->started = 1;
			}
			return;
		}
		if (c == ' ' && d->chk_digits == 3) {
			d->state = H1_SL_REASON;
			return;
		}
		raise(x, F_H1_STATUS_INVALID);
		go_dead(x);
		return;
	case H1_SL_REASON:
		if (is_ctl(c) && c != '\t')
			raise(x, c == 0 ? F_H1_VALUE_NUL : F_H1_VALUE_CTL);
		return;
	case H1_HDR_LINE:
		if (is_ows(c)) {
			/* obs-fold, or whitespace before the first field */
			raise(x, (d->flags & MF_LAST_FRAMING) ? F_H1_OBS_FOLD_FRAMING : F_H1_OBS_FOLD);
			if (d->flags & MF_TRAILERS)
				raise(x, F_H1_LAST_CHUNK_JUNK);
			d->state = H1_HDR_VALUE;
			d->hid = HID_OTHER;
			d->val_len = 0;
			d->val_trunc = 0;
			return;
		}
		if (++d->nfields > x->env->lim->max_fields) {
			raise(x, F_H1_TOO_MANY_FIELDS);
			go_dead(x);
			return;
		}
		d->name_len = 0;
		d->name_bad = 0;
		if (c == ':') {
			raise(x, F_H1_NAME_EMPTY);
			if (d->flags & MF_TRAILERS)
				raise(x, F_H1_LAST_CHUNK_JUNK);
			name_done(x);
			d->state = H1_HDR_VALUE;
			return;
		}
		d->state = H1_HDR_NAME;
		/* fall through */
	case H1_HDR_NAME:
		if (c == ':') {
			name_done(x);
			d->state = H1_HDR_VALUE;
			return;
		}
		if (is_ows(c)) {
			d->state = H1_HDR_NAME_WS;
			return;
		}
		if (!tchar[c]) {
			if (c == 0)
				raise(x, F_H1_VALUE_NUL);
			raise(x, F_H1_NAME_INVALID);
			d->name_bad = 1;
		}
		if (d->name_len < H1_NAME_MAX)
			d->b->name[d->name_len++] = c;
		return;
	case H1_HDR_NAME_WS:
		if (is_ows(c))
			return;
		if (c == ':') {
			raise(x, F_H1_WS_BEFORE_COLON);
			name_done(x);
			d->state = H1_HDR_VALUE;
			return;
		}
		/* "GET /admin" after the last chunk: the next request to a hop
		 * that ends the message at the last chunk */
		if ((d->flags & MF_TRAILERS) && x->is_req && (c == '/' || c == '*' || lower(c) == 'h') &&
		    known_method_ci(d->b->name, d->name_len))
			raise(x, F_H1_TRAILER_REQUEST_LINE);
		/* "Transfer Encoding:": a space inside the name */
		raise(x, F_H1_NAME_INVALID);
		d->name_bad = 1;
		if (d->name_len < H1_NAME_MAX)
			d->b->name[d->name_len++] = ' ';
		if (d->name_len < H1_NAME_MAX)
			d->b->name[d->name_len++] = c;
		d->state = H1_HDR_NAME;
		return;
	case H1_HDR_VALUE:
		if (unlikely(is_ctl(c) && c != '\t'))
			raise(x, c == 0 ? F_H1_VALUE_NUL : F_H1_VALUE_CTL);
		if ((d->hid != HID_OTHER || x->env->sigs || x->env->hdrlog) && d->hid != HID_FORBIDDEN_TRAILER) {
			if (d->val_len < H1_VAL_MAX)
				d->b->val[d->val_len++] = c;
			else
				d->val_trunc = 1;
		}
		return;
	case H1_HDR_NOCOLON:
		return;
	case H1_CHK_SIZE: {
		int h = hexval(c);
		if (h >= 0) {
			if (d->chk_digits == 1 && d->hex_zero && (c == 'x' || c == 'X')) {
				raise(x, F_H1_CHK_SIZE_INVALID);
				go_dead(x);
				return;
			}
			if (++d->chk_digits > 16 || (d->body_left >> 59)) {
				raise(x, F_H1_CHK_SIZE_OVERFLOW);
				go_dead(x);
				return;
			}
			d->hex_zero = d->chk_digits == 1 && h == 0;
			d->body_left = (d->body_left << 4) | (uint64_t)h;
			return;
		}
		if (d->chk_digits == 0) {
			raise(x, is_ows(c) ? F_H1_CHK_SIZE_WS : F_H1_CHK_SIZE_INVALID);
			go_dead(x);
			return;
		}
		if (c == ';' || is_ows(c)) {
			d->state = H1_CHK_EXT;
			d->ext_st = 0;
			d->chk_ext_len = 0;
			chk_ext_byte(x, c);
			return;
		}
		raise(x, F_H1_CHK_SIZE_INVALID);   /* "0x10", "5g", "+5" */
		go_dead(x);
		return;
	}
	case H1_CHK_EXT:
		chk_ext_byte(x, c);
		return;
	case H1_CHK_DATA_END:
		/* chunk-data longer than its size, or not followed by CRLF */
		raise(x, F_H1_CHK_DATA_SPILL);
		go_dead(x);
		return;
	}
}

/* The end of a run of field-value bytes from i: the first control
 * character (tab aside) or DEL, 16 bytes at a time where SSE2 is there. */
static uint32_t value_run(const uint8_t *p, uint32_t i, uint32_t n)
{
#ifdef __SSE2__
	const __m128i bias = _mm_set1_epi8((char)0x80), floor = _mm_set1_epi8((char)(0x20 ^ 0x80));
	const __m128i del = _mm_set1_epi8(0x7f);
	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i bad = _mm_or_si128(_mm_cmplt_epi8(_mm_xor_si128(v, bias), floor), _mm_cmpeq_epi8(v, del));
		int mask = _mm_movemask_epi8(bad);
		if (mask) {
			i += __builtin_ctz(mask);
			break;
		}
		i += 16;
	}
#endif
	while (i < n && (p[i] >= 0x20 ? p[i] != 0x7f : p[i] == '\t'))
		i++;
	return i;
}

/* A start or field line over the limit.  A first "request line" whose
 * method is no method at all is a binary stream that happened to open
 * with a token and a space: not HTTP, quietly. */
static void line_too_long(struct ctx *x)
{
	struct h1_dir *d = x->d;
	const struct insp_meta *m = &x->s->meta;
	if (x->is_req && !d->started && d->state >= H1_SL_METHOD && d->state <= H1_SL_VERSION &&
	    !known_method_ci(m->method, m->method_len)) {
		not_http(x);
		return;
	}
	raise(x, F_H1_LINE_TOO_LONG);
	go_dead(x);
}

/* Account k bytes of a start or field line read in bulk. */
static void line_bytes(struct ctx *x, uint32_t k, int field)
{
	struct h1_dir *d = x->d;
	const struct insp_limits *lim = x->env->lim;
	d->off += k;
	d->line_len += k;
	if (field)
		d->hdr_bytes += k;
	if (unlikely(d->line_len > lim->max_line)) {
		line_too_long(x);
	} else if (field && unlikely(d->hdr_bytes > lim->max_hdr_bytes)) {
		raise(x, F_H1_HDR_TOO_LARGE);
		go_dead(x);
	}
}

static int line_state(uint8_t st)
{
	return st != H1_BODY_CL && st != H1_CHK_DATA && st != H1_BODY_EOF &&
	       st != H1_AWAIT && st != H1_TUNNEL && st != H1_DEAD;
}

static uint32_t feed_dir(struct ctx *x, const uint8_t *p, uint32_t n)
{
	struct h1_dir *d = x->d;
	const struct insp_limits *lim = x->env->lim;
	uint32_t i = 0;

	while (i < n) {
		uint8_t st = d->state;
		if (st == H1_BODY_CL || st == H1_CHK_DATA) {
			uint64_t take = n - i;
			if (take > d->body_left)
				take = d->body_left;
			if (d->flags & MF_PROBE_BODY) {
				uint32_t room = H1_PROBE_MAX - d->probe_len;
				uint32_t k = take < room ? (uint32_t)take : room;
				memcpy(d->b->probe + d->probe_len, p + i, k);
				d->probe_len += k;
				body_probe_check(x, d->off + k,
						 d->probe_len == H1_PROBE_MAX || take == d->body_left);
			}
			i += take;
			d->off += take;
			d->body_left -= take;
			if (d->body_left == 0) {
				if (st == H1_CHK_DATA)
					d->state = H1_CHK_DATA_END;
				else
					msg_done(x);
			}
			continue;
		}
		if (x->s->proto == PROTO_H2 || x->s->proto == PROTO_WS || x->s->switched)
			return i;           /* the rest belongs to another reading */
		if (st == H1_BODY_EOF || st == H1_TUNNEL || st == H1_DEAD) {
			d->off += n - i;
			return n;
		}
		if (st == H1_AWAIT) {
			/* bytes before the CONNECT/Upgrade answer: judged now,
			 * read once the answer says how (h1_early.c) */
			if (likely(h1_early_take(x->s, p + i, n - i, x->env)))
				return n;
			d->state = H1_SL_START;     /* no wait open: read on */
			continue;
		}

		if (st == H1_HDR_VALUE && !d->cr) {
			/* the common case, in bulk: a run of ordinary value bytes */
			uint32_t j = value_run(p, i, n), k = j - i;
			if (k) {
				if ((d->hid != HID_OTHER || x->env->sigs || x->env->hdrlog) &&
				    d->hid != HID_FORBIDDEN_TRAILER) {
					uint32_t room = H1_VAL_MAX - d->val_len;
					uint32_t c = k < room ? k : room;
					memcpy(d->b->val + d->val_len, p + i, c);
					d->val_len += c;
					if (k > room)
						d->val_trunc = 1;
				}
				i = j;
				line_bytes(x, k, 1);
				continue;
			}
		} else if (st == H1_HDR_NAME && !d->cr) {
			/* a run of token bytes (lower-cased when the name ends) */
			uint32_t j = i;
			while (j < n && tchar[p[j]]) {
				if (d->name_len < H1_NAME_MAX)
					d->b->name[d->name_len++] = p[j];
				j++;
			}
			if (j > i) {
				line_bytes(x, j - i, 1);
				i = j;
				continue;
			}
		} else if (st == H1_SL_TARGET && !d->cr) {
			struct insp_meta *m = &x->s->meta;
			uint32_t j = i;
			while (j < n && plain_target[p[j]])
				j++;
			uint32_t k = j - i;
			if (k) {
				uint32_t room = sizeof(m->uri) - 1 - m->uri_len;
				uint32_t c = k < room ? k : room;
				memcpy(m->uri + m->uri_len, p + i, c);
				m->uri_len += c;
				m->uri[m->uri_len] = 0;
				if (k > room)
					m->uri_trunc = 1;
				line_bytes(x, k, 0);
				i = j;
				continue;
			}
		}
		uint8_t c = p[i];
		if (d->cr) {
			d->cr = 0;
			if (c == '\n') {
				line_end(x, 1);
				i++;
				d->off++;
				continue;
			}
			if (st == H1_CHK_SIZE || st == H1_CHK_EXT)
				raise(x, d->ext_st >= 2 && st == H1_CHK_EXT ? F_H1_CHK_EXT_LF : F_H1_CHK_LINE_BARE_LF);
			else if (st == H1_CHK_DATA_END)
				raise(x, F_H1_CHK_DATA_TERM);
			else if (x->is_req && !d->started && st >= H1_SL_METHOD && st <= H1_SL_VERSION)
				d->sl_bad |= SLP_BARE_CR;   /* judged once the version says HTTP */
			else if (x->is_req && st == H1_SL_START) {
				if (d->lead_junk < 8)
					d->lead_junk++;
				if (d->started)
					raise(x, F_H1_BARE_CR);
			} else if (st != H1_SL_START || d->started)
				raise(x, F_H1_BARE_CR);
			if (d->state == H1_DEAD)
				continue;
		}
		if (c == '\r') {
			d->cr = 1;
		} else if (c == '\n') {
			line_end(x, 0);
		} else {
			byte_step(x, c);
		}
		i++;
		d->off++;
		if (line_state(d->state)) {
			if (unlikely(++d->line_len > lim->max_line)) {
				line_too_long(x);
			} else if (d->state >= H1_HDR_LINE && d->state <= H1_HDR_NOCOLON &&
				   unlikely(++d->hdr_bytes > lim->max_hdr_bytes)) {
				raise(x, F_H1_HDR_TOO_LARGE);
				go_dead(x);
			}
		}
	}
	return n;
}

void h1_conn_init(struct h1_conn *c, int midstream)
{
	memset(c, 0, sizeof(*c));
	c->midstream = midstream;
	c->req.state = H1_SL_START;
	c->rsp.state = H1_SL_START;
}

/* ---- header-block state: scratch, or pooled across a split ------------ */

/* One per direction and thread: a span is read into it, and it is copied
 * out only when the span ends inside a block. */
static __thread struct h1_block scratch[2];

/* The direction is inside a start line or header block, or probes the
 * first body bytes: what it holds in its block is still wanted. */
static int block_wanted(const struct h1_dir *d)
{
	return (d->state >= H1_SL_METHOD && d->state <= H1_HDR_NOCOLON) || (d->flags & MF_PROBE_BODY);
}

static void block_bind(struct h1_dir *d, int is_req)
{
	if (!d->b)
		d->b = &scratch[is_req];
}

/* The direction holds no block any more; a pooled one goes back. */
static void block_put_back(struct h1_dir *d, const struct insp_env *env)
{
	if (d->pooled && env->block_put)
		env->block_put(env->user, d->b);
	d->b = NULL;
	d->pooled = 0;
}

/* After a span: keep the block only if the direction still wants it,
 * moving it from the scratch to the pool; give a pooled one back when it
 * is done.  No block left in the pool: the rest of the message cannot be
 * read, so the direction stops with the strict verdict. */
static void block_settle(struct ctx *x)
{
	struct h1_dir *d = x->d;
	if (!d->b)
		return;
	if (!block_wanted(d)) {
		block_put_back(d, x->env);
		return;
	}
	if (d->pooled)
		return;
	struct h1_block *b = x->env->block_get ? x->env->block_get(x->env->user) : NULL;
	if (!b) {
		d->b = NULL;
		raise(x, F_H1_NO_STATE);
		go_dead(x);
		d->flags &= ~MF_PROBE_BODY;
		return;
	}
	memcpy(b, d->b, sizeof(*b));
	d->b = b;
	d->pooled = 1;
}

void h1_release(struct h1_conn *c, const struct insp_env *env)
{
	block_put_back(&c->req, env);
	block_put_back(&c->rsp, env);
}

uint32_t h1_feed(struct insp_sess *s, int is_req, const uint8_t *p, uint32_t n,
		 const struct insp_env *env)
{
	struct ctx x = {
		.s = s, .c = &s->h1, .d = is_req ? &s->h1.req : &s->h1.rsp,
		.env = env, .is_req = is_req,
	};
	h1o_turn(&s->h1, is_req);
	block_bind(x.d, is_req);
	uint32_t used = feed_dir(&x, p, n);
	block_settle(&x);
	return used;
}

void h1_close(struct insp_sess *s, int is_req, const struct insp_env *env)
{
	struct h1_dir *d = is_req ? &s->h1.req : &s->h1.rsp;
	struct ctx x = { .s = s, .c = &s->h1, .d = d, .env = env, .is_req = is_req };
	block_bind(d, is_req);
	enum finding f = h1o_closed(&s->h1, is_req);
	if (f != F__COUNT)
		raise(&x, f);
	if (d->state == H1_BODY_EOF) {
		msg_reset(d);
		d->state = H1_SL_START;
	}
	block_settle(&x);
}
