// Cross-cutting HTTP behaviour of the sample portal, installed once on the cpp-httplib server:
// the security headers every response carries (CSP level 2, X-Frame-Options per RFC 7034,
// nosniff, Referrer-Policy, Cache-Control: no-store), CORS for the --cors-origin list only
// (Fetch standard, credentials mode), the cross-site test behind CSRF refusals (Origin,
// Sec-Fetch-Site), JSON error bodies for every 4xx/5xx, a 1 MiB request body cap (413), a
// catch-all for exceptions (500 without details), the X-Request-Id of every response and the JSON
// access log (access_log.cpp) — never the query string, cookies, tokens or bodies (except under
// the logs-bodies flaw).

#include "server.hpp"

#include "access_log.hpp"
#include "util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <typeinfo>

namespace portal {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t k_logged_body_bytes = 2048; // logs-bodies: the first 2 KiB
constexpr std::size_t k_parsed_error_body = 64 * 1024;

std::string_view reason_for(int status) {
  switch (status) {
  case 400:
    return "bad request";
  case 401:
    return "authentication required";
  case 403:
    return "forbidden";
  case 404:
    return "not found";
  case 405:
    return "method not allowed";
  case 413:
    return "request body too large";
  case 415:
    return "unsupported media type";
  case 429:
    return "too many requests";
  default:
    return status >= 500 ? "internal error" : "request failed";
  }
}

void add_security_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                 "form-action 'self'");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "strict-origin-when-cross-origin");
  // /api/* must not be cached; the HTML pages show private records, so they get it too.
  res.set_header("Cache-Control", "no-store");
}

// Starts the notes of the request `req` on this thread: its start time and request id (the
// client's X-Request-Id when sane, else a fresh one).
RequestNotes& start_request(const httplib::Request& req) {
  auto& notes = request_notes();
  notes = RequestNotes{};
  notes.active = true;
  notes.start = SteadyClock::now();
  const auto asked = req.get_header_value("X-Request-Id");
  notes.request_id = sane_request_id(asked) ? asked : generate_request_id();
  return notes;
}

// The notes of `req`, started now if the pre-routing hook did not run (cpp-httplib answers a
// malformed request line or an oversized URI before routing).
RequestNotes& notes_of(const httplib::Request& req) {
  auto& notes = request_notes();
  return notes.active ? notes : start_request(req);
}

// The reason the client was given for a failed `res`: the JSON body's "error" member, else the
// status's generic reason.
std::string client_reason(const httplib::Response& res) {
  if (res.get_header_value("Content-Type").starts_with("application/json") &&
      res.body.size() <= k_parsed_error_body) {
    const auto body = nlohmann::json::parse(res.body, nullptr, false);
    if (body.is_object()) {
      if (const auto it = body.find("error"); it != body.end() && it->is_string()) {
        return it->get<std::string>();
      }
    }
  }
  return std::string(reason_for(res.status));
}

bool allowed_origin(const Context& ctx, std::string_view origin) {
  const auto& list = ctx.options.cors_origins;
  return std::find(list.begin(), list.end(), origin) != list.end();
}

// The origin to name in Access-Control-Allow-Origin for `req`, or nullopt for no CORS headers.
std::optional<std::string> cors_origin(const Context& ctx, const httplib::Request& req) {
  if (!req.has_header("Origin")) {
    return std::nullopt;
  }
  auto origin = req.get_header_value("Origin");
  // The cors-reflect flaw: whatever the request claims, "null" included, is trusted.
  if (ctx.options.flaws.has(Flaw::cors_reflect) ? !origin.empty() : allowed_origin(ctx, origin)) {
    return origin;
  }
  return std::nullopt;
}

constexpr std::string_view k_bearer = "bearer ";

bool has_bearer(const httplib::Request& req) {
  const auto authorization = req.get_header_value("Authorization");
  return authorization.size() > k_bearer.size() &&
         iequals(std::string_view(authorization).substr(0, k_bearer.size()), k_bearer);
}

} // namespace

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void send_error(httplib::Response& res, int status, std::string_view message) {
  send_json(res, status, nlohmann::json{{"error", message}});
}

std::string cookie_value(const httplib::Request& req, std::string_view name) {
  const auto header = req.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    auto pair = rest.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') {
      pair.remove_prefix(1);
    }
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      auto value = pair.substr(eq + 1);
      while (!value.empty() && value.back() == ' ') {
        value.remove_suffix(1);
      }
      return std::string(value);
    }
    if (semi == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(semi + 1);
  }
  return {};
}

std::string request_token(const httplib::Request& req) {
  if (has_bearer(req)) {
    return req.get_header_value("Authorization").substr(k_bearer.size());
  }
  return cookie_value(req, "session");
}

bool cross_site(const Context& ctx, const httplib::Request& req) {
  if (req.has_header("Origin")) {
    const auto origin = req.get_header_value("Origin");
    if (origin != ctx.base_url && !allowed_origin(ctx, origin)) {
      return true;
    }
  }
  return iequals(req.get_header_value("Sec-Fetch-Site"), "cross-site");
}

bool csrf_refused(const Context& ctx, const httplib::Request& req) {
  if (ctx.options.flaws.has(Flaw::no_csrf) || has_bearer(req)) {
    return false;
  }
  const auto& method = req.method;
  const bool changes_state =
      method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
  return changes_state && cross_site(ctx, req);
}

namespace {

// The attributes after `session=VALUE; Path=/`: none under insecure-cookie (which wins over
// no-csrf); SameSite=None instead of Lax under no-csrf.
std::string_view cookie_attributes(const Context& ctx) {
  if (ctx.options.flaws.has(Flaw::insecure_cookie)) {
    return "";
  }
  return ctx.options.flaws.has(Flaw::no_csrf) ? "; HttpOnly; Secure; SameSite=None"
                                              : "; HttpOnly; Secure; SameSite=Lax";
}

} // namespace

std::string session_cookie(const Context& ctx, std::string_view token) {
  return fmt::format("session={}; Path=/{}; Max-Age={}", token, cookie_attributes(ctx),
                     ctx.auth.cookie_max_age());
}

std::string cleared_session_cookie(const Context& ctx) {
  return fmt::format("session=; Path=/{}; Max-Age=0", cookie_attributes(ctx));
}

void install_middleware(httplib::Server& server, const Context& ctx) {
  server.set_payload_max_length(k_max_body_bytes);
  // cpp-httplib gives each keep-alive connection a worker thread for as long as it stays open;
  // its default pool (8 threads on a small machine) would make a hundred users queue behind
  // eight. 128 workers serve the perf gate's 100-user profile as a production server would,
  // and leave slow-search's 800 ms to show as what it is.
  server.new_task_queue = [] { return new httplib::ThreadPool(128); };

  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    start_request(req);
    // RFC 9112 section 6.3: a request with neither Content-Length nor Transfer-Encoding has an
    // empty body. cpp-httplib 0.11 instead reads a POST/PUT body until the read timeout (5 s).
    // The hook runs before the body is read and `req` is a non-const object inside httplib, so
    // stating the empty length here restores the standard behaviour.
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
      const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // cpp-httplib calls this for every response with status >= 400, including its own 404 and 413.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        send_error(res, res.status, reason_for(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));

  server.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, const std::exception_ptr& ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = fmt::format("{}: {}", type_name(typeid(e)), e.what());
        } catch (...) {
        }
        // The cause goes to the access log line, without any quoted (request) text.
        notes_of(req);
        note_error("internal error: " + without_quoted(what));
        res.headers.erase("Set-Cookie");
        send_error(res, 500, "internal error");
      });

  // CORS preflight (Fetch standard): 204 always; the Access-Control-Allow-* headers only for an
  // origin the post-routing handler below admits.
  server.Options(R"(/api/.*)", [&ctx](const httplib::Request& req, httplib::Response& res) {
    if (cors_origin(ctx, req)) {
      res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE");
      res.set_header("Access-Control-Allow-Headers", "Content-Type, Authorization");
      res.set_header("Access-Control-Max-Age", "600");
    }
    res.status = 204;
  });

  const bool secure_headers = !ctx.options.flaws.has(Flaw::no_security_headers);
  // HSTS only over HTTPS (RFC 6797 section 7.2: ignored over plain HTTP).
  const char* hsts = ctx.options.tls_cert.empty() ? nullptr
                     : ctx.options.flaws.has(Flaw::weak_hsts)
                         ? "max-age=86400"
                         : "max-age=63072000; includeSubDomains";
  const bool request_ids = !ctx.options.flaws.has(Flaw::no_request_id);
  server.set_post_routing_handler([&ctx, secure_headers, hsts, request_ids](
                                      const httplib::Request& req, httplib::Response& res) {
    if (request_ids) {
      res.set_header("X-Request-Id", notes_of(req).request_id);
    }
    if (secure_headers) {
      add_security_headers(res);
    }
    if (hsts != nullptr && (secure_headers || ctx.options.flaws.has(Flaw::weak_hsts))) {
      res.set_header("Strict-Transport-Security", hsts);
    }
    if (const auto origin = cors_origin(ctx, req)) {
      res.set_header("Access-Control-Allow-Origin", *origin);
      res.set_header("Access-Control-Allow-Credentials", "true");
      res.set_header("Vary", "Origin");
    }
  });

  // One JSON line per request once the response is written (access_log.hpp); the flaws drop the
  // request id (no-request-id), add the raw body (logs-bodies) or drop 5xx lines (silent-errors).
  server.set_logger([&ctx](const httplib::Request& req, const httplib::Response& res) {
    const auto& flaws = ctx.options.flaws;
    auto& notes = notes_of(req);
    if (!(flaws.has(Flaw::silent_errors) && res.status >= 500)) {
      AccessEntry entry;
      entry.at = std::chrono::system_clock::now();
      if (!flaws.has(Flaw::no_request_id)) {
        entry.request_id = notes.request_id;
      }
      entry.method = req.method;
      entry.path = req.path;
      entry.status = res.status;
      entry.duration_ms =
          std::chrono::duration<double, std::milli>(SteadyClock::now() - notes.start).count();
      entry.user_id = notes.user_id;
      if (res.status >= 400) {
        entry.error = notes.error.empty() ? client_reason(res) : notes.error;
      }
      if (flaws.has(Flaw::logs_bodies)) {
        entry.body = req.body.substr(0, k_logged_body_bytes);
      }
      const auto line = access_log_line(entry) + "\n";
      std::fwrite(line.data(), 1, line.size(), stderr);
    }
    notes = RequestNotes{};
  });
}

void install_http_side(httplib::Server& server, Context& ctx, int https_port) {
  server.Get(R"(.*)", [&ctx, https_port](const httplib::Request& req, httplib::Response& res) {
    if (ctx.options.flaws.has(Flaw::no_https_redirect)) {
      res.set_content("<!doctype html><title>Client Portal</title><h1>Client Portal</h1>"
                      "<form method=post action=/login><input name=email>"
                      "<input type=password name=password></form>",
                      "text/html; charset=utf-8");
      return;
    }
    std::string host = req.get_header_value("Host");
    // The host without its port ("[::1]:80" keeps its brackets).
    if (const auto colon = host.rfind(':');
        colon != std::string::npos && host.find(']', colon) == std::string::npos) {
      host.resize(colon);
    }
    if (host.empty() || host.find_first_of("/\\@ ") != std::string::npos) {
      res.status = 400;
      return;
    }
    const std::string port = https_port == 443 ? "" : fmt::format(":{}", https_port);
    res.set_redirect(fmt::format("https://{}{}{}", host, port, req.target), 301);
  });
}

} // namespace portal
