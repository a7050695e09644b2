// `launchgate secrets [PATH...]`: the working-tree scan of the secrets gate on its own, with the
// shipped rules or a gitleaks-format rule file, reported in any of the six formats.

#include "app/commands.hpp"

#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "launchgate/version.hpp"
#include "secrets/rules.hpp"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>

namespace lg::app {

int run_secrets(const SecretsOptions& options) {
  auto started = std::chrono::steady_clock::now();
  secrets::RuleSet rules;
  if (!options.rules_file.empty()) {
    auto loaded = secrets::load_rules(options.rules_file);
    if (!loaded) {
      fmt::print(stderr, "{}\n", loaded.error().message);
      return 2;
    }
    rules = std::move(*loaded);
  } else {
    auto loaded = secrets::builtin_rules();
    if (!loaded) {
      fmt::print(stderr, "launchgate: the shipped rules do not load: {}\n", loaded.error().message);
      return 3;
    }
    rules = std::move(*loaded);
  }

  secrets::TreeOptions tree;
  tree.roots = options.paths.empty() ? std::vector<std::string>{"."} : options.paths;
  for (const auto& root : tree.roots)
    if (!std::filesystem::exists(root)) {
      fmt::print(stderr, "launchgate secrets: {} does not exist\n", root);
      return 2;
    }

  Report report;
  report.tool_version = k_version;
  report.base_url = "";
  report.started_at = rfc3339_utc_now();
  report.gates = {"secrets"};
  report.checks.push_back(
      checks::scan_tree_check(*checks::find_check("secrets.tree"), tree, &rules));
  report.verdict = compute_verdict(report.checks);
  report.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  return emit_report(report, options.output);
}

} // namespace lg::app
