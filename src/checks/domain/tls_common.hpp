#pragma once
// What domain.tls-cert and domain.tls-protocols share: the names to probe, each resolved through
// the context's Resolver to the address that is probed (the first A, else the first AAAA).

#include "checks/registry.hpp"

#include <cstddef>
#include <future>
#include <optional>
#include <string>
#include <type_traits>
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

/// Names probed at once: each name's handshakes stay one after another, so a server sees at
/// most one connection of the run at a time.
constexpr std::size_t k_parallel_names = 8;

/// `probe(endpoint)` for every endpoint, k_parallel_names at a time on threads of their own (the
/// TlsProber is thread-safe), the results in the endpoints' order.
template <class F>
auto for_each_name(const std::vector<Endpoint>& endpoints, F probe)
    -> std::vector<std::invoke_result_t<F&, const Endpoint&>> {
  using Result = std::invoke_result_t<F&, const Endpoint&>;
  std::vector<Result> out;
  out.reserve(endpoints.size());
  for (std::size_t start = 0; start < endpoints.size(); start += k_parallel_names) {
    std::vector<std::future<Result>> batch;
    for (std::size_t i = start; i < endpoints.size() && i < start + k_parallel_names; ++i)
      batch.push_back(
          std::async(std::launch::async, [&probe, &e = endpoints[i]] { return probe(e); }));
    for (auto& f : batch)
      out.push_back(f.get());
  }
  return out;
}

} // namespace lg::checks::tls
