// `monitor:` in the config, and the plan the monitor makes of it: checks of each kind, alerts,
// maintenance windows, retention, and every mistake reported with its place.

#include "core/config.hpp"
#include "monitor/runner.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace lg {
namespace {

const char* k_head = R"(target: {base_url: "http://127.0.0.1:8080"}
accounts:
  - {name: alice, org: acme, role: admin, login: {path: /api/login, json: {email: a@acme.test, password: pw}}}
)";

Expected<Config> parse(const std::string& monitor) {
  return parse_config(std::string(k_head) + monitor, "lg.yaml", "/srv/portal");
}

/// The config errors of `monitor`, or "" when it loads.
std::string problems(const std::string& monitor) {
  auto c = parse(monitor);
  return c ? "" : c.error().message;
}

TEST(MonitorConfig, ReadsEveryKindOfCheckAlertsMaintenanceAndRetention) {
  auto c = parse(R"(monitor:
  interval: 2m
  timeout: 5s
  checks:
    - {name: home, url: /, expect: "status == 200 && latency < 800ms"}
    - {name: records, as: alice, url: /records, interval: 30s, headers: {X-Probe: yes}}
    - {name: dns, dns: App.Example.COM., type: aaaa, expect: "dns.rcode == NOERROR"}
    - {name: cert, tls: "127.0.0.1:8443", expect: "cert_expiry > 14d"}
  alerts:
    failure_threshold: 4
    success_threshold: 1
    reminder: 1h
    slow: {latency: 2s, count: 5}
    spike: {share: 0.5, window: 10m}
    webhook: https://hooks.example.com/portal
    slack: https://hooks.slack.example/T0/B0/x
    email: {smtp: "smtp.example.com:587", username: ops, password: pw, from: monitor@example.com, to: [ops@example.com]}
  maintenance:
    - {from: "2026-12-01T02:00:00Z", to: "2026-12-01T03:30:00+01:00"}
    - {weekly: sun, from: "23:00", to: "01:00"}
  retention: {results: 40d, incidents: 730d}
  store: data/monitor.db
  listen: 127.0.0.1:8099
  health: /api/health
)");
  ASSERT_TRUE(c) << c.error().message;
  const auto& m = c->monitor;
  EXPECT_TRUE(m.present);
  EXPECT_EQ(m.interval_ms, 120000);
  EXPECT_EQ(m.timeout_ms, 5000);
  ASSERT_EQ(m.checks.size(), 4u);
  EXPECT_EQ(m.checks[0].type, MonitorCheckType::http);
  EXPECT_EQ(m.checks[0].url, "http://127.0.0.1:8080/");
  EXPECT_EQ(m.checks[0].expect_line, 8);
  EXPECT_EQ(m.checks[1].as, "alice");
  EXPECT_EQ(m.checks[1].interval_ms, 30000);
  EXPECT_EQ(m.checks[1].headers.at("X-Probe"), "yes");
  EXPECT_EQ(m.checks[2].type, MonitorCheckType::dns);
  EXPECT_EQ(m.checks[2].dns_name, "app.example.com");
  EXPECT_EQ(m.checks[2].dns_type, "AAAA");
  EXPECT_EQ(m.checks[3].type, MonitorCheckType::tls);
  EXPECT_EQ(m.checks[3].tls_host, "127.0.0.1");
  EXPECT_EQ(m.checks[3].tls_port, 8443);
  EXPECT_EQ(m.alerts.failure_threshold, 4);
  EXPECT_EQ(m.alerts.success_threshold, 1);
  EXPECT_EQ(m.alerts.reminder_ms, 3600000);
  EXPECT_EQ(m.alerts.slow_ms, 2000);
  EXPECT_EQ(m.alerts.slow_count, 5);
  EXPECT_DOUBLE_EQ(m.alerts.spike_share, 0.5);
  EXPECT_EQ(m.alerts.spike_window_ms, 600000);
  ASSERT_TRUE(m.alerts.email);
  EXPECT_EQ(m.alerts.email->tls, "starttls");
  ASSERT_EQ(m.maintenance.size(), 2u);
  EXPECT_FALSE(m.maintenance[0].weekly);
  EXPECT_EQ(m.maintenance[0].start_ms, 1796090400000LL);         // 2026-12-01T02:00:00Z
  EXPECT_EQ(m.maintenance[0].end_ms, 1796090400000LL + 1800000); // 03:30+01:00 = 02:30Z
  EXPECT_TRUE(m.maintenance[1].weekly);
  EXPECT_EQ(m.maintenance[1].weekday, 0);
  EXPECT_EQ(m.maintenance[1].start_minute, 23 * 60);
  EXPECT_EQ(m.maintenance[1].end_minute, 60);
  EXPECT_EQ(m.keep_results_ms, 40LL * 86400000);
  EXPECT_EQ(c->resolve_path(m.store), "/srv/portal/data/monitor.db");
  EXPECT_EQ(m.listen, "127.0.0.1:8099");
  EXPECT_EQ(m.health, "/api/health");

  auto plan = monitor::make_plan(*c);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->checks.size(), 4u);
  EXPECT_EQ(plan->checks[0].interval_ms, 120000);
  EXPECT_EQ(plan->checks[1].interval_ms, 30000);
  EXPECT_EQ(plan->checks[0].kind, "http");
  EXPECT_EQ(plan->checks[2].target, "app.example.com AAAA");
  EXPECT_EQ(plan->checks[3].target, "127.0.0.1:8443");
  EXPECT_EQ(plan->checks[0].condition.clauses.size(), 2u);
  EXPECT_EQ(plan->policy.failure_threshold, 4);
  EXPECT_EQ(plan->policy.maintenance.size(), 2u);
  EXPECT_EQ(plan->title, "127.0.0.1");
  EXPECT_TRUE(plan->warnings.empty()) << join(plan->warnings, "\n");
}

TEST(MonitorConfig, DefaultsAreTheChecklists) {
  auto c = parse("monitor:\n  checks: [{name: home, url: /}]\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->monitor.interval_ms, 60000);
  EXPECT_EQ(c->monitor.alerts.failure_threshold, 3);
  EXPECT_EQ(c->monitor.alerts.success_threshold, 2);
  EXPECT_EQ(c->monitor.store, "monitor.db");
  auto plan = monitor::make_plan(*c);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->checks[0].condition.text, "connected && status < 400");
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_NE(plan->warnings[0].find("no channel"), std::string::npos);
  auto none = parse("");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->monitor.present);
}

TEST(MonitorConfig, ShortIntervalsAndLongTimeoutsAreWarnedAbout) {
  auto c = parse("monitor:\n  checks: [{name: home, url: /, interval: 1s, timeout: 5s}]\n"
                 "  alerts: {webhook: \"http://127.0.0.1:9/hook\"}\n");
  ASSERT_TRUE(c) << c.error().message;
  auto plan = monitor::make_plan(*c);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->warnings.size(), 2u);
  EXPECT_NE(plan->warnings[0].find("every 1 s"), std::string::npos) << plan->warnings[0];
  EXPECT_NE(plan->warnings[1].find("longer than its interval"), std::string::npos);
}

TEST(MonitorConfig, AnExpectThatDoesNotParseIsReportedAtItsPlace) {
  auto c = parse("monitor:\n  checks:\n    - {name: home, url: /, expect: \"status == 200 &&\"}\n");
  ASSERT_TRUE(c) << c.error().message;
  auto plan = monitor::make_plan(*c);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind, ErrorKind::config);
  EXPECT_NE(plan.error().message.find("lg.yaml:6:"), std::string::npos) << plan.error().message;
  EXPECT_NE(plan.error().message.find("monitor.checks 'home': expect: column"), std::string::npos)
      << plan.error().message;
}

TEST(MonitorConfig, NoChecksIsNoPlan) {
  auto c = parse("monitor:\n  interval: 60s\n");
  ASSERT_TRUE(c) << c.error().message;
  auto plan = monitor::make_plan(*c);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("lists no check"), std::string::npos);
}

TEST(MonitorConfig, MistakesAreEachReportedWithTheirLine) {
  struct Case {
    const char* monitor;
    const char* expected;
  };
  const Case cases[] = {
      {"monitor:\n  checks: [{name: a, url: /, dns: x.test}]\n", "exactly one of url"},
      {"monitor:\n  checks: [{name: a}]\n", "exactly one of url"},
      {"monitor:\n  checks: [{name: a, url: \"https://elsewhere.test/\"}]\n",
       "'elsewhere.test' is outside target.scope"},
      {"monitor:\n  checks: [{name: a, url: \"ftp://127.0.0.1/\"}]\n", "http:// or https://"},
      {"monitor:\n  checks: [{name: a, url: /, method: POST}]\n", "GET or HEAD"},
      {"monitor:\n  checks: [{name: a, url: /, as: mallory}]\n", "'mallory' is no configured"},
      {"monitor:\n  checks: [{name: a, url: /}, {name: a, url: /x}]\n", "used twice"},
      {"monitor:\n  checks: [{name: \"a b\", url: /}]\n", "letters, digits"},
      {"monitor:\n  checks: [{name: a, dns: x.test, type: BOGUS}]\n", "no DNS record type"},
      {"monitor:\n  checks: [{name: a, tls: \"other.test:443\"}]\n", "outside target.scope"},
      {"monitor:\n  checks: [{name: a, tls: \"127.0.0.1:99999\"}]\n", "host or host:port"},
      {"monitor:\n  checks: [{name: a, url: /, interval: 500ms}]\n", "interval must be"},
      {"monitor:\n  checks: [{name: a, url: /, type: A}]\n", "dns checks only"},
      {"monitor:\n  checks: [{name: a, dns: x.test, as: alice}]\n", "url checks only"},
      {"monitor:\n  interval: 0s\n  checks: [{name: a, url: /}]\n", "monitor.interval must be"},
      {"monitor:\n  alerts: {failure_threshold: 0}\n", "from 1 to 100"},
      {"monitor:\n  alerts: {spike: {share: 1.5}}\n", "above 0 and at most 1"},
      {"monitor:\n  alerts: {slow: {count: 3}}\n", "needs latency"},
      {"monitor:\n  alerts: {webhook: \"not a url\"}\n", "monitor.alerts.webhook must be"},
      {"monitor:\n  alerts: {email: {smtp: mail.test, from: a@b.test, to: [c@d.test]}}\n",
       "host:port"},
      {"monitor:\n  alerts: {email: {smtp: \"m.test:25\", from: a@b.test, to: [c@d.test], "
       "tls: ssl3}}\n",
       "starttls, implicit or none"},
      {"monitor:\n  alerts: {email: {smtp: \"m.test:25\", from: a@b.test, to: [c@d.test], "
       "username: u}}\n",
       "both username and password"},
      {"monitor:\n  alerts: {email: {smtp: \"m.test:25\", from: a@b.test}}\n", "required key 'to'"},
      {"monitor:\n  maintenance: [{from: tomorrow, to: \"2026-12-01T03:00:00Z\"}]\n",
       "monitor.maintenance.from must be a time"},
      {"monitor:\n  maintenance: [{from: \"2026-12-01T03:00:00Z\", to: "
       "\"2026-12-01T02:00:00Z\"}]\n",
       "to must come after from"},
      {"monitor:\n  maintenance: [{weekly: someday, from: \"02:00\", to: \"03:00\"}]\n",
       "must be a day"},
      {"monitor:\n  maintenance: [{weekly: sat, from: \"25:00\", to: \"03:00\"}]\n", "HH:MM"},
      {"monitor:\n  retention: {results: 5m}\n", "monitor.retention.results must be"},
      {"monitor:\n  listen: \"localhost:80\"\n", "monitor.listen must be"},
      {"monitor:\n  health: api/health\n", "monitor.health must be a path"},
      {"monitor:\n  checks: [{name: a, url: /, expected: 200}]\n", "unknown key 'expected'"},
  };
  for (const auto& c : cases) {
    std::string text = problems(c.monitor);
    EXPECT_NE(text.find(c.expected), std::string::npos) << c.monitor << "\n=> " << text;
    EXPECT_NE(text.find("lg.yaml:"), std::string::npos) << text;
  }
}

TEST(MonitorConfig, CredentialsOfAlertChannelsAreNotEchoed) {
  std::string text = problems("monitor:\n  alerts: {webhook: \"hooks.example.com/T0/s3cr3t\"}\n");
  EXPECT_NE(text.find("monitor.alerts.webhook"), std::string::npos);
  EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << text;
}

TEST(MonitorConfig, Rfc3339TimesAreReadWithOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:01.250Z"), 1000);
  EXPECT_EQ(parse_rfc3339_ms("2026-12-01T02:00Z"), 1796090400000LL);
  EXPECT_FALSE(parse_rfc3339_ms("2026-12-01T02:00:00"));
  EXPECT_FALSE(parse_rfc3339_ms("2026-13-01T02:00:00Z"));
  EXPECT_FALSE(parse_rfc3339_ms("2026-12-01T02:00:00.Z"));
  EXPECT_FALSE(parse_rfc3339_ms(""));
}

} // namespace
} // namespace lg
