#pragma once
// What the session checks share: fresh logins that the run's cached sessions never see, the
// probe (an authenticated endpoint that tells a live session from a dead one), the `auth:`
// recipes filled in, and raw login attempts with a chosen password.

#include "engine/context.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace lg::checks::session {

/// An authenticated GET that answers 2xx to a live session and something else (401, 403, a
/// redirect to the login page) without one.
struct Probe {
  std::string path;
  int anonymous_status = 0; ///< what it answered without credentials
};

/// Finds the probe: among the API's GET operations without path parameters that are neither
/// public nor admin-only (those named like me/profile/account/session first), then the
/// configured pages, the first that `session` reads and an anonymous client cannot. Kept for
/// the run. Errors say what was tried.
Expected<Probe> find_probe(engine::Context& context, engine::Session& session);

/// True when `response` to the probe shows a live session: 2xx from the probe's own URL.
bool accepted(engine::Context& context, const Probe& probe, const net::HttpResponse& response);

/// Sends the probe with `creds` exactly (no re-login), as session.logout and others replay.
Expected<net::HttpResponse> send_probe(engine::Context& context, engine::Session& session,
                                       const Probe& probe,
                                       const engine::Session::Credentials& creds);

/// A new login of `account`, separate from the run's cached session (so that logging it out or
/// planting cookies leaves other checks alone). `planted` cookies are sent with the login.
Expected<std::unique_ptr<engine::Session>>
fresh_session(engine::Context& context, const Account& account,
              const std::map<std::string, std::string>& planted = {});

/// The configured accounts that log in by a request (the only ones with a session to test).
std::vector<const Account*> recipe_accounts(const engine::Context& context);

/// Where an account's login recipe carries the password and the login name: JSON members or
/// form fields named like password/pass/pwd and email/username/login/user.
struct LoginFields {
  std::string password; ///< key of the password member or field
  std::string login;    ///< key of the email/username member or field; may be empty
};
std::optional<LoginFields> login_fields(const Account& account);

/// The configured password of `account` (from its login recipe), "" when not found.
std::string configured_password(const Account& account);

/// Sends `account`'s login request without any cookie, with `password` and, when `login` is
/// not empty, that login name instead of the configured one. Redirects are not followed.
Expected<net::HttpResponse> login_attempt(engine::Context& context, const Account& account,
                                          const std::string& password,
                                          const std::string& login = "");

/// `recipe` with {name} placeholders replaced from `vars` in the path, headers, form values and
/// every JSON string (a JSON string that is exactly one placeholder takes the value as a string).
RequestRecipe fill_recipe(const RequestRecipe& recipe,
                          const std::map<std::string, std::string>& vars);

/// The request a filled recipe makes: method, absolute URL, Accept: application/json, its
/// headers and body.
net::HttpRequest recipe_request(engine::Context& context, const RequestRecipe& recipe);

/// Sends a filled recipe anonymously (no credentials, redirects not followed).
Expected<net::HttpResponse> send_recipe(engine::Context& context, const RequestRecipe& recipe);

/// The session cookies a login set: the jar minus cookies named like csrf/xsrf.
std::map<std::string, std::string> session_cookies(const engine::Session& session);

/// A unique address at the domain of `email` (or example.invalid), that no account has.
std::string unknown_address(const std::string& email, const std::string& tag);

/// A login name no account has, of the configured login's shape: an address at its domain when
/// it holds an '@', else a user name.
std::string unknown_login(const Account& account, const std::string& tag);

/// True when `password` now logs `account` in (a 2xx, or a redirect that sets a cookie). Used to
/// judge whether a reset took effect; for logins with a CSRF token nothing is sent and nullopt
/// is returned.
std::optional<bool> password_works(engine::Context& context, const Account& account,
                                   const std::string& password);

/// A password meeting common policies (16+ characters, mixed classes), new on every call.
std::string temporary_password();

/// A token that came by mail, and where.
struct MailedToken {
  std::string token;
  std::string link; ///< the link that carries it, "" when it stands in the text
  std::string subject;
  int request_status = 0; ///< what the request that triggered the mail answered
};

/// Sends `request` with `send`, then waits (mail.wait) for the next mail to `address` and finds
/// `pattern`'s first group in its links and text parts. Errors say which step failed: no
/// mailbox, a refused request, no mail in time, no token in the mail.
Expected<MailedToken> mailed_token(engine::Context& context, const std::string& address,
                                   const std::string& pattern, const std::string& what,
                                   const std::function<Expected<net::HttpResponse>()>& send);

/// Evidence for a session finding: method, path, as and status, plus `extra` members.
nlohmann::json evidence(const std::string& method, const std::string& path, const std::string& as,
                        int status, nlohmann::json extra = nlohmann::json::object());

} // namespace lg::checks::session
