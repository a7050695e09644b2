// One finding per distinct secret: the same key in five files is one finding with five locations
// (DESIGN.md, report contract). Evidence holds the rule and the redacted secret only.

#include "secrets/findings.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <map>

namespace lg::secrets {

std::vector<Finding> collapse_hits(std::string_view check_id, const RuleSet& rules,
                                   const std::vector<Hit>& hits) {
  std::vector<Finding> out;
  std::map<std::string, size_t> index; // fingerprint -> position in out
  for (const auto& hit : hits) {
    const Rule& rule = rules.rules.at(hit.match.rule);
    std::string fingerprint = make_fingerprint(check_id, {rule.id, sha256_hex(hit.match.secret)});
    Location where{hit.path, static_cast<int>(hit.line), ""};
    auto [it, fresh] = index.emplace(fingerprint, out.size());
    if (!fresh) {
      out[it->second].locations.push_back(where);
      continue;
    }
    Finding f;
    f.message =
        fmt::format("{} ({})", rule.description.empty() ? rule.id : rule.description, rule.id);
    f.rule = rule.id;
    f.location = where;
    f.evidence = {{"secret", redact(hit.match.secret)}};
    f.fingerprint = fingerprint;
    out.push_back(std::move(f));
  }
  for (auto& f : out)
    if (!f.locations.empty())
      f.message += fmt::format(", in {} places", f.locations.size() + 1);
  return out;
}

} // namespace lg::secrets
