// deploy.rollback (ASVS 14.1.4, NIST SP 800-34): a rollback procedure written for operators (a
// rollback section of the README, a RUNBOOK or docs/, or a ROLLBACK file; checks/deploy/
// procedures), found and quoted, and a rollback command in deploy.rollback. With
// deploy.run_rollback, that command — its dry-run form — runs in the repository with a clean
// environment under deploy.timeout (checks/deploy/command); its output is quoted, secrets masked.

#include "checks/deploy/command.hpp"
#include "checks/deploy/procedures.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;
using deploy::RollbackProcedure;

constexpr size_t k_quoted_lines = 10;
constexpr size_t k_max_line_bytes = 300;

/// The non-empty lines of `text`, the last `count` of them, each cut at 300 bytes.
std::vector<std::string> tail_lines(const std::string& text, size_t count) {
  std::vector<std::string> lines;
  const std::string tail = deploy::last_lines(text, count * 2);
  for (auto line : split(tail, '\n')) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.remove_suffix(1);
    if (trim(line).empty())
      continue;
    if (line.size() > k_max_line_bytes) {
      size_t end = k_max_line_bytes;
      while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80)
        --end;
      lines.push_back(std::string(line.substr(0, end)) + "…");
    } else {
      lines.emplace_back(line);
    }
  }
  if (lines.size() > count)
    lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(count));
  return lines;
}

/// The procedure's part of the measurement: where it is, its heading, its quoted lines and its
/// commands, secrets masked.
void add_procedure(nlohmann::json& measurement, const RollbackProcedure& p,
                   const secrets::Matcher& matcher) {
  auto masked = [&](const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const auto& line : lines)
      out.push_back(deploy::mask_secrets(line, matcher));
    return out;
  };
  measurement["procedure"] = p.where();
  measurement["heading"] = deploy::mask_secrets(p.heading, matcher);
  measurement["excerpt"] = masked(p.excerpt);
  measurement["commands"] = masked(p.commands);
}

std::string duration_words(long long ms) {
  return ms < 10000 ? fmt::format("{} ms", ms) : fmt::format("{} s", ms / 1000);
}

} // namespace

CheckResult run_deploy_rollback(engine::Context& context, const CheckMeta& meta) {
  if (auto missing = needs_deploy_repo(context, meta))
    return *missing;
  const auto& config = context.config();
  const auto& deploy = config.deploy;
  const fs::path repo = config.resolve_path(deploy.repo);
  auto scan = scan_from_config(config);
  if (!scan)
    return engine::errored(meta, scan.error().message);
  const auto& matcher = *scan->matcher;

  // 1. The written procedure: the first rollback section (README first) or ROLLBACK file.
  auto found = deploy::find_procedures(repo);
  const RollbackProcedure* procedure = found.rollback.empty() ? nullptr : &found.rollback.front();
  std::vector<Finding> findings;
  bool serious = false;
  if (procedure == nullptr) {
    Finding f;
    std::vector<std::string> shown(
        found.documents.begin(),
        found.documents.begin() +
            static_cast<std::ptrdiff_t>(std::min<size_t>(found.documents.size(), 5)));
    std::string read =
        found.documents.empty()
            ? "the repository has no operator document (README, RUNBOOK, OPERATIONS, docs/)"
            : fmt::format("none of the {} document(s) read ({}{}) has a section on rolling back "
                          "a release",
                          found.documents.size(), join(shown, ", "),
                          found.documents.size() > shown.size() ? ", …" : "");
    std::string empty;
    nlohmann::json empty_sections = nlohmann::json::array();
    for (const auto& e : found.empty) {
      if (empty_sections.size() >= 20)
        break;
      empty_sections.push_back(fmt::format("{}:{} {}", e.file, e.line, e.heading));
      if (empty.empty())
        empty = fmt::format("; \"{}\" at {}:{} has no steps under it", e.heading, e.file, e.line);
    }
    f.message = fmt::format("No written rollback procedure: {}{}, and there is no ROLLBACK file",
                            read, empty);
    f.evidence = {
        {"documents", found.documents.size()}, {"read", shown}, {"empty_sections", empty_sections}};
    if (!found.empty.empty())
      f.location =
          Location{found.empty.front().file, static_cast<int>(found.empty.front().line), ""};
    else if (!found.documents.empty())
      f.location = Location{found.documents.front(), 0, ""};
    f.fingerprint = make_fingerprint(meta.id, {"no-procedure"});
    findings.push_back(std::move(f));
    serious = true;
  }

  // 2. The command that rehearses it.
  const std::string command = deploy::mask_secrets(deploy.rollback, matcher);
  if (deploy.rollback.empty()) {
    Finding f;
    std::vector<std::string> hints;
    if (procedure != nullptr) {
      hints = procedure->dry_runs;
      for (const auto& c : procedure->commands)
        if (hints.size() < 5 && std::find(hints.begin(), hints.end(), c) == hints.end())
          hints.push_back(c);
      for (auto& h : hints)
        h = deploy::mask_secrets(h, matcher);
    }
    if (procedure == nullptr)
      f.message = "deploy.rollback is not configured: set it to the command that rolls back a "
                  "release in its dry-run form (one that changes nothing and names the release it "
                  "would restore)";
    else if (hints.empty())
      f.message = fmt::format("deploy.rollback is not configured, and the procedure at {} "
                              "names no shell command: script the rollback and set "
                              "deploy.rollback to its dry-run form",
                              procedure->where());
    else
      f.message = fmt::format(
          "deploy.rollback is not configured; the procedure at {} runs: {}. "
          "Set deploy.rollback to its dry-run form{}",
          procedure->where(), join(hints, "; "),
          procedure->dry_runs.empty()
              ? ""
              : fmt::format(" (the docs name `{}`)",
                            deploy::mask_secrets(procedure->dry_runs.front(), matcher)));
    f.evidence = {{"config", "deploy.rollback"}, {"commands", hints}};
    if (procedure != nullptr) {
      f.evidence["procedure"] = procedure->where();
      f.location = Location{procedure->file, static_cast<int>(procedure->line), ""};
    }
    f.fingerprint = make_fingerprint(meta.id, {"no-command"});
    findings.push_back(std::move(f));
    serious = true;
  }

  // 3. The dry run, when the config allows it.
  nlohmann::json measurement = nlohmann::json::object();
  if (procedure != nullptr)
    add_procedure(measurement, *procedure, matcher);
  if (!deploy.rollback.empty())
    measurement["command"] = command;
  measurement["ran"] = false;
  std::string ran_summary;
  if (!deploy.rollback.empty() && deploy.run_rollback) {
    deploy::ScratchDir scratch("rollback");
    std::error_code ec;
    if (scratch.path().empty() || !fs::create_directory(scratch.path() / "home", ec) ||
        !fs::create_directory(scratch.path() / "tmp", ec))
      return engine::errored(meta, "cannot create a scratch folder for the rollback's HOME and "
                                   "TMPDIR under " +
                                       fs::temp_directory_path().string());
    auto env = deploy::clean_environment(deploy, scratch.path() / "home", scratch.path() / "tmp");
    deploy::CommandSpec spec;
    spec.command = deploy.rollback;
    spec.cwd = repo;
    spec.env = env.entries;
    spec.timeout_ms = deploy.timeout_ms;
    auto run = deploy::run_command(spec);
    auto output = tail_lines(deploy::mask_output(config, matcher, run.output_tail), k_quoted_lines);
    measurement["ran"] = true;
    measurement["exit_code"] = run.exit_code;
    measurement["timed_out"] = run.timed_out;
    measurement["duration_ms"] = run.duration_ms;
    measurement["output"] = output;
    const std::string quoted = output.empty() ? "" : ":\n" + join(output, "\n");
    if (!run.ok()) {
      Finding f;
      std::string what;
      std::string kind;
      if (!run.started) {
        what = "could not start: " + run.error;
        kind = "start";
      } else if (run.timed_out) {
        what =
            fmt::format("timed out after {} (deploy.timeout)", duration_words(deploy.timeout_ms));
        kind = "timeout";
      } else {
        what = fmt::format("exited with status {} after {}", run.exit_code,
                           duration_words(run.duration_ms));
        kind = "exit";
      }
      f.message = fmt::format("The rollback dry run `{}` {}{}", command, what,
                              output.empty() ? " and printed nothing" : quoted);
      f.evidence = {{"command", command},         {"exit_code", run.exit_code},
                    {"timed_out", run.timed_out}, {"duration_ms", run.duration_ms},
                    {"output", output},           {"env", env.names}};
      if (!env.missing.empty())
        f.evidence["env_missing"] = env.missing;
      if (procedure != nullptr)
        f.location = Location{procedure->file, static_cast<int>(procedure->line), ""};
      f.fingerprint = make_fingerprint(meta.id, {"dry-run", kind});
      findings.push_back(std::move(f));
      serious = true;
    } else if (output.empty()) {
      Finding f;
      f.message = fmt::format("The rollback dry run `{}` succeeded but printed nothing: it should "
                              "name the release it would restore",
                              command);
      f.evidence = {{"command", command}, {"duration_ms", run.duration_ms}};
      f.fingerprint = make_fingerprint(meta.id, {"dry-run", "silent"});
      findings.push_back(std::move(f));
    } else {
      ran_summary = fmt::format(
          "the dry run `{}` succeeded in {}: {}", command, duration_words(run.duration_ms),
          join(std::vector<std::string>(
                   output.end() - static_cast<std::ptrdiff_t>(std::min<size_t>(output.size(), 3)),
                   output.end()),
               " / "));
    }
  }

  std::string where =
      procedure == nullptr
          ? "no written procedure"
          : fmt::format("procedure \"{}\" at {}", deploy::mask_secrets(procedure->heading, matcher),
                        procedure->where());
  if (!findings.empty()) {
    auto result =
        engine::failed(meta, std::move(findings), serious,
                       fmt::format("{} document(s) read; {}", found.documents.size(), where));
    result.measurements.push_back(std::move(measurement));
    return result;
  }
  if (ran_summary.empty())
    ran_summary = fmt::format("deploy.rollback `{}` is configured but was not run (set "
                              "deploy.run_rollback: true to try it)",
                              command);
  nlohmann::json measurements = nlohmann::json::array();
  measurements.push_back(std::move(measurement));
  return engine::passed(meta, fmt::format("{}; {}", where, ran_summary), std::move(measurements));
}

} // namespace lg::checks
