// Fuzzes the session gate's parsers of what a portal sends: JWTs (base64url, JSON header and
// claims) and the token and page judges (entropy, Referrer-Policy, foreign URLs).

#include "analyze/jwt.hpp"
#include "analyze/tokens.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto jwt = lg::analyze::parse_jwt(text)) {
    (void)lg::analyze::numeric_claim(*jwt, "exp");
    (void)lg::analyze::find_hmac_secret(*jwt, {"secret"});
    (void)lg::analyze::encode_jwt(jwt->header, jwt->claims, jwt->signature);
  }
  (void)lg::analyze::looks_like_jwt(text);
  std::string s(text);
  size_t cut = s.size() / 2;
  (void)lg::analyze::estimate_token_entropy({s.substr(0, cut), s.substr(cut)});
  (void)lg::analyze::referrer_policy(text.substr(0, cut), text.substr(cut));
  (void)lg::analyze::foreign_urls(text, "https://portal.example");
  return 0;
}
