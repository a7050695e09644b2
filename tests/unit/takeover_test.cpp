// analyze/takeover: the shipped rules/takeover.json loads and every entry is well formed; the
// label patterns match as documented; broken files are refused with every problem listed.

#include "analyze/takeover.hpp"

#include <gtest/gtest.h>

#include <set>

namespace lg::analyze {
namespace {

TEST(TakeoverRules, TheBuiltInFileLoadsAndEveryEntryIsComplete) {
  const auto& rules = builtin_takeover_rules();
  ASSERT_TRUE(rules) << rules.error().message;
  EXPECT_GE(rules->size(), 20u);
  std::set<std::string> names;
  for (const auto& p : *rules) {
    EXPECT_FALSE(p.provider.empty());
    EXPECT_TRUE(names.insert(p.provider).second) << "listed twice: " << p.provider;
    ASSERT_FALSE(p.patterns.empty()) << p.provider;
    for (const auto& pattern : p.patterns)
      EXPECT_EQ(takeover_pattern_problem(pattern), "") << p.provider << ": " << pattern;
    EXPECT_FALSE(p.note.empty()) << p.provider;
    for (const auto& text : p.unclaimed)
      EXPECT_FALSE(text.empty()) << p.provider;
  }
}

TEST(TakeoverRules, TheCommonHostingTargetsAreCovered) {
  const auto& rules = builtin_takeover_rules();
  ASSERT_TRUE(rules);
  for (const char* host : {"bucket.s3.amazonaws.com",
                           "bucket.s3.eu-central-1.amazonaws.com",
                           "bucket.s3-website-us-east-1.amazonaws.com",
                           "app.herokuapp.com",
                           "user.github.io",
                           "app.azurewebsites.net",
                           "d111111abcdef8.cloudfront.net",
                           "profile.trafficmanager.net",
                           "site.netlify.app",
                           "app.vercel.app",
                           "app.fly.dev",
                           "project.pages.dev",
                           "shop.myshopify.com",
                           "support.zendesk.com",
                           "blog.ghost.io",
                           "site.surge.sh",
                           "team.bitbucket.io",
                           "docs.readthedocs.io",
                           "install.wpengine.com",
                           "x.unbouncepages.com",
                           "docs.helpscoutdocs.com",
                           "status.statuspage.io",
                           "env.us-east-1.elasticbeanstalk.com",
                           "vm.westeurope.cloudapp.azure.com"})
    EXPECT_NE(match_takeover_provider(*rules, host), nullptr) << host;
  for (const char* host : {"portal.example.com", "herokuapp.com", "github.io", "amazonaws.com",
                           "elb.amazonaws.com.example.com", "evilgithub.io"})
    EXPECT_EQ(match_takeover_provider(*rules, host), nullptr) << host;
  auto* azure = match_takeover_provider(*rules, "old.azurewebsites.net");
  ASSERT_NE(azure, nullptr);
  EXPECT_TRUE(azure->nxdomain_claimable);
  auto* s3 = match_takeover_provider(*rules, "bucket.s3.amazonaws.com");
  ASSERT_NE(s3, nullptr);
  EXPECT_FALSE(s3->nxdomain_claimable);
  EXPECT_FALSE(s3->unclaimed.empty());
}

TEST(TakeoverPatterns, LeadingStarIsOneOrMoreLabelsInnerStarExactlyOne) {
  EXPECT_TRUE(takeover_pattern_matches("*.github.io", "a.github.io"));
  EXPECT_TRUE(takeover_pattern_matches("*.github.io", "a.b.github.io"));
  EXPECT_TRUE(takeover_pattern_matches("*.github.io", "A.GitHub.IO"));
  EXPECT_FALSE(takeover_pattern_matches("*.github.io", "github.io"));
  EXPECT_FALSE(takeover_pattern_matches("*.github.io", ".github.io"));
  EXPECT_FALSE(takeover_pattern_matches("*.github.io", "a..github.io"));
  EXPECT_TRUE(takeover_pattern_matches("*.s3.*.amazonaws.com", "b.s3.us-east-2.amazonaws.com"));
  EXPECT_FALSE(takeover_pattern_matches("*.s3.*.amazonaws.com", "b.s3.amazonaws.com"));
  EXPECT_FALSE(takeover_pattern_matches("github.io", "a.github.io"));
  EXPECT_FALSE(takeover_pattern_matches("*.github.io", std::string(300, 'a') + ".github.io"));
}

TEST(TakeoverPatterns, MalformedPatternsAreNamed) {
  EXPECT_EQ(takeover_pattern_problem("*.github.io"), "");
  EXPECT_EQ(takeover_pattern_problem("*.s3.*.amazonaws.com"), "");
  for (const char* bad :
       {"github.io", "*.io", "*.", "**.github.io", "*.GitHub.io", "*.git_hub.io", "*.-x.io",
        "*.a..io", "*.a.*.io", "*.*.io", "*.github.io.", "a*.github.io"})
    EXPECT_NE(takeover_pattern_problem(bad), "") << bad;
}

TEST(TakeoverRules, BrokenFilesAreRefusedWithEveryProblem) {
  EXPECT_FALSE(parse_takeover_rules("not json"));
  EXPECT_FALSE(parse_takeover_rules("{\"providers\": []}"));
  auto broken = parse_takeover_rules(R"({"providers": [
    {"provider": "", "patterns": ["*.a.example"], "unclaimed": [], "nxdomain_claimable": true,
     "takeover": "possible"},
    {"provider": "B", "patterns": ["b.example"], "unclaimed": [], "nxdomain_claimable": "yes",
     "takeover": "possible"},
    {"provider": "C", "patterns": [], "unclaimed": [1], "nxdomain_claimable": false,
     "takeover": "sometimes"},
    {"provider": "D", "patterns": ["*.a.example"], "unclaimed": [], "nxdomain_claimable": false,
     "takeover": "edge"}
  ]})");
  ASSERT_FALSE(broken);
  const auto& m = broken.error().message;
  for (const char* expected :
       {"providers[0]: 'provider' must be a non-empty string", "pattern 'b.example' must start",
        "'nxdomain_claimable' must be true or false", "providers[2] (C): needs at least one",
        "'unclaimed' holds an empty string or a non-string", "'takeover' must be possible",
        "pattern '*.a.example' is listed twice"})
    EXPECT_NE(m.find(expected), std::string::npos) << expected << "\n" << m;
  auto good = parse_takeover_rules(R"({"providers": [{"provider": "A", "patterns":
    ["*.a.example"], "unclaimed": ["gone"], "nxdomain_claimable": true, "takeover": "possible",
    "note": "n"}]})");
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->at(0).unclaimed, std::vector<std::string>{"gone"});
}

} // namespace
} // namespace lg::analyze
