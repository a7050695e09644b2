// session.invite: an admin (auth.invite_as) invites a new address with auth.invite; the invite
// mail must arrive, its token must work once (auth.invite_accept) and not twice, and with a
// short auth.invite_expiry a second invite is tried after it expired. Invites create users, so
// the check runs only with --allow-writes.

#include "analyze/tokens.hpp"
#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "engine/replay.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {

using namespace session;

namespace {

constexpr long long k_wait_limit_ms = 2 * 60 * 1000;
constexpr double k_min_bits = 64;

bool ok(int status) {
  return status >= 200 && status < 400;
}

} // namespace

CheckResult run_session_invite(engine::Context& context, const CheckMeta& meta) {
  const auto& auth = context.config().auth;
  if (!auth.invite || !auth.invite_accept)
    return engine::skipped(meta, SkipKind::not_configured,
                           "auth.invite (with auth.invite_as) and auth.invite_accept are not "
                           "configured");
  if (context.mailbox() == nullptr)
    return engine::skipped(meta, SkipKind::not_configured,
                           "no mail source: set mail.smtp_sink or mail.command to read invites");
  if (!context.options().allow_writes)
    return engine::skipped(meta, SkipKind::not_configured,
                           "invites create users: run with --allow-writes to test them");
  auto inviter = context.session(auth.invite_as);
  if (!inviter)
    return engine::errored(meta, inviter.error().message);
  const std::string domain_of = (*inviter)->account().email.empty()
                                    ? std::string("invitee@example.invalid")
                                    : (*inviter)->account().email;
  const auto invite = [&](const std::string& address) {
    return mailed_token(
        context, address, auth.invite_token,
        fmt::format("{} {} as {}", auth.invite->method, auth.invite->path, auth.invite_as),
        [&]() -> Expected<net::HttpResponse> {
          return (*inviter)->send(
              recipe_request(context, fill_recipe(*auth.invite, {{"invite.email", address}})));
        });
  };
  const auto accept = [&](const std::string& token, const std::string& address) {
    return send_recipe(context,
                       fill_recipe(*auth.invite_accept, {{"token", token},
                                                         {"new_password", temporary_password()},
                                                         {"invite.email", address}}));
  };
  const auto& recipe = *auth.invite_accept;
  std::vector<Finding> findings;
  std::vector<std::string> notes;
  const auto finding = [&](std::string message, int status, nlohmann::json extra,
                           const std::string& key) {
    Finding f;
    f.message = std::move(message);
    f.evidence = evidence(recipe.method, recipe.path, "anonymous", status, std::move(extra));
    f.fingerprint = make_fingerprint(meta.id, {key});
    findings.push_back(std::move(f));
  };

  std::string address = unknown_address(domain_of, "invite");
  auto t = invite(address);
  if (!t)
    return engine::errored(meta, t.error().message);
  notes.push_back(fmt::format("the invite mail arrived (\"{}\")", t->subject));
  auto e = analyze::estimate_token_entropy({t->token});
  if (e.bits < k_min_bits)
    finding(fmt::format("the invite token carries about {:.0f} bits; at least {:.0f} are needed",
                        e.bits, k_min_bits),
            0, {{"token", redact(t->token)}}, "entropy");
  auto first = accept(t->token, address);
  if (!first)
    return engine::errored(meta, first.error().message);
  if (!ok(first->status))
    return engine::errored(meta, fmt::format("{} {} refused a fresh invite token ({}: {}): check "
                                             "auth.invite_accept and auth.invite_token",
                                             recipe.method, recipe.path, first->status,
                                             engine::excerpt(first->body, 160)));
  auto second = accept(t->token, address);
  if (!second)
    return engine::errored(meta, second.error().message);
  if (ok(second->status))
    finding(fmt::format("an invite link worked twice ({} {} answered {} on the second use)",
                        recipe.method, recipe.path, second->status),
            second->status, {{"token", redact(t->token)}}, "reuse");
  else
    notes.push_back(fmt::format("works once (second use: {})", second->status));

  if (auth.invite_expiry_ms <= k_wait_limit_ms) {
    std::string late = unknown_address(domain_of, "invite");
    auto t2 = invite(late);
    if (!t2)
      return engine::errored(meta, t2.error().message);
    context.clock().sleep_until(context.clock().now() +
                                std::chrono::milliseconds(auth.invite_expiry_ms + 1500));
    auto after = accept(t2->token, late);
    if (!after)
      return engine::errored(meta, after.error().message);
    if (ok(after->status))
      finding(fmt::format("an invite token still worked {:.1f} s after it was mailed, past "
                          "auth.invite_expiry",
                          static_cast<double>(auth.invite_expiry_ms + 1500) / 1000),
              after->status, {{"token", redact(t2->token)}}, "expiry");
    else
      notes.push_back(fmt::format("refused after auth.invite_expiry ({})", after->status));
  } else {
    notes.push_back(fmt::format("expiry ({} h) not waited for; set auth.invite_expiry to 2 min or "
                                "less on staging to test it",
                                auth.invite_expiry_ms / 3600000));
  }
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, join(notes, "; "));
  return engine::passed(meta, join(notes, "; "));
}

} // namespace lg::checks
