// SPF (RFC 7208): the record parser and its error reasons, macro expansion with the section 7.4
// examples, check_host()'s limits over a zone file, and the static lint email.spf relies on.

#include "analyze/spf.hpp"
#include "analyze/zonefile.hpp"
#include "net/impl/zone_resolver.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

namespace lg::analyze {
namespace {

net::ZoneResolver zone(const std::string& text) {
  auto parsed =
      parse_zone("$ORIGIN example.com.\n@ IN SOA ns hostmaster 1 7200 900 1209600 300\n" + text,
                 "example.com");
  EXPECT_TRUE(parsed) << parsed.error().message;
  return net::ZoneResolver(std::move(*parsed));
}

SpfOutcome eval(net::Resolver& dns, const std::string& ip, const std::string& sender,
                const std::string& helo = "mail.example.com") {
  SpfQuery q;
  q.ip = ip;
  q.sender = sender;
  q.helo = helo;
  return check_host(dns, q);
}

TEST(SpfParse, MechanismsModifiersAndQualifiers) {
  auto r = parse_spf("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx:mail.example.com/28//64 "
                     "-include:_spf.example.net ~exists:%{i}.bl.example.org ?ptr "
                     "redirect=_spf.example.com exp=why.%{d} x-custom=%{l} -all");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->mechanisms.size(), 8u);
  EXPECT_EQ(r->mechanisms[0].kind, SpfMechanismKind::ip4);
  EXPECT_EQ(r->mechanisms[0].cidr4, 24);
  EXPECT_EQ(r->mechanisms[1].cidr6, 32);
  EXPECT_EQ(r->mechanisms[2].kind, SpfMechanismKind::a);
  EXPECT_EQ(r->mechanisms[2].domain_spec, "");
  EXPECT_EQ(r->mechanisms[3].domain_spec, "mail.example.com");
  EXPECT_EQ(r->mechanisms[3].cidr4, 28);
  EXPECT_EQ(r->mechanisms[3].cidr6, 64);
  EXPECT_EQ(r->mechanisms[4].qualifier, '-');
  EXPECT_EQ(r->mechanisms[5].qualifier, '~');
  EXPECT_EQ(r->mechanisms[6].kind, SpfMechanismKind::ptr);
  EXPECT_EQ(r->mechanisms[7].qualifier, '-');
  EXPECT_TRUE(r->has_redirect);
  EXPECT_EQ(r->redirect, "_spf.example.com");
  EXPECT_EQ(r->exp, "why.%{d}");
  ASSERT_EQ(r->unknown.size(), 1u);
  EXPECT_EQ(r->unknown[0].name, "x-custom");
  EXPECT_EQ(r->dns_terms(), 5); // a, mx, include, exists, ptr: the redirect is never used
  EXPECT_TRUE(parse_spf("V=SPF1 A MX -ALL")) << "names are case-insensitive";
  EXPECT_TRUE(parse_spf("v=spf1"));
  EXPECT_TRUE(parse_spf("v=spf1  a   -all "));
}

TEST(SpfParse, SyntaxErrorsNameTheTermAndTheReason) {
  struct Case {
    const char* record;
    const char* reason;
  };
  const Case cases[] = {
      {"v=spf1 ip4:1.2.3.4 -all moo", "unknown mechanism 'moo'"},
      {"v=spf1 -all.", "unexpected '.' after all"},
      {"v=spf1 ip4:1.2.3.4/33", "not an IPv4 CIDR length"},
      {"v=spf1 ip4:1.2.3.4/032", "not an IPv4 CIDR length"},
      {"v=spf1 ip6:::1/129", "not an IPv6 CIDR length"},
      {"v=spf1 ip4:1.2.3", "is not an IPv4 address"},
      {"v=spf1 a//129", "not an IPv6 CIDR length"},
      {"v=spf1 a/24/64", "not an IPv4 CIDR length"},
      {"v=spf1 a:museum", "does not end in a dot and a top-level label"},
      {"v=spf1 a:abc.123", "not a top-level label"},
      {"v=spf1 include", "include needs ':' and a domain"},
      {"v=spf1 include:", "an empty domain-spec"},
      {"v=spf1 exists:%(ir).example.com", "'%(' is not a macro"},
      {"v=spf1 exists:%{a}.example.com", "unknown macro letter 'a'"},
      {"v=spf1 -all exp=%{r}.example.com", "allowed only in exp= explanation text"},
      {"v=spf1 exp=a.example.com exp=b.example.com", "a second exp= modifier"},
      {"v=spf1 redirect:t.example.com", "unknown mechanism 'redirect'"},
      {"v=spf1 =all", "neither a mechanism nor a modifier"},
      {"v=spf1 a:ctrl.example.com\rptr", "byte \\x0D"},
      {"v=spf1 foo=%abc", "'%a' is not a macro"},
  };
  for (const auto& c : cases) {
    auto r = parse_spf(c.record);
    ASSERT_FALSE(r) << c.record;
    EXPECT_NE(r.error().message.find(c.reason), std::string::npos)
        << c.record << " -> " << r.error().message;
  }
  EXPECT_FALSE(is_spf_record("v=spf10"));
  EXPECT_FALSE(is_spf_record("v=spf1-all"));
  EXPECT_TRUE(is_spf_record("V=Spf1 -all"));
}

TEST(SpfMacros, TheExamplesOfRfc7208Section74) {
  SpfMacroContext c;
  c.sender = "strong-bad@email.example.com";
  c.domain = "email.example.com";
  c.ip = "192.0.2.3";
  const std::pair<const char*, const char*> cases[] = {
      {"%{s}", "strong-bad@email.example.com"},
      {"%{o}", "email.example.com"},
      {"%{d}", "email.example.com"},
      {"%{d4}", "email.example.com"},
      {"%{d3}", "email.example.com"},
      {"%{d2}", "example.com"},
      {"%{d1}", "com"},
      {"%{dr}", "com.example.email"},
      {"%{d2r}", "example.email"},
      {"%{l}", "strong-bad"},
      {"%{l-}", "strong.bad"},
      {"%{lr}", "strong-bad"},
      {"%{lr-}", "bad.strong"},
      {"%{l1r-}", "strong"},
      {"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
      {"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
      {"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
      {"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
      {"%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"},
  };
  for (const auto& [macro, want] : cases) {
    auto got = expand_spf_macros(macro, c, false);
    ASSERT_TRUE(got) << macro << ": " << got.error().message;
    EXPECT_EQ(*got, want) << macro;
  }
  // The IPv6 example. Its nibbles are printed in upper case (as the RFC 7208 test suite expects
  // of %{i} in explanations); DNS names ignore case, so the RFC's lower-case form is the same name.
  c.ip = "2001:db8::cb01";
  auto v6 = expand_spf_macros("%{ir}.%{v}._spf.%{d2}", c, false);
  ASSERT_TRUE(v6);
  EXPECT_EQ(to_lower(*v6),
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf."
            "example.com");
}

TEST(SpfMacros, EscapesExplanationLettersAndErrors) {
  SpfMacroContext c;
  c.sender = "~jack&jill=up-a_b3.c@example.com";
  c.domain = "example.com";
  c.ip = "::ffff:192.0.2.3"; // IPv4-mapped: treated as IPv4
  c.helo = "mx.example.org";
  c.receiver = "mx.example.net";
  c.now = 1234567890;
  EXPECT_EQ(*expand_spf_macros("%{L}", c, false), "~jack%26jill%3Dup-a_b3.c");
  EXPECT_EQ(*expand_spf_macros("%%%_%-", c, false), "% %20");
  EXPECT_EQ(*expand_spf_macros("%{c} %{r} %{t} %{v} %{h} %{p}", c, true),
            "192.0.2.3 mx.example.net 1234567890 in-addr mx.example.org unknown");
  c.validated_name = [] { return std::string("mx.example.org"); };
  EXPECT_EQ(*expand_spf_macros("%{p}", c, false), "mx.example.org");
  EXPECT_FALSE(expand_spf_macros("%{c}", c, false)) << "c only in explanations";
  EXPECT_FALSE(expand_spf_macros("a b", c, false)) << "no spaces in a domain-spec";
  EXPECT_FALSE(expand_spf_macros("%{d0}", c, false)) << "zero labels";
  EXPECT_FALSE(expand_spf_macros("%{d", c, false));
  EXPECT_FALSE(expand_spf_macros("%{d*}", c, false));
  EXPECT_FALSE(expand_spf_macros("100%", c, false));
  c.ip = "CAFE:BABE::1";
  EXPECT_EQ(*expand_spf_macros("%{c} %{v}", c, true), "cafe:babe::1 ip6");
  // Section 7.3: the left side is dropped, label by label, to fit 253 characters.
  std::string long_name;
  for (int i = 0; i < 30; ++i)
    long_name += "label" + std::to_string(i) + ".";
  long_name += "example.com";
  auto target = spf_target_name(long_name);
  EXPECT_LE(target.size(), 253u);
  EXPECT_TRUE(target.ends_with(".label29.example.com")) << target;
  EXPECT_EQ(spf_target_name("a..example.com"), "");
  EXPECT_EQ(spf_target_name("mail.example.com."), "mail.example.com");
}

TEST(SpfCheckHost, ResultsExplanationsAndTheMatchingTerm) {
  auto dns =
      zone("@ IN TXT \"v=spf1 ip4:192.0.2.0/24 include:inc.example.com -all exp=why.example.com\"\n"
           "inc IN TXT \"v=spf1 a:relay.example.com ~all\"\n"
           "relay IN A 198.51.100.7\n"
           "why IN TXT \"%{i} may not send as %{d}\"\n"
           "soft IN TXT \"v=spf1 ~all\"\n");
  auto pass = eval(dns, "192.0.2.10", "alice@example.com");
  EXPECT_EQ(pass.result, SpfResult::pass);
  EXPECT_EQ(pass.mechanism, "ip4:192.0.2.0/24");
  EXPECT_EQ(pass.dns_lookups, 0);
  auto included = eval(dns, "198.51.100.7", "alice@example.com");
  EXPECT_EQ(included.result, SpfResult::pass);
  EXPECT_EQ(included.mechanism, "include:inc.example.com");
  EXPECT_EQ(included.dns_lookups, 2);
  auto fail = eval(dns, "203.0.113.5", "alice@example.com");
  EXPECT_EQ(fail.result, SpfResult::fail);
  EXPECT_EQ(fail.explanation, "203.0.113.5 may not send as example.com");
  EXPECT_EQ(fail.record,
            "v=spf1 ip4:192.0.2.0/24 include:inc.example.com -all exp=why.example.com");
  EXPECT_EQ(eval(dns, "203.0.113.5", "bob@soft.example.com").result, SpfResult::softfail);
  // An empty MAIL FROM checks postmaster@HELO.
  auto bounce = eval(dns, "203.0.113.5", "", "soft.example.com");
  EXPECT_EQ(bounce.result, SpfResult::softfail);
  EXPECT_EQ(bounce.domain, "soft.example.com");
  EXPECT_EQ(eval(dns, "203.0.113.5", "x@nothing.example.com").result, SpfResult::none);
  EXPECT_EQ(eval(dns, "203.0.113.5", "x@elsewhere.test").result, SpfResult::temperror)
      << "outside the zone: SERVFAIL";
  EXPECT_EQ(eval(dns, "203.0.113.5", "x@localhost").result, SpfResult::none);
}

TEST(SpfCheckHost, LookupAndVoidLimits) {
  std::string text = "@ IN TXT \"v=spf1 include:i1.example.com -all\"\n";
  for (int i = 1; i <= 11; ++i)
    text += "i" + std::to_string(i) + " IN TXT \"v=spf1 " +
            (i < 11 ? "include:i" + std::to_string(i + 1) + ".example.com"
                    : std::string("ip4:192.0.2.1")) +
            "\"\n";
  text += "void IN TXT \"v=spf1 a:n1.example.com a:n2.example.com a:n3.example.com ip4:192.0.2.1 "
          "-all\"\n"
          "twovoid IN TXT \"v=spf1 a:n1.example.com a:n2.example.com ip4:192.0.2.1 -all\"\n"
          "loop IN TXT \"v=spf1 redirect=loop.example.com\"\n";
  auto dns = zone(text);
  auto over = eval(dns, "192.0.2.1", "a@example.com");
  EXPECT_EQ(over.result, SpfResult::permerror);
  EXPECT_NE(over.problem.find("more than 10 DNS-querying terms"), std::string::npos)
      << over.problem;
  EXPECT_EQ(eval(dns, "192.0.2.1", "a@i1.example.com").result, SpfResult::pass) << "10 lookups";
  auto voids = eval(dns, "192.0.2.1", "a@void.example.com");
  EXPECT_EQ(voids.result, SpfResult::permerror);
  EXPECT_NE(voids.problem.find("void lookups"), std::string::npos) << voids.problem;
  EXPECT_EQ(eval(dns, "192.0.2.1", "a@twovoid.example.com").result, SpfResult::pass);
  EXPECT_EQ(eval(dns, "192.0.2.1", "a@loop.example.com").result, SpfResult::permerror);
}

TEST(SpfLint, AGoodRecordHasNoProblems) {
  auto dns = zone("@ IN TXT \"v=spf1 mx include:_spf.example.com -all\"\n"
                  "@ IN MX 10 mail\n"
                  "mail IN A 192.0.2.1\n"
                  "_spf IN TXT \"v=spf1 ip4:198.51.100.0/24 ~all\"\n");
  auto lint = lint_spf(dns, "example.com");
  EXPECT_EQ(lint.record, "v=spf1 mx include:_spf.example.com -all");
  EXPECT_EQ(lint.dns_lookups, 2);
  EXPECT_EQ(lint.all_qualifier, '-');
  EXPECT_TRUE(lint.problems.empty()) << lint.problems.front().message;
}

TEST(SpfLint, ReportsWhatReceiversTripOver) {
  auto has = [](const SpfLint& lint, const std::string& key, bool serious) {
    for (const auto& p : lint.problems)
      if (p.key.rfind(key, 0) == 0 && p.serious == serious)
        return true;
    return false;
  };
  auto dns = zone("none IN A 192.0.2.1\n"
                  "two IN TXT \"v=spf1 -all\"\n"
                  "two IN TXT \"v=spf1 ~all\"\n"
                  "plus IN TXT \"v=spf1 +all\"\n"
                  "question IN TXT \"v=spf1 ptr ?all\"\n"
                  "open IN TXT \"v=spf1 ip4:192.0.2.1\"\n"
                  "broken IN TXT \"v=spf1 ip4:192.0.2.300 -all\"\n"
                  "dangling IN TXT \"v=spf1 include:gone.example.com -all\"\n"
                  "redir IN TXT \"v=spf1 redirect=plus.example.com\"\n"
                  "many IN TXT \"v=spf1 a a a a a a include:more.example.com -all\"\n"
                  "many IN A 192.0.2.1\n"
                  "more IN TXT \"v=spf1 a a a a a\"\n"
                  "more IN A 192.0.2.2\n");
  EXPECT_TRUE(has(lint_spf(dns, "none.example.com"), "missing", true));
  EXPECT_TRUE(has(lint_spf(dns, "two.example.com"), "several", true));
  EXPECT_TRUE(has(lint_spf(dns, "plus.example.com"), "+all", true));
  auto question = lint_spf(dns, "question.example.com");
  EXPECT_TRUE(has(question, "?all", false));
  EXPECT_TRUE(has(question, "ptr", false));
  EXPECT_TRUE(question.uses_ptr);
  EXPECT_TRUE(has(lint_spf(dns, "open.example.com"), "no all", false));
  EXPECT_TRUE(has(lint_spf(dns, "broken.example.com"), "syntax", true));
  EXPECT_TRUE(has(lint_spf(dns, "dangling.example.com"), "no record gone.example.com", true));
  auto redirected = lint_spf(dns, "redir.example.com");
  EXPECT_EQ(redirected.all_qualifier, '+') << "the redirect's all counts";
  EXPECT_TRUE(has(redirected, "+all", true));
  auto many = lint_spf(dns, "many.example.com");
  EXPECT_EQ(many.dns_lookups, 12);
  EXPECT_TRUE(has(many, "lookups", true));
  EXPECT_TRUE(many.problems.front().serious) << "serious problems first";
}

} // namespace
} // namespace lg::analyze
