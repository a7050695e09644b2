// Shared by the domain gate's TLS checks: the configured names resolved to the literal address
// each probe connects to (A first, then AAAA), through the context's Resolver.

#include "checks/domain/tls_common.hpp"

#include "checks/preconditions.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks::tls {

std::optional<CheckResult> precondition(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_domain_names(context, meta))
    return skip;
  if (context.tls() == nullptr)
    return engine::skipped(meta, SkipKind::not_configured, "no TLS prober in this run");
  return std::nullopt;
}

Expected<std::vector<Endpoint>> endpoints(engine::Context& context) {
  std::vector<Endpoint> out;
  auto& dns = *context.resolver();
  for (const auto& name : context.config().domain.names) {
    Endpoint e;
    e.host = name.host;
    e.port = name.https_port;
    std::vector<std::string> statuses;
    for (auto type : {net::RrType::a, net::RrType::aaaa}) {
      auto answer = dns.query(name.host, type);
      if (!answer)
        return unexpected(answer.error());
      for (const auto& r : answer->records)
        if (r.type == type && e.address.empty())
          e.address = r.data;
      if (!e.address.empty())
        break;
      switch (answer->status) {
      case net::DnsStatus::ok:
        statuses.push_back(fmt::format("no {} record", net::rr_type_name(type)));
        break;
      case net::DnsStatus::nxdomain:
        statuses.emplace_back("NXDOMAIN");
        break;
      case net::DnsStatus::servfail:
        statuses.emplace_back("SERVFAIL");
        break;
      case net::DnsStatus::timeout:
        statuses.emplace_back("a DNS timeout");
        break;
      }
    }
    if (e.address.empty())
      e.problem = fmt::format("{} does not resolve ({})", name.host, join(statuses, ", "));
    out.push_back(std::move(e));
  }
  return out;
}

net::TlsTarget target_of(const Endpoint& endpoint) {
  net::TlsTarget t;
  t.host = endpoint.host;
  t.address = endpoint.address;
  t.port = endpoint.port;
  return t;
}

} // namespace lg::checks::tls
