// email.spf over a zone file: one valid record within the limits passes; no record, several,
// +all, more than 10 lookups through includes and broken includes fail; ?all and a record
// without -all/~all warn.

#include "analyze/zonefile.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "net/impl/zone_resolver.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

namespace lg::checks {
namespace {

CheckResult spf_over(const std::string& zone_text, const std::string& domain = "example.com") {
  auto config = parse_config(
      "target:\n  base_url: http://portal.test\nemail: {domain: " + domain + "}\n", "t", "");
  EXPECT_TRUE(config) << config.error().message;
  auto zone = analyze::parse_zone(zone_text, "example.com");
  EXPECT_TRUE(zone) << zone.error().message;
  net::ZoneResolver dns(std::move(*zone));
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock, nullptr, &dns}, {});
  auto result = run_email_spf(context, *find_check("email.spf"));
  EXPECT_TRUE(http.seen.empty()) << "DNS only";
  return result;
}

bool mentions(const CheckResult& r, const std::string& text) {
  for (const auto& f : r.findings)
    if (f.message.find(text) != std::string::npos)
      return true;
  return false;
}

TEST(EmailSpf, OneRecordWithinTheLimitsEndingInDashAllPasses) {
  auto r = spf_over("@ IN TXT \"v=spf1 mx include:_spf.example.com -all\"\n"
                    "@ IN MX 10 mail\n"
                    "mail IN A 192.0.2.1\n"
                    "_spf IN TXT \"v=spf1 ip4:198.51.100.0/24 ~all\"\n");
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("\"v=spf1 mx include:_spf.example.com -all\""), std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("2 DNS lookup(s) of 10, ends in -all"), std::string::npos) << r.reason;
}

TEST(EmailSpf, NoRecordAndSeveralRecordsFail) {
  auto none = spf_over("@ IN TXT \"google-site-verification=abc\"\n");
  EXPECT_EQ(none.status, Status::fail);
  ASSERT_EQ(none.findings.size(), 1u);
  EXPECT_TRUE(mentions(none, "no SPF record at example.com"));
  EXPECT_EQ(none.findings[0].evidence["name"], "example.com");
  EXPECT_EQ(none.findings[0].evidence["type"], "TXT");
  EXPECT_FALSE(none.findings[0].fingerprint.empty());

  auto two = spf_over("@ IN TXT \"v=spf1 -all\"\n@ IN TXT \"v=spf1 mx -all\"\n");
  EXPECT_EQ(two.status, Status::fail);
  EXPECT_TRUE(mentions(two, "2 SPF records at example.com"));
  EXPECT_EQ(two.findings[0].evidence["record"], "v=spf1 -all | v=spf1 mx -all");
}

TEST(EmailSpf, PlusAllSyntaxErrorsAndBrokenIncludesFail) {
  auto plus = spf_over("@ IN TXT \"v=spf1 +all\"\n");
  EXPECT_EQ(plus.status, Status::fail);
  EXPECT_TRUE(mentions(plus, "+all"));
  EXPECT_EQ(plus.findings[0].evidence["record"], "v=spf1 +all");

  auto broken = spf_over("@ IN TXT \"v=spf1 ip4:192.0.2.0/33 -all\"\n");
  EXPECT_EQ(broken.status, Status::fail);
  EXPECT_TRUE(mentions(broken, "not an IPv4 CIDR length"));

  auto dangling = spf_over("@ IN TXT \"v=spf1 include:old.example.com -all\"\n");
  EXPECT_EQ(dangling.status, Status::fail);
  EXPECT_TRUE(mentions(dangling, "old.example.com, which has no SPF record"));
}

TEST(EmailSpf, MoreThanTenLookupsThroughIncludesFail) {
  std::string zone = "@ IN TXT \"v=spf1 include:a.example.com include:b.example.com -all\"\n";
  for (const char* name : {"a", "b"}) {
    zone += std::string(name) + " IN TXT \"v=spf1 mx mx mx mx mx ~all\"\n";
    zone += std::string(name) + " IN MX 10 mail.example.com.\n";
  }
  zone += "mail IN A 192.0.2.1\n";
  auto r = spf_over(zone);
  EXPECT_EQ(r.status, Status::fail);
  EXPECT_TRUE(mentions(r, "12 DNS-querying terms"));
  EXPECT_NE(r.reason.find("12 DNS lookup(s) of 10"), std::string::npos) << r.reason;
}

TEST(EmailSpf, QuestionAllAndAMissingAllWarn) {
  auto question = spf_over("@ IN TXT \"v=spf1 ip4:192.0.2.1 ?all\"\n");
  EXPECT_EQ(question.status, Status::warn);
  EXPECT_TRUE(mentions(question, "?all"));
  auto open = spf_over("@ IN TXT \"v=spf1 ip4:192.0.2.1 ptr\"\n");
  EXPECT_EQ(open.status, Status::warn);
  EXPECT_TRUE(mentions(open, "no -all or ~all"));
  EXPECT_TRUE(mentions(open, "ptr"));
  EXPECT_NE(open.reason.find("ends in no all"), std::string::npos) << open.reason;
}

TEST(EmailSpf, WithoutDomainOrDnsItSkips) {
  auto config = parse_config("target:\n  base_url: http://portal.test\n", "t", "");
  ASSERT_TRUE(config);
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock}, {});
  auto r = run_email_spf(context, *find_check("email.spf"));
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);

  auto with_domain = parse_config(
      "target:\n  base_url: http://portal.test\nemail: {domain: example.com}\n", "t", "");
  ASSERT_TRUE(with_domain);
  engine::Context no_dns(*with_domain, {http, clock}, {});
  auto r2 = run_email_spf(no_dns, *find_check("email.spf"));
  EXPECT_EQ(r2.status, Status::skip);
  EXPECT_NE(r2.reason.find("no DNS source"), std::string::npos);
}

} // namespace
} // namespace lg::checks
