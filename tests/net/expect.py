#!/usr/bin/python3
"""Assert on a `preflight run --format json` document (tests/net/run.sh).

    expect.py OUT.json [--absent TEXT]... ID=STATUS[:REGEX]...

Each ID=STATUS row must match a check of that id whose status is STATUS
and, when REGEX is given, whose message matches it (re.search). The run
must hold exactly the listed ids. --absent TEXT asserts that TEXT appears
nowhere in the document (a password, say). Prints one "ok ..." or
"not ok ..." line per assertion; exits 1 if any failed.
"""
import json
import re
import sys


def main():
    path, args = sys.argv[1], sys.argv[2:]
    text = open(path, encoding="utf-8").read()
    bad = 0
    try:
        doc = json.loads(text)
    except ValueError as e:
        print("not ok %s: not JSON (%s): %.300s" % (path, e, text))
        return 1
    checks = {c.get("id"): c for c in doc.get("checks", [])}
    want_ids = set()
    i = 0
    while i < len(args):
        if args[i] == "--absent":
            secret = args[i + 1]
            i += 2
            if secret in text:
                print("not ok absent: %r appears in the output" % secret)
                bad += 1
            else:
                print("ok absent: secret not in the output")
            continue
        row = args[i]
        i += 1
        cid, rest = row.split("=", 1)
        status, _, rx = rest.partition(":")
        want_ids.add(cid)
        c = checks.get(cid)
        if c is None:
            print("not ok %s: no such check in the run" % cid)
            bad += 1
            continue
        msg = c.get("message") or ""
        if c.get("status") != status:
            print("not ok %s: status %s, want %s (message: %s)"
                  % (cid, c.get("status"), status, msg))
            bad += 1
        elif rx and not re.search(rx, msg):
            print("not ok %s: message %r does not match %r" % (cid, msg, rx))
            bad += 1
        else:
            print("ok %s: %s %.150s" % (cid, status, msg))
    extra = set(checks) - want_ids
    if extra:
        print("not ok %s: checks without an expectation: %s"
              % (path, ", ".join(sorted(map(str, extra)))))
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
