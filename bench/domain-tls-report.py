#!/usr/bin/env python3
"""Summarises a bench/domain-tls.sh run: median wall time and peak RSS per tool, then two tables
of the verdicts of launchgate, sslscan and testssl.sh per endpoint, side by side: protocols and
weak suite classes, then the leaf certificate (key, not-after day, name covered, expiry within
30 days, chain trusted). A tool's cell that disagrees with launchgate's is marked DIFFERS.

usage: domain-tls-report.py WORKDIR NAME...
"""
import datetime
import glob
import json
import os
import re
import statistics
import sys
import xml.etree.ElementTree as ET

VERSIONS = ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
WEAK = ["NULL", "anonymous", "EXPORT", "RC4", "DES", "3DES"]
SOON_DAYS = 30  # "expires within 30 days": launchgate warns under 30, testssl.sh's HIGH is < 30
# sslscan's <pk bits> for an EC key is the security strength (128 for P-256), not the key size:
# the size comes from the curve.
CURVE_BITS = {"prime256v1": 256, "secp256r1": 256, "secp384r1": 384, "secp521r1": 521,
              "X25519": 253, "ED25519": 253, "X448": 448, "ED448": 456}
CERT_ROWS = [("key", "key"), ("not_after", "not after"), ("covered", "covers the name"),
             ("soon", f"expires within {SOON_DAYS} days"), ("trusted", "chain trusted")]


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


def yes_no(b):
    return "yes" if b else "no"


def lg_certificates(work):
    """host -> {key, not_after, covered, soon, trusted} (each (value, note)) from domain.tls-cert:
    its summary (reason when it fails) names each leaf, its findings name the problems."""
    report = json.load(open(os.path.join(work, "lg-1.json")))
    out = {}
    for c in report["checks"]:
        if c["id"] != "domain.tls-cert":
            continue
        text = c.get("summary") or c.get("reason") or ""
        for m in re.finditer(r"([a-z0-9.-]+) \([^,]*, (\S+) (\d+)-bit, [^)]*\) expires "
                             r"(\d{4}-\d\d-\d\d) \((-?\d+) days\)", text):
            days = int(m.group(5))
            out[m.group(1)] = {"key": (f"{m.group(2)} {m.group(3)}", ""),
                               "not_after": (m.group(4), ""), "covered": (True, ""),
                               "soon": (days < SOON_DAYS, f"{days} days"), "trusted": (True, "")}
        for f in c.get("findings", []):
            host = f.get("evidence", {}).get("host", "")
            if host not in out:
                continue
            msg = f["message"]
            if "does not cover this name" in msg:
                m = re.search(r"\((names: )?([^)]*)\)", msg)
                out[host]["covered"] = (False, m.group(2) if m else "")
            elif "chain does not validate" in msg or "self-signed" in msg:
                out[host]["trusted"] = (False, msg.split(": ", 1)[-1])
            elif "expired on" in msg:
                out[host]["soon"] = (True, "expired")
    return out


def name_matches(name, pattern):
    name, pattern = name.lower().rstrip("."), pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = name.partition(".")
        return bool(head) and rest == pattern[2:]
    return name == pattern


def sslscan_certificate(work, name):
    files = sorted(glob.glob(os.path.join(work, f"sslscan-{name}-*.xml")))
    if not files:
        return None
    root = ET.parse(files[0]).getroot()
    cert = root.find(".//certificate[@type='short']")
    if cert is None:
        cert = root.find(".//certificate")
    if cert is None:
        return None
    pk = cert.find("pk")
    key_type = pk.get("type", "?") if pk is not None else "?"
    bits = pk.get("bits", "?") if pk is not None else "?"
    note = ""
    if key_type == "EC" and pk.get("curve_name") in CURVE_BITS:
        note = f"{pk.get('curve_name')}; its bits={bits} is the strength"
        bits = CURVE_BITS[pk.get("curve_name")]
    alt = (cert.findtext("altnames") or "").strip()
    dns = [a.strip()[4:] for a in alt.split(",") if a.strip().startswith("DNS:")]
    pool = dns or [(cert.findtext("subject") or "").strip()]
    covered = any(name_matches(name, p) for p in pool)
    raw_after = " ".join((cert.findtext("not-valid-after") or "").split())
    try:
        after = datetime.datetime.strptime(raw_after, "%b %d %H:%M:%S %Y GMT").replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        after = None
    # "now" is when sslscan wrote the file, as launchgate counts from its run.
    scanned = datetime.datetime.fromtimestamp(os.path.getmtime(files[0]), datetime.timezone.utc)
    expired = (cert.findtext("expired") or "").strip() == "true"
    if after is None:
        soon = ("?", raw_after)
    else:
        days = int((after - scanned).total_seconds() // 86400)
        soon = (expired or days < SOON_DAYS,
                "expired" if expired else f"{days} days, counted by the report")
    self_signed = (cert.findtext("self-signed") or "").strip()
    return {"key": (f"{key_type} {bits}", note),
            "not_after": (after.strftime("%Y-%m-%d") if after else "?", ""),
            "covered": (covered, "the report matched altnames " + (", ".join(pool) or "none")),
            "soon": soon,
            "trusted": (None, f"not judged; self-signed: {self_signed or '?'}")}


def testssl_certificate(work, name):
    files = sorted(glob.glob(os.path.join(work, f"testssl-{name}-*.json")))
    if not files:
        return None
    try:
        items = json.load(open(files[0]))
    except (OSError, ValueError):
        return None
    by = {}
    for it in items:  # with several server certificates the ids end in " <cert#1>": take the first
        by.setdefault(it.get("id", "").split(" ")[0], it.get("finding", ""))
    if "cert_keySize" not in by:
        return None
    m = re.match(r"(\S+) (\d+) bits", by.get("cert_keySize", ""))
    key = f"{m.group(1)} {m.group(2)}" if m else by.get("cert_keySize", "?")
    trust = by.get("cert_trust", "")
    status = by.get("cert_expirationStatus", "")
    chain = by.get("cert_chain_of_trust", "")
    soon = status.startswith("expired") or status.startswith(f"expires < {SOON_DAYS} ")
    return {"key": (key, ""), "not_after": (by.get("cert_notAfter", "?")[:10], ""),
            "covered": (trust.startswith("Ok via"), trust),
            "soon": (soon, status),
            "trusted": (chain.startswith("passed"), chain)}


def fmt(v):
    if v is None:
        return "not run"
    versions = ", ".join(x for x in VERSIONS if x in v["versions"]) or "none"
    weak = ", ".join(sorted(v["weak"])) or "none"
    return f"{versions}; weak: {weak}"


def fmt_differs(v, reference):
    text = fmt(v)
    if v is not None and reference is not None and v != reference:
        text += " **DIFFERS**"
    return text


def cell(cert, field, reference):
    """One certificate verdict: value (note), DIFFERS when it disagrees with launchgate's."""
    if cert is None:
        return "not run"
    value, note = cert[field]
    text = value if isinstance(value, str) else ("?" if value is None else yes_no(value))
    if value is None:
        text = note
    elif note:
        text += f" ({note})"
    if reference is not None and value is not None and value != reference[field][0]:
        text += " **DIFFERS**"
    return text


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
    differs = 0
    print()
    print("| endpoint | launchgate | sslscan | testssl.sh |")
    print("|---|---|---|---|")
    for n in names:
        ref = lg.get(n)
        row = [fmt_differs(v, ref) for v in (sslscan_verdicts(work, n), testssl_verdicts(work, n))]
        differs += sum("DIFFERS" in c for c in row)
        print(f"| {n} | {fmt(ref)} | {row[0]} | {row[1]} |")
    certs = lg_certificates(work)
    print()
    print("| endpoint | certificate | launchgate | sslscan | testssl.sh |")
    print("|---|---|---|---|---|")
    for n in names:
        ref = certs.get(n)
        others = (sslscan_certificate(work, n), testssl_certificate(work, n))
        for field, title in CERT_ROWS:
            row = [cell(o, field, ref) for o in others]
            differs += sum("DIFFERS" in c for c in row)
            print(f"| {n} | {title} | {cell(ref, field, None)} | {row[0]} | {row[1]} |")
    print()
    print(f"cells that differ from launchgate: {differs}")


if __name__ == "__main__":
    main()
