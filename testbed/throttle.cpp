// Login throttling for the sample portal (OWASP Authentication Cheat Sheet, "Login Throttling"):
// at 10 failures for one (IP, email) or 25 from one IP within the window, further attempts of
// that key are answered 429 with Retry-After before any password check, so a refused attempt
// costs the same whatever the password. No delays are added: answers stay fast and comparable.

#include "throttle.hpp"

#include "util.hpp"

#include <algorithm>

namespace portal {

namespace {

constexpr std::size_t k_sweep_threshold = 10000; // keys per map before stale ones are dropped

std::string account_key(std::string_view ip, std::string_view email) {
  std::string key(ip);
  key += '\n';
  key += ascii_lower(email);
  return key;
}

} // namespace

LoginThrottle::LoginThrottle(std::int64_t window, bool enabled)
    : m_window(window), m_enabled(enabled) {}

std::int64_t LoginThrottle::wait_for(Failures& failures, std::size_t limit,
                                     std::int64_t now) const {
  while (!failures.empty() && failures.front() + m_window <= now) {
    failures.pop_front();
  }
  if (failures.size() < limit) {
    return 0;
  }
  // The failure whose expiry brings the count below the limit.
  const auto frees_at = failures[failures.size() - limit] + m_window;
  return std::max<std::int64_t>(frees_at - now, 1);
}

std::int64_t LoginThrottle::retry_after(std::string_view ip, std::string_view email,
                                        std::int64_t now) {
  if (!m_enabled) {
    return 0;
  }
  const std::lock_guard lock(m_mutex);
  std::int64_t wait = 0;
  if (const auto it = m_by_account.find(account_key(ip, email)); it != m_by_account.end()) {
    wait = wait_for(it->second, k_failures_per_account, now);
  }
  if (const auto it = m_by_ip.find(std::string(ip)); it != m_by_ip.end()) {
    wait = std::max(wait, wait_for(it->second, k_failures_per_ip, now));
  }
  return wait;
}

void LoginThrottle::failed(std::string_view ip, std::string_view email, std::int64_t now) {
  if (!m_enabled) {
    return;
  }
  const std::lock_guard lock(m_mutex);
  if (m_by_account.size() >= k_sweep_threshold || m_by_ip.size() >= k_sweep_threshold) {
    sweep(now);
  }
  m_by_account[account_key(ip, email)].push_back(now);
  m_by_ip[std::string(ip)].push_back(now);
}

void LoginThrottle::succeeded(std::string_view ip, std::string_view email) {
  if (!m_enabled) {
    return;
  }
  const std::lock_guard lock(m_mutex);
  m_by_account.erase(account_key(ip, email));
}

void LoginThrottle::sweep(std::int64_t now) {
  for (auto* map : {&m_by_account, &m_by_ip}) {
    std::erase_if(*map, [&](const auto& entry) {
      return entry.second.empty() || entry.second.back() + m_window <= now;
    });
  }
}

} // namespace portal
