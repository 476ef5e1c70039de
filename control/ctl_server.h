/* ctl_server.h — the control socket: JSON lines over a local unix socket.
 *
 * Runs on the control thread and never blocks it: ctl_server_poll() is
 * called from the control loop, accepts, reads whole lines, dispatches
 * them to the command table and writes one JSON line back.  The socket is
 * 0660 in a 0750 directory owned by the configured group; peers are
 * checked with SO_PEERCRED.  State-changing commands are audited. */
#ifndef SEAM_CTL_SERVER_H
#define SEAM_CTL_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#define CTL_MAX_CLIENTS 16
#define CTL_MAX_REQUEST 65536

struct ctl_peer { pid_t pid; uid_t uid; gid_t gid; };

/* Fill resp (an object) and return 0, or return -1 with err set. */
typedef int (*ctl_fn)(void *ctx, json_t *req, json_t *resp, const struct ctl_peer *who,
		      char *err, size_t errlen);

struct ctl_cmd {
	const char *name;
	ctl_fn fn;
	int changes_state;        /* audited */
};

struct ctl_client {
	int fd;
	struct ctl_peer peer;
	uint32_t len;
	uint64_t since_ns;        /* when the pending partial line started */
	char *buf;
};

struct ctl_server {
	int fd;
	char path[256];
	gid_t gid;                /* the group allowed besides root and our user */
	struct ctl_client cl[CTL_MAX_CLIENTS];
	uint64_t requests, refused, errors;
	/* Where audit lines go besides stderr (seam: the EVE log). */
	void (*audit)(void *arg, const char *line);
	void *audit_arg;
};

/* Create the socket.  group may be "" (root and seam's own user only).
 * Returns 0, or -1 with a sentence in err. */
int ctl_server_open(struct ctl_server *s, const char *path, const char *group, char *err,
		    size_t errlen);
void ctl_server_poll(struct ctl_server *s, const struct ctl_cmd *cmds, void *ctx);
void ctl_server_close(struct ctl_server *s);

/* Client side (seamctl): one request, one response.  Returns the parsed
 * response or NULL with err set. */
json_t *ctl_request(const char *path, json_t *req, int timeout_ms, char *err, size_t errlen);

#endif
