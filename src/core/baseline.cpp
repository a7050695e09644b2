// Baselines are matched on (check id, fingerprint): the fingerprint already hashes the rule and
// the secret, so a moved secret stays accepted and a rotated one is new.

#include "core/baseline.hpp"

#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace lg {
namespace {

std::string key(std::string_view check, std::string_view fingerprint) {
  return fmt::format("{} {}", check, fingerprint);
}

} // namespace

Expected<Baseline> load_baseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unexpected(ErrorKind::io, fmt::format("cannot read the baseline {}", path));
  std::stringstream text;
  text << in.rdbuf();
  auto doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return unexpected(ErrorKind::parse, fmt::format("{}: not a JSON object", path));
  if (auto schema = doc.find("schema");
      schema == doc.end() || !schema->is_string() || *schema != "launchgate.baseline/1")
    return unexpected(ErrorKind::parse,
                      fmt::format("{}: schema must be \"launchgate.baseline/1\"", path));
  if (!doc.contains("findings") || !doc["findings"].is_array())
    return unexpected(ErrorKind::parse, fmt::format("{}: \"findings\" must be a list", path));
  Baseline out;
  out.path = path;
  size_t n = 0;
  for (const auto& f : doc["findings"]) {
    ++n;
    if (!f.is_object() || !f.contains("check") || !f["check"].is_string() ||
        !f.contains("fingerprint") || !f["fingerprint"].is_string())
      return unexpected(
          ErrorKind::parse,
          fmt::format("{}: finding {} needs string \"check\" and \"fingerprint\"", path, n));
    out.fingerprints.insert(
        key(f["check"].get<std::string>(), f["fingerprint"].get<std::string>()));
  }
  return out;
}

std::string baseline_text(const std::vector<CheckResult>& checks) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const auto& c : checks)
    for (const auto& f : c.findings) {
      nlohmann::ordered_json entry = {{"check", c.meta.id}};
      if (!f.rule.empty())
        entry["rule"] = f.rule;
      entry["fingerprint"] = f.fingerprint;
      if (f.location)
        entry["location"] = fmt::format("{}:{}", f.location->file, f.location->line);
      findings.push_back(std::move(entry));
    }
  nlohmann::ordered_json doc = {{"schema", "launchgate.baseline/1"}, {"findings", findings}};
  return doc.dump(2) + "\n";
}

size_t apply_baseline(std::vector<CheckResult>& checks, const Baseline& baseline) {
  size_t dropped = 0;
  for (auto& c : checks) {
    size_t before = c.findings.size();
    std::erase_if(c.findings, [&](const Finding& f) {
      return baseline.fingerprints.contains(key(c.meta.id, f.fingerprint));
    });
    size_t accepted = before - c.findings.size();
    dropped += accepted;
    if (accepted == 0)
      continue;
    std::string note =
        fmt::format("{} known finding(s) accepted by the baseline {}", accepted, baseline.path);
    if (c.findings.empty() && (c.status == Status::fail || c.status == Status::warn))
      c.status = Status::pass;
    c.reason = c.reason.empty() ? note : fmt::format("{}; {}", c.reason, note);
  }
  return dropped;
}

} // namespace lg
