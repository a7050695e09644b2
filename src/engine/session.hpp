#pragma once
// One configured account's HTTP state: logs in by its style (a login request whose answer sets
// cookies or carries a bearer token, optionally after scraping a CSRF token from the login page;
// HTTP Basic; an API key in a header or the query string), adds its credentials to each request,
// logs in again once on a 401 (login requests only), and logs out on request.

#include "analyze/cookies.hpp"
#include "core/config.hpp"
#include "core/guard.hpp"

#include <map>
#include <string>

namespace lg::engine {

class Session {
public:
  Session(GuardedHttpClient& http, const Config& config, Account account);

  const Account& account() const { return m_account; }
  bool logged_in() const { return m_logged_in; }

  /// Logs in by the account's `login` style:
  /// - a request: with `login.csrf`, first GETs `csrf.page` (which must answer 2xx; its cookies
  ///   start the jar), finds the token (analyze::find_csrf_token) and adds it to the form under
  ///   the field it was found as, and to `csrf.header` when set. Then sends the request with that
  ///   jar. Success is a 2xx, or a redirect that sets a cookie; the session is the cookie jar
  ///   (page cookies and login cookies), plus the bearer token at `login.token` when given.
  /// - basic / api_key: sends nothing but the optional `check`, a GET (redirects not followed)
  ///   with the credential that must answer 2xx.
  /// Errors (kind auth) name the account and what the portal answered (or which CSRF field was
  /// looked for), never a password, key or token.
  /// `planted` cookies start the jar and are sent with the login request (session.fixation).
  Expected<void> login(const std::map<std::string, std::string>& planted = {});

  /// The response of the last successful login: the login request's answer, the check's for
  /// basic and api_key (empty, status 0, without a check).
  const net::HttpResponse& login_response() const { return m_login_response; }

  /// Sends `request` (its url may be a path on the target) with this account's credentials,
  /// follows in-scope redirects, keeps Set-Cookie updates, and logs in again once on a 401 when
  /// the account logs in by a request; with basic and api_key a 401 is returned as is.
  Expected<net::HttpResponse> send(net::HttpRequest request);

  /// Sends the auth.logout recipe with the credentials, then forgets them locally.
  Expected<net::HttpResponse> logout(const RequestRecipe& recipe);

  /// Drops the local credentials without telling the server.
  void forget();

  /// Credentials as they were right now, to replay after logout (session.logout). Each request
  /// carries all that are set.
  struct Credentials {
    std::map<std::string, std::string> cookies; ///< sent as one Cookie header
    std::string token;                          ///< Authorization: Bearer <token>
    std::string basic;          ///< "user:password", sent as Authorization: Basic base64(…)
    std::string api_key_header; ///< the header that carries `api_key`, or
    std::string api_key_query;  ///< the query parameter appended (URL-encoded) to every URL
    std::string api_key;
  };
  Credentials credentials() const { return m_creds; }
  /// `request` with this session's credentials applied (cookies, token, Basic or API key), for
  /// requests sent outside the guarded client: the perf gate's load engine.
  net::HttpRequest authorized(net::HttpRequest request) const {
    apply(request, m_creds);
    return request;
  }
  /// Sends `request` with `creds` exactly, no re-login (for replaying ended sessions).
  Expected<net::HttpResponse> send_with(net::HttpRequest request, const Credentials& creds);

  /// How a curl command carries this session's current credentials: see the free function.
  std::string replay_auth_hint() const;

private:
  void absorb_cookies(const net::HttpResponse& response);
  static void apply(net::HttpRequest& request, const Credentials& creds);
  Expected<net::HttpResponse> send_recipe(const RequestRecipe& recipe, bool with_credentials);
  Expected<void> login_by_request();
  Expected<void> add_csrf_token(RequestRecipe& recipe);
  Expected<void> login_by_credential();
  /// `message` with the account's configured secrets replaced by "[redacted]".
  std::string scrub(std::string message) const;

  GuardedHttpClient& m_http;
  const Config& m_config;
  Account m_account;
  bool m_logged_in = false;
  Credentials m_creds;
  net::HttpResponse m_login_response;
};

/// curl arguments that carry `creds` with every secret as a shell variable, never inline, for
/// reproduction steps. One argument per credential kind, separated by spaces, in this order:
/// - bearer token: `-H "Authorization: Bearer $TOKEN"`
/// - HTTP Basic: `-u "$BASIC_USER:$PASSWORD"` (not $USER: the shell sets that to the local login)
/// - API key in a header: `-H "X-Api-Key: $TOKEN"`; in the query string:
///   `--url-query "api_key=$TOKEN"` (curl 7.87 or later)
/// - cookies: `-b "sid=$TOKEN"` for one cookie, `-b "a=$TOKEN_A; b=$TOKEN_B"` for several (the
///   name upper-cased, other characters than letters and digits as '_', a suffix _2, _3 … on a
///   clash). Cookie variables are named COOKIE… instead of TOKEN… when a bearer token or an API
///   key already uses $TOKEN.
/// Header and cookie names are written as they are, with \ " $ ` escaped for a double-quoted
/// shell word. Empty when `creds` carries nothing.
std::string replay_auth_hint(const Session::Credentials& creds);

/// base_url joined with `path` when `path` is not absolute.
std::string target_url(const Config& config, const std::string& path);

/// The body and content type of a recipe: JSON, a form, or empty.
void fill_body(net::HttpRequest& request, const RequestRecipe& recipe);

} // namespace lg::engine
