/* mix.h — ordinary traffic: keep-alive connections of 1-8 browser GETs and
 * API POSTs, responses from empty (304) to 100 kB, deterministic from a
 * seed.  Built as corpus cases so every generator plays it the same way. */
#ifndef SEAM_MIX_H
#define SEAM_MIX_H

#include "corpus.h"

enum mix_kind { MIX_ALL = 0, MIX_HTTP1, MIX_H2C, MIX_WS };

/* Fill corp with flows synthetic benign cases (freed by corpus_free). */
void mix_build(struct corpus *corp, uint32_t flows, unsigned seed);
void mix_build_kind(struct corpus *corp, uint32_t flows, unsigned seed, enum mix_kind kind);

#endif
