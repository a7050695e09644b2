// domain.dns, domain.caa and domain.dangling-cname over zone files: passing fixtures and one
// failing fixture per rule. Several zones (the portal's, its DNS host's, a provider's) answer
// together, a CNAME that leaves one zone continuing in the next, as recursive resolution would.

#include "analyze/zonefile.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "net/impl/zone_resolver.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>

namespace lg::checks {
namespace {

/// Zone files answering together: each question goes to the zone whose origin is the longest
/// suffix of the name; a CNAME chain that leaves a zone goes on in the next (at most 8 hops).
class Zones final : public net::Resolver {
public:
  void add(const std::string& text, const std::string& origin) {
    auto zone = analyze::parse_zone(text, origin);
    ASSERT_TRUE(zone) << zone.error().message;
    m_zones.push_back(std::make_unique<net::ZoneResolver>(std::move(*zone)));
  }

  Expected<net::DnsAnswer> query(const std::string& name, net::RrType type) override {
    ++queries;
    net::DnsAnswer out;
    std::string n = name;
    for (int hop = 0; hop < 8; ++hop) {
      auto* zone = zone_for(n);
      if (zone == nullptr) {
        out.status = net::DnsStatus::servfail;
        return out;
      }
      auto answer = zone->query(n, type);
      if (!answer)
        return answer;
      out.records.insert(out.records.end(), answer->records.begin(), answer->records.end());
      out.status = answer->status;
      if (answer->status != net::DnsStatus::servfail || answer->records.empty() ||
          answer->records.back().type != net::RrType::cname)
        return out;
      n = answer->records.back().data;
    }
    out.status = net::DnsStatus::servfail;
    return out;
  }

  /// What the name server at an address says when asked directly.
  struct Server {
    std::string zone; ///< zone file text served for "example.com"; empty: answers `status`
    net::DnsStatus status = net::DnsStatus::ok;
    bool authoritative = true;
  };

  /// With servers added, domain.dns can ask each listed one directly; without, it cannot (as
  /// over a zone file).
  Expected<std::unique_ptr<net::Resolver>> direct(const std::string& address, int port) override {
    asked.push_back(address + "#" + std::to_string(port));
    if (servers.empty())
      return std::unique_ptr<net::Resolver>();
    auto it = servers.find(address);
    Server server = it == servers.end() ? Server{"", net::DnsStatus::timeout, false} : it->second;
    return std::unique_ptr<net::Resolver>(std::make_unique<Direct>(server));
  }

  int queries = 0;
  std::map<std::string, Server> servers; ///< by address
  std::vector<std::string> asked;        ///< "address#port", each direct() call

private:
  class Direct final : public net::Resolver {
  public:
    explicit Direct(Server server) : m_server(std::move(server)) {}
    Expected<net::DnsAnswer> query(const std::string& name, net::RrType type) override {
      net::DnsAnswer out;
      out.status = m_server.status;
      if (!m_server.zone.empty()) {
        auto zone = analyze::parse_zone(m_server.zone, "example.com");
        if (!zone)
          return unexpected(zone.error());
        auto answer = net::ZoneResolver(std::move(*zone)).query(name, type);
        if (!answer)
          return answer;
        out = std::move(*answer);
      }
      out.authoritative = m_server.authoritative && out.status != net::DnsStatus::servfail;
      return out;
    }

  private:
    Server m_server;
  };

  net::ZoneResolver* zone_for(const std::string& name) {
    net::ZoneResolver* best = nullptr;
    size_t best_size = 0;
    for (auto& z : m_zones) {
      const std::string& origin = z->zone().origin;
      bool inside = name == origin || (name.size() > origin.size() && name.ends_with("." + origin));
      if (inside && origin.size() >= best_size) {
        best = z.get();
        best_size = origin.size();
      }
    }
    return best;
  }

  std::vector<std::unique_ptr<net::ZoneResolver>> m_zones;
};

const char* k_example = R"($TTL 300
@        IN SOA  ns1.example.net. hostmaster.example.com. 2024010101 7200 3600 1209600 300
@        IN NS   ns1.example.net.
@        IN NS   ns2.example.net.
@        IN A    192.0.2.10
@        IN CAA  0 issue "letsencrypt.org"
@        IN CAA  0 iodef "mailto:security@example.com"
portal   IN A    192.0.2.1
portal   IN AAAA 2001:db8::1
www      IN CNAME portal
)";

const char* k_dns_host = R"($TTL 300
@    IN SOA ns1.example.net. hostmaster.example.net. 7 7200 3600 1209600 300
@    IN NS  ns1.example.net.
ns1  IN A   198.51.100.53
ns2  IN A   198.51.100.54
)";

const char* k_azure = R"(@ IN SOA ns1-01.azure-dns.com. msnhst.microsoft.com. 1 900 300 604800 60
myportal IN A 203.0.113.5
)";

const char* k_heroku = R"(@ IN SOA ns1.herokuapp.com. hostmaster.herokuapp.com. 1 900 300 604800 60
live-app IN A 203.0.113.6
)";

/// A run's world: the config (`domain:` is `domain_yaml`), example.com (`zone`), the DNS host
/// example.net and two provider zones, and a context over them.
struct World {
  World(const std::string& domain_yaml, const std::string& zone) {
    auto parsed = parse_config(
        "target:\n  base_url: https://portal.example.com\ndomain:\n" + domain_yaml, "t", "");
    EXPECT_TRUE(parsed) << parsed.error().message;
    if (parsed)
      config = std::move(*parsed);
    dns.add(zone, "example.com");
    dns.add(k_dns_host, "example.net");
    dns.add(k_azure, "azurewebsites.net");
    dns.add(k_heroku, "herokuapp.com");
    context = std::make_unique<engine::Context>(
        config, engine::Services{http, clock, nullptr, &dns}, engine::RunOptions{});
  }

  CheckResult run(const std::string& id) {
    const auto* meta = find_check(id);
    auto impl = std::find_if(implementations().begin(), implementations().end(),
                             [&](const Implementation& i) { return i.id == id; });
    if (meta == nullptr || impl == implementations().end()) {
      ADD_FAILURE() << id << " is not in the catalog or not registered";
      return {};
    }
    auto result = impl->run(*context, *meta);
    EXPECT_TRUE(http.seen.empty()) << "DNS only";
    return result;
  }

  Config config;
  Zones dns;
  test::FakeHttp http;
  test::FakeClock clock;
  std::unique_ptr<engine::Context> context;
};

/// Runs `id` once over a fresh World.
CheckResult run_check(const std::string& id, const std::string& domain_yaml,
                      const std::string& zone = k_example) {
  World world(domain_yaml, zone);
  return world.run(id);
}

bool has_finding(const CheckResult& r, const std::string& text) {
  return std::any_of(r.findings.begin(), r.findings.end(),
                     [&](const Finding& f) { return f.message.find(text) != std::string::npos; });
}

std::string messages(const CheckResult& r) {
  std::string out = r.reason;
  for (const auto& f : r.findings)
    out += "\n  " + f.message;
  return out;
}

// ---- domain.dns ------------------------------------------------------------------------------

TEST(DomainDns, NamesThatResolveAsExpectedPass) {
  auto r = run_check("domain.dns", R"(  names: [portal.example.com, "www.example.com:8443"]
  nameservers: [ns1.example.net, NS2.example.net.]
  expect:
    portal.example.com: {a: [192.0.2.1], aaaa: ["2001:0db8:0:0::1"]}
    www.example.com: {cname: portal.example.com}
)");
  EXPECT_EQ(r.status, Status::pass) << messages(r);
  EXPECT_NE(r.reason.find("www.example.com -> portal.example.com -> 192.0.2.1, 2001:db8::1"),
            std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("NS of example.com match domain.nameservers"), std::string::npos);
  EXPECT_NE(r.reason.find("ns1.example.net (198.51.100.53)"), std::string::npos);
  // Never claimed: what this resolver cannot see.
  EXPECT_NE(r.reason.find("not verified: that each listed server answers authoritatively"),
            std::string::npos)
      << r.reason;
}

TEST(DomainDns, ExpectationMismatchesFailWithExpectedAndActual) {
  auto r = run_check("domain.dns", R"(  names: [portal.example.com, www.example.com]
  expect:
    portal.example.com: {a: [192.0.2.99]}
    www.example.com: {cname: portal.cdn.example.net}
)");
  EXPECT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 2u) << messages(r);
  EXPECT_TRUE(has_finding(r, "portal.example.com A records are 192.0.2.1 where domain.expect "
                             "says 192.0.2.99"))
      << messages(r);
  EXPECT_TRUE(has_finding(r, "www.example.com is a CNAME to portal.example.com where "
                             "domain.expect says portal.cdn.example.net"));
  EXPECT_EQ(r.findings[0].evidence["expected"], "192.0.2.99");
  EXPECT_EQ(r.findings[0].evidence["actual"], "192.0.2.1");
  EXPECT_FALSE(r.findings[0].fingerprint.empty());
  EXPECT_NE(r.findings[0].fingerprint, r.findings[1].fingerprint);
}

TEST(DomainDns, APrivateAddressFails) {
  std::string zone = std::string(k_example) + "intranet IN A 10.1.2.3\nv6 IN AAAA fd00::5\n";
  auto r = run_check("domain.dns", "  names: [intranet.example.com, v6.example.com]\n", zone);
  EXPECT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 2u) << messages(r);
  EXPECT_TRUE(has_finding(r, "intranet.example.com points at a private address: 10.1.2.3 is a "
                             "private address (RFC 1918), unreachable for users"))
      << messages(r);
  EXPECT_TRUE(has_finding(r, "v6.example.com points at a private address: fd00::5 is a unique "
                             "local address"));
  EXPECT_EQ(r.findings[0].evidence["address"], "10.1.2.3");
}

TEST(DomainDns, NxdomainAndNoAddressFail) {
  std::string zone = std::string(k_example) + "old IN CNAME gone.example.com.\n" +
                     "mailonly IN MX 10 mx.example.com.\n";
  auto r =
      run_check("domain.dns",
                "  names: [missing.example.com, old.example.com, mailonly.example.com]\n", zone);
  EXPECT_EQ(r.status, Status::fail);
  EXPECT_TRUE(has_finding(r, "missing.example.com does not resolve: missing.example.com does "
                             "not exist (NXDOMAIN)"))
      << messages(r);
  EXPECT_TRUE(has_finding(r, "gone.example.com (the end of the CNAME chain old.example.com -> "
                             "gone.example.com)"));
  EXPECT_TRUE(has_finding(r, "mailonly.example.com has no address"));
  auto old = std::find_if(r.findings.begin(), r.findings.end(), [](const Finding& f) {
    return f.evidence.value("name", "") == "old.example.com";
  });
  ASSERT_NE(old, r.findings.end());
  EXPECT_EQ(old->evidence["cname_chain"], "old.example.com -> gone.example.com");
}

TEST(DomainDns, AnNsSetOtherThanTheListedOneFails) {
  auto r = run_check("domain.dns", R"(  names: [portal.example.com]
  nameservers: [ns1.example.net, ns3.example.net]
)");
  EXPECT_EQ(r.status, Status::fail);
  EXPECT_TRUE(has_finding(r, "the NS records of example.com are ns1.example.net, ns2.example.net "
                             "where domain.nameservers says ns1.example.net, ns3.example.net; "
                             "missing ns3.example.net; not listed ns2.example.net"))
      << messages(r);
  EXPECT_TRUE(has_finding(r, "the name server ns3.example.net does not exist (NXDOMAIN)"));
}

// The listed name servers asked one by one: ns1 at 198.51.100.53, ns2 at 198.51.100.54.
const char* k_two_servers = R"(  names: [portal.example.com]
  nameservers: [ns1.example.net, ns2.example.net]
  nameserver_port: 5353
)";

std::string with_serial(const std::string& serial) {
  std::string zone = k_example;
  auto at = zone.find("2024010101");
  return zone.replace(at, 10, serial);
}

TEST(DomainDns, ListedServersThatAnswerWithAuthorityAndOneSerialPass) {
  World world(k_two_servers, k_example);
  world.dns.servers["198.51.100.53"] = {k_example, net::DnsStatus::ok, true};
  world.dns.servers["198.51.100.54"] = {k_example, net::DnsStatus::ok, true};
  auto r = world.run("domain.dns");
  EXPECT_EQ(r.status, Status::pass) << messages(r);
  EXPECT_NE(r.reason.find("authoritative answers agree: example.com serial 2024010101 from "),
            std::string::npos)
      << r.reason;
  // Each server at its address, on domain.nameserver_port.
  EXPECT_NE(std::find(world.dns.asked.begin(), world.dns.asked.end(), "198.51.100.54#5353"),
            world.dns.asked.end());
}

TEST(DomainDns, ALameServerFails) {
  for (auto [server, why] :
       {std::pair{Zones::Server{"", net::DnsStatus::servfail, false}, "refused or failed"},
        std::pair{Zones::Server{k_example, net::DnsStatus::ok, false},
                  "answered without authority"},
        std::pair{Zones::Server{"", net::DnsStatus::timeout, false}, "did not answer"}}) {
    World world(k_two_servers, k_example);
    world.dns.servers["198.51.100.53"] = {k_example, net::DnsStatus::ok, true};
    world.dns.servers["198.51.100.54"] = server;
    auto r = world.run("domain.dns");
    ASSERT_EQ(r.status, Status::fail) << why << ": " << messages(r);
    ASSERT_EQ(r.findings.size(), 1u) << messages(r);
    EXPECT_NE(r.findings[0].message.find("the name server ns2.example.net (198.51.100.54) is a "
                                         "lame delegation for example.com: asked for the SOA "
                                         "record, it " +
                                         std::string(why)),
              std::string::npos)
        << r.findings[0].message;
    EXPECT_EQ(r.findings[0].evidence["server"], "ns2.example.net");
    EXPECT_EQ(r.findings[0].evidence["port"], 5353);
  }
}

TEST(DomainDns, ServersThatDisagreeOnTheSerialWarn) {
  World world(k_two_servers, k_example);
  world.dns.servers["198.51.100.53"] = {with_serial("2024010102"), net::DnsStatus::ok, true};
  world.dns.servers["198.51.100.54"] = {k_example, net::DnsStatus::ok, true};
  auto r = world.run("domain.dns");
  ASSERT_EQ(r.status, Status::warn) << messages(r);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("disagree on the SOA serial: 2024010101 from "
                                       "ns2.example.net (198.51.100.54); 2024010102 from "
                                       "ns1.example.net (198.51.100.53)"),
            std::string::npos)
      << r.findings[0].message;
}

TEST(DomainDns, AServerSilentOnlyOverIpv6IsANoteNotAFailure) {
  std::string host = std::string(k_dns_host) + "ns2 IN AAAA 2001:db8::54\n";
  World world(k_two_servers, k_example);
  world.dns.add(host, "example.net"); // of two zones with one origin, the later answers
  world.dns.servers["198.51.100.53"] = {k_example, net::DnsStatus::ok, true};
  world.dns.servers["198.51.100.54"] = {k_example, net::DnsStatus::ok, true};
  auto r = world.run("domain.dns");
  EXPECT_EQ(r.status, Status::pass) << messages(r);
  EXPECT_NE(r.reason.find("ns2.example.net (2001:db8::54) gave no answer over IPv6 while it "
                          "answered over IPv4"),
            std::string::npos)
      << r.reason;
}

TEST(DomainDns, UnresolvableNamesAreErrorsOrFailures) {
  auto none = run_check("domain.dns", "  names: [portal.example.org]\n");
  EXPECT_EQ(none.status, Status::error) << messages(none);
  EXPECT_NE(none.reason.find("no configured name could be resolved: portal.example.org: SERVFAIL"),
            std::string::npos)
      << none.reason;
  auto some = run_check("domain.dns", "  names: [portal.example.com, portal.example.org]\n");
  EXPECT_EQ(some.status, Status::fail);
  ASSERT_EQ(some.findings.size(), 1u) << messages(some);
  EXPECT_TRUE(has_finding(some, "portal.example.org could not be resolved: SERVFAIL"));
}

// ---- domain.caa ------------------------------------------------------------------------------

TEST(DomainCaa, TheParentsSetIsFoundAndReported) {
  auto r = run_check("domain.caa", "  names: [portal.example.com, www.example.com]\n");
  EXPECT_EQ(r.status, Status::pass) << messages(r);
  EXPECT_NE(r.reason.find("portal.example.com: CAA at example.com (for portal.example.com) "
                          "allows letsencrypt.org, reports to mailto:security@example.com"),
            std::string::npos)
      << r.reason;
  // The name's own set wins over its parent's.
  std::string zone = std::string(k_example) + "portal IN CAA 0 issue \"pki.goog\"\n";
  auto own = run_check("domain.caa", "  names: [portal.example.com]\n", zone);
  EXPECT_EQ(own.status, Status::pass) << messages(own);
  EXPECT_NE(own.reason.find("CAA at portal.example.com allows pki.goog"), std::string::npos)
      << own.reason;
}

TEST(DomainCaa, NoCaaAnywhereIsAWarning) {
  std::string zone = "@ IN SOA ns1.example.net. h.example.com. 1 7200 3600 1209600 300\n"
                     "portal IN A 192.0.2.1\n";
  auto r = run_check("domain.caa", "  names: [portal.example.com]\n", zone);
  EXPECT_EQ(r.status, Status::warn) << messages(r);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("any CA may issue for portal.example.com: no CAA record "
                                       "at portal.example.com or its parents up to example.com"),
            std::string::npos)
      << r.findings[0].message;
}

TEST(DomainCaa, AnUnknownCriticalTagFails) {
  std::string zone = std::string(k_example) + "@ IN CAA 128 tbs \"x\"\n";
  auto r = run_check("domain.caa", "  names: [portal.example.com]\n", zone);
  EXPECT_EQ(r.status, Status::fail);
  EXPECT_TRUE(has_finding(r, "has the tag 'tbs' flagged critical (128), which no CA knows: CAs "
                             "must refuse to issue for portal.example.com"))
      << messages(r);
}

TEST(DomainCaa, NobodyMayIssueForANameThatServesHttpsFails) {
  std::string zone = "@ IN SOA ns1.example.net. h.example.com. 1 7200 3600 1209600 300\n"
                     "@ IN CAA 0 issue \";\"\nportal IN A 192.0.2.1\nwww IN A 192.0.2.1\n";
  auto r =
      run_check("domain.caa", "  names: [\"portal.example.com:8443\", www.example.com]\n", zone);
  EXPECT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 1u) << "one set, one finding: " << messages(r);
  EXPECT_NE(r.findings[0].message.find("lets no CA issue (issue \";\") while portal.example.com "
                                       "serves HTTPS on port 8443"),
            std::string::npos)
      << r.findings[0].message;
  EXPECT_EQ(r.findings[0].evidence["for"], "portal.example.com, www.example.com");
}

// ---- domain.dangling-cname -------------------------------------------------------------------

TEST(DomainDanglingCname, ACnameToAProviderThatResolvesPassesByDnsOnly) {
  std::string zone = std::string(k_example) + "app IN CNAME myportal.azurewebsites.net.\n";
  auto r =
      run_check("domain.dangling-cname", "  names: [app.example.com, www.example.com]\n", zone);
  EXPECT_EQ(r.status, Status::pass) << messages(r);
  EXPECT_NE(r.reason.find("app.example.com -> myportal.azurewebsites.net (Azure App Service): "
                          "resolves; checked by DNS only"),
            std::string::npos)
      << r.reason;
  EXPECT_NE(r.reason.find("www.example.com -> portal.example.com: resolves"), std::string::npos);
}

TEST(DomainDanglingCname, ACnameToAnUnclaimedProviderNameFails) {
  std::string zone = std::string(k_example) + "app IN CNAME oldportal.azurewebsites.net.\n";
  auto r = run_check("domain.dangling-cname", "  names: [app.example.com]\n", zone);
  EXPECT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 1u) << messages(r);
  const auto& f = r.findings[0];
  EXPECT_NE(f.message.find("dangling CNAME: whoever claims oldportal.azurewebsites.net at Azure "
                           "App Service serves your site"),
            std::string::npos)
      << f.message;
  EXPECT_EQ(f.evidence["cname_chain"], "app.example.com -> oldportal.azurewebsites.net");
  EXPECT_EQ(f.evidence["status"], "NXDOMAIN");
  EXPECT_EQ(f.evidence["provider"], "Azure App Service");

  // A provider where NXDOMAIN alone proves less still fails, and says so.
  zone = std::string(k_example) + "app IN CNAME deleted-app.herokuapp.com.\n";
  auto heroku = run_check("domain.dangling-cname", "  names: [app.example.com]\n", zone);
  EXPECT_EQ(heroku.status, Status::fail);
  EXPECT_TRUE(has_finding(heroku, "a takeover at Heroku is rated edge")) << messages(heroku);
}

TEST(DomainDanglingCname, ADanglingNameInTheOwnZoneIsAWarning) {
  std::string zone = std::string(k_example) + "old IN CNAME gone.example.com.\n";
  auto r = run_check("domain.dangling-cname", "  names: [old.example.com]\n", zone);
  EXPECT_EQ(r.status, Status::warn) << messages(r);
  EXPECT_TRUE(has_finding(r, "only your own zone can fill it"));
}

TEST(DomainDanglingCname, TargetsNoZoneAnswersForAreNotVerified) {
  std::string zone = std::string(k_example) + "app IN CNAME site.netlify.app.\n";
  auto alone = run_check("domain.dangling-cname", "  names: [app.example.com]\n", zone);
  EXPECT_EQ(alone.status, Status::error) << messages(alone);
  EXPECT_NE(alone.reason.find("app.example.com -> site.netlify.app (Netlify, DNS only): SERVFAIL"),
            std::string::npos)
      << alone.reason;
  auto mixed =
      run_check("domain.dangling-cname", "  names: [app.example.com, portal.example.com]\n", zone);
  EXPECT_EQ(mixed.status, Status::pass) << messages(mixed);
  EXPECT_NE(mixed.reason.find("not verified"), std::string::npos);
}

// ---- all three -------------------------------------------------------------------------------

TEST(DomainDnsChecks, WithoutNamesOrDnsTheySkip) {
  for (const char* id : {"domain.dns", "domain.caa", "domain.dangling-cname"}) {
    auto r = run_check(id, "  http_port: 80\n");
    EXPECT_EQ(r.status, Status::skip) << id;
    EXPECT_EQ(r.skip_kind, SkipKind::not_configured) << id;
    auto config = parse_config(
        "target:\n  base_url: https://portal.example.com\ndomain: {names: [portal.example.com]}\n",
        "t", "");
    ASSERT_TRUE(config);
    test::FakeHttp http;
    test::FakeClock clock;
    engine::Context context(*config, {http, clock}, {});
    auto impl = std::find_if(implementations().begin(), implementations().end(),
                             [&](const Implementation& i) { return i.id == id; });
    ASSERT_NE(impl, implementations().end());
    auto no_dns = impl->run(context, *find_check(id));
    EXPECT_EQ(no_dns.status, Status::skip) << id;
    EXPECT_EQ(no_dns.skip_kind, SkipKind::not_configured) << id;
  }
}

TEST(DomainDnsChecks, RepeatedRunsAskTheSameBoundedQuestions) {
  const std::string yaml = R"(  names: [portal.example.com, www.example.com, app.example.com]
  nameservers: [ns1.example.net, ns2.example.net]
  expect:
    portal.example.com: {a: [192.0.2.1]}
)";
  std::string zone = std::string(k_example) + "app IN CNAME myportal.azurewebsites.net.\n";
  World world(yaml, zone);
  for (const char* id : {"domain.dns", "domain.caa", "domain.dangling-cname"}) {
    int before = world.dns.queries;
    ASSERT_EQ(world.run(id).status, Status::pass) << id;
    int first = world.dns.queries - before;
    EXPECT_GT(first, 0) << id;
    EXPECT_LE(first, 40) << id; // three names: a handful of questions each
    before = world.dns.queries;
    ASSERT_EQ(world.run(id).status, Status::pass) << id;
    EXPECT_EQ(world.dns.queries - before, first) << id;
  }
}

} // namespace
} // namespace lg::checks
