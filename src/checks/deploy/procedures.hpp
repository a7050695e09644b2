#pragma once
// The operator procedures the deploy gate looks for in a repository's documents: a written
// rollback procedure (a section headed "Rollback", "Rolling back", "Reverting a release" … of the
// README, a RUNBOOK or docs/, or a file named ROLLBACK*), the runbook files, and the owners a
// CODEOWNERS file names. Shared by deploy.rollback and deploy.handover. Repository text is
// untrusted: every scan is bounded.

#include "secrets/matcher.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lg::checks::deploy {

/// At most this many lines of a procedure are quoted.
inline constexpr size_t k_procedure_excerpt_lines = 12;

/// A written rollback procedure.
struct RollbackProcedure {
  std::string file; ///< relative to the repository, '/'-separated
  size_t line = 0;  ///< 1-based line of its heading (of the file's first line for a ROLLBACK file)
  std::string heading; ///< the section's heading; a ROLLBACK file's first heading or its name
  std::vector<std::string> excerpt;  ///< its first lines (leading blank lines dropped), at most
                                     ///< k_procedure_excerpt_lines, each at most 200 bytes
  std::vector<std::string> commands; ///< the shell commands of its code blocks (at most 20)
  std::vector<std::string> dry_runs; ///< commands and code spans that name a dry run
                                     ///< (`--dry-run`, `DRY_RUN=1` …), at most 5
  /// "file:line".
  std::string where() const;
};

/// A heading that names a rollback section but whose body holds no steps.
struct EmptyProcedure {
  std::string file;
  size_t line = 0;
  std::string heading;
};

/// True when `heading` names a release rollback: "Rollback", "Roll back", "Rolling back",
/// "Downgrade", or "Revert"/"Restore" about a release, deploy or version ("Reverting a release",
/// "Restore the previous release"). Headings about transactions, savepoints, tests or fixtures
/// ("Database rollback of a test") and "Restore a backup" are not.
bool is_rollback_heading(std::string_view heading);

/// The rollback procedures of one Markdown (or plain-text) document `text` at `path`: its
/// rollback sections with steps (a section inside another rollback section replaces its parent),
/// or, when the file's name starts with "rollback", the whole file. Sections whose heading says
/// rollback but whose body is empty or only TODO go to `empty`.
std::vector<RollbackProcedure> rollback_procedures(std::string_view text, const std::string& path,
                                                   std::vector<EmptyProcedure>* empty = nullptr);

/// What the repository's documents hold for operators.
struct Procedures {
  std::vector<RollbackProcedure> rollback; ///< in document order (repo_docs's, README first)
  std::vector<EmptyProcedure> empty;       ///< rollback headings without steps
  std::vector<std::string> runbooks;       ///< RUNBOOK*, OPERATIONS*, HANDOVER*, ROLLBACK* files
                                           ///< and documents under runbooks/ or named *runbook*
  std::vector<std::string> documents;      ///< every document read
};

/// The documents of `repo` (repo_docs, plus ROLLBACK* files at the root) and what they hold.
Procedures find_procedures(const std::filesystem::path& repo);

/// The owners a CODEOWNERS file names (`@user`, `@org/team`, e.g. `ops@example.com`), in order
/// of first appearance, at most 50; comments and blank lines skipped.
std::vector<std::string> codeowners_owners(std::string_view text);

/// The first CODEOWNERS file of `repo` GitHub would read (.github/, the root, docs/), relative to
/// the repository, and its owners; an empty path when there is none.
struct CodeOwners {
  std::string path;
  std::vector<std::string> owners;
};
CodeOwners find_codeowners(const std::filesystem::path& repo);

/// `text` with each secret `matcher` finds in it replaced by its redacted form (redact()).
std::string mask_secrets(std::string_view text, const secrets::Matcher& matcher);

} // namespace lg::checks::deploy
