/* finding.c — the catalogue table and name look-ups. */
#include <string.h>
#include "finding.h"

const struct finding_info finding_table[F__COUNT] = {
#define A VD_ALERT
#define R VD_RESET
#define L VD_LOG
#define X(sym, nm, num, t, act, txt) [F_##sym] = { nm, num, t, act, txt },
	FINDINGS(X)
#undef X
#undef A
#undef R
#undef L
};

static const char *const tier_names[TIER__COUNT] = {
	"compliant", "acceptable", "ambiguous", "severe",
};

static const char *const action_names[VD__COUNT] = {
	"pass", "log", "alert", "close-after", "drop", "reset", "block",
};

const char *tier_name(enum tier t) { return t < TIER__COUNT ? tier_names[t] : "?"; }
const char *vd_action_name(enum vd_action a) { return a < VD__COUNT ? action_names[a] : "?"; }

int tier_from_name(const char *s)
{
	for (int i = 0; i < TIER__COUNT; i++)
		if (strcmp(s, tier_names[i]) == 0)
			return i;
	return -1;
}

int vd_action_from_name(const char *s)
{
	for (int i = 0; i < VD__COUNT; i++)
		if (strcmp(s, action_names[i]) == 0)
			return i;
	return -1;
}

int finding_from_name(const char *name)
{
	for (int i = 0; i < F__COUNT; i++)
		if (strcmp(name, finding_table[i].name) == 0)
			return i;
	return -1;
}
