// Loads rules/edge.json (the CDN/WAF data edge.cdn recognises providers by), validates each entry,
// and matches response headers and CNAME chains against it.

#include "analyze/edge.hpp"

#include "analyze/rules_json.hpp"
#include "analyze/takeover.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace lg::analyze {

namespace {

constexpr size_t k_max_value = 1024;
constexpr size_t k_max_chain = 32;
constexpr size_t k_max_headers = 200;

bool header_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/// `value` cut to 80 characters for evidence.
std::string shown(std::string_view value) {
  return value.size() > 80 ? std::string(value.substr(0, 80)) + "…" : std::string(value);
}

} // namespace

Expected<std::vector<EdgeProvider>> parse_edge_rules(std::string_view json) {
  std::vector<EdgeProvider> out;
  auto read_entry = [&out](const RulesEntry& entry, RulesProblems& problems) {
    const auto& where = entry.where;
    EdgeProvider p;
    p.provider = entry.provider;
    auto headers = entry.json.find("headers");
    if (headers == entry.json.end() || !headers->is_array())
      problems.push_back(where + ": 'headers' must be a list of {name, contains}");
    else
      for (const auto& h : *headers) {
        auto hn = h.is_object() ? h.find("name") : h.end();
        if (!h.is_object() || hn == h.end() || !hn->is_string()) {
          problems.push_back(where + ": a header rule needs a string 'name'");
          continue;
        }
        EdgeHeaderRule rule;
        rule.name = to_lower(hn->get<std::string>());
        if (rule.name.empty() || !std::all_of(rule.name.begin(), rule.name.end(), header_char))
          problems.push_back(fmt::format("{}: header '{}' is not a header name", where, rule.name));
        auto contains = h.find("contains");
        if (contains != h.end()) {
          if (!contains->is_string() || contains->get_ref<const std::string&>().empty())
            problems.push_back(fmt::format("{}: header '{}': 'contains' must be a non-empty "
                                           "string",
                                           where, rule.name));
          else
            rule.contains = to_lower(contains->get<std::string>());
        }
        p.headers.push_back(std::move(rule));
      }
    auto cnames = entry.json.find("cnames");
    if (cnames == entry.json.end() || !cnames->is_array())
      problems.push_back(where + ": 'cnames' must be a list of patterns");
    else
      for (const auto& c : *cnames) {
        if (!c.is_string()) {
          problems.push_back(where + ": 'cnames' holds a non-string");
          continue;
        }
        auto pattern = c.get<std::string>();
        if (auto why = takeover_pattern_problem(pattern); !why.empty())
          problems.push_back(fmt::format("{}: CNAME pattern '{}' {}", where, pattern, why));
        p.cnames.push_back(std::move(pattern));
      }
    if (p.headers.empty() && p.cnames.empty())
      problems.push_back(where + ": needs at least one header rule or CNAME pattern");
    out.push_back(std::move(p));
    return out.back().cnames;
  };
  LG_TRY_VOID(read_rules_providers(json, "edge rules", "CNAME pattern", read_entry));
  return out;
}

const Expected<std::vector<EdgeProvider>>& builtin_edge_rules() {
  static const Expected<std::vector<EdgeProvider>> k_rules = parse_edge_rules(builtin_edge_text());
  return k_rules;
}

std::vector<EdgeMatch> match_edge_headers(const std::vector<EdgeProvider>& providers,
                                          const std::vector<net::Header>& headers) {
  std::vector<EdgeMatch> out;
  size_t count = std::min(headers.size(), k_max_headers);
  for (const auto& p : providers) {
    bool found = false;
    for (const auto& rule : p.headers) {
      for (size_t i = 0; i < count && !found; ++i) {
        const auto& h = headers[i];
        if (!iequals(h.name, rule.name))
          continue;
        std::string_view value = h.value;
        value = value.substr(0, k_max_value);
        if (!rule.contains.empty() && to_lower(value).find(rule.contains) == std::string::npos)
          continue;
        out.push_back({p.provider, fmt::format("header {}: {}", rule.name, shown(h.value))});
        found = true;
      }
      if (found)
        break;
    }
  }
  return out;
}

std::optional<EdgeMatch> match_edge_cname(const std::vector<EdgeProvider>& providers,
                                          const std::vector<std::string>& chain) {
  size_t count = std::min(chain.size(), k_max_chain);
  for (size_t i = 0; i < count; ++i)
    for (const auto& p : providers)
      for (const auto& pattern : p.cnames)
        if (takeover_pattern_matches(pattern, chain[i]))
          return EdgeMatch{p.provider, "CNAME " + chain[i]};
  return std::nullopt;
}

} // namespace lg::analyze
