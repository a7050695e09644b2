// session.lifetime: how long a login lives. Reads the lifetime of each session cookie (Max-Age,
// or Expires against the response's Date) and the exp of JWT sessions, and compares them with
// auth.session_max (12 h by default, for internal tools). Server-side idle and absolute timeouts
// are tested by waiting when they are configured at 5 minutes or less; otherwise the result says
// they were not verified (OWASP ASVS 3.3.2, NIST SP 800-63B 7.2).

#include "analyze/cookies.hpp"
#include "analyze/jwt.hpp"
#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <ctime>
#include <thread>

namespace lg::checks {

using namespace session;

namespace {

constexpr long long k_wait_limit_ms = 5 * 60 * 1000;

std::optional<std::time_t> http_date(const std::string& text) {
  std::tm tm{};
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S", "%A, %d-%b-%y %H:%M:%S", "%a, %d-%b-%Y %H:%M:%S"})
    if (const char* end = strptime(text.c_str(), format, &tm); end != nullptr)
      return timegm(&tm);
  return std::nullopt;
}

std::string human(double seconds) {
  if (seconds >= 2 * 86400)
    return fmt::format("{:.0f} days", seconds / 86400);
  if (seconds >= 2 * 3600)
    return fmt::format("{:.0f} h", seconds / 3600);
  if (seconds >= 120)
    return fmt::format("{:.0f} min", seconds / 60);
  return fmt::format("{:.0f} s", seconds);
}

} // namespace

CheckResult run_session_lifetime(engine::Context& context, const CheckMeta& meta) {
  const auto& auth = context.config().auth;
  auto accounts = recipe_accounts(context);
  if (accounts.empty())
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no account logs in by a request: credentials do not expire by login");
  const Account& account = *accounts.front();
  auto login = fresh_session(context, account);
  if (!login)
    return engine::errored(meta, login.error().message);
  const auto& response = (*login)->login_response();
  const double limit = static_cast<double>(auth.session_max_ms) / 1000;
  std::vector<Finding> findings;
  std::vector<std::string> examined;
  const auto finding = [&](std::string message, nlohmann::json extra, const std::string& key) {
    Finding f;
    f.message = std::move(message);
    f.evidence = evidence(account.login.method, account.login.path, account.name, response.status,
                          std::move(extra));
    f.fingerprint = make_fingerprint(meta.id, {key});
    findings.push_back(std::move(f));
  };

  // Cookies.
  auto date = response.header("Date");
  std::time_t now = date ? http_date(*date).value_or(std::time(nullptr)) : std::time(nullptr);
  auto names = session_cookies(**login);
  for (const auto& header : response.headers_named("Set-Cookie")) {
    auto cookie = analyze::parse_set_cookie(header);
    if (!cookie || analyze::is_deletion(*cookie) || names.count(cookie->name) == 0)
      continue;
    std::optional<double> lives;
    if (cookie->max_age)
      lives = static_cast<double>(*cookie->max_age);
    else if (cookie->expires)
      if (auto at = http_date(*cookie->expires))
        lives = static_cast<double>(*at - now);
    if (!lives) {
      examined.push_back(fmt::format("cookie '{}' ends with the browser", cookie->name));
      continue;
    }
    examined.push_back(fmt::format("cookie '{}' lives {}", cookie->name, human(*lives)));
    if (*lives > limit)
      finding(fmt::format("session cookie '{}' lives {} ({}), longer than auth.session_max {}",
                          cookie->name, human(*lives),
                          cookie->max_age ? fmt::format("Max-Age={}", *cookie->max_age)
                                          : "Expires=" + *cookie->expires,
                          human(limit)),
              {{"cookie", cookie->name}, {"lifetime_s", *lives}}, cookie->name);
  }

  // JWT sessions: the token's own exp.
  std::vector<std::pair<std::string, std::string>> tokens;
  if (!(*login)->credentials().token.empty())
    tokens.push_back({"bearer token", (*login)->credentials().token});
  for (const auto& [name, value] : names)
    tokens.push_back({fmt::format("cookie '{}'", name), value});
  for (const auto& [where, value] : tokens) {
    auto jwt = analyze::parse_jwt(value);
    if (!jwt)
      continue;
    auto exp = analyze::numeric_claim(*jwt, "exp");
    auto iat = analyze::numeric_claim(*jwt, "iat");
    if (!exp) {
      finding(fmt::format("the JWT in the {} has no exp claim: it is valid forever", where),
              {{"token", redact(value)}, {"claims", "no exp"}}, where + " exp");
      continue;
    }
    double lives = *exp - (iat ? *iat : static_cast<double>(now));
    examined.push_back(fmt::format("the JWT in the {} lives {}", where, human(lives)));
    if (lives > limit)
      finding(fmt::format("the JWT in the {} lives {} (exp - iat), longer than auth.session_max {}",
                          where, human(lives), human(limit)),
              {{"token", redact(value)}, {"lifetime_s", lives}}, where + " exp");
  }

  // Server-side timeouts, when they are short enough to wait for.
  std::string unverified;
  auto probe = find_probe(context, **login);
  if (!probe && (auth.idle_timeout_ms > 0 || auth.session_max_ms <= k_wait_limit_ms))
    unverified += "; server-side timeouts not tested: " + probe.error().message;
  if (auth.idle_timeout_ms > 0 && auth.idle_timeout_ms <= k_wait_limit_ms && probe) {
    auto idle = fresh_session(context, account);
    if (!idle)
      return engine::errored(meta, idle.error().message);
    auto creds = (*idle)->credentials();
    context.clock().sleep_until(context.clock().now() +
                                std::chrono::milliseconds(auth.idle_timeout_ms + 2000));
    auto after = send_probe(context, **idle, *probe, creds);
    if (!after)
      return engine::errored(meta, after.error().message);
    examined.push_back(
        fmt::format("idle {} tested", human(static_cast<double>(auth.idle_timeout_ms) / 1000)));
    if (accepted(context, *probe, *after))
      finding(fmt::format("a session left idle for {} + 2 s (auth.idle_timeout) still reads GET {} "
                          "({})",
                          human(static_cast<double>(auth.idle_timeout_ms) / 1000), probe->path,
                          after->status),
              {{"waited_ms", auth.idle_timeout_ms + 2000}, {"probe", probe->path}}, "idle");
  } else if (auth.idle_timeout_ms > k_wait_limit_ms) {
    unverified += fmt::format("; the idle timeout ({}) is not waited for (over 5 min)",
                              human(static_cast<double>(auth.idle_timeout_ms) / 1000));
  } else if (auth.idle_timeout_ms == 0) {
    unverified += "; the server-side idle timeout is not verified (set auth.idle_timeout to test "
                  "it; staging can use a short one)";
  }
  if (auth.session_max_ms <= k_wait_limit_ms && probe) {
    auto lasting = fresh_session(context, account);
    if (!lasting)
      return engine::errored(meta, lasting.error().message);
    auto creds = (*lasting)->credentials();
    auto deadline = context.clock().now() + std::chrono::milliseconds(auth.session_max_ms + 2000);
    auto step = std::chrono::milliseconds(std::max<long long>(
        500,
        std::min<long long>(20000, auth.idle_timeout_ms > 0 ? auth.idle_timeout_ms / 2 : 20000)));
    int rounds = 0;
    while (context.clock().now() < deadline && rounds++ < 1000) {
      context.clock().sleep_until(std::min(deadline, context.clock().now() + step));
      if (context.clock().now() < deadline)
        (void)send_probe(context, **lasting, *probe, creds); // keeps the session from idling out
    }
    auto after = send_probe(context, **lasting, *probe, creds);
    if (!after)
      return engine::errored(meta, after.error().message);
    examined.push_back(fmt::format("absolute {} tested", human(limit)));
    if (accepted(context, *probe, *after))
      finding(fmt::format("a session kept busy for auth.session_max {} + 2 s still reads GET {} "
                          "({}): no absolute timeout on the server",
                          human(limit), probe->path, after->status),
              {{"waited_ms", auth.session_max_ms + 2000}, {"probe", probe->path}}, "absolute");
  } else if (auth.session_max_ms > k_wait_limit_ms) {
    unverified += fmt::format("; the server-side absolute timeout is not waited for ({} is over "
                              "5 min)",
                              human(limit));
  }

  std::string summary = join(examined, ", ");
  if (summary.empty())
    summary = "no cookie or token lifetime to read";
  summary += unverified;
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (examined.empty())
    return engine::skipped(meta, SkipKind::not_applicable,
                           "the login sets no session cookie or JWT whose lifetime can be read, "
                           "and no timeout short enough to wait for is configured" +
                               unverified);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
