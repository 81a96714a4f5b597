"""Fetches a relay7 /status page and validates it against tests/data/status.schema.json with
the jsonschema package. Prints the document on success; exit status 1 with the violation on
stderr otherwise."""
import json
import sys
import urllib.request

import jsonschema


def main():
    with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
        content_type = response.headers.get("Content-Type", "")
        document = json.loads(response.read().decode("utf-8"))
    if content_type != "application/json":
        print("unexpected Content-Type: " + content_type, file=sys.stderr)
        return 1
    with open(sys.argv[2], encoding="utf-8") as schema_file:
        schema = json.load(schema_file)
    try:
        jsonschema.validate(document, schema)
    except jsonschema.ValidationError as error:
        print(error, file=sys.stderr)
        return 1
    print(json.dumps(document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
