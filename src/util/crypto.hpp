#pragma once
// Public-key signature checks and digests for the analyzers (DKIM), behind plain C++ types so
// that nothing above util/ sees OpenSSL. Keys and signatures are raw bytes in std::string.

#include <optional>
#include <string>
#include <string_view>

namespace lg::crypto {

/// Raw 32-byte SHA-256 of `data`.
std::string sha256(std::string_view data);
/// Raw 20-byte SHA-1 of `data` (legacy DKIM rsa-sha1 only).
std::string sha1(std::string_view data);

/// Decodes standard base64 (RFC 4648 section 4); ASCII whitespace anywhere is ignored and '='
/// padding is optional. nullopt on any other character, bad padding or more than `max_out` bytes.
std::optional<std::string> base64_decode(std::string_view text, std::size_t max_out = 1 << 20);

/// Facts about an RSA public key given as DER.
struct RsaKeyInfo {
  bool ok = false;   ///< the bytes are an RSA key
  int bits = 0;      ///< modulus size
  std::string error; ///< why not, when !ok
};

/// Reads `der` as a SubjectPublicKeyInfo holding an RSA key, or as a bare PKCS#1 RSAPublicKey.
RsaKeyInfo rsa_key_info(std::string_view der);

enum class DigestAlg { sha1, sha256 };

/// Verifies an RSASSA-PKCS1-v1_5 `signature` over `data` hashed with `alg`, under the RSA key
/// `der` (SubjectPublicKeyInfo or RSAPublicKey). False for a bad key or a wrong signature.
bool rsa_verify(std::string_view der, DigestAlg alg, std::string_view data,
                std::string_view signature);

/// Verifies a pure Ed25519 (RFC 8032) `signature` over `message` under a raw 32-byte `key`.
bool ed25519_verify(std::string_view key, std::string_view message, std::string_view signature);

} // namespace lg::crypto
