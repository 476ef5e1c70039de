/* fwd.c — address literals and header names for forwarding headers. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "fwd.h"

static const char *const cip_names[] = {
	"x-real-ip", "true-client-ip", "x-client-ip", "cf-connecting-ip", "x-cluster-client-ip",
	"client-ip", "fastly-client-ip", "x-originating-ip", NULL,
};

enum fwd_kind fwd_kind(const char *name, uint32_t len, int *alias, int *cip_bit)
{
	char n[48];
	*alias = 0;
	/* every listed name is 9 to 19 bytes and starts f, x, t or c: most
	 * fields are turned away here */
	if (len < 9 || len > 19 || !(name[0] == 'f' || name[0] == 'x' || name[0] == 't' || name[0] == 'c'))
		return FWD_NONE;
	for (uint32_t i = 0; i < len; i++) {
		n[i] = name[i] == '_' ? '-' : name[i];
		if (name[i] == '_')
			*alias = 1;
	}
	n[len] = 0;
	if (strcmp(n, "forwarded") == 0)
		return FWD_FORWARDED;
	if (strcmp(n, "x-forwarded-for") == 0)
		return FWD_XFF;
	if (strcmp(n, "x-forwarded-host") == 0 || strcmp(n, "x-forwarded-proto") == 0 ||
	    strcmp(n, "x-forwarded-port") == 0)
		return FWD_XF_OTHER;
	for (int i = 0; cip_names[i]; i++)
		if (strcmp(n, cip_names[i]) == 0) {
			*cip_bit = i;
			return FWD_CLIENT_IP;
		}
	return FWD_NONE;
}

/* inet_aton's permissive reading: 1-4 parts, each decimal, 0x hex or
 * 0-prefixed octal.  Returns 1 and the address when it parses. */
static int permissive_v4(const char *s, uint32_t n, uint8_t out[4])
{
	uint64_t parts[4];
	int np = 0;
	uint32_t i = 0;
	while (i < n) {
		if (np == 4)
			return 0;
		uint64_t v = 0;
		int base = 10, digits = 0;
		if (s[i] == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
			base = 16;
			i += 2;
		} else if (s[i] == '0' && i + 1 < n && s[i + 1] != '.') {
			base = 8;
		}
		while (i < n && s[i] != '.') {
			int d;
			char c = s[i];
			if (c >= '0' && c <= '9') d = c - '0';
			else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
			else return 0;
			if (d >= base || v > 0xffffffffull)
				return 0;
			v = v * base + d;
			digits++;
			i++;
		}
		if (!digits && base != 16)
			return 0;
		parts[np++] = v;
		if (i < n) {
			i++;
			if (i == n)
				return 0;
		}
	}
	if (np == 0)
		return 0;
	uint32_t addr;
	switch (np) {
	case 1: if (parts[0] > 0xffffffffull) return 0; addr = parts[0]; break;
	case 2: if (parts[0] > 255 || parts[1] > 0xffffff) return 0; addr = parts[0] << 24 | parts[1]; break;
	case 3: if (parts[0] > 255 || parts[1] > 255 || parts[2] > 0xffff) return 0;
		addr = parts[0] << 24 | parts[1] << 16 | parts[2]; break;
	default:
		for (int k = 0; k < 4; k++) if (parts[k] > 255) return 0;
		addr = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
	}
	out[0] = addr >> 24; out[1] = addr >> 16; out[2] = addr >> 8; out[3] = addr;
	return 1;
}

static int strict_v4(const char *s, uint32_t n, uint8_t out[4])
{
	int part = 0;
	uint32_t i = 0;
	while (part < 4) {
		uint32_t start = i, v = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
			return 0;
		out[part++] = v;
		if (part < 4) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n;
}

int fwd_parse_addr(const char *s, uint32_t n, struct fwd_addr *out)
{
	char buf[64];
	memset(out, 0, sizeof(*out));
	if (n == 0 || n >= sizeof(buf))
		return 0;
	if (strict_v4(s, n, out->a)) {
		out->ipver = 4;
		return 1;
	}
	memcpy(buf, s, n);
	buf[n] = 0;
	if (memchr(buf, ':', n)) {
		struct in6_addr a6;
		if (inet_pton(AF_INET6, buf, &a6) == 1) {
			memcpy(out->a, &a6, 16);
			out->ipver = 6;
			/* v4-mapped: judge as the IPv4 address it carries */
			static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
			if (memcmp(out->a, mapped, 12) == 0) {
				memmove(out->a, out->a + 12, 4);
				memset(out->a + 4, 0, 12);
				out->ipver = 4;
				return 2;
			}
			return 1;
		}
		return 0;
	}
	if (permissive_v4(s, n, out->a)) {
		out->ipver = 4;
		return 2;
	}
	return 0;
}

int fwd_addr_special(const struct fwd_addr *a)
{
	if (a->ipver == 4)
		return a->a[0] == 127 || a->a[0] == 0 || (a->a[0] == 169 && a->a[1] == 254);
	static const uint8_t zero[16];
	if (memcmp(a->a, zero, 15) == 0 && (a->a[15] == 0 || a->a[15] == 1))
		return 1;                               /* :: and ::1 */
	return a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80;   /* fe80::/10 */
}

int fwd_in_prefixes(const struct fwd_prefix *p, uint32_t n, const struct fwd_addr *a)
{
	for (uint32_t i = 0; i < n; i++) {
		if (p[i].ipver != a->ipver)
			continue;
		uint32_t bits = p[i].len, k = 0;
		while (bits >= 8 && p[i].a[k] == a->a[k]) {
			bits -= 8;
			k++;
		}
		if (bits >= 8)
			continue;
		if (bits == 0 || ((p[i].a[k] ^ a->a[k]) & (0xff << (8 - bits))) == 0)
			return 1;
	}
	return 0;
}

int fwd_prefix_parse(const char *s, struct fwd_prefix *out)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->a) == 1)
		out->ipver = 4;
	else if (inet_pton(AF_INET6, buf, out->a) == 1)
		out->ipver = 6;
	else
		return -1;
	int max = out->ipver == 4 ? 32 : 128;
	long len = max;
	if (slash) {
		char *end;
		len = strtol(slash + 1, &end, 10);
		if (*end || len < 0 || len > max)
			return -1;
	}
	out->len = len;
	return 0;
}
