// The monitor's engine over fakes: probes judged by their conditions, sessions kept and renewed,
// alerts once per outage and once per recovery across a restart, DNS and TLS checks, and the
// run loop on a fast clock.

#include "core/config.hpp"
#include "monitor/runner.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <mutex>

namespace lg {
namespace {

using monitor::AlertEvent;
using monitor::AlertKind;
using monitor::CheckRun;

/// The portal the fakes play: a home page, a health route, a login and a signed-in page.
struct FakePortal {
  std::mutex lock;
  bool up = true;
  std::string session = "sid-1"; ///< the cookie value the signed-in page accepts
  int logins = 0;
  int requests = 0;

  Expected<net::HttpResponse> answer(const net::HttpRequest& r) {
    std::lock_guard guard(lock);
    ++requests;
    if (!up)
      return unexpected(ErrorKind::network, "connect to 127.0.0.1 port 8080 failed: refused");
    net::HttpResponse res;
    res.url = r.url;
    if (r.url.ends_with("/api/login")) {
      ++logins;
      res.status = 200;
      res.headers.push_back({"Set-Cookie", "sid=" + session + "; Path=/; HttpOnly"});
      res.body = R"({"ok":true})";
    } else if (r.url.ends_with("/records")) {
      bool signed_in = false;
      for (const auto& h : r.headers)
        signed_in = signed_in ||
                    (h.name == "Cookie" && h.value.find("sid=" + session) != std::string::npos);
      res.status = signed_in ? 200 : 401;
      res.body = signed_in ? "<h1>Your records</h1>" : "sign in";
    } else if (r.url.ends_with("/api/health")) {
      res.status = 200;
      res.body = R"({"status":"ok","database":"ok"})";
    } else {
      res.status = 200;
      res.body = "<html>portal</html>";
    }
    return res;
  }
};

class Forward final : public net::HttpClient {
public:
  explicit Forward(FakePortal& portal) : m_portal(portal) {}
  Expected<net::HttpResponse> send(const net::HttpRequest& request) override {
    return m_portal.answer(request);
  }

private:
  FakePortal& m_portal;
};

/// A clock that jumps to whatever time is slept until; `on_sleep` may stop the monitor.
class FastClock final : public monitor::MonitorClock {
public:
  std::atomic<std::int64_t> now{1'800'000'000'000};
  std::function<void(std::int64_t)> on_sleep;
  std::int64_t now_ms() override { return now.load(); }
  void sleep_until(std::int64_t at_ms) override {
    if (woken.load())
      return;
    std::int64_t cur = now.load();
    while (at_ms > cur && !now.compare_exchange_weak(cur, at_ms)) {
    }
    if (on_sleep)
      on_sleep(now.load());
  }
  void wake() override { woken = true; }
  std::atomic<bool> woken{false};
};

Config config_of(const std::string& monitor) {
  auto c = parse_config(R"(target: {base_url: "http://127.0.0.1:8080"}
accounts:
  - {name: alice, org: acme, role: member, login: {path: /api/login, json: {email: a@acme.test, password: pw}}}
)" + monitor,
                        "lg.yaml", "");
  EXPECT_TRUE(c) << c.error().message;
  return c ? *c : Config{};
}

monitor::ProbeServices services_for(FakePortal& portal) {
  monitor::ProbeServices s;
  s.make_http = [&portal](std::int64_t) -> std::unique_ptr<net::HttpClient> {
    return std::make_unique<Forward>(portal);
  };
  return s;
}

struct Alerts {
  std::mutex lock;
  std::vector<AlertEvent> events;
  monitor::AlertSink sink() {
    return [this](const AlertEvent& e, const CheckRun*) {
      std::lock_guard guard(lock);
      events.push_back(e);
    };
  }
  int count(AlertKind kind) {
    std::lock_guard guard(lock);
    return static_cast<int>(std::count_if(events.begin(), events.end(),
                                          [&](const AlertEvent& e) { return e.kind == kind; }));
  }
};

TEST(MonitorRunner, ChecksAreJudgedByTheirConditionsAndRecorded) {
  FakePortal portal;
  auto config = config_of(R"(monitor:
  checks:
    - {name: home, url: /, expect: "status == 200 && body contains portal"}
    - {name: health, url: /api/health, expect: "json $.database == \"ok\" && latency < 5s"}
    - {name: records, as: alice, url: /records, expect: "body contains \"Your records\""}
    - {name: strict, url: /, expect: "status == 201"}
)");
  auto plan = monitor::make_plan(config);
  ASSERT_TRUE(plan) << plan.error().message;
  auto store = monitor::MonitorStore::open(":memory:");
  ASSERT_TRUE(store);
  FastClock clock;
  Alerts alerts;
  monitor::Monitor mon(config, *plan, services_for(portal), *store, clock, alerts.sink());
  auto runs = mon.run_once();
  ASSERT_TRUE(runs) << runs.error().message;
  ASSERT_EQ(runs->size(), 4u);
  EXPECT_TRUE((*runs)[0].ok) << (*runs)[0].message;
  EXPECT_TRUE((*runs)[1].ok) << (*runs)[1].message;
  EXPECT_TRUE((*runs)[2].ok) << (*runs)[2].message;
  EXPECT_FALSE((*runs)[3].ok);
  EXPECT_EQ((*runs)[3].message, "status 200 is not == 201");
  EXPECT_EQ((*runs)[3].status, 200);
  for (const char* name : {"home", "health", "records", "strict"}) {
    auto last = store->last(name);
    ASSERT_TRUE(last && *last) << name;
    EXPECT_EQ((*last)->at_ms, clock.now.load());
  }
  // The session is kept from one run to the next: one login for two runs.
  ASSERT_TRUE(mon.run_once());
  EXPECT_EQ(portal.logins, 1);
  EXPECT_EQ(mon.runs(), 8);
}

TEST(MonitorRunner, AnEndedSessionIsRenewedByLoggingInAgain) {
  FakePortal portal;
  auto config = config_of("monitor:\n  checks: [{name: records, as: alice, url: /records, "
                          "expect: \"status == 200\"}]\n");
  auto plan = monitor::make_plan(config);
  ASSERT_TRUE(plan);
  auto store = monitor::MonitorStore::open(":memory:");
  FastClock clock;
  monitor::Monitor mon(config, *plan, services_for(portal), *store, clock, nullptr);
  ASSERT_TRUE((*mon.run_once())[0].ok);
  portal.session = "sid-2"; // the portal forgot every session (a deploy, an expiry)
  auto again = mon.run_once();
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)[0].ok) << (*again)[0].message;
  EXPECT_EQ(portal.logins, 2);
}

TEST(MonitorRunner, OneAlertPerOutageAndPerRecoveryEvenAcrossARestart) {
  FakePortal portal;
  auto config = config_of("monitor:\n  checks: [{name: home, url: /}]\n"
                          "  alerts: {failure_threshold: 3, success_threshold: 2}\n");
  auto plan = monitor::make_plan(config);
  ASSERT_TRUE(plan);
  auto store = monitor::MonitorStore::open(":memory:");
  FastClock clock;
  Alerts alerts;
  {
    monitor::Monitor mon(config, *plan, services_for(portal), *store, clock, alerts.sink());
    ASSERT_TRUE(mon.restore());
    ASSERT_TRUE(mon.run_once());
    portal.up = false;
    for (int i = 0; i < 5; ++i) {
      clock.now += 60000;
      auto runs = mon.run_once();
      ASSERT_TRUE(runs);
      EXPECT_FALSE((*runs)[0].ok);
      EXPECT_NE((*runs)[0].message.find("refused"), std::string::npos) << (*runs)[0].message;
      EXPECT_EQ(alerts.count(AlertKind::down), i >= 2 ? 1 : 0) << i;
    }
  }
  auto open = store->open_incidents();
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].check, "home");
  EXPECT_NE((*open)[0].cause.find("refused"), std::string::npos);

  // A new monitor on the same history: still down, no second alert; then one recovery.
  monitor::Monitor again(config, *plan, services_for(portal), *store, clock, alerts.sink());
  ASSERT_TRUE(again.restore());
  for (int i = 0; i < 3; ++i) {
    clock.now += 60000;
    ASSERT_TRUE(again.run_once());
  }
  EXPECT_EQ(alerts.count(AlertKind::down), 1);
  portal.up = true;
  for (int i = 0; i < 4; ++i) {
    clock.now += 60000;
    ASSERT_TRUE(again.run_once());
  }
  EXPECT_EQ(alerts.count(AlertKind::down), 1);
  EXPECT_EQ(alerts.count(AlertKind::up), 1);
  EXPECT_TRUE(store->open_incidents()->empty());
  auto incidents = store->incidents(0, 10);
  ASSERT_TRUE(incidents);
  ASSERT_EQ(incidents->size(), 1u);
  EXPECT_FALSE((*incidents)[0].open());
}

TEST(MonitorRunner, TheLoopRunsEachCheckAtItsIntervalUntilStopped) {
  FakePortal portal;
  auto config = config_of("monitor:\n  interval: 10s\n  checks:\n"
                          "    - {name: home, url: /}\n"
                          "    - {name: health, url: /api/health, interval: 30s}\n");
  auto plan = monitor::make_plan(config);
  ASSERT_TRUE(plan);
  auto store = monitor::MonitorStore::open(":memory:");
  FastClock clock;
  const std::int64_t start = clock.now.load();
  monitor::Monitor mon(config, *plan, services_for(portal), *store, clock, nullptr, 1);
  clock.on_sleep = [&](std::int64_t now) {
    if (now >= start + 600000) // ten simulated minutes
      mon.stop();
  };
  mon.run();
  auto home = store->uptime("home", start, start + 600000);
  auto health = store->uptime("health", start, start + 600000);
  ASSERT_TRUE(home && health);
  EXPECT_EQ(home->total, 60);
  EXPECT_EQ(health->total, 20);
  EXPECT_EQ(home->ok, home->total);
}

class FakeResolver final : public net::Resolver {
public:
  Expected<net::DnsAnswer> query(const std::string& name, net::RrType type) override {
    net::DnsAnswer a;
    if (name != "app.example.com") {
      a.status = net::DnsStatus::nxdomain;
      return a;
    }
    if (type == net::RrType::a)
      a.records.push_back({name, net::RrType::a, 300, "192.0.2.10", {}});
    return a;
  }
};

class FakeTls final : public net::TlsProber {
public:
  std::int64_t not_after = 0;
  std::string asked_address;
  Expected<net::TlsHandshake> handshake(const net::TlsTarget& target,
                                        const net::TlsOffer&) override {
    asked_address = target.address;
    net::TlsHandshake h;
    h.outcome = net::TlsOutcome::connected;
    h.verified = true;
    h.name_covered = target.host == "app.example.com";
    net::CertInfo leaf;
    leaf.not_after = not_after;
    h.chain.push_back(leaf);
    return h;
  }
  Expected<std::string> exchange(const net::TlsTarget&, std::string_view, std::size_t) override {
    return std::string();
  }
};

TEST(MonitorRunner, DnsAndTlsChecksAreJudged) {
  auto config = config_of(R"(domain: {names: [app.example.com]}
monitor:
  checks:
    - {name: a, dns: app.example.com, expect: "dns.answer == 192.0.2.10"}
    - {name: gone, dns: old.example.com}
    - {name: cert, tls: app.example.com, expect: "cert_expiry > 14d"}
)");
  auto plan = monitor::make_plan(config);
  ASSERT_TRUE(plan) << plan.error().message;
  FakeResolver resolver;
  FakeTls tls;
  tls.not_after = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count() +
                  10 * 86400;
  monitor::ProbeServices services;
  services.resolver = &resolver;
  services.tls = &tls;
  auto store = monitor::MonitorStore::open(":memory:");
  FastClock clock;
  monitor::Monitor mon(config, *plan, services, *store, clock, nullptr);
  auto runs = mon.run_once();
  ASSERT_TRUE(runs);
  EXPECT_TRUE((*runs)[0].ok) << (*runs)[0].message;
  EXPECT_FALSE((*runs)[1].ok);
  EXPECT_NE((*runs)[1].message.find("NXDOMAIN"), std::string::npos) << (*runs)[1].message;
  EXPECT_FALSE((*runs)[2].ok);
  EXPECT_NE((*runs)[2].message.find("cert_expiry"), std::string::npos) << (*runs)[2].message;
  EXPECT_EQ(tls.asked_address, "192.0.2.10");
}

} // namespace
} // namespace lg
