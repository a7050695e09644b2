// analyze/caa: the presentation form, the issuer grammar of RFC 8659 section 4.2 (with RFC 8657
// parameters) and the relevant set judged as a CA reads it.

#include "analyze/caa.hpp"

#include <gtest/gtest.h>

namespace lg::analyze {
namespace {

TEST(CaaParse, ThePresentationFormOfTheResolvers) {
  auto r = parse_caa("0 issue \"letsencrypt.org\"");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->flags, 0u);
  EXPECT_EQ(r->tag, "issue");
  EXPECT_EQ(r->value, "letsencrypt.org");
  EXPECT_FALSE(r->critical());

  auto critical = parse_caa("128 TBS \"whatever; it is\"");
  ASSERT_TRUE(critical);
  EXPECT_TRUE(critical->critical());
  EXPECT_EQ(critical->tag, "tbs");
  EXPECT_EQ(critical->value, "whatever; it is");

  auto unquoted = parse_caa("0 iodef mailto:security@example.com");
  ASSERT_TRUE(unquoted);
  EXPECT_EQ(unquoted->value, "mailto:security@example.com");
  auto empty = parse_caa("0 issue \"\"");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->value, "");
  // A quote inside the value (raw bytes from the wire) stays part of it.
  auto inner = parse_caa("0 issue \"a\"b\"");
  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->value, "a\"b");
}

TEST(CaaParse, MalformedRecordsAreErrorsNotCrashes) {
  for (const char* text :
       {"", "issue \"x\"", "256 issue \"x\"", "1000 issue \"x\"", "0", "0 ", "0issue \"x\"",
        "0 issue \"x", "0 issue \"", "0 this-tag \"x\"", "0 abcdefghijklmnop \"x\""})
    EXPECT_FALSE(parse_caa(text)) << text;
}

TEST(CaaIssuer, DomainsParametersAndNobody) {
  auto plain = parse_caa_issuer("LetsEncrypt.org");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->domain, "letsencrypt.org");
  EXPECT_TRUE(plain->parameters.empty());

  auto params = parse_caa_issuer(
      " letsencrypt.org ; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1 ;"
      " validationmethods=dns-01 ");
  ASSERT_TRUE(params) << params.error().message;
  EXPECT_EQ(params->domain, "letsencrypt.org");
  ASSERT_EQ(params->parameters.size(), 2u);
  EXPECT_EQ(params->parameters[0].first, "accounturi");
  EXPECT_EQ(params->parameters[0].second, "https://acme-v02.api.letsencrypt.org/acme/acct/1");
  EXPECT_EQ(params->parameters[1].second, "dns-01");

  for (const char* nobody : {";", "", "  ;  "}) {
    auto n = parse_caa_issuer(nobody);
    ASSERT_TRUE(n) << nobody;
    EXPECT_EQ(n->domain, "") << nobody;
  }
}

TEST(CaaIssuer, GrammarViolationsAuthorizeNobody) {
  for (const char* bad :
       {"lets encrypt.org", "letsencrypt.org.", "-ca.example", "ca..example", "ca.example; =x",
        "ca.example; a", "ca.example; a=b c=d", "ca.example, other.example", "\"ca.example\""})
    EXPECT_FALSE(parse_caa_issuer(bad)) << bad;
  std::string many = "ca.example";
  for (int i = 0; i < 40; ++i)
    many += "; p" + std::to_string(i) + "=v";
  EXPECT_FALSE(parse_caa_issuer(many));
}

TEST(CaaJudge, IssueRestrictsAndIssuewildOverridesForWildcards) {
  auto p =
      judge_caa({"0 issue \"letsencrypt.org\"", "0 issue \"pki.goog; cansignhttpexchanges=yes\"",
                 "0 issue \"letsencrypt.org\"", "0 iodef \"mailto:sec@example.com\""});
  EXPECT_TRUE(p.restricts_issue);
  EXPECT_EQ(p.issue, (std::vector<std::string>{"letsencrypt.org", "pki.goog"}));
  EXPECT_EQ(p.issuewild, p.issue) << "without issuewild, issue governs wildcards";
  EXPECT_EQ(p.iodef, (std::vector<std::string>{"mailto:sec@example.com"}));
  EXPECT_FALSE(p.nobody_may_issue());
  EXPECT_TRUE(p.problems.empty());

  auto wild = judge_caa({"0 issue \"letsencrypt.org\"", "0 issuewild \";\""});
  EXPECT_TRUE(wild.restricts_wild);
  EXPECT_TRUE(wild.issuewild.empty());
  EXPECT_FALSE(wild.nobody_may_issue());
}

TEST(CaaJudge, NobodyUnknownCriticalAndProblems) {
  EXPECT_TRUE(judge_caa({"0 issue \";\""}).nobody_may_issue());
  // A malformed issue value authorizes nobody, and is reported.
  auto malformed = judge_caa({"0 issue \"lets encrypt\""});
  EXPECT_TRUE(malformed.nobody_may_issue());
  ASSERT_EQ(malformed.problems.size(), 1u);
  EXPECT_NE(malformed.problems[0].find("authorizes no CA"), std::string::npos);

  auto critical = judge_caa({"0 issue \"letsencrypt.org\"", "128 tbs \"unknown\""});
  EXPECT_TRUE(critical.blocks_all());
  EXPECT_EQ(critical.unknown_critical, (std::vector<std::string>{"tbs"}));
  // Unknown but not critical: ignored; known and critical: fine.
  EXPECT_FALSE(judge_caa({"0 tbs \"unknown\"", "128 issue \"ca.example\""}).blocks_all());

  auto nothing = judge_caa({"0 iodef \"mailto:sec@example.com\""});
  EXPECT_FALSE(nothing.restricts_issue) << "no issue property: any CA may issue";
  auto bad_iodef = judge_caa({"0 iodef \"sec@example.com\"", "garbage"});
  EXPECT_EQ(bad_iodef.problems.size(), 2u);
}

TEST(CaaJudge, ManyRecordsAreBounded) {
  std::vector<std::string> records(1000, "0 issue \"ca.example\"");
  auto p = judge_caa(records);
  EXPECT_EQ(p.issue.size(), 1u);
  ASSERT_FALSE(p.problems.empty());
  EXPECT_NE(p.problems.back().find("more than 256"), std::string::npos);
}

} // namespace
} // namespace lg::analyze
