#pragma once
// JSON Web Tokens (RFC 7519) in their compact JWS form (RFC 7515): split, decoded and rebuilt for
// session.jwt and session.lifetime. No I/O and no key material beyond what the caller passes.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

struct Jwt {
  nlohmann::json header;     ///< the JOSE header, an object
  nlohmann::json claims;     ///< the payload, an object
  std::string signing_input; ///< "base64url(header).base64url(payload)" as received
  std::string signature;     ///< decoded signature bytes
  std::string alg;           ///< header.alg, "" when absent or not a string
};

/// Parses a compact JWS whose header and payload are JSON objects; nullopt for anything else
/// (five-part JWE, opaque tokens, bad base64url).
std::optional<Jwt> parse_jwt(std::string_view token);

/// True when `value` has the shape of a compact JWS: three base64url parts, the first starting
/// "eyJ" (a JSON object).
bool looks_like_jwt(std::string_view value);

/// A token with `header` and `claims` re-encoded and `signature` (raw bytes) appended.
std::string encode_jwt(const nlohmann::json& header, const nlohmann::json& claims,
                       std::string_view signature);

/// The HMAC size in bits for HS256/HS384/HS512, 0 for other algorithms.
int hmac_bits(std::string_view alg);

/// The first of `secrets` under which `jwt`'s HMAC signature verifies, if any.
std::optional<std::string> find_hmac_secret(const Jwt& jwt,
                                            const std::vector<std::string>& secrets);

/// Common HMAC secrets found in tutorials, framework defaults and leaked configs.
const std::vector<std::string>& common_jwt_secrets();

/// A numeric claim (exp, iat, nbf) in seconds, nullopt when absent or not a number.
std::optional<double> numeric_claim(const Jwt& jwt, const char* name);

} // namespace lg::analyze
