#pragma once
// The fixed Report that every golden file is rendered from: every status, findings with evidence,
// a secret with locations and a rule, a measurement, and a message with characters that need
// escaping in every format.

#include "core/result.hpp"

#include <string>

namespace lg::golden {

/// The message that must come out escaped in every format.
inline const std::string k_hostile =
    "Origin <script>alert(\"x\")</script> & 'quoted' |pipe| *star* _under_ `tick` reflected\n"
    "with Access-Control-Allow-Credentials: true";

inline CheckMeta meta(std::string id, std::string gate, Severity severity, std::string title,
                      std::string summary, std::string fix, double effort,
                      std::vector<std::string> references) {
  CheckMeta m;
  m.id = std::move(id);
  m.gate = std::move(gate);
  m.severity = severity;
  m.title = std::move(title);
  m.summary = std::move(summary);
  m.fix = std::move(fix);
  m.effort_hours = effort;
  m.references = std::move(references);
  return m;
}

inline Report golden_report() {
  Report r;
  r.tool_version = "0.1.0";
  r.base_url = "http://127.0.0.1:8080";
  r.started_at = "2026-01-01T00:00:00Z";
  r.duration_ms = 1234;
  r.gates = {"access", "session", "domain", "secrets"};

  CheckResult tenant;
  tenant.meta = meta("access.cross-tenant-read", "access", Severity::critical,
                     "Users read only their own org's records",
                     "Reads every record endpoint as a user of another org.",
                     "Scope every record query by the caller's org on the server (a tenant filter "
                     "in the data layer, not in the handlers), and return 404 for other orgs' ids.",
                     4, {"OWASP API1:2023", "CWE-639"});
  tenant.status = Status::fail;
  tenant.reason = "2 of 12 record endpoints answer another org's user";
  Finding read;
  read.message = "carol (org globex) read record 17 of org acme";
  read.evidence = {
      {"method", "GET"}, {"path", "/api/records/{id}"}, {"as", "carol"}, {"status", 200}};
  read.fingerprint = "3f1a9c0d22b7e410";
  Finding search;
  search.message = "carol (org globex) found acme's records through search";
  search.evidence = {
      {"method", "GET"}, {"path", "/api/records/search"}, {"as", "carol"}, {"status", 200}};
  search.fingerprint = "8be04417a9d0c3f2";
  tenant.findings = {read, search};

  CheckResult cors;
  cors.meta = meta("session.cors", "session", Severity::high,
                   "CORS never reflects untrusted origins with credentials",
                   "Sends requests with foreign Origin headers and reads the CORS answer.",
                   "Allow-list the portal's own origins; never echo the Origin header when "
                   "credentials are allowed.",
                   2, {"CWE-942"});
  cors.status = Status::fail;
  Finding reflect;
  reflect.message = k_hostile;
  reflect.evidence = {{"method", "GET"},
                      {"path", "/api/me"},
                      {"as", "alice"},
                      {"status", 200},
                      {"origin", "https://evil.test/<script>&\"'|*_`"},
                      {"header", "Access-Control-Allow-Origin: ``reflected``"}};
  reflect.fingerprint = "c0ffee0123456789";
  cors.findings = {reflect};

  CheckResult cookies;
  cookies.meta = meta("session.cookie-flags", "session", Severity::high,
                      "Session cookies are Secure, HttpOnly and SameSite",
                      "Logs in and reads the Set-Cookie attributes of the session cookie.",
                      "Set Secure, HttpOnly and SameSite=Lax on the session cookie.", 0.5,
                      {"CWE-614", "CWE-1004"});
  cookies.status = Status::pass;

  CheckResult rate;
  rate.meta = meta(
      "session.login-rate-limit", "session", Severity::medium, "Login attempts are rate limited",
      "Sends wrong passwords for one account and times the answers.",
      "Limit failed logins per account and per source address.", 3, {"OWASP API4:2023", "CWE-307"});
  rate.status = Status::pass;
  rate.reason = "throttled after 10 attempts";
  rate.measurements = nlohmann::json::array({{{"action", "POST /api/login"},
                                              {"count", 30},
                                              {"rps", 10},
                                              {"errors", 0},
                                              {"p50_ms", 41.5},
                                              {"p90_ms", 60},
                                              {"p95_ms", 72.25},
                                              {"p99_ms", 110},
                                              {"max_ms", 131}}});

  CheckResult jwt;
  jwt.meta = meta("session.jwt", "session", Severity::high, "JWTs are signed, checked and expire",
                  "Tampers with the session token's algorithm, signature and expiry.",
                  "Verify signatures with a fixed algorithm and reject expired tokens.", 2,
                  {"RFC 8725", "CWE-347"});
  jwt.status = Status::skip;
  jwt.skip_kind = SkipKind::not_implemented;
  jwt.reason = "not implemented yet";

  CheckResult hsts;
  hsts.meta = meta("domain.hsts", "domain", Severity::medium, "HSTS is on with a long max-age",
                   "Reads Strict-Transport-Security on every configured name.",
                   "Send Strict-Transport-Security: max-age=31536000; includeSubDomains.", 0.25,
                   {"RFC 6797"});
  hsts.status = Status::warn;
  Finding short_hsts;
  short_hsts.message = "max-age is 300 s; at least 15552000 s (180 days) expected";
  short_hsts.evidence = {{"host", "127.0.0.1"}, {"header", "max-age=300"}};
  short_hsts.fingerprint = "5d2e8a7b91c04f36";
  hsts.findings = {short_hsts};

  CheckResult cert;
  cert.meta =
      meta("domain.tls-cert", "domain", Severity::high,
           "Certificates are valid, trusted and not near expiry",
           "Fetches the chain of every configured name and checks it.",
           "Renew or reissue the certificate with the full chain and every name.", 1, {"RFC 5280"});
  cert.status = Status::error;
  cert.reason = "TLS handshake with 127.0.0.1:8443 failed: connection refused";

  CheckResult secret;
  secret.meta = meta("secrets.tree", "secrets", Severity::critical, "No secret in the source tree",
                     "Scans the working tree with the secret rules.",
                     "Revoke and rotate the key, move it to the environment or a secret store, "
                     "and remove it from the tree and its history.",
                     2, {"CWE-798"});
  secret.status = Status::fail;
  Finding key;
  key.message = "AWS access key id in source";
  key.evidence = {{"secret", "AKIA… (20 chars, fp 9c1e77d2)"}};
  key.location = Location{"web/src/config.js", 12, ""};
  key.locations = {Location{"dist/app.js", 1, ""}, Location{"config/old env.txt", 3, "9f1c2ab"}};
  key.rule = "aws-access-key-id";
  key.fingerprint = "a41b2c3d4e5f6071";
  secret.findings = {key};

  r.checks = {tenant, cors, cookies, rate, jwt, hsts, cert, secret};
  sort_for_report(r.checks);
  r.verdict = compute_verdict(r.checks);
  return r;
}

} // namespace lg::golden
