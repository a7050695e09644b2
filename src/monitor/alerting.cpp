// The monitor's alert rules: per-check down/up with failure and success thresholds (the
// hysteresis keeps a flapping check from alerting on every change), reminders while down, the
// slow rule (consecutive slow runs), the spike rule (share of failures over all checks within a
// time window, kept in a bounded ring) and maintenance windows. Each rule keeps the state it
// computed apart from the state it last announced; events are raised when the two differ outside
// maintenance, so a change made during a window is told once the window ends.

#include "monitor/alerting.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace lg::monitor {
namespace {

constexpr std::int64_t k_minute_ms = 60 * 1000;
constexpr std::int64_t k_day_ms = 24 * 60 * k_minute_ms;
constexpr int k_minutes_per_day = 24 * 60;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  auto q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// "45s", "12m 5s", "3h 20m", "2d 4h".
std::string duration(std::int64_t ms) {
  auto s = std::max<std::int64_t>(ms, 0) / 1000;
  if (s < 60)
    return fmt::format("{}s", s);
  if (s < 3600)
    return fmt::format("{}m {}s", s / 60, s % 60);
  if (s < 86400)
    return fmt::format("{}h {}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}d {}h", s / 86400, s % 86400 / 3600);
}

std::string plural(std::int64_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

AlertEvent event(AlertKind kind, const std::string& check, std::int64_t at_ms,
                 std::int64_t consecutive, std::int64_t since_ms, std::string text) {
  AlertEvent e;
  e.kind = kind;
  e.check = check;
  e.at_ms = at_ms;
  e.consecutive = consecutive;
  e.since_ms = since_ms;
  e.text = std::move(text);
  return e;
}

} // namespace

MaintenanceWindow MaintenanceWindow::absolute(std::int64_t start_ms, std::int64_t end_ms) {
  MaintenanceWindow w;
  w.kind = Kind::absolute;
  w.start_ms = start_ms;
  w.end_ms = end_ms;
  return w;
}

MaintenanceWindow MaintenanceWindow::weekly(int weekday, int start_minute, int end_minute) {
  MaintenanceWindow w;
  w.kind = Kind::weekly;
  w.weekday = weekday;
  w.start_minute = start_minute;
  w.end_minute = end_minute;
  return w;
}

bool MaintenanceWindow::contains(std::int64_t now_ms) const {
  if (kind == Kind::absolute)
    return now_ms >= start_ms && now_ms < end_ms;
  auto day = floor_div(now_ms, k_day_ms);
  auto today = static_cast<int>(((day + 4) % 7 + 7) % 7); // 1970-01-01 was a Thursday (4)
  auto minute = (now_ms - day * k_day_ms) / k_minute_ms;
  if (end_minute > start_minute)
    return today == weekday && minute >= start_minute && minute < end_minute;
  // Past midnight: from the start to the end of `weekday`, then the next day until the end.
  return (today == weekday && minute >= start_minute) ||
         (today == (weekday + 1) % 7 && minute < end_minute);
}

Expected<void> validate(const AlertPolicy& policy) {
  std::vector<std::string> problems;
  if (policy.failure_threshold < 1)
    problems.push_back("monitor.alerts.failure_threshold must be at least 1");
  if (policy.success_threshold < 1)
    problems.push_back("monitor.alerts.success_threshold must be at least 1");
  if (policy.reminder_ms < 0)
    problems.push_back("the reminder interval must not be negative");
  if (!(policy.slow_ms >= 0))
    problems.push_back("the slow limit must not be negative");
  if (policy.slow_count < 1)
    problems.push_back("the slow rule needs at least 1 run");
  if (!(policy.spike_share >= 0 && policy.spike_share <= 1))
    problems.push_back("the spike share must be between 0 and 1");
  if (policy.spike_window_ms <= 0)
    problems.push_back("the spike window must be positive");
  for (std::size_t i = 0; i < policy.maintenance.size(); ++i) {
    const auto& w = policy.maintenance[i];
    auto where = fmt::format("maintenance window {}", i + 1);
    if (w.kind == MaintenanceWindow::Kind::absolute) {
      if (w.end_ms <= w.start_ms)
        problems.push_back(where + " ends before it starts");
      continue;
    }
    if (w.weekday < 0 || w.weekday > 6)
      problems.push_back(where + ": the weekday must be 0 (Sunday) to 6 (Saturday)");
    if (w.start_minute < 0 || w.start_minute >= k_minutes_per_day || w.end_minute < 0 ||
        w.end_minute > k_minutes_per_day)
      problems.push_back(where + ": minutes of the day run from 0 to 1440");
  }
  if (problems.empty())
    return {};
  std::string message;
  for (const auto& p : problems)
    message += (message.empty() ? "" : "\n") + p;
  return unexpected(ErrorKind::config, message);
}

const char* to_string(AlertKind kind) {
  switch (kind) {
  case AlertKind::down:
    return "down";
  case AlertKind::up:
    return "up";
  case AlertKind::reminder:
    return "reminder";
  case AlertKind::slow:
    return "slow";
  case AlertKind::slow_end:
    return "slow_end";
  case AlertKind::spike:
    return "spike";
  case AlertKind::spike_end:
    return "spike_end";
  }
  return "unknown";
}

Alerter::Alerter(AlertPolicy policy) : m_policy(std::move(policy)) {
  auto& p = m_policy;
  p.failure_threshold = std::max(p.failure_threshold, 1);
  p.success_threshold = std::max(p.success_threshold, 1);
  p.slow_count = std::max(p.slow_count, 1);
  p.reminder_ms = std::max<std::int64_t>(p.reminder_ms, 0);
  if (!(p.slow_ms > 0))
    p.slow_ms = 0;
  if (!(p.spike_share > 0))
    p.spike_share = 0;
  p.spike_share = std::min(p.spike_share, 1.0);
  p.spike_window_ms = std::max<std::int64_t>(p.spike_window_ms, 1);
}

bool Alerter::in_maintenance(std::int64_t now_ms) const {
  return std::any_of(m_policy.maintenance.begin(), m_policy.maintenance.end(),
                     [&](const MaintenanceWindow& w) { return w.contains(now_ms); });
}

CheckState Alerter::state(const std::string& check) const {
  CheckState s;
  auto it = m_tracks.find(check);
  if (it == m_tracks.end())
    return s;
  const auto& t = it->second;
  s.down = t.down;
  s.slow = t.slow;
  s.down_since_ms = t.down ? t.down_since_ms : 0;
  s.consecutive_failures = t.failures;
  s.consecutive_successes = t.successes;
  return s;
}

void Alerter::restore(const std::string& check, bool down, std::int64_t since_ms) {
  Track t;
  t.down = down;
  t.down_announced = down;
  t.down_since_ms = since_ms;
  t.fail_since_ms = since_ms;
  t.failures = down ? m_policy.failure_threshold : 0;
  m_tracks[check] = t;
}

std::vector<AlertEvent> Alerter::observe(const std::string& check, bool ok, double latency_ms,
                                         std::int64_t now_ms) {
  std::vector<AlertEvent> out;
  const auto& p = m_policy;
  bool quiet = in_maintenance(now_ms);
  auto& t = m_tracks[check];
  if (t.last_notice_ms < 0)
    t.last_notice_ms = now_ms;

  // Down and up, with the thresholds as hysteresis.
  if (ok) {
    if (t.successes == 0)
      t.ok_since_ms = now_ms;
    ++t.successes;
    t.failures = 0;
  } else {
    if (t.failures == 0)
      t.fail_since_ms = now_ms;
    ++t.failures;
    t.successes = 0;
  }
  if (!t.down && t.failures >= p.failure_threshold) {
    t.down = true;
    t.down_since_ms = t.fail_since_ms;
  } else if (t.down && t.successes >= p.success_threshold) {
    t.down = false;
  }
  if (!quiet) {
    if (t.down && !t.down_announced) {
      t.down_announced = true;
      t.last_notice_ms = now_ms;
      out.push_back(event(AlertKind::down, check, now_ms, t.failures, t.down_since_ms,
                          fmt::format("{} is down: {} in a row over {}", check,
                                      plural(t.failures, "failed check"),
                                      duration(now_ms - t.down_since_ms))));
    } else if (!t.down && t.down_announced) {
      t.down_announced = false;
      auto recovered = t.successes > 0 ? t.ok_since_ms : now_ms;
      out.push_back(event(AlertKind::up, check, now_ms, t.successes, t.down_since_ms,
                          fmt::format("{} is up again after {} down ({} in a row)", check,
                                      duration(recovered - t.down_since_ms),
                                      plural(t.successes, "successful check"))));
    } else if (t.down && p.reminder_ms > 0 && now_ms - t.last_notice_ms >= p.reminder_ms) {
      t.last_notice_ms = now_ms;
      out.push_back(event(AlertKind::reminder, check, now_ms, t.failures, t.down_since_ms,
                          fmt::format("{} is still down after {} ({} in a row)", check,
                                      duration(now_ms - t.down_since_ms),
                                      plural(t.failures, "failed check"))));
    }
  }

  // Slow: successful runs only (a failure is the down rule's business and leaves the runs as
  // they are); back to normal after success_threshold fast runs.
  if (p.slow_ms > 0 && ok) {
    t.last_latency_ms = latency_ms;
    if (latency_ms > p.slow_ms) {
      if (t.slow_run == 0)
        t.slow_since_ms = now_ms;
      ++t.slow_run;
      t.fast_run = 0;
    } else {
      ++t.fast_run;
      t.slow_run = 0;
    }
    if (!t.slow && t.slow_run >= p.slow_count)
      t.slow = true;
    else if (t.slow && t.fast_run >= p.success_threshold)
      t.slow = false;
  }
  if (!quiet) {
    if (t.slow && !t.slow_announced) {
      t.slow_announced = true;
      out.push_back(
          event(AlertKind::slow, check, now_ms, t.slow_run, t.slow_since_ms,
                fmt::format("{} is slow: {} in a row over {:.0f} ms (last {:.0f} ms)", check,
                            plural(t.slow_run, "check"), p.slow_ms, t.last_latency_ms)));
    } else if (!t.slow && t.slow_announced) {
      t.slow_announced = false;
      out.push_back(event(AlertKind::slow_end, check, now_ms, t.fast_run, t.slow_since_ms,
                          fmt::format("{} is fast again: {} in a row within {:.0f} ms", check,
                                      plural(t.fast_run, "check"), p.slow_ms)));
    }
  }

  if (p.spike_share > 0)
    observe_spike(ok, now_ms, quiet, out);
  return out;
}

void Alerter::observe_spike(bool ok, std::int64_t now_ms, bool quiet,
                            std::vector<AlertEvent>& out) {
  const auto& p = m_policy;
  auto pop_front = [&] {
    if (!m_ring[m_head].ok)
      --m_ring_failures;
    m_head = (m_head + 1) % m_ring.size();
    --m_size;
  };
  // The window is (now - spike_window_ms, now].
  while (m_size > 0 && m_ring[m_head].at_ms <= now_ms - p.spike_window_ms)
    pop_front();
  if (m_size == k_spike_capacity)
    pop_front();
  if (m_size == m_ring.size()) {
    // Grow (at most to the capacity), laying the ring out from index 0 again.
    std::vector<Sample> grown(std::min(k_spike_capacity, std::max<std::size_t>(64, 2 * m_size)));
    for (std::size_t i = 0; i < m_size; ++i)
      grown[i] = m_ring[(m_head + i) % m_ring.size()];
    m_ring = std::move(grown);
    m_head = 0;
  }
  m_ring[(m_head + m_size) % m_ring.size()] = Sample{now_ms, ok};
  ++m_size;
  if (!ok)
    ++m_ring_failures;

  auto total = static_cast<std::int64_t>(m_size);
  double share = static_cast<double>(m_ring_failures) / static_cast<double>(total);
  m_spike = total >= k_spike_min_results && share >= p.spike_share;
  if (quiet || m_spike == m_spike_announced)
    return;
  m_spike_announced = m_spike;
  auto since = m_ring[m_head].at_ms;
  auto percent = std::lround(share * 100);
  if (m_spike)
    out.push_back(event(AlertKind::spike, "", now_ms, m_ring_failures, since,
                        fmt::format("failure spike: {}% of the last {} failed within {} (limit "
                                    "{}%)",
                                    percent, plural(total, "check"), duration(p.spike_window_ms),
                                    std::lround(p.spike_share * 100))));
  else
    out.push_back(event(AlertKind::spike_end, "", now_ms, m_ring_failures, since,
                        fmt::format("failure spike over: {}% of the last {} failed within {}",
                                    percent, plural(total, "check"), duration(p.spike_window_ms))));
}

} // namespace lg::monitor
