// The frame and the problem reporting shared by the provider rules loaders (analyze/edge for
// rules/edge.json, analyze/takeover for rules/takeover.json): the document is parsed without
// exceptions, every value's type is checked before use, and problems are collected, then reported
// together.

#include "analyze/rules_json.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace lg::analyze {

Expected<void> read_rules_providers(std::string_view json, std::string_view label,
                                    std::string_view key_name, const RulesEntryReader& read) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return unexpected(ErrorKind::parse, fmt::format("{}: not a JSON object", label));
  auto list = doc.find("providers");
  if (list == doc.end() || !list->is_array() || list->empty())
    return unexpected(ErrorKind::parse,
                      fmt::format("{}: 'providers' must be a non-empty list", label));
  RulesProblems problems;
  std::vector<std::string> keys;
  size_t index = 0;
  for (const auto& entry : *list) {
    std::string where = fmt::format("providers[{}]", index++);
    if (!entry.is_object()) {
      problems.push_back(where + ": not an object");
      continue;
    }
    std::string provider;
    auto name = entry.find("provider");
    if (name == entry.end() || !name->is_string() || name->get_ref<const std::string&>().empty())
      problems.push_back(where + ": 'provider' must be a non-empty string");
    else {
      provider = name->get<std::string>();
      where += " (" + provider + ")";
    }
    auto own = read(RulesEntry{entry, std::move(provider), std::move(where)}, problems);
    keys.insert(keys.end(), std::make_move_iterator(own.begin()),
                std::make_move_iterator(own.end()));
  }
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i)
    if (keys[i] == keys[i - 1])
      problems.push_back(fmt::format("{} '{}' is listed twice", key_name, keys[i]));
  if (!problems.empty())
    return unexpected(ErrorKind::parse, fmt::format("{}:\n{}", label, join(problems, "\n")));
  return {};
}

} // namespace lg::analyze
