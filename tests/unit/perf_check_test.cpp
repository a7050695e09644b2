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
      if (!r.actions.empty() && r.actions.back().action == q.action)
        continue; // one action's requests add up, as the engine counts them
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
perf: {users: 50, think_time: 500ms, duration: 20s, warmup: 2s, p95_ms: 300}
actions:
  - {name: list, method: GET, path: /api/records}
  - {name: save, method: POST, path: /api/records, json: {title: t}}
  - {name: search, path: "/api/search?q=x", as: alice}
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
      // A small records API for the harvest and the default actions.
      auto json = [&r](const std::string& body) {
        r.headers.push_back({"Content-Type", "application/json"});
        r.body = body;
      };
      auto path = req.url.substr(req.url.find("/api/"));
      if (path == "/api/throttled-login")
        r.status = 429;
      if (req.method == "GET" && path == "/api/records")
        json(R"([{"id": 11, "title": "Quarterly invoice"}, {"id": 12, "title": "Payroll"}])");
      else if (req.method == "GET" && path.starts_with("/api/records/"))
        json(R"({"id": )" + path.substr(13) + R"(, "title": "Quarterly invoice"})");
      else if (req.method == "POST" && path == "/api/records") {
        r.status = 201;
        json(R"({"id": 99, "title": "made"})");
      } else if (req.method == "DELETE")
        r.status = 204;
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

TEST(PerfCheck, AnUpdateOfAFixedObjectIsLeftOutEvenWithAllowWrites) {
  World world(std::string(k_config) +
                  "  - {name: rename, method: PUT, path: /api/records/7, json: {title: x}}\n",
              true);
  auto r = world.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  for (const auto& q : world.runner.asked_mix)
    EXPECT_NE(q.action, "rename");
  EXPECT_NE(r.reason.find("rename (PUT /api/records/7 changes an object launchgate did not "
                          "create"),
            std::string::npos)
      << r.reason;
}

TEST(PerfCheck, TheLimitComesFromTheConfig) {
  World world(k_config);
  world.runner.latency_us = 350'000; // over perf.p95_ms 300, under the default 500
  auto r = world.run();
  EXPECT_EQ(r.status, Status::fail);
  EXPECT_EQ(r.findings.size(), 2u);
}

TEST(PerfCheck, WithoutActionsOrAccountsItIsNotConfigured) {
  World none("target:\n  base_url: http://127.0.0.1:8080\n");
  auto skipped = none.run();
  EXPECT_EQ(skipped.status, Status::skip);
  EXPECT_EQ(skipped.skip_kind, SkipKind::not_configured);
  EXPECT_TRUE(none.runner.asked_mix.empty());
  EXPECT_NE(skipped.reason.find("no actions and no accounts"), std::string::npos) << skipped.reason;
}

TEST(PerfCheck, TemplatesAreFilledFromVarsAndHarvestedIdsAndShareTheirWeight) {
  World world(
      "api: {endpoints: [\"GET /api/records\", \"GET /api/records/{id}\"]}\n" +
      std::string(k_config) +
      R"(  - {name: find, path: "/api/search?q={term}", vars: {term: [tax, "a b", c]}, weight: 3}
  - {name: read, path: "/api/records/{rid}"}
)");
  ASSERT_EQ(world.config.actions.size(), 5u);
  auto r = world.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  std::vector<std::string> finds, reads;
  for (const auto& q : world.runner.asked_mix) {
    if (q.action == "find") {
      finds.push_back(q.target);
      EXPECT_DOUBLE_EQ(q.weight, 1.0); // 3 shared by three values
    } else if (q.action == "read") {
      reads.push_back(q.target);
      EXPECT_DOUBLE_EQ(q.weight, 0.5);
    }
  }
  EXPECT_EQ(finds, (std::vector<std::string>{"/app/api/search?q=tax", "/app/api/search?q=a%20b",
                                             "/app/api/search?q=c"}));
  // The ids alice read in the harvest (the list's two items).
  EXPECT_EQ(reads, (std::vector<std::string>{"/app/api/records/11", "/app/api/records/12"}));
  EXPECT_EQ(r.measurements.size(), 4u); // list, search, find, read: one each
}

TEST(PerfCheck, AnUnfilledTemplateIsLeftOutWithWhy) {
  World world(std::string(k_config) + "  - {name: item, path: \"/api/things/{thing}\"}\n");
  auto r = world.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("item (its path template needs ids, and there is no API description"),
            std::string::npos)
      << r.reason;
}

TEST(PerfCheck, TheLoginActionSendsTheAccountsOwnLoginWithoutASession) {
  World world(std::string(k_config) + "  - {name: login, login: true, weight: 0.5}\n");
  auto r = world.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  const auto& login = world.runner.asked_mix.back();
  EXPECT_EQ(login.action, "login");
  EXPECT_EQ(login.method, "POST");
  EXPECT_EQ(login.target, "/app/api/login");
  EXPECT_EQ(login.body, R"({"email":"a@acme.test","password":"pw"})");
  EXPECT_DOUBLE_EQ(login.weight, 0.5);
  for (const auto& [k, v] : login.headers)
    EXPECT_NE(k, "Cookie");
}

TEST(PerfCheck, ALoginThePortalThrottlesIsLeftOutNotBlamed) {
  std::string yaml = std::string(k_config) + "  - {name: login, login: true, as: bob}\n";
  yaml.insert(yaml.find("perf:"), "  - {name: bob, org: acme, role: staff, login: {method: POST, "
                                  "path: /api/throttled-login}}\n");
  World world(yaml);
  ASSERT_EQ(world.config.accounts.size(), 2u);
  auto r = world.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  for (const auto& q : world.runner.asked_mix)
    EXPECT_NE(q.action, "login");
  EXPECT_NE(r.reason.find("login (the portal answered a sign-in before the load with 429"),
            std::string::npos)
      << r.reason;
}

const char* k_described = R"(target:
  base_url: http://127.0.0.1:8080/app
accounts:
  - name: alice
    org: acme
    role: staff
    login: {method: POST, path: /api/login, json: {email: a@acme.test, password: pw}}
api:
  endpoints: ["GET /api/records", "POST /api/records", "GET /api/records/{id}",
              "PUT /api/records/{id}", "DELETE /api/records/{id}", "GET /api/search"]
perf: {users: 50, think_time: 500ms}
)";

TEST(PerfCheck, WithoutActionsTheCoreActionsAreFoundInTheApiDescription) {
  World world(k_described);
  auto r = world.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  std::map<std::string, std::vector<std::string>> found;
  for (const auto& q : world.runner.asked_mix)
    found[q.action].push_back(q.method + " " + q.target);
  EXPECT_EQ(found["login"], (std::vector<std::string>{"POST /app/api/login"}));
  EXPECT_EQ(found["list"], (std::vector<std::string>{"GET /app/api/records"}));
  EXPECT_EQ(found["read"],
            (std::vector<std::string>{"GET /app/api/records/11", "GET /app/api/records/12"}));
  EXPECT_EQ(found["search"], (std::vector<std::string>{"GET /app/api/search"}));
  EXPECT_FALSE(found.contains("save"));
  EXPECT_NE(r.reason.find("actions found in the API description: login (the login of alice), "
                          "list (GET /api/records), read (GET /api/records/{id}), search (GET "
                          "/api/search)"),
            std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("save (it writes: run with --allow-writes)"), std::string::npos);
}

TEST(PerfCheck, TheDefaultSaveWritesOnlyOnAnObjectItCreatedAndDeletesIt) {
  World world(k_described, true);
  auto r = world.run();
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  const perf::LoadRequest* save = nullptr;
  for (const auto& q : world.runner.asked_mix)
    if (q.action == "save")
      save = &q;
  ASSERT_NE(save, nullptr) << r.reason;
  EXPECT_EQ(save->method, "PUT");
  EXPECT_EQ(save->target, "/app/api/records/99"); // the record it created, never 11 or 12
  EXPECT_NE(save->body.find("launchgate-"), std::string::npos) << save->body; // its marker
  bool deleted = false;
  for (const auto& req : world.http.seen)
    deleted = deleted || (req.method == "DELETE" && req.url.ends_with("/api/records/99"));
  EXPECT_TRUE(deleted);
  EXPECT_EQ(r.reason.find("COULD NOT DELETE"), std::string::npos) << r.reason;
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
