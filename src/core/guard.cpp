// Scope, rate limit, request budget and redirects for every outgoing request (DESIGN.md "Rules
// that the tool itself keeps"). The scope decision uses the same URL parser as libcurl.

#include "core/guard.hpp"

#include "util/text.hpp"
#include "util/url.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace lg {

GuardedHttpClient::GuardedHttpClient(net::HttpClient& inner, net::Clock& clock, GuardLimits limits)
    : m_inner(inner), m_clock(clock), m_limits(std::move(limits)) {}

bool GuardedHttpClient::in_scope(const std::string& url) const {
  auto u = parse_url(url);
  if (!u || (u->scheme != "http" && u->scheme != "https"))
    return false;
  return std::find(m_limits.scope.begin(), m_limits.scope.end(), u->host) != m_limits.scope.end();
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
  if (m_log) {
    if (result)
      m_log(fmt::format("{} {} -> {} ({:.0f} ms, {} bytes{})", request.method,
                        redact_url(request.url), result->status, result->elapsed_ms,
                        result->body.size(), result->truncated ? ", truncated" : ""));
    else
      m_log(fmt::format("{} {} -> error: {}", request.method, redact_url(request.url),
                        result.error().message));
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

std::string redact_url(const std::string& url) {
  size_t q = url.find('?');
  if (q == std::string::npos)
    return url;
  static const char* k_sensitive[] = {"token",   "key",  "secret", "password", "passwd",
                                      "session", "auth", "code",   "sig",      "jwt"};
  std::string out = url.substr(0, q + 1);
  std::string_view query(url);
  query.remove_prefix(q + 1);
  bool first = true;
  for (auto pair : split(query, '&')) {
    if (!first)
      out += '&';
    first = false;
    size_t eq = pair.find('=');
    std::string name = to_lower(pair.substr(0, eq));
    bool sensitive = std::any_of(std::begin(k_sensitive), std::end(k_sensitive),
                                 [&](const char* s) { return name.find(s) != std::string::npos; });
    if (eq == std::string_view::npos || !sensitive)
      out += pair;
    else
      out += std::string(pair.substr(0, eq + 1)) + redact(pair.substr(eq + 1));
  }
  return out;
}

} // namespace lg
