#pragma once
// The monitor's engine. The plan is every check of `monitor:` with its parsed condition, the alert
// policy and the retention. A probe runs one check: an HTTP request (after the account's login
// when the check has `as`, logging in again when the session has ended), a DNS question or a TLS
// handshake, judged by the check's condition. The Monitor runs each check at its interval on a
// few worker threads, records every run, keeps incidents and hands alert events on.

#include "analyze/condition.hpp"
#include "core/config.hpp"
#include "monitor/alerting.hpp"
#include "monitor/store.hpp"
#include "net/http.hpp"
#include "net/resolver.hpp"
#include "net/tls.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lg::monitor {

/// One check ready to run.
struct PlannedCheck {
  MonitorCheckConfig config;
  analyze::Condition condition;
  std::int64_t interval_ms = 60000;
  std::int64_t timeout_ms = 10000;
  std::string kind;   ///< "http", "dns" or "tls"
  std::string target; ///< what people see: the URL (redacted), "name TYPE" or "host:port"
};

struct MonitorPlan {
  std::vector<PlannedCheck> checks;
  AlertPolicy policy;
  Retention retention;
  std::string title;                 ///< monitor.title, or base_url's host
  std::vector<std::string> warnings; ///< intervals under 20 s, timeouts longer than the interval
};

/// Intervals shorter than this are for tests: the plan warns about them.
inline constexpr std::int64_t k_min_production_interval_ms = 20000;

/// The plan of `config.monitor`. Errors (kind config): no `monitor.checks`, or an `expect` that
/// does not parse, as "FILE:LINE:COL: monitor.checks 'home': expect: column 18: …".
Expected<MonitorPlan> make_plan(const Config& config);

/// Wall time for the monitor, in epoch milliseconds, and sleeps that wake() cuts short.
class MonitorClock {
public:
  virtual ~MonitorClock() = default;
  virtual std::int64_t now_ms() = 0;
  /// Sleeps until `at_ms`; returns at once after wake().
  virtual void sleep_until(std::int64_t at_ms) = 0;
  /// Ends every sleep, now and later.
  virtual void wake() = 0;
};

/// The system's clock.
class SystemMonitorClock final : public MonitorClock {
public:
  std::int64_t now_ms() override;
  void sleep_until(std::int64_t at_ms) override;
  void wake() override;

private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_woken = false;
};

/// What probes use from outside.
struct ProbeServices {
  /// A new HTTP client with a timeout, for one check alone (its keep-alive connection and its
  /// thread are its own).
  std::function<std::unique_ptr<net::HttpClient>(std::int64_t timeout_ms)> make_http;
  net::Resolver* resolver = nullptr; ///< dns checks and the addresses of TLS handshakes
  net::TlsProber* tls = nullptr;     ///< tls checks, and cert_expiry of https URL checks
  std::string ca_file;               ///< extra trust anchors for handshakes; empty: none
};

/// Runs one check. Owns the check's HTTP client, its scope guard and its session.
class Probe {
public:
  /// `config` and `services` outlive the probe; `dns_lock` serializes the shared resolver.
  Probe(const Config& config, PlannedCheck check, ProbeServices& services, std::mutex& dns_lock);
  ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  /// Runs the check once; the run is stamped `at_ms`.
  CheckRun run(std::int64_t at_ms);
  const PlannedCheck& check() const { return m_check; }

private:
  struct Http;
  analyze::MonitorObservation observe_http(std::string& error);
  analyze::MonitorObservation observe_dns(std::string& error);
  analyze::MonitorObservation observe_tls(const std::string& host, int port, std::string& error);

  const Config& m_config;
  PlannedCheck m_check;
  ProbeServices& m_services;
  std::mutex& m_dns_lock;
  std::unique_ptr<Http> m_http;
};

/// Told of each alert event, with the run that raised it (null for spikes).
using AlertSink = std::function<void(const AlertEvent&, const CheckRun* run)>;

class Monitor {
public:
  /// `config`, `store` and `clock` outlive the monitor. `workers` 0: one per check, at most 16.
  Monitor(const Config& config, MonitorPlan plan, ProbeServices services, MonitorStore& store,
          MonitorClock& clock, AlertSink alerts, int workers = 0);
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  /// Resumes the store's open incidents: a check down before a restart stays down without a
  /// second alert. Call before running.
  Expected<void> restore();

  /// Runs every check once (in parallel), records and judges the runs; returns them in plan
  /// order. Errors: the store refused to record.
  Expected<std::vector<CheckRun>> run_once();

  /// Runs each check every interval until stop(): the first runs at once, a little apart.
  /// Store failures are logged and counted, not fatal (the checks go on).
  void run();

  /// Makes run() return after the runs in flight; safe from any thread.
  void stop();

  /// Receives one line per notable thing (a store failure, a prune).
  void set_logger(std::function<void(const std::string&)> log) { m_log = std::move(log); }

  const MonitorPlan& plan() const { return m_plan; }
  std::int64_t runs() const { return m_runs.load(); }
  std::int64_t store_failures() const { return m_store_failures.load(); }
  /// Whether `now_ms` is in a maintenance window.
  bool in_maintenance(std::int64_t now_ms) const { return m_alerter.in_maintenance(now_ms); }

private:
  void record(const CheckRun& run);
  void worker(size_t index, size_t count);

  const Config& m_config;
  MonitorPlan m_plan;
  ProbeServices m_services;
  MonitorStore& m_store;
  MonitorClock& m_clock;
  AlertSink m_alerts;
  int m_workers;
  std::mutex m_dns_lock;
  std::vector<std::unique_ptr<Probe>> m_probes;
  std::mutex m_record_lock; // the store, the alerter and the sink
  Alerter m_alerter;
  std::int64_t m_next_prune_ms = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<std::int64_t> m_runs{0};
  std::atomic<std::int64_t> m_store_failures{0};
  std::function<void(const std::string&)> m_log;
};

} // namespace lg::monitor
