// secrets.tree (CWE-798, OWASP ASVS 2.10.4): scans secrets.paths (relative to the config, ignored
// files included, .git internals and binaries skipped) with the shipped rules; one finding per
// distinct secret with every location, the secret redacted.

#include "secrets/tree.hpp"
#include "checks/registry.hpp"
#include "secrets/findings.hpp"

#include <fmt/format.h>

namespace lg::checks {

CheckResult run_secrets_tree(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (!config.raw.contains("secrets"))
    return engine::skipped(meta, SkipKind::not_configured,
                           "no secrets section: set secrets.paths, e.g. [.]");
  secrets::TreeOptions options;
  const auto& section = config.raw["secrets"];
  if (section.contains("paths"))
    for (const auto& p : section["paths"])
      options.roots.push_back(config.resolve_path(p.get<std::string>()));
  else
    options.roots.push_back(config.resolve_path("."));
  return scan_tree_check(meta, options);
}

CheckResult scan_tree_check(const CheckMeta& meta, const secrets::TreeOptions& options,
                            const secrets::RuleSet* rules) {
  auto builtin = rules == nullptr ? secrets::builtin_rules() : Expected<secrets::RuleSet>(*rules);
  if (!builtin)
    return engine::errored(meta, builtin.error().message);
  auto matcher = secrets::Matcher::compile(*builtin);
  if (!matcher)
    return engine::errored(meta, matcher.error().message);
  auto result = secrets::scan_tree(*matcher, options);
  std::string summary = fmt::format("{} file(s), {} bytes scanned; {} binary file(s) skipped",
                                    result.files, result.bytes, result.binary);
  if (!result.notes.empty())
    summary += fmt::format("; {} note(s): {}", result.notes.size(), fmt::join(result.notes, "; "));
  auto findings = secrets::collapse_hits(meta.id, matcher->rules(), result.hits);
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (result.files == 0)
    return engine::errored(meta, "nothing was scanned: " + summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
