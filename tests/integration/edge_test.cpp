// The edge gate against real servers on loopback, through libcurl and a real resolver.
// edge.rate-limit: a burst of wrong passwords to the sample portal's POST /api/login meets its 429
// (10 failures per IP and email within --login-window), and meets none with --flaw no-rate-limit.
// edge.cdn: the portal over TLS answers as a bare origin (fail); a scripted HTTPS server answering
// with Cloudflare's headers passes, and so does the bare portal behind a CNAME into
// cdn.cloudflare.net (Knot DNS serving both zones). edge.origin-exposure: the portal's own address
// as edge.origin serves the site (fail), takes TLS with a certificate this run does not trust
// (warn), and ::1, where nothing listens, gives no answer (pass).

#include "analyze/zonefile.hpp"
#include "app/portal_process.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "engine/context.hpp"
#include "net/clock.hpp"
#include "net/impl/cares_resolver.hpp"
#include "net/impl/curl_http.hpp"
#include "net/impl/zone_resolver.hpp"
#include "support/dns_server.hpp"
#include "support/loopback_server.hpp"
#include "support/tls_fixture.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lg::checks {
namespace {

CheckResult rate_limit_run(const std::vector<std::string>& flaws) {
  app::PortalProcess portal;
  app::PortalOptions options;
  options.binary = LG_PORTAL_BIN;
  options.flaws = flaws;
  options.seed_password = "integration-test-password";
  auto started = portal.start(options);
  EXPECT_TRUE(started) << started.error().message;
  if (!started)
    return {};
  auto config = parse_config("target:\n  base_url: " + portal.base_url() +
                                 "\n  max_rps: 10\n"
                                 "edge:\n  rate_limit:\n    method: POST\n    path: /api/login\n"
                                 "    burst: 20\n    rps: 100\n"
                                 "    json: {email: alice@acme.test, password: not-her-password}\n",
                             "t", "");
  EXPECT_TRUE(config) << config.error().message;
  if (!config)
    return {};
  net::CurlHttpClient http{{}};
  net::SystemClock clock;
  engine::Context context(*config, engine::Services{http, clock, nullptr}, {});
  return run_edge_rate_limit(context, *find_check("edge.rate-limit"));
}

TEST(EdgeRateLimitPortal, TheDefaultPortalThrottlesTheBurst) {
  auto r = rate_limit_run({});
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("limited after 11 requests (429, Retry-After:"), std::string::npos)
      << r.reason;
}

TEST(EdgeRateLimitPortal, WithoutItsRateLimitTheBurstMeetsNoLimit) {
  auto r = rate_limit_run({"no-rate-limit"});
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("POST /api/login: 20 requests in"), std::string::npos)
      << r.findings[0].message;
  EXPECT_EQ(r.findings[0].evidence["statuses"]["401"], 20);
}

// ---- edge.cdn and edge.origin-exposure
// -----------------------------------------------------------

/// A TCP port on 127.0.0.1 that was free a moment ago.
int free_tcp_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  if (fd >= 0)
    close(fd);
  return port;
}

/// The sample portal over TLS on 127.0.0.1 with a certificate for `host` signed by `pki`'s CA,
/// and its plain-HTTP side (a 301 to HTTPS) on another port: a bare origin, no CDN in front.
class TlsPortal {
public:
  TlsPortal(test::TlsPki& pki, const std::string& host) {
    auto leaf = pki.leaf(host);
    http_port = free_tcp_port();
    app::PortalOptions options;
    options.binary = LG_PORTAL_BIN;
    options.extra = {"--tls-cert", leaf.cert,     "--tls-key",
                     leaf.key,     "--http-port", std::to_string(http_port)};
    auto started = m_process.start(options);
    EXPECT_TRUE(started) << started.error().message;
    m_ok = static_cast<bool>(started) && http_port > 0;
    https_port = m_process.port();
    EXPECT_EQ(m_process.base_url().rfind("https://127.0.0.1:", 0), 0u) << m_process.base_url();
  }
  bool ok() const { return m_ok; }

  int https_port = 0;
  int http_port = 0;

private:
  app::PortalProcess m_process;
  bool m_ok = false;
};

/// One check run over libcurl (trusting `ca_file` when given) and `dns`, with the request log.
struct EdgeRun {
  CheckResult result;
  int requests = 0;             ///< requests the guard let through
  std::vector<std::string> log; ///< "GET https://… -> 200 (3 ms)"
};

EdgeRun run_check(CheckResult (*check)(engine::Context&, const CheckMeta&), const std::string& id,
                  const std::string& yaml, net::Resolver* dns, const std::string& ca_file) {
  EdgeRun run;
  auto config = parse_config(yaml, "t", "");
  EXPECT_TRUE(config) << config.error().message << "\n" << yaml;
  if (!config)
    return run;
  net::CurlOptions options;
  options.timeout_ms = 5000;
  options.connect_timeout_ms = 2000;
  options.ca_file = ca_file;
  net::CurlHttpClient http(options);
  net::SystemClock clock;
  engine::RunOptions run_options;
  run_options.log = [&run](const std::string& line) { run.log.push_back(line); };
  engine::Context context(*config, {http, clock, nullptr, dns, nullptr}, run_options);
  run.result = check(context, *find_check(id));
  run.requests = context.http().requests_sent();
  return run;
}

/// A zone file resolver for portal.test with its apex at 127.0.0.1.
std::unique_ptr<net::ZoneResolver> loopback_zone() {
  auto zone = analyze::parse_zone("@ IN A 127.0.0.1\n", "portal.test");
  EXPECT_TRUE(zone) << zone.error().message;
  return zone ? std::make_unique<net::ZoneResolver>(std::move(*zone)) : nullptr;
}

/// The config of `host` served at `https_port` (and `http_port` for plain HTTP), trusting `ca`.
std::string site_config(const std::string& host, int https_port, int http_port,
                        const std::string& ca, const std::string& extra = "") {
  return fmt::format("target:\n  base_url: https://{0}:{1}\n  max_rps: 50\n"
                     "domain:\n  names: [\"{0}:{1}\"]\n  http_port: {2}\n  ca_file: {3}\n{4}",
                     host, https_port, http_port, ca, extra);
}

std::string messages(const CheckResult& r) {
  std::string out = r.reason;
  for (const auto& f : r.findings)
    out += "\n  " + f.message + " " + f.evidence.dump();
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines)
    out += line + "\n";
  return out;
}

class EdgeLoopback : public ::testing::Test {
protected:
  void SetUp() override {
    if (!test::TlsPki::available())
      GTEST_SKIP() << "the openssl program is not installed";
  }
};

TEST_F(EdgeLoopback, CdnFailsOnTheBarePortal) {
  test::TlsPki pki;
  ASSERT_TRUE(pki.ok());
  TlsPortal portal(pki, "portal.test");
  ASSERT_TRUE(portal.ok());
  auto dns = loopback_zone();
  ASSERT_TRUE(dns);

  auto run =
      run_check(run_edge_cdn, "edge.cdn",
                site_config("portal.test", portal.https_port, portal.http_port, pki.ca_file()),
                dns.get(), pki.ca_file());
  const auto& r = run.result;
  ASSERT_EQ(r.status, Status::fail) << messages(r);
  ASSERT_EQ(r.findings.size(), 1u) << messages(r);
  const auto& f = r.findings[0];
  EXPECT_NE(f.message.find("no CDN or WAF recognised in front of portal.test"), std::string::npos)
      << f.message;
  EXPECT_EQ(f.evidence["url"], fmt::format("https://portal.test:{}/", portal.https_port));
  EXPECT_GE(f.evidence["status"].get<int>(), 200) << f.evidence.dump();
  EXPECT_TRUE(f.evidence["cname_chain"].empty()) << f.evidence.dump();
  // The portal's own headers were read (it sets HSTS on every HTTPS answer).
  auto headers = f.evidence["headers"].dump();
  EXPECT_NE(headers.find("strict-transport-security"), std::string::npos) << headers;
  EXPECT_EQ(run.requests, 1) << joined(run.log);
}

TEST_F(EdgeLoopback, CdnPassesOnCloudflaresHeaders) {
  test::TlsPki pki;
  ASSERT_TRUE(pki.ok());
  auto leaf = pki.leaf("portal.test");
  ASSERT_TRUE(pki.ok());
  std::string seen;
  test::LoopbackServer edge(
      [&seen](const std::string& head) {
        seen = head;
        return std::string("HTTP/1.1 200 OK\r\nServer: cloudflare\r\n"
                           "CF-RAY: 8a1b2c3d4e5f6789-AMS\r\nCF-Cache-Status: DYNAMIC\r\n"
                           "Content-Type: text/html\r\nContent-Length: 2\r\n\r\nok");
      },
      test::LoopbackTls{leaf.cert, leaf.key});
  auto dns = loopback_zone();
  ASSERT_TRUE(dns);

  auto run = run_check(run_edge_cdn, "edge.cdn",
                       site_config("portal.test", edge.port(), free_tcp_port(), pki.ca_file()),
                       dns.get(), pki.ca_file());
  const auto& r = run.result;
  ASSERT_EQ(r.status, Status::pass) << messages(r);
  EXPECT_NE(r.reason.find("portal.test: Cloudflare (header"), std::string::npos) << r.reason;
  EXPECT_EQ(edge.connections(), 1);
  EXPECT_EQ(run.requests, 1) << joined(run.log);
  // The request went by name over TLS (Host kept) to the address of the zone.
  EXPECT_NE(seen.find(fmt::format("Host: portal.test:{}", edge.port())), std::string::npos) << seen;
}

TEST_F(EdgeLoopback, CdnPassesOnACnameIntoCloudflare) {
  std::string problem;
  bool missing = false;
  auto knot = test::DnsTestServer::start(
      {{"portal.test",
        "$ORIGIN portal.test.\n$TTL 300\n"
        "@ IN SOA ns1.portal.test. hostmaster.portal.test. 2024050101 7200 3600 1209600 300\n"
        "@ IN NS ns1.portal.test.\nns1 IN A 127.0.0.1\n"
        "www IN CNAME portal-test.cdn.cloudflare.net.\n"},
       {"cdn.cloudflare.net", "$ORIGIN cdn.cloudflare.net.\n$TTL 300\n"
                              "@ IN SOA ns1 hostmaster 2024050101 7200 3600 1209600 300\n"
                              "@ IN NS ns1\nns1 IN A 127.0.0.1\n"
                              "portal-test IN A 127.0.0.1\n"}},
      problem, missing);
  if (missing)
    GTEST_SKIP() << problem;
  ASSERT_TRUE(knot) << problem;
  net::CaresOptions dns_options;
  dns_options.server = knot->address();
  dns_options.timeout = std::chrono::milliseconds(1000);
  auto dns = net::CaresResolver::open(dns_options);
  ASSERT_TRUE(dns) << dns.error().message;

  test::TlsPki pki;
  ASSERT_TRUE(pki.ok());
  TlsPortal portal(pki, "www.portal.test");
  ASSERT_TRUE(portal.ok());

  auto run =
      run_check(run_edge_cdn, "edge.cdn",
                site_config("www.portal.test", portal.https_port, portal.http_port, pki.ca_file()),
                dns->get(), pki.ca_file());
  const auto& r = run.result;
  ASSERT_EQ(r.status, Status::pass) << messages(r) << "\n" << knot->log();
  EXPECT_NE(r.reason.find("www.portal.test: Cloudflare (CNAME portal-test.cdn.cloudflare.net)"),
            std::string::npos)
      << r.reason;
  // The bare portal answered through the chain's address: the CNAME alone made the pass.
  ASSERT_EQ(run.log.size(), 1u) << joined(run.log);
  EXPECT_NE(run.log[0].find(fmt::format("https://www.portal.test:{}/ -> 200", portal.https_port)),
            std::string::npos)
      << run.log[0];
}

TEST_F(EdgeLoopback, OriginExposureFailsWhenTheOriginServesTheSite) {
  test::TlsPki pki;
  ASSERT_TRUE(pki.ok());
  TlsPortal portal(pki, "portal.test");
  ASSERT_TRUE(portal.ok());

  auto run = run_check(run_edge_origin_exposure, "edge.origin-exposure",
                       site_config("portal.test", portal.https_port, portal.http_port,
                                   pki.ca_file(), "edge:\n  origin: 127.0.0.1\n"),
                       nullptr, pki.ca_file());
  const auto& r = run.result;
  ASSERT_EQ(r.status, Status::fail) << messages(r);
  ASSERT_EQ(r.findings.size(), 2u) << messages(r);
  const auto& https = r.findings[0];
  EXPECT_NE(https.message.find("the origin 127.0.0.1 serves portal.test directly"),
            std::string::npos)
      << https.message;
  EXPECT_EQ(https.evidence["url"], fmt::format("https://portal.test:{}/", portal.https_port));
  EXPECT_EQ(https.evidence["origin"], "127.0.0.1");
  EXPECT_GE(https.evidence["status"].get<int>(), 200) << https.evidence.dump();
  const auto& http = r.findings[1];
  EXPECT_EQ(http.evidence["url"], fmt::format("http://portal.test:{}/", portal.http_port));
  EXPECT_EQ(http.evidence["status"], 301) << http.evidence.dump();
  EXPECT_NE(https.fingerprint, http.fingerprint);
  EXPECT_EQ(run.requests, 2) << joined(run.log);
}

/// edge.origin-exposure with the portal for `host` as its origin, over a run that trusts no test
/// CA (the handshake fails on the certificate) and asks plain HTTP where nothing listens: warn.
void expect_untrusted_tls_warns(const std::string& host) {
  test::TlsPki pki;
  ASSERT_TRUE(pki.ok());
  TlsPortal portal(pki, host);
  ASSERT_TRUE(portal.ok());
  int closed_port = free_tcp_port();

  auto run = run_check(run_edge_origin_exposure, "edge.origin-exposure",
                       fmt::format("target:\n  base_url: https://{0}:{1}\n  max_rps: 50\n"
                                   "domain:\n  names: [\"{0}:{1}\"]\n  http_port: {2}\n"
                                   "edge:\n  origin: [127.0.0.1]\n",
                                   host, portal.https_port, closed_port),
                       nullptr, "");
  const auto& r = run.result;
  ASSERT_EQ(r.status, Status::warn) << messages(r);
  ASSERT_EQ(r.findings.size(), 1u) << messages(r);
  EXPECT_NE(r.findings[0].message.find("the origin 127.0.0.1 accepts TLS connections for " + host),
            std::string::npos)
      << r.findings[0].message;
  EXPECT_NE(r.reason.find(fmt::format("http://{}:{}/ via 127.0.0.1", host, closed_port)),
            std::string::npos)
      << r.reason;
  EXPECT_EQ(run.requests, 2) << joined(run.log);
}

TEST_F(EdgeLoopback, OriginExposureWarnsWhenTheOriginTakesTlsUntrusted) {
  expect_untrusted_tls_warns("portal.test");
}

// The error is judged by libcurl's words, not by the URL before them: a host name holding
// "reset" (or "ssl") must not turn a TLS answer into silence (or silence into TLS).
TEST_F(EdgeLoopback, OriginExposureJudgesTheErrorNotTheHostName) {
  expect_untrusted_tls_warns("password-reset.portal.test");
}

TEST_F(EdgeLoopback, OriginExposurePassesWhenTheOriginGivesNoAnswer) {
  test::TlsPki pki;
  ASSERT_TRUE(pki.ok());
  TlsPortal portal(pki, "portal.test");
  ASSERT_TRUE(portal.ok());

  // The site answers on 127.0.0.1 (the "edge" here); the origin ::1 has nothing on those ports.
  net::CurlOptions options;
  options.ca_file = pki.ca_file();
  net::CurlHttpClient direct(options);
  net::HttpRequest request;
  request.url = fmt::format("https://portal.test:{}/", portal.https_port);
  request.connect_address = "127.0.0.1";
  auto up = direct.send(request);
  ASSERT_TRUE(up) << up.error().message;

  auto run = run_check(run_edge_origin_exposure, "edge.origin-exposure",
                       site_config("portal.test", portal.https_port, portal.http_port,
                                   pki.ca_file(), "edge:\n  origin: \"::1\"\n"),
                       nullptr, pki.ca_file());
  const auto& r = run.result;
  ASSERT_EQ(r.status, Status::pass) << messages(r);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.reason.rfind("not reachable from here: ", 0), 0u) << r.reason;
  EXPECT_NE(r.reason.find(fmt::format("https://portal.test:{}/ via ::1", portal.https_port)),
            std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find(fmt::format("http://portal.test:{}/ via ::1", portal.http_port)),
            std::string::npos)
      << r.reason;
  EXPECT_EQ(run.requests, 2) << joined(run.log);
}

} // namespace
} // namespace lg::checks
