/* overlap.h — how a receiving host settles overlapping TCP data: the
 * target policies configured per destination prefix (reasm.target_policy)
 * and applied by reassembly offline and in mirror mode.  Inline, Seam
 * enforces its own rule (first copy wins, differing copies dropped), so
 * no policy applies there. */
#ifndef SEAM_OVERLAP_H
#define SEAM_OVERLAP_H

#include <string.h>

/* Who keeps the overlapping bytes when a new segment meets held data
 * (Novak & Sturges, "Target-Based TCP Stream Reassembly"; Linux as in
 * tcp_data_queue_ofo).  Bytes the host has already read are never
 * replaced, whatever the policy. */
enum overlap_policy {
	RP_FIRST = 0,   /* the held copy, always */
	RP_LAST,        /* the new copy, always */
	RP_BSD,         /* new only if it starts before the held one */
	RP_LINUX,       /* new if it starts before, or starts together and ends after */
	RP_WINDOWS,     /* the held copy (as first; also macOS, HP-UX 11) */
	RP_SOLARIS,     /* new only if it ends after the held one */
	RP__COUNT
};

static const char *const overlap_policy_names[RP__COUNT] = {
	"first", "last", "bsd", "linux", "windows", "solaris",
};

/* "linux" -> RP_LINUX; -1 when unknown. */
static inline int overlap_policy_parse(const char *name)
{
	for (int i = 0; i < RP__COUNT; i++)
		if (strcmp(name, overlap_policy_names[i]) == 0)
			return i;
	return -1;
}

#endif
