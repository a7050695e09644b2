// deploy.pinned-deps (CWE-1357, OWASP A08:2021): walks deploy.repo (node_modules, vendor, .git
// and build folders skipped; at most 20,000 files, files over 5 MiB skipped) for package
// manifests, Dockerfiles, compose files and CI files, and judges them with analyze/deps: every
// ecosystem's lock file committed (HEAD's tree, util/git) and in sync with its manifest,
// images and CI actions pinned, install commands that honour the lock file.

#include "analyze/deps.hpp"
#include "checks/deploy/repo.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/git.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace lg::checks {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t k_max_file_bytes = 5ULL << 20;

using deploy::walk_tree;

std::string read_text(const fs::path& path) {
  return deploy::read_text_file(path, k_max_file_bytes).value_or("");
}

std::string parent_of(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? "" : rel.substr(0, slash);
}

std::string base_name(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

std::string join_path(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class Judge {
public:
  Judge(const CheckMeta& meta, fs::path root, std::set<std::string> files,
        std::optional<std::set<std::string>> committed)
      : m_meta(meta), m_root(std::move(root)), m_files(std::move(files)),
        m_committed(std::move(committed)) {}

  bool present(const std::string& rel) const { return m_files.count(rel) != 0; }
  bool committed(const std::string& rel) const {
    return m_committed ? m_committed->count(rel) != 0 : present(rel);
  }
  std::string read(const std::string& rel) const { return read_text(m_root / rel); }
  const std::set<std::string>& files() const { return m_files; }

  /// The first of `names` on disk in `dir` (or, with `upward`, a folder above it).
  std::string find_lock(const std::string& dir, std::initializer_list<const char*> names,
                        bool upward) const {
    std::string d = dir;
    for (int depth = 0; depth < 64; ++depth) {
      for (const char* n : names)
        if (present(join_path(d, n)))
          return join_path(d, n);
      if (!upward || d.empty())
        break;
      d = parent_of(d);
    }
    return {};
  }

  /// Requires a lock file for `manifest`: found on disk and committed. Returns its path when it
  /// is there (committed or not), "" otherwise.
  std::string require_lock(const std::string& manifest, const std::string& ecosystem,
                           std::initializer_list<const char*> names, bool upward) {
    std::string lock = find_lock(parent_of(manifest), names, upward);
    std::vector<std::string> listed(names.begin(), names.end());
    if (lock.empty()) {
      add({manifest, 0, ecosystem, "no lock file",
           fmt::format("dependencies are declared but no lock file ({}) is there: every "
                       "install resolves versions anew",
                       join(listed, ", ")),
           true});
      return {};
    }
    if (!committed(lock))
      add({lock, 0, ecosystem, "lock file not committed",
           "the lock file exists but is not committed: a clean checkout resolves versions "
           "anew",
           true});
    return lock;
  }

  void add(analyze::DepProblem p) {
    if (p.serious)
      m_serious = true;
    std::string key = p.file + '\n' + p.what;
    if (auto it = m_index.find(key); it != m_index.end()) {
      m_findings[it->second].locations.push_back({p.file, p.line, ""});
      return;
    }
    Finding f;
    f.message = p.line > 0 ? fmt::format("{}:{}: {}", p.file, p.line, p.message)
                           : fmt::format("{}: {}", p.file, p.message);
    f.evidence = {{"file", p.file}, {"line", p.line}, {"ecosystem", p.ecosystem}, {"what", p.what}};
    f.location = Location{p.file, p.line, ""};
    f.fingerprint = make_fingerprint(m_meta.id, {p.file, p.what});
    m_index.emplace(key, m_findings.size());
    m_findings.push_back(std::move(f));
  }

  void add_scan(analyze::DepScan& scan) {
    for (auto& p : scan.problems)
      add(std::move(p));
    for (auto& n : scan.notes)
      if (m_notes.size() < 20)
        m_notes.push_back(std::move(n));
  }

  void seen(const std::string& ecosystem, const std::string& what) {
    auto& list = m_seen[ecosystem];
    if (std::find(list.begin(), list.end(), what) == list.end() && list.size() < 4)
      list.push_back(what);
  }
  void count(const std::string& ecosystem, size_t n) { m_counts[ecosystem] += n; }

  void out_of_sync(const std::string& manifest, const std::string& lock,
                   const std::string& ecosystem, const std::vector<std::string>& missing) {
    if (missing.empty())
      return;
    std::vector<std::string> shown(
        missing.begin(),
        missing.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(missing.size(), 8)));
    add({lock, 0, ecosystem, "out of sync with " + manifest,
         fmt::format("lacks {} dependenc{} of {} ({}{}): it is out of date, so installs ignore "
                     "or rewrite it",
                     missing.size(), missing.size() == 1 ? "y" : "ies", manifest, join(shown, ", "),
                     missing.size() > shown.size() ? ", …" : ""),
         true});
  }

  std::vector<std::string>& notes() { return m_notes; }
  std::vector<Finding>& findings() { return m_findings; }
  bool serious() const { return m_serious; }

  /// "npm (package-lock.json), Docker (2 images), …"
  std::string ecosystems(const std::map<std::string, std::string>& units) const {
    std::vector<std::string> parts;
    std::set<std::string> names;
    for (const auto& [k, v] : m_seen)
      names.insert(k);
    for (const auto& [k, v] : m_counts)
      names.insert(k);
    for (const auto& name : names) {
      std::vector<std::string> what;
      if (auto s = m_seen.find(name); s != m_seen.end())
        what = s->second;
      if (auto c = m_counts.find(name); c != m_counts.end()) {
        auto u = units.find(name);
        what.push_back(fmt::format("{} {}", c->second, u == units.end() ? "item(s)" : u->second));
      }
      parts.push_back(what.empty() ? name : fmt::format("{} ({})", name, join(what, ", ")));
    }
    return join(parts, ", ");
  }
  bool empty() const { return m_seen.empty() && m_counts.empty(); }

private:
  const CheckMeta& m_meta;
  fs::path m_root;
  std::set<std::string> m_files;
  std::optional<std::set<std::string>> m_committed;
  std::vector<Finding> m_findings;
  std::map<std::string, size_t> m_index;
  std::vector<std::string> m_notes;
  std::map<std::string, std::vector<std::string>> m_seen;
  std::map<std::string, size_t> m_counts;
  bool m_serious = false;
};

bool is_requirements(const std::string& rel) {
  std::string name = base_name(rel);
  return (name.rfind("requirements", 0) == 0 && ends_with(name, ".txt")) ||
         (ends_with(parent_of(rel), "requirements") && ends_with(name, ".txt"));
}

bool is_dockerfile(const std::string& name) {
  return name == "Dockerfile" || name == "Containerfile" || name.rfind("Dockerfile.", 0) == 0 ||
         ends_with(name, ".Dockerfile") || ends_with(name, ".dockerfile");
}

bool is_yaml(const std::string& name) {
  return ends_with(name, ".yml") || ends_with(name, ".yaml");
}

bool is_compose(const std::string& name) {
  return is_yaml(name) && (name.rfind("docker-compose", 0) == 0 || name.rfind("compose", 0) == 0);
}

} // namespace

CheckResult run_deploy_pinned_deps(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (auto missing = needs_deploy_repo(context, meta))
    return *missing;
  fs::path root = config.resolve_path(config.deploy.repo);

  auto tree = walk_tree(root);
  std::string git_note;
  auto committed = head_files(root.string(), git_note);
  Judge judge(meta, root, tree.files, committed);
  for (auto& n : tree.notes)
    judge.notes().push_back(n);
  if (!committed)
    judge.notes().push_back("not a git repository: files on disk taken as committed");
  else if (!git_note.empty())
    judge.notes().push_back(git_note);

  // 1. Manifests against their lock files, and what install commands are judged against.
  analyze::InstallContext install;
  for (const auto& rel : judge.files()) {
    std::string name = base_name(rel);
    if (name == "package.json") {
      auto deps = analyze::package_json_dependencies(judge.read(rel));
      if (!deps) {
        judge.notes().push_back(rel + " is not valid JSON");
        continue;
      }
      if (deps->empty())
        continue;
      std::string lock =
          judge.require_lock(rel, "npm",
                             {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
                              "pnpm-lock.yaml", "bun.lockb", "bun.lock"},
                             true);
      if (lock.empty()) {
        judge.seen("npm", "no lock file");
        continue;
      }
      std::string lock_name = base_name(lock);
      std::string ecosystem = lock_name == "yarn.lock"          ? "yarn"
                              : lock_name == "pnpm-lock.yaml"   ? "pnpm"
                              : lock_name.rfind("bun.", 0) == 0 ? "bun"
                                                                : "npm";
      judge.seen(ecosystem, lock_name);
      if (lock_name == "package-lock.json" || lock_name == "npm-shrinkwrap.json") {
        auto missing = analyze::missing_from_package_lock(*deps, judge.read(lock));
        if (!missing)
          judge.add({lock, 0, ecosystem, "unreadable lock file",
                     fmt::format("{} is not valid JSON", lock), true});
        else
          judge.out_of_sync(rel, lock, ecosystem, *missing);
      } else if (lock_name != "bun.lockb") {
        judge.out_of_sync(rel, lock, ecosystem,
                          analyze::missing_from_text_lock(*deps, judge.read(lock)));
      }
    } else if (is_requirements(rel)) {
      analyze::DepScan scan;
      analyze::judge_requirements(judge.read(rel), rel, scan);
      install.requirements[rel] = scan.problems.empty();
      judge.seen("pip", rel);
      judge.add_scan(scan);
    } else if (name == "Pipfile") {
      if (auto lock = judge.require_lock(rel, "Pipenv", {"Pipfile.lock"}, false); !lock.empty())
        judge.seen("Pipenv", "Pipfile.lock");
    } else if (name == "pyproject.toml") {
      auto py = analyze::parse_pyproject(judge.read(rel));
      std::string dir = parent_of(rel);
      if (py.poetry) {
        std::string lock = judge.require_lock(rel, "Poetry", {"poetry.lock"}, false);
        if (!lock.empty()) {
          judge.seen("Poetry", "poetry.lock");
          judge.out_of_sync(rel, lock, "Poetry",
                            analyze::missing_from_text_lock(py.poetry_names, judge.read(lock)));
        }
      } else if (py.uv) {
        if (!judge.require_lock(rel, "uv", {"uv.lock"}, false).empty())
          judge.seen("uv", "uv.lock");
      } else if (py.pdm) {
        if (!judge.require_lock(rel, "PDM", {"pdm.lock"}, false).empty())
          judge.seen("PDM", "pdm.lock");
      } else if (py.has_dependencies) {
        // [project] dependencies: any lock, or a requirements file beside it (judged on its own).
        std::string lock = judge.find_lock(
            dir, {"uv.lock", "poetry.lock", "pdm.lock", "pylock.toml", "requirements.txt"}, false);
        if (lock.empty())
          judge.require_lock(
              rel, "Python",
              {"uv.lock", "poetry.lock", "pdm.lock", "pylock.toml", "requirements.txt"}, false);
        else if (!judge.committed(lock))
          judge.require_lock(
              rel, "Python",
              {"uv.lock", "poetry.lock", "pdm.lock", "pylock.toml", "requirements.txt"}, false);
        judge.seen("Python", lock.empty() ? "no lock file" : base_name(lock));
      }
    } else if (name == "Cargo.toml") {
      auto deps = analyze::cargo_dependencies(judge.read(rel));
      if (deps.empty())
        continue;
      std::string lock = judge.require_lock(rel, "Cargo", {"Cargo.lock"}, true);
      judge.seen("Cargo", lock.empty() ? "no lock file" : "Cargo.lock");
      if (!lock.empty())
        judge.out_of_sync(rel, lock, "Cargo",
                          analyze::missing_from_text_lock(deps, judge.read(lock)));
    } else if (name == "go.mod") {
      auto modules = analyze::go_requirements(judge.read(rel));
      if (modules.empty())
        continue;
      std::string sum = judge.require_lock(rel, "Go", {"go.sum"}, false);
      judge.seen("Go", sum.empty() ? "no go.sum" : "go.sum");
      if (!sum.empty())
        judge.out_of_sync(rel, sum, "Go", analyze::missing_from_go_sum(modules, judge.read(sum)));
    } else if (name == "Gemfile") {
      std::string lock = judge.require_lock(rel, "Bundler", {"Gemfile.lock"}, false);
      judge.seen("Bundler", lock.empty() ? "no lock file" : "Gemfile.lock");
      if (!lock.empty() && judge.committed(lock))
        install.gemfile_lock = true;
    } else if (name == "composer.json") {
      std::string lock = judge.require_lock(rel, "Composer", {"composer.lock"}, false);
      judge.seen("Composer", lock.empty() ? "no lock file" : "composer.lock");
    } else if (name == "pom.xml") {
      analyze::DepScan scan;
      analyze::judge_pom(judge.read(rel), rel, scan);
      judge.count("Maven", scan.items);
      judge.add_scan(scan);
    } else if (name == "build.gradle" || name == "build.gradle.kts") {
      analyze::DepScan scan;
      analyze::judge_gradle(judge.read(rel), rel, scan);
      judge.count("Gradle", scan.items);
      judge.add_scan(scan);
    } else if (name == "CMakeLists.txt" || ends_with(name, ".cmake")) {
      analyze::DepScan scan;
      analyze::judge_cmake(judge.read(rel), rel, scan);
      if (scan.items > 0)
        judge.count("CMake", scan.items);
      judge.add_scan(scan);
    } else if (name == "vcpkg.json") {
      std::string config_file = join_path(parent_of(rel), "vcpkg-configuration.json");
      bool baseline = judge.present(config_file) &&
                      judge.read(config_file).find("\"baseline\"") != std::string::npos;
      analyze::DepScan scan;
      analyze::judge_vcpkg(judge.read(rel), rel, baseline, scan);
      judge.seen("vcpkg", "vcpkg.json");
      judge.add_scan(scan);
    } else if (name == "conanfile.txt" || name == "conanfile.py") {
      std::string lock = judge.require_lock(rel, "Conan", {"conan.lock"}, false);
      judge.seen("Conan", lock.empty() ? "no lock file" : "conan.lock");
    }
  }

  // 2. Images, CI actions and install commands.
  for (const auto& rel : judge.files()) {
    std::string name = base_name(rel);
    std::string dir = parent_of(rel);
    analyze::DepScan scan;
    if (is_dockerfile(name)) {
      scan = analyze::judge_dockerfile(judge.read(rel), rel, install);
      judge.count("Docker", scan.items);
    } else if (is_compose(name)) {
      analyze::judge_yaml_images(judge.read(rel), rel, "Docker Compose", scan);
      judge.count("Docker Compose", scan.items);
    } else if (dir == ".github/workflows" && is_yaml(name)) {
      scan = analyze::judge_github_workflow(judge.read(rel), rel, install);
      judge.count("GitHub Actions", scan.items);
    } else if (rel == ".circleci/config.yml" || rel == ".circleci/config.yaml") {
      scan = analyze::judge_circleci(judge.read(rel), rel, install);
      judge.count("CircleCI", scan.items);
    } else if (rel == ".gitlab-ci.yml") {
      std::string text = judge.read(rel);
      analyze::judge_yaml_images(text, rel, "GitLab CI", scan);
      analyze::InstallContext ci = install;
      ci.ci = true;
      analyze::judge_install_commands(text, rel, ci, scan);
      judge.count("GitLab CI", scan.items);
    } else {
      continue;
    }
    judge.add_scan(scan);
  }

  static const std::map<std::string, std::string> k_units = {
      {"Docker", "image(s)"},        {"Docker Compose", "image(s)"},
      {"GitHub Actions", "step(s)"}, {"CircleCI", "orb(s) and image(s)"},
      {"GitLab CI", "image(s)"},     {"Maven", "dependenc(ies)"},
      {"Gradle", "coordinate(s)"},   {"CMake", "FetchContent/ExternalProject call(s)"}};
  if (judge.empty() && judge.findings().empty())
    return engine::skipped(
        meta, SkipKind::not_applicable,
        fmt::format("no package manifest, Dockerfile or CI file found in {} ({} file(s) walked)",
                    root.string(), tree.files.size()));
  std::string summary = judge.ecosystems(k_units);
  if (!judge.notes().empty())
    summary += fmt::format("; {}", join(judge.notes(), "; "));
  if (!judge.findings().empty()) {
    bool serious = judge.serious();
    return engine::failed(meta, std::move(judge.findings()), serious, summary);
  }
  return engine::passed(meta, summary);
}

} // namespace lg::checks
