// CaresResolver against a real DNS server (Knot DNS on 127.0.0.1 with test zones): each record
// type, CNAME chains, NXDOMAIN and NODATA, a TXT answer that only fits over TCP, a dead server,
// the cache, and the same answers as net::ZoneResolver over the same zone file — so every check
// works over either. Never real DNS: the servers are on loopback.

#include "analyze/dnsmsg.hpp"
#include "app/dns_source.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "net/impl/cares_resolver.hpp"
#include "net/impl/zone_resolver.hpp"
#include "support/dns_server.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>

namespace lg {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

/// 12 strings of 250 bytes: 3000 bytes of TXT, over both 512 and the 1232-byte EDNS size.
std::string big_txt() {
  std::string out = "big IN TXT";
  for (int i = 0; i < 12; ++i)
    out += " \"" + std::string(250, static_cast<char>('a' + i)) + "\"";
  return out + "\n";
}

std::string example_zone() {
  return "$ORIGIN example.com.\n$TTL 300\n"
         "@ IN SOA ns1.example.com. hostmaster.example.com. 2024050101 7200 3600 1209600 300\n"
         "@ IN NS ns1.example.com.\n"
         "ns1 IN A 127.0.0.1\n"
         "@ IN A 192.0.2.1\n"
         "@ IN AAAA 2001:db8::1\n"
         "@ 600 IN MX 10 mx1.example.com.\n"
         "@ 600 IN MX 20 mx2\n"
         "mx1 IN A 192.0.2.10\n"
         "mx2 IN A 192.0.2.11\n"
         "@ IN TXT \"v=spf1 include:_spf.example.net\" \" -all\"\n"
         "@ IN CAA 0 issue \"letsencrypt.org\"\n"
         "@ IN CAA 128 iodef \"mailto:security@example.com\"\n"
         "_dmarc IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.com\"\n"
         "www IN CNAME web\n"
         "web IN CNAME host\n"
         "host IN A 192.0.2.7\n"
         "out IN CNAME elsewhere.example.net.\n"
         "*.wild IN TXT \"wildcard\"\n"
         "_sip._tcp IN SRV 10 60 5060 host\n" +
         big_txt();
}

/// Records with the CNAME prefix kept in order and the rest sorted (servers order RRsets freely).
std::vector<net::DnsRecord> canonical(std::vector<net::DnsRecord> records) {
  auto first = std::find_if(records.begin(), records.end(),
                            [](const auto& r) { return r.type != net::RrType::cname; });
  std::sort(first, records.end(), [](const auto& a, const auto& b) { return a.data < b.data; });
  return records;
}

std::string show(const net::DnsAnswer& a) {
  std::string out = "status " + std::to_string(static_cast<int>(a.status)) + ":";
  for (const auto& r : a.records)
    out += " [" + r.name + " " + std::to_string(r.ttl) + " " + net::rr_type_name(r.type) + " " +
           r.data + "]";
  return out;
}

class DnsServer : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    std::string problem;
    bool missing = false;
    s_server =
        test::DnsTestServer::start({{"example.com", example_zone()}}, problem, missing).release();
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

  static std::unique_ptr<net::CaresResolver>
  live(std::chrono::milliseconds timeout = std::chrono::milliseconds(1000)) {
    net::CaresOptions options;
    options.server = s_server->address();
    options.timeout = timeout;
    auto r = net::CaresResolver::open(options);
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(*r) : nullptr;
  }

  static test::DnsTestServer* s_server;
  static std::string s_problem;
  static bool s_missing;
};

test::DnsTestServer* DnsServer::s_server = nullptr;
std::string DnsServer::s_problem;
bool DnsServer::s_missing = false;

TEST_F(DnsServer, EveryQueryAnswersAsTheZoneFileDoes) {
  auto dns = live();
  ASSERT_TRUE(dns);
  auto zone = net::ZoneResolver::load(s_server->zone_path("example.com"), "");
  ASSERT_TRUE(zone) << zone.error().message;
  struct Q {
    std::string name;
    net::RrType type;
  } queries[] = {
      {"example.com", net::RrType::a},          {"example.com", net::RrType::aaaa},
      {"example.com", net::RrType::mx},         {"Example.COM.", net::RrType::txt},
      {"example.com", net::RrType::caa},        {"example.com", net::RrType::soa},
      {"example.com", net::RrType::ns},         {"www.example.com", net::RrType::a},
      {"www.example.com", net::RrType::cname},  {"web.example.com", net::RrType::txt},
      {"nope.example.com", net::RrType::a},     {"mx1.example.com", net::RrType::aaaa},
      {"a.wild.example.com", net::RrType::txt}, {"_sip._tcp.example.com", net::RrType::srv},
      {"out.example.com", net::RrType::a},      {"big.example.com", net::RrType::txt},
      {"_dmarc.example.com", net::RrType::txt}, {"wild.example.com", net::RrType::a},
  };
  for (const auto& q : queries) {
    SCOPED_TRACE(q.name + " " + net::rr_type_name(q.type));
    auto got = dns->query(q.name, q.type);
    auto want = (*zone)->query(q.name, q.type);
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_TRUE(want);
    EXPECT_EQ(got->status, want->status) << show(*got) << " vs " << show(*want);
    auto a = canonical(got->records);
    auto b = canonical(want->records);
    ASSERT_EQ(a.size(), b.size()) << show(*got) << " vs " << show(*want);
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].name, b[i].name);
      EXPECT_EQ(a[i].type, b[i].type);
      EXPECT_EQ(a[i].ttl, b[i].ttl);
      EXPECT_EQ(a[i].data, b[i].data);
      EXPECT_EQ(a[i].strings, b[i].strings);
    }
  }
}

TEST_F(DnsServer, RecordsStatusesAndChainsOverLiveDns) {
  auto dns = live();
  ASSERT_TRUE(dns);
  auto mx = dns->query("example.com", net::RrType::mx);
  ASSERT_TRUE(mx);
  ASSERT_EQ(mx->records.size(), 2u) << show(*mx);
  auto sorted = canonical(mx->records);
  EXPECT_EQ(sorted[0].data, "10 mx1.example.com");
  EXPECT_EQ(sorted[1].data, "20 mx2.example.com");
  EXPECT_EQ(sorted[0].ttl, 600u);

  auto txt = dns->query("example.com", net::RrType::txt);
  ASSERT_TRUE(txt);
  ASSERT_EQ(txt->records.size(), 1u);
  EXPECT_EQ(txt->records[0].strings,
            (std::vector<std::string>{"v=spf1 include:_spf.example.net", " -all"}));
  EXPECT_EQ(txt->records[0].data, "v=spf1 include:_spf.example.net -all");

  auto soa = dns->query("example.com", net::RrType::soa);
  ASSERT_TRUE(soa);
  ASSERT_EQ(soa->records.size(), 1u);
  EXPECT_EQ(soa->records[0].data,
            "ns1.example.com hostmaster.example.com 2024050101 7200 3600 1209600 300");

  auto chain = dns->query("www.example.com", net::RrType::a);
  ASSERT_TRUE(chain);
  ASSERT_EQ(chain->records.size(), 3u) << show(*chain);
  EXPECT_EQ(chain->records[0].data, "web.example.com");
  EXPECT_EQ(chain->records[1].name, "web.example.com");
  EXPECT_EQ(chain->records[1].data, "host.example.com");
  EXPECT_EQ(chain->records[2].data, "192.0.2.7");

  auto nx = dns->query("nope.example.com", net::RrType::a);
  ASSERT_TRUE(nx);
  EXPECT_EQ(nx->status, net::DnsStatus::nxdomain);
  auto nodata = dns->query("mx1.example.com", net::RrType::aaaa);
  ASSERT_TRUE(nodata);
  EXPECT_EQ(nodata->status, net::DnsStatus::ok);
  EXPECT_TRUE(nodata->records.empty());
  // A name the server is not authoritative for: REFUSED is a server failure.
  auto refused = dns->query("example.org", net::RrType::a);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, net::DnsStatus::servfail);
}

TEST_F(DnsServer, ATruncatedUdpAnswerArrivesWholeOverTcp) {
  // Over UDP without EDNS the server can only say "truncated".
  auto query = analyze::build_dns_query(9, "big.example.com", net::RrType::txt);
  ASSERT_TRUE(query);
  auto raw = test::udp_exchange(s_server->port(), *query, 2000);
  auto udp = analyze::parse_dns_message(raw);
  ASSERT_TRUE(udp) << udp.error().message;
  EXPECT_TRUE(udp->truncated);
  EXPECT_LE(raw.size(), 512u);

  auto dns = live();
  ASSERT_TRUE(dns);
  auto start = Clock::now();
  auto big = dns->query("big.example.com", net::RrType::txt);
  double took = ms_since(start);
  ASSERT_TRUE(big);
  ASSERT_EQ(big->status, net::DnsStatus::ok);
  ASSERT_EQ(big->records.size(), 1u);
  EXPECT_EQ(big->records[0].strings.size(), 12u);
  EXPECT_EQ(big->records[0].data.size(), 3000u);
  EXPECT_EQ(big->records[0].strings[11], std::string(250, 'l'));
  std::printf("[measure] truncated TXT (3000 bytes) via UDP then TCP: %.2f ms\n", took);
}

TEST_F(DnsServer, AnswersAreCachedPerResolver) {
  auto dns = live();
  ASSERT_TRUE(dns);
  auto start = Clock::now();
  auto cold = dns->query("example.com", net::RrType::mx);
  double cold_ms = ms_since(start);
  start = Clock::now();
  auto warm = dns->query("EXAMPLE.com.", net::RrType::mx);
  double warm_ms = ms_since(start);
  ASSERT_TRUE(cold);
  ASSERT_TRUE(warm);
  EXPECT_EQ(show(*cold), show(*warm));
  EXPECT_EQ(dns->queries_sent(), 1);
  EXPECT_EQ(dns->cache_hits(), 1);
  auto nx1 = dns->query("nope.example.com", net::RrType::a);
  auto nx2 = dns->query("nope.example.com", net::RrType::a);
  EXPECT_EQ(dns->queries_sent(), 2) << "NXDOMAIN is cached too";
  std::printf("[measure] MX over loopback: cold %.3f ms, cached %.3f ms\n", cold_ms, warm_ms);
}

TEST_F(DnsServer, QueriesFromSeveralThreadsAtOnce) {
  auto dns = live();
  ASSERT_TRUE(dns);
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (const char* name : {"example.com", "mx1.example.com", "www.example.com", "nope.x"})
        for (auto type : {net::RrType::a, net::RrType::txt}) {
          auto answer = dns->query(name, type);
          if (answer)
            ++good;
        }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(good.load(), 4 * 4 * 2);
  // Every (name, type) is cached now: asking again sends nothing.
  int sent = dns->queries_sent();
  int hits = dns->cache_hits();
  for (const char* name : {"example.com", "mx1.example.com", "www.example.com", "nope.x"})
    for (auto type : {net::RrType::a, net::RrType::txt})
      ASSERT_TRUE(dns->query(name, type));
  EXPECT_EQ(dns->queries_sent(), sent);
  EXPECT_EQ(dns->cache_hits(), hits + 8);
}

TEST_F(DnsServer, EmailChecksRunOverLiveDnsAsOverTheZoneFile) {
  auto config = parse_config("target:\n  base_url: http://portal.test\n"
                             "email: {domain: example.com}\n",
                             "t", "");
  ASSERT_TRUE(config) << config.error().message;
  auto dns = live();
  ASSERT_TRUE(dns);
  auto zone = net::ZoneResolver::load(s_server->zone_path("example.com"), "");
  ASSERT_TRUE(zone);
  for (net::Resolver* resolver :
       {static_cast<net::Resolver*>(dns.get()), static_cast<net::Resolver*>(zone->get())}) {
    test::FakeHttp http;
    test::FakeClock clock;
    engine::Context context(*config, {http, clock, nullptr, resolver}, {});
    auto mx = checks::run_email_mx(context, *checks::find_check("email.mx"));
    EXPECT_EQ(mx.status, Status::pass) << mx.reason;
    EXPECT_NE(mx.reason.find("2 MX (10 mx1.example.com, 20 mx2.example.com), 2 address(es)"),
              std::string::npos)
        << mx.reason;
    auto dmarc = checks::run_email_dmarc(context, *checks::find_check("email.dmarc"));
    EXPECT_EQ(dmarc.status, Status::pass) << dmarc.reason;
    auto sts = checks::run_email_mta_sts(context, *checks::find_check("email.mta-sts"));
    EXPECT_EQ(sts.status, Status::warn) << sts.reason;
  }
}

TEST_F(DnsServer, EveryDnsCheckJudgesLiveDnsAsTheZoneFile) {
  auto config = parse_config("target:\n  base_url: http://portal.test\n"
                             "email: {domain: example.com, dkim_selectors: [s1]}\n"
                             "domain:\n  names: [example.com, www.example.com]\n",
                             "t", "");
  ASSERT_TRUE(config) << config.error().message;
  auto dns = live();
  ASSERT_TRUE(dns);
  auto zone = net::ZoneResolver::load(s_server->zone_path("example.com"), "");
  ASSERT_TRUE(zone);
  const char* ids[] = {"email.spf",  "email.dkim", "email.dmarc",          "email.mx",
                       "domain.dns", "domain.caa", "domain.dangling-cname"};
  std::map<std::string, std::vector<CheckResult>> results;
  for (net::Resolver* resolver :
       {static_cast<net::Resolver*>(dns.get()), static_cast<net::Resolver*>(zone->get())}) {
    test::FakeHttp http;
    test::FakeClock clock;
    engine::Context context(*config, {http, clock, nullptr, resolver}, {});
    for (const char* id : ids)
      for (const auto& impl : checks::implementations())
        if (impl.id == id)
          results[id].push_back(impl.run(context, *checks::find_check(id)));
  }
  for (const char* id : ids) {
    ASSERT_EQ(results[id].size(), 2u) << id;
    const auto& over_live = results[id][0];
    const auto& over_zone = results[id][1];
    EXPECT_EQ(over_live.status, over_zone.status)
        << id << ": " << over_live.reason << " | " << over_zone.reason;
    EXPECT_EQ(over_live.reason, over_zone.reason) << id;
    EXPECT_EQ(over_live.findings.size(), over_zone.findings.size()) << id;
  }
  // Not every one passes: the record under test decides, not the resolver.
  EXPECT_EQ(results["email.dkim"][0].status, Status::fail); // no key at s1
  EXPECT_EQ(results["email.dmarc"][0].status, Status::pass);
}

TEST_F(DnsServer, DnsServerConfigOpensALiveResolver) {
  DnsConfig config;
  config.server = s_server->address();
  auto resolver = app::open_resolver(config, "");
  ASSERT_TRUE(resolver) << resolver.error().message;
  ASSERT_NE(resolver->get(), nullptr);
  auto a = (*resolver)->query("host.example.com", net::RrType::a);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->records.size(), 1u);
  EXPECT_EQ(a->records[0].data, "192.0.2.7");

  config.server = "dns.example.com:53";
  auto bad = app::open_resolver(config, "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("dns.server 'dns.example.com:53'"), std::string::npos)
      << bad.error().message;
}

// No server needed for these: a socket that never answers, and a port nobody listens on.
TEST(DnsDeadServer, ASilentServerTimesOutWithinTheDeadline) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  net::CaresOptions options;
  options.server = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  options.timeout = std::chrono::milliseconds(200);
  options.tries = 2;
  auto dns = net::CaresResolver::open(options);
  ASSERT_TRUE(dns) << dns.error().message;
  auto start = Clock::now();
  auto answer = (*dns)->query("example.com", net::RrType::a);
  double took = ms_since(start);
  close(fd);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->status, net::DnsStatus::timeout);
  // c-ares waits 200 ms, then 400 ms; the deadline is 200 * 3 + 500 ms.
  EXPECT_GE(took, 550);
  EXPECT_LE(took, 1100 + 300);
  std::printf("[measure] silent server, timeout 200 ms x 2 tries: timeout after %.0f ms\n", took);

  // A hard deadline below c-ares's own schedule cuts the query short.
  options.deadline = std::chrono::milliseconds(250);
  auto short_dns = net::CaresResolver::open(options);
  ASSERT_TRUE(short_dns);
  int fd2 = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_EQ(bind(fd2, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  start = Clock::now();
  auto cut = (*short_dns)->query("example.com", net::RrType::a);
  took = ms_since(start);
  close(fd2);
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->status, net::DnsStatus::timeout);
  EXPECT_LE(took, 250 + 200);
}

TEST(DnsDeadServer, APortNobodyListensOnIsNoAnswer) {
  int port = test::free_dns_port();
  ASSERT_NE(port, 0);
  net::CaresOptions options;
  options.server = "127.0.0.1:" + std::to_string(port);
  options.timeout = std::chrono::milliseconds(500);
  auto dns = net::CaresResolver::open(options);
  ASSERT_TRUE(dns) << dns.error().message;
  auto start = Clock::now();
  auto answer = (*dns)->query("example.com", net::RrType::a);
  double took = ms_since(start);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->status, net::DnsStatus::timeout);
  EXPECT_LE(took, 2000);
  std::printf("[measure] closed port (ICMP refused): no answer after %.1f ms\n", took);
}

} // namespace
} // namespace lg
