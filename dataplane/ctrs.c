/* ctrs.c — counter names, generated from the lists in ctrs.h. */
#include "ctrs.h"
#include "finding.h"

#define NAME_X(n, t) #n,
const char *const fate_ctr_names[FATE__COUNT] = { FATE_CTRS(NAME_X) };
const char *const pkt_ctr_names[PKT__COUNT] = { PKT_CTRS(NAME_X) };
const char *const flow_ctr_names[FLOWC__COUNT] = { FLOW_CTRS(NAME_X) };
const char *const tcp_ctr_names[TCPC__COUNT] = { TCP_CTRS(NAME_X) };
const char *const vd_ctr_names[VDC__COUNT] = { VD_CTRS(NAME_X) };
const char *const port_ctr_names[PORT__COUNT] = { PORT_CTRS(NAME_X) };
#undef NAME_X

const char *finding_ctr_names[F__COUNT] = {
#define X(sym, name, id, tier, act, text) name,
	FINDINGS(X)
#undef X
};
