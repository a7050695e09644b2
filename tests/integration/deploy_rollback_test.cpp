// deploy.rollback over the fixture repositories of tests/fixtures/deploy, each copied into a fresh
// git repository and committed: the ready ones pass with their scripts' dry runs (which name the
// release they would restore), the not-ready ones fail without a procedure or a command; a dry
// run that fails is quoted with its secrets masked, one that hangs is stopped at deploy.timeout.

#include "integration/deploy_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;

void plant(test::GitRepo& repo, const std::string& name) {
  test::plant_fixture(repo, name);
}

/// deploy.rollback with `deploy_yaml` as the deploy section's body (repo: given).
CheckResult run_over(const test::GitRepo& repo, const std::string& deploy_yaml) {
  std::string yaml = "target:\n  base_url: http://portal.test\n";
  if (!deploy_yaml.empty())
    yaml += "deploy:\n  repo: " + repo.dir() + "\n" + deploy_yaml;
  return test::run_deploy_check("deploy.rollback", yaml);
}

std::string dump(const CheckResult& r) {
  return test::dump_results({r});
}

const Finding* with_fingerprint_part(const CheckResult& r, const std::string& message_part) {
  for (const auto& f : r.findings)
    if (f.message.find(message_part) != std::string::npos)
      return &f;
  return nullptr;
}

struct Ready {
  const char* name;
  const char* command;   ///< the dry-run form the docs give
  const char* procedure; ///< where the written procedure is
  const char* restores;  ///< what the dry run prints
};

class DeployRollbackReady : public ::testing::TestWithParam<Ready> {};

TEST_P(DeployRollbackReady, PassesWithItsDryRun) {
  const auto& want = GetParam();
  test::GitRepo repo;
  plant(repo, want.name);
  auto r = run_over(repo, std::string("  rollback: ") + want.command + "\n  run_rollback: true\n");
  ASSERT_EQ(r.status, Status::pass) << dump(r);
  EXPECT_NE(r.reason.find(want.restores), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find(want.procedure), std::string::npos) << r.reason;
  ASSERT_EQ(r.measurements.size(), 1u);
  const auto& m = r.measurements[0];
  EXPECT_EQ(m["ran"], true);
  EXPECT_EQ(m["exit_code"], 0);
  EXPECT_EQ(m["procedure"], want.procedure);
  EXPECT_NE(m["heading"].get<std::string>().find("Rollback"), std::string::npos) << m.dump();
  EXPECT_FALSE(m["excerpt"].empty()) << "the procedure is quoted";
  EXPECT_FALSE(m["commands"].empty()) << m.dump();
  EXPECT_NE(m["output"].dump().find(want.restores), std::string::npos) << m.dump();
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, DeployRollbackReady,
    ::testing::Values(Ready{"node-ready", "deploy/release.sh rollback --dry-run", "README.md:33",
                            "would restore release 1.3.0 (current 1.4.0)"},
                      Ready{"python-ready", "deploy/release.sh rollback --dry-run", "README.md:30",
                            "would restore release 2.7.0 (current 2.7.1)"},
                      Ready{"cpp-ready", "deploy/rollback.sh --dry-run", "docs/runbook.md:25",
                            "would restore release 0.9.2 (current 0.9.3)"}),
    [](const auto& param_info) {
      std::string name = param_info.param.name;
      return name.substr(0, name.find('-'));
    });

TEST(DeployRollback, PassesWithoutRunningWhenTheConfigDoesNotAllowIt) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  auto r = run_over(repo, "  rollback: deploy/release.sh rollback --dry-run\n");
  ASSERT_EQ(r.status, Status::pass) << dump(r);
  EXPECT_NE(r.reason.find("was not run (set deploy.run_rollback: true to try it)"),
            std::string::npos)
      << r.reason;
  EXPECT_EQ(r.measurements.at(0)["ran"], false);
}

TEST(DeployRollback, NotReadyFixturesHaveNeitherProcedureNorCommand) {
  for (const char* name : {"node-not-ready", "python-not-ready", "cpp-not-ready"}) {
    test::GitRepo repo;
    plant(repo, name);
    auto r = run_over(repo, "  build: make\n");
    ASSERT_EQ(r.status, Status::fail) << name << "\n" << dump(r);
    ASSERT_EQ(r.findings.size(), 2u) << name << "\n" << dump(r);
    const auto* none = with_fingerprint_part(r, "No written rollback procedure");
    ASSERT_NE(none, nullptr) << dump(r);
    EXPECT_NE(none->message.find("README.md"), std::string::npos) << none->message;
    EXPECT_EQ(none->fingerprint, make_fingerprint("deploy.rollback", {"no-procedure"}));
    const auto* command = with_fingerprint_part(r, "deploy.rollback is not configured");
    ASSERT_NE(command, nullptr) << dump(r);
    EXPECT_EQ(command->fingerprint.size(), 16u);
  }
}

TEST(DeployRollback, WithoutACommandNamesTheDocsCommands) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  auto r = run_over(repo, "  build: node scripts/build.js\n");
  ASSERT_EQ(r.status, Status::fail) << dump(r);
  ASSERT_EQ(r.findings.size(), 1u) << dump(r);
  const auto& f = r.findings[0];
  EXPECT_NE(f.message.find("the procedure at README.md:33 runs: deploy/release.sh rollback "
                           "--dry-run; deploy/release.sh rollback"),
            std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("the docs name `deploy/release.sh rollback --dry-run`"),
            std::string::npos)
      << f.message;
  ASSERT_TRUE(f.location);
  EXPECT_EQ(f.location->file, "README.md");
  EXPECT_EQ(f.location->line, 33);
}

TEST(DeployRollback, AFailingDryRunFailsWithItsOutputQuotedAndSecretsMasked) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  // A token made here, so that none sits in this repository.
  std::string token = "ghp_";
  const std::string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  for (size_t i = 0; i < 36; ++i)
    token += alphabet[(i * 7919 + 13) % alphabet.size()];
  repo.write("deploy/broken.sh", "echo 'connecting with " + token +
                                     "'\necho 'cannot restore release 1.3.0: artifact missing'\n"
                                     "exit 3\n");
  auto r = run_over(repo, "  rollback: sh deploy/broken.sh --dry-run\n  run_rollback: true\n");
  ASSERT_EQ(r.status, Status::fail) << dump(r);
  ASSERT_EQ(r.findings.size(), 1u) << dump(r);
  const auto& f = r.findings[0];
  EXPECT_NE(f.message.find("exited with status 3"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("cannot restore release 1.3.0: artifact missing"), std::string::npos)
      << f.message;
  EXPECT_EQ(f.evidence["exit_code"], 3);
  EXPECT_EQ(f.fingerprint, make_fingerprint("deploy.rollback", {"dry-run", "exit"}));
  EXPECT_EQ(dump(r).find(token), std::string::npos) << "masked: " << dump(r);
  EXPECT_EQ(f.evidence.dump().find(token), std::string::npos) << f.evidence.dump();
  EXPECT_EQ(r.measurements.dump().find(token), std::string::npos);
  EXPECT_NE(f.message.find("ghp_"), std::string::npos) << "a redacted prefix: " << f.message;
}

TEST(DeployRollback, AHangingDryRunTimesOutAtTheDeployTimeout) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  auto start = std::chrono::steady_clock::now();
  auto r = run_over(repo, "  rollback: echo checking releases; sleep 30\n  run_rollback: true\n"
                          "  timeout: 1s\n");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(10));
  ASSERT_EQ(r.status, Status::fail) << dump(r);
  ASSERT_EQ(r.findings.size(), 1u) << dump(r);
  EXPECT_NE(r.findings[0].message.find("timed out after 1000 ms"), std::string::npos)
      << r.findings[0].message;
  EXPECT_NE(r.findings[0].message.find("checking releases"), std::string::npos)
      << r.findings[0].message;
  EXPECT_EQ(r.findings[0].evidence["timed_out"], true);
}

TEST(DeployRollback, ASilentDryRunWarns) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  auto r = run_over(repo, "  rollback: exit 0\n  run_rollback: true\n");
  ASSERT_EQ(r.status, Status::warn) << dump(r);
  EXPECT_NE(r.findings.at(0).message.find("printed nothing"), std::string::npos);
}

TEST(DeployRollback, SkipsWithoutADeploySection) {
  test::GitRepo repo;
  auto r = run_over(repo, "");
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
}

} // namespace
} // namespace lg::checks
