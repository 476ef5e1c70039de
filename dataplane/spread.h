/* spread.h — which worker owns a packet when one capture feeds several.
 *
 * The owner follows the IP address pair alone, symmetrically: both
 * directions of a flow and every fragment of a datagram (which carries no
 * ports after the first) land on the same worker, as symmetric RSS would
 * place them.  Frames with no IP pair go to worker 0.  DPDK-free. */
#ifndef SEAM_SPREAD_H
#define SEAM_SPREAD_H

#include <stdint.h>
#include "decode.h"

/* The worker, 0 to NWORKERS-1, that owns this frame. */
uint32_t spread_pick(const uint8_t *frame, uint32_t len, enum linktype lt, uint32_t nworkers);

#endif
