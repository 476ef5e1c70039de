/* blocks.h — heap-backed stand-ins for the worker's header-block and
 * WebSocket pools,
 * for tests and fuzzers that drive insp_feed() without a dataplane.  It
 * counts what is out, so a test can check every block came back, and can
 * free what tests that drop sessions without insp_sess_release() left. */
#ifndef SEAM_TEST_BLOCKS_H
#define SEAM_TEST_BLOCKS_H

#include <stdlib.h>
#include "insp.h"

struct test_block {
	struct test_block *next, *prev;
	_Alignas(16) struct h1_block b;
};

static long test_blocks_out;
static struct test_block test_blocks_head = { &test_blocks_head, &test_blocks_head };

static inline void *test_block_get(void *user)
{
	(void)user;
	struct test_block *t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	t->next = test_blocks_head.next;
	t->prev = &test_blocks_head;
	t->next->prev = t;
	test_blocks_head.next = t;
	test_blocks_out++;
	return &t->b;
}

static inline void test_block_put(void *user, void *p)
{
	(void)user;
	struct test_block *t = (struct test_block *)((char *)p - offsetof(struct test_block, b));
	t->prev->next = t->next;
	t->next->prev = t->prev;
	test_blocks_out--;
	free(t);
}

/* Free every block still out (the sessions holding them are gone). */
static inline int test_blocks_free_all(void **state)
{
	(void)state;
	while (test_blocks_head.next != &test_blocks_head)
		test_block_put(NULL, &test_blocks_head.next->b);
	return 0;
}

/* WebSocket state: plain heap (sessions that reach a 101 are released) */
static inline void *test_ws_get(void *user) { (void)user; return malloc(sizeof(struct ws_conn)); }
static inline void test_ws_put(void *user, void *p) { (void)user; free(p); }

#define TEST_BLOCKS .block_get = test_block_get, .block_put = test_block_put, \
	.ws_get = test_ws_get, .ws_put = test_ws_put

#endif
