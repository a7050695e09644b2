// observability.uptime over a fake portal: the monitor's history (a real SQLite store) or an
// external status document must show the home page and a signed-in route checked lately, with an
// alert channel; the health endpoint must answer fast and report the database.

#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "monitor/store.hpp"
#include "support/test_support.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace lg::checks {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The portal's health answer and the external status document.
struct Portal {
  std::string health_body = R"({"status":"ok","checks":{"db":{"status":"up"}}})";
  int health_status = 200;
  double health_ms = 5; ///< how long the health endpoint takes to answer
  std::string status_doc;
};

std::string config_yaml(const std::string& monitor) {
  return R"(target: {base_url: "http://127.0.0.1:8080/"}
accounts:
  - {name: alice, org: acme, role: admin, login: {path: /api/login, json: {email: a@acme.test, password: pw}}}
)" + monitor;
}

const char* k_monitor = R"(monitor:
  checks:
    - {name: home, url: /}
    - {name: records, as: alice, url: /records}
    - {name: health, url: /health}
  alerts: {webhook: "https://hooks.example.com/portal"}
  store: monitor.db
)";

struct World {
  explicit World(const std::string& yaml) {
    auto parsed =
        parse_config(yaml, (dir.path() / "launchgate.yaml").string(), dir.path().string());
    EXPECT_TRUE(parsed) << parsed.error().message;
    if (parsed)
      config = std::move(*parsed);
    http.handler = [this](const net::HttpRequest& req) {
      auto path = req.url.substr(req.url.find('/', 8));
      if (path == "/health") {
        auto r = test::respond(portal.health_status, portal.health_body);
        r.elapsed_ms = portal.health_ms;
        return r;
      }
      if (path == "/status.json" && !portal.status_doc.empty())
        return test::respond(200, portal.status_doc);
      return test::respond(404, "not found");
    };
    context = std::make_unique<engine::Context>(
        config, engine::Services{http, clock, nullptr, nullptr, nullptr, nullptr, nullptr},
        engine::RunOptions{});
  }

  /// Records one run of each of `checks`, `age_ms` ago.
  void history(const std::vector<std::string>& checks, std::int64_t age_ms, bool ok = true) {
    auto store = monitor::MonitorStore::open((dir.path() / "monitor.db").string());
    ASSERT_TRUE(store) << store.error().message;
    for (const auto& check : checks)
      ASSERT_TRUE(store->record({check, now_ms() - age_ms, ok, ok ? 200 : 503, 12, ""}));
  }

  CheckResult run() {
    return run_observability_uptime(*context, *find_check("observability.uptime"));
  }

  test::TempDir dir;
  Config config;
  Portal portal;
  test::FakeHttp http;
  test::FakeClock clock;
  std::unique_ptr<engine::Context> context;
};

std::string messages(const CheckResult& r) {
  std::string out;
  for (const auto& f : r.findings)
    out += f.message + "\n";
  return out;
}

TEST(ObservabilityUptime, FreshHistoryOfHomeAndASignedInRouteWithAHealthyEndpointPasses) {
  World w(config_yaml(k_monitor));
  w.history({"home", "records", "health"}, 30000);
  auto r = w.run();
  EXPECT_EQ(r.status, Status::pass) << messages(r) << r.reason;
  EXPECT_NE(r.reason.find("home 'home'"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("signed-in 'records'"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("health /health"), std::string::npos) << r.reason;
}

TEST(ObservabilityUptime, AStaleHistoryMeansTheMonitorIsNotRunning) {
  World w(config_yaml(k_monitor));
  w.history({"home", "records"}, 45 * 60000);
  auto r = w.run();
  ASSERT_EQ(r.status, Status::fail);
  EXPECT_NE(messages(r).find("'home' (the home page (target.base_url)) last ran 45 min ago"),
            std::string::npos)
      << messages(r);
  EXPECT_NE(messages(r).find("'records'"), std::string::npos) << messages(r);
}

TEST(ObservabilityUptime, AMissingSignedInCheckADownHomeAndNoChannelAreFindings) {
  World w(config_yaml(R"(monitor:
  checks: [{name: home, url: /}]
  store: monitor.db
)"));
  {
    auto store = monitor::MonitorStore::open((w.dir.path() / "monitor.db").string());
    ASSERT_TRUE(store);
    ASSERT_TRUE(
        store->record({"home", now_ms() - 1000, false, 503, 10, "status 503 is not < 400"}));
    ASSERT_TRUE(store->open_incident("home", now_ms() - 180000, "status 503 is not < 400"));
  }
  auto r = w.run();
  ASSERT_EQ(r.status, Status::fail);
  auto text = messages(r);
  EXPECT_NE(text.find("monitor check 'home' (the home page (target.base_url)) is down"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("no monitor check watches a signed-in route"), std::string::npos) << text;
  EXPECT_NE(text.find("the monitor alerts nobody"), std::string::npos) << text;
}

TEST(ObservabilityUptime, AHealthEndpointMustReportTheDatabaseAndExist) {
  World w(config_yaml(k_monitor));
  w.history({"home", "records"}, 1000);
  w.portal.health_body = R"({"status":"ok","version":"1.4.2"})";
  auto r = w.run();
  ASSERT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 1u) << messages(r);
  EXPECT_NE(messages(r).find("does not say whether the database is reachable"), std::string::npos);
  EXPECT_EQ(r.findings[0].evidence["path"], "/health");

  w.portal.health_body = R"({"components":[{"name":"database","status":"UP"}]})";
  EXPECT_EQ(w.run().status, Status::pass);

  w.portal.health_ms = 1500; // slower than a monitor's short timeout tolerates
  r = w.run();
  ASSERT_EQ(r.status, Status::fail);
  EXPECT_NE(messages(r).find("the health endpoint /health took 1500 ms"), std::string::npos)
      << messages(r);
  w.portal.health_ms = 5;

  w.portal.health_status = 404;
  r = w.run();
  ASSERT_EQ(r.status, Status::fail);
  EXPECT_NE(messages(r).find("the portal has no health endpoint (tried /healthz, /health"),
            std::string::npos)
      << messages(r);
}

TEST(ObservabilityUptime, WithoutAMonitorSectionItFails) {
  World w(config_yaml(""));
  auto r = w.run();
  ASSERT_EQ(r.status, Status::fail);
  EXPECT_NE(messages(r).find("no uptime monitoring is configured"), std::string::npos);
}

TEST(ObservabilityUptime, AnExternalStatusDocumentIsRead) {
  World w(config_yaml(R"(monitor:
  status_url: http://127.0.0.1:8080/status.json
)"));
  auto at = [](std::int64_t age_ms) {
    std::time_t t = static_cast<std::time_t>((now_ms() - age_ms) / 1000);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return std::string(buf);
  };
  w.portal.status_doc = nlohmann::json{{"schema", "launchgate.status/1"},
                                       {"alert_channels", {"email"}},
                                       {"checks",
                                        {{{"name", "home"},
                                          {"kind", "http"},
                                          {"target", "http://127.0.0.1:8080/"},
                                          {"state", "up"},
                                          {"interval_s", 60},
                                          {"last", {{"at", at(20000)}, {"ok", true}}}},
                                         {{"name", "dash"},
                                          {"kind", "http"},
                                          {"target", "http://127.0.0.1:8080/records"},
                                          {"state", "up"},
                                          {"authenticated", true},
                                          {"interval_s", 600},
                                          {"last", {{"at", at(5000)}, {"ok", true}}}}}}}
                            .dump();
  auto r = w.run();
  // Fresh and alerting; the signed-in check runs every 10 min: a warning, not a failure.
  EXPECT_EQ(r.status, Status::warn) << messages(r);
  ASSERT_EQ(r.findings.size(), 1u) << messages(r);
  EXPECT_NE(messages(r).find("'dash' runs every 10 min"), std::string::npos) << messages(r);

  w.portal.status_doc = R"({"schema":"something/else"})";
  r = w.run();
  ASSERT_EQ(r.status, Status::fail);
  EXPECT_NE(messages(r).find("is no launchgate.status/1 document"), std::string::npos)
      << messages(r);
}

} // namespace
} // namespace lg::checks
