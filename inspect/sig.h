/* sig.h — the Hyperscan signature stage.
 *
 * Signatures are compiled once into one block-mode database per scope; the
 * HTTP/1 analyzer hands each scope's bytes (a request line, one header
 * field, the start of a body) to sig_scan() as it completes them, with the
 * worker's own scratch.  A compiled set is immutable and may be shared by
 * all workers. */
#ifndef SEAM_SIG_H
#define SEAM_SIG_H

#include <stddef.h>
#include <stdint.h>
#include <hs/hs.h>

enum sig_scope {
	SCOPE_REQUEST_LINE = 0,  /* "METHOD target HTTP/x.y" (target up to 255 bytes) */
	SCOPE_HEADER,            /* "name:value", name lowercased, value trimmed (120 bytes) */
	SCOPE_HEADER_NAME,       /* the field name as sent, lowercased */
	SCOPE_BODY_START,        /* the first bytes of a request body or chunk */
	SCOPE__COUNT
};

struct sig {
	uint32_t id;             /* EVE alert.signature_id */
	uint8_t scope;           /* enum sig_scope */
	uint8_t tier;            /* enum tier */
	int8_t action;           /* enum vd_action, -1: the policy's action for the tier */
	uint8_t nocase;
	int line;                /* where it was defined */
	char msg[120];
	char *pattern;
};

struct sig_set {
	uint32_t n;
	struct sig *sigs;
	hs_database_t *db[SCOPE__COUNT];
	char source[256];
};

const char *sig_scope_name(int scope);
int sig_scope_from_name(const char *s);

/* Compile a set (sigs[] is taken over).  Returns 0, or -1 with
 * "file:line: signature ID: reason" in err. */
int sig_compile(struct sig_set *set, struct sig *sigs, uint32_t n, const char *file,
		char *err, size_t errlen);
void sig_free(struct sig_set *set);
/* A scratch for one worker; NULL on failure. */
hs_scratch_t *sig_scratch(const struct sig_set *set);
const struct sig *sig_by_id(const struct sig_set *set, uint32_t id);

typedef void (*sig_hit_fn)(void *ctx, const struct sig *s);
/* Scan one buffer of a scope; calls hit for each signature that matches. */
void sig_scan(const struct sig_set *set, hs_scratch_t *scratch, int scope, const uint8_t *p,
	      uint32_t n, sig_hit_fn hit, void *ctx);

#endif
