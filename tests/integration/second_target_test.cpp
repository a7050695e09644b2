// The access and input gates against a second target of a different shape (tests/targets/
// projects_api.py: Python's standard library, bearer tokens, UUIDs, nested /v2/orgs/{org}/projects
// /{project}, described only by a HAR recording, with traps for status-code oracles): the same
// checks find each planted flaw, and none fires on the secure target.

#include "checks/registry.hpp"
#include "engine/context.hpp"
#include "integration/test_portal_support.hpp"
#include "net/impl/curl_http.hpp"
#include "support/test_support.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace lg {
namespace {

constexpr const char* k_python = "/usr/bin/python3";

struct TargetRun {
  std::vector<CheckResult> results;
  std::string error;
};

/// Starts the target with `flaws` and sets the passwords its config reads; false (with `error`
/// set) when it does not start.
bool start_target(portal_test::PortalProcess& target, const std::vector<std::string>& flaws,
                  std::string& error) {
  std::vector<std::string> args{std::string(LG_SOURCE_DIR) + "/tests/targets/projects_api.py",
                                "--port", "0"};
  for (const auto& f : flaws) {
    args.emplace_back("--flaw");
    args.push_back(f);
  }
  if (!target.start(k_python, args)) {
    error = target.error();
    return false;
  }
  for (const char* name : {"ada", "bea", "cy", "dan"})
    setenv(fmt::format("{}_PASSWORD", to_upper(name)).c_str(),
           fmt::format("{}-pass-1", name).c_str(), 1);
  return true;
}

TargetRun audit_target(const std::vector<std::string>& flaws) {
  TargetRun run;
  portal_test::PortalProcess target;
  if (!start_target(target, flaws, run.error))
    return run;
  setenv("PROJECTS_API_URL", target.url().c_str(), 1);
  auto config = load_config(std::string(LG_SOURCE_DIR) + "/tests/targets/projects_api.yaml");
  if (!config) {
    run.error = config.error().message;
    return run;
  }
  net::CurlHttpClient http({});
  net::SystemClock clock;
  engine::RunOptions options;
  options.allow_writes = true;
  engine::Context context(*config, {http, clock}, options);
  run.results = checks::run_checks(context, {"access", "input"});
  target.stop();
  target.remove_log();
  return run;
}

std::string dump(const std::vector<CheckResult>& results) {
  return test::dump_results(results);
}

std::set<std::string> not_passing(const std::vector<CheckResult>& results) {
  std::set<std::string> out;
  for (const auto& r : results)
    if (r.status != Status::pass)
      out.insert(r.meta.id);
  return out;
}

struct TargetCase {
  const char* flaw;
  const char* fails;
};

class SecondTarget : public ::testing::TestWithParam<TargetCase> {
protected:
  void SetUp() override {
    if (!std::filesystem::exists(k_python))
      GTEST_SKIP() << "no " << k_python;
  }
};

TEST_P(SecondTarget, TheSameChecksFindItsFlawAndNothingElse) {
  const auto& c = GetParam();
  auto run = audit_target(std::string(c.flaw).empty() ? std::vector<std::string>{}
                                                      : std::vector<std::string>{c.flaw});
  ASSERT_TRUE(run.error.empty()) << run.error;
  std::set<std::string> expected;
  if (*c.fails)
    expected.insert(c.fails);
  EXPECT_EQ(not_passing(run.results), expected) << dump(run.results);
  for (const auto& r : run.results)
    for (const auto& f : r.findings) {
      auto curl = f.evidence.value("curl", "");
      EXPECT_NE(curl.find("curl -sS"), std::string::npos) << f.evidence.dump();
      if (f.evidence.value("as", "") != "anonymous") {
        EXPECT_NE(curl.find("Authorization: Bearer $TOKEN"), std::string::npos) << curl;
      }
      EXPECT_EQ(curl.find("-pass-1"), std::string::npos);
    }
}

INSTANTIATE_TEST_SUITE_P(ProjectsApi, SecondTarget,
                         ::testing::Values(TargetCase{"", ""},
                                           TargetCase{"nested-idor", "access.cross-tenant-read"},
                                           TargetCase{"org-idor", "access.cross-tenant-read"},
                                           TargetCase{"member-billing", "access.role-escalation"},
                                           TargetCase{"write-idor", "access.cross-tenant-write"},
                                           TargetCase{"role-mass-assign", "access.mass-assignment"},
                                           TargetCase{"search-leak", "access.filter-tampering"},
                                           TargetCase{"unauth-members", "access.unauthenticated"}),
                         [](const auto& test_info) {
                           std::string name =
                               *test_info.param.flaw ? test_info.param.flaw : "secure";
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

/// The four accounts signing in with `style`: "basic", "api_key" or "form" (a form whose CSRF
/// token is scraped from the login page and bound to a pre-session cookie).
std::string accounts_yaml(const std::string& style) {
  struct User {
    const char* name;
    const char* org;
    const char* role;
  };
  std::string out = "accounts:\n";
  for (const auto& u : {User{"ada", "initech", "admin"}, User{"bea", "initech", "member"},
                        User{"cy", "umbrella", "admin"}, User{"dan", "umbrella", "member"}}) {
    std::string password = fmt::format("\"${{{}_PASSWORD}}\"", to_upper(u.name));
    std::string login;
    if (style == "basic")
      login = fmt::format("{{basic: {{username: {}, password: {}}}, check: /v2/profile}}", u.name,
                          password);
    else if (style == "bearer")
      login =
          fmt::format("{{method: POST, path: /auth/token, json: {{username: {}, password: {}}}, "
                      "token: $.access_token}}",
                      u.name, password);
    else if (style == "api_key")
      login = fmt::format("{{api_key: {{header: X-Api-Key, value: key-{}-1}}, check: /v2/profile}}",
                          u.name);
    else
      login = fmt::format("{{method: POST, path: /web/login, form: {{username: {}, password: {}}}, "
                          "csrf: {{page: /web/login, field: csrf_token}}}}",
                          u.name, password);
    out += fmt::format("  - {{name: {}, org: {}, role: {}, login: {}}}\n", u.name, u.org, u.role,
                       login);
  }
  return out;
}

std::vector<CheckResult> audit_with_style(const std::string& style,
                                          const std::vector<std::string>& flaws, std::string& error,
                                          const std::string& api = "har: projects_api.har") {
  portal_test::PortalProcess target;
  if (!start_target(target, flaws, error))
    return {};
  std::string yaml = fmt::format("target: {{base_url: \"{}\", max_rps: 500}}\n{}api:\n"
                                 "  {}\n"
                                 "  public: [\"GET /v2/health\", \"POST /auth/token\"]\n"
                                 "  admin_only: [\"/v2/orgs/*/billing\"]\n"
                                 "  shared: [\"/v2/reference/**\"]\n",
                                 target.url(), accounts_yaml(style), api);
  auto config = parse_config(yaml, style, std::string(LG_SOURCE_DIR) + "/tests/targets");
  if (!config) {
    error = config.error().message;
    return {};
  }
  net::CurlHttpClient http({});
  net::SystemClock clock;
  engine::Context context(*config, {http, clock}, {});
  auto results = checks::run_checks(context, {"access"});
  target.stop();
  target.remove_log();
  return results;
}

class LoginStyle : public ::testing::TestWithParam<const char*> {
protected:
  void SetUp() override {
    if (!std::filesystem::exists(k_python))
      GTEST_SKIP() << "no " << k_python;
  }
};

TEST_P(LoginStyle, TheAccessGateRunsWithItAndFindsTheNestedIdor) {
  std::string error;
  auto secure = audit_with_style(GetParam(), {}, error);
  ASSERT_TRUE(error.empty()) << error;
  for (const auto& r : secure) {
    if (r.meta.id == "access.cross-tenant-write" || r.meta.id == "access.mass-assignment")
      EXPECT_EQ(r.status, Status::skip) << dump(secure); // read-only run
    else
      EXPECT_EQ(r.status, Status::pass) << dump(secure);
  }
  auto flawed = audit_with_style(GetParam(), {"nested-idor"}, error);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(not_passing(flawed),
            (std::set<std::string>{"access.cross-tenant-read", "access.cross-tenant-write",
                                   "access.mass-assignment"}))
      << dump(flawed);
  for (const auto& r : flawed)
    for (const auto& f : r.findings) {
      auto curl = f.evidence.value("curl", "");
      EXPECT_NE(curl.find('$'), std::string::npos) << curl; // the credential as a variable
      EXPECT_EQ(curl.find("-pass-1"), std::string::npos) << curl;
      EXPECT_EQ(curl.find("key-"), std::string::npos) << curl;
    }
}

INSTANTIATE_TEST_SUITE_P(ProjectsApi, LoginStyle, ::testing::Values("basic", "api_key", "form"));

TEST(SecondTargetShape, APostmanCollectionDescribesItAsWellAsTheHar) {
  if (!std::filesystem::exists(k_python))
    GTEST_SKIP() << "no " << k_python;
  std::string error;
  const std::string api = "postman: projects_api.postman.json";
  auto secure = audit_with_style("bearer", {}, error, api);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(not_passing(secure),
            (std::set<std::string>{"access.cross-tenant-write", "access.mass-assignment"}))
      << dump(secure); // the two write checks skip in a read-only run
  for (const auto& [flaw, check] : std::vector<std::pair<std::string, std::string>>{
           {"nested-idor", "access.cross-tenant-read"},
           {"member-billing", "access.role-escalation"},
           {"search-leak", "access.filter-tampering"}}) {
    auto flawed = audit_with_style("bearer", {flaw}, error, api);
    ASSERT_TRUE(error.empty()) << error;
    EXPECT_EQ(not_passing(flawed),
              (std::set<std::string>{check, "access.cross-tenant-write", "access.mass-assignment"}))
        << flaw << "\n"
        << dump(flawed);
  }
}

TEST(SecondTargetShape, TheNestedIdorIsFoundUnderTheAttackersOwnOrg) {
  if (!std::filesystem::exists(k_python))
    GTEST_SKIP() << "no " << k_python;
  auto run = audit_target({"nested-idor"});
  ASSERT_TRUE(run.error.empty()) << run.error;
  for (const auto& r : run.results) {
    if (r.meta.id != "access.cross-tenant-read")
      continue;
    ASSERT_FALSE(r.findings.empty()) << dump(run.results);
    const auto& e = r.findings[0].evidence;
    EXPECT_EQ(e["path"], "/v2/orgs/{org}/projects/{project}");
    EXPECT_NE(r.findings[0].message.find("attacker's own parent ids"), std::string::npos);
  }
}

} // namespace
} // namespace lg
