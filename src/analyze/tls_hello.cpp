// Hand-built ClientHellos (RFC 5246 section 7.4.1.2, RFC 6101 for SSLv3, extensions of RFC 6066,
// RFC 8422 and RFC 5746) and the parse of the first record a server answers (ServerHello or
// Alert; RFC 8446 section 4.2.1 for supported_versions). The suite table below is data from the
// IANA "TLS Cipher Suites" registry (https://www.iana.org/assignments/tls-parameters/), code and
// name as registered; the weakness class follows from the name. Used by domain.tls-protocols.

#include "analyze/tls_hello.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <fmt/format.h>

namespace lg::analyze {

namespace {

using W = CipherWeakness;

// clang-format off
const std::vector<CipherSuite> k_suites = {
    {0x0001, "TLS_RSA_WITH_NULL_MD5", W::null_cipher},
    {0x0002, "TLS_RSA_WITH_NULL_SHA", W::null_cipher},
    {0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", W::export_grade},
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5", W::rc4},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA", W::rc4},
    {0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", W::export_grade},
    {0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", W::legacy},
    {0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", W::export_grade},
    {0x0009, "TLS_RSA_WITH_DES_CBC_SHA", W::des},
    {0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", W::triple_des},
    {0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", W::export_grade},
    {0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA", W::des},
    {0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA", W::triple_des},
    {0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", W::export_grade},
    {0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA", W::des},
    {0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA", W::triple_des},
    {0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", W::export_grade},
    {0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", W::des},
    {0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", W::triple_des},
    {0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", W::export_grade},
    {0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", W::des},
    {0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", W::triple_des},
    {0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", W::export_grade},
    {0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", W::anonymous},
    {0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", W::export_grade},
    {0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA", W::anonymous},
    {0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", W::anonymous},
    {0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", W::none},
    {0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", W::none},
    {0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", W::none},
    {0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", W::none},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", W::none},
    {0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", W::anonymous},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", W::none},
    {0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA", W::none},
    {0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA", W::none},
    {0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", W::none},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", W::none},
    {0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", W::anonymous},
    {0x003B, "TLS_RSA_WITH_NULL_SHA256", W::null_cipher},
    {0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", W::none},
    {0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", W::none},
    {0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", W::none},
    {0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", W::none},
    {0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", W::none},
    {0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", W::none},
    {0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", W::anonymous},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", W::none},
    {0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", W::none},
    {0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", W::none},
    {0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", W::anonymous},
    {0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", W::anonymous},
    {0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", W::none},
    {0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", W::none},
    {0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", W::none},
    {0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", W::anonymous},
    {0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", W::legacy},
    {0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", W::none},
    {0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", W::none},
    {0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", W::none},
    {0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", W::none},
    {0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", W::none},
    {0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", W::none},
    {0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", W::anonymous},
    {0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", W::anonymous},
    {0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", W::none},
    {0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", W::none},
    {0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", W::anonymous},
    {0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", W::none},
    {0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", W::none},
    {0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", W::anonymous},
    {0x1301, "TLS_AES_128_GCM_SHA256", W::none},
    {0x1302, "TLS_AES_256_GCM_SHA384", W::none},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", W::none},
    {0x1304, "TLS_AES_128_CCM_SHA256", W::none},
    {0x1305, "TLS_AES_128_CCM_8_SHA256", W::none},
    {0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", W::null_cipher},
    {0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", W::rc4},
    {0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", W::triple_des},
    {0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", W::none},
    {0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", W::none},
    {0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", W::null_cipher},
    {0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", W::rc4},
    {0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", W::triple_des},
    {0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", W::none},
    {0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", W::none},
    {0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA", W::null_cipher},
    {0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA", W::rc4},
    {0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", W::triple_des},
    {0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", W::none},
    {0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", W::none},
    {0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", W::null_cipher},
    {0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", W::rc4},
    {0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", W::triple_des},
    {0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", W::none},
    {0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", W::none},
    {0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", W::anonymous},
    {0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA", W::anonymous},
    {0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", W::anonymous},
    {0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", W::anonymous},
    {0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", W::anonymous},
    {0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", W::none},
    {0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", W::none},
    {0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", W::none},
    {0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", W::none},
    {0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", W::none},
    {0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", W::none},
    {0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", W::none},
    {0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", W::none},
    {0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", W::none},
    {0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", W::none},
    {0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", W::none},
    {0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", W::none},
    {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", W::none},
    {0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", W::none},
    {0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", W::none},
    {0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", W::none},
    {0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", W::none},
    {0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", W::none},
    {0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", W::none},
    {0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", W::none},
    {0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", W::none},
    {0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", W::none},
    {0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", W::none},
    {0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", W::none},
    {0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", W::none},
    {0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", W::none},
    {0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", W::none},
    {0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", W::none},
    {0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", W::none},
    {0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", W::none},
    {0xC09C, "TLS_RSA_WITH_AES_128_CCM", W::none},
    {0xC09D, "TLS_RSA_WITH_AES_256_CCM", W::none},
    {0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", W::none},
    {0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", W::none},
    {0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", W::none},
    {0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8", W::none},
    {0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", W::none},
    {0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", W::none},
    {0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", W::none},
    {0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", W::none},
    {0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", W::none},
    {0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", W::none},
    {0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", W::none},
    {0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", W::none},
    {0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", W::none},
};
// clang-format on

void put8(std::string& out, unsigned v) {
  out.push_back(static_cast<char>(v & 0xFFU));
}
void put16(std::string& out, unsigned v) {
  put8(out, v >> 8U);
  put8(out, v);
}
void put24(std::string& out, unsigned v) {
  put8(out, v >> 16U);
  put16(out, v);
}

/// `body` preceded by its 16-bit length.
std::string vec16(const std::string& body) {
  std::string out;
  put16(out, static_cast<unsigned>(body.size()));
  return out + body;
}

void extension(std::string& out, unsigned type, const std::string& body) {
  put16(out, type);
  out += vec16(body);
}

bool is_ip_literal(const std::string& host) {
  std::array<unsigned char, 16> buf{};
  return inet_pton(AF_INET, host.c_str(), buf.data()) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buf.data()) == 1;
}

/// A bounded reader over untrusted bytes.
class Reader {
public:
  explicit Reader(std::string_view bytes) : m_bytes(bytes) {}
  bool has(size_t n) const { return m_bytes.size() - m_pos >= n; }
  unsigned u8() { return static_cast<unsigned char>(m_bytes[m_pos++]); }
  unsigned u16() {
    unsigned hi = u8();
    return (hi << 8U) | u8();
  }
  unsigned u24() {
    unsigned hi = u8();
    return (hi << 16U) | u16();
  }
  void skip(size_t n) { m_pos += n; }
  std::string_view take(size_t n) {
    auto out = m_bytes.substr(m_pos, n);
    m_pos += n;
    return out;
  }

private:
  std::string_view m_bytes;
  size_t m_pos = 0;
};

Unexpected<Error> malformed(const std::string& what) {
  return unexpected(ErrorKind::parse, "not a TLS reply: " + what);
}

} // namespace

std::string_view weakness_name(CipherWeakness weakness) {
  switch (weakness) {
  case W::none:
    return "";
  case W::null_cipher:
    return "NULL";
  case W::export_grade:
    return "EXPORT";
  case W::anonymous:
    return "anonymous";
  case W::rc4:
    return "RC4";
  case W::des:
    return "DES";
  case W::triple_des:
    return "3DES";
  case W::legacy:
    return "legacy";
  }
  return "";
}

bool weakness_fails(CipherWeakness weakness) {
  return weakness != W::none && weakness != W::legacy;
}

const std::vector<CipherSuite>& cipher_suites() {
  return k_suites;
}

const CipherSuite* find_cipher_suite(std::uint16_t code) {
  auto it = std::lower_bound(k_suites.begin(), k_suites.end(), code,
                             [](const CipherSuite& s, std::uint16_t c) { return s.code < c; });
  return it != k_suites.end() && it->code == code ? &*it : nullptr;
}

std::string cipher_suite_name(std::uint16_t code) {
  if (const auto* suite = find_cipher_suite(code))
    return std::string(suite->name);
  return fmt::format("0x{:04X}", code);
}

std::vector<std::uint16_t> suites_of(CipherWeakness weakness) {
  std::vector<std::uint16_t> out;
  for (const auto& s : k_suites)
    if (s.weakness == weakness && (s.code >> 8U) != 0x13U)
      out.push_back(s.code);
  return out;
}

std::string build_client_hello(const ClientHelloSpec& spec) {
  bool ssl3 = spec.version <= 0x0300;
  std::string hello;
  put16(hello, spec.version);
  for (unsigned i = 0; i < 32; ++i) // client random: fixed, this is a probe
    put8(hello, 0x4cU + i * 7U);
  put8(hello, 0); // no session id
  std::string suites;
  size_t count = std::min<size_t>(spec.ciphers.size(), 4096);
  for (size_t i = 0; i < count; ++i)
    put16(suites, spec.ciphers[i]);
  put16(suites, 0x00FF); // TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746)
  hello += vec16(suites);
  put8(hello, 1); // compression methods: null only
  put8(hello, 0);
  if (!ssl3) {
    std::string ext;
    if (!spec.host.empty() && !is_ip_literal(spec.host) && spec.host.size() < 256) {
      std::string name;
      put8(name, 0); // host_name
      name += vec16(spec.host);
      extension(ext, 0, vec16(name));
    }
    std::string groups; // x25519, secp256r1, secp384r1, secp521r1, ffdhe2048, ffdhe3072
    for (unsigned g : {29U, 23U, 24U, 25U, 256U, 257U})
      put16(groups, g);
    extension(ext, 10, vec16(groups));
    extension(ext, 11, std::string("\x01\x00", 2)); // ec_point_formats: uncompressed
    if (spec.version >= 0x0303) {
      std::string algs; // ECDSA, RSA-PSS, RSA PKCS#1 with SHA-2, then SHA-1 ones
      for (unsigned a : {0x0403U, 0x0503U, 0x0603U, 0x0804U, 0x0805U, 0x0806U, 0x0401U, 0x0501U,
                         0x0601U, 0x0203U, 0x0201U, 0x0202U, 0x0402U})
        put16(algs, a);
      extension(ext, 13, vec16(algs));
    }
    hello += vec16(ext);
  }
  std::string handshake;
  put8(handshake, 1); // client_hello
  put24(handshake, static_cast<unsigned>(hello.size()));
  handshake += hello;
  std::string record;
  put8(record, 22);                        // handshake
  put16(record, ssl3 ? 0x0300U : 0x0301U); // record version, as clients send it
  put16(record, static_cast<unsigned>(handshake.size()));
  return record + handshake;
}

Expected<ServerReply> parse_server_reply(std::string_view bytes) {
  if (bytes.empty())
    return malformed("no reply");
  Reader r(bytes);
  if (!r.has(5))
    return malformed("a truncated record header");
  unsigned type = r.u8();
  unsigned record_version = r.u16();
  unsigned length = r.u16();
  if ((record_version >> 8U) != 3U)
    return malformed(fmt::format("record version 0x{:04x}", record_version));
  if (length == 0 || length > 16384 + 2048)
    return malformed(fmt::format("a record of {} bytes", length));
  if (!r.has(length))
    return malformed("a truncated record");
  Reader body(r.take(length));
  ServerReply out;
  if (type == 21) {
    if (!body.has(2))
      return malformed("a truncated alert");
    out.kind = ServerReply::Kind::alert;
    out.alert_level = static_cast<std::uint8_t>(body.u8());
    out.alert_description = static_cast<std::uint8_t>(body.u8());
    return out;
  }
  if (type != 22)
    return malformed(fmt::format("record type {}", type));
  if (!body.has(4))
    return malformed("a truncated handshake header");
  unsigned msg_type = body.u8();
  unsigned msg_length = body.u24();
  if (msg_type != 2)
    return malformed(fmt::format("handshake message {} instead of a ServerHello", msg_type));
  if (!body.has(msg_length))
    return malformed("a ServerHello split over records"); // never in practice: it is short
  Reader hello(body.take(msg_length));
  if (!hello.has(2 + 32 + 1))
    return malformed("a truncated ServerHello");
  out.kind = ServerReply::Kind::server_hello;
  out.version = static_cast<std::uint16_t>(hello.u16());
  hello.skip(32);
  unsigned session_length = hello.u8();
  if (session_length > 32 || !hello.has(session_length + 3))
    return malformed("a truncated ServerHello");
  hello.skip(session_length);
  out.cipher = static_cast<std::uint16_t>(hello.u16());
  hello.skip(1); // compression
  if (hello.has(2)) {
    unsigned ext_length = hello.u16();
    if (!hello.has(ext_length))
      return malformed("truncated ServerHello extensions");
    Reader ext(hello.take(ext_length));
    for (int i = 0; i < 256 && ext.has(4); ++i) {
      unsigned ext_type = ext.u16();
      unsigned len = ext.u16();
      if (!ext.has(len))
        return malformed("a truncated ServerHello extension");
      if (ext_type == 43 && len == 2) // supported_versions: the real version (TLS 1.3)
        out.version = static_cast<std::uint16_t>(ext.u16());
      else
        ext.skip(len);
    }
  }
  return out;
}

std::string alert_name(std::uint8_t description) {
  switch (description) {
  case 0:
    return "close_notify";
  case 10:
    return "unexpected_message";
  case 20:
    return "bad_record_mac";
  case 22:
    return "record_overflow";
  case 40:
    return "handshake_failure";
  case 42:
    return "bad_certificate";
  case 47:
    return "illegal_parameter";
  case 50:
    return "decode_error";
  case 51:
    return "decrypt_error";
  case 70:
    return "protocol_version";
  case 71:
    return "insufficient_security";
  case 80:
    return "internal_error";
  case 86:
    return "inappropriate_fallback";
  case 109:
    return "missing_extension";
  case 110:
    return "unsupported_extension";
  case 112:
    return "unrecognized_name";
  default:
    return fmt::format("alert {}", description);
  }
}

} // namespace lg::analyze
