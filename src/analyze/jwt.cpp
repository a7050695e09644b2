// JWT decoding and the offline part of session.jwt: which algorithm, which claims, and whether
// an HMAC key is one of the secrets everybody tries first (RFC 8725 section 3.5).

#include "analyze/jwt.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace lg::analyze {

namespace {

std::optional<nlohmann::json> json_object(std::string_view part) {
  auto raw = base64url_decode(part);
  if (!raw)
    return std::nullopt;
  auto doc = nlohmann::json::parse(*raw, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return std::nullopt;
  return doc;
}

} // namespace

std::optional<Jwt> parse_jwt(std::string_view token) {
  size_t first = token.find('.');
  if (first == std::string_view::npos)
    return std::nullopt;
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::nullopt;
  auto header = json_object(token.substr(0, first));
  auto claims = json_object(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header || !claims || !signature)
    return std::nullopt;
  Jwt jwt;
  jwt.header = std::move(*header);
  jwt.claims = std::move(*claims);
  jwt.signing_input = std::string(token.substr(0, second));
  jwt.signature = std::move(*signature);
  if (auto it = jwt.header.find("alg"); it != jwt.header.end() && it->is_string())
    jwt.alg = it->get<std::string>();
  return jwt;
}

bool looks_like_jwt(std::string_view value) {
  return value.size() >= 16 && value.substr(0, 3) == "eyJ" &&
         std::count(value.begin(), value.end(), '.') == 2 && parse_jwt(value).has_value();
}

std::string encode_jwt(const nlohmann::json& header, const nlohmann::json& claims,
                       std::string_view signature) {
  return base64url_encode(header.dump()) + "." + base64url_encode(claims.dump()) + "." +
         base64url_encode(signature);
}

int hmac_bits(std::string_view alg) {
  return alg == "HS256" ? 256 : alg == "HS384" ? 384 : alg == "HS512" ? 512 : 0;
}

std::optional<std::string> find_hmac_secret(const Jwt& jwt,
                                            const std::vector<std::string>& secrets) {
  int bits = hmac_bits(jwt.alg);
  if (bits == 0 || jwt.signature.empty())
    return std::nullopt;
  for (const auto& secret : secrets)
    if (hmac_sha(bits, secret, jwt.signing_input) == jwt.signature)
      return secret;
  return std::nullopt;
}

const std::vector<std::string>& common_jwt_secrets() {
  static const std::vector<std::string> k_secrets = {
      "secret",
      "Secret",
      "SECRET",
      "secret123",
      "secretkey",
      "secret_key",
      "secret-key",
      "mysecret",
      "my_secret",
      "mysecretkey",
      "my-secret-key",
      "my_secret_key",
      "jwt",
      "jwtsecret",
      "jwt_secret",
      "jwt-secret",
      "jwtSecret",
      "JWT_SECRET",
      "jwtkey",
      "jwt_key",
      "key",
      "private",
      "privatekey",
      "private_key",
      "password",
      "Password",
      "password123",
      "passw0rd",
      "123456",
      "1234567890",
      "12345678",
      "changeme",
      "change_me",
      "changeit",
      "default",
      "test",
      "testing",
      "test123",
      "dev",
      "development",
      "production",
      "staging",
      "admin",
      "root",
      "token",
      "tokensecret",
      "token_secret",
      "auth",
      "authsecret",
      "auth_secret",
      "shhhhh",
      "shhhhhhared-secret",
      "your-256-bit-secret",
      "your-384-bit-secret",
      "your-512-bit-secret",
      "your_jwt_secret",
      "your-secret-key",
      "yoursecret",
      "supersecret",
      "super_secret",
      "supersecretkey",
      "topsecret",
      "notasecret",
      "keyboard cat",
      "gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr9C",
      "hard!to-guess_secret",
      "app_secret",
      "appsecret",
      "api_secret",
      "apisecret",
      "session_secret",
      "sessionsecret",
      "s3cr3t",
      "qwerty",
      "letmein",
      "welcome",
      "abc123",
      "hello",
      "example",
      "demo",
      "sample",
      "portal",
      "django-insecure",
      "laravel",
      "rails",
      "express",
      "node",
      "spring",
      "flask",
      "fastapi",
      "HS256",
      "none",
      "null",
      "undefined",
      "",
  };
  return k_secrets;
}

std::optional<double> numeric_claim(const Jwt& jwt, const char* name) {
  auto it = jwt.claims.find(name);
  if (it == jwt.claims.end() || !it->is_number())
    return std::nullopt;
  return it->get<double>();
}

} // namespace lg::analyze
