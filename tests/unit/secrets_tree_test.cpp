// The working-tree source: planted secrets found with path and line, one finding per distinct
// secret with all its places, .git internals, binaries and symlinks skipped, missing roots noted.

#include "secrets/findings.hpp"
#include "secrets/tree.hpp"
#include "support/test_support.hpp"
#include "unit/secrets_fixtures.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace lg::secrets {
namespace {

const std::string& k_rules = test::k_demo_rule;
const std::string& k_secret = test::k_demo_secret;

Matcher matcher() {
  return test::demo_matcher();
}

TEST(SecretsTree, FindsPlantedSecretsAndSkipsWhatItShould) {
  lg::test::TempDir dir;
  dir.write(".env", "TOKEN=" + k_secret + "\n"); // ignored files count
  dir.write("src/app.js", "// config\nconst t = '" + k_secret + "';\n");
  dir.write("src/clean.js", "const x = 1;\n");
  dir.write(".git/config", k_secret + "\n");              // history's job, not the tree's
  dir.write("bin/blob", std::string("\0", 1) + k_secret); // binary
  std::filesystem::create_symlink(dir.path() / "src/app.js", dir.path() / "link.js");
  std::filesystem::create_directory_symlink(dir.path(), dir.path() / "loop");
  auto m = matcher();
  TreeOptions options;
  options.roots = {dir.path().string(), (dir.path() / "missing").string()};
  options.threads = 2;
  auto result = scan_tree(m, options);
  EXPECT_EQ(result.files, 3u);
  EXPECT_EQ(result.binary, 1u);
  ASSERT_EQ(result.hits.size(), 2u);
  EXPECT_EQ(result.hits[0].path, (dir.path() / ".env").string());
  EXPECT_EQ(result.hits[0].line, 1u);
  EXPECT_EQ(result.hits[1].path, (dir.path() / "src/app.js").string());
  EXPECT_EQ(result.hits[1].line, 2u);
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_NE(result.notes[0].find("missing: does not exist"), std::string::npos);

  auto findings = collapse_hits("secrets.tree", m.rules(), result.hits);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "demo-token");
  ASSERT_TRUE(findings[0].location);
  EXPECT_EQ(findings[0].location->line, 1);
  ASSERT_EQ(findings[0].locations.size(), 1u);
  EXPECT_EQ(findings[0].locations[0].line, 2);
  EXPECT_EQ(findings[0].evidence.dump().find(k_secret), std::string::npos);
  EXPECT_NE(findings[0].message.find("in 2 places"), std::string::npos);
  EXPECT_EQ(findings[0].fingerprint.size(), 16u);
}

TEST(SecretsTree, LargeFilesAreSkippedWithANote) {
  lg::test::TempDir dir;
  dir.write("big.log", std::string(4096, 'a') + k_secret);
  TreeOptions options;
  options.roots = {dir.path().string()};
  options.max_file_bytes = 1024;
  auto result = scan_tree(matcher(), options);
  EXPECT_EQ(result.files, 0u);
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_NE(result.notes[0].find("over the 1024 byte limit"), std::string::npos);
}

TEST(SecretsTree, TheShippedRulesLoadFromTheBinary) {
  auto rules = builtin_rules();
  ASSERT_TRUE(rules) << rules.error().message;
  EXPECT_GE(rules->rules.size(), 100u);
}

} // namespace
} // namespace lg::secrets
