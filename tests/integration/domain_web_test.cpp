// The domain gate's HTTP checks against the sample portal over real TLS on loopback: the portal
// started with a test CA's certificate for portal.test and a plain-HTTP port, the name resolved
// through a zone file, requests sent by libcurl pinned to the zone's address. Each check fails on
// its planted flaw (no-https-redirect, weak-hsts, mixed-content) and passes on the hardened
// portal, and domain.tls-cert accepts the portal's certificate through domain.ca_file.

#include "analyze/zonefile.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "integration/test_portal_support.hpp"
#include "net/clock.hpp"
#include "net/impl/curl_http.hpp"
#include "net/impl/openssl_prober.hpp"
#include "net/impl/zone_resolver.hpp"

#include "support/tls_fixture.hpp"
#include <fmt/format.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lg::checks {
namespace {

int free_tcp_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

/// The portal over TLS for portal.test with `flaws`, and the domain checks run against it.
class TlsPortal {
public:
  explicit TlsPortal(test::TlsPki& pki, const std::vector<std::string>& flaws = {}) {
    auto leaf = pki.leaf("portal.test");
    m_http_port = free_tcp_port();
    std::vector<std::string> args = {"--tls-cert", leaf.cert,     "--tls-key",
                                     leaf.key,     "--http-port", std::to_string(m_http_port)};
    for (const auto& f : flaws) {
      args.push_back("--flaw");
      args.push_back(f);
    }
    m_ok = m_portal.start(LG_PORTAL_BIN, args);
    EXPECT_TRUE(m_ok) << m_portal.error();
    auto colon = m_portal.url().rfind(':');
    m_https_port = std::stoi(m_portal.url().substr(colon + 1));
    m_ca = pki.ca_file();
  }

  bool ok() const { return m_ok; }

  CheckResult run(const std::string& id) {
    auto config = parse_config(fmt::format("target:\n  base_url: https://portal.test:{0}\n"
                                           "domain:\n  names: [\"portal.test:{0}\"]\n"
                                           "  http_port: {1}\n  ca_file: {2}\n",
                                           m_https_port, m_http_port, m_ca),
                               "t", "");
    EXPECT_TRUE(config) << config.error().message;
    auto zone = analyze::parse_zone("@ IN A 127.0.0.1\n", "portal.test");
    EXPECT_TRUE(zone) << zone.error().message;
    net::ZoneResolver dns(std::move(*zone));
    net::CurlOptions options;
    options.ca_file = m_ca;
    net::CurlHttpClient http(options);
    net::SystemClock clock;
    net::OpenSslProber prober;
    engine::Context context(*config, {http, clock, nullptr, &dns, &prober}, {});
    for (const auto& impl : implementations())
      if (impl.id == id)
        return impl.run(context, *find_check(id));
    ADD_FAILURE() << id << " is not implemented";
    return {};
  }

private:
  portal_test::PortalProcess m_portal;
  bool m_ok = false;
  int m_http_port = 0;
  int m_https_port = 0;
  std::string m_ca;
};

std::string messages(const CheckResult& r) {
  std::string out = r.reason;
  for (const auto& f : r.findings)
    out += "\n  " + f.message;
  return out;
}

class DomainWeb : public ::testing::Test {
protected:
  void SetUp() override {
    if (!test::TlsPki::available())
      GTEST_SKIP() << "the openssl program is not installed";
  }
};

TEST_F(DomainWeb, TheHardenedPortalOverTlsPassesEveryCheck) {
  test::TlsPki pki;
  ASSERT_TRUE(pki.ok());
  TlsPortal portal(pki);
  ASSERT_TRUE(portal.ok());
  for (const char* id :
       {"domain.https-redirect", "domain.hsts", "domain.mixed-content", "domain.tls-cert"}) {
    auto r = portal.run(id);
    EXPECT_EQ(r.status, Status::pass) << id << ": " << messages(r);
  }
}

TEST_F(DomainWeb, EachFlawFailsItsCheck) {
  test::TlsPki pki;
  ASSERT_TRUE(pki.ok());
  TlsPortal portal(pki, {"no-https-redirect", "weak-hsts", "mixed-content"});
  ASSERT_TRUE(portal.ok());

  auto redirect = portal.run("domain.https-redirect");
  EXPECT_EQ(redirect.status, Status::fail) << messages(redirect);
  EXPECT_NE(messages(redirect).find("without redirecting"), std::string::npos)
      << messages(redirect);

  auto hsts = portal.run("domain.hsts");
  EXPECT_EQ(hsts.status, Status::fail) << messages(hsts);
  EXPECT_NE(messages(hsts).find("max-age=86400 is under 180 days"), std::string::npos)
      << messages(hsts);

  auto mixed = portal.run("domain.mixed-content");
  EXPECT_EQ(mixed.status, Status::fail) << messages(mixed);
  ASSERT_EQ(mixed.findings.size(), 2u) << messages(mixed);
  EXPECT_EQ(mixed.findings[0].evidence["reference"], "http://cdn.portal.test/analytics.js");
}

} // namespace
} // namespace lg::checks
