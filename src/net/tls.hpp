#pragma once
// The TLS interface the domain gate probes through: one handshake with a chosen offer (protocol
// versions, cipher list, security level) against a literal address with SNI, and raw bytes
// exchanged on a fresh TCP connection for hand-built ClientHellos (analyze/tls_hello). The
// OpenSSL adapter lives in net/impl/openssl_prober; no OpenSSL type crosses this header.

#include "util/expected.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lg::net {

/// Protocol versions by their wire values.
enum class TlsVersion : std::uint16_t {
  ssl3 = 0x0300,
  tls1_0 = 0x0301,
  tls1_1 = 0x0302,
  tls1_2 = 0x0303,
  tls1_3 = 0x0304,
};

/// "SSLv3", "TLSv1.0" … "TLSv1.3", or "0x…" for other values.
std::string tls_version_name(TlsVersion version);

/// Where to connect: a literal IPv4/IPv6 `address` and `port`; `host` is sent as SNI (unless it
/// is an IP literal) and is the name the certificate must cover.
struct TlsTarget {
  std::string host;
  std::string address;
  int port = 443;
  int timeout_ms = 5000; ///< for connect and handshake (or exchange) together
};

/// What the client offers.
struct TlsOffer {
  TlsVersion min_version = TlsVersion::tls1_2;
  TlsVersion max_version = TlsVersion::tls1_3;
  std::string ciphers;      ///< OpenSSL cipher list for TLS 1.2 and below; empty: the default
  std::string ciphersuites; ///< TLS 1.3 suites (OpenSSL names); empty: the default
  int security_level = 0;   ///< OpenSSL security level; 0 reaches TLS 1.0/1.1 and weak suites
  std::string ca_file;      ///< extra trust anchors besides the system store; empty: none
};

/// One certificate of the peer's chain, as plain data.
struct CertInfo {
  std::string subject;                   ///< RFC 2253 form
  std::string common_name;               ///< the subject's CN, empty when none
  std::vector<std::string> dns_names;    ///< subjectAltName dNSName entries
  std::vector<std::string> ip_addresses; ///< subjectAltName iPAddress entries, textual
  std::string issuer;                    ///< RFC 2253 form
  std::int64_t not_before = 0;           ///< Unix seconds
  std::int64_t not_after = 0;            ///< Unix seconds
  std::string key_type;                  ///< "RSA", "EC", "Ed25519", "Ed448", "DSA", "DH" or "?"
  int key_bits = 0;
  std::string signature_algorithm; ///< OpenSSL's long name, e.g. "sha256WithRSAEncryption"
  bool self_signed = false;        ///< issued by itself (its own key verifies it)
  std::string sha256;              ///< fingerprint of the DER, lower-case hex
};

enum class TlsOutcome {
  connected, ///< the handshake completed
  refused,   ///< the server declined: an alert, no shared cipher or version, or closed
  timeout,   ///< no answer within the timeout
};

struct TlsHandshake {
  TlsOutcome outcome = TlsOutcome::refused;
  std::string detail; ///< why not connected (an alert's text, OpenSSL's reason); empty otherwise
  TlsVersion version = TlsVersion::tls1_2; ///< negotiated, when connected
  std::string cipher;                      ///< negotiated suite, OpenSSL name
  std::uint16_t cipher_code = 0;           ///< negotiated suite, IANA code
  std::vector<CertInfo> chain;             ///< leaf first, as the server sent it
  bool verified = false;                   ///< the chain validates against the trust anchors
  std::string verify_error;                ///< OpenSSL's text when not verified
  bool name_covered = false;               ///< the leaf covers `host` (RFC 6125 matching)
};

class TlsProber {
public:
  virtual ~TlsProber() = default;

  /// One handshake with `offer` against `target`. A server's refusal or silence is an outcome;
  /// errors are for what prevents asking: an unusable offer (a cipher list matching nothing), a
  /// malformed address, a TCP connection that fails (refused, unreachable).
  virtual Expected<TlsHandshake> handshake(const TlsTarget& target, const TlsOffer& offer) = 0;

  /// Sends `bytes` on a fresh TCP connection to `target` and returns what comes back: reading
  /// stops at the first complete TLS record, at `max_reply` bytes, when the peer closes or at
  /// the timeout, whichever comes first (an empty reply: closed or silent). Errors as above.
  virtual Expected<std::string> exchange(const TlsTarget& target, std::string_view bytes,
                                         std::size_t max_reply) = 0;
};

} // namespace lg::net
