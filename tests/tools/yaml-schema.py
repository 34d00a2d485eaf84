#!/usr/bin/env python3
"""yaml-schema.py SCHEMA FILE...: validates each YAML (or JSON) FILE against the JSON Schema SCHEMA
(python3-jsonschema, python3-yaml). Prints "ok FILE" or every error with its path; exits 1 when a
file does not validate, 2 when a file or the schema cannot be read."""
import json
import sys

import jsonschema
import yaml


def main(argv):
    if len(argv) < 3:
        print("usage: yaml-schema.py SCHEMA FILE...", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = cls(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print("schema %s: %s" % (argv[1], e), file=sys.stderr)
        return 2
    rc = 0
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                doc = yaml.safe_load(f)
        except (OSError, yaml.YAMLError) as e:
            print("%s: %s" % (path, e), file=sys.stderr)
            return 2
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path) or "(root)"
            print("%s: %s: %s" % (path, where, e.message))
        if errors:
            rc = 1
        else:
            print("ok %s" % path)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
