#pragma once
// What every route handler shares: the wiring (`Context`), request/response helpers and the
// middleware that applies to every response (security headers, error bodies, logging, body cap).

#include "auth.hpp"
#include "mail.hpp"
#include "options.hpp"
#include "store.hpp"
#include "throttle.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace portal {

constexpr std::size_t k_max_body_bytes = 1024 * 1024;

struct Context {
  const Options& options;
  Store& store;
  Auth& auth;
  Mailer& mailer;
  LoginThrottle& throttle;
  std::string base_url; // "http://HOST:PORT" of the bound socket; used in mailed links
};

// Sends `body` as JSON with `status`.
void send_json(httplib::Response& res, int status, const nlohmann::json& body);

// Sends {"error": `message`} with `status`.
void send_error(httplib::Response& res, int status, std::string_view message);

// The session token of `req`: the `Authorization: Bearer` token, else the `session` cookie,
// else "".
std::string request_token(const httplib::Request& req);

// The value of cookie `name` in `req`'s Cookie header, or "".
std::string cookie_value(const httplib::Request& req, std::string_view name);

// True when `req` says it comes from another site: an Origin header that is neither the portal's
// own origin (`base_url`) nor a --cors-origin, or `Sec-Fetch-Site: cross-site`.
bool cross_site(const Context& ctx, const httplib::Request& req);

// True when `req` must be refused as cross-site request forgery: a POST, PUT, PATCH or DELETE
// whose session comes from the cookie (no bearer token) and that is `cross_site`. Always false
// under the no-csrf flaw.
bool csrf_refused(const Context& ctx, const httplib::Request& req);

// The Set-Cookie value that starts a session with `token` (attributes depend on the flaws).
std::string session_cookie(const Context& ctx, std::string_view token);

// The Set-Cookie value that clears the session cookie.
std::string cleared_session_cookie(const Context& ctx);

// Installs the body cap, security headers, CORS (headers and the /api/* preflight), JSON error
// bodies, the exception guard and the one-line-per-request access log on `server`.
void install_middleware(httplib::Server& server, const Context& ctx);

// Registers the JSON API (api.cpp), the OpenAPI document (openapi.cpp) and the HTML pages
// (pages.cpp).
void install_api_routes(httplib::Server& server, Context& ctx);
void install_page_routes(httplib::Server& server, Context& ctx);

// The plain-HTTP side of a TLS portal: every request answered with a 301 to the same path at
// https://<the Host asked for>:`https_port` (no-https-redirect: the sign-in page, over HTTP).
void install_http_side(httplib::Server& server, Context& ctx, int https_port);

// The OpenAPI 3.0.3 description of the JSON API served at `base_url`.
nlohmann::json openapi_document(std::string_view base_url);

} // namespace portal
