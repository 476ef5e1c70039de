/* lazypool.c — a bounded mempool filled as it is used. */
#include <rte_malloc.h>
#include "lazypool.h"

#define CHUNK_BYTES (1u << 20)     /* about a megabyte of objects at a time */

struct range { const uint8_t *lo, *hi; rte_mempool_obj_cb_t *init; };

static void init_new(struct rte_mempool *mp, void *arg, void *obj, unsigned idx)
{
	const struct range *r = arg;
	if ((const uint8_t *)obj >= r->lo && (const uint8_t *)obj < r->hi)
		r->init(mp, NULL, obj, idx);
}

uint32_t lazypool_grow(struct rte_mempool *mp, rte_mempool_obj_cb_t *obj_init)
{
	size_t obj = (size_t)mp->header_size + mp->elt_size + mp->trailer_size;
	uint32_t k = mp->size - mp->populated_size;
	uint32_t chunk = CHUNK_BYTES / obj ? CHUNK_BYTES / (uint32_t)obj : 1;
	if (k > chunk)
		k = chunk;
	if (!k)
		return 0;
	/* objects may straddle pages: nothing reads them by bus address */
	size_t len = (size_t)k * obj + RTE_CACHE_LINE_SIZE;
	uint8_t *mem = rte_malloc_socket("lazypool", len, RTE_CACHE_LINE_SIZE, mp->socket_id);
	if (!mem)
		return 0;
	int added = rte_mempool_populate_iova(mp, (char *)mem, rte_malloc_virt2iova(mem), len, NULL, NULL);
	if (added <= 0) {
		rte_free(mem);
		return 0;
	}
	/* objects enter the pool before they are prepared: safe, since only
	 * this thread takes from it */
	if (obj_init) {
		struct range r = { mem, mem + len, obj_init };
		rte_mempool_obj_iter(mp, init_new, &r);
	}
	return (uint32_t)added;
}

struct rte_mempool *lazypool_create(const char *name, uint32_t n, uint32_t cache, uint32_t elt,
				    uint32_t priv_size, int socket, unsigned flags, int lazy, rte_mempool_obj_cb_t *obj_init,
				    void (*pool_init)(struct rte_mempool *, void *), void *pool_arg)
{
	if (!lazy)
		return rte_mempool_create(name, n, elt, cache, priv_size, pool_init, pool_arg, obj_init, NULL,
					  socket, flags);
	struct rte_mempool *mp = rte_mempool_create_empty(name, n, elt, cache, priv_size, socket,
							  flags | RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (!mp)
		return NULL;
	const char *ops = (flags & RTE_MEMPOOL_F_SP_PUT) ? (flags & RTE_MEMPOOL_F_SC_GET) ? "ring_sp_sc" : "ring_sp_mc"
			  : (flags & RTE_MEMPOOL_F_SC_GET) ? "ring_mp_sc" : "ring_mp_mc";
	if (rte_mempool_set_ops_byname(mp, ops, NULL) != 0) {
		rte_mempool_free(mp);
		return NULL;
	}
	if (pool_init)
		pool_init(mp, pool_arg);
	if (!lazypool_grow(mp, obj_init)) {
		rte_mempool_free(mp);
		return NULL;
	}
	return mp;
}
