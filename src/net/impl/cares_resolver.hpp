#pragma once
// A Resolver on live DNS through c-ares: one server given as a literal "IP:port" (`dns.server`)
// or the system's servers (/etc/resolv.conf). Each name is asked as absolute (no search
// domains); a truncated UDP answer is asked again over TCP; every answer (NXDOMAIN, SERVFAIL and
// timeouts included) is kept for the life of the resolver, which is one run.

#include "net/resolver.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace lg::net {

struct CaresOptions {
  std::string server; ///< "192.0.2.53:53" or "[2001:db8::53]:53"; empty: the system's servers
  std::chrono::milliseconds timeout{2000}; ///< the first try's wait (c-ares doubles it per round)
  int tries = 2;                           ///< per server, 1 to 5
  /// The most one query() may take, CNAME hops included; 0: timeout * (2^tries - 1) + 500 ms,
  /// which is what c-ares itself waits at most.
  std::chrono::milliseconds deadline{0};
  /// Asks with RD set; off for questions to a zone's own name servers (ARES_FLAG_NORECURSE).
  bool recursion = true;
};

class CaresResolver final : public Resolver {
public:
  /// Checks the options and that c-ares starts on them (a channel is made and dropped). Errors
  /// (kind config) name the server, or "the system's DNS servers".
  static Expected<std::unique_ptr<CaresResolver>> open(CaresOptions options);

  /// Thread-safe: each call runs on its own c-ares channel; only the cache is shared.
  Expected<DnsAnswer> query(const std::string& name, RrType type) override;
  /// A CaresResolver on `address`:`port` alone, recursion off, with this one's timeouts and a
  /// cache of its own.
  Expected<std::unique_ptr<Resolver>> direct(const std::string& address, int port) override;

  /// "127.0.0.1:5353", or "the system's DNS servers".
  std::string describe() const;
  /// Queries sent to a server (one per name asked, CNAME hops included), and cache hits.
  int queries_sent() const { return m_sent.load(); }
  int cache_hits() const { return m_hits.load(); }

  /// The c-ares version in use, e.g. "1.18.1".
  static std::string library_version();

private:
  explicit CaresResolver(CaresOptions options);
  Expected<DnsAnswer> resolve(const std::string& name, RrType type);

  CaresOptions m_options;
  std::mutex m_mutex; ///< guards m_cache
  std::map<std::pair<std::string, RrType>, DnsAnswer> m_cache;
  std::atomic<int> m_sent{0};
  std::atomic<int> m_hits{0};
};

} // namespace lg::net
