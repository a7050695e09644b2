// deploy.clean-build over the fixture repositories of tests/fixtures/deploy, each copied into a
// fresh git repository and committed, their builds really run (node, python3, cmake and a C++
// compiler, no network): the ready ones pass; node-not-ready fails on a variable its build needs
// that the clean environment lacks and a README step the build skips, python-not-ready on a
// README step, cpp-not-ready on a test that needs an undocumented variable. Also: reads outside
// the clone (strace), the clean environment, masking, the time limit, and the skip without
// commands.

#include "checks/deploy/command.hpp"
#include "integration/deploy_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;

struct Commands {
  const char* build;
  const char* test;
};

Commands commands_for(const std::string& fixture) {
  if (fixture.starts_with("node"))
    return {"node scripts/build.js", "node --test"};
  if (fixture.starts_with("python"))
    return {"python3 -m compileall -q app", "python3 -m unittest discover -s tests -t ."};
  if (fixture == "cpp-ready")
    return {"cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build",
            "ctest --test-dir build --output-on-failure"};
  return {"cmake -S . -B build && cmake --build build", "ctest --test-dir build"};
}

void plant(test::GitRepo& repo, const std::string& name) {
  test::plant_fixture(repo, name);
}

CheckResult run_with(const std::string& deploy_yaml) {
  return test::run_deploy_check("deploy.clean-build",
                                "target:\n  base_url: http://portal.test\ndeploy:\n" + deploy_yaml);
}

std::string yaml_for(const std::string& dir, const std::string& fixture,
                     const std::string& extra = "") {
  auto c = commands_for(fixture);
  return fmt::format("  repo: {}\n  build: \"{}\"\n  test: \"{}\"\n{}", dir, c.build, c.test,
                     extra);
}

std::string dump(const CheckResult& r) {
  return test::dump_results({r});
}

const Finding* finding_with(const CheckResult& r, const std::string& text) {
  for (const auto& f : r.findings)
    if (f.message.find(text) != std::string::npos)
      return &f;
  return nullptr;
}

bool traced() {
  return deploy::trace_unavailable().empty();
}

class CleanBuildReady : public ::testing::TestWithParam<std::string> {};

TEST_P(CleanBuildReady, BuildsTestsAndRunsEveryReadmeStep) {
  test::GitRepo repo;
  plant(repo, GetParam());
  auto r = run_with(yaml_for(repo.dir(), GetParam()));
  ASSERT_EQ(r.status, Status::pass) << dump(r);
  EXPECT_NE(r.reason.find("build and test of commit " + repo.head().substr(0, 12)),
            std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("build step(s) all ran"), std::string::npos) << r.reason;
  ASSERT_GE(r.measurements.size(), 3u) << r.measurements.dump();
  EXPECT_EQ(r.measurements[0]["step"], "build");
  EXPECT_EQ(r.measurements[1]["step"], "test");
  EXPECT_EQ(r.measurements[0]["traced"], traced());
  // The build's output was snapshotted and compared with a second clean build.
  bool compared = false;
  for (const auto& m : r.measurements)
    if (m.value("step", "") == "compare") {
      compared = true;
      EXPECT_GT(m["artifacts"].get<int>(), 0) << m.dump();
    }
  EXPECT_TRUE(compared) << r.measurements.dump();
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CleanBuildReady,
                         ::testing::Values("node-ready", "python-ready", "cpp-ready"));

TEST(CleanBuild, NodeArtifactsAreByteIdenticalAcrossTwoBuilds) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  auto r = run_with(yaml_for(repo.dir(), "node-ready"));
  ASSERT_EQ(r.status, Status::pass) << dump(r);
  EXPECT_NE(r.reason.find("two builds gave byte-identical artifacts (2 file(s))"),
            std::string::npos)
      << r.reason;
}

TEST(CleanBuild, ArtifactsThatDifferAreInformationNotFailure) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  // A build stamp: different every build.
  auto r = run_with(fmt::format("  repo: {}\n  build: \"node scripts/build.js && date +%s%N > "
                                "dist/stamp.txt\"\n  test: node --test\n  artifacts: [dist]\n",
                                repo.dir()));
  ASSERT_EQ(r.status, Status::pass) << dump(r);
  EXPECT_NE(r.reason.find("two builds differ in 1 of 3 artifact(s), e.g. dist/stamp.txt"),
            std::string::npos)
      << r.reason;
}

TEST(CleanBuild, NodeNotReadyNeedsAnUnsetVariableAndSkipsAReadmeStep) {
  test::GitRepo repo;
  plant(repo, "node-not-ready");
  auto r = run_with(yaml_for(repo.dir(), "node-not-ready"));
  ASSERT_EQ(r.status, Status::fail) << dump(r);
  const Finding* build = finding_with(r, "the build command failed in a clean checkout (exit 1");
  ASSERT_NE(build, nullptr) << dump(r);
  EXPECT_EQ(build->evidence["unset_variables"], nlohmann::json({"API_BASE_URL"}));
  EXPECT_NE(build->evidence["output"].get<std::string>().find("API_BASE_URL is not set"),
            std::string::npos);
  EXPECT_EQ(build->evidence["step"], "build");
  // The test did not run after the failed build.
  EXPECT_EQ(r.measurements.size(), 1u) << r.measurements.dump();
  const Finding* readme = finding_with(r, "README's build instructions");
  ASSERT_NE(readme, nullptr) << dump(r);
  EXPECT_EQ(readme->evidence["steps"], nlohmann::json({"node scripts/assets.js"}));
  EXPECT_EQ(readme->location->file, "README.md");
  EXPECT_EQ(readme->location->line, 6);

  // Given the variable, the build passes; the README step is still missing.
  setenv("API_BASE_URL", "https://api.portal.test", 1);
  auto given = run_with(yaml_for(repo.dir(), "node-not-ready", "  env: [API_BASE_URL]\n"));
  unsetenv("API_BASE_URL");
  ASSERT_EQ(given.status, Status::fail) << dump(given);
  ASSERT_EQ(given.findings.size(), 1u) << dump(given);
  EXPECT_NE(given.findings[0].message.find("node scripts/assets.js"), std::string::npos);
}

TEST(CleanBuild, PythonNotReadySkipsCollectstatic) {
  test::GitRepo repo;
  plant(repo, "python-not-ready");
  auto r = run_with(yaml_for(repo.dir(), "python-not-ready"));
  ASSERT_EQ(r.status, Status::fail) << dump(r);
  ASSERT_EQ(r.findings.size(), 1u) << dump(r);
  EXPECT_EQ(r.findings[0].evidence["steps"],
            nlohmann::json({"python3 manage.py collectstatic --noinput"}));
}

TEST(CleanBuild, CppNotReadyTestNeedsAnUndocumentedVariable) {
  test::GitRepo repo;
  plant(repo, "cpp-not-ready");
  auto r = run_with(yaml_for(repo.dir(), "cpp-not-ready"));
  ASSERT_EQ(r.status, Status::fail) << dump(r);
  const Finding* test = finding_with(r, "the test command failed in a clean checkout");
  ASSERT_NE(test, nullptr) << dump(r);
  EXPECT_EQ(test->evidence["step"], "test");
  EXPECT_NE(test->evidence["output"].get<std::string>().find("tests failed"), std::string::npos)
      << test->evidence.dump();
  EXPECT_EQ(finding_with(r, "README"), nullptr) << "every README step ran: " << dump(r);
}

TEST(CleanBuild, AReadOutsideTheCloneFailsUnlessDeclared) {
  if (!traced())
    GTEST_SKIP() << deploy::trace_unavailable();
  test::TempDir elsewhere;
  elsewhere.write("brand/colors.json", "{\"primary\": \"#0a5\"}\n");
  const std::string outside = (elsewhere.path() / "brand/colors.json").string();
  test::GitRepo repo;
  plant(repo, "node-ready");
  const std::string build = fmt::format("cat {} > /dev/null && node scripts/build.js", outside);
  auto r = run_with(
      fmt::format("  repo: {}\n  build: \"{}\"\n  build_twice: false\n", repo.dir(), build));
  ASSERT_EQ(r.status, Status::fail) << dump(r);
  const Finding* f = finding_with(r, "outside its clean checkout");
  ASSERT_NE(f, nullptr) << dump(r);
  EXPECT_EQ(f->evidence["read"], nlohmann::json({outside}));
  EXPECT_EQ(f->evidence["count"], 1);

  auto declared =
      run_with(fmt::format("  repo: {}\n  build: \"{}\"\n  test: node --test\n  build_twice: "
                           "false\n  reads: [{}]\n",
                           repo.dir(), build, (elsewhere.path() / "brand").string()));
  EXPECT_EQ(declared.status, Status::pass) << dump(declared);
}

TEST(CleanBuild, TheEnvironmentIsCleanAndOutputIsMasked) {
  test::GitRepo repo;
  repo.write("README.md", "# app\n");
  repo.commit("readme");
  setenv("LG_PARENT_ONLY", "from-the-parent", 1);
  auto clean = run_with(fmt::format(
      "  repo: {}\n  build: 'test -z \"$LG_PARENT_ONLY\" && test -n \"$PATH\" && test -d "
      "\"$HOME\" && test \"$HOME\" != \"{}\"'\n  build_twice: false\n",
      repo.dir(), std::getenv("HOME") != nullptr ? std::getenv("HOME") : "/"));
  unsetenv("LG_PARENT_ONLY");
  EXPECT_EQ(clean.status, Status::pass) << dump(clean);

  // A value passed with deploy.env reaches the build, and never the evidence.
  const std::string token = "lg-deploy-token-7f3a9c21e5";
  setenv("LG_DEPLOY_TOKEN", token.c_str(), 1);
  auto masked = run_with(fmt::format("  repo: {}\n  build: 'echo \"using $LG_DEPLOY_TOKEN\"; "
                                     "exit 3'\n  env: [LG_DEPLOY_TOKEN]\n",
                                     repo.dir()));
  unsetenv("LG_DEPLOY_TOKEN");
  ASSERT_EQ(masked.status, Status::fail) << dump(masked);
  const std::string output = masked.findings.at(0).evidence["output"];
  EXPECT_NE(output.find("using "), std::string::npos) << output;
  EXPECT_EQ(output.find(token), std::string::npos) << output;
  EXPECT_EQ(masked.findings[0].evidence["exit"], 3);
  EXPECT_EQ(dump(masked).find(token), std::string::npos);
}

TEST(CleanBuild, ABuildPastTheTimeLimitIsStopped) {
  test::GitRepo repo;
  repo.write("README.md", "# app\n");
  repo.commit("readme");
  auto started = std::chrono::steady_clock::now();
  // The background sleep holds the output open: the whole process group must go.
  auto r = run_with(
      fmt::format("  repo: {}\n  build: 'sleep 60 & sleep 60'\n  timeout: 1s\n", repo.dir()));
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_NE(r.findings.at(0).message.find("ran past deploy.timeout (1.0 s)"), std::string::npos)
      << dump(r);
  EXPECT_EQ(r.findings[0].evidence["timed_out"], true);
  EXPECT_LT(took, std::chrono::seconds(20));
}

TEST(CleanBuild, SkipsWithoutCommandsAndSaysWhatTheReadmeRuns) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  auto r = run_with(fmt::format("  repo: {}\n", repo.dir()));
  EXPECT_EQ(r.status, Status::skip) << dump(r);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
  EXPECT_NE(r.reason.find("`node scripts/build.js`, `node --test`"), std::string::npos) << r.reason;

  test::TempDir plain;
  auto no_git = run_with(fmt::format("  repo: {}\n  build: 'true'\n", plain.path().string()));
  EXPECT_EQ(no_git.status, Status::error) << dump(no_git);
  EXPECT_NE(no_git.reason.find("not in a git work tree"), std::string::npos) << no_git.reason;
}

} // namespace
} // namespace lg::checks
