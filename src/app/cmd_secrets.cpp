// `launchgate secrets [PATH...]`: the secrets gate on its own — the working tree, the git history
// (--history) or only what is staged (--staged) — with the shipped rules or a gitleaks-format rule
// file, a baseline of accepted findings, reported in any of the six formats.

#include "app/commands.hpp"

#include "checks/catalog.hpp"
#include "checks/secrets/scan.hpp"
#include "core/baseline.hpp"
#include "launchgate/version.hpp"
#include "util/text.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <unistd.h>

namespace lg::app {
namespace {

constexpr int k_usage = 2;

int explain_rules(const secrets::Matcher& matcher) {
  const auto& rules = matcher.rules().rules;
  const auto& fallbacks = matcher.fallbacks();
  fmt::print("{} rule(s); {} on Hyperscan + RE2, {} on RE2 alone\n\n", rules.size(),
             rules.size() - fallbacks.size(), fallbacks.size());
  for (const auto& r : rules) {
    std::string engine = "hyperscan";
    for (const auto& f : fallbacks)
      if (f.starts_with(r.id + ": "))
        engine = "re2 only (" + f.substr(r.id.size() + 2) + ")";
    fmt::print("{:<40} {}\n    {}\n    keywords: {}{}\n", r.id, engine, r.description,
               fmt::join(r.keywords, ", "),
               r.entropy ? fmt::format("; entropy >= {:.1f}", *r.entropy) : "");
  }
  return 0;
}

/// A status line on stderr when it is a terminal; nothing otherwise.
class ProgressLine {
public:
  ProgressLine() : m_enabled(isatty(fileno(stderr)) != 0) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ProgressLine(ProgressLine&&) = delete;
  ProgressLine& operator=(ProgressLine&&) = delete;
  ~ProgressLine() { clear(); }

  std::function<void(std::string_view)> callback() {
    if (!m_enabled)
      return {};
    return [this](std::string_view line) {
      fmt::print(stderr, "\r\033[K{}", line.substr(0, 100));
      std::fflush(stderr);
      m_shown = true;
    };
  }
  void clear() {
    if (m_shown)
      fmt::print(stderr, "\r\033[K");
    m_shown = false;
  }

private:
  bool m_enabled;
  bool m_shown = false;
};

} // namespace

int run_secrets(const SecretsOptions& options) {
  auto started = std::chrono::steady_clock::now();
  if (options.history && options.staged) {
    fmt::print(stderr, "launchgate secrets: --history and --staged do not go together\n");
    return k_usage;
  }
  auto matcher = checks::secrets_matcher(options.rules_file, options.allow_paths);
  if (!matcher) {
    fmt::print(stderr, "{}\n", matcher.error().message);
    return options.rules_file.empty() ? 3 : k_usage;
  }
  if (options.explain_rules)
    return explain_rules(**matcher);

  std::vector<std::string> roots =
      options.paths.empty() ? std::vector<std::string>{"."} : options.paths;
  std::vector<std::string> all = roots;
  all.insert(all.end(), options.build.begin(), options.build.end());
  all.insert(all.end(), options.logs.begin(), options.logs.end());
  for (const auto& root : all)
    if (!std::filesystem::exists(root)) {
      fmt::print(stderr, "launchgate secrets: {} does not exist\n", root);
      return k_usage;
    }
  std::optional<Baseline> baseline;
  if (!options.baseline.empty()) {
    auto loaded = load_baseline(options.baseline);
    if (!loaded) {
      fmt::print(stderr, "launchgate secrets: {}\n", loaded.error().message);
      return k_usage;
    }
    baseline = std::move(*loaded);
  }
  if (options.show_secrets)
    fmt::print(stderr, "launchgate secrets: --show-secrets puts every secret found in full into "
                       "the report: use it for local triage only, never in CI or a shared file\n");

  ProgressLine progress;
  checks::SecretsScan scan;
  scan.matcher = *matcher;
  scan.show_secrets = options.show_secrets;
  scan.progress = progress.callback();

  Report report;
  report.tool_version = k_version;
  report.started_at = rfc3339_utc_now();
  report.gates = {"secrets"};
  const auto& tree_meta = *checks::find_check("secrets.tree");
  if (options.staged) {
    report.checks.push_back(checks::scan_staged_check(tree_meta, roots.front(), scan));
  } else {
    secrets::TreeOptions tree;
    tree.roots = roots;
    report.checks.push_back(checks::scan_tree_check(tree_meta, tree, scan));
    for (const auto& [ids, dirs] :
         {std::pair{"secrets.build", &options.build}, std::pair{"secrets.logs", &options.logs}}) {
      if (dirs->empty())
        continue;
      secrets::TreeOptions extra;
      extra.roots = *dirs;
      report.checks.push_back(checks::scan_tree_check(*checks::find_check(ids), extra, scan));
    }
    if (options.history) {
      secrets::HistoryOptions history;
      history.repo = roots.front();
      report.checks.push_back(
          checks::scan_history_check(*checks::find_check("secrets.history"), history, scan));
    }
  }
  progress.clear();
  if (!options.write_baseline.empty()) {
    std::ofstream out(options.write_baseline, std::ios::binary | std::ios::trunc);
    out << baseline_text(report.checks);
    if (!out.flush()) {
      fmt::print(stderr, "launchgate secrets: cannot write {}\n", options.write_baseline);
      return k_usage;
    }
    size_t n = 0;
    for (const auto& c : report.checks)
      n += c.findings.size();
    fmt::print(stderr, "launchgate secrets: {} finding(s) written to the baseline {}\n", n,
               options.write_baseline);
    baseline = load_baseline(options.write_baseline).value_or(Baseline{}); // accept them now too
  }
  if (baseline)
    apply_baseline(report.checks, *baseline);
  report.verdict = compute_verdict(report.checks);
  report.duration_ms = ms_since(started);
  return emit_report(report, options.output);
}

} // namespace lg::app
