/* fwd_req.c — one request's forwarding and identity headers, judged the
 * same whichever framing carried them (HTTP/1 header lines, h2c fields):
 * the chain is collected as the fields arrive, then judged at the end of
 * the header block (see fwd_req.h). */
#include <string.h>
#include <strings.h>
#include "fwd_req.h"

/* RFC 9110 §5.6.2 tchar */
static int is_tchar(uint8_t c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

void fwd_req_begin(struct fwd_msg *f)
{
	f->nchain = f->ncip = 0;
	f->cip_seen = 0;
	f->ident = 0;
	memset(f->ident_seen, 0, sizeof(f->ident_seen));
}

static void chain_add(const struct fwd_req *q, const struct fwd_addr *a)
{
	struct fwd_msg *f = q->f;
	if (f->nchain < FWD_CHAIN_MAX)
		f->chain[f->nchain++] = *a;
}

/* One address in a forwarding header: "unknown", a literal, optionally
 * bracketed and with a port.  Returns 1 when an address was added. */
static int fwd_node(const struct fwd_req *q, const char *v, uint32_t n, int in_forwarded)
{
	struct fwd_addr a;
	if (n == 7 && strncasecmp(v, "unknown", 7) == 0)
		return 0;
	if (in_forwarded && n && v[0] == '_')
		return 0;                /* obfuscated identifier (RFC 7239 §6.3) */
	const char *p = v;
	uint32_t len = n;
	if (n && v[0] == '[') {
		const char *close = memchr(v, ']', n);
		if (!close) {
			q->raise(q->who, in_forwarded ? F_FWD_FORWARDED_INVALID : F_FWD_XFF_INVALID);
			return 0;
		}
		p = v + 1;
		len = close - p;
	} else {
		const char *colon = memchr(v, ':', n);
		if (colon && !memchr(colon + 1, ':', n - (colon + 1 - v)))
			len = colon - v;     /* ipv4:port */
		else if (colon && in_forwarded) {
			q->raise(q->who, F_FWD_FORWARDED_INVALID);   /* IPv6 must be bracketed */
		}
	}
	int r = fwd_parse_addr(p, len, &a);
	if (r == 0) {
		q->raise(q->who, in_forwarded ? F_FWD_FORWARDED_INVALID : F_FWD_XFF_INVALID);
		return 0;
	}
	if (r == 2)
		q->raise(q->who, F_FWD_ADDR_OBFUSCATED);
	chain_add(q, &a);
	return 1;
}

static void xff_value(const struct fwd_req *q, const char *v, uint32_t n)
{
	uint32_t i = 0;
	if (n == 0) {
		q->raise(q->who, F_FWD_XFF_INVALID);
		return;
	}
	while (i <= n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		uint32_t s = i;
		while (i < n && v[i] != ',')
			i++;
		uint32_t e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e == s)
			q->raise(q->who, F_FWD_XFF_INVALID);
		else
			fwd_node(q, v + s, e - s, 0);
		if (i >= n)
			break;
		i++;
	}
}

/* RFC 7239 §4: forwarded-element *( OWS "," OWS forwarded-element ),
 * element = [ pair ] *( ";" [ pair ] ), pair = token "=" value. */
static void forwarded_value(const struct fwd_req *q, const char *v, uint32_t n)
{
	uint32_t i = 0;
	int bad = 0;
	while (i < n && !bad) {
		uint32_t params = 0;      /* for, by, host, proto seen in this element */
		for (;;) {
			while (i < n && (v[i] == ' ' || v[i] == '\t'))
				i++;
			uint32_t ks = i;
			while (i < n && is_tchar((uint8_t)v[i]))
				i++;
			uint32_t ke = i;
			if (ke == ks || i >= n || v[i] != '=') {
				bad = ke != ks || (i < n && v[i] != ',' && v[i] != ';');
				if (bad)
					break;
			} else {
				i++;
				char val[80];
				uint32_t vl = 0;
				if (i < n && v[i] == '"') {
					i++;
					while (i < n && v[i] != '"') {
						if (v[i] == '\\' && i + 1 < n)
							i++;
						if (vl < sizeof(val) - 1)
							val[vl++] = v[i];
						i++;
					}
					if (i >= n) {
						bad = 1;
						break;
					}
					i++;
				} else {
					while (i < n && is_tchar((uint8_t)v[i])) {
						if (vl < sizeof(val) - 1)
							val[vl++] = v[i];
						i++;
					}
					if (vl == 0) {
						bad = 1;
						break;
					}
				}
				static const char *const names[] = { "for", "by", "host", "proto" };
				for (int k = 0; k < 4; k++)
					if (ke - ks == strlen(names[k]) && strncasecmp(v + ks, names[k], ke - ks) == 0) {
						if (params & (1u << k))
							bad = 1;          /* a parameter twice in one element */
						params |= 1u << k;
						if (k == 0)
							fwd_node(q, val, vl, 1);
						else if (k == 1) {
							struct fwd_addr a;
							if (!(vl == 7 && strncasecmp(val, "unknown", 7) == 0) &&
							    !(vl && val[0] == '_') && vl && val[0] != '[' &&
							    fwd_parse_addr(val, vl, &a) == 0)
								bad = 1;
						}
					}
			}
			while (i < n && (v[i] == ' ' || v[i] == '\t'))
				i++;
			if (i < n && v[i] == ';') {
				i++;
				continue;
			}
			break;
		}
		if (bad)
			break;
		if (i < n && v[i] == ',') {
			i++;
			continue;
		}
		if (i < n)
			bad = 1;
	}
	if (bad)
		q->raise(q->who, F_FWD_FORWARDED_INVALID);
}

void fwd_req_field(const struct fwd_req *q, enum fwd_kind kind, int cip, int alias, int cut,
		   const char *v, uint32_t n)
{
	struct fwd_msg *f = q->f;
	if (alias)
		q->raise(q->who, F_FWD_ALIAS);
	if (cut)
		q->raise(q->who, F_FWD_TOO_LONG);
	switch (kind) {
	case FWD_XFF: {
		struct insp_meta *m = q->meta;
		if (!m->xff_len) {
			uint32_t k = n < sizeof(m->xff) - 1 ? n : sizeof(m->xff) - 1;
			memcpy(m->xff, v, k);
			m->xff[k] = 0;
			m->xff_len = k;
		}
		xff_value(q, v, n);
		break;
	}
	case FWD_FORWARDED:
		forwarded_value(q, v, n);
		break;
	case FWD_CLIENT_IP: {
		if (f->cip_seen & (1u << cip))
			q->raise(q->who, F_FWD_CLIENT_IP_REPEATED);
		f->cip_seen |= 1u << cip;
		struct fwd_addr a;
		int r = fwd_parse_addr(v, n, &a);
		if (r == 0 && !(n == 7 && strncasecmp(v, "unknown", 7) == 0))
			q->raise(q->who, F_FWD_XFF_INVALID);
		if (r == 2)
			q->raise(q->who, F_FWD_ADDR_OBFUSCATED);
		if (r && f->ncip < 4)
			f->cip[f->ncip++] = a;
		break;
	}
	default:
		break;
	}
}

static int addr_eq(const struct fwd_addr *a, const struct fwd_addr *b)
{
	return a->ipver == b->ipver && memcmp(a->a, b->a, a->ipver == 4 ? 4 : 16) == 0;
}

/* End of the request's header block: attribute the client and judge the
 * claims (trusted proxies from the configuration; none by default). */
void fwd_req_judge(const struct fwd_req *q, uint8_t ipver, const uint8_t addr[16])
{
	struct fwd_msg *f = q->f;
	const struct fwd_cfg *cfg = q->cfg;
	if (!f->nchain && !f->ncip && !f->ident)
		return;
	struct fwd_addr peer = { 0 };
	int have_peer = ipver != 0;
	if (have_peer) {
		peer.ipver = ipver;
		memcpy(peer.a, addr, 16);
	}
	int trusted = have_peer && cfg && fwd_in_prefixes(cfg->trusted, cfg->ntrusted, &peer);
	/* walk back from the nearest hop while hops are trusted proxies */
	int first_client = -1;           /* chain index of the attributed client */
	if (trusted) {
		for (int i = f->nchain - 1; i >= 0; i--)
			if (!fwd_in_prefixes(cfg->trusted, cfg->ntrusted, &f->chain[i])) {
				first_client = i;
				break;
			}
	}
	struct insp_meta *m = q->meta;
	if (first_client >= 0) {
		m->client_ipver = f->chain[first_client].ipver;
		memcpy(m->client_addr, f->chain[first_client].a, 16);
	} else if (have_peer) {
		m->client_ipver = peer.ipver;
		memcpy(m->client_addr, peer.a, 16);
	}
	/* who the user is: only a trusted proxy may say, once, by its name */
	if (f->ident && !trusted)
		q->raise(q->who, F_FWD_IDENTITY_SPOOFED);
	if (f->ident & FWD_ID_ALIAS)
		q->raise(q->who, F_FWD_IDENTITY_ALIAS);
	if (f->ident & FWD_ID_REPEATED)
		q->raise(q->who, F_FWD_IDENTITY_REPEATED);
	/* what the outside party claimed: everything when the peer is not a
	 * trusted proxy, else what lies behind the attributed client */
	int upto = trusted ? first_client : (int)f->nchain - 1;
	for (int i = 0; i <= upto && i < f->nchain; i++)
		if (fwd_addr_special(&f->chain[i]) ||
		    (cfg && fwd_in_prefixes(cfg->internal, cfg->ninternal, &f->chain[i])))
			q->raise(q->who, F_FWD_INTERNAL_CLAIM);
	for (int i = 0; i < f->ncip; i++) {
		if (!trusted && (fwd_addr_special(&f->cip[i]) ||
				 (cfg && fwd_in_prefixes(cfg->internal, cfg->ninternal, &f->cip[i]))))
			q->raise(q->who, F_FWD_INTERNAL_CLAIM);
		if (!f->nchain)
			continue;
		int found = have_peer && addr_eq(&f->cip[i], &peer);
		for (int k = 0; k < f->nchain && !found; k++)
			found = addr_eq(&f->cip[i], &f->chain[k]);
		if (!found)
			q->raise(q->who, F_FWD_CLIENT_IP_UNCHAINED);
	}
}

