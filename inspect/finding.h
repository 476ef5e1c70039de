/* finding.h — the one catalogue of everything Seam can report.
 *
 * Each row: symbol, dotted name, numeric id (EVE alert.signature_id), tier,
 * default action, text.  Counters, EVE text, docs and the policy's
 * per-finding overrides are all generated from this list, so a finding
 * exists exactly once.  Tiers follow the desync classification in
 * DESIGN.md §4: acceptable findings are logged as EVE `anomaly` events,
 * ambiguous and severe ones raise alerts. */
#ifndef SEAM_FINDING_H
#define SEAM_FINDING_H

#include <stdint.h>

enum tier {
	TIER_COMPLIANT = 0,
	TIER_ACCEPTABLE,        /* odd but harmless: anomaly event only */
	TIER_AMBIGUOUS,         /* two parsers may disagree: alert */
	TIER_SEVERE,            /* a known desync form: alert, stop it */
	TIER__COUNT
};

enum vd_action {
	VD_PASS = 0,            /* no event */
	VD_LOG,                 /* EVE anomaly only */
	VD_ALERT,               /* EVE alert, traffic untouched */
	VD_CLOSE_AFTER,         /* alert, close both sides after the response */
	VD_DROP,                /* alert, drop the flow's packets from here on */
	VD_RESET,               /* alert, drop and RST both ends */
	VD_BLOCK,               /* alert, reset and block the source address */
	VD__COUNT
};

#define A VD_ALERT
#define R VD_RESET
#define L VD_LOG
/*  X(sym, name, id, tier, default action, text) */
#define FINDINGS(X) \
	/* --- HTTP/1 start line ------------------------------------------ */ \
	X(H1_METHOD_INVALID,     "h1.method_invalid",      2001, TIER_SEVERE,    R, "HTTP/1 request method is empty or not a token") \
	X(H1_TARGET_INVALID,     "h1.target_invalid",      2002, TIER_AMBIGUOUS, R, "HTTP/1 request target contains control, space or non-ASCII bytes") \
	X(H1_TARGET_UNESCAPED,   "h1.target_unescaped",    2010, TIER_ACCEPTABLE,L, "Request target holds printable characters RFC 3986 wants escaped (\" < > \\ ^ ` { | }); browsers send some of them raw") \
	X(H1_VERSION_INVALID,    "h1.version_invalid",     2003, TIER_SEVERE,    R, "HTTP/1 version is malformed or unsupported") \
	X(H1_HTTP09,             "h1.http09",              2004, TIER_AMBIGUOUS, R, "HTTP/0.9 style request line without a version") \
	X(H1_SL_WHITESPACE,      "h1.sl_whitespace",       2005, TIER_AMBIGUOUS, R, "Start line separated by something other than one space") \
	X(H1_LEADING_EMPTY_LINE, "h1.leading_empty_line",  2006, TIER_ACCEPTABLE,L, "Empty line(s) before a start line") \
	X(H1_STATUS_INVALID,     "h1.status_invalid",      2007, TIER_AMBIGUOUS, R, "HTTP/1 status line is malformed") \
	X(H1_LINE_TOO_LONG,      "h1.line_too_long",       2008, TIER_AMBIGUOUS, R, "Start line or field longer than the configured limit") \
	X(H1_METHOD_CASE,        "h1.method_case",         2009, TIER_AMBIGUOUS, R, "Method written in other case than defined (get, Post): servers disagree on it") \
	/* --- line ends and fields ---------------------------------------- */ \
	X(H1_BARE_LF,            "h1.bare_lf",             2020, TIER_AMBIGUOUS, R, "Line ended by LF without CR") \
	X(H1_BARE_CR,            "h1.bare_cr",             2021, TIER_SEVERE,    R, "CR not followed by LF") \
	X(H1_MIXED_LINE_ENDS,    "h1.mixed_line_ends",     2022, TIER_SEVERE,    R, "Header block mixes CRLF and bare LF line ends") \
	X(H1_OBS_FOLD,           "h1.obs_fold",            2023, TIER_AMBIGUOUS, R, "Obsolete line folding in a header field") \
	X(H1_OBS_FOLD_FRAMING,   "h1.obs_fold_framing",    2024, TIER_SEVERE,    R, "Line folding inside a framing header (Content-Length/Transfer-Encoding)") \
	X(H1_WS_BEFORE_COLON,    "h1.ws_before_colon",     2025, TIER_SEVERE,    R, "Whitespace between a field name and the colon") \
	X(H1_NAME_INVALID,       "h1.name_invalid",        2026, TIER_SEVERE,    R, "Field name contains a byte that is not a token character") \
	X(H1_NAME_EMPTY,         "h1.name_empty",          2027, TIER_SEVERE,    R, "Header line with an empty field name") \
	X(H1_NO_COLON,           "h1.no_colon",            2028, TIER_SEVERE,    R, "Header line without a colon") \
	X(H1_FRAMING_ALIAS,      "h1.framing_alias",       2029, TIER_SEVERE,    R, "Field name that normalises to a framing header (Transfer_Encoding, Content_Length, look-alikes)") \
	X(H1_VALUE_CTL,          "h1.value_ctl",           2030, TIER_AMBIGUOUS, R, "Control byte in a field value") \
	X(H1_VALUE_NUL,          "h1.value_nul",           2031, TIER_SEVERE,    R, "NUL byte in a header block") \
	X(H1_TOO_MANY_FIELDS,    "h1.too_many_fields",     2032, TIER_AMBIGUOUS, R, "More header fields than the configured limit") \
	X(H1_HDR_TOO_LARGE,      "h1.hdr_too_large",       2033, TIER_AMBIGUOUS, R, "Header block larger than the configured limit") \
	X(H1_HOST_MISSING,       "h1.host_missing",        2034, TIER_ACCEPTABLE,L, "HTTP/1.1 request without Host") \
	X(H1_HOST_DUPLICATE,     "h1.host_duplicate",      2035, TIER_AMBIGUOUS, R, "More than one Host field") \
	X(H1_HOST_INVALID,       "h1.host_invalid",        2036, TIER_AMBIGUOUS, R, "Host value with bytes no server accepts the same way") \
	X(H1_HOST_MISMATCH,      "h1.host_mismatch",       2037, TIER_AMBIGUOUS, R, "Absolute-form target names another host than Host (routing confusion)") \
	/* --- Content-Length ------------------------------------------------ */ \
	X(H1_CL_AND_TE,          "h1.cl_and_te",           2050, TIER_SEVERE,    R, "Request has both Content-Length and Transfer-Encoding") \
	X(H1_CONNECTION_FRAMING, "h1.connection_framing",  2147, TIER_SEVERE,    R, "Connection names Content-Length, Transfer-Encoding or Host: a hop that obeys it strips the framing the next hop reads") \
	X(H1_CL_DUPLICATE,       "h1.cl_duplicate",        2051, TIER_AMBIGUOUS, R, "Content-Length repeated with the same value") \
	X(H1_CL_CONFLICT,        "h1.cl_conflict",         2052, TIER_SEVERE,    R, "Content-Length values disagree") \
	X(H1_CL_LIST,            "h1.cl_list",             2053, TIER_AMBIGUOUS, R, "Content-Length in list form") \
	X(H1_CL_INVALID,         "h1.cl_invalid",          2054, TIER_SEVERE,    R, "Content-Length is not a plain decimal number (sign, hex, spaces, junk)") \
	X(H1_CL_EMPTY,           "h1.cl_empty",            2055, TIER_SEVERE,    R, "Content-Length is empty") \
	X(H1_CL_OVERFLOW,        "h1.cl_overflow",         2056, TIER_SEVERE,    R, "Content-Length overflows 64 bits or the configured digit limit") \
	X(H1_CL_LEADING_ZERO,    "h1.cl_leading_zero",     2057, TIER_AMBIGUOUS, R, "Content-Length with leading zeros") \
	/* --- Transfer-Encoding --------------------------------------------- */ \
	X(H1_TE_HTTP10,          "h1.te_http10",           2070, TIER_SEVERE,    R, "Transfer-Encoding on an HTTP/1.0 message") \
	X(H1_TE_UNKNOWN,         "h1.te_unknown",          2071, TIER_SEVERE,    R, "Transfer-Encoding names an unknown coding") \
	X(H1_TE_NOT_LAST,        "h1.te_chunked_not_last", 2072, TIER_SEVERE,    R, "chunked is not the final transfer coding") \
	X(H1_TE_REPEATED,        "h1.te_chunked_repeated", 2073, TIER_SEVERE,    R, "chunked applied more than once") \
	X(H1_TE_OBFUSCATED,      "h1.te_obfuscated",       2074, TIER_SEVERE,    R, "Transfer-Encoding value with whitespace, control, quote or comma games") \
	X(H1_TE_EMPTY,           "h1.te_empty",            2075, TIER_SEVERE,    R, "Transfer-Encoding is empty") \
	X(H1_TE_CASE,            "h1.te_case",             2076, TIER_AMBIGUOUS, R, "Transfer coding written in unusual case") \
	X(H1_TE_DUPLICATE,       "h1.te_duplicate",        2077, TIER_AMBIGUOUS, R, "Transfer-Encoding field repeated") \
	X(H1_TE_IDENTITY,        "h1.te_identity",         2078, TIER_SEVERE,    R, "Obsolete identity transfer coding") \
	X(H1_TE_NO_CHUNKED,      "h1.te_no_chunked",       2079, TIER_SEVERE,    R, "Request Transfer-Encoding without chunked: length cannot be determined") \
	/* --- chunked body -------------------------------------------------- */ \
	X(H1_CHK_SIZE_INVALID,   "h1.chk_size_invalid",    2100, TIER_SEVERE,    R, "Chunk size is empty or not hexadecimal (0x, sign, junk)") \
	X(H1_CHK_SIZE_OVERFLOW,  "h1.chk_size_overflow",   2101, TIER_SEVERE,    R, "Chunk size overflows or has too many digits") \
	X(H1_CHK_SIZE_WS,        "h1.chk_size_ws",         2102, TIER_SEVERE,    R, "Whitespace around the chunk size") \
	X(H1_CHK_EXT_INVALID,    "h1.chk_ext_invalid",     2103, TIER_SEVERE,    R, "Chunk extension does not follow the grammar") \
	X(H1_CHK_EXT_LF,         "h1.chk_ext_lf",          2104, TIER_SEVERE,    R, "Bare LF or CR inside a chunk extension (TERM.EXT / EXT.TERM)") \
	X(H1_CHK_LINE_BARE_LF,   "h1.chk_line_bare_lf",    2105, TIER_SEVERE,    R, "Chunk-size line ended by bare LF") \
	X(H1_CHK_EXT_TOO_LONG,   "h1.chk_ext_too_long",    2106, TIER_AMBIGUOUS, R, "Chunk extensions longer than the configured limit") \
	X(H1_CHK_DATA_SPILL,     "h1.chk_data_spill",      2107, TIER_SEVERE,    R, "Chunk data longer than its size (TERM.SPILL / SPILL.TERM)") \
	X(H1_CHK_DATA_TERM,      "h1.chk_data_term",       2108, TIER_SEVERE,    R, "Chunk data not terminated by CRLF") \
	X(H1_TRAILER_FORBIDDEN,  "h1.trailer_forbidden",   2109, TIER_SEVERE,    R, "Framing or routing field in a chunked trailer") \
	/* --- message semantics --------------------------------------------- */ \
	X(H1_BODY_REQUEST_LINE,  "h1.body_request_line",   2130, TIER_SEVERE,    R, "A request line at the start of a request body (CL.0 / TE.0 / 0.CL)") \
	X(H1_BODY_ON_BODYLESS,   "h1.body_on_bodyless",    2131, TIER_ACCEPTABLE,L, "Body on a GET/HEAD/OPTIONS/TRACE request") \
	X(H1_EXPECT_NO_BODY,     "h1.expect_no_body",      2132, TIER_AMBIGUOUS, R, "Expect: 100-continue on a request without a body") \
	X(H1_EXPECT_UNKNOWN,     "h1.expect_unknown",      2133, TIER_AMBIGUOUS, R, "Expect with a value other than 100-continue") \
	X(H1_CONTINUE_TWICE,     "h1.continue_twice",      2134, TIER_AMBIGUOUS, R, "Server sent 100 Continue twice for one request") \
	X(H1_CONTINUE_UNSOLICITED,"h1.continue_unsolicited",2135,TIER_ACCEPTABLE,L, "100 Continue without Expect") \
	X(H1_RESP_CL_DUPLICATE,  "h1.resp_cl_duplicate",   2148, TIER_ACCEPTABLE,L, "Response repeats Content-Length with the same value (misconfigured proxies do)") \
	X(H1_RESP_CL_AND_TE,     "h1.resp_cl_and_te",      2140, TIER_AMBIGUOUS, R, "Response has both Content-Length and Transfer-Encoding") \
	X(H1_RESP_BODY_FORBIDDEN,"h1.resp_body_forbidden", 2141, TIER_AMBIGUOUS, R, "Body framing on a 1xx/204/304 response") \
	X(H1_RESP_UNSOLICITED,   "h1.resp_unsolicited",    2142, TIER_AMBIGUOUS, R, "Response with no request outstanding") \
	X(H1_RESP_101_UNSOLICITED,"h1.resp_101_unsolicited",2143,TIER_SEVERE,    R, "101 Switching Protocols without an Upgrade request") \
	X(H1_UPGRADE_REFUSED_DATA,"h1.upgrade_refused_data",2144,TIER_SEVERE,    R, "Client kept sending after a refused WebSocket upgrade (WebSocket smuggling)") \
	X(H1_PIPELINE_OVERFLOW,  "h1.pipeline_overflow",   2145, TIER_AMBIGUOUS, R, "More pipelined requests outstanding than tracked") \
	X(H1_GARBAGE_AFTER_MSG,  "h1.garbage_after_msg",   2146, TIER_SEVERE,    R, "Bytes after a message that do not start a new message") \
	/* --- connection order: HTTP/1.0, response framing, midstream --------- */ \
	X(H1_HTTP10_PIPELINED,   "h1.http10_pipelined",    2170, TIER_SEVERE,    R, "Bytes behind an HTTP/1.0 request before its response: HTTP/1.0 has no pipelining, and a hop that reads a length-less HTTP/1.0 request to the close forwards them as its body (CVE-2026-2836)") \
	X(H1_HTTP10_AFTER_CLOSE, "h1.http10_after_close",  2171, TIER_AMBIGUOUS, R, "Client bytes after the response to an HTTP/1.0 request without keep-alive, which ends the connection (RFC 9112 §9.3)") \
	X(H1_CL_WRAPS,           "h1.cl_wraps",            2172, TIER_SEVERE,    R, "Content-Length at or past 2^31 and within 64 KiB of a multiple of 2^31: a parser keeping it in 32 bits reads a small or negative length") \
	X(H1_CL_LARGE,           "h1.cl_large",            2173, TIER_ACCEPTABLE,L, "Content-Length at or past 2^31 (2 GiB): 32-bit parsers misread it; large downloads and uploads are real, so only noted") \
	X(H1_JUNK_BEFORE_REQUEST,"h1.junk_before_request", 2174, TIER_AMBIGUOUS, R, "Bytes other than CRLF before a request line (space, tab, bare LF or CR, NUL, control): RFC 9112 §2.2 lets servers skip empty lines only") \
	X(H1_RESP_HTTP09,        "h1.resp_http09",         2175, TIER_AMBIGUOUS, R, "Answer without a status line (HTTP/0.9 style) to an HTTP/1.x request") \
	X(H1_RESP_VERSION,       "h1.resp_version",        2176, TIER_AMBIGUOUS, R, "Status line HTTP-version other than exactly HTTP/1.0 or HTTP/1.1 (case and digits matter, RFC 9112 §2.3)") \
	X(H1_RESP_TRUNCATED,     "h1.resp_truncated",      2177, TIER_AMBIGUOUS, R, "Server closed before the response body reached its Content-Length: a cache or lax client keeps the short body as whole") \
	X(H1_RESP_EXTRA_CRLF,    "h1.resp_extra_crlf",     2178, TIER_ACCEPTABLE,L, "Empty lines after a complete response with no request outstanding (old servers append one; they carry no message)") \
	X(H1_CONTINUE_BODYLESS,  "h1.continue_bodyless",   2179, TIER_AMBIGUOUS, R, "100 Continue to a request with neither Expect nor a body: a front end that takes it for the answer pairs the real one with the next request") \
	X(H1_TRAILER_REQUEST_LINE,"h1.trailer_request_line",2180,TIER_SEVERE,    R, "A request line in the trailer section of a chunked message: a hop that ends the message at the last chunk reads it as the next request") \
	X(H1_LAST_CHUNK_JUNK,    "h1.last_chunk_junk",     2181, TIER_SEVERE,    R, "After the last chunk, a line that is neither a trailer field nor the final CRLF") \
	X(H1_PIPELINE_UNTRACKED, "h1.pipeline_untracked",  2182, TIER_ACCEPTABLE,L, "Requests outstanding past the tracking depth on a flow picked up midway or after a gap: the oldest is forgotten, pairing is best effort") \
	/* --- bytes ahead of an Upgrade/CONNECT answer (h1_early.c) ---------- */ \
	X(H1_UPGRADE_EARLY_DATA, "h1.upgrade_early_data",  2160, TIER_AMBIGUOUS, R, "Client sent bytes after an Upgrade request before the answer (RFC 9110 7.8, RFC 6455 4.1): a proxy that tunnels on the request passes them on as a smuggled request (CVE-2026-2833)") \
	X(H1_CONNECT_EARLY_REQUEST,"h1.connect_early_request",2161,TIER_AMBIGUOUS,R, "HTTP request written behind a CONNECT before its answer: a proxy that refuses the tunnel reads it as its own next request") \
	X(H1_NO_STATE,           "h1.no_state",            2163, TIER_AMBIGUOUS, R, "A start line or header block split across segments while every header-block store of the worker was in use: the rest of the message is not read, judged strictly") \
	X(H1_EARLY_DATA_UNREAD,  "h1.early_data_unread",   2162, TIER_AMBIGUOUS, R, "Bytes sent ahead of an Upgrade/CONNECT answer beyond what Seam holds (per flow or in all): not read, judged strictly") \
	/* --- h2c: cleartext HTTP/2 (RFC 9113) -------------------------------- */ \
	X(H2C_UPGRADE_ATTEMPT,   "h2c.upgrade_attempt",    5001, TIER_ACCEPTABLE,L, "HTTP/1 request asks to upgrade to h2c") \
	X(H2C_UPGRADE_ACCEPTED,  "h2c.upgrade_accepted",   5002, TIER_ACCEPTABLE,L, "Server switched the connection to h2c (101)") \
	X(H2C_UPGRADE_NO_SETTINGS,"h2c.upgrade_no_settings",5003,TIER_AMBIGUOUS, R, "h2c upgrade without exactly one HTTP2-Settings (h2c smuggling probe)") \
	X(H2C_UPGRADE_UNLISTED,  "h2c.upgrade_unlisted",   5040, TIER_AMBIGUOUS, R, "Server switched to h2c by Upgrade and is not listed in h2c.origins (RFC 9113 3.1 deprecates the upgrade; h2c smuggling tunnels through it)") \
	X(H2C_UPGRADE_VIA_PROXY, "h2c.upgrade_via_proxy",  5031, TIER_SEVERE,    R, "h2c upgrade accepted for a request that came through a proxy (h2c smuggling: the tunnel bypasses the proxy's rules)") \
	X(H2C_PREFACE_AFTER_H1,  "h2c.preface_after_h1",   5004, TIER_AMBIGUOUS, R, "HTTP/2 preface after an HTTP/1 request on the same connection") \
	X(H2C_BAD_PREFACE,       "h2c.bad_preface",        5005, TIER_AMBIGUOUS, R, "Client connection preface malformed") \
	X(H2C_FRAME_SIZE,        "h2c.frame_size",         5006, TIER_AMBIGUOUS, R, "Frame larger than the peer's SETTINGS_MAX_FRAME_SIZE") \
	X(H2C_FRAME_INVALID,     "h2c.frame_invalid",      5007, TIER_AMBIGUOUS, R, "Frame with an invalid length, stream or padding") \
	X(H2C_CONT_EXPECTED,     "h2c.continuation_expected",5008,TIER_AMBIGUOUS,R, "Other frame inside a header block (CONTINUATION expected)") \
	X(H2C_CONT_FLOOD,        "h2c.continuation_flood", 5009, TIER_AMBIGUOUS, R, "Header block split over too many CONTINUATION frames") \
	X(H2C_HPACK_ERROR,       "h2c.hpack_error",        5010, TIER_AMBIGUOUS, R, "HPACK decoding error (index, Huffman, integer, size update)") \
	X(H2C_HPACK_BUDGET,      "h2c.hpack_budget",       5011, TIER_ACCEPTABLE,L, "HPACK state Seam cannot follow (table over its budget, entry no longer held, representation too long): those headers are not judged") \
	X(H2C_HDR_LIST_LARGE,    "h2c.header_list_too_large",5012,TIER_AMBIGUOUS,R, "Header block or decoded list over the limit (HPACK bomb)") \
	X(H2C_CL_MISMATCH,       "h2c.cl_mismatch",        5013, TIER_SEVERE,    R, "content-length disagrees with the DATA received (H2.CL)") \
	X(H2C_CL_INVALID,        "h2c.cl_invalid",         5014, TIER_SEVERE,    R, "content-length not a number, or repeated with other values") \
	X(H2C_TE,                "h2c.transfer_encoding",  5015, TIER_SEVERE,    R, "transfer-encoding in HTTP/2 (H2.TE)") \
	X(H2C_CONN_HEADER,       "h2c.connection_header",  5016, TIER_SEVERE,    R, "Connection-specific field in HTTP/2 (connection, keep-alive, proxy-connection, upgrade)") \
	X(H2C_TE_NOT_TRAILERS,   "h2c.te_not_trailers",    5017, TIER_SEVERE,    R, "te field other than trailers") \
	X(H2C_CRLF,              "h2c.crlf_injection",     5018, TIER_SEVERE,    R, "CR, LF or NUL in an HTTP/2 field name or value (request splitting on downgrade)") \
	X(H2C_NAME_UPPER,        "h2c.name_uppercase",     5019, TIER_AMBIGUOUS, R, "Uppercase field name in HTTP/2") \
	X(H2C_NAME_INVALID,      "h2c.name_invalid",       5020, TIER_SEVERE,    R, "Empty field name or one with whitespace, colon or non-token bytes") \
	X(H2C_VALUE_WS,          "h2c.value_whitespace",   5021, TIER_AMBIGUOUS, R, "Field value with leading or trailing whitespace") \
	X(H2C_PSEUDO,            "h2c.pseudo_header",      5022, TIER_AMBIGUOUS, R, "Pseudo-header missing, repeated, unknown or after a regular field") \
	X(H2C_PATH_INVALID,      "h2c.path_invalid",       5023, TIER_AMBIGUOUS, R, ":path empty or not origin-form") \
	X(H2C_CONNECT_INVALID,   "h2c.connect_invalid",    5024, TIER_AMBIGUOUS, R, "CONNECT with :scheme/:path or without :authority") \
	X(H2C_AUTHORITY_HOST,    "h2c.authority_host_mismatch",5025,TIER_AMBIGUOUS,R,":authority and host disagree") \
	X(H2C_RAPID_RESET,       "h2c.rapid_reset",        5026, TIER_AMBIGUOUS, R, "Streams opened and reset at once (CVE-2023-44487)") \
	X(H2C_SETTINGS_FLOOD,    "h2c.settings_flood",     5027, TIER_AMBIGUOUS, R, "SETTINGS frames over the limit") \
	X(H2C_PING_FLOOD,        "h2c.ping_flood",         5028, TIER_AMBIGUOUS, R, "PING frames over the limit") \
	X(H2C_EMPTY_DATA_FLOOD,  "h2c.empty_data_flood",   5029, TIER_AMBIGUOUS, R, "Empty DATA frames over the limit") \
	X(H2C_NO_STATE,          "h2c.no_state",           5030, TIER_ACCEPTABLE,L, "No HTTP/2 inspection state left: connection not inspected") \
	X(H2C_AUTHORITY_USERINFO,"h2c.authority_userinfo", 5050, TIER_AMBIGUOUS, R, "userinfo (user@) in :authority or host, which RFC 9113 8.3.1 forbids: hops that drop it and hops that keep it route differently") \
	X(H2C_HOST_REPEATED,     "h2c.host_repeated",      5051, TIER_AMBIGUOUS, R, "More than one host field in an HTTP/2 request (two Host lines once downgraded)") \
	X(H2C_AUTHORITY_INVALID, "h2c.authority_invalid",  5052, TIER_AMBIGUOUS, R, ":authority or host with bytes outside the URI authority grammar or a malformed port") \
	/* --- WebSocket (RFC 6455) ------------------------------------------ */ \
	X(WS_HANDSHAKE_INVALID,  "ws.handshake_invalid",   7001, TIER_AMBIGUOUS, R, "WebSocket upgrade without Connection: upgrade, or with a malformed Sec-WebSocket-Key") \
	X(WS_VERSION_INVALID,    "ws.version_invalid",     7002, TIER_AMBIGUOUS, R, "Sec-WebSocket-Version other than 13 (a refusal a proxy may not notice)") \
	X(WS_ACCEPT_MISMATCH,    "ws.accept_mismatch",     7003, TIER_AMBIGUOUS, R, "101 whose Sec-WebSocket-Accept does not answer the key") \
	X(WS_CROSS_ORIGIN,       "ws.cross_origin",        7004, TIER_AMBIGUOUS, R, "Cookie-bearing WebSocket handshake from a foreign or null Origin accepted (CSWSH)") \
	X(WS_UNMASKED_CLIENT,    "ws.unmasked_client",     7005, TIER_AMBIGUOUS, R, "Client frame not masked") \
	X(WS_MASKED_SERVER,      "ws.masked_server",       7006, TIER_AMBIGUOUS, R, "Server frame masked") \
	X(WS_RSV_INVALID,        "ws.rsv_invalid",         7007, TIER_AMBIGUOUS, R, "RSV bits set without a negotiated extension") \
	X(WS_OPCODE_RESERVED,    "ws.opcode_reserved",     7008, TIER_AMBIGUOUS, R, "Reserved WebSocket opcode") \
	X(WS_CONTROL_INVALID,    "ws.control_invalid",     7009, TIER_AMBIGUOUS, R, "Control frame fragmented or longer than 125 bytes") \
	X(WS_FRAGMENT_INVALID,   "ws.fragment_invalid",    7010, TIER_AMBIGUOUS, R, "Continuation outside a message, or a new message inside one") \
	X(WS_LENGTH_INVALID,     "ws.length_invalid",      7011, TIER_AMBIGUOUS, R, "Non-minimal length encoding or 64-bit length with the top bit set") \
	X(WS_CLOSE_INVALID,      "ws.close_invalid",       7012, TIER_AMBIGUOUS, R, "Close frame with a 1-byte payload or an invalid code") \
	X(WS_UTF8_INVALID,       "ws.utf8_invalid",        7013, TIER_ACCEPTABLE,L, "Text message that is not UTF-8") \
	X(WS_FRAME_TOO_LARGE,    "ws.frame_too_large",     7014, TIER_AMBIGUOUS, R, "Frame over websocket.max_frame") \
	X(WS_MESSAGE_TOO_LARGE,  "ws.message_too_large",   7015, TIER_AMBIGUOUS, R, "Message over websocket.max_message") \
	X(WS_FRAME_RATE,         "ws.frame_rate",          7016, TIER_AMBIGUOUS, R, "More frames per second than websocket.max_frames_per_s") \
	X(WS_BYTE_RATE,          "ws.byte_rate",           7017, TIER_AMBIGUOUS, R, "More payload bytes per second than websocket.max_bytes_per_s") \
	X(WS_NO_STATE,           "ws.no_state",            7018, TIER_ACCEPTABLE,L, "No WebSocket inspection state left: the connection's frames are not inspected") \
	/* --- reverse HTTP and tunnels --------------------------------------- */ \
	X(RHTTP_ROLE_INVERSION,  "rhttp.role_inversion",   8001, TIER_AMBIGUOUS, R, "The TCP acceptor sends HTTP requests: the connection's initiator answers them (reverse HTTP)") \
	X(RHTTP_ALLOWED,         "rhttp.allowed",          8002, TIER_ACCEPTABLE,L, "Reverse HTTP from an allow-listed intermediary") \
	X(RHTTP_TUNNEL_INBOUND,  "rhttp.tunnel_inbound",   8003, TIER_AMBIGUOUS, R, "HTTP requests from the far end of a CONNECT tunnel") \
	X(RHTTP_PTTH_UPGRADE,    "rhttp.ptth_upgrade",     8004, TIER_AMBIGUOUS, R, "Upgrade to reverse HTTP (PTTH) accepted") \
	X(RHTTP_ROLE_TURN,       "rhttp.role_turn",        8010, TIER_AMBIGUOUS, R, "Roles turned on a keep-alive connection with no Upgrade or CONNECT: the TCP acceptor sends requests after answering them (reverse tunnel)") \
	/* --- forwarding headers (RFC 7239, X-Forwarded-For family) ----------- */ \
	X(FWD_FORWARDED_INVALID, "fwd.forwarded_invalid",  6001, TIER_AMBIGUOUS, R, "Forwarded header does not follow RFC 7239") \
	X(FWD_XFF_INVALID,       "fwd.xff_invalid",        6002, TIER_AMBIGUOUS, R, "X-Forwarded-For or a client-IP header holds something that is not an address") \
	X(FWD_ADDR_OBFUSCATED,   "fwd.addr_obfuscated",    6003, TIER_SEVERE,    R, "Address in a forwarding header spelled in a non-canonical form (decimal, octal, hex, short, leading zeros)") \
	X(FWD_INTERNAL_CLAIM,    "fwd.internal_claim",     6004, TIER_SEVERE,    R, "Request from outside the trusted zone claims a loopback, unspecified, link-local or internal client address") \
	X(FWD_CLIENT_IP_REPEATED,"fwd.client_ip_repeated", 6005, TIER_AMBIGUOUS, R, "Single-valued client-IP header repeated") \
	X(FWD_CLIENT_IP_UNCHAINED,"fwd.client_ip_unchained",6006,TIER_AMBIGUOUS, R, "Client-IP header names an address found in no forwarding chain of the request") \
	X(FWD_TOO_LONG,          "fwd.too_long",           6007, TIER_AMBIGUOUS, R, "Forwarding header longer than the inspection limit") \
	X(FWD_ALIAS,             "fwd.alias",              6008, TIER_AMBIGUOUS, R, "Forwarding header sent under an underscore alias (X_Forwarded_For)") \
	X(FWD_HOP_BY_HOP,        "fwd.hop_by_hop",         6009, TIER_AMBIGUOUS, R, "Connection names a forwarding header: a proxy that obeys it drops the client address it added") \
	X(FWD_IDENTITY_SPOOFED,  "fwd.identity_spoofed",   6010, TIER_SEVERE,    R, "Request from outside the trusted proxies carries an identity header only an authenticating proxy sets (X-Forwarded-User, Remote-User, X-Auth-Request-User, X-Internal-*): back ends believe it") \
	X(FWD_IDENTITY_ALIAS,    "fwd.identity_alias",     6011, TIER_AMBIGUOUS, R, "Identity header under an underscore alias (Remote_User): a proxy that strips the dashed name passes it, CGI and WSGI back ends read both as one variable") \
	X(FWD_IDENTITY_REPEATED, "fwd.identity_repeated",  6012, TIER_AMBIGUOUS, R, "Single-valued identity header repeated: a proxy added its own and passed the client's, back ends disagree on who the user is") \
	X(FWD_IDENTITY_HOP_BY_HOP,"fwd.identity_hop_by_hop",6013,TIER_AMBIGUOUS, R, "Connection names an identity header: a proxy that obeys it drops the user it vouched for") \
	/* --- TCP / IP evasion ---------------------------------------------- */ \
	X(TCP_OVERLAP_CONFLICT,  "tcp.overlap_conflict",   3001, TIER_SEVERE,    R, "Retransmitted or overlapping TCP data differs from what was inspected") \
	X(TCP_DATA_AFTER_FIN,    "tcp.data_after_fin",     3002, TIER_ACCEPTABLE,L, "TCP data beyond the sender's FIN") \
	X(TCP_DATA_AFTER_RST,    "tcp.data_after_rst",     3003, TIER_ACCEPTABLE,L, "TCP data after a reset") \
	X(TCP_SYN_DATA,          "tcp.syn_data",           3004, TIER_ACCEPTABLE,L, "SYN carrying data") \
	X(TCP_URGENT_DATA,       "tcp.urgent_data",        3005, TIER_AMBIGUOUS, R, "Urgent pointer set on data (receivers disagree on the urgent byte)") \
	X(TCP_TTL_CHANGE,        "tcp.ttl_change",         3006, TIER_ACCEPTABLE,L, "TTL or hop limit changed inside a flow") \
	X(TCP_TINY_SEGMENTS,     "tcp.tiny_segments",      3007, TIER_ACCEPTABLE,L, "Header block split into many tiny segments") \
	X(TCP_BAD_CHECKSUM,      "tcp.bad_checksum",       3008, TIER_ACCEPTABLE,L, "Segment with a bad checksum ignored") \
	X(TCP_REASM_GAP,         "tcp.reasm_gap",          3009, TIER_ACCEPTABLE,L, "Stream gap never filled; inspection resumed after it") \
	X(TCP_OOO_CAP,           "tcp.ooo_cap",            3010, TIER_AMBIGUOUS, R, "Out-of-order data exceeded the holding cap") \
	X(TCP_ZWP_DATA,          "tcp.zero_window_data",   3011, TIER_ACCEPTABLE,L, "Data sent into a zero window") \
	X(TCP_RST_CHALLENGED,    "tcp.rst_challenged",     3020, TIER_ACCEPTABLE,L, "RST inside the window but not at the next byte: the receiver only challenges it (RFC 5961), inspection goes on") \
	X(TCP_URGENT_NON_HTTP,   "tcp.urgent_non_http",    3021, TIER_ACCEPTABLE,L, "Urgent pointer set on a flow that is not HTTP (telnet, rlogin, FTP use it)") \
	X(IP_FRAG_OVERLAP,       "ip.frag_overlap",        3101, TIER_SEVERE,    R, "IP fragments overlap (receivers reassemble them differently)") \
	X(IP_FRAG_TINY,          "ip.frag_tiny",           3102, TIER_AMBIGUOUS, R, "First fragment too small to hold the TCP header") \
	X(IP_FRAG_TOO_MANY,      "ip.frag_too_many",       3103, TIER_AMBIGUOUS, R, "Datagram split into more fragments than are reassembled") \
	X(IP_FRAGMENTED,         "ip.fragmented",          3104, TIER_ACCEPTABLE,L, "TCP carried in IP fragments (reassembled and inspected)") \
	/* --- signatures ---------------------------------------------------- */ \
	X(SIG_MATCH,             "sig.match",              4000, TIER_SEVERE,    R, "Signature matched")

enum finding {
#define X(sym, name, id, tier, act, text) F_##sym,
	FINDINGS(X)
#undef X
	F__COUNT
};

#undef A
#undef R
#undef L

struct finding_info {
	const char *name;
	uint32_t id;
	enum tier tier;
	enum vd_action action;
	const char *text;
};

extern const struct finding_info finding_table[F__COUNT];

const char *tier_name(enum tier t);
const char *vd_action_name(enum vd_action a);
/* Parse names as written in configs; return -1 when unknown. */
int tier_from_name(const char *s);
int vd_action_from_name(const char *s);
/* Look a finding up by its dotted name; -1 when unknown. */
int finding_from_name(const char *name);

#endif
