// perf.api-latency against the sample portal on loopback, through the real load engine: with
// --flaw slow-search (800 ms per search) the search action's p95 reaches the limit and fails;
// without it both actions pass. A run the instrument calls unreliable (a machine too busy for
// launchgate to keep its schedule) is skipped, never passed or failed.

#include "app/lazy_browser.hpp"
#include "app/portal_process.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "engine/context.hpp"
#include "net/impl/curl_http.hpp"
#include "perf/impl/epoll_load.hpp"

#include <gtest/gtest.h>

namespace lg::checks {
namespace {

/// `check` of the perf gate against the portal started with `flaws`, with the real load engine
/// and headless Chromium (limited to the portal's origin).
CheckResult perf_run(const std::vector<std::string>& flaws,
                     const char* check = "perf.api-latency") {
  app::PortalProcess portal;
  app::PortalOptions options;
  options.binary = LG_PORTAL_BIN;
  options.flaws = flaws;
  options.seed_password = "perf-test-password";
  auto started = portal.start(options);
  EXPECT_TRUE(started) << started.error().message;
  if (!started)
    return {};
  auto config =
      parse_config("target:\n  base_url: " + portal.base_url() +
                       "\naccounts:\n  - name: alice\n    org: acme\n    role: admin\n    login: "
                       "{method: POST, path: /api/login, json: "
                       "{email: alice@acme.test, password: perf-test-password}}\n"
                       "actions:\n  - {name: list_records, path: \"/api/records?limit=10\"}\n"
                       "  - {name: search, path: \"/api/search?q=report\"}\n"
                       "perf: {users: 50, think_time: 500ms, duration: 3s, warmup: 500ms}\n"
                       "pages: [/records]\n",
                   "t", "");
  EXPECT_TRUE(config) << config.error().message;
  if (!config)
    return {};
  net::CurlHttpClient http{{}};
  net::SystemClock clock;
  perf::EpollLoadRunner load;
  const std::string origin = portal.base_url();
  app::LazyBrowser browser([&origin](std::string_view url) { return url.starts_with(origin); });
  engine::Context context(
      *config, engine::Services{http, clock, nullptr, nullptr, nullptr, &load, &browser}, {});
  const auto* meta = find_check(check);
  return std::string_view(check) == "perf.lcp" ? run_perf_lcp(context, *meta)
                                               : run_perf_api_latency(context, *meta);
}

bool unreliable(const CheckResult& r) {
  return r.status == Status::error && r.reason.find("unreliable measurement") != std::string::npos;
}

TEST(PerfPortal, SlowSearchFailsItsP95) {
  auto r = perf_run({"slow-search"});
  if (unreliable(r))
    GTEST_SKIP() << r.reason;
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  // Each user's connection carries both actions, so a list due behind a slow search waits too
  // (its latency counts from when it was due): list_records may fail beside search.
  const Finding* search = nullptr;
  for (const auto& f : r.findings)
    if (f.evidence["action"] == "search")
      search = &f;
  ASSERT_NE(search, nullptr) << r.reason;
  EXPECT_NE(search->message.find("search: p95 "), std::string::npos) << search->message;
  EXPECT_GE(search->evidence["p95_ms"].get<double>(), 800.0);
  EXPECT_EQ(search->evidence["path"], "/api/search?q=report");
}

TEST(PerfPortal, WithoutTheFlawBothActionsPass) {
  auto r = perf_run({});
  if (unreliable(r))
    GTEST_SKIP() << r.reason;
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  ASSERT_EQ(r.measurements.size(), 2u);
  for (const auto& m : r.measurements) {
    EXPECT_GE(m["count"].get<int>(), 100) << m.dump(); // 100 requests/s for 3 s, two actions
    EXPECT_EQ(m["errors"], 0) << m.dump();
  }
}

bool no_chromium(const CheckResult& r) {
  return r.status == Status::skip && r.reason.find("chromium") != std::string::npos;
}

TEST(PerfPortal, SlowPageFailsItsLcp) {
  auto r = perf_run({"slow-page"}, "perf.lcp");
  if (no_chromium(r))
    GTEST_SKIP() << r.reason;
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u) << r.reason;
  const auto& f = r.findings[0];
  EXPECT_NE(f.message.find("/records: LCP 3."), std::string::npos) << f.message;
  EXPECT_EQ(f.evidence["element"], "p#portal-notice.notice") << f.evidence.dump();
  EXPECT_GE(f.evidence["lcp_ms"].get<double>(), 3000.0);
  EXPECT_LT(f.evidence["fcp_ms"].get<double>(), 1000.0); // the placeholder painted early
}

TEST(PerfPortal, WithoutTheFlawTheSignedInPagePassesItsLcp) {
  auto r = perf_run({}, "perf.lcp");
  if (no_chromium(r))
    GTEST_SKIP() << r.reason;
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  ASSERT_EQ(r.measurements.size(), 1u);
  const auto& m = r.measurements[0];
  EXPECT_EQ(m["page"], "/records");
  EXPECT_EQ(m["status"], 200); // signed in as alice: the records, not the login page
  EXPECT_LT(m["lcp_ms"].get<double>(), 1000.0) << m.dump();
  EXPECT_NE(r.reason.find("as alice"), std::string::npos) << r.reason;
}

} // namespace
} // namespace lg::checks
