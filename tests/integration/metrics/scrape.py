"""Fetches a relay7 /metrics page and parses it with prometheus_client's exposition-format
parser, the one Prometheus' Python ecosystem uses: a page it cannot read fails here.

Prints one JSON object: {"samples": [[name, {label: value}, number], ...],
"families": {name: type}}. Exit status 1, with the reason on stderr, when the page is unreadable.
"""
import json
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def main():
    with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
        content_type = response.headers.get("Content-Type", "")
        text = response.read().decode("utf-8")
    if content_type != "text/plain; version=0.0.4; charset=utf-8":
        print("unexpected Content-Type: " + content_type, file=sys.stderr)
        return 1
    samples = []
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = family.type
        for sample in family.samples:
            samples.append([sample.name, sample.labels, sample.value])
    print(json.dumps({"samples": samples, "families": families}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
