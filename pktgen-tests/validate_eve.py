#!/usr/bin/env python3
"""validate_eve.py SCHEMA EVE.json... — every line of every file is a JSON
record valid against SCHEMA; prints the first problems and exits 1 on any."""
import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from eve_schema import validator

check = validator(sys.argv[1])
bad = n = 0
for path in sys.argv[2:]:
    for i, line in enumerate(open(path), 1):
        n += 1
        try:
            err = check(json.loads(line))
        except ValueError as e:
            err = "not JSON: %s" % e
        if err:
            bad += 1
            if bad <= 10:
                print("%s:%d: %s" % (path, i, err))
print("%d records, %d invalid" % (n, bad))
sys.exit(1 if bad or n == 0 else 0)
