// The domain gate's HTTP helpers: names resolved through the run's Resolver and requests pinned
// to the address found (net::HttpRequest::connect_address), one hop at a time through the scope
// guard.

#include "checks/domain/web.hpp"

#include "util/url.hpp"

#include <fmt/format.h>

namespace lg::checks::web {

Expected<Site> resolve(engine::Context& context, const DomainName& name) {
  Site site{name, "", ""};
  std::string last;
  for (auto type : {net::RrType::a, net::RrType::aaaa}) {
    auto answer = context.resolver()->query(name.host, type);
    if (!answer)
      return unexpected(answer.error());
    switch (answer->status) {
    case net::DnsStatus::nxdomain:
      site.problem = name.host + " does not exist (NXDOMAIN)";
      return site;
    case net::DnsStatus::servfail:
      last = name.host + " could not be resolved (SERVFAIL)";
      continue;
    case net::DnsStatus::timeout:
      last = name.host + " could not be resolved (timeout)";
      continue;
    case net::DnsStatus::ok:
      break;
    }
    for (const auto& r : answer->records)
      if (r.type == type) {
        site.address = r.data;
        return site;
      }
  }
  site.problem = last.empty() ? name.host + " has no A or AAAA record" : last;
  return site;
}

std::string https_url(const DomainName& name, const std::string& path) {
  return name.https_port == 443 ? fmt::format("https://{}{}", name.host, path)
                                : fmt::format("https://{}:{}{}", name.host, name.https_port, path);
}

std::string http_url(const DomainName& name, int http_port, const std::string& path) {
  return http_port == 80 ? fmt::format("http://{}{}", name.host, path)
                         : fmt::format("http://{}:{}{}", name.host, http_port, path);
}

Expected<net::HttpResponse> get(engine::Context& context, const std::string& url) {
  auto parsed = parse_url(url);
  if (!parsed)
    return unexpected(parsed.error());
  if (!context.http().in_scope(url))
    return unexpected(ErrorKind::out_of_scope, url + " is outside the run's scope");
  auto site = resolve(context, DomainName{parsed->host, parsed->port});
  if (!site)
    return unexpected(site.error());
  if (site->address.empty())
    return unexpected(ErrorKind::network, site->problem);
  net::HttpRequest request;
  request.url = url;
  request.headers.push_back({"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"});
  request.connect_address = site->address;
  return context.http().send(request);
}

std::vector<Hop> follow(engine::Context& context, const std::string& url, int max_hops) {
  std::vector<Hop> chain;
  std::string next = url;
  for (int hop = 0; hop <= max_hops; ++hop) {
    Hop h;
    h.url = next;
    auto response = get(context, next);
    if (!response) {
      h.error = response.error().message;
      chain.push_back(std::move(h));
      break;
    }
    h.status = response->status;
    auto location = response->header("Location");
    if (response->status >= 300 && response->status < 400 && location) {
      auto resolved = resolve_url(next, *location);
      h.location = resolved ? *resolved : *location;
    }
    chain.push_back(h);
    if (h.location.empty() || !context.http().in_scope(h.location))
      break;
    next = h.location;
  }
  return chain;
}

} // namespace lg::checks::web
