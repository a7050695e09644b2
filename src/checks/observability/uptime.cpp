// observability.uptime: monitoring is live before launch. The monitor's own history (monitor.store,
// written by `launchgate monitor`) or an external monitor's status (monitor.status_url, the
// launchgate.status/1 document of /status.json) must show the home page and a signed-in route
// checked within the last 10 minutes, with an alert channel configured; and the portal must have
// a health endpoint that answers fast, without a session, and says whether its database is
// reachable.

#include "checks/registry.hpp"
#include "monitor/store.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

namespace lg::checks {

namespace {

constexpr std::int64_t k_fresh_ms = 10 * 60 * 1000;   // "within the last 10 minutes"
constexpr std::int64_t k_max_interval_ms = 5 * 60000; // the checklist: every 1 to 5 minutes
constexpr double k_health_limit_ms = 1000;            // a health check a monitor can rely on
constexpr int k_health_tries = 3;

/// What the monitoring says about one check.
struct Watched {
  std::string name;
  std::string target;
  bool home = false;          ///< the base URL's own page
  bool authenticated = false; ///< signed in as an account
  std::int64_t interval_ms = 0;
  std::optional<std::int64_t> last_ms; ///< the latest run
  bool last_ok = false;
  std::string last_message;
  bool down = false; ///< an open incident
};

std::int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string normalized_path(const std::string& url) {
  auto parsed = parse_url(url);
  if (!parsed)
    return url;
  std::string path = parsed->path.substr(0, parsed->path.find('?'));
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return path;
}

bool is_home(const Config& config, const std::string& url) {
  auto base = parse_url(config.target.base_url);
  auto check = parse_url(url);
  return base && check && base->host == check->host && base->port == check->port &&
         normalized_path(url) == normalized_path(config.target.base_url);
}

std::string ago(std::int64_t ms) {
  if (ms < 120000)
    return fmt::format("{} s ago", ms / 1000);
  if (ms < 2 * 3600000)
    return fmt::format("{} min ago", ms / 60000);
  return fmt::format("{} h ago", ms / 3600000);
}

/// The configured checks, judged from the monitor's SQLite history.
Expected<std::vector<Watched>> from_store(const Config& config, std::string& source) {
  std::string path = config.resolve_path(config.monitor.store);
  source = fmt::format("the monitor's history ({})", config.monitor.store);
  if (!std::filesystem::exists(path))
    return unexpected(ErrorKind::io,
                      fmt::format("{} does not exist: `launchgate monitor` has not run with "
                                  "this config",
                                  config.monitor.store));
  auto store = monitor::MonitorStore::open(path);
  if (!store)
    return unexpected(store.error());
  auto open = store->open_incidents();
  if (!open)
    return unexpected(open.error());
  std::vector<Watched> out;
  for (const auto& check : config.monitor.checks) {
    Watched w;
    w.name = check.name;
    w.target = check.type == MonitorCheckType::http ? redact_url(check.url) : check.tls_host;
    w.home = check.type == MonitorCheckType::http && is_home(config, check.url);
    w.authenticated = check.type == MonitorCheckType::http && !check.as.empty();
    w.interval_ms = check.interval_ms > 0 ? check.interval_ms : config.monitor.interval_ms;
    auto last = store->last(check.name);
    if (!last)
      return unexpected(last.error());
    if (*last) {
      w.last_ms = (*last)->at_ms;
      w.last_ok = (*last)->ok;
      w.last_message = (*last)->message;
    }
    for (const auto& incident : *open)
      w.down = w.down || incident.check == check.name;
    out.push_back(std::move(w));
  }
  return out;
}

/// The checks of an external monitor's launchgate.status/1 document.
/// `alerting` is set when the document lists an alert channel.
Expected<std::vector<Watched>> from_status_url(engine::Context& ctx, std::string& source,
                                               bool& alerting) {
  const auto& config = ctx.config();
  source = fmt::format("the status at {}", redact_url(config.monitor.status_url));
  net::HttpRequest request{"GET", config.monitor.status_url, {{"Accept", "application/json"}}};
  auto response = ctx.http().send_following(request);
  if (!response)
    return unexpected(response.error());
  if (response->status != 200)
    return unexpected(ErrorKind::network, fmt::format("{} answered {}", source, response->status));
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  if (!doc.is_object() || doc.value("schema", "") != "launchgate.status/1" ||
      !doc.contains("checks") || !doc["checks"].is_array())
    return unexpected(ErrorKind::parse, fmt::format("{} is no launchgate.status/1 document "
                                                    "(the /status.json of launchgate monitor)",
                                                    source));
  alerting = doc.contains("alert_channels") && doc["alert_channels"].is_array() &&
             !doc["alert_channels"].empty();
  std::vector<Watched> out;
  for (const auto& c : doc["checks"]) {
    if (!c.is_object())
      continue;
    Watched w;
    w.name = c.value("name", "");
    w.target = c.value("target", "");
    w.home = c.value("kind", "") == "http" && is_home(config, w.target);
    w.authenticated = c.value("authenticated", false);
    if (c.contains("interval_s") && c["interval_s"].is_number())
      w.interval_ms = static_cast<std::int64_t>(c["interval_s"].get<double>() * 1000);
    w.down = c.value("state", "") == "down";
    if (c.contains("last") && c["last"].is_object()) {
      const auto& last = c["last"];
      if (last.contains("at") && last["at"].is_string())
        w.last_ms = parse_rfc3339_ms(last["at"].get<std::string>());
      w.last_ok = last.value("ok", false);
      if (last.contains("message") && last["message"].is_string())
        w.last_message = last["message"].get<std::string>();
    }
    // The config names the signed-in checks when the status document does not say.
    for (const auto& check : config.monitor.checks)
      if (check.name == w.name && !check.as.empty())
        w.authenticated = true;
    out.push_back(std::move(w));
  }
  return out;
}

/// True when `body` says how the database is: a key or a text about it.
bool reports_database(const std::string& body) {
  static const std::vector<std::string> k_words = {
      "database", "db",  "postgres",  "postgresql", "mysql", "mariadb", "sqlite",  "mongo",
      "mongodb",  "sql", "datastore", "storage",    "store", "redis",   "dynamodb"};
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    std::string lower = to_lower(body.substr(0, 4096));
    return lower.find("database") != std::string::npos;
  }
  // Any object key (to depth 4) naming a database, e.g. {"database": "ok"} or
  // {"checks": {"db": {"status": "up"}}}.
  std::vector<std::pair<const nlohmann::json*, int>> stack{{&doc, 0}};
  size_t visited = 0;
  while (!stack.empty() && visited < 2000) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    ++visited;
    if (node->is_object()) {
      for (auto it = node->begin(); it != node->end(); ++it) {
        std::string key = to_lower(it.key());
        for (const auto& word : k_words)
          if (key == word || key.starts_with(word + "_") || key.ends_with("_" + word) ||
              key.starts_with(word + ".") || key.starts_with(word + "-"))
            return true;
        if (depth < 4)
          stack.push_back({&it.value(), depth + 1});
      }
    } else if (node->is_array() && depth < 4) {
      for (const auto& item : *node)
        stack.push_back({&item, depth + 1});
    } else if (node->is_string()) {
      // {"components": [{"name": "database", "status": "up"}]}
      std::string value = to_lower(node->get<std::string>());
      for (const auto& word : k_words)
        if (value == word)
          return true;
    }
  }
  return false;
}

/// The health endpoint: monitor.health, else the first of the API description's GETs or the
/// common paths that answers 200.
struct Health {
  std::string path;
  std::vector<double> latencies_ms;
  int status = 0;
  std::string body;
  std::vector<std::string> tried;
};

Health find_health(engine::Context& ctx) {
  std::vector<std::string> candidates;
  const auto& config = ctx.config();
  if (!config.monitor.health.empty()) {
    candidates.push_back(config.monitor.health);
  } else {
    if (auto ops = ctx.operations(); ops && *ops)
      for (const auto& op : **ops) {
        std::string lower = to_lower(op.path);
        if (op.method == "GET" && op.path_params.empty() &&
            (lower.find("health") != std::string::npos || lower.ends_with("/ready") ||
             lower.ends_with("/readyz") || lower.ends_with("/livez")))
          candidates.push_back(op.path);
      }
    for (const char* path : {"/healthz", "/health", "/api/health", "/api/healthz", "/readyz",
                             "/ready", "/status", "/api/status", "/_health"})
      if (std::find(candidates.begin(), candidates.end(), path) == candidates.end())
        candidates.push_back(path);
  }
  // Latency is the portal's own answer time (curl's, to the last byte of the last hop), not the
  // scope guard's spacing of requests.
  Health h;
  for (const auto& path : candidates) {
    h.tried.push_back(path);
    auto response = ctx.anonymous("GET", path);
    if (!response)
      continue;
    if (response->status == 200 || (!config.monitor.health.empty())) {
      h.path = path;
      h.status = response->status;
      h.body = response->body;
      h.latencies_ms.push_back(response->elapsed_ms);
      break;
    }
  }
  if (h.path.empty() || h.status != 200)
    return h;
  for (int i = 1; i < k_health_tries; ++i) {
    auto response = ctx.anonymous("GET", h.path);
    if (!response)
      break;
    h.latencies_ms.push_back(response->elapsed_ms);
  }
  return h;
}

} // namespace

CheckResult run_observability_uptime(engine::Context& ctx, const CheckMeta& meta) {
  const auto& config = ctx.config();
  std::vector<Finding> findings;
  std::vector<std::string> seen;
  bool serious = false;
  auto add = [&](std::string message, nlohmann::json evidence, std::vector<std::string> parts,
                 bool is_serious = true) {
    serious = serious || is_serious;
    Finding f;
    f.message = std::move(message);
    f.evidence = std::move(evidence);
    f.fingerprint = make_fingerprint(meta.id, parts);
    findings.push_back(std::move(f));
  };

  // 1. Monitoring: the monitor's history or an external monitor's status.
  if (!config.monitor.present) {
    add("no uptime monitoring is configured: monitor: is missing from the config",
        {{"config", "monitor"}}, {"no-monitor"});
  } else {
    std::string source;
    bool external_alerting = false;
    auto watched = config.monitor.status_url.empty()
                       ? from_store(config, source)
                       : from_status_url(ctx, source, external_alerting);
    if (!watched) {
      add(fmt::format("monitoring cannot be confirmed: {}", watched.error().message),
          {{"source", source}}, {"no-history"});
    } else {
      const std::int64_t now = wall_now_ms();
      auto judge = [&](bool Watched::*role, const char* what, const char* key) {
        const Watched* best = nullptr;
        for (const auto& w : *watched)
          if (w.*role && (!best || w.last_ms.value_or(0) > best->last_ms.value_or(0)))
            best = &w;
        if (!best) {
          add(fmt::format("no monitor check watches {}", what), {{"source", source}},
              {"missing", key});
          return;
        }
        nlohmann::json evidence = {
            {"check", best->name}, {"target", best->target}, {"source", source}};
        if (!best->last_ms) {
          add(fmt::format("monitor check '{}' ({}) has never run", best->name, what), evidence,
              {"never", key});
          return;
        }
        evidence["last_run"] = ago(now - *best->last_ms);
        if (now - *best->last_ms > k_fresh_ms) {
          add(fmt::format("monitor check '{}' ({}) last ran {}: the monitor is not running",
                          best->name, what, ago(now - *best->last_ms)),
              evidence, {"stale", key});
          return;
        }
        if (best->down) {
          evidence["last_message"] = best->last_message;
          add(fmt::format("monitor check '{}' ({}) is down: {}", best->name, what,
                          best->last_message),
              evidence, {"down", key});
          return;
        }
        seen.push_back(fmt::format("{} '{}' {}", key, best->name, ago(now - *best->last_ms)));
      };
      judge(&Watched::home, "the home page (target.base_url)", "home");
      judge(&Watched::authenticated, "a signed-in route (a check with `as`)", "signed-in");
      for (const auto& w : *watched)
        if (w.interval_ms > k_max_interval_ms)
          add(fmt::format("monitor check '{}' runs every {} min: an outage may go unseen for "
                          "that long (check every 1 to 5 minutes)",
                          w.name, w.interval_ms / 60000),
              {{"check", w.name}, {"interval_s", w.interval_ms / 1000}}, {"sparse", w.name}, false);
    }
    if (!config.monitor.alerts.any_channel() && !external_alerting)
      add("the monitor alerts nobody: monitor.alerts has no webhook, slack or email",
          {{"config", "monitor.alerts"}}, {"no-channel"});
  }

  // 2. The portal's health endpoint.
  Health health = find_health(ctx);
  if (health.path.empty() || health.status != 200) {
    add(health.status != 0
            ? fmt::format("the health endpoint {} answered {}", health.path, health.status)
            : fmt::format("the portal has no health endpoint (tried {})", join(health.tried, ", ")),
        {{"method", "GET"},
         {"path", health.path.empty() ? health.tried.front() : health.path},
         {"status", health.status}},
        {"no-health"});
  } else {
    double slowest = *std::max_element(health.latencies_ms.begin(), health.latencies_ms.end());
    if (slowest > k_health_limit_ms)
      add(fmt::format("the health endpoint {} took {:.0f} ms: a monitor with a short timeout "
                      "will see an outage",
                      health.path, slowest),
          {{"method", "GET"}, {"path", health.path}, {"latency_ms", slowest}},
          {"slow-health", health.path});
    if (!reports_database(health.body))
      add(fmt::format("the health endpoint {} does not say whether the database is reachable",
                      health.path),
          {{"method", "GET"},
           {"path", health.path},
           {"status", 200},
           {"body", health.body.substr(0, 200)}},
          {"health-no-db", health.path});
    else
      seen.push_back(
          fmt::format("health {} ({:.0f} ms, reports the database)", health.path, slowest));
  }

  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious);
  return engine::passed(meta, fmt::format("monitoring is live: {}", join(seen, "; ")));
}

} // namespace lg::checks
