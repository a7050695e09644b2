#pragma once
// The monitor's history in SQLite: every check run, the incidents (a check down from one time to
// another) and what the status page and alerts read back from them (the last run, uptime over a
// window, a latency series for a chart). One connection, WAL journal for files, prepared
// statements cached for the life of the store. Times are epoch milliseconds given by the caller:
// the store reads no clock. Not thread-safe: one store per thread.

#include "util/expected.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lg::monitor {

/// One run of one check.
struct CheckRun {
  std::string check;      ///< the check's name from `monitor.checks`
  std::int64_t at_ms = 0; ///< when it ran, epoch ms
  bool ok = false;        ///< whether its expectation held
  int status = 0;         ///< HTTP status, 0 when no response came
  double latency_ms = 0;  ///< time to the full response (or to the failure)
  std::string message;    ///< why it failed, or empty
};

/// The share of successful runs over a window.
struct Uptime {
  std::int64_t total = 0; ///< runs in the window
  std::int64_t ok = 0;    ///< successful runs among them
  /// ok / total, or 0 when the window holds no run (look at `total` first).
  double share() const {
    return total == 0 ? 0.0 : static_cast<double>(ok) / static_cast<double>(total);
  }
};

/// Uptime over the three windows the status page shows, each ending at the same instant.
struct UptimeSummary {
  Uptime day;   ///< the last 24 h
  Uptime week;  ///< the last 7 d
  Uptime month; ///< the last 30 d
};

/// A period in which a check was down.
struct Incident {
  std::int64_t id = 0;
  std::string check;
  std::int64_t opened_ms = 0;
  std::optional<std::int64_t> closed_ms; ///< empty while the incident is open
  std::string cause;                     ///< what the first failure said
  bool open() const { return !closed_ms.has_value(); }
};

/// Latency of the runs in one slice of a window: min, mean and max. `count` 0 means no run fell
/// in the slice (and the other values are 0).
struct LatencyBucket {
  std::int64_t from_ms = 0; ///< inclusive
  std::int64_t to_ms = 0;   ///< exclusive
  std::int64_t count = 0;
  double min_ms = 0;
  double avg_ms = 0;
  double max_ms = 0;
};

/// What a prune removed.
struct PruneCounts {
  std::int64_t results = 0;
  std::int64_t incidents = 0;
};

/// How long history is kept. Results must outlive the longest uptime window (30 d) for the status
/// page to show it whole; incidents are small and kept longer.
struct Retention {
  std::int64_t results_ms = 35LL * 24 * 3600 * 1000;    ///< 35 days
  std::int64_t incidents_ms = 365LL * 24 * 3600 * 1000; ///< a year
};

class MonitorStore {
public:
  /// The schema this build writes and reads; a file with another version is refused.
  static constexpr int k_schema_version = 1;
  /// The largest number of buckets `latency_series` returns.
  static constexpr int k_max_buckets = 2000;
  /// The largest number of incidents `incidents` returns.
  static constexpr int k_max_incidents = 10000;

  /// Opens or creates the store at `path` (":memory:" for a store that lives with the object).
  /// A new or empty file gets the schema; an existing one must carry this schema version.
  /// Errors: `io` when the file cannot be opened or written; `parse` when it is not a SQLite
  /// database, is corrupt, belongs to something else or has another schema version.
  static Expected<MonitorStore> open(const std::string& path);

  MonitorStore(MonitorStore&&) noexcept;
  MonitorStore& operator=(MonitorStore&&) noexcept;
  MonitorStore(const MonitorStore&) = delete;
  MonitorStore& operator=(const MonitorStore&) = delete;
  ~MonitorStore();

  /// Appends `run` (its own transaction).
  Expected<void> record(const CheckRun& run);
  /// Appends every run of `runs` in one transaction: all or none.
  Expected<void> record_all(const std::vector<CheckRun>& runs);
  /// The latest run of `check` (by `at_ms`), or empty when it never ran.
  Expected<std::optional<CheckRun>> last(const std::string& check);
  /// Runs of `check` with `from_ms` <= at_ms < `to_ms`: how many and how many succeeded. An
  /// index range scan.
  Expected<Uptime> uptime(const std::string& check, std::int64_t from_ms, std::int64_t to_ms);
  /// Uptime over the 24 h, 7 d and 30 d before `now_ms`.
  Expected<UptimeSummary> uptime_summary(const std::string& check, std::int64_t now_ms);

  /// Opens an incident for `check` at `at_ms` with `cause`; returns its id. A check has at most
  /// one open incident: when one is already open, its id is returned and nothing changes.
  Expected<std::int64_t> open_incident(const std::string& check, std::int64_t at_ms,
                                       const std::string& cause);
  /// Closes the open incident of `check` at `at_ms`; false when none was open.
  Expected<bool> close_incident(const std::string& check, std::int64_t at_ms);
  /// Every open incident, oldest first.
  Expected<std::vector<Incident>> open_incidents();
  /// Incidents open at some time at or after `since_ms` (still open, or closed at or after it),
  /// newest first, at most `limit` (capped at k_max_incidents).
  Expected<std::vector<Incident>> incidents(std::int64_t since_ms, int limit);

  /// Deletes results older than `older_than_ms` and incidents closed before it; open incidents
  /// stay whatever their age.
  Expected<PruneCounts> prune(std::int64_t older_than_ms);
  /// Applies `retention` at `now_ms`: results and closed incidents each by their own age.
  Expected<PruneCounts> prune(const Retention& retention, std::int64_t now_ms);

  /// The latency of `check`'s runs (successful or not) in [`from_ms`, `to_ms`) split into
  /// `buckets` equal slices (1..k_max_buckets; the last slice absorbs the remainder), every
  /// slice present, empty ones with count 0. Empty when the window is empty.
  Expected<std::vector<LatencyBucket>>
  latency_series(const std::string& check, std::int64_t from_ms, std::int64_t to_ms, int buckets);

  /// The names of every check that has a result, sorted.
  Expected<std::vector<std::string>> checks();

private:
  struct Impl;
  explicit MonitorStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

} // namespace lg::monitor
