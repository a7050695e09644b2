#pragma once
// The portal's account operations, shared by the JSON API and the HTML forms: each one audits
// itself and honours the flaws that concern it.

#include "server.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace portal {

// A new session for `email`/`password` (audited as login or login_failed), or nullopt.
std::optional<LoginResult> sign_in(Context& ctx, std::string_view email, std::string_view password,
                                   std::string_view ip);

// Ends the session `token` of `user` (kept alive server-side under the stale-logout flaw).
void sign_out(Context& ctx, std::string_view token, const User& user, std::string_view ip);

// "" when `password` is acceptable for a new password, else the reason.
std::string password_problem(std::string_view password);

// Mails a single-use reset link to `email` if such a user exists; silent otherwise.
void request_password_reset(Context& ctx, std::string_view email, std::string_view ip);

enum class TokenOutcome { done, weak_password, invalid_token, email_taken };

// Sets a new password with the reset `token`, consuming it and revoking the user's sessions.
TokenOutcome confirm_password_reset(Context& ctx, std::string_view token, std::string_view password,
                                    std::string_view ip);

// Creates the invited user with `password`, consuming the invite `token`; `user` receives it.
TokenOutcome accept_invite(Context& ctx, std::string_view token, std::string_view password,
                           std::string_view ip, User& user);

// Creates an invite from `admin` for `email` with `role` and mails it. "" on success, else the
// reason the request is refused (`conflict` is set when the email is already a user).
std::string invite_user(Context& ctx, const User& admin, std::string_view email,
                        std::string_view role, std::string_view ip, bool& conflict,
                        std::int64_t& expires_at);

} // namespace portal
