#pragma once
// Hand-built TLS ClientHellos and the parse of what a server answers, for what OpenSSL 3 cannot
// offer any more (SSLv3, RC4, DES/3DES, EXPORT suites): domain.tls-protocols sends these bytes
// through net::TlsProber::exchange. Also the table of cipher suites by IANA code with each
// suite's weakness class. Pure: no I/O; the reply parser takes untrusted bytes (fuzzed).

#include "util/expected.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// Why a suite is weak. `none`: nothing structural (the profile still decides).
enum class CipherWeakness {
  none,
  null_cipher,  ///< no encryption (…_WITH_NULL_…)
  export_grade, ///< 40/56-bit export suites
  anonymous,    ///< no server authentication (DH_anon, ECDH_anon)
  rc4,
  des,        ///< single DES
  triple_des, ///< 3DES (Sweet32)
  legacy,     ///< IDEA, RC2, SEED, MD5 MACs: obsolete but not broken outright
};

/// "NULL", "EXPORT", "anonymous", "RC4", "DES", "3DES", "legacy" or "" for none.
std::string_view weakness_name(CipherWeakness weakness);

/// Whether a server offering suites of this class must fail (as opposed to warn).
bool weakness_fails(CipherWeakness weakness);

struct CipherSuite {
  std::uint16_t code = 0;
  std::string_view name; ///< IANA name, "TLS_RSA_WITH_RC4_128_SHA"
  CipherWeakness weakness = CipherWeakness::none;
};

/// The suites launchgate knows, by code (IANA TLS Cipher Suites registry).
const std::vector<CipherSuite>& cipher_suites();
/// The suite with `code`, or null.
const CipherSuite* find_cipher_suite(std::uint16_t code);
/// The IANA name of `code`, or "0xC0FF" style when unknown.
std::string cipher_suite_name(std::uint16_t code);
/// The codes of every known suite of class `weakness` usable with TLS 1.2 and below.
std::vector<std::uint16_t> suites_of(CipherWeakness weakness);

/// What to put in a ClientHello.
struct ClientHelloSpec {
  std::uint16_t version = 0x0303;     ///< 0x0300 (SSLv3) … 0x0303 (TLS 1.2)
  std::vector<std::uint16_t> ciphers; ///< offered suites, in order (at most 4096)
  std::string host;                   ///< SNI; empty or an IP literal: none sent
};

/// The bytes of one TLS record holding the ClientHello. SSLv3 hellos carry no extensions; TLS
/// hellos carry SNI, supported_groups, ec_point_formats, renegotiation_info and (TLS 1.2)
/// signature_algorithms. The random is fixed: a probe, not a session.
std::string build_client_hello(const ClientHelloSpec& spec);

/// What a server answered to a ClientHello.
struct ServerReply {
  enum class Kind { server_hello, alert };
  Kind kind = Kind::alert;
  std::uint16_t version = 0; ///< ServerHello: the chosen version (supported_versions if present)
  std::uint16_t cipher = 0;  ///< ServerHello: the chosen suite
  std::uint8_t alert_level = 0;
  std::uint8_t alert_description = 0;
};

/// Parses the first record of `bytes`: a ServerHello or an Alert. Anything else (truncated,
/// another record type, SSLv2, not TLS at all) is an error of kind parse.
Expected<ServerReply> parse_server_reply(std::string_view bytes);

/// The name of alert `description` (RFC 8446 section 6), "alert 123" when unknown.
std::string alert_name(std::uint8_t description);

} // namespace lg::analyze
