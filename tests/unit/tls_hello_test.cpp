// The hand-built ClientHello and the server reply parser (analyze/tls_hello), the suite table
// against OpenSSL's own names, and the embedded Mozilla profile against its sources.

#include "analyze/tls_hello.hpp"
#include "analyze/tls_profile.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

namespace lg::analyze {
namespace {

unsigned u8(const std::string& s, size_t i) {
  return static_cast<unsigned char>(s.at(i));
}
unsigned u16(const std::string& s, size_t i) {
  return (u8(s, i) << 8U) | u8(s, i + 1);
}

/// The suites offered by `hello` and the offset after them.
std::vector<std::uint16_t> offered(const std::string& hello, size_t& after) {
  size_t at = 5 + 4 + 2 + 32;
  at += 1 + u8(hello, at);
  size_t n = u16(hello, at);
  std::vector<std::uint16_t> out;
  for (size_t i = 0; i < n; i += 2)
    out.push_back(static_cast<std::uint16_t>(u16(hello, at + 2 + i)));
  after = at + 2 + n;
  return out;
}

TEST(TlsHello, ATls12HelloIsOneWellFramedRecord) {
  ClientHelloSpec spec;
  spec.version = 0x0303;
  spec.ciphers = {0x000A, 0xC011};
  spec.host = "app.example.com";
  auto hello = build_client_hello(spec);
  ASSERT_GE(hello.size(), 50u);
  EXPECT_EQ(u8(hello, 0), 22u);               // handshake
  EXPECT_EQ(u16(hello, 1), 0x0301u);          // record version
  EXPECT_EQ(u16(hello, 3), hello.size() - 5); // record length
  EXPECT_EQ(u8(hello, 5), 1u);                // client_hello
  EXPECT_EQ((u8(hello, 6) << 16U) | u16(hello, 7), hello.size() - 9);
  EXPECT_EQ(u16(hello, 9), 0x0303u);
  size_t after = 0;
  EXPECT_EQ(offered(hello, after), (std::vector<std::uint16_t>{0x000A, 0xC011, 0x00FF}));
  EXPECT_EQ(u8(hello, after), 1u); // one compression method, null
  EXPECT_EQ(u8(hello, after + 1), 0u);
  EXPECT_EQ(u16(hello, after + 2), hello.size() - after - 4); // extensions length
  EXPECT_NE(hello.find("app.example.com"), std::string::npos);
  EXPECT_NE(hello.find(std::string("\x00\x0d", 2)), std::string::npos); // signature_algorithms
}

TEST(TlsHello, AnSsl3HelloHasNoExtensionsAndNoSniForAddresses) {
  ClientHelloSpec spec;
  spec.version = 0x0300;
  spec.ciphers = {0x0005};
  spec.host = "app.example.com";
  auto hello = build_client_hello(spec);
  EXPECT_EQ(u16(hello, 1), 0x0300u);
  size_t after = 0;
  offered(hello, after);
  EXPECT_EQ(after + 2, hello.size()); // compression, then nothing
  EXPECT_EQ(hello.find("app.example.com"), std::string::npos);

  spec.version = 0x0301;
  spec.host = "192.0.2.1";
  EXPECT_EQ(build_client_hello(spec).find("192.0.2.1"), std::string::npos);
}

std::string server_hello(unsigned version, unsigned cipher, const std::string& extensions = "") {
  std::string body;
  body += static_cast<char>(version >> 8U);
  body += static_cast<char>(version & 0xFFU);
  body += std::string(32, 'r');
  body += '\x20';
  body += std::string(32, 's');
  body += static_cast<char>(cipher >> 8U);
  body += static_cast<char>(cipher & 0xFFU);
  body += '\0';
  if (!extensions.empty()) {
    body += static_cast<char>(extensions.size() >> 8U);
    body += static_cast<char>(extensions.size() & 0xFFU);
    body += extensions;
  }
  std::string hs = std::string("\x02\x00", 2) + static_cast<char>(body.size() >> 8U) +
                   static_cast<char>(body.size() & 0xFFU) + body;
  return std::string("\x16\x03\x03", 3) + static_cast<char>(hs.size() >> 8U) +
         static_cast<char>(hs.size() & 0xFFU) + hs + "more records follow";
}

TEST(TlsHello, AServerHelloGivesVersionAndSuite) {
  auto r = parse_server_reply(server_hello(0x0301, 0x0005));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->kind, ServerReply::Kind::server_hello);
  EXPECT_EQ(r->version, 0x0301);
  EXPECT_EQ(r->cipher, 0x0005);
  // TLS 1.3: the real version is in supported_versions.
  auto v13 =
      parse_server_reply(server_hello(0x0303, 0x1301, std::string("\x00\x2b\x00\x02\x03\x04", 6)));
  ASSERT_TRUE(v13) << v13.error().message;
  EXPECT_EQ(v13->version, 0x0304);
}

TEST(TlsHello, AnAlertIsAReplyAndGarbageIsAnError) {
  auto alert = parse_server_reply(std::string("\x15\x03\x03\x00\x02\x02\x28", 7));
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->kind, ServerReply::Kind::alert);
  EXPECT_EQ(alert->alert_level, 2);
  EXPECT_EQ(alert_name(alert->alert_description), "handshake_failure");
  EXPECT_FALSE(parse_server_reply(""));
  EXPECT_FALSE(parse_server_reply("HTTP/1.1 400 Bad Request\r\n\r\n"));
  auto full = server_hello(0x0303, 0xC02F);
  size_t record_end = full.size() - std::string("more records follow").size();
  for (size_t cut = 0; cut < record_end; ++cut)
    EXPECT_FALSE(parse_server_reply(full.substr(0, cut))) << cut;
  EXPECT_FALSE(parse_server_reply(std::string("\x16\x03\x03\x00\x04\x0b\x00\x00\x00", 9)))
      << "a Certificate, not a ServerHello";
}

TEST(TlsHello, TheSuiteTableClassifiesWeakSuites) {
  EXPECT_EQ(find_cipher_suite(0x000A)->weakness, CipherWeakness::triple_des);
  EXPECT_EQ(find_cipher_suite(0x0005)->weakness, CipherWeakness::rc4);
  EXPECT_EQ(find_cipher_suite(0x0003)->weakness, CipherWeakness::export_grade);
  EXPECT_EQ(find_cipher_suite(0xC018)->weakness, CipherWeakness::anonymous);
  EXPECT_EQ(find_cipher_suite(0x0002)->weakness, CipherWeakness::null_cipher);
  EXPECT_EQ(find_cipher_suite(0x0009)->weakness, CipherWeakness::des);
  EXPECT_EQ(find_cipher_suite(0xC02F)->weakness, CipherWeakness::none);
  EXPECT_EQ(cipher_suite_name(0xC02F), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(cipher_suite_name(0xFEFE), "0xFEFE");
  EXPECT_TRUE(weakness_fails(CipherWeakness::anonymous));
  EXPECT_FALSE(weakness_fails(CipherWeakness::legacy));
  for (size_t i = 1; i < cipher_suites().size(); ++i)
    EXPECT_LT(cipher_suites()[i - 1].code, cipher_suites()[i].code) << "sorted, no duplicates";
}

TEST(TlsHello, TheSuiteTableAgreesWithOpenSslsStandardNames) {
  auto r = test::run_command(
      {"openssl", "ciphers", "-V", "-stdname", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"}, "", {}, 20);
  if (r.code != 0)
    GTEST_SKIP() << "the openssl program is not available";
  std::istringstream in(r.out);
  std::string line;
  int compared = 0;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string code, dash, name;
    words >> code >> dash >> name; // "0xC0,0x2F - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 …"
    if (code.size() != 9)
      continue;
    auto value = static_cast<std::uint16_t>((std::stoul(code.substr(2, 2), nullptr, 16) << 8U) |
                                            std::stoul(code.substr(7, 2), nullptr, 16));
    if (const auto* suite = find_cipher_suite(value)) {
      EXPECT_EQ(suite->name, name) << code;
      ++compared;
    }
  }
  EXPECT_GT(compared, 80);
}

std::vector<std::string> strings(const nlohmann::json& list) {
  std::vector<std::string> out;
  for (const auto& v : list)
    out.push_back(v.get<std::string>());
  return out;
}
std::vector<std::string> strings(const std::vector<std::string_view>& list) {
  return {list.begin(), list.end()};
}

void expect_profile_equals(const nlohmann::json& j, bool mozilla_layout) {
  const auto& p = mozilla_intermediate();
  EXPECT_EQ(strings(j.at("tls_versions")), strings(p.tls_versions));
  EXPECT_EQ(strings(j.at("ciphersuites")), strings(p.ciphersuites));
  EXPECT_EQ(strings(mozilla_layout ? j.at("ciphers").at("iana") : j.at("ciphers_iana")),
            strings(p.ciphers_iana));
  EXPECT_EQ(strings(mozilla_layout ? j.at("ciphers").at("openssl") : j.at("ciphers_openssl")),
            strings(p.ciphers_openssl));
  EXPECT_EQ(strings(j.at("certificate_types")), strings(p.certificate_types));
  EXPECT_EQ(strings(j.at("certificate_curves")), strings(p.certificate_curves));
  EXPECT_EQ(strings(j.at("certificate_signatures")), strings(p.certificate_signatures));
  EXPECT_EQ(strings(j.at("tls_curves")), strings(p.tls_curves));
  EXPECT_EQ(j.at("rsa_key_size").get<int>(), p.rsa_key_size);
  EXPECT_EQ(j.at("dh_param_size").get<int>(), p.dh_param_size);
  EXPECT_EQ(j.at("ecdh_param_size").get<int>(), p.ecdh_param_size);
  EXPECT_EQ(j.at("maximum_certificate_lifespan").get<int>(), p.maximum_certificate_lifespan);
  EXPECT_EQ(j.at("recommended_certificate_lifespan").get<int>(),
            p.recommended_certificate_lifespan);
}

TEST(TlsProfile, TheEmbeddedTableIsMozillasIntermediateProfile) {
  auto text = test::read_file(std::string(LG_SHARED_DIR) +
                              "/testdata/tls/mozilla-server-side-tls-5.7.json");
  if (text.empty())
    GTEST_SKIP() << "../shared/testdata/tls is not there";
  auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc.at("version").get<double>(), 5.7);
  expect_profile_equals(doc.at("configurations").at("intermediate"), true);
}

TEST(TlsProfile, TheEmbeddedTableIsTheShippedDataFile) {
  auto text = test::read_file(std::string(LG_SOURCE_DIR) + "/rules/tls/mozilla-intermediate.json");
  ASSERT_FALSE(text.empty());
  expect_profile_equals(nlohmann::json::parse(text), false);
}

TEST(TlsProfile, EveryProfileSuiteIsInTheSuiteTable) {
  const auto& p = mozilla_intermediate();
  for (auto name : p.ciphers_iana) {
    bool found = false;
    for (const auto& s : cipher_suites())
      found = found || s.name == name;
    EXPECT_TRUE(found) << name;
    EXPECT_TRUE(profile_allows(p, name));
  }
  EXPECT_FALSE(profile_allows(p, "TLS_RSA_WITH_AES_128_CBC_SHA"));
  EXPECT_TRUE(profile_allows(p, "TLS_AES_128_GCM_SHA256"));
}

} // namespace
} // namespace lg::analyze
