// email.mx over a zone file: MX records present and pointing at hosts with public addresses;
// a missing MX, a null MX, aliases, IP literals and dangling exchanges judged.

#include "analyze/zonefile.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "net/impl/zone_resolver.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

namespace lg::checks {
namespace {

const std::string k_soa = "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n";

CheckResult mx_over(const std::string& zone_text, const std::string& domain = "example.com") {
  auto config = parse_config(
      "target:\n  base_url: http://portal.test\nemail: {domain: " + domain + "}\n", "t", "");
  EXPECT_TRUE(config) << config.error().message;
  auto zone = analyze::parse_zone(k_soa + zone_text, "example.com");
  EXPECT_TRUE(zone) << zone.error().message;
  net::ZoneResolver dns(std::move(*zone));
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock, nullptr, &dns}, {});
  auto result = run_email_mx(context, *find_check("email.mx"));
  EXPECT_TRUE(http.seen.empty()) << "DNS only";
  return result;
}

std::string messages(const CheckResult& r) {
  std::string out;
  for (const auto& f : r.findings)
    out += f.message + "\n";
  return out;
}

TEST(EmailMx, ExchangesWithPublicAddressesPass) {
  auto r = mx_over("@ IN MX 10 mx1\n@ IN MX 10 mx2\n@ IN MX 20 backup.example.com.\n"
                   "mx1 IN A 192.0.2.10\nmx2 IN AAAA 2001:db8::25\nbackup IN A 198.51.100.7\n");
  EXPECT_EQ(r.status, Status::pass) << r.reason << messages(r);
  EXPECT_NE(r.reason.find("3 MX (10 mx1.example.com, 10 mx2.example.com, 20 backup.example.com)"),
            std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("3 address(es)"), std::string::npos) << r.reason;
}

TEST(EmailMx, ExchangesOutsideTheZoneAreNotVerifiedButPass) {
  auto r = mx_over("@ IN MX 1 aspmx.l.google.com.\n");
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("not verified"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("aspmx.l.google.com (SERVFAIL)"), std::string::npos) << r.reason;
}

TEST(EmailMx, NoMxFailsAndSaysWhereMailGoes) {
  auto web = mx_over("@ IN A 192.0.2.1\n");
  EXPECT_EQ(web.status, Status::fail);
  ASSERT_EQ(web.findings.size(), 1u);
  EXPECT_NE(web.findings[0].message.find("fall back to its A record (192.0.2.1)"),
            std::string::npos)
      << web.findings[0].message;
  EXPECT_EQ(web.findings[0].evidence["type"], "MX");
  EXPECT_EQ(web.findings[0].evidence["name"], "example.com");
  EXPECT_FALSE(web.findings[0].fingerprint.empty());

  auto nothing = mx_over("www IN A 192.0.2.1\n");
  EXPECT_EQ(nothing.status, Status::fail);
  EXPECT_NE(messages(nothing).find("no address either"), std::string::npos) << messages(nothing);

  auto missing_domain = mx_over("www IN A 192.0.2.1\n", "mail.example.com");
  EXPECT_EQ(missing_domain.status, Status::fail);
  EXPECT_NE(messages(missing_domain).find("NXDOMAIN"), std::string::npos);
}

TEST(EmailMx, ANullMxWarnsAloneAndFailsBesideOthers) {
  auto alone = mx_over("@ IN MX 0 .\n");
  EXPECT_EQ(alone.status, Status::warn) << messages(alone);
  EXPECT_NE(messages(alone).find("accepts no mail"), std::string::npos) << messages(alone);

  auto mixed = mx_over("@ IN MX 0 .\n@ IN MX 10 mx1\nmx1 IN A 192.0.2.10\n");
  EXPECT_EQ(mixed.status, Status::fail) << messages(mixed);
  EXPECT_NE(messages(mixed).find("RFC 7505 forbids"), std::string::npos);
}

TEST(EmailMx, DanglingExchangesAndIpLiteralsFail) {
  auto dangling = mx_over("@ IN MX 10 gone\n");
  EXPECT_EQ(dangling.status, Status::fail);
  EXPECT_NE(messages(dangling).find("gone.example.com, which does not exist"), std::string::npos)
      << messages(dangling);

  auto bare = mx_over("@ IN MX 10 mx1\nmx1 IN TXT \"no address\"\n");
  EXPECT_EQ(bare.status, Status::fail);
  EXPECT_NE(messages(bare).find("no A or AAAA record"), std::string::npos) << messages(bare);

  auto literal = mx_over("@ IN MX 10 192.0.2.25.\n");
  EXPECT_EQ(literal.status, Status::fail);
  EXPECT_NE(messages(literal).find("names an IP address (192.0.2.25)"), std::string::npos)
      << messages(literal);
}

TEST(EmailMx, AliasesAndPrivateAddressesWarn) {
  auto alias = mx_over("@ IN MX 10 mail\nmail IN CNAME mx1\nmx1 IN A 192.0.2.10\n");
  EXPECT_EQ(alias.status, Status::warn) << messages(alias);
  EXPECT_NE(messages(alias).find("an alias (CNAME to mx1.example.com)"), std::string::npos)
      << messages(alias);

  auto internal = mx_over("@ IN MX 10 mx1\nmx1 IN A 10.1.2.3\nmx1 IN AAAA fd00::25\n");
  EXPECT_EQ(internal.status, Status::warn) << messages(internal);
  ASSERT_EQ(internal.findings.size(), 2u) << messages(internal);
  EXPECT_NE(messages(internal).find("10.1.2.3, a private address"), std::string::npos);
  EXPECT_NE(messages(internal).find("not reachable from the internet"), std::string::npos);
  EXPECT_NE(internal.findings[0].fingerprint, internal.findings[1].fingerprint);
}

TEST(EmailMx, ADomainOutsideTheZoneIsAnErrorAndNoDomainSkips) {
  auto outside = mx_over("@ IN MX 10 mx1\n", "other.test");
  EXPECT_EQ(outside.status, Status::error);
  EXPECT_NE(outside.reason.find("SERVFAIL"), std::string::npos) << outside.reason;

  auto config = parse_config("target:\n  base_url: http://portal.test\n", "t", "");
  ASSERT_TRUE(config);
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock}, {});
  auto r = run_email_mx(context, *find_check("email.mx"));
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
}

} // namespace
} // namespace lg::checks
