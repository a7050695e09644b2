// session.logout: logs in twice (two devices), logs one out with auth.logout, replays its old
// credentials on the probe (they must be refused) and reports whether the other device stays
// signed in (OWASP ASVS 3.3.1; OWASP WSTG-SESS-06).

#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {

using namespace session;

CheckResult run_session_logout(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (!config.auth.logout)
    return engine::skipped(meta, SkipKind::not_configured,
                           "auth.logout is not configured: give the logout request "
                           "(e.g. {method: POST, path: /api/logout})");
  auto accounts = recipe_accounts(context);
  if (accounts.empty())
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no account logs in by a request: nothing to log out");
  const Account& account = *accounts.front();
  auto first = fresh_session(context, account);
  if (!first)
    return engine::errored(meta, first.error().message);
  auto second = fresh_session(context, account);
  if (!second)
    return engine::errored(meta, second.error().message);
  auto probe = find_probe(context, **first);
  if (!probe)
    return engine::errored(meta, probe.error().message);

  auto old = (*first)->credentials();
  auto before = send_probe(context, **first, *probe, old);
  if (!before)
    return engine::errored(meta, before.error().message);
  if (!accepted(context, *probe, *before))
    return engine::errored(meta, fmt::format("GET {} answered {} to a fresh login of {}: the "
                                             "probe does not tell a live session",
                                             probe->path, before->status, account.name));
  auto out = (*first)->logout(*config.auth.logout);
  if (!out)
    return engine::errored(meta, out.error().message);
  if (out->status >= 400)
    return engine::errored(meta, fmt::format("{} {} answered {}: check auth.logout",
                                             config.auth.logout->method, config.auth.logout->path,
                                             out->status));
  auto after = send_probe(context, **first, *probe, old);
  if (!after)
    return engine::errored(meta, after.error().message);
  auto other = send_probe(context, **second, *probe, (*second)->credentials());
  std::string devices =
      !other ? "the other session could not be tested"
      : accepted(context, *probe, *other)
          ? "a second login of the same account stays signed in (logout ends one device only)"
          : "a second login of the same account was signed out too (logout ends every device)";
  if (accepted(context, *probe, *after)) {
    Finding f;
    f.message = fmt::format("after {} {} answered {}, the old session of {} still reads GET {} "
                            "({}): logout does not end the session on the server",
                            config.auth.logout->method, config.auth.logout->path, out->status,
                            account.name, probe->path, after->status);
    nlohmann::json replayed = nlohmann::json::object();
    for (const auto& [name, value] : old.cookies)
      replayed["cookie " + name] = redact(value);
    if (!old.token.empty())
      replayed["bearer"] = redact(old.token);
    f.evidence = evidence("GET", probe->path, account.name, after->status,
                          {{"logout_status", out->status}, {"replayed", replayed}});
    f.fingerprint = make_fingerprint(meta.id, {config.auth.logout->path, probe->path});
    return engine::failed(meta, {f}, true, devices);
  }
  return engine::passed(meta, fmt::format("after logout the old session of {} gets {} on GET {}; "
                                          "{}",
                                          account.name, after->status, probe->path, devices));
}

} // namespace lg::checks
