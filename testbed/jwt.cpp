// Session JWTs for `--session jwt`: compact JWS (RFC 7515) with HS256 (RFC 7518 section 3.2) over
// the claims of RFC 7519 (sub, iat, exp, jti) plus org and role. Verification accepts exactly
// alg HS256 and compares the HMAC in constant time (CRYPTO_memcmp); the jwt-none flaw lets alg
// "none" with an empty signature through, which is the classic RFC 8725 section 2.1 mistake.

#include "jwt.hpp"

#include "util.hpp"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace portal {

namespace {

using nlohmann::json;

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t k_max_token = 8192;
constexpr std::size_t k_signature_size = 32;

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '-') {
    return 62;
  }
  if (c == '_') {
    return 63;
  }
  return -1;
}

// HMAC-SHA256 of `data` with `key`, as raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
           &size) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return {reinterpret_cast<const char*>(mac.data()), size};
}

// A JSON number as whole seconds (RFC 7519 NumericDate), or nullopt for anything else.
std::optional<std::int64_t> numeric_date(const json& value) {
  constexpr auto k_max = std::numeric_limits<std::int64_t>::max();
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    return number > static_cast<std::uint64_t>(k_max) ? k_max : static_cast<std::int64_t>(number);
  }
  if (value.is_number_integer()) {
    return value.get<std::int64_t>();
  }
  if (value.is_number_float()) {
    const double number = std::floor(value.get<double>());
    if (!std::isfinite(number) || number < -9.0e18 || number > 9.0e18) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(number);
  }
  return std::nullopt;
}

// The JSON object encoded in the base64url segment `segment`, or nullopt.
std::optional<json> json_segment(std::string_view segment) {
  const auto bytes = base64url_decode(segment);
  if (!bytes) {
    return std::nullopt;
  }
  auto value = json::parse(*bytes, nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    return std::nullopt;
  }
  return value;
}

// True when the JWS `header` and `signature` hold for `signing_input` under `key` and `rules`.
bool signature_holds(const json& header, std::string_view signing_input, std::string_view signature,
                     std::string_view key, const JwtRules& rules) {
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) {
    return false;
  }
  const auto name = alg->get<std::string>();
  if (name == "HS256") {
    const auto given = base64url_decode(signature);
    if (!given || given->size() != k_signature_size) {
      return false;
    }
    const auto expected = hmac_sha256(key, signing_input);
    return CRYPTO_memcmp(given->data(), expected.data(), k_signature_size) == 0;
  }
  // The jwt-none flaw: an unsigned token is taken at its word.
  return rules.accept_none && iequals(name, "none") && signature.empty();
}

} // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8u) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k_alphabet[(buffer >> static_cast<unsigned>(bits)) & 63u];
    }
  }
  if (bits > 0) {
    out += k_alphabet[(buffer << static_cast<unsigned>(6 - bits)) & 63u];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = base64url_value(c);
    if (value < 0) {
      return std::nullopt;
    }
    buffer = (buffer << 6u) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xffu);
    }
  }
  return out;
}

std::string jwt_sign(const JwtClaims& claims, std::string_view key) {
  const nlohmann::ordered_json header{{"alg", "HS256"}, {"typ", "JWT"}};
  nlohmann::ordered_json payload{{"sub", std::to_string(claims.sub)},
                                 {"org", claims.org},
                                 {"role", claims.role},
                                 {"iat", claims.iat}};
  if (claims.exp) {
    payload["exp"] = *claims.exp;
  }
  payload["jti"] = claims.jti;
  auto token = base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  token += "." + base64url_encode(hmac_sha256(key, token));
  return token;
}

std::optional<JwtClaims> jwt_verify(std::string_view token, std::string_view key,
                                    const JwtRules& rules, std::int64_t now) {
  if (token.size() > k_max_token) {
    return std::nullopt;
  }
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const auto header = json_segment(token.substr(0, first));
  const auto payload = json_segment(token.substr(first + 1, second - first - 1));
  if (!header || !payload ||
      !signature_holds(*header, token.substr(0, second), token.substr(second + 1), key, rules)) {
    return std::nullopt;
  }
  JwtClaims claims;
  const auto sub = payload->find("sub");
  const auto jti = payload->find("jti");
  if (sub == payload->end() || !sub->is_string() || jti == payload->end() || !jti->is_string() ||
      jti->get<std::string>().empty()) {
    return std::nullopt;
  }
  const auto id =
      parse_int<std::int64_t>(sub->get<std::string>(), 1, std::numeric_limits<std::int64_t>::max());
  if (!id) {
    return std::nullopt;
  }
  claims.sub = *id;
  claims.jti = jti->get<std::string>();
  if (const auto exp = payload->find("exp"); exp != payload->end()) {
    claims.exp = numeric_date(*exp);
    if (!claims.exp || now >= *claims.exp) {
      return std::nullopt;
    }
  } else if (rules.require_exp) {
    return std::nullopt;
  }
  if (const auto iat = payload->find("iat"); iat != payload->end()) {
    claims.iat = numeric_date(*iat).value_or(0);
  }
  if (const auto org = payload->find("org"); org != payload->end() && org->is_number_integer()) {
    claims.org = org->get<std::int64_t>();
  }
  if (const auto role = payload->find("role"); role != payload->end() && role->is_string()) {
    claims.role = role->get<std::string>();
  }
  return claims;
}

} // namespace portal
