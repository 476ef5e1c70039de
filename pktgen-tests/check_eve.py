#!/usr/bin/env python3
"""check_eve.py — judge an EVE file against a pcapgen manifest.

Every flow marked `alert` must raise at least one EVE alert carrying its
addresses and ports, and every finding the manifest names; every `benign`
flow must raise none.  Each EVE line must be valid JSON with the fields the
schema requires.  Prints one TAP line per flow group and exits non-zero on
any failure.

usage: check_eve.py MANIFEST.tsv EVE.json [--schema configs/eve-schema.json]
                    [--compat ../shared/eve-schema.json]
"""
import json
import sys
from collections import defaultdict


def load_eve(path, schema):
    alerts = defaultdict(set)     # (ip,port,ip,port) -> {finding names}
    anomalies = defaultdict(set)
    problems = []
    stats = None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            try:
                ev = json.loads(line)
            except ValueError as e:
                problems.append("line %d: not JSON: %s" % (n, e))
                continue
            if schema:
                err = schema(ev)
                if err:
                    problems.append("line %d: %s" % (n, err))
            t = ev.get("event_type")
            if t == "stats":
                stats = ev
                continue
            if t not in ("alert", "anomaly"):
                continue
            key = (ev["src_ip"], ev["src_port"], ev["dest_ip"], ev["dest_port"])
            rkey = (ev["dest_ip"], ev["dest_port"], ev["src_ip"], ev["src_port"])
            name = ev.get("seam", {}).get("finding", "?")
            for k in (key, rkey):
                (alerts if t == "alert" else anomalies)[k].add(name)
    return alerts, anomalies, problems, stats


def main():
    args = sys.argv[1:]
    schema = None
    if "--schema" in args:
        i = args.index("--schema")
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        from eve_schema import validator
        schema = validator(args[i + 1])
        del args[i:i + 2]
    compat = None
    if "--compat" in args:
        # Suricata's own schema: records must pass once the seam object is removed
        i = args.index("--compat")
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        from eve_schema import validator
        v = validator(args[i + 1])
        compat = lambda ev: v({k: x for k, x in ev.items() if k != "seam"})
        del args[i:i + 2]
        if schema:
            own = schema
            schema = lambda ev: own(ev) or compat(ev)
        else:
            schema = compat
    manifest, eve = args[0], args[1]
    alerts, anomalies, problems, stats = load_eve(eve, schema)
    fails = []
    n_attack = n_benign = 0
    for line in open(manifest):
        case, variant, sip, sport, dip, dport, expect, findings = line.rstrip("\n").split("\t")
        key = (sip, int(sport), dip, int(dport))
        got = alerts.get(key, set())
        if expect == "alert":
            n_attack += 1
            want = [f for f in findings.split(",") if f]
            # an expected acceptable-tier finding arrives as an anomaly
            missing = [f for f in want if f not in got and f not in anomalies.get(key, ())]
            if not got:
                fails.append("%s/%s: attack raised no alert" % (case, variant))
            elif missing:
                fails.append("%s/%s: missing %s (got %s)" % (case, variant, ",".join(missing),
                                                             ",".join(sorted(got))))
        else:
            n_benign += 1
            if got:
                fails.append("%s/%s: benign flow alerted: %s" % (case, variant, ",".join(sorted(got))))
    if stats is None:
        problems.append("no stats event")
    else:
        c = stats["seam"]["counters"]
        rx = c["pkt"]["rx"]
        fates = sum(c["fate"].values())
        if rx != fates + c["pkt"]["held"]:
            problems.append("stats identity broken: rx %d != fates %d + held %d" % (rx, fates, c["pkt"]["held"]))
    for p in problems[:20]:
        print("# " + p)
    for f in fails[:60]:
        print("# " + f)
    print("# %d attack flows, %d benign flows, %d failures, %d EVE problems" %
          (n_attack, n_benign, len(fails), len(problems)))
    return 1 if fails or problems else 0


if __name__ == "__main__":
    sys.exit(main())
