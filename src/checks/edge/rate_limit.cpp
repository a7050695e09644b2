// edge.rate-limit: edge.rate_limit's request sent `burst` times at `rps`, without credentials and
// with the body as configured, must meet a limit before the burst ends: a 429, a 503 with
// Retry-After, or a challenge page (Cloudflare's cf-mitigated: challenge, or the markers of the
// common interstitials) (OWASP API4:2023, RFC 6585). The burst counts against the gate's budget.

#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "core/guard.hpp"
#include "util/text.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <map>

namespace lg::checks {

namespace {

/// Text of the challenge and block pages CDNs and WAFs serve instead of the site (lower case).
constexpr std::string_view k_challenge_markers[] = {
    "cf-chl",
    "challenge-platform",
    "just a moment...",
    "attention required!",
    "captcha",
    "_incapsula_resource",
    "sucuri website firewall",
    "ddos-guard",
    "checking your browser",
};

/// The challenge marker in the first 64 KiB of `body`, or "".
std::string challenge_marker(const std::string& body) {
  auto text = to_lower(std::string_view(body).substr(0, 64 * 1024));
  for (auto marker : k_challenge_markers)
    if (text.find(marker) != std::string::npos)
      return std::string(marker);
  return "";
}

bool is_html(const net::HttpResponse& r) {
  auto type = to_lower(r.header("Content-Type").value_or(""));
  return type.find("html") != std::string::npos;
}

} // namespace

CheckResult run_edge_rate_limit(engine::Context& context, const CheckMeta& meta) {
  const auto& edge = context.config().edge;
  if (!edge.rate_limit)
    return engine::skipped(meta, SkipKind::not_configured,
                           "edge.rate_limit is not configured: the request (method, path, body) "
                           "to send a bounded burst to, e.g. the login endpoint");
  const auto& limit = *edge.rate_limit;
  auto request = session::recipe_request(context, limit.request);
  const std::string method = request.method;
  const std::string path = limit.request.path;

  // Markers the first answer already holds (a login page with a CAPTCHA widget) prove nothing.
  std::string first_marker;
  std::map<int, int> statuses;
  int sent = 0, limited_at = 0, network_in_row = 0, network_errors = 0;
  std::string how, last_error;
  auto start = context.clock().now();
  {
    RateOverride rate(context.http(), limit.rps);
    for (int i = 1; i <= limit.burst; ++i) {
      ++sent;
      auto r = context.http().send(request);
      if (!r) {
        if (r.error().kind != ErrorKind::network)
          return engine::errored(meta, fmt::format("{} {}: request {} of {}: {}", method, path, i,
                                                   limit.burst, r.error().message));
        ++network_errors;
        last_error = r.error().message;
        if (++network_in_row >= 3)
          return engine::errored(meta, fmt::format("{} {}: {} requests in a row got no answer "
                                                   "(the last: {})",
                                                   method, path, network_in_row, last_error));
        continue;
      }
      network_in_row = 0;
      ++statuses[r->status];
      auto retry_after = r->header("Retry-After");
      auto mitigated = to_lower(r->header("cf-mitigated").value_or(""));
      std::string marker = is_html(*r) ? challenge_marker(r->body) : "";
      if (i == 1 && r->status < 400)
        first_marker = marker;
      bool blocked_status = r->status == 403 || r->status == 503 || r->status == 429;
      if (r->status == 429) {
        how = "429";
      } else if (blocked_status && mitigated == "challenge") {
        how = fmt::format("{} with cf-mitigated: challenge", r->status);
      } else if (r->status == 503 && retry_after) {
        how = "503";
      } else if (!marker.empty() && marker != first_marker && (blocked_status || i > 1)) {
        how = fmt::format("{}, a challenge page (\"{}\")", r->status, marker);
      }
      if (!how.empty()) {
        if (retry_after)
          how += ", Retry-After: " + std::string(trim(*retry_after)).substr(0, 40);
        limited_at = i;
        break;
      }
    }
  }
  double seconds = std::chrono::duration<double>(context.clock().now() - start).count();
  std::vector<std::string> counts;
  nlohmann::json status_json = nlohmann::json::object();
  for (const auto& [status, n] : statuses) {
    counts.push_back(fmt::format("{}×{}", n, status));
    status_json[std::to_string(status)] = n;
  }
  if (network_errors > 0)
    counts.push_back(fmt::format("{}×no answer", network_errors));
  nlohmann::json evidence = {{"method", method},
                             {"path", path},
                             {"statuses", status_json},
                             {"requests", sent},
                             {"seconds", std::round(seconds * 100) / 100},
                             {"rps", limit.rps}};
  if (limited_at > 0)
    return engine::passed(
        meta,
        fmt::format("{} {}: limited after {} requests ({}) in {:.1f} s at {} rps; before: {}",
                    method, path, limited_at, how, seconds, limit.rps, join(counts, ", ")),
        nlohmann::json::array({evidence}));
  Finding f;
  f.message = fmt::format("{} {}: {} requests in {:.1f} seconds met no limit ({}): one client can "
                          "flood it, guess passwords or scrape without being slowed",
                          method, path, sent, seconds, join(counts, ", "));
  f.evidence = evidence;
  f.fingerprint = make_fingerprint(meta.id, {method, path});
  return engine::failed(
      meta, {std::move(f)}, true,
      fmt::format("{} requests at {} rps met no 429 or challenge", sent, limit.rps));
}

} // namespace lg::checks
