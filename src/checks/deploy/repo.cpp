#include "checks/deploy/repo.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

namespace lg::checks::deploy {

namespace fs = std::filesystem;

bool skipped_dir(const std::string& name) {
  static const std::set<std::string> k_skip = {
      "node_modules", "vendor", ".git", "build", "dist", "out", "target", ".next", ".nuxt",
      ".output", ".svelte-kit", "__pycache__", ".venv", "venv", ".tox", ".cache", ".gradle",
      "bower_components", "coverage",
      // Test data: other projects' files, kept to test against, not this one's.
      "fixtures", "__fixtures__", "testdata", "test-data", "__snapshots__", "corpus"};
  return k_skip.count(name) != 0 || name.rfind("build-", 0) == 0 ||
         name.rfind("cmake-build", 0) == 0;
}

TreeFiles walk_tree(const fs::path& root, size_t max_files, std::uintmax_t max_bytes) {
  TreeFiles out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  size_t large = 0;
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& entry = *it;
    std::error_code e2;
    if (entry.is_symlink(e2))
      continue;
    if (entry.is_directory(e2)) {
      if (skipped_dir(entry.path().filename().string()))
        it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(e2))
      continue;
    if (out.files.size() >= max_files) {
      out.notes.push_back(fmt::format("stopped after {} files", max_files));
      break;
    }
    if (entry.file_size(e2) > max_bytes) {
      ++large;
      continue;
    }
    out.files.insert(entry.path().lexically_relative(root).generic_string());
  }
  if (ec)
    out.notes.push_back(fmt::format("the walk stopped: {}", ec.message()));
  if (large > 0)
    out.notes.push_back(fmt::format("{} file(s) over {} MiB skipped", large, max_bytes >> 20));
  return out;
}

std::optional<std::string> read_text_file(const fs::path& path, std::uintmax_t max_bytes) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec || size > max_bytes)
    return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

namespace {

constexpr size_t k_max_docs = 200;

bool doc_extension(const std::string& lower) {
  for (const char* ext : {".md", ".markdown", ".txt", ".rst"})
    if (lower.size() > std::char_traits<char>::length(ext) &&
        lower.compare(lower.size() - std::char_traits<char>::length(ext), std::string::npos, ext) ==
            0)
      return true;
  return false;
}

/// README, RUNBOOK … at the root, with a document extension or none; README sorts first.
int root_doc_rank(const std::string& name) {
  std::string lower = to_lower(name);
  static const std::vector<std::string> k_names = {"readme",       "runbook",    "operations",
                                                   "deploy",       "deployment", "release",
                                                   "contributing", "handover",   "rollback"};
  for (size_t i = 0; i < k_names.size(); ++i) {
    if (lower.rfind(k_names[i], 0) != 0)
      continue;
    std::string rest = lower.substr(k_names[i].size());
    bool document = lower.find('.') == std::string::npos || doc_extension(lower);
    if (document && (rest.empty() || rest[0] == '.' || rest[0] == '_' || rest[0] == '-'))
      return static_cast<int>(i);
  }
  return -1;
}

} // namespace

std::vector<RepoDoc> repo_docs(const fs::path& repo) {
  std::vector<std::pair<int, std::string>> ranked;
  std::error_code ec;
  for (fs::directory_iterator it(repo, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code e2;
    if (!it->is_regular_file(e2) || it->is_symlink(e2))
      continue;
    std::string name = it->path().filename().string();
    int rank = root_doc_rank(name);
    if (rank >= 0)
      ranked.emplace_back(rank, name);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> paths;
  for (auto& [rank, name] : ranked)
    paths.push_back(std::move(name));
  for (const char* dir : {"docs", "doc", "runbooks"}) {
    std::vector<std::string> under;
    fs::recursive_directory_iterator it(repo / dir, fs::directory_options::skip_permission_denied,
                                        ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code e2;
      if (it.depth() >= 3 || it->is_symlink(e2)) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(e2) && doc_extension(to_lower(it->path().filename().string())))
        under.push_back(it->path().lexically_relative(repo).generic_string());
    }
    ec.clear();
    std::sort(under.begin(), under.end());
    paths.insert(paths.end(), under.begin(), under.end());
  }
  std::vector<RepoDoc> out;
  for (const auto& rel : paths) {
    if (out.size() >= k_max_docs)
      break;
    if (auto text = read_text_file(repo / rel))
      out.push_back({rel, std::move(*text)});
  }
  return out;
}

} // namespace lg::checks::deploy
