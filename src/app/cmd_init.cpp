// `launchgate init`: a commented starter launchgate.yaml with every section of the contract.

#include "app/commands.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>

namespace lg::app {

std::string starter_config() {
  return R"(# launchgate.yaml: what to audit and how. Every key is documented in docs/config.md.
# Secrets never sit in this file: ${NAME} is replaced from the environment.

target:
  base_url: https://staging.portal.example.com   # the running staging portal
  # scope: [staging.portal.example.com]          # the only hosts ever contacted (default: base_url's host)
  max_rps: 10                                    # politeness budget for every gate
  # timeout: 10s                                 # per request
  # max_requests: 2000                           # request budget per gate

# Two or more test accounts, across orgs and roles. Passwords come from the environment.
accounts:
  - name: alice
    org: acme
    role: admin
    email: alice@acme.test
    login:
      method: POST
      path: /api/login
      json: {email: alice@acme.test, password: "${ALICE_PASSWORD}"}
      # token: $.token        # a JSON path to a bearer token; without it the session is the cookie jar
  - name: bob
    org: acme
    role: staff
    email: bob@acme.test
    login: {method: POST, path: /api/login, json: {email: bob@acme.test, password: "${BOB_PASSWORD}"}}
  - name: carol
    org: globex
    role: staff
    email: carol@globex.test
    login: {method: POST, path: /api/login, json: {email: carol@globex.test, password: "${CAROL_PASSWORD}"}}

api:
  openapi: /openapi.json          # a file next to this one, or a path on the target
  # endpoints: ["GET /api/records", "GET /api/records/{id}"]   # or list them by hand
  public: ["/api/health", "POST /api/login"]
  admin_only: ["/api/admin/**"]
  # shared: ["/api/reference/**"]  # shared across orgs on purpose: not a leak

auth:                              # the session gate's flows; {…} are filled in by launchgate
  logout: {method: POST, path: /api/logout}
  # reset_request: {method: POST, path: /api/password-reset, json: {email: "{account.email}"}}
  # reset_confirm: {method: POST, path: /api/password-reset/confirm,
  #                 json: {token: "{token}", password: "{new_password}"}}
  # reset_token: 'token=([A-Za-z0-9_-]+)'     # the token in the mail: the first group
  # invite: {method: POST, path: /api/admin/invites, json: {email: "{invite.email}", role: staff}}
  # invite_as: alice
  # invite_accept: {method: POST, path: /api/invites/accept,
  #                 json: {token: "{token}", password: "{new_password}"}}
  # session_max: 12h                # longest a session may live
  # idle_timeout: 2m                # the portal's idle timeout (tested when 5 min or less)

# Where the reset and invite mail is read: launchgate's own SMTP sink during the audit (point
# the staging portal's SMTP there), or a command printing the newest message for $1.
# mail: {smtp_sink: 127.0.0.1:2525}
# mail: {command: "curl -s https://inbox.example.com/api/latest?to=$1"}

pages: [/]                         # key pages: headers and LCP

# The portal's logs, for the observability gate (a file, a folder of rotated files, or a command).
# logs: {files: [/var/log/portal/], error_request: {path: /api/reports/export}}
# logs: {command: "journalctl -u portal -o cat --since -10min"}

# What `launchgate monitor` watches; observability.uptime reads its history (docs/monitor.md).
# monitor:
#   interval: 60s
#   checks:
#     - {name: home, url: /, expect: "status == 200 && latency < 800ms"}
#     - {name: records, as: alice, url: /records, expect: "status == 200"}
#     - {name: health, url: /api/health, expect: 'json $.database == "ok"'}
#   alerts:
#     webhook: "${ALERT_WEBHOOK_URL}"
#     email: {smtp: "smtp.example.com:587", username: alerts, password: "${SMTP_PASSWORD}",
#             from: monitor@example.com, to: [ops@example.com]}
#   store: monitor.db
#   listen: 127.0.0.1:8099

# More sections (see docs/config.md):
# domain: {names: [portal.example.com]}
# email: {domain: example.com, dkim_selectors: [s1]}
# secrets: {paths: [.], history: true}
# deploy: {repo: ., build: "make build", test: "make test"}
)";
}

int run_init(const std::string& path, bool force) {
  if (!force && std::filesystem::exists(path)) {
    fmt::print(stderr, "launchgate init: {} exists; use --force to overwrite it\n", path);
    return 2;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !(out << starter_config())) {
    fmt::print(stderr, "launchgate init: cannot write {}\n", path);
    return 2;
  }
  fmt::print("wrote {}: set target.base_url and the accounts, then run `launchgate audit`\n", path);
  return 0;
}

} // namespace lg::app
