// The monitor's alert rules: thresholds without flapping, reminders, the slow and spike rules,
// maintenance windows (absolute and weekly) and resuming after a restart.

#include "monitor/alerting.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace lg {
namespace {

using monitor::Alerter;
using monitor::AlertEvent;
using monitor::AlertKind;
using monitor::AlertPolicy;
using monitor::MaintenanceWindow;

constexpr std::int64_t k_t0 = 1'750'000'000'000; // 2025-06-15 15:06:40 UTC, a Sunday
constexpr std::int64_t k_minute = 60'000;
constexpr std::int64_t k_hour = 60 * k_minute;
constexpr std::int64_t k_sunday = 1'748'736'000'000; // 2025-06-01 00:00 UTC, a Sunday

std::size_t count(const std::vector<AlertEvent>& events, AlertKind kind) {
  return static_cast<std::size_t>(std::count_if(
      events.begin(), events.end(), [&](const AlertEvent& e) { return e.kind == kind; }));
}

/// Feeds `pattern` ('x' a failure, '.' a success) to `check`, one result a minute from `start`;
/// returns every event raised.
std::vector<AlertEvent> feed(Alerter& alerter, const std::string& check, const std::string& pattern,
                             std::int64_t start, double latency_ms = 100) {
  std::vector<AlertEvent> all;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    auto events = alerter.observe(check, pattern[i] == '.', latency_ms,
                                  start + static_cast<std::int64_t>(i) * k_minute);
    all.insert(all.end(), events.begin(), events.end());
  }
  return all;
}

TEST(MonitorAlerting, DownOnceAfterThreeFailuresNotTwo) {
  Alerter alerter(AlertPolicy{});
  EXPECT_TRUE(alerter.observe("home", false, 0, k_t0).empty());
  EXPECT_TRUE(alerter.observe("home", false, 0, k_t0 + k_minute).empty());
  EXPECT_FALSE(alerter.state("home").down);
  auto events = alerter.observe("home", false, 0, k_t0 + 2 * k_minute);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, AlertKind::down);
  EXPECT_EQ(events[0].check, "home");
  EXPECT_EQ(events[0].consecutive, 3);
  EXPECT_EQ(events[0].since_ms, k_t0);
  EXPECT_EQ(events[0].at_ms, k_t0 + 2 * k_minute);
  EXPECT_NE(events[0].text.find("home is down"), std::string::npos) << events[0].text;
  EXPECT_TRUE(alerter.state("home").down);
  // Further failures raise nothing (no reminder configured).
  EXPECT_TRUE(feed(alerter, "home", "xxxxxxxxxx", k_t0 + 3 * k_minute).empty());
  // Another check is independent.
  EXPECT_TRUE(feed(alerter, "api", "xx", k_t0).empty());
}

TEST(MonitorAlerting, AlternatingResultsNeverFlap) {
  Alerter alerter(AlertPolicy{});
  std::string alternating;
  for (int i = 0; i < 100; ++i)
    alternating += i % 2 == 0 ? 'x' : '.';
  EXPECT_TRUE(feed(alerter, "home", alternating, k_t0).empty());
  // Down, then alternating: never up, never down again.
  auto down = feed(alerter, "home", "xxx", k_t0 + 200 * k_minute);
  ASSERT_EQ(count(down, AlertKind::down), 1u);
  EXPECT_TRUE(feed(alerter, "home", ".x.x.x.x.xx.x.x.x", k_t0 + 300 * k_minute).empty());
  EXPECT_TRUE(alerter.state("home").down);
  // Two failures in a row and a success, repeatedly, stay under the threshold of 3.
  Alerter other(AlertPolicy{});
  EXPECT_TRUE(feed(other, "home", "xx.xx.xx.xx.xx.xx.", k_t0).empty());
}

TEST(MonitorAlerting, UpOnceAfterTwoSuccesses) {
  Alerter alerter(AlertPolicy{});
  ASSERT_EQ(count(feed(alerter, "home", "xxxxx", k_t0), AlertKind::down), 1u);
  EXPECT_TRUE(alerter.observe("home", true, 100, k_t0 + 10 * k_minute).empty());
  auto events = alerter.observe("home", true, 100, k_t0 + 11 * k_minute);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, AlertKind::up);
  EXPECT_EQ(events[0].consecutive, 2);
  EXPECT_EQ(events[0].since_ms, k_t0);
  EXPECT_NE(events[0].text.find("up again after 10m 0s down"), std::string::npos) << events[0].text;
  EXPECT_FALSE(alerter.state("home").down);
  EXPECT_TRUE(feed(alerter, "home", "..........", k_t0 + 12 * k_minute).empty());
  // Successes without a down before them raise nothing.
  EXPECT_TRUE(feed(alerter, "api", "....", k_t0).empty());
}

TEST(MonitorAlerting, CustomThresholds) {
  AlertPolicy policy;
  policy.failure_threshold = 1;
  policy.success_threshold = 1;
  Alerter alerter(policy);
  auto events = feed(alerter, "home", "x.x.", k_t0);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].kind, AlertKind::down);
  EXPECT_EQ(events[1].kind, AlertKind::up);
}

TEST(MonitorAlerting, RemindersRepeatWhileDown) {
  AlertPolicy policy;
  policy.reminder_ms = 10 * k_minute;
  Alerter alerter(policy);
  // Down at minute 2; reminders at minutes 12, 22 and 32 within 35 failures.
  auto events = feed(alerter, "home", std::string(35, 'x'), k_t0);
  ASSERT_EQ(count(events, AlertKind::down), 1u);
  ASSERT_EQ(count(events, AlertKind::reminder), 3u);
  std::vector<std::int64_t> at;
  for (const auto& e : events)
    if (e.kind == AlertKind::reminder)
      at.push_back(e.at_ms);
  EXPECT_EQ(at, (std::vector<std::int64_t>{k_t0 + 12 * k_minute, k_t0 + 22 * k_minute,
                                           k_t0 + 32 * k_minute}));
  EXPECT_NE(events.back().text.find("still down after 32m 0s"), std::string::npos)
      << events.back().text;
  // Recovery stops them.
  auto after = feed(alerter, "home", ".." + std::string(30, '.'), k_t0 + 35 * k_minute);
  EXPECT_EQ(count(after, AlertKind::up), 1u);
  EXPECT_EQ(count(after, AlertKind::reminder), 0u);
}

TEST(MonitorAlerting, SlowAfterConsecutiveSlowRunsAndItsRecovery) {
  AlertPolicy policy;
  policy.slow_ms = 800;
  policy.slow_count = 3;
  Alerter alerter(policy);
  EXPECT_TRUE(alerter.observe("home", true, 900, k_t0).empty());
  EXPECT_TRUE(alerter.observe("home", true, 950, k_t0 + k_minute).empty());
  auto slow = alerter.observe("home", true, 1200, k_t0 + 2 * k_minute);
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_EQ(slow[0].kind, AlertKind::slow);
  EXPECT_EQ(slow[0].consecutive, 3);
  EXPECT_EQ(slow[0].since_ms, k_t0);
  EXPECT_NE(slow[0].text.find("over 800 ms (last 1200 ms)"), std::string::npos) << slow[0].text;
  EXPECT_TRUE(alerter.state("home").slow);
  EXPECT_TRUE(alerter.observe("home", true, 900, k_t0 + 3 * k_minute).empty());
  // One fast run is not a recovery (success_threshold 2); two are.
  EXPECT_TRUE(alerter.observe("home", true, 100, k_t0 + 4 * k_minute).empty());
  EXPECT_TRUE(alerter.observe("home", true, 900, k_t0 + 5 * k_minute).empty());
  EXPECT_TRUE(alerter.observe("home", true, 100, k_t0 + 6 * k_minute).empty());
  auto fast = alerter.observe("home", true, 100, k_t0 + 7 * k_minute);
  ASSERT_EQ(fast.size(), 1u);
  EXPECT_EQ(fast[0].kind, AlertKind::slow_end);

  // A fast run breaks the run of slow ones; a failure neither counts nor breaks it; exactly the
  // limit is not over it.
  Alerter other(policy);
  EXPECT_TRUE(other.observe("home", true, 900, k_t0).empty());
  EXPECT_TRUE(other.observe("home", true, 900, k_t0 + k_minute).empty());
  EXPECT_TRUE(other.observe("home", true, 800, k_t0 + 2 * k_minute).empty());
  EXPECT_TRUE(other.observe("home", true, 900, k_t0 + 3 * k_minute).empty());
  EXPECT_TRUE(other.observe("home", true, 900, k_t0 + 4 * k_minute).empty());
  EXPECT_TRUE(other.observe("home", false, 30000, k_t0 + 5 * k_minute).empty());
  auto events = other.observe("home", true, 900, k_t0 + 6 * k_minute);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, AlertKind::slow);

  // The rule is off by default.
  Alerter off(AlertPolicy{});
  EXPECT_TRUE(feed(off, "home", "..........", k_t0, 60000).empty());
}

TEST(MonitorAlerting, SpikeOnceWhenTheShareOfFailuresReachesTheLimit) {
  AlertPolicy policy;
  policy.spike_share = 0.5;
  policy.spike_window_ms = 5 * k_minute;
  policy.failure_threshold = 100; // keep down/up out of the way
  Alerter alerter(policy);
  // Nine failures alone decide nothing (fewer than 10 results).
  for (int i = 0; i < 9; ++i) {
    auto e = alerter.observe("c" + std::to_string(i), false, 0, k_t0);
    EXPECT_TRUE(e.empty());
  }
  auto tenth = alerter.observe("c9", true, 100, k_t0);
  ASSERT_EQ(tenth.size(), 1u);
  EXPECT_EQ(tenth[0].kind, AlertKind::spike);
  EXPECT_EQ(tenth[0].check, "");
  EXPECT_EQ(tenth[0].consecutive, 9);
  EXPECT_NE(tenth[0].text.find("90% of the last 10 checks"), std::string::npos) << tenth[0].text;
  // More failures: no second spike.
  for (int i = 0; i < 20; ++i)
    EXPECT_TRUE(alerter.observe("c" + std::to_string(i % 10), false, 100, k_t0 + k_minute).empty());
  // Successes bring the share under 50%: one spike_end.
  std::size_t ends = 0;
  for (int i = 0; i < 40; ++i) {
    auto e = alerter.observe("c" + std::to_string(i % 10), true, 100, k_t0 + 2 * k_minute);
    ends += count(e, AlertKind::spike_end);
    EXPECT_EQ(count(e, AlertKind::spike), 0u);
  }
  EXPECT_EQ(ends, 1u);

  // Old results leave the window: failures five minutes ago no longer count.
  Alerter windowed(policy);
  for (int i = 0; i < 10; ++i)
    (void)windowed.observe("c", false, 0, k_t0);
  auto later = windowed.observe("c", true, 100, k_t0 + 5 * k_minute);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].kind, AlertKind::spike_end);
}

TEST(MonitorAlerting, TheSpikeWindowIsABoundedRing) {
  AlertPolicy policy;
  policy.spike_share = 0.5;
  policy.spike_window_ms = 24 * k_hour;
  policy.failure_threshold = 1'000'000;
  Alerter alerter(policy);
  const auto cap = static_cast<std::int64_t>(Alerter::k_spike_capacity);
  for (std::int64_t i = 0; i < cap; ++i)
    (void)alerter.observe("c", false, 0, k_t0 + i);
  // With the ring full of failures, the share falls under 50% after cap/2 + 1 successes (the
  // oldest failures leave as successes come), not after cap successes.
  std::int64_t end_at = -1;
  for (std::int64_t i = 0; i < cap && end_at < 0; ++i) {
    auto e = alerter.observe("c", true, 0, k_t0 + cap + i);
    if (count(e, AlertKind::spike_end) == 1)
      end_at = i + 1;
  }
  EXPECT_EQ(end_at, cap / 2 + 1);
}

TEST(MonitorAlerting, AbsoluteMaintenanceSilencesAndTellsWhatHoldsAfterwards) {
  AlertPolicy policy;
  policy.maintenance.push_back(MaintenanceWindow::absolute(k_t0, k_t0 + k_hour));
  Alerter alerter(policy);
  EXPECT_FALSE(alerter.in_maintenance(k_t0 - 1));
  EXPECT_TRUE(alerter.in_maintenance(k_t0));
  EXPECT_FALSE(alerter.in_maintenance(k_t0 + k_hour));

  // Down and back up inside the window: nothing at all.
  EXPECT_TRUE(feed(alerter, "home", "xxxxx..", k_t0).empty());
  EXPECT_FALSE(alerter.state("home").down);

  // Down inside the window and still down after it: alerted at the first result after it.
  EXPECT_TRUE(feed(alerter, "api", "xxxxxxxxxx", k_t0 + 50 * k_minute).empty());
  EXPECT_TRUE(alerter.state("api").down);
  auto after = alerter.observe("api", false, 0, k_t0 + k_hour);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].kind, AlertKind::down);
  EXPECT_EQ(after[0].since_ms, k_t0 + 50 * k_minute);
  EXPECT_EQ(after[0].consecutive, 11);

  // Down before the window, recovered inside it: the up comes after it.
  Alerter before(policy);
  ASSERT_EQ(count(feed(before, "home", "xxx", k_t0 - 10 * k_minute), AlertKind::down), 1u);
  EXPECT_TRUE(feed(before, "home", "....", k_t0 + 10 * k_minute).empty());
  auto up = before.observe("home", true, 100, k_t0 + k_hour + k_minute);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].kind, AlertKind::up);

  // Reminders are silenced too.
  AlertPolicy reminding = policy;
  reminding.reminder_ms = 5 * k_minute;
  Alerter quiet(reminding);
  auto events = feed(quiet, "home", std::string(30, 'x'), k_t0 - 10 * k_minute);
  EXPECT_EQ(count(events, AlertKind::down), 1u);
  EXPECT_EQ(count(events, AlertKind::reminder), 1u); // at minute -3, none from minute 0
}

TEST(MonitorAlerting, WeeklyWindowsInUtc) {
  auto sunday_2_to_4 = MaintenanceWindow::weekly(0, 120, 240);
  EXPECT_FALSE(sunday_2_to_4.contains(k_sunday + 119 * k_minute));
  EXPECT_TRUE(sunday_2_to_4.contains(k_sunday + 120 * k_minute));
  EXPECT_TRUE(sunday_2_to_4.contains(k_sunday + 239 * k_minute));
  EXPECT_FALSE(sunday_2_to_4.contains(k_sunday + 240 * k_minute));
  EXPECT_TRUE(sunday_2_to_4.contains(k_sunday + 7 * 24 * k_hour + 150 * k_minute));
  EXPECT_FALSE(sunday_2_to_4.contains(k_sunday + 24 * k_hour + 150 * k_minute)); // Monday
  EXPECT_FALSE(sunday_2_to_4.contains(k_sunday - 24 * k_hour + 150 * k_minute)); // Saturday

  // Saturday 23:00 to Sunday 01:00.
  auto over_midnight = MaintenanceWindow::weekly(6, 23 * 60, 60);
  EXPECT_TRUE(over_midnight.contains(k_sunday - 30 * k_minute));
  EXPECT_TRUE(over_midnight.contains(k_sunday + 30 * k_minute));
  EXPECT_FALSE(over_midnight.contains(k_sunday + 60 * k_minute));
  EXPECT_FALSE(over_midnight.contains(k_sunday - 61 * k_minute));
  EXPECT_FALSE(over_midnight.contains(k_sunday + 24 * k_hour + 30 * k_minute)); // Monday

  // Before 1970 too.
  auto thursday = MaintenanceWindow::weekly(4, 0, 60);
  EXPECT_TRUE(thursday.contains(30 * k_minute));                 // 1970-01-01, a Thursday
  EXPECT_TRUE(thursday.contains(-7 * 24 * k_hour + 1));          // a week before
  EXPECT_FALSE(thursday.contains(-24 * k_hour + 30 * k_minute)); // Wednesday

  AlertPolicy policy;
  policy.maintenance.push_back(sunday_2_to_4);
  Alerter alerter(policy);
  EXPECT_TRUE(feed(alerter, "home", "xxxxx", k_sunday + 3 * k_hour).empty());
  auto down = alerter.observe("home", false, 0, k_sunday + 4 * k_hour);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].kind, AlertKind::down);
  EXPECT_EQ(down[0].since_ms, k_sunday + 3 * k_hour);
}

TEST(MonitorAlerting, RestoreAfterRestartRaisesNothingUntilTheStateChanges) {
  AlertPolicy policy;
  Alerter alerter(policy);
  alerter.restore("home", true, k_t0 - k_hour);
  EXPECT_TRUE(alerter.state("home").down);
  EXPECT_EQ(alerter.state("home").down_since_ms, k_t0 - k_hour);
  EXPECT_TRUE(feed(alerter, "home", "xxxxx.x", k_t0).empty());
  auto up = feed(alerter, "home", "..", k_t0 + 10 * k_minute);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].kind, AlertKind::up);
  EXPECT_EQ(up[0].since_ms, k_t0 - k_hour);

  // Restored up: a down needs the full threshold again.
  alerter.restore("api", false, 0);
  EXPECT_TRUE(feed(alerter, "api", "..xx", k_t0).empty());
  EXPECT_EQ(count(feed(alerter, "api", "x", k_t0 + 4 * k_minute), AlertKind::down), 1u);

  // Reminders count from the first result after the restore, not from the incident's start.
  AlertPolicy reminding;
  reminding.reminder_ms = 10 * k_minute;
  Alerter resumed(reminding);
  resumed.restore("home", true, k_t0 - 24 * k_hour);
  auto events = feed(resumed, "home", std::string(11, 'x'), k_t0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, AlertKind::reminder);
  EXPECT_EQ(events[0].at_ms, k_t0 + 10 * k_minute);
}

TEST(MonitorAlerting, PolicyValidation) {
  EXPECT_TRUE(monitor::validate(AlertPolicy{}).has_value());
  AlertPolicy bad;
  bad.failure_threshold = 0;
  bad.spike_share = 1.5;
  bad.maintenance.push_back(MaintenanceWindow::absolute(10, 5));
  bad.maintenance.push_back(MaintenanceWindow::weekly(7, 0, 2000));
  auto r = monitor::validate(bad);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::config);
  EXPECT_NE(r.error().message.find("failure_threshold"), std::string::npos);
  EXPECT_NE(r.error().message.find("spike share"), std::string::npos);
  EXPECT_NE(r.error().message.find("window 1 ends before"), std::string::npos);
  EXPECT_NE(r.error().message.find("weekday"), std::string::npos);
  EXPECT_NE(r.error().message.find("1440"), std::string::npos);
  // The alerter clamps what validation refuses: a threshold of 0 behaves as 1.
  Alerter clamped(bad);
  EXPECT_EQ(count(clamped.observe("home", false, 0, k_t0), AlertKind::down), 1u);
}

} // namespace
} // namespace lg
