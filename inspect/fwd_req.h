/* fwd_req.h — one request's forwarding headers (Forwarded, X-Forwarded-For,
 * the client-IP family) and identity headers, judged the same whether an
 * HTTP/1 header block or an h2c HEADERS block carried them.
 *
 * The analyzer that reads the fields names each one (fwd_kind,
 * fwd_ident_match), hands its value here as it completes, and calls
 * fwd_req_judge at the end of the request's header block with the
 * address of the peer that sent it. */
#ifndef SEAM_FWD_REQ_H
#define SEAM_FWD_REQ_H

#include <stdint.h>
#include "finding.h"
#include "fwd.h"
#include "insp.h"

struct fwd_req {
	struct fwd_msg *f;             /* the request's chain and claims */
	const struct fwd_cfg *cfg;     /* trusted proxies, internal prefixes; may be NULL */
	struct insp_meta *meta;        /* X-Forwarded-For kept, client attributed */
	void (*raise)(void *who, enum finding f);
	void *who;
};

/* A new request's header block begins. */
void fwd_req_begin(struct fwd_msg *f);
/* A forwarding field's value, OWS trimmed.  kind and cip from fwd_kind;
 * alias: the name used '_' for '-'; cut: only the first n bytes were kept. */
void fwd_req_field(const struct fwd_req *q, enum fwd_kind kind, int cip, int alias, int cut,
		   const char *v, uint32_t n);
/* The request's header block ended: attribute the client (the nearest hop
 * not a trusted proxy) and judge what the untrusted part claimed.  ipver
 * 0: the peer's address is not known. */
void fwd_req_judge(const struct fwd_req *q, uint8_t ipver, const uint8_t addr[16]);

#endif
