// deploy.migrations over the fixture repositories of tests/fixtures/deploy, each copied into a
// fresh git repository and committed: the ready ones (Knex, Django, golang-migrate) pass with or
// without deploy.migrate; the not-ready ones fail on their hand-edit docs and missing migrations;
// an uncommitted migration, a down-less golang-migrate file, nothing that applies them, no
// database and no deploy section each give their own result.

#include "integration/deploy_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;

/// Copies fixture `name` into `repo` (without `except`), commits it, then writes `except` back
/// uncommitted.
void plant(test::GitRepo& repo, const std::string& name, const std::string& except = "") {
  test::plant_fixture(repo, name, except);
}

CheckResult run_over(const std::string& dir, const std::string& extra = "",
                     bool with_deploy = true) {
  std::string yaml = "target:\n  base_url: http://portal.test\n";
  if (with_deploy)
    yaml += "deploy:\n  repo: " + dir + "\n" + extra;
  return test::run_deploy_check("deploy.migrations", yaml);
}

/// The findings by their evidence's `what`, counted.
std::map<std::string, int> whats(const CheckResult& r) {
  std::map<std::string, int> out;
  for (const auto& f : r.findings) {
    ++out[f.evidence.value("what", "")];
    EXPECT_TRUE(f.location);
    EXPECT_EQ(f.fingerprint.size(), 16u);
  }
  return out;
}

const Finding* with_what(const CheckResult& r, const std::string& what, size_t nth = 0) {
  for (const auto& f : r.findings)
    if (f.evidence.value("what", "") == what && nth-- == 0)
      return &f;
  return nullptr;
}

std::string dump(const CheckResult& r) {
  return test::dump_results({r});
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(DeployMigrations, ReadyFixturesPassFromWhatTheRepositorySays) {
  struct Case {
    const char* fixture;
    const char* framework; ///< as the reason names it
    const char* command;
  };
  for (const Case& c :
       {Case{"node-ready", "2 Knex migrations in migrations/ (each with a down step)",
             "`npx knex migrate:latest`"},
        Case{"python-ready", "2 Django migrations in app/migrations/ (each with a down step)",
             "manage.py migrate --noinput"},
        Case{"cpp-ready", "2 golang-migrate migrations in db/migrations/ (each with a down step)",
             "`migrate -path db/migrations -database \"$PORTAL_DB_URL\" up`"}}) {
    test::GitRepo repo;
    plant(repo, c.fixture);
    auto r = run_over(repo.dir());
    EXPECT_EQ(r.status, Status::pass) << c.fixture << "\n" << dump(r);
    EXPECT_TRUE(has(r.reason, c.framework)) << r.reason;
    EXPECT_TRUE(has(r.reason, "applied by `")) << r.reason;
    EXPECT_TRUE(has(r.reason, c.command)) << r.reason;
  }
  // Where each was found: the README's shell block, the release script.
  test::GitRepo node;
  plant(node, "node-ready");
  auto r = run_over(node.dir());
  EXPECT_TRUE(has(r.reason, "(README.md:25 (docs), written for a person to run)")) << r.reason;
  test::GitRepo python;
  plant(python, "python-ready");
  r = run_over(python.dir());
  EXPECT_TRUE(has(r.reason, "(deploy/release.sh:37 (deploy script))")) << r.reason;
}

TEST(DeployMigrations, ReadyFixturesPassWithDeployMigrate) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  auto r = run_over(repo.dir(), "  migrate: npx knex migrate:latest\n");
  EXPECT_EQ(r.status, Status::pass) << dump(r);
  EXPECT_TRUE(has(r.reason, "applied by `npx knex migrate:latest` (deploy.migrate)")) << r.reason;
}

TEST(DeployMigrations, ACiWorkflowStepCounts) {
  test::GitRepo repo;
  plant(repo, "cpp-ready");
  // The command moves from the docs into a deploy workflow.
  fs::remove_all(repo.path() / "docs");
  repo.write("README.md", "# Portal worker\n\nMigrations are in `db/migrations/`.\n");
  repo.write(".github/workflows/deploy.yml",
             "name: deploy\non: {push: {tags: ['v*']}}\njobs:\n  deploy:\n    runs-on: "
             "ubuntu-22.04\n    steps:\n      - run: migrate -path db/migrations -database "
             "\"$PORTAL_DB_URL\" up\n");
  repo.commit("deploy workflow");
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::pass) << dump(r);
  EXPECT_TRUE(has(r.reason, "(.github/workflows/deploy.yml:7 (CI workflow))")) << r.reason;
}

TEST(DeployMigrations, NodeNotReadyFailsOnHandEditsAndNoMigrations) {
  test::GitRepo repo;
  plant(repo, "node-not-ready");
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_EQ(whats(r),
            (std::map<std::string, int>{{"manual database edit", 2}, {"no migrations", 1}}))
      << dump(r);
  const Finding* prose = with_what(r, "manual database edit", 0);
  ASSERT_NE(prose, nullptr);
  EXPECT_EQ(prose->location->file, "README.md");
  EXPECT_EQ(prose->location->line, 13);
  EXPECT_TRUE(has(prose->evidence["quote"].get<std::string>(), "statements by hand"));
  const Finding* code = with_what(r, "manual database edit", 1);
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->location->line, 16);
  EXPECT_EQ(code->evidence["why"], "has a psql command that runs ALTER");
  const Finding* none = with_what(r, "no migrations");
  ASSERT_NE(none, nullptr);
  EXPECT_TRUE(has(none->message, "schema file (schema.sql)")) << none->message;
  EXPECT_TRUE(has(none->message, "pg dependency (package.json:")) << none->message;
}

TEST(DeployMigrations, PythonAndCppNotReadyFailOnTheirReadmes) {
  test::GitRepo python;
  plant(python, "python-not-ready");
  auto r = run_over(python.dir());
  EXPECT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_EQ(whats(r),
            (std::map<std::string, int>{{"manual database edit", 1}, {"no migrations", 1}}))
      << dump(r);
  EXPECT_TRUE(has(with_what(r, "manual database edit")->message,
                  "README.md:19 says to change the database by hand: \"changes listed"))
      << dump(r);

  test::GitRepo cpp;
  plant(cpp, "cpp-not-ready");
  r = run_over(cpp.dir());
  EXPECT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_EQ(whats(r),
            (std::map<std::string, int>{{"manual database edit", 2}, {"no migrations", 1}}))
      << dump(r);
  EXPECT_EQ(with_what(r, "manual database edit", 0)->evidence["why"],
            "says to connect to the database and run statements");
  EXPECT_TRUE(has(with_what(r, "no migrations")->message, "schema file (db/schema.sql)"))
      << dump(r);
}

TEST(DeployMigrations, AMigrationLeftUncommittedFails) {
  test::GitRepo repo;
  plant(repo, "node-ready", "migrations/20240515090000_add_records_archived.js");
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_EQ(whats(r), (std::map<std::string, int>{{"not committed", 1}})) << dump(r);
  EXPECT_EQ(r.findings[0].location->file, "migrations/20240515090000_add_records_archived.js");
  EXPECT_EQ(r.findings[0].evidence["framework"], "Knex");
}

TEST(DeployMigrations, AGolangMigrateUpWithoutDownWarns) {
  test::GitRepo repo;
  fs::copy(test::k_deploy_fixtures / "cpp-ready", repo.path(), fs::copy_options::recursive);
  fs::remove(repo.path() / "db/migrations/0002_add_records_archived.down.sql");
  repo.commit("no down");
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::warn) << dump(r);
  EXPECT_EQ(whats(r), (std::map<std::string, int>{{"no down step", 1}})) << dump(r);
  EXPECT_EQ(r.findings[0].location->file, "db/migrations/0002_add_records_archived.up.sql");
  EXPECT_TRUE(has(r.findings[0].message, "no 0002_add_records_archived.down.sql"))
      << r.findings[0].message;
}

TEST(DeployMigrations, MigrationsThatNothingAppliesFail) {
  test::GitRepo repo;
  plant(repo, "node-ready");
  repo.write("README.md", "# Client portal\n\nMigrations live in `migrations/`.\n");
  repo.commit("no command");
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::fail) << dump(r);
  EXPECT_EQ(whats(r), (std::map<std::string, int>{{"not applied", 1}})) << dump(r);
  EXPECT_TRUE(has(r.findings[0].message, "npx knex migrate:latest")) << r.findings[0].message;
  // A release phase in the Procfile is enough.
  repo.write("Procfile", "release: npx knex migrate:latest\nweb: node src/server.js\n");
  repo.commit("release phase");
  r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::pass) << dump(r);
  EXPECT_TRUE(has(r.reason, "(Procfile:1 (Procfile))")) << r.reason;
}

TEST(DeployMigrations, NoDatabaseSkipsAsNotApplicable) {
  test::GitRepo repo;
  repo.write("README.md", "# A static site\n\nBuild with `make`.\n");
  repo.write("src/index.js", "console.log('hello');\n");
  repo.write("package.json", "{\n  \"dependencies\": {\n    \"express\": \"^4\"\n  }\n}\n");
  repo.commit("site");
  auto r = run_over(repo.dir());
  EXPECT_EQ(r.status, Status::skip) << dump(r);
  EXPECT_EQ(r.skip_kind, SkipKind::not_applicable);
  EXPECT_TRUE(has(r.reason, "no database found")) << r.reason;
}

TEST(DeployMigrations, NoDeploySectionSkipsAsNotConfigured) {
  auto r = run_over("", "", false);
  EXPECT_EQ(r.status, Status::skip) << dump(r);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
}

} // namespace
} // namespace lg::checks
