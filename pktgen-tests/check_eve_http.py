#!/usr/bin/env python3
"""check_eve_http.py — what a SOC's queries read from the EVE http object,
for the flows of pktgen-tests/eve_http/ (test_eve_http.sh).

usage: check_eve_http.py MANIFEST.tsv EVE.json MODE --schema SCHEMA [--compat SURICATA_SCHEMA]

MODE dump:    eve.http.dump_all_headers = "both": a smuggling alert lists the
              request's header names (Splunk: http.request_headers{}.name),
              Content-Length and Transfer-Encoding among them, as sent.
MODE default: no arrays, nothing flagged; the Suricata fields still there.
MODE cut:     max_headers = 2: two names listed, seam.request_headers_truncated.

Every line must be JSON, valid against SCHEMA and (seam object aside)
against Suricata's schema when given.  Prints the problems, exits 1 on any.
"""
import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from eve_schema import validator  # noqa: E402

UA = {
    "evehttp_cl_te_smuggler": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                              "(KHTML, like Gecko) Chrome/99.0.4844.51 Safari/537.36",
    "evehttp_te_cl_burp": "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
    "evehttp_browser_redirect": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                                "(KHTML, like Gecko) Version/17.1 Safari/605.1.15",
}
NAMES = {
    "evehttp_cl_te_smuggler": ["Host", "User-Agent", "Content-Type", "Content-Length", "Transfer-Encoding"],
    "evehttp_te_cl_burp": ["Host", "User-Agent", "Referer", "transfer-encoding", "Content-Length"],
}
CTYPE = {"evehttp_cl_te_smuggler": "text/html", "evehttp_te_cl_burp": "application/json",
         "evehttp_browser_redirect": "text/html"}


def main():
    args = sys.argv[1:]
    compat = None
    if "--compat" in args:
        i = args.index("--compat")
        compat = validator(args[i + 1])
        del args[i:i + 2]
    i = args.index("--schema")
    own = validator(args[i + 1])
    del args[i:i + 2]
    manifest, eve, mode = args
    problems = []

    case_of = {}
    for line in open(manifest):
        case, variant, sip, sport, dip, dport = line.split("\t")[:6]
        case_of[int(sport)] = (case, variant)

    recs = []
    for n, line in enumerate(open(eve, "rb"), 1):
        try:
            text = line.decode("ascii")     # every byte past ASCII is escaped
            ev = json.loads(text)
        except ValueError as e:
            problems.append("line %d: not ASCII JSON: %s" % (n, e))
            continue
        err = own(ev) or (compat and compat({k: v for k, v in ev.items() if k != "seam"}))
        if err:
            problems.append("line %d: %s" % (n, err))
        recs.append(ev)

    def flow_recs(case, variant, kind):
        return [r for r in recs if r.get("event_type") == kind and
                case_of.get(r.get("src_port")) == (case, variant)]

    variants = sorted({v for c, v in case_of.values()})
    for variant in variants:
        where = lambda c: "%s/%s" % (c, variant)  # noqa: E731
        for case in ("evehttp_cl_te_smuggler", "evehttp_te_cl_burp"):
            alerts = [a for a in flow_recs(case, variant, "alert")
                      if a.get("seam", {}).get("finding") == "h1.cl_and_te"]
            if not alerts:
                problems.append("%s: no h1.cl_and_te alert" % where(case))
                continue
            a, h = alerts[0], alerts[0].get("http", {})
            if h.get("http_user_agent") != UA[case]:
                problems.append("%s: http_user_agent %r" % (where(case), h.get("http_user_agent")))
            if case == "evehttp_te_cl_burp" and h.get("http_refer") != "https://shop.example.com/":
                problems.append("%s: http_refer %r" % (where(case), h.get("http_refer")))
            names = [x["name"] for x in h.get("request_headers", [])]   # http.request_headers{}.name
            flagged = a.get("seam", {}).get("request_headers_truncated")
            if mode == "dump":
                if names != NAMES[case]:
                    problems.append("%s: request_headers names %r" % (where(case), names))
                if "Content-Length" not in names or not any(x.lower() == "transfer-encoding" for x in names):
                    problems.append("%s: a smuggling query would not see CL and TE" % where(case))
                if flagged:
                    problems.append("%s: flagged truncated" % where(case))
            elif mode == "cut":
                if names != NAMES[case][:2] or flagged is not True:
                    problems.append("%s: cut dump %r, flag %r" % (where(case), names, flagged))
            elif names or flagged is not None or "response_headers" in h:
                problems.append("%s: default config dumped headers" % where(case))
        for case in UA:
            https = flow_recs(case, variant, "http")
            if not https:
                problems.append("%s: no http record" % where(case))
                continue
            h = https[0]["http"]
            if h.get("http_user_agent") != UA[case] or h.get("http_content_type") != CTYPE[case]:
                problems.append("%s: http record %r" % (where(case), h))
            rsp = [x["name"] for x in h.get("response_headers", [])]
            if mode == "dump" and "Content-Type" not in rsp:
                problems.append("%s: response_headers %r" % (where(case), rsp))
            if (mode == "default" and rsp) or (mode == "cut" and len(rsp) > 2):
                problems.append("%s: response_headers %r" % (where(case), rsp))
        h = (flow_recs("evehttp_browser_redirect", variant, "http") or [{"http": {}}])[0]["http"]
        want = {"http_refer": "https://shop.example.com/cart", "status": 302, "length": 0,
                "redirect": "https://shop.example.com/login?next=%2Faccount"}
        got = {k: h.get(k) for k in want}
        if got != want:
            problems.append("%s: %r" % (where("evehttp_browser_redirect"), got))
        if flow_recs("evehttp_browser_redirect", variant, "alert"):
            problems.append("%s: benign flow alerted" % where("evehttp_browser_redirect"))
        hostile = flow_recs("evehttp_hostile_bytes", variant, "alert")
        if not hostile:
            problems.append("%s: no alert" % where("evehttp_hostile_bytes"))
        elif mode == "dump":
            # the bytes sent, each read back as the code point of its value
            fields = [(x["name"], x["value"]) for x in hostile[0]["http"].get("request_headers", [])]
            want_f = [("Host", "shop.example.com"), (b"X\xff\x00y".decode("latin-1"),
                      b'a\x00b\xff"\\'.decode("latin-1")), ("User-Agent", b"\xc3\x28\x7f".decode("latin-1"))]
            if fields != want_f:
                problems.append("%s: %r" % (where("evehttp_hostile_bytes"), fields))
    for p in problems[:40]:
        print("# " + p)
    print("# %d records, %d problems" % (len(recs), len(problems)))
    return 1 if problems or not recs else 0


if __name__ == "__main__":
    sys.exit(main())
