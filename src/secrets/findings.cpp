// One finding per distinct secret: the same key in five files is one finding with five locations
// (DESIGN.md, report contract). Evidence holds the rule and the redacted secret, and for history
// where the secret first entered and whether HEAD still holds it.

#include "secrets/findings.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <map>

namespace lg::secrets {

std::vector<Finding> collapse_hits(std::string_view check_id, const RuleSet& rules,
                                   const std::vector<Hit>& hits, bool show_secrets) {
  std::vector<Finding> out;
  std::map<std::string, size_t> index; // fingerprint -> position in out
  for (const auto& hit : hits) {
    const Rule& rule = rules.rules.at(hit.match.rule);
    std::string fingerprint = make_fingerprint(check_id, {rule.id, sha256_hex(hit.match.secret)});
    Location where{hit.path, static_cast<int>(hit.line), hit.commit};
    auto [it, fresh] = index.emplace(fingerprint, out.size());
    if (!fresh) {
      Finding& f = out[it->second];
      if (std::find(f.locations.begin(), f.locations.end(), where) == f.locations.end() &&
          where != *f.location)
        f.locations.push_back(where);
      if (hit.at_head.value_or(false))
        f.evidence["at_head"] = true;
      continue;
    }
    Finding f;
    f.message =
        fmt::format("{} ({})", rule.description.empty() ? rule.id : rule.description, rule.id);
    f.rule = rule.id;
    f.location = where;
    f.evidence = {{"secret", show_secrets ? hit.match.secret : redact(hit.match.secret)}};
    if (!hit.date.empty())
      f.evidence["first_seen"] = hit.date;
    if (hit.at_head)
      f.evidence["at_head"] = *hit.at_head;
    if (!hit.origin.empty())
      f.evidence["origin"] = hit.origin;
    f.fingerprint = fingerprint;
    out.push_back(std::move(f));
  }
  for (auto& f : out) {
    if (!f.locations.empty())
      f.message += fmt::format(", in {} places", f.locations.size() + 1);
    if (!f.location->commit.empty())
      f.message += fmt::format("; first committed in {} ({}){}", f.location->commit.substr(0, 12),
                               f.evidence.value("first_seen", std::string("unknown date")),
                               f.evidence.value("at_head", false) ? ", still at HEAD"
                                                                  : ", no longer at HEAD");
  }
  return out;
}

} // namespace lg::secrets
