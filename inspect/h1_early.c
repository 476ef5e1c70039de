/* h1_early.c — bytes a client sends ahead of an Upgrade or CONNECT answer
 * (RFC 9110 §7.8, RFC 6455 §4.1; see h1_early.h for why and how).
 *
 * The finding is raised as soon as the bytes show what they are, in every
 * mode: the inline path holds the segment that carries it like any other
 * finding, and offline the same finding comes whichever direction the
 * capture shows first.  Held bytes are read later only so that what they
 * hold (a smuggled request, early frames) is judged as the peer that
 * receives them will read it. */
#include <string.h>
#include "insp.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

enum { FLAGGED_EARLY = 1, FLAGGED_UNREAD = 2 };

static void flag(struct insp_sess *s, const struct insp_env *env, enum finding f, uint64_t off)
{
	struct insp_hit hit = {
		.finding = f,
		.dir = s->ahead.dir,
		.offset = off,
		.tier = finding_table[f].tier,
		.action = -1,
	};
	env->emit(env->user, &hit, &s->meta);
}

static void flag_early(struct insp_sess *s, const struct insp_env *env, uint64_t off)
{
	struct h1_early *e = &s->ahead;
	if (e->flagged & FLAGGED_EARLY)
		return;
	e->flagged |= FLAGGED_EARLY;
	flag(s, env, e->connect ? F_H1_CONNECT_EARLY_REQUEST : F_H1_UPGRADE_EARLY_DATA, off);
}

/* Bytes that cannot be held are not read: the counted reason, and the
 * direction's reading stops after what was held (its framing is lost). */
static void lose(struct insp_sess *s, const struct insp_env *env, uint64_t off)
{
	struct h1_early *e = &s->ahead;
	e->lost = 1;
	if (!(e->flagged & FLAGGED_UNREAD)) {
		e->flagged |= FLAGGED_UNREAD;
		flag(s, env, F_H1_EARLY_DATA_UNREAD, off);
	}
}

/* Keep p[0..n), which begins at stream offset off. */
static void hold(struct insp_sess *s, const uint8_t *p, uint32_t n, const struct insp_env *env,
		 uint64_t off)
{
	struct h1_early *e = &s->ahead;
	if (e->lost)
		return;
	if (!e->buf) {
		e->buf = env->early_get ? env->early_get(env->user) : NULL;
		if (unlikely(!e->buf)) {
			lose(s, env, off);
			return;
		}
	}
	uint32_t room = H1_EARLY_MAX - e->len;
	uint32_t k = n < room ? n : room;
	memcpy(e->buf + e->len, p, k);
	e->len += k;
	if (unlikely(k < n))
		lose(s, env, off + k);
}

static void put_buf(struct insp_sess *s, const struct insp_env *env, uint8_t *b)
{
	if (b && env->early_put)
		env->early_put(env->user, b);
}

/* Behind a CONNECT: do the early bytes (held ones, then p[0..n)) begin an
 * HTTP request?  1 yes (the finding), 0 no (the tunnel's own bytes),
 * -1 not yet known: p was held.  start: stream offset of the first early
 * byte. */
static int connect_bytes(struct insp_sess *s, const uint8_t *p, uint32_t n,
			 const struct insp_env *env, uint64_t start)
{
	struct h1_early *e = &s->ahead;
	uint8_t w[16];
	uint32_t k = e->len < sizeof(w) ? e->len : sizeof(w);
	if (k)
		memcpy(w, e->buf, k);
	uint32_t m = n < sizeof(w) - k ? n : sizeof(w) - k;
	memcpy(w + k, p, m);
	int r = h1_request_prefix(w, k + m);
	if (r < 0) {
		hold(s, p, n, env, start + e->len);
		if (!e->lost)
			return -1;
		r = 1;                /* nowhere to look further: the strict reading */
	}
	e->decided = 1;
	if (r)
		flag_early(s, env, start);
	return r;
}

void h1_early_await(struct insp_sess *s, int connect, int dir)
{
	struct h1_early *e = &s->ahead;
	e->st = EARLY_WAIT;
	e->connect = connect != 0;
	e->dir = dir & 1;
	e->decided = 0;
	e->flagged = 0;
	e->lost = 0;
	e->replay = 0;
	e->have_ack = 0;
}

int h1_early_take(struct insp_sess *s, const uint8_t *p, uint32_t n, const struct insp_env *env)
{
	struct h1_early *e = &s->ahead;
	if (unlikely(e->st != EARLY_WAIT))
		return 0;
	/* the HTTP/1 reader stops counting at H1_AWAIT: the early bytes
	 * begin at its offset */
	uint64_t start = s->h1.req.off;
	if (unlikely((s->unseen >> !e->dir) & 1) && !e->len) {
		/* the client had answers Seam never saw (a one-way capture):
		 * these bytes may follow the 101 or 200, whose verdict is
		 * unknown: the rest of the connection stays opaque */
		s->h1.req.state = H1_TUNNEL;
		s->h1.req.off += n;
		e->st = EARLY_IDLE;
		return 1;
	}
	if (e->connect && !e->decided) {
		int r = connect_bytes(s, p, n, env, start);
		if (r < 0)
			return 1;
		if (r == 0) {
			/* a TLS hello (or other tunnel bytes) sent before the 200:
			 * the optimistic tunnel, opaque as after the answer */
			s->h1.req.state = H1_TUNNEL;
			s->h1.req.off += e->len + n;
			put_buf(s, env, e->buf);
			e->buf = NULL;
			e->len = 0;
			e->st = EARLY_IDLE;
			return 1;
		}
	} else if (!e->connect) {
		flag_early(s, env, start);
	}
	hold(s, p, n, env, start + e->len);
	return 1;
}

void h1_early_answered(struct insp_sess *s, uint64_t end)
{
	struct h1_early *e = &s->ahead;
	if (e->st != EARLY_WAIT)
		return;
	e->ans_end = (uint32_t)end;
	e->have_ack = 0;
	if (e->connect && !e->decided && e->len && !e->lost) {
		/* a few bytes that do not show yet what they are: the next
		 * ones decide, then all are read on */
		e->st = EARLY_CLASSIFY;
		return;
	}
	if (e->len || e->lost) {
		/* due before anything after the answer is read (a second
		 * response in the same span answers the held request): the
		 * HTTP/1 reader hands the rest of its span back */
		e->replay = 1;
		s->switched = 1;
		return;
	}
	e->decided = 0;
	e->st = EARLY_ANSWERED;
}

int h1_early_gate(struct insp_sess *s, const uint8_t *p, uint32_t n, const struct insp_env *env)
{
	struct h1_early *e = &s->ahead;
	int dir = e->dir;
	uint64_t at = s->fed[dir] - n;        /* where these bytes begin */
	if (e->st == EARLY_ANSWERED) {
		/* read after the answer; sent before it arrived? */
		int early = e->have_ack && !e->no_ack && (int32_t)(e->acked - e->ans_end) < 0;
		e->have_ack = 0;
		e->st = EARLY_IDLE;
		if (likely(!early))
			return 0;
		if (!e->connect) {
			flag_early(s, env, at);
			return 0;
		}
		e->st = EARLY_CLASSIFY;
	}
	/* EARLY_CLASSIFY: behind an answered CONNECT; held bytes come first */
	int r = connect_bytes(s, p, n, env, at - e->len);
	if (r < 0)
		return 1;
	e->st = EARLY_IDLE;
	uint8_t *b = e->buf;
	uint32_t k = e->len;
	int lost = e->lost;
	e->buf = NULL;
	e->len = 0;
	if (k) {
		s->fed[dir] -= k;     /* counted when held; counted again as read */
		insp_feed(s, dir, b, k, env);
	}
	put_buf(s, env, b);
	if (lost) {
		insp_gap(s, dir);
		return 1;             /* the rest of these bytes were not held */
	}
	return 0;
}

void h1_early_replay(struct insp_sess *s, const struct insp_env *env)
{
	struct h1_early *e = &s->ahead;
	uint8_t *b = e->buf;
	uint32_t n = e->len;
	int dir = e->dir, lost = e->lost;
	/* detached first: what is read may begin another wait */
	e->replay = 0;
	e->buf = NULL;
	e->len = 0;
	e->st = EARLY_IDLE;
	if (n && s->proto != PROTO_TUNNEL && s->proto != PROTO_OTHER) {
		s->fed[dir] -= n;
		insp_feed(s, dir, b, n, env);
	}
	if (lost)
		insp_gap(s, dir);
	put_buf(s, env, b);
}

void h1_early_release(struct insp_sess *s, const struct insp_env *env)
{
	put_buf(s, env, s->ahead.buf);
	s->ahead.buf = NULL;
	s->ahead.len = 0;
	s->ahead.st = EARLY_IDLE;
}
