// perf.lcp over a fake Browser: the visits it asks for (one cold warm-up, then lcp_runs with the
// cache kept, the account's session cookies, throttling), and the judge's verdict from what the
// visits measured: the median against the limit, error pages and blank pages, no browser.

#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "perf/lcp.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

namespace lg::checks {
namespace {

/// Answers each visit with the next LCP of `lcps` (cycling), and records the visits.
class FakeBrowser final : public net::Browser {
public:
  Expected<net::PageTiming> visit(const net::PageVisit& visit) override {
    visits.push_back(visit);
    if (failure)
      return unexpected(*failure);
    net::PageTiming t;
    t.url = visit.url;
    t.status = status;
    t.ttfb_ms = 4;
    t.fcp_ms = 40;
    const double lcp = lcps[(visits.size() - 1) % lcps.size()];
    if (lcp > 0)
      t.lcp_ms = lcp;
    t.lcp_element = "p#portal-notice.notice";
    t.loaded = true;
    t.network_quiet = true;
    return t;
  }
  std::vector<double> lcps{120};
  int status = 200;
  std::optional<Error> failure;
  std::vector<net::PageVisit> visits;
};

const char* k_config = R"(target:
  base_url: https://127.0.0.1:8443
accounts:
  - name: alice
    org: acme
    role: admin
    login: {method: POST, path: /api/login, json: {email: a@acme.test, password: pw}}
  - name: bob
    org: acme
    role: staff
    login: {method: POST, path: /api/login, json: {email: b@acme.test, password: pw}}
pages: [/, /records]
)";

struct World {
  explicit World(const std::string& yaml) {
    auto parsed = parse_config(yaml, "t", "");
    EXPECT_TRUE(parsed) << parsed.error().message;
    if (parsed)
      config = std::move(*parsed);
    http.handler = [](const net::HttpRequest& req) {
      net::HttpResponse r;
      r.status = 200;
      if (req.body.find("b@acme") != std::string::npos)
        r.headers.push_back({"Set-Cookie", "sid=bob-session; HttpOnly"});
      else if (req.url.find("/api/login") != std::string::npos)
        r.headers.push_back({"Set-Cookie", "sid=alice-session; HttpOnly"});
      return r;
    };
    context = std::make_unique<engine::Context>(
        config, engine::Services{http, clock, nullptr, nullptr, nullptr, nullptr, &browser},
        engine::RunOptions{});
  }
  CheckResult run() { return run_perf_lcp(*context, *find_check("perf.lcp")); }

  Config config;
  test::FakeHttp http;
  test::FakeClock clock;
  FakeBrowser browser;
  std::unique_ptr<engine::Context> context;
};

TEST(PerfLcp, EachPageIsVisitedColdOnceThenThreeTimesWithTheSessionCookie) {
  World w(k_config);
  auto r = w.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  ASSERT_EQ(w.browser.visits.size(), 8u); // 2 pages x (1 warm-up + 3)
  EXPECT_EQ(w.browser.visits[0].url, "https://127.0.0.1:8443/");
  EXPECT_TRUE(w.browser.visits[0].cold);
  for (size_t k = 1; k < 4; ++k)
    EXPECT_FALSE(w.browser.visits[k].cold) << k;
  EXPECT_EQ(w.browser.visits[4].url, "https://127.0.0.1:8443/records");
  EXPECT_TRUE(w.browser.visits[4].cold);
  ASSERT_EQ(w.browser.visits[0].cookies.size(), 1u);
  const auto& cookie = w.browser.visits[0].cookies[0];
  EXPECT_EQ(cookie.name, "sid");
  EXPECT_EQ(cookie.value, "alice-session"); // the first account
  EXPECT_TRUE(cookie.secure);               // an https target
  EXPECT_TRUE(cookie.http_only);
  ASSERT_EQ(r.measurements.size(), 2u);
  EXPECT_EQ(r.measurements[0]["page"], "/");
  EXPECT_EQ(r.measurements[0]["lcp_ms"], 120.0);
  EXPECT_EQ(r.measurements[0]["runs"], 3);
  EXPECT_EQ(r.measurements[0]["element"], "p#portal-notice.notice");
  EXPECT_NE(r.reason.find("as alice"), std::string::npos) << r.reason;
}

TEST(PerfLcp, TheMedianDecidesNotOneSlowVisit) {
  // Per page: warm-up 9000 (not judged), then 100, 4000, 200: median 200.
  World w(k_config);
  w.browser.lcps = {9000, 100, 4000, 200};
  auto r = w.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_EQ(r.measurements[0]["lcp_ms"], 200.0);
  EXPECT_EQ(r.measurements[0]["lcp_cold_ms"], 9000.0);
}

TEST(PerfLcp, AMedianAtTheLimitFailsWithTheElementAndEachVisit) {
  World w(std::string(k_config) + "perf: {lcp_ms: 2500, lcp_runs: 5, lcp_as: bob}\n");
  w.browser.lcps = {3100, 3100, 3120, 150, 3130, 160};
  auto r = w.run();
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  ASSERT_EQ(w.browser.visits.size(), 12u);
  EXPECT_EQ(w.browser.visits[0].cookies.at(0).value, "bob-session");
  ASSERT_FALSE(r.findings.empty());
  const auto& f = r.findings[0];
  EXPECT_NE(f.message.find("/: LCP 3.10 s (median of 5 visits) reaches the 2.50 s limit"),
            std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("p#portal-notice.notice"), std::string::npos) << f.message;
  EXPECT_EQ(f.evidence["lcp_runs_ms"].size(), 5u);
  EXPECT_EQ(f.evidence["page"], "/");
  EXPECT_FALSE(f.fingerprint.empty());
}

TEST(PerfLcp, APageThatPaintsNothingIsAFinding) {
  World w(k_config);
  w.browser.lcps = {-1};
  auto r = w.run();
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  EXPECT_NE(r.findings.at(0).message.find("no Largest Contentful Paint in 3 of 3 visits"),
            std::string::npos)
      << r.findings.at(0).message;
}

TEST(PerfLcp, AnErrorPageIsNotMeasured) {
  World w(k_config);
  w.browser.status = 401;
  auto r = w.run();
  ASSERT_EQ(r.status, Status::error) << r.reason;
  EXPECT_NE(r.reason.find("not measured: / answered 401"), std::string::npos) << r.reason;
}

TEST(PerfLcp, MissingChromiumIsASkipThatSaysHowToInstall) {
  World w(k_config);
  w.browser.failure = Error{ErrorKind::config, "no chromium: apt-get install chromium"};
  auto r = w.run();
  ASSERT_EQ(r.status, Status::skip) << r.reason;
  EXPECT_NE(r.reason.find("apt-get install chromium"), std::string::npos);
  w.browser.failure = Error{ErrorKind::network, "net::ERR_CONNECTION_REFUSED"};
  r = w.run();
  ASSERT_EQ(r.status, Status::error) << r.reason;
  EXPECT_NE(r.reason.find("/: net::ERR_CONNECTION_REFUSED"), std::string::npos) << r.reason;
}

TEST(PerfLcp, WithoutPagesOrBrowserItIsNotConfigured) {
  World w("target: {base_url: http://127.0.0.1:8080}\n");
  EXPECT_EQ(w.run().status, Status::skip);
  EXPECT_TRUE(w.browser.visits.empty());
}

TEST(PerfLcp, ThrottlingAndSettingsReachTheVisits) {
  World w(std::string(k_config) +
          "perf: {cpu_slowdown: 4, network: {latency: 150ms, download_kbps: 1600}}\n");
  auto r = w.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  const auto& v = w.browser.visits.at(0);
  EXPECT_EQ(v.cpu_slowdown, 4);
  EXPECT_EQ(v.network.latency_ms, 150);
  EXPECT_EQ(v.network.download_bytes_per_s, 200'000);
  EXPECT_NE(r.reason.find("CPU 4x slower"), std::string::npos) << r.reason;
}

TEST(PerfLcp, SettingsOutOfRangeAreConfigErrors) {
  for (const char* bad :
       {"perf: {lcp_runs: 2}\n", "perf: {lcp_as: mallory}\n", "perf: {cpu_slowdown: 0.5}\n",
        "perf: {network: {download_kbps: 0}}\n", "perf: {network: {latency: forever}}\n"}) {
    auto parsed = parse_config(std::string(k_config) + bad, "t", "");
    EXPECT_FALSE(parsed) << bad;
  }
}

} // namespace
} // namespace lg::checks
