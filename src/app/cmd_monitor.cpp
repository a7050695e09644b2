// `launchgate monitor`: the checks of `monitor:` run at their intervals with the real adapters,
// history in SQLite, alerts through the dispatcher, and with --listen the status page, its JSON,
// Prometheus metrics and a health endpoint served by cpp-httplib. Runs until SIGINT or SIGTERM
// (taken with sigtimedwait in the main thread) or --duration; --once runs every check once.

#include "app/commands.hpp"

#include "app/dns_source.hpp"
#include "core/config.hpp"
#include "core/guard.hpp"
#include "launchgate/version.hpp"
#include "monitor/notify.hpp"
#include "monitor/runner.hpp"
#include "monitor/status_page.hpp"
#include "net/impl/curl_http.hpp"
#include "net/impl/curl_mail.hpp"
#include "net/impl/openssl_prober.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <csignal>
#include <ctime>
#include <pthread.h>
#include <thread>

namespace lg::app {
namespace {

constexpr int k_usage = 2;
constexpr long long k_max_body_bytes = 1 << 20;

std::string run_line(const monitor::PlannedCheck& check, const monitor::CheckRun& run) {
  std::string status = run.status > 0 ? fmt::format("{}", run.status) : "-";
  return fmt::format("{:<4}  {:<20} {:>4} {:>8.1f} ms  {}{}", run.ok ? "ok" : "FAIL",
                     check.config.name, status, run.latency_ms, check.target,
                     run.message.empty() ? "" : "  " + run.message);
}

/// The probes' adapters: a curl client per HTTP check, the resolver of `dns:`, OpenSSL
/// handshakes, trust anchors from domain.ca_file.
class ProbeAdapters {
public:
  static Expected<std::unique_ptr<ProbeAdapters>> open(const Config& config) {
    auto resolver = open_resolver(config.dns, config.dir);
    if (!resolver)
      return unexpected(resolver.error());
    auto out = std::unique_ptr<ProbeAdapters>(new ProbeAdapters());
    out->m_resolver = std::move(*resolver);
    if (!config.domain.ca_file.empty())
      out->m_ca_file = config.resolve_path(config.domain.ca_file);
    return out;
  }

  monitor::ProbeServices services() {
    monitor::ProbeServices s;
    s.make_http = [ca_file = m_ca_file](std::int64_t timeout_ms) {
      net::CurlOptions curl;
      curl.timeout_ms = static_cast<int>(timeout_ms);
      curl.connect_timeout_ms = static_cast<int>(std::min<std::int64_t>(timeout_ms, 5000));
      curl.max_body_bytes = k_max_body_bytes;
      curl.ca_file = ca_file;
      curl.user_agent = fmt::format("launchgate-monitor/{}", k_version);
      return std::unique_ptr<net::HttpClient>(std::make_unique<net::CurlHttpClient>(curl));
    };
    s.resolver = m_resolver.get();
    s.tls = &m_tls;
    s.ca_file = m_ca_file;
    return s;
  }

private:
  ProbeAdapters() = default;
  std::unique_ptr<net::Resolver> m_resolver;
  net::OpenSslProber m_tls;
  std::string m_ca_file;
};

/// The alert channels of monitor.alerts, with the clients they send through.
struct Channels {
  std::unique_ptr<net::CurlHttpClient> http;
  std::unique_ptr<net::CurlMailTransport> mail;
  std::vector<std::unique_ptr<monitor::AlertChannel>> list;
};

Expected<Channels> make_channels(const Config& config) {
  Channels c;
  const auto& alerts = config.monitor.alerts;
  if (!alerts.webhook.empty() || !alerts.slack.empty()) {
    net::CurlOptions options;
    options.timeout_ms = 15000;
    options.user_agent = fmt::format("launchgate/{}", k_version);
    c.http = std::make_unique<net::CurlHttpClient>(options);
  }
  if (!alerts.webhook.empty())
    c.list.push_back(std::make_unique<monitor::WebhookChannel>(
        *c.http, alerts.webhook, monitor::WebhookChannel::Format::json));
  if (!alerts.slack.empty())
    c.list.push_back(std::make_unique<monitor::WebhookChannel>(
        *c.http, alerts.slack, monitor::WebhookChannel::Format::slack));
  if (const auto& email = alerts.email) {
    auto tls = email->tls == "none"       ? net::MailServer::Tls::none
               : email->tls == "implicit" ? net::MailServer::Tls::implicit
                                          : net::MailServer::Tls::starttls;
    auto server = monitor::parse_smtp_server(email->smtp, tls);
    if (!server)
      return unexpected(server.error());
    server->username = email->username;
    server->password = email->password;
    if (!config.domain.ca_file.empty())
      server->ca_file = config.resolve_path(config.domain.ca_file);
    c.mail = std::make_unique<net::CurlMailTransport>();
    c.list.push_back(std::make_unique<monitor::EmailChannel>(
        *c.mail, monitor::MailSettings{*server, email->from, email->to}));
  }
  return c;
}

/// host and port of a listen address ("127.0.0.1:8099", "[::1]:0").
std::pair<std::string, int> split_listen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[')
    host = host.substr(1, host.size() - 2);
  return {host, std::atoi(listen.c_str() + colon + 1)};
}

/// The status endpoints over a store connection of their own (one at a time: the server's
/// threads share it under a lock).
class StatusServer {
public:
  StatusServer(monitor::MonitorStore store, const monitor::Monitor& monitor,
               std::vector<monitor::CheckInfo> checks, std::vector<std::string> channels,
               std::string title, std::int64_t started_ms)
      : m_store(std::move(store)), m_monitor(monitor), m_checks(std::move(checks)),
        m_channels(std::move(channels)), m_title(std::move(title)), m_started_ms(started_ms) {
    m_server.Get("/", [this](const httplib::Request&, httplib::Response& res) {
      serve(res, [](const monitor::StatusSnapshot& s, httplib::Response& r) {
        r.set_content(monitor::render_status_html(s), "text/html; charset=utf-8");
      });
    });
    m_server.Get("/status.json", [this](const httplib::Request&, httplib::Response& res) {
      serve(res, [](const monitor::StatusSnapshot& s, httplib::Response& r) {
        r.set_content(monitor::status_json(s).dump(2) + "\n", "application/json");
      });
    });
    m_server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      serve(res, [](const monitor::StatusSnapshot& s, httplib::Response& r) {
        r.set_content(monitor::render_metrics(s), "text/plain; version=0.0.4; charset=utf-8");
      });
    });
    m_server.Get("/healthz",
                 [this](const httplib::Request&, httplib::Response& res) { healthz(res); });
    m_server.set_default_headers(
        {{"Cache-Control", "no-store"},
         {"X-Content-Type-Options", "nosniff"},
         {"Content-Security-Policy",
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:"}});
  }

  /// Binds `listen`; returns the bound address.
  Expected<std::string> bind(const std::string& listen) {
    auto [host, port] = split_listen(listen);
    int bound = port == 0 ? m_server.bind_to_any_port(host)
                          : (m_server.bind_to_port(host, port) ? port : -1);
    if (bound <= 0)
      return unexpected(ErrorKind::io, fmt::format("cannot listen on {}", listen));
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, bound)
                                               : fmt::format("{}:{}", host, bound);
  }

  ~StatusServer() {
    m_server.stop();
    if (m_thread.joinable())
      m_thread.join();
  }

private:
  template <typename Render> void serve(httplib::Response& res, Render render) {
    std::lock_guard lock(m_lock);
    auto now = m_clock.now_ms();
    auto snapshot = monitor::take_snapshot(m_store, m_checks, m_title, now, m_started_ms,
                                           m_monitor.in_maintenance(now));
    if (snapshot)
      snapshot->alert_channels = m_channels;
    if (!snapshot) {
      res.status = 500;
      res.set_content(
          fmt::format("the monitor's store cannot be read: {}\n", snapshot.error().message),
          "text/plain");
      return;
    }
    render(*snapshot, res);
  }

  void healthz(httplib::Response& res) {
    // Healthy when the loop is alive: some check ran within twice the longest interval (plus a
    // minute for a slow first round), and the store takes what it is given.
    std::lock_guard lock(m_lock);
    const auto now = m_clock.now_ms();
    std::int64_t latest = 0;
    for (const auto& check : m_checks)
      if (auto last = m_store.last(check.name); last && *last)
        latest = std::max(latest, (*last)->at_ms);
    std::int64_t longest = 0;
    for (const auto& check : m_checks)
      longest = std::max(longest, check.interval_ms);
    const bool fresh =
        latest > 0 ? now - latest <= 2 * longest + 60000 : now - m_started_ms <= longest + 60000;
    const bool store_ok = m_monitor.store_failures() == 0;
    nlohmann::json body = {{"status", fresh && store_ok ? "ok" : "failing"},
                           {"runs", m_monitor.runs()},
                           {"store_failures", m_monitor.store_failures()},
                           {"uptime_s", (now - m_started_ms) / 1000}};
    if (!fresh)
      body["reason"] = "no check has run lately";
    else if (!store_ok)
      body["reason"] = "the store refused to record runs";
    res.status = fresh && store_ok ? 200 : 503;
    res.set_content(body.dump() + "\n", "application/json");
  }

  monitor::MonitorStore m_store;
  const monitor::Monitor& m_monitor;
  std::vector<monitor::CheckInfo> m_checks;
  std::vector<std::string> m_channels;
  std::string m_title;
  std::int64_t m_started_ms;
  monitor::SystemMonitorClock m_clock;
  std::mutex m_lock;
  httplib::Server m_server;
  std::thread m_thread;
};

} // namespace

int run_monitor(const MonitorOptions& options) {
  auto config = load_config(options.config_path);
  if (!config) {
    fmt::print(stderr, "launchgate: {}\n", config.error().message);
    return k_usage;
  }
  auto plan = monitor::make_plan(*config);
  if (!plan) {
    fmt::print(stderr, "launchgate: {}\n", plan.error().message);
    return k_usage;
  }
  for (const auto& warning : plan->warnings)
    fmt::print(stderr, "monitor: warning: {}\n", warning);
  const std::string listen = options.listen.empty() ? config->monitor.listen : options.listen;
  const std::string store_path =
      options.store.empty() ? config->resolve_path(config->monitor.store) : options.store;
  if (!listen.empty() && store_path == ":memory:") {
    fmt::print(stderr, "launchgate: monitor --listen needs a store file, not :memory:\n");
    return k_usage;
  }
  auto store = monitor::MonitorStore::open(store_path);
  if (!store) {
    fmt::print(stderr, "launchgate: monitor.store {}: {}\n", store_path, store.error().message);
    return k_usage;
  }
  auto adapters = ProbeAdapters::open(*config);
  if (!adapters) {
    fmt::print(stderr, "launchgate: {}\n", adapters.error().message);
    return k_usage;
  }
  monitor::ProbeServices services = (*adapters)->services();

  // Alerts: each event is printed and handed to the dispatcher's thread.
  auto channels = make_channels(*config);
  if (!channels) {
    fmt::print(stderr, "launchgate: monitor.alerts.email: {}\n", channels.error().message);
    return k_usage;
  }
  monitor::AlertDispatcher dispatcher(std::move(channels->list), [](const std::string& line) {
    fmt::print(stderr, "monitor: {}\n", line);
  });
  std::map<std::string, std::string> targets;
  for (const auto& check : plan->checks)
    targets[check.config.name] = check.target;
  std::string status_page;
  const std::string title = plan->title;
  monitor::AlertSink sink = [&](const monitor::AlertEvent& event, const monitor::CheckRun* run) {
    fmt::print("alert: {} {}: {}\n", monitor::to_string(event.kind),
               event.check.empty() ? "(all checks)" : event.check, event.text);
    (void)std::fflush(stdout);
    monitor::Notification n;
    n.event = event;
    n.monitor = title;
    n.target = event.check.empty() ? std::string() : targets[event.check];
    n.status_page = status_page;
    if (run) {
      n.detail = run->message;
      n.status = run->status;
      n.latency_ms = run->latency_ms;
    }
    dispatcher.post(std::move(n));
  };

  monitor::SystemMonitorClock clock;
  std::vector<monitor::CheckInfo> infos;
  for (const auto& check : plan->checks)
    infos.push_back(
        {check.config.name, check.kind, check.target, check.interval_ms, !check.config.as.empty()});
  std::vector<std::string> channel_names;
  if (!config->monitor.alerts.webhook.empty())
    channel_names.push_back("webhook");
  if (!config->monitor.alerts.slack.empty())
    channel_names.push_back("slack");
  if (config->monitor.alerts.email)
    channel_names.push_back("email");
  monitor::Monitor mon(*config, std::move(*plan), std::move(services), *store, clock, sink);
  mon.set_logger([](const std::string& line) { fmt::print(stderr, "{}\n", line); });
  if (auto restored = mon.restore(); !restored) {
    fmt::print(stderr, "launchgate: monitor.store {}: {}\n", store_path, restored.error().message);
    return k_usage;
  }

  if (options.once) {
    auto runs = mon.run_once();
    if (!runs) {
      fmt::print(stderr, "launchgate: {}\n", runs.error().message);
      return 3;
    }
    int failed = 0;
    for (size_t i = 0; i < runs->size(); ++i) {
      fmt::print("{}\n", run_line(mon.plan().checks[i], (*runs)[i]));
      failed += (*runs)[i].ok ? 0 : 1;
    }
    fmt::print("{} of {} checks passed\n", runs->size() - static_cast<size_t>(failed),
               runs->size());
    dispatcher.flush(std::chrono::seconds(10));
    return failed == 0 ? 0 : 1;
  }

  // SIGINT and SIGTERM are blocked before any thread starts (they inherit the mask) and taken
  // below with sigtimedwait(): no thread is interrupted and no handler is needed.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigset_t old_mask;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
  // A status page reader that hangs up mid-answer must not end the monitor.
  std::signal(SIGPIPE, SIG_IGN);
  const std::int64_t started_ms = clock.now_ms();
  int status = 0;
  {
    std::unique_ptr<StatusServer> server;
    if (!listen.empty()) {
      auto reader = monitor::MonitorStore::open(store_path);
      if (!reader) {
        fmt::print(stderr, "launchgate: monitor.store {}: {}\n", store_path,
                   reader.error().message);
        pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
        return k_usage;
      }
      server = std::make_unique<StatusServer>(std::move(*reader), mon, infos, channel_names, title,
                                              started_ms);
      auto bound = server->bind(listen);
      if (!bound) {
        fmt::print(stderr, "launchgate: monitor --listen: {}\n", bound.error().message);
        pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
        return k_usage;
      }
      status_page = fmt::format("http://{}/", *bound);
      fmt::print("listening on http://{}\n", *bound); // first, for scripts: the bound port
      fmt::print("monitor: status page {}, /status.json, /metrics, /healthz\n", status_page);
    }
    fmt::print("monitor: {} check(s), history in {}\n", infos.size(), store_path);
    (void)std::fflush(stdout);
    std::thread loop([&] { mon.run(); });
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::chrono::milliseconds(static_cast<long long>(options.duration_s * 1000));
    while (true) {
      timespec wait{0, 200 * 1000 * 1000};
      int signal = sigtimedwait(&stop_signals, nullptr, &wait);
      if (signal > 0) {
        fmt::print(stderr, "monitor: {} received, stopping\n",
                   signal == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
      }
      if (options.duration_s > 0 && std::chrono::steady_clock::now() >= deadline)
        break;
    }
    mon.stop();
    loop.join();
    dispatcher.stop();
    fmt::print(stderr, "monitor: stopped after {} run(s)\n", mon.runs());
    if (mon.store_failures() > 0)
      status = 3;
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  return status;
}

Expected<std::vector<monitor::CheckRun>> run_monitor_rounds(const Config& config, int rounds) {
  auto plan = monitor::make_plan(config);
  if (!plan)
    return unexpected(plan.error());
  auto store = monitor::MonitorStore::open(config.resolve_path(config.monitor.store));
  if (!store)
    return unexpected(store.error());
  auto adapters = ProbeAdapters::open(config);
  if (!adapters)
    return unexpected(adapters.error());
  monitor::SystemMonitorClock clock;
  monitor::Monitor mon(config, std::move(*plan), (*adapters)->services(), *store, clock, nullptr);
  if (auto restored = mon.restore(); !restored)
    return unexpected(restored.error());
  Expected<std::vector<monitor::CheckRun>> runs = std::vector<monitor::CheckRun>();
  for (int i = 0; i < rounds && runs; ++i)
    runs = mon.run_once();
  return runs;
}

} // namespace lg::app
