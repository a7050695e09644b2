// edge.origin-exposure: the origin addresses of edge.origin must not serve the configured names
// themselves. Each name is requested at https://name/ and http://name:http_port/ with the
// connection pinned to the origin (DNS bypassed, Host and SNI kept): an HTTP answer fails, a TLS
// handshake that the origin takes part in warns, and no answer passes ("not reachable from here").

#include "checks/domain/web.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {

namespace {

enum class Outcome { serves, tls, unreachable, not_sent };

struct Probe {
  Outcome outcome = Outcome::unreachable;
  int status = 0;
  std::string detail; ///< the error, or "status N"
};

/// What a failed request says about the origin. Conservative: only curl's TLS and certificate
/// errors count as a TLS answer; refused, reset, timed out and anything unknown as no answer.
Outcome classify(const Error& error) {
  if (error.kind != ErrorKind::network)
    return Outcome::not_sent;
  auto text = to_lower(error.message);
  if (text.find("not sent:") != std::string::npos)
    return Outcome::not_sent;
  // Only the words after "METHOD URL: ": a host name may hold "reset", "ssl" or "tls" itself.
  if (auto colon = text.find(": "); colon != std::string::npos)
    text.erase(0, colon + 2);
  for (const char* silent : {"timed out", "timeout", "refused", "couldn't connect",
                             "could not connect", "reset", "no route", "syscall"})
    if (text.find(silent) != std::string::npos)
      return Outcome::unreachable;
  if (text.find("ssl") != std::string::npos || text.find("certificate") != std::string::npos ||
      text.find("tls") != std::string::npos)
    return Outcome::tls;
  return Outcome::unreachable;
}

Probe probe(engine::Context& context, const std::string& url, const std::string& origin) {
  net::HttpRequest request;
  request.url = url;
  request.headers.push_back({"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"});
  request.connect_address = origin;
  auto r = context.http().send(request);
  if (!r)
    return {classify(r.error()), 0, r.error().message};
  return {Outcome::serves, r->status, fmt::format("status {}", r->status)};
}

} // namespace

CheckResult run_edge_origin_exposure(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (config.edge.origins.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "edge.origin is not configured: the origin server's own address, "
                           "behind the CDN or WAF");
  if (config.domain.names.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "domain.names is not configured: the names the portal answers on");

  std::vector<Finding> findings;
  bool serious = false;
  std::vector<std::string> closed, not_sent;
  for (const auto& origin : config.edge.origins) {
    // Each origin gets its own allowance of silent requests (the guard stops after three).
    context.http().forget_silence();
    bool silent = false;
    for (const auto& name : config.domain.names) {
      for (bool https : {true, false}) {
        std::string url =
            https ? web::https_url(name) : web::http_url(name, config.domain.http_port);
        if (silent) {
          closed.push_back(fmt::format("{} via {}: not sent, the origin gave no answer to 3 "
                                       "requests in a row",
                                       url, origin));
          continue;
        }
        auto p = probe(context, url, origin);
        auto add = [&](std::string message, bool is_serious) {
          Finding f;
          f.message = std::move(message);
          f.evidence = {{"method", "GET"}, {"url", url}, {"origin", origin}, {"host", name.host}};
          if (p.status > 0)
            f.evidence["status"] = p.status;
          else
            f.evidence["error"] = p.detail;
          f.fingerprint = make_fingerprint(meta.id, {origin, name.host, https ? "https" : "http"});
          findings.push_back(std::move(f));
          serious = serious || is_serious;
        };
        switch (p.outcome) {
        case Outcome::serves:
          add(fmt::format("the origin {} serves {} directly ({} answers {}): attackers skip "
                          "the CDN/WAF",
                          origin, name.host, url, p.status),
              true);
          break;
        case Outcome::tls:
          add(fmt::format("the origin {} accepts TLS connections for {} (certificate not "
                          "trusted by this run, or the handshake failed: {}): restrict it to "
                          "the CDN's addresses",
                          origin, name.host, p.detail),
              false);
          break;
        case Outcome::unreachable:
          closed.push_back(fmt::format("{} via {}: {}", url, origin, p.detail));
          break;
        case Outcome::not_sent:
          if (p.detail.find("not sent:") != std::string::npos) {
            silent = true;
            closed.push_back(fmt::format("{} via {}: not sent, the origin gave no answer to 3 "
                                         "requests in a row",
                                         url, origin));
          } else {
            not_sent.push_back(fmt::format("{} via {}: {}", url, origin, p.detail));
          }
          break;
        }
      }
    }
  }
  std::string summary;
  if (!closed.empty())
    summary = fmt::format("not reachable from here: {}", join(closed, "; "));
  if (!not_sent.empty())
    summary += fmt::format("{}not tried: {}", summary.empty() ? "" : "; ", join(not_sent, "; "));
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  if (!not_sent.empty())
    return engine::errored(meta, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
