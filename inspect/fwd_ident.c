/* fwd_ident.c — identity headers only the edge may set.
 *
 * An authenticating proxy tells the back end who the user is in request
 * fields, and the back end believes them (oauth2-proxy and nginx
 * auth_request: X-Forwarded-User, X-Auth-Request-Email; Authelia:
 * Remote-User; authentik: X-authentik-*; Google IAP, Cloudflare Access,
 * AWS ALB, Azure App Service, Kong, Grafana's auth proxy, the Kubernetes
 * front proxy: their own).  The same field from anyone but a trusted proxy
 * is a client naming itself.  Names match whole, or by a prefix ending in
 * '-', case-insensitively, with '_' read as '-': Apache, CGI and WSGI turn
 * Remote_User and Remote-User into one HTTP_REMOTE_USER, so the alias
 * reaches the same variable past a proxy that strips only the dashed name.
 *
 * Only names no browser or ordinary client sends are listed: the
 * Redirect field oauth2-proxy reads from the request, Cloudflare's
 * client-side Cf-Access-Client-Id/-Token, Google's X-Goog-Api-Client,
 * AWS's X-Amzn-Trace-Id and Azure's X-Ms-Client-Request-Id stay out. */
#include <string.h>
#include "fwd.h"

struct ident_name {
	const char *s;
	uint8_t len;
	uint8_t single;           /* one value per request: a second copy is a conflict */
};

#define N(str, single) { str, sizeof(str) - 1, single }

/* Whole names.  The single-valued ones come first: their position is
 * their bit in fwd_msg.ident_seen (at most 32). */
static const struct ident_name exact[] = {
	/* oauth2-proxy (--pass-user-headers, --set-xauthrequest) and nginx auth_request */
	N("x-forwarded-user", 1), N("x-forwarded-email", 1), N("x-forwarded-preferred-username", 1),
	N("x-forwarded-access-token", 1), N("x-auth-request-user", 1), N("x-auth-request-email", 1),
	N("x-auth-request-preferred-username", 1), N("x-auth-request-access-token", 1),
	/* Apache REMOTE_USER style, Authelia, the Kubernetes front proxy */
	N("remote-user", 1), N("x-remote-user", 1), N("remote-email", 1), N("remote-name", 1),
	N("x-authenticated-user", 1), N("x-authenticated-userid", 1), N("x-webauth-user", 1),
	/* Google IAP, Cloudflare Access, Pomerium, Teleport, Vouch */
	N("x-goog-authenticated-user-email", 1), N("x-goog-authenticated-user-id", 1),
	N("x-goog-iap-jwt-assertion", 1), N("cf-access-authenticated-user-email", 1),
	N("cf-access-jwt-assertion", 1), N("x-pomerium-jwt-assertion", 1),
	N("teleport-jwt-assertion", 1), N("x-vouch-user", 1),
	/* Azure App Service authentication, Kong, client certificates */
	N("x-ms-client-principal", 1), N("x-ms-client-principal-id", 1),
	N("x-ms-client-principal-name", 1), N("x-ms-client-principal-idp", 1),
	N("x-consumer-id", 1), N("x-consumer-username", 1), N("x-consumer-custom-id", 1),
	N("x-credential-identifier", 1), N("x-forwarded-client-cert", 1),
	/* lists: several copies are how some proxies send several values */
	N("x-forwarded-groups", 0), N("x-auth-request-groups", 0), N("remote-groups", 0),
	N("x-remote-group", 0), N("x-authenticated-scope", 0), N("x-anonymous-consumer", 0),
	N("x-forwarded-tls-client-cert", 0), N("x-forwarded-tls-client-cert-info", 0),
};

static const struct ident_name prefixes[] = {
	N("x-internal-", 0), N("x-authentik-", 0), N("x-pomerium-claim-", 0),
	N("x-amzn-oidc-", 0), N("x-amzn-mtls-", 0), N("x-ms-token-", 0),
	N("x-remote-extra-", 0), N("x-vouch-idp-", 0), N("tailscale-user-", 0),
	N("x-ssl-client-", 0), N("ssl-client-", 0),
};
#undef N

#define NEXACT (sizeof(exact) / sizeof(exact[0]))
#define NPREFIX (sizeof(prefixes) / sizeof(prefixes[0]))

/* Index ranges fwd_ident_match hands out. */
enum { IDX_CFG = 64, IDX_PREFIX = 128 };

_Static_assert(NEXACT < IDX_CFG, "identity table index range");

/* Could a lower-cased name be a built-in one?  The starts of every
 * listed name ("x-", "rem", "cf-", "tel", "tai", "ssl", '_' for '-'):
 * the fields browsers send are turned away on two or three bytes. */
static int builtin_may(const char *n, uint32_t len)
{
	if (len < 8)
		return 0;
	int dash2 = n[2] == '-' || n[2] == '_';
	switch (n[0]) {
	case 'x': return n[1] == '-' || n[1] == '_';
	case 'r': return n[1] == 'e' && n[2] == 'm';
	case 'c': return n[1] == 'f' && dash2;
	case 't': return (n[1] == 'e' && n[2] == 'l') || (n[1] == 'a' && n[2] == 'i');
	case 's': return n[1] == 's' && n[2] == 'l';
	default: return 0;
	}
}

int fwd_ident_match(const struct fwd_cfg *cfg, const char *name, uint32_t len, int *alias)
{
	char n[FWD_IDENT_NAME_MAX + 8];
	int has_cfg = cfg && (cfg->nident || cfg->nident_prefix);
	if (len == 0 || (!has_cfg && !builtin_may(name, len)))
		return -1;
	/* names longer than any listed are compared on their start (prefixes) */
	uint32_t k = len < sizeof(n) ? len : sizeof(n) - 1;
	*alias = 0;
	for (uint32_t i = 0; i < k; i++) {
		n[i] = name[i] == '_' ? '-' : name[i];
		*alias |= name[i] == '_';
	}
	n[k] = 0;
	if (len < sizeof(n)) {
		for (unsigned i = 0; i < NEXACT; i++)
			if (exact[i].len == len && n[0] == exact[i].s[0] && memcmp(n, exact[i].s, len) == 0)
				return (int)i;
		for (unsigned i = 0; has_cfg && i < cfg->nident; i++)
			if (strcmp(n, cfg->ident[i]) == 0)
				return IDX_CFG + (int)i;
	}
	for (unsigned i = 0; i < NPREFIX; i++)
		if (k > prefixes[i].len && memcmp(n, prefixes[i].s, prefixes[i].len) == 0)
			return IDX_PREFIX;
	for (unsigned i = 0; has_cfg && i < cfg->nident_prefix; i++) {
		size_t pl = strlen(cfg->ident_prefix[i]);
		if (k >= pl && memcmp(n, cfg->ident_prefix[i], pl) == 0)
			return IDX_PREFIX;
	}
	return -1;
}

unsigned fwd_ident_seen(struct fwd_msg *f, int idx, int alias)
{
	unsigned facts = FWD_ID_SEEN | (alias ? FWD_ID_ALIAS : 0);
	int bit = -1;
	if (idx >= 0 && idx < (int)NEXACT && exact[idx].single)
		bit = idx;                            /* < 32: the single ones lead */
	else if (idx >= IDX_CFG && idx < IDX_CFG + FWD_IDENT_MAX)
		bit = 32 + (idx - IDX_CFG);           /* a configured name is one value */
	if (bit >= 0) {
		uint8_t m = 1u << (bit & 7);
		if (f->ident_seen[bit >> 3] & m)
			facts |= FWD_ID_REPEATED;
		f->ident_seen[bit >> 3] |= m;
	}
	f->ident |= facts;
	return facts;
}

int fwd_ident_name_parse(const char *s, char out[FWD_IDENT_NAME_MAX])
{
	size_t n = strlen(s);
	if (n == 0 || n >= FWD_IDENT_NAME_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		else if (c == '_')
			c = '-';
		/* token characters that appear in field names */
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' ||
		      c == '*' || c == '+' || c == '^' || c == '`' || c == '|' || c == '~'))
			return -1;
		out[i] = c;
	}
	out[n] = 0;
	return 0;
}
