/* hdrlog.c — header fields kept for the EVE http object: per-worker rings
 * of capture slots, filled by the HTTP/1 analyzer's field hooks, copied
 * out when an event is raised (see hdrlog.h for why not per flow). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hdrlog.h"

#define HL_NAMES(n, t) #n,
const char *const hdrlog_ctr_names[HLC__COUNT] = { HDRLOG_CTRS(HL_NAMES) };
#undef HL_NAMES

#define KNOWN_PER_SIDE 4
#define KVAL_MAX 255
#define METHOD_MAX 16
#define URI_MAX 256
#define PROTO_MAX 12

/* What the next value hook does. */
enum hl_pend {
	PEND_DROP = 0,   /* nothing kept last: a value (or fold) is not kept */
	PEND_FOLD,       /* the last field was kept whole: a fold line joins it */
	PEND_VALUE,      /* a kept name waits for its value */
};

struct hl_fld {
	uint16_t off;              /* name at buf + off, the value right after it */
	uint16_t vlen;
	uint8_t nlen;
	uint8_t pad;
};

/* One message's capture: this head, then struct hl_fld[max_fields], then
 * max_bytes of names and values.  An export holds the same layout. */
struct hdrlog_msg {
	const void *owner;         /* the session ref that claimed it */
	uint32_t seq;              /* the claim; the owner's ref matches while it is its own */
	uint16_t nfields, used;
	uint16_t max_fields, max_bytes;
	uint8_t is_req;
	uint8_t dump;              /* every field is kept, not only the known ones */
	uint8_t trunc;             /* fields left out or values cut */
	uint8_t lost;              /* exports: a newer message had taken the slot */
	uint8_t pend;              /* enum hl_pend */
	int8_t kpend;              /* the known field whose value comes next, -1 none */
	uint8_t kset;              /* known fields seen, a bit each */
	uint8_t has_line;          /* requests: the request line was read */
	uint8_t klen[KNOWN_PER_SIDE];
	uint16_t koff[KNOWN_PER_SIDE]; /* known values in text[] */
	uint8_t mlen, plen;
	uint16_t ulen, moff, uoff, poff; /* the request line in text[] */
	uint16_t text_used;
	uint32_t prev;             /* requests: the same session's request before this one */
	/* the request line and the known values, packed: an export copies
	 * only what is used */
	char text[METHOD_MAX + URI_MAX + PROTO_MAX + KNOWN_PER_SIDE * KVAL_MAX];
};

#define HEAD_SIZE ((sizeof(struct hdrlog_msg) + 7) & ~(size_t)7)

static struct hl_fld *flds(const struct hdrlog_msg *m)
{
	return (struct hl_fld *)((char *)m + HEAD_SIZE);
}

static char *buf(const struct hdrlog_msg *m)
{
	return (char *)m + HEAD_SIZE + (size_t)m->max_fields * sizeof(struct hl_fld);
}

void hdrlog_cfg_default(struct hdrlog_cfg *c)
{
	c->dump = 0;
	c->max_headers = 64;
	c->max_header_bytes = 4096;
	c->slots = 1024;
}

int hdrlog_dump_parse(const char *s)
{
	if (strcmp(s, "none") == 0) return 0;
	if (strcmp(s, "request") == 0) return HDRLOG_DUMP_REQ;
	if (strcmp(s, "response") == 0) return HDRLOG_DUMP_RSP;
	if (strcmp(s, "both") == 0) return HDRLOG_DUMP_REQ | HDRLOG_DUMP_RSP;
	return -1;
}

static int cfg_ok(const struct hdrlog_cfg *c)
{
	return c->slots >= 2 && !(c->slots & (c->slots - 1)) && c->max_headers <= 65535 &&
	       c->max_header_bytes <= 65535;
}

/* A slot of one side: a whole number of cache lines, so each message's
 * head starts a line of its own. */
static uint32_t side_slot_size(const struct hdrlog_cfg *c, int side)
{
	int dump = (c->dump & (side == 0 ? HDRLOG_DUMP_REQ : HDRLOG_DUMP_RSP)) != 0;
	/* without a dump only the known fields are kept: no field table */
	size_t fields = dump ? c->max_headers : 0, bytes = dump ? c->max_header_bytes : 0;
	return (uint32_t)((HEAD_SIZE + fields * sizeof(struct hl_fld) + bytes + 63) & ~(size_t)63);
}

size_t hdrlog_mem_size(const struct hdrlog_cfg *c)
{
	if (!cfg_ok(c))
		return 0;
	return (size_t)c->slots * (side_slot_size(c, 0) + side_slot_size(c, 1));
}

int hdrlog_init_in(struct hdrlog *hl, const struct hdrlog_cfg *c, void *mem, char *err, size_t errlen)
{
	memset(hl, 0, sizeof(*hl));
	if (!cfg_ok(c)) {
		snprintf(err, errlen, "eve.http: slots must be a power of two, bounds below 65536");
		return -1;
	}
	if (!mem) {
		mem = aligned_alloc(64, hdrlog_mem_size(c));
		if (!mem) {
			snprintf(err, errlen, "eve.http: %u header captures per side: out of memory", c->slots);
			return -1;
		}
		memset(mem, 0, hdrlog_mem_size(c));
		hl->owned = mem;
	}
	uint8_t *at = mem;
	for (int side = 0; side < 2; side++) {
		struct hdrlog_ring *r = &hl->ring[side];
		r->dump = (c->dump & (side == 0 ? HDRLOG_DUMP_REQ : HDRLOG_DUMP_RSP)) != 0;
		r->max_fields = r->dump ? c->max_headers : 0;
		r->max_bytes = r->dump ? c->max_header_bytes : 0;
		r->slot_size = side_slot_size(c, side);
		r->nslots = c->slots;
		/* user-agent, referer, host, x-forwarded-for; location,
		 * content-type, content-length */
		r->known_lens = side == 0 ? 1ull << 10 | 1ull << 7 | 1ull << 4 | 1ull << 15
					  : 1ull << 8 | 1ull << 12 | 1ull << 14;
		r->mem = at;
		at += (size_t)r->nslots * r->slot_size;
	}
	return 0;
}

int hdrlog_init(struct hdrlog *hl, const struct hdrlog_cfg *c, char *err, size_t errlen)
{
	return hdrlog_init_in(hl, c, NULL, err, errlen);
}

void hdrlog_free(struct hdrlog *hl)
{
	free(hl->owned);
	hl->owned = NULL;
	hl->ring[0].mem = hl->ring[1].mem = NULL;
}

static struct hdrlog_msg *slot(const struct hdrlog_ring *r, uint32_t seq)
{
	return (struct hdrlog_msg *)(r->mem + (size_t)(seq & (r->nslots - 1)) * r->slot_size);
}

/* The capture claim `seq` of ref took, while it is still its own, else NULL. */
static struct hdrlog_msg *own_at(const struct hdrlog *hl, const struct hdrlog_ref *ref, int side, uint32_t seq)
{
	if (!seq)
		return NULL;
	struct hdrlog_msg *m = slot(&hl->ring[side], seq);
	return m->seq == seq && m->owner == ref ? m : NULL;
}

static struct hdrlog_msg *own(const struct hdrlog *hl, const struct hdrlog_ref *ref, int side)
{
	return own_at(hl, ref, side, ref->seq[side]);
}

void hdrlog_begin(struct hdrlog *hl, struct hdrlog_ref *ref, int is_req, uint32_t back)
{
	int side = is_req ? HL_REQ : HL_RSP;
	struct hdrlog_ring *r = &hl->ring[side];
	if (++r->seq == 0)
		r->seq = 1;
	struct hdrlog_msg *m = slot(r, r->seq);
	m->owner = ref;
	m->seq = r->seq;
	m->nfields = m->used = 0;
	m->max_fields = r->max_fields;
	m->max_bytes = r->max_bytes;
	m->is_req = is_req != 0;
	m->dump = r->dump;
	m->trunc = m->lost = 0;
	m->pend = PEND_DROP;
	m->kpend = -1;
	m->kset = 0;
	m->has_line = 0;
	m->text_used = 0;
	m->prev = 0;
	if (is_req) {
		m->prev = ref->seq[HL_REQ];
	} else {
		/* the request this response answers: `back` requests before the
		 * latest, along the session's chain while the slots are its own */
		uint32_t q = ref->seq[HL_REQ];
		for (; back && q; back--) {
			const struct hdrlog_msg *p = own_at(hl, ref, HL_REQ, q);
			q = p ? p->prev : 0;
		}
		ref->seq[HL_TX_REQ] = q;
	}
	ref->seq[side] = r->seq;
	hl->ctr[HLC_messages]++;
	/* The next message on this worker writes the next slot: its head and
	 * the first of its text (request line, known values).  The ring is
	 * larger than the cache keeps warm between two claims. */
	const char *next = (const char *)slot(r, r->seq + 1);
	for (unsigned off = 0; off < 320; off += 64)
		__builtin_prefetch(next + off, 1);
}

void hdrlog_request_line(struct hdrlog *hl, struct hdrlog_ref *ref, const char *method, uint32_t mlen,
			 const char *uri, uint32_t ulen, const char *proto, uint32_t plen)
{
	struct hdrlog_msg *m = own(hl, ref, HL_REQ);
	if (!m)
		return;
	if (m->has_line)
		return;
	m->mlen = mlen < METHOD_MAX ? mlen : METHOD_MAX;
	m->ulen = ulen < URI_MAX ? ulen : URI_MAX;
	m->plen = plen < PROTO_MAX ? plen : PROTO_MAX;
	m->moff = m->text_used;
	memcpy(m->text + m->moff, method, m->mlen);
	m->uoff = m->moff + m->mlen;
	memcpy(m->text + m->uoff, uri, m->ulen);
	m->poff = m->uoff + m->ulen;
	memcpy(m->text + m->poff, proto, m->plen);
	m->text_used = m->poff + m->plen;
	m->has_line = 1;
}

static int ieq(const char *a, uint32_t n, const char *lit, uint32_t l)
{
	if (n != l)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		char c = a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i];
		if (c != lit[i])
			return 0;
	}
	return 1;
}

/* The first four bytes of a name, lower-cased (names shorter than four
 * bytes are none of the known ones). */
static uint32_t head4(const char *n)
{
	uint32_t w;
	memcpy(&w, n, 4);
	return w | 0x20202020u;      /* letters lower-cased; '-' and digits keep their bit */
}
#define W4(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

/* Side-relative index of a field the http object names, -1 for others:
 * most names are turned away by their length and first four bytes. */
static int known_index(int is_req, const char *n, uint32_t len)
{
	if (len < 4)
		return -1;
	uint32_t w = head4(n);
	if (is_req) {
		switch (len) {
		case 4: return w == W4('h', 'o', 's', 't') ? HL_HOST : -1;
		case 7: return w == W4('r', 'e', 'f', 'e') && ieq(n, len, "referer", 7) ? HL_REFERER : -1;
		case 10: return w == W4('u', 's', 'e', 'r') && ieq(n, len, "user-agent", 10) ? HL_USER_AGENT : -1;
		case 15: return w == W4('x', '-', 'f', 'o') && ieq(n, len, "x-forwarded-for", 15) ? HL_XFF : -1;
		}
		return -1;
	}
	switch (len) {
	case 8: return w == W4('l', 'o', 'c', 'a') && ieq(n, len, "location", 8) ? HL_LOCATION - HL_CONTENT_TYPE : -1;
	case 12: return w == W4('c', 'o', 'n', 't') && ieq(n, len, "content-type", 12) ? HL_CONTENT_TYPE - HL_CONTENT_TYPE : -1;
	case 14: return w == W4('c', 'o', 'n', 't') && ieq(n, len, "content-length", 14) ? HL_CONTENT_LENGTH - HL_CONTENT_TYPE : -1;
	}
	return -1;
}

void hdrlog_name(struct hdrlog *hl, struct hdrlog_ref *ref, int is_req, const char *name, uint32_t n,
		 int cut)
{
	struct hdrlog_msg *m = own(hl, ref, is_req ? HL_REQ : HL_RSP);
	if (!m)
		return;
	m->kpend = (int8_t)known_index(is_req, name, n);
	m->pend = PEND_DROP;
	if (!m->dump)
		return;
	if (n > 255)
		n = 255, cut = 1;
	if (m->nfields == m->max_fields || m->used + n > m->max_bytes) {
		m->trunc = 1;
		hl->ctr[HLC_fields_dropped]++;
		return;
	}
	struct hl_fld *f = &flds(m)[m->nfields++];
	f->off = m->used;
	f->nlen = (uint8_t)n;
	f->vlen = 0;
	memcpy(buf(m) + m->used, name, n);
	m->used += n;
	if (cut)
		m->trunc = 1;
	m->pend = PEND_VALUE;
}

void hdrlog_value(struct hdrlog *hl, struct hdrlog_ref *ref, int is_req, const char *val, uint32_t n,
		  int cut)
{
	struct hdrlog_msg *m = own(hl, ref, is_req ? HL_REQ : HL_RSP);
	if (!m)
		return;
	if (m->kpend >= 0) {
		uint8_t bit = 1u << m->kpend;
		if (!(m->kset & bit)) {        /* the first one counts, as in libhtp's lookup */
			uint32_t k = n < KVAL_MAX ? n : KVAL_MAX;
			m->koff[m->kpend] = m->text_used;
			memcpy(m->text + m->text_used, val, k);
			m->text_used += k;
			m->klen[m->kpend] = (uint8_t)k;
			m->kset |= bit;
		}
		m->kpend = -1;
	}
	if (m->pend == PEND_DROP)
		return;
	uint32_t room = m->max_bytes - m->used, extra = 0;
	if (m->pend == PEND_FOLD) {
		if (room == 0)
			n = 0;
		else {
			buf(m)[m->used++] = ' ';
			room--;
			extra = 1;
		}
	}
	uint32_t k = n < room ? n : room;
	memcpy(buf(m) + m->used, val, k);
	m->used += k;
	flds(m)[m->nfields - 1].vlen += k + extra;
	if (k < n || cut) {
		m->trunc = 1;
		hl->ctr[HLC_values_cut]++;
		m->pend = PEND_DROP;     /* a fold would join a value already cut */
		return;
	}
	m->pend = PEND_FOLD;
}

size_t hdrlog_export_size(const struct hdrlog *hl)
{
	return 8 + hl->ring[0].slot_size + hl->ring[1].slot_size;
}

/* The claims an event shows: its request and that request's response. */
static void event_claims(const struct hdrlog_ref *at, int to_client, uint32_t q[2])
{
	if (to_client) {
		q[HL_REQ] = at->seq[HL_TX_REQ];
		q[HL_RSP] = at->seq[HL_RSP];
	} else {
		q[HL_REQ] = at->seq[HL_REQ];
		q[HL_RSP] = at->seq[HL_TX_REQ] == at->seq[HL_REQ] ? at->seq[HL_RSP] : 0;
	}
}

int hdrlog_wanted(const struct hdrlog *hl, const struct hdrlog_ref *ref, const struct hdrlog_ref *at,
		  int to_client)
{
	uint32_t q[2];
	event_claims(at, to_client, q);
	for (int side = 0; side < 2; side++) {
		if (!q[side])
			continue;
		const struct hdrlog_msg *m = own_at(hl, ref, side, q[side]);
		if (!m || m->kset || m->nfields || m->trunc || m->has_line)
			return 1;
	}
	return 0;
}

/* An export: uint32_t offsets of the request and response captures (0:
 * none), then the captures at those offsets. */
void hdrlog_export(struct hdrlog *hl, const struct hdrlog_ref *ref, const struct hdrlog_ref *at,
		   int to_client, void *out)
{
	uint32_t *off = out, q[2];
	uint32_t pos = 8;
	event_claims(at, to_client, q);
	for (int side = 0; side < 2; side++) {
		const struct hdrlog_ring *r = &hl->ring[side];
		off[side] = 0;
		if (!q[side])
			continue;
		struct hdrlog_msg *o = (struct hdrlog_msg *)((char *)out + pos);
		const struct hdrlog_msg *m = own_at(hl, ref, side, q[side]);
		if (m) {
			memcpy(o, m, offsetof(struct hdrlog_msg, text) + m->text_used);
			memcpy(flds(o), flds(m), m->nfields * sizeof(struct hl_fld));
			memcpy(buf(o), buf(m), m->used);
		} else {
			memset(o, 0, offsetof(struct hdrlog_msg, text));
			o->is_req = side == HL_REQ;
			o->dump = r->dump;
			o->max_fields = r->max_fields;
			o->max_bytes = r->max_bytes;
			o->lost = 1;
			hl->ctr[HLC_reused]++;
		}
		o->owner = NULL;
		off[side] = pos;
		pos += r->slot_size;
	}
}

const struct hdrlog_msg *hdrlog_blob_msg(const void *blob, int is_req)
{
	if (!blob)
		return NULL;
	uint32_t off = ((const uint32_t *)blob)[is_req ? 0 : 1];
	return off ? (const struct hdrlog_msg *)((const char *)blob + off) : NULL;
}

int hdrlog_msg_dumped(const struct hdrlog_msg *m) { return m->dump; }
int hdrlog_msg_truncated(const struct hdrlog_msg *m) { return m->trunc || m->lost; }
uint32_t hdrlog_msg_nfields(const struct hdrlog_msg *m) { return m->nfields; }

void hdrlog_msg_field(const struct hdrlog_msg *m, uint32_t i, const char **name, uint32_t *nlen,
		      const char **val, uint32_t *vlen)
{
	const struct hl_fld *f = &flds(m)[i];
	*name = buf(m) + f->off;
	*nlen = f->nlen;
	*val = *name + f->nlen;
	*vlen = f->vlen;
}

int hdrlog_msg_known(const struct hdrlog_msg *m, enum hdrlog_known k, const char **val, uint32_t *n)
{
	int is_req = k < HL_CONTENT_TYPE;
	if (is_req != m->is_req)
		return 0;
	int i = is_req ? (int)k : (int)k - HL_CONTENT_TYPE;
	if (!(m->kset & (1u << i)))
		return 0;
	*val = m->text + m->koff[i];
	*n = m->klen[i];
	return 1;
}

int hdrlog_msg_request_line(const struct hdrlog_msg *m, const char **method, uint32_t *mlen,
			    const char **uri, uint32_t *ulen, const char **proto, uint32_t *plen)
{
	if (!m->is_req || !m->has_line)
		return 0;
	*method = m->text + m->moff;
	*mlen = m->mlen;
	*uri = m->text + m->uoff;
	*ulen = m->ulen;
	*proto = m->text + m->poff;
	*plen = m->plen;
	return 1;
}
