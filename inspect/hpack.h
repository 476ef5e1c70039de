/* hpack.h — HPACK decoder (RFC 7541) with a bounded dynamic table.
 *
 * One decoder per direction of an HTTP/2 connection.  Decoding never
 * allocates.  The table is followed exactly up to HPACK_TABLE_MAX bytes
 * (RFC 7541 §4.1 size: name + value + 32 per entry), which covers the
 * 64 KiB browsers announce: every entry's size is kept, so eviction and
 * indexing stay in step with the peer.  The entries' bytes are kept only
 * for the newest HPACK_DATA bytes; a field that refers to an older entry
 * is unknown to Seam ("blind"), not an error: it is skipped and the
 * block is marked, and decoding goes on in step.  A table the peer is
 * allowed to grow beyond HPACK_TABLE_MAX is reported (HPACK_ERR_BUDGET),
 * not followed.
 *
 * A header block may be decoded in pieces as it arrives (hpack_block_begin,
 * then hpack_decode_some until the block's last byte): each call decodes
 * the complete representations it is given and says how many bytes it
 * used; the caller keeps the rest and hands it back with more.  A value
 * longer than the caller can keep is read in passing (its length, first
 * bytes and whether it holds CR, LF or NUL), so no field length is a
 * reason to stop following the connection. */
#ifndef SEAM_HPACK_H
#define SEAM_HPACK_H

#include <stdint.h>

#define HPACK_TABLE_MAX 65536      /* largest table followed (Chrome, Firefox announce 64 KiB) */
#define HPACK_MAX_ENTRIES (HPACK_TABLE_MAX / 32)   /* every entry costs at least 32 */
#define HPACK_DATA 16384           /* bytes of the newest entries' names and values kept */
#define HPACK_STR_MAX 32768        /* longest decoded name or value */
#define HPACK_DEFAULT_TABLE 4096   /* SETTINGS_HEADER_TABLE_SIZE before any SETTINGS */

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
	HPACK_ERR_SIZE_UPDATE,     /* size update after a field, or above the announced limit */
	HPACK_ERR_BUDGET,          /* table size the peer may use exceeds HPACK_TABLE_MAX */
	HPACK_ERR_TOO_LONG,        /* a string longer than HPACK_STR_MAX */
};

struct hpack_huff { uint16_t node; uint8_t depth, ones; };   /* a Huffman string part-way */

/* What a value read in passing (hpack_decode_some with HPACK_FULL) showed
 * beyond the first bytes the callback gets. */
struct hpack_tail {
	uint32_t len;              /* decoded length */
	uint8_t ctl;               /* a CR, LF or NUL somewhere in it */
	uint8_t last;              /* its last byte */
};

#define HPACK_LONG_NAME 128        /* longest name a value read in passing may have */
#define HPACK_LONG_HEAD 256        /* first bytes of such a value kept for the callback */

struct hpack_long {
	uint8_t active, incr, huff, name_lost;
	uint16_t nlen, head_len;
	uint32_t left;             /* encoded bytes still to come */
	struct hpack_huff hs;
	struct hpack_tail tail;
	uint8_t name[HPACK_LONG_NAME];
	uint8_t head[HPACK_LONG_HEAD];
};

/* abs: the low 16 bits of the entry's first byte in the data stream.  A
 * live entry and all newer ones hold under 64 KiB of bytes, so the
 * 16-bit distance to the write position is exact. */
struct hpack_ent { uint16_t abs, nlen, vlen; };

struct hpack_dec {
	uint32_t limit;            /* largest SETTINGS_HEADER_TABLE_SIZE the decoding side announced */
	uint32_t max_size;         /* current maximum (size updates) */
	uint32_t size;             /* RFC size: sum of name + value + 32 */
	uint16_t n;                /* entries */
	uint16_t newest;           /* slot of the newest entry */
	uint32_t wpos;             /* bytes written to the data stream so far */
	uint8_t limit_unknown;     /* the decoding side's settings were not seen (h2c upgrade) */
	/* the block being decoded */
	uint8_t blind;             /* a field referred to an entry whose bytes were not kept */
	uint8_t quiet;             /* the callback asked to stop: fields skipped, table kept */
	uint32_t fields;           /* representations other than size updates so far */
	struct hpack_long lv;      /* a value being read in passing */
	uint8_t unknown[HPACK_MAX_ENTRIES / 8];   /* entries whose name was not known */
	struct hpack_ent ent[HPACK_MAX_ENTRIES];
	uint8_t data[HPACK_DATA];
};

/* Called for each decoded field; return non-zero to get no more fields of
 * this block (the table is still kept in step).  tail is NULL, or set for
 * a value read in passing: value then holds only its first bytes. */
typedef int (*hpack_field_fn)(void *ctx, const uint8_t *name, uint32_t nlen,
			      const uint8_t *value, uint32_t vlen, const struct hpack_tail *tail);

void hpack_init(struct hpack_dec *d);
/* The decoding side announced SETTINGS_HEADER_TABLE_SIZE v. */
void hpack_set_limit(struct hpack_dec *d, uint32_t v);
/* A new header block starts. */
void hpack_block_begin(struct hpack_dec *d);
/* Decode the complete representations at the start of p[0..n).  *used
 * gets the bytes consumed; a representation cut at the end is left for the
 * next call, unless flags has HPACK_LAST (then it is an error) or
 * HPACK_FULL (the caller cannot hold more: a value is then read in
 * passing, a name that long is HPACK_ERR_BUDGET).  Fields go to fn as
 * they are decoded. */
#define HPACK_LAST 1
#define HPACK_FULL 2
enum hpack_err hpack_decode_some(struct hpack_dec *d, const uint8_t *p, uint32_t n, int flags,
				 uint32_t *used, hpack_field_fn fn, void *ctx);
/* Decode one complete header block (hpack_block_begin + hpack_decode_some). */
enum hpack_err hpack_decode(struct hpack_dec *d, const uint8_t *p, uint32_t n,
			    hpack_field_fn fn, void *ctx);
/* Huffman-decode src into dst (dstmax bytes); returns length or -1. */
int hpack_huff_decode(const uint8_t *src, uint32_t n, uint8_t *dst, uint32_t dstmax);
const char *hpack_err_name(enum hpack_err e);

#endif
