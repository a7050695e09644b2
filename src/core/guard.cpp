// Scope, rate limit, request budget and redirects for every outgoing request (DESIGN.md "Rules
// that the tool itself keeps"). The scope decision uses the same URL parser as libcurl.

#include "core/guard.hpp"

#include "util/text.hpp"
#include "util/url.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace lg {

GuardedHttpClient::GuardedHttpClient(net::HttpClient& inner, net::Clock& clock, GuardLimits limits)
    : m_inner(inner), m_clock(clock), m_limits(std::move(limits)) {}

bool GuardedHttpClient::in_scope(const std::string& url) const {
  auto u = parse_url(url);
  if (!u || (u->scheme != "http" && u->scheme != "https"))
    return false;
  return std::any_of(m_limits.scope.begin(), m_limits.scope.end(),
                     [&](const std::string& entry) { return scope_entry_matches(entry, *u); });
}

bool scope_entry_matches(std::string_view entry, const Url& url) {
  // "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 literal.
  std::string_view host = entry;
  std::string_view port;
  if (entry.starts_with("[")) {
    size_t close = entry.find(']');
    if (close == std::string_view::npos)
      return false;
    host = entry.substr(1, close - 1);
    if (close + 1 < entry.size() && entry[close + 1] == ':')
      port = entry.substr(close + 2);
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
    size_t colon = entry.find(':');
    host = entry.substr(0, colon);
    port = entry.substr(colon + 1);
  }
  if (!iequals(host, url.host))
    return false;
  return port.empty() || port == std::to_string(url.port);
}

Expected<net::HttpResponse> GuardedHttpClient::send(const net::HttpRequest& request) {
  if (!in_scope(request.url))
    return unexpected(ErrorKind::out_of_scope,
                      fmt::format("refused {} {}: the host is outside target.scope", request.method,
                                  redact_url(request.url)));
  if (m_used >= m_limits.max_requests)
    return unexpected(
        ErrorKind::budget,
        fmt::format("request budget of {} exhausted (target.max_requests)", m_limits.max_requests));
  // A target that stopped answering is not waited for again and again: after k_max_silent
  // requests in a row without an answer, the rest of the gate fails at once.
  if (m_silent >= k_max_silent)
    return unexpected(ErrorKind::network,
                      fmt::format("not sent: the target gave no answer to {} requests in a row "
                                  "(the last: {})",
                                  m_silent, m_last_silence));
  if (m_limits.max_rps > 0) {
    auto now = m_clock.now();
    if (m_next_slot > now)
      m_clock.sleep_until(m_next_slot);
    auto gap = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / m_limits.max_rps));
    m_next_slot = std::max(now, m_next_slot) + gap;
  }
  ++m_used;
  ++m_total;
  auto result = m_inner.send(request);
  if (result) {
    m_silent = 0;
  } else if (result.error().kind == ErrorKind::network) {
    ++m_silent;
    m_last_silence = result.error().message;
  }
  if (m_log) {
    // Probes send 16 KiB query values: a log line shows the first 200 characters of the URL.
    std::string url = redact_url(request.url);
    if (url.size() > 200)
      url = fmt::format("{}… ({} characters)", url.substr(0, 200), url.size());
    if (result)
      m_log(fmt::format("{} {} -> {} ({:.0f} ms, {} bytes{})", request.method, url, result->status,
                        result->elapsed_ms, result->body.size(),
                        result->truncated ? ", truncated" : ""));
    else
      m_log(fmt::format("{} {} -> error: {}", request.method, url, result.error().message));
  }
  return result;
}

Expected<net::HttpResponse> GuardedHttpClient::send_following(net::HttpRequest request) {
  for (int hop = 0;; ++hop) {
    auto response = LG_TRY(send(request));
    bool redirect = response.status == 301 || response.status == 302 || response.status == 303 ||
                    response.status == 307 || response.status == 308;
    auto location = response.header("Location");
    if (!redirect || !location)
      return response;
    if (hop >= m_limits.max_redirects)
      return unexpected(ErrorKind::network,
                        fmt::format("more than {} redirects from {}", m_limits.max_redirects,
                                    redact_url(request.url)));
    auto next = LG_TRY(resolve_url(request.url, *location));
    if (!in_scope(next))
      return unexpected(ErrorKind::out_of_scope,
                        fmt::format("not following the redirect from {} to {}: the host is "
                                    "outside target.scope",
                                    redact_url(request.url), redact_url(next)));
    // Credentials stay with the origin they were meant for: a hop to another scheme, host or port
    // (an https -> http downgrade, another service on the same host) goes with none of the
    // request's own headers but Accept and Content-Type — an API key or CSRF token may sit in
    // any header (X-Api-Key, X-CSRF-Token), not only in Cookie and Authorization.
    auto from = parse_url(request.url);
    auto to = parse_url(next);
    if (!from || !to || from->origin() != to->origin())
      std::erase_if(request.headers, [](const net::Header& h) {
        return !iequals(h.name, "Accept") && !iequals(h.name, "Content-Type");
      });
    bool to_get = response.status == 303 ||
                  ((response.status == 301 || response.status == 302) && request.method == "POST");
    if (to_get) {
      request.method = "GET";
      request.body.clear();
      std::erase_if(request.headers, [](const net::Header& h) {
        return iequals(h.name, "Content-Type") || iequals(h.name, "Content-Length");
      });
    }
    request.url = next;
  }
}

namespace {

/// `name=value&…` with the values of credential-like names redacted.
std::string redact_pairs(std::string_view pairs) {
  static constexpr auto k_sensitive =
      std::to_array<const char*>({"token", "key", "secret", "pass", "pwd", "sess", "sid", "auth",
                                  "code", "sig", "jwt", "otp", "credential"});
  std::string out;
  bool first = true;
  for (auto pair : split(pairs, '&')) {
    if (!first)
      out += '&';
    first = false;
    size_t eq = pair.find('=');
    std::string name = to_lower(pair.substr(0, eq));
    bool sensitive = std::any_of(std::begin(k_sensitive), std::end(k_sensitive),
                                 [&](const char* s) { return name.find(s) != std::string::npos; });
    if (eq == std::string_view::npos || !sensitive || eq + 1 == pair.size())
      out += pair;
    else
      out += fmt::format("{}{}", pair.substr(0, eq + 1), redact(pair.substr(eq + 1)));
  }
  return out;
}

} // namespace

std::string redact_url(const std::string& url) {
  std::string_view rest(url);
  std::string out;
  // scheme://[userinfo@]host: the password (or a token standing as the user) is redacted.
  if (size_t scheme = rest.find("://"); scheme != std::string_view::npos) {
    out += rest.substr(0, scheme + 3);
    rest.remove_prefix(scheme + 3);
    size_t end = rest.find_first_of("/?#");
    auto authority = rest.substr(0, end);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      auto userinfo = authority.substr(0, at);
      size_t colon = userinfo.find(':');
      if (colon == std::string_view::npos)
        out += fmt::format("{}@", redact(userinfo));
      else
        out += fmt::format("{}:{}@", userinfo.substr(0, colon), redact(userinfo.substr(colon + 1)));
      rest.remove_prefix(at + 1);
    }
  }
  size_t mark = rest.find_first_of("?#");
  out += rest.substr(0, mark);
  if (mark == std::string_view::npos)
    return out;
  rest.remove_prefix(mark);
  size_t hash = rest.find('#');
  if (rest.front() == '?') {
    auto query = rest.substr(1, hash == std::string_view::npos ? hash : hash - 1);
    out += "?" + redact_pairs(query);
  }
  if (hash != std::string_view::npos)
    out += "#" + redact_pairs(rest.substr(hash + 1));
  return out;
}

} // namespace lg
