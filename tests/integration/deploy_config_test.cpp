// deploy.config over the fixture repositories (tests/fixtures/deploy/{node,python,cpp}-*):
// each ready variant passes; each not-ready one fails on an undocumented variable, a live secret
// in .env.example (redacted) and staging/production key sets that differ.

#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "support/test_support.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;

struct FixtureRun {
  test::TempDir dir;
  CheckResult result;
};

/// Copies the fixture `name` into a temporary directory and runs deploy.config over it with
/// `deploy_yaml` as the deploy section (repo: app).
void run_fixture(FixtureRun& run, const std::string& name,
                 const std::string& deploy_yaml = "{repo: app, staging_env: deploy/staging.env, "
                                                  "production_env: deploy/production.env}") {
  const fs::path app = run.dir.path() / "app";
  if (!name.empty()) {
    fs::copy(fs::path(LG_SOURCE_DIR) / "tests/fixtures/deploy" / name, app,
             fs::copy_options::recursive);
    // The not-ready examples' live-looking key is made here, so that no such key sits in this
    // repository (where secret scanners and push protection would rightly stop it).
    const auto example = app / ".env.example";
    std::string text = test::read_file(example);
    if (auto at = text.find("@STRIPE_LIVE_KEY@"); at != std::string::npos) {
      std::string key = std::string("sk_") + "live_";
      const std::string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
      for (size_t i = 0; i < 34; ++i)
        key += alphabet[(i * 7919 + name.size() * 104729) % alphabet.size()];
      text.replace(at, std::string("@STRIPE_LIVE_KEY@").size(), key);
      std::ofstream(example, std::ios::binary | std::ios::trunc) << text;
    }
  }
  auto config =
      parse_config("target:\n  base_url: http://portal.test\n" +
                       (deploy_yaml.empty() ? "" : "deploy: " + deploy_yaml + "\n"),
                   (run.dir.path() / "launchgate.yaml").string(), run.dir.path().string());
  ASSERT_TRUE(config) << config.error().message;
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock}, {});
  run.result = run_deploy_config(context, *find_check("deploy.config"));
  EXPECT_TRUE(http.seen.empty()) << "files only";
}

/// deploy.config over `dir`/app (deploy: {repo: app}).
CheckResult run_on_app(const test::TempDir& dir) {
  auto config = parse_config("target:\n  base_url: http://portal.test\ndeploy: {repo: app}\n",
                             (dir.path() / "launchgate.yaml").string(), dir.path().string());
  EXPECT_TRUE(config) << config.error().message;
  if (!config)
    return {};
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock}, {});
  return run_deploy_config(context, *find_check("deploy.config"));
}

const Finding* finding_with(const CheckResult& r, const std::string& part) {
  for (const auto& f : r.findings)
    if (f.message.find(part) != std::string::npos)
      return &f;
  return nullptr;
}

std::string messages(const CheckResult& r) {
  std::string out = r.reason + "\n";
  for (const auto& f : r.findings)
    out += f.message + "\n";
  return out;
}

class DeployConfigReady : public ::testing::TestWithParam<const char*> {};

TEST_P(DeployConfigReady, Passes) {
  FixtureRun run;
  run_fixture(run, std::string(GetParam()) + "-ready");
  EXPECT_EQ(run.result.status, Status::pass) << messages(run.result);
  EXPECT_NE(run.result.reason.find("all documented in .env.example; staging and production "
                                   "define the same"),
            std::string::npos)
      << run.result.reason;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, DeployConfigReady, ::testing::Values("node", "python", "cpp"));

struct NotReady {
  const char* name;
  const char* undocumented; ///< read by the code, absent from .env.example
  const char* file;         ///< where it is read
  const char* example_key;  ///< the key holding a live secret
  const char* only_staging; ///< "" when none
  const char* only_production;
};

class DeployConfigNotReady : public ::testing::TestWithParam<NotReady> {};

TEST_P(DeployConfigNotReady, FailsOnEachProblem) {
  const auto& want = GetParam();
  FixtureRun run;
  run_fixture(run, std::string(want.name) + "-not-ready");
  const auto& r = run.result;
  ASSERT_EQ(r.status, Status::fail) << messages(r);

  const Finding* undocumented = finding_with(r, std::string(want.undocumented) + " is read");
  ASSERT_NE(undocumented, nullptr) << messages(r);
  ASSERT_TRUE(undocumented->location);
  EXPECT_EQ(undocumented->location->file, want.file);
  EXPECT_GT(undocumented->location->line, 0);
  EXPECT_FALSE(undocumented->fingerprint.empty());

  const Finding* secret = finding_with(r, std::string(want.example_key) + " in .env.example");
  ASSERT_NE(secret, nullptr) << messages(r);
  EXPECT_EQ(secret->rule, "stripe-live-secret-key");
  const auto shown = secret->evidence["secret"].get<std::string>();
  EXPECT_NE(shown.find("sk_l"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("sk_live_"), std::string::npos) << "redacted, never whole: " << shown;
  for (const auto& f : r.findings)
    EXPECT_EQ(f.evidence.dump().find("sk_live_"), std::string::npos) << f.evidence.dump();

  const Finding* sets = finding_with(r, "define different variables");
  ASSERT_NE(sets, nullptr) << messages(r);
  auto has = [](const nlohmann::json& list, const std::string& key) {
    for (const auto& k : list)
      if (k == key)
        return true;
    return false;
  };
  if (*want.only_staging) {
    EXPECT_TRUE(has(sets->evidence["missing_in_production"], want.only_staging)) << sets->message;
  }
  if (*want.only_production) {
    EXPECT_TRUE(has(sets->evidence["missing_in_staging"], want.only_production)) << sets->message;
  }
  EXPECT_EQ(sets->message.find("vault:"), std::string::npos) << "values never shown";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, DeployConfigNotReady,
                         ::testing::Values(NotReady{"node", "REDIS_URL", "src/server.js",
                                                    "STRIPE_SECRET_KEY", "SMTP_URL", "SENTRY_DSN"},
                                           NotReady{"python", "CELERY_BROKER_URL",
                                                    "app/settings.py", "STRIPE_API_KEY",
                                                    "CELERY_BROKER_URL", ""},
                                           NotReady{"cpp", "PORTAL_PAYMENTS_KEY", "src/main.cpp",
                                                    "STRIPE_KEY", "", "PORTAL_PAYMENTS_KEY"}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(DeployConfig, UnusedDocumentedVariableIsAWarningAndPlatformOnesAreNot) {
  FixtureRun run;
  run_fixture(run, "node-not-ready");
  const Finding* unused = finding_with(run.result, "LEGACY_API_URL is documented");
  ASSERT_NE(unused, nullptr) << messages(run.result);
  EXPECT_EQ(unused->location->file, ".env.example");
  EXPECT_EQ(finding_with(run.result, "PORT is documented"), nullptr);
  EXPECT_NE(run.result.reason.find("1 dynamic name(s) ignored"), std::string::npos)
      << run.result.reason;

  // Alone, an unused variable only warns.
  test::TempDir dir;
  dir.write("app/index.js", "const url = process.env.API_URL;\n");
  dir.write("app/.env.example", "API_URL=https://api.example.com\nOLD_FLAG=1\nNODE_ENV=dev\n");
  auto r = run_on_app(dir);
  EXPECT_EQ(r.status, Status::warn) << messages(r);
  ASSERT_EQ(r.findings.size(), 1u) << messages(r);
  EXPECT_NE(r.findings[0].message.find("OLD_FLAG"), std::string::npos);
}

TEST(DeployConfig, DocsInCodeFormattingAndDockerDefaultsCountAsDocumented) {
  test::TempDir dir;
  dir.write("app/main.go", "package main\nimport \"os\"\nvar a = os.Getenv(\"API_URL\")\n"
                           "var b = os.Getenv(\"BUILD_SHA\")\nvar c = os.Getenv(\"LOG_DIR\")\n");
  dir.write("app/README.md", "Set `API_URL` before starting. LOG_DIR in prose is not enough.\n");
  dir.write("app/Dockerfile", "FROM golang:1.22\nARG BUILD_SHA=dev\n");
  dir.write("app/node_modules/x/index.js", "process.env.IGNORED_IN_DEPS\n");
  auto r = run_on_app(dir);
  ASSERT_EQ(r.status, Status::fail) << messages(r);
  ASSERT_EQ(r.findings.size(), 1u) << messages(r);
  EXPECT_NE(r.findings[0].message.find("LOG_DIR is read"), std::string::npos);
  EXPECT_EQ(r.findings[0].location->line, 5);
}

TEST(DeployConfig, SkipsWithoutADeploySectionOrAnyEnvironmentUse) {
  FixtureRun none;
  run_fixture(none, "", "");
  EXPECT_EQ(none.result.status, Status::skip);
  EXPECT_EQ(none.result.skip_kind, SkipKind::not_configured);

  FixtureRun empty;
  empty.dir.write("app/main.c", "int main(void) { return 0; }\n");
  run_fixture(empty, "", "{repo: app}");
  EXPECT_EQ(empty.result.status, Status::skip) << empty.result.reason;
  EXPECT_EQ(empty.result.skip_kind, SkipKind::not_applicable);
}

TEST(DeployConfig, AMissingEnvFileIsAnError) {
  FixtureRun run;
  run_fixture(run, "cpp-ready",
              "{repo: app, staging_env: deploy/staging.env, production_env: deploy/prod.env}");
  EXPECT_EQ(run.result.status, Status::error);
  EXPECT_NE(run.result.reason.find("prod.env"), std::string::npos) << run.result.reason;
}

} // namespace
} // namespace lg::checks
