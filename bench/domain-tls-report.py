#!/usr/bin/env python3
"""Summarises a bench/domain-tls.sh run: median wall time and peak RSS per tool, then the
protocol and weak-suite verdicts of launchgate, sslscan and testssl.sh per endpoint, side by side.

usage: domain-tls-report.py WORKDIR NAME...
"""
import glob
import json
import os
import re
import statistics
import sys
import xml.etree.ElementTree as ET

VERSIONS = ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
WEAK = ["NULL", "anonymous", "EXPORT", "RC4", "DES", "3DES"]


def weak_class(openssl_name):
    n = openssl_name.upper()
    if "NULL" in n and "ANULL" not in n:
        return "NULL"
    if n.startswith(("ADH", "AECDH")) or "ANON" in n:
        return "anonymous"
    if "EXP" in n:
        return "EXPORT"
    if "RC4" in n:
        return "RC4"
    if "DES-CBC3" in n or "3DES" in n:
        return "3DES"
    if "DES" in n:
        return "DES"
    return ""


def times(work):
    by = {}
    for line in open(os.path.join(work, "times.txt")):
        parts = line.split()
        if len(parts) != 3:
            continue
        by.setdefault(parts[0], []).append((float(parts[1]), int(parts[2])))
    return by


def launchgate_verdicts(work):
    path = os.path.join(work, "lg-1.json")
    out = {}
    report = json.load(open(path))
    for c in report["checks"]:
        if c["id"] != "domain.tls-protocols":
            continue
        text = c.get("summary") or c.get("reason") or ""
        for m in re.finditer(r"([a-z0-9.-]+): ([^;]+); \d+ \S+ suite", text):
            out.setdefault(m.group(1), {"versions": set(), "weak": set()})
            out[m.group(1)]["versions"] = {v.strip() for v in m.group(2).split(",")}
        for f in c.get("findings", []):
            m = re.match(r"(\S+) accepts (\S+) cipher suite", f["message"])
            if m and m.group(2) in WEAK:
                out.setdefault(m.group(1), {"versions": set(), "weak": set()})
                out[m.group(1)]["weak"].add(m.group(2))
    return out


def sslscan_verdicts(work, name):
    files = sorted(glob.glob(os.path.join(work, f"sslscan-{name}-*.xml")))
    if not files:
        return None
    root = ET.parse(files[0]).getroot()
    versions, weak = set(), set()
    for p in root.iter("protocol"):
        if p.get("enabled") == "1":
            v = p.get("version")
            versions.add("SSLv" + v if p.get("type") == "ssl" else "TLSv" + v)
    for c in root.iter("cipher"):
        if c.get("status") in ("accepted", "preferred"):
            w = weak_class(c.get("cipher", ""))
            if w:
                weak.add(w)
    return {"versions": versions, "weak": weak}


def testssl_verdicts(work, name):
    files = sorted(glob.glob(os.path.join(work, f"testssl-{name}-*.json")))
    if not files:
        return None
    try:
        items = json.load(open(files[0]))
    except (OSError, ValueError):
        return None
    ids = {"SSLv3": "SSLv3", "TLS1": "TLSv1.0", "TLS1_1": "TLSv1.1", "TLS1_2": "TLSv1.2",
           "TLS1_3": "TLSv1.3"}
    versions, weak = set(), set()
    for it in items:
        i, finding = it.get("id", ""), it.get("finding", "")
        if i in ids and finding.startswith("offered"):
            versions.add(ids[i])
        if i.startswith("cipherlist_") and finding.startswith("offered"):
            cls = {"cipherlist_NULL": "NULL", "cipherlist_aNULL": "anonymous",
                   "cipherlist_EXPORT": "EXPORT", "cipherlist_LOW": "DES",
                   "cipherlist_3DES_IDEA": "3DES"}.get(i)
            if cls:
                weak.add(cls)
        if i.startswith("cipher-tls") or i.startswith("cipher_x"):
            w = weak_class(finding.split()[1] if len(finding.split()) > 1 else "")
            if w:
                weak.add(w)
    return {"versions": versions, "weak": weak}


def fmt(v):
    if v is None:
        return "not run"
    versions = ", ".join(x for x in VERSIONS if x in v["versions"]) or "none"
    weak = ", ".join(sorted(v["weak"])) or "none"
    return f"{versions}; weak: {weak}"


def main():
    work, names = sys.argv[1], sys.argv[2:]
    by = times(work)
    print("| tool | runs | median wall s | median peak RSS MB |")
    print("|---|---|---|---|")
    for label in sorted(by):
        runs = by[label]
        print(f"| {label} | {len(runs)} | {statistics.median(r[0] for r in runs):.2f} | "
              f"{statistics.median(r[1] for r in runs) / 1024:.1f} |")
    lg = launchgate_verdicts(work)
    print()
    print("| endpoint | launchgate | sslscan | testssl.sh |")
    print("|---|---|---|---|")
    for n in names:
        print(f"| {n} | {fmt(lg.get(n))} | {fmt(sslscan_verdicts(work, n))} | "
              f"{fmt(testssl_verdicts(work, n))} |")


if __name__ == "__main__":
    main()
