/* ws.h — WebSocket frames after a 101 (RFC 6455 §5): masking by side,
 * RSV bits only as negotiated, opcodes, control-frame rules, fragmentation,
 * minimal lengths, close codes, UTF-8 in text.  Payload bytes are only
 * unmasked where a rule needs them (close codes, text validation). */
#ifndef SEAM_WS_H
#define SEAM_WS_H

#include <stdint.h>

struct ws_dir {
	uint8_t st;               /* 0 header, 1 ext length, 2 mask, 3 payload, 4 dead */
	uint8_t hdr[2];
	uint8_t hgot, need;
	uint8_t ext[8], mask[4];
	uint8_t opcode, fin, masked;
	uint8_t in_msg;           /* a fragmented data message is open */
	uint8_t msg_text;         /* ... and it is text */
	uint8_t utf8_state;       /* streaming UTF-8 validator */
	uint8_t close_got;
	uint8_t close_code[2];
	uint64_t left;            /* payload bytes left in this frame */
	uint64_t done;            /* payload bytes read (mask offset) */
	uint64_t msg_bytes;
	uint64_t off;
	uint64_t rate_sec;        /* the second the counts below belong to */
	uint32_t rate_frames;
	uint64_t rate_bytes;
	uint8_t flagged;          /* limits already reported, one bit each */
};

struct ws_conn {
	struct ws_dir d[2];       /* [0] client's frames, [1] server's */
	uint8_t deflate;          /* permessage-deflate negotiated: RSV1 allowed */
};

/* Per-host Origin rules (config websocket.origins): a handshake to host
 * may come from exactly the listed origins ("https://app.example:8443",
 * "null"), and with same_site from any scheme and port of Host's site. */
#define WS_ORIGIN_RULES 32
#define WS_ORIGIN_ALLOW 8
struct ws_origin_rule {
	char host[64];
	char allow[WS_ORIGIN_ALLOW][96];
	uint8_t nallow;
	uint8_t same_site;
};
struct ws_origin_policy {
	uint32_t n;
	struct ws_origin_rule rule[WS_ORIGIN_RULES];
};
/* The rule for host (no port), or NULL. */
const struct ws_origin_rule *ws_origin_rule_for(const struct ws_origin_policy *p, const char *host,
						 uint32_t len);
/* Is origin (the whole header value) one the rule lists? */
int ws_origin_allowed(const struct ws_origin_rule *r, const char *origin, uint32_t len);

struct insp_sess;
struct insp_env;
void ws_conn_init(struct ws_conn *c, int deflate, uint64_t cli_off, uint64_t srv_off);
void ws_feed(struct insp_sess *s, int is_client, const uint8_t *p, uint32_t n,
	     const struct insp_env *env);

/* base64(SHA-1(key + RFC 6455 GUID)) into out (29 bytes with NUL). */
void ws_accept_for(const char *key, uint32_t klen, char out[32]);

#endif
