// email.mta-sts over a zone file, with the policy served by a fake HTTP client: the announcement,
// the policy and its MX patterns, TLS-RPT as information; and the analyzer's parsers directly.

#include "analyze/mta_sts.hpp"
#include "analyze/zonefile.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "net/impl/zone_resolver.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

namespace lg::checks {
namespace {

const std::string k_zone = "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                           "@ IN MX 10 mx1\n@ IN MX 20 a.mail.example.net.\n"
                           "mx1 IN A 192.0.2.10\nmta-sts IN A 192.0.2.20\n";
const std::string k_txt = "_mta-sts IN TXT \"v=STSv1; id=20240501T1200;\"\n";
const std::string k_rpt = "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tls@example.com\"\n";
const std::string k_policy = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\n"
                             "mx: *.mail.example.net\r\nmax_age: 604800\r\n";
const std::string k_url = "https://mta-sts.example.com/.well-known/mta-sts.txt";

struct Run {
  CheckResult result;
  std::vector<net::HttpRequest> seen;
};

/// The check over `zone_text` (after k_zone) with `policy` served at the policy URL with
/// `status`; mta-sts.example.com is in scope unless `in_scope` is false.
Run mta_sts_over(const std::string& zone_text, const std::string& policy, int status = 200,
                 bool in_scope = true) {
  auto config = parse_config(
      std::string("target:\n  base_url: https://portal.example.com\n  scope: [portal.example.com") +
          (in_scope ? ", mta-sts.example.com" : "") + "]\nemail: {domain: example.com}\n",
      "t", "");
  EXPECT_TRUE(config) << config.error().message;
  auto zone = analyze::parse_zone(k_zone + zone_text, "example.com");
  EXPECT_TRUE(zone) << zone.error().message;
  net::ZoneResolver dns(std::move(*zone));
  test::FakeHttp http;
  http.handler = [&](const net::HttpRequest& request) {
    if (request.url != k_url)
      return test::respond(404);
    if (status >= 300 && status < 400)
      return test::respond(status, "", {{"Location", "https://elsewhere.example.com/p.txt"}});
    return test::respond(status, policy, {{"Content-Type", "text/plain; charset=utf-8"}});
  };
  test::FakeClock clock;
  engine::Context context(*config, {http, clock, nullptr, &dns}, {});
  Run run{run_email_mta_sts(context, *find_check("email.mta-sts")), http.seen};
  return run;
}

std::string messages(const CheckResult& r) {
  std::string out;
  for (const auto& f : r.findings)
    out += f.message + "\n";
  return out;
}

TEST(EmailMtaSts, AnEnforcedPolicyCoveringEveryMxPasses) {
  auto run = mta_sts_over(k_txt + k_rpt, k_policy);
  EXPECT_EQ(run.result.status, Status::pass) << run.result.reason << messages(run.result);
  ASSERT_EQ(run.seen.size(), 1u);
  EXPECT_EQ(run.seen[0].method, "GET");
  EXPECT_EQ(run.seen[0].url, k_url);
  const auto& reason = run.result.reason;
  EXPECT_NE(reason.find("_mta-sts.example.com: id=20240501T1200"), std::string::npos) << reason;
  EXPECT_NE(reason.find("policy mode enforce, max_age 604800, 2 mx pattern(s), 2 MX host(s)"),
            std::string::npos)
      << reason;
  EXPECT_NE(reason.find("TLS-RPT reports to mailto:tls@example.com"), std::string::npos) << reason;
}

TEST(EmailMtaSts, NoRecordWarnsOfDowngradesAndTlsRptStaysInformation) {
  auto run = mta_sts_over("", k_policy);
  EXPECT_EQ(run.result.status, Status::warn) << messages(run.result);
  ASSERT_EQ(run.result.findings.size(), 1u);
  EXPECT_NE(run.result.findings[0].message.find(
                "no MTA-STS: mail to example.com can be downgraded to plaintext"),
            std::string::npos);
  EXPECT_EQ(run.result.findings[0].evidence["name"], "_mta-sts.example.com");
  EXPECT_TRUE(run.seen.empty()) << "no policy is fetched without an announcement";
  EXPECT_NE(run.result.reason.find("no TLS-RPT record at _smtp._tls.example.com"),
            std::string::npos)
      << run.result.reason;
  // TLS-RPT present or absent does not change a pass either.
  auto without_rpt = mta_sts_over(k_txt, k_policy);
  EXPECT_EQ(without_rpt.result.status, Status::pass) << messages(without_rpt.result);
  EXPECT_NE(without_rpt.result.reason.find("no TLS-RPT record"), std::string::npos);
}

TEST(EmailMtaSts, AnAnnouncedPolicyThatIsMissingOrRedirectedFails) {
  auto missing = mta_sts_over(k_txt, "", 404);
  EXPECT_EQ(missing.result.status, Status::fail) << messages(missing.result);
  EXPECT_NE(messages(missing.result).find("answers 404"), std::string::npos);
  auto moved = mta_sts_over(k_txt, "", 301);
  EXPECT_EQ(moved.result.status, Status::fail);
  EXPECT_NE(messages(moved.result).find("must not follow"), std::string::npos)
      << messages(moved.result);
  EXPECT_EQ(moved.seen.size(), 1u) << "the redirect is not followed";
}

TEST(EmailMtaSts, AnMxHostOutsideThePatternsFails) {
  // *.example.net covers one label only: a.mail.example.net is two below it.
  auto run = mta_sts_over(k_txt, "version: STSv1\nmode: enforce\nmx: mx1.example.com\n"
                                 "mx: *.example.net\nmax_age: 604800\n");
  EXPECT_EQ(run.result.status, Status::fail);
  ASSERT_EQ(run.result.findings.size(), 1u) << messages(run.result);
  EXPECT_NE(run.result.findings[0].message.find("MX host a.mail.example.net"), std::string::npos)
      << run.result.findings[0].message;
  EXPECT_NE(run.result.findings[0].message.find("refuse to deliver"), std::string::npos);
}

TEST(EmailMtaSts, TestingModeAndAShortMaxAgeWarnAndAnOverlongOneFails) {
  auto testing = mta_sts_over(k_txt, "version: STSv1\nmode: testing\nmx: mx1.example.com\n"
                                     "mx: *.mail.example.net\nmax_age: 3600\n");
  EXPECT_EQ(testing.result.status, Status::warn) << messages(testing.result);
  EXPECT_EQ(testing.result.findings.size(), 2u) << messages(testing.result);
  EXPECT_NE(messages(testing.result).find("mode testing"), std::string::npos);
  EXPECT_NE(messages(testing.result).find("max_age 3600 is under a day"), std::string::npos);

  auto none = mta_sts_over(k_txt, "version: STSv1\nmode: none\nmax_age: 86400\n");
  EXPECT_EQ(none.result.status, Status::warn) << messages(none.result);

  auto long_age = mta_sts_over(k_txt, "version: STSv1\nmode: enforce\nmx: mx1.example.com\n"
                                      "mx: *.mail.example.net\nmax_age: 40000000\n");
  EXPECT_EQ(long_age.result.status, Status::fail);
  EXPECT_NE(messages(long_age.result).find("over 31557600"), std::string::npos);
}

TEST(EmailMtaSts, BrokenOrDuplicateRecordsFail) {
  auto two = mta_sts_over(k_txt + "_mta-sts IN TXT \"v=STSv1; id=2;\"\n", k_policy);
  EXPECT_EQ(two.result.status, Status::fail);
  EXPECT_NE(messages(two.result).find("2 MTA-STS records"), std::string::npos);
  auto bad_id = mta_sts_over("_mta-sts IN TXT \"v=STSv1; id=2024-05-01;\"\n", k_policy);
  EXPECT_EQ(bad_id.result.status, Status::fail);
  EXPECT_NE(messages(bad_id.result).find("is not 1 to 32 letters and digits"), std::string::npos)
      << messages(bad_id.result);
}

TEST(EmailMtaSts, APolicyHostOutsideTheScopeIsNotFetchedSoTheCheckIsNoPass) {
  auto run = mta_sts_over(k_txt + k_rpt, "", 404, false);
  EXPECT_EQ(run.result.status, Status::skip) << messages(run.result);
  EXPECT_EQ(run.result.skip_kind, SkipKind::not_configured);
  EXPECT_TRUE(run.seen.empty());
  EXPECT_NE(run.result.reason.find("mta-sts.example.com is outside target.scope"),
            std::string::npos)
      << run.result.reason;
}

} // namespace
} // namespace lg::checks

namespace lg::analyze {
namespace {

TEST(MtaSts, RecordsNeedOneAlphanumericId) {
  EXPECT_TRUE(is_mta_sts_record("v=STSv1; id=1"));
  EXPECT_TRUE(is_mta_sts_record("v=STSv1;id=1"));
  EXPECT_FALSE(is_mta_sts_record("v=STSv10; id=1"));
  EXPECT_FALSE(is_mta_sts_record("v=spf1 -all"));
  EXPECT_TRUE(parse_mta_sts_record("v=STSv1; id=20160831085700Z;").errors.empty());
  EXPECT_TRUE(parse_mta_sts_record("v=STSv1 ; id=abc ; ext=1").errors.empty());
  EXPECT_EQ(parse_mta_sts_record("v=STSv1; id=abc").id, "abc");
  EXPECT_FALSE(parse_mta_sts_record("v=STSv1;").errors.empty());
  EXPECT_FALSE(parse_mta_sts_record("v=STSv1; id=" + std::string(33, 'a')).errors.empty());
  EXPECT_FALSE(parse_mta_sts_record("v=STSv1; id=1; id=2").errors.empty());
  EXPECT_FALSE(parse_mta_sts_record("v=STSv1; id").errors.empty());
}

TEST(MtaSts, PoliciesAreJudged) {
  auto good = parse_mta_sts_policy("version: STSv1\nmode: enforce\nmx: MX1.Example.com.\n"
                                   "max_age: 1209600\nfuture: ignored\n");
  EXPECT_TRUE(good.errors.empty()) << good.errors.front();
  EXPECT_TRUE(good.warnings.empty());
  EXPECT_EQ(good.mx, (std::vector<std::string>{"mx1.example.com"}));
  EXPECT_EQ(good.max_age, 1209600);
  for (const char* broken : {"mode: enforce\nmx: a.example\nmax_age: 1\n",
                             "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 86400\n",
                             "version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 86400\n",
                             "version: STSv1\nmode: enforce\nmax_age: 86400\n",
                             "version: STSv1\nmode: enforce\nmx: a.example\n",
                             "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -5\n",
                             "version: STSv1\nmode: enforce\nmx: bad host\nmax_age: 86400\n",
                             "version: STSv1\nmode: enforce\nmode: none\nmx: a\nmax_age: 86400\n",
                             "<html>not a policy</html>"})
    EXPECT_FALSE(parse_mta_sts_policy(broken).errors.empty()) << broken;
  auto huge = parse_mta_sts_policy(std::string(70000, 'x'));
  EXPECT_FALSE(huge.errors.empty());
}

TEST(MtaSts, WildcardsMatchExactlyOneLabel) {
  EXPECT_TRUE(mta_sts_mx_matches("mail.example.com", "MAIL.example.com."));
  EXPECT_TRUE(mta_sts_mx_matches("*.example.com", "mx1.example.com"));
  EXPECT_FALSE(mta_sts_mx_matches("*.example.com", "example.com"));
  EXPECT_FALSE(mta_sts_mx_matches("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(mta_sts_mx_matches("*.example.com", "mx1.badexample.com"));
  EXPECT_FALSE(mta_sts_mx_matches("mail.example.com", "mail.example.com.evil"));
  EXPECT_FALSE(mta_sts_mx_matches("", "a"));
}

TEST(MtaSts, TlsRptRecordsAndTheirDestinations) {
  EXPECT_TRUE(is_tlsrpt_record("v=TLSRPTv1; rua=mailto:a@example.com"));
  EXPECT_FALSE(is_tlsrpt_record("v=TLSRPTv10;"));
  EXPECT_EQ(tlsrpt_rua("v=TLSRPTv1;rua=mailto:a@example.com, https://r.example/x"),
            (std::vector<std::string>{"mailto:a@example.com", "https://r.example/x"}));
  EXPECT_TRUE(tlsrpt_rua("v=TLSRPTv1;").empty());
}

} // namespace
} // namespace lg::analyze
