// session.login-rate-limit: a bounded burst of wrong passwords (auth.login_burst, 30 by default)
// for one account, then the same number spread over unknown accounts from this one client; each
// must meet a 429, a lockout or a growing delay before it ends. Afterwards the owner's real
// password is tried: a lockout is reported with its Retry-After (OWASP ASVS 2.2.1, CWE-307).

#include "analyze/tokens.hpp"
#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {

using namespace session;

namespace {

struct Burst {
  int sent = 0;
  int limited_at = 0; ///< 1-based attempt that met the limit, 0: none
  std::string how;    ///< "429", "lockout message", "delay"
  std::string retry_after;
  std::map<int, int> statuses;
  double seconds = 0;
};

/// True when `r` says the account or client is limited in words the first answer did not use
/// (a login page may mention "locked" all along).
bool says_limited(const net::HttpResponse& r, const std::string& first_body) {
  auto body = to_lower(r.body.substr(0, 4096));
  auto first = to_lower(first_body.substr(0, 4096));
  for (const char* word : {"too many", "locked", "try again later", "rate limit", "temporarily"})
    if (body.find(word) != std::string::npos && first.find(word) == std::string::npos)
      return true;
  return false;
}

/// Sends `count` failing logins made by `attempt(i)`; stops at the first sign of a limit.
template <class Attempt> Expected<Burst> burst(int count, Attempt attempt) {
  Burst b;
  std::vector<double> times;
  std::string first_body;
  for (int i = 1; i <= count; ++i) {
    auto r = attempt(i);
    if (!r)
      return unexpected(r.error());
    ++b.sent;
    ++b.statuses[r->status];
    b.seconds += r->elapsed_ms / 1000;
    times.push_back(r->elapsed_ms);
    if (r->status >= 200 && r->status < 300)
      return unexpected(ErrorKind::auth, fmt::format("a wrong password was accepted (attempt {} "
                                                     "answered {})",
                                                     i, r->status));
    if (r->status == 429 || r->status == 423 || (r->status == 503 && r->header("Retry-After"))) {
      b.limited_at = i;
      b.how = std::to_string(r->status);
      b.retry_after = r->header("Retry-After").value_or("");
      break;
    }
    if (i == 1)
      first_body = r->body;
    if (i > 1 && says_limited(*r, first_body)) {
      b.limited_at = i;
      b.how = fmt::format("{} saying the account is locked or limited", r->status);
      break;
    }
    if (times.size() >= 6) {
      double base = analyze::median({times[0], times[1], times[2]});
      if (r->elapsed_ms > std::max(1000.0, 4 * base)) {
        b.limited_at = i;
        b.how = fmt::format("a delay ({:.0f} ms against {:.0f} ms at first)", r->elapsed_ms, base);
        break;
      }
    }
  }
  return b;
}

std::string statuses(const Burst& b) {
  std::vector<std::string> parts;
  for (const auto& [status, n] : b.statuses)
    parts.push_back(fmt::format("{}×{}", n, status));
  return join(parts, ", ");
}

} // namespace

CheckResult run_session_login_rate_limit(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  const Account* account = nullptr;
  for (const auto* a : recipe_accounts(context))
    if (login_fields(*a) && !a->csrf)
      account = a; // the last one: the others keep working for the checks that follow
  if (account == nullptr)
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no account logs in with a password field in its login request "
                           "(logins with a scraped CSRF token are not replayed)");
  auto fields = login_fields(*account);
  const int count = config.auth.login_burst;

  auto one = burst(count, [&](int i) {
    return login_attempt(context, *account, fmt::format("launchgate-wrong-{}-Xq9", i));
  });
  if (!one)
    return engine::errored(meta, fmt::format("{}: {}", account->name, one.error().message));
  Expected<Burst> spray = unexpected(ErrorKind::config, "");
  if (!fields->login.empty())
    spray = burst(count, [&](int i) {
      return login_attempt(context, *account, fmt::format("launchgate-wrong-{}-Xq9", i),
                           unknown_login(*account, "spray"));
    });

  // The owner afterwards.
  auto owner = login_attempt(context, *account, configured_password(*account));
  std::string aftermath;
  if (!owner)
    aftermath = "the owner's login could not be tried: " + owner.error().message;
  else if (owner->status >= 200 && owner->status < 400)
    aftermath = fmt::format("{} can still log in with the right password ({})", account->name,
                            owner->status);
  else
    aftermath =
        fmt::format("{} is locked out: the right password gets {}{}", account->name, owner->status,
                    owner->header("Retry-After")
                        ? fmt::format(" with Retry-After: {} s", *owner->header("Retry-After"))
                        : std::string(" (no Retry-After)"));

  std::vector<Finding> findings;
  std::vector<std::string> met;
  const auto judge = [&](const Burst& b, const std::string& what, const std::string& key) {
    if (b.limited_at > 0) {
      met.push_back(
          fmt::format("{} met {} at attempt {}{}", what, b.how, b.limited_at,
                      b.retry_after.empty() ? "" : " (Retry-After " + b.retry_after + ")"));
      return;
    }
    Finding f;
    f.message = fmt::format("{} wrong passwords {} in {:.1f} s met no 429, lockout or delay ({})",
                            b.sent, what, b.seconds, statuses(b));
    f.evidence = evidence(account->login.method, account->login.path, account->name,
                          b.statuses.empty() ? 0 : b.statuses.rbegin()->first,
                          {{"attempts", b.sent}, {"statuses", statuses(b)}});
    f.fingerprint = make_fingerprint(meta.id, {account->login.path, key});
    findings.push_back(std::move(f));
  };
  judge(*one, "for " + account->name, "one-account");
  if (spray)
    judge(*spray, "spread over unknown accounts from one client", "spray");
  std::string summary = join(met, "; ");
  summary += (summary.empty() ? "" : "; ") + aftermath;
  if (!spray && !fields->login.empty()) {
    summary += "; the spray across accounts could not be sent: " + spray.error().message;
    if (findings.empty())
      return engine::errored(meta, summary);
  } else if (!spray) {
    summary += "; no spray across accounts (the login request has no email or username field)";
  }
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
