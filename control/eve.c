/* eve.c — EVE JSON writer and Community ID. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio_ext.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include "eve.h"
#include "finding.h"

int eve_open(struct eve *e, const char *path, int truncate, char *err, size_t errlen)
{
	snprintf(e->path, sizeof(e->path), "%s", path);
	if (strcmp(path, "-") == 0) {
		e->f = stdout;
		return 0;
	}
	e->f = fopen(path, truncate ? "w" : "a");
	if (!e->f) {
		snprintf(err, errlen, "cannot open EVE file %s: %s", path, strerror(errno));
		return -1;
	}
	setvbuf(e->f, NULL, _IOFBF, 1 << 16);
	/* one thread writes the log (the control loop, or offline the one
	 * that drains the workers' events): stdio's per-call lock is waste */
	__fsetlocking(e->f, FSETLOCKING_BYCALLER);
	return 0;
}

int eve_reopen(struct eve *e)
{
	if (!e->f || e->f == stdout)
		return 0;
	FILE *n = fopen(e->path, "a");
	if (!n)
		return -1;
	fclose(e->f);
	e->f = n;
	setvbuf(e->f, NULL, _IOFBF, 1 << 16);
	__fsetlocking(e->f, FSETLOCKING_BYCALLER);
	return 0;
}

void eve_close(struct eve *e)
{
	if (e->f && e->f != stdout)
		fclose(e->f);
	else if (e->f)
		fflush(e->f);
	e->f = NULL;
}

void eve_timestamp(uint64_t ts_ns, char *out, size_t len)
{
	time_t s = ts_ns / 1000000000ull;
	struct tm tm;
	gmtime_r(&s, &tm);
	size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, len - n, ".%06lu+0000", (unsigned long)((ts_ns / 1000) % 1000000));
}

static void json_str(FILE *f, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	fputc('"', f);
	size_t run = 0;              /* bytes that go out as they are, written together */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			continue;
		fwrite(s + run, 1, i - run, f);
		run = i + 1;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			fwrite(e, 1, 2, f);
		} else {
			/* bytes, not text: keep them visible and the line valid JSON */
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			fwrite(e, 1, 6, f);
		}
	}
	fwrite(s + run, 1, n - run, f);
	fputc('"', f);
}

/* The body of a JSON string (no quotes) for trusted ASCII text. */
static void json_str_bare(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void addr_str(int ipver, const uint8_t *a, char *out, size_t len)
{
	inet_ntop(ipver == 6 ? AF_INET6 : AF_INET, a, out, len);
}

void community_id_v1(uint16_t seed, int ipver, const uint8_t *src, const uint8_t *dst,
		     uint8_t proto, uint16_t sport, uint16_t dport, char *out)
{
	int alen = ipver == 6 ? 16 : 4;
	const uint8_t *a = src, *b = dst;
	uint16_t pa = sport, pb = dport;
	int c = memcmp(src, dst, alen);
	if (c > 0 || (c == 0 && sport > dport)) {
		a = dst; b = src; pa = dport; pb = sport;
	}
	uint8_t buf[2 + 16 + 16 + 2 + 4];
	size_t n = 0;
	buf[n++] = seed >> 8;
	buf[n++] = seed & 0xff;
	memcpy(buf + n, a, alen); n += alen;
	memcpy(buf + n, b, alen); n += alen;
	buf[n++] = proto;
	buf[n++] = 0;
	buf[n++] = pa >> 8; buf[n++] = pa & 0xff;
	buf[n++] = pb >> 8; buf[n++] = pb & 0xff;
	uint8_t md[SHA_DIGEST_LENGTH];
	SHA1(buf, n, md);
	memcpy(out, "1:", 2);
	EVP_EncodeBlock((unsigned char *)out + 2, md, SHA_DIGEST_LENGTH);
}

static const char *app_proto(const struct insp_meta *m)
{
	if (m->ws_valid)
		return "websocket";
	if (m->proto_len == 6 && memcmp(m->proto, "HTTP/2", 6) == 0)
		return "http2";
	return "http";
}

static const char *severity_category(enum tier t, int *sev)
{
	switch (t) {
	case TIER_SEVERE: *sev = 1; return "Attempted Administrator Privilege Gain";
	case TIER_AMBIGUOUS: *sev = 2; return "Potentially Bad Traffic";
	default: *sev = 3; return "Not Suspicious Traffic";
	}
}

static const char *tcp_state_name(uint8_t st)
{
	static const char *const n[] = { "new", "established", "closed", "closed" };
	return st < 4 ? n[st] : "unknown";
}

static const char *const end_reasons[] = { "timeout", "closed", "forced", "shutdown" };

static void common(struct eve *e, const struct evt *ev, const char *type)
{
	char ts[48], s[64], d[64], cid[64] = { 0 };
	eve_timestamp(ev->ts_ns, ts, sizeof(ts));
	addr_str(ev->ipver, ev->src, s, sizeof(s));
	addr_str(ev->ipver, ev->dst, d, sizeof(d));
	community_id_v1(e->cid_seed, ev->ipver, ev->src, ev->dst, 6, ev->sport, ev->dport, cid);
	const char *ifc = ev->port_id < 8 && e->iface[ev->port_id] ? e->iface[ev->port_id] : "seam";
	fprintf(e->f, "{\"timestamp\":\"%s\",\"flow_id\":%lu,\"in_iface\":", ts,
		(unsigned long)ev->flow_id);
	json_str(e->f, ifc, strlen(ifc));
	fprintf(e->f, ",\"event_type\":\"%s\",\"src_ip\":\"%s\",\"src_port\":%u,"
		"\"dest_ip\":\"%s\",\"dest_port\":%u,\"proto\":\"TCP\",\"community_id\":\"%s\"",
		type, s, ev->sport, d, ev->dport, cid);
}

/* Content-Type without its parameters, as Suricata logs it. */
static void media_type(FILE *f, const char *v, uint32_t n)
{
	const char *semi = memchr(v, ';', n);
	uint32_t k = semi ? (uint32_t)(semi - v) : n;
	while (k && (v[k - 1] == ' ' || v[k - 1] == '\t'))
		k--;
	json_str(f, v, k);
}

/* A Content-Length that is one plain number, else -1. */
static int64_t plain_length(const char *v, uint32_t n)
{
	if (n == 0 || n > 18)
		return -1;
	int64_t x = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

/* request_headers / response_headers: [{"name":..., "value":...}, ...] with
 * names and values as received (escaped byte by byte by json_str). */
static void header_array(FILE *f, const struct hdrlog_msg *m, const char *key)
{
	uint32_t n = m ? hdrlog_msg_nfields(m) : 0;
	if (!n || !hdrlog_msg_dumped(m))
		return;                   /* the schema wants at least one item */
	fprintf(f, ",\"%s\":[", key);
	for (uint32_t i = 0; i < n; i++) {
		const char *nm, *v;
		uint32_t nl, vl;
		hdrlog_msg_field(m, i, &nm, &nl, &v, &vl);
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		json_str(f, nm, nl);
		fputs(",\"value\":", f);
		json_str(f, v, vl);
		fputc('}', f);
	}
	fputc(']', f);
}

static void http_obj(FILE *f, const struct insp_meta *m, const void *hdrs)
{
	if (!m->method_len && !m->status)
		return;
	const struct hdrlog_msg *rq = hdrlog_blob_msg(hdrs, 1), *rs = hdrlog_blob_msg(hdrs, 0);
	const char *v;
	uint32_t vl;
	/* the request line and Host of the transaction's own request when the
	 * capture has them (a response behind pipelined or smuggled requests
	 * answers an older one than the session's latest), else the latest */
	const char *meth = m->method, *uri = m->uri, *proto = m->proto, *host = m->host, *xff = m->xff;
	uint32_t ml = m->method_len, ul = m->uri_len, pl = m->proto_len, hl = m->host_len, xl = m->xff_len;
	if (rq && !m->h2_stream && hdrlog_msg_request_line(rq, &meth, &ml, &uri, &ul, &proto, &pl)) {
		if (!hdrlog_msg_known(rq, HL_HOST, &host, &hl))
			hl = 0;
		if (!hdrlog_msg_known(rq, HL_XFF, &xff, &xl))
			xl = 0;
	}
	fputs(",\"http\":{", f);
	int first = 1;
#define SEP() do { if (!first) fputc(',', f); first = 0; } while (0)
	if (hl) { SEP(); fputs("\"hostname\":", f); json_str(f, host, hl); }
	if (ul) { SEP(); fputs("\"url\":", f); json_str(f, uri, ul); }
	if (rq && hdrlog_msg_known(rq, HL_USER_AGENT, &v, &vl)) {
		SEP(); fputs("\"http_user_agent\":", f); json_str(f, v, vl);
	}
	if (xl) { SEP(); fputs("\"xff\":", f); json_str(f, xff, xl); }
	if (rs && hdrlog_msg_known(rs, HL_CONTENT_TYPE, &v, &vl)) {
		SEP(); fputs("\"http_content_type\":", f); media_type(f, v, vl);
	}
	if (rq && hdrlog_msg_known(rq, HL_REFERER, &v, &vl)) {
		SEP(); fputs("\"http_refer\":", f); json_str(f, v, vl);   /* sic: Suricata's name */
	}
	if (ml) { SEP(); fputs("\"http_method\":", f); json_str(f, meth, ml); }
	if (pl) { SEP(); fputs("\"protocol\":", f); json_str(f, proto, pl); }
	if (m->status) { SEP(); fprintf(f, "\"status\":%u", m->status); }
	if (m->status && rs && hdrlog_msg_known(rs, HL_LOCATION, &v, &vl)) {
		SEP(); fputs("\"redirect\":", f); json_str(f, v, vl);
	}
	/* the length the response declares: events are written when its
	 * header block ends, before the body has gone by */
	int64_t len;
	if (m->status && rs && hdrlog_msg_known(rs, HL_CONTENT_LENGTH, &v, &vl) && (len = plain_length(v, vl)) >= 0) {
		SEP(); fprintf(f, "\"length\":%lld", (long long)len);
	}
	if (m->h2_stream) { SEP(); fprintf(f, "\"http2\":{\"stream_id\":%u}", m->h2_stream); }
#undef SEP
	header_array(f, rq, "request_headers");
	header_array(f, rs, "response_headers");
	fputc('}', f);
}

/* A dump asked for on this side that does not show the whole header block. */
static int dump_truncated(const void *hdrs, int is_req)
{
	const struct hdrlog_msg *m = hdrlog_blob_msg(hdrs, is_req);
	return m && hdrlog_msg_dumped(m) && hdrlog_msg_truncated(m);
}

/* Seam's own flags about the header dumps, for the seam object (the http
 * object keeps to Suricata's schema); sep goes before the first one. */
static void header_flags(FILE *f, const void *hdrs, const char *sep)
{
	if (dump_truncated(hdrs, 1)) {
		fprintf(f, "%s\"request_headers_truncated\":true", sep);
		sep = ",";
	}
	if (dump_truncated(hdrs, 0))
		fprintf(f, "%s\"response_headers_truncated\":true", sep);
}

void eve_write_evt(struct eve *e, const struct evt *ev)
{
	FILE *f = e->f;
	if (ev->type == EVT_FLOW) {
		char st[48], en[48];
		common(e, ev, "flow");
		eve_timestamp(ev->start_ns, st, sizeof(st));
		eve_timestamp(ev->ts_ns, en, sizeof(en));
		fprintf(f, ",\"app_proto\":\"%s\",\"flow\":{\"pkts_toserver\":%lu,\"pkts_toclient\":%lu,"
			"\"bytes_toserver\":%lu,\"bytes_toclient\":%lu,\"start\":\"%s\",\"end\":\"%s\","
			"\"age\":%lu,\"state\":\"%s\",\"reason\":\"%s\",\"alerted\":%s}",
			ev->meta.proto_len || ev->meta.method_len ? app_proto(&ev->meta) : "failed",
			(unsigned long)ev->pkts[0], (unsigned long)ev->pkts[1],
			(unsigned long)ev->bytes[0], (unsigned long)ev->bytes[1], st, en,
			(unsigned long)((ev->ts_ns - ev->start_ns) / 1000000000ull),
			tcp_state_name(ev->tcp_state), end_reasons[ev->end_reason & 3],
			ev->alerted ? "true" : "false");
		if (ev->inspected[0] || ev->inspected[1] || ev->has_digest) {
			fputs(",\"seam\":{\"stream\":{", f);
			for (int d = 0; d < 2; d++) {
				fprintf(f, "%s\"%s\":{\"bytes\":%lu", d ? "," : "", d ? "to_client" : "to_server",
					(unsigned long)ev->inspected[d]);
				if (ev->has_digest)
					fprintf(f, ",\"crc32\":\"%08x\"", ev->digest[d]);
				fputc('}', f);
			}
			fputs("}}", f);
		}
		fputs("}\n", f);
		e->lines++;
		return;
	}
	if (ev->type == EVT_HTTP) {
		common(e, ev, "http");
		fprintf(f, ",\"app_proto\":\"%s\"", app_proto(&ev->meta));
		http_obj(f, &ev->meta, ev->hdrs);
		if (dump_truncated(ev->hdrs, 1) || dump_truncated(ev->hdrs, 0)) {
			fputs(",\"seam\":{", f);
			header_flags(f, ev->hdrs, "");
			fputc('}', f);
		}
		fputs("}\n", f);
		e->lines++;
		return;
	}
	if (ev->type == EVT_DROP) {
		common(e, ev, "drop");
		fprintf(f, ",\"app_proto\":\"%s\",\"drop\":{\"reason\":\"policy\"},\"seam\":{\"verdict\":\"%s\","
			"\"enforced\":%s,\"cause\":", ev->meta.method_len ? app_proto(&ev->meta) : "failed",
			ev->enforced ? "reset" : "alert", ev->enforced ? "true" : "false");
		json_str(f, ev->cause, strnlen(ev->cause, sizeof(ev->cause)));
		fputs("}}\n", f);
		e->lines++;
		return;
	}
	const struct finding_info *fi = &finding_table[ev->finding < F__COUNT ? ev->finding : 0];
	const char *dir = ev->dir == 0 ? "to_server" : "to_client";
	if (ev->type == EVT_ANOMALY) {
		common(e, ev, "anomaly");
		fprintf(f, ",\"app_proto\":\"%s\",\"anomaly\":{\"type\":\"applayer\",\"event\":\"%s\","
			"\"layer\":\"proto_parser\",\"app_proto\":\"%s\",\"code\":%u}", app_proto(&ev->meta),
			fi->name, app_proto(&ev->meta), fi->id);
	} else {
		int sev;
		const struct sig *sg = ev->finding == F_SIG_MATCH ? sig_by_id(e->sigs, ev->sig_id) : NULL;
		const char *cat = severity_category(sg ? sg->tier : fi->tier, &sev);
		common(e, ev, "alert");
		fprintf(f, ",\"app_proto\":\"%s\",\"alert\":{\"action\":\"%s\",\"gid\":1,"
			"\"signature_id\":%u,\"rev\":1,\"signature\":\"SEAM %s ",
			app_proto(&ev->meta), ev->enforced ? "blocked" : "allowed", sg ? sg->id : fi->id, fi->name);
		json_str_bare(f, sg ? sg->msg : fi->text);
		fprintf(f, "\",\"category\":\"%s\",\"severity\":%d}", cat, sev);
	}
	http_obj(f, &ev->meta, ev->hdrs);
	if (ev->meta.ws_valid) {
		static const char *const ops[16] = { "continuation", "text", "binary", "reserved3", "reserved4",
			"reserved5", "reserved6", "reserved7", "close", "ping", "pong", "reserved11", "reserved12",
			"reserved13", "reserved14", "reserved15" };
		fprintf(f, ",\"websocket\":{\"fin\":%s,\"opcode\":\"%s\"", ev->meta.ws_fin ? "true" : "false",
			ops[ev->meta.ws_opcode & 15]);
		if (ev->meta.ws_mask)
			fprintf(f, ",\"mask\":%u", ev->meta.ws_mask);
		fputc('}', f);
	}
	const struct sig *sg = ev->finding == F_SIG_MATCH ? sig_by_id(e->sigs, ev->sig_id) : NULL;
	fprintf(f, ",\"seam\":{\"finding\":\"%s\",\"tier\":\"%s\",\"offset\":%lu,\"direction\":\"%s\","
		"\"verdict\":\"%s\",\"enforced\":%s",
		fi->name, tier_name(sg ? sg->tier : fi->tier), (unsigned long)ev->offset, dir,
		vd_action_name(ev->action), ev->enforced ? "true" : "false");
	if (sg)
		fprintf(f, ",\"sig_id\":%u", sg->id);
	if (ev->enforced && ev->pcap_idx >= 0 && ev->type == EVT_ALERT && e->pcap_prefix && e->pcap_prefix[0]) {
		char pf[600];
		snprintf(pf, sizeof(pf), "%s-%d.pcap", e->pcap_prefix, ev->pcap_idx);
		fputs(",\"pcap\":", f);
		json_str(f, pf, strlen(pf));
	}
	if (ev->meta.client_ipver) {
		char ca[64];
		addr_str(ev->meta.client_ipver, ev->meta.client_addr, ca, sizeof(ca));
		fprintf(f, ",\"client_ip\":\"%s\"", ca);
	}
	header_flags(f, ev->hdrs, ",");
	fputs("}}\n", f);
	e->lines++;
}

void eve_write_stats(struct eve *e, uint64_t ts_ns, uint64_t uptime_s, const struct stats_reg *reg)
{
	char ts[48];
	eve_timestamp(ts_ns, ts, sizeof(ts));
	fprintf(e->f, "{\"timestamp\":\"%s\",\"event_type\":\"stats\",\"stats\":{\"uptime\":%lu},"
		"\"seam\":{\"counters\":", ts, (unsigned long)uptime_s);
	stats_write_json(reg, e->f);
	fputs("}}\n", e->f);
	e->lines++;
	fflush(e->f);
}

void eve_write_engine(struct eve *e, uint64_t ts_ns, const char *level, const char *module,
		      const char *message)
{
	char ts[48];
	eve_timestamp(ts_ns, ts, sizeof(ts));
	fprintf(e->f, "{\"timestamp\":\"%s\",\"event_type\":\"engine\",\"log_level\":\"%s\","
		"\"engine\":{\"module\":\"%s\",\"message\":", ts, level, module);
	json_str(e->f, message, strlen(message));
	fputs("}}\n", e->f);
	e->lines++;
	fflush(e->f);
}
