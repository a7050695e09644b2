// checks/deploy/procedures: which headings name a release rollback, the procedure quoted from a
// document (the innermost rollback section, its commands and dry runs; an empty section noted),
// ROLLBACK files, runbook files, CODEOWNERS owners and secrets masked in command output.

#include "checks/deploy/procedures.hpp"
#include "checks/secrets/scan.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

namespace lg::checks::deploy {
namespace {

TEST(DeployProcedures, KnowsARollbackHeadingFromOtherRollbacks) {
  for (const char* yes :
       {"Rollback", "Rolling back a release", "How to roll back", "Roll-back",
        "Deploy and rollback", "Reverting a release", "Revert", "Restore the previous release",
        "Downgrade", "ROLLBACKS", "Rollback procedure (production)", "Database rollback"})
    EXPECT_TRUE(is_rollback_heading(yes)) << yes;
  for (const char* no :
       {"Database rollback of a test", "Transaction rollback", "Rollback tests", "Restore a backup",
        "Restoring the database", "Reverting a commit", "Downgrading Node.js",
        "Rollbar integration", "Deploy", "", "Roll out", "Back up"})
    EXPECT_FALSE(is_rollback_heading(no)) << no;
}

TEST(DeployProcedures, QuotesTheInnermostRollbackSectionWithItsCommands) {
  const std::string doc = "# Portal\n"                             // 1
                          "\n"                                     // 2
                          "## Deploy and rollback\n"               // 3
                          "\n"                                     // 4
                          "Deploys need approval.\n"               // 5
                          "\n"                                     // 6
                          "### Rollback\n"                         // 7
                          "\n"                                     // 8
                          "Try `tool rollback --dry-run` first.\n" // 9
                          "\n"                                     // 10
                          "```sh\n"                                // 11
                          "$ tool rollback \\\n"                   // 12
                          "    --to previous\n"                    // 13
                          "restored\n"                             // 14
                          "```\n"                                  // 15
                          "\n"                                     // 16
                          "## Support\n"                           // 17
                          "Mail us.\n";
  std::vector<EmptyProcedure> empty;
  auto found = rollback_procedures(doc, "README.md", &empty);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(empty.empty());
  const auto& p = found[0];
  EXPECT_EQ(p.where(), "README.md:7");
  EXPECT_EQ(p.heading, "Rollback");
  ASSERT_FALSE(p.excerpt.empty());
  EXPECT_EQ(p.excerpt.front(), "Try `tool rollback --dry-run` first.");
  EXPECT_EQ(p.excerpt.back(), "```");
  EXPECT_EQ(p.commands, (std::vector<std::string>{"tool rollback --to previous"}));
  EXPECT_EQ(p.dry_runs, (std::vector<std::string>{"tool rollback --dry-run"}));
}

TEST(DeployProcedures, AnEmptyRollbackSectionIsNoProcedure) {
  std::vector<EmptyProcedure> empty;
  auto found = rollback_procedures("# App\n\n## Rollback\n\nTODO\n\n## Deploy\n\nrun it\n",
                                   "docs/ops.md", &empty);
  EXPECT_TRUE(found.empty());
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].line, 3u);
  EXPECT_EQ(empty[0].heading, "Rollback");
}

TEST(DeployProcedures, QuotesAtMostTwelveLines) {
  std::string doc = "## Rollback\n";
  for (int i = 1; i <= 30; ++i)
    doc += "step " + std::to_string(i) + "\n";
  auto found = rollback_procedures(doc, "README.md");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].excerpt.size(), k_procedure_excerpt_lines);
  EXPECT_EQ(found[0].excerpt.back(), "step 12");
}

TEST(DeployProcedures, AWholeRollbackFileIsTheProcedure) {
  auto found = rollback_procedures("Rolling back\n============\n\n1. `make rollback DRY_RUN=1`\n",
                                   "ROLLBACK.md");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].where(), "ROLLBACK.md:1");
  EXPECT_EQ(found[0].heading, "Rolling back");
  EXPECT_EQ(found[0].dry_runs, (std::vector<std::string>{"make rollback DRY_RUN=1"}));
  EXPECT_TRUE(rollback_procedures("# Rollback\n\nTBD\n", "rollback.md").empty());
}

TEST(DeployProcedures, FindsProceduresAndRunbooksInTheRepository) {
  test::TempDir dir;
  dir.write("README.md", "# App\n\n## Build\n\nmake\n");
  dir.write("ROLLBACK.txt", "Run deploy/rollback.sh --dry-run, then deploy/rollback.sh.\n");
  dir.write("docs/runbook.md",
            "# Runbook\n\n## Restoring a release\n\n```\nrelease restore\n```\n");
  dir.write("docs/ci.md", "## Transaction rollback in tests\n\nUse fixtures.\n");
  auto found = find_procedures(dir.path());
  // Root documents first (README, then ROLLBACK*), then docs/.
  EXPECT_EQ(found.documents, (std::vector<std::string>{"README.md", "ROLLBACK.txt", "docs/ci.md",
                                                       "docs/runbook.md"}));
  EXPECT_EQ(found.runbooks, (std::vector<std::string>{"ROLLBACK.txt", "docs/runbook.md"}));
  ASSERT_EQ(found.rollback.size(), 2u);
  EXPECT_EQ(found.rollback[0].where(), "ROLLBACK.txt:1");
  EXPECT_EQ(found.rollback[0].heading, "ROLLBACK.txt");
  EXPECT_EQ(found.rollback[1].where(), "docs/runbook.md:3");
  EXPECT_EQ(found.rollback[1].commands, (std::vector<std::string>{"release restore"}));
}

TEST(DeployProcedures, ReadsTheOwnersOfACodeownersFile) {
  EXPECT_EQ(codeowners_owners("# owners\n*  @acme/platform  ops@example.com # all\n"
                              "/docs/ @alice @acme/platform\n\n*.md\n@ x@ @\n"),
            (std::vector<std::string>{"@acme/platform", "ops@example.com", "@alice"}));
  EXPECT_TRUE(codeowners_owners("").empty());
  std::string many;
  for (int i = 0; i < 80; ++i)
    many += "/d" + std::to_string(i) + "/ @user" + std::to_string(i) + "\n";
  EXPECT_EQ(codeowners_owners(many).size(), 50u);

  test::TempDir dir;
  EXPECT_TRUE(find_codeowners(dir.path()).path.empty());
  dir.write("docs/CODEOWNERS", "* @docs\n");
  dir.write("CODEOWNERS", "* @root\n");
  auto found = find_codeowners(dir.path());
  EXPECT_EQ(found.path, "CODEOWNERS");
  EXPECT_EQ(found.owners, (std::vector<std::string>{"@root"}));
}

TEST(DeployProcedures, MasksSecretsInText) {
  auto matcher = secrets_matcher();
  ASSERT_TRUE(matcher) << matcher.error().message;
  std::string token = "ghp_";
  const std::string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  for (size_t i = 0; i < 36; ++i)
    token += alphabet[(i * 31 + 7) % alphabet.size()];
  std::string masked = mask_secrets("before " + token + " after\nnothing here", **matcher);
  EXPECT_EQ(masked.find(token), std::string::npos) << masked;
  EXPECT_EQ(masked.rfind("before ghp_", 0), 0u) << masked;
  EXPECT_NE(masked.find(" after\nnothing here"), std::string::npos) << masked;
  EXPECT_EQ(mask_secrets("plain text", **matcher), "plain text");
}

} // namespace
} // namespace lg::checks::deploy
