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

struct fwd_prefix { uint8_t ipver, len; uint8_t a[16]; };

/* Configuration: who may set forwarding headers, and what counts as an
 * internal address a client from outside must not claim. */
struct fwd_cfg {
	uint32_t ntrusted, ninternal;
	struct fwd_prefix trusted[FWD_TRUST_MAX];
	struct fwd_prefix internal[FWD_TRUST_MAX];
};

struct fwd_addr { uint8_t ipver; uint8_t a[16]; };

struct fwd_msg {
	uint8_t nchain;           /* XFF and Forwarded for= addresses, in order */
	uint8_t ncip;
	uint16_t cip_seen;        /* bit per single-valued header name */
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
