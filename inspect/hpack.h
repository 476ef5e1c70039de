/* hpack.h — HPACK decoder (RFC 7541) with a bounded dynamic table.
 *
 * One decoder per direction of an HTTP/2 connection.  The dynamic table
 * lives inside the struct (HPACK_BUDGET bytes), so decoding never
 * allocates; a peer that asks for a larger table than the budget is
 * reported, not followed. */
#ifndef SEAM_HPACK_H
#define SEAM_HPACK_H

#include <stdint.h>

#define HPACK_BUDGET 4096          /* bytes of name+value kept per table */
#define HPACK_MAX_ENTRIES (HPACK_BUDGET / 32)
#define HPACK_STR_MAX 8192         /* longest decoded name or value */

struct hpack_static { const char *name, *value; uint8_t nlen, vlen; };
struct hpack_huff_code { uint32_t code; uint8_t bits; };
extern const struct hpack_static hpack_static_table[61];
extern const struct hpack_huff_code hpack_huff_codes[257];

enum hpack_err {
	HPACK_OK = 0,
	HPACK_ERR_TRUNC,           /* block ends inside a representation */
	HPACK_ERR_INDEX,           /* index 0 or beyond the tables */
	HPACK_ERR_HUFFMAN,         /* bad code, EOS, or padding not 1s / over 7 bits */
	HPACK_ERR_INT,             /* integer overflow */
	HPACK_ERR_SIZE_UPDATE,     /* size update after a field, or above the limit */
	HPACK_ERR_BUDGET,          /* table size the peer allows exceeds our budget */
	HPACK_ERR_TOO_LONG,        /* a string longer than HPACK_STR_MAX */
};

struct hpack_ent { uint16_t off, nlen, vlen; };

struct hpack_dec {
	uint32_t limit;            /* SETTINGS_HEADER_TABLE_SIZE the decoder side announced */
	uint32_t max_size;         /* current maximum (size updates) */
	uint32_t size;             /* RFC size: sum of name + value + 32 */
	uint16_t n;                /* entries */
	uint16_t newest;           /* slot of the newest entry */
	uint32_t wpos;             /* next write offset in data */
	struct hpack_ent ent[HPACK_MAX_ENTRIES];
	uint8_t data[HPACK_BUDGET];
};

/* Called for each decoded field; return non-zero to stop. */
typedef int (*hpack_field_fn)(void *ctx, const uint8_t *name, uint32_t nlen,
			      const uint8_t *value, uint32_t vlen);

void hpack_init(struct hpack_dec *d);
/* Decode one complete header block. */
enum hpack_err hpack_decode(struct hpack_dec *d, const uint8_t *p, uint32_t n,
			    hpack_field_fn fn, void *ctx);
/* Huffman-decode src into dst (dstmax bytes); returns length or -1. */
int hpack_huff_decode(const uint8_t *src, uint32_t n, uint8_t *dst, uint32_t dstmax);
const char *hpack_err_name(enum hpack_err e);

#endif
