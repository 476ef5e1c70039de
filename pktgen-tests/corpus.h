/* corpus.h — reader for the conversation corpus (*.case files).
 *
 * A case is a named conversation with an expected verdict:
 *
 *   case cl_te_basic
 *   expect h1.cl_and_te            (findings that must be raised; "none" = benign)
 *   c POST / HTTP/1.1\r\nHost: a\r\n     client bytes, C escapes (\r \n \t \\ \xHH)
 *   s HTTP/1.1 200 OK\r\n                server bytes
 *   C GET /next HTTP/1.1\r\n             client bytes sent before the chunk
 *                                      above reached the client (crossed)
 *   end
 *
 * Consecutive lines of one side join into one chunk; chunks keep their
 * order, so pairing of requests and responses is part of the case.  A
 * crossed chunk (C or S) is seen after the other side's chunk before it,
 * but its sender's ACK does not cover that chunk: the two crossed in
 * flight, as a capture near the receiver shows them.
 *
 * Optional lines say how the capture saw the connection:
 *   midstream            the capture starts after the handshake (the
 *                        first chunk may be the rest of a message)
 *   close client|server|reset   who ends it: the client's FIN first (the
 *                        default), the server's FIN first, or a client RST */
#ifndef SEAM_CORPUS_H
#define SEAM_CORPUS_H

#include <stdint.h>
#include <stddef.h>

#define CORPUS_MAX_CHUNKS 64
#define CORPUS_MAX_EXPECT 8

struct corpus_chunk {
	int dir;                  /* 0 client (initiator), 1 server */
	int crossed;              /* sent before the previous chunk arrived (C / S) */
	uint8_t *data;
	uint32_t len;
};

enum corpus_close { CORPUS_CLOSE_CLIENT = 0, CORPUS_CLOSE_SERVER, CORPUS_CLOSE_RESET };

struct corpus_case {
	char name[96];
	char file[64];
	int line;
	int benign;               /* expect none */
	int midstream;            /* no handshake: picked up midway */
	int close;                /* enum corpus_close */
	int nexpect;
	char expect[CORPUS_MAX_EXPECT][48];
	int nchunks;
	struct corpus_chunk chunk[CORPUS_MAX_CHUNKS];
};

struct corpus {
	int n;
	struct corpus_case *cases;
};

/* Load every *.case file under dir (sorted by name).  Returns 0, or -1 with
 * "file:line: reason" in err. */
int corpus_load_dir(struct corpus *c, const char *dir, char *err, size_t errlen);
int corpus_load_file(struct corpus *c, const char *path, char *err, size_t errlen);
void corpus_free(struct corpus *c);
/* How many of the case's chunks make its first exchange: everything before
 * the client's second turn. */
int corpus_first_exchange(const struct corpus_case *k);

#endif
