// DMARC records (RFC 7489 section 6.3): parsing, errors receivers act on, and weak policies; and
// discovery by RFC 7489 and by the DMARCbis tree walk.

#include "analyze/dmarc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace lg {
namespace {

using analyze::parse_dmarc;

bool has(const std::vector<std::string>& list, const std::string& part) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

TEST(Dmarc, AStrictRecordParsesWithoutComplaint) {
  auto r = parse_dmarc("v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; pct=100; "
                       "rua=mailto:dmarc@example.com,mailto:ext@reports.example.net!10m; "
                       "ruf=mailto:f@example.com; fo=1:d; ri=3600");
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
  EXPECT_EQ(r.policy, "reject");
  EXPECT_EQ(r.subdomain_policy, "quarantine");
  EXPECT_EQ(r.adkim, 's');
  ASSERT_EQ(r.rua.size(), 2u);
  EXPECT_EQ(r.rua[1].mailbox(), "ext@reports.example.net");
  EXPECT_EQ(r.rua[1].limit, "10m");
  EXPECT_EQ(r.ri, 3600);
}

TEST(Dmarc, WeakPoliciesAreWarnings) {
  auto r = parse_dmarc("v=DMARC1;p=none");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(has(r.warnings, "monitoring only"));
  EXPECT_TRUE(has(r.warnings, "no rua"));
  auto partial = parse_dmarc("v = DMARC1 ; p=quarantine; pct=20; sp=none; t=y; rua=mailto:a@b.c");
  EXPECT_TRUE(partial.errors.empty()) << partial.errors.front();
  EXPECT_TRUE(has(partial.warnings, "pct=20"));
  EXPECT_TRUE(has(partial.warnings, "sp=none"));
  EXPECT_TRUE(has(partial.warnings, "testing mode"));
}

TEST(Dmarc, ErrorsSayWhatReceiversDo) {
  EXPECT_FALSE(analyze::is_dmarc_record("v=spf1 -all"));
  EXPECT_FALSE(analyze::is_dmarc_record("v=DMARC10; p=none"));
  EXPECT_TRUE(has(parse_dmarc("p=reject; v=DMARC1").errors, "does not start"));
  EXPECT_TRUE(has(parse_dmarc("v=DMARC1; rua=mailto:a@b.c").errors, "treat the record as p=none"));
  EXPECT_TRUE(has(parse_dmarc("v=DMARC1").errors, "receivers ignore the record"));
  auto bad = parse_dmarc("v=DMARC1; p=block; pct=120; adkim=x; rua=https://x.example/r; "
                         "fo=2; p=none; zz=1; rua=mailto:a@b.c!lots");
  EXPECT_TRUE(has(bad.errors, "p=block is not none"));
  EXPECT_TRUE(has(bad.errors, "pct=120"));
  EXPECT_TRUE(has(bad.errors, "adkim=x"));
  EXPECT_TRUE(has(bad.errors, "not a mailto: URI"));
  EXPECT_TRUE(has(bad.errors, "fo option '2'"));
  EXPECT_TRUE(has(bad.errors, "tag p appears twice"));
  EXPECT_TRUE(has(bad.errors, "tag rua appears twice"));
  EXPECT_EQ(bad.unknown_tags, std::vector<std::string>{"zz"});
}

/// TXT records by name; other names do not exist, names under "broken." fail.
class MapResolver final : public net::Resolver {
public:
  std::map<std::string, std::vector<std::string>> txt;
  std::vector<std::string> asked;

  Expected<net::DnsAnswer> query(const std::string& name, net::RrType type) override {
    asked.push_back(name);
    net::DnsAnswer answer;
    if (name.find("broken.") != std::string::npos) {
      answer.status = net::DnsStatus::servfail;
      return answer;
    }
    auto it = txt.find(name);
    if (it == txt.end() || type != net::RrType::txt) {
      answer.status = net::DnsStatus::nxdomain;
      return answer;
    }
    for (const auto& data : it->second)
      answer.records.push_back({name, net::RrType::txt, 300, data, {data}});
    return answer;
  }
};

TEST(DmarcDiscovery, Rfc7489AsksTheDomainThenItsOrganizationalDomain) {
  MapResolver dns;
  dns.txt["_dmarc.example.co.uk"] = {"v=DMARC1; p=reject; sp=quarantine"};
  auto own = analyze::discover_dmarc(dns, "example.co.uk");
  ASSERT_TRUE(own);
  EXPECT_TRUE(own->found);
  EXPECT_FALSE(own->subdomain);
  EXPECT_EQ(own->record.policy, "reject");

  auto sub = analyze::discover_dmarc(dns, "a.b.mail.example.co.uk");
  ASSERT_TRUE(sub);
  EXPECT_TRUE(sub->found);
  EXPECT_TRUE(sub->subdomain);
  EXPECT_EQ(sub->policy_domain, "example.co.uk");
  EXPECT_EQ(sub->organizational_domain, "example.co.uk");
  EXPECT_EQ(sub->tried,
            (std::vector<std::string>{"_dmarc.a.b.mail.example.co.uk", "_dmarc.example.co.uk"}));

  auto none = analyze::discover_dmarc(dns, "other.org");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->found);
  EXPECT_NE(none->problem.find("no DMARC record at _dmarc.other.org"), std::string::npos);

  dns.txt["_dmarc.two.org"] = {"v=DMARC1; p=none", "v=DMARC1; p=reject"};
  auto two = analyze::discover_dmarc(dns, "two.org");
  ASSERT_TRUE(two);
  EXPECT_FALSE(two->found);
  EXPECT_EQ(two->records.size(), 2u);
  EXPECT_NE(two->problem.find("2 DMARC records"), std::string::npos);

  auto failing = analyze::discover_dmarc(dns, "broken.example");
  ASSERT_TRUE(failing);
  EXPECT_TRUE(failing->temporary);
  EXPECT_NE(failing->problem.find("SERVFAIL"), std::string::npos);
}

TEST(DmarcDiscovery, TheTreeWalkStopsAtTheFirstRecordAndKeepsAtMostSevenLabels) {
  MapResolver dns;
  dns.txt["_dmarc.mail.example.com"] = {"v=DMARC1; p=quarantine"};
  dns.txt["_dmarc.example.com"] = {"v=DMARC1; p=reject"};
  auto r = analyze::discover_dmarc(dns, "a.b.c.d.e.f.g.h.mail.example.com",
                                   analyze::DmarcMethod::tree_walk);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->found);
  EXPECT_EQ(r->policy_domain, "mail.example.com");
  EXPECT_EQ(r->record.policy, "quarantine");
  // 11 labels: the name itself, then straight to the 7 rightmost, then one label at a time; the
  // walk goes on to the top for the organizational domain.
  ASSERT_GE(dns.asked.size(), 6u);
  EXPECT_EQ(dns.asked[0], "_dmarc.a.b.c.d.e.f.g.h.mail.example.com");
  EXPECT_EQ(dns.asked[1], "_dmarc.e.f.g.h.mail.example.com");
  EXPECT_EQ(dns.asked[5], "_dmarc.mail.example.com");
  EXPECT_EQ(dns.asked.back(), "_dmarc.com");
  // No psd= anywhere: the record nearest the root names the organizational domain.
  EXPECT_EQ(r->organizational_domain, "example.com");

  // The RFC 7489 way skips mail.example.com: receivers disagree.
  auto old = analyze::discover_dmarc(dns, "a.b.c.d.e.f.g.h.mail.example.com");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->policy_domain, "example.com");
}

TEST(DmarcDiscovery, PsdTagsSetTheOrganizationalDomain) {
  MapResolver dns;
  dns.txt["_dmarc.gov.example"] = {"v=DMARC1; p=reject; psd=y"};
  auto below =
      analyze::discover_dmarc(dns, "mail.agency.gov.example", analyze::DmarcMethod::tree_walk);
  ASSERT_TRUE(below);
  EXPECT_TRUE(below->found);
  EXPECT_EQ(below->policy_domain, "gov.example");
  EXPECT_EQ(below->organizational_domain, "agency.gov.example");

  dns.txt["_dmarc.corp.example"] = {"v=DMARC1; p=reject; psd=n"};
  dns.txt["_dmarc.example"] = {"v=DMARC1; p=none"};
  auto marked = analyze::discover_dmarc(dns, "eu.corp.example", analyze::DmarcMethod::tree_walk);
  ASSERT_TRUE(marked);
  EXPECT_EQ(marked->organizational_domain, "corp.example");
}

} // namespace
} // namespace lg
