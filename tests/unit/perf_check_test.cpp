// perf.api-latency over a fake LoadRunner: the profile it asks for (users, rate from the think
// time, durations), each action with its account's session and body, writes left out without
// --allow-writes, https targets not measured, and the judge's verdict on what the runner says.

#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "perf/load.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

namespace lg::checks {
namespace {

/// Records what it was asked and answers every action with `latency_us` for `count` requests.
class FakeRunner final : public perf::LoadRunner {
public:
  Expected<perf::LoadResult> run(const perf::LoadTarget& target,
                                 const std::vector<perf::LoadRequest>& mix,
                                 const perf::LoadOptions& options) override {
    asked_target = target;
    asked_mix = mix;
    asked_options = options;
    perf::LoadResult r;
    r.seconds = 10;
    r.self.send_lag.record(100, 100);
    for (const auto& q : mix) {
      perf::ActionStats a;
      a.action = q.action;
      a.latency.record(latency_us, count);
      a.requests = count;
      a.statuses[200] = count;
      r.actions.push_back(a);
    }
    return r;
  }
  std::int64_t latency_us = 20'000;
  std::int64_t count = 500;
  perf::LoadTarget asked_target;
  std::vector<perf::LoadRequest> asked_mix;
  perf::LoadOptions asked_options;
};

const char* k_config = R"(target:
  base_url: http://127.0.0.1:8080/app
accounts:
  - name: alice
    org: acme
    role: admin
    login: {method: POST, path: /api/login, json: {email: a@acme.test, password: pw}}
actions:
  - {name: list, method: GET, path: /api/records}
  - {name: save, method: POST, path: /api/records, json: {title: t}}
  - {name: search, path: "/api/search?q=x", as: alice}
perf: {users: 50, think_time: 500ms, duration: 20s, warmup: 2s, p95_ms: 300}
)";

struct World {
  explicit World(const std::string& yaml, bool allow_writes = false) {
    auto parsed = parse_config(yaml, "t", "");
    EXPECT_TRUE(parsed) << parsed.error().message;
    if (parsed)
      config = std::move(*parsed);
    http.handler = [](const net::HttpRequest& req) {
      net::HttpResponse r;
      r.status = 200;
      if (req.url.find("/api/login") != std::string::npos)
        r.headers.push_back({"Set-Cookie", "sid=s3cr3t-session; HttpOnly"});
      return r;
    };
    engine::RunOptions options;
    options.allow_writes = allow_writes;
    context = std::make_unique<engine::Context>(
        config, engine::Services{http, clock, nullptr, nullptr, nullptr, &runner}, options);
  }
  CheckResult run() { return run_perf_api_latency(*context, *find_check("perf.api-latency")); }

  Config config;
  test::FakeHttp http;
  test::FakeClock clock;
  FakeRunner runner;
  std::unique_ptr<engine::Context> context;
};

TEST(PerfCheck, TheProfileAndEachActionWithItsSession) {
  World world(k_config);
  auto r = world.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  const auto& o = world.runner.asked_options;
  EXPECT_EQ(o.connections, 50);
  EXPECT_DOUBLE_EQ(o.rate, 100.0); // 50 users, one action each per 0.5 s
  EXPECT_EQ(o.duration.count(), 20000);
  EXPECT_EQ(o.warmup.count(), 2000);
  EXPECT_EQ(world.runner.asked_target.address, "127.0.0.1");
  EXPECT_EQ(world.runner.asked_target.port, 8080);
  EXPECT_EQ(world.runner.asked_target.host, "127.0.0.1:8080");
  ASSERT_EQ(world.runner.asked_mix.size(), 2u); // save is a write
  const auto& list = world.runner.asked_mix[0];
  EXPECT_EQ(list.action, "list");
  EXPECT_EQ(list.target, "/app/api/records"); // under the base URL's path
  bool cookie = false;
  for (const auto& [k, v] : list.headers)
    cookie = cookie || (k == "Cookie" && v == "sid=s3cr3t-session");
  EXPECT_TRUE(cookie) << "the first account's session";
  EXPECT_EQ(world.runner.asked_mix[1].target, "/app/api/search?q=x");
  EXPECT_NE(r.reason.find("50 users at 100 requests/s for 20 s after a 2 s warm-up"),
            std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("not measured: save (POST writes: run with --allow-writes)"),
            std::string::npos)
      << r.reason;
  EXPECT_EQ(r.measurements.size(), 2u);
}

TEST(PerfCheck, WritesJoinWithAllowWritesAndCarryTheirBody) {
  World world(k_config, true);
  ASSERT_EQ(world.run().status, Status::pass);
  ASSERT_EQ(world.runner.asked_mix.size(), 3u);
  const auto& save = world.runner.asked_mix[1];
  EXPECT_EQ(save.method, "POST");
  EXPECT_EQ(save.body, R"({"title":"t"})");
}

TEST(PerfCheck, TheLimitComesFromTheConfig) {
  World world(k_config);
  world.runner.latency_us = 350'000; // over perf.p95_ms 300, under the default 500
  auto r = world.run();
  EXPECT_EQ(r.status, Status::fail);
  EXPECT_EQ(r.findings.size(), 2u);
}

TEST(PerfCheck, WithoutActionsItIsNotConfigured) {
  World none("target:\n  base_url: http://127.0.0.1:8080\n");
  auto skipped = none.run();
  EXPECT_EQ(skipped.status, Status::skip);
  EXPECT_EQ(skipped.skip_kind, SkipKind::not_configured);
  EXPECT_TRUE(none.runner.asked_mix.empty());
}

TEST(PerfCheck, AnHttpsTargetIsLoadedOverTlsWithTheConfiguredTrustAnchors) {
  World tls("target:\n  base_url: https://127.0.0.1:8443\n"
            "actions:\n  - {name: list, path: /api/records}\n"
            "domain: {ca_file: certs/internal-ca.pem}\n");
  auto r = tls.run();
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  const auto& t = tls.runner.asked_target;
  EXPECT_TRUE(t.tls);
  EXPECT_TRUE(t.verify);
  EXPECT_EQ(t.sni, "127.0.0.1");
  EXPECT_EQ(t.host, "127.0.0.1:8443");
  EXPECT_EQ(t.port, 8443);
  EXPECT_EQ(t.ca_file, "certs/internal-ca.pem"); // resolved against the config's dir ("" here)
}

} // namespace
} // namespace lg::checks
