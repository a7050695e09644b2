// DNS wire-format responses, built by hand: compression, each record type in the zone-file
// presentation form, header bits, and truncated or garbled messages that must be errors.

#include "analyze/dnsmsg.hpp"
#include "analyze/zonefile.hpp"

#include <gtest/gtest.h>

#include <random>

namespace lg::analyze {
namespace {

std::string u16(unsigned v) {
  return {static_cast<char>((v >> 8) & 0xFF), static_cast<char>(v & 0xFF)};
}
std::string u32(std::uint32_t v) {
  return u16(v >> 16) + u16(v & 0xFFFF);
}
/// "mail.example.com" as uncompressed labels ending in the root.
std::string labels(std::string_view dotted) {
  std::string out;
  size_t begin = 0;
  while (begin < dotted.size()) {
    size_t dot = dotted.find('.', begin);
    if (dot == std::string_view::npos)
      dot = dotted.size();
    out += static_cast<char>(dot - begin);
    out += dotted.substr(begin, dot - begin);
    begin = dot + 1;
  }
  return out + std::string(1, '\0');
}
std::string ptr(unsigned offset) {
  return u16(0xC000 | offset);
}
std::string header(unsigned flags, unsigned qd, unsigned an, unsigned ns = 0, unsigned ar = 0) {
  return u16(0x1234) + u16(flags) + u16(qd) + u16(an) + u16(ns) + u16(ar);
}
std::string rr(const std::string& owner, net::RrType type, const std::string& rdata,
               std::uint32_t ttl = 300, unsigned rclass = 1) {
  return owner + u16(static_cast<unsigned>(type)) + u16(rclass) + u32(ttl) +
         u16(static_cast<unsigned>(rdata.size())) + rdata;
}
/// A response to "example.com <type>": the question's name sits at offset 12.
std::string response(net::RrType type, const std::vector<std::string>& answers,
                     unsigned flags = 0x8180) {
  std::string m = header(flags, 1, static_cast<unsigned>(answers.size())) + labels("example.com") +
                  u16(static_cast<unsigned>(type)) + u16(1);
  for (const auto& a : answers)
    m += a;
  return m;
}

net::DnsRecord only(const std::string& wire) {
  auto m = parse_dns_message(wire);
  EXPECT_TRUE(m) << m.error().message;
  if (!m || m->answers.size() != 1)
    return {};
  return m->answers[0];
}

TEST(DnsMessage, AnAnswerWithACompressedOwner) {
  auto m = parse_dns_message(response(
      net::RrType::a, {rr(ptr(12), net::RrType::a, std::string("\xC0\x00\x02\x01", 4), 3600)}));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(m->response);
  EXPECT_FALSE(m->truncated);
  EXPECT_EQ(m->rcode, 0);
  EXPECT_EQ(m->id, 0x1234);
  EXPECT_EQ(m->question, "example.com");
  EXPECT_EQ(m->question_type, net::RrType::a);
  ASSERT_EQ(m->answers.size(), 1u);
  EXPECT_EQ(m->answers[0].name, "example.com");
  EXPECT_EQ(m->answers[0].type, net::RrType::a);
  EXPECT_EQ(m->answers[0].ttl, 3600u);
  EXPECT_EQ(m->answers[0].data, "192.0.2.1");
}

TEST(DnsMessage, EachTypeReadsAsTheZoneFileWritesIt) {
  const std::string mail = "\x04mail" + ptr(12); // mail.example.com, compressed
  std::string soa_rdata = "\x03ns1" + ptr(12) + "\x0Ahostmaster" + ptr(12) + u32(2024050101) +
                          u32(7200) + u32(3600) + u32(1209600) + u32(300);
  std::string caa = std::string("\x00\x05", 2) + "ISSUE" + "letsencrypt.org";
  struct Case {
    net::RrType type;
    std::string rdata;
    std::string zone_line;
  } cases[] = {
      {net::RrType::aaaa,
       std::string("\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16),
       "@ 300 IN AAAA 2001:DB8:0:0::1"},
      {net::RrType::mx, u16(10) + mail, "@ 300 IN MX 10 mail"},
      {net::RrType::mx, u16(0) + std::string(1, '\0'), "@ 300 IN MX 0 ."},
      {net::RrType::ns, "\x03ns1" + ptr(12), "@ 300 IN NS ns1.example.com."},
      {net::RrType::cname, labels("Target.Example.NET"), "@ 300 IN CNAME target.example.net."},
      {net::RrType::ptr, mail, "@ 300 IN PTR mail"},
      {net::RrType::soa, soa_rdata, "@ 300 IN SOA ns1 hostmaster 2024050101 7200 3600 1209600 300"},
      {net::RrType::srv, u16(10) + u16(60) + u16(5060) + labels("sip.example.com"),
       "@ 300 IN SRV 10 60 5060 sip.example.com."},
      {net::RrType::txt,
       std::string("\x05v=spf\x04"
                   "1 -a\x02ll"),
       "@ 300 IN TXT \"v=spf\" \"1 -a\" \"ll\""},
      {net::RrType::caa, caa, "@ 300 IN CAA 0 issue \"letsencrypt.org\""},
      {static_cast<net::RrType>(65), std::string("\x01\x02\xab", 3),
       "@ 300 IN TYPE65 \\# 3 0102ab"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.zone_line);
    auto zone = parse_zone(c.zone_line + "\n", "example.com");
    ASSERT_TRUE(zone) << zone.error().message;
    ASSERT_EQ(zone->records.size(), 1u);
    const auto& want = zone->records[0];
    auto got = only(response(c.type, {rr(ptr(12), c.type, c.rdata)}));
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.type, want.type);
    EXPECT_EQ(got.ttl, want.ttl);
    EXPECT_EQ(got.data, want.data);
    EXPECT_EQ(got.strings, want.strings);
  }
}

TEST(DnsMessage, TxtKeepsEachStringAndAnEmptyUnknownTypeIsZeroLength) {
  auto txt = only(response(net::RrType::txt, {rr(ptr(12), net::RrType::txt,
                                                 std::string("\x03"
                                                             "abc\x00\x02"
                                                             "de",
                                                             8))}));
  EXPECT_EQ(txt.data, "abcde");
  EXPECT_EQ(txt.strings, (std::vector<std::string>{"abc", "", "de"}));
  auto empty = only(
      response(static_cast<net::RrType>(99), {rr(ptr(12), static_cast<net::RrType>(4242), "")}));
  EXPECT_EQ(empty.data, "\\# 0");
}

TEST(DnsMessage, HeaderBitsAndSectionsOtherThanTheAnswerAreNotReturned) {
  // NXDOMAIN, truncated, with an SOA in the authority section and an OPT record in additional.
  std::string m =
      header(0x8183 | 0x0200, 1, 0, 1, 1) + labels("nope.example.com") + u16(1) + u16(1) +
      rr(ptr(17), net::RrType::soa,
         "\x03ns1" + ptr(17) + "\x01h" + ptr(17) + u32(1) + u32(2) + u32(3) + u32(4) + u32(5)) +
      std::string(1, '\0') + u16(41) + u16(1232) + u32(0) + u16(0);
  auto parsed = parse_dns_message(m);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->rcode, 3);
  EXPECT_TRUE(parsed->truncated);
  EXPECT_TRUE(parsed->answers.empty());
}

TEST(DnsMessage, NamesAreLowerCasedEscapedAndOtherClassesSkipped) {
  std::string odd = std::string("\x03"
                                "A.b\x02"
                                "\x01Z",
                                7) +
                    labels("Example.COM");
  auto m = parse_dns_message(
      response(net::RrType::a,
               {rr(odd, net::RrType::a, std::string("\x0A\x00\x00\x01", 4), 0x80000000u),
                rr(ptr(12), net::RrType::a, std::string("\x0A\x00\x00\x02", 4), 60, 3 /* CH */)}));
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->answers.size(), 1u);
  EXPECT_EQ(m->answers[0].name, "a\\.b.\\001z.example.com");
  EXPECT_EQ(m->answers[0].ttl, 0u) << "a TTL with the top bit set counts as 0 (RFC 2181)";
}

TEST(DnsMessage, PointerLoopsForwardPointersAndLongNamesAreErrors) {
  // A pointer to itself, a pointer forward, a name whose tail points back at its own start.
  auto self = response(net::RrType::a, {rr(ptr(29), net::RrType::a, "\x01\x02\x03\x04")});
  auto forward = response(net::RrType::a, {rr(ptr(200), net::RrType::a, "\x01\x02\x03\x04")});
  std::string mutual = header(0x8180, 1, 0) +
                       "\x01"
                       "a" +
                       ptr(12) + u16(1) + u16(1);
  for (const auto& wire : {self, forward, mutual}) {
    auto m = parse_dns_message(wire);
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message.find("pointer"), std::string::npos) << m.error().message;
  }
  // 130 labels of 1 byte: over 255 octets.
  std::string longname;
  for (int i = 0; i < 130; ++i)
    longname += "\x01x";
  auto too_long =
      parse_dns_message(header(0x8180, 1, 0) + longname + std::string(1, '\0') + u16(1) + u16(1));
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().message.find("255"), std::string::npos);
  // Extended label types (0x40) are not DNS names.
  EXPECT_FALSE(
      parse_dns_message(header(0x8180, 1, 0) + "\x41x" + std::string(1, '\0') + u16(1) + u16(1)));
}

TEST(DnsMessage, RecordDataMustFillItsDeclaredLength) {
  EXPECT_FALSE(
      parse_dns_message(response(net::RrType::a, {rr(ptr(12), net::RrType::a, "\x01\x02\x03")})));
  EXPECT_FALSE(parse_dns_message(
      response(net::RrType::mx, {rr(ptr(12), net::RrType::mx, u16(10) + ptr(12) + "x")})));
  EXPECT_FALSE(parse_dns_message(response(net::RrType::txt, {rr(ptr(12), net::RrType::txt,
                                                                std::string("\x09"
                                                                            "abc",
                                                                            4))})));
  EXPECT_FALSE(parse_dns_message(response(net::RrType::caa, {rr(ptr(12), net::RrType::caa,
                                                                std::string("\x00\x09"
                                                                            "ab",
                                                                            4))})));
}

TEST(DnsMessage, EveryTruncationOfAValidMessageIsAnErrorNeverACrash) {
  std::string full =
      response(net::RrType::mx, {rr(ptr(12), net::RrType::mx, u16(10) + "\x04mail" + ptr(12)),
                                 rr(ptr(12), net::RrType::mx, u16(20) + "\x05mail2" + ptr(12))});
  ASSERT_TRUE(parse_dns_message(full));
  for (size_t n = 0; n < full.size(); ++n)
    EXPECT_FALSE(parse_dns_message(full.substr(0, n))) << "prefix of " << n << " bytes";
  // Random corruption: anything may come out, but it returns.
  std::mt19937 random(7);
  for (int round = 0; round < 3000; ++round) {
    std::string garbled = full;
    for (int k = 0; k < 3; ++k)
      garbled[random() % garbled.size()] = static_cast<char>(random() & 0xFF);
    (void)parse_dns_message(garbled);
  }
  EXPECT_FALSE(parse_dns_message(std::string(70000, '\0')));
}

TEST(DnsMessage, BuiltQueriesParseBack) {
  auto q = build_dns_query(77, "_mta-sts.example.com", net::RrType::txt);
  ASSERT_TRUE(q) << q.error().message;
  auto m = parse_dns_message(*q);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->id, 77);
  EXPECT_FALSE(m->response);
  EXPECT_EQ(m->question, "_mta-sts.example.com");
  EXPECT_EQ(m->question_type, net::RrType::txt);
  EXPECT_FALSE(build_dns_query(1, "a..b", net::RrType::a));
  EXPECT_FALSE(build_dns_query(1, std::string(64, 'x') + ".com", net::RrType::a));
}

} // namespace
} // namespace lg::analyze
