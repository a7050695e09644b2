#pragma once
// When the monitor alerts, decided from check results alone: no I/O, no clock (the caller gives
// each result's time). A check goes down after `failure_threshold` consecutive failures and comes
// back up after `success_threshold` consecutive successes, so a flapping check alerts once or not
// at all; reminders repeat while it stays down; `slow` and `spike` rules watch latency and the
// share of failures over all checks. Maintenance windows silence events without pausing the state:
// what changed during a window is told when it ends, if it still holds.

#include "util/expected.hpp"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace lg::monitor {

/// A period without alerts: either absolute [`start_ms`, `end_ms`) in epoch ms, or weekly on
/// `weekday` (0 Sunday .. 6 Saturday, UTC) from `start_minute` to `end_minute` of the day
/// (0..1440; an end at or before the start runs past midnight into the next day).
struct MaintenanceWindow {
  enum class Kind { absolute, weekly };
  Kind kind = Kind::absolute;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  int weekday = 0;
  int start_minute = 0;
  int end_minute = 0;

  static MaintenanceWindow absolute(std::int64_t start_ms, std::int64_t end_ms);
  static MaintenanceWindow weekly(int weekday, int start_minute, int end_minute);
  /// Whether `now_ms` falls inside the window.
  bool contains(std::int64_t now_ms) const;
};

struct AlertPolicy {
  int failure_threshold = 3;             ///< consecutive failures that make a check down
  int success_threshold = 2;             ///< consecutive successes that bring a down check up
  std::int64_t reminder_ms = 0;          ///< repeat `reminder` this often while down; 0: never
  double slow_ms = 0;                    ///< a successful run slower than this is slow; 0: rule off
  int slow_count = 3;                    ///< consecutive slow runs that raise `slow`
  double spike_share = 0;                ///< share of failures (0..1] over all checks; 0: rule off
  std::int64_t spike_window_ms = 300000; ///< the spike rule's window
  std::vector<MaintenanceWindow> maintenance;
};

/// The problems of `policy` as a config error (kind config, one line each), or nothing.
Expected<void> validate(const AlertPolicy& policy);

enum class AlertKind {
  down,      ///< a check failed failure_threshold times in a row
  up,        ///< a down check succeeded success_threshold times in a row
  reminder,  ///< a check is still down, reminder_ms after the last down or reminder
  slow,      ///< a check answered slower than slow_ms slow_count times in a row
  slow_end,  ///< a slow check answered within slow_ms success_threshold times in a row
  spike,     ///< the share of failures over all checks reached spike_share
  spike_end, ///< the share fell below spike_share again
};

/// "down", "up", "reminder", "slow", "slow_end", "spike", "spike_end".
const char* to_string(AlertKind kind);

struct AlertEvent {
  AlertKind kind = AlertKind::down;
  std::string check;            ///< empty for spike and spike_end, which concern every check
  std::int64_t at_ms = 0;       ///< the time of the result that raised it
  std::int64_t consecutive = 0; ///< the run of results behind it (failures, successes, slow...)
  std::int64_t since_ms = 0;    ///< down/up/reminder: when the failures began; slow: when the
                                ///< slow runs began; spike: the window's start
  std::string text;             ///< one line for people
};

/// What the alerter knows of one check, for a status page.
struct CheckState {
  bool down = false; ///< the failure threshold was reached and not yet recovered
  bool slow = false;
  std::int64_t down_since_ms = 0; ///< when its failures began, if down
  std::int64_t consecutive_failures = 0;
  std::int64_t consecutive_successes = 0;
};

/// The alert state machine for every check and the spike window. Memory: O(1) per check plus the
/// spike window, a ring of at most k_spike_capacity results (16 bytes each, 1.6 MiB); when more
/// results than that fall within spike_window_ms, the oldest leave early and the rule sees the
/// last k_spike_capacity results only. Results are expected in time order (a little disorder
/// between checks only delays the window's eviction).
class Alerter {
public:
  static constexpr std::size_t k_spike_capacity = 100000;
  /// The spike rule decides nothing on fewer results than this in the window.
  static constexpr std::int64_t k_spike_min_results = 10;

  /// Out-of-range values of `policy` are clamped (thresholds and counts at least 1, shares to
  /// [0, 1], negative durations to 0); `validate` reports them for a config loader.
  explicit Alerter(AlertPolicy policy);

  /// Feeds one result of `check` (`ok`, its `latency_ms`) at `now_ms`; returns the events it
  /// raises, usually none. Order: down/up, reminder, slow/slow_end, spike/spike_end.
  std::vector<AlertEvent> observe(const std::string& check, bool ok, double latency_ms,
                                  std::int64_t now_ms);

  /// Resumes `check` after a restart: `down` since `since_ms` (an open incident in the store) or
  /// up, as already announced, so nothing is raised until the state changes. Reminders count
  /// from the first result observed after the restore.
  void restore(const std::string& check, bool down, std::int64_t since_ms);

  /// Whether `now_ms` falls in a maintenance window of the policy.
  bool in_maintenance(std::int64_t now_ms) const;
  /// The state of `check` (all zero when never observed).
  CheckState state(const std::string& check) const;
  const AlertPolicy& policy() const { return m_policy; }

private:
  struct Track {
    std::int64_t failures = 0;      // consecutive
    std::int64_t successes = 0;     // consecutive
    std::int64_t fail_since_ms = 0; // first failure of the current run of failures
    std::int64_t ok_since_ms = 0;   // first success of the current run of successes
    bool down = false;
    bool down_announced = false; // what the outside world was last told
    std::int64_t down_since_ms = 0;
    std::int64_t last_notice_ms = -1; // the last down or reminder; -1: the next result
    std::int64_t slow_run = 0;
    std::int64_t fast_run = 0;
    std::int64_t slow_since_ms = 0;
    double last_latency_ms = 0;
    bool slow = false;
    bool slow_announced = false;
  };
  struct Sample {
    std::int64_t at_ms = 0;
    bool ok = true;
  };

  void observe_spike(bool ok, std::int64_t now_ms, bool quiet, std::vector<AlertEvent>& out);

  AlertPolicy m_policy;
  std::unordered_map<std::string, Track> m_tracks;
  // The spike window: a ring over m_ring (grown on demand up to k_spike_capacity).
  std::vector<Sample> m_ring;
  std::size_t m_head = 0;
  std::size_t m_size = 0;
  std::int64_t m_ring_failures = 0;
  bool m_spike = false;
  bool m_spike_announced = false;
};

} // namespace lg::monitor
