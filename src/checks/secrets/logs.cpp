// secrets.logs (ASVS 7.1.1, CWE-532): log files (plain and .gz, secrets.logs and logs.files, shell
// globs allowed), the output of logs.command, and the CI configuration of the repository — the
// places where tokens end up printed or pasted. Each secret is reported with file and line.

#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"
#include "secrets/findings.hpp"
#include "secrets/readers.hpp"
#include "util/process.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <glob.h>

namespace lg::checks {
namespace {

/// CI configuration files and folders, relative to the repository root.
constexpr std::array<std::string_view, 10> k_ci_config = {
    ".github/workflows", ".gitlab-ci.yml", ".circleci",           "Jenkinsfile",
    ".travis.yml",       ".drone.yml",     "azure-pipelines.yml", "bitbucket-pipelines.yml",
    ".buildkite",        "buildspec.yml"};

void expand(const std::string& pattern, std::vector<std::string>& out) {
  glob_t found{};
  if (glob(pattern.c_str(), GLOB_NOSORT, nullptr, &found) == 0)
    for (size_t i = 0; i < found.gl_pathc; ++i)
      out.emplace_back(found.gl_pathv[i]);
  globfree(&found);
}

} // namespace

CheckResult run_secrets_logs(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  secrets::TreeOptions options;
  std::string command;
  if (config.raw.contains("secrets") && config.raw["secrets"].contains("logs"))
    for (const auto& p : config.raw["secrets"]["logs"])
      expand(config.resolve_path(p.get<std::string>()), options.roots);
  if (config.raw.contains("logs")) {
    const auto& logs = config.raw["logs"];
    if (logs.contains("files"))
      for (const auto& p : logs["files"])
        expand(config.resolve_path(p.get<std::string>()), options.roots);
    if (logs.contains("command"))
      command = logs["command"].get<std::string>();
  }
  size_t ci_files = 0;
  if (config.raw.contains("secrets")) {
    const auto& section = config.raw["secrets"];
    std::filesystem::path base = config.resolve_path(
        section.contains("repo") ? section["repo"].get<std::string>() : std::string("."));
    for (auto name : k_ci_config) {
      std::error_code ec;
      if (std::filesystem::exists(base / name, ec)) {
        options.roots.push_back((base / name).string());
        ++ci_files;
      }
    }
  }
  if (options.roots.empty() && command.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "no log files, log command or CI configuration to scan: set "
                           "secrets.logs or logs.files / logs.command");
  auto scan = scan_from_config(config);
  if (!scan)
    return engine::errored(meta, scan.error().message);

  auto result = secrets::scan_tree(*scan->matcher, options);
  std::string summary = fmt::format("{} file(s) ({} CI configuration path(s)), {} bytes scanned",
                                    result.files, ci_files, result.bytes);
  if (!command.empty()) {
    // The command is the user's own, from their config: run through the shell, bounded in time.
    secrets::StreamScanner stream(*scan->matcher, fmt::format("logs.command `{}`", command),
                                  result.hits);
    ProcessOptions process;
    process.argv = {"/bin/sh", "-c", command};
    process.timeout_ms = 60000;
    auto run = run_process(process, [&](std::string_view chunk) {
      stream.feed(chunk);
      return true;
    });
    stream.finish();
    if (!run)
      return engine::errored(meta, fmt::format("logs.command: {}", run.error().message));
    summary += fmt::format("; logs.command gave {} bytes", stream.bytes());
    if (run->timed_out)
      result.notes.push_back("logs.command was stopped after 60 s; its output so far was scanned");
    else if (run->exit_code != 0)
      result.notes.push_back(fmt::format("logs.command exited with {}: {}", run->exit_code,
                                         run->stderr_text.substr(0, 200)));
  }
  if (!result.notes.empty())
    summary += fmt::format("; {} note(s): {}", result.notes.size(), fmt::join(result.notes, "; "));
  auto findings =
      secrets::collapse_hits(meta.id, scan->matcher->rules(), result.hits, scan->show_secrets);
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (result.files == 0 && command.empty())
    return engine::errored(meta, "nothing was scanned: " + summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
