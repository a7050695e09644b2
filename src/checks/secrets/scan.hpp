#pragma once
// The secrets gate's scans, shared by its checks inside `audit` and by `launchgate secrets`: one
// compiled rule set per process, each source turned into one CheckResult.

#include "core/config.hpp"
#include "core/result.hpp"
#include "secrets/history.hpp"
#include "secrets/tree.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::checks {

/// How the secrets gate scans.
struct SecretsScan {
  const secrets::Matcher* matcher = nullptr;      ///< from secrets_matcher()
  bool show_secrets = false;                      ///< findings hold secrets in full (local triage)
  std::function<void(std::string_view)> progress; ///< one status line at a time; may be empty
};

/// The rules of `rules_file` (the shipped rules when empty) with `allow_paths` (RE2 on file paths)
/// added to their global allowlist, compiled once per process and kept for its lifetime.
Expected<const secrets::Matcher*> secrets_matcher(const std::string& rules_file = "",
                                                  const std::vector<std::string>& allow_paths = {});

/// The scan settings of the config's `secrets:` section (rules, allow_paths).
Expected<SecretsScan> scan_from_config(const Config& config);

CheckResult scan_tree_check(const CheckMeta& meta, const secrets::TreeOptions& options,
                            const SecretsScan& scan);
CheckResult scan_history_check(const CheckMeta& meta, const secrets::HistoryOptions& options,
                               const SecretsScan& scan);
/// secrets.tree over what is staged in `repo` (the pre-commit hook).
CheckResult scan_staged_check(const CheckMeta& meta, const std::string& repo,
                              const SecretsScan& scan);

} // namespace lg::checks
