// The monitor's plan, probes and run loop (see runner.hpp).

#include "monitor/runner.hpp"

#include "core/guard.hpp"
#include "engine/context.hpp"
#include "engine/session.hpp"
#include "net/clock.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace lg::monitor {
namespace {

constexpr std::int64_t k_hour_ms = 3600LL * 1000;
constexpr size_t k_max_message = 300;
constexpr int k_max_workers = 16;

const char* kind_name(MonitorCheckType type) {
  switch (type) {
  case MonitorCheckType::dns:
    return "dns";
  case MonitorCheckType::tls:
    return "tls";
  case MonitorCheckType::http:
    break;
  }
  return "http";
}

analyze::MonitorCheckKind condition_kind(MonitorCheckType type) {
  switch (type) {
  case MonitorCheckType::dns:
    return analyze::MonitorCheckKind::dns;
  case MonitorCheckType::tls:
    return analyze::MonitorCheckKind::tls;
  case MonitorCheckType::http:
    break;
  }
  return analyze::MonitorCheckKind::http;
}

bool uses_operand(const analyze::Condition& c, analyze::ConditionOperand operand) {
  return std::any_of(
      c.clauses.begin(), c.clauses.end(),
      [&](const analyze::ConditionClause& clause) { return clause.operand == operand; });
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string clip(std::string text) {
  if (text.size() > k_max_message) {
    text.resize(k_max_message - 3);
    text += "...";
  }
  return text;
}

/// True when `response` ended on a sign-in page the check did not ask for: the session ended
/// and the portal sent the browser to log in again.
bool landed_on_login(const net::HttpResponse& response, const std::string& asked) {
  auto path = [](const std::string& url) {
    auto parsed = parse_url(url);
    return parsed ? to_lower(parsed->path) : std::string();
  };
  std::string landed = path(response.url);
  if (landed.empty() || landed == path(asked))
    return false;
  return landed.find("login") != std::string::npos || landed.find("signin") != std::string::npos ||
         landed.find("sign-in") != std::string::npos;
}

} // namespace

// ---- the plan ----------------------------------------------------------------------------------

Expected<MonitorPlan> make_plan(const Config& config) {
  const auto& mc = config.monitor;
  if (!mc.present || mc.checks.empty())
    return unexpected(ErrorKind::config,
                      fmt::format("{}: monitor.checks lists no check: add at least one, e.g. "
                                  "{{name: home, url: /, expect: \"status == 200\"}}",
                                  config.file));
  MonitorPlan plan;
  std::vector<std::string> problems;
  for (const auto& cc : mc.checks) {
    PlannedCheck check;
    check.config = cc;
    check.kind = kind_name(cc.type);
    check.interval_ms = cc.interval_ms > 0 ? cc.interval_ms : mc.interval_ms;
    check.timeout_ms = cc.timeout_ms > 0 ? cc.timeout_ms : mc.timeout_ms;
    switch (cc.type) {
    case MonitorCheckType::http:
      check.target = redact_url(cc.url);
      break;
    case MonitorCheckType::dns:
      check.target = fmt::format("{} {}", cc.dns_name, cc.dns_type);
      break;
    case MonitorCheckType::tls:
      check.target = fmt::format("{}:{}", cc.tls_host, cc.tls_port);
      break;
    }
    if (cc.expect.empty()) {
      check.condition = analyze::default_condition(condition_kind(cc.type));
    } else {
      auto parsed = analyze::parse_condition(cc.expect);
      if (!parsed) {
        problems.push_back(fmt::format("{}:{}:{}: monitor.checks '{}': {}", config.file,
                                       cc.expect_line, cc.expect_column, cc.name,
                                       parsed.error().message));
        continue;
      }
      check.condition = std::move(*parsed);
    }
    if (check.interval_ms < k_min_production_interval_ms)
      plan.warnings.push_back(fmt::format("check '{}' runs every {} s: intervals under {} s are "
                                          "for tests (the checklist asks for 1 to 5 minutes)",
                                          cc.name, static_cast<double>(check.interval_ms) / 1000.0,
                                          k_min_production_interval_ms / 1000));
    if (check.timeout_ms > check.interval_ms)
      plan.warnings.push_back(fmt::format("check '{}' may wait {} ms, longer than its interval "
                                          "({} ms): a slow answer delays its next run",
                                          cc.name, check.timeout_ms, check.interval_ms));
    plan.checks.push_back(std::move(check));
  }
  if (!problems.empty())
    return unexpected(ErrorKind::config, join(problems, "\n"));

  const auto& al = mc.alerts;
  plan.policy.failure_threshold = al.failure_threshold;
  plan.policy.success_threshold = al.success_threshold;
  plan.policy.reminder_ms = al.reminder_ms;
  plan.policy.slow_ms = al.slow_ms;
  plan.policy.slow_count = al.slow_count;
  plan.policy.spike_share = al.spike_share;
  plan.policy.spike_window_ms = al.spike_window_ms;
  for (const auto& w : mc.maintenance)
    plan.policy.maintenance.push_back(
        w.weekly ? MaintenanceWindow::weekly(w.weekday, w.start_minute, w.end_minute)
                 : MaintenanceWindow::absolute(w.start_ms, w.end_ms));
  if (auto valid = validate(plan.policy); !valid)
    return unexpected(ErrorKind::config,
                      fmt::format("{}: monitor.alerts: {}", config.file, valid.error().message));
  plan.retention.results_ms = mc.keep_results_ms;
  plan.retention.incidents_ms = mc.keep_incidents_ms;
  plan.title = mc.title;
  if (plan.title.empty()) {
    auto base = parse_url(config.target.base_url);
    plan.title = base ? base->host : "portal";
  }
  if (!al.any_channel())
    plan.warnings.push_back("monitor.alerts has no channel (webhook, slack or email): failures "
                            "are recorded and shown, but nobody is told");
  return plan;
}

// ---- the clock ---------------------------------------------------------------------------------

std::int64_t SystemMonitorClock::now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemMonitorClock::sleep_until(std::int64_t at_ms) {
  std::unique_lock lock(m_mutex);
  auto deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(at_ms));
  m_cv.wait_until(lock, deadline, [&] { return m_woken; });
}

void SystemMonitorClock::wake() {
  {
    std::lock_guard lock(m_mutex);
    m_woken = true;
  }
  m_cv.notify_all();
}

// ---- probes ------------------------------------------------------------------------------------

struct Probe::Http {
  std::unique_ptr<net::HttpClient> inner;
  net::SystemClock clock;
  std::unique_ptr<GuardedHttpClient> guard;
  std::unique_ptr<engine::Session> session;
};

Probe::Probe(const Config& config, PlannedCheck check, ProbeServices& services,
             std::mutex& dns_lock)
    : m_config(config), m_check(std::move(check)), m_services(services), m_dns_lock(dns_lock) {
  if (m_check.config.type != MonitorCheckType::http || !m_services.make_http)
    return;
  m_http = std::make_unique<Http>();
  m_http->inner = m_services.make_http(m_check.timeout_ms);
  // No spacing and no budget to speak of: the interval spaces the requests, and the budget is
  // reset before every run (a run is a request, a login and a few redirects).
  m_http->guard = std::make_unique<GuardedHttpClient>(
      *m_http->inner, m_http->clock, GuardLimits{engine::run_scope(config), 0, 1000, 5});
  if (!m_check.config.as.empty())
    for (const auto& account : config.accounts)
      if (account.name == m_check.config.as)
        m_http->session = std::make_unique<engine::Session>(*m_http->guard, config, account);
}

Probe::~Probe() = default;

analyze::MonitorObservation Probe::observe_http(std::string& error) {
  analyze::MonitorObservation o;
  if (!m_http) {
    error = "no HTTP client";
    return o;
  }
  m_http->guard->reset_budget();
  net::HttpRequest request{m_check.config.method, m_check.config.url};
  request.headers.push_back({"Accept", "application/json, text/html;q=0.9, */*;q=0.5"});
  for (const auto& [name, value] : m_check.config.headers)
    request.headers.push_back({name, value});
  auto& session = m_http->session;
  if (session && !session->logged_in()) {
    if (auto login = session->login(); !login) {
      error = fmt::format("login as {} failed: {}", session->account().name, login.error().message);
      return o;
    }
  }
  auto started = std::chrono::steady_clock::now();
  auto response = session ? session->send(request) : m_http->guard->send_following(request);
  if (session && response && landed_on_login(*response, request.url)) {
    // The session ended and the portal asks to sign in again: do so once and ask again.
    session->forget();
    if (auto login = session->login(); !login) {
      error = fmt::format("the session ended and login as {} failed: {}", session->account().name,
                          login.error().message);
      return o;
    }
    started = std::chrono::steady_clock::now();
    response = session->send(request);
  }
  o.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!response) {
    error = response.error().message;
    return o;
  }
  o.connected = true;
  o.status = response->status;
  o.body = std::move(response->body);
  for (auto& h : response->headers)
    o.headers.emplace_back(std::move(h.name), std::move(h.value));
  if (uses_operand(m_check.condition, analyze::ConditionOperand::cert_expiry)) {
    auto url = parse_url(m_check.config.url);
    if (url && url->scheme == "https") {
      std::string tls_error;
      auto tls = observe_tls(url->host, url->port, tls_error);
      o.cert_days_left = tls.cert_days_left;
    }
  }
  return o;
}

analyze::MonitorObservation Probe::observe_dns(std::string& error) {
  analyze::MonitorObservation o;
  if (!m_services.resolver) {
    error = "no DNS resolver";
    return o;
  }
  net::RrType type{};
  net::parse_rr_type(m_check.config.dns_type, type);
  auto started = std::chrono::steady_clock::now();
  Expected<net::DnsAnswer> answer = [&] {
    std::lock_guard lock(m_dns_lock);
    return m_services.resolver->query(m_check.config.dns_name, type);
  }();
  o.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!answer) {
    error = answer.error().message;
    return o;
  }
  o.connected = answer->status != net::DnsStatus::timeout;
  switch (answer->status) {
  case net::DnsStatus::ok:
    o.dns_rcode = "NOERROR";
    break;
  case net::DnsStatus::nxdomain:
    o.dns_rcode = "NXDOMAIN";
    break;
  case net::DnsStatus::servfail:
    o.dns_rcode = "SERVFAIL";
    break;
  case net::DnsStatus::timeout:
    error = fmt::format("no answer for {} in time", m_check.config.dns_name);
    break;
  }
  for (const auto& record : answer->records)
    if (record.type == type)
      o.dns_answers.push_back(record.data);
  return o;
}

analyze::MonitorObservation Probe::observe_tls(const std::string& host, int port,
                                               std::string& error) {
  analyze::MonitorObservation o;
  if (!m_services.tls) {
    error = "no TLS prober";
    return o;
  }
  auto started = std::chrono::steady_clock::now();
  std::string address = host;
  if (!is_ip_literal(host)) {
    address.clear();
    if (!m_services.resolver) {
      error = "no DNS resolver for the TLS handshake";
      return o;
    }
    std::lock_guard lock(m_dns_lock);
    for (auto type : {net::RrType::a, net::RrType::aaaa}) {
      auto answer = m_services.resolver->query(host, type);
      if (answer)
        for (const auto& record : answer->records)
          if (record.type == type && address.empty())
            address = record.data;
      if (!address.empty())
        break;
    }
    if (address.empty()) {
      error = fmt::format("{} has no address", host);
      return o;
    }
  }
  net::TlsTarget target{host, address, port, static_cast<int>(m_check.timeout_ms)};
  net::TlsOffer offer;
  offer.ca_file = m_services.ca_file;
  auto handshake = m_services.tls->handshake(target, offer);
  o.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!handshake) {
    error = handshake.error().message;
    return o;
  }
  if (handshake->outcome != net::TlsOutcome::connected) {
    error =
        handshake->outcome == net::TlsOutcome::timeout
            ? fmt::format("no TLS answer from {}:{} in time", host, port)
            : fmt::format("TLS handshake with {}:{} refused: {}", host, port, handshake->detail);
    return o;
  }
  o.connected = true;
  if (!handshake->chain.empty()) {
    auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    o.cert_days_left = static_cast<double>(handshake->chain.front().not_after - now_s) / 86400.0;
  }
  if (!handshake->verified)
    error = fmt::format("the certificate of {}:{} is not trusted: {}", host, port,
                        handshake->verify_error);
  else if (!handshake->name_covered)
    error = fmt::format("the certificate of {}:{} does not cover {}", host, port, host);
  return o;
}

CheckRun Probe::run(std::int64_t at_ms) {
  CheckRun run;
  run.check = m_check.config.name;
  run.at_ms = at_ms;
  std::string error;
  analyze::MonitorObservation o;
  switch (m_check.config.type) {
  case MonitorCheckType::http:
    o = observe_http(error);
    break;
  case MonitorCheckType::dns:
    o = observe_dns(error);
    break;
  case MonitorCheckType::tls:
    o = observe_tls(m_check.config.tls_host, m_check.config.tls_port, error);
    break;
  }
  run.status = o.status;
  run.latency_ms = o.latency_ms;
  auto verdict = analyze::evaluate(m_check.condition, o);
  run.ok = verdict.ok && error.empty();
  if (!error.empty())
    run.message = clip(error);
  else if (!verdict.ok)
    run.message = clip(join(verdict.failed, "; "));
  return run;
}

// ---- the loop ----------------------------------------------------------------------------------

Monitor::Monitor(const Config& config, MonitorPlan plan, ProbeServices services,
                 MonitorStore& store, MonitorClock& clock, AlertSink alerts, int workers)
    : m_config(config), m_plan(std::move(plan)), m_services(std::move(services)), m_store(store),
      m_clock(clock), m_alerts(std::move(alerts)), m_alerter(m_plan.policy) {
  const int checks = static_cast<int>(m_plan.checks.size());
  m_workers =
      std::clamp(workers > 0 ? workers : checks, 1, std::max(1, std::min(checks, k_max_workers)));
  for (const auto& check : m_plan.checks)
    m_probes.push_back(std::make_unique<Probe>(m_config, check, m_services, m_dns_lock));
}

Monitor::~Monitor() = default;

Expected<void> Monitor::restore() {
  auto open = m_store.open_incidents();
  if (!open)
    return unexpected(open.error());
  for (const auto& incident : *open)
    m_alerter.restore(incident.check, true, incident.opened_ms);
  return {};
}

void Monitor::record(const CheckRun& run) {
  std::lock_guard lock(m_record_lock);
  ++m_runs;
  if (auto saved = m_store.record(run); !saved) {
    ++m_store_failures;
    if (m_log)
      m_log(fmt::format("monitor: could not record a run of '{}': {}", run.check,
                        saved.error().message));
  }
  for (const auto& event : m_alerter.observe(run.check, run.ok, run.latency_ms, run.at_ms)) {
    Expected<void> kept;
    if (event.kind == AlertKind::down) {
      auto opened = m_store.open_incident(event.check, event.since_ms, run.message);
      if (!opened)
        kept = unexpected(opened.error());
    } else if (event.kind == AlertKind::up) {
      auto closed = m_store.close_incident(event.check, event.at_ms);
      if (!closed)
        kept = unexpected(closed.error());
    }
    if (!kept) {
      ++m_store_failures;
      if (m_log)
        m_log(fmt::format("monitor: could not keep the incident of '{}': {}", event.check,
                          kept.error().message));
    }
    if (m_alerts)
      m_alerts(event, event.check.empty() ? nullptr : &run);
  }
  if (run.at_ms >= m_next_prune_ms) {
    m_next_prune_ms = run.at_ms + k_hour_ms;
    auto pruned = m_store.prune(m_plan.retention, run.at_ms);
    if (!pruned && m_log)
      m_log(fmt::format("monitor: could not prune the history: {}", pruned.error().message));
  }
}

Expected<std::vector<CheckRun>> Monitor::run_once() {
  std::vector<CheckRun> runs(m_probes.size());
  std::vector<std::thread> threads;
  const size_t count = static_cast<size_t>(m_workers);
  for (size_t w = 0; w < count; ++w)
    threads.emplace_back([&, w] {
      for (size_t i = w; i < m_probes.size(); i += count)
        runs[i] = m_probes[i]->run(m_clock.now_ms());
    });
  for (auto& t : threads)
    t.join();
  std::vector<CheckRun> ordered = runs;
  std::sort(ordered.begin(), ordered.end(),
            [](const CheckRun& a, const CheckRun& b) { return a.at_ms < b.at_ms; });
  const auto failures_before = m_store_failures.load();
  for (const auto& run : ordered)
    record(run);
  if (m_store_failures.load() != failures_before)
    return unexpected(ErrorKind::io, "the monitor's store refused to record the runs");
  return runs;
}

void Monitor::worker(size_t index, size_t count) {
  std::vector<size_t> mine;
  for (size_t i = index; i < m_probes.size(); i += count)
    mine.push_back(i);
  const std::int64_t start = m_clock.now_ms();
  std::vector<std::int64_t> due(mine.size());
  // First runs at once, a little apart, so that checks of one host do not arrive together.
  for (size_t k = 0; k < mine.size(); ++k)
    due[k] = start + static_cast<std::int64_t>(k * 50);
  while (!m_stop.load()) {
    size_t next = static_cast<size_t>(std::min_element(due.begin(), due.end()) - due.begin());
    m_clock.sleep_until(due[next]);
    if (m_stop.load())
      break;
    auto& probe = *m_probes[mine[next]];
    CheckRun run = probe.run(m_clock.now_ms());
    record(run);
    const std::int64_t now = m_clock.now_ms();
    due[next] += probe.check().interval_ms;
    if (due[next] <= now) // a run longer than the interval: skip what was missed
      due[next] = now + probe.check().interval_ms;
  }
}

void Monitor::run() {
  const size_t count = static_cast<size_t>(m_workers);
  std::vector<std::thread> threads;
  for (size_t w = 0; w < count; ++w)
    threads.emplace_back([this, w, count] { worker(w, count); });
  for (auto& t : threads)
    t.join();
}

void Monitor::stop() {
  m_stop.store(true);
  m_clock.wake();
}

} // namespace lg::monitor
