"""Validate the JSON download against its schema with an independent
validator; print the errors, if any, and exit 1."""
import json, sys
from jsonschema import Draft202012Validator, FormatChecker

doc = json.load(open(sys.argv[1], encoding="utf-8"))
schema = json.load(open(sys.argv[2], encoding="utf-8"))
Draft202012Validator.check_schema(schema)
errors = list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(doc))
for e in errors[:20]:
    print(list(e.path), e.message)
print(json.dumps({t: len(rows) for t, rows in doc["tables"].items()}))
sys.exit(1 if errors else 0)
