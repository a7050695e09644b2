#pragma once
// What the loaders of the provider rules files (rules/edge.json, rules/takeover.json) share: the
// frame of the document — a JSON object whose "providers" list holds one object per provider,
// each with a non-empty "provider" name — the check that no two entries claim one key (a CNAME
// pattern), and the way problems are reported: every problem at once, one per line, each
// prefixed by where it is.

#include "util/expected.hpp"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// The problems found in a rules file, gathered so that all are reported at once.
using RulesProblems = std::vector<std::string>;

/// One entry of a rules file's "providers" list, as handed to a loader.
struct RulesEntry {
  const nlohmann::json& json; ///< the entry, an object
  std::string provider;       ///< its "provider"; "" when missing or not a non-empty string
  std::string where;          ///< "providers[3] (Fastly)": the prefix of the entry's problems
};

/// Reads one entry: adds its problems to the list and returns its keys, which no other entry may
/// list (its CNAME patterns).
using RulesEntryReader = std::function<std::vector<std::string>(const RulesEntry&, RulesProblems&)>;

/// Reads a rules file. `json` must be a JSON object with a non-empty "providers" list, else the
/// error (kind parse) "`label`: …" (`label` names the file: "edge rules"). Each entry is handed
/// to `read` in order; an entry that is not an object is a problem and is not read
/// ("providers[2]: not an object"), one without a non-empty string "provider" is a problem and is
/// read with an empty name. A key returned by more than one entry (or twice by one) is the problem
/// "`key_name` '<key>' is listed twice" (in sorted order, once per extra copy): a match would
/// depend on the order of the file. With any problem, the error (kind parse) is "`label`:" and
/// every problem, one per line: first each entry's, in order, then the repeats.
Expected<void> read_rules_providers(std::string_view json, std::string_view label,
                                    std::string_view key_name, const RulesEntryReader& read);

} // namespace lg::analyze
