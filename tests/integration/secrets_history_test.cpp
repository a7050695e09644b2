// The history and staged sources on repositories the tests build with the real git: every blob
// scanned once, each secret traced to the commit that added it, HEAD presence, branches, dangling
// and corrupt objects, shallow clones, a staged-only scan; and the CLI around them (--history,
// --staged, --allow-path, baselines).

#include "secrets/findings.hpp"
#include "secrets/history.hpp"
#include "support/test_support.hpp"
#include "unit/secrets_fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace lg::secrets {
namespace {

namespace fs = std::filesystem;
const std::string& k_secret = test::k_demo_secret;
const std::string k_other = "dmo_Pq7Rt2Wx9Yz4Bc6Dv8Fk";
const std::string k_bin = LG_LAUNCHGATE_BIN;

Matcher matcher() {
  return test::demo_matcher();
}

using Repo = lg::test::GitRepo;

HistoryResult scan(const Matcher& m, const std::string& repo) {
  HistoryOptions options;
  options.repo = repo;
  options.threads = 2;
  auto result = scan_history(m, options);
  EXPECT_TRUE(result) << result.error().message;
  return result ? std::move(*result) : HistoryResult{};
}

TEST(SecretsHistory, TracesEachSecretToTheCommitThatAddedItAndKnowsWhetherHeadHasIt) {
  Repo repo;
  repo.write("app.js", "const x = 1;\n");
  repo.commit("start", "2024-01-01T09:00:00+00:00");
  repo.write("config/.env", "A=1\nTOKEN=" + k_secret + "\n");
  repo.commit("add env", "2024-02-03T10:20:30-05:00");
  std::string added = repo.head();
  repo.write("app.js", "const x = 2;\n");
  repo.commit("unrelated");
  fs::remove(repo.path() / "config/.env");
  repo.commit("remove env");
  repo.write("keep.txt", "other = " + k_other + "\n");
  repo.commit("still here");
  std::string kept = repo.head();

  auto m = matcher();
  auto result = scan(m, repo.dir());
  EXPECT_FALSE(result.shallow);
  EXPECT_GE(result.blobs, 4u); // each distinct blob once: two app.js, .env, keep.txt
  ASSERT_EQ(result.hits.size(), 2u);
  const auto& gone = result.hits[0]; // oldest first
  EXPECT_EQ(gone.match.secret, k_secret);
  EXPECT_EQ(gone.match.line, 2u);
  ASSERT_TRUE(gone.first);
  EXPECT_EQ(gone.first->commit, added);
  EXPECT_EQ(gone.first->path, "config/.env");
  EXPECT_EQ(gone.first->author_date, "2024-02-03T10:20:30-05:00");
  EXPECT_FALSE(gone.at_head);
  const auto& here = result.hits[1];
  EXPECT_EQ(here.match.secret, k_other);
  ASSERT_TRUE(here.first);
  EXPECT_EQ(here.first->commit, kept);
  EXPECT_TRUE(here.at_head);
  EXPECT_GT(result.first_finding_seconds, 0);
}

TEST(SecretsHistory, OneBlobInManyCommitsAndBranchesIsScannedOnceAndFoundOnEveryRef) {
  Repo repo;
  repo.write("a.txt", "TOKEN=" + k_secret + "\n");
  repo.commit("one");
  for (int i = 0; i < 5; ++i) { // the blob stays in five more commits
    repo.write("n.txt", std::to_string(i));
    repo.commit("more");
  }
  repo.git({"checkout", "-q", "-b", "feature"});
  repo.write("feature.txt", "KEY=" + k_other + "\n");
  repo.commit("feature only");
  repo.git({"checkout", "-q", "main"});

  auto m = matcher();
  auto result = scan(m, repo.dir());
  ASSERT_EQ(result.hits.size(), 2u);
  EXPECT_EQ(result.hits[0].match.secret, k_secret); // once, not six times
  EXPECT_TRUE(result.hits[0].at_head);
  EXPECT_EQ(result.hits[1].match.secret, k_other);
  ASSERT_TRUE(result.hits[1].first);
  EXPECT_EQ(result.hits[1].first->path, "feature.txt");
  EXPECT_FALSE(result.hits[1].at_head); // on a branch, not on the checked-out HEAD
}

TEST(SecretsHistory, DanglingObjectsAreScannedAndSaidToBeUnreachable) {
  Repo repo;
  repo.write("a.txt", "clean\n");
  repo.commit("one");
  repo.write("loose.txt", "TOKEN=" + k_secret + "\n");
  repo.git({"hash-object", "-w", "loose.txt"});
  fs::remove(repo.path() / "loose.txt");
  auto m = matcher();
  auto result = scan(m, repo.dir());
  ASSERT_EQ(result.hits.size(), 1u);
  EXPECT_FALSE(result.hits[0].first);
  EXPECT_TRUE(std::any_of(result.notes.begin(), result.notes.end(),
                          [](const auto& n) { return n.find("no ref reaches") != n.npos; }));
}

TEST(SecretsHistory, CorruptObjectsAndNonRepositoriesAreNotesOrErrorsNeverCrashes) {
  Repo repo;
  repo.write("a.txt", "TOKEN=" + k_secret + "\n");
  repo.commit("one");
  // Overwrite every loose object with garbage: git cannot inflate them.
  for (const auto& e : fs::recursive_directory_iterator(repo.path() / ".git/objects"))
    if (e.is_regular_file()) {
      fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
      std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << "not zlib at all";
    }
  auto m = matcher();
  HistoryOptions options;
  options.repo = repo.dir();
  auto result = scan_history(m, options);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(result->hits.empty());
  EXPECT_FALSE(result->notes.empty());

  lg::test::TempDir plain;
  options.repo = plain.path().string();
  auto none = scan_history(m, options);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("not a git repository"), std::string::npos);
}

TEST(SecretsHistory, AShallowCloneSaysWhatItCannotSee) {
  Repo repo;
  for (int i = 0; i < 3; ++i) {
    repo.write("n.txt", std::to_string(i));
    repo.commit("c");
  }
  lg::test::TempDir clone;
  auto r = lg::test::run_command({"git", "clone", "-q", "--depth", "1", "file://" + repo.dir(),
                                  (clone.path() / "c").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  auto m = matcher();
  auto result = scan(m, (clone.path() / "c").string());
  EXPECT_TRUE(result.shallow);
  EXPECT_TRUE(std::any_of(result.notes.begin(), result.notes.end(),
                          [](const auto& n) { return n.find("fetch-depth: 0") != n.npos; }));
}

TEST(SecretsStaged, OnlyWhatIsStagedIsScanned) {
  Repo repo;
  repo.write("a.txt", "TOKEN=" + k_other + "\n"); // committed: not this scan's business
  repo.commit("one");
  repo.write("staged.env", "TOKEN=" + k_secret + "\n");
  repo.git({"add", "staged.env"});
  repo.write("unstaged.env", "TOKEN=dmo_Zz9Yy8Xx7Ww6Vv5Uu4Tt3\n"); // not staged
  auto m = matcher();
  size_t files = 0;
  auto hits = scan_staged(m, repo.dir(), &files);
  ASSERT_TRUE(hits) << hits.error().message;
  EXPECT_EQ(files, 1u);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].path, "staged.env");
  EXPECT_EQ((*hits)[0].match.secret, k_secret);
}

// ---- the CLI around the history: --history, --staged, --allow-path, baselines.

std::string rules_file(const lg::test::TempDir& dir) {
  return dir.write("rules.toml", test::k_demo_rule);
}

TEST(SecretsCli, HistoryFindingsCarryCommitAndHeadPresence) {
  Repo repo;
  repo.write("app.js", "const x = 1;\n");
  repo.write(".env", "TOKEN=" + k_secret + "\n");
  repo.commit("leak");
  fs::remove(repo.path() / ".env");
  repo.commit("unleak");
  lg::test::TempDir aux;
  auto r = lg::test::run_command(
      {k_bin, "secrets", "--history", "--rules", rules_file(aux), "--format", "json", repo.dir()});
  ASSERT_EQ(r.code, 1) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["checks"].size(), 2u);
  for (const auto& c : doc["checks"]) {
    if (c["id"] == "secrets.tree") {
      EXPECT_EQ(c["status"], "pass");
      continue;
    }
    ASSERT_EQ(c["id"], "secrets.history");
    ASSERT_EQ(c["findings"].size(), 1u);
    EXPECT_EQ(c["findings"][0]["location"]["file"], ".env");
    EXPECT_EQ(c["findings"][0]["evidence"]["at_head"], false);
  }
  EXPECT_EQ(r.out.find(k_secret), std::string::npos);
}

TEST(SecretsCli, StagedScanFailsOnlyOnTheStagedSecret) {
  Repo repo;
  repo.write("a.txt", "clean\n");
  repo.commit("one");
  lg::test::TempDir aux;
  auto rules = rules_file(aux);
  auto clean = lg::test::run_command({k_bin, "secrets", "--staged", "--rules", rules, repo.dir()});
  EXPECT_EQ(clean.code, 0) << clean.out << clean.err;
  repo.write("b.env", "TOKEN=" + k_secret + "\n");
  repo.git({"add", "b.env"});
  auto dirty = lg::test::run_command(
      {k_bin, "secrets", "--staged", "--rules", rules, "--format", "json", repo.dir()});
  EXPECT_EQ(dirty.code, 1) << dirty.err;
  EXPECT_NE(dirty.out.find("b.env"), std::string::npos);
  auto both = lg::test::run_command({k_bin, "secrets", "--staged", "--history", repo.dir()});
  EXPECT_EQ(both.code, 2);
}

TEST(SecretsCli, BaselineAcceptsKnownFindingsAndFailsOnNewOnes) {
  lg::test::TempDir dir;
  lg::test::TempDir aux;
  auto rules = rules_file(aux);
  dir.write("a.env", "TOKEN=" + k_secret + "\n");
  std::string baseline = (aux.path() / "baseline.json").string();
  auto write = lg::test::run_command(
      {k_bin, "secrets", "--rules", rules, "--write-baseline", baseline, dir.path().string()});
  EXPECT_EQ(write.code, 0) << write.out << write.err;
  auto text = lg::test::read_file(baseline);
  EXPECT_NE(text.find("launchgate.baseline/1"), std::string::npos);
  EXPECT_EQ(text.find(k_secret), std::string::npos);

  auto known = lg::test::run_command({k_bin, "secrets", "--rules", rules, "--baseline", baseline,
                                      "--format", "json", dir.path().string()});
  EXPECT_EQ(known.code, 0) << known.out;
  auto accepted = nlohmann::json::parse(known.out)["checks"][0];
  EXPECT_EQ(accepted["status"], "pass");
  EXPECT_NE(
      accepted["reason"].get<std::string>().find("1 known finding(s) accepted by the baseline"),
      std::string::npos);

  dir.write("b.env", "TOKEN=" + k_other + "\n");
  auto fresh = lg::test::run_command({k_bin, "secrets", "--rules", rules, "--baseline", baseline,
                                      "--format", "json", dir.path().string()});
  EXPECT_EQ(fresh.code, 1);
  auto doc = nlohmann::json::parse(fresh.out);
  ASSERT_EQ(doc["checks"][0]["findings"].size(), 1u);
  EXPECT_NE(doc["checks"][0]["findings"][0]["location"]["file"].get<std::string>().find("b.env"),
            std::string::npos);

  std::ofstream(baseline) << "{\"schema\": \"something else\"}";
  auto broken = lg::test::run_command(
      {k_bin, "secrets", "--rules", rules, "--baseline", baseline, dir.path().string()});
  EXPECT_EQ(broken.code, 2);
  EXPECT_NE(broken.err.find("launchgate.baseline/1"), std::string::npos);
}

TEST(SecretsCli, AllowPathAndShowSecretsAndExplainRules) {
  lg::test::TempDir dir;
  lg::test::TempDir aux;
  auto rules = rules_file(aux);
  dir.write("fixtures/a.env", "TOKEN=" + k_secret + "\n");
  auto allowed = lg::test::run_command(
      {k_bin, "secrets", "--rules", rules, "--allow-path", "fixtures/", dir.path().string()});
  EXPECT_EQ(allowed.code, 0) << allowed.out;
  auto shown = lg::test::run_command({k_bin, "secrets", "--rules", rules, "--show-secrets",
                                      "--format", "json", dir.path().string()});
  EXPECT_EQ(shown.code, 1);
  EXPECT_NE(shown.out.find(k_secret), std::string::npos);
  EXPECT_NE(shown.err.find("local triage only"), std::string::npos);
  auto explain = lg::test::run_command({k_bin, "secrets", "--explain-rules"});
  EXPECT_EQ(explain.code, 0);
  EXPECT_NE(explain.out.find("aws-access-key-id"), std::string::npos);
  EXPECT_NE(explain.out.find("on Hyperscan + RE2"), std::string::npos);
}

} // namespace
} // namespace lg::secrets
