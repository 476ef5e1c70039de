/* ws.c — WebSocket frame rules (RFC 6455 §5.2–§5.6, §7.4). */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include "insp.h"
#include "ws.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

void ws_accept_for(const char *key, uint32_t klen, char out[32])
{
	uint8_t buf[128], md[SHA_DIGEST_LENGTH];
	if (klen > 64)
		klen = 64;
	memcpy(buf, key, klen);
	memcpy(buf + klen, WS_GUID, sizeof(WS_GUID) - 1);
	SHA1(buf, klen + sizeof(WS_GUID) - 1, md);
	EVP_EncodeBlock((unsigned char *)out, md, SHA_DIGEST_LENGTH);
}

const struct ws_origin_rule *ws_origin_rule_for(const struct ws_origin_policy *p, const char *host,
						 uint32_t len)
{
	for (uint32_t i = 0; p && i < p->n; i++)
		if (strlen(p->rule[i].host) == len && strncasecmp(p->rule[i].host, host, len) == 0)
			return &p->rule[i];
	return NULL;
}

int ws_origin_allowed(const struct ws_origin_rule *r, const char *origin, uint32_t len)
{
	for (uint32_t i = 0; i < r->nallow; i++)
		if (strlen(r->allow[i]) == len && strncasecmp(r->allow[i], origin, len) == 0)
			return 1;
	return 0;
}

void ws_conn_init(struct ws_conn *c, int deflate, uint64_t cli_off, uint64_t srv_off)
{
	memset(c, 0, sizeof(*c));
	c->deflate = deflate;
	c->d[0].off = cli_off;
	c->d[1].off = srv_off;
}

struct wctx {
	struct insp_sess *s;
	struct ws_conn *c;
	struct ws_dir *d;
	const struct insp_env *env;
	int is_client;
};

static void raise(struct wctx *x, enum finding f)
{
	struct insp_hit hit = {
		.finding = f,
		.dir = x->is_client ? x->s->client_dir : !x->s->client_dir,
		.offset = x->d->off,
		.tier = finding_table[f].tier,
		.action = -1,
	};
	struct insp_meta *m = &x->s->meta;
	m->ws_valid = 1;
	m->ws_opcode = x->d->opcode;
	m->ws_fin = x->d->fin;
	m->ws_mask = x->d->masked ? (uint32_t)x->d->mask[0] << 24 | x->d->mask[1] << 16 |
				    x->d->mask[2] << 8 | x->d->mask[3] : 0;
	x->env->emit(x->env->user, &hit, m);
}

/* UTF-8 validation (RFC 3629) one byte at a time: state = bytes still
 * expected, with the first-continuation ranges that exclude overlongs
 * and surrogates encoded as states 4..7. */
static int utf8_step(uint8_t *st, uint8_t b)
{
	switch (*st) {
	case 0:
		if (b < 0x80) return 0;
		if (b >= 0xc2 && b <= 0xdf) { *st = 1; return 0; }
		if (b == 0xe0) { *st = 4; return 0; }                  /* A0..BF then 1 */
		if ((b >= 0xe1 && b <= 0xec) || b == 0xee || b == 0xef) { *st = 2; return 0; }
		if (b == 0xed) { *st = 5; return 0; }                  /* 80..9F then 1 */
		if (b == 0xf0) { *st = 6; return 0; }                  /* 90..BF then 2 */
		if (b >= 0xf1 && b <= 0xf3) { *st = 3; return 0; }
		if (b == 0xf4) { *st = 7; return 0; }                  /* 80..8F then 2 */
		return -1;
	case 1: case 2: case 3:
		if ((b & 0xc0) != 0x80) return -1;
		(*st)--;
		return 0;
	case 4: if (b < 0xa0 || b > 0xbf) return -1; *st = 1; return 0;
	case 5: if (b < 0x80 || b > 0x9f) return -1; *st = 1; return 0;
	case 6: if (b < 0x90 || b > 0xbf) return -1; *st = 2; return 0;
	case 7: if (b < 0x80 || b > 0x8f) return -1; *st = 2; return 0;
	}
	return -1;
}

static void enter_payload(struct wctx *x);

static void frame_header_done(struct wctx *x)
{
	struct ws_dir *d = x->d;
	uint8_t b0 = d->hdr[0], b1 = d->hdr[1];
	d->fin = b0 >> 7;
	d->opcode = b0 & 15;
	d->masked = b1 >> 7;
	uint8_t rsv = (b0 >> 4) & 7;
	uint8_t len7 = b1 & 127;
	if (x->is_client && !d->masked)
		raise(x, F_WS_UNMASKED_CLIENT);
	if (!x->is_client && d->masked)
		raise(x, F_WS_MASKED_SERVER);
	if (rsv & ~(x->c->deflate ? 4 : 0))
		raise(x, F_WS_RSV_INVALID);
	int control = d->opcode >= 8;
	if ((d->opcode >= 3 && d->opcode <= 7) || d->opcode >= 11)
		raise(x, F_WS_OPCODE_RESERVED);
	if (control && (!d->fin || len7 > 125))
		raise(x, F_WS_CONTROL_INVALID);
	if (!control) {
		if (d->opcode == 0 && !d->in_msg)
			raise(x, F_WS_FRAGMENT_INVALID);
		if (d->opcode != 0 && d->in_msg)
			raise(x, F_WS_FRAGMENT_INVALID);
	}
	d->need = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
	d->left = len7 < 126 ? len7 : 0;
	d->hgot = 0;
	d->st = d->need ? 1 : 2;
	if (!d->need && !d->masked)
		enter_payload(x);
}

static void length_done(struct wctx *x)
{
	struct ws_dir *d = x->d;
	uint64_t v = 0;
	for (int i = 0; i < d->need; i++)
		v = v << 8 | d->ext[i];
	if ((d->need == 2 && v < 126) || (d->need == 8 && (v < 65536 || (v >> 63))))
		raise(x, F_WS_LENGTH_INVALID);
	if (d->need == 8 && (v >> 63)) {
		d->st = 4;
		return;
	}
	d->left = v;
	d->hgot = 0;
	d->st = 2;
	if (!d->masked)
		enter_payload(x);
}

/* Each limit is reported once per direction: bit 0 frame, 1 message,
 * 2 frame rate, 3 byte rate. */
static void over(struct wctx *x, int bit, enum finding f)
{
	if (x->d->flagged & (1u << bit))
		return;
	x->d->flagged |= 1u << bit;
	raise(x, f);
}

static void payload_start(struct wctx *x)
{
	struct ws_dir *d = x->d;
	const struct insp_limits *lim = x->env->lim;
	d->done = 0;
	d->close_got = 0;
	if (d->left > lim->ws_max_frame)
		over(x, 0, F_WS_FRAME_TOO_LARGE);
	if (d->opcode == 1 || d->opcode == 2) {
		d->msg_text = d->opcode == 1 && !(x->c->deflate && (d->hdr[0] & 0x40));
		d->msg_bytes = 0;
		d->utf8_state = 0;
	}
	if (d->opcode < 3) {
		d->msg_bytes += d->left;
		if (d->msg_bytes > lim->ws_max_message)
			over(x, 1, F_WS_MESSAGE_TOO_LARGE);
	}
	if (x->env->now_ns && (lim->ws_max_frames_per_s || lim->ws_max_bytes_per_s)) {
		uint64_t sec = *x->env->now_ns / 1000000000ull;
		if (sec != d->rate_sec) {
			d->rate_sec = sec;
			d->rate_frames = 0;
			d->rate_bytes = 0;
		}
		d->rate_frames++;
		d->rate_bytes += d->left;
		if (lim->ws_max_frames_per_s && d->rate_frames > lim->ws_max_frames_per_s)
			over(x, 2, F_WS_FRAME_RATE);
		if (lim->ws_max_bytes_per_s && d->rate_bytes > lim->ws_max_bytes_per_s)
			over(x, 3, F_WS_BYTE_RATE);
	}
}

static void frame_done(struct wctx *x);

/* The header is complete: judge the frame's size, then read its payload. */
static void enter_payload(struct wctx *x)
{
	payload_start(x);
	x->d->st = 3;
	if (x->d->left == 0)
		frame_done(x);
}

static void frame_done(struct wctx *x)
{
	struct ws_dir *d = x->d;
	if (d->opcode == 8) {
		if (d->close_got == 1)
			raise(x, F_WS_CLOSE_INVALID);
		else if (d->close_got == 2) {
			uint16_t code = d->close_code[0] << 8 | d->close_code[1];
			int ok = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
				 (code >= 3000 && code <= 4999);
			if (!ok)
				raise(x, F_WS_CLOSE_INVALID);
		}
	}
	if (d->opcode < 3) {
		if (d->fin) {
			if (d->msg_text && d->utf8_state)
				raise(x, F_WS_UTF8_INVALID);
			d->in_msg = 0;
		} else {
			d->in_msg = 1;
		}
	}
	d->st = 0;
	d->hgot = 0;
}

void ws_feed(struct insp_sess *s, int is_client, const uint8_t *p, uint32_t n,
	     const struct insp_env *env)
{
	struct ws_conn *c = s->ws;
	struct wctx x = { s, c, &c->d[is_client ? 0 : 1], env, is_client };
	struct ws_dir *d = x.d;
	uint32_t i = 0;
	while (i < n) {
		switch (d->st) {
		case 0:
			d->hdr[d->hgot++] = p[i++];
			d->off++;
			if (d->hgot == 2)
				frame_header_done(&x);
			break;
		case 1:
			d->ext[d->hgot++] = p[i++];
			d->off++;
			if (d->hgot == d->need)
				length_done(&x);
			break;
		case 2:
			d->mask[d->hgot++] = p[i++];
			d->off++;
			if (d->hgot == 4)
				enter_payload(&x);
			break;
		case 3: {
			uint64_t k = n - i < d->left ? n - i : d->left;
			/* unmask only what a rule reads: close codes and text */
			int text = (d->opcode == 1 || (d->opcode == 0 && d->in_msg)) && d->msg_text;
			if (d->opcode == 8) {
				for (uint64_t j = 0; j < k && d->close_got < 2; j++)
					d->close_code[d->close_got++] = p[i + j] ^ (d->masked ? d->mask[(d->done + j) & 3] : 0);
			} else if (text) {
				/* 32, then 8 bytes at a time while they are ASCII */
				uint64_t m8[4] = { 0, 0, 0, 0 };
				if (d->masked)
					for (int r = 0; r < 4; r++)
						for (int t = 0; t < 8; t++)
							m8[r] |= (uint64_t)d->mask[(r + t) & 3] << (8 * t);
				for (uint64_t j = 0; j < k;) {
#ifdef __SSE2__
					if (d->utf8_state == 0 && k - j >= 32) {
						uint64_t r8 = m8[(d->done + j) & 3];
						__m128i mk = _mm_set_epi64x((long long)r8, (long long)r8);
						__m128i a = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(p + i + j)), mk);
						__m128i b = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(p + i + j + 16)), mk);
						if (!_mm_movemask_epi8(_mm_or_si128(a, b))) {
							j += 32;     /* 32 is a multiple of 4: the mask phase holds */
							continue;
						}
					}
#endif
					if (d->utf8_state == 0 && k - j >= 8) {
						uint64_t v;
						memcpy(&v, p + i + j, 8);
						v ^= m8[(d->done + j) & 3];
						if (!(v & 0x8080808080808080ull)) {
							j += 8;
							continue;
						}
					}
					uint8_t b = p[i + j] ^ (d->masked ? d->mask[(d->done + j) & 3] : 0);
					if (utf8_step(&d->utf8_state, b) < 0) {
						raise(&x, F_WS_UTF8_INVALID);
						d->msg_text = 0;
						break;
					}
					j++;
				}
			}
			i += k;
			d->off += k;
			d->done += k;
			d->left -= k;
			if (d->left == 0)
				frame_done(&x);
			break;
		}
		default:
			d->off += n - i;
			return;
		}
	}
}
