// Every shipped secret rule's examples, under both matcher back-ends: each positive example is
// found by its own rule, no negative example is reported by its rule, and Hyperscan + RE2 agree
// with the RE2 reference on every example of every rule.

#include "secrets/matcher.hpp"
#include "secrets/rules.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace lg::secrets {
namespace {

const std::string k_rules_dir = std::string(LG_SOURCE_DIR) + "/rules/secrets";

std::vector<std::string> rule_files() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(k_rules_dir))
    if (entry.path().extension() == ".toml")
      out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

struct Loaded {
  RuleSet rules;
  Matcher fast;
  Matcher reference;
};

Loaded load(const std::string& file) {
  auto rules = load_rules(file);
  EXPECT_TRUE(rules) << rules.error().message;
  auto fast = Matcher::compile(*rules, Engine::hyperscan);
  auto reference = Matcher::compile(*rules, Engine::re2_only);
  EXPECT_TRUE(fast && reference);
  return Loaded{*rules, std::move(*fast), std::move(*reference)};
}

bool found_by(const std::vector<Match>& matches, size_t rule) {
  return std::any_of(matches.begin(), matches.end(),
                     [&](const Match& m) { return m.rule == rule; });
}

TEST(ShippedRules, ThereAreRuleFiles) {
  EXPECT_FALSE(rule_files().empty());
}

TEST(ShippedRules, EveryRuleHasExamplesBothWays) {
  for (const auto& file : rule_files()) {
    auto rules = load_rules(file);
    ASSERT_TRUE(rules) << rules.error().message;
    for (const auto& r : rules->rules) {
      EXPECT_GE(r.examples.size(), 1u) << file << ": " << r.id << " has no examples";
      EXPECT_GE(r.negative_examples.size(), 1u) << file << ": " << r.id << " has no negatives";
      EXPECT_FALSE(r.keywords.empty()) << file << ": " << r.id << " has no keywords";
    }
  }
}

TEST(ShippedRules, PositivesAreFoundAndNegativesAreNot) {
  // Examples are scanned as a file whose name satisfies path rules (.env holds most secrets).
  for (const auto& file : rule_files()) {
    auto loaded = load(file);
    for (size_t i = 0; i < loaded.rules.rules.size(); ++i) {
      const auto& rule = loaded.rules.rules[i];
      for (const auto& example : rule.examples) {
        auto fast = loaded.fast.scan(example, "example.env");
        EXPECT_TRUE(found_by(fast, i)) << rule.id << " misses: " << example;
        auto reference = loaded.reference.scan(example, "example.env");
        EXPECT_EQ(fast.size(), reference.size()) << rule.id << ": engines disagree on " << example;
      }
      for (const auto& example : rule.negative_examples) {
        EXPECT_FALSE(found_by(loaded.fast.scan(example, "example.env"), i))
            << rule.id << " reports its negative example: " << example;
        EXPECT_FALSE(found_by(loaded.reference.scan(example, "example.env"), i))
            << rule.id << " (RE2) reports its negative example: " << example;
      }
    }
  }
}

TEST(ShippedRules, HyperscanCompilesEveryShippedRule) {
  for (const auto& file : rule_files()) {
    auto loaded = load(file);
    EXPECT_TRUE(loaded.fast.fallbacks().empty())
        << file << ": " << loaded.fast.fallbacks().size() << " rule(s) on RE2 alone, first: "
        << (loaded.fast.fallbacks().empty() ? "" : loaded.fast.fallbacks()[0]);
  }
}

} // namespace
} // namespace lg::secrets

namespace lg::secrets {
namespace {

TEST(ShippedRules, TheEmbeddedCopyReadsLikeTheCheckedFile) {
  // builtin_rules() skips compiling regexes at load; the file, loaded with every check, must give
  // the same rules.
  auto embedded = builtin_rules();
  auto checked = load_rules(k_rules_dir + "/launchgate.toml");
  ASSERT_TRUE(embedded) << embedded.error().message;
  ASSERT_TRUE(checked) << checked.error().message;
  ASSERT_EQ(embedded->rules.size(), checked->rules.size());
  for (size_t i = 0; i < checked->rules.size(); ++i) {
    EXPECT_EQ(embedded->rules[i].id, checked->rules[i].id);
    EXPECT_EQ(embedded->rules[i].regex, checked->rules[i].regex);
    EXPECT_EQ(embedded->rules[i].secret_group, checked->rules[i].secret_group)
        << checked->rules[i].id;
    EXPECT_EQ(embedded->rules[i].keywords, checked->rules[i].keywords);
  }
}

} // namespace
} // namespace lg::secrets
