// edge.cdn: each configured name must sit behind a CDN or WAF that launchgate recognises, from the
// headers of its https:// answer or from its CNAME chain (rules/edge.json). Cloudflare-proxied
// names resolve straight to Cloudflare's addresses; their headers give them away, so no address
// ranges are kept (they change).

#include "analyze/edge.hpp"
#include "checks/domain/web.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace lg::checks {

namespace {

constexpr size_t k_max_header_names = 60;

std::string normal_name(std::string name) {
  name = to_lower(name);
  if (!name.empty() && name.back() == '.')
    name.pop_back();
  return name;
}

} // namespace

CheckResult run_edge_cdn(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_domain_names(context, meta))
    return *skip;
  const auto& rules = analyze::builtin_edge_rules();
  if (!rules)
    return engine::errored(meta, rules.error().message);

  std::vector<Finding> findings;
  std::vector<std::string> judged, unreachable;
  for (const auto& name : context.config().domain.names) {
    auto answer = context.resolver()->query(name.host, net::RrType::a);
    if (!answer)
      return engine::errored(meta, answer.error().message);
    std::vector<std::string> chain;
    for (const auto& r : answer->records)
      if (r.type == net::RrType::cname && chain.size() < 32)
        chain.push_back(normal_name(r.data));

    std::string url = web::https_url(name);
    auto response = web::get(context, url);
    std::vector<analyze::EdgeMatch> matches;
    std::vector<std::string> header_names;
    if (response) {
      matches = analyze::match_edge_headers(*rules, response->headers);
      for (const auto& h : response->headers)
        if (header_names.size() < k_max_header_names)
          header_names.push_back(to_lower(h.name));
    }
    if (auto by_cname = analyze::match_edge_cname(*rules, chain)) {
      bool known = std::any_of(matches.begin(), matches.end(), [&](const analyze::EdgeMatch& m) {
        return m.provider == by_cname->provider;
      });
      if (!known)
        matches.push_back(*by_cname);
    }
    if (!matches.empty()) {
      std::vector<std::string> parts;
      for (const auto& m : matches)
        parts.push_back(fmt::format("{} ({})", m.provider, m.evidence));
      judged.push_back(fmt::format("{}: {}", name.host, join(parts, ", ")));
      continue;
    }
    if (!response) {
      unreachable.push_back(fmt::format("{}: {}", url, response.error().message));
      continue;
    }
    Finding f;
    f.message = fmt::format("no CDN or WAF recognised in front of {}: the origin takes every "
                            "request and attack directly",
                            name.host);
    f.evidence = {{"host", name.host},
                  {"url", url},
                  {"status", response->status},
                  {"headers", header_names},
                  {"cname_chain", chain}};
    f.fingerprint = make_fingerprint(meta.id, {name.host});
    findings.push_back(std::move(f));
  }
  std::string summary = join(judged, "; ");
  if (!unreachable.empty())
    summary += fmt::format("{}not fetched (and no CNAME of a known provider): {}",
                           summary.empty() ? "" : "; ", join(unreachable, "; "));
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (!unreachable.empty())
    return engine::errored(meta, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
