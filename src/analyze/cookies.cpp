// Set-Cookie parsing after RFC 6265 §5.2 (name=value up to the first ';', attributes are
// case-insensitive, unknown ones ignored) and the session-cookie judgement of session.cookie-flags
// (OWASP ASVS 3.4.1–3.4.3).

#include "analyze/cookies.hpp"

#include "util/text.hpp"

#include <charconv>

namespace lg::analyze {

std::optional<SetCookie> parse_set_cookie(std::string_view header) {
  auto parts = split(header, ';');
  std::string_view pair = trim(parts.front());
  size_t eq = pair.find('=');
  if (eq == std::string_view::npos)
    return std::nullopt;
  SetCookie c;
  c.name = std::string(trim(pair.substr(0, eq)));
  c.value = std::string(trim(pair.substr(eq + 1)));
  if (c.name.empty())
    return std::nullopt;
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view attr = trim(parts[i]);
    size_t aeq = attr.find('=');
    std::string_view key = trim(attr.substr(0, aeq));
    std::string_view val = aeq == std::string_view::npos ? "" : trim(attr.substr(aeq + 1));
    if (iequals(key, "HttpOnly")) {
      c.http_only = true;
    } else if (iequals(key, "Secure")) {
      c.secure = true;
    } else if (iequals(key, "SameSite")) {
      c.same_site = std::string(val);
    } else if (iequals(key, "Max-Age")) {
      long long v = 0;
      auto [ptr, ec] = std::from_chars(val.data(), val.data() + val.size(), v);
      if (ec == std::errc() && ptr == val.data() + val.size())
        c.max_age = v;
    } else if (iequals(key, "Expires")) {
      c.expires = std::string(val);
    } else if (iequals(key, "Domain")) {
      c.domain = to_lower(val);
    } else if (iequals(key, "Path")) {
      c.path = std::string(val);
    }
  }
  return c;
}

bool is_deletion(const SetCookie& cookie) {
  if (cookie.max_age)
    return *cookie.max_age <= 0;
  return cookie.value.empty() && cookie.expires.has_value();
}

std::vector<CookieProblem> judge_session_cookie(const SetCookie& cookie) {
  std::vector<CookieProblem> out;
  if (!cookie.http_only)
    out.push_back(
        {"HttpOnly", "no HttpOnly: any script on the page (an XSS) can read the session", true});
  if (!cookie.secure)
    out.push_back({"Secure", "no Secure: the session is sent over plain HTTP too", true});
  if (!cookie.same_site) {
    out.push_back({"SameSite",
                   "no SameSite: cross-site requests carry the session (CSRF); set Lax or Strict",
                   true});
  } else if (iequals(*cookie.same_site, "None")) {
    out.push_back(
        {"SameSite", "SameSite=None: cross-site requests carry the session", !cookie.secure});
  } else if (!iequals(*cookie.same_site, "Lax") && !iequals(*cookie.same_site, "Strict")) {
    out.push_back({"SameSite", "SameSite has an unknown value '" + *cookie.same_site + "'", true});
  }
  return out;
}

} // namespace lg::analyze
