#pragma once
// The monitor's status page as pure functions over a snapshot: `take_snapshot` reads from the
// store everything the page shows at one instant, then the snapshot is rendered three ways — an
// HTML page for people (self-contained: inline CSS and SVG, no script, no external resource), a
// JSON document (`launchgate.status/1`) and the Prometheus text exposition format 0.0.4. No
// sockets, no threads, no clock: the caller serves the results and gives the times.

#include "monitor/store.hpp"
#include "util/expected.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lg::monitor {

/// What the status page shows of one check, read from the store.
struct CheckInfo {
  std::string name;
  std::string kind;   ///< "http", "dns", "tls"
  std::string target; ///< URL or name:port, already redacted by the caller
  std::int64_t interval_ms = 60000;
  bool authenticated = false; ///< it signs in as an account (`as`) before its request
};

/// One check at the snapshot's instant.
struct CheckStatus {
  CheckInfo info;
  std::string state; ///< "up", "down" (an open incident), "pending" (never ran)
  std::optional<CheckRun> last;
  UptimeSummary uptime;               ///< 24 h, 7 d, 30 d
  std::vector<Uptime> bars;           ///< k_bars slices of the last 24 h, oldest first (each
                                      ///< slice's Uptime; total 0 = no data)
  std::vector<LatencyBucket> latency; ///< the last 24 h in k_latency_buckets buckets
};

/// Everything the page shows, taken at one instant.
struct StatusSnapshot {
  std::string title;           ///< e.g. "portal.example.com"
  std::int64_t now_ms = 0;     ///< when it was taken
  std::int64_t started_ms = 0; ///< when the monitor started
  bool maintenance = false;    ///< a maintenance window is on
  /// Where alerts go ("webhook", "slack", "email"), set by the caller; empty: nobody is told.
  std::vector<std::string> alert_channels;
  std::vector<CheckStatus> checks; ///< in config order
  /// Open incidents of the configured checks, oldest first.
  std::vector<Incident> open_incidents;
  /// Incidents of the configured checks open at some time in the last 7 d (opened or closed in
  /// it, or still ongoing), newest first, at most k_recent_incidents.
  std::vector<Incident> recent_incidents;
};

inline constexpr int k_bars = 48;
inline constexpr int k_latency_buckets = 96;
inline constexpr std::size_t k_recent_incidents = 50;

/// Reads everything the page shows from `store` for `checks` at `now_ms`: per check its last run,
/// uptime summary, k_bars uptime slices and k_latency_buckets latency buckets of the 24 h before
/// `now_ms`, and its state ("down" with an open incident, else "pending" without a run, else
/// "up"); the open and recent incidents of those checks (incidents of checks no longer
/// configured are left out). `title`, `started_ms` and `maintenance` are copied. Errors: the
/// store's.
Expected<StatusSnapshot> take_snapshot(MonitorStore& store, const std::vector<CheckInfo>& checks,
                                       const std::string& title, std::int64_t now_ms,
                                       std::int64_t started_ms, bool maintenance);

/// The overall state of `s`: "down" when a check is down, else "up" when a check has run, else
/// "pending" (no check, or none has run yet).
std::string overall_state(const StatusSnapshot& s);

/// One self-contained HTML page (inline CSS and SVG, no script, no external resource, a
/// Content-Security-Policy meta that forbids any): the overall banner (all up / N down /
/// maintenance); per check its name, kind, target, state, last result, uptime over 24 h, 7 d and
/// 30 d ("—" without runs), the uptime bars and the latency chart of the last 24 h; then the open
/// and recent incidents. Every string from outside is HTML-escaped (invalid UTF-8 shown as
/// U+FFFD). Refreshes itself every 30 s; readable on a phone.
std::string render_status_html(const StatusSnapshot& s);

/// The same content for machines:
/// {"schema":"launchgate.status/1","title","generated_at" (RFC 3339 UTC),"started_at",
/// "maintenance","state":"up|down|pending","alert_channels":["webhook"…],"checks":[{"name","kind",
/// "target","state","authenticated","interval_s","last":{"at","ok","status","latency_ms","message"}|null,"uptime":{"24h":{"ratio",
/// "runs","ok"},"7d":…,"30d":…}}],"incidents":{"open":[{"id","check","opened_at","closed_at":null,
/// "cause","duration_s"}],"recent":[…]}}. "ratio" is null when "runs" is 0; an ongoing incident's
/// duration runs to `now_ms`. Strings are valid UTF-8 (invalid bytes become U+FFFD), so dump()
/// cannot throw.
nlohmann::json status_json(const StatusSnapshot& s);

/// Prometheus text exposition format 0.0.4, every family with HELP and TYPE lines (gauges):
/// launchgate_monitor_check_up{check} (1 up, 0 down, absent while pending),
/// launchgate_monitor_check_latency_ms{check}, launchgate_monitor_check_status_code{check} (0 when
/// no response came) and launchgate_monitor_check_last_run_timestamp_seconds{check} of the last
/// run, launchgate_monitor_check_uptime_ratio{check,window="24h|7d|30d"} (only windows with runs),
/// launchgate_monitor_incidents_open, launchgate_monitor_maintenance (0 or 1),
/// launchgate_monitor_start_time_seconds. Label values escaped per the format (\\, \", \n).
std::string render_metrics(const StatusSnapshot& s);

} // namespace lg::monitor
