// The files of HEAD's tree through libgit2 (see git.hpp).

#include "util/git.hpp"

#include <git2.h>

#include <filesystem>

namespace lg {

namespace {

namespace fs = std::filesystem;

template <typename T, void (*Free)(T*)> struct GitHandle {
  T* p = nullptr;
  GitHandle() = default;
  GitHandle(const GitHandle&) = delete;
  GitHandle& operator=(const GitHandle&) = delete;
  ~GitHandle() {
    if (p != nullptr)
      Free(p);
  }
};

struct TreeWalk {
  std::string prefix; // the repo folder inside the work tree, "" or "sub/dir/"
  std::set<std::string>* paths = nullptr;
  size_t seen = 0;
};

int collect_blob(const char* dir, const git_tree_entry* entry, void* payload) {
  auto* walk = static_cast<TreeWalk*>(payload);
  if (++walk->seen > 500000)
    return -1;
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
    return 0;
  std::string path = std::string(dir) + git_tree_entry_name(entry);
  if (path.compare(0, walk->prefix.size(), walk->prefix) == 0)
    walk->paths->insert(path.substr(walk->prefix.size()));
  return 0;
}

} // namespace

std::optional<std::set<std::string>> head_files(const std::string& root_dir, std::string& note) {
  const fs::path root(root_dir);
  git_libgit2_init();
  struct Shutdown {
    ~Shutdown() { git_libgit2_shutdown(); }
  } shutdown;
  GitHandle<git_repository, git_repository_free> repo;
  if (git_repository_open_ext(&repo.p, root.c_str(), 0, nullptr) != 0)
    return std::nullopt;
  const char* workdir = git_repository_workdir(repo.p);
  if (workdir == nullptr)
    return std::nullopt;
  std::error_code ec;
  auto rel = fs::weakly_canonical(root, ec).lexically_relative(fs::weakly_canonical(workdir, ec));
  std::string prefix = rel.generic_string();
  if (prefix == "." || prefix.empty())
    prefix.clear();
  else
    prefix += '/';
  std::set<std::string> paths;
  git_oid head;
  GitHandle<git_commit, git_commit_free> commit;
  GitHandle<git_tree, git_tree_free> tree;
  if (git_reference_name_to_id(&head, repo.p, "HEAD") != 0 ||
      git_commit_lookup(&commit.p, repo.p, &head) != 0 || git_commit_tree(&tree.p, commit.p) != 0) {
    note = "the repository has no commit yet";
    return paths;
  }
  TreeWalk walk{prefix, &paths, 0};
  if (git_tree_walk(tree.p, GIT_TREEWALK_PRE, collect_blob, &walk) != 0)
    note = "HEAD's tree was read only in part";
  return paths;
}

} // namespace lg
