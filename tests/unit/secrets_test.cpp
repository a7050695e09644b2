// Secret rules and the two-stage matcher: loading gitleaks-format TOML with errors at file:line,
// entropy, placeholders, keywords, paths, allowlists, inline allow, and Hyperscan agreeing with the
// RE2 reference.

#include "secrets/matcher.hpp"
#include "secrets/rules.hpp"
#include "unit/secrets_fixtures.hpp"

#include <gtest/gtest.h>

namespace lg::secrets {
namespace {

const std::string k_rules = R"toml(
[allowlist]
stopwords = ["notasecret"]
)toml" + test::k_demo_rule + R"toml(
[[rules]]
id = "generic-password"
regex = '''(?i)password\s*[:=]\s*["']([^"'\s]{8,64})["']'''
secretGroup = 1
keywords = ["password"]
entropy = 3.0
path = '''\.(env|ya?ml|py)$'''
[rules.allowlist]
regexes = ['''^test-''']
)toml";

RuleSet rules() {
  auto r = parse_rules(k_rules, "t.toml");
  EXPECT_TRUE(r) << r.error().message;
  return *r;
}

TEST(SecretRules, LoadsTheGitleaksFormat) {
  auto set = rules();
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_EQ(set.rules[0].id, "demo-token");
  EXPECT_EQ(set.rules[0].secret_group, 1);
  EXPECT_EQ(set.rules[0].keywords, std::vector<std::string>{"dmo_"});
  EXPECT_EQ(set.rules[0].entropy, 3.0);
  EXPECT_EQ(set.rules[0].line, 5); // the [[rules]] header, after the allowlist
  EXPECT_EQ(set.rules[1].allowlist.regexes.size(), 1u);
  EXPECT_EQ(set.allowlist.stopwords, std::vector<std::string>{"notasecret"});
}

TEST(SecretRules, EveryProblemHasItsLine) {
  auto r = parse_rules("[[rules]]\nid = \"a\"\nregex = '''(unclosed'''\n\n[[rules]]\nid = \"a\"\n"
                       "regex = 'x'\nsecretGroup = 3\nflavour = 1\n",
                       "r.toml");
  ASSERT_FALSE(r);
  const auto& m = r.error().message;
  EXPECT_NE(m.find("r.toml:3: rule 'a': the regex is not valid RE2"), std::string::npos) << m;
  EXPECT_NE(m.find("r.toml:8: rule 'a': secretGroup must be 0..0"), std::string::npos) << m;
  EXPECT_NE(m.find("r.toml:9: unknown key 'flavour'"), std::string::npos) << m;
  EXPECT_NE(m.find("rule id 'a' is used twice"), std::string::npos) << m;
  auto syntax = parse_rules("[[rules]\n", "s.toml");
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().message.find("s.toml:1:"), std::string::npos);
  EXPECT_FALSE(parse_rules("title = 'no rules'\n", "e.toml"));
}

TEST(SecretRules, Entropy) {
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abcd"), 2);
  EXPECT_NEAR(shannon_entropy("dmo_Xq3vL9pR2sT7wY4zK8mN"), 4.4, 0.2);
}

class MatcherTest : public ::testing::TestWithParam<Engine> {};

TEST_P(MatcherTest, FindsTheSecretWithItsLine) {
  auto m = Matcher::compile(rules(), GetParam());
  ASSERT_TRUE(m);
  auto found = m->scan("a\nb\nkey = dmo_Xq3vL9pR2sT7wY4zK8mN\n", "src/app.js");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, 0u);
  EXPECT_EQ(found[0].line, 3u);
  EXPECT_EQ(found[0].offset, 10u);
  EXPECT_EQ(found[0].secret, "dmo_Xq3vL9pR2sT7wY4zK8mN");
}

TEST_P(MatcherTest, LowEntropyPlaceholdersAndInlineAllowAreNotLeaks) {
  auto m = Matcher::compile(rules(), GetParam());
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->scan("dmo_aaaaaaaaaaaaaaaaaaaa").empty());
  EXPECT_TRUE(m->scan("dmo_EXAMPLEa1b2c3d4e5f6g7").empty());
  EXPECT_TRUE(m->scan("x = dmo_Xq3vL9pR2sT7wY4zK8mN // launchgate:allow\n").empty());
  EXPECT_EQ(m->scan("x = dmo_Xq3vL9pR2sT7wY4zK8mN\ny // launchgate:allow\n").size(), 1u);
}

TEST_P(MatcherTest, PathsAllowlistsAndStopwords) {
  auto m = Matcher::compile(rules(), GetParam());
  ASSERT_TRUE(m);
  std::string text = "PASSWORD = 'Zx9!kLm2Qp7#'\n";
  EXPECT_EQ(m->scan(text, "config/.env").size(), 1u);
  EXPECT_TRUE(m->scan(text, "docs/readme.md").empty()); // the rule's path does not match
  auto unknown = m->scan(text, ""); // a blob whose path is not known yet: the rule runs …
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_TRUE(m->path_allows(unknown[0].rule, "config/.env")); // … and the path decides later
  EXPECT_FALSE(m->path_allows(unknown[0].rule, "docs/readme.md"));
  EXPECT_TRUE(m->scan("password: 'test-Zx9kLm2Qp7'\n", "a.yaml").empty()); // rule allowlist
  EXPECT_TRUE(m->scan("password: 'notasecret99'\n", "a.yaml").empty());    // global stopword
}

TEST_P(MatcherTest, EverySecretOfABigTextIsFoundInOrder) {
  auto m = Matcher::compile(rules(), GetParam());
  ASSERT_TRUE(m);
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "int filler_" + std::to_string(i) + " = compute(" + std::to_string(i) + ");\n";
  text += "tok = dmo_Xq3vL9pR2sT7wY4zK8mN\n";
  text += std::string(100000, 'z') + "\n";
  text += "tok2 = dmo_Bq3vL9pR2sT7wY4zK8mQ\n";
  auto found = m->scan(text);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].line, 2001u);
  EXPECT_EQ(found[1].line, 2003u);
}

INSTANTIATE_TEST_SUITE_P(Engines, MatcherTest,
                         ::testing::Values(Engine::hyperscan, Engine::re2_only));

TEST(Matcher, RulesHyperscanCannotCompileFallBackToRe2) {
  auto set = parse_rules("[[rules]]\nid = 'lazy'\nregex = '''(?U)sk_(x+)'''\nkeywords = ['sk_']\n"
                         "[[rules]]\nid = 'plain'\nregex = '''pk_[0-9]{8}'''\n",
                         "f.toml");
  ASSERT_TRUE(set) << set.error().message;
  auto m = Matcher::compile(*set);
  ASSERT_TRUE(m) << m.error().message;
  auto found = m->scan("a = pk_12345678 b = sk_xk");
  EXPECT_EQ(m->fallbacks().size(), 1u);
  ASSERT_EQ(found.size(), 2u) << (m->fallbacks().empty() ? "" : m->fallbacks()[0]);
}

TEST(Placeholders, CommonShapes) {
  for (const char* p : {"AKIAIOSFODNN7EXAMPLE", "xxxxxxxxxxxx", "<your-api-key>", "${API_KEY}",
                        "changeme123", "{{ secret }}", "REPLACE_ME_PLEASE"})
    EXPECT_TRUE(looks_like_placeholder(p)) << p;
  EXPECT_FALSE(looks_like_placeholder("dmo_Xq3vL9pR2sT7wY4zK8mN"));
}

} // namespace
} // namespace lg::secrets
