// session.cookie-flags: logs in every configured account and judges each cookie set at login
// (RFC 6265 §4.1.2.5–6, SameSite from RFC 6265bis; OWASP ASVS 3.4.1–3.4.3). A double-submit CSRF
// cookie is meant to be read by scripts, so it is not asked for HttpOnly.

#include "analyze/cookies.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <set>

namespace lg::checks {

CheckResult run_session_cookie_flags(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (config.accounts.empty())
    return engine::skipped(meta, SkipKind::not_configured, "no accounts configured");

  std::vector<Finding> findings;
  std::vector<std::string> login_errors;
  std::set<std::string> seen;  // cookie name + problems already reported
  std::set<std::string> names; // cookie names judged
  int cookies = 0;
  bool serious = false;
  for (const auto& account : config.accounts) {
    auto session = context.session(account.name);
    if (!session) {
      login_errors.push_back(session.error().message);
      continue;
    }
    for (const auto& header : (*session)->login_response().headers_named("Set-Cookie")) {
      auto cookie = analyze::parse_set_cookie(header);
      if (!cookie || analyze::is_deletion(*cookie))
        continue;
      ++cookies;
      names.insert(cookie->name);
      auto problems = analyze::judge_session_cookie(*cookie);
      bool csrf_cookie = to_lower(cookie->name).find("csrf") != std::string::npos ||
                         to_lower(cookie->name).find("xsrf") != std::string::npos;
      std::erase_if(problems, [&](const analyze::CookieProblem& p) {
        return csrf_cookie && p.attribute == "HttpOnly";
      });
      nlohmann::json missing = nlohmann::json::array();
      for (const auto& p : problems)
        missing.push_back(p.attribute);
      // Each account is judged: an admin's cookie may be set differently from a staff one's.
      // The same cookie with the same problems is reported once.
      if (!seen.insert(cookie->name + "\n" + missing.dump()).second || problems.empty())
        continue;
      std::string message = fmt::format("cookie '{}' set at login:", cookie->name);
      for (const auto& p : problems) {
        message += " " + p.message + ";";
        serious = serious || p.serious;
      }
      message.pop_back();
      Finding f;
      f.message = message;
      f.evidence = {{"method", account.login.method},
                    {"path", account.login.path},
                    {"as", account.name},
                    {"status", (*session)->login_response().status},
                    {"cookie", cookie->name},
                    {"value", redact(cookie->value)},
                    {"problems", missing}};
      f.fingerprint = make_fingerprint(meta.id, {cookie->name, missing.dump()});
      findings.push_back(std::move(f));
    }
  }
  if (cookies == 0) {
    if (!login_errors.empty())
      return engine::errored(meta, login_errors.front());
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no cookie is set at login: sessions are bearer tokens");
  }
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious);
  if (!login_errors.empty())
    return engine::errored(meta, login_errors.front());
  return engine::passed(meta, fmt::format("{} cookie(s) set at login for {} account(s) carry "
                                          "HttpOnly, Secure and SameSite",
                                          names.size(), config.accounts.size()));
}

} // namespace lg::checks
