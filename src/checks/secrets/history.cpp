// secrets.history (CWE-798, CWE-540): every blob in the repository's object database scanned once;
// each secret reported where it first entered the history (commit, author date, path) and whether
// HEAD still holds it. Deleting a secret in a later commit does not un-leak it, so a secret that is
// gone from HEAD still fails the check.

#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"
#include "secrets/findings.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace lg::checks {

CheckResult run_secrets_history(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (!config.raw.contains("secrets"))
    return engine::skipped(meta, SkipKind::not_configured,
                           "no secrets section: set secrets.history: true and secrets.repo");
  const auto& section = config.raw["secrets"];
  if (section.contains("history") && !section["history"].get<bool>())
    return engine::skipped(meta, SkipKind::not_configured,
                           "secrets.history is false: the git history is not scanned");
  std::string repo = config.resolve_path(
      section.contains("repo") ? section["repo"].get<std::string>() : std::string("."));
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(repo) / ".git", ec) &&
      !std::filesystem::exists(std::filesystem::path(repo) / "HEAD", ec))
    return engine::skipped(meta, SkipKind::not_applicable,
                           fmt::format("{} is not a git repository: there is no history", repo));
  auto scan = scan_from_config(config);
  if (!scan)
    return engine::errored(meta, scan.error().message);
  secrets::HistoryOptions options;
  options.repo = repo;
  return scan_history_check(meta, options, *scan);
}

CheckResult scan_history_check(const CheckMeta& meta, const secrets::HistoryOptions& options,
                               const SecretsScan& scan) {
  secrets::HistoryOptions run = options;
  if (scan.progress && !run.progress)
    run.progress = [&](const secrets::HistoryProgress& p) {
      scan.progress(fmt::format("secrets.history: {:.1f} MB in {} blobs, {} match(es)",
                                static_cast<double>(p.bytes) / 1e6, p.blobs, p.findings));
    };
  auto result = secrets::scan_history(*scan.matcher, run);
  if (!result)
    return engine::errored(meta, result.error().message);
  std::vector<secrets::Hit> hits;
  for (auto& h : result->hits) {
    secrets::Hit hit;
    hit.line = h.match.line;
    if (h.first) {
      hit.path = h.first->path;
      hit.commit = h.first->commit;
      hit.date = h.first->author_date;
    } else {
      hit.path = fmt::format("(blob {}, reachable from no ref)", h.blob.substr(0, 12));
    }
    hit.at_head = h.at_head;
    hit.match = std::move(h.match);
    hits.push_back(std::move(hit));
  }
  std::string summary = fmt::format(
      "{} blob(s), {} bytes scanned once each from the object database; {} binary blob(s) "
      "skipped; provenance traced through {} commit(s)",
      result->blobs, result->bytes, result->binary, result->commits);
  if (!result->notes.empty())
    summary +=
        fmt::format("; {} note(s): {}", result->notes.size(), fmt::join(result->notes, "; "));
  auto findings = secrets::collapse_hits(meta.id, scan.matcher->rules(), hits, scan.show_secrets);
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (result->blobs == 0)
    return engine::errored(meta, "nothing was scanned: " + summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
