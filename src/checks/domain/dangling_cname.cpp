// domain.dangling-cname: follows the CNAME chain of each configured name and fails where it ends
// at a name that does not exist (NXDOMAIN): whoever claims that name serves the site. Targets
// are matched against the hosting providers of rules/takeover.json; a provider's "unclaimed" page
// is never requested (the provider's host is outside target.scope), so a target that resolves
// is reported as checked by DNS only.

#include "analyze/psl.hpp"
#include "analyze/takeover.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {

namespace {

std::string normal_name(std::string name) {
  name = to_lower(name);
  if (!name.empty() && name.back() == '.')
    name.pop_back();
  return name;
}

std::string status_text(net::DnsStatus s) {
  switch (s) {
  case net::DnsStatus::ok:
    return "no address";
  case net::DnsStatus::nxdomain:
    return "NXDOMAIN";
  case net::DnsStatus::servfail:
    return "SERVFAIL";
  case net::DnsStatus::timeout:
    return "a timeout";
  }
  return "?";
}

} // namespace

CheckResult run_domain_dangling_cname(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_domain_names(context, meta))
    return *skip;
  const auto& domain = context.config().domain;
  auto* dns = context.resolver();
  const auto& rules = analyze::builtin_takeover_rules();
  if (!rules)
    return engine::errored(meta, rules.error().message);

  std::vector<Finding> findings;
  bool serious = false;
  std::vector<std::string> lines, unverified;
  size_t judged = 0, aliased = 0;
  for (const auto& entry : domain.names) {
    const std::string& host = entry.host;
    auto answer = dns->query(host, net::RrType::a);
    if (!answer)
      return engine::errored(meta, answer.error().message);
    std::vector<std::string> chain;
    bool has_address = false;
    for (const auto& r : answer->records) {
      if (r.type == net::RrType::cname)
        chain.push_back(normal_name(r.data));
      else if (r.type == net::RrType::a)
        has_address = true;
    }
    auto status = answer->status;
    if (chain.empty()) {
      if (status == net::DnsStatus::servfail || status == net::DnsStatus::timeout)
        unverified.push_back(fmt::format("{}: {}", host, status_text(status)));
      else
        ++judged; // no alias: nothing can dangle (domain.dns judges the name itself)
      continue;
    }
    ++aliased;
    // An alias with no IPv4 address may still have IPv6 at the end of its chain.
    if (status == net::DnsStatus::ok && !has_address) {
      auto v6 = dns->query(host, net::RrType::aaaa);
      if (!v6)
        return engine::errored(meta, v6.error().message);
      for (const auto& r : v6->records)
        has_address = has_address || r.type == net::RrType::aaaa;
    }
    std::string chain_text = host;
    for (const auto& t : chain)
      chain_text += " -> " + t;
    const std::string& target = chain.back();
    // The provider of the end of the chain, else of the last hop that has one.
    const analyze::TakeoverProvider* provider = nullptr;
    for (auto it = chain.rbegin(); it != chain.rend() && provider == nullptr; ++it)
      provider = analyze::match_takeover_provider(*rules, *it);
    std::string at = provider ? provider->provider : analyze::organizational_domain(target);
    if (at.empty())
      at = target;

    if (status == net::DnsStatus::servfail || status == net::DnsStatus::timeout) {
      unverified.push_back(fmt::format("{} ({}{}): {}", chain_text,
                                       provider ? provider->provider : "no known provider",
                                       provider ? ", DNS only" : "", status_text(status)));
      continue;
    }
    ++judged;
    if (status == net::DnsStatus::nxdomain) {
      Finding f;
      f.evidence = {{"name", host},
                    {"type", "CNAME"},
                    {"cname_chain", chain_text},
                    {"target", target},
                    {"status", "NXDOMAIN"}};
      bool own = analyze::organizational_domain(target) == analyze::organizational_domain(host) &&
                 !analyze::organizational_domain(host).empty();
      if (provider) {
        f.evidence["provider"] = provider->provider;
        f.evidence["provider_takeover"] = provider->takeover;
        if (!provider->note.empty())
          f.evidence["provider_note"] = provider->note;
      }
      if (provider && provider->nxdomain_claimable)
        f.message = fmt::format("dangling CNAME: whoever claims {} at {} serves your site ({} "
                                "points at it and it does not exist)",
                                target, at, host);
      else if (provider)
        f.message = fmt::format("dangling CNAME: whoever claims {} at {} serves your site ({} "
                                "points at it and it does not exist; a takeover at {} is rated "
                                "{}: the NXDOMAIN alone does not prove the name can be claimed)",
                                target, at, host, at, provider->takeover);
      else if (own)
        f.message = fmt::format("dangling CNAME: {} points at {}, which does not exist: the name "
                                "is broken (only your own zone can fill it)",
                                host, target);
      else
        f.message = fmt::format("dangling CNAME: whoever claims {} at {} serves your site ({} "
                                "points at it and it does not exist)",
                                target, at, host);
      f.fingerprint = make_fingerprint(meta.id, {host, "dangling " + target});
      serious = serious || !own;
      findings.push_back(std::move(f));
      continue;
    }
    if (!has_address) {
      lines.push_back(
          fmt::format("{}: ends at a name with no address (domain.dns reports it)", chain_text));
      continue;
    }
    if (provider)
      lines.push_back(fmt::format("{} ({}): resolves; checked by DNS only, {}'s \"unclaimed\" page "
                                  "is not requested (outside target.scope)",
                                  chain_text, provider->provider, provider->provider));
    else
      lines.push_back(fmt::format("{}: resolves", chain_text));
  }

  if (judged == 0)
    return engine::errored(meta, "no CNAME chain could be followed to its end: " +
                                     join(unverified, "; "));
  std::string summary =
      aliased == 0 ? "no configured name is a CNAME" : (lines.empty() ? "" : join(lines, "; "));
  if (!unverified.empty())
    summary += std::string(summary.empty() ? "" : "; ") +
               "not verified (outside the zone or unanswered): " + join(unverified, "; ");
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
