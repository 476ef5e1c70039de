/* hdrlog.h — header fields kept for the EVE http object (Suricata's
 * http_user_agent, http_refer, http_content_type, redirect, length and,
 * with eve.http.dump_all_headers, request_headers / response_headers).
 *
 * Where the bytes live.  A flow's state keeps no header text: each worker
 * owns two rings of capture slots (requests, responses) and a message
 * claims the next slot when its start line begins; the session keeps only
 * the claim number (struct hdrlog_ref, 8 bytes).  The header analyzer
 * (h1.c) reports each field as it completes; a finding or transaction
 * event copies the two slots its session refers to into an export buffer
 * that travels with the event, so the control thread reads a private copy.
 * A slot is reused after `slots` newer messages on the worker: an event
 * whose message was overwritten by then carries no headers (counted as
 * eve_http.reused, flagged in the record when a dump was asked for).
 *
 * Who calls what: the worker owns struct hdrlog and calls every function
 * but the readers; the readers (hdrlog_blob_msg and after) take an export
 * and are what the EVE writer uses.  Nothing here allocates after
 * hdrlog_init, blocks or fails: bounds cut and count. */
#ifndef SEAM_HDRLOG_H
#define SEAM_HDRLOG_H

#include <stddef.h>
#include <stdint.h>

/* eve.http.dump_all_headers, Suricata's values: none, request, response, both */
enum { HDRLOG_DUMP_REQ = 1, HDRLOG_DUMP_RSP = 2 };

struct hdrlog_cfg {
	uint8_t dump;              /* HDRLOG_DUMP_* bits */
	uint32_t max_headers;      /* fields kept per dumped message */
	uint32_t max_header_bytes; /* name and value bytes kept per dumped message */
	uint32_t slots;            /* messages kept per worker and side (power of two) */
};

void hdrlog_cfg_default(struct hdrlog_cfg *c);
/* "none", "request", "response", "both" → HDRLOG_DUMP_* bits; -1 otherwise */
int hdrlog_dump_parse(const char *s);

#define HDRLOG_CTRS(X) \
	X(messages,       "header blocks captured for EVE") \
	X(fields_dropped, "fields left out of a header dump: eve.http.max_headers or max_header_bytes") \
	X(values_cut,     "field values kept in part (past 255 bytes, or the byte bound)") \
	X(reused,         "events whose message's capture a newer message had taken: no headers") \
	X(no_buffer,      "events written without headers: no export buffer free (live modes)")

#define HLC_X(n, t) HLC_##n,
enum hdrlog_ctr { HDRLOG_CTRS(HLC_X) HLC__COUNT };
#undef HLC_X
extern const char *const hdrlog_ctr_names[HLC__COUNT];

struct hdrlog_ring {
	uint8_t *mem;
	uint32_t nslots;           /* power of two */
	uint32_t slot_size;
	uint32_t seq;              /* the last claim; 0 is never a claim */
	uint16_t max_fields, max_bytes;
	uint8_t dump;
	uint64_t known_lens;       /* bit n: a known field name is n bytes long */
};

struct hdrlog {
	struct hdrlog_ring ring[2];    /* [0] requests, [1] responses */
	uint64_t ctr[HLC__COUNT];
	void *owned;                   /* the rings' memory when hdrlog_init took it */
};

/* Per session: claims (0: none) of the latest request begun, the latest
 * response, and the request that response answers (behind the latest when
 * requests are pipelined, or smuggled behind a body). */
enum { HL_REQ = 0, HL_RSP = 1, HL_TX_REQ = 2 };
struct hdrlog_ref {
	uint32_t seq[3];
};

/* Bytes of ring memory a configuration needs (both sides); 0 when the
 * configuration is out of bounds. */
size_t hdrlog_mem_size(const struct hdrlog_cfg *c);
/* Lay the rings out in mem: hdrlog_mem_size bytes, zeroed, 64-byte
 * aligned, the caller's (the fast path gives hugepage memory: a message
 * a slot, the rings span more pages than the TLB holds).  mem NULL:
 * allocate here.  Start-up only.  0, or -1 with err filled. */
int hdrlog_init_in(struct hdrlog *hl, const struct hdrlog_cfg *c, void *mem, char *err, size_t errlen);
/* hdrlog_init_in with memory of its own. */
int hdrlog_init(struct hdrlog *hl, const struct hdrlog_cfg *c, char *err, size_t errlen);
/* Frees what hdrlog_init took (the caller frees memory it gave). */
void hdrlog_free(struct hdrlog *hl);

/* ---- the analyzer's hooks (hot path) ------------------------------------ */

/* A request (is_req) or response start line begins: claim a slot.  For a
 * response, `back` is how many requests of this session began after the
 * one it answers (0: the latest). */
void hdrlog_begin(struct hdrlog *hl, struct hdrlog_ref *r, int is_req, uint32_t back);
/* The request line was read (method, request-target, version as received). */
void hdrlog_request_line(struct hdrlog *hl, struct hdrlog_ref *r, const char *method, uint32_t mlen,
			 const char *uri, uint32_t ulen, const char *proto, uint32_t plen);
/* Whether a field whose name is name_len bytes long concerns the capture:
 * every field while this side is dumped, else only names as long as a known
 * one.  The analyzer asks before both hooks below, so most fields cost no
 * call at all. */
static inline int hdrlog_wants(const struct hdrlog *hl, int is_req, uint32_t name_len)
{
	const struct hdrlog_ring *r = &hl->ring[is_req ? 0 : 1];
	return r->dump || (name_len < 64 && (r->known_lens >> name_len & 1));
}

/* A field name ended at its colon: name[0..n) as received (case kept);
 * cut: the analyzer kept only the first n bytes. */
void hdrlog_name(struct hdrlog *hl, struct hdrlog_ref *r, int is_req, const char *name, uint32_t n,
		 int cut);
/* Its value, OWS trimmed; cut: only the first n bytes were kept.  A value
 * with no name before it is an obs-fold line: it joins the previous
 * field's value with one SP (RFC 9112 §5.2). */
void hdrlog_value(struct hdrlog *hl, struct hdrlog_ref *r, int is_req, const char *val, uint32_t n,
		  int cut);

/* ---- exports (worker, when an event is raised) --------------------------- */

/* Bytes an export buffer needs. */
size_t hdrlog_export_size(const struct hdrlog *hl);
/* 1 when the captures an event would carry hold something it would show
 * (or lost a dump it wanted).  at: r's claims now, or a copy taken earlier
 * (an event that waited for its header block to end reads the messages
 * current when it was raised, not whatever began since).  to_client: the
 * event comes from the response side, which pairs with the request it
 * answers; a request-side event shows its own request, and the response
 * only if that answers it. */
int hdrlog_wanted(const struct hdrlog *hl, const struct hdrlog_ref *r, const struct hdrlog_ref *at,
		  int to_client);
/* Copy those captures into out (hdrlog_export_size bytes).  A capture a
 * newer message took is exported as lost. */
void hdrlog_export(struct hdrlog *hl, const struct hdrlog_ref *r, const struct hdrlog_ref *at,
		   int to_client, void *out);

/* ---- readers of an export (control thread) ------------------------------ */

enum hdrlog_known {
	HL_USER_AGENT, HL_REFERER, HL_HOST, HL_XFF,     /* request */
	HL_CONTENT_TYPE, HL_LOCATION, HL_CONTENT_LENGTH, /* response */
};

struct hdrlog_msg;
/* The request's (is_req) or response's capture in an export; NULL: none. */
const struct hdrlog_msg *hdrlog_blob_msg(const void *blob, int is_req);
/* Whether every field is kept for this side (dump_all_headers covers it). */
int hdrlog_msg_dumped(const struct hdrlog_msg *m);
/* Fields or bytes left out, or the whole capture lost. */
int hdrlog_msg_truncated(const struct hdrlog_msg *m);
uint32_t hdrlog_msg_nfields(const struct hdrlog_msg *m);
void hdrlog_msg_field(const struct hdrlog_msg *m, uint32_t i, const char **name, uint32_t *nlen,
		      const char **val, uint32_t *vlen);
/* The first such field's value (at most 255 bytes); 0 when absent. */
int hdrlog_msg_known(const struct hdrlog_msg *m, enum hdrlog_known k, const char **val, uint32_t *n);
/* A request's line as read (method, target, version); 0 when not read. */
int hdrlog_msg_request_line(const struct hdrlog_msg *m, const char **method, uint32_t *mlen,
			    const char **uri, uint32_t *ulen, const char **proto, uint32_t *plen);

#endif
