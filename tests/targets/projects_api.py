#!/usr/bin/env python3
"""projects_api: a second, deliberately different test target for launchgate's access gate.

A small multi-tenant "projects" API with bearer tokens (never cookies), UUID ids and the org in the
path (/v2/orgs/{org}/projects/{id}). It is secure by default but full of traps for naive checks
(a 200 "not found" envelope, shared reference data, ignored privileged fields, a cross-org PATCH
that lands on the caller's own record). Each --flaw NAME plants exactly one real failure.
Besides bearer tokens, the same users can sign in three other ways, so that launchgate's login
styles meet a real server: HTTP Basic, an API key (X-Api-Key: key-<username>-1), and a web form
at /web/login whose CSRF token is bound to a pre-session cookie (the session is then the
web_session cookie).
Python 3 standard library only. See README.md beside this file.

    python3 projects_api.py [--port 0] [--flaw NAME]... [--log]

Prints "listening on http://127.0.0.1:PORT" on stdout, serves until SIGTERM/SIGINT, exits 0.
"""

import argparse
import base64
import html
import json
import secrets
import signal
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

FLAWS = (
    "nested-idor",       # GET project checks membership of {org}, not that {id} belongs to {org}
    "org-idor",          # GET projects list and members skip the membership check
    "member-billing",    # billing readable by members of the org (role escalation)
    "write-idor",        # PATCH/DELETE of a project skip every org check
    "role-mass-assign",  # PATCH /v2/profile applies `role`
    "search-leak",       # /v2/search searches every org
    "unauth-members",    # GET members answers without a token
)

MAX_BODY = 1024 * 1024  # 1 MiB; larger bodies get 413

# Every id is uuid5 of a fixed name under this namespace, so runs (and the HAR) are repeatable.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://launchgate.test/targets/projects_api")


def fixed_id(name):
    return str(uuid.uuid5(NAMESPACE, name))


def timestamp(seq):
    """A deterministic creation time: one minute per creation, from a fixed start."""
    return "2024-03-01T%02d:%02d:00Z" % (9 + seq // 60 % 12, seq % 60)


COUNTRIES = [
    {"code": "CA", "name": "Canada"},
    {"code": "DE", "name": "Germany"},
    {"code": "FR", "name": "France"},
    {"code": "JP", "name": "Japan"},
    {"code": "US", "name": "United States"},
]

SEED_ORGS = [
    # slug, name, billing
    ("initech", "Initech",
     {"plan": "business", "card_last4": "4242", "invoice_email": "billing@initech.test"}),
    ("umbrella", "Umbrella",
     {"plan": "enterprise", "card_last4": "1881", "invoice_email": "accounts@umbrella.test"}),
]

SEED_USERS = [
    # username, password, role, org slug, display name
    ("ada", "ada-pass-1", "admin", "initech", "Ada Lundgren"),
    ("bea", "bea-pass-1", "member", "initech", "Bea Okafor"),
    ("cy", "cy-pass-1", "admin", "umbrella", "Cy Marlowe"),
    ("dan", "dan-pass-1", "member", "umbrella", "Dan Petrov"),
]

SEED_PROJECTS = [
    # org slug, key, owner, name, description
    ("initech", "tps", "ada", "Initech TPS report rework",
     "New cover sheets for every TPS report; memo from Lumbergh attached."),
    ("initech", "printer", "bea", "Initech printer replacement",
     "Replace the PC LOAD LETTER printer on floor 4 before Friday."),
    ("initech", "penny", "ada", "Initech penny rounding audit",
     "Reconcile fractions of a cent in the quarterly payroll batches."),
    ("initech", "stapler", "bea", "Initech red stapler inventory",
     "Track Swingline staplers moved to basement storage room B."),
    ("umbrella", "vaccine", "cy", "Umbrella vaccine logistics",
     "Cold chain shipping plan for the Raccoon City distribution centre."),
    ("umbrella", "hive", "dan", "Umbrella Hive access review",
     "Quarterly badge audit for the underground research facility."),
    ("umbrella", "incident", "cy", "Umbrella incident report archive",
     "Digitise the paper incident report backlog from the Arklay lab."),
    ("umbrella", "mansion", "dan", "Umbrella mansion renovation",
     "Restore the Spencer estate main hall; puzzle locks to stay."),
]


class Store:
    """All state, in memory, behind one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.orgs = {}       # id -> {"id","name","slug"}
        self.billing = {}    # org id -> billing dict
        self.users = {}      # id -> {"id","username","password","role","org_id","display_name"}
        self.projects = {}   # id -> {"id","org_id","name","description","owner_id","created_at"}
        self.order = {}      # project id -> creation sequence number
        self.tokens = {}     # token -> user id
        self.csrf = {}       # pre-session cookie value -> the CSRF token rendered for it
        self.seq = 0
        slug_to_id = {}
        for slug, name, billing in SEED_ORGS:
            oid = fixed_id("org:" + slug)
            slug_to_id[slug] = oid
            self.orgs[oid] = {"id": oid, "name": name, "slug": slug}
            self.billing[oid] = dict(billing, org_id=oid)
        name_to_id = {}
        for username, password, role, slug, display in SEED_USERS:
            uid = fixed_id("user:" + username)
            name_to_id[username] = uid
            self.users[uid] = {"id": uid, "username": username, "password": password,
                               "role": role, "org_id": slug_to_id[slug],
                               "display_name": display}
        for slug, key, owner, name, description in SEED_PROJECTS:
            self._add_project(fixed_id("project:%s:%s" % (slug, key)), slug_to_id[slug],
                              name, description, name_to_id[owner])

    def _add_project(self, pid, org_id, name, description, owner_id):
        self.seq += 1
        project = {"id": pid, "org_id": org_id, "name": name, "description": description,
                   "owner_id": owner_id, "created_at": timestamp(self.seq)}
        self.projects[pid] = project
        self.order[pid] = self.seq
        return project

    def create_project(self, org_id, name, description, owner_id):
        # The id of the n-th created project is uuid5 of a fixed name too: repeatable runs.
        pid = fixed_id("project:created:%d" % (self.seq + 1))
        return self._add_project(pid, org_id, name, description, owner_id)

    def check_password(self, username, password):
        for user in self.users.values():
            if user["username"] == username and secrets.compare_digest(
                    user["password"].encode(), password.encode()):
                return user
        return None

    def by_api_key(self, key):
        for user in self.users.values():
            if secrets.compare_digest(("key-%s-1" % user["username"]).encode(), key.encode()):
                return user
        return None

    def login(self, username, password):
        for user in self.users.values():
            if user["username"] == username and secrets.compare_digest(
                    user["password"].encode(), password.encode()):
                token = secrets.token_hex(20)
                self.tokens[token] = user["id"]
                return token
        return None

    def org_projects(self, org_id):
        found = [p for p in self.projects.values() if p["org_id"] == org_id]
        return sorted(found, key=lambda p: self.order[p["id"]])

    def latest_own_project(self, user):
        mine = [p for p in self.projects.values()
                if p["owner_id"] == user["id"] and p["org_id"] == user["org_id"]]
        return max(mine, key=lambda p: self.order[p["id"]]) if mine else None


def public_user(user):
    return {k: user[k] for k in ("id", "username", "display_name", "role", "org_id")}


def member_view(user):
    return {k: user[k] for k in ("id", "username", "display_name", "role")}


NOT_MEMBER = {"ok": False, "error": "not found", "data": []}  # 200, on purpose (a trap)


class HttpError(Exception):
    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write, and without Nagle's delay: an unbuffered handler
    # sends them apart and each response waits ~40 ms for the client's delayed ACK.
    wbufsize = -1
    disable_nagle_algorithm = True
    server_version = "projects-api/2"
    timeout = 30  # seconds a client may idle on a connection

    # --- plumbing ---------------------------------------------------------------------------

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if self.server.log_requests:
            sys.stderr.write("projects_api: %s %s\n" % (self.address_string(), format % args))

    def send_error(self, code, message=None, explain=None):
        # Errors raised by the base class (bad request line, unknown method...) are JSON too.
        self.close_connection = True
        self._send(code, {"error": message or self.responses.get(code, ("error",))[0]},
                   {"Connection": "close"})

    def _send(self, status, body=None, headers=None, content_type="application/json"):
        data = b""
        if body is not None:
            data = body if isinstance(body, bytes) else (json.dumps(body) + "\n").encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 204 and status >= 200:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD" and status != 204:
            self.wfile.write(data)

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise HttpError(400, "bad Content-Length")
        if n < 0:
            raise HttpError(400, "bad Content-Length")
        if n > MAX_BODY:
            self.close_connection = True
            raise HttpError(413, "body larger than 1 MiB", {"Connection": "close"})
        return self.rfile.read(n)

    def _read_chunked(self):
        data = b""
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                raise HttpError(400, "bad chunked body", {"Connection": "close"})
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass
                return data
            if len(data) + size > MAX_BODY:
                self.close_connection = True
                raise HttpError(413, "body larger than 1 MiB", {"Connection": "close"})
            data += self.rfile.read(size)
            self.rfile.readline(1024)

    def _json_body(self):
        try:
            value = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise HttpError(400, "body must be JSON")
        if not isinstance(value, dict):
            raise HttpError(400, "body must be a JSON object")
        return value

    def _cookies(self):
        out = {}
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name:
                out[name] = value
        return out

    def _caller(self, required=True):
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = None
        store = self.server.store
        with store.lock:
            if scheme.lower() == "bearer" and token.strip():
                uid = store.tokens.get(token.strip())
                user = store.users.get(uid) if uid else None
            elif scheme.lower() == "basic" and token.strip():
                try:
                    pair = base64.b64decode(token.strip(), validate=True).decode("utf-8")
                except ValueError:
                    pair = ""
                username, sep, password = pair.partition(":")
                user = store.check_password(username, password) if sep else None
            elif self.headers.get("X-Api-Key"):
                user = store.by_api_key(self.headers.get("X-Api-Key"))
            elif self._cookies().get("web_session"):
                uid = store.tokens.get(self._cookies()["web_session"])
                user = store.users.get(uid) if uid else None
        if user is None and required:
            raise HttpError(401, "missing or invalid bearer token",
                            {"WWW-Authenticate": 'Bearer realm="projects-api"'})
        return user

    def _flaw(self, name):
        return name in self.server.flaws

    # --- dispatch ---------------------------------------------------------------------------

    def do_GET(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def do_OPTIONS(self):
        self._dispatch()

    def _dispatch(self):
        try:
            self.body = b""
            # Read the whole body first (even when the answer will be 401 or 404), so the next
            # request on a kept-alive connection starts where it should.
            self.body = self._read_body()
            url = urlsplit(self.path)
            self.query = parse_qs(url.query, keep_blank_values=True)
            segments = [unquote(s) for s in url.path.split("/")[1:]]
            route, params, allowed = self._route(segments)
            method = "GET" if self.command == "HEAD" else self.command
            if route is None:
                raise HttpError(404, "no such path")
            if self.command == "OPTIONS":
                self._send(204, headers={"Allow": ", ".join(allowed + ["OPTIONS"])})
                return
            handler = route.get(method)
            if handler is None:
                raise HttpError(405, "method not allowed",
                                {"Allow": ", ".join(allowed + ["OPTIONS"])})
            handler(*params)
        except HttpError as e:
            self._send(e.status, {"error": e.message}, e.headers)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:  # noqa: BLE001 -- a bug here must not kill the server
            sys.stderr.write("projects_api: internal error: %r\n" % (e,))
            self.close_connection = True
            try:
                self._send(500, {"error": "internal error"}, {"Connection": "close"})
            except OSError:
                pass

    def _route(self, s):
        """Returns ({method: handler}, path params, allowed methods) or (None, None, None)."""
        table = None
        params = []
        n = len(s)
        if s == ["auth", "token"]:
            table = {"POST": self.login}
        elif s == ["web", "login"]:
            table = {"GET": self.web_login_page, "POST": self.web_login}
        elif s == ["static", "app.js"]:
            table = {"GET": self.static_js}
        elif n >= 2 and s[0] == "v2":
            rest = s[1:]
            if rest == ["health"]:
                table = {"GET": self.health}
            elif rest == ["reference", "countries"]:
                table = {"GET": self.countries}
            elif rest == ["profile"]:
                table = {"GET": self.get_profile, "PATCH": self.patch_profile}
            elif rest == ["orgs"]:
                table = {"GET": self.list_orgs}
            elif rest == ["search"]:
                table = {"GET": self.search}
            elif len(rest) >= 3 and rest[0] == "orgs" and rest[1]:
                params = [rest[1]]
                tail = rest[2:]
                if tail == ["projects"]:
                    table = {"GET": self.list_projects, "POST": self.create_project}
                elif len(tail) == 2 and tail[0] == "projects" and tail[1]:
                    params.append(tail[1])
                    table = {"GET": self.get_project, "PATCH": self.patch_project,
                             "DELETE": self.delete_project}
                elif tail == ["billing"]:
                    table = {"GET": self.billing}
                elif tail == ["members"]:
                    table = {"GET": self.members}
        if table is None:
            return None, None, None
        allowed = sorted(table)
        if "GET" in table:
            allowed.append("HEAD")
        return table, params, allowed

    # --- endpoints --------------------------------------------------------------------------

    def health(self):
        self._send(200, {"ok": True})

    def static_js(self):
        body = b"/* projects portal bundle */\nconsole.log('projects portal');\n"
        self._send(200, body, content_type="application/javascript")

    def login(self):
        body = self._json_body()
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            raise HttpError(401, "invalid credentials")
        with self.server.store.lock:
            token = self.server.store.login(username, password)
        if token is None:
            raise HttpError(401, "invalid credentials")
        self._send(200, {"access_token": token, "token_type": "bearer"})

    def web_login_page(self):
        # The CSRF token is bound to a pre-session cookie: posting it without that cookie fails.
        binding, token = secrets.token_hex(16), secrets.token_urlsafe(24)
        with self.server.store.lock:
            self.server.store.csrf[binding] = token
        page = ('<!doctype html><title>Sign in</title><form method="post" action="/web/login">'
                '<input type="hidden" name="csrf_token" value="%s">'
                '<input name="username"><input type="password" name="password">'
                '<button>Sign in</button></form>' % html.escape(token))
        self._send(200, page.encode(), {"Set-Cookie": "csrf_binding=%s; HttpOnly; SameSite=Lax"
                                        % binding}, content_type="text/html; charset=utf-8")

    def web_login(self):
        if not self.headers.get("Content-Type", "").startswith(
                "application/x-www-form-urlencoded"):
            raise HttpError(415, "a form body is expected")
        form = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        field = lambda name: (form.get(name) or [""])[0]  # noqa: E731
        store = self.server.store
        with store.lock:
            expected = store.csrf.pop(self._cookies().get("csrf_binding", ""), None)
            if expected is None or not secrets.compare_digest(expected.encode(),
                                                              field("csrf_token").encode()):
                raise HttpError(403, "missing or wrong CSRF token")
            token = store.login(field("username"), field("password"))
        if token is None:
            raise HttpError(401, "invalid credentials")
        self._send(303, headers={"Location": "/v2/profile", "Set-Cookie":
                                 "web_session=%s; HttpOnly; SameSite=Lax; Path=/" % token})

    def countries(self):
        self._caller()
        self._send(200, {"data": COUNTRIES})  # the same for everyone: shared, not a leak

    def get_profile(self):
        user = self._caller()
        with self.server.store.lock:
            self._send(200, public_user(user))

    def patch_profile(self):
        user = self._caller()
        body = self._json_body()
        name = body.get("display_name")
        if name is not None and (not isinstance(name, str) or not 0 < len(name) <= 100):
            raise HttpError(400, "display_name must be a string of 1 to 100 characters")
        role = body.get("role")
        with self.server.store.lock:
            if name is not None:
                user["display_name"] = name
            if self._flaw("role-mass-assign") and isinstance(role, str) and role:
                user["role"] = role
            # Every other member (role, org_id, id...) is ignored, yet the answer is 204 (a trap).
        self._send(204)

    def list_orgs(self):
        user = self._caller()
        store = self.server.store
        with store.lock:
            org = store.orgs[user["org_id"]]
            self._send(200, {"data": [{"id": org["id"], "name": org["name"]}]})

    def _is_member(self, user, org_id):
        return user is not None and user["org_id"] == org_id

    def list_projects(self, org_id):
        user = self._caller()
        store = self.server.store
        with store.lock:
            if not self._is_member(user, org_id) and not (
                    self._flaw("org-idor") and org_id in store.orgs):
                self._send(200, NOT_MEMBER)
                return
            self._send(200, {"data": store.org_projects(org_id)})

    def create_project(self, org_id):
        user = self._caller()
        body = self._json_body()
        name, description = body.get("name"), body.get("description", "")
        if not isinstance(name, str) or not 0 < len(name.strip()) <= 200:
            raise HttpError(400, "name must be a string of 1 to 200 characters")
        if not isinstance(description, str) or len(description) > 2000:
            raise HttpError(400, "description must be a string of at most 2000 characters")
        store = self.server.store
        with store.lock:
            if not self._is_member(user, org_id):
                self._send(200, NOT_MEMBER)
                return
            project = store.create_project(org_id, name, description, user["id"])
            location = "/v2/orgs/%s/projects/%s" % (org_id, project["id"])
            self._send(201, dict(project), {"Location": location})

    def get_project(self, org_id, project_id):
        user = self._caller()
        store = self.server.store
        with store.lock:
            if not self._is_member(user, org_id):
                self._send(200, NOT_MEMBER)
                return
            project = store.projects.get(project_id)
            if project is None or (project["org_id"] != org_id
                                   and not self._flaw("nested-idor")):
                raise HttpError(404, "no such project")
            self._send(200, dict(project))

    def _project_changes(self):
        body = self._json_body()
        changes = {}
        for key, limit in (("name", 200), ("description", 2000)):
            if key in body:
                value = body[key]
                if not isinstance(value, str) or len(value) > limit or (
                        key == "name" and not value.strip()):
                    raise HttpError(400, "%s must be a string of at most %d characters"
                                    % (key, limit))
                changes[key] = value
        return changes  # owner_id, org_id, id... are ignored

    def patch_project(self, org_id, project_id):
        user = self._caller()
        changes = self._project_changes()
        store = self.server.store
        with store.lock:
            if self._flaw("write-idor"):
                project = store.projects.get(project_id)
            elif not self._is_member(user, org_id):
                # A bug, not a leak (a trap): the change lands on the caller's own most recently
                # created project, and the victim's project stays as it was.
                project = store.latest_own_project(user)
                if project is None:
                    self._send(200, NOT_MEMBER)
                    return
            else:
                project = store.projects.get(project_id)
                if project is not None and project["org_id"] != org_id:
                    project = None
            if project is None:
                raise HttpError(404, "no such project")
            project.update(changes)
            self._send(200, dict(project))

    def delete_project(self, org_id, project_id):
        user = self._caller()
        store = self.server.store
        with store.lock:
            if self._flaw("write-idor"):
                project = store.projects.get(project_id)
            elif not self._is_member(user, org_id):
                self._send(200, NOT_MEMBER)
                return
            else:
                project = store.projects.get(project_id)
                if project is not None and project["org_id"] != org_id:
                    project = None
            if project is None:
                raise HttpError(404, "no such project")
            if user["role"] != "admin" and project["owner_id"] != user["id"]:
                raise HttpError(403, "only an admin or the project's owner may delete it")
            del store.projects[project_id]
            del store.order[project_id]
        self._send(204)

    def billing(self, org_id):
        user = self._caller()
        store = self.server.store
        with store.lock:
            if not self._is_member(user, org_id):
                self._send(200, NOT_MEMBER)
                return
            if user["role"] != "admin" and not self._flaw("member-billing"):
                raise HttpError(403, "billing is for admins")
            self._send(200, dict(store.billing[org_id]))

    def members(self, org_id):
        user = self._caller(required=not self._flaw("unauth-members"))
        store = self.server.store
        with store.lock:
            allowed = self._is_member(user, org_id) or (
                (user is None or self._flaw("org-idor")) and org_id in store.orgs)
            if not allowed:
                self._send(200, NOT_MEMBER)
                return
            found = [member_view(u) for u in store.users.values() if u["org_id"] == org_id]
            self._send(200, {"data": sorted(found, key=lambda u: u["username"])})

    def search(self):
        user = self._caller()
        q = self.query.get("q", [""])[0].lower()
        store = self.server.store
        with store.lock:
            found = [p for p in sorted(store.projects.values(),
                                       key=lambda p: store.order[p["id"]])
                     if (self._flaw("search-leak") or p["org_id"] == user["org_id"])
                     and (q in p["name"].lower() or q in p["description"].lower())]
            self._send(200, {"data": found})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, flaws, log_requests):
        super().__init__(address, Handler)
        self.store = Store()
        self.flaws = frozenset(flaws)
        self.log_requests = log_requests


def main(argv=None):
    parser = argparse.ArgumentParser(description="projects_api: a test target for launchgate")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--flaw", action="append", default=[], choices=FLAWS,
                        help="plant one failure (repeatable)")
    parser.add_argument("--log", action="store_true", help="access log on stderr")
    args = parser.parse_args(argv)

    server = Server(("127.0.0.1", args.port), args.flaw, args.log)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              daemon=True)
    thread.start()
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    if args.flaw:
        sys.stderr.write("projects_api: flaws planted: %s\n" % ", ".join(sorted(set(args.flaw))))
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
