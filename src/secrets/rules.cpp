// Loads secret rules in the gitleaks TOML format with toml++: [[rules]] tables with id,
// description, regex, secretGroup, keywords, entropy, path and [rules.allowlist], a global
// [allowlist], and this project's examples / negative_examples. Regexes are checked with RE2 here,
// so a broken rule is a load error with its line, not a silent miss at scan time.

#include "secrets/rules.hpp"

#include "util/text.hpp"

#include <re2/re2.h>
#include <toml++/toml.h>

#include <array>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>

namespace lg::secrets {
namespace {

struct Problems {
  std::string name;
  std::vector<std::string> list;
  bool compile_regexes = true; ///< false for the shipped rules: their tests compiled every regex
  void add(const toml::source_region& where, const std::string& message) {
    list.push_back(fmt::format("{}:{}: {}", name, where.begin.line, message));
  }
};

std::vector<std::string> strings_of(const toml::node* node, const std::string& key,
                                    Problems& problems, bool lower = false) {
  std::vector<std::string> out;
  if (node == nullptr)
    return out;
  const auto* array = node->as_array();
  if (array == nullptr) {
    problems.add(node->source(), key + " must be an array of strings");
    return out;
  }
  for (const auto& item : *array) {
    const auto* s = item.as_string();
    if (s == nullptr) {
      problems.add(item.source(), key + " must hold only strings");
      continue;
    }
    out.push_back(lower ? to_lower(s->get()) : s->get());
  }
  return out;
}

void check_regexes(const std::vector<std::string>& regexes, const toml::node* at,
                   const std::string& what, Problems& problems) {
  if (!problems.compile_regexes)
    return;
  for (const auto& r : regexes) {
    RE2 re(r, RE2::Quiet);
    if (!re.ok() && at != nullptr)
      problems.add(at->source(),
                   fmt::format("{} '{}' is not a valid RE2 regex: {}", what, r, re.error()));
  }
}

Allowlist allowlist_of(const toml::table* table, Problems& problems) {
  Allowlist a;
  if (table == nullptr)
    return a;
  a.regexes = strings_of(table->get("regexes"), "allowlist.regexes", problems);
  a.paths = strings_of(table->get("paths"), "allowlist.paths", problems);
  a.stopwords = strings_of(table->get("stopwords"), "allowlist.stopwords", problems, true);
  check_regexes(a.regexes, table->get("regexes"), "allowlist regex", problems);
  check_regexes(a.paths, table->get("paths"), "allowlist path", problems);
  return a;
}

const std::set<std::string>& known_rule_keys() {
  static const std::set<std::string> k_keys = {
      "id",   "description", "regex", "secretGroup", "keywords",         "entropy",
      "path", "allowlist",   "tags",  "examples",    "negative_examples"};
  return k_keys;
}

Rule rule_of(const toml::table& t, Problems& problems) {
  Rule r;
  r.line = static_cast<int>(t.source().begin.line);
  for (const auto& [key, value] : t)
    if (!known_rule_keys().contains(std::string(key.str())))
      problems.add(value.source(), fmt::format("unknown key '{}' in a rule", key.str()));
  r.id = t["id"].value_or(std::string());
  if (r.id.empty())
    problems.add(t.source(), "a rule needs an id");
  r.description = t["description"].value_or(std::string());
  r.regex = t["regex"].value_or(std::string());
  if (r.regex.empty()) {
    problems.add(t.source(), fmt::format("rule '{}' needs a regex", r.id));
  } else if (!problems.compile_regexes) {
    auto group = t["secretGroup"].value<int64_t>();
    r.secret_group = group && *group > 0 ? static_cast<int>(*group) : 0;
  } else {
    RE2 re(r.regex, RE2::Quiet);
    if (!re.ok())
      problems.add(t.get("regex")->source(),
                   fmt::format("rule '{}': the regex is not valid RE2: {}", r.id, re.error()));
    else if (t.contains("secretGroup")) {
      auto group = t["secretGroup"].value<int64_t>();
      if (!group || *group < 0 || *group > re.NumberOfCapturingGroups())
        problems.add(t.get("secretGroup")->source(),
                     fmt::format("rule '{}': secretGroup must be 0..{}", r.id,
                                 re.NumberOfCapturingGroups()));
      else
        r.secret_group = static_cast<int>(*group);
    }
  }
  r.keywords = strings_of(t.get("keywords"), "keywords", problems, true);
  if (t.contains("entropy")) {
    auto e = t["entropy"].value<double>();
    if (!e || *e < 0 || *e > 8)
      problems.add(t.get("entropy")->source(), "entropy must be a number from 0 to 8");
    else
      r.entropy = *e;
  }
  r.path = t["path"].value_or(std::string());
  if (!r.path.empty())
    check_regexes({r.path}, t.get("path"), "path", problems);
  r.allowlist = allowlist_of(t["allowlist"].as_table(), problems);
  r.examples = strings_of(t.get("examples"), "examples", problems);
  r.negative_examples = strings_of(t.get("negative_examples"), "negative_examples", problems);
  return r;
}

} // namespace

double shannon_entropy(std::string_view s) {
  if (s.empty())
    return 0;
  std::array<size_t, 256> counts{};
  for (char c : s)
    ++counts.at(static_cast<unsigned char>(c));
  double h = 0;
  auto n = static_cast<double>(s.size());
  for (size_t c : counts) {
    if (c == 0)
      continue;
    double p = static_cast<double>(c) / n;
    h -= p * std::log2(p);
  }
  return h;
}

namespace {

Expected<RuleSet> parse(std::string_view text, const std::string& name, bool compile_regexes) {
  toml::table doc;
  try {
    doc = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return unexpected(ErrorKind::config,
                      fmt::format("{}:{}: {}", name, e.source().begin.line, e.description()));
  }
  Problems problems{name, {}, compile_regexes};
  RuleSet set;
  set.allowlist = allowlist_of(doc["allowlist"].as_table(), problems);
  const auto* rules = doc["rules"].as_array();
  if (rules == nullptr) {
    problems.list.push_back(name + ":1: no [[rules]] tables");
  } else {
    std::set<std::string> ids;
    for (const auto& node : *rules) {
      const auto* table = node.as_table();
      if (table == nullptr) {
        problems.add(node.source(), "each rules entry must be a table");
        continue;
      }
      Rule r = rule_of(*table, problems);
      if (!r.id.empty() && !ids.insert(r.id).second)
        problems.add(table->source(), fmt::format("rule id '{}' is used twice", r.id));
      set.rules.push_back(std::move(r));
    }
  }
  if (!problems.list.empty()) {
    std::string all;
    for (const auto& p : problems.list)
      all += (all.empty() ? "" : "\n") + p;
    return unexpected(ErrorKind::config, all);
  }
  return set;
}

} // namespace

Expected<RuleSet> parse_rules(std::string_view text, const std::string& name) {
  return parse(text, name, true);
}

Expected<RuleSet> builtin_rules() {
  // Compiling 219 regexes only to check them costs ~0.1 s a start; the rule tests compile every
  // shipped regex (and the matcher compiles each on first use), so the embedded copy skips it.
  return parse(builtin_rules_text(), "rules/secrets/launchgate.toml", false);
}

Expected<RuleSet> load_rules(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unexpected(ErrorKind::config, fmt::format("{}: cannot open the rule file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_rules(ss.str(), path);
}

} // namespace lg::secrets
