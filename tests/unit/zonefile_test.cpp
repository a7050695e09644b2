// Zone files (RFC 1035 section 5) and the offline resolver over them.

#include "analyze/zonefile.hpp"
#include "app/commands.hpp"
#include "net/impl/zone_resolver.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace lg {
namespace {

// A zone as Cloudflare exports it, with the BIND forms around it.
constexpr const char* k_zone = R"(;; Domain:     example.com.
$ORIGIN example.com.
$TTL 1h
@	3600	IN	SOA	ns1.example.net. hostmaster.example.com. (
		2024010101 ; serial
		7200 3600 1209600 300 )
@	IN	NS	ns1.example.net.
	IN	NS	ns2.example.net.
@	300	IN	A	203.0.113.10
app	1	IN	CNAME	example.com.
portal.example.com.	IN	AAAA	2001:DB8:0:0::1
@	IN	MX	10 mx1
@	IN	MX	20 mx2.example.net.
@	IN	TXT	"v=spf1 include:_spf.example.net " "-all"
s1._domainkey	IN	TXT	( "v=DKIM1; k=rsa; "
		"p=MIIBIjAN" )
_dmarc	IN	TXT	"v=DMARC1\; p=reject; rua=mailto:d@example.com"
*.wild	IN	A	192.0.2.7
a.b.c	IN	A	192.0.2.8
@	IN	CAA	0 issue "letsencrypt.org"
esc	IN	TXT	"say \"hi\" \065"
)";

analyze::Zone parsed() {
  auto zone = analyze::parse_zone(k_zone);
  EXPECT_TRUE(zone) << zone.error().message;
  return zone ? *zone : analyze::Zone{};
}

TEST(ZoneFile, ParsesACloudflareStyleExport) {
  auto zone = parsed();
  EXPECT_EQ(zone.origin, "example.com");
  ASSERT_EQ(zone.records.size(), 15u);
  const auto& soa = zone.records[0];
  EXPECT_EQ(soa.type, net::RrType::soa);
  EXPECT_EQ(soa.name, "example.com");
  EXPECT_EQ(soa.data, "ns1.example.net hostmaster.example.com 2024010101 7200 3600 1209600 300");
  EXPECT_EQ(zone.records[1].ttl, 3600u);          // $TTL 1h
  EXPECT_EQ(zone.records[2].name, "example.com"); // blank owner: the previous one
  EXPECT_EQ(zone.records[3].ttl, 300u);
  EXPECT_EQ(zone.records[4].data, "example.com");
  EXPECT_EQ(zone.records[5].data, "2001:db8::1");
  EXPECT_EQ(zone.records[6].data, "10 mx1.example.com");
  EXPECT_EQ(zone.records[7].data, "20 mx2.example.net");
  const auto& spf = zone.records[8];
  EXPECT_EQ(spf.data, "v=spf1 include:_spf.example.net -all");
  ASSERT_EQ(spf.strings.size(), 2u);
  EXPECT_EQ(zone.records[9].name, "s1._domainkey.example.com");
  EXPECT_EQ(zone.records[9].data, "v=DKIM1; k=rsa; p=MIIBIjAN");
  EXPECT_EQ(zone.records[10].data, "v=DMARC1; p=reject; rua=mailto:d@example.com");
  EXPECT_EQ(zone.records[13].data, "0 issue \"letsencrypt.org\"");
  EXPECT_EQ(zone.records[14].data, "say \"hi\" A");
}

TEST(ZoneFile, ProblemsNameTheirLines) {
  auto bad = analyze::parse_zone("$ORIGIN example.com.\nwww IN A 300.1.1.1\nx IN BOGUS 1\n"
                                 "$INCLUDE other.zone\ny IN TXT \"open\n");
  ASSERT_FALSE(bad);
  const auto& m = bad.error().message;
  EXPECT_NE(m.find("line 2: malformed A data '300.1.1.1'"), std::string::npos) << m;
  EXPECT_NE(m.find("line 3: unknown record type 'BOGUS'"), std::string::npos) << m;
  EXPECT_NE(m.find("line 4: $INCLUDE is not followed"), std::string::npos) << m;
  EXPECT_NE(m.find("line 5: a quoted string is not closed"), std::string::npos) << m;
  auto relative = analyze::parse_zone("www IN A 192.0.2.1\n");
  ASSERT_FALSE(relative);
  EXPECT_NE(relative.error().message.find("no $ORIGIN"), std::string::npos);
  EXPECT_TRUE(analyze::parse_zone("www IN A 192.0.2.1\n", "example.org."));
  EXPECT_FALSE(analyze::parse_zone("a IN A 192.0.2.1\n", "x", 0));
}

TEST(ZoneFile, TtlUnitsAndGenericTypes) {
  std::uint32_t ttl = 0;
  EXPECT_TRUE(analyze::parse_ttl("1h30m", ttl));
  EXPECT_EQ(ttl, 5400u);
  EXPECT_TRUE(analyze::parse_ttl("2w", ttl));
  EXPECT_EQ(ttl, 1209600u);
  EXPECT_FALSE(analyze::parse_ttl("h", ttl));
  EXPECT_FALSE(analyze::parse_ttl("99999999999", ttl));
  auto zone = analyze::parse_zone("x 60 IN TYPE65 \\# 0\n", "example.com");
  ASSERT_TRUE(zone) << zone.error().message;
  EXPECT_EQ(zone->records[0].type, static_cast<net::RrType>(65));
  EXPECT_EQ(net::rr_type_name(zone->records[0].type), "TYPE65");
}

TEST(ZoneResolver, AnswersLikeAnAuthoritativeServer) {
  net::ZoneResolver dns(parsed());
  auto mx = dns.query("EXAMPLE.com.", net::RrType::mx);
  ASSERT_TRUE(mx);
  EXPECT_EQ(mx->status, net::DnsStatus::ok);
  EXPECT_EQ(mx->records.size(), 2u);
  // A CNAME is followed and comes first.
  auto app = dns.query("app.example.com", net::RrType::a);
  ASSERT_TRUE(app);
  ASSERT_EQ(app->records.size(), 2u);
  EXPECT_EQ(app->records[0].type, net::RrType::cname);
  EXPECT_EQ(app->records[1].data, "203.0.113.10");
  // No data, an empty non-terminal, a missing name, a wildcard, another domain.
  EXPECT_EQ(dns.query("portal.example.com", net::RrType::a)->status, net::DnsStatus::ok);
  EXPECT_TRUE(dns.query("portal.example.com", net::RrType::a)->records.empty());
  EXPECT_EQ(dns.query("b.c.example.com", net::RrType::a)->status, net::DnsStatus::ok);
  EXPECT_EQ(dns.query("nope.example.com", net::RrType::a)->status, net::DnsStatus::nxdomain);
  auto wild = dns.query("x.y.wild.example.com", net::RrType::a);
  ASSERT_EQ(wild->records.size(), 1u);
  EXPECT_EQ(wild->records[0].name, "x.y.wild.example.com");
  EXPECT_EQ(dns.query("example.net", net::RrType::a)->status, net::DnsStatus::servfail);
}

TEST(ZoneResolver, AnExportWithoutOriginIsTheZoneOfItsSoa) {
  auto zone =
      analyze::parse_zone("example.org. 3600 IN SOA ns.example.org. h.example.org. 1 2 3 4 5\n"
                          "www.example.org. 300 IN A 192.0.2.9\n");
  ASSERT_TRUE(zone) << zone.error().message;
  net::ZoneResolver dns(std::move(*zone));
  EXPECT_EQ(dns.query("_dmarc.example.org", net::RrType::txt)->status, net::DnsStatus::nxdomain);
  EXPECT_EQ(dns.query("example.net", net::RrType::a)->status, net::DnsStatus::servfail);
}

TEST(ZoneResolver, CnameLoopsEndInServfail) {
  auto zone = analyze::parse_zone("a IN CNAME b\nb IN CNAME a\n", "example.com");
  ASSERT_TRUE(zone);
  net::ZoneResolver dns(std::move(*zone));
  auto r = dns.query("a.example.com", net::RrType::a);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, net::DnsStatus::servfail);
}

TEST(ZoneResolver, LoadNamesTheFile) {
  test::TempDir dir;
  auto path = (dir.path() / "bad.zone").string();
  std::ofstream(path) << "$ORIGIN example.com.\nwww IN A nope\n";
  auto r = net::ZoneResolver::load(path, "");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("bad.zone:\nline 2:"), std::string::npos) << r.error().message;
  EXPECT_FALSE(net::ZoneResolver::load((dir.path() / "missing.zone").string(), ""));
}

TEST(DemoZone, BothVersionsParseAndDifferWhereTheFlawsArePlanted) {
  for (bool hardened : {false, true}) {
    auto zone = analyze::parse_zone(app::demo_zone(hardened), "");
    ASSERT_TRUE(zone) << zone.error().message;
    net::ZoneResolver dns(std::move(*zone));
    auto spf = dns.query("portal.test", net::RrType::txt);
    ASSERT_TRUE(spf);
    ASSERT_EQ(spf->records.size(), 1u);
    EXPECT_EQ(spf->records[0].data.find("include:") != std::string::npos, !hardened);
    auto dkim = dns.query("s1._domainkey.portal.test", net::RrType::txt);
    ASSERT_TRUE(dkim);
    ASSERT_EQ(dkim->records.size(), 1u);
    // 1024-bit keys are 216 base64 characters of SubjectPublicKeyInfo, 2048-bit ones 392.
    EXPECT_EQ(dkim->records[0].data.size(),
              std::string("v=DKIM1; k=rsa; p=").size() + (hardened ? 392u : 216u));
    auto dmarc = dns.query("_dmarc.portal.test", net::RrType::txt);
    ASSERT_TRUE(dmarc);
    ASSERT_EQ(dmarc->records.size(), 1u);
    EXPECT_EQ(dmarc->records[0].data.find("p=none") != std::string::npos, !hardened);
  }
}

} // namespace
} // namespace lg
