/* ctl_server.c — control socket server and client (see ctl_server.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "ctl_server.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int mkdir_p(const char *dir, mode_t mode)
{
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(tmp, 0755);
			*p = '/';
		}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int ctl_server_open(struct ctl_server *s, const char *path, const char *group, char *err,
		    size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		s->cl[i].fd = -1;
	s->gid = (gid_t)-1;
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(err, errlen, "control socket path %s is too long", path);
		return -1;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (group && group[0]) {
		struct group *g = getgrnam(group);
		if (!g) {
			snprintf(err, errlen, "control group %s does not exist (create it or set control.group = \"\")",
				 group);
			return -1;
		}
		s->gid = g->gr_gid;
	}
	char dir[256];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir_p(dir, 0750) < 0) {
			snprintf(err, errlen, "cannot create %s for the control socket: %s", dir, strerror(errno));
			return -1;
		}
		chmod(dir, 0750);
		if (s->gid != (gid_t)-1 && chown(dir, (uid_t)-1, s->gid) < 0) {
			snprintf(err, errlen, "cannot give %s to group %s: %s", dir, group, strerror(errno));
			return -1;
		}
	}
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	/* a socket left by a seam that is still running is not ours to take */
	int probe = socket(AF_UNIX, SOCK_STREAM, 0);
	if (probe >= 0 && connect(probe, (struct sockaddr *)&a, sizeof(a)) == 0) {
		close(probe);
		snprintf(err, errlen, "another seam answers on %s (give this one its own control.socket)", path);
		return -1;
	}
	if (probe >= 0)
		close(probe);
	unlink(path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s->fd, 16) < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return -1;
	}
	chmod(path, 0660);
	if (s->gid != (gid_t)-1 && chown(path, (uid_t)-1, s->gid) < 0) {
		snprintf(err, errlen, "cannot give %s to group %s: %s", path, group, strerror(errno));
		return -1;
	}
	return 0;
}

void ctl_server_close(struct ctl_server *s)
{
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->cl[i].fd >= 0) {
			close(s->cl[i].fd);
			free(s->cl[i].buf);
			s->cl[i].fd = -1;
		}
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->path);
	}
	s->fd = -1;
}

/* root, seam's own user, or a member of the control group */
static int allowed(const struct ctl_server *s, const struct ctl_peer *p)
{
	if (p->uid == 0 || p->uid == geteuid())
		return 1;
	if (s->gid == (gid_t)-1)
		return 0;
	if (p->gid == s->gid)
		return 1;
	struct passwd *pw = getpwuid(p->uid);
	if (!pw)
		return 0;
	gid_t groups[64];
	int n = 64;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (groups[i] == s->gid)
			return 1;
	return 0;
}

static void send_json(int fd, json_t *o)
{
	char *t = json_dumps(o, JSON_COMPACT);
	if (t) {
		size_t n = strlen(t);
		/* short replies; a client too slow to take them loses them */
		ssize_t w = send(fd, t, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w == (ssize_t)n)
			send(fd, "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		free(t);
	}
}

static void reply_error(int fd, const char *fmt, const char *a)
{
	char msg[512];
	snprintf(msg, sizeof(msg), fmt, a);
	json_t *o = json_pack("{s:b, s:s}", "ok", 0, "error", msg);
	send_json(fd, o);
	json_decref(o);
}

static void drop_client(struct ctl_client *c)
{
	close(c->fd);
	free(c->buf);
	c->buf = NULL;
	c->fd = -1;
	c->len = 0;
}

static void dispatch(struct ctl_server *s, struct ctl_client *c, char *line, const struct ctl_cmd *cmds,
		     void *ctx)
{
	json_error_t je;
	s->requests++;
	json_t *req = json_loads(line, 0, &je);
	if (!req || !json_is_object(req)) {
		s->errors++;
		char m[256];
		snprintf(m, sizeof(m), "request is not a JSON object (%s at column %d)", je.text, je.column);
		reply_error(c->fd, "%s", m);
		json_decref(req);
		return;
	}
	const char *name = json_string_value(json_object_get(req, "cmd"));
	const struct ctl_cmd *cmd = NULL;
	for (int i = 0; name && cmds[i].name; i++)
		if (strcmp(cmds[i].name, name) == 0)
			cmd = &cmds[i];
	if (!cmd) {
		s->errors++;
		reply_error(c->fd, "unknown command %s (seamctl --help lists them)", name ? name : "(none)");
		json_decref(req);
		return;
	}
	json_t *resp = json_object();
	char err[512] = "";
	int rc = cmd->fn(ctx, req, resp, &c->peer, err, sizeof(err));
	if (cmd->changes_state) {
		char *t = json_dumps(req, JSON_COMPACT);
		time_t now = time(NULL);
		char ts[32];
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", gmtime(&now));
		char line[1024];
		snprintf(line, sizeof(line), "uid=%u pid=%d %s -> %s%s", (unsigned)c->peer.uid,
			 (int)c->peer.pid, t ? t : "?", rc == 0 ? "ok" : "refused: ", rc == 0 ? "" : err);
		fprintf(stderr, "seam: audit %s %s\n", ts, line);
		if (s->audit)
			s->audit(s->audit_arg, line);
		free(t);
	}
	if (rc == 0) {
		json_object_set_new(resp, "ok", json_true());
		send_json(c->fd, resp);
	} else {
		s->errors++;
		reply_error(c->fd, "%s", err);
	}
	json_decref(resp);
	json_decref(req);
}

void ctl_server_poll(struct ctl_server *s, const struct ctl_cmd *cmds, void *ctx)
{
	if (s->fd < 0)
		return;
	for (;;) {
		int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		struct ucred cr;
		socklen_t l = sizeof(cr);
		struct ctl_peer p = { 0 };
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) == 0) {
			p.pid = cr.pid;
			p.uid = cr.uid;
			p.gid = cr.gid;
		}
		if (!allowed(s, &p)) {
			s->refused++;
			char m[128];
			snprintf(m, sizeof(m), "permission denied: uid %u is not root, seam's user or in the control group",
				 (unsigned)p.uid);
			reply_error(fd, "%s", m);
			close(fd);
			continue;
		}
		int slot = -1;
		for (int i = 0; i < CTL_MAX_CLIENTS; i++)
			if (s->cl[i].fd < 0) {
				slot = i;
				break;
			}
		if (slot < 0) {
			reply_error(fd, "%s", "too many control connections");
			close(fd);
			continue;
		}
		struct ctl_client *c = &s->cl[slot];
		c->fd = fd;
		c->peer = p;
		c->len = 0;
		c->since_ns = mono_ns();
		c->buf = malloc(CTL_MAX_REQUEST + 1);
	}
	uint64_t now = mono_ns();
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &s->cl[i];
		if (c->fd < 0)
			continue;
		ssize_t r = recv(c->fd, c->buf + c->len, CTL_MAX_REQUEST - c->len, MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
			drop_client(c);
			continue;
		}
		if (r > 0) {
			if (c->len == 0)
				c->since_ns = now;
			c->len += r;
		}
		char *nl;
		while (c->len && (nl = memchr(c->buf, '\n', c->len))) {
			*nl = 0;
			dispatch(s, c, c->buf, cmds, ctx);
			uint32_t used = nl + 1 - c->buf;
			memmove(c->buf, nl + 1, c->len - used);
			c->len -= used;
			c->since_ns = now;
		}
		if (c->len == CTL_MAX_REQUEST) {
			reply_error(c->fd, "%s", "request too large (64 KiB at most)");
			drop_client(c);
		} else if (c->len && now - c->since_ns > 5000000000ull) {
			reply_error(c->fd, "%s", "request not finished within 5 s");
			drop_client(c);
		}
	}
}

json_t *ctl_request(const char *path, json_t *req, int timeout_ms, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		snprintf(err, errlen, "cannot reach seam at %s: %s (is it running? see --socket)", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char *t = json_dumps(req, JSON_COMPACT);
	size_t n = strlen(t);
	if (write(fd, t, n) != (ssize_t)n || write(fd, "\n", 1) != 1) {
		snprintf(err, errlen, "cannot send to %s: %s", path, strerror(errno));
		free(t);
		close(fd);
		return NULL;
	}
	free(t);
	static char buf[1 << 20];
	size_t len = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	while (len < sizeof(buf) - 1) {
		int pr = poll(&pfd, 1, timeout_ms);
		if (pr <= 0) {
			snprintf(err, errlen, "seam did not answer within %d ms", timeout_ms);
			close(fd);
			return NULL;
		}
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r <= 0)
			break;
		len += r;
		if (memchr(buf, '\n', len))
			break;
	}
	close(fd);
	buf[len] = 0;
	json_error_t je;
	json_t *o = json_loads(buf, JSON_DISABLE_EOF_CHECK, &je);
	if (!o)
		snprintf(err, errlen, "seam's answer is not JSON: %s", je.text);
	return o;
}
