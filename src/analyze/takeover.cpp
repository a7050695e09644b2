// Loads rules/takeover.json (the provider data domain.dangling-cname matches CNAME targets
// against), validates each entry, and matches host names against the label patterns.

#include "analyze/takeover.hpp"

#include "analyze/rules_json.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace lg::analyze {

namespace {

constexpr size_t k_max_labels = 127;

bool label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/// The labels of `name`, at most k_max_labels + 1 (more means "too many").
std::vector<std::string_view> labels(std::string_view name) {
  std::vector<std::string_view> out;
  size_t begin = 0;
  while (out.size() <= k_max_labels) {
    size_t dot = name.find('.', begin);
    out.push_back(name.substr(begin, dot == std::string_view::npos ? dot : dot - begin));
    if (dot == std::string_view::npos)
      break;
    begin = dot + 1;
  }
  return out;
}

/// The strings of `list` (a JSON array of strings) into `out`; a problem for anything else.
void strings(const nlohmann::json& entry, const char* key, std::vector<std::string>& out,
             const std::string& where, std::vector<std::string>& problems) {
  auto it = entry.find(key);
  if (it == entry.end() || !it->is_array()) {
    problems.push_back(fmt::format("{}: '{}' must be a list of strings", where, key));
    return;
  }
  for (const auto& item : *it) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty())
      problems.push_back(fmt::format("{}: '{}' holds an empty string or a non-string", where, key));
    else
      out.push_back(item.get<std::string>());
  }
}

} // namespace

std::string takeover_pattern_problem(std::string_view pattern) {
  if (pattern.size() > 253)
    return "longer than 253 characters";
  if (pattern.substr(0, 2) != "*.")
    return "must start with '*.'";
  auto parts = labels(pattern.substr(2));
  if (parts.size() < 2)
    return "needs a suffix of at least two labels after '*.'";
  if (parts.size() > k_max_labels)
    return "too many labels";
  for (size_t i = 0; i < parts.size(); ++i) {
    auto label = parts[i];
    if (label == "*") {
      if (i + 2 >= parts.size())
        return "the last two labels must be literal";
      continue;
    }
    if (label.empty() || label.size() > 63)
      return "has an empty or over-long label";
    if (!std::all_of(label.begin(), label.end(), label_char))
      return fmt::format("label '{}' is not lower-case letters, digits and '-'", label);
    if (label.front() == '-' || label.back() == '-')
      return fmt::format("label '{}' starts or ends with '-'", label);
  }
  return "";
}

bool takeover_pattern_matches(std::string_view pattern, std::string_view host) {
  if (pattern.substr(0, 2) != "*." || host.empty() || host.size() > 253)
    return false;
  // Quick rejection: the labels after the last "*" are literal and must end the host.
  std::string_view tail = pattern.substr(pattern.rfind('*') + 1); // ".suffix"
  if (host.size() <= tail.size() || !iequals(host.substr(host.size() - tail.size()), tail))
    return false;
  auto suffix = labels(pattern.substr(2));
  auto name = labels(host);
  if (name.size() > k_max_labels || name.size() <= suffix.size())
    return false;
  size_t offset = name.size() - suffix.size();
  for (size_t i = 0; i < suffix.size(); ++i) {
    const auto& part = name[offset + i];
    if (part.empty())
      return false;
    if (suffix[i] != "*" && !iequals(suffix[i], part))
      return false;
  }
  // The leading "*" stands for one or more non-empty labels.
  return std::none_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(offset),
                      [](std::string_view l) { return l.empty(); });
}

Expected<std::vector<TakeoverProvider>> parse_takeover_rules(std::string_view json) {
  std::vector<TakeoverProvider> out;
  auto read_entry = [&out](const RulesEntry& entry, RulesProblems& problems) {
    const auto& where = entry.where;
    TakeoverProvider p;
    p.provider = entry.provider;
    strings(entry.json, "patterns", p.patterns, where, problems);
    if (p.patterns.empty())
      problems.push_back(where + ": needs at least one pattern");
    for (const auto& pattern : p.patterns)
      if (auto why = takeover_pattern_problem(pattern); !why.empty())
        problems.push_back(fmt::format("{}: pattern '{}' {}", where, pattern, why));
    strings(entry.json, "unclaimed", p.unclaimed, where, problems);
    auto claimable = entry.json.find("nxdomain_claimable");
    if (claimable == entry.json.end() || !claimable->is_boolean())
      problems.push_back(where + ": 'nxdomain_claimable' must be true or false");
    else
      p.nxdomain_claimable = claimable->get<bool>();
    auto takeover = entry.json.find("takeover");
    if (takeover != entry.json.end() && takeover->is_string())
      p.takeover = takeover->get<std::string>();
    if (p.takeover != "possible" && p.takeover != "edge" && p.takeover != "unlikely" &&
        p.takeover != "unknown")
      problems.push_back(where + ": 'takeover' must be possible, edge, unlikely or unknown");
    auto note = entry.json.find("note");
    if (note != entry.json.end() && note->is_string())
      p.note = note->get<std::string>();
    out.push_back(std::move(p));
    return out.back().patterns;
  };
  LG_TRY_VOID(read_rules_providers(json, "takeover rules", "pattern", read_entry));
  return out;
}

const Expected<std::vector<TakeoverProvider>>& builtin_takeover_rules() {
  static const Expected<std::vector<TakeoverProvider>> k_rules =
      parse_takeover_rules(builtin_takeover_text());
  return k_rules;
}

const TakeoverProvider* match_takeover_provider(const std::vector<TakeoverProvider>& providers,
                                                std::string_view host) {
  for (const auto& p : providers)
    for (const auto& pattern : p.patterns)
      if (takeover_pattern_matches(pattern, host))
        return &p;
  return nullptr;
}

} // namespace lg::analyze
