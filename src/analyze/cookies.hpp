#pragma once
// Set-Cookie parsing (RFC 6265 §5.2, with SameSite from RFC 6265bis) and the judgement of a
// session cookie's attributes for session.cookie-flags.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

struct SetCookie {
  std::string name;
  std::string value;
  bool http_only = false;
  bool secure = false;
  std::optional<std::string> same_site; ///< as sent ("Lax", "strict", …); nullopt when absent
  std::optional<long long> max_age;     ///< seconds
  std::optional<std::string> expires;   ///< as sent
  std::string domain;
  std::string path;
};

/// Parses one Set-Cookie header value; nullopt when it has no name=value pair (RFC 6265 §5.2
/// says to ignore such a header).
std::optional<SetCookie> parse_set_cookie(std::string_view header);

/// True when the cookie deletes itself (Max-Age <= 0, or an empty value with an Expires).
bool is_deletion(const SetCookie& cookie);

/// One attribute problem of a session cookie.
struct CookieProblem {
  std::string attribute; ///< "HttpOnly", "Secure", "SameSite"
  std::string message;
  bool serious = true; ///< false: a weakness worth a warning (SameSite=None with Secure)
};

/// Judges a cookie that carries a session: HttpOnly, Secure and SameSite=Lax|Strict.
std::vector<CookieProblem> judge_session_cookie(const SetCookie& cookie);

} // namespace lg::analyze
