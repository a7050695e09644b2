// DMARC records (RFC 7489 section 6.3): parsing, errors receivers act on, and weak policies.

#include "analyze/dmarc.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace lg {
namespace {

using analyze::parse_dmarc;

bool has(const std::vector<std::string>& list, const std::string& part) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

TEST(Dmarc, AStrictRecordParsesWithoutComplaint) {
  auto r = parse_dmarc("v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; pct=100; "
                       "rua=mailto:dmarc@example.com,mailto:ext@reports.example.net!10m; "
                       "ruf=mailto:f@example.com; fo=1:d; ri=3600");
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
  EXPECT_EQ(r.policy, "reject");
  EXPECT_EQ(r.subdomain_policy, "quarantine");
  EXPECT_EQ(r.adkim, 's');
  ASSERT_EQ(r.rua.size(), 2u);
  EXPECT_EQ(r.rua[1].mailbox(), "ext@reports.example.net");
  EXPECT_EQ(r.rua[1].limit, "10m");
  EXPECT_EQ(r.ri, 3600);
}

TEST(Dmarc, WeakPoliciesAreWarnings) {
  auto r = parse_dmarc("v=DMARC1;p=none");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(has(r.warnings, "monitoring only"));
  EXPECT_TRUE(has(r.warnings, "no rua"));
  auto partial = parse_dmarc("v = DMARC1 ; p=quarantine; pct=20; sp=none; t=y; rua=mailto:a@b.c");
  EXPECT_TRUE(partial.errors.empty()) << partial.errors.front();
  EXPECT_TRUE(has(partial.warnings, "pct=20"));
  EXPECT_TRUE(has(partial.warnings, "sp=none"));
  EXPECT_TRUE(has(partial.warnings, "testing mode"));
}

TEST(Dmarc, ErrorsSayWhatReceiversDo) {
  EXPECT_FALSE(analyze::is_dmarc_record("v=spf1 -all"));
  EXPECT_FALSE(analyze::is_dmarc_record("v=DMARC10; p=none"));
  EXPECT_TRUE(has(parse_dmarc("p=reject; v=DMARC1").errors, "does not start"));
  EXPECT_TRUE(has(parse_dmarc("v=DMARC1; rua=mailto:a@b.c").errors, "treat the record as p=none"));
  EXPECT_TRUE(has(parse_dmarc("v=DMARC1").errors, "receivers ignore the record"));
  auto bad = parse_dmarc("v=DMARC1; p=block; pct=120; adkim=x; rua=https://x.example/r; "
                         "fo=2; p=none; zz=1; rua=mailto:a@b.c!lots");
  EXPECT_TRUE(has(bad.errors, "p=block is not none"));
  EXPECT_TRUE(has(bad.errors, "pct=120"));
  EXPECT_TRUE(has(bad.errors, "adkim=x"));
  EXPECT_TRUE(has(bad.errors, "not a mailto: URI"));
  EXPECT_TRUE(has(bad.errors, "fo option '2'"));
  EXPECT_TRUE(has(bad.errors, "tag p appears twice"));
  EXPECT_TRUE(has(bad.errors, "tag rua appears twice"));
  EXPECT_EQ(bad.unknown_tags, std::vector<std::string>{"zz"});
}

} // namespace
} // namespace lg
