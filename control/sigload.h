/* sigload.h — read a signature file (libconfig) and compile it. */
#ifndef SEAM_SIGLOAD_H
#define SEAM_SIGLOAD_H

#include <stddef.h>
#include "sig.h"

/* path NULL or "": the default set built into seam.  Returns 0, or -1
 * with "file:line: field: reason" in err. */
int sigload(struct sig_set *set, const char *path, char *err, size_t errlen);

/* configs/signatures.conf as it was at build time. */
extern const char sig_default_text[];

#endif
