// Account flows of the sample portal — sign-in, sign-out, password reset and invites — written
// once for the JSON API and the HTML forms. Reset and invite tokens are 256-bit random values,
// single use and short-lived (30 min, 72 h), stored as SHA-256 only and mailed as links built
// from the bound address, never from the request's Host header (no reset-link poisoning).

#include "actions.hpp"

#include "util.hpp"

#include <fmt/format.h>

namespace portal {

namespace {

constexpr std::int64_t k_reset_lifetime = 30 * 60;
constexpr std::int64_t k_invite_lifetime = 72 * 3600;

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

std::optional<LoginResult> sign_in(Context& ctx, std::string_view email, std::string_view password,
                                   std::string_view ip) {
  auto result = ctx.auth.login(email, password);
  const auto now = now_seconds();
  if (result) {
    ctx.store.audit(result->user.org_id, result->user.id, "login", "", ip, now);
  } else if (const auto user = ctx.store.find_user_by_email(ascii_lower(email))) {
    ctx.store.audit(user->org_id, user->id, "login_failed", "", ip, now);
  }
  return result;
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

void request_password_reset(Context& ctx, std::string_view email, std::string_view ip) {
  const auto user = ctx.store.find_user_by_email(ascii_lower(email));
  if (!user) {
    return;
  }
  const auto now = now_seconds();
  const auto token = random_token();
  ctx.store.create_reset(sha256_hex(token), user->id, now, now + k_reset_lifetime);
  ctx.store.audit(user->org_id, user->id, "password_reset_requested", "", ip, now);
  ctx.mailer.send(
      Mail{user->email, "Reset your client portal password",
           fmt::format("Someone asked to reset the password of {} on the client portal.\n\n"
                       "To choose a new password, open this link within 30 minutes:\n"
                       "{}/reset?token={}\n\n"
                       "The link works once. If you did not ask for this, ignore this message.\n",
                       user->email, ctx.base_url, token)});
}

TokenOutcome confirm_password_reset(Context& ctx, std::string_view token, std::string_view password,
                                    std::string_view ip) {
  return token_flow(
      token, password,
      [&](std::string_view token_hash, std::int64_t now) {
        return ctx.store.peek_reset(token_hash, now);
      },
      [&](std::string_view token_hash, std::string_view hash, std::int64_t now) {
        const auto user = ctx.store.consume_reset(token_hash, hash, now);
        if (!user) {
          return TokenOutcome::invalid_token;
        }
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
  expires_at = now + k_invite_lifetime;
  const auto token = random_token();
  ctx.store.create_invite(sha256_hex(token), Invite{admin.org_id, address, std::string(role)},
                          admin.id, now, expires_at);
  ctx.store.audit(admin.org_id, admin.id, "invite", fmt::format("email={} role={}", address, role),
                  ip, now);
  ctx.mailer.send(
      Mail{address, fmt::format("{} invited you to the client portal", admin.email),
           fmt::format("{} invited you to join the {} organisation on the client portal as {}.\n\n"
                       "To accept, open this link within 72 hours and choose a password:\n"
                       "{}/invite?token={}\n",
                       admin.email, admin.org, role, ctx.base_url, token)});
  return {};
}

} // namespace portal
