/* sigload.c — signature files: parse with libconfig, compile with
 * Hyperscan; every error names file:line and the field. */
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finding.h"
#include "sigload.h"

static int str_member(config_setting_t *e, const char *key, const char **out, const char *file,
		      char *err, size_t errlen, int required)
{
	config_setting_t *m = config_setting_get_member(e, key);
	if (!m) {
		if (!required)
			return 0;
		snprintf(err, errlen, "%s:%d: %s: missing", file, config_setting_source_line(e), key);
		return -1;
	}
	if (config_setting_type(m) != CONFIG_TYPE_STRING) {
		snprintf(err, errlen, "%s:%d: %s: expected a string", file, config_setting_source_line(m), key);
		return -1;
	}
	*out = config_setting_get_string(m);
	return 0;
}

int sigload(struct sig_set *set, const char *path, char *err, size_t errlen)
{
	config_t cf;
	const char *file = path && path[0] ? path : "<built-in signatures.conf>";
	config_init(&cf);
	int ok = path && path[0] ? config_read_file(&cf, path) : config_read_string(&cf, sig_default_text);
	if (ok != CONFIG_TRUE) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read the signature file", file);
		else
			snprintf(err, errlen, "%s:%d: syntax: %s", file, config_error_line(&cf), config_error_text(&cf));
		config_destroy(&cf);
		return -1;
	}
	config_setting_t *list = config_lookup(&cf, "signatures");
	if (!list || (config_setting_type(list) != CONFIG_TYPE_LIST)) {
		snprintf(err, errlen, "%s:1: signatures: expected signatures = ( { ... }, ... );", file);
		config_destroy(&cf);
		return -1;
	}
	uint32_t n = config_setting_length(list);
	struct sig *sigs = calloc(n ? n : 1, sizeof(*sigs));
	int rc = 0;
	static const char *const keys[] = { "id", "scope", "pattern", "tier", "msg", "nocase", "action", NULL };
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		struct sig *s = &sigs[i];
		int line = config_setting_source_line(e);
		s->line = line;
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			snprintf(err, errlen, "%s:%d: signature: expected { id = ...; ... }", file, line);
			rc = -1;
			break;
		}
		for (int k = 0; k < config_setting_length(e); k++) {
			config_setting_t *m = config_setting_get_elem(e, k);
			int known = 0;
			for (int j = 0; keys[j]; j++)
				known |= strcmp(config_setting_name(m), keys[j]) == 0;
			if (!known) {
				snprintf(err, errlen, "%s:%d: %s: unknown key (id, scope, pattern, tier, msg, nocase, action)",
					 file, config_setting_source_line(m), config_setting_name(m));
				rc = -1;
			}
		}
		int id;
		if (rc == 0 && !config_setting_lookup_int(e, "id", &id)) {
			snprintf(err, errlen, "%s:%d: id: missing or not an integer", file, line);
			rc = -1;
		}
		const char *scope = NULL, *pattern = NULL, *tier = NULL, *msg = NULL, *action = NULL;
		if (rc == 0 && (str_member(e, "scope", &scope, file, err, errlen, 1) ||
				str_member(e, "pattern", &pattern, file, err, errlen, 1) ||
				str_member(e, "tier", &tier, file, err, errlen, 1) ||
				str_member(e, "msg", &msg, file, err, errlen, 1) ||
				str_member(e, "action", &action, file, err, errlen, 0)))
			rc = -1;
		if (rc)
			break;
		s->id = id;
		int sc = sig_scope_from_name(scope);
		int t = tier_from_name(tier);
		if (sc < 0) {
			snprintf(err, errlen, "%s:%d: scope: %s is not one of request_line, header, header_name, body_start",
				 file, line, scope);
			rc = -1;
		} else if (t < TIER_ACCEPTABLE) {
			snprintf(err, errlen, "%s:%d: tier: %s is not one of acceptable, ambiguous, severe", file, line, tier);
			rc = -1;
		} else if (action && vd_action_from_name(action) < 0) {
			snprintf(err, errlen, "%s:%d: action: %s is not an action", file, line, action);
			rc = -1;
		}
		for (uint32_t j = 0; j < i && rc == 0; j++)
			if (sigs[j].id == s->id) {
				snprintf(err, errlen, "%s:%d: id: %u already used at line %d", file, line, s->id, sigs[j].line);
				rc = -1;
			}
		if (rc)
			break;
		s->scope = sc;
		s->tier = t;
		s->action = action ? vd_action_from_name(action) : -1;
		int nc = 0;
		config_setting_lookup_bool(e, "nocase", &nc);
		s->nocase = nc;
		snprintf(s->msg, sizeof(s->msg), "%s", msg);
		s->pattern = strdup(pattern);
	}
	config_destroy(&cf);
	if (rc) {
		for (uint32_t i = 0; i < n; i++)
			free(sigs[i].pattern);
		free(sigs);
		return -1;
	}
	return sig_compile(set, sigs, n, file, err, errlen);
}
