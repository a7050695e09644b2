// `launchgate monitor` as a user runs it, against the sample portal on loopback: the portal stops
// and exactly one failure alert per check reaches a local webhook receiver after the threshold;
// the monitor is restarted while the portal is down and keeps its history and open incidents
// (no second alert); the portal comes back and exactly one recovery alert per check arrives. The
// status page is rendered by headless Chromium (its screenshot is left in the build tree), and
// --once is a CI smoke test.

#include "integration/test_portal_support.hpp"
#include "monitor/store.hpp"
#include "net/impl/chromium_browser.hpp"
#include "net/impl/curl_http.hpp"
#include "support/loopback_server.hpp"
#include "support/test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace lg {
namespace {

const std::string k_bin = LG_LAUNCHGATE_BIN;
using Clock = std::chrono::steady_clock;

/// A webhook receiver on loopback: every alert body it was sent.
class Receiver {
public:
  Receiver()
      : m_server([this](const std::string& request) {
          size_t end = request.find("\r\n\r\n");
          auto body = nlohmann::json::parse(end == std::string::npos ? "" : request.substr(end + 4),
                                            nullptr, false);
          std::lock_guard lock(m_mutex);
          m_alerts.push_back(body.is_discarded() ? nlohmann::json() : body);
          return test::http_answer(200, "text/plain", "ok");
        }) {}
  std::string url() const { return m_server.url("/hooks/portal"); }
  std::vector<nlohmann::json> alerts() {
    std::lock_guard lock(m_mutex);
    return m_alerts;
  }
  /// How many alerts of `event` ("down", "up") arrived, for `check` or any.
  int count(const std::string& event, const std::string& check = "") {
    int n = 0;
    for (const auto& a : alerts())
      n += a.is_object() && a.value("event", "") == event &&
                   (check.empty() || a.value("check", "") == check)
               ? 1
               : 0;
    return n;
  }
  /// Waits (bounded) until `count(event)` reaches `n`.
  bool wait_for(const std::string& event, int n, std::chrono::seconds limit) {
    auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      if (count(event) >= n)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

private:
  std::mutex m_mutex;
  std::vector<nlohmann::json> m_alerts;
  test::LoopbackServer m_server;
};

/// The monitor's config; with `smtp_port`, alerts are also mailed there (plain SMTP on loopback).
std::string config_yaml(const std::string& portal, const std::string& hook,
                        const std::string& store, int smtp_port = 0) {
  std::string email = smtp_port == 0
                          ? std::string()
                          : fmt::format(", email: {{smtp: \"127.0.0.1:{}\", tls: none, "
                                        "from: monitor@portal.test, to: [ops@portal.test]}}",
                                        smtp_port);
  return fmt::format(R"(target: {{base_url: "{}"}}
accounts:
  - name: bob
    org: acme
    role: member
    login: {{method: POST, path: /api/login, json: {{email: bob@acme.test, password: portal-demo-password}}}}
monitor:
  interval: 1s
  timeout: 2s
  checks:
    - {{name: home, url: /, expect: "status == 200"}}
    - {{name: health, url: /api/health, expect: "status == 200 && json $.database == \"ok\""}}
    - {{name: records, as: bob, url: /api/records, expect: "status == 200 && latency < 2s"}}
  alerts: {{failure_threshold: 3, success_threshold: 2, webhook: "{}"{}}}
  store: "{}"
)",
                     portal, hook, email, store);
}

/// GET `url` through the project's HTTP client.
Expected<net::HttpResponse> get(const std::string& url) {
  net::CurlHttpClient http(net::CurlOptions{});
  return http.send(net::HttpRequest{"GET", url});
}

/// The monitor's /status.json, or null.
nlohmann::json status_of(const std::string& base) {
  auto r = get(base + "/status.json");
  if (!r || r->status != 200)
    return nullptr;
  auto doc = nlohmann::json::parse(r->body, nullptr, false);
  return doc.is_discarded() ? nullptr : doc;
}

/// Waits (bounded) until every check of the status document is in `state`.
bool wait_for_state(const std::string& base, const std::string& state, std::chrono::seconds limit) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    auto doc = status_of(base);
    if (doc.is_object() && doc.contains("checks") && !doc["checks"].empty()) {
      bool all = true;
      for (const auto& c : doc["checks"])
        all = all && c.value("state", "") == state;
      if (all)
        return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

int port_of(const std::string& url) {
  return std::atoi(url.substr(url.rfind(':') + 1).c_str());
}

TEST(MonitorDaemon, OneAlertPerOutageAndPerRecoveryWithHistoryKeptAcrossARestart) {
  portal_test::PortalProcess portal;
  ASSERT_TRUE(portal.start(LG_PORTAL_BIN, {})) << portal.error();
  const int port = port_of(portal.url());
  Receiver hook;
  portal_test::SmtpSink mail;
  test::TempDir dir;
  const std::string store = (dir.path() / "monitor.db").string();
  dir.write("launchgate.yaml", config_yaml(portal.url(), hook.url(), store, mail.port()));
  const std::string cfg = (dir.path() / "launchgate.yaml").string();
  const std::vector<std::string> args = {"monitor", "-c", cfg, "--listen", "127.0.0.1:0"};

  portal_test::PortalProcess mon;
  ASSERT_TRUE(mon.start(k_bin, args)) << mon.error();
  ASSERT_TRUE(wait_for_state(mon.url(), "up", std::chrono::seconds(20))) << mon.stderr_text();
  EXPECT_NE(mon.stderr_text().find("intervals under 20 s are for tests"), std::string::npos);
  EXPECT_EQ(hook.alerts().size(), 0u);

  // The portal goes away: one alert per check, after three failures, and no more.
  portal.stop();
  ASSERT_TRUE(hook.wait_for("down", 3, std::chrono::seconds(20))) << mon.stderr_text();
  std::this_thread::sleep_for(std::chrono::seconds(3)); // three more failed runs of each
  EXPECT_EQ(hook.count("down"), 3);
  for (const char* check : {"home", "health", "records"}) {
    EXPECT_EQ(hook.count("down", check), 1) << check;
  }
  for (const auto& alert : hook.alerts()) {
    EXPECT_EQ(alert["consecutive"], 3) << alert.dump();
    EXPECT_EQ(alert["monitor"], "127.0.0.1");
  }
  // The same three alerts by e-mail.
  auto mails = mail.wait_for(3, std::chrono::seconds(10));
  ASSERT_EQ(mails.size(), 3u) << mon.stderr_text();
  for (const auto& m : mails) {
    EXPECT_NE(m.data.find("Subject: [launchgate] DOWN "), std::string::npos) << m.data;
    ASSERT_EQ(m.rcpt_to.size(), 1u);
    EXPECT_NE(m.rcpt_to[0].find("<ops@portal.test>"), std::string::npos) << m.rcpt_to[0];
  }
  EXPECT_EQ(mon.stop(), 0) << mon.stderr_text();
  EXPECT_NE(mon.stderr_text().find("SIGTERM received"), std::string::npos);

  // What the monitor left: every run, and the three incidents still open.
  {
    auto history = monitor::MonitorStore::open(store);
    ASSERT_TRUE(history) << history.error().message;
    auto open = history->open_incidents();
    ASSERT_TRUE(open);
    EXPECT_EQ(open->size(), 3u);
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    auto home = history->uptime("home", now - 600000, now + 1000);
    ASSERT_TRUE(home);
    EXPECT_GE(home->total, 6);
    EXPECT_LT(home->ok, home->total);
  }

  // Restarted while the portal is still down: the incidents are open, nobody is told again.
  portal_test::PortalProcess again;
  ASSERT_TRUE(again.start(k_bin, args)) << again.error();
  auto doc = status_of(again.url());
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["incidents"]["open"].size(), 3u) << doc.dump();
  std::this_thread::sleep_for(std::chrono::seconds(4));
  EXPECT_EQ(hook.count("down"), 3);

  // The portal is back on its port: one recovery per check after two good runs.
  portal_test::PortalProcess back;
  ASSERT_TRUE(back.start(LG_PORTAL_BIN, {"--port", std::to_string(port)})) << back.error();
  ASSERT_TRUE(hook.wait_for("up", 3, std::chrono::seconds(20))) << again.stderr_text();
  ASSERT_TRUE(wait_for_state(again.url(), "up", std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(hook.count("up"), 3);
  EXPECT_EQ(hook.count("down"), 3);
  mails = mail.wait_for(6, std::chrono::seconds(10));
  ASSERT_EQ(mails.size(), 6u);
  EXPECT_NE(mails[5].data.find("Subject: [launchgate] UP "), std::string::npos) << mails[5].data;
  doc = status_of(again.url());
  EXPECT_EQ(doc["incidents"]["open"].size(), 0u) << doc.dump();
  EXPECT_GE(doc["incidents"]["recent"].size(), 3u) << doc.dump();

  // The machine views.
  auto metrics = get(again.url() + "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("launchgate_monitor_check_up{check=\"home\"} 1"), std::string::npos)
      << metrics->body;
  auto health = get(again.url() + "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << health->body;
  EXPECT_EQ(again.stop(), 0);
  back.stop();
  // Nothing the monitor wrote shows the account's password.
  EXPECT_EQ(again.stderr_text().find("portal-demo-password"), std::string::npos);
}

TEST(MonitorDaemon, TheStatusPageRendersInHeadlessChromium) {
  auto chromium = net::ChromiumBrowser::find_executable("");
  if (!chromium)
    GTEST_SKIP() << "Chromium is not installed (apt-get install chromium)";
  portal_test::PortalProcess portal;
  ASSERT_TRUE(portal.start(LG_PORTAL_BIN, {})) << portal.error();
  Receiver hook;
  test::TempDir dir;
  dir.write("launchgate.yaml",
            config_yaml(portal.url(), hook.url(), (dir.path() / "monitor.db").string()));
  portal_test::PortalProcess mon;
  ASSERT_TRUE(mon.start(k_bin, {"monitor", "-c", (dir.path() / "launchgate.yaml").string(),
                                "--listen", "127.0.0.1:0"}))
      << mon.error();
  ASSERT_TRUE(wait_for_state(mon.url(), "up", std::chrono::seconds(20)));

  const auto out_dir = std::filesystem::path(LG_BINARY_DIR) / "test-output";
  std::filesystem::create_directories(out_dir);
  const auto shot = out_dir / "monitor-status-page.png";
  std::filesystem::remove(shot);
  const std::string profile = (dir.path() / "chromium").string();
  auto dom = test::run_command({*chromium, "--headless", "--no-sandbox", "--disable-gpu",
                                "--no-first-run", "--user-data-dir=" + profile,
                                "--window-size=1280,1600", "--dump-dom", mon.url() + "/"});
  ASSERT_EQ(dom.code, 0) << dom.err;
  EXPECT_NE(dom.out.find("<svg"), std::string::npos);
  for (const char* check : {"home", "health", "records"})
    EXPECT_NE(dom.out.find(check), std::string::npos) << check;
  auto png =
      test::run_command({*chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--user-data-dir=" + profile, "--window-size=1280,1600",
                         "--hide-scrollbars", "--screenshot=" + shot.string(), mon.url() + "/"});
  ASSERT_EQ(png.code, 0) << png.err;
  ASSERT_TRUE(std::filesystem::exists(shot)) << png.err;
  std::ifstream in(shot, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  EXPECT_EQ(std::string(magic, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_GT(std::filesystem::file_size(shot), 5000u);
  std::cout << "status page screenshot: " << shot.string() << "\n";
  RecordProperty("screenshot", shot.string());
  EXPECT_EQ(mon.stop(), 0);
}

TEST(MonitorDaemon, OnceIsASmokeTestThatFailsOnAFailingCheck) {
  portal_test::PortalProcess portal;
  ASSERT_TRUE(portal.start(LG_PORTAL_BIN, {"--flaw", "no-health"})) << portal.error();
  Receiver hook;
  test::TempDir dir;
  dir.write("launchgate.yaml",
            config_yaml(portal.url(), hook.url(), (dir.path() / "monitor.db").string()));
  auto r = test::run_command(
      {k_bin, "monitor", "--once", "-c", (dir.path() / "launchgate.yaml").string()});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL  health"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("status 404 is not == 200"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 of 3 checks passed"), std::string::npos) << r.out;
  portal.stop();
  portal_test::PortalProcess healthy;
  ASSERT_TRUE(healthy.start(LG_PORTAL_BIN, {})) << healthy.error();
  dir.write("launchgate.yaml",
            config_yaml(healthy.url(), hook.url(), (dir.path() / "monitor.db").string()));
  r = test::run_command(
      {k_bin, "monitor", "--once", "-c", (dir.path() / "launchgate.yaml").string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("3 of 3 checks passed"), std::string::npos) << r.out;
  EXPECT_EQ(hook.alerts().size(), 0u);
}

TEST(MonitorDaemon, ABrokenConfigIsAClearErrorWithExitTwo) {
  test::TempDir dir;
  dir.write("launchgate.yaml", "target: {base_url: \"http://127.0.0.1:9\"}\nmonitor:\n  checks:\n"
                               "    - {name: home, url: /, expect: \"status = 200\"}\n");
  auto r = test::run_command(
      {k_bin, "monitor", "--once", "-c", (dir.path() / "launchgate.yaml").string()});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("launchgate.yaml:4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("expect: column"), std::string::npos) << r.err;
  // The audit reads the same section: the same error, before anything is sent.
  r = test::run_command({k_bin, "audit", "-c", (dir.path() / "launchgate.yaml").string()});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("expect: column"), std::string::npos) << r.err;
}

} // namespace
} // namespace lg
