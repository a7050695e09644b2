#pragma once
// What domain.tls-cert and domain.tls-protocols share: the names to probe, each resolved through
// the context's Resolver to the address that is probed (the first A, else the first AAAA).

#include "checks/registry.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lg::checks::tls {

/// One configured name and where it was probed.
struct Endpoint {
  std::string host;
  int port = 443;
  std::string address; ///< empty when resolution failed (see `problem`)
  std::string problem; ///< why there is no address: NXDOMAIN, no A/AAAA, SERVFAIL …
};

/// The skip result when the check cannot run (no domain.names, no resolver, no prober).
std::optional<CheckResult> precondition(engine::Context& context, const CheckMeta& meta);

/// Every domain.names entry resolved; an error when the resolver itself fails.
Expected<std::vector<Endpoint>> endpoints(engine::Context& context);

/// The target of `endpoint` for the prober.
net::TlsTarget target_of(const Endpoint& endpoint);

} // namespace lg::checks::tls
