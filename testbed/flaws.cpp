// The table of planted failures: one row per `--flaw NAME`, kept in enum order so that lookups by
// value are an index. Each flaw is meant to make exactly one launchgate check fail while every
// other behaviour of the portal stays secure.

#include "flaws.hpp"

#include <array>

namespace portal {

namespace {

constexpr std::array<FlawInfo, static_cast<std::size_t>(Flaw::count_)> k_flaws{{
    {Flaw::insecure_cookie, "insecure-cookie",
     "the session cookie is set without HttpOnly, Secure and SameSite"},
    {Flaw::no_security_headers, "no-security-headers",
     "no CSP, X-Frame-Options, X-Content-Type-Options, Referrer-Policy or Cache-Control"},
    {Flaw::open_endpoint, "open-endpoint",
     "GET /api/records answers with org acme's records without a session"},
    {Flaw::idor, "idor", "GET /api/records/{id} returns records of other orgs"},
    {Flaw::staff_can_admin, "staff-can-admin", "/api/admin/* is open to staff"},
    {Flaw::stale_logout, "stale-logout",
     "POST /api/logout clears the cookie but keeps the server-side session valid"},
    {Flaw::idor_write, "idor-write",
     "PUT and DELETE /api/records/{id} update and delete records of other orgs"},
    {Flaw::filter_tampering, "filter-tampering",
     "GET /api/records lists the org named by an undocumented org_id query parameter"},
    {Flaw::mass_assignment, "mass-assignment",
     "PATCH /api/me also applies a role member of the body (self-promotion to admin)"},
    {Flaw::search_leak, "search-leak", "GET /api/search searches the records of every org"},
    {Flaw::no_validation, "no-validation",
     "malformed JSON and non-numeric limit/offset answer 500 with a stack trace"},
    {Flaw::sql_injection, "sql-injection",
     "GET /api/search pastes q into its SQL (LIKE '%q%'); SQL errors answer 500"},
    {Flaw::reset_reusable, "reset-reusable",
     "reset tokens stay valid after use, after a newer request and after a password change"},
    {Flaw::reset_never_expires, "reset-never-expires",
     "reset tokens never expire (--reset-ttl is ignored)"},
    {Flaw::reset_enumeration, "reset-enumeration",
     "POST /api/password-reset answers 404 for an unknown email (account enumeration)"},
    {Flaw::no_rate_limit, "no-rate-limit", "failed logins are never throttled (no 429)"},
    {Flaw::session_forever, "session-forever",
     "sessions never expire: 10-year cookie, no idle or absolute limit (jwt: no exp)"},
    {Flaw::fixation, "fixation",
     "login adopts an unknown session id from the request's cookie (session fixation)"},
    {Flaw::cors_reflect, "cors-reflect",
     "any Origin, null included, is echoed in Access-Control-Allow-Origin with credentials"},
    {Flaw::no_csrf, "no-csrf",
     "no Origin/Sec-Fetch-Site check on cookie-authenticated writes; cookie SameSite=None"},
    {Flaw::jwt_none, "jwt-none",
     "JWTs with alg none and no signature are accepted (needs --session jwt)"},
    {Flaw::jwt_weak_secret, "jwt-weak-secret",
     "JWTs are signed with the HMAC key 'secret' (needs --session jwt)"},
    {Flaw::invite_never_expires, "invite-never-expires",
     "invite tokens never expire (the mail still promises --invite-ttl)"},
    {Flaw::no_https_redirect, "no-https-redirect",
     "the --http-port serves the sign-in page over plain HTTP instead of redirecting (needs TLS)"},
    {Flaw::weak_hsts, "weak-hsts",
     "Strict-Transport-Security: max-age=86400 without includeSubDomains (needs TLS)"},
    {Flaw::mixed_content, "mixed-content",
     "the sign-in page loads a script and an image over http:// (needs TLS)"},
    {Flaw::slow_search, "slow-search", "GET /api/search waits 800 ms before it answers"},
    {Flaw::slow_page, "slow-page",
     "every HTML page shows its large notice only once /notice.js arrives, which the server "
     "answers after 3 s (late Largest Contentful Paint)"},
    {Flaw::logs_bodies, "logs-bodies",
     "every access-log line also carries the raw request body (first 2 KiB): passwords, emails"},
    {Flaw::no_request_id, "no-request-id",
     "no request_id in the access log and no X-Request-Id response header"},
    {Flaw::no_health, "no-health", "no GET /api/health route (404)"},
    {Flaw::silent_errors, "silent-errors", "no access-log line for responses with status >= 500"},
}};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < k_flaws.size(); ++i) {
    if (static_cast<std::size_t>(k_flaws[i].flaw) != i) {
      return false;
    }
  }
  return true;
}
static_assert(table_in_enum_order(), "k_flaws must list every Flaw in enum order");

} // namespace

std::span<const FlawInfo> flaw_table() {
  return k_flaws;
}

std::optional<Flaw> parse_flaw(std::string_view name) {
  for (const auto& info : k_flaws) {
    if (info.name == name) {
      return info.flaw;
    }
  }
  return std::nullopt;
}

std::string_view flaw_name(Flaw flaw) {
  return k_flaws.at(static_cast<std::size_t>(flaw)).name;
}

std::vector<std::string_view> FlawSet::names() const {
  std::vector<std::string_view> out;
  for (const auto& info : k_flaws) {
    if (has(info.flaw)) {
      out.push_back(info.name);
    }
  }
  return out;
}

} // namespace portal
