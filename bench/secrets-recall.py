#!/usr/bin/env python3
"""Checks a launchgate JSON report against the planted secrets of bench/secrets-corpus.py.

usage: bench/secrets-recall.py REPORT.json PLANTED.tsv NEGATIVES.tsv [--check secrets.tree]

Paths in the report are compared after the corpus root: a finding's location (or one of its
`locations`) at corpus/<path>:<line> finds the secret planted there. Prints one summary line:
planted found/total, wrong rule, negatives hit, other findings (matches in the unplanted text),
then the misses; exits 1 when a planted secret is missed or a negative file has a finding.
"""
import argparse
import json
import sys


def norm(path):
    i = path.find("corpus/")
    return path[i:] if i >= 0 else path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("planted")
    ap.add_argument("negatives")
    ap.add_argument("--check", default="secrets.tree")
    a = ap.parse_args()

    with open(a.report) as f:
        report = json.load(f)
    at = {}  # (path, line) -> rules
    total = 0
    for check in report["checks"]:
        if check["id"] != a.check:
            continue
        for finding in check.get("findings", []):
            total += 1
            for loc in [finding["location"]] + finding.get("locations", []):
                at.setdefault((norm(loc["file"]), loc.get("line", 0)), []).append(finding["rule"])
    planted = [l.rstrip("\n").split("\t") for l in open(a.planted) if l.strip()]
    negatives = [l.rstrip("\n").split("\t")[0] for l in open(a.negatives) if l.strip()]

    found = 0
    wrong_rule = []
    missed = []
    for path, line, rule, _secret in planted:
        rules = at.get((path, int(line)))
        if rules is None:
            missed.append(f"{path}:{line} {rule}")
        else:
            found += 1
            if rule not in rules:
                wrong_rule.append(f"{path}:{line} {rule} found as {','.join(rules)}")
    neg_hits = sorted({f"{p}:{l}" for (p, l) in at if p in negatives})
    planted_keys = {(p, int(l)) for p, l, _r, _s in planted}
    other = sum(1 for k in at if k not in planted_keys and k[0] not in negatives)
    print(f"planted {found}/{len(planted)}; wrong rule {len(wrong_rule)}; "
          f"negatives hit {len(neg_hits)}; other locations {other} "
          f"({total} findings in {a.check})")
    for m in missed:
        print(f"  missed: {m}")
    for w in wrong_rule:
        print(f"  rule: {w}")
    for n in neg_hits:
        print(f"  negative hit: {n}")
    return 0 if not missed and not neg_hits else 1


if __name__ == "__main__":
    sys.exit(main())
