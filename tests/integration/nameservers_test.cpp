// domain.dns asks each listed name server directly: two Knot DNS servers on 127.0.0.1 and
// 127.0.0.2 at one port play ns1 and ns2 of example.com. Both authoritative with one serial
// passes that part; a second server with a newer serial warns; one that does not serve the zone
// (it answers REFUSED) is a lame delegation and fails. Only loopback is ever asked.

#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "net/impl/cares_resolver.hpp"
#include "support/dns_server.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace lg {
namespace {

std::string zone(const std::string& serial) {
  return "$ORIGIN example.com.\n$TTL 300\n"
         "@ IN SOA ns1.example.com. hostmaster.example.com. " +
         serial +
         " 7200 3600 1209600 300\n"
         "@ IN NS ns1.example.com.\n"
         "@ IN NS ns2.example.com.\n"
         "ns1 IN A 127.0.0.1\n"
         "ns2 IN A 127.0.0.2\n"
         "portal IN A 192.0.2.1\n";
}

std::string other_zone() {
  return "$ORIGIN other.test.\n$TTL 300\n"
         "@ IN SOA ns1.other.test. hostmaster.other.test. 1 7200 3600 1209600 300\n"
         "@ IN NS ns1.other.test.\n"
         "ns1 IN A 127.0.0.2\n";
}

struct Outcome {
  CheckResult result;
  std::string problem; ///< why the servers did not start; "skip:" when knotd is missing
};

/// ns1 (127.0.0.1) serves example.com at serial 2024060101; ns2 (127.0.0.2, same port) serves
/// `second`. domain.dns runs over a CaresResolver on ns1.
Outcome run_with_second(const std::map<std::string, std::string>& second) {
  Outcome out;
  bool missing = false;
  auto ns1 =
      test::DnsTestServer::start({{"example.com", zone("2024060101")}}, out.problem, missing);
  if (!ns1) {
    out.problem = (missing ? "skip:" : "") + out.problem;
    return out;
  }
  auto ns2 = test::DnsTestServer::start(second, out.problem, missing, "127.0.0.2", ns1->port());
  if (!ns2)
    return out;
  auto config = parse_config("target:\n  base_url: https://portal.example.com\n"
                             "domain:\n  names: [portal.example.com]\n"
                             "  nameservers: [ns1.example.com, ns2.example.com]\n"
                             "  nameserver_port: " +
                                 std::to_string(ns1->port()) + "\n",
                             "t", "");
  if (!config) {
    out.problem = config.error().message;
    return out;
  }
  net::CaresOptions options;
  options.server = ns1->address();
  options.timeout = std::chrono::milliseconds(300);
  options.tries = 1;
  auto dns = net::CaresResolver::open(options);
  if (!dns) {
    out.problem = dns.error().message;
    return out;
  }
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock, nullptr, dns->get()}, {});
  out.result = checks::run_domain_dns(context, *checks::find_check("domain.dns"));
  EXPECT_TRUE(http.seen.empty());
  return out;
}

std::string messages(const CheckResult& r) {
  std::string out = r.reason;
  for (const auto& f : r.findings)
    out += "\n  " + f.message;
  return out;
}

/// The finding whose message holds `text`, or null.
const Finding* finding_with(const CheckResult& r, const std::string& text) {
  auto it = std::find_if(r.findings.begin(), r.findings.end(), [&](const Finding& f) {
    return f.message.find(text) != std::string::npos;
  });
  return it == r.findings.end() ? nullptr : &*it;
}

#define START_OR_SKIP(outcome)                                                                     \
  do {                                                                                             \
    if ((outcome).problem.rfind("skip:", 0) == 0)                                                  \
      GTEST_SKIP() << (outcome).problem;                                                           \
    ASSERT_TRUE((outcome).problem.empty()) << (outcome).problem;                                   \
  } while (false)

TEST(NameServers, BothAuthoritativeWithOneSerialAgree) {
  auto out = run_with_second({{"example.com", zone("2024060101")}});
  START_OR_SKIP(out);
  const auto& r = out.result;
  EXPECT_NE(r.reason.find("authoritative answers agree: example.com serial 2024060101 from "
                          "ns1.example.com (127.0.0.1), ns2.example.com (127.0.0.2)"),
            std::string::npos)
      << messages(r);
  EXPECT_EQ(finding_with(r, "lame delegation"), nullptr) << messages(r);
  EXPECT_EQ(finding_with(r, "disagree"), nullptr) << messages(r);
  // What remains is the loopback addresses themselves, which no user's resolver can reach.
  for (const auto& f : r.findings)
    EXPECT_NE(f.message.find("private address"), std::string::npos) << f.message;
}

TEST(NameServers, ASecondaryBehindOnTheSerialWarns) {
  auto out = run_with_second({{"example.com", zone("2024060102")}});
  START_OR_SKIP(out);
  const auto* f = finding_with(out.result, "disagree on the SOA serial");
  ASSERT_NE(f, nullptr) << messages(out.result);
  EXPECT_NE(f->message.find("2024060101 from ns1.example.com (127.0.0.1); 2024060102 from "
                            "ns2.example.com (127.0.0.2)"),
            std::string::npos)
      << f->message;
}

TEST(NameServers, AServerThatDoesNotServeTheZoneIsLame) {
  auto out = run_with_second({{"other.test", other_zone()}});
  START_OR_SKIP(out);
  EXPECT_EQ(out.result.status, Status::fail);
  const auto* f = finding_with(out.result, "is a lame delegation for example.com");
  ASSERT_NE(f, nullptr) << messages(out.result);
  EXPECT_NE(f->message.find("ns2.example.com (127.0.0.2)"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("REFUSED or SERVFAIL"), std::string::npos) << f->message;
  EXPECT_EQ(finding_with(out.result, "ns1.example.com (127.0.0.1) is a lame"), nullptr);
}

} // namespace
} // namespace lg
