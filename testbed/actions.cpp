// Account flows of the sample portal — sign-in (with the failed-login limits), sign-out, password
// reset and invites — written once for the JSON API and the HTML forms. Reset and invite tokens
// are 256-bit random values, single use and short-lived (--reset-ttl 30 min, --invite-ttl 72 h by
// default), stored as SHA-256 only and mailed as links built from the bound address, never from
// the request's Host header (no reset-link poisoning).

#include "actions.hpp"

#include "util.hpp"

#include <fmt/format.h>

namespace portal {

namespace {

// `seconds` in words for a mail, exact: "30 minutes", "72 hours", "1 second", "90 seconds".
std::string lifetime_text(std::int64_t seconds) {
  const auto words = [](std::int64_t count, std::string_view unit) {
    return fmt::format("{} {}{}", count, unit, count == 1 ? "" : "s");
  };
  if (seconds % 3600 == 0) {
    return words(seconds / 3600, "hour");
  }
  if (seconds % 60 == 0) {
    return words(seconds / 60, "minute");
  }
  return words(seconds, "second");
}

ResetRules reset_rules(const Context& ctx) {
  return ResetRules{!ctx.options.flaws.has(Flaw::reset_reusable),
                    !ctx.options.flaws.has(Flaw::reset_never_expires)};
}

// The shape of both token flows: check the new `password`, then check the token with
// `peek(token_hash, now)` before the (slow) hash, then `spend(token_hash, password_hash, now)`
// consumes it atomically and says how it went.
template <typename Peek, typename Spend>
TokenOutcome token_flow(std::string_view token, std::string_view password, Peek&& peek,
                        Spend&& spend) {
  if (!password_problem(password).empty()) {
    return TokenOutcome::weak_password;
  }
  const auto token_hash = sha256_hex(token);
  if (!peek(token_hash, now_seconds())) {
    return TokenOutcome::invalid_token;
  }
  const auto hash = hash_password(password);
  return spend(token_hash, hash, now_seconds());
}

} // namespace

SignIn sign_in(Context& ctx, std::string_view email, std::string_view password, std::string_view ip,
               std::string_view planted) {
  SignIn out;
  // A throttled attempt is refused before any lookup or hash: constant work, whatever it holds.
  out.retry_after = ctx.throttle.retry_after(ip, email, now_seconds());
  if (out.retry_after > 0) {
    return out;
  }
  out.session = ctx.auth.login(email, password, planted);
  const auto now = now_seconds();
  if (out.session) {
    ctx.throttle.succeeded(ip, email);
    ctx.store.audit(out.session->user.org_id, out.session->user.id, "login", "", ip, now);
    return out;
  }
  ctx.throttle.failed(ip, email, now);
  if (const auto user = ctx.store.find_user_by_email(ascii_lower(email))) {
    ctx.store.audit(user->org_id, user->id, "login_failed", "", ip, now);
  }
  return out;
}

void sign_out(Context& ctx, std::string_view token, const User& user, std::string_view ip) {
  if (!ctx.options.flaws.has(Flaw::stale_logout)) {
    ctx.auth.logout(token);
  }
  ctx.store.audit(user.org_id, user.id, "logout", "", ip, now_seconds());
}

std::string password_problem(std::string_view password) {
  if (!valid_utf8(password)) {
    return "password must be valid UTF-8";
  }
  if (utf8_length(password) < k_min_password_length) {
    return fmt::format("password must be at least {} characters", k_min_password_length);
  }
  if (password.size() > k_max_password_length) {
    return fmt::format("password must be at most {} bytes", k_max_password_length);
  }
  return {};
}

bool request_password_reset(Context& ctx, std::string_view email, std::string_view ip) {
  const auto user = ctx.store.find_user_by_email(ascii_lower(email));
  if (!user) {
    return false;
  }
  const auto now = now_seconds();
  const auto token = random_token();
  ctx.store.create_reset(sha256_hex(token), user->id, now, now + ctx.options.reset_ttl,
                         reset_rules(ctx));
  ctx.store.audit(user->org_id, user->id, "password_reset_requested", "", ip, now);
  ctx.mailer.send(
      Mail{user->email, "Reset your client portal password",
           fmt::format("Someone asked to reset the password of {} on the client portal.\n\n"
                       "To choose a new password, open this link within {}:\n"
                       "{}/reset?token={}\n\n"
                       "The link works once. If you did not ask for this, ignore this message.\n",
                       user->email, lifetime_text(ctx.options.reset_ttl), ctx.base_url, token)});
  return true;
}

TokenOutcome confirm_password_reset(Context& ctx, std::string_view token, std::string_view password,
                                    std::string_view ip) {
  return token_flow(
      token, password,
      [&](std::string_view token_hash, std::int64_t now) {
        return ctx.store.peek_reset(token_hash, now, reset_rules(ctx));
      },
      [&](std::string_view token_hash, std::string_view hash, std::int64_t now) {
        const auto user = ctx.store.consume_reset(token_hash, hash, now, reset_rules(ctx));
        if (!user) {
          return TokenOutcome::invalid_token;
        }
        ctx.auth.revoke_user(user->id); // JWTs; the store has deleted cookie sessions
        ctx.store.audit(user->org_id, user->id, "password_reset", "all sessions revoked", ip, now);
        return TokenOutcome::done;
      });
}

TokenOutcome accept_invite(Context& ctx, std::string_view token, std::string_view password,
                           std::string_view ip, User& user) {
  return token_flow(
      token, password,
      [&](std::string_view token_hash, std::int64_t now) {
        return ctx.store.peek_invite(token_hash, now).has_value();
      },
      [&](std::string_view token_hash, std::string_view hash, std::int64_t now) {
        switch (ctx.store.accept_invite(token_hash, hash, now, user)) {
        case AcceptOutcome::invalid_token:
          return TokenOutcome::invalid_token;
        case AcceptOutcome::email_taken:
          return TokenOutcome::email_taken;
        case AcceptOutcome::accepted:
          break;
        }
        ctx.store.audit(user.org_id, user.id, "invite_accepted", fmt::format("role={}", user.role),
                        ip, now);
        return TokenOutcome::done;
      });
}

std::string invite_user(Context& ctx, const User& admin, std::string_view email,
                        std::string_view role, std::string_view ip, bool& conflict,
                        std::int64_t& expires_at) {
  conflict = false;
  const auto address = ascii_lower(email);
  if (!plausible_email(address) || !valid_utf8(address)) {
    return "email must be a valid address";
  }
  if (role != "admin" && role != "staff") {
    return "role must be \"admin\" or \"staff\"";
  }
  if (ctx.store.find_user_by_email(address)) {
    conflict = true;
    return "a user with this email already exists";
  }
  const auto now = now_seconds();
  expires_at = now + ctx.options.invite_ttl;
  const auto token = random_token();
  // The flaw stores a far-off expiry while the answer and the mail promise the real one.
  constexpr std::int64_t k_century = 100LL * 365 * 24 * 3600;
  const auto stored_expiry =
      ctx.options.flaws.has(Flaw::invite_never_expires) ? now + k_century : expires_at;
  ctx.store.create_invite(sha256_hex(token), Invite{admin.org_id, address, std::string(role)},
                          admin.id, now, stored_expiry);
  ctx.store.audit(admin.org_id, admin.id, "invite", fmt::format("email={} role={}", address, role),
                  ip, now);
  ctx.mailer.send(
      Mail{address, fmt::format("{} invited you to the client portal", admin.email),
           fmt::format("{} invited you to join the {} organisation on the client portal as {}.\n\n"
                       "To accept, open this link within {} and choose a password:\n"
                       "{}/invite?token={}\n",
                       admin.email, admin.org, role, lifetime_text(ctx.options.invite_ttl),
                       ctx.base_url, token)});
  return {};
}

} // namespace portal
