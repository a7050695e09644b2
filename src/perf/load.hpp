#pragma once
// What the perf gate's load engine is asked and what it answers, and the LoadRunner interface
// it is reached through (the engine itself, perf/impl/epoll_load: HTTP/1.1 keep-alive over
// non-blocking sockets, one epoll loop per thread, each thread owning its share of the
// connections). Two models:
//  - open (rate > 0): requests are due at a constant overall rate, spread over the connections;
//    latency is measured from when a request was DUE, not when it was sent, so a server that
//    stalls is charged for every request it delayed (coordinated omission corrected, as wrk2);
//  - closed (rate == 0): each connection sends its next request as soon as the answer arrives.
// Responses are parsed with Boost.Beast's HTTP/1.1 parser. Every run is bounded by its duration
// and by max_requests; the engine sends only to the one literal address it is given.

#include "perf/histogram.hpp"
#include "util/expected.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lg::perf {

/// Where the load goes: a literal IPv4/IPv6 address and port; `host` is sent as Host:. With
/// `tls`, every connection is HTTPS: TLS 1.2 or later, the handshake paid by the request that
/// needed the connection (as a real client pays it), the certificate chain and name verified
/// unless `verify` is false.
struct LoadTarget {
  std::string address;
  int port = 80;
  std::string host;      ///< the Host header ("name" or "name:port")
  bool tls = false;      ///< speak HTTPS (OpenSSL) instead of plain HTTP
  std::string sni{};     ///< the URL's host, without brackets or port: sent as SNI (unless it is
                         ///< an IP literal) and what the certificate must name; empty: `address`
  std::string ca_file{}; ///< PEM trust anchors added to the system store (as domain.ca_file);
                         ///< empty: the system store alone
  bool verify = true;    ///< false: accept any certificate and name (--insecure)
};

/// One kind of request in the mix.
struct LoadRequest {
  std::string action = "request"; ///< the name its statistics are kept under
  std::string method = "GET";
  std::string target = "/"; ///< origin-form: path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  double weight = 1; ///< share of the mix, relative to the others
};

struct LoadOptions {
  int threads = 1;                           ///< event loops, 1..64
  int connections = 8;                       ///< in all, 1..10000, at least one per thread
  double rate = 0;                           ///< requests per second in all; 0: the closed model
  std::chrono::milliseconds duration{10000}; ///< measured time, after the warm-up
  std::chrono::milliseconds warmup{0};       ///< load sent but not recorded
  std::int64_t max_requests = 0;             ///< hard bound on requests sent; 0: none
  std::chrono::milliseconds timeout{10000};  ///< per request, from when it was due
};

/// What one action gave, over the measured time.
struct ActionStats {
  std::string action;
  Histogram latency;                            ///< µs, successful and failed answers alike
  std::int64_t requests = 0;                    ///< answered or failed
  std::map<int, std::int64_t> statuses;         ///< by HTTP status
  std::map<std::string, std::int64_t> failures; ///< no answer: "timeout", "connect", "tls"
                                                ///< (handshake), "reset", "parse", "too-large"
  std::int64_t errors() const;                  ///< status >= 400 or no answer
};

/// What the instrument saw of itself, to tell a slow server from a slow client.
struct SelfCheck {
  Histogram send_lag; ///< µs between when a request was due and when its first byte was written
                      ///< (requests due while their connection was busy are left out: that
                      ///< wait is the server's, and their latency holds it)
  double cpu_seconds = 0; ///< the process's user + system CPU over the run
  double cpu_share = 0;   ///< cpu_seconds / (wall seconds * threads)
};

struct LoadResult {
  std::vector<ActionStats> actions; ///< one per action name, in the order the names first
                                    ///< appear in the mix (requests sharing a name add up)
  double seconds = 0;               ///< measured wall time
  SelfCheck self;
};

/// Where the load is made: perf/impl's EpollLoadRunner, or a fake in tests. The perf checks see
/// only this interface.
class LoadRunner {
public:
  virtual ~LoadRunner() = default;
  /// Runs the load. Errors (kind usage) for options out of range or an empty mix, (kind
  /// network) when no connection can be made at all or, over TLS, when the first connection's
  /// handshake fails (a certificate that does not verify); everything after it is measured.
  virtual Expected<LoadResult> run(const LoadTarget& target, const std::vector<LoadRequest>& mix,
                                   const LoadOptions& options) = 0;
};

} // namespace lg::perf
