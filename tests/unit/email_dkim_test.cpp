// email.dkim over a zone file: strong keys pass, revoked and missing keys fail, 1024-bit RSA and
// testing mode warn, and without selectors the common ones are tried.

#include "analyze/zonefile.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "net/impl/zone_resolver.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

namespace lg::checks {
namespace {

// Public keys generated for these tests (openssl genpkey), base64 of their DER or raw bytes.
const std::string k_rsa2048_a =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyXIinqqmmC9e8cAWDmXvLmvOy9NC36lyOxCVM9jS659G/0617K"
    "5eZmB266JdFUp5LIdZT+XWjyMxQOZrMrfgpo+/MT6JBDn1b5ykWGZCgw15tLwmWHxPP7oxPUyQbqVdYHH5wAXDh0whwr";
const std::string k_rsa2048_b =
    "QAzelWpqMmynhyLSYsNqZQjHLoiPGpZDwNYDQxxIIHU1FsPAGP0vaVHPKIrWaRB5Ocr3LTkH0B/G8jDwByV4tuE9mN6uv"
    "ybfB5SAOWYQFxNc+O52448K4v1nL4GR+FPLuSfVel/FlIdwIRV/PF0vp9mumtLG7VYwfVzAbOOVWBZKS/mxwrkkcsIsKV"
    "n4ZRsOmflt4rqwIDAQAB";
const std::string k_rsa1024 =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCtnEWln8535zk06HOpeWTj9L7BfFAut3Kv8W4XDqGOsTKpgWSEaQNjY"
    "b0TxKTXGYmaYq3ccFedCquXRVmJ3S7MoBy6R3hGLVBP7cMiYbr/JH/uedhcj5pjvzJOIFsxPTRw+oR21HpMCO5TmK0/zj"
    "dcdEQaWII//BlFkgTszO+llwIDAQAB";
const std::string k_rsa512 = "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANhFVOpOY7T1A0XjEH9Ak5Tr8bPSH+g8wIf"
                             "BZyyC9tw6kubaioQzkNA2Ws1qmhOZhq/qspWneZwwjZazt95hRn0CAwEAAQ==";
const std::string k_ed25519 = "XkerLnXYTwjP38gHSn0xjv+xqkboHxEgyzZiRTUtRj4=";

CheckResult dkim_over(const std::string& zone_text, const std::string& selectors) {
  auto config =
      parse_config("target:\n  base_url: http://portal.test\nemail: {domain: "
                   "example.com" +
                       (selectors.empty() ? "" : ", dkim_selectors: [" + selectors + "]") + "}\n",
                   "t", "");
  EXPECT_TRUE(config) << config.error().message;
  auto zone = analyze::parse_zone("@ IN SOA ns hostmaster 1 7200 3600 1209600 300\n" + zone_text,
                                  "example.com");
  EXPECT_TRUE(zone) << zone.error().message;
  net::ZoneResolver dns(std::move(*zone));
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock, nullptr, &dns}, {});
  auto result = run_email_dkim(context, *find_check("email.dkim"));
  EXPECT_TRUE(http.seen.empty()) << "DNS only";
  return result;
}

std::string strong_keys() {
  return "s2048._domainkey IN TXT \"v=DKIM1; k=rsa; p=" + k_rsa2048_a + "\" \"" + k_rsa2048_b +
         "\"\n"
         "ed._domainkey IN TXT \"v=DKIM1; k=ed25519; p=" +
         k_ed25519 + "\"\n";
}

TEST(EmailDkim, Rsa2048AndEd25519KeysPass) {
  auto r = dkim_over(strong_keys(), "s2048, ed");
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("s2048: RSA 2048-bit"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("ed: Ed25519"), std::string::npos) << r.reason;
}

TEST(EmailDkim, ARevokedKeyFails) {
  auto r =
      dkim_over(strong_keys() + "old._domainkey IN TXT \"v=DKIM1; k=rsa; p=\"\n", "s2048, old");
  EXPECT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("revoked"), std::string::npos) << r.findings[0].message;
  EXPECT_EQ(r.findings[0].evidence["name"], "old._domainkey.example.com");
  EXPECT_FALSE(r.findings[0].fingerprint.empty());
}

TEST(EmailDkim, A1024BitKeyAndTestingModeWarn) {
  auto small = dkim_over("k._domainkey IN TXT \"v=DKIM1; p=" + k_rsa1024 + "\"\n", "k");
  EXPECT_EQ(small.status, Status::warn) << small.reason;
  ASSERT_EQ(small.findings.size(), 1u);
  EXPECT_NE(small.findings[0].message.find("1024 bits"), std::string::npos);
  // The evidence shows the record with the key shortened.
  std::string record = small.findings[0].evidence["record"];
  EXPECT_EQ(record.find(k_rsa1024), std::string::npos) << record;
  EXPECT_NE(record.find("(216 chars)"), std::string::npos) << record;

  auto testing =
      dkim_over("t._domainkey IN TXT \"v=DKIM1; t=y; k=ed25519; p=" + k_ed25519 + "\"\n", "t");
  EXPECT_EQ(testing.status, Status::warn);
  ASSERT_EQ(testing.findings.size(), 1u);
  EXPECT_NE(testing.findings[0].message.find("t=y"), std::string::npos);
}

TEST(EmailDkim, WeakOrBrokenKeysFail) {
  auto tiny = dkim_over("k._domainkey IN TXT \"p=" + k_rsa512 + "\"\n", "k");
  EXPECT_EQ(tiny.status, Status::fail);
  auto sha1_only = dkim_over("k._domainkey IN TXT \"v=DKIM1; h=sha1; p=" + k_rsa1024 + "\"\n", "k");
  EXPECT_EQ(sha1_only.status, Status::fail);
  auto unknown = dkim_over("k._domainkey IN TXT \"v=DKIM1; k=dsa; p=" + k_ed25519 + "\"\n", "k");
  EXPECT_EQ(unknown.status, Status::fail);
  auto garbage = dkim_over("k._domainkey IN TXT \"v=DKIM1; p=not base64!\"\n", "k");
  EXPECT_EQ(garbage.status, Status::fail);
}

TEST(EmailDkim, AConfiguredSelectorWithoutKeyFails) {
  auto r = dkim_over(strong_keys(), "s2048, missing");
  EXPECT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("no DKIM key at missing._domainkey.example.com"),
            std::string::npos)
      << r.findings[0].message;
}

TEST(EmailDkim, WithoutSelectorsTheCommonOnesAreTried) {
  auto found = dkim_over("selector1._domainkey IN TXT \"v=DKIM1; k=rsa; p=" + k_rsa2048_a +
                             "\" \"" + k_rsa2048_b + "\"\n",
                         "");
  EXPECT_EQ(found.status, Status::pass) << found.reason;
  EXPECT_NE(found.reason.find("selector1: RSA 2048-bit"), std::string::npos) << found.reason;
  EXPECT_NE(found.reason.find("common selectors"), std::string::npos);

  auto none = dkim_over("@ IN TXT \"v=spf1 -all\"\n", "");
  EXPECT_EQ(none.status, Status::fail);
  ASSERT_EQ(none.findings.size(), 1u);
  EXPECT_NE(none.findings[0].message.find("no DKIM key at any common selector"), std::string::npos);
  EXPECT_NE(none.findings[0].message.find("configure email.dkim_selectors"), std::string::npos);
}

TEST(EmailDkim, WithoutDomainOrDnsItSkips) {
  auto config =
      parse_config("target:\n  base_url: http://portal.test\nemail: {domain: x.test}\n", "t", "");
  ASSERT_TRUE(config);
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock}, {});
  auto r = run_email_dkim(context, *find_check("email.dkim"));
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
}

} // namespace
} // namespace lg::checks
