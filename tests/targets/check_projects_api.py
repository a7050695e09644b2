#!/usr/bin/env python3
"""Self-check of projects_api.py: starts it (secure, then with each --flaw alone) on loopback and
asserts every endpoint, every trap and that each flaw plants exactly its one failure. Also checks
that projects_api.har is a well-formed, redacted HAR and that make_har.py regenerates it unchanged.

    python3 tests/targets/check_projects_api.py [-v]

Exit 0 when all holds; 1 with the first failed assertion. Every request has a 5 s timeout; the
whole run is cut at 180 s; every child is stopped on the way out.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import uuid
from urllib.parse import urlsplit

sys.dont_write_bytecode = True  # leave no __pycache__ beside the sources
from target_process import HERE, SCRIPT, Target  # noqa: E402

TIMEOUT = 5.0
VERBOSE = "-v" in sys.argv[1:]

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://launchgate.test/targets/projects_api")


def fid(name):
    return str(uuid.uuid5(NAMESPACE, name))


INITECH, UMBRELLA = fid("org:initech"), fid("org:umbrella")
ADA, BEA, CY, DAN = fid("user:ada"), fid("user:bea"), fid("user:cy"), fid("user:dan")
P = {key: fid("project:%s:%s" % (org, key)) for org, keys in
     (("initech", ("tps", "printer", "penny", "stapler")),
      ("umbrella", ("vaccine", "hive", "incident", "mansion"))) for key in keys}
PASSWORDS = {"ada": "ada-pass-1", "bea": "bea-pass-1", "cy": "cy-pass-1", "dan": "dan-pass-1"}
NOT_MEMBER = {"ok": False, "error": "not found", "data": []}
FLAWS = ("nested-idor", "org-idor", "member-billing", "write-idor", "role-mass-assign",
         "search-leak", "unauth-members")


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)
    if VERBOSE:
        print("    ok  " + what)


class Client:
    def __init__(self, base_url):
        u = urlsplit(base_url)
        self.host, self.port = u.hostname, u.port
        assert self.host == "127.0.0.1"

    def raw(self, method, path, body=None, headers=None, conn=None):
        own = conn is None
        conn = conn or http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            headers = headers or {}
            conn.request(method, path, body=body, headers=headers,
                         encode_chunked="Transfer-Encoding" in headers)
            resp = conn.getresponse()
            data = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            check("set-cookie" not in hdrs, "%s %s sets no cookie" % (method, path))
            return resp.status, hdrs, data
        finally:
            if own:
                conn.close()

    def call(self, method, path, token=None, body=None, headers=None):
        h = dict(headers or {})
        data = None
        if token:
            h["Authorization"] = "Bearer " + token
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        status, hdrs, raw = self.raw(method, path, data, h)
        value = None
        if raw:
            check(hdrs.get("content-type", "").startswith("application/json"),
                  "%s %s answers JSON" % (method, path))
            value = json.loads(raw)
        return status, value, hdrs

    def login(self, user):
        status, body, _ = self.call("POST", "/auth/token",
                                    body={"username": user, "password": PASSWORDS[user]})
        check(status == 200 and re.fullmatch(r"[0-9a-f]{40}", body["access_token"])
              and body["token_type"] == "bearer", "login %s gives a 40-hex bearer token" % user)
        return body["access_token"]


def project_names(body):
    return sorted(p["name"] for p in body["data"])


# --- the secure target, in detail ------------------------------------------------------------

def check_secure(c):
    s, body, _ = c.call("GET", "/v2/health")
    check(s == 200 and body == {"ok": True}, "health is public")
    s, body, _ = c.call("GET", "/nope/at/all")
    check(s == 404 and "error" in body, "unknown path is a 404 JSON")
    s, body, _ = c.call("GET", "/v2/orgs/%s/projects/%s/extra" % (INITECH, P["tps"]))
    check(s == 404, "unknown nested path is 404")

    # auth
    t = {u: c.login(u) for u in PASSWORDS}
    check(c.login("ada") != t["ada"], "each login gets a fresh random token")
    for bad in ({"username": "ada", "password": "nope"}, {"username": "zed", "password": "x"},
                {"username": "ada"}, {}):
        s, body, _ = c.call("POST", "/auth/token", body=bad)
        check(s == 401 and "error" in body, "bad login %r is 401" % (bad,))
    s, _, _ = c.call("GET", "/auth/token")
    check(s == 405, "GET /auth/token is 405")

    protected = [("GET", "/v2/reference/countries"), ("GET", "/v2/profile"),
                 ("PATCH", "/v2/profile"), ("GET", "/v2/orgs"),
                 ("GET", "/v2/orgs/%s/projects" % INITECH),
                 ("POST", "/v2/orgs/%s/projects" % INITECH),
                 ("GET", "/v2/orgs/%s/projects/%s" % (INITECH, P["tps"])),
                 ("PATCH", "/v2/orgs/%s/projects/%s" % (INITECH, P["tps"])),
                 ("DELETE", "/v2/orgs/%s/projects/%s" % (INITECH, P["tps"])),
                 ("GET", "/v2/orgs/%s/billing" % INITECH),
                 ("GET", "/v2/orgs/%s/members" % INITECH), ("GET", "/v2/search?q=report")]
    for method, path in protected:
        body = {"name": "x"} if method in ("POST", "PATCH") else None
        for headers in ({}, {"Authorization": "Bearer " + "0" * 40},
                        {"Authorization": "Basic YWRhOndyb25n"},  # a wrong password
                        {"Cookie": "session=" + t["ada"]}):
            s, resp, h = c.call(method, path, body=body, headers=headers)
            check(s == 401 and "error" in resp and "bearer" in h.get("www-authenticate", "").lower(),
                  "%s %s without a valid bearer token (%s) is 401"
                  % (method, path, ",".join(headers) or "none"))

    # trap: shared reference data
    lists = [c.call("GET", "/v2/reference/countries", t[u])[1] for u in t]
    check(all(x == lists[0] for x in lists) and len(lists[0]["data"]) >= 3,
          "countries are the same list for every user")

    # profile
    for user, uid, role, org in (("ada", ADA, "admin", INITECH), ("bea", BEA, "member", INITECH),
                                 ("cy", CY, "admin", UMBRELLA), ("dan", DAN, "member", UMBRELLA)):
        s, body, _ = c.call("GET", "/v2/profile", t[user])
        check(s == 200 and body["id"] == uid and body["username"] == user and body["role"] == role
              and body["org_id"] == org and body["display_name"]
              and set(body) == {"id", "username", "display_name", "role", "org_id"},
              "profile of %s" % user)
    # trap: privileged members are accepted with 204 and ignored
    s, body, _ = c.call("PATCH", "/v2/profile", t["bea"],
                        body={"display_name": "Bea O.", "role": "admin", "org_id": UMBRELLA,
                              "id": ADA})
    check(s == 204 and body is None, "PATCH profile with role/org_id answers 204")
    s, body, _ = c.call("GET", "/v2/profile", t["bea"])
    check(body["display_name"] == "Bea O." and body["role"] == "member"
          and body["org_id"] == INITECH and body["id"] == BEA,
          "display_name applied, role/org_id/id ignored")
    s, _, _ = c.call("GET", "/v2/orgs/%s/billing" % INITECH, t["bea"])
    check(s == 403, "bea still may not read billing after the ignored role")
    s, _, _ = c.call("PATCH", "/v2/profile", t["bea"], body={"display_name": 7})
    check(s == 400, "PATCH profile with a non-string display_name is 400")
    s, _, _ = c.raw("PATCH", "/v2/profile", b"{not json",
                    {"Authorization": "Bearer " + t["bea"], "Content-Type": "application/json"})
    check(s == 400, "PATCH profile with a broken body is 400")

    # orgs
    for user, org, name in (("ada", INITECH, "Initech"), ("dan", UMBRELLA, "Umbrella")):
        s, body, _ = c.call("GET", "/v2/orgs", t[user])
        check(s == 200 and body == {"data": [{"id": org, "name": name}]}, "orgs of %s" % user)

    # projects list, and the 200 "not found" envelope (a trap for status-code oracles)
    s, body, _ = c.call("GET", "/v2/orgs/%s/projects" % INITECH, t["bea"])
    check(s == 200 and len(body["data"]) == 4 and all(p["org_id"] == INITECH for p in body["data"])
          and [p["id"] for p in body["data"]] == [P[k] for k in
                                                  ("tps", "printer", "penny", "stapler")],
          "initech lists its 4 projects in order")
    tps = body["data"][0]
    check(tps["name"] == "Initech TPS report rework" and tps["owner_id"] == ADA,
          "TPS project seeded as named")
    s, body, _ = c.call("GET", "/v2/orgs/%s/projects" % UMBRELLA, t["cy"])
    check(s == 200 and "Umbrella vaccine logistics" in project_names(body)
          and len(body["data"]) == 4, "umbrella lists its 4 projects")
    for path in ("/v2/orgs/%s/projects" % UMBRELLA,
                 "/v2/orgs/%s/projects/%s" % (UMBRELLA, P["vaccine"]),
                 "/v2/orgs/%s/billing" % UMBRELLA, "/v2/orgs/%s/members" % UMBRELLA,
                 "/v2/orgs/%s/projects" % fid("org:nobody"), "/v2/orgs/not-a-uuid/members"):
        s, body, _ = c.call("GET", path, t["ada"])
        check(s == 200 and body == NOT_MEMBER, "non-member GET %s is the 200 envelope" % path)

    # one project
    s, body, _ = c.call("GET", "/v2/orgs/%s/projects/%s" % (INITECH, P["printer"]), t["ada"])
    check(s == 200 and body["name"] == "Initech printer replacement" and body["owner_id"] == BEA,
          "GET own org's project")
    for pid in (P["vaccine"], fid("project:none"), "not-a-uuid"):
        s, body, _ = c.call("GET", "/v2/orgs/%s/projects/%s" % (INITECH, pid), t["ada"])
        check(s == 404 and "error" in body, "project %s not in initech is 404" % pid)

    # create
    s, body, h = c.call("POST", "/v2/orgs/%s/projects" % INITECH, t["bea"],
                        body={"name": "Initech parking lot", "description": "Lines repainted"})
    check(s == 201 and body["owner_id"] == BEA and body["org_id"] == INITECH
          and h.get("location") == "/v2/orgs/%s/projects/%s" % (INITECH, body["id"]),
          "POST project is 201 with Location, owner = caller")
    bea_new = body["id"]
    check(bea_new == fid("project:created:9"), "created ids are repeatable")
    s, body, _ = c.call("GET", h["location"], t["ada"])
    check(s == 200 and body["name"] == "Initech parking lot", "the created project reads back")
    for bad in ({}, {"name": ""}, {"name": 5}, {"name": "x", "description": []}):
        s, _, _ = c.call("POST", "/v2/orgs/%s/projects" % INITECH, t["bea"], body=bad)
        check(s == 400, "POST project %r is 400" % (bad,))
    s, body, _ = c.call("POST", "/v2/orgs/%s/projects" % INITECH, t["dan"],
                        body={"name": "Umbrella plant in Initech"})
    check(s == 200 and body == NOT_MEMBER, "non-member POST is the 200 envelope")
    s, body, _ = c.call("GET", "/v2/orgs/%s/projects" % INITECH, t["ada"])
    check(len(body["data"]) == 5 and "Umbrella plant in Initech" not in project_names(body),
          "non-member POST created nothing")

    # patch
    s, body, _ = c.call("PATCH", "/v2/orgs/%s/projects/%s" % (INITECH, P["penny"]), t["bea"],
                        body={"description": "Rounding fixed", "owner_id": BEA, "org_id": UMBRELLA})
    check(s == 200 and body["description"] == "Rounding fixed" and body["owner_id"] == ADA
          and body["org_id"] == INITECH, "PATCH project applies name/description only")
    s, _, _ = c.call("PATCH", "/v2/orgs/%s/projects/%s" % (INITECH, P["penny"]), t["bea"],
                     body={"name": ""})
    check(s == 400, "PATCH project with an empty name is 400")
    s, body, _ = c.call("PATCH", "/v2/orgs/%s/projects/%s" % (INITECH, P["vaccine"]), t["ada"],
                        body={"name": "pwned"})
    check(s == 404, "PATCH of another org's project under one's own org is 404")
    # trap: cross-org PATCH answers 200 but lands on the caller's own latest project
    s, body, _ = c.call("PATCH", "/v2/orgs/%s/projects/%s" % (INITECH, P["tps"]), t["dan"],
                        body={"name": "Hacked by dan", "description": "x"})
    check(s == 200 and body["id"] == P["mansion"] and body["name"] == "Hacked by dan",
          "cross-org PATCH answers 200 with the caller's own latest project")
    s, body, _ = c.call("GET", "/v2/orgs/%s/projects/%s" % (INITECH, P["tps"]), t["ada"])
    check(body["name"] == "Initech TPS report rework", "the victim's project is unchanged")
    s, body, _ = c.call("GET", "/v2/orgs/%s/projects/%s" % (UMBRELLA, P["mansion"]), t["dan"])
    check(body["name"] == "Hacked by dan", "the caller's own project took the change")

    # delete
    path = "/v2/orgs/%s/projects/%s" % (INITECH, P["tps"])
    s, body, _ = c.call("DELETE", path, t["dan"])
    check(s == 200 and body == NOT_MEMBER, "non-member DELETE is the 200 envelope")
    s, _, _ = c.call("DELETE", path, t["bea"])
    check(s == 403, "a member may not delete another's project")
    s, _, _ = c.call("DELETE", "/v2/orgs/%s/projects/%s" % (INITECH, P["vaccine"]), t["ada"])
    check(s == 404, "DELETE of another org's project under one's own org is 404")
    s, body, _ = c.call("GET", path, t["ada"])
    check(s == 200, "after refused deletes the project is still there")
    s, body, _ = c.call("DELETE", "/v2/orgs/%s/projects/%s" % (INITECH, bea_new), t["bea"])
    check(s == 204 and body is None, "the owner deletes her project: 204")
    s, _, _ = c.call("DELETE", "/v2/orgs/%s/projects/%s" % (INITECH, P["stapler"]), t["ada"])
    check(s == 204, "an admin deletes a member's project: 204")
    s, _, _ = c.call("GET", "/v2/orgs/%s/projects/%s" % (INITECH, P["stapler"]), t["ada"])
    check(s == 404, "a deleted project is gone")

    # billing
    s, body, _ = c.call("GET", "/v2/orgs/%s/billing" % INITECH, t["ada"])
    check(s == 200 and body["card_last4"] == "4242" and body["plan"] and body["invoice_email"]
          and body["org_id"] == INITECH, "admin reads billing")
    s, body, _ = c.call("GET", "/v2/orgs/%s/billing" % UMBRELLA, t["cy"])
    check(s == 200 and body["card_last4"] == "1881", "umbrella admin reads umbrella billing")
    for user, org in (("bea", INITECH), ("dan", UMBRELLA)):
        s, body, _ = c.call("GET", "/v2/orgs/%s/billing" % org, t[user])
        check(s == 403 and "card_last4" not in body, "member %s gets 403 on billing" % user)

    # members
    s, body, _ = c.call("GET", "/v2/orgs/%s/members" % INITECH, t["bea"])
    check(s == 200 and [m["username"] for m in body["data"]] == ["ada", "bea"]
          and set(body["data"][0]) == {"id", "username", "display_name", "role"},
          "members of initech")

    # search
    s, body, _ = c.call("GET", "/v2/search?q=report", t["ada"])
    check(s == 200 and project_names(body) == ["Initech TPS report rework"],
          "search q=report stays in initech")
    s, body, _ = c.call("GET", "/v2/search?q=REPORT", t["cy"])
    check(project_names(body) == ["Umbrella incident report archive"],
          "search is case-insensitive and stays in umbrella")
    s, body, _ = c.call("GET", "/v2/search?q=swingline", t["ada"])
    check(project_names(body) == [], "search matches descriptions (stapler deleted: none)")
    s, body, _ = c.call("GET", "/v2/search?q=raccoon", t["ada"])
    check(project_names(body) == [], "search never crosses orgs")
    s, body, _ = c.call("GET", "/v2/search?q=raccoon", t["dan"])
    check(project_names(body) == ["Umbrella vaccine logistics"], "search matches descriptions")

    # HTTP plumbing
    s, h, data = c.raw("HEAD", "/v2/health")
    check(s == 200 and data == b"" and int(h["content-length"]) > 0, "HEAD works")
    s, h, _ = c.raw("OPTIONS", "/v2/orgs/%s/projects/%s" % (INITECH, P["tps"]))
    check(s == 204 and "PATCH" in h.get("allow", ""), "OPTIONS answers 204 with Allow")
    s, h, _ = c.raw("PUT", "/v2/profile", b"{}", {"Authorization": "Bearer " + t["ada"]})
    check(s == 405 and "PATCH" in h.get("allow", ""), "PUT on /v2/profile is 405")
    s, h, _ = c.raw("GET", "/static/app.js")
    check(s == 200 and h["content-type"] == "application/javascript",
          "static bundle is served (HAR noise)")
    big = b'{"username": "ada", "password": "x"}'
    s, _, _ = c.raw("POST", "/auth/token", big + b" " * (1024 * 1024 - len(big)),
                    {"Content-Type": "application/json"})
    check(s == 401, "a body of exactly 1 MiB is read")
    s, body, h = c.raw("POST", "/auth/token", big + b" " * (1024 * 1024 + 1 - len(big)),
                       {"Content-Type": "application/json"})
    check(s == 413, "a body over 1 MiB is 413")
    # keep-alive: a refused request with a body must not desynchronise the connection
    conn = http.client.HTTPConnection(c.host, c.port, timeout=TIMEOUT)
    try:
        s1, _, _ = c.raw("POST", "/v2/orgs/%s/projects" % INITECH, b'{"name": "x"}',
                         {"Content-Type": "application/json"}, conn=conn)
        s2, _, _ = c.raw("GET", "/nope", b'{"a": 1}', {}, conn=conn)
        s3, _, d3 = c.raw("HEAD", "/v2/health", conn=conn)
        s4, _, d4 = c.raw("GET", "/v2/health", conn=conn)
        check((s1, s2, s3, s4) == (401, 404, 200, 200) and d3 == b""
              and json.loads(d4) == {"ok": True},
              "keep-alive connection stays in step after 401/404 with bodies and HEAD")
    finally:
        conn.close()
    s, _, _ = c.raw("GET", "/v2/search?q=report",
                    headers={"Authorization": "Bearer " + t["ada"],
                             "Transfer-Encoding": "chunked"}, body=iter([b"x" * 10]))
    check(s == 200, "a chunked body is read")


# --- flaw probes: each returns True when its flaw shows -----------------------------------------

def probe_all(c):
    t = {u: c.login(u) for u in PASSWORDS}
    seen = {}

    s, body, _ = c.call("GET", "/v2/orgs/%s/projects/%s" % (INITECH, P["vaccine"]), t["ada"])
    seen["nested-idor"] = s == 200 and body.get("name") == "Umbrella vaccine logistics"
    if not seen["nested-idor"]:
        check(s == 404, "nested id of another org is 404")

    s1, b1, _ = c.call("GET", "/v2/orgs/%s/projects" % UMBRELLA, t["ada"])
    s2, b2, _ = c.call("GET", "/v2/orgs/%s/members" % UMBRELLA, t["ada"])
    listed = s1 == 200 and "Umbrella vaccine logistics" in project_names(b1)
    members = s2 == 200 and [m["username"] for m in b2["data"]] == ["cy", "dan"]
    check(listed == members, "org-idor opens projects and members together")
    seen["org-idor"] = listed
    if not listed:
        check(b1 == NOT_MEMBER and b2 == NOT_MEMBER, "cross-org lists are the envelope")

    s, body, _ = c.call("GET", "/v2/orgs/%s/billing" % INITECH, t["bea"])
    seen["member-billing"] = s == 200 and body.get("card_last4") == "4242"
    if not seen["member-billing"]:
        check(s == 403, "member billing is 403")
    s, body, _ = c.call("GET", "/v2/orgs/%s/billing" % UMBRELLA, t["bea"])
    check(s == 200 and body == NOT_MEMBER, "billing never crosses orgs")

    # write-idor: dan (member of umbrella) PATCHes, cy (umbrella admin) DELETEs initech projects
    s, _, _ = c.call("PATCH", "/v2/orgs/%s/projects/%s" % (UMBRELLA, P["printer"]), t["dan"],
                     body={"description": "changed by dan"})
    s2, _, _ = c.call("PATCH", "/v2/orgs/%s/projects/%s" % (INITECH, P["printer"]), t["dan"],
                      body={"name": "renamed by dan"})
    s3, _, _ = c.call("DELETE", "/v2/orgs/%s/projects/%s" % (UMBRELLA, P["stapler"]), t["cy"])
    _, printer, _ = c.call("GET", "/v2/orgs/%s/projects/%s" % (INITECH, P["printer"]), t["ada"])
    st, _, _ = c.call("GET", "/v2/orgs/%s/projects/%s" % (INITECH, P["stapler"]), t["ada"])
    changed = printer["description"] == "changed by dan"
    renamed = printer["name"] == "renamed by dan"
    deleted = st == 404
    check(changed == renamed == deleted, "write-idor opens PATCH and DELETE together")
    seen["write-idor"] = changed
    if not changed:
        check((s, s2, s3) == (404, 200, 404), "cross-org writes refused (404/200-trap/404)")

    s, _, _ = c.call("PATCH", "/v2/profile", t["dan"], body={"role": "admin"})
    check(s == 204, "PATCH profile with role is 204")
    _, body, _ = c.call("GET", "/v2/profile", t["dan"])
    s, _, _ = c.call("GET", "/v2/orgs/%s/billing" % UMBRELLA, t["dan"])
    seen["role-mass-assign"] = body["role"] == "admin"
    if seen["role-mass-assign"]:
        check(s == 200, "the assigned role is effective")

    _, body, _ = c.call("GET", "/v2/search?q=report", t["ada"])
    names = project_names(body)
    seen["search-leak"] = "Umbrella incident report archive" in names
    check("Initech TPS report rework" in names, "search finds the caller's own project")

    s, body, _ = c.call("GET", "/v2/orgs/%s/members" % INITECH)
    seen["unauth-members"] = s == 200 and len(body["data"]) == 2
    if not seen["unauth-members"]:
        check(s == 401, "members without a token is 401")
    s, _, _ = c.call("GET", "/v2/orgs/%s/projects" % INITECH)
    check(s == 401, "projects without a token is 401 (whatever the flaw)")

    # traps hold under every flaw
    lists = [c.call("GET", "/v2/reference/countries", t[u])[1] for u in t]
    check(all(x == lists[0] for x in lists), "countries are shared")
    s, body, _ = c.call("GET", "/v2/orgs", t["ada"])
    check(body["data"] == [{"id": INITECH, "name": "Initech"}], "orgs lists only one's own")
    return {name for name, shown in seen.items() if shown}


# --- HAR -----------------------------------------------------------------------------------------

def check_har():
    path = os.path.join(HERE, "projects_api.har")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    har = json.loads(text)
    log = har["log"]
    check(log["version"] == "1.2" and log["creator"]["name"] and log["entries"], "HAR 1.2 log")
    for secret in PASSWORDS.values():
        check(secret not in text, "no password in the HAR")
    check(not re.search(r"\b[0-9a-f]{40}\b", text), "no real token in the HAR")
    seen = []
    for e in log["entries"]:
        req, resp = e["request"], e["response"]
        u = urlsplit(req["url"])
        check(u.scheme == "http" and u.netloc == "127.0.0.1:8765", "HAR url %s" % req["url"])
        check(isinstance(req["headers"], list) and isinstance(req["queryString"], list)
              and isinstance(resp["status"], int) and "mimeType" in resp["content"]
              and "text" in resp["content"], "HAR entry shape %s" % req["url"])
        if "postData" in req:
            check({"mimeType", "text"} <= set(req["postData"]), "postData shape")
        auth = [h["value"] for h in req["headers"] if h["name"].lower() == "authorization"]
        check(all(a.startswith("Bearer ") for a in auth), "Authorization is Bearer")
        check(not any(h["name"].lower() in ("cookie", "set-cookie")
                      for h in req["headers"] + resp["headers"]), "no cookies in the HAR")
        path = u.path + ("?" + u.query if u.query else "")
        path = path.replace(INITECH, "{org}")
        path = re.sub(r"/projects/[0-9a-f-]{36}", "/projects/{id}", path)
        seen.append("%s %s %d" % (req["method"], path, resp["status"]))
    want = ["GET /favicon.ico 404", "GET /static/app.js 200", "POST /auth/token 200",
            "GET /v2/profile 200", "GET /v2/reference/countries 200", "GET /v2/orgs 200",
            "GET /v2/orgs/{org}/projects 200", "GET /v2/orgs/{org}/projects/{id} 200",
            "OPTIONS /v2/orgs/{org}/projects/{id} 204", "PATCH /v2/orgs/{org}/projects/{id} 200",
            "POST /v2/orgs/{org}/projects 201", "DELETE /v2/orgs/{org}/projects/{id} 204",
            "GET /v2/orgs/{org}/billing 200", "GET /v2/orgs/{org}/members 200",
            "GET /v2/search?q=report 200", "PATCH /v2/profile 204"]
    check(sorted(seen) == sorted(want), "HAR has the expected session: %s" % seen)
    login = [e for e in log["entries"] if e["request"]["url"].endswith("/auth/token")][0]
    check(json.loads(login["request"]["postData"]["text"]) ==
          {"username": "ada", "password": "REDACTED"}, "login body redacted")
    search = [e for e in log["entries"] if "/v2/search" in e["request"]["url"]][0]
    check(search["request"]["queryString"] == [{"name": "q", "value": "report"}],
          "search queryString")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "again.har")
        subprocess.run([sys.executable, os.path.join(HERE, "make_har.py"), "--out", out],
                       check=True, timeout=60, stdout=subprocess.DEVNULL)
        with open(out, encoding="utf-8") as f:
            check(f.read() == text, "make_har.py regenerates projects_api.har byte for byte")


# --- process behaviour ---------------------------------------------------------------------------

def check_process():
    for sig in (signal.SIGTERM, signal.SIGINT):
        target = Target()
        with target:
            check(re.fullmatch(r"http://127\.0\.0\.1:\d+", target.base_url),
                  "first line is 'listening on http://127.0.0.1:PORT'")
            code = target.stop(sig)
        check(code == 0, "exits 0 on %s" % signal.Signals(sig).name)
    r = subprocess.run([sys.executable, SCRIPT, "--flaw", "no-such-flaw"], timeout=10,
                       capture_output=True)
    check(r.returncode == 2, "an unknown flaw is a usage error (2)")


def run(name, fn, flaws=()):
    target = Target(flaws)
    try:
        with target:
            result = fn(Client(target.base_url))
    except BaseException:
        sys.stderr.write("--- target stderr (%s) ---\n%s" % (name, target.stderr_text()))
        raise
    return result


def main():
    def too_long(signum, frame):
        raise Failed("the run took over 180 s")

    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(180)
    try:
        check_process()
        print("ok  process: start line, SIGTERM/SIGINT exit 0, bad flaw exit 2")
        run("secure", check_secure)
        print("ok  secure target: endpoints, auth, traps, plumbing")
        shown = run("secure probes", probe_all)
        check(shown == set(), "secure target shows no flaw (showed %s)" % sorted(shown))
        print("ok  secure target: no flaw probe fires")
        for flaw in FLAWS:
            shown = run(flaw, probe_all, [flaw])
            check(shown == {flaw}, "--flaw %s shows exactly itself (showed %s)"
                  % (flaw, sorted(shown)))
            print("ok  --flaw %s plants exactly its failure" % flaw)
        shown = run("all flaws", probe_all, FLAWS)
        check(shown == set(FLAWS), "all flaws together all show (showed %s)" % sorted(shown))
        print("ok  all flaws together")
        check_har()
        print("ok  projects_api.har: shape, redaction, session, reproducible")
    except Failed as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        signal.alarm(0)
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
