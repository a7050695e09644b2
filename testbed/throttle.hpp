#pragma once
// The failed-login limits: per (client IP, email) and per client IP, in a sliding window.

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace portal {

constexpr std::size_t k_failures_per_account = 10; // per (IP, lower-cased email) and window
constexpr std::size_t k_failures_per_ip = 25;      // per IP and window

// Counts failed logins in memory. Thread-safe. A key is refused once it holds the limit of
// failures younger than the window; refused attempts are not counted (their password is never
// checked), so a key frees up `window` seconds after its oldest counted failure.
class LoginThrottle {
public:
  // `window` in seconds; a disabled throttle (the no-rate-limit flaw) never refuses.
  LoginThrottle(std::int64_t window, bool enabled);

  // Seconds until `ip` may try `email` again (at least 1), or 0 when it may try now.
  std::int64_t retry_after(std::string_view ip, std::string_view email, std::int64_t now);

  // Counts a failed login of `ip` for `email` at `now`.
  void failed(std::string_view ip, std::string_view email, std::int64_t now);

  // Forgets the failures of `ip` for `email` (not those for other emails, nor the IP's total).
  void succeeded(std::string_view ip, std::string_view email);

private:
  using Failures = std::deque<std::int64_t>; // times of the failures, oldest first

  // Seconds until `failures` holds fewer than `limit` entries younger than the window, or 0.
  std::int64_t wait_for(Failures& failures, std::size_t limit, std::int64_t now) const;
  // Drops every key without a failure younger than the window.
  void sweep(std::int64_t now);

  std::int64_t m_window;
  bool m_enabled;
  std::mutex m_mutex;
  std::unordered_map<std::string, Failures> m_by_account; // key: ip "\n" lower-cased email
  std::unordered_map<std::string, Failures> m_by_ip;
};

} // namespace portal
