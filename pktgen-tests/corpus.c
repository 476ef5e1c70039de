/* corpus.c — parses *.case conversation files (format in corpus.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "corpus.h"

static int unescape(const char *s, uint8_t *out, uint32_t *olen)
{
	uint32_t n = 0;
	while (*s && *s != '\n') {
		if (*s != '\\') {
			out[n++] = (uint8_t)*s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'r': out[n++] = '\r'; s++; break;
		case 'n': out[n++] = '\n'; s++; break;
		case 't': out[n++] = '\t'; s++; break;
		case '0': out[n++] = 0; s++; break;
		case '\\': out[n++] = '\\'; s++; break;
		case 's': out[n++] = ' '; s++; break;  /* a visible trailing space */
		case 'x': {
			char h[3] = { s[1], s[2], 0 };
			char *e;
			long v = strtol(h, &e, 16);
			if (e != h + 2)
				return -1;
			out[n++] = (uint8_t)v;
			s += 3;
			break;
		}
		default:
			return -1;
		}
	}
	*olen = n;
	return 0;
}

static int add_bytes(struct corpus_case *k, int dir, int crossed, const uint8_t *b, uint32_t n)
{
	struct corpus_chunk *ch;
	if (k->nchunks && k->chunk[k->nchunks - 1].dir == dir &&
	    k->chunk[k->nchunks - 1].crossed == crossed) {
		ch = &k->chunk[k->nchunks - 1];
	} else {
		if (k->nchunks == CORPUS_MAX_CHUNKS)
			return -1;
		ch = &k->chunk[k->nchunks++];
		ch->dir = dir;
		ch->crossed = crossed;
		ch->data = NULL;
		ch->len = 0;
	}
	uint8_t *d = realloc(ch->data, ch->len + n + 1);
	if (!d)
		return -1;
	memcpy(d + ch->len, b, n);
	ch->data = d;
	ch->len += n;
	return 0;
}

int corpus_load_file(struct corpus *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;
	struct corpus_case *k = NULL;
	uint8_t *buf = NULL;

	while (getline(&line, &cap, f) > 0) {
		lineno++;
		char *l = line;
		if (*l == '#' || *l == '\n' || *l == 0)
			continue;
		if (strncmp(l, "case ", 5) == 0) {
			if (k) {
				snprintf(err, errlen, "%s:%d: case inside case (missing end)", base, lineno);
				rc = -1;
				break;
			}
			struct corpus_case *nc = realloc(c->cases, (c->n + 1) * sizeof(*nc));
			if (!nc) { rc = -1; break; }
			c->cases = nc;
			k = &c->cases[c->n++];
			memset(k, 0, sizeof(*k));
			snprintf(k->name, sizeof(k->name), "%.*s", (int)strcspn(l + 5, "\n"), l + 5);
			snprintf(k->file, sizeof(k->file), "%s", base);
			k->line = lineno;
			continue;
		}
		if (!k) {
			snprintf(err, errlen, "%s:%d: line outside a case", base, lineno);
			rc = -1;
			break;
		}
		if (strncmp(l, "end", 3) == 0) {
			if (!k->benign && k->nexpect == 0) {
				snprintf(err, errlen, "%s:%d: case %s has no expect line", base, lineno, k->name);
				rc = -1;
				break;
			}
			k = NULL;
			continue;
		}
		if (strcmp(l, "midstream\n") == 0 || strcmp(l, "midstream") == 0) {
			k->midstream = 1;
			continue;
		}
		if (strncmp(l, "close ", 6) == 0) {
			char *w = l + 6;
			w[strcspn(w, "\n")] = 0;
			if (strcmp(w, "client") == 0)
				k->close = CORPUS_CLOSE_CLIENT;
			else if (strcmp(w, "server") == 0)
				k->close = CORPUS_CLOSE_SERVER;
			else if (strcmp(w, "reset") == 0)
				k->close = CORPUS_CLOSE_RESET;
			else {
				snprintf(err, errlen, "%s:%d: close takes client, server or reset", base, lineno);
				rc = -1;
				break;
			}
			continue;
		}
		if (strncmp(l, "expect ", 7) == 0) {
			char *tok = strtok(l + 7, " \n");
			for (; tok; tok = strtok(NULL, " \n")) {
				if (strcmp(tok, "none") == 0)
					k->benign = 1;
				else if (k->nexpect < CORPUS_MAX_EXPECT)
					snprintf(k->expect[k->nexpect++], 48, "%s", tok);
			}
			continue;
		}
		if ((l[0] == 'c' || l[0] == 's' || l[0] == 'C' || l[0] == 'S') && (l[1] == ' ' || l[1] == '\n')) {
			size_t len = strlen(l);
			buf = realloc(buf, len + 1);
			uint32_t n;
			if (unescape(l[1] ? l + 2 : l + 1, buf, &n) < 0) {
				snprintf(err, errlen, "%s:%d: bad escape", base, lineno);
				rc = -1;
				break;
			}
			int crossed = l[0] == 'C' || l[0] == 'S';
			if (crossed && (k->nchunks == 0 || k->chunk[k->nchunks - 1].dir == (l[0] == 'S'))) {
				snprintf(err, errlen, "%s:%d: a crossed chunk follows a chunk of the other side", base, lineno);
				rc = -1;
				break;
			}
			if (add_bytes(k, l[0] == 's' || l[0] == 'S', crossed, buf, n) < 0) {
				snprintf(err, errlen, "%s:%d: too many chunks", base, lineno);
				rc = -1;
				break;
			}
			continue;
		}
		snprintf(err, errlen, "%s:%d: unknown line", base, lineno);
		rc = -1;
		break;
	}
	if (rc == 0 && k) {
		snprintf(err, errlen, "%s:%d: case %s not closed by end", base, lineno, k->name);
		rc = -1;
	}
	free(buf);
	free(line);
	fclose(f);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int corpus_load_dir(struct corpus *c, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	char *names[256];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".case") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (rc == 0 && corpus_load_file(c, path, err, errlen) < 0)
			rc = -1;
		free(names[i]);
	}
	/* a name is how manifests and reports point at a case: one each */
	for (int i = 0; rc == 0 && i < c->n; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(c->cases[i].name, c->cases[j].name) == 0) {
				snprintf(err, errlen, "%s:%d: case %s is already defined at %s:%d", c->cases[i].file,
					 c->cases[i].line, c->cases[i].name, c->cases[j].file, c->cases[j].line);
				rc = -1;
				break;
			}
	return rc;
}

void corpus_free(struct corpus *c)
{
	for (int i = 0; i < c->n; i++)
		for (int j = 0; j < c->cases[i].nchunks; j++)
			free(c->cases[i].chunk[j].data);
	free(c->cases);
	c->cases = NULL;
	c->n = 0;
}

int corpus_first_exchange(const struct corpus_case *k)
{
	int turns = 0;
	for (int ch = 0; ch < k->nchunks; ch++)
		if (k->chunk[ch].dir == 0 && (ch == 0 || k->chunk[ch - 1].dir != 0) && ++turns == 2)
			return ch;
	return k->nchunks;
}
