// secrets.tree (CWE-798, OWASP ASVS 2.10.4): scans secrets.paths (relative to the config, ignored
// files included, .git internals and binaries skipped) with the rules; one finding per distinct
// secret with every location, the secret redacted. Also home of the gate's shared pieces: the
// compiled rules and the config's scan settings.

#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"
#include "secrets/findings.hpp"

#include <fmt/format.h>
#include <map>
#include <memory>
#include <mutex>

namespace lg::checks {

Expected<const secrets::Matcher*> secrets_matcher(const std::string& rules_file,
                                                  const std::vector<std::string>& allow_paths) {
  // Compiling the rules costs far more than most scans: once per process and rule set.
  static std::mutex lock;
  static std::map<std::string, std::unique_ptr<secrets::Matcher>> cache;
  std::string key = rules_file;
  for (const auto& p : allow_paths)
    key += '\n' + p;
  std::lock_guard<std::mutex> guard(lock);
  if (auto it = cache.find(key); it != cache.end())
    return it->second.get();
  auto rules = rules_file.empty() ? secrets::builtin_rules() : secrets::load_rules(rules_file);
  if (!rules)
    return unexpected(rules.error());
  for (const auto& p : allow_paths)
    rules->allowlist.paths.push_back(p);
  auto matcher = secrets::Matcher::compile(std::move(*rules));
  if (!matcher)
    return unexpected(matcher.error());
  auto owned = std::make_unique<secrets::Matcher>(std::move(*matcher));
  const secrets::Matcher* out = owned.get();
  cache.emplace(key, std::move(owned));
  return out;
}

Expected<SecretsScan> scan_from_config(const Config& config) {
  static const nlohmann::json k_none = nlohmann::json::object();
  const auto& section = config.raw.contains("secrets") ? config.raw["secrets"] : k_none;
  std::string rules_file;
  if (section.contains("rules"))
    rules_file = config.resolve_path(section["rules"].get<std::string>());
  std::vector<std::string> allow;
  if (section.contains("allow_paths"))
    for (const auto& p : section["allow_paths"])
      allow.push_back(p.get<std::string>());
  SecretsScan scan;
  scan.matcher = LG_TRY(secrets_matcher(rules_file, allow));
  return scan;
}

CheckResult run_secrets_tree(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (!config.raw.contains("secrets"))
    return engine::skipped(meta, SkipKind::not_configured,
                           "no secrets section: set secrets.paths, e.g. [.]");
  auto scan = scan_from_config(config);
  if (!scan)
    return engine::errored(meta, scan.error().message);
  secrets::TreeOptions options;
  const auto& section = config.raw["secrets"];
  if (section.contains("paths"))
    for (const auto& p : section["paths"])
      options.roots.push_back(config.resolve_path(p.get<std::string>()));
  else
    options.roots.push_back(config.resolve_path("."));
  return scan_tree_check(meta, options, *scan);
}

CheckResult scan_tree_check(const CheckMeta& meta, const secrets::TreeOptions& options,
                            const SecretsScan& scan) {
  secrets::TreeOptions run = options;
  if (scan.progress && !run.progress)
    run.progress = [&](size_t files, unsigned long long bytes, size_t matches) {
      scan.progress(fmt::format("{}: {:.1f} MB in {} files, {} match(es)", meta.id,
                                static_cast<double>(bytes) / 1e6, files, matches));
    };
  auto result = secrets::scan_tree(*scan.matcher, run);
  std::string summary = fmt::format("{} file(s), {} bytes scanned; {} binary file(s) skipped",
                                    result.files, result.bytes, result.binary);
  if (!result.notes.empty())
    summary += fmt::format("; {} note(s): {}", result.notes.size(), fmt::join(result.notes, "; "));
  auto findings =
      secrets::collapse_hits(meta.id, scan.matcher->rules(), result.hits, scan.show_secrets);
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (result.files == 0)
    return engine::errored(meta, "nothing was scanned: " + summary);
  return engine::passed(meta, summary);
}

CheckResult scan_staged_check(const CheckMeta& meta, const std::string& repo,
                              const SecretsScan& scan) {
  size_t files = 0;
  auto staged = secrets::scan_staged(*scan.matcher, repo, &files);
  if (!staged)
    return engine::errored(meta, staged.error().message);
  std::vector<secrets::Hit> hits;
  for (auto& s : *staged) {
    secrets::Hit hit;
    hit.path = s.path;
    hit.line = s.match.line;
    hit.match = std::move(s.match);
    hits.push_back(std::move(hit));
  }
  std::string summary = fmt::format("{} staged file(s) scanned", files);
  auto findings = secrets::collapse_hits(meta.id, scan.matcher->rules(), hits, scan.show_secrets);
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
