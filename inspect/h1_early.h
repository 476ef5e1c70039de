/* h1_early.h — bytes a client sends ahead of the answer to an Upgrade or
 * CONNECT request.
 *
 * Nothing but the request belongs to the connection until the answer
 * (RFC 9110 §7.8; RFC 6455 §4.1: a WebSocket client MUST wait for the
 * 101).  A proxy that switches to a tunnel on seeing the request forwards
 * what follows it raw, while the back end that refuses the switch reads
 * it as its next request (CVE-2026-2833).  So any byte after an Upgrade
 * request and before its answer, and any HTTP request behind a CONNECT, is
 * a finding -- raised when the byte is read, whatever the mode.  A TLS
 * hello (or anything that is not an HTTP request) behind a CONNECT is the
 * optimistic tunnel some clients open, and stays opaque.
 *
 * The verdict must not depend on which direction the capture shows first:
 *  - bytes read while the answer is pending are held (bounded: one buffer
 *    of H1_EARLY_MAX bytes per flow, from the caller's pool) and read once
 *    the answer says how: WebSocket frames after a 101 to websocket, h2
 *    after a 101 to h2c, the tunnel's first bytes after CONNECT 2xx,
 *    HTTP/1 after a refusal.  What does not fit is the counted reason
 *    h1.early_data_unread, and that direction is not read further.
 *  - bytes read after the answer were still sent before it when the
 *    client's TCP acknowledgement (insp_ack) does not cover the answer:
 *    they raise the same finding, and are read as they come.
 * State per flow is this small struct; the buffer is taken only while
 * bytes wait. */
#ifndef SEAM_H1_EARLY_H
#define SEAM_H1_EARLY_H

#include <stdint.h>

#define H1_EARLY_MAX 2048        /* bytes held per flow while an answer is pending */

enum h1_early_state {
	EARLY_IDLE = 0,          /* no Upgrade/CONNECT answer pending */
	EARLY_WAIT,              /* request read, answer not yet: client bytes are early */
	EARLY_ANSWERED,          /* answer read: the client's next bytes are early if their ACK misses it */
	EARLY_CLASSIFY,          /* ... they were, behind a CONNECT: held until they show a request or not */
};

struct h1_early {
	uint8_t st;              /* enum h1_early_state */
	uint8_t dir : 1;         /* TCP direction of the waiting request's client */
	uint8_t connect : 1;     /* that request is a CONNECT (else an Upgrade) */
	uint8_t decided : 1;     /* CONNECT: the early bytes showed what they are */
	uint8_t lost : 1;        /* bytes beyond what could be held */
	uint8_t replay : 1;      /* the answer is read: held bytes are due */
	uint8_t have_ack : 1;    /* acked holds the ACK sent with the client's next bytes */
	uint8_t no_ack : 1;      /* the server's stream had a gap: offsets from ACKs are not trusted */
	uint8_t flagged;         /* findings raised for this wait (FLAGGED_* in h1_early.c) */
	uint16_t len;            /* bytes in buf */
	/* server stream offsets, low 32 bits (compared as TCP sequence
	 * numbers are: the two are never 2 GB apart) */
	uint32_t ans_end;        /* just past the answer's header block */
	uint32_t acked;          /* what the client had received (its ACK) */
	uint8_t *buf;            /* H1_EARLY_MAX bytes from env->early_get, NULL when none held */
};

struct insp_sess;
struct insp_env;

/* The client finished an Upgrade (connect=0) or CONNECT request in TCP
 * direction dir: from now until the answer its bytes are early. */
void h1_early_await(struct insp_sess *s, int connect, int dir);

/* The HTTP/1 request side is waiting (H1_AWAIT) and n bytes arrived: they
 * are judged and held (or, behind a CONNECT, found not to be HTTP and left
 * opaque: the request side then goes H1_TUNNEL).  Returns 1 when they were
 * taken, 0 when no wait is open (the caller reads them as HTTP/1). */
int h1_early_take(struct insp_sess *s, const uint8_t *p, uint32_t n, const struct insp_env *env);

/* The answer's header block ended at server offset end and the connection
 * already turned into what it answered.  Held bytes become due
 * (h1_early_replay); without any, the client's next bytes are checked
 * against their ACK. */
void h1_early_answered(struct insp_sess *s, uint64_t end);

/* Client bytes while the watch after an answer is on (insp_feed, before
 * they are counted).  Returns 1 when they were taken (held until they show
 * what they are), 0 when the caller reads them on. */
int h1_early_gate(struct insp_sess *s, const uint8_t *p, uint32_t n, const struct insp_env *env);

/* Read the held bytes as the answer left the connection, and give the
 * buffer back. */
void h1_early_replay(struct insp_sess *s, const struct insp_env *env);

/* Flow end: give a held buffer back. */
void h1_early_release(struct insp_sess *s, const struct insp_env *env);

#endif
