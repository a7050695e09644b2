// The observability gate against the sample portal, its JSON request log read from the file its
// stderr goes to: every check passes on the hardened portal; logs-bodies fails log-leaks (the
// canaries, the accounts' passwords and emails in the log), no-request-id and silent-errors fail
// error-logging, no-health fails uptime. The monitor runs once (`launchgate monitor --once`)
// before the audit, as it would have run for days before a launch. Each run goes through the
// binary, as a user runs it.

#include "integration/test_portal_support.hpp"
#include "support/test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace lg {
namespace {

const std::string k_bin = LG_LAUNCHGATE_BIN;

/// How the monitor figures before the audit.
enum class Monitoring {
  ran,     ///< `monitor --once` wrote its history
  not_run, ///< monitor: is configured, the monitor never ran
  absent,  ///< no monitor: section
};

/// `launchgate audit --only observability` against the portal started with `flaws`: the checks by
/// id.
std::map<std::string, nlohmann::json> audit(const std::vector<std::string>& flaws,
                                            Monitoring monitoring = Monitoring::ran) {
  portal_test::PortalProcess portal;
  std::vector<std::string> args;
  for (const auto& f : flaws) {
    args.push_back("--flaw");
    args.push_back(f);
  }
  EXPECT_TRUE(portal.start(LG_PORTAL_BIN, args)) << portal.error();
  test::TempDir dir;
  std::string monitor =
      monitoring == Monitoring::absent
          ? ""
          : "monitor:\n"
            "  checks:\n"
            "    - {name: home, url: /, expect: \"status == 200\"}\n"
            "    - {name: records, as: alice, url: /api/records, expect: \"status == 200\"}\n"
            "  alerts: {webhook: \"http://127.0.0.1:9/hooks/portal\"}\n";
  dir.write("launchgate.yaml", fmt::format(R"(target: {{base_url: "{}", max_rps: 200}}
accounts:
  - name: alice
    org: acme
    role: admin
    login: {{method: POST, path: /api/login, json: {{email: alice@acme.test, password: portal-demo-password}}}}
api: {{openapi: /openapi.json, public: ["/api/health", "/openapi.json", "POST /api/login"],
       admin_only: ["/api/admin/**"]}}
logs: {{files: ["{}"], error_request: {{path: /api/reports/export}}, wait: 3s}}
{})",
                                           portal.url(), portal.log_path(), monitor));
  const std::string cfg = (dir.path() / "launchgate.yaml").string();
  if (monitoring == Monitoring::ran) {
    auto once = test::run_command({k_bin, "monitor", "--once", "-c", cfg});
    EXPECT_EQ(once.code, 0) << once.out << once.err;
  }
  // alice's session (for logs.error_request) signs her in: with logs-bodies, her password too.
  auto r =
      test::run_command({k_bin, "audit", "-c", cfg, "--only", "observability", "--format", "json"});
  portal.stop();
  portal.remove_log();
  EXPECT_TRUE(r.code == 0 || r.code == 1 || r.code == 4) << r.err;
  std::map<std::string, nlohmann::json> out;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out << r.err;
  if (doc.is_discarded())
    return out;
  for (const auto& c : doc["checks"])
    out[c["id"]] = c;
  EXPECT_EQ(r.out.find("portal-demo-password"), std::string::npos);
  EXPECT_EQ(r.out.find("lgCanaryPw"), std::string::npos);
  return out;
}

std::string messages(const nlohmann::json& check) {
  std::string out;
  for (const auto& f : check["findings"])
    out += f["message"].get<std::string>() + "\n";
  return out;
}

TEST(ObservabilityGate, TheHardenedPortalLogsEveryFailureAndNoCustomerData) {
  auto checks = audit({});
  EXPECT_EQ(checks["observability.error-logging"]["status"], "pass")
      << checks["observability.error-logging"].dump();
  EXPECT_NE(checks["observability.error-logging"]["reason"].get<std::string>().find(
                "logs.error_request (500)"),
            std::string::npos)
      << checks["observability.error-logging"].dump();
  EXPECT_EQ(checks["observability.log-leaks"]["status"], "pass")
      << checks["observability.log-leaks"].dump();
  const auto& uptime = checks["observability.uptime"];
  EXPECT_EQ(uptime["status"], "pass") << uptime.dump();
  EXPECT_NE(uptime["reason"].get<std::string>().find("health /api/health"), std::string::npos)
      << uptime.dump();
}

TEST(ObservabilityGate, NoHealthEndpointFailsUptime) {
  auto checks = audit({"no-health"});
  const auto& uptime = checks["observability.uptime"];
  ASSERT_EQ(uptime["status"], "fail") << uptime.dump();
  ASSERT_EQ(uptime["findings"].size(), 1u) << messages(uptime);
  EXPECT_NE(messages(uptime).find("the portal has no health endpoint (tried /api/health"),
            std::string::npos)
      << messages(uptime);
}

TEST(ObservabilityGate, AMonitorThatNeverRanOrIsNotConfiguredFailsUptime) {
  auto never = audit({}, Monitoring::not_run);
  const auto& a = never["observability.uptime"];
  ASSERT_EQ(a["status"], "fail") << a.dump();
  EXPECT_NE(messages(a).find("`launchgate monitor` has not run with this config"),
            std::string::npos)
      << messages(a);
  auto absent = audit({}, Monitoring::absent);
  const auto& b = absent["observability.uptime"];
  ASSERT_EQ(b["status"], "fail") << b.dump();
  EXPECT_NE(messages(b).find("no uptime monitoring is configured"), std::string::npos)
      << messages(b);
}

TEST(ObservabilityGate, LoggedBodiesLeakTheCanariesAndThePassword) {
  auto checks = audit({"logs-bodies"});
  const auto& leaks = checks["observability.log-leaks"];
  ASSERT_EQ(leaks["status"], "fail") << leaks.dump();
  auto text = messages(leaks);
  EXPECT_NE(text.find("the password of a failed sign-in sent by launchgate is in the log"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("alice's password is in the log"), std::string::npos) << text;
  EXPECT_NE(text.find("personal data in "), std::string::npos) << text;
  EXPECT_EQ(checks["observability.error-logging"]["status"], "pass");
}

TEST(ObservabilityGate, MissingRequestIdsAndSilentServerErrorsFailErrorLogging) {
  auto no_id = audit({"no-request-id"});
  const auto& a = no_id["observability.error-logging"];
  ASSERT_EQ(a["status"], "fail") << a.dump();
  EXPECT_NE(messages(a).find("is logged without the request id it carried"), std::string::npos)
      << messages(a);
  auto silent = audit({"silent-errors"});
  const auto& b = silent["observability.error-logging"];
  ASSERT_EQ(b["status"], "fail") << b.dump();
  ASSERT_EQ(b["findings"].size(), 1u) << messages(b);
  EXPECT_NE(messages(b).find("logs.error_request (GET /api/reports/export, answered 500) is not "
                             "in the logs"),
            std::string::npos)
      << messages(b);
}

} // namespace
} // namespace lg
