#pragma once
// The portal's account operations, shared by the JSON API and the HTML forms: each one audits
// itself and honours the flaws that concern it.

#include "server.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portal {

// The outcome of `sign_in`: a session, a refusal for now (`retry_after` > 0: throttled, the
// password was not checked), or neither (wrong email or password).
struct SignIn {
  std::optional<LoginResult> session;
  std::int64_t retry_after = 0; // seconds
};

// A new session for `email`/`password` from `ip` (audited as login or login_failed), unless the
// failed-login limits refuse the attempt. `planted` is the session cookie the request carried
// (only the fixation flaw looks at it).
SignIn sign_in(Context& ctx, std::string_view email, std::string_view password, std::string_view ip,
               std::string_view planted);

// Ends the session `token` of `user` (kept alive server-side under the stale-logout flaw).
void sign_out(Context& ctx, std::string_view token, const User& user, std::string_view ip);

// "" when `password` is acceptable for a new password, else the reason.
std::string password_problem(std::string_view password);

// Mails a single-use reset link to `email` if such a user exists; false (and nothing sent) when
// there is none.
bool request_password_reset(Context& ctx, std::string_view email, std::string_view ip);

enum class TokenOutcome { done, weak_password, invalid_token, email_taken };

// Sets a new password with the reset `token`, consuming it (and the user's other reset tokens)
// and revoking the user's sessions.
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
