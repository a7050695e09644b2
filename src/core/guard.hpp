#pragma once
// The scope guard: every request of every gate goes through one GuardedHttpClient, which refuses
// hosts outside target.scope (on the first request and on every redirect hop), spaces requests to
// max_rps, counts them against a per-gate budget and logs each one with credentials redacted.

#include "net/clock.hpp"
#include "net/http.hpp"
#include "util/url.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lg {

struct GuardLimits {
  std::vector<std::string> scope; ///< "host" (any port) or "host:port"; IPv6 as "[::1]:8080"
  double max_rps = 10;
  int max_requests = 2000; ///< per budget period (reset_budget)
  int max_redirects = 5;
};

class GuardedHttpClient final : public net::HttpClient {
public:
  GuardedHttpClient(net::HttpClient& inner, net::Clock& clock, GuardLimits limits);

  /// Sends `request` after the scope, rate and budget checks; does not follow redirects.
  Expected<net::HttpResponse> send(const net::HttpRequest& request) override;

  /// Sends and follows up to max_redirects redirects, each hop checked against the scope.
  /// 303 (and 301/302 after POST) turn into GET without a body, as browsers do. When a hop changes
  /// the origin (scheme, host or port), every header of the request but Accept and Content-Type
  /// is dropped: credentials (Cookie, Authorization, API-key and CSRF headers) stay at their
  /// origin.
  Expected<net::HttpResponse> send_following(net::HttpRequest request);

  /// True when `url` parses and its host is in scope.
  bool in_scope(const std::string& url) const;

  /// Starts a fresh request budget (one per gate), and forgets requests that got no answer.
  void reset_budget() {
    m_used = 0;
    m_silent = 0;
  }

  /// Forgets the requests in a row that got no answer, without touching the budget: for a check
  /// that moves on to another address (edge.origin-exposure, one origin after another).
  void forget_silence() { m_silent = 0; }

  /// After this many requests in a row without an answer (timeouts, refused or dropped
  /// connections), the guard refuses the rest of the budget period at once.
  static constexpr int k_max_silent = 3;
  int requests_sent() const { return m_total; }
  int budget_used() const { return m_used; }

  /// The spacing of requests, in requests per second (0: none).
  double max_rps() const { return m_limits.max_rps; }
  /// Spaces requests at `rps` from now on and returns the previous rate (see RateOverride).
  double set_max_rps(double rps) { return std::exchange(m_limits.max_rps, rps); }

  /// Receives one line per request ("GET http://h/p -> 200 (12 ms)"), already redacted.
  void set_logger(std::function<void(const std::string&)> log) { m_log = std::move(log); }

private:
  net::HttpClient& m_inner;
  net::Clock& m_clock;
  GuardLimits m_limits;
  std::chrono::steady_clock::time_point m_next_slot{};
  int m_used = 0;
  int m_total = 0;
  int m_silent = 0;           ///< requests in a row that got no answer
  std::string m_last_silence; ///< why the last of them failed
  std::function<void(const std::string&)> m_log;
};

/// Another request rate for as long as it lives (edge.rate-limit's burst at edge.rate_limit.rps);
/// scope and budget checks stay as they are.
class RateOverride {
public:
  RateOverride(GuardedHttpClient& http, double rps) : m_http(http), m_old(http.set_max_rps(rps)) {}
  ~RateOverride() { m_http.set_max_rps(m_old); }
  RateOverride(const RateOverride&) = delete;
  RateOverride& operator=(const RateOverride&) = delete;

private:
  GuardedHttpClient& m_http;
  double m_old;
};

/// Whether the scope entry `entry` ("host", "host:port", "[v6]:port") admits `url`.
bool scope_entry_matches(std::string_view entry, const Url& url);

/// `url` for logs, reports and evidence: the password of a userinfo part, and the values of query
/// and fragment parameters whose names look like credentials (token, key, secret, pass, pwd,
/// session, sid, auth, code, sig, jwt, otp, credential), redacted with redact().
std::string redact_url(const std::string& url);

} // namespace lg
