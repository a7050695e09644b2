#!/usr/bin/env python3
"""Regenerates projects_api.har: a HAR 1.2 file as a browser's devtools would export it.

Starts the real target (projects_api.py) on a free loopback port, signs in as ada and drives one
session with urllib, recording every request and response. Then it rewrites the port to 8765,
every bearer token to a fake value and the login password to "REDACTED", and pins dates and
timings, so the file is true to the API and identical from run to run.

    python3 tests/targets/make_har.py [--out tests/targets/projects_api.har]
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlsplit

sys.dont_write_bytecode = True  # leave no __pycache__ beside the sources
from target_process import HERE, Target  # noqa: E402

HAR_ORIGIN = "http://127.0.0.1:8765"
FAKE_TOKEN = "har-fake-token-not-valid"
FIXED_DATE = "Fri, 01 Mar 2024 10:00:00 GMT"
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/122.0.0.0 Safari/537.36")
TIMEOUT = 5.0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


class Session:
    def __init__(self, base_url):
        self.base_url = base_url
        self.token = None
        self.entries = []

    def send(self, method, path, body=None, kind="fetch", headers=None, record_body=None):
        """Sends one request; records it. `record_body` replaces the body text in the HAR."""
        h = {"Accept": "application/json, text/plain, */*",
             "Accept-Language": "en-GB,en;q=0.9",
             "User-Agent": USER_AGENT,
             "Referer": HAR_ORIGIN + "/app/projects"}
        if kind == "script":
            h["Accept"] = "*/*"
        elif kind == "image":
            h["Accept"] = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"
        if self.token and kind in ("fetch", "xhr"):
            h["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
            h["Origin"] = HAR_ORIGIN
        h.update(headers or {})
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=h)
        try:
            resp = OPENER.open(req, timeout=TIMEOUT)
        except urllib.error.HTTPError as e:
            resp = e
        with resp:
            status, reason = resp.status, resp.reason
            rheaders = list(resp.headers.items())
            rbody = resp.read()
        text = rbody.decode("utf-8")
        self.entries.append({
            "kind": kind, "method": method, "path": path,
            "headers": [("Host", urlsplit(self.base_url).netloc)] + list(h.items()),
            "body": None if data is None else (record_body or data.decode()),
            "status": status, "reason": reason, "rheaders": rheaders, "rbody": text,
        })
        return status, (json.loads(text) if text and text.lstrip()[:1] in "{[" else None)


def run_session(base_url):
    s = Session(base_url)
    s.send("GET", "/static/app.js", kind="script")
    s.send("GET", "/favicon.ico", kind="image")
    status, login = s.send("POST", "/auth/token", {"username": "ada", "password": "ada-pass-1"},
                           record_body=json.dumps({"username": "ada", "password": "REDACTED"}))
    assert status == 200, status
    s.token = login["access_token"]
    _, profile = s.send("GET", "/v2/profile")
    s.send("GET", "/v2/reference/countries")
    _, orgs = s.send("GET", "/v2/orgs")
    org = orgs["data"][0]["id"]
    assert org == profile["org_id"]
    _, projects = s.send("GET", "/v2/orgs/%s/projects" % org)
    project = projects["data"][0]["id"]
    project_path = "/v2/orgs/%s/projects/%s" % (org, project)
    s.send("GET", project_path)
    s.send("OPTIONS", project_path, kind="preflight",
           headers={"Access-Control-Request-Method": "PATCH",
                    "Access-Control-Request-Headers": "authorization,content-type",
                    "Origin": HAR_ORIGIN, "Accept": "*/*"})
    s.send("PATCH", project_path,
           {"description": "New cover sheets for every TPS report; memo v2 attached."})
    status, created = s.send("POST", "/v2/orgs/%s/projects" % org,
                             {"name": "Initech Y2K remediation",
                              "description": "Find every two-digit year before the rollover."})
    assert status == 201, status
    s.send("DELETE", "/v2/orgs/%s/projects/%s" % (org, created["id"]))
    s.send("GET", "/v2/orgs/%s/billing" % org)
    s.send("GET", "/v2/orgs/%s/members" % org)
    s.send("GET", "/v2/search?q=report")
    s.send("PATCH", "/v2/profile", {"display_name": "Ada L."})
    return s


def to_har(session):
    real_origin = session.base_url
    real_token = session.token

    def clean(text):
        return text.replace(real_origin, HAR_ORIGIN).replace(real_token, FAKE_TOKEN)

    entries = []
    for i, e in enumerate(session.entries):
        url = HAR_ORIGIN + e["path"]
        headers = [{"name": n, "value": clean(v).replace(urlsplit(real_origin).netloc,
                                                           urlsplit(HAR_ORIGIN).netloc)}
                   for n, v in e["headers"]]
        request = {
            "method": e["method"], "url": url, "httpVersion": "HTTP/1.1", "headers": headers,
            "queryString": [{"name": n, "value": v}
                            for n, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)],
            "cookies": [], "headersSize": -1,
            "bodySize": 0 if e["body"] is None else len(e["body"].encode()),
        }
        if e["body"] is not None:
            request["postData"] = {"mimeType": "application/json", "text": clean(e["body"])}
        text = clean(e["rbody"])
        rheaders = []
        mime = "x-unknown"
        for n, v in e["rheaders"]:
            if n.lower() == "date":
                v = FIXED_DATE
            if n.lower() == "content-length":
                v = str(len(text.encode()))  # the body may have lost its real token
            if n.lower() == "content-type":
                mime = v
            rheaders.append({"name": n, "value": clean(v)})
        response = {
            "status": e["status"], "statusText": e["reason"], "httpVersion": "HTTP/1.1",
            "headers": rheaders, "cookies": [],
            "content": {"size": len(text.encode()), "mimeType": mime, "text": text},
            "redirectURL": "", "headersSize": -1, "bodySize": len(text.encode()),
            "_transferSize": 180 + len(text.encode()), "_error": None,
        }
        entries.append({
            "_initiator": {"type": "parser", "url": HAR_ORIGIN + "/app/projects"}
            if e["kind"] in ("script", "image") else {"type": "script"},
            "_priority": "High" if e["kind"] in ("fetch", "script") else "Low",
            "_resourceType": e["kind"],
            "cache": {},
            "connection": str(41000 + i),
            "pageref": "page_1",
            "request": request,
            "response": response,
            "serverIPAddress": "127.0.0.1",
            "startedDateTime": "2024-03-01T10:00:%02d.%03dZ" % (1 + i // 4, (i % 4) * 250),
            "time": 4.5,
            "timings": {"blocked": 0.8, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1,
                        "wait": 3.2, "receive": 0.4, "_blocked_queueing": 0.5},
        })
    return {"log": {
        "version": "1.2",
        "creator": {"name": "WebInspector", "version": "537.36"},
        "pages": [{"startedDateTime": "2024-03-01T10:00:00.000Z", "id": "page_1",
                   "title": HAR_ORIGIN + "/app/projects",
                   "pageTimings": {"onContentLoad": 120.5, "onLoad": 180.25}}],
        "entries": entries,
    }}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(HERE, "projects_api.har"))
    args = parser.parse_args(argv)
    with Target() as target:
        session = run_session(target.base_url)
    har = to_har(session)
    text = json.dumps(har, indent=2, ensure_ascii=False) + "\n"
    for secret in (session.token, "ada-pass-1", target.base_url):
        assert secret not in text, "a secret or the real address is left in the HAR"
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s (%d entries)" % (args.out, len(har["log"]["entries"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
