// The headless-Chromium adapter (net/impl/chromium_browser) against real loopback servers: the
// sample portal's login and records pages measured without and with its slow-page flaw (LCP of
// the notice paragraph, early vs. after the 3 s script), scope enforcement (requests to another
// origin — subresources, a frame, a worker's fetch, a preconnect, WebSockets — refused in the
// browser and never reaching that server), the scripts and source maps a
// page loads, and the failures: no executable, a browser that exits or stays silent at launch.
// Skipped when Chromium is not installed (apt-get install chromium).

#include "integration/test_portal_support.hpp"
#include "net/impl/chromium_browser.hpp"
#include "support/loopback_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include <signal.h>

namespace {

using lg::net::BrowserCookie;
using lg::net::ChromiumBrowser;
using lg::net::ChromiumOptions;
using lg::net::PageTiming;
using lg::net::PageVisit;
using std::chrono::milliseconds;

#ifdef LG_PORTAL_BIN
const std::string k_portal_bin = LG_PORTAL_BIN;
#else
const std::string k_portal_bin;
#endif

const std::string k_notice = "p#portal-notice.notice";

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

using lg::test::http_answer;
using lg::test::request_path;

// Accepts the URLs of one origin ("http://127.0.0.1:1234").
std::function<bool(std::string_view)> only(std::string origin) {
  return [origin = std::move(origin) + "/"](std::string_view url) {
    return url.substr(0, origin.size()) == origin;
  };
}

class ChromiumBrowserTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!ChromiumBrowser::find_executable("")) {
      GTEST_SKIP() << "Chromium is not installed (apt-get install chromium)";
    }
  }

  void TearDown() override {
    m_browser.reset();
    m_portal.stop();
    m_portal.remove_log();
  }

  void launch(std::function<bool(std::string_view)> scope) {
    ChromiumOptions options;
    options.in_scope = std::move(scope);
    auto browser = ChromiumBrowser::launch(std::move(options));
    ASSERT_TRUE(browser) << browser.error().message;
    m_browser = std::move(*browser);
  }

  void start_portal(const std::vector<std::string>& args) {
    if (k_portal_bin.empty() || !std::filesystem::exists(k_portal_bin)) {
      GTEST_SKIP() << "launchgate-portal binary not found: " << k_portal_bin;
    }
    ASSERT_TRUE(m_portal.start(k_portal_bin, args)) << m_portal.error();
    ASSERT_EQ(m_portal.url().rfind("http://127.0.0.1:", 0), 0u) << m_portal.url();
  }

  // Visits `url`; fails the test (and returns an empty timing) on an error.
  PageTiming visit(PageVisit page) {
    page.timeout = milliseconds(10000);
    const auto started = std::chrono::steady_clock::now();
    auto timing = m_browser->visit(page);
    const auto took =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    EXPECT_TRUE(timing) << page.url << ": " << timing.error().message;
    if (!timing) {
      return {};
    }
    std::cout << "[ visit    ] " << page.url << (page.cold ? " cold" : " warm") << ": " << took
              << " ms, status " << timing->status << ", ttfb " << timing->ttfb_ms << " ms, fcp "
              << timing->fcp_ms.value_or(-1) << " ms, lcp " << timing->lcp_ms.value_or(-1)
              << " ms (" << timing->lcp_element << "), cls " << timing->cls << "\n";
    return *timing;
  }

  portal_test::PortalProcess m_portal;
  std::unique_ptr<ChromiumBrowser> m_browser;
};

TEST_F(ChromiumBrowserTest, PortalPagesPaintTheNoticeEarly) {
  start_portal({});
  launch(only(m_portal.url()));

  const auto login = visit({.url = m_portal.url() + "/"});
  EXPECT_EQ(login.status, 200);
  EXPECT_TRUE(login.loaded);
  EXPECT_TRUE(login.network_quiet);
  ASSERT_TRUE(login.lcp_ms.has_value());
  EXPECT_LT(*login.lcp_ms, 2500);
  EXPECT_EQ(login.lcp_element, k_notice);
  ASSERT_TRUE(login.fcp_ms.has_value());
  EXPECT_LE(*login.fcp_ms, *login.lcp_ms);
  EXPECT_GT(login.ttfb_ms, 0);
  EXPECT_LE(login.ttfb_ms, *login.fcp_ms);
  EXPECT_LT(login.cls, 0.1);
  EXPECT_TRUE(login.scripts.empty()); // the portal has no script without the flaw
  EXPECT_TRUE(login.blocked.empty());

  // A returning visitor (warm cache) sees the same page.
  const auto warm = visit({.url = m_portal.url() + "/", .cold = false});
  EXPECT_EQ(warm.status, 200);
  EXPECT_EQ(warm.lcp_element, k_notice);

  // Throttled (a slow network and CPU): the added latency delays the first paint (Chromium
  // delays the response's delivery, not the navigation entry's responseStart).
  const auto throttled =
      visit({.url = m_portal.url() + "/", .cpu_slowdown = 2, .network = {.latency_ms = 400}});
  EXPECT_EQ(throttled.status, 200);
  EXPECT_GE(throttled.fcp_ms.value_or(0), 400);

  // Signed in: the records page, reached with the session cookie the login API hands out.
  const portal_test::HttpClient http(m_portal.url());
  const auto res = http.request(
      "POST", "/api/login",
      nlohmann::json{{"email", "alice@acme.test"}, {"password", "portal-demo-password"}}.dump());
  ASSERT_EQ(res.status, 200) << res.body;
  const auto token = nlohmann::json::parse(res.body, nullptr, false).value("token", "");
  ASSERT_FALSE(token.empty()) << res.body;
  const auto records = visit({.url = m_portal.url() + "/records",
                              .cookies = {BrowserCookie{.name = "session", .value = token}}});
  EXPECT_EQ(records.status, 200);
  EXPECT_EQ(records.url, m_portal.url() + "/records"); // not sent back to sign in
  ASSERT_TRUE(records.lcp_ms.has_value());
  EXPECT_LT(*records.lcp_ms, 2500);
  EXPECT_EQ(records.lcp_element, k_notice);

  // A cold visit forgets that cookie: the page asks to sign in (401).
  const auto signed_out = visit({.url = m_portal.url() + "/records"});
  EXPECT_EQ(signed_out.status, 401);
}

TEST_F(ChromiumBrowserTest, SlowPageFlawDelaysLargestContentfulPast3Seconds) {
  start_portal({"--flaw", "slow-page"});
  launch(only(m_portal.url()));

  const auto page = visit({.url = m_portal.url() + "/"});
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(page.loaded);
  EXPECT_TRUE(page.network_quiet); // waited for the late script, not just the first paint
  ASSERT_TRUE(page.lcp_ms.has_value());
  EXPECT_GE(*page.lcp_ms, 3000);
  EXPECT_EQ(page.lcp_element, k_notice);
  // The placeholder painted long before: the script does not block rendering.
  ASSERT_TRUE(page.fcp_ms.has_value());
  EXPECT_LT(*page.fcp_ms, 2000);
  EXPECT_TRUE(contains(page.scripts, m_portal.url() + "/notice.js"));
}

TEST_F(ChromiumBrowserTest, OutOfScopeRequestsAreRefusedInTheBrowser) {
  lg::test::LoopbackServer other(
      [](const std::string&) { return http_answer(200, "text/javascript", "var x = 1;\n"); });
  const auto foreign_script = other.url("/x.js");
  const auto foreign_image = other.url("/y.png");
  const auto foreign_origin = other.url("");
  const auto ws_url = "ws://127.0.0.1:" + std::to_string(other.port()) + "/socket";
  lg::test::LoopbackServer site([&](const std::string& head) {
    const auto path = request_path(head);
    if (path == "/worker.js") { // a worker's own requests are intercepted too
      return http_answer(200, "text/javascript",
                         "fetch('" + other.url("/from-worker") +
                             "').catch(() => {});\n"
                             "try { new WebSocket('" +
                             ws_url + "'); } catch (e) {}\n");
    }
    if (path == "/page.js") {
      return http_answer(200, "text/javascript",
                         "new Worker('/worker.js');\n"
                         "try { new WebSocket('" +
                             ws_url +
                             "'); } catch (e) {}\n"
                             "fetch('" +
                             other.url("/from-page") + "').catch(() => {});\n");
    }
    if (path != "/") {
      return http_answer(404, "text/plain", "not found");
    }
    return http_answer(200, "text/html; charset=utf-8",
                       "<!doctype html><title>t</title><link rel=\"preconnect\" href=\"" +
                           foreign_origin + "\"><link rel=\"dns-prefetch\" href=\"" +
                           foreign_origin + "\"><p>Hello from the scoped site.</p><img src=\"" +
                           foreign_image + "\" alt=\"\"><iframe src=\"" + other.url("/frame") +
                           "\"></iframe><script src=\"" + foreign_script +
                           "\"></script><script src=\"/page.js\"></script>");
  });
  const auto origin = site.url("");
  launch(only(origin));

  const auto page = visit({.url = site.url("/")});
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.blocked, foreign_script)) << ::testing::PrintToString(page.blocked);
  EXPECT_TRUE(contains(page.blocked, foreign_image)) << ::testing::PrintToString(page.blocked);
  EXPECT_FALSE(contains(page.scripts, foreign_script));
  EXPECT_EQ(other.connections(), 0);

  // A page outside the scope is not visited at all.
  auto outside = m_browser->visit({.url = other.url("/"), .timeout = milliseconds(5000)});
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().kind, lg::ErrorKind::out_of_scope);
  EXPECT_EQ(other.connections(), 0);
}

TEST_F(ChromiumBrowserTest, CollectsScriptsAndTheirSourceMaps) {
  lg::test::LoopbackServer site([](const std::string& head) {
    const auto path = request_path(head);
    if (path == "/") {
      return http_answer(200, "text/html; charset=utf-8",
                         "<!doctype html><title>t</title><p>Bundled page.</p>"
                         "<script src=\"/app.js\"></script>");
    }
    if (path == "/app.js") {
      return http_answer(200, "text/javascript",
                         "document.title = 'ready';\n//# sourceMappingURL=app.js.map\n");
    }
    return http_answer(404, "text/plain", "not found");
  });
  launch(only(site.url("")));

  const auto page = visit({.url = site.url("/")});
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.scripts, std::vector<std::string>{site.url("/app.js")});
  EXPECT_EQ(page.source_maps, std::vector<std::string>{site.url("/app.js.map")});
  EXPECT_TRUE(page.blocked.empty());
}

TEST_F(ChromiumBrowserTest, AnUnreachablePageIsAnError) {
  // A port nothing listens on: a loopback server started and stopped.
  std::string url;
  {
    lg::test::LoopbackServer gone([](const std::string&) { return std::string(); });
    url = gone.url("/");
  }
  launch({});
  auto page = m_browser->visit({.url = url, .timeout = milliseconds(5000)});
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, lg::ErrorKind::network);
  EXPECT_NE(page.error().message.find("net::ERR_CONNECTION_REFUSED"), std::string::npos)
      << page.error().message;
}

TEST_F(ChromiumBrowserTest, ASilentServerTimesOutAndADeadBrowserIsAnError) {
  lg::test::LoopbackServer silent([](const std::string&) { return std::string(); });
  launch({});
  const auto started = std::chrono::steady_clock::now();
  auto page = m_browser->visit({.url = silent.url("/"), .timeout = milliseconds(1500)});
  ASSERT_FALSE(page);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_NE(page.error().message.find("no response within 1500 ms"), std::string::npos)
      << page.error().message;

  // The browser killed in the middle of a visit: an error at once, not at the timeout.
  std::thread killer([pid = m_browser->pid()] {
    std::this_thread::sleep_for(milliseconds(500));
    kill(pid, SIGKILL);
  });
  const auto second = std::chrono::steady_clock::now();
  auto dead = m_browser->visit({.url = silent.url("/"), .timeout = milliseconds(8000)});
  killer.join();
  ASSERT_FALSE(dead);
  EXPECT_LT(std::chrono::steady_clock::now() - second, std::chrono::seconds(4));
  EXPECT_EQ(dead.error().kind, lg::ErrorKind::network);
  auto after = m_browser->visit({.url = silent.url("/")});
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().message.find("not running"), std::string::npos) << after.error().message;
}

// --- failures at launch (no Chromium needed) ----------------------------------------------------

TEST(ChromiumLaunchTest, MissingExecutableSaysHowToInstall) {
  auto browser = ChromiumBrowser::launch({.executable = "/nonexistent/chromium"});
  ASSERT_FALSE(browser);
  EXPECT_EQ(browser.error().kind, lg::ErrorKind::config);
  EXPECT_NE(browser.error().message.find("apt-get install chromium"), std::string::npos)
      << browser.error().message;
  EXPECT_NE(browser.error().message.find("/nonexistent/chromium"), std::string::npos);

  auto by_name = ChromiumBrowser::launch({.executable = "launchgate-no-such-browser"});
  ASSERT_FALSE(by_name);
  EXPECT_NE(by_name.error().message.find("apt-get install chromium"), std::string::npos);
}

// A stand-in "browser": a shell script in a temp dir.
class FakeBrowser {
public:
  explicit FakeBrowser(const std::string& body) {
    char dir[] = "/tmp/lg-fake-chromium-XXXXXX";
    m_dir = mkdtemp(dir) != nullptr ? dir : "";
    path = m_dir + "/chromium";
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  ~FakeBrowser() {
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }
  FakeBrowser(const FakeBrowser&) = delete;
  FakeBrowser& operator=(const FakeBrowser&) = delete;
  std::string path;

private:
  std::string m_dir;
};

TEST(ChromiumLaunchTest, ABrowserThatExitsIsAnError) {
  const FakeBrowser fake("echo 'no display here' >&2; exit 1");
  const auto started = std::chrono::steady_clock::now();
  auto browser = ChromiumBrowser::launch({.executable = fake.path});
  ASSERT_FALSE(browser);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(browser.error().kind, lg::ErrorKind::network);
  EXPECT_NE(browser.error().message.find("no display here"), std::string::npos)
      << browser.error().message;
}

TEST(ChromiumLaunchTest, ASilentBrowserTimesOut) {
  const FakeBrowser fake("exec sleep 30");
  const auto started = std::chrono::steady_clock::now();
  auto browser =
      ChromiumBrowser::launch({.executable = fake.path, .launch_timeout = milliseconds(700)});
  ASSERT_FALSE(browser);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_NE(browser.error().message.find("did not answer"), std::string::npos)
      << browser.error().message;
}

} // namespace
