/* lazypool.h — a bounded mempool filled as it is used.
 *
 * Offline, a pool sized for the worst case would be written end to end
 * before the first packet (each object's header, a page fault apiece),
 * though a small capture uses a handful of objects.  A lazy pool starts
 * with one chunk and adds another when a get finds it empty, never past
 * its bound.  Live modes fill every pool at start: no allocation on the
 * packet path. */
#ifndef SEAM_LAZYPOOL_H
#define SEAM_LAZYPOOL_H

#include <stdint.h>
#include <rte_mempool.h>

/* N objects of ELT bytes at most; LAZY: one chunk now, the rest on demand.
 * OBJ_INIT (may be NULL) prepares each object as it enters the pool. */
struct rte_mempool *lazypool_create(const char *name, uint32_t n, uint32_t cache, uint32_t elt,
				    uint32_t priv_size, int socket, unsigned flags, int lazy, rte_mempool_obj_cb_t *obj_init,
				    void (*pool_init)(struct rte_mempool *, void *), void *pool_arg);

/* Add a chunk; the number of objects added (0: at the bound or out of
 * memory).  Only the pool's one consumer may call it. */
uint32_t lazypool_grow(struct rte_mempool *mp, rte_mempool_obj_cb_t *obj_init);

/* rte_mempool_get that grows an empty lazy pool first. */
static inline int lazypool_get(struct rte_mempool *mp, void **obj)
{
	if (likely(rte_mempool_get(mp, obj) == 0))
		return 0;
	return mp->populated_size < mp->size && lazypool_grow(mp, NULL) ? rte_mempool_get(mp, obj) : -1;
}

#endif
