#pragma once
// JSON Web Tokens (RFC 7519) signed with HMAC-SHA256 (JWS compact serialisation, RFC 7515),
// the session tokens of `--session jwt`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portal {

// The claims the portal puts in a session JWT.
struct JwtClaims {
  std::int64_t sub = 0; // user id (a decimal string in the token)
  std::int64_t org = 0; // org id
  std::string role;
  std::int64_t iat = 0;
  std::optional<std::int64_t> exp; // absent only under the session-forever flaw
  std::string jti;                 // 128-bit random id, hex; the logout denylist key
};

// How `jwt_verify` judges a token; the defaults are the hardened rules.
struct JwtRules {
  bool accept_none = false; // the jwt-none flaw: alg "none" (any case) with an empty signature
  bool require_exp = true;  // false under the session-forever flaw
};

// `bytes` as base64url without padding (RFC 4648 section 5).
std::string base64url_encode(std::string_view bytes);

// The bytes of unpadded base64url `text`, or nullopt when it holds anything else.
std::optional<std::string> base64url_decode(std::string_view text);

// `claims` as a compact JWS: header {"alg":"HS256","typ":"JWT"}, HMAC-SHA256 with `key`.
std::string jwt_sign(const JwtClaims& claims, std::string_view key);

// The claims of `token` when its alg is exactly HS256 and its signature matches `key`
// (compared in constant time), or when `rules` accept alg none; exp must lie after `now`
// (a missing exp passes only when `rules` do not require it); sub and jti must be present.
std::optional<JwtClaims> jwt_verify(std::string_view token, std::string_view key,
                                    const JwtRules& rules, std::int64_t now);

} // namespace portal
