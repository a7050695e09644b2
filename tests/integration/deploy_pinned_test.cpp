// deploy.pinned-deps over the fixture repositories of tests/fixtures/deploy, each copied into a
// fresh git repository and committed: the ready ones pass, the not-ready ones fail on their
// planted flaws; a lock file on disk but not committed is a finding; no deploy section skips.

#include "integration/deploy_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;

/// Copies fixture `name` into `repo` (skipping `except`), commits it, then writes `except`.
void plant(test::GitRepo& repo, const std::string& name, const std::string& except = "") {
  test::plant_fixture(repo, name, except);
}

CheckResult run_over(const std::string& dir, const std::string& deploy = "") {
  std::string yaml = "target:\n  base_url: http://portal.test\n";
  yaml += deploy.empty() ? "deploy:\n  repo: " + dir + "\n" : deploy;
  return test::run_deploy_check("deploy.pinned-deps", yaml);
}

std::set<std::string> whats(const CheckResult& r) {
  std::set<std::string> out;
  for (const auto& f : r.findings) {
    out.insert(f.evidence.value("what", ""));
    EXPECT_TRUE(f.location);
    EXPECT_EQ(f.fingerprint.size(), 16u);
  }
  return out;
}

std::string dump(const CheckResult& r) {
  return test::dump_results({r});
}

TEST(DeployPinned, ReadyFixturesPass) {
  for (const char* name : {"node-ready", "python-ready", "cpp-ready"}) {
    test::GitRepo repo;
    plant(repo, name);
    auto r = run_over(repo.dir());
    EXPECT_EQ(r.status, Status::pass) << name << "\n" << dump(r);
  }
  test::GitRepo node;
  plant(node, "node-ready");
  auto r = run_over(node.dir());
  EXPECT_NE(r.reason.find("npm (package-lock.json)"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("Docker (2 image(s))"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("GitHub Actions (3 step(s))"), std::string::npos) << r.reason;
}

TEST(DeployPinned, NodeNotReadyFailsOnEachFlaw) {
  test::GitRepo repo;
  plant(repo, "node-not-ready");
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_EQ(whats(r), (std::set<std::string>{"no lock file", "node:latest", "npm install",
                                             "actions/checkout@main"}))
      << dump(r);
  for (const auto& f : r.findings)
    if (f.evidence["what"] == "node:latest") {
      EXPECT_EQ(f.location->file, "Dockerfile");
      EXPECT_EQ(f.location->line, 1);
      EXPECT_EQ(f.evidence["ecosystem"], "Docker");
    } else if (f.evidence["what"] == "npm install") {
      // Once in the Dockerfile, once in the workflow: separate files, separate findings.
      EXPECT_TRUE(f.location->file == "Dockerfile" ||
                  f.location->file == ".github/workflows/ci.yml");
    }
}

TEST(DeployPinned, PythonNotReadyFailsOnUnpinnedRequirementsAndUntaggedImage) {
  test::GitRepo repo;
  plant(repo, "python-not-ready");
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_EQ(whats(r), (std::set<std::string>{"flask", "gunicorn", "python",
                                             "pip install -r requirements.txt"}))
      << dump(r);
}

TEST(DeployPinned, CppNotReadyFailsOnBranchTagAndRefLessAction) {
  test::GitRepo repo;
  plant(repo, "cpp-not-ready");
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_EQ(whats(r), (std::set<std::string>{"FetchContent fmt@main", "actions/checkout"}))
      << dump(r);
}

TEST(DeployPinned, AnUncommittedLockFileIsAFinding) {
  test::GitRepo repo;
  plant(repo, "node-ready", "package-lock.json");
  ASSERT_TRUE(fs::exists(repo.path() / "package-lock.json"));
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_EQ(whats(r), (std::set<std::string>{"lock file not committed"})) << dump(r);
  EXPECT_EQ(r.findings[0].location->file, "package-lock.json");
}

TEST(DeployPinned, OutOfSyncLockAndVersionTagsWarn) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  // A version tag is a note (warn); a dependency missing from the lock is serious.
  repo.write(".github/workflows/lint.yml",
             "jobs:\n  l:\n    steps:\n      - uses: actions/checkout@v4\n");
  repo.commit("lint");
  auto warn = run_over(repo.dir());
  EXPECT_EQ(warn.status, Status::warn) << dump(warn);
  EXPECT_EQ(whats(warn), (std::set<std::string>{"actions/checkout@v4"}));

  repo.write("package.json", R"({"dependencies":{"express":"^4","left-pad":"1"}})");
  repo.commit("dep");
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_TRUE(whats(r).count("out of sync with package.json")) << dump(r);
}

TEST(DeployPinned, OutsideGitFilesOnDiskCountAndTheReasonSaysSo) {
  test::TempDir dir;
  fs::copy(test::k_deploy_fixtures / "node-ready", dir.path(), fs::copy_options::recursive);
  auto r = run_over(dir.path().string());
  EXPECT_EQ(r.status, Status::pass) << dump(r);
  EXPECT_NE(r.reason.find("not a git repository"), std::string::npos) << r.reason;
}

TEST(DeployPinned, SkipsWithoutDeployOrEcosystemAndErrorsOnAMissingRepo) {
  auto none = run_over("", "email: {domain: example.com}\n");
  EXPECT_EQ(none.status, Status::skip);
  EXPECT_EQ(none.skip_kind, SkipKind::not_configured);

  test::GitRepo empty;
  empty.write("notes.txt", "nothing to pin\n");
  empty.commit("notes");
  auto na = run_over(empty.dir());
  EXPECT_EQ(na.status, Status::skip) << dump(na);
  EXPECT_EQ(na.skip_kind, SkipKind::not_applicable);

  auto missing = run_over(empty.dir() + "/nowhere");
  EXPECT_EQ(missing.status, Status::error) << dump(missing);
}

} // namespace
} // namespace lg::checks
