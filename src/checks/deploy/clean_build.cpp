// deploy.clean-build (ASVS 14.1.1, NIST SP 800-218 PS.3): the release repeats from a clean
// checkout, without manual heroics. HEAD of deploy.repo is cloned into an empty scratch folder and
// deploy.build, then deploy.test, run there with /bin/sh in a clean environment (an allow-list
// plus deploy.env; HOME and TMPDIR inside the scratch folder) under deploy.timeout each, traced
// with strace when it can. It fails on:
//   - a command that exits non-zero, times out or cannot start (the output's last lines quoted,
//     secrets masked, and the variable names it mentions that the clean environment lacks);
//   - a file opened outside the clone, the scratch folder, the system's folders and the
//     toolchains on PATH that deploy.reads does not declare;
//   - a command the README's build, install or test sections give that neither the configured
//     commands nor any program they started ran.
// Then (deploy.build_twice) a second clone at the same path is built and the artifacts — the
// files the build created in the clone (deploy.artifacts narrows them) — compared byte for byte:
// information in the summary and a measurement, never a failure.

#include "analyze/envvars.hpp"
#include "analyze/markdown.hpp"
#include "checks/deploy/command.hpp"
#include "checks/deploy/repo.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"
#include "util/crypto.hpp"
#include "util/git.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;
using deploy::CommandRun;

constexpr size_t k_max_listed = 20;
constexpr size_t k_max_artifacts = 20000;
constexpr std::uintmax_t k_max_artifact_bytes = 256ULL << 20;
constexpr int k_tail_lines = 25;

/// Runs git, returning its standard output, or the error with its standard error.
Expected<std::string> git(const std::vector<std::string>& args, const fs::path& cwd = {}) {
  ProcessOptions options;
  options.argv = {"git"};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.cwd = cwd.string();
  options.env = {"GIT_TERMINAL_PROMPT=0", "LC_ALL=C"};
  options.timeout_ms = 10 * 60 * 1000;
  std::string out;
  auto run = run_process(options, [&](std::string_view chunk) {
    if (out.size() < (16U << 20))
      out.append(chunk);
    return true;
  });
  if (!run)
    return unexpected(ErrorKind::io, run.error().message);
  if (run->exit_code != 0 || run->timed_out)
    return unexpected(ErrorKind::io,
                      fmt::format("git {} failed: {}", args.front(), trim(run->stderr_text)));
  return out;
}

/// Where the repository is in its work tree and what HEAD is.
struct Head {
  fs::path top;       ///< the work tree's root
  std::string prefix; ///< deploy.repo inside it ("" or "app/")
  std::string commit; ///< HEAD's id
  size_t uncommitted = 0;
  bool submodules = false;
};

Expected<Head> read_head(const fs::path& repo) {
  auto top = git({"rev-parse", "--show-toplevel"}, repo);
  if (!top)
    return unexpected(ErrorKind::io, fmt::format("{} is not in a git work tree: {}", repo.string(),
                                                 top.error().message));
  Head head;
  head.top = std::string(trim(*top));
  auto prefix = git({"rev-parse", "--show-prefix"}, repo);
  head.prefix = prefix ? std::string(trim(*prefix)) : "";
  auto commit = git({"rev-parse", "--verify", "HEAD^{commit}"}, repo);
  if (!commit)
    return unexpected(ErrorKind::io, fmt::format("{} has no commit to build yet", repo.string()));
  head.commit = std::string(trim(*commit));
  if (auto status = git({"status", "--porcelain", "--untracked-files=no"}, repo))
    head.uncommitted = static_cast<size_t>(std::count(status->begin(), status->end(), '\n'));
  std::error_code ec;
  head.submodules = fs::exists(head.top / ".gitmodules", ec);
  return head;
}

/// A fresh clone of HEAD at `dest` (its parent exists, `dest` does not).
Expected<void> clone_head(const Head& head, const fs::path& dest) {
  if (auto r = git({"clone", "--quiet", "--no-hardlinks", "--no-checkout", head.top.string(),
                    dest.string()});
      !r)
    return unexpected(r.error());
  if (auto r =
          git({"-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", head.commit},
              dest);
      !r)
    return unexpected(r.error());
  return {};
}

// ---- files opened outside the clone ----------------------------------------------------------

bool under(const std::string& path, const std::string& root) {
  if (root.empty())
    return false;
  if (root == "/")
    return true;
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          (root.back() == '/' || path[root.size()] == '/'));
}

/// The folders a build may open files in without declaring them.
std::vector<std::string> allowed_roots(const DeployConfig& deploy, const fs::path& scratch) {
  std::vector<std::string> roots = {
      "/usr",  "/lib",  "/lib32",     "/lib64",   "/libx32",    "/bin",
      "/sbin", "/etc",  "/dev",       "/proc",    "/sys",       "/run",
      "/opt",  "/snap", "/nix/store", "/var/lib", "/var/cache", scratch.string()};
  // Toolchains on PATH (pyenv, nvm, cargo, a JDK): the folder above each bin/ or shims/.
  if (const char* path = std::getenv("PATH")) {
    std::stringstream in(path);
    std::string dir;
    while (std::getline(in, dir, ':')) {
      if (dir.empty() || dir[0] != '/')
        continue;
      fs::path p = fs::path(dir).lexically_normal();
      std::string leaf = p.filename().string();
      if (leaf.empty())
        p = p.parent_path(), leaf = p.filename().string();
      fs::path root = (leaf == "bin" || leaf == "sbin" || leaf == "shims") ? p.parent_path() : p;
      if (root.string().size() > 1)
        roots.push_back(root.string());
    }
  }
  const char* home = std::getenv("HOME");
  for (const auto& read : deploy.reads) {
    if (read.starts_with("~/") && home != nullptr)
      roots.push_back((fs::path(home) / read.substr(2)).lexically_normal().string());
    else
      roots.push_back(fs::path(read).lexically_normal().string());
  }
  return roots;
}

struct Outside {
  std::set<std::string> reads;
  std::set<std::string> writes;
};

void collect_outside(const analyze::Trace& trace, const std::vector<std::string>& roots,
                     Outside& out) {
  for (const auto& open : trace.opens) {
    if (std::any_of(roots.begin(), roots.end(),
                    [&](const std::string& root) { return under(open.path, root); }))
      continue;
    std::error_code ec;
    if (fs::is_directory(open.path, ec))
      continue;
    (open.write ? out.writes : out.reads).insert(open.path);
  }
}

std::vector<std::string> first_of(const std::set<std::string>& all) {
  std::vector<std::string> out;
  for (const auto& s : all) {
    if (out.size() >= k_max_listed)
      break;
    out.push_back(s);
  }
  return out;
}

// ---- README steps ------------------------------------------------------------------------------

struct Step {
  std::string text; ///< one command as the README writes it
  std::string file;
  size_t line = 0;
};

std::vector<std::string> words(std::string_view command) {
  std::vector<std::string> out;
  std::string word;
  char quote = 0;
  for (char c : command) {
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ' ' || c == '\t') {
      if (!word.empty())
        out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty())
    out.push_back(std::move(word));
  return out;
}

/// `a && b; c || d` as its commands (pipes stay whole: the first program is what counts).
std::vector<std::string> split_commands(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    bool cut = i == line.size() || line[i] == ';' ||
               (i + 1 < line.size() &&
                ((line[i] == '&' && line[i + 1] == '&') || (line[i] == '|' && line[i + 1] == '|')));
    if (!cut)
      continue;
    std::string part(trim(std::string_view(line).substr(start, i - start)));
    if (!part.empty())
      out.push_back(part);
    start = i + (i < line.size() && line[i] != ';' ? 2 : 1);
    if (i < line.size() && line[i] != ';')
      ++i;
  }
  return out;
}

/// Commands that set up a shell or start the app rather than build it.
bool not_a_build_step(const std::vector<std::string>& w) {
  static const std::set<std::string> k_programs = {
      "cd",    "export", "set",    "source", ".",    "echo",  "cat",     "ls",    "open",
      "mkdir", "pushd",  "popd",   "sudo",   "brew", "apt",   "apt-get", "choco", "winget",
      "curl",  "wget",   "docker", "vim",    "code", "unset", "alias"};
  static const std::set<std::string> k_serve = {"start", "dev",   "serve",   "runserver", "server",
                                                "up",    "watch", "run-dev", "preview",   "shell"};
  if (w.empty() || k_programs.count(w[0]) != 0 || w[0].find('=') != std::string::npos)
    return true;
  if (w[0] == "git" && w.size() > 1 && (w[1] == "clone" || w[1] == "checkout" || w[1] == "pull"))
    return true;
  if ((w[0] == "cp" || w[0] == "mv") &&
      std::any_of(w.begin(), w.end(), [](const std::string& a) { return a.find(".env") == 0; }))
    return true;
  for (size_t i = 1; i < w.size() && i < 3; ++i)
    if (k_serve.count(w[i]) != 0 || w[i] == "--watch")
      return true;
  return false;
}

/// The README's commands under headings about building, installing or testing.
std::vector<Step> readme_steps(const fs::path& repo) {
  std::vector<Step> out;
  static const std::vector<std::string_view> k_build = {"build",   "compil", "install",
                                                        "setup",   "set up", "getting started",
                                                        "develop", "test",   "local"};
  static const std::vector<std::string_view> k_other = {
      "deploy", "rollback", "roll back", "migrat",       "release",  "production", "run",
      "start",  "usage",    "docker",    "troubleshoot", "database", "operation"};
  for (const auto& doc : deploy::repo_docs(repo)) {
    if (to_lower(doc.path).rfind("readme", 0) != 0)
      continue;
    auto sections = analyze::markdown_sections(doc.text);
    // Each block belongs to the nearest heading above it; that heading or one above it must be
    // about building, and none on the way may be about running or deploying. Sections come in
    // document order: a block's owner is the last one starting above it, a section's parent the
    // nearest one above it of a lower level.
    std::vector<size_t> parent(sections.size(), SIZE_MAX);
    std::vector<size_t> open; // the chain of enclosing sections
    for (size_t i = 0; i < sections.size(); ++i) {
      while (!open.empty() && sections[open.back()].level >= sections[i].level)
        open.pop_back();
      if (!open.empty())
        parent[i] = open.back();
      open.push_back(i);
    }
    for (size_t s = 0; s < sections.size(); ++s) {
      for (const auto& block : sections[s].code) {
        auto after = std::upper_bound(
            sections.begin(), sections.end(), block.line,
            [](size_t line, const analyze::MarkdownSection& x) { return line < x.line; });
        if (after == sections.begin() || static_cast<size_t>(after - sections.begin()) - 1 != s)
          continue; // a subsection's block, taken with its own section
        bool build = false;
        bool other = false;
        for (size_t at = s; at != SIZE_MAX; at = parent[at]) {
          if (analyze::heading_has(sections[at], k_other) && !build)
            other = true;
          if (analyze::heading_has(sections[at], k_build))
            build = true;
        }
        if (!build || other)
          continue;
        size_t line = block.line;
        for (const auto& command : analyze::shell_commands(block))
          for (auto& part : split_commands(command))
            if (!not_a_build_step(words(part)))
              out.push_back({part, doc.path, line});
      }
    }
    break; // the README only
  }
  return out;
}

std::string base(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string squash(std::string_view s) {
  std::string out;
  for (const auto& w : words(s)) {
    if (!out.empty())
      out += ' ';
    out += w;
  }
  return out;
}

/// True when `step` appears in a configured command or matches a program that was started: the
/// same program (by file name, `python3` matching `python3.11`) given the step's arguments in
/// order ($VARIABLES match any argument).
bool step_ran(const Step& step, const std::vector<std::string>& commands,
              const std::vector<std::vector<std::string>>& execs) {
  std::string want = squash(step.text);
  for (const auto& command : commands)
    if (squash(command).find(want) != std::string::npos)
      return true;
  auto w = words(step.text);
  if (w.empty())
    return true;
  std::string program = base(w[0]);
  for (const auto& argv : execs) {
    if (argv.empty())
      continue;
    // The program may be argv[0] or the script an interpreter runs (npx, a shebang).
    size_t start = argv.size();
    for (size_t i = 0; i < argv.size() && i < 2; ++i)
      if (base(argv[i]).rfind(program, 0) == 0) {
        start = i;
        break;
      }
    if (start == argv.size())
      continue;
    size_t at = start + 1;
    bool all = true;
    for (size_t k = 1; k < w.size() && all; ++k) {
      if (w[k].find('$') != std::string::npos)
        continue;
      while (at < argv.size() && argv[at] != w[k])
        ++at;
      if (at == argv.size())
        all = false;
      else
        ++at;
    }
    if (all)
      return true;
  }
  return false;
}

// ---- artifacts ---------------------------------------------------------------------------------

/// Build-system bookkeeping that records times or absolute paths rather than the product.
bool bookkeeping(const std::string& rel) {
  static const std::set<std::string> k_files = {".ninja_log",
                                                ".ninja_deps",
                                                "CMakeCache.txt",
                                                "install_manifest.txt",
                                                "CTestTestfile.cmake",
                                                "cmake_install.cmake",
                                                "Makefile",
                                                "build.ninja",
                                                ".DS_Store"};
  static const std::set<std::string> k_dirs = {"CMakeFiles",    "Testing",     "node_modules",
                                               ".pytest_cache", ".cache",      ".git",
                                               ".gradle",       ".mypy_cache", ".tox"};
  std::string name = base(rel);
  if (k_files.count(name) != 0 || name.ends_with(".log") || name.ends_with(".tmp"))
    return true;
  std::stringstream parts(rel);
  std::string part;
  while (std::getline(parts, part, '/'))
    if (k_dirs.count(part) != 0)
      return true;
  return false;
}

struct Artifacts {
  std::map<std::string, std::string> digests; ///< relative path -> sha256
  size_t skipped = 0;                         ///< too many or too large
};

Artifacts snapshot(const fs::path& clone, const std::set<std::string>& tracked,
                   const DeployConfig& deploy) {
  Artifacts out;
  std::error_code ec;
  fs::recursive_directory_iterator it(clone, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code e2;
    if (it->is_symlink(e2))
      continue;
    std::string rel = it->path().lexically_relative(clone).generic_string();
    if (it->is_directory(e2)) {
      if (rel == ".git")
        it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(e2) || tracked.count(rel) != 0)
      continue;
    if (deploy.artifacts.empty()
            ? bookkeeping(rel)
            : std::none_of(deploy.artifacts.begin(), deploy.artifacts.end(),
                           [&](const std::string& a) {
                             std::string root = fs::path(a).lexically_normal().generic_string();
                             while (!root.empty() && root.back() == '/')
                               root.pop_back();
                             return under(rel, root);
                           }))
      continue;
    if (out.digests.size() >= k_max_artifacts || it->file_size(e2) > k_max_artifact_bytes) {
      ++out.skipped;
      continue;
    }
    if (auto text = deploy::read_text_file(it->path(), k_max_artifact_bytes))
      out.digests[rel] = sha256_hex(*text);
    else
      ++out.skipped;
  }
  return out;
}

// ---- the check ---------------------------------------------------------------------------------

/// Variable-like names the output mentions that the clean environment does not set.
std::vector<std::string> unset_names(const std::string& output,
                                     const std::vector<std::string>& set) {
  std::set<std::string> out;
  size_t i = 0;
  while (i < output.size() && out.size() < 10) {
    if (!std::isupper(static_cast<unsigned char>(output[i])) ||
        (i > 0 &&
         (std::isalnum(static_cast<unsigned char>(output[i - 1])) || output[i - 1] == '_'))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < output.size() &&
           (std::isupper(static_cast<unsigned char>(output[j])) ||
            std::isdigit(static_cast<unsigned char>(output[j])) || output[j] == '_'))
      ++j;
    std::string name = output.substr(i, j - i);
    bool lower_follows = j < output.size() && std::islower(static_cast<unsigned char>(output[j]));
    if (!lower_follows && name.size() >= 4 && name.find('_') != std::string::npos &&
        name.front() != '_' && name.back() != '_' && analyze::is_env_name(name) &&
        std::find(set.begin(), set.end(), name) == set.end())
      out.insert(name);
    i = j;
  }
  return {out.begin(), out.end()};
}

nlohmann::json step_measurement(const std::string& step, const CommandRun& run) {
  return {{"step", step},
          {"command", run.command},
          {"exit", run.exit_code},
          {"timed_out", run.timed_out},
          {"duration_ms", run.duration_ms},
          {"output_bytes", run.output_bytes},
          {"traced", run.traced}};
}

std::string seconds(long long ms) {
  return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
}

/// A finding for a command that did not succeed.
Finding command_failed(const CheckMeta& meta, const Config& config, const secrets::Matcher& matcher,
                       const std::string& step, const CommandRun& run,
                       const deploy::CleanEnvironment& env) {
  Finding f;
  std::string output =
      deploy::mask_output(config, matcher, deploy::last_lines(run.output_tail, k_tail_lines));
  if (!run.started)
    f.message = fmt::format("the {} command could not start: {}", step, run.error);
  else if (run.timed_out)
    f.message = fmt::format("the {} command ran past deploy.timeout ({}) and was stopped", step,
                            seconds(config.deploy.timeout_ms));
  else
    f.message = fmt::format("the {} command failed in a clean checkout (exit {} after {})", step,
                            run.exit_code, seconds(run.duration_ms));
  auto unset = unset_names(run.output_tail, env.names);
  if (!unset.empty())
    f.message += fmt::format("; its output names {}, which the clean environment does not set "
                             "(pass it with deploy.env, and document it)",
                             fmt::join(unset, ", "));
  f.evidence = {{"step", step},
                {"command", run.command},
                {"exit", run.exit_code},
                {"timed_out", run.timed_out},
                {"duration_ms", run.duration_ms},
                {"output", output},
                {"environment", env.names}};
  if (!unset.empty())
    f.evidence["unset_variables"] = unset;
  f.fingerprint = make_fingerprint(meta.id, {"command", step, run.command});
  return f;
}

} // namespace

CheckResult run_deploy_clean_build(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  const auto& d = config.deploy;
  if (auto missing = needs_deploy_repo(context, meta))
    return *missing;
  const fs::path repo = fs::path(config.resolve_path(d.repo)).lexically_normal();
  if (d.build.empty() && d.test.empty()) {
    auto steps = readme_steps(repo);
    std::vector<std::string> hints;
    for (const auto& s : steps)
      if (hints.size() < 4)
        hints.push_back("`" + s.text + "`");
    return engine::skipped(
        meta, SkipKind::not_configured,
        hints.empty()
            ? "deploy.build and deploy.test are not set: give the commands that build and test "
              "the app from a fresh checkout"
            : fmt::format("deploy.build and deploy.test are not set; the README builds with {}",
                          fmt::join(hints, ", ")));
  }

  auto scan = scan_from_config(config);
  if (!scan)
    return engine::errored(meta, scan.error().message);
  auto head = read_head(repo);
  if (!head)
    return engine::errored(meta, head.error().message);
  deploy::ScratchDir scratch("build");
  if (scratch.path().empty())
    return engine::errored(meta, "cannot create a scratch folder under the temporary folder");
  const fs::path clone = scratch.path() / head->top.filename();
  const fs::path workdir = clone / head->prefix;
  std::error_code ec;
  fs::create_directories(scratch.path() / "home", ec);
  fs::create_directories(scratch.path() / "tmp", ec);
  auto env = deploy::clean_environment(d, scratch.path() / "home", scratch.path() / "tmp");

  if (auto cloned = clone_head(*head, clone); !cloned)
    return engine::errored(
        meta, fmt::format("cannot clone {}: {}", head->top.string(), cloned.error().message));
  std::string note_trace = deploy::trace_unavailable();

  std::vector<Finding> findings;
  nlohmann::json measurements = nlohmann::json::array();
  std::vector<std::vector<std::string>> execs;
  Outside outside;
  const auto roots = allowed_roots(d, scratch.path());
  bool traced = note_trace.empty();

  auto run_step = [&](const std::string& step, const std::string& command, bool trace,
                      const std::string& trace_name) {
    deploy::CommandSpec spec{command,      workdir, env.entries,
                             d.timeout_ms, trace,   scratch.path() / trace_name};
    CommandRun run = deploy::run_command(spec);
    if (trace) {
      traced = traced && run.traced;
      collect_outside(run.trace, roots, outside);
      for (auto& argv : run.trace.execs)
        execs.push_back(std::move(argv));
    }
    measurements.push_back(step_measurement(step, run));
    if (!run.ok())
      findings.push_back(command_failed(meta, config, *scan->matcher, step, run, env));
    return run.ok();
  };

  // 1. Build, snapshot what it made, test.
  bool built = d.build.empty() || run_step("build", d.build, true, "trace-build");
  std::set<std::string> tracked;
  std::string tracked_note;
  if (auto files = head_files(clone.string(), tracked_note))
    tracked = std::move(*files);
  Artifacts first;
  if (built && !d.build.empty())
    first = snapshot(workdir, tracked, d);
  if (built && !d.test.empty())
    run_step("test", d.test, true, "trace-test");

  // 2. Files opened outside.
  if (!outside.reads.empty() || !outside.writes.empty()) {
    Finding f;
    std::vector<std::string> listed = first_of(outside.reads);
    std::vector<std::string> written = first_of(outside.writes);
    f.message = fmt::format(
        "the build opened {} file(s) outside its clean checkout that deploy.reads does not "
        "declare{}{}",
        outside.reads.size() + outside.writes.size(),
        listed.empty() ? "" : fmt::format("; read: {}", fmt::join(listed, ", ")),
        written.empty() ? "" : fmt::format("; written: {}", fmt::join(written, ", ")));
    f.evidence = {{"read", listed},
                  {"written", written},
                  {"count", outside.reads.size() + outside.writes.size()}};
    std::vector<std::string> parts = {"outside"};
    parts.insert(parts.end(), outside.reads.begin(), outside.reads.end());
    parts.insert(parts.end(), outside.writes.begin(), outside.writes.end());
    f.fingerprint = make_fingerprint(meta.id, parts);
    findings.push_back(std::move(f));
  }

  // 3. README steps the commands never ran (only knowable in full when traced).
  auto steps = readme_steps(workdir);
  std::vector<std::string> commands;
  for (const auto* c : {&d.build, &d.test})
    if (!c->empty())
      commands.push_back(*c);
  std::vector<const Step*> missed;
  for (const auto& step : steps)
    if (!step_ran(step, commands, execs))
      missed.push_back(&step);
  if (!missed.empty() && (traced || built)) {
    Finding f;
    std::vector<std::string> texts;
    for (const auto* s : missed)
      texts.push_back("`" + s->text + "`");
    f.message = fmt::format("{} step(s) of the README's build instructions are not run by "
                            "deploy.build or deploy.test: {}",
                            missed.size(), fmt::join(texts, ", "));
    nlohmann::json list = nlohmann::json::array();
    for (const auto* s : missed)
      list.push_back(s->text);
    f.evidence = {{"steps", list}, {"traced", traced}};
    f.location = Location{(fs::path(head->prefix) / missed.front()->file).generic_string(),
                          static_cast<int>(missed.front()->line), ""};
    for (size_t i = 1; i < missed.size(); ++i)
      f.locations.push_back({(fs::path(head->prefix) / missed[i]->file).generic_string(),
                             static_cast<int>(missed[i]->line), ""});
    std::vector<std::string> parts = {"readme"};
    for (const auto* s : missed)
      parts.push_back(squash(s->text));
    f.fingerprint = make_fingerprint(meta.id, parts);
    findings.push_back(std::move(f));
  }

  // 4. A second build at the same path, compared.
  std::string repeat;
  if (built && !d.build.empty() && d.build_twice) {
    fs::remove_all(clone, ec);
    if (auto cloned = clone_head(*head, clone); !cloned) {
      repeat = "the second clone failed: " + cloned.error().message;
    } else {
      fs::remove_all(scratch.path() / "home", ec);
      fs::create_directories(scratch.path() / "home", ec);
      deploy::CommandSpec spec{d.build, workdir, env.entries, d.timeout_ms, false, {}};
      CommandRun second = deploy::run_command(spec);
      measurements.push_back(step_measurement("rebuild", second));
      if (!second.ok()) {
        repeat = fmt::format("the second build failed (exit {}): the build is not repeatable",
                             second.exit_code);
      } else {
        Artifacts again = snapshot(workdir, tracked, d);
        std::vector<std::string> differ;
        std::vector<std::string> only_once;
        for (const auto& [rel, digest] : first.digests) {
          auto it = again.digests.find(rel);
          if (it == again.digests.end())
            only_once.push_back(rel);
          else if (it->second != digest)
            differ.push_back(rel);
        }
        for (const auto& [rel, digest] : again.digests)
          if (first.digests.count(rel) == 0)
            only_once.push_back(rel);
        bool identical = differ.empty() && only_once.empty();
        nlohmann::json m = {
            {"step", "compare"},
            {"artifacts", first.digests.size()},
            {"identical", identical},
            {"differ", std::vector<std::string>(
                           differ.begin(), differ.begin() + static_cast<long>(std::min(
                                                                differ.size(), k_max_listed)))},
            {"only_once", only_once.size()},
            {"skipped", first.skipped + again.skipped}};
        measurements.push_back(std::move(m));
        if (first.digests.empty())
          repeat = "the build created no artifact to compare";
        else if (identical)
          repeat = fmt::format("two builds gave byte-identical artifacts ({} file(s))",
                               first.digests.size());
        else
          repeat = fmt::format("two builds differ in {} of {} artifact(s){}{}",
                               differ.size() + only_once.size(), first.digests.size(),
                               differ.empty() ? "" : fmt::format(", e.g. {}", differ.front()),
                               " (information: not reproducible byte for byte)");
      }
    }
  }

  std::vector<std::string> notes;
  if (!traced)
    notes.push_back(note_trace.empty() ? "the trace was incomplete: reads outside the clone "
                                         "not fully checked"
                                       : "reads outside the clone not checked: " + note_trace);
  if (head->uncommitted > 0)
    notes.push_back(fmt::format("{} uncommitted change(s) in {} are not part of the build",
                                head->uncommitted, head->top.string()));
  if (head->submodules)
    notes.push_back("submodules are not checked out in the clone");
  if (!env.missing.empty())
    notes.push_back(fmt::format("deploy.env names {} but launchgate's environment does not set "
                                "it",
                                fmt::join(env.missing, ", ")));
  if (!repeat.empty())
    notes.push_back(repeat);
  std::string steps_note = fmt::format(
      "{} of commit {} in a clean clone",
      !d.build.empty() && !d.test.empty() ? "build and test" : (d.build.empty() ? "test" : "build"),
      head->commit.substr(0, 12));
  std::string tail = notes.empty() ? "" : fmt::format("; {}", fmt::join(notes, "; "));
  if (!findings.empty()) {
    auto result = engine::failed(meta, std::move(findings), true, steps_note + tail);
    result.measurements = std::move(measurements);
    return result;
  }
  long long total = 0;
  for (const auto& m : measurements)
    if (m.contains("duration_ms") && m.value("step", "") != "rebuild")
      total += m["duration_ms"].get<long long>();
  return engine::passed(
      meta,
      fmt::format(
          "{} passed in {}{}{}", steps_note, seconds(total),
          steps.empty() ? "" : fmt::format("; the README's {} build step(s) all ran", steps.size()),
          tail),
      std::move(measurements));
}

} // namespace lg::checks
