"""eve_schema.py — validate EVE records against configs/eve-schema.json
(python3-jsonschema)."""
import json

import jsonschema


def validator(path):
    schema = json.load(open(path))
    cls = jsonschema.validators.validator_for(schema)
    v = cls(schema)

    def check(record):
        errs = sorted(v.iter_errors(record), key=lambda e: list(e.path))
        if not errs:
            return None
        e = errs[0]
        return "%s at %s" % (e.message[:200], "/".join(str(x) for x in e.path))
    return check
