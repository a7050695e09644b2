// email.dmarc over a zone file: found at the domain or its organizational domain, judged, and
// external report destinations checked for their authorization record.

#include "analyze/zonefile.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "net/impl/zone_resolver.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

namespace lg::checks {
namespace {

CheckResult dmarc_over(const std::string& zone_text, const std::string& domain = "example.com") {
  auto config = parse_config(
      "target:\n  base_url: http://portal.test\nemail: {domain: " + domain + "}\n", "t", "");
  EXPECT_TRUE(config) << config.error().message;
  auto zone = analyze::parse_zone(zone_text, "example.com");
  EXPECT_TRUE(zone) << zone.error().message;
  net::ZoneResolver dns(std::move(*zone));
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock, nullptr, &dns}, {});
  auto result = run_email_dmarc(context, *find_check("email.dmarc"));
  EXPECT_TRUE(http.seen.empty()) << "DNS only";
  return result;
}

TEST(EmailDmarc, ARejectPolicyWithOwnReportsPasses) {
  auto r = dmarc_over("@ IN A 192.0.2.1\n"
                      "_dmarc IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.com\"\n");
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("_dmarc.example.com: p=reject"), std::string::npos) << r.reason;
}

TEST(EmailDmarc, MonitoringOnlyIsAWarningAndMissingIsAFailure) {
  auto none = dmarc_over("_dmarc IN TXT \"v=DMARC1; p=none; rua=mailto:d@example.com\"\n");
  EXPECT_EQ(none.status, Status::warn);
  ASSERT_EQ(none.findings.size(), 1u);
  EXPECT_NE(none.findings[0].message.find("monitoring only"), std::string::npos);
  EXPECT_EQ(none.findings[0].evidence["record"], "v=DMARC1; p=none; rua=mailto:d@example.com");

  auto missing = dmarc_over("@ IN TXT \"v=spf1 -all\"\n");
  EXPECT_EQ(missing.status, Status::fail);
  EXPECT_NE(missing.findings[0].message.find("no DMARC record at _dmarc.example.com"),
            std::string::npos)
      << missing.findings[0].message;
}

TEST(EmailDmarc, ASubdomainFallsBackToTheOrganizationalDomain) {
  auto r = dmarc_over("_dmarc IN TXT \"v=DMARC1; p=quarantine; rua=mailto:d@example.com\"\n"
                      "mail IN A 192.0.2.2\n",
                      "mail.example.com");
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("_dmarc.example.com: p=quarantine"), std::string::npos) << r.reason;
}

TEST(EmailDmarc, WhereTheTreeWalkFindsAnotherRecordItIsAWarning) {
  auto r = dmarc_over("_dmarc IN TXT \"v=DMARC1; p=reject; rua=mailto:d@example.com\"\n"
                      "_dmarc.mail IN TXT \"v=DMARC1; p=reject; rua=mailto:d@example.com\"\n"
                      "eu.mail IN A 192.0.2.3\n",
                      "eu.mail.example.com");
  EXPECT_EQ(r.status, Status::warn) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("tree walk finds _dmarc.mail.example.com while RFC 7489 "
                                       "receivers use _dmarc.example.com"),
            std::string::npos)
      << r.findings[0].message;
}

TEST(EmailDmarc, SeveralRecordsAndBrokenOnesFail) {
  auto two =
      dmarc_over("_dmarc IN TXT \"v=DMARC1; p=reject\"\n_dmarc IN TXT \"v=DMARC1; p=none\"\n");
  EXPECT_EQ(two.status, Status::fail);
  EXPECT_NE(two.findings[0].message.find("receivers ignore them all"), std::string::npos);
  auto broken = dmarc_over("_dmarc IN TXT \"v=DMARC1; p=rejekt; rua=mailto:d@example.com\"\n");
  EXPECT_EQ(broken.status, Status::fail);
}

TEST(EmailDmarc, ExternalReportDestinationsNeedTheirAuthorization) {
  // reports.example.com is the same organization; agency.example is another one, and within the
  // zone only when the zone is theirs: here it is outside, so it is reported as not verified.
  auto outside = dmarc_over("_dmarc IN TXT \"v=DMARC1; p=reject; "
                            "rua=mailto:d@reports.example.com,mailto:x@agency.example\"\n");
  EXPECT_EQ(outside.status, Status::pass) << outside.reason;
  EXPECT_NE(outside.reason.find("not verified"), std::string::npos) << outside.reason;
  EXPECT_NE(outside.reason.find("example.com._report._dmarc.agency.example"), std::string::npos);
}

TEST(EmailDmarc, WithoutDomainOrDnsItSkips) {
  auto config = parse_config("target:\n  base_url: http://portal.test\n", "t", "");
  ASSERT_TRUE(config);
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock}, {});
  auto r = run_email_dmarc(context, *find_check("email.dmarc"));
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
}

} // namespace
} // namespace lg::checks
