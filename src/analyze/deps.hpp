#pragma once
// The judges of deploy.pinned-deps, over file contents only (no I/O): manifests against their
// lock files (npm, yarn, pnpm, Cargo, Go, Poetry), requirements files, Maven and Gradle versions,
// CMake FetchContent/ExternalProject tags, vcpkg baselines, container images in Dockerfiles and
// compose/CI files, GitHub Actions `uses:` refs, CircleCI orbs, and install commands that ignore
// the lock file. Every scanner walks lines once, with bounded line and item counts.

#include "util/expected.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// One unpinned or unlocked dependency.
struct DepProblem {
  std::string file;      ///< as the caller named it (relative to the repository)
  int line = 0;          ///< 1-based; 0: the file as a whole
  std::string ecosystem; ///< "npm", "Docker", "GitHub Actions", …
  std::string what;      ///< what is unpinned, stable: "node:latest", "actions/checkout@main"
  std::string message;   ///< one sentence for people
  bool serious = true;   ///< false: a note (a version tag instead of a commit, cargo --locked)
};

/// What a scan looked at, for the pass reason.
struct DepScan {
  std::vector<DepProblem> problems;
  std::vector<std::string> notes; ///< what could not be judged (an ARG-built image, …)
  size_t items = 0;               ///< images, steps, orbs, dependencies … examined
};

/// What install commands are judged against.
struct InstallContext {
  bool ci = false;                          ///< a CI file (pnpm is frozen there by default)
  bool gemfile_lock = false;                ///< a committed Gemfile.lock exists
  std::map<std::string, bool> requirements; ///< requirements file name -> every line pinned
};

// ---- container images ---------------------------------------------------------------------------

/// An image reference split up: `registry/name:tag@digest`.
struct ImageRef {
  std::string name;   ///< without tag and digest
  std::string tag;    ///< "" when none
  std::string digest; ///< "sha256:…", "" when none
};
ImageRef split_image(std::string_view ref);

/// Judges one image reference found at `file`:`line`: `latest` or no tag (and no digest) is a
/// serious problem; `scratch` and references with variables are left alone (a note for the
/// latter). Adds one to `scan.items` unless the reference is empty.
void judge_image(std::string_view ref, const std::string& file, int line,
                 const std::string& ecosystem, DepScan& scan);

/// The FROM lines of a Dockerfile: `--platform=` flags skipped, global ARG defaults substituted,
/// earlier stages (`AS name`) recognised, line continuations joined. Install commands in RUN
/// lines are judged too (see judge_install_commands).
DepScan judge_dockerfile(std::string_view text, const std::string& file,
                         const InstallContext& install);

/// `image:` values in YAML (compose files, CircleCI and GitLab CI), one per line.
void judge_yaml_images(std::string_view text, const std::string& file, const std::string& ecosystem,
                       DepScan& scan);

// ---- CI ---------------------------------------------------------------------------------------

/// The ref of a GitHub Actions `uses:` value, judged: a 40-hex commit is best, a version tag
/// (v4, 1.2.3) is a note, a branch or no ref at all is serious. Local (`./`) actions are fine;
/// `docker://` images are judged as images.
DepScan judge_github_workflow(std::string_view text, const std::string& file,
                              const InstallContext& install);

/// CircleCI's `orbs:` entries (`name: ns/orb@version`): `@volatile` or no version is serious;
/// its `image:` lines and install commands too.
DepScan judge_circleci(std::string_view text, const std::string& file,
                       const InstallContext& install);

/// Install commands in shell text (RUN lines, `run:` steps, scripts) that ignore the lock file:
/// `npm install`/`npm i` without packages, `yarn`/`yarn install` without --frozen-lockfile or
/// --immutable, `pnpm install` outside CI without --frozen-lockfile, `pip install -r F` with F not
/// all pinned, `bundle install` without a committed Gemfile.lock, `composer update` (serious);
/// `cargo build`/`cargo test` without --locked (a note).
void judge_install_commands(std::string_view text, const std::string& file,
                            const InstallContext& install, DepScan& scan);

// ---- manifests and lock files -------------------------------------------------------------------

/// The names in package.json's dependencies and devDependencies; an error when it is no JSON
/// object.
Expected<std::vector<std::string>> package_json_dependencies(std::string_view package_json);

/// Which of `names` package-lock.json (lockfileVersion 1, 2 or 3) does not hold: v2/3 in
/// `packages[""]`'s dependency lists or as a `node_modules/NAME` entry, v1 in `dependencies`.
/// An error when the lock file is not JSON.
Expected<std::vector<std::string>> missing_from_package_lock(const std::vector<std::string>& names,
                                                             std::string_view lock);

/// Which of `names` a text lock file (yarn.lock, pnpm-lock.yaml, Cargo.lock, poetry.lock,
/// uv.lock) never names: a name counts when it stands between delimiters (quotes, `/`, space,
/// start of line) and is followed by `@`, `:`, a quote or ` =`/`"` (Cargo and Poetry write
/// `name = "NAME"`).
std::vector<std::string> missing_from_text_lock(const std::vector<std::string>& names,
                                                std::string_view lock);

/// The dependency names of Cargo.toml: [dependencies], [dev-dependencies], [build-dependencies],
/// target-specific ones, and `[dependencies.NAME]` tables; `package = "x"` renames resolved.
std::vector<std::string> cargo_dependencies(std::string_view cargo_toml);

/// Module paths required in go.mod (single lines and blocks), replaced ones included.
std::vector<std::string> go_requirements(std::string_view go_mod);
/// Which of `modules` go.sum has no line for.
std::vector<std::string> missing_from_go_sum(const std::vector<std::string>& modules,
                                             std::string_view go_sum);

/// What pyproject.toml asks of a lock file.
struct PyProject {
  bool poetry = false;                   ///< [tool.poetry]
  bool uv = false;                       ///< [tool.uv]
  bool pdm = false;                      ///< [tool.pdm]
  bool has_dependencies = false;         ///< [project] dependencies or poetry dependencies
  std::vector<std::string> poetry_names; ///< [tool.poetry.dependencies] names except python
};
PyProject parse_pyproject(std::string_view text);

/// Requirements lines that are not pinned with `==`/`===` (options, comments, `-r`/`-c`
/// includes and hashes skipped). Adds every requirement to `scan.items`.
void judge_requirements(std::string_view text, const std::string& file, DepScan& scan);

/// Maven dependencies (and plugins) with a version range, SNAPSHOT, LATEST/RELEASE, or no version
/// when the pom has neither a parent nor dependencyManagement.
void judge_pom(std::string_view text, const std::string& file, DepScan& scan);

/// Gradle coordinates `group:name:version` with a `+` or `latest.*` version.
void judge_gradle(std::string_view text, const std::string& file, DepScan& scan);

/// CMake FetchContent_Declare / ExternalProject_Add calls with a GIT_REPOSITORY and a GIT_TAG
/// that is a branch (main, master, …) or missing. Adds each call to `scan.items`.
void judge_cmake(std::string_view text, const std::string& file, DepScan& scan);

/// vcpkg.json without `builtin-baseline` (unless `has_configuration_baseline`).
void judge_vcpkg(std::string_view text, const std::string& file, bool has_configuration_baseline,
                 DepScan& scan);

/// True when `ref` reads as a full commit id (40 or 64 hex digits).
bool is_commit_id(std::string_view ref);
/// True when `ref` reads as a version (v4, 1.2.3, v1.2.3-beta).
bool is_version_ref(std::string_view ref);

} // namespace lg::analyze
