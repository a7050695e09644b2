// domain.https-redirect: each configured name asked over plain HTTP (domain.http_port) must answer
// with a permanent redirect (301 or 308) to https:// on the same host, reach its HTTPS page in at
// most 2 redirects, and an apex and its www. name (when both are configured) must settle on one
// canonical host. Requests go by name to the address the run's Resolver gives.

#include "checks/domain/web.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/url.hpp"

#include <fmt/format.h>

namespace lg::checks {

namespace {

Finding redirect_finding(const CheckMeta& meta, std::string message, const std::string& host,
                         const std::vector<web::Hop>& chain, const std::string& key) {
  Finding f;
  f.message = std::move(message);
  nlohmann::json hops = nlohmann::json::array();
  for (const auto& h : chain) {
    nlohmann::json hop = {{"url", h.url}};
    if (h.status != 0)
      hop["status"] = h.status;
    if (!h.location.empty())
      hop["location"] = h.location;
    if (!h.error.empty())
      hop["error"] = h.error;
    hops.push_back(std::move(hop));
  }
  f.evidence = {{"method", "GET"}, {"host", host}, {"chain", std::move(hops)}};
  if (!chain.empty())
    f.evidence["path"] = chain.front().url;
  f.fingerprint = make_fingerprint(meta.id, {host, key});
  return f;
}

bool permanent(int status) {
  return status == 301 || status == 308;
}

std::string host_of(const std::string& url) {
  auto parsed = parse_url(url);
  return parsed ? parsed->host : "";
}

std::string describe(const std::vector<web::Hop>& chain) {
  std::string out;
  for (const auto& h : chain)
    out += fmt::format("{}{} {}", out.empty() ? "" : " -> ", h.url,
                       h.status != 0 ? std::to_string(h.status) : "(" + h.error + ")");
  return out;
}

} // namespace

CheckResult run_domain_https_redirect(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_domain_names(context, meta))
    return *skip;
  const auto& domain = context.config().domain;
  std::vector<Finding> findings;
  bool serious = false;
  std::vector<std::string> good;
  std::map<std::string, std::string> canonical; // host -> host its https:// page settles on
  for (const auto& name : domain.names) {
    auto site = web::resolve(context, name);
    if (!site)
      return engine::errored(meta, site.error().message);
    if (site->address.empty()) {
      findings.push_back(redirect_finding(meta, site->problem + ": nothing to redirect", name.host,
                                          {}, "unresolved"));
      serious = true;
      continue;
    }
    auto chain = web::follow(context, web::http_url(name, domain.http_port));
    const auto& first = chain.front();
    const auto& last = chain.back();
    int redirects = static_cast<int>(chain.size()) - 1;
    if (first.status == 0) {
      findings.push_back(redirect_finding(
          meta,
          fmt::format("{} does not answer ({}): people who type {} get an error instead of the "
                      "portal",
                      first.url, first.error, name.host),
          name.host, chain, "no answer"));
      serious = true;
      continue;
    }
    if (first.location.empty()) {
      findings.push_back(redirect_finding(
          meta,
          fmt::format("{} answers {} without redirecting: the portal is served over plain HTTP, "
                      "readable and changeable on the way",
                      first.url, first.status),
          name.host, chain, "no redirect"));
      serious = true;
      continue;
    }
    auto target = parse_url(first.location);
    bool to_https = target && target->scheme == "https";
    bool same_host = target && target->host == name.host;
    if (!to_https) {
      findings.push_back(redirect_finding(
          meta,
          fmt::format("the first redirect of {} goes to {}, still plain HTTP: the first hop "
                      "must go to https:// on the same host (HSTS is only set over HTTPS)",
                      first.url, first.location),
          name.host, chain, "first hop http"));
      serious = true;
    } else if (!same_host) {
      findings.push_back(redirect_finding(
          meta,
          fmt::format("{} redirects straight to another host ({}): redirect to https://{} "
                      "first, so that its HSTS policy is set, then to the canonical host",
                      first.url, first.location, name.host),
          name.host, chain, "first hop other host"));
    }
    if (!permanent(first.status))
      findings.push_back(redirect_finding(
          meta,
          fmt::format("{} redirects with {}, a temporary redirect: browsers and search engines "
                      "do not remember it; use 301 or 308",
                      first.url, first.status),
          name.host, chain, "temporary"));
    auto last_url = parse_url(last.url);
    if (last.status == 0 || !last_url || last_url->scheme != "https" ||
        (last.status >= 300 && last.status < 400 && context.http().in_scope(last.location))) {
      findings.push_back(
          redirect_finding(meta,
                           fmt::format("the redirects of {} do not end at an HTTPS page: {}",
                                       first.url, describe(chain)),
                           name.host, chain, "no https end"));
      serious = true;
    } else if (redirects > 2) {
      findings.push_back(
          redirect_finding(meta,
                           fmt::format("{} takes {} redirects to reach its page: {} (2 at most)",
                                       first.url, redirects, describe(chain)),
                           name.host, chain, "long chain"));
    } else if (to_https) {
      good.push_back(fmt::format("{} -> {}", first.url, first.location));
    }

    // Where the https:// form settles, for the apex/www consistency below.
    auto secure = web::follow(context, web::https_url(name));
    if (secure.back().status >= 200 && secure.back().status < 300)
      canonical[name.host] = host_of(secure.back().url);
  }

  // An apex and its www. name must settle on one host.
  std::vector<std::string> canonical_notes;
  for (const auto& [host, settled] : canonical) {
    auto www = canonical.find("www." + host);
    if (www == canonical.end())
      continue;
    if (settled != www->second)
      findings.push_back(redirect_finding(
          meta,
          fmt::format("{} and www.{} both serve the portal ({} and {}): pick one canonical host "
                      "and redirect the other to it, or cookies, links and search results split",
                      host, host, settled, www->second),
          host, {}, "two canonical"));
    else
      canonical_notes.push_back(fmt::format("{} and www.{} settle on {}", host, host, settled));
  }

  std::string summary = fmt::format(
      "{} of {} name(s) redirect permanently to HTTPS on the same host{}{}", good.size(),
      domain.names.size(), good.empty() ? "" : ": ", fmt::join(good, "; "));
  if (!canonical_notes.empty())
    summary += "; " + fmt::format("{}", fmt::join(canonical_notes, "; "));
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
