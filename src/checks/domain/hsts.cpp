// domain.hsts: the Strict-Transport-Security header of each configured name's https:// answer
// (RFC 6797; the first header counts, a directive twice voids it): max-age of a year or more
// passes, under 180 days fails, in between warns; includeSubDomains is expected; the preload
// token is reported, with a warning when hstspreload.org's requirements are not met.

#include "analyze/headers.hpp"
#include "checks/domain/web.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"

#include <fmt/format.h>

namespace lg::checks {

namespace {

constexpr long long k_year = 31536000;
constexpr long long k_half_year = 15552000;

Finding hsts_finding(const CheckMeta& meta, std::string message, const std::string& url, int status,
                     const std::string& header, const std::string& key) {
  Finding f;
  f.message = std::move(message);
  f.evidence = {{"method", "GET"}, {"path", url}, {"status", status}};
  if (!header.empty())
    f.evidence["header"] = "Strict-Transport-Security: " + header;
  f.fingerprint = make_fingerprint(meta.id, {url, key});
  return f;
}

} // namespace

CheckResult run_domain_hsts(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_domain_names(context, meta))
    return *skip;
  std::vector<Finding> findings;
  bool serious = false;
  std::vector<std::string> judged;
  std::vector<std::string> unreachable;
  for (const auto& name : context.config().domain.names) {
    std::string url = web::https_url(name);
    auto response = web::get(context, url);
    if (!response) {
      unreachable.push_back(fmt::format("{}: {}", url, response.error().message));
      continue;
    }
    auto header = response->header("Strict-Transport-Security");
    auto add = [&](std::string message, const std::string& key, bool is_serious) {
      findings.push_back(
          hsts_finding(meta, std::move(message), url, response->status, header.value_or(""), key));
      serious = serious || is_serious;
    };
    if (!header) {
      add(fmt::format("{} sends no Strict-Transport-Security: every visit that starts at "
                      "http:// can be intercepted before the redirect",
                      url),
          "missing", true);
      continue;
    }
    auto hsts = analyze::parse_hsts(*header);
    if (!hsts.valid) {
      add(fmt::format("{}: Strict-Transport-Security is void ({})", url, hsts.problem), "invalid",
          true);
      continue;
    }
    if (hsts.max_age < k_half_year)
      add(fmt::format("{}: max-age={} is under 180 days: browsers forget the policy between "
                      "visits (a year, 31536000, is the norm)",
                      url, hsts.max_age),
          "short", true);
    else if (hsts.max_age < k_year)
      add(fmt::format("{}: max-age={} is under a year (31536000)", url, hsts.max_age), "short",
          false);
    if (!hsts.include_subdomains)
      add(fmt::format("{}: no includeSubDomains: a forgotten http:// subdomain can set cookies "
                      "for {}",
                      url, name.host),
          "no includeSubDomains", false);
    if (hsts.preload && (hsts.max_age < k_year || !hsts.include_subdomains))
      add(fmt::format("{}: preload is asked for without max-age >= 31536000 and "
                      "includeSubDomains, which the preload list requires",
                      url),
          "preload unmet", false);
    judged.push_back(fmt::format("{} max-age={}{}{}", name.host, hsts.max_age,
                                 hsts.include_subdomains ? "; includeSubDomains" : "",
                                 hsts.preload ? "; preload" : ""));
  }
  std::string summary = fmt::format("{}", fmt::join(judged, ", "));
  if (!unreachable.empty())
    summary +=
        fmt::format("{}not fetched: {}", summary.empty() ? "" : "; ", fmt::join(unreachable, "; "));
  if (!findings.empty() && (serious || unreachable.empty()))
    return engine::failed(meta, std::move(findings), serious, summary);
  if (!unreachable.empty())
    return engine::errored(meta, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
