// Every check that judges DNS records, with a passing and a failing fixture over a real DNS
// server: Knot DNS on 127.0.0.1 serves good.test (a mail and web domain set up as the checks
// want it), bad.test (each record broken the way one check's finding names) and
// elasticbeanstalk.com (a hosting provider of rules/takeover.json, where one environment exists
// and another does not). The checks ask through net::CaresResolver, as an audit with dns.server
// does. email.mta-sts also fetches its policy over real TLS from `openssl s_server -WWW`, by name
// and pinned to the address the zone gives. Never real DNS or the internet: loopback only.

#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "net/impl/cares_resolver.hpp"
#include "net/impl/curl_http.hpp"
#include "support/dns_server.hpp"
#include "support/tls_fixture.hpp"
#include "unit/fakes.hpp"
#include "util/url.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

namespace lg {
namespace {

/// A 2048-bit RSA public key (SubjectPublicKeyInfo, base64) made for this test with
/// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`; its private half was dropped.
constexpr const char* k_rsa2048 =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnC1tCSxZe5MhseaTBj5PcVZTcGLJYT3eSiy8PCgfqqz+/"
    "T7GHHsfaxoGep49fdkeFIS78cka0fi1RquR0Dz9jNSJ+2SuLFSFCZV4MrpBjeiUd0+5jocCDdcTk7g09LbWkyATUhcJXQ"
    "yg2+UdEjXNvC4DhW8W5mOXij/2IOM2WUgv8yUgZp6EQt2/iuPqQUgxWe5+Of/pg1EdXMCObRUWG6QfoMdzJOXrzVxuyl"
    "uPmD8SGtd7++neQEn5WEDOL7yt/cju+NorSn0lIRUtwfXwkpCdsfsUcYEkrxqMldbJZw/"
    "FXp1DjRsv6W3JpBYoyqv93pIkaui9ie2ftw4N61AeUwIDAQAB";

/// The Ed25519 public key of RFC 8463's example (appendix A.2).
constexpr const char* k_ed25519 = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

/// A TXT record's data as quoted strings of at most 250 bytes (one string holds 255 at most).
std::string quoted(const std::string& text) {
  std::string out;
  for (size_t at = 0; at < text.size(); at += 250)
    out += (out.empty() ? "\"" : " \"") + text.substr(at, 250) + "\"";
  return out;
}

std::string soa(const std::string& origin) {
  return fmt::format("$ORIGIN {0}.\n$TTL 300\n"
                     "@ IN SOA ns1.{0}. hostmaster.{0}. 2024060101 7200 3600 1209600 300\n"
                     "@ IN NS ns1.{0}.\n"
                     "ns1 IN A 192.0.2.53\n",
                     origin);
}

/// Everything as the checks want it.
std::string good_zone() {
  return soa("good.test") +
         "@ IN A 192.0.2.10\n"
         "@ IN AAAA 2001:db8::10\n"
         "www IN CNAME good-portal.us-east-1.elasticbeanstalk.com.\n"
         "@ IN MX 10 mx1.good.test.\n"
         "mx1 IN A 192.0.2.25\n"
         "@ IN TXT \"v=spf1 mx include:_spf.good.test -all\"\n"
         "_spf IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
         "s1._domainkey IN TXT " +
         quoted(std::string("v=DKIM1; k=rsa; p=") + k_rsa2048) +
         "\n"
         "s2._domainkey IN TXT \"v=DKIM1; k=ed25519; p=" +
         k_ed25519 +
         "\"\n"
         "_dmarc IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@good.test\"\n"
         "@ IN CAA 0 issue \"letsencrypt.org\"\n"
         "_mta-sts IN TXT \"v=STSv1; id=20240601T000000\"\n"
         "mta-sts IN A 127.0.0.1\n"
         "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@good.test\"\n";
}

/// One flaw per check.
std::string bad_zone() {
  return soa("bad.test") +
         "@ IN A 192.0.2.20\n"
         "app IN A 10.0.0.5\n"                                       // domain.dns: private
         "www IN CNAME bad-portal.us-east-1.elasticbeanstalk.com.\n" // dangling
         "@ IN MX 10 mail.bad.test.\n"                               // no address
         "mail IN TXT \"no address here\"\n"
         "@ IN TXT \"v=spf1 include:_spf.bad.test +all\"\n" // unpublished include, +all
         "s1._domainkey IN TXT \"v=DKIM1; k=rsa; p=\"\n"    // revoked; s2 missing
         "_dmarc IN TXT \"v=DMARC1; p=rejct; rua=mailto:dmarc@bad.test\"\n" // malformed p=
         "@ IN CAA 0 issue \";\"\n"                                         // nobody may issue
         "_mta-sts IN TXT \"v=STSv1; id=1\"\n"                              // policy misses the MX
         "mta-sts IN A 127.0.0.1\n";
}

/// The hosting provider: good-portal exists, bad-portal does not (NXDOMAIN).
std::string provider_zone() {
  return soa("elasticbeanstalk.com") + "good-portal.us-east-1 IN A 192.0.2.80\n";
}

std::string config_yaml(const std::string& domain, const std::string& extra_scope = "") {
  std::string scope = "[portal." + domain + (extra_scope.empty() ? "" : ", " + extra_scope) + "]";
  std::string names = domain == "good.test" ? "[good.test, www.good.test]"
                                            : "[bad.test, app.bad.test, www.bad.test]";
  return fmt::format("target:\n  base_url: https://portal.{0}\n  scope: {1}\n"
                     "email: {{domain: {0}, dkim_selectors: [s1, s2]}}\n"
                     "domain:\n  names: {2}\n",
                     domain, scope, names);
}

/// The summary and every finding, for assertion messages and fragment searches.
std::string messages(const CheckResult& r) {
  std::string out = r.reason;
  for (const auto& f : r.findings)
    out += "\n  " + f.message;
  return out;
}

bool has_finding(const CheckResult& r, const std::string& fragment) {
  for (const auto& f : r.findings)
    if (f.message.find(fragment) != std::string::npos)
      return true;
  return false;
}

CheckResult run_check(engine::Context& context, const std::string& id) {
  for (const auto& impl : checks::implementations())
    if (impl.id == id)
      return impl.run(context, *checks::find_check(id));
  ADD_FAILURE() << id << " is not implemented";
  return {};
}

/// The policy URL's port is 443 by RFC 8461; the test's TLS servers listen on free ports. This
/// client moves each request to its host's server port and leaves the rest (host name, SNI,
/// certificate check, the address the resolver pinned) to libcurl.
class PortMovingHttp final : public net::HttpClient {
public:
  PortMovingHttp(net::HttpClient& inner, std::map<std::string, int> ports)
      : m_inner(inner), m_ports(std::move(ports)) {}

  Expected<net::HttpResponse> send(const net::HttpRequest& request) override {
    seen.push_back(request);
    auto url = parse_url(request.url);
    if (!url)
      return unexpected(url.error());
    auto it = m_ports.find(url->host);
    if (it == m_ports.end() || url->port != 443)
      return unexpected(ErrorKind::network, "no test server for " + request.url);
    net::HttpRequest moved = request;
    moved.url = fmt::format("{}://{}:{}{}", url->scheme, url->host, it->second, url->path);
    return m_inner.send(moved);
  }

  std::vector<net::HttpRequest> seen;

private:
  net::HttpClient& m_inner;
  std::map<std::string, int> m_ports;
};

class DnsFixtures : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    std::string problem;
    bool missing = false;
    s_server = test::DnsTestServer::start({{"good.test", good_zone()},
                                           {"bad.test", bad_zone()},
                                           {"elasticbeanstalk.com", provider_zone()}},
                                          problem, missing)
                   .release();
    s_problem = problem;
    s_missing = missing;
  }
  static void TearDownTestSuite() {
    delete s_server;
    s_server = nullptr;
  }
  void SetUp() override {
    if (s_missing)
      GTEST_SKIP() << s_problem;
    ASSERT_NE(s_server, nullptr) << s_problem;
  }

  static std::unique_ptr<net::CaresResolver> live() {
    net::CaresOptions options;
    options.server = s_server->address();
    options.timeout = std::chrono::milliseconds(1000);
    auto r = net::CaresResolver::open(options);
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(*r) : nullptr;
  }

  /// `id` run against `domain` (good.test or bad.test) over the live server, no HTTP.
  static CheckResult run(const std::string& id, const std::string& domain) {
    auto config = parse_config(config_yaml(domain), "t", "");
    EXPECT_TRUE(config) << config.error().message;
    if (!config)
      return {};
    auto dns = live();
    if (!dns)
      return {};
    test::FakeHttp http;
    http.handler = [](const net::HttpRequest&) {
      ADD_FAILURE() << "a DNS check sent an HTTP request";
      return net::HttpResponse{};
    };
    test::FakeClock clock;
    engine::Context context(*config, {http, clock, nullptr, dns.get()}, {});
    auto result = run_check(context, id);
    EXPECT_TRUE(http.seen.empty()) << id;
    return result;
  }

  /// Runs `id` on both zones and checks the statuses: pass on good.test, fail on bad.test.
  static std::pair<CheckResult, CheckResult> good_and_bad(const std::string& id) {
    auto good = run(id, "good.test");
    auto bad = run(id, "bad.test");
    EXPECT_EQ(good.status, Status::pass) << id << " on good.test: " << messages(good);
    EXPECT_EQ(bad.status, Status::fail) << id << " on bad.test: " << messages(bad);
    EXPECT_TRUE(good.findings.empty()) << messages(good);
    for (const auto& f : bad.findings)
      EXPECT_FALSE(f.fingerprint.empty()) << f.message;
    return {good, bad};
  }

  static test::DnsTestServer* s_server;
  static std::string s_problem;
  static bool s_missing;
};

test::DnsTestServer* DnsFixtures::s_server = nullptr;
std::string DnsFixtures::s_problem;
bool DnsFixtures::s_missing = false;

bool contains(const std::string& text, const std::string& fragment) {
  return text.find(fragment) != std::string::npos;
}

TEST_F(DnsFixtures, SpfPassesAClosedRecordAndFailsPlusAllAndAnUnpublishedInclude) {
  auto [good, bad] = good_and_bad("email.spf");
  EXPECT_TRUE(contains(good.reason, "good.test: \"v=spf1 mx include:_spf.good.test -all\"; 2 DNS "
                                    "lookup(s) of 10, ends in -all"))
      << good.reason;
  EXPECT_TRUE(has_finding(bad, "names _spf.bad.test, which has no SPF record")) << messages(bad);
  EXPECT_TRUE(has_finding(bad, "the record ends in +all")) << messages(bad);
}

TEST_F(DnsFixtures, DkimPassesRsa2048AndEd25519AndFailsARevokedAndAMissingKey) {
  auto [good, bad] = good_and_bad("email.dkim");
  EXPECT_TRUE(contains(good.reason, "s1: RSA 2048-bit, s2: Ed25519 (configured selectors)"))
      << good.reason;
  EXPECT_TRUE(has_finding(bad, "s1._domainkey.bad.test: the key is revoked (empty p=)"))
      << messages(bad);
  EXPECT_TRUE(has_finding(bad, "no DKIM key at s2._domainkey.bad.test")) << messages(bad);
  EXPECT_EQ(bad.findings.size(), 2u) << messages(bad);
}

TEST_F(DnsFixtures, DmarcPassesRejectAndFailsAnUnknownPolicy) {
  auto [good, bad] = good_and_bad("email.dmarc");
  EXPECT_TRUE(contains(good.reason, "_dmarc.good.test: p=reject")) << good.reason;
  EXPECT_TRUE(contains(good.reason, "1 rua destination(s)")) << good.reason;
  EXPECT_TRUE(has_finding(bad, "_dmarc.bad.test: p=rejct is not none, quarantine or reject"))
      << messages(bad);
}

TEST_F(DnsFixtures, MxPassesAnExchangeWithAnAddressAndFailsOneWithout) {
  auto [good, bad] = good_and_bad("email.mx");
  EXPECT_TRUE(contains(good.reason, "good.test: 1 MX (10 mx1.good.test), 1 address(es)"))
      << good.reason;
  EXPECT_TRUE(has_finding(bad, "MX bad.test points to mail.bad.test, which has no A or AAAA "
                               "record"))
      << messages(bad);
}

TEST_F(DnsFixtures, DomainDnsPassesPublicAddressesAndFailsAPrivateOneAndNxdomain) {
  auto [good, bad] = good_and_bad("domain.dns");
  EXPECT_TRUE(contains(good.reason, "good.test -> 192.0.2.10, 2001:db8::10")) << good.reason;
  EXPECT_TRUE(contains(good.reason,
                       "www.good.test -> good-portal.us-east-1.elasticbeanstalk.com -> 192.0.2.80"))
      << good.reason;
  EXPECT_TRUE(has_finding(bad, "app.bad.test points at a private address: 10.0.0.5"))
      << messages(bad);
  EXPECT_TRUE(has_finding(bad, "www.bad.test does not resolve")) << messages(bad);
  // 192.0.2.20 (documentation space) is not private: two findings, neither about bad.test itself.
  ASSERT_EQ(bad.findings.size(), 2u) << messages(bad);
  for (const auto& f : bad.findings)
    EXPECT_NE(f.message.rfind("bad.test ", 0), 0u) << f.message;
}

TEST_F(DnsFixtures, CaaPassesOneIssuerAndFailsIssueSemicolon) {
  auto [good, bad] = good_and_bad("domain.caa");
  EXPECT_TRUE(contains(good.reason, "good.test: CAA at good.test allows letsencrypt.org"))
      << good.reason;
  EXPECT_TRUE(contains(good.reason, "www.good.test: CAA at good.test (for www.good.test) allows "
                                    "letsencrypt.org"))
      << good.reason;
  ASSERT_EQ(bad.findings.size(), 1u) << messages(bad);
  EXPECT_TRUE(has_finding(bad, "CAA at bad.test lets no CA issue (issue \";\")")) << messages(bad);
  // The one finding stands for every name under bad.test.
  EXPECT_EQ(bad.findings[0].evidence.value("for", ""), "bad.test, app.bad.test, www.bad.test");
}

TEST_F(DnsFixtures, DanglingCnamePassesAProviderNameThatResolvesAndFailsOneThatDoesNot) {
  auto [good, bad] = good_and_bad("domain.dangling-cname");
  EXPECT_TRUE(contains(good.reason, "www.good.test -> good-portal.us-east-1.elasticbeanstalk.com "
                                    "(AWS Elastic Beanstalk): resolves"))
      << good.reason;
  EXPECT_TRUE(has_finding(bad, "dangling CNAME: whoever claims "
                               "bad-portal.us-east-1.elasticbeanstalk.com at AWS Elastic "
                               "Beanstalk serves your site"))
      << messages(bad);
  ASSERT_EQ(bad.findings.size(), 1u) << messages(bad);
  EXPECT_EQ(bad.findings[0].evidence.value("provider", ""), "AWS Elastic Beanstalk");
}

// email.mta-sts: the TXT record from the DNS server, the policy over HTTPS from s_server -WWW
// with a certificate of a test CA for mta-sts.<domain>, connected to the zone's address.
TEST_F(DnsFixtures, MtaStsPassesAPolicyCoveringTheMxAndFailsOneThatMissesIt) {
  if (!test::TlsPki::available())
    GTEST_SKIP() << "the openssl program is not installed";
  test::TlsPki pki;
  ASSERT_TRUE(pki.ok());
  test::TempDir good_root, bad_root;
  good_root.write(".well-known/mta-sts.txt",
                  "version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmax_age: 604800\r\n");
  bad_root.write(".well-known/mta-sts.txt",
                 "version: STSv1\r\nmode: enforce\r\nmx: mx.elsewhere.test\r\nmax_age: 604800\r\n");
  test::TlsServer good_server(pki.leaf("mta-sts.good.test"), {"-WWW"}, good_root.path().string());
  test::TlsServer bad_server(pki.leaf("mta-sts.bad.test"), {"-WWW"}, bad_root.path().string());
  ASSERT_TRUE(good_server.ok()) << good_server.log();
  ASSERT_TRUE(bad_server.ok()) << bad_server.log();

  net::CurlOptions options;
  options.ca_file = pki.ca_file();
  net::CurlHttpClient curl(options);
  PortMovingHttp http(
      curl, {{"mta-sts.good.test", good_server.port()}, {"mta-sts.bad.test", bad_server.port()}});
  std::map<std::string, CheckResult> results;
  for (std::string domain : {"good.test", "bad.test"}) {
    auto config = parse_config(config_yaml(domain, "mta-sts." + domain), "t", "");
    ASSERT_TRUE(config) << config.error().message;
    auto dns = live();
    ASSERT_TRUE(dns);
    test::FakeClock clock;
    engine::Context context(*config, {http, clock, nullptr, dns.get()}, {});
    results[domain] = run_check(context, "email.mta-sts");
  }
  const auto& good = results["good.test"];
  const auto& bad = results["bad.test"];
  EXPECT_EQ(good.status, Status::pass) << messages(good) << "\n" << good_server.log();
  EXPECT_TRUE(contains(good.reason, "_mta-sts.good.test: id=20240601T000000; policy mode enforce, "
                                    "max_age 604800, 1 mx pattern(s), 1 MX host(s)"))
      << good.reason;
  EXPECT_TRUE(contains(good.reason, "TLS-RPT reports to mailto:tlsrpt@good.test")) << good.reason;

  EXPECT_EQ(bad.status, Status::fail) << messages(bad) << "\n" << bad_server.log();
  EXPECT_TRUE(has_finding(bad, "MX host mail.bad.test of bad.test matches no mx line of the "
                               "policy (mx.elsewhere.test): senders refuse to deliver mail to it"))
      << messages(bad);
  EXPECT_TRUE(contains(bad.reason, "no TLS-RPT record at _smtp._tls.bad.test")) << bad.reason;

  // One GET per domain, by name, pinned to the address the zone gave.
  ASSERT_EQ(http.seen.size(), 2u);
  for (const auto& request : http.seen) {
    EXPECT_EQ(request.connect_address, "127.0.0.1") << request.url;
    EXPECT_TRUE(contains(request.url, "/.well-known/mta-sts.txt")) << request.url;
  }
  EXPECT_EQ(http.seen[0].url, "https://mta-sts.good.test/.well-known/mta-sts.txt");
}

} // namespace
} // namespace lg
