#pragma once
// What the deploy checks read of the repository under audit: its files (build output, dependency
// and tool folders left out), a file's text within a bound, and the documents a team writes for
// operators (README, RUNBOOK, docs/), which rollback, migrations, clean-build and handover search.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lg::checks::deploy {

/// True for a folder of build output, installed dependencies, tool state (node_modules, .git,
/// build, build-*, dist, target, .venv, __pycache__ …) or test data (fixtures, testdata, a fuzz
/// corpus …), which the deploy checks do not walk.
bool skipped_dir(const std::string& name);

/// The files of a tree, relative to its root with '/' separators.
struct TreeFiles {
  std::set<std::string> files;
  std::vector<std::string> notes; ///< why the set may be partial
};

/// The regular files under `root` (no symlinks, skipped folders left out), at most `max_files`;
/// files over `max_bytes` are left out and counted in a note.
TreeFiles walk_tree(const std::filesystem::path& root, size_t max_files = 20000,
                    std::uintmax_t max_bytes = 5ULL << 20);

/// The text of `path`, or nullopt when it cannot be read or is larger than `max_bytes`.
std::optional<std::string> read_text_file(const std::filesystem::path& path,
                                          std::uintmax_t max_bytes = 2U << 20);

/// A document written for the people who run the app.
struct RepoDoc {
  std::string path; ///< relative to the repository
  std::string text;
};

/// The repository's operator documents, README first: README*, RUNBOOK*, OPERATIONS*, DEPLOY*,
/// RELEASE*, CONTRIBUTING*, HANDOVER* and ROLLBACK* at the root (any case, .md/.markdown/.txt/.rst
/// or no extension), then every .md/.markdown/.txt/.rst under docs/, doc/ or runbooks/ (three
/// levels), at most 200 files of 2 MiB each.
std::vector<RepoDoc> repo_docs(const std::filesystem::path& repo);

} // namespace lg::checks::deploy
