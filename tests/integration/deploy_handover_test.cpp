// deploy.handover over the fixture repositories of tests/fixtures/deploy, each copied into a
// fresh git repository and committed: the ready ones pass with a full handover: section and a
// monitor, the not-ready ones fail on every missing item; a missing approver fails naming it;
// owners come from CODEOWNERS when handover.owners is empty; alert webhooks show only their host;
// the Markdown report turns the checklist into its "Handover checklist" section.

#include "integration/deploy_support.hpp"
#include "report/report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;

const std::string k_handover = R"(handover:
  owners: [dana@portal.example.com, platform@portal.example.com]
  approver: lee@portal.example.com
  support: support@portal.example.com
  secrets: Vault, portal/production
)";

const std::string k_monitor = R"(monitor:
  checks:
    - {name: home, url: "/?key=abc123", expect: "status == 200"}
    - {name: dns, dns: portal.example.com}
  alerts:
    webhook: https://hooks.example.com/services/T0KEN/PATH
)";

void plant(test::GitRepo& repo, const std::string& name) {
  test::plant_fixture(repo, name);
}

CheckResult run_over(const test::GitRepo& repo, const std::string& rest, bool deploy = true) {
  std::string yaml = "target:\n  base_url: http://portal.test\n";
  if (deploy)
    yaml += "deploy:\n  repo: " + repo.dir() + "\n  build: make build\n";
  return test::run_deploy_check("deploy.handover", yaml + rest);
}

std::string dump(const CheckResult& r) {
  return test::dump_results({r}) + r.measurements.dump();
}

std::set<std::string> items(const CheckResult& r) {
  std::set<std::string> out;
  for (const auto& f : r.findings) {
    out.insert(f.evidence.value("item", ""));
    EXPECT_EQ(f.fingerprint.size(), 16u);
    EXPECT_NE(f.message.find("Fix: "), std::string::npos) << f.message;
  }
  return out;
}

const nlohmann::json& checklist(const CheckResult& r) {
  static const nlohmann::json k_none;
  for (const auto& m : r.measurements)
    if (m.value("checklist", "") == "handover")
      return m;
  ADD_FAILURE() << "no checklist: " << r.measurements.dump();
  return k_none;
}

TEST(DeployHandover, ReadyFixturesPass) {
  struct Case {
    const char* name;
    const char* procedure;
    const char* runbook;
  };
  for (const auto& c :
       {Case{"node-ready", "README.md:33", ""}, Case{"python-ready", "README.md:30", ""},
        Case{"cpp-ready", "docs/runbook.md:25", "docs/runbook.md"}}) {
    test::GitRepo repo;
    plant(repo, c.name);
    auto r = run_over(repo, k_handover + k_monitor);
    ASSERT_EQ(r.status, Status::pass) << c.name << "\n" << dump(r);
    const auto& m = checklist(r);
    EXPECT_EQ(m["rollback_procedure"], c.procedure) << m.dump();
    EXPECT_EQ(m["approver"], "lee@portal.example.com");
    EXPECT_EQ(m["owners"].size(), 2u);
    EXPECT_EQ(m["owners_source"], "handover.owners");
    EXPECT_EQ(m["build"], "make build");
    EXPECT_EQ(m["alert_routes"], nlohmann::json::array({"webhook to https://hooks.example.com"}));
    ASSERT_EQ(m["monitors"].size(), 2u);
    EXPECT_NE(m["monitors"][0].get<std::string>().find("home: GET http://portal.test/?…"),
              std::string::npos)
        << m["monitors"];
    EXPECT_EQ(m.dump().find("T0KEN"), std::string::npos) << "a webhook's path is a token";
    EXPECT_EQ(m.dump().find("abc123"), std::string::npos) << "a URL's query may be a token";
    if (*c.runbook != '\0') {
      EXPECT_EQ(m["runbooks"], nlohmann::json::array({c.runbook}));
    }
  }
}

TEST(DeployHandover, NotReadyFixturesFailOnEveryMissingItem) {
  for (const char* name : {"node-not-ready", "python-not-ready", "cpp-not-ready"}) {
    test::GitRepo repo;
    plant(repo, name);
    auto r = run_over(repo, "");
    ASSERT_EQ(r.status, Status::fail) << name << "\n" << dump(r);
    EXPECT_EQ(items(r), (std::set<std::string>{"owners", "approver", "support", "rollback",
                                               "secrets", "monitors", "alert_routes"}))
        << name << "\n"
        << dump(r);
    const auto& m = checklist(r);
    EXPECT_EQ(m["rollback_procedure"], "");
    EXPECT_EQ(m["owners"], nlohmann::json::array());
  }
}

TEST(DeployHandover, AMissingApproverFailsNamingIt) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  auto r = run_over(repo, R"(handover:
  owners: [dana@portal.example.com]
  support: support@portal.example.com
  secrets: Vault
)" + k_monitor);
  ASSERT_EQ(r.status, Status::fail) << dump(r);
  ASSERT_EQ(r.findings.size(), 1u) << dump(r);
  EXPECT_EQ(r.findings[0].evidence["item"], "approver");
  EXPECT_NE(r.findings[0].message.find("No approver of production changes"), std::string::npos);
  EXPECT_NE(r.findings[0].message.find("handover.approver"), std::string::npos);
  EXPECT_NE(r.reason.find("approver missing"), std::string::npos) << r.reason;
}

TEST(DeployHandover, ASecretsLocationAndMonitorMissingOnlyWarn) {
  test::GitRepo repo;
  plant(repo, "cpp-ready");
  auto r = run_over(repo, R"(handover:
  owners: [dana@portal.example.com]
  approver: lee@portal.example.com
  support: support@portal.example.com
)");
  EXPECT_EQ(r.status, Status::warn) << dump(r);
  EXPECT_EQ(items(r), (std::set<std::string>{"secrets", "monitors", "alert_routes"})) << dump(r);
}

TEST(DeployHandover, OwnersComeFromCodeownersWhenTheConfigListsNone) {
  test::GitRepo repo;
  plant(repo, "python-ready");
  repo.write(".github/CODEOWNERS", "# Everything\n*       @acme/platform ops@portal.example.com\n"
                                   "/deploy/ @acme/release-managers  # releases\n");
  repo.commit("owners");
  auto r = run_over(repo, R"(handover:
  approver: lee@portal.example.com
  support: support@portal.example.com
  secrets: Vault
)" + k_monitor);
  ASSERT_EQ(r.status, Status::pass) << dump(r);
  const auto& m = checklist(r);
  EXPECT_EQ(m["owners"], nlohmann::json::array({"@acme/platform", "ops@portal.example.com",
                                                "@acme/release-managers"}));
  EXPECT_EQ(m["owners_source"], ".github/CODEOWNERS");
  EXPECT_NE(r.reason.find("owners from .github/CODEOWNERS (handover.owners is empty)"),
            std::string::npos)
      << r.reason;
}

TEST(DeployHandover, ACodeownersFileWithoutOwnersIsNoOwner) {
  test::GitRepo repo;
  plant(repo, "python-ready");
  repo.write("CODEOWNERS", "# nobody yet\n*.md\n");
  repo.commit("owners");
  auto r = run_over(repo, k_handover.substr(0, k_handover.find("  owners")) +
                              "  approver: a@b.test\n  support: s@b.test\n  secrets: Vault\n" +
                              k_monitor);
  ASSERT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_EQ(items(r), (std::set<std::string>{"owners"}));
  EXPECT_NE(r.findings[0].message.find("CODEOWNERS names no owner"), std::string::npos)
      << r.findings[0].message;
}

TEST(DeployHandover, SkipsWithoutADeploySection) {
  test::GitRepo repo;
  auto r = run_over(repo, k_handover, false);
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
}

TEST(DeployHandover, TheMarkdownReportBecomesTheHandoverDocument) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  Report report;
  report.tool_version = "0.1.0";
  report.gates = {"deploy"};
  report.checks.push_back(run_over(repo, R"(handover:
  owners: [dana@portal.example.com]
  support: support@portal.example.com
)" + k_monitor));
  ASSERT_EQ(report.checks[0].status, Status::fail) << dump(report.checks[0]);
  std::string md = report::render(report, report::Format::markdown);
  auto at = [&](const std::string& s) {
    auto pos = md.find(s);
    EXPECT_NE(pos, std::string::npos) << s << "\n" << md;
    return pos;
  };
  auto section = at("## Handover checklist\n");
  EXPECT_LT(section, at("## What to fix, in order"));
  at("- Owners: dana@portal.example.com\n");
  at("- Approves production changes: **missing**\n");
  at("- Secrets live in: **missing**\n");
  at("- Rollback steps: “Rollback” at `README.md:33`\n");
  at("- Rollback command: not configured\n");
  at("  - webhook to https://hooks.example.com\n");
  auto open = at("### Open findings\n");
  EXPECT_LT(section, open);
  at("- [ ] `deploy.handover` · fail · medium");
  at("  - No approver of production changes is named.");
  EXPECT_EQ(md.find("measured: `checklist=handover`"), std::string::npos)
      << "the checklist is a section, not a measured line";
  EXPECT_EQ(md.find("T0KEN"), std::string::npos);
}

} // namespace
} // namespace lg::checks
