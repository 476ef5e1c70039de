/* fwd.h — forwarding headers: RFC 7239 Forwarded, X-Forwarded-For and the
 * single-valued client-IP family (X-Real-IP, True-Client-IP, ...).
 *
 * Each request's chain is collected as its fields arrive, then judged at
 * the end of the header block against the trusted-proxy list: which hop
 * is the real client, and whether anything in the chain was spoofed. */
#ifndef SEAM_FWD_H
#define SEAM_FWD_H

#include <stdint.h>

#define FWD_CHAIN_MAX 16
#define FWD_TRUST_MAX 32
#define FWD_IDENT_MAX 16          /* configured identity names, and prefixes */
#define FWD_IDENT_NAME_MAX 40     /* bytes of one, NUL included (H1_NAME_MAX) */

struct fwd_prefix { uint8_t ipver, len; uint8_t a[16]; };

/* Configuration: who may set forwarding headers, and what counts as an
 * internal address a client from outside must not claim.  The identity
 * names and prefixes add to the built-in list of headers only the edge
 * sets (fwd_ident.c); stored lower-cased with '_' read as '-'. */
struct fwd_cfg {
	uint32_t ntrusted, ninternal;
	struct fwd_prefix trusted[FWD_TRUST_MAX];
	struct fwd_prefix internal[FWD_TRUST_MAX];
	uint8_t nident, nident_prefix;
	char ident[FWD_IDENT_MAX][FWD_IDENT_NAME_MAX];
	char ident_prefix[FWD_IDENT_MAX][FWD_IDENT_NAME_MAX];
};

struct fwd_addr { uint8_t ipver; uint8_t a[16]; };

struct fwd_msg {
	uint8_t nchain;           /* XFF and Forwarded for= addresses, in order */
	uint8_t ncip;
	uint16_t cip_seen;        /* bit per single-valued header name */
	uint8_t ident;            /* enum fwd_ident_flag: identity headers seen */
	uint8_t ident_seen[6];    /* bit per single-valued identity name seen */
	struct fwd_addr chain[FWD_CHAIN_MAX];
	struct fwd_addr cip[4];
};

enum fwd_kind {
	FWD_NONE = 0, FWD_FORWARDED, FWD_XFF, FWD_CLIENT_IP, FWD_XF_OTHER,
};

/* Which forwarding header a lowercased name is (underscore aliases
 * included; *alias set when the name used '_'). cip_bit: which
 * single-valued header it is. */
enum fwd_kind fwd_kind(const char *name, uint32_t len, int *alias, int *cip_bit);

/* ---- identity headers only the edge may set (fwd_ident.c) ----------- */

enum fwd_ident_flag {
	FWD_ID_SEEN     = 1,      /* the request carries one */
	FWD_ID_ALIAS    = 2,      /* ... under an underscore alias */
	FWD_ID_REPEATED = 4,      /* a single-valued one came twice */
};

/* Whether a field name is an identity header: the built-in names and
 * prefixes (oauth2-proxy, nginx auth_request, Authelia, authentik,
 * Pomerium, Cloudflare Access, Google IAP, AWS ALB, ...) and cfg's own
 * (cfg may be NULL).  name is lower-cased, len bytes, any length.
 * Returns -1 when it is not one, else an index for fwd_ident_seen();
 * *alias is set when the name used '_' for '-'.  Any thread. */
int fwd_ident_match(const struct fwd_cfg *cfg, const char *name, uint32_t len, int *alias);

/* Record identity header idx (from fwd_ident_match) in the request's
 * message state; returns the FWD_ID_* facts this field adds. */
unsigned fwd_ident_seen(struct fwd_msg *f, int idx, int alias);

/* Check and store a configured identity name or prefix: 0, or -1 when it
 * is empty, too long or not a token. out gets the normalised form. */
int fwd_ident_name_parse(const char *s, char out[FWD_IDENT_NAME_MAX]);

/* Parse an address as a strict, canonical literal.  Returns 1 canonical,
 * 2 an address only in a non-canonical spelling (decimal, octal, hex,
 * short form, leading zeros), 0 not an address. */
int fwd_parse_addr(const char *s, uint32_t n, struct fwd_addr *out);
/* Loopback, unspecified or link-local. */
int fwd_addr_special(const struct fwd_addr *a);
int fwd_in_prefixes(const struct fwd_prefix *p, uint32_t n, const struct fwd_addr *a);
/* "10.0.0.0/8" or "2001:db8::/32"; 0 or -1. */
int fwd_prefix_parse(const char *s, struct fwd_prefix *out);

#endif
